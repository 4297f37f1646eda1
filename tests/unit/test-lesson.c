/* test-lesson.c: lesson files. The built-in course names scenarios that exist,
 * in course order; a lesson saved with its traces loads back with every step,
 * text and trace byte for byte, in a folder or embedded; bad files get errors
 * naming the file and the field; a failed save leaves the old file alone. */
#include <glib/gstdio.h>
#include <string.h>

#include "jg-lesson.h"
#include "jg-scenario.h"
#include "jg-test-plan.h"
#include "jg-trace-file.h"

static char *tmp_dir;

/* A small trace of @scenario under @model, as a run would leave it. */
static JgTrace *
make_trace (const char *scenario,
            const char *model,
            guint       n_events)
{
  JgTrace *trace = jg_trace_new ();
  JgRunInfo info = { model, 1, "gil", 5, NULL };
  guint32 task;

  jg_trace_set_run_info (trace, &info);
  jg_trace_set_scenario (trace, scenario, scenario, NULL);
  task = jg_trace_add_task (trace, "Thread 1", JG_LANE_NONE);
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 1);
  for (guint i = 0; i < n_events; i++)
    {
      JgEvent e = { 1000 * (guint64) i, task, 0, i % 2 == 0 ? JG_EVENT_RUN : JG_EVENT_SUSPEND, -1,
                    i % 2 == 0 ? 0 : JG_SUSPEND_IO };

      jg_trace_append (trace, &e, 1);
    }
  jg_trace_set_end_ns (trace, 1000 * (guint64) n_events);
  jg_trace_finish (trace);
  return trace;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static void
test_builtin_course (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lessons = jg_lesson_load_builtins (&error);
  g_autoptr (JgLesson) course = NULL;
  JgLessonTopic previous = JG_LESSON_TOPIC_CONCURRENCY;
  gboolean seen[JG_N_LESSON_TOPICS] = { FALSE };

  g_assert_no_error (error);
  g_assert_nonnull (lessons);
  course = jg_lesson_find_builtin ("python-concurrency", &error);
  g_assert_no_error (error);

  g_assert_cmpuint (jg_lesson_get_n_steps (course), >=, 8);
  g_assert_cmpuint (jg_lesson_get_n_steps (course), <=, 12);
  g_assert_nonnull (jg_lesson_get_summary (course));

  for (guint i = 0; i < jg_lesson_get_n_steps (course); i++)
    {
      JgLessonStep *step = jg_lesson_get_step (course, i);
      g_autoptr (JgScenario) scenario = jg_scenario_find_builtin (jg_lesson_step_get_scenario (step), &error);
      const char * const *models;
      gboolean model_found = FALSE;

      /* Every step's scenario is a built-in that runs under the step's model. */
      g_assert_no_error (error);
      g_assert_nonnull (scenario);
      models = jg_scenario_get_models (scenario);
      for (guint m = 0; models[m] != NULL; m++)
        model_found |= g_str_equal (models[m], jg_lesson_step_get_model (step));
      g_assert_true (model_found);

      g_assert_cmpuint (strlen (jg_lesson_step_get_title (step)), >, 0);
      g_assert_cmpuint (strlen (jg_lesson_step_get_look_at (step)), >, 20);
      g_assert_true (g_str_has_suffix (jg_lesson_step_get_question (step), "?"));

      /* In the order a course teaches them. */
      g_assert_cmpint (jg_lesson_step_get_topic (step), >=, previous);
      previous = jg_lesson_step_get_topic (step);
      seen[previous] = TRUE;
    }
  for (guint t = 0; t < JG_N_LESSON_TOPICS; t++)
    g_assert_true (seen[t]);
}

static JgLesson *
make_lesson (void)
{
  g_autoptr (JgLesson) lesson = jg_lesson_new ("my-class", "Threads for beginners");
  g_autoptr (JgTrace) first = make_trace ("switch-interval", "threads", 40);
  g_autoptr (JgTrace) second = make_trace ("downloads", "threads", 10);
  g_autoptr (JsonObject) parameters = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *second_path = tmp_path ("second.juggler");
  g_autoptr (GFile) second_file = g_file_new_for_path (second_path);
  g_autoptr (GBytes) second_bytes = NULL;
  JgLessonStep *step;

  jg_lesson_set_summary (lesson, "Two runs and a question.");

  step = jg_lesson_step_new (JG_LESSON_TOPIC_GIL, "switch-interval", "threads");
  jg_lesson_step_set_texts (step, "Hand-offs", "Look at the GIL lane.", "Who holds the GIL?",
                            "One thread at a time.");
  json_object_set_int_member (parameters, "work", 100);
  jg_lesson_step_set_parameters (step, parameters);
  jg_lesson_step_set_switch_interval_ms (step, 1);
  jg_lesson_step_set_interpreter (step, "gil");
  jg_lesson_step_set_workers (step, 2);
  g_assert_true (jg_lesson_step_set_trace (step, first, &error));
  g_assert_no_error (error);
  jg_lesson_add_step (lesson, step);

  /* A trace as a file on disk, taken as it is. */
  g_assert_true (jg_trace_file_save (second, second_file, NULL, &error));
  g_assert_no_error (error);
  second_bytes = g_file_load_bytes (second_file, NULL, NULL, &error);
  g_assert_no_error (error);
  step = jg_lesson_step_new (JG_LESSON_TOPIC_IO_VS_CPU, "downloads", "threads");
  jg_lesson_step_set_texts (step, "Waiting", "Look at “concurrency”, quoted.", "Why ten at once?", NULL);
  g_assert_true (jg_lesson_step_set_trace_bytes (step, second_bytes, "second.juggler", &error));
  g_assert_no_error (error);
  jg_lesson_add_step (lesson, step);

  /* No trace: the teacher runs it live. */
  step = jg_lesson_step_new (JG_LESSON_TOPIC_PROCESSES, "fork-vs-spawn", "processes");
  jg_lesson_step_set_texts (step, "Start-up", "Look at the start of each lane.", "Fork or spawn?", NULL);
  jg_lesson_step_set_start_method (step, "spawn");
  jg_lesson_add_step (lesson, step);

  return g_steal_pointer (&lesson);
}

static void
assert_same_lesson (JgLesson *a,
                    JgLesson *b)
{
  g_assert_cmpstr (jg_lesson_get_id (a), ==, jg_lesson_get_id (b));
  g_assert_cmpstr (jg_lesson_get_title (a), ==, jg_lesson_get_title (b));
  g_assert_cmpstr (jg_lesson_get_summary (a), ==, jg_lesson_get_summary (b));
  g_assert_cmpuint (jg_lesson_get_n_steps (a), ==, jg_lesson_get_n_steps (b));
  for (guint i = 0; i < jg_lesson_get_n_steps (a); i++)
    {
      JgLessonStep *x = jg_lesson_get_step (a, i);
      JgLessonStep *y = jg_lesson_get_step (b, i);
      g_autoptr (JsonNode) px = json_node_init_object (json_node_alloc (), jg_lesson_step_get_parameters (x));
      g_autoptr (JsonNode) py = json_node_init_object (json_node_alloc (), jg_lesson_step_get_parameters (y));

      g_assert_cmpint (jg_lesson_step_get_topic (x), ==, jg_lesson_step_get_topic (y));
      g_assert_cmpstr (jg_lesson_step_get_scenario (x), ==, jg_lesson_step_get_scenario (y));
      g_assert_cmpstr (jg_lesson_step_get_model (x), ==, jg_lesson_step_get_model (y));
      g_assert_cmpstr (jg_lesson_step_get_title (x), ==, jg_lesson_step_get_title (y));
      g_assert_cmpstr (jg_lesson_step_get_look_at (x), ==, jg_lesson_step_get_look_at (y));
      g_assert_cmpstr (jg_lesson_step_get_question (x), ==, jg_lesson_step_get_question (y));
      g_assert_cmpstr (jg_lesson_step_get_answer (x), ==, jg_lesson_step_get_answer (y));
      g_assert_cmpstr (jg_lesson_step_get_interpreter (x), ==, jg_lesson_step_get_interpreter (y));
      g_assert_cmpstr (jg_lesson_step_get_start_method (x), ==, jg_lesson_step_get_start_method (y));
      g_assert_cmpuint (jg_lesson_step_get_workers (x), ==, jg_lesson_step_get_workers (y));
      g_assert_cmpfloat (jg_lesson_step_get_switch_interval_ms (x), ==, jg_lesson_step_get_switch_interval_ms (y));
      g_assert_true (json_node_equal (px, py));
      if (jg_lesson_step_get_trace_bytes (x) == NULL)
        {
          g_assert_null (jg_lesson_step_get_trace_bytes (y));
          g_assert_null (jg_lesson_step_get_trace (y));
          continue;
        }
      /* Byte for byte, and it loads. */
      g_assert_nonnull (jg_lesson_step_get_trace_bytes (y));
      g_assert_true (g_bytes_equal (jg_lesson_step_get_trace_bytes (x), jg_lesson_step_get_trace_bytes (y)));
      g_assert_cmpuint (jg_trace_get_n_events (jg_lesson_step_get_trace (x)), ==,
                        jg_trace_get_n_events (jg_lesson_step_get_trace (y)));
    }
}

static void
test_round_trip_folder (void)
{
  g_autoptr (JgLesson) lesson = make_lesson ();
  g_autoptr (JgLesson) loaded = NULL;
  g_autoptr (JgLesson) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("class.json");
  g_autofree char *copy_path = tmp_path ("copy.json");
  g_autofree char *trace_path = tmp_path ("class.traces/01-switch-interval.juggler");
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) copy = g_file_new_for_path (copy_path);
  g_autofree char *on_disk = NULL;
  gsize length;

  g_assert_true (jg_lesson_save (lesson, file, &error));
  g_assert_no_error (error);

  /* The traces are files beside the lesson, exactly the bytes it held. */
  g_assert_true (g_file_get_contents (trace_path, &on_disk, &length, NULL));
  g_assert_cmpmem (on_disk, length,
                   g_bytes_get_data (jg_lesson_step_get_trace_bytes (jg_lesson_get_step (lesson, 0)), NULL),
                   g_bytes_get_size (jg_lesson_step_get_trace_bytes (jg_lesson_get_step (lesson, 0))));
  g_assert_cmpstr (jg_lesson_step_get_trace_path (jg_lesson_get_step (lesson, 0)), ==,
                   "class.traces/01-switch-interval.juggler");

  loaded = jg_lesson_load (file, &error);
  g_assert_no_error (error);
  assert_same_lesson (lesson, loaded);
  g_assert_cmpstr (jg_lesson_step_get_trace_path (jg_lesson_get_step (loaded, 1)), ==,
                   "class.traces/02-downloads.juggler");

  /* Saved again elsewhere, it is the same file: saving is deterministic. */
  g_assert_true (jg_lesson_save (loaded, copy, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &first_text, NULL, NULL));
  g_assert_true (g_file_get_contents (copy_path, &second_text, NULL, NULL));
  g_assert_cmpstr (first_text, ==, second_text);
  again = jg_lesson_load (copy, &error);
  g_assert_no_error (error);
  assert_same_lesson (lesson, again);
}

static void
test_round_trip_embedded (void)
{
  g_autoptr (JgLesson) lesson = make_lesson ();
  g_autoptr (JgLesson) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = tmp_path ("embedded");
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GFile) file = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  path = g_build_filename (dir, "share.json", NULL);
  folder = g_build_filename (dir, "share.traces", NULL);
  file = g_file_new_for_path (path);

  g_assert_true (jg_lesson_save_full (lesson, file, JG_LESSON_SAVE_EMBED_TRACES, &error));
  g_assert_no_error (error);
  /* One file: nothing beside it. */
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"trace_data\""));
  g_assert_null (jg_lesson_step_get_trace_path (jg_lesson_get_step (lesson, 0)));

  loaded = jg_lesson_load (file, &error);
  g_assert_no_error (error);
  assert_same_lesson (lesson, loaded);
}

/* Saving over a lesson replaces it whole; a save that cannot be made leaves it be. */
static void
test_save_atomically (void)
{
  g_autoptr (JgLesson) lesson = make_lesson ();
  g_autoptr (JgLesson) bad = jg_lesson_new ("bad", "Bad");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = tmp_path ("atomic");
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GDir) listing = NULL;
  const char *name;
  JgLessonStep *step;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  path = g_build_filename (dir, "lesson.json", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, "an older lesson", -1, NULL));
  g_assert_true (jg_lesson_save (lesson, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_true (g_str_has_prefix (before, "{"));

  /* A step naming no scenario that exists: nothing is written. */
  step = jg_lesson_step_new (JG_LESSON_TOPIC_GIL, "no-such-scenario", "threads");
  jg_lesson_step_set_texts (step, "T", "Look.", "Why?", NULL);
  jg_lesson_add_step (bad, step);
  g_assert_false (jg_lesson_save (bad, file, &error));
  g_assert_error (error, JG_LESSON_ERROR, JG_LESSON_ERROR_SCENARIO);
  g_assert_nonnull (strstr (error->message, "steps[0].scenario"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* No temporary file is left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_true (g_str_equal (name, "lesson.json") || g_str_equal (name, "lesson.traces"));

  /* A folder cannot be saved over. */
  folder = g_file_new_for_path (dir);
  g_assert_false (jg_lesson_save (lesson, folder, &error));
  g_assert_nonnull (error);
}

typedef struct
{
  const char *name;
  const char *json;
  gint        code;
  const char *message;
} BadCase;

#define STEP_OK "\"title\": \"T\", \"topic\": \"gil\", \"scenario\": \"switch-interval\", " \
                "\"model\": \"threads\", \"look_at\": \"Look.\", \"question\": \"Why?\""
#define LESSON(steps) "{ \"format\": \"juggler-lesson\", \"version\": 1, \"id\": \"x\", " \
                      "\"title\": \"X\", \"steps\": [ " steps " ] }"

static void
test_bad_files (void)
{
  g_autoptr (JgTrace) other = make_trace ("downloads", "threads", 4);
  g_autofree char *other_path = tmp_path ("other.juggler");
  g_autoptr (GFile) other_file = g_file_new_for_path (other_path);
  g_autoptr (GFile) folder = g_file_new_for_path (tmp_dir);
  g_autoptr (GError) save_error = NULL;
  const BadCase cases[] = {
    { "not-json", "{ \"format\": ", JG_LESSON_ERROR_PARSE, "bad.json: not valid JSON" },
    { "not-a-lesson", "{ \"format\": \"juggler-trace\", \"version\": 1 }", JG_LESSON_ERROR_INVALID,
      "bad.json: format: not a Juggler lesson" },
    { "newer", "{ \"format\": \"juggler-lesson\", \"version\": 2 }", JG_LESSON_ERROR_VERSION,
      "bad.json: version: the lesson is version 2" },
    { "no-steps", LESSON (""), JG_LESSON_ERROR_INVALID, "bad.json: steps: a lesson has 1 to 100 steps, not 0" },
    { "missing-scenario", LESSON ("{ \"title\": \"T\", \"topic\": \"gil\", \"scenario\": \"nope\", "
                                  "\"model\": \"threads\", \"look_at\": \"L\", \"question\": \"Q?\" }"),
      JG_LESSON_ERROR_SCENARIO, "bad.json: steps[0].scenario: no built-in scenario is called “nope”" },
    { "unknown-field", LESSON ("{ " STEP_OK ", \"colour\": \"red\" }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].colour: unknown field (expected one of: title, topic" },
    { "wrong-type", LESSON ("{ " STEP_OK ", \"workers\": \"four\" }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].workers: expected a number, got a string" },
    { "wrong-model", LESSON ("{ \"title\": \"T\", \"topic\": \"gil\", \"scenario\": \"switch-interval\", "
                             "\"model\": \"asyncio\", \"look_at\": \"L\", \"question\": \"Q?\" }"),
      JG_LESSON_ERROR_SCENARIO, "bad.json: steps[0].model: “asyncio” is not a model of “switch-interval”" },
    { "bad-parameter", LESSON ("{ " STEP_OK ", \"parameters\": { \"speed\": 3 } }"), JG_LESSON_ERROR_SCENARIO,
      "bad.json: steps[0].parameters: " },
    { "parameter-type", LESSON ("{ " STEP_OK ", \"parameters\": { \"work\": \"lots\" } }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].parameters.work: expected a number or true/false, got a string" },
    { "missing-question", LESSON ("{ \"title\": \"T\", \"topic\": \"gil\", \"scenario\": \"switch-interval\", "
                                  "\"model\": \"threads\", \"look_at\": \"L\" }"),
      JG_LESSON_ERROR_INVALID, "bad.json: steps[0].question: required field is missing" },
    { "bad-topic", LESSON ("{ \"title\": \"T\", \"topic\": \"gils\", \"scenario\": \"switch-interval\", "
                           "\"model\": \"threads\", \"look_at\": \"L\", \"question\": \"Q?\" }"),
      JG_LESSON_ERROR_INVALID, "bad.json: steps[0].topic: “gils” is not one of: concurrency-vs-parallelism" },
    { "missing-trace", LESSON ("{ " STEP_OK ", \"trace\": \"gone.juggler\" }"), JG_LESSON_ERROR_TRACE,
      "bad.json: steps[0].trace: cannot read “gone.juggler”" },
    { "escaping-trace", LESSON ("{ " STEP_OK ", \"trace\": \"../secret.juggler\" }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].trace: “../secret.juggler” must stay inside the lesson's folder" },
    { "absolute-trace", LESSON ("{ " STEP_OK ", \"trace\": \"/etc/passwd\" }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].trace: “/etc/passwd” must be a path relative to the lesson file" },
    { "other-scenario-trace", LESSON ("{ " STEP_OK ", \"trace\": \"other.juggler\" }"), JG_LESSON_ERROR_TRACE,
      "bad.json: steps[0].trace: the trace is a run of “downloads”, not of “switch-interval”" },
    { "not-a-trace", LESSON ("{ " STEP_OK ", \"trace_data\": \"aGVsbG8=\" }"), JG_LESSON_ERROR_TRACE,
      "bad.json: steps[0].trace_data: not a trace Juggler can open" },
    { "not-base64", LESSON ("{ " STEP_OK ", \"trace_data\": \"*** nope ***\" }"), JG_LESSON_ERROR_TRACE,
      "bad.json: steps[0].trace_data: not valid base64" },
    { "both-traces", LESSON ("{ " STEP_OK ", \"trace\": \"other.juggler\", \"trace_data\": \"aGVsbG8=\" }"),
      JG_LESSON_ERROR_INVALID, "bad.json: steps[0].trace_data: a step has a trace file or embedded trace data" },
    { "interval", LESSON ("{ " STEP_OK ", \"switch_interval_ms\": 0 }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].switch_interval_ms: 0 is out of range" },
    { "interpreter", LESSON ("{ " STEP_OK ", \"interpreter\": \"pypy\" }"), JG_LESSON_ERROR_INVALID,
      "bad.json: steps[0].interpreter: “pypy” is not one of: gil, free-threaded, per-interpreter" },
    { "blank-title", LESSON ("{ \"title\": \"  \", \"topic\": \"gil\", \"scenario\": \"switch-interval\", "
                             "\"model\": \"threads\", \"look_at\": \"L\", \"question\": \"Q?\" }"),
      JG_LESSON_ERROR_INVALID, "bad.json: steps[0].title: must not be empty" },
  };

  g_assert_true (jg_trace_file_save (other, other_file, NULL, &save_error));
  g_assert_no_error (save_error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JgLesson) lesson = NULL;

      g_test_message ("case %s", cases[i].name);
      lesson = jg_lesson_load_data (cases[i].json, -1, "bad.json", folder, &error);
      g_assert_null (lesson);
      g_assert_error (error, JG_LESSON_ERROR, cases[i].code);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %s: “%s” does not start with “%s”", cases[i].name, error->message, cases[i].message);
    }
}

/* A lesson from memory cannot reach files: trace paths need a folder. */
static void
test_no_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgLesson) lesson = jg_lesson_load_data (LESSON ("{ " STEP_OK ", \"trace\": \"a.juggler\" }"), -1,
                                                     "memory", NULL, &error);

  g_assert_null (lesson);
  g_assert_error (error, JG_LESSON_ERROR, JG_LESSON_ERROR_TRACE);
  g_clear_error (&error);

  lesson = jg_lesson_load_data (LESSON ("{ " STEP_OK ", \"_comment\": \"ignored\" }"), -1, "memory", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jg_lesson_get_n_steps (lesson), ==, 1);
}

static void
test_topics (void)
{
  for (guint t = 0; t < JG_N_LESSON_TOPICS; t++)
    {
      JgLessonTopic back;

      g_assert_true (jg_lesson_topic_from_name (jg_lesson_topic_name (t), &back));
      g_assert_cmpint (back, ==, t);
      g_assert_nonnull (jg_lesson_topic_title (t));
    }
  g_assert_false (jg_lesson_topic_from_name ("gossip", NULL));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_make_tmp_dir ("juggler-lesson-XXXXXX");

  g_test_add_func ("/lesson/builtin-course", test_builtin_course);
  g_test_add_func ("/lesson/round-trip/folder", test_round_trip_folder);
  g_test_add_func ("/lesson/round-trip/embedded", test_round_trip_embedded);
  g_test_add_func ("/lesson/save-atomically", test_save_atomically);
  g_test_add_func ("/lesson/bad-files", test_bad_files);
  g_test_add_func ("/lesson/no-folder", test_no_folder);
  g_test_add_func ("/lesson/topics", test_topics);

  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
