/* jg-preferences-dialog.c: binds the dialog's widgets to the settings; every
 * change applies at once, so there is nothing to confirm. */
#define G_LOG_DOMAIN "jg-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-preferences-dialog.h"

struct _JgPreferencesDialog
{
  GtkWindow      parent_instance;

  GSettings     *settings;

  /* Template widgets */
  GtkDropDown   *style_dropdown;
  GtkSpinButton *switch_interval_spin;
};

G_DEFINE_FINAL_TYPE (JgPreferencesDialog, jg_preferences_dialog, GTK_TYPE_WINDOW)

/* The drop-down's rows, in the order of the schema's Theme enum. */
static const char * const style_nicks[] = { "system", "light", "dark", "projector" };

static gboolean
style_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_nicks); i++)
    {
      if (g_str_equal (nick, style_nicks[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
style_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (style_nicks))
    return NULL;

  return g_variant_new_string (style_nicks[selected]);
}

static void
jg_preferences_dialog_dispose (GObject *object)
{
  JgPreferencesDialog *self = JG_PREFERENCES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jg_preferences_dialog_parent_class)->dispose (object);
}

static void
jg_preferences_dialog_class_init (JgPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/juggler/Juggler/jg-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JgPreferencesDialog, style_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JgPreferencesDialog, switch_interval_spin);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jg_preferences_dialog_init (JgPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "theme",
                                self->style_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_get_mapping, style_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "switch-interval",
                   self->switch_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
jg_preferences_dialog_new (GtkWindow *parent)
{
  return g_object_new (JG_TYPE_PREFERENCES_DIALOG,
                       "transient-for", parent,
                       NULL);
}
