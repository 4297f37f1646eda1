/* jg-cli-caption.c: `juggler-cli caption TRACE`: the captions presenter mode
 * shows along a trace, all of them or the one at a moment (docs/lessons.md). */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "jg-caption.h"
#include "jg-cli.h"
#include "jg-trace-file.h"

static void
add_caption (JsonBuilder     *builder,
             JgTrace         *trace,
             const JgCaption *caption)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time_s");
  json_builder_add_double_value (builder, caption->ts / 1e9);
  json_builder_set_member_name (builder, "event");
  json_builder_add_int_value (builder, (gint64) caption->event);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, jg_caption_kind_name (caption->kind));
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, caption->priority);
  json_builder_set_member_name (builder, "task");
  if (caption->task < jg_trace_get_n_tasks (trace))
    json_builder_add_string_value (builder, jg_trace_get_task_name (trace, caption->task));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "worker");
  if (caption->worker < jg_trace_get_n_workers (trace))
    json_builder_add_string_value (builder, jg_trace_get_worker_name (trace, caption->worker));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, caption->text);
  json_builder_end_object (builder);
}

static void
print_caption (const JgCaption *caption)
{
  printf ("%12.6f s  %-17s %s\n", caption->ts / 1e9, jg_caption_kind_name (caption->kind), caption->text);
}

static int
print_all (GFile       *file,
           JgCaptioner *captioner,
           gboolean     as_json)
{
  JgTrace *trace = jg_captioner_get_trace (captioner);
  guint n = jg_captioner_get_n_captions (captioner);
  g_autoptr (JsonBuilder) builder = NULL;
  g_autofree char *path = NULL;

  if (!as_json)
    {
      for (guint i = 0; i < n; i++)
        {
          g_auto (JgCaption) caption = { 0 };

          jg_captioner_get_caption (captioner, i, &caption);
          print_caption (&caption);
        }
      return EXIT_SUCCESS;
    }

  builder = json_builder_new ();
  path = g_file_get_path (file);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "scenario");
  json_builder_add_string_value (builder, jg_trace_get_scenario_id (trace));
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, n);
  json_builder_set_member_name (builder, "captions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_auto (JgCaption) caption = { 0 };

      jg_captioner_get_caption (captioner, i, &caption);
      add_caption (builder, trace, &caption);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  jg_cli_print_json (builder);
  return EXIT_SUCCESS;
}

static int
print_at (GFile         *file,
          JgCaptioner   *captioner,
          guint64        at_ns,
          const char    *step_name,
          gboolean       as_json)
{
  JgTrace *trace = jg_captioner_get_trace (captioner);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *path = g_file_get_path (file);
  g_auto (JgCaption) caption = { 0 };
  guint64 ts = at_ns;
  gboolean found = TRUE;

  /* --step: go to the next event of that kind after the time, as Page Down does. */
  if (step_name != NULL)
    {
      JgCaptionStep step;
      guint64 event;

      if (!jg_caption_step_from_name (step_name, &step))
        return jg_cli_fail ("caption", _("unknown step “%s” (expected event, handoff or switch)"), step_name);
      event = jg_captioner_next_event (captioner, at_ns, step);
      if (event == JG_CAPTION_NO_EVENT)
        found = FALSE;
      else
        ts = jg_trace_get_event (trace, event)->ts;
    }
  if (found)
    found = jg_captioner_caption_at (captioner, ts, &caption);

  if (!as_json)
    {
      if (found)
        print_caption (&caption);
      else if (step_name != NULL)
        printf ("%s\n", _("No such event after that time."));
      else
        printf ("%s\n", _("Nothing has happened yet at that time."));
      return EXIT_SUCCESS;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "at_s");
  json_builder_add_double_value (builder, ts / 1e9);
  json_builder_set_member_name (builder, "caption");
  if (found)
    add_caption (builder, trace, &caption);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  jg_cli_print_json (builder);
  return EXIT_SUCCESS;
}

int
jg_cli_caption (int    argc,
                char **argv)
{
  g_autofree char *at = NULL;
  g_autofree char *step = NULL;
  gboolean all = FALSE;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("The caption at this time"), N_("SECONDS") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every caption, in time order (the default)"), NULL },
    { "step", 0, 0, G_OPTION_ARG_STRING, &step,
      N_("With --at: the caption of the next event, hand-off or switch after that time"), N_("event|handoff|switch") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GFile) file = NULL;
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autoptr (GError) error = NULL;
  double seconds = 0;

  if (!jg_cli_parse_options ("caption", "TRACE",
                             _("Show the captions presenter mode gives a .juggler trace: what happens, "
                               "in plain words, made from its events."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 2)
    return jg_cli_fail ("caption", "%s", _("expected exactly one TRACE file (see --help)"));
  if (at != NULL && all)
    return jg_cli_fail ("caption", "%s", _("--at and --all cannot be used together"));
  if (step != NULL && at == NULL)
    return jg_cli_fail ("caption", "%s", _("--step needs --at"));
  if (at != NULL)
    {
      char *end = NULL;

      seconds = g_ascii_strtod (at, &end);
      if (end == at || *end != '\0' || !(seconds >= 0) || seconds > 1e9)
        return jg_cli_fail ("caption", _("--at expects a time in seconds, not “%s”"), at);
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  trace = jg_trace_file_load (file, NULL, &error);
  if (trace == NULL)
    return jg_cli_fail ("caption", "%s", error->message);
  captioner = jg_captioner_new (trace);
  jg_captioner_update (captioner);

  if (at != NULL)
    return print_at (file, captioner, (guint64) (seconds * 1e9 + 0.5), step, as_json);
  return print_all (file, captioner, as_json);
}
