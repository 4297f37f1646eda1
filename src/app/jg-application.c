/* jg-application.c: app actions (preferences, about, quit), accelerators,
 * the stylesheet, the light or dark style the "theme" setting asks for, and
 * routing of files given on the command line to windows. */
#define G_LOG_DOMAIN "jg-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-application.h"
#include "jg-preferences-dialog.h"
#include "jg-window.h"
#include "jg-wizard.h"

struct _JgApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  gboolean        system_prefers_dark; /* GTK's own setting before we touched it */
};

G_DEFINE_FINAL_TYPE (JgApplication, jg_application, GTK_TYPE_APPLICATION)

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *authors[] = { _("The Juggler developers"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Juggler"),
                         "version", PACKAGE_VERSION,
                         "logo-icon-name", APP_ID,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("See how Python’s threads, processes and asyncio run "
                                       "work: concurrency and parallelism, side by side."),
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *dialog = jg_preferences_dialog_new (gtk_application_get_active_window (app));

  gtk_window_present (GTK_WINDOW (dialog));
}

/* The decision wizard over the active window; a broken or missing tree is
 * said in a dialog rather than leaving the menu item dead. */
static void
wizard_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (app);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgAdvisor) advisor = jg_advisor_load_default (&error);
  GtkWidget *window;

  if (advisor == NULL)
    {
      window = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                       "%s", _("Could not read the decision tree"));
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (window), "%s", error->message);
      g_signal_connect (window, "response", G_CALLBACK (gtk_window_destroy), NULL);
    }
  else
    {
      window = jg_wizard_new (parent, advisor);
      gtk_application_add_window (app, GTK_WINDOW (window));
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing, not just quitting, lets each window save its size. */
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "wizard", wizard_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* Light or dark widgets, as the "theme" setting says; "system" gives back
 * what GTK had before. The canvas reads the same GtkSettings for its lanes. */
static void
apply_theme (JgApplication *self)
{
  g_autofree char *theme = g_settings_get_string (self->settings, "theme");
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  gboolean dark;

  if (g_str_equal (theme, "dark"))
    dark = TRUE;
  else if (g_str_equal (theme, "light") || g_str_equal (theme, "projector"))
    dark = FALSE;
  else
    dark = self->system_prefers_dark;

  g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", dark, NULL);
}

static void
set_accels (GtkApplication *app,
            const char     *action,
            const char     *first,
            ...)
{
  g_autoptr(GPtrArray) accels = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *accel = first; accel != NULL; accel = va_arg (args, const char *))
    g_ptr_array_add (accels, (gpointer) accel);
  va_end (args);
  g_ptr_array_add (accels, NULL);

  gtk_application_set_accels_for_action (app, action, (const char * const *) accels->pdata);
}

static void
jg_application_startup (GApplication *application)
{
  JgApplication *self = JG_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (jg_application_parent_class)->startup (application);

  self->settings = g_settings_new (APP_ID);
  g_object_get (gtk_settings_get_default (),
                "gtk-application-prefer-dark-theme", &self->system_prefers_dark,
                NULL);
  apply_theme (self);
  g_signal_connect_object (self->settings, "changed::theme",
                           G_CALLBACK (apply_theme), self, G_CONNECT_SWAPPED);

  gtk_css_provider_load_from_resource (css, "/io/github/juggler/Juggler/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  set_accels (app, "win.run", "<Control>r", NULL);
  set_accels (app, "win.stop", "Escape", NULL);
  set_accels (app, "win.open", "<Control>o", NULL);
  set_accels (app, "win.open-scenario", "<Shift><Control>o", NULL);
  set_accels (app, "win.save", "<Control>s", NULL);
  set_accels (app, "win.save-as", "<Shift><Control>s", NULL);
  set_accels (app, "win.export-chrome", "<Control>e", NULL);
  set_accels (app, "win.zoom-in", "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL);
  set_accels (app, "win.zoom-out", "<Control>minus", "<Control>KP_Subtract", NULL);
  set_accels (app, "win.zoom-fit", "<Control>0", "<Control>KP_0", NULL);
  set_accels (app, "win.view::tasks", "<Control>1", NULL);
  set_accels (app, "win.view::workers", "<Control>2", NULL);
  set_accels (app, "win.view::cores", "<Control>3", NULL);
  set_accels (app, "win.show-sidebar", "F9", NULL);
  set_accels (app, "win.play-pause", "space", NULL);
  set_accels (app, "win.step-next", "<Control>Right", NULL);
  set_accels (app, "win.step-prev", "<Control>Left", NULL);
  set_accels (app, "win.speed-up", "<Control>bracketright", NULL);
  set_accels (app, "win.speed-down", "<Control>bracketleft", NULL);
  set_accels (app, "win.show-help-overlay", "<Control>question", NULL);
  set_accels (app, "app.preferences", "<Control>comma", NULL);
  set_accels (app, "app.wizard", "<Control>m", NULL);
  set_accels (app, "win.compare", "<Shift><Control>r", NULL);
  set_accels (app, "win.presenter", "F5", NULL);
  set_accels (app, "win.presenter-window", "<Shift>F5", NULL);
  set_accels (app, "win.open-lesson", "<Control>l", NULL);
  set_accels (app, "win.show-lesson", "<Shift><Control>l", NULL);
  set_accels (app, "win.lesson-next", "<Alt>Right", NULL);
  set_accels (app, "win.lesson-prev", "<Alt>Left", NULL);
  set_accels (app, "app.quit", "<Control>q", NULL);

  gtk_window_set_default_icon_name (APP_ID);
}

/* A lesson rather than a trace: JSON that names the lesson format near its
 * start (where Juggler writes it). Reading it whole is jg_lesson_load ()'s job. */
static gboolean
is_lesson_file (GFile *file)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  char head[4096];
  gsize length = 0;

  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head - 1, &length, NULL, NULL))
    return FALSE;
  head[length] = '\0';
  return g_str_has_prefix (g_strchug (head), "{") && strstr (head, "\"" JG_LESSON_FORMAT "\"") != NULL;
}

static JgWindow *
jg_application_get_window (JgApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (JG_IS_WINDOW (window))
    return JG_WINDOW (window);

  return jg_window_new (GTK_APPLICATION (self));
}

static void
jg_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (jg_application_get_window (JG_APPLICATION (application))));
}

static void
jg_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  JgApplication *self = JG_APPLICATION (application);

  /* One trace per window: the first file goes into the current window when it
   * is still empty, every other file gets a window of its own. A lesson goes
   * into the current window, which shows its steps. */
  for (int i = 0; i < n_files; i++)
    {
      JgWindow *window = jg_application_get_window (self);

      if (is_lesson_file (files[i]))
        {
          jg_window_open_lesson (window, files[i]);
          gtk_window_present (GTK_WINDOW (window));
          continue;
        }

      if (jg_window_get_trace (window) != NULL || jg_window_get_loading (window))
        window = jg_window_new (GTK_APPLICATION (self));

      jg_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
jg_application_dispose (GObject *object)
{
  JgApplication *self = JG_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jg_application_parent_class)->dispose (object);
}

static void
jg_application_class_init (JgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = jg_application_dispose;

  app_class->startup = jg_application_startup;
  app_class->activate = jg_application_activate;
  app_class->open = jg_application_open;
}

static void
jg_application_init (JgApplication *self)
{
}

JgApplication *
jg_application_new (void)
{
  return g_object_new (JG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/juggler/Juggler",
                       NULL);
}
