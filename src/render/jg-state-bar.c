/* jg-state-bar.c: the time-by-state bar. Segment edges are rounded to whole
 * device units so neighbouring segments share an edge instead of blending into
 * a third colour, and drawing and hit-testing use the same layout. */
#define G_LOG_DOMAIN "jg-state-bar"

#include "config.h"

#include <math.h>

#include "jg-palette.h"
#include "jg-state-bar.h"

typedef struct
{
  double x0[JG_N_STATES];
  double x1[JG_N_STATES];
} Layout;

guint64
jg_state_bar_total_ns (const JgMetrics *metrics)
{
  guint64 total = 0;

  g_return_val_if_fail (metrics != NULL, 0);

  for (guint state = 0; state < JG_N_STATES; state++)
    {
      if (state != JG_STATE_DONE)
        total += metrics->state_ns[state];
    }

  return total;
}

/* Returns FALSE when there is nothing to split. */
static gboolean
compute_layout (const JgMetrics *metrics,
                double           width,
                Layout          *layout)
{
  guint64 total = jg_state_bar_total_ns (metrics);
  guint64 cumulative = 0;

  if (total == 0 || width <= 0)
    return FALSE;

  for (guint state = 0; state < JG_N_STATES; state++)
    {
      guint64 ns = state == JG_STATE_DONE ? 0 : metrics->state_ns[state];

      layout->x0[state] = round ((double) cumulative / (double) total * width);
      cumulative += ns;
      layout->x1[state] = round ((double) cumulative / (double) total * width);
    }

  return TRUE;
}

static void
rounded_rectangle (cairo_t *cr,
                   double   width,
                   double   height,
                   double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2.0);

  cairo_new_sub_path (cr);
  cairo_arc (cr, width - radius, radius, radius, -G_PI / 2.0, 0);
  cairo_arc (cr, width - radius, height - radius, radius, 0, G_PI / 2.0);
  cairo_arc (cr, radius, height - radius, radius, G_PI / 2.0, G_PI);
  cairo_arc (cr, radius, radius, radius, G_PI, 3.0 * G_PI / 2.0);
  cairo_close_path (cr);
}

void
jg_state_bar_draw (cairo_t         *cr,
                   const JgMetrics *metrics,
                   double           width,
                   double           height,
                   gboolean         dark)
{
  Layout layout;
  JgRgba trough;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (metrics != NULL);

  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);

  /* Clip to a softly rounded bar; the segments inside stay square. */
  rounded_rectangle (cr, width, height, MIN (6.0, height / 4.0));
  cairo_clip (cr);

  trough = jg_palette_trough_color (dark);
  jg_rgba_set_source (cr, &trough);
  cairo_paint (cr);

  if (compute_layout (metrics, width, &layout))
    {
      for (guint state = 0; state < JG_N_STATES; state++)
        {
          JgRgba color;

          if (layout.x1[state] <= layout.x0[state])
            continue;

          color = jg_palette_state_color (state, dark);
          jg_rgba_set_source (cr, &color);
          cairo_rectangle (cr, layout.x0[state], 0, layout.x1[state] - layout.x0[state], height);
          cairo_fill (cr);
        }
    }

  cairo_restore (cr);
}

JgTaskState
jg_state_bar_hit (const JgMetrics *metrics,
                  double           width,
                  double           x)
{
  Layout layout;

  g_return_val_if_fail (metrics != NULL, JG_N_STATES);

  if (!compute_layout (metrics, width, &layout))
    return JG_N_STATES;

  for (guint state = 0; state < JG_N_STATES; state++)
    {
      if (x >= layout.x0[state] && x < layout.x1[state])
        return state;
    }

  return JG_N_STATES;
}
