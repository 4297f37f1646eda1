/* test-cli.c: juggler-cli as a user runs it: a real process, real files, its
 * stdout, stderr and exit status. */
#include <string.h>

#include "jg-cli-test.h"
#include "jg-metrics.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

/* Two threads under the GIL, one I/O task: known figures. */
static char *
write_trace (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) results = json_object_new ();
  char *path = g_build_filename (tmp_dir, "known.juggler", NULL);
  JgRunInfo run = { "threads", 2, "gil", 5.0, NULL };
  JgMachineInfo machine = { 2, "Linux 6.1", "Test CPU", "host" };
  const JgEvent events[] = {
    { 0, 0, 0, JG_EVENT_TASK_BEGIN, 0, 0 },
    { 0, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 0, 1, 1, JG_EVENT_TASK_BEGIN, 1, 0 },
    { 0, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO },
    { 100000000, 1, 1, JG_EVENT_TASK_END, 1, 0 },
    { 200000000, 0, 0, JG_EVENT_TASK_END, 0, 0 },
  };

  jg_trace_add_task (trace, "Download 1", JG_LANE_NONE);
  jg_trace_add_task (trace, "Download 2", JG_LANE_NONE);
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 10);
  jg_trace_add_worker (trace, "Thread 2", JG_WORKER_THREAD, 10);
  jg_trace_set_scenario (trace, "downloads", "Downloads", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  json_object_set_int_member (results, "counter", 1009);
  jg_trace_set_results (trace, results);
  jg_trace_append (trace, events, G_N_ELEMENTS (events));
  jg_trace_set_end_ns (trace, 200000000);
  jg_trace_finish (trace);

  file = g_file_new_for_path (path);
  jg_trace_file_save (trace, file, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_help (void)
{
  JgCliResult r = jg_cli_test_run ("--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "info"));
  g_assert_nonnull (strstr (r.out, "bench"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("info", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "TRACE"));
  g_assert_nonnull (strstr (r.out, "--json"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("bench", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--events"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("frobnicate", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "frobnicate"));
  jg_cli_result_clear (&r);
}

static void
test_info (void)
{
  g_autofree char *path = write_trace ();
  g_autoptr (JsonObject) object = NULL;
  JgCliResult r = jg_cli_test_run ("info", path, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Downloads"));
  g_assert_nonnull (strstr (r.out, "Concurrency"));
  g_assert_nonnull (strstr (r.out, "1.50"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("info", "--json", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  object = jg_cli_test_parse_object (r.out);
  g_assert_cmpint (json_object_get_int_member (object, "events"), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (object, "scenario"), ==, "downloads");
  g_assert_cmpstr (json_object_get_string_member (object, "model"), ==, "threads");
  /* 200 + 100 ms in flight over 200 ms; 200 ms running over 200 ms. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "concurrency"), 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "parallelism"), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "wall_s"), 0.2, 1e-9);
  g_assert_cmpint (json_object_get_int_member (object, "task_lanes"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "results"), "counter"), ==, 1009);
  jg_cli_result_clear (&r);
}

static void
test_info_bad_files (void)
{
  g_autofree char *bad = g_build_filename (tmp_dir, "bad.juggler", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.juggler", NULL);
  JgCliResult r;

  g_assert_true (g_file_set_contents (bad, "{\"format\": \"juggler-trace\", \"version\": 99}", -1, NULL));
  r = jg_cli_test_run ("info", "--json", bad, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "bad.juggler"));
  g_assert_nonnull (strstr (r.err, "version"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("info", missing, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "missing.juggler"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("info", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "TRACE"));
  jg_cli_result_clear (&r);
}

/* The benchmark's shape, on a small trace: every figure present and sane. */
static void
test_bench_json (void)
{
  g_autoptr (JsonObject) object = NULL;
  const char *figures[] = { "clock_ns", "probe_ns_per_event", "state_change_ns", "save_1m_s", "load_1m_s",
                            "bytes_per_event_file", "bytes_per_event_memory", "render_ms_1m",
                            "render_ms_10m", "live_frame_ms_p95", "load_10m_s",
                            "bytes_per_event_memory_10m", "export_chrome_1m_s" };
  JgCliResult r = jg_cli_test_run ("bench", "--json", "--events", "20000", "--repeats", "1", "--live-seconds", "0.5", NULL);

  g_assert_cmpint (r.status, ==, 0);
  object = jg_cli_test_parse_object (r.out);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_assert_true (json_object_has_member (object, figures[i]));
      g_assert_cmpfloat (json_object_get_double_member (object, figures[i]), >, 0);
    }
  g_assert_cmpint (json_object_get_int_member (object, "events"), >=, 19000);
  jg_cli_result_clear (&r);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_make_tmp_dir ("juggler-cli-test-XXXXXX");
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/info", test_info);
  g_test_add_func ("/cli/info-bad-files", test_info_bad_files);
  g_test_add_func ("/cli/bench-json", test_bench_json);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
