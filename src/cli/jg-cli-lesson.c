/* jg-cli-lesson.c: `juggler-cli lesson [FILE|ID]`: checks a lesson and lists
 * its steps; with --record and --save, prepares it for class by running every
 * step once and saving the traces with it (docs/lessons.md). */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "jg-cli.h"
#include "jg-lesson.h"
#include "jg-run.h"
#include "jg-trace-file.h"

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

static void
add_step (JsonBuilder  *builder,
          JgLessonStep *step,
          guint         index)
{
  JgTrace *trace = jg_lesson_step_get_trace (step);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, index + 1);
  set_string (builder, "topic", jg_lesson_topic_name (jg_lesson_step_get_topic (step)));
  set_string (builder, "title", jg_lesson_step_get_title (step));
  set_string (builder, "scenario", jg_lesson_step_get_scenario (step));
  set_string (builder, "model", jg_lesson_step_get_model (step));
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), jg_lesson_step_get_parameters (step)));
  json_builder_set_member_name (builder, "workers");
  json_builder_add_int_value (builder, jg_lesson_step_get_workers (step));
  set_string (builder, "interpreter", jg_lesson_step_get_interpreter (step));
  set_string (builder, "start_method", jg_lesson_step_get_start_method (step));
  json_builder_set_member_name (builder, "switch_interval_ms");
  if (jg_lesson_step_get_switch_interval_ms (step) > 0)
    json_builder_add_double_value (builder, jg_lesson_step_get_switch_interval_ms (step));
  else
    json_builder_add_null_value (builder);
  set_string (builder, "look_at", jg_lesson_step_get_look_at (step));
  set_string (builder, "question", jg_lesson_step_get_question (step));
  set_string (builder, "answer", jg_lesson_step_get_answer (step));
  json_builder_set_member_name (builder, "trace");
  if (trace != NULL)
    {
      json_builder_begin_object (builder);
      set_string (builder, "path", jg_lesson_step_get_trace_path (step));
      json_builder_set_member_name (builder, "embedded");
      json_builder_add_boolean_value (builder, jg_lesson_step_get_trace_path (step) == NULL);
      json_builder_set_member_name (builder, "events");
      json_builder_add_int_value (builder, (gint64) jg_trace_get_n_events (trace));
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) g_bytes_get_size (jg_lesson_step_get_trace_bytes (step)));
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
}

static void
print_json (JgLesson   *lesson,
            const char *source)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  set_string (builder, "file", source);
  set_string (builder, "id", jg_lesson_get_id (lesson));
  set_string (builder, "title", jg_lesson_get_title (lesson));
  set_string (builder, "summary", jg_lesson_get_summary (lesson));
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < jg_lesson_get_n_steps (lesson); i++)
    add_step (builder, jg_lesson_get_step (lesson, i), i);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  jg_cli_print_json (builder);
}

static char *
format_parameters (JsonObject *parameters)
{
  g_autoptr (GList) members = json_object_get_members (parameters);
  GString *text = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (parameters, l->data);
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *value = NULL;

      /* Numbers as a teacher wrote them: 0.2, not 0.20000000000000001. */
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        value = g_strdup (g_ascii_formatd (number, sizeof number, "%g", json_node_get_double (node)));
      else
        value = json_to_string (node, FALSE);
      g_string_append_printf (text, "%s%s=%s", text->len > 0 ? ", " : "", (const char *) l->data, value);
    }
  return g_string_free (text, FALSE);
}

static void
print_text (JgLesson   *lesson,
            const char *source)
{
  printf ("%s — %s\n", source, jg_lesson_get_title (lesson));
  if (jg_lesson_get_summary (lesson) != NULL)
    printf ("%s\n", jg_lesson_get_summary (lesson));
  for (guint i = 0; i < jg_lesson_get_n_steps (lesson); i++)
    {
      JgLessonStep *step = jg_lesson_get_step (lesson, i);
      JgTrace *trace = jg_lesson_step_get_trace (step);
      g_autofree char *parameters = format_parameters (jg_lesson_step_get_parameters (step));
      const char *interpreter = jg_lesson_step_get_interpreter (step);
      const char *start_method = jg_lesson_step_get_start_method (step);
      double interval = jg_lesson_step_get_switch_interval_ms (step);

      printf ("\n%2u. %s — %s\n", i + 1, jg_lesson_topic_title (jg_lesson_step_get_topic (step)),
              jg_lesson_step_get_title (step));
      printf ("    %s %s, %s %s%s%s\n", _("scenario"), jg_lesson_step_get_scenario (step),
              _("model"), jg_lesson_step_get_model (step), *parameters != '\0' ? ", " : "", parameters);
      if (interpreter != NULL || interval > 0 || start_method != NULL || jg_lesson_step_get_workers (step) > 0)
        printf ("    %s %u, %s %s, %s %s, %s %g ms\n",
                _("workers"), jg_lesson_step_get_workers (step),
                _("interpreter"), interpreter != NULL ? interpreter : "gil",
                _("start method"), start_method != NULL ? start_method : "-",
                _("switch interval"), interval > 0 ? interval : 5.0);
      printf ("    %s %s\n", _("Look at:"), jg_lesson_step_get_look_at (step));
      printf ("    %s %s\n", _("Ask:"), jg_lesson_step_get_question (step));
      if (trace != NULL)
        printf ("    %s %s (%" G_GUINT64_FORMAT " events)\n", _("Trace:"),
                jg_lesson_step_get_trace_path (step) ? jg_lesson_step_get_trace_path (step) : _("embedded"),
                jg_trace_get_n_events (trace));
      else
        printf ("    %s %s\n", _("Trace:"), _("none, run it live"));
    }
}

static int
list_builtins (gboolean as_json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lessons = jg_lesson_load_builtins (&error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  if (lessons == NULL)
    return jg_cli_fail ("lesson", "%s", error->message);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lessons");
  json_builder_begin_array (builder);
  for (guint i = 0; i < lessons->len; i++)
    {
      JgLesson *lesson = g_ptr_array_index (lessons, i);

      if (!as_json)
        {
          printf ("%-24s ", jg_lesson_get_id (lesson));
          /* TRANSLATORS: a lesson's title and length: "Python concurrency, step by step (12 steps)" */
          printf (ngettext ("%s (%u step)\n", "%s (%u steps)\n", jg_lesson_get_n_steps (lesson)),
                  jg_lesson_get_title (lesson), jg_lesson_get_n_steps (lesson));
        }
      json_builder_begin_object (builder);
      set_string (builder, "id", jg_lesson_get_id (lesson));
      set_string (builder, "title", jg_lesson_get_title (lesson));
      json_builder_set_member_name (builder, "steps");
      json_builder_add_int_value (builder, jg_lesson_get_n_steps (lesson));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (as_json)
    jg_cli_print_json (builder);
  return EXIT_SUCCESS;
}

/* Runs a step as the app would, and keeps its trace with the step. */
static gboolean
record_step (JgLessonStep  *step,
             GError       **error)
{
  g_autoptr (JgScenario) scenario = jg_scenario_find_builtin (jg_lesson_step_get_scenario (step), error);
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JgRun) run = NULL;
  JgRunOptions options;
  JgRunStatus status;

  if (scenario == NULL)
    return FALSE;
  plan = jg_scenario_instantiate (scenario, jg_lesson_step_get_parameters (step), error);
  if (plan == NULL)
    return FALSE;

  jg_run_options_init (&options);
  options.workers = jg_lesson_step_get_workers (step);
  if (!jg_model_from_name (jg_lesson_step_get_model (step), &options.model))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("this build cannot run the %s model"),
                   jg_lesson_step_get_model (step));
      return FALSE;
    }
  if (jg_lesson_step_get_interpreter (step) != NULL)
    jg_interpreter_mode_from_name (jg_lesson_step_get_interpreter (step), &options.interpreter);
  if (jg_lesson_step_get_start_method (step) != NULL)
    jg_start_method_from_name (jg_lesson_step_get_start_method (step), &options.start_method);
  if (jg_lesson_step_get_switch_interval_ms (step) > 0)
    options.switch_interval_ms = jg_lesson_step_get_switch_interval_ms (step);

  run = jg_run_new (plan, &options);
  jg_run_set_definition (run, jg_scenario_get_definition (scenario));
  if (!jg_run_start (run, error))
    return FALSE;
  status = jg_run_wait (run);
  if (status == JG_RUN_FAILED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the run failed"));
      return FALSE;
    }
  return jg_lesson_step_set_trace (step, jg_run_get_trace (run), error);
}

/* A file if there is one by that name, else a built-in lesson's id. */
static JgLesson *
load_lesson (const char  *argument,
             char       **source,
             GError     **error)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (argument);

  if (g_file_query_exists (file, NULL) || strchr (argument, '/') != NULL || g_str_has_suffix (argument, ".json"))
    {
      *source = g_file_get_parse_name (file);
      return jg_lesson_load (file, error);
    }
  *source = g_strdup (argument);
  return jg_lesson_find_builtin (argument, error);
}

int
jg_cli_lesson (int    argc,
               char **argv)
{
  gboolean as_json = FALSE;
  gboolean record = FALSE;
  gboolean embed = FALSE;
  g_autofree char *save = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { "record", 0, 0, G_OPTION_ARG_NONE, &record,
      N_("Run every step that has no trace yet and keep its trace (use with --save)"), NULL },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, N_("Save the lesson, with its traces, to this file"), N_("FILE") },
    { "embed", 0, 0, G_OPTION_ARG_NONE, &embed, N_("With --save: put the traces inside the lesson file"), NULL },
    { NULL }
  };
  g_autoptr (JgLesson) lesson = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *source = NULL;

  if (!jg_cli_parse_options ("lesson", "[FILE|ID]",
                             _("Check a lesson file (or a built-in lesson) and list its steps: the scenario, "
                               "what to look at and the question for the class. Every scenario must exist and "
                               "every trace must load. Without FILE, lists the built-in lessons. With --record "
                               "--save, prepares a lesson for class: each step is run once and its trace saved "
                               "with the lesson, so nothing needs to run in front of the class."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc > 2)
    return jg_cli_fail ("lesson", "%s", _("expected at most one FILE or lesson id (see --help)"));
  if ((record || embed) && save == NULL)
    return jg_cli_fail ("lesson", "%s", _("--record and --embed need --save"));
  if (argc < 2)
    {
      if (save != NULL)
        return jg_cli_fail ("lesson", "%s", _("--save needs a FILE or lesson id"));
      return list_builtins (as_json);
    }

  lesson = load_lesson (argv[1], &source, &error);
  if (lesson == NULL)
    return jg_cli_fail ("lesson", "%s", error->message);

  if (record)
    for (guint i = 0; i < jg_lesson_get_n_steps (lesson); i++)
      {
        JgLessonStep *step = jg_lesson_get_step (lesson, i);

        if (jg_lesson_step_get_trace (step) != NULL)
          continue;
        if (!as_json)
          fprintf (stderr, _("Recording step %u: %s…\n"), i + 1, jg_lesson_step_get_scenario (step));
        if (!record_step (step, &error))
          return jg_cli_fail ("lesson", _("step %u (%s): %s"), i + 1, jg_lesson_step_get_scenario (step),
                              error->message);
      }

  if (save != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (save);

      if (!jg_lesson_save_full (lesson, file, embed ? JG_LESSON_SAVE_EMBED_TRACES : JG_LESSON_SAVE_DEFAULT, &error))
        return jg_cli_fail ("lesson", "%s", error->message);
      g_free (source);
      source = g_file_get_parse_name (file);
    }

  if (as_json)
    print_json (lesson, source);
  else
    print_text (lesson, source);
  return EXIT_SUCCESS;
}
