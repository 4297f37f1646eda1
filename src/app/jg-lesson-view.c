/* jg-lesson-view.c: the lesson window. It holds the lesson and which step is
 * shown; the main window listens to "step-changed" and shows the step. Keeping
 * a run and saving the lesson happen here, through the main window's public
 * API, so this window knows nothing of its insides. */
#define G_LOG_DOMAIN "jg-lesson-view"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-gil.h"
#include "jg-lesson-view.h"
#include "jg-names.h"
#include "jg-window.h"

struct _JgLessonView
{
  GtkWindow        parent_instance;

  GtkWindow       *controller;  /* weak */
  JgLesson        *lesson;
  GFile           *file;
  guint            position;
  JgRun           *watched_run; /* the controller's run, until it finishes */
  gboolean         unsaved;     /* runs were kept since it was opened or saved */

  GtkLabel        *position_label;
  GtkLabel        *lesson_title_label;
  GtkLabel        *lesson_summary_label;
  GtkListBox      *steps_list;
  GtkLabel        *topic_label;
  GtkLabel        *step_title_label;
  GtkLabel        *setup_label;
  GtkLabel        *trace_label;
  GtkLabel        *look_at_label;
  GtkLabel        *question_label;
  GtkToggleButton *answer_button;
  GtkRevealer     *answer_revealer;
  GtkLabel        *answer_label;
};

G_DEFINE_FINAL_TYPE (JgLessonView, jg_lesson_view, GTK_TYPE_WINDOW)

enum {
  STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "Threads · 4 workers · GIL · switch interval 5 ms · start method spawn" */
static char *
step_setup (JgLessonStep *step)
{
  g_autoptr(GString) text = g_string_new (jg_lesson_step_get_scenario (step));
  const char *model = jg_lesson_step_get_model (step);
  const char *interpreter = jg_lesson_step_get_interpreter (step);
  guint workers = jg_lesson_step_get_workers (step);
  g_autoptr(GList) names = json_object_get_members (jg_lesson_step_get_parameters (step));

  g_string_append_printf (text, " · %s", jg_model_display_name (model));
  if (workers > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("%u worker", "%u workers", workers), workers);
    }
  g_string_append_printf (text, " · %s", jg_interpreter_display_name (interpreter != NULL ? interpreter : "gil"));
  if (jg_lesson_step_get_switch_interval_ms (step) > 0)
    /* Translators: the GIL's switch interval in milliseconds */
    g_string_append_printf (text, _(" · switch interval %g ms"), jg_lesson_step_get_switch_interval_ms (step));
  if (jg_lesson_step_get_start_method (step) != NULL)
    /* Translators: how worker processes start: fork, spawn or forkserver */
    g_string_append_printf (text, _(" · start method %s"), jg_lesson_step_get_start_method (step));

  /* The parameters, as the scenario names them. */
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (jg_lesson_step_get_parameters (step), l->data);

      g_string_append (text, l == names ? "\n" : ", ");
      if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        g_string_append_printf (text, "%s = %s", (const char *) l->data,
                                json_node_get_boolean (value) ? "true" : "false");
      else
        g_string_append_printf (text, "%s = %g", (const char *) l->data, json_node_get_double (value));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_actions (JgLessonView *self)
{
  guint n_steps = self->lesson != NULL ? jg_lesson_get_n_steps (self->lesson) : 0;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "lesson.previous", n_steps > 0 && self->position > 0);
  gtk_widget_action_set_enabled (widget, "lesson.next", n_steps > 0 && self->position + 1 < n_steps);
  gtk_widget_action_set_enabled (widget, "lesson.run", self->controller != NULL && n_steps > 0);
  gtk_widget_action_set_enabled (widget, "lesson.keep", jg_lesson_view_can_keep_run (self));
  gtk_widget_action_set_enabled (widget, "lesson.save", self->lesson != NULL && self->controller != NULL);
}

static void
update_trace_label (JgLessonView *self)
{
  JgLessonStep *step = jg_lesson_view_get_step (self);

  if (step == NULL)
    gtk_label_set_label (self->trace_label, "");
  else if (jg_lesson_step_get_trace (step) != NULL)
    gtk_label_set_label (self->trace_label, _("This step has a prepared run: it is shown without running anything."));
  else
    gtk_label_set_label (self->trace_label, _("No prepared run: press Run to run it live."));
}

/* The step list: a row per step, under a heading at each new topic. */
static void
step_header (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  JgLessonTopic topic = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "topic"));
  GtkWidget *header;

  if (before != NULL && GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (before), "topic")) == topic)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (jg_lesson_topic_title (topic));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_wrap (GTK_LABEL (header), TRUE);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, before != NULL ? 12 : 6);
  gtk_widget_set_margin_bottom (header, 4);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "lesson-topic");
  gtk_list_box_row_set_header (row, header);
}

static GtkWidget *
step_row (JgLessonStep *step,
          guint         index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *text = g_strdup_printf ("%u. %s", index + 1, jg_lesson_step_get_title (step));
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  /* A step that needs no run in class says so. */
  gtk_widget_set_tooltip_text (icon, _("Has a prepared run"));
  gtk_widget_set_visible (icon, jg_lesson_step_get_trace (step) != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Has a prepared run"), -1);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "topic", GUINT_TO_POINTER (jg_lesson_step_get_topic (step)));
  g_object_set_data (G_OBJECT (row), "icon", icon);
  return row;
}

static void
fill_steps (JgLessonView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);

  for (guint i = 0; self->lesson != NULL && i < jg_lesson_get_n_steps (self->lesson); i++)
    gtk_list_box_append (self->steps_list, step_row (jg_lesson_get_step (self->lesson, i), i));
}

static void
update_step_icon (JgLessonView *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->steps_list, (int) self->position);
  JgLessonStep *step = jg_lesson_view_get_step (self);

  if (row != NULL && step != NULL)
    gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "icon"), jg_lesson_step_get_trace (step) != NULL);
}

static void
show_step (JgLessonView *self)
{
  JgLessonStep *step = jg_lesson_view_get_step (self);
  g_autofree char *position = NULL;
  g_autofree char *setup = NULL;
  const char *answer;

  if (step == NULL)
    return;

  /* Translators: the lesson window's title: which step of how many */
  position = g_strdup_printf (_("Step %u of %u"), self->position + 1, jg_lesson_get_n_steps (self->lesson));
  gtk_label_set_label (self->position_label, position);

  setup = step_setup (step);
  gtk_label_set_label (self->topic_label, jg_lesson_topic_title (jg_lesson_step_get_topic (step)));
  gtk_label_set_label (self->step_title_label, jg_lesson_step_get_title (step));
  gtk_label_set_label (self->setup_label, setup);
  gtk_label_set_label (self->look_at_label, jg_lesson_step_get_look_at (step));
  gtk_label_set_label (self->question_label, jg_lesson_step_get_question (step));

  /* The answer is the teacher's: hidden again at every step. */
  answer = jg_lesson_step_get_answer (step);
  gtk_toggle_button_set_active (self->answer_button, FALSE);
  gtk_revealer_set_transition_type (self->answer_revealer, GTK_REVEALER_TRANSITION_TYPE_NONE);
  gtk_revealer_set_reveal_child (self->answer_revealer, FALSE);
  gtk_revealer_set_transition_type (self->answer_revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_label_set_label (self->answer_label, answer != NULL ? answer : "");
  gtk_widget_set_visible (GTK_WIDGET (self->answer_button), answer != NULL);

  gtk_list_box_select_row (self->steps_list, gtk_list_box_get_row_at_index (self->steps_list, (int) self->position));
  update_trace_label (self);
  update_actions (self);
}

static void
on_answer_toggled (JgLessonView *self)
{
  gtk_button_set_label (GTK_BUTTON (self->answer_button),
                        gtk_toggle_button_get_active (self->answer_button) ? _("Hide _Answer") : _("Show _Answer"));
}

static void
on_step_activated (JgLessonView  *self,
                   GtkListBoxRow *row)
{
  guint position = (guint) gtk_list_box_row_get_index (row);

  /* Showing the step again would put away a run just made from it. */
  if (position != self->position)
    jg_lesson_view_set_position (self, position);
}

/* Keep is offered once the controller's run has finished: follow its run. */
static void
on_run_finished (JgLessonView *self)
{
  g_clear_object (&self->watched_run);
  update_actions (self);
}

static void
on_controller_trace (JgLessonView *self)
{
  JgRun *run = self->controller != NULL ? jg_window_get_run (JG_WINDOW (self->controller)) : NULL;

  if (run != self->watched_run)
    {
      if (self->watched_run != NULL)
        g_signal_handlers_disconnect_by_data (self->watched_run, self);
      g_clear_object (&self->watched_run);
      if (run != NULL && !jg_run_is_finished (run))
        {
          self->watched_run = g_object_ref (run);
          g_signal_connect_swapped (run, "finished", G_CALLBACK (on_run_finished), self);
        }
    }
  update_actions (self);
}

static void
on_controller_destroyed (JgLessonView *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Actions */

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgLessonView *self = JG_LESSON_VIEW (widget);

  if (g_str_equal (action_name, "lesson.next"))
    jg_lesson_view_next (self);
  else
    jg_lesson_view_previous (self);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  JgLessonView *self = JG_LESSON_VIEW (widget);

  if (self->controller != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->controller), "win.run", NULL);
}

static void
keep_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgLessonView *self = JG_LESSON_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!jg_lesson_view_keep_run (self, &error))
    {
      GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                                  GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                  GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                  "%s", _("Could not keep the run for the step"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
      g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* The Save dialog is the main window's (its banner tells what went wrong). */
static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgLessonView *self = JG_LESSON_VIEW (widget);

  if (self->controller != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->controller), "win.save-lesson", NULL);
}

/* GObject */

static void
jg_lesson_view_dispose (GObject *object)
{
  JgLessonView *self = JG_LESSON_VIEW (object);

  if (self->watched_run != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_run, self);
  g_clear_object (&self->watched_run);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_weak_pointer (&self->controller);
  g_clear_pointer (&self->lesson, jg_lesson_unref);
  g_clear_object (&self->file);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_LESSON_VIEW);

  G_OBJECT_CLASS (jg_lesson_view_parent_class)->dispose (object);
}

static void
jg_lesson_view_class_init (JgLessonViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_lesson_view_dispose;

  /* The step shown changed (or is to be shown again). */
  signals[STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-lesson-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, position_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, lesson_title_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, lesson_summary_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, steps_list);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, topic_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, step_title_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, setup_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, trace_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, look_at_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, question_label);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, answer_button);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, answer_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgLessonView, answer_label);
  gtk_widget_class_bind_template_callback (widget_class, on_step_activated);

  gtk_widget_class_install_action (widget_class, "lesson.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "lesson.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "lesson.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "lesson.keep", NULL, keep_action);
  gtk_widget_class_install_action (widget_class, "lesson.save", NULL, save_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  key,
              GdkModifierType        modifiers,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, modifiers),
                                                          gtk_named_action_new (action)));
}

static void
jg_lesson_view_init (JgLessonView *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_header_func (self->steps_list, step_header, NULL, NULL);
  g_signal_connect_swapped (self->answer_button, "notify::active", G_CALLBACK (on_answer_toggled), self);

  /* Before the step list sees them: Page Up and Down would only move its focus. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Page_Down, 0, "lesson.next");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Page_Up, 0, "lesson.previous");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Right, GDK_ALT_MASK, "lesson.next");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_Left, GDK_ALT_MASK, "lesson.previous");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_r, GDK_CONTROL_MASK, "lesson.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_s, GDK_CONTROL_MASK, "lesson.save");
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  update_actions (self);
}

JgLessonView *
jg_lesson_view_new (GtkWindow *controller)
{
  JgLessonView *self;

  g_return_val_if_fail (JG_IS_WINDOW (controller), NULL);

  self = g_object_new (JG_TYPE_LESSON_VIEW, NULL);
  g_set_weak_pointer (&self->controller, controller);
  g_signal_connect_object (controller, "notify::trace", G_CALLBACK (on_controller_trace), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "destroy", G_CALLBACK (on_controller_destroyed), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
jg_lesson_view_set_lesson (JgLessonView *self,
                           JgLesson     *lesson,
                           GFile        *file)
{
  const char *summary;
  g_autofree char *title = NULL;

  g_return_if_fail (JG_IS_LESSON_VIEW (self));
  g_return_if_fail (lesson != NULL && jg_lesson_get_n_steps (lesson) > 0);
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  jg_lesson_ref (lesson);
  g_clear_pointer (&self->lesson, jg_lesson_unref);
  self->lesson = lesson;
  g_set_object (&self->file, file);
  self->position = 0;
  self->unsaved = FALSE;

  /* Translators: the lesson window's title, with the lesson's */
  title = g_strdup_printf (_("%s — Lesson"), jg_lesson_get_title (lesson));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_label (self->lesson_title_label, jg_lesson_get_title (lesson));
  summary = jg_lesson_get_summary (lesson);
  gtk_label_set_label (self->lesson_summary_label, summary != NULL ? summary : "");
  gtk_widget_set_visible (GTK_WIDGET (self->lesson_summary_label), summary != NULL);
  fill_steps (self);

  jg_lesson_view_set_position (self, 0);
}

JgLesson *
jg_lesson_view_get_lesson (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), NULL);

  return self->lesson;
}

GFile *
jg_lesson_view_get_file (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), NULL);

  return self->file;
}

guint
jg_lesson_view_get_position (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), 0);

  return self->position;
}

JgLessonStep *
jg_lesson_view_get_step (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), NULL);

  if (self->lesson == NULL || self->position >= jg_lesson_get_n_steps (self->lesson))
    return NULL;
  return jg_lesson_get_step (self->lesson, self->position);
}

void
jg_lesson_view_set_position (JgLessonView *self,
                             guint         position)
{
  g_return_if_fail (JG_IS_LESSON_VIEW (self));
  g_return_if_fail (self->lesson != NULL && position < jg_lesson_get_n_steps (self->lesson));

  self->position = position;
  show_step (self);
  g_signal_emit (self, signals[STEP_CHANGED], 0);
  /* The main window may now show the step's own trace. */
  update_actions (self);
}

gboolean
jg_lesson_view_next (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);

  if (self->lesson == NULL || self->position + 1 >= jg_lesson_get_n_steps (self->lesson))
    return FALSE;
  jg_lesson_view_set_position (self, self->position + 1);
  return TRUE;
}

gboolean
jg_lesson_view_previous (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);

  if (self->lesson == NULL || self->position == 0)
    return FALSE;
  jg_lesson_view_set_position (self, self->position - 1);
  return TRUE;
}

/* The finished run the controller shows, if it is one of @step's scenario
 * and model (what the lesson checks of a step's trace). */
static JgRun *
keepable_run (JgLessonView *self,
              JgLessonStep *step)
{
  JgWindow *window;
  JgTrace *trace;
  JgRun *run;

  if (self->controller == NULL || step == NULL)
    return NULL;
  window = JG_WINDOW (self->controller);
  trace = jg_window_get_trace (window);
  run = jg_window_get_run (window);
  if (trace == NULL || run == NULL || !jg_run_is_finished (run) || !jg_trace_is_finished (trace))
    return NULL;
  if (jg_run_get_status (run) == JG_RUN_FAILED || trace == jg_lesson_step_get_trace (step))
    return NULL;
  if (g_strcmp0 (jg_trace_get_scenario_id (trace), jg_lesson_step_get_scenario (step)) != 0
      || g_strcmp0 (jg_trace_get_run_info (trace)->model, jg_lesson_step_get_model (step)) != 0)
    return NULL;
  return run;
}

gboolean
jg_lesson_view_can_keep_run (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);

  return keepable_run (self, jg_lesson_view_get_step (self)) != NULL;
}

gboolean
jg_lesson_view_keep_run (JgLessonView  *self,
                         GError       **error)
{
  JgLessonStep *step;
  JgRun *run;
  JgTrace *trace;
  const JgRunOptions *options;
  const JgRunInfo *info;
  JsonObject *parameters;

  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  step = jg_lesson_view_get_step (self);
  if ((run = keepable_run (self, step)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The main window does not show a finished run of this step’s scenario and model."));
      return FALSE;
    }
  trace = jg_run_get_trace (run);
  if (!jg_lesson_step_set_trace (step, trace, error))
    return FALSE;

  /* The step now says how its trace was made, so the controls match it. */
  options = jg_run_get_options (run);
  info = jg_trace_get_run_info (trace);
  if ((parameters = jg_trace_get_parameters (trace)) != NULL)
    jg_lesson_step_set_parameters (step, parameters);
  jg_lesson_step_set_workers (step, options->workers);
  jg_lesson_step_set_interpreter (step, g_strcmp0 (info->interpreter, "gil") != 0 ? info->interpreter : NULL);
  jg_lesson_step_set_switch_interval_ms (step, options->switch_interval_ms != JG_GIL_DEFAULT_INTERVAL_MS
                                               ? options->switch_interval_ms : 0);
  jg_lesson_step_set_start_method (step, g_strcmp0 (info->start_method, "fork") != 0 ? info->start_method : NULL);

  self->unsaved = TRUE;
  show_step (self);
  update_step_icon (self);
  return TRUE;
}

gboolean
jg_lesson_view_save (JgLessonView       *self,
                     GFile              *file,
                     JgLessonSaveFlags   flags,
                     GError            **error)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->lesson != NULL, FALSE);

  if (!jg_lesson_save_full (self->lesson, file, flags, error))
    return FALSE;
  g_set_object (&self->file, file);
  self->unsaved = FALSE;
  return TRUE;
}

gboolean
jg_lesson_view_get_unsaved (JgLessonView *self)
{
  g_return_val_if_fail (JG_IS_LESSON_VIEW (self), FALSE);

  return self->unsaved;
}
