/* jg-executor.c: a task's steps, one after another, on a real thread. */
#define G_LOG_DOMAIN "jg-executor"

#include <glib/gi18n-lib.h>

#include "jg-executor.h"

/* The task's own state: what READ loaded, for the WRITE that follows. */
typedef struct
{
  gint64  value;
  guint64 version;
  guint   variable;
  gboolean loaded;
} Register;

static gboolean
run_step (JgThreadState  *ts,
          JgSync         *sync,
          const JgStep   *step,
          Register       *reg,
          GError        **error)
{
  switch (step->kind)
    {
    case JG_STEP_CPU:
      return jg_thread_state_cpu (ts, step->ms, step->releases_gil, error);
    case JG_STEP_IO:
      return jg_thread_state_io (ts, step->io_kind, step->ms, error);
    case JG_STEP_BLOCK:
      return jg_thread_state_block (ts, step->ms, error);
    case JG_STEP_LOCK:
      return jg_sync_lock (sync, ts, step->object, error);
    case JG_STEP_UNLOCK:
      return jg_sync_unlock (sync, ts, step->object, error);
    case JG_STEP_SEM_ACQUIRE:
      return jg_sync_sem_acquire (sync, ts, step->object, error);
    case JG_STEP_SEM_RELEASE:
      return jg_sync_sem_release (sync, ts, step->object, error);
    case JG_STEP_QUEUE_PUT:
      return jg_sync_queue_put (sync, ts, step->object, error);
    case JG_STEP_QUEUE_GET:
      return jg_sync_queue_get (sync, ts, step->object, error);
    case JG_STEP_READ:
      reg->value = jg_sync_read (sync, ts, step->object, &reg->version);
      reg->variable = step->object;
      reg->loaded = TRUE;
      return TRUE;
    case JG_STEP_WRITE:
      {
        /* A write without a read of the same variable stores from scratch,
         * reading it now (and so losing nothing). */
        if (!reg->loaded || reg->variable != step->object)
          {
            reg->value = jg_sync_read (sync, ts, step->object, &reg->version);
            reg->variable = step->object;
          }
        jg_sync_write (sync, ts, step->object, reg->value + step->value, reg->version);
        reg->loaded = FALSE;
        return TRUE;
      }
    case JG_STEP_TRANSFER:
      /* Threads share the interpreter's memory: nothing is pickled or copied. */
      return TRUE;
    case JG_STEP_N_KINDS:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Step kind %d is not supported by this model"),
                   (int) step->kind);
      return FALSE;
    }
}

JgEndStatus
jg_executor_run_task (JgThreadState    *ts,
                      JgSync           *sync,
                      guint32           task_lane,
                      const JgPlanTask *task,
                      GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  Register reg = { 0 };
  JgEndStatus status;

  g_return_val_if_fail (ts != NULL, JG_END_ERROR);
  g_return_val_if_fail (sync != NULL, JG_END_ERROR);
  g_return_val_if_fail (task != NULL, JG_END_ERROR);

  ts->task = task_lane;
  jg_probe_emit (ts->probe, task_lane, JG_EVENT_TASK_BEGIN, 0);

  if (jg_thread_state_enter (ts, &local_error))
    {
      for (guint i = 0; i < task->n_steps; i++)
        {
          if (i > 0 && !jg_thread_state_checkpoint (ts, &local_error))
            break;
          if (!run_step (ts, sync, &task->steps[i], &reg, &local_error))
            break;
        }
    }

  if (local_error == NULL)
    status = JG_END_OK;
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    status = JG_END_CANCELLED;
  else
    status = JG_END_ERROR;
  /* The task is done before its thread lets the GIL go: the next holder's RUN
   * never overlaps this task's last Running span. */
  jg_probe_emit_leave (ts->probe, task_lane, JG_EVENT_TASK_END, JG_END_ARG (status, 0));
  jg_thread_state_leave (ts);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return status;
}
