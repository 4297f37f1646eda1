/* jg-display-test.h: what the display tests share: waiting for the window to
 * paint or for a condition (always bounded), rendering a widget as it is on
 * screen, reading its pixels, and saving screenshots on request. */
#pragma once

#include <gtk/gtk.h>

#include "jg-palette.h"

G_BEGIN_DECLS

typedef gboolean (*JgTestCondition) (gpointer user_data);

/* Iterates the main context until @condition holds; FALSE if @timeout_s
 * passed first. */
gboolean    jg_test_wait_for       (JgTestCondition  condition,
                                    gpointer         user_data,
                                    double           timeout_s);
/* Lets transitions finish and @window paint a few frames. */
void        jg_test_wait_drawn     (GtkWidget       *window);
/* The template child @name of @widget, an instance of @type. */
gpointer    jg_test_child          (gpointer         widget,
                                    GType            type,
                                    const char      *name);
/* @widget as it is on screen, rendered with its window's own renderer. */
GdkTexture *jg_test_render         (GtkWidget       *widget);

typedef struct
{
  guchar *data;
  gsize   stride;
  int     width;
  int     height;
} JgTestPixels;

void        jg_test_pixels_init    (JgTestPixels    *pixels,
                                    GdkTexture      *texture);
void        jg_test_pixels_clear   (JgTestPixels    *pixels);
/* Within 2 of each 8-bit channel of @color. */
gboolean    jg_test_pixels_match   (const JgTestPixels *pixels,
                                    int              x,
                                    int              y,
                                    const JgRgba    *color);

/* With JUGGLER_SCREENSHOT=path.png, saves @widget as path-@suffix.png (or
 * path.png with no suffix). */
void        jg_test_screenshot     (GtkWidget       *widget,
                                    const char      *suffix);

G_END_DECLS
