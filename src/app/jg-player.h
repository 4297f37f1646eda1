/* jg-player.h: the replay of a finished trace. A small controller with a play
 * head: it plays at a speed (the trace's time per wall-clock time), pauses,
 * seeks and steps from event to event. Whoever shows the trace follows its
 * "position". */
#pragma once

#include <glib-object.h>

#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

/* The speeds offered, slowest first. */
#define JG_PLAYER_N_SPEEDS 8
extern const double jg_player_speeds[JG_PLAYER_N_SPEEDS];

/* Returned by jg_player_step () when there is no event to go to. */
#define JG_PLAYER_NO_EVENT G_MAXUINT64

#define JG_TYPE_PLAYER (jg_player_get_type ())
G_DECLARE_FINAL_TYPE (JgPlayer, jg_player, JG, PLAYER, GObject)

JgPlayer *jg_player_new          (void);
/* Replays @trace (finished, or NULL for none); the play head starts at its
 * end, so all of it shows until the user asks for a replay. */
void      jg_player_set_trace    (JgPlayer *self,
                                  JgTrace  *trace);
JgTrace  *jg_player_get_trace    (JgPlayer *self);
guint64   jg_player_get_duration (JgPlayer *self);
/* The play head, ns since the trace's start, kept within its duration. */
void      jg_player_set_position (JgPlayer *self,
                                  guint64   position);
guint64   jg_player_get_position (JgPlayer *self);
/* TRUE when the play head is at the end: everything shows. */
gboolean  jg_player_get_at_end   (JgPlayer *self);
/* Playing from the end starts again from the beginning. */
void      jg_player_set_playing  (JgPlayer *self,
                                  gboolean  playing);
gboolean  jg_player_get_playing  (JgPlayer *self);
/* Trace time per wall-clock time, from 0.01 to 10. */
void      jg_player_set_speed    (JgPlayer *self,
                                  double    speed);
double    jg_player_get_speed    (JgPlayer *self);
/* Moves to the next (@forward) or previous event of @task, or of any task
 * with JG_LANE_NONE, as @spans (of the trace) know them; pauses. Returns
 * the new position, or JG_PLAYER_NO_EVENT (and stays) if there is none. */
guint64   jg_player_step         (JgPlayer *self,
                                  JgSpans  *spans,
                                  guint32   task,
                                  gboolean  forward);

G_END_DECLS
