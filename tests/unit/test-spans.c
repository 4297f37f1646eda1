/* test-spans.c: the task state machine and the GIL lane, fed real event sequences. */
#include "jg-spans.h"

#define MS(x) ((guint64) (x) * 1000000)

static void
add (JgTrace    *trace,
     guint64     ts,
     guint32     task,
     JgEventKind kind,
     guint32     arg,
     gint16      cpu)
{
  JgEvent event = { ts, task, task, (guint16) kind, cpu, arg };

  jg_trace_append (trace, &event, 1);
}

static JgTrace *
two_threads_under_the_gil (void)
{
  JgTrace *trace = jg_trace_new ();

  jg_trace_add_task (trace, "A", JG_LANE_NONE);
  jg_trace_add_task (trace, "B", JG_LANE_NONE);
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (trace, "Thread 2", JG_WORKER_THREAD, 1);

  /* A takes the GIL and runs; B begins, waits for the GIL, asks for a drop at
   * 5 ms; A drops, B takes and runs; A waits; B does I/O and drops; A runs; both end. */
  add (trace, MS (0), 0, JG_EVENT_TASK_BEGIN, 0, 0);
  add (trace, MS (0), 0, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 0);
  add (trace, MS (0), 0, JG_EVENT_RUN, 0, 0);
  add (trace, MS (1), 1, JG_EVENT_TASK_BEGIN, 0, 1);
  add (trace, MS (1), 1, JG_EVENT_SUSPEND, JG_SUSPEND_GIL, 1);
  add (trace, MS (1), 1, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0), 1);
  add (trace, MS (6), 1, JG_EVENT_GIL_DROP_REQUEST, JG_GIL_ARG (0, 0), 1);
  add (trace, MS (7), 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL), 0);
  add (trace, MS (7), 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL, 0);
  add (trace, MS (7), 1, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 1);
  add (trace, MS (7), 1, JG_EVENT_RUN, 0, 1);
  add (trace, MS (9), 1, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO), 1);
  add (trace, MS (9), 1, JG_EVENT_SUSPEND, JG_SUSPEND_IO, 1);
  add (trace, MS (9), 0, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 0);
  add (trace, MS (9), 0, JG_EVENT_RUN, 0, 0);
  add (trace, MS (12), 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED), 0);
  add (trace, MS (12), 0, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0), 0);
  add (trace, MS (14), 1, JG_EVENT_TASK_END, JG_END_ARG (JG_END_ERROR, 0), 1);
  return trace;
}

static void
assert_span (const JgSpan *span,
             JgTaskState   state,
             guint64       start,
             guint64       end)
{
  g_assert_cmpstr (jg_task_state_name (span->state), ==, jg_task_state_name (state));
  g_assert_cmpuint (span->start, ==, start);
  g_assert_cmpuint (span->end, ==, end);
}

static void
test_task_states (void)
{
  g_autoptr (JgTrace) trace = two_threads_under_the_gil ();
  g_autoptr (JgSpans) spans = jg_spans_new ();
  const JgSpan *a, *b;
  guint n_a, n_b;
  guint64 ts;
  JgEndStatus status;

  g_assert_true (jg_spans_update (spans, trace));
  g_assert_false (jg_spans_update (spans, trace));
  g_assert_cmpuint (jg_spans_get_n_anomalies (spans), ==, 0);
  g_assert_cmpuint (jg_spans_get_horizon (spans), ==, MS (14));

  a = jg_spans_get_task_spans (spans, 0, &n_a);
  /* Ready at 0 has zero length, then Running, GIL wait, Running, Done. */
  g_assert_cmpuint (n_a, ==, 5);
  assert_span (&a[0], JG_STATE_READY, 0, 0);
  assert_span (&a[1], JG_STATE_RUNNING, 0, MS (7));
  assert_span (&a[2], JG_STATE_GIL_WAIT, MS (7), MS (9));
  assert_span (&a[3], JG_STATE_RUNNING, MS (9), MS (12));
  assert_span (&a[4], JG_STATE_DONE, MS (12), MS (14));
  g_assert_true (a[4].flags & JG_SPAN_OPEN);
  g_assert_false (a[3].flags & JG_SPAN_OPEN);

  b = jg_spans_get_task_spans (spans, 1, &n_b);
  g_assert_cmpuint (n_b, ==, 5);
  assert_span (&b[0], JG_STATE_READY, MS (1), MS (1));
  assert_span (&b[1], JG_STATE_GIL_WAIT, MS (1), MS (7));
  g_assert_cmpuint (b[1].reason, ==, JG_SUSPEND_GIL);
  assert_span (&b[2], JG_STATE_RUNNING, MS (7), MS (9));
  g_assert_cmpint (b[2].cpu, ==, 1);
  assert_span (&b[3], JG_STATE_IO_WAIT, MS (9), MS (14));
  assert_span (&b[4], JG_STATE_DONE, MS (14), MS (14));

  g_assert_true (jg_spans_get_task_ended (spans, 1, &ts, &status));
  g_assert_cmpuint (ts, ==, MS (14));
  g_assert_cmpint (status, ==, JG_END_ERROR);
  g_assert_true (jg_spans_get_task_began (spans, 1, &ts));
  g_assert_cmpuint (ts, ==, MS (1));

  /* Binary search: the span containing 8 ms in B is its Running span. */
  g_assert_cmpuint (jg_spans_find_task_span (spans, 1, MS (8)), ==, 2);
  g_assert_cmpuint (jg_spans_find_task_span (spans, 1, MS (100)), ==, n_b);
}

static void
test_gil_lane (void)
{
  g_autoptr (JgTrace) trace = two_threads_under_the_gil ();
  g_autoptr (JgSpans) spans = jg_spans_new ();
  const JgGilSpan *gil;
  const JgGilDropRequest *requests;
  guint n, n_requests;

  jg_spans_update (spans, trace);
  gil = jg_spans_get_gil_spans (spans, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (gil[0].task, ==, 0);
  g_assert_cmpuint (gil[0].end, ==, MS (7));
  g_assert_cmpuint (gil[0].drop_reason, ==, JG_GIL_DROP_INTERVAL);
  g_assert_false (gil[0].handoff);
  g_assert_cmpuint (gil[1].task, ==, 1);
  g_assert_true (gil[1].handoff);
  g_assert_cmpuint (gil[1].drop_reason, ==, JG_GIL_DROP_IO);
  g_assert_true (gil[2].handoff);
  g_assert_cmpuint (gil[2].drop_reason, ==, JG_GIL_DROP_FINISHED);
  g_assert_false (gil[2].flags & JG_SPAN_OPEN);

  /* At most one holder at any instant. */
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (gil[i].start, >=, gil[i - 1].end);

  requests = jg_spans_get_drop_requests (spans, &n_requests);
  g_assert_cmpuint (n_requests, ==, 1);
  g_assert_cmpuint (requests[0].task, ==, 1);
  g_assert_cmpuint (requests[0].ts, ==, MS (6));
}

/* Feeding the events a few at a time, as a live view does, gives the same spans. */
static void
test_incremental_matches_whole (void)
{
  g_autoptr (JgTrace) whole = two_threads_under_the_gil ();
  g_autoptr (JgTrace) live = jg_trace_new ();
  g_autoptr (JgSpans) all = jg_spans_new ();
  g_autoptr (JgSpans) step = jg_spans_new ();

  jg_trace_add_task (live, "A", JG_LANE_NONE);
  jg_trace_add_task (live, "B", JG_LANE_NONE);
  jg_spans_update (all, whole);
  for (guint64 i = 0; i < jg_trace_get_n_events (whole); i++)
    {
      jg_trace_append (live, jg_trace_get_event (whole, i), 1);
      if (i % 3 == 0)
        jg_spans_update (step, live);
    }
  jg_spans_update (step, live);

  for (guint32 task = 0; task < 2; task++)
    {
      guint n1, n2;
      const JgSpan *s1 = jg_spans_get_task_spans (all, task, &n1);
      const JgSpan *s2 = jg_spans_get_task_spans (step, task, &n2);

      g_assert_cmpuint (n1, ==, n2);
      g_assert_cmpmem (s1, n1 * sizeof (JgSpan), s2, n2 * sizeof (JgSpan));
    }
}

static void
test_open_span_follows_horizon (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgSpans) spans = jg_spans_new ();
  const JgSpan *s;
  guint n;

  jg_trace_add_task (trace, "A", JG_LANE_NONE);
  jg_trace_add_task (trace, "B", JG_LANE_NONE);
  add (trace, MS (0), 0, JG_EVENT_RUN, 0, 0);
  jg_spans_update (spans, trace);
  add (trace, MS (30), 1, JG_EVENT_RUN, 0, 1);
  jg_spans_update (spans, trace);

  s = jg_spans_get_task_spans (spans, 0, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (s[0].flags & JG_SPAN_OPEN);
  g_assert_cmpuint (s[0].end, ==, MS (30));
}

static void
test_anomalies_counted (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgSpans) spans = jg_spans_new ();
  guint n;

  jg_trace_add_task (trace, "A", JG_LANE_NONE);
  add (trace, MS (0), 0, JG_EVENT_TASK_BEGIN, 0, 0);
  add (trace, MS (1), 0, JG_EVENT_TASK_BEGIN, 0, 0);                          /* twice */
  add (trace, MS (2), 0, JG_EVENT_TASK_END, 0, 0);
  add (trace, MS (3), 0, JG_EVENT_RUN, 0, 0);                                 /* after its end */
  add (trace, MS (4), 9999, JG_EVENT_RUN, 0, 0);                              /* no such task */
  add (trace, MS (5), 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO), 0); /* not held */
  jg_spans_update (spans, trace);

  g_assert_cmpuint (jg_spans_get_n_anomalies (spans), ==, 4);
  g_assert_cmpuint (jg_spans_get_n_tasks (spans), ==, 1);
  jg_spans_get_task_spans (spans, 0, &n);
  g_assert_cmpuint (n, ==, 2);
}

static void
test_cpu_time_on_running_span (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgSpans) spans = jg_spans_new ();
  const JgSpan *s;
  guint n;

  jg_trace_add_task (trace, "A", JG_LANE_NONE);
  add (trace, MS (0), 0, JG_EVENT_RUN, 0, 0);
  add (trace, MS (10), 0, JG_EVENT_CPU_TIME, 4000, 0);
  add (trace, MS (10), 0, JG_EVENT_SUSPEND, JG_SUSPEND_IO, 0);
  add (trace, MS (12), 0, JG_EVENT_CPU_TIME, 1, 0); /* not Running: an anomaly */
  jg_spans_update (spans, trace);

  s = jg_spans_get_task_spans (spans, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (s[0].flags & JG_SPAN_CPU_MEASURED);
  g_assert_cmpuint (s[0].cpu_us, ==, 4000);
  g_assert_false (s[1].flags & JG_SPAN_CPU_MEASURED);
  g_assert_cmpuint (jg_spans_get_n_anomalies (spans), ==, 1);
}

static void
test_reasons_map_to_states (void)
{
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_GIL), ==, JG_STATE_GIL_WAIT);
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_SLEEP), ==, JG_STATE_IO_WAIT);
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_QUEUE), ==, JG_STATE_LOCK_WAIT);
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_SEMAPHORE), ==, JG_STATE_LOCK_WAIT);
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_AWAIT), ==, JG_STATE_AWAITING);
  g_assert_cmpint (jg_task_state_for_reason (JG_SUSPEND_READY), ==, JG_STATE_READY);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/spans/task-states", test_task_states);
  g_test_add_func ("/core/spans/gil-lane", test_gil_lane);
  g_test_add_func ("/core/spans/incremental-matches-whole", test_incremental_matches_whole);
  g_test_add_func ("/core/spans/open-span-follows-horizon", test_open_span_follows_horizon);
  g_test_add_func ("/core/spans/anomalies-counted", test_anomalies_counted);
  g_test_add_func ("/core/spans/cpu-time-on-running-span", test_cpu_time_on_running_span);
  g_test_add_func ("/core/spans/reasons-map-to-states", test_reasons_map_to_states);
  return g_test_run ();
}
