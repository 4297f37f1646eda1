/* jg-asyncio-private.h: what the parts of the asyncio model share — the
 * loop's I/O operations (jg-asyncio-io.c) and its executor (jg-asyncio-executor.c).
 * Everything here runs on the loop's thread unless it says otherwise. */
#pragma once

#include <uv.h>

#include "jg-asyncio.h"
#include "jg-process-pool.h"

G_BEGIN_DECLS

/* An executor never has more threads than this, whatever is asked. */
#define JG_AIO_MAX_EXECUTOR_THREADS 256

gboolean jg_aio_step_starts_tasks     (JgStepKind kind);
/* The steps an executor's thread can run (to_thread's body). */
gboolean jg_aio_step_runs_in_executor (JgStepKind kind);

/* How an awaited operation ended: @ok, or failed with @message (a string that
 * lives as long as the run: interned or static). */
typedef void (*JgAioDone) (gpointer    data,
                           gboolean    ok,
                           const char *message);

/* The loop's I/O: timers, loopback TCP clients and uv_fs files. */
typedef struct
{
  uv_loop_t  *loop;
  guint16     port;          /* the run's loopback server, 0 if none */
  const char *scratch_dir;   /* where files go, NULL if none */
  guint       n_open;        /* operations whose handles or requests are still open */

  /* What happened, for the results. */
  guint64     lag_sum_ns;
  guint64     lag_max_ns;
  guint64     lag_samples;
  guint64     round_trips;
  guint64     bytes_received;
  guint64     file_bytes;
} JgAioIo;

typedef struct _JgAioOp JgAioOp;

/* Each calls @done once, on the loop's thread, unless abandoned first. A
 * timer never fires before its time; how late it fires is loop lag. */
JgAioOp *jg_aio_sleep       (JgAioIo    *io,
                             double      ms,
                             JgAioDone   done,
                             gpointer    data);
/* A round trip to the loopback server, which answers after @ms. */
JgAioOp *jg_aio_socket      (JgAioIo    *io,
                             double      ms,
                             JgAioDone   done,
                             gpointer    data);
/* Writes and syncs a scratch file until @ms have passed, reads it back,
 * removes it: the same disk work as a blocking file step, through uv_fs. */
JgAioOp *jg_aio_file        (JgAioIo    *io,
                             double      ms,
                             JgAioDone   done,
                             gpointer    data);
/* The waiter is gone (cancelled, or the run stopped): @done is never called.
 * A timer or socket closes at once; a file request in flight finishes, then
 * the file is closed and removed. */
void     jg_aio_op_abandon  (JgAioOp    *op);
/* Counts a timer's lateness into the loop lag. */
void     jg_aio_io_note_lag (JgAioIo    *io,
                             gint64      late_ns);

/* The executor: a ThreadPoolExecutor of threads started as work arrives, each
 * under the run's interpreter (and so its GIL), each with a worker lane; and
 * a ProcessPoolExecutor (a JgProcessPool of juggler-worker processes, each
 * with its own interpreter) started on its first job. */
typedef struct _JgAioExecutor JgAioExecutor;
typedef struct _JgAioJob JgAioJob;

/* @wake is the loop's async handle: the only call a pool thread (or the
 * process pool's thread) makes into the loop is uv_async_send on it, after a
 * job has ended. @processes: how to start the process pool; options->io is
 * ignored (@io is used). */
JgAioExecutor *jg_aio_executor_new       (guint                       max_threads,
                                          const JgProcessPoolOptions *processes,
                                          JgTrace                    *trace,
                                          JgRecorder                 *recorder,
                                          JgSync                     *sync,
                                          JgInterpreter              *interp,
                                          const JgIoContext          *io,
                                          GCancellable               *cancellable,
                                          uv_async_t                 *wake);
/* Joins every thread and shuts the process pool down: call once no job is
 * pending. */
void           jg_aio_executor_free      (JgAioExecutor      *self);
/* Runs @steps as task @task (a lane of its own) on a pool thread; @done is
 * called on the loop's thread from jg_aio_executor_dispatch. An error is a
 * failed step's message, or "CancelledError" when the run stopped. NULL if
 * no thread could be started at all. */
JgAioJob      *jg_aio_executor_submit    (JgAioExecutor      *self,
                                          guint32             task,
                                          const char         *name,
                                          const JgStep       *steps,
                                          guint               n_steps,
                                          JgAioDone           done,
                                          gpointer            data);
/* run_in_executor on the process pool: runs @steps in a worker process as
 * task @task, whose events carry the worker's pid and cores. @done as above;
 * a worker killed under the job fails it with a BrokenProcessPool message.
 * NULL with @error if the steps cannot run in a process (shared objects) or
 * the pool cannot start. */
JgAioJob      *jg_aio_executor_submit_process (JgAioExecutor  *self,
                                               guint32         task,
                                               const char     *name,
                                               const JgStep   *steps,
                                               guint           n_steps,
                                               JgAioDone       done,
                                               gpointer        data,
                                               GError        **error);
/* Once no job is pending: shuts the process pool down (its workers quit and
 * are reaped) and hands it over for its marks and results; NULL if no job
 * ever went to processes. */
JgProcessPool *jg_aio_executor_steal_process_pool (JgAioExecutor *self);
/* The awaiting coroutine was cancelled: the thread goes on (Python cannot
 * stop it either), but @done will not be called. */
void           jg_aio_job_abandon        (JgAioJob           *job);
/* Loop thread, when @wake fires: calls @done for every job that has ended. */
void           jg_aio_executor_dispatch  (JgAioExecutor      *self);
/* Jobs submitted and not yet dispatched. */
guint          jg_aio_executor_n_pending (JgAioExecutor      *self);
/* Threads started so far (they live until the executor is freed). */
guint          jg_aio_executor_n_threads (JgAioExecutor      *self);
guint          jg_aio_executor_n_jobs    (JgAioExecutor      *self);
/* Of those, the jobs sent to the process pool. */
guint          jg_aio_executor_n_process_jobs (JgAioExecutor *self);
/* Appends {"kind": "error", "task", "message"} for jobs that failed. */
void           jg_aio_executor_add_marks (JgAioExecutor      *self,
                                          JsonArray          *marks);

G_END_DECLS
