/* jg-metrics.c: the run's numbers from its spans. A mean count over time is
 * the summed durations divided by the wall time. Parallelism is different: a
 * task is Running from its RUN event until it suspends, but when more such
 * tasks than free cores exist the OS time-slices them. So it counts the CPU
 * time each Running span really got (CPU_TIME events); for spans recorded
 * without it (imported traces), min (running, cores) integrated over time. */
#define G_LOG_DOMAIN "jg-metrics"

#include <string.h>

#include "jg-metrics.h"

typedef struct
{
  guint64 ts;
  gint    delta; /* +1 or -1 */
} Edge;

static gint
compare_edges (gconstpointer a,
               gconstpointer b)
{
  const Edge *ea = a;
  const Edge *eb = b;

  if (ea->ts != eb->ts)
    return ea->ts < eb->ts ? -1 : 1;
  /* Leave before entering at the same instant, so touching spans do not overlap. */
  return ea->delta - eb->delta;
}

/* Sweeps @edges in time order; returns the peak level, and in *capped_ns the
 * integral over time of min (level, cap). */
static guint
sweep (GArray  *edges,
       guint    cap,
       guint64 *capped_ns)
{
  gint level = 0, best = 0;
  guint64 last_ts = 0, integral = 0;

  g_array_sort (edges, compare_edges);
  for (guint i = 0; i < edges->len; i++)
    {
      const Edge *edge = &g_array_index (edges, Edge, i);

      integral += (edge->ts - last_ts) * (guint64) MIN ((guint) level, cap);
      last_ts = edge->ts;
      level += edge->delta;
      best = MAX (best, level);
    }
  if (capped_ns != NULL)
    *capped_ns = integral;
  return (guint) best;
}

static void
add_interval (GArray  *edges,
              guint64  start,
              guint64  end)
{
  Edge in = { start, +1 };
  Edge out = { end, -1 };

  if (end <= start)
    return;
  g_array_append_val (edges, in);
  g_array_append_val (edges, out);
}

static guint64
count_events_before (JgTrace *trace,
                     guint64  n_consumed,
                     guint64  until_ns)
{
  guint64 count = 0;

  for (guint64 first = 0; first < n_consumed; )
    {
      guint64 n;
      const JgEvent *events = jg_trace_get_events (trace, first, &n);

      n = MIN (n, n_consumed - first);
      for (guint64 i = 0; i < n; i++)
        count += events[i].ts <= until_ns;
      first += n;
    }
  return count;
}

void
jg_metrics_compute (JgMetrics *metrics,
                    JgTrace   *trace,
                    JgSpans   *spans,
                    guint64    until_ns)
{
  g_autoptr (GArray) flight = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr (GArray) running = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr (GArray) unmeasured = g_array_new (FALSE, FALSE, sizeof (Edge));
  guint64 measured_ns = 0, unmeasured_ns = 0;
  const JgMachineInfo *machine;
  guint64 end, in_flight_ns = 0;
  const JgGilSpan *gil;
  const JgGilDropRequest *requests;
  guint n_gil, n_requests;

  g_return_if_fail (metrics != NULL);
  g_return_if_fail (JG_IS_TRACE (trace));
  g_return_if_fail (spans != NULL);

  memset (metrics, 0, sizeof *metrics);

  /* A finished run ends when the recorder stopped; a live one at its newest event. */
  end = jg_trace_is_finished (trace) ? jg_trace_get_duration_ns (trace) : jg_spans_get_horizon (spans);
  end = MIN (end, until_ns);
  metrics->wall_ns = end;
  metrics->time_scale = jg_trace_get_time_scale (trace);
  metrics->events = until_ns == G_MAXUINT64
                    ? jg_spans_get_n_consumed (spans)
                    : count_events_before (trace, jg_spans_get_n_consumed (spans), until_ns);

  machine = jg_trace_get_machine (trace);
  metrics->n_cores = machine->n_cores > 0 ? machine->n_cores : g_get_num_processors ();

  for (guint32 task = 0; task < jg_spans_get_n_tasks (spans); task++)
    {
      guint n;
      const JgSpan *task_spans = jg_spans_get_task_spans (spans, task, &n);
      guint64 begin_ts, end_ts;
      JgEndStatus status;

      if (!jg_spans_get_task_began (spans, task, &begin_ts) || begin_ts > end)
        continue;

      metrics->tasks++;
      if (jg_spans_get_task_ended (spans, task, &end_ts, &status) && end_ts <= end)
        {
          metrics->tasks_ended++;
          if (status != JG_END_OK)
            metrics->tasks_failed++;
        }
      else
        {
          end_ts = end;
        }
      in_flight_ns += end_ts - begin_ts;
      add_interval (flight, begin_ts, end_ts);

      for (guint i = 0; i < n && task_spans[i].start < end; i++)
        {
          const JgSpan *span = &task_spans[i];
          guint64 span_end = MIN (span->end, end);
          guint64 length = span_end - span->start;

          if (span->state == JG_STATE_DONE)
            continue;
          metrics->state_ns[span->state] += length;
          if (span->state == JG_STATE_RUNNING)
            {
              guint64 on_cpu = length;

              add_interval (running, span->start, span_end);
              if (span->flags & JG_SPAN_CPU_MEASURED)
                {
                  guint64 whole = span->end - span->start;

                  /* The share of the measured CPU time that falls before the limit. */
                  on_cpu = whole > 0 ? MIN ((guint64) span->cpu_us * 1000, whole) * length / whole : 0;
                  measured_ns += on_cpu;
                }
              else
                {
                  add_interval (unmeasured, span->start, span_end);
                }
              if (span->cpu >= 0 && span->cpu < JG_METRICS_MAX_CORES)
                metrics->core_busy_ns[span->cpu] += on_cpu;
            }
        }
    }

  metrics->max_concurrency = sweep (flight, G_MAXUINT, NULL);
  metrics->max_parallelism = MIN (sweep (running, G_MAXUINT, NULL), metrics->n_cores);
  sweep (unmeasured, metrics->n_cores, &unmeasured_ns);
  metrics->cpu_ns = measured_ns + unmeasured_ns;
  metrics->gil_wait_ns = metrics->state_ns[JG_STATE_GIL_WAIT];
  if (end > 0)
    {
      metrics->concurrency = (double) in_flight_ns / (double) end;
      metrics->parallelism = (double) metrics->cpu_ns / (double) end;
      metrics->core_utilisation = (double) metrics->cpu_ns / ((double) end * metrics->n_cores);
    }

  for (guint i = 0; i < JG_METRICS_MAX_CORES; i++)
    metrics->cores_used += metrics->core_busy_ns[i] > 0;

  gil = jg_spans_get_gil_spans (spans, &n_gil);
  for (guint i = 0; i < n_gil; i++)
    metrics->gil_handoffs += gil[i].handoff && gil[i].start <= end;

  requests = jg_spans_get_drop_requests (spans, &n_requests);
  for (guint i = 0; i < n_requests; i++)
    metrics->gil_drop_requests += requests[i].ts <= end;
}

static void
add_seconds (JsonBuilder *builder,
             const char  *name,
             guint64      ns)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, ns / 1e9);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

void
jg_metrics_add_to_builder (const JgMetrics *metrics,
                           JsonBuilder     *builder)
{
  g_return_if_fail (metrics != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  add_int (builder, "events", (gint64) metrics->events);
  add_seconds (builder, "wall_s", metrics->wall_ns);
  /* Slow motion: every time here is stretched; the run's real length beside it. */
  add_double (builder, "time_scale", metrics->time_scale > 0 ? metrics->time_scale : 1.0);
  add_double (builder, "real_wall_s", metrics->wall_ns / 1e9 / (metrics->time_scale > 0 ? metrics->time_scale : 1.0));
  add_seconds (builder, "cpu_s", metrics->cpu_ns);
  add_double (builder, "concurrency", metrics->concurrency);
  add_double (builder, "parallelism", metrics->parallelism);
  add_int (builder, "max_concurrency", metrics->max_concurrency);
  add_int (builder, "max_parallelism", metrics->max_parallelism);
  add_double (builder, "core_utilisation", metrics->core_utilisation);
  add_int (builder, "cores", metrics->n_cores);
  add_int (builder, "cores_used", metrics->cores_used);
  add_int (builder, "gil_handoffs", metrics->gil_handoffs);
  add_int (builder, "gil_drop_requests", metrics->gil_drop_requests);
  add_seconds (builder, "gil_wait_s", metrics->gil_wait_ns);
  add_int (builder, "tasks", metrics->tasks);
  add_int (builder, "tasks_ended", metrics->tasks_ended);
  add_int (builder, "tasks_failed", metrics->tasks_failed);

  json_builder_set_member_name (builder, "states_s");
  json_builder_begin_object (builder);
  for (guint i = 0; i < JG_N_STATES; i++)
    if (i != JG_STATE_DONE)
      add_seconds (builder, jg_task_state_name (i), metrics->state_ns[i]);
  json_builder_end_object (builder);
}
