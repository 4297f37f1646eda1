/* jg-trace-bench.h: large-trace figures for `juggler-cli bench` (issue 6):
 * loading a 10-million-event native trace, its memory per event, and the
 * Chrome export of a million events, on synthetic traces shaped like real runs. */
#pragma once

#include <gio/gio.h>

#include "jg-trace.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 large_events;           /* events in the saved and loaded trace */
  double  save_large_s;           /* jg_trace_file_save of it */
  double  load_large_s;           /* jg_trace_file_load of it */
  double  load_10m_s;             /* load_large_s scaled to 10,000,000 events */
  double  bytes_per_event_memory; /* jg_trace_get_memory_bytes () / events, loaded */
  double  bytes_per_event_file;   /* the native file's size / events */
  guint64 export_events;          /* events in the exported trace */
  double  export_chrome_s;        /* jg_chrome_trace_export, spans already computed */
  double  export_chrome_1m_s;     /* export_chrome_s scaled to 1,000,000 events */
  double  bytes_per_event_chrome; /* the JSON file's size / events */
  guint64 peak_rss_bytes;         /* the process's peak resident set so far */
} JgTraceBenchFigures;

/* A finished trace of @n_events events recorded the way a threads run under
 * the GIL records them: @n_threads threads run tasks one after another; each
 * task begins, runs in bursts of a switch interval, waits for the GIL, does
 * blocking I/O with the GIL dropped, and ends. Takes, drops, drop requests and
 * hand-offs follow CPython's protocol; a counter samples the GIL's waiters.
 * Deterministic for a given @seed; events in time order. */
JgTrace  *jg_trace_bench_make_trace (guint64   n_events,
                                     guint     n_threads,
                                     guint32   seed);

/* Saves and loads a trace of @large_events (10,000,000 for the issue's
 * figures) and exports one of @export_events (1,000,000) as Chrome JSON, in a
 * temporary folder removed afterwards. The generated trace is freed before the
 * load, so the peak resident set is that of one trace plus the loader's. */
gboolean  jg_trace_bench_run        (guint64               large_events,
                                     guint64               export_events,
                                     JgTraceBenchFigures  *figures,
                                     GCancellable         *cancellable,
                                     GError              **error);

G_END_DECLS
