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
/* A new temporary folder from @tmpl ("juggler-cli-…-XXXXXX"), whose "cache"
 * folder every juggler-cli started from now on keeps its CPU calibration in.
 * Remove it with test_remove_tree (). */
char                *jg_cli_test_make_tmp_dir (const char          *tmpl);

/* A launcher with stdout and stderr piped, for callers that set variables or a
 * child setup before spawning. */
GSubprocessLauncher *jg_cli_test_launcher     (void);
/* The same in the C locale, for tests that look for the English originals. */
GSubprocessLauncher *jg_cli_test_launcher_c_locale (void);
/* A child setup that ignores SIGINT until juggler-cli installs its own
 * handler: an interrupt that comes before that is lost, not fatal. */
void                 jg_cli_test_ignore_sigint (gpointer            data);
/* Starts juggler-cli with @arguments (NULL-terminated); @launcher may be NULL. */
GSubprocess         *jg_cli_test_spawnv       (GSubprocessLauncher *launcher,
                                               const char * const  *arguments);
/* Waits for it to exit and collects what it printed. */
JgCliResult          jg_cli_test_finish       (GSubprocess         *process);
JgCliResult          jg_cli_test_runv         (GSubprocessLauncher *launcher,
                                               const char * const  *arguments);
JgCliResult          jg_cli_test_run          (const char          *first,
                                               ...) G_GNUC_NULL_TERMINATED;
/* @command (when not NULL), then @first and the rest of @args up to NULL, as
 * a NULL-terminated array for jg_cli_test_runv (); for callers' own varargs. */
GPtrArray           *jg_cli_test_argv_valist  (const char          *command,
                                               const char          *first,
                                               va_list              args);
/* Interrupts @process as Ctrl+C does, again and again until it exits (30 s at
 * most), the first time after @delay_ms; with @whole_group, its whole process
 * group, as a terminal does. Then collects what it printed. */
JgCliResult          jg_cli_test_interrupt    (GSubprocess         *process,
                                               guint                delay_ms,
                                               gboolean             whole_group);
/* Asserts @text is one JSON object and returns it. */
JsonObject          *jg_cli_test_parse_object (const char          *text);

G_END_DECLS
