/* jg-preferences-dialog.h: the Preferences window: the colour style and the
 * switch interval new runs start with. Both are GSettings keys. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define JG_TYPE_PREFERENCES_DIALOG (jg_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (JgPreferencesDialog, jg_preferences_dialog, JG, PREFERENCES_DIALOG, GtkWindow)

GtkWidget *jg_preferences_dialog_new (GtkWindow *parent);

G_END_DECLS
