/* jg-interpreter.c: interpreters and the per-thread helpers around steps. The
 * blocking work is real: a ppoll sleep, a TCP round trip on 127.0.0.1, write and
 * fdatasync of a scratch file; the CPU work is the calibrated kernel of jg-cpu. */
#define G_LOG_DOMAIN "jg-interpreter"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "jg-cpu.h"
#include "jg-interpreter.h"
#include "jg-loopback.h"
#include "jg-trace.h"

/* File steps write in chunks, syncing each, within a file of bounded size. */
#define FILE_CHUNK_BYTES (64 * 1024)
#define FILE_MAX_BYTES   (4 * 1024 * 1024)

struct _JgInterpreter
{
  guint32           id;
  JgInterpreterMode mode;
  JgGil            *gil;
};

static const char * const mode_names[] = {
  [JG_INTERPRETER_GIL] = "gil",
  [JG_INTERPRETER_FREE_THREADED] = "free-threaded",
  [JG_INTERPRETER_PER_INTERPRETER] = "per-interpreter",
};
G_STATIC_ASSERT (G_N_ELEMENTS (mode_names) == JG_INTERPRETER_N_MODES);

const char *
jg_interpreter_mode_name (JgInterpreterMode mode)
{
  return (guint) mode < JG_INTERPRETER_N_MODES ? mode_names[mode] : NULL;
}

gboolean
jg_interpreter_mode_from_name (const char        *name,
                               JgInterpreterMode *mode)
{
  for (guint i = 0; i < JG_INTERPRETER_N_MODES; i++)
    if (g_strcmp0 (name, mode_names[i]) == 0)
      {
        *mode = i;
        return TRUE;
      }
  return FALSE;
}

JgInterpreter *
jg_interpreter_new (guint32           id,
                    JgInterpreterMode mode,
                    double            switch_interval_ms)
{
  JgInterpreter *self;

  g_return_val_if_fail ((guint) mode < JG_INTERPRETER_N_MODES, NULL);

  self = g_new0 (JgInterpreter, 1);
  self->id = id;
  self->mode = mode;
  if (mode != JG_INTERPRETER_FREE_THREADED)
    self->gil = jg_gil_new (id, switch_interval_ms);
  return self;
}

void
jg_interpreter_free (JgInterpreter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->gil, jg_gil_free);
  g_free (self);
}

guint32
jg_interpreter_get_id (JgInterpreter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->id;
}

JgInterpreterMode
jg_interpreter_get_mode (JgInterpreter *self)
{
  g_return_val_if_fail (self != NULL, JG_INTERPRETER_GIL);
  return self->mode;
}

JgGil *
jg_interpreter_get_gil (JgInterpreter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->gil;
}

double
jg_interpreter_get_cpu_factor (JgInterpreter *self)
{
  g_return_val_if_fail (self != NULL, 1.0);
  return self->mode == JG_INTERPRETER_FREE_THREADED ? JG_FREE_THREADED_OVERHEAD : 1.0;
}

void
jg_interpreter_cancel (JgInterpreter *self)
{
  g_return_if_fail (self != NULL);
  if (self->gil != NULL)
    jg_gil_cancel (self->gil);
}

void
jg_thread_state_init (JgThreadState     *ts,
                      JgInterpreter     *interp,
                      JgProbe           *probe,
                      GCancellable      *cancellable,
                      const JgIoContext *io)
{
  g_return_if_fail (ts != NULL);
  g_return_if_fail (interp != NULL);
  g_return_if_fail (probe != NULL);

  memset (ts, 0, sizeof *ts);
  ts->interp = interp;
  ts->probe = probe;
  ts->task = JG_LANE_NONE;
  ts->cancellable = cancellable;
  ts->io = io;
  ts->cpu_state = GPOINTER_TO_SIZE (ts) | 1;
  ts->file_fd = -1;
}

void
jg_thread_state_clear (JgThreadState *ts)
{
  g_return_if_fail (ts != NULL);
  g_warn_if_fail (!ts->holds_gil);

  if (ts->file_fd >= 0)
    {
      close (ts->file_fd);
      ts->file_fd = -1;
    }
  if (ts->file_path != NULL)
    {
      g_unlink (ts->file_path);
      g_clear_pointer (&ts->file_path, g_free);
    }
}

static gboolean
set_cancelled (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The run was stopped"));
  return FALSE;
}

gboolean
jg_thread_state_holds_gil (JgThreadState *ts)
{
  return ts->holds_gil;
}

/* Takes the GIL (or, without one, just starts running). */
static gboolean
acquire (JgThreadState  *ts,
         GError        **error)
{
  JgGil *gil = ts->interp->gil;

  if (g_cancellable_is_cancelled (ts->cancellable))
    return set_cancelled (error);

  if (gil == NULL)
    {
      jg_probe_emit_run (ts->probe, ts->task);
      return TRUE;
    }

  if (!jg_gil_take (gil, ts->probe, ts->task))
    return set_cancelled (error);
  ts->holds_gil = TRUE;
  return TRUE;
}

gboolean
jg_thread_state_enter (JgThreadState  *ts,
                       GError        **error)
{
  g_return_val_if_fail (ts != NULL, FALSE);
  g_return_val_if_fail (!ts->holds_gil, FALSE);

  return acquire (ts, error);
}

void
jg_thread_state_leave (JgThreadState *ts)
{
  g_return_if_fail (ts != NULL);

  if (ts->holds_gil)
    {
      jg_gil_drop (ts->interp->gil, ts->probe, ts->task, JG_GIL_DROP_FINISHED);
      ts->holds_gil = FALSE;
    }
}

gboolean
jg_thread_state_checkpoint (JgThreadState  *ts,
                            GError        **error)
{
  JgGil *gil = ts->interp->gil;

  if (g_cancellable_is_cancelled (ts->cancellable))
    return set_cancelled (error);

  if (ts->holds_gil && jg_gil_drop_requested (gil))
    {
      if (!jg_gil_handle_drop_request (gil, ts->probe, ts->task))
        {
          ts->holds_gil = FALSE;
          return set_cancelled (error);
        }
    }
  return TRUE;
}

void
jg_thread_state_allow_threads (JgThreadState   *ts,
                               JgSuspendReason  reason)
{
  g_return_if_fail (ts != NULL);

  jg_probe_emit_leave (ts->probe, ts->task, JG_EVENT_SUSPEND, reason);
  if (ts->holds_gil)
    {
      jg_gil_drop (ts->interp->gil, ts->probe, ts->task, JG_GIL_DROP_IO);
      ts->holds_gil = FALSE;
    }
}

gboolean
jg_thread_state_end_allow_threads (JgThreadState  *ts,
                                   GError        **error)
{
  g_return_val_if_fail (ts != NULL, FALSE);
  g_return_val_if_fail (!ts->holds_gil, FALSE);

  return acquire (ts, error);
}

gboolean
jg_thread_state_cpu (JgThreadState  *ts,
                     double          ms,
                     gboolean        releases_gil,
                     GError        **error)
{
  double per_ms = jg_cpu_get_iterations_per_ms ();
  guint64 remaining, slice;
  gboolean released = FALSE;

  g_return_val_if_fail (ts != NULL, FALSE);

  remaining = (guint64) (MAX (ms, 0) * per_ms * jg_interpreter_get_cpu_factor (ts->interp) + 0.5);
  slice = MAX ((guint64) (per_ms * JG_CPU_SLICE_MS), 1);

  /* NumPy-style C code: drop the GIL but stay on the CPU (no SUSPEND). */
  if (releases_gil && ts->holds_gil)
    {
      jg_gil_drop (ts->interp->gil, ts->probe, ts->task, JG_GIL_DROP_IO);
      ts->holds_gil = FALSE;
      released = TRUE;
    }

  while (remaining > 0)
    {
      guint64 n = MIN (slice, remaining);

      ts->cpu_state = jg_cpu_spin (n, ts->cpu_state);
      remaining -= n;
      if (!jg_thread_state_checkpoint (ts, error))
        return FALSE;
    }

  if (released)
    return jg_thread_state_end_allow_threads (ts, error);
  return TRUE;
}

gboolean
jg_sleep_ms (double         ms,
             GCancellable  *cancellable,
             GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (MAX (ms, 0) * 1000.0 + 0.5);
  GPollFD cancel_fd = { -1, G_IO_IN, 0 };
  gboolean has_fd = cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd);
  gboolean ok = TRUE;

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      struct pollfd fd = { has_fd ? cancel_fd.fd : -1, POLLIN, 0 };
      struct timespec timeout;

      if (g_cancellable_is_cancelled (cancellable))
        {
          ok = set_cancelled (error);
          break;
        }
      if (left <= 0)
        break;
      timeout.tv_sec = left / G_USEC_PER_SEC;
      timeout.tv_nsec = (left % G_USEC_PER_SEC) * 1000;
      /* A negative fd is ignored by ppoll: then it is a plain timed sleep. */
      if (ppoll (&fd, 1, &timeout, NULL) < 0 && errno != EINTR)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Sleep failed: %s"),
                       g_strerror (saved));
          ok = FALSE;
          break;
        }
    }

  if (has_fd)
    g_cancellable_release_fd (cancellable);
  return ok;
}

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s %s: %s", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

/* Writes and syncs chunks until @ms have passed (at least one), then reads back
 * what it wrote: disk-bound work timed to the step's length. */
static gboolean
file_io (JgThreadState  *ts,
         double          ms,
         GError        **error)
{
  static const char chunk[FILE_CHUNK_BYTES] = { 'j' };
  char buffer[FILE_CHUNK_BYTES];
  gint64 deadline = g_get_monotonic_time () + (gint64) (MAX (ms, 0) * 1000.0);
  gsize written = 0;
  off_t offset = 0;

  if (ts->io == NULL || ts->io->scratch_dir == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No scratch directory for file I/O"));
      return FALSE;
    }
  if (ts->file_fd < 0)
    {
      ts->file_path = g_build_filename (ts->io->scratch_dir, "io-XXXXXX", NULL);
      ts->file_fd = g_mkstemp_full (ts->file_path, O_RDWR, 0600);
      if (ts->file_fd < 0)
        {
          int saved = errno;

          set_errno_error (error, saved, "Could not create", ts->file_path);
          g_clear_pointer (&ts->file_path, g_free);
          return FALSE;
        }
    }

  do
    {
      if (g_cancellable_is_cancelled (ts->cancellable))
        return set_cancelled (error);
      if (pwrite (ts->file_fd, chunk, sizeof chunk, offset) != (ssize_t) sizeof chunk
          || fdatasync (ts->file_fd) != 0)
        return set_errno_error (error, errno, "Could not write", ts->file_path);
      offset = (offset + FILE_CHUNK_BYTES) % FILE_MAX_BYTES;
      written = MIN (written + FILE_CHUNK_BYTES, FILE_MAX_BYTES);
    }
  while (g_get_monotonic_time () < deadline);

  for (gsize done = 0; done < written; done += FILE_CHUNK_BYTES)
    if (pread (ts->file_fd, buffer, sizeof buffer, (off_t) done) < 0)
      return set_errno_error (error, errno, "Could not read", ts->file_path);
  return TRUE;
}

static gboolean
blocking_call (JgThreadState  *ts,
               JgIoKind        kind,
               double          ms,
               GError        **error)
{
  switch (kind)
    {
    case JG_IO_SLEEP:
      return jg_sleep_ms (ms, ts->cancellable, error);
    case JG_IO_SOCKET:
      if (ts->io == NULL || ts->io->loopback_port == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No loopback server for socket I/O"));
          return FALSE;
        }
      return jg_loopback_round_trip (ts->io->loopback_port, ms, ts->cancellable, error);
    case JG_IO_FILE:
      return file_io (ts, ms, error);
    case JG_IO_PIPE:
    case JG_IO_N_KINDS:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("I/O of kind “%s” needs a worker process"),
                   jg_io_kind_name (kind));
      return FALSE;
    }
}

gboolean
jg_thread_state_io (JgThreadState  *ts,
                    JgIoKind        kind,
                    double          ms,
                    GError        **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (ts != NULL, FALSE);

  jg_thread_state_allow_threads (ts, kind == JG_IO_SLEEP ? JG_SUSPEND_SLEEP : JG_SUSPEND_IO);
  jg_probe_emit (ts->probe, ts->task, JG_EVENT_IO_BEGIN, kind);
  ok = blocking_call (ts, kind, ms, &local_error);
  jg_probe_emit (ts->probe, ts->task, JG_EVENT_IO_END, kind);

  /* Python takes the GIL back even when the call failed, then raises. */
  if (!jg_thread_state_end_allow_threads (ts, ok ? error : NULL) || !ok)
    {
      if (!ok)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_thread_state_block (JgThreadState  *ts,
                       double          ms,
                       GError        **error)
{
  return jg_thread_state_io (ts, JG_IO_SLEEP, ms, error);
}
