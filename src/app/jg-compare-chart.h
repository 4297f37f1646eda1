/* jg-compare-chart.h: the compare window's bar chart — one bar per contender,
 * as long as its wall time, in the contender's own colour, with its time and
 * speedup beside it. */
#pragma once

#include <gtk/gtk.h>

#include "jg-compare.h"
#include "jg-palette.h"

G_BEGIN_DECLS

#define JG_TYPE_COMPARE_CHART (jg_compare_chart_get_type ())
G_DECLARE_FINAL_TYPE (JgCompareChart, jg_compare_chart, JG, COMPARE_CHART, GtkWidget)

GtkWidget *jg_compare_chart_new          (void);
/* Shows @compare's contenders (NULL for none); call jg_compare_chart_update
 * whenever one of them starts or finishes. */
void       jg_compare_chart_set_compare  (JgCompareChart  *self,
                                          JgCompare       *compare);
void       jg_compare_chart_update       (JgCompareChart  *self);
/* Where contender @index's bar is drawn (widget coordinates); FALSE if it has
 * none (yet). */
gboolean   jg_compare_chart_get_bar      (JgCompareChart  *self,
                                          guint            index,
                                          graphene_rect_t *bar);

/* The colour of contender @index, the same in the chart and beside its canvas:
 * the colour-blind-safe palette, in order. */
JgRgba     jg_compare_contender_color    (guint            index);

G_END_DECLS
