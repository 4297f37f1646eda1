/* jg-interpreter.h: what Python code runs under (DESIGN.md §4), and the helpers
 * an executor calls around each step: CPU work in slices with eval-breaker
 * checkpoints between them, and blocking calls that release the GIL around
 * real sleeps, loopback socket round trips and file writes.
 *
 * An OS thread running tasks holds a JgThreadState (CPython's PyThreadState): its
 * interpreter, its probe, the task it runs now and the run's cancellable. */
#pragma once

#include <gio/gio.h>

#include "jg-event.h"
#include "jg-gil.h"
#include "jg-probe.h"

G_BEGIN_DECLS

typedef enum
{
  JG_INTERPRETER_GIL = 0,         /* CPython's default: one GIL for all threads */
  JG_INTERPRETER_FREE_THREADED,   /* PEP 703 (python3.13t): no GIL */
  JG_INTERPRETER_PER_INTERPRETER, /* PEP 684: one interpreter, and one GIL, per thread */
  JG_INTERPRETER_N_MODES
} JgInterpreterMode;

/* The free-threaded build's single-thread slowdown: about 40% on pyperformance
 * at 3.13 (PEP 703 and the 3.13 release notes; see docs/gil.md). A cpu step
 * under a free-threaded interpreter does this much more work. */
#define JG_FREE_THREADED_OVERHEAD 1.40

const char *jg_interpreter_mode_name      (JgInterpreterMode  mode);
gboolean    jg_interpreter_mode_from_name (const char        *name,
                                           JgInterpreterMode *mode);

typedef struct _JgInterpreter JgInterpreter;

/* @id is the interpreter's number in GIL events. GIL and per-interpreter
 * interpreters have a GIL; a free-threaded one has none. */
JgInterpreter *jg_interpreter_new        (guint32            id,
                                          JgInterpreterMode  mode,
                                          double             switch_interval_ms);
void           jg_interpreter_free       (JgInterpreter     *self);
guint32        jg_interpreter_get_id     (JgInterpreter     *self);
JgInterpreterMode jg_interpreter_get_mode (JgInterpreter    *self);
/* NULL for a free-threaded interpreter. */
JgGil         *jg_interpreter_get_gil    (JgInterpreter     *self);
/* How much more work a cpu step does here: JG_FREE_THREADED_OVERHEAD or 1. */
double         jg_interpreter_get_cpu_factor (JgInterpreter *self);
/* Wakes whoever waits for its GIL; takes fail from now on. */
void           jg_interpreter_cancel     (JgInterpreter     *self);

/* Where I/O steps go: the run's loopback server and scratch directory. */
typedef struct
{
  guint16     loopback_port; /* 0: no server, socket steps fail */
  const char *scratch_dir;   /* NULL: file steps fail */
} JgIoContext;

typedef struct
{
  JgInterpreter     *interp;
  JgProbe           *probe;
  guint32            task;        /* the task this thread runs now */
  GCancellable      *cancellable; /* the run's stop */
  const JgIoContext *io;

  /* Private. */
  gboolean           holds_gil;
  guint64            cpu_state;
  int                file_fd;
  char              *file_path;
} JgThreadState;

void     jg_thread_state_init   (JgThreadState     *ts,
                                 JgInterpreter     *interp,
                                 JgProbe           *probe,
                                 GCancellable      *cancellable,
                                 const JgIoContext *io);
/* Closes and removes this thread's scratch file. Must not hold the GIL. */
void     jg_thread_state_clear  (JgThreadState     *ts);

/* Starts running Python for ts->task: takes the GIL (if any) and emits RUN. */
gboolean jg_thread_state_enter  (JgThreadState     *ts,
                                 GError           **error);
/* The task is done with Python: drops the GIL (FINISHED) if held. */
void     jg_thread_state_leave  (JgThreadState     *ts);
/* The eval breaker: answers a pending drop request (drop, wait, take again)
 * and notices a stop. FALSE (G_IO_ERROR_CANCELLED) if the run was stopped. */
gboolean jg_thread_state_checkpoint (JgThreadState *ts,
                                     GError       **error);
/* Py_BEGIN_ALLOW_THREADS before a blocking call: emits SUSPEND(@reason) and
 * drops the GIL (IO). */
void     jg_thread_state_allow_threads (JgThreadState   *ts,
                                        JgSuspendReason  reason);
/* Py_END_ALLOW_THREADS: takes the GIL back (waiting for it if need be) and
 * emits RUN. FALSE (G_IO_ERROR_CANCELLED) if stopped first. */
gboolean jg_thread_state_end_allow_threads (JgThreadState *ts,
                                            GError       **error);
gboolean jg_thread_state_holds_gil (JgThreadState *ts);

/* A cpu step: @ms of calibrated work (times the interpreter's CPU factor), in
 * slices with a checkpoint between each. With @releases_gil it runs without
 * the GIL, like NumPy's C loops, and takes it back at the end. */
gboolean jg_thread_state_cpu    (JgThreadState     *ts,
                                 double             ms,
                                 gboolean           releases_gil,
                                 GError           **error);
/* An io step: releases the GIL, emits SUSPEND(SLEEP or IO) and IO_BEGIN, does
 * the real blocking work for about @ms, emits IO_END and takes the GIL back. */
gboolean jg_thread_state_io     (JgThreadState     *ts,
                                 JgIoKind           kind,
                                 double             ms,
                                 GError           **error);
/* A block step: a blocking sleep made where it should not be. Under threads it
 * behaves as time.sleep () does: the GIL is released around it. */
gboolean jg_thread_state_block  (JgThreadState     *ts,
                                 double             ms,
                                 GError           **error);

/* Sleeps @ms on CLOCK_MONOTONIC (ppoll), waking early only if @cancellable is
 * cancelled (then FALSE with G_IO_ERROR_CANCELLED). */
gboolean jg_sleep_ms            (double             ms,
                                 GCancellable      *cancellable,
                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgInterpreter, jg_interpreter_free)

G_END_DECLS
