/* jg-window.c: the main window. Opening a trace always goes through
 * jg_window_open (): the command line, the Open dialog and a drop all end
 * there. The file is parsed and its spans and metrics derived in a GTask
 * thread; only the finished result touches the widgets. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-metrics.h"
#include "jg-spans.h"
#include "jg-trace-file.h"
#include "jg-trace-summary.h"
#include "jg-window.h"

struct _JgWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *load_cancellable; /* the load in flight, NULL when idle */
  GFile                *file;             /* where the shown trace came from */
  JgTrace              *trace;
  JgSpans              *spans;
  guint                 loading : 1;

  /* Template widgets */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkDropTarget        *drop_target;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_title_label;
  GtkLabel             *error_label;
  GtkStack             *stack;
  GtkButton            *recent_button;
  JgTraceSummary       *summary;
  GtkWidget            *loading_box;
  GtkSpinner           *spinner;
  GtkLabel             *loading_label;
};

G_DEFINE_FINAL_TYPE (JgWindow, jg_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_LOADING,
  PROP_TRACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the loading thread hands back. */
typedef struct
{
  JgTrace   *trace;
  JgSpans   *spans;
  JgMetrics *metrics;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->trace);
  g_clear_pointer (&loaded->spans, jg_spans_free);
  g_clear_pointer (&loaded->metrics, g_free);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static char *
file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);

  return g_filename_display_name (basename);
}

/* The folder a file is in, as people write it: "~/traces". */
static char *
folder_display_name (GFile *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  g_autofree char *relative = NULL;

  if (parent == NULL)
    return NULL;

  if (g_file_equal (parent, home))
    return g_strdup ("~");

  if ((relative = g_file_get_relative_path (home, parent)) != NULL)
    return g_strconcat ("~/", relative, NULL);

  return g_file_get_parse_name (parent);
}

static void
jg_window_set_loading (JgWindow *self,
                       gboolean  loading)
{
  loading = !!loading;
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_widget_set_visible (self->loading_box, loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
jg_window_update_title (JgWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *title = NULL;

  if (self->file == NULL)
    {
      gtk_label_set_label (self->title_label, _("Juggler"));
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      gtk_window_set_title (GTK_WINDOW (self), _("Juggler"));
      return;
    }

  name = file_display_name (self->file);
  folder = folder_display_name (self->file);
  /* Translators: the window title, a file name and the application */
  title = g_strdup_printf (_("%s — Juggler"), name);

  gtk_label_set_label (self->title_label, name);
  gtk_label_set_label (self->subtitle_label, folder);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), folder != NULL);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* Settings hold a path for local files (people read them in dconf), a URI
 * for anything else; g_file_new_for_commandline_arg () takes either back. */
static char *
file_to_setting (GFile *file)
{
  char *path = g_file_get_path (file);

  return path != NULL ? path : g_file_get_uri (file);
}

static GFile *
jg_window_get_recent_file (JgWindow *self)
{
  g_autofree char *recent = g_settings_get_string (self->settings, "recent-trace");

  if (recent[0] == '\0')
    return NULL;

  return g_file_new_for_commandline_arg (recent);
}

static void
jg_window_update_recent (JgWindow *self)
{
  g_autoptr(GFile) recent = jg_window_get_recent_file (self);
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;

  /* Offer it again only while it is still there. */
  if (recent == NULL || !g_file_query_exists (recent, NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->recent_button), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", FALSE);
      return;
    }

  name = file_display_name (recent);
  /* Translators: a button on the welcome page that reopens the last trace */
  label = g_strdup_printf (_("Reopen “%s”"), name);
  gtk_button_set_label (self->recent_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", TRUE);
}

static void
jg_window_show_error (JgWindow     *self,
                      GFile        *file,
                      const GError *error)
{
  g_autofree char *name = file_display_name (file);
  g_autofree char *title = g_strdup_printf (_("Could not open “%s”"), name);

  g_debug ("%s: %s", title, error->message);

  gtk_label_set_label (self->error_title_label, title);
  gtk_label_set_label (self->error_label, error->message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
jg_window_dismiss_error (JgWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
jg_window_show_loaded (JgWindow *self,
                       GFile    *file,
                       Loaded   *loaded)
{
  g_autofree char *recent = file_to_setting (file);

  g_set_object (&self->file, file);
  g_set_object (&self->trace, loaded->trace);
  g_clear_pointer (&self->spans, jg_spans_free);
  self->spans = g_steal_pointer (&loaded->spans);

  jg_trace_summary_set_trace (self->summary, self->trace, self->spans, loaded->metrics);
  gtk_stack_set_visible_child_name (self->stack, "summary");
  jg_window_dismiss_error (self);
  jg_window_update_title (self);

  g_settings_set_string (self->settings, "recent-trace", recent);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);
  g_autoptr(GError) error = NULL;

  if (!(loaded->trace = jg_trace_file_load (file, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Deriving spans and metrics walks every event: for a big trace that is
   * worth keeping off the main thread too. */
  loaded->spans = jg_spans_new ();
  jg_spans_update (loaded->spans, loaded->trace);
  loaded->metrics = g_new0 (JgMetrics, 1);
  jg_metrics_compute (loaded->metrics, loaded->trace, loaded->spans, G_MAXUINT64);

  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_free);
}

static void
jg_window_open_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JgWindow *self = JG_WINDOW (object);
  GTask *task = G_TASK (result);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(Loaded) loaded = NULL;
  g_autoptr(GError) error = NULL;

  /* A newer open replaced this one, or the window went away: stay quiet. */
  if (self->load_cancellable == NULL || g_task_get_cancellable (task) != self->load_cancellable)
    return;

  g_clear_object (&self->load_cancellable);
  jg_window_set_loading (self, FALSE);

  if (!(loaded = g_task_propagate_pointer (task, &error)))
    jg_window_show_error (self, file, error);
  else
    jg_window_show_loaded (self, file, loaded);
}

static void
open_response_cb (JgWindow             *self,
                  int                   response,
                  GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GFile) folder = file ? g_file_get_parent (file) : NULL;

      if (folder != NULL)
        {
          g_autofree char *setting = file_to_setting (folder);

          g_settings_set_string (self->settings, "last-folder", setting);
        }

      if (file != NULL)
        jg_window_open (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(GtkFileFilter) traces = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *last_folder = g_settings_get_string (self->settings, "last-folder");
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open a Trace"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (traces, _("Juggler Traces"));
  gtk_file_filter_add_pattern (traces, "*.juggler");
  gtk_file_filter_add_mime_type (traces, JG_TRACE_FILE_MIME_TYPE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), traces);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), traces);

  if (last_folder[0] != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_commandline_arg (last_folder);

      if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    }

  g_signal_connect_object (native, "response", G_CALLBACK (open_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(GFile) recent = jg_window_get_recent_file (self);

  if (recent != NULL)
    jg_window_open (self, recent);
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  jg_window_dismiss_error (JG_WINDOW (widget));
}

static gboolean
on_drop_cb (JgWindow      *self,
            const GValue  *value,
            double         x,
            double         y,
            GtkDropTarget *target)
{
  GFile *file = NULL;

  g_assert (JG_IS_WINDOW (self));

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      /* One trace per window: the first file wins. */
      if (files != NULL)
        file = files->data;
      g_slist_free (files);
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      file = g_value_get_object (value);
    }

  if (file == NULL)
    return FALSE;

  jg_window_open (self, file);

  return TRUE;
}

static gboolean
jg_window_close_request (GtkWindow *window)
{
  JgWindow *self = JG_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  /* The unmaximized size, so un-maximizing next time restores it. */
  if (!maximized)
    {
      int width;
      int height;

      gtk_window_get_default_size (window, &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  return GTK_WINDOW_CLASS (jg_window_parent_class)->close_request (window);
}

static void
jg_window_dispose (GObject *object)
{
  JgWindow *self = JG_WINDOW (object);

  if (self->load_cancellable != NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->spans, jg_spans_free);

  G_OBJECT_CLASS (jg_window_parent_class)->dispose (object);
}

static void
jg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JgWindow *self = JG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_window_class_init (JgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = jg_window_dispose;
  object_class->get_property = jg_window_get_property;

  window_class->close_request = jg_window_close_request;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL,
                         JG_TYPE_TRACE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JG_TYPE_TRACE_SUMMARY);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JgWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, drop_target);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, summary);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, loading_box);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, loading_label);
  gtk_widget_class_bind_template_callback (widget_class, on_drop_cb);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", NULL, open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-error", NULL, dismiss_error_action);
}

static void
jg_window_init (JgWindow *self)
{
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_target_set_gtypes (self->drop_target, drop_types, G_N_ELEMENTS (drop_types));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  jg_window_update_recent (self);
}

JgWindow *
jg_window_new (GtkApplication *application)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (JG_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

void
jg_window_open (JgWindow *self,
                GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* The newest request wins over one still loading. */
  if (self->load_cancellable != NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
    }
  self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, jg_window_open_cb, NULL);
  g_task_set_source_tag (task, jg_window_open);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);

  name = file_display_name (file);
  text = g_strdup_printf (_("Loading “%s”…"), name);
  gtk_label_set_label (self->loading_label, text);
  jg_window_set_loading (self, TRUE);
}

gboolean
jg_window_get_loading (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), FALSE);

  return self->loading;
}

JgTrace *
jg_window_get_trace (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  return self->trace;
}

GFile *
jg_window_get_file (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  return self->file;
}
