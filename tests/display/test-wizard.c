/* test-wizard.c: the decision wizard and the compare window under Xvfb. The
 * wizard is opened through app.wizard and its pages are clicked through the
 * way a user would, to the recommendation the advisor gives for the same
 * facts; Back takes an answer back; "Show me" opens the compare window, whose
 * runs start, finish with a sentence, and draw bars in the contenders'
 * colours. Task counts are tiny so the runs take well under a second each. */
#define G_LOG_DOMAIN "test-wizard"

#include "config.h"

#include <gtk/gtk.h>

#include "jg-advisor.h"
#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-compare-chart.h"
#include "jg-compare-window.h"
#include "jg-display-test.h"
#include "jg-window.h"
#include "jg-wizard.h"

/* Every wait is bounded: a run that hangs fails its test, not the suite. */
#define RUN_TIMEOUT_S 30

static JgApplication *app;

static gpointer
wizard_child (JgWizard   *wizard,
              const char *name)
{
  return jg_test_child (wizard, JG_TYPE_WIZARD, name);
}

/* Opens the wizard as the menu item does. */
static JgWizard *
open_wizard (void)
{
  JgWizard *wizard = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "wizard", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (JG_IS_WIZARD (l->data))
      wizard = l->data;
  g_assert_nonnull (wizard);
  jg_test_wait_drawn (GTK_WIDGET (wizard));
  return wizard;
}

static const char *
visible_page (JgWizard *wizard)
{
  return gtk_stack_get_visible_child_name (wizard_child (wizard, "stack"));
}

/* Clicks option @option on the page shown, then Next. */
static void
answer (JgWizard *wizard,
        guint     option)
{
  GtkWidget *button = jg_wizard_get_option_button (wizard, option);
  GtkWidget *next = wizard_child (wizard, "next_button");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (next));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_true (gtk_widget_is_sensitive (next));
  g_signal_emit_by_name (next, "clicked");
  jg_test_wait_drawn (GTK_WIDGET (wizard));
}

/* Clicks through every page with the options @facts pick. */
static void
drive (JgWizard             *wizard,
       const JgAdvisorFacts *facts)
{
  JgAdvisorWalk *walk = jg_wizard_get_walk (wizard);
  const JgAdvisorQuestion *question;

  while ((question = jg_advisor_walk_get_question (walk)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      int pick = jg_advisor_question_pick (question, facts, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (visible_page (wizard), ==, question->id);
      answer (wizard, (guint) pick);
    }
}

static void
check_recommendation (const JgAdvisorFacts *facts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JgAdvisor) advisor = jg_advisor_load_default (&error);
  const JgAdvisorRecommendation *expected;
  JgWizard *wizard;

  g_assert_no_error (error);
  expected = jg_advisor_recommend (advisor, facts, &error);
  g_assert_no_error (error);

  wizard = open_wizard ();
  drive (wizard, facts);

  g_assert_cmpstr (visible_page (wizard), ==, "recommendation");
  g_assert_cmpstr (gtk_label_get_label (wizard_child (wizard, "title_label")), ==, expected->title);
  g_assert_cmpstr (gtk_label_get_label (wizard_child (wizard, "why_label")), ==, expected->why);
  g_assert_true (gtk_widget_get_visible (wizard_child (wizard, "show_me_button")));
  g_assert_true (gtk_widget_is_sensitive (wizard_child (wizard, "show_me_button")));
  g_assert_false (gtk_widget_get_visible (wizard_child (wizard, "next_button")));

  gtk_window_destroy (GTK_WINDOW (wizard));
}

/* The seeds' decision table, as docs/advisor.md lists it. */
static void
test_wizard_recommendations (void)
{
  const JgAdvisorFacts cases[] = {
    { .workload = JG_WORKLOAD_IO, .n_tasks = 30 },
    { .workload = JG_WORKLOAD_IO, .n_tasks = 5000, .all_async = TRUE },
    { .workload = JG_WORKLOAD_CPU, .n_tasks = 8 },
    { .workload = JG_WORKLOAD_CPU, .n_tasks = 8, .releases_gil = TRUE },
    { .workload = JG_WORKLOAD_MIXED, .n_tasks = 50 },
    { .workload = JG_WORKLOAD_IO, .n_tasks = 3, .background = TRUE },
    { .workload = JG_WORKLOAD_CPU, .n_tasks = 10000, .batch = TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_recommendation (&cases[i]);
}

static void
test_wizard_back (void)
{
  JgWizard *wizard = open_wizard ();
  JgAdvisorWalk *walk = jg_wizard_get_walk (wizard);
  const JgAdvisorQuestion *root = jg_advisor_walk_get_question (walk);
  GtkWidget *back = wizard_child (wizard, "back_button");
  const char *progress;

  g_assert_cmpstr (visible_page (wizard), ==, root->id);
  g_assert_false (gtk_widget_is_sensitive (back));
  /* Nothing chosen yet: Next waits for an answer. */
  g_assert_false (gtk_widget_is_sensitive (wizard_child (wizard, "next_button")));

  g_signal_emit_by_name (jg_wizard_get_option_button (wizard, 0), "clicked");
  jg_test_wait_drawn (GTK_WIDGET (wizard));
  jg_test_screenshot (GTK_WIDGET (wizard), "question");

  answer (wizard, 1);
  g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, 1);
  g_assert_cmpstr (visible_page (wizard), !=, root->id);
  g_assert_true (gtk_widget_is_sensitive (back));

  g_signal_emit_by_name (back, "clicked");
  jg_test_wait_drawn (GTK_WIDGET (wizard));
  g_assert_cmpuint (jg_advisor_walk_get_n_steps (walk), ==, 0);
  g_assert_cmpstr (visible_page (wizard), ==, root->id);
  g_assert_false (gtk_widget_is_sensitive (back));
  progress = gtk_label_get_label (wizard_child (wizard, "progress_label"));
  g_assert_true (g_str_has_prefix (progress, "Question 1"));
  /* The answer taken back is still shown, so Next goes the same way again. */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (jg_wizard_get_option_button (wizard, 1))));
  g_assert_true (gtk_widget_is_sensitive (wizard_child (wizard, "next_button")));

  gtk_window_destroy (GTK_WINDOW (wizard));
}

static gboolean
canvas_has_events (gpointer user_data)
{
  JgTrace *trace = jg_canvas_get_trace (user_data);

  return trace != NULL && jg_trace_get_n_events (trace) > 0;
}

static gboolean
compare_finished (gpointer user_data)
{
  return jg_compare_is_finished (user_data);
}

static void
test_wizard_show_me (void)
{
  const JgAdvisorFacts facts = { .workload = JG_WORKLOAD_IO, .n_tasks = 30 };
  JgWizard *wizard = open_wizard ();
  GtkWindow *window;
  JgCompare *compare;
  GtkWidget *chart;
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels;
  guint bars = 0;

  drive (wizard, &facts);
  gtk_window_set_default_size (GTK_WINDOW (wizard), 720, 760);
  jg_test_wait_drawn (GTK_WIDGET (wizard));
  jg_test_screenshot (GTK_WIDGET (wizard), "wizard");

  /* Tiny, so every model runs in a fraction of a second. */
  gtk_spin_button_set_value (wizard_child (wizard, "tasks_spin"), 3);
  g_signal_emit_by_name (wizard_child (wizard, "show_me_button"), "clicked");

  window = jg_wizard_get_compare_window (wizard);
  g_assert_nonnull (window);
  g_assert_true (JG_IS_COMPARE_WINDOW (window));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  compare = jg_compare_window_get_compare (JG_COMPARE_WINDOW (window));
  g_assert_nonnull (compare);
  g_assert_cmpuint (jg_compare_get_n_tasks (compare), ==, 3);
  g_assert_cmpint (jg_compare_get_recommended (compare), ==, 0);

  /* The first contender's run starts: its canvas shows a growing trace. */
  g_assert_true (jg_test_wait_for (canvas_has_events, jg_compare_window_get_canvas (JG_COMPARE_WINDOW (window), 0),
                                   RUN_TIMEOUT_S));
  g_assert_true (jg_test_wait_for (compare_finished, compare, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));

  g_assert_cmpstr (jg_compare_window_get_sentence (JG_COMPARE_WINDOW (window)), ==, jg_compare_get_sentence (compare));
  g_assert_cmpstr (jg_compare_window_get_sentence (JG_COMPARE_WINDOW (window)), !=, "");

  /* Finished runs share one time axis. */
  for (guint i = 1; i < jg_compare_get_n_contenders (compare); i++)
    {
      guint64 a0, a1, b0, b1;

      jg_canvas_get_window (JG_CANVAS (jg_compare_window_get_canvas (JG_COMPARE_WINDOW (window), 0)), &a0, &a1);
      jg_canvas_get_window (JG_CANVAS (jg_compare_window_get_canvas (JG_COMPARE_WINDOW (window), i)), &b0, &b1);
      g_assert_cmpuint (a0, ==, b0);
      g_assert_cmpuint (a1, ==, b1);
    }

  /* A bar per finished contender, in its own colour. */
  chart = jg_compare_window_get_chart (JG_COMPARE_WINDOW (window));
  texture = jg_test_render (chart);
  jg_test_pixels_init (&pixels, texture);
  for (guint i = 0; i < jg_compare_get_n_contenders (compare); i++)
    {
      graphene_rect_t bar;
      JgRgba color = jg_compare_contender_color (i);

      if (!jg_compare_chart_get_bar (JG_COMPARE_CHART (chart), i, &bar))
        continue;
      g_assert_true (jg_test_pixels_match (&pixels, (int) (bar.origin.x + bar.size.width / 2),
                                           (int) (bar.origin.y + bar.size.height / 2), &color));
      bars++;
    }
  jg_test_pixels_clear (&pixels);
  g_assert_cmpuint (bars, ==, jg_compare_get_n_ranked (compare));
  g_assert_cmpuint (bars, >=, 2);

  jg_test_screenshot (GTK_WIDGET (window), "compare");

  gtk_window_destroy (window);
  gtk_window_destroy (GTK_WINDOW (wizard));
}

/* The compare window is not the application's: find it among the toplevels. */
static gboolean
compare_window_open (gpointer user_data)
{
  GtkWindow **window = user_data;

  *window = jg_test_find_toplevel (JG_TYPE_COMPARE_WINDOW);
  return *window != NULL;
}

/* Compare mode from the main window: the scenario shown, every model it is
 * meant for; Stop ends the runs and says so. */
static void
test_wizard_compare_mode (void)
{
  JgWindow *main_window = jg_test_window_new (app, -1, -1);
  GtkWindow *window = NULL;
  JgCompare *compare;

  jg_test_choose_scenario (main_window, "downloads");
  jg_test_set_parameter (main_window, "downloads", 4);
  jg_test_set_parameter (main_window, "latency", 200);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.compare", NULL));
  g_assert_true (jg_test_wait_for (compare_window_open, &window, 5));
  compare = jg_compare_window_get_compare (JG_COMPARE_WINDOW (window));
  g_assert_nonnull (compare);
  g_assert_cmpuint (jg_compare_get_n_contenders (compare), >=, 3);
  g_assert_cmpuint (jg_compare_get_n_tasks (compare), ==, 4);

  g_assert_true (jg_test_wait_for (canvas_has_events, jg_compare_window_get_canvas (JG_COMPARE_WINDOW (window), 0),
                                   RUN_TIMEOUT_S));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compare.stop", NULL));
  g_assert_true (jg_test_wait_for (compare_finished, compare, RUN_TIMEOUT_S));
  g_assert_true (jg_compare_is_stopped (compare));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_visible (jg_test_child (window, JG_TYPE_COMPARE_WINDOW, "stop_button")));

  gtk_window_destroy (window);
  gtk_window_destroy (GTK_WINDOW (main_window));
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);
  app = jg_test_application_new ();

  g_test_add_func ("/wizard/recommendations", test_wizard_recommendations);
  g_test_add_func ("/wizard/back", test_wizard_back);
  g_test_add_func ("/wizard/show-me", test_wizard_show_me);
  g_test_add_func ("/wizard/compare-mode", test_wizard_compare_mode);

  return jg_test_run (&app, NULL);
}
