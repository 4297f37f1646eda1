/* jg-sync.h: the shared objects of a run — locks, semaphores, bounded queues and
 * shared variables — on a real mutex and condition variables, recording what
 * tasks do with them, and the wait-for graph a watchdog inspects for deadlocks.
 *
 * A task that has to wait releases the GIL first, as CPython's blocking
 * acquire does (Py_BEGIN_ALLOW_THREADS), and takes it back after. Shared
 * variables are read and written without synchronisation on purpose, so an
 * update really is lost when another task wrote between a read and a write. */
#pragma once

#include <gio/gio.h>

#include "jg-interpreter.h"
#include "jg-scenario.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef struct _JgSync JgSync;

/* Interns the objects' names and adds the counter lanes of the queues ("NAME
 * length") and variables ("NAME") to @trace: call before recording starts. */
JgSync   *jg_sync_new              (const JgScenarioPlan *plan,
                                    JgTrace              *trace);
void      jg_sync_free             (JgSync        *self);

/* threading.Lock: acquire blocks (LOCK_WAIT, SUSPEND(LOCK)) while another task
 * holds it; releasing an unlocked lock is an error, as in Python. */
gboolean  jg_sync_lock             (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          lock,
                                    GError       **error);
gboolean  jg_sync_unlock           (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          lock,
                                    GError       **error);
/* threading.Semaphore (initial = its count). */
gboolean  jg_sync_sem_acquire      (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          semaphore,
                                    GError       **error);
gboolean  jg_sync_sem_release      (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          semaphore,
                                    GError       **error);
/* queue.Queue (initial = maxsize, 0 for unbounded): put blocks while full, get
 * while empty (SUSPEND(QUEUE)); each change samples the queue's length. */
gboolean  jg_sync_queue_put        (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          queue,
                                    GError       **error);
gboolean  jg_sync_queue_get        (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          queue,
                                    GError       **error);

/* A plain load of shared variable @variable; *version says which write it saw. */
gint64    jg_sync_read             (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          variable,
                                    guint64       *version);
/* A plain store. If some other write happened since the read that saw
 * @read_version, that write is lost now: a "lost update" mark is recorded. */
void      jg_sync_write            (JgSync        *self,
                                    JgThreadState *ts,
                                    guint          variable,
                                    gint64         value,
                                    guint64        read_version);
gint64    jg_sync_get_value        (JgSync        *self,
                                    guint          variable);
guint     jg_sync_get_n_lost_updates (JgSync      *self);

/* Threads that may still run tasks, so a watchdog knows when all are stuck. */
void      jg_sync_thread_started   (JgSync        *self);
void      jg_sync_thread_finished  (JgSync        *self);

/* Looks for a deadlock: a cycle in the wait-for graph of lock waiters (task ->
 * lock it waits for -> task holding it -> ...), or else every live thread
 * waiting on an object nobody left can release. Fills @tasks (guint32 task
 * ids) and @objects (names, owned by @self) with what is involved. */
gboolean  jg_sync_find_deadlock    (JgSync        *self,
                                    GArray        *tasks,
                                    GPtrArray     *objects,
                                    gboolean      *lock_cycle);

/* Wakes every waiter; their waits fail with G_IO_ERROR_CANCELLED from now on. */
void      jg_sync_cancel           (JgSync        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSync, jg_sync_free)

G_END_DECLS
