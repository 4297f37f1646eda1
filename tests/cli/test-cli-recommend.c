/* test-cli-recommend.c: `juggler-cli recommend` as a developer runs it: the
 * real binary gives the seeds' decision table, the same answers as the
 * wizard's tree for every combination of flags, and clear errors. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-advisor.h"

/* Runs `juggler-cli recommend ARGS…`; a non-NULL @advisor_dir replaces
 * JUGGLER_ADVISOR_DIR for that run. */
static JgCliResult
run_recommend_argv (const char         *advisor_dir,
                    const char * const *argv)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  /* The C locale: the texts compared below are the English originals. */
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher_c_locale ();

  g_ptr_array_add (args, (char *) "recommend");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  if (advisor_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "JUGGLER_ADVISOR_DIR", advisor_dir, TRUE);
  return jg_cli_test_runv (launcher, (const char * const *) args->pdata);
}

static JgCliResult
run_recommend (const char *first,
               ...)
{
  g_autoptr (GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, first);
  args = jg_cli_test_argv_valist (NULL, first, ap);
  va_end (ap);
  return run_recommend_argv (NULL, (const char * const *) args->pdata);
}

/* The flags, with --json added, must give one well-formed answer. */
static JsonObject *
recommend_json (const char * const *flags)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  JgCliResult r;
  JsonObject *answer;

  for (guint i = 0; flags[i] != NULL; i++)
    g_ptr_array_add (args, (char *) flags[i]);
  g_ptr_array_add (args, (char *) "--json");
  g_ptr_array_add (args, NULL);
  r = run_recommend_argv (NULL, (const char * const *) args->pdata);
  if (r.status != 0)
    g_error ("recommend failed (%d): %s", r.status, r.err);
  g_assert_cmpstr (r.err, ==, "");
  answer = jg_cli_test_parse_object (r.out);
  jg_cli_result_clear (&r);
  return answer;
}

static void
assert_answer_shape (JsonObject *answer)
{
  static const char * const strings[] = { "model", "interpreter", "recommendation", "title", "api", "why", NULL };
  JsonObject *runner_up, *show_me;
  JsonArray *pitfalls, *path, *compare;

  for (guint i = 0; strings[i] != NULL; i++)
    {
      g_assert_true (json_object_has_member (answer, strings[i]));
      g_assert_cmpstr (json_object_get_string_member (answer, strings[i]), !=, "");
    }
  g_assert_true (json_object_has_member (answer, "executor"));

  runner_up = json_object_get_object_member (answer, "runner_up");
  g_assert_nonnull (runner_up);
  g_assert_cmpstr (json_object_get_string_member (runner_up, "title"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (runner_up, "model"), !=, "");

  pitfalls = json_object_get_array_member (answer, "pitfalls");
  g_assert_cmpuint (json_array_get_length (pitfalls), >=, 1);
  for (guint i = 0; i < json_array_get_length (pitfalls); i++)
    g_assert_cmpstr (json_array_get_string_element (pitfalls, i), !=, "");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "watch_out")), >=, 1);

  path = json_object_get_array_member (answer, "path");
  g_assert_cmpuint (json_array_get_length (path), >=, 2);
  for (guint i = 0; i < json_array_get_length (path); i++)
    {
      JsonObject *step = json_array_get_object_element (path, i);

      g_assert_cmpstr (json_object_get_string_member (step, "question"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (step, "answer"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (step, "question_text"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (step, "answer_text"), !=, "");
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (path, 0), "question"),
                   ==, "workload");

  show_me = json_object_get_object_member (answer, "show_me");
  g_assert_cmpint (json_object_get_int_member (show_me, "tasks"), >=, 1);
  g_assert_cmpfloat (json_object_get_double_member (show_me, "io_ms")
                     + json_object_get_double_member (show_me, "cpu_ms"), >, 0);
  compare = json_object_get_array_member (show_me, "compare");
  g_assert_cmpuint (json_array_get_length (compare), >=, 2);
  /* The recommended model runs first, beside its alternatives. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (compare, 0), "model"), ==,
                   json_object_get_string_member (answer, "model"));
}

typedef struct
{
  const char *flags[6];
  const char *recommendation;
  const char *model;
  const char *executor;   /* hybrid only */
  const char *in_title;   /* what the seeds call it */
} Row;

static const Row table[] = {
  { { "--io-bound", "--tasks", "30" }, "thread-pool", "threads", NULL, "ThreadPoolExecutor" },
  { { "--io-bound", "--tasks", "300", "--all-async" }, "asyncio", "asyncio", NULL, "asyncio" },
  { { "--io-bound", "--tasks", "300" }, "thread-pool", "threads", NULL, "ThreadPoolExecutor" },
  { { "--io-bound", "--tasks", "5000" }, "asyncio", "asyncio", NULL, "asyncio" },
  { { "--cpu-bound", "--tasks", "8" }, "process-pool", "processes", NULL, "ProcessPoolExecutor" },
  { { "--cpu-bound", "--tasks", "100000" }, "process-pool", "processes", NULL, "ProcessPoolExecutor" },
  { { "--mixed", "--tasks", "16" }, "asyncio-process-pool", "hybrid", "processes", "process pool" },
  { { "--io-bound", "--tasks", "2", "--background" }, "daemon-thread", "threads", NULL, "daemon thread" },
  { { "--cpu-bound", "--tasks", "64", "--batch" }, "multiprocessing-pool", "processes", NULL,
    "multiprocessing.Pool" },
  { { "--cpu-bound", "--tasks", "8", "--releases-gil" }, "threads-release-gil", "threads", NULL,
    "ThreadPoolExecutor" },
  { { "--cpu-bound", "--tasks", "8", "--shared-state" }, "free-threaded", "threads", NULL, "free-threaded" },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      const Row *row = &table[i];
      g_autoptr (JsonObject) answer = recommend_json (row->flags);
      g_autofree char *flags = g_strjoinv (" ", (char **) row->flags);

      g_test_message ("recommend %s → %s", flags, json_object_get_string_member (answer, "recommendation"));
      assert_answer_shape (answer);
      g_assert_cmpstr (json_object_get_string_member (answer, "recommendation"), ==, row->recommendation);
      g_assert_cmpstr (json_object_get_string_member (answer, "model"), ==, row->model);
      g_assert_cmpstr (json_object_get_string_member (answer, "executor"), ==, row->executor);
      g_assert_nonnull (strstr (json_object_get_string_member (answer, "title"), row->in_title));
    }
}

static void
test_path (void)
{
  static const char * const flags[] = { "--io-bound", "--tasks", "300", "--all-async", NULL };
  static const char * const expected[][2] = {
    { "workload", "io" }, { "io-background", "no" }, { "io-volume", "100-999" }, { "io-async", "yes" },
  };
  g_autoptr (JsonObject) answer = recommend_json (flags);
  JsonArray *path = json_object_get_array_member (answer, "path");
  JsonObject *show_me = json_object_get_object_member (answer, "show_me");

  g_assert_cmpuint (json_array_get_length (path), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *step = json_array_get_object_element (path, i);

      g_assert_cmpstr (json_object_get_string_member (step, "question"), ==, expected[i][0]);
      g_assert_cmpstr (json_object_get_string_member (step, "answer"), ==, expected[i][1]);
    }
  /* "Show me" builds the user's own number of tasks. */
  g_assert_cmpint (json_object_get_int_member (show_me, "tasks"), ==, 300);
  g_assert_cmpstr (json_object_get_string_member (show_me, "io_kind"), ==, "socket");
}

static void
test_text (void)
{
  JgCliResult r = run_recommend ("--mixed", "--tasks", "12", NULL);
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "Recommendation: asyncio for the I/O, a process pool for the computing"));
  g_assert_nonnull (strstr (r.out, "Why:"));
  g_assert_nonnull (strstr (r.out, "Runner-up: ThreadPoolExecutor"));
  g_assert_nonnull (strstr (r.out, "How the advisor got there:"));
  g_assert_nonnull (strstr (r.out, "→ Both, in separate phases"));
  g_assert_nonnull (strstr (r.out, "Show me: 12 tasks"));
  /* Wrapped for a terminal. */
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (g_utf8_strlen (lines[i], -1), <=, 78);
  jg_cli_result_clear (&r);

  r = run_recommend ("--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--io-bound"));
  g_assert_nonnull (strstr (r.out, "--releases-gil"));
  jg_cli_result_clear (&r);
}

/* For every combination of flags, the binary and the library walk agree. */
static void
test_same_as_tree (void)
{
  static const char * const bounds[] = { "--io-bound", "--cpu-bound", "--mixed" };
  static const JgWorkload workloads[] = { JG_WORKLOAD_IO, JG_WORKLOAD_CPU, JG_WORKLOAD_MIXED };
  static const char * const counts[] = { "3", "50", "300", "5000" };
  static const char * const flag_names[] = {
    "--releases-gil", "--shared-state", "--all-async", "--background", "--batch"
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (JgAdvisor) advisor = jg_advisor_load_default (&error);
  guint n_runs = 0;

  g_assert_no_error (error);
  for (guint b = 0; b < G_N_ELEMENTS (bounds); b++)
    for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
      for (guint mask = 0; mask < (1u << G_N_ELEMENTS (flag_names)); mask++)
        {
          const char *argv[12] = { bounds[b], "--tasks", counts[c] };
          guint n = 3;
          JgAdvisorFacts facts = { workloads[b], (guint) g_ascii_strtoull (counts[c], NULL, 10) };
          const JgAdvisorRecommendation *rec;
          g_autoptr (JsonObject) answer = NULL;

          for (guint f = 0; f < G_N_ELEMENTS (flag_names); f++)
            if (mask & (1u << f))
              argv[n++] = flag_names[f];
          facts.releases_gil = (mask & 1) != 0;
          facts.shared_state = (mask & 2) != 0;
          facts.all_async = (mask & 4) != 0;
          facts.background = (mask & 8) != 0;
          facts.batch = (mask & 16) != 0;

          rec = jg_advisor_recommend (advisor, &facts, &error);
          g_assert_no_error (error);
          answer = recommend_json (argv);
          g_assert_cmpstr (json_object_get_string_member (answer, "recommendation"), ==, rec->id);
          n_runs++;
        }
  g_test_message ("%u combinations agree", n_runs);
}

static void
assert_fails (const char *words,
              const char *first,
              ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  JgCliResult r;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  r = run_recommend_argv (NULL, (const char * const *) args->pdata);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (g_str_has_prefix (r.err, "juggler-cli recommend: "));
  if (strstr (r.err, words) == NULL)
    g_error ("expected “%s” in “%s”", words, r.err);
  jg_cli_result_clear (&r);
}

static void
test_errors (void)
{
  /* Exactly one of the three bound flags. */
  assert_fails ("one of --io-bound, --cpu-bound or --mixed", "--tasks", "10", NULL);
  assert_fails ("one of --io-bound, --cpu-bound or --mixed", "--tasks", "10", "--json", NULL);
  assert_fails ("only one of --io-bound, --cpu-bound and --mixed", "--io-bound", "--cpu-bound", "--tasks", "10", NULL);
  assert_fails ("only one of", "--mixed", "--tasks", "10", "--io-bound", "--json", NULL);
  assert_fails ("--cpu-bound: given twice", "--cpu-bound", "--cpu-bound", "--tasks", "10", NULL);
  /* A count of tasks, one or more. */
  assert_fails ("--tasks N", "--io-bound", NULL);
  assert_fails ("not a whole number", "--io-bound", "--tasks", "0", NULL);
  assert_fails ("not a whole number", "--io-bound", "--tasks", "-5", NULL);
  assert_fails ("not a whole number", "--io-bound", "--tasks", "many", NULL);
  /* Nothing else. */
  assert_fails ("unexpected argument", "--io-bound", "--tasks", "10", "threads", NULL);
  assert_fails ("Unknown option", "--io-bound", "--tasks", "10", "--gpu-bound", NULL);
}

static void
test_broken_tree (void)
{
  static const char * const flags[] = { "--io-bound", "--tasks", "10", NULL };
  g_autofree char *dir = g_dir_make_tmp ("juggler-recommend-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "decision-tree.json", NULL);
  g_autofree char *expected = g_strdup_printf ("%s:3: root: ", path);
  JgCliResult r;

  r = run_recommend_argv (dir, flags);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "decision tree is missing"));
  jg_cli_result_clear (&r);

  g_assert_true (g_file_set_contents (path, "{\n  \"version\": 1,\n  \"root\": 7,\n  \"questions\": []\n}\n",
                                      -1, NULL));
  r = run_recommend_argv (dir, flags);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, expected));
  g_assert_nonnull (strstr (r.err, "expected a string"));
  jg_cli_result_clear (&r);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/recommend/table", test_table);
  g_test_add_func ("/cli/recommend/path", test_path);
  g_test_add_func ("/cli/recommend/text", test_text);
  g_test_add_func ("/cli/recommend/same-as-tree", test_same_as_tree);
  g_test_add_func ("/cli/recommend/errors", test_errors);
  g_test_add_func ("/cli/recommend/broken-tree", test_broken_tree);

  return g_test_run ();
}
