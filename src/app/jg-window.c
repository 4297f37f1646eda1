/* jg-window.c: the main window: its template and actions, the trace shown
 * (on the canvas, in the metrics strip and on the summary page), and files.
 * Opening a trace always goes through jg_window_open (): the command line,
 * the Open dialog and a drop all end there. Files are read, written and
 * exported in GTask threads; only finished results touch the widgets.
 * Scenarios and runs are in jg-window-run.c. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-chrome-trace.h"
#include "jg-clock.h"
#include "jg-metrics.h"
#include "jg-names.h"
#include "jg-outcome.h"
#include "jg-spans.h"
#include "jg-trace-file.h"
#include "jg-window-private.h"

G_DEFINE_FINAL_TYPE (JgWindow, jg_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_LOADING,
  PROP_TRACE,
  PROP_SCENARIO,
  PROP_SHOW_SIDEBAR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the loading thread hands back. */
typedef struct
{
  JgTrace   *trace;
  JgSpans   *spans;
  JgLod     *lod;
  JgChromeImportReport *report; /* for a Chrome trace, what it left out */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->report, jg_chrome_import_report_free);
  g_clear_pointer (&loaded->lod, jg_lod_free);
  g_clear_pointer (&loaded->spans, jg_spans_free);
  g_clear_object (&loaded->trace);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

char *
_jg_window_file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);

  return g_filename_display_name (basename);
}

/* Settings hold a path for local files (people read them in dconf), a URI
 * for anything else; g_file_new_for_commandline_arg () takes either back. */
static char *
file_to_setting (GFile *file)
{
  char *path = g_file_get_path (file);

  return path != NULL ? path : g_file_get_uri (file);
}

static void
remember_folder (JgWindow *self,
                 GFile    *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *setting = NULL;

  if (folder == NULL)
    return;

  setting = file_to_setting (folder);
  g_settings_set_string (self->settings, "last-folder", setting);
}

static void
start_in_last_folder (JgWindow       *self,
                      GtkFileChooser *chooser)
{
  g_autofree char *last_folder = g_settings_get_string (self->settings, "last-folder");
  g_autoptr(GFile) folder = NULL;

  if (last_folder[0] == '\0')
    return;

  folder = g_file_new_for_commandline_arg (last_folder);
  if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    gtk_file_chooser_set_current_folder (chooser, folder, NULL);
}

void
_jg_window_update_loading (JgWindow *self,
                           GFile    *what)
{
  gboolean loading = self->load_cancellable != NULL || self->scenario_cancellable != NULL;
  gboolean was_loading = gtk_widget_get_visible (self->loading_box);

  if (what != NULL)
    {
      g_autofree char *name = _jg_window_file_display_name (what);
      g_autofree char *text = g_strdup_printf (_("Loading “%s”…"), name);

      gtk_label_set_label (self->loading_label, text);
    }

  if (loading == was_loading)
    return;

  gtk_widget_set_visible (self->loading_box, loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* "Threads · 4 workers · GIL · switch interval 5 ms" */
static char *
run_synopsis (JgTrace *trace)
{
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  g_autoptr(GString) text = g_string_new (NULL);

  if (run->model != NULL)
    g_string_append (text, jg_model_display_name (run->model));
  if (run->workers > 0 && g_strcmp0 (run->model, "sequential") != 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("%u worker", "%u workers", run->workers), run->workers);
    }
  if (run->interpreter != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, jg_interpreter_display_name (run->interpreter));
      if (g_strcmp0 (run->interpreter, "free-threaded") != 0 && run->switch_interval_ms > 0)
        /* Translators: the GIL's switch interval in milliseconds */
        g_string_append_printf (text, _(" · switch interval %g ms"), run->switch_interval_ms);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_status (JgWindow   *self,
            const char *text,
            const char *css_class)
{
  static const char * const classes[] = { "status-running", "status-done", "status-warning" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);

  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

void
_jg_window_update_heading (JgWindow *self)
{
  g_autofree char *window_title = NULL;
  g_autofree char *synopsis = NULL;
  const char *title = NULL;

  if (self->trace == NULL)
    {
      title = self->scenario != NULL ? jg_scenario_get_title (self->scenario) : _("Juggler");
      gtk_label_set_label (self->title_label, title);
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      set_status (self, NULL, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Juggler"));
      return;
    }

  title = jg_trace_get_title (self->trace);
  if (title == NULL || *title == '\0')
    title = jg_trace_get_scenario_id (self->trace);
  if (title == NULL || *title == '\0')
    title = _("Untitled trace");
  gtk_label_set_label (self->title_label, title);

  synopsis = run_synopsis (self->trace);
  if (self->file != NULL)
    {
      g_autofree char *name = _jg_window_file_display_name (self->file);
      g_autofree char *both = *synopsis != '\0' ? g_strdup_printf ("%s — %s", name, synopsis) : g_strdup (name);

      g_free (synopsis);
      synopsis = g_steal_pointer (&both);
      /* Translators: the window title, a file name and the application */
      window_title = g_strdup_printf (_("%s — Juggler"), name);
    }
  else
    {
      window_title = g_strdup_printf (_("%s — Juggler"), title);
    }
  gtk_label_set_label (self->subtitle_label, synopsis);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), *synopsis != '\0');
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  if (self->run != NULL && jg_run_get_trace (self->run) == self->trace)
    {
      switch (jg_run_get_status (self->run))
        {
        case JG_RUN_READY:
        case JG_RUN_RUNNING:
          set_status (self, _("Running"), "status-running");
          break;
        case JG_RUN_COMPLETED:
          set_status (self, _("Finished"), "status-done");
          break;
        case JG_RUN_STOPPED:
          set_status (self, _("Stopped"), "status-warning");
          break;
        case JG_RUN_DEADLOCKED:
          set_status (self, _("Deadlocked"), "status-warning");
          break;
        case JG_RUN_FAILED:
        case JG_RUN_N_STATUSES:
        default:
          set_status (self, _("Failed"), "status-warning");
          break;
        }
    }
  else
    {
      set_status (self, NULL, NULL);
    }
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

  name = _jg_window_file_display_name (recent);
  /* Translators: a button on the welcome card that reopens the last trace */
  label = g_strdup_printf (_("Reopen “%s”"), name);
  gtk_button_set_label (self->recent_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", TRUE);
}

static void
show_banner (JgWindow   *self,
             const char *title,
             const char *message,
             gboolean    is_error)
{
  GtkWidget *banner = gtk_revealer_get_child (self->error_revealer);

  g_debug ("%s: %s", title, message);

  gtk_image_set_from_icon_name (self->error_icon,
                                is_error ? "dialog-error-symbolic" : "dialog-information-symbolic");
  if (is_error)
    gtk_widget_remove_css_class (banner, "info-banner");
  else
    gtk_widget_add_css_class (banner, "info-banner");
  gtk_label_set_label (self->error_title_label, title);
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

void
_jg_window_show_error (JgWindow   *self,
                       const char *title,
                       const char *message)
{
  show_banner (self, title, message, TRUE);
}

void
_jg_window_show_info (JgWindow   *self,
                      const char *title,
                      const char *message)
{
  show_banner (self, title, message, FALSE);
}

void
_jg_window_dismiss_error (JgWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

void
_jg_window_update_actions (JgWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean running = _jg_window_is_running (self);
  /* Results are set once the run has handed over its end. */
  gboolean finished = self->trace != NULL && jg_trace_is_finished (self->trace)
                      && !jg_canvas_get_live (self->canvas) && !running;
  gboolean can_run = !running && self->scenario != NULL && self->models->len > 0;

  gtk_widget_action_set_enabled (widget, "win.run", can_run);
  gtk_widget_action_set_enabled (widget, "win.stop", running);
  gtk_widget_action_set_enabled (widget, "win.compare", !running && self->scenario != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->run_button), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), running);

  gtk_widget_action_set_enabled (widget, "win.save", finished && !self->saving);
  gtk_widget_action_set_enabled (widget, "win.save-as", finished && !self->saving);
  gtk_widget_action_set_enabled (widget, "win.export-chrome", finished && !self->saving);
  gtk_widget_action_set_enabled (widget, "win.export-picture", self->trace != NULL && !self->saving);

  gtk_widget_action_set_enabled (widget, "win.zoom-in", self->trace != NULL);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", self->trace != NULL);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", self->trace != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->follow_button), jg_canvas_get_live (self->canvas));
  gtk_widget_set_visible (self->empty_box, self->trace == NULL);
  _jg_window_update_player (self);
}

/* The metrics stop at the newest event; a run's clock does not. Until the
 * next event every task stays in the state it is in, so the stretch from the
 * newest event to now is added as it stands: the tasks in flight stay in
 * flight, the running ones run, the waiting ones wait. The canvas draws the
 * same stretch, and the final figures come from the finished trace alone. */
static void
extend_to_now (JgMetrics *metrics,
               JgTrace   *trace,
               JgSpans   *spans)
{
  guint64 epoch = jg_trace_get_epoch_ns (trace);
  guint64 now = jg_clock_now_ns ();
  guint64 horizon = metrics->wall_ns;
  guint64 tail;
  guint in_flight = 0, running = 0, gil_waiting = 0;
  double cores = MAX (1, metrics->n_cores);

  if (epoch == 0 || now <= epoch || now - epoch <= horizon)
    return;
  tail = now - epoch - horizon;

  for (guint32 task = 0; task < jg_spans_get_n_tasks (spans); task++)
    {
      guint n;
      const JgSpan *task_spans = jg_spans_get_task_spans (spans, task, &n);
      const JgSpan *last = n > 0 ? &task_spans[n - 1] : NULL;

      if (last == NULL || !(last->flags & JG_SPAN_OPEN) || last->state == JG_STATE_DONE)
        continue;
      in_flight++;
      if (last->state == JG_STATE_RUNNING)
        running++;
      else if (last->state == JG_STATE_GIL_WAIT)
        gil_waiting++;
    }

  metrics->concurrency = (metrics->concurrency * horizon + (double) in_flight * tail) / (horizon + tail);
  metrics->cpu_ns += (guint64) (MIN (running, cores) * tail);
  metrics->wall_ns = horizon + tail;
  metrics->parallelism = (double) metrics->cpu_ns / metrics->wall_ns;
  metrics->core_utilisation = metrics->parallelism / cores;
  metrics->gil_wait_ns += gil_waiting * tail;
}

void
_jg_window_refresh_metrics (JgWindow *self,
                            gboolean  final)
{
  JgSpans *spans = jg_canvas_get_spans (self->canvas);

  if (self->trace == NULL || spans == NULL)
    {
      jg_metrics_strip_set_metrics (self->strip, NULL);
      jg_metrics_strip_set_outcome (self->strip, NULL);
      return;
    }

  jg_metrics_compute (self->metrics, self->trace, spans, G_MAXUINT64);
  if (jg_canvas_get_live (self->canvas))
    extend_to_now (self->metrics, self->trace, spans);
  jg_metrics_strip_set_metrics (self->strip, self->metrics);
  /* A replay shows the figures up to its play head. */
  _jg_window_show_play_head_metrics (self);

  if (jg_task_history_get_task (self->history) != JG_LANE_NONE)
    jg_task_history_set_task (self->history, self->trace, spans, jg_task_history_get_task (self->history));

  if (final)
    {
      g_autofree char *outcome = jg_outcome_describe (self->trace);

      jg_metrics_strip_set_outcome (self->strip, outcome);
      jg_trace_summary_set_trace (self->summary, self->trace, spans, self->metrics);
      gtk_stack_page_set_visible (self->summary_page, TRUE);
    }
}

void
_jg_window_show_trace (JgWindow *self,
                       JgTrace  *trace,
                       JgSpans  *spans,
                       JgLod    *lod,
                       GFile    *file)
{
  g_set_object (&self->trace, trace);
  g_set_object (&self->file, file);
  _jg_window_presenter_trace_changed (self);

  jg_canvas_set_trace (self->canvas, trace, spans, lod);
  jg_task_history_set_task (self->history, NULL, NULL, JG_LANE_NONE);
  gtk_revealer_set_reveal_child (self->history_revealer, FALSE);

  /* The summary is of a finished trace: none while a run is live. */
  gtk_stack_page_set_visible (self->summary_page, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  jg_metrics_strip_set_outcome (self->strip, NULL);
  _jg_window_refresh_metrics (self, trace != NULL && !jg_canvas_get_live (self->canvas));

  _jg_window_update_heading (self);
  _jg_window_update_actions (self);
  _jg_window_update_speedup (self);
  _jg_window_update_caption (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
}

/* The projector style: thick lanes on the canvas, and larger type around it. */
static void
on_theme_changed (JgWindow *self)
{
  g_autofree char *theme = g_settings_get_string (self->settings, "theme");

  if (g_str_equal (theme, "projector"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "projector");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "projector");
}

/* The system's high contrast, which GTK 4.8 knows only as the "HighContrast"
 * (or "HighContrastInverse") theme: style.css makes Juggler's own colours
 * (chips, banners, bars) stronger under this class; the canvas follows the
 * same setting by itself. */
static void
on_gtk_theme_changed (JgWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *lower = NULL;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-theme-name", &name, NULL);
  lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;
  if (lower != NULL && strstr (lower, "highcontrast") != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "high-contrast");
}

/* Opening */

static gboolean
has_json_name (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".json");
}

/* A native trace, or else Chrome Trace Event JSON. Both are JSON: the native
 * loader says when a document is not one of its own, and only then is it
 * imported. When it is neither, the error of the format its name promises
 * (Chrome's for a .json file, ours for any other) says what is wrong. */
static JgTrace *
load_trace (GFile                 *file,
            JgChromeImportReport **report,
            GCancellable          *cancellable,
            GError               **error)
{
  g_autoptr(GError) native_error = NULL;
  g_autoptr(GError) chrome_error = NULL;
  JgTrace *trace;

  if ((trace = jg_trace_file_load (file, cancellable, &native_error)))
    return trace;
  if (!g_error_matches (native_error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_A_TRACE))
    {
      g_propagate_error (error, g_steal_pointer (&native_error));
      return NULL;
    }

  if ((trace = jg_chrome_trace_import (file, report, cancellable, &chrome_error)))
    return trace;

  if (has_json_name (file))
    g_propagate_error (error, g_steal_pointer (&chrome_error));
  else
    g_propagate_error (error, g_steal_pointer (&native_error));
  return NULL;
}

/* What an import left out, a line per kind; NULL if nothing. */
static char *
describe_report (const JgChromeImportReport *report)
{
  g_autoptr(GString) text = NULL;
  guint n_items;

  if (report == NULL || (n_items = jg_chrome_import_report_get_n_items (report)) == 0)
    return NULL;

  text = g_string_new (NULL);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *line = jg_chrome_import_report_describe_item (report, i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
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

  if (!(loaded->trace = load_trace (file, &loaded->report, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Deriving spans and their summary walks every event: for a big trace that
   * is worth keeping off the main thread too. The main thread takes both
   * over once this thread is done with them. */
  loaded->spans = jg_spans_new ();
  jg_spans_update (loaded->spans, loaded->trace);
  loaded->lod = jg_lod_new (loaded->spans);
  jg_lod_update (loaded->lod, loaded->trace);

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
  _jg_window_update_loading (self, NULL);

  if (!(loaded = g_task_propagate_pointer (task, &error)))
    {
      g_autofree char *name = _jg_window_file_display_name (file);
      g_autofree char *title = g_strdup_printf (_("Could not open “%s”"), name);

      _jg_window_show_error (self, title, error->message);
      return;
    }

  {
    g_autofree char *recent = file_to_setting (file);

    /* A file's trace replaces whatever run was shown. */
    _jg_window_drop_run (self);
    _jg_window_dismiss_error (self);
    _jg_window_show_trace (self, loaded->trace, g_steal_pointer (&loaded->spans),
                           g_steal_pointer (&loaded->lod), file);
    /* The autosaved last run has a button of its own. */
    if (!_jg_window_is_autosave_file (file))
      g_settings_set_string (self->settings, "recent-trace", recent);
    jg_window_update_recent (self);
  }

  {
    g_autofree char *report = describe_report (loaded->report);

    if (report != NULL)
      {
        g_autofree char *name = _jg_window_file_display_name (file);
        /* Translators: the title of the banner that lists what a Chrome
         * trace held that Juggler could not show */
        g_autofree char *title = g_strdup_printf (_("Imported “%s” from Chrome Trace JSON"), name);

        _jg_window_show_info (self, title, report);
      }
  }
}

static void
open_response_cb (JgWindow             *self,
                  int                   response,
                  GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        {
          remember_folder (self, file);
          jg_window_open (self, file);
        }
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern,
            const char     *mime_type,
            gboolean        current)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  if (mime_type != NULL)
    gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (chooser, filter);
  if (current)
    gtk_file_chooser_set_filter (chooser, filter);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open a Trace"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native), _("Juggler Traces"), "*.juggler", JG_TRACE_FILE_MIME_TYPE, TRUE);
  add_filter (GTK_FILE_CHOOSER (native), _("Chrome Trace JSON"), "*.json", "application/json", FALSE);
  add_filter (GTK_FILE_CHOOSER (native), _("All Files"), "*", NULL, FALSE);
  start_in_last_folder (self, GTK_FILE_CHOOSER (native));

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

/* Saving and exporting */

typedef gboolean (*WriteFunc) (JgTrace       *trace,
                               GFile         *file,
                               GCancellable  *cancellable,
                               GError       **error);

typedef struct
{
  JgTrace   *trace;
  GFile     *file;
  WriteFunc  write;     /* NULL for a picture */
  gboolean   is_save; /* the trace's own file, rather than an export */

  /* A picture: of what the canvas showed when it was asked for. */
  JgPictureFormat format;
  JgSwimlaneView  view;
  JgSwimlaneTheme theme;
  guint64         t0;
  guint64         t1;
} Writing;

static void
writing_free (Writing *writing)
{
  g_clear_object (&writing->trace);
  g_clear_object (&writing->file);
  g_free (writing);
}

static gboolean
write_chrome (JgTrace       *trace,
              GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  /* The spans the main thread keeps are not for this thread: derive them. */
  return jg_chrome_trace_export (trace, NULL, file, cancellable, error);
}

static gboolean
write_picture (Writing       *writing,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(JgPicture) picture = jg_picture_new (writing->trace);
  guint64 t0, t1;

  jg_picture_set_view (picture, writing->view);
  jg_picture_set_theme (picture, writing->theme);

  /* The canvas may show past the trace's end (while following, or beside a
   * longer one): the picture stops where the trace does. */
  jg_picture_get_window (picture, &t0, &t1);
  t1 = MIN (writing->t1, t1);
  t0 = MIN (writing->t0, t1 > 0 ? t1 - 1 : 0);
  if (!jg_picture_set_window (picture, t0, t1, error))
    return FALSE;

  return jg_picture_save (picture, writing->file, writing->format, cancellable, error);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Writing *writing = task_data;
  g_autoptr(GError) error = NULL;

  /* A finished trace no longer changes: reading it from here is safe. A
   * live one only grows, by events published whole. */
  if (writing->write != NULL
      ? !writing->write (writing->trace, writing->file, cancellable, &error)
      : !write_picture (writing, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  JgWindow *self = JG_WINDOW (object);
  Writing *writing = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *name = _jg_window_file_display_name (writing->file);
      g_autofree char *title = writing->is_save
                               ? g_strdup_printf (_("Could not save “%s”"), name)
                               : g_strdup_printf (_("Could not export “%s”"), name);

      _jg_window_show_error (self, title, error->message);
    }
  else if (writing->is_save && writing->trace == self->trace)
    {
      g_autofree char *recent = file_to_setting (writing->file);

      g_set_object (&self->file, writing->file);
      g_settings_set_string (self->settings, "recent-trace", recent);
      jg_window_update_recent (self);
      _jg_window_update_heading (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }

  _jg_window_update_actions (self);
}

static void
jg_window_start_writing (JgWindow *self,
                         Writing  *writing)
{
  g_autoptr(GTask) task = NULL;

  self->saving = TRUE;
  _jg_window_update_actions (self);

  task = g_task_new (self, NULL, write_cb, NULL);
  g_task_set_source_tag (task, jg_window_start_writing);
  g_task_set_task_data (task, writing, (GDestroyNotify) writing_free);
  g_task_run_in_thread (task, write_in_thread);
}

static void
jg_window_write (JgWindow  *self,
                 GFile     *file,
                 WriteFunc  write,
                 gboolean   is_save)
{
  Writing *writing;

  g_return_if_fail (self->trace != NULL && jg_trace_is_finished (self->trace));

  writing = g_new0 (Writing, 1);
  writing->trace = g_object_ref (self->trace);
  writing->file = g_object_ref (file);
  writing->write = write;
  writing->is_save = is_save;
  jg_window_start_writing (self, writing);
}

/* "downloads-threads" for a run's trace; the file's own name otherwise. */
static char *
suggested_stem (JgWindow *self)
{
  const JgRunInfo *run;
  const char *id;

  if (self->file != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->file);
      char *dot = name != NULL ? strrchr (name, '.') : NULL;

      if (dot != NULL && dot != name)
        *dot = '\0';
      if (name != NULL && *name != '\0')
        return g_steal_pointer (&name);
    }

  id = jg_trace_get_scenario_id (self->trace);
  run = jg_trace_get_run_info (self->trace);
  if (id == NULL || *id == '\0')
    id = "trace";
  if (run->model != NULL)
    return g_strdup_printf ("%s-%s", id, run->model);
  return g_strdup (id);
}

typedef struct
{
  JgWindow  *self;
  WriteFunc  write;
  gboolean   is_save;
} SaveRequest;

static void
save_response_cb (GtkFileChooserNative *native,
                  int                   response,
                  SaveRequest          *request)
{
  JgWindow *self = request->self;

  if (response == GTK_RESPONSE_ACCEPT && self->trace != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        {
          remember_folder (self, file);
          jg_window_write (self, file, request->write, request->is_save);
        }
    }

  g_object_unref (request->self);
  g_free (request);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
choose_file_to_write (JgWindow   *self,
                      const char *title,
                      const char *filter_name,
                      const char *extension,
                      const char *mime_type,
                      WriteFunc   write,
                      gboolean    is_save)
{
  GtkFileChooserNative *native;
  g_autofree char *stem = suggested_stem (self);
  g_autofree char *name = g_strconcat (stem, extension, NULL);
  g_autofree char *pattern = g_strconcat ("*", extension, NULL);
  SaveRequest *request = g_new0 (SaveRequest, 1);

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native), filter_name, pattern, mime_type, TRUE);
  start_in_last_folder (self, GTK_FILE_CHOOSER (native));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  request->self = g_object_ref (self);
  request->write = write;
  request->is_save = is_save;
  g_signal_connect (native, "response", G_CALLBACK (save_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  choose_file_to_write (self, _("Save the Trace"), _("Juggler Traces"), ".juggler",
                        JG_TRACE_FILE_MIME_TYPE, jg_trace_file_save, TRUE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  if (self->file == NULL)
    save_as_action (widget, action_name, param);
  else
    jg_window_write (self, self->file, jg_trace_file_save, TRUE);
}

static void
export_chrome_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  choose_file_to_write (self, _("Export as Chrome Trace"), _("Chrome Trace Files (Perfetto)"), ".json",
                        "application/json", write_chrome, FALSE);
}

/* Pictures: the format comes from the name's extension, or else from the
 * filter chosen, whose extension the name then gets. */

static const struct
{
  JgPictureFormat  format;
  const char      *extension;
  const char      *mime_type;
  const char      *name;
} picture_formats[] = {
  { JG_PICTURE_FORMAT_PNG, ".png", "image/png", N_("PNG Pictures") },
  { JG_PICTURE_FORMAT_SVG, ".svg", "image/svg+xml", N_("SVG Pictures") },
  { JG_PICTURE_FORMAT_PDF, ".pdf", "application/pdf", N_("PDF Documents") },
};

static gboolean
picture_format_for_file (GFile           *file,
                         JgPictureFormat *format)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *folded = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  for (guint i = 0; folded != NULL && i < G_N_ELEMENTS (picture_formats); i++)
    if (g_str_has_suffix (folded, picture_formats[i].extension))
      {
        *format = picture_formats[i].format;
        return TRUE;
      }
  return FALSE;
}

static void
export_picture_response_cb (JgWindow             *self,
                            int                   response,
                            GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT && self->trace != NULL && !self->saving)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      JgPictureFormat format = JG_PICTURE_FORMAT_PNG;

      if (file != NULL && !picture_format_for_file (file, &format))
        {
          GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (native));
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *named = NULL;
          g_autoptr(GFile) parent = g_file_get_parent (file);

          if (filter != NULL)
            format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (filter), "jg-picture-format"));
          named = g_strconcat (name, picture_formats[format].extension, NULL);
          if (parent != NULL)
            {
              g_object_unref (file);
              file = g_file_get_child (parent, named);
            }
        }

      if (file != NULL)
        {
          remember_folder (self, file);
          jg_window_export_picture (self, file, format);
        }
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
export_picture_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;

  if (self->trace == NULL)
    return;

  stem = suggested_stem (self);
  name = g_strconcat (stem, ".png", NULL);
  native = gtk_file_chooser_native_new (_("Export a Picture"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (picture_formats); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      g_autofree char *pattern = g_strconcat ("*", picture_formats[i].extension, NULL);

      gtk_file_filter_set_name (filter, _(picture_formats[i].name));
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_filter_add_mime_type (filter, picture_formats[i].mime_type);
      g_object_set_data (G_OBJECT (filter), "jg-picture-format",
                         GUINT_TO_POINTER (picture_formats[i].format));
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
      if (i == 0)
        gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
    }
  start_in_last_folder (self, GTK_FILE_CHOOSER (native));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  g_signal_connect_object (native, "response", G_CALLBACK (export_picture_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Other actions */

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  _jg_window_dismiss_error (JG_WINDOW (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    gtk_widget_activate_action (GTK_WIDGET (self->canvas), "canvas.zoom-in", NULL);
  else if (g_str_equal (action_name, "win.zoom-out"))
    gtk_widget_activate_action (GTK_WIDGET (self->canvas), "canvas.zoom-out", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (self->canvas), "canvas.zoom-fit", NULL);
}

static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  jg_canvas_set_selected_task (JG_WINDOW (widget)->canvas, JG_LANE_NONE);
}

static void
on_selected_task_changed (JgWindow *self)
{
  guint32 task = jg_canvas_get_selected_task (self->canvas);

  jg_task_history_set_task (self->history, self->trace, jg_canvas_get_spans (self->canvas), task);
  gtk_revealer_set_reveal_child (self->history_revealer, task != JG_LANE_NONE);
}

static void
on_canvas_live_changed (JgWindow *self)
{
  _jg_window_update_actions (self);
}

static void
on_span_activated (JgWindow      *self,
                   guint64        start,
                   guint64        end,
                   JgTaskHistory *history)
{
  guint64 margin = MAX ((end - start) / 4, JG_CANVAS_MIN_SPAN_NS);

  jg_canvas_set_window (self->canvas, start > margin ? start - margin : 0, end + margin);
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

/* GObject and GtkWidget */

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

  _jg_window_dispose_presenter (self);
  _jg_window_dispose_runs (self);
  _jg_window_dispose_replay (self);
  _jg_window_dispose_lesson (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->metrics, g_free);

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
      g_value_set_boolean (value, jg_window_get_loading (self));
      break;

    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;

    case PROP_SCENARIO:
      g_value_set_string (value, _jg_window_get_scenario_key (self));
      break;

    case PROP_SHOW_SIDEBAR:
      /* Asked for by the action before the template is there. */
      g_value_set_boolean (value, self->sidebar_revealer == NULL
                                  || gtk_revealer_get_reveal_child (self->sidebar_revealer));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JgWindow *self = JG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SCENARIO:
      if (_jg_window_select_scenario (self, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_SHOW_SIDEBAR:
      if (gtk_revealer_get_reveal_child (self->sidebar_revealer) != g_value_get_boolean (value))
        {
          gtk_revealer_set_reveal_child (self->sidebar_revealer, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
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
  object_class->set_property = jg_window_set_property;

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

  /* The chosen scenario: a built-in's id or a user file's URI. */
  properties[PROP_SCENARIO] =
    g_param_spec_string ("scenario", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JG_TYPE_CANVAS);
  g_type_ensure (JG_TYPE_CAPTION_BAR);
  g_type_ensure (JG_TYPE_METRICS_STRIP);
  g_type_ensure (JG_TYPE_PLAYER_BAR);
  g_type_ensure (JG_TYPE_SCENARIO_PANEL);
  g_type_ensure (JG_TYPE_TASK_HISTORY);
  g_type_ensure (JG_TYPE_TRACE_SUMMARY);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JgWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, scenario_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, workers_box);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, interpreter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, switch_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, switch_interval_box);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, drop_target);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_icon);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, summary_page);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, sidebar_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, panel);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, follow_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, empty_box);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, empty_title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, strip);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, caption_bar);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, view_buttons);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, zoom_buttons);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, history);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, summary);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, loading_box);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, loading_label);
  gtk_widget_class_bind_template_callback (widget_class, on_drop_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_task_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_live_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_span_activated);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", NULL, open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export-chrome", NULL, export_chrome_action);
  gtk_widget_class_install_action (widget_class, "win.export-picture", NULL, export_picture_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-error", NULL, dismiss_error_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
  gtk_widget_class_install_property_action (widget_class, "win.scenario", "scenario");
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "show-sidebar");

  _jg_window_class_init_runs (widget_class);
  _jg_window_class_init_replay (widget_class);
  _jg_window_class_init_lesson (widget_class);
}

static void
jg_window_init (JgWindow *self)
{
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  g_autoptr(GAction) view_action = NULL;

  self->metrics = g_new0 (JgMetrics, 1);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_target_set_gtypes (self->drop_target, drop_types, G_N_ELEMENTS (drop_types));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* win.view: Tasks, Workers or Cores, remembered. */
  view_action = g_settings_create_action (self->settings, "view");
  g_action_map_add_action (G_ACTION_MAP (self), view_action);
  g_settings_bind (self->settings, "view", self->canvas, "view", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "theme", self->canvas, "style", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed::theme", G_CALLBACK (on_theme_changed), self,
                           G_CONNECT_SWAPPED);
  on_theme_changed (self);
  g_signal_connect_object (gtk_widget_get_settings (GTK_WIDGET (self)), "notify::gtk-theme-name",
                           G_CALLBACK (on_gtk_theme_changed), self, G_CONNECT_SWAPPED);
  on_gtk_theme_changed (self);

  g_object_bind_property (self->canvas, "follow", self->follow_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* One page, nothing to switch to. */
  g_object_bind_property (self->summary_page, "visible", self->switcher, "visible",
                          G_BINDING_SYNC_CREATE);

  _jg_window_init_runs (self);
  _jg_window_init_replay (self);
  _jg_window_init_lesson (self);
  _jg_window_init_presenter (self);

  jg_window_update_recent (self);
  _jg_window_show_trace (self, NULL, NULL, NULL, NULL);

  /* Keys zoom and pan from the start. */
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
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

  _jg_window_update_loading (self, file);
}

gboolean
jg_window_get_loading (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), FALSE);

  return self->load_cancellable != NULL || self->scenario_cancellable != NULL;
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

JgRun *
jg_window_get_run (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  if (self->run == NULL || jg_run_get_trace (self->run) != self->trace)
    return NULL;
  return self->run;
}

void
jg_window_save_as (JgWindow *self,
                   GFile    *file)
{
  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->trace != NULL && jg_trace_is_finished (self->trace));

  jg_window_write (self, file, jg_trace_file_save, TRUE);
}

void
jg_window_export_chrome (JgWindow *self,
                         GFile    *file)
{
  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->trace != NULL && jg_trace_is_finished (self->trace));

  jg_window_write (self, file, write_chrome, FALSE);
}

void
jg_window_export_picture (JgWindow        *self,
                          GFile           *file,
                          JgPictureFormat  format)
{
  Writing *writing;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (format < JG_PICTURE_N_FORMATS);
  g_return_if_fail (self->trace != NULL);

  writing = g_new0 (Writing, 1);
  writing->trace = g_object_ref (self->trace);
  writing->file = g_object_ref (file);
  writing->format = format;
  writing->view = jg_canvas_get_view (self->canvas);
  writing->theme = jg_canvas_get_theme (self->canvas);
  jg_canvas_get_window (self->canvas, &writing->t0, &writing->t1);
  jg_window_start_writing (self, writing);
}

gboolean
jg_window_get_saving (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), FALSE);

  return self->saving;
}

JgScenario *
jg_window_get_scenario (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  return self->scenario;
}
