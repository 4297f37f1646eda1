/* jg-sync.c: locks, semaphores, queues and shared variables. One mutex guards
 * all of them (they are touched at step boundaries, not in hot loops), each
 * object has its own condition, and every task's current wait is recorded so
 * the wait-for graph can be read at any moment. */
#define G_LOG_DOMAIN "jg-sync"

#include <glib/gi18n-lib.h>

#include "jg-sync.h"

typedef enum
{
  WAIT_NONE = 0,
  WAIT_LOCK,
  WAIT_SEMAPHORE,
  WAIT_QUEUE_PUT,
  WAIT_QUEUE_GET,
} WaitKind;

typedef struct
{
  WaitKind kind;
  guint    index;
} Wait;

typedef struct
{
  char   *name;
  guint32 name_id;
  GCond   cond;
  guint32 owner;    /* locks: the holding task, or JG_LANE_NONE */
  gint64  count;    /* semaphores: the counter; queues: the length */
  gint64  capacity; /* queues: maxsize, 0 for unbounded */
  guint32 counter;  /* queues: the length's counter lane */
} Object;

typedef struct
{
  char   *name;
  gint64  value;    /* atomic, on purpose not a read-modify-write */
  guint64 version;  /* atomic: writes so far */
  guint32 counter;
} Variable;

struct _JgSync
{
  GMutex    mutex;
  gboolean  cancelled;
  guint     live_threads;

  guint     n_locks;
  Object   *locks;
  guint     n_semaphores;
  Object   *semaphores;
  guint     n_queues;
  Object   *queues;
  guint     n_variables;
  Variable *variables;

  guint     n_tasks;
  Wait     *waits;       /* by task */

  guint32   lost_update_id;
  guint     n_lost_updates; /* atomic */
};

static Object *
objects_new (const JgPlanObject *plan_objects,
             guint               n,
             JgTrace            *trace,
             gboolean            with_counter)
{
  Object *objects = g_new0 (Object, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      objects[i].name = g_strdup (plan_objects[i].name);
      objects[i].name_id = jg_trace_intern (trace, plan_objects[i].name);
      g_cond_init (&objects[i].cond);
      objects[i].owner = JG_LANE_NONE;
      objects[i].count = plan_objects[i].initial;
      objects[i].capacity = plan_objects[i].initial;
      if (with_counter)
        {
          g_autofree char *label = g_strdup_printf ("%s length", plan_objects[i].name);

          objects[i].counter = jg_trace_add_counter (trace, label);
          objects[i].count = 0;
        }
    }
  return objects;
}

static void
objects_free (Object *objects,
              guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (objects[i].name);
      g_cond_clear (&objects[i].cond);
    }
  g_free (objects);
}

JgSync *
jg_sync_new (const JgScenarioPlan *plan,
             JgTrace              *trace)
{
  JgSync *self;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);

  self = g_new0 (JgSync, 1);
  g_mutex_init (&self->mutex);
  self->n_locks = plan->n_locks;
  self->locks = objects_new (plan->locks, plan->n_locks, trace, FALSE);
  self->n_semaphores = plan->n_semaphores;
  self->semaphores = objects_new (plan->semaphores, plan->n_semaphores, trace, FALSE);
  self->n_queues = plan->n_queues;
  self->queues = objects_new (plan->queues, plan->n_queues, trace, TRUE);
  self->n_variables = plan->n_variables;
  self->variables = g_new0 (Variable, MAX (plan->n_variables, 1));
  for (guint i = 0; i < plan->n_variables; i++)
    {
      self->variables[i].name = g_strdup (plan->variables[i].name);
      self->variables[i].value = plan->variables[i].initial;
      self->variables[i].counter = jg_trace_add_counter (trace, plan->variables[i].name);
    }
  self->n_tasks = plan->n_tasks;
  self->waits = g_new0 (Wait, MAX (plan->n_tasks, 1));
  self->lost_update_id = jg_trace_intern (trace, "lost update");
  return self;
}

void
jg_sync_free (JgSync *self)
{
  if (self == NULL)
    return;
  objects_free (self->locks, self->n_locks);
  objects_free (self->semaphores, self->n_semaphores);
  objects_free (self->queues, self->n_queues);
  for (guint i = 0; i < self->n_variables; i++)
    g_free (self->variables[i].name);
  g_free (self->variables);
  g_free (self->waits);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

static gboolean
bad_index (GError     **error,
           const char  *what,
           guint        index)
{
  /* TRANSLATORS: "No lock number 3 in this scenario" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No %s number %u in this scenario"),
               _(what), index);
  return FALSE;
}

static Object *
wait_object (JgSync *self,
             Wait    wait)
{
  switch (wait.kind)
    {
    case WAIT_LOCK:
      return &self->locks[wait.index];
    case WAIT_SEMAPHORE:
      return &self->semaphores[wait.index];
    case WAIT_QUEUE_PUT:
    case WAIT_QUEUE_GET:
      return &self->queues[wait.index];
    case WAIT_NONE:
    default:
      return NULL;
    }
}

/* Whether a task waiting on @wait could go on now. Called with the mutex held. */
static gboolean
can_proceed (JgSync *self,
             Wait    wait)
{
  Object *object = wait_object (self, wait);

  switch (wait.kind)
    {
    case WAIT_LOCK:
      return object->owner == JG_LANE_NONE;
    case WAIT_SEMAPHORE:
      return object->count > 0;
    case WAIT_QUEUE_PUT:
      return object->capacity <= 0 || object->count < object->capacity;
    case WAIT_QUEUE_GET:
      return object->count > 0;
    case WAIT_NONE:
    default:
      return TRUE;
    }
}

/* Called with the mutex held and @wait not satisfiable: records the wait,
 * releases the GIL (never while holding our mutex), sleeps on the object's
 * condition until it can proceed, and returns with the mutex held. The GIL is
 * still released: the caller takes what it waited for, then the GIL. */
static gboolean
block_on (JgSync          *self,
          JgThreadState   *ts,
          Wait             wait,
          JgSuspendReason  reason,
          GError         **error)
{
  Object *object = wait_object (self, wait);
  guint32 task = ts->task;

  g_assert (task < self->n_tasks);
  self->waits[task] = wait;

  g_mutex_unlock (&self->mutex);
  jg_thread_state_allow_threads (ts, reason);
  g_mutex_lock (&self->mutex);

  while (!can_proceed (self, wait) && !self->cancelled)
    g_cond_wait (&object->cond, &self->mutex);

  self->waits[task].kind = WAIT_NONE;
  if (self->cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was stopped"));
      return FALSE;
    }
  return TRUE;
}

/* Acquires a lock or a semaphore. */
static gboolean
acquire (JgSync          *self,
         JgThreadState   *ts,
         Wait             wait,
         JgSuspendReason  reason,
         GError         **error)
{
  Object *object = wait_object (self, wait);
  gboolean waited = FALSE;

  g_mutex_lock (&self->mutex);
  if (!can_proceed (self, wait))
    {
      /* threading.Lock.acquire: a failed non-blocking try, then block without the GIL. */
      jg_probe_emit (ts->probe, ts->task, JG_EVENT_LOCK_WAIT, object->name_id);
      waited = TRUE;
      if (!block_on (self, ts, wait, reason, error))
        {
          g_mutex_unlock (&self->mutex);
          return FALSE;
        }
    }
  if (wait.kind == WAIT_LOCK)
    object->owner = ts->task;
  else
    object->count--;
  jg_probe_emit (ts->probe, ts->task, JG_EVENT_LOCK_ACQUIRE, object->name_id);
  g_mutex_unlock (&self->mutex);

  return !waited || jg_thread_state_end_allow_threads (ts, error);
}

gboolean
jg_sync_lock (JgSync         *self,
              JgThreadState  *ts,
              guint           lock,
              GError        **error)
{
  Wait wait = { WAIT_LOCK, lock };

  g_return_val_if_fail (self != NULL && ts != NULL, FALSE);
  if (lock >= self->n_locks)
    return bad_index (error, N_("lock"), lock);
  return acquire (self, ts, wait, JG_SUSPEND_LOCK, error);
}

gboolean
jg_sync_unlock (JgSync         *self,
                JgThreadState  *ts,
                guint           lock,
                GError        **error)
{
  Object *object;

  g_return_val_if_fail (self != NULL && ts != NULL, FALSE);
  if (lock >= self->n_locks)
    return bad_index (error, N_("lock"), lock);

  object = &self->locks[lock];
  g_mutex_lock (&self->mutex);
  if (object->owner == JG_LANE_NONE)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "RuntimeError: release unlocked lock “%s”", object->name);
      return FALSE;
    }
  /* A threading.Lock may be released by any thread, not only its owner. */
  object->owner = JG_LANE_NONE;
  jg_probe_emit (ts->probe, ts->task, JG_EVENT_LOCK_RELEASE, object->name_id);
  g_cond_signal (&object->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

gboolean
jg_sync_sem_acquire (JgSync         *self,
                     JgThreadState  *ts,
                     guint           semaphore,
                     GError        **error)
{
  Wait wait = { WAIT_SEMAPHORE, semaphore };

  g_return_val_if_fail (self != NULL && ts != NULL, FALSE);
  if (semaphore >= self->n_semaphores)
    return bad_index (error, N_("semaphore"), semaphore);
  return acquire (self, ts, wait, JG_SUSPEND_SEMAPHORE, error);
}

gboolean
jg_sync_sem_release (JgSync         *self,
                     JgThreadState  *ts,
                     guint           semaphore,
                     GError        **error)
{
  Object *object;

  g_return_val_if_fail (self != NULL && ts != NULL, FALSE);
  if (semaphore >= self->n_semaphores)
    return bad_index (error, N_("semaphore"), semaphore);

  object = &self->semaphores[semaphore];
  g_mutex_lock (&self->mutex);
  object->count++;
  jg_probe_emit (ts->probe, ts->task, JG_EVENT_LOCK_RELEASE, object->name_id);
  g_cond_signal (&object->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

static guint32
clamp_sample (gint64 value)
{
  return (guint32) CLAMP (value, 0, (gint64) G_MAXUINT32);
}

static gboolean
queue_op (JgSync         *self,
          JgThreadState  *ts,
          guint           queue,
          gboolean        put,
          GError        **error)
{
  Wait wait = { put ? WAIT_QUEUE_PUT : WAIT_QUEUE_GET, queue };
  Object *object;
  gboolean waited = FALSE;

  g_return_val_if_fail (self != NULL && ts != NULL, FALSE);
  if (queue >= self->n_queues)
    return bad_index (error, N_("queue"), queue);

  object = &self->queues[queue];
  g_mutex_lock (&self->mutex);
  if (!can_proceed (self, wait))
    {
      waited = TRUE;
      if (!block_on (self, ts, wait, JG_SUSPEND_QUEUE, error))
        {
          g_mutex_unlock (&self->mutex);
          return FALSE;
        }
    }
  object->count += put ? 1 : -1;
  jg_probe_emit (ts->probe, object->counter, JG_EVENT_COUNTER, clamp_sample (object->count));
  /* Putters and getters share the condition: wake them all to re-check. */
  g_cond_broadcast (&object->cond);
  g_mutex_unlock (&self->mutex);

  return !waited || jg_thread_state_end_allow_threads (ts, error);
}

gboolean
jg_sync_queue_put (JgSync         *self,
                   JgThreadState  *ts,
                   guint           queue,
                   GError        **error)
{
  return queue_op (self, ts, queue, TRUE, error);
}

gboolean
jg_sync_queue_get (JgSync         *self,
                   JgThreadState  *ts,
                   guint           queue,
                   GError        **error)
{
  return queue_op (self, ts, queue, FALSE, error);
}

gint64
jg_sync_read (JgSync        *self,
              JgThreadState *ts,
              guint          variable,
              guint64       *version)
{
  Variable *var;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (variable < self->n_variables, 0);

  var = &self->variables[variable];
  /* Version first: a write landing between the two loads counts as unseen. */
  *version = __atomic_load_n (&var->version, __ATOMIC_ACQUIRE);
  return __atomic_load_n (&var->value, __ATOMIC_RELAXED);
}

void
jg_sync_write (JgSync        *self,
               JgThreadState *ts,
               guint          variable,
               gint64         value,
               guint64        read_version)
{
  Variable *var;

  g_return_if_fail (self != NULL);
  g_return_if_fail (variable < self->n_variables);

  var = &self->variables[variable];
  if (__atomic_load_n (&var->version, __ATOMIC_ACQUIRE) != read_version)
    {
      __atomic_add_fetch (&self->n_lost_updates, 1, __ATOMIC_RELAXED);
      jg_probe_emit (ts->probe, ts->task, JG_EVENT_MARK, self->lost_update_id);
    }
  /* Two plain accesses, exactly the read-modify-write race of `counter += 1`. */
  __atomic_store_n (&var->value, value, __ATOMIC_RELAXED);
  __atomic_add_fetch (&var->version, 1, __ATOMIC_RELEASE);
  jg_probe_emit (ts->probe, var->counter, JG_EVENT_COUNTER, clamp_sample (value));
}

gint64
jg_sync_get_value (JgSync *self,
                   guint   variable)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (variable < self->n_variables, 0);
  return __atomic_load_n (&self->variables[variable].value, __ATOMIC_RELAXED);
}

guint
jg_sync_get_n_lost_updates (JgSync *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return __atomic_load_n (&self->n_lost_updates, __ATOMIC_RELAXED);
}

void
jg_sync_thread_started (JgSync *self)
{
  g_mutex_lock (&self->mutex);
  self->live_threads++;
  g_mutex_unlock (&self->mutex);
}

void
jg_sync_thread_finished (JgSync *self)
{
  g_mutex_lock (&self->mutex);
  g_assert (self->live_threads > 0);
  self->live_threads--;
  g_mutex_unlock (&self->mutex);
}

/* Follows task -> lock it waits for -> holder -> ... from @start; TRUE if the
 * walk comes back to @start (a cycle), filling @tasks and @objects with it. */
static gboolean
find_lock_cycle_from (JgSync    *self,
                      guint32    start,
                      GArray    *tasks,
                      GPtrArray *objects)
{
  guint32 current = start;

  for (guint steps = 0; steps <= self->n_tasks; steps++)
    {
      Wait wait = self->waits[current];
      guint32 owner;

      if (wait.kind != WAIT_LOCK)
        return FALSE;
      owner = self->locks[wait.index].owner;
      if (owner == JG_LANE_NONE || owner >= self->n_tasks)
        return FALSE;
      g_array_append_val (tasks, current);
      g_ptr_array_add (objects, self->locks[wait.index].name);
      if (owner == start)
        return TRUE;
      current = owner;
    }
  return FALSE;
}

gboolean
jg_sync_find_deadlock (JgSync    *self,
                       GArray    *tasks,
                       GPtrArray *objects,
                       gboolean  *lock_cycle)
{
  guint stuck = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (tasks != NULL && objects != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  *lock_cycle = FALSE;

  for (guint32 task = 0; task < self->n_tasks && !found; task++)
    {
      g_array_set_size (tasks, 0);
      g_ptr_array_set_size (objects, 0);
      found = find_lock_cycle_from (self, task, tasks, objects);
    }

  if (found)
    {
      *lock_cycle = TRUE;
    }
  else
    {
      /* No cycle among locks: still stuck if every thread that could release
       * anything waits for something no one can give (a get on an empty queue
       * with no producer left, a lock whose holder ended). */
      g_array_set_size (tasks, 0);
      g_ptr_array_set_size (objects, 0);
      for (guint32 task = 0; task < self->n_tasks; task++)
        if (self->waits[task].kind != WAIT_NONE && !can_proceed (self, self->waits[task]))
          {
            Object *object = wait_object (self, self->waits[task]);

            stuck++;
            g_array_append_val (tasks, task);
            if (object != NULL && !g_ptr_array_find (objects, object->name, NULL))
              g_ptr_array_add (objects, object->name);
          }
      found = !self->cancelled && self->live_threads > 0 && stuck == self->live_threads;
      if (!found)
        {
          g_array_set_size (tasks, 0);
          g_ptr_array_set_size (objects, 0);
        }
    }

  g_mutex_unlock (&self->mutex);
  return found;
}

void
jg_sync_cancel (JgSync *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->cancelled = TRUE;
  for (guint i = 0; i < self->n_locks; i++)
    g_cond_broadcast (&self->locks[i].cond);
  for (guint i = 0; i < self->n_semaphores; i++)
    g_cond_broadcast (&self->semaphores[i].cond);
  for (guint i = 0; i < self->n_queues; i++)
    g_cond_broadcast (&self->queues[i].cond);
  g_mutex_unlock (&self->mutex);
}
