/* jg-window-lesson.c: the window's lessons (docs/lessons.md). A lesson file
 * or a built-in course is read in a worker thread and shown in the lesson
 * window (JgLessonView); each step it moves to is shown here: its scenario,
 * model, workers, interpreter, switch interval, start method and parameters go
 * into the header bar and the side panel, and its prepared trace, if it has
 * one, is shown at once without running anything. Save Lesson writes it back
 * with the runs kept for its steps. */
#define G_LOG_DOMAIN "jg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-gil.h"
#include "jg-names.h"
#include "jg-window-private.h"

/* What the loading thread reads: a file, or a built-in by its id. */
typedef struct
{
  GFile *file;
  char  *builtin;
} LessonSource;

static void
lesson_source_free (LessonSource *source)
{
  g_clear_object (&source->file);
  g_free (source->builtin);
  g_free (source);
}

static void
update_lesson_actions (JgWindow *self)
{
  JgLessonView *view = self->lesson_view;
  gboolean open = view != NULL && jg_lesson_view_get_lesson (view) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-lesson", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-lesson", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lesson-next",
                                 open && jg_lesson_view_get_position (view) + 1
                                         < jg_lesson_get_n_steps (jg_lesson_view_get_lesson (view)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lesson-prev",
                                 open && jg_lesson_view_get_position (view) > 0);
}

/* Which step of the lesson @step is, counted from 1 for people; 0 if none. */
static guint
step_number (JgWindow     *self,
             JgLessonStep *step)
{
  JgLesson *lesson = self->lesson_view != NULL ? jg_lesson_view_get_lesson (self->lesson_view) : NULL;

  for (guint i = 0; lesson != NULL && i < jg_lesson_get_n_steps (lesson); i++)
    if (jg_lesson_get_step (lesson, i) == step)
      return i + 1;
  return 0;
}

void
_jg_window_show_lesson_step (JgWindow     *self,
                             JgLessonStep *step)
{
  const char *id = jg_lesson_step_get_scenario (step);
  const char *model_name = jg_lesson_step_get_model (step);
  const char *interpreter = jg_lesson_step_get_interpreter (step);
  const char *start_method = jg_lesson_step_get_start_method (step);
  double interval = jg_lesson_step_get_switch_interval_ms (step);
  JgInterpreterMode mode = JG_INTERPRETER_GIL;
  JgModel model = JG_N_MODELS;
  guint position = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (step != NULL);

  /* The panel takes what this session last used with a scenario: make that
   * the step's values (those it leaves out take their defaults). */
  g_hash_table_replace (self->session_values, g_strdup (id), json_object_ref (jg_lesson_step_get_parameters (step)));
  if (!_jg_window_select_scenario (self, id))
    {
      /* Translators: %u is the step's number in the lesson */
      g_autofree char *title = g_strdup_printf (_("Could not show step %u"), step_number (self, step));
      g_autofree char *message = g_strdup_printf (_("There is no built-in scenario called “%s”."), id);

      _jg_window_show_error (self, title, message);
      return;
    }

  if (jg_model_from_name (model_name, &model))
    for (guint i = 0; i < self->models->len; i++)
      if (g_array_index (self->models, JgModel, i) == model)
        position = i;
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_drop_down_set_selected (self->model_dropdown, position);

  gtk_spin_button_set_value (self->workers_spin, jg_lesson_step_get_workers (step));
  if (interpreter != NULL)
    jg_interpreter_mode_from_name (interpreter, &mode);
  gtk_drop_down_set_selected (self->interpreter_dropdown, mode);
  gtk_spin_button_set_value (self->switch_interval_spin, interval > 0 ? interval : JG_GIL_DEFAULT_INTERVAL_MS);
  self->start_method = JG_START_FORK;
  if (start_method != NULL)
    jg_start_method_from_name (start_method, &self->start_method);

  /* A trace still loading would replace the step's as soon as it arrives. */
  if (self->load_cancellable != NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      _jg_window_update_loading (self, NULL);
    }

  /* The step's prepared run, or the welcome card until Run is pressed. */
  _jg_window_drop_run (self);
  _jg_window_dismiss_error (self);
  _jg_window_show_trace (self, jg_lesson_step_get_trace (step), NULL, NULL, NULL);

  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* Translators: %u is the step's number in the lesson */
      g_autofree char *title = g_strdup_printf (_("Step %u cannot run here"), step_number (self, step));
      /* Translators: %s is a concurrency model: Threads, Processes… */
      g_autofree char *message = g_strdup_printf (_("This build of Juggler has no %s model."),
                                                  jg_model_display_name (model_name));

      _jg_window_show_info (self, title, message);
    }
}

static void
on_step_changed (JgWindow     *self,
                 JgLessonView *view)
{
  JgLessonStep *step = jg_lesson_view_get_step (view);

  if (step != NULL)
    _jg_window_show_lesson_step (self, step);
  update_lesson_actions (self);
}

JgLessonView *
jg_window_get_lesson_view (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  return self->lesson_view;
}

gboolean
jg_window_get_lesson_loading (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), FALSE);

  return self->lesson_cancellable != NULL;
}

void
jg_window_set_lesson (JgWindow *self,
                      JgLesson *lesson,
                      GFile    *file)
{
  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (lesson != NULL);

  if (self->lesson_view == NULL)
    {
      self->lesson_view = g_object_ref_sink (jg_lesson_view_new (GTK_WINDOW (self)));
      g_signal_connect_object (self->lesson_view, "step-changed", G_CALLBACK (on_step_changed), self,
                               G_CONNECT_SWAPPED);
    }

  jg_lesson_view_set_lesson (self->lesson_view, lesson, file);
  gtk_window_present (GTK_WINDOW (self->lesson_view));
  update_lesson_actions (self);
}

/* Opening */

typedef struct
{
  JgWindow *window;
  JgLesson *lesson;
  GFile    *file;
} Replacement;

static void
replacement_free (gpointer  data,
                  GClosure *closure)
{
  Replacement *replacement = data;

  g_object_unref (replacement->window);
  jg_lesson_unref (replacement->lesson);
  g_clear_object (&replacement->file);
  g_free (replacement);
}

static void
on_replace_response (GtkDialog   *dialog,
                     int          response,
                     Replacement *replacement)
{
  if (response == GTK_RESPONSE_ACCEPT)
    jg_window_set_lesson (replacement->window, replacement->lesson, replacement->file);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Shows @lesson in place of the one open, asking first if that one has runs
 * kept for its steps and not saved: they would be lost. */
static void
replace_lesson (JgWindow *self,
                JgLesson *lesson,
                GFile    *file)
{
  JgLesson *open = self->lesson_view != NULL ? jg_lesson_view_get_lesson (self->lesson_view) : NULL;
  Replacement *replacement;
  GtkWidget *dialog;

  if (open == NULL || !jg_lesson_view_get_unsaved (self->lesson_view))
    {
      jg_window_set_lesson (self, lesson, file);
      return;
    }

  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Open “%s” in place of “%s”?"),
                                   jg_lesson_get_title (lesson), jg_lesson_get_title (open));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("The runs kept for the steps of the open lesson have not been "
                                              "saved and would be lost."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Open and Lose the Runs"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT),
                            "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);

  replacement = g_new0 (Replacement, 1);
  replacement->window = g_object_ref (self);
  replacement->lesson = jg_lesson_ref (lesson);
  replacement->file = file != NULL ? g_object_ref (file) : NULL;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_replace_response), replacement,
                         replacement_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_lesson_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  JgWindow *self = JG_WINDOW (object);
  GTask *task = G_TASK (result);
  LessonSource *source = g_task_get_task_data (task);
  g_autoptr(JgLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;

  /* A newer open replaced this one, or the window went away: stay quiet. */
  if (self->lesson_cancellable == NULL || g_task_get_cancellable (task) != self->lesson_cancellable)
    return;
  g_clear_object (&self->lesson_cancellable);

  if (!(lesson = g_task_propagate_pointer (task, &error)))
    {
      g_autofree char *name = source->file != NULL ? _jg_window_file_display_name (source->file)
                                                   : g_strdup (source->builtin);
      g_autofree char *title = g_strdup_printf (_("Could not open the lesson “%s”"), name);

      /* Whatever is shown, lesson and trace, stays. */
      _jg_window_show_error (self, title, error->message);
      return;
    }

  replace_lesson (self, lesson, source->file);
}

static void
load_lesson_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  LessonSource *source = task_data;
  g_autoptr(GError) error = NULL;
  JgLesson *lesson;

  lesson = source->file != NULL ? jg_lesson_load (source->file, &error)
                                : jg_lesson_find_builtin (source->builtin, &error);
  if (lesson == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, lesson, (GDestroyNotify) jg_lesson_unref);
}

static void
start_loading (JgWindow     *self,
               LessonSource *source)
{
  g_autoptr(GTask) task = NULL;

  if (self->lesson_cancellable != NULL)
    g_cancellable_cancel (self->lesson_cancellable);
  g_clear_object (&self->lesson_cancellable);
  self->lesson_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->lesson_cancellable, open_lesson_cb, NULL);
  g_task_set_source_tag (task, start_loading);
  g_task_set_task_data (task, source, (GDestroyNotify) lesson_source_free);
  g_task_run_in_thread (task, load_lesson_in_thread);
}

void
jg_window_open_lesson (JgWindow *self,
                       GFile    *file)
{
  LessonSource *source;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  source = g_new0 (LessonSource, 1);
  source->file = g_object_ref (file);
  start_loading (self, source);
}

void
jg_window_open_course (JgWindow   *self,
                       const char *id)
{
  LessonSource *source;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  source = g_new0 (LessonSource, 1);
  source->builtin = g_strdup (id);
  start_loading (self, source);
}

static void
add_lesson_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) lessons = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (lessons, _("Lessons (JSON)"));
  gtk_file_filter_add_pattern (lessons, "*.json");
  gtk_file_filter_add_mime_type (lessons, "application/json");
  gtk_file_chooser_add_filter (chooser, lessons);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
  gtk_file_chooser_set_filter (chooser, lessons);
}

static void
open_lesson_response_cb (JgWindow             *self,
                         int                   response,
                         GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        jg_window_open_lesson (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
open_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open a Lesson"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_lesson_filters (GTK_FILE_CHOOSER (native));

  g_signal_connect_object (native, "response", G_CALLBACK (open_lesson_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_course_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  jg_window_open_course (JG_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* Saving */

static void
save_lesson_response_cb (JgWindow             *self,
                         int                   response,
                         GtkFileChooserNative *native)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  JgLessonSaveFlags flags = JG_LESSON_SAVE_DEFAULT;
  const char *embed;

  if (response == GTK_RESPONSE_ACCEPT && self->lesson_view != NULL
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native))) != NULL)
    {
      embed = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (native), "embed");
      if (g_strcmp0 (embed, "true") == 0)
        flags |= JG_LESSON_SAVE_EMBED_TRACES;

      if (!jg_lesson_view_save (self->lesson_view, file, flags, &error))
        {
          g_autofree char *name = _jg_window_file_display_name (file);
          g_autofree char *title = g_strdup_printf (_("Could not save the lesson “%s”"), name);

          _jg_window_show_error (self, title, error->message);
        }
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
save_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  GtkFileChooserNative *native;
  GFile *current;

  if (self->lesson_view == NULL || jg_lesson_view_get_lesson (self->lesson_view) == NULL)
    return;

  native = gtk_file_chooser_native_new (_("Save the Lesson"),
                                        GTK_WINDOW (self->lesson_view),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_lesson_filters (GTK_FILE_CHOOSER (native));
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "embed",
                               _("Put the prepared runs inside the lesson file (one file to share)"),
                               NULL, NULL);

  current = jg_lesson_view_get_file (self->lesson_view);
  if (current != NULL)
    {
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), current, NULL);
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("%s.json", jg_lesson_get_id (jg_lesson_view_get_lesson (self->lesson_view)));

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }

  g_signal_connect_object (native, "response", G_CALLBACK (save_lesson_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
show_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  if (self->lesson_view != NULL)
    gtk_window_present (GTK_WINDOW (self->lesson_view));
}

static void
lesson_step_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);

  if (self->lesson_view == NULL)
    return;
  if (g_str_equal (action_name, "win.lesson-next"))
    jg_lesson_view_next (self->lesson_view);
  else
    jg_lesson_view_previous (self->lesson_view);
}

/* Set-up */

/* "Course: Python concurrency, step by step" for each built-in lesson, after
 * Open Lesson. A broken built-in is a broken install: the banner says so. */
static void
add_courses (JgWindow *self)
{
  g_autoptr(GPtrArray) lessons = NULL;
  g_autoptr(GError) error = NULL;

  if (!(lessons = jg_lesson_load_builtins (&error)))
    {
      _jg_window_show_error (self, _("Could not read the built-in lessons"), error->message);
      return;
    }

  for (guint i = 0; i < lessons->len; i++)
    {
      JgLesson *lesson = g_ptr_array_index (lessons, i);
      /* Translators: a main menu item that opens a built-in lesson */
      g_autofree char *label = g_strdup_printf (_("Course: %s"), jg_lesson_get_title (lesson));
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-course",
                                               g_variant_new_string (jg_lesson_get_id (lesson)));
      g_menu_insert_item (self->lesson_section, 1 + (int) i, item);
    }
}

/* A scenario chosen by hand leaves the step's set-up: processes start the
 * default way again. */
static void
on_scenario_chosen (JgWindow *self)
{
  self->start_method = JG_START_FORK;
}

void
_jg_window_init_lesson (JgWindow *self)
{
  self->start_method = JG_START_FORK;
  /* Only win.scenario (the chooser) notifies: showing a step does not. */
  g_signal_connect (self, "notify::scenario", G_CALLBACK (on_scenario_chosen), NULL);
  add_courses (self);
  update_lesson_actions (self);
}

void
_jg_window_dispose_lesson (JgWindow *self)
{
  if (self->lesson_cancellable != NULL)
    {
      g_cancellable_cancel (self->lesson_cancellable);
      g_clear_object (&self->lesson_cancellable);
    }

  /* The lesson window lives as long as this one. */
  if (self->lesson_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->lesson_view, self);
      gtk_window_destroy (GTK_WINDOW (self->lesson_view));
      g_clear_object (&self->lesson_view);
    }
}

void
_jg_window_class_init_lesson (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, JgWindow, lesson_section);

  gtk_widget_class_install_action (widget_class, "win.open-lesson", NULL, open_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.open-course", "s", open_course_action);
  gtk_widget_class_install_action (widget_class, "win.save-lesson", NULL, save_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.show-lesson", NULL, show_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.lesson-next", NULL, lesson_step_action);
  gtk_widget_class_install_action (widget_class, "win.lesson-prev", NULL, lesson_step_action);
}
