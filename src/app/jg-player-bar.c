/* jg-player-bar.c: the replay controls. The timeline is in milliseconds (a
 * GtkAdjustment holds doubles); the speed drop-down lists jg_player_speeds. */
#define G_LOG_DOMAIN "jg-player-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "jg-format.h"
#include "jg-player-bar.h"

#define NS_PER_MS 1e6

struct _JgPlayerBar
{
  GtkWidget      parent_instance;

  JgPlayer      *player;
  gboolean       updating; /* the bar follows the player: not a user's change */

  GtkButton     *play_button;
  GtkScale      *scale;
  GtkAdjustment *adjustment;
  GtkLabel      *position_label;
  GtkDropDown   *speed_dropdown;
};

G_DEFINE_FINAL_TYPE (JgPlayerBar, jg_player_bar, GTK_TYPE_WIDGET)

static void
update_position (JgPlayerBar *self)
{
  guint64 position = jg_player_get_position (self->player);
  guint64 duration = jg_player_get_duration (self->player);
  g_autofree char *at = jg_format_duration (position);
  g_autofree char *total = jg_format_duration (duration);
  /* Translators: the play head's time and the trace's duration */
  g_autofree char *text = g_strdup_printf (_("%s / %s"), at, total);

  self->updating = TRUE;
  gtk_adjustment_configure (self->adjustment, position / NS_PER_MS, 0, MAX (duration / NS_PER_MS, 1e-6),
                            duration / NS_PER_MS / 100, duration / NS_PER_MS / 10, 0);
  self->updating = FALSE;
  gtk_label_set_label (self->position_label, text);
}

static void
update_playing (JgPlayerBar *self)
{
  gboolean playing = jg_player_get_playing (self->player);

  gtk_button_set_icon_name (self->play_button,
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing ? _("Pause (Space)") : _("Replay (Space)"));
}

static void
update_speed (JgPlayerBar *self)
{
  double speed = jg_player_get_speed (self->player);
  guint best = 0;

  for (guint i = 0; i < JG_PLAYER_N_SPEEDS; i++)
    {
      if (ABS (jg_player_speeds[i] - speed) < ABS (jg_player_speeds[best] - speed))
        best = i;
    }

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->speed_dropdown, best);
  self->updating = FALSE;
}

static void
on_scale_changed (JgPlayerBar *self)
{
  double value = gtk_adjustment_get_value (self->adjustment);

  if (self->updating || self->player == NULL)
    return;

  /* Scrubbing: the user holds the play head. */
  jg_player_set_playing (self->player, FALSE);
  jg_player_set_position (self->player, (guint64) llround (value * NS_PER_MS));
}

static void
on_speed_selected (JgPlayerBar *self)
{
  guint selected = gtk_drop_down_get_selected (self->speed_dropdown);

  if (self->updating || self->player == NULL || selected >= JG_PLAYER_N_SPEEDS)
    return;

  jg_player_set_speed (self->player, jg_player_speeds[selected]);
}

static void
jg_player_bar_dispose (GObject *object)
{
  JgPlayerBar *self = JG_PLAYER_BAR (object);
  GtkWidget *child;

  jg_player_bar_set_player (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), JG_TYPE_PLAYER_BAR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jg_player_bar_parent_class)->dispose (object);
}

static void
jg_player_bar_class_init (JgPlayerBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_player_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "playerbar");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-player-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, JgPlayerBar, play_button);
  gtk_widget_class_bind_template_child (widget_class, JgPlayerBar, scale);
  gtk_widget_class_bind_template_child (widget_class, JgPlayerBar, adjustment);
  gtk_widget_class_bind_template_child (widget_class, JgPlayerBar, position_label);
  gtk_widget_class_bind_template_child (widget_class, JgPlayerBar, speed_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_scale_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_speed_selected);
}

static void
jg_player_bar_init (JgPlayerBar *self)
{
  g_autoptr(GtkStringList) speeds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < JG_PLAYER_N_SPEEDS; i++)
    {
      /* Translators: a replay speed, e.g. "0.25×" */
      g_autofree char *label = g_strdup_printf (_("%g×"), jg_player_speeds[i]);

      gtk_string_list_append (speeds, label);
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->speed_dropdown, G_LIST_MODEL (speeds));
  self->updating = FALSE;
}

GtkWidget *
jg_player_bar_new (void)
{
  return g_object_new (JG_TYPE_PLAYER_BAR, NULL);
}

void
jg_player_bar_set_player (JgPlayerBar *self,
                          JgPlayer    *player)
{
  g_return_if_fail (JG_IS_PLAYER_BAR (self));
  g_return_if_fail (player == NULL || JG_IS_PLAYER (player));

  if (self->player == player)
    return;

  if (self->player != NULL)
    g_signal_handlers_disconnect_by_data (self->player, self);
  g_set_object (&self->player, player);
  if (player == NULL)
    return;

  g_signal_connect_object (player, "notify::position", G_CALLBACK (update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "notify::duration", G_CALLBACK (update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "notify::playing", G_CALLBACK (update_playing), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "notify::speed", G_CALLBACK (update_speed), self, G_CONNECT_SWAPPED);
  update_position (self);
  update_playing (self);
  update_speed (self);
}

JgPlayer *
jg_player_bar_get_player (JgPlayerBar *self)
{
  g_return_val_if_fail (JG_IS_PLAYER_BAR (self), NULL);

  return self->player;
}
