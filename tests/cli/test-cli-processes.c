/* test-cli-processes.c: `juggler-cli run --model processes` as a user runs it:
 * the start methods, the JSON fields of the processes model, the built-in
 * scenarios that teach it, Ctrl+C in a terminal, clear failures, and never a
 * worker left behind. */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"

static char *tmp_dir;

/* The CLI in a process group of its own, as a shell runs a job: a Ctrl+C
 * reaches that whole group. */
static void
own_group (gpointer data)
{
  setpgid (0, 0);
}

static GSubprocess *
spawn_cli (const char * const *arguments)
{
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher ();

  g_subprocess_launcher_set_child_setup (launcher, own_group, NULL, NULL);
  return jg_cli_test_spawnv (launcher, arguments);
}

/* Every worker the summary names is gone once the CLI has exited. */
static void
assert_pids_gone (JsonObject *summary)
{
  JsonArray *pids = json_object_get_array_member (summary, "pids");

  for (guint i = 0; i < json_array_get_length (pids); i++)
    {
      gint64 pid = json_array_get_int_element (pids, i);

      g_assert_cmpint (pid, >, 0);
      g_assert_cmpint (kill ((pid_t) pid, 0), ==, -1);
      g_assert_cmpint (errno, ==, ESRCH);
    }
  if (json_object_has_member (summary, "server_pid"))
    {
      g_assert_cmpint (kill ((pid_t) json_object_get_int_member (summary, "server_pid"), 0), ==, -1);
      g_assert_cmpint (errno, ==, ESRCH);
    }
}

/* Each start method: two workers with pids of their own, a start-up each,
 * and spawn's far dearer than fork's. */
static void
test_start_methods (void)
{
  const char * const methods[] = { "fork", "spawn", "forkserver" };
  double startup[G_N_ELEMENTS (methods)] = { 0 };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      JgCliResult r = jg_cli_test_run ("run", "fork-vs-spawn", "--start-method", methods[m], "--workers", "2",
                          "--set", "tasks=6", "--json", NULL);
      g_autoptr (JsonObject) summary = NULL;
      JsonArray *pids, *startups;

      g_assert_cmpint (r.status, ==, 0);
      summary = jg_cli_test_parse_object (r.out);
      g_assert_cmpstr (json_object_get_string_member (summary, "model"), ==, "processes");
      g_assert_cmpstr (json_object_get_string_member (summary, "start_method"), ==, methods[m]);
      g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "completed");
      g_assert_cmpint (json_object_get_int_member (summary, "workers"), ==, 2);
      /* The six tasks and a start-up per process (and the server's). */
      g_assert_cmpint (json_object_get_int_member (summary, "tasks_ended"), ==, m == 2 ? 9 : 8);
      g_assert_cmpint (json_object_get_int_member (summary, "tasks_failed"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (summary, "crashes"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (summary, "transfer_bytes"), ==, 0);

      pids = json_object_get_array_member (summary, "pids");
      startups = json_object_get_array_member (summary, "startup_s");
      g_assert_cmpuint (json_array_get_length (pids), ==, 2);
      g_assert_cmpuint (json_array_get_length (startups), ==, 2);
      g_assert_cmpint (json_array_get_int_element (pids, 0), !=, json_array_get_int_element (pids, 1));
      for (guint i = 0; i < 2; i++)
        {
          g_assert_cmpfloat (json_array_get_double_element (startups, i), >, 0);
          startup[m] += json_array_get_double_element (startups, i) / 2;
        }
      g_assert_cmpint (json_object_has_member (summary, "server_pid"), ==, m == 2);
      assert_pids_gone (summary);
      jg_cli_result_clear (&r);
    }
  g_test_message ("start-up per worker: fork %.1f ms, spawn %.1f ms, forkserver %.1f ms", startup[0] * 1e3,
                  startup[1] * 1e3, startup[2] * 1e3);
#ifdef __SANITIZE_ADDRESS__
  /* An instrumented worker takes hundreds of milliseconds to start whatever
   * the method, which drowns the difference; the plain build checks it. */
  g_test_message ("AddressSanitizer build: the fork/spawn ratio is not compared");
#else
  g_assert_cmpfloat (startup[1], >, 2 * startup[0]);
#endif
}

/* The pickle bottleneck: what was pickled is counted, and the text summary
 * says it too; other models report one process and no start method. */
static void
test_pickle_bottleneck (void)
{
  JgCliResult processes = jg_cli_test_run ("run", "pickle-bottleneck", "--set", "tasks=2", "--set", "arguments=3",
                              "--set", "result=1", "--json", NULL);
  JgCliResult text = jg_cli_test_run ("run", "pickle-bottleneck", "--set", "tasks=2", "--set", "arguments=1", NULL);
  JgCliResult threads = jg_cli_test_run ("run", "pickle-bottleneck", "--model", "threads", "--set", "tasks=2", "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  g_autoptr (JsonObject) threads_summary = NULL;

  g_assert_cmpint (processes.status, ==, 0);
  summary = jg_cli_test_parse_object (processes.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "model"), ==, "processes");
  g_assert_cmpint (json_object_get_int_member (summary, "transfer_bytes"), ==, 2 * (3 + 1) * 1048576);
  g_assert_cmpint (json_object_get_int_member (summary, "tasks_failed"), ==, 0);
  assert_pids_gone (summary);

  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "Processes"));
  g_assert_nonnull (strstr (text.out, "MiB pickled through pipes"));

  g_assert_cmpint (threads.status, ==, 0);
  threads_summary = jg_cli_test_parse_object (threads.out);
  g_assert_true (json_object_get_null_member (threads_summary, "start_method"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (threads_summary, "pids")), ==, 1);
  g_assert_false (json_object_has_member (threads_summary, "transfer_bytes"));

  jg_cli_result_clear (&processes);
  jg_cli_result_clear (&text);
  jg_cli_result_clear (&threads);
}

/* Ctrl+C in a terminal goes to the CLI's process group: the workers, in
 * groups of their own, are not hit; the CLI stops the run, which kills them,
 * and prints what was recorded. */
static void
test_interrupt (void)
{
  const char * const args[] = { "run", "sum-of-squares", "--model", "processes", "--workers", "2",
                                "--set", "work=10000", "--json", NULL };
  g_autoptr (GSubprocess) process = spawn_cli (args);
  g_autoptr (JsonObject) summary = NULL;
  JgCliResult r = jg_cli_test_interrupt (process, 300, TRUE);

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "stopped");
  /* Stopped, not crashed: Ctrl+C never reached the workers. */
  g_assert_cmpint (json_object_get_int_member (summary, "crashes"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "pids")), ==, 2);
  assert_pids_gone (summary);
  jg_cli_result_clear (&r);
}

static void
test_errors (void)
{
  JgCliResult method = jg_cli_test_run ("run", "fork-vs-spawn", "--start-method", "vfork", NULL);
  JgCliResult shared = jg_cli_test_run ("run", "race-counter", "--model", "processes", NULL);

  g_assert_cmpint (method.status, ==, 1);
  g_assert_nonnull (strstr (method.err, "unknown start method “vfork” (expected fork, spawn or forkserver)"));
  g_assert_cmpint (shared.status, ==, 1);
  g_assert_nonnull (strstr (shared.err, "shared between processes"));
  g_assert_nonnull (strstr (shared.err, "run this scenario with threads"));

  jg_cli_result_clear (&method);
  jg_cli_result_clear (&shared);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-processes-XXXXXX");

  g_test_add_func ("/cli/processes/start-methods", test_start_methods);
  g_test_add_func ("/cli/processes/pickle-bottleneck", test_pickle_bottleneck);
  g_test_add_func ("/cli/processes/interrupt", test_interrupt);
  g_test_add_func ("/cli/processes/errors", test_errors);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
