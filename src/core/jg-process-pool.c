/* jg-process-pool.c: the parent side of the processes model. One thread (the
 * caller of jg_process_pool_run, or the pool's own after jg_process_pool_start)
 * starts the worker processes, writes jobs and their pickled arguments to them
 * and reads their events and results back, all in one poll () loop so that no
 * pipe can fill while the thread waits on another. A plan's tasks and jobs
 * submitted from other threads are the same jobs to it. Nothing here forks the
 * (multi-threaded) parent: workers are started with posix_spawn, or forked by
 * a single-threaded fork server. */
#define G_LOG_DOMAIN "jg-process-pool"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-clock.h"
#include "jg-process-pool.h"
#include "jg-process-wire.h"

extern char **environ;

/* A worker told to quit (its task pipe closed) has this long to exit by itself
 * before it is killed; one whose pipe closed by surprise, this long to become
 * a zombie. */
#define QUIT_GRACE_MS    2000
#define REAP_GRACE_MS    500
#define READ_CHUNK_BYTES (256 * 1024)

typedef enum
{
  WORKER_STARTING = 0, /* started, its interpreter not yet ready */
  WORKER_IDLE,
  WORKER_BUSY,         /* runs ->job */
  WORKER_GONE,         /* its process has ended and been accounted for */
} WorkerState;

/* One call into the pool: steps to run in a worker as task lane ->lane. */
typedef struct
{
  guint32           lane;
  JgStep           *steps;
  guint             n_steps;
  guint64           args_bytes;   /* pickled to the worker, as its transfer steps ask */
  guint64           result_bytes; /* pickled back */
  JgProcessJobDone  done;
  gpointer          data;
} PoolJob;

typedef struct
{
  guint        slot;          /* "Process N"; 0 for the fork server */
  gboolean     is_server;
  guint32      lane;          /* its worker lane, JG_LANE_NONE until its pid is known */
  guint32      startup_task;  /* the task lane of its start-up */
  guint32      interp;        /* its interpreter's number in GIL events */
  GPid         pid;
  gboolean     direct;        /* our own child; else the fork server's */
  int          to_fd;         /* -1 once closed; the server's is its socket */
  int          from_fd;
  WorkerState  state;
  PoolJob     *job;           /* the job it runs, or NULL */
  guint64      begin_ns;      /* when its start began, in trace time */
  gint16       begin_cpu;
  double       startup_s;     /* < 0 until its interpreter is ready */
  guint        tasks_run;
  guint32      gil_holder;    /* from its events: the task that holds its GIL */
  gboolean     eof;           /* its pipe has closed */
  gboolean     exited;        /* its exit status is known (or never will be) */
  int          wait_status;
  gboolean     status_known;
  char        *exit_text;
  char        *scratch_dir;   /* its own directory for file I/O, or NULL */

  GByteArray  *out;           /* bytes waiting to be written to to_fd */
  gsize        out_done;
  guint8      *in;            /* bytes read from from_fd, not yet handled */
  gsize        in_len;
  gsize        in_cap;
} Worker;

struct _JgProcessPool
{
  const JgScenarioPlan *plan;
  JgProcessPoolOptions  options;
  JgTrace              *trace;
  JgRecorder           *recorder;
  GCancellable         *cancellable;
  guint32               main_lane;
  JgProbe              *probe;        /* the pool thread's, on the main lane */

  GPtrArray            *workers;      /* Worker*: every process started, in order */
  Worker               *server;       /* forkserver: the server, also in ->workers */
  GQueue                forks;        /* Worker* asked of the server, not yet forked */
  GQueue                pending;      /* PoolJob*: not yet handed to a worker */
  guint                 n_running;    /* jobs handed to a worker, not yet ended */
  guint                 next_slot;
  guint                 crashes;
  guint64               transfer_bytes;
  gboolean              quitting;     /* the workers were told to quit */
  gboolean              cancelled;
  gboolean              ran;
  JsonArray            *marks;

  /* jg_process_pool_start: the pool's thread serves submitted jobs. */
  GThread              *thread;
  int                   wake_fds[2];  /* a byte wakes the pool's poll () */
  GMutex                lock;         /* guards what follows */
  GQueue                incoming;     /* PoolJob*: submitted, not yet taken */
  gboolean              closing;      /* shutdown asked: end once idle */
  gboolean              finished;     /* the loop has ended: no job is taken any more */
};

static const char * const start_method_names[] = {
  [JG_START_FORK] = "fork",
  [JG_START_SPAWN] = "spawn",
  [JG_START_FORKSERVER] = "forkserver",
};
G_STATIC_ASSERT (G_N_ELEMENTS (start_method_names) == JG_START_N_METHODS);

const char *
jg_start_method_name (JgStartMethod method)
{
  return (guint) method < JG_START_N_METHODS ? start_method_names[method] : NULL;
}

gboolean
jg_start_method_from_name (const char    *name,
                           JgStartMethod *method)
{
  for (guint i = 0; i < JG_START_N_METHODS; i++)
    if (g_strcmp0 (name, start_method_names[i]) == 0)
      {
        *method = i;
        return TRUE;
      }
  return FALSE;
}

double
jg_start_method_startup_ms (JgStartMethod method)
{
  switch (method)
    {
    case JG_START_FORK:
      return JG_STARTUP_FORK_MS;
    case JG_START_SPAWN:
      return JG_STARTUP_SPAWN_MS;
    case JG_START_FORKSERVER:
      return JG_STARTUP_FORKSERVER_MS;
    case JG_START_N_METHODS:
    default:
      g_return_val_if_reached (0);
    }
}

const char *
jg_process_pool_get_worker_path (void)
{
  const char *path = g_getenv ("JUGGLER_WORKER");

  return path != NULL && *path != '\0' ? path : LIBEXECDIR "/juggler-worker";
}

static const char *
step_name (JgStepKind kind)
{
  static const char * const names[] = {
    [JG_STEP_LOCK] = "lock",
    [JG_STEP_UNLOCK] = "unlock",
    [JG_STEP_SEM_ACQUIRE] = "acquire",
    [JG_STEP_SEM_RELEASE] = "release",
    [JG_STEP_QUEUE_PUT] = "put",
    [JG_STEP_QUEUE_GET] = "get",
    [JG_STEP_READ] = "read",
    [JG_STEP_WRITE] = "write",
  };

  return (guint) kind < G_N_ELEMENTS (names) && names[kind] != NULL ? names[kind] : NULL;
}

/* @where names the steps in messages ("tasks[3]"). */
static gboolean
check_steps (const JgStep  *steps,
             guint          n_steps,
             const char    *where,
             GError       **error)
{
  guint64 sums[JG_TRANSFER_N_DIRECTIONS] = { 0, 0 };

  for (guint s = 0; s < n_steps; s++)
    {
      const JgStep *step = &steps[s];

      switch (step->kind)
        {
        case JG_STEP_CPU:
        case JG_STEP_IO:
        case JG_STEP_BLOCK:
          continue;
        case JG_STEP_TRANSFER:
          if ((guint) step->direction < JG_TRANSFER_N_DIRECTIONS && step->value > 0)
            sums[step->direction] += (guint64) step->value;
          continue;
        default:
          if (step_name (step->kind) != NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         /* TRANSLATORS: the first %s is where in the scenario, "tasks[2]";
                          * the last is the step's op, "lock" or "put" */
                         _("%s.steps[%u]: a “%s” step needs an object shared between processes, "
                           "and a worker process shares nothing with the others (a threading.Lock cannot "
                           "even be pickled); run this scenario with threads"),
                         where, s, step_name (step->kind));
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("%s.steps[%u]: steps of kind %d cannot run in a worker process"),
                         where, s, (int) step->kind);
          return FALSE;
        }
    }
  for (guint d = 0; d < JG_TRANSFER_N_DIRECTIONS; d++)
    if (sums[d] > JG_WIRE_MAX_PAYLOAD)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     d == JG_TRANSFER_TO_WORKER
                     ? _("%s: its transfers to the worker add up to more than %" PRIu64 " bytes")
                     : _("%s: its transfers from the worker add up to more than %" PRIu64 " bytes"),
                     where, JG_WIRE_MAX_PAYLOAD);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_worker_program (GError **error)
{
  const char *path = jg_process_pool_get_worker_path ();

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The worker program %s was not found (JUGGLER_WORKER names another)"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_process_pool_check (const JgScenarioPlan  *plan,
                       JgStartMethod          start_method,
                       GError               **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  if ((guint) start_method >= JG_START_N_METHODS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown start method %d"), (int) start_method);
      return FALSE;
    }

  for (guint t = 0; t < plan->n_tasks; t++)
    {
      g_autofree char *where = g_strdup_printf ("tasks[%u]", t);

      if (!check_steps (plan->tasks[t].steps, plan->tasks[t].n_steps, where, error))
        return FALSE;
    }
  return check_worker_program (error);
}

gboolean
jg_process_pool_check_steps (const JgStep  *steps,
                             guint          n_steps,
                             GError       **error)
{
  g_return_val_if_fail (steps != NULL || n_steps == 0, FALSE);

  return check_steps (steps, n_steps, "the job", error) && check_worker_program (error);
}

static PoolJob *
job_new (const JgStep     *steps,
         guint             n_steps,
         guint32           lane,
         JgProcessJobDone  done,
         gpointer          data)
{
  PoolJob *job = g_new0 (PoolJob, 1);

  job->lane = lane;
  job->steps = g_memdup2 (steps, sizeof (JgStep) * n_steps);
  job->n_steps = n_steps;
  job->done = done;
  job->data = data;
  /* Its arguments and result, as the steps ask for them. */
  for (guint s = 0; s < n_steps; s++)
    {
      if (steps[s].kind != JG_STEP_TRANSFER || steps[s].value <= 0)
        continue;
      if (steps[s].direction == JG_TRANSFER_FROM_WORKER)
        job->result_bytes += (guint64) steps[s].value;
      else
        job->args_bytes += (guint64) steps[s].value;
    }
  return job;
}

/* The job has ended (or will never run): its caller hears of it, once. */
static void
job_finish (PoolJob     *job,
            JgEndStatus  status,
            const char  *message)
{
  if (job->done != NULL)
    job->done (job->data, status, message);
  g_free (job->steps);
  g_free (job);
}

JgProcessPool *
jg_process_pool_new (const JgScenarioPlan       *plan,
                     const JgProcessPoolOptions *options,
                     JgTrace                    *trace,
                     JgRecorder                 *recorder,
                     GCancellable               *cancellable)
{
  JgProcessPool *self;

  g_return_val_if_fail (options != NULL && options->io != NULL, NULL);
  g_return_val_if_fail ((guint) options->start_method < JG_START_N_METHODS, NULL);
  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);
  g_return_val_if_fail (JG_IS_RECORDER (recorder), NULL);

  self = g_new0 (JgProcessPool, 1);
  self->plan = plan;
  self->options = *options;
  self->options.n_workers = MAX (options->n_workers, 1);
  /* Hand-made options leave it 0: normal speed. */
  self->options.time_scale = CLAMP (options->time_scale, JG_TIME_SCALE_MIN, JG_TIME_SCALE_MAX);
  self->trace = g_object_ref (trace);
  self->recorder = g_object_ref (recorder);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  self->workers = g_ptr_array_new ();
  g_queue_init (&self->forks);
  g_queue_init (&self->pending);
  g_queue_init (&self->incoming);
  g_mutex_init (&self->lock);
  self->wake_fds[0] = self->wake_fds[1] = -1;
  self->marks = json_array_new ();
  self->next_slot = 1;

  /* The parent's thread that pickles the arguments and unpickles the
   * results, as Pool's task and result handler threads do. */
  self->main_lane = jg_trace_add_worker (trace, "Main process", JG_WORKER_THREAD, (gint32) getpid ());
  return self;
}

static void
worker_free (Worker *w)
{
  g_free (w->exit_text);
  g_free (w->scratch_dir);
  g_clear_pointer (&w->out, g_byte_array_unref);
  g_free (w->in);
  g_free (w);
}

void
jg_process_pool_free (JgProcessPool *self)
{
  if (self == NULL)
    return;

  /* The loop leaves no process, no job and no descriptor behind; a pool never
   * run has none. */
  if (self->thread != NULL)
    jg_process_pool_shutdown (self);
  for (guint i = 0; i < self->workers->len; i++)
    worker_free (g_ptr_array_index (self->workers, i));
  g_ptr_array_unref (self->workers);
  g_queue_clear (&self->forks);
  g_assert (g_queue_is_empty (&self->pending) && g_queue_is_empty (&self->incoming));
  for (guint i = 0; i < 2; i++)
    if (self->wake_fds[i] >= 0)
      close (self->wake_fds[i]);
  g_mutex_clear (&self->lock);
  json_array_unref (self->marks);
  g_object_unref (self->cancellable);
  g_object_unref (self->recorder);
  g_object_unref (self->trace);
  g_free (self);
}

static guint64
now_ns (JgProcessPool *self)
{
  return jg_clock_now_ns () - jg_trace_get_epoch_ns (self->trace);
}

/* An event the parent records about a worker (its start, its end): pushed
 * whole, on the worker's lane. */
static void
push_event (JgProcessPool *self,
            Worker        *w,
            guint64        ts,
            gint16         cpu,
            guint32        task,
            JgEventKind    kind,
            guint32        arg)
{
  JgEvent event = { ts, task, w->lane, (guint16) kind, cpu, arg };

  jg_recorder_push (self->recorder, &event, 1);
}

static void
add_mark (JgProcessPool *self,
          JsonObject    *mark)
{
  json_array_add_object_element (self->marks, mark);
}

static void
add_error_mark (JgProcessPool *self,
                const char    *task,
                const char    *message)
{
  JsonObject *mark = json_object_new ();

  json_object_set_string_member (mark, "kind", "error");
  if (task != NULL)
    json_object_set_string_member (mark, "task", task);
  json_object_set_string_member (mark, "message", message);
  add_mark (self, mark);
}

static const char *
worker_name (JgProcessPool *self,
             Worker        *w)
{
  return w->lane != JG_LANE_NONE ? jg_trace_get_worker_name (self->trace, w->lane) : "a worker";
}

/* Descriptors 0 to 4 are where the child expects its own; keep ours above. */
static int
move_fd_high (int fd)
{
  int high;

  if (fd >= 5)
    return fd;
  high = fcntl (fd, F_DUPFD_CLOEXEC, 5);
  close (fd);
  return high;
}

static gboolean
make_pipe (int      fds[2],
           GError **error)
{
  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not make a pipe: %s"), g_strerror (saved));
      return FALSE;
    }
  fds[0] = move_fd_high (fds[0]);
  fds[1] = move_fd_high (fds[1]);
  if (fds[0] < 0 || fds[1] < 0)
    {
      int saved = errno;

      if (fds[0] >= 0)
        close (fds[0]);
      if (fds[1] >= 0)
        close (fds[1]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not make a pipe: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
set_nonblocking (int fd)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags >= 0)
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);
}

/* posix_spawn: safe in a multi-threaded parent (glibc clones with
 * CLONE_VFORK and runs nothing but the file actions before exec). The child
 * gets its own process group, so the terminal's Ctrl+C reaches the run's
 * owner, who stops the run, and not the workers; default signal actions; an
 * empty signal mask; /dev/null for input; @fd3 and @fd4 as its fds 3 and 4. */
static gboolean
spawn_process (JgProcessPool  *self,
               gboolean        server,
               int             fd3,
               int             fd4,
               GPid           *pid,
               GError        **error)
{
  static const int reset[] = { SIGPIPE, SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGCHLD, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2 };
  const char *path = jg_process_pool_get_worker_path ();
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t mask, defaults;
  char parent[32];
  char *argv[5];
  int status;

  g_snprintf (parent, sizeof parent, "%d", (int) getpid ());
  argv[0] = (char *) path;
  argv[1] = (char *) "--parent";
  argv[2] = parent;
  argv[3] = (char *) (server ? "--server" : "--worker");
  argv[4] = NULL;

  sigemptyset (&mask);
  sigemptyset (&defaults);
  for (guint i = 0; i < G_N_ELEMENTS (reset); i++)
    sigaddset (&defaults, reset[i]);

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&actions, fd3, 3);
  if (fd4 >= 0)
    posix_spawn_file_actions_adddup2 (&actions, fd4, 4);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setsigmask (&attr, &mask);
  posix_spawnattr_setsigdefault (&attr, &defaults);
  posix_spawnattr_setpgroup (&attr, 0);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  status = posix_spawn (pid, path, &actions, &attr, argv, environ);

  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&actions);

  if (status != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (status), _("Could not start %s: %s"), path,
                   g_strerror (status));
      return FALSE;
    }
  return TRUE;
}

static Worker *
worker_new (JgProcessPool *self,
            gboolean       server)
{
  Worker *w = g_new0 (Worker, 1);
  g_autofree char *name = NULL;
  const char *method = jg_start_method_name (self->options.start_method);

  w->is_server = server;
  w->slot = server ? 0 : self->next_slot++;
  w->lane = JG_LANE_NONE;
  w->interp = w->slot;
  w->to_fd = w->from_fd = -1;
  w->state = WORKER_STARTING;
  w->job = NULL;
  w->gil_holder = JG_LANE_NONE;
  w->startup_s = -1;

  name = server ? g_strdup ("Fork server start-up")
                : g_strdup_printf ("Process %u start-up (%s)", w->slot, method);
  w->startup_task = jg_trace_add_task (self->trace, name, JG_LANE_NONE);
  g_ptr_array_add (self->workers, w);
  return w;
}

/* Its pid is known: its lane can exist, and its start-up task begins (when
 * the parent began to start it). */
static void
worker_started (JgProcessPool *self,
                Worker        *w,
                GPid           pid)
{
  g_autofree char *name = w->is_server ? g_strdup ("Fork server") : g_strdup_printf ("Process %u", w->slot);

  w->pid = pid;
  w->lane = jg_trace_add_worker (self->trace, name, JG_WORKER_PROCESS, (gint32) pid);
  push_event (self, w, w->begin_ns, w->begin_cpu, w->startup_task, JG_EVENT_TASK_BEGIN, 0);
}

static void
queue_out (Worker       *w,
           JgWireType    type,
           const void   *body,
           gsize         body_size,
           const void   *extra,
           gsize         extra_size)
{
  JgWireHeader header = { type, JG_WIRE_MAGIC, body_size + extra_size };

  if (w->out == NULL)
    w->out = g_byte_array_new ();
  g_byte_array_append (w->out, (const guint8 *) &header, sizeof header);
  g_byte_array_append (w->out, body, body_size);
  if (extra_size > 0)
    g_byte_array_append (w->out, extra, extra_size);
}

static void
queue_config (JgProcessPool *self,
              Worker        *w,
              double         startup_ms)
{
  JgWireConfig config = { 0 };
  gsize dir_len = w->scratch_dir != NULL ? strlen (w->scratch_dir) : 0;

  config.epoch_ns = jg_trace_get_epoch_ns (self->trace);
  config.startup_ms = startup_ms * self->options.time_scale;
  config.switch_interval_ms = self->options.switch_interval_ms;
  config.time_scale = self->options.time_scale;
  config.startup_task = w->startup_task;
  config.interp_id = w->interp;
  config.interpreter = self->options.interpreter;
  config.loopback_port = self->options.io->loopback_port;
  config.scratch_dir_len = (guint16) MIN (dir_len, JG_WIRE_MAX_TEXT);
  queue_out (w, JG_WIRE_CONFIG, &config, sizeof config, w->scratch_dir, config.scratch_dir_len);
}

/* Writes what is queued, as far as the pipe takes it now. */
static void
flush_out (JgProcessPool *self,
           Worker        *w)
{
  while (w->out != NULL && w->to_fd >= 0)
    {
      ssize_t n = write (w->to_fd, w->out->data + w->out_done, w->out->len - w->out_done);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            return;
          /* The worker is gone (EPIPE): its pipe's end will say so. */
          g_clear_pointer (&w->out, g_byte_array_unref);
          w->out_done = 0;
          return;
        }
      w->out_done += (gsize) n;
      if (w->out_done == w->out->len)
        {
          g_clear_pointer (&w->out, g_byte_array_unref);
          w->out_done = 0;
        }
    }
}

static void
make_scratch_dir (JgProcessPool *self,
                  Worker        *w)
{
  g_autofree char *name = NULL;

  if (self->options.io->scratch_dir == NULL)
    return;
  /* Its own directory, which the pool removes whatever the worker left in it. */
  name = g_strdup_printf ("process-%u", w->slot);
  w->scratch_dir = g_build_filename (self->options.io->scratch_dir, name, NULL);
  if (g_mkdir (w->scratch_dir, 0700) != 0)
    g_debug ("Could not make %s: %s", w->scratch_dir, g_strerror (errno));
}

static void
remove_scratch_dir (Worker *w)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (w->scratch_dir == NULL)
    return;
  dir = g_dir_open (w->scratch_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (w->scratch_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (w->scratch_dir);
}

static gboolean
start_server (JgProcessPool  *self,
              GError        **error)
{
  Worker *w = worker_new (self, TRUE);
  int sv[2];
  GPid pid;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      int saved = errno;

      w->state = WORKER_GONE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not make a socket: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  sv[0] = move_fd_high (sv[0]);
  sv[1] = move_fd_high (sv[1]);

  w->begin_ns = now_ns (self);
  w->begin_cpu = (gint16) sched_getcpu ();
  if (!spawn_process (self, TRUE, sv[1], -1, &pid, error))
    {
      close (sv[0]);
      close (sv[1]);
      w->state = WORKER_GONE;
      return FALSE;
    }
  close (sv[1]);
  set_nonblocking (sv[0]);
  w->to_fd = w->from_fd = sv[0];
  w->direct = TRUE;
  self->server = w;
  worker_started (self, w, pid);
  queue_config (self, w, JG_STARTUP_FORKSERVER_SERVER_MS);
  return TRUE;
}

/* Asks the fork server for a worker, passing it the worker's ends of the two
 * pipes, as multiprocessing's forkserver passes descriptors (SCM_RIGHTS). */
static gboolean
request_fork (JgProcessPool  *self,
              Worker         *w,
              int             fd3,
              int             fd4,
              GError        **error)
{
  JgWireHeader header = { JG_WIRE_FORK, JG_WIRE_MAGIC, sizeof (JgWireFork) };
  JgWireFork fork_request = { w->slot, 0 };
  struct iovec iov[2] = { { &header, sizeof header }, { &fork_request, sizeof fork_request } };
  union
  {
    char           buffer[CMSG_SPACE (2 * sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr message = { 0 };
  struct cmsghdr *cmsg;
  int fds[2] = { fd3, fd4 };
  ssize_t n;

  memset (&control, 0, sizeof control);
  message.msg_iov = iov;
  message.msg_iovlen = 2;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;
  cmsg = CMSG_FIRSTHDR (&message);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof fds);
  memcpy (CMSG_DATA (cmsg), fds, sizeof fds);

  do
    n = sendmsg (self->server->to_fd, &message, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) (sizeof header + sizeof fork_request))
    {
      int saved = n < 0 ? errno : EIO;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not ask the fork server for a worker: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  g_queue_push_tail (&self->forks, w);
  return TRUE;
}

/* Starts one worker by the pool's start method. Its start-up shows as a task
 * on its lane: from the parent's request (process creation, real) to the end
 * of its interpreter's start-up (modelled CPU work, docs/processes.md). */
static gboolean
start_worker (JgProcessPool  *self,
              GError        **error)
{
  Worker *w = worker_new (self, FALSE);
  int to_worker[2], from_worker[2];
  gboolean ok;
  GPid pid = 0;

  if (!make_pipe (to_worker, error))
    {
      w->state = WORKER_GONE;
      return FALSE;
    }
  if (!make_pipe (from_worker, error))
    {
      close (to_worker[0]);
      close (to_worker[1]);
      w->state = WORKER_GONE;
      return FALSE;
    }
  make_scratch_dir (self, w);

  w->begin_ns = now_ns (self);
  w->begin_cpu = (gint16) sched_getcpu ();
  if (self->options.start_method == JG_START_FORKSERVER)
    ok = self->server != NULL && self->server->state != WORKER_GONE
         && request_fork (self, w, to_worker[0], from_worker[1], error);
  else
    ok = spawn_process (self, FALSE, to_worker[0], from_worker[1], &pid, error);

  /* Only the worker keeps its ends: its pipe's end must close when it dies. */
  close (to_worker[0]);
  close (from_worker[1]);
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, _("The fork server is gone"));
      close (to_worker[1]);
      close (from_worker[0]);
      remove_scratch_dir (w);
      w->state = WORKER_GONE;
      return FALSE;
    }

  set_nonblocking (to_worker[1]);
  set_nonblocking (from_worker[0]);
  w->to_fd = to_worker[1];
  w->from_fd = from_worker[0];
  w->direct = self->options.start_method != JG_START_FORKSERVER;
  if (w->direct)
    worker_started (self, w, pid);
  queue_config (self, w, jg_start_method_startup_ms (self->options.start_method));
  flush_out (self, w);
  return TRUE;
}

static void
start_workers (JgProcessPool *self,
               guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!start_worker (self, &error))
        {
          add_error_mark (self, NULL, error->message);
          return;
        }
    }
}

/* Pool.map hands the next job to a free worker: its arguments are pickled
 * here, on the parent's lane, and written to the worker's pipe. */
static void
dispatch (JgProcessPool *self,
          Worker        *w,
          PoolJob       *job)
{
  guint32 t = job->lane;
  guint64 args = job->args_bytes;
  JgWireTask body = { t, job->n_steps, args };
  gsize steps_size = sizeof (JgStep) * job->n_steps;
  JgWireHeader header = { JG_WIRE_TASK, JG_WIRE_MAGIC, sizeof body + steps_size + args };
  gsize offset;

  w->job = job;
  w->state = WORKER_BUSY;
  w->tasks_run++;
  self->n_running++;
  jg_probe_emit (self->probe, t, JG_EVENT_TASK_BEGIN, 0);

  if (w->out == NULL)
    w->out = g_byte_array_new ();
  offset = w->out->len;
  g_byte_array_set_size (w->out, offset + sizeof header + sizeof body + steps_size + args);
  memcpy (w->out->data + offset, &header, sizeof header);
  memcpy (w->out->data + offset + sizeof header, &body, sizeof body);
  memcpy (w->out->data + offset + sizeof header + sizeof body, job->steps, steps_size);

  if (args > 0)
    {
      guint64 started = jg_clock_now_ns ();

      jg_probe_emit_run (self->probe, t);
      jg_wire_encode_payload (w->out->data + offset + sizeof header + sizeof body + steps_size, args, t + 1);
      jg_wire_stretch (started, self->options.time_scale, self->cancellable);
      jg_probe_emit_leave (self->probe, t, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
      jg_probe_emit (self->probe, t, JG_EVENT_IO_BEGIN, JG_IO_PIPE);
      self->transfer_bytes += args;
    }
  flush_out (self, w);
}

static void
dispatch_idle (JgProcessPool *self)
{
  for (guint i = 0; i < self->workers->len && !g_queue_is_empty (&self->pending); i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->state == WORKER_IDLE && !w->is_server)
        dispatch (self, w, g_queue_pop_head (&self->pending));
    }
}

/* A worker's events: checked (its own lanes only), put on its lane, and
 * pushed into the trace as they come. */
static gboolean
handle_events (JgProcessPool *self,
               Worker        *w,
               guint8        *data,
               gsize          size)
{
  JgEvent *events = (JgEvent *) data;
  gsize n = size / sizeof (JgEvent), kept = 0;

  if (size % sizeof (JgEvent) != 0)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    {
      JgEvent e;

      memcpy (&e, &events[i], sizeof e);
      if (e.kind >= JG_EVENT_N_KINDS
          || (e.task != w->startup_task && (w->job == NULL || e.task != w->job->lane)))
        continue;
      e.worker = w->lane;
      if (e.kind == JG_EVENT_GIL_TAKE)
        w->gil_holder = e.task;
      else if (e.kind == JG_EVENT_GIL_DROP)
        w->gil_holder = JG_LANE_NONE;
      memcpy (&events[kept++], &e, sizeof e);
    }
  if (kept < n)
    g_debug ("%s sent %" G_GSIZE_FORMAT " events for tasks it does not run", worker_name (self, w), n - kept);
  if (kept > 0)
    jg_recorder_push (self->recorder, events, kept);
  return TRUE;
}

static gboolean
handle_ready (JgProcessPool *self,
              Worker        *w,
              const guint8  *data,
              gsize          size)
{
  JgWireReady ready;

  if (size != sizeof ready || w->state != WORKER_STARTING)
    return FALSE;
  memcpy (&ready, data, sizeof ready);
  w->startup_s = ready.startup_end_ns > w->begin_ns ? (ready.startup_end_ns - w->begin_ns) / 1e9 : 0;
  w->state = WORKER_IDLE;

  /* Python's forkserver forks the workers once it is up. */
  if (w->is_server)
    start_workers (self, self->options.n_workers);
  return TRUE;
}

/* The task's result came back: unpickled here, and the task ends. */
static gboolean
handle_result (JgProcessPool *self,
               Worker        *w,
               const guint8  *data,
               gsize          size)
{
  JgWireResult result;
  g_autofree char *message = NULL;
  g_autoptr (GError) error = NULL;
  JgEndStatus status;
  PoolJob *job = w->job;
  guint32 t;

  if (size < sizeof result || w->state != WORKER_BUSY || job == NULL)
    return FALSE;
  t = job->lane;
  memcpy (&result, data, sizeof result);
  /* A failed call sends its error instead of a result. */
  if (result.task != t || result.message_len > JG_WIRE_MAX_TEXT || result.status >= JG_END_N_STATUSES
      || sizeof result + result.message_len + result.result_bytes != size
      || result.result_bytes != (result.status == JG_END_OK ? job->result_bytes : 0))
    return FALSE;
  status = result.status;
  if (result.message_len > 0)
    message = g_strndup ((const char *) data + sizeof result, result.message_len);

  jg_probe_emit (self->probe, t, JG_EVENT_IO_END, JG_IO_PIPE);
  if (result.result_bytes > 0)
    {
      guint64 started = jg_clock_now_ns ();

      jg_probe_emit_run (self->probe, t);
      if (!jg_wire_decode_payload (data + sizeof result + result.message_len, result.result_bytes, NULL, &error)
          && status == JG_END_OK)
        {
          status = JG_END_ERROR;
          message = g_strdup_printf ("Could not unpickle the result: %s", error->message);
        }
      jg_wire_stretch (started, self->options.time_scale, self->cancellable);
      self->transfer_bytes += result.result_bytes;
    }
  jg_probe_emit_leave (self->probe, t, JG_EVENT_TASK_END, JG_END_ARG (status, 0));
  if (status == JG_END_ERROR)
    add_error_mark (self, jg_trace_get_task_name (self->trace, t), message != NULL ? message : "The task failed");

  w->job = NULL;
  w->state = WORKER_IDLE;
  self->n_running--;
  job_finish (job, status, status == JG_END_ERROR && message == NULL ? "The task failed" : message);
  return TRUE;
}

static Worker *
find_worker_by_pid (JgProcessPool *self,
                    GPid           pid)
{
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->pid == pid && !w->direct && !w->exited)
        return w;
    }
  return NULL;
}

static gboolean
handle_forked (JgProcessPool *self,
               const guint8  *data,
               gsize          size)
{
  JgWireForked forked;
  Worker *w;

  if (size != sizeof forked)
    return FALSE;
  memcpy (&forked, data, sizeof forked);
  w = g_queue_peek_head (&self->forks);
  if (w == NULL || w->slot != forked.slot)
    return FALSE;
  g_queue_pop_head (&self->forks);
  if (forked.pid <= 0)
    {
      /* fork () failed in the server: there is no process to wait for. */
      w->exited = w->eof = TRUE;
      w->exit_text = g_strdup ("could not be forked");
      return TRUE;
    }
  worker_started (self, w, forked.pid);
  return TRUE;
}

static gboolean
handle_exited (JgProcessPool *self,
               const guint8  *data,
               gsize          size)
{
  JgWireExited exited;
  Worker *w;

  if (size != sizeof exited)
    return FALSE;
  memcpy (&exited, data, sizeof exited);
  w = find_worker_by_pid (self, exited.pid);
  if (w != NULL)
    {
      w->exited = TRUE;
      w->status_known = TRUE;
      w->wait_status = exited.wait_status;
    }
  return TRUE;
}

static gboolean
handle_message (JgProcessPool      *self,
                Worker             *w,
                const JgWireHeader *header,
                guint8             *body)
{
  switch ((JgWireType) header->type)
    {
    case JG_WIRE_EVENTS:
      return handle_events (self, w, body, header->length);
    case JG_WIRE_READY:
      return handle_ready (self, w, body, header->length);
    case JG_WIRE_RESULT:
      return !w->is_server && handle_result (self, w, body, header->length);
    case JG_WIRE_FORKED:
      return w->is_server && handle_forked (self, body, header->length);
    case JG_WIRE_EXITED:
      return w->is_server && handle_exited (self, body, header->length);
    case JG_WIRE_CONFIG:
    case JG_WIRE_TASK:
    case JG_WIRE_FORK:
    case JG_WIRE_N_TYPES:
    default:
      return FALSE;
    }
}

static void
kill_worker (Worker *w)
{
  /* Only our own children, whose pids cannot be reused before we reap them;
   * the server's group holds its workers too. */
  if (w->direct && !w->exited && w->pid > 0)
    kill (-w->pid, SIGKILL);
}

/* Handles every whole message read so far. */
static void
handle_input (JgProcessPool *self,
              Worker        *w)
{
  gsize done = 0;

  while (w->in_len - done >= sizeof (JgWireHeader))
    {
      g_autoptr (GError) error = NULL;
      JgWireHeader header;

      memcpy (&header, w->in + done, sizeof header);
      if (!jg_wire_check_header (&header, &error))
        {
          g_debug ("%s: %s", worker_name (self, w), error->message);
          kill_worker (w);
          w->in_len = done = 0;
          w->eof = TRUE;
          break;
        }
      if (w->in_len - done - sizeof header < header.length)
        {
          /* Room for the whole message now, not in steps. */
          if (w->in_cap < header.length + sizeof header)
            {
              memmove (w->in, w->in + done, w->in_len - done);
              w->in_len -= done;
              done = 0;
              w->in_cap = header.length + sizeof header;
              w->in = g_realloc (w->in, w->in_cap);
            }
          break;
        }
      if (!handle_message (self, w, &header, w->in + done + sizeof header))
        {
          /* Not what a worker says: it is broken, and treated as crashed. */
          g_debug ("%s sent an unexpected message of type %u", worker_name (self, w), header.type);
          kill_worker (w);
          w->in_len = done = 0;
          w->eof = TRUE;
          break;
        }
      done += sizeof header + header.length;
    }

  if (done > 0)
    {
      memmove (w->in, w->in + done, w->in_len - done);
      w->in_len -= done;
    }
  /* A big result has been handled: give its memory back. */
  if (w->in_len == 0 && w->in_cap > 4 * READ_CHUNK_BYTES)
    {
      g_clear_pointer (&w->in, g_free);
      w->in_cap = 0;
    }
}

/* Reads what the worker's pipe holds now. */
static void
read_from (JgProcessPool *self,
           Worker        *w)
{
  for (;;)
    {
      ssize_t n;

      if (w->in_cap - w->in_len < READ_CHUNK_BYTES / 4)
        {
          w->in_cap = w->in_len + READ_CHUNK_BYTES;
          w->in = g_realloc (w->in, w->in_cap);
        }
      n = read (w->from_fd, w->in + w->in_len, w->in_cap - w->in_len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          w->eof = TRUE;
          return;
        }
      w->in_len += (gsize) n;
      handle_input (self, w);
      if (w->eof)
        return;
    }
}

static void
close_fds (Worker *w)
{
  if (w->to_fd >= 0 && w->to_fd != w->from_fd)
    close (w->to_fd);
  if (w->from_fd >= 0)
    close (w->from_fd);
  w->to_fd = w->from_fd = -1;
  g_clear_pointer (&w->out, g_byte_array_unref);
}

/* waitpid () for a child whose pipe has closed, killing it if it lingers. */
static void
reap_child (Worker *w,
            guint   grace_ms)
{
  gint64 deadline = g_get_monotonic_time () + grace_ms * 1000;
  int status;
  pid_t got;

  if (!w->direct || w->exited || w->pid <= 0)
    return;
  for (;;)
    {
      got = waitpid (w->pid, &status, WNOHANG);
      if (got == w->pid || (got < 0 && errno != EINTR))
        break;
      if (g_get_monotonic_time () >= deadline)
        {
          kill (-w->pid, SIGKILL);
          do
            got = waitpid (w->pid, &status, 0);
          while (got < 0 && errno == EINTR);
          break;
        }
      g_usleep (1000);
    }
  w->exited = TRUE;
  w->status_known = got == w->pid;
  w->wait_status = status;
}

static char *
describe_exit (Worker *w,
               int    *signo)
{
  *signo = 0;
  if (w->exit_text != NULL)
    return g_strdup (w->exit_text);
  if (!w->status_known)
    return g_strdup ("was lost with the fork server");
  if (WIFSIGNALED (w->wait_status))
    {
      const char *abbrev = sigabbrev_np (WTERMSIG (w->wait_status));

      *signo = WTERMSIG (w->wait_status);
      return abbrev != NULL ? g_strdup_printf ("killed by SIG%s", abbrev)
                            : g_strdup_printf ("killed by signal %d", *signo);
    }
  return g_strdup_printf ("exited with status %d", WEXITSTATUS (w->wait_status));
}

/* The task a worker was in the middle of, if any: a plan task or its start-up. */
static guint32
current_task (Worker *w)
{
  if (w->state == WORKER_BUSY && w->job != NULL)
    return w->job->lane;
  if (w->state == WORKER_STARTING && w->lane != JG_LANE_NONE)
    return w->startup_task;
  return JG_LANE_NONE;
}

static void
end_task (JgProcessPool *self,
          Worker        *w,
          guint64        ts,
          guint32        t,
          JgEndStatus    status,
          int            signo,
          const char    *message)
{
  push_event (self, w, ts, -1, t, JG_EVENT_TASK_END, JG_END_ARG (status, signo));
  /* Its GIL died with it: close the holder's span as a finished task's. */
  if (w->gil_holder == t)
    {
      push_event (self, w, ts, -1, t, JG_EVENT_GIL_DROP, JG_GIL_ARG (w->interp, JG_GIL_DROP_FINISHED));
      w->gil_holder = JG_LANE_NONE;
    }
  if (t != w->startup_task && w->job != NULL)
    {
      PoolJob *job = g_steal_pointer (&w->job);

      self->n_running--;
      job_finish (job, status, message);
    }
}

/* A worker's process has ended and everything it sent has been read. If the
 * pool did not ask for it, it crashed: its task ends as crashed, with the
 * signal, and (as multiprocessing.Pool does) a new worker takes its place. */
static void
worker_ended (JgProcessPool *self,
              Worker        *w)
{
  guint64 ts = now_ns (self);
  int signo = 0;
  g_autofree char *text = describe_exit (w, &signo);
  guint32 t = current_task (w);
  gboolean was_running = w->state != WORKER_STARTING;
  /* Once the pool is done, only a task still running makes an end a crash;
   * a start-up the pool no longer needs is merely cut short. */
  gboolean cut_short = t != JG_LANE_NONE && (self->cancelled || (self->quitting && t == w->startup_task));
  gboolean crashed = !cut_short && (!self->quitting || t != JG_LANE_NONE);

  close_fds (w);
  remove_scratch_dir (w);
  g_free (w->exit_text);
  w->exit_text = g_steal_pointer (&text);

  if (w->state == WORKER_GONE)
    return;

  if (cut_short)
    {
      end_task (self, w, ts, t, JG_END_CANCELLED, 0, "CancelledError");
    }
  else if (crashed && w->lane != JG_LANE_NONE)
    {
      g_autofree char *label = g_strdup_printf ("worker %s", w->exit_text);
      JsonObject *mark = json_object_new ();

      self->crashes++;
      push_event (self, w, ts, -1, t != JG_LANE_NONE ? t : w->startup_task, JG_EVENT_MARK,
                  jg_trace_intern (self->trace, label));
      if (t != JG_LANE_NONE)
        {
          /* As concurrent.futures says to a future whose worker died. */
          g_autofree char *message =
            g_strdup_printf ("BrokenProcessPool: a process in the process pool was terminated abruptly "
                             "while the future was running (%s, pid %d, %s)",
                             worker_name (self, w), (int) w->pid, w->exit_text);

          end_task (self, w, ts, t, JG_END_CRASHED, signo, message);
        }

      json_object_set_string_member (mark, "kind", "crash");
      if (t != JG_LANE_NONE)
        json_object_set_string_member (mark, "task", jg_trace_get_task_name (self->trace, t));
      else
        json_object_set_null_member (mark, "task");
      json_object_set_string_member (mark, "worker", worker_name (self, w));
      json_object_set_int_member (mark, "pid", w->pid);
      json_object_set_int_member (mark, "signal", signo);
      if (signo > 0)
        {
          g_autofree char *name = g_strdup_printf ("SIG%s", sigabbrev_np (signo) != NULL ? sigabbrev_np (signo) : "?");

          json_object_set_string_member (mark, "signal_name", name);
        }
      else
        json_object_set_null_member (mark, "signal_name");
      if (w->status_known && WIFEXITED (w->wait_status))
        json_object_set_int_member (mark, "exit_status", WEXITSTATUS (w->wait_status));
      else
        json_object_set_null_member (mark, "exit_status");
      json_object_set_string_member (mark, "message", w->exit_text);
      json_object_set_double_member (mark, "time_s", ts / 1e9);
      add_mark (self, mark);
    }
  w->state = WORKER_GONE;
  if (w->job != NULL)
    {
      /* Its end was not its own (a worker that never got its lane). */
      PoolJob *job = g_steal_pointer (&w->job);

      self->n_running--;
      job_finish (job, self->cancelled ? JG_END_CANCELLED : JG_END_CRASHED,
                  self->cancelled ? "CancelledError" : "BrokenProcessPool: its worker process was lost");
    }

  if (w->is_server)
    {
      /* Its workers die with it (their parent-death signal); nothing can say
       * how they ended, and no new ones can be forked. */
      for (guint i = 0; i < self->workers->len; i++)
        {
          Worker *other = g_ptr_array_index (self->workers, i);

          if (!other->direct && !other->exited)
            other->exited = TRUE;
        }
      while (!g_queue_is_empty (&self->forks))
        {
          Worker *pending = g_queue_pop_head (&self->forks);

          pending->exited = pending->eof = TRUE;
          pending->exit_text = g_strdup ("was never forked");
        }
      return;
    }

  /* multiprocessing.Pool replaces a worker that died; one that died before it
   * ever started is not replaced (its replacement would die the same way). */
  if (crashed && was_running && !self->cancelled && !self->quitting
      && (self->thread != NULL || !g_queue_is_empty (&self->pending)))
    {
      g_autoptr (GError) error = NULL;

      if (!start_worker (self, &error))
        add_error_mark (self, NULL, error->message);
    }
}

/* Accounts for every worker whose pipe has closed and whose end is known. */
static void
collect_ended (JgProcessPool *self)
{
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->state == WORKER_GONE || !w->eof)
        continue;
      if (w->direct)
        reap_child (w, REAP_GRACE_MS);
      if (w->exited)
        worker_ended (self, w);
    }
}

/* Some worker is, or will be, there to run the tasks left. */
static gboolean
can_run_tasks (JgProcessPool *self)
{
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->state != WORKER_GONE && !w->is_server)
        return TRUE;
    }
  /* A fork server still starting forks the workers once it is up. */
  return self->server != NULL && self->server->state == WORKER_STARTING;
}

/* One round of poll () over every live pipe (and the stop), handling what is
 * ready. */
static void
poll_once (JgProcessPool *self,
           int            timeout_ms,
           int            cancel_fd)
{
  g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));
  g_autoptr (GPtrArray) owners = g_ptr_array_new ();

  if (cancel_fd >= 0)
    {
      struct pollfd pfd = { cancel_fd, POLLIN, 0 };

      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, NULL);
    }
  if (self->wake_fds[0] >= 0)
    {
      struct pollfd pfd = { self->wake_fds[0], POLLIN, 0 };

      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, NULL);
    }
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);
      struct pollfd pfd = { -1, 0, 0 };

      if (w->state == WORKER_GONE)
        continue;
      /* A forked worker's events wait until its lane exists. */
      if (w->from_fd >= 0 && !w->eof && w->lane != JG_LANE_NONE)
        {
          pfd.fd = w->from_fd;
          pfd.events |= POLLIN;
        }
      if (w->to_fd >= 0 && w->out != NULL)
        {
          if (pfd.fd >= 0 && pfd.fd != w->to_fd)
            {
              g_array_append_val (fds, pfd);
              g_ptr_array_add (owners, w);
              pfd.events = 0;
            }
          pfd.fd = w->to_fd;
          pfd.events |= POLLOUT;
        }
      if (pfd.fd >= 0)
        {
          g_array_append_val (fds, pfd);
          g_ptr_array_add (owners, w);
        }
    }

  if (poll ((struct pollfd *) fds->data, fds->len, timeout_ms) < 0)
    return;

  for (guint i = 0; i < fds->len; i++)
    {
      struct pollfd *pfd = &g_array_index (fds, struct pollfd, i);
      Worker *w = g_ptr_array_index (owners, i);

      if (pfd->revents != 0 && pfd->fd == self->wake_fds[0])
        {
          char drain[64];

          while (read (pfd->fd, drain, sizeof drain) > 0)
            ;
        }
      if (w == NULL || pfd->revents == 0)
        continue;
      if ((pfd->revents & (POLLOUT | POLLERR)) && pfd->fd == w->to_fd)
        flush_out (self, w);
      if ((pfd->revents & (POLLIN | POLLHUP | POLLERR)) && pfd->fd == w->from_fd && !w->eof)
        read_from (self, w);
    }
}

/* Waits for every process to be gone, reading what their pipes still hold,
 * for at most @grace_ms; then kills what is left and waits for that. */
static void
wait_all_gone (JgProcessPool *self,
               guint          grace_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) grace_ms * 1000;
  gboolean killed = FALSE;

  for (;;)
    {
      gboolean left = FALSE, workers_left = FALSE;

      for (guint i = 0; i < self->workers->len; i++)
        {
          Worker *w = g_ptr_array_index (self->workers, i);

          /* A worker the server has not forked yet is read once it has been,
           * or ends with the server. */
          if (w->state == WORKER_GONE)
            continue;
          if (w->direct && !w->exited && w->pid > 0)
            {
              int status;

              if (waitpid (w->pid, &status, WNOHANG) == w->pid)
                {
                  w->exited = w->status_known = TRUE;
                  w->wait_status = status;
                }
            }
          if (w->eof && w->exited)
            {
              worker_ended (self, w);
              continue;
            }
          left = TRUE;
          workers_left |= !w->is_server;
        }
      if (!left)
        break;

      /* The server kills and reaps the workers it still has when its socket
       * closes, so it is told last. */
      if (!workers_left && self->server != NULL && self->server->state != WORKER_GONE
          && self->server->to_fd >= 0 && self->server->out == NULL)
        {
          shutdown (self->server->to_fd, SHUT_WR);
          self->server->to_fd = -1;
        }

      if (!killed && g_get_monotonic_time () >= deadline)
        {
          for (guint i = 0; i < self->workers->len; i++)
            kill_worker (g_ptr_array_index (self->workers, i));
          killed = TRUE;
        }
      poll_once (self, 5, -1);
    }
}

/* Every task has ended (or the run was stopped): the workers are told to quit
 * (their task pipes close) or, on a stop, killed at once; either way each is
 * waited for and reaped. */
static void
shut_down (JgProcessPool *self)
{
  self->quitting = TRUE;
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->state == WORKER_GONE)
        continue;
      if (self->cancelled)
        {
          if (w->is_server)
            {
              /* It kills the workers it forked, then exits. */
              if (w->to_fd >= 0)
                shutdown (w->to_fd, SHUT_WR);
              w->to_fd = -1;
            }
          else
            kill_worker (w);
        }
      else if (!w->is_server && w->to_fd >= 0)
        {
          close (w->to_fd);
          w->to_fd = -1;
          g_clear_pointer (&w->out, g_byte_array_unref);
        }
    }
  wait_all_gone (self, self->cancelled ? REAP_GRACE_MS : QUIT_GRACE_MS);
}

/* Moves what other threads submitted to the pending jobs. */
static void
take_incoming (JgProcessPool *self)
{
  PoolJob *job;

  g_mutex_lock (&self->lock);
  while ((job = g_queue_pop_head (&self->incoming)) != NULL)
    g_queue_push_tail (&self->pending, job);
  g_mutex_unlock (&self->lock);
}

/* Once no job is left: jg_process_pool_run's loop ends, a started pool's when
 * it has been asked to shut down. From then on no job is taken. */
static gboolean
may_end (JgProcessPool *self)
{
  gboolean end;

  g_mutex_lock (&self->lock);
  end = g_queue_is_empty (&self->incoming) && (self->thread == NULL || self->closing);
  if (end)
    self->finished = TRUE;
  g_mutex_unlock (&self->lock);
  return end;
}

/* No worker is left to run the pending jobs: ProcessPoolExecutor is broken. */
static void
fail_pending (JgProcessPool *self)
{
  g_autofree char *message =
    g_strdup_printf ("The process pool is broken: no worker is left to run %u of the tasks "
                     "(ProcessPoolExecutor raises BrokenProcessPool)",
                     g_queue_get_length (&self->pending));
  PoolJob *job;

  add_error_mark (self, NULL, message);
  while ((job = g_queue_pop_head (&self->pending)) != NULL)
    {
      /* A submitted job's lane shows that it never ran. */
      if (job->done != NULL)
        {
          jg_probe_emit (self->probe, job->lane, JG_EVENT_TASK_BEGIN, 0);
          jg_probe_emit (self->probe, job->lane, JG_EVENT_TASK_END, JG_END_ARG (JG_END_CRASHED, 0));
        }
      job_finish (job, JG_END_CRASHED, "BrokenProcessPool: no worker process is left to run it");
    }
}

/* The pool's loop, on the thread that starts the workers (their parent-death
 * signal is tied to it): jobs go to free workers until the loop may end or
 * the run is stopped; then every process is gone, and every job has ended. */
static void
serve (JgProcessPool *self)
{
  g_autoptr (GError) error = NULL;
  GPollFD cancel_pollfd = { -1, 0, 0 };
  sigset_t pipe_set, old_set;
  struct timespec zero = { 0, 0 };
  PoolJob *job;
  int cancel_fd;

  /* A write to a dead worker's pipe must fail with EPIPE, not kill the parent:
   * SIGPIPE is blocked on this thread, and whatever it left pending is taken
   * before the mask is restored. */
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old_set);

  self->probe = jg_recorder_open_probe (self->recorder, self->main_lane);
  cancel_fd = g_cancellable_make_pollfd (self->cancellable, &cancel_pollfd) ? cancel_pollfd.fd : -1;

  if (self->options.start_method == JG_START_FORKSERVER)
    {
      if (!start_server (self, &error))
        add_error_mark (self, NULL, error->message);
    }
  else
    start_workers (self, self->options.n_workers);

  for (;;)
    {
      take_incoming (self);
      if (g_cancellable_is_cancelled (self->cancellable))
        {
          self->cancelled = TRUE;
          break;
        }
      if (g_queue_is_empty (&self->pending) && self->n_running == 0 && may_end (self))
        break;
      dispatch_idle (self);
      if (!g_queue_is_empty (&self->pending) && !can_run_tasks (self))
        {
          fail_pending (self);
          continue;
        }
      poll_once (self, -1, cancel_fd);
      collect_ended (self);
    }

  shut_down (self);

  /* Stopped: what no worker took ends as cancelled, never run. */
  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_mutex_unlock (&self->lock);
  take_incoming (self);
  while ((job = g_queue_pop_head (&self->pending)) != NULL)
    job_finish (job, JG_END_CANCELLED, "CancelledError");
  g_assert (self->n_running == 0);

  if (cancel_fd >= 0)
    g_cancellable_release_fd (self->cancellable);
  jg_recorder_close_probe (self->recorder, self->probe);
  self->probe = NULL;

  while (sigtimedwait (&pipe_set, NULL, &zero) > 0)
    ;
  pthread_sigmask (SIG_SETMASK, &old_set, NULL);
}

void
jg_process_pool_run (JgProcessPool *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->plan != NULL);
  g_return_if_fail (!self->ran);
  self->ran = TRUE;

  /* Pool.map: every task of the plan, in order, as a job on its own lane. */
  for (guint t = 0; t < self->plan->n_tasks; t++)
    g_queue_push_tail (&self->pending,
                       job_new (self->plan->tasks[t].steps, self->plan->tasks[t].n_steps, t, NULL, NULL));
  serve (self);
}

static gpointer
pool_thread_main (gpointer data)
{
  serve (data);
  return NULL;
}

gboolean
jg_process_pool_start (JgProcessPool  *self,
                       GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->ran, FALSE);

  if (!check_worker_program (error) || !make_pipe (self->wake_fds, error))
    return FALSE;
  set_nonblocking (self->wake_fds[0]);
  set_nonblocking (self->wake_fds[1]);
  self->ran = TRUE;
  /* Under the lock: may_end () reads it on the new thread. */
  g_mutex_lock (&self->lock);
  self->thread = g_thread_try_new ("jg-process-pool", pool_thread_main, self, error);
  g_mutex_unlock (&self->lock);
  if (self->thread == NULL)
    {
      self->finished = TRUE;
      return FALSE;
    }
  return TRUE;
}

static void
wake_pool (JgProcessPool *self)
{
  char byte = 1;

  /* A full pipe already wakes it. */
  if (write (self->wake_fds[1], &byte, 1) < 0 && errno != EAGAIN)
    g_debug ("Could not wake the process pool: %s", g_strerror (errno));
}

void
jg_process_pool_submit (JgProcessPool    *self,
                        const JgStep     *steps,
                        guint             n_steps,
                        guint32           task,
                        JgProcessJobDone  done,
                        gpointer          data)
{
  PoolJob *job;
  gboolean taken;

  g_return_if_fail (self != NULL);
  g_return_if_fail (steps != NULL || n_steps == 0);
  g_return_if_fail (n_steps <= JG_WIRE_MAX_STEPS);

  job = job_new (steps, n_steps, task, done, data);
  g_mutex_lock (&self->lock);
  taken = self->thread != NULL && !self->finished && !self->closing;
  if (taken)
    g_queue_push_tail (&self->incoming, job);
  g_mutex_unlock (&self->lock);

  if (taken)
    wake_pool (self);
  else
    job_finish (job, g_cancellable_is_cancelled (self->cancellable) ? JG_END_CANCELLED : JG_END_ERROR,
                g_cancellable_is_cancelled (self->cancellable)
                ? "CancelledError" : "RuntimeError: cannot schedule new futures after shutdown");
}

void
jg_process_pool_shutdown (JgProcessPool *self)
{
  g_return_if_fail (self != NULL);

  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->closing = TRUE;
  g_mutex_unlock (&self->lock);
  wake_pool (self);
  g_thread_join (self->thread);
  g_mutex_lock (&self->lock);
  self->thread = NULL;
  g_mutex_unlock (&self->lock);
}

JsonArray *
jg_process_pool_dup_marks (JgProcessPool *self)
{
  JsonArray *copy = json_array_new ();

  g_return_val_if_fail (self != NULL, copy);

  for (guint i = 0; i < json_array_get_length (self->marks); i++)
    json_array_add_element (copy, json_node_copy (json_array_get_element (self->marks, i)));
  return copy;
}

static JsonObject *
describe_worker (JgProcessPool *self,
                 Worker        *w)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", worker_name (self, w));
  json_object_set_int_member (object, "pid", w->pid);
  if (w->startup_s >= 0)
    json_object_set_double_member (object, "startup_s", w->startup_s);
  else
    json_object_set_null_member (object, "startup_s");
  if (!w->is_server)
    json_object_set_int_member (object, "tasks", w->tasks_run);
  json_object_set_string_member (object, "exit", w->exit_text != NULL ? w->exit_text : "unknown");
  return object;
}

void
jg_process_pool_add_results (JgProcessPool *self,
                             JsonObject    *results)
{
  JsonObject *processes = json_object_new ();
  JsonArray *workers = json_array_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (results != NULL);

  json_object_set_string_member (processes, "start_method", jg_start_method_name (self->options.start_method));
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = g_ptr_array_index (self->workers, i);

      if (w->is_server)
        json_object_set_object_member (processes, "server", describe_worker (self, w));
      else if (w->lane != JG_LANE_NONE)
        json_array_add_object_element (workers, describe_worker (self, w));
    }
  json_object_set_array_member (processes, "workers", workers);
  json_object_set_int_member (processes, "transfer_bytes", (gint64) self->transfer_bytes);
  json_object_set_int_member (processes, "crashes", self->crashes);
  json_object_set_object_member (results, "processes", processes);
}
