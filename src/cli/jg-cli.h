/* jg-cli.h: what the subcommands of juggler-cli share. */
#pragma once

#include <json-glib/json-glib.h>

#include "jg-advisor.h"
#include "jg-scenario.h"

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
int  jg_cli_compare (int argc, char **argv);

/* Parses @argv with @entries; prints the error and returns FALSE on bad options. */
gboolean jg_cli_parse_options (const char    *command,
                               const char    *parameter_string,
                               const char    *summary,
                               const GOptionEntry *entries,
                               int           *argc,
                               char        ***argv);
/* A scenario named on the command line: a path to a .json file, or a built-in id. */
JgScenario *jg_cli_load_scenario (const char     *name,
                                  GError        **error);
/* Puts each --set NAME=VALUE into @values (the scenario checks types and ranges). */
gboolean jg_cli_parse_sets    (char          **sets,
                               JsonObject     *values,
                               GError        **error);
/* Prints the object built by @builder as one JSON object on stdout. */
void     jg_cli_print_json    (JsonBuilder   *builder);
/* Prints one row of a text report, "  LABEL   value\n": the label padded to
 * a column, then @format's text (translated apart from the label). */
void     jg_cli_print_row     (const char    *label,
                               const char    *format,
                               ...) G_GNUC_PRINTF (2, 3);
/* Prints "juggler-cli COMMAND: message" on stderr; returns the failure status. */
int      jg_cli_fail          (const char    *command,
                               const char    *format,
                               ...) G_GNUC_PRINTF (2, 3);

/* The flags that describe a job to the advisor, as `recommend` takes them:
 * --io-bound | --cpu-bound | --mixed, --tasks N, --releases-gil,
 * --shared-state, --all-async, --background, --batch (jg-cli-facts.c). */
typedef struct
{
  JgAdvisorFacts facts;
  guint          n_workloads; /* how many of --io-bound, --cpu-bound and --mixed were given */
  char          *first;       /* the first of them */
  char          *tasks;       /* --tasks, as given */
} JgCliFacts;

/* Appends the flags, bound to @facts (zeroed), to @entries, a GArray of
 * GOptionEntry; one set of facts per process. */
void     jg_cli_facts_add_entries (JgCliFacts       *facts,
                                   GArray           *entries);
/* Whether any of the flags was given. */
gboolean jg_cli_facts_given       (const JgCliFacts *facts);
/* After parsing: one workload and a valid --tasks, which sets facts.n_tasks. */
gboolean jg_cli_facts_check       (JgCliFacts       *facts,
                                   GError          **error);
void     jg_cli_facts_clear       (JgCliFacts       *facts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JgCliFacts, jg_cli_facts_clear)

G_END_DECLS
