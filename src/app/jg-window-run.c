/* jg-window-run.c: the window's scenarios and runs. The header bar chooses a
 * scenario (built-in or a user's file), a model the scenario allows, workers,
 * the interpreter and its switch interval; Run starts a JgRun, which never
 * blocks: the canvas follows its trace every frame, the metrics strip is
 * recomputed a few times a second, and the run's "finished" signal hands over
 * the end. The speedup compares with a sequential run of the same scenario
 * and parameters, measured here once (after the run, so the two do not share
 * the cores) and kept for the session. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-compare-window.h"
#include "jg-format.h"
#include "jg-gil.h"
#include "jg-names.h"
#include "jg-window-private.h"

/* How often the strip is refreshed while a run goes on, at the most. */
#define METRICS_INTERVAL_MS 250

/* Scenarios */

static gboolean
key_is_file (const char *key)
{
  /* Built-in ids are letters, digits, '-' and '_'; user files are URIs. */
  return key != NULL && strchr (key, ':') != NULL;
}

/* A scenario the chooser offers, and how it is known. */
typedef struct
{
  JgScenario *scenario;
  char       *key;      /* a built-in's id, or the file's URI */
} Entry;

static Entry *
entry_new (JgScenario *scenario,
           const char *key)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->scenario = jg_scenario_ref (scenario);
  entry->key = g_strdup (key);
  return entry;
}

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->scenario, jg_scenario_unref);
  g_free (entry->key);
  g_free (entry);
}

static Entry *
find_entry (JgWindow   *self,
            const char *key)
{
  if (key == NULL || *key == '\0')
    return NULL;

  for (guint i = 0; i < self->scenarios->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->scenarios, i);

      if (g_str_equal (entry->key, key))
        return entry;
    }

  return NULL;
}

static GMenuItem *
scenario_menu_item (const char *title,
                    const char *key)
{
  GMenuItem *item = g_menu_item_new (title, NULL);

  g_menu_item_set_action_and_target_value (item, "win.scenario", g_variant_new_string (key));
  return item;
}

static void
rebuild_user_section (JgWindow *self)
{
  g_menu_remove_all (self->user_section);

  for (guint i = 0; i < self->scenarios->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->scenarios, i);
      g_autoptr(GMenuItem) item = NULL;

      if (!key_is_file (entry->key))
        continue;
      item = scenario_menu_item (jg_scenario_get_title (entry->scenario), entry->key);
      g_menu_append_item (self->user_section, item);
    }
}

static JgModel
selected_model (JgWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->model_dropdown);

  /* Asked before the models are listed, while the template is being built. */
  if (self->models == NULL || selected >= self->models->len)
    return JG_N_MODELS;
  return g_array_index (self->models, JgModel, selected);
}

static void
update_run_widgets (JgWindow *self)
{
  const char *model = jg_model_name (selected_model (self));
  JgInterpreterMode mode = gtk_drop_down_get_selected (self->interpreter_dropdown);

  /* One thread, or one event loop: no pool to size. */
  gtk_widget_set_sensitive (self->workers_box,
                            model != NULL && !g_str_equal (model, "sequential") && !g_str_equal (model, "asyncio"));
  /* Without a GIL there is nothing to switch. */
  gtk_widget_set_sensitive (self->switch_interval_box, mode != JG_INTERPRETER_FREE_THREADED);
}

/* The models this build has that @scenario allows, in the build's order. */
static void
update_models (JgWindow *self)
{
  const char * const *allowed = jg_scenario_get_models (self->scenario);
  const char *fallback = jg_scenario_get_default_model (self->scenario);
  JgModel previous = selected_model (self);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint select = GTK_INVALID_LIST_POSITION;

  g_array_set_size (self->models, 0);
  for (guint m = 0; m < JG_N_MODELS; m++)
    {
      const char *name = jg_model_name (m);

      if (allowed != NULL && !g_strv_contains (allowed, name))
        continue;
      g_array_append_val (self->models, m);
      gtk_string_list_append (names, jg_model_display_name (name));
    }

  /* Keep the model chosen if this scenario has it too; else its default. */
  for (guint i = 0; i < self->models->len; i++)
    {
      JgModel m = g_array_index (self->models, JgModel, i);

      if (m == previous)
        select = i;
      else if (select == GTK_INVALID_LIST_POSITION && g_strcmp0 (jg_model_name (m), fallback) == 0)
        select = i;
    }
  if (select == GTK_INVALID_LIST_POSITION && self->models->len > 0)
    select = 0;

  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->model_dropdown, select);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), self->models->len > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_dropdown),
                               self->models->len > 0
                               ? _("Concurrency model: how the tasks are run")
                               : _("This build has none of the models this scenario is written for"));
  update_run_widgets (self);
}

static void
save_parameters (JgWindow *self)
{
  g_autoptr(JsonObject) values = jg_scenario_panel_dup_values (self->panel);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), values);
  g_autofree char *text = json_to_string (node, FALSE);

  if (self->scenario_key != NULL)
    g_hash_table_replace (self->session_values, g_strdup (self->scenario_key), json_object_ref (values));
  g_settings_set_string (self->settings, "last-parameters", text);
}

static void
on_panel_changed (JgWindow *self)
{
  save_parameters (self);
}

const char *
_jg_window_get_scenario_key (JgWindow *self)
{
  return self->scenario_key != NULL ? self->scenario_key : "";
}

gboolean
_jg_window_select_scenario (JgWindow   *self,
                            const char *key)
{
  Entry *entry = find_entry (self, key);
  JgScenario *scenario;
  JsonObject *values;
  g_autofree char *empty_title = NULL;

  if (entry == NULL)
    return FALSE;
  scenario = entry->scenario;

  self->scenario = scenario;
  g_free (self->scenario_key);
  self->scenario_key = g_strdup (key);

  /* What was used with it this session, or at the last start. */
  values = g_hash_table_lookup (self->session_values, key);
  if (values == NULL && g_strcmp0 (key, self->saved_key) == 0)
    values = self->saved_values;
  jg_scenario_panel_set_scenario (self->panel, scenario, values);

  gtk_menu_button_set_label (self->scenario_button, jg_scenario_get_title (scenario));
  update_models (self);

  g_settings_set_string (self->settings, "last-scenario", key);
  save_parameters (self);

  /* Translators: the welcome card's title, with the chosen scenario */
  empty_title = g_strdup_printf (_("Press Run to Watch “%s” Live"), jg_scenario_get_title (scenario));
  gtk_label_set_label (self->empty_title_label, empty_title);

  _jg_window_update_heading (self);
  _jg_window_update_actions (self);
  return TRUE;
}

static void
on_model_changed (JgWindow *self)
{
  update_run_widgets (self);
}

static void
on_interpreter_changed (JgWindow *self)
{
  update_run_widgets (self);
}

/* 0 workers: one per task, as a thread per task does. */
static gboolean
on_workers_output (JgWindow      *self,
                   GtkSpinButton *spin)
{
  int workers = gtk_spin_button_get_value_as_int (spin);

  if (workers != 0)
    return FALSE;

  /* Translators: the workers spin button at 0: one worker per task */
  gtk_editable_set_text (GTK_EDITABLE (spin), _("auto"));
  return TRUE;
}

static int
on_workers_input (JgWindow      *self,
                  double        *new_value,
                  GtkSpinButton *spin)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double value;

  if (g_ascii_strcasecmp (text, _("auto")) == 0 || *text == '\0')
    {
      *new_value = 0;
      return TRUE;
    }

  value = g_ascii_strtod (text, &end);
  if (end == text)
    return GTK_INPUT_ERROR;
  *new_value = value;
  return TRUE;
}

/* Slow motion: the drop-down's rows, in the order of the "time-scale"
 * setting's choices. */
static const char * const time_scales[] = { "1", "10", "100", "1000" };

static gboolean
time_scale_to_row (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *scale = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (time_scales); i++)
    if (g_str_equal (scale, time_scales[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
row_to_time_scale (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint row = g_value_get_uint (value);

  return row < G_N_ELEMENTS (time_scales) ? g_variant_new_string (time_scales[row]) : NULL;
}

static double
selected_time_scale (JgWindow *self)
{
  g_autofree char *scale = g_settings_get_string (self->settings, "time-scale");
  double value = g_ascii_strtod (scale, NULL);

  return value >= JG_TIME_SCALE_MIN && value <= JG_TIME_SCALE_MAX ? value : 1.0;
}

/* The drop-down and win.time-scale (presenter mode's way to change it) both
 * follow the setting, so a change from either shows in the other. */
static void
init_time_scale (JgWindow *self)
{
  GObject *dropdown = gtk_widget_get_template_child (GTK_WIDGET (self), JG_TYPE_WINDOW, "time_scale_dropdown");
  g_autoptr(GAction) action = g_settings_create_action (self->settings, "time-scale");

  g_action_map_add_action (G_ACTION_MAP (self), action);
  g_settings_bind_with_mapping (self->settings, "time-scale", dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                time_scale_to_row, row_to_time_scale, NULL, NULL);
}

static void
on_default_interval_changed (JgWindow *self)
{
  gtk_spin_button_set_value (self->switch_interval_spin,
                             g_settings_get_double (self->settings, "switch-interval"));
}

/* Runs */

gboolean
_jg_window_is_running (JgWindow *self)
{
  return self->running;
}

static void
stop_metrics (JgWindow *self)
{
  g_clear_handle_id (&self->metrics_source, g_source_remove);
}

static gboolean
metrics_timeout_cb (gpointer data);

static void
schedule_metrics (JgWindow *self)
{
  stop_metrics (self);
  self->metrics_source = g_timeout_add (self->metrics_interval_ms, metrics_timeout_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->metrics_source),
                            "[juggler] live metrics");
}

static gboolean
metrics_timeout_cb (gpointer data)
{
  JgWindow *self = data;
  gint64 start = g_get_monotonic_time ();
  guint cost_ms;

  self->metrics_source = 0;

  jg_canvas_update (self->canvas);
  _jg_window_refresh_metrics (self, FALSE);

  /* The metrics walk every span so far: if that grows slow, ask less often. */
  cost_ms = (guint) ((g_get_monotonic_time () - start) / 1000);
  self->metrics_interval_ms = MAX (METRICS_INTERVAL_MS, cost_ms * 10);
  schedule_metrics (self);

  return G_SOURCE_REMOVE;
}

static void
stop_baseline (JgWindow *self)
{
  if (self->baseline_run == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->baseline_run, self);
  jg_run_stop (self->baseline_run);
  g_clear_object (&self->baseline_run);
  g_clear_pointer (&self->baseline_key, g_free);
}

void
_jg_window_drop_run (JgWindow *self)
{
  stop_metrics (self);
  stop_baseline (self);

  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      jg_run_stop (self->run);
      g_clear_object (&self->run);
    }
  self->running = FALSE;
  g_clear_pointer (&self->run_key, g_free);
  g_clear_pointer (&self->run_scenario, jg_scenario_unref);
  g_clear_pointer (&self->run_parameters, json_object_unref);
}

static void
store_baseline (JgWindow   *self,
                const char *key,
                gint64      wall_ns)
{
  g_hash_table_replace (self->baselines, g_strdup (key), g_memdup2 (&wall_ns, sizeof wall_ns));
}

static void
on_baseline_finished (JgRun    *run,
                      JgWindow *self)
{
  g_autofree char *key = g_steal_pointer (&self->baseline_key);
  JgRunStatus status = jg_run_get_status (run);

  g_signal_handlers_disconnect_by_data (run, self);
  g_clear_object (&self->baseline_run);

  /* Baselines are real times: the sequential run goes at normal speed. */
  if (status == JG_RUN_COMPLETED)
    store_baseline (self, key, (gint64) (jg_trace_get_duration_ns (jg_run_get_trace (run))
                                         / jg_trace_get_time_scale (jg_run_get_trace (run))));
  else if (status != JG_RUN_STOPPED)
    store_baseline (self, key, -1);

  if (g_strcmp0 (key, self->run_key) == 0)
    _jg_window_update_speedup (self);
}

/* Runs the scenario of the run shown sequentially, with the same parameters,
 * under the ordinary GIL: Python's plain loop. */
static gboolean
start_baseline (JgWindow *self)
{
  g_autoptr(JgScenarioPlan) plan = NULL;
  g_autoptr(JgRun) run = NULL;
  g_autoptr(GError) error = NULL;
  JgRunOptions options;

  stop_baseline (self);

  if (self->run_scenario == NULL
      || !(plan = jg_scenario_instantiate (self->run_scenario, self->run_parameters, &error)))
    {
      store_baseline (self, self->run_key, -1);
      return FALSE;
    }

  jg_run_options_init (&options);
  options.model = JG_MODEL_SEQUENTIAL;
  options.workers = 1;
  options.interpreter = JG_INTERPRETER_GIL;
  options.switch_interval_ms = JG_GIL_DEFAULT_INTERVAL_MS;

  run = jg_run_new (plan, &options);
  jg_run_set_definition (run, jg_scenario_get_definition (self->run_scenario));
  g_signal_connect (run, "finished", G_CALLBACK (on_baseline_finished), self);
  if (!jg_run_start (run, &error))
    {
      g_debug ("The sequential run could not start: %s", error->message);
      g_signal_handlers_disconnect_by_data (run, self);
      store_baseline (self, self->run_key, -1);
      return FALSE;
    }

  self->baseline_run = g_steal_pointer (&run);
  self->baseline_key = g_strdup (self->run_key);
  return TRUE;
}

static gboolean
trace_is_baseline (JgTrace *trace)
{
  const JgRunInfo *info = jg_trace_get_run_info (trace);

  return g_strcmp0 (info->model, "sequential") == 0 && g_strcmp0 (info->interpreter, "gil") == 0;
}

void
_jg_window_update_speedup (JgWindow *self)
{
  JgRun *run = jg_window_get_run (self);
  gint64 *baseline;
  g_autofree char *value = NULL;
  g_autofree char *baseline_text = NULL;
  g_autofree char *detail = NULL;

  if (self->trace == NULL)
    {
      jg_metrics_strip_set_speedup (self->strip, "—", NULL);
      return;
    }

  if (self->running || jg_canvas_get_live (self->canvas))
    {
      jg_metrics_strip_set_speedup (self->strip, "—", _("known when the run ends"));
      return;
    }

  if (run == NULL)
    {
      /* A file's trace: its own machine, its own times. */
      if (trace_is_baseline (self->trace))
        jg_metrics_strip_set_speedup (self->strip, jg_format_speedup (1.0), _("this is the sequential run"));
      else
        jg_metrics_strip_set_speedup (self->strip, "—", _("run it here to compare"));
      return;
    }

  switch (jg_run_get_status (run))
    {
    case JG_RUN_COMPLETED:
      break;
    case JG_RUN_STOPPED:
      jg_metrics_strip_set_speedup (self->strip, "—", _("the run was stopped"));
      return;
    case JG_RUN_DEADLOCKED:
      jg_metrics_strip_set_speedup (self->strip, "—", _("the run deadlocked"));
      return;
    case JG_RUN_READY:
    case JG_RUN_RUNNING:
    case JG_RUN_FAILED:
    case JG_RUN_N_STATUSES:
    default:
      jg_metrics_strip_set_speedup (self->strip, "—", _("the run did not finish"));
      return;
    }

  if ((baseline = g_hash_table_lookup (self->baselines, self->run_key)) != NULL)
    {
      if (*baseline < 0)
        {
          jg_metrics_strip_set_speedup (self->strip, "—", _("the sequential run could not finish"));
          return;
        }

      /* Slow motion: real against real time. */
      value = jg_format_speedup ((double) *baseline * MAX (self->metrics->time_scale, 1.0)
                                 / (double) self->metrics->wall_ns);
      if (trace_is_baseline (self->trace))
        {
          detail = g_strdup (_("this is the sequential run"));
        }
      else
        {
          baseline_text = jg_format_duration ((guint64) *baseline);
          /* Translators: under the speedup: the sequential run's wall time */
          detail = g_strdup_printf (_("sequential run: %s"), baseline_text);
        }
      jg_metrics_strip_set_speedup (self->strip, value, detail);
      return;
    }

  if ((self->baseline_run != NULL && g_strcmp0 (self->baseline_key, self->run_key) == 0)
      || start_baseline (self))
    /* Translators: the speedup while the sequential run it needs is measured */
    jg_metrics_strip_set_speedup (self->strip, _("measuring…"), _("running it sequentially"));
  else
    jg_metrics_strip_set_speedup (self->strip, "—", _("the sequential run could not start"));
}

static void
on_run_finished (JgRun    *run,
                 JgWindow *self)
{
  g_assert (run == self->run);

  self->running = FALSE;
  stop_metrics (self);

  /* Whatever the frame clock has not drawn yet, and the final numbers. */
  jg_canvas_update (self->canvas);
  _jg_window_refresh_metrics (self, TRUE);
  /* Nothing recorded is lost: the whole run, saved once more. */
  _jg_window_autosave_finish (self);

  if (jg_run_get_status (run) == JG_RUN_COMPLETED && trace_is_baseline (jg_run_get_trace (run)))
    store_baseline (self, self->run_key, (gint64) (self->metrics->wall_ns / MAX (self->metrics->time_scale, 1.0)));

  _jg_window_update_heading (self);
  _jg_window_update_actions (self);
  _jg_window_update_speedup (self);
}

static char *
make_run_key (const char *scenario,
              JsonObject *parameters)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), parameters);
  g_autofree char *json = json_to_string (node, FALSE);

  return g_strdup_printf ("%s\n%s", scenario, json);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JgScenarioPlan) plan = NULL;
  g_autoptr(JgRun) run = NULL;
  g_autoptr(GError) error = NULL;
  JgRunOptions options;

  if (self->running || self->scenario == NULL || selected_model (self) >= JG_N_MODELS)
    return;

  values = jg_scenario_panel_dup_values (self->panel);
  if (!(plan = jg_scenario_instantiate (self->scenario, values, &error)))
    {
      g_autofree char *title = g_strdup_printf (_("Could not run “%s”"), jg_scenario_get_title (self->scenario));

      _jg_window_show_error (self, title, error->message);
      return;
    }

  jg_run_options_init (&options);
  options.model = selected_model (self);
  options.workers = (guint) gtk_spin_button_get_value_as_int (self->workers_spin);
  options.interpreter = gtk_drop_down_get_selected (self->interpreter_dropdown);
  options.switch_interval_ms = gtk_spin_button_get_value (self->switch_interval_spin);
  options.start_method = self->start_method; /* as the lesson step says (jg-window-lesson.c) */
  options.time_scale = selected_time_scale (self);

  run = jg_run_new (plan, &options);
  jg_run_set_definition (run, jg_scenario_get_definition (self->scenario));
  g_signal_connect (run, "finished", G_CALLBACK (on_run_finished), self);

  /* A trace still loading would replace the run as soon as it arrives. */
  if (self->load_cancellable != NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      _jg_window_update_loading (self, NULL);
    }
  _jg_window_drop_run (self);

  if (!jg_run_start (run, &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not run “%s”"), jg_scenario_get_title (self->scenario));

      g_signal_handlers_disconnect_by_data (run, self);
      _jg_window_show_error (self, title, error->message);
      return;
    }

  self->run = g_steal_pointer (&run);
  self->running = TRUE;
  self->run_key = make_run_key (self->scenario_key, plan->parameters);
  self->run_scenario = jg_scenario_ref (self->scenario);
  self->run_parameters = json_object_ref (plan->parameters);

  _jg_window_dismiss_error (self);
  _jg_window_show_trace (self, jg_run_get_trace (self->run), NULL, NULL, NULL);
  _jg_window_autosave_start (self, jg_run_get_trace (self->run));

  self->metrics_interval_ms = METRICS_INTERVAL_MS;
  schedule_metrics (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  /* Tasks end as cancelled; "finished" follows shortly and keeps the trace. */
  if (self->running)
    jg_run_stop (self->run);
}

/* Compare mode: the scenario and parameters shown, under every model it is
 * meant for, in a window of its own. */
static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  if (self->running || self->scenario == NULL)
    return;

  values = jg_scenario_panel_dup_values (self->panel);
  window = jg_compare_window_new (GTK_WINDOW (self));
  if (!jg_compare_window_start_scenario (JG_COMPARE_WINDOW (window), self->scenario, values,
                                         (guint) gtk_spin_button_get_value_as_int (self->workers_spin), &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not compare models on “%s”"),
                                                jg_scenario_get_title (self->scenario));

      gtk_window_destroy (GTK_WINDOW (window));
      _jg_window_show_error (self, title, error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (window));
}

/* User scenario files */

static void
open_scenario_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  JgWindow *self = JG_WINDOW (object);
  GTask *task = G_TASK (result);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(JgScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  Entry *old;

  if (self->scenario_cancellable == NULL || g_task_get_cancellable (task) != self->scenario_cancellable)
    return;

  g_clear_object (&self->scenario_cancellable);
  _jg_window_update_loading (self, NULL);

  if (!(scenario = g_task_propagate_pointer (task, &error)))
    {
      g_autofree char *name = _jg_window_file_display_name (file);
      g_autofree char *title = g_strdup_printf (_("Could not open the scenario “%s”"), name);

      _jg_window_show_error (self, title, error->message);
      return;
    }

  key = g_file_get_uri (file);

  /* Opened again: the new text replaces the old, parameters and all. */
  if ((old = find_entry (self, key)) != NULL)
    {
      if (self->scenario == old->scenario)
        self->scenario = NULL;
      g_ptr_array_remove (self->scenarios, old);
    }
  g_hash_table_remove (self->session_values, key);

  g_ptr_array_add (self->scenarios, entry_new (scenario, key));
  rebuild_user_section (self);

  _jg_window_dismiss_error (self);
  g_object_set (self, "scenario", key, NULL);
}

static void
load_scenario_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GError) error = NULL;
  JgScenario *scenario;

  if (!(scenario = jg_scenario_load (file, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, scenario, (GDestroyNotify) jg_scenario_unref);
}

void
jg_window_open_scenario (JgWindow *self,
                         GFile    *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->scenario_cancellable != NULL)
    {
      g_cancellable_cancel (self->scenario_cancellable);
      g_clear_object (&self->scenario_cancellable);
    }
  self->scenario_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->scenario_cancellable, open_scenario_cb, NULL);
  g_task_set_source_tag (task, jg_window_open_scenario);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_scenario_in_thread);

  _jg_window_update_loading (self, file);
}

static void
open_scenario_response_cb (JgWindow             *self,
                           int                   response,
                           GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        jg_window_open_scenario (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
open_scenario_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(GtkFileFilter) scenarios = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open a Scenario"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (scenarios, _("Scenarios (JSON)"));
  gtk_file_filter_add_pattern (scenarios, "*.json");
  gtk_file_filter_add_mime_type (scenarios, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), scenarios);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), scenarios);

  g_signal_connect_object (native, "response", G_CALLBACK (open_scenario_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Set-up */

static void
fill_interpreters (JgWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint mode = 0; mode < JG_INTERPRETER_N_MODES; mode++)
    gtk_string_list_append (names, jg_interpreter_display_name (jg_interpreter_mode_name (mode)));

  gtk_drop_down_set_model (self->interpreter_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->interpreter_dropdown, JG_INTERPRETER_GIL);
}

static void
load_builtins (JgWindow *self)
{
  g_autoptr(GPtrArray) builtins = NULL;
  g_autoptr(GError) error = NULL;

  if (!(builtins = jg_scenario_load_builtins (&error)))
    {
      _jg_window_show_error (self, _("Could not read the built-in scenarios"), error->message);
      return;
    }

  for (guint i = 0; i < builtins->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (builtins, i);
      g_autoptr(GMenuItem) item = scenario_menu_item (jg_scenario_get_title (scenario),
                                                      jg_scenario_get_id (scenario));

      g_ptr_array_add (self->scenarios, entry_new (scenario, jg_scenario_get_id (scenario)));
      g_menu_append_item (self->builtin_section, item);
    }
}

static void
restore_scenario (JgWindow *self)
{
  g_autofree char *saved_values = g_settings_get_string (self->settings, "last-parameters");
  g_autoptr(JsonNode) node = json_from_string (saved_values, NULL);

  self->saved_key = g_settings_get_string (self->settings, "last-scenario");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->saved_values = json_object_ref (json_node_get_object (node));

  if (_jg_window_select_scenario (self, self->saved_key))
    return;

  /* Built-ins first; a user file comes back once it has been read again. */
  if (self->scenarios->len > 0)
    {
      g_autofree char *saved_key = g_strdup (self->saved_key);

      Entry *first = g_ptr_array_index (self->scenarios, 0);

      _jg_window_select_scenario (self, first->key);
      if (key_is_file (saved_key))
        {
          g_autoptr(GFile) file = g_file_new_for_uri (saved_key);

          jg_window_open_scenario (self, file);
        }
    }
}

void
_jg_window_init_runs (JgWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) open_section = g_menu_new ();

  self->scenarios = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->session_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) json_object_unref);
  self->baselines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->models = g_array_new (FALSE, FALSE, sizeof (JgModel));
  self->metrics_interval_ms = METRICS_INTERVAL_MS;

  self->builtin_section = g_menu_new ();
  self->user_section = g_menu_new ();
  g_menu_append (open_section, _("Open _Scenario…"), "win.open-scenario");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (self->builtin_section));
  g_menu_append_section (menu, _("Opened"), G_MENU_MODEL (self->user_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (open_section));
  gtk_menu_button_set_menu_model (self->scenario_button, G_MENU_MODEL (menu));

  fill_interpreters (self);
  init_time_scale (self);
  on_default_interval_changed (self);
  g_signal_connect_object (self->settings, "changed::switch-interval",
                           G_CALLBACK (on_default_interval_changed), self, G_CONNECT_SWAPPED);

  load_builtins (self);
  restore_scenario (self);
}

void
_jg_window_dispose_runs (JgWindow *self)
{
  if (self->scenario_cancellable != NULL)
    {
      g_cancellable_cancel (self->scenario_cancellable);
      g_clear_object (&self->scenario_cancellable);
    }

  _jg_window_drop_run (self);
  /* The setting outlives the window: its action must not tell a window
   * that is gone about a change. */
  g_action_map_remove_action (G_ACTION_MAP (self), "time-scale");

  self->scenario = NULL;
  g_clear_pointer (&self->scenario_key, g_free);
  g_clear_pointer (&self->saved_key, g_free);
  g_clear_pointer (&self->saved_values, json_object_unref);
  g_clear_pointer (&self->scenarios, g_ptr_array_unref);
  g_clear_pointer (&self->session_values, g_hash_table_unref);
  g_clear_pointer (&self->baselines, g_hash_table_unref);
  g_clear_pointer (&self->models, g_array_unref);
  g_clear_object (&self->builtin_section);
  g_clear_object (&self->user_section);
}

void
_jg_window_class_init_runs (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_panel_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_model_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_interpreter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_workers_output);
  gtk_widget_class_bind_template_callback (widget_class, on_workers_input);
  /* Found with gtk_widget_get_template_child: no field of its own. */
  gtk_widget_class_bind_template_child_full (widget_class, "time_scale_dropdown", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.open-scenario", NULL, open_scenario_action);
}
