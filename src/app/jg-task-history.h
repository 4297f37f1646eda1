/* jg-task-history.h: the selected task's whole history beside the canvas:
 * where it ran, how long it spent in each state, and every span in order. */
#pragma once

#include <gtk/gtk.h>

#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_TYPE_TASK_HISTORY (jg_task_history_get_type ())
G_DECLARE_FINAL_TYPE (JgTaskHistory, jg_task_history, JG, TASK_HISTORY, GtkWidget)

GtkWidget *jg_task_history_new      (void);
/* Shows @task of @trace as @spans has it now (JG_LANE_NONE for nothing).
 * Call it again as the spans grow: rows already shown stay put. The spans
 * are read now and not kept. */
void       jg_task_history_set_task (JgTaskHistory *self,
                                     JgTrace       *trace,
                                     JgSpans       *spans,
                                     guint32        task);
guint32    jg_task_history_get_task (JgTaskHistory *self);
/* How many spans the list holds. */
guint      jg_task_history_get_n_spans (JgTaskHistory *self);

G_END_DECLS
