/* jg-cli-list.c: `juggler-cli list`: the built-in scenarios, their models and
 * parameters, as a table or as JSON for scripts. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "jg-cli.h"
#include "jg-scenario.h"

static const char * const param_types[] = {
  [JG_PARAM_INT] = "int",
  [JG_PARAM_DOUBLE] = "double",
  [JG_PARAM_BOOL] = "bool",
};

static void
set_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A parameter's number typed as the parameter is: 10, 2.5 or true. */
static void
add_param_value (JsonBuilder           *builder,
                 const JgScenarioParam *param,
                 double                 value)
{
  if (param->type == JG_PARAM_INT)
    json_builder_add_int_value (builder, (gint64) value);
  else if (param->type == JG_PARAM_DOUBLE)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_boolean_value (builder, value != 0);
}

static void
add_scenario (JsonBuilder *builder,
              JgScenario  *scenario)
{
  const char * const *models = jg_scenario_get_models (scenario);

  json_builder_begin_object (builder);
  set_string (builder, "id", jg_scenario_get_id (scenario));
  set_string (builder, "title", jg_scenario_get_title (scenario));
  set_string (builder, "idea", jg_scenario_get_idea (scenario));
  set_string (builder, "seed", jg_scenario_get_seed (scenario));
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; models[i] != NULL; i++)
    json_builder_add_string_value (builder, models[i]);
  json_builder_end_array (builder);
  set_string (builder, "default_model", jg_scenario_get_default_model (scenario));

  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < jg_scenario_get_n_params (scenario); i++)
    {
      const JgScenarioParam *param = jg_scenario_get_param (scenario, i);

      json_builder_begin_object (builder);
      set_string (builder, "name", param->name);
      set_string (builder, "label", param->label);
      set_string (builder, "unit", param->unit);
      set_string (builder, "type", param_types[param->type]);
      json_builder_set_member_name (builder, "default");
      add_param_value (builder, param, param->default_value);
      json_builder_set_member_name (builder, "min");
      add_param_value (builder, param, param->min);
      json_builder_set_member_name (builder, "max");
      add_param_value (builder, param, param->max);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static char *
format_value (const JgScenarioParam *param,
              double                 value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (param->type == JG_PARAM_BOOL)
    return g_strdup (value != 0 ? "true" : "false");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", value));
}

static void
print_text (GPtrArray *scenarios)
{
  for (guint i = 0; i < scenarios->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (scenarios, i);
      g_autofree char *models = g_strjoinv (", ", (char **) jg_scenario_get_models (scenario));

      printf ("%-20s %s\n", jg_scenario_get_id (scenario), jg_scenario_get_title (scenario));
      printf ("%-20s %s %s\n", "", _("models:"), models);
      for (guint p = 0; p < jg_scenario_get_n_params (scenario); p++)
        {
          const JgScenarioParam *param = jg_scenario_get_param (scenario, p);
          g_autofree char *value = format_value (param, param->default_value);
          g_autofree char *low = format_value (param, param->min);
          g_autofree char *high = format_value (param, param->max);

          if (param->type == JG_PARAM_BOOL)
            printf ("%-20s   %s=%s  %s\n", "", param->name, value, param->label);
          else
            {
              printf ("%-20s   %s=%s  ", "", param->name, value);
              /* TRANSLATORS: a parameter and its range: "Numbers to check (1 to 64 tasks)";
               * the last two %s are a space and the unit, or nothing */
              printf (_("%s (%s to %s%s%s)\n"), param->label,
                      low, high, param->unit ? " " : "", param->unit ? param->unit : "");
            }
        }
    }
}

int
jg_cli_list (int    argc,
             char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON array"), NULL },
    { NULL }
  };
  g_autoptr (GPtrArray) scenarios = NULL;
  g_autoptr (GError) error = NULL;

  if (!jg_cli_parse_options ("list", NULL, _("List the built-in scenarios with their models and parameters."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 1)
    return jg_cli_fail ("list", "%s", _("expected no arguments (see --help)"));

  scenarios = jg_scenario_load_builtins (&error);
  if (scenarios == NULL)
    return jg_cli_fail ("list", "%s", error->message);

  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < scenarios->len; i++)
        add_scenario (builder, g_ptr_array_index (scenarios, i));
      json_builder_end_array (builder);
      jg_cli_print_json (builder);
    }
  else
    {
      print_text (scenarios);
    }
  return EXIT_SUCCESS;
}
