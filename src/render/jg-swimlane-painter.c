/* jg-swimlane-painter.c: the swimlane canvas, drawn with cairo.
 *
 * Everything that varies along time (lanes, the GIL lane, the counters, grid
 * lines) is decided per device pixel column from the level-of-detail summary,
 * then merged into runs of equal columns. On image and recording surfaces those
 * runs are written straight into a cached image that is painted in one go: cairo
 * spends about a third of a microsecond per rectangle, so even merged columns of
 * a busy zoomed-out trace (tens of thousands of runs) would cost tens of
 * milliseconds as paths. On vector surfaces (SVG, PDF) the same runs become
 * rectangles, one fill per paint. Text, arrows, marks, selection and hover are
 * drawn on top as vectors every frame; text through Pango (JgText), shaped and
 * in each string's own direction, its layouts kept from frame to frame.
 */
#define G_LOG_DOMAIN "jg-swimlane-painter"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "jg-palette.h"
#include "jg-swimlane-painter.h"
#include "jg-text.h"

/* Sizes in user units (widget pixels). */
typedef struct
{
  double   font;       /* lane names, axis, legend */
  double   small_font; /* labels inside spans */
  gboolean bold;
  double   label_w;    /* the column of lane names */
  double   legend_h;
  double   axis_h;
  double   counters_h;
  double   lane_h;
  double   lane_gap;
  double   pad;
  double   line;       /* arrows and marks */
  double   tick_px;    /* at least this far between axis ticks */
} Metrics;

static const Metrics metrics_normal = {
  12, 10, FALSE, 150, 30, 24, 56, 22, 4, 8, 1.25, 90,
};

static const Metrics metrics_projector = {
  20, 16, TRUE, 230, 48, 36, 96, 40, 6, 12, 2.5, 150,
};

typedef struct
{
  JgRgba bg;
  JgRgba fg;
  JgRgba dim;
  JgRgba grid;
  JgRgba lane_even;
  JgRgba lane_odd;
  JgRgba strip;
  JgRgba selection;
  JgRgba hover;
  gboolean dark;
} Colors;

#define RGB(hex, alpha) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, alpha }

static const Colors colors_light = {
  RGB (0xFFFFFF, 1), RGB (0x241F31, 1), RGB (0x5E5C64, 1), RGB (0xDEDDDA, 1),
  RGB (0xFAFAFA, 1), RGB (0xF1F1F0, 1), RGB (0xF6F5F4, 1),
  RGB (0x3584E4, 0.16), RGB (0x000000, 0.06), FALSE,
};

static const Colors colors_dark = {
  RGB (0x1E1E1E, 1), RGB (0xFFFFFF, 1), RGB (0xC0BFBC, 1), RGB (0x45454A, 1),
  RGB (0x262626, 1), RGB (0x2D2D2D, 1), RGB (0x242424, 1),
  RGB (0x78AEED, 0.22), RGB (0xFFFFFF, 0.07), TRUE,
};

/* White and black, and nothing in between that the back row cannot see. */
static const Colors colors_projector = {
  RGB (0xFFFFFF, 1), RGB (0x000000, 1), RGB (0x000000, 1), RGB (0xB0B0B0, 1),
  RGB (0xFFFFFF, 1), RGB (0xEDEDED, 1), RGB (0xF4F4F4, 1),
  RGB (0x1A5FB4, 0.20), RGB (0x000000, 0.08), FALSE,
};

/* The system's high contrast: black on white (or white on black for the
 * inverse theme), lanes told apart by more than a shade, strong selection. */
static const Colors colors_high_contrast = {
  RGB (0xFFFFFF, 1), RGB (0x000000, 1), RGB (0x000000, 1), RGB (0x767676, 1),
  RGB (0xFFFFFF, 1), RGB (0xE4E4E4, 1), RGB (0xF0F0F0, 1),
  RGB (0x1A5FB4, 0.30), RGB (0x000000, 0.14), FALSE,
};

static const Colors colors_high_contrast_dark = {
  RGB (0x000000, 1), RGB (0xFFFFFF, 1), RGB (0xFFFFFF, 1), RGB (0x8A8A8A, 1),
  RGB (0x000000, 1), RGB (0x222222, 1), RGB (0x101010, 1),
  RGB (0x99C1F1, 0.35), RGB (0xFFFFFF, 0.16), TRUE,
};

/* Task colours in core and GIL lanes: the palette without grey (Ready) and
 * yellow (too faint on white). */
static const JgPaletteColor task_palette[JG_LOD_N_TASK_CLASSES] = {
  JG_PALETTE_BLUE, JG_PALETTE_ORANGE, JG_PALETTE_TEAL, JG_PALETTE_PURPLE,
  JG_PALETTE_BROWN, JG_PALETTE_PINK, JG_PALETTE_SKY,
};

/* What a column layer can be filled with, in drawing order: where two paints
 * overlap, the later one is on top, on raster and vector targets alike. */
typedef enum
{
  PAINT_BG = 0,
  PAINT_LANE_EVEN,
  PAINT_LANE_ODD,
  PAINT_STRIP,
  PAINT_GRID,
  PAINT_TINT_IO,
  PAINT_TINT_AWAIT,
  PAINT_TINT_LOCK,
  PAINT_GIL_WAIT,
  PAINT_READY,
  PAINT_STRIPES_IO,
  PAINT_STRIPES_LOCK,
  PAINT_EDGE_AWAIT,
  PAINT_CONCURRENCY,
  PAINT_RUNNING,
  PAINT_PARALLELISM,
  PAINT_TASK_0,
  PAINT_CORES_LINE = PAINT_TASK_0 + JG_LOD_N_TASK_CLASSES,
  N_PAINTS
} PaintId;

typedef enum
{
  PATTERN_SOLID,
  PATTERN_DIAGONAL, /* hatched */
  PATTERN_CROSS,    /* cross-hatched */
  PATTERN_DASH,     /* every other stretch */
} Pattern;

typedef struct
{
  Pattern pattern;
  JgRgba  color;  /* opaque */
  guint32 pixel;  /* the same as an RGB24 pixel */
} Paint;

/* A layer of device pixel columns, written either into pixels or as rectangles. */
typedef struct
{
  gboolean     vector;
  guint32     *pixels;
  int          stride;    /* in pixels */
  int          width;
  int          height;
  int          clip_y0;   /* fills are kept within [clip_y0, clip_y1) */
  int          clip_y1;
  int          period;    /* of hatching and dashes, in device pixels */
  int          thick;
  const Paint *paints;
  GArray      *rects[N_PAINTS]; /* cairo_rectangle_int_t, vector layers only */
} Layer;

/* One column of a lane: a wait band (half height, in the middle) and a bar
 * (from the bottom, as high as the column's share of running). */
#define NO_BAND 0xff
#define NO_BAR  0xff

typedef struct
{
  guint8  band;  /* JgTaskState */
  guint8  bar;   /* PaintId */
  guint16 bar_h; /* device pixels */
} Cell;

typedef struct
{
  Metrics m;
  double  width;
  double  height;
  double  plot_x;
  double  plot_w;
  double  axis_y;
  double  counters_y;
  double  gil_y;
  guint   n_gil;
  double  lanes_y;
  double  row_h;
  guint   n_rows;
} Layout;

typedef struct
{
  double  x;      /* user units */
  int     column; /* device column of the layer */
  guint64 ts;
} Tick;

/* An isolated GIL hand-off: a column of a GIL lane with one hand-off and none
 * nearby, so it can be drawn as an arrow. */
typedef struct
{
  guint gil_lane;
  guint column;
} Handoff;

/* What the legend's row count was measured for. */
typedef struct
{
  gboolean        valid;
  double          width;
  JgSwimlaneTheme theme;
  JgSwimlaneView  view;
  gboolean        has_gil;
  guint64         t0;
  guint64         t1;
  guint64         generation;
} LegendKey;

/* A span wide enough for a label, found while drawing the layer. */
typedef struct
{
  JgLodLaneKind kind;
  guint         lane;
  JgLodItem     item;
} Label;

/* What the cached layer shows; it is redrawn when any of it changes. */
typedef struct
{
  gboolean        valid;
  JgLod          *lod;
  guint64         generation;
  guint64         t0;
  guint64         t1;
  int             width;
  int             height;
  double          scale;
  double          scroll;
  JgSwimlaneView  view;
  JgSwimlaneTheme theme;
  guint64         horizon;
} LayerKey;

struct _JgSwimlanePainter
{
  GObject          parent_instance;

  JgTrace         *trace;
  JgLod           *lod;
  JgSwimlaneView   view;
  JgSwimlaneTheme  theme;
  guint64          t0;
  guint64          t1;
  double           width;
  double           height;
  double           scale_factor;
  double           scroll;
  guint32          selected_task;
  gboolean         hovering;
  double           hover_x;
  double           hover_y;
  gboolean         prefer_vector;
  guint64          horizon;     /* a replay's play head: nothing later is drawn */
  gboolean         high_contrast; /* the system's: stronger colours than the theme's */
  double           text_scale;  /* the system's large text: type and what holds it grow */

  /* The cached column layer and what was learnt drawing it. */
  cairo_surface_t *raster;
  LayerKey         key;
  GArray          *handoffs;    /* Handoff */
  GArray          *drops;       /* guint32 per column per GIL lane: drop requests */
  GArray          *labels;      /* Label */
  guint64          label_ns;    /* the shortest span that gets a label */
  double           counters_max;

  JgText          *text;        /* measures and draws every string */
  LegendKey        legend_key;
  guint            legend_rows;

  /* Scratch, one entry per device column. */
  JgLodColumn     *columns;
  Cell            *cells;
  guint64         *edges;
  double          *values;
  double          *values2;
  guint            n_scratch;
};

G_DEFINE_ENUM_TYPE (JgSwimlaneView, jg_swimlane_view,
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_VIEW_TASKS, "tasks"),
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_VIEW_WORKERS, "workers"),
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_VIEW_CORES, "cores"))

G_DEFINE_ENUM_TYPE (JgSwimlaneTheme, jg_swimlane_theme,
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_THEME_LIGHT, "light"),
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_THEME_DARK, "dark"),
                    G_DEFINE_ENUM_VALUE (JG_SWIMLANE_THEME_PROJECTOR, "projector"))

G_DEFINE_FINAL_TYPE (JgSwimlanePainter, jg_swimlane_painter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VIEW,
  PROP_THEME,
  PROP_SELECTED_TASK,
  PROP_SCALE_FACTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colours */

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

/* The theme's colours, or the high-contrast ones the system asks for. */
static const Colors *
painter_colors (JgSwimlanePainter *self)
{
  if (self->high_contrast)
    return self->theme == JG_SWIMLANE_THEME_DARK ? &colors_high_contrast_dark : &colors_high_contrast;

  return theme_colors (self->theme);
}

static JgRgba
mix (JgRgba color,
     double amount,
     JgRgba over)
{
  JgRgba out;

  amount *= color.a;
  out.r = color.r * amount + over.r * (1 - amount);
  out.g = color.g * amount + over.g * (1 - amount);
  out.b = color.b * amount + over.b * (1 - amount);
  out.a = 1;
  return out;
}

static Paint
make_paint (Pattern pattern,
            JgRgba  color)
{
  Paint paint;

  paint.pattern = pattern;
  paint.pixel = 0xff000000u
              | (guint32) lround (color.r * 255) << 16
              | (guint32) lround (color.g * 255) << 8
              | (guint32) lround (color.b * 255);
  /* Whole 8-bit steps, so cairo fills exactly what the layer writes. */
  paint.color.r = (paint.pixel >> 16 & 0xff) / 255.0;
  paint.color.g = (paint.pixel >> 8 & 0xff) / 255.0;
  paint.color.b = (paint.pixel & 0xff) / 255.0;
  paint.color.a = 1;
  return paint;
}

static JgRgba
task_color (guint klass)
{
  return jg_palette_color (task_palette[klass % JG_LOD_N_TASK_CLASSES]);
}

JgRgba
jg_swimlane_task_color (guint32 task)
{
  return task_color (jg_lod_task_class (task));
}

static void
make_paints (const Colors *c,
             Paint        *paints)
{
  gboolean dark = c->dark;
  JgRgba io = jg_palette_state_color (JG_STATE_IO_WAIT, dark);
  JgRgba await = jg_palette_state_color (JG_STATE_AWAITING, dark);
  JgRgba lock = jg_palette_state_color (JG_STATE_LOCK_WAIT, dark);
  double tint = dark ? 0.35 : 0.30;

  paints[PAINT_BG] = make_paint (PATTERN_SOLID, c->bg);
  paints[PAINT_LANE_EVEN] = make_paint (PATTERN_SOLID, c->lane_even);
  paints[PAINT_LANE_ODD] = make_paint (PATTERN_SOLID, c->lane_odd);
  paints[PAINT_STRIP] = make_paint (PATTERN_SOLID, c->strip);
  paints[PAINT_GRID] = make_paint (PATTERN_SOLID, c->grid);
  paints[PAINT_TINT_IO] = make_paint (PATTERN_SOLID, mix (io, tint, c->lane_even));
  paints[PAINT_TINT_AWAIT] = make_paint (PATTERN_SOLID, mix (await, tint, c->lane_even));
  paints[PAINT_TINT_LOCK] = make_paint (PATTERN_SOLID, mix (lock, tint, c->lane_even));
  paints[PAINT_GIL_WAIT] = make_paint (PATTERN_SOLID, jg_palette_state_color (JG_STATE_GIL_WAIT, dark));
  paints[PAINT_READY] = make_paint (PATTERN_SOLID, jg_palette_state_color (JG_STATE_READY, dark));
  paints[PAINT_STRIPES_IO] = make_paint (PATTERN_DIAGONAL, io);
  paints[PAINT_STRIPES_LOCK] = make_paint (PATTERN_CROSS, lock);
  paints[PAINT_EDGE_AWAIT] = make_paint (PATTERN_SOLID, await);
  paints[PAINT_CONCURRENCY] = make_paint (PATTERN_SOLID,
                                          mix (jg_palette_color (JG_PALETTE_SKY), dark ? 0.45 : 0.40, c->strip));
  paints[PAINT_RUNNING] = make_paint (PATTERN_SOLID, jg_palette_state_color (JG_STATE_RUNNING, dark));
  paints[PAINT_PARALLELISM] = make_paint (PATTERN_SOLID, jg_palette_state_color (JG_STATE_RUNNING, dark));
  for (guint k = 0; k < JG_LOD_N_TASK_CLASSES; k++)
    paints[PAINT_TASK_0 + k] = make_paint (PATTERN_SOLID, task_color (k));
  paints[PAINT_CORES_LINE] = make_paint (PATTERN_DASH, c->fg);
}

/* Black or white, whichever reads on @color. */
static JgRgba
text_on (JgRgba color)
{
  double luminance = 0.2126 * color.r + 0.7152 * color.g + 0.0722 * color.b;
  JgRgba black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };

  return luminance > 0.55 ? black : white;
}

/* Layers */

static inline gboolean
pattern_covers (const Layer *layer,
                Pattern      pattern,
                int          x,
                int          y)
{
  int p = layer->period;

  switch (pattern)
    {
    case PATTERN_DIAGONAL:
      return (x + y) % p < layer->thick;
    case PATTERN_CROSS:
      return (x + y) % p < layer->thick || ((x - y) % p + p) % p < layer->thick;
    case PATTERN_DASH:
      return x % (2 * p) < p;
    case PATTERN_SOLID:
    default:
      return TRUE;
    }
}

/* Writes @p over [x0, x1) x [y0, y1) of a raster layer; where a pattern does
 * not cover, @under (if any) is written instead, so a hatched band is one pass. */
static void
raster_fill (Layer       *layer,
             const Paint *under,
             const Paint *p,
             int          x0,
             int          y0,
             int          x1,
             int          y1)
{
  int period = layer->period, thick = layer->thick;

  /* Patterns advance a phase per pixel rather than take a modulo. */
  switch (p->pattern)
    {
    case PATTERN_DIAGONAL:
    case PATTERN_CROSS:
      for (int y = y0; y < y1; y++)
        {
          guint32 *row = layer->pixels + (gsize) y * layer->stride;
          int phase = (x0 + y) % period;
          int back = p->pattern == PATTERN_CROSS ? ((x0 - y) % period + period) % period : period;

          for (int x = x0; x < x1; x++)
            {
              if (phase < thick || back < thick)
                row[x] = p->pixel;
              else if (under != NULL)
                row[x] = under->pixel;
              if (++phase == period)
                phase = 0;
              if (++back >= period)
                back = p->pattern == PATTERN_CROSS ? 0 : period;
            }
        }
      break;

    case PATTERN_DASH:
      for (int y = y0; y < y1; y++)
        {
          guint32 *row = layer->pixels + (gsize) y * layer->stride;
          int phase = x0 % (2 * period);

          for (int x = x0; x < x1; x++)
            {
              if (phase < period)
                row[x] = p->pixel;
              else if (under != NULL)
                row[x] = under->pixel;
              if (++phase == 2 * period)
                phase = 0;
            }
        }
      break;

    case PATTERN_SOLID:
    default:
      if (x1 - x0 == 1)
        {
          /* A single column: the usual case on a busy zoomed-out lane. */
          guint32 *pixel = layer->pixels + (gsize) y0 * layer->stride + x0;

          for (int y = y0; y < y1; y++, pixel += layer->stride)
            *pixel = p->pixel;
          break;
        }
      for (int y = y0; y < y1; y++)
        {
          guint32 *row = layer->pixels + (gsize) y * layer->stride;

          for (int x = x0; x < x1; x++)
            row[x] = p->pixel;
        }
      break;
    }
}

static gboolean
layer_clip (const Layer *layer,
            int         *x0,
            int         *y0,
            int         *x1,
            int         *y1)
{
  *x0 = MAX (*x0, 0);
  *x1 = MIN (*x1, layer->width);
  *y0 = MAX (*y0, layer->clip_y0);
  *y1 = MIN (*y1, layer->clip_y1);
  return *x0 < *x1 && *y0 < *y1;
}

static void
layer_add_rect (Layer   *layer,
                PaintId  paint,
                int      x0,
                int      y0,
                int      x1,
                int      y1)
{
  cairo_rectangle_int_t rect = { x0, y0, x1 - x0, y1 - y0 };

  g_array_append_val (layer->rects[paint], rect);
}

static void
layer_fill (Layer   *layer,
            PaintId  paint,
            int      x0,
            int      y0,
            int      x1,
            int      y1)
{
  if (!layer_clip (layer, &x0, &y0, &x1, &y1))
    return;
  if (layer->vector)
    layer_add_rect (layer, paint, x0, y0, x1, y1);
  else
    raster_fill (layer, NULL, &layer->paints[paint], x0, y0, x1, y1);
}

/* @over on top of @under: two fills on a vector layer, one pass on a raster. */
static void
layer_fill_over (Layer   *layer,
                 PaintId  under,
                 PaintId  over,
                 int      x0,
                 int      y0,
                 int      x1,
                 int      y1)
{
  g_assert (under < over);

  if (!layer_clip (layer, &x0, &y0, &x1, &y1))
    return;
  if (layer->vector)
    {
      layer_add_rect (layer, under, x0, y0, x1, y1);
      layer_add_rect (layer, over, x0, y0, x1, y1);
    }
  else
    raster_fill (layer, &layer->paints[under], &layer->paints[over], x0, y0, x1, y1);
}

/* The tile a patterned paint repeats, in layer pixels, anchored at the layer's
 * origin as the raster pattern is. */
static cairo_pattern_t *
layer_pattern (const Layer *layer,
               const Paint *paint)
{
  int size = paint->pattern == PATTERN_DASH ? 2 * layer->period : layer->period;
  cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  guint32 *pixels;
  int stride;
  cairo_pattern_t *pattern;

  cairo_surface_flush (tile);
  pixels = (guint32 *) cairo_image_surface_get_data (tile);
  stride = cairo_image_surface_get_stride (tile) / 4;
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      pixels[y * stride + x] = pattern_covers (layer, paint->pattern, x, y) ? paint->pixel : 0;
  cairo_surface_mark_dirty (tile);

  pattern = cairo_pattern_create_for_surface (tile);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_surface_destroy (tile);
  return pattern;
}

/* One fill per paint: the vector layer's whole cost. */
static void
layer_flush_vector (Layer   *layer,
                    cairo_t *cr)
{
  for (guint paint = 0; paint < N_PAINTS; paint++)
    {
      GArray *rects = layer->rects[paint];
      const Paint *p = &layer->paints[paint];

      if (rects->len == 0)
        continue;
      for (guint i = 0; i < rects->len; i++)
        {
          const cairo_rectangle_int_t *r = &g_array_index (rects, cairo_rectangle_int_t, i);

          cairo_rectangle (cr, r->x, r->y, r->width, r->height);
        }
      if (p->pattern == PATTERN_SOLID)
        jg_rgba_set_source (cr, &p->color);
      else
        {
          cairo_pattern_t *pattern = layer_pattern (layer, p);

          cairo_set_source (cr, pattern);
          cairo_pattern_destroy (pattern);
        }
      cairo_fill (cr);
      g_array_set_size (rects, 0);
    }
}

static void
layer_init_vector (Layer       *layer,
                   const Paint *paints)
{
  memset (layer, 0, sizeof *layer);
  layer->vector = TRUE;
  layer->paints = paints;
  for (guint paint = 0; paint < N_PAINTS; paint++)
    layer->rects[paint] = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_int_t));
}

static void
layer_clear (Layer *layer)
{
  for (guint paint = 0; paint < N_PAINTS; paint++)
    g_clear_pointer (&layer->rects[paint], g_array_unref);
}

/* A lane's column cells, merged into runs of equal cells. Band and bar
 * geometry for a lane @h pixels high whose top is @y. */
static void
draw_band (Layer       *layer,
           JgTaskState  state,
           int          x0,
           int          x1,
           int          y,
           int          h)
{
  int top = y + h / 4, bottom = y + h - h / 4;
  int edge = MAX (1, layer->thick);

  switch (state)
    {
    case JG_STATE_GIL_WAIT:
      layer_fill (layer, PAINT_GIL_WAIT, x0, top, x1, bottom);
      break;
    case JG_STATE_IO_WAIT:
      layer_fill_over (layer, PAINT_TINT_IO, PAINT_STRIPES_IO, x0, top, x1, bottom);
      break;
    case JG_STATE_LOCK_WAIT:
      layer_fill_over (layer, PAINT_TINT_LOCK, PAINT_STRIPES_LOCK, x0, top, x1, bottom);
      break;
    case JG_STATE_AWAITING:
      layer_fill (layer, PAINT_TINT_AWAIT, x0, top, x1, bottom);
      layer_fill (layer, PAINT_EDGE_AWAIT, x0, top, x1, top + edge);
      layer_fill (layer, PAINT_EDGE_AWAIT, x0, bottom - edge, x1, bottom);
      break;
    case JG_STATE_READY:
      layer_fill (layer, PAINT_READY, x0, y + h / 2 - MAX (1, h / 10), x1, y + h / 2 + MAX (1, h / 10));
      break;
    case JG_STATE_RUNNING:
    case JG_STATE_DONE:
    case JG_N_STATES:
    default:
      break;
    }
}

static void
draw_cells (Layer      *layer,
            const Cell *cells,
            guint       n,
            int         y,
            int         h)
{
  guint c = 0;

  while (c < n)
    {
      Cell cell = cells[c];
      guint end = c + 1;

      while (end < n && memcmp (&cells[end], &cell, sizeof cell) == 0)
        end++;
      if (cell.band != NO_BAND)
        draw_band (layer, cell.band, c, end, y, h);
      if (cell.bar != NO_BAR)
        layer_fill (layer, cell.bar, c, y + h - cell.bar_h, end, y + h);
      c = end;
    }
}

/* Layout */

static guint legend_rows (JgSwimlanePainter *self,
                          const Metrics     *m,
                          double             width,
                          gboolean           has_gil);

/* The theme's sizes, grown with the system's text: type, and what has to
 * hold it (the name column, lanes, axis, legend rows). Gaps and lines stay. */
static void
painter_metrics (JgSwimlanePainter *self,
                 Metrics           *m)
{
  double k = self->text_scale;

  *m = self->theme == JG_SWIMLANE_THEME_PROJECTOR ? metrics_projector : metrics_normal;
  if (k == 1)
    return;

  m->font = round (m->font * k);
  m->small_font = round (m->small_font * k);
  m->label_w = round (m->label_w * k);
  m->legend_h = round (m->legend_h * k);
  m->axis_h = round (m->axis_h * k);
  m->counters_h = round (m->counters_h * k);
  m->lane_h = round (m->lane_h * k);
  m->tick_px = round (m->tick_px * k);
}

static void
compute_layout (JgSwimlanePainter *self,
                Layout            *layout)
{
  Metrics scaled;
  const Metrics *m = &scaled;

  painter_metrics (self, &scaled);
  layout->m = *m;
  layout->width = self->width;
  layout->height = self->height;
  /* Names get at most a quarter of a narrow canvas. */
  layout->m.label_w = MIN (m->label_w, floor (self->width / 4));
  layout->plot_x = layout->m.label_w;
  layout->plot_w = MAX (1, self->width - layout->plot_x - m->pad);
  layout->n_gil = self->lod != NULL ? jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_GIL) : 0;
  layout->axis_y = m->legend_h * legend_rows (self, m, self->width, layout->n_gil > 0);
  layout->counters_y = layout->axis_y + m->axis_h;
  layout->gil_y = layout->counters_y + m->counters_h + m->lane_gap;
  layout->row_h = m->lane_h + m->lane_gap;
  layout->lanes_y = layout->gil_y + layout->n_gil * layout->row_h + m->lane_gap;

  layout->n_rows = 0;
  if (self->lod != NULL)
    {
      switch (self->view)
        {
        case JG_SWIMLANE_VIEW_WORKERS:
          layout->n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_WORKER);
          break;
        case JG_SWIMLANE_VIEW_CORES:
          layout->n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_CORE);
          break;
        case JG_SWIMLANE_VIEW_TASKS:
        case JG_SWIMLANE_N_VIEWS:
        default:
          layout->n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_TASK);
          break;
        }
    }
}

JgLodLaneKind
jg_swimlane_view_lane_kind (JgSwimlaneView view)
{
  switch (view)
    {
    case JG_SWIMLANE_VIEW_WORKERS:
      return JG_LOD_LANE_WORKER;
    case JG_SWIMLANE_VIEW_CORES:
      return JG_LOD_LANE_CORE;
    case JG_SWIMLANE_VIEW_TASKS:
    case JG_SWIMLANE_N_VIEWS:
    default:
      return JG_LOD_LANE_TASK;
    }
}

static double
row_y (JgSwimlanePainter *self,
       const Layout      *layout,
       guint              row)
{
  return layout->lanes_y + row * layout->row_h - self->scroll;
}

/* The device scale the drawing ends up at on @cr's target. */
static double
target_scale (JgSwimlanePainter *self,
              cairo_t           *cr)
{
  double x = 1, y = 0, sx = 1, sy = 1;

  cairo_user_to_device_distance (cr, &x, &y);
  cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
  return MAX (self->scale_factor, fabs (x) * sx);
}

static gboolean
target_wants_vectors (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_SCRIPT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Time axis: ticks 1, 2 or 5 times a power of ten apart. */
static guint64
tick_step (guint64 span,
           double  plot_w,
           double  min_px)
{
  double raw = (double) span / plot_w * min_px;
  guint64 step = 1;

  while (TRUE)
    {
      if ((double) step >= raw)
        return step;
      if ((double) step * 2 >= raw)
        return step * 2;
      if ((double) step * 5 >= raw)
        return step * 5;
      if (step > G_MAXUINT64 / 100)
        return step * 10;
      step *= 10;
    }
}

static GArray *
compute_ticks (JgSwimlanePainter *self,
               const Layout      *layout,
               double             scale,
               guint64           *step_out)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (Tick));
  guint64 span = self->t1 - self->t0;
  guint64 step = tick_step (span, layout->plot_w, layout->m.tick_px);

  *step_out = step;
  for (guint64 ts = (self->t0 + step - 1) / step * step; ts < self->t1; ts += step)
    {
      Tick tick;

      tick.ts = ts;
      tick.x = layout->plot_x + (double) (ts - self->t0) / (double) span * layout->plot_w;
      tick.column = (int) floor ((tick.x - layout->plot_x) * scale);
      g_array_append_val (ticks, tick);
    }
  return ticks;
}

static char *
format_tick (guint64 ts,
             guint64 step,
             guint64 t1)
{
  guint64 unit;
  const char *name;
  int decimals = 0;

  if (t1 >= 1000000000)
    unit = 1000000000, name = _("s");
  else if (t1 >= 1000000)
    unit = 1000000, name = _("ms");
  else if (t1 >= 1000)
    unit = 1000, name = _("µs");
  else
    unit = 1, name = _("ns");

  /* Enough decimals to tell neighbouring ticks apart. */
  for (guint64 resolution = unit; resolution > step && resolution > 1; resolution /= 10)
    decimals++;

  /* Translators: a time on the axis, e.g. "1.5 s" */
  return g_strdup_printf (_("%.*f %s"), decimals, (double) ts / (double) unit, name);
}

/* Scratch */

static void
ensure_scratch (JgSwimlanePainter *self,
                guint              n)
{
  if (n <= self->n_scratch)
    return;
  g_free (self->columns);
  g_free (self->cells);
  g_free (self->edges);
  g_free (self->values);
  g_free (self->values2);
  self->columns = g_new (JgLodColumn, n);
  self->cells = g_new (Cell, n);
  self->edges = g_new (guint64, n + 1);
  self->values = g_new (double, n);
  self->values2 = g_new (double, n);
  self->n_scratch = n;
}

/* Column layer */

/* A state lane: the most-waited wait as a band, Running as a bar as high as its
 * share of the column, but never so low that a burst would vanish. */
static void
cells_for_states (const JgLodColumn *columns,
                  const guint64     *edges,
                  guint              n,
                  int                h,
                  int                min_h,
                  Cell              *cells)
{
  static const JgTaskState waits[] = {
    JG_STATE_GIL_WAIT, JG_STATE_LOCK_WAIT, JG_STATE_IO_WAIT, JG_STATE_AWAITING, JG_STATE_READY,
  };

  for (guint c = 0; c < n; c++)
    {
      const guint64 *ns = columns[c].ns;
      guint64 width = edges[c + 1] - edges[c];
      guint64 best_ns = 0;
      Cell cell = { NO_BAND, NO_BAR, 0 };

      for (guint w = 0; w < G_N_ELEMENTS (waits); w++)
        {
          if (ns[waits[w]] > best_ns)
            {
              best_ns = ns[waits[w]];
              cell.band = waits[w];
            }
        }
      if (ns[JG_STATE_RUNNING] > 0 && width > 0)
        {
          int bar_h = (int) lround ((double) ns[JG_STATE_RUNNING] / (double) width * h);

          cell.bar = PAINT_RUNNING;
          cell.bar_h = CLAMP (bar_h, min_h, h);
        }
      cells[c] = cell;
    }
}

/* A core or GIL lane: the task that took most of the column, as high as the
 * share of the column the lane was busy. */
static void
cells_for_tasks (const JgLodColumn *columns,
                 const guint64     *edges,
                 guint              n,
                 int                h,
                 int                min_h,
                 Cell              *cells)
{
  for (guint c = 0; c < n; c++)
    {
      const guint64 *ns = columns[c].ns;
      guint64 width = edges[c + 1] - edges[c];
      guint64 best_ns = 0, busy = 0;
      Cell cell = { NO_BAND, NO_BAR, 0 };

      for (guint k = 0; k < JG_LOD_N_TASK_CLASSES; k++)
        {
          busy += ns[k];
          if (ns[k] > best_ns)
            {
              best_ns = ns[k];
              cell.bar = PAINT_TASK_0 + k;
            }
        }
      if (busy > 0 && width > 0)
        {
          int bar_h = (int) lround ((double) busy / (double) width * h);

          cell.bar_h = CLAMP (bar_h, min_h, h);
        }
      else
        cell.bar = NO_BAR;
      cells[c] = cell;
    }
}

typedef struct
{
  JgSwimlanePainter *self;
  JgLodLaneKind      kind;
  guint              lane;
  guint              n_labels;
} LabelCollect;

static gboolean
collect_label (const JgLodItem *item,
               gpointer         user_data)
{
  LabelCollect *collect = user_data;
  Label label = { collect->kind, collect->lane, *item };

  if (item->start >= collect->self->horizon)
    return TRUE;

  /* A lane full of labels is noise: keep what fits. Never stop the walk: it
   * is also filling the columns. */
  if (collect->n_labels++ < 64)
    g_array_append_val (collect->self->labels, label);
  return TRUE;
}

/* Queries one lane and draws its columns. */
static void
draw_lane_columns (JgSwimlanePainter *self,
                   Layer             *layer,
                   JgLodLaneKind      kind,
                   guint              lane,
                   guint              n,
                   int                y,
                   int                h,
                   double             scale)
{
  LabelCollect collect = { self, kind, lane, 0 };
  guint64 grain = jg_lod_query_items (self->lod, kind, lane, self->t0, self->t1, n, self->columns,
                                      self->label_ns, collect_label, &collect);
  int min_h = MAX ((int) lround (2 * scale), h / 5);

  /* The edges the answer was made for: columns' widths are then exact. */
  jg_lod_column_edges (self->t0, self->t1, n, self->edges);
  for (guint c = 0; c <= n; c++)
    self->edges[c] = jg_lod_snap_edge (self->edges[c], grain, self->t0, self->t1, n);
  /* A replay shows nothing that happened after its play head (hand-offs too,
   * which are found from these columns). */
  for (guint c = 0; c < n; c++)
    {
      if (self->edges[c] >= self->horizon)
        memset (&self->columns[c], 0, sizeof self->columns[c]);
    }

  if (kind == JG_LOD_LANE_TASK || kind == JG_LOD_LANE_WORKER)
    cells_for_states (self->columns, self->edges, n, h, min_h, self->cells);
  else
    cells_for_tasks (self->columns, self->edges, n, h, min_h, self->cells);
  draw_cells (layer, self->cells, n, y, h);
}

static void
find_handoffs (JgSwimlanePainter *self,
               guint              gil_lane,
               guint              n,
               int                gap)
{
  g_autofree guint *prefix = g_new (guint, n + 1);

  prefix[0] = 0;
  for (guint c = 0; c < n; c++)
    prefix[c + 1] = prefix[c] + (guint) MIN (self->columns[c].ns[JG_LOD_CLASS_HANDOFFS], 2);

  for (guint c = 0; c < n; c++)
    {
      guint lo = c > (guint) gap ? c - gap : 0;
      guint hi = MIN (n, c + gap + 1);

      /* Merged: when hand-offs crowd, no arrow is drawn for any of them. */
      if (self->columns[c].ns[JG_LOD_CLASS_HANDOFFS] == 1 && prefix[hi] - prefix[lo] == 1)
        {
          Handoff handoff = { gil_lane, c };

          g_array_append_val (self->handoffs, handoff);
        }
    }
}

static void
draw_counters (JgSwimlanePainter *self,
               Layer             *layer,
               guint              n,
               int                y,
               int                h)
{
  guint64 horizon = MIN (jg_lod_get_horizon (self->lod), self->horizon);
  double top = 1;
  guint end = n;

  jg_lod_query_counters (self->lod, self->t0, self->t1, n, self->values, self->values2);
  jg_lod_column_edges (self->t0, self->t1, n, self->edges);

  /* Nothing is known past the newest event. */
  for (guint c = 0; c < n; c++)
    {
      if (self->edges[c] > horizon)
        {
          end = c;
          break;
        }
      top = MAX (top, MAX (self->values[c], self->values2[c]));
    }
  self->counters_max = ceil (top - 1e-9);

  for (guint c = 0; c < end; )
    {
      int conc_h = (int) lround (self->values[c] / self->counters_max * h);
      int par_h = (int) lround (self->values2[c] / self->counters_max * h);
      guint stop = c + 1;

      /* A running task always shows, however short. */
      if (self->values2[c] > 0)
        par_h = MAX (par_h, 1);
      while (stop < end
             && (int) lround (self->values[stop] / self->counters_max * h) == conc_h
             && MAX ((int) lround (self->values2[stop] / self->counters_max * h),
                     self->values2[stop] > 0 ? 1 : 0) == par_h)
        stop++;
      layer_fill (layer, PAINT_CONCURRENCY, c, y + h - conc_h, stop, y + h);
      layer_fill (layer, PAINT_PARALLELISM, c, y + h - par_h, stop, y + h);
      c = stop;
    }
}

/* Draws everything that varies along time into @layer (device pixels, its
 * origin at the plot's left edge and the counters' top). */
static void
draw_layer (JgSwimlanePainter *self,
            Layer             *layer,
            const Layout      *layout,
            GArray            *ticks,
            double             scale)
{
  guint n = layer->width;
  int origin = (int) lround (layout->counters_y * scale);
  int lane_h = (int) lround (layout->m.lane_h * scale);
  int lanes_top = (int) lround (layout->lanes_y * scale) - origin;
  JgLodLaneKind kind = jg_swimlane_view_lane_kind (self->view);
  const JgMachineInfo *machine = self->trace != NULL ? jg_trace_get_machine (self->trace) : NULL;
  int grid_w = MAX (1, (int) lround (scale));
  int counters_h = (int) lround (layout->m.counters_h * scale);
  int cursor;

  ensure_scratch (self, n);
  g_array_set_size (self->labels, 0);
  g_array_set_size (self->handoffs, 0);
  g_array_set_size (self->drops, 0);

  /* Each pixel written once: rows, then the background only between them. */
  layer->clip_y0 = 0;
  layer->clip_y1 = layer->height;
  layer_fill (layer, PAINT_STRIP, 0, 0, layer->width, counters_h);
  cursor = counters_h;
  for (guint g = 0; g < layout->n_gil; g++)
    {
      int y = (int) lround ((layout->gil_y + g * layout->row_h) * scale) - origin;

      layer_fill (layer, PAINT_BG, 0, cursor, layer->width, y);
      layer_fill (layer, PAINT_STRIP, 0, y, layer->width, y + lane_h);
      cursor = y + lane_h;
    }
  layer_fill (layer, PAINT_BG, 0, cursor, layer->width, lanes_top);
  cursor = lanes_top;
  layer->clip_y0 = lanes_top;
  for (guint row = 0; row < layout->n_rows; row++)
    {
      int y = (int) lround (row_y (self, layout, row) * scale) - origin;

      if (y + lane_h <= lanes_top)
        continue;
      if (y >= layer->height)
        break;
      layer_fill (layer, PAINT_BG, 0, cursor, layer->width, y);
      layer_fill (layer, row % 2 ? PAINT_LANE_ODD : PAINT_LANE_EVEN, 0, y, layer->width, y + lane_h);
      cursor = y + lane_h;
    }
  layer_fill (layer, PAINT_BG, 0, cursor, layer->width, layer->height);
  layer->clip_y0 = 0;
  for (guint i = 0; i < ticks->len; i++)
    {
      int x = g_array_index (ticks, Tick, i).column;

      layer_fill (layer, PAINT_GRID, x, 0, x + grid_w, layer->height);
    }

  if (self->lod == NULL || self->t1 <= self->t0)
    return;

  draw_counters (self, layer, n, 0, counters_h);
  /* The hardware's limit on tasks running at once. */
  if (machine != NULL && machine->n_cores > 0 && machine->n_cores <= self->counters_max)
    {
      int y = counters_h - (int) lround (machine->n_cores / self->counters_max * counters_h);

      layer_fill (layer, PAINT_CORES_LINE, 0, y, layer->width, y + grid_w);
    }

  for (guint g = 0; g < layout->n_gil; g++)
    {
      int y = (int) lround ((layout->gil_y + g * layout->row_h) * scale) - origin;
      guint first = self->drops->len;

      draw_lane_columns (self, layer, JG_LOD_LANE_GIL, g, n, y, lane_h, scale);
      find_handoffs (self, g, n, (int) lround (10 * scale));
      g_array_set_size (self->drops, first + n);
      jg_lod_query_drop_requests (self->lod, g, self->t0, self->t1, n,
                                  &g_array_index (self->drops, guint32, first));
      for (guint c = 0; c < n; c++)
        {
          if (self->edges[c] >= self->horizon)
            g_array_index (self->drops, guint32, first + c) = 0;
        }
    }

  layer->clip_y0 = lanes_top;
  for (guint row = 0; row < layout->n_rows; row++)
    {
      int y = (int) lround (row_y (self, layout, row) * scale) - origin;

      /* Culling: rows scrolled away cost nothing. */
      if (y + lane_h <= lanes_top)
        continue;
      if (y >= layer->height)
        break;
      draw_lane_columns (self, layer, kind, row, n, y, lane_h, scale);
    }
  layer->clip_y0 = 0;
}

/* Text */

static void
set_font (JgSwimlanePainter *self,
          const Metrics     *m,
          double             size,
          gboolean           bold)
{
  jg_text_set_font (self->text, size, bold || m->bold);
}

/* Draws @text with its left edge at @x, centred on @y, cut to @max_w with an
 * ellipsis; returns the width drawn. */
static double
draw_text (JgSwimlanePainter *self,
           cairo_t           *cr,
           const char        *text,
           double             x,
           double             y,
           double             max_w)
{
  return jg_text_show_centred (self->text, cr, text, x, y, max_w);
}

static double
text_width (JgSwimlanePainter *self,
            const char        *text)
{
  return jg_text_width (self->text, text);
}

static char *
row_name (JgSwimlanePainter *self,
          guint              row)
{
  switch (self->view)
    {
    case JG_SWIMLANE_VIEW_WORKERS:
      {
        JgWorkerLane worker = jg_trace_get_worker (self->trace, row);
        const char *name = jg_trace_get_worker_name (self->trace, row);

        if (worker.kind == JG_WORKER_PROCESS)
          /* Translators: a worker process and its process id */
          return g_strdup_printf (_("%s · pid %d"), name, worker.pid);
        return g_strdup (name);
      }
    case JG_SWIMLANE_VIEW_CORES:
      {
        gint cpu = jg_lod_get_core_cpu (self->lod, row);

        if (cpu < 0)
          return g_strdup (_("CPU unknown"));
        /* Translators: a processor core's lane */
        return g_strdup_printf (_("CPU %d"), cpu);
      }
    case JG_SWIMLANE_VIEW_TASKS:
    case JG_SWIMLANE_N_VIEWS:
    default:
      return g_strdup (jg_trace_get_task_name (self->trace, row));
    }
}

/* Span labels */

static double
x_for (JgSwimlanePainter *self,
       const Layout      *layout,
       guint64            ts)
{
  return layout->plot_x + ((double) ts - (double) self->t0) / (double) (self->t1 - self->t0) * layout->plot_w;
}

static const char *
short_reason (JgTaskState state,
              guint8      reason)
{
  if (state == JG_STATE_READY)
    return _("ready");
  switch (reason)
    {
    case JG_SUSPEND_GIL:
      return _("GIL");
    case JG_SUSPEND_IO:
      return _("I/O");
    case JG_SUSPEND_SLEEP:
      return _("sleep");
    case JG_SUSPEND_LOCK:
      return _("lock");
    case JG_SUSPEND_SEMAPHORE:
      return _("semaphore");
    case JG_SUSPEND_QUEUE:
      return _("queue");
    case JG_SUSPEND_AWAIT:
      return _("await");
    case JG_SUSPEND_READY:
    default:
      return _("ready");
    }
}

/* Inside a wide span: its core (task lanes), its task and what it waits for
 * (worker lanes), its task (core and GIL lanes). */
static void
draw_span_label (JgSwimlanePainter *self,
                 cairo_t           *cr,
                 const Layout      *layout,
                 const Label       *label,
                 double             y)
{
  const JgLodItem *item = &label->item;
  double x0 = MAX (x_for (self, layout, item->start), layout->plot_x);
  double x1 = MIN (x_for (self, layout, item->end), layout->plot_x + layout->plot_w);
  const Colors *colors = painter_colors (self);
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, colors->dark);
  JgRgba gil_wait = jg_palette_state_color (JG_STATE_GIL_WAIT, colors->dark);
  g_autofree char *owned = NULL;
  const char *text;
  const JgSpan *span = NULL;
  JgRgba color;

  if (label->kind != JG_LOD_LANE_GIL)
    {
      guint n;

      span = jg_spans_get_task_spans (jg_lod_get_spans (self->lod), item->task, &n) + item->index;
    }

  if (label->kind == JG_LOD_LANE_GIL || label->kind == JG_LOD_LANE_CORE)
    {
      text = jg_trace_get_task_name (self->trace, item->task);
      color = text_on (task_color (item->klass));
    }
  else if (item->state == JG_STATE_RUNNING)
    {
      if (label->kind == JG_LOD_LANE_WORKER)
        text = jg_trace_get_task_name (self->trace, item->task);
      else if (span->cpu >= 0)
        /* Translators: the core a running span ran on, written inside it */
        text = owned = g_strdup_printf (_("CPU %d"), span->cpu);
      else
        return;
      color = text_on (running);
    }
  else
    {
      /* Colour and shape tell the wait; a worker's label says whose it is. */
      if (label->kind == JG_LOD_LANE_WORKER)
        text = jg_trace_get_task_name (self->trace, item->task);
      else
        text = short_reason (item->state, span->reason);
      /* Waits are half height: the label sits on their band or tint. */
      color = item->state == JG_STATE_GIL_WAIT ? text_on (gil_wait) : colors->fg;
    }

  jg_rgba_set_source (cr, &color);
  draw_text (self, cr, text, x0 + 3, y + layout->m.lane_h / 2, x1 - x0 - 6);
}

static void
draw_span_labels (JgSwimlanePainter *self,
                  cairo_t           *cr,
                  const Layout      *layout)
{
  cairo_save (cr);
  set_font (self, &layout->m, layout->m.small_font, FALSE);
  for (guint i = 0; i < self->labels->len; i++)
    {
      const Label *label = &g_array_index (self->labels, Label, i);
      double y;

      if (label->kind == JG_LOD_LANE_GIL)
        y = layout->gil_y + label->lane * layout->row_h;
      else
        y = row_y (self, layout, label->lane);
      if (y < (label->kind == JG_LOD_LANE_GIL ? layout->gil_y : layout->lanes_y) || y >= layout->height)
        continue;
      cairo_save (cr);
      cairo_rectangle (cr, layout->plot_x, y, layout->plot_w, layout->m.lane_h);
      cairo_clip (cr);
      draw_span_label (self, cr, layout, label, y);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

/* GIL marks */

typedef struct
{
  guint64   t0;
  guint64   t1;
  JgLodItem item;
  gboolean  found;
} HandoffSearch;

static gboolean
find_handoff_item (const JgLodItem *item,
                   gpointer         user_data)
{
  HandoffSearch *search = user_data;

  if (item->handoff && item->start >= search->t0 && item->start < search->t1)
    {
      search->item = *item;
      search->found = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* The row of the view where @task was at @ts, or -1 if the view has none. */
static int
row_of_task (JgSwimlanePainter *self,
             guint32            task,
             guint64            ts,
             gint               gil_cpu)
{
  JgSpans *spans = jg_lod_get_spans (self->lod);

  switch (self->view)
    {
    case JG_SWIMLANE_VIEW_WORKERS:
      {
        guint n;
        const JgSpan *task_spans = jg_spans_get_task_spans (spans, task, &n);
        guint i = jg_spans_find_task_span (spans, task, ts);

        return i < n ? (int) task_spans[i].worker : -1;
      }
    case JG_SWIMLANE_VIEW_CORES:
      {
        guint n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_CORE);

        if (gil_cpu >= 0 && (guint) gil_cpu < n_rows && jg_lod_get_core_cpu (self->lod, gil_cpu) == gil_cpu)
          return gil_cpu;
        return -1;
      }
    case JG_SWIMLANE_VIEW_TASKS:
    case JG_SWIMLANE_N_VIEWS:
    default:
      return (int) task;
    }
}

static void
draw_gil_marks (JgSwimlanePainter *self,
                cairo_t           *cr,
                const Layout      *layout,
                double             scale)
{
  const Colors *colors = painter_colors (self);
  guint n = (guint) lround (layout->plot_w * scale);
  double mark = layout->m.line * 4;
  guint n_gil_spans;
  const JgGilSpan *gil_spans = jg_spans_get_gil_spans (jg_lod_get_spans (self->lod), &n_gil_spans);
  JgRgba arrow = colors->fg;

  cairo_save (cr);
  cairo_rectangle (cr, layout->plot_x - mark, layout->gil_y - mark, layout->plot_w + 2 * mark,
                   layout->height - layout->gil_y + mark);
  cairo_clip (cr);

  /* Drop requests: a small triangle pointing at the lane, one per few pixels. */
  for (guint g = 0; g < layout->n_gil && self->drops->len >= (g + 1) * n; g++)
    {
      const guint32 *counts = &g_array_index (self->drops, guint32, g * n);
      double top = layout->gil_y + g * layout->row_h;
      double last_x = -G_MAXDOUBLE;

      for (guint c = 0; c < n; c++)
        {
          double x = layout->plot_x + (c + 0.5) / scale;

          if (counts[c] == 0 || x - last_x < mark * 1.5)
            continue;
          cairo_move_to (cr, x - mark / 2, top);
          cairo_line_to (cr, x + mark / 2, top);
          cairo_line_to (cr, x, top + mark * 0.8);
          cairo_close_path (cr);
          last_x = x;
        }
    }
  jg_rgba_set_source (cr, &arrow);
  cairo_fill (cr);

  /* Hand-offs wide apart: an arrow from the dropping task to the taking one. */
  cairo_set_line_width (cr, layout->m.line);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < self->handoffs->len; i++)
    {
      const Handoff *handoff = &g_array_index (self->handoffs, Handoff, i);
      HandoffSearch search = { 0 };
      double top = layout->gil_y + handoff->gil_lane * layout->row_h;
      double x, x_from, y_from, y_to;
      int from_row = -1, to_row;
      guint32 interp;

      search.t0 = jg_lod_column_edge (self->t0, self->t1, n, handoff->column);
      search.t1 = jg_lod_column_edge (self->t0, self->t1, n, handoff->column + 1);
      /* The column may have been answered at a coarser grain: look a little wider. */
      search.t0 = search.t0 > (search.t1 - search.t0) ? search.t0 - (search.t1 - search.t0) : 0;
      jg_lod_foreach (self->lod, JG_LOD_LANE_GIL, handoff->gil_lane, search.t0, search.t1,
                      find_handoff_item, &search);
      if (!search.found)
        continue;

      x = x_for (self, layout, search.item.start);
      /* A tick in the GIL lane, pointing down at the lanes. */
      cairo_move_to (cr, x, top + 1);
      cairo_line_to (cr, x, top + layout->m.lane_h - 1);

      interp = jg_lod_get_gil_interp (self->lod, handoff->gil_lane);
      to_row = row_of_task (self, search.item.task, search.item.start, gil_spans[search.item.index].cpu);
      for (guint j = search.item.index; j-- > 0 && search.item.index - j < 64; )
        {
          if (gil_spans[j].interp == interp)
            {
              from_row = row_of_task (self, gil_spans[j].task, gil_spans[j].end, gil_spans[j].cpu);
              x_from = x_for (self, layout, gil_spans[j].end);
              break;
            }
        }
      if (from_row < 0 || to_row < 0 || from_row == to_row)
        continue;

      y_from = row_y (self, layout, from_row) + layout->m.lane_h / 2;
      y_to = row_y (self, layout, to_row) + layout->m.lane_h / 2;
      if (y_from < layout->lanes_y || y_to < layout->lanes_y)
        continue;
      cairo_move_to (cr, x_from, y_from);
      cairo_line_to (cr, x, y_to);
      /* The head. */
      {
        double dx = x - x_from, dy = y_to - y_from;
        double len = hypot (dx, dy);
        double ux = dx / len, uy = dy / len;
        double head = mark * 1.4;

        cairo_move_to (cr, x - ux * head - uy * head * 0.5, y_to - uy * head + ux * head * 0.5);
        cairo_line_to (cr, x, y_to);
        cairo_line_to (cr, x - ux * head + uy * head * 0.5, y_to - uy * head - ux * head * 0.5);
      }
    }
  arrow.a = 0.75;
  jg_rgba_set_source (cr, &arrow);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Header, names, legend */

static void
draw_swatch (cairo_t      *cr,
             const Paint  *paints,
             double        scale,
             double        x,
             double        y,
             double        w,
             double        h,
             JgTaskState   state,
             int           task_class)
{
  Layer layer;
  int dw = (int) lround (w * scale), dh = (int) lround (h * scale);

  layer_init_vector (&layer, paints);
  layer.width = dw;
  layer.height = dh;
  layer.clip_y1 = dh;
  layer.period = MAX (3, (int) lround (6 * scale));
  layer.thick = MAX (1, (int) lround (2 * scale));
  if (task_class >= 0)
    layer_fill (&layer, PAINT_TASK_0 + task_class, 0, 0, dw, dh);
  else if (state == JG_STATE_RUNNING)
    layer_fill (&layer, PAINT_RUNNING, 0, 0, dw, dh);
  else
    draw_band (&layer, state, 0, dw, 0, dh);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, 1 / scale, 1 / scale);
  layer_flush_vector (&layer, cr);
  cairo_restore (cr);
  layer_clear (&layer);
}

typedef enum
{
  LEGEND_STATE,
  LEGEND_TASK,
  LEGEND_DROP,
  LEGEND_HANDOFF,
  LEGEND_NOTE,
} LegendKind;

typedef struct
{
  LegendKind  kind;
  guint       value; /* the state, or the task */
  const char *text;
  char       *owned;
  double      x;
  guint       row;
} LegendItem;

static void
legend_item_clear (gpointer data)
{
  LegendItem *item = data;

  g_free (item->owned);
}

static void
legend_add (GArray     *items,
            LegendKind  kind,
            guint       value,
            const char *text,
            char       *owned)
{
  LegendItem item = { kind, value, owned != NULL ? owned : text, owned, 0, 0 };

  g_array_append_val (items, item);
}

/* The legend's items, flowed into rows across @width; returns how many rows.
 * Text is measured in the legend's font, already set. */
static guint
legend_build (JgSwimlanePainter *self,
              const Metrics     *m,
              double             width,
              gboolean           has_gil,
              GArray            *items)
{
  static const JgTaskState states[] = {
    JG_STATE_RUNNING, JG_STATE_GIL_WAIT, JG_STATE_IO_WAIT, JG_STATE_LOCK_WAIT,
    JG_STATE_AWAITING, JG_STATE_READY,
  };
  double swatch = m->lane_h * 0.8 * 1.6;
  double gap = m->font * 1.5;
  double x = m->pad;
  guint row = 0;

  if (self->view == JG_SWIMLANE_VIEW_CORES && self->trace != NULL && self->lod != NULL)
    {
      JgSpans *spans = jg_lod_get_spans (self->lod);
      guint n_tasks = jg_spans_get_n_tasks (spans);
      guint listed = 0, more = 0;

      /* Colours are tasks here: name the ones alive in the window. */
      for (guint32 t = 0; t < n_tasks; t++)
        {
          guint64 begin, end;

          if (!jg_spans_get_task_began (spans, t, &begin) || begin >= self->t1
              || (jg_spans_get_task_ended (spans, t, &end, NULL) && end < self->t0))
            continue;
          if (listed++ < 2 * JG_LOD_N_TASK_CLASSES)
            legend_add (items, LEGEND_TASK, t, jg_trace_get_task_name (self->trace, t), NULL);
          else
            more++;
        }
      if (more > 0)
        /* Translators: tasks left out of the legend */
        legend_add (items, LEGEND_NOTE, 0, NULL,
                    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", more), more));
      if (listed > JG_LOD_N_TASK_CLASSES)
        legend_add (items, LEGEND_NOTE, 0, NULL,
                    g_strdup_printf (_("(colours repeat every %u tasks)"), JG_LOD_N_TASK_CLASSES));
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (states); i++)
        legend_add (items, LEGEND_STATE, states[i], jg_palette_state_label (states[i]), NULL);
    }
  if (has_gil)
    {
      legend_add (items, LEGEND_DROP, 0, _("drop request"), NULL);
      legend_add (items, LEGEND_HANDOFF, 0, _("GIL hand-off"), NULL);
    }

  for (guint i = 0; i < items->len; i++)
    {
      LegendItem *item = &g_array_index (items, LegendItem, i);
      double mark = item->kind == LEGEND_NOTE ? 0 : item->kind == LEGEND_STATE || item->kind == LEGEND_TASK
                    ? swatch : m->line * 5;
      double w = mark + (mark > 0 ? 6 : 0) + text_width (self, item->text);

      if (x > m->pad && x + w > width - m->pad)
        {
          row++;
          x = m->pad;
        }
      item->x = x;
      item->row = row;
      x += w + gap;
    }
  return row + 1;
}

static guint
legend_rows (JgSwimlanePainter *self,
             const Metrics     *m,
             double             width,
             gboolean           has_gil)
{
  g_autoptr (GArray) items = NULL;
  LegendKey key = { TRUE, width, self->theme, self->view, has_gil, self->t0, self->t1,
                    self->lod != NULL ? jg_lod_get_generation (self->lod) : 0 };
  guint rows;

  if (self->legend_key.valid
      && key.width == self->legend_key.width && key.theme == self->legend_key.theme
      && key.view == self->legend_key.view && key.has_gil == self->legend_key.has_gil
      && key.t0 == self->legend_key.t0 && key.t1 == self->legend_key.t1
      && key.generation == self->legend_key.generation)
    return self->legend_rows;

  items = g_array_new (FALSE, FALSE, sizeof (LegendItem));

  g_array_set_clear_func (items, legend_item_clear);
  /* Measured as the last frame was drawn (or as on an image, before one). */
  set_font (self, m, m->font, FALSE);
  rows = legend_build (self, m, width, has_gil, items);
  self->legend_key = key;
  self->legend_rows = rows;
  return rows;
}

static void
draw_mark (cairo_t      *cr,
           LegendKind    kind,
           const Layout *layout,
           double        x,
           double        y,
           double        h)
{
  double mark = layout->m.line * 5;

  if (kind == LEGEND_DROP)
    {
      cairo_move_to (cr, x, y + h / 2 - mark / 2);
      cairo_line_to (cr, x + mark, y + h / 2 - mark / 2);
      cairo_line_to (cr, x + mark / 2, y + h / 2 + mark / 2);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
  else
    {
      cairo_set_line_width (cr, layout->m.line);
      cairo_move_to (cr, x + mark / 2, y);
      cairo_line_to (cr, x + mark / 2, y + h);
      cairo_move_to (cr, x, y + h - mark / 2);
      cairo_line_to (cr, x + mark / 2, y + h);
      cairo_line_to (cr, x + mark, y + h - mark / 2);
      cairo_stroke (cr);
    }
}

static void
draw_legend (JgSwimlanePainter *self,
             cairo_t           *cr,
             const Layout      *layout,
             const Paint       *paints,
             double             scale)
{
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (LegendItem));
  const Colors *colors = painter_colors (self);
  double h = layout->m.lane_h * 0.8;
  double w = h * 1.6;

  g_array_set_clear_func (items, legend_item_clear);
  set_font (self, &layout->m, layout->m.font, FALSE);
  legend_build (self, &layout->m, layout->width, layout->n_gil > 0, items);

  for (guint i = 0; i < items->len; i++)
    {
      const LegendItem *item = &g_array_index (items, LegendItem, i);
      double y = item->row * layout->m.legend_h + round ((layout->m.legend_h - h) / 2);
      double x = item->x;

      switch (item->kind)
        {
        case LEGEND_STATE:
          draw_swatch (cr, paints, scale, x, y, w, h, item->value, -1);
          x += w + 6;
          break;
        case LEGEND_TASK:
          draw_swatch (cr, paints, scale, x, y, w, h, JG_STATE_RUNNING, jg_lod_task_class (item->value));
          x += w + 6;
          break;
        case LEGEND_DROP:
        case LEGEND_HANDOFF:
          jg_rgba_set_source (cr, &colors->fg);
          draw_mark (cr, item->kind, layout, x, y, h);
          x += layout->m.line * 5 + 6;
          break;
        case LEGEND_NOTE:
        default:
          break;
        }
      jg_rgba_set_source (cr, item->kind == LEGEND_NOTE ? &colors->dim : &colors->fg);
      draw_text (self, cr, item->text, x, y + h / 2, layout->width - x);
    }
}

static void
draw_axis (JgSwimlanePainter *self,
           cairo_t           *cr,
           const Layout      *layout,
           GArray            *ticks,
           guint64            step)
{
  const Colors *colors = painter_colors (self);
  double base = layout->axis_y + layout->m.axis_h;
  double tick_len = layout->m.axis_h / 4;

  jg_rgba_set_source (cr, &colors->dim);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, layout->plot_x, base - 0.5);
  cairo_line_to (cr, layout->plot_x + layout->plot_w, base - 0.5);
  for (guint i = 0; i < ticks->len; i++)
    {
      double x = floor (g_array_index (ticks, Tick, i).x) + 0.5;

      cairo_move_to (cr, x, base);
      cairo_line_to (cr, x, base - tick_len);
    }
  cairo_stroke (cr);

  set_font (self, &layout->m, layout->m.font, FALSE);
  jg_rgba_set_source (cr, &colors->fg);
  for (guint i = 0; i < ticks->len; i++)
    {
      const Tick *tick = &g_array_index (ticks, Tick, i);
      g_autofree char *label = format_tick (tick->ts, step, self->t1);
      double w = text_width (self, label);
      double x = CLAMP (tick->x - w / 2, layout->plot_x, layout->width - w);

      draw_text (self, cr, label, x, layout->axis_y + (layout->m.axis_h - tick_len) / 2, w + 1);
    }
}

static void
draw_names (JgSwimlanePainter *self,
            cairo_t           *cr,
            const Layout      *layout,
            const Paint       *paints,
            double             scale)
{
  const Colors *colors = painter_colors (self);
  double pad = layout->m.pad;
  double name_w = layout->m.label_w - 2 * pad;
  double h = layout->m.lane_h;
  const JgMachineInfo *machine = jg_trace_get_machine (self->trace);

  /* The counters strip: its two curves, and its scale. */
  {
    double y = layout->counters_y;
    double row = layout->m.counters_h / 2;
    double sw = layout->m.font;
    g_autofree char *top = g_strdup_printf ("%.0f", self->counters_max);

    set_font (self, &layout->m, layout->m.font, FALSE);
    jg_rgba_set_source (cr, &paints[PAINT_CONCURRENCY].color);
    cairo_rectangle (cr, pad, y + row / 2 - sw / 2, sw, sw);
    cairo_fill (cr);
    jg_rgba_set_source (cr, &colors->fg);
    draw_text (self, cr, _("In flight"), pad + sw + 6, y + row / 2, name_w - sw - 6);
    jg_rgba_set_source (cr, &paints[PAINT_PARALLELISM].color);
    cairo_rectangle (cr, pad, y + row * 1.5 - sw / 2, sw, sw);
    cairo_fill (cr);
    jg_rgba_set_source (cr, &colors->fg);
    draw_text (self, cr, _("Running"), pad + sw + 6, y + row * 1.5, name_w - sw - 6);

    set_font (self, &layout->m, layout->m.small_font, FALSE);
    jg_rgba_set_source (cr, &colors->dim);
    draw_text (self, cr, top, layout->plot_x + 3, y + layout->m.small_font * 0.7, 100);
    if (machine != NULL && machine->n_cores > 0 && machine->n_cores <= self->counters_max)
      {
        g_autofree char *cores = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u core", "%u cores",
                                                              machine->n_cores),
                                                  machine->n_cores);
        double cy = y + layout->m.counters_h * (1 - machine->n_cores / self->counters_max);
        double w = text_width (self, cores);

        draw_text (self, cr, cores, layout->plot_x + layout->plot_w - w - 3,
                   cy - layout->m.small_font * 0.7, w + 1);
      }
  }

  set_font (self, &layout->m, layout->m.font, TRUE);
  for (guint g = 0; g < layout->n_gil; g++)
    {
      g_autofree char *name = layout->n_gil == 1 ? g_strdup (_("GIL"))
                              /* Translators: the GIL of one interpreter */
                              : g_strdup_printf (_("GIL %u"), jg_lod_get_gil_interp (self->lod, g));

      jg_rgba_set_source (cr, &colors->fg);
      draw_text (self, cr, name, pad, layout->gil_y + g * layout->row_h + h / 2, name_w);
    }

  cairo_save (cr);
  cairo_rectangle (cr, 0, layout->lanes_y, layout->plot_x, layout->height - layout->lanes_y);
  cairo_clip (cr);
  for (guint row = 0; row < layout->n_rows; row++)
    {
      double y = row_y (self, layout, row);
      g_autofree char *name = NULL;
      double x = pad;
      gboolean selected = self->view == JG_SWIMLANE_VIEW_TASKS && row == self->selected_task;

      if (y + h <= layout->lanes_y)
        continue;
      if (y >= layout->height)
        break;
      name = row_name (self, row);
      set_font (self, &layout->m, layout->m.font, selected);
      /* A chip of the task's colour, to find it in the GIL and core lanes. */
      if (self->view == JG_SWIMLANE_VIEW_TASKS)
        {
          double chip = round (h * 0.45);

          jg_rgba_set_source (cr, &paints[PAINT_TASK_0 + jg_lod_task_class (row)].color);
          cairo_rectangle (cr, x, round (y + (h - chip) / 2), chip, chip);
          cairo_fill (cr);
          x += chip + 6;
        }
      jg_rgba_set_source (cr, &colors->fg);
      draw_text (self, cr, name, x, y + h / 2, layout->m.label_w - x - pad);
    }
  cairo_restore (cr);
}

/* Where the selected task ran: a bar over its running spans on each core, when
 * few enough of them are in view to be told apart. */
static void
draw_selected_on_cores (JgSwimlanePainter *self,
                        cairo_t           *cr,
                        const Layout      *layout)
{
  JgSpans *spans = jg_lod_get_spans (self->lod);
  guint n, first, last;
  const JgSpan *task_spans = jg_spans_get_task_spans (spans, self->selected_task, &n);
  guint n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_CORE);
  double bar = MAX (2, round (layout->m.lane_h / 6));
  JgRgba accent = painter_colors (self)->selection;

  first = jg_spans_find_task_span (spans, self->selected_task, self->t0);
  last = jg_spans_find_task_span (spans, self->selected_task, self->t1);
  if (last - first > 4 * layout->plot_w)
    return;

  for (guint i = first; i < MIN (last + 1, n); i++)
    {
      const JgSpan *span = &task_spans[i];
      guint row;
      double x0, x1, y;

      if (span->state != JG_STATE_RUNNING || span->start >= self->t1)
        continue;
      row = span->cpu >= 0 && (guint) span->cpu < n_rows && jg_lod_get_core_cpu (self->lod, span->cpu) == span->cpu
            ? (guint) span->cpu : n_rows - 1;
      x0 = MAX (layout->plot_x, floor (x_for (self, layout, span->start)));
      x1 = MIN (layout->plot_x + layout->plot_w, MAX (x0 + 1, ceil (x_for (self, layout, span->end))));
      y = row_y (self, layout, row) - bar;
      cairo_rectangle (cr, x0, y, x1 - x0, bar);
    }
  accent.a = 1;
  jg_rgba_set_source (cr, &accent);
  cairo_fill (cr);
}

/* A highlighted row: a tint behind its name, and lines along its edges, so
 * the lane's own colours stay true. */
static void
highlight_row (JgSwimlanePainter *self,
               cairo_t           *cr,
               const Layout      *layout,
               guint              row,
               const JgRgba      *tint,
               const JgRgba      *edge)
{
  double top = row_y (self, layout, row) - layout->m.lane_gap / 2;
  double line = MAX (1, round (layout->m.line));

  jg_rgba_set_source (cr, tint);
  cairo_rectangle (cr, 0, top, layout->plot_x, layout->row_h);
  cairo_fill (cr);
  if (edge != NULL)
    {
      jg_rgba_set_source (cr, edge);
      cairo_rectangle (cr, 0, top, layout->width, line);
      cairo_rectangle (cr, 0, top + layout->row_h - line, layout->width, line);
      cairo_fill (cr);
    }
}

static void
draw_overlays (JgSwimlanePainter *self,
               cairo_t           *cr,
               const Layout      *layout)
{
  const Colors *colors = painter_colors (self);
  JgRgba edge = colors->selection;

  edge.a = 1;
  cairo_save (cr);
  cairo_rectangle (cr, 0, layout->lanes_y, layout->width, layout->height - layout->lanes_y);
  cairo_clip (cr);

  if (self->selected_task != JG_LANE_NONE && self->lod != NULL)
    {
      if (self->view == JG_SWIMLANE_VIEW_TASKS && self->selected_task < layout->n_rows)
        highlight_row (self, cr, layout, self->selected_task, &colors->selection, &edge);
      else if (self->view == JG_SWIMLANE_VIEW_WORKERS)
        {
          guint n;
          const JgSpan *spans = jg_spans_get_task_spans (jg_lod_get_spans (self->lod), self->selected_task, &n);
          guint32 last = JG_LANE_NONE;

          /* The workers it ran on (a task seldom moves: its first spans tell). */
          for (guint i = 0; i < MIN (n, 256); i++)
            {
              if (spans[i].worker < layout->n_rows && spans[i].worker != last)
                highlight_row (self, cr, layout, spans[i].worker, &colors->selection, &edge);
              last = spans[i].worker;
            }
        }
      else if (self->view == JG_SWIMLANE_VIEW_CORES)
        draw_selected_on_cores (self, cr, layout);
    }

  if (self->hovering && self->hover_y >= layout->lanes_y)
    {
      double offset = self->hover_y - layout->lanes_y + self->scroll;
      guint row = (guint) floor (offset / layout->row_h);

      if (offset >= 0 && row < layout->n_rows)
        highlight_row (self, cr, layout, row, &colors->hover, NULL);
    }
  cairo_restore (cr);

  if (self->hovering && self->hover_x >= layout->plot_x && self->hover_x < layout->plot_x + layout->plot_w
      && self->hover_y >= layout->counters_y)
    {
      JgRgba line = colors->fg;

      line.a = 0.55;
      jg_rgba_set_source (cr, &line);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, floor (self->hover_x) + 0.5, layout->counters_y);
      cairo_line_to (cr, floor (self->hover_x) + 0.5, layout->height);
      cairo_stroke (cr);
    }
}

/* Drawing */

static gboolean
layer_key_equal (const LayerKey *a,
                 const LayerKey *b)
{
  return a->valid && b->valid
      && a->lod == b->lod && a->generation == b->generation
      && a->t0 == b->t0 && a->t1 == b->t1
      && a->width == b->width && a->height == b->height
      && a->scale == b->scale && a->scroll == b->scroll
      && a->view == b->view && a->theme == b->theme
      && a->horizon == b->horizon;
}

void
jg_swimlane_painter_draw (JgSwimlanePainter *self,
                          cairo_t           *cr)
{
  Layout layout;
  Paint paints[N_PAINTS];
  g_autoptr (GArray) ticks = NULL;
  const Colors *colors;
  double scale;
  guint64 step;
  int dw, dh;
  gboolean vector;
  LayerKey key;

  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (cr != NULL);

  if (self->width < 1 || self->height < 1)
    return;

  compute_layout (self, &layout);
  colors = painter_colors (self);
  make_paints (colors, paints);
  scale = target_scale (self, cr);
  vector = self->prefer_vector || target_wants_vectors (cr);
  ticks = compute_ticks (self, &layout, scale, &step);
  /* Spans narrower than a short name get no label. */
  self->label_ns = (guint64) (layout.m.small_font * 5 / layout.plot_w * (double) (self->t1 - self->t0));
  dw = (int) lround (layout.plot_w * scale);
  dh = (int) lround ((layout.height - layout.counters_y) * scale);
  /* Text follows this target's transform and font options. */
  jg_text_update (self->text, cr);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, layout.width, layout.height);
  cairo_clip (cr);

  /* The background the layer does not cover. */
  jg_rgba_set_source (cr, &colors->bg);
  cairo_rectangle (cr, 0, 0, layout.width, layout.counters_y);
  cairo_rectangle (cr, 0, layout.counters_y, layout.plot_x, layout.height - layout.counters_y);
  cairo_rectangle (cr, layout.plot_x + layout.plot_w, layout.counters_y,
                   layout.width - layout.plot_x - layout.plot_w, layout.height - layout.counters_y);
  cairo_fill (cr);

  key = (LayerKey) { TRUE, self->lod, self->lod != NULL ? jg_lod_get_generation (self->lod) : 0,
                     self->t0, self->t1, dw, dh, scale, self->scroll, self->view, self->theme,
                     self->horizon };

  if (dw > 0 && dh > 0)
    {
      Layer layer;

      if (vector)
        {
          layer_init_vector (&layer, paints);
          layer.width = dw;
          layer.height = dh;
          layer.period = MAX (3, (int) lround (6 * scale));
          layer.thick = MAX (1, (int) lround (2 * scale));
          draw_layer (self, &layer, &layout, ticks, scale);
          self->key.valid = FALSE;

          cairo_save (cr);
          cairo_translate (cr, layout.plot_x, layout.counters_y);
          cairo_scale (cr, 1 / scale, 1 / scale);
          layer_flush_vector (&layer, cr);
          cairo_restore (cr);
          layer_clear (&layer);
        }
      else
        {
          cairo_pattern_t *pattern;
          cairo_matrix_t matrix;

          if (!layer_key_equal (&key, &self->key))
            {
              if (self->raster == NULL
                  || cairo_image_surface_get_width (self->raster) != dw
                  || cairo_image_surface_get_height (self->raster) != dh)
                {
                  g_clear_pointer (&self->raster, cairo_surface_destroy);
                  /* Opaque: painting it is a copy. */
                  self->raster = cairo_image_surface_create (CAIRO_FORMAT_RGB24, dw, dh);
                }
              memset (&layer, 0, sizeof layer);
              layer.paints = paints;
              cairo_surface_flush (self->raster);
              layer.pixels = (guint32 *) cairo_image_surface_get_data (self->raster);
              layer.stride = cairo_image_surface_get_stride (self->raster) / 4;
              layer.width = dw;
              layer.height = dh;
              layer.period = MAX (3, (int) lround (6 * scale));
              layer.thick = MAX (1, (int) lround (2 * scale));
              draw_layer (self, &layer, &layout, ticks, scale);
              cairo_surface_mark_dirty (self->raster);
              self->key = key;
            }

          /* Pixels of the layer land on device pixels one to one. */
          pattern = cairo_pattern_create_for_surface (self->raster);
          cairo_matrix_init_scale (&matrix, scale, scale);
          cairo_matrix_translate (&matrix, -layout.plot_x, -layout.counters_y);
          cairo_pattern_set_matrix (pattern, &matrix);
          cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
          cairo_set_source (cr, pattern);
          cairo_rectangle (cr, layout.plot_x, layout.counters_y, (double) dw / scale, (double) dh / scale);
          cairo_fill (cr);
          cairo_pattern_destroy (pattern);
        }
    }

  if (self->lod != NULL && self->trace != NULL)
    {
      draw_gil_marks (self, cr, &layout, scale);
      draw_span_labels (self, cr, &layout);
      draw_names (self, cr, &layout, paints, scale);
    }
  draw_axis (self, cr, &layout, ticks, step);
  draw_legend (self, cr, &layout, paints, scale);
  draw_overlays (self, cr, &layout);

  cairo_restore (cr);
}

void
jg_swimlane_painter_invalidate (JgSwimlanePainter *self)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->key.valid = FALSE;
}

/* Hit testing */

typedef struct
{
  guint64   ts;
  JgLodItem best;
  guint64   distance;
  gboolean  found;
  guint     visited;
} HitSearch;

static guint64
item_distance (const JgLodItem *item,
               guint64          ts)
{
  if (ts < item->start)
    return item->start - ts;
  if (ts >= item->end)
    return ts - item->end + 1;
  return 0;
}

static gboolean
consider_hit (const JgLodItem *item,
              gpointer         user_data)
{
  HitSearch *search = user_data;
  guint64 distance = item_distance (item, search->ts);

  /* Nearest first; at equal distance Running wins, so a burst narrower than a
   * pixel can be pointed at. */
  if (!search->found || distance < search->distance
      || (distance == search->distance && item->state == JG_STATE_RUNNING
          && search->best.state != JG_STATE_RUNNING))
    {
      search->best = *item;
      search->distance = distance;
      search->found = TRUE;
    }
  return ++search->visited < 100000;
}

gboolean
jg_swimlane_painter_hit_test (JgSwimlanePainter *self,
                              double             x,
                              double             y,
                              JgSwimlaneHit     *hit)
{
  Layout layout;
  HitSearch search = { 0 };
  guint64 tolerance;
  double offset;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), FALSE);
  g_return_val_if_fail (hit != NULL, FALSE);

  memset (hit, 0, sizeof *hit);
  hit->task = JG_LANE_NONE;
  hit->worker = JG_LANE_NONE;
  hit->cpu = -1;
  if (x < 0 || y < 0 || x >= self->width || y >= self->height)
    return FALSE;

  compute_layout (self, &layout);
  hit->ts = jg_swimlane_painter_time_for_x (self, x);
  hit->on_label = x < layout.plot_x;

  if (y < layout.axis_y)
    hit->region = JG_SWIMLANE_REGION_LEGEND;
  else if (y < layout.counters_y)
    hit->region = JG_SWIMLANE_REGION_AXIS;
  else if (y < layout.counters_y + layout.m.counters_h)
    hit->region = JG_SWIMLANE_REGION_COUNTERS;
  else if (y >= layout.gil_y && y < layout.gil_y + layout.n_gil * layout.row_h)
    {
      hit->region = JG_SWIMLANE_REGION_GIL;
      hit->lane_kind = JG_LOD_LANE_GIL;
      hit->lane = (guint) ((y - layout.gil_y) / layout.row_h);
    }
  else if (y >= layout.lanes_y && (offset = y - layout.lanes_y + self->scroll) >= 0
           && offset < layout.n_rows * layout.row_h)
    {
      hit->region = JG_SWIMLANE_REGION_LANE;
      hit->lane_kind = jg_swimlane_view_lane_kind (self->view);
      hit->lane = (guint) (offset / layout.row_h);
    }
  else
    return FALSE;

  if (self->lod == NULL || hit->on_label || self->t1 <= self->t0)
    return TRUE;

  if (hit->region == JG_SWIMLANE_REGION_COUNTERS)
    {
      guint64 a = hit->ts, b;
      double scale = MAX (self->scale_factor, 1);
      guint64 per_px = MAX (1, (guint64) ((self->t1 - self->t0) / (layout.plot_w * scale)));

      b = a + per_px;
      jg_lod_query_counters (self->lod, a, b, 1, &hit->concurrency, &hit->parallelism);
      return TRUE;
    }
  if (hit->region != JG_SWIMLANE_REGION_GIL && hit->region != JG_SWIMLANE_REGION_LANE)
    return TRUE;

  /* A few pixels either side, so the thinnest span can be hovered. */
  tolerance = (guint64) (3.0 * (self->t1 - self->t0) / layout.plot_w);
  search.ts = hit->ts;
  jg_lod_foreach (self->lod, hit->lane_kind, hit->lane,
                  hit->ts > tolerance ? hit->ts - tolerance : 0, hit->ts + tolerance + 1,
                  consider_hit, &search);
  if (!search.found)
    return TRUE;

  hit->has_span = TRUE;
  hit->task = search.best.task;
  hit->span = search.best.index;
  hit->open = search.best.open;
  hit->start = search.best.start;
  hit->duration = search.best.end - search.best.start;
  if (hit->lane_kind == JG_LOD_LANE_GIL)
    {
      guint n;
      const JgGilSpan *span = jg_spans_get_gil_spans (jg_lod_get_spans (self->lod), &n) + search.best.index;

      hit->state = JG_STATE_RUNNING;
      hit->reason = span->drop_reason;
      hit->cpu = span->cpu;
    }
  else
    {
      guint n;
      const JgSpan *span = jg_spans_get_task_spans (jg_lod_get_spans (self->lod), search.best.task, &n)
                           + search.best.index;

      hit->state = span->state;
      hit->reason = span->reason;
      hit->cpu = span->cpu;
      hit->worker = span->worker;
    }
  return TRUE;
}

double
jg_swimlane_painter_x_for_time (JgSwimlanePainter *self,
                                guint64            ts)
{
  Layout layout;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);

  compute_layout (self, &layout);
  if (self->t1 <= self->t0)
    return layout.plot_x;
  return layout.plot_x + ((double) ts - (double) self->t0) / (double) (self->t1 - self->t0) * layout.plot_w;
}

guint64
jg_swimlane_painter_time_for_x (JgSwimlanePainter *self,
                                double             x)
{
  Layout layout;
  double t;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);

  compute_layout (self, &layout);
  t = (double) self->t0 + (x - layout.plot_x) / layout.plot_w * (double) (self->t1 - self->t0);
  return t <= 0 ? 0 : (guint64) t;
}

void
jg_swimlane_painter_get_plot_bounds (JgSwimlanePainter *self,
                                     double            *x0,
                                     double            *x1)
{
  Layout layout;

  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  compute_layout (self, &layout);
  if (x0 != NULL)
    *x0 = layout.plot_x;
  if (x1 != NULL)
    *x1 = layout.plot_x + layout.plot_w;
}

gboolean
jg_swimlane_painter_get_row (JgSwimlanePainter *self,
                             JgSwimlaneRegion   region,
                             guint              index,
                             double            *y,
                             double            *height)
{
  Layout layout;
  double top, h;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), FALSE);

  compute_layout (self, &layout);
  switch (region)
    {
    case JG_SWIMLANE_REGION_COUNTERS:
      if (index > 0)
        return FALSE;
      top = layout.counters_y;
      h = layout.m.counters_h;
      break;
    case JG_SWIMLANE_REGION_GIL:
      if (index >= layout.n_gil)
        return FALSE;
      top = layout.gil_y + index * layout.row_h;
      h = layout.m.lane_h;
      break;
    case JG_SWIMLANE_REGION_LANE:
      if (index >= layout.n_rows)
        return FALSE;
      top = row_y (self, &layout, index);
      h = layout.m.lane_h;
      break;
    case JG_SWIMLANE_REGION_NONE:
    case JG_SWIMLANE_REGION_LEGEND:
    case JG_SWIMLANE_REGION_AXIS:
    default:
      return FALSE;
    }
  if (y != NULL)
    *y = top;
  if (height != NULL)
    *height = h;
  return TRUE;
}

/* Properties and life cycle */

JgSwimlanePainter *
jg_swimlane_painter_new (void)
{
  return g_object_new (JG_TYPE_SWIMLANE_PAINTER, NULL);
}

void
jg_swimlane_painter_set_source (JgSwimlanePainter *self,
                                JgTrace           *trace,
                                JgLod             *lod)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (trace == NULL || JG_IS_TRACE (trace));

  g_set_object (&self->trace, trace);
  self->lod = lod;
  self->key.valid = FALSE;
  self->legend_key.valid = FALSE;
}

void
jg_swimlane_painter_set_view (JgSwimlanePainter *self,
                              JgSwimlaneView     view)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (view < JG_SWIMLANE_N_VIEWS);

  if (self->view == view)
    return;
  self->view = view;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

JgSwimlaneView
jg_swimlane_painter_get_view (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), JG_SWIMLANE_VIEW_TASKS);
  return self->view;
}

void
jg_swimlane_painter_set_theme (JgSwimlanePainter *self,
                               JgSwimlaneTheme    theme)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (theme < JG_SWIMLANE_N_THEMES);

  if (self->theme == theme)
    return;
  self->theme = theme;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THEME]);
}

JgSwimlaneTheme
jg_swimlane_painter_get_theme (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), JG_SWIMLANE_THEME_LIGHT);
  return self->theme;
}

void
jg_swimlane_painter_set_window (JgSwimlanePainter *self,
                                guint64            t0,
                                guint64            t1)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->t0 = t0;
  self->t1 = MAX (t1, t0 + 1);
}

void
jg_swimlane_painter_get_window (JgSwimlanePainter *self,
                                guint64           *t0,
                                guint64           *t1)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  if (t0 != NULL)
    *t0 = self->t0;
  if (t1 != NULL)
    *t1 = self->t1;
}

void
jg_swimlane_painter_set_size (JgSwimlanePainter *self,
                              double             width,
                              double             height)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->width = MAX (0, width);
  self->height = MAX (0, height);
}

void
jg_swimlane_painter_set_scale_factor (JgSwimlanePainter *self,
                                      double             scale_factor)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (scale_factor > 0);

  if (self->scale_factor == scale_factor)
    return;
  self->scale_factor = scale_factor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_FACTOR]);
}

double
jg_swimlane_painter_get_scale_factor (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 1);
  return self->scale_factor;
}

void
jg_swimlane_painter_set_scroll (JgSwimlanePainter *self,
                                double             scroll)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  /* Whole pixels keep the layer's rows on device pixels. */
  self->scroll = MAX (0, round (scroll));
}

double
jg_swimlane_painter_get_scroll (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);
  return self->scroll;
}

double
jg_swimlane_painter_get_lanes_height (JgSwimlanePainter *self)
{
  Layout layout;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);

  compute_layout (self, &layout);
  return layout.n_rows * layout.row_h;
}

double
jg_swimlane_painter_get_lanes_viewport (JgSwimlanePainter *self)
{
  Layout layout;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);

  compute_layout (self, &layout);
  return MAX (0, layout.height - layout.lanes_y);
}

void
jg_swimlane_painter_set_selected_task (JgSwimlanePainter *self,
                                       guint32            task)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  if (self->selected_task == task)
    return;
  self->selected_task = task;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TASK]);
}

guint32
jg_swimlane_painter_get_selected_task (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), JG_LANE_NONE);
  return self->selected_task;
}

void
jg_swimlane_painter_set_hover (JgSwimlanePainter *self,
                               double             x,
                               double             y)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
}

void
jg_swimlane_painter_clear_hover (JgSwimlanePainter *self)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->hovering = FALSE;
}

void
jg_swimlane_painter_set_prefer_vector (JgSwimlanePainter *self,
                                       gboolean           prefer_vector)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->prefer_vector = !!prefer_vector;
}

void
jg_swimlane_painter_set_horizon (JgSwimlanePainter *self,
                                 guint64            horizon)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  self->horizon = horizon;
}

guint64
jg_swimlane_painter_get_horizon (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), G_MAXUINT64);

  return self->horizon;
}

void
jg_swimlane_painter_set_high_contrast (JgSwimlanePainter *self,
                                       gboolean           high_contrast)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));

  high_contrast = !!high_contrast;
  if (self->high_contrast == high_contrast)
    return;

  self->high_contrast = high_contrast;
  self->key.valid = FALSE;
}

gboolean
jg_swimlane_painter_get_high_contrast (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), FALSE);

  return self->high_contrast;
}

void
jg_swimlane_painter_set_text_scale (JgSwimlanePainter *self,
                                    double             text_scale)
{
  g_return_if_fail (JG_IS_SWIMLANE_PAINTER (self));
  g_return_if_fail (text_scale > 0);

  /* Beyond three times, the names would leave no room for time. */
  text_scale = CLAMP (text_scale, 0.5, 3.0);
  if (self->text_scale == text_scale)
    return;

  self->text_scale = text_scale;
  self->key.valid = FALSE;
  self->legend_key.valid = FALSE;
}

double
jg_swimlane_painter_get_text_scale (JgSwimlanePainter *self)
{
  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 1);

  return self->text_scale;
}

char *
jg_swimlane_painter_get_row_name (JgSwimlanePainter *self,
                                  guint              row)
{
  Layout layout;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), NULL);

  if (self->trace == NULL || self->lod == NULL)
    return NULL;
  compute_layout (self, &layout);
  if (row >= layout.n_rows)
    return NULL;

  return row_name (self, row);
}

guint
jg_swimlane_painter_get_n_rows (JgSwimlanePainter *self)
{
  Layout layout;

  g_return_val_if_fail (JG_IS_SWIMLANE_PAINTER (self), 0);

  compute_layout (self, &layout);
  return layout.n_rows;
}

static void
jg_swimlane_painter_finalize (GObject *object)
{
  JgSwimlanePainter *self = JG_SWIMLANE_PAINTER (object);

  g_clear_object (&self->trace);
  g_clear_pointer (&self->raster, cairo_surface_destroy);
  g_clear_pointer (&self->text, jg_text_free);
  g_clear_pointer (&self->labels, g_array_unref);
  g_clear_pointer (&self->handoffs, g_array_unref);
  g_clear_pointer (&self->drops, g_array_unref);
  g_free (self->columns);
  g_free (self->cells);
  g_free (self->edges);
  g_free (self->values);
  g_free (self->values2);

  G_OBJECT_CLASS (jg_swimlane_painter_parent_class)->finalize (object);
}

static void
jg_swimlane_painter_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  JgSwimlanePainter *self = JG_SWIMLANE_PAINTER (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_enum (value, self->view);
      break;
    case PROP_THEME:
      g_value_set_enum (value, self->theme);
      break;
    case PROP_SELECTED_TASK:
      g_value_set_uint (value, self->selected_task);
      break;
    case PROP_SCALE_FACTOR:
      g_value_set_double (value, self->scale_factor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_swimlane_painter_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  JgSwimlanePainter *self = JG_SWIMLANE_PAINTER (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      jg_swimlane_painter_set_view (self, g_value_get_enum (value));
      break;
    case PROP_THEME:
      jg_swimlane_painter_set_theme (self, g_value_get_enum (value));
      break;
    case PROP_SELECTED_TASK:
      jg_swimlane_painter_set_selected_task (self, g_value_get_uint (value));
      break;
    case PROP_SCALE_FACTOR:
      jg_swimlane_painter_set_scale_factor (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_swimlane_painter_class_init (JgSwimlanePainterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_swimlane_painter_finalize;
  object_class->get_property = jg_swimlane_painter_get_property;
  object_class->set_property = jg_swimlane_painter_set_property;

  properties[PROP_VIEW] =
    g_param_spec_enum ("view", NULL, NULL,
                       JG_TYPE_SWIMLANE_VIEW, JG_SWIMLANE_VIEW_TASKS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THEME] =
    g_param_spec_enum ("theme", NULL, NULL,
                       JG_TYPE_SWIMLANE_THEME, JG_SWIMLANE_THEME_LIGHT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_TASK] =
    g_param_spec_uint ("selected-task", NULL, NULL,
                       0, G_MAXUINT32, JG_LANE_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE_FACTOR] =
    g_param_spec_double ("scale-factor", NULL, NULL,
                         0.1, 16, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_swimlane_painter_init (JgSwimlanePainter *self)
{
  self->selected_task = JG_LANE_NONE;
  self->scale_factor = 1;
  self->text_scale = 1;
  self->t1 = 1;
  self->horizon = G_MAXUINT64;
  self->labels = g_array_new (FALSE, FALSE, sizeof (Label));
  self->handoffs = g_array_new (FALSE, FALSE, sizeof (Handoff));
  self->drops = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->text = jg_text_new ();
}
