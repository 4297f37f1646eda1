/* test-cli-run.c: `juggler-cli run` as a user runs it: the real binary on the
 * built-in scenarios and on a file of one's own, its JSON summary, the saved
 * trace, Ctrl+C, and clear failures. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

/* The race counter: the summary carries what the issue lists, and the lock
 * makes the count exact. */
static void
test_json_summary (void)
{
  const char * const members[] = {
    "scenario", "model", "workers", "wall_s", "cpu_s", "concurrency", "parallelism", "gil_handoffs",
    "gil_wait_s", "events", "cores_used", "results", "marks",
  };
  JgCliResult racy = jg_cli_test_run ("run", "race-counter", "--set", "tasks=4", "--set", "increments=50", "--json", NULL);
  JgCliResult locked = jg_cli_test_run ("run", "race-counter", "--set", "tasks=4", "--set", "increments=50",
                           "--set", "lock=true", "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  g_autoptr (JsonObject) locked_summary = NULL;
  JsonObject *results;

  g_assert_cmpint (racy.status, ==, 0);
  g_assert_cmpint (locked.status, ==, 0);
  summary = jg_cli_test_parse_object (racy.out);
  locked_summary = jg_cli_test_parse_object (locked.out);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (summary, members[i]));
  g_assert_cmpstr (json_object_get_string_member (summary, "scenario"), ==, "race-counter");
  g_assert_cmpstr (json_object_get_string_member (summary, "model"), ==, "threads");
  g_assert_cmpint (json_object_get_int_member (summary, "workers"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "completed");
  g_assert_cmpint (json_object_get_int_member (summary, "events"), >, 0);

  results = json_object_get_object_member (summary, "results");
  g_assert_cmpint (json_object_get_int_member (results, "expected"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (results, "counter"), <=, 200);
  results = json_object_get_object_member (locked_summary, "results");
  g_assert_cmpint (json_object_get_int_member (results, "counter"), ==, 200);

  jg_cli_result_clear (&racy);
  jg_cli_result_clear (&locked);
}

/* The deadlock scenario deadlocks, is marked with its tasks and locks, and the
 * program still ends with a summary. */
static void
test_deadlock (void)
{
  JgCliResult r = jg_cli_test_run ("run", "deadlock", "--set", "hold=20", "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  JsonArray *marks;
  JsonObject *mark;

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "deadlocked");
  marks = json_object_get_array_member (summary, "marks");
  g_assert_cmpuint (json_array_get_length (marks), ==, 1);
  mark = json_array_get_object_element (marks, 0);
  g_assert_cmpstr (json_object_get_string_member (mark, "kind"), ==, "deadlock");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (mark, "tasks")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (mark, "locks")), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (mark, "detected_after_s"), <, 1.0);

  jg_cli_result_clear (&r);
}

/* -o saves a trace that loads back with the same events and results. */
static void
test_save_trace (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "downloads.juggler", NULL);
  JgCliResult r = jg_cli_test_run ("run", "downloads", "--set", "downloads=4", "--set", "latency=20", "--workers", "2",
                      "-o", path, "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "trace"), ==, path);
  g_assert_cmpint (json_object_get_int_member (summary, "workers"), ==, 2);

  trace = jg_trace_file_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jg_trace_get_n_events (trace), ==, json_object_get_int_member (summary, "events"));
  g_assert_cmpstr (jg_trace_get_scenario_id (trace), ==, "downloads");
  g_assert_cmpstr (jg_trace_get_run_info (trace)->model, ==, "threads");
  g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 4);

  jg_cli_result_clear (&r);
}

/* A scenario file of one's own runs by path; the text output names what matters. */
static void
test_user_file (void)
{
  static const char scenario[] =
    "{\n"
    "  \"id\": \"mine\",\n"
    "  \"title\": \"My workload\",\n"
    "  \"idea\": \"Two requests and some parsing.\",\n"
    "  \"seed\": \"mine\",\n"
    "  \"models\": [\"threads\", \"sequential\"],\n"
    "  \"default_model\": \"sequential\",\n"
    "  \"parameters\": [],\n"
    "  \"tasks\": [\n"
    "    { \"name\": \"Request {i}\", \"count\": 2,\n"
    "      \"steps\": [ { \"op\": \"io\", \"kind\": \"sleep\", \"ms\": 10 }, { \"op\": \"cpu\", \"ms\": 2 } ] }\n"
    "  ]\n"
    "}\n";
  g_autofree char *path = g_build_filename (tmp_dir, "mine.json", NULL);
  JgCliResult r;

  g_assert_true (g_file_set_contents (path, scenario, -1, NULL));
  r = jg_cli_test_run ("run", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "My workload"));
  g_assert_nonnull (strstr (r.out, "sequential"));
  g_assert_nonnull (strstr (r.out, "Parallelism"));
  g_assert_nonnull (strstr (r.out, "completed"));
  jg_cli_result_clear (&r);
}

/* Ctrl+C stops a long run at once and still prints what was recorded. */
static void
test_interrupt (void)
{
  const char * const args[] = { "run", "sum-of-squares", "--set", "work=10000", "--json", NULL };
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (JsonObject) summary = NULL;
  JgCliResult r;

  g_subprocess_launcher_set_child_setup (launcher, jg_cli_test_ignore_sigint, NULL, NULL);
  process = jg_cli_test_spawnv (launcher, args);
  r = jg_cli_test_interrupt (process, 200, FALSE);

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "stopped");
  g_assert_cmpint (json_object_get_int_member (summary, "events"), >, 0);
  /* Well before the 40 s of work it was asked to do. */
  g_assert_cmpfloat (json_object_get_double_member (summary, "wall_s"), <, 10.0);
  jg_cli_result_clear (&r);
}

static void
test_errors (void)
{
  JgCliResult unknown = jg_cli_test_run ("run", "no-such-scenario", NULL);
  JgCliResult bad_param = jg_cli_test_run ("run", "downloads", "--set", "bogus=1", NULL);
  JgCliResult bad_value = jg_cli_test_run ("run", "downloads", "--set", "downloads", NULL);
  JgCliResult bad_model = jg_cli_test_run ("run", "downloads", "--model", "fibers", NULL);
  JgCliResult bad_interp = jg_cli_test_run ("run", "downloads", "--interpreter", "jython", NULL);
  JgCliResult no_arg = jg_cli_test_run ("run", NULL);

  g_assert_cmpint (unknown.status, !=, 0);
  g_assert_nonnull (strstr (unknown.err, "no-such-scenario"));
  g_assert_cmpint (bad_param.status, !=, 0);
  g_assert_nonnull (strstr (bad_param.err, "bogus"));
  g_assert_cmpint (bad_value.status, !=, 0);
  g_assert_nonnull (strstr (bad_value.err, "NAME=VALUE"));
  g_assert_cmpint (bad_model.status, !=, 0);
  g_assert_nonnull (strstr (bad_model.err, "fibers"));
  g_assert_cmpint (bad_interp.status, !=, 0);
  g_assert_nonnull (strstr (bad_interp.err, "jython"));
  g_assert_cmpint (no_arg.status, !=, 0);

  jg_cli_result_clear (&unknown);
  jg_cli_result_clear (&bad_param);
  jg_cli_result_clear (&bad_value);
  jg_cli_result_clear (&bad_model);
  jg_cli_result_clear (&bad_interp);
  jg_cli_result_clear (&no_arg);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-run-XXXXXX");

  g_test_add_func ("/cli/run/json-summary", test_json_summary);
  g_test_add_func ("/cli/run/deadlock", test_deadlock);
  g_test_add_func ("/cli/run/save-trace", test_save_trace);
  g_test_add_func ("/cli/run/user-file", test_user_file);
  g_test_add_func ("/cli/run/interrupt", test_interrupt);
  g_test_add_func ("/cli/run/errors", test_errors);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
