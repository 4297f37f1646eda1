/* jg-window.h: the main window. It opens one .juggler trace at a time, from the
 * command line, the Open dialog or a drop, and shows its summary. */
#pragma once

#include <gtk/gtk.h>

#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_TYPE_WINDOW (jg_window_get_type ())
G_DECLARE_FINAL_TYPE (JgWindow, jg_window, JG, WINDOW, GtkApplicationWindow)

JgWindow *jg_window_new         (GtkApplication *application);
/* Loads @file in a worker thread. Whatever is shown stays until it has loaded;
 * if it fails, an error banner says why and nothing is lost. */
void      jg_window_open        (JgWindow       *self,
                                 GFile          *file);
gboolean  jg_window_get_loading (JgWindow       *self);
/* The trace shown, or NULL before one has loaded. */
JgTrace  *jg_window_get_trace   (JgWindow       *self);
/* The file it was loaded from. */
GFile    *jg_window_get_file    (JgWindow       *self);

G_END_DECLS
