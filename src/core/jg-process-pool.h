/* jg-process-pool.h: the processes model — multiprocessing.Pool and
 * ProcessPoolExecutor on real juggler-worker processes (docs/processes.md).
 *
 * Each worker is its own interpreter with its own GIL. The pool starts them by
 * the chosen start method, hands them the plan's tasks one at a time as they
 * become free (Pool.map with chunksize 1), really serialises and pipes each
 * task's arguments and result, forwards every worker's events into the trace
 * while the run goes on, and reports a worker that crashes. No worker outlives
 * the pool. The same pool also serves single jobs submitted from any thread
 * (run_in_executor onto a ProcessPoolExecutor from the asyncio loop). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jg-interpreter.h"
#include "jg-recorder.h"
#include "jg-scenario.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef enum
{
  JG_START_FORK = 0,  /* os.fork () of the parent: Linux's default before Python 3.14 */
  JG_START_SPAWN,     /* a fresh interpreter that re-imports the main module */
  JG_START_FORKSERVER,/* a server is spawned once, then forks each worker */
  JG_START_N_METHODS
} JgStartMethod;

/* The modelled start-up of a CPython interpreter, measured with CPython 3.11
 * (docs/processes.md says how and gives public figures beside them): a forked
 * child is ready in about 2 ms, a spawned one after about 40 ms of CPU (a
 * fresh interpreter, multiprocessing's imports, the main module again); the
 * fork server costs a spawn once and about 9 ms per worker forked from it. */
#define JG_STARTUP_FORK_MS            2.0
#define JG_STARTUP_SPAWN_MS           40.0
#define JG_STARTUP_FORKSERVER_MS      9.0
#define JG_STARTUP_FORKSERVER_SERVER_MS JG_STARTUP_SPAWN_MS

const char *jg_start_method_name       (JgStartMethod  method);
gboolean    jg_start_method_from_name  (const char    *name,
                                        JgStartMethod *method);
/* The modelled interpreter start-up of one worker started by @method. */
double      jg_start_method_startup_ms (JgStartMethod  method);

/* The juggler-worker program: $JUGGLER_WORKER, else the installed one. */
const char *jg_process_pool_get_worker_path (void);

typedef struct
{
  guint              n_workers;
  JgStartMethod      start_method;
  JgInterpreterMode  interpreter;        /* each worker's own interpreter */
  double             switch_interval_ms; /* already stretched by time_scale */
  const JgIoContext *io;                 /* the run's loopback server and scratch directory */
  /* Slow motion: the modelled start-ups and the pickling last this many times
   * longer (the steps come stretched already). 0 means 1. */
  double             time_scale;
} JgProcessPoolOptions;

typedef struct _JgProcessPool JgProcessPool;

/* Checks @start_method, that the worker program exists and that every step
 * of @plan can run in a worker process: shared objects (locks, semaphores,
 * queues, variables) cannot, as a threading.Lock cannot be pickled into
 * another process. */
gboolean       jg_process_pool_check       (const JgScenarioPlan       *plan,
                                            JgStartMethod               start_method,
                                            GError                    **error);
/* The same for the steps of one job, and that the worker program exists. */
gboolean       jg_process_pool_check_steps (const JgStep               *steps,
                                            guint                       n_steps,
                                            GError                    **error);

/* Adds the parent's lane ("Main process") to @trace. @plan (NULL for a pool
 * that only serves submitted jobs), @trace, @recorder, @cancellable and
 * options->io must outlive the pool. */
JgProcessPool *jg_process_pool_new         (const JgScenarioPlan       *plan,
                                            const JgProcessPoolOptions *options,
                                            JgTrace                    *trace,
                                            JgRecorder                 *recorder,
                                            GCancellable               *cancellable);
void           jg_process_pool_free        (JgProcessPool              *self);

/* Runs every task of the plan and returns once each has ended (or the
 * cancellable was cancelled: the workers are killed and their tasks end as
 * cancelled) and every process it started is gone. Call it once, on a thread
 * that lives until it returns: the workers' parent-death signal is tied to it. */
void           jg_process_pool_run         (JgProcessPool              *self);

/* How a submitted job ended: JG_END_OK; JG_END_ERROR with the failed step's
 * message; JG_END_CRASHED when its worker died under it (a BrokenProcessPool
 * message); JG_END_CANCELLED ("CancelledError") when the run was stopped.
 * @message lives only as long as the call. */
typedef void (*JgProcessJobDone) (gpointer     data,
                                  JgEndStatus  status,
                                  const char  *message);

/* Instead of jg_process_pool_run: starts the pool's own thread, which starts
 * the workers and serves jobs until jg_process_pool_shutdown. Cancelling the
 * pool's cancellable kills the workers at once; every job then ends. */
gboolean       jg_process_pool_start       (JgProcessPool              *self,
                                            GError                    **error);
/* Any thread: runs @steps (checked with jg_process_pool_check_steps; copied)
 * in a worker as task lane @task, whose events land on that lane and the
 * worker's. @done is called once, on the pool's thread (on the caller's if the
 * pool has already ended). A worker that dies is replaced. */
void           jg_process_pool_submit      (JgProcessPool              *self,
                                            const JgStep               *steps,
                                            guint                       n_steps,
                                            guint32                     task,
                                            JgProcessJobDone            done,
                                            gpointer                    data);
/* ProcessPoolExecutor.shutdown (wait=True): waits for the jobs submitted,
 * lets the workers quit and joins the pool's thread. Jobs submitted after it
 * end at once with an error. Freeing a started pool shuts it down. */
void           jg_process_pool_shutdown    (JgProcessPool              *self);

/* After the run (or the shutdown): what went wrong, as objects the run reports among its marks
 * ({"kind": "crash", "task", "worker", "pid", "signal", "signal_name",
 * "exit_status", "time_s"}, {"kind": "error", "task", "message"}). */
JsonArray     *jg_process_pool_dup_marks   (JgProcessPool              *self);
/* After the run: adds "processes" to a run's results: {"start_method",
 * "workers": [{"name", "pid", "startup_s", "tasks", "exit"}], "server" (for
 * forkserver), "transfer_bytes", "crashes"}. */
void           jg_process_pool_add_results (JgProcessPool              *self,
                                            JsonObject                 *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgProcessPool, jg_process_pool_free)

G_END_DECLS
