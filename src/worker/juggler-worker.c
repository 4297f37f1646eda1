/* juggler-worker.c: the child program of the processes model
 * (docs/processes.md). A worker process is one interpreter of a
 * multiprocessing pool: it starts up, runs the tasks its parent sends one at
 * a time under its own GIL, and streams its events back while it runs. With
 * --server it is a fork server instead: a single-threaded process that forks
 * workers when the parent asks. Either way it dies with its parent. */
#define G_LOG_DOMAIN "juggler-worker"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-clock.h"
#include "jg-cpu.h"
#include "jg-interpreter.h"
#include "jg-process-wire.h"
#include "jg-recorder.h"

/* Events go to the parent at least this often while a task runs. */
#define FORWARD_INTERVAL_US 2000

typedef struct
{
  int            in_fd;
  int            out_fd;
  JgWireConfig   config;
  char          *scratch_dir;
  JgTrace       *trace;
  JgRecorder    *recorder;
  JgProbe       *probe;
  JgInterpreter *interp;
  JgIoContext    io;
  JgThreadState  ts;

  GMutex         write_lock; /* one whole message at a time on out_fd */
  guint64        forwarded;  /* events sent so far; under write_lock */
  GMutex         lock;       /* guards stopping */
  GCond          cond;
  gboolean       stopping;
  GThread       *forwarder;
} Worker;

/* The parent is gone or talks nonsense: nobody is left to report to. */
static G_NORETURN void
fail (const char   *what,
      const GError *error)
{
  g_printerr ("juggler-worker %d: %s%s%s\n", (int) getpid (), what, error != NULL ? ": " : "",
              error != NULL ? error->message : "");
  _exit (EXIT_FAILURE);
}

/* Sends the events recorded since the last call. Called with write_lock held. */
static void
forward_locked (Worker *w)
{
  guint64 n = jg_trace_get_n_events (w->trace);

  while (w->forwarded < n)
    {
      g_autoptr (GError) error = NULL;
      guint64 count;
      const JgEvent *events = jg_trace_get_events (w->trace, w->forwarded, &count);

      count = MIN (MIN (count, n - w->forwarded), JG_WIRE_MAX_EVENTS);
      if (!jg_wire_send (w->out_fd, JG_WIRE_EVENTS, events, count * sizeof (JgEvent), 0, &error))
        fail ("could not send events", error);
      w->forwarded += count;
    }
}

static gpointer
forwarder_main (gpointer data)
{
  Worker *w = data;

  g_mutex_lock (&w->lock);
  while (!w->stopping)
    {
      gint64 deadline = g_get_monotonic_time () + FORWARD_INTERVAL_US;

      while (!w->stopping && g_cond_wait_until (&w->cond, &w->lock, deadline))
        ;
      g_mutex_unlock (&w->lock);

      g_mutex_lock (&w->write_lock);
      forward_locked (w);
      g_mutex_unlock (&w->write_lock);

      g_mutex_lock (&w->lock);
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

/* Waits until the collector has taken everything this thread recorded, then
 * takes write_lock: the caller's message follows every event it announces. */
static void
flush_and_lock (Worker *w)
{
  jg_recorder_wake (w->recorder);
  while (jg_trace_get_n_events (w->trace) < __atomic_load_n (&w->probe->head, __ATOMIC_ACQUIRE))
    g_usleep (50);
  g_mutex_lock (&w->write_lock);
  forward_locked (w);
}

static void
read_config (Worker *w)
{
  g_autoptr (GError) error = NULL;
  JgWireHeader header;
  gboolean eof;

  if (!jg_wire_read_all (w->in_fd, &header, sizeof header, &eof, &error)
      || !jg_wire_check_header (&header, &error))
    fail ("no configuration", error);
  if (header.type != JG_WIRE_CONFIG || header.length < sizeof w->config)
    fail ("the first message is not a configuration", NULL);
  if (!jg_wire_read_all (w->in_fd, &w->config, sizeof w->config, NULL, &error))
    fail ("no configuration", error);
  if (header.length != sizeof w->config + w->config.scratch_dir_len
      || w->config.interpreter >= JG_INTERPRETER_N_MODES
      || !(w->config.switch_interval_ms >= JG_GIL_MIN_INTERVAL_MS)
      || !(w->config.startup_ms >= 0 && w->config.startup_ms <= 60000)
      || !(w->config.time_scale >= JG_TIME_SCALE_MIN && w->config.time_scale <= JG_TIME_SCALE_MAX))
    fail ("a configuration out of range", NULL);
  if (w->config.scratch_dir_len > 0)
    {
      w->scratch_dir = g_malloc0 (w->config.scratch_dir_len + 1);
      if (!jg_wire_read_all (w->in_fd, w->scratch_dir, w->config.scratch_dir_len, NULL, &error))
        fail ("no scratch directory", error);
    }
}

/* The interpreter's start-up: CPU work of the length the start method costs
 * in CPython (docs/processes.md), as a task on this worker's lane. */
static void
start_up (Worker *w)
{
  g_autoptr (GError) error = NULL;
  JgWireReady ready;
  guint32 task = w->config.startup_task;

  w->ts.task = task;
  if (jg_thread_state_enter (&w->ts, &error))
    jg_thread_state_cpu (&w->ts, w->config.startup_ms, FALSE, &error);
  jg_probe_emit_leave (w->probe, task, JG_EVENT_TASK_END, JG_END_ARG (error == NULL ? JG_END_OK : JG_END_ERROR, 0));
  jg_thread_state_leave (&w->ts);
  ready.startup_end_ns = jg_clock_now_ns () - w->config.epoch_ns;

  flush_and_lock (w);
  if (!jg_wire_send (w->out_fd, JG_WIRE_READY, &ready, sizeof ready, 0, &error))
    fail ("could not say it is ready", error);
  g_mutex_unlock (&w->write_lock);
}

static gboolean
run_step (Worker        *w,
          const JgStep  *step,
          GError       **error)
{
  switch (step->kind)
    {
    case JG_STEP_CPU:
      return jg_thread_state_cpu (&w->ts, step->ms, step->releases_gil, error);
    case JG_STEP_IO:
      return jg_thread_state_io (&w->ts, step->io_kind, step->ms, error);
    case JG_STEP_BLOCK:
      return jg_thread_state_block (&w->ts, step->ms, error);
    case JG_STEP_TRANSFER:
      /* Arguments came with the task; the result goes back after it. */
      return TRUE;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Steps of kind %d cannot run in a worker process", (int) step->kind);
      return FALSE;
    }
}

/* The arguments, unpickled under the GIL; in slow motion that lasts longer
 * too, as every other duration of the run does. */
static gboolean
unpickle_args (Worker        *w,
               const guint8  *payload,
               guint64        size,
               GError       **error)
{
  guint64 started = jg_clock_now_ns ();

  if (!jg_wire_decode_payload (payload, size, NULL, error))
    return FALSE;
  /* A stopped run kills the worker: nothing to cancel here. */
  jg_wire_stretch (started, w->config.time_scale, NULL);
  return TRUE;
}

/* One task, as a Pool worker runs it: unpickle the arguments, call the
 * function, pickle the result and put it on the result pipe. */
static void
run_task (Worker  *w,
          guint64  length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) send_error = NULL;
  g_autofree JgStep *steps = NULL;
  g_autofree guint8 *payload = NULL;
  JgWireTask task;
  JgWireResult result = { 0 };
  guint64 result_bytes = 0;

  if (length < sizeof task || !jg_wire_read_all (w->in_fd, &task, sizeof task, NULL, &send_error))
    fail ("a task without its description", send_error);
  if (task.n_steps > JG_WIRE_MAX_STEPS || task.args_bytes > JG_WIRE_MAX_PAYLOAD
      || length != sizeof task + (guint64) task.n_steps * sizeof (JgStep) + task.args_bytes)
    fail ("a task out of range", NULL);
  steps = g_new (JgStep, MAX (task.n_steps, 1));
  if (!jg_wire_read_all (w->in_fd, steps, task.n_steps * sizeof (JgStep), NULL, &send_error))
    fail ("a task without its steps", send_error);
  if (task.args_bytes > 0)
    {
      payload = g_try_malloc (task.args_bytes);
      if (payload == NULL)
        fail ("no memory for the arguments", NULL);
      if (!jg_wire_read_all (w->in_fd, payload, task.args_bytes, NULL, &send_error))
        fail ("a task without its arguments", send_error);
    }
  for (guint i = 0; i < task.n_steps; i++)
    if (steps[i].kind == JG_STEP_TRANSFER && steps[i].direction == JG_TRANSFER_FROM_WORKER && steps[i].value > 0)
      result_bytes += (guint64) steps[i].value;

  w->ts.task = task.task;
  /* The arguments are in: the pipe transfer the parent began is over. */
  if (task.args_bytes > 0)
    jg_probe_emit (w->probe, task.task, JG_EVENT_IO_END, JG_IO_PIPE);

  if (jg_thread_state_enter (&w->ts, &error)
      && (payload == NULL || unpickle_args (w, payload, task.args_bytes, &error)))
    {
      g_clear_pointer (&payload, g_free);
      for (guint i = 0; i < task.n_steps; i++)
        if ((i > 0 && !jg_thread_state_checkpoint (&w->ts, &error)) || !run_step (w, &steps[i], &error))
          break;
    }
  g_clear_pointer (&payload, g_free);

  /* A failed call sends back its exception, not a result. */
  if (error != NULL)
    result_bytes = 0;
  if (result_bytes > 0)
    {
      guint64 encode_started = jg_clock_now_ns ();

      payload = g_try_malloc (result_bytes);
      if (payload == NULL)
        fail ("no memory for the result", NULL);
      jg_wire_encode_payload (payload, result_bytes, task.task + 1);
      jg_wire_stretch (encode_started, w->config.time_scale, NULL);
    }

  /* Sending the result releases the GIL around the pipe write, as
   * Connection.send_bytes does. */
  jg_thread_state_allow_threads (&w->ts, JG_SUSPEND_IO);
  jg_probe_emit (w->probe, task.task, JG_EVENT_IO_BEGIN, JG_IO_PIPE);

  result.task = task.task;
  result.status = error == NULL ? JG_END_OK : JG_END_ERROR;
  result.result_bytes = result_bytes;
  result.message_len = error != NULL ? (guint32) MIN (strlen (error->message), JG_WIRE_MAX_TEXT) : 0;

  flush_and_lock (w);
  if (!jg_wire_send (w->out_fd, JG_WIRE_RESULT, &result, sizeof result, result.message_len + result_bytes,
                     &send_error)
      || (result.message_len > 0
          && !jg_wire_write_all (w->out_fd, error->message, result.message_len, &send_error))
      || (result_bytes > 0 && !jg_wire_write_all (w->out_fd, payload, result_bytes, &send_error)))
    fail ("could not send a result", send_error);
  g_mutex_unlock (&w->write_lock);
}

static int
worker_main (int in_fd,
             int out_fd)
{
  Worker w = { 0 };

  w.in_fd = in_fd;
  w.out_fd = out_fd;
  g_mutex_init (&w.write_lock);
  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);

  /* A forked worker has it already, from its server. */
  jg_cpu_get_iterations_per_ms ();
  read_config (&w);

  /* Its own recorder, on the parent's clock: CLOCK_MONOTONIC is one clock for
   * every process, so its events need no translation. */
  w.trace = jg_trace_new ();
  w.recorder = jg_recorder_new (w.trace);
  jg_recorder_start (w.recorder);
  jg_trace_set_epoch_ns (w.trace, w.config.epoch_ns);
  w.probe = jg_recorder_open_probe (w.recorder, 0);
  w.interp = jg_interpreter_new (w.config.interp_id, w.config.interpreter, w.config.switch_interval_ms);
  w.io.loopback_port = w.config.loopback_port;
  w.io.scratch_dir = w.scratch_dir;
  jg_thread_state_init (&w.ts, w.interp, w.probe, NULL, &w.io);
  w.forwarder = g_thread_new ("jg-forwarder", forwarder_main, &w);

  start_up (&w);

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      JgWireHeader header;
      gboolean eof;

      /* The parent closes the pipe when the pool is done. */
      if (!jg_wire_read_all (w.in_fd, &header, sizeof header, &eof, &error))
        {
          if (eof)
            break;
          fail ("could not read a task", error);
        }
      if (!jg_wire_check_header (&header, &error))
        fail ("a broken message", error);
      if (header.type != JG_WIRE_TASK)
        fail ("a message that is not a task", NULL);
      run_task (&w, header.length);
    }

  g_mutex_lock (&w.lock);
  w.stopping = TRUE;
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (w.forwarder);

  jg_thread_state_clear (&w.ts);
  jg_recorder_close_probe (w.recorder, w.probe);
  jg_recorder_stop (w.recorder);
  g_mutex_lock (&w.write_lock);
  forward_locked (&w);
  g_mutex_unlock (&w.write_lock);

  g_object_unref (w.recorder);
  g_object_unref (w.trace);
  jg_interpreter_free (w.interp);
  g_free (w.scratch_dir);
  g_mutex_clear (&w.write_lock);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  close (w.in_fd);
  close (w.out_fd);
  return EXIT_SUCCESS;
}

/* The fork server. */

static int sigchld_pipe[2] = { -1, -1 };

static void
on_sigchld (int signo)
{
  int saved = errno;

  if (write (sigchld_pipe[1], "c", 1) < 0)
    {
      /* The pipe is full: a wake-up is pending anyway. */
    }
  errno = saved;
}

/* Forking is only safe from a process with one thread. */
static guint
count_threads (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The server's own start-up (the spawn of a fresh interpreter that imports
 * the main module once), recorded without a probe: a probe's collector would
 * be a second thread, and a process with two threads must not fork. */
static void
server_start_up (int                 ctl,
                 const JgWireConfig *config)
{
  g_autoptr (GError) error = NULL;
  JgEvent events[3];
  JgWireReady ready;
  guint64 cpu_before, state;
  double per_ms = jg_cpu_get_iterations_per_ms ();

  events[0] = (JgEvent) { jg_clock_now_ns () - config->epoch_ns, config->startup_task, 0, JG_EVENT_RUN,
                          (gint16) sched_getcpu (), 0 };
  cpu_before = jg_clock_thread_cpu_ns ();
  state = jg_cpu_spin ((guint64) (config->startup_ms * per_ms + 0.5), 1);
  events[1] = (JgEvent) { jg_clock_now_ns () - config->epoch_ns, config->startup_task, 0, JG_EVENT_CPU_TIME,
                          (gint16) sched_getcpu (),
                          (guint32) MIN ((jg_clock_thread_cpu_ns () - cpu_before) / 1000, G_MAXUINT32) };
  events[2] = events[1];
  events[2].kind = JG_EVENT_TASK_END;
  events[2].arg = JG_END_ARG (JG_END_OK, 0);
  ready.startup_end_ns = events[2].ts;
  if (state == 0)
    g_debug ("start-up state reached zero");

  if (!jg_wire_send (ctl, JG_WIRE_EVENTS, events, sizeof events, 0, &error)
      || !jg_wire_send (ctl, JG_WIRE_READY, &ready, sizeof ready, 0, &error))
    fail ("could not report the start-up", error);
}

/* Reads a message header from the parent, with any descriptors sent along. */
static gboolean
receive_header (int            ctl,
                JgWireHeader  *header,
                int            fds[2],
                gboolean      *eof)
{
  g_autoptr (GError) error = NULL;
  struct iovec iov = { header, sizeof *header };
  union
  {
    char           buffer[CMSG_SPACE (2 * sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr message = { 0 };
  ssize_t n;

  fds[0] = fds[1] = -1;
  *eof = FALSE;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;
  do
    n = recvmsg (ctl, &message, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    {
      *eof = n == 0;
      return FALSE;
    }

  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&message); cmsg != NULL; cmsg = CMSG_NXTHDR (&message, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS
        && cmsg->cmsg_len == CMSG_LEN (2 * sizeof (int)))
      memcpy (fds, CMSG_DATA (cmsg), 2 * sizeof (int));

  if ((gsize) n < sizeof *header
      && !jg_wire_read_all (ctl, (guint8 *) header + n, sizeof *header - (gsize) n, NULL, &error))
    return FALSE;
  return jg_wire_check_header (header, NULL);
}

static G_NORETURN void
become_worker (pid_t server,
               int   fd3,
               int   fd4)
{
  int a, b;

  /* The worker dies with the server, which dies with the run. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != server)
    _exit (EXIT_FAILURE);
  signal (SIGCHLD, SIG_DFL);

  a = fcntl (fd3, F_DUPFD, 10);
  b = fcntl (fd4, F_DUPFD, 10);
  if (a < 0 || b < 0 || dup2 (a, 3) < 0 || dup2 (b, 4) < 0)
    _exit (EXIT_FAILURE);
  /* Nothing of the server's (its socket, the other workers' pipes) stays open:
   * its socket was fd 3, and the rest are above 4. */
  close_range (5, ~0u, 0);
  exit (worker_main (3, 4));
}

static int
server_main (int ctl)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) children = g_array_new (FALSE, FALSE, sizeof (pid_t));
  JgWireConfig config;
  JgWireHeader header;
  struct sigaction action = { 0 };
  gboolean eof;

  if (!jg_wire_read_all (ctl, &header, sizeof header, &eof, &error)
      || !jg_wire_check_header (&header, &error)
      || header.type != JG_WIRE_CONFIG || header.length < sizeof config
      || !jg_wire_read_all (ctl, &config, sizeof config, NULL, &error))
    fail ("no configuration", error);
  /* The server needs no scratch directory: read past it. */
  for (guint64 left = header.length - sizeof config; left > 0; left--)
    {
      char c;

      if (!jg_wire_read_all (ctl, &c, 1, NULL, &error))
        fail ("no configuration", error);
    }
  if (!(config.startup_ms >= 0 && config.startup_ms <= 60000))
    fail ("a configuration out of range", NULL);

  server_start_up (ctl, &config);

  if (pipe2 (sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    fail ("no pipe for SIGCHLD", NULL);
  action.sa_handler = on_sigchld;
  action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction (SIGCHLD, &action, NULL);

  for (;;)
    {
      struct pollfd fds[2] = { { ctl, POLLIN, 0 }, { sigchld_pipe[0], POLLIN, 0 } };
      pid_t pid;
      int status;

      if (poll (fds, 2, -1) < 0 && errno != EINTR)
        fail ("poll failed", NULL);

      if (fds[1].revents & POLLIN)
        {
          char drain[64];

          while (read (sigchld_pipe[0], drain, sizeof drain) > 0)
            ;
        }
      /* Reap every worker that ended, and tell the parent how. */
      while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
        {
          JgWireExited exited = { pid, status };

          for (guint i = 0; i < children->len; i++)
            if (g_array_index (children, pid_t, i) == pid)
              g_array_remove_index_fast (children, i--);
          if (!jg_wire_send (ctl, JG_WIRE_EXITED, &exited, sizeof exited, 0, NULL))
            break;
        }

      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          JgWireFork request;
          JgWireForked forked = { -1, 0 };
          int passed[2];

          if (!receive_header (ctl, &header, passed, &eof) || header.type != JG_WIRE_FORK
              || header.length != sizeof request
              || !jg_wire_read_all (ctl, &request, sizeof request, NULL, NULL))
            {
              if (passed[0] >= 0)
                close (passed[0]);
              if (passed[1] >= 0)
                close (passed[1]);
              /* The parent is done (or broken): take the workers down with us. */
              break;
            }

          forked.slot = request.slot;
          if (passed[0] >= 0 && passed[1] >= 0 && count_threads () == 1)
            {
              pid_t server = getpid ();

              pid = fork ();
              if (pid == 0)
                become_worker (server, passed[0], passed[1]);
              forked.pid = pid;
              if (pid > 0)
                g_array_append_val (children, pid);
            }
          if (passed[0] >= 0)
            close (passed[0]);
          if (passed[1] >= 0)
            close (passed[1]);
          if (!jg_wire_send (ctl, JG_WIRE_FORKED, &forked, sizeof forked, 0, NULL))
            break;
        }
    }

  /* No worker outlives the server: kill, reap and report each one. */
  for (guint i = 0; i < children->len; i++)
    kill (g_array_index (children, pid_t, i), SIGKILL);
  for (guint i = 0; i < children->len; i++)
    {
      pid_t pid = g_array_index (children, pid_t, i);
      JgWireExited exited = { pid, 0 };

      while (waitpid (pid, &exited.wait_status, 0) < 0 && errno == EINTR)
        ;
      jg_wire_send (ctl, JG_WIRE_EXITED, &exited, sizeof exited, 0, NULL);
    }
  close (ctl);
  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gint parent = 0;
  gboolean server = FALSE, worker = FALSE;
  const GOptionEntry entries[] = {
    { "parent", 0, 0, G_OPTION_ARG_INT, &parent, "The pid of the process that started it", "PID" },
    { "server", 0, 0, G_OPTION_ARG_NONE, &server, "Be a fork server on fd 3", NULL },
    { "worker", 0, 0, G_OPTION_ARG_NONE, &worker, "Be a worker: tasks on fd 3, events on fd 4", NULL },
    { NULL }
  };

  /* Die with the parent, and not start at all if it is already gone: no
   * orphan ever outlives a run. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "A worker process of Juggler's processes model; Juggler starts it.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("juggler-worker: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (parent <= 0 || server == worker)
    {
      g_printerr ("juggler-worker: Juggler starts this program itself (--parent PID and --server or --worker)\n");
      return EXIT_FAILURE;
    }
  if (getppid () != parent)
    return EXIT_FAILURE;
  /* Only our own pipes: a descriptor of the parent's kept open here would
   * keep some other pipe from ever closing. */
  close_range (server ? 4 : 5, ~0u, 0);

  if (server)
    return server_main (3);
  return worker_main (3, 4);
}
