/* jg-executor.h: runs one task of a plan on the calling thread — what every
 * thread-based model (sequential, threads, per-interpreter, free-threaded)
 * shares. The models differ only in how many threads pull tasks and which
 * interpreter each thread belongs to (jg-run.c). */
#pragma once

#include <gio/gio.h>

#include "jg-interpreter.h"
#include "jg-scenario.h"
#include "jg-sync.h"

G_BEGIN_DECLS

/* Emits TASK_BEGIN, enters the interpreter (takes the GIL), runs each step with
 * an eval-breaker checkpoint before it (function entry, after C calls), emits
 * TASK_END and leaves (drops the GIL, FINISHED). Returns how the task ended:
 * JG_END_CANCELLED if the run was stopped, JG_END_ERROR with @error set if a
 * step failed (e.g. releasing a lock that is not held). */
JgEndStatus jg_executor_run_task (JgThreadState    *ts,
                                  JgSync           *sync,
                                  guint32           task_lane,
                                  const JgPlanTask *task,
                                  GError          **error);

G_END_DECLS
