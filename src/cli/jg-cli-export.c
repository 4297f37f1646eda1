/* jg-cli-export.c: `juggler-cli export TRACE --format FORMAT -o OUT` writes a
 * trace for other tools; `juggler-cli import IN.json -o OUT.juggler` reads a
 * Chrome trace (another tool's, or our own export) and says what it could not
 * map. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "jg-chrome-trace.h"
#include "jg-cli.h"
#include "jg-trace-file.h"

/* export */

/* Writes @trace, whose @spans are computed, to @file. */
typedef gboolean (*ExportFunc) (JgTrace  *trace,
                                JgSpans  *spans,
                                GFile    *file,
                                GError  **error);

static gboolean
export_chrome (JgTrace  *trace,
               JgSpans  *spans,
               GFile    *file,
               GError  **error)
{
  return jg_chrome_trace_export (trace, spans, file, NULL, error);
}

/* Each format is one row; a format whose exporter is not built yet has none. */
static const struct
{
  const char *name;
  const char *extension;
  ExportFunc  export;
  const char *what;
} formats[] = {
  { "chrome", ".json", export_chrome, N_("Chrome Trace Event JSON, for Perfetto and chrome://tracing") },
  { "png", ".png", NULL, N_("a PNG picture of the trace") },
  { "svg", ".svg", NULL, N_("an SVG picture of the trace") },
  { "pdf", ".pdf", NULL, N_("a PDF picture of the trace") },
};

static gint
find_format (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0)
      return (gint) i;
  return -1;
}

/* The format an output name implies, by its extension. */
static gint
format_for_path (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *lower = g_ascii_strdown (path, -1);

      if (g_str_has_suffix (lower, formats[i].extension))
        return (gint) i;
    }
  return -1;
}

static char *
available_formats (void)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].export != NULL)
      g_string_append_printf (list, "%s%s", list->len > 0 ? ", " : "", formats[i].name);
  return g_string_free (list, FALSE);
}

/* "1 task", "2 tasks": @one and @many are the noun's two forms. */
static char *
count_of (guint64     n,
          const char *one,
          const char *many)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", n,
                          g_dngettext (GETTEXT_PACKAGE, one, many, (gulong) MIN (n, G_MAXULONG)));
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return path != NULL && g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

int
jg_cli_export (int    argc,
               char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *available = available_formats ();
  g_autofree char *summary = NULL;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("What to write: chrome (default: from OUT's extension)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write"), "OUT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GFile) in = NULL;
  g_autoptr (GFile) out = NULL;
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgSpans) spans = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out_path = NULL;
  gint format;

  summary = g_strdup_printf (_("Export a .juggler trace for other tools. Formats: %s."), available);
  if (!jg_cli_parse_options ("export", "TRACE", summary, entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 2)
    return jg_cli_fail ("export", "%s", _("expected exactly one TRACE file (see --help)"));
  if (output == NULL)
    return jg_cli_fail ("export", "%s", _("say where to write with -o OUT"));

  format = format_name != NULL ? find_format (format_name) : format_for_path (output);
  if (format < 0 && format_name != NULL)
    return jg_cli_fail ("export", _("unknown format “%s”; this build exports: %s"),
                        format_name, available);
  if (format < 0)
    return jg_cli_fail ("export",
                        _("cannot tell the format from “%s”; give --format (this build exports: %s)"),
                        output, available);
  if (formats[format].export == NULL)
    return jg_cli_fail ("export", _("--format %s (%s) is not available yet: pictures come with the canvas "
                                    "painter; this build exports: %s"),
                        formats[format].name, _(formats[format].what), available);

  in = g_file_new_for_commandline_arg (argv[1]);
  trace = jg_trace_file_load (in, NULL, &error);
  if (trace == NULL)
    return jg_cli_fail ("export", "%s", error->message);
  spans = jg_spans_new ();
  jg_spans_update (spans, trace);

  out = g_file_new_for_commandline_arg (output);
  if (!formats[format].export (trace, spans, out, &error))
    return jg_cli_fail ("export", "%s", error->message);

  out_path = g_file_get_path (out);
  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, out_path != NULL ? out_path : output);
      json_builder_set_member_name (builder, "format");
      json_builder_add_string_value (builder, formats[format].name);
      json_builder_set_member_name (builder, "events");
      json_builder_add_int_value (builder, (gint64) jg_trace_get_n_events (trace));
      json_builder_set_member_name (builder, "tasks");
      json_builder_add_int_value (builder, jg_trace_get_n_tasks (trace));
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) file_size (out_path));
      json_builder_end_object (builder);
      jg_cli_print_json (builder);
    }
  else
    {
      g_autofree char *tasks = count_of (jg_trace_get_n_tasks (trace), N_("task"), N_("tasks"));
      g_autofree char *events = count_of (jg_trace_get_n_events (trace), N_("event"), N_("events"));

      printf (_("Wrote %s: %s, %s, %s.\n"), output, _(formats[format].what), tasks, events);
      if (g_str_equal (formats[format].name, "chrome"))
        printf ("%s\n", _("Open it in https://ui.perfetto.dev or chrome://tracing."));
    }
  return EXIT_SUCCESS;
}

/* import */

int
jg_cli_import (int    argc,
               char **argv)
{
  g_autofree char *output = NULL;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The .juggler trace to write"), "OUT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GFile) in = NULL;
  g_autoptr (GFile) out = NULL;
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgChromeImportReport) report = NULL;
  g_autoptr (GError) error = NULL;
  guint n_items;

  if (!jg_cli_parse_options ("import", "IN.json",
                             _("Read a Chrome Trace Event JSON file (from VizTracer, Perfetto, Chrome, or "
                               "Juggler's own export) and save it as a .juggler trace. What cannot be "
                               "mapped is listed."),
                             entries, &argc, &argv))
    return EXIT_FAILURE;
  if (argc != 2)
    return jg_cli_fail ("import", "%s", _("expected exactly one IN.json file (see --help)"));
  if (output == NULL)
    return jg_cli_fail ("import", "%s", _("say where to write the trace with -o OUT.juggler"));

  in = g_file_new_for_commandline_arg (argv[1]);
  trace = jg_chrome_trace_import (in, &report, NULL, &error);
  if (trace == NULL)
    return jg_cli_fail ("import", "%s", error->message);
  out = g_file_new_for_commandline_arg (output);
  if (!jg_trace_file_save (trace, out, NULL, &error))
    return jg_cli_fail ("import", "%s", error->message);

  n_items = jg_chrome_import_report_get_n_items (report);
  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autofree char *out_path = g_file_get_path (out);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, out_path != NULL ? out_path : output);
      json_builder_set_member_name (builder, "juggler_export");
      json_builder_add_boolean_value (builder, jg_chrome_import_report_is_juggler (report));
      json_builder_set_member_name (builder, "events_read");
      json_builder_add_int_value (builder, (gint64) jg_chrome_import_report_get_n_read (report));
      json_builder_set_member_name (builder, "events");
      json_builder_add_int_value (builder, (gint64) jg_trace_get_n_events (trace));
      json_builder_set_member_name (builder, "tasks");
      json_builder_add_int_value (builder, jg_trace_get_n_tasks (trace));
      json_builder_set_member_name (builder, "workers");
      json_builder_add_int_value (builder, jg_trace_get_n_workers (trace));
      json_builder_set_member_name (builder, "unmapped");
      json_builder_add_int_value (builder, (gint64) jg_chrome_import_report_get_n_unmapped (report));
      json_builder_set_member_name (builder, "report");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_items; i++)
        {
          g_autofree char *message = jg_chrome_import_report_describe_item (report, i);
          guint64 count;
          gboolean unmapped;
          const char *kind = jg_chrome_import_report_get_item (report, i, &count, &unmapped);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, kind);
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, (gint64) count);
          json_builder_set_member_name (builder, "unmapped");
          json_builder_add_boolean_value (builder, unmapped);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      jg_cli_print_json (builder);
      return EXIT_SUCCESS;
    }

  {
    g_autofree char *tasks = count_of (jg_trace_get_n_tasks (trace), N_("task"), N_("tasks"));
    g_autofree char *workers = count_of (jg_trace_get_n_workers (trace), N_("worker"), N_("workers"));
    g_autofree char *events = count_of (jg_trace_get_n_events (trace), N_("event"), N_("events"));
    g_autofree char *read = count_of (jg_chrome_import_report_get_n_read (report),
                                      N_("Chrome trace event"), N_("Chrome trace events"));

    if (jg_chrome_import_report_is_juggler (report))
      printf (_("Wrote %s: a Juggler export read back exactly, %s, %s.\n"), output, tasks, events);
    else
      printf (_("Wrote %s: %s from top-level slices, on %s (one per thread), %s, from %s.\n"),
              output, tasks, workers, events, read);
  }
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *message = jg_chrome_import_report_describe_item (report, i);

      printf ("  %s\n", message);
    }
  if (jg_chrome_import_report_get_n_unmapped (report) == 0)
    printf ("  %s\n", _("Nothing was dropped."));
  return EXIT_SUCCESS;
}
