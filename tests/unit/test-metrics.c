/* test-metrics.c: concurrency, parallelism and the rest on traces with known answers. */
#include "jg-metrics.h"

#define MS(x) ((guint64) (x) * 1000000)

static void
add (JgTrace    *trace,
     guint64     ts,
     guint32     task,
     JgEventKind kind,
     guint32     arg,
     gint16      cpu)
{
  JgEvent event = { ts, task, 0, (guint16) kind, cpu, arg };

  jg_trace_append (trace, &event, 1);
}

static JgTrace *
new_trace (guint n_tasks,
           guint n_cores)
{
  JgTrace *trace = jg_trace_new ();
  JgMachineInfo machine = { n_cores, "Linux", "Test CPU", "host" };

  for (guint i = 0; i < n_tasks; i++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", i + 1);

      jg_trace_add_task (trace, name, JG_LANE_NONE);
    }
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_set_machine (trace, &machine);
  return trace;
}

/* Four tasks each sleeping 100 ms at once: concurrency 4, parallelism ~0. */
static void
test_io_bound_is_concurrent_not_parallel (void)
{
  g_autoptr (JgTrace) trace = new_trace (4, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  for (guint t = 0; t < 4; t++)
    {
      add (trace, 0, t, JG_EVENT_TASK_BEGIN, 0, 0);
      add (trace, 0, t, JG_EVENT_SUSPEND, JG_SUSPEND_SLEEP, 0);
    }
  for (guint t = 0; t < 4; t++)
    add (trace, MS (100), t, JG_EVENT_TASK_END, 0, 0);
  jg_trace_set_end_ns (trace, MS (100));
  jg_trace_finish (trace);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);

  g_assert_cmpuint (m.wall_ns, ==, MS (100));
  g_assert_cmpfloat_with_epsilon (m.concurrency, 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.parallelism, 0.0, 1e-9);
  g_assert_cmpuint (m.max_concurrency, ==, 4);
  g_assert_cmpuint (m.max_parallelism, ==, 0);
  g_assert_cmpuint (m.state_ns[JG_STATE_IO_WAIT], ==, MS (400));
  g_assert_cmpuint (m.tasks, ==, 4);
  g_assert_cmpuint (m.tasks_ended, ==, 4);
  g_assert_cmpuint (m.events, ==, 12);
}

/* Two tasks running side by side on two cores for 100 ms, then one alone for
 * 100 ms: parallelism (100+200)/200 = 1.5, utilisation 300/(200*2) = 0.75. */
static void
test_cpu_bound_in_parallel (void)
{
  g_autoptr (JgTrace) trace = new_trace (2, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  add (trace, 0, 0, JG_EVENT_RUN, 0, 0);
  add (trace, 0, 1, JG_EVENT_RUN, 0, 1);
  add (trace, MS (100), 1, JG_EVENT_TASK_END, JG_END_ARG (JG_END_CRASHED, 9), 1);
  add (trace, MS (200), 0, JG_EVENT_TASK_END, 0, 0);
  jg_trace_set_end_ns (trace, MS (200));
  jg_trace_finish (trace);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);

  g_assert_cmpuint (m.cpu_ns, ==, MS (300));
  g_assert_cmpfloat_with_epsilon (m.parallelism, 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.concurrency, 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.core_utilisation, 0.75, 1e-9);
  g_assert_cmpuint (m.max_parallelism, ==, 2);
  g_assert_cmpuint (m.cores_used, ==, 2);
  g_assert_cmpuint (m.core_busy_ns[0], ==, MS (200));
  g_assert_cmpuint (m.core_busy_ns[1], ==, MS (100));
  g_assert_cmpuint (m.tasks_failed, ==, 1);

  /* Up to a play head at 50 ms: both running, nothing ended yet. */
  jg_metrics_compute (&m, trace, spans, MS (50));
  g_assert_cmpuint (m.wall_ns, ==, MS (50));
  g_assert_cmpfloat_with_epsilon (m.parallelism, 2.0, 1e-9);
  g_assert_cmpuint (m.tasks_ended, ==, 0);
  g_assert_cmpuint (m.events, ==, 2);
}

/* Under the GIL: hand-offs, drop requests and GIL wait time. */
static void
test_gil_figures (void)
{
  g_autoptr (JgTrace) trace = new_trace (2, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  add (trace, 0, 0, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 0);
  add (trace, 0, 0, JG_EVENT_RUN, 0, 0);
  add (trace, 0, 1, JG_EVENT_SUSPEND, JG_SUSPEND_GIL, 1);
  add (trace, MS (5), 1, JG_EVENT_GIL_DROP_REQUEST, JG_GIL_ARG (0, 0), 1);
  add (trace, MS (5), 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL), 0);
  add (trace, MS (5), 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL, 0);
  add (trace, MS (5), 1, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 1);
  add (trace, MS (5), 1, JG_EVENT_RUN, 0, 1);
  add (trace, MS (10), 1, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED), 1);
  add (trace, MS (10), 1, JG_EVENT_TASK_END, 0, 1);
  add (trace, MS (10), 0, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0), 0);
  add (trace, MS (10), 0, JG_EVENT_RUN, 0, 0);
  add (trace, MS (15), 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED), 0);
  add (trace, MS (15), 0, JG_EVENT_TASK_END, 0, 0);
  jg_trace_finish (trace);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);

  g_assert_cmpuint (m.gil_handoffs, ==, 2);
  g_assert_cmpuint (m.gil_drop_requests, ==, 1);
  g_assert_cmpuint (m.gil_wait_ns, ==, MS (10));
  g_assert_cmpfloat_with_epsilon (m.parallelism, 1.0, 1e-9);
  g_assert_cmpuint (m.max_parallelism, ==, 1);
  g_assert_cmpuint (m.wall_ns, ==, MS (15));
}

/* Four GIL-free tasks Running on a two-core machine: the OS time-slices them,
 * so at most two execute at any instant. */
static void
test_parallelism_capped_by_cores (void)
{
  g_autoptr (JgTrace) trace = new_trace (4, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  for (guint t = 0; t < 4; t++)
    add (trace, 0, t, JG_EVENT_RUN, 0, t % 2);
  for (guint t = 0; t < 4; t++)
    add (trace, MS (100), t, JG_EVENT_TASK_END, 0, t % 2);
  jg_trace_set_end_ns (trace, MS (100));
  jg_trace_finish (trace);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);
  g_assert_cmpfloat_with_epsilon (m.parallelism, 2.0, 1e-9);
  g_assert_cmpuint (m.max_parallelism, ==, 2);
  g_assert_cmpuint (m.cpu_ns, ==, MS (200));
  g_assert_cmpfloat_with_epsilon (m.core_utilisation, 1.0, 1e-9);
  g_assert_cmpuint (m.state_ns[JG_STATE_RUNNING], ==, MS (400));
  g_assert_cmpfloat_with_epsilon (m.concurrency, 4.0, 1e-9);
}

/* Two threads Running for 100 ms that shared one core (the other was busy
 * elsewhere): the measured CPU time says parallelism 1, not 2. */
static void
test_measured_cpu_time (void)
{
  g_autoptr (JgTrace) trace = new_trace (2, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  for (guint t = 0; t < 2; t++)
    add (trace, 0, t, JG_EVENT_RUN, 0, 0);
  for (guint t = 0; t < 2; t++)
    {
      add (trace, MS (100), t, JG_EVENT_CPU_TIME, 50000, 0);
      add (trace, MS (100), t, JG_EVENT_TASK_END, 0, 0);
    }
  jg_trace_set_end_ns (trace, MS (100));
  jg_trace_finish (trace);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);
  g_assert_cmpuint (m.cpu_ns, ==, MS (100));
  g_assert_cmpfloat_with_epsilon (m.parallelism, 1.0, 1e-9);
  g_assert_cmpuint (m.core_busy_ns[0], ==, MS (100));
  g_assert_cmpuint (m.cores_used, ==, 1);

  /* Half-way, half of each span's CPU time counts. */
  jg_metrics_compute (&m, trace, spans, MS (50));
  g_assert_cmpuint (m.cpu_ns, ==, MS (50));
}

/* A live (unfinished) trace ends at its newest event. */
static void
test_live_wall_is_horizon (void)
{
  g_autoptr (JgTrace) trace = new_trace (1, 2);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics m;

  add (trace, 0, 0, JG_EVENT_RUN, 0, 0);
  add (trace, MS (40), 0, JG_EVENT_SUSPEND, JG_SUSPEND_IO, 0);
  jg_spans_update (spans, trace);
  jg_metrics_compute (&m, trace, spans, G_MAXUINT64);
  g_assert_cmpuint (m.wall_ns, ==, MS (40));
  g_assert_cmpfloat_with_epsilon (m.concurrency, 1.0, 1e-9);
  g_assert_cmpuint (m.tasks_ended, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/metrics/io-bound-is-concurrent-not-parallel", test_io_bound_is_concurrent_not_parallel);
  g_test_add_func ("/core/metrics/cpu-bound-in-parallel", test_cpu_bound_in_parallel);
  g_test_add_func ("/core/metrics/gil-figures", test_gil_figures);
  g_test_add_func ("/core/metrics/parallelism-capped-by-cores", test_parallelism_capped_by_cores);
  g_test_add_func ("/core/metrics/measured-cpu-time", test_measured_cpu_time);
  g_test_add_func ("/core/metrics/live-wall-is-horizon", test_live_wall_is_horizon);
  return g_test_run ();
}
