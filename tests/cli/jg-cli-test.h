/* jg-cli-test.h: running the real juggler-cli (JUGGLER_CLI) from the CLI tests
 * and reading what it printed. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  int   status; /* the exit status */
  char *out;
  char *err;
} JgCliResult;

void                 jg_cli_result_clear      (JgCliResult         *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JgCliResult, jg_cli_result_clear)

/* Sets @name=@value in the environment of every juggler-cli started from now
 * on (e.g. XDG_CACHE_HOME, so runs keep their CPU calibration to themselves). */
void                 jg_cli_test_setenv       (const char          *name,
                                               const char          *value);

/* A launcher with stdout and stderr piped, for callers that set variables or a
 * child setup before spawning. */
GSubprocessLauncher *jg_cli_test_launcher     (void);
/* Starts juggler-cli with @arguments (NULL-terminated); @launcher may be NULL. */
GSubprocess         *jg_cli_test_spawnv       (GSubprocessLauncher *launcher,
                                               const char * const  *arguments);
/* Waits for it to exit and collects what it printed. */
JgCliResult          jg_cli_test_finish       (GSubprocess         *process);
JgCliResult          jg_cli_test_runv         (GSubprocessLauncher *launcher,
                                               const char * const  *arguments);
JgCliResult          jg_cli_test_run          (const char          *first,
                                               ...) G_GNUC_NULL_TERMINATED;
/* Asserts @text is one JSON object and returns it. */
JsonObject          *jg_cli_test_parse_object (const char          *text);

G_END_DECLS
