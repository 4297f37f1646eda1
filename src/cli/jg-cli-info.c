/* jg-cli-info.c: `juggler-cli info TRACE`: what a trace holds and what it shows. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>

#include "jg-cli.h"
#include "jg-metrics.h"
#include "jg-trace-file.h"

static void
set_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
set_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
print_json (GFile     *file,
            JgTrace   *trace,
            JgSpans   *spans,
            JgMetrics *metrics)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  const JgMachineInfo *machine = jg_trace_get_machine (trace);
  g_autofree char *path = g_file_get_path (file);

  json_builder_begin_object (builder);
  set_string (builder, "file", path);
  set_string (builder, "scenario", jg_trace_get_scenario_id (trace));
  set_string (builder, "title", jg_trace_get_title (trace));
  set_string (builder, "model", run->model);
  set_int (builder, "workers", run->workers);
  set_string (builder, "interpreter", run->interpreter);
  json_builder_set_member_name (builder, "switch_interval_ms");
  json_builder_add_double_value (builder, run->switch_interval_ms);
  set_string (builder, "start_method", run->start_method);

  json_builder_set_member_name (builder, "machine");
  json_builder_begin_object (builder);
  set_int (builder, "cores", machine->n_cores);
  set_string (builder, "kernel", machine->kernel);
  set_string (builder, "cpu_model", machine->cpu_model);
  set_string (builder, "hostname", machine->hostname);
  json_builder_end_object (builder);

  set_int (builder, "task_lanes", jg_trace_get_n_tasks (trace));
  set_int (builder, "worker_lanes", jg_trace_get_n_workers (trace));
  set_int (builder, "counter_lanes", jg_trace_get_n_counters (trace));
  set_int (builder, "strings", jg_trace_get_n_strings (trace));
  json_builder_set_member_name (builder, "duration_s");
  json_builder_add_double_value (builder, jg_trace_get_duration_ns (trace) / 1e9);
  set_int (builder, "anomalies", (gint64) jg_spans_get_n_anomalies (spans));
  jg_metrics_add_to_builder (metrics, builder);

  json_builder_set_member_name (builder, "results");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), jg_trace_get_results (trace)));
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), jg_trace_get_parameters (trace)));
  json_builder_end_object (builder);

  jg_cli_print_json (builder);
}

static void
print_text (GFile     *file,
            JgTrace   *trace,
            JgMetrics *metrics)
{
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  const JgMachineInfo *machine = jg_trace_get_machine (trace);
  g_autofree char *name = g_file_get_basename (file);
  JsonObject *results = jg_trace_get_results (trace);
  g_autoptr (GList) members = json_object_get_members (results);

  printf ("%s\n", name);
  if (jg_trace_get_title (trace) != NULL)
    jg_cli_print_row (_("Scenario"), "%s (%s)", jg_trace_get_title (trace),
                      jg_trace_get_scenario_id (trace));
  if (run->model != NULL)
    jg_cli_print_row (_("Run"), _("%s, %u workers, %s, switch interval %.2f ms"),
                      run->model, run->workers, run->interpreter ? run->interpreter : "?", run->switch_interval_ms);
  if (machine->n_cores > 0)
    jg_cli_print_row (_("Machine"), _("%u cores, %s, %s"), machine->n_cores,
                      machine->cpu_model ? machine->cpu_model : "?", machine->kernel ? machine->kernel : "?");
  jg_cli_print_row (_("Recorded"), _("%" PRIu64 " events, %u tasks, %u workers"),
                    jg_trace_get_n_events (trace), jg_trace_get_n_tasks (trace), jg_trace_get_n_workers (trace));
  jg_cli_print_row (_("Wall time"), "%.3f s", metrics->wall_ns / 1e9);
  jg_cli_print_row (_("CPU time"), "%.3f s", metrics->cpu_ns / 1e9);
  jg_cli_print_row (_("Concurrency"), _("%.2f (peak %u)"), metrics->concurrency, metrics->max_concurrency);
  jg_cli_print_row (_("Parallelism"), _("%.2f (peak %u)"), metrics->parallelism, metrics->max_parallelism);
  jg_cli_print_row (_("Core utilisation"), _("%.0f%% of %u cores, %u used"),
                    metrics->core_utilisation * 100, metrics->n_cores, metrics->cores_used);
  jg_cli_print_row (_("GIL"), _("%u hand-offs, %u drop requests, %.3f s waiting"),
                    metrics->gil_handoffs, metrics->gil_drop_requests, metrics->gil_wait_ns / 1e9);
  jg_cli_print_row (_("Tasks"), _("%u ended, %u failed"), metrics->tasks_ended, metrics->tasks_failed);

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = json_to_string (json_object_get_member (results, l->data), FALSE);

      jg_cli_print_row ((const char *) l->data, "%s", value);
    }
}

int
jg_cli_info (int    argc,
             char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GFile) file = NULL;
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgSpans) spans = NULL;
  g_autoptr (GError) error = NULL;
  JgMetrics metrics;

  if (!jg_cli_parse_options ("info", "TRACE", _("Show what a .juggler trace holds: counts, duration and metrics."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 2)
    return jg_cli_fail ("info", "%s", _("expected exactly one TRACE file (see --help)"));

  file = g_file_new_for_commandline_arg (argv[1]);
  trace = jg_trace_file_load (file, NULL, &error);
  if (trace == NULL)
    return jg_cli_fail ("info", "%s", error->message);

  spans = jg_spans_new ();
  jg_spans_update (spans, trace);
  jg_metrics_compute (&metrics, trace, spans, G_MAXUINT64);

  if (as_json)
    print_json (file, trace, spans, &metrics);
  else
    print_text (file, trace, &metrics);
  return EXIT_SUCCESS;
}
