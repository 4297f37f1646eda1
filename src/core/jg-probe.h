/* jg-probe.h: a per-thread, single-producer ring that records events without a
 * lock or an allocation. Its thread writes with jg_probe_emit (); the recorder's
 * collector drains it. When the ring is full the writer waits for the collector
 * (counting the stall) rather than lose an event. */
#pragma once

#include <sched.h> /* sched_getcpu: the build defines _GNU_SOURCE */

#include <glib.h>

#include "jg-clock.h"
#include "jg-event.h"

G_BEGIN_DECLS

typedef struct _JgProbe JgProbe;

struct _JgProbe
{
  /* Written by the producer only. */
  guint64  head;          /* atomic: events written */
  guint64  cached_tail;   /* the last tail the producer saw */
  guint64  epoch_ns;
  JgEvent *slots;
  guint64  mask;
  guint32  worker;
  guint32  stalls;        /* times the ring was full */
  gpointer owner;         /* the recorder, woken when the ring fills */
  guint64  run_cpu_ns;    /* the thread's CPU clock at the last RUN */
  gboolean running;       /* a RUN was emitted and not yet left */
  guint32  running_task;  /* the task that RUN was for */
  char     pad0[64];

  /* Written by the collector only. */
  guint64  tail;          /* atomic: events drained */
  gint     closed;        /* atomic: the producer is gone */
  char     pad1[64];
};

void     jg_probe_wait_for_space (JgProbe *probe);

/* Records one event now, on the calling thread's current CPU. */
static inline void
jg_probe_emit (JgProbe     *probe,
               guint32      task,
               JgEventKind  kind,
               guint32      arg)
{
  guint64 head = probe->head;
  JgEvent *event;

  if (G_UNLIKELY (head - probe->cached_tail > probe->mask))
    jg_probe_wait_for_space (probe);

  event = &probe->slots[head & probe->mask];
  event->ts = jg_clock_now_ns () - probe->epoch_ns;
  event->task = task;
  event->worker = probe->worker;
  event->kind = (guint16) kind;
  event->cpu = (gint16) sched_getcpu ();
  event->arg = arg;
  __atomic_store_n (&probe->head, head + 1, __ATOMIC_RELEASE);
}

/* A task starts running on this thread. Notes the thread's CPU clock so that
 * leaving can tell how much CPU the task really got: a thread the OS
 * time-slices with others is Running without running all the time. A RUN of
 * the task already running (a free GIL retaken after GIL-free C code)
 * continues the same Running span, so it keeps the first mark. One thread may
 * run many tasks in turn (an event loop's coroutines): the mark belongs to
 * one task. */
static inline void
jg_probe_emit_run (JgProbe *probe,
                   guint32  task)
{
  if (!probe->running || probe->running_task != task)
    {
      probe->run_cpu_ns = jg_clock_thread_cpu_ns ();
      probe->running = TRUE;
      probe->running_task = task;
    }
  jg_probe_emit (probe, task, JG_EVENT_RUN, 0);
}

/* Emits a state change that may take the running task off the CPU (SUSPEND,
 * TASK_END), preceded by CPU_TIME when that task was the one Running. */
static inline void
jg_probe_emit_leave (JgProbe     *probe,
                     guint32      task,
                     JgEventKind  kind,
                     guint32      arg)
{
  if (probe->running && probe->running_task == task)
    {
      guint64 used_us = (jg_clock_thread_cpu_ns () - probe->run_cpu_ns) / 1000;

      probe->running = FALSE;
      jg_probe_emit (probe, task, JG_EVENT_CPU_TIME, (guint32) MIN (used_us, G_MAXUINT32));
    }
  jg_probe_emit (probe, task, kind, arg);
}

G_END_DECLS
