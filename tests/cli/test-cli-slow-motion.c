/* test-cli-slow-motion.c: `juggler-cli run --time-scale N` as a teacher uses
 * it: the run really takes about N times as long, the summary gives the
 * stretched and the real wall time, the saved trace knows its scale, and a
 * factor out of range is refused with a message naming the option. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

/* Two GIL-bound threads of 20 ms each: about 40 ms at 1×. */
static JsonObject *
run_json (const char *time_scale,
          const char *output)
{
  const char *arguments[16] = {
    "run", "sum-of-squares", "--model", "threads", "--set", "tasks=2", "--set", "work=20", "--json",
  };
  guint n = 9;
  JgCliResult r;
  JsonObject *summary;

  if (time_scale != NULL)
    {
      arguments[n++] = "--time-scale";
      arguments[n++] = time_scale;
    }
  if (output != NULL)
    {
      arguments[n++] = "-o";
      arguments[n++] = output;
    }
  arguments[n] = NULL;
  r = jg_cli_test_runv (NULL, arguments);
  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  jg_cli_result_clear (&r);
  return summary;
}

static void
test_json (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "slow.juggler", NULL);

  for (guint attempt = 0; attempt < TEST_ATTEMPTS; attempt++)
    {
      g_autoptr (JsonObject) fast = run_json (NULL, NULL);
      g_autoptr (JsonObject) slow = run_json ("10", path);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (JgTrace) trace = NULL;
      g_autoptr (GError) error = NULL;
      double fast_wall = json_object_get_double_member (fast, "wall_s");
      double slow_wall = json_object_get_double_member (slow, "wall_s");
      double ratio = slow_wall / fast_wall;

      g_assert_cmpfloat (json_object_get_double_member (fast, "time_scale"), ==, 1);
      g_assert_cmpfloat (json_object_get_double_member (fast, "real_wall_s"), ==, fast_wall);
      g_assert_cmpfloat (json_object_get_double_member (slow, "time_scale"), ==, 10);
      g_assert_cmpfloat (fabs (json_object_get_double_member (slow, "real_wall_s") - slow_wall / 10), <, 1e-9);
      /* The switch interval the user asked for, not the stretched one. */
      g_assert_cmpfloat (json_object_get_double_member (slow, "switch_interval_ms"), ==, 5);

      trace = jg_trace_file_load (file, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (jg_trace_get_time_scale (trace), ==, 10);

      g_test_message ("wall %.3f s at 1x, %.3f s at 10x: %.2fx; hand-offs %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                      fast_wall, slow_wall, ratio, json_object_get_int_member (fast, "gil_handoffs"),
                      json_object_get_int_member (slow, "gil_handoffs"));
      /* About 10× as long, with about as many hand-offs: the same shape. */
      if (ratio >= 6 && ratio <= 16
          && json_object_get_int_member (slow, "gil_handoffs")
             <= 2 * json_object_get_int_member (fast, "gil_handoffs") + 2)
        return;
      test_back_off (attempt);
    }
  g_assert_not_reached ();
}

/* The text summary says the run was slowed down and gives both times. */
static void
test_text (void)
{
  JgCliResult r = jg_cli_test_run ("run", "sum-of-squares", "--model", "threads", "--set", "tasks=2",
                                   "--set", "work=10", "--time-scale", "10", NULL);
  JgCliResult plain = jg_cli_test_run ("run", "sum-of-squares", "--model", "threads", "--set", "tasks=2",
                                       "--set", "work=10", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Slow motion"));
  g_assert_nonnull (strstr (r.out, "(real "));
  g_assert_nonnull (strstr (r.out, "at 10×)"));
  g_assert_cmpint (plain.status, ==, 0);
  g_assert_null (strstr (plain.out, "Slow motion"));
  g_assert_null (strstr (plain.out, "(real "));
  jg_cli_result_clear (&r);
  jg_cli_result_clear (&plain);
}

static void
test_errors (void)
{
  const char * const bad[] = { "0.5", "0", "1001", "-10", "nan" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      JgCliResult r = jg_cli_test_run ("run", "sum-of-squares", "--time-scale", bad[i], NULL);

      g_assert_cmpint (r.status, !=, 0);
      g_assert_nonnull (strstr (r.err, "--time-scale"));
      g_assert_cmpstr (r.out, ==, "");
      jg_cli_result_clear (&r);
    }
}

static void
test_help (void)
{
  JgCliResult r = jg_cli_test_run ("run", "--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--time-scale"));
  g_assert_nonnull (strstr (r.out, "Slow motion"));
  jg_cli_result_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-slow-XXXXXX");

  g_test_add_func ("/cli/slow-motion/json", test_json);
  g_test_add_func ("/cli/slow-motion/text", test_text);
  g_test_add_func ("/cli/slow-motion/errors", test_errors);
  g_test_add_func ("/cli/slow-motion/help", test_help);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
