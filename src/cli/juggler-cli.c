/* juggler-cli.c: the headless front end. It dispatches to one subcommand per
 * file; tests and CI drive everything through it. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "jg-cli.h"
#include "jg-i18n.h"

typedef struct
{
  const char  *name;
  JgCliCommand run;
  const char  *summary;
} Command;

static const Command commands[] = {
  { "info", jg_cli_info, N_("Show a trace's counts, duration and metrics") },
  { "bench", jg_cli_bench, N_("Measure the probe, the trace store and the file format") },
  { "list", jg_cli_list, N_("List the built-in scenarios") },
  { "validate", jg_cli_validate, N_("Check scenario files") },
  { "run", jg_cli_run, N_("Run a scenario and show what it shows") },
  { "recommend", jg_cli_recommend, N_("Recommend a concurrency model for a job") },
  { "export", jg_cli_export, N_("Export a trace as Chrome trace JSON (Perfetto)") },
  { "import", jg_cli_import, N_("Import a Chrome trace JSON file as a .juggler trace") },
  { "lesson", jg_cli_lesson, N_("Check a lesson and list its steps, or prepare it for class") },
  { "caption", jg_cli_caption, N_("Show the captions that explain a trace") },
  { "compare", jg_cli_compare, N_("Run a scenario under several models and say which won and why") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: juggler-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Juggler shows how Python's concurrency models run work. This is its headless front end."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “juggler-cli COMMAND --help” for a command's options."));
}

gboolean
jg_cli_parse_options (const char          *command,
                      const char          *parameter_string,
                      const char          *summary,
                      const GOptionEntry  *entries,
                      int                 *argc,
                      char              ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("juggler-cli %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      jg_cli_fail (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

void
jg_cli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

void
jg_cli_print_row (const char *label,
                  const char *format,
                  ...)
{
  va_list args;
  /* Padded by characters, not bytes: "Übergaben" lines up with "Events". */
  glong pad = 18 - g_utf8_strlen (label, -1);

  printf ("  %s%*s ", label, (int) MAX (pad, 0), "");
  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  printf ("\n");
}

int
jg_cli_fail (const char *command,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "juggler-cli %s: %s\n", command, message);
  return EXIT_FAILURE;
}

JgScenario *
jg_cli_load_scenario (const char  *name,
                      GError     **error)
{
  /* A path to a file if there is one, or it looks like one; else a built-in id. */
  if (g_file_test (name, G_FILE_TEST_EXISTS) || g_str_has_suffix (name, ".json") || strchr (name, '/') != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (name);

      return jg_scenario_load (file, error);
    }
  return jg_scenario_find_builtin (name, error);
}

gboolean
jg_cli_parse_sets (char       **sets,
                   JsonObject  *values,
                   GError     **error)
{
  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      const char *equals = strchr (sets[i], '=');
      g_autofree char *name = NULL;

      if (equals == NULL || equals == sets[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--set expects NAME=VALUE, not “%s”"), sets[i]);
          return FALSE;
        }
      name = g_strndup (sets[i], equals - sets[i]);
      /* The scenario knows each parameter's type and range and checks the text. */
      json_object_set_string_member (values, name, equals + 1);
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  jg_i18n_init ();
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_FAILURE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("juggler-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("juggler-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return EXIT_FAILURE;
}
