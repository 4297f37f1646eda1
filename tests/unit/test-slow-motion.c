/* test-slow-motion.c: slow motion (docs/slow-motion.md). The same plan runs at
 * 1× and at 10×: the slow run really takes about ten times as long, and keeps
 * its shape — the GIL changes hands as often and in the same order, timeouts
 * fire at the same point of the run, a worker process starts up and pickles
 * ten times slower. Timings come from a shared machine: bounds are generous
 * and a disturbed measurement is taken again before it is asserted. */
#include <math.h>

#include "jg-test-plan.h"

#define SCALE     10.0
/* What "about 10×" means here: fixed costs (thread start, hand-off latency)
 * are not stretched, and a loaded machine slows either run down. */
#define RATIO_MIN 6.0
#define RATIO_MAX 16.0

static JgRun *
run_at (const JgScenarioPlan *plan,
        JgModel               model,
        guint                 workers,
        double                time_scale)
{
  JgRunOptions options;
  JgRun *run;

  jg_run_options_init (&options);
  g_assert_cmpfloat (options.time_scale, ==, 1.0);
  options.model = model;
  options.workers = workers;
  options.start_method = JG_START_FORK;
  options.time_scale = time_scale;

  run = test_start_run (plan, &options);
  g_assert_cmpint (jg_run_wait (run), ==, JG_RUN_COMPLETED);
  return run;
}

static gboolean
ratio_ok (const char *what,
          double      slow,
          double      fast,
          guint       attempt)
{
  double ratio = slow / MAX (fast, 1e-9);

  g_test_message ("%s: %.2f at 1x, %.2f at %gx: %.2fx (attempt %u)", what, fast, slow, SCALE, ratio, attempt + 1);
  return ratio >= RATIO_MIN && ratio <= RATIO_MAX;
}

/* The run records how slow it was: stretched times in the trace, the factor
 * and the switch interval as asked for (not stretched) beside them. */
static void
assert_recorded_scale (JgRun  *run,
                       double  scale)
{
  JgTrace *trace = jg_run_get_trace (run);
  JgMetrics m;

  g_assert_cmpfloat (jg_trace_get_time_scale (trace), ==, scale);
  g_assert_cmpfloat (jg_trace_get_run_info (trace)->time_scale, ==, scale);
  g_assert_cmpfloat (jg_trace_get_run_info (trace)->switch_interval_ms, ==, JG_GIL_DEFAULT_INTERVAL_MS);
  test_run_metrics (run, &m);
  g_assert_cmpfloat (m.time_scale, ==, scale);
}

/* Which task took the GIL, in time order, each run of one holder once. */
static GArray *
gil_holders (JgTrace *trace)
{
  g_autoptr (GArray) takes = test_trace_events (trace, JG_EVENT_GIL_TAKE, G_MAXUINT32);
  GArray *holders = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* Takes come from different threads: the trace is only nearly in order. */
  for (guint i = 1; i < takes->len; i++)
    for (guint j = i; j > 0 && g_array_index (takes, JgEvent, j - 1).ts > g_array_index (takes, JgEvent, j).ts; j--)
      {
        JgEvent swap = g_array_index (takes, JgEvent, j);

        g_array_index (takes, JgEvent, j) = g_array_index (takes, JgEvent, j - 1);
        g_array_index (takes, JgEvent, j - 1) = swap;
      }
  for (guint i = 0; i < takes->len; i++)
    {
      guint32 task = g_array_index (takes, JgEvent, i).task;

      if (holders->len == 0 || g_array_index (holders, guint32, holders->len - 1) != task)
        g_array_append_val (holders, task);
    }
  return holders;
}

static char *
holders_text (GArray *holders)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < holders->len; i++)
    g_string_append_c (text, (char) ('A' + g_array_index (holders, guint32, i)));
  return g_string_free (text, FALSE);
}

/* Two GIL-bound threads: B sleeps a little first, so A holds the GIL first
 * and then they take turns every switch interval. At 10× the interval is
 * stretched with the work, so they take turns as often as at 1×; with the
 * interval left at 5 ms they would swap about ten times as often. */
static void
test_gil_threads (void)
{
  g_autoptr (JgScenarioPlan) plan = test_plan_new ("slow-gil");
  guint a = test_plan_add_task (plan, "A");
  guint b = test_plan_add_task (plan, "B");

  test_plan_cpu (plan, a, 15, FALSE);
  test_plan_io (plan, b, JG_IO_SLEEP, 1);
  test_plan_cpu (plan, b, 15, FALSE);

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) fast = run_at (plan, JG_MODEL_THREADS, 0, 1.0);
      g_autoptr (JgRun) slow = run_at (plan, JG_MODEL_THREADS, 0, SCALE);
      g_autoptr (GArray) fast_holders = gil_holders (jg_run_get_trace (fast));
      g_autoptr (GArray) slow_holders = gil_holders (jg_run_get_trace (slow));
      g_autofree char *fast_text = holders_text (fast_holders);
      g_autofree char *slow_text = holders_text (slow_holders);
      guint common = MIN (fast_holders->len, slow_holders->len);
      JgMetrics fm, sm;
      gboolean same_shape;

      assert_recorded_scale (fast, 1.0);
      assert_recorded_scale (slow, SCALE);
      test_run_metrics (fast, &fm);
      test_run_metrics (slow, &sm);
      g_test_message ("GIL holders at 1x: %s (%u hand-offs); at %gx: %s (%u hand-offs)",
                      fast_text, fm.gil_handoffs, SCALE, slow_text, sm.gil_handoffs);

      /* Both ran ~30 ms of work in turns of 5 ms (stretched): several turns,
       * unless the machine was too busy to start B in time. */
      same_shape = fm.gil_handoffs >= 2
                   && memcmp (fast_holders->data, slow_holders->data, common * sizeof (guint32)) == 0
                   && ABS ((int) fm.gil_handoffs - (int) sm.gil_handoffs) <= (int) MAX (2, fm.gil_handoffs / 2);
      if (same_shape
          && ratio_ok ("wall ms", test_run_wall_ms (slow), test_run_wall_ms (fast), attempt)
          && ratio_ok ("running ms", sm.state_ns[JG_STATE_RUNNING] / 1e6, fm.state_ns[JG_STATE_RUNNING] / 1e6,
                       attempt))
        {
          /* The real time of the slow run is the fast run's, give or take. */
          g_assert_cmpfloat (sm.wall_ns / sm.time_scale, <, fm.wall_ns * 1.6);
          return;
        }
      test_back_off (attempt);
    }
  g_assert_not_reached ();
}

/* Sleeps and socket round trips (the loopback server's delay) stretch too. */
static void
test_io_threads (void)
{
  g_autoptr (JgScenarioPlan) plan = test_plan_new ("slow-io");

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Download %u", i + 1);
      guint task = test_plan_add_task (plan, name);

      test_plan_io (plan, task, JG_IO_SLEEP, 8);
      test_plan_io (plan, task, JG_IO_SOCKET, 6);
    }

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) fast = run_at (plan, JG_MODEL_THREADS, 0, 1.0);
      g_autoptr (JgRun) slow = run_at (plan, JG_MODEL_THREADS, 0, SCALE);

      assert_recorded_scale (slow, SCALE);
      /* Each stretched sleep alone lasts 80 ms. */
      g_assert_cmpfloat (test_run_wall_ms (slow), >=, 8 * SCALE + 6 * SCALE);
      if (ratio_ok ("wall ms", test_run_wall_ms (slow), test_run_wall_ms (fast), attempt))
        return;
      test_back_off (attempt);
    }
  g_assert_not_reached ();
}

/* When the task @name was marked @what ("timeout"), in ns; fails if never. */
static guint64
mark_time (JgTrace    *trace,
           const char *name,
           const char *what)
{
  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *e = jg_trace_get_event (trace, i);

      if (e->kind == JG_EVENT_MARK && g_strcmp0 (jg_trace_get_task_name (trace, e->task), name) == 0
          && g_strcmp0 (jg_trace_lookup_string (trace, e->arg), what) == 0)
        return e->ts;
    }
  g_assert_not_reached ();
  return 0;
}

/* asyncio: wait_for's deadline is a duration of the run as well. At 10× it
 * fires ten times later, still long before the slow coroutine is done. */
static void
test_asyncio_timeout (void)
{
  const char *json =
    "{ \"title\": \"slow timeout\", \"tasks\": ["
    "  { \"name\": \"Caller\", \"steps\": ["
    "    { \"op\": \"wait_for\", \"timeout_ms\": 15, \"catch\": true,"
    "      \"task\": { \"name\": \"Slow\", \"steps\": [ { \"op\": \"io\", \"ms\": 400 } ] } },"
    "    { \"op\": \"io\", \"ms\": 5 } ] },"
    "  { \"name\": \"Ticker\", \"steps\": [ { \"op\": \"io\", \"ms\": 10 }, { \"op\": \"cpu\", \"ms\": 2 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = test_plan_from_json (json);

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) fast = run_at (plan, JG_MODEL_ASYNCIO, 0, 1.0);
      g_autoptr (JgRun) slow = run_at (plan, JG_MODEL_ASYNCIO, 0, SCALE);
      guint64 fast_timeout = mark_time (jg_run_get_trace (fast), "Caller", "timeout");
      guint64 slow_timeout = mark_time (jg_run_get_trace (slow), "Caller", "timeout");
      JgEndStatus status = JG_END_OK;

      assert_recorded_scale (slow, SCALE);
      g_assert_true (test_task_ended (jg_run_get_trace (slow), test_trace_task_named (jg_run_get_trace (slow), "Slow"),
                                      NULL, &status));
      g_assert_cmpint (status, ==, JG_END_CANCELLED);
      /* The deadline came before the slow coroutine's stretched 4 s. */
      g_assert_cmpfloat (test_run_wall_ms (slow), <, 400 * SCALE / 2);
      if (ratio_ok ("timeout ms", slow_timeout / 1e6, fast_timeout / 1e6, attempt)
          && ratio_ok ("wall ms", test_run_wall_ms (slow), test_run_wall_ms (fast), attempt))
        return;
      test_back_off (attempt);
    }
  g_assert_not_reached ();
}

/* A worker process: its modelled start-up, its CPU work and the pickling of
 * its arguments (in the parent) and their unpickling (in the worker) all
 * run ten times longer. */
static void
test_processes (void)
{
  g_autoptr (JgScenarioPlan) plan = test_plan_new ("slow-processes");
  guint task = test_plan_add_task (plan, "Job");
  JgStep transfer = { JG_STEP_TRANSFER, 0, FALSE, 0, 0, 2 * 1024 * 1024, JG_TRANSFER_TO_WORKER };

  test_plan_add_step (plan, task, transfer);
  test_plan_cpu (plan, task, 8, FALSE);

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) fast = run_at (plan, JG_MODEL_PROCESSES, 1, 1.0);
      g_autoptr (JgRun) slow = run_at (plan, JG_MODEL_PROCESSES, 1, SCALE);
      JgMetrics fm, sm;

      assert_recorded_scale (slow, SCALE);
      test_run_metrics (fast, &fm);
      test_run_metrics (slow, &sm);
      /* Start-up (2 ms for fork), 8 ms of work, pickling and unpickling. */
      g_assert_cmpuint (sm.state_ns[JG_STATE_RUNNING], >=, MS ((2 + 8) * SCALE));
      if (ratio_ok ("running ms", sm.state_ns[JG_STATE_RUNNING] / 1e6, fm.state_ns[JG_STATE_RUNNING] / 1e6,
                    attempt))
        return;
      test_back_off (attempt);
    }
  g_assert_not_reached ();
}

/* A scale outside 1 to 1000 is refused before anything starts. */
static void
test_bad_scale (void)
{
  const double bad[] = { 0, 0.5, -10, 1000.5, 1e9, NAN, INFINITY };
  g_autoptr (JgScenarioPlan) plan = test_plan_new ("bad-scale");

  test_plan_cpu (plan, test_plan_add_task (plan, "A"), 1, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (JgRun) run = NULL;
      g_autoptr (GError) error = NULL;
      JgRunOptions options;

      jg_run_options_init (&options);
      options.time_scale = bad[i];
      run = jg_run_new (plan, &options);
      g_assert_false (jg_run_start (run, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "time scale"));
      g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_READY);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = test_init_isolated (&argc, &argv);

  g_test_add_func ("/core/slow-motion/bad-scale", test_bad_scale);
  g_test_add_func ("/core/slow-motion/gil-threads", test_gil_threads);
  g_test_add_func ("/core/slow-motion/io-threads", test_io_threads);
  g_test_add_func ("/core/slow-motion/asyncio-timeout", test_asyncio_timeout);
  g_test_add_func ("/core/slow-motion/processes", test_processes);

  return test_run_isolated (cache);
}
