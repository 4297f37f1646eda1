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

G_END_DECLS
