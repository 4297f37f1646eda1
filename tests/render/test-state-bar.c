/* test-state-bar.c: draws the time-by-state bar onto an image surface and reads
 * its pixels back: each state must own the share of the bar its time earns. */
#define G_LOG_DOMAIN "test-state-bar"

#include "config.h"

#include <math.h>

#include "jg-palette.h"
#include "jg-state-bar.h"

#define BAR_WIDTH  600
#define BAR_HEIGHT 40
#define MS         G_GUINT64_CONSTANT (1000000) /* ns */

typedef struct
{
  cairo_surface_t *surface;
  guchar          *data;
  int              stride;
} Image;

static void
image_draw (Image           *image,
            const JgMetrics *metrics,
            gboolean         dark)
{
  cairo_t *cr;

  image->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, BAR_WIDTH, BAR_HEIGHT);
  cr = cairo_create (image->surface);
  jg_state_bar_draw (cr, metrics, BAR_WIDTH, BAR_HEIGHT, dark);
  cairo_destroy (cr);
  cairo_surface_flush (image->surface);

  image->data = cairo_image_surface_get_data (image->surface);
  image->stride = cairo_image_surface_get_stride (image->surface);
}

static void
image_clear (Image *image)
{
  g_clear_pointer (&image->surface, cairo_surface_destroy);
}

/* TRUE if the pixel at (x, y) is @color, opaque, within rounding. */
static gboolean
image_pixel_is (const Image  *image,
                int           x,
                int           y,
                const JgRgba *color)
{
  guint32 pixel = *(const guint32 *) (image->data + y * image->stride + x * 4);
  int a = pixel >> 24 & 0xff;
  int r = pixel >> 16 & 0xff;
  int g = pixel >> 8 & 0xff;
  int b = pixel & 0xff;

  return a == 255
      && ABS (r - (int) round (color->r * 255)) <= 1
      && ABS (g - (int) round (color->g * 255)) <= 1
      && ABS (b - (int) round (color->b * 255)) <= 1;
}

/* How many pixels of the bar's middle row are @color. */
static int
image_count_row (const Image  *image,
                 const JgRgba *color)
{
  int count = 0;

  for (int x = 0; x < BAR_WIDTH; x++)
    {
      if (image_pixel_is (image, x, BAR_HEIGHT / 2, color))
        count++;
    }

  return count;
}

/* Anywhere in the whole image. */
static int
image_count_all (const Image  *image,
                 const JgRgba *color)
{
  int count = 0;

  for (int y = 0; y < BAR_HEIGHT; y++)
    for (int x = 0; x < BAR_WIDTH; x++)
      {
        if (image_pixel_is (image, x, y, color))
          count++;
      }

  return count;
}

static JgMetrics *
metrics_new (guint64 running_ms,
             guint64 gil_ms,
             guint64 io_ms,
             guint64 awaiting_ms,
             guint64 lock_ms,
             guint64 ready_ms)
{
  JgMetrics *metrics = g_new0 (JgMetrics, 1);

  metrics->state_ns[JG_STATE_RUNNING] = running_ms * MS;
  metrics->state_ns[JG_STATE_GIL_WAIT] = gil_ms * MS;
  metrics->state_ns[JG_STATE_IO_WAIT] = io_ms * MS;
  metrics->state_ns[JG_STATE_AWAITING] = awaiting_ms * MS;
  metrics->state_ns[JG_STATE_LOCK_WAIT] = lock_ms * MS;
  metrics->state_ns[JG_STATE_READY] = ready_ms * MS;

  return metrics;
}

static void
test_state_bar_proportions (void)
{
  /* Running 50%, GIL wait 30%, Lock wait 20%, no I/O at all. */
  g_autofree JgMetrics *metrics = metrics_new (500, 300, 0, 0, 200, 0);
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba gil = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  JgRgba io = jg_palette_state_color (JG_STATE_IO_WAIT, FALSE);
  JgRgba lock = jg_palette_state_color (JG_STATE_LOCK_WAIT, FALSE);
  Image image = { 0 };
  int gil_pixels;

  image_draw (&image, metrics, FALSE);

  /* The left part is Running... */
  g_assert_true (image_pixel_is (&image, 20, BAR_HEIGHT / 2, &running));
  g_assert_true (image_pixel_is (&image, 290, BAR_HEIGHT / 2, &running));
  /* ...the middle is the GIL wait, from 50% to 80% of the width... */
  g_assert_true (image_pixel_is (&image, 310, BAR_HEIGHT / 2, &gil));
  g_assert_true (image_pixel_is (&image, 450, 5, &gil));
  g_assert_true (image_pixel_is (&image, 470, BAR_HEIGHT - 5, &gil));
  gil_pixels = image_count_row (&image, &gil);
  g_assert_cmpint (gil_pixels, >=, 0.30 * BAR_WIDTH - 1);
  g_assert_cmpint (gil_pixels, <=, 0.30 * BAR_WIDTH + 1);
  g_assert_cmpint (image_count_row (&image, &running), >=, 0.50 * BAR_WIDTH - 2);
  /* ...then the lock wait to the right end... */
  g_assert_true (image_pixel_is (&image, 580, BAR_HEIGHT / 2, &lock));
  g_assert_cmpint (image_count_row (&image, &lock), >=, 0.20 * BAR_WIDTH - 2);
  /* ...and a state with no time has no pixels at all. */
  g_assert_cmpint (image_count_all (&image, &io), ==, 0);

  image_clear (&image);
}

static void
test_state_bar_empty (void)
{
  g_autofree JgMetrics *metrics = g_new0 (JgMetrics, 1);
  Image image = { 0 };

  image_draw (&image, metrics, FALSE);

  /* Nothing to split: only the trough, no state colour anywhere. */
  for (guint state = 0; state < JG_N_STATES; state++)
    {
      JgRgba color = jg_palette_state_color (state, FALSE);

      g_assert_cmpint (image_count_all (&image, &color), ==, 0);
    }

  image_clear (&image);
}

static void
test_state_bar_done_ignored (void)
{
  /* Done time is not task time: a run that is all Running plus a long Done
   * tail is a bar of Running alone. */
  g_autofree JgMetrics *metrics = metrics_new (100, 0, 0, 0, 0, 0);
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, TRUE);
  Image image = { 0 };

  metrics->state_ns[JG_STATE_DONE] = 900 * MS;
  image_draw (&image, metrics, TRUE);

  g_assert_cmpint (image_count_row (&image, &running), >=, BAR_WIDTH - 2);
  g_assert_cmpuint (jg_state_bar_total_ns (metrics), ==, 100 * MS);

  image_clear (&image);
}

static void
test_state_bar_hit (void)
{
  g_autofree JgMetrics *metrics = metrics_new (500, 300, 0, 0, 200, 0);
  g_autofree JgMetrics *empty = g_new0 (JgMetrics, 1);

  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 0), ==, JG_STATE_RUNNING);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 299.5), ==, JG_STATE_RUNNING);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 300), ==, JG_STATE_GIL_WAIT);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 479), ==, JG_STATE_GIL_WAIT);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 480), ==, JG_STATE_LOCK_WAIT);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 599), ==, JG_STATE_LOCK_WAIT);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, 600), ==, JG_N_STATES);
  g_assert_cmpint (jg_state_bar_hit (metrics, BAR_WIDTH, -1), ==, JG_N_STATES);
  g_assert_cmpint (jg_state_bar_hit (empty, BAR_WIDTH, 10), ==, JG_N_STATES);
}

static void
test_palette_states_distinct (void)
{
  /* Every state a task can wait in has its own colour, in light and in dark. */
  for (guint dark = 0; dark < 2; dark++)
    for (guint a = 0; a < JG_N_STATES; a++)
      for (guint b = a + 1; b < JG_N_STATES; b++)
        {
          JgRgba ca = jg_palette_state_color (a, dark);
          JgRgba cb = jg_palette_state_color (b, dark);

          g_assert_false (jg_rgba_equal (&ca, &cb));
        }

  /* The two states a teacher points at are the palette's blue and orange. */
  {
    JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
    JgRgba gil = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
    JgRgba blue = jg_palette_color (JG_PALETTE_BLUE);
    JgRgba orange = jg_palette_color (JG_PALETTE_ORANGE + JG_PALETTE_N_COLORS);

    g_assert_true (jg_rgba_equal (&running, &blue));
    g_assert_true (jg_rgba_equal (&gil, &orange));
    g_assert_cmpint ((int) round (blue.b * 255), ==, 0xB2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/state-bar/proportions", test_state_bar_proportions);
  g_test_add_func ("/render/state-bar/empty", test_state_bar_empty);
  g_test_add_func ("/render/state-bar/done-ignored", test_state_bar_done_ignored);
  g_test_add_func ("/render/state-bar/hit", test_state_bar_hit);
  g_test_add_func ("/render/palette/states-distinct", test_palette_states_distinct);

  return g_test_run ();
}
