/* jg-compare-window.h: one job run under several models, side by side — their
 * canvases stacked on one shared time axis, a bar chart of wall times and
 * speedups, concurrency and parallelism per model, and a sentence saying
 * which won and why beside the advisor's recommendation. What "Show me" in
 * the wizard and win.compare in the main window open. */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "jg-compare.h"
#include "jg-scenario.h"

G_BEGIN_DECLS

#define JG_TYPE_COMPARE_WINDOW (jg_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (JgCompareWindow, jg_compare_window, JG, COMPARE_WINDOW, GtkWindow)

/* An empty compare window, transient for @parent (may be NULL). */
GtkWidget *jg_compare_window_new          (GtkWindow        *parent);
/* Shows @compare's contenders and starts it; it must not have been started.
 * FALSE, showing nothing, if there is nothing to run. */
gboolean   jg_compare_window_start        (JgCompareWindow  *self,
                                           JgCompare        *compare,
                                           GError          **error);
/* Compare mode for the main window: @scenario with @values under every model
 * it is meant for (@workers in each pool, 0 for the models' defaults), with
 * the advisor's recommendation for the same job beside the winner. */
gboolean   jg_compare_window_start_scenario (JgCompareWindow *self,
                                           JgScenario       *scenario,
                                           JsonObject       *values,
                                           guint             workers,
                                           GError          **error);
JgCompare *jg_compare_window_get_compare  (JgCompareWindow  *self);
/* The canvas of contender @index, or NULL. */
GtkWidget *jg_compare_window_get_canvas   (JgCompareWindow  *self,
                                           guint             index);
/* The bar chart of wall times. */
GtkWidget *jg_compare_window_get_chart    (JgCompareWindow  *self);
/* The sentence saying which won and why: empty until the compare finishes. */
const char *jg_compare_window_get_sentence (JgCompareWindow *self);

G_END_DECLS
