/* jg-run.h: one run of a scenario plan under a model, recorded into a trace.
 *
 * jg_run_start returns at once: a run-controller thread starts the executor's
 * threads, watches for the end, for a deadlock (a wait-for cycle, checked every
 * 50 ms) and for a stop. The trace grows live while it runs (readers follow its
 * published prefix); "finished" is emitted in the main context that was the
 * thread default when the run was started, once the trace is finished and its
 * results are set. jg_run_stop may be called at any moment: tasks end as
 * cancelled, and what was recorded is kept. */
#pragma once

#include <gio/gio.h>

#include "jg-interpreter.h"
#include "jg-process-pool.h"
#include "jg-scenario.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef enum
{
  JG_MODEL_SEQUENTIAL = 0, /* one thread runs every task in order: the baseline */
  JG_MODEL_THREADS,        /* threading / ThreadPoolExecutor: N threads pull tasks */
  JG_MODEL_ASYNCIO,        /* asyncio.run: coroutines on one thread's event loop (docs/asyncio.md) */
  JG_MODEL_HYBRID,         /* asyncio plus an executor that takes the computing and blocking steps */
  JG_MODEL_PROCESSES,      /* multiprocessing.Pool / ProcessPoolExecutor: N worker processes (docs/processes.md) */
  JG_N_MODELS
} JgModel;

/* The executor of the hybrid model (asyncio.to_thread is always the thread pool). */
typedef enum
{
  JG_HYBRID_THREADS = 0,   /* the loop's default ThreadPoolExecutor */
  JG_HYBRID_PROCESSES,     /* a ProcessPoolExecutor */
  JG_HYBRID_N_EXECUTORS
} JgHybridExecutor;

typedef enum
{
  JG_RUN_READY = 0,  /* not started */
  JG_RUN_RUNNING,
  JG_RUN_COMPLETED,  /* every task ran to its end (some may have failed) */
  JG_RUN_STOPPED,    /* jg_run_stop () */
  JG_RUN_DEADLOCKED, /* a deadlock was detected and the run ended */
  JG_RUN_FAILED,     /* the executor could not start */
  JG_RUN_N_STATUSES
} JgRunStatus;

typedef struct
{
  JgModel           model;
  /* Threads: the pool's size (ThreadPoolExecutor's max_workers); 0 means one
   * thread per task. Never more threads than tasks. Sequential: ignored.
   * Asyncio and hybrid: the executor's size; 0 means ThreadPoolExecutor's
   * default, min (32, cores + 4). */
  guint             workers;
  JgInterpreterMode interpreter;
  /* sys.setswitchinterval (), in milliseconds. */
  double            switch_interval_ms;
  /* Hybrid: where run_in_executor sends the computing and blocking steps. */
  JgHybridExecutor  hybrid_executor;
  /* Processes: how the workers start (Pool's context); their number is
   * `workers`, 0 meaning os.cpu_count (), never more than tasks. */
  JgStartMethod     start_method;
  /* Slow motion (docs/slow-motion.md): every duration of the run — CPU work,
   * I/O and sleeps, timeouts, the switch interval, process start-up and
   * transfers — lasts this many times longer, so the run really happens
   * slower and keeps its shape. JG_TIME_SCALE_MIN (1) to JG_TIME_SCALE_MAX. */
  double            time_scale;
} JgRunOptions;

/* Every few milliseconds the watchdog reads the wait-for graph. */
#define JG_RUN_WATCHDOG_INTERVAL_MS 50

const char *jg_model_name           (JgModel      model);
gboolean    jg_model_from_name      (const char  *name,
                                     JgModel     *model);
const char *jg_run_status_name      (JgRunStatus  status);

/* Threads, 0 workers (one per task), GIL, 5 ms; processes start by fork; 1×. */
void        jg_run_options_init     (JgRunOptions *options);

#define JG_TYPE_RUN (jg_run_get_type ())
G_DECLARE_FINAL_TYPE (JgRun, jg_run, JG, RUN, GObject)

/* Copies @plan and @options. */
JgRun        *jg_run_new            (const JgScenarioPlan *plan,
                                     const JgRunOptions   *options);
/* The scenario's JSON definition, stored in the trace (optional; before start). */
void          jg_run_set_definition (JgRun        *self,
                                     JsonNode     *definition);
/* The trace this run records into: lanes and metadata are there once started. */
JgTrace      *jg_run_get_trace      (JgRun        *self);
const JgRunOptions *jg_run_get_options (JgRun     *self);
/* Threads the run starts itself (1 for sequential; for asyncio and hybrid, the
 * loop's thread: the executor's threads start as work arrives). */
guint         jg_run_get_n_workers  (JgRun        *self);

/* Checks the plan, sets the trace's metadata and lanes, starts the loopback
 * server if a step needs it, and starts the run-controller thread. Never
 * blocks on the run itself. */
gboolean      jg_run_start          (JgRun        *self,
                                     GError      **error);
/* Asks the run to stop; returns at once. Thread-safe. */
void          jg_run_stop           (JgRun        *self);
/* Blocks until the run has finished (for the CLI and tests). If the calling
 * thread can own the run's main context it iterates it meanwhile, so
 * "finished" has been emitted when this returns. */
JgRunStatus   jg_run_wait           (JgRun        *self);
gboolean      jg_run_is_finished    (JgRun        *self);
JgRunStatus   jg_run_get_status     (JgRun        *self);

/* After the run: what it marked, as objects with at least "kind": a detected
 * deadlock ({"kind": "deadlock", "time_s", "detected_after_s", "tasks": […],
 * "locks": […]}), lost updates ({"kind": "lost update", "count"}) and task
 * errors ({"kind": "error", "task", "message"}). A new reference. */
JsonArray    *jg_run_dup_marks      (JgRun        *self);

G_END_DECLS
