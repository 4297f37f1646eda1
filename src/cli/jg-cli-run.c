/* jg-cli-run.c: `juggler-cli run SCENARIO`: runs a built-in or user scenario
 * under a model, prints what it shows and optionally saves the trace. Ctrl+C
 * stops the run and still prints and saves what was recorded. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "jg-cli.h"
#include "jg-metrics.h"
#include "jg-run.h"
#include "jg-scenario.h"
#include "jg-trace-file.h"

/* Ctrl+C: watched from the start, acted on once the run exists. */
typedef struct
{
  JgRun    *run;
  gboolean  interrupted;
} Interrupt;

static gboolean
on_interrupt (gpointer data)
{
  Interrupt *interrupt = data;

  interrupt->interrupted = TRUE;
  if (interrupt->run != NULL)
    jg_run_stop (interrupt->run);
  return G_SOURCE_CONTINUE;
}

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

/* The processes model's own figures: the workers' pids and start-ups, and how
 * much was pickled through the pipes. Other models have one process: theirs. */
static void
add_process_fields (JsonBuilder *builder,
                    JgTrace     *trace)
{
  JsonObject *results = jg_trace_get_results (trace);
  JsonObject *processes = results != NULL && json_object_has_member (results, "processes")
                          ? json_object_get_object_member (results, "processes") : NULL;
  JsonArray *workers = processes != NULL ? json_object_get_array_member (processes, "workers") : NULL;

  json_builder_set_member_name (builder, "pids");
  json_builder_begin_array (builder);
  if (workers != NULL)
    {
      for (guint i = 0; i < json_array_get_length (workers); i++)
        json_builder_add_int_value (builder,
                                    json_object_get_int_member (json_array_get_object_element (workers, i), "pid"));
    }
  else
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (guint32 i = 0; i < jg_trace_get_n_workers (trace); i++)
        {
          gint32 pid = jg_trace_get_worker (trace, i).pid;

          if (g_hash_table_add (seen, GINT_TO_POINTER (pid)))
            json_builder_add_int_value (builder, pid);
        }
    }
  json_builder_end_array (builder);
  set_string (builder, "start_method", jg_trace_get_run_info (trace)->start_method);
  if (processes == NULL)
    return;

  json_builder_set_member_name (builder, "startup_s");
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (workers); i++)
    json_builder_add_value (builder, json_node_copy (json_object_get_member (json_array_get_object_element (workers, i),
                                                                             "startup_s")));
  json_builder_end_array (builder);
  if (json_object_has_member (processes, "server"))
    {
      JsonObject *server = json_object_get_object_member (processes, "server");

      json_builder_set_member_name (builder, "server_pid");
      json_builder_add_int_value (builder, json_object_get_int_member (server, "pid"));
      json_builder_set_member_name (builder, "server_startup_s");
      json_builder_add_value (builder, json_node_copy (json_object_get_member (server, "startup_s")));
    }
  json_builder_set_member_name (builder, "transfer_bytes");
  json_builder_add_int_value (builder, json_object_get_int_member (processes, "transfer_bytes"));
  json_builder_set_member_name (builder, "crashes");
  json_builder_add_int_value (builder, json_object_get_int_member (processes, "crashes"));
}

/* The asyncio and hybrid models' own figures: how late the loop's timers fired
 * (loop lag), and what the loop did. */
static void
add_asyncio_fields (JsonBuilder *builder,
                    JgTrace     *trace)
{
  JsonObject *results = jg_trace_get_results (trace);

  if (results == NULL || !json_object_has_member (results, "loop_lag_ms"))
    return;
  json_builder_set_member_name (builder, "loop_lag_ms");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (results, "loop_lag_ms")));
  json_builder_set_member_name (builder, "asyncio");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (results, "asyncio")));
}

static void
print_json (JgRun      *run,
            JgMetrics  *metrics,
            const char *saved_to)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  JgTrace *trace = jg_run_get_trace (run);
  const JgRunInfo *info = jg_trace_get_run_info (trace);
  g_autoptr (JsonArray) marks = jg_run_dup_marks (run);

  json_builder_begin_object (builder);
  set_string (builder, "scenario", jg_trace_get_scenario_id (trace));
  set_string (builder, "title", jg_trace_get_title (trace));
  set_string (builder, "model", info->model);
  json_builder_set_member_name (builder, "workers");
  json_builder_add_int_value (builder, info->workers);
  set_string (builder, "interpreter", info->interpreter);
  json_builder_set_member_name (builder, "switch_interval_ms");
  json_builder_add_double_value (builder, info->switch_interval_ms);
  set_string (builder, "status", jg_run_status_name (jg_run_get_status (run)));
  add_process_fields (builder, trace);
  add_asyncio_fields (builder, trace);
  jg_metrics_add_to_builder (metrics, builder);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), jg_trace_get_parameters (trace)));
  json_builder_set_member_name (builder, "results");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), jg_trace_get_results (trace)));
  json_builder_set_member_name (builder, "marks");
  json_builder_add_value (builder, json_node_init_array (json_node_alloc (), marks));
  set_string (builder, "trace", saved_to);
  json_builder_end_object (builder);

  jg_cli_print_json (builder);
}

static char *
join_strings (JsonArray *array)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, json_array_get_string_element (array, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_processes (JsonObject *processes)
{
  JsonArray *workers = json_object_get_array_member (processes, "workers");
  g_autoptr (GString) pids = g_string_new (NULL);
  double startup = 0;
  guint n = json_array_get_length (workers);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *worker = json_array_get_object_element (workers, i);

      g_string_append_printf (pids, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                              json_object_get_int_member (worker, "pid"));
      startup += json_object_get_double_member_with_default (worker, "startup_s", 0);
    }
  jg_cli_print_row (_("Processes"), _("%s, %u workers (pids %s), start-up %.1f ms each on average"),
                    json_object_get_string_member (processes, "start_method"), n, pids->str, n > 0 ? startup / n * 1e3 : 0);
  if (json_object_has_member (processes, "server"))
    jg_cli_print_row (_("Fork server"), _("pid %" PRId64 ", start-up %.1f ms"),
                      json_object_get_int_member (json_object_get_object_member (processes, "server"), "pid"),
                      json_object_get_double_member_with_default (json_object_get_object_member (processes, "server"),
                                                                  "startup_s", 0) * 1e3);
  jg_cli_print_row (_("Transfers"), _("%.1f MiB pickled through pipes"),
                    json_object_get_int_member (processes, "transfer_bytes") / (1024.0 * 1024.0));
}

static void
print_asyncio (JsonObject *results)
{
  JsonObject *lag = json_object_get_object_member (results, "loop_lag_ms");
  JsonObject *counts = json_object_get_object_member (results, "asyncio");
  gint64 jobs, process_jobs;

  jg_cli_print_row (_("Loop lag"), _("mean %.2f ms, max %.2f ms (%" PRId64 " timers)"),
                    json_object_get_double_member_with_default (lag, "mean", 0),
                    json_object_get_double_member_with_default (lag, "max", 0),
                    json_object_get_int_member_with_default (lag, "samples", 0));
  if (counts == NULL)
    return;
  jg_cli_print_row (_("Event loop"),
                    _("%" PRId64 " coroutines, %" PRId64 " timeouts, %" PRId64 " cancelled, %"
                      PRId64 " raised"),
                    json_object_get_int_member_with_default (counts, "coroutines", 0),
                    json_object_get_int_member_with_default (counts, "timeouts", 0),
                    json_object_get_int_member_with_default (counts, "cancelled", 0),
                    json_object_get_int_member_with_default (counts, "errors", 0));
  jobs = json_object_get_int_member_with_default (counts, "executor_jobs", 0);
  process_jobs = json_object_get_int_member_with_default (counts, "process_jobs", 0);
  /* Jobs in worker processes: their pids are under Processes. */
  if (jobs > process_jobs)
    jg_cli_print_row (_("Executor"), _("%" PRId64 " jobs on %" PRId64 " threads"),
                      jobs - process_jobs, json_object_get_int_member_with_default (counts, "executor_threads", 0));
  if (process_jobs > 0)
    jg_cli_print_row (_("Process pool"), _("%" PRId64 " jobs in worker processes"), process_jobs);
}

static void
print_text (JgRun      *run,
            JgMetrics  *metrics,
            const char *saved_to)
{
  JgTrace *trace = jg_run_get_trace (run);
  const JgRunInfo *info = jg_trace_get_run_info (trace);
  JsonObject *results = jg_trace_get_results (trace);
  g_autoptr (GList) members = json_object_get_members (results);
  g_autoptr (JsonArray) marks = jg_run_dup_marks (run);

  printf ("%s (%s)\n", jg_trace_get_title (trace), jg_trace_get_scenario_id (trace));
  jg_cli_print_row (_("Run"), _("%s, %u workers, %s, switch interval %.2f ms"),
                    info->model, info->workers, info->interpreter, info->switch_interval_ms);
  if (metrics->time_scale > 1.0)
    /* Translators: e.g. "10× (every time below is stretched)" */
    jg_cli_print_row (_("Slow motion"), _("%g× (every time below is stretched)"), metrics->time_scale);
  jg_cli_print_row (_("Status"), "%s", jg_run_status_name (jg_run_get_status (run)));
  /* Slow motion: every time printed is stretched; the wall time says both. */
  if (metrics->time_scale > 1.0)
    /* Translators: the wall time of a run in slow motion, e.g. "2.400 s (real 0.240 s at 10×)" */
    jg_cli_print_row (_("Wall time"), _("%.3f s (real %.3f s at %g×)"), metrics->wall_ns / 1e9,
                      metrics->wall_ns / 1e9 / metrics->time_scale, metrics->time_scale);
  else
    jg_cli_print_row (_("Wall time"), "%.3f s", metrics->wall_ns / 1e9);
  jg_cli_print_row (_("CPU time"), "%.3f s", metrics->cpu_ns / 1e9);
  jg_cli_print_row (_("Concurrency"), _("%.2f (peak %u)"), metrics->concurrency, metrics->max_concurrency);
  jg_cli_print_row (_("Parallelism"), _("%.2f (peak %u)"), metrics->parallelism, metrics->max_parallelism);
  jg_cli_print_row (_("Cores used"), _("%u of %u"), metrics->cores_used, metrics->n_cores);
  jg_cli_print_row (_("GIL"), _("%u hand-offs, %u drop requests, %.3f s waiting"),
                    metrics->gil_handoffs, metrics->gil_drop_requests, metrics->gil_wait_ns / 1e9);
  jg_cli_print_row (_("Events"), "%" G_GUINT64_FORMAT, metrics->events);
  jg_cli_print_row (_("Tasks"), _("%u ended, %u failed"), metrics->tasks_ended, metrics->tasks_failed);

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = NULL;

      if (g_str_equal (l->data, "deadlock"))
        continue;
      if (g_str_equal (l->data, "processes"))
        {
          print_processes (json_object_get_object_member (results, "processes"));
          continue;
        }
      if (g_str_equal (l->data, "asyncio"))
        continue;
      if (g_str_equal (l->data, "loop_lag_ms"))
        {
          print_asyncio (results);
          continue;
        }
      value = json_to_string (json_object_get_member (results, l->data), FALSE);
      jg_cli_print_row ((const char *) l->data, "%s", value);
    }

  for (guint i = 0; i < json_array_get_length (marks); i++)
    {
      JsonObject *mark = json_array_get_object_element (marks, i);
      const char *kind = json_object_get_string_member (mark, "kind");

      if (g_str_equal (kind, "deadlock"))
        {
          g_autofree char *tasks = join_strings (json_object_get_array_member (mark, "tasks"));
          g_autofree char *locks = join_strings (json_object_get_array_member (mark, "locks"));

          jg_cli_print_row (_("Deadlock"), _("%s waiting on %s, found %.0f ms after"), tasks, locks,
                            json_object_get_double_member_with_default (mark, "detected_after_s", 0) * 1e3);
        }
      else if (g_str_equal (kind, "error"))
        {
          jg_cli_print_row (_("Error"), "%s: %s", json_object_get_string_member_with_default (mark, "task", "?"),
                            json_object_get_string_member_with_default (mark, "message", ""));
        }
      else if (g_str_equal (kind, "crash"))
        {
          jg_cli_print_row (_("Crash"),
                            /* TRANSLATORS: "Process 2 killed by SIGKILL during Fetch 3": the
                             * worker, what happened to it and the task it ran */
                            _("%s %s during %s"),
                            json_object_get_string_member_with_default (mark, "worker", "?"),
                            json_object_get_string_member_with_default (mark, "message", ""),
                            json_object_get_string_member_with_default (mark, "task", _("its start-up")));
        }
      else if (g_str_equal (kind, "timeout") || g_str_equal (kind, "cancelled") || g_str_equal (kind, "caught"))
        {
          const char *task = json_object_get_string_member_with_default (mark, "task", "?");
          double at = json_object_get_double_member_with_default (mark, "time_s", 0);

          if (g_str_equal (kind, "timeout"))
            jg_cli_print_row (_("Timeout"), _("%s gave up waiting after %.3f s (at %.3f s)"), task,
                              json_object_get_double_member_with_default (mark, "timeout_s", 0), at);
          else if (g_str_equal (kind, "cancelled"))
            jg_cli_print_row (_("Cancelled"), _("%s, by %s (at %.3f s)"), task,
                              json_object_get_string_member_with_default (mark, "by", "?"), at);
          else
            jg_cli_print_row (_("Caught"), _("%s caught %s (at %.3f s)"), task,
                              json_object_get_string_member_with_default (mark, "message", ""), at);
        }
      else if (g_str_equal (kind, "note"))
        {
          jg_cli_print_row (_("Note"), "%s", json_object_get_string_member_with_default (mark, "message", ""));
        }
      else if (g_str_equal (kind, "lost update"))
        {
          jg_cli_print_row (_("Lost updates"), _("%" PRId64 " seen"),
                            json_object_get_int_member_with_default (mark, "count", 0));
        }
    }
  if (saved_to != NULL)
    jg_cli_print_row (_("Trace"), "%s", saved_to);
}

static int
run_command (int        argc,
             char     **argv,
             Interrupt *interrupt)
{
  g_autofree char *model_name = NULL;
  g_autofree char *interpreter_name = NULL;
  g_autofree char *start_method_name = NULL;
  g_autofree char *executor_name = NULL;
  g_autofree char *output = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean as_json = FALSE;
  gint workers = -1;
  double switch_interval = JG_GIL_DEFAULT_INTERVAL_MS;
  double time_scale = 1.0;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("sequential, threads, asyncio, hybrid or processes (default: the scenario's)"), N_("MODEL") },
    { "workers", 'w', 0, G_OPTION_ARG_INT, &workers, N_("Threads or processes in the pool (default: a thread per task, a process per core)"), N_("N") },
    { "start-method", 0, 0, G_OPTION_ARG_STRING, &start_method_name, N_("How processes start: fork, spawn or forkserver (default: fork)"), N_("METHOD") },
    { "executor", 0, 0, G_OPTION_ARG_STRING, &executor_name, N_("Hybrid: where the loop sends computing and blocking work, a thread pool or a pool of worker processes (threads or processes; default: threads)"), N_("EXECUTOR") },
    { "interpreter", 'i', 0, G_OPTION_ARG_STRING, &interpreter_name, N_("gil, free-threaded or per-interpreter (default: gil)"), N_("MODE") },
    { "switch-interval", 0, 0, G_OPTION_ARG_DOUBLE, &switch_interval, N_("The GIL's switch interval (default: 5)"), N_("MS") },
    { "time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &time_scale, N_("Slow motion: every duration of the run (work, I/O, timeouts, the switch interval, start-ups) lasts N times longer, 1 to 1000; the wall time is printed stretched and real (default: 1)"), N_("N") },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Set a scenario parameter (repeatable)"), N_("NAME=VALUE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Save the trace to this .juggler file"), N_("TRACE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (JgScenario) scenario = NULL;
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (JgRun) run = NULL;
  g_autoptr (JgSpans) spans = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *saved_to = NULL;
  JgRunOptions options;
  JgRunStatus status;
  JgMetrics metrics;

  if (!jg_cli_parse_options ("run", "SCENARIO",
                             _("Run a scenario (a built-in id or a .json file) and show what it shows: "
                               "wall and CPU time, concurrency, parallelism, the GIL's hand-offs and the "
                               "scenario's own results. Ctrl+C stops it and keeps what was recorded."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 2)
    return jg_cli_fail ("run", "%s", _("expected exactly one SCENARIO (see --help; `juggler-cli list` names them)"));

  jg_run_options_init (&options);
  options.switch_interval_ms = switch_interval;
  options.time_scale = time_scale;
  if (model_name != NULL && !jg_model_from_name (model_name, &options.model))
    return jg_cli_fail ("run", _("unknown model “%s” (expected sequential, threads, asyncio, hybrid or processes)"),
                        model_name);
  if (start_method_name != NULL && !jg_start_method_from_name (start_method_name, &options.start_method))
    return jg_cli_fail ("run", _("unknown start method “%s” (expected fork, spawn or forkserver)"), start_method_name);
  if (interpreter_name != NULL && !jg_interpreter_mode_from_name (interpreter_name, &options.interpreter))
    return jg_cli_fail ("run", _("unknown interpreter “%s” (expected gil, free-threaded or per-interpreter)"),
                        interpreter_name);
  if (g_strcmp0 (executor_name, "processes") == 0)
    options.hybrid_executor = JG_HYBRID_PROCESSES;
  else if (executor_name != NULL && !g_str_equal (executor_name, "threads"))
    return jg_cli_fail ("run", _("unknown executor “%s” (expected threads or processes)"), executor_name);
  if (workers == 0 || workers < -1)
    return jg_cli_fail ("run", "%s", _("--workers must be at least 1"));
  options.workers = workers > 0 ? (guint) workers : 0;
  if (!(switch_interval >= JG_GIL_MIN_INTERVAL_MS) || switch_interval > 1000)
    return jg_cli_fail ("run", "%s", _("--switch-interval must be between 0.001 and 1000 ms"));
  if (!(time_scale >= JG_TIME_SCALE_MIN && time_scale <= JG_TIME_SCALE_MAX))
    return jg_cli_fail ("run", "%s", _("--time-scale must be from 1 (normal speed) to 1000"));

  scenario = jg_cli_load_scenario (argv[1], &error);
  if (scenario == NULL)
    return jg_cli_fail ("run", "%s", error->message);
  /* Without --model, the scenario's own default, if it is one of ours. */
  if (model_name == NULL && jg_scenario_get_default_model (scenario) != NULL)
    jg_model_from_name (jg_scenario_get_default_model (scenario), &options.model);
  if (!jg_cli_parse_sets (sets, values, &error))
    return jg_cli_fail ("run", "%s", error->message);
  plan = jg_scenario_instantiate (scenario, values, &error);
  if (plan == NULL)
    return jg_cli_fail ("run", "%s", error->message);

  run = jg_run_new (plan, &options);
  jg_run_set_definition (run, jg_scenario_get_definition (scenario));
  if (!jg_run_start (run, &error))
    return jg_cli_fail ("run", "%s", error->message);

  interrupt->run = run;
  if (interrupt->interrupted)
    jg_run_stop (run);
  status = jg_run_wait (run);
  interrupt->run = NULL;

  spans = jg_spans_new ();
  jg_spans_update (spans, jg_run_get_trace (run));
  jg_metrics_compute (&metrics, jg_run_get_trace (run), spans, G_MAXUINT64);

  if (output != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (output);

      if (!jg_trace_file_save (jg_run_get_trace (run), file, NULL, &error))
        return jg_cli_fail ("run", "%s", error->message);
      saved_to = g_file_get_path (file);
    }

  if (as_json)
    print_json (run, &metrics, saved_to);
  else
    print_text (run, &metrics, saved_to);

  return status == JG_RUN_FAILED ? EXIT_FAILURE : EXIT_SUCCESS;
}

int
jg_cli_run (int    argc,
            char **argv)
{
  Interrupt interrupt = { NULL, FALSE };
  guint source = g_unix_signal_add (SIGINT, on_interrupt, &interrupt);
  int status = run_command (argc, argv, &interrupt);

  g_source_remove (source);
  return status;
}
