/* test-picture.c: pictures of a known trace written as PNG, SVG and PDF, then
 * decoded: the Running span's pixel has the Running colour where the painter
 * says it is, the title and the figures are drawn, windows crop, themes show,
 * and a failed export leaves nothing behind. */
#define G_LOG_DOMAIN "test-picture"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "jg-metrics.h"
#include "jg-palette.h"
#include "jg-picture.h"
#include "jg-spans.h"
#include "jg-test-util.h"
#include "jg-trace.h"

#define MS G_GUINT64_CONSTANT (1000000)

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Two threads under one GIL:
 *
 *   Compute   Running 0–400 ms, waits for the GIL 400–500, Running 500–1000, ends.
 *   Download  waits for the GIL 0–400, Running 400–500, I/O 500–800, waits for
 *             the GIL 800–1000, Running 1000–1200, ends.
 */
static JgTrace *
make_trace (guint n_extra_tasks)
{
  JgTrace *trace = jg_trace_new ();
  JgRunInfo run = { "threads", 2, "gil", 5.0, NULL };
  JgMachineInfo machine = { 2, "Linux", "Test CPU", "host" };
  const JgEvent events[] = {
    { 0, 0, 0, JG_EVENT_TASK_BEGIN, 0, 0 },
    { 0, 0, 0, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
    { 0, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 0, 1, 1, JG_EVENT_TASK_BEGIN, 1, 0 },
    { 0, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL },
    { 400 * MS, 0, 0, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_INTERVAL) },
    { 400 * MS, 0, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL },
    { 400 * MS, 1, 1, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
    { 400 * MS, 1, 1, JG_EVENT_RUN, 1, 0 },
    { 500 * MS, 1, 1, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_IO) },
    { 500 * MS, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO },
    { 500 * MS, 0, 0, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0) },
    { 500 * MS, 0, 0, JG_EVENT_RUN, 0, 0 },
    { 800 * MS, 1, 1, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL },
    { 1000 * MS, 0, 0, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
    { 1000 * MS, 0, 0, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) },
    { 1000 * MS, 1, 1, JG_EVENT_GIL_TAKE, 1, JG_GIL_ARG (0, 0) },
    { 1000 * MS, 1, 1, JG_EVENT_RUN, 1, 0 },
    { 1200 * MS, 1, 1, JG_EVENT_GIL_DROP, 1, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED) },
    { 1200 * MS, 1, 1, JG_EVENT_TASK_END, 1, JG_END_ARG (JG_END_OK, 0) },
  };

  jg_trace_add_task (trace, "Compute", JG_LANE_NONE);
  jg_trace_add_task (trace, "Download", JG_LANE_NONE);
  jg_trace_add_worker (trace, "Thread 1", JG_WORKER_THREAD, 10);
  jg_trace_add_worker (trace, "Thread 2", JG_WORKER_THREAD, 10);
  jg_trace_set_scenario (trace, "convoy", "The convoy effect", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  jg_trace_append (trace, events, G_N_ELEMENTS (events));

  /* Idle tasks, for pictures with many lanes. */
  for (guint i = 0; i < n_extra_tasks; i++)
    {
      g_autofree char *name = g_strdup_printf ("Idle %u", i + 1);
      guint32 task = jg_trace_add_task (trace, name, JG_LANE_NONE);
      JgEvent begin = { 1100 * MS, task, 0, JG_EVENT_TASK_BEGIN, 0, 0 };
      JgEvent end = { 1150 * MS, task, 0, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) };

      jg_trace_append (trace, &begin, 1);
      jg_trace_append (trace, &end, 1);
    }

  jg_trace_set_end_ns (trace, 1200 * MS);
  jg_trace_finish (trace);
  return trace;
}

static JgPicture *
make_picture (void)
{
  g_autoptr (JgTrace) trace = make_trace (0);

  return jg_picture_new (trace);
}

static void
save (JgPicture       *picture,
      const char      *path,
      JgPictureFormat  format)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;

  g_assert_true (jg_picture_save (picture, file, format, NULL, &error));
  g_assert_no_error (error);
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

/* The pixel at (@x, @y) of a decoded image, 0xRRGGBB. */
static guint32
pixel_at (cairo_surface_t *surface,
          double           x,
          double           y)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  const guint8 *data;

  cairo_surface_flush (surface);
  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (iy, <, cairo_image_surface_get_height (surface));
  data = cairo_image_surface_get_data (surface);
  data += (gsize) iy * cairo_image_surface_get_stride (surface) + ix * 4;
  return *(const guint32 *) data & 0xffffff;
}

static guint32
rgb (JgRgba color)
{
  return (guint32) lround (color.r * 255) << 16 | (guint32) lround (color.g * 255) << 8
         | (guint32) lround (color.b * 255);
}

/* Within a few steps per channel: a rasteriser other than cairo may round
 * differently. */
static gboolean
near (guint32 a,
      guint32 b,
      int     tolerance)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) (a >> shift & 0xff) - (int) (b >> shift & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

static double
luminance (guint32 pixel)
{
  return (0.2126 * (pixel >> 16 & 0xff) + 0.7152 * (pixel >> 8 & 0xff) + 0.0722 * (pixel & 0xff)) / 255;
}

/* Where, in picture units, the middle of @lane's row is at @ts. */
static void
lane_point (JgPicture *picture,
            guint      lane,
            guint64    ts,
            double    *x,
            double    *y)
{
  JgSwimlanePainter *painter = jg_picture_get_painter (picture);
  JgPictureLayout layout;
  double row_y, row_h;

  jg_picture_get_layout (picture, &layout);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, lane, &row_y, &row_h));
  *x = layout.lanes.x + layout.zoom * jg_swimlane_painter_x_for_time (painter, ts);
  *y = layout.lanes.y + layout.zoom * (row_y + row_h / 2);
}

/* How many pixels of @rect (picture units, times @scale) are not @bg. */
static guint
count_not (cairo_surface_t         *surface,
           const cairo_rectangle_t *rect,
           double                   scale,
           guint32                  bg)
{
  int x0 = (int) ceil (rect->x * scale), x1 = (int) floor ((rect->x + rect->width) * scale);
  int y0 = (int) ceil (rect->y * scale), y1 = (int) floor ((rect->y + rect->height) * scale);
  guint n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += pixel_at (surface, x, y) != bg;
  return n;
}

/* Pixels of @color along the middle of @lane's row, across the plot. */
static guint
count_in_lane (JgPicture       *picture,
               cairo_surface_t *surface,
               guint            lane,
               guint32          color)
{
  JgSwimlanePainter *painter = jg_picture_get_painter (picture);
  JgPictureLayout layout;
  double x0, x1, y, h;
  guint n = 0;

  jg_picture_get_layout (picture, &layout);
  jg_swimlane_painter_get_plot_bounds (painter, &x0, &x1);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, lane, &y, &h));
  y = layout.lanes.y + layout.zoom * (y + h / 2);
  for (double x = layout.lanes.x + layout.zoom * x0; x < layout.lanes.x + layout.zoom * x1; x++)
    n += pixel_at (surface, x, y) == color;
  return n;
}

/* PNG: the Running span where the painter puts it, the waits beside it, the
 * title and the figures drawn. */
static void
test_png_pixels (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("light.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  guint32 gil_wait = rgb (jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE));
  cairo_surface_t *png;
  JgPictureLayout layout;
  double x, y;

  save (picture, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  jg_picture_get_layout (picture, &layout);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, JG_PICTURE_DEFAULT_WIDTH);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, layout.png_width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, layout.png_height);

  /* The parts follow each other down the picture. */
  g_assert_cmpfloat (layout.title.y + layout.title.height, <=, layout.lanes.y + 0.5);
  g_assert_cmpfloat (layout.lanes.y + layout.lanes.height, <=, layout.metrics.y + 0.5);
  g_assert_cmpfloat (fabs (layout.metrics.y + layout.metrics.height - layout.height), <, 0.5);
  g_assert_cmpuint (layout.hidden_lanes, ==, 0);

  /* Compute runs at 200 ms and 700 ms; Download waits for the GIL at 200 ms. */
  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  lane_point (picture, 0, 700 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  lane_point (picture, 1, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, gil_wait);
  lane_point (picture, 1, 450 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);

  /* The title has ink on white; the figures have ink on the band, the large
   * two a lot of it; the band's own colour shows where nothing is drawn. */
  g_assert_cmphex (pixel_at (png, 1, 1), ==, 0xffffff);
  g_assert_cmpuint (count_not (png, &layout.title, 1, 0xffffff), >, 500);
  g_assert_cmphex (pixel_at (png, layout.width - 2, layout.height - 2), ==, 0xf6f5f4);
  g_assert_cmpuint (count_not (png, &layout.metrics, 1, 0xf6f5f4), >, 2000);
  g_assert_cmpfloat (layout.concurrency.height, >, 60);
  g_assert_cmpfloat (layout.parallelism.x, >=, layout.concurrency.x + layout.concurrency.width);
  g_assert_cmpfloat (fabs (layout.parallelism.y - layout.concurrency.y), <, 0.5);
  g_assert_cmpuint (count_not (png, &layout.concurrency, 1, 0xf6f5f4), >, 800);
  g_assert_cmpuint (count_not (png, &layout.parallelism, 1, 0xf6f5f4), >, 800);

  cairo_surface_destroy (png);
}

/* The dark theme is dark, and Running keeps its colour. */
static void
test_png_dark (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("dark.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, TRUE));
  cairo_surface_t *png;
  JgPictureLayout layout;
  guint32 band;
  double x, y;

  jg_picture_set_theme (picture, JG_SWIMLANE_THEME_DARK);
  save (picture, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  jg_picture_get_layout (picture, &layout);

  g_assert_cmpfloat (luminance (pixel_at (png, 1, 1)), <, 0.2);
  g_assert_cmpfloat (luminance (pixel_at (png, layout.width - 2, layout.height - 2)), <, 0.2);
  /* Light text on the dark band. */
  band = pixel_at (png, layout.width - 2, layout.height - 2);
  g_assert_cmpuint (count_not (png, &layout.concurrency, 1, band), >, 800);
  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);

  cairo_surface_destroy (png);
}

/* The projector theme: larger type, so a taller picture, same colours. */
static void
test_png_projector (void)
{
  g_autoptr (JgPicture) light = make_picture ();
  g_autoptr (JgPicture) projector = make_picture ();
  g_autofree char *path = tmp_path ("projector.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  JgPictureLayout a, b;
  cairo_surface_t *png;
  double x, y;

  jg_picture_set_theme (projector, JG_SWIMLANE_THEME_PROJECTOR);
  jg_picture_get_layout (light, &a);
  jg_picture_get_layout (projector, &b);
  g_assert_cmpfloat (b.height, >, a.height * 1.4);
  g_assert_cmpfloat (b.concurrency.height, >, a.concurrency.height * 1.4);

  save (projector, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  lane_point (projector, 0, 700 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  cairo_surface_destroy (png);
}

/* --scale 2: twice the pixels, the same picture. */
static void
test_png_hidpi (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("hidpi.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  g_autoptr (GError) error = NULL;
  JgPictureLayout layout;
  cairo_surface_t *png;
  double x, y;

  g_assert_true (jg_picture_set_size (picture, 800, 0, &error));
  g_assert_true (jg_picture_set_scale (picture, 2, &error));
  g_assert_no_error (error);
  save (picture, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  jg_picture_get_layout (picture, &layout);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 1600);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, (int) ceil (layout.height * 2 - 1e-6));

  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, 2 * x, 2 * y), ==, running);
  lane_point (picture, 1, 1100 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, 2 * x, 2 * y), ==, running);
  cairo_surface_destroy (png);
}

/* A window shows only its part: Download does not run between 500 and
 * 1000 ms, so none of its lane is Running; the figures are the window's. */
static void
test_window_crops (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *whole_path = tmp_path ("whole.png");
  g_autofree char *window_path = tmp_path ("window.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  g_autoptr (GError) error = NULL;
  cairo_surface_t *png;
  JgPictureFigures figures;
  guint64 t0, t1;
  double x, y;

  save (picture, whole_path, JG_PICTURE_FORMAT_PNG);
  png = load_png (whole_path);
  g_assert_cmpuint (count_in_lane (picture, png, 1, running), >, 100);
  cairo_surface_destroy (png);

  g_assert_true (jg_picture_set_window (picture, 500 * MS, 1000 * MS, &error));
  g_assert_no_error (error);
  jg_picture_get_window (picture, &t0, &t1);
  g_assert_cmpuint (t0, ==, 500 * MS);
  g_assert_cmpuint (t1, ==, 1000 * MS);
  save (picture, window_path, JG_PICTURE_FORMAT_PNG);
  png = load_png (window_path);
  g_assert_cmpuint (count_in_lane (picture, png, 1, running), ==, 0);
  /* Compute runs all through it (its label, "CPU 0", is at the left). */
  lane_point (picture, 0, 750 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  lane_point (picture, 0, 990 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  cairo_surface_destroy (png);

  /* 450–950 ms: both tasks in flight; one running at a time (Download to
   * 500, Compute after); 50 ms of Compute and 150 ms of Download waiting for
   * the GIL; one hand-off, at 500 ms. */
  g_assert_true (jg_picture_set_window (picture, 450 * MS, 950 * MS, &error));
  jg_picture_get_figures (picture, &figures);
  g_assert_cmpuint (figures.wall_ns, ==, 500 * MS);
  g_assert_cmpfloat_with_epsilon (figures.concurrency, 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (figures.parallelism, 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (figures.core_utilisation, 0.5, 1e-6);
  g_assert_cmpuint (figures.gil_wait_ns, ==, 200 * MS);
  g_assert_cmpuint (figures.gil_handoffs, ==, 1);
  g_assert_cmpuint (figures.n_cores, ==, 2);
}

/* The whole run's figures are the run's metrics. */
static void
test_figures_whole_run (void)
{
  g_autoptr (JgTrace) trace = make_trace (0);
  g_autoptr (JgPicture) picture = jg_picture_new (trace);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  g_autofree JgMetrics *metrics = g_new0 (JgMetrics, 1);
  JgPictureFigures figures;

  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, G_MAXUINT64);
  jg_picture_get_figures (picture, &figures);
  g_assert_cmpuint (figures.wall_ns, ==, metrics->wall_ns);
  g_assert_cmpfloat_with_epsilon (figures.concurrency, metrics->concurrency, 1e-9);
  g_assert_cmpfloat_with_epsilon (figures.parallelism, metrics->parallelism, 1e-9);
  g_assert_cmpfloat_with_epsilon (figures.core_utilisation, metrics->core_utilisation, 1e-9);
  g_assert_cmpuint (figures.gil_handoffs, ==, metrics->gil_handoffs);
  g_assert_cmpuint (figures.gil_drop_requests, ==, metrics->gil_drop_requests);
  g_assert_cmpuint (figures.gil_wait_ns, ==, metrics->gil_wait_ns);
}

/* A frame of fixed size is filled: few lanes are zoomed in, many zoomed out
 * (the title and band keep their size), too many cut off and said so. */
static void
test_fit_frame (void)
{
  g_autoptr (JgPicture) few = make_picture ();
  g_autoptr (JgTrace) many_trace = make_trace (60);
  g_autoptr (JgPicture) many = jg_picture_new (many_trace);
  g_autoptr (JgTrace) lots_trace = make_trace (600);
  g_autoptr (JgPicture) lots = jg_picture_new (lots_trace);
  g_autofree char *path = tmp_path ("slide.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  JgPictureLayout layout;
  cairo_surface_t *png;
  double x, y;

  g_assert_true (jg_picture_set_size (few, 1920, 1080, NULL));
  jg_picture_get_layout (few, &layout);
  g_assert_cmpfloat (layout.width, ==, 1920);
  g_assert_cmpfloat (layout.height, ==, 1080);
  g_assert_cmpfloat (layout.zoom, >, 1.5);
  g_assert_cmpfloat (layout.text_zoom, ==, layout.zoom);
  g_assert_cmpfloat (layout.lanes.y + layout.lanes.height, <=, layout.metrics.y + 0.5);
  /* Filled: little is left between the lanes and the band. */
  g_assert_cmpfloat (layout.metrics.y - (layout.lanes.y + layout.lanes.height), <, 0.1 * layout.height);
  save (few, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 1920);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, 1080);
  lane_point (few, 1, 450 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  cairo_surface_destroy (png);

  g_assert_true (jg_picture_set_size (many, 1920, 1080, NULL));
  jg_picture_get_layout (many, &layout);
  g_assert_cmpfloat (layout.text_zoom, ==, 1);
  g_assert_cmpfloat (layout.zoom, <, 1);
  g_assert_cmpuint (layout.hidden_lanes, ==, 0);

  g_assert_true (jg_picture_set_size (lots, 1920, 1080, NULL));
  jg_picture_get_layout (lots, &layout);
  g_assert_cmpuint (layout.hidden_lanes, >, 0);
  g_assert_cmpfloat (layout.lanes.y + layout.lanes.height, <=, layout.metrics.y + 0.5);
}

/* A small handler for GMarkup: the root element and its size. */
typedef struct
{
  guint depth;
  char *root;
  char *width;
  char *height;
} SvgInfo;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgInfo *info = user_data;

  if (info->depth++ > 0)
    return;
  info->root = g_strdup (element);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "width"))
        info->width = g_strdup (values[i]);
      else if (g_str_equal (names[i], "height"))
        info->height = g_strdup (values[i]);
    }
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  ((SvgInfo *) user_data)->depth--;
}

/* SVG: well-formed XML with an <svg> root of the picture's size in points,
 * the lanes as filled paths, Running among their colours. */
static void
test_svg (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("picture.svg");
  g_autofree char *text = NULL;
  g_autofree char *height = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  SvgInfo info = { 0 };
  JgPictureLayout layout;
  gsize length;
  guint paths = 0;

  g_assert_true (jg_picture_set_size (picture, 1000, 0, NULL));
  save (picture, path, JG_PICTURE_FORMAT_SVG);
  jg_picture_get_layout (picture, &layout);
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));

  context = g_markup_parse_context_new (&parser, 0, &info, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, length, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.depth, ==, 0);
  g_assert_cmpstr (info.root, ==, "svg");
  g_assert_cmpstr (info.width, ==, "1000pt");
  height = g_strdup_printf ("%gpt", layout.height);
  g_assert_cmpstr (info.height, ==, height);

  for (const char *p = text; (p = strstr (p, "<path")) != NULL; p++)
    paths++;
  g_assert_cmpuint (paths, >, 20);
  /* #0173B2 as cairo writes it. */
  g_assert_nonnull (strstr (text, "fill:rgb(0.392157%,45.098039%,69.803922%)"));

  g_free (info.root);
  g_free (info.width);
  g_free (info.height);
}

/* PDF: a PDF document; rasterised by poppler, the Running span is where it
 * belongs. */
static void
test_pdf (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("picture.pdf");
  g_autofree char *prefix = tmp_path ("from-pdf");
  g_autofree char *png_path = tmp_path ("from-pdf.png");
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *text = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  JgPictureLayout layout;
  cairo_surface_t *png;
  gsize length;
  double x, y;

  save (picture, path, JG_PICTURE_FORMAT_PDF);
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  /* Finished: the trailer was written. */
  g_assert_cmpuint (length, >, 32);
  g_assert_nonnull (g_strstr_len (text + length - 32, 32, "%%EOF"));

  if (pdftoppm == NULL)
    {
      g_test_skip ("pdftoppm (poppler-utils) is not installed: the PDF is not rasterised");
      return;
    }

  /* At 72 dpi a point is a pixel. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              pdftoppm, "-png", "-r", "72", "-singlefile", path, prefix, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);

  png = load_png (png_path);
  jg_picture_get_layout (picture, &layout);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, (int) lround (layout.width));
  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_true (near (pixel_at (png, x, y), running, 3));
  lane_point (picture, 1, 450 * MS, &x, &y);
  g_assert_true (near (pixel_at (png, x, y), running, 3));
  lane_point (picture, 1, 200 * MS, &x, &y);
  g_assert_false (near (pixel_at (png, x, y), running, 30));
  g_assert_cmpfloat (luminance (pixel_at (png, 1, 1)), >, 0.95);
  cairo_surface_destroy (png);
}

/* Settings out of range are refused with a message and change nothing. */
static void
test_bad_settings (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autoptr (GError) error = NULL;
  guint64 t0, t1;

  g_assert_false (jg_picture_set_window (picture, 700 * MS, 700 * MS, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW);
  g_assert_nonnull (strstr (error->message, "start before it ends"));
  g_clear_error (&error);

  g_assert_false (jg_picture_set_window (picture, 800 * MS, 500 * MS, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW);
  g_clear_error (&error);

  g_assert_false (jg_picture_set_window (picture, 1000 * MS, 2000 * MS, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_WINDOW);
  g_assert_nonnull (strstr (error->message, "lasts 1.200 s"));
  g_clear_error (&error);

  jg_picture_get_window (picture, &t0, &t1);
  g_assert_cmpuint (t0, ==, 0);
  g_assert_cmpuint (t1, ==, 1200 * MS);

  g_assert_false (jg_picture_set_size (picture, 10, 0, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE);
  g_assert_nonnull (strstr (error->message, "width"));
  g_clear_error (&error);
  g_assert_false (jg_picture_set_size (picture, 800, 1e6, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE);
  g_assert_nonnull (strstr (error->message, "height"));
  g_clear_error (&error);
  g_assert_false (jg_picture_set_size (picture, NAN, 0, &error));
  g_clear_error (&error);
  g_assert_false (jg_picture_set_scale (picture, 0.5, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE);
  g_clear_error (&error);
  g_assert_false (jg_picture_set_scale (picture, 100, &error));
  g_clear_error (&error);
}

static guint
count_files (const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A failed export leaves nothing: not the picture, not a temporary file, and
 * an older file at the destination stays as it was. */
static void
test_failed_save_leaves_nothing (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *dir = tmp_path ("failures");
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "out.png", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.png", NULL);
  g_autofree char *kept = g_build_filename (dir, "kept.png", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);

  file = g_file_new_for_path (missing);
  g_assert_false (jg_picture_save (picture, file, JG_PICTURE_FORMAT_PNG, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  g_clear_error (&error);
  g_clear_object (&file);

  /* Too many pixels for cairo: refused after the file was opened. */
  g_assert_true (jg_picture_set_size (picture, 16000, 0, NULL));
  g_assert_true (jg_picture_set_scale (picture, 4, NULL));
  file = g_file_new_for_path (huge);
  g_assert_false (jg_picture_save (picture, file, JG_PICTURE_FORMAT_PNG, NULL, &error));
  g_assert_error (error, JG_PICTURE_ERROR, JG_PICTURE_ERROR_SIZE);
  g_clear_error (&error);
  g_clear_object (&file);
  g_assert_cmpuint (count_files (dir), ==, 0);

  g_assert_true (g_file_set_contents (kept, "old", -1, NULL));
  file = g_file_new_for_path (kept);
  g_assert_false (jg_picture_save (picture, file, JG_PICTURE_FORMAT_PNG, NULL, &error));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (kept, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old");
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_unlink (kept);
  g_rmdir (dir);
}

/* Every view draws its lanes: Compute's Running in the tasks and workers
 * views, its task colour on a core in the cores view. */
static void
test_views (void)
{
  g_autoptr (JgPicture) picture = make_picture ();
  g_autofree char *path = tmp_path ("view.png");
  guint32 running = rgb (jg_palette_state_color (JG_STATE_RUNNING, FALSE));
  guint32 compute = rgb (jg_swimlane_task_color (0));
  cairo_surface_t *png;
  double x, y;

  jg_picture_set_view (picture, JG_SWIMLANE_VIEW_WORKERS);
  save (picture, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, running);
  cairo_surface_destroy (png);

  jg_picture_set_view (picture, JG_SWIMLANE_VIEW_CORES);
  save (picture, path, JG_PICTURE_FORMAT_PNG);
  png = load_png (path);
  /* Compute ran on CPU 0, the first core lane. */
  lane_point (picture, 0, 200 * MS, &x, &y);
  g_assert_cmphex (pixel_at (png, x, y), ==, compute);
  cairo_surface_destroy (png);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_make_tmp_dir ("juggler-picture-XXXXXX");

  g_test_add_func ("/render/picture/png-pixels", test_png_pixels);
  g_test_add_func ("/render/picture/png-dark", test_png_dark);
  g_test_add_func ("/render/picture/png-projector", test_png_projector);
  g_test_add_func ("/render/picture/png-hidpi", test_png_hidpi);
  g_test_add_func ("/render/picture/window-crops", test_window_crops);
  g_test_add_func ("/render/picture/figures-whole-run", test_figures_whole_run);
  g_test_add_func ("/render/picture/fit-frame", test_fit_frame);
  g_test_add_func ("/render/picture/svg", test_svg);
  g_test_add_func ("/render/picture/pdf", test_pdf);
  g_test_add_func ("/render/picture/bad-settings", test_bad_settings);
  g_test_add_func ("/render/picture/failed-save-leaves-nothing", test_failed_save_leaves_nothing);
  g_test_add_func ("/render/picture/views", test_views);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
