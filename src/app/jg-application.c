/* jg-application.c: app actions (about, quit), accelerators, the stylesheet,
 * and routing of files given on the command line to windows. */
#define G_LOG_DOMAIN "jg-application"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-application.h"
#include "jg-window.h"

struct _JgApplication
{
  GtkApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (JgApplication, jg_application, GTK_TYPE_APPLICATION)

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *authors[] = { "The Juggler developers", NULL };

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
  { "about", about_action },
  { "quit", quit_action },
};

static void
jg_application_startup (GApplication *application)
{
  GtkApplication *app = GTK_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (jg_application_parent_class)->startup (application);

  gtk_css_provider_load_from_resource (css, "/io/github/juggler/Juggler/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  gtk_application_set_accels_for_action (app, "win.open",
                                         (const char *[]) { "<Control>o", NULL });
  gtk_application_set_accels_for_action (app, "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
  gtk_application_set_accels_for_action (app, "app.quit",
                                         (const char *[]) { "<Control>q", NULL });

  gtk_window_set_default_icon_name (APP_ID);
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
   * is still empty, every other file gets a window of its own. */
  for (int i = 0; i < n_files; i++)
    {
      JgWindow *window = jg_application_get_window (self);

      if (jg_window_get_trace (window) != NULL || jg_window_get_loading (window))
        window = jg_window_new (GTK_APPLICATION (self));

      jg_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
jg_application_class_init (JgApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

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
