/* jg-cli-compare.c: `juggler-cli compare SCENARIO`: one scenario under several
 * models, one run after another, as a table, bar charts of wall times and
 * speedups, the sentence saying which won and why, and the advisor's
 * recommendation beside it. `compare --show-me` runs the workload the advisor
 * builds for a job described with `recommend`'s flags. Ctrl+C stops it and
 * still prints what was measured. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jg-cli.h"
#include "jg-compare.h"

#define TEXT_WIDTH 78
#define BAR_WIDTH  40
#define MAX_SHOW_ME_MS 60000.0

/* --models a,b,c: each id once, in the order given. */
static gboolean
add_models (JgCompare   *compare,
            const char  *models,
            guint        workers,
            GError     **error)
{
  g_auto (GStrv) ids = g_strsplit (models, ",", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      char *id = g_strstrip (ids[i]);

      if (*id == '\0')
        continue;
      if (!g_hash_table_add (seen, id))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--models: “%s” given twice"), id);
          return FALSE;
        }
      if (jg_compare_add_contender (compare, id, workers, error) < 0)
        {
          g_prefix_error (error, "--models: ");
          return FALSE;
        }
    }
  if (g_hash_table_size (seen) == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--models: no model given"));
      return FALSE;
    }
  return TRUE;
}

/* Ctrl+C: watched from the start, acted on once the compare exists. */
typedef struct
{
  JgCompare *compare;
  gboolean   interrupted;
} Interrupt;

static gboolean
on_interrupt (gpointer data)
{
  Interrupt *interrupt = data;

  interrupt->interrupted = TRUE;
  if (interrupt->compare != NULL)
    jg_compare_stop (interrupt->compare);
  return G_SOURCE_CONTINUE;
}

static void
on_contender_started (JgCompare *compare,
                      guint      index,
                      gpointer   data)
{
  fprintf (stderr, _("Running %s (%u of %u)…\n"), jg_compare_get_contender (compare, index)->label,
           index + 1, jg_compare_get_n_contenders (compare));
}

/* Prints @text after @prefix, wrapped at TEXT_WIDTH columns; continuation
 * lines line up under the text. */
static void
print_wrapped (const char *prefix,
               const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GString) line = g_string_new (prefix);
  guint margin = (guint) g_utf8_strlen (prefix, -1);
  guint width = margin;
  gboolean empty = TRUE;

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

/* @text padded with spaces to @width columns (it may hold multi-byte characters). */
static char *
pad (const char *text,
     guint       width)
{
  guint chars = (guint) g_utf8_strlen (text, -1);

  return g_strdup_printf ("%s%*s", text, (int) (chars < width ? width - chars : 0), "");
}

/* A bar of @value out of @max, BAR_WIDTH cells wide at most, in eighths. */
static char *
bar (double value,
     double max)
{
  static const char * const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
  GString *text = g_string_new (NULL);
  guint n = max > 0 ? (guint) (value / max * BAR_WIDTH * 8 + 0.5) : 0;
  guint cells = 0;

  n = MAX (n, 1);
  for (; n >= 8; n -= 8, cells++)
    g_string_append (text, "█");
  if (n > 0)
    {
      g_string_append (text, eighths[n]);
      cells++;
    }
  for (; cells < BAR_WIDTH; cells++)
    g_string_append_c (text, ' ');
  return g_string_free (text, FALSE);
}

static const JgContender *
ranked (JgCompare *compare,
        guint      rank)
{
  return jg_compare_get_contender (compare, (guint) jg_compare_get_ranked (compare, rank));
}

static guint
label_width (JgCompare *compare)
{
  guint width = (guint) g_utf8_strlen (_("model"), -1);

  for (guint i = 0; i < jg_compare_get_n_contenders (compare); i++)
    width = MAX (width, (guint) g_utf8_strlen (jg_compare_get_contender (compare, i)->label, -1));
  return width;
}

static void
print_table (JgCompare *compare,
             guint      width)
{
  g_autofree char *model = pad (_("model"), width);

  printf ("  %-3s %s  %9s  %8s  %11s  %11s  %9s  %9s\n", "#", model, _("wall"), _("speedup"),
          _("concurrency"), _("parallelism"), _("CPU"), _("GIL hand-offs"));
  for (guint r = 0; r < jg_compare_get_n_ranked (compare); r++)
    {
      const JgContender *c = ranked (compare, r);
      g_autofree char *label = pad (c->label, width);
      g_autofree char *wall = g_strdup_printf (_("%.3f s"), c->metrics->wall_ns / 1e9);
      g_autofree char *cpu = g_strdup_printf (_("%.3f s"), c->metrics->cpu_ns / 1e9);
      g_autofree char *speedup = g_strdup_printf ("%.2f×", c->speedup);
      g_autofree char *speedup_cell = NULL;

      /* "×" is one column but two bytes: pad by hand. */
      speedup_cell = g_strdup_printf ("%*s%s", (int) (8 - g_utf8_strlen (speedup, -1)), "",
                                      speedup);
      printf ("  %-3u %s  %9s  %s  %11.2f  %11.2f  %9s  %9u%s\n", c->rank, label, wall,
              speedup_cell, c->metrics->concurrency, c->metrics->parallelism, cpu,
              c->metrics->gil_handoffs, c->tied && r > 0 ? _("  (tie)") : "");
    }
  for (guint i = 0; i < jg_compare_get_n_contenders (compare); i++)
    {
      const JgContender *c = jg_compare_get_contender (compare, i);
      g_autofree char *label = NULL;

      if (c->rank > 0)
        continue;
      label = pad (c->label, width);
      if (c->state == JG_CONTENDER_SKIPPED)
        {
          g_autofree char *text = g_strdup_printf (_("skipped: %s"), c->reason);
          g_autofree char *prefix = g_strdup_printf ("  %-3s %s  ", "-", label);

          print_wrapped (prefix, text);
        }
      else if (c->state == JG_CONTENDER_DONE)
        printf ("  %-3s %s  %s (%.3f s)\n", "-", label, jg_run_status_name (c->status),
                c->metrics->wall_ns / 1e9);
    }
}

static void
print_bars (JgCompare  *compare,
            guint       width,
            gboolean    speedups)
{
  double max = 0;
  const JgContender *baseline;

  if (jg_compare_get_n_ranked (compare) == 0)
    return;
  for (guint r = 0; r < jg_compare_get_n_ranked (compare); r++)
    {
      const JgContender *c = ranked (compare, r);

      max = MAX (max, speedups ? c->speedup : c->metrics->wall_ns / 1e9);
    }
  baseline = jg_compare_get_contender (compare, (guint) jg_compare_get_baseline (compare));
  if (speedups)
    printf ("\n%s\n", baseline->options.model == JG_MODEL_SEQUENTIAL
                      ? _("Speedup over sequential (longer is faster)")
                      : _("Speedup over the slowest (longer is faster)"));
  else
    printf ("\n%s\n", _("Wall time (shorter is faster)"));
  for (guint r = 0; r < jg_compare_get_n_ranked (compare); r++)
    {
      const JgContender *c = ranked (compare, r);
      g_autofree char *label = pad (c->label, width);
      double value = speedups ? c->speedup : c->metrics->wall_ns / 1e9;
      g_autofree char *cells = bar (value, max);

      if (speedups)
        printf ("  %s  %s  %.2f×\n", label, cells, value);
      else
        printf ("  %s  %s  %.3f s\n", label, cells, value);
    }
}

static void
print_text (JgCompare *compare)
{
  guint width = label_width (compare);
  const char *note = jg_compare_get_note (compare);

  guint n_tasks = jg_compare_get_n_tasks (compare);

  /* The show-me workload's title says it all already. */
  if (g_str_equal (jg_compare_get_scenario_id (compare), "show-me"))
    printf ("%s\n\n", jg_compare_get_title (compare));
  else
    /* TRANSLATORS: "Sum of squares (CPU-bound) (sum-of-squares), 4 tasks" */
    printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s), %u task\n\n", "%s (%s), %u tasks\n\n", n_tasks),
            jg_compare_get_title (compare), jg_compare_get_scenario_id (compare), n_tasks);
  print_table (compare, width);
  print_bars (compare, width, FALSE);
  print_bars (compare, width, TRUE);
  printf ("\n");
  print_wrapped ("", jg_compare_get_sentence (compare));
  if (note != NULL)
    {
      printf ("\n");
      print_wrapped (_("Advisor: "), note);
    }
}

static void
print_json (JgCompare *compare)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  jg_compare_add_to_builder (compare, builder);
  json_builder_end_object (builder);
  jg_cli_print_json (builder);
}

/* The compare for --show-me: the advisor's answer for the job the flags
 * describe, its "Show me" workload, and the models it names. */
static JgCompare *
show_me_compare (JgCliFacts  *job,
                 double       io_ms,
                 double       cpu_ms,
                 guint        workers,
                 const char  *models,
                 GError     **error)
{
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autoptr (JgAdvisorWalk) walk = NULL;
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JgCompare) compare = NULL;
  const JgAdvisorRecommendation *rec;
  JgAdvisorShowMe show_me;

  if (!jg_cli_facts_check (job, error))
    return NULL;
  advisor = jg_advisor_load_default (error);
  if (advisor == NULL)
    return NULL;
  walk = jg_advisor_walk_facts (advisor, &job->facts, error);
  if (walk == NULL)
    return NULL;
  rec = jg_advisor_walk_get_recommendation (walk);

  show_me = rec->show_me;
  if (io_ms >= 0)
    show_me.io_ms = io_ms;
  if (cpu_ms >= 0)
    show_me.cpu_ms = cpu_ms;
  if (show_me.io_ms <= 0 && show_me.cpu_ms <= 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--io-ms and --cpu-ms leave each task nothing to do"));
      return NULL;
    }
  plan = jg_compare_plan_from_show_me (&show_me, jg_advisor_walk_get_show_me_tasks (walk));
  compare = jg_compare_new (plan, NULL);

  if (models != NULL)
    {
      if (!add_models (compare, models, workers, error))
        return NULL;
    }
  else
    {
      for (guint i = 0; i < show_me.n_compare; i++)
        if (jg_compare_add_run_spec (compare, &show_me.compare[i], workers, error) < 0)
          return NULL;
    }
  jg_compare_set_recommendation (compare, advisor, rec, &job->facts);
  return g_steal_pointer (&compare);
}

static JgCompare *
scenario_compare (const char  *name,
                  char       **sets,
                  guint        workers,
                  const char  *models,
                  GError     **error)
{
  g_autoptr (JgScenario) scenario = NULL;
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (JgCompare) compare = NULL;
  g_autoptr (JgAdvisor) advisor = NULL;
  g_autoptr (GError) advice_error = NULL;

  scenario = jg_cli_load_scenario (name, error);
  if (scenario == NULL || !jg_cli_parse_sets (sets, values, error))
    return NULL;
  compare = jg_compare_new_for_scenario (scenario, values, error);
  if (compare == NULL)
    return NULL;
  if (models != NULL)
    {
      if (!add_models (compare, models, workers, error))
        return NULL;
    }
  else
    jg_compare_add_default_contenders (compare, workers);

  /* The advice is a bonus: a comparison still runs without it. Without
   * --models, the recommended model runs too. */
  advisor = jg_advisor_load_default (&advice_error);
  if (advisor == NULL || !jg_compare_recommend (compare, advisor, &advice_error))
    fprintf (stderr, _("juggler-cli compare: no recommendation to set beside the results: %s\n"),
             advice_error->message);
  else if (models == NULL)
    jg_compare_add_recommended (compare, workers);
  return g_steal_pointer (&compare);
}

static int
compare_command (int        argc,
                 char     **argv,
                 Interrupt *interrupt)
{
  g_autofree char *models = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean as_json = FALSE;
  gboolean show_me = FALSE;
  gint workers = -1;
  double io_ms = -1, cpu_ms = -1;
  const GOptionEntry own[] = {
    { "models", 'm', 0, G_OPTION_ARG_STRING, &models,
      N_("Comma-separated: sequential, threads, free-threaded, processes, asyncio, hybrid, "
         "hybrid-processes, per-interpreter (default: the first six; with --show-me, the "
         "advisor's)"), N_("LIST") },
    { "workers", 'w', 0, G_OPTION_ARG_INT, &workers,
      N_("Threads or processes in each pool (default: each model's own)"), N_("N") },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Set a scenario parameter (repeatable)"),
      N_("NAME=VALUE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { "show-me", 0, 0, G_OPTION_ARG_NONE, &show_me,
      N_("Instead of a scenario, run the workload the advisor builds for the job the flags "
         "below describe"), NULL },
    { "io-ms", 0, 0, G_OPTION_ARG_DOUBLE, &io_ms,
      N_("With --show-me: each task's I/O wait instead of the advisor's"), N_("MS") },
    { "cpu-ms", 0, 0, G_OPTION_ARG_DOUBLE, &cpu_ms,
      N_("With --show-me: each task's computing instead of the advisor's"), N_("MS") },
  };
  const GOptionEntry end = { NULL };
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (GOptionEntry));
  JgCliFacts job = { { 0 } };
  g_autoptr (JgCompare) compare = NULL;
  g_autoptr (GError) error = NULL;
  const char *summary;
  gboolean parsed;

  g_array_append_vals (entries, own, G_N_ELEMENTS (own));
  jg_cli_facts_add_entries (&job, entries);
  g_array_append_val (entries, end);
  summary = _("Run one scenario (a built-in id or a .json file) under several models, one "
              "after another, and say which won and why: wall time, speedup over the "
              "sequential run, concurrency and parallelism, beside the advisor's "
              "recommendation. With --show-me and recommend's flags (--io-bound, "
              "--cpu-bound or --mixed, --tasks N, …), run the workload the advisor builds "
              "for that job instead. Ctrl+C stops it and keeps what was measured.");
  parsed = jg_cli_parse_options ("compare", "SCENARIO", summary,
                                 (const GOptionEntry *) entries->data, &argc, &argv);
  if (!parsed)
    {
      jg_cli_facts_clear (&job);
      return EXIT_FAILURE;
    }

  if (workers == 0 || workers < -1)
    error = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                 _("--workers must be at least 1"));
  else if (!isfinite (io_ms) || !isfinite (cpu_ms)
           || io_ms > MAX_SHOW_ME_MS || cpu_ms > MAX_SHOW_ME_MS
           || (io_ms < 0 && io_ms != -1) || (cpu_ms < 0 && cpu_ms != -1))
    error = g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--io-ms and --cpu-ms must be between 0 and %.0f"), MAX_SHOW_ME_MS);
  else if (show_me)
    {
      if (argc != 1)
        error = g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                             _("--show-me builds its own workload: no SCENARIO (“%s”)"), argv[1]);
      else if (sets != NULL)
        error = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                     _("--set is for scenarios; with --show-me use --tasks, "
                                       "--io-ms and --cpu-ms"));
      else
        compare = show_me_compare (&job, io_ms, cpu_ms, workers > 0 ? (guint) workers : 0,
                                   models, &error);
    }
  else if (jg_cli_facts_given (&job) || io_ms != -1 || cpu_ms != -1)
    error = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                 _("the job flags (--io-bound, --tasks, --io-ms, …) go with "
                                   "--show-me"));
  else if (argc != 2)
    error = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                 _("expected exactly one SCENARIO (see --help; `juggler-cli "
                                   "list` names them), or --show-me"));
  else
    compare = scenario_compare (argv[1], sets, workers > 0 ? (guint) workers : 0, models, &error);
  jg_cli_facts_clear (&job);
  if (compare == NULL)
    return jg_cli_fail ("compare", "%s", error->message);

  if (isatty (STDERR_FILENO))
    g_signal_connect (compare, "contender-started", G_CALLBACK (on_contender_started), NULL);
  if (!jg_compare_start (compare, &error))
    return jg_cli_fail ("compare", "%s", error->message);
  interrupt->compare = compare;
  if (interrupt->interrupted)
    jg_compare_stop (compare);
  jg_compare_wait (compare);
  interrupt->compare = NULL;

  if (as_json)
    print_json (compare);
  else
    print_text (compare);

  /* Nothing ran to its end, and nobody asked it to stop: a failure. */
  if (jg_compare_get_winner (compare) < 0 && !jg_compare_is_stopped (compare))
    return EXIT_FAILURE;
  return EXIT_SUCCESS;
}

int
jg_cli_compare (int    argc,
                char **argv)
{
  Interrupt interrupt = { NULL, FALSE };
  guint source = g_unix_signal_add (SIGINT, on_interrupt, &interrupt);
  int status = compare_command (argc, argv, &interrupt);

  g_source_remove (source);
  return status;
}
