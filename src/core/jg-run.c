/* jg-run.c: a run — the controller thread, the executor's threads (a GThreadPool
 * whose workers pull tasks in order, as ThreadPoolExecutor's do), the watchdog
 * that finds deadlocks, and the hand-over of the end to the caller's main
 * context. Nothing here blocks the thread that started the run. */
#define G_LOG_DOMAIN "jg-run"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <unistd.h>

#include "jg-asyncio.h"
#include "jg-clock.h"
#include "jg-cpu.h"
#include "jg-executor.h"
#include "jg-loopback.h"
#include "jg-recorder.h"
#include "jg-run.h"
#include "jg-sync.h"

/* Bounds that keep a hand-written plan from asking for absurd resources. */
#define MAX_WORKERS 1024
#define MAX_STEP_MS (3600.0 * 1000.0)

struct _JgRun
{
  GObject           parent_instance;

  JgScenarioPlan   *plan;
  JgRunOptions      options;
  JsonNode         *definition;
  JgTrace          *trace;
  JgRecorder       *recorder;
  GMainContext     *context;
  GCancellable     *cancellable;
  GThread          *controller;

  /* Set up by jg_run_start; read-only while the run runs. */
  guint             n_workers;
  guint32          *worker_lanes;
  guint32          *task_workers;  /* atomic: the worker lane that ran each task */
  GPtrArray        *interpreters;
  JgAsyncio        *asyncio;       /* asyncio and hybrid: the loop and its executor */
  JgProcessPool    *processes;     /* processes: the worker processes (jg-process-pool.c) */
  JgSync           *sync;
  JgLoopbackServer *loopback;
  char             *scratch_dir;
  JgIoContext       io;
  guint32           deadlock_id;
  gint              next_task;     /* atomic */

  GMutex            lock;          /* guards what follows */
  GCond             cond;
  guint             workers_done;
  gboolean          stop_requested;
  gboolean          finished;
  JgRunStatus       status;
  JsonArray        *marks;

  gboolean          finished_emitted; /* the main context's own */
};

enum
{
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JgRun, jg_run, G_TYPE_OBJECT)

static const char * const model_names[] = {
  [JG_MODEL_SEQUENTIAL] = "sequential",
  [JG_MODEL_THREADS] = "threads",
  [JG_MODEL_ASYNCIO] = "asyncio",
  [JG_MODEL_HYBRID] = "hybrid",
  [JG_MODEL_PROCESSES] = "processes",
};
G_STATIC_ASSERT (G_N_ELEMENTS (model_names) == JG_N_MODELS);

static const char * const status_names[] = {
  [JG_RUN_READY] = "ready",
  [JG_RUN_RUNNING] = "running",
  [JG_RUN_COMPLETED] = "completed",
  [JG_RUN_STOPPED] = "stopped",
  [JG_RUN_DEADLOCKED] = "deadlocked",
  [JG_RUN_FAILED] = "failed",
};
G_STATIC_ASSERT (G_N_ELEMENTS (status_names) == JG_RUN_N_STATUSES);

/* The models whose tasks are coroutines on an event loop (jg-asyncio.c). */
static gboolean
model_is_async (JgModel model)
{
  return model == JG_MODEL_ASYNCIO || model == JG_MODEL_HYBRID;
}

const char *
jg_model_name (JgModel model)
{
  return (guint) model < JG_N_MODELS ? model_names[model] : NULL;
}

gboolean
jg_model_from_name (const char *name,
                    JgModel    *model)
{
  for (guint i = 0; i < JG_N_MODELS; i++)
    if (g_strcmp0 (name, model_names[i]) == 0)
      {
        *model = i;
        return TRUE;
      }
  return FALSE;
}

const char *
jg_run_status_name (JgRunStatus status)
{
  return (guint) status < JG_RUN_N_STATUSES ? status_names[status] : "unknown";
}

void
jg_run_options_init (JgRunOptions *options)
{
  g_return_if_fail (options != NULL);

  options->model = JG_MODEL_THREADS;
  options->workers = 0;
  options->interpreter = JG_INTERPRETER_GIL;
  options->switch_interval_ms = JG_GIL_DEFAULT_INTERVAL_MS;
  options->hybrid_executor = JG_HYBRID_THREADS;
  options->start_method = JG_START_FORK;
  options->time_scale = 1.0;
}

/* The plan is the caller's; the run keeps its own copy for its whole life. */
static JgPlanObject *
copy_objects (const JgPlanObject *objects,
              guint               n)
{
  JgPlanObject *copy = g_new0 (JgPlanObject, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      copy[i] = objects[i];
      copy[i].name = g_strdup (objects[i].name);
    }
  return copy;
}

static void
free_objects (JgPlanObject *objects,
              guint         n)
{
  for (guint i = 0; i < n; i++)
    g_free (objects[i].name);
  g_free (objects);
}

static JgScenarioPlan *
copy_plan (const JgScenarioPlan *plan)
{
  JgScenarioPlan *copy = g_new0 (JgScenarioPlan, 1);

  copy->id = g_strdup (plan->id);
  copy->title = g_strdup (plan->title);
  copy->parameters = plan->parameters != NULL ? json_object_ref (plan->parameters) : json_object_new ();
  copy->n_tasks = plan->n_tasks;
  copy->tasks = g_new0 (JgPlanTask, MAX (plan->n_tasks, 1));
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      copy->tasks[i].name = plan->tasks[i].name != NULL
                            ? g_strdup (plan->tasks[i].name)
                            : g_strdup_printf ("Task %u", i + 1);
      copy->tasks[i].n_steps = plan->tasks[i].n_steps;
      copy->tasks[i].steps = g_memdup2 (plan->tasks[i].steps, sizeof (JgStep) * plan->tasks[i].n_steps);
    }
  copy->n_locks = plan->n_locks;
  copy->locks = copy_objects (plan->locks, plan->n_locks);
  copy->n_semaphores = plan->n_semaphores;
  copy->semaphores = copy_objects (plan->semaphores, plan->n_semaphores);
  copy->n_queues = plan->n_queues;
  copy->queues = copy_objects (plan->queues, plan->n_queues);
  copy->n_variables = plan->n_variables;
  copy->variables = copy_objects (plan->variables, plan->n_variables);
  return copy;
}

static void
free_plan (JgScenarioPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->id);
  g_free (plan->title);
  g_clear_pointer (&plan->parameters, json_object_unref);
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      g_free (plan->tasks[i].name);
      g_free (plan->tasks[i].steps);
    }
  g_free (plan->tasks);
  free_objects (plan->locks, plan->n_locks);
  free_objects (plan->semaphores, plan->n_semaphores);
  free_objects (plan->queues, plan->n_queues);
  free_objects (plan->variables, plan->n_variables);
  g_free (plan);
}

static void
remove_scratch_dir (JgRun *self)
{
  if (self->scratch_dir == NULL)
    return;
  /* Each thread removed its own file; only the directory is left. */
  if (g_rmdir (self->scratch_dir) != 0)
    g_warning ("Could not remove %s: %s", self->scratch_dir, g_strerror (errno));
  g_clear_pointer (&self->scratch_dir, g_free);
}

static void
jg_run_finalize (GObject *object)
{
  JgRun *self = JG_RUN (object);

  g_clear_pointer (&self->controller, g_thread_join);
  g_clear_pointer (&self->plan, free_plan);
  g_clear_pointer (&self->definition, json_node_unref);
  g_clear_object (&self->recorder);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_free (self->worker_lanes);
  g_free (self->task_workers);
  g_clear_pointer (&self->asyncio, jg_asyncio_free);
  g_clear_pointer (&self->processes, jg_process_pool_free);
  g_clear_pointer (&self->interpreters, g_ptr_array_unref);
  g_clear_pointer (&self->sync, jg_sync_free);
  g_clear_pointer (&self->loopback, jg_loopback_server_free);
  remove_scratch_dir (self);
  g_clear_pointer (&self->marks, json_array_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (jg_run_parent_class)->finalize (object);
}

static void
jg_run_class_init (JgRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_run_finalize;

  /**
   * JgRun::finished:
   *
   * The run has ended (completed, stopped, deadlocked or failed); its trace is
   * finished and its results are set. Emitted in the main context that was the
   * thread default when the run was started.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_run_init (JgRun *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
  self->trace = jg_trace_new ();
  self->recorder = jg_recorder_new (self->trace);
  self->marks = json_array_new ();
  self->status = JG_RUN_READY;
}

JgRun *
jg_run_new (const JgScenarioPlan *plan,
            const JgRunOptions   *options)
{
  JgRun *self;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (JG_TYPE_RUN, NULL);
  self->plan = copy_plan (plan);
  self->options = *options;
  return self;
}

void
jg_run_set_definition (JgRun    *self,
                       JsonNode *definition)
{
  g_return_if_fail (JG_IS_RUN (self));
  g_return_if_fail (self->status == JG_RUN_READY);

  g_clear_pointer (&self->definition, json_node_unref);
  self->definition = definition != NULL ? json_node_ref (definition) : NULL;
}

JgTrace *
jg_run_get_trace (JgRun *self)
{
  g_return_val_if_fail (JG_IS_RUN (self), NULL);
  return self->trace;
}

const JgRunOptions *
jg_run_get_options (JgRun *self)
{
  g_return_val_if_fail (JG_IS_RUN (self), NULL);
  return &self->options;
}

guint
jg_run_get_n_workers (JgRun *self)
{
  g_return_val_if_fail (JG_IS_RUN (self), 0);

  /* asyncio: one pool thread, which runs the loop; the executor is its own. */
  if (self->options.model == JG_MODEL_SEQUENTIAL || model_is_async (self->options.model))
    return 1;
  /* Pool () and ProcessPoolExecutor () start os.cpu_count () workers. */
  if (self->options.model == JG_MODEL_PROCESSES && self->options.workers == 0)
    return CLAMP (MIN ((guint) g_get_num_processors (), self->plan->n_tasks), 1, MAX_WORKERS);
  if (self->options.workers == 0)
    return CLAMP (self->plan->n_tasks, 1, MAX_WORKERS);
  /* ThreadPoolExecutor starts threads only as tasks need them. */
  return CLAMP (MIN (self->options.workers, self->plan->n_tasks), 1, MAX_WORKERS);
}

/* The asyncio and hybrid models' ProcessPoolExecutor: os.cpu_count ()
 * workers unless --workers says otherwise. */
static guint
process_pool_size (JgRun *self)
{
  if (self->options.workers > 0)
    return CLAMP (self->options.workers, 1, MAX_WORKERS);
  return CLAMP ((guint) g_get_num_processors (), 1, MAX_WORKERS);
}

/* Some work of an asyncio or hybrid run goes to worker processes. */
static gboolean
uses_process_pool (JgRun *self)
{
  if (self->options.model == JG_MODEL_HYBRID && self->options.hybrid_executor == JG_HYBRID_PROCESSES)
    return TRUE;
  for (guint t = 0; t < self->plan->n_tasks; t++)
    for (guint s = 0; s < self->plan->tasks[t].n_steps; s++)
      if (self->plan->tasks[t].steps[s].kind == JG_STEP_TO_THREAD
          && (self->plan->tasks[t].steps[s].async_flags & JG_STEP_IN_PROCESSES))
        return TRUE;
  return FALSE;
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

/* The plan may come from a user's file through someone else's parser, or be
 * built by hand: check every index and number before any thread relies on it. */
static gboolean
check_plan (const JgScenarioPlan *plan,
            gboolean              async,
            gboolean             *needs_socket,
            gboolean             *needs_file,
            GError              **error)
{
  *needs_socket = *needs_file = FALSE;

  for (guint t = 0; t < plan->n_tasks; t++)
    for (guint s = 0; s < plan->tasks[t].n_steps; s++)
      {
        const JgStep *step = &plan->tasks[t].steps[s];
        guint limit = 0;

        switch (step->kind)
          {
          case JG_STEP_CPU:
          case JG_STEP_BLOCK:
          case JG_STEP_IO:
            if (!isfinite (step->ms) || step->ms < 0 || step->ms > MAX_STEP_MS)
              return invalid (error, t, s, _("ms must be between 0 and %.0f"), MAX_STEP_MS);
            if (step->kind == JG_STEP_IO)
              {
                if (step->io_kind != JG_IO_SLEEP && step->io_kind != JG_IO_SOCKET && step->io_kind != JG_IO_FILE)
                  return invalid (error, t, s, _("I/O kind %d is not one of sleep, socket, file"), (int) step->io_kind);
                *needs_socket |= step->io_kind == JG_IO_SOCKET;
                *needs_file |= step->io_kind == JG_IO_FILE;
              }
            continue;
          case JG_STEP_LOCK:
          case JG_STEP_UNLOCK:
            limit = plan->n_locks;
            break;
          case JG_STEP_SEM_ACQUIRE:
          case JG_STEP_SEM_RELEASE:
            limit = plan->n_semaphores;
            break;
          case JG_STEP_QUEUE_PUT:
          case JG_STEP_QUEUE_GET:
            limit = plan->n_queues;
            break;
          case JG_STEP_READ:
          case JG_STEP_WRITE:
            limit = plan->n_variables;
            break;
          case JG_STEP_TRANSFER:
            if (step->value < 0 || step->value > JG_TRANSFER_MAX_BYTES
                || (guint) step->direction >= JG_TRANSFER_N_DIRECTIONS)
              return invalid (error, t, s, _("a transfer moves 0 to %" PRId64 " bytes, to or from a worker"),
                              JG_TRANSFER_MAX_BYTES);
            continue;
          case JG_STEP_SPAWN:
          case JG_STEP_AWAIT:
          case JG_STEP_GATHER:
          case JG_STEP_TASKGROUP:
          case JG_STEP_AS_COMPLETED:
          case JG_STEP_MAP:
          case JG_STEP_WAIT_FOR:
          case JG_STEP_CANCEL:
          case JG_STEP_FAIL:
          case JG_STEP_TO_THREAD:
            /* Their structure is checked by jg_asyncio_check_plan. */
            if (!async)
              return invalid (error, t, s, _("“%s” needs the asyncio or hybrid model"),
                              jg_asyncio_step_name (step->kind));
            continue;
          case JG_STEP_N_KINDS:
          default:
            return invalid (error, t, s, _("unknown step kind %d"), (int) step->kind);
          }
        if (step->object >= limit)
          return invalid (error, t, s, _("object %u does not exist (the scenario has %u of that kind)"),
                          step->object, limit);
      }
  return TRUE;
}

/* Slow motion at one point: the run's own copy of the plan lasts @scale times
 * longer — CPU work, I/O, blocking calls and asyncio timeouts — before any
 * executor, loop or worker process turns a step into work. */
static void
stretch_plan (JgScenarioPlan *plan,
              double          scale)
{
  if (scale == 1.0)
    return;
  for (guint t = 0; t < plan->n_tasks; t++)
    for (guint s = 0; s < plan->tasks[t].n_steps; s++)
      {
        JgStep *step = &plan->tasks[t].steps[s];

        step->ms *= scale;
        step->timeout_ms *= scale;
      }
}

static void
cancel_all (JgRun *self)
{
  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->interpreters->len; i++)
    jg_interpreter_cancel (g_ptr_array_index (self->interpreters, i));
  jg_sync_cancel (self->sync);
}

static void
add_task_error (JgRun        *self,
                guint         task,
                const GError *error)
{
  JsonObject *mark = json_object_new ();

  json_object_set_string_member (mark, "kind", "error");
  json_object_set_string_member (mark, "task", self->plan->tasks[task].name);
  json_object_set_string_member (mark, "message", error->message);
  g_mutex_lock (&self->lock);
  json_array_add_object_element (self->marks, mark);
  g_mutex_unlock (&self->lock);
}

static void
worker_finished (JgRun *self)
{
  jg_sync_thread_finished (self->sync);

  g_mutex_lock (&self->lock);
  self->workers_done++;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* One executor thread: pull the next task until none is left or the run stops. */
static void
worker_main (gpointer data,
             gpointer user_data)
{
  JgRun *self = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  guint32 lane = self->worker_lanes[index];
  JgInterpreter *interp;
  JgProbe *probe;
  JgThreadState ts;

  if (self->asyncio != NULL)
    {
      /* The pool's one thread becomes the event loop's thread. */
      jg_asyncio_run (self->asyncio);
      worker_finished (self);
      return;
    }

  /* PEP 684: each thread its own interpreter; otherwise they share one. */
  interp = g_ptr_array_index (self->interpreters, self->interpreters->len > 1 ? index : 0);
  probe = jg_recorder_open_probe (self->recorder, lane);
  jg_thread_state_init (&ts, interp, probe, self->cancellable, &self->io);

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gint next = g_atomic_int_add (&self->next_task, 1);
      JgEndStatus status;

      if (next >= (gint) self->plan->n_tasks || g_cancellable_is_cancelled (self->cancellable))
        break;

      __atomic_store_n (&self->task_workers[next], lane, __ATOMIC_RELAXED);
      status = jg_executor_run_task (&ts, self->sync, (guint32) next, &self->plan->tasks[next], &error);
      if (status == JG_END_ERROR && error != NULL)
        add_task_error (self, (guint) next, error);
    }

  jg_thread_state_clear (&ts);
  jg_recorder_close_probe (self->recorder, probe);
  worker_finished (self);
}

static void
record_deadlock (JgRun     *self,
                 GArray    *tasks,
                 GPtrArray *objects,
                 gboolean   lock_cycle)
{
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  guint64 now = jg_clock_now_ns () - jg_trace_get_epoch_ns (self->trace);
  JsonObject *mark = json_object_new ();
  JsonArray *task_names = json_array_new ();
  JsonArray *lock_names = json_array_new ();

  /* A mark on each task involved, so every lane shows where it got stuck. */
  for (guint i = 0; i < tasks->len; i++)
    {
      guint32 task = g_array_index (tasks, guint32, i);
      JgEvent event = { now, task, __atomic_load_n (&self->task_workers[task], __ATOMIC_RELAXED),
                        JG_EVENT_MARK, -1, self->deadlock_id };

      g_array_append_val (events, event);
      json_array_add_string_element (task_names, self->plan->tasks[task].name);
    }
  jg_recorder_push (self->recorder, (const JgEvent *) events->data, events->len);
  jg_recorder_wake (self->recorder);

  for (guint i = 0; i < objects->len; i++)
    json_array_add_string_element (lock_names, g_ptr_array_index (objects, i));

  json_object_set_string_member (mark, "kind", "deadlock");
  json_object_set_boolean_member (mark, "cycle", lock_cycle);
  json_object_set_double_member (mark, "time_s", now / 1e9);
  json_object_set_array_member (mark, "tasks", task_names);
  json_object_set_array_member (mark, "locks", lock_names);

  g_mutex_lock (&self->lock);
  json_array_add_object_element (self->marks, mark);
  g_mutex_unlock (&self->lock);
}

/* Waits for the workers, checking the wait-for graph every watchdog interval
 * and acting on a stop request at once. */
static void
watch (JgRun *self)
{
  g_autoptr (GArray) tasks = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GPtrArray) objects = g_ptr_array_new ();
  gint64 next_check = g_get_monotonic_time () + JG_RUN_WATCHDOG_INTERVAL_MS * 1000;
  gboolean cancelled = FALSE;

  g_mutex_lock (&self->lock);
  while (self->workers_done < self->n_workers)
    {
      gboolean lock_cycle = FALSE;
      gboolean found;

      if (!cancelled && self->stop_requested)
        {
          self->status = JG_RUN_STOPPED;
          cancelled = TRUE;
          g_mutex_unlock (&self->lock);
          cancel_all (self);
          g_mutex_lock (&self->lock);
          continue;
        }

      /* Once cancelled, only the workers' ends matter: no more watchdog ticks. */
      if (cancelled)
        {
          g_cond_wait (&self->cond, &self->lock);
          continue;
        }
      if (g_cond_wait_until (&self->cond, &self->lock, next_check))
        continue;

      next_check = g_get_monotonic_time () + JG_RUN_WATCHDOG_INTERVAL_MS * 1000;
      g_mutex_unlock (&self->lock);
      found = jg_sync_find_deadlock (self->sync, tasks, objects, &lock_cycle);
      if (found)
        {
          record_deadlock (self, tasks, objects, lock_cycle);
          cancel_all (self);
        }
      g_mutex_lock (&self->lock);
      if (found)
        {
          self->status = JG_RUN_DEADLOCKED;
          cancelled = TRUE;
        }
    }
  if (!cancelled)
    self->status = JG_RUN_COMPLETED;
  g_mutex_unlock (&self->lock);
}

/* Updates lost: what the expected totals miss. One stale write can wipe out
 * several updates, so this is not the number of stale writes. */
static gint64
count_lost_updates (JgRun *self)
{
  gint64 lost = 0;

  for (guint i = 0; i < self->plan->n_variables; i++)
    if (self->plan->variables[i].expected != G_MININT64)
      lost += ABS (self->plan->variables[i].expected - jg_sync_get_value (self->sync, i));
  return lost;
}

static JsonObject *
build_results (JgRun *self)
{
  JsonObject *results = json_object_new ();
  guint n_expected = 0;

  for (guint i = 0; i < self->plan->n_variables; i++)
    n_expected += self->plan->variables[i].expected != G_MININT64;

  /* The scenario's own outcome: {"counter": 1009, "expected": 10000}. */
  for (guint i = 0; i < self->plan->n_variables; i++)
    {
      const JgPlanObject *variable = &self->plan->variables[i];

      json_object_set_int_member (results, variable->name, jg_sync_get_value (self->sync, i));
      if (variable->expected == G_MININT64)
        continue;
      if (n_expected == 1)
        {
          json_object_set_int_member (results, "expected", variable->expected);
        }
      else
        {
          g_autofree char *name = g_strdup_printf ("%s_expected", variable->name);

          json_object_set_int_member (results, name, variable->expected);
        }
    }
  if (n_expected > 0)
    json_object_set_int_member (results, "lost_updates", count_lost_updates (self));
  /* Writes based on a read that another write had already made stale. */
  if (self->plan->n_variables > 0)
    json_object_set_int_member (results, "stale_writes", jg_sync_get_n_lost_updates (self->sync));
  return results;
}

/* How long after the last wait that closed the deadlock it was detected: the
 * newest lock wait (or queue/semaphore suspend) of the tasks involved. */
static void
add_detection_latency (JgRun      *self,
                       JsonObject *mark)
{
  JsonArray *names = json_object_get_array_member (mark, "tasks");
  guint64 marked = (guint64) (json_object_get_double_member (mark, "time_s") * 1e9 + 0.5);
  guint64 last_wait = 0;
  guint64 n = jg_trace_get_n_events (self->trace);
  g_autoptr (GHashTable) involved = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < json_array_get_length (names); i++)
    for (guint t = 0; t < self->plan->n_tasks; t++)
      if (g_strcmp0 (self->plan->tasks[t].name, json_array_get_string_element (names, i)) == 0)
        g_hash_table_add (involved, GUINT_TO_POINTER (t + 1));

  for (guint64 first = 0; first < n; )
    {
      guint64 count;
      const JgEvent *events = jg_trace_get_events (self->trace, first, &count);

      for (guint64 i = 0; i < count; i++)
        {
          const JgEvent *e = &events[i];
          gboolean is_wait = e->kind == JG_EVENT_LOCK_WAIT
                             || (e->kind == JG_EVENT_SUSPEND
                                 && (e->arg == JG_SUSPEND_LOCK || e->arg == JG_SUSPEND_SEMAPHORE
                                     || e->arg == JG_SUSPEND_QUEUE));

          if (is_wait && e->ts <= marked && g_hash_table_contains (involved, GUINT_TO_POINTER (e->task + 1)))
            last_wait = MAX (last_wait, e->ts);
        }
      first += MAX (count, 1);
    }

  if (last_wait > 0)
    json_object_set_double_member (mark, "detected_after_s", (marked - last_wait) / 1e9);
}

static gboolean
emit_finished (gpointer data)
{
  JgRun *self = data;

  g_clear_pointer (&self->controller, g_thread_join);
  self->finished_emitted = TRUE;
  g_signal_emit (self, signals[FINISHED], 0);
  return G_SOURCE_REMOVE;
}

static void
finish (JgRun *self)
{
  g_autoptr (JsonObject) results = build_results (self);
  g_autoptr (GSource) source = NULL;
  guint stale = jg_sync_get_n_lost_updates (self->sync);

  jg_recorder_stop (self->recorder);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < json_array_get_length (self->marks); i++)
    {
      JsonObject *mark = json_array_get_object_element (self->marks, i);

      if (g_strcmp0 (json_object_get_string_member (mark, "kind"), "deadlock") == 0)
        {
          add_detection_latency (self, mark);
          json_object_set_member (results, "deadlock", json_node_init_object (json_node_alloc (), mark));
        }
    }
  if (stale > 0)
    {
      JsonObject *mark = json_object_new ();

      json_object_set_string_member (mark, "kind", "lost update");
      json_object_set_int_member (mark, "count", count_lost_updates (self));
      json_object_set_int_member (mark, "stale_writes", stale);
      json_array_add_object_element (self->marks, mark);
    }
  g_mutex_unlock (&self->lock);

  if (self->asyncio != NULL)
    jg_asyncio_add_results (self->asyncio, results);
  if (self->processes != NULL)
    jg_process_pool_add_results (self->processes, results);
  /* The trace is finished: its results may be set now. */
  jg_trace_set_results (self->trace, results);

  g_clear_pointer (&self->loopback, jg_loopback_server_free);
  remove_scratch_dir (self);

  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* The controller's reference goes with the source, dropped in the caller's context. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_finished, self, g_object_unref);
  g_source_set_static_name (source, "[juggler] run finished");
  g_source_attach (source, self->context);
}

/* The processes model: a thread of its own runs the pool, since the workers'
 * parent-death signal is tied to the thread that started them; this one
 * watches for a stop meanwhile, which cancels the pool and kills them. */
static gpointer
processes_main (gpointer data)
{
  JgRun *self = data;

  jg_process_pool_run (self->processes);
  g_mutex_lock (&self->lock);
  self->workers_done = self->n_workers;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

static void
run_processes (JgRun *self)
{
  g_autoptr (JsonArray) marks = NULL;
  GThread *thread = g_thread_new ("jg-process-pool", processes_main, self);

  watch (self);
  g_thread_join (thread);

  marks = jg_process_pool_dup_marks (self->processes);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < json_array_get_length (marks); i++)
    json_array_add_element (self->marks, json_node_copy (json_array_get_element (marks, i)));
  g_mutex_unlock (&self->lock);
}

static gpointer
controller_main (gpointer data)
{
  JgRun *self = data;
  g_autoptr (GError) error = NULL;
  GThreadPool *pool;

  /* Calibrating (once per machine) is not part of the run. */
  jg_cpu_get_iterations_per_ms ();
  jg_recorder_start (self->recorder);

  /* Counted before any starts, so the watchdog never sees a partial crew. */
  for (guint i = 0; i < self->n_workers; i++)
    jg_sync_thread_started (self->sync);

  if (self->processes != NULL)
    {
      run_processes (self);
      finish (self);
      return NULL;
    }

  pool = g_thread_pool_new (worker_main, self, (gint) self->n_workers, TRUE, &error);
  if (pool == NULL)
    {
      JsonObject *mark = json_object_new ();

      json_object_set_string_member (mark, "kind", "error");
      json_object_set_string_member (mark, "message", error->message);
      g_mutex_lock (&self->lock);
      json_array_add_object_element (self->marks, mark);
      self->status = JG_RUN_FAILED;
      g_mutex_unlock (&self->lock);
    }
  else
    {
      for (guint i = 0; i < self->n_workers; i++)
        g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
      watch (self);
      g_thread_pool_free (pool, FALSE, TRUE);
      if (self->asyncio != NULL)
        {
          g_mutex_lock (&self->lock);
          if (self->status == JG_RUN_COMPLETED && jg_asyncio_is_deadlocked (self->asyncio))
            self->status = JG_RUN_DEADLOCKED;
          jg_asyncio_add_marks (self->asyncio, self->marks);
          g_mutex_unlock (&self->lock);
        }
    }

  finish (self);
  return NULL;
}

gboolean
jg_run_start (JgRun   *self,
              GError **error)
{
  JgRunInfo info = { 0 };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  gboolean needs_socket, needs_file;
  JgInterpreterMode mode;
  guint n_interpreters;
  gboolean async;
  double scale, interval_ms;
  g_autofree guint32 *parents = NULL;

  g_return_val_if_fail (JG_IS_RUN (self), FALSE);
  g_return_val_if_fail (self->status == JG_RUN_READY, FALSE);

  if (!(self->options.switch_interval_ms > 0) || !isfinite (self->options.switch_interval_ms))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The switch interval must be a positive number of milliseconds"));
      return FALSE;
    }
  scale = self->options.time_scale;
  if (!(scale >= JG_TIME_SCALE_MIN && scale <= JG_TIME_SCALE_MAX))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The time scale must be from %g to %g (slow motion: 1 is normal speed), not %g"),
                   JG_TIME_SCALE_MIN, JG_TIME_SCALE_MAX, scale);
      return FALSE;
    }
  if ((guint) self->options.model >= JG_N_MODELS
      || (guint) self->options.interpreter >= JG_INTERPRETER_N_MODES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown model or interpreter"));
      return FALSE;
    }
  async = model_is_async (self->options.model);
  if (!check_plan (self->plan, async, &needs_socket, &needs_file, error)
      || (async && !jg_asyncio_check_plan (self->plan, error)))
    return FALSE;
  if (self->options.model == JG_MODEL_PROCESSES
      && !jg_process_pool_check (self->plan, self->options.start_method, error))
    return FALSE;

  if (needs_socket)
    {
      self->loopback = jg_loopback_server_new (error);
      if (self->loopback == NULL)
        return FALSE;
      self->io.loopback_port = jg_loopback_server_get_port (self->loopback);
    }
  if (needs_file)
    {
      self->scratch_dir = g_dir_make_tmp ("juggler-run-XXXXXX", error);
      if (self->scratch_dir == NULL)
        {
          g_clear_pointer (&self->loopback, jg_loopback_server_free);
          return FALSE;
        }
      self->io.scratch_dir = self->scratch_dir;
    }

  /* Checked at normal speed; from here on every duration is stretched, and
   * so is the GIL's switch interval, so that hand-offs keep their rhythm. */
  stretch_plan (self->plan, scale);
  interval_ms = self->options.switch_interval_ms * scale;

  self->n_workers = jg_run_get_n_workers (self);
  mode = self->options.interpreter;

  /* What the run is, set before any reader on another thread sees the trace. */
  info.model = jg_model_name (self->options.model);
  info.workers = self->n_workers;
  if (self->options.model == JG_MODEL_HYBRID)
    info.workers = self->options.hybrid_executor == JG_HYBRID_PROCESSES
                   ? process_pool_size (self) : jg_asyncio_executor_size (self->options.workers);
  info.interpreter = jg_interpreter_mode_name (mode);
  info.switch_interval_ms = self->options.switch_interval_ms;
  info.time_scale = scale;
  if (self->options.model == JG_MODEL_PROCESSES || (async && uses_process_pool (self)))
    info.start_method = jg_start_method_name (self->options.start_method);
  jg_trace_set_run_info (self->trace, &info);
  jg_trace_set_scenario (self->trace, self->plan->id, self->plan->title, self->definition);
  jg_trace_set_parameters (self->trace, self->plan->parameters);
  jg_trace_set_machine_from_host (self->trace);
  jg_trace_set_created (self->trace, now);

  /* Lanes before events: task lane i is the plan's task i. A coroutine's
   * parent is the task that started it. */
  parents = async ? jg_asyncio_plan_parents (self->plan) : NULL;
  for (guint i = 0; i < self->plan->n_tasks; i++)
    {
      guint32 lane = jg_trace_add_task (self->trace, self->plan->tasks[i].name,
                                        parents != NULL ? parents[i] : JG_LANE_NONE);

      g_assert (lane == i);
    }
  self->worker_lanes = g_new0 (guint32, self->n_workers);
  /* The loop, the executor threads and the worker processes add lanes of their own. */
  for (guint i = 0; i < self->n_workers && !async && self->options.model != JG_MODEL_PROCESSES; i++)
    {
      g_autofree char *name = self->options.model == JG_MODEL_SEQUENTIAL
                              ? g_strdup ("Main thread")
                              : g_strdup_printf ("Thread %u", i + 1);

      self->worker_lanes[i] = jg_trace_add_worker (self->trace, name, JG_WORKER_THREAD, (gint32) getpid ());
    }
  self->task_workers = g_new0 (guint32, MAX (self->plan->n_tasks, 1));
  self->sync = jg_sync_new (self->plan, self->trace);
  self->deadlock_id = jg_trace_intern (self->trace, "deadlock");

  n_interpreters = mode == JG_INTERPRETER_PER_INTERPRETER ? self->n_workers : 1;
  self->interpreters = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_interpreter_free);
  for (guint i = 0; i < n_interpreters; i++)
    g_ptr_array_add (self->interpreters, jg_interpreter_new (i, mode, interval_ms));
  if (async)
    {
      JgAsyncioOptions aio = { 0 };

      aio.hybrid = self->options.model == JG_MODEL_HYBRID;
      aio.hybrid_processes = self->options.hybrid_executor == JG_HYBRID_PROCESSES;
      aio.executor_size = jg_asyncio_executor_size (self->options.workers);
      /* ProcessPoolExecutor () starts os.cpu_count () workers. */
      aio.process_pool.n_workers = process_pool_size (self);
      aio.process_pool.start_method = self->options.start_method;
      aio.process_pool.interpreter = mode;
      aio.process_pool.switch_interval_ms = interval_ms;
      aio.process_pool.time_scale = scale;
      self->asyncio = jg_asyncio_new (self->plan, &aio, self->trace, self->recorder, self->sync,
                                      g_ptr_array_index (self->interpreters, 0), &self->io, self->cancellable);
    }
  if (self->options.model == JG_MODEL_PROCESSES)
    {
      JgProcessPoolOptions pool = { 0 };

      pool.n_workers = self->n_workers;
      pool.start_method = self->options.start_method;
      pool.interpreter = mode;
      pool.switch_interval_ms = interval_ms;
      pool.time_scale = scale;
      pool.io = &self->io;
      self->processes = jg_process_pool_new (self->plan, &pool, self->trace, self->recorder, self->cancellable);
    }

  self->context = g_main_context_ref_thread_default ();
  self->status = JG_RUN_RUNNING;
  self->controller = g_thread_try_new ("jg-run", controller_main, g_object_ref (self), error);
  if (self->controller == NULL)
    {
      self->status = JG_RUN_FAILED;
      self->finished = TRUE;
      g_object_unref (self);
      return FALSE;
    }
  return TRUE;
}

void
jg_run_stop (JgRun *self)
{
  g_return_if_fail (JG_IS_RUN (self));

  g_mutex_lock (&self->lock);
  self->stop_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

JgRunStatus
jg_run_wait (JgRun *self)
{
  g_return_val_if_fail (JG_IS_RUN (self), JG_RUN_FAILED);

  if (self->status == JG_RUN_READY)
    return JG_RUN_READY;

  if (self->context != NULL && g_main_context_acquire (self->context))
    {
      while (!self->finished_emitted && self->controller != NULL)
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
  return jg_run_get_status (self);
}

gboolean
jg_run_is_finished (JgRun *self)
{
  gboolean finished;

  g_return_val_if_fail (JG_IS_RUN (self), FALSE);
  g_mutex_lock (&self->lock);
  finished = self->finished;
  g_mutex_unlock (&self->lock);
  return finished;
}

JgRunStatus
jg_run_get_status (JgRun *self)
{
  JgRunStatus status;

  g_return_val_if_fail (JG_IS_RUN (self), JG_RUN_FAILED);
  g_mutex_lock (&self->lock);
  status = self->status;
  g_mutex_unlock (&self->lock);
  return status;
}

JsonArray *
jg_run_dup_marks (JgRun *self)
{
  JsonArray *copy = json_array_new ();

  g_return_val_if_fail (JG_IS_RUN (self), copy);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < json_array_get_length (self->marks); i++)
    json_array_add_element (copy, json_node_copy (json_array_get_element (self->marks, i)));
  g_mutex_unlock (&self->lock);
  return copy;
}
