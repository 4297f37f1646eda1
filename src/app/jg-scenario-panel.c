/* jg-scenario-panel.c: builds the parameter rows from the scenario's
 * definitions each time the scenario changes, and reports edits with the
 * "changed" signal. */
#define G_LOG_DOMAIN "jg-scenario-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "jg-scenario-panel.h"

struct _JgScenarioPanel
{
  GtkWidget    parent_instance;

  JgScenario  *scenario;
  GPtrArray   *editors;   /* one per parameter, in order */
  gboolean     updating;  /* setting values ourselves: not an edit */

  /* Template widgets */
  GtkLabel    *title_label;
  GtkLabel    *seed_label;
  GtkLabel    *idea_label;
  GtkWidget   *parameters_heading;
  GtkGrid     *parameters_grid;
  GtkWidget   *no_parameters_label;
  GtkWidget   *reset_button;
};

G_DEFINE_FINAL_TYPE (JgScenarioPanel, jg_scenario_panel, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (JgScenarioPanel *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_editor_changed (JgScenarioPanel *self)
{
  emit_changed (self);
}

/* A double's digits: enough to step through a small range. */
static guint
param_digits (const JgScenarioParam *param)
{
  if (param->type != JG_PARAM_DOUBLE)
    return 0;
  return param->max - param->min <= 10 ? 2 : 1;
}

static GtkWidget *
editor_new (JgScenarioPanel       *self,
            const JgScenarioParam *param)
{
  GtkWidget *editor;

  if (param->type == JG_PARAM_BOOL)
    {
      editor = gtk_switch_new ();
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      gtk_widget_set_halign (editor, GTK_ALIGN_START);
      g_signal_connect_object (editor, "notify::active", G_CALLBACK (on_editor_changed), self,
                               G_CONNECT_SWAPPED);
    }
  else
    {
      double range = param->max - param->min;
      double step = param->type == JG_PARAM_INT ? 1 : (range <= 10 ? 0.1 : 1);
      double page = param->type == JG_PARAM_INT ? MAX (1, round (range / 10)) : MAX (step, range / 10);
      GtkAdjustment *adjustment = gtk_adjustment_new (param->default_value, param->min, param->max,
                                                      step, page, 0);

      editor = gtk_spin_button_new (adjustment, step, param_digits (param));
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (editor), TRUE);
          /* Typed values snap into the range rather than being refused. */
      gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (editor), GTK_UPDATE_ALWAYS);
      gtk_editable_set_width_chars (GTK_EDITABLE (editor), 6);
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      g_signal_connect_object (editor, "value-changed", G_CALLBACK (on_editor_changed), self,
                               G_CONNECT_SWAPPED);
    }

  g_object_set_data (G_OBJECT (editor), "jg-param", (gpointer) param);
  gtk_widget_set_tooltip_text (editor, param->name);
  return editor;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
rebuild_parameters (JgScenarioPanel *self)
{
  guint n = self->scenario != NULL ? jg_scenario_get_n_params (self->scenario) : 0;

  clear_grid (self->parameters_grid);
  g_ptr_array_set_size (self->editors, 0);

  for (guint i = 0; i < n; i++)
    {
      const JgScenarioParam *param = jg_scenario_get_param (self->scenario, i);
      GtkWidget *label = gtk_label_new (param->label != NULL ? param->label : param->name);
      GtkWidget *editor = editor_new (self, param);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), editor);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (label, "param-label");

      gtk_box_append (GTK_BOX (box), editor);
      if (param->type != JG_PARAM_BOOL && param->unit != NULL && *param->unit != '\0')
        {
          GtkWidget *unit = gtk_label_new (param->unit);

          gtk_widget_add_css_class (unit, "dim-label");
          gtk_box_append (GTK_BOX (box), unit);
        }

      gtk_grid_attach (self->parameters_grid, label, 0, i, 1, 1);
      gtk_grid_attach (self->parameters_grid, box, 1, i, 1, 1);
      g_ptr_array_add (self->editors, editor);
    }

  gtk_widget_set_visible (self->no_parameters_label, self->scenario != NULL && n == 0);
  gtk_widget_set_visible (self->reset_button, n > 0);
}

static gboolean
value_in_range (const JgScenarioParam *param,
                JsonNode              *node,
                double                *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (param->type == JG_PARAM_BOOL)
    {
      if (type != G_TYPE_BOOLEAN)
        return FALSE;
      *value = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }

  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;

  return *value >= param->min && *value <= param->max;
}

static void
set_editor_value (GtkWidget *editor,
                  double     value)
{
  if (GTK_IS_SWITCH (editor))
    gtk_switch_set_active (GTK_SWITCH (editor), value != 0);
  else
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), value);
}

static void
jg_scenario_panel_apply_values (JgScenarioPanel *self,
                                JsonObject      *values)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      GtkWidget *editor = g_ptr_array_index (self->editors, i);
      const JgScenarioParam *param = g_object_get_data (G_OBJECT (editor), "jg-param");
      double value = param->default_value;

      if (values != NULL && !value_in_range (param, json_object_get_member (values, param->name), &value))
        value = param->default_value;
      set_editor_value (editor, value);
    }
}

static void
reset_clicked_cb (JgScenarioPanel *self)
{
  jg_scenario_panel_reset (self);
}

static void
jg_scenario_panel_dispose (GObject *object)
{
  JgScenarioPanel *self = JG_SCENARIO_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_SCENARIO_PANEL);
  /* The template's root has no id: unparent it by hand. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->editors, g_ptr_array_unref);
  g_clear_pointer (&self->scenario, jg_scenario_unref);

  G_OBJECT_CLASS (jg_scenario_panel_parent_class)->dispose (object);
}

static void
jg_scenario_panel_class_init (JgScenarioPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_scenario_panel_dispose;

  /**
   * JgScenarioPanel::changed:
   *
   * The user changed a parameter.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scenariopanel");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-scenario-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, seed_label);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, idea_label);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, parameters_heading);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, parameters_grid);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, no_parameters_label);
  gtk_widget_class_bind_template_child (widget_class, JgScenarioPanel, reset_button);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
jg_scenario_panel_init (JgScenarioPanel *self)
{
  self->editors = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
jg_scenario_panel_new (void)
{
  return g_object_new (JG_TYPE_SCENARIO_PANEL, NULL);
}

void
jg_scenario_panel_set_scenario (JgScenarioPanel *self,
                                JgScenario      *scenario,
                                JsonObject      *values)
{
  /* Kept until its editors, which point at its parameters, are gone. */
  g_autoptr(JgScenario) old = NULL;
  const char *idea;
  const char *seed;

  g_return_if_fail (JG_IS_SCENARIO_PANEL (self));

  old = g_steal_pointer (&self->scenario);
  self->scenario = scenario != NULL ? jg_scenario_ref (scenario) : NULL;

  self->updating = TRUE;

  gtk_label_set_label (self->title_label, scenario != NULL ? jg_scenario_get_title (scenario) : "");
  seed = scenario != NULL ? jg_scenario_get_seed (scenario) : NULL;
  gtk_label_set_label (self->seed_label, seed != NULL ? seed : "");
  gtk_widget_set_visible (GTK_WIDGET (self->seed_label), seed != NULL && *seed != '\0');
  idea = scenario != NULL ? jg_scenario_get_idea (scenario) : NULL;
  gtk_label_set_label (self->idea_label, idea != NULL ? idea : "");
  gtk_widget_set_visible (GTK_WIDGET (self->idea_label), idea != NULL && *idea != '\0');
  gtk_widget_set_visible (self->parameters_heading, scenario != NULL);

  rebuild_parameters (self);
  jg_scenario_panel_apply_values (self, values);

  self->updating = FALSE;
}

JgScenario *
jg_scenario_panel_get_scenario (JgScenarioPanel *self)
{
  g_return_val_if_fail (JG_IS_SCENARIO_PANEL (self), NULL);

  return self->scenario;
}

JsonObject *
jg_scenario_panel_dup_values (JgScenarioPanel *self)
{
  JsonObject *values;

  g_return_val_if_fail (JG_IS_SCENARIO_PANEL (self), NULL);

  values = json_object_new ();
  for (guint i = 0; i < self->editors->len; i++)
    {
      GtkWidget *editor = g_ptr_array_index (self->editors, i);
      const JgScenarioParam *param = g_object_get_data (G_OBJECT (editor), "jg-param");

      switch (param->type)
        {
        case JG_PARAM_BOOL:
          json_object_set_boolean_member (values, param->name, gtk_switch_get_active (GTK_SWITCH (editor)));
          break;

        case JG_PARAM_INT:
          json_object_set_int_member (values, param->name,
                                      gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor)));
          break;

        case JG_PARAM_DOUBLE:
        default:
          json_object_set_double_member (values, param->name,
                                         gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor)));
          break;
        }
    }

  return values;
}

void
jg_scenario_panel_reset (JgScenarioPanel *self)
{
  g_return_if_fail (JG_IS_SCENARIO_PANEL (self));

  self->updating = TRUE;
  jg_scenario_panel_apply_values (self, NULL);
  self->updating = FALSE;
  emit_changed (self);
}

GtkWidget *
jg_scenario_panel_get_editor (JgScenarioPanel *self,
                              const char      *name)
{
  g_return_val_if_fail (JG_IS_SCENARIO_PANEL (self), NULL);

  for (guint i = 0; i < self->editors->len; i++)
    {
      GtkWidget *editor = g_ptr_array_index (self->editors, i);
      const JgScenarioParam *param = g_object_get_data (G_OBJECT (editor), "jg-param");

      if (g_strcmp0 (param->name, name) == 0)
        return editor;
    }

  return NULL;
}
