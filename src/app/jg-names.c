/* jg-names.c: display names of the run's vocabulary. */
#define G_LOG_DOMAIN "jg-names"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-names.h"

typedef struct
{
  const char *id;
  const char *name;
} Name;

static const char *
lookup (const Name *names,
        gsize       n_names,
        const char *id)
{
  for (gsize i = 0; i < n_names; i++)
    {
      if (g_strcmp0 (id, names[i].id) == 0)
        return _(names[i].name);
    }

  return id;
}

const char *
jg_model_display_name (const char *model)
{
  static const Name names[] = {
    { "sequential", N_("Sequential") },
    { "threads", N_("Threads") },
    { "processes", N_("Processes") },
    { "asyncio", N_("asyncio") },
    { "hybrid", N_("Hybrid") },
  };

  return lookup (names, G_N_ELEMENTS (names), model);
}

const char *
jg_interpreter_display_name (const char *interpreter)
{
  static const Name names[] = {
    { "gil", N_("GIL") },
    { "free-threaded", N_("Free-threaded") },
    { "per-interpreter", N_("One GIL per interpreter") },
  };

  return lookup (names, G_N_ELEMENTS (names), interpreter);
}

const char *
jg_end_status_display_name (JgEndStatus status)
{
  switch (status)
    {
    case JG_END_OK:
      return _("Finished");
    case JG_END_ERROR:
      return _("Failed");
    case JG_END_CANCELLED:
      return _("Cancelled");
    case JG_END_CRASHED:
      return _("Crashed");
    case JG_END_N_STATUSES:
    default:
      return _("Unknown");
    }
}

const char *
jg_suspend_reason_display_name (JgSuspendReason reason)
{
  switch (reason)
    {
    case JG_SUSPEND_GIL:
      return _("waiting for the GIL");
    case JG_SUSPEND_IO:
      return _("blocking I/O");
    case JG_SUSPEND_SLEEP:
      return _("sleeping");
    case JG_SUSPEND_LOCK:
      return _("waiting for a lock");
    case JG_SUSPEND_SEMAPHORE:
      return _("waiting for a semaphore");
    case JG_SUSPEND_QUEUE:
      return _("waiting on a queue");
    case JG_SUSPEND_AWAIT:
      return _("awaiting");
    case JG_SUSPEND_READY:
      return _("ready, while something else runs");
    case JG_SUSPEND_N_REASONS:
    default:
      return _("unknown");
    }
}

const char *
jg_gil_reason_display_name (JgGilReason reason)
{
  switch (reason)
    {
    case JG_GIL_DROP_INTERVAL:
      return _("switch interval expired");
    case JG_GIL_DROP_IO:
      return _("released for blocking I/O");
    case JG_GIL_DROP_FINISHED:
      return _("task finished");
    case JG_GIL_DROP_FORCED:
      return _("forced switch");
    case JG_GIL_DROP_N_REASONS:
    default:
      return _("unknown");
    }
}
