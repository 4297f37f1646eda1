/* jg-loopback.h: the far end of `socket` I/O steps — a small TCP server on
 * 127.0.0.1 that answers each request after the delay the request asks for, so
 * a step's socket round trip is real (connect, send, block in recv, read, close)
 * and lasts about its milliseconds. One thread runs a libuv loop for every
 * connection; delays overlap, as a real server's would. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Replies are never delayed longer than this, whatever a request asks: an
 * hour, so that slow motion can stretch a long download (in microseconds it
 * still fits the request's 32 bits). */
#define JG_LOOPBACK_MAX_DELAY_MS 3600000
/* Bytes of each reply: a small "download". */
#define JG_LOOPBACK_REPLY_BYTES  1024

typedef struct _JgLoopbackServer JgLoopbackServer;

/* Binds 127.0.0.1 on a free port and starts serving. */
JgLoopbackServer *jg_loopback_server_new      (GError          **error);
guint16           jg_loopback_server_get_port (JgLoopbackServer *self);
/* Replies served so far. */
guint             jg_loopback_server_get_n_served (JgLoopbackServer *self);
/* Stops the loop, closes every connection and joins the thread. */
void              jg_loopback_server_free     (JgLoopbackServer *self);

/* One blocking round trip against the server on @port: connect, ask for a reply
 * after @delay_ms (microsecond resolution), read the reply to its end. Returns
 * FALSE with G_IO_ERROR_CANCELLED as soon as @cancellable is cancelled. */
gboolean          jg_loopback_round_trip      (guint16           port,
                                               double            delay_ms,
                                               GCancellable     *cancellable,
                                               GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgLoopbackServer, jg_loopback_server_free)

G_END_DECLS
