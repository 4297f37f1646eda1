/* jg-test-plan.h: scenario plans built by hand for the GIL and run tests, and
 * the few helpers those tests share to run a plan and read its trace. */
#pragma once

#include <string.h>

#include "jg-metrics.h"
#include "jg-run.h"

#define MS(x) ((guint64) ((x) * 1e6))

static inline JgScenarioPlan *
test_plan_new (const char *id)
{
  JgScenarioPlan *plan = g_new0 (JgScenarioPlan, 1);

  plan->id = g_strdup (id);
  plan->title = g_strdup (id);
  plan->parameters = json_object_new ();
  return plan;
}

static inline void
test_plan_free (JgScenarioPlan *plan)
{
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      g_free (plan->tasks[i].name);
      g_free (plan->tasks[i].steps);
    }
  g_free (plan->tasks);
  for (guint i = 0; i < plan->n_locks; i++)
    g_free (plan->locks[i].name);
  g_free (plan->locks);
  for (guint i = 0; i < plan->n_semaphores; i++)
    g_free (plan->semaphores[i].name);
  g_free (plan->semaphores);
  for (guint i = 0; i < plan->n_queues; i++)
    g_free (plan->queues[i].name);
  g_free (plan->queues);
  for (guint i = 0; i < plan->n_variables; i++)
    g_free (plan->variables[i].name);
  g_free (plan->variables);
  json_object_unref (plan->parameters);
  g_free (plan->id);
  g_free (plan->title);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgScenarioPlan, test_plan_free)

/* Returns the new task's index. */
static inline guint
test_plan_add_task (JgScenarioPlan *plan,
                    const char     *name)
{
  plan->tasks = g_renew (JgPlanTask, plan->tasks, plan->n_tasks + 1);
  memset (&plan->tasks[plan->n_tasks], 0, sizeof (JgPlanTask));
  plan->tasks[plan->n_tasks].name = g_strdup (name);
  return plan->n_tasks++;
}

static inline void
test_plan_add_step (JgScenarioPlan *plan,
                    guint           task,
                    JgStep          step)
{
  JgPlanTask *t = &plan->tasks[task];

  t->steps = g_renew (JgStep, t->steps, t->n_steps + 1);
  t->steps[t->n_steps++] = step;
}

static inline void
test_plan_cpu (JgScenarioPlan *plan,
               guint           task,
               double          ms,
               gboolean        releases_gil)
{
  JgStep step = { JG_STEP_CPU, ms, releases_gil, 0, 0, 0 };

  test_plan_add_step (plan, task, step);
}

static inline void
test_plan_io (JgScenarioPlan *plan,
              guint           task,
              JgIoKind        kind,
              double          ms)
{
  JgStep step = { JG_STEP_IO, ms, FALSE, kind, 0, 0 };

  test_plan_add_step (plan, task, step);
}

static inline void
test_plan_object_step (JgScenarioPlan *plan,
                       guint           task,
                       JgStepKind      kind,
                       guint           object,
                       gint64          value)
{
  JgStep step = { kind, 0, FALSE, 0, object, value };

  test_plan_add_step (plan, task, step);
}

static inline guint
test_plan_add_object (JgPlanObject **objects,
                      guint         *n,
                      const char    *name,
                      gint64         initial,
                      gint64         expected)
{
  *objects = g_renew (JgPlanObject, *objects, *n + 1);
  (*objects)[*n].name = g_strdup (name);
  (*objects)[*n].initial = initial;
  (*objects)[*n].expected = expected;
  return (*n)++;
}

/* Runs @plan to its end and returns the finished run. */
static inline JgRun *
test_run_plan (const JgScenarioPlan *plan,
               JgModel               model,
               guint                 workers,
               JgInterpreterMode     interpreter,
               double                switch_interval_ms)
{
  JgRunOptions options;
  g_autoptr (GError) error = NULL;
  JgRun *run;

  jg_run_options_init (&options);
  options.model = model;
  options.workers = workers;
  options.interpreter = interpreter;
  options.switch_interval_ms = switch_interval_ms;

  run = jg_run_new (plan, &options);
  g_assert_true (jg_run_start (run, &error));
  g_assert_no_error (error);
  jg_run_wait (run);
  g_assert_true (jg_run_is_finished (run));
  return run;
}

static inline void
test_run_metrics (JgRun     *run,
                  JgMetrics *metrics)
{
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgTrace *trace = jg_run_get_trace (run);

  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, G_MAXUINT64);
}

static inline double
test_run_wall_ms (JgRun *run)
{
  return jg_trace_get_duration_ns (jg_run_get_trace (run)) / 1e6;
}

/* The events of @trace of @kind (any task if @task is G_MAXUINT32), in trace order. */
static inline GArray *
test_trace_events (JgTrace *trace,
                   guint16  kind,
                   guint32  task)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (JgEvent));

  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *e = jg_trace_get_event (trace, i);

      if (e->kind == kind && (task == G_MAXUINT32 || e->task == task))
        g_array_append_val (out, *e);
    }
  return out;
}

static inline gboolean
test_task_ended (JgTrace     *trace,
                 guint32      task,
                 guint64     *end_ts,
                 JgEndStatus *status)
{
  g_autoptr (GArray) ends = test_trace_events (trace, JG_EVENT_TASK_END, task);

  if (ends->len != 1)
    return FALSE;
  if (end_ts != NULL)
    *end_ts = g_array_index (ends, JgEvent, 0).ts;
  if (status != NULL)
    *status = JG_END_ARG_STATUS (g_array_index (ends, JgEvent, 0).arg);
  return TRUE;
}
