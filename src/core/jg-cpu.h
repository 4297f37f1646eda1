/* jg-cpu.h: the computation behind a `cpu` step — a sum of squares, done for
 * real — and its calibration to "iterations per millisecond".
 *
 * The calibration is measured once per machine on an uncontended core (the
 * thread's own CPU time, best of several trials), kept in memory and in
 * $XDG_CACHE_HOME/juggler/calibration.json. A step of N ms is therefore a fixed
 * amount of work: on a contended core it takes longer, as Python code would. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Work between two eval-breaker checkpoints: CPython checks on every loop
 * back-edge; 50 µs slices answer a drop request well inside a switch interval. */
#define JG_CPU_SLICE_MS 0.05

/* Iterations of jg_cpu_spin per millisecond on one uncontended core.
 * Calibrates on the first call (tens of milliseconds); thread-safe. */
double   jg_cpu_get_iterations_per_ms (void);
/* The measured figure without the caches, for `juggler-cli bench`-style checks. */
double   jg_cpu_calibrate             (void);
/* Where the calibration is cached on disk. */
char    *jg_cpu_get_cache_path        (void);

/* Runs @iterations of the kernel starting from @state; returns the new state,
 * which the caller keeps so the work cannot be optimised away. */
guint64  jg_cpu_spin                  (guint64 iterations,
                                       guint64 state);

G_END_DECLS
