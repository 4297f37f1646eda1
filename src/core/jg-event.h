/* jg-event.h: the fixed-size event record every probe writes, and its vocabulary.
 *
 * Juggler's whole model rests on this record: 24 bytes, no pointers, so it can be
 * written by a probe without allocating, copied between processes through a pipe,
 * and stored compactly in a trace.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 ts;     /* ns since the trace's start, CLOCK_MONOTONIC */
  guint32 task;   /* task lane index */
  guint32 worker; /* worker lane index: the OS thread, process or loop */
  guint16 kind;   /* JgEventKind */
  gint16  cpu;    /* sched_getcpu () at the event, -1 if unknown */
  guint32 arg;    /* kind-specific, see JgEventKind */
} JgEvent;

G_STATIC_ASSERT (sizeof (JgEvent) == 24);

/* What @arg means is given for each kind. */
typedef enum
{
  JG_EVENT_TASK_BEGIN = 0,   /* arg: 0 */
  JG_EVENT_TASK_END,         /* arg: JgEndStatus (low 8 bits), detail (high 24: e.g. signal) */
  JG_EVENT_RUN,              /* on CPU; arg: 0 */
  JG_EVENT_SUSPEND,          /* off CPU; arg: JgSuspendReason */
  JG_EVENT_GIL_REQUEST,      /* arg: interpreter << 8 */
  JG_EVENT_GIL_TAKE,         /* arg: interpreter << 8 */
  JG_EVENT_GIL_DROP,         /* arg: interpreter << 8 | JgGilReason */
  JG_EVENT_GIL_DROP_REQUEST, /* task: the requester; arg: interpreter << 8 */
  JG_EVENT_IO_BEGIN,         /* arg: JgIoKind */
  JG_EVENT_IO_END,           /* arg: JgIoKind */
  JG_EVENT_LOCK_WAIT,        /* arg: lock id (an interned string) */
  JG_EVENT_LOCK_ACQUIRE,     /* arg: lock id (an interned string) */
  JG_EVENT_LOCK_RELEASE,     /* arg: lock id (an interned string) */
  JG_EVENT_COUNTER,          /* task: counter lane; arg: the sampled value */
  JG_EVENT_MARK,             /* arg: an interned string ("lost update", "deadlock", ...) */
  JG_EVENT_CPU_TIME,         /* just before a Running task leaves the CPU; arg: the thread CPU
                              * time (µs) it really got while Running, from CLOCK_THREAD_CPUTIME_ID */
  JG_EVENT_N_KINDS
} JgEventKind;

typedef enum
{
  JG_END_OK = 0,
  JG_END_ERROR,
  JG_END_CANCELLED,
  JG_END_CRASHED,
  JG_END_N_STATUSES
} JgEndStatus;

/* Why a task left the CPU; each maps to a span state (see jg-spans.h). */
typedef enum
{
  JG_SUSPEND_GIL = 0,   /* waiting for the GIL */
  JG_SUSPEND_IO,        /* blocking I/O */
  JG_SUSPEND_SLEEP,     /* time.sleep () */
  JG_SUSPEND_LOCK,      /* a lock */
  JG_SUSPEND_SEMAPHORE, /* a semaphore */
  JG_SUSPEND_QUEUE,     /* a queue put/get */
  JG_SUSPEND_AWAIT,     /* a coroutine awaiting */
  JG_SUSPEND_READY,     /* runnable, but something else runs (e.g. the loop's ready queue) */
  JG_SUSPEND_N_REASONS
} JgSuspendReason;

typedef enum
{
  JG_GIL_DROP_INTERVAL = 0, /* switch interval expired and a drop was requested */
  JG_GIL_DROP_IO,           /* released around blocking I/O */
  JG_GIL_DROP_FINISHED,     /* the thread's task finished */
  JG_GIL_DROP_FORCED,       /* forced switching: dropper waited for the taker */
  JG_GIL_DROP_N_REASONS
} JgGilReason;

typedef enum
{
  JG_IO_SLEEP = 0,
  JG_IO_SOCKET,
  JG_IO_FILE,
  JG_IO_PIPE,
  JG_IO_N_KINDS
} JgIoKind;

#define JG_GIL_ARG(interp, reason) ((((guint32) (interp)) << 8) | ((guint32) (reason) & 0xff))
#define JG_GIL_ARG_INTERP(arg)     ((arg) >> 8)
#define JG_GIL_ARG_REASON(arg)     ((arg) & 0xff)
#define JG_END_ARG(status, detail) ((((guint32) (detail)) << 8) | ((guint32) (status) & 0xff))
#define JG_END_ARG_STATUS(arg)     ((arg) & 0xff)
#define JG_END_ARG_DETAIL(arg)     ((arg) >> 8)

const char *jg_event_kind_name     (JgEventKind     kind);
const char *jg_end_status_name     (JgEndStatus     status);
const char *jg_suspend_reason_name (JgSuspendReason reason);
const char *jg_gil_reason_name     (JgGilReason     reason);
const char *jg_io_kind_name        (JgIoKind        kind);

/* Checks @arg against @kind's meaning where it is an enumeration; string ids
 * are checked by the trace, which knows how many strings there are. */
gboolean    jg_event_arg_is_valid  (JgEventKind     kind,
                                    guint32         arg);

G_END_DECLS
