/* jg-cli-recommend.c: `juggler-cli recommend`: the decision wizard's answer
 * from flags, walked through the same tree (data/advisor/decision-tree.json),
 * as text or as one JSON object for scripts. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "jg-advisor.h"
#include "jg-cli.h"

#define TEXT_WIDTH 78
/* Prints @text after @indent spaces and @prefix ("- ", or NULL), wrapped at
 * TEXT_WIDTH columns; continuation lines line up under the text. */
static void
print_wrapped (const char *text,
               guint       indent,
               const char *prefix)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \n", -1);
  g_autoptr (GString) line = g_string_new (NULL);
  guint margin = indent + (prefix != NULL ? (guint) g_utf8_strlen (prefix, -1) : 0);
  guint width = margin;
  gboolean empty = TRUE;

  g_string_append_printf (line, "%*s%s", (int) indent, "", prefix != NULL ? prefix : "");
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint chars = (guint) g_utf8_strlen (words[i], -1);

      if (chars == 0)
        continue;
      if (!empty && width + 1 + chars > TEXT_WIDTH)
        {
          printf ("%s\n", line->str);
          g_string_printf (line, "%*s", (int) margin, "");
          width = margin;
          empty = TRUE;
        }
      if (!empty)
        {
          g_string_append_c (line, ' ');
          width++;
        }
      g_string_append (line, words[i]);
      width += chars;
      empty = FALSE;
    }
  printf ("%s\n", line->str);
}

/* "threads", "threads (free-threaded Python)", "hybrid (asyncio + processes)", "threads, 10 workers". */
static char *
describe_run (const JgAdvisorRunSpec *run)
{
  GString *text = g_string_new (run->model);

  if (run->executor != NULL)
    /* TRANSLATORS: a hybrid model: "hybrid (asyncio + processes)" */
    g_string_append_printf (text, _(" (asyncio + %s)"), run->executor);
  if (!g_str_equal (run->interpreter, "gil"))
    /* TRANSLATORS: "threads on free-threaded Python" */
    g_string_append_printf (text, _(" on %s Python"), run->interpreter);
  if (run->workers > 0)
    g_string_append_printf (text, ngettext (", %u worker", ", %u workers", run->workers), run->workers);
  return g_string_free (text, FALSE);
}

static void
print_text (JgAdvisorWalk *walk)
{
  const JgAdvisorRecommendation *rec = jg_advisor_walk_get_recommendation (walk);
  const JgAdvisorShowMe *show_me = &rec->show_me;
  g_autofree char *run = describe_run (&rec->run);
  g_autofree char *runner_up = describe_run (&rec->runner_up);
  g_autoptr (GString) models = g_string_new (NULL);
  g_autofree char *work = NULL;
  g_autofree char *show = NULL;
  guint n_tasks = jg_advisor_walk_get_show_me_tasks (walk);

  printf ("%s %s\n", _("Recommendation:"), rec->title);
  printf ("  %s %s\n", _("Model:"), run);
  printf ("  %s %s\n\n", _("In Python:"), rec->api);

  printf ("%s\n", _("Why:"));
  print_wrapped (rec->why, 2, NULL);

  printf ("\n%s\n", _("Watch out:"));
  for (guint i = 0; rec->watch_out[i] != NULL; i++)
    print_wrapped (rec->watch_out[i], 2, "- ");

  printf ("\n%s %s (%s)\n", _("Runner-up:"), rec->runner_up_title, runner_up);
  printf ("%s\n", _("Why not the runner-up:"));
  for (guint i = 0; rec->pitfalls[i] != NULL; i++)
    print_wrapped (rec->pitfalls[i], 2, "- ");

  printf ("\n%s\n", _("How the advisor got there:"));
  for (guint i = 0; i < jg_advisor_walk_get_n_steps (walk); i++)
    {
      guint option = 0;
      const JgAdvisorQuestion *question = jg_advisor_walk_get_step (walk, i, &option);

      print_wrapped (question->text, 2, NULL);
      print_wrapped (question->options[option].label, 4, "→ ");
    }

  for (guint i = 0; i < show_me->n_compare; i++)
    {
      g_autofree char *model = describe_run (&show_me->compare[i]);

      g_string_append_printf (models, "%s%s", i > 0 ? "; " : "", model);
    }
  if (show_me->io_ms > 0 && show_me->cpu_ms > 0)
    /* TRANSLATORS: "16 tasks, each waiting 200 ms (socket), then computing 80 ms" */
    work = g_strdup_printf (_("%u tasks, each waiting %g ms (%s), then computing %g ms"),
                            n_tasks, show_me->io_ms, jg_io_kind_name (show_me->io_kind), show_me->cpu_ms);
  else if (show_me->io_ms > 0)
    /* TRANSLATORS: "200 tasks, each waiting 200 ms (socket)" */
    work = g_strdup_printf (_("%u tasks, each waiting %g ms (%s)"),
                            n_tasks, show_me->io_ms, jg_io_kind_name (show_me->io_kind));
  else
    /* TRANSLATORS: "8 tasks, each computing 200 ms" */
    work = g_strdup_printf (_("%u tasks, each computing %g ms"), n_tasks, show_me->cpu_ms);
  /* TRANSLATORS: "8 tasks, each computing 200 ms" + " without the GIL" +
   * "; run under: threads; processes" */
  show = g_strdup_printf (_("%s%s%s; run under: %s"), work,
                          show_me->releases_gil ? _(" without the GIL") : "",
                          show_me->shared_state ? _(", updating shared data") : "",
                          models->str);
  printf ("\n");
  print_wrapped (show, 0, _("Show me: "));
}

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
add_strings (JsonBuilder  *builder,
             const char   *name,
             char * const *strings)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strings[i] != NULL; i++)
    json_builder_add_string_value (builder, strings[i]);
  json_builder_end_array (builder);
}

static void
add_run (JsonBuilder            *builder,
         const JgAdvisorRunSpec *run,
         gboolean                with_workers)
{
  set_string (builder, "model", run->model);
  set_string (builder, "interpreter", run->interpreter);
  set_string (builder, "executor", run->executor);
  if (with_workers)
    {
      json_builder_set_member_name (builder, "workers");
      json_builder_add_int_value (builder, run->workers);
    }
}

static void
print_json (JgAdvisorWalk *walk)
{
  const JgAdvisorRecommendation *rec = jg_advisor_walk_get_recommendation (walk);
  const JgAdvisorShowMe *show_me = &rec->show_me;
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_run (builder, &rec->run, FALSE);
  set_string (builder, "recommendation", rec->id);
  set_string (builder, "title", rec->title);
  set_string (builder, "api", rec->api);
  set_string (builder, "why", rec->why);
  add_strings (builder, "watch_out", rec->watch_out);

  json_builder_set_member_name (builder, "runner_up");
  json_builder_begin_object (builder);
  add_run (builder, &rec->runner_up, FALSE);
  set_string (builder, "title", rec->runner_up_title);
  json_builder_end_object (builder);
  add_strings (builder, "pitfalls", rec->pitfalls);

  json_builder_set_member_name (builder, "path");
  json_builder_begin_array (builder);
  for (guint i = 0; i < jg_advisor_walk_get_n_steps (walk); i++)
    {
      guint option = 0;
      const JgAdvisorQuestion *question = jg_advisor_walk_get_step (walk, i, &option);

      json_builder_begin_object (builder);
      set_string (builder, "question", question->id);
      set_string (builder, "fact", jg_advisor_fact_name (question->fact));
      set_string (builder, "answer", question->options[option].value);
      set_string (builder, "question_text", question->text);
      set_string (builder, "answer_text", question->options[option].label);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "show_me");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tasks");
  json_builder_add_int_value (builder, jg_advisor_walk_get_show_me_tasks (walk));
  json_builder_set_member_name (builder, "io_ms");
  json_builder_add_double_value (builder, show_me->io_ms);
  set_string (builder, "io_kind", jg_io_kind_name (show_me->io_kind));
  json_builder_set_member_name (builder, "cpu_ms");
  json_builder_add_double_value (builder, show_me->cpu_ms);
  json_builder_set_member_name (builder, "releases_gil");
  json_builder_add_boolean_value (builder, show_me->releases_gil);
  json_builder_set_member_name (builder, "shared_state");
  json_builder_add_boolean_value (builder, show_me->shared_state);
  json_builder_set_member_name (builder, "compare");
  json_builder_begin_array (builder);
  for (guint i = 0; i < show_me->n_compare; i++)
    {
      json_builder_begin_object (builder);
      add_run (builder, &show_me->compare[i], TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  jg_cli_print_json (builder);
}

int
jg_cli_recommend (int    argc,
                  char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry own[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
  };
  const GOptionEntry end = { NULL };
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (GOptionEntry));
  g_auto (JgCliFacts) job = { { 0 } };
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autoptr (JgAdvisorWalk) walk = NULL;
  g_autoptr (GError) error = NULL;

  jg_cli_facts_add_entries (&job, entries);
  g_array_append_vals (entries, own, G_N_ELEMENTS (own));
  g_array_append_val (entries, end);
  if (!jg_cli_parse_options ("recommend", NULL,
                             _("Recommend a concurrency model for a job, as the decision wizard does: "
                               "say whether the job is I/O-bound, CPU-bound or mixed, and how many "
                               "tasks run at once."),
                             (const GOptionEntry *) entries->data, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 1)
    return jg_cli_fail ("recommend", _("unexpected argument “%s” (see --help)"), argv[1]);
  if (!jg_cli_facts_check (&job, &error))
    return jg_cli_fail ("recommend", "%s", error->message);

  advisor = jg_advisor_load_default (&error);
  if (advisor != NULL)
    walk = jg_advisor_walk_facts (advisor, &job.facts, &error);
  if (walk == NULL)
    return jg_cli_fail ("recommend", "%s", error->message);

  if (as_json)
    print_json (walk);
  else
    print_text (walk);
  return EXIT_SUCCESS;
}
