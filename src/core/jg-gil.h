/* jg-gil.h: CPython's global interpreter lock, reproduced from Python/ceval_gil.c
 * (3.12) on a real mutex and real condition variables (docs/gil.md).
 *
 * A thread is identified by its probe (one per OS thread); the task it runs is
 * passed along so every request, take, drop and drop request is recorded on that
 * task's lane with the core it happened on. */
#pragma once

#include <glib.h>

#include "jg-event.h"
#include "jg-probe.h"

G_BEGIN_DECLS

/* sys.getswitchinterval () in CPython: 5 ms. */
#define JG_GIL_DEFAULT_INTERVAL_MS 5.0
/* CPython clamps the interval to at least 1 µs. */
#define JG_GIL_MIN_INTERVAL_MS     0.001

typedef struct _JgGil JgGil;

JgGil    *jg_gil_new                   (guint32      interp,
                                        double       switch_interval_ms);
void      jg_gil_free                  (JgGil       *self);
guint32   jg_gil_get_interp            (JgGil       *self);

/* sys.setswitchinterval (): how long a waiter waits before asking for a drop.
 * Takes effect at the waiters' next wait. */
void      jg_gil_set_switch_interval   (JgGil       *self,
                                        double       ms);
double    jg_gil_get_switch_interval   (JgGil       *self);
/* CPython builds with FORCE_SWITCHING: a thread asked to drop waits until
 * another thread has taken the GIL. On by default; off shows why it exists. */
void      jg_gil_set_force_switching   (JgGil       *self,
                                        gboolean     force_switching);

/* take_gil (): emits GIL_REQUEST, then SUSPEND(GIL) if it must wait, GIL_TAKE and
 * RUN once it holds the GIL. Returns FALSE, without the GIL, if the GIL was
 * cancelled before it could be taken. */
gboolean  jg_gil_take                  (JgGil       *self,
                                        JgProbe     *probe,
                                        guint32      task);
/* drop_gil (): @reason is JG_GIL_DROP_INTERVAL when answering a drop request
 * (recorded as FORCED when the dropper then waits for the switch), IO for a
 * voluntary release around a blocking call, FINISHED at the end of a task. */
void      jg_gil_drop                  (JgGil       *self,
                                        JgProbe     *probe,
                                        guint32      task,
                                        JgGilReason  reason);
/* The eval breaker: has a waiter asked the holder to drop? A relaxed atomic
 * load, cheap enough to call between every slice of work. */
gboolean  jg_gil_drop_requested        (JgGil       *self);
/* What the eval loop does when the breaker is set: drop (INTERVAL/FORCED),
 * let others run, take again. Returns FALSE if the GIL was cancelled meanwhile
 * (the caller no longer holds it). Does nothing and returns TRUE if no drop
 * was requested. */
gboolean  jg_gil_handle_drop_request   (JgGil       *self,
                                        JgProbe     *probe,
                                        guint32      task);
/* Wakes every waiter; from now on takes fail. Holders keep the GIL until they
 * drop it. For stopping a run. */
void      jg_gil_cancel                (JgGil       *self);
gboolean  jg_gil_is_cancelled          (JgGil       *self);

/* Counters, for tests and summaries. */
guint64   jg_gil_get_switch_number     (JgGil       *self);
guint64   jg_gil_get_n_drop_requests   (JgGil       *self);
guint64   jg_gil_get_n_forced          (JgGil       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgGil, jg_gil_free)

G_END_DECLS
