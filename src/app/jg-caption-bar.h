/* jg-caption-bar.h: the explanation under the canvas: one sentence in plain
 * words about what just happened at the play head (made from the events by a
 * JgCaptioner), where and when it happened, and, in presenter mode, the big
 * controls a teacher needs: step back, pause, step on, what a step goes to,
 * the slow-motion factor and the way out. The buttons activate the window's
 * actions (win.presenter-*). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define JG_TYPE_CAPTION_BAR (jg_caption_bar_get_type ())
G_DECLARE_FINAL_TYPE (JgCaptionBar, jg_caption_bar, JG, CAPTION_BAR, GtkWidget)

GtkWidget  *jg_caption_bar_new            (void);
/* @text: the caption (NULL: nothing has happened yet); @detail: where and
 * when, e.g. "12.4 ms · Thread 2" (NULL for none). */
void        jg_caption_bar_set_caption    (JgCaptionBar *self,
                                           const char   *text,
                                           const char   *detail);
const char *jg_caption_bar_get_text       (JgCaptionBar *self);
const char *jg_caption_bar_get_detail     (JgCaptionBar *self);
/* Presenter mode: large type and the controls. */
void        jg_caption_bar_set_presenting (JgCaptionBar *self,
                                           gboolean      presenting);
gboolean    jg_caption_bar_get_presenting (JgCaptionBar *self);
/* Without controls at all, e.g. on the projector's own window. */
void        jg_caption_bar_set_show_controls (JgCaptionBar *self,
                                              gboolean      show_controls);

G_END_DECLS
