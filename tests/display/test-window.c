/* test-window.c: the real Juggler window under Xvfb, with traces from files.
 * It writes traces with the core API, opens them the way a user would
 * (jg_window_open () is what the command line and the Open dialog call; the
 * drop target is fired with a file list), and checks what the window then
 * shows: the canvas's pixels, the metrics strip, the summary page with the
 * pixels of its state bar, and the error banner. Runs are in test-run.c. */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>
#include <unistd.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-display-test.h"
#include "jg-format.h"
#include "jg-palette.h"
#include "jg-preferences-dialog.h"
#include "jg-state-bar-widget.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"
#include "jg-trace-summary.h"
#include "jg-window.h"

#define MS G_GUINT64_CONSTANT (1000000) /* ns */

static JgApplication *app;
static char *tmpdir;

/* Three threads under the GIL, for 100 ms:
 *   A runs throughout;
 *   B runs 40 ms, waits 40 ms for I/O, runs 20 ms;
 *   C waits 60 ms for the GIL, runs 30 ms, ends at 90 ms.
 * Concurrency = (100 + 100 + 90) / 100 = 2.90.
 * Parallelism = (100 + 60 + 30) / 100 = 1.90.
 * Task time: Running 190 ms, GIL wait 60 ms, I/O wait 40 ms. */
static JgTrace *
make_trace (void)
{
  JgTrace *trace = jg_trace_new ();
  guint32 w[3];
  guint32 t[3];
  g_autoptr(JsonObject) results = json_object_new ();
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GDateTime) created = g_date_time_new_utc (2024, 3, 5, 10, 30, 0);
  JgMachineInfo machine = {
    .n_cores = 4,
    .kernel = "6.1.0-test",
    .cpu_model = "Test CPU @ 3.00GHz",
    .hostname = "classroom",
  };

  /* B fails: the summary counts one failed task. */
  jg_test_downloads_begin (trace, getpid (), t, w);
  jg_test_downloads_end (trace, t, w, MS, JG_END_ERROR);

  json_object_set_int_member (results, "lost_updates", 0);
  json_object_set_string_member (results, "fastest_task", "download A");
  json_object_set_int_member (parameters, "tasks", 3);

  jg_trace_set_scenario (trace, "mixed-downloads", "Three downloads, one GIL", NULL);
  jg_trace_set_parameters (trace, parameters);
  jg_trace_set_results (trace, results);
  jg_trace_set_machine (trace, &machine);
  jg_trace_set_created (trace, created);
  jg_trace_finish (trace);

  return trace;
}

static GFile *
write_trace (const char *name)
{
  g_autoptr(JgTrace) trace = make_trace ();

  return jg_test_save_trace (trace, tmpdir, name);
}

static gpointer
summary_child (JgWindow   *window,
               const char *name)
{
  return jg_test_child (jg_test_window_child (window, "summary"), JG_TYPE_TRACE_SUMMARY, name);
}

static const char *
summary_text (JgWindow   *window,
              const char *name)
{
  return gtk_label_get_label (summary_child (window, name));
}

static void
wait_for_load (JgWindow *window)
{
  g_assert_true (jg_window_get_loading (window));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "loading_box")));

  g_assert_true (jg_test_wait_for (jg_test_window_loaded, window, 30));

  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "loading_box")));
  jg_test_wait_drawn (GTK_WIDGET (window));
}

static void
show_summary (JgWindow *window)
{
  GtkStack *stack = jg_test_window_child (window, "stack");

  g_assert_true (gtk_stack_page_get_visible (jg_test_window_child (window, "summary_page")));
  gtk_stack_set_visible_child_name (stack, "summary");
  jg_test_wait_drawn (GTK_WIDGET (window));
}

static void
assert_shows_test_trace (JgWindow *window)
{
  /* The timeline page: the heading and the metrics strip. */
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "title_label")), ==, "Three downloads, one GIL");
  g_assert_cmpstr (jg_test_strip_text (window, "concurrency_label"), ==, "2.90");
  g_assert_cmpstr (jg_test_strip_text (window, "parallelism_label"), ==, "1.90");
  g_assert_cmpstr (jg_test_strip_text (window, "wall_time_label"), ==, "100 ms");
  g_assert_cmpstr (jg_test_strip_text (window, "gil_wait_label"), ==, "60.0 ms");
  g_assert_cmpstr (jg_test_strip_text (window, "utilisation_label"), ==, "48%");
  /* Recorded elsewhere: no sequential run to compare with here. */
  g_assert_cmpstr (jg_test_strip_text (window, "speedup_label"), ==, "—");
  g_assert_nonnull (strstr (jg_test_strip_text (window, "outcome_label"), "fastest task download A"));

  /* The summary page. */
  g_assert_true (gtk_stack_page_get_visible (jg_test_window_child (window, "summary_page")));
  g_assert_cmpstr (summary_text (window, "title_label"), ==, "Three downloads, one GIL");
  g_assert_cmpstr (summary_text (window, "concurrency_label"), ==, "2.90");
  g_assert_cmpstr (summary_text (window, "parallelism_label"), ==, "1.90");
  g_assert_cmpstr (summary_text (window, "events_label"), ==, "12");
  g_assert_cmpstr (summary_text (window, "task_count_label"), ==, "3");
  g_assert_cmpstr (summary_text (window, "worker_count_label"), ==, "3");
  g_assert_cmpstr (summary_text (window, "wall_time_label"), ==, "100 ms");
  g_assert_cmpstr (summary_text (window, "cpu_time_label"), ==, "190 ms");
  g_assert_cmpstr (summary_text (window, "gil_wait_label"), ==, "60.0 ms");
  g_assert_cmpstr (summary_text (window, "tasks_ended_label"), ==, "3 of 3");
  g_assert_cmpstr (summary_text (window, "tasks_failed_label"), ==, "1");
  g_assert_cmpstr (summary_text (window, "scenario_label"), ==, "mixed-downloads");
  g_assert_cmpstr (summary_text (window, "model_label"), ==, "Threads");
  g_assert_cmpstr (summary_text (window, "interpreter_label"), ==, "GIL");
  g_assert_cmpstr (summary_text (window, "switch_interval_label"), ==, "5 ms");
  g_assert_cmpstr (summary_text (window, "cores_label"), ==, "4");
  g_assert_cmpstr (summary_text (window, "cpu_label"), ==, "Test CPU @ 3.00GHz");
  g_assert_cmpstr (summary_text (window, "duration_label"), ==, "100 ms");
}

/* The results and the task table are built at run time: look for their text. */
static gboolean
grid_has_label (GtkWidget  *grid,
                const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (grid);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_window_empty (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  g_auto(GStrv) open_accels = gtk_application_get_accels_for_action (gtk_app, "win.open");
  g_auto(GStrv) quit_accels = gtk_application_get_accels_for_action (gtk_app, "app.quit");
  g_auto(GStrv) help_accels = gtk_application_get_accels_for_action (gtk_app, "win.show-help-overlay");
  g_auto(GStrv) run_accels = gtk_application_get_accels_for_action (gtk_app, "win.run");
  g_auto(GStrv) stop_accels = gtk_application_get_accels_for_action (gtk_app, "win.stop");
  g_auto(GStrv) save_accels = gtk_application_get_accels_for_action (gtk_app, "win.save");
  g_auto(GStrv) view_accels = gtk_application_get_accels_for_action (gtk_app, "win.view::cores");
  GtkWidget *help;
  GtkWindow *preferences;
  GtkAboutDialog *about;

  /* Before any trace: the timeline with the welcome card over the empty
   * canvas, a scenario chosen, and the actions a user reaches for. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jg_test_window_child (window, "stack")), ==, "timeline");
  g_assert_false (gtk_stack_page_get_visible (jg_test_window_child (window, "summary_page")));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "empty_box")));
  g_assert_null (jg_window_get_trace (window));
  g_assert_nonnull (jg_window_get_scenario (window));
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "title_label")), ==,
                   jg_scenario_get_title (jg_window_get_scenario (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Juggler");
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "run_button")));
  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "stop_button")));
  g_assert_true (g_strv_contains ((const char * const *) open_accels, "<Control>o"));
  g_assert_true (g_strv_contains ((const char * const *) run_accels, "<Control>r"));
  g_assert_true (g_strv_contains ((const char * const *) stop_accels, "Escape"));
  g_assert_true (g_strv_contains ((const char * const *) save_accels, "<Control>s"));
  g_assert_true (g_strv_contains ((const char * const *) view_accels, "<Control>3"));
  g_assert_true (g_strv_contains ((const char * const *) quit_accels, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) help_accels, "<Control>question"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-error", NULL));

  jg_test_screenshot (GTK_WIDGET (window), "empty");

  /* resource-base-path found gtk/help-overlay.ui, and the menu item shows it. */
  help = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (help);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (gtk_widget_get_visible (help));
  jg_test_wait_drawn (help);
  jg_test_screenshot (help, "shortcuts");
  gtk_widget_set_visible (help, FALSE);

  /* About names the program and its version. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = GTK_ABOUT_DIALOG (jg_test_find_toplevel (GTK_TYPE_ABOUT_DIALOG));
  g_assert_nonnull (about);
  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "Juggler");
  g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (about));

  /* Preferences: a small dialog over the window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = jg_test_find_toplevel (JG_TYPE_PREFERENCES_DIALOG);
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (window));
  jg_test_wait_drawn (GTK_WIDGET (preferences));
  jg_test_screenshot (GTK_WIDGET (preferences), "preferences");

  /* Its choices are the settings: the projector style, a new default for
   * the switch interval, which the header bar takes up. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *theme = NULL;

    gtk_drop_down_set_selected (jg_test_child (preferences, JG_TYPE_PREFERENCES_DIALOG, "style_dropdown"), 3);
    theme = g_settings_get_string (settings, "theme");
    g_assert_cmpstr (theme, ==, "projector");
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));
    g_assert_cmpint (jg_canvas_get_theme (jg_test_window_child (window, "canvas")), ==, JG_SWIMLANE_THEME_PROJECTOR);

    gtk_spin_button_set_value (jg_test_child (preferences, JG_TYPE_PREFERENCES_DIALOG, "switch_interval_spin"), 2);
    g_assert_cmpfloat (g_settings_get_double (settings, "switch-interval"), ==, 2);
    g_assert_cmpfloat (gtk_spin_button_get_value (jg_test_window_child (window, "switch_interval_spin")), ==, 2);

    g_settings_reset (settings, "theme");
    g_settings_reset (settings, "switch-interval");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));
  }
  gtk_window_destroy (preferences);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_open (void)
{
  g_autoptr(GFile) file = write_trace ("mixed.juggler");
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgStateBarWidget *bar;
  JgCanvas *canvas;
  JgSwimlanePainter *painter;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) canvas_texture = NULL;
  g_autofree char *tooltip = NULL;
  JgTestPixels pixels = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba gil = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  JgRgba io = jg_palette_state_color (JG_STATE_IO_WAIT, FALSE);
  JgRgba lock = jg_palette_state_color (JG_STATE_LOCK_WAIT, FALSE);
  int y;
  int lock_pixels = 0;
  double row_y, row_h, x;

  jg_window_open (window, file);
  wait_for_load (window);

  g_assert_nonnull (jg_window_get_trace (window));
  g_assert_null (jg_window_get_run (window));
  g_assert_true (g_file_equal (jg_window_get_file (window), file));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jg_test_window_child (window, "stack")), ==, "timeline");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "mixed.juggler — Juggler");
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "subtitle_label")), "mixed.juggler"));
  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "empty_box")));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  assert_shows_test_trace (window);

  jg_test_screenshot (GTK_WIDGET (window), "timeline");

  /* The canvas shows the whole trace: download A runs from 0 to 100 ms, so
   * its lane is Running blue at 50 ms; download B is in I/O at 60 ms. */
  canvas = jg_test_window_child (window, "canvas");
  painter = jg_canvas_get_painter (canvas);
  g_assert_true (jg_canvas_get_trace (canvas) == jg_window_get_trace (window));
  g_assert_false (jg_canvas_get_live (canvas));
  jg_swimlane_painter_clear_hover (painter);
  canvas_texture = jg_test_render (GTK_WIDGET (canvas));
  jg_test_pixels_init (&pixels, canvas_texture);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 0, &row_y, &row_h));
  x = jg_swimlane_painter_x_for_time (painter, 50 * MS);
  g_assert_true (jg_test_pixels_match (&pixels, (int) x, (int) (row_y + row_h * 0.8), &running));
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 1, &row_y, &row_h));
  x = jg_swimlane_painter_x_for_time (painter, 60 * MS);
  g_assert_false (jg_test_pixels_match (&pixels, (int) x, (int) (row_y + row_h * 0.8), &running));
  jg_test_pixels_clear (&pixels);

  /* Hovering there names the task, its state and when. */
  tooltip = jg_canvas_describe_point (canvas, x, row_y + row_h / 2);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "download B"));
  g_assert_nonnull (strstr (tooltip, "I/O"));
  g_assert_nonnull (strstr (tooltip, "From 40.0 ms, for 40.0 ms"));

  show_summary (window);

  g_assert_true (grid_has_label (summary_child (window, "results_grid"), "Lost updates"));
  g_assert_true (grid_has_label (summary_child (window, "results_grid"), "download A"));
  g_assert_true (grid_has_label (summary_child (window, "tasks_grid"), "download C"));
  g_assert_true (grid_has_label (summary_child (window, "tasks_grid"), "60.0 ms"));
  g_assert_true (grid_has_label (summary_child (window, "tasks_grid"), "Failed"));

  jg_test_screenshot (GTK_WIDGET (window), "summary");

  /* The state bar as drawn: Running from the left (190 of 290 ms), then the
   * GIL wait (60 ms), then I/O (40 ms); nobody waited on a lock. */
  bar = summary_child (window, "state_bar");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bar)));
  texture = jg_test_render (GTK_WIDGET (bar));
  jg_test_pixels_init (&pixels, texture);
  y = pixels.height / 2;
  g_assert_cmpint (pixels.width, >, 200);

  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.05, y, &running));
  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.60, y, &running));
  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.70, y, &gil));
  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.82, y, &gil));
  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.90, y, &io));
  g_assert_true (jg_test_pixels_match (&pixels, pixels.width * 0.97, y, &io));
  for (int i = 0; i < pixels.width; i++)
    lock_pixels += jg_test_pixels_match (&pixels, i, y, &lock);
  g_assert_cmpint (lock_pixels, ==, 0);

  jg_test_pixels_clear (&pixels);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_broken_file_keeps_summary (void)
{
  g_autoptr(GFile) good = write_trace ("good.juggler");
  g_autoptr(GFile) broken = jg_test_write_file (tmpdir, "broken.juggler", "[1, 2, 3]\n");
  g_autofree char *gone_path = g_build_filename (tmpdir, "gone.juggler", NULL);
  g_autoptr(GFile) gone = g_file_new_for_path (gone_path);
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgTrace *shown;
  const char *message;

  jg_window_open (window, good);
  wait_for_load (window);
  shown = jg_window_get_trace (window);
  g_assert_nonnull (shown);

  jg_window_open (window, broken);
  wait_for_load (window);

  /* The banner says which file and what is wrong with it... */
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_title_label")),
                            "broken.juggler"));
  message = gtk_label_get_label (jg_test_window_child (window, "error_label"));
  g_assert_nonnull (strstr (message, "not a Juggler trace"));

  /* ...and the trace shown before is still there, untouched. */
  g_assert_true (jg_window_get_trace (window) == shown);
  g_assert_true (g_file_equal (jg_window_get_file (window), good));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (jg_test_window_child (window, "stack")), ==, "timeline");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "good.juggler — Juggler");
  assert_shows_test_trace (window);

  jg_test_screenshot (GTK_WIDGET (window), "error");

  /* Dismiss hides the banner. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-error", NULL));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));

  /* A file that is not there is an error too, not a crash. */
  jg_window_open (window, gone);
  wait_for_load (window);
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_label")), "gone.juggler"));
  g_assert_true (jg_window_get_trace (window) == shown);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_drop (void)
{
  g_autoptr(GFile) file = write_trace ("dropped.juggler");
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  GtkDropTarget *target = jg_test_window_child (window, "drop_target");
  GSList files = { file, NULL };
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  /* What a file manager's drop delivers: a file list. */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (&files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);

  wait_for_load (window);
  g_assert_true (g_file_equal (jg_window_get_file (window), file));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "dropped.juggler — Juggler");
  assert_shows_test_trace (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* GTK 4.8's file chooser dialog now and then warns "Trying to snapshot
 * GtkButton … without a current allocation" about a path bar button while it
 * changes folder. It is GTK's own widget and harmless, but every warning is
 * fatal in a test: while the dialog is up, that one message is only noted. */
static gboolean in_file_chooser;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (in_file_chooser)
    {
      const char *domain = NULL;
      const char *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
            domain = fields[i].value;
          else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
            message = fields[i].value;
        }

      if (g_strcmp0 (domain, "Gtk") == 0
          && message != NULL
          && g_str_has_prefix (message, "Trying to snapshot GtkButton")
          && strstr (message, "without a current allocation") != NULL)
        {
          g_test_message ("ignored in the file chooser: %s", message);
          return G_LOG_WRITER_HANDLED;
        }
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
test_window_open_dialog (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GFile) file = write_trace ("chosen.juggler");
  g_autoptr(GFile) folder = g_file_new_for_path (tmpdir);
  g_autoptr(GFile) current = NULL;
  g_autoptr(GFile) chosen = NULL;
  g_autofree char *last_folder = NULL;
  JgWindow *window;
  GtkWindow *dialog;
  GtkFileFilter *filter;

  g_settings_set_string (settings, "last-folder", tmpdir);
  window = jg_test_window_new (app, 1280, 800);

  /* Ctrl+O's action: the dialog starts in the last folder, showing traces. */
  in_file_chooser = TRUE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  while ((dialog = jg_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  /* The dialog changes folder asynchronously. */
  while ((current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (dialog))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_equal (current, folder));
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "Juggler Traces");

  /* Choosing a file opens it and remembers its folder. */
  g_settings_set_string (settings, "last-folder", "");
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  while ((chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_equal (chosen, file));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  in_file_chooser = FALSE;
  wait_for_load (window);

  g_assert_true (g_file_equal (jg_window_get_file (window), file));
  assert_shows_test_trace (window);
  last_folder = g_settings_get_string (settings, "last-folder");
  g_assert_cmpstr (last_folder, ==, tmpdir);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GFile   *file;
  guint64  inode;
} Replaced;

static guint64
file_inode (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_INODE,
                                                  G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info != NULL ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE) : 0;
}

static gboolean
not_saving (gpointer user_data)
{
  return !jg_window_get_saving (user_data);
}

static void
test_window_save_export (void)
{
  g_autoptr(GFile) file = write_trace ("saved.juggler");
  g_autofree char *copy_path = g_build_filename (tmpdir, "copy.juggler", NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
  g_autofree char *export_path = g_build_filename (tmpdir, "saved-export.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(JgTrace) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  guint64 inode;
  JgWindow *window = jg_test_window_new (app, 1280, 800);

  jg_window_open (window, file);
  wait_for_load (window);

  /* Ctrl+S writes the trace back to its file, atomically: a new file takes
   * the old one's place. */
  inode = file_inode (file);
  g_assert_cmpuint (inode, !=, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (jg_window_get_saving (window));
  g_assert_true (jg_test_wait_for (not_saving, window, 10));
  g_assert_cmpuint (file_inode (file), !=, inode);
  reloaded = jg_trace_file_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jg_trace_get_n_events (reloaded), ==, 12);

  /* Save As: the window now goes by the new file. */
  jg_window_save_as (window, copy);
  g_assert_true (jg_test_wait_for (not_saving, window, 10));
  g_assert_true (g_file_query_exists (copy, NULL));
  g_assert_true (g_file_equal (jg_window_get_file (window), copy));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "copy.juggler — Juggler");

  /* Export as Chrome trace: JSON that Perfetto opens; the window still goes
   * by its own file. */
  jg_window_export_chrome (window, export_file);
  g_assert_true (jg_test_wait_for (not_saving, window, 10));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_true (g_file_load_contents (export_file, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "traceEvents"));
  g_assert_nonnull (strstr (contents, "download A"));
  g_assert_true (g_file_equal (jg_window_get_file (window), copy));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
written (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

/* A picture of the view shown: PNG through the call the dialog ends in, SVG
 * through the dialog itself, its format taken from the filter chosen. */
static void
test_window_export_picture (void)
{
  g_autoptr(GFile) file = write_trace ("pictured.juggler");
  g_autofree char *png_path = g_build_filename (tmpdir, "pictured.png", NULL);
  g_autofree char *svg_path = g_build_filename (tmpdir, "pictured-view.svg", NULL);
  g_autoptr(GFile) png_file = g_file_new_for_path (png_path);
  g_autoptr(GFile) folder = g_file_new_for_path (tmpdir);
  g_autoptr(GFile) chosen = NULL;
  g_autoptr(GFile) current = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  g_autoptr(GListModel) filters = NULL;
  cairo_surface_t *surface;
  GtkWindow *dialog;
  JgWindow *window = jg_test_window_new (app, 1280, 800);

  jg_window_open (window, file);
  wait_for_load (window);

  jg_window_export_picture (window, png_file, JG_PICTURE_FORMAT_PNG);
  g_assert_true (jg_window_get_saving (window));
  g_assert_true (jg_test_wait_for (not_saving, window, 10));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  surface = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), >, 0);
  g_assert_cmpint (cairo_image_surface_get_height (surface), >, 0);
  cairo_surface_destroy (surface);

  /* The menu's action: the dialog offers the three formats; a name without
   * an extension gets the chosen filter's. */
  g_settings_set_string (settings, "last-folder", tmpdir);
  in_file_chooser = TRUE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-picture", NULL));
  while ((dialog = jg_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 3);
  g_assert_cmpstr (gtk_file_filter_get_name (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog))),
                   ==, "PNG Pictures");
  {
    g_autoptr(GtkFileFilter) svg_filter = g_list_model_get_item (filters, 1);

    g_assert_cmpstr (gtk_file_filter_get_name (svg_filter), ==, "SVG Pictures");
    gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (dialog), svg_filter);
  }
  /* The dialog changes folder asynchronously. */
  while ((current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (dialog))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_equal (current, folder));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "pictured-view");
  while ((chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* A save dialog checks the name asynchronously before it answers. */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (jg_test_wait_for (written, svg_path, 10));
  in_file_chooser = FALSE;
  g_assert_true (jg_test_wait_for (not_saving, window, 10));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));

  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (svg, "<?xml") || g_str_has_prefix (svg, "<svg"));
  g_assert_nonnull (strstr (svg, "<svg"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Two threads, three slices and an async pair, as VizTracer might write. */
static const char chrome_json[] =
  "{\"traceEvents\": [\n"
  "  {\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 1, \"tid\": 1, \"args\": {\"name\": \"demo\"}},\n"
  "  {\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 1, \"tid\": 1, \"args\": {\"name\": \"MainThread\"}},\n"
  "  {\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 1, \"tid\": 2, \"args\": {\"name\": \"Worker\"}},\n"
  "  {\"ph\": \"X\", \"name\": \"parse\", \"pid\": 1, \"tid\": 1, \"ts\": 0, \"dur\": 30000},\n"
  "  {\"ph\": \"X\", \"name\": \"render\", \"pid\": 1, \"tid\": 1, \"ts\": 40000, \"dur\": 50000},\n"
  "  {\"ph\": \"X\", \"name\": \"fetch\", \"pid\": 1, \"tid\": 2, \"ts\": 10000, \"dur\": 60000},\n"
  "  {\"ph\": \"b\", \"name\": \"request\", \"cat\": \"net\", \"id\": \"0x1\", \"pid\": 1, \"tid\": 2, \"ts\": 12000},\n"
  "  {\"ph\": \"e\", \"name\": \"request\", \"cat\": \"net\", \"id\": \"0x1\", \"pid\": 1, \"tid\": 2, \"ts\": 55000}\n"
  "]}\n";

/* Chrome Trace JSON opens like a trace of our own; the banner lists what it
 * held that could not be shown, and a broken one keeps what was shown. */
static void
test_window_open_chrome (void)
{
  g_autoptr(GFile) file = jg_test_write_file (tmpdir, "viztracer.json", chrome_json);
  g_autoptr(GFile) broken = jg_test_write_file (tmpdir, "broken.json", "{\"traceEvents\": [{\"ph\": \"X\", \"ts\": ");
  const char *message;
  JgTrace *shown;
  JgWindow *window = jg_test_window_new (app, 1280, 800);

  jg_window_open (window, file);
  wait_for_load (window);

  shown = jg_window_get_trace (window);
  g_assert_nonnull (shown);
  g_assert_cmpuint (jg_trace_get_n_tasks (shown), ==, 3);
  g_assert_cmpuint (jg_trace_get_n_workers (shown), ==, 2);
  g_assert_true (g_file_equal (jg_window_get_file (window), file));
  g_assert_true (jg_canvas_get_trace (jg_test_window_child (window, "canvas")) == shown);
  g_assert_cmpstr (summary_text (window, "task_count_label"), ==, "3");
  g_assert_cmpstr (summary_text (window, "worker_count_label"), ==, "2");

  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_true (gtk_widget_has_css_class (gtk_revealer_get_child (jg_test_window_child (window, "error_revealer")),
                                           "info-banner"));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_title_label")),
                            "viztracer.json"));
  message = gtk_label_get_label (jg_test_window_child (window, "error_label"));
  g_assert_nonnull (strstr (message, "2 async events"));
  g_assert_nonnull (strstr (message, "not imported"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-error", NULL));

  /* Malformed: the error says so, and the imported trace stays. */
  jg_window_open (window, broken);
  wait_for_load (window);
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "error_revealer")));
  g_assert_false (gtk_widget_has_css_class (gtk_revealer_get_child (jg_test_window_child (window, "error_revealer")),
                                            "info-banner"));
  g_assert_nonnull (strstr (gtk_label_get_label (jg_test_window_child (window, "error_title_label")), "broken.json"));
  g_assert_true (jg_window_get_trace (window) == shown);
  g_assert_true (g_file_equal (jg_window_get_file (window), file));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GFile) file = write_trace ("remembered.juggler");
  JgWindow *window;
  int width;
  int height;
  g_autofree char *recent = NULL;

  /* The saved size comes back... */
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 650);
  window = jg_window_new (GTK_APPLICATION (app));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 650);

  /* ...an opened trace is remembered, and offered again on the welcome page... */
  gtk_window_present (GTK_WINDOW (window));
  jg_window_open (window, file);
  wait_for_load (window);
  recent = g_settings_get_string (settings, "recent-trace");
  g_assert_cmpstr (recent, ==, g_file_peek_path (file));

  /* ...and closing saves the size for next time. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = jg_window_new (GTK_APPLICATION (app));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "recent_button")));
  g_assert_nonnull (strstr (gtk_button_get_label (jg_test_window_child (window, "recent_button")),
                            "remembered.juggler"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  jg_test_init (&argc, &argv);
  tmpdir = test_make_tmp_dir ("juggler-test-window-XXXXXX");
  app = jg_test_application_new ();

  g_test_add_func ("/window/empty", test_window_empty);
  g_test_add_func ("/window/open", test_window_open);
  g_test_add_func ("/window/broken-file-keeps-summary", test_window_broken_file_keeps_summary);
  g_test_add_func ("/window/drop", test_window_drop);
  g_test_add_func ("/window/open-dialog", test_window_open_dialog);
  g_test_add_func ("/window/save-export", test_window_save_export);
  g_test_add_func ("/window/export-picture", test_window_export_picture);
  g_test_add_func ("/window/open-chrome", test_window_open_chrome);
  g_test_add_func ("/window/settings", test_window_settings);

  return jg_test_run (&app, &tmpdir);
}
