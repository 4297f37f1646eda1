/* jg-wizard.c: the decision wizard. The pages are made from the advisor's tree
 * when the wizard opens; a JgAdvisorWalk keeps the answers, so Back is the
 * walk's own. */
#define G_LOG_DOMAIN "jg-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-compare-window.h"
#include "jg-format.h"
#include "jg-names.h"
#include "jg-wizard.h"

/* One page per question. */
typedef struct
{
  const JgAdvisorQuestion *question;
  GPtrArray               *buttons; /* GtkToggleButton, one per option */
} Page;

struct _JgWizard
{
  GtkWindow      parent_instance;

  JgAdvisor     *advisor;
  JgAdvisorWalk *walk;
  GHashTable    *pages;          /* question id -> Page */
  GtkWindow     *compare_window; /* weak: the one "Show me" opened last */

  /* Template widgets */
  GtkLabel      *progress_label;
  GtkStack      *stack;
  GtkLabel      *title_label;
  GtkLabel      *api_label;
  GtkLabel      *why_label;
  GtkLabel      *watch_out_label;
  GtkLabel      *runner_up_label;
  GtkLabel      *pitfalls_label;
  GtkLabel      *show_me_label;
  GtkWidget     *tasks_box;
  GtkSpinButton *tasks_spin;
  GtkButton     *back_button;
  GtkButton     *restart_button;
  GtkButton     *next_button;
  GtkButton     *show_me_button;
};

G_DEFINE_FINAL_TYPE (JgWizard, jg_wizard, GTK_TYPE_WINDOW)

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->buttons);
  g_free (page);
}

static Page *
current_page (JgWizard *self)
{
  const JgAdvisorQuestion *question = jg_advisor_walk_get_question (self->walk);

  return question != NULL ? g_hash_table_lookup (self->pages, question->id) : NULL;
}

/* The option chosen on @page, or -1. */
static int
page_choice (Page *page)
{
  for (guint i = 0; i < page->buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (page->buttons, i)))
      return (int) i;
  return -1;
}

/* The most questions still to come from @question on, itself included. The
 * tree is checked to have no cycle, so this ends. */
static guint
questions_left (JgAdvisor               *advisor,
                const JgAdvisorQuestion *question)
{
  guint most = 0;

  for (guint i = 0; i < question->n_options; i++)
    {
      const JgAdvisorQuestion *next = jg_advisor_find_question (advisor, question->options[i].next);

      if (next != NULL)
        most = MAX (most, questions_left (advisor, next));
    }
  return most + 1;
}

/* A bulleted list under a bold heading, as Pango markup. */
static char *
bullets_markup (const char         *heading,
                const char * const *items)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *escaped = g_markup_escape_text (heading, -1);

  g_string_append_printf (markup, "<b>%s</b>", escaped);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_autofree char *item = g_markup_escape_text (items[i], -1);

      g_string_append_printf (markup, "\n•  %s", item);
    }
  return g_string_free (g_steal_pointer (&markup), FALSE);
}

static char *
spec_display_name (const JgAdvisorRunSpec *spec)
{
  const char *model = jg_model_display_name (spec->model);

  if (spec->interpreter != NULL && g_str_equal (spec->interpreter, "free-threaded"))
    /* Translators: a model run on the free-threaded interpreter: "Threads (free-threaded)" */
    return g_strdup_printf (_("%s (free-threaded)"), model);
  if (spec->workers > 0)
    /* Translators: a model and its pool's size: "Threads (10 workers)" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u worker)", "%s (%u workers)", spec->workers),
                            model, spec->workers);
  return g_strdup (model);
}

static void
show_recommendation (JgWizard                      *self,
                     const JgAdvisorRecommendation *recommendation)
{
  const JgAdvisorShowMe *show_me = &recommendation->show_me;
  g_autofree char *runner_up = NULL;
  g_autofree char *watch_out = NULL;
  g_autofree char *pitfalls = NULL;
  g_autofree char *io = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *models = NULL;
  g_autofree char *show_me_text = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint tasks = jg_advisor_walk_get_show_me_tasks (self->walk);

  gtk_label_set_label (self->title_label, recommendation->title);
  gtk_label_set_label (self->api_label, recommendation->api);
  gtk_widget_set_visible (GTK_WIDGET (self->api_label), recommendation->api != NULL);
  gtk_label_set_label (self->why_label, recommendation->why);

  watch_out = bullets_markup (_("Watch out for"), (const char * const *) recommendation->watch_out);
  gtk_label_set_markup (self->watch_out_label, watch_out);
  gtk_widget_set_visible (GTK_WIDGET (self->watch_out_label),
                          recommendation->watch_out != NULL && recommendation->watch_out[0] != NULL);

  /* Translators: the second-best model, e.g. "Runner-up: Threads" */
  runner_up = g_strdup_printf (_("Runner-up: %s"), recommendation->runner_up_title);
  gtk_label_set_label (self->runner_up_label, runner_up);
  pitfalls = bullets_markup (_("Why not the runner-up"), (const char * const *) recommendation->pitfalls);
  gtk_label_set_markup (self->pitfalls_label, pitfalls);

  for (guint i = 0; i < show_me->n_compare; i++)
    g_ptr_array_add (names, spec_display_name (&show_me->compare[i]));
  g_ptr_array_add (names, NULL);
  models = g_strjoinv (", ", (char **) names->pdata);
  io = jg_format_duration ((guint64) (show_me->io_ms * 1e6));
  cpu = jg_format_duration ((guint64) (show_me->cpu_ms * 1e6));
  /* Translators: what "Show me" runs: "…each task waits 200 ms, then computes 1 ms — under Asyncio, Threads, Sequential." */
  show_me_text = g_strdup_printf (_("“Show me” runs a job like yours — each task waits %s, then computes %s — "
                                    "under %s, one after another, and compares them."),
                                  io, cpu, models);
  gtk_label_set_label (self->show_me_label, show_me_text);

  gtk_spin_button_set_range (self->tasks_spin, 1, MAX (show_me->max_tasks, 1));
  gtk_spin_button_set_value (self->tasks_spin, tasks);
}

static void
update (JgWizard *self)
{
  const JgAdvisorQuestion *question = jg_advisor_walk_get_question (self->walk);
  const JgAdvisorRecommendation *recommendation = jg_advisor_walk_get_recommendation (self->walk);
  guint step = jg_advisor_walk_get_n_steps (self->walk) + 1;
  g_autofree char *progress = NULL;
  Page *page = current_page (self);

  if (question != NULL)
    {
      guint most = step - 1 + questions_left (self->advisor, question);

      gtk_stack_set_visible_child_name (self->stack, question->id);
      if (most == step)
        /* Translators: the wizard's progress on its last question */
        progress = g_strdup_printf (_("Question %u — the last one"), step);
      else
        /* Translators: the wizard's progress; how many questions depends on the answers */
        progress = g_strdup_printf (_("Question %u of at most %u"), step, most);
    }
  else
    {
      show_recommendation (self, recommendation);
      gtk_stack_set_visible_child_name (self->stack, "recommendation");
      /* Translators: the wizard's progress at the end */
      progress = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Recommendation, after %u answer",
                                               "Recommendation, after %u answers",
                                               step - 1),
                                  step - 1);
    }
  gtk_label_set_label (self->progress_label, progress);

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), question != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->show_me_button), question == NULL);
  gtk_widget_set_visible (self->tasks_box, question == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->restart_button), question == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", step > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.restart", step > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", page != NULL && page_choice (page) >= 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.show-me", recommendation != NULL);

  gtk_window_set_default_widget (GTK_WINDOW (self),
                                 GTK_WIDGET (question != NULL ? self->next_button : self->show_me_button));
  /* Keyboard users land on the choice to make, not on a text to select. */
  if (question == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->show_me_button));
  else if (page != NULL)
    gtk_widget_grab_focus (g_ptr_array_index (page->buttons, MAX (page_choice (page), 0)));
}

static void
on_option_toggled (JgWizard        *self,
                   GtkToggleButton *button)
{
  update (self);
}

static void
set_scale (GtkLabel *label,
           double    scale)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

static GtkWidget *
build_page (JgWizard                *self,
            const JgAdvisorQuestion *question)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *text = gtk_label_new (question->text);
  GtkWidget *help = gtk_label_new (question->help);
  GtkWidget *options = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  Page *page = g_new0 (Page, 1);
  GtkToggleButton *group = NULL;

  page->question = question;
  page->buttons = g_ptr_array_new ();

  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 50);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_widget_add_css_class (text, "title-2");
  gtk_box_append (GTK_BOX (box), text);

  gtk_label_set_wrap (GTK_LABEL (help), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (help), 64);
  gtk_label_set_xalign (GTK_LABEL (help), 0);
  set_scale (GTK_LABEL (help), 1.1);
  gtk_widget_set_visible (help, question->help != NULL && question->help[0] != '\0');
  gtk_box_append (GTK_BOX (box), help);

  gtk_widget_set_margin_top (options, 12);
  for (guint i = 0; i < question->n_options; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *label = gtk_label_new (question->options[i].label);
      GtkWidget *content;
      GtkWidget *check;

      /* Big targets with room to read: a class full of people looks at them. */
      set_scale (GTK_LABEL (label), 1.2);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 56);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 10);
      gtk_widget_set_margin_bottom (label, 10);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (content), label);
      /* A tick as well as the pressed look, which is faint on a projector. */
      check = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_set_margin_end (check, 8);
      g_object_bind_property (button, "active", check, "visible", G_BINDING_SYNC_CREATE);
      gtk_box_append (GTK_BOX (content), check);
      gtk_button_set_child (GTK_BUTTON (button), content);

      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      g_signal_connect_object (button, "toggled", G_CALLBACK (on_option_toggled), self, G_CONNECT_SWAPPED);

      g_ptr_array_add (page->buttons, button);
      gtk_box_append (GTK_BOX (options), button);
    }
  gtk_box_append (GTK_BOX (box), options);

  g_hash_table_insert (self->pages, question->id, page);
  return box;
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWizard *self = JG_WIZARD (widget);

  if (jg_advisor_walk_back (self->walk))
    update (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgWizard *self = JG_WIZARD (widget);
  Page *page = current_page (self);
  int choice = page != NULL ? page_choice (page) : -1;

  if (choice >= 0 && jg_advisor_walk_answer (self->walk, (guint) choice))
    update (self);
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgWizard *self = JG_WIZARD (widget);

  while (jg_advisor_walk_back (self->walk))
    ;
  update (self);
}

/* What the user told the wizard, as the advisor's facts; what nobody asked
 * stays at its default. */
static void
walk_facts (JgAdvisorWalk  *walk,
            guint           n_tasks,
            JgAdvisorFacts *facts)
{
  *facts = (JgAdvisorFacts) { .workload = JG_WORKLOAD_IO, .n_tasks = MAX (n_tasks, 1) };

  for (guint i = 0; i < jg_advisor_walk_get_n_steps (walk); i++)
    {
      guint option;
      const JgAdvisorQuestion *question = jg_advisor_walk_get_step (walk, i, &option);
      const JgAdvisorOption *o = &question->options[option];

      switch (question->fact)
        {
        case JG_ADVISOR_FACT_WORKLOAD:
          facts->workload = o->workload;
          break;
        case JG_ADVISOR_FACT_TASKS:
          facts->n_tasks = o->typical_tasks > 0 ? o->typical_tasks : MAX (o->min_tasks, 1);
          break;
        case JG_ADVISOR_FACT_RELEASES_GIL:
          facts->releases_gil = o->yes;
          break;
        case JG_ADVISOR_FACT_SHARED_STATE:
          facts->shared_state = o->yes;
          break;
        case JG_ADVISOR_FACT_ALL_ASYNC:
          facts->all_async = o->yes;
          break;
        case JG_ADVISOR_FACT_BACKGROUND:
          facts->background = o->yes;
          break;
        case JG_ADVISOR_FACT_BATCH:
          facts->batch = o->yes;
          break;
        case JG_ADVISOR_N_FACTS:
        default:
          g_assert_not_reached ();
        }
    }
}

static void
show_error (JgWizard   *self,
            const char *message)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              "%s", _("Could not run the comparison"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_me_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgWizard *self = JG_WIZARD (widget);
  const JgAdvisorRecommendation *recommendation = jg_advisor_walk_get_recommendation (self->walk);
  guint n_tasks = (guint) gtk_spin_button_get_value_as_int (self->tasks_spin);
  g_autoptr(JgScenarioPlan) plan = NULL;
  g_autoptr(JgCompare) compare = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *window;
  JgAdvisorFacts facts;

  g_return_if_fail (recommendation != NULL);

  plan = jg_compare_plan_from_show_me (&recommendation->show_me, n_tasks);
  compare = jg_compare_new (plan, NULL);
  for (guint i = 0; i < recommendation->show_me.n_compare; i++)
    if (jg_compare_add_run_spec (compare, &recommendation->show_me.compare[i], 0, &error) < 0)
      {
        show_error (self, error->message);
        return;
      }
  walk_facts (self->walk, n_tasks, &facts);
  jg_compare_set_recommendation (compare, self->advisor, recommendation, &facts);

  /* Beside the main window rather than over the wizard, so both stay usable. */
  window = jg_compare_window_new (parent != NULL ? parent : GTK_WINDOW (self));
  if (!jg_compare_window_start (JG_COMPARE_WINDOW (window), compare, &error))
    {
      gtk_window_destroy (GTK_WINDOW (window));
      show_error (self, error->message);
      return;
    }

  if (self->compare_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->compare_window), (gpointer *) &self->compare_window);
  self->compare_window = GTK_WINDOW (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->compare_window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
jg_wizard_dispose (GObject *object)
{
  JgWizard *self = JG_WIZARD (object);

  if (self->compare_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->compare_window), (gpointer *) &self->compare_window);
  self->compare_window = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_WIZARD);

  G_OBJECT_CLASS (jg_wizard_parent_class)->dispose (object);
}

static void
jg_wizard_finalize (GObject *object)
{
  JgWizard *self = JG_WIZARD (object);

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->walk, jg_advisor_walk_free);
  g_clear_pointer (&self->advisor, jg_advisor_unref);

  G_OBJECT_CLASS (jg_wizard_parent_class)->finalize (object);
}

static void
jg_wizard_class_init (JgWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_wizard_dispose;
  object_class->finalize = jg_wizard_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, JgWizard, progress_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, api_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, why_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, watch_out_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, runner_up_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, pitfalls_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, show_me_label);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, tasks_box);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, tasks_spin);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, restart_button);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, JgWizard, show_me_button);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "wizard.show-me", NULL, show_me_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "wizard.back", NULL);
}

static void
jg_wizard_init (JgWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) page_free);
}

GtkWidget *
jg_wizard_new (GtkWindow *parent,
               JgAdvisor *advisor)
{
  JgWizard *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (advisor != NULL, NULL);

  self = g_object_new (JG_TYPE_WIZARD, "transient-for", parent, NULL);
  self->advisor = jg_advisor_ref (advisor);
  self->walk = jg_advisor_walk_new (advisor);

  for (guint i = 0; i < jg_advisor_get_n_questions (advisor); i++)
    {
      const JgAdvisorQuestion *question = jg_advisor_get_question (advisor, i);

      gtk_stack_add_named (self->stack, build_page (self, question), question->id);
    }
  update (self);

  return GTK_WIDGET (self);
}

JgAdvisorWalk *
jg_wizard_get_walk (JgWizard *self)
{
  g_return_val_if_fail (JG_IS_WIZARD (self), NULL);
  return self->walk;
}

GtkWidget *
jg_wizard_get_option_button (JgWizard *self,
                             guint     option)
{
  Page *page;

  g_return_val_if_fail (JG_IS_WIZARD (self), NULL);

  page = current_page (self);
  if (page == NULL || option >= page->buttons->len)
    return NULL;
  return g_ptr_array_index (page->buttons, option);
}

GtkWindow *
jg_wizard_get_compare_window (JgWizard *self)
{
  g_return_val_if_fail (JG_IS_WIZARD (self), NULL);
  return self->compare_window;
}
