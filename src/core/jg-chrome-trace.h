/* jg-chrome-trace.h: Chrome Trace Event JSON, the format Perfetto and
 * chrome://tracing open and tools such as VizTracer write (docs/chrome-trace.md).
 *
 * Export streams the JSON text (a million events never become a million JSON
 * nodes) and writes files atomically. Import reads Juggler's own exports back
 * exactly and maps other tools' slices to tasks; what it cannot map is counted
 * in a report, never dropped silently. */
#pragma once

#include <gio/gio.h>

#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

/* otherData.format of a Juggler export: how the importer recognises one. */
#define JG_CHROME_TRACE_FORMAT  "juggler-chrome-trace"
#define JG_CHROME_TRACE_VERSION 1

/* Above this, an import is refused before anything is read. */
#define JG_CHROME_TRACE_MAX_FILE_BYTES ((guint64) 2 << 30)
/* More samples than this per metric counter are averaged per time bucket. */
#define JG_CHROME_TRACE_MAX_COUNTER_SAMPLES 32768u

/* The categories ("cat") of what Juggler writes; the importer reads them back. */
#define JG_CHROME_CAT_TASK     "juggler.task"     /* a task's lifetime: X on its track */
#define JG_CHROME_CAT_STATE    "juggler.state"    /* a state span: X inside the task's */
#define JG_CHROME_CAT_IO       "juggler.io"       /* an I/O call: X inside a state, or i */
#define JG_CHROME_CAT_LOCK     "juggler.lock"     /* lock wait/acquire/release: i */
#define JG_CHROME_CAT_GIL      "juggler.gil"      /* holder spans: X; drop requests: i */
#define JG_CHROME_CAT_HANDOFF  "juggler.handoff"  /* GIL hand-offs: s/f flow pairs */
#define JG_CHROME_CAT_MARK     "juggler.mark"     /* marks: global i */
#define JG_CHROME_CAT_COUNTER  "juggler.counter"  /* the trace's counters: C */
#define JG_CHROME_CAT_METRICS  "juggler.metrics"  /* concurrency and parallelism: C */

#define JG_CHROME_TRACE_ERROR (jg_chrome_trace_error_quark ())

typedef enum
{
  JG_CHROME_TRACE_ERROR_NOT_JSON,  /* not a JSON document at all */
  JG_CHROME_TRACE_ERROR_NOT_TRACE, /* JSON, but not a Chrome trace */
  JG_CHROME_TRACE_ERROR_INVALID,   /* an event or a field is wrong */
  JG_CHROME_TRACE_ERROR_TOO_LARGE, /* more than Juggler holds */
} JgChromeTraceError;

GQuark   jg_chrome_trace_error_quark (void);

/* Writes @trace as Chrome Trace Event JSON. @spans must be (or have been) fed
 * @trace; NULL computes them. Only the events @spans has consumed are written,
 * so a live trace gives a consistent snapshot. */
gboolean jg_chrome_trace_write       (JgTrace        *trace,
                                      JgSpans        *spans,
                                      GOutputStream  *stream,
                                      GCancellable   *cancellable,
                                      GError        **error);
/* The same into @file, atomically: written beside it and renamed over it, so a
 * failure leaves whatever was there before. */
gboolean jg_chrome_trace_export      (JgTrace        *trace,
                                      JgSpans        *spans,
                                      GFile          *file,
                                      GCancellable   *cancellable,
                                      GError        **error);

/* What an import could not map, counted by kind. */
typedef struct _JgChromeImportReport JgChromeImportReport;

/* Reads a Chrome trace: `{"traceEvents": [...]}` or a bare array of events.
 * @report (nullable) receives what was not mapped; free it with
 * jg_chrome_import_report_free (). */
JgTrace *jg_chrome_trace_import      (GFile                 *file,
                                      JgChromeImportReport **report,
                                      GCancellable          *cancellable,
                                      GError               **error);
/* The same from memory; @where names the source in errors. */
JgTrace *jg_chrome_trace_import_data (const char            *data,
                                      gsize                  length,
                                      const char            *where,
                                      JgChromeImportReport **report,
                                      GError               **error);

/* TRUE if the file was a Juggler export, read back exactly. */
gboolean     jg_chrome_import_report_is_juggler    (const JgChromeImportReport *report);
/* Events in traceEvents, whatever became of them. */
guint64      jg_chrome_import_report_get_n_read    (const JgChromeImportReport *report);
/* Events that were not imported, all kinds together. */
guint64      jg_chrome_import_report_get_n_unmapped (const JgChromeImportReport *report);
/* Kinds with a count, in a stable order: a short id ("async", "flow", ...),
 * a sentence a person reads, and how many. Kinds that did not occur are left
 * out. Includes notes on what was folded rather than dropped (nested slices). */
guint        jg_chrome_import_report_get_n_items   (const JgChromeImportReport *report);
const char  *jg_chrome_import_report_get_item      (const JgChromeImportReport *report,
                                                    guint                       index,
                                                    guint64                    *count,
                                                    gboolean                   *unmapped);
/* One line per item, e.g. "312 async events (ph b/e/n) were not imported". */
char        *jg_chrome_import_report_describe_item (const JgChromeImportReport *report,
                                                    guint                       index);
void         jg_chrome_import_report_free          (JgChromeImportReport       *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgChromeImportReport, jg_chrome_import_report_free)

G_END_DECLS
