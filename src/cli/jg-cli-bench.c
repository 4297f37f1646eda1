/* jg-cli-bench.c: `juggler-cli bench`: the figures the foundation promises,
 * measured on this machine with the real probe, collector, store and file format. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>

#include "jg-cli.h"
#include "jg-metrics.h"
#include "jg-recorder.h"
#include "jg-render-bench.h"
#include "jg-trace-bench.h"
#include "jg-trace-file.h"

#define BATCH      1000
#define N_BATCHES  2000
#define N_THREADS  4
#define CYCLES_PER_TASK 32 /* run, CPU time, suspend: a task is 2 + 3 * 32 events */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), (int (*) (const void *, const void *)) compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* One CLOCK_MONOTONIC read, median over batches. */
static double
measure_clock_ns (void)
{
  g_autofree double *samples = g_new (double, N_BATCHES);
  volatile guint64 sink = 0;

  for (guint b = 0; b < N_BATCHES; b++)
    {
      guint64 start = jg_clock_now_ns ();

      for (guint i = 0; i < BATCH; i++)
        sink += jg_clock_now_ns ();
      samples[b] = (double) (jg_clock_now_ns () - start) / BATCH;
    }
  (void) sink;
  return median (samples, N_BATCHES);
}

/* One jg_probe_emit into a live recorder whose collector drains as it would in a run. */
static double
measure_probe_ns (guint *stalls)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  g_autofree double *samples = g_new (double, N_BATCHES);
  JgProbe *probe;

  jg_trace_add_task (trace, "bench", JG_LANE_NONE);
  jg_trace_add_worker (trace, "bench", JG_WORKER_THREAD, getpid ());
  jg_recorder_start (recorder);
  probe = jg_recorder_open_probe (recorder, 0);
  for (guint b = 0; b < N_BATCHES; b++)
    {
      guint64 start = jg_clock_now_ns ();

      for (guint i = 0; i < BATCH; i++)
        jg_probe_emit (probe, 0, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
      samples[b] = (double) (jg_clock_now_ns () - start) / BATCH;
    }
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);
  *stalls = jg_recorder_get_stalls (recorder);
  return median (samples, N_BATCHES);
}

/* A state change pair as the executors record it: RUN, then leaving the CPU,
 * which reads the thread's CPU clock at both ends. */
static double
measure_state_change_ns (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  g_autofree double *samples = g_new (double, N_BATCHES / 10);
  JgProbe *probe;

  jg_recorder_start (recorder);
  probe = jg_recorder_open_probe (recorder, 0);
  for (guint b = 0; b < N_BATCHES / 10; b++)
    {
      guint64 start = jg_clock_now_ns ();

      for (guint i = 0; i < BATCH; i++)
        {
          jg_probe_emit_run (probe, 0);
          jg_probe_emit_leave (probe, 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
        }
      samples[b] = (double) (jg_clock_now_ns () - start) / BATCH;
    }
  jg_recorder_close_probe (recorder, probe);
  jg_recorder_stop (recorder);
  return median (samples, N_BATCHES / 10);
}

typedef struct
{
  JgRecorder *recorder;
  guint32     worker;
  guint32     first_task;
  guint32     n_tasks;
} Recorder;

static void
spin (guint iterations)
{
  volatile guint64 x = 0;

  for (guint i = 0; i < iterations; i++)
    x += i * i;
}

/* A thread recording tasks the way a run does: begin, run and wait for the GIL
 * in turn, end, with a little real work between events. */
static gpointer
record_tasks (gpointer data)
{
  Recorder *r = data;
  JgProbe *probe = jg_recorder_open_probe (r->recorder, r->worker);

  for (guint32 t = r->first_task; t < r->first_task + r->n_tasks; t++)
    {
      jg_probe_emit (probe, t, JG_EVENT_TASK_BEGIN, 0);
      for (guint c = 0; c < CYCLES_PER_TASK; c++)
        {
          jg_probe_emit_run (probe, t);
          spin (64);
          jg_probe_emit_leave (probe, t, JG_EVENT_SUSPEND, c % 3 ? JG_SUSPEND_GIL : JG_SUSPEND_IO);
          spin (16);
        }
      jg_probe_emit (probe, t, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
    }
  jg_recorder_close_probe (r->recorder, probe);
  return NULL;
}

static JgTrace *
record_trace (guint64 n_events)
{
  JgTrace *trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  guint events_per_task = 2 + 3 * CYCLES_PER_TASK;
  guint32 tasks_per_thread = (guint32) MAX (1, n_events / events_per_task / N_THREADS);
  Recorder recorders[N_THREADS];
  GThread *threads[N_THREADS];
  JgRunInfo run = { "threads", N_THREADS, "gil", 5.0, NULL };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  jg_trace_set_scenario (trace, "bench", "Benchmark trace", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine_from_host (trace);
  jg_trace_set_created (trace, now);
  for (guint32 t = 0; t < tasks_per_thread * N_THREADS; t++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", t + 1);

      jg_trace_add_task (trace, name, JG_LANE_NONE);
    }

  jg_recorder_start (recorder);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", i + 1);

      recorders[i].recorder = recorder;
      recorders[i].worker = jg_trace_add_worker (trace, name, JG_WORKER_THREAD, getpid ());
      recorders[i].first_task = i * tasks_per_thread;
      recorders[i].n_tasks = tasks_per_thread;
      threads[i] = g_thread_new ("bench-recorder", record_tasks, &recorders[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  jg_recorder_stop (recorder);
  return trace;
}

static double
seconds_since (guint64 start)
{
  return (double) (jg_clock_now_ns () - start) / 1e9;
}

int
jg_cli_bench (int    argc,
              char **argv)
{
  gboolean as_json = FALSE;
  gint64 n_events = 1000000;
  gint repeats = 3;
  double live_seconds = 5.0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { "events", 0, 0, G_OPTION_ARG_INT64, &n_events, N_("Events in the trace that is saved and loaded (default 1000000)"), "N" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, N_("How often to repeat each timing; the median is reported (default 3)"), "N" },
    { "live-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &live_seconds, N_("How long to record while timing live frames (default 5)"), "S" },
    { NULL }
  };
  g_autoptr (JgTrace) recorded = NULL;
  g_autoptr (JgTrace) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree double *save_s = NULL;
  g_autofree double *load_s = NULL;
  double clock_ns, probe_ns, state_change_ns, spans_s, live_p95;
  JgRenderBenchResult render_1m, render_10m;
  JgTraceBenchFigures large;
  guint64 live_events;
  guint stalls;
  guint64 events;
  double memory_per_event;
  GStatBuf st;

  if (!jg_cli_parse_options ("bench", NULL,
                             _("Measure the probe's cost against one clock read, and saving and loading a recorded trace."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 1)
    return jg_cli_fail ("bench", "%s", _("takes no arguments (see --help)"));
  if (n_events < 1000 || n_events > 100000000 || repeats < 1 || repeats > 100
      || live_seconds < 0.1 || live_seconds > 600)
    return jg_cli_fail ("bench", "%s", _("--events must be 1000 to 100000000, --repeats 1 to 100 and --live-seconds 0.1 to 600"));

  clock_ns = measure_clock_ns ();
  probe_ns = measure_probe_ns (&stalls);
  state_change_ns = measure_state_change_ns ();

  recorded = record_trace ((guint64) n_events);
  events = jg_trace_get_n_events (recorded);

  dir = g_dir_make_tmp ("juggler-bench-XXXXXX", &error);
  if (dir == NULL)
    return jg_cli_fail ("bench", "%s", error->message);
  path = g_build_filename (dir, "bench.juggler", NULL);
  file = g_file_new_for_path (path);

  save_s = g_new (double, repeats);
  load_s = g_new (double, repeats);
  for (gint i = 0; i < repeats; i++)
    {
      guint64 start = jg_clock_now_ns ();

      if (!jg_trace_file_save (recorded, file, NULL, &error))
        return jg_cli_fail ("bench", "%s", error->message);
      save_s[i] = seconds_since (start);
    }
  if (g_stat (path, &st) != 0)
    return jg_cli_fail ("bench", "%s", g_strerror (errno));

  for (gint i = 0; i < repeats; i++)
    {
      guint64 start = jg_clock_now_ns ();

      g_clear_object (&loaded);
      loaded = jg_trace_file_load (file, NULL, &error);
      if (loaded == NULL)
        return jg_cli_fail ("bench", "%s", error->message);
      load_s[i] = seconds_since (start);
    }
  if (jg_trace_get_n_events (loaded) != events)
    return jg_cli_fail ("bench", "loaded %" G_GUINT64_FORMAT " events of %" G_GUINT64_FORMAT,
                        jg_trace_get_n_events (loaded), events);

  memory_per_event = (double) jg_trace_get_memory_bytes (loaded) / events;
  {
    g_autoptr (JgSpans) spans = jg_spans_new ();
    guint64 start = jg_clock_now_ns ();
    JgMetrics metrics;

    jg_spans_update (spans, loaded);
    jg_metrics_compute (&metrics, loaded, spans, G_MAXUINT64);
    spans_s = seconds_since (start);
  }

  g_unlink (path);
  g_rmdir (dir);
  g_clear_object (&recorded);
  g_clear_object (&loaded);

  /* Large traces: 10 N events saved and loaded, N exported to Chrome JSON. */
  if (!jg_trace_bench_run ((guint64) n_events * 10, (guint64) n_events, &large, NULL, &error))
    return jg_cli_fail ("bench", "%s", error->message);

  /* The canvas: full-window frames of N and 10 N events, then frames while a
   * run records 200,000 events a second. */
  jg_render_bench_run ((guint64) n_events, 1920, 1080, &render_1m);
  jg_render_bench_run ((guint64) n_events * 10, 1920, 1080, &render_10m);
  live_p95 = jg_render_bench_live_frame_ms (200000, live_seconds, &live_events);

  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cores");
      json_builder_add_int_value (builder, g_get_num_processors ());
      json_builder_set_member_name (builder, "clock_ns");
      json_builder_add_double_value (builder, clock_ns);
      json_builder_set_member_name (builder, "probe_ns_per_event");
      json_builder_add_double_value (builder, probe_ns);
      json_builder_set_member_name (builder, "probe_vs_clock");
      json_builder_add_double_value (builder, probe_ns / clock_ns);
      json_builder_set_member_name (builder, "state_change_ns");
      json_builder_add_double_value (builder, state_change_ns);
      json_builder_set_member_name (builder, "probe_stalls");
      json_builder_add_int_value (builder, stalls);
      json_builder_set_member_name (builder, "events");
      json_builder_add_int_value (builder, (gint64) events);
      json_builder_set_member_name (builder, "save_1m_s");
      json_builder_add_double_value (builder, median (save_s, repeats) * 1e6 / events);
      json_builder_set_member_name (builder, "load_1m_s");
      json_builder_add_double_value (builder, median (load_s, repeats) * 1e6 / events);
      json_builder_set_member_name (builder, "spans_and_metrics_1m_s");
      json_builder_add_double_value (builder, spans_s * 1e6 / events);
      json_builder_set_member_name (builder, "bytes_per_event_file");
      json_builder_add_double_value (builder, (double) st.st_size / events);
      json_builder_set_member_name (builder, "bytes_per_event_memory");
      json_builder_add_double_value (builder, memory_per_event);
      json_builder_set_member_name (builder, "load_10m_s");
      json_builder_add_double_value (builder, large.load_10m_s);
      json_builder_set_member_name (builder, "bytes_per_event_memory_10m");
      json_builder_add_double_value (builder, large.bytes_per_event_memory);
      json_builder_set_member_name (builder, "export_chrome_1m_s");
      json_builder_add_double_value (builder, large.export_chrome_1m_s);
      json_builder_set_member_name (builder, "render_ms_1m");
      json_builder_add_double_value (builder, render_1m.frame_ms);
      json_builder_set_member_name (builder, "render_ms_10m");
      json_builder_add_double_value (builder, render_10m.frame_ms);
      json_builder_set_member_name (builder, "render_events_10m");
      json_builder_add_int_value (builder, (gint64) render_10m.n_events);
      json_builder_set_member_name (builder, "lod_bytes_per_event");
      json_builder_add_double_value (builder, render_10m.lod_bytes_per_event);
      json_builder_set_member_name (builder, "lod_build_10m_s");
      json_builder_add_double_value (builder, render_10m.spans_s + render_10m.lod_s);
      json_builder_set_member_name (builder, "live_frame_ms_p95");
      json_builder_add_double_value (builder, live_p95);
      json_builder_set_member_name (builder, "live_events");
      json_builder_add_int_value (builder, (gint64) live_events);
      json_builder_end_object (builder);
      jg_cli_print_json (builder);
    }
  else
    {
      printf ("%-26s %10s   %s\n", _("figure"), _("measured"), _("goal"));
      printf ("%-26s %10.1f\n", "clock_ns", clock_ns);
      printf ("%-26s %10.1f   ≤ %.1f (1.5 × clock_ns)\n", "probe_ns_per_event", probe_ns, 1.5 * clock_ns);
      printf ("%-26s %10.1f   (RUN + CPU_TIME + SUSPEND, two thread-CPU clock reads)\n", "state_change_ns", state_change_ns);
      printf ("%-26s %10.3f   ≤ 0.5\n", "save_1m_s", median (save_s, repeats) * 1e6 / events);
      printf ("%-26s %10.3f   ≤ 0.5\n", "load_1m_s", median (load_s, repeats) * 1e6 / events);
      printf ("%-26s %10.3f\n", "spans_and_metrics_1m_s", spans_s * 1e6 / events);
      printf ("%-26s %10.1f   ≤ 32\n", "bytes_per_event_file", (double) st.st_size / events);
      printf ("%-26s %10.1f   ≤ 32\n", "bytes_per_event_memory", memory_per_event);
      printf ("%-26s %10.3f   ≤ 4\n", "load_10m_s", large.load_10m_s);
      printf ("%-26s %10.1f   ≤ 32 (%" G_GUINT64_FORMAT " events)\n", "bytes_per_event_memory_10m",
              large.bytes_per_event_memory, large.large_events);
      printf ("%-26s %10.3f\n", "export_chrome_1m_s", large.export_chrome_1m_s);
      printf ("%-26s %10.2f   ≤ 8 (1920×1080, %" G_GUINT64_FORMAT " events)\n", "render_ms_1m",
              render_1m.frame_ms, render_1m.n_events);
      printf ("%-26s %10.2f   ≤ 16 (%" G_GUINT64_FORMAT " events)\n", "render_ms_10m",
              render_10m.frame_ms, render_10m.n_events);
      printf ("%-26s %10.2f   ≤ 16 (%" G_GUINT64_FORMAT " events recorded live)\n", "live_frame_ms_p95",
              live_p95, live_events);
      printf ("%-26s %10.1f\n", "lod_bytes_per_event", render_10m.lod_bytes_per_event);
      printf ("(%" G_GUINT64_FORMAT " events recorded by %d threads on %u cores; probe stalls: %u)\n",
              events, N_THREADS, g_get_num_processors (), stalls);
    }
  return EXIT_SUCCESS;
}
