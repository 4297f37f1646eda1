/* jg-asyncio.h: the asyncio and hybrid models (docs/asyncio.md) — a scenario's
 * tasks as coroutines on one thread running a libuv event loop.
 *
 * asyncio.sleep is a uv_timer, socket I/O a TCP client on the loop talking to
 * the run's loopback server, file I/O uv_fs requests on real files; CPU work and
 * blocking calls run on the loop's own thread and stall every other coroutine,
 * as they do in Python. gather, TaskGroup, wait_for, as_completed, cancellation
 * and asyncio's Lock, Semaphore and Queue follow CPython's rules. to_thread and
 * run_in_executor hand steps to a thread pool under the same GIL, or to a
 * process pool of juggler-worker processes; the hybrid model hands every
 * computing and blocking step to one of them. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jg-interpreter.h"
#include "jg-process-pool.h"
#include "jg-recorder.h"
#include "jg-scenario.h"
#include "jg-sync.h"
#include "jg-trace.h"

G_BEGIN_DECLS

/* The loop samples its own lateness this often, so that loop lag is measured
 * even when no coroutine sleeps (as aiomonitor-style watchdogs do). */
#define JG_ASYNCIO_LAG_PROBE_MS 10.0

typedef struct
{
  gboolean             hybrid;           /* computing and blocking steps go to the executor */
  gboolean             hybrid_processes; /* ... the process pool, not the thread pool */
  guint                executor_size;    /* the executor's most threads */
  /* The process pool, started on the first job sent to it (hybrid_processes,
   * or run_in_executor on processes); its io is the run's. */
  JgProcessPoolOptions process_pool;
} JgAsyncioOptions;

/* ThreadPoolExecutor's size: @requested, or its default min (32, cores + 4). */
guint        jg_asyncio_executor_size (guint requested);

/* How a scenario writes the asyncio step @kind ("gather", …); NULL for others. */
const char  *jg_asyncio_step_name     (JgStepKind kind);

/* Checks what only the loop relies on, on a plan that passed the run's own
 * checks: every child range lies inside the plan, each child is started by
 * exactly one step, a child never starts its own ancestor, bodies end inside
 * their task, timeouts are sane and failures carry a message. */
gboolean     jg_asyncio_check_plan    (const JgScenarioPlan *plan,
                                       GError              **error);
/* The task that starts each plan task, JG_LANE_NONE for top-level tasks (the
 * ones asyncio.run starts). One per task; g_free it. */
guint32     *jg_asyncio_plan_parents  (const JgScenarioPlan *plan);

typedef struct _JgAsyncio JgAsyncio;

/* Adds the loop's worker lane and interns the strings it will record. @plan,
 * @trace, @recorder, @sync, @interp, @io and @cancellable must outlive it;
 * cancelling @cancellable stops the run: every coroutine ends as cancelled. */
JgAsyncio   *jg_asyncio_new           (const JgScenarioPlan   *plan,
                                       const JgAsyncioOptions *options,
                                       JgTrace                *trace,
                                       JgRecorder             *recorder,
                                       JgSync                 *sync,
                                       JgInterpreter          *interp,
                                       const JgIoContext      *io,
                                       GCancellable           *cancellable);
void         jg_asyncio_free          (JgAsyncio              *self);

/* asyncio.run (): the calling thread becomes the loop's thread until every
 * coroutine has ended and the executor is idle. Call it once. */
void         jg_asyncio_run           (JgAsyncio              *self);

/* After the run. */
gboolean     jg_asyncio_is_deadlocked (JgAsyncio              *self);
/* Appends what the run marked: {"kind": "error", "task", "message"},
 * {"kind": "timeout", "task", "timeout_s", "time_s"}, {"kind": "cancelled",
 * "task", "by", "time_s"}, {"kind": "deadlock", …} and notes. */
void         jg_asyncio_add_marks     (JgAsyncio              *self,
                                       JsonArray              *marks);
/* Adds "loop_lag_ms" ({"mean", "max", "samples"}), "asyncio" (counts of
 * coroutines, executor jobs, threads and process jobs, which executors ran
 * them, timeouts, cancellations, socket and file bytes), "processes" (as the
 * processes model's, when the process pool ran) and, for as_completed and map
 * steps, "order". */
void         jg_asyncio_add_results   (JgAsyncio              *self,
                                       JsonObject             *results);

G_END_DECLS
