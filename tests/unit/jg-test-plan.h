/* jg-test-plan.h: scenario plans built by hand for the GIL and run tests, and
 * the few helpers those tests share to run a plan and read its trace. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "jg-cpu.h"
#include "jg-metrics.h"
#include "jg-run.h"
#include "jg-scenario.h"
#include "jg-test-util.h"

#define MS(x) ((guint64) ((x) * 1e6))

/* Freed with jg_scenario_plan_free (g_autoptr (JgScenarioPlan)). */
static inline JgScenarioPlan *
test_plan_new (const char *id)
{
  JgScenarioPlan *plan = g_new0 (JgScenarioPlan, 1);

  plan->id = g_strdup (id);
  plan->title = g_strdup (id);
  plan->parameters = json_object_new ();
  return plan;
}

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

/* @n_tasks tasks "CPU 1", "CPU 2"…, each @ms of CPU work, holding the GIL
 * unless @releases_gil. */
static inline JgScenarioPlan *
test_plan_cpu_tasks (guint    n_tasks,
                     double   ms,
                     gboolean releases_gil)
{
  JgScenarioPlan *plan = test_plan_new ("cpu");

  for (guint i = 0; i < n_tasks; i++)
    {
      g_autofree char *name = g_strdup_printf ("CPU %u", i + 1);

      test_plan_cpu (plan, test_plan_add_task (plan, name), ms, releases_gil);
    }
  return plan;
}

/* The plan of the scenario file @json, with its parameters' defaults. */
static inline JgScenarioPlan *
test_plan_from_json (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = jg_scenario_load_data (json, -1, "test.json", &error);
  g_autoptr (JsonObject) values = json_object_new ();
  JgScenarioPlan *plan;

  g_assert_no_error (error);
  plan = jg_scenario_instantiate (scenario, values, &error);
  g_assert_no_error (error);
  return plan;
}

/* Starts @plan with @options; the run goes on. */
static inline JgRun *
test_start_run (const JgScenarioPlan *plan,
                const JgRunOptions   *options)
{
  g_autoptr (GError) error = NULL;
  JgRun *run = jg_run_new (plan, options);

  g_assert_true (jg_run_start (run, &error));
  g_assert_no_error (error);
  return run;
}

/* Waits for @run to end, and returns it. */
static inline JgRun *
test_wait_run (JgRun *run)
{
  jg_run_wait (run);
  g_assert_true (jg_run_is_finished (run));
  return run;
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

  jg_run_options_init (&options);
  options.model = model;
  options.workers = workers;
  options.interpreter = interpreter;
  options.switch_interval_ms = switch_interval_ms;

  return test_wait_run (test_start_run (plan, &options));
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

/* The task of @trace named @name; fails if there is none. */
static inline guint32
test_trace_task_named (JgTrace    *trace,
                       const char *name)
{
  for (guint32 t = 0; t < jg_trace_get_n_tasks (trace); t++)
    if (g_strcmp0 (jg_trace_get_task_name (trace, t), name) == 0)
      return t;
  g_error ("No task named “%s”", name);
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

/* The CPU calibration is cached under XDG_CACHE_HOME: point it at a directory
 * of our own before GLib reads it. (G_TEST_OPTION_ISOLATE_DIRS would do, but
 * GLib 2.74 leaks the strings it replaces, which LeakSanitizer reports.) */
static inline char *
test_isolate_cache (void)
{
  char *dir = g_dir_make_tmp ("juggler-test-XXXXXX", NULL);

  g_assert_nonnull (dir);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  return dir;
}

/* g_test_init (), the CPU calibration cache isolated first. Returns the cache
 * folder, for test_run_isolated (). */
static inline char *
test_init_isolated (int    *argc,
                    char ***argv)
{
  char *cache = test_isolate_cache ();

  g_test_init (argc, argv, NULL);
  return cache;
}

/* g_test_run (), then the cache folder @cache goes. */
static inline int
test_run_isolated (const char *cache)
{
  int status = g_test_run ();

  test_remove_tree (cache);
  return status;
}

static inline gpointer
test_spin_main (gpointer data)
{
  guint64 *iterations = data;

  return GSIZE_TO_POINTER (jg_cpu_spin (*iterations, 1) | 1);
}

/* How much faster two plain threads do two pieces of work than one thread does
 * both, right now: about 2 on an idle two-core machine, about 1 when something
 * else holds the other core. Lets a test tell "our threads did not run in
 * parallel" from "nothing could have". */
static inline double
test_machine_parallelism (void)
{
  guint64 iterations = (guint64) (jg_cpu_get_iterations_per_ms () * 30);
  gint64 start, one, two;
  GThread *a, *b;

  start = g_get_monotonic_time ();
  test_spin_main (&iterations);
  test_spin_main (&iterations);
  one = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  a = g_thread_new ("spin-a", test_spin_main, &iterations);
  b = g_thread_new ("spin-b", test_spin_main, &iterations);
  g_thread_join (a);
  g_thread_join (b);
  two = g_get_monotonic_time () - start;
  return (double) one / (double) MAX (two, 1);
}
