/* jg-text.h: the render layer's text, measured and drawn with Pango on cairo:
 * shaped (Arabic joins), each string in its own direction (Hebrew and Arabic
 * run right to left inside their box), ellipsized to a width. Layouts are kept
 * per string and font, so a frame that draws the same names costs no shaping. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _JgText JgText;

JgText *jg_text_new          (void);
void    jg_text_free         (JgText     *self);
void    jg_text_update       (JgText     *self,
                              cairo_t    *cr);
void    jg_text_set_font     (JgText     *self,
                              double      size,
                              gboolean    bold);
double  jg_text_width        (JgText     *self,
                              const char *text);
double  jg_text_show         (JgText     *self,
                              cairo_t    *cr,
                              const char *text,
                              double      x,
                              double      baseline,
                              double      max_w);
double  jg_text_show_centred (JgText     *self,
                              cairo_t    *cr,
                              const char *text,
                              double      x,
                              double      y,
                              double      max_w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgText, jg_text_free)

G_END_DECLS
