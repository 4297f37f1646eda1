/* test-probe.c: probes, the collector and the live published prefix, on real threads. */
#include "jg-recorder.h"

#define EVENTS_PER_THREAD 200000 /* three times a ring: it wraps and may fill */
#define N_THREADS 4

typedef struct
{
  JgRecorder *recorder;
  guint32     worker;
} Writer;

static gpointer
writer_main (gpointer data)
{
  Writer *writer = data;
  JgProbe *probe = jg_recorder_open_probe (writer->recorder, writer->worker);

  /* task carries a per-thread sequence number, so order and loss are visible. */
  for (guint32 i = 0; i < EVENTS_PER_THREAD; i++)
    jg_probe_emit (probe, i, i % 2 ? JG_EVENT_SUSPEND : JG_EVENT_RUN, i % 2 ? JG_SUSPEND_IO : 0);
  jg_recorder_close_probe (writer->recorder, probe);
  return NULL;
}

typedef struct
{
  JgTrace *trace;
  gint     stop;
  guint    reads;
  gboolean consistent;
} Reader;

/* Reads the published prefix while it grows: every record below the count must
 * be whole (a valid kind and worker), never half-written. */
static gpointer
reader_main (gpointer data)
{
  Reader *reader = data;
  guint64 last = 0;

  reader->consistent = TRUE;
  while (!g_atomic_int_get (&reader->stop))
    {
      guint64 n = jg_trace_get_n_events (reader->trace);

      for (guint64 i = last; i < n; i++)
        {
          const JgEvent *event = jg_trace_get_event (reader->trace, i);

          if ((event->kind != JG_EVENT_RUN && event->kind != JG_EVENT_SUSPEND) || event->worker >= N_THREADS)
            reader->consistent = FALSE;
        }
      last = n;
      reader->reads++;
      g_usleep (200);
    }
  return NULL;
}

static void
test_single_thread (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  JgProbe *probe;
  guint64 before, after;

  jg_recorder_start (recorder);
  before = jg_clock_now_ns () - jg_trace_get_epoch_ns (trace);
  probe = jg_recorder_open_probe (recorder, 3);
  for (guint i = 0; i < 1000; i++)
    jg_probe_emit (probe, 7, JG_EVENT_MARK, i);
  after = jg_clock_now_ns () - jg_trace_get_epoch_ns (trace);
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);

  g_assert_true (jg_trace_is_finished (trace));
  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      const JgEvent *event = jg_trace_get_event (trace, i);

      g_assert_cmpuint (event->arg, ==, i);
      g_assert_cmpuint (event->task, ==, 7);
      g_assert_cmpuint (event->worker, ==, 3);
      g_assert_cmpuint (event->kind, ==, JG_EVENT_MARK);
      g_assert_cmpint (event->cpu, >=, 0);
      g_assert_cmpint (event->cpu, <, 4096);
      g_assert_cmpuint (event->ts, >=, before);
      g_assert_cmpuint (event->ts, <=, after);
      if (i > 0)
        g_assert_cmpuint (event->ts, >=, jg_trace_get_event (trace, i - 1)->ts);
    }
  g_assert_cmpuint (jg_trace_get_duration_ns (trace), >=, after);
}

static void
test_threads_lossless_and_live (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  Writer writers[N_THREADS];
  GThread *threads[N_THREADS];
  Reader reader = { trace, 0, 0, FALSE };
  GThread *reader_thread;
  guint32 next[N_THREADS] = { 0 };
  guint64 n;

  jg_recorder_start (recorder);
  reader_thread = g_thread_new ("reader", reader_main, &reader);
  for (guint i = 0; i < N_THREADS; i++)
    {
      writers[i].recorder = recorder;
      writers[i].worker = i;
      threads[i] = g_thread_new ("writer", writer_main, &writers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  jg_recorder_stop (recorder);
  g_atomic_int_set (&reader.stop, TRUE);
  g_thread_join (reader_thread);

  n = jg_trace_get_n_events (trace);
  g_assert_cmpuint (n, ==, (guint64) N_THREADS * EVENTS_PER_THREAD);

  /* Each thread's events arrive complete and in its own order. */
  for (guint64 i = 0; i < n; i++)
    {
      const JgEvent *event = jg_trace_get_event (trace, i);

      g_assert_cmpuint (event->worker, <, N_THREADS);
      g_assert_cmpuint (event->task, ==, next[event->worker]);
      g_assert_cmpuint (event->kind, ==, event->task % 2 ? JG_EVENT_SUSPEND : JG_EVENT_RUN);
      next[event->worker]++;
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (next[i], ==, EVENTS_PER_THREAD);

  g_assert_true (reader.consistent);
  g_assert_cmpuint (reader.reads, >, 0);
}

static void
test_per_thread_order (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  Writer writers[2];
  GThread *threads[2];
  guint64 last_ts[2] = { 0, 0 };
  guint counts[2] = { 0, 0 };

  jg_recorder_start (recorder);
  for (guint i = 0; i < 2; i++)
    {
      writers[i].recorder = recorder;
      writers[i].worker = i;
      threads[i] = g_thread_new ("writer", writer_main, &writers[i]);
    }
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  jg_recorder_stop (recorder);

  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *event = jg_trace_get_event (trace, i);

      g_assert_cmpuint (event->ts, >=, last_ts[event->worker]);
      last_ts[event->worker] = event->ts;
      counts[event->worker]++;
    }
  g_assert_cmpuint (counts[0], ==, EVENTS_PER_THREAD);
  g_assert_cmpuint (counts[1], ==, EVENTS_PER_THREAD);
}

static gboolean
wait_for_events (JgTrace *trace,
                 guint64  n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (jg_trace_get_n_events (trace) < n)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (100);
    }
  return TRUE;
}

/* Events reach readers while the run goes on, not only when it stops. */
static void
test_live_visibility (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  JgProbe *probe;

  jg_recorder_start (recorder);
  probe = jg_recorder_open_probe (recorder, 0);
  for (guint i = 0; i < 10; i++)
    jg_probe_emit (probe, 0, JG_EVENT_RUN, 0);
  g_assert_true (wait_for_events (trace, 10));
  g_assert_false (jg_trace_is_finished (trace));
  for (guint i = 0; i < 10; i++)
    jg_probe_emit (probe, 0, JG_EVENT_RUN, 0);
  g_assert_true (wait_for_events (trace, 20));
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);
  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 20);
}

static void
burn_cpu_ms (guint ms)
{
  guint64 start = jg_clock_thread_cpu_ns ();
  volatile guint64 x = 0;

  while (jg_clock_thread_cpu_ns () - start < (guint64) ms * 1000000)
    x++;
}

/* Leaving Running says how much CPU the task really got; leaving another
 * state says nothing extra. */
static void
test_cpu_time_on_leave (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  JgProbe *probe;
  const JgEvent *e;

  jg_recorder_start (recorder);
  probe = jg_recorder_open_probe (recorder, 0);
  jg_probe_emit_run (probe, 5);
  burn_cpu_ms (10);
  jg_probe_emit_run (probe, 5); /* still the same Running span */
  burn_cpu_ms (10);
  jg_probe_emit_leave (probe, 5, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
  g_usleep (20000); /* off CPU: not counted */
  jg_probe_emit_leave (probe, 5, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  jg_probe_emit_run (probe, 5);
  jg_probe_emit_leave (probe, 5, JG_EVENT_TASK_END, 0);
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);

  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 8);
  g_assert_cmpuint (jg_trace_get_event (trace, 1)->kind, ==, JG_EVENT_RUN);
  e = jg_trace_get_event (trace, 2);
  g_assert_cmpuint (e->kind, ==, JG_EVENT_CPU_TIME);
  g_assert_cmpuint (e->task, ==, 5);
  g_assert_cmpuint (e->arg, >=, 20000);
  g_assert_cmpuint (e->arg, <, 20000 + 15000);
  g_assert_cmpuint (jg_trace_get_event (trace, 3)->kind, ==, JG_EVENT_SUSPEND);
  g_assert_cmpuint (jg_trace_get_event (trace, 4)->kind, ==, JG_EVENT_SUSPEND);
  g_assert_cmpuint (jg_trace_get_event (trace, 5)->kind, ==, JG_EVENT_RUN);
  g_assert_cmpuint (jg_trace_get_event (trace, 6)->kind, ==, JG_EVENT_CPU_TIME);
  g_assert_cmpuint (jg_trace_get_event (trace, 6)->arg, <, 5000);
  g_assert_cmpuint (jg_trace_get_event (trace, 7)->kind, ==, JG_EVENT_TASK_END);
}

/* On one thread running tasks in turn (an event loop), CPU time goes only to
 * the task that ran: leaving another task adds no CPU_TIME. */
static void
test_cpu_time_per_task (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  JgProbe *probe;

  jg_recorder_start (recorder);
  probe = jg_recorder_open_probe (recorder, 0);
  jg_probe_emit_run (probe, 1);
  jg_probe_emit_leave (probe, 2, JG_EVENT_TASK_END, 0);   /* another task ends: no CPU_TIME */
  jg_probe_emit_leave (probe, 1, JG_EVENT_SUSPEND, JG_SUSPEND_AWAIT);
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);

  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 4);
  g_assert_cmpuint (jg_trace_get_event (trace, 1)->kind, ==, JG_EVENT_TASK_END);
  g_assert_cmpuint (jg_trace_get_event (trace, 2)->kind, ==, JG_EVENT_CPU_TIME);
  g_assert_cmpuint (jg_trace_get_event (trace, 2)->task, ==, 1);
}

static void
test_push (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  JgEvent events[3] = {
    { 30, 1, 0, JG_EVENT_RUN, 1, 0 },
    { 10, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 20, 0, 0, JG_EVENT_TASK_END, 0, 0 },
  };

  jg_recorder_start (recorder);
  jg_recorder_push (recorder, events, 3);
  jg_recorder_wake (recorder);
  jg_recorder_stop (recorder);

  /* One drain is merged by time. */
  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 3);
  g_assert_cmpuint (jg_trace_get_event (trace, 0)->ts, ==, 10);
  g_assert_cmpuint (jg_trace_get_event (trace, 1)->ts, ==, 20);
  g_assert_cmpuint (jg_trace_get_event (trace, 2)->ts, ==, 30);
  g_assert_true (jg_trace_is_sorted (trace));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/probe/single-thread", test_single_thread);
  g_test_add_func ("/core/probe/threads-lossless-and-live", test_threads_lossless_and_live);
  g_test_add_func ("/core/probe/per-thread-order", test_per_thread_order);
  g_test_add_func ("/core/probe/live-visibility", test_live_visibility);
  g_test_add_func ("/core/probe/cpu-time-on-leave", test_cpu_time_on_leave);
  g_test_add_func ("/core/probe/cpu-time-per-task", test_cpu_time_per_task);
  g_test_add_func ("/core/probe/push", test_push);
  return g_test_run ();
}
