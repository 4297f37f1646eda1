/* jg-spans.h: per-task state spans derived from a trace's events.
 *
 * A task is in exactly one state at a time: from its begin it is Ready until it
 * runs; a suspend moves it to the wait state of its reason; its end moves it to
 * Done. The GIL lane is a list of holder spans per interpreter. JgSpans is updated
 * incrementally from the published prefix of a (possibly live) trace; the last
 * span of each task stays open, reaching the newest event, until its state changes.
 */
#pragma once

#include <glib.h>

#include "jg-trace.h"

G_BEGIN_DECLS

typedef enum
{
  JG_STATE_RUNNING = 0,
  JG_STATE_GIL_WAIT,  /* waiting for the GIL */
  JG_STATE_IO_WAIT,   /* blocking I/O or sleep */
  JG_STATE_AWAITING,  /* a suspended coroutine */
  JG_STATE_LOCK_WAIT, /* a lock, semaphore or queue */
  JG_STATE_READY,     /* runnable, not running */
  JG_STATE_DONE,
  JG_N_STATES
} JgTaskState;

#define JG_SPAN_OPEN         0x1 /* still growing: the task has not left this state yet */
#define JG_SPAN_CPU_MEASURED 0x2 /* Running, and cpu_us says how much CPU it really got */

typedef struct
{
  guint64 start;  /* ns */
  guint64 end;    /* ns; the newest event's time while open */
  guint32 worker; /* where the state began */
  gint16  cpu;    /* the core at the state's start, -1 if unknown */
  guint8  state;  /* JgTaskState */
  guint8  reason; /* JgSuspendReason for waits, JgEndStatus for Done, 0 otherwise */
  guint32 flags;  /* JG_SPAN_OPEN, JG_SPAN_CPU_MEASURED */
  guint32 cpu_us; /* Running: thread CPU time it got (µs), if measured */
} JgSpan;

typedef struct
{
  guint64 start;
  guint64 end;
  guint32 task;   /* the holder */
  guint32 interp; /* which interpreter's GIL */
  gint16  cpu;    /* where it was taken */
  guint8  drop_reason; /* JgGilReason; meaningless while open */
  guint8  handoff; /* TRUE if taken from a different task than the last holder */
  guint32 flags;  /* JG_SPAN_OPEN */
} JgGilSpan;

typedef struct
{
  guint64 ts;
  guint32 task;   /* the requester */
  guint32 interp;
} JgGilDropRequest;

typedef struct _JgSpans JgSpans;

JgSpans        *jg_spans_new              (void);
void            jg_spans_free             (JgSpans *self);
/* Consumes the events @trace published since the last update. Returns TRUE if
 * anything changed. Always feed the same trace. */
gboolean        jg_spans_update           (JgSpans *self,
                                           JgTrace *trace);
/* How many of the trace's events have been consumed. */
guint64         jg_spans_get_n_consumed   (JgSpans *self);
/* The newest event's time: where open spans end. */
guint64         jg_spans_get_horizon      (JgSpans *self);

guint32         jg_spans_get_n_tasks      (JgSpans *self);
const JgSpan   *jg_spans_get_task_spans   (JgSpans *self,
                                           guint32  task,
                                           guint   *n_spans);
/* Index of the first span of @task that ends after @ts (binary search), or
 * *n_spans if there is none. */
guint           jg_spans_find_task_span   (JgSpans *self,
                                           guint32  task,
                                           guint64  ts);
gboolean        jg_spans_get_task_began   (JgSpans *self,
                                           guint32  task,
                                           guint64 *begin_ts);
gboolean        jg_spans_get_task_ended   (JgSpans *self,
                                           guint32  task,
                                           guint64 *end_ts,
                                           JgEndStatus *status);

const JgGilSpan *jg_spans_get_gil_spans   (JgSpans *self,
                                           guint   *n_spans);
const JgGilDropRequest *jg_spans_get_drop_requests (JgSpans *self,
                                                    guint   *n_requests);
/* Events that broke the state machine (e.g. a RUN after a task's end); counted, not fatal. */
guint64         jg_spans_get_n_anomalies  (JgSpans *self);

const char     *jg_task_state_name        (JgTaskState state);
JgTaskState     jg_task_state_for_reason  (JgSuspendReason reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSpans, jg_spans_free)

G_END_DECLS
