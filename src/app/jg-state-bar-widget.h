/* jg-state-bar-widget.h: the time-by-state bar as a widget, and the colour
 * swatches of its legend. */
#pragma once

#include <gtk/gtk.h>

#include "jg-metrics.h"

G_BEGIN_DECLS

#define JG_TYPE_STATE_BAR_WIDGET (jg_state_bar_widget_get_type ())
G_DECLARE_FINAL_TYPE (JgStateBarWidget, jg_state_bar_widget, JG, STATE_BAR_WIDGET, GtkWidget)

GtkWidget       *jg_state_bar_widget_new         (void);
/* Copies what the bar needs from @metrics; NULL empties the bar. */
void             jg_state_bar_widget_set_metrics (JgStateBarWidget *self,
                                                  const JgMetrics  *metrics);
/* A small square of @state's colour, for legends and table headings. */
GtkWidget       *jg_state_swatch_new             (JgTaskState       state);

G_END_DECLS
