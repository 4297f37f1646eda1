/* jg-cli-facts.c: the flags that describe a job to the advisor (--io-bound,
 * --cpu-bound or --mixed, --tasks N, --releases-gil, …), for every command
 * that asks the decision tree: `recommend` and `compare --show-me`. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-cli.h"

#define MAX_CLI_TASKS 1000000000u

/* GOption callbacks of the main group get no user data, and juggler-cli runs
 * one command per process: the facts being parsed are found here. */
static JgCliFacts *parsing;

static gboolean
on_bound_flag (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  JgWorkload workload = JG_WORKLOAD_IO;

  if (g_str_equal (option_name, "--cpu-bound"))
    workload = JG_WORKLOAD_CPU;
  else if (g_str_equal (option_name, "--mixed"))
    workload = JG_WORKLOAD_MIXED;

  if (parsing->n_workloads > 0 && g_str_equal (option_name, parsing->first))
    {
      /* TRANSLATORS: "--mixed: given twice" */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("%s: given twice"), option_name);
      return FALSE;
    }
  if (parsing->n_workloads++ > 0)
    {
      /* TRANSLATORS: "--mixed: give only one of --io-bound, --cpu-bound and --mixed
       * (--io-bound came first)" */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("%s: give only one of --io-bound, --cpu-bound and --mixed (%s came first)"),
                   option_name, parsing->first);
      return FALSE;
    }
  parsing->facts.workload = workload;
  parsing->first = g_strdup (option_name);
  return TRUE;
}

void
jg_cli_facts_add_entries (JgCliFacts *facts,
                          GArray     *entries)
{
  const GOptionEntry job[] = {
    { "io-bound", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_bound_flag,
      N_("The job mostly waits: network, disk, database (the CPU sits idle)"), NULL },
    { "cpu-bound", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_bound_flag,
      N_("The job mostly computes (a core stays busy)"), NULL },
    { "mixed", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_bound_flag,
      N_("Each task waits for data, then computes on it (separate phases)"), NULL },
    { "tasks", 0, 0, G_OPTION_ARG_STRING, &facts->tasks,
      N_("How many tasks wait or run at the same time"), N_("N") },
    { "releases-gil", 0, 0, G_OPTION_ARG_NONE, &facts->facts.releases_gil,
      N_("The heavy work is C code that releases the GIL (NumPy-style)"), NULL },
    { "shared-state", 0, 0, G_OPTION_ARG_NONE, &facts->facts.shared_state,
      N_("The tasks update mutable data they share"), NULL },
    { "all-async", 0, 0, G_OPTION_ARG_NONE, &facts->facts.all_async,
      N_("Every library on the way has an async API"), NULL },
    { "background", 0, 0, G_OPTION_ARG_NONE, &facts->facts.background,
      N_("Fire-and-forget background work: nothing waits for the result"), NULL },
    { "batch", 0, 0, G_OPTION_ARG_NONE, &facts->facts.batch,
      N_("Batch data processing: one function over a large data set"), NULL },
  };

  g_return_if_fail (facts != NULL);
  g_return_if_fail (entries != NULL);

  parsing = facts;
  g_array_append_vals (entries, job, G_N_ELEMENTS (job));
}

gboolean
jg_cli_facts_given (const JgCliFacts *facts)
{
  return facts->n_workloads > 0 || facts->tasks != NULL || facts->facts.releases_gil
         || facts->facts.shared_state || facts->facts.all_async || facts->facts.background
         || facts->facts.batch;
}

gboolean
jg_cli_facts_check (JgCliFacts  *facts,
                    GError     **error)
{
  guint64 n_tasks = 0;

  if (facts->n_workloads == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("say what the job is: give one of --io-bound, --cpu-bound or "
                             "--mixed"));
      return FALSE;
    }
  if (facts->tasks == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("say how many tasks run at once: --tasks N"));
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (facts->tasks, 10, 1, MAX_CLI_TASKS, &n_tasks, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--tasks: “%s” is not a whole number from 1 to %u"), facts->tasks,
                   MAX_CLI_TASKS);
      return FALSE;
    }
  facts->facts.n_tasks = (guint) n_tasks;
  return TRUE;
}

void
jg_cli_facts_clear (JgCliFacts *facts)
{
  g_clear_pointer (&facts->first, g_free);
  g_clear_pointer (&facts->tasks, g_free);
  if (parsing == facts)
    parsing = NULL;
}
