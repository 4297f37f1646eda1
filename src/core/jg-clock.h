/* jg-clock.h: the one clock of a trace. CLOCK_MONOTONIC is shared by every
 * thread and process on the machine, so a child's timestamps need no translation. */
#pragma once

#include <glib.h>
#include <time.h>

static inline guint64
jg_clock_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}
