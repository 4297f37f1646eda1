/* jg-render-bench.h: what a frame of the swimlane canvas costs, for
 * `juggler-cli bench`: full-window frames of large traces, and frames while a
 * run is being recorded. */
#pragma once

#include <glib.h>

#include "jg-swimlane-painter.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 n_events;
  double  spans_s;             /* deriving the spans from the events */
  double  lod_s;               /* summarising the spans */
  double  lod_bytes_per_event; /* what the summary adds to a trace's 24 bytes an event */
  double  frame_ms;            /* median full-window frame, nothing cached */
  double  cached_frame_ms;     /* median redraw of the same window (hover, selection) */
} JgRenderBenchResult;

/* A trace of about @n_events events the way a threads run under the GIL records
 * them: eight threads working through 64 tasks of CPU bursts and blocking I/O,
 * taking turns at the GIL with drop requests every switch interval (5 ms),
 * hand-offs, and cores they move between. The same @seed gives the same trace. */
JgTrace  *jg_render_bench_make_trace    (guint64              n_events,
                                         guint32              seed);

/* Builds such a trace, its spans and summary, and times full-window frames
 * (@width x @height, ARGB32 image surface, the whole trace in view) as the
 * median of 21. */
void      jg_render_bench_run           (guint64              n_events,
                                         guint                width,
                                         guint                height,
                                         JgRenderBenchResult *result);
/* Threads record about @events_per_second through a real JgRecorder and probes
 * for @seconds while this thread, at 60 frames a second, updates the spans and
 * summary and draws a 1920x1080 frame following the newest events (the last
 * ten seconds). Returns the 95th percentile of the frame times (update and
 * draw), and how many events were recorded. */
double    jg_render_bench_live_frame_ms (double               events_per_second,
                                         double               seconds,
                                         guint64             *n_events);

G_END_DECLS
