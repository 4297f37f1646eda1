/* jg-window.h: the main window. It runs scenarios and shows them live on the
 * swimlane canvas with their metrics, and opens, saves and exports traces. */
#pragma once

#include <gtk/gtk.h>

#include "jg-lesson-view.h"
#include "jg-picture.h"
#include "jg-run.h"
#include "jg-scenario.h"
#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_TYPE_WINDOW (jg_window_get_type ())
G_DECLARE_FINAL_TYPE (JgWindow, jg_window, JG, WINDOW, GtkApplicationWindow)

JgWindow   *jg_window_new           (GtkApplication *application);
/* Loads @file in a worker thread: a .juggler trace, or Chrome Trace Event
 * JSON, imported (the banner then lists what could not be mapped). Whatever
 * is shown stays until it has loaded; if it fails, an error banner says why
 * and nothing is lost. */
void        jg_window_open          (JgWindow       *self,
                                     GFile          *file);
/* Reads a scenario file in a worker thread and chooses it; a bad file gets
 * the error banner, naming its line and field. */
void        jg_window_open_scenario (JgWindow       *self,
                                     GFile          *file);
/* Writes the trace shown (finished) to @file in a worker thread, atomically;
 * the window then calls it by that file. What the Save As dialog calls. */
void        jg_window_save_as       (JgWindow       *self,
                                     GFile          *file);
/* Writes the trace shown as Chrome Trace Event JSON, for Perfetto. */
void        jg_window_export_chrome (JgWindow       *self,
                                     GFile          *file);
/* Writes a picture of what the canvas shows (its view, time window and
 * theme) as @format, atomically. What the Export Picture dialog calls. */
void        jg_window_export_picture (JgWindow       *self,
                                      GFile          *file,
                                      JgPictureFormat format);
/* TRUE while a save or an export is being written. */
gboolean    jg_window_get_saving    (JgWindow       *self);
/* TRUE while a trace or a scenario file is being read. */
gboolean    jg_window_get_loading   (JgWindow       *self);
/* The trace shown (a run's, live or finished, or a file's), or NULL. */
JgTrace    *jg_window_get_trace     (JgWindow       *self);
/* The file the trace shown was loaded from or saved to. */
GFile      *jg_window_get_file      (JgWindow       *self);
/* The run whose trace is shown, or NULL for a file's trace. */
JgRun      *jg_window_get_run       (JgWindow       *self);
JgScenario *jg_window_get_scenario  (JgWindow       *self);
/* Reads a lesson file in a worker thread and shows it from its first step in
 * the lesson window; a bad file gets the error banner, naming the file and
 * the field, and what is shown stays. */
void        jg_window_open_lesson   (JgWindow       *self,
                                     GFile          *file);
/* The same for the built-in lesson @id (jg_lesson_find_builtin ()). */
void        jg_window_open_course   (JgWindow       *self,
                                     const char     *id);
/* Shows @lesson (read from @file, or NULL) in the lesson window. */
void        jg_window_set_lesson    (JgWindow       *self,
                                     JgLesson       *lesson,
                                     GFile          *file);
/* The lesson window, or NULL while no lesson has been opened. */
JgLessonView *jg_window_get_lesson_view (JgWindow   *self);
/* TRUE while a lesson is being read. */
gboolean    jg_window_get_lesson_loading (JgWindow  *self);

G_END_DECLS
