/* jg-state-bar.h: a horizontal bar splitting a run's task time by state.
 *
 * One segment per state, as wide as that state's share of the time all tasks
 * spent (Done excluded), in the order of JgTaskState: Running first, then the
 * waits. Draws on any cairo_t: a widget, an image in a test, an export. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "jg-metrics.h"

G_BEGIN_DECLS

void         jg_state_bar_draw (cairo_t         *cr,
                                const JgMetrics *metrics,
                                double           width,
                                double           height,
                                gboolean         dark);
/* The state whose segment covers @x in a bar @width wide, or JG_N_STATES when
 * @x falls outside every segment (or the run has no task time). */
JgTaskState  jg_state_bar_hit  (const JgMetrics *metrics,
                                double           width,
                                double           x);
/* The total the bar splits: task time in every state but Done. */
guint64      jg_state_bar_total_ns (const JgMetrics *metrics);

G_END_DECLS
