/* test-chrome-trace.c: Chrome Trace Event JSON. Native → Chrome → native keeps
 * every task, state span, GIL span and hand-off; the export follows the rules
 * Perfetto's importer applies; other tools' traces map to tasks with a report
 * of what did not map; bad files get errors that name the event; a failed
 * export leaves nothing behind. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "jg-chrome-trace.h"
#include "jg-metrics.h"
#include "jg-trace-bench.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

/* Helpers */

static void
export_ok (JgTrace    *trace,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JgSpans) spans = jg_spans_new ();
  g_autoptr(GError) error = NULL;

  jg_spans_update (spans, trace);
  g_assert_true (jg_chrome_trace_export (trace, spans, file, NULL, &error));
  g_assert_no_error (error);
}

static JgTrace *
import_ok (const char            *path,
           JgChromeImportReport **report)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  JgTrace *trace = jg_chrome_trace_import (file, report, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

static JgTrace *
import_text_ok (const char            *text,
                JgChromeImportReport **report)
{
  g_autoptr(GError) error = NULL;
  JgTrace *trace = jg_chrome_trace_import_data (text, strlen (text), "test.json", report, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

static guint64
report_count (JgChromeImportReport *report,
              const char           *id)
{
  for (guint i = 0; i < jg_chrome_import_report_get_n_items (report); i++)
    {
      guint64 count;

      if (g_str_equal (jg_chrome_import_report_get_item (report, i, &count, NULL), id))
        return count;
    }
  return 0;
}

/* A trace with one of everything: three workers (one a worker process), a
 * task in each state and end status, a task with no events, one still running
 * at the end, hand-offs on one interpreter and an open span on another, I/O
 * that nests in a state and I/O that does not, locks, marks and counters, and
 * names that need escaping. */
static JgTrace *
make_rich_trace (void)
{
  JgTrace *trace = jg_trace_new ();
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(JsonObject) results = json_object_new ();
  g_autoptr(JsonNode) definition = json_from_string ("{\"id\": \"rich\", \"tasks\": [1, 2.5, \"x\"]}", NULL);
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 3, 4, 5, 6, 7.25);
  JgRunInfo run = { "hybrid", 3, "per-interpreter", 5.0, "spawn" };
  JgMachineInfo machine = { 2, "Linux 6.1 x86_64", "Test \"CPU\"", "host\tname" };
  guint32 lock, lost, queue;
  enum { W_MAIN, W_THREAD, W_PROCESS };
  enum { T_MAIN, T_FETCH, T_CRUNCH, T_SLEEPER, T_NEVER, T_OPEN };

  jg_trace_set_scenario (trace, "rich", "Rich “trace”", definition);
  json_object_set_int_member (parameters, "threads", 2);
  json_object_set_string_member (parameters, "mode", "fast");
  jg_trace_set_parameters (trace, parameters);
  json_object_set_double_member (results, "final", 1994.5);
  jg_trace_set_results (trace, results);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  jg_trace_set_created (trace, created);
  jg_trace_set_epoch_ns (trace, 123456789);

  jg_trace_add_worker (trace, "MainThread", JG_WORKER_THREAD, 1000);
  jg_trace_add_worker (trace, "Thread-1 \"io\"", JG_WORKER_THREAD, 1000);
  jg_trace_add_worker (trace, "juggler-worker 1", JG_WORKER_PROCESS, 2000);
  jg_trace_add_task (trace, "main", JG_LANE_NONE);
  jg_trace_add_task (trace, "fetch \"a\"\\b", T_MAIN);
  jg_trace_add_task (trace, "crunch ✓é", T_MAIN);
  jg_trace_add_task (trace, "sleeper\x01\n", JG_LANE_NONE);
  jg_trace_add_task (trace, "never", JG_LANE_NONE);
  jg_trace_add_task (trace, "open", JG_LANE_NONE);
  queue = jg_trace_add_counter (trace, "queue");
  jg_trace_add_counter (trace, "queue");
  lock = jg_trace_intern (trace, "lock A");
  lost = jg_trace_intern (trace, "lost \"update\"\n\x7f");

  {
    const JgEvent events[] = {
      { 0, T_MAIN, W_MAIN, JG_EVENT_TASK_BEGIN, 0, 0 },
      { 0, T_MAIN, W_MAIN, JG_EVENT_GIL_REQUEST, 0, JG_GIL_ARG (0, 0) },
      { 0, T_MAIN, W_MAIN, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
      { 0, T_MAIN, W_MAIN, JG_EVENT_RUN, 0, 0 },
      { 100, T_FETCH, W_THREAD, JG_EVENT_TASK_BEGIN, 1, 0 },
      { 110, T_FETCH, W_THREAD, JG_EVENT_GIL_REQUEST, 1, JG_GIL_ARG (0, 0) },
      { 110, T_FETCH, W_THREAD, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL },
      { 400, T_SLEEPER, W_MAIN, JG_EVENT_SUSPEND, -1, JG_SUSPEND_SLEEP },
      { 500, T_CRUNCH, W_PROCESS, JG_EVENT_TASK_BEGIN, 1, 0 },
      { 500, T_CRUNCH, W_PROCESS, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (1, 0) },
      { 500, T_CRUNCH, W_PROCESS, JG_EVENT_RUN, 1, 0 },
      { 800, T_SLEEPER, W_MAIN, JG_EVENT_TASK_END, -1, JG_END_ARG (JG_END_CANCELLED, 0) },
      { 900, T_CRUNCH, W_PROCESS, JG_EVENT_IO_BEGIN, 1, JG_IO_FILE },
      { 950, T_CRUNCH, W_PROCESS, JG_EVENT_IO_END, 1, JG_IO_FILE },
      { 1000, T_FETCH, W_THREAD, JG_EVENT_GIL_DROP_REQUEST, 1, JG_GIL_ARG (0, 0) },
      { 1200, T_CRUNCH, W_PROCESS, JG_EVENT_TASK_END, 1, JG_END_ARG (JG_END_OK, 0) },
      { 1500, T_MAIN, W_MAIN, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL) },
      { 1500, T_MAIN, W_MAIN, JG_EVENT_CPU_TIME, 0, 1 },
      { 1500, T_MAIN, W_MAIN, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL },
      { 1500, T_MAIN, W_MAIN, JG_EVENT_GIL_REQUEST, 0, JG_GIL_ARG (0, 0) },
      { 1600, T_FETCH, W_THREAD, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
      { 1600, T_FETCH, W_THREAD, JG_EVENT_RUN, 1, 0 },
      { 1700, T_FETCH, W_THREAD, JG_EVENT_LOCK_WAIT, 1, lock },
      { 1700, T_FETCH, W_THREAD, JG_EVENT_CPU_TIME, 1, 0 },
      { 1700, T_FETCH, W_THREAD, JG_EVENT_SUSPEND, 1, JG_SUSPEND_LOCK },
      { 1700, T_FETCH, W_THREAD, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_IO) },
      { 1750, T_MAIN, W_MAIN, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
      { 1750, T_MAIN, W_MAIN, JG_EVENT_RUN, 0, 0 },
      { 1900, T_MAIN, W_MAIN, JG_EVENT_LOCK_RELEASE, 0, lock },
      { 2000, T_FETCH, W_THREAD, JG_EVENT_LOCK_ACQUIRE, 1, lock },
      { 2000, T_MAIN, W_MAIN, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL) },
      { 2000, T_MAIN, W_MAIN, JG_EVENT_SUSPEND, 0, JG_SUSPEND_READY },
      { 2010, T_FETCH, W_THREAD, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
      { 2010, T_FETCH, W_THREAD, JG_EVENT_RUN, 1, 0 },
      /* Begins while Running, ends in I/O wait: not one state's child. */
      { 2050, T_FETCH, W_THREAD, JG_EVENT_IO_BEGIN, 1, JG_IO_SOCKET },
      { 2100, T_FETCH, W_THREAD, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_IO) },
      { 2100, T_FETCH, W_THREAD, JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO },
      { 2500, T_FETCH, W_THREAD, JG_EVENT_IO_END, 1, JG_IO_SOCKET },
      { 2500, T_FETCH, W_THREAD, JG_EVENT_SUSPEND, 1, JG_SUSPEND_SLEEP },
      { 2600, T_FETCH, W_THREAD, JG_EVENT_IO_BEGIN, 0, JG_IO_SLEEP },
      { 2900, T_FETCH, W_THREAD, JG_EVENT_IO_END, 1, JG_IO_SLEEP },
      { 3000, T_FETCH, W_THREAD, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
      { 3000, T_FETCH, W_THREAD, JG_EVENT_RUN, 1, 0 },
      { 3100, T_FETCH, W_THREAD, JG_EVENT_MARK, 1, lost },
      { 3200, T_FETCH, W_THREAD, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
      { 3200, T_FETCH, W_THREAD, JG_EVENT_TASK_END, 1, JG_END_ARG (JG_END_OK, 0) },
      { 3200, T_MAIN, W_MAIN, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
      { 3200, T_MAIN, W_MAIN, JG_EVENT_RUN, 0, 0 },
      { 3300, queue, W_MAIN, JG_EVENT_COUNTER, 0, 5 },
      { 3300, queue + 1, W_MAIN, JG_EVENT_COUNTER, 0, 7 },
      { 3400, T_MAIN, W_MAIN, JG_EVENT_SUSPEND, 0, JG_SUSPEND_AWAIT },
      { 3400, T_MAIN, W_MAIN, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_IO) },
      { 3500, T_MAIN, W_MAIN, JG_EVENT_SUSPEND, 0, JG_SUSPEND_QUEUE },
      { 3600, T_MAIN, W_MAIN, JG_EVENT_SUSPEND, 1, JG_SUSPEND_SEMAPHORE },
      { 3700, T_MAIN, W_MAIN, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
      { 3700, T_MAIN, W_MAIN, JG_EVENT_RUN, 0, 0 },
      { 3800, T_MAIN, W_MAIN, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
      { 3800, T_MAIN, W_MAIN, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_ERROR, 0) },
      { 3850, T_OPEN, W_MAIN, JG_EVENT_RUN, 0, 0 },
      { 3860, T_OPEN, W_MAIN, JG_EVENT_IO_BEGIN, 0, JG_IO_PIPE },
      /* The newest event is one the export has no place for: the open spans
       * must still reach it. */
      { 4000, T_OPEN, W_MAIN, JG_EVENT_GIL_REQUEST, 0, JG_GIL_ARG (0, 0) },
    };

    jg_trace_append (trace, events, G_N_ELEMENTS (events));
  }
  jg_trace_set_end_ns (trace, 5000);
  jg_trace_finish (trace);
  return trace;
}

/* Comparing traces */

static void
assert_same_spans (JgTrace *a,
                   JgTrace *b)
{
  g_autoptr(JgSpans) sa = jg_spans_new ();
  g_autoptr(JgSpans) sb = jg_spans_new ();
  const JgGilSpan *ga, *gb;
  const JgGilDropRequest *da, *db;
  guint na, nb;

  jg_spans_update (sa, a);
  jg_spans_update (sb, b);
  g_assert_cmpuint (jg_spans_get_horizon (sa), ==, jg_spans_get_horizon (sb));
  g_assert_cmpuint (jg_spans_get_n_anomalies (sb), ==, 0);

  for (guint32 t = 0; t < jg_trace_get_n_tasks (a); t++)
    {
      const JgSpan *x = jg_spans_get_task_spans (sa, t, &na);
      const JgSpan *y = jg_spans_get_task_spans (sb, t, &nb);

      g_assert_cmpuint (na, ==, nb);
      for (guint i = 0; i < na; i++)
        {
          g_assert_cmpuint (x[i].start, ==, y[i].start);
          g_assert_cmpuint (x[i].end, ==, y[i].end);
          g_assert_cmpuint (x[i].state, ==, y[i].state);
          g_assert_cmpuint (x[i].reason, ==, y[i].reason);
          g_assert_cmpuint (x[i].worker, ==, y[i].worker);
          g_assert_cmpint (x[i].cpu, ==, y[i].cpu);
          g_assert_cmpuint (x[i].flags, ==, y[i].flags);
          g_assert_cmpuint (x[i].cpu_us, ==, y[i].cpu_us);
        }
    }

  ga = jg_spans_get_gil_spans (sa, &na);
  gb = jg_spans_get_gil_spans (sb, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (ga[i].start, ==, gb[i].start);
      g_assert_cmpuint (ga[i].end, ==, gb[i].end);
      g_assert_cmpuint (ga[i].task, ==, gb[i].task);
      g_assert_cmpuint (ga[i].interp, ==, gb[i].interp);
      g_assert_cmpint (ga[i].cpu, ==, gb[i].cpu);
      g_assert_cmpuint (ga[i].handoff, ==, gb[i].handoff);
      g_assert_cmpuint (ga[i].flags, ==, gb[i].flags);
      if (!(ga[i].flags & JG_SPAN_OPEN))
        g_assert_cmpuint (ga[i].drop_reason, ==, gb[i].drop_reason);
    }

  da = jg_spans_get_drop_requests (sa, &na);
  db = jg_spans_get_drop_requests (sb, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (da[i].ts, ==, db[i].ts);
      g_assert_cmpuint (da[i].task, ==, db[i].task);
      g_assert_cmpuint (da[i].interp, ==, db[i].interp);
    }
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The events the spans do not hold, as sorted text: I/O, locks, marks, drop
 * requests, counter samples (whose worker and cpu the export does not keep). */
static char *
detail_events (JgTrace *trace)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *e = jg_trace_get_event (trace, i);
      const char *string = NULL;

      switch (e->kind)
        {
        case JG_EVENT_COUNTER:
          g_ptr_array_add (lines, g_strdup_printf ("%" G_GUINT64_FORMAT " counter %u = %u",
                                                   e->ts, e->task, e->arg));
          continue;
        case JG_EVENT_LOCK_WAIT:
        case JG_EVENT_LOCK_ACQUIRE:
        case JG_EVENT_LOCK_RELEASE:
        case JG_EVENT_MARK:
          string = jg_trace_lookup_string (trace, e->arg);
          G_GNUC_FALLTHROUGH;
        case JG_EVENT_IO_BEGIN:
        case JG_EVENT_IO_END:
        case JG_EVENT_GIL_DROP_REQUEST:
          g_ptr_array_add (lines, g_strdup_printf ("%" G_GUINT64_FORMAT " %s task %u worker %u cpu %d arg %u %s",
                                                   e->ts, jg_event_kind_name (e->kind), e->task,
                                                   e->worker, e->cpu, e->arg, string ? string : ""));
          break;
        default:
          break;
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

static void
assert_same_lanes (JgTrace *a,
                   JgTrace *b)
{
  g_assert_cmpuint (jg_trace_get_n_tasks (a), ==, jg_trace_get_n_tasks (b));
  g_assert_cmpuint (jg_trace_get_n_workers (a), ==, jg_trace_get_n_workers (b));
  g_assert_cmpuint (jg_trace_get_n_counters (a), ==, jg_trace_get_n_counters (b));
  g_assert_cmpuint (jg_trace_get_n_strings (a), ==, jg_trace_get_n_strings (b));
  for (guint32 i = 0; i < jg_trace_get_n_strings (a); i++)
    g_assert_cmpstr (jg_trace_lookup_string (a, i), ==, jg_trace_lookup_string (b, i));
  for (guint32 t = 0; t < jg_trace_get_n_tasks (a); t++)
    {
      g_assert_cmpuint (jg_trace_get_task (a, t).name, ==, jg_trace_get_task (b, t).name);
      g_assert_cmpuint (jg_trace_get_task (a, t).parent, ==, jg_trace_get_task (b, t).parent);
    }
  for (guint32 w = 0; w < jg_trace_get_n_workers (a); w++)
    {
      JgWorkerLane x = jg_trace_get_worker (a, w), y = jg_trace_get_worker (b, w);

      g_assert_cmpuint (x.name, ==, y.name);
      g_assert_cmpint (x.kind, ==, y.kind);
      g_assert_cmpint (x.pid, ==, y.pid);
    }
  for (guint32 c = 0; c < jg_trace_get_n_counters (a); c++)
    g_assert_cmpuint (jg_trace_get_counter (a, c).name, ==, jg_trace_get_counter (b, c).name);
}

static void
assert_same_json_object (JsonObject *a,
                         JsonObject *b)
{
  g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), b);

  g_assert_true (json_node_equal (na, nb));
}

static void
assert_same_metadata (JgTrace *a,
                      JgTrace *b)
{
  const JgRunInfo *ra = jg_trace_get_run_info (a), *rb = jg_trace_get_run_info (b);
  const JgMachineInfo *ma = jg_trace_get_machine (a), *mb = jg_trace_get_machine (b);

  g_assert_cmpstr (jg_trace_get_scenario_id (a), ==, jg_trace_get_scenario_id (b));
  g_assert_cmpstr (jg_trace_get_title (a), ==, jg_trace_get_title (b));
  g_assert_true ((jg_trace_get_scenario (a) == NULL) == (jg_trace_get_scenario (b) == NULL));
  if (jg_trace_get_scenario (a) != NULL)
    g_assert_true (json_node_equal (jg_trace_get_scenario (a), jg_trace_get_scenario (b)));
  assert_same_json_object (jg_trace_get_parameters (a), jg_trace_get_parameters (b));
  assert_same_json_object (jg_trace_get_results (a), jg_trace_get_results (b));
  g_assert_cmpstr (ra->model, ==, rb->model);
  g_assert_cmpuint (ra->workers, ==, rb->workers);
  g_assert_cmpstr (ra->interpreter, ==, rb->interpreter);
  g_assert_cmpfloat (ra->switch_interval_ms, ==, rb->switch_interval_ms);
  g_assert_cmpstr (ra->start_method, ==, rb->start_method);
  g_assert_cmpuint (ma->n_cores, ==, mb->n_cores);
  g_assert_cmpstr (ma->kernel, ==, mb->kernel);
  g_assert_cmpstr (ma->cpu_model, ==, mb->cpu_model);
  g_assert_cmpstr (ma->hostname, ==, mb->hostname);
  g_assert_true ((jg_trace_get_created (a) == NULL) == (jg_trace_get_created (b) == NULL));
  if (jg_trace_get_created (a) != NULL)
    g_assert_true (g_date_time_equal (jg_trace_get_created (a), jg_trace_get_created (b)));
  g_assert_cmpuint (jg_trace_get_epoch_ns (a), ==, jg_trace_get_epoch_ns (b));
  g_assert_cmpuint (jg_trace_get_duration_ns (a), ==, jg_trace_get_duration_ns (b));
}

/* The rules Perfetto's JSON importer applies */

typedef struct
{
  gint64 start;
  gint64 end;
} Interval;

typedef struct
{
  guint n_events;
  guint n_slices;
  guint n_flows;       /* complete s/f pairs */
  guint n_instants;
  guint n_counter_samples[3]; /* concurrency, parallelism, other */
  GHashTable *thread_names; /* "pid/tid" → name */
} Structure;

static void
structure_clear (Structure *s)
{
  g_clear_pointer (&s->thread_names, g_hash_table_unref);
}

/* Perfetto turns microseconds into nanoseconds as (gint64) (double * 1000). */
static gint64
perfetto_ns (JsonNode *node)
{
  return (gint64) (json_node_get_double (node) * 1000.0);
}

static int
compare_intervals (gconstpointer a,
                   gconstpointer b)
{
  const Interval *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return (x->end < y->end) - (x->end > y->end);
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static char *
track_of (JsonObject *event)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                          json_object_get_int_member (event, "pid"),
                          json_object_has_member (event, "tid") ? json_object_get_int_member (event, "tid") : -1);
}

static gboolean
inside_a_slice (GHashTable *tracks,
                const char *track,
                gint64      ts)
{
  GArray *slices = g_hash_table_lookup (tracks, track);

  for (guint i = 0; slices != NULL && i < slices->len; i++)
    {
      Interval *slice = &g_array_index (slices, Interval, i);

      if (slice->start < ts && ts < slice->end)
        return TRUE;
    }
  return FALSE;
}

static void
check_structure (const char *text,
                 Structure  *s)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) tracks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) process_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) flows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) used_tracks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) flow_events = g_ptr_array_new ();
  const char *p = text;
  JsonArray *events;
  GHashTableIter iter;
  gpointer key, value;

  memset (s, 0, sizeof *s);
  s->thread_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The first key is traceEvents: streaming readers look for it there. */
  while (g_ascii_isspace (*p))
    p++;
  g_assert_true (g_str_has_prefix (p, "{\"traceEvents\""));

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
  g_assert_nonnull (events);
  g_assert_true (json_object_has_member (json_node_get_object (json_parser_get_root (parser)), "otherData"));

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (event, "ph");
      g_autofree char *track = track_of (event);

      s->n_events++;
      g_assert_true (is_number (json_object_get_member (event, "ts")));
      g_assert_true (json_object_has_member (event, "pid"));

      if (g_str_equal (ph, "M"))
        {
          const char *name = json_object_get_string_member (event, "name");
          JsonObject *args = json_object_get_object_member (event, "args");

          if (g_str_equal (name, "thread_name"))
            g_hash_table_insert (s->thread_names, g_strdup (track),
                                 g_strdup (json_object_get_string_member (args, "name")));
          else if (g_str_equal (name, "process_name"))
            g_hash_table_add (process_names, g_strdup_printf ("%" G_GINT64_FORMAT,
                                                              json_object_get_int_member (event, "pid")));
          continue;
        }

      g_ptr_array_add (used_tracks, g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (event, "pid")));
      if (g_str_equal (ph, "X"))
        {
          GArray *slices = g_hash_table_lookup (tracks, track);
          Interval slice;

          g_assert_true (is_number (json_object_get_member (event, "dur")));
          g_assert_cmpfloat (json_object_get_double_member (event, "dur"), >=, 0);
          slice.start = perfetto_ns (json_object_get_member (event, "ts"));
          slice.end = slice.start + perfetto_ns (json_object_get_member (event, "dur"));
          if (slices == NULL)
            {
              slices = g_array_new (FALSE, FALSE, sizeof (Interval));
              g_hash_table_insert (tracks, g_strdup (track), slices);
            }
          g_array_append_val (slices, slice);
          g_ptr_array_add (used_tracks, g_steal_pointer (&track));
          s->n_slices++;
        }
      else if (g_str_equal (ph, "s") || g_str_equal (ph, "f"))
        {
          g_ptr_array_add (flow_events, event);
          g_ptr_array_add (used_tracks, g_steal_pointer (&track));
        }
      else if (g_str_equal (ph, "i"))
        {
          const char *scope = json_object_get_string_member (event, "s");

          g_assert_true (g_str_equal (scope, "t") || g_str_equal (scope, "g"));
          if (g_str_equal (scope, "t"))
            g_ptr_array_add (used_tracks, g_steal_pointer (&track));
          s->n_instants++;
        }
      else if (g_str_equal (ph, "C"))
        {
          const char *name = json_object_get_string_member (event, "name");
          JsonObjectIter args;
          const char *member;
          JsonNode *arg;

          json_object_iter_init (&args, json_object_get_object_member (event, "args"));
          while (json_object_iter_next (&args, &member, &arg))
            g_assert_true (is_number (arg));
          s->n_counter_samples[g_str_equal (name, "concurrency") ? 0 : g_str_equal (name, "parallelism") ? 1 : 2]++;
        }
      else
        {
          g_assert_not_reached ();
        }
    }

  /* Slices nest strictly per thread: none overlaps another partially. */
  g_hash_table_iter_init (&iter, tracks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *slices = value;
      g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (gint64));

      g_array_sort (slices, compare_intervals);
      for (guint i = 0; i < slices->len; i++)
        {
          Interval *slice = &g_array_index (slices, Interval, i);

          while (stack->len > 0 && g_array_index (stack, gint64, stack->len - 1) <= slice->start)
            g_array_set_size (stack, stack->len - 1);
          if (stack->len > 0)
            g_assert_cmpint (slice->end, <=, g_array_index (stack, gint64, stack->len - 1));
          g_array_append_val (stack, slice->end);
        }
    }

  /* Flow pairs: one s and one f per id, the same cat and name, each end
   * strictly inside a slice of its thread, the f binding to the enclosing one. */
  for (guint i = 0; i < flow_events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (flow_events, i);
      gint64 id = json_object_get_int_member (event, "id");
      JsonObject *other = g_hash_table_lookup (flows, &id);
      g_autofree char *track = track_of (event);

      g_assert_true (inside_a_slice (tracks, track, perfetto_ns (json_object_get_member (event, "ts"))));
      if (other == NULL)
        {
          g_hash_table_insert (flows, g_memdup2 (&id, sizeof id), event);
          continue;
        }
      g_assert_cmpstr (json_object_get_string_member (event, "cat"), ==,
                       json_object_get_string_member (other, "cat"));
      g_assert_cmpstr (json_object_get_string_member (event, "name"), ==,
                       json_object_get_string_member (other, "name"));
      g_assert_cmpstr (json_object_get_string_member (other, "ph"), ==, "s");
      g_assert_cmpstr (json_object_get_string_member (event, "ph"), ==, "f");
      g_assert_cmpstr (json_object_get_string_member (event, "bp"), ==, "e");
      g_assert_cmpfloat (json_object_get_double_member (other, "ts"), <=,
                         json_object_get_double_member (event, "ts"));
      g_hash_table_insert (flows, g_memdup2 (&id, sizeof id), NULL);
      s->n_flows++;
    }
  g_hash_table_iter_init (&iter, flows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_null (value); /* every s found its f */

  /* Every process and thread used is named. */
  for (guint i = 0; i < used_tracks->len; i++)
    {
      const char *track = g_ptr_array_index (used_tracks, i);

      if (strchr (track, '/') != NULL)
        g_assert_true (g_hash_table_contains (s->thread_names, track));
      else
        g_assert_true (g_hash_table_contains (process_names, track));
    }
}

/* Round trips */

static void
test_round_trip_rich (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "rich.json", NULL);
  g_autofree char *native_path = g_build_filename (dir, "rich.juggler", NULL);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autoptr(JgTrace) back = NULL;
  g_autoptr(JgTrace) reloaded = NULL;
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autoptr(GFile) native = g_file_new_for_path (native_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *details_a = NULL;
  g_autofree char *details_b = NULL;

  export_ok (trace, path);
  back = import_ok (path, &report);

  g_assert_true (jg_chrome_import_report_is_juggler (report));
  g_assert_cmpuint (jg_chrome_import_report_get_n_unmapped (report), ==, 0);
  g_assert_cmpuint (jg_chrome_import_report_get_n_items (report), ==, 0);
  assert_same_metadata (trace, back);
  assert_same_lanes (trace, back);
  assert_same_spans (trace, back);
  details_a = detail_events (trace);
  details_b = detail_events (back);
  g_assert_cmpstr (details_a, ==, details_b);

  /* What came back is a trace like any other: it saves and loads. */
  g_assert_true (jg_trace_file_save (back, native, NULL, &error));
  g_assert_no_error (error);
  reloaded = jg_trace_file_load (native, NULL, &error);
  g_assert_no_error (error);
  assert_same_spans (trace, reloaded);

  g_assert_true (test_remove_tree (dir));
}

/* A trace with no events (a run that was stopped at once) round-trips too. */
static void
test_round_trip_empty (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "empty.json", NULL);
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autoptr(JgTrace) back = NULL;
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autofree char *text = NULL;
  Structure s;

  jg_trace_add_task (trace, "never ran", JG_LANE_NONE);
  export_ok (trace, path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  check_structure (text, &s);
  structure_clear (&s);

  back = import_ok (path, &report);
  g_assert_true (jg_chrome_import_report_is_juggler (report));
  g_assert_cmpuint (jg_trace_get_n_events (back), ==, 0);
  g_assert_cmpuint (jg_trace_get_n_tasks (back), ==, 1);
  g_assert_cmpstr (jg_trace_get_task_name (back, 0), ==, "never ran");
  g_assert_true (test_remove_tree (dir));
}

/* Running spans that carry the CPU time they really got. */
static guint
count_measured_spans (JgTrace *trace)
{
  g_autoptr(JgSpans) spans = jg_spans_new ();
  guint measured = 0;

  jg_spans_update (spans, trace);
  for (guint32 t = 0; t < jg_trace_get_n_tasks (trace); t++)
    {
      guint n;
      const JgSpan *s = jg_spans_get_task_spans (spans, t, &n);

      for (guint i = 0; i < n; i++)
        if (s[i].flags & JG_SPAN_CPU_MEASURED)
          measured++;
    }
  return measured;
}

/* A run-sized trace: every task, state and hand-off survives. */
static void
test_round_trip_synthetic (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "synthetic.json", NULL);
  g_autoptr(JgTrace) trace = jg_trace_bench_make_trace (60000, 6, 42);
  g_autoptr(JgTrace) back = NULL;
  g_autoptr(JgSpans) sa = jg_spans_new ();
  g_autoptr(JgSpans) sb = jg_spans_new ();
  g_autofree char *details_a = NULL;
  g_autofree char *details_b = NULL;
  JgMetrics ma, mb;

  export_ok (trace, path);
  back = import_ok (path, NULL);
  assert_same_lanes (trace, back);
  assert_same_spans (trace, back);
  g_assert_cmpuint (count_measured_spans (back), >, 1000);
  details_a = detail_events (trace);
  details_b = detail_events (back);
  g_assert_cmpstr (details_a, ==, details_b);

  jg_spans_update (sa, trace);
  jg_spans_update (sb, back);
  jg_metrics_compute (&ma, trace, sa, G_MAXUINT64);
  jg_metrics_compute (&mb, back, sb, G_MAXUINT64);
  g_assert_cmpuint (ma.gil_handoffs, >, 100);
  g_assert_cmpuint (ma.gil_handoffs, ==, mb.gil_handoffs);
  g_assert_cmpuint (ma.gil_drop_requests, ==, mb.gil_drop_requests);
  g_assert_cmpuint (ma.tasks, ==, mb.tasks);
  g_assert_cmpuint (ma.tasks_ended, ==, mb.tasks_ended);
  g_assert_cmpfloat (ma.concurrency, ==, mb.concurrency);
  g_assert_cmpfloat (ma.parallelism, ==, mb.parallelism);

  g_assert_true (test_remove_tree (dir));
}

/* Structure */

static void
test_structure (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "structure.json", NULL);
  g_autoptr(JgTrace) trace = jg_trace_bench_make_trace (30000, 4, 9);
  g_autoptr(JgSpans) spans = jg_spans_new ();
  g_autofree char *text = NULL;
  Structure s;
  JgMetrics metrics;

  export_ok (trace, path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  check_structure (text, &s);

  jg_spans_update (spans, trace);
  jg_metrics_compute (&metrics, trace, spans, G_MAXUINT64);
  /* One arrow per hand-off, one track per task plus the GIL's. */
  g_assert_cmpuint (s.n_flows, ==, metrics.gil_handoffs);
  g_assert_cmpuint (g_hash_table_size (s.thread_names), ==, jg_trace_get_n_tasks (trace) + 1);
  g_assert_cmpuint (s.n_counter_samples[0], >, 0);
  g_assert_cmpuint (s.n_counter_samples[1], >, 0);
  g_assert_cmpuint (s.n_counter_samples[2], >, 0);
  structure_clear (&s);

  g_assert_true (test_remove_tree (dir));
}

static void
test_structure_rich (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "rich.json", NULL);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *other;
  Structure s;

  export_ok (trace, path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  check_structure (text, &s);

  /* Two interpreters, two GIL tracks; names escaped and read back as written. */
  g_assert_cmpstr (g_hash_table_lookup (s.thread_names, "1/3"), ==, "GIL (interpreter 0)");
  g_assert_true (strstr (text, "\"sleeper\\u0001\\n\"") != NULL);
  g_assert_true (strstr (text, "\"lost \\\"update\\\"\\n\\u007f\"") != NULL);
  g_assert_true (strstr (text, "\"fetch \\\"a\\\"\\\\b\"") != NULL);
  /* The process worker is a process of its own. */
  g_assert_true (strstr (text, "{\"ph\":\"M\",\"ts\":0,\"name\":\"process_name\",\"pid\":2,"
                               "\"args\":{\"name\":\"juggler-worker 1\"}}") != NULL);
  g_assert_cmpuint (s.n_flows, ==, 4);
  /* The socket call straddles Running and I/O wait: two instants, not a slice.
   * The sleep lies within its I/O wait: a slice inside it. */
  g_assert_nonnull (strstr (text, "\"cat\":\"juggler.io\",\"name\":\"I/O begin\",\"args\":{\"kind\":\"io-begin\",\"io\":\"socket\""));
  g_assert_nonnull (strstr (text, "\"cat\":\"juggler.io\",\"name\":\"I/O end\",\"args\":{\"kind\":\"io-end\",\"io\":\"socket\""));
  g_assert_nonnull (strstr (text, "\"cat\":\"juggler.io\",\"name\":\"sleep\""));

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  other = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "otherData");
  g_assert_cmpstr (json_object_get_string_member (other, "format"), ==, JG_CHROME_TRACE_FORMAT);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (other, "scenario"), "title"),
                   ==, "Rich “trace”");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (other, "run"), "model"),
                   ==, "hybrid");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (other, "machine"), "cores"),
                   ==, 2);
  structure_clear (&s);

  g_assert_true (test_remove_tree (dir));
}

/* Times are exact to the nanosecond, whether a reader rounds or truncates. */
static void
test_times_exact (void)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *events;
  guint checked = 0;

  jg_trace_add_worker (trace, "w", JG_WORKER_THREAD, 1);
  jg_trace_add_task (trace, "t", JG_LANE_NONE);
  /* Every nanosecond remainder, and times far from zero. */
  for (guint64 i = 0; i < 3000; i++)
    {
      JgEvent e = { G_GUINT64_CONSTANT (3600000000000) + i * 1001 + (i % 7), 0, 0,
                    i % 2 ? JG_EVENT_RUN : JG_EVENT_SUSPEND, 0, JG_SUSPEND_IO };

      jg_trace_append (trace, &e, 1);
    }
  g_assert_true (jg_chrome_trace_write (trace, NULL, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)));

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      JsonNode *ts = json_object_get_member (event, "ts");
      double us = json_node_get_double (ts);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "cat", NULL), JG_CHROME_CAT_STATE) != 0)
        continue;
      /* Truncation and rounding give the same, whole nanosecond. */
      g_assert_cmpint ((gint64) (us * 1000.0), ==, (gint64) (us * 1000.0 + 0.5));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 3000);
}

/* Past JG_CHROME_TRACE_MAX_COUNTER_SAMPLES changes, the metrics are averaged
 * per bucket, so a big trace's counters stay bounded. */
static void
test_counters_bounded (void)
{
  g_autoptr(JgTrace) trace = jg_trace_bench_make_trace (400000, 8, 5);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  const char *text, *p;
  gsize size;
  guint n = 0;

  g_assert_true (jg_chrome_trace_write (trace, NULL, stream, NULL, &error));
  g_assert_no_error (error);
  text = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream));
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  for (p = text; (p = g_strstr_len (p, text + size - p, "\"name\":\"parallelism\"")) != NULL; p++)
    n++;
  g_assert_cmpuint (n, >, 1000);
  g_assert_cmpuint (n, <=, JG_CHROME_TRACE_MAX_COUNTER_SAMPLES + 1);
  /* Averages: fractional values appear. */
  g_assert_nonnull (g_strstr_len (text, size, "\"tasks running\":0."));
}

/* Import of other tools' traces */

/* Like VizTracer writes them: X slices in the order they ended (children
 * first), names for the process and threads, a counter, an async pair, an
 * instant, a B/E pair, times as µs far from zero, some as strings. */
static const char viztracer_trace[] =
  "{\"traceEvents\": [\n"
  "  {\"ph\": \"M\", \"pid\": 4321, \"tid\": 4321, \"name\": \"process_name\", \"args\": {\"name\": \"python3 app.py\"}},\n"
  "  {\"ph\": \"M\", \"pid\": 4321, \"tid\": 4321, \"name\": \"thread_name\", \"args\": {\"name\": \"MainThread\"}},\n"
  "  {\"ph\": \"M\", \"pid\": 4321, \"tid\": 4400, \"name\": \"thread_name\", \"args\": {\"name\": \"Thread-1 (worker)\"}},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000020.5, \"dur\": 29.5, \"name\": \"open (<frozen io>)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000010, \"dur\": 190, \"name\": \"load (app.py:3)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4400, \"ts\": \"1700000000000120.001\", \"dur\": 280, \"name\": \"fetch (app.py:9)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4400, \"ts\": 1700000000000100, \"dur\": 500, \"name\": \"worker (app.py:7)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000300, \"dur\": 600, \"name\": \"compute (app.py:12)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000000, \"dur\": 1000, \"name\": \"<module> (app.py:1)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4400, \"ts\": 1700000000000700, \"dur\": 250.002, \"name\": \"worker (app.py:7)\", \"ph\": \"X\", \"cat\": \"FEE\"},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000500, \"ph\": \"C\", \"name\": \"queue\", \"args\": {\"size\": 3}},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000800, \"ph\": \"C\", \"name\": \"queue\", \"args\": {\"size\": 1.5}},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000150, \"ph\": \"b\", \"cat\": \"asyncio\", \"id\": \"0x1\", \"name\": \"fetch coroutine\"},\n"
  "  {\"pid\": 4321, \"tid\": 4321, \"ts\": 1700000000000400, \"ph\": \"e\", \"cat\": \"asyncio\", \"id\": \"0x1\", \"name\": \"fetch coroutine\"},\n"
  "  {\"pid\": 4321, \"tid\": 4400, \"ts\": 1700000000000450, \"ph\": \"i\", \"s\": \"t\", \"name\": \"checkpoint\"},\n"
  "  {\"pid\": 4321, \"tid\": 4500, \"ts\": 1700000000000050, \"ph\": \"B\", \"name\": \"gc\"},\n"
  "  {\"pid\": 4321, \"tid\": 4500, \"ts\": 1700000000000060, \"ph\": \"E\"}\n"
  "],\n"
  "\"viztracer_metadata\": {\"version\": \"0.16.0\", \"overflow\": false}}\n";

static void
assert_task (JgTrace     *trace,
             JgSpans     *spans,
             guint32      task,
             const char  *name,
             const char  *worker,
             guint64      begin,
             guint64      end)
{
  guint n;
  const JgSpan *s = jg_spans_get_task_spans (spans, task, &n);
  guint64 end_ts;

  g_assert_cmpstr (jg_trace_get_task_name (trace, task), ==, name);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (s[0].state, ==, JG_STATE_RUNNING);
  g_assert_cmpuint (s[0].start, ==, begin);
  g_assert_cmpuint (s[0].end, ==, end);
  g_assert_cmpstr (jg_trace_get_worker_name (trace, s[0].worker), ==, worker);
  g_assert_cmpint (s[1].state, ==, JG_STATE_DONE);
  g_assert_true (jg_spans_get_task_ended (spans, task, &end_ts, NULL));
  g_assert_cmpuint (end_ts, ==, end);
}

static void
test_import_viztracer (void)
{
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autoptr(JgTrace) trace = import_text_ok (viztracer_trace, &report);
  g_autoptr(JgSpans) spans = jg_spans_new ();
  g_autofree char *line = NULL;
  gboolean found_line = FALSE;
  guint n_marks = 0;

  g_assert_false (jg_chrome_import_report_is_juggler (report));
  g_assert_cmpuint (jg_chrome_import_report_get_n_read (report), ==, 17);

  /* Top-level slices are tasks, in the order they began; the trace starts at
   * the earliest event. */
  jg_spans_update (spans, trace);
  g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 4);
  assert_task (trace, spans, 0, "<module> (app.py:1)", "MainThread", 0, 1000000);
  assert_task (trace, spans, 1, "gc", "python3 app.py, thread 4500", 50000, 60000);
  assert_task (trace, spans, 2, "worker (app.py:7)", "Thread-1 (worker)", 100000, 600000);
  assert_task (trace, spans, 3, "worker (app.py:7)", "Thread-1 (worker)", 700000, 950002);
  g_assert_cmpuint (jg_trace_get_n_workers (trace), ==, 3);
  g_assert_cmpint (jg_trace_get_worker (trace, 0).pid, ==, 4321);
  g_assert_cmpstr (jg_trace_get_title (trace), ==, "test.json");

  /* The instant is a mark on the task running then; the counter a lane. */
  for (guint64 i = 0; i < jg_trace_get_n_events (trace); i++)
    {
      const JgEvent *e = jg_trace_get_event (trace, i);

      if (e->kind == JG_EVENT_MARK)
        {
          g_assert_cmpstr (jg_trace_lookup_string (trace, e->arg), ==, "checkpoint");
          g_assert_cmpuint (e->task, ==, 2);
          g_assert_cmpuint (e->ts, ==, 450000);
          n_marks++;
        }
      if (e->kind == JG_EVENT_COUNTER)
        g_assert_true ((e->ts == 500000 && e->arg == 3) || (e->ts == 800000 && e->arg == 2));
    }
  g_assert_cmpuint (n_marks, ==, 1);
  g_assert_cmpuint (jg_trace_get_n_counters (trace), ==, 1);
  g_assert_cmpstr (jg_trace_lookup_string (trace, jg_trace_get_counter (trace, 0).name), ==, "queue");

  /* What did not map is counted, not dropped silently. */
  g_assert_cmpuint (report_count (report, "async"), ==, 2);
  g_assert_cmpuint (report_count (report, "nested-slice"), ==, 4);
  g_assert_cmpuint (report_count (report, "counter-rounded"), ==, 1);
  g_assert_cmpuint (jg_chrome_import_report_get_n_unmapped (report), ==, 2);
  for (guint i = 0; i < jg_chrome_import_report_get_n_items (report); i++)
    {
      g_free (line);
      line = jg_chrome_import_report_describe_item (report, i);
      if (g_str_equal (line, "2 async events (ph b, e, n, S, T, p, F) were not imported"))
        found_line = TRUE;
    }
  g_assert_true (found_line);
}

/* A bare array, cut off before its ']' as Chrome leaves it; overlapping
 * slices and events of other phases are reported. */
static void
test_import_bare_array (void)
{
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autoptr(JgTrace) trace = import_text_ok (
    "[{\"ph\": \"X\", \"pid\": 1, \"tid\": 2, \"ts\": 0, \"dur\": 10, \"name\": \"a\"},\n"
    " {\"ph\": \"X\", \"pid\": 1, \"tid\": 2, \"ts\": 5, \"dur\": 10, \"name\": \"straddles\"},\n"
    " {\"ph\": \"s\", \"pid\": 1, \"tid\": 2, \"ts\": 1, \"id\": 1, \"name\": \"f\", \"cat\": \"c\"},\n"
    " {\"ph\": \"O\", \"pid\": 1, \"ts\": 1, \"id\": \"0x2\", \"name\": \"obj\"},\n"
    " {\"ph\": \"M\", \"pid\": 1, \"name\": \"process_uptime_seconds\", \"args\": {\"uptime\": 3}},\n"
    " {\"ph\": \"Q\", \"pid\": 1, \"ts\": 1},\n"
    " {\"ph\": \"X\", \"pid\": 1, \"tid\": 3, \"ts\": 2, \"dur\": 0, \"name\": \"\"},\n",
    &report);

  g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 2);
  g_assert_cmpstr (jg_trace_get_task_name (trace, 0), ==, "a");
  g_assert_cmpstr (jg_trace_get_task_name (trace, 1), ==, "(unnamed)");
  g_assert_cmpstr (jg_trace_get_worker_name (trace, 0), ==, "Thread 2");
  g_assert_cmpuint (report_count (report, "overlapping-slice"), ==, 1);
  g_assert_cmpuint (report_count (report, "flow"), ==, 1);
  g_assert_cmpuint (report_count (report, "object"), ==, 1);
  g_assert_cmpuint (report_count (report, "metadata"), ==, 1);
  g_assert_cmpuint (report_count (report, "unknown-phase"), ==, 1);
  g_assert_cmpuint (jg_chrome_import_report_get_n_unmapped (report), ==, 5);
}

static void
test_import_empty (void)
{
  g_autoptr(JgTrace) a = import_text_ok ("{\"traceEvents\": []}", NULL);
  g_autoptr(JgTrace) b = import_text_ok ("[]", NULL);

  g_assert_cmpuint (jg_trace_get_n_events (a), ==, 0);
  g_assert_cmpuint (jg_trace_get_n_events (b), ==, 0);
  g_assert_cmpuint (jg_trace_get_n_tasks (a), ==, 0);
}

/* An unclosed B lasts to the end of the trace, and says so. */
static void
test_import_unclosed_begin (void)
{
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autoptr(JgTrace) trace = import_text_ok (
    "{\"traceEvents\": [{\"ph\": \"B\", \"pid\": 1, \"tid\": 1, \"ts\": 10, \"name\": \"open\"},"
    "{\"ph\": \"X\", \"pid\": 1, \"tid\": 2, \"ts\": 0, \"dur\": 100, \"name\": \"other\"}]}",
    &report);
  guint64 end;
  g_autoptr(JgSpans) spans = jg_spans_new ();

  jg_spans_update (spans, trace);
  g_assert_cmpuint (report_count (report, "unclosed-begin"), ==, 1);
  g_assert_cmpstr (jg_trace_get_task_name (trace, 1), ==, "open");
  g_assert_true (jg_spans_get_task_ended (spans, 1, &end, NULL));
  g_assert_cmpuint (end, ==, 100000);
}

/* Bad files */

static void
assert_import_fails (const char *text,
                     gint        code,
                     const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JgChromeImportReport) report = NULL;
  g_autoptr(JgTrace) trace = jg_chrome_trace_import_data (text, strlen (text), "bad.json", &report, &error);

  g_assert_null (trace);
  g_assert_null (report);
  g_assert_error (error, JG_CHROME_TRACE_ERROR, code);
  if (strstr (error->message, message) == NULL)
    g_error ("expected “%s” in “%s”", message, error->message);
}

static void
test_bad_files (void)
{
  assert_import_fails ("", JG_CHROME_TRACE_ERROR_NOT_JSON, "bad.json: the file is empty");
  assert_import_fails ("{nope", JG_CHROME_TRACE_ERROR_NOT_JSON, "bad.json:1:2: not JSON");
  assert_import_fails ("{\"traceEvents\": [\n{\"ph\": \"X\",}]}", JG_CHROME_TRACE_ERROR_NOT_JSON,
                       "bad.json:2:12: not JSON: expected a member name, found '}'");
  assert_import_fails ("42", JG_CHROME_TRACE_ERROR_NOT_TRACE, "not a Chrome trace");
  assert_import_fails ("{\"events\": []}", JG_CHROME_TRACE_ERROR_NOT_TRACE, "no \"traceEvents\"");
  assert_import_fails ("{\"traceEvents\": {}}", JG_CHROME_TRACE_ERROR_NOT_TRACE,
                       "\"traceEvents\" must be an array");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 0, \"dur\": 1}, {\"ts\": 1}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "bad.json: traceEvents[1]: no \"ph\"");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": 7, \"ts\": 0}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: \"ph\" must be a string");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"i\", \"ts\": \"soon\"}]}",
                       JG_CHROME_TRACE_ERROR_INVALID,
                       "traceEvents[0]: \"ts\" must be a number of microseconds, got \"soon\"");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"i\", \"ts\": true}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: \"ts\" must be a number");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"i\", \"ts\": 1e300}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: \"ts\" 1e300 is out of range");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 0, \"name\": \"x\"}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: an \"X\" event needs \"dur\"");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 0, \"dur\": -1}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: \"dur\" must not be negative");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"B\", \"pid\": 1, \"tid\": 1, \"ts\": 0, \"name\": \"a\"},"
                       "{\"ph\": \"E\", \"pid\": 1, \"tid\": 1, \"ts\": 1},"
                       "{\"ph\": \"E\", \"pid\": 1, \"tid\": 1, \"ts\": 2}]}",
                       JG_CHROME_TRACE_ERROR_INVALID,
                       "traceEvents[2]: an \"E\" event with no \"B\" open on pid 1, tid 1");
  assert_import_fails ("{\"traceEvents\": [3]}", JG_CHROME_TRACE_ERROR_INVALID,
                       "traceEvents[0]: expected an object, got a number");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 0, \"dur\": 1, \"name\": 5}]}",
                       JG_CHROME_TRACE_ERROR_INVALID, "traceEvents[0]: \"name\" must be a string");
  assert_import_fails ("{\"traceEvents\": []} []", JG_CHROME_TRACE_ERROR_NOT_JSON,
                       "unexpected text after the document");
  assert_import_fails ("[{\"ph\": \"X\", \"ts\": 0, \"dur\": 1}] x", JG_CHROME_TRACE_ERROR_NOT_JSON,
                       "unexpected text after the array");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"i\", \"ts\": 0, \"name\": \"\\x\"}]}",
                       JG_CHROME_TRACE_ERROR_NOT_JSON, "invalid escape");
  assert_import_fails ("{\"traceEvents\": [{\"ph\": \"i\", \"ts\": 0, \"name\": \"\xff\"}]}",
                       JG_CHROME_TRACE_ERROR_NOT_JSON, "not valid UTF-8");
}

/* A Juggler export whose Juggler parts were tampered with: errors name the
 * event and the arg, rather than a wrong trace coming back. */
static void
test_bad_juggler_export (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "rich.json", NULL);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autofree char *text = NULL;
  g_autofree char *broken = NULL;
  char *slice;
  char *worker;

  export_ok (trace, path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));

  /* A state slice whose worker does not exist. */
  broken = g_strdup (text);
  slice = strstr (broken, "\"cat\":\"" JG_CHROME_CAT_STATE "\"");
  g_assert_nonnull (slice);
  worker = strstr (slice, "\"worker_id\":");
  g_assert_nonnull (worker);
  worker[strlen ("\"worker_id\":")] = '9';
  assert_import_fails (broken, JG_CHROME_TRACE_ERROR_INVALID, "args.worker_id 9 out of range");

  /* A state that does not exist. */
  g_free (broken);
  broken = g_strdup (text);
  slice = strstr (broken, "\"name\":\"running\"");
  g_assert_nonnull (slice);
  memcpy (slice + strlen ("\"name\":\""), "sprints", 7);
  assert_import_fails (broken, JG_CHROME_TRACE_ERROR_INVALID, "\"sprints\" is not a task state");

  /* A newer version. */
  g_free (broken);
  broken = g_strdup (text);
  slice = strstr (broken, "\"version\":1");
  g_assert_nonnull (slice);
  slice[strlen ("\"version\":")] = '7';
  assert_import_fails (broken, JG_CHROME_TRACE_ERROR_INVALID, "otherData.version: version 7");

  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/juggler/trace.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = jg_chrome_trace_import (file, NULL, NULL, &error);

  g_assert_null (trace);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "trace.json: "));
}

/* Exports that fail */

static void
test_export_missing_dir (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "missing", "out.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_chrome_trace_export (trace, NULL, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_entries (dir), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

static void
test_export_to_directory (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_chrome_trace_export (trace, NULL, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_cmpuint (test_count_entries (dir), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

/* A cancelled export leaves the file that was there, and no temporary file. */
static void
test_export_cancelled_keeps_old (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "out.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_cancellable_cancel (cancellable);
  g_assert_false (jg_chrome_trace_export (trace, NULL, file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_assert_cmpuint (test_count_entries (dir), ==, 1);

  /* And a successful one replaces it. */
  export_ok (trace, path);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{\"traceEvents\":["));
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
}

/* Writing to a stream gives the bytes the file gets. */
static void
test_write_stream (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-chrome-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "out.json", NULL);
  g_autoptr(JgTrace) trace = make_rich_trace ();
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  export_ok (trace, path);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (jg_chrome_trace_write (trace, NULL, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_output_stream_is_closed (stream));
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), ==, length);
  g_assert_cmpint (memcmp (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)), contents, length), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

/* The large-trace figures, measured on small traces: all there and sane. */
static void
test_bench_figures (void)
{
  JgTraceBenchFigures figures;
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_trace_bench_run (40000, 20000, &figures, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (figures.large_events, ==, 40000);
  g_assert_cmpuint (figures.export_events, ==, 20000);
  g_assert_cmpfloat (figures.load_large_s, >, 0);
  g_assert_cmpfloat_with_epsilon (figures.load_10m_s, figures.load_large_s * 250, 1e-9);
  g_assert_cmpfloat (figures.export_chrome_s, >, 0);
  g_assert_cmpfloat_with_epsilon (figures.export_chrome_1m_s, figures.export_chrome_s * 50, 1e-9);
  g_assert_cmpfloat (figures.bytes_per_event_memory, >=, sizeof (JgEvent));
  g_assert_cmpfloat (figures.bytes_per_event_file, >, 1);
  g_assert_cmpfloat (figures.bytes_per_event_chrome, >, figures.bytes_per_event_file);
  g_assert_cmpuint (figures.peak_rss_bytes, >, 0);
}

/* The synthetic trace behaves like a recorded one: the spans accept every
 * event, and the GIL changes hands. */
static void
test_bench_trace (void)
{
  g_autoptr(JgTrace) trace = jg_trace_bench_make_trace (100000, 8, 3);
  g_autoptr(JgTrace) again = jg_trace_bench_make_trace (100000, 8, 3);
  g_autoptr(JgSpans) spans = jg_spans_new ();
  JgMetrics metrics;

  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 100000);
  g_assert_true (jg_trace_is_sorted (trace));
  g_assert_cmpint (memcmp (jg_trace_get_event (trace, 99999), jg_trace_get_event (again, 99999),
                           sizeof (JgEvent)), ==, 0);
  jg_spans_update (spans, trace);
  g_assert_cmpuint (jg_spans_get_n_anomalies (spans), ==, 0);
  jg_metrics_compute (&metrics, trace, spans, G_MAXUINT64);
  g_assert_cmpuint (metrics.tasks, >, 100);
  g_assert_cmpuint (metrics.gil_handoffs, >, 1000);
  g_assert_cmpuint (metrics.gil_drop_requests, >, 100);
  g_assert_cmpuint (metrics.state_ns[JG_STATE_IO_WAIT], >, 0);
  /* One GIL: never more than one task on a CPU at once. */
  g_assert_cmpuint (metrics.max_parallelism, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/chrome-trace/round-trip/rich", test_round_trip_rich);
  g_test_add_func ("/core/chrome-trace/round-trip/synthetic", test_round_trip_synthetic);
  g_test_add_func ("/core/chrome-trace/round-trip/empty", test_round_trip_empty);
  g_test_add_func ("/core/chrome-trace/structure/synthetic", test_structure);
  g_test_add_func ("/core/chrome-trace/structure/rich", test_structure_rich);
  g_test_add_func ("/core/chrome-trace/structure/times-exact", test_times_exact);
  g_test_add_func ("/core/chrome-trace/structure/counters-bounded", test_counters_bounded);
  g_test_add_func ("/core/chrome-trace/import/viztracer", test_import_viztracer);
  g_test_add_func ("/core/chrome-trace/import/bare-array", test_import_bare_array);
  g_test_add_func ("/core/chrome-trace/import/empty", test_import_empty);
  g_test_add_func ("/core/chrome-trace/import/unclosed-begin", test_import_unclosed_begin);
  g_test_add_func ("/core/chrome-trace/bad/files", test_bad_files);
  g_test_add_func ("/core/chrome-trace/bad/juggler-export", test_bad_juggler_export);
  g_test_add_func ("/core/chrome-trace/bad/missing-file", test_bad_missing_file);
  g_test_add_func ("/core/chrome-trace/export/missing-dir", test_export_missing_dir);
  g_test_add_func ("/core/chrome-trace/export/to-directory", test_export_to_directory);
  g_test_add_func ("/core/chrome-trace/export/cancelled-keeps-old", test_export_cancelled_keeps_old);
  g_test_add_func ("/core/chrome-trace/export/stream", test_write_stream);
  g_test_add_func ("/core/chrome-trace/bench/trace", test_bench_trace);
  g_test_add_func ("/core/chrome-trace/bench/figures", test_bench_figures);

  return g_test_run ();
}
