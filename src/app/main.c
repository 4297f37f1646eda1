/* main.c: the juggler program: sets up translations and resources, then runs
 * the application. Everything else lives in the juggler-app library. */
#define G_LOG_DOMAIN "juggler"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-application.h"
#include "jg-i18n.h"
#include "jg-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JgApplication) app = NULL;

  /* GTK calls setlocale () itself when it starts: binding before is enough. */
  jg_i18n_init ();
  textdomain (GETTEXT_PACKAGE);

  /* The resources live in a static library: register them by hand so the
   * linker cannot drop them. */
  jg_register_resource ();

  app = jg_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
