/* jg-gil.c: the GIL as CPython 3.12 implements it in Python/ceval_gil.c.
 *
 * The lock is a boolean guarded by a mutex and signalled by a condition. A
 * waiter waits on the condition with a timeout of the switch interval; only if
 * a wait times out while the GIL is still held and nobody switched meanwhile
 * does it set the drop request. The holder sees the request at its next eval
 * breaker checkpoint and drops; with forced switching it then waits on a second
 * condition until another thread has taken the GIL. Every step is recorded. */
#define G_LOG_DOMAIN "jg-gil"

#include "jg-gil.h"

struct _JgGil
{
  guint32       interp;
  gint64        interval_us;    /* atomic */
  gboolean      force_switching;

  GMutex        mutex;          /* gil->mutex: guards locked, holder, switch_number */
  GCond         cond;           /* gil->cond: signalled on every drop */
  gboolean      locked;
  gconstpointer holder;         /* the holding thread's probe, for assertions */
  guint64       switch_number;  /* takes by a thread other than the last holder */

  GMutex        switch_mutex;   /* FORCE_SWITCHING: guards last_holder */
  GCond         switch_cond;
  gconstpointer last_holder;

  gint          drop_request;   /* atomic: the eval breaker's GIL bit */
  gint          cancelled;      /* atomic */

  guint64       n_drop_requests; /* under mutex */
  guint64       n_forced;        /* atomic */
};

static gint64
interval_to_us (double ms)
{
  /* CPython: interval >= 1 ? interval : 1 (in microseconds). */
  return MAX ((gint64) (ms * 1000.0 + 0.5), 1);
}

JgGil *
jg_gil_new (guint32 interp,
            double  switch_interval_ms)
{
  JgGil *self = g_new0 (JgGil, 1);

  self->interp = interp;
  self->interval_us = interval_to_us (switch_interval_ms);
  self->force_switching = TRUE;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_mutex_init (&self->switch_mutex);
  g_cond_init (&self->switch_cond);
  return self;
}

void
jg_gil_free (JgGil *self)
{
  if (self == NULL)
    return;
  g_warn_if_fail (!self->locked);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->switch_cond);
  g_mutex_clear (&self->switch_mutex);
  g_free (self);
}

guint32
jg_gil_get_interp (JgGil *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->interp;
}

void
jg_gil_set_switch_interval (JgGil  *self,
                            double  ms)
{
  g_return_if_fail (self != NULL);
  __atomic_store_n (&self->interval_us, interval_to_us (ms), __ATOMIC_RELAXED);
}

double
jg_gil_get_switch_interval (JgGil *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return __atomic_load_n (&self->interval_us, __ATOMIC_RELAXED) / 1000.0;
}

void
jg_gil_set_force_switching (JgGil    *self,
                            gboolean  force_switching)
{
  g_return_if_fail (self != NULL);
  g_mutex_lock (&self->mutex);
  self->force_switching = !!force_switching;
  g_mutex_unlock (&self->mutex);
}

gboolean
jg_gil_take (JgGil   *self,
             JgProbe *probe,
             guint32  task)
{
  guint32 arg = JG_GIL_ARG (self->interp, 0);

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (probe != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  g_assert (self->holder != probe);

  if (g_atomic_int_get (&self->cancelled))
    {
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }

  jg_probe_emit (probe, task, JG_EVENT_GIL_REQUEST, arg);

  if (self->locked)
    {
      jg_probe_emit_leave (probe, task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);

      /* The wait restarts with a full interval after every wake-up, as CPython's
       * COND_TIMED_WAIT does: being woken by someone else's drop is not a timeout. */
      while (self->locked && !g_atomic_int_get (&self->cancelled))
        {
          guint64 saved_switch_number = self->switch_number;
          gint64 interval_us = __atomic_load_n (&self->interval_us, __ATOMIC_RELAXED);
          gboolean timed_out;

          timed_out = !g_cond_wait_until (&self->cond, &self->mutex,
                                          g_get_monotonic_time () + interval_us);

          /* Ask for a drop only if the holder kept it the whole interval. */
          if (timed_out
              && self->locked
              && self->switch_number == saved_switch_number
              && !g_atomic_int_get (&self->cancelled))
            {
              g_atomic_int_set (&self->drop_request, TRUE);
              self->n_drop_requests++;
              jg_probe_emit (probe, task, JG_EVENT_GIL_DROP_REQUEST, arg);
            }
        }

      if (g_atomic_int_get (&self->cancelled))
        {
          g_mutex_unlock (&self->mutex);
          return FALSE;
        }
    }

  /* _ready: switch_mutex is taken before last_holder changes (see jg_gil_drop). */
  g_mutex_lock (&self->switch_mutex);
  self->locked = TRUE;
  self->holder = probe;
  if (self->last_holder != probe)
    {
      self->last_holder = probe;
      self->switch_number++;
    }
  g_cond_broadcast (&self->switch_cond);
  g_mutex_unlock (&self->switch_mutex);

  /* Stamped while holding the mutex, after the previous holder's drop was. */
  jg_probe_emit (probe, task, JG_EVENT_GIL_TAKE, arg);

  /* A pending request was meant for the previous holder. */
  g_atomic_int_set (&self->drop_request, FALSE);

  jg_probe_emit_run (probe, task);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

void
jg_gil_drop (JgGil       *self,
             JgProbe     *probe,
             guint32      task,
             JgGilReason  reason)
{
  gboolean forced = FALSE;

  g_return_if_fail (self != NULL);
  g_return_if_fail (probe != NULL);
  g_return_if_fail (reason == JG_GIL_DROP_INTERVAL || reason == JG_GIL_DROP_IO
                    || reason == JG_GIL_DROP_FINISHED);

  g_mutex_lock (&self->mutex);
  g_assert (self->locked && self->holder == probe);

  /* FORCE_SWITCHING applies to a thread that was asked to drop. CPython locks
   * switch_mutex just after releasing the GIL's mutex; locking it just before
   * keeps the same order (mutex, then switch_mutex, as a taker does) and makes
   * the outcome known now: no taker can complete before we wait, so we will
   * wait, and the drop can be recorded as FORCED with its true timestamp. A
   * voluntary release (I/O, end of task) never waits. */
  if (reason == JG_GIL_DROP_INTERVAL
      && self->force_switching
      && g_atomic_int_get (&self->drop_request)
      && !g_atomic_int_get (&self->cancelled))
    {
      forced = TRUE;
      g_mutex_lock (&self->switch_mutex);
    }

  self->locked = FALSE;
  self->holder = NULL;
  /* Stamped before the mutex is released, so holder spans never overlap. */
  jg_probe_emit (probe, task, JG_EVENT_GIL_DROP,
                 JG_GIL_ARG (self->interp, forced ? JG_GIL_DROP_FORCED : reason));
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (forced)
    {
      __atomic_add_fetch (&self->n_forced, 1, __ATOMIC_RELAXED);
      /* RESET_GIL_DROP_REQUEST, then wait until another thread took it. */
      g_atomic_int_set (&self->drop_request, FALSE);
      while (self->last_holder == probe && !g_atomic_int_get (&self->cancelled))
        g_cond_wait (&self->switch_cond, &self->switch_mutex);
      g_mutex_unlock (&self->switch_mutex);
    }
}

gboolean
jg_gil_drop_requested (JgGil *self)
{
  return g_atomic_int_get (&self->drop_request) != 0;
}

gboolean
jg_gil_handle_drop_request (JgGil   *self,
                            JgProbe *probe,
                            guint32  task)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!g_atomic_int_get (&self->drop_request))
    return TRUE;

  /* _Py_HandlePending: give another thread a chance, then take it back. */
  jg_probe_emit_leave (probe, task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  jg_gil_drop (self, probe, task, JG_GIL_DROP_INTERVAL);
  return jg_gil_take (self, probe, task);
}

void
jg_gil_cancel (JgGil *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&self->cancelled, TRUE);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_mutex_lock (&self->switch_mutex);
  g_cond_broadcast (&self->switch_cond);
  g_mutex_unlock (&self->switch_mutex);
}

gboolean
jg_gil_is_cancelled (JgGil *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return g_atomic_int_get (&self->cancelled);
}

guint64
jg_gil_get_switch_number (JgGil *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->mutex);
  n = self->switch_number;
  g_mutex_unlock (&self->mutex);
  return n;
}

guint64
jg_gil_get_n_drop_requests (JgGil *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->mutex);
  n = self->n_drop_requests;
  g_mutex_unlock (&self->mutex);
  return n;
}

guint64
jg_gil_get_n_forced (JgGil *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return __atomic_load_n (&self->n_forced, __ATOMIC_RELAXED);
}
