/* test-cli-export.c: `juggler-cli export` and `juggler-cli import` as a user
 * runs them: a real process, real files, stdout, stderr and exit status.
 * Pictures are checked as files here; their pixels in test-picture. */
#include <string.h>

#include "jg-chrome-trace.h"
#include "jg-cli-test.h"
#include "jg-metrics.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Two threads under the GIL handing it back and forth, one doing I/O. */
static JgTrace *
make_trace (void)
{
  JgTrace *trace = jg_trace_new ();
  JgRunInfo run = { "threads", 2, "gil", 5.0, NULL };
  JgMachineInfo machine = { 2, "Linux 6.1", "Test CPU", "host" };
  const JgEvent events[] = {
    { 0, 0, 0, JG_EVENT_TASK_BEGIN, 0, 0 },
    { 0, 0, 0, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
    { 0, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 10, 1, 1, JG_EVENT_TASK_BEGIN, 1, 0 },
    { 10, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL },
    { 5000000, 0, 0, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL) },
    { 5000000, 0, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL },
    { 5000100, 1, 1, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
    { 5000100, 1, 1, JG_EVENT_RUN, 1, 0 },
    { 6000000, 1, 1, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_IO) },
    { 6000000, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO },
    { 6000000, 1, 1, JG_EVENT_IO_BEGIN, 1, JG_IO_SOCKET },
    { 6000200, 0, 0, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
    { 6000200, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 9000000, 1, 1, JG_EVENT_IO_END, 1, JG_IO_SOCKET },
    { 9000000, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL },
    { 10000000, 0, 0, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
    { 10000000, 0, 0, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) },
    { 10000100, 1, 1, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
    { 10000100, 1, 1, JG_EVENT_RUN, 1, 0 },
    { 12000000, 1, 1, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
    { 12000000, 1, 1, JG_EVENT_TASK_END, 1, JG_END_ARG (JG_END_OK, 0) },
  };

  jg_trace_add_task (trace, "Compute", JG_LANE_NONE);
  jg_trace_add_task (trace, "Download", JG_LANE_NONE);
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 10);
  jg_trace_add_worker (trace, "Thread 2", JG_WORKER_THREAD, 10);
  jg_trace_set_scenario (trace, "convoy", "The convoy effect", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  jg_trace_append (trace, events, G_N_ELEMENTS (events));
  jg_trace_set_end_ns (trace, 12000000);
  jg_trace_finish (trace);
  return trace;
}

static char *
write_trace (const char *name)
{
  g_autoptr (JgTrace) trace = make_trace ();
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  char *path = tmp_path (name);

  file = g_file_new_for_path (path);
  g_assert_true (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static JgTrace *
load (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  JgTrace *trace = jg_trace_file_load (file, NULL, &error);

  g_assert_no_error (error);
  return trace;
}

static void
compute_metrics (JgTrace   *trace,
                 JgMetrics *metrics)
{
  g_autoptr (JgSpans) spans = jg_spans_new ();

  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, G_MAXUINT64);
}

/* export, then import: the trace that comes back is the one that went out. */
static void
test_export_import (void)
{
  g_autofree char *trace_path = write_trace ("convoy.juggler");
  g_autofree char *json_path = tmp_path ("convoy.json");
  g_autofree char *back_path = tmp_path ("convoy-back.juggler");
  g_autofree char *text = NULL;
  g_autoptr (JgTrace) original = NULL;
  g_autoptr (JgTrace) back = NULL;
  JgMetrics a, b;
  JgCliResult r = jg_cli_test_run ("export", trace_path, "--format", "chrome", "-o", json_path, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "convoy.json"));
  g_assert_nonnull (strstr (r.out, "ui.perfetto.dev"));
  jg_cli_result_clear (&r);

  g_assert_true (g_file_get_contents (json_path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\"traceEvents\":["));
  g_assert_nonnull (strstr (text, "\"name\":\"GIL hand-off\""));

  r = jg_cli_test_run ("import", json_path, "-o", back_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "a Juggler export read back exactly, 2 tasks"));
  g_assert_nonnull (strstr (r.out, "Nothing was dropped."));
  jg_cli_result_clear (&r);

  original = load (trace_path);
  back = load (back_path);
  compute_metrics (original, &a);
  compute_metrics (back, &b);
  g_assert_cmpuint (b.tasks, ==, 2);
  g_assert_cmpuint (b.gil_handoffs, ==, a.gil_handoffs);
  g_assert_cmpuint (b.gil_handoffs, ==, 3);
  g_assert_cmpfloat (b.concurrency, ==, a.concurrency);
  g_assert_cmpfloat (b.parallelism, ==, a.parallelism);
  g_assert_cmpuint (b.state_ns[JG_STATE_IO_WAIT], ==, a.state_ns[JG_STATE_IO_WAIT]);
  g_assert_cmpuint (b.gil_wait_ns, ==, a.gil_wait_ns);
  g_assert_cmpstr (jg_trace_get_title (back), ==, "The convoy effect");
}

/* The format follows from the output's name; --json says what was written. */
static void
test_export_json_and_inferred_format (void)
{
  g_autofree char *trace_path = write_trace ("inferred.juggler");
  g_autofree char *json_path = tmp_path ("inferred.json");
  g_autoptr (JsonObject) object = NULL;
  JgCliResult r = jg_cli_test_run ("export", "--json", trace_path, "-o", json_path, NULL);

  g_assert_cmpint (r.status, ==, 0);
  object = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "chrome");
  g_assert_cmpint (json_object_get_int_member (object, "tasks"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "events"), ==, 22);
  g_assert_cmpint (json_object_get_int_member (object, "bytes"), >, 1000);
  g_assert_true (g_file_test (json_path, G_FILE_TEST_IS_REGULAR));
  jg_cli_result_clear (&r);
}

/* Not formats at all say so clearly, and list the ones there are. */
static void
test_export_bad_formats (void)
{
  g_autofree char *trace_path = write_trace ("formats.juggler");
  g_autofree char *bmp = tmp_path ("picture.bmp");
  JgCliResult r = jg_cli_test_run ("export", trace_path, "--format", "bmp", "-o", bmp, NULL);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "unknown format “bmp”"));
  g_assert_nonnull (strstr (r.err, "chrome, png, svg, pdf"));
  g_assert_false (g_file_test (bmp, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "-o", bmp, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "give --format"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "--format", "chrome", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "-o OUT"));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--format"));
  g_assert_nonnull (strstr (r.out, "Formats: chrome, png, svg, pdf."));
  g_assert_nonnull (strstr (r.out, "--theme"));
  jg_cli_result_clear (&r);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  return contents;
}

/* A PNG's size, from its header. */
static void
png_size (const char *path,
          guint      *width,
          guint      *height)
{
  gsize length;
  g_autofree guint8 *data = (guint8 *) read_file (path, &length);

  g_assert_cmpuint (length, >, 24);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  *width = (guint) data[16] << 24 | (guint) data[17] << 16 | (guint) data[18] << 8 | data[19];
  *height = (guint) data[20] << 24 | (guint) data[21] << 16 | (guint) data[22] << 8 | data[23];
}

/* Each picture format writes its file, by --format or by the extension, with
 * the options it was given. */
static void
test_export_pictures (void)
{
  g_autofree char *trace_path = write_trace ("pictures.juggler");
  g_autofree char *png = tmp_path ("slide.png");
  g_autofree char *svg = tmp_path ("slide.svg");
  g_autofree char *pdf = tmp_path ("slide.pdf");
  g_autofree char *named = tmp_path ("named-by-format");
  g_autofree char *text = NULL;
  g_autoptr (JsonObject) object = NULL;
  gsize length;
  guint width, height;
  JgCliResult r = jg_cli_test_run ("export", trace_path, "-o", png, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "a PNG picture of the trace, 2 tasks, 22 events"));
  g_assert_nonnull (strstr (r.out, "1600 × "));
  png_size (png, &width, &height);
  g_assert_cmpuint (width, ==, 1600);
  g_assert_cmpuint (height, >, 200);
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "-o", png, "--view", "cores", "--theme", "projector",
               "--from", "0.001", "--to", "0.011", "--width", "800", "--height", "600", "--scale", "2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1600 × 1200 pixels"));
  png_size (png, &width, &height);
  g_assert_cmpuint (width, ==, 1600);
  g_assert_cmpuint (height, ==, 1200);
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", "--json", trace_path, "-o", svg, "--view", "workers", "--theme", "dark",
               "--width", "1024", "--height", "576", NULL);
  g_assert_cmpint (r.status, ==, 0);
  object = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "svg");
  g_assert_cmpfloat (json_object_get_double_member (object, "width"), ==, 1024);
  g_assert_cmpfloat (json_object_get_double_member (object, "height"), ==, 576);
  g_assert_cmpint (json_object_get_int_member (object, "bytes"), >, 1000);
  text = read_file (svg, &length);
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "width=\"1024pt\" height=\"576pt\""));
  g_clear_pointer (&text, g_free);
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "-o", pdf, "--from", "0.005", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a PDF picture of the trace"));
  g_assert_nonnull (strstr (r.out, "points"));
  text = read_file (pdf, &length);
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  g_clear_pointer (&text, g_free);
  jg_cli_result_clear (&r);

  /* --format wins over the name. */
  r = jg_cli_test_run ("export", trace_path, "--format", "pdf", "-o", named, NULL);
  g_assert_cmpint (r.status, ==, 0);
  text = read_file (named, &length);
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  jg_cli_result_clear (&r);
}

/* Files in @dir whose name holds @part: temporary files included. */
static guint
count_named (const char *dir_path,
             const char *part)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += strstr (name, part) != NULL;
  return n;
}

/* Each mistake gets a message saying what is wrong, a failure status, and no
 * file, not even a temporary one. */
static void
test_export_picture_errors (void)
{
  g_autofree char *trace_path = write_trace ("picture-errors.juggler");
  g_autofree char *png = tmp_path ("never.png");
  g_autofree char *json = tmp_path ("never.json");
  g_autofree char *svg = tmp_path ("never.svg");
  g_autofree char *missing = tmp_path ("no-such-folder/out.png");
  const struct
  {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "--from", "0.008", "--to", "0.004" }, "--from/--to: the window must start before it ends" },
    { { "--from", "0.005", "--to", "0.005" }, "must start before it ends" },
    { { "--to", "20" }, "the window ends at 20.000 s, but the trace lasts 0.012 s" },
    { { "--from", "0.5" }, "the window starts at 0.500 s, but the trace lasts 0.012 s" },
    { { "--from", "-1" }, "not negative" },
    { { "--from", "soon" }, "--from “soon” is not a number" },
    { { "--view", "lanes" }, "unknown view “lanes”; one of: tasks, workers, cores" },
    { { "--theme", "neon" }, "unknown theme “neon”; one of: light, dark, projector" },
    { { "--width", "10" }, "the width must be between 320 and 16384" },
    { { "--width", "0" }, "the width must be between" },
    { { "--height", "99999" }, "the height must be between 200 and 16384" },
    { { "--scale", "9" }, "the scale must be between 1 and 4" },
    { { "--width", "16000", "--scale", "4" }, "too large" },
  };
  JgCliResult r;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autoptr (GSubprocess) process = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_ptr_array_add (args, (char *) g_getenv ("JUGGLER_CLI"));
      g_ptr_array_add (args, (char *) "export");
      g_ptr_array_add (args, trace_path);
      g_ptr_array_add (args, (char *) "-o");
      g_ptr_array_add (args, png);
      for (guint a = 0; a < G_N_ELEMENTS (cases[i].args) && cases[i].args[a] != NULL; a++)
        g_ptr_array_add (args, (char *) cases[i].args[a]);
      g_ptr_array_add (args, NULL);
      process = g_subprocess_newv ((const char * const *) args->pdata,
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      if (strstr (err, cases[i].message) == NULL)
        g_error ("case %u: “%s” not in “%s”", i, cases[i].message, err);
      g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "juggler-cli export: "));
      g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_named (tmp_dir, "never"), ==, 0);
    }

  /* Picture options are not for Chrome traces, nor --scale for vectors. */
  r = jg_cli_test_run ("export", trace_path, "-o", json, "--view", "cores", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "--view is for pictures (png, svg, pdf), not --format chrome"));
  g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "-o", svg, "--scale", "2", NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "--scale is for PNG pictures"));
  g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);

  /* Unwritable: a folder that does not exist, a folder in the way. */
  r = jg_cli_test_run ("export", trace_path, "-o", missing, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "no-such-folder"));
  g_assert_cmpuint (count_named (tmp_dir, "no-such-folder"), ==, 0);
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", trace_path, "--format", "png", "-o", tmp_dir, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "it is a folder"));
  jg_cli_result_clear (&r);
}

/* Failures leave nothing behind. */
static void
test_export_failures (void)
{
  g_autofree char *trace_path = write_trace ("failures.juggler");
  g_autofree char *missing_dir = tmp_path ("no-such-dir");
  g_autofree char *out = g_build_filename (missing_dir, "out.json", NULL);
  g_autofree char *missing_trace = tmp_path ("missing.juggler");
  g_autofree char *json_path = tmp_path ("never.json");
  JgCliResult r = jg_cli_test_run ("export", trace_path, "--format", "chrome", "-o", out, NULL);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "juggler-cli export:"));
  g_assert_nonnull (strstr (r.err, "no-such-dir"));
  g_assert_false (g_file_test (missing_dir, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("export", missing_trace, "-o", json_path, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "missing.juggler"));
  g_assert_false (g_file_test (json_path, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);
}

/* Another tool's trace: its slices become tasks, and the report says what
 * did not map. */
static void
test_import_report (void)
{
  g_autofree char *in = tmp_path ("viztracer.json");
  g_autofree char *out = tmp_path ("viztracer.juggler");
  g_autoptr (JsonObject) object = NULL;
  g_autoptr (JgTrace) trace = NULL;
  JsonArray *report;
  gboolean found = FALSE;
  const char *text =
    "{\"traceEvents\": ["
    "{\"ph\": \"M\", \"pid\": 7, \"tid\": 7, \"name\": \"thread_name\", \"args\": {\"name\": \"MainThread\"}},"
    "{\"ph\": \"X\", \"pid\": 7, \"tid\": 7, \"ts\": 10, \"dur\": 5, \"name\": \"inner\"},"
    "{\"ph\": \"X\", \"pid\": 7, \"tid\": 7, \"ts\": 0, \"dur\": 100, \"name\": \"main\"},"
    "{\"ph\": \"X\", \"pid\": 7, \"tid\": 8, \"ts\": 20, \"dur\": 30, \"name\": \"worker\"},"
    "{\"ph\": \"b\", \"pid\": 7, \"tid\": 7, \"ts\": 1, \"id\": 1, \"cat\": \"a\", \"name\": \"coro\"},"
    "{\"ph\": \"e\", \"pid\": 7, \"tid\": 7, \"ts\": 9, \"id\": 1, \"cat\": \"a\", \"name\": \"coro\"},"
    "{\"ph\": \"n\", \"pid\": 7, \"tid\": 7, \"ts\": 5, \"id\": 1, \"cat\": \"a\", \"name\": \"step\"}"
    "]}";
  JgCliResult r;

  g_assert_true (g_file_set_contents (in, text, -1, NULL));
  r = jg_cli_test_run ("import", in, "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 tasks from top-level slices, on 2 workers (one per thread)"));
  g_assert_nonnull (strstr (r.out, "3 async events (ph b, e, n, S, T, p, F) were not imported"));
  g_assert_nonnull (strstr (r.out, "1 nested slice (a sub-call) was folded into its task"));
  jg_cli_result_clear (&r);

  trace = load (out);
  g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 2);
  g_assert_cmpstr (jg_trace_get_task_name (trace, 0), ==, "main");
  g_assert_cmpstr (jg_trace_get_worker_name (trace, 0), ==, "MainThread");

  r = jg_cli_test_run ("import", "--json", in, "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 0);
  object = jg_cli_test_parse_object (r.out);
  g_assert_false (json_object_get_boolean_member (object, "juggler_export"));
  g_assert_cmpint (json_object_get_int_member (object, "events_read"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (object, "unmapped"), ==, 3);
  report = json_object_get_array_member (object, "report");
  for (guint i = 0; i < json_array_get_length (report); i++)
    {
      JsonObject *item = json_array_get_object_element (report, i);

      if (g_str_equal (json_object_get_string_member (item, "kind"), "async"))
        {
          g_assert_cmpint (json_object_get_int_member (item, "count"), ==, 3);
          g_assert_true (json_object_get_boolean_member (item, "unmapped"));
          found = TRUE;
        }
    }
  g_assert_true (found);
  jg_cli_result_clear (&r);
}

static void
test_import_bad_file (void)
{
  g_autofree char *in = tmp_path ("bad.json");
  g_autofree char *out = tmp_path ("bad.juggler");
  JgCliResult r;

  g_assert_true (g_file_set_contents (in, "{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 0, \"dur\": 1}, {\"ts\": 3}]}",
                                      -1, NULL));
  r = jg_cli_test_run ("import", in, "-o", out, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "juggler-cli import: bad.json: traceEvents[1]: no \"ph\""));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  jg_cli_result_clear (&r);

  r = jg_cli_test_run ("import", in, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "-o OUT.juggler"));
  jg_cli_result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_make_tmp_dir ("juggler-cli-export-XXXXXX");

  g_test_add_func ("/cli/export/export-import", test_export_import);
  g_test_add_func ("/cli/export/json-and-inferred-format", test_export_json_and_inferred_format);
  g_test_add_func ("/cli/export/bad-formats", test_export_bad_formats);
  g_test_add_func ("/cli/export/pictures", test_export_pictures);
  g_test_add_func ("/cli/export/picture-errors", test_export_picture_errors);
  g_test_add_func ("/cli/export/failures", test_export_failures);
  g_test_add_func ("/cli/import/report", test_import_report);
  g_test_add_func ("/cli/import/bad-file", test_import_bad_file);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
