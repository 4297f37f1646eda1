/* jg-text.c: text of the swimlanes and the picture through PangoCairo, with the
 * laid-out strings kept per font so redrawing a frame reshapes nothing. */
#define G_LOG_DOMAIN "jg-text"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "jg-text.h"

/* Strings kept per font in two generations: what a frame draws is found again
 * in the next; when the newer one fills up, the older one is dropped, so long
 * scrolls through thousands of names keep at most twice this many. */
#define GENERATION_SIZE 512
#define MAX_FONTS       8

typedef struct
{
  PangoLayout *layout;
  guint        serial;   /* of the context it was measured in; 0 before */
  int          x;        /* its logical box, Pango units: right-aligned when */
  int          width;    /* ellipsized right-to-left text starts past 0 */
  int          baseline;
} Entry;

typedef struct
{
  double                size;
  gboolean              bold;
  PangoFontDescription *desc;
  GHashTable           *entries; /* key → Entry, of this generation */
  GHashTable           *older;   /* of the one before */
  guint                 serial;  /* of the context the metrics are for; 0 before */
  double                ascent;
  double                descent;
  int                   ellipsis_w;
} Font;

struct _JgText
{
  PangoContext         *context;
  cairo_font_options_t *options; /* what the context was last updated for */
  cairo_matrix_t        matrix;
  GPtrArray            *fonts;   /* Font, the latest last */
  Font                 *font;
  GString              *key;     /* scratch */
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->layout);
  g_free (entry);
}

static GHashTable *
entries_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
}

static void
font_free (gpointer data)
{
  Font *font = data;

  pango_font_description_free (font->desc);
  g_hash_table_unref (font->entries);
  g_hash_table_unref (font->older);
  g_free (font);
}

JgText *
jg_text_new (void)
{
  JgText *self = g_new0 (JgText, 1);

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  self->fonts = g_ptr_array_new_with_free_func (font_free);
  self->key = g_string_new (NULL);
  jg_text_set_font (self, 12, FALSE);
  return self;
}

void
jg_text_free (JgText *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->fonts);
  g_string_free (self->key, TRUE);
  g_clear_pointer (&self->options, cairo_font_options_destroy);
  g_object_unref (self->context);
  g_free (self);
}

/* Follows @cr's transform and font options, as cairo's own text calls would:
 * a surface that wants unhinted metrics (vector output, pictures measured once
 * and drawn at any zoom) gets glyph positions that scale, not rounded ones. */
void
jg_text_update (JgText  *self,
                cairo_t *cr)
{
  cairo_font_options_t *options, *own;
  cairo_matrix_t matrix;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  options = cairo_font_options_create ();
  own = cairo_font_options_create ();
  cairo_surface_get_font_options (cairo_get_target (cr), options);
  cairo_get_font_options (cr, own);
  cairo_font_options_merge (options, own);
  cairo_font_options_destroy (own);
  cairo_get_matrix (cr, &matrix);

  /* pango_cairo_update_context () marks the context changed even when nothing
   * did, and every layout would be shaped again: call it on a change only. */
  if (self->options != NULL && cairo_font_options_equal (options, self->options)
      && matrix.xx == self->matrix.xx && matrix.yx == self->matrix.yx
      && matrix.xy == self->matrix.xy && matrix.yy == self->matrix.yy)
    {
      cairo_font_options_destroy (options);
      return;
    }
  pango_context_set_round_glyph_positions (self->context,
                                           cairo_font_options_get_hint_metrics (options)
                                           != CAIRO_HINT_METRICS_OFF);
  pango_cairo_update_context (cr, self->context);
  g_clear_pointer (&self->options, cairo_font_options_destroy);
  self->options = options;
  self->matrix = matrix;
}

/* "Sans" at @size user units, as cairo_set_font_size () meant it. */
void
jg_text_set_font (JgText   *self,
                  double    size,
                  gboolean  bold)
{
  Font *font;

  g_return_if_fail (self != NULL);

  bold = !!bold;
  if (self->font != NULL && self->font->size == size && self->font->bold == bold)
    return;
  for (guint i = 0; i < self->fonts->len; i++)
    {
      font = g_ptr_array_index (self->fonts, i);
      if (font->size == size && font->bold == bold)
        {
          self->font = font;
          return;
        }
    }

  font = g_new0 (Font, 1);
  font->size = size;
  font->bold = bold;
  font->desc = pango_font_description_new ();
  pango_font_description_set_family_static (font->desc, "Sans");
  pango_font_description_set_weight (font->desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (font->desc, size * PANGO_SCALE);
  font->entries = entries_new ();
  font->older = entries_new ();
  if (self->fonts->len >= MAX_FONTS)
    g_ptr_array_remove_index (self->fonts, 0);
  g_ptr_array_add (self->fonts, font);
  self->font = font;
}

/* @text laid out in @font, ellipsized to @width Pango units (-1: not), kept
 * under @key. */
static Entry *
font_entry (JgText     *self,
            Font       *font,
            const char *key,
            const char *text,
            int         width)
{
  Entry *entry = g_hash_table_lookup (font->entries, key);
  guint serial = pango_context_get_serial (self->context);

  if (entry == NULL)
    {
      gpointer owned;

      if (!g_hash_table_steal_extended (font->older, key, &owned, (gpointer *) &entry))
        {
          owned = g_strdup (key);
          entry = g_new0 (Entry, 1);
          entry->layout = pango_layout_new (self->context);
          pango_layout_set_font_description (entry->layout, font->desc);
          /* One line, whatever the name holds; the direction is the text's
           * own (auto-dir is Pango's default), never the locale's. */
          pango_layout_set_single_paragraph_mode (entry->layout, TRUE);
          pango_layout_set_ellipsize (entry->layout, PANGO_ELLIPSIZE_END);
          pango_layout_set_width (entry->layout, width);
          pango_layout_set_text (entry->layout, text, -1);
        }
      if (g_hash_table_size (font->entries) >= GENERATION_SIZE)
        {
          g_hash_table_unref (font->older);
          font->older = g_steal_pointer (&font->entries);
          font->entries = entries_new ();
        }
      g_hash_table_insert (font->entries, owned, entry);
    }
  if (entry->serial != serial)
    {
      PangoRectangle logical;

      pango_layout_get_extents (entry->layout, NULL, &logical);
      entry->x = logical.x;
      entry->width = logical.width;
      entry->baseline = pango_layout_get_baseline (entry->layout);
      entry->serial = serial;
    }
  return entry;
}

static void
font_update_metrics (JgText *self,
                     Font   *font)
{
  guint serial = pango_context_get_serial (self->context);
  PangoFontMetrics *metrics;

  if (font->serial == serial)
    return;
  metrics = pango_context_get_metrics (self->context, font->desc, NULL);
  font->ascent = pango_font_metrics_get_ascent (metrics) / (double) PANGO_SCALE;
  font->descent = pango_font_metrics_get_descent (metrics) / (double) PANGO_SCALE;
  pango_font_metrics_unref (metrics);
  font->ellipsis_w = font_entry (self, font, "…", "…", -1)->width;
  font->serial = serial;
}

/* The width of @text in the current font, not ellipsized, in user units. */
double
jg_text_width (JgText     *self,
               const char *text)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (text != NULL, 0);

  return font_entry (self, self->font, text, text, -1)->width / (double) PANGO_SCALE;
}

/* Draws @text in the current font, its box's left edge at @x and its first
 * line's baseline at @baseline, ellipsized to @max_w; right-to-left text runs
 * leftwards from the box's right edge. Returns the width drawn: 0 when not
 * even one character fits beside the ellipsis. */
double
jg_text_show (JgText     *self,
              cairo_t    *cr,
              const char *text,
              double      x,
              double      baseline,
              double      max_w)
{
  Font *font;
  Entry *entry;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (cr != NULL, 0);
  g_return_val_if_fail (text != NULL, 0);

  if (max_w < 1 || *text == '\0')
    return 0;
  font = self->font;
  font_update_metrics (self, font);
  entry = font_entry (self, font, text, text, -1);
  if (entry->width > max_w * PANGO_SCALE)
    {
      int px = (int) floor (max_w);

      /* Cut to whole pixels, a layout for each width: a name in spans of
       * many widths would otherwise be shaped again for each of them. */
      g_string_printf (self->key, "\x01%d\x01%s", px, text);
      entry = font_entry (self, font, self->key->str, text, px * PANGO_SCALE);
      if (entry->width > px * PANGO_SCALE || entry->width <= font->ellipsis_w)
        return 0;
    }

  cairo_move_to (cr, x - entry->x / (double) PANGO_SCALE,
                 baseline - entry->baseline / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, entry->layout);
  cairo_new_path (cr);
  return entry->width / (double) PANGO_SCALE;
}

/* As jg_text_show (), the font's ascent and descent centred on @y, on a whole
 * pixel: every string of a font on one baseline, whichever fonts shape it. */
double
jg_text_show_centred (JgText     *self,
                      cairo_t    *cr,
                      const char *text,
                      double      x,
                      double      y,
                      double      max_w)
{
  g_return_val_if_fail (self != NULL, 0);

  font_update_metrics (self, self->font);
  return jg_text_show (self, cr, text, x, round (y + (self->font->ascent - self->font->descent) / 2),
                       max_w);
}
