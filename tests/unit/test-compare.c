/* test-compare.c: one plan under several models, one after another — the
 * ranking a user would expect on CPU-bound and on I/O-bound work, the sentence
 * that explains it, contenders skipped with a reason, a prompt stop, the
 * signals in the caller's context, the advisor's recommendation beside the
 * winner, and the plan "Show me" builds. Timings are compared as orderings
 * and ratios with generous margins (two busy cores, sometimes a sanitizer). */
#include "jg-compare.h"
#include "jg-test-plan.h"

static JgScenarioPlan *
io_plan (guint  n_tasks,
         double io_ms)
{
  JgScenarioPlan *plan = test_plan_new ("io");

  for (guint i = 0; i < n_tasks; i++)
    {
      g_autofree char *name = g_strdup_printf ("Download %u", i + 1);
      guint task = test_plan_add_task (plan, name);

      test_plan_io (plan, task, JG_IO_SOCKET, io_ms);
      test_plan_cpu (plan, task, 1, FALSE);
    }
  return plan;
}

/* A finished comparison of @plan under @ids, each with @workers. */
static JgCompare *
compare_plan (const JgScenarioPlan *plan,
              const char * const   *models,
              const char * const   *ids,
              guint                 workers)
{
  g_autoptr (GError) error = NULL;
  JgCompare *compare = jg_compare_new (plan, models);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_assert_cmpint (jg_compare_add_contender (compare, ids[i], workers, &error), ==, (int) i);
      g_assert_no_error (error);
    }
  g_assert_true (jg_compare_start (compare, &error));
  g_assert_no_error (error);
  jg_compare_wait (compare);
  g_assert_true (jg_compare_is_finished (compare));
  return compare;
}

static const JgContender *
find_contender (JgCompare  *compare,
                const char *id)
{
  for (guint i = 0; i < jg_compare_get_n_contenders (compare); i++)
    if (g_str_equal (jg_compare_get_contender (compare, i)->id, id))
      return jg_compare_get_contender (compare, i);
  g_assert_not_reached ();
}

static const JgContender *
winner_of (JgCompare *compare)
{
  g_assert_cmpint (jg_compare_get_winner (compare), >=, 0);
  return jg_compare_get_contender (compare, (guint) jg_compare_get_winner (compare));
}

static const JgContender *
ranked (JgCompare *compare,
        guint      rank)
{
  return jg_compare_get_contender (compare, (guint) jg_compare_get_ranked (compare, rank));
}

/* What holds whatever the machine is doing: every contender ran, the ranking
 * is sorted by wall time, the baseline's speedup is 1. */
static void
assert_consistent (JgCompare *compare)
{
  const JgContender *baseline;

  for (guint r = 0; r < jg_compare_get_n_ranked (compare); r++)
    {
      const JgContender *c = ranked (compare, r);

      g_assert_cmpint (c->state, ==, JG_CONTENDER_DONE);
      g_assert_cmpint (c->status, ==, JG_RUN_COMPLETED);
      g_assert_cmpuint (c->rank, ==, r + 1);
      g_assert_nonnull (c->metrics);
      g_assert_cmpuint (c->metrics->tasks_ended, ==, c->metrics->tasks);
      if (r > 0)
        {
          const JgContender *faster = ranked (compare, r - 1);

          g_assert_cmpuint (faster->metrics->wall_ns, <=, c->metrics->wall_ns);
        }
    }
  baseline = jg_compare_get_contender (compare, (guint) jg_compare_get_baseline (compare));
  g_assert_cmpfloat_with_epsilon (baseline->speedup, 1.0, 1e-9);
  g_assert_nonnull (jg_compare_get_sentence (compare));
}

/* CPU-bound: processes (a GIL each) rank above threads (one GIL), and the
 * sentence says processes won and quotes their parallelism. */
static void
test_cpu_bound (void)
{
  static const char * const ids[] = { "sequential", "threads", "processes", NULL };
  /* Long enough that starting two worker processes does not hide the rest. */
  g_autoptr (JgScenarioPlan) plan = test_plan_cpu_tasks (4, 100, FALSE);
  g_autoptr (JgCompare) compare = NULL;
  const JgContender *threads = NULL, *processes = NULL;
  g_autofree char *parallelism = NULL;
  gboolean clear = FALSE;

  if (g_get_num_processors () < 2)
    {
      g_test_skip ("needs two cores");
      return;
    }

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_clear_object (&compare);
      compare = compare_plan (plan, NULL, ids, 2);
      assert_consistent (compare);
      threads = find_contender (compare, "threads");
      processes = find_contender (compare, "processes");
      g_test_message ("%s", jg_compare_get_sentence (compare));
      clear = threads->rank > processes->rank && !threads->tied
              && jg_compare_get_winner (compare) == 2
              && processes->metrics->parallelism > threads->metrics->parallelism + 0.3;
      if (clear)
        break;
      test_back_off (attempt);
    }
  /* Figures off only because something else took a core are no failure. */
  if (!clear)
    {
      double machine = test_machine_parallelism ();

      if (machine < 1.4)
        {
          g_test_skip_printf ("the machine is busy: two plain threads ran only %.2fx faster "
                              "than one", machine);
          return;
        }
    }

  g_assert_cmpuint (processes->rank, <, threads->rank);
  g_assert_false (threads->tied);
  g_assert_cmpstr (winner_of (compare)->id, ==, "processes");
  g_assert_cmpfloat (processes->metrics->parallelism, >, threads->metrics->parallelism + 0.3);
  g_assert_cmpfloat (processes->speedup, >, threads->speedup);
  /* One GIL: the threads take turns. */
  g_assert_cmpfloat (threads->metrics->parallelism, <, 1.25);

  /* The sentence names the winner, why, and the figure that shows it. */
  g_assert_true (g_str_has_prefix (jg_compare_get_sentence (compare), processes->label));
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), " won: "));
  parallelism = g_strdup_printf ("parallelism %.2f", processes->metrics->parallelism);
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), parallelism));
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), "GIL"));
}

/* I/O-bound: asyncio and threads overlap the waits and rank above sequential;
 * the sentence quotes the winner's concurrency. */
static void
test_io_bound (void)
{
  static const char * const ids[] = { "sequential", "threads", "asyncio", NULL };
  g_autoptr (JgScenarioPlan) plan = io_plan (6, 40);
  g_autoptr (JgCompare) compare = NULL;
  const JgContender *sequential = NULL, *threads = NULL, *asyncio = NULL;
  g_autofree char *concurrency = NULL;
  const JgContender *winner;

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_clear_object (&compare);
      compare = compare_plan (plan, NULL, ids, 0);
      assert_consistent (compare);
      sequential = find_contender (compare, "sequential");
      threads = find_contender (compare, "threads");
      asyncio = find_contender (compare, "asyncio");
      g_test_message ("%s", jg_compare_get_sentence (compare));
      if (sequential->rank == 3 && threads->speedup > 2 && asyncio->speedup > 2)
        break;
      test_back_off (attempt);
    }

  /* Six waits of 40 ms cannot overlap in the sequential run, and do in the
   * others: however busy the machine, that is a factor of several. */
  g_assert_cmpuint (sequential->rank, ==, 3);
  g_assert_cmpint (jg_compare_get_baseline (compare), ==, 0);
  g_assert_cmpfloat (threads->speedup, >, 2);
  g_assert_cmpfloat (asyncio->speedup, >, 2);
  g_assert_cmpfloat (threads->metrics->concurrency, >, 2);
  g_assert_cmpfloat (asyncio->metrics->concurrency, >, 2);
  g_assert_cmpfloat (asyncio->metrics->parallelism, <, 1);

  winner = winner_of (compare);
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), winner->id));
  concurrency = g_strdup_printf ("concurrency %.1f", winner->metrics->concurrency);
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), concurrency));
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), "faster than sequential"));
}

/* Models the scenario is not meant for, and a run that cannot start, are
 * skipped with the reason; unknown ids are refused. */
static void
test_skipped (void)
{
  static const char * const models[] = { "threads", "sequential", NULL };
  g_autoptr (JgScenarioPlan) plan = io_plan (2, 5);
  g_autoptr (JgScenarioPlan) shared = io_plan (2, 5);
  g_autoptr (JgCompare) compare = jg_compare_new (plan, models);
  g_autoptr (JgCompare) refused = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  const JgContender *asyncio, *hybrid, *free_threaded;
  JsonArray *contenders;
  JsonObject *skipped;
  guint variable;

  g_assert_cmpint (jg_compare_add_contender (compare, "fibers", 0, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "fibers"));
  g_clear_error (&error);

  g_assert_cmpint (jg_compare_add_contender (compare, "sequential", 0, NULL), ==, 0);
  g_assert_cmpint (jg_compare_add_contender (compare, "asyncio", 0, NULL), ==, 1);
  g_assert_cmpint (jg_compare_add_contender (compare, "hybrid-processes", 0, NULL), ==, 2);
  /* Free-threaded Python runs the threads model: allowed where threads are. */
  g_assert_cmpint (jg_compare_add_contender (compare, "free-threaded", 2, NULL), ==, 3);
  asyncio = jg_compare_get_contender (compare, 1);
  hybrid = jg_compare_get_contender (compare, 2);
  free_threaded = jg_compare_get_contender (compare, 3);
  g_assert_cmpint (asyncio->state, ==, JG_CONTENDER_SKIPPED);
  g_assert_null (asyncio->run);
  g_assert_nonnull (strstr (asyncio->reason, "not meant for asyncio"));
  g_assert_cmpint (hybrid->state, ==, JG_CONTENDER_SKIPPED);
  g_assert_nonnull (strstr (hybrid->reason, "not meant for hybrid"));
  g_assert_cmpint (free_threaded->state, ==, JG_CONTENDER_PENDING);
  g_assert_cmpint (free_threaded->options.interpreter, ==, JG_INTERPRETER_FREE_THREADED);
  g_assert_cmpstr (free_threaded->label, ==, "free-threaded (2 workers)");

  g_assert_true (jg_compare_start (compare, &error));
  jg_compare_wait (compare);
  g_assert_cmpuint (jg_compare_get_n_ranked (compare), ==, 2);
  g_assert_cmpuint (asyncio->rank, ==, 0);
  g_assert_cmpint (asyncio->state, ==, JG_CONTENDER_SKIPPED);
  g_assert_cmpfloat (jg_compare_get_progress (compare), ==, 1.0);

  json_builder_begin_object (builder);
  jg_compare_add_to_builder (compare, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  contenders = json_object_get_array_member (json_node_get_object (root), "contenders");
  g_assert_cmpuint (json_array_get_length (contenders), ==, 4);
  skipped = json_array_get_object_element (contenders, 1);
  g_assert_true (json_object_get_boolean_member (skipped, "skipped"));
  g_assert_nonnull (strstr (json_object_get_string_member (skipped, "reason"), "asyncio"));
  g_assert_false (json_object_has_member (skipped, "wall_s"));
  g_assert_true (json_object_has_member (json_array_get_object_element (contenders, 0), "wall_s"));

  /* A worker process shares no variable with the others: that run cannot
   * start, and says why. */
  variable = test_plan_add_object (&shared->variables, &shared->n_variables, "total", 0, 2);
  test_plan_object_step (shared, 0, JG_STEP_READ, variable, 0);
  test_plan_object_step (shared, 0, JG_STEP_WRITE, variable, 1);
  refused = jg_compare_new (shared, NULL);
  jg_compare_add_contender (refused, "sequential", 0, NULL);
  jg_compare_add_contender (refused, "processes", 2, NULL);
  g_assert_true (jg_compare_start (refused, NULL));
  jg_compare_wait (refused);
  g_assert_cmpint (jg_compare_get_contender (refused, 1)->state, ==, JG_CONTENDER_SKIPPED);
  g_assert_nonnull (strstr (jg_compare_get_contender (refused, 1)->reason, "shared"));
  g_assert_cmpstr (winner_of (refused)->id, ==, "sequential");
}

static gboolean
stop_soon (gpointer data)
{
  jg_compare_stop (data);
  return G_SOURCE_REMOVE;
}

static void
on_started_stop (JgCompare *compare,
                 guint      index,
                 gpointer   data)
{
  /* Stop once the first run is well under way. */
  if (index == 0)
    g_timeout_add (100, stop_soon, compare);
}

/* A stop mid-compare ends the running contender promptly and skips the rest. */
static void
test_stop (void)
{
  static const char * const ids[] = { "sequential", "threads", "asyncio", NULL };
  /* Several seconds of work per contender if nobody stopped it. */
  g_autoptr (JgScenarioPlan) plan = test_plan_cpu_tasks (4, 1000, FALSE);
  g_autoptr (JgCompare) compare = jg_compare_new (plan, NULL);
  const JgContender *first;
  gint64 start;
  double elapsed_ms;

  for (guint i = 0; ids[i] != NULL; i++)
    jg_compare_add_contender (compare, ids[i], 0, NULL);
  g_signal_connect (compare, "contender-started", G_CALLBACK (on_started_stop), NULL);
  start = g_get_monotonic_time ();
  g_assert_true (jg_compare_start (compare, NULL));
  jg_compare_wait (compare);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("stopped after %.0f ms", elapsed_ms);

  g_assert_true (jg_compare_is_stopped (compare));
  g_assert_cmpfloat (elapsed_ms, <, 2000);
  first = jg_compare_get_contender (compare, 0);
  g_assert_cmpint (first->state, ==, JG_CONTENDER_DONE);
  g_assert_cmpint (first->status, ==, JG_RUN_STOPPED);
  g_assert_cmpuint (first->rank, ==, 0);
  for (guint i = 1; ids[i] != NULL; i++)
    {
      const JgContender *c = jg_compare_get_contender (compare, i);

      g_assert_cmpint (c->state, ==, JG_CONTENDER_SKIPPED);
      g_assert_nonnull (strstr (c->reason, "stopped"));
      g_assert_cmpint (jg_run_get_status (c->run), ==, JG_RUN_READY);
    }
  g_assert_cmpint (jg_compare_get_winner (compare), ==, -1);
  g_assert_nonnull (strstr (jg_compare_get_sentence (compare), "stopped"));
}

typedef struct
{
  GThread *thread;
  guint    started;
  guint    finished;
  gboolean done;
  gboolean wrong_thread;
  double   last_progress;
  gboolean progress_went_back;
} Signals;

static void
on_started (JgCompare *compare,
            guint      index,
            Signals   *signals)
{
  const JgContender *c = jg_compare_get_contender (compare, index);

  signals->wrong_thread |= g_thread_self () != signals->thread;
  signals->started++;
  /* The trace is there to draw live from now on. */
  g_assert_cmpint (c->state, ==, JG_CONTENDER_RUNNING);
  g_assert_cmpint (jg_compare_get_current (compare), ==, (int) index);
  g_assert_nonnull (jg_trace_get_run_info (jg_run_get_trace (c->run))->model);
}

static void
on_finished_one (JgCompare *compare,
                 guint      index,
                 Signals   *signals)
{
  double progress = jg_compare_get_progress (compare);

  signals->wrong_thread |= g_thread_self () != signals->thread;
  signals->finished++;
  signals->progress_went_back |= progress < signals->last_progress;
  signals->last_progress = progress;
  g_assert_nonnull (jg_compare_get_contender (compare, index)->metrics);
}

static void
on_finished (JgCompare *compare,
             Signals   *signals)
{
  signals->wrong_thread |= g_thread_self () != signals->thread;
  signals->done = TRUE;
  g_assert_nonnull (jg_compare_get_sentence (compare));
}

/* jg_compare_start returns before any run; every signal comes in the caller's
 * main context, one contender after another, never two at once. */
static void
test_signals (void)
{
  static const char * const ids[] = { "sequential", "threads", "asyncio", NULL };
  g_autoptr (JgScenarioPlan) plan = io_plan (3, 10);
  g_autoptr (JgCompare) compare = jg_compare_new (plan, NULL);
  g_autoptr (GMainContext) context = g_main_context_new ();
  Signals signals = { g_thread_self (), 0 };
  guint64 previous_end = 0;

  for (guint i = 0; ids[i] != NULL; i++)
    jg_compare_add_contender (compare, ids[i], 0, NULL);
  g_signal_connect (compare, "contender-started", G_CALLBACK (on_started), &signals);
  g_signal_connect (compare, "contender-finished", G_CALLBACK (on_finished_one), &signals);
  g_signal_connect (compare, "finished", G_CALLBACK (on_finished), &signals);

  g_main_context_push_thread_default (context);
  g_assert_true (jg_compare_start (compare, NULL));
  g_assert_cmpint (jg_compare_get_current (compare), ==, -1);
  g_assert_cmpuint (signals.started, ==, 0);
  while (!signals.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  g_assert_false (signals.wrong_thread);
  g_assert_false (signals.progress_went_back);
  g_assert_cmpuint (signals.started, ==, 3);
  g_assert_cmpuint (signals.finished, ==, 3);
  g_assert_cmpfloat (signals.last_progress, ==, 1.0);

  /* One after another: each trace's events began after the previous run ended. */
  for (guint i = 0; ids[i] != NULL; i++)
    {
      JgTrace *trace = jg_run_get_trace (jg_compare_get_contender (compare, i)->run);
      GDateTime *created = jg_trace_get_created (trace);
      guint64 begin = (guint64) g_date_time_to_unix (created) * G_USEC_PER_SEC
                      + g_date_time_get_microsecond (created);

      g_assert_cmpuint (begin, >=, previous_end);
      previous_end = begin + jg_trace_get_duration_ns (trace) / 1000;
    }
}

/* The advisor's recommendation beside the winner: agreeing, not run, and
 * beaten — each said in so many words. */
static void
test_recommendation (void)
{
  static const char * const agreeing_ids[] = { "sequential", "threads", NULL };
  static const char * const absent_ids[] = { "sequential", "asyncio", NULL };
  g_autoptr (JgScenarioPlan) plan = io_plan (6, 40);
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autoptr (JgCompare) agreeing = NULL;
  g_autoptr (JgCompare) absent = NULL;
  g_autoptr (JgCompare) beaten = NULL;
  g_autoptr (GError) error = NULL;
  JgAdvisorFacts facts, cpu = { JG_WORKLOAD_CPU, 6 };
  const JgAdvisorRecommendation *process_pool;

  advisor = jg_advisor_load_default (&error);
  g_assert_no_error (error);

  /* Six short waits: I/O-bound, six tasks, which the tree gives to threads. */
  jg_compare_facts_from_plan (plan, NULL, &facts);
  g_assert_cmpint (facts.workload, ==, JG_WORKLOAD_IO);
  g_assert_cmpuint (facts.n_tasks, ==, 6);
  g_assert_false (facts.shared_state);

  agreeing = jg_compare_new (plan, NULL);
  g_assert_true (jg_compare_recommend (agreeing, advisor, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (jg_compare_get_recommendation (agreeing)->run.model, ==, "threads");
  for (guint i = 0; agreeing_ids[i] != NULL; i++)
    jg_compare_add_contender (agreeing, agreeing_ids[i], 0, NULL);
  g_assert_cmpint (jg_compare_get_recommended (agreeing), ==, 1);
  jg_compare_start (agreeing, NULL);
  jg_compare_wait (agreeing);
  g_assert_true (jg_compare_get_agrees (agreeing));
  g_assert_nonnull (strstr (jg_compare_get_note (agreeing), "won here too"));

  /* The recommended model was not among those compared. */
  absent = jg_compare_new (plan, NULL);
  jg_compare_recommend (absent, advisor, NULL);
  for (guint i = 0; absent_ids[i] != NULL; i++)
    jg_compare_add_contender (absent, absent_ids[i], 0, NULL);
  g_assert_cmpint (jg_compare_get_recommended (absent), ==, -1);
  jg_compare_start (absent, NULL);
  jg_compare_wait (absent);
  g_assert_false (jg_compare_get_agrees (absent));
  g_assert_nonnull (strstr (jg_compare_get_note (absent), "did not run"));

  /* A process pool for this I/O: two worker processes wait for three rounds
   * of 40 ms where six threads wait once, so the advice loses, and the note
   * says so and why. */
  process_pool = jg_advisor_recommend (advisor, &cpu, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (process_pool->run.model, ==, "processes");
  beaten = jg_compare_new (plan, NULL);
  jg_compare_set_recommendation (beaten, advisor, process_pool, &cpu);
  jg_compare_add_contender (beaten, "threads", 0, NULL);
  jg_compare_add_contender (beaten, "processes", 2, NULL);
  jg_compare_start (beaten, NULL);
  jg_compare_wait (beaten);
  g_test_message ("%s", jg_compare_get_note (beaten));
  g_assert_cmpstr (winner_of (beaten)->id, ==, "threads");
  g_assert_false (jg_compare_get_agrees (beaten));
  g_assert_nonnull (strstr (jg_compare_get_note (beaten), "but here threads"));
  g_assert_nonnull (strstr (jg_compare_get_note (beaten), "faster"));
}

/* "Show me" builds the spec's workload: its task count, each task waiting
 * then computing, and shared data under a lock; the facts read back from it
 * lead the advisor to the same place. */
static void
test_show_me_plan (void)
{
  JgAdvisorShowMe spec = { 0 };
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JgScenarioPlan) from_advisor = NULL;
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autoptr (GError) error = NULL;
  JgAdvisorFacts facts, io = { JG_WORKLOAD_IO, 20 };
  const JgAdvisorRecommendation *rec, *again;

  spec.io_ms = 30;
  spec.io_kind = JG_IO_SLEEP;
  spec.cpu_ms = 20;
  spec.releases_gil = TRUE;
  spec.shared_state = TRUE;
  plan = jg_compare_plan_from_show_me (&spec, 7);

  g_assert_cmpuint (plan->n_tasks, ==, 7);
  g_assert_cmpuint (plan->n_locks, ==, 1);
  g_assert_cmpuint (plan->n_variables, ==, 1);
  g_assert_cmpint (plan->variables[0].expected, ==, 7);
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      const JgPlanTask *task = &plan->tasks[i];

      g_assert_cmpuint (task->n_steps, ==, 6);
      g_assert_cmpint (task->steps[0].kind, ==, JG_STEP_IO);
      g_assert_cmpfloat (task->steps[0].ms, ==, 30);
      g_assert_cmpint (task->steps[0].io_kind, ==, JG_IO_SLEEP);
      g_assert_cmpint (task->steps[1].kind, ==, JG_STEP_CPU);
      g_assert_cmpfloat (task->steps[1].ms, ==, 20);
      g_assert_true (task->steps[1].releases_gil);
      g_assert_cmpint (task->steps[2].kind, ==, JG_STEP_LOCK);
      g_assert_cmpint (task->steps[3].kind, ==, JG_STEP_READ);
      g_assert_cmpint (task->steps[4].kind, ==, JG_STEP_WRITE);
      g_assert_cmpint (task->steps[5].kind, ==, JG_STEP_UNLOCK);
    }
  jg_compare_facts_from_plan (plan, NULL, &facts);
  g_assert_cmpint (facts.workload, ==, JG_WORKLOAD_MIXED);
  g_assert_cmpuint (facts.n_tasks, ==, 7);
  g_assert_true (facts.releases_gil);
  g_assert_true (facts.shared_state);

  /* The advisor's own spec for twenty I/O tasks, round trip. */
  advisor = jg_advisor_load_default (&error);
  g_assert_no_error (error);
  rec = jg_advisor_recommend (advisor, &io, &error);
  g_assert_no_error (error);
  from_advisor = jg_compare_plan_from_show_me (&rec->show_me, 20);
  g_assert_cmpuint (from_advisor->n_tasks, ==, 20);
  g_assert_cmpint (from_advisor->tasks[0].steps[0].kind, ==, JG_STEP_IO);
  g_assert_cmpfloat (from_advisor->tasks[0].steps[0].ms, ==, rec->show_me.io_ms);
  jg_compare_facts_from_plan (from_advisor, NULL, &facts);
  g_assert_cmpint (facts.workload, ==, JG_WORKLOAD_IO);
  again = jg_advisor_recommend (advisor, &facts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, rec->id);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = test_init_isolated (&argc, &argv);

  g_test_add_func ("/core/compare/cpu-bound", test_cpu_bound);
  g_test_add_func ("/core/compare/io-bound", test_io_bound);
  g_test_add_func ("/core/compare/skipped", test_skipped);
  g_test_add_func ("/core/compare/stop", test_stop);
  g_test_add_func ("/core/compare/signals", test_signals);
  g_test_add_func ("/core/compare/recommendation", test_recommendation);
  g_test_add_func ("/core/compare/show-me-plan", test_show_me_plan);

  return test_run_isolated (cache);
}
