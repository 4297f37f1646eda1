/* jg-caption-bar.c: the caption and the presenter's controls. The caption
 * label is also the bar's accessible description, so a screen reader says
 * what just happened as the play head moves. */
#define G_LOG_DOMAIN "jg-caption-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-caption-bar.h"

struct _JgCaptionBar
{
  GtkWidget  parent_instance;

  gboolean   presenting;
  gboolean   show_controls;

  GtkLabel  *text_label;
  GtkLabel  *detail_label;
  GtkWidget *controls_box;
};

G_DEFINE_FINAL_TYPE (JgCaptionBar, jg_caption_bar, GTK_TYPE_WIDGET)

static void
update_controls (JgCaptionBar *self)
{
  gtk_widget_set_visible (self->controls_box, self->presenting && self->show_controls);
}

static void
jg_caption_bar_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), JG_TYPE_CAPTION_BAR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jg_caption_bar_parent_class)->dispose (object);
}

static void
jg_caption_bar_class_init (JgCaptionBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_caption_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "captionbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-caption-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, JgCaptionBar, text_label);
  gtk_widget_class_bind_template_child (widget_class, JgCaptionBar, detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgCaptionBar, controls_box);
}

static void
jg_caption_bar_init (JgCaptionBar *self)
{
  self->show_controls = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Explanation"),
                                  -1);
  jg_caption_bar_set_caption (self, NULL, NULL);
  update_controls (self);
}

GtkWidget *
jg_caption_bar_new (void)
{
  return g_object_new (JG_TYPE_CAPTION_BAR, NULL);
}

void
jg_caption_bar_set_caption (JgCaptionBar *self,
                            const char   *text,
                            const char   *detail)
{
  g_return_if_fail (JG_IS_CAPTION_BAR (self));

  if (text == NULL)
    text = _("Nothing has happened yet.");
  if (g_strcmp0 (gtk_label_get_label (self->text_label), text) == 0
      && g_strcmp0 (gtk_label_get_label (self->detail_label), detail != NULL ? detail : "") == 0)
    return;

  gtk_label_set_label (self->text_label, text);
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

const char *
jg_caption_bar_get_text (JgCaptionBar *self)
{
  g_return_val_if_fail (JG_IS_CAPTION_BAR (self), NULL);

  return gtk_label_get_label (self->text_label);
}

const char *
jg_caption_bar_get_detail (JgCaptionBar *self)
{
  g_return_val_if_fail (JG_IS_CAPTION_BAR (self), NULL);

  return gtk_label_get_label (self->detail_label);
}

void
jg_caption_bar_set_presenting (JgCaptionBar *self,
                               gboolean      presenting)
{
  g_return_if_fail (JG_IS_CAPTION_BAR (self));

  self->presenting = !!presenting;
  if (self->presenting)
    gtk_widget_add_css_class (GTK_WIDGET (self), "presenting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "presenting");
  update_controls (self);
}

gboolean
jg_caption_bar_get_presenting (JgCaptionBar *self)
{
  g_return_val_if_fail (JG_IS_CAPTION_BAR (self), FALSE);

  return self->presenting;
}

void
jg_caption_bar_set_show_controls (JgCaptionBar *self,
                                  gboolean      show_controls)
{
  g_return_if_fail (JG_IS_CAPTION_BAR (self));

  self->show_controls = !!show_controls;
  update_controls (self);
}
