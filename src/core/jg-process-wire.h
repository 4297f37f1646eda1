/* jg-process-wire.h: what the parent and its juggler-worker processes say to
 * each other through their pipes (docs/processes.md), and the serialiser that
 * stands for pickle: argument and result payloads are really encoded, written
 * through a pipe and decoded, so a big transfer costs what it costs.
 *
 * Both ends run on the same machine from the same build, so records are sent
 * in native byte order and layout. */
#pragma once

#include <gio/gio.h>

#include "jg-event.h"
#include "jg-scenario.h"

G_BEGIN_DECLS

typedef enum
{
  /* Parent to worker (the worker's fd 3). */
  JG_WIRE_CONFIG = 1, /* JgWireConfig, then the scratch directory's path */
  JG_WIRE_TASK,       /* JgWireTask, n_steps JgStep, then the argument payload */
  /* Worker (or fork server) to parent (the worker's fd 4, the server's fd 3). */
  JG_WIRE_EVENTS,     /* JgEvent[]: what its probe recorded */
  JG_WIRE_READY,      /* JgWireReady: the interpreter has started */
  JG_WIRE_RESULT,     /* JgWireResult, the error message, then the result payload */
  /* Parent and fork server (the server's fd 3, a socket). */
  JG_WIRE_FORK,       /* parent to server: JgWireFork, with two fds (SCM_RIGHTS) */
  JG_WIRE_FORKED,     /* server to parent: JgWireForked */
  JG_WIRE_EXITED,     /* server to parent: JgWireExited, one of its workers ended */
  JG_WIRE_N_TYPES
} JgWireType;

/* Every message starts with this; `length` bytes follow it. */
typedef struct
{
  guint32 type;   /* JgWireType */
  guint32 magic;  /* JG_WIRE_MAGIC: catches a stream that lost its place */
  guint64 length;
} JgWireHeader;

#define JG_WIRE_MAGIC 0x4a47574bu /* "JGWK" */

/* Bounds a reader checks before it allocates anything. */
#define JG_WIRE_MAX_EVENTS     4096u                       /* per EVENTS message */
#define JG_WIRE_MAX_STEPS      (1u << 20)                  /* per TASK message */
#define JG_WIRE_MAX_TEXT       4096u                       /* paths and error messages */
#define JG_WIRE_MAX_PAYLOAD    ((guint64) JG_TRANSFER_MAX_BYTES)

typedef struct
{
  guint64 epoch_ns;           /* the trace's zero on CLOCK_MONOTONIC */
  double  startup_ms;         /* the modelled interpreter start-up: CPU work (stretched) */
  double  switch_interval_ms; /* stretched by time_scale, as the task's steps are */
  double  time_scale;         /* slow motion: 1 to JG_TIME_SCALE_MAX; pickling is stretched by it */
  guint32 startup_task;       /* the task lane of its start-up */
  guint32 interp_id;          /* its interpreter's number in GIL events */
  guint32 interpreter;        /* JgInterpreterMode */
  guint16 loopback_port;      /* 0: none */
  guint16 scratch_dir_len;    /* bytes of path after this record; 0: none */
} JgWireConfig;

typedef struct
{
  guint32 task;       /* its task lane */
  guint32 n_steps;
  guint64 args_bytes; /* payload after the steps */
} JgWireTask;

typedef struct
{
  guint64 startup_end_ns; /* trace time when its start-up ended */
} JgWireReady;

typedef struct
{
  guint32 task;
  guint32 status;       /* JgEndStatus */
  guint64 result_bytes; /* payload after the message */
  guint32 message_len;  /* bytes of the error message, 0 if none */
  guint32 pad;
} JgWireResult;

typedef struct
{
  guint32 slot;
  guint32 pad;
} JgWireFork;

typedef struct
{
  gint32  pid;
  guint32 slot;
} JgWireForked;

typedef struct
{
  gint32  pid;
  gint32  wait_status; /* as waitpid () gives it */
} JgWireExited;

/* Blocking I/O that retries after EINTR and short transfers. */
gboolean jg_wire_write_all    (int           fd,
                               const void   *data,
                               gsize         size,
                               GError      **error);
/* FALSE with *eof set if the stream ended before the first byte; a stream that
 * ends in the middle is an error. */
gboolean jg_wire_read_all     (int           fd,
                               void         *data,
                               gsize         size,
                               gboolean     *eof,
                               GError      **error);
/* Writes a header for @body_size + @extra bytes, then the body. The caller
 * writes the @extra bytes (a payload) itself. */
gboolean jg_wire_send         (int           fd,
                               JgWireType    type,
                               const void   *body,
                               gsize         body_size,
                               guint64       extra,
                               GError      **error);
/* Checks a received header: known type, magic, a length within bounds. */
gboolean jg_wire_check_header (const JgWireHeader *header,
                               GError            **error);

/* The pickle stand-in: @size bytes of protocol-5-like records, each a BINFLOAT
 * opcode ('G') and a big-endian double, padded with NONE ('N'). Returns a
 * checksum of the values written, so the work cannot be optimised away. */
guint64  jg_wire_encode_payload (guint8       *out,
                                 gsize         size,
                                 guint64       seed);
/* Reads it back into a list of doubles, as pickle.loads builds a list;
 * FALSE (G_IO_ERROR_INVALID_DATA) if a record is not one. */
gboolean jg_wire_decode_payload (const guint8 *in,
                                 gsize         size,
                                 guint64      *checksum,
                                 GError      **error);

/* Slow motion for work whose cost is the machine's own, such as pickling:
 * called after that work, which began at @started_ns (jg_clock_now_ns), keeps
 * the CPU busy until it has lasted @time_scale times as long, or until
 * @cancellable (may be NULL) is cancelled. */
void     jg_wire_stretch        (guint64       started_ns,
                                 double        time_scale,
                                 GCancellable *cancellable);

G_END_DECLS
