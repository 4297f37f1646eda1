/* test-trace.c: the trace store: chunks, published prefix, lanes, strings, metadata. */
#include "jg-trace.h"

static JgEvent
make_event (guint64 ts,
            guint32 task,
            guint32 arg)
{
  JgEvent event = { ts, task, 0, JG_EVENT_RUN, 0, arg };

  return event;
}

static void
test_append_across_chunks (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  guint64 total = JG_TRACE_CHUNK_EVENTS * 2 + 123;
  g_autofree JgEvent *events = g_new (JgEvent, total);
  guint64 first = 0, n;

  for (guint64 i = 0; i < total; i++)
    events[i] = make_event (i * 10, 0, (guint32) i);

  /* Uneven batches, so a batch straddles a chunk boundary. */
  jg_trace_append (trace, events, 1000);
  jg_trace_append (trace, events + 1000, JG_TRACE_CHUNK_EVENTS);
  jg_trace_append (trace, events + 1000 + JG_TRACE_CHUNK_EVENTS, total - 1000 - JG_TRACE_CHUNK_EVENTS);

  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, total);
  for (guint64 i = 0; i < total; i += 997)
    g_assert_cmpuint (jg_trace_get_event (trace, i)->arg, ==, i);
  g_assert_cmpuint (jg_trace_get_event (trace, total - 1)->arg, ==, total - 1);

  /* Contiguous runs never cross a chunk and cover everything once. */
  while ((jg_trace_get_events (trace, first, &n)) != NULL)
    {
      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n, <=, JG_TRACE_CHUNK_EVENTS);
      g_assert_cmpuint (jg_trace_get_event (trace, first)->arg, ==, first);
      first += n;
    }
  g_assert_cmpuint (first, ==, total);
  g_assert_true (jg_trace_is_sorted (trace));
  g_assert_cmpuint (jg_trace_get_duration_ns (trace), ==, (total - 1) * 10);

  /* Memory: the records and little else. */
  g_assert_cmpuint (jg_trace_get_memory_bytes (trace), <, total * 24 + JG_TRACE_CHUNK_EVENTS * 24 + 256 * 1024);
}

static void
test_sorted_flag_and_end (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  JgEvent a = make_event (100, 0, 0);
  JgEvent b = make_event (50, 0, 0);

  jg_trace_append (trace, &a, 1);
  g_assert_true (jg_trace_is_sorted (trace));
  jg_trace_append (trace, &b, 1);
  g_assert_false (jg_trace_is_sorted (trace));
  g_assert_cmpuint (jg_trace_get_duration_ns (trace), ==, 100);
  jg_trace_set_end_ns (trace, 5000);
  g_assert_cmpuint (jg_trace_get_duration_ns (trace), ==, 5000);

  g_assert_false (jg_trace_is_finished (trace));
  jg_trace_finish (trace);
  g_assert_true (jg_trace_is_finished (trace));
}

static void
test_lanes_and_strings (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  guint32 t0, t1, w0, c0, mark;

  g_assert_cmpstr (jg_trace_lookup_string (trace, 0), ==, "");
  mark = jg_trace_intern (trace, "lost update");
  g_assert_cmpuint (jg_trace_intern (trace, "lost update"), ==, mark);
  g_assert_cmpstr (jg_trace_lookup_string (trace, mark), ==, "lost update");
  g_assert_null (jg_trace_lookup_string (trace, 9999));

  t0 = jg_trace_add_task (trace, "Task 1", JG_LANE_NONE);
  t1 = jg_trace_add_task (trace, "Task 2", t0);
  w0 = jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 42);
  c0 = jg_trace_add_counter (trace, "queue length");

  g_assert_cmpuint (t0, ==, 0);
  g_assert_cmpuint (t1, ==, 1);
  g_assert_cmpuint (jg_trace_get_n_tasks (trace), ==, 2);
  g_assert_cmpuint (jg_trace_get_n_workers (trace), ==, 1);
  g_assert_cmpuint (jg_trace_get_n_counters (trace), ==, 1);
  g_assert_cmpstr (jg_trace_get_task_name (trace, t1), ==, "Task 2");
  g_assert_cmpuint (jg_trace_get_task (trace, t1).parent, ==, t0);
  g_assert_cmpuint (jg_trace_get_task (trace, t0).parent, ==, JG_LANE_NONE);
  g_assert_cmpstr (jg_trace_get_worker_name (trace, w0), ==, "Thread 1");
  g_assert_cmpint (jg_trace_get_worker (trace, w0).pid, ==, 42);
  g_assert_cmpstr (jg_trace_lookup_string (trace, jg_trace_get_counter (trace, c0).name), ==, "queue length");
}

static void
test_worker_kind_names (void)
{
  JgWorkerKind kind;

  g_assert_cmpstr (jg_worker_kind_name (JG_WORKER_LOOP), ==, "loop");
  g_assert_true (jg_worker_kind_from_name ("process", &kind));
  g_assert_cmpint (kind, ==, JG_WORKER_PROCESS);
  g_assert_false (jg_worker_kind_from_name ("fiber", &kind));
}

static void
test_metadata (void)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  char model[] = "threads";
  JgRunInfo run = { model, 4, "gil", 5.0, NULL };
  g_autoptr (JsonObject) params = json_object_new ();

  jg_trace_set_run_info (trace, &run);
  model[0] = 'X'; /* the trace keeps its own copy */
  g_assert_cmpstr (jg_trace_get_run_info (trace)->model, ==, "threads");
  g_assert_cmpuint (jg_trace_get_run_info (trace)->workers, ==, 4);
  g_assert_null (jg_trace_get_run_info (trace)->start_method);

  json_object_set_int_member (params, "tasks", 8);
  jg_trace_set_parameters (trace, params);
  g_assert_cmpint (json_object_get_int_member (jg_trace_get_parameters (trace), "tasks"), ==, 8);

  jg_trace_set_scenario (trace, "race", "The race counter", NULL);
  g_assert_cmpstr (jg_trace_get_scenario_id (trace), ==, "race");
  g_assert_cmpstr (jg_trace_get_title (trace), ==, "The race counter");

  jg_trace_set_machine_from_host (trace);
  g_assert_cmpuint (jg_trace_get_machine (trace)->n_cores, >=, g_get_num_processors ());
  g_assert_nonnull (jg_trace_get_machine (trace)->kernel);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/trace/append-across-chunks", test_append_across_chunks);
  g_test_add_func ("/core/trace/sorted-flag-and-end", test_sorted_flag_and_end);
  g_test_add_func ("/core/trace/lanes-and-strings", test_lanes_and_strings);
  g_test_add_func ("/core/trace/worker-kind-names", test_worker_kind_names);
  g_test_add_func ("/core/trace/metadata", test_metadata);
  return g_test_run ();
}
