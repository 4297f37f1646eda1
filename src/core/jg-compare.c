/* jg-compare.c: one plan under several models, one run after another, and the
 * words that explain the figures (docs/compare.md).
 *
 * Everything but the metrics happens in the compare's main context: a run's
 * "finished" arrives there, its trace (finished, so read-only) goes to a GTask
 * thread for spans and metrics, and the next contender starts when they come
 * back. One run at a time, so no two runs fight for the cores. */
#define G_LOG_DOMAIN "jg-compare"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "jg-compare.h"

/* A model's figures count as "ran on several cores" from this parallelism,
 * and a share of the tasks' time counts as what they mostly did from these. */
#define PARALLEL_FROM     1.3
#define GIL_SHARE_FROM    0.25
#define WAIT_SHARE_FROM   0.5
#define QUEUED_SHARE_FROM 0.25
#define OVERLAP_SHARE_FROM 0.15
#define READY_SHARE_FROM  0.25
#define STARTUP_SHARE_FROM 0.15
/* Speedups under this read as "near 1×"; below SLOWER_UNDER as slower. */
#define NEAR_ONE_UNDER    1.25
#define SLOWER_UNDER      0.9
/* The sentence names at most this many losers. */
#define MAX_LOSERS        3

typedef struct
{
  const char       *id;
  const char       *name;  /* what people read: the id, translated */
  JgModel           model;
  JgInterpreterMode interpreter;
  JgHybridExecutor  executor;
  gboolean          by_default;
} ContenderKind;

static const ContenderKind contender_kinds[] = {
  /* TRANSLATORS: the models compared, as the compare window and juggler-cli compare name them */
  { "sequential", N_("sequential"), JG_MODEL_SEQUENTIAL, JG_INTERPRETER_GIL, JG_HYBRID_THREADS, TRUE },
  { "threads", N_("threads"), JG_MODEL_THREADS, JG_INTERPRETER_GIL, JG_HYBRID_THREADS, TRUE },
  { "free-threaded", N_("free-threaded"), JG_MODEL_THREADS, JG_INTERPRETER_FREE_THREADED, JG_HYBRID_THREADS, TRUE },
  { "processes", N_("processes"), JG_MODEL_PROCESSES, JG_INTERPRETER_GIL, JG_HYBRID_THREADS, TRUE },
  { "asyncio", N_("asyncio"), JG_MODEL_ASYNCIO, JG_INTERPRETER_GIL, JG_HYBRID_THREADS, TRUE },
  { "hybrid", N_("hybrid"), JG_MODEL_HYBRID, JG_INTERPRETER_GIL, JG_HYBRID_THREADS, TRUE },
  { "hybrid-processes", N_("hybrid-processes"), JG_MODEL_HYBRID, JG_INTERPRETER_GIL, JG_HYBRID_PROCESSES, FALSE },
  { "per-interpreter", N_("per-interpreter"), JG_MODEL_THREADS, JG_INTERPRETER_PER_INTERPRETER, JG_HYBRID_THREADS, FALSE },
};

static const char * const contender_ids[] = {
  "sequential", "threads", "free-threaded", "processes", "asyncio", "hybrid", "hybrid-processes",
  "per-interpreter", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (contender_ids) == G_N_ELEMENTS (contender_kinds) + 1);

/* Why a contender's wall time came out as it did, read off its figures. */
typedef enum
{
  WHY_ONE_AT_A_TIME,
  WHY_CORES,
  WHY_GIL,
  WHY_IO_OVERLAP,
  WHY_FEW_IN_FLIGHT,
  WHY_OVERLAP_THEN_GIL,
  WHY_OVERLAP_THEN_LOOP,
  WHY_LOOP,
  WHY_STARTUP,
  WHY_FIGURES,
} Why;

struct _JgCompare
{
  GObject           parent_instance;

  JgScenarioPlan   *plan;
  GStrv             models;       /* NULL: any */
  JsonNode         *definition;
  GPtrArray        *contenders;   /* JgContender */
  GMainContext     *context;
  gboolean          started;
  gulong            run_handler;  /* the running contender's "finished" */

  JgAdvisor        *advisor;
  const JgAdvisorRecommendation *recommendation;
  JgAdvisorFacts    facts;

  /* Guards what follows: jg_compare_stop may come from any thread. */
  GMutex            lock;
  GCond             cond;
  gboolean          stop_requested;
  gboolean          finished;
  int               current;

  /* Results, once finished. */
  int               winner;
  int               baseline;
  int               recommended;
  GArray           *ranking;      /* guint, fastest first */
  char             *sentence;
  gboolean          agrees;
  char             *note;
};

enum
{
  CONTENDER_STARTED,
  CONTENDER_FINISHED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JgCompare, jg_compare, G_TYPE_OBJECT)

static void advance (JgCompare *self);

static void
contender_free (JgContender *contender)
{
  g_free (contender->id);
  g_free (contender->label);
  g_free (contender->reason);
  g_clear_object (&contender->run);
  g_free (contender->metrics);
  g_free (contender);
}

static void
jg_compare_finalize (GObject *object)
{
  JgCompare *self = JG_COMPARE (object);

  g_clear_pointer (&self->plan, jg_scenario_plan_free);
  g_clear_pointer (&self->models, g_strfreev);
  g_clear_pointer (&self->definition, json_node_unref);
  g_clear_pointer (&self->contenders, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->advisor, jg_advisor_unref);
  g_clear_pointer (&self->ranking, g_array_unref);
  g_clear_pointer (&self->sentence, g_free);
  g_clear_pointer (&self->note, g_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (jg_compare_parent_class)->finalize (object);
}

static void
jg_compare_class_init (JgCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_compare_finalize;

  /**
   * JgCompare::contender-started:
   * @index: the contender
   *
   * Its run has started: its trace grows live from now on.
   */
  signals[CONTENDER_STARTED] = g_signal_new ("contender-started", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * JgCompare::contender-finished:
   * @index: the contender
   *
   * Its run has ended and its metrics are set, or it was skipped.
   */
  signals[CONTENDER_FINISHED] = g_signal_new ("contender-finished", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * JgCompare::finished:
   *
   * Every contender has run or been skipped; the ranking, the sentence and
   * the note are set.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_compare_init (JgCompare *self)
{
  self->contenders = g_ptr_array_new_with_free_func ((GDestroyNotify) contender_free);
  self->ranking = g_array_new (FALSE, FALSE, sizeof (guint));
  self->current = -1;
  self->winner = -1;
  self->baseline = -1;
  self->recommended = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

const char * const *
jg_compare_get_contender_ids (void)
{
  return contender_ids;
}

static JgCompare *
compare_new_take (JgScenarioPlan     *plan,
                  const char * const *models)
{
  JgCompare *self = g_object_new (JG_TYPE_COMPARE, NULL);

  self->plan = plan;
  self->models = models != NULL ? g_strdupv ((char **) models) : NULL;
  return self;
}

static JgPlanObject *
copy_objects (const JgPlanObject *objects,
              guint               n,
              guint              *n_copied)
{
  JgPlanObject *copy = g_new0 (JgPlanObject, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      copy[i] = objects[i];
      copy[i].name = g_strdup (objects[i].name);
    }
  *n_copied = n;
  return copy;
}

JgCompare *
jg_compare_new (const JgScenarioPlan *plan,
                const char * const   *models)
{
  JgScenarioPlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  /* The plan's layout is plain data: a run copies it the same way. */
  copy = g_new0 (JgScenarioPlan, 1);
  copy->id = g_strdup (plan->id);
  copy->title = g_strdup (plan->title);
  copy->parameters = plan->parameters != NULL ? json_object_ref (plan->parameters)
                                              : json_object_new ();
  copy->n_tasks = plan->n_tasks;
  copy->tasks = g_new0 (JgPlanTask, MAX (plan->n_tasks, 1));
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      copy->tasks[i].name = g_strdup (plan->tasks[i].name);
      copy->tasks[i].n_steps = plan->tasks[i].n_steps;
      copy->tasks[i].steps = g_memdup2 (plan->tasks[i].steps,
                                        sizeof (JgStep) * plan->tasks[i].n_steps);
    }
  copy->locks = copy_objects (plan->locks, plan->n_locks, &copy->n_locks);
  copy->semaphores = copy_objects (plan->semaphores, plan->n_semaphores, &copy->n_semaphores);
  copy->queues = copy_objects (plan->queues, plan->n_queues, &copy->n_queues);
  copy->variables = copy_objects (plan->variables, plan->n_variables, &copy->n_variables);

  return compare_new_take (copy, models);
}

JgCompare *
jg_compare_new_for_scenario (JgScenario  *scenario,
                             JsonObject  *values,
                             GError     **error)
{
  JgScenarioPlan *plan;
  JgCompare *self;
  JsonNode *definition;

  g_return_val_if_fail (scenario != NULL, NULL);

  plan = jg_scenario_instantiate (scenario, values, error);
  if (plan == NULL)
    return NULL;
  self = compare_new_take (plan, jg_scenario_get_models (scenario));
  definition = jg_scenario_get_definition (scenario);
  self->definition = definition != NULL ? json_node_ref (definition) : NULL;
  return self;
}

const char *
jg_compare_get_scenario_id (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  return self->plan->id;
}

const char *
jg_compare_get_title (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  return self->plan->title;
}

guint
jg_compare_get_n_tasks (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), 0);
  return self->plan->n_tasks;
}

static const ContenderKind *
find_kind (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (contender_kinds); i++)
    if (g_strcmp0 (contender_kinds[i].id, id) == 0)
      return &contender_kinds[i];
  return NULL;
}

static gboolean
model_allowed (JgCompare *self,
               JgModel    model)
{
  return self->models == NULL
         || g_strv_contains ((const char * const *) self->models, jg_model_name (model));
}

int
jg_compare_add_contender (JgCompare   *self,
                          const char  *id,
                          guint        workers,
                          GError     **error)
{
  const ContenderKind *kind;
  JgContender *contender;

  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  g_return_val_if_fail (!self->started, -1);

  kind = find_kind (id);
  if (kind == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) contender_ids);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown model “%s” (expected %s)"), id, known);
      return -1;
    }

  contender = g_new0 (JgContender, 1);
  contender->id = g_strdup (kind->id);
  jg_run_options_init (&contender->options);
  contender->options.model = kind->model;
  contender->options.interpreter = kind->interpreter;
  contender->options.hybrid_executor = kind->executor;
  contender->options.workers = kind->model == JG_MODEL_SEQUENTIAL ? 0 : workers;
  if (contender->options.workers > 0)
    /* TRANSLATORS: a model and its pool's size: "threads (10 workers)" */
    contender->label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u worker)",
                                                     "%s (%u workers)", contender->options.workers),
                                        _(kind->name), contender->options.workers);
  else
    contender->label = g_strdup (_(kind->name));

  if (!model_allowed (self, kind->model))
    {
      g_autofree char *listed = g_strjoinv (", ", self->models);

      contender->state = JG_CONTENDER_SKIPPED;
      /* TRANSLATORS: "the scenario is not meant for asyncio: it runs under threads,
       * sequential, processes" */
      contender->reason = g_strdup_printf (_("the scenario is not meant for %s: it runs under %s"),
                                           jg_model_name (kind->model), listed);
    }
  else
    {
      contender->run = jg_run_new (self->plan, &contender->options);
      if (self->definition != NULL)
        jg_run_set_definition (contender->run, self->definition);
    }
  g_ptr_array_add (self->contenders, contender);
  return (int) self->contenders->len - 1;
}

/* The contender id an advisor run spec stands for, or NULL. */
static const char *
spec_id (const JgAdvisorRunSpec *spec)
{
  JgModel model;
  JgInterpreterMode interpreter = JG_INTERPRETER_GIL;
  JgHybridExecutor executor = JG_HYBRID_THREADS;

  if (!jg_model_from_name (spec->model, &model))
    return NULL;
  if (spec->interpreter != NULL && !jg_interpreter_mode_from_name (spec->interpreter, &interpreter))
    return NULL;
  if (model == JG_MODEL_HYBRID && g_strcmp0 (spec->executor, "processes") == 0)
    executor = JG_HYBRID_PROCESSES;
  for (guint i = 0; i < G_N_ELEMENTS (contender_kinds); i++)
    if (contender_kinds[i].model == model && contender_kinds[i].interpreter == interpreter
        && (model != JG_MODEL_HYBRID || contender_kinds[i].executor == executor))
      return contender_kinds[i].id;
  return NULL;
}

int
jg_compare_add_run_spec (JgCompare               *self,
                         const JgAdvisorRunSpec  *spec,
                         guint                    workers,
                         GError                 **error)
{
  const char *id;

  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  g_return_val_if_fail (spec != NULL, -1);

  id = spec_id (spec);
  if (id == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No model runs “%s” on a “%s” interpreter"), spec->model,
                   spec->interpreter != NULL ? spec->interpreter : "gil");
      return -1;
    }
  return jg_compare_add_contender (self, id, workers > 0 ? workers : spec->workers, error);
}

void
jg_compare_add_default_contenders (JgCompare *self,
                                   guint      workers)
{
  g_return_if_fail (JG_IS_COMPARE (self));

  for (guint i = 0; i < G_N_ELEMENTS (contender_kinds); i++)
    if (contender_kinds[i].by_default)
      jg_compare_add_contender (self, contender_kinds[i].id, workers, NULL);
}

guint
jg_compare_get_n_contenders (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), 0);
  return self->contenders->len;
}

const JgContender *
jg_compare_get_contender (JgCompare *self,
                          guint      index)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  g_return_val_if_fail (index < self->contenders->len, NULL);
  return g_ptr_array_index (self->contenders, index);
}

static JgContender *
contender_at (JgCompare *self,
              guint      index)
{
  g_assert (index < self->contenders->len);
  return g_ptr_array_index (self->contenders, index);
}

/* For a winner, baseline or recommended contender: NULL for -1. */
static JgContender *
contender_or_null (JgCompare *self,
                   int        index)
{
  return index >= 0 ? contender_at (self, (guint) index) : NULL;
}

/* The advisor's facts. */

void
jg_compare_facts_from_plan (const JgScenarioPlan *plan,
                            const char * const   *models,
                            JgAdvisorFacts       *facts)
{
  double io_ms = 0, cpu_ms = 0, released_ms = 0;
  gboolean writes = FALSE;
  double io_share;

  g_return_if_fail (plan != NULL);
  g_return_if_fail (facts != NULL);

  memset (facts, 0, sizeof *facts);
  for (guint i = 0; i < plan->n_tasks; i++)
    for (guint j = 0; j < plan->tasks[i].n_steps; j++)
      {
        const JgStep *step = &plan->tasks[i].steps[j];

        if (step->kind == JG_STEP_IO || step->kind == JG_STEP_BLOCK)
          io_ms += step->ms;
        else if (step->kind == JG_STEP_CPU)
          {
            cpu_ms += step->ms;
            if (step->releases_gil)
              released_ms += step->ms;
          }
        else if (step->kind == JG_STEP_WRITE)
          writes = TRUE;
      }

  /* Mostly one or the other counts as that; both in earnest is the
   * advisor's "mixed": separate waiting and computing phases. */
  io_share = io_ms + cpu_ms > 0 ? io_ms / (io_ms + cpu_ms) : 1;
  if (io_share >= 0.75)
    facts->workload = JG_WORKLOAD_IO;
  else if (io_share <= 0.25)
    facts->workload = JG_WORKLOAD_CPU;
  else
    facts->workload = JG_WORKLOAD_MIXED;
  facts->n_tasks = MAX (plan->n_tasks, 1);
  facts->releases_gil = cpu_ms > 0 && released_ms >= cpu_ms / 2;
  facts->shared_state = writes || plan->n_locks > 0;
  facts->all_async = models == NULL || g_strv_contains (models, "asyncio");
  /* A plan says nothing of fire-and-forget work or of a data set's size. */
  facts->background = FALSE;
  facts->batch = FALSE;
}

void
jg_compare_set_recommendation (JgCompare                     *self,
                               JgAdvisor                     *advisor,
                               const JgAdvisorRecommendation *recommendation,
                               const JgAdvisorFacts          *facts)
{
  g_return_if_fail (JG_IS_COMPARE (self));
  g_return_if_fail (advisor != NULL);
  g_return_if_fail (recommendation != NULL);
  g_return_if_fail (facts != NULL);

  jg_advisor_ref (advisor);
  g_clear_pointer (&self->advisor, jg_advisor_unref);
  self->advisor = advisor;
  self->recommendation = recommendation;
  self->facts = *facts;
}

gboolean
jg_compare_recommend (JgCompare  *self,
                      JgAdvisor  *advisor,
                      GError    **error)
{
  const JgAdvisorRecommendation *recommendation;
  JgAdvisorFacts facts;

  g_return_val_if_fail (JG_IS_COMPARE (self), FALSE);
  g_return_val_if_fail (advisor != NULL, FALSE);

  jg_compare_facts_from_plan (self->plan, (const char * const *) self->models, &facts);
  recommendation = jg_advisor_recommend (advisor, &facts, error);
  if (recommendation == NULL)
    return FALSE;
  jg_compare_set_recommendation (self, advisor, recommendation, &facts);
  return TRUE;
}

const JgAdvisorRecommendation *
jg_compare_get_recommendation (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  return self->recommendation;
}

/* The first contender running what the recommendation names (its pool size
 * aside), or -1. */
static int
find_recommended (JgCompare *self)
{
  const char *id;

  if (self->recommendation == NULL)
    return -1;
  id = spec_id (&self->recommendation->run);
  for (guint i = 0; id != NULL && i < self->contenders->len; i++)
    if (g_str_equal (contender_at (self, i)->id, id))
      return (int) i;
  return -1;
}

int
jg_compare_get_recommended (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  return find_recommended (self);
}

int
jg_compare_add_recommended (JgCompare *self,
                            guint      workers)
{
  int index;

  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  g_return_val_if_fail (!self->started, -1);

  index = find_recommended (self);
  if (index >= 0 || self->recommendation == NULL)
    return index;
  return jg_compare_add_run_spec (self, &self->recommendation->run, workers, NULL);
}

/* Running the contenders. */

static gboolean
stop_was_requested (JgCompare *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->stop_requested;
  g_mutex_unlock (&self->lock);
  return stop;
}

static void
set_current (JgCompare *self,
             int        index)
{
  g_mutex_lock (&self->lock);
  self->current = index;
  g_mutex_unlock (&self->lock);
}

static void
compute_metrics (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  JgTrace *trace = data;
  g_autoptr (JgSpans) spans = jg_spans_new ();
  JgMetrics *metrics = g_new0 (JgMetrics, 1);

  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, G_MAXUINT64);
  g_task_return_pointer (task, metrics, g_free);
}

static void
on_metrics (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  JgCompare *self = JG_COMPARE (source);
  JgContender *contender = contender_at (self, (guint) self->current);
  guint index = (guint) self->current;

  contender->metrics = g_task_propagate_pointer (G_TASK (result), NULL);
  contender->state = JG_CONTENDER_DONE;
  set_current (self, -1);
  g_signal_emit (self, signals[CONTENDER_FINISHED], 0, index);
  advance (self);
}

static void
on_run_finished (JgRun     *run,
                 JgCompare *self)
{
  JgContender *contender = contender_at (self, (guint) self->current);
  g_autoptr (GTask) task = NULL;

  g_clear_signal_handler (&self->run_handler, run);
  contender->status = jg_run_get_status (run);

  /* The callback comes back to the compare's context. */
  g_main_context_push_thread_default (self->context);
  task = g_task_new (self, NULL, on_metrics, NULL);
  g_main_context_pop_thread_default (self->context);
  g_task_set_source_tag (task, on_run_finished);
  g_task_set_task_data (task, g_object_ref (jg_run_get_trace (run)), g_object_unref);
  g_task_run_in_thread (task, compute_metrics);
}

static void finish (JgCompare *self);

static void
skip (JgCompare  *self,
      guint       index,
      const char *reason)
{
  JgContender *contender = contender_at (self, index);

  contender->state = JG_CONTENDER_SKIPPED;
  g_free (contender->reason);
  contender->reason = g_strdup (reason);
  g_signal_emit (self, signals[CONTENDER_FINISHED], 0, index);
}

/* Starts the next contender that can run, or finishes. */
static void
advance (JgCompare *self)
{
  for (guint i = 0; i < self->contenders->len; i++)
    {
      JgContender *contender = contender_at (self, i);
      g_autoptr (GError) error = NULL;
      gboolean started;

      if (contender->state != JG_CONTENDER_PENDING)
        continue;
      if (stop_was_requested (self))
        {
          skip (self, i, _("the comparison was stopped first"));
          continue;
        }

      /* The run's "finished" comes to the compare's context too. */
      g_main_context_push_thread_default (self->context);
      started = jg_run_start (contender->run, &error);
      g_main_context_pop_thread_default (self->context);
      if (!started)
        {
          skip (self, i, error->message);
          continue;
        }

      contender->state = JG_CONTENDER_RUNNING;
      set_current (self, (int) i);
      self->run_handler = g_signal_connect (contender->run, "finished",
                                            G_CALLBACK (on_run_finished), self);
      /* A stop that came while it was starting. */
      if (stop_was_requested (self))
        jg_run_stop (contender->run);
      g_signal_emit (self, signals[CONTENDER_STARTED], 0, i);
      return;
    }
  finish (self);
}

static gboolean
advance_idle (gpointer data)
{
  advance (data);
  return G_SOURCE_REMOVE;
}

gboolean
jg_compare_start (JgCompare  *self,
                  GError    **error)
{
  g_autoptr (GSource) source = NULL;

  g_return_val_if_fail (JG_IS_COMPARE (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (self->contenders->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No model to compare"));
      return FALSE;
    }

  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();
  /* Alive until it has finished, like a run. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, advance_idle, g_object_ref (self), NULL);
  g_source_set_static_name (source, "[juggler] compare");
  g_source_attach (source, self->context);
  return TRUE;
}

void
jg_compare_stop (JgCompare *self)
{
  g_return_if_fail (JG_IS_COMPARE (self));

  g_mutex_lock (&self->lock);
  self->stop_requested = TRUE;
  if (self->current >= 0)
    jg_run_stop (contender_at (self, (guint) self->current)->run);
  g_mutex_unlock (&self->lock);
}

void
jg_compare_wait (JgCompare *self)
{
  g_return_if_fail (JG_IS_COMPARE (self));

  if (!self->started)
    return;
  if (g_main_context_acquire (self->context))
    {
      while (!jg_compare_is_finished (self))
        g_main_context_iteration (self->context, TRUE);
      g_main_context_release (self->context);
    }
  else
    {
      g_mutex_lock (&self->lock);
      while (!self->finished)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
    }
}

gboolean
jg_compare_is_finished (JgCompare *self)
{
  gboolean finished;

  g_return_val_if_fail (JG_IS_COMPARE (self), FALSE);
  g_mutex_lock (&self->lock);
  finished = self->finished;
  g_mutex_unlock (&self->lock);
  return finished;
}

gboolean
jg_compare_is_stopped (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), FALSE);
  return stop_was_requested (self);
}

int
jg_compare_get_current (JgCompare *self)
{
  int current;

  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  g_mutex_lock (&self->lock);
  current = self->current;
  g_mutex_unlock (&self->lock);
  return current;
}

double
jg_compare_get_progress (JgCompare *self)
{
  guint done = 0;

  g_return_val_if_fail (JG_IS_COMPARE (self), 0);
  if (self->contenders->len == 0)
    return 1;
  for (guint i = 0; i < self->contenders->len; i++)
    {
      JgContenderState state = contender_at (self, i)->state;

      if (state == JG_CONTENDER_DONE || (state == JG_CONTENDER_SKIPPED && self->started))
        done++;
    }
  return (double) done / self->contenders->len;
}

/* The figures, read. */

static double
wall_s (const JgContender *contender)
{
  return contender->metrics->wall_ns / 1e9;
}

static double
state_share (const JgMetrics *metrics,
             JgTaskState      state)
{
  guint64 total = 0;

  for (guint i = 0; i < JG_N_STATES; i++)
    if (i != JG_STATE_DONE)
      total += metrics->state_ns[i];
  return total > 0 ? (double) metrics->state_ns[state] / total : 0;
}

/* The processes model's mean worker start-up, in seconds; 0 for the others. */
static double
startup_s (const JgContender *contender)
{
  JsonObject *results = jg_trace_get_results (jg_run_get_trace (contender->run));
  JsonObject *processes;
  JsonArray *workers;
  double sum = 0;
  guint n;

  if (results == NULL || !json_object_has_member (results, "processes"))
    return 0;
  processes = json_object_get_object_member (results, "processes");
  workers = processes != NULL ? json_object_get_array_member (processes, "workers") : NULL;
  n = workers != NULL ? json_array_get_length (workers) : 0;
  for (guint i = 0; i < n; i++)
    sum += json_object_get_double_member_with_default (json_array_get_object_element (workers, i),
                                                       "startup_s", 0);
  return n > 0 ? sum / n : 0;
}

static guint
ran_workers (const JgContender *contender)
{
  return jg_trace_get_run_info (jg_run_get_trace (contender->run))->workers;
}

static Why
classify (const JgContender *contender,
          const JgContender *reference)
{
  const JgMetrics *m = contender->metrics;
  JgModel model = contender->options.model;
  double waiting = state_share (m, JG_STATE_IO_WAIT) + state_share (m, JG_STATE_AWAITING);
  double gil = state_share (m, JG_STATE_GIL_WAIT);
  double ready = state_share (m, JG_STATE_READY);

  if (model == JG_MODEL_SEQUENTIAL)
    return WHY_ONE_AT_A_TIME;
  if (m->parallelism >= PARALLEL_FROM)
    return WHY_CORES;
  if (model == JG_MODEL_PROCESSES
      && startup_s (contender) >= STARTUP_SHARE_FROM * wall_s (contender))
    return WHY_STARTUP;
  /* Waits that overlapped, then computing that queued for the one runner. */
  if (gil + ready >= QUEUED_SHARE_FROM && waiting >= OVERLAP_SHARE_FROM && m->concurrency >= 1.5)
    return gil >= ready ? WHY_OVERLAP_THEN_GIL : WHY_OVERLAP_THEN_LOOP;
  if (waiting >= WAIT_SHARE_FROM)
    {
      /* Fewer workers than tasks cap how many waits overlap. */
      gboolean capped = ran_workers (contender) < m->tasks;

      if (capped && reference != NULL && reference != contender
          && reference->metrics->concurrency >= 1.5
          && m->concurrency < 0.6 * reference->metrics->concurrency)
        return WHY_FEW_IN_FLIGHT;
      if (m->concurrency >= 1.5)
        return WHY_IO_OVERLAP;
      return capped ? WHY_FEW_IN_FLIGHT : WHY_FIGURES;
    }
  if (gil >= GIL_SHARE_FROM)
    return WHY_GIL;
  if ((model == JG_MODEL_ASYNCIO || model == JG_MODEL_HYBRID) && ready >= READY_SHARE_FROM)
    return WHY_LOOP;
  return WHY_FIGURES;
}

/* Whether @why is something that makes a model faster (rather than what held
 * it back). */
static gboolean
why_gains (Why why)
{
  return why == WHY_CORES || why == WHY_IO_OVERLAP || why == WHY_OVERLAP_THEN_GIL
         || why == WHY_OVERLAP_THEN_LOOP || why == WHY_FIGURES;
}

/* Decimals for a wall time in seconds: short runs need three to differ. */
static int
decimals (double seconds)
{
  return seconds < 0.1 ? 3 : 2;
}

/* "20" or "9.8": a mean number of tasks. */
static char *
format_count (double value)
{
  return g_strdup_printf (value >= 10 ? "%.0f" : "%.1f", value);
}

static char *
explain_figures (const JgContender *contender,
                 Why                why)
{
  const JgMetrics *m = contender->metrics;
  g_autofree char *concurrency = format_count (m->concurrency);

  switch (why)
    {
    case WHY_ONE_AT_A_TIME:
      /* TRANSLATORS: why the sequential run took as long as it did */
      return g_strdup_printf (_("it ran one task at a time (concurrency %s)"), concurrency);
    case WHY_CORES:
      /* TRANSLATORS: "2 cores ran at once (parallelism 1.90)" */
      return g_strdup_printf (_("%u cores ran at once (parallelism %.2f)"),
                              MAX (m->max_parallelism, 2), m->parallelism);
    case WHY_GIL:
      return g_strdup_printf (_("the GIL let one thread run at a time (parallelism %.2f)"),
                              m->parallelism);
    case WHY_IO_OVERLAP:
      return g_strdup_printf (_("while tasks wait for I/O nobody needs the CPU "
                                "(concurrency %s, parallelism %.2f)"),
                              concurrency, m->parallelism);
    case WHY_FEW_IN_FLIGHT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "its %u worker waited for one task at a time "
                                           "(concurrency %s)",
                                           "its %u workers each waited for one task at a time "
                                           "(concurrency %s)",
                                           ran_workers (contender)),
                              ran_workers (contender), concurrency);
    case WHY_OVERLAP_THEN_GIL:
      return g_strdup_printf (_("the waits overlapped (concurrency %s), but the GIL let one "
                                "thread compute at a time (parallelism %.2f)"),
                              concurrency, m->parallelism);
    case WHY_OVERLAP_THEN_LOOP:
      return g_strdup_printf (_("the waits overlapped (concurrency %s), but one event loop "
                                "computed for one task at a time (parallelism %.2f)"),
                              concurrency, m->parallelism);
    case WHY_LOOP:
      return g_strdup_printf (_("one event loop computes for one task at a time while the others "
                                "wait their turn (parallelism %.2f)"), m->parallelism);
    case WHY_STARTUP:
      return g_strdup_printf (_("starting each worker process took %.0f ms of its %.0f ms"),
                              startup_s (contender) * 1e3, wall_s (contender) * 1e3);
    case WHY_FIGURES:
    default:
      if (m->concurrency >= 1.25)
        return g_strdup_printf (_("its tasks overlapped (concurrency %s, parallelism %.2f)"),
                                concurrency, m->parallelism);
      return g_strdup_printf (_("its tasks hardly overlapped (concurrency %s, parallelism %.2f)"),
                              concurrency, m->parallelism);
    }
}

/* Free-threaded Python pays for its parallelism on every step it computes:
 * worth saying where computing mattered. */
static gboolean
notes_free_threading (const JgContender *contender,
                      Why                why)
{
  return contender->options.interpreter == JG_INTERPRETER_FREE_THREADED
         && contender->metrics->cpu_ns >= 0.1 * contender->metrics->wall_ns
         && why != WHY_IO_OVERLAP && why != WHY_FEW_IN_FLIGHT;
}

static char *
explain (const JgContender *contender,
         Why                why)
{
  char *text = explain_figures (contender, why);
  char *longer;

  if (!notes_free_threading (contender, why))
    return text;
  /* TRANSLATORS: appended to why a free-threaded run took as long as it did */
  longer = g_strdup_printf (_("%s, though without the GIL each step computes about %.0f%% slower"),
                            text, (JG_FREE_THREADED_OVERHEAD - 1) * 100);
  g_free (text);
  return longer;
}

/* "a", "a and b", "a, b and c". */
static char *
join_labels (JgCompare *self,
             GArray    *indices)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < indices->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == indices->len ? _(" and ") : ", ");
      g_string_append (text, contender_at (self, g_array_index (indices, guint, i))->label);
    }
  return g_string_free (text, FALSE);
}

static int
compare_walls (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  JgCompare *self = data;
  guint64 wa = contender_at (self, *(const guint *) a)->metrics->wall_ns;
  guint64 wb = contender_at (self, *(const guint *) b)->metrics->wall_ns;

  return wa < wb ? -1 : wa > wb;
}

static void
rank (JgCompare *self)
{
  JgContender *winner;
  int slowest = -1;
  double baseline_s;

  for (guint i = 0; i < self->contenders->len; i++)
    {
      JgContender *contender = contender_at (self, i);
      guint index = i;

      /* Only a run that did all its work can win. */
      if (contender->state == JG_CONTENDER_DONE && contender->status == JG_RUN_COMPLETED
          && contender->metrics->wall_ns > 0)
        g_array_append_val (self->ranking, index);
    }
  g_array_sort_with_data (self->ranking, compare_walls, self);
  if (self->ranking->len == 0)
    return;

  self->winner = g_array_index (self->ranking, guint, 0);
  winner = contender_at (self, (guint) self->winner);
  slowest = g_array_index (self->ranking, guint, self->ranking->len - 1);
  for (guint i = 0; i < self->ranking->len; i++)
    {
      JgContender *contender = contender_at (self, g_array_index (self->ranking, guint, i));

      contender->rank = i + 1;
      contender->tied = wall_s (contender) <= JG_COMPARE_TIE_RATIO * wall_s (winner);
      if (self->baseline < 0 && contender->options.model == JG_MODEL_SEQUENTIAL)
        self->baseline = g_array_index (self->ranking, guint, i);
    }
  if (self->baseline < 0)
    self->baseline = slowest;
  baseline_s = wall_s (contender_at (self, (guint) self->baseline));
  for (guint i = 0; i < self->ranking->len; i++)
    {
      JgContender *contender = contender_at (self, g_array_index (self->ranking, guint, i));

      contender->speedup = baseline_s / wall_s (contender);
    }
}

/* "asyncio and threads tie (0.21–0.22 s)": the tie group's opening. */
static void
append_tie (JgCompare *self,
            GString   *text,
            GArray    *tied)
{
  g_autofree char *names = join_labels (self, tied);
  double low = wall_s (contender_at (self, g_array_index (tied, guint, 0)));
  double high = wall_s (contender_at (self, g_array_index (tied, guint, tied->len - 1)));
  g_autofree char *first = g_strdup_printf ("%.*f", decimals (high), low);
  g_autofree char *last = g_strdup_printf ("%.*f", decimals (high), high);

  if (g_str_equal (first, last))
    /* TRANSLATORS: "asyncio and threads tie (0.21 s each)" */
    g_string_append_printf (text, _("%s tie (%s s each)"), names, first);
  else
    /* TRANSLATORS: "asyncio and threads tie (0.21–0.22 s)" */
    g_string_append_printf (text, _("%s tie (%s–%s s)"), names, first, last);
}

/* Why the members of a tie did as well as they did: one explanation per kind
 * of reason, with the figures of the fastest member that has it. */
static void
append_tie_reasons (JgCompare   *self,
                    GString     *text,
                    GArray      *tied,
                    JgContender *winner)
{
  g_autoptr (GArray) whys = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint i = 0; i < tied->len; i++)
    {
      guint index = g_array_index (tied, guint, i);
      JgContender *contender = contender_at (self, index);
      Why why = classify (contender, winner);
      /* A free-threaded member's explanation may carry its cost: a group of its own. */
      int key = (int) why * 2 + notes_free_threading (contender, why);
      guint group = 0;

      while (group < whys->len && g_array_index (whys, int, group) != key)
        group++;
      if (group == whys->len)
        {
          g_array_append_val (whys, key);
          g_ptr_array_add (groups, g_array_new (FALSE, FALSE, sizeof (guint)));
        }
      g_array_append_val (g_ptr_array_index (groups, group), index);
    }

  for (guint group = 0; group < groups->len; group++)
    {
      GArray *members = g_ptr_array_index (groups, group);
      JgContender *first = contender_at (self, g_array_index (members, guint, 0));
      g_autofree char *explained = explain (first, (Why) (g_array_index (whys, int, group) / 2));
      g_autofree char *names = NULL;

      if (groups->len == 1)
        {
          g_string_append (text, explained);
          break;
        }
      names = join_labels (self, members);
      g_string_append_printf (text, "%s%s — %s", group > 0 ? "; " : "", names, explained);
    }
}

static void
append_loser (JgCompare   *self,
              GString     *text,
              JgContender *loser,
              gboolean     baseline_won)
{
  JgContender *winner = contender_or_null (self, self->winner);
  JgContender *baseline = contender_or_null (self, self->baseline);
  g_autofree char *why = explain (loser, classify (loser, winner));

  g_string_append (text, "; ");
  if (baseline_won)
    /* TRANSLATORS: "processes took 2.3× as long — starting each worker process took …" */
    g_string_append_printf (text, _("%s took %.1f× as long — %s"), loser->label,
                            wall_s (loser) / wall_s (winner), why);
  else if (loser->speedup < SLOWER_UNDER)
    /* TRANSLATORS: "processes was slower than sequential (0.60×) — …" */
    g_string_append_printf (text, _("%s was slower than %s (%.2f×) — %s"), loser->label,
                            baseline->label, loser->speedup, why);
  else if (loser->speedup < NEAR_ONE_UNDER)
    /* TRANSLATORS: "threads stayed near 1× — the GIL let one thread run at a time (…)" */
    g_string_append_printf (text, _("%s stayed near 1× — %s"), loser->label, why);
  else
    /* TRANSLATORS: "processes reached 3.1× — its 2 workers each waited for one task at a time …" */
    g_string_append_printf (text, _("%s reached %.1f× — %s"), loser->label, loser->speedup, why);
}

static char *
build_sentence (JgCompare *self)
{
  GString *text = g_string_new (NULL);
  g_autoptr (GArray) tied = g_array_new (FALSE, FALSE, sizeof (guint));
  JgContender *winner, *baseline;
  gboolean baseline_tied;
  guint n_losers = 0;

  if (self->ranking->len == 0)
    {
      g_string_append (text, stop_was_requested (self)
                             ? _("The comparison was stopped before any model ran to its end.")
                             : _("No model ran to its end, so none won."));
      return g_string_free (text, FALSE);
    }

  winner = contender_or_null (self, self->winner);
  baseline = contender_or_null (self, self->baseline);
  for (guint i = 0; i < self->ranking->len; i++)
    {
      guint index = g_array_index (self->ranking, guint, i);

      if (contender_at (self, index)->tied)
        g_array_append_val (tied, index);
    }
  /* "None ran faster than one at a time" needs the sequential run to say it. */
  baseline_tied = baseline->tied && baseline->options.model == JG_MODEL_SEQUENTIAL;

  if (stop_was_requested (self))
    g_string_append (text, _("Stopped early. "));

  if (self->ranking->len == 1)
    {
      g_autofree char *why = explain (winner, classify (winner, NULL));

      /* TRANSLATORS: "threads was the only model to run to its end (0.42 s): …" */
      g_string_append_printf (text, _("%s was the only model to run to its end (%.*f s): %s"),
                              winner->label, decimals (wall_s (winner)), wall_s (winner), why);
    }
  else if (tied->len == 1 && winner != baseline)
    {
      Why reason = classify (winner, NULL);
      g_autofree char *why = explain (winner, reason);

      if (why_gains (reason))
        /* TRANSLATORS: "processes won: 1.9× faster than sequential, because 2 cores ran at
         * once (parallelism 1.90)" */
        g_string_append_printf (text, _("%s won: %.1f× faster than %s, because %s"),
                                winner->label, winner->speedup, baseline->label, why);
      else
        /* A winner held back all the same: its rivals did worse, or the
         * machine was busier while they ran. */
        /* TRANSLATORS: "threads won: 1.2× faster than sequential, though the GIL let one
         * thread run at a time (…)" */
        g_string_append_printf (text, _("%s won: %.1f× faster than %s, though %s"),
                                winner->label, winner->speedup, baseline->label, why);
    }
  else if (tied->len == 1)
    {
      /* TRANSLATORS: "sequential won: nothing ran faster than one task at a time" */
      g_string_append_printf (text, _("%s won: nothing ran faster than one task at a time"),
                              winner->label);
    }
  else if (!baseline_tied)
    {
      double low = G_MAXDOUBLE, high = 0;
      g_autofree char *range = NULL;

      for (guint i = 0; i < tied->len; i++)
        {
          JgContender *contender = contender_at (self, g_array_index (tied, guint, i));

          low = MIN (low, contender->speedup);
          high = MAX (high, contender->speedup);
        }
      range = fabs (high - low) >= 0.05 ? g_strdup_printf ("%.1f–%.1f", low, high)
                                        : g_strdup_printf ("%.1f", high);
      append_tie (self, text, tied);
      if (!baseline->tied)
        /* TRANSLATORS: ", 9.1–9.6× faster than sequential" */
        g_string_append_printf (text, _(", %s× faster than %s"), range, baseline->label);
      g_string_append (text, ": ");
      append_tie_reasons (self, text, tied, winner);
    }
  else
    {
      append_tie (self, text, tied);
      /* TRANSLATORS: "sequential and threads tie (…): none ran faster than sequential" */
      g_string_append_printf (text, _(": none ran faster than %s"), baseline->label);
      for (guint i = 0; i < tied->len; i++)
        {
          JgContender *contender = contender_at (self, g_array_index (tied, guint, i));
          g_autofree char *explained = NULL;

          if (contender == baseline)
            continue;
          explained = explain (contender, classify (contender, winner));
          /* TRANSLATORS: "; threads gained nothing — the GIL let one thread run at a time (…)" */
          g_string_append_printf (text, _("; %s gained nothing — %s"), contender->label, explained);
        }
    }

  for (guint i = 0; i < self->ranking->len && n_losers < MAX_LOSERS; i++)
    {
      JgContender *contender = contender_at (self, g_array_index (self->ranking, guint, i));

      /* The baseline needs no clause: "faster than sequential" said it. */
      if (contender->tied || (contender == baseline && winner != baseline))
        continue;
      append_loser (self, text, contender, winner == baseline || baseline_tied);
      n_losers++;
    }

  for (guint i = 0; i < self->contenders->len; i++)
    {
      JgContender *contender = contender_at (self, i);

      if (contender->state == JG_CONTENDER_DONE && contender->status != JG_RUN_COMPLETED)
        /* TRANSLATORS: "; free-threaded did not finish (deadlocked)" */
        g_string_append_printf (text, _("; %s did not finish (%s)"), contender->label,
                                jg_run_status_name (contender->status));
    }
  g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}

/* "I/O-bound work with 10 tasks". */
static char *
describe_job (const JgAdvisorFacts *facts)
{
  switch (facts->workload)
    {
    case JG_WORKLOAD_IO:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "I/O-bound work with %u task",
                                           "I/O-bound work with %u tasks", facts->n_tasks),
                              facts->n_tasks);
    case JG_WORKLOAD_CPU:
      if (facts->releases_gil)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "CPU-bound work that releases the GIL, %u task",
                                             "CPU-bound work that releases the GIL, %u tasks",
                                             facts->n_tasks),
                                facts->n_tasks);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "CPU-bound work with %u task",
                                           "CPU-bound work with %u tasks", facts->n_tasks),
                              facts->n_tasks);
    case JG_WORKLOAD_MIXED:
    case JG_N_WORKLOADS:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u task that waits for data, then computes on it",
                                           "%u tasks that wait for data, then compute on it",
                                           facts->n_tasks),
                              facts->n_tasks);
    }
}

/* What this one run cannot show, for the pairs where it matters most; "" for
 * the others. */
static const char *
context_for (JgCompare         *self,
             const JgContender *recommended,
             const JgContender *winner)
{
  JgModel r = recommended->options.model, w = winner->options.model;

  if ((r == JG_MODEL_ASYNCIO || r == JG_MODEL_HYBRID) && w == JG_MODEL_THREADS
      && self->facts.workload == JG_WORKLOAD_IO)
    return self->facts.n_tasks < 100
           ? _(" The event loop's edge — a waiting coroutine costs almost nothing, a thread "
               "costs memory and a switch — shows with hundreds or thousands of tasks; with "
               "this few, threads cost little.")
           : _(" Threads kept up on this machine; the advisor also counts what so many threads "
               "cost in memory and switches, and how many a process may start.");
  if (r == JG_MODEL_PROCESSES && w == JG_MODEL_THREADS
      && winner->metrics->parallelism >= PARALLEL_FROM)
    return _(" Here threads ran in parallel inside one process, with nothing to start and "
             "nothing to pickle.");
  if (r == JG_MODEL_PROCESSES && winner->metrics->parallelism < PARALLEL_FROM)
    return _(" Worker processes pay to start and to pickle what they send; with this little "
             "work per task that cost is not earned back.");
  return "";
}

static void
build_note (JgCompare *self)
{
  const JgAdvisorRecommendation *rec = self->recommendation;
  JgContender *recommended, *winner = contender_or_null (self, self->winner);
  g_autofree char *job = NULL;
  g_autofree char *what = NULL;
  const char *id;

  if (rec == NULL)
    return;

  job = describe_job (&self->facts);
  id = spec_id (&rec->run);
  /* TRANSLATORS: the recommendation and the model Juggler runs for it: "Use asyncio (asyncio)" */
  if (id == NULL)
    id = rec->run.model;
  what = g_str_equal (rec->title, id) ? g_strdup (id)
                                       : g_strdup_printf (_("%s (%s)"), rec->title, id);
  self->recommended = find_recommended (self);
  recommended = contender_or_null (self, self->recommended);
  self->agrees = FALSE;

  if (recommended == NULL)
    {
      /* TRANSLATORS: "The advisor recommends asyncio for I/O-bound work with 10 tasks, …" */
      self->note = g_strdup_printf (_("The advisor recommends %s for %s, which this comparison "
                                      "did not run."), what, job);
      return;
    }
  if (recommended->rank == 0)
    {
      const char *why = recommended->state == JG_CONTENDER_SKIPPED
                        ? recommended->reason : jg_run_status_name (recommended->status);

      /* TRANSLATORS: "…; it did not run to its end here: the scenario is not meant for asyncio…" */
      self->note = g_strdup_printf (_("The advisor recommends %s for %s; it did not run to its "
                                      "end here: %s."), what, job, why);
      return;
    }
  if (recommended == winner)
    {
      self->agrees = TRUE;
      self->note = g_strdup_printf (_("The advisor recommends %s for %s, and it won here too."),
                                    what, job);
      return;
    }
  if (recommended->tied)
    {
      int digits = decimals (wall_s (recommended));

      self->agrees = TRUE;
      /* TRANSLATORS: "…; here threads was as fast (0.21 s against 0.22 s)." + why */
      self->note = g_strdup_printf (_("The advisor recommends %s for %s; here %s was as fast "
                                      "(%.*f s against %.*f s).%s"),
                                    what, job, winner->label, digits, wall_s (winner),
                                    digits, wall_s (recommended),
                                    context_for (self, recommended, winner));
      return;
    }
  {
    g_autofree char *why = explain (recommended, classify (recommended, winner));
    const char *context = context_for (self, recommended, winner);
    int digits = decimals (wall_s (recommended));

    if (*context == '\0')
      context = _(" The advisor weighs more than one run's speed: how the choice holds up with "
                  "more tasks, what it costs in memory, and its pitfalls.");
    /* TRANSLATORS: "…, but here threads was 1.8× faster (0.21 s against 0.38 s): its 2
     * workers …." and more */
    self->note = g_strdup_printf (_("The advisor recommends %s for %s, but here %s was %.1f× "
                                    "faster (%.*f s against %.*f s): %s.%s"),
                                  what, job, winner->label, wall_s (recommended) / wall_s (winner),
                                  digits, wall_s (winner), digits, wall_s (recommended), why,
                                  context);
  }
}

static void
finish (JgCompare *self)
{
  rank (self);
  self->sentence = build_sentence (self);
  build_note (self);

  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  g_signal_emit (self, signals[FINISHED], 0);
  /* The reference jg_compare_start took. */
  g_object_unref (self);
}

int
jg_compare_get_winner (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  return self->winner;
}

int
jg_compare_get_baseline (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  return self->baseline;
}

guint
jg_compare_get_n_ranked (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), 0);
  return self->ranking->len;
}

int
jg_compare_get_ranked (JgCompare *self,
                       guint      rank_index)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), -1);
  g_return_val_if_fail (rank_index < self->ranking->len, -1);
  return g_array_index (self->ranking, guint, rank_index);
}

const char *
jg_compare_get_sentence (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  return self->sentence;
}

gboolean
jg_compare_get_agrees (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), FALSE);
  return self->agrees;
}

const char *
jg_compare_get_note (JgCompare *self)
{
  g_return_val_if_fail (JG_IS_COMPARE (self), NULL);
  return self->note;
}

/* JSON. */

static void
set_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
set_double_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value,
                    gboolean     known)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static const char * const state_names[] = {
  [JG_CONTENDER_PENDING] = "pending",
  [JG_CONTENDER_RUNNING] = "running",
  [JG_CONTENDER_DONE] = "done",
  [JG_CONTENDER_SKIPPED] = "skipped",
};
G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == JG_CONTENDER_N_STATES);

static void
add_contender (JgCompare   *self,
               JsonBuilder *builder,
               JgContender *contender)
{
  gboolean measured = contender->metrics != NULL;
  const char *executor = NULL;

  json_builder_begin_object (builder);
  set_string (builder, "id", contender->id);
  set_string (builder, "label", contender->label);
  set_string (builder, "model", jg_model_name (contender->options.model));
  set_string (builder, "interpreter", jg_interpreter_mode_name (contender->options.interpreter));
  if (contender->options.model == JG_MODEL_HYBRID)
    executor = contender->options.hybrid_executor == JG_HYBRID_PROCESSES ? "processes" : "threads";
  set_string (builder, "executor", executor);
  json_builder_set_member_name (builder, "workers");
  json_builder_add_int_value (builder, measured ? ran_workers (contender)
                                                : contender->options.workers);
  set_string (builder, "state", state_names[contender->state]);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_boolean_value (builder, contender->state == JG_CONTENDER_SKIPPED);
  set_string (builder, "reason", contender->reason);
  set_string (builder, "status", contender->state == JG_CONTENDER_DONE
                                 ? jg_run_status_name (contender->status) : NULL);
  json_builder_set_member_name (builder, "rank");
  if (contender->rank > 0)
    json_builder_add_int_value (builder, contender->rank);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "tied");
  json_builder_add_boolean_value (builder, contender->tied);
  set_double_or_null (builder, "speedup", contender->speedup, contender->rank > 0);
  if (measured)
    {
      jg_metrics_add_to_builder (contender->metrics, builder);
      if (contender->options.model == JG_MODEL_PROCESSES)
        set_double_or_null (builder, "startup_s", startup_s (contender), TRUE);
    }
  json_builder_end_object (builder);
}

static void
add_facts (JsonBuilder          *builder,
           const JgAdvisorFacts *facts)
{
  json_builder_set_member_name (builder, "facts");
  json_builder_begin_object (builder);
  set_string (builder, "workload", jg_workload_name (facts->workload));
  json_builder_set_member_name (builder, "tasks");
  json_builder_add_int_value (builder, facts->n_tasks);
  json_builder_set_member_name (builder, "releases_gil");
  json_builder_add_boolean_value (builder, facts->releases_gil);
  json_builder_set_member_name (builder, "shared_state");
  json_builder_add_boolean_value (builder, facts->shared_state);
  json_builder_set_member_name (builder, "all_async");
  json_builder_add_boolean_value (builder, facts->all_async);
  json_builder_set_member_name (builder, "background");
  json_builder_add_boolean_value (builder, facts->background);
  json_builder_set_member_name (builder, "batch");
  json_builder_add_boolean_value (builder, facts->batch);
  json_builder_end_object (builder);
}

void
jg_compare_add_to_builder (JgCompare   *self,
                           JsonBuilder *builder)
{
  const JgAdvisorRecommendation *rec;
  JgContender *winner, *baseline, *recommended;

  g_return_if_fail (JG_IS_COMPARE (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  winner = contender_or_null (self, self->winner);
  baseline = contender_or_null (self, self->baseline);
  set_string (builder, "scenario", self->plan->id);
  set_string (builder, "title", self->plan->title);
  json_builder_set_member_name (builder, "tasks");
  json_builder_add_int_value (builder, self->plan->n_tasks);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (),
                                                          self->plan->parameters));
  json_builder_set_member_name (builder, "stopped");
  json_builder_add_boolean_value (builder, stop_was_requested (self));

  json_builder_set_member_name (builder, "contenders");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->contenders->len; i++)
    add_contender (self, builder, contender_at (self, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "ranking");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->ranking->len; i++)
    {
      JgContender *contender = contender_at (self, g_array_index (self->ranking, guint, i));

      json_builder_add_string_value (builder, contender->id);
    }
  json_builder_end_array (builder);
  set_string (builder, "baseline", baseline != NULL ? baseline->id : NULL);
  set_string (builder, "winner", winner != NULL ? winner->id : NULL);
  set_string (builder, "winner_label", winner != NULL ? winner->label : NULL);
  set_string (builder, "sentence", self->sentence);

  json_builder_set_member_name (builder, "recommendation");
  rec = self->recommendation;
  if (rec == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  recommended = contender_or_null (self, self->recommended);
  json_builder_begin_object (builder);
  set_string (builder, "id", rec->id);
  set_string (builder, "title", rec->title);
  set_string (builder, "model", rec->run.model);
  set_string (builder, "interpreter", rec->run.interpreter);
  set_string (builder, "executor", rec->run.executor);
  set_string (builder, "contender", recommended != NULL ? recommended->id : NULL);
  json_builder_set_member_name (builder, "agrees");
  json_builder_add_boolean_value (builder, self->agrees);
  set_string (builder, "note", self->note);
  add_facts (builder, &self->facts);
  json_builder_end_object (builder);
}

/* Show me. */

static void
add_step (JgPlanTask *task,
          JgStep      step)
{
  task->steps = g_renew (JgStep, task->steps, task->n_steps + 1);
  task->steps[task->n_steps++] = step;
}

static JgPlanObject *
one_object (const char *name,
            gint64      initial,
            gint64      expected)
{
  JgPlanObject *object = g_new0 (JgPlanObject, 1);

  object->name = g_strdup (name);
  object->initial = initial;
  object->expected = expected;
  return object;
}

JgScenarioPlan *
jg_compare_plan_from_show_me (const JgAdvisorShowMe *show_me,
                              guint                  n_tasks)
{
  JgScenarioPlan *plan;
  g_autoptr (GString) title = g_string_new (NULL);

  g_return_val_if_fail (show_me != NULL, NULL);
  g_return_val_if_fail (n_tasks > 0, NULL);

  plan = g_new0 (JgScenarioPlan, 1);
  plan->id = g_strdup ("show-me");
  if (show_me->io_ms > 0 && show_me->cpu_ms > 0)
    /* TRANSLATORS: "Show me: 16 tasks, each waiting 200 ms, then computing 80 ms" */
    g_string_printf (title, _("Show me: %u tasks, each waiting %g ms, then computing %g ms"),
                     n_tasks, show_me->io_ms, show_me->cpu_ms);
  else if (show_me->io_ms > 0)
    g_string_printf (title, _("Show me: %u tasks, each waiting %g ms"), n_tasks, show_me->io_ms);
  else
    g_string_printf (title, _("Show me: %u tasks, each computing %g ms"), n_tasks, show_me->cpu_ms);
  plan->title = g_strdup (title->str);

  plan->parameters = json_object_new ();
  json_object_set_int_member (plan->parameters, "tasks", n_tasks);
  json_object_set_double_member (plan->parameters, "io_ms", show_me->io_ms);
  json_object_set_string_member (plan->parameters, "io_kind", jg_io_kind_name (show_me->io_kind));
  json_object_set_double_member (plan->parameters, "cpu_ms", show_me->cpu_ms);
  json_object_set_boolean_member (plan->parameters, "releases_gil", show_me->releases_gil);
  json_object_set_boolean_member (plan->parameters, "shared_state", show_me->shared_state);

  if (show_me->shared_state)
    {
      /* `with lock: results += 1`: shared data updated the safe way. */
      plan->n_locks = 1;
      plan->locks = one_object ("results lock", 0, G_MININT64);
      plan->n_variables = 1;
      plan->variables = one_object ("results", 0, n_tasks);
    }

  plan->n_tasks = n_tasks;
  plan->tasks = g_new0 (JgPlanTask, n_tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      JgPlanTask *task = &plan->tasks[i];

      task->name = g_strdup_printf (_("Task %u"), i + 1);
      if (show_me->io_ms > 0)
        add_step (task, (JgStep) { .kind = JG_STEP_IO, .ms = show_me->io_ms,
                                   .io_kind = show_me->io_kind });
      if (show_me->cpu_ms > 0)
        add_step (task, (JgStep) { .kind = JG_STEP_CPU, .ms = show_me->cpu_ms,
                                   .releases_gil = show_me->releases_gil });
      if (show_me->shared_state)
        {
          add_step (task, (JgStep) { .kind = JG_STEP_LOCK, .object = 0 });
          add_step (task, (JgStep) { .kind = JG_STEP_READ, .object = 0 });
          add_step (task, (JgStep) { .kind = JG_STEP_WRITE, .object = 0, .value = 1 });
          add_step (task, (JgStep) { .kind = JG_STEP_UNLOCK, .object = 0 });
        }
    }
  return plan;
}
