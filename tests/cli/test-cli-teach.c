/* test-cli-teach.c: `juggler-cli lesson` and `juggler-cli caption` as a teacher
 * uses them: the built-in course checks out, a lesson is prepared with its
 * traces and opened again without running anything, bad lessons fail with the
 * file and the field, and a real run's captions name its threads. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* The built-in course: listed, and every step checked. */
static void
test_builtin_course (void)
{
  g_auto (JgCliResult) list = jg_cli_test_run ("lesson", NULL);
  g_auto (JgCliResult) show = jg_cli_test_run ("lesson", "python-concurrency", "--json", NULL);
  g_auto (JgCliResult) text = jg_cli_test_run ("lesson", "python-concurrency", NULL);
  g_autoptr (JsonObject) lesson = NULL;
  JsonArray *steps;

  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "python-concurrency"));

  g_assert_cmpint (show.status, ==, 0);
  lesson = jg_cli_test_parse_object (show.out);
  g_assert_cmpstr (json_object_get_string_member (lesson, "id"), ==, "python-concurrency");
  steps = json_object_get_array_member (lesson, "steps");
  g_assert_cmpuint (json_array_get_length (steps), >=, 8);
  g_assert_cmpuint (json_array_get_length (steps), <=, 12);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);

      g_assert_cmpint (json_object_get_int_member (step, "index"), ==, i + 1);
      g_assert_nonnull (json_object_get_string_member (step, "scenario"));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (step, "question"), "?"));
      g_assert_true (json_object_get_null_member (step, "trace"));
    }

  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "Look at:"));
  g_assert_nonnull (strstr (text.out, "Ask:"));
}

/* At home: run each step once and save the lesson with its traces. In class:
 * open it and everything is there, nothing to run. */
static void
test_prepare_and_open (void)
{
  g_autofree char *source = tmp_path ("small.json");
  g_autofree char *prepared = tmp_path ("prepared.json");
  g_autofree char *shared = tmp_path ("shared.json");
  g_autofree char *trace = tmp_path ("prepared.traces/01-switch-interval.juggler");
  static const char lesson[] =
    "{ \"format\": \"juggler-lesson\", \"version\": 1, \"id\": \"small\", \"title\": \"Small\",\n"
    "  \"steps\": [\n"
    "    { \"title\": \"Hand-offs\", \"topic\": \"gil\", \"scenario\": \"switch-interval\",\n"
    "      \"model\": \"threads\", \"parameters\": { \"work\": 30 }, \"switch_interval_ms\": 2,\n"
    "      \"look_at\": \"The GIL lane.\", \"question\": \"Who runs?\" },\n"
    "    { \"title\": \"In order\", \"topic\": \"io-vs-cpu\", \"scenario\": \"downloads\",\n"
    "      \"model\": \"sequential\", \"parameters\": { \"downloads\": 2, \"latency\": 10, \"parse\": 0 },\n"
    "      \"look_at\": \"One at a time.\", \"question\": \"How long?\" }\n"
    "  ] }\n";
  g_autoptr (JsonObject) opened = NULL;
  g_autoptr (JsonObject) embedded = NULL;
  g_autoptr (JsonObject) captions = NULL;
  JsonArray *steps;

  g_assert_true (g_file_set_contents (source, lesson, -1, NULL));

  {
    g_auto (JgCliResult) record = jg_cli_test_run ("lesson", source, "--record", "--save", prepared, NULL);

    g_assert_cmpint (record.status, ==, 0);
    g_assert_true (g_file_test (trace, G_FILE_TEST_IS_REGULAR));
  }
  {
    g_auto (JgCliResult) open = jg_cli_test_run ("lesson", prepared, "--json", NULL);

    g_assert_cmpint (open.status, ==, 0);
    opened = jg_cli_test_parse_object (open.out);
    steps = json_object_get_array_member (opened, "steps");
    for (guint i = 0; i < json_array_get_length (steps); i++)
      {
        JsonObject *step_trace = json_object_get_object_member (json_array_get_object_element (steps, i), "trace");

        g_assert_nonnull (step_trace);
        g_assert_cmpint (json_object_get_int_member (step_trace, "events"), >, 0);
        g_assert_false (json_object_get_boolean_member (step_trace, "embedded"));
      }
  }
  /* One file to send to a colleague. */
  {
    g_auto (JgCliResult) embed = jg_cli_test_run ("lesson", prepared, "--save", shared, "--embed", "--json", NULL);

    g_assert_cmpint (embed.status, ==, 0);
    embedded = jg_cli_test_parse_object (embed.out);
    g_assert_true (json_object_get_boolean_member (
        json_object_get_object_member (json_array_get_object_element (
            json_object_get_array_member (embedded, "steps"), 0), "trace"), "embedded"));
  }
  /* The prepared trace has the words for its hand-offs. */
  {
    g_auto (JgCliResult) caption = jg_cli_test_run ("caption", trace, "--json", NULL);
    JsonArray *list;
    gboolean handoff = FALSE;

    g_assert_cmpint (caption.status, ==, 0);
    captions = jg_cli_test_parse_object (caption.out);
    list = json_object_get_array_member (captions, "captions");
    g_assert_cmpuint (json_array_get_length (list), ==, json_object_get_int_member (captions, "count"));
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *c = json_array_get_object_element (list, i);

        if (g_str_equal (json_object_get_string_member (c, "kind"), "gil-handoff"))
          handoff |= strstr (json_object_get_string_member (c, "text"), "Thread 1") != NULL
                     && strstr (json_object_get_string_member (c, "text"), "Thread 2") != NULL;
      }
    g_assert_true (handoff);
  }
}

static void
test_caption_at (void)
{
  g_autofree char *trace = tmp_path ("run.juggler");
  g_autoptr (JsonObject) at = NULL;
  g_autoptr (JsonObject) stepped = NULL;
  JsonObject *caption;

  {
    g_auto (JgCliResult) run = jg_cli_test_run ("run", "switch-interval", "--set", "work=30", "--switch-interval", "2",
                                   "-o", trace, "--json", NULL);

    g_assert_cmpint (run.status, ==, 0);
  }
  /* At the time of a caption from the list, that caption. */
  {
    g_auto (JgCliResult) all = jg_cli_test_run ("caption", trace, "--json", NULL);
    g_autoptr (JsonObject) list = NULL;
    g_auto (JgCliResult) result = { 0 };
    g_autofree char *time = NULL;
    JsonArray *captions;
    JsonObject *middle;
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];

    g_assert_cmpint (all.status, ==, 0);
    list = jg_cli_test_parse_object (all.out);
    captions = json_object_get_array_member (list, "captions");
    g_assert_cmpuint (json_array_get_length (captions), >, 2);
    middle = json_array_get_object_element (captions, json_array_get_length (captions) / 2);
    time = g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.9f", json_object_get_double_member (middle, "time_s")));

    result = jg_cli_test_run ("caption", trace, "--at", time, "--json", NULL);
    g_assert_cmpint (result.status, ==, 0);
    at = jg_cli_test_parse_object (result.out);
    caption = json_object_get_object_member (at, "caption");
    g_assert_nonnull (caption);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (caption, "time_s"),
                                    json_object_get_double_member (middle, "time_s"), 1e-9);
    g_assert_cmpuint (strlen (json_object_get_string_member (caption, "text")), >, 0);
  }
  /* Before anything happened: no caption. */
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("caption", trace, "--at", "0", "--json", NULL);
    g_autoptr (JsonObject) none = NULL;

    g_assert_cmpint (result.status, ==, 0);
    none = jg_cli_test_parse_object (result.out);
    g_assert_true (json_object_get_null_member (none, "caption"));
  }
  /* Page Down to the next hand-off: its caption is the hand-off's. */
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("caption", trace, "--at", "0", "--step", "handoff", "--json", NULL);

    g_assert_cmpint (result.status, ==, 0);
    stepped = jg_cli_test_parse_object (result.out);
    caption = json_object_get_object_member (stepped, "caption");
    g_assert_nonnull (caption);
    g_assert_cmpstr (json_object_get_string_member (caption, "kind"), ==, "gil-handoff");
    g_assert_cmpfloat (json_object_get_double_member (caption, "time_s"), ==,
                       json_object_get_double_member (stepped, "at_s"));
    g_assert_nonnull (strstr (json_object_get_string_member (caption, "text"), "takes it"));
  }
  {
    g_auto (JgCliResult) all = jg_cli_test_run ("caption", trace, NULL);

    g_assert_cmpint (all.status, ==, 0);
    g_assert_nonnull (strstr (all.out, "gil-handoff"));
    g_assert_nonnull (strstr (all.out, "asks Thread"));
  }
}

static void
test_errors (void)
{
  g_autofree char *bad = tmp_path ("bad-lesson.json");
  g_autofree char *trace = tmp_path ("missing.juggler");

  g_assert_true (g_file_set_contents (bad,
                                      "{ \"format\": \"juggler-lesson\", \"version\": 1, \"id\": \"b\",\n"
                                      "  \"title\": \"B\", \"steps\": [ { \"title\": \"T\", \"topic\": \"gil\",\n"
                                      "  \"scenario\": \"no-such-thing\", \"model\": \"threads\",\n"
                                      "  \"look_at\": \"L\", \"question\": \"Q?\" } ] }\n", -1, NULL));
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("lesson", bad, NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "bad-lesson.json: steps[0].scenario: no built-in scenario is called "
                                          "“no-such-thing”"));
  }
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("lesson", "no-such-lesson", NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "No built-in lesson is called “no-such-lesson”"));
  }
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("lesson", "python-concurrency", "--embed", NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "--save"));
  }
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("caption", trace, NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "juggler-cli caption:"));
  }
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("caption", trace, "--at", "soon", NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "--at expects a time in seconds"));
  }
  {
    g_auto (JgCliResult) result = jg_cli_test_run ("caption", trace, "--at", "1", "--all", NULL);

    g_assert_cmpint (result.status, !=, 0);
    g_assert_nonnull (strstr (result.err, "--at and --all"));
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-teach-XXXXXX");

  g_test_add_func ("/cli/teach/builtin-course", test_builtin_course);
  g_test_add_func ("/cli/teach/prepare-and-open", test_prepare_and_open);
  g_test_add_func ("/cli/teach/caption-at", test_caption_at);
  g_test_add_func ("/cli/teach/errors", test_errors);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
