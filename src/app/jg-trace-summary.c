/* jg-trace-summary.c: fills the summary template from a trace, its spans and
 * its metrics. Everything here is computed once per opened trace; nothing is
 * live, so plain labels in grids are enough. */
#define G_LOG_DOMAIN "jg-trace-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-format.h"
#include "jg-names.h"
#include "jg-palette.h"
#include "jg-state-bar-widget.h"
#include "jg-state-bar.h"
#include "jg-trace-summary.h"

/* The wait states shown as columns of the task table, in this order. */
static const JgTaskState task_columns[] = {
  JG_STATE_RUNNING,
  JG_STATE_GIL_WAIT,
  JG_STATE_IO_WAIT,
  JG_STATE_LOCK_WAIT,
  JG_STATE_AWAITING,
};

struct _JgTraceSummary
{
  GtkWidget         parent_instance;

  JgTrace          *trace;

  /* Template widgets */
  GtkWidget        *page;
  GtkLabel         *title_label;
  GtkLabel         *synopsis_label;
  GtkLabel         *concurrency_label;
  GtkLabel         *concurrency_detail_label;
  GtkLabel         *parallelism_label;
  GtkLabel         *parallelism_detail_label;
  GtkLabel         *wall_time_label;
  GtkLabel         *cpu_time_label;
  GtkLabel         *utilisation_label;
  GtkLabel         *cores_used_label;
  GtkLabel         *handoffs_label;
  GtkLabel         *gil_wait_label;
  GtkLabel         *tasks_ended_label;
  GtkLabel         *tasks_failed_label;
  JgStateBarWidget *state_bar;
  GtkFlowBox       *legend_box;
  GtkLabel         *scenario_label;
  GtkLabel         *model_label;
  GtkLabel         *workers_label;
  GtkLabel         *interpreter_label;
  GtkLabel         *switch_interval_label;
  GtkLabel         *start_method_label;
  GtkWidget        *start_method_label_key;
  GtkLabel         *cores_label;
  GtkLabel         *cpu_label;
  GtkLabel         *kernel_label;
  GtkLabel         *host_label;
  GtkLabel         *recorded_label;
  GtkLabel         *events_label;
  GtkLabel         *task_count_label;
  GtkLabel         *worker_count_label;
  GtkLabel         *duration_label;
  GtkGrid          *results_grid;
  GtkWidget        *results_empty_label;
  GtkGrid          *parameters_grid;
  GtkWidget        *parameters_empty_label;
  GtkGrid          *tasks_grid;
  GtkLabel         *tasks_note_label;

  /* The legend, built once: one entry per state but Done. */
  GtkWidget        *legend_items[JG_N_STATES];
  GtkLabel         *legend_shares[JG_N_STATES];
};

G_DEFINE_FINAL_TYPE (JgTraceSummary, jg_trace_summary, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "—";
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
cell_new (const char *text,
          float       xalign,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
update_heading (JgTraceSummary *self)
{
  const JgRunInfo *run = jg_trace_get_run_info (self->trace);
  const char *title = jg_trace_get_title (self->trace);
  g_autoptr(GString) synopsis = g_string_new (NULL);

  if (title == NULL || *title == '\0')
    title = jg_trace_get_scenario_id (self->trace);
  if (title == NULL || *title == '\0')
    title = _("Untitled trace");
  gtk_label_set_label (self->title_label, title);

  if (run->model != NULL)
    g_string_append (synopsis, jg_model_display_name (run->model));
  if (run->workers > 0)
    {
      if (synopsis->len > 0)
        g_string_append (synopsis, " · ");
      g_string_append_printf (synopsis,
                              g_dngettext (GETTEXT_PACKAGE, "%u worker", "%u workers", run->workers),
                              run->workers);
    }
  if (run->interpreter != NULL)
    {
      if (synopsis->len > 0)
        g_string_append (synopsis, " · ");
      g_string_append (synopsis, jg_interpreter_display_name (run->interpreter));
    }

  gtk_label_set_label (self->synopsis_label, synopsis->str);
  gtk_widget_set_visible (GTK_WIDGET (self->synopsis_label), synopsis->len > 0);
}

static void
update_metrics (JgTraceSummary  *self,
                const JgMetrics *metrics)
{
  set_label_take (self->concurrency_label, jg_format_mean (metrics->concurrency));
  set_label_take (self->concurrency_detail_label,
                  g_strdup_printf (_("tasks in flight at once, on average · peak %u"),
                                   metrics->max_concurrency));
  set_label_take (self->parallelism_label, jg_format_mean (metrics->parallelism));
  set_label_take (self->parallelism_detail_label,
                  g_strdup_printf (_("tasks running at the same instant, on average · peak %u"),
                                   metrics->max_parallelism));

  set_label_take (self->wall_time_label, jg_format_duration (metrics->wall_ns));
  set_label_take (self->cpu_time_label, jg_format_duration (metrics->cpu_ns));
  set_label_take (self->utilisation_label, jg_format_percent (metrics->core_utilisation));
  if (metrics->n_cores > 0)
    {
      /* Translators: a count out of a total, e.g. "2 of 4" (cores, tasks) */
      set_label_take (self->cores_used_label,
                      g_strdup_printf (_("%u of %u"), metrics->cores_used, metrics->n_cores));
    }
  else
    {
      set_label_take (self->cores_used_label, g_strdup_printf ("%u", metrics->cores_used));
    }
  set_label_take (self->handoffs_label, g_strdup_printf ("%u", metrics->gil_handoffs));
  set_label_take (self->gil_wait_label, jg_format_duration (metrics->gil_wait_ns));
  set_label_take (self->tasks_ended_label,
                  g_strdup_printf (_("%u of %u"), metrics->tasks_ended, metrics->tasks));
  set_label_take (self->tasks_failed_label, g_strdup_printf ("%u", metrics->tasks_failed));
}

static void
update_state_time (JgTraceSummary  *self,
                   const JgMetrics *metrics)
{
  guint64 total = jg_state_bar_total_ns (metrics);

  jg_state_bar_widget_set_metrics (self->state_bar, metrics);

  for (guint state = 0; state < JG_N_STATES; state++)
    {
      guint64 ns = metrics->state_ns[state];

      if (self->legend_shares[state] == NULL)
        continue;

      set_label_take (self->legend_shares[state], jg_format_share (ns, total));
      /* States nobody was in stay listed, faded, so the legend never shifts. */
      if (ns == 0)
        gtk_widget_add_css_class (self->legend_items[state], "legend-empty");
      else
        gtk_widget_remove_css_class (self->legend_items[state], "legend-empty");
    }
}

static void
update_facts (JgTraceSummary *self)
{
  const JgRunInfo *run = jg_trace_get_run_info (self->trace);
  const JgMachineInfo *machine = jg_trace_get_machine (self->trace);
  GDateTime *created = jg_trace_get_created (self->trace);

  gtk_label_set_label (self->scenario_label, or_dash (jg_trace_get_scenario_id (self->trace)));
  gtk_label_set_label (self->model_label, or_dash (jg_model_display_name (run->model)));
  set_label_take (self->workers_label, g_strdup_printf ("%u", run->workers));
  gtk_label_set_label (self->interpreter_label,
                       or_dash (jg_interpreter_display_name (run->interpreter)));
  if (run->switch_interval_ms > 0)
    {
      /* Translators: the switch interval in milliseconds, e.g. "5 ms" */
      set_label_take (self->switch_interval_label,
                      g_strdup_printf (_("%g ms"), run->switch_interval_ms));
    }
  else
    {
      gtk_label_set_label (self->switch_interval_label, "—");
    }
  gtk_label_set_label (self->start_method_label, or_dash (run->start_method));
  gtk_widget_set_visible (GTK_WIDGET (self->start_method_label), run->start_method != NULL);
  gtk_widget_set_visible (self->start_method_label_key, run->start_method != NULL);

  if (machine->n_cores > 0)
    set_label_take (self->cores_label, g_strdup_printf ("%u", machine->n_cores));
  else
    gtk_label_set_label (self->cores_label, "—");
  gtk_label_set_label (self->cpu_label, or_dash (machine->cpu_model));
  gtk_label_set_label (self->kernel_label, or_dash (machine->kernel));
  gtk_label_set_label (self->host_label, or_dash (machine->hostname));

  if (created != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (created);
      /* Translators: when a trace was recorded, see g_date_time_format() */
      g_autofree char *text = g_date_time_format (local, _("%e %B %Y at %H:%M"));

      gtk_label_set_label (self->recorded_label, text != NULL ? g_strstrip (text) : "—");
    }
  else
    {
      gtk_label_set_label (self->recorded_label, "—");
    }

  set_label_take (self->events_label,
                  g_strdup_printf ("%'" G_GUINT64_FORMAT, jg_trace_get_n_events (self->trace)));
  set_label_take (self->task_count_label, g_strdup_printf ("%u", jg_trace_get_n_tasks (self->trace)));
  set_label_take (self->worker_count_label,
                  g_strdup_printf ("%u", jg_trace_get_n_workers (self->trace)));
  set_label_take (self->duration_label, jg_format_duration (jg_trace_get_duration_ns (self->trace)));
}

/* "lost_updates" reads better as "Lost updates". */
static char *
humanize_name (const char *name)
{
  char *text = g_strdup (name);

  g_strdelimit (text, "_", ' ');
  if (text[0] != '\0')
    text[0] = g_ascii_toupper (text[0]);

  return text;
}

static char *
format_json_value (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%'" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%.6g", json_node_get_double (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
    }

  return json_to_string (node, FALSE);
}

static void
fill_json_grid (GtkGrid    *grid,
                GtkWidget  *empty_label,
                JsonObject *object)
{
  g_autoptr(GList) members = NULL;
  int row = 0;

  clear_grid (grid);

  if (object != NULL)
    members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *key = humanize_name (name);
      g_autofree char *value = format_json_value (json_object_get_member (object, name));
      GtkWidget *key_label = cell_new (key, 0, "fact-key");
      GtkWidget *value_label = cell_new (value, 0, "fact-value");

      gtk_widget_add_css_class (key_label, "dim-label");
      gtk_widget_set_tooltip_text (key_label, name);
      gtk_label_set_ellipsize (GTK_LABEL (value_label), PANGO_ELLIPSIZE_NONE);
      gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (value_label, TRUE);
      gtk_grid_attach (grid, key_label, 0, row, 1, 1);
      gtk_grid_attach (grid, value_label, 1, row, 1, 1);
      row++;
    }

  gtk_widget_set_visible (GTK_WIDGET (grid), row > 0);
  gtk_widget_set_visible (empty_label, row == 0);
}

static void
attach_task_headings (JgTraceSummary *self)
{
  GtkWidget *heading;

  heading = cell_new (_("Task"), 0, "column-heading");
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_grid_attach (self->tasks_grid, heading, 0, 0, 1, 1);
  gtk_grid_attach (self->tasks_grid, cell_new (_("Worker"), 0, "column-heading"), 1, 0, 1, 1);

  for (guint i = 0; i < G_N_ELEMENTS (task_columns); i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_widget_set_halign (box, GTK_ALIGN_END);
      gtk_box_append (GTK_BOX (box), jg_state_swatch_new (task_columns[i]));
      gtk_box_append (GTK_BOX (box),
                      cell_new (jg_palette_state_label (task_columns[i]), 1, "column-heading"));
      gtk_grid_attach (self->tasks_grid, box, 2 + i, 0, 1, 1);
    }

  gtk_grid_attach (self->tasks_grid, cell_new (_("End"), 0, "column-heading"),
                   2 + G_N_ELEMENTS (task_columns), 0, 1, 1);
}

static void
fill_tasks (JgTraceSummary *self,
            JgSpans        *spans)
{
  guint n_tasks = jg_trace_get_n_tasks (self->trace);
  guint n_workers = jg_trace_get_n_workers (self->trace);
  guint n_span_tasks = jg_spans_get_n_tasks (spans);
  guint n_rows = MIN (n_tasks, JG_TRACE_SUMMARY_MAX_TASK_ROWS);

  clear_grid (self->tasks_grid);
  attach_task_headings (self);

  for (guint task = 0; task < n_rows; task++)
    {
      guint64 state_ns[JG_N_STATES] = { 0 };
      const JgSpan *task_spans = NULL;
      const char *worker = "—";
      const char *end;
      JgEndStatus status;
      guint n_spans = 0;
      int row = task + 1;

      if (task < n_span_tasks)
        task_spans = jg_spans_get_task_spans (spans, task, &n_spans);

      for (guint i = 0; i < n_spans; i++)
        {
          if (task_spans[i].state < JG_N_STATES && task_spans[i].end > task_spans[i].start)
            state_ns[task_spans[i].state] += task_spans[i].end - task_spans[i].start;
        }

      /* The worker where the task began: for a thread pool, the thread that
       * picked it up. */
      if (n_spans > 0 && task_spans[0].worker < n_workers)
        worker = or_dash (jg_trace_get_worker_name (self->trace, task_spans[0].worker));

      if (task < n_span_tasks && jg_spans_get_task_ended (spans, task, NULL, &status))
        end = jg_end_status_display_name (status);
      else if (task < n_span_tasks && jg_spans_get_task_began (spans, task, NULL))
        end = _("Not ended");
      else
        end = _("Not started");

      gtk_grid_attach (self->tasks_grid,
                       cell_new (or_dash (jg_trace_get_task_name (self->trace, task)), 0, NULL),
                       0, row, 1, 1);
      gtk_grid_attach (self->tasks_grid, cell_new (worker, 0, "dim-label"), 1, row, 1, 1);

      for (guint i = 0; i < G_N_ELEMENTS (task_columns); i++)
        {
          guint64 ns = state_ns[task_columns[i]];
          g_autofree char *text = ns > 0 ? jg_format_duration (ns) : NULL;
          GtkWidget *cell = cell_new (text != NULL ? text : "—", 1, "numeric");

          if (ns == 0)
            gtk_widget_add_css_class (cell, "dim-label");
          gtk_grid_attach (self->tasks_grid, cell, 2 + i, row, 1, 1);
        }

      gtk_grid_attach (self->tasks_grid, cell_new (end, 0, NULL),
                       2 + G_N_ELEMENTS (task_columns), row, 1, 1);
    }

  if (n_tasks > n_rows)
    set_label_take (self->tasks_note_label,
                    g_strdup_printf (_("Showing the first %u of %u tasks."), n_rows, n_tasks));
  else if (n_tasks == 0)
    gtk_label_set_label (self->tasks_note_label, _("This trace has no tasks."));
  gtk_widget_set_visible (GTK_WIDGET (self->tasks_note_label), n_tasks > n_rows || n_tasks == 0);
}

static void
build_legend (JgTraceSummary *self)
{
  for (guint state = 0; state < JG_N_STATES; state++)
    {
      GtkWidget *item;
      GtkWidget *name;
      GtkWidget *share;

      if (state == JG_STATE_DONE)
        continue;

      item = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      name = cell_new (jg_palette_state_label (state), 0, "legend-name");
      share = cell_new ("0%", 0, "legend-share");
      gtk_widget_add_css_class (share, "dim-label");
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_NONE);
      gtk_box_append (GTK_BOX (item), jg_state_swatch_new (state));
      gtk_box_append (GTK_BOX (item), name);
      gtk_box_append (GTK_BOX (item), share);
      gtk_flow_box_append (self->legend_box, item);
      /* The legend explains; it is not something to select or focus. */
      gtk_widget_set_focusable (gtk_widget_get_parent (item), FALSE);

      self->legend_items[state] = item;
      self->legend_shares[state] = GTK_LABEL (share);
    }
}

static void
jg_trace_summary_dispose (GObject *object)
{
  JgTraceSummary *self = JG_TRACE_SUMMARY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_TRACE_SUMMARY);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (jg_trace_summary_parent_class)->dispose (object);
}

static void
jg_trace_summary_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JgTraceSummary *self = JG_TRACE_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_trace_summary_class_init (JgTraceSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_trace_summary_dispose;
  object_class->get_property = jg_trace_summary_get_property;

  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL,
                         JG_TYPE_TRACE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JG_TYPE_STATE_BAR_WIDGET);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-trace-summary.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tracesummary");

  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, page);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, synopsis_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, concurrency_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, concurrency_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, parallelism_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, parallelism_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, wall_time_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, cpu_time_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, utilisation_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, cores_used_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, handoffs_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, gil_wait_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, tasks_ended_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, tasks_failed_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, state_bar);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, legend_box);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, scenario_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, model_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, workers_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, interpreter_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, switch_interval_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, start_method_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, start_method_label_key);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, cores_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, cpu_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, kernel_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, host_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, recorded_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, events_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, task_count_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, worker_count_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, duration_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, results_grid);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, results_empty_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, parameters_grid);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, parameters_empty_label);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, tasks_grid);
  gtk_widget_class_bind_template_child (widget_class, JgTraceSummary, tasks_note_label);
}

static void
jg_trace_summary_init (JgTraceSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  build_legend (self);
}

GtkWidget *
jg_trace_summary_new (void)
{
  return g_object_new (JG_TYPE_TRACE_SUMMARY, NULL);
}

JgTrace *
jg_trace_summary_get_trace (JgTraceSummary *self)
{
  g_return_val_if_fail (JG_IS_TRACE_SUMMARY (self), NULL);

  return self->trace;
}

void
jg_trace_summary_set_trace (JgTraceSummary  *self,
                            JgTrace         *trace,
                            JgSpans         *spans,
                            const JgMetrics *metrics)
{
  g_return_if_fail (JG_IS_TRACE_SUMMARY (self));
  g_return_if_fail (JG_IS_TRACE (trace));
  g_return_if_fail (spans != NULL);
  g_return_if_fail (metrics != NULL);

  if (!g_set_object (&self->trace, trace))
    return;

  update_heading (self);
  update_metrics (self, metrics);
  update_state_time (self, metrics);
  update_facts (self);
  fill_json_grid (self->results_grid, self->results_empty_label, jg_trace_get_results (trace));
  fill_json_grid (self->parameters_grid, self->parameters_empty_label,
                  jg_trace_get_parameters (trace));
  fill_tasks (self, spans);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
}
