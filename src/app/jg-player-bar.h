/* jg-player-bar.h: the replay controls under the canvas: step back, play or
 * pause, step on, a timeline to scrub, the play head's time and the speed.
 * The buttons activate the window's actions; the rest drive a JgPlayer. */
#pragma once

#include <gtk/gtk.h>

#include "jg-player.h"

G_BEGIN_DECLS

#define JG_TYPE_PLAYER_BAR (jg_player_bar_get_type ())
G_DECLARE_FINAL_TYPE (JgPlayerBar, jg_player_bar, JG, PLAYER_BAR, GtkWidget)

GtkWidget *jg_player_bar_new        (void);
void       jg_player_bar_set_player (JgPlayerBar *self,
                                     JgPlayer    *player);
JgPlayer  *jg_player_bar_get_player (JgPlayerBar *self);

G_END_DECLS
