/* jg-metrics-strip.h: the numbers under the canvas: concurrency and
 * parallelism side by side and big, then wall time, speedup, core use, GIL
 * hand-offs and waits, and the scenario's results in words. */
#pragma once

#include <gtk/gtk.h>

#include "jg-metrics.h"

G_BEGIN_DECLS

#define JG_TYPE_METRICS_STRIP (jg_metrics_strip_get_type ())
G_DECLARE_FINAL_TYPE (JgMetricsStrip, jg_metrics_strip, JG, METRICS_STRIP, GtkWidget)

GtkWidget *jg_metrics_strip_new          (void);
/* Shows @metrics; NULL shows dashes. */
void       jg_metrics_strip_set_metrics  (JgMetricsStrip  *self,
                                          const JgMetrics *metrics);
/* The speedup tile: a value ("3.42×", "measuring…", "—") and a line under
 * it saying against what, or why there is none. */
void       jg_metrics_strip_set_speedup  (JgMetricsStrip  *self,
                                          const char      *value,
                                          const char      *detail);
/* The scenario's own outcome, in words; NULL hides the line. */
void       jg_metrics_strip_set_outcome  (JgMetricsStrip  *self,
                                          const char      *outcome);

/* "3.42×": how much faster than the sequential run. */
char      *jg_format_speedup             (double           speedup);

G_END_DECLS
