/* test-slow-motion.c: the window's Slow motion drop-down under Xvfb. It and
 * win.time-scale (presenter mode's way to change it) follow one setting,
 * which the next window starts with; a run made at 10× really is stretched,
 * the metrics strip gives its stretched and real wall time, and the speedup
 * compares real with real. */
#define G_LOG_DOMAIN "test-slow-motion"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-display-test.h"
#include "jg-format.h"
#include "jg-metrics.h"
#include "jg-window.h"

#define RUN_TIMEOUT_S 30

static JgApplication *app;

static char *
action_state (JgWindow *window)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), "time-scale");

  g_assert_nonnull (state);
  return g_variant_dup_string (state, NULL);
}

/* The rows, the action and the setting agree, whichever is changed. */
static void
test_control (void)
{
  static const char * const rows[] = { "1×", "10×", "100×", "1000×" };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  GtkDropDown *dropdown = jg_test_window_child (window, "time_scale_dropdown");
  GListModel *model = gtk_drop_down_get_model (dropdown);
  g_autofree char *state = NULL;
  g_autofree char *saved = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_assert_cmpstr (gtk_string_object_get_string (item), ==, rows[i]);
    }
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  state = action_state (window);
  g_assert_cmpstr (state, ==, "1");

  /* Presenter mode's way: the action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.time-scale", "s", "100"));
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 2);
  saved = g_settings_get_string (settings, "time-scale");
  g_assert_cmpstr (saved, ==, "100");

  /* The user's way: the drop-down. */
  gtk_drop_down_set_selected (dropdown, 1);
  g_clear_pointer (&state, g_free);
  state = action_state (window);
  g_assert_cmpstr (state, ==, "10");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Remembered: the next window starts at 10×. */
  window = jg_test_window_new (app, 1280, 800);
  g_assert_cmpuint (gtk_drop_down_get_selected (jg_test_window_child (window, "time_scale_dropdown")), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "time-scale");
}

static void
test_run (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(JgSpans) spans = jg_spans_new ();
  g_autofree JgMetrics *metrics = g_new0 (JgMetrics, 1);
  g_autofree char *wall = NULL;
  g_autofree char *real = NULL;
  g_autofree char *detail = NULL;
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgTestRunWatch watch;
  const char *speedup;
  JgTrace *trace;
  JgRun *run;

  jg_test_choose_scenario (window, "sum-of-squares");
  jg_test_set_parameter (window, "tasks", 2);
  jg_test_set_parameter (window, "work", 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.time-scale", "s", "10"));

  run = jg_test_start_run (window, GTK_WIDGET (window), "win.run", &watch);
  g_assert_true (jg_test_wait_run (&watch, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_cmpint (jg_run_get_status (run), ==, JG_RUN_COMPLETED);

  /* 2 × 10 ms of work, stretched ten times. */
  trace = jg_run_get_trace (run);
  g_assert_cmpfloat (jg_trace_get_time_scale (trace), ==, 10);
  g_assert_cmpuint (jg_trace_get_duration_ns (trace), >=, 200 * G_GUINT64_CONSTANT (1000000));

  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, G_MAXUINT64);
  wall = jg_format_duration (metrics->wall_ns);
  real = jg_format_duration ((guint64) (metrics->wall_ns / 10.0 + 0.5));
  detail = g_strdup_printf ("real %s at 10×", real);
  g_assert_cmpstr (jg_test_strip_text (window, "wall_time_label"), ==, wall);
  g_assert_cmpstr (jg_test_strip_text (window, "wall_time_detail_label"), ==, detail);

  /* Two GIL-bound threads are no faster than one: about 1× against the
   * sequential run (made at normal speed), real time against real time. */
  g_assert_true (jg_test_wait_for (jg_test_speedup_measured, window, RUN_TIMEOUT_S));
  speedup = jg_test_strip_text (window, "speedup_label");
  g_test_message ("speedup at 10×: %s (%s)", speedup, jg_test_strip_text (window, "speedup_detail_label"));
  g_assert_true (g_str_has_suffix (speedup, "×"));
  g_assert_cmpfloat (g_ascii_strtod (speedup, NULL), >, 0.4);
  g_assert_cmpfloat (g_ascii_strtod (speedup, NULL), <, 2.5);

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "time-scale");
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);
  app = jg_test_application_new ();

  g_test_add_func ("/slow-motion/control", test_control);
  g_test_add_func ("/slow-motion/run", test_run);

  return jg_test_run (&app, NULL);
}
