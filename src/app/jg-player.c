/* jg-player.c: the replay controller. Playing advances the play head by the
 * wall-clock time since the last tick times the speed, from a timeout on the
 * main context; stepping binary-searches the tasks' spans, whose starts are
 * the events that changed a task's state. */
#define G_LOG_DOMAIN "jg-player"

#include "config.h"

#include "jg-player.h"

/* How often the play head moves while playing: about a frame. */
#define TICK_MS 16

const double jg_player_speeds[JG_PLAYER_N_SPEEDS] = { 0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10 };

struct _JgPlayer
{
  GObject  parent_instance;

  JgTrace *trace;
  guint64  duration;
  guint64  position;
  double   speed;
  double   carry_ns;  /* what a tick advanced by less than a nanosecond */
  gint64   last_tick; /* monotonic µs */
  guint    tick_id;
};

G_DEFINE_FINAL_TYPE (JgPlayer, jg_player, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TRACE,
  PROP_DURATION,
  PROP_POSITION,
  PROP_PLAYING,
  PROP_SPEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
jg_player_stop_ticking (JgPlayer *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static gboolean
jg_player_tick_cb (gpointer data)
{
  JgPlayer *self = data;
  gint64 now = g_get_monotonic_time ();
  double advance = (double) (now - self->last_tick) * 1000.0 * self->speed + self->carry_ns;
  guint64 step = (guint64) advance;

  self->last_tick = now;
  self->carry_ns = advance - (double) step;

  if (step >= self->duration - self->position)
    {
      /* The end: everything shows, and the replay stops there. */
      self->tick_id = 0;
      g_object_freeze_notify (G_OBJECT (self));
      jg_player_set_position (self, self->duration);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
      g_object_thaw_notify (G_OBJECT (self));
      return G_SOURCE_REMOVE;
    }

  jg_player_set_position (self, self->position + step);
  return G_SOURCE_CONTINUE;
}

static void
jg_player_dispose (GObject *object)
{
  JgPlayer *self = JG_PLAYER (object);

  jg_player_stop_ticking (self);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (jg_player_parent_class)->dispose (object);
}

static void
jg_player_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JgPlayer *self = JG_PLAYER (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;
    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;
    case PROP_POSITION:
      g_value_set_uint64 (value, self->position);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, jg_player_get_playing (self));
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_player_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JgPlayer *self = JG_PLAYER (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      jg_player_set_position (self, g_value_get_uint64 (value));
      break;
    case PROP_PLAYING:
      jg_player_set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      jg_player_set_speed (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_player_class_init (JgPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_player_dispose;
  object_class->get_property = jg_player_get_property;
  object_class->set_property = jg_player_set_property;

  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL,
                         JG_TYPE_TRACE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DURATION] =
    g_param_spec_uint64 ("duration", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_POSITION] =
    g_param_spec_uint64 ("position", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL,
                         0.01, 10.0, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_player_init (JgPlayer *self)
{
  self->speed = 1.0;
}

JgPlayer *
jg_player_new (void)
{
  return g_object_new (JG_TYPE_PLAYER, NULL);
}

void
jg_player_set_trace (JgPlayer *self,
                     JgTrace  *trace)
{
  g_return_if_fail (JG_IS_PLAYER (self));
  g_return_if_fail (trace == NULL || JG_IS_TRACE (trace));

  if (trace == self->trace)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  jg_player_set_playing (self, FALSE);
  g_set_object (&self->trace, trace);
  self->duration = trace != NULL ? jg_trace_get_duration_ns (trace) : 0;
  self->position = self->duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  g_object_thaw_notify (G_OBJECT (self));
}

JgTrace *
jg_player_get_trace (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), NULL);

  return self->trace;
}

guint64
jg_player_get_duration (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), 0);

  return self->duration;
}

void
jg_player_set_position (JgPlayer *self,
                        guint64   position)
{
  g_return_if_fail (JG_IS_PLAYER (self));

  position = MIN (position, self->duration);
  if (position == self->position)
    return;

  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

guint64
jg_player_get_position (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), 0);

  return self->position;
}

gboolean
jg_player_get_at_end (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), TRUE);

  return self->position >= self->duration;
}

void
jg_player_set_playing (JgPlayer *self,
                       gboolean  playing)
{
  g_return_if_fail (JG_IS_PLAYER (self));

  playing = playing && self->trace != NULL && self->duration > 0;
  if (playing == jg_player_get_playing (self))
    return;

  if (playing)
    {
      /* A replay that is over starts again. */
      if (jg_player_get_at_end (self))
        jg_player_set_position (self, 0);
      self->last_tick = g_get_monotonic_time ();
      self->carry_ns = 0;
      self->tick_id = g_timeout_add (TICK_MS, jg_player_tick_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->tick_id),
                                "[juggler] replay");
    }
  else
    {
      jg_player_stop_ticking (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
jg_player_get_playing (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), FALSE);

  return self->tick_id != 0;
}

void
jg_player_set_speed (JgPlayer *self,
                     double    speed)
{
  g_return_if_fail (JG_IS_PLAYER (self));

  speed = CLAMP (speed, jg_player_speeds[0], jg_player_speeds[JG_PLAYER_N_SPEEDS - 1]);
  if (speed == self->speed)
    return;

  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

double
jg_player_get_speed (JgPlayer *self)
{
  g_return_val_if_fail (JG_IS_PLAYER (self), 1.0);

  return self->speed;
}

/* The start of @task's first span after @position (@forward), or of its last
 * one before it; JG_PLAYER_NO_EVENT if none. */
static guint64
task_event (JgSpans  *spans,
            guint32   task,
            guint64   position,
            gboolean  forward)
{
  guint n;
  const JgSpan *task_spans = jg_spans_get_task_spans (spans, task, &n);
  guint lo = 0, hi = n;

  /* lo: the first span starting after @position (forward), or at or after
   * it (backward). */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gboolean before = forward ? task_spans[mid].start <= position : task_spans[mid].start < position;

      if (before)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (forward)
    return lo < n ? task_spans[lo].start : JG_PLAYER_NO_EVENT;
  return lo > 0 ? task_spans[lo - 1].start : JG_PLAYER_NO_EVENT;
}

guint64
jg_player_step (JgPlayer *self,
                JgSpans  *spans,
                guint32   task,
                gboolean  forward)
{
  guint64 best = JG_PLAYER_NO_EVENT;
  guint32 n_tasks;

  g_return_val_if_fail (JG_IS_PLAYER (self), JG_PLAYER_NO_EVENT);

  if (self->trace == NULL || spans == NULL)
    return JG_PLAYER_NO_EVENT;

  jg_player_set_playing (self, FALSE);
  n_tasks = jg_spans_get_n_tasks (spans);

  if (task != JG_LANE_NONE)
    {
      if (task < n_tasks)
        best = task_event (spans, task, self->position, forward);
    }
  else
    {
      for (guint32 t = 0; t < n_tasks; t++)
        {
          guint64 ts = task_event (spans, t, self->position, forward);

          if (ts == JG_PLAYER_NO_EVENT)
            continue;
          if (best == JG_PLAYER_NO_EVENT || (forward ? ts < best : ts > best))
            best = ts;
        }
    }

  if (best == JG_PLAYER_NO_EVENT || best > self->duration)
    return JG_PLAYER_NO_EVENT;

  jg_player_set_position (self, best);
  return best;
}
