/* jg-cli-test.c: the CLI tests' way of running juggler-cli as a user would: a
 * real process, its stdout, stderr and exit status. */
#include "jg-cli-test.h"

void
jg_cli_result_clear (JgCliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static GPtrArray *extra_env; /* name, value, name, value, … */

void
jg_cli_test_setenv (const char *name,
                    const char *value)
{
  if (extra_env == NULL)
    extra_env = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (extra_env, g_strdup (name));
  g_ptr_array_add (extra_env, g_strdup (value));
}

GSubprocessLauncher *
jg_cli_test_launcher (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                             | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  for (guint i = 0; extra_env != NULL && i + 1 < extra_env->len; i += 2)
    g_subprocess_launcher_setenv (launcher, g_ptr_array_index (extra_env, i),
                                  g_ptr_array_index (extra_env, i + 1), TRUE);
  return launcher;
}

GSubprocess *
jg_cli_test_spawnv (GSubprocessLauncher *launcher,
                    const char * const  *arguments)
{
  g_autoptr (GSubprocessLauncher) own = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  const char *cli = g_getenv ("JUGGLER_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);
  if (launcher == NULL)
    launcher = own = jg_cli_test_launcher ();
  g_ptr_array_add (args, (char *) cli);
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (args, (char *) arguments[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  return process;
}

JgCliResult
jg_cli_test_finish (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;
  JgCliResult result = { 0 };

  g_subprocess_communicate_utf8 (process, NULL, NULL, &result.out, &result.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result.status = g_subprocess_get_exit_status (process);
  return result;
}

JgCliResult
jg_cli_test_runv (GSubprocessLauncher *launcher,
                  const char * const  *arguments)
{
  g_autoptr (GSubprocess) process = jg_cli_test_spawnv (launcher, arguments);

  return jg_cli_test_finish (process);
}

JgCliResult
jg_cli_test_run (const char *first,
                 ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return jg_cli_test_runv (NULL, (const char * const *) args->pdata);
}

JsonObject *
jg_cli_test_parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}
