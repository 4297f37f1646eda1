/* jg-palette.h: the colours Juggler draws with.
 *
 * A colour-blind-safe palette (the Okabe-Ito / seaborn "colorblind" family) and
 * the fixed colour of each task state, so every view and every legend agree. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "jg-spans.h"

G_BEGIN_DECLS

/* A colour with straight (not premultiplied) components in [0, 1]. */
typedef struct
{
  double r;
  double g;
  double b;
  double a;
} JgRgba;

typedef enum
{
  JG_PALETTE_BLUE = 0, /* #0173B2 */
  JG_PALETTE_ORANGE,   /* #DE8F05 */
  JG_PALETTE_TEAL,     /* #029E73 */
  JG_PALETTE_PURPLE,   /* #CC78BC */
  JG_PALETTE_BROWN,    /* #CA9161 */
  JG_PALETTE_PINK,     /* #FBAFE4 */
  JG_PALETTE_GREY,     /* #949494 */
  JG_PALETTE_YELLOW,   /* #ECE133 */
  JG_PALETTE_SKY,      /* #56B4E9 */
  JG_PALETTE_N_COLORS
} JgPaletteColor;

/* The palette's @index'th colour; indices past the end wrap around, so lanes
 * can be coloured by number. */
JgRgba   jg_palette_color          (guint        index);
/* The colour of a task in @state; @dark picks the variant drawn on a dark
 * background. */
JgRgba   jg_palette_state_color    (JgTaskState  state,
                                    gboolean     dark);
/* The empty track behind bars and lanes. */
JgRgba   jg_palette_trough_color   (gboolean     dark);
/* A translated, human name for @state ("Waiting for GIL"), for legends. */
const char *jg_palette_state_label (JgTaskState  state);
void     jg_rgba_set_source        (cairo_t      *cr,
                                    const JgRgba *color);
gboolean jg_rgba_equal             (const JgRgba *a,
                                    const JgRgba *b);

G_END_DECLS
