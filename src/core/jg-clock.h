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

/* The calling thread's own CPU time. A system call (~200 ns): for state
 * changes, never for every event. */
static inline guint64
jg_clock_thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}
