/* jg-asyncio-io.c: what a coroutine awaits on the loop — uv_timers for
 * asyncio.sleep (and timeouts), a non-blocking TCP client for socket I/O
 * against the run's loopback server, and uv_fs requests on a scratch file.
 * An operation reports once, from a libuv callback, never from its start, so
 * the coroutine is always suspended before it can be woken. */
#define G_LOG_DOMAIN "jg-asyncio"

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>

#include "jg-asyncio-private.h"
#include "jg-loopback.h"

/* The same disk work as a blocking file step (jg-interpreter.c). */
#define FILE_CHUNK_BYTES (64 * 1024)
#define FILE_MAX_BYTES   (4 * 1024 * 1024)

typedef enum
{
  OP_TIMER,
  OP_SOCKET,
  OP_FILE,
} OpKind;

struct _JgAioOp
{
  JgAioIo   *io;
  OpKind     kind;
  JgAioDone  done;  /* NULL once abandoned */
  gpointer   data;
};

typedef struct
{
  JgAioOp    op;
  uv_timer_t timer;
  guint64    due_ns;
} TimerOp;

typedef struct
{
  JgAioOp      op;
  uv_tcp_t     tcp;
  uv_connect_t connect;
  uv_write_t   write;
  guint8       request[4];    /* the delay in µs, network order */
  char         buffer[4096];
  gboolean     got_reply;     /* read to the server's end of the reply */
  const char  *error;
} SocketOp;

typedef enum
{
  FILE_OPEN,
  FILE_WRITE,
  FILE_SYNC,
  FILE_READ,
  FILE_CLOSE,
  FILE_UNLINK,
} FileStage;

typedef struct
{
  JgAioOp     op;
  uv_fs_t     req;
  FileStage   stage;
  uv_file     fd;
  char       *path;
  guint64     deadline_ns;
  gsize       offset;         /* where the next chunk is written */
  gsize       written;        /* bytes of the file that hold data */
  gsize       read_at;
  char       *buffer;
  const char *error;
} FileOp;

static const char chunk[FILE_CHUNK_BYTES] = { 'j' };

void
jg_aio_io_note_lag (JgAioIo *io,
                    gint64   late_ns)
{
  guint64 late = (guint64) MAX (late_ns, 0);

  io->lag_sum_ns += late;
  io->lag_max_ns = MAX (io->lag_max_ns, late);
  io->lag_samples++;
}

/* Reports and forgets: the waiter hears of it once. */
static void
op_report (JgAioOp    *op,
           gboolean    ok,
           const char *message)
{
  JgAioDone done = op->done;

  op->done = NULL;
  if (done != NULL)
    done (op->data, ok, message);
}

static const char *
uv_message (const char *what,
            int         status)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, uv_strerror (status));

  /* Interned: the message outlives the operation, and there are few of them. */
  return g_intern_string (text);
}

/* Timers */

static void
timer_closed (uv_handle_t *handle)
{
  TimerOp *t = handle->data;

  t->op.io->n_open--;
  g_free (t);
}

static void timer_arm (TimerOp *t);

static void
on_timer (uv_timer_t *timer)
{
  TimerOp *t = timer->data;
  guint64 now = uv_hrtime ();

  /* libuv counts whole milliseconds of a clock it caches: never fire early. */
  if (now < t->due_ns)
    {
      timer_arm (t);
      return;
    }
  jg_aio_io_note_lag (t->op.io, (gint64) (now - t->due_ns));
  uv_close ((uv_handle_t *) &t->timer, timer_closed);
  op_report (&t->op, TRUE, NULL);
}

static void
timer_arm (TimerOp *t)
{
  guint64 now = uv_hrtime ();
  guint64 left = t->due_ns > now ? t->due_ns - now : 0;

  /* The loop's cached time may be a whole callback old (CPU work in a
   * coroutine): update it, so the timeout counts from now. */
  uv_update_time (t->op.io->loop);
  uv_timer_start (&t->timer, on_timer, (left + 999999) / 1000000, 0);
}

JgAioOp *
jg_aio_sleep (JgAioIo   *io,
              double     ms,
              JgAioDone  done,
              gpointer   data)
{
  TimerOp *t = g_new0 (TimerOp, 1);

  t->op.io = io;
  t->op.kind = OP_TIMER;
  t->op.done = done;
  t->op.data = data;
  t->due_ns = uv_hrtime () + (guint64) (MAX (ms, 0) * 1e6 + 0.5);
  uv_timer_init (io->loop, &t->timer);
  t->timer.data = t;
  io->n_open++;
  timer_arm (t);
  return &t->op;
}

/* Sockets */

static void
socket_closed (uv_handle_t *handle)
{
  SocketOp *s = handle->data;

  s->op.io->n_open--;
  if (s->got_reply && s->error == NULL)
    {
      s->op.io->round_trips++;
      op_report (&s->op, TRUE, NULL);
    }
  else
    {
      op_report (&s->op, FALSE, s->error != NULL ? s->error : "ConnectionResetError: the server closed early");
    }
  g_free (s);
}

static void
socket_close (SocketOp    *s,
              const char  *error)
{
  if (s->error == NULL)
    s->error = error;
  if (!uv_is_closing ((uv_handle_t *) &s->tcp))
    uv_close ((uv_handle_t *) &s->tcp, socket_closed);
}

static void
on_socket_alloc (uv_handle_t *handle,
                 size_t       suggested_size,
                 uv_buf_t    *buffer)
{
  SocketOp *s = handle->data;

  *buffer = uv_buf_init (s->buffer, sizeof s->buffer);
}

static void
on_socket_read (uv_stream_t    *stream,
                ssize_t         n_read,
                const uv_buf_t *buffer)
{
  SocketOp *s = stream->data;

  if (n_read > 0)
    {
      s->op.io->bytes_received += (guint64) n_read;
    }
  else if (n_read == UV_EOF)
    {
      /* The server closes after its reply: the reply is complete. */
      s->got_reply = TRUE;
      socket_close (s, NULL);
    }
  else if (n_read < 0)
    {
      socket_close (s, uv_message ("ConnectionError: recv", (int) n_read));
    }
}

static void
on_socket_written (uv_write_t *request,
                   int         status)
{
  SocketOp *s = request->data;
  int result;

  if (uv_is_closing ((uv_handle_t *) &s->tcp))
    return;
  if (status < 0)
    {
      socket_close (s, uv_message ("ConnectionError: send", status));
      return;
    }
  result = uv_read_start ((uv_stream_t *) &s->tcp, on_socket_alloc, on_socket_read);
  if (result < 0)
    socket_close (s, uv_message ("ConnectionError: recv", result));
}

static void
on_socket_connected (uv_connect_t *request,
                     int           status)
{
  SocketOp *s = request->data;
  uv_buf_t buffer = uv_buf_init ((char *) s->request, sizeof s->request);
  int result;

  if (uv_is_closing ((uv_handle_t *) &s->tcp))
    return;
  if (status < 0)
    {
      socket_close (s, uv_message ("ConnectionError: connect", status));
      return;
    }
  s->write.data = s;
  result = uv_write (&s->write, (uv_stream_t *) &s->tcp, &buffer, 1, on_socket_written);
  if (result < 0)
    socket_close (s, uv_message ("ConnectionError: send", result));
}

JgAioOp *
jg_aio_socket (JgAioIo   *io,
               double     ms,
               JgAioDone  done,
               gpointer   data)
{
  SocketOp *s = g_new0 (SocketOp, 1);
  guint32 delay_us = (guint32) CLAMP (ms * 1000.0 + 0.5, 0, JG_LOOPBACK_MAX_DELAY_MS * 1000.0);
  struct sockaddr_in address;
  int result;

  g_return_val_if_fail (io->port != 0, NULL);

  s->op.io = io;
  s->op.kind = OP_SOCKET;
  s->op.done = done;
  s->op.data = data;
  delay_us = htonl (delay_us);
  memcpy (s->request, &delay_us, sizeof s->request);

  uv_tcp_init (io->loop, &s->tcp);
  s->tcp.data = s;
  s->connect.data = s;
  io->n_open++;
  uv_ip4_addr ("127.0.0.1", io->port, &address);
  result = uv_tcp_connect (&s->connect, &s->tcp, (const struct sockaddr *) &address, on_socket_connected);
  /* Reported from the close callback, never from here. */
  if (result < 0)
    socket_close (s, uv_message ("ConnectionError: connect", result));
  return &s->op;
}

/* Files */

static void file_next (FileOp *f);

static void
file_fail (FileOp     *f,
           const char *what,
           int         status)
{
  if (f->error == NULL)
    f->error = uv_message (what, status);
}

static void
on_file (uv_fs_t *req)
{
  FileOp *f = req->data;
  ssize_t result = req->result;

  if (f->stage == FILE_OPEN && result >= 0)
    f->path = g_strdup (req->path);
  uv_fs_req_cleanup (req);

  switch (f->stage)
    {
    case FILE_OPEN:
      if (result < 0)
        {
          file_fail (f, "OSError: open", (int) result);
          f->stage = FILE_UNLINK;
          break;
        }
      f->fd = (uv_file) result;
      f->stage = f->op.done != NULL ? FILE_WRITE : FILE_CLOSE;
      break;

    case FILE_WRITE:
      if (result < 0)
        {
          file_fail (f, "OSError: write", (int) result);
          f->stage = FILE_CLOSE;
          break;
        }
      f->op.io->file_bytes += (guint64) result;
      f->offset = (f->offset + FILE_CHUNK_BYTES) % FILE_MAX_BYTES;
      f->written = MIN (f->written + FILE_CHUNK_BYTES, FILE_MAX_BYTES);
      f->stage = FILE_SYNC;
      break;

    case FILE_SYNC:
      if (result < 0)
        {
          file_fail (f, "OSError: fdatasync", (int) result);
          f->stage = FILE_CLOSE;
        }
      else if (f->op.done == NULL)
        f->stage = FILE_CLOSE;
      else if (uv_hrtime () < f->deadline_ns)
        f->stage = FILE_WRITE;
      else
        f->stage = FILE_READ;
      break;

    case FILE_READ:
      if (result < 0)
        {
          file_fail (f, "OSError: read", (int) result);
          f->stage = FILE_CLOSE;
          break;
        }
      f->read_at += FILE_CHUNK_BYTES;
      if (f->read_at >= f->written || f->op.done == NULL)
        f->stage = FILE_CLOSE;
      break;

    case FILE_CLOSE:
      f->stage = FILE_UNLINK;
      break;

    case FILE_UNLINK:
    default:
      f->op.io->n_open--;
      op_report (&f->op, f->error == NULL, f->error);
      g_free (f->path);
      g_free (f->buffer);
      g_free (f);
      return;
    }
  file_next (f);
}

/* Issues the request of the current stage. uv_fs with a callback fails on the
 * spot only when it cannot allocate, which GLib treats as fatal too. */
static void
file_next (FileOp *f)
{
  uv_loop_t *loop = f->op.io->loop;
  uv_buf_t buffer;
  int result = 0;

  f->req.data = f;
  switch (f->stage)
    {
    case FILE_OPEN:
      {
        g_autofree char *template = g_build_filename (f->op.io->scratch_dir, "aio-XXXXXX", NULL);

        result = uv_fs_mkstemp (loop, &f->req, template, on_file);
      }
      break;
    case FILE_WRITE:
      buffer = uv_buf_init ((char *) chunk, sizeof chunk);
      result = uv_fs_write (loop, &f->req, f->fd, &buffer, 1, (int64_t) f->offset, on_file);
      break;
    case FILE_SYNC:
      result = uv_fs_fdatasync (loop, &f->req, f->fd, on_file);
      break;
    case FILE_READ:
      if (f->buffer == NULL)
        f->buffer = g_malloc (FILE_CHUNK_BYTES);
      buffer = uv_buf_init (f->buffer, FILE_CHUNK_BYTES);
      result = uv_fs_read (loop, &f->req, f->fd, &buffer, 1, (int64_t) f->read_at, on_file);
      break;
    case FILE_CLOSE:
      result = uv_fs_close (loop, &f->req, f->fd, on_file);
      break;
    case FILE_UNLINK:
      if (f->path == NULL)
        {
          /* Nothing was created: report through a request all the same, so
           * the report always comes from a callback. */
          result = uv_fs_stat (loop, &f->req, f->op.io->scratch_dir, on_file);
          break;
        }
      result = uv_fs_unlink (loop, &f->req, f->path, on_file);
      break;
    default:
      g_assert_not_reached ();
    }
  if (result < 0)
    g_error ("uv_fs request failed on the spot: %s", uv_strerror (result));
}

JgAioOp *
jg_aio_file (JgAioIo   *io,
             double     ms,
             JgAioDone  done,
             gpointer   data)
{
  FileOp *f;

  g_return_val_if_fail (io->scratch_dir != NULL, NULL);

  f = g_new0 (FileOp, 1);
  f->op.io = io;
  f->op.kind = OP_FILE;
  f->op.done = done;
  f->op.data = data;
  f->fd = -1;
  f->deadline_ns = uv_hrtime () + (guint64) (MAX (ms, 0) * 1e6 + 0.5);
  f->stage = FILE_OPEN;
  io->n_open++;
  file_next (f);
  return &f->op;
}

void
jg_aio_op_abandon (JgAioOp *op)
{
  g_return_if_fail (op != NULL);

  op->done = NULL;
  switch (op->kind)
    {
    case OP_TIMER:
      {
        TimerOp *t = (TimerOp *) op;

        uv_timer_stop (&t->timer);
        if (!uv_is_closing ((uv_handle_t *) &t->timer))
          uv_close ((uv_handle_t *) &t->timer, timer_closed);
      }
      break;
    case OP_SOCKET:
      socket_close ((SocketOp *) op, NULL);
      break;
    case OP_FILE:
      /* The request in flight ends first; on_file then closes and removes. */
      break;
    default:
      g_assert_not_reached ();
    }
}
