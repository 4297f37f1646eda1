/* jg-loopback.c: the delaying loopback server (a libuv loop on its own thread)
 * and the blocking client a `socket` step uses. Each delay is a timerfd watched
 * by the loop: libuv's own timers only count whole milliseconds, too coarse for
 * 1 ms calls. Another thread may only call uv_async_send into the loop. */
#define G_LOG_DOMAIN "jg-loopback"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

#include "jg-loopback.h"

struct _JgLoopbackServer
{
  uv_loop_t  loop;
  uv_tcp_t   listener;
  uv_async_t stop;
  guint16    port;
  guint      n_served; /* atomic */
  GThread   *thread;
};

typedef struct
{
  JgLoopbackServer *server;
  uv_tcp_t          tcp;
  uv_poll_t         timer;      /* watches timer_fd */
  int               timer_fd;
  uv_write_t        write;
  guint8            request[4]; /* the delay in µs, network order */
  gsize             received;
  guint             open_handles;
} Connection;

static const char reply[JG_LOOPBACK_REPLY_BYTES];

static void
connection_handle_closed (uv_handle_t *handle)
{
  Connection *connection = handle->data;

  if (--connection->open_handles == 0)
    {
      close (connection->timer_fd);
      g_free (connection);
    }
}

static void
connection_close (Connection *connection)
{
  if (!uv_is_closing ((uv_handle_t *) &connection->tcp))
    uv_close ((uv_handle_t *) &connection->tcp, connection_handle_closed);
  if (!uv_is_closing ((uv_handle_t *) &connection->timer))
    uv_close ((uv_handle_t *) &connection->timer, connection_handle_closed);
}

static void
on_written (uv_write_t *request,
            int         status)
{
  Connection *connection = request->data;

  if (status == 0)
    g_atomic_int_inc (&connection->server->n_served);
  /* The server closes first: the reply ends at EOF. */
  connection_close (connection);
}

static void
on_delay_over (uv_poll_t *timer,
               int        status,
               int        events)
{
  Connection *connection = timer->data;
  uv_buf_t buffer = uv_buf_init ((char *) reply, sizeof reply);

  uv_poll_stop (timer);
  connection->write.data = connection;
  if (uv_write (&connection->write, (uv_stream_t *) &connection->tcp, &buffer, 1, on_written) != 0)
    connection_close (connection);
}

static void
on_alloc (uv_handle_t *handle,
          size_t       suggested_size,
          uv_buf_t    *buffer)
{
  Connection *connection = handle->data;

  *buffer = uv_buf_init ((char *) connection->request + connection->received,
                         sizeof connection->request - connection->received);
}

static void
on_read (uv_stream_t    *stream,
         ssize_t         n_read,
         const uv_buf_t *buffer)
{
  Connection *connection = stream->data;
  struct itimerspec when = { { 0, 0 }, { 0, 0 } };
  guint32 delay_us;

  if (n_read < 0)
    {
      connection_close (connection);
      return;
    }
  connection->received += (gsize) n_read;
  if (connection->received < sizeof connection->request)
    return;

  uv_read_stop (stream);
  memcpy (&delay_us, connection->request, sizeof delay_us);
  delay_us = MIN (ntohl (delay_us), JG_LOOPBACK_MAX_DELAY_MS * 1000u);
  /* An all-zero it_value would disarm the timer: reply after at least 1 ns. */
  when.it_value.tv_sec = delay_us / 1000000;
  when.it_value.tv_nsec = MAX ((delay_us % 1000000) * 1000, delay_us == 0 ? 1 : 0);
  if (timerfd_settime (connection->timer_fd, 0, &when, NULL) != 0
      || uv_poll_start (&connection->timer, UV_READABLE, on_delay_over) != 0)
    connection_close (connection);
}

static void
on_connection (uv_stream_t *listener,
               int          status)
{
  JgLoopbackServer *self = listener->data;
  Connection *connection;

  if (status < 0)
    return;

  connection = g_new0 (Connection, 1);
  connection->server = self;
  connection->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (connection->timer_fd < 0)
    {
      g_free (connection);
      return;
    }
  uv_tcp_init (&self->loop, &connection->tcp);
  uv_poll_init (&self->loop, &connection->timer, connection->timer_fd);
  connection->tcp.data = connection;
  connection->timer.data = connection;
  connection->open_handles = 2;

  if (uv_accept (listener, (uv_stream_t *) &connection->tcp) != 0
      || uv_read_start ((uv_stream_t *) &connection->tcp, on_alloc, on_read) != 0)
    connection_close (connection);
}

static void
close_any (uv_handle_t *handle,
           void        *data)
{
  if (uv_is_closing (handle))
    return;
  /* Connections' handles carry their connection; the server's own carry the server. */
  if (handle->type == UV_POLL || (handle->type == UV_TCP && handle != (uv_handle_t *) data))
    uv_close (handle, connection_handle_closed);
  else
    uv_close (handle, NULL);
}

static void
on_stop (uv_async_t *async)
{
  JgLoopbackServer *self = async->data;

  uv_walk (&self->loop, close_any, &self->listener);
}

static gpointer
server_main (gpointer data)
{
  JgLoopbackServer *self = data;

  uv_run (&self->loop, UV_RUN_DEFAULT);
  return NULL;
}

static gboolean
set_uv_error (GError     **error,
              int          status,
              const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-status),
               _("Loopback server: %s: %s"), what, uv_strerror (status));
  return FALSE;
}

JgLoopbackServer *
jg_loopback_server_new (GError **error)
{
  g_autofree JgLoopbackServer *self = g_new0 (JgLoopbackServer, 1);
  struct sockaddr_in address;
  struct sockaddr_storage bound;
  int length = sizeof bound;
  int status;

  status = uv_loop_init (&self->loop);
  if (status != 0)
    {
      set_uv_error (error, status, "loop");
      return NULL;
    }
  uv_tcp_init (&self->loop, &self->listener);
  uv_async_init (&self->loop, &self->stop, on_stop);
  self->listener.data = self;
  self->stop.data = self;

  uv_ip4_addr ("127.0.0.1", 0, &address);
  if ((status = uv_tcp_bind (&self->listener, (const struct sockaddr *) &address, 0)) != 0
      || (status = uv_listen ((uv_stream_t *) &self->listener, 128, on_connection)) != 0
      || (status = uv_tcp_getsockname (&self->listener, (struct sockaddr *) &bound, &length)) != 0)
    {
      set_uv_error (error, status, "listen on 127.0.0.1");
      uv_close ((uv_handle_t *) &self->listener, NULL);
      uv_close ((uv_handle_t *) &self->stop, NULL);
      uv_run (&self->loop, UV_RUN_DEFAULT);
      uv_loop_close (&self->loop);
      return NULL;
    }
  self->port = ntohs (((struct sockaddr_in *) &bound)->sin_port);

  self->thread = g_thread_try_new ("jg-loopback", server_main, self, error);
  if (self->thread == NULL)
    {
      uv_close ((uv_handle_t *) &self->listener, NULL);
      uv_close ((uv_handle_t *) &self->stop, NULL);
      uv_run (&self->loop, UV_RUN_DEFAULT);
      uv_loop_close (&self->loop);
      return NULL;
    }
  return g_steal_pointer (&self);
}

guint16
jg_loopback_server_get_port (JgLoopbackServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

guint
jg_loopback_server_get_n_served (JgLoopbackServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_atomic_int_get (&self->n_served);
}

void
jg_loopback_server_free (JgLoopbackServer *self)
{
  if (self == NULL)
    return;
  uv_async_send (&self->stop);
  g_thread_join (self->thread);
  if (uv_loop_close (&self->loop) != 0)
    g_warning ("Loopback server: handles left open at shutdown");
  g_free (self);
}

gboolean
jg_loopback_round_trip (guint16        port,
                        double         delay_ms,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  guint32 request = htonl ((guint32) CLAMP (delay_ms * 1000.0 + 0.5, 0, JG_LOOPBACK_MAX_DELAY_MS * 1000.0));
  gsize sent = 0;
  char buffer[4096];

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  /* Blocking, as Python's socket calls are; GSocket still wakes on @cancellable. */
  g_socket_set_blocking (socket, TRUE);
  if (!g_socket_connect (socket, address, cancellable, error))
    return FALSE;

  while (sent < sizeof request)
    {
      gssize n = g_socket_send (socket, (const char *) &request + sent, sizeof request - sent,
                                cancellable, error);

      if (n < 0)
        return FALSE;
      sent += (gsize) n;
    }

  for (;;)
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
    }

  return g_socket_close (socket, error);
}
