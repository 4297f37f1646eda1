/* jg-lesson-view.h: the lesson window, kept on the teacher's screen while the
 * main window is projected: the lesson's steps under their topics, and for the
 * step shown what to look at, the question for the class and, on request, the
 * answer. Moving to a step emits "step-changed"; the main window then sets its
 * controls to the step and shows its prepared trace (docs/lessons.md). */
#pragma once

#include <gtk/gtk.h>

#include "jg-lesson.h"

G_BEGIN_DECLS

#define JG_TYPE_LESSON_VIEW (jg_lesson_view_get_type ())
G_DECLARE_FINAL_TYPE (JgLessonView, jg_lesson_view, JG, LESSON_VIEW, GtkWindow)

/* @controller is the main window the steps are shown in: "Run This Step"
 * activates its win.run, and a finished run it shows can be kept. */
JgLessonView *jg_lesson_view_new           (GtkWindow         *controller);
/* Shows @lesson from its first step (emitting "step-changed"); @file is where
 * it was read from, NULL for a built-in. */
void          jg_lesson_view_set_lesson    (JgLessonView      *self,
                                            JgLesson          *lesson,
                                            GFile             *file);
JgLesson     *jg_lesson_view_get_lesson    (JgLessonView      *self);
GFile        *jg_lesson_view_get_file      (JgLessonView      *self);
/* The index of the step shown. */
guint         jg_lesson_view_get_position  (JgLessonView      *self);
JgLessonStep *jg_lesson_view_get_step      (JgLessonView      *self);
/* Shows step @position, emitting "step-changed" even if it is already shown
 * (the main window then shows it again). */
void          jg_lesson_view_set_position  (JgLessonView      *self,
                                            guint              position);
/* FALSE at either end. */
gboolean      jg_lesson_view_next          (JgLessonView      *self);
gboolean      jg_lesson_view_previous      (JgLessonView      *self);
/* TRUE when the main window shows a finished run of the step's scenario and
 * model that is not yet the step's trace. */
gboolean      jg_lesson_view_can_keep_run  (JgLessonView      *self);
/* Makes that run the step's prepared trace; the step takes the run's
 * parameters, workers, interpreter, switch interval and start method too. */
gboolean      jg_lesson_view_keep_run      (JgLessonView      *self,
                                            GError           **error);
/* Saves the lesson with its traces (beside it, or inside it with
 * JG_LESSON_SAVE_EMBED_TRACES); it is then known by @file. */
gboolean      jg_lesson_view_save          (JgLessonView      *self,
                                            GFile             *file,
                                            JgLessonSaveFlags  flags,
                                            GError           **error);
/* TRUE when runs were kept for steps since the lesson was opened or saved:
 * replacing it would lose them. */
gboolean      jg_lesson_view_get_unsaved   (JgLessonView      *self);

G_END_DECLS
