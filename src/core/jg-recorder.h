/* jg-recorder.h: runs the collector that drains every probe ring into a trace.
 *
 * A recording thread asks for a probe once (jg_recorder_open_probe), writes into
 * it with jg_probe_emit, and closes it when done. A collector thread drains all
 * rings about every millisecond, merges what it took by time and appends it to
 * the trace, so readers see the run grow live (about 2 ms behind: the newest
 * events wait so that the trace stays in time order). Events that arrive whole from
 * elsewhere (a worker process's pipe) are added with jg_recorder_push. */
#pragma once

#include <glib-object.h>

#include "jg-probe.h"
#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_TYPE_RECORDER (jg_recorder_get_type ())
G_DECLARE_FINAL_TYPE (JgRecorder, jg_recorder, JG, RECORDER, GObject)

/* Events per probe ring: 1.5 MiB, about 65 ms of a thread doing nothing but emit. */
#define JG_PROBE_RING_EVENTS (1u << 16)

JgRecorder *jg_recorder_new           (JgTrace    *trace);
JgTrace    *jg_recorder_get_trace     (JgRecorder *self);
/* Sets the trace's epoch to now and starts the collector. */
void        jg_recorder_start         (JgRecorder *self);
/* Drains what is left, stops the collector, sets the trace's end and finishes it. */
void        jg_recorder_stop          (JgRecorder *self);
gboolean    jg_recorder_is_running    (JgRecorder *self);

/* Thread-safe. The probe belongs to the calling thread until it is closed. */
JgProbe    *jg_recorder_open_probe    (JgRecorder *self,
                                       guint32     worker);
void        jg_recorder_close_probe   (JgRecorder *self,
                                       JgProbe    *probe);

/* Thread-safe: queues whole events (ts already relative to the epoch). */
void        jg_recorder_push          (JgRecorder    *self,
                                       const JgEvent *events,
                                       gsize          n_events);
/* Wakes the collector now instead of at its next tick. */
void        jg_recorder_wake          (JgRecorder *self);
/* Times a producer found its ring full and waited. */
guint       jg_recorder_get_stalls    (JgRecorder *self);

G_END_DECLS
