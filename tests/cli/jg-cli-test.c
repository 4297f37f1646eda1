/* jg-cli-test.c: the CLI tests' way of running juggler-cli as a user would: a
 * real process, its stdout, stderr and exit status. */
#include <signal.h>
#include <stdlib.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"

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

char *
jg_cli_test_make_tmp_dir (const char *tmpl)
{
  char *dir = test_make_tmp_dir (tmpl);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);

  /* The CPU calibration is cached under XDG_CACHE_HOME: keep it in our own folder. */
  jg_cli_test_setenv ("XDG_CACHE_HOME", cache);
  return dir;
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

GSubprocessLauncher *
jg_cli_test_launcher_c_locale (void)
{
  GSubprocessLauncher *launcher = jg_cli_test_launcher ();

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

void
jg_cli_test_ignore_sigint (gpointer data)
{
  signal (SIGINT, SIG_IGN);
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

GPtrArray *
jg_cli_test_argv_valist (const char *command,
                         const char *first,
                         va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();

  if (command != NULL)
    g_ptr_array_add (argv, (char *) command);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

JgCliResult
jg_cli_test_run (const char *first,
                 ...)
{
  g_autoptr (GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first);
  argv = jg_cli_test_argv_valist (NULL, first, args);
  va_end (args);
  return jg_cli_test_runv (NULL, (const char * const *) argv->pdata);
}

static void
exited_cb (GObject      *process,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (process), result, NULL);
  *(gboolean *) user_data = TRUE;
}

JgCliResult
jg_cli_test_interrupt (GSubprocess *process,
                       guint        delay_ms,
                       gboolean     whole_group)
{
  /* Read now: once the process has exited, it has no identifier. */
  pid_t group = whole_group ? (pid_t) atoi (g_subprocess_get_identifier (process)) : 0;
  gint64 start = g_get_monotonic_time ();
  gboolean exited = FALSE;
  JgCliResult result;

  g_subprocess_wait_async (process, NULL, exited_cb, &exited);

  /* Interrupt until it has been heard: the first may come before the handler. */
  g_usleep (delay_ms * 1000);
  while (!exited && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    {
      if (whole_group)
        kill (-group, SIGINT);
      else
        g_subprocess_send_signal (process, SIGINT);
      for (guint i = 0; i < 20 && !exited; i++)
        {
          g_usleep (10 * 1000);
          g_main_context_iteration (NULL, FALSE);
        }
    }

  result = jg_cli_test_finish (process);
  /* @exited lives on this stack: the wait must have called back before we return. */
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("interrupted juggler-cli returned after %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  return result;
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
