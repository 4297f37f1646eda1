/* jg-scenario-panel.h: the side panel: what the chosen scenario teaches, and
 * its parameters as widgets made from their definitions (spin buttons with
 * their ranges and units, switches for yes/no). */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "jg-scenario.h"

G_BEGIN_DECLS

#define JG_TYPE_SCENARIO_PANEL (jg_scenario_panel_get_type ())
G_DECLARE_FINAL_TYPE (JgScenarioPanel, jg_scenario_panel, JG, SCENARIO_PANEL, GtkWidget)

GtkWidget  *jg_scenario_panel_new          (void);
/* Shows @scenario with @values (name -> number or boolean; NULL, missing or
 * out-of-range values take the defaults). Emits no "changed". */
void        jg_scenario_panel_set_scenario (JgScenarioPanel *self,
                                            JgScenario      *scenario,
                                            JsonObject      *values);
JgScenario *jg_scenario_panel_get_scenario (JgScenarioPanel *self);
/* Every parameter's value now, as jg_scenario_instantiate () takes them. */
JsonObject *jg_scenario_panel_dup_values   (JgScenarioPanel *self);
/* Back to the scenario's defaults; emits "changed". */
void        jg_scenario_panel_reset        (JgScenarioPanel *self);
/* The spin button or switch of parameter @name, or NULL. */
GtkWidget  *jg_scenario_panel_get_editor   (JgScenarioPanel *self,
                                            const char      *name);

G_END_DECLS
