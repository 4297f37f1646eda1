/* test-cli-compare.c: `juggler-cli compare` as a user runs it: the real binary
 * on built-in scenarios (its JSON and its text, bars and sentence), the
 * models skipped with a reason, `--show-me` with recommend's flags, Ctrl+C and
 * clear failures. Timings are only compared where physics decides: waits that
 * overlap against waits that cannot. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"

static char *tmp_dir;

/* `juggler-cli compare` with the arguments given, in the C locale: the words
 * looked for below are the English originals. */
static JgCliResult
run_compare (const char *first,
             ...)
{
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher_c_locale ();
  va_list ap;

  va_start (ap, first);
  args = jg_cli_test_argv_valist ("compare", first, ap);
  va_end (ap);
  return jg_cli_test_runv (launcher, (const char * const *) args->pdata);
}

/* Short names for reading the JSON the command prints. */
static const char *
get_str (JsonObject *object,
         const char *member)
{
  return json_object_get_string_member (object, member);
}

static double
get_num (JsonObject *object,
         const char *member)
{
  return json_object_get_double_member (object, member);
}

static gint64
get_int (JsonObject *object,
         const char *member)
{
  return json_object_get_int_member (object, member);
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  return json_object_get_boolean_member (object, member);
}

static JsonObject *
get_obj (JsonObject *object,
         const char *member)
{
  return json_object_get_object_member (object, member);
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  return json_object_get_array_member (object, member);
}

static JsonObject *
find_contender (JsonObject *summary,
                const char *id)
{
  JsonArray *contenders = get_array (summary, "contenders");

  for (guint i = 0; i < json_array_get_length (contenders); i++)
    {
      JsonObject *contender = json_array_get_object_element (contenders, i);

      if (g_str_equal (get_str (contender, "id"), id))
        return contender;
    }
  g_assert_not_reached ();
}

/* Downloads: the JSON carries what the issue lists, the waits that overlap
 * rank above the sequential run, the winner and the sentence agree. */
static void
test_json (void)
{
  const char * const members[] = {
    "id", "model", "interpreter", "workers", "skipped", "rank", "speedup", "wall_s", "cpu_s",
    "concurrency", "parallelism", "gil_handoffs", "status",
  };
  g_autoptr (JsonObject) summary = NULL;
  JsonObject *sequential, *threads, *asyncio, *free_threaded, *recommendation;
  JsonArray *contenders;
  const char *winner;

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_auto (JgCliResult) r = run_compare ("downloads", "--set", "downloads=4",
                                            "--set", "latency=60", "--set", "parse=1",
                                            "--models", "sequential,threads,asyncio,free-threaded",
                                            "--json", NULL);

      g_assert_cmpint (r.status, ==, 0);
      g_clear_pointer (&summary, json_object_unref);
      summary = jg_cli_test_parse_object (r.out);
      g_test_message ("%s", get_str (summary, "sentence"));
      if (get_int (find_contender (summary, "sequential"), "rank") == 4
          && get_num (find_contender (summary, "threads"), "speedup") > 1.5
          && get_num (find_contender (summary, "asyncio"), "speedup") > 1.5)
        break;
      test_back_off (attempt);
    }
  g_assert_cmpstr (get_str (summary, "scenario"), ==, "downloads");
  g_assert_cmpint (get_int (summary, "tasks"), ==, 4);
  contenders = get_array (summary, "contenders");
  g_assert_cmpuint (json_array_get_length (contenders), ==, 4);
  for (guint i = 0; i < json_array_get_length (contenders); i++)
    for (guint j = 0; j < G_N_ELEMENTS (members); j++)
      g_assert_true (json_object_has_member (json_array_get_object_element (contenders, i),
                                             members[j]));

  sequential = find_contender (summary, "sequential");
  threads = find_contender (summary, "threads");
  asyncio = find_contender (summary, "asyncio");
  free_threaded = find_contender (summary, "free-threaded");
  g_assert_cmpstr (get_str (free_threaded, "model"), ==, "threads");
  g_assert_cmpstr (get_str (free_threaded, "interpreter"), ==, "free-threaded");
  g_assert_cmpstr (get_str (summary, "baseline"), ==, "sequential");
  g_assert_cmpfloat (get_num (sequential, "speedup"), ==, 1.0);
  /* Four waits of 60 ms one after another, against four at once. */
  g_assert_cmpint (get_int (sequential, "rank"), ==, 4);
  g_assert_cmpint (get_int (threads, "rank"), <, 4);
  g_assert_cmpint (get_int (asyncio, "rank"), <, 4);
  g_assert_cmpfloat (get_num (threads, "speedup"), >, 1.5);
  g_assert_cmpfloat (get_num (asyncio, "speedup"), >, 1.5);
  g_assert_cmpfloat (get_num (asyncio, "concurrency"), >, get_num (sequential, "concurrency"));

  winner = get_str (summary, "winner");
  g_assert_cmpint (get_int (find_contender (summary, winner), "rank"), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (get_array (summary, "ranking"), 0), ==, winner);
  g_assert_nonnull (strstr (get_str (summary, "sentence"), winner));

  /* Four I/O tasks: the advisor's thread pool, set beside the winner. */
  recommendation = get_obj (summary, "recommendation");
  g_assert_nonnull (recommendation);
  g_assert_cmpstr (get_str (recommendation, "model"), ==, "threads");
  g_assert_cmpstr (get_str (recommendation, "contender"), ==, "threads");
  g_assert_nonnull (get_str (recommendation, "title"));
  g_assert_nonnull (strstr (get_str (recommendation, "note"), "advisor recommends"));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (recommendation, "agrees")));
  g_assert_cmpstr (get_str (get_obj (recommendation, "facts"), "workload"), ==, "io");
}

/* The text: a table, bars of wall time and speedup, the sentence, the advice;
 * models the scenario is not meant for are skipped, and say why. */
static void
test_text (void)
{
  g_auto (JgCliResult) r = run_compare ("sum-of-squares", "--set", "tasks=2", "--set", "work=20",
                                        "--models", "sequential,threads,asyncio", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Sum of squares"));
  g_assert_nonnull (strstr (r.out, "speedup"));
  g_assert_nonnull (strstr (r.out, "parallelism"));
  g_assert_nonnull (strstr (r.out, "█"));
  g_assert_nonnull (strstr (r.out, "Wall time"));
  g_assert_nonnull (strstr (r.out, "Speedup over sequential"));
  g_assert_nonnull (strstr (r.out, "skipped: the scenario is not meant for asyncio"));
  g_assert_true (strstr (r.out, " won") != NULL || strstr (r.out, " tie ") != NULL);
  g_assert_nonnull (strstr (r.out, "Advisor: The advisor recommends"));
}

/* Without --models: the six, those the scenario is not meant for skipped,
 * each with its reason; processes, the advice for CPU work, runs. */
static void
test_default_models (void)
{
  const char * const ids[] = {
    "sequential", "threads", "free-threaded", "processes", "asyncio", "hybrid",
  };
  g_auto (JgCliResult) r = run_compare ("sum-of-squares", "--set", "tasks=2", "--set", "work=20",
                                        "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  JsonArray *contenders;

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  contenders = get_array (summary, "contenders");
  g_assert_cmpuint (json_array_get_length (contenders), ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      JsonObject *contender = json_array_get_object_element (contenders, i);
      gboolean meant = i < 4;

      g_assert_cmpstr (get_str (contender, "id"), ==, ids[i]);
      g_assert_cmpint (get_bool (contender, "skipped"), ==, !meant);
      if (meant)
        g_assert_cmpstr (get_str (contender, "status"), ==, "completed");
      else
        g_assert_nonnull (strstr (get_str (contender, "reason"), ids[i]));
    }
  g_assert_cmpstr (get_str (get_obj (summary, "recommendation"), "contender"), ==, "processes");
}

/* --show-me with recommend's flags runs the advisor's workload under the
 * models its "Show me" names, the recommended one first. */
static void
test_show_me (void)
{
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher ();
  const char * const recommend_args[] = {
    "recommend", "--io-bound", "--tasks", "6", "--json", NULL
  };
  g_auto (JgCliResult) advice = jg_cli_test_runv (launcher, recommend_args);
  g_auto (JgCliResult) r = run_compare ("--show-me", "--io-bound", "--tasks", "6", "--io-ms", "30",
                                        "--json", NULL);
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (JsonObject) summary = NULL;
  JsonObject *parameters, *recommendation;
  JsonArray *expected, *contenders, *ranking;

  g_assert_cmpint (advice.status, ==, 0);
  g_assert_cmpint (r.status, ==, 0);
  answer = jg_cli_test_parse_object (advice.out);
  summary = jg_cli_test_parse_object (r.out);

  g_assert_cmpstr (get_str (summary, "scenario"), ==, "show-me");
  g_assert_cmpint (get_int (summary, "tasks"), ==, 6);
  parameters = get_obj (summary, "parameters");
  g_assert_cmpfloat (get_num (parameters, "io_ms"), ==, 30);
  g_assert_cmpfloat (get_num (parameters, "cpu_ms"), ==,
                     get_num (get_obj (answer, "show_me"), "cpu_ms"));

  expected = get_array (get_obj (answer, "show_me"), "compare");
  contenders = get_array (summary, "contenders");
  g_assert_cmpuint (json_array_get_length (contenders), ==, json_array_get_length (expected));
  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonObject *want = json_array_get_object_element (expected, i);
      JsonObject *got = json_array_get_object_element (contenders, i);

      g_assert_cmpstr (get_str (got, "model"), ==, get_str (want, "model"));
      g_assert_cmpstr (get_str (got, "status"), ==, "completed");
    }

  recommendation = get_obj (summary, "recommendation");
  g_assert_cmpstr (get_str (recommendation, "id"), ==, get_str (answer, "recommendation"));
  g_assert_cmpstr (get_str (recommendation, "model"), ==, get_str (answer, "model"));
  g_assert_cmpint (get_int (get_obj (recommendation, "facts"), "tasks"), ==, 6);
  /* Six waits of 30 ms at once beat six in a row, whatever the machine does. */
  g_assert_cmpstr (get_str (summary, "baseline"), ==, "sequential");
  ranking = get_array (summary, "ranking");
  g_assert_cmpstr (json_array_get_string_element (ranking, json_array_get_length (ranking) - 1), ==,
                   "sequential");
}

/* --models overrides the advisor's list; a CPU-bound job's "Show me". */
static void
test_show_me_models (void)
{
  g_auto (JgCliResult) r = run_compare ("--show-me", "--cpu-bound", "--tasks", "2",
                                        "--cpu-ms", "15", "--models", "sequential,threads",
                                        "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  JsonArray *contenders;
  JsonObject *recommendation;

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  contenders = get_array (summary, "contenders");
  g_assert_cmpuint (json_array_get_length (contenders), ==, 2);
  g_assert_cmpint (get_int (summary, "tasks"), ==, 2);
  recommendation = get_obj (summary, "recommendation");
  g_assert_cmpstr (get_str (recommendation, "model"), ==, "processes");
  /* Processes were not among the models: the note says so. */
  g_assert_false (get_bool (recommendation, "agrees"));
  g_assert_nonnull (strstr (get_str (recommendation, "note"), "did not run"));
}

/* Ctrl+C stops the running model at once, skips the rest and still prints. */
static void
test_interrupt (void)
{
  const char * const args[] = {
    "compare", "sum-of-squares", "--set", "work=10000", "--models", "sequential,threads",
    "--json", NULL
  };
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (JsonObject) summary = NULL;
  gint64 start = g_get_monotonic_time ();
  g_auto (JgCliResult) r = { 0 };
  JsonObject *threads;

  g_subprocess_launcher_set_child_setup (launcher, jg_cli_test_ignore_sigint, NULL, NULL);
  process = jg_cli_test_spawnv (launcher, args);
  r = jg_cli_test_interrupt (process, 300, FALSE);
  /* Well before the 80 s of work it was asked to do. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_true (get_bool (summary, "stopped"));
  g_assert_cmpstr (get_str (find_contender (summary, "sequential"), "status"), ==, "stopped");
  threads = find_contender (summary, "threads");
  g_assert_true (get_bool (threads, "skipped"));
  g_assert_nonnull (strstr (get_str (threads, "reason"), "stopped"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (summary, "winner")));
}

static void
test_errors (void)
{
  const struct
  {
    const char *args[10];
    const char *says;
  } cases[] = {
    { { "no-such-scenario" }, "no-such-scenario" },
    { { "downloads", "--models", "threads,fibers" }, "fibers" },
    { { "downloads", "--models", "threads,threads" }, "twice" },
    { { "downloads", "--set", "bogus=1" }, "bogus" },
    { { "downloads", "--workers", "0" }, "--workers" },
    { { "downloads", "--io-bound" }, "--show-me" },
    { { "--show-me", "downloads", "--io-bound", "--tasks", "3" }, "SCENARIO" },
    { { "--show-me", "--tasks", "3" }, "--io-bound" },
    { { "--show-me", "--io-bound" }, "--tasks" },
    { { "--show-me", "--io-bound", "--cpu-bound", "--tasks", "3" }, "only one" },
    { { "--show-me", "--io-bound", "--tasks", "3", "--io-ms", "0", "--cpu-ms", "0" },
      "nothing to do" },
    { { NULL }, "SCENARIO" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher_c_locale ();
      g_auto (JgCliResult) r = { 0 };

      g_ptr_array_add (args, (char *) "compare");
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i].args[j]);
      g_ptr_array_add (args, NULL);
      r = jg_cli_test_runv (launcher, (const char * const *) args->pdata);
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_nonnull (strstr (r.err, cases[i].says));
      g_assert_cmpstr (r.out, ==, "");
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-compare-XXXXXX");

  g_test_add_func ("/cli/compare/json", test_json);
  g_test_add_func ("/cli/compare/text", test_text);
  g_test_add_func ("/cli/compare/default-models", test_default_models);
  g_test_add_func ("/cli/compare/show-me", test_show_me);
  g_test_add_func ("/cli/compare/show-me-models", test_show_me_models);
  g_test_add_func ("/cli/compare/interrupt", test_interrupt);
  g_test_add_func ("/cli/compare/errors", test_errors);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
