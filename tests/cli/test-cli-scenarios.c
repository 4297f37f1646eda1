/* test-cli-scenarios.c: `juggler-cli list` and `juggler-cli validate` as a
 * teacher runs them: the real binary, real files, its output and exit status. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"

static char *tmp_dir;

/* Runs juggler-cli with the arguments after @scenario_dir; a non-NULL
 * @scenario_dir replaces JUGGLER_SCENARIO_DIR for that run. */
static JgCliResult
run_cli (const char *scenario_dir,
         ...)
{
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GSubprocessLauncher) launcher = jg_cli_test_launcher ();
  va_list ap;

  va_start (ap, scenario_dir);
  args = jg_cli_test_argv_valist (NULL, va_arg (ap, const char *), ap);
  va_end (ap);

  if (scenario_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "JUGGLER_SCENARIO_DIR", scenario_dir, TRUE);
  return jg_cli_test_runv (launcher, (const char * const *) args->pdata);
}

static char *
builtin_path (const char *name)
{
  return g_build_filename (g_getenv ("JUGGLER_SCENARIO_DIR"), name, NULL);
}

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_help (void)
{
  JgCliResult r = run_cli (NULL, "--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "list"));
  g_assert_nonnull (strstr (r.out, "validate"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "list", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--json"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "FILE"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "FILE"));
  jg_cli_result_clear (&r);
}

static JsonObject *
find_scenario (JsonArray  *array,
               const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }
  g_error ("no scenario “%s” in the list", id);
}

static JsonObject *
find_param (JsonObject *scenario,
            const char *name)
{
  JsonArray *params = json_object_get_array_member (scenario, "parameters");

  for (guint i = 0; i < json_array_get_length (params); i++)
    {
      JsonObject *param = json_array_get_object_element (params, i);

      if (g_str_equal (json_object_get_string_member (param, "name"), name))
        return param;
    }
  g_error ("no parameter “%s”", name);
}

static void
test_list_json (void)
{
  static const char * const fields[] = { "id", "title", "idea", "models", "parameters", NULL };
  static const char * const param_fields[] = { "name", "type", "default", "min", "max", "unit", "label", NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JgCliResult r = run_cli (NULL, "list", "--json", NULL);
  JsonArray *array;
  JsonObject *race, *param;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), >=, 11);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *scenario = json_array_get_object_element (array, i);
      JsonArray *params;

      for (guint f = 0; fields[f] != NULL; f++)
        g_assert_true (json_object_has_member (scenario, fields[f]));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (scenario, "models")), >, 0);
      params = json_object_get_array_member (scenario, "parameters");
      for (guint p = 0; p < json_array_get_length (params); p++)
        for (guint f = 0; param_fields[f] != NULL; f++)
          g_assert_true (json_object_has_member (json_array_get_object_element (params, p), param_fields[f]));
    }

  race = find_scenario (array, "race-counter");
  param = find_param (race, "lock");
  g_assert_cmpstr (json_object_get_string_member (param, "type"), ==, "bool");
  g_assert_false (json_object_get_boolean_member (param, "default"));
  param = find_param (race, "increments");
  g_assert_cmpstr (json_object_get_string_member (param, "type"), ==, "int");
  g_assert_cmpint (json_object_get_int_member (param, "default"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (param, "min"), ==, 1);

  param = find_param (find_scenario (array, "downloads"), "latency");
  g_assert_cmpstr (json_object_get_string_member (param, "unit"), ==, "ms");
  g_assert_cmpint (json_object_get_int_member (param, "default"), ==, 200);
  find_scenario (array, "deadlock");
  find_scenario (array, "convoy");
  jg_cli_result_clear (&r);
}

static void
test_list_text (void)
{
  JgCliResult r = run_cli (NULL, "list", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "race-counter"));
  g_assert_nonnull (strstr (r.out, "lock=false"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "list", "extra", NULL);
  g_assert_cmpint (r.status, ==, 1);
  jg_cli_result_clear (&r);
}

/* A broken built-in is named, and nothing is listed. */
static void
test_list_broken (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "builtins", NULL);
  g_autofree char *bad = NULL;
  JgCliResult r;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  bad = g_build_filename (dir, "broken.json", NULL);
  g_assert_true (g_file_set_contents (bad, "{\n  \"title\": \"Broken\",\n  \"tasks\": 3\n}\n", -1, NULL));

  r = run_cli (dir, "list", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "broken.json:3: tasks: expected an array"));
  jg_cli_result_clear (&r);
  g_remove (bad);
  g_rmdir (dir);
}

static void
test_validate_good (void)
{
  g_autofree char *race = builtin_path ("race-counter.json");
  g_autofree char *deadlock = builtin_path ("deadlock.json");
  g_autofree char *expected = g_strdup_printf ("%s: ok (10 tasks, 30000 steps with defaults)\n", race);
  JgCliResult r = run_cli (NULL, "validate", race, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  g_assert_cmpstr (r.err, ==, "");
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", race, deadlock, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "deadlock.json: ok (2 tasks, 12 steps with defaults)"));
  jg_cli_result_clear (&r);
}

static void
test_validate_bad (void)
{
  g_autofree char *negative = write_file ("race.json",
    "{\n"
    "  \"title\": \"Race\",\n"
    "  \"variables\": [ { \"name\": \"counter\" } ],\n"
    "  \"tasks\": [\n"
    "    {\n"
    "      \"name\": \"Thread {i}\",\n"
    "      \"steps\": [\n"
    "        { \"op\": \"read\", \"var\": \"counter\" },\n"
    "        { \"op\": \"io\", \"ms\": -1 },\n"
    "        { \"op\": \"write\", \"var\": \"counter\", \"add\": 1 }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n");
  g_autofree char *not_json = write_file ("broken.json", "{\n  \"title\": \"x\",\n  \"tasks\": [\n}\n");
  g_autofree char *undefined = write_file ("undefined.json",
    "{\n"
    "  \"title\": \"Undefined\",\n"
    "  \"tasks\": [ { \"name\": \"T\", \"count\": \"$workers\",\n"
    "    \"steps\": [ { \"op\": \"cpu\", \"ms\": 1 } ] } ]\n"
    "}\n");
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.json", NULL);
  g_autofree char *good = builtin_path ("downloads.json");
  g_autofree char *expected = g_strdup_printf ("%s:9: tasks[0].steps[1].ms: must not be negative", negative);
  JgCliResult r = run_cli (NULL, "validate", negative, NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, expected));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", not_json, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "broken.json:4:"));
  g_assert_nonnull (strstr (r.err, "Parse error"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", undefined, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "undefined.json:3: tasks[0].count: $workers is not a parameter"));
  jg_cli_result_clear (&r);

  r = run_cli (NULL, "validate", missing, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "missing.json"));
  jg_cli_result_clear (&r);

  /* One bad file fails the run; the good ones are still reported. */
  r = run_cli (NULL, "validate", good, negative, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "downloads.json: ok (10 tasks"));
  g_assert_nonnull (strstr (r.err, "race.json:9:"));
  jg_cli_result_clear (&r);

  g_remove (negative);
  g_remove (not_json);
  g_remove (undefined);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("JUGGLER_SCENARIO_DIR") == NULL)
    {
      g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "data", "scenarios", NULL);

      g_setenv ("JUGGLER_SCENARIO_DIR", dir, TRUE);
    }
  tmp_dir = test_make_tmp_dir ("juggler-cli-scenarios-XXXXXX");

  g_test_add_func ("/cli/scenarios/help", test_help);
  g_test_add_func ("/cli/scenarios/list-json", test_list_json);
  g_test_add_func ("/cli/scenarios/list-text", test_list_text);
  g_test_add_func ("/cli/scenarios/list-broken", test_list_broken);
  g_test_add_func ("/cli/scenarios/validate-good", test_validate_good);
  g_test_add_func ("/cli/scenarios/validate-bad", test_validate_bad);
  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
