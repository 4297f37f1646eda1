/* jg-i18n.h: binding the juggler text domain, installed or from the build
 * tree (docs/translating.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the compiled catalogues are: $JUGGLER_LOCALE_DIR if it is set (the
 * build tree's po folder, for tests and uninstalled runs), else LOCALEDIR. */
const char *jg_i18n_get_locale_dir (void);

/* Binds GETTEXT_PACKAGE to that folder, with UTF-8 output. Call it after
 * setlocale () and before the first translated text. */
void        jg_i18n_init           (void);

/* The translation of a text that a data file holds in English (a scenario's,
 * a lesson's, the advisor's): their msgids reach the catalogue through the
 * extracted .pot files. NULL stays NULL. */
const char *jg_i18n_translate      (const char *text);

G_END_DECLS
