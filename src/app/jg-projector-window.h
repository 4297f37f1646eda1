/* jg-projector-window.h: presenter mode's second window: the canvas alone, in
 * the projector theme, with the caption under it, full screen on the screen
 * that is not the controlling window's, while the controls stay on the
 * laptop. The main window drives it (jg-window-presenter.c): it shows the
 * same trace, play head, view and time span. */
#pragma once

#include <gtk/gtk.h>

#include "jg-canvas.h"
#include "jg-caption-bar.h"

G_BEGIN_DECLS

#define JG_TYPE_PROJECTOR_WINDOW (jg_projector_window_get_type ())
G_DECLARE_FINAL_TYPE (JgProjectorWindow, jg_projector_window, JG, PROJECTOR_WINDOW, GtkWindow)

/* Goes full screen on a monitor other than @controller's if there is one;
 * otherwise it opens as a normal window to drag where it belongs (F11 makes it
 * full screen). */
JgProjectorWindow *jg_projector_window_new             (GtkWindow         *controller);
JgCanvas          *jg_projector_window_get_canvas      (JgProjectorWindow *self);
JgCaptionBar      *jg_projector_window_get_caption_bar (JgProjectorWindow *self);
/* The monitor it went full screen on, or NULL. */
GdkMonitor        *jg_projector_window_get_monitor     (JgProjectorWindow *self);

G_END_DECLS
