/* jg-spans.c: turns events into per-task state spans and GIL holder spans.
 * It consumes the trace incrementally (a live run is updated every frame), and
 * relies on one fact the recorder guarantees: a task's own events arrive in
 * time order. Malformed sequences are counted, never fatal. */
#define G_LOG_DOMAIN "jg-spans"

#include "jg-spans.h"

typedef struct
{
  GArray  *spans;     /* JgSpan, sorted by start, non-overlapping */
  guint64  begin_ts;
  guint64  end_ts;
  guint8   end_status;
  gboolean began;
  gboolean ended;
} TaskTrack;

typedef struct
{
  guint   open;        /* index into gil of the open span, or G_MAXUINT */
  guint32 last_holder; /* JG_LANE_NONE before the first take */
} GilTrack;

struct _JgSpans
{
  GArray  *tasks;         /* TaskTrack */
  GArray  *gil;           /* JgGilSpan, in take order */
  GArray  *drop_requests; /* JgGilDropRequest */
  GArray  *interps;       /* GilTrack, by interpreter id */
  guint64  consumed;
  guint64  horizon;
  guint64  anomalies;
};

static const char * const state_names[] = {
  [JG_STATE_RUNNING] = "running",
  [JG_STATE_GIL_WAIT] = "gil-wait",
  [JG_STATE_IO_WAIT] = "io-wait",
  [JG_STATE_AWAITING] = "awaiting",
  [JG_STATE_LOCK_WAIT] = "lock-wait",
  [JG_STATE_READY] = "ready",
  [JG_STATE_DONE] = "done",
};
G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == JG_N_STATES);

const char *
jg_task_state_name (JgTaskState state)
{
  return (guint) state < JG_N_STATES ? state_names[state] : "unknown";
}

JgTaskState
jg_task_state_for_reason (JgSuspendReason reason)
{
  switch (reason)
    {
    case JG_SUSPEND_GIL:
      return JG_STATE_GIL_WAIT;
    case JG_SUSPEND_IO:
    case JG_SUSPEND_SLEEP:
      return JG_STATE_IO_WAIT;
    case JG_SUSPEND_LOCK:
    case JG_SUSPEND_SEMAPHORE:
    case JG_SUSPEND_QUEUE:
      return JG_STATE_LOCK_WAIT;
    case JG_SUSPEND_AWAIT:
      return JG_STATE_AWAITING;
    case JG_SUSPEND_READY:
    case JG_SUSPEND_N_REASONS:
    default:
      return JG_STATE_READY;
    }
}

static void
task_track_clear (gpointer data)
{
  TaskTrack *track = data;

  g_clear_pointer (&track->spans, g_array_unref);
}

JgSpans *
jg_spans_new (void)
{
  JgSpans *self = g_new0 (JgSpans, 1);

  self->tasks = g_array_new (FALSE, TRUE, sizeof (TaskTrack));
  g_array_set_clear_func (self->tasks, task_track_clear);
  self->gil = g_array_new (FALSE, FALSE, sizeof (JgGilSpan));
  self->drop_requests = g_array_new (FALSE, FALSE, sizeof (JgGilDropRequest));
  self->interps = g_array_new (FALSE, FALSE, sizeof (GilTrack));
  return self;
}

void
jg_spans_free (JgSpans *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->tasks);
  g_array_unref (self->gil);
  g_array_unref (self->drop_requests);
  g_array_unref (self->interps);
  g_free (self);
}

/* Returns the track of @task, creating tracks up to it; NULL (an anomaly) if the
 * trace has no such task, so a bad index cannot make us allocate without bound. */
static TaskTrack *
get_track (JgSpans *self,
           guint32  task,
           guint32  n_tasks)
{
  if (task >= n_tasks)
    {
      self->anomalies++;
      return NULL;
    }
  while (self->tasks->len <= task)
    {
      TaskTrack track = { 0 };

      track.spans = g_array_new (FALSE, FALSE, sizeof (JgSpan));
      g_array_append_val (self->tasks, track);
    }
  return &g_array_index (self->tasks, TaskTrack, task);
}

static JgSpan *
last_span (TaskTrack *track)
{
  return track->spans->len > 0 ? &g_array_index (track->spans, JgSpan, track->spans->len - 1) : NULL;
}

/* Moves @track into @state at @event's time, closing the open span. */
static void
enter_state (TaskTrack     *track,
             const JgEvent *event,
             JgTaskState    state,
             guint8         reason)
{
  JgSpan *last = last_span (track);
  JgSpan span;

  if (last != NULL && (last->flags & JG_SPAN_OPEN))
    {
      if (last->state == state && last->reason == reason)
        return;
      last->end = MAX (last->start, event->ts);
      last->flags &= ~JG_SPAN_OPEN;
    }

  span.start = last != NULL ? MAX (event->ts, last->end) : event->ts;
  span.end = span.start;
  span.worker = event->worker;
  span.cpu = event->cpu;
  span.state = state;
  span.reason = reason;
  span.flags = JG_SPAN_OPEN;
  span.cpu_us = 0;
  g_array_append_val (track->spans, span);
}

static void
begin_task (TaskTrack     *track,
            const JgEvent *event)
{
  track->began = TRUE;
  track->begin_ts = event->ts;
}

static GilTrack *
get_interp (JgSpans *self,
            guint32  interp)
{
  /* Interpreter ids are small and dense; cap them like lanes. */
  if (interp >= JG_TRACE_MAX_LANES)
    return NULL;
  while (self->interps->len <= interp)
    {
      GilTrack track = { G_MAXUINT, JG_LANE_NONE };

      g_array_append_val (self->interps, track);
    }
  return &g_array_index (self->interps, GilTrack, interp);
}

static void
close_gil_span (JgSpans  *self,
                GilTrack *interp,
                guint64   ts,
                guint8    reason)
{
  JgGilSpan *span = &g_array_index (self->gil, JgGilSpan, interp->open);

  span->end = MAX (span->start, ts);
  span->drop_reason = reason;
  span->flags &= ~JG_SPAN_OPEN;
  interp->open = G_MAXUINT;
}

static void
consume_gil (JgSpans       *self,
             const JgEvent *event)
{
  GilTrack *interp = get_interp (self, JG_GIL_ARG_INTERP (event->arg));

  if (interp == NULL)
    {
      self->anomalies++;
      return;
    }

  switch (event->kind)
    {
    case JG_EVENT_GIL_TAKE:
      {
        JgGilSpan span = { 0 };

        /* A take while held means we missed a drop (it arrives late or never). */
        if (interp->open != G_MAXUINT)
          {
            self->anomalies++;
            close_gil_span (self, interp, event->ts, JG_GIL_DROP_INTERVAL);
          }
        span.start = event->ts;
        span.end = event->ts;
        span.task = event->task;
        span.interp = JG_GIL_ARG_INTERP (event->arg);
        span.cpu = event->cpu;
        span.handoff = interp->last_holder != JG_LANE_NONE && interp->last_holder != event->task;
        span.flags = JG_SPAN_OPEN;
        interp->open = self->gil->len;
        interp->last_holder = event->task;
        g_array_append_val (self->gil, span);
      }
      break;

    case JG_EVENT_GIL_DROP:
      if (interp->open != G_MAXUINT
          && g_array_index (self->gil, JgGilSpan, interp->open).task == event->task)
        close_gil_span (self, interp, event->ts, JG_GIL_ARG_REASON (event->arg));
      else
        self->anomalies++;
      break;

    case JG_EVENT_GIL_DROP_REQUEST:
      {
        JgGilDropRequest request = { event->ts, event->task, JG_GIL_ARG_INTERP (event->arg) };

        g_array_append_val (self->drop_requests, request);
      }
      break;

    default:
      break;
    }
}

static void
consume (JgSpans       *self,
         const JgEvent *event,
         guint32        n_tasks)
{
  TaskTrack *track;

  self->horizon = MAX (self->horizon, event->ts);

  switch (event->kind)
    {
    case JG_EVENT_GIL_TAKE:
    case JG_EVENT_GIL_DROP:
    case JG_EVENT_GIL_DROP_REQUEST:
      consume_gil (self, event);
      return;
    case JG_EVENT_TASK_BEGIN:
    case JG_EVENT_TASK_END:
    case JG_EVENT_RUN:
    case JG_EVENT_SUSPEND:
    case JG_EVENT_CPU_TIME:
      break;
    default:
      return; /* I/O, locks, counters and marks carry detail, not state */
    }

  track = get_track (self, event->task, n_tasks);
  if (track == NULL)
    return;
  if (track->ended)
    {
      self->anomalies++;
      return;
    }

  switch (event->kind)
    {
    case JG_EVENT_CPU_TIME:
      {
        JgSpan *last = last_span (track);

        /* It belongs to the Running span the task is about to leave. */
        if (last != NULL && (last->flags & JG_SPAN_OPEN) && last->state == JG_STATE_RUNNING)
          {
            last->cpu_us = event->arg;
            last->flags |= JG_SPAN_CPU_MEASURED;
          }
        else
          self->anomalies++;
      }
      break;

    case JG_EVENT_TASK_BEGIN:
      if (track->began)
        {
          self->anomalies++;
          return;
        }
      begin_task (track, event);
      enter_state (track, event, JG_STATE_READY, 0);
      break;

    case JG_EVENT_RUN:
      if (!track->began)
        begin_task (track, event);
      enter_state (track, event, JG_STATE_RUNNING, 0);
      break;

    case JG_EVENT_SUSPEND:
      if (!track->began)
        begin_task (track, event);
      enter_state (track, event, jg_task_state_for_reason (event->arg), (guint8) event->arg);
      break;

    case JG_EVENT_TASK_END:
      if (!track->began)
        begin_task (track, event);
      track->ended = TRUE;
      track->end_ts = event->ts;
      track->end_status = (guint8) JG_END_ARG_STATUS (event->arg);
      enter_state (track, event, JG_STATE_DONE, track->end_status);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Open spans reach the newest event we know of. */
static void
extend_open_spans (JgSpans *self)
{
  for (guint i = 0; i < self->tasks->len; i++)
    {
      JgSpan *last = last_span (&g_array_index (self->tasks, TaskTrack, i));

      if (last != NULL && (last->flags & JG_SPAN_OPEN))
        last->end = MAX (last->start, self->horizon);
    }
  for (guint i = 0; i < self->interps->len; i++)
    {
      GilTrack *interp = &g_array_index (self->interps, GilTrack, i);

      if (interp->open != G_MAXUINT)
        {
          JgGilSpan *span = &g_array_index (self->gil, JgGilSpan, interp->open);

          span->end = MAX (span->start, self->horizon);
        }
    }
}

gboolean
jg_spans_update (JgSpans *self,
                 JgTrace *trace)
{
  guint64 published;
  guint32 n_tasks;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);

  /* Lanes are added before their first event is recorded, so reading the lane
   * count first means every event we consume has its lane. */
  n_tasks = jg_trace_get_n_tasks (trace);
  published = jg_trace_get_n_events (trace);
  if (published == self->consumed)
    return FALSE;

  while (self->consumed < published)
    {
      guint64 n;
      const JgEvent *events = jg_trace_get_events (trace, self->consumed, &n);

      n = MIN (n, published - self->consumed);
      for (guint64 i = 0; i < n; i++)
        consume (self, &events[i], n_tasks);
      self->consumed += n;
    }

  extend_open_spans (self);
  return TRUE;
}

guint64
jg_spans_get_n_consumed (JgSpans *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->consumed;
}

guint64
jg_spans_get_horizon (JgSpans *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->horizon;
}

guint32
jg_spans_get_n_tasks (JgSpans *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->tasks->len;
}

const JgSpan *
jg_spans_get_task_spans (JgSpans *self,
                         guint32  task,
                         guint   *n_spans)
{
  TaskTrack *track;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_spans != NULL, NULL);

  if (task >= self->tasks->len)
    {
      *n_spans = 0;
      return NULL;
    }
  track = &g_array_index (self->tasks, TaskTrack, task);
  *n_spans = track->spans->len;
  return (const JgSpan *) track->spans->data;
}

guint
jg_spans_find_task_span (JgSpans *self,
                         guint32  task,
                         guint64  ts)
{
  guint n, lo = 0, hi;
  const JgSpan *spans;

  g_return_val_if_fail (self != NULL, 0);

  spans = jg_spans_get_task_spans (self, task, &n);
  hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].end <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gboolean
jg_spans_get_task_began (JgSpans *self,
                         guint32  task,
                         guint64 *begin_ts)
{
  TaskTrack *track;

  g_return_val_if_fail (self != NULL, FALSE);

  if (task >= self->tasks->len)
    return FALSE;
  track = &g_array_index (self->tasks, TaskTrack, task);
  if (begin_ts != NULL)
    *begin_ts = track->begin_ts;
  return track->began;
}

gboolean
jg_spans_get_task_ended (JgSpans     *self,
                         guint32      task,
                         guint64     *end_ts,
                         JgEndStatus *status)
{
  TaskTrack *track;

  g_return_val_if_fail (self != NULL, FALSE);

  if (task >= self->tasks->len)
    return FALSE;
  track = &g_array_index (self->tasks, TaskTrack, task);
  if (end_ts != NULL)
    *end_ts = track->end_ts;
  if (status != NULL)
    *status = track->end_status;
  return track->ended;
}

const JgGilSpan *
jg_spans_get_gil_spans (JgSpans *self,
                        guint   *n_spans)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_spans != NULL, NULL);

  *n_spans = self->gil->len;
  return (const JgGilSpan *) self->gil->data;
}

const JgGilDropRequest *
jg_spans_get_drop_requests (JgSpans *self,
                            guint   *n_requests)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_requests != NULL, NULL);

  *n_requests = self->drop_requests->len;
  return (const JgGilDropRequest *) self->drop_requests->data;
}

guint64
jg_spans_get_n_anomalies (JgSpans *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->anomalies;
}
