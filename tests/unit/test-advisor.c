/* test-advisor.c: the decision tree: every path through the shipped tree ends
 * at a sound recommendation, the seeds' decision table gives its documented
 * answers, the wizard's walk steps and goes back, and a broken tree gets an
 * error naming the file, the line and the field. */
#include <glib/gstdio.h>
#include <string.h>

#include "jg-advisor.h"

static const char * const models[] = { "sequential", "threads", "processes", "asyncio", "hybrid", NULL };
static const char * const interpreters[] = { "gil", "free-threaded", "per-interpreter", NULL };

static JgAdvisor *
load_shipped (void)
{
  g_autoptr (GError) error = NULL;
  JgAdvisor *advisor = jg_advisor_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (advisor);
  return advisor;
}

static gboolean
strv_has (const char * const *strv,
          const char         *name)
{
  return name != NULL && g_strv_contains (strv, name);
}

static void
assert_text (const char *text)
{
  g_autofree char *copy = g_strdup (text);

  g_assert_nonnull (text);
  g_assert_cmpstr (g_strstrip (copy), !=, "");
}

static void
assert_run (const JgAdvisorRunSpec *run)
{
  g_assert_true (strv_has (models, run->model));
  g_assert_true (strv_has (interpreters, run->interpreter));
  if (g_str_equal (run->model, "hybrid"))
    g_assert_true (g_strcmp0 (run->executor, "threads") == 0 || g_strcmp0 (run->executor, "processes") == 0);
  else
    g_assert_null (run->executor);
}

/* What the wizard's last page and "Show me" need from a recommendation. */
static void
assert_recommendation (const JgAdvisorRecommendation *rec)
{
  const JgAdvisorShowMe *show_me = &rec->show_me;

  assert_text (rec->id);
  assert_run (&rec->run);
  assert_text (rec->title);
  assert_text (rec->api);
  assert_text (rec->why);
  g_assert_cmpuint (g_strv_length (rec->watch_out), >=, 1);
  for (guint i = 0; rec->watch_out[i] != NULL; i++)
    assert_text (rec->watch_out[i]);
  assert_run (&rec->runner_up);
  assert_text (rec->runner_up_title);
  g_assert_cmpuint (g_strv_length (rec->pitfalls), >=, 1);
  for (guint i = 0; rec->pitfalls[i] != NULL; i++)
    assert_text (rec->pitfalls[i]);

  g_assert_cmpuint (show_me->tasks, >=, 1);
  g_assert_cmpuint (show_me->tasks, <=, show_me->max_tasks);
  g_assert_cmpfloat (show_me->io_ms + show_me->cpu_ms, >, 0);
  g_assert_cmpuint (show_me->n_compare, >=, 2);
  for (guint i = 0; i < show_me->n_compare; i++)
    assert_run (&show_me->compare[i]);
  g_assert_cmpstr (show_me->compare[0].model, ==, rec->run.model);
  g_assert_cmpstr (show_me->compare[0].interpreter, ==, rec->run.interpreter);
  g_assert_cmpstr (show_me->compare[0].executor, ==, rec->run.executor);
}

/* The facts a user who gave the answers of @walk would pass to the CLI. */
static JgAdvisorFacts
facts_of_walk (JgAdvisorWalk *walk)
{
  JgAdvisorFacts facts = { .n_tasks = 1 };
  gboolean *flags[JG_ADVISOR_N_FACTS] = {
    [JG_ADVISOR_FACT_RELEASES_GIL] = &facts.releases_gil,
    [JG_ADVISOR_FACT_SHARED_STATE] = &facts.shared_state,
    [JG_ADVISOR_FACT_ALL_ASYNC] = &facts.all_async,
    [JG_ADVISOR_FACT_BACKGROUND] = &facts.background,
    [JG_ADVISOR_FACT_BATCH] = &facts.batch,
  };
  gboolean asked[JG_ADVISOR_N_FACTS] = { FALSE };

  for (guint i = 0; i < jg_advisor_walk_get_n_steps (walk); i++)
    {
      guint o = 0;
      const JgAdvisorQuestion *q = jg_advisor_walk_get_step (walk, i, &o);
      const JgAdvisorOption *option = &q->options[o];

      /* A path that asked the same thing twice could contradict itself. */
      g_assert_false (asked[q->fact]);
      asked[q->fact] = TRUE;
      if (q->fact == JG_ADVISOR_FACT_WORKLOAD)
        facts.workload = option->workload;
      else if (q->fact == JG_ADVISOR_FACT_TASKS)
        facts.n_tasks = option->min_tasks;
      else
        *flags[q->fact] = option->yes;
    }
  return facts;
}

typedef struct
{
  JgAdvisor  *advisor;
  GHashTable *reached;  /* question and recommendation ids */
  guint       n_paths;
  guint       max_depth;
} Paths;

/* Depth first over every answer of every question, with the walk itself:
 * answer, recurse, go back. */
static void
walk_every_path (Paths         *paths,
                 JgAdvisorWalk *walk)
{
  const JgAdvisorQuestion *question = jg_advisor_walk_get_question (walk);
  guint depth = jg_advisor_walk_get_n_steps (walk);

  /* A path longer than there are questions would have to repeat one. */
  g_assert_cmpuint (depth, <=, jg_advisor_get_n_questions (paths->advisor));

  if (question == NULL)
    {
      const JgAdvisorRecommendation *rec = jg_advisor_walk_get_recommendation (walk);
      JgAdvisorFacts facts = facts_of_walk (walk);
      g_autoptr (GError) error = NULL;
      const JgAdvisorRecommendation *from_facts;
      g_autoptr (GString) trail = g_string_new (NULL);

      g_assert_nonnull (rec);
      assert_recommendation (rec);
      g_assert_true (jg_advisor_find_recommendation (paths->advisor, rec->id) == rec);
      g_hash_table_add (paths->reached, rec->id);
      g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), >=, 1);
      g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), <=, rec->show_me.max_tasks);

      /* juggler-cli recommend gives the same answer as the wizard. */
      from_facts = jg_advisor_recommend (paths->advisor, &facts, &error);
      g_assert_no_error (error);
      g_assert_true (from_facts == rec);

      for (guint i = 0; i < depth; i++)
        {
          guint o = 0;
          const JgAdvisorQuestion *q = jg_advisor_walk_get_step (walk, i, &o);

          g_string_append_printf (trail, "%s=%s → ", q->id, q->options[o].value);
        }
      g_test_message ("%s%s", trail->str, rec->id);
      paths->n_paths++;
      paths->max_depth = MAX (paths->max_depth, depth);
      return;
    }

  g_assert_null (jg_advisor_walk_get_recommendation (walk));
  g_hash_table_add (paths->reached, question->id);
  assert_text (question->text);
  assert_text (question->help);
  g_assert_cmpuint (question->n_options, >=, 2);
  for (guint i = 0; i < question->n_options; i++)
    {
      assert_text (question->options[i].label);
      assert_text (question->options[i].value);
      g_assert_true (jg_advisor_walk_answer (walk, i));
      g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, depth + 1);
      walk_every_path (paths, walk);
      g_assert_true (jg_advisor_walk_back (walk));
      g_assert_true (jg_advisor_walk_get_question (walk) == question);
      g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, depth);
    }
}

static void
test_every_path (void)
{
  g_autoptr (JgAdvisor) advisor = load_shipped ();
  g_autoptr (JgAdvisorWalk) walk = jg_advisor_walk_new (advisor);
  g_autoptr (GHashTable) reached = g_hash_table_new (g_str_hash, g_str_equal);
  Paths paths = { advisor, reached, 0, 0 };

  g_assert_cmpstr (jg_advisor_get_root_question (advisor)->id, ==, "workload");
  walk_every_path (&paths, walk);
  g_assert_false (jg_advisor_walk_back (walk));
  g_test_message ("%u paths, at most %u questions deep", paths.n_paths, paths.max_depth);

  /* Every node is on some path. */
  for (guint i = 0; i < jg_advisor_get_n_questions (advisor); i++)
    g_assert_true (g_hash_table_contains (reached, jg_advisor_get_question (advisor, i)->id));
  for (guint i = 0; i < jg_advisor_get_n_recommendations (advisor); i++)
    g_assert_true (g_hash_table_contains (reached, jg_advisor_get_recommendation (advisor, i)->id));
  g_assert_cmpuint (g_hash_table_size (reached), ==,
                    jg_advisor_get_n_questions (advisor) + jg_advisor_get_n_recommendations (advisor));
  g_assert_cmpuint (paths.n_paths, >=, jg_advisor_get_n_recommendations (advisor));
}

/* The shipped tree asks about everything the issue lists and recommends every
 * kind of answer it lists. */
static void
test_coverage (void)
{
  static const char * const wanted[] = {
    "asyncio", "thread-pool", "process-pool", "multiprocessing-pool", "asyncio-process-pool",
    "daemon-thread", "free-threaded", "threads-release-gil",
  };
  g_autoptr (JgAdvisor) advisor = load_shipped ();
  gboolean asked[JG_ADVISOR_N_FACTS] = { FALSE };
  const JgAdvisorQuestion *workload;

  for (guint i = 0; i < jg_advisor_get_n_questions (advisor); i++)
    asked[jg_advisor_get_question (advisor, i)->fact] = TRUE;
  for (guint f = 0; f < JG_ADVISOR_N_FACTS; f++)
    if (!asked[f])
      g_error ("no question asks about %s", jg_advisor_fact_name (f));
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    g_assert_nonnull (jg_advisor_find_recommendation (advisor, wanted[i]));

  /* Help for telling I/O-bound from CPU-bound. */
  workload = jg_advisor_find_question (advisor, "workload");
  g_assert_nonnull (strstr (workload->help, "CPU sit idle"));
  g_assert_cmpuint (workload->n_options, ==, 3);
}

typedef struct
{
  const char *what;
  JgAdvisorFacts facts;
  const char *recommendation;
  const char *model;
  const char *executor;
  const char *interpreter;
} Row;

/* The seeds' "which model for which job" table. */
static const Row table[] = {
  { "I/O-bound, dozens of tasks: a thread pool",
    { JG_WORKLOAD_IO, 20 }, "thread-pool", "threads", NULL, "gil" },
  { "I/O-bound, fifty tasks that share a counter: threads with a lock",
    { JG_WORKLOAD_IO, 50, .shared_state = TRUE }, "threads-with-lock", "threads", NULL, "gil" },
  { "I/O-bound, hundreds of tasks, async all the way: asyncio",
    { JG_WORKLOAD_IO, 300, .all_async = TRUE }, "asyncio", "asyncio", NULL, "gil" },
  { "I/O-bound, hundreds of tasks, blocking libraries: threads",
    { JG_WORKLOAD_IO, 300 }, "thread-pool", "threads", NULL, "gil" },
  { "I/O-bound, thousands of tasks: asyncio",
    { JG_WORKLOAD_IO, 5000 }, "asyncio", "asyncio", NULL, "gil" },
  { "I/O-bound, exactly a thousand tasks: asyncio",
    { JG_WORKLOAD_IO, 1000, .all_async = TRUE }, "asyncio", "asyncio", NULL, "gil" },
  { "CPU-bound: a process pool",
    { JG_WORKLOAD_CPU, 8 }, "process-pool", "processes", NULL, "gil" },
  { "CPU-bound, any number of tasks: still processes",
    { JG_WORKLOAD_CPU, 10000 }, "process-pool", "processes", NULL, "gil" },
  { "CPU-bound batch data processing: multiprocessing.Pool",
    { JG_WORKLOAD_CPU, 100, .batch = TRUE }, "multiprocessing-pool", "processes", NULL, "gil" },
  { "CPU-bound in C code that releases the GIL: threads",
    { JG_WORKLOAD_CPU, 8, .releases_gil = TRUE }, "threads-release-gil", "threads", NULL, "gil" },
  { "CPU-bound, updating shared data: free-threaded Python",
    { JG_WORKLOAD_CPU, 8, .shared_state = TRUE }, "free-threaded", "threads", NULL, "free-threaded" },
  { "Mixed, separate I/O and CPU phases: asyncio with a process pool",
    { JG_WORKLOAD_MIXED, 16 }, "asyncio-process-pool", "hybrid", "processes", "gil" },
  { "Mixed, the CPU phase releases the GIL: asyncio with threads",
    { JG_WORKLOAD_MIXED, 16, .releases_gil = TRUE }, "asyncio-thread-pool", "hybrid", "threads", "gil" },
  { "Fire-and-forget background work: a daemon thread",
    { JG_WORKLOAD_IO, 2, .background = TRUE }, "daemon-thread", "threads", NULL, "gil" },
  { "A steady stream of background jobs: a long-lived thread pool",
    { JG_WORKLOAD_IO, 200, .background = TRUE }, "background-pool", "threads", NULL, "gil" },
};

static void
test_seed_table (void)
{
  g_autoptr (JgAdvisor) advisor = load_shipped ();

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      const Row *row = &table[i];
      g_autoptr (GError) error = NULL;
      const JgAdvisorRecommendation *rec = jg_advisor_recommend (advisor, &row->facts, &error);

      g_test_message ("%s", row->what);
      g_assert_no_error (error);
      g_assert_nonnull (rec);
      g_assert_cmpstr (rec->id, ==, row->recommendation);
      g_assert_cmpstr (rec->run.model, ==, row->model);
      g_assert_cmpstr (rec->run.executor, ==, row->executor);
      g_assert_cmpstr (rec->run.interpreter, ==, row->interpreter);
    }

  /* What the seeds name, the user sees. */
  g_assert_nonnull (strstr (jg_advisor_find_recommendation (advisor, "daemon-thread")->api, "daemon=True"));
  g_assert_nonnull (strstr (jg_advisor_find_recommendation (advisor, "multiprocessing-pool")->title,
                            "multiprocessing.Pool"));
  g_assert_nonnull (strstr (jg_advisor_find_recommendation (advisor, "process-pool")->title,
                            "ProcessPoolExecutor"));
  g_assert_nonnull (strstr (jg_advisor_find_recommendation (advisor, "thread-pool")->title,
                            "ThreadPoolExecutor"));
}

/* The runner-up's pitfalls name the classic mistakes. */
static void
test_pitfalls (void)
{
  static const struct
  {
    const char *recommendation;
    const char *words; /* in the runner-up's pitfalls or the recommendation's own */
  } expected[] = {
    { "asyncio", "switching" },
    { "asyncio", "freezes the whole loop" },
    { "thread-pool", "blocking call" },
    { "process-pool", "GIL" },
    { "process-pool", "pickled" },
    { "process-pool", "spawn" },
    { "threads-release-gil", "pickled" },
    { "free-threaded", "pickled" },
    { "threads-with-lock", "lost" },
    { "asyncio-process-pool", "GIL" },
  };
  g_autoptr (JgAdvisor) advisor = load_shipped ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const JgAdvisorRecommendation *rec = jg_advisor_find_recommendation (advisor, expected[i].recommendation);
      g_autofree char *pitfalls = g_strjoinv (" ", rec->pitfalls);
      g_autofree char *watch_out = g_strjoinv (" ", rec->watch_out);

      if (strstr (pitfalls, expected[i].words) == NULL && strstr (watch_out, expected[i].words) == NULL)
        g_error ("“%s” does not mention “%s”", rec->id, expected[i].words);
    }
}

static void
test_walk (void)
{
  g_autoptr (JgAdvisor) advisor = load_shipped ();
  g_autoptr (JgAdvisorWalk) walk = jg_advisor_walk_new (advisor);
  const JgAdvisorQuestion *q;
  guint option = 99;

  g_assert_true (jg_advisor_walk_get_advisor (walk) == advisor);
  q = jg_advisor_walk_get_question (walk);
  g_assert_cmpstr (q->id, ==, "workload");
  g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), ==, 0);
  g_assert_false (jg_advisor_walk_back (walk));
  g_assert_false (jg_advisor_walk_answer (walk, q->n_options));

  /* I/O-bound, not in the background, hundreds, async all the way. */
  g_assert_true (jg_advisor_walk_answer (walk, 0));
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "io-background");
  g_assert_true (jg_advisor_walk_answer (walk, 1));
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "io-volume");
  g_assert_true (jg_advisor_walk_answer (walk, 1));
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "io-async");
  g_assert_true (jg_advisor_walk_answer (walk, 0));
  g_assert_null (jg_advisor_walk_get_question (walk));
  g_assert_cmpstr (jg_advisor_walk_get_recommendation (walk)->id, ==, "asyncio");
  g_assert_false (jg_advisor_walk_answer (walk, 0));
  g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, 4);
  g_assert_cmpstr (jg_advisor_walk_get_step (walk, 2, &option)->id, ==, "io-volume");
  g_assert_cmpuint (option, ==, 1);
  /* The range picked says how many tasks "Show me" runs. */
  g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), ==,
                    jg_advisor_find_question (advisor, "io-volume")->options[1].typical_tasks);

  /* Back, then the other answer. */
  g_assert_true (jg_advisor_walk_back (walk));
  g_assert_null (jg_advisor_walk_get_recommendation (walk));
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "io-async");
  g_assert_true (jg_advisor_walk_answer (walk, 1));
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "io-shared");
  g_assert_true (jg_advisor_walk_answer (walk, 1));
  g_assert_cmpstr (jg_advisor_walk_get_recommendation (walk)->id, ==, "thread-pool");

  /* All the way back to the root. */
  while (jg_advisor_walk_back (walk))
    ;
  g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, 0);
  g_assert_cmpstr (jg_advisor_walk_get_question (walk)->id, ==, "workload");

  /* CPU-bound asks no count: "Show me" uses the recommendation's own. */
  g_assert_true (jg_advisor_walk_answer (walk, 1));
  while (jg_advisor_walk_get_question (walk) != NULL)
    g_assert_true (jg_advisor_walk_answer (walk, jg_advisor_walk_get_question (walk)->n_options - 1));
  g_assert_cmpstr (jg_advisor_walk_get_recommendation (walk)->id, ==, "process-pool");
  g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), ==,
                    jg_advisor_walk_get_recommendation (walk)->show_me.tasks);
}

static void
test_facts (void)
{
  g_autoptr (JgAdvisor) advisor = load_shipped ();
  JgAdvisorFacts facts = { JG_WORKLOAD_IO, 0 };
  JgAdvisorFacts huge = { JG_WORKLOAD_IO, 50000, .all_async = TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (JgAdvisorWalk) walk = NULL;

  /* No task range has room for zero tasks. */
  g_assert_null (jg_advisor_recommend (advisor, &facts, &error));
  g_assert_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_FACTS);
  g_assert_nonnull (strstr (error->message, "io-volume"));
  g_clear_error (&error);

  /* A count from the facts is used, but a demonstration stays small. */
  walk = jg_advisor_walk_facts (advisor, &huge, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jg_advisor_walk_get_recommendation (walk)->id, ==, "asyncio");
  g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), ==,
                    jg_advisor_walk_get_recommendation (walk)->show_me.max_tasks);
  g_clear_pointer (&walk, jg_advisor_walk_free);

  huge.n_tasks = 150;
  walk = jg_advisor_walk_facts (advisor, &huge, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jg_advisor_walk_get_show_me_tasks (walk), ==, 150);

  g_assert_cmpstr (jg_workload_name (JG_WORKLOAD_MIXED), ==, "mixed");
  g_assert_true (jg_workload_from_name ("cpu", &facts.workload));
  g_assert_cmpint (facts.workload, ==, JG_WORKLOAD_CPU);
  g_assert_false (jg_workload_from_name ("gpu", NULL));
  g_assert_cmpstr (jg_advisor_fact_name (JG_ADVISOR_FACT_ALL_ASYNC), ==, "all_async");
}

/* Bad trees */

#define REC(id, model, runner_up, other) \
  "    { \"id\": \"" id "\", \"model\": \"" model "\", \"title\": \"T\", \"api\": \"A\", \"why\": \"W\", " \
  "\"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"" runner_up "\", \"title\": \"R\", " \
  "\"pitfalls\": [\"P\"] }, \"show_me\": { \"tasks\": 10, \"max_tasks\": 100, \"io_ms\": 100, " \
  "\"cpu_ms\": 1, \"compare\": [ { \"model\": \"" model "\" }, { \"model\": \"" other "\" } ] } }"

/* A small good tree; lines[i] is line i + 1 of the file. */
static const char * const good[] = {
  /*  1 */ "{",
  /*  2 */ "  \"version\": 1,",
  /*  3 */ "  \"root\": \"kind\",",
  /*  4 */ "  \"questions\": [",
  /*  5 */ "    {",
  /*  6 */ "      \"id\": \"kind\",",
  /*  7 */ "      \"fact\": \"workload\",",
  /*  8 */ "      \"text\": \"What does it do?\",",
  /*  9 */ "      \"help\": \"Watch the CPU.\",",
  /* 10 */ "      \"options\": [",
  /* 11 */ "        { \"value\": \"io\", \"label\": \"Waits\", \"next\": \"many\" },",
  /* 12 */ "        { \"value\": \"cpu\", \"label\": \"Computes\", \"next\": \"procs\" },",
  /* 13 */ "        { \"value\": \"mixed\", \"label\": \"Both\", \"next\": \"procs\" }",
  /* 14 */ "      ]",
  /* 15 */ "    },",
  /* 16 */ "    {",
  /* 17 */ "      \"id\": \"many\",",
  /* 18 */ "      \"fact\": \"tasks\",",
  /* 19 */ "      \"text\": \"How many?\",",
  /* 20 */ "      \"help\": \"Count them.\",",
  /* 21 */ "      \"options\": [",
  /* 22 */ "        { \"min\": 1, \"max\": 99, \"typical\": 10, \"label\": \"Dozens\", \"next\": \"shared\" },",
  /* 23 */ "        { \"min\": 100, \"typical\": 500, \"label\": \"More\", \"next\": \"loop\" }",
  /* 24 */ "      ]",
  /* 25 */ "    },",
  /* 26 */ "    {",
  /* 27 */ "      \"id\": \"shared\",",
  /* 28 */ "      \"fact\": \"shared_state\",",
  /* 29 */ "      \"text\": \"Shared?\",",
  /* 30 */ "      \"help\": \"Counters, caches.\",",
  /* 31 */ "      \"options\": [",
  /* 32 */ "        { \"value\": true, \"label\": \"Yes\", \"next\": \"pool\" },",
  /* 33 */ "        { \"value\": false, \"label\": \"No\", \"next\": \"pool\" }",
  /* 34 */ "      ]",
  /* 35 */ "    }",
  /* 36 */ "  ],",
  /* 37 */ "  \"recommendations\": [",
  /* 38 */ REC ("pool", "threads", "asyncio", "asyncio") ",",
  /* 39 */ REC ("loop", "asyncio", "threads", "threads") ",",
  /* 40 */ REC ("procs", "processes", "threads", "threads"),
  /* 41 */ "  ]",
  /* 42 */ "}",
  NULL
};

/* The good tree with line @line (from 1) replaced by @text; NULL ends the pairs. */
static char *
tree_with (guint       line,
           const char *text,
           ...)
{
  g_autofree const char **lines = g_memdup2 (good, sizeof good);
  va_list ap;

  va_start (ap, text);
  while (line > 0)
    {
      g_assert_cmpuint (line, <=, G_N_ELEMENTS (good) - 1);
      lines[line - 1] = text;
      line = va_arg (ap, guint);
      if (line > 0)
        text = va_arg (ap, const char *);
    }
  va_end (ap);
  return g_strjoinv ("\n", (char **) lines);
}

static void
assert_bad (char       *text,
            gint        code,
            const char *prefix,
            const char *words)
{
  g_autofree char *owned = text;
  g_autoptr (GError) error = NULL;
  g_autoptr (JgAdvisor) advisor = jg_advisor_load_data (owned, -1, "tree.json", &error);

  g_assert_null (advisor);
  g_assert_error (error, JG_ADVISOR_ERROR, code);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, words) == NULL)
    g_error ("expected “%s…%s”, got “%s”", prefix, words, error->message);
}

static void
test_good_tree (void)
{
  g_autofree char *text = g_strjoinv ("\n", (char **) good);
  g_autoptr (GError) error = NULL;
  g_autoptr (JgAdvisor) advisor = jg_advisor_load_data (text, -1, "tree.json", &error);
  JgAdvisorFacts facts = { JG_WORKLOAD_IO, 500 };

  g_assert_no_error (error);
  g_assert_cmpuint (jg_advisor_get_n_questions (advisor), ==, 3);
  g_assert_cmpuint (jg_advisor_get_n_recommendations (advisor), ==, 3);
  g_assert_cmpstr (jg_advisor_recommend (advisor, &facts, &error)->id, ==, "loop");
  facts.n_tasks = 99;
  g_assert_cmpstr (jg_advisor_recommend (advisor, &facts, &error)->id, ==, "pool");
  g_assert_cmpstr (jg_advisor_find_question (advisor, "many")->options[1].value, ==, "100+");
  g_assert_cmpstr (jg_advisor_find_question (advisor, "many")->options[0].value, ==, "1-99");
  g_assert_cmpuint (jg_advisor_find_question (advisor, "many")->options[1].max_tasks, ==, G_MAXUINT);
  g_assert_cmpstr (jg_advisor_find_recommendation (advisor, "pool")->run.interpreter, ==, "gil");
  g_assert_cmpint (jg_advisor_find_recommendation (advisor, "pool")->show_me.io_kind, ==, JG_IO_SOCKET);
  g_assert_null (jg_advisor_find_question (advisor, "pool"));
  g_assert_null (jg_advisor_find_recommendation (advisor, "kind"));
}

static void
test_bad_graph (void)
{
  /* An edge to a node that does not exist. */
  assert_bad (tree_with (23, "{ \"min\": 100, \"typical\": 500, \"label\": \"More\", \"next\": \"nowhere\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:23: questions[1].options[1].next: ",
              "no question or recommendation is called “nowhere”");
  /* A cycle: shared → many → shared. */
  assert_bad (tree_with (33, "{ \"value\": false, \"label\": \"No\", \"next\": \"many\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:33: questions[2].options[1].next: ",
              "a cycle (many → shared → many)");
  /* A question that leads to itself. */
  assert_bad (tree_with (32, "{ \"value\": true, \"label\": \"Yes\", \"next\": \"shared\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:32: questions[2].options[0].next: ",
              "a cycle (shared → shared)");
  /* A cycle back to the root. */
  assert_bad (tree_with (12, "{ \"value\": \"cpu\", \"label\": \"Computes\", \"next\": \"kind\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:12: questions[0].options[1].next: ", "cycle");
  /* An unreachable question. */
  assert_bad (tree_with (22, "{ \"min\": 1, \"max\": 99, \"typical\": 10, \"label\": \"D\", \"next\": \"pool\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:27: questions[2].id: ",
              "“shared” cannot be reached");
  /* An unreachable recommendation. */
  assert_bad (tree_with (23, "{ \"min\": 100, \"typical\": 500, \"label\": \"More\", \"next\": \"pool\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:39: recommendations[1].id: ",
              "“loop” cannot be reached");
  /* A cycle nothing reaches is still called a cycle. */
  assert_bad (tree_with (22, "{ \"min\": 1, \"max\": 99, \"typical\": 10, \"label\": \"D\", \"next\": \"pool\" },",
                         33, "{ \"value\": false, \"label\": \"No\", \"next\": \"shared\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:33: questions[2].options[1].next: ", "cycle");
  /* The root must be a question that exists. */
  assert_bad (tree_with (3, "  \"root\": \"pool\",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:3: root: ", "“pool” is a recommendation");
  assert_bad (tree_with (3, "  \"root\": \"start\",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:3: root: ", "no question is called “start”");
  /* Two nodes with one id. */
  assert_bad (tree_with (27, "      \"id\": \"many\",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:27: questions[2].id: ", "“many” is used twice");
  assert_bad (tree_with (40, REC ("kind", "processes", "threads", "threads"), 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:40: recommendations[2].id: ", "“kind” is used twice");
}

static void
test_bad_fields (void)
{
  /* Not JSON. */
  assert_bad (tree_with (8, "      \"text\" \"What does it do?\",", 0),
              JG_ADVISOR_ERROR_PARSE, "tree.json:8:", "");
  assert_bad (g_strdup ("[]"), JG_ADVISOR_ERROR_INVALID, "tree.json:1: ", "not an array");
  assert_bad (g_strdup (""), JG_ADVISOR_ERROR_INVALID, "tree.json:1: ", "empty");
  /* Wrong types. */
  assert_bad (tree_with (19, "      \"text\": 5,", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:19: questions[1].text: ", "expected a string, not a number");
  assert_bad (tree_with (32, "{ \"value\": \"yes\", \"label\": \"Yes\", \"next\": \"pool\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:32: questions[2].options[0].value: ",
              "expected true or false, not a string");
  assert_bad (tree_with (10, "      \"options\": {}, \"_x\": [", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:10: questions[0].options: ", "expected an array, not an object");
  assert_bad (tree_with (22, "{ \"min\": 1.5, \"max\": 99, \"typical\": 10, \"label\": \"D\", \"next\": \"shared\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:22: questions[1].options[0].min: ", "expected a whole number");
  assert_bad (tree_with (2, "  \"version\": 2,", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:2: version: ", "version 2 is not known");
  /* Missing, empty and unknown fields. */
  assert_bad (tree_with (9, "", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:5: questions[0].help: ", "required field is missing");
  assert_bad (tree_with (8, "      \"text\": \"   \",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:8: questions[0].text: ", "must not be empty");
  assert_bad (tree_with (9, "      \"hint\": \"Watch the CPU.\",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:9: questions[0].hint: ", "unknown field");
  assert_bad (tree_with (18, "      \"fact\": \"speed\",", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:18: questions[1].fact: ", "“speed” is not one of");
  /* Every fact needs exactly one answer. */
  assert_bad (tree_with (13, "{ \"value\": \"cpu\", \"label\": \"Both\", \"next\": \"procs\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:13: questions[0].options[2]: ", "answers “cpu” like options[1]");
  assert_bad (tree_with (12, "{ \"value\": \"gpu\", \"label\": \"Computes\", \"next\": \"procs\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:12: questions[0].options[1].value: ", "“gpu” is not one of");
  assert_bad (tree_with (23, "{ \"min\": 101, \"typical\": 500, \"label\": \"More\", \"next\": \"loop\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:23: questions[1].options[1]: ", "should start at 100");
  assert_bad (tree_with (23, "{ \"min\": 100, \"max\": 999, \"typical\": 500, \"label\": \"More\", \"next\": \"loop\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:23: questions[1].options[1]: ", "open-ended");
  assert_bad (tree_with (22, "{ \"min\": 1, \"max\": 99, \"typical\": 100, \"label\": \"D\", \"next\": \"shared\" },", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:22: questions[1].options[0].typical: ", "out of range");
  assert_bad (tree_with (33, "{ \"value\": true, \"label\": \"No\", \"next\": \"pool\" }", 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:33: questions[2].options[1]: ", "answers “yes” like options[0]");
  /* Recommendations. */
  assert_bad (tree_with (40, REC ("procs", "hybrid", "threads", "threads"), 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:40: recommendations[2].executor: ", "required field is missing");
  assert_bad (tree_with (40, REC ("procs", "greenlets", "threads", "threads"), 0),
              JG_ADVISOR_ERROR_INVALID, "tree.json:40: recommendations[2].model: ", "“greenlets” is not one of");
}

static void
test_bad_show_me (void)
{
  const char *mismatch =
    "    { \"id\": \"procs\", \"model\": \"processes\", \"title\": \"T\", \"api\": \"A\", \"why\": \"W\", "
    "\"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"threads\", \"title\": \"R\", \"pitfalls\": [\"P\"] }, "
    "\"show_me\": { \"tasks\": 10, \"max_tasks\": 100, \"io_ms\": 100, \"cpu_ms\": 1, "
    "\"compare\": [ { \"model\": \"threads\" }, { \"model\": \"processes\" } ] } }";
  const char *no_pitfalls =
    "    { \"id\": \"procs\", \"model\": \"processes\", \"title\": \"T\", \"api\": \"A\", \"why\": \"W\", "
    "\"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"threads\", \"title\": \"R\", \"pitfalls\": [] }, "
    "\"show_me\": { \"tasks\": 10, \"max_tasks\": 100, \"io_ms\": 100, \"cpu_ms\": 1, "
    "\"compare\": [ { \"model\": \"processes\" }, { \"model\": \"threads\" } ] } }";
  const char *no_work =
    "    { \"id\": \"procs\", \"model\": \"processes\", \"title\": \"T\", \"api\": \"A\", \"why\": \"W\", "
    "\"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"threads\", \"title\": \"R\", \"pitfalls\": [\"P\"] }, "
    "\"show_me\": { \"tasks\": 10, \"max_tasks\": 100, \"io_ms\": 0, \"cpu_ms\": 0, "
    "\"compare\": [ { \"model\": \"processes\" }, { \"model\": \"threads\" } ] } }";
  const char *executor =
    "    { \"id\": \"procs\", \"model\": \"processes\", \"executor\": \"threads\", \"title\": \"T\", "
    "\"api\": \"A\", \"why\": \"W\", \"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"threads\", "
    "\"title\": \"R\", \"pitfalls\": [\"P\"] }, \"show_me\": { \"tasks\": 10, \"max_tasks\": 100, "
    "\"io_ms\": 100, \"cpu_ms\": 1, \"compare\": [ { \"model\": \"processes\" }, { \"model\": \"threads\" } ] } }";
  const char *big_show =
    "    { \"id\": \"procs\", \"model\": \"processes\", \"title\": \"T\", \"api\": \"A\", \"why\": \"W\", "
    "\"watch_out\": [\"X\"], \"runner_up\": { \"model\": \"threads\", \"title\": \"R\", \"pitfalls\": [\"P\"] }, "
    "\"show_me\": { \"tasks\": 200, \"max_tasks\": 100, \"io_ms\": 100, \"cpu_ms\": 1, "
    "\"compare\": [ { \"model\": \"processes\" }, { \"model\": \"threads\" } ] } }";

  assert_bad (tree_with (40, mismatch, 0), JG_ADVISOR_ERROR_INVALID,
              "tree.json:40: recommendations[2].show_me.compare[0]: ", "must be the recommended one");
  assert_bad (tree_with (40, no_pitfalls, 0), JG_ADVISOR_ERROR_INVALID,
              "tree.json:40: recommendations[2].runner_up.pitfalls: ", "at least 1");
  assert_bad (tree_with (40, no_work, 0), JG_ADVISOR_ERROR_INVALID,
              "tree.json:40: recommendations[2].show_me.cpu_ms: ", "wait or compute");
  assert_bad (tree_with (40, executor, 0), JG_ADVISOR_ERROR_INVALID,
              "tree.json:40: recommendations[2].executor: ", "only a \"hybrid\" model");
  assert_bad (tree_with (40, big_show, 0), JG_ADVISOR_ERROR_INVALID,
              "tree.json:40: recommendations[2].show_me.max_tasks: ", "out of range");
}

static void
test_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("juggler-advisor-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "decision-tree.json", NULL);
  g_autofree char *text = tree_with (23, "{ \"min\": 100, \"typical\": 500, \"label\": \"More\", \"next\": \"gone\" }", 0);
  g_autofree char *old_dir = g_strdup (g_getenv ("JUGGLER_ADVISOR_DIR"));
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s:23: questions[1].options[1].next: ", path);

  g_assert_nonnull (dir);

  /* A missing file says what is missing. */
  g_setenv ("JUGGLER_ADVISOR_DIR", dir, TRUE);
  advisor = jg_advisor_load_default (&error);
  g_assert_null (advisor);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "decision tree is missing"));
  g_clear_error (&error);

  /* A bad file names itself. */
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  advisor = jg_advisor_load (file, &error);
  g_assert_null (advisor);
  g_assert_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);

  /* The shipped file, copied, loads from wherever it is. */
  if (old_dir != NULL)
    {
      g_autofree char *shipped = g_build_filename (old_dir, "decision-tree.json", NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (shipped, &contents, NULL, NULL));
      g_assert_true (g_file_set_contents (path, contents, -1, NULL));
      advisor = jg_advisor_load_default (&error);
      g_assert_no_error (error);
      g_assert_nonnull (jg_advisor_find_recommendation (advisor, "asyncio"));
      g_setenv ("JUGGLER_ADVISOR_DIR", old_dir, TRUE);
    }

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/advisor/every-path", test_every_path);
  g_test_add_func ("/core/advisor/coverage", test_coverage);
  g_test_add_func ("/core/advisor/seed-table", test_seed_table);
  g_test_add_func ("/core/advisor/pitfalls", test_pitfalls);
  g_test_add_func ("/core/advisor/walk", test_walk);
  g_test_add_func ("/core/advisor/facts", test_facts);
  g_test_add_func ("/core/advisor/good-tree", test_good_tree);
  g_test_add_func ("/core/advisor/errors/graph", test_bad_graph);
  g_test_add_func ("/core/advisor/errors/fields", test_bad_fields);
  g_test_add_func ("/core/advisor/errors/show-me", test_bad_show_me);
  g_test_add_func ("/core/advisor/errors/files", test_files);

  return g_test_run ();
}
