/* jg-asyncio-plan.c: what the event loop needs to know about a plan before it
 * runs one — who starts whom, and that a plan built by hand (or by someone
 * else's parser) cannot make the loop index outside it. */
#define G_LOG_DOMAIN "jg-asyncio"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "jg-asyncio.h"
#include "jg-asyncio-private.h"

/* The same bound the run puts on a step's time. */
#define MAX_TIMEOUT_MS (3600.0 * 1000.0)

static const char * const step_names[] = {
  [JG_STEP_SPAWN] = "spawn",
  [JG_STEP_AWAIT] = "await",
  [JG_STEP_GATHER] = "gather",
  [JG_STEP_TASKGROUP] = "taskgroup",
  [JG_STEP_AS_COMPLETED] = "as_completed",
  [JG_STEP_MAP] = "map",
  [JG_STEP_WAIT_FOR] = "wait_for",
  [JG_STEP_CANCEL] = "cancel",
  [JG_STEP_FAIL] = "fail",
  [JG_STEP_TO_THREAD] = "to_thread",
};
G_STATIC_ASSERT (G_N_ELEMENTS (step_names) == JG_STEP_N_KINDS);

const char *
jg_asyncio_step_name (JgStepKind kind)
{
  return kind >= JG_STEP_SPAWN && kind < JG_STEP_N_KINDS ? step_names[kind] : NULL;
}

guint
jg_asyncio_executor_size (guint requested)
{
  /* concurrent.futures.ThreadPoolExecutor: min (32, (os.cpu_count () or 1) + 4). */
  if (requested > 0)
    return MIN (requested, JG_AIO_MAX_EXECUTOR_THREADS);
  return MIN (32, g_get_num_processors () + 4);
}

gboolean
jg_aio_step_starts_tasks (JgStepKind kind)
{
  return kind == JG_STEP_SPAWN || kind == JG_STEP_GATHER || kind == JG_STEP_TASKGROUP
      || kind == JG_STEP_AS_COMPLETED || kind == JG_STEP_MAP || kind == JG_STEP_WAIT_FOR
      || kind == JG_STEP_TO_THREAD;
}

gboolean
jg_aio_step_runs_in_executor (JgStepKind kind)
{
  switch (kind)
    {
    case JG_STEP_CPU:
    case JG_STEP_IO:
    case JG_STEP_BLOCK:
    case JG_STEP_READ:
    case JG_STEP_WRITE:
    case JG_STEP_TRANSFER:
    case JG_STEP_FAIL:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
invalid (GError     **error,
         guint        task,
         guint        step,
         const char  *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
invalid (GError     **error,
         guint        task,
         guint        step,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "tasks[%u].steps[%u]: %s", task, step, message);
  return FALSE;
}

static gboolean
check_step (const JgScenarioPlan *plan,
            guint                 t,
            guint                 s,
            guint32              *parents,
            GError              **error)
{
  const JgPlanTask *task = &plan->tasks[t];
  const JgStep *step = &task->steps[s];
  const char *name = jg_asyncio_step_name (step->kind);

  if (!isfinite (step->timeout_ms) || step->timeout_ms < 0 || step->timeout_ms > MAX_TIMEOUT_MS)
    return invalid (error, t, s, _("timeout_ms must be between 0 (none) and %.0f"), MAX_TIMEOUT_MS);
  if (step->kind == JG_STEP_WAIT_FOR && !(step->timeout_ms > 0))
    return invalid (error, t, s, _("wait_for needs a timeout"));

  if (step->n_body > 0)
    {
      if (step->kind != JG_STEP_GATHER && step->kind != JG_STEP_AS_COMPLETED && step->kind != JG_STEP_MAP)
        return invalid (error, t, s, _("only gather, as_completed and map run steps for each result"));
      if (step->n_body >= task->n_steps - s)
        return invalid (error, t, s, _("the %u steps run for each result go past the task's end"), step->n_body);
      for (guint b = s + 1; b <= s + step->n_body; b++)
        if (jg_asyncio_step_name (task->steps[b].kind) != NULL && task->steps[b].kind != JG_STEP_FAIL)
          return invalid (error, t, b, _("a step run for each result of %s cannot start, await or cancel tasks"),
                          name);
    }

  if (step->kind == JG_STEP_FAIL && step->message == NULL)
    return invalid (error, t, s, _("fail needs the exception it raises"));
  if (step->kind == JG_STEP_SPAWN && step->message == NULL)
    return invalid (error, t, s, _("spawn needs the name await and cancel know its tasks by"));

  if (!jg_aio_step_starts_tasks (step->kind))
    return TRUE;

  if (step->child > plan->n_tasks || step->n_children > plan->n_tasks - step->child)
    return invalid (error, t, s, _("%s starts tasks %u to %u, but the plan has %u"), name, step->child,
                    step->child + step->n_children, plan->n_tasks);
  if ((step->kind == JG_STEP_WAIT_FOR || step->kind == JG_STEP_TO_THREAD) && step->n_children != 1)
    return invalid (error, t, s, _("%s runs exactly one task"), name);

  for (guint c = step->child; c < step->child + step->n_children; c++)
    {
      if (parents[c] != JG_LANE_NONE)
        return invalid (error, t, s, _("task %u is started twice (also by task %u)"), c, parents[c]);
      if (c == t)
        return invalid (error, t, s, _("a task cannot start itself"));
      parents[c] = t;
      if (step->kind != JG_STEP_TO_THREAD)
        continue;
      for (guint b = 0; b < plan->tasks[c].n_steps; b++)
        if (!jg_aio_step_runs_in_executor (plan->tasks[c].steps[b].kind))
          return invalid (error, c, b, _("an executor's thread can only compute, do I/O, block, read, write "
                            "or raise: asyncio's objects and tasks live on the loop"));
    }
  return TRUE;
}

gboolean
jg_asyncio_check_plan (const JgScenarioPlan *plan,
                       GError              **error)
{
  g_autofree guint32 *parents = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);

  parents = g_new (guint32, MAX (plan->n_tasks, 1));
  for (guint t = 0; t < plan->n_tasks; t++)
    parents[t] = JG_LANE_NONE;

  for (guint t = 0; t < plan->n_tasks; t++)
    for (guint s = 0; s < plan->tasks[t].n_steps; s++)
      if (jg_asyncio_step_name (plan->tasks[t].steps[s].kind) != NULL
          && !check_step (plan, t, s, parents, error))
        return FALSE;

  /* Each task has at most one parent: a cycle would be a walk up that never
   * reaches a top-level task. */
  for (guint t = 0; t < plan->n_tasks; t++)
    {
      guint32 up = parents[t];

      for (guint n = 0; up != JG_LANE_NONE; n++, up = parents[up])
        if (n > plan->n_tasks)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("tasks[%u]: it is started, through its parents, by itself"), t);
            return FALSE;
          }
    }
  return TRUE;
}

guint32 *
jg_asyncio_plan_parents (const JgScenarioPlan *plan)
{
  guint32 *parents;

  g_return_val_if_fail (plan != NULL, NULL);

  parents = g_new (guint32, MAX (plan->n_tasks, 1));
  for (guint t = 0; t < plan->n_tasks; t++)
    parents[t] = JG_LANE_NONE;
  for (guint t = 0; t < plan->n_tasks; t++)
    for (guint s = 0; s < plan->tasks[t].n_steps; s++)
      {
        const JgStep *step = &plan->tasks[t].steps[s];

        if (!jg_aio_step_starts_tasks (step->kind))
          continue;
        for (guint c = step->child; c < step->child + step->n_children && c < plan->n_tasks; c++)
          parents[c] = t;
      }
  return parents;
}
