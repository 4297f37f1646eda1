/* test-german.c: the real window in German, under Xvfb: LANGUAGE=de and the
 * de_DE.UTF-8 locale that tests/locale makes, with the catalogue compiled from
 * po/de.po. The header bar, the scenario's own texts (from its JSON file) and
 * the captions of a real run all come out in German. */
#define G_LOG_DOMAIN "test-german"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-caption.h"
#include "jg-caption-bar.h"
#include "jg-display-test.h"
#include "jg-i18n.h"
#include "jg-resources.h"
#include "jg-window.h"

#define RUN_TIMEOUT_S 60

static JgApplication *app;

/* The first GtkLabel under @widget. */
static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

static void
test_german_window (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgCaptionBar *caption_bar = jg_test_window_child (window, "caption_bar");
  GtkLabel *run_label;
  g_autoptr(JgCaptioner) captioner = NULL;
  g_auto(JgCaption) caption = { 0, };

  /* The header bar's Run button, from the .ui file. */
  run_label = find_label (jg_test_window_child (window, "run_button"));
  g_assert_nonnull (run_label);
  g_assert_cmpstr (gtk_label_get_label (run_label), ==, "_Ausführen");

  /* The scenario's title, from its JSON file, through scenarios.pot. */
  jg_test_choose_scenario (window, "convoy");
  g_assert_cmpstr (gtk_label_get_label (jg_test_window_child (window, "title_label")), ==, "Der Konvoi-Effekt");

  /* Presenting with nothing run yet: the caption bar says so in German. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL));
  g_assert_cmpstr (jg_caption_bar_get_text (caption_bar), ==,
                   "Wählen Sie ein Szenario und drücken Sie „Ausführen“ oder öffnen Sie eine Aufzeichnung.");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL);

  /* A short run: the caption at its end is the captioner's, in German. */
  jg_test_set_parameter (window, "calls", 5);
  jg_test_set_parameter (window, "work", 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (jg_test_wait_for (jg_test_window_run_finished, window, RUN_TIMEOUT_S));
  /* The run's end reaches the window a moment later: the replay takes it. */
  g_assert_true (jg_test_wait_for (jg_test_window_replay_ready, window, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL));
  captioner = jg_captioner_new (jg_window_get_trace (window));
  g_assert_true (jg_captioner_caption_at (captioner, G_MAXUINT64, &caption));
  g_assert_cmpstr (jg_caption_bar_get_text (caption_bar), ==, caption.text);
  /* The last task ends: "… ist fertig" rather than "… finishes". */
  g_assert_null (strstr (caption.text, "finishes"));
  g_assert_nonnull (strstr (caption.text, "fertig"));
  jg_test_screenshot (GTK_WIDGET (window), "german");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  name = setlocale (LC_MESSAGES, NULL);
  if (name == NULL || strstr (name, "de_DE") == NULL)
    g_error ("the de_DE.UTF-8 locale did not load (LOCPATH=%s): is Debian's locales package installed?",
             g_getenv ("LOCPATH"));
  /* As main.c does: the templates' texts come from the default domain. */
  jg_i18n_init ();
  textdomain (GETTEXT_PACKAGE);
  jg_register_resource ();

  app = jg_test_application_new ();

  g_test_add_func ("/german/window", test_german_window);

  return jg_test_run (&app, NULL);
}
