/* jg-cli-validate.c: `juggler-cli validate FILE…`: checks scenario files the
 * way Juggler loads them, so a teacher can fix one before class. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>

#include "jg-cli.h"
#include "jg-scenario.h"

int
jg_cli_validate (int    argc,
                 char **argv)
{
  const GOptionEntry entries[] = {
    { NULL }
  };
  int status = EXIT_SUCCESS;

  if (!jg_cli_parse_options ("validate", "FILE…",
                             _("Check scenario files: on success print what they expand to with their "
                               "default parameters; on failure print the file, line and field at fault."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc < 2)
    return jg_cli_fail ("validate", "%s", _("expected a scenario FILE (see --help)"));

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr (JgScenario) scenario = NULL;
      g_autoptr (JgScenarioPlan) plan = NULL;
      g_autoptr (GError) error = NULL;
      guint64 n_steps = 0;

      scenario = jg_scenario_load (file, &error);
      if (scenario != NULL)
        plan = jg_scenario_instantiate (scenario, NULL, &error);
      if (plan == NULL)
        {
          status = jg_cli_fail ("validate", "%s", error->message);
          continue;
        }
      for (guint t = 0; t < plan->n_tasks; t++)
        n_steps += plan->tasks[t].n_steps;
      /* TRANSLATORS: "FILE: ok (10 tasks, 50000 steps with defaults)" */
      printf (_("%s: ok (%u tasks, %" PRIu64 " steps with defaults)\n"),
              argv[i], plan->n_tasks, (uint64_t) n_steps); /* PRIu64: xgettext keeps it whole */
    }
  return status;
}
