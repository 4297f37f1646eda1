/* jg-palette.c: the colour-blind-safe palette and the colour of each task state.
 *
 * The state colours were chosen so that the two states a teacher points at most,
 * Running and Waiting for GIL, are blue and orange: the pair that stays distinct
 * under every common colour-vision deficiency. */
#define G_LOG_DOMAIN "jg-palette"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-palette.h"

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1.0 }

static const JgRgba palette[JG_PALETTE_N_COLORS] = {
  [JG_PALETTE_BLUE]   = RGB (0x0173B2),
  [JG_PALETTE_ORANGE] = RGB (0xDE8F05),
  [JG_PALETTE_TEAL]   = RGB (0x029E73),
  [JG_PALETTE_PURPLE] = RGB (0xCC78BC),
  [JG_PALETTE_BROWN]  = RGB (0xCA9161),
  [JG_PALETTE_PINK]   = RGB (0xFBAFE4),
  [JG_PALETTE_GREY]   = RGB (0x949494),
  [JG_PALETTE_YELLOW] = RGB (0xECE133),
  [JG_PALETTE_SKY]    = RGB (0x56B4E9),
};

/* Done is the only state whose colour depends on the background: it must recede
 * on both, so it is a grey a little off the background. */
static const JgRgba done_light = RGB (0xD9D9D9);
static const JgRgba done_dark = RGB (0x4A4A4A);
static const JgRgba trough_light = { 0.0, 0.0, 0.0, 0.08 };
static const JgRgba trough_dark = { 1.0, 1.0, 1.0, 0.10 };

JgRgba
jg_palette_color (guint index)
{
  return palette[index % JG_PALETTE_N_COLORS];
}

JgRgba
jg_palette_state_color (JgTaskState state,
                        gboolean    dark)
{
  switch (state)
    {
    case JG_STATE_RUNNING:
      return palette[JG_PALETTE_BLUE];
    case JG_STATE_GIL_WAIT:
      return palette[JG_PALETTE_ORANGE];
    case JG_STATE_IO_WAIT:
      return palette[JG_PALETTE_TEAL];
    case JG_STATE_AWAITING:
      return palette[JG_PALETTE_PURPLE];
    case JG_STATE_LOCK_WAIT:
      return palette[JG_PALETTE_BROWN];
    case JG_STATE_READY:
      return palette[JG_PALETTE_GREY];
    case JG_STATE_DONE:
      return dark ? done_dark : done_light;
    case JG_N_STATES:
    default:
      g_return_val_if_reached (palette[JG_PALETTE_GREY]);
    }
}

JgRgba
jg_palette_trough_color (gboolean dark)
{
  return dark ? trough_dark : trough_light;
}

const char *
jg_palette_state_label (JgTaskState state)
{
  switch (state)
    {
    case JG_STATE_RUNNING:
      return _("Running");
    case JG_STATE_GIL_WAIT:
      return _("Waiting for GIL");
    case JG_STATE_IO_WAIT:
      return _("I/O wait");
    case JG_STATE_AWAITING:
      return _("Awaiting");
    case JG_STATE_LOCK_WAIT:
      return _("Lock wait");
    case JG_STATE_READY:
      return _("Ready");
    case JG_STATE_DONE:
      return _("Done");
    case JG_N_STATES:
    default:
      g_return_val_if_reached (NULL);
    }
}

void
jg_rgba_set_source (cairo_t      *cr,
                    const JgRgba *color)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (color != NULL);

  cairo_set_source_rgba (cr, color->r, color->g, color->b, color->a);
}

gboolean
jg_rgba_equal (const JgRgba *a,
               const JgRgba *b)
{
  return a->r == b->r && a->g == b->g && a->b == b->b && a->a == b->a;
}
