/* jg-trace-summary.h: the summary page of one trace: what was run, its metrics
 * with concurrency and parallelism first, time by state, results and tasks. */
#pragma once

#include <gtk/gtk.h>

#include "jg-metrics.h"
#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

/* Tasks beyond this many are counted but not listed: a grid of labels is not
 * the place for ten thousand coroutines. */
#define JG_TRACE_SUMMARY_MAX_TASK_ROWS 200

#define JG_TYPE_TRACE_SUMMARY (jg_trace_summary_get_type ())
G_DECLARE_FINAL_TYPE (JgTraceSummary, jg_trace_summary, JG, TRACE_SUMMARY, GtkWidget)

GtkWidget *jg_trace_summary_new       (void);
JgTrace   *jg_trace_summary_get_trace (JgTraceSummary  *self);
/* Shows @trace. @spans and @metrics must be derived from it; they are read
 * now and not kept. */
void       jg_trace_summary_set_trace (JgTraceSummary  *self,
                                       JgTrace         *trace,
                                       JgSpans         *spans,
                                       const JgMetrics *metrics);

G_END_DECLS
