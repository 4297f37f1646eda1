/* jg-window-replay.c: the window's replay and autosave. A finished trace on
 * screen gets the player bar: the canvas and the metrics strip then show only
 * what happened up to the play head. A run is autosaved to the user's state
 * folder every few seconds while it runs and once more when it ends, in a
 * worker thread (the trace file is written from its published prefix, which
 * never changes), so a closed or crashed window loses at most a few seconds;
 * the welcome card offers to reopen it. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "jg-trace-file.h"
#include "jg-window-private.h"

/* While a run goes on, its trace is saved this often. */
#define AUTOSAVE_INTERVAL_S 5

/* Replay */

guint64
_jg_window_get_play_head (JgWindow *self)
{
  if (self->player == NULL || jg_player_get_trace (self->player) == NULL
      || jg_player_get_trace (self->player) != self->trace || jg_player_get_at_end (self->player))
    return G_MAXUINT64;

  return jg_player_get_position (self->player);
}

void
_jg_window_show_play_head_metrics (JgWindow *self)
{
  guint64 play_head = _jg_window_get_play_head (self);
  JgSpans *spans = jg_canvas_get_spans (self->canvas);
  g_autofree JgMetrics *metrics = NULL;

  if (self->trace == NULL || spans == NULL)
    return;

  /* self->metrics stay the whole trace's: the summary and the speedup use them. */
  if (play_head == G_MAXUINT64)
    {
      jg_metrics_strip_set_metrics (self->strip, self->metrics);
      return;
    }

  metrics = g_new0 (JgMetrics, 1);
  jg_metrics_compute (metrics, self->trace, spans, play_head);
  jg_metrics_strip_set_metrics (self->strip, metrics);
}

/* Keeps the play head in view: a page on when it runs off the right. */
static void
keep_play_head_visible (JgWindow *self,
                        guint64   play_head)
{
  guint64 t0, t1, width;

  jg_canvas_get_window (self->canvas, &t0, &t1);
  width = t1 - t0;
  if (play_head >= t0 && play_head <= t1)
    return;

  if (play_head > t1)
    jg_canvas_set_window (self->canvas, play_head - width / 10, play_head - width / 10 + width);
  else
    jg_canvas_set_window (self->canvas, play_head > width / 10 ? play_head - width / 10 : 0,
                          (play_head > width / 10 ? play_head - width / 10 : 0) + width);
}

static void
on_player_position_changed (JgWindow *self)
{
  guint64 play_head = _jg_window_get_play_head (self);

  if (jg_player_get_trace (self->player) != self->trace)
    return;

  jg_canvas_set_play_head (self->canvas, play_head);
  if (play_head != G_MAXUINT64)
    keep_play_head_visible (self, play_head);
  _jg_window_show_play_head_metrics (self);
}

static void
update_player_actions (JgWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean replayable = jg_player_get_trace (self->player) != NULL;

  gtk_widget_action_set_enabled (widget, "win.play-pause", replayable);
  gtk_widget_action_set_enabled (widget, "win.step-next", replayable);
  gtk_widget_action_set_enabled (widget, "win.step-prev", replayable);
  gtk_widget_action_set_enabled (widget, "win.speed-up",
                                 replayable && jg_player_get_speed (self->player) < jg_player_speeds[JG_PLAYER_N_SPEEDS - 1]);
  gtk_widget_action_set_enabled (widget, "win.speed-down",
                                 replayable && jg_player_get_speed (self->player) > jg_player_speeds[0]);
}

void
_jg_window_update_player (JgWindow *self)
{
  /* Only a finished trace replays: a live run is already "playing". */
  gboolean finished = self->trace != NULL && jg_trace_is_finished (self->trace)
                      && !jg_canvas_get_live (self->canvas) && !_jg_window_is_running (self);
  JgTrace *trace = finished ? self->trace : NULL;

  if (self->player == NULL)
    return;

  if (jg_player_get_trace (self->player) != trace)
    {
      jg_player_set_trace (self->player, trace);
      jg_canvas_set_play_head (self->canvas, G_MAXUINT64);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->player_bar), trace != NULL);
  update_player_actions (self);
  _jg_window_presenter_player_changed (self);
}

static void
play_pause_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  jg_player_set_playing (self->player, !jg_player_get_playing (self->player));
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  gboolean forward = g_str_equal (action_name, "win.step-next");

  jg_player_step (self->player, jg_canvas_get_spans (self->canvas),
                  jg_canvas_get_selected_task (self->canvas), forward);
}

static void
speed_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  double speed = jg_player_get_speed (self->player);
  gboolean faster = g_str_equal (action_name, "win.speed-up");
  guint i;

  /* The next speed offered up or down from the one set. */
  if (faster)
    {
      for (i = 0; i < JG_PLAYER_N_SPEEDS - 1 && jg_player_speeds[i] <= speed; i++)
        ;
    }
  else
    {
      for (i = JG_PLAYER_N_SPEEDS - 1; i > 0 && jg_player_speeds[i] >= speed; i--)
        ;
    }
  jg_player_set_speed (self->player, jg_player_speeds[i]);
}

/* Autosave */

GFile *
_jg_window_get_autosave_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "juggler", "last-run.juggler", NULL);

  return g_file_new_for_path (path);
}

/* Beside the trace, what the welcome card says about it without reading it. */
static char *
autosave_info_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "juggler", "last-run.ini", NULL);
}

gboolean
_jg_window_is_autosave_file (GFile *file)
{
  g_autoptr(GFile) autosave = _jg_window_get_autosave_file ();

  return file != NULL && g_file_equal (file, autosave);
}

static void
update_last_run (JgWindow *self)
{
  g_autoptr(GFile) file = _jg_window_get_autosave_file ();
  g_autofree char *info_path = autosave_info_path ();
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  g_autofree char *label = NULL;
  gint64 saved;

  if (!g_file_query_exists (file, NULL) || !g_key_file_load_from_file (info, info_path, G_KEY_FILE_NONE, NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->last_run_button), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-last-run", FALSE);
      return;
    }

  title = g_key_file_get_string (info, "last-run", "title", NULL);
  if (title != NULL && *title == '\0')
    g_clear_pointer (&title, g_free);
  saved = g_key_file_get_int64 (info, "last-run", "saved", NULL);
  if (saved > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (saved);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

      /* Translators: when the last run was recorded, a g_date_time_format () format */
      when = local != NULL ? g_date_time_format (local, _("%b %e, %H:%M")) : NULL;
    }

  if (title != NULL && when != NULL)
    /* Translators: a welcome-card button: the scenario and when it ran */
    label = g_strdup_printf (_("Reopen the Last Run (%s, %s)"), title, when);
  else if (title != NULL)
    label = g_strdup_printf (_("Reopen the Last Run (%s)"), title);
  else
    label = g_strdup (_("Reopen the Last Run"));

  gtk_button_set_label (self->last_run_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->last_run_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-last-run", TRUE);
}

typedef struct
{
  JgTrace *trace;
  GFile   *file;
  char    *title;
} Autosave;

static void
autosave_free (Autosave *autosave)
{
  g_clear_object (&autosave->trace);
  g_clear_object (&autosave->file);
  g_free (autosave->title);
  g_free (autosave);
}

static void
autosave_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Autosave *autosave = task_data;
  g_autoptr(GFile) folder = g_file_get_parent (autosave->file);
  g_autofree char *folder_path = g_file_get_path (folder);
  g_autofree char *info_path = autosave_info_path ();
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (folder_path, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "%s: %s", folder_path, g_strerror (saved_errno));
      return;
    }

  if (!jg_trace_file_save (autosave->trace, autosave->file, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_key_file_set_string (info, "last-run", "title", autosave->title != NULL ? autosave->title : "");
  g_key_file_set_int64 (info, "last-run", "saved", g_get_real_time () / G_USEC_PER_SEC);
  if (!g_key_file_save_to_file (info, info_path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void autosave_now (JgWindow *self);

static void
autosave_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  JgWindow *self = JG_WINDOW (object);
  g_autoptr(GError) error = NULL;

  self->autosaving = FALSE;
  /* Nothing to tell the user in the middle of their work: say it in the log. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not autosave the run: %s", error->message);
  else
    update_last_run (self);

  if (self->autosave_pending)
    autosave_now (self);
}

static void
autosave_now (JgWindow *self)
{
  g_autoptr(GTask) task = NULL;
  Autosave *autosave;
  const char *title;

  self->autosave_pending = FALSE;
  if (self->autosave_trace == NULL || jg_trace_get_n_events (self->autosave_trace) == 0)
    return;
  /* One at a time; the newest request runs when it is done. */
  if (self->autosaving)
    {
      self->autosave_pending = TRUE;
      return;
    }

  title = jg_trace_get_title (self->autosave_trace);
  if (title == NULL || *title == '\0')
    title = jg_trace_get_scenario_id (self->autosave_trace);

  autosave = g_new0 (Autosave, 1);
  autosave->trace = g_object_ref (self->autosave_trace);
  autosave->file = _jg_window_get_autosave_file ();
  autosave->title = g_strdup (title);
  self->autosaved_events = jg_trace_get_n_events (self->autosave_trace);
  self->autosaving = TRUE;

  task = g_task_new (self, NULL, autosave_cb, NULL);
  g_task_set_source_tag (task, autosave_now);
  g_task_set_task_data (task, autosave, (GDestroyNotify) autosave_free);
  g_task_run_in_thread (task, autosave_in_thread);
}

static gboolean
autosave_timeout_cb (gpointer data)
{
  JgWindow *self = data;

  if (self->autosave_trace != NULL && jg_trace_get_n_events (self->autosave_trace) != self->autosaved_events)
    autosave_now (self);

  return G_SOURCE_CONTINUE;
}

void
_jg_window_autosave_start (JgWindow *self,
                           JgTrace  *trace)
{
  _jg_window_autosave_stop (self);

  g_set_object (&self->autosave_trace, trace);
  self->autosaved_events = 0;
  self->autosave_source = g_timeout_add_seconds (AUTOSAVE_INTERVAL_S, autosave_timeout_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->autosave_source),
                            "[juggler] autosave");
}

void
_jg_window_autosave_finish (JgWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  autosave_now (self);
}

void
_jg_window_autosave_stop (JgWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  self->autosave_pending = FALSE;
  g_clear_object (&self->autosave_trace);
}

static void
open_last_run_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  g_autoptr(GFile) file = _jg_window_get_autosave_file ();

  jg_window_open (JG_WINDOW (widget), file);
}

/* Set-up */

void
_jg_window_init_replay (JgWindow *self)
{
  self->player = jg_player_new ();
  jg_player_bar_set_player (self->player_bar, self->player);
  g_signal_connect_object (self->player, "notify::position", G_CALLBACK (on_player_position_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::speed", G_CALLBACK (update_player_actions), self,
                           G_CONNECT_SWAPPED);
  update_last_run (self);
}

void
_jg_window_dispose_replay (JgWindow *self)
{
  _jg_window_autosave_stop (self);
  if (self->player != NULL)
    {
      jg_player_set_playing (self->player, FALSE);
      g_signal_handlers_disconnect_by_data (self->player, self);
    }
  g_clear_object (&self->player);
}

void
_jg_window_class_init_replay (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, JgWindow, player_bar);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, last_run_button);

  gtk_widget_class_install_action (widget_class, "win.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "win.step-next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.step-prev", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.speed-up", NULL, speed_action);
  gtk_widget_class_install_action (widget_class, "win.speed-down", NULL, speed_action);
  gtk_widget_class_install_action (widget_class, "win.open-last-run", NULL, open_last_run_action);
}
