/* test-run.c: scenarios run through the real window's own actions under Xvfb.
 * Each test chooses a scenario and its parameters the way the header bar and
 * side panel do, activates win.run (or win.stop), waits for the run's
 * "finished" signal (always bounded), and checks what a user would see: the
 * metrics strip against the run's trace, the canvas's pixels against the
 * state's colour, the speedup against the sequential run, and the banner for
 * a bad scenario file. */
#define G_LOG_DOMAIN "test-run"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-display-test.h"
#include "jg-metrics.h"
#include "jg-names.h"
#include "jg-palette.h"
#include "jg-scenario-panel.h"
#include "jg-task-history.h"
#include "jg-test-util.h"
#include "jg-window.h"

/* Every wait is bounded: a run that hangs fails its test, not the suite. */
#define RUN_TIMEOUT_S 30

static JgApplication *app;
static char *tmpdir;

/* The names the model drop-down lists, in order. */
static GStrv
listed_models (JgWindow *window)
{
  GListModel *model = gtk_drop_down_get_model (jg_test_window_child (window, "model_dropdown"));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, gtk_string_object_get_string (item));
    }
  return g_strv_builder_end (builder);
}

/* What the drop-down should list: the models this build has, among @allowed. */
static GStrv
expected_models (const char * const *allowed)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint m = 0; m < JG_N_MODELS; m++)
    if (g_strv_contains (allowed, jg_model_name (m)))
      g_strv_builder_add (builder, jg_model_display_name (jg_model_name (m)));
  return g_strv_builder_end (builder);
}

static void
choose_model (JgWindow   *window,
              const char *model)
{
  g_auto(GStrv) names = listed_models (window);
  const char *wanted = jg_model_display_name (model);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], wanted))
        {
          gtk_drop_down_set_selected (jg_test_window_child (window, "model_dropdown"), i);
          return;
        }
    }
  g_error ("the model drop-down has no “%s”", wanted);
}

/* Activates win.run and returns the run it started, watched by @watch. */
static JgRun *
start_run (JgWindow       *window,
           JgTestRunWatch *watch)
{
  JgRun *run = jg_test_start_run (window, GTK_WIDGET (window), "win.run", watch);

  g_assert_true (jg_window_get_trace (window) == jg_run_get_trace (run));

  /* While it runs: Stop instead of Run, and the canvas follows it live. */
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "stop_button")));
  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "run_button")));
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_label"), ==, "—");

  return run;
}

static void
wait_for_end (JgWindow       *window,
              JgTestRunWatch *watch)
{
  g_assert_true (jg_test_wait_run (watch, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));

  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "stop_button")));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "run_button")));
  g_assert_false (jg_canvas_get_live (jg_test_window_child (window, "canvas")));
}

/* The strip shows the run's own figures: recomputed here from its trace. */
static void
assert_strip_shows (JgWindow *window,
                    JgTrace  *trace)
{
  g_autofree JgMetrics *metrics = g_new0 (JgMetrics, 1);
  g_autofree char *handoffs = NULL;

  jg_test_assert_strip_shows (window, trace, G_MAXUINT64, metrics);
  handoffs = g_strdup_printf ("%u", metrics->gil_handoffs);
  g_assert_cmpuint (metrics->tasks, >, 0);
  g_assert_cmpstr (jg_test_strip_text (window, "handoffs_label"), ==, handoffs);
}

static void
test_run_race_counter (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgTestRunWatch watch;
  JgRun *run;
  JgTrace *trace;
  JsonObject *results;
  g_autofree char *counted = NULL;
  const char *speedup;

  /* Three threads, 200 increments each, no lock: updates get lost. */
  jg_test_choose_scenario (window, "race-counter");
  jg_test_set_parameter (window, "tasks", 3);
  jg_test_set_parameter (window, "increments", 200);
  jg_test_set_parameter (window, "lock", 0);
  choose_model (window, "threads");

  run = start_run (window, &watch);
  trace = jg_run_get_trace (run);
  wait_for_end (window, &watch);

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "status_label")), ==, "Finished");
  g_assert_true (gtk_stack_page_get_visible (jg_test_window_child (window, "summary_page")));
  assert_strip_shows (window, trace);

  /* The results, in words: "counter 412 of 600 — 188 updates lost". */
  results = jg_trace_get_results (trace);
  counted = g_strdup_printf ("counter %" G_GINT64_FORMAT " of 600 — ",
                             json_object_get_int_member (results, "counter"));
  g_assert_nonnull (strstr (jg_test_strip_text (window, "outcome_label"), counted));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "strip")));

  /* The speedup needs the sequential run: measured after this one. */
  g_assert_true (jg_test_wait_for (jg_test_speedup_measured, window, RUN_TIMEOUT_S));
  speedup = jg_test_strip_text (window, "speedup_label");
  g_assert_true (g_str_has_suffix (speedup, "×"));
  g_assert_true (g_str_has_prefix (jg_test_strip_text (window, "speedup_detail_label"), "sequential run: "));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_deadlock (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgTestRunWatch watch;
  JgRun *run;
  const char *outcome;

  /* Opposite lock orders: each transfer holds one account and waits for the
   * other's, and Juggler says so in words. */
  jg_test_choose_scenario (window, "deadlock");
  jg_test_set_parameter (window, "same_order", 0);
  jg_test_set_parameter (window, "hold", 200); /* ample time for the other thread to start, even on a busy machine */
  choose_model (window, "threads");

  run = start_run (window, &watch);
  wait_for_end (window, &watch);

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_DEADLOCKED);
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "status_label")), ==, "Deadlocked");
  outcome = jg_test_strip_text (window, "outcome_label");
  g_test_message ("outcome: %s", outcome);
  g_assert_true (g_str_has_prefix (outcome, "Deadlock: Transfer "));
  g_assert_nonnull (strstr (outcome, " waits for account "));
  g_assert_nonnull (strstr (outcome, " held by Transfer "));
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_label"), ==, "—");
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_detail_label"), ==, "the run deadlocked");
  assert_strip_shows (window, jg_run_get_trace (run));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Running span of @task in @trace that is widest on the canvas. */
static gboolean
widest_running_span (JgSpans *spans,
                     guint32  task,
                     JgSpan  *widest)
{
  guint n;
  const JgSpan *task_spans = jg_spans_get_task_spans (spans, task, &n);
  gboolean found = FALSE;

  for (guint i = 0; i < n; i++)
    {
      if (task_spans[i].state != JG_STATE_RUNNING)
        continue;
      if (!found || task_spans[i].end - task_spans[i].start > widest->end - widest->start)
        *widest = task_spans[i];
      found = TRUE;
    }
  return found;
}

static void
test_run_downloads_canvas (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgSwimlanePainter *painter = jg_canvas_get_painter (canvas);
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels = { 0 };
  JgRgba running;
  JgTestRunWatch watch;
  JgRun *run;
  JgSpan span = { 0 };
  guint64 t0, t1;
  double row_y, row_h, x0, x1;
  guint32 task = 0;

  /* Three downloads: 30 ms on the network, then 20 ms of parsing each. */
  jg_test_choose_scenario (window, "downloads");
  jg_test_set_parameter (window, "downloads", 3);
  jg_test_set_parameter (window, "latency", 30);
  jg_test_set_parameter (window, "parse", 20);
  choose_model (window, "threads");

  run = start_run (window, &watch);
  g_assert_true (jg_canvas_get_live (canvas));
  g_assert_true (jg_canvas_get_follow (canvas));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "follow_button")));
  wait_for_end (window, &watch);

  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  assert_strip_shows (window, jg_run_get_trace (run));

  /* Finished while following: the whole run is in view. */
  jg_canvas_get_window (canvas, &t0, &t1);
  g_assert_cmpuint (t0, ==, 0);
  g_assert_cmpuint (t1, ==, jg_trace_get_duration_ns (jg_run_get_trace (run)));

  /* A lane of the Tasks view, in the middle of a Running span, is drawn in
   * Running's colour; find a span wide enough to aim at. */
  g_assert_true (widest_running_span (jg_canvas_get_spans (canvas), task, &span));
  x0 = jg_swimlane_painter_x_for_time (painter, span.start);
  x1 = jg_swimlane_painter_x_for_time (painter, span.end);
  g_assert_cmpfloat (x1 - x0, >=, 6);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, task, &row_y, &row_h));

  jg_swimlane_painter_clear_hover (painter);
  texture = jg_test_render (GTK_WIDGET (canvas));
  jg_test_pixels_init (&pixels, texture);
  running = jg_palette_state_color (JG_STATE_RUNNING, jg_canvas_get_theme (canvas) == JG_SWIMLANE_THEME_DARK);
  g_assert_true (jg_test_pixels_match (&pixels, (int) ((x0 + x1) / 2), (int) (row_y + row_h * 0.8), &running));
  /* Before it, the download waited for the network: not Running. */
  g_assert_false (jg_test_pixels_match (&pixels, (int) jg_swimlane_painter_x_for_time (painter, 10 * 1000000),
                                        (int) (row_y + row_h * 0.8), &running));
  jg_test_pixels_clear (&pixels);

  /* Clicking the lane selects the task and shows its whole history. */
  jg_canvas_set_selected_task (canvas, task);
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "history_revealer")));
  g_assert_cmpuint (jg_task_history_get_task (jg_test_window_child (window, "history")), ==, task);
  g_assert_cmpuint (jg_task_history_get_n_spans (jg_test_window_child (window, "history")), >=, 3);

  jg_test_screenshot (GTK_WIDGET (window), "downloads");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
running_a_while (gpointer user_data)
{
  JgCanvas *canvas = user_data;
  JgSpans *spans = jg_canvas_get_spans (canvas);
  guint64 t1;

  /* The tasks have begun, and the canvas has followed them, at the frame
   * rate, for a while, even through stretches where no event comes. */
  jg_canvas_get_window (canvas, NULL, &t1);
  return spans != NULL && jg_spans_get_n_consumed (spans) > 0 && t1 > 600 * 1000000;
}

/* Starts the scenario chosen, lets it run for a while, stops it, and checks
 * that it ended promptly and kept what it recorded. */
static void
run_and_stop (JgWindow   *window,
              const char *screenshot)
{
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgTestRunWatch watch;
  JgRun *run;
  JgTrace *trace;
  gint64 stopped_at;

  run = start_run (window, &watch);
  trace = jg_run_get_trace (run);
  g_assert_true (jg_test_wait_for (running_a_while, canvas, RUN_TIMEOUT_S));
  g_assert_false (watch.finished);
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_true (jg_canvas_get_live (canvas));
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "status_label")), ==, "Running");
  jg_swimlane_painter_clear_hover (jg_canvas_get_painter (canvas));
  jg_test_screenshot (GTK_WIDGET (window), screenshot);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  wait_for_end (window, &watch);

  /* Promptly, and the trace is kept. */
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_STOPPED);
  g_assert_true (jg_window_get_trace (window) == trace);
  g_assert_true (jg_canvas_get_trace (canvas) == trace);
  g_assert_cmpuint (jg_trace_get_n_events (trace), >, 0);
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "status_label")), ==, "Stopped");
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_label"), ==, "—");
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_detail_label"), ==, "the run was stopped");
  assert_strip_shows (window, trace);
}

static void
test_run_stop_waiting (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);

  /* Long downloads: every thread sleeps in a socket wait when Stop comes. */
  jg_test_choose_scenario (window, "downloads");
  jg_test_set_parameter (window, "downloads", 6);
  jg_test_set_parameter (window, "latency", 5000);
  jg_test_set_parameter (window, "parse", 5);
  choose_model (window, "threads");
  run_and_stop (window, "stop-waiting");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_stop_computing (void)
{
  /* The screenshot of the README: a full HD window in the middle of a run,
   * in the style a teacher projects. */
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  gboolean shooting = g_getenv ("JUGGLER_SCREENSHOT") != NULL;
  JgWindow *window;

  g_settings_set_string (settings, "theme", "projector");
  window = jg_test_window_new (app, shooting ? 1920 : 1280, shooting ? 1080 : 800);
  g_assert_cmpint (jg_canvas_get_theme (jg_test_window_child (window, "canvas")), ==, JG_SWIMLANE_THEME_PROJECTOR);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));

  /* Four threads, ten seconds of CPU work each, under one GIL: they take
   * turns, every switch interval, until Stop. */
  jg_test_choose_scenario (window, "sum-of-squares");
  jg_test_set_parameter (window, "tasks", 4);
  jg_test_set_parameter (window, "work", 10000);
  choose_model (window, "threads");
  run_and_stop (window, "running");

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "theme");
}

static void
assert_lists_models (JgWindow *window)
{
  g_auto(GStrv) listed = listed_models (window);
  g_auto(GStrv) expected = expected_models (jg_scenario_get_models (jg_window_get_scenario (window)));

  g_assert_cmpstrv (listed, expected);
}

static void
test_run_models (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  g_autoptr(GFile) file = jg_test_write_file (tmpdir, "only-sequential.json",
    "{\n"
    "  \"id\": \"only-sequential\",\n"
    "  \"title\": \"Only sequential\",\n"
    "  \"models\": [\"sequential\"],\n"
    "  \"tasks\": [ { \"name\": \"Task\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]\n"
    "}\n");
  g_auto(GStrv) listed = NULL;
  const char * const race_models[] = { "threads", "sequential", NULL };

  /* The race counter is written for threads and sequential only. */
  jg_test_choose_scenario (window, "race-counter");
  assert_lists_models (window);
  listed = listed_models (window);
  g_assert_cmpuint (g_strv_length (listed), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) listed, "Threads"));
  g_assert_true (g_strv_contains ((const char * const *) listed, "Sequential"));
  g_assert_cmpstrv (jg_scenario_get_models (jg_window_get_scenario (window)), race_models);

  /* Downloads allows more: whichever of them this build has. */
  jg_test_choose_scenario (window, "downloads");
  assert_lists_models (window);

  /* A user's scenario for one model gets one. */
  jg_window_open_scenario (window, file);
  g_assert_true (jg_window_get_loading (window));
  g_assert_true (jg_test_wait_for (jg_test_window_loaded, window, RUN_TIMEOUT_S));
  g_assert_cmpstr (jg_scenario_get_id (jg_window_get_scenario (window)), ==, "only-sequential");
  g_clear_pointer (&listed, g_strfreev);
  listed = listed_models (window);
  g_assert_cmpuint (g_strv_length (listed), ==, 1);
  g_assert_cmpstr (listed[0], ==, "Sequential");
  /* One thread: no workers to choose. */
  g_assert_false (gtk_widget_get_sensitive (jg_test_window_child (window, "workers_box")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_bad_scenario (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  g_autoptr(GFile) file = jg_test_write_file (tmpdir, "bad.json",
    "{\n"
    "  \"title\": \"Broken\",\n"
    "  \"tasks\": [\n"
    "    { \"name\": \"Task\", \"steps\": [ { \"op\": \"cpu\", \"ms\": \"lots\" } ] }\n"
    "  ]\n"
    "}\n");
  JgScenario *before;
  const char *message;

  jg_test_choose_scenario (window, "race-counter");
  before = jg_window_get_scenario (window);

  jg_window_open_scenario (window, file);
  g_assert_true (jg_test_wait_for (jg_test_window_loaded, window, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));

  /* The banner names the file, the line and the field... */
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_title_label")), "bad.json"));
  message = gtk_label_get_label (jg_test_window_child (window, "error_label"));
  g_test_message ("banner: %s", message);
  g_assert_nonnull (strstr (message, "bad.json:4:"));
  g_assert_nonnull (strstr (message, "ms"));
  jg_test_screenshot (GTK_WIDGET (window), "bad-scenario");

  /* ...and the scenario chosen before stays chosen. */
  g_assert_true (jg_window_get_scenario (window) == before);
  g_assert_cmpstr (jg_scenario_get_id (before), ==, "race-counter");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_user_scenario (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  g_autoptr(GFile) file = jg_test_write_file (tmpdir, "mine.json",
    "{\n"
    "  \"id\": \"mine\",\n"
    "  \"title\": \"My own\",\n"
    "  \"idea\": \"Two short bursts of work, one after the other.\",\n"
    "  \"models\": [\"sequential\", \"threads\"],\n"
    "  \"parameters\": [\n"
    "    { \"name\": \"work\", \"label\": \"Work per task\", \"unit\": \"ms\", \"type\": \"int\", \"default\": 4, \"min\": 1, \"max\": 50 },\n"
    "    { \"name\": \"twice\", \"label\": \"Twice\", \"type\": \"bool\", \"default\": true }\n"
    "  ],\n"
    "  \"tasks\": [ { \"name\": \"Worker {i}\", \"count\": 2, \"steps\": [ { \"op\": \"cpu\", \"ms\": \"$work\" } ] } ]\n"
    "}\n");
  JgScenarioPanel *panel = jg_test_window_child (window, "panel");
  GtkWidget *work;
  GtkAdjustment *adjustment;
  g_autofree char *uri = g_file_get_uri (file);
  JgTestRunWatch watch;
  JgRun *run;

  jg_window_open_scenario (window, file);
  g_assert_true (jg_test_wait_for (jg_test_window_loaded, window, RUN_TIMEOUT_S));
  g_assert_cmpstr (jg_scenario_get_id (jg_window_get_scenario (window)), ==, "mine");
  g_assert_cmpstr (gtk_menu_button_get_label (jg_test_window_child (window, "scenario_button")), ==, "My own");

  /* The panel's widgets come from the definitions: range, default, unit. */
  work = jg_scenario_panel_get_editor (panel, "work");
  g_assert_true (GTK_IS_SPIN_BUTTON (work));
  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (work));
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 50);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 4);
  g_assert_true (GTK_IS_SWITCH (jg_scenario_panel_get_editor (panel, "twice")));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (jg_scenario_panel_get_editor (panel, "twice"))));

  /* Remembered: the file, and the parameters as edited. */
  jg_test_set_parameter (window, "work", 2);
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *last = g_settings_get_string (settings, "last-scenario");
    g_autofree char *parameters = g_settings_get_string (settings, "last-parameters");

    g_assert_cmpstr (last, ==, uri);
    g_assert_nonnull (strstr (parameters, "\"work\":2"));
  }

  /* And it runs, sequentially here. */
  choose_model (window, "sequential");
  run = start_run (window, &watch);
  wait_for_end (window, &watch);
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);
  g_assert_cmpuint (jg_trace_get_n_tasks (jg_run_get_trace (run)), ==, 2);
  /* The sequential run is its own baseline. */
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_label"), ==, "1.00×");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  GtkWidget *tasks;
  GtkWidget *lock;

  jg_test_choose_scenario (window, "race-counter");
  jg_test_set_parameter (window, "tasks", 5);
  jg_test_set_parameter (window, "lock", 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "cores");
  g_assert_cmpint (jg_canvas_get_view (jg_test_window_child (window, "canvas")), ==, JG_SWIMLANE_VIEW_CORES);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The next window starts where this one was left. */
  window = jg_test_window_new (app, 1280, 800);
  g_assert_cmpstr (jg_scenario_get_id (jg_window_get_scenario (window)), ==, "race-counter");
  tasks = jg_scenario_panel_get_editor (jg_test_window_child (window, "panel"), "tasks");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (tasks)), ==, 5);
  lock = jg_scenario_panel_get_editor (jg_test_window_child (window, "panel"), "lock");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (lock)));
  g_assert_cmpint (jg_canvas_get_view (jg_test_window_child (window, "canvas")), ==, JG_SWIMLANE_VIEW_CORES);

  g_settings_reset (settings, "view");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);
  tmpdir = test_make_tmp_dir ("juggler-test-run-XXXXXX");
  app = jg_test_application_new ();

  g_test_add_func ("/run/race-counter", test_run_race_counter);
  g_test_add_func ("/run/downloads-canvas", test_run_downloads_canvas);
  g_test_add_func ("/run/deadlock", test_run_deadlock);
  g_test_add_func ("/run/stop-waiting", test_run_stop_waiting);
  g_test_add_func ("/run/stop-computing", test_run_stop_computing);
  g_test_add_func ("/run/models", test_run_models);
  g_test_add_func ("/run/bad-scenario", test_run_bad_scenario);
  g_test_add_func ("/run/user-scenario", test_run_user_scenario);
  g_test_add_func ("/run/settings", test_run_settings);

  return jg_test_run (&app, &tmpdir);
}
