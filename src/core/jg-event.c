/* jg-event.c: names for the event vocabulary, used by the CLI, files and captions. */
#define G_LOG_DOMAIN "jg-event"

#include "jg-event.h"

static const char * const kind_names[] = {
  [JG_EVENT_TASK_BEGIN] = "task-begin",
  [JG_EVENT_TASK_END] = "task-end",
  [JG_EVENT_RUN] = "run",
  [JG_EVENT_SUSPEND] = "suspend",
  [JG_EVENT_GIL_REQUEST] = "gil-request",
  [JG_EVENT_GIL_TAKE] = "gil-take",
  [JG_EVENT_GIL_DROP] = "gil-drop",
  [JG_EVENT_GIL_DROP_REQUEST] = "gil-drop-request",
  [JG_EVENT_IO_BEGIN] = "io-begin",
  [JG_EVENT_IO_END] = "io-end",
  [JG_EVENT_LOCK_WAIT] = "lock-wait",
  [JG_EVENT_LOCK_ACQUIRE] = "lock-acquire",
  [JG_EVENT_LOCK_RELEASE] = "lock-release",
  [JG_EVENT_COUNTER] = "counter",
  [JG_EVENT_MARK] = "mark",
  [JG_EVENT_CPU_TIME] = "cpu-time",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == JG_EVENT_N_KINDS);

static const char * const end_names[] = {
  [JG_END_OK] = "ok",
  [JG_END_ERROR] = "error",
  [JG_END_CANCELLED] = "cancelled",
  [JG_END_CRASHED] = "crashed",
};
G_STATIC_ASSERT (G_N_ELEMENTS (end_names) == JG_END_N_STATUSES);

static const char * const suspend_names[] = {
  [JG_SUSPEND_GIL] = "gil",
  [JG_SUSPEND_IO] = "io",
  [JG_SUSPEND_SLEEP] = "sleep",
  [JG_SUSPEND_LOCK] = "lock",
  [JG_SUSPEND_SEMAPHORE] = "semaphore",
  [JG_SUSPEND_QUEUE] = "queue",
  [JG_SUSPEND_AWAIT] = "await",
  [JG_SUSPEND_READY] = "ready",
};
G_STATIC_ASSERT (G_N_ELEMENTS (suspend_names) == JG_SUSPEND_N_REASONS);

static const char * const gil_names[] = {
  [JG_GIL_DROP_INTERVAL] = "interval",
  [JG_GIL_DROP_IO] = "io",
  [JG_GIL_DROP_FINISHED] = "finished",
  [JG_GIL_DROP_FORCED] = "forced",
};
G_STATIC_ASSERT (G_N_ELEMENTS (gil_names) == JG_GIL_DROP_N_REASONS);

static const char * const io_names[] = {
  [JG_IO_SLEEP] = "sleep",
  [JG_IO_SOCKET] = "socket",
  [JG_IO_FILE] = "file",
  [JG_IO_PIPE] = "pipe",
};
G_STATIC_ASSERT (G_N_ELEMENTS (io_names) == JG_IO_N_KINDS);

#define NAME_OR_UNKNOWN(table, i) ((guint) (i) < G_N_ELEMENTS (table) ? table[i] : "unknown")

const char *
jg_event_kind_name (JgEventKind kind)
{
  return NAME_OR_UNKNOWN (kind_names, kind);
}

const char *
jg_end_status_name (JgEndStatus status)
{
  return NAME_OR_UNKNOWN (end_names, status);
}

const char *
jg_suspend_reason_name (JgSuspendReason reason)
{
  return NAME_OR_UNKNOWN (suspend_names, reason);
}

const char *
jg_gil_reason_name (JgGilReason reason)
{
  return NAME_OR_UNKNOWN (gil_names, reason);
}

const char *
jg_io_kind_name (JgIoKind kind)
{
  return NAME_OR_UNKNOWN (io_names, kind);
}

gboolean
jg_event_arg_is_valid (JgEventKind kind,
                       guint32     arg)
{
  switch (kind)
    {
    case JG_EVENT_TASK_BEGIN:
    case JG_EVENT_RUN:
      return arg == 0;
    case JG_EVENT_TASK_END:
      return JG_END_ARG_STATUS (arg) < JG_END_N_STATUSES;
    case JG_EVENT_SUSPEND:
      return arg < JG_SUSPEND_N_REASONS;
    case JG_EVENT_GIL_REQUEST:
    case JG_EVENT_GIL_TAKE:
    case JG_EVENT_GIL_DROP_REQUEST:
      return JG_GIL_ARG_REASON (arg) == 0;
    case JG_EVENT_GIL_DROP:
      return JG_GIL_ARG_REASON (arg) < JG_GIL_DROP_N_REASONS;
    case JG_EVENT_IO_BEGIN:
    case JG_EVENT_IO_END:
      return arg < JG_IO_N_KINDS;
    case JG_EVENT_LOCK_WAIT:
    case JG_EVENT_LOCK_ACQUIRE:
    case JG_EVENT_LOCK_RELEASE:
    case JG_EVENT_COUNTER:
    case JG_EVENT_MARK:
    case JG_EVENT_CPU_TIME:
      return TRUE;
    case JG_EVENT_N_KINDS:
    default:
      return FALSE;
    }
}
