/* jg-trace-file.h: the native .juggler trace file (docs/trace-format.md).
 *
 * A versioned JSON document written and read with json-glib. Saving is atomic:
 * the file is written beside its destination and renamed over it. Loading trusts
 * nothing: every size, count, index and type is checked, and a bad file gets a
 * JG_TRACE_FILE_ERROR saying what is wrong and where. */
#pragma once

#include <gio/gio.h>

#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_TRACE_FILE_FORMAT  "juggler-trace"
#define JG_TRACE_FILE_VERSION 1
#define JG_TRACE_FILE_MIME_TYPE "application/x-juggler-trace"

#define JG_TRACE_FILE_ERROR (jg_trace_file_error_quark ())

typedef enum
{
  JG_TRACE_FILE_ERROR_NOT_JSON,    /* not a JSON document at all */
  JG_TRACE_FILE_ERROR_NOT_A_TRACE, /* JSON, but not a Juggler trace */
  JG_TRACE_FILE_ERROR_VERSION,     /* a version this build cannot read */
  JG_TRACE_FILE_ERROR_INVALID,     /* a field is missing, of the wrong type or out of range */
} JgTraceFileError;

GQuark    jg_trace_file_error_quark (void);

gboolean  jg_trace_file_save        (JgTrace       *trace,
                                     GFile         *file,
                                     GCancellable  *cancellable,
                                     GError       **error);
JgTrace  *jg_trace_file_load        (GFile         *file,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* The same, from memory; @where names the source in errors. */
JgTrace  *jg_trace_file_load_data   (const char    *data,
                                     gsize          length,
                                     const char    *where,
                                     GError       **error);

G_END_DECLS
