/* test-asyncio.c: the asyncio and hybrid models on a real libuv loop, real
 * loopback sockets, real files and real threads. Assertions are orderings and
 * ratios with generous margins (two busy cores, sometimes a sanitizer); a
 * timing measured while something else took the machine is taken again. */
#include <math.h>

#include "jg-asyncio.h"
#include "jg-test-plan.h"

static char *tmp_dir;

static JgScenarioPlan *
plan_from_scenario (JgScenario         *scenario,
                    const char * const *sets)
{
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (GError) error = NULL;
  JgScenarioPlan *plan;

  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (sets[i], "=", 2);

      json_object_set_string_member (values, pair[0], pair[1]);
    }
  plan = jg_scenario_instantiate (scenario, values, &error);
  g_assert_no_error (error);
  return plan;
}

static JgScenarioPlan *
plan_from_json (const char         *json,
                const char * const *sets)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = jg_scenario_load_data (json, -1, "test.json", &error);

  g_assert_no_error (error);
  return plan_from_scenario (scenario, sets);
}

static JgScenarioPlan *
plan_from_builtin (const char         *id,
                   const char * const *sets)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = jg_scenario_find_builtin (id, &error);

  g_assert_no_error (error);
  return plan_from_scenario (scenario, sets);
}

static JgRun *
run_model (const JgScenarioPlan *plan,
           JgModel               model)
{
  return test_run_plan (plan, model, 0, JG_INTERPRETER_GIL, JG_GIL_DEFAULT_INTERVAL_MS);
}

static JgEndStatus
end_status (JgTrace     *trace,
            const char  *name,
            guint64     *end_ts)
{
  JgEndStatus status = JG_END_N_STATUSES;

  g_assert_true (test_task_ended (trace, test_trace_task_named (trace, name), end_ts, &status));
  return status;
}

/* The marks on @task's lane, as strings, in time order. */
static GPtrArray *
task_marks (JgTrace    *trace,
            const char *name)
{
  g_autoptr (GArray) events = test_trace_events (trace, JG_EVENT_MARK, test_trace_task_named (trace, name));
  GPtrArray *marks = g_ptr_array_new ();

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (marks, (gpointer) jg_trace_lookup_string (trace, g_array_index (events, JgEvent, i).arg));
  return marks;
}

static guint64
mark_time (JgTrace    *trace,
           const char *task,
           const char *text)
{
  g_autoptr (GArray) events = test_trace_events (trace, JG_EVENT_MARK, test_trace_task_named (trace, task));

  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (jg_trace_lookup_string (trace, g_array_index (events, JgEvent, i).arg), text) == 0)
      return g_array_index (events, JgEvent, i).ts;
  g_error ("No mark “%s” on %s", text, task);
}

static double
results_double (JgRun      *run,
                const char *object,
                const char *member)
{
  JsonObject *results = jg_trace_get_results (jg_run_get_trace (run));

  g_assert_true (json_object_has_member (results, object));
  return json_node_get_double (json_object_get_member (json_object_get_object_member (results, object), member));
}

static guint
count_marks (JgRun      *run,
             const char *kind)
{
  g_autoptr (JsonArray) marks = jg_run_dup_marks (run);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (marks); i++)
    n += g_strcmp0 (json_object_get_string_member (json_array_get_object_element (marks, i), "kind"), kind) == 0;
  return n;
}

/* The spans of the whole trace must make sense: nothing out of order. */
static void
assert_no_anomalies (JgRun *run)
{
  g_autoptr (JgSpans) spans = jg_spans_new ();

  jg_spans_update (spans, jg_run_get_trace (run));
  g_assert_cmpuint (jg_spans_get_n_anomalies (spans), ==, 0);
}

/* N coroutines each awaiting asyncio.sleep (d): about d in all, on one thread,
 * never two on a CPU at once, N in flight. */
static void
test_sleeps_overlap (void)
{
  const guint n = 20;
  const double d = 100;
  g_autofree char *json = g_strdup_printf (
    "{ \"title\": \"sleeps\", \"tasks\": [ { \"name\": \"Sleeper {i}\", \"count\": %u,"
    "  \"steps\": [ { \"op\": \"io\", \"kind\": \"sleep\", \"ms\": %g } ] } ] }", n, d);
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  double wall = 0;

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
      JgTrace *trace = jg_run_get_trace (run);
      JgMetrics m;

      g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
      g_assert_cmpstr (jg_trace_get_run_info (trace)->model, ==, "asyncio");
      /* One thread: the loop's. */
      g_assert_cmpuint (jg_trace_get_n_workers (trace), ==, 1);
      g_assert_cmpint (jg_trace_get_worker (trace, 0).kind, ==, JG_WORKER_LOOP);
      for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
        g_assert_cmpuint (jg_trace_get_event (trace, i)->worker, ==, 0);
      assert_no_anomalies (run);

      test_run_metrics (run, &m);
      g_assert_cmpuint (m.tasks_ended, ==, n);
      g_assert_cmpuint (m.max_parallelism, <=, 1);
      g_assert_cmpfloat (m.parallelism, <=, 1.0);
      g_assert_cmpfloat (m.concurrency, >, 0.8 * n);
      g_assert_cmpuint (m.max_concurrency, ==, n);
      /* asyncio.sleep never wakes early. */
      wall = test_run_wall_ms (run);
      g_assert_cmpfloat (wall, >=, d);
      g_test_message ("%u sleeps of %.0f ms: %.1f ms, concurrency %.2f, parallelism %.3f, loop lag mean %.2f ms",
                      n, d, wall, m.concurrency, m.parallelism, results_double (run, "loop_lag_ms", "mean"));
      if (wall < 1.5 * d)
        break;
      test_back_off (attempt);
    }
  g_assert_cmpfloat (wall, <, 1.5 * d);
}

/* time.sleep in coroutines: as slow as a plain loop, and the loop lags; with
 * to_thread (or under the hybrid model) the calls overlap again. */
static void
test_blocking_call (void)
{
  const char * const broken[] = { "downloads=5", "latency=100", NULL };
  const char * const fixed[] = { "downloads=5", "latency=100", "fix=true", NULL };
  g_autoptr (JgScenarioPlan) plan = plan_from_builtin ("blocking-call", broken);
  g_autoptr (JgScenarioPlan) fixed_plan = plan_from_builtin ("blocking-call", fixed);
  double sequential = 0, blocking = 0, fix = 0, hybrid = 0;

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) seq_run = run_model (plan, JG_MODEL_SEQUENTIAL);
      g_autoptr (JgRun) blocking_run = run_model (plan, JG_MODEL_ASYNCIO);
      g_autoptr (JgRun) fixed_run = run_model (fixed_plan, JG_MODEL_ASYNCIO);
      g_autoptr (JgRun) hybrid_run = run_model (plan, JG_MODEL_HYBRID);
      double lag_blocking = results_double (blocking_run, "loop_lag_ms", "max");
      double lag_fixed = results_double (fixed_run, "loop_lag_ms", "max");
      guint64 heartbeat_end = 0, downloads_end = 0;

      sequential = test_run_wall_ms (seq_run);
      blocking = test_run_wall_ms (blocking_run);
      fix = test_run_wall_ms (fixed_run);
      hybrid = test_run_wall_ms (hybrid_run);
      g_test_message ("blocking-call: sequential %.0f ms, asyncio %.0f ms (loop lag max %.1f ms), "
                      "to_thread fix %.0f ms (loop lag max %.1f ms), hybrid %.0f ms",
                      sequential, blocking, lag_blocking, fix, lag_fixed, hybrid);

      /* The heartbeat only wants 3 × 50 ms, yet it cannot end before the
       * blocked downloads let the loop go. */
      g_assert_cmpint (end_status (jg_run_get_trace (blocking_run), "Heartbeat", &heartbeat_end), ==, JG_END_OK);
      g_assert_cmpint (end_status (jg_run_get_trace (blocking_run), "Download 5", &downloads_end), ==, JG_END_OK);
      g_assert_cmpuint (heartbeat_end, >, MS (400));
      g_assert_cmpfloat (lag_blocking, >, 5 * lag_fixed);
      g_assert_cmpfloat (lag_blocking, >, 300);
      assert_no_anomalies (fixed_run);
      assert_no_anomalies (hybrid_run);

      if (blocking > 0.75 * sequential && fix < 0.5 * sequential && hybrid < 0.5 * sequential)
        break;
      test_back_off (attempt);
    }
  g_assert_cmpfloat (blocking, >, 0.75 * sequential);
  g_assert_cmpfloat (fix, <, 0.5 * sequential);
  g_assert_cmpfloat (hybrid, <, 0.5 * sequential);
}

/* CPU work in a coroutine holds the loop: a sleeper's timer fires late, and
 * the sleeper waits (Awaiting, then Ready) instead of running. */
static void
test_cpu_blocks_loop (void)
{
  const char *json =
    "{ \"title\": \"cpu\", \"tasks\": ["
    "  { \"name\": \"Sleeper\", \"steps\": [ { \"op\": \"io\", \"ms\": 10 } ] },"
    "  { \"name\": \"Cruncher\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 150 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  guint64 sleeper_end = 0, cruncher_end = 0;
  g_autoptr (GArray) runs = test_trace_events (trace, JG_EVENT_RUN, test_trace_task_named (trace, "Sleeper"));

  g_assert_cmpint (end_status (trace, "Sleeper", &sleeper_end), ==, JG_END_OK);
  g_assert_cmpint (end_status (trace, "Cruncher", &cruncher_end), ==, JG_END_OK);
  /* It asked for 10 ms; it got the loop back only when the cruncher was done. */
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpuint (g_array_index (runs, JgEvent, 1).ts, >=, cruncher_end);
  g_assert_cmpuint (sleeper_end, >, MS (100));
  g_assert_cmpfloat (results_double (run, "loop_lag_ms", "max"), >, 80);
  assert_no_anomalies (run);
}

/* gather hands back every result at once, in the order asked for; map takes
 * them in that order as they come; as_completed in the order they finish. */
static void
test_result_order (void)
{
  const char *json =
    "{ \"title\": \"order\", \"tasks\": ["
    "  { \"name\": \"G\", \"steps\": [ { \"op\": \"gather\", \"tasks\": ["
    "      { \"name\": \"G{i}\", \"count\": 3, \"steps\": [ { \"op\": \"io\", \"ms\": \"150 - 50 * $i\" } ] } ] } ] },"
    "  { \"name\": \"M\", \"steps\": [ { \"op\": \"map\", \"tasks\": ["
    "      { \"name\": \"M{i}\", \"count\": 3, \"steps\": [ { \"op\": \"io\", \"ms\": \"150 - 50 * $i\" } ] } ],"
    "      \"each\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ] },"
    "  { \"name\": \"A\", \"steps\": [ { \"op\": \"as_completed\", \"tasks\": ["
    "      { \"name\": \"A{i}\", \"count\": 3, \"steps\": [ { \"op\": \"io\", \"ms\": \"150 - 50 * $i\" } ] } ],"
    "      \"each\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  g_autoptr (GPtrArray) g = task_marks (trace, "G");
  g_autoptr (GPtrArray) m = task_marks (trace, "M");
  g_autoptr (GPtrArray) a = task_marks (trace, "A");
  JsonObject *order = json_object_get_object_member (jg_trace_get_results (trace), "order");
  guint64 g1_end = 0, a3_end = 0;

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  g_assert_cmpuint (g->len, ==, 3);
  g_assert_cmpstr (g->pdata[0], ==, "result of G1");
  g_assert_cmpstr (g->pdata[1], ==, "result of G2");
  g_assert_cmpstr (g->pdata[2], ==, "result of G3");
  /* All at once, when the slowest (G1) is done. */
  end_status (trace, "G1", &g1_end);
  g_assert_cmpuint (mark_time (trace, "G", "result of G3"), >=, g1_end);

  g_assert_cmpuint (m->len, ==, 3);
  g_assert_cmpstr (m->pdata[0], ==, "result of M1");
  g_assert_cmpstr (m->pdata[2], ==, "result of M3");

  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpstr (a->pdata[0], ==, "result of A3");
  g_assert_cmpstr (a->pdata[1], ==, "result of A2");
  g_assert_cmpstr (a->pdata[2], ==, "result of A1");
  /* The first result is used as soon as it is there, long before the slowest. */
  end_status (trace, "A3", &a3_end);
  g_assert_cmpuint (mark_time (trace, "A", "result of A3"), <, a3_end + MS (40));
  g_assert_cmpuint (mark_time (trace, "M", "result of M1"), >, a3_end + MS (60));

  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (order, "A"), 0), ==, "A3");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (order, "M"), 0), ==, "M1");
  assert_no_anomalies (run);
}

/* A TaskGroup cancels the siblings of a failed child; gather lets them run,
 * raises at once without return_exceptions and collects with it. */
static void
test_taskgroup_and_gather_failures (void)
{
  const char * const sets[] = { "slow=400", "fails_after=50", NULL };
  const char * const collect[] = { "slow=400", "fails_after=50", "return_exceptions=true", NULL };
  g_autoptr (JgScenarioPlan) plan = plan_from_builtin ("taskgroup-vs-gather", sets);
  g_autoptr (JgScenarioPlan) collect_plan = plan_from_builtin ("taskgroup-vs-gather", collect);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  g_autoptr (JgRun) collect_run = run_model (collect_plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  guint64 failed = 0, end = 0;
  g_autoptr (GPtrArray) gather_marks = task_marks (trace, "With gather");
  g_autoptr (GPtrArray) group_marks = task_marks (trace, "With a TaskGroup");
  g_autoptr (GPtrArray) collected = task_marks (jg_run_get_trace (collect_run), "With gather");

  g_assert_cmpint (end_status (trace, "Fetch 2 (TaskGroup)", &failed), ==, JG_END_ERROR);
  g_assert_cmpint (end_status (trace, "Fetch 1 (TaskGroup)", &end), ==, JG_END_CANCELLED);
  g_assert_cmpuint (end, <, failed + MS (50));
  g_assert_cmpint (end_status (trace, "Fetch 3 (TaskGroup)", &end), ==, JG_END_CANCELLED);
  g_assert_cmpuint (end, <, failed + MS (50));

  g_assert_cmpint (end_status (trace, "Fetch 2 (gather)", &failed), ==, JG_END_ERROR);
  g_assert_cmpint (end_status (trace, "Fetch 1 (gather)", &end), ==, JG_END_OK);
  g_assert_cmpuint (end, >, MS (400));
  g_assert_cmpint (end_status (trace, "Fetch 3 (gather)", NULL), ==, JG_END_OK);

  /* Both caught what came out: the error itself, or an ExceptionGroup; the
   * gather's right away, before its siblings ended. */
  g_assert_cmpuint (gather_marks->len, ==, 1);
  g_assert_cmpstr (gather_marks->pdata[0], ==, "caught ValueError: bad response");
  g_assert_cmpuint (mark_time (trace, "With gather", "caught ValueError: bad response"), <, failed + MS (50));
  g_assert_cmpuint (group_marks->len, ==, 1);
  g_assert_true (g_str_has_prefix (group_marks->pdata[0], "caught ExceptionGroup"));
  g_assert_cmpuint (count_marks (run, "caught"), ==, 2);
  g_assert_cmpuint (count_marks (run, "cancelled"), ==, 2);
  assert_no_anomalies (run);

  /* return_exceptions=True: nothing raised, the error is the second result. */
  g_assert_cmpuint (collected->len, ==, 3);
  g_assert_cmpstr (collected->pdata[0], ==, "result of Fetch 1 (gather)");
  g_assert_cmpstr (collected->pdata[1], ==, "exception from Fetch 2 (gather)");
  g_assert_cmpstr (collected->pdata[2], ==, "result of Fetch 3 (gather)");
}

/* Without catch, gather's exception ends the awaiting task with it. */
static void
test_gather_propagates (void)
{
  const char *json =
    "{ \"title\": \"propagate\", \"tasks\": ["
    "  { \"name\": \"Main\", \"steps\": [ { \"op\": \"gather\", \"tasks\": ["
    "      { \"name\": \"Bad\", \"steps\": [ { \"op\": \"io\", \"ms\": 10 }, { \"op\": \"fail\", \"error\": \"KeyError: 'x'\" } ] },"
    "      { \"name\": \"Good\", \"steps\": [ { \"op\": \"io\", \"ms\": 100 } ] } ] },"
    "    { \"op\": \"cpu\", \"ms\": 1 } ] },"
    "  { \"name\": \"Bystander\", \"steps\": [ { \"op\": \"io\", \"ms\": 200 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  g_autoptr (JsonArray) marks = jg_run_dup_marks (run);
  guint64 main_end = 0;
  gboolean found = FALSE;

  g_assert_cmpint (end_status (trace, "Main", &main_end), ==, JG_END_ERROR);
  g_assert_cmpuint (main_end, <, MS (80));
  /* The sibling was not told: it ran on to its end. */
  g_assert_cmpint (end_status (trace, "Good", NULL), ==, JG_END_OK);
  g_assert_cmpint (end_status (trace, "Bystander", NULL), ==, JG_END_OK);
  for (guint i = 0; i < json_array_get_length (marks); i++)
    {
      JsonObject *mark = json_array_get_object_element (marks, i);

      found |= g_strcmp0 (json_object_get_string_member (mark, "kind"), "error") == 0
               && g_strcmp0 (json_object_get_string_member (mark, "task"), "Main") == 0
               && g_strcmp0 (json_object_get_string_member (mark, "message"), "KeyError: 'x'") == 0;
    }
  g_assert_true (found);
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  assert_no_anomalies (run);
}

/* wait_for: the task is cancelled at the deadline and TimeoutError raised. */
static void
test_wait_for_timeout (void)
{
  const char *json =
    "{ \"title\": \"timeout\", \"tasks\": ["
    "  { \"name\": \"Caller\", \"steps\": [ { \"op\": \"wait_for\", \"timeout_ms\": 100, \"catch\": true,"
    "      \"task\": { \"name\": \"Slow\", \"steps\": [ { \"op\": \"io\", \"kind\": \"socket\", \"ms\": 2000 } ] } },"
    "    { \"op\": \"io\", \"ms\": 10 } ] },"
    "  { \"name\": \"Impatient\", \"steps\": [ { \"op\": \"wait_for\", \"timeout_ms\": 50,"
    "      \"task\": { \"name\": \"Slower\", \"steps\": [ { \"op\": \"io\", \"ms\": 2000 } ] } } ] },"
    "  { \"name\": \"Patient\", \"steps\": [ { \"op\": \"wait_for\", \"timeout_ms\": 1000,"
    "      \"task\": { \"name\": \"Quick\", \"steps\": [ { \"op\": \"io\", \"ms\": 20 } ] } } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  guint64 slow_end = 0, timeout_at;

  g_assert_cmpint (end_status (trace, "Slow", &slow_end), ==, JG_END_CANCELLED);
  timeout_at = mark_time (trace, "Caller", "timeout");
  g_assert_cmpuint (timeout_at, >=, MS (100));
  g_assert_cmpuint (timeout_at, <, MS (300));
  g_assert_cmpuint (slow_end, >=, timeout_at);
  g_assert_cmpuint (slow_end, <, timeout_at + MS (50));
  g_assert_cmpint (end_status (trace, "Caller", NULL), ==, JG_END_OK);
  /* Not caught: TimeoutError ends the caller. */
  g_assert_cmpint (end_status (trace, "Slower", NULL), ==, JG_END_CANCELLED);
  g_assert_cmpint (end_status (trace, "Impatient", NULL), ==, JG_END_ERROR);
  g_assert_cmpint (end_status (trace, "Quick", NULL), ==, JG_END_OK);
  g_assert_cmpint (end_status (trace, "Patient", NULL), ==, JG_END_OK);
  g_assert_cmpuint (count_marks (run, "timeout"), ==, 2);
  /* The whole run did not wait for the slow ones. */
  g_assert_cmpfloat (test_run_wall_ms (run), <, 1000);
  assert_no_anomalies (run);
}

/* task.cancel () on a spawned task; asyncio.run cancels what is left. */
static void
test_cancel (void)
{
  const char *json =
    "{ \"title\": \"cancel\", \"tasks\": ["
    "  { \"name\": \"Main\", \"steps\": ["
    "    { \"op\": \"spawn\", \"task\": { \"name\": \"Long\", \"steps\": [ { \"op\": \"io\", \"ms\": 5000 } ] } },"
    "    { \"op\": \"spawn\", \"task\": { \"name\": \"Forgotten\", \"steps\": [ { \"op\": \"io\", \"ms\": 5000 } ] } },"
    "    { \"op\": \"spawn\", \"task\": { \"name\": \"Awaited\", \"steps\": [ { \"op\": \"io\", \"ms\": 30 } ] } },"
    "    { \"op\": \"io\", \"ms\": 50 },"
    "    { \"op\": \"cancel\", \"name\": \"Long\" },"
    "    { \"op\": \"await\", \"name\": \"Awaited\" },"
    "    { \"op\": \"io\", \"ms\": 20 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  JsonObject *results = jg_trace_get_results (trace);
  guint64 long_end = 0, forgotten_end = 0, main_end = 0;

  g_assert_cmpint (end_status (trace, "Long", &long_end), ==, JG_END_CANCELLED);
  g_assert_cmpuint (long_end, >=, MS (50));
  g_assert_cmpuint (long_end, <, MS (200));
  g_assert_cmpint (end_status (trace, "Awaited", NULL), ==, JG_END_OK);
  g_assert_cmpint (end_status (trace, "Main", &main_end), ==, JG_END_OK);
  /* Nobody awaited it: asyncio.run cancels it once Main is done. */
  g_assert_cmpint (end_status (trace, "Forgotten", &forgotten_end), ==, JG_END_CANCELLED);
  g_assert_cmpuint (forgotten_end, >=, main_end);
  g_assert_cmpfloat (test_run_wall_ms (run), <, 1000);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (results, "asyncio"), "cancelled"), ==, 2);
  assert_no_anomalies (run);
}

/* The semaphore never lets more than its value hold it, as the trace shows. */
static void
test_semaphore_limit (void)
{
  const char * const sets[] = { "fetches=12", "limit=3", "latency=50", NULL };
  g_autoptr (JgScenarioPlan) plan = plan_from_builtin ("semaphore-rate-limit", sets);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JgTrace *trace = jg_run_get_trace (run);
  guint32 sem = jg_trace_intern (trace, "rate limit");
  gint holders = 0, most = 0;
  guint acquired = 0;

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *e = jg_trace_get_event (trace, i);

      if (e->kind == JG_EVENT_LOCK_ACQUIRE && e->arg == sem)
        {
          holders++;
          acquired++;
        }
      else if (e->kind == JG_EVENT_LOCK_RELEASE && e->arg == sem)
        holders--;
      g_assert_cmpint (holders, <=, 3);
      most = MAX (most, holders);
    }
  g_assert_cmpint (most, ==, 3);
  g_assert_cmpuint (acquired, ==, 12);
  /* Four rounds of one fetch. */
  g_assert_cmpfloat (test_run_wall_ms (run), >=, 4 * 50);
  assert_no_anomalies (run);
}

/* Socket and file I/O really happen: bytes from the loopback server, a file
 * on disk while the run goes on, nothing left behind after it. */
typedef struct
{
  gboolean   stop;
  gboolean   saw_file;
  GThread   *thread;
} Watcher;

static gboolean
scratch_file_exists (const char *dir)
{
  g_autoptr (GDir) top = g_dir_open (dir, 0, NULL);
  const char *name;

  while (top != NULL && (name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *run_dir = g_build_filename (dir, name, NULL);
      g_autoptr (GDir) inner = NULL;
      const char *file;

      if (!g_str_has_prefix (name, "juggler-run-"))
        continue;
      inner = g_dir_open (run_dir, 0, NULL);
      while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
        {
          g_autofree char *path = g_build_filename (run_dir, file, NULL);
          GStatBuf st;

          if (g_str_has_prefix (file, "aio-") && g_stat (path, &st) == 0 && st.st_size > 0)
            return TRUE;
        }
    }
  return FALSE;
}

static gpointer
watch_scratch (gpointer data)
{
  Watcher *watcher = data;

  while (!g_atomic_int_get (&watcher->stop))
    {
      if (scratch_file_exists (tmp_dir))
        g_atomic_int_set (&watcher->saw_file, TRUE);
      g_usleep (2000);
    }
  return NULL;
}

static void
test_real_io (void)
{
  const char *json =
    "{ \"title\": \"io\", \"tasks\": ["
    "  { \"name\": \"Net {i}\", \"count\": 4, \"steps\": [ { \"op\": \"io\", \"kind\": \"socket\", \"ms\": 30 } ] },"
    "  { \"name\": \"Disk\", \"steps\": [ { \"op\": \"io\", \"kind\": \"file\", \"ms\": 150 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = NULL;
  Watcher watcher = { FALSE, FALSE, NULL };
  JsonObject *counts;

  watcher.thread = g_thread_new ("watch-scratch", watch_scratch, &watcher);
  run = run_model (plan, JG_MODEL_ASYNCIO);
  g_atomic_int_set (&watcher.stop, TRUE);
  g_thread_join (watcher.thread);

  counts = json_object_get_object_member (jg_trace_get_results (jg_run_get_trace (run)), "asyncio");
  g_assert_cmpint (json_object_get_int_member (counts, "socket_round_trips"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (counts, "socket_bytes"), ==, 4 * 1024);
  g_assert_cmpint (json_object_get_int_member (counts, "file_bytes"), >=, 64 * 1024);
  g_assert_true (watcher.saw_file);
  g_assert_false (scratch_file_exists (tmp_dir));
  /* The four round trips overlapped. */
  g_assert_cmpfloat (test_run_wall_ms (run), >=, 150);
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  assert_no_anomalies (run);
}

/* Stop mid-run: sleeps, a coroutine computing on the loop, a thread blocked in
 * the executor — everything ends as cancelled, promptly. */
static void
test_stop (void)
{
  const char *json =
    "{ \"title\": \"stop\", \"tasks\": ["
    "  { \"name\": \"Sleeper {i}\", \"count\": 5, \"steps\": [ { \"op\": \"io\", \"ms\": 20000 } ] },"
    "  { \"name\": \"Net\", \"steps\": [ { \"op\": \"io\", \"kind\": \"socket\", \"ms\": 20000 } ] },"
    "  { \"name\": \"Disk\", \"steps\": [ { \"op\": \"io\", \"kind\": \"file\", \"ms\": 20000 } ] },"
    "  { \"name\": \"Offloader\", \"steps\": [ { \"op\": \"to_thread\", \"steps\": [ { \"op\": \"block\", \"ms\": 20000 } ] } ] },"
    "  { \"name\": \"Gatherer\", \"steps\": [ { \"op\": \"taskgroup\", \"tasks\": ["
    "      { \"name\": \"Child {i}\", \"count\": 2, \"steps\": [ { \"op\": \"io\", \"ms\": 20000 } ] } ] } ] },"
    "  { \"name\": \"Cruncher\", \"steps\": [ { \"op\": \"io\", \"ms\": 30 }, { \"op\": \"cpu\", \"ms\": 20000 } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = NULL;
  JgRunOptions options;
  JgTrace *trace;
  gint64 asked;
  double took_ms;

  jg_run_options_init (&options);
  options.model = JG_MODEL_ASYNCIO;
  run = test_start_run (plan, &options);
  g_usleep (300 * 1000);
  asked = g_get_monotonic_time ();
  jg_run_stop (run);
  g_assert_cmpint (jg_run_wait (run), ==, JG_RUN_STOPPED);
  took_ms = (g_get_monotonic_time () - asked) / 1e3;
  g_test_message ("stopped in %.1f ms", took_ms);
  g_assert_cmpfloat (took_ms, <, 1000);

  trace = jg_run_get_trace (run);
  for (guint32 t = 0; t < jg_trace_get_n_tasks (trace); t++)
    {
      JgEndStatus status = JG_END_N_STATUSES;

      g_assert_true (test_task_ended (trace, t, NULL, &status));
      g_assert_cmpint (status, ==, JG_END_CANCELLED);
    }
  g_assert_false (scratch_file_exists (tmp_dir));
  assert_no_anomalies (run);
}

/* The hybrid model hands computing to the executor: the loop keeps time. */
static void
test_hybrid_offloads (void)
{
  const char *json =
    "{ \"title\": \"hybrid\", \"tasks\": ["
    "  { \"name\": \"Worker {i}\", \"count\": 3, \"steps\": [ { \"op\": \"io\", \"ms\": 20 }, { \"op\": \"cpu\", \"ms\": 100 } ] },"
    "  { \"name\": \"Ticker\", \"steps\": [ { \"op\": \"repeat\", \"times\": 10, \"steps\": [ { \"op\": \"io\", \"ms\": 10 } ] } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  double lag_asyncio = 0, lag_hybrid = 0;

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JgRun) asyncio_run = run_model (plan, JG_MODEL_ASYNCIO);
      g_autoptr (JgRun) hybrid_run = run_model (plan, JG_MODEL_HYBRID);
      JgTrace *trace = jg_run_get_trace (hybrid_run);
      JsonObject *counts = json_object_get_object_member (jg_trace_get_results (trace), "asyncio");
      guint threads = 0;

      lag_asyncio = results_double (asyncio_run, "loop_lag_ms", "max");
      lag_hybrid = results_double (hybrid_run, "loop_lag_ms", "max");
      g_test_message ("loop lag max: asyncio %.1f ms, hybrid %.1f ms", lag_asyncio, lag_hybrid);

      g_assert_cmpint (json_object_get_int_member (counts, "executor_jobs"), ==, 3);
      for (guint32 w = 0; w < jg_trace_get_n_workers (trace); w++)
        threads += jg_trace_get_worker (trace, w).kind == JG_WORKER_THREAD;
      g_assert_cmpuint (threads, ==, json_object_get_int_member (counts, "executor_threads"));
      g_assert_cmpuint (threads, >=, 1);
      /* The computing ran on lanes of its own, children of the coroutines. */
      g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 4 + 3);
      g_assert_cmpuint (jg_trace_get_task (trace, 4).parent, <, 3);
      assert_no_anomalies (hybrid_run);

      if (lag_hybrid < lag_asyncio / 2)
        break;
      test_back_off (attempt);
    }
  g_assert_cmpfloat (lag_asyncio, >, 80);
  g_assert_cmpfloat (lag_hybrid, <, lag_asyncio / 2);
}

/* asyncio's Lock, taken in opposite orders with an await between: nothing can
 * ever run again, and the run says so instead of hanging. */
static void
test_deadlock (void)
{
  const char *json =
    "{ \"title\": \"deadlock\", \"locks\": [ { \"name\": \"a\" }, { \"name\": \"b\" } ], \"tasks\": ["
    "  { \"name\": \"AB\", \"steps\": [ { \"op\": \"lock\", \"name\": \"a\" }, { \"op\": \"io\", \"ms\": 20 },"
    "    { \"op\": \"lock\", \"name\": \"b\" }, { \"op\": \"unlock\", \"name\": \"b\" }, { \"op\": \"unlock\", \"name\": \"a\" } ] },"
    "  { \"name\": \"BA\", \"steps\": [ { \"op\": \"lock\", \"name\": \"b\" }, { \"op\": \"io\", \"ms\": 20 },"
    "    { \"op\": \"lock\", \"name\": \"a\" }, { \"op\": \"unlock\", \"name\": \"a\" }, { \"op\": \"unlock\", \"name\": \"b\" } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (JgRun) run = run_model (plan, JG_MODEL_ASYNCIO);
  JsonObject *deadlock = json_object_get_object_member (jg_trace_get_results (jg_run_get_trace (run)), "deadlock");

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_DEADLOCKED);
  g_assert_nonnull (deadlock);
  g_assert_true (json_object_get_boolean_member (deadlock, "cycle"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (deadlock, "tasks")), ==, 2);
  g_assert_cmpfloat (test_run_wall_ms (run), <, 1000);
}

/* A queue between coroutines, and a read-await-write race on the loop. */
static void
test_queue_and_race (void)
{
  const char *race =
    "{ \"title\": \"race\", \"variables\": [ { \"name\": \"counter\", \"expected\": 100 } ], \"tasks\": ["
    "  { \"name\": \"Adder {i}\", \"count\": 5, \"repeat\": 20, \"steps\": [ { \"op\": \"read\", \"var\": \"counter\" },"
    "    { \"op\": \"io\", \"ms\": 0.5 }, { \"op\": \"write\", \"var\": \"counter\", \"add\": 1 } ] } ] }";
  const char * const sets[] = { "consumers=3", "items=4", "capacity=2", "produce=2", "consume=10", NULL };
  g_autoptr (JgScenarioPlan) queue_plan = plan_from_builtin ("producer-consumer", sets);
  g_autoptr (JgScenarioPlan) race_plan = plan_from_json (race, NULL);
  g_autoptr (JgRun) queue_run = run_model (queue_plan, JG_MODEL_ASYNCIO);
  g_autoptr (JgRun) race_run = run_model (race_plan, JG_MODEL_ASYNCIO);
  JsonObject *results = jg_trace_get_results (jg_run_get_trace (race_run));

  g_assert_cmpint (jg_run_get_status (queue_run), ==, JG_RUN_COMPLETED);
  for (guint32 t = 0; t < jg_trace_get_n_tasks (jg_run_get_trace (queue_run)); t++)
    {
      JgEndStatus status = JG_END_N_STATUSES;

      g_assert_true (test_task_ended (jg_run_get_trace (queue_run), t, NULL, &status));
      g_assert_cmpint (status, ==, JG_END_OK);
    }
  assert_no_anomalies (queue_run);

  /* Every await between the read and the write lets the others read too. */
  g_assert_cmpint (json_object_get_int_member (results, "counter"), <, 100);
}

/* Steps only a loop can run are refused by the thread models, clearly. */
static void
test_thread_models_refuse (void)
{
  g_autoptr (JgScenarioPlan) plan = plan_from_builtin ("nisab-gather", NULL);
  JgRunOptions options;
  g_autoptr (JgRun) run = NULL;
  g_autoptr (GError) error = NULL;

  jg_run_options_init (&options);
  options.model = JG_MODEL_THREADS;
  run = jg_run_new (plan, &options);
  g_assert_false (jg_run_start (run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“gather” needs the asyncio or hybrid model"));
}

/* A hand-built plan cannot make the loop read outside it. */
static void
test_bad_plans (void)
{
  g_autoptr (JgScenarioPlan) plan = test_plan_new ("bad");
  guint main_task = test_plan_add_task (plan, "Main");
  JgStep gather = { 0 };
  g_autoptr (GError) error = NULL;

  gather.kind = JG_STEP_GATHER;
  gather.child = 1;
  gather.n_children = 5;
  test_plan_add_step (plan, main_task, gather);
  g_assert_false (jg_asyncio_check_plan (plan, &error));
  g_assert_nonnull (strstr (error->message, "the plan has 1"));
  g_clear_error (&error);

  plan->tasks[0].steps[0].child = 0;
  plan->tasks[0].steps[0].n_children = 1;
  g_assert_false (jg_asyncio_check_plan (plan, &error));
  g_assert_nonnull (strstr (error->message, "cannot start itself"));
}

/* What a scenario writer gets wrong is named with its line and field. */
static void
test_scenario_errors (void)
{
  static const struct
  {
    const char *json;
    const char *expected;
  } cases[] = {
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"gather\", \"task\": {} } ] } ] }",
      "tasks[0].steps[0].task: unknown field" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"gather\", \"tasks\": [] } ] } ] }",
      "tasks[0].steps[0].tasks: must hold at least one task" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"wait_for\",\n"
      "  \"task\": { \"name\": \"C\", \"steps\": [ { \"op\": \"io\", \"ms\": 1 } ] } } ] } ] }",
      "test.json:1: tasks[0].steps[0].timeout_ms: required field is missing" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"as_completed\", \"tasks\": [\n"
      "  { \"name\": \"C\", \"steps\": [ { \"op\": \"io\", \"ms\": 1 } ] } ],\n"
      "  \"each\": [ { \"op\": \"spawn\", \"task\": { \"name\": \"D\", \"steps\": [ { \"op\": \"io\", \"ms\": 1 } ] } } ] } ] } ] }",
      "test.json:3: tasks[0].steps[0].each[0]: a step of “each” cannot start, await or cancel tasks" },
    { "{ \"title\": \"x\", \"locks\": [ { \"name\": \"l\" } ], \"tasks\": [ { \"name\": \"M\", \"steps\": [\n"
      "  { \"op\": \"to_thread\", \"steps\": [ { \"op\": \"lock\", \"name\": \"l\" }, { \"op\": \"unlock\", \"name\": \"l\" } ] } ] } ] }",
      "asyncio's locks, semaphores and queues cannot be used" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"await\", \"name\": \"Nobody\" } ] } ] }",
      "“M” awaits “Nobody”, which no spawn step before it starts" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"run_in_executor\", \"executor\": \"gpus\",\n"
      "  \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ] } ] }",
      "unknown executor “gpus” (expected threads or processes)" },
    { "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"M\", \"steps\": [ { \"op\": \"gather\", \"timeout_ms\": 0, \"tasks\": [\n"
      "  { \"name\": \"C\", \"steps\": [ { \"op\": \"io\", \"ms\": 1 } ] } ] } ] } ] }",
      "timeout_ms: must be at least 0.001 ms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JgScenario) scenario = jg_scenario_load_data (cases[i].json, -1, "test.json", &error);
      g_autoptr (JgScenarioPlan) plan = NULL;

      if (scenario != NULL)
        plan = jg_scenario_instantiate (scenario, NULL, &error);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
    }
}

/* Repeats and counts give each round its own children, parents first. */
static void
test_plan_expansion (void)
{
  const char *json =
    "{ \"title\": \"x\", \"tasks\": [ { \"name\": \"P{i}\", \"count\": 2, \"steps\": [\n"
    "  { \"op\": \"repeat\", \"times\": 2, \"steps\": [ { \"op\": \"gather\", \"tasks\": [\n"
    "    { \"name\": \"C{i}\", \"count\": 3, \"steps\": [ { \"op\": \"io\", \"ms\": \"$i\" } ] } ] } ] },\n"
    "  { \"op\": \"to_thread\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ] } ] }";
  g_autoptr (JgScenarioPlan) plan = plan_from_json (json, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree guint32 *parents = NULL;

  /* P1, its 2 × 3 children and its thread's body; then the same for P2. */
  g_assert_cmpuint (plan->n_tasks, ==, 2 * (1 + 6 + 1));
  g_assert_cmpstr (plan->tasks[0].name, ==, "P1");
  g_assert_cmpstr (plan->tasks[1].name, ==, "C1");
  g_assert_cmpfloat (plan->tasks[3].steps[0].ms, ==, 3);
  g_assert_cmpstr (plan->tasks[7].name, ==, "P1 → thread");
  g_assert_cmpstr (plan->tasks[8].name, ==, "P2");
  g_assert_true (jg_asyncio_check_plan (plan, &error));
  g_assert_no_error (error);
  parents = jg_asyncio_plan_parents (plan);
  g_assert_cmpuint (parents[0], ==, JG_LANE_NONE);
  g_assert_cmpuint (parents[4], ==, 0);
  g_assert_cmpuint (parents[7], ==, 0);
  g_assert_cmpuint (parents[9], ==, 8);
  g_assert_cmpuint (plan->tasks[0].steps[0].child, !=, plan->tasks[0].steps[1].child);
}

/* Every built-in meant for the loop runs to its end under it. */
static void
test_builtins_run (void)
{
  static const char * const ids[] = {
    "nisab-gather", "semaphore-rate-limit", "blocking-call", "taskgroup-vs-gather",
    "timeouts-and-cancellation", "map-vs-as-completed", "async-io-process-pool", "downloads",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (JgScenarioPlan) plan = plan_from_builtin (ids[i], NULL);
      g_autoptr (JgRun) asyncio_run = run_model (plan, JG_MODEL_ASYNCIO);
      g_autoptr (JgRun) hybrid_run = run_model (plan, JG_MODEL_HYBRID);

      g_test_message ("%s: asyncio %.0f ms, hybrid %.0f ms", ids[i], test_run_wall_ms (asyncio_run),
                      test_run_wall_ms (hybrid_run));
      g_assert_cmpint (jg_run_get_status (asyncio_run), ==, JG_RUN_COMPLETED);
      g_assert_cmpint (jg_run_get_status (hybrid_run), ==, JG_RUN_COMPLETED);
      assert_no_anomalies (asyncio_run);
      assert_no_anomalies (hybrid_run);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache_dir = NULL;
  const char *base = g_getenv ("TMPDIR") != NULL ? g_getenv ("TMPDIR") : "/tmp";
  g_autofree char *template = g_build_filename (base, "juggler-aio-test-XXXXXX", NULL);
  int status;

  /* Runs make their scratch directories in g_get_tmp_dir (): a directory of
   * our own, set before GLib first reads TMPDIR, lets the tests look at the
   * files while a run goes on. */
  tmp_dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (tmp_dir);
  g_setenv ("TMPDIR", tmp_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  cache_dir = test_isolate_cache ();

  g_test_add_func ("/asyncio/sleeps-overlap", test_sleeps_overlap);
  g_test_add_func ("/asyncio/blocking-call", test_blocking_call);
  g_test_add_func ("/asyncio/cpu-blocks-loop", test_cpu_blocks_loop);
  g_test_add_func ("/asyncio/result-order", test_result_order);
  g_test_add_func ("/asyncio/taskgroup-and-gather-failures", test_taskgroup_and_gather_failures);
  g_test_add_func ("/asyncio/gather-propagates", test_gather_propagates);
  g_test_add_func ("/asyncio/wait-for-timeout", test_wait_for_timeout);
  g_test_add_func ("/asyncio/cancel", test_cancel);
  g_test_add_func ("/asyncio/semaphore-limit", test_semaphore_limit);
  g_test_add_func ("/asyncio/real-io", test_real_io);
  g_test_add_func ("/asyncio/stop", test_stop);
  g_test_add_func ("/asyncio/hybrid-offloads", test_hybrid_offloads);
  g_test_add_func ("/asyncio/deadlock", test_deadlock);
  g_test_add_func ("/asyncio/queue-and-race", test_queue_and_race);
  g_test_add_func ("/asyncio/thread-models-refuse", test_thread_models_refuse);
  g_test_add_func ("/asyncio/bad-plans", test_bad_plans);
  g_test_add_func ("/asyncio/scenario-errors", test_scenario_errors);
  g_test_add_func ("/asyncio/plan-expansion", test_plan_expansion);
  g_test_add_func ("/asyncio/builtins-run", test_builtins_run);

  status = g_test_run ();
  test_remove_tree (cache_dir);
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
