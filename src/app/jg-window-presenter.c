/* jg-window-presenter.c: presenter mode and the captions.
 *
 * Presenter mode (F5) puts the window full screen in the projector theme with
 * nothing but the canvas, the figures and the caption bar; the second-window
 * form (Shift+F5) puts the canvas alone on the projector instead and keeps
 * the controls here. Either way, a presentation clicker's keys drive it:
 * Page Down steps on to the next event (or GIL hand-off, or task switch),
 * Page Up steps back, B pauses and resumes, Escape leaves.
 *
 * Where the explanation is taken: a finished trace's play head (the replay's
 * player), or, during a live run, the newest settled event — unless the
 * teacher paused or stepped, which holds the picture at that time while the
 * run goes on recording; resuming returns to the live edge, and a run that
 * ends while held hands the held time to the player. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-format.h"
#include "jg-window-private.h"

/* How often the caption follows the play head: often enough to read as
 * immediate, rarely enough to cost nothing. */
#define CAPTION_INTERVAL_MS 100

static gboolean
presenting (JgWindow *self)
{
  return self->presenter_mode != JG_PRESENTER_OFF;
}

static gboolean
captions_shown (JgWindow *self)
{
  return presenting (self) || g_settings_get_boolean (self->settings, "show-captions");
}

/* The time the caption explains and steps start from: the replay's play head
 * or the held time; G_MAXUINT64 for the newest events. */
static guint64
presenter_position (JgWindow *self)
{
  guint64 play_head = _jg_window_get_play_head (self);

  return play_head != G_MAXUINT64 ? play_head : self->presenter_hold;
}

/* Where a pause holds and a step starts when the whole trace shows: the
 * event the caption explains, the newest one that has settled (a live
 * trace's newest milliseconds may still get events of other threads). */
static guint64
live_edge (JgWindow *self)
{
  g_auto(JgCaption) caption = { 0, };
  guint64 n;

  if (jg_captioner_caption_at (self->captioner, G_MAXUINT64, &caption))
    return caption.ts;

  n = jg_trace_get_n_events (self->trace);
  return n > 0 ? jg_trace_get_event (self->trace, n - 1)->ts : 0;
}

static char *
caption_detail (JgWindow        *self,
                const JgCaption *caption)
{
  g_autofree char *when = jg_format_duration (caption->ts);
  const char *task = caption->task != JG_LANE_NONE ? jg_trace_get_task_name (self->trace, caption->task) : NULL;
  const char *worker = caption->worker != JG_LANE_NONE ? jg_trace_get_worker_name (self->trace, caption->worker) : NULL;
  double scale = jg_trace_get_time_scale (self->trace);
  g_autoptr(GString) detail = g_string_new (NULL);

  if (scale > 1)
    {
      g_autofree char *real = jg_format_duration ((guint64) (caption->ts / scale));

      /* Translators: the time of an event in a slowed-down run, then its real time, e.g. "1.20 s (real 12.0 ms)" */
      g_string_append_printf (detail, _("%s (real %s)"), when, real);
    }
  else
    {
      g_string_append (detail, when);
    }

  if (task != NULL && worker != NULL)
    /* Translators: separates the parts of a caption's details: time · task · worker */
    g_string_append_printf (detail, _(" · %s · %s"), task, worker);
  else if (task != NULL || worker != NULL)
    g_string_append_printf (detail, _(" · %s"), task != NULL ? task : worker);

  return g_string_free (g_steal_pointer (&detail), FALSE);
}

static void
set_caption (JgWindow   *self,
             const char *text,
             const char *detail)
{
  jg_caption_bar_set_caption (self->caption_bar, text, detail);
  if (self->projector != NULL)
    jg_caption_bar_set_caption (jg_projector_window_get_caption_bar (self->projector), text, detail);
}

/* The projector's canvas shows what this one shows. */
static void
sync_projector (JgWindow *self)
{
  JgCanvas *canvas;
  guint64 t0, t1;

  if (self->projector == NULL)
    return;

  canvas = jg_projector_window_get_canvas (self->projector);
  if (jg_canvas_get_trace (canvas) != self->trace)
    jg_canvas_set_trace (canvas, self->trace, NULL, NULL);
  jg_canvas_set_view (canvas, jg_canvas_get_view (self->canvas));
  jg_canvas_set_selected_task (canvas, jg_canvas_get_selected_task (self->canvas));
  jg_canvas_set_play_head (canvas, jg_canvas_get_play_head (self->canvas));
  if (jg_canvas_get_follow (self->canvas))
    {
      jg_canvas_set_follow (canvas, TRUE);
      return;
    }

  jg_canvas_get_window (self->canvas, &t0, &t1);
  jg_canvas_set_window (canvas, t0, t1);
}

void
_jg_window_update_caption (JgWindow *self)
{
  g_auto(JgCaption) caption = { 0, };
  g_autofree char *detail = NULL;
  guint64 position;

  sync_projector (self);
  if (!captions_shown (self))
    return;

  if (self->trace == NULL)
    {
      set_caption (self, _("Choose a scenario and press Run, or open a trace."), NULL);
      return;
    }

  if (self->captioner == NULL)
    self->captioner = jg_captioner_new (self->trace);

  position = presenter_position (self);
  if (!jg_captioner_caption_at (self->captioner, position, &caption))
    {
      set_caption (self, NULL, NULL);
      return;
    }

  detail = caption_detail (self, &caption);
  set_caption (self, caption.text, detail);
}

static gboolean
caption_tick (gpointer user_data)
{
  _jg_window_update_caption (JG_WINDOW (user_data));

  return G_SOURCE_CONTINUE;
}

/* Captions, their timer and the bar show while presenting or when asked for. */
static void
update_caption_bar (JgWindow *self)
{
  gboolean shown = captions_shown (self);

  gtk_widget_set_visible (GTK_WIDGET (self->caption_bar), shown);
  jg_caption_bar_set_presenting (self->caption_bar, presenting (self));

  if (shown && self->caption_source == 0)
    {
      self->caption_source = g_timeout_add (CAPTION_INTERVAL_MS, caption_tick, self);
      g_source_set_name_by_id (self->caption_source, "[juggler] caption");
    }
  else if (!shown)
    {
      g_clear_handle_id (&self->caption_source, g_source_remove);
    }

  _jg_window_update_caption (self);
}

void
_jg_window_presenter_trace_changed (JgWindow *self)
{
  g_clear_pointer (&self->captioner, jg_captioner_free);
  self->presenter_hold = G_MAXUINT64;
}

void
_jg_window_presenter_player_changed (JgWindow *self)
{
  /* A run that ends while the teacher holds it: the replay takes over there. */
  if (self->presenter_hold != G_MAXUINT64 && jg_player_get_trace (self->player) == self->trace
      && self->trace != NULL)
    {
      guint64 hold = self->presenter_hold;

      self->presenter_hold = G_MAXUINT64;
      jg_player_set_playing (self->player, FALSE);
      jg_player_set_position (self->player, hold);
    }
}

/* Moves what is shown to @ts: the replay's play head, or the held time of a
 * live run. */
static void
go_to (JgWindow *self,
       guint64   ts)
{
  guint64 t0, t1;

  if (jg_player_get_trace (self->player) == self->trace)
    {
      jg_player_set_playing (self->player, FALSE);
      jg_player_set_position (self->player, ts);
    }
  else
    {
      self->presenter_hold = ts;
      jg_canvas_set_play_head (self->canvas, ts);
      jg_canvas_get_window (self->canvas, &t0, &t1);
      if (ts < t0 || ts > t1)
        {
          guint64 width = t1 - t0;
          guint64 start = ts > width / 2 ? ts - width / 2 : 0;

          jg_canvas_set_window (self->canvas, start, start + width);
        }
      else
        {
          jg_canvas_set_follow (self->canvas, FALSE);
        }
    }

  _jg_window_update_caption (self);
}

static void
step (JgWindow *self,
      gboolean  forward)
{
  guint64 position, index;

  if (self->trace == NULL)
    return;
  if (self->captioner == NULL)
    self->captioner = jg_captioner_new (self->trace);

  position = presenter_position (self);
  if (position == G_MAXUINT64)
    position = live_edge (self);

  index = forward ? jg_captioner_next_event (self->captioner, position, self->presenter_step)
                  : jg_captioner_prev_event (self->captioner, position, self->presenter_step);
  if (index == JG_CAPTION_NO_EVENT)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  go_to (self, jg_trace_get_event (self->trace, index)->ts);
}

static void
next_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  step (JG_WINDOW (user_data), TRUE);
}

static void
prev_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  step (JG_WINDOW (user_data), FALSE);
}

static void
pause_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  JgWindow *self = JG_WINDOW (user_data);

  if (self->trace == NULL)
    return;
  if (self->captioner == NULL)
    self->captioner = jg_captioner_new (self->trace);

  if (jg_player_get_trace (self->player) == self->trace)
    {
      jg_player_set_playing (self->player, !jg_player_get_playing (self->player));
    }
  else if (self->presenter_hold == G_MAXUINT64)
    {
      go_to (self, live_edge (self));
    }
  else
    {
      /* Back to the live edge: the run went on meanwhile. */
      self->presenter_hold = G_MAXUINT64;
      jg_canvas_set_play_head (self->canvas, G_MAXUINT64);
      jg_canvas_set_follow (self->canvas, TRUE);
      _jg_window_update_caption (self);
    }
}

static void
step_change_state (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  JgWindow *self = JG_WINDOW (user_data);
  JgCaptionStep step;

  if (!jg_caption_step_from_name (g_variant_get_string (value, NULL), &step))
    return;
  self->presenter_step = step;
  g_simple_action_set_state (action, value);
}

/* Full screen, projector theme, no chrome; or back as it was. */
static void
set_fullscreen_look (JgWindow *self,
                     gboolean  on)
{
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (self));

  if (on)
    {
      self->sidebar_before = gtk_revealer_get_reveal_child (self->sidebar_revealer);
      gtk_revealer_set_reveal_child (self->sidebar_revealer, FALSE);
      gtk_revealer_set_reveal_child (self->history_revealer, FALSE);
      jg_canvas_set_style (self->canvas, JG_CANVAS_STYLE_PROJECTOR);
      gtk_widget_add_css_class (GTK_WIDGET (self), "projector");
      gtk_widget_add_css_class (GTK_WIDGET (self), "presenter");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      g_autofree char *theme = g_settings_get_string (self->settings, "theme");

      gtk_revealer_set_reveal_child (self->sidebar_revealer, self->sidebar_before);
      jg_canvas_set_style (self->canvas, g_settings_get_enum (self->settings, "theme"));
      if (!g_str_equal (theme, "projector"))
        gtk_widget_remove_css_class (GTK_WIDGET (self), "projector");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presenter");
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }

  if (titlebar != NULL)
    gtk_widget_set_visible (titlebar, !on);
  gtk_widget_set_visible (self->view_buttons, !on);
  gtk_widget_set_visible (self->zoom_buttons, !on);
}

static void on_projector_close (JgWindow *self);

static void
close_projector (JgWindow *self)
{
  JgProjectorWindow *projector = g_steal_pointer (&self->projector);

  if (projector == NULL)
    return;

  g_signal_handlers_disconnect_by_data (projector, self);
  gtk_window_destroy (GTK_WINDOW (projector));
}

static void
open_projector (JgWindow *self)
{
  self->projector = jg_projector_window_new (GTK_WINDOW (self));
  g_signal_connect_object (self->projector, "close-request", G_CALLBACK (on_projector_close), self,
                           G_CONNECT_SWAPPED);
  sync_projector (self);
  gtk_window_present (GTK_WINDOW (self->projector));
}

void
_jg_window_set_presenter_mode (JgWindow         *self,
                               JgPresenterMode   mode)
{
  JgPresenterMode before = self->presenter_mode;

  if (mode == before)
    return;

  if (before == JG_PRESENTER_FULLSCREEN)
    set_fullscreen_look (self, FALSE);
  else if (before == JG_PRESENTER_SECOND_WINDOW)
    close_projector (self);

  self->presenter_mode = mode;
  if (mode == JG_PRESENTER_FULLSCREEN)
    set_fullscreen_look (self, TRUE);
  else if (mode == JG_PRESENTER_SECOND_WINDOW)
    open_projector (self);

  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "presenter")),
                             g_variant_new_boolean (mode == JG_PRESENTER_FULLSCREEN));
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "presenter-window")),
                             g_variant_new_boolean (mode == JG_PRESENTER_SECOND_WINDOW));
  update_caption_bar (self);
}

JgPresenterMode
_jg_window_get_presenter_mode (JgWindow *self)
{
  return self->presenter_mode;
}

static void
on_projector_close (JgWindow *self)
{
  if (self->presenter_mode == JG_PRESENTER_SECOND_WINDOW)
    _jg_window_set_presenter_mode (self, JG_PRESENTER_OFF);
}

static void
presenter_change_state (GSimpleAction *action,
                        GVariant      *value,
                        gpointer       user_data)
{
  JgWindow *self = JG_WINDOW (user_data);
  gboolean on = g_variant_get_boolean (value);
  JgPresenterMode mode = g_str_equal (g_action_get_name (G_ACTION (action)), "presenter")
                           ? JG_PRESENTER_FULLSCREEN : JG_PRESENTER_SECOND_WINDOW;

  if (on)
    _jg_window_set_presenter_mode (self, mode);
  else if (self->presenter_mode == mode)
    _jg_window_set_presenter_mode (self, JG_PRESENTER_OFF);
}

/* The clicker's keys, taken before any focused widget sees them, and only
 * while presenting: otherwise Page Down scrolls and Escape stops a run. */
static gboolean
clicker_key (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  JgWindow *self = JG_WINDOW (widget);
  const char *action = g_variant_get_string (args, NULL);

  if (!presenting (self))
    return FALSE;

  if (g_str_equal (action, "leave"))
    {
      _jg_window_set_presenter_mode (self, JG_PRESENTER_OFF);
      return TRUE;
    }

  g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
  return TRUE;
}

static void
add_clicker_key (GtkShortcutController *controller,
                 guint                  keyval,
                 const char            *action)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, 0),
                                            gtk_callback_action_new (clicker_key, NULL, NULL));

  gtk_shortcut_set_arguments (shortcut, g_variant_new_string (action));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static void
on_show_captions_changed (JgWindow *self)
{
  update_caption_bar (self);
}

void
_jg_window_init_presenter (JgWindow *self)
{
  static const GActionEntry entries[] = {
    { "presenter", NULL, NULL, "false", presenter_change_state },
    { "presenter-window", NULL, NULL, "false", presenter_change_state },
    { "presenter-step", NULL, "s", "'event'", step_change_state },
    { "presenter-next", next_activated },
    { "presenter-prev", prev_activated },
    { "presenter-pause", pause_activated },
  };
  g_autoptr(GAction) captions_action = NULL;
  GtkEventController *controller;

  self->presenter_hold = G_MAXUINT64;
  self->presenter_step = JG_CAPTION_STEP_EVENT;
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  captions_action = g_settings_create_action (self->settings, "show-captions");
  g_action_map_add_action (G_ACTION_MAP (self), captions_action);
  g_signal_connect_object (self->settings, "changed::show-captions", G_CALLBACK (on_show_captions_changed),
                           self, G_CONNECT_SWAPPED);

  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (controller, "presenter-clicker");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_Page_Down, "presenter-next");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_Page_Up, "presenter-prev");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_b, "presenter-pause");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_B, "presenter-pause");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_period, "presenter-pause");
  add_clicker_key (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_Escape, "leave");
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_caption_bar (self);
}

void
_jg_window_dispose_presenter (JgWindow *self)
{
  g_clear_handle_id (&self->caption_source, g_source_remove);
  close_projector (self);
  g_clear_pointer (&self->captioner, jg_captioner_free);
}

const char *
_jg_window_get_caption_text (JgWindow *self)
{
  return jg_caption_bar_get_text (self->caption_bar);
}
