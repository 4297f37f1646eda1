/* jg-i18n.c: binding the juggler text domain, installed or from the build
 * tree. Both programs call it, so an uninstalled build speaks the user's
 * language as soon as its catalogues are compiled. */
#define G_LOG_DOMAIN "jg-i18n"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "jg-i18n.h"

const char *
jg_i18n_get_locale_dir (void)
{
  const char *dir = g_getenv ("JUGGLER_LOCALE_DIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

void
jg_i18n_init (void)
{
  bindtextdomain (GETTEXT_PACKAGE, jg_i18n_get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}

const char *
jg_i18n_translate (const char *text)
{
  return text != NULL ? g_dgettext (GETTEXT_PACKAGE, text) : NULL;
}
