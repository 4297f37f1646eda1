/* test-trace-file.c: the native trace file. Round trips keep every field; the
 * bytes match the documented encoding; every kind of bad file gets an error that
 * names the field; a failed save leaves the old file alone. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "jg-test-util.h"
#include "jg-trace-file.h"

/* The example of docs/trace-format.md: three events packed into one chunk. */
#define EXAMPLE_CHUNK "CgAAAAEAAwEADgIFigMAAA0ArAI="

static const char example_document[] =
  "{\n"
  "  \"format\": \"juggler-trace\",\n"
  "  \"version\": 1,\n"
  "  \"generator\": \"Juggler 0.1.0\",\n"
  "  \"created\": \"2026-11-22T01:02:03Z\",\n"
  "  \"scenario\": { \"id\": \"lost-update\", \"title\": \"Lost update\", \"definition\": null },\n"
  "  \"parameters\": { \"threads\": 2, \"iterations\": 1000 },\n"
  "  \"run\": { \"model\": \"threads\", \"workers\": 2, \"interpreter\": \"gil\",\n"
  "           \"switch_interval_ms\": 5.0, \"start_method\": null },\n"
  "  \"machine\": { \"cores\": 2, \"kernel\": \"Linux 6.1.0 x86_64\",\n"
  "               \"cpu_model\": \"Example CPU\", \"hostname\": \"classroom\" },\n"
  "  \"results\": { \"final\": 1994, \"expected\": 2000 },\n"
  "  \"epoch_ns\": 5000000,\n"
  "  \"duration_ns\": 1000,\n"
  "  \"strings\": [\"\", \"main\", \"worker\", \"MainThread\", \"queue length\", \"lost update\"],\n"
  "  \"tasks\": [{ \"name\": 1, \"parent\": null }, { \"name\": 2, \"parent\": 0 }],\n"
  "  \"workers\": [{ \"name\": 3, \"kind\": \"thread\", \"pid\": 4242 }],\n"
  "  \"counters\": [{ \"name\": 4 }],\n"
  "  \"events\": {\n"
  "    \"count\": 3,\n"
  "    \"encoding\": \"varint-delta-v1\",\n"
  "    \"chunk_events\": 65536,\n"
  "    \"chunks\": [\"" EXAMPLE_CHUNK "\"]\n"
  "  }\n"
  "}\n";

static const JgEvent example_events[] = {
  { 5, 0, 0, JG_EVENT_TASK_BEGIN, -1, 0 },
  { 3, 1, 0, JG_EVENT_MARK, 1, 5 },
  { 200, 0, 0, JG_EVENT_COUNTER, 0, 300 },
};

/* Helpers */

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
save_ok (JgTrace    *trace,
         const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_no_error (error);
}

static JgTrace *
load_ok (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  JgTrace *trace = jg_trace_file_load (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

static JsonNode *
parse_file (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static guint32
valid_arg (GRand   *rand,
           guint    kind,
           guint32  n_strings)
{
  switch (kind)
    {
    case JG_EVENT_TASK_END:
      return JG_END_ARG (g_rand_int_range (rand, 0, JG_END_N_STATUSES),
                         g_rand_int_range (rand, 0, 1 << 24));
    case JG_EVENT_SUSPEND:
      return g_rand_int_range (rand, 0, JG_SUSPEND_N_REASONS);
    case JG_EVENT_GIL_REQUEST:
    case JG_EVENT_GIL_TAKE:
    case JG_EVENT_GIL_DROP_REQUEST:
      return JG_GIL_ARG (g_rand_int_range (rand, 0, 1 << 24), 0);
    case JG_EVENT_GIL_DROP:
      return JG_GIL_ARG (g_rand_int_range (rand, 0, 3), g_rand_int_range (rand, 0, JG_GIL_DROP_N_REASONS));
    case JG_EVENT_IO_BEGIN:
    case JG_EVENT_IO_END:
      return g_rand_int_range (rand, 0, JG_IO_N_KINDS);
    case JG_EVENT_LOCK_WAIT:
    case JG_EVENT_LOCK_ACQUIRE:
    case JG_EVENT_LOCK_RELEASE:
    case JG_EVENT_MARK:
      return g_rand_int_range (rand, 0, n_strings);
    case JG_EVENT_COUNTER:
      return g_rand_boolean (rand) ? g_rand_int (rand) : (guint32) g_rand_int_range (rand, 0, 100);
    default:
      return 0;
    }
}

/* A trace with every kind of lane, metadata in every field, and @n_events
 * varied events: every kind, unknown cpus, time going backwards, huge ts. */
static JgTrace *
build_trace (guint64 n_events,
             guint32 seed)
{
  JgTrace *trace = jg_trace_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(JsonNode) parameters = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 11, 22, 1, 2, 3.25);
  JgRunInfo run = { "threads", 4, "gil", 5.0, "spawn" };
  JgMachineInfo machine = { 4, "Linux 6.1.0-13-amd64 x86_64", "Example CPU @ 2.0GHz", "classroom" };
  guint32 n_strings;
  guint64 ts = 0;

  jg_trace_add_task (trace, "main", JG_LANE_NONE);
  jg_trace_add_task (trace, "worker-1", 0);
  jg_trace_add_task (trace, "worker-2", 0);
  jg_trace_add_task (trace, "coro “fetch” \"quoted\"\n\ttabbed ünïcødé", 1);
  jg_trace_add_task (trace, "orphan", JG_LANE_NONE);
  jg_trace_add_worker (trace, "MainThread", JG_WORKER_THREAD, 4242);
  jg_trace_add_worker (trace, "juggler-worker", JG_WORKER_PROCESS, 4243);
  jg_trace_add_worker (trace, "asyncio loop", JG_WORKER_LOOP, 4242);
  jg_trace_add_counter (trace, "counter");
  jg_trace_add_counter (trace, "queue length");
  jg_trace_intern (trace, "lost update");
  jg_trace_intern (trace, "deadlock");
  jg_trace_intern (trace, "lock A");
  n_strings = jg_trace_get_n_strings (trace);

  definition = json_from_string ("{\"model\": \"threads\", \"steps\": [1, 2.5, \"x\", null, true],"
                                 " \"nested\": {\"a\": {}}}", NULL);
  parameters = json_from_string ("{\"workers\": 4, \"iterations\": 100000, \"name\": \"é\"}", NULL);
  results = json_from_string ("{\"final\": 199990, \"expected\": 200000, \"ratio\": 0.99995,"
                              " \"ok\": false, \"list\": []}", NULL);
  jg_trace_set_scenario (trace, "lost-update", "Lost update", definition);
  jg_trace_set_parameters (trace, json_node_get_object (parameters));
  jg_trace_set_results (trace, json_node_get_object (results));
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  jg_trace_set_created (trace, created);
  jg_trace_set_epoch_ns (trace, G_GUINT64_CONSTANT (1234567890123456));

  for (guint64 i = 0; i < n_events; i++)
    {
      JgEvent e;
      guint r = g_rand_int_range (rand, 0, 100);

      if (r == 0 && ts > 5000)
        ts -= g_rand_int_range (rand, 1, 5000);              /* out of order */
      else if (r == 1)
        ts += G_GUINT64_CONSTANT (1) << g_rand_int_range (rand, 20, 40); /* a long pause */
      else
        ts += g_rand_int_range (rand, 0, 3000);

      /* Every kind in turn at first, then at random. */
      e.kind = i < 2 * JG_EVENT_N_KINDS ? i % JG_EVENT_N_KINDS
                                        : (guint) g_rand_int_range (rand, 0, JG_EVENT_N_KINDS);
      e.ts = ts;
      e.task = e.kind == JG_EVENT_COUNTER ? (guint32) g_rand_int_range (rand, 0, 2)
                                          : (guint32) g_rand_int_range (rand, 0, 5);
      e.worker = g_rand_int_range (rand, 0, 3);
      e.cpu = g_rand_int_range (rand, -1, 4);
      e.arg = valid_arg (rand, e.kind, n_strings);
      g_array_append_val (events, e);
    }
  jg_trace_append (trace, (JgEvent *) events->data, events->len);
  jg_trace_set_end_ns (trace, ts + 1000);
  return trace;
}

static void
assert_json_objects_equal (JsonObject *a,
                           JsonObject *b)
{
  g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), b);
  g_autofree char *sa = json_to_string (na, FALSE);
  g_autofree char *sb = json_to_string (nb, FALSE);

  g_assert_cmpstr (sa, ==, sb);
  g_assert_true (json_node_equal (na, nb));
}

static void
assert_traces_equal (JgTrace *a,
                     JgTrace *b)
{
  const JgRunInfo *ra = jg_trace_get_run_info (a), *rb = jg_trace_get_run_info (b);
  const JgMachineInfo *ma = jg_trace_get_machine (a), *mb = jg_trace_get_machine (b);
  JsonNode *da = jg_trace_get_scenario (a), *db = jg_trace_get_scenario (b);
  guint64 n = jg_trace_get_n_events (a);

  g_assert_cmpuint (jg_trace_get_n_events (b), ==, n);
  for (guint64 i = 0; i < n; i++)
    {
      const JgEvent *ea = jg_trace_get_event (a, i);
      const JgEvent *eb = jg_trace_get_event (b, i);

      if (ea->ts != eb->ts || ea->task != eb->task || ea->worker != eb->worker
          || ea->kind != eb->kind || ea->cpu != eb->cpu || ea->arg != eb->arg)
        g_error ("event %" G_GUINT64_FORMAT " differs: ts %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                 " task %u/%u worker %u/%u kind %u/%u cpu %d/%d arg %u/%u", i,
                 ea->ts, eb->ts, ea->task, eb->task, ea->worker, eb->worker,
                 ea->kind, eb->kind, ea->cpu, eb->cpu, ea->arg, eb->arg);
    }
  g_assert_cmpint (jg_trace_is_sorted (a), ==, jg_trace_is_sorted (b));
  g_assert_cmpuint (jg_trace_get_duration_ns (a), ==, jg_trace_get_duration_ns (b));
  g_assert_cmpuint (jg_trace_get_epoch_ns (a), ==, jg_trace_get_epoch_ns (b));
  g_assert_true (jg_trace_is_finished (b));

  g_assert_cmpuint (jg_trace_get_n_strings (a), ==, jg_trace_get_n_strings (b));
  for (guint32 i = 0; i < jg_trace_get_n_strings (a); i++)
    g_assert_cmpstr (jg_trace_lookup_string (a, i), ==, jg_trace_lookup_string (b, i));

  g_assert_cmpuint (jg_trace_get_n_tasks (a), ==, jg_trace_get_n_tasks (b));
  for (guint32 i = 0; i < jg_trace_get_n_tasks (a); i++)
    {
      JgTaskLane la = jg_trace_get_task (a, i), lb = jg_trace_get_task (b, i);

      g_assert_cmpuint (la.name, ==, lb.name);
      g_assert_cmpuint (la.parent, ==, lb.parent);
    }
  g_assert_cmpuint (jg_trace_get_n_workers (a), ==, jg_trace_get_n_workers (b));
  for (guint32 i = 0; i < jg_trace_get_n_workers (a); i++)
    {
      JgWorkerLane la = jg_trace_get_worker (a, i), lb = jg_trace_get_worker (b, i);

      g_assert_cmpuint (la.name, ==, lb.name);
      g_assert_cmpint (la.kind, ==, lb.kind);
      g_assert_cmpint (la.pid, ==, lb.pid);
    }
  g_assert_cmpuint (jg_trace_get_n_counters (a), ==, jg_trace_get_n_counters (b));
  for (guint32 i = 0; i < jg_trace_get_n_counters (a); i++)
    g_assert_cmpuint (jg_trace_get_counter (a, i).name, ==, jg_trace_get_counter (b, i).name);

  g_assert_cmpstr (jg_trace_get_scenario_id (a), ==, jg_trace_get_scenario_id (b));
  g_assert_cmpstr (jg_trace_get_title (a), ==, jg_trace_get_title (b));
  g_assert_true ((da == NULL) == (db == NULL));
  if (da != NULL)
    g_assert_true (json_node_equal (da, db));
  assert_json_objects_equal (jg_trace_get_parameters (a), jg_trace_get_parameters (b));
  assert_json_objects_equal (jg_trace_get_results (a), jg_trace_get_results (b));

  g_assert_cmpstr (ra->model, ==, rb->model);
  g_assert_cmpuint (ra->workers, ==, rb->workers);
  g_assert_cmpstr (ra->interpreter, ==, rb->interpreter);
  g_assert_cmpfloat (ra->switch_interval_ms, ==, rb->switch_interval_ms);
  g_assert_cmpstr (ra->start_method, ==, rb->start_method);
  g_assert_cmpfloat (jg_trace_get_time_scale (a), ==, jg_trace_get_time_scale (b));

  g_assert_cmpuint (ma->n_cores, ==, mb->n_cores);
  g_assert_cmpstr (ma->kernel, ==, mb->kernel);
  g_assert_cmpstr (ma->cpu_model, ==, mb->cpu_model);
  g_assert_cmpstr (ma->hostname, ==, mb->hostname);

  g_assert_true ((jg_trace_get_created (a) == NULL) == (jg_trace_get_created (b) == NULL));
  if (jg_trace_get_created (a) != NULL)
    g_assert_true (g_date_time_equal (jg_trace_get_created (a), jg_trace_get_created (b)));
}

/* Writes, reads back, compares; returns the file's size. */
static gsize
round_trip (JgTrace *trace)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "run.juggler", NULL);
  g_autoptr(JgTrace) loaded = NULL;
  GStatBuf st;

  save_ok (trace, path);
  loaded = load_ok (path);
  assert_traces_equal (trace, loaded);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
  return st.st_size;
}

/* Round trips */

static void
test_round_trip (void)
{
  g_autoptr(JgTrace) trace = build_trace (5000, 1);

  g_assert_false (jg_trace_is_sorted (trace));
  round_trip (trace);
}

static void
test_round_trip_empty (void)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autoptr(JgTrace) with_lanes = build_trace (0, 2);

  /* Nothing set at all: every nullable field is null. */
  round_trip (trace);
  round_trip (with_lanes);
}

static void
test_round_trip_chunks (void)
{
  g_autoptr(JgTrace) trace = build_trace (200000, 3);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "big.juggler", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JgTrace) loaded = NULL;
  JsonObject *events;
  gsize size;

  save_ok (trace, path);
  root = parse_file (path);
  events = json_object_get_object_member (json_node_get_object (root), "events");
  g_assert_cmpint (json_object_get_int_member (events, "count"), ==, 200000);
  g_assert_cmpint (json_object_get_int_member (events, "chunk_events"), ==, 65536);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (events, "chunks")), ==, 4);

  loaded = load_ok (path);
  assert_traces_equal (trace, loaded);

  g_free (read_file (path, &size));
  g_test_message ("%" G_GSIZE_FORMAT " bytes, %.2f bytes per event", size, size / 200000.0);
  g_assert_cmpfloat (size / 200000.0, <=, 32);
  g_assert_true (test_remove_tree (dir));
}

/* The saver writes, and the loader reads, exactly the documented bytes. */
static void
test_encoding (void)
{
  static const char * const keys[] = {
    "format", "version", "generator", "scenario", "parameters", "run", "machine",
    "results", "epoch_ns", "duration_ns", "strings", "tasks", "workers", "counters",
    "events", NULL
  };
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autoptr(JgTrace) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "example.juggler", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object, *events;
  GList *l;
  guint i = 0;

  jg_trace_add_task (trace, "main", JG_LANE_NONE);
  jg_trace_add_task (trace, "worker", 0);
  jg_trace_add_worker (trace, "MainThread", JG_WORKER_THREAD, 4242);
  jg_trace_add_counter (trace, "queue length");
  g_assert_cmpuint (jg_trace_intern (trace, "lost update"), ==, 5);
  jg_trace_append (trace, example_events, G_N_ELEMENTS (example_events));
  jg_trace_set_end_ns (trace, 1000);
  save_ok (trace, path);

  root = parse_file (path);
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (l = members; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, keys[i]);
  g_assert_null (keys[i]);
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "juggler-trace");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "generator"), ==, "Juggler " PACKAGE_VERSION);
  events = json_object_get_object_member (object, "events");
  g_assert_cmpstr (json_object_get_string_member (events, "encoding"), ==, "varint-delta-v1");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (events, "chunks"), 0),
                   ==, EXAMPLE_CHUNK);

  loaded = jg_trace_file_load_data (example_document, strlen (example_document), "example.juggler", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jg_trace_get_n_events (loaded), ==, G_N_ELEMENTS (example_events));
  for (guint k = 0; k < G_N_ELEMENTS (example_events); k++)
    g_assert_cmpmem (jg_trace_get_event (loaded, k), sizeof (JgEvent), &example_events[k], sizeof (JgEvent));
  g_assert_cmpstr (jg_trace_get_task_name (loaded, 1), ==, "worker");
  g_assert_cmpuint (jg_trace_get_task (loaded, 1).parent, ==, 0);
  g_assert_cmpstr (jg_trace_lookup_string (loaded, example_events[1].arg), ==, "lost update");
  g_assert_cmpuint (jg_trace_get_machine (loaded)->n_cores, ==, 2);
  g_assert_cmpfloat (jg_trace_get_run_info (loaded)->switch_interval_ms, ==, 5.0);
  g_assert_null (jg_trace_get_run_info (loaded)->start_method);
  g_assert_null (jg_trace_get_scenario (loaded));
  g_assert_cmpint (g_date_time_to_unix (jg_trace_get_created (loaded)), ==, 1795309323);
  g_assert_cmpuint (jg_trace_get_duration_ns (loaded), ==, 1000);
  g_assert_cmpuint (jg_trace_get_epoch_ns (loaded), ==, 5000000);
  g_assert_false (jg_trace_is_sorted (loaded));
  g_assert_true (test_remove_tree (dir));
}

/* Forward compatible within a version: unknown members are ignored. */
static void
test_unknown_members (void)
{
  g_autoptr(JsonNode) root = json_from_string (example_document, NULL);
  g_autoptr(JgTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (json_node_get_object (root), "comment", "from the future");
  json_object_set_int_member (json_object_get_object_member (json_node_get_object (root), "run"),
                              "threads_per_core", 2);
  json_object_remove_member (json_node_get_object (root), "created");
  json_object_remove_member (json_node_get_object (root), "generator");
  json_object_remove_member (json_node_get_object (root), "epoch_ns");
  text = json_to_string (root, FALSE);
  trace = jg_trace_file_load_data (text, strlen (text), "x.juggler", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jg_trace_get_n_events (trace), ==, 3);
  g_assert_null (jg_trace_get_created (trace));
}

/* Bad files */

static void
assert_error_mentions (const GError *error,
                       const char   *where,
                       const char   *fragment)
{
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, where))
    g_test_fail_printf ("“%s” does not start with the file's name “%s”", error->message, where);
  if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("“%s” does not mention “%s”", error->message, fragment);
}

static void
assert_data_fails (const char *data,
                   gsize       length,
                   gint        code,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = jg_trace_file_load_data (data, length, "bad.juggler", &error);

  g_assert_null (trace);
  g_assert_error (error, JG_TRACE_FILE_ERROR, code);
  assert_error_mentions (error, "bad.juggler", fragment);
}

/* Slow motion: the factor a run was stretched by survives a round trip; a
 * trace that never set it, and a file without it, are at normal speed. */
static void
test_time_scale (void)
{
  g_autoptr(JgTrace) slow = build_trace (100, 21);
  g_autoptr(JgTrace) plain = build_trace (100, 22);
  g_autoptr(JgTrace) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "slow.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *run;
  JgRunInfo info;

  info = *jg_trace_get_run_info (slow);
  info.time_scale = 100;
  jg_trace_set_run_info (slow, &info);
  g_assert_cmpfloat (jg_trace_get_time_scale (slow), ==, 100);
  round_trip (slow);

  save_ok (slow, path);
  root = parse_file (path);
  run = json_object_get_object_member (json_node_get_object (root), "run");
  g_assert_cmpfloat (json_object_get_double_member (run, "time_scale"), ==, 100);
  loaded = load_ok (path);
  g_assert_cmpfloat (jg_trace_get_run_info (loaded)->time_scale, ==, 100);
  g_clear_object (&loaded);

  /* Never set (0): written and read back as 1. */
  g_assert_cmpfloat (jg_trace_get_run_info (plain)->time_scale, ==, 0);
  g_assert_cmpfloat (jg_trace_get_time_scale (plain), ==, 1);
  round_trip (plain);

  /* Absent, as in files written before slow motion: 1. */
  loaded = jg_trace_file_load_data (example_document, strlen (example_document), "example.juggler", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (jg_trace_get_run_info (loaded)->time_scale, ==, 1);
  g_assert_cmpfloat (jg_trace_get_time_scale (loaded), ==, 1);

  /* Out of range in memory: refused before anything is written. (Read the
   * info again: setting it replaced the strings the old copy pointed to.) */
  info = *jg_trace_get_run_info (slow);
  info.time_scale = 0.5;
  jg_trace_set_run_info (slow, &info);
  g_assert_false (jg_trace_file_save (slow, file, NULL, &error));
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID);
  assert_error_mentions (error, "Cannot save", "run.time_scale 0.5 out of range");
  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_empty_file (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "empty.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  trace = jg_trace_file_load (file, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON);
  assert_error_mentions (error, "empty.juggler", "empty");

  /* Whitespace only is no better. */
  assert_data_fails (" \n ", 3, JG_TRACE_FILE_ERROR_NOT_JSON, "no JSON");
  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_directory (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *sub = g_build_filename (dir, "folder.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (sub);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = NULL;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  trace = jg_trace_file_load (file, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  assert_error_mentions (error, "folder.juggler", "folder.juggler");
  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_missing_file (void)
{
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "gone.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = jg_trace_file_load (file, NULL, &error);

  g_assert_null (trace);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  assert_error_mentions (error, "gone.juggler", "gone.juggler");
  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_not_json (void)
{
  static const char text[] = "{\n  \"format\": \"juggler-trace\",\n  \"version\": 1,\n  oops\n}\n";

  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = jg_trace_file_load_data (text, strlen (text), "bad.juggler", &error);

  /* json-glib's line and column, after the file's name. */
  g_assert_null (trace);
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON);
  g_test_message ("%s", error->message);
  g_assert_true (g_regex_match_simple ("^bad\\.juggler:[0-9]+:[0-9]+: Parse error", error->message, 0, 0));
  assert_data_fails ("\xff\xfe{}", 4, JG_TRACE_FILE_ERROR_NOT_JSON, "UTF-8");
}

static void
test_bad_truncated_file (void)
{
  g_autoptr(JgTrace) trace = build_trace (5000, 4);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "half.juggler", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  save_ok (trace, path);
  contents = read_file (path, &length);
  assert_data_fails (contents, length / 2, JG_TRACE_FILE_ERROR_NOT_JSON, "bad.juggler:");
  /* Cut inside the events, where the header alone would parse. */
  assert_data_fails (contents, length - 40, JG_TRACE_FILE_ERROR_NOT_JSON, "bad.juggler:");
  g_assert_true (test_remove_tree (dir));
}

static void
test_bad_absurd_count (void)
{
  g_autoptr(JsonNode) root = json_from_string (example_document, NULL);
  JsonObject *events = json_object_get_object_member (json_node_get_object (root), "events");
  g_autofree char *text = NULL;

  /* Refused from the header alone: nothing of that size is ever allocated. */
  json_object_set_int_member (events, "count", G_GINT64_CONSTANT (1000000000000000));
  text = json_to_string (root, FALSE);
  g_test_timer_start ();
  assert_data_fails (text, strlen (text), JG_TRACE_FILE_ERROR_INVALID, "events.count");
  g_assert_cmpfloat (g_test_timer_elapsed (), <, 1.0);

  /* Within the limit, but with no chunks to back it. */
  g_clear_pointer (&text, g_free);
  json_object_set_int_member (events, "count", JG_TRACE_MAX_EVENTS);
  text = json_to_string (root, FALSE);
  assert_data_fails (text, strlen (text), JG_TRACE_FILE_ERROR_INVALID, "events.chunks");
  g_assert_cmpfloat (g_test_timer_elapsed (), <, 1.0);
}

/* One bad file: the example with one member changed, or its events replaced. */
typedef struct
{
  const char *name;
  const char *raw;         /* the whole document instead of the example */
  const char *path;        /* a member to change: "workers[0].kind" */
  const char *value;       /* its new JSON text; NULL removes it */
  const char *chunk_hex;   /* replaces the events with these bytes ... */
  gint64      count;       /* ... holding this many events */
  gboolean    has_event;   /* or replaces them with this one event */
  JgEvent     event;
  gint        code;
  const char *fragment;
} BadCase;

#define EV(ts, task, worker, kind, cpu, arg) .has_event = TRUE, .event = { ts, task, worker, kind, cpu, arg }
#define INVALID JG_TRACE_FILE_ERROR_INVALID

static const BadCase bad_cases[] = {
  { "array-root", .raw = "[1, 2]", .code = JG_TRACE_FILE_ERROR_NOT_A_TRACE, .fragment = "not a Juggler trace" },
  { "string-root", .raw = "\"juggler-trace\"", .code = JG_TRACE_FILE_ERROR_NOT_A_TRACE, .fragment = "not an object" },
  { "format-wrong", .path = "format", .value = "\"chrome-trace\"", .code = JG_TRACE_FILE_ERROR_NOT_A_TRACE, .fragment = "format: expected \"juggler-trace\", got \"chrome-trace\"" },
  { "format-missing", .path = "format", .code = JG_TRACE_FILE_ERROR_NOT_A_TRACE, .fragment = "format: missing" },
  { "version-newer", .path = "version", .value = "2", .code = JG_TRACE_FILE_ERROR_VERSION, .fragment = "version: this file is version 2, written by a newer Juggler" },
  { "version-older", .path = "version", .value = "0", .code = JG_TRACE_FILE_ERROR_VERSION, .fragment = "version: this file is version 0" },
  { "version-string", .path = "version", .value = "\"1\"", .code = JG_TRACE_FILE_ERROR_VERSION, .fragment = "version: expected an integer, got a string" },
  { "version-missing", .path = "version", .code = JG_TRACE_FILE_ERROR_VERSION, .fragment = "version: missing" },
  { "events-missing", .path = "events", .code = INVALID, .fragment = "events: missing" },
  { "count-negative", .path = "events.count", .value = "-1", .code = INVALID, .fragment = "events.count: -1 out of range" },
  { "count-fractional", .path = "events.count", .value = "1e15", .code = INVALID, .fragment = "events.count: expected an integer" },
  { "chunk-count", .path = "events.count", .value = "70000", .code = INVALID, .fragment = "events.chunks: 70000 events of 65536 per chunk need 2 chunks, found 1" },
  { "chunk-events-zero", .path = "events.chunk_events", .value = "0", .code = INVALID, .fragment = "events.chunk_events: 0 out of range" },
  { "chunk-events-huge", .path = "events.chunk_events", .value = "2000000", .code = INVALID, .fragment = "events.chunk_events" },
  { "encoding", .path = "events.encoding", .value = "\"json\"", .code = INVALID, .fragment = "events.encoding: unknown encoding \"json\"" },
  { "chunk-not-string", .path = "events.chunks[0]", .value = "5", .code = INVALID, .fragment = "events.chunks[0]: expected a string, got an integer" },
  { "base64-truncated", .path = "events.chunks[0]", .value = "\"CgAAAAEAAwEADgIFigMAAA0ArA\"", .code = INVALID, .fragment = "events.chunks[0]: base64" },
  { "base64-bad-char", .path = "events.chunks[0]", .value = "\"CgAAAAEAAwEA*gIFigMAAA0ArAI=\"", .code = INVALID, .fragment = "events.chunks[0]: invalid base64 character at offset 12" },
  { "base64-bad-padding", .path = "events.chunks[0]", .value = "\"Cg==AAEAAwEADgIFigMAAA0ArAI=\"", .code = INVALID, .fragment = "invalid base64" },
  { "chunk-holds-fewer", .path = "events.count", .value = "4", .code = INVALID, .fragment = "events.chunks[0]: event 3: truncated varint for ts" },
  { "chunk-holds-more", .path = "events.count", .value = "2", .code = INVALID, .fragment = "events.chunks[0]: trailing bytes: 8 left over" },
  { "varint-truncated", .chunk_hex = "0a0000000180", .count = 1, .code = INVALID, .fragment = "events.chunks[0]: event 0: truncated varint for arg" },
  { "field-missing", .chunk_hex = "0a00000001", .count = 1, .code = INVALID, .fragment = "event 0: truncated varint for arg" },
  { "varint-overlong", .chunk_hex = "ffffffffffffffffffff01000000010000", .count = 1, .code = INVALID, .fragment = "event 0: overlong varint for ts" },
  { "varint-over-64-bits", .chunk_hex = "ffffffffffffffffff02000000010000", .count = 1, .code = INVALID, .fragment = "overlong varint for ts" },
  { "varint-not-minimal", .chunk_hex = "0a000080000100", .count = 1, .code = INVALID, .fragment = "event 0: overlong varint for kind at byte 3" },
  { "trailing-bytes", .chunk_hex = "0a000000010000", .count = 1, .code = INVALID, .fragment = "trailing bytes: 1 left over" },
  { "task-range", EV (10, 77, 0, JG_EVENT_RUN, 0, 0), .code = INVALID, .fragment = "events.chunks[0]: event 0: task 77 out of range (the trace has 2 tasks)" },
  { "task-too-wide", .chunk_hex = "0a808080801000000000", .count = 1, .code = INVALID, .fragment = "task 4294967296 out of range" },
  { "worker-range", EV (10, 0, 5, JG_EVENT_RUN, 0, 0), .code = INVALID, .fragment = "worker 5 out of range (the trace has 1 workers)" },
  { "kind-range", EV (10, 0, 0, JG_EVENT_N_KINDS, 0, 0), .code = INVALID, .fragment = "kind 16 out of range" },
  { "kind-too-wide", .chunk_hex = "0a0000f0a2040000", .count = 1, .code = INVALID, .fragment = "kind 70000 out of range" },
  { "counter-range", EV (10, 1, 0, JG_EVENT_COUNTER, 0, 7), .code = INVALID, .fragment = "counter 1 out of range (the trace has 1 counters)" },
  { "arg-invalid", EV (10, 0, 0, JG_EVENT_SUSPEND, 0, 99), .code = INVALID, .fragment = "arg 99 is not valid for a suspend event" },
  { "mark-arg-range", EV (10, 0, 0, JG_EVENT_MARK, 0, 6), .code = INVALID, .fragment = "arg 6 out of range (a mark event's arg is a string id, and the trace has 6 strings)" },
  { "lock-arg-range", EV (10, 0, 0, JG_EVENT_LOCK_ACQUIRE, 0, 100), .code = INVALID, .fragment = "arg 100 out of range" },
  { "cpu-cores", EV (10, 0, 0, JG_EVENT_RUN, 2, 0), .code = INVALID, .fragment = "cpu 2 out of range (machine.cores is 2)" },
  { "cpu-negative", EV (10, 0, 0, JG_EVENT_RUN, -2, 0), .code = INVALID, .fragment = "cpu -2 out of range" },
  { "cpu-too-wide", .chunk_hex = "0a00000080800400", .count = 1, .code = INVALID, .fragment = "cpu 32768 out of range" },
  { "ts-after-end", EV (1001, 0, 0, JG_EVENT_RUN, 0, 0), .code = INVALID, .fragment = "ts 1001 is after the end of the trace (duration_ns is 1000)" },
  { "duration-missing", .path = "duration_ns", .code = INVALID, .fragment = "duration_ns: missing" },
  { "duration-negative", .path = "duration_ns", .value = "-5", .code = INVALID, .fragment = "duration_ns: -5 out of range" },
  { "strings-duplicate", .path = "strings[3]", .value = "\"main\"", .code = INVALID, .fragment = "strings[3]: duplicate of strings[1]" },
  { "strings-first", .path = "strings[0]", .value = "\"x\"", .code = INVALID, .fragment = "strings[0]: must be the empty string" },
  { "strings-empty", .path = "strings", .value = "[]", .code = INVALID, .fragment = "strings: empty" },
  { "strings-type", .path = "strings[2]", .value = "7", .code = INVALID, .fragment = "strings[2]: expected a string, got an integer" },
  { "task-name-range", .path = "tasks[1].name", .value = "99", .code = INVALID, .fragment = "tasks[1].name: string id 99 out of range (the trace has 6 strings)" },
  { "task-parent-range", .path = "tasks[1].parent", .value = "2", .code = INVALID, .fragment = "tasks[1].parent: task 2 out of range" },
  { "task-parent-missing", .path = "tasks[0].parent", .code = INVALID, .fragment = "tasks[0].parent: missing" },
  { "tasks-type", .path = "tasks", .value = "{}", .code = INVALID, .fragment = "tasks: expected an array, got an object" },
  { "worker-kind", .path = "workers[0].kind", .value = "\"fiber\"", .code = INVALID, .fragment = "workers[0].kind: expected one of thread, process, loop, got \"fiber\"" },
  { "worker-not-object", .path = "workers[0]", .value = "3", .code = INVALID, .fragment = "workers[0]: expected an object" },
  { "worker-pid-type", .path = "workers[0].pid", .value = "4242.5", .code = INVALID, .fragment = "workers[0].pid: expected an integer, got a fractional number" },
  { "counter-name-range", .path = "counters[0].name", .value = "6", .code = INVALID, .fragment = "counters[0].name: string id 6 out of range" },
  { "run-workers-type", .path = "run.workers", .value = "\"four\"", .code = INVALID, .fragment = "run.workers: expected an integer, got a string" },
  { "run-interval-type", .path = "run.switch_interval_ms", .value = "\"5ms\"", .code = INVALID, .fragment = "run.switch_interval_ms: expected a number" },
  { "run-missing", .path = "run", .code = INVALID, .fragment = "run: missing" },
  { "run-time-scale-small", .path = "run.time_scale", .value = "0.5", .code = INVALID, .fragment = "run.time_scale: 0.5 out of range (1 to 1000)" },
  { "run-time-scale-big", .path = "run.time_scale", .value = "5000", .code = INVALID, .fragment = "run.time_scale: 5000 out of range (1 to 1000)" },
  { "run-time-scale-zero", .path = "run.time_scale", .value = "0", .code = INVALID, .fragment = "run.time_scale: 0 out of range" },
  { "run-time-scale-type", .path = "run.time_scale", .value = "\"10x\"", .code = INVALID, .fragment = "run.time_scale: expected a number, got a string" },
  { "run-time-scale-null", .path = "run.time_scale", .value = "null", .code = INVALID, .fragment = "run.time_scale: expected a number, got null" },
  { "cores-zero", .path = "machine.cores", .value = "0", .code = INVALID, .fragment = "machine.cores: 0 out of range (1 to 65535)" },
  { "machine-kernel-type", .path = "machine.kernel", .value = "[]", .code = INVALID, .fragment = "machine.kernel: expected a string, got an array" },
  { "created-bad", .path = "created", .value = "\"yesterday\"", .code = INVALID, .fragment = "created: expected an ISO 8601 date and time" },
  { "created-no-zone", .path = "created", .value = "\"2026-11-22T01:02:03\"", .code = INVALID, .fragment = "created" },
  { "parameters-type", .path = "parameters", .value = "[]", .code = INVALID, .fragment = "parameters: expected an object, got an array" },
  { "scenario-id-type", .path = "scenario.id", .value = "true", .code = INVALID, .fragment = "scenario.id: expected a string, got a boolean" },
  { "results-null", .path = "results", .value = "null", .code = INVALID, .fragment = "results: expected an object, got null" },
};

/* Test-side encoder, written from the format document, not the saver. */
static void
push_varint (GByteArray *bytes,
             guint64     value)
{
  do
    {
      guint8 b = value & 0x7f;

      value >>= 7;
      if (value != 0)
        b |= 0x80;
      g_byte_array_append (bytes, &b, 1);
    }
  while (value != 0);
}

static char *
encode_event (const JgEvent *e)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  gint64 cpu = e->cpu;

  push_varint (bytes, e->ts << 1); /* a positive delta from 0 */
  push_varint (bytes, e->task);
  push_varint (bytes, e->worker);
  push_varint (bytes, e->kind);
  push_varint (bytes, cpu < 0 ? ((guint64) -cpu << 1) - 1 : (guint64) cpu << 1);
  push_varint (bytes, e->arg);
  return g_base64_encode (bytes->data, bytes->len);
}

static char *
encode_hex (const char *hex)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (gsize i = 0; hex[i] != '\0'; i += 2)
    {
      guint8 b = g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]);

      g_byte_array_append (bytes, &b, 1);
    }
  return g_base64_encode (bytes->data, bytes->len);
}

/* Sets (or with @value NULL removes) the member at @path, e.g. "tasks[1].name". */
static void
set_path (JsonNode   *root,
          const char *path,
          const char *value)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonObject *object = json_node_get_object (node);
      char *bracket = strchr (parts[i], '[');
      gboolean last = parts[i + 1] == NULL;
      gint index = bracket != NULL ? atoi (bracket + 1) : -1;
      JsonArray *array;

      if (bracket != NULL)
        *bracket = '\0';
      if (last && index < 0)
        {
          if (value == NULL)
            json_object_remove_member (object, parts[i]);
          else
            json_object_set_member (object, parts[i], json_from_string (value, NULL));
          return;
        }
      node = json_object_get_member (object, parts[i]);
      if (index < 0)
        continue;

      array = json_node_get_array (node);
      if (!last)
        {
          node = json_array_get_element (array, index);
          continue;
        }
      {
        JsonArray *copy = json_array_new ();

        for (guint j = 0; j < json_array_get_length (array); j++)
          {
            if (j != (guint) index)
              json_array_add_element (copy, json_node_copy (json_array_get_element (array, j)));
            else if (value != NULL)
              json_array_add_element (copy, json_from_string (value, NULL));
          }
        json_object_set_array_member (object, parts[i], copy);
      }
      return;
    }
}

static void
test_bad_case (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  if (bad->raw != NULL)
    {
      assert_data_fails (bad->raw, strlen (bad->raw), bad->code, bad->fragment);
      return;
    }

  root = json_from_string (example_document, NULL);
  g_assert_nonnull (root);
  if (bad->path != NULL)
    set_path (root, bad->path, bad->value);
  if (bad->chunk_hex != NULL || bad->has_event)
    {
      JsonObject *events = json_object_get_object_member (json_node_get_object (root), "events");
      JsonArray *chunks = json_array_new ();
      g_autofree char *chunk = bad->has_event ? encode_event (&bad->event)
                                              : encode_hex (bad->chunk_hex);

      json_array_add_string_element (chunks, chunk);
      json_object_set_int_member (events, "count", bad->has_event ? 1 : bad->count);
      json_object_set_array_member (events, "chunks", chunks);
    }

  text = json_to_string (root, TRUE);
  assert_data_fails (text, strlen (text), bad->code, bad->fragment);
}

/* The bad cases are built from the example, so it must load as it is, and the
 * test-side encoder must agree with it. */
static void
test_bad_baseline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) trace = NULL;
  g_autofree char *first = encode_event (&example_events[0]);
  JgEvent ok = { 10, 1, 0, JG_EVENT_RUN, 1, 0 };
  g_autofree char *chunk = encode_event (&ok);
  g_autoptr(JsonNode) root = json_from_string (example_document, NULL);
  JsonObject *events = json_object_get_object_member (json_node_get_object (root), "events");
  JsonArray *chunks = json_array_new ();
  g_autofree char *text = NULL;

  trace = jg_trace_file_load_data (example_document, strlen (example_document), "example.juggler", &error);
  g_assert_no_error (error);
  g_clear_object (&trace);
  g_assert_true (g_str_has_prefix (EXAMPLE_CHUNK, first));

  json_array_add_string_element (chunks, chunk);
  json_object_set_int_member (events, "count", 1);
  json_object_set_array_member (events, "chunks", chunks);
  text = json_to_string (root, FALSE);
  trace = jg_trace_file_load_data (text, strlen (text), "example.juggler", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (jg_trace_get_event (trace, 0), sizeof (JgEvent), &ok, sizeof ok);
}

/* Saving */

static void
test_save_replaces (void)
{
  g_autoptr(JgTrace) first = build_trace (100, 5);
  g_autoptr(JgTrace) second = build_trace (3000, 6);
  g_autoptr(JgTrace) loaded = NULL;
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "run.juggler", NULL);

  save_ok (first, path);
  save_ok (second, path);
  loaded = load_ok (path);
  assert_traces_equal (second, loaded);
  /* No temporary file left beside it. */
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
}

static void
test_save_missing_dir (void)
{
  g_autoptr(JgTrace) trace = build_trace (10, 7);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "missing", "x.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) root_file = g_file_new_for_path ("/nonexistent-dir/x.juggler");
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (jg_trace_file_save (trace, root_file, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test ("/nonexistent-dir/x.juggler", G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_entries (dir), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

static void
test_save_to_directory (void)
{
  g_autoptr(JgTrace) trace = build_trace (10, 8);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (test_count_entries (dir), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

/* A save that fails after writing two chunks leaves the old file as it was,
 * and no new file where there was none. */
static void
test_save_failure_keeps_old (void)
{
  g_autoptr(JgTrace) good = build_trace (1000, 9);
  g_autoptr(JgTrace) bad = build_trace (200000, 10);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "run.juggler", NULL);
  g_autofree char *new_path = g_build_filename (dir, "new.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) new_file = g_file_new_for_path (new_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JgTrace) loaded = NULL;
  JgEvent broken = { 10, 999, 0, JG_EVENT_RUN, 0, 0 };
  gsize before_len, after_len;

  /* The trace store takes any record; the file must not. Event 200000 is in
   * the fourth chunk: three are written before it is found. */
  jg_trace_append (bad, &broken, 1);

  save_ok (good, path);
  before = read_file (path, &before_len);

  g_assert_false (jg_trace_file_save (bad, file, NULL, &error));
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID);
  assert_error_mentions (error, "Cannot save", "event 200000: task 999 out of range");
  g_clear_error (&error);

  after = read_file (path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  loaded = load_ok (path);
  assert_traces_equal (good, loaded);
  g_assert_cmpuint (test_count_entries (dir), ==, 1);

  g_assert_false (jg_trace_file_save (bad, new_file, NULL, &error));
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID);
  g_assert_false (g_file_test (new_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
}

static void
test_save_cancelled (void)
{
  g_autoptr(JgTrace) good = build_trace (100, 11);
  g_autoptr(JgTrace) other = build_trace (100, 12);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "run.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) loaded = NULL;

  save_ok (good, path);
  g_cancellable_cancel (cancellable);
  g_assert_false (jg_trace_file_save (other, file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  loaded = load_ok (path);
  assert_traces_equal (good, loaded);
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
}

static void
test_save_read_only_dir (void)
{
  g_autoptr(JgTrace) good = build_trace (100, 13);
  g_autoptr(JgTrace) other = build_trace (100, 14);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JgTrace) loaded = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root writes into read-only folders");
      return;
    }

  dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  path = g_build_filename (dir, "run.juggler", NULL);
  file = g_file_new_for_path (path);
  save_ok (good, path);
  /* The file itself stays writable: only an in-place rewrite could succeed. */
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);

  g_assert_false (jg_trace_file_save (other, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  loaded = load_ok (path);
  assert_traces_equal (good, loaded);
  g_assert_cmpuint (test_count_entries (dir), ==, 1);
  g_assert_true (test_remove_tree (dir));
}

/* What JSON cannot hold is refused, rather than written into a file that would
 * not open again. */
static void
test_save_unwritable_values (void)
{
  g_autoptr(JgTrace) trace = build_trace (10, 15);
  g_autoptr(JgTrace) strings = build_trace (10, 16);
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "run.juggler", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  json_object_set_double_member (jg_trace_get_results (trace), "speedup", NAN);
  g_assert_false (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID);
  assert_error_mentions (error, "Cannot save", "results.speedup");
  g_clear_error (&error);

  g_assert_cmpuint (jg_trace_intern (strings, "bad \xff utf-8"), ==, jg_trace_get_n_strings (strings) - 1);
  g_assert_false (jg_trace_file_save (strings, file, NULL, &error));
  g_assert_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID);
  assert_error_mentions (error, "Cannot save", "not valid UTF-8");

  g_assert_cmpuint (test_count_entries (dir), ==, 0);
  g_assert_true (test_remove_tree (dir));
}

/* A symlink stays a symlink: the file it points to is replaced. */
static void
test_save_through_symlink (void)
{
  g_autoptr(JgTrace) first = build_trace (10, 17);
  g_autoptr(JgTrace) second = build_trace (20, 18);
  g_autoptr(JgTrace) loaded = NULL;
  g_autofree char *dir = test_make_tmp_dir ("juggler-trace-file-XXXXXX");
  g_autofree char *target = g_build_filename (dir, "target.juggler", NULL);
  g_autofree char *link = g_build_filename (dir, "link.juggler", NULL);

  save_ok (first, target);
  g_assert_cmpint (symlink ("target.juggler", link), ==, 0);
  save_ok (second, link);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  loaded = load_ok (target);
  assert_traces_equal (second, loaded);
  g_assert_cmpuint (test_count_entries (dir), ==, 2);
  g_assert_true (test_remove_tree (dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/trace-file/round-trip", test_round_trip);
  g_test_add_func ("/core/trace-file/round-trip-empty", test_round_trip_empty);
  g_test_add_func ("/core/trace-file/round-trip-chunks", test_round_trip_chunks);
  g_test_add_func ("/core/trace-file/encoding", test_encoding);
  g_test_add_func ("/core/trace-file/unknown-members", test_unknown_members);
  g_test_add_func ("/core/trace-file/time-scale", test_time_scale);

  g_test_add_func ("/core/trace-file/bad/empty-file", test_bad_empty_file);
  g_test_add_func ("/core/trace-file/bad/directory", test_bad_directory);
  g_test_add_func ("/core/trace-file/bad/missing-file", test_bad_missing_file);
  g_test_add_func ("/core/trace-file/bad/not-json", test_bad_not_json);
  g_test_add_func ("/core/trace-file/bad/truncated-file", test_bad_truncated_file);
  g_test_add_func ("/core/trace-file/bad/absurd-count", test_bad_absurd_count);
  g_test_add_func ("/core/trace-file/bad/baseline", test_bad_baseline);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/trace-file/bad/%s", bad_cases[i].name);

      g_test_add_data_func (name, &bad_cases[i], test_bad_case);
    }

  g_test_add_func ("/core/trace-file/save/replaces", test_save_replaces);
  g_test_add_func ("/core/trace-file/save/missing-dir", test_save_missing_dir);
  g_test_add_func ("/core/trace-file/save/to-directory", test_save_to_directory);
  g_test_add_func ("/core/trace-file/save/failure-keeps-old", test_save_failure_keeps_old);
  g_test_add_func ("/core/trace-file/save/cancelled", test_save_cancelled);
  g_test_add_func ("/core/trace-file/save/read-only-dir", test_save_read_only_dir);
  g_test_add_func ("/core/trace-file/save/unwritable-values", test_save_unwritable_values);
  g_test_add_func ("/core/trace-file/save/through-symlink", test_save_through_symlink);

  return g_test_run ();
}
