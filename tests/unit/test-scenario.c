/* test-scenario.c: scenario files: the built-ins, parameters and expansion,
 * and the errors a teacher sees for a bad file (file, line and field). */
#include <glib/gstdio.h>
#include <string.h>

#include "jg-scenario.h"

static const char * const builtin_ids[] = {
  "convoy", "deadlock", "downloads", "free-threaded-cpu", "mixed", "numpy-style",
  "primes", "producer-consumer", "race-counter", "sum-of-squares", "switch-interval",
};

/* Joins @lines with newlines, so that lines[i] is line i + 1 of the file. */
static JgScenario *
load_lines (const char * const *lines,
            GError            **error)
{
  g_autofree char *text = g_strjoinv ("\n", (char **) lines);

  return jg_scenario_load_data (text, -1, "test.json", error);
}

static JgScenario *
load_lines_ok (const char * const *lines)
{
  g_autoptr (GError) error = NULL;
  JgScenario *scenario = load_lines (lines, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  return scenario;
}

static void
assert_load_error (const char * const *lines,
                   gint                code,
                   const char         *prefix,
                   const char         *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = load_lines (lines, &error);

  g_assert_null (scenario);
  g_assert_error (error, JG_SCENARIO_ERROR, code);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, words) == NULL)
    g_error ("expected “%s…%s”, got “%s”", prefix, words, error->message);
}

static JgScenarioPlan *
instantiate_ok (JgScenario *scenario,
                JsonObject *values)
{
  g_autoptr (GError) error = NULL;
  JgScenarioPlan *plan = jg_scenario_instantiate (scenario, values, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static guint64
count_steps (const JgScenarioPlan *plan,
             JgStepKind            kind)
{
  guint64 n = 0;

  for (guint t = 0; t < plan->n_tasks; t++)
    for (guint s = 0; s < plan->tasks[t].n_steps; s++)
      n += plan->tasks[t].steps[s].kind == kind;
  return n;
}

/* The built-ins */

static GPtrArray *
load_builtins (void)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *scenarios = jg_scenario_load_builtins (&error);

  g_assert_no_error (error);
  g_assert_nonnull (scenarios);
  return scenarios;
}

static void
test_builtins_load (void)
{
  g_autoptr (GPtrArray) scenarios = load_builtins ();

  g_assert_cmpuint (scenarios->len, >=, G_N_ELEMENTS (builtin_ids));
  for (guint i = 0; i < G_N_ELEMENTS (builtin_ids); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < scenarios->len; j++)
        found |= g_str_equal (jg_scenario_get_id (g_ptr_array_index (scenarios, j)), builtin_ids[i]);
      if (!found)
        g_error ("no built-in scenario “%s”", builtin_ids[i]);
    }

  for (guint i = 0; i < scenarios->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (scenarios, i);
      g_autoptr (JgScenarioPlan) plan = instantiate_ok (scenario, NULL);
      const char *idea = jg_scenario_get_idea (scenario);
      guint sentences = 0;

      if (i > 0)
        g_assert_cmpstr (jg_scenario_get_id (g_ptr_array_index (scenarios, i - 1)), <, jg_scenario_get_id (scenario));
      g_assert_nonnull (jg_scenario_get_title (scenario));
      g_assert_nonnull (jg_scenario_get_seed (scenario));
      g_assert_nonnull (idea);
      /* A teacher reads it aloud: two to four sentences. */
      for (const char *p = idea; *p != '\0'; p++)
        sentences += (*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || p[1] == '\0');
      g_assert_cmpuint (sentences, >=, 2);
      g_assert_cmpuint (sentences, <=, 4);

      g_assert_nonnull (jg_scenario_get_models (scenario)[0]);
      g_assert_true (g_strv_contains (jg_scenario_get_models (scenario), jg_scenario_get_default_model (scenario)));
      g_assert_true (JSON_NODE_HOLDS_OBJECT (jg_scenario_get_definition (scenario)));
      g_assert_cmpstr (plan->id, ==, jg_scenario_get_id (scenario));
      g_assert_cmpuint (plan->n_tasks, >, 0);
      g_assert_cmpuint (json_object_get_size (plan->parameters), ==, jg_scenario_get_n_params (scenario));
      for (guint t = 0; t < plan->n_tasks; t++)
        {
          g_assert_cmpuint (plan->tasks[t].n_steps, >, 0);
          g_assert_nonnull (plan->tasks[t].name);
        }
    }
}

/* Every parameter at its least and then at its greatest still makes a plan
 * within the limits. */
static void
test_builtins_extremes (void)
{
  g_autoptr (GPtrArray) scenarios = load_builtins ();

  for (guint i = 0; i < scenarios->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (scenarios, i);

      for (guint end = 0; end < 2; end++)
        {
          g_autoptr (JsonObject) values = json_object_new ();
          g_autoptr (JgScenarioPlan) plan = NULL;
          g_autoptr (GError) error = NULL;

          for (guint p = 0; p < jg_scenario_get_n_params (scenario); p++)
            {
              const JgScenarioParam *param = jg_scenario_get_param (scenario, p);

              json_object_set_double_member (values, param->name, end == 0 ? param->min : param->max);
            }
          plan = jg_scenario_instantiate (scenario, values, &error);
          if (plan == NULL)
            g_error ("%s at its %s: %s", jg_scenario_get_id (scenario), end == 0 ? "minimum" : "maximum",
                     error->message);
        }
    }
}

static void
test_builtins_find (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = jg_scenario_find_builtin ("deadlock", &error);
  g_autoptr (JgScenario) missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (jg_scenario_get_id (scenario), ==, "deadlock");

  missing = jg_scenario_find_builtin ("no-such-scenario", &error);
  g_assert_null (missing);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-scenario"));
}

static void
test_builtins_broken (void)
{
  g_autofree char *dir = g_dir_make_tmp ("juggler-scenarios-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "a.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "b.json", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("JUGGLER_SCENARIO_DIR"));
  g_autoptr (GPtrArray) scenarios = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (good, "{\"title\": \"A\", \"tasks\": [{\"name\": \"t\", \"steps\": [{\"op\": \"cpu\", \"ms\": 1}]}]}", -1, NULL));
  g_assert_true (g_file_set_contents (bad, "{\"title\": \"B\"}", -1, NULL));
  g_setenv ("JUGGLER_SCENARIO_DIR", dir, TRUE);

  scenarios = jg_scenario_load_builtins (&error);
  g_assert_null (scenarios);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "b.json:1: tasks: required field is missing"));

  /* Without an id, a scenario is called after its file. */
  g_remove (bad);
  g_clear_error (&error);
  scenarios = jg_scenario_load_builtins (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenarios->len, ==, 1);
  g_assert_cmpstr (jg_scenario_get_id (g_ptr_array_index (scenarios, 0)), ==, "a");

  g_remove (good);
  g_rmdir (dir);
  g_setenv ("JUGGLER_SCENARIO_DIR", saved, TRUE);
}

/* Parameters and expansion */

static const char * const workers_lines[] = {
  "{",
  "  \"id\": \"workers\",",
  "  \"title\": \"Workers\",",
  "  \"parameters\": [",
  "    { \"name\": \"tasks\", \"type\": \"int\", \"default\": 3, \"min\": 1, \"max\": 50 },",
  "    { \"name\": \"ms\", \"type\": \"double\", \"default\": 2.5, \"min\": 0, \"max\": 100 },",
  "    { \"name\": \"extra\", \"type\": \"bool\", \"default\": false }",
  "  ],",
  "  \"tasks\": [",
  "    { \"name\": \"Worker {i}\", \"count\": \"$tasks\", \"repeat\": 2, \"steps\": [",
  "      { \"op\": \"cpu\", \"ms\": \"$ms * 2\" },",
  "      { \"op\": \"repeat\", \"times\": \"$i\", \"steps\": [",
  "        { \"op\": \"io\", \"kind\": \"socket\", \"ms\": \"($ms + 1) * $i - 0.5\" }",
  "      ] },",
  "      { \"op\": \"block\", \"ms\": 7, \"if\": \"$extra\" },",
  "      { \"op\": \"cpu\", \"ms\": 1, \"releases_gil\": \"!$extra\" }",
  "    ] },",
  "    { \"name\": \"Helper\", \"if\": \"$extra\", \"steps\": [ { \"op\": \"io\", \"ms\": \"10 / 4\" } ] },",
  "    { \"name\": \"Spare\", \"count\": \"$tasks - 1\", \"steps\": [ { \"op\": \"cpu\", \"ms\": \"-(-3)\" } ] }",
  "  ]",
  "}",
  NULL
};

static void
test_params_expand (void)
{
  g_autoptr (JgScenario) scenario = load_lines_ok (workers_lines);
  g_autoptr (JgScenarioPlan) plan = instantiate_ok (scenario, NULL);

  /* Defaults: 3 workers, then 2 spares (no index in the name: numbered). */
  g_assert_cmpuint (plan->n_tasks, ==, 5);
  g_assert_cmpstr (plan->tasks[0].name, ==, "Worker 1");
  g_assert_cmpstr (plan->tasks[2].name, ==, "Worker 3");
  g_assert_cmpstr (plan->tasks[3].name, ==, "Spare 1");
  g_assert_cmpstr (plan->tasks[4].name, ==, "Spare 2");

  /* Worker k: (cpu, k × io, cpu) repeated twice. */
  for (guint k = 1; k <= 3; k++)
    {
      const JgPlanTask *task = &plan->tasks[k - 1];
      guint once = 2 + k;

      g_assert_cmpuint (task->n_steps, ==, 2 * once);
      g_assert_cmpint (task->steps[0].kind, ==, JG_STEP_CPU);
      g_assert_cmpfloat (task->steps[0].ms, ==, 5.0);
      g_assert_false (task->steps[0].releases_gil);
      g_assert_cmpint (task->steps[1].kind, ==, JG_STEP_IO);
      g_assert_cmpint (task->steps[1].io_kind, ==, JG_IO_SOCKET);
      g_assert_cmpfloat (task->steps[1].ms, ==, 3.5 * k - 0.5);
      g_assert_cmpint (task->steps[once - 1].kind, ==, JG_STEP_CPU);
      g_assert_true (task->steps[once - 1].releases_gil);
      g_assert_cmpint (task->steps[once].kind, ==, JG_STEP_CPU);
      g_assert_cmpfloat (task->steps[once].ms, ==, 5.0);
    }
  g_assert_cmpfloat (plan->tasks[3].steps[0].ms, ==, 3.0);
  g_assert_cmpuint (count_steps (plan, JG_STEP_BLOCK), ==, 0);

  g_assert_cmpint (json_object_get_int_member (plan->parameters, "tasks"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (plan->parameters, "ms"), ==, 2.5);
  g_assert_false (json_object_get_boolean_member (plan->parameters, "extra"));
}

static void
test_params_values (void)
{
  g_autoptr (JgScenario) scenario = load_lines_ok (workers_lines);
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (JgScenarioPlan) plan = NULL;

  /* As numbers and booleans, or as the text of --set NAME=VALUE. */
  json_object_set_int_member (values, "tasks", 1);
  json_object_set_string_member (values, "ms", "4");
  json_object_set_string_member (values, "extra", "yes");
  plan = instantiate_ok (scenario, values);

  g_assert_cmpuint (plan->n_tasks, ==, 2);
  g_assert_cmpstr (plan->tasks[0].name, ==, "Worker 1");
  g_assert_cmpstr (plan->tasks[1].name, ==, "Helper");
  /* cpu, io, block, cpu; twice */
  g_assert_cmpuint (plan->tasks[0].n_steps, ==, 8);
  g_assert_cmpfloat (plan->tasks[0].steps[0].ms, ==, 8.0);
  g_assert_cmpint (plan->tasks[0].steps[2].kind, ==, JG_STEP_BLOCK);
  g_assert_cmpfloat (plan->tasks[0].steps[2].ms, ==, 7.0);
  g_assert_false (plan->tasks[0].steps[3].releases_gil);
  g_assert_cmpfloat (plan->tasks[1].steps[0].ms, ==, 2.5);
  g_assert_cmpint (plan->tasks[1].steps[0].io_kind, ==, JG_IO_SLEEP);
  g_assert_true (json_object_get_boolean_member (plan->parameters, "extra"));
  g_assert_cmpfloat (json_object_get_double_member (plan->parameters, "ms"), ==, 4.0);
}

static void
assert_set_error (JgScenario *scenario,
                  const char *name,
                  JsonNode   *value,
                  const char *words)
{
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (GError) error = NULL;

  json_object_set_member (values, name, value);
  plan = jg_scenario_instantiate (scenario, values, &error);
  g_assert_null (plan);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARAMETER);
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in “%s”", words, error->message);
}

static JsonNode *
string_node (const char *text)
{
  return json_node_init_string (json_node_alloc (), text);
}

static JsonNode *
array_node (void)
{
  g_autoptr (JsonArray) array = json_array_new ();

  return json_node_init_array (json_node_alloc (), array);
}

static void
test_params_bad_values (void)
{
  g_autoptr (JgScenario) scenario = load_lines_ok (workers_lines);

  assert_set_error (scenario, "nope", json_node_init_int (json_node_alloc (), 1),
                    "has no parameter “nope” (it takes $tasks, $ms, $extra)");
  assert_set_error (scenario, "tasks", json_node_init_int (json_node_alloc (), 51),
                    "tasks=51 is out of range");
  assert_set_error (scenario, "tasks", string_node ("0"), "tasks=0 is out of range");
  assert_set_error (scenario, "ms", json_node_init_double (json_node_alloc (), -0.5), "out of range");
  assert_set_error (scenario, "tasks", string_node ("abc"), "“tasks” expects a whole number, not “abc”");
  assert_set_error (scenario, "tasks", json_node_init_double (json_node_alloc (), 2.5), "expects a whole number");
  assert_set_error (scenario, "tasks", json_node_init_boolean (json_node_alloc (), TRUE), "expects a whole number");
  assert_set_error (scenario, "ms", string_node ("1.5ms"), "“ms” expects a number, not “1.5ms”");
  assert_set_error (scenario, "extra", string_node ("maybe"), "“extra” expects true or false, not “maybe”");
  assert_set_error (scenario, "extra", json_node_init_int (json_node_alloc (), 2), "expects true or false");
  assert_set_error (scenario, "extra", array_node (), "expects true or false");
}

/* The race counter: its expected total, and the optional lock. */
static void
test_race_counter (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) scenario = jg_scenario_find_builtin ("race-counter", &error);
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JgScenarioPlan) locked = NULL;
  g_autoptr (JsonObject) values = json_object_new ();

  g_assert_no_error (error);
  plan = instantiate_ok (scenario, NULL);
  g_assert_cmpuint (plan->n_variables, ==, 1);
  g_assert_cmpstr (plan->variables[0].name, ==, "counter");
  g_assert_cmpint (plan->variables[0].initial, ==, 0);
  g_assert_cmpint (plan->variables[0].expected, ==, 10000);
  g_assert_cmpuint (plan->n_tasks, ==, 10);
  g_assert_cmpuint (count_steps (plan, JG_STEP_READ), ==, 10000);
  g_assert_cmpuint (count_steps (plan, JG_STEP_WRITE), ==, 10000);
  g_assert_cmpuint (count_steps (plan, JG_STEP_LOCK), ==, 0);
  /* read, a tiny sleep, write */
  g_assert_cmpint (plan->tasks[0].steps[0].kind, ==, JG_STEP_READ);
  g_assert_cmpint (plan->tasks[0].steps[1].kind, ==, JG_STEP_IO);
  g_assert_cmpfloat (plan->tasks[0].steps[1].ms, >, 0);
  g_assert_cmpint (plan->tasks[0].steps[2].kind, ==, JG_STEP_WRITE);
  g_assert_cmpint (plan->tasks[0].steps[2].value, ==, 1);

  json_object_set_int_member (values, "tasks", 4);
  json_object_set_int_member (values, "increments", 250);
  json_object_set_boolean_member (values, "lock", TRUE);
  locked = instantiate_ok (scenario, values);
  g_assert_cmpint (locked->variables[0].expected, ==, 1000);
  g_assert_cmpuint (locked->n_locks, ==, 1);
  g_assert_cmpuint (locked->n_tasks, ==, 4);
  g_assert_cmpuint (locked->tasks[3].n_steps, ==, 5 * 250);
  g_assert_cmpint (locked->tasks[3].steps[0].kind, ==, JG_STEP_LOCK);
  g_assert_cmpint (locked->tasks[3].steps[4].kind, ==, JG_STEP_UNLOCK);
  g_assert_cmpuint (count_steps (locked, JG_STEP_LOCK), ==, 1000);
}

/* Steps point at the right entry of each of the plan's object arrays. */
static void
test_objects (void)
{
  static const char * const lines[] = {
    "{",
    "  \"title\": \"Objects\",",
    "  \"parameters\": [ { \"name\": \"slots\", \"default\": 3, \"min\": 1, \"max\": 9 } ],",
    "  \"locks\": [ { \"name\": \"first\" }, { \"name\": \"second\" } ],",
    "  \"semaphores\": [ { \"name\": \"pool\", \"value\": \"$slots\" }, { \"name\": \"gate\", \"value\": 0 } ],",
    "  \"queues\": [ { \"name\": \"q1\", \"capacity\": 1 }, { \"name\": \"q2\", \"capacity\": \"$slots * 2\" } ],",
    "  \"variables\": [ { \"name\": \"x\" }, { \"name\": \"y\", \"initial\": -4, \"expected\": \"$slots + 1\" } ],",
    "  \"tasks\": [ { \"name\": \"T\", \"steps\": [",
    "    { \"op\": \"lock\", \"name\": \"second\" },",
    "    { \"op\": \"lock\", \"name\": \"first\" },",
    "    { \"op\": \"unlock\", \"name\": \"first\" },",
    "    { \"op\": \"unlock\", \"name\": \"second\" },",
    "    { \"op\": \"acquire\", \"name\": \"gate\" },",
    "    { \"op\": \"release\", \"name\": \"pool\" },",
    "    { \"op\": \"put\", \"name\": \"q2\" },",
    "    { \"op\": \"get\", \"name\": \"q1\" },",
    "    { \"op\": \"read\", \"var\": \"y\" },",
    "    { \"op\": \"write\", \"var\": \"y\", \"add\": -2 },",
    "    { \"op\": \"write\", \"var\": \"x\" }",
    "  ] } ]",
    "}",
    NULL
  };
  static const struct { JgStepKind kind; guint object; } expected[] = {
    { JG_STEP_LOCK, 1 }, { JG_STEP_LOCK, 0 }, { JG_STEP_UNLOCK, 0 }, { JG_STEP_UNLOCK, 1 },
    { JG_STEP_SEM_ACQUIRE, 1 }, { JG_STEP_SEM_RELEASE, 0 }, { JG_STEP_QUEUE_PUT, 1 },
    { JG_STEP_QUEUE_GET, 0 }, { JG_STEP_READ, 1 }, { JG_STEP_WRITE, 1 }, { JG_STEP_WRITE, 0 },
  };
  g_autoptr (JgScenario) scenario = load_lines_ok (lines);
  g_autoptr (JgScenarioPlan) plan = instantiate_ok (scenario, NULL);

  g_assert_cmpstr (plan->id, ==, "test");
  g_assert_cmpuint (plan->n_locks, ==, 2);
  g_assert_cmpstr (plan->locks[1].name, ==, "second");
  g_assert_cmpuint (plan->n_semaphores, ==, 2);
  g_assert_cmpint (plan->semaphores[0].initial, ==, 3);
  g_assert_cmpint (plan->semaphores[1].initial, ==, 0);
  g_assert_cmpuint (plan->n_queues, ==, 2);
  g_assert_cmpint (plan->queues[0].initial, ==, 1);
  g_assert_cmpint (plan->queues[1].initial, ==, 6);
  g_assert_cmpuint (plan->n_variables, ==, 2);
  g_assert_cmpint (plan->variables[0].initial, ==, 0);
  g_assert_cmpint (plan->variables[0].expected, ==, G_MININT64);
  g_assert_cmpint (plan->variables[1].initial, ==, -4);
  g_assert_cmpint (plan->variables[1].expected, ==, 4);

  g_assert_cmpuint (plan->tasks[0].n_steps, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (plan->tasks[0].steps[i].kind, ==, expected[i].kind);
      g_assert_cmpuint (plan->tasks[0].steps[i].object, ==, expected[i].object);
    }
  g_assert_cmpint (plan->tasks[0].steps[9].value, ==, -2);
  g_assert_cmpint (plan->tasks[0].steps[10].value, ==, 0);
}

static void
test_definition (void)
{
  g_autoptr (JgScenario) scenario = load_lines_ok (workers_lines);
  JsonNode *definition = jg_scenario_get_definition (scenario);
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (definition));
  object = json_node_get_object (definition);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Workers");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "tasks")), ==, 3);
}

/* Bad files: each error names the file, the line and the field. */

#define BAD_FILE(name, ...) static const char * const name[] = { __VA_ARGS__, NULL }

BAD_FILE (not_json,
  "{",
  "  \"title\": \"Oops\",",
  "  \"tasks\": [ }",
  "}");

BAD_FILE (no_title,
  "{",
  "  \"id\": \"untitled\",",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (unknown_op,
  "{",
  "  \"title\": \"Unknown op\",",
  "  \"tasks\": [",
  "    {",
  "      \"name\": \"T\",",
  "      \"steps\": [",
  "        { \"op\": \"cpu\", \"ms\": 1 },",
  "        { \"op\": \"compute\", \"ms\": 1 }",
  "      ]",
  "    }",
  "  ]",
  "}");

BAD_FILE (negative_ms,
  "{",
  "  \"title\": \"Race\",",
  "  \"tasks\": [",
  "    {",
  "      \"name\": \"T\",",
  "      \"steps\": [",
  "        { \"op\": \"read\", \"var\": \"c\" },",
  "        { \"op\": \"cpu\",",
  "          \"ms\": -5 }",
  "      ]",
  "    }",
  "  ],",
  "  \"variables\": [ { \"name\": \"c\" } ]",
  "}");

BAD_FILE (negative_expression,
  "{",
  "  \"title\": \"Negative\",",
  "  \"parameters\": [ { \"name\": \"n\", \"default\": 2, \"min\": 0, \"max\": 9 } ],",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [",
  "    { \"op\": \"io\", \"ms\": \"10 - $n * 10\" } ] } ]",
  "}");

BAD_FILE (undefined_param,
  "{",
  "  \"title\": \"Undefined\",",
  "  \"parameters\": [",
  "    { \"name\": \"tasks\", \"default\": 2, \"min\": 1, \"max\": 9 }",
  "  ],",
  "  \"tasks\": [",
  "    { \"name\": \"T\", \"count\": \"$tasks\",",
  "      \"steps\": [ { \"op\": \"cpu\", \"ms\": \"$nope * 2\" } ] }",
  "  ]",
  "}");

BAD_FILE (undeclared_lock,
  "{",
  "  \"title\": \"Locks\",",
  "  \"locks\": [ { \"name\": \"a\" } ],",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [",
  "    { \"op\": \"lock\", \"name\": \"a\" },",
  "    { \"op\": \"lock\", \"name\": \"b\" },",
  "    { \"op\": \"unlock\", \"name\": \"a\" } ] } ]",
  "}");

BAD_FILE (default_out_of_range,
  "{",
  "  \"title\": \"Range\",",
  "  \"parameters\": [",
  "    { \"name\": \"a\", \"default\": 1, \"min\": 0, \"max\": 9 },",
  "    { \"name\": \"b\", \"type\": \"int\",",
  "      \"min\": 1, \"max\": 10,",
  "      \"default\": 20 }",
  "  ],",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (wrong_type,
  "{",
  "  \"title\": \"Types\",",
  "  \"tasks\": [",
  "    { \"name\": \"T\", \"count\": true, \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] }",
  "  ]",
  "}");

BAD_FILE (title_not_string,
  "{",
  "  \"title\": 42,",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (unknown_field,
  "{",
  "  \"title\": \"Typo\",",
  "  \"tasks\": [ { \"name\": \"T\",",
  "    \"stpes\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (bad_expression,
  "{",
  "  \"title\": \"Expr\",",
  "  \"parameters\": [ { \"name\": \"n\", \"default\": 2, \"min\": 1, \"max\": 9 } ],",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"cpu\",",
  "    \"ms\": \"$n ** 2\" } ] } ]",
  "}");

BAD_FILE (too_many_tasks,
  "{",
  "  \"title\": \"Crowd\",",
  "  \"tasks\": [ { \"name\": \"T\", \"count\": 9000, \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] },",
  "             { \"name\": \"U\", \"count\": 2000, \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (too_many_steps,
  "{",
  "  \"title\": \"Long\",",
  "  \"tasks\": [ { \"name\": \"T\", \"count\": 10, \"steps\": [",
  "    { \"op\": \"repeat\", \"times\": 100000, \"steps\": [",
  "      { \"op\": \"cpu\", \"ms\": 0 },",
  "      { \"op\": \"io\", \"ms\": 0 } ] } ] } ]",
  "}");

BAD_FILE (too_long,
  "{",
  "  \"title\": \"Slow\",",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"io\", \"ms\": 600001 } ] } ]",
  "}");

BAD_FILE (unpaired_unlock,
  "{",
  "  \"title\": \"Unpaired\",",
  "  \"locks\": [ { \"name\": \"a\" } ],",
  "  \"tasks\": [ { \"name\": \"T\", \"steps\": [ { \"op\": \"unlock\", \"name\": \"a\" } ] } ]",
  "}");

BAD_FILE (fraction_count,
  "{",
  "  \"title\": \"Halves\",",
  "  \"parameters\": [ { \"name\": \"n\", \"default\": 3, \"min\": 1, \"max\": 9 } ],",
  "  \"tasks\": [ { \"name\": \"T\", \"count\": \"$n / 2\",",
  "    \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]",
  "}");

BAD_FILE (division_by_zero,
  "{",
  "  \"title\": \"Zero\",",
  "  \"parameters\": [ { \"name\": \"n\", \"default\": 0, \"min\": 0, \"max\": 9 } ],",
  "  \"tasks\": [ { \"name\": \"T\",",
  "    \"steps\": [ { \"op\": \"cpu\", \"ms\": \"100 / $n\" } ] } ]",
  "}");

BAD_FILE (comment_and_multiline,
  "{",
  "  /* a comment with \"title\": and a [ bracket",
  "     over two lines */",
  "  \"title\": \"Two\nlines \\\" [ {\",",
  "  \"idea\": 'single quoted { ['",
  "  , \"tasks\": [ { \"name\": \"T\", \"steps\": [",
  "    { \"op\": \"cpu\", \"ms\": 1 },",
  "",
  "    { \"op\": \"cpu\", \"ms\": 2, \"releases_gil\": 3 } ] } ]",
  "}");

static void
test_errors (void)
{
  assert_load_error (not_json, JG_SCENARIO_ERROR_PARSE, "test.json:3:", "Parse error");
  assert_load_error (no_title, JG_SCENARIO_ERROR_INVALID, "test.json:1: title: ", "missing");
  assert_load_error (unknown_op, JG_SCENARIO_ERROR_INVALID, "test.json:8: tasks[0].steps[1].op: ",
                     "unknown step “compute”");
  assert_load_error (negative_ms, JG_SCENARIO_ERROR_INVALID, "test.json:9: tasks[0].steps[1].ms: ",
                     "must not be negative");
  assert_load_error (negative_expression, JG_SCENARIO_ERROR_INVALID, "test.json:5: tasks[0].steps[0].ms: ",
                     "must not be negative (“10 - $n * 10” gives -10)");
  assert_load_error (undefined_param, JG_SCENARIO_ERROR_INVALID, "test.json:8: tasks[0].steps[0].ms: ",
                     "$nope is not a parameter of this scenario (it has $tasks)");
  assert_load_error (undeclared_lock, JG_SCENARIO_ERROR_INVALID, "test.json:6: tasks[0].steps[1].name: ",
                     "no lock named “b”");
  assert_load_error (default_out_of_range, JG_SCENARIO_ERROR_INVALID, "test.json:7: parameters[1].default: ",
                     "20 is outside the range 1 to 10");
  assert_load_error (wrong_type, JG_SCENARIO_ERROR_INVALID, "test.json:4: tasks[0].count: ",
                     "expected a number or an expression");
  assert_load_error (title_not_string, JG_SCENARIO_ERROR_INVALID, "test.json:2: title: ",
                     "expected a string, got a number");
  assert_load_error (unknown_field, JG_SCENARIO_ERROR_INVALID, "test.json:4: tasks[0].stpes: ",
                     "unknown field");
  assert_load_error (bad_expression, JG_SCENARIO_ERROR_INVALID, "test.json:5: tasks[0].steps[0].ms: ",
                     "unexpected “*” in “$n ** 2”");
  assert_load_error (too_many_tasks, JG_SCENARIO_ERROR_INVALID, "test.json:4: tasks[1].count: ",
                     "limit of 10000");
  assert_load_error (too_many_steps, JG_SCENARIO_ERROR_INVALID, "test.json:3: tasks[0]: ",
                     "with “T 6” the run would have more than the limit of 1000000 steps");
  assert_load_error (too_long, JG_SCENARIO_ERROR_INVALID, "test.json:3: tasks[0].steps[0].ms: ",
                     "must be at most 600000 ms");
  assert_load_error (unpaired_unlock, JG_SCENARIO_ERROR_INVALID, "test.json:4: tasks[0]: ",
                     "does not hold");
  assert_load_error (fraction_count, JG_SCENARIO_ERROR_INVALID, "test.json:4: tasks[0].count: ",
                     "must be a whole number (“$n / 2” gives 1.5)");
  assert_load_error (division_by_zero, JG_SCENARIO_ERROR_INVALID, "test.json:5: tasks[0].steps[0].ms: ",
                     "division by zero");
  /* Comments, quotes and newlines inside strings do not upset the line count. */
  assert_load_error (comment_and_multiline, JG_SCENARIO_ERROR_INVALID,
                     "test.json:10: tasks[0].steps[1].releases_gil: ", "expected true, false or a $parameter");
}

static void
test_errors_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("juggler-scenario-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "race.json", NULL);
  g_autofree char *text = g_strjoinv ("\n", (char **) negative_ms);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) missing = g_file_new_build_filename (dir, "missing.json", NULL);
  g_autoptr (JgScenario) scenario = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("%s:9: tasks[0].steps[1].ms: must not be negative", path);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  scenario = jg_scenario_load (file, &error);
  g_assert_null (scenario);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, expected));

  g_clear_error (&error);
  scenario = jg_scenario_load (missing, &error);
  g_assert_null (scenario);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_errors_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JgScenario) empty = jg_scenario_load_data ("", 0, "empty.json", &error);
  g_autoptr (JgScenario) array = NULL;

  g_assert_null (empty);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "empty.json:1: "));
  g_clear_error (&error);

  array = jg_scenario_load_data ("\n\n[1, 2]", -1, "array.json", &error);
  g_assert_null (array);
  g_assert_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "array.json:3: "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The build sets it; a bare run of the binary finds the source tree itself. */
  if (g_getenv ("JUGGLER_SCENARIO_DIR") == NULL)
    {
      g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "data", "scenarios", NULL);

      g_setenv ("JUGGLER_SCENARIO_DIR", dir, TRUE);
    }

  g_test_add_func ("/core/scenario/builtins/load", test_builtins_load);
  g_test_add_func ("/core/scenario/builtins/extremes", test_builtins_extremes);
  g_test_add_func ("/core/scenario/builtins/find", test_builtins_find);
  g_test_add_func ("/core/scenario/builtins/broken", test_builtins_broken);
  g_test_add_func ("/core/scenario/params/expand", test_params_expand);
  g_test_add_func ("/core/scenario/params/values", test_params_values);
  g_test_add_func ("/core/scenario/params/bad-values", test_params_bad_values);
  g_test_add_func ("/core/scenario/race-counter", test_race_counter);
  g_test_add_func ("/core/scenario/objects", test_objects);
  g_test_add_func ("/core/scenario/definition", test_definition);
  g_test_add_func ("/core/scenario/errors/lines", test_errors);
  g_test_add_func ("/core/scenario/errors/file", test_errors_file);
  g_test_add_func ("/core/scenario/errors/empty", test_errors_empty);
  return g_test_run ();
}
