/* jg-asyncio-executor.c: the loop's executors (asyncio.to_thread,
 * run_in_executor). The ThreadPoolExecutor's threads start as work arrives, up
 * to the pool's size, as concurrent.futures starts them: a new thread only
 * when no idle one is left. Each runs its jobs under the run's interpreter, so
 * it meets the loop's GIL. The ProcessPoolExecutor is the processes model's
 * JgProcessPool, started on its first job. Both hand each finished job back
 * with uv_async_send, the one call another thread may make into the loop. */
#define G_LOG_DOMAIN "jg-asyncio"

#include <glib/gi18n-lib.h>
#include <unistd.h>

#include "jg-asyncio-private.h"

struct _JgAioJob
{
  JgAioExecutor *executor;
  guint32        task;
  char          *name;
  const JgStep  *steps;
  guint          n_steps;
  JgAioDone      done;     /* loop thread only; NULL once abandoned */
  gpointer       data;
  gboolean       in_process;

  /* Written by the pool thread before it hands the job back. */
  JgEndStatus    status;
  const char    *message;  /* interned */
};

typedef struct
{
  JgAioExecutor *executor;
  GThread       *thread;
  guint32        lane;
} PoolThread;

struct _JgAioExecutor
{
  guint              max_threads;
  JgTrace           *trace;
  JgRecorder        *recorder;
  JgSync            *sync;
  JgInterpreter     *interp;
  const JgIoContext *io;
  GCancellable      *cancellable;
  uv_async_t        *wake;
  JgProcessPoolOptions process_options;
  JgProcessPool     *processes;  /* started on its first job */

  GAsyncQueue       *queue;      /* JgAioJob *, or the executor itself: "leave" */
  gint               idle;       /* atomic: threads free for the next job */

  GMutex             lock;       /* guards finished */
  GQueue             finished;   /* JgAioJob *, ended, not yet dispatched */

  /* Loop thread only. */
  GPtrArray         *threads;    /* PoolThread * */
  guint              n_pending;
  guint              n_jobs;
  guint              n_process_jobs;
  JsonArray         *marks;
};

JgAioExecutor *
jg_aio_executor_new (guint                       max_threads,
                     const JgProcessPoolOptions *processes,
                     JgTrace                    *trace,
                     JgRecorder                 *recorder,
                     JgSync                     *sync,
                     JgInterpreter              *interp,
                     const JgIoContext          *io,
                     GCancellable               *cancellable,
                     uv_async_t                 *wake)
{
  JgAioExecutor *self = g_new0 (JgAioExecutor, 1);

  self->process_options = *processes;
  self->process_options.io = io;

  self->max_threads = CLAMP (max_threads, 1, JG_AIO_MAX_EXECUTOR_THREADS);
  self->trace = trace;
  self->recorder = recorder;
  self->sync = sync;
  self->interp = interp;
  self->io = io;
  self->cancellable = cancellable;
  self->wake = wake;
  self->queue = g_async_queue_new ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->finished);
  self->threads = g_ptr_array_new ();
  self->marks = json_array_new ();
  return self;
}

void
jg_aio_executor_free (JgAioExecutor *self)
{
  if (self == NULL)
    return;

  g_warn_if_fail (self->n_pending == 0);
  g_clear_pointer (&self->processes, jg_process_pool_free);
  for (guint i = 0; i < self->threads->len; i++)
    g_async_queue_push (self->queue, self);
  for (guint i = 0; i < self->threads->len; i++)
    {
      PoolThread *pool_thread = g_ptr_array_index (self->threads, i);

      g_thread_join (pool_thread->thread);
      g_free (pool_thread);
    }
  g_ptr_array_unref (self->threads);
  g_async_queue_unref (self->queue);
  g_mutex_clear (&self->lock);
  json_array_unref (self->marks);
  g_free (self);
}

static gboolean
run_step (JgThreadState  *ts,
          JgSync         *sync,
          const JgStep   *step,
          gint64         *reg_value,
          guint64        *reg_version,
          guint          *reg_variable,
          gboolean       *reg_loaded,
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
    case JG_STEP_READ:
      *reg_value = jg_sync_read (sync, ts, step->object, reg_version);
      *reg_variable = step->object;
      *reg_loaded = TRUE;
      return TRUE;
    case JG_STEP_WRITE:
      if (!*reg_loaded || *reg_variable != step->object)
        *reg_value = jg_sync_read (sync, ts, step->object, reg_version);
      jg_sync_write (sync, ts, step->object, *reg_value + step->value, *reg_version);
      *reg_loaded = FALSE;
      return TRUE;
    case JG_STEP_TRANSFER:
      /* A thread shares the interpreter's memory: nothing is pickled. */
      return TRUE;
    case JG_STEP_FAIL:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, step->message);
      return FALSE;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Step kind %d cannot run in an executor"),
                   (int) step->kind);
      return FALSE;
    }
}

/* A work item: the same life as a task of the threads model (jg-executor.c). */
static void
run_job (JgThreadState *ts,
         JgAioJob      *job)
{
  JgAioExecutor *self = job->executor;
  g_autoptr (GError) error = NULL;
  gint64 reg_value = 0;
  guint64 reg_version = 0;
  guint reg_variable = 0;
  gboolean reg_loaded = FALSE;

  ts->task = job->task;
  jg_probe_emit (ts->probe, job->task, JG_EVENT_TASK_BEGIN, 0);
  if (jg_thread_state_enter (ts, &error))
    {
      for (guint i = 0; i < job->n_steps; i++)
        {
          if (i > 0 && !jg_thread_state_checkpoint (ts, &error))
            break;
          if (!run_step (ts, self->sync, &job->steps[i], &reg_value, &reg_version, &reg_variable,
                         &reg_loaded, &error))
            break;
        }
    }

  if (error == NULL)
    job->status = JG_END_OK;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    job->status = JG_END_CANCELLED;
  else
    job->status = JG_END_ERROR;
  job->message = error != NULL ? g_intern_string (job->status == JG_END_CANCELLED ? "CancelledError"
                                                                                  : error->message)
                               : NULL;
  jg_probe_emit_leave (ts->probe, job->task, JG_EVENT_TASK_END, JG_END_ARG (job->status, 0));
  jg_thread_state_leave (ts);
}

static gpointer
pool_thread_main (gpointer data)
{
  PoolThread *pool_thread = data;
  JgAioExecutor *self = pool_thread->executor;
  JgProbe *probe = jg_recorder_open_probe (self->recorder, pool_thread->lane);
  JgThreadState ts;

  jg_thread_state_init (&ts, self->interp, probe, self->cancellable, self->io);
  for (;;)
    {
      gpointer item = g_async_queue_pop (self->queue);
      JgAioJob *job;

      if (item == self)
        break;
      job = item;
      run_job (&ts, job);

      /* Free before the loop hears of it, so that the job this one's end
       * leads to finds an idle thread instead of starting another. */
      g_atomic_int_inc (&self->idle);
      /* Sent under the lock: once the loop has taken the job (and may close
       * its handle for lack of anything pending), this thread is done with it. */
      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->finished, job);
      uv_async_send (self->wake);
      g_mutex_unlock (&self->lock);
    }
  jg_thread_state_clear (&ts);
  jg_recorder_close_probe (self->recorder, probe);
  return NULL;
}

/* ThreadPoolExecutor._adjust_thread_count: an idle thread takes the job if
 * there is one; otherwise a new thread starts while the pool is not full. */
static gboolean
take_idle_thread (JgAioExecutor *self)
{
  gint idle;

  do
    {
      idle = g_atomic_int_get (&self->idle);
      if (idle <= 0)
        return FALSE;
    }
  while (!g_atomic_int_compare_and_exchange (&self->idle, idle, idle - 1));
  return TRUE;
}

static void
start_thread (JgAioExecutor *self)
{
  g_autofree char *name = g_strdup_printf ("Executor thread %u", self->threads->len + 1);
  g_autoptr (GError) error = NULL;
  PoolThread *pool_thread = g_new0 (PoolThread, 1);

  pool_thread->executor = self;
  pool_thread->lane = jg_trace_add_worker (self->trace, name, JG_WORKER_THREAD, (gint32) getpid ());
  pool_thread->thread = g_thread_try_new ("jg-aio-pool", pool_thread_main, pool_thread, &error);
  if (pool_thread->thread == NULL)
    {
      /* The job waits for the threads there are (submit refuses it if none). */
      g_warning ("Could not start an executor thread: %s", error->message);
      g_free (pool_thread);
      return;
    }
  g_ptr_array_add (self->threads, pool_thread);
}

JgAioJob *
jg_aio_executor_submit (JgAioExecutor *self,
                        guint32        task,
                        const char    *name,
                        const JgStep  *steps,
                        guint          n_steps,
                        JgAioDone      done,
                        gpointer       data)
{
  JgAioJob *job;

  if (!take_idle_thread (self) && self->threads->len < self->max_threads)
    start_thread (self);
  /* As Python says when the OS refuses a thread. */
  if (self->threads->len == 0)
    return NULL;

  job = g_new0 (JgAioJob, 1);
  job->executor = self;
  job->task = task;
  job->name = g_strdup (name);
  job->steps = steps;
  job->n_steps = n_steps;
  job->done = done;
  job->data = data;
  self->n_pending++;
  self->n_jobs++;
  g_async_queue_push (self->queue, job);
  return job;
}

/* The process pool's thread: the job has ended in a worker (or never ran). */
static void
on_process_job_done (gpointer     data,
                     JgEndStatus  status,
                     const char  *message)
{
  JgAioJob *job = data;
  JgAioExecutor *self = job->executor;

  job->status = status;
  if (status == JG_END_CANCELLED)
    job->message = g_intern_static_string ("CancelledError");
  else
    job->message = message != NULL ? g_intern_string (message) : NULL;
  /* As a pool thread hands a job back (pool_thread_main). */
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->finished, job);
  uv_async_send (self->wake);
  g_mutex_unlock (&self->lock);
}

JgAioJob *
jg_aio_executor_submit_process (JgAioExecutor  *self,
                                guint32         task,
                                const char     *name,
                                const JgStep   *steps,
                                guint           n_steps,
                                JgAioDone       done,
                                gpointer        data,
                                GError        **error)
{
  JgAioJob *job;

  /* What ProcessPoolExecutor would fail to pickle fails the call. */
  if (!jg_process_pool_check_steps (steps, n_steps, error))
    return NULL;
  if (self->processes == NULL)
    {
      g_autoptr (JgProcessPool) pool = jg_process_pool_new (NULL, &self->process_options, self->trace,
                                                            self->recorder, self->cancellable);

      if (!jg_process_pool_start (pool, error))
        return NULL;
      self->processes = g_steal_pointer (&pool);
    }

  job = g_new0 (JgAioJob, 1);
  job->executor = self;
  job->task = task;
  job->name = g_strdup (name);
  job->steps = steps;
  job->n_steps = n_steps;
  job->done = done;
  job->data = data;
  job->in_process = TRUE;
  self->n_pending++;
  self->n_jobs++;
  self->n_process_jobs++;
  jg_process_pool_submit (self->processes, steps, n_steps, task, on_process_job_done, job);
  return job;
}

JgProcessPool *
jg_aio_executor_steal_process_pool (JgAioExecutor *self)
{
  g_warn_if_fail (self->n_pending == 0);
  if (self->processes != NULL)
    jg_process_pool_shutdown (self->processes);
  return g_steal_pointer (&self->processes);
}

void
jg_aio_job_abandon (JgAioJob *job)
{
  g_return_if_fail (job != NULL);
  job->done = NULL;
}

void
jg_aio_executor_dispatch (JgAioExecutor *self)
{
  GQueue finished = G_QUEUE_INIT;
  JgAioJob *job;

  g_mutex_lock (&self->lock);
  finished = self->finished;
  g_queue_init (&self->finished);
  g_mutex_unlock (&self->lock);

  while ((job = g_queue_pop_head (&finished)) != NULL)
    {
      self->n_pending--;
      /* The process pool marks its own errors and crashes. */
      if (job->status == JG_END_ERROR && !job->in_process)
        {
          JsonObject *mark = json_object_new ();

          json_object_set_string_member (mark, "kind", "error");
          json_object_set_string_member (mark, "task", job->name);
          json_object_set_string_member (mark, "message", job->message);
          json_array_add_object_element (self->marks, mark);
        }
      if (job->done != NULL)
        job->done (job->data, job->status == JG_END_OK, job->message);
      g_free (job->name);
      g_free (job);
    }
}

guint
jg_aio_executor_n_pending (JgAioExecutor *self)
{
  return self->n_pending;
}

guint
jg_aio_executor_n_threads (JgAioExecutor *self)
{
  return self->threads->len;
}

guint
jg_aio_executor_n_jobs (JgAioExecutor *self)
{
  return self->n_jobs;
}

guint
jg_aio_executor_n_process_jobs (JgAioExecutor *self)
{
  return self->n_process_jobs;
}

void
jg_aio_executor_add_marks (JgAioExecutor *self,
                           JsonArray     *marks)
{
  for (guint i = 0; i < json_array_get_length (self->marks); i++)
    json_array_add_element (marks, json_node_copy (json_array_get_element (self->marks, i)));
}
