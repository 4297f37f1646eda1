/* test-lesson.c: lessons in the real window under Xvfb. The built-in course
 * opens from the window's action and each step sets the header bar and side
 * panel to its scenario, model and parameters; a step that says "spawn" runs
 * with spawn. The lesson file round trip: a step is run through the window,
 * the run is kept for the step, the lesson is saved (traces beside it, and
 * embedded), opened again (from the window and from the command line) and its
 * step shows that very trace without running anything. A broken lesson gets
 * the error banner naming the file and the field, and nothing shown is lost. */
#define G_LOG_DOMAIN "test-lesson"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>
#include <unistd.h>

#include "jg-application.h"
#include "jg-display-test.h"
#include "jg-lesson-view.h"
#include "jg-names.h"
#include "jg-scenario-panel.h"
#include "jg-test-util.h"
#include "jg-window.h"

/* Every wait is bounded: a run or a load that hangs fails its test. */
#define TIMEOUT_S 60

static JgApplication *app;
static char *tmpdir;

static gpointer
view_child (JgLessonView *view,
            const char   *name)
{
  return jg_test_child (view, JG_TYPE_LESSON_VIEW, name);
}

static gboolean
lesson_loaded (gpointer user_data)
{
  return !jg_window_get_lesson_loading (user_data);
}

static void
wait_for_lesson (JgWindow *window)
{
  g_assert_true (jg_test_wait_for (lesson_loaded, window, TIMEOUT_S));
}

static gboolean
trace_loaded (gpointer user_data)
{
  return !jg_window_get_loading (user_data) && jg_window_get_trace (user_data) != NULL;
}

/* The model drop-down's choice, as it reads. */
static const char *
shown_model (JgWindow *window)
{
  GtkDropDown *dropdown = jg_test_window_child (window, "model_dropdown");
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  g_assert_nonnull (item);
  return gtk_string_object_get_string (item);
}

static double
parameter_value (JgWindow   *window,
                 const char *name)
{
  GtkWidget *editor = jg_scenario_panel_get_editor (jg_test_window_child (window, "panel"), name);

  g_assert_nonnull (editor);
  if (GTK_IS_SWITCH (editor))
    return gtk_switch_get_active (GTK_SWITCH (editor));
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor));
}

/* The window shows @step: its scenario, model and parameters, and its trace
 * or none. */
static void
assert_window_shows_step (JgWindow     *window,
                          JgLessonStep *step)
{
  JsonObject *parameters = jg_lesson_step_get_parameters (step);
  g_autoptr(GList) names = json_object_get_members (parameters);
  const char *interpreter = jg_lesson_step_get_interpreter (step);

  g_assert_cmpstr (jg_scenario_get_id (jg_window_get_scenario (window)), ==, jg_lesson_step_get_scenario (step));
  g_assert_cmpstr (shown_model (window), ==, jg_model_display_name (jg_lesson_step_get_model (step)));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (jg_test_window_child (window, "workers_spin")), ==,
                   jg_lesson_step_get_workers (step));
  g_assert_cmpuint (gtk_drop_down_get_selected (jg_test_window_child (window, "interpreter_dropdown")), ==,
                    interpreter == NULL || g_str_equal (interpreter, "gil") ? JG_INTERPRETER_GIL
                    : g_str_equal (interpreter, "free-threaded") ? JG_INTERPRETER_FREE_THREADED
                    : JG_INTERPRETER_PER_INTERPRETER);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (parameters, l->data);

      g_assert_cmpfloat_with_epsilon (parameter_value (window, l->data),
                                      json_node_get_value_type (value) == G_TYPE_BOOLEAN
                                      ? json_node_get_boolean (value) : json_node_get_double (value), 1e-9);
    }
  g_assert_true (jg_window_get_trace (window) == jg_lesson_step_get_trace (step));
  g_assert_null (jg_window_get_run (window));
}

/* Activates @action (on the window or the lesson window) and waits for the
 * run it starts to end. */
static JgRun *
run_and_wait (JgWindow   *window,
              GtkWidget  *target,
              const char *action)
{
  JgTestRunWatch watch;
  JgRun *run = jg_test_start_run (window, target, action, &watch);

  g_assert_true (jg_test_wait_run (&watch, TIMEOUT_S));
  g_assert_true (jg_trace_is_finished (jg_run_get_trace (run)));
  return run;
}

static const char *
row_header (JgLessonView *view,
            int           index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (view_child (view, "steps_list"), index);
  GtkWidget *header;

  g_assert_nonnull (row);
  header = gtk_list_box_row_get_header (row);
  return header != NULL ? gtk_label_get_label (GTK_LABEL (header)) : NULL;
}

static void
test_lesson_course (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgLessonView *view;
  JgLesson *lesson;
  GtkToggleButton *answer;
  JgRun *run;

  g_assert_null (jg_window_get_lesson_view (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-course", "s", "python-concurrency"));
  wait_for_lesson (window);
  view = jg_window_get_lesson_view (window);
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  jg_test_wait_drawn (GTK_WIDGET (view));
  jg_test_screenshot (GTK_WIDGET (view), "lesson-view");

  lesson = jg_lesson_view_get_lesson (view);
  g_assert_cmpstr (jg_lesson_get_id (lesson), ==, "python-concurrency");
  g_assert_cmpuint (jg_lesson_get_n_steps (lesson), >=, 3);
  g_assert_cmpuint (jg_lesson_view_get_position (view), ==, 0);
  assert_window_shows_step (window, jg_lesson_get_step (lesson, 0));
  g_assert_cmpstr (gtk_label_get_label (view_child (view, "question_label")), ==,
                   jg_lesson_step_get_question (jg_lesson_get_step (lesson, 0)));

  /* Steps are grouped under their topics: a heading where the topic changes. */
  g_assert_cmpstr (row_header (view, 0), ==, jg_lesson_topic_title (JG_LESSON_TOPIC_CONCURRENCY));
  g_assert_null (row_header (view, 1));
  g_assert_cmpstr (row_header (view, 2), ==, jg_lesson_topic_title (JG_LESSON_TOPIC_GIL));

  /* The answer is the teacher's: hidden until asked for, hidden again at the next step. */
  answer = view_child (view, "answer_button");
  g_assert_false (gtk_revealer_get_reveal_child (view_child (view, "answer_revealer")));
  gtk_toggle_button_set_active (answer, TRUE);
  g_assert_true (gtk_revealer_get_reveal_child (view_child (view, "answer_revealer")));

  /* Next, from the lesson window: the main window follows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "lesson.next", NULL));
  g_assert_cmpuint (jg_lesson_view_get_position (view), ==, 1);
  g_assert_false (gtk_toggle_button_get_active (answer));
  g_assert_false (gtk_revealer_get_reveal_child (view_child (view, "answer_revealer")));
  assert_window_shows_step (window, jg_lesson_get_step (lesson, 1));
  g_assert_cmpstr (shown_model (window), ==, jg_model_display_name ("threads"));

  /* And from the main window's own keys' action: a new scenario this time. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lesson-next", NULL));
  g_assert_cmpuint (jg_lesson_view_get_position (view), ==, 2);
  assert_window_shows_step (window, jg_lesson_get_step (lesson, 2));
  g_assert_cmpstr (jg_scenario_get_id (jg_window_get_scenario (window)), !=,
                   jg_lesson_step_get_scenario (jg_lesson_get_step (lesson, 0)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lesson-prev", NULL));
  assert_window_shows_step (window, jg_lesson_get_step (lesson, 1));

  /* A click on a step in the list shows it. */
  g_signal_emit_by_name (view_child (view, "steps_list"), "row-activated",
                         gtk_list_box_get_row_at_index (view_child (view, "steps_list"), 3));
  g_assert_cmpuint (jg_lesson_view_get_position (view), ==, 3);
  assert_window_shows_step (window, jg_lesson_get_step (lesson, 3));
  g_assert_true (gtk_list_box_get_selected_row (view_child (view, "steps_list"))
                 == gtk_list_box_get_row_at_index (view_child (view, "steps_list"), 3));

  /* A step that starts its processes by spawn runs them by spawn. */
  for (guint i = 0; i < jg_lesson_get_n_steps (lesson); i++)
    {
      JgLessonStep *step = jg_lesson_get_step (lesson, i);

      if (g_strcmp0 (jg_lesson_step_get_start_method (step), "spawn") != 0)
        continue;
      jg_lesson_view_set_position (view, i);
      assert_window_shows_step (window, step);
      run = run_and_wait (window, GTK_WIDGET (view), "lesson.run");
      g_assert_cmpstr (jg_trace_get_run_info (jg_run_get_trace (run))->start_method, ==, "spawn");
      g_assert_cmpstr (jg_trace_get_run_info (jg_run_get_trace (run))->model, ==, "processes");
      break;
    }
  g_assert_nonnull (jg_window_get_trace (window));

  /* At the end there is no next step. */
  jg_lesson_view_set_position (view, jg_lesson_get_n_steps (lesson) - 1);
  g_assert_false (jg_lesson_view_next (view));
  g_assert_true (jg_lesson_view_previous (view));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Task names of @trace, in order, one string. */
static char *
task_names (JgTrace *trace)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint32 i = 0; i < jg_trace_get_n_tasks (trace); i++)
    g_string_append_printf (names, "%s\n", jg_trace_get_task_name (trace, i));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static JgWindow *
find_window_with_lesson (const char *id)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      JgLessonView *view;

      if (!JG_IS_WINDOW (l->data) || jg_window_get_lesson_loading (l->data))
        continue;
      view = jg_window_get_lesson_view (l->data);
      if (view != NULL && jg_lesson_view_get_lesson (view) != NULL
          && g_str_equal (jg_lesson_get_id (jg_lesson_view_get_lesson (view)), id))
        return l->data;
    }
  return NULL;
}

static gboolean
has_window_with_lesson (gpointer user_data)
{
  return find_window_with_lesson (user_data) != NULL;
}

/* A window opens @file (as Open Lesson does, or as the command line does) and
 * shows its step from the trace that was kept, without running anything. */
static void
assert_reopened (GFile      *file,
                 gboolean    from_command_line,
                 guint64     n_events,
                 const char *names)
{
  JgWindow *window;
  JgLessonView *view;
  JgLessonStep *step;
  JgTrace *trace;
  g_autofree char *shown_names = NULL;

  if (from_command_line)
    {
      /* No window has the lesson until g_application_open () gives it one. */
      g_assert_null (find_window_with_lesson ("round-trip"));
      g_application_open (G_APPLICATION (app), &file, 1, "");
      g_assert_true (jg_test_wait_for (has_window_with_lesson, (gpointer) "round-trip", TIMEOUT_S));
      window = find_window_with_lesson ("round-trip");
    }
  else
    {
      window = jg_test_window_new (app, 1280, 800);
      jg_window_open_lesson (window, file);
      wait_for_lesson (window);
    }

  view = jg_window_get_lesson_view (window);
  g_assert_nonnull (view);
  g_assert_true (g_file_equal (jg_lesson_view_get_file (view), file));
  step = jg_lesson_view_get_step (view);
  trace = jg_lesson_step_get_trace (step);
  g_assert_nonnull (trace);

  /* Shown at once, nothing run: the same run as was kept. */
  assert_window_shows_step (window, step);
  g_assert_true (jg_window_get_trace (window) == trace);
  g_assert_null (jg_window_get_run (window));
  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, n_events);
  shown_names = task_names (trace);
  g_assert_cmpstr (shown_names, ==, names);
  g_assert_cmpfloat_with_epsilon (parameter_value (window, "downloads"), 3, 1e-9);
  /* ... and the replay bar has it to play. */
  g_assert_true (jg_player_get_trace (jg_test_window_player (window)) == trace);
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "player_bar")));
  /* A kept run cannot be kept again. */
  g_assert_false (jg_lesson_view_can_keep_run (view));
  jg_test_wait_drawn (GTK_WIDGET (window));
  jg_test_screenshot (GTK_WIDGET (window), "prepared-step");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
dialog_shown (gpointer user_data)
{
  return jg_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
test_lesson_round_trip (void)
{
  g_autoptr(JgLesson) lesson = jg_lesson_new ("round-trip", "Round trip");
  JgLessonStep *step = jg_lesson_step_new (JG_LESSON_TOPIC_CONCURRENCY, "downloads", "threads");
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autofree char *path = g_build_filename (tmpdir, "round-trip.json", NULL);
  g_autofree char *embedded_path = g_build_filename (tmpdir, "round-trip-embedded.json", NULL);
  g_autofree char *trace_path = g_build_filename (tmpdir, "round-trip.traces", "01-downloads.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) embedded = g_file_new_for_path (embedded_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgLessonView *view;
  JgRun *run;
  GtkDialog *dialog;
  guint64 n_events;

  json_object_set_int_member (parameters, "downloads", 3);
  json_object_set_int_member (parameters, "latency", 20);
  json_object_set_double_member (parameters, "parse", 1);
  jg_lesson_step_set_parameters (step, parameters);
  jg_lesson_step_set_workers (step, 2);
  jg_lesson_step_set_texts (step, "Three downloads", "The waits overlap.", "How long does it take?", NULL);
  jg_lesson_add_step (lesson, step);

  jg_window_set_lesson (window, lesson, NULL);
  view = jg_window_get_lesson_view (window);
  g_assert_nonnull (view);
  assert_window_shows_step (window, step);
  g_assert_null (jg_window_get_trace (window));
  /* No answer: no button to show it. */
  g_assert_false (gtk_widget_get_visible (view_child (view, "answer_button")));
  g_assert_false (jg_lesson_view_can_keep_run (view));

  /* Run the step from the lesson window and keep the run. */
  run = run_and_wait (window, GTK_WIDGET (view), "lesson.run");
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  g_assert_true (jg_lesson_view_can_keep_run (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "lesson.keep", NULL));
  g_assert_true (jg_lesson_step_get_trace (step) == jg_run_get_trace (run));
  g_assert_false (jg_lesson_view_can_keep_run (view));
  n_events = jg_trace_get_n_events (jg_run_get_trace (run));
  names = task_names (jg_run_get_trace (run));
  g_assert_cmpuint (n_events, >, 0);
  g_assert_cmpuint (jg_trace_get_n_tasks (jg_run_get_trace (run)), ==, 3);

  /* Opening another lesson now would lose the kept run: it asks first, and
   * Cancel keeps everything. */
  g_assert_true (jg_lesson_view_get_unsaved (view));
  jg_window_open_course (window, "python-concurrency");
  g_assert_true (jg_test_wait_for (dialog_shown, NULL, TIMEOUT_S));
  dialog = GTK_DIALOG (jg_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  g_assert_null (jg_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (jg_lesson_get_id (jg_lesson_view_get_lesson (view)), ==, "round-trip");
  g_assert_true (jg_lesson_step_get_trace (step) == jg_run_get_trace (run));
  g_assert_true (jg_lesson_view_get_unsaved (view));

  /* Saved beside it, and embedded. */
  g_assert_true (jg_lesson_view_save (view, file, JG_LESSON_SAVE_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_false (jg_lesson_view_get_unsaved (view));
  g_assert_true (g_file_test (trace_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_equal (jg_lesson_view_get_file (view), file));
  g_assert_true (jg_lesson_view_save (view, embedded, JG_LESSON_SAVE_EMBED_TRACES, &error));
  g_assert_no_error (error);
  /* Saved, nothing to lose: another lesson opens without asking. */
  jg_window_open_course (window, "python-concurrency");
  wait_for_lesson (window);
  g_assert_null (jg_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (jg_lesson_get_id (jg_lesson_view_get_lesson (view)), ==, "python-concurrency");
  gtk_window_destroy (GTK_WINDOW (window));

  assert_reopened (file, FALSE, n_events, names);
  assert_reopened (embedded, FALSE, n_events, names);
  assert_reopened (file, TRUE, n_events, names);
}

/* A small finished trace, saved as a .juggler file. */
static GFile *
write_trace (void)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  guint32 worker = jg_trace_add_worker (trace, "thread 1", JG_WORKER_THREAD, getpid ());
  guint32 task = jg_trace_add_task (trace, "shown task", JG_LANE_NONE);
  const JgEvent events[] = {
    { 0, task, worker, JG_EVENT_TASK_BEGIN, 0, 0 },
    { 0, task, worker, JG_EVENT_RUN, 0, 0 },
    { 10 * G_GUINT64_CONSTANT (1000000), task, worker, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) },
  };
  JgRunInfo run = { .model = "threads", .workers = 1, .interpreter = "gil", .switch_interval_ms = 5.0 };

  jg_trace_append (trace, events, G_N_ELEMENTS (events));
  jg_trace_set_scenario (trace, "shown", "Shown", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_end_ns (trace, 10 * G_GUINT64_CONSTANT (1000000));
  jg_trace_finish (trace);
  return jg_test_save_trace (trace, tmpdir, "shown.juggler");
}

static gboolean
banner_shown (gpointer user_data)
{
  return gtk_revealer_get_reveal_child (jg_test_window_child (user_data, "error_revealer"));
}

static void
test_lesson_broken (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "broken.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) trace_file = write_trace ();
  g_autoptr(GError) error = NULL;
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgLesson *course;
  JgTrace *shown;
  const char *message;
  const char *broken =
    "{ \"format\": \"juggler-lesson\", \"version\": 1, \"id\": \"broken\", \"title\": \"Broken\",\n"
    "  \"steps\": [ { \"title\": \"A\", \"topic\": \"threads\", \"scenario\": \"downloads\",\n"
    "               \"model\": \"threads\", \"workers\": \"four\",\n"
    "               \"look_at\": \"x\", \"question\": \"y\" } ] }\n";

  g_assert_true (g_file_set_contents (path, broken, -1, &error));
  g_assert_no_error (error);

  /* A lesson is open and a trace is shown. */
  jg_window_open_course (window, "python-concurrency");
  wait_for_lesson (window);
  course = jg_window_get_lesson_view (window) != NULL ? jg_lesson_view_get_lesson (jg_window_get_lesson_view (window)) : NULL;
  g_assert_nonnull (course);
  jg_window_open (window, trace_file);
  g_assert_true (jg_test_wait_for (trace_loaded, window, TIMEOUT_S));
  shown = jg_window_get_trace (window);
  g_assert_nonnull (shown);

  jg_window_open_lesson (window, file);
  wait_for_lesson (window);
  g_assert_true (jg_test_wait_for (banner_shown, window, TIMEOUT_S));
  message = gtk_label_get_label (jg_test_window_child (window, "error_label"));
  g_assert_nonnull (strstr (message, "broken.json"));
  g_assert_nonnull (strstr (message, "steps[0].workers"));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_title_label")), "broken.json"));

  /* Nothing lost: the same trace, the same lesson. */
  g_assert_true (jg_window_get_trace (window) == shown);
  g_assert_true (jg_lesson_view_get_lesson (jg_window_get_lesson_view (window)) == course);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);
  tmpdir = test_make_tmp_dir ("juggler-test-lesson-XXXXXX");
  app = jg_test_application_new ();

  g_test_add_func ("/lesson/course", test_lesson_course);
  g_test_add_func ("/lesson/round-trip", test_lesson_round_trip);
  g_test_add_func ("/lesson/broken", test_lesson_broken);

  return jg_test_run (&app, &tmpdir);
}
