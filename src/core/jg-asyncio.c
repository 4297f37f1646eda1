/* jg-asyncio.c: asyncio.run () on a libuv loop. Each task of the plan is a
 * coroutine: a program counter over its steps, run by the loop's one thread
 * until it awaits something. What it awaits (a timer, a socket, a file, an
 * executor job, other tasks, a lock) wakes it later: it is then Ready, and
 * runs when the loop reaches it in its ready queue, in FIFO order, as
 * asyncio's _run_once does. Every change is an event on the loop's lane. */
#define G_LOG_DOMAIN "jg-asyncio"

#include <unistd.h>

#include "jg-asyncio-private.h"
#include "jg-clock.h"
#include "jg-cpu.h"

typedef struct _Coro Coro;
typedef struct _Group Group;

typedef enum
{
  CORO_NEW = 0,  /* not started (a child whose step has not run yet) */
  CORO_READY,    /* in the ready queue */
  CORO_RUNNING,
  CORO_WAITING,  /* suspended at an await */
  CORO_DONE,
} CoroState;

typedef enum
{
  WAIT_NONE = 0,
  WAIT_IO,         /* a timer, socket or file operation */
  WAIT_JOB,        /* an executor job */
  WAIT_GROUP,      /* its own group step: other tasks */
  WAIT_LOCK,
  WAIT_SEMAPHORE,
  WAIT_QUEUE_PUT,
  WAIT_QUEUE_GET,
} WaitKind;

/* What the await a coroutine was woken from ended with. */
typedef enum
{
  RESUME_VALUE = 0,
  RESUME_ERROR,
  RESUME_CANCELLED,
} ResumeKind;

struct _Coro
{
  JgAsyncio        *aio;
  guint32           task;
  const char       *name;
  const JgPlanTask *plan;
  Coro             *parent;        /* the task that started it; NULL at the top */
  Group            *group;         /* the group step that waits for it, if any */
  CoroState         state;
  guint             pc;
  WaitKind          wait;
  guint             wait_object;
  JgIoKind          io_kind;       /* WAIT_IO */
  JgAioOp          *op;
  JgAioJob         *job;
  const JgStep     *awaited;       /* the step of its simple await, for catch */
  WaitKind          granted;       /* a lock, permit or queue slot handed over while it waited */
  guint             granted_object;
  ResumeKind        resume;
  const char       *resume_error;
  gboolean          cancel_requested;
  JgEndStatus       end;
  const char       *error;         /* interned, when it ended with an error */
  Group            *awaiting;      /* its group step in progress */
  const char       *spawn_name;    /* spawned: the name await and cancel know it by */
  gboolean          taken;         /* spawned: an await step took it */
  GPtrArray        *spawned;       /* Coro *: the tasks its spawn steps started */

  /* READ/WRITE, as in the threads model. */
  gint64            reg_value;
  guint64           reg_version;
  guint             reg_variable;
  gboolean          reg_loaded;
};

struct _Group
{
  Coro         *owner;
  const JgStep *step;
  guint         step_pc;
  Coro        **children;
  guint         n_children;
  guint         n_done;
  guint         next;           /* results handed over so far */
  GQueue        finished;       /* AS_COMPLETED: ended, not yet handed over */
  Coro         *first_failure;  /* the first child to end other than ok */
  guint         n_errors;
  gboolean      cancelling;     /* its children are being cancelled */
  gboolean      timed_out;
  gboolean      in_body;        /* the owner runs the steps for one result */
  gboolean      results_marked;
  JgAioOp      *deadline;
};

/* asyncio.Lock, Semaphore and Queue: the loop's own, no mutex needed. */
typedef struct
{
  const char *name;
  guint32     name_id;
  gint64      count;     /* semaphores: the value; queues: the length */
  gint64      capacity;  /* queues: maxsize, 0 for unbounded */
  Coro       *owner;     /* locks */
  GQueue      waiters;   /* Coro *: lock and semaphore waiters, queue getters */
  GQueue      putters;   /* Coro *: queue putters waiting for room */
  guint32     counter;   /* queues: the length's counter lane */
} Prim;

struct _JgAsyncio
{
  const JgScenarioPlan *plan;
  JgAsyncioOptions      options;
  JgTrace              *trace;
  JgRecorder           *recorder;
  JgSync               *sync;
  JgInterpreter        *interp;
  JgGil                *gil;
  const JgIoContext    *io_context;
  GCancellable         *cancellable;

  guint32               worker;      /* the loop's lane */
  JgProbe              *probe;
  JgThreadState         ts;          /* the loop thread's, for shared variables */
  guint64               cpu_state;

  uv_loop_t             loop;
  uv_idle_t             idle;        /* active while the ready queue is not empty */
  uv_prepare_t          prepare;     /* just before each poll */
  uv_async_t            wake;        /* executor jobs ended */
  uv_async_t            stop;        /* the run's cancellable */
  uv_timer_t            monitor;     /* samples loop lag */
  guint64               monitor_due_ns;
  gulong                cancel_handler;
  gboolean              loop_ready;

  JgAioIo               io;
  JgAioExecutor        *executor;
  JgProcessPool        *processes;   /* after the run, if a job went to processes */

  Coro                 *coros;       /* one per plan task */
  GQueue                ready;
  guint                 n_live;      /* begun, not ended */
  guint                 n_top_live;
  gboolean              main_ended;  /* every top-level task has ended */
  gboolean              stopping;
  gboolean              deadlocked;
  gboolean              closing;

  gboolean              holds_gil;
  guint32               gil_task;    /* the task the loop took the GIL for */

  Prim                 *locks;
  Prim                 *semaphores;
  Prim                 *queues;
  /* The plan's sizes: the plan may be gone when this is freed. */
  guint                 n_tasks;
  guint                 n_locks;
  guint                 n_semaphores;
  guint                 n_queues;

  guint32               id_blocking;
  guint32               id_timeout;
  guint32               id_deadlock;

  /* For the results. */
  JsonArray            *marks;
  JsonArray            *executor_marks;
  JsonObject           *order;       /* task name -> names of its results, in the order taken */
  guint                 n_coroutines;
  guint                 n_timeouts;
  guint                 n_cancelled;
  guint                 n_errors;
  guint                 n_executor_jobs;
  guint                 n_executor_threads;
  guint                 n_process_jobs;
};

static void run_coro          (JgAsyncio *self,
                               Coro      *c);
static void end_coro          (JgAsyncio  *self,
                               Coro       *c,
                               JgEndStatus status,
                               const char *error);
static void cancel_coro       (JgAsyncio  *self,
                               Coro       *c,
                               const char *by);
static void group_child_done  (JgAsyncio *self,
                               Group     *g,
                               Coro      *child);

/* Small things */

static double
now_s (JgAsyncio *self)
{
  return (jg_clock_now_ns () - jg_trace_get_epoch_ns (self->trace)) / 1e9;
}

static void
mark (JgAsyncio  *self,
      Coro       *c,
      const char *text)
{
  jg_probe_emit (self->probe, c->task, JG_EVENT_MARK, jg_trace_intern (self->trace, text));
}

static JsonObject *
add_mark (JgAsyncio  *self,
          const char *kind,
          Coro       *c)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "kind", kind);
  json_object_set_string_member (object, "task", c->name);
  json_object_set_double_member (object, "time_s", now_s (self));
  json_array_add_object_element (self->marks, object);
  return object;
}

static gboolean
other_threads (JgAsyncio *self)
{
  return jg_aio_executor_n_threads (self->executor) > 0;
}

/* The GIL on the loop's thread. The loop holds it while coroutines run and
 * lets it go where CPython's loop does (in select (), around blocking calls),
 * but only when there is another Python thread to take it: alone, releasing
 * would change nothing and only add noise to the GIL lane. */

static gboolean
loop_take (JgAsyncio *self,
           Coro      *c)
{
  if (self->gil == NULL)
    {
      jg_probe_emit_run (self->probe, c->task);
      return TRUE;
    }
  if (!jg_gil_take (self->gil, self->probe, c->task))
    return FALSE;
  self->holds_gil = TRUE;
  self->gil_task = c->task;
  return TRUE;
}

static void
loop_release (JgAsyncio   *self,
              JgGilReason  reason)
{
  if (!self->holds_gil)
    return;
  jg_gil_drop (self->gil, self->probe, self->gil_task, reason);
  self->holds_gil = FALSE;
}

/* @c is about to run: it runs once the loop holds the GIL. */
static gboolean
loop_enter (JgAsyncio *self,
            Coro      *c)
{
  if (self->holds_gil && !jg_gil_drop_requested (self->gil))
    {
      jg_probe_emit_run (self->probe, c->task);
      return TRUE;
    }
  /* A pool thread asked for it: hand it over before running Python again. */
  loop_release (self, JG_GIL_DROP_INTERVAL);
  return loop_take (self, c);
}

/* The eval breaker while @c runs: a stop, or a drop request from a pool thread. */
static gboolean
loop_checkpoint (JgAsyncio *self,
                 Coro      *c)
{
  if (g_cancellable_is_cancelled (self->cancellable))
    return FALSE;
  if (self->holds_gil && jg_gil_drop_requested (self->gil))
    {
      jg_probe_emit_leave (self->probe, c->task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
      loop_release (self, JG_GIL_DROP_INTERVAL);
      return loop_take (self, c);
    }
  return TRUE;
}

/* CPU work inside a coroutine runs on the loop's thread: nothing else on the
 * loop runs meanwhile. */
static gboolean
loop_cpu (JgAsyncio *self,
          Coro      *c,
          double     ms,
          gboolean   releases_gil)
{
  double per_ms = jg_cpu_get_iterations_per_ms ();
  guint64 remaining = (guint64) (MAX (ms, 0) * per_ms * jg_interpreter_get_cpu_factor (self->interp) + 0.5);
  guint64 slice = MAX ((guint64) (per_ms * JG_CPU_SLICE_MS), 1);
  gboolean released = FALSE;

  if (releases_gil && self->holds_gil && other_threads (self))
    {
      loop_release (self, JG_GIL_DROP_IO);
      released = TRUE;
    }
  while (remaining > 0)
    {
      guint64 n = MIN (slice, remaining);

      self->cpu_state = jg_cpu_spin (n, self->cpu_state);
      remaining -= n;
      if (!loop_checkpoint (self, c))
        return FALSE;
    }
  return released ? loop_take (self, c) : TRUE;
}

/* time.sleep () in a coroutine: the thread sleeps, so the whole loop does. */
static gboolean
loop_block (JgAsyncio *self,
            Coro      *c,
            double     ms)
{
  gboolean released = FALSE;
  gboolean ok;

  jg_probe_emit (self->probe, c->task, JG_EVENT_MARK, self->id_blocking);
  jg_probe_emit_leave (self->probe, c->task, JG_EVENT_SUSPEND, JG_SUSPEND_SLEEP);
  if (self->holds_gil && other_threads (self))
    {
      loop_release (self, JG_GIL_DROP_IO);
      released = TRUE;
    }
  jg_probe_emit (self->probe, c->task, JG_EVENT_IO_BEGIN, JG_IO_SLEEP);
  ok = jg_sleep_ms (ms, self->cancellable, NULL);
  jg_probe_emit (self->probe, c->task, JG_EVENT_IO_END, JG_IO_SLEEP);
  if (!ok)
    return FALSE;
  if (released || self->gil == NULL)
    return loop_take (self, c);
  jg_probe_emit_run (self->probe, c->task);
  return TRUE;
}

/* Scheduling */

static void
on_idle (uv_idle_t *idle);

static void
schedule (JgAsyncio *self,
          Coro      *c)
{
  c->state = CORO_READY;
  g_queue_push_tail (&self->ready, c);
  uv_idle_start (&self->idle, on_idle);
}

/* What @c waited for is over: it is Ready, and runs in its turn. */
static void
wake (JgAsyncio  *self,
      Coro       *c,
      ResumeKind  resume,
      const char *error)
{
  g_assert (c->state == CORO_WAITING);

  c->wait = WAIT_NONE;
  c->resume = resume;
  c->resume_error = error;
  jg_probe_emit (self->probe, c->task, JG_EVENT_SUSPEND, JG_SUSPEND_READY);
  schedule (self, c);
}

static void
suspend (JgAsyncio       *self,
         Coro            *c,
         JgSuspendReason  reason,
         WaitKind         wait,
         guint            object)
{
  jg_probe_emit_leave (self->probe, c->task, JG_EVENT_SUSPEND, reason);
  c->state = CORO_WAITING;
  c->wait = wait;
  c->wait_object = object;
}

/* create_task: Ready at once; it runs when the loop gets to it. */
static Coro *
start_coro (JgAsyncio *self,
            guint      task,
            Coro      *parent)
{
  Coro *c = &self->coros[task];

  g_assert (c->state == CORO_NEW);
  c->parent = parent;
  self->n_live++;
  self->n_coroutines++;
  if (parent == NULL)
    self->n_top_live++;
  jg_probe_emit (self->probe, c->task, JG_EVENT_TASK_BEGIN, 0);
  schedule (self, c);
  return c;
}

/* Leaving a wait early (cancelled, or the run stopped): the operation is
 * abandoned, the queue of waiters forgets it. */
static void
leave_wait (JgAsyncio *self,
            Coro      *c)
{
  switch (c->wait)
    {
    case WAIT_IO:
      jg_aio_op_abandon (c->op);
      c->op = NULL;
      jg_probe_emit (self->probe, c->task, JG_EVENT_IO_END, c->io_kind);
      break;
    case WAIT_JOB:
      jg_aio_job_abandon (c->job);
      c->job = NULL;
      break;
    case WAIT_LOCK:
      g_queue_remove (&self->locks[c->wait_object].waiters, c);
      break;
    case WAIT_SEMAPHORE:
      g_queue_remove (&self->semaphores[c->wait_object].waiters, c);
      break;
    case WAIT_QUEUE_GET:
      g_queue_remove (&self->queues[c->wait_object].waiters, c);
      break;
    case WAIT_QUEUE_PUT:
      g_queue_remove (&self->queues[c->wait_object].putters, c);
      break;
    case WAIT_GROUP:
    case WAIT_NONE:
    default:
      break;
    }
  c->wait = WAIT_NONE;
}

/* Locks, semaphores and queues. A waiter is handed what it waits for (the
 * lock, a permit, an item, a free slot) and then woken, first come first
 * served, as asyncio's are since 3.11. */

static void
sample_queue (JgAsyncio *self,
              Prim      *queue)
{
  jg_probe_emit (self->probe, queue->counter, JG_EVENT_COUNTER, (guint32) CLAMP (queue->count, 0, G_MAXUINT32));
}

static void
grant (JgAsyncio *self,
       Coro      *c,
       WaitKind   kind,
       guint      object)
{
  c->granted = kind;
  c->granted_object = object;
  wake (self, c, RESUME_VALUE, NULL);
}

static void
lock_release (JgAsyncio *self,
              guint      index)
{
  Prim *lock = &self->locks[index];
  Coro *next = g_queue_pop_head (&lock->waiters);

  lock->owner = next;
  if (next != NULL)
    grant (self, next, WAIT_LOCK, index);
}

static void
semaphore_release (JgAsyncio *self,
                   guint      index)
{
  Prim *semaphore = &self->semaphores[index];
  Coro *next = g_queue_pop_head (&semaphore->waiters);

  if (next != NULL)
    grant (self, next, WAIT_SEMAPHORE, index);
  else
    semaphore->count++;
}

/* An item arrives: a waiting getter takes it at once, or it is queued. */
static void
queue_add_item (JgAsyncio *self,
                guint      index)
{
  Prim *queue = &self->queues[index];
  Coro *getter = g_queue_pop_head (&queue->waiters);

  if (getter != NULL)
    {
      grant (self, getter, WAIT_QUEUE_GET, index);
      return;
    }
  queue->count++;
  sample_queue (self, queue);
}

/* A slot frees up: a waiting putter's item fills it. */
static void
queue_slot_freed (JgAsyncio *self,
                  guint      index)
{
  Prim *queue = &self->queues[index];
  Coro *putter = g_queue_pop_head (&queue->putters);

  if (putter == NULL)
    return;
  queue->count++;
  sample_queue (self, queue);
  grant (self, putter, WAIT_QUEUE_PUT, index);
}

/* It runs again and takes what it was handed. */
static void
take_grant (JgAsyncio *self,
            Coro      *c)
{
  if (c->granted == WAIT_LOCK)
    jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_ACQUIRE, self->locks[c->granted_object].name_id);
  else if (c->granted == WAIT_SEMAPHORE)
    jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_ACQUIRE, self->semaphores[c->granted_object].name_id);
  c->granted = WAIT_NONE;
}

/* Cancelled before it ran: what it was handed goes to the next in line. */
static void
undo_grant (JgAsyncio *self,
            Coro      *c)
{
  WaitKind granted = c->granted;

  c->granted = WAIT_NONE;
  switch (granted)
    {
    case WAIT_LOCK:
      lock_release (self, c->granted_object);
      break;
    case WAIT_SEMAPHORE:
      semaphore_release (self, c->granted_object);
      break;
    case WAIT_QUEUE_GET:
      queue_add_item (self, c->granted_object);
      break;
    default:
      break; /* a put that was granted has already queued its item */
    }
}

static gboolean
step_lock (JgAsyncio *self,
           Coro      *c,
           guint      index)
{
  Prim *lock = &self->locks[index];

  c->pc++;
  if (lock->owner == NULL && g_queue_is_empty (&lock->waiters))
    {
      lock->owner = c;
      jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_ACQUIRE, lock->name_id);
      return TRUE;
    }
  jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_WAIT, lock->name_id);
  g_queue_push_tail (&lock->waiters, c);
  suspend (self, c, JG_SUSPEND_LOCK, WAIT_LOCK, index);
  return FALSE;
}

static gboolean
step_semaphore (JgAsyncio *self,
                Coro      *c,
                guint      index)
{
  Prim *semaphore = &self->semaphores[index];

  c->pc++;
  /* No barging: with waiters in line, a newcomer waits too. */
  if (semaphore->count > 0 && g_queue_is_empty (&semaphore->waiters))
    {
      semaphore->count--;
      jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_ACQUIRE, semaphore->name_id);
      return TRUE;
    }
  jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_WAIT, semaphore->name_id);
  g_queue_push_tail (&semaphore->waiters, c);
  suspend (self, c, JG_SUSPEND_SEMAPHORE, WAIT_SEMAPHORE, index);
  return FALSE;
}

static gboolean
step_put (JgAsyncio *self,
          Coro      *c,
          guint      index)
{
  Prim *queue = &self->queues[index];

  c->pc++;
  if ((queue->capacity == 0 || queue->count < queue->capacity) && g_queue_is_empty (&queue->putters))
    {
      queue_add_item (self, index);
      return TRUE;
    }
  g_queue_push_tail (&queue->putters, c);
  suspend (self, c, JG_SUSPEND_QUEUE, WAIT_QUEUE_PUT, index);
  return FALSE;
}

static gboolean
step_get (JgAsyncio *self,
          Coro      *c,
          guint      index)
{
  Prim *queue = &self->queues[index];

  c->pc++;
  if (queue->count > 0)
    {
      queue->count--;
      sample_queue (self, queue);
      queue_slot_freed (self, index);
      return TRUE;
    }
  g_queue_push_tail (&queue->waiters, c);
  suspend (self, c, JG_SUSPEND_QUEUE, WAIT_QUEUE_GET, index);
  return FALSE;
}

/* Awaiting I/O and executors */

static void
on_io_done (gpointer    data,
            gboolean    ok,
            const char *message)
{
  Coro *c = data;
  JgAsyncio *self = c->aio;

  c->op = NULL;
  jg_probe_emit (self->probe, c->task, JG_EVENT_IO_END, c->io_kind);
  wake (self, c, ok ? RESUME_VALUE : RESUME_ERROR, message);
}

static void
on_job_done (gpointer    data,
             gboolean    ok,
             const char *message)
{
  Coro *c = data;

  c->job = NULL;
  if (ok)
    wake (c->aio, c, RESUME_VALUE, NULL);
  else if (g_strcmp0 (message, "CancelledError") == 0)
    wake (c->aio, c, RESUME_CANCELLED, NULL);
  else
    wake (c->aio, c, RESUME_ERROR, message);
}

/* Raises @message where @c is: caught if the step says so, else it ends @c. */
static gboolean
raise_at (JgAsyncio    *self,
          Coro         *c,
          const JgStep *step,
          const char   *message)
{
  if (step != NULL && (step->async_flags & JG_STEP_CATCH))
    {
      g_autofree char *text = g_strdup_printf ("caught %s", message);

      mark (self, c, text);
      json_object_set_string_member (add_mark (self, "caught", c), "message", message);
      return TRUE;
    }
  end_coro (self, c, JG_END_ERROR, message);
  return FALSE;
}

static gboolean
step_io (JgAsyncio    *self,
         Coro         *c,
         const JgStep *step)
{
  if (step->io_kind == JG_IO_SLEEP && step->ms <= 0)
    {
      /* asyncio.sleep (0): a bare yield to the other ready tasks. */
      c->pc++;
      jg_probe_emit_leave (self->probe, c->task, JG_EVENT_SUSPEND, JG_SUSPEND_READY);
      schedule (self, c);
      return FALSE;
    }
  if ((step->io_kind == JG_IO_SOCKET && self->io.port == 0)
      || (step->io_kind == JG_IO_FILE && self->io.scratch_dir == NULL)
      || (step->io_kind != JG_IO_SLEEP && step->io_kind != JG_IO_SOCKET && step->io_kind != JG_IO_FILE))
    {
      g_autofree char *text = g_strdup_printf ("NotImplementedError: no %s I/O on this loop",
                                               jg_io_kind_name (step->io_kind));

      c->pc++;
      return raise_at (self, c, NULL, g_intern_string (text));
    }

  c->pc++;
  c->awaited = step;
  c->io_kind = step->io_kind;
  suspend (self, c, JG_SUSPEND_AWAIT, WAIT_IO, 0);
  jg_probe_emit (self->probe, c->task, JG_EVENT_IO_BEGIN, step->io_kind);
  switch (step->io_kind)
    {
    case JG_IO_SLEEP:
      c->op = jg_aio_sleep (&self->io, step->ms, on_io_done, c);
      break;
    case JG_IO_SOCKET:
      c->op = jg_aio_socket (&self->io, step->ms, on_io_done, c);
      break;
    default:
      c->op = jg_aio_file (&self->io, step->ms, on_io_done, c);
      break;
    }
  return FALSE;
}

/* Hands @n_steps steps to the thread pool, or the process pool if
 * @in_process, as task @task; @c awaits the result. */
static gboolean
await_job (JgAsyncio    *self,
           Coro         *c,
           const JgStep *step,
           guint32       task,
           const char   *name,
           const JgStep *steps,
           guint         n_steps,
           gboolean      in_process)
{
  g_autoptr (GError) error = NULL;
  JgAioJob *job;

  c->pc++;
  if (in_process)
    job = jg_aio_executor_submit_process (self->executor, task, name, steps, n_steps, on_job_done, c, &error);
  else
    job = jg_aio_executor_submit (self->executor, task, name, steps, n_steps, on_job_done, c);
  if (job == NULL && error != NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s",
                                                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
                                                  ? "PicklingError" : "RuntimeError",
                                                  error->message);

      return raise_at (self, c, step, g_intern_string (message));
    }
  if (job == NULL)
    return raise_at (self, c, step, "RuntimeError: can't start new thread");
  c->job = job;
  c->awaited = step;
  suspend (self, c, JG_SUSPEND_AWAIT, WAIT_JOB, 0);
  return FALSE;
}

/* The hybrid model: `await loop.run_in_executor (pool, work)` around a
 * computing or blocking step, on a lane of its own. */
static gboolean
step_offload (JgAsyncio    *self,
              Coro         *c,
              const JgStep *step)
{
  g_autofree char *name = g_strdup_printf ("%s → %s", c->name,
                                           self->options.hybrid_processes ? "process" : "thread");
  guint32 lane = jg_trace_add_task (self->trace, name, c->task);

  return await_job (self, c, step, lane, name, step, 1, self->options.hybrid_processes);
}

static gboolean
step_to_thread (JgAsyncio    *self,
                Coro         *c,
                const JgStep *step)
{
  const JgPlanTask *body = &self->plan->tasks[step->child];

  return await_job (self, c, step, step->child, body->name, body->steps, body->n_steps,
                    (step->async_flags & JG_STEP_IN_PROCESSES) != 0);
}

/* Groups: gather, TaskGroup, as_completed, map, wait_for and await. */

static gboolean
group_all_done (Group *g)
{
  return g->n_done == g->n_children;
}

/* Whether the owner, run now, would get further than waiting again. */
static gboolean
group_can_go_on (Group *g)
{
  if (g->cancelling)
    return group_all_done (g);
  switch (g->step->kind)
    {
    case JG_STEP_GATHER:
    case JG_STEP_AWAIT:
      return group_all_done (g)
          || (g->first_failure != NULL && !(g->step->async_flags & JG_STEP_RETURN_EXCEPTIONS));
    case JG_STEP_AS_COMPLETED:
      return !g_queue_is_empty (&g->finished) || g->next == g->n_children;
    case JG_STEP_MAP:
      return g->next == g->n_children || g->children[g->next]->state == CORO_DONE;
    default:
      return group_all_done (g);
    }
}

static void
group_wake_owner (JgAsyncio *self,
                  Group     *g)
{
  Coro *owner = g->owner;

  if (owner->state == CORO_WAITING && owner->wait == WAIT_GROUP && group_can_go_on (g))
    wake (self, owner, RESUME_VALUE, NULL);
}

static void
group_stop_deadline (Group *g)
{
  if (g->deadline != NULL)
    {
      jg_aio_op_abandon (g->deadline);
      g->deadline = NULL;
    }
}

/* The owner no longer waits: children still running go on without it. */
static void
group_free (Group *g)
{
  group_stop_deadline (g);
  for (guint i = 0; i < g->n_children; i++)
    if (g->children[i]->group == g)
      g->children[i]->group = NULL;
  g_queue_clear (&g->finished);
  g_free (g->children);
  g_free (g);
}

static void
group_cancel_children (JgAsyncio  *self,
                       Group      *g,
                       const char *by)
{
  g->cancelling = TRUE;
  group_stop_deadline (g);
  for (guint i = 0; i < g->n_children; i++)
    if (g->children[i]->state != CORO_DONE)
      cancel_coro (self, g->children[i], by);
  group_wake_owner (self, g);
}

/* A child ended, or was found ended when the group began. */
static void
group_note_done (JgAsyncio *self,
                 Group     *g,
                 Coro      *child)
{
  g->n_done++;
  if (child->end != JG_END_OK && g->first_failure == NULL)
    g->first_failure = child;
  if (child->end == JG_END_ERROR)
    g->n_errors++;
  if (g->step->kind == JG_STEP_AS_COMPLETED)
    g_queue_push_tail (&g->finished, child);
  if (group_all_done (g))
    group_stop_deadline (g);
  /* A TaskGroup cancels the others as soon as one fails. */
  if (g->step->kind == JG_STEP_TASKGROUP && child->end == JG_END_ERROR && !g->cancelling)
    group_cancel_children (self, g, "TaskGroup");
}

static void
group_child_done (JgAsyncio *self,
                  Group     *g,
                  Coro      *child)
{
  child->group = NULL;
  group_note_done (self, g, child);
  group_wake_owner (self, g);
}

static void
on_deadline (gpointer    data,
             gboolean    ok,
             const char *message)
{
  Group *g = data;
  Coro *owner = g->owner;
  JgAsyncio *self = owner->aio;
  JsonObject *object;

  g->deadline = NULL;
  g->timed_out = TRUE;
  self->n_timeouts++;
  jg_probe_emit (self->probe, owner->task, JG_EVENT_MARK, self->id_timeout);
  object = add_mark (self, "timeout", owner);
  json_object_set_string_member (object, "step", jg_asyncio_step_name (g->step->kind));
  json_object_set_double_member (object, "timeout_s", g->step->timeout_ms / 1e3);
  group_cancel_children (self, g, "timeout");
}

static Group *
group_new (JgAsyncio    *self,
           Coro         *c,
           const JgStep *step)
{
  Group *g = g_new0 (Group, 1);

  g->owner = c;
  g->step = step;
  g->step_pc = c->pc;
  g_queue_init (&g->finished);

  if (step->kind == JG_STEP_AWAIT)
    {
      /* The spawned tasks of that name (or all) that no await took yet. */
      g->children = g_new0 (Coro *, MAX (c->spawned != NULL ? c->spawned->len : 0, 1));
      for (guint i = 0; c->spawned != NULL && i < c->spawned->len; i++)
        {
          Coro *child = g_ptr_array_index (c->spawned, i);

          if (!child->taken && (step->message == NULL || child->spawn_name == step->message))
            {
              child->taken = TRUE;
              g->children[g->n_children++] = child;
            }
        }
    }
  else
    {
      g->children = g_new0 (Coro *, MAX (step->n_children, 1));
      for (guint i = 0; i < step->n_children; i++)
        g->children[g->n_children++] = start_coro (self, step->child + i, c);
    }

  c->awaiting = g;
  for (guint i = 0; i < g->n_children; i++)
    {
      if (g->children[i]->state == CORO_DONE)
        group_note_done (self, g, g->children[i]);
      else
        g->children[i]->group = g;
    }
  if (step->timeout_ms > 0 && !group_all_done (g))
    g->deadline = jg_aio_sleep (&self->io, step->timeout_ms, on_deadline, g);
  return g;
}

/* The group step is over: on to the step after it and its body. */
static void
group_finish (Coro *c)
{
  Group *g = c->awaiting;

  c->pc = g->step_pc + 1 + g->step->n_body;
  c->awaiting = NULL;
  group_free (g);
}

static gboolean
group_raise (JgAsyncio  *self,
             Coro       *c,
             const char *message)
{
  const JgStep *step = c->awaiting->step;

  if (!raise_at (self, c, step, message))
    return FALSE;
  group_finish (c);
  return TRUE;
}

static void
record_order (JgAsyncio *self,
              Coro      *c,
              Coro      *child)
{
  JsonArray *order;

  if (!json_object_has_member (self->order, c->name))
    json_object_set_array_member (self->order, c->name, json_array_new ());
  order = json_object_get_array_member (self->order, c->name);
  json_array_add_string_element (order, child->name);
}

static void
mark_result (JgAsyncio *self,
             Coro      *c,
             Coro      *child)
{
  g_autofree char *text = child->end == JG_END_OK ? g_strdup_printf ("result of %s", child->name)
                                                  : g_strdup_printf ("exception from %s", child->name);

  mark (self, c, text);
}

static const char *
exception_group (Group *g)
{
  g_autofree char *text = g_strdup_printf ("ExceptionGroup: unhandled errors in a TaskGroup "
                                           "(%u sub-exception%s: %s)", g->n_errors,
                                           g->n_errors == 1 ? "" : "s", g->first_failure->error);

  return g_intern_string (text);
}

/* The owner runs at its group step: hand over what is there, or wait. */
static gboolean
group_next (JgAsyncio *self,
            Coro      *c)
{
  Group *g = c->awaiting;
  const JgStep *step = g->step;

  for (;;)
    {
      Coro *child = NULL;

      if (!group_can_go_on (g))
        {
          suspend (self, c, JG_SUSPEND_AWAIT, WAIT_GROUP, 0);
          return FALSE;
        }

      switch (step->kind)
        {
        case JG_STEP_GATHER:
        case JG_STEP_AWAIT:
          if (!g->cancelling && g->first_failure != NULL && !(step->async_flags & JG_STEP_RETURN_EXCEPTIONS))
            {
              /* The first exception propagates at once; the others go on running. */
              if (g->first_failure->end == JG_END_CANCELLED)
                {
                  end_coro (self, c, JG_END_CANCELLED, NULL);
                  return FALSE;
                }
              return group_raise (self, c, g->first_failure->error);
            }
          if (g->timed_out)
            return group_raise (self, c, "TimeoutError");
          if (step->kind == JG_STEP_GATHER && !g->results_marked)
            {
              for (guint i = 0; i < g->n_children; i++)
                mark_result (self, c, g->children[i]);
              g->results_marked = TRUE;
            }
          if (step->n_body > 0 && g->next < g->n_children)
            {
              g->next++;
              g->in_body = TRUE;
              c->pc = g->step_pc + 1;
              return TRUE;
            }
          group_finish (c);
          return TRUE;

        case JG_STEP_TASKGROUP:
          if (g->n_errors > 0)
            return group_raise (self, c, exception_group (g));
          if (g->timed_out)
            return group_raise (self, c, "TimeoutError");
          group_finish (c);
          return TRUE;

        case JG_STEP_WAIT_FOR:
          child = g->children[0];
          if (g->timed_out)
            return group_raise (self, c, "TimeoutError");
          if (child->end == JG_END_CANCELLED)
            {
              end_coro (self, c, JG_END_CANCELLED, NULL);
              return FALSE;
            }
          if (child->end == JG_END_ERROR)
            return group_raise (self, c, child->error);
          group_finish (c);
          return TRUE;

        case JG_STEP_AS_COMPLETED:
        case JG_STEP_MAP:
          if (g->next == g->n_children)
            {
              group_finish (c);
              return TRUE;
            }
          child = step->kind == JG_STEP_AS_COMPLETED ? g_queue_pop_head (&g->finished) : g->children[g->next];
          g->next++;
          record_order (self, c, child);
          mark_result (self, c, child);
          if (child->end != JG_END_OK)
            {
              /* Awaiting that result raises its exception, here; catch takes it
               * and the loop goes on to the next result. */
              if (child->end == JG_END_ERROR && (step->async_flags & JG_STEP_CATCH))
                {
                  raise_at (self, c, step, child->error);
                  continue;
                }
              end_coro (self, c, child->end == JG_END_ERROR ? JG_END_ERROR : JG_END_CANCELLED,
                        child->end == JG_END_ERROR ? child->error : NULL);
              return FALSE;
            }
          if (step->n_body > 0)
            {
              g->in_body = TRUE;
              c->pc = g->step_pc + 1;
              return TRUE;
            }
          continue;

        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
step_spawn (JgAsyncio    *self,
            Coro         *c,
            const JgStep *step)
{
  if (c->spawned == NULL)
    c->spawned = g_ptr_array_new ();
  for (guint i = 0; i < step->n_children; i++)
    {
      Coro *child = start_coro (self, step->child + i, c);

      child->spawn_name = step->message;
      g_ptr_array_add (c->spawned, child);
    }
  c->pc++;
  return TRUE;
}

static gboolean
step_cancel (JgAsyncio    *self,
             Coro         *c,
             const JgStep *step)
{
  for (guint i = 0; c->spawned != NULL && i < c->spawned->len; i++)
    {
      Coro *child = g_ptr_array_index (c->spawned, i);

      if (step->message == NULL || child->spawn_name == step->message)
        cancel_coro (self, child, "cancel()");
    }
  c->pc++;
  return TRUE;
}

/* Runs the step at @c's pc. TRUE: go on with the next; FALSE: @c is suspended
 * or has ended. */
static gboolean
run_step (JgAsyncio    *self,
          Coro         *c,
          const JgStep *step)
{
  switch (step->kind)
    {
    case JG_STEP_CPU:
      if (self->options.hybrid)
        return step_offload (self, c, step);
      if (!loop_cpu (self, c, step->ms, step->releases_gil))
        {
          end_coro (self, c, JG_END_CANCELLED, NULL);
          return FALSE;
        }
      c->pc++;
      return TRUE;

    case JG_STEP_BLOCK:
      if (self->options.hybrid)
        return step_offload (self, c, step);
      if (!loop_block (self, c, step->ms))
        {
          end_coro (self, c, JG_END_CANCELLED, NULL);
          return FALSE;
        }
      c->pc++;
      return TRUE;

    case JG_STEP_IO:
      return step_io (self, c, step);

    case JG_STEP_LOCK:
      return step_lock (self, c, step->object);

    case JG_STEP_UNLOCK:
      c->pc++;
      if (self->locks[step->object].owner == NULL)
        return raise_at (self, c, NULL, "RuntimeError: Lock is not acquired.");
      jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_RELEASE, self->locks[step->object].name_id);
      lock_release (self, step->object);
      return TRUE;

    case JG_STEP_SEM_ACQUIRE:
      return step_semaphore (self, c, step->object);

    case JG_STEP_SEM_RELEASE:
      c->pc++;
      jg_probe_emit (self->probe, c->task, JG_EVENT_LOCK_RELEASE, self->semaphores[step->object].name_id);
      semaphore_release (self, step->object);
      return TRUE;

    case JG_STEP_QUEUE_PUT:
      return step_put (self, c, step->object);

    case JG_STEP_QUEUE_GET:
      return step_get (self, c, step->object);

    case JG_STEP_READ:
      self->ts.task = c->task;
      c->reg_value = jg_sync_read (self->sync, &self->ts, step->object, &c->reg_version);
      c->reg_variable = step->object;
      c->reg_loaded = TRUE;
      c->pc++;
      return TRUE;

    case JG_STEP_WRITE:
      self->ts.task = c->task;
      if (!c->reg_loaded || c->reg_variable != step->object)
        c->reg_value = jg_sync_read (self->sync, &self->ts, step->object, &c->reg_version);
      jg_sync_write (self->sync, &self->ts, step->object, c->reg_value + step->value, c->reg_version);
      c->reg_loaded = FALSE;
      c->pc++;
      return TRUE;

    case JG_STEP_TRANSFER:
      /* Coroutines share one interpreter's memory: nothing is pickled. */
      c->pc++;
      return TRUE;

    case JG_STEP_SPAWN:
      return step_spawn (self, c, step);

    case JG_STEP_CANCEL:
      return step_cancel (self, c, step);

    case JG_STEP_FAIL:
      c->pc++;
      return raise_at (self, c, NULL, step->message);

    case JG_STEP_TO_THREAD:
      return step_to_thread (self, c, step);

    case JG_STEP_AWAIT:
    case JG_STEP_GATHER:
    case JG_STEP_TASKGROUP:
    case JG_STEP_AS_COMPLETED:
    case JG_STEP_MAP:
    case JG_STEP_WAIT_FOR:
      if (c->awaiting == NULL)
        group_new (self, c, step);
      return group_next (self, c);

    case JG_STEP_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static void
run_steps (JgAsyncio *self,
           Coro      *c)
{
  for (;;)
    {
      Group *g = c->awaiting;

      /* The end of the steps run for one result: back to the group step. */
      if (g != NULL && g->in_body && c->pc == g->step_pc + 1 + g->step->n_body)
        {
          g->in_body = FALSE;
          c->pc = g->step_pc;
        }
      if (c->pc >= c->plan->n_steps)
        {
          end_coro (self, c, JG_END_OK, NULL);
          return;
        }
      if (!loop_checkpoint (self, c))
        {
          end_coro (self, c, JG_END_CANCELLED, NULL);
          return;
        }
      if (!run_step (self, c, &c->plan->steps[c->pc]))
        return;
    }
}

/* @c's turn in the ready queue: it learns how its await ended, then runs. */
static void
run_coro (JgAsyncio *self,
          Coro      *c)
{
  ResumeKind resume = c->resume;
  const char *error = c->resume_error;

  c->resume = RESUME_VALUE;
  c->resume_error = NULL;
  if (!loop_enter (self, c))
    {
      end_coro (self, c, JG_END_CANCELLED, NULL);
      return;
    }
  c->state = CORO_RUNNING;

  /* CancelledError is raised at the await, whatever it ended with. */
  if (c->cancel_requested || resume == RESUME_CANCELLED)
    {
      end_coro (self, c, JG_END_CANCELLED, NULL);
      return;
    }
  if (c->granted != WAIT_NONE)
    take_grant (self, c);
  if (resume == RESUME_ERROR && !raise_at (self, c, c->awaited, error))
    return;
  run_steps (self, c);
}

/* Ends and cancellations */

static void
end_of_main (JgAsyncio *self)
{
  /* asyncio.run cancels what is still running once its main coroutine is
   * done: spawned tasks nobody awaited, the siblings a gather left behind. */
  self->main_ended = TRUE;
  for (guint i = 0; i < self->plan->n_tasks; i++)
    if (self->coros[i].state != CORO_NEW && self->coros[i].state != CORO_DONE)
      cancel_coro (self, &self->coros[i], "asyncio.run");
}

static void
end_coro (JgAsyncio   *self,
          Coro        *c,
          JgEndStatus  status,
          const char  *error)
{
  Group *g;

  g_assert (c->state != CORO_NEW && c->state != CORO_DONE);

  if (c->state == CORO_WAITING)
    leave_wait (self, c);
  if (c->granted != WAIT_NONE)
    undo_grant (self, c);
  if (c->awaiting != NULL)
    {
      group_free (c->awaiting);
      c->awaiting = NULL;
    }

  if (status == JG_END_ERROR)
    {
      self->n_errors++;
      mark (self, c, error);
      json_object_set_string_member (add_mark (self, "error", c), "message", error);
    }
  if (status == JG_END_CANCELLED)
    self->n_cancelled++;

  /* CPU_TIME first if it was running. */
  if (c->state == CORO_RUNNING)
    jg_probe_emit_leave (self->probe, c->task, JG_EVENT_TASK_END, JG_END_ARG (status, 0));
  else
    jg_probe_emit (self->probe, c->task, JG_EVENT_TASK_END, JG_END_ARG (status, 0));
  c->state = CORO_DONE;
  c->end = status;
  c->error = error;
  self->n_live--;

  g = c->group;
  if (g != NULL && !self->stopping)
    group_child_done (self, g, c);
  if (c->parent == NULL && --self->n_top_live == 0 && !self->stopping)
    end_of_main (self);
}

/* task.cancel (): CancelledError at its next await, or now if it waits. */
static void
cancel_coro (JgAsyncio  *self,
             Coro       *c,
             const char *by)
{
  g_autofree char *text = NULL;

  if (c->state == CORO_NEW || c->state == CORO_DONE || c->cancel_requested || self->stopping)
    return;
  c->cancel_requested = TRUE;
  text = g_strdup_printf ("cancelled by %s", by);
  mark (self, c, text);
  json_object_set_string_member (add_mark (self, "cancelled", c), "by", by);

  if (c->state != CORO_WAITING)
    return;
  if (c->wait != WAIT_GROUP)
    {
      leave_wait (self, c);
      wake (self, c, RESUME_CANCELLED, NULL);
      return;
    }
  /* Waiting for other tasks: gather, TaskGroup, wait_for and await cancel
   * them and wait for them to end; as_completed and map just stop waiting. */
  switch (c->awaiting->step->kind)
    {
    case JG_STEP_AS_COMPLETED:
    case JG_STEP_MAP:
      wake (self, c, RESUME_CANCELLED, NULL);
      break;
    default:
      if (c->awaiting->cancelling)
        group_wake_owner (self, c->awaiting);
      else
        group_cancel_children (self, c->awaiting, "its awaiting task being cancelled");
      break;
    }
}

/* The run is over: every coroutine still there ends as cancelled, at once. */
static void
stop_all (JgAsyncio *self)
{
  if (self->stopping)
    return;
  self->stopping = TRUE;
  for (guint i = 0; i < self->plan->n_tasks; i++)
    {
      Coro *c = &self->coros[i];

      if (c->state != CORO_NEW && c->state != CORO_DONE)
        end_coro (self, c, JG_END_CANCELLED, NULL);
    }
  g_queue_clear (&self->ready);
  uv_idle_stop (&self->idle);
}

/* Follows waiter -> lock -> holder -> … from @start; TRUE if it comes back. */
static gboolean
lock_cycle_from (JgAsyncio *self,
                 Coro      *start)
{
  Coro *c = start;

  for (guint n = 0; n <= self->plan->n_tasks; n++)
    {
      if (c->state != CORO_WAITING || c->wait != WAIT_LOCK || self->locks[c->wait_object].owner == NULL)
        return FALSE;
      c = self->locks[c->wait_object].owner;
      if (c == start)
        return TRUE;
    }
  return FALSE;
}

/* Nothing is ready, nothing is pending, yet tasks wait: each waits for a
 * lock, permit or item no one can give, or for tasks that do. asyncio.run
 * would wait for ever; the run ends here. */
static void
record_deadlock (JgAsyncio *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *tasks = json_array_new ();
  JsonArray *objects = json_array_new ();
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  gboolean cycle = FALSE;

  for (guint i = 0; i < self->plan->n_tasks; i++)
    {
      Coro *c = &self->coros[i];
      Prim *prim = NULL;

      if (c->state != CORO_WAITING)
        continue;
      if (c->wait == WAIT_LOCK)
        prim = &self->locks[c->wait_object];
      else if (c->wait == WAIT_SEMAPHORE)
        prim = &self->semaphores[c->wait_object];
      else if (c->wait == WAIT_QUEUE_GET || c->wait == WAIT_QUEUE_PUT)
        prim = &self->queues[c->wait_object];
      if (prim == NULL)
        continue;
      cycle |= lock_cycle_from (self, c);
      jg_probe_emit (self->probe, c->task, JG_EVENT_MARK, self->id_deadlock);
      json_array_add_string_element (tasks, c->name);
      if (!g_ptr_array_find (seen, prim, NULL))
        {
          g_ptr_array_add (seen, prim);
          json_array_add_string_element (objects, prim->name);
        }
    }
  json_object_set_string_member (object, "kind", "deadlock");
  json_object_set_boolean_member (object, "cycle", cycle);
  json_object_set_double_member (object, "time_s", now_s (self));
  json_object_set_array_member (object, "tasks", tasks);
  json_object_set_array_member (object, "locks", objects);
  json_array_add_object_element (self->marks, object);
  self->deadlocked = TRUE;
}

/* The loop's own handles */

static void
on_idle (uv_idle_t *idle)
{
  JgAsyncio *self = idle->data;
  guint n = g_queue_get_length (&self->ready);

  /* The tasks ready now run; those they make ready run in the next turn,
   * after the loop has polled for I/O once more. */
  while (n-- > 0 && !self->stopping)
    {
      Coro *c = g_queue_pop_head (&self->ready);

      if (g_cancellable_is_cancelled (self->cancellable))
        {
          g_queue_push_head (&self->ready, c);
          stop_all (self);
          break;
        }
      if (c->state == CORO_READY)
        run_coro (self, c);
    }
  if (g_queue_is_empty (&self->ready))
    uv_idle_stop (idle);
}

static void
close_all (JgAsyncio *self)
{
  guint64 now = uv_hrtime ();

  /* A sampling timer already due when the work ran out would have fired that
   * late: the last stretch of a blocked loop counts too. */
  if (now > self->monitor_due_ns)
    jg_aio_io_note_lag (&self->io, (gint64) (now - self->monitor_due_ns));
  self->closing = TRUE;
  loop_release (self, JG_GIL_DROP_FINISHED);
  /* No stop can reach the loop's handle after this. */
  g_cancellable_disconnect (self->cancellable, self->cancel_handler);
  self->cancel_handler = 0;
  uv_close ((uv_handle_t *) &self->idle, NULL);
  uv_close ((uv_handle_t *) &self->prepare, NULL);
  uv_close ((uv_handle_t *) &self->wake, NULL);
  uv_close ((uv_handle_t *) &self->stop, NULL);
  uv_close ((uv_handle_t *) &self->monitor, NULL);
}

/* Just before the loop polls (and may sleep in epoll_wait). */
static void
on_prepare (uv_prepare_t *prepare)
{
  JgAsyncio *self = prepare->data;
  gboolean pending;

  if (self->closing)
    return;
  if (!self->stopping && g_cancellable_is_cancelled (self->cancellable))
    stop_all (self);
  if (!g_queue_is_empty (&self->ready))
    return;

  pending = self->io.n_open > 0 || jg_aio_executor_n_pending (self->executor) > 0;
  if (self->n_live > 0 && !pending && !self->stopping)
    {
      record_deadlock (self);
      stop_all (self);
    }
  if (self->n_live == 0 && !pending)
    {
      close_all (self);
      return;
    }
  /* select () releases the GIL: a pool thread may run while the loop waits. */
  if (other_threads (self))
    loop_release (self, JG_GIL_DROP_IO);
}

static void
on_wake (uv_async_t *async)
{
  JgAsyncio *self = async->data;

  jg_aio_executor_dispatch (self->executor);
}

static void
on_stop (uv_async_t *async)
{
  stop_all (async->data);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  JgAsyncio *self = data;

  /* Any thread: the one call it may make into the loop. */
  uv_async_send (&self->stop);
}

static void monitor_arm (JgAsyncio *self);

static void
on_monitor (uv_timer_t *timer)
{
  JgAsyncio *self = timer->data;
  guint64 now = uv_hrtime ();

  if (now >= self->monitor_due_ns)
    {
      jg_aio_io_note_lag (&self->io, (gint64) (now - self->monitor_due_ns));
      self->monitor_due_ns = now + (guint64) (JG_ASYNCIO_LAG_PROBE_MS * 1e6);
    }
  monitor_arm (self);
}

static void
monitor_arm (JgAsyncio *self)
{
  guint64 now = uv_hrtime ();
  guint64 left = self->monitor_due_ns > now ? self->monitor_due_ns - now : 0;

  uv_update_time (&self->loop);
  uv_timer_start (&self->monitor, on_monitor, (left + 999999) / 1000000, 0);
}

/* Public API */

static void
prims_init (Prim               *prims,
            const JgPlanObject *objects,
            guint               n,
            JgTrace            *trace,
            gboolean            queue)
{
  for (guint i = 0; i < n; i++)
    {
      prims[i].name = objects[i].name;
      prims[i].name_id = jg_trace_intern (trace, objects[i].name);
      prims[i].count = queue ? 0 : objects[i].initial;
      prims[i].capacity = queue ? objects[i].initial : 0;
      prims[i].counter = JG_LANE_NONE;
      g_queue_init (&prims[i].waiters);
      g_queue_init (&prims[i].putters);
    }
}

/* The run's JgSync already added "NAME length" counter lanes for the queues;
 * the loop samples the same lanes. */
static void
find_queue_counters (JgAsyncio *self)
{
  for (guint q = 0; q < self->plan->n_queues; q++)
    {
      g_autofree char *label = g_strdup_printf ("%s length", self->plan->queues[q].name);

      for (guint32 i = 0; i < jg_trace_get_n_counters (self->trace); i++)
        {
          guint32 name = jg_trace_get_counter (self->trace, i).name;

          if (g_strcmp0 (jg_trace_lookup_string (self->trace, name), label) == 0)
            self->queues[q].counter = i;
        }
      if (self->queues[q].counter == JG_LANE_NONE)
        self->queues[q].counter = jg_trace_add_counter (self->trace, label);
    }
}

JgAsyncio *
jg_asyncio_new (const JgScenarioPlan   *plan,
                const JgAsyncioOptions *options,
                JgTrace                *trace,
                JgRecorder             *recorder,
                JgSync                 *sync,
                JgInterpreter          *interp,
                const JgIoContext      *io,
                GCancellable           *cancellable)
{
  JgAsyncio *self;

  g_return_val_if_fail (plan != NULL && options != NULL, NULL);
  g_return_val_if_fail (JG_IS_TRACE (trace) && JG_IS_RECORDER (recorder), NULL);
  g_return_val_if_fail (sync != NULL && interp != NULL && io != NULL, NULL);

  self = g_new0 (JgAsyncio, 1);
  self->plan = plan;
  self->options = *options;
  self->trace = trace;
  self->recorder = recorder;
  self->sync = sync;
  self->interp = interp;
  self->gil = jg_interpreter_get_gil (interp);
  self->io_context = io;
  self->cancellable = cancellable;
  self->cpu_state = GPOINTER_TO_SIZE (self) | 1;

  self->worker = jg_trace_add_worker (trace, "Event loop", JG_WORKER_LOOP, (gint32) getpid ());
  self->id_blocking = jg_trace_intern (trace, "blocking call");
  self->id_timeout = jg_trace_intern (trace, "timeout");
  self->id_deadlock = jg_trace_intern (trace, "deadlock");

  self->n_tasks = plan->n_tasks;
  self->n_locks = plan->n_locks;
  self->n_semaphores = plan->n_semaphores;
  self->n_queues = plan->n_queues;
  self->coros = g_new0 (Coro, MAX (plan->n_tasks, 1));
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      self->coros[i].aio = self;
      self->coros[i].task = i;
      self->coros[i].name = plan->tasks[i].name;
      self->coros[i].plan = &plan->tasks[i];
    }
  g_queue_init (&self->ready);

  self->locks = g_new0 (Prim, MAX (plan->n_locks, 1));
  prims_init (self->locks, plan->locks, plan->n_locks, trace, FALSE);
  self->semaphores = g_new0 (Prim, MAX (plan->n_semaphores, 1));
  prims_init (self->semaphores, plan->semaphores, plan->n_semaphores, trace, FALSE);
  self->queues = g_new0 (Prim, MAX (plan->n_queues, 1));
  prims_init (self->queues, plan->queues, plan->n_queues, trace, TRUE);
  find_queue_counters (self);

  self->marks = json_array_new ();
  self->executor_marks = json_array_new ();
  self->order = json_object_new ();
  return self;
}

void
jg_asyncio_free (JgAsyncio *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_tasks; i++)
    g_clear_pointer (&self->coros[i].spawned, g_ptr_array_unref);
  g_free (self->coros);
  g_queue_clear (&self->ready);
  for (guint i = 0; i < self->n_locks; i++)
    g_queue_clear (&self->locks[i].waiters);
  for (guint i = 0; i < self->n_semaphores; i++)
    g_queue_clear (&self->semaphores[i].waiters);
  for (guint i = 0; i < self->n_queues; i++)
    {
      g_queue_clear (&self->queues[i].waiters);
      g_queue_clear (&self->queues[i].putters);
    }
  g_free (self->locks);
  g_free (self->semaphores);
  g_free (self->queues);
  json_array_unref (self->marks);
  json_array_unref (self->executor_marks);
  json_object_unref (self->order);
  g_clear_pointer (&self->processes, jg_process_pool_free);
  g_free (self);
}

void
jg_asyncio_run (JgAsyncio *self)
{
  int status;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->loop_ready);

  self->probe = jg_recorder_open_probe (self->recorder, self->worker);
  jg_thread_state_init (&self->ts, self->interp, self->probe, self->cancellable, self->io_context);

  status = uv_loop_init (&self->loop);
  if (status != 0)
    {
      JsonObject *object = json_object_new ();
      g_autofree char *message = g_strdup_printf ("Could not start the event loop: %s", uv_strerror (status));

      json_object_set_string_member (object, "kind", "error");
      json_object_set_string_member (object, "message", message);
      json_array_add_object_element (self->marks, object);
      jg_thread_state_clear (&self->ts);
      jg_recorder_close_probe (self->recorder, self->probe);
      return;
    }
  self->loop_ready = TRUE;

  self->io.loop = &self->loop;
  self->io.port = self->io_context->loopback_port;
  self->io.scratch_dir = self->io_context->scratch_dir;

  uv_idle_init (&self->loop, &self->idle);
  self->idle.data = self;
  uv_prepare_init (&self->loop, &self->prepare);
  self->prepare.data = self;
  uv_prepare_start (&self->prepare, on_prepare);
  uv_async_init (&self->loop, &self->wake, on_wake);
  self->wake.data = self;
  uv_async_init (&self->loop, &self->stop, on_stop);
  self->stop.data = self;
  uv_timer_init (&self->loop, &self->monitor);
  self->monitor.data = self;
  self->monitor_due_ns = uv_hrtime () + (guint64) (JG_ASYNCIO_LAG_PROBE_MS * 1e6);
  monitor_arm (self);

  self->executor = jg_aio_executor_new (self->options.executor_size, &self->options.process_pool, self->trace,
                                        self->recorder, self->sync, self->interp, self->io_context,
                                        self->cancellable, &self->wake);
  self->cancel_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (on_cancelled), self, NULL);

  /* asyncio.run (main ()), where main gathers the top-level tasks with
   * return_exceptions=True: one failing does not stop the others. */
  {
    g_autofree guint32 *parents = jg_asyncio_plan_parents (self->plan);

    for (guint i = 0; i < self->plan->n_tasks; i++)
      if (parents[i] == JG_LANE_NONE)
        start_coro (self, i, NULL);
  }

  uv_run (&self->loop, UV_RUN_DEFAULT);

  if (uv_loop_close (&self->loop) != 0)
    g_warning ("The event loop still had handles open at its end");
  self->n_executor_jobs = jg_aio_executor_n_jobs (self->executor);
  self->n_executor_threads = jg_aio_executor_n_threads (self->executor);
  self->n_process_jobs = jg_aio_executor_n_process_jobs (self->executor);
  jg_aio_executor_add_marks (self->executor, self->executor_marks);
  /* ProcessPoolExecutor.shutdown (): its workers quit and are reaped here. */
  self->processes = jg_aio_executor_steal_process_pool (self->executor);
  g_clear_pointer (&self->executor, jg_aio_executor_free);
  jg_thread_state_clear (&self->ts);
  jg_recorder_close_probe (self->recorder, self->probe);
  self->probe = NULL;
}

gboolean
jg_asyncio_is_deadlocked (JgAsyncio *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->deadlocked;
}

void
jg_asyncio_add_marks (JgAsyncio *self,
                      JsonArray *marks)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (marks != NULL);

  for (guint i = 0; i < json_array_get_length (self->marks); i++)
    json_array_add_element (marks, json_node_copy (json_array_get_element (self->marks, i)));
  for (guint i = 0; i < json_array_get_length (self->executor_marks); i++)
    json_array_add_element (marks, json_node_copy (json_array_get_element (self->executor_marks, i)));
  if (self->processes != NULL)
    {
      g_autoptr (JsonArray) pool_marks = jg_process_pool_dup_marks (self->processes);

      for (guint i = 0; i < json_array_get_length (pool_marks); i++)
        json_array_add_element (marks, json_node_copy (json_array_get_element (pool_marks, i)));
    }
}

void
jg_asyncio_add_results (JgAsyncio  *self,
                        JsonObject *results)
{
  JsonObject *lag = json_object_new ();
  JsonObject *counts = json_object_new ();
  const char *executor;

  g_return_if_fail (self != NULL);
  g_return_if_fail (results != NULL);

  json_object_set_double_member (lag, "mean", self->io.lag_samples > 0
                                              ? self->io.lag_sum_ns / 1e6 / self->io.lag_samples : 0);
  json_object_set_double_member (lag, "max", self->io.lag_max_ns / 1e6);
  json_object_set_int_member (lag, "samples", (gint64) self->io.lag_samples);
  json_object_set_object_member (results, "loop_lag_ms", lag);

  json_object_set_int_member (counts, "coroutines", self->n_coroutines);
  json_object_set_int_member (counts, "executor_jobs", self->n_executor_jobs);
  json_object_set_int_member (counts, "executor_threads", self->n_executor_threads);
  json_object_set_int_member (counts, "process_jobs", self->n_process_jobs);
  if (self->n_process_jobs == 0)
    executor = "threads";
  else if (self->n_process_jobs < self->n_executor_jobs)
    executor = "threads and processes";
  else
    executor = "processes";
  json_object_set_string_member (counts, "executor", executor);
  json_object_set_int_member (counts, "timeouts", self->n_timeouts);
  json_object_set_int_member (counts, "cancelled", self->n_cancelled);
  json_object_set_int_member (counts, "errors", self->n_errors);
  json_object_set_int_member (counts, "socket_round_trips", (gint64) self->io.round_trips);
  json_object_set_int_member (counts, "socket_bytes", (gint64) self->io.bytes_received);
  json_object_set_int_member (counts, "file_bytes", (gint64) self->io.file_bytes);
  json_object_set_object_member (results, "asyncio", counts);

  if (json_object_get_size (self->order) > 0)
    json_object_set_object_member (results, "order", json_object_ref (self->order));
  if (self->processes != NULL)
    jg_process_pool_add_results (self->processes, results);
}
