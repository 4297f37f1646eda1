/* jg-wizard.h: "Which model fits my job?" — the advisor's decision tree as a
 * step-by-step assistant, one page per question, ending on a recommendation
 * whose "Show me" runs a job like the user's under the recommended model and
 * its alternatives in a compare window. */
#pragma once

#include <gtk/gtk.h>

#include "jg-advisor.h"

G_BEGIN_DECLS

#define JG_TYPE_WIZARD (jg_wizard_get_type ())
G_DECLARE_FINAL_TYPE (JgWizard, jg_wizard, JG, WIZARD, GtkWindow)

/* A wizard for @advisor's tree, transient for @parent (may be NULL). */
GtkWidget     *jg_wizard_new                (GtkWindow *parent,
                                             JgAdvisor *advisor);
/* Where the user is: the question shown and the answers so far. */
JgAdvisorWalk *jg_wizard_get_walk           (JgWizard  *self);
/* The button of option @option on the page shown; NULL on the
 * recommendation page or past the last option. */
GtkWidget     *jg_wizard_get_option_button  (JgWizard  *self,
                                             guint      option);
/* The compare window "Show me" opened last, or NULL. */
GtkWindow     *jg_wizard_get_compare_window (JgWizard  *self);

G_END_DECLS
