/* jg-cli.h: what the subcommands of juggler-cli share. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A subcommand: argv[0] is its name. Returns the process exit status. */
typedef int (*JgCliCommand) (int argc, char **argv);

int  jg_cli_info  (int argc, char **argv);
int  jg_cli_bench (int argc, char **argv);
int  jg_cli_list (int argc, char **argv);
int  jg_cli_validate (int argc, char **argv);
int  jg_cli_run (int argc, char **argv);
int  jg_cli_recommend (int argc, char **argv);
int  jg_cli_export (int argc, char **argv);
int  jg_cli_import (int argc, char **argv);
int  jg_cli_lesson (int argc, char **argv);
int  jg_cli_caption (int argc, char **argv);

/* Parses @argv with @entries; prints the error and returns FALSE on bad options. */
gboolean jg_cli_parse_options (const char    *command,
                               const char    *parameter_string,
                               const char    *summary,
                               const GOptionEntry *entries,
                               int           *argc,
                               char        ***argv);
/* Prints the object built by @builder as one JSON object on stdout. */
void     jg_cli_print_json    (JsonBuilder   *builder);
/* Prints "juggler-cli COMMAND: message" on stderr; returns the failure status. */
int      jg_cli_fail          (const char    *command,
                               const char    *format,
                               ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
