/* jg-cli-export.c: `juggler-cli export TRACE --format FORMAT -o OUT` writes a
 * trace for other tools, or a picture of it for a slide (PNG, SVG, PDF);
 * `juggler-cli import IN.json -o OUT.juggler` reads a Chrome trace (another
 * tool's, or our own export) and says what it could not map. */
#define G_LOG_DOMAIN "juggler-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

#include "jg-chrome-trace.h"
#include "jg-cli.h"
#include "jg-picture.h"
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

/* Each format is one row: a trace format has an exporter, a picture none. */
static const struct
{
  const char      *name;
  const char      *extension;
  ExportFunc       export;
  JgPictureFormat  picture;
  const char      *what;
} formats[] = {
  { "chrome", ".json", export_chrome, JG_PICTURE_N_FORMATS,
    N_("Chrome Trace Event JSON, for Perfetto and chrome://tracing") },
  { "png", ".png", NULL, JG_PICTURE_FORMAT_PNG, N_("a PNG picture of the trace") },
  { "svg", ".svg", NULL, JG_PICTURE_FORMAT_SVG, N_("an SVG picture of the trace") },
  { "pdf", ".pdf", NULL, JG_PICTURE_FORMAT_PDF, N_("a PDF picture of the trace") },
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
    g_string_append_printf (list, "%s%s", list->len > 0 ? ", " : "", formats[i].name);
  return g_string_free (list, FALSE);
}

/* The options that shape a picture, as given (NULL when not). */
typedef struct
{
  char *view;
  char *theme;
  char *from;
  char *to;
  char *width;
  char *height;
  char *scale;
} PictureOptions;

static void
picture_options_clear (PictureOptions *options)
{
  g_free (options->view);
  g_free (options->theme);
  g_free (options->from);
  g_free (options->to);
  g_free (options->width);
  g_free (options->height);
  g_free (options->scale);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PictureOptions, picture_options_clear)

/* The first picture option given, for a format that is not a picture. */
static const char *
picture_option_given (const PictureOptions *options)
{
  const struct { const char *value; const char *name; } given[] = {
    { options->view, "--view" }, { options->theme, "--theme" }, { options->from, "--from" },
    { options->to, "--to" }, { options->width, "--width" }, { options->height, "--height" },
    { options->scale, "--scale" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (given); i++)
    if (given[i].value != NULL)
      return given[i].name;
  return NULL;
}

/* @text as a finite number, or an error naming @option. */
static gboolean
parse_number (const char  *option,
              const char  *text,
              double      *value,
              GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s “%s” is not a number"), option, text);
      return FALSE;
    }
  return TRUE;
}

/* The value of @enum_type whose nick is @nick, or an error listing them. */
static gboolean
parse_enum (GType        enum_type,
            const char  *what,
            const char  *nick,
            gint        *value,
            GError     **error)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  g_autoptr (GString) nicks = g_string_new (NULL);
  GEnumValue *found = g_enum_get_value_by_nick (klass, nick);

  if (found != NULL)
    {
      *value = found->value;
      return TRUE;
    }
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (nicks, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               /* Translators: e.g. unknown view “lanes”; one of: tasks, workers, cores */
               _("unknown %s “%s”; one of: %s"), what, nick, nicks->str);
  return FALSE;
}

/* A picture of @trace as @options say. */
static JgPicture *
make_picture (JgTrace               *trace,
              const char            *trace_path,
              const PictureOptions  *options,
              GError               **error)
{
  g_autoptr (JgPicture) picture = jg_picture_new (trace);
  double from = 0, to = 0, width = 0, height = 0, scale = 1;
  guint64 t0, t1;
  gint value;

  if (options->view != NULL)
    {
      if (!parse_enum (JG_TYPE_SWIMLANE_VIEW, _("view"), options->view, &value, error))
        return NULL;
      jg_picture_set_view (picture, value);
    }
  if (options->theme != NULL)
    {
      if (!parse_enum (JG_TYPE_SWIMLANE_THEME, _("theme"), options->theme, &value, error))
        return NULL;
      jg_picture_set_theme (picture, value);
    }

  if ((options->from != NULL && !parse_number ("--from", options->from, &from, error))
      || (options->to != NULL && !parse_number ("--to", options->to, &to, error))
      || (options->width != NULL && !parse_number ("--width", options->width, &width, error))
      || (options->height != NULL && !parse_number ("--height", options->height, &height, error))
      || (options->scale != NULL && !parse_number ("--scale", options->scale, &scale, error)))
    return NULL;

  jg_picture_get_window (picture, &t0, &t1);
  if (from < 0 || to < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--from and --to are seconds from the trace’s start, not negative"));
      return NULL;
    }
  if (options->from != NULL)
    t0 = (guint64) llround (from * 1e9);
  if (options->to != NULL)
    t1 = (guint64) llround (to * 1e9);
  if (!jg_picture_set_window (picture, t0, t1, error))
    {
      g_prefix_error (error, "--from/--to: ");
      return NULL;
    }
  /* 0 is “automatic” to the picture; on the command line it is a mistake. */
  if (options->width != NULL && width == 0)
    width = -1;
  if (options->height != NULL && height == 0)
    height = -1;
  if (!jg_picture_set_size (picture, width, height, error)
      || !jg_picture_set_scale (picture, scale, error))
    return NULL;

  if (jg_trace_get_title (trace) == NULL)
    {
      g_autofree char *name = g_path_get_basename (trace_path);

      jg_picture_set_title (picture, name);
    }
  return g_steal_pointer (&picture);
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
  g_auto (PictureOptions) picture_options = { 0 };
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("What to write: chrome, png, svg or pdf (default: from OUT's extension)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write"), "OUT" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &picture_options.view,
      N_("Pictures: what a lane stands for, tasks, workers or cores (default: tasks)"), "VIEW" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &picture_options.from,
      N_("Pictures: start the window at S seconds (default: 0)"), "S" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &picture_options.to,
      N_("Pictures: end the window at S seconds (default: the trace's end)"), "S" },
    { "width", 0, 0, G_OPTION_ARG_STRING, &picture_options.width,
      N_("Pictures: width in pixels (PNG) or points (SVG, PDF) (default: 1600)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_STRING, &picture_options.height,
      N_("Pictures: height; with --width, the drawing is zoomed to fill the frame "
         "(default: as tall as the lanes need)"), "H" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &picture_options.theme,
      N_("Pictures: light, dark or projector (default: light)"), "THEME" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &picture_options.scale,
      N_("PNG: device pixels per pixel, 2 for HiDPI (default: 1)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GFile) in = NULL;
  g_autoptr (GFile) out = NULL;
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgSpans) spans = NULL;
  g_autoptr (JgPicture) picture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out_path = NULL;
  const char *misplaced;
  gint format;

  summary = g_strdup_printf (_("Export a .juggler trace for other tools, or a picture of it for a slide. "
                               "Formats: %s."), available);
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
  misplaced = picture_option_given (&picture_options);
  if (formats[format].export != NULL && misplaced != NULL)
    return jg_cli_fail ("export", _("%s is for pictures (png, svg, pdf), not --format %s"),
                        misplaced, formats[format].name);
  if (formats[format].picture != JG_PICTURE_FORMAT_PNG && picture_options.scale != NULL)
    return jg_cli_fail ("export", _("--scale is for PNG pictures; SVG and PDF are drawn in vectors"));

  in = g_file_new_for_commandline_arg (argv[1]);
  trace = jg_trace_file_load (in, NULL, &error);
  if (trace == NULL)
    return jg_cli_fail ("export", "%s", error->message);

  out = g_file_new_for_commandline_arg (output);
  if (formats[format].export != NULL)
    {
      spans = jg_spans_new ();
      jg_spans_update (spans, trace);
      if (!formats[format].export (trace, spans, out, &error))
        return jg_cli_fail ("export", "%s", error->message);
    }
  else
    {
      picture = make_picture (trace, argv[1], &picture_options, &error);
      if (picture == NULL || !jg_picture_save (picture, out, formats[format].picture, NULL, &error))
        return jg_cli_fail ("export", "%s", error->message);
    }

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
      if (picture != NULL)
        {
          JgPictureLayout layout;

          jg_picture_get_layout (picture, &layout);
          json_builder_set_member_name (builder, "width");
          json_builder_add_double_value (builder, layout.width);
          json_builder_set_member_name (builder, "height");
          json_builder_add_double_value (builder, layout.height);
        }
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
      if (picture != NULL)
        {
          JgPictureLayout layout;

          jg_picture_get_layout (picture, &layout);
          if (formats[format].picture == JG_PICTURE_FORMAT_PNG)
            printf (_("%d × %d pixels.\n"), layout.png_width, layout.png_height);
          else
            printf (_("%.0f × %.0f points.\n"), layout.width, layout.height);
        }
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
