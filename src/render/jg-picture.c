/* jg-picture.c: a trace drawn for a slide and written as PNG, SVG or PDF.
 *
 * Everything is laid out in logical units first (the painter's pixels), then
 * scaled by a zoom: a frame of a given width and height is filled by zooming
 * the whole drawing, so a trace of three lanes on a 1920×1080 slide gets large
 * type rather than a strip with empty space under it. Text goes through
 * Pango (JgText), like the painter's: shaped, each string in its own direction,
 * with metrics hinting off so it measures the same at every zoom and on every
 * surface. Files are written through JgAtomicFile: a failed export leaves
 * nothing behind.
 */
#define G_LOG_DOMAIN "jg-picture"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "jg-atomic-file.h"
#include "jg-format.h"
#include "jg-lod.h"
#include "jg-metrics.h"
#include "jg-palette.h"
#include "jg-picture.h"
#include "jg-spans.h"
#include "jg-text.h"

/* cairo's image surfaces stop at this many pixels a side. */
#define MAX_DEVICE_PIXELS 32767
/* A fitted frame zooms the drawing up to MAX_ZOOM, keeping at least
 * MIN_LOGICAL_WIDTH units across so the lane names keep their column; many
 * lanes are zoomed out down to MIN_LANES_ZOOM, then cut off. */
#define MAX_ZOOM          3.0
#define MIN_LOGICAL_WIDTH 560.0
#define MIN_LANES_ZOOM    0.5

/* Sizes in logical units. */
typedef struct
{
  double   pad;
  double   title_font;
  double   subtitle_font;
  double   label_font;  /* above a figure */
  double   big_font;    /* concurrency and parallelism */
  double   value_font;  /* the other figures */
  double   detail_font; /* under a figure */
  gboolean bold;        /* labels too, for the back row */
} Sizes;

static const Sizes sizes_normal = { 16, 24, 14, 13, 44, 26, 12, FALSE };
static const Sizes sizes_projector = { 24, 36, 21, 20, 68, 40, 18, TRUE };

/* The painter's colours for the same theme, so the picture is one piece. */
typedef struct
{
  JgRgba   bg;
  JgRgba   fg;
  JgRgba   dim;
  JgRgba   band;
  JgRgba   rule;
  JgRgba   strip;  /* the painter's, under its counters */
  gboolean dark;
} Colors;

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1 }

static const Colors colors_light = {
  RGB (0xFFFFFF), RGB (0x241F31), RGB (0x5E5C64), RGB (0xF6F5F4), RGB (0xDEDDDA), RGB (0xF6F5F4), FALSE,
};

static const Colors colors_dark = {
  RGB (0x1E1E1E), RGB (0xFFFFFF), RGB (0xC0BFBC), RGB (0x2A2A2A), RGB (0x45454A), RGB (0x242424), TRUE,
};

static const Colors colors_projector = {
  RGB (0xFFFFFF), RGB (0x000000), RGB (0x000000), RGB (0xF4F4F4), RGB (0x000000), RGB (0xF4F4F4), FALSE,
};

typedef enum
{
  FIGURE_CONCURRENCY = 0,
  FIGURE_PARALLELISM,
  FIGURE_WALL,
  FIGURE_UTILISATION,
  FIGURE_HANDOFFS,
  FIGURE_GIL_WAIT,
  N_FIGURES
} FigureId;

/* Two large figures first; the rest follow in smaller type. */
#define N_BIG_FIGURES 2

/* One tile of the band. */
typedef struct
{
  char   *label;
  char   *value;
  char   *detail;
  gboolean has_chip;
  JgRgba  chip;
  double  x;
  double  y;
  double  w;
  double  h;
} Tile;

/* Everything the drawing needs. The title and the band are drawn in logical
 * units times @zoom; the lanes times @lanes_zoom, which is smaller when many
 * lanes must fit a frame: the words that matter most stay readable. */
typedef struct
{
  const Sizes  *s;
  const Colors *c;
  double        width;      /* picture units */
  double        height;
  double        zoom;
  double        lanes_zoom;
  double        lw;         /* logical width of the title and band */
  double        title_h;    /* logical */
  double        band_h;     /* logical */
  double        lanes_x;    /* picture units, the lanes' origin */
  double        lanes_y;
  double        lanes_lw;   /* logical size of the lanes */
  double        lanes_lh;
  double        band_y;     /* picture units */
  char         *title;
  char         *subtitle;
  Tile          tiles[N_FIGURES];
  guint         hidden_lanes;
} Frame;

struct _JgPicture
{
  GObject            parent_instance;

  JgTrace           *trace;
  JgSpans           *spans;
  JgLod             *lod;
  JgSwimlanePainter *painter;
  cairo_t           *measure;
  JgText            *text;

  JgSwimlaneView     view;
  JgSwimlaneTheme    theme;
  guint64            t0;
  guint64            t1;
  guint64            end;      /* the trace's end: where windows must stop */
  double             width;    /* requested; 0 for automatic */
  double             height;
  double             scale;
  char              *title;

  gboolean           figures_valid;
  JgPictureFigures   figures;
};

G_DEFINE_FINAL_TYPE (JgPicture, jg_picture, G_TYPE_OBJECT)
G_DEFINE_QUARK (jg-picture-error-quark, jg_picture_error)

/* Figures of the window */

/* jg_metrics_compute () counts from the run's start; what happened in
 * [t0, t1) is what had happened by t1 less what had by t0. Every figure of the
 * band is such a sum (a mean is a sum of durations over the wall time). */
static void
compute_figures (JgPicture        *self,
                 JgPictureFigures *figures)
{
  g_autofree JgMetrics *upto = g_new0 (JgMetrics, 1);
  g_autofree JgMetrics *before = g_new0 (JgMetrics, 1);
  double in_flight, cpu;
  guint64 wall;

  jg_metrics_compute (upto, self->trace, self->spans, self->t1);
  if (self->t0 > 0)
    jg_metrics_compute (before, self->trace, self->spans, self->t0);

  wall = upto->wall_ns > before->wall_ns ? upto->wall_ns - before->wall_ns : 0;
  in_flight = upto->concurrency * upto->wall_ns - before->concurrency * before->wall_ns;
  cpu = (double) upto->cpu_ns - (double) before->cpu_ns;

  memset (figures, 0, sizeof *figures);
  figures->wall_ns = wall;
  figures->n_cores = upto->n_cores;
  if (wall > 0)
    {
      figures->concurrency = MAX (0, in_flight) / wall;
      figures->parallelism = MAX (0, cpu) / wall;
      figures->core_utilisation = MAX (0, cpu) / ((double) wall * MAX (1, upto->n_cores));
    }
  figures->gil_handoffs = upto->gil_handoffs - MIN (before->gil_handoffs, upto->gil_handoffs);
  figures->gil_drop_requests = upto->gil_drop_requests
                               - MIN (before->gil_drop_requests, upto->gil_drop_requests);
  figures->gil_wait_ns = upto->gil_wait_ns - MIN (before->gil_wait_ns, upto->gil_wait_ns);
}

void
jg_picture_get_figures (JgPicture        *self,
                        JgPictureFigures *figures)
{
  g_return_if_fail (JG_IS_PICTURE (self));
  g_return_if_fail (figures != NULL);

  if (!self->figures_valid)
    {
      compute_figures (self, &self->figures);
      self->figures_valid = TRUE;
    }
  *figures = self->figures;
}

/* Words */

static const char *
model_name (const char *model)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "sequential", N_("Sequential") },
    { "threads", N_("Threads") },
    { "processes", N_("Processes") },
    { "asyncio", N_("asyncio") },
    { "hybrid", N_("Hybrid") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (model, names[i].id) == 0)
      return _(names[i].name);
  return model;
}

static const char *
interpreter_name (const char *interpreter)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "gil", N_("GIL") },
    { "free-threaded", N_("Free-threaded") },
    { "per-interpreter", N_("One GIL per interpreter") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (interpreter, names[i].id) == 0)
      return _(names[i].name);
  return interpreter;
}

static char *
make_title (JgPicture *self)
{
  const char *title = self->title != NULL ? self->title : jg_trace_get_title (self->trace);

  if (title == NULL || *title == '\0')
    title = jg_trace_get_scenario_id (self->trace);
  if (title == NULL || *title == '\0')
    title = _("A Juggler trace");
  return g_strdup (title);
}

/* “Threads · 2 workers · GIL · switch interval 5.00 ms · 2 cores · a lane per
 * task”, and the window when it is not the whole run. */
static char *
make_subtitle (JgPicture *self,
               guint      hidden_lanes,
               guint      n_lanes)
{
  const JgRunInfo *run = jg_trace_get_run_info (self->trace);
  const JgMachineInfo *machine = jg_trace_get_machine (self->trace);
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (run->model != NULL && *run->model != '\0')
    g_ptr_array_add (parts, g_strdup (model_name (run->model)));
  if (run->workers > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u worker", "%u workers",
                                                          run->workers), run->workers));
  if (run->interpreter != NULL && *run->interpreter != '\0')
    g_ptr_array_add (parts, g_strdup (interpreter_name (run->interpreter)));
  if (g_strcmp0 (run->interpreter, "gil") == 0 && run->switch_interval_ms > 0
      && g_strcmp0 (run->model, "threads") == 0)
    {
      g_autofree char *interval = jg_format_duration ((guint64) llround (run->switch_interval_ms * 1e6));

      /* Translators: the GIL's switch interval, e.g. "switch interval 5.00 ms" */
      g_ptr_array_add (parts, g_strdup_printf (_("switch interval %s"), interval));
    }
  if (run->start_method != NULL && *run->start_method != '\0')
    /* Translators: how worker processes are started: fork, spawn, forkserver */
    g_ptr_array_add (parts, g_strdup_printf (_("start method %s"), run->start_method));
  if (machine->n_cores > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u core", "%u cores",
                                                          machine->n_cores), machine->n_cores));

  switch (self->view)
    {
    case JG_SWIMLANE_VIEW_WORKERS:
      g_ptr_array_add (parts, g_strdup (_("a lane per worker")));
      break;
    case JG_SWIMLANE_VIEW_CORES:
      g_ptr_array_add (parts, g_strdup (_("a lane per core")));
      break;
    case JG_SWIMLANE_VIEW_TASKS:
    case JG_SWIMLANE_N_VIEWS:
    default:
      g_ptr_array_add (parts, g_strdup (_("a lane per task")));
      break;
    }

  if (self->t0 > 0 || self->t1 < self->end)
    {
      g_autofree char *from = jg_format_duration (self->t0);
      g_autofree char *to = jg_format_duration (self->t1);
      g_autofree char *of = jg_format_duration (self->end);

      /* Translators: the part of the run shown, e.g. "from 200 ms to 700 ms of 1.71 s" */
      g_ptr_array_add (parts, g_strdup_printf (_("from %s to %s of %s"), from, to, of));
    }
  if (hidden_lanes > 0)
    /* Translators: lanes that did not fit in the picture */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "first %u of %u lanes shown",
                                                          "first %u of %u lanes shown", n_lanes),
                                             n_lanes - hidden_lanes, n_lanes));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
tile_set (Tile       *tile,
          const char *label,
          char       *value,
          char       *detail)
{
  tile->label = g_strdup (label);
  tile->value = value;
  tile->detail = detail;
}

static JgRgba
mix (JgRgba color,
     double amount,
     JgRgba over)
{
  JgRgba out = { color.r * amount + over.r * (1 - amount),
                 color.g * amount + over.g * (1 - amount),
                 color.b * amount + over.b * (1 - amount), 1 };

  return out;
}

static void
make_tiles (JgPicture    *self,
            const Colors *colors,
            Tile         *tiles)
{
  JgPictureFigures f;
  gboolean whole = self->t0 == 0 && self->t1 >= self->end;

  jg_picture_get_figures (self, &f);

  tile_set (&tiles[FIGURE_CONCURRENCY], _("Concurrency"), jg_format_mean (f.concurrency),
            g_strdup (_("tasks in flight at once, on average")));
  /* The chips match the two curves of the counters strip above the lanes. */
  tiles[FIGURE_CONCURRENCY].has_chip = TRUE;
  tiles[FIGURE_CONCURRENCY].chip = mix (jg_palette_color (JG_PALETTE_SKY), colors->dark ? 0.45 : 0.40,
                                        colors->strip);
  tile_set (&tiles[FIGURE_PARALLELISM], _("Parallelism"), jg_format_mean (f.parallelism),
            g_strdup (_("tasks running at the same instant, on average")));
  tiles[FIGURE_PARALLELISM].has_chip = TRUE;
  tiles[FIGURE_PARALLELISM].chip = jg_palette_state_color (JG_STATE_RUNNING, colors->dark);

  if (whole)
    tile_set (&tiles[FIGURE_WALL], _("Wall time"), jg_format_duration (f.wall_ns),
              g_strdup (_("the whole run")));
  else
    tile_set (&tiles[FIGURE_WALL], _("Wall time"), jg_format_duration (f.wall_ns),
              g_strdup (_("of the window shown")));
  tile_set (&tiles[FIGURE_UTILISATION], _("Core utilisation"), jg_format_percent (f.core_utilisation),
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "of %u core", "of %u cores", f.n_cores),
                             f.n_cores));
  tile_set (&tiles[FIGURE_HANDOFFS], _("GIL hand-offs"), g_strdup_printf ("%u", f.gil_handoffs),
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u drop request", "%u drop requests",
                                          f.gil_drop_requests), f.gil_drop_requests));
  tile_set (&tiles[FIGURE_GIL_WAIT], _("GIL wait"), jg_format_duration (f.gil_wait_ns),
            g_strdup (_("summed over all tasks")));
}

/* Text */

static void
set_font (JgText   *text,
          double    size,
          gboolean  bold)
{
  jg_text_set_font (text, size, bold);
}

static double
text_width (JgText     *text,
            const char *str)
{
  return jg_text_width (text, str);
}

/* Draws @str with its baseline at @y, cut to @max_w with an ellipsis. */
static void
show_text (JgText     *text,
           cairo_t    *cr,
           const char *str,
           double      x,
           double      y,
           double      max_w)
{
  jg_text_show (text, cr, str, x, y, max_w);
}

static void
use_text_options (cairo_t *cr)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);
}

/* Layout */

static const Sizes *
theme_sizes (JgSwimlaneTheme theme)
{
  return theme == JG_SWIMLANE_THEME_PROJECTOR ? &sizes_projector : &sizes_normal;
}

static const Colors *
theme_colors (JgSwimlaneTheme theme)
{
  switch (theme)
    {
    case JG_SWIMLANE_THEME_DARK:
      return &colors_dark;
    case JG_SWIMLANE_THEME_PROJECTOR:
      return &colors_projector;
    case JG_SWIMLANE_THEME_LIGHT:
    case JG_SWIMLANE_N_THEMES:
    default:
      return &colors_light;
    }
}

static double
title_height (const Sizes *s)
{
  return s->pad + round (s->title_font * 1.25) + round (s->subtitle_font * 1.6) + round (s->pad / 2);
}

static void
place_tile (Tile   *tile,
            double  x,
            double  y,
            double  h)
{
  tile->x = x;
  tile->y = y;
  tile->h = h;
}

/* Lays the tiles out across @lw; returns the band's height. In one row when
 * they fit; else the two large figures side by side with the other four in a
 * square beside them; else the large ones in a row and the others flowing
 * under them. */
static double
layout_tiles (JgPicture   *self,
              const Sizes *s,
              Tile        *tiles,
              double       lw)
{
  JgText *text = self->text;
  double gap = 2 * s->pad, avail = lw - 2 * s->pad;
  double total = -gap, big_w, col_a, col_b, big_h, small_h, x, y, row_h;

  jg_text_update (text, self->measure);
  for (guint i = 0; i < N_FIGURES; i++)
    {
      Tile *tile = &tiles[i];
      double value_font = i < N_BIG_FIGURES ? s->big_font : s->value_font;
      double w, chip = tile->has_chip ? round (s->label_font * 0.8) + round (s->label_font * 0.5) : 0;

      set_font (text, s->label_font, s->bold);
      w = chip + text_width (text, tile->label);
      set_font (text, value_font, TRUE);
      w = MAX (w, text_width (text, tile->value));
      set_font (text, s->detail_font, s->bold);
      w = MAX (w, text_width (text, tile->detail));
      tile->w = MIN (ceil (w), avail);
      tile->h = round (s->label_font * 1.5) + round (value_font * 1.15) + round (s->detail_font * 1.5);
      total += tile->w + gap;
    }
  big_h = tiles[FIGURE_CONCURRENCY].h;
  small_h = tiles[FIGURE_WALL].h;

  /* One row, on one baseline. */
  if (total <= avail)
    {
      x = s->pad;
      for (guint i = 0; i < N_FIGURES; i++)
        {
          place_tile (&tiles[i], x, s->pad, big_h);
          x += tiles[i].w + gap;
        }
      return big_h + 2 * s->pad;
    }

  big_w = tiles[FIGURE_CONCURRENCY].w + gap + tiles[FIGURE_PARALLELISM].w;
  col_a = MAX (tiles[FIGURE_WALL].w, tiles[FIGURE_HANDOFFS].w);
  col_b = MAX (tiles[FIGURE_UTILISATION].w, tiles[FIGURE_GIL_WAIT].w);
  if (big_w + gap + col_a + gap + col_b <= avail)
    {
      double grid_h = 2 * small_h + s->pad / 2;
      double h = MAX (big_h, grid_h);
      double big_y = s->pad + round ((h - big_h) / 2);
      double grid_y = s->pad + round ((h - grid_h) / 2);

      x = s->pad;
      place_tile (&tiles[FIGURE_CONCURRENCY], x, big_y, big_h);
      x += tiles[FIGURE_CONCURRENCY].w + gap;
      place_tile (&tiles[FIGURE_PARALLELISM], x, big_y, big_h);
      x += tiles[FIGURE_PARALLELISM].w + gap;
      place_tile (&tiles[FIGURE_WALL], x, grid_y, small_h);
      place_tile (&tiles[FIGURE_HANDOFFS], x, grid_y + small_h + s->pad / 2, small_h);
      x += col_a + gap;
      place_tile (&tiles[FIGURE_UTILISATION], x, grid_y, small_h);
      place_tile (&tiles[FIGURE_GIL_WAIT], x, grid_y + small_h + s->pad / 2, small_h);
      return h + 2 * s->pad;
    }

  /* Rows: the large figures first, each row on one baseline. */
  x = s->pad;
  y = s->pad;
  row_h = 0;
  for (guint i = 0; i < N_FIGURES; i++)
    {
      Tile *tile = &tiles[i];

      if (x > s->pad && (x + tile->w > lw - s->pad || i == N_BIG_FIGURES))
        {
          y += row_h + s->pad;
          x = s->pad;
          row_h = 0;
        }
      place_tile (tile, x, y, tile->h);
      row_h = MAX (row_h, tile->h);
      x += tile->w + gap;
    }
  for (guint i = 0; i < N_FIGURES; i++)
    for (guint j = 0; j < N_FIGURES; j++)
      if (tiles[j].y == tiles[i].y)
        tiles[i].h = MAX (tiles[i].h, tiles[j].h);
  return y + row_h + s->pad;
}

/* How far in from the picture's edges the painter draws, in picture units,
 * so its legend and names line up with the title: the picture's margin less
 * the painter's own. */
static double
lanes_inset (JgPicture   *self,
             const Sizes *s,
             double       width,
             double       zoom,
             double       lanes_zoom)
{
  double lw = width / lanes_zoom, x1;

  jg_swimlane_painter_set_size (self->painter, lw, 1000);
  jg_swimlane_painter_get_plot_bounds (self->painter, NULL, &x1);
  return MAX (0, s->pad * zoom - (lw - x1) * lanes_zoom);
}

/* The lanes' logical height when all of them show, @lw wide, with a margin
 * under the last one. */
static double
lanes_natural_height (JgPicture   *self,
                      const Sizes *s,
                      double       lw)
{
  const double probe = 1e6;
  double lanes_y;

  jg_swimlane_painter_set_size (self->painter, lw, probe);
  lanes_y = probe - jg_swimlane_painter_get_lanes_viewport (self->painter);
  return ceil (lanes_y + jg_swimlane_painter_get_lanes_height (self->painter) + s->pad / 2);
}

/* The lanes' height in picture units, all of them shown, @width wide. */
static double
lanes_zoomed_height (JgPicture   *self,
                     const Sizes *s,
                     double       width,
                     double       zoom,
                     double       lanes_zoom)
{
  double inset = lanes_inset (self, s, width, zoom, lanes_zoom);

  return lanes_natural_height (self, s, (width - 2 * inset) / lanes_zoom) * lanes_zoom;
}

/* The height of the title and the band, in picture units. */
static double
chrome_height (JgPicture   *self,
               const Sizes *s,
               Tile        *tiles,
               double       width,
               double       zoom)
{
  return (title_height (s) + layout_tiles (self, s, tiles, width / zoom)) * zoom;
}

static double
natural_height (JgPicture   *self,
                const Sizes *s,
                Tile        *tiles,
                double       width,
                double       zoom,
                double       lanes_zoom)
{
  return chrome_height (self, s, tiles, width, zoom) + lanes_zoomed_height (self, s, width, zoom, lanes_zoom);
}

static void
frame_clear (Frame *frame)
{
  g_free (frame->title);
  g_free (frame->subtitle);
  for (guint i = 0; i < N_FIGURES; i++)
    {
      g_free (frame->tiles[i].label);
      g_free (frame->tiles[i].value);
      g_free (frame->tiles[i].detail);
    }
}

/* Fits a frame of the requested width and height: the largest zoom at which
 * everything shows; failing that, the title and band at their own size and
 * the lanes zoomed out to fit what is left. The zoomed height grows with the
 * zoom (the logical width shrinks, the legend and the band wrap), so a
 * bisection finds it. */
static void
fit_frame (JgPicture *self,
           Frame     *frame)
{
  double width = frame->width, height = frame->height;
  double low = 1, high = MIN (MAX_ZOOM, MAX (1, width / MIN_LOGICAL_WIDTH)), room;

  if (natural_height (self, frame->s, frame->tiles, width, 1, 1) <= height)
    {
      if (natural_height (self, frame->s, frame->tiles, width, high, high) <= height)
        low = high;
      for (guint i = 0; i < 24 && high - low > 1e-3; i++)
        {
          double mid = (low + high) / 2;

          if (natural_height (self, frame->s, frame->tiles, width, mid, mid) <= height)
            low = mid;
          else
            high = mid;
        }
      frame->zoom = frame->lanes_zoom = low;
      return;
    }

  frame->zoom = 1;
  room = height - chrome_height (self, frame->s, frame->tiles, width, 1);
  low = MIN_LANES_ZOOM;
  high = 1;
  for (guint i = 0; i < 24 && high - low > 1e-3; i++)
    {
      double mid = (low + high) / 2;

      if (lanes_zoomed_height (self, frame->s, width, 1, mid) <= room)
        low = mid;
      else
        high = mid;
    }
  frame->lanes_zoom = low;
}

static void
compute_frame (JgPicture *self,
               Frame     *frame)
{
  double lanes_w, lanes_h, y, h;
  guint n_lanes = 0;

  memset (frame, 0, sizeof *frame);
  frame->s = theme_sizes (self->theme);
  frame->c = theme_colors (self->theme);
  make_tiles (self, frame->c, frame->tiles);

  jg_swimlane_painter_set_view (self->painter, self->view);
  jg_swimlane_painter_set_theme (self->painter, self->theme);
  jg_swimlane_painter_set_window (self->painter, self->t0, self->t1);
  jg_swimlane_painter_set_scroll (self->painter, 0);

  frame->width = self->width > 0 ? self->width : JG_PICTURE_DEFAULT_WIDTH;
  frame->zoom = frame->lanes_zoom = 1;
  if (self->height > 0)
    {
      frame->height = self->height;
      fit_frame (self, frame);
    }
  else
    {
      frame->height = MIN (JG_PICTURE_MAX_SIZE,
                           natural_height (self, frame->s, frame->tiles, frame->width, 1, 1));
    }

  frame->lw = frame->width / frame->zoom;
  frame->title_h = title_height (frame->s);
  frame->band_h = layout_tiles (self, frame->s, frame->tiles, frame->lw);
  /* The band sits at the bottom of the frame; the lanes get what they need
   * under the title, any space left stays between them and the band, and
   * when there is too little the last lanes are cut off. */
  frame->band_y = floor (frame->height - frame->band_h * frame->zoom);
  frame->band_h = (frame->height - frame->band_y) / frame->zoom;
  frame->lanes_x = lanes_inset (self, frame->s, frame->width, frame->zoom, frame->lanes_zoom);
  frame->lanes_y = frame->title_h * frame->zoom;
  lanes_w = frame->width - 2 * frame->lanes_x;
  lanes_h = MIN (MAX (0, frame->band_y - frame->lanes_y),
                 lanes_zoomed_height (self, frame->s, frame->width, frame->zoom, frame->lanes_zoom));
  frame->lanes_lw = lanes_w / frame->lanes_zoom;
  frame->lanes_lh = floor (lanes_h / frame->lanes_zoom);
  jg_swimlane_painter_set_size (self->painter, frame->lanes_lw, frame->lanes_lh);

  while (jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, n_lanes, &y, &h))
    {
      if (y + h > frame->lanes_lh)
        frame->hidden_lanes++;
      n_lanes++;
    }

  frame->title = make_title (self);
  frame->subtitle = make_subtitle (self, frame->hidden_lanes, n_lanes);
}

/* A side of the PNG in device pixels. */
static int
png_size (JgPicture *self,
          double     size)
{
  return (int) ceil (size * self->scale - 1e-6);
}

static cairo_rectangle_t
tile_rect (const Frame *frame,
           FigureId     id)
{
  const Tile *tile = &frame->tiles[id];
  double z = frame->zoom;

  return (cairo_rectangle_t) { tile->x * z, frame->band_y + tile->y * z, tile->w * z, tile->h * z };
}

void
jg_picture_get_layout (JgPicture       *self,
                       JgPictureLayout *layout)
{
  Frame frame;

  g_return_if_fail (JG_IS_PICTURE (self));
  g_return_if_fail (layout != NULL);

  compute_frame (self, &frame);
  layout->width = frame.width;
  layout->height = frame.height;
  layout->png_width = png_size (self, frame.width);
  layout->png_height = png_size (self, frame.height);
  layout->zoom = frame.lanes_zoom;
  layout->text_zoom = frame.zoom;
  layout->title = (cairo_rectangle_t) { 0, 0, frame.width, frame.title_h * frame.zoom };
  layout->lanes = (cairo_rectangle_t) { frame.lanes_x, frame.lanes_y, frame.lanes_lw * frame.lanes_zoom,
                                        frame.lanes_lh * frame.lanes_zoom };
  layout->metrics = (cairo_rectangle_t) { 0, frame.band_y, frame.width, frame.height - frame.band_y };
  layout->concurrency = tile_rect (&frame, FIGURE_CONCURRENCY);
  layout->parallelism = tile_rect (&frame, FIGURE_PARALLELISM);
  layout->hidden_lanes = frame.hidden_lanes;
  frame_clear (&frame);
}

JgSwimlanePainter *
jg_picture_get_painter (JgPicture *self)
{
  Frame frame;

  g_return_val_if_fail (JG_IS_PICTURE (self), NULL);

  /* Sized for the picture, so its geometry answers for it. */
  compute_frame (self, &frame);
  frame_clear (&frame);
  return self->painter;
}

/* Drawing */

/* In logical units at the origin. */
static void
draw_title (JgText      *text,
            cairo_t     *cr,
            const Frame *frame)
{
  const Sizes *s = frame->s;
  double y = s->pad + round (s->title_font * 0.95);

  jg_text_update (text, cr);

  jg_rgba_set_source (cr, &frame->c->fg);
  set_font (text, s->title_font, TRUE);
  show_text (text, cr, frame->title, s->pad, y, frame->lw - 2 * s->pad);

  y += round (s->subtitle_font * 1.6);
  jg_rgba_set_source (cr, &frame->c->dim);
  set_font (text, s->subtitle_font, s->bold);
  show_text (text, cr, frame->subtitle, s->pad, y, frame->lw - 2 * s->pad);
}

/* In logical units, its top at the origin. */
static void
draw_band (JgText      *text,
           cairo_t     *cr,
           const Frame *frame)
{
  const Sizes *s = frame->s;
  const Colors *c = frame->c;
  double line = s->bold ? 2 : 1;

  jg_text_update (text, cr);

  jg_rgba_set_source (cr, &c->band);
  cairo_rectangle (cr, 0, 0, frame->lw, frame->band_h);
  cairo_fill (cr);
  jg_rgba_set_source (cr, &c->rule);
  cairo_rectangle (cr, 0, 0, frame->lw, line);
  cairo_fill (cr);

  for (guint i = 0; i < N_FIGURES; i++)
    {
      const Tile *tile = &frame->tiles[i];
      gboolean big = i < N_BIG_FIGURES;
      double value_font = big ? s->big_font : s->value_font;
      double x = tile->x, y = tile->y;
      double label_y = y + round (s->label_font * 1.0);
      double detail_y = y + tile->h - round (s->detail_font * 0.4);
      double value_y = detail_y - round (s->detail_font * 1.5);

      if (tile->has_chip)
        {
          double chip = round (s->label_font * 0.8);

          jg_rgba_set_source (cr, &tile->chip);
          cairo_rectangle (cr, x, label_y - chip, chip, chip);
          cairo_fill (cr);
          x += chip + round (s->label_font * 0.5);
        }
      jg_rgba_set_source (cr, &c->dim);
      set_font (text, s->label_font, s->bold);
      show_text (text, cr, tile->label, x, label_y, tile->x + tile->w - x);

      jg_rgba_set_source (cr, &c->fg);
      set_font (text, value_font, TRUE);
      show_text (text, cr, tile->value, tile->x, value_y, tile->w);

      jg_rgba_set_source (cr, &c->dim);
      set_font (text, s->detail_font, s->bold);
      show_text (text, cr, tile->detail, tile->x, detail_y, tile->w);
    }
}

static void
draw_frame (JgPicture   *self,
            cairo_t     *cr,
            const Frame *frame)
{
  cairo_save (cr);
  use_text_options (cr);
  cairo_rectangle (cr, 0, 0, frame->width, frame->height);
  cairo_clip (cr);
  jg_rgba_set_source (cr, &frame->c->bg);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_scale (cr, frame->zoom, frame->zoom);
  draw_title (self->text, cr, frame);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, frame->lanes_x, frame->lanes_y);
  cairo_scale (cr, frame->lanes_zoom, frame->lanes_zoom);
  jg_swimlane_painter_draw (self->painter, cr);
  cairo_restore (cr);

  cairo_save (cr);
  use_text_options (cr);
  cairo_translate (cr, 0, frame->band_y);
  cairo_scale (cr, frame->zoom, frame->zoom);
  draw_band (self->text, cr, frame);
  cairo_restore (cr);

  cairo_restore (cr);
}

void
jg_picture_draw (JgPicture *self,
                 cairo_t   *cr)
{
  Frame frame;

  g_return_if_fail (JG_IS_PICTURE (self));
  g_return_if_fail (cr != NULL);

  compute_frame (self, &frame);
  draw_frame (self, cr, &frame);
  frame_clear (&frame);
}

/* Files */

typedef struct
{
  JgAtomicFile *file;
  GCancellable *cancellable;
  GError       *error;
} Sink;

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!jg_atomic_file_write (sink->file, (const char *) data, length, sink->cancellable, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* The first error: the file's own if writing failed, else cairo's. */
static gboolean
check_status (cairo_status_t   status,
              Sink            *sink,
              GError         **error)
{
  if (sink->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&sink->error));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_DRAW,
                   _("Cannot draw the picture: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_png (JgPicture    *self,
           const Frame  *frame,
           Sink         *sink,
           GError      **error)
{
  int dw = png_size (self, frame->width);
  int dh = png_size (self, frame->height);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (dw > MAX_DEVICE_PIXELS || dh > MAX_DEVICE_PIXELS)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE,
                   _("A PNG of %d × %d pixels is too large: at most %d a side"),
                   dw, dh, MAX_DEVICE_PIXELS);
      return FALSE;
    }

  /* Opaque, so the PNG has no alpha channel to trip viewers up. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, dw, dh);
  cairo_surface_set_device_scale (surface, self->scale, self->scale);
  cr = cairo_create (surface);
  draw_frame (self, cr, frame);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, sink_write, sink);
  cairo_surface_destroy (surface);
  return check_status (status, sink, error);
}

static gboolean
write_vector (JgPicture        *self,
              const Frame      *frame,
              JgPictureFormat   format,
              Sink             *sink,
              GError          **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (format == JG_PICTURE_FORMAT_SVG)
    {
      surface = cairo_svg_surface_create_for_stream (sink_write, sink, frame->width, frame->height);
      /* Sizes in points, as the picture's sizes are for SVG and PDF. */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
    }
  else
    {
      surface = cairo_pdf_surface_create_for_stream (sink_write, sink, frame->width, frame->height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, frame->title);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Juggler");
    }
  cr = cairo_create (surface);
  draw_frame (self, cr, frame);
  status = cairo_status (cr);
  cairo_destroy (cr);
  /* Finishing writes the rest of the document. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_status (status, sink, error);
}

gboolean
jg_picture_save (JgPicture        *self,
                 GFile            *file,
                 JgPictureFormat   format,
                 GCancellable     *cancellable,
                 GError          **error)
{
  JgAtomicFile out = { 0 };
  Sink sink = { &out, cancellable, NULL };
  Frame frame;
  gboolean ok;

  g_return_val_if_fail (JG_IS_PICTURE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (format < JG_PICTURE_N_FORMATS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!jg_atomic_file_open (&out, file, "export", cancellable, error))
    {
      jg_atomic_file_clear (&out);
      return FALSE;
    }

  compute_frame (self, &frame);
  if (format == JG_PICTURE_FORMAT_PNG)
    ok = write_png (self, &frame, &sink, error);
  else
    ok = write_vector (self, &frame, format, &sink, error);
  frame_clear (&frame);

  ok = ok && jg_atomic_file_commit (&out, cancellable, error);
  jg_atomic_file_clear (&out);
  g_clear_error (&sink.error);
  return ok;
}

/* Settings */

JgPicture *
jg_picture_new (JgTrace *trace)
{
  JgPicture *self;

  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);

  self = g_object_new (JG_TYPE_PICTURE, NULL);
  self->trace = g_object_ref (trace);
  jg_spans_update (self->spans, trace);
  jg_lod_update (self->lod, trace);
  jg_swimlane_painter_set_source (self->painter, trace, self->lod);

  self->end = jg_trace_get_duration_ns (trace);
  if (self->end == 0)
    self->end = jg_spans_get_horizon (self->spans);
  self->end = MAX (self->end, 1);
  self->t0 = 0;
  self->t1 = self->end;
  return self;
}

void
jg_picture_set_view (JgPicture      *self,
                     JgSwimlaneView  view)
{
  g_return_if_fail (JG_IS_PICTURE (self));
  g_return_if_fail (view < JG_SWIMLANE_N_VIEWS);

  self->view = view;
}

void
jg_picture_set_theme (JgPicture       *self,
                      JgSwimlaneTheme  theme)
{
  g_return_if_fail (JG_IS_PICTURE (self));
  g_return_if_fail (theme < JG_SWIMLANE_N_THEMES);

  self->theme = theme;
}

gboolean
jg_picture_set_window (JgPicture  *self,
                       guint64     t0,
                       guint64     t1,
                       GError    **error)
{
  g_return_val_if_fail (JG_IS_PICTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (t0 >= self->end)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW,
                   _("the window starts at %.3f s, but the trace lasts %.3f s"), t0 / 1e9, self->end / 1e9);
      return FALSE;
    }
  if (t0 >= t1)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW,
                   _("the window must start before it ends (from %.3f s to %.3f s)"), t0 / 1e9, t1 / 1e9);
      return FALSE;
    }
  if (t1 > self->end)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW,
                   _("the window ends at %.3f s, but the trace lasts %.3f s"), t1 / 1e9, self->end / 1e9);
      return FALSE;
    }

  if (self->t0 != t0 || self->t1 != t1)
    self->figures_valid = FALSE;
  self->t0 = t0;
  self->t1 = t1;
  return TRUE;
}

void
jg_picture_get_window (JgPicture *self,
                       guint64   *t0,
                       guint64   *t1)
{
  g_return_if_fail (JG_IS_PICTURE (self));

  if (t0 != NULL)
    *t0 = self->t0;
  if (t1 != NULL)
    *t1 = self->t1;
}

static gboolean
check_size (double       value,
            double       min,
            const char  *what,
            GError     **error)
{
  if (value == 0)
    return TRUE;
  if (!isfinite (value) || value < min || value > JG_PICTURE_MAX_SIZE)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE,
                   /* Translators: "the width must be between 320 and 16384" */
                   _("the %s must be between %g and %d"), what, min, JG_PICTURE_MAX_SIZE);
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_picture_set_size (JgPicture  *self,
                     double      width,
                     double      height,
                     GError    **error)
{
  g_return_val_if_fail (JG_IS_PICTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_size (width, JG_PICTURE_MIN_WIDTH, _("width"), error)
      || !check_size (height, JG_PICTURE_MIN_HEIGHT, _("height"), error))
    return FALSE;
  self->width = width;
  self->height = height;
  return TRUE;
}

gboolean
jg_picture_set_scale (JgPicture  *self,
                      double      scale,
                      GError    **error)
{
  g_return_val_if_fail (JG_IS_PICTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!isfinite (scale) || scale < 1 || scale > JG_PICTURE_MAX_SCALE)
    {
      g_set_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE,
                   _("the scale must be between 1 and %d"), JG_PICTURE_MAX_SCALE);
      return FALSE;
    }
  self->scale = scale;
  return TRUE;
}

void
jg_picture_set_title (JgPicture  *self,
                      const char *title)
{
  g_return_if_fail (JG_IS_PICTURE (self));

  g_free (self->title);
  self->title = g_strdup (title);
}

static void
jg_picture_finalize (GObject *object)
{
  JgPicture *self = JG_PICTURE (object);

  /* The painter borrows the summary, which borrows the spans. */
  g_clear_object (&self->painter);
  g_clear_pointer (&self->lod, jg_lod_free);
  g_clear_pointer (&self->spans, jg_spans_free);
  g_clear_pointer (&self->measure, cairo_destroy);
  g_clear_pointer (&self->text, jg_text_free);
  g_clear_object (&self->trace);
  g_free (self->title);

  G_OBJECT_CLASS (jg_picture_parent_class)->finalize (object);
}

static void
jg_picture_class_init (JgPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_picture_finalize;
}

static void
jg_picture_init (JgPicture *self)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);

  self->spans = jg_spans_new ();
  self->lod = jg_lod_new (self->spans);
  self->painter = jg_swimlane_painter_new ();
  self->scale = 1;
  self->t1 = 1;
  self->measure = cairo_create (surface);
  cairo_surface_destroy (surface);
  use_text_options (self->measure);
  self->text = jg_text_new ();
}
