/* jg-chrome-trace.c: exporting a trace as Chrome Trace Event JSON
 * (docs/chrome-trace.md); the import is in jg-chrome-trace-import.c.
 *
 * The JSON text is written by hand into a buffer, because a million events as
 * JsonNodes would cost gigabytes. Every track's slices nest strictly, the way
 * Perfetto's importer requires, and times are written so that readers which
 * truncate (double µs × 1000) and readers which round get the same nanosecond. */
#define G_LOG_DOMAIN "jg-chrome-trace"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "jg-atomic-file.h"
#include "jg-chrome-trace.h"

#define WRITER_BUFFER   (1u << 20)
#define FLUSH_AT        (WRITER_BUFFER - 4096)
/* Below 2^46 ns (19.5 hours) a double of microseconds resolves far finer
 * than the 0.1 ns nudge of format_us (); above it, no nudge is safe. */
#define NUDGE_LIMIT_NS  (G_GUINT64_CONSTANT (1) << 46)

G_DEFINE_QUARK (jg-chrome-trace-error-quark, jg_chrome_trace_error)

/* Where the bytes go */

/* A buffered JSON writer. After the first error every write is a no-op; the
 * caller checks w->error where it matters. */
typedef struct
{
  JgAtomicFile *sink;
  GCancellable *cancellable;
  char         *buf;
  gsize         len;
  gsize         cap;
  gboolean      first_event;
  GError       *error;
} Writer;

static void
writer_flush (Writer *w)
{
  if (w->error == NULL && w->len > 0)
    {
      if (!g_cancellable_set_error_if_cancelled (w->cancellable, &w->error))
        jg_atomic_file_write (w->sink, w->buf, w->len, w->cancellable, &w->error);
    }
  w->len = 0;
}

/* Room for @n more bytes. */
static inline char *
writer_reserve (Writer *w,
                gsize   n)
{
  if (G_UNLIKELY (w->len + n > w->cap))
    {
      writer_flush (w);
      if (n > w->cap)
        {
          w->cap = n;
          w->buf = g_realloc (w->buf, w->cap);
        }
    }
  return w->buf + w->len;
}

static inline void
writer_commit (Writer *w,
               char   *end)
{
  w->len = end - w->buf;
}

static void
put_raw (Writer     *w,
         const char *text,
         gsize       len)
{
  char *out = writer_reserve (w, len);

  memcpy (out, text, len);
  writer_commit (w, out + len);
}

#define put_literal(w, s) put_raw ((w), "" s, sizeof (s) - 1)

static void
put_text (Writer     *w,
          const char *text)
{
  put_raw (w, text, strlen (text));
}

static inline char *
format_u64 (char    *out,
            guint64  value)
{
  char digits[20];
  guint n = 0;

  do
    {
      digits[n++] = '0' + (char) (value % 10);
      value /= 10;
    }
  while (value > 0);
  while (n > 0)
    *out++ = digits[--n];
  return out;
}

static inline char *
format_i64 (char   *out,
            gint64  value)
{
  if (value < 0)
    {
      *out++ = '-';
      return format_u64 (out, 0 - (guint64) value);
    }
  return format_u64 (out, (guint64) value);
}

/* @ns as microseconds with three decimals. Perfetto computes
 * (gint64) (double_us * 1000.0): where the double nearest the decimal falls
 * just below the nanosecond, a fourth decimal (0.1 ns) lifts it, so truncating
 * and rounding readers agree and slices that touch still nest. */
static inline char *
format_us (char    *out,
           guint64  ns)
{
  guint frac = (guint) (ns % 1000);

  out = format_u64 (out, ns / 1000);
  *out++ = '.';
  *out++ = '0' + (char) (frac / 100);
  *out++ = '0' + (char) (frac / 10 % 10);
  *out++ = '0' + (char) (frac % 10);
  if (ns < NUDGE_LIMIT_NS && (guint64) (((double) ns / 1000.0) * 1000.0) != ns)
    *out++ = '1';
  return out;
}

static void
put_u64 (Writer  *w,
         guint64  value)
{
  writer_commit (w, format_u64 (writer_reserve (w, 24), value));
}

static void
put_i64 (Writer *w,
         gint64  value)
{
  writer_commit (w, format_i64 (writer_reserve (w, 24), value));
}

static void
put_us (Writer  *w,
        guint64  ns)
{
  writer_commit (w, format_us (writer_reserve (w, 32), ns));
}

static void
put_double (Writer *w,
            double  value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  /* Locale-independent; JSON has no NaN or infinity. */
  if (!isfinite (value))
    value = 0;
  put_text (w, g_ascii_formatd (text, sizeof text, "%.3f", value));
}

/* @text as a quoted JSON string, escaped; invalid UTF-8 is mended first. The
 * six short escapes where JSON has them, \u00XX for other control characters
 * and DEL (which some importers refuse raw). */
static char *
escape_string (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text) + 2);
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
          break;
        }
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* Starts an event: the separator, then `{"ph":"X"`. */
static void
begin_event (Writer     *w,
             const char *ph)
{
  if (w->first_event)
    {
      w->first_event = FALSE;
      put_literal (w, "\n{\"ph\":\"");
    }
  else
    {
      put_literal (w, ",\n{\"ph\":\"");
    }
  put_text (w, ph);
  put_literal (w, "\"");
}

/* The export */

typedef struct
{
  guint64 begin;
  guint64 end;
  gboolean has_extent; /* began: it has a slice */
} TaskExtent;

typedef struct
{
  JgTrace        *trace;
  JgSpans        *spans;
  Writer          w;

  guint32         n_tasks;
  guint32         n_workers;
  guint32         n_counters;
  guint32         n_strings;
  guint64         n_events;  /* the ones @spans consumed */
  guint64         horizon;

  /* Processes: synthetic pids 1..n; pid 1 is the run's own process. */
  GArray         *process_real_pids; /* gint32, by chrome pid - 1 */
  GPtrArray      *process_names;     /* char *, by chrome pid - 1 */
  gint32         *worker_chrome_pid; /* by worker lane */
  gint32         *task_chrome_pid;   /* by task lane */
  TaskExtent     *extents;           /* by task lane */

  /* GIL tracks: interpreters that were held. */
  guint           n_interps;         /* highest held interpreter + 1 */
  gint64         *gil_tid;           /* by interpreter; -1 when never held */
  gint32         *gil_pid;
  guint64         first_task_tid;

  char          **escaped;           /* quoted strings, by string id; filled lazily */
  char          **worker_names;      /* quoted worker names */
  gboolean       *counter_name_shared; /* two counters share the name: write an id */
} Export;

static const char *
quoted_string (Export  *ex,
               guint32  id)
{
  if (id >= ex->n_strings)
    return "\"\"";
  if (ex->escaped[id] == NULL)
    ex->escaped[id] = escape_string (jg_trace_lookup_string (ex->trace, id));
  return ex->escaped[id];
}

static const char *
quoted_task_name (Export  *ex,
                  guint32  task)
{
  return quoted_string (ex, jg_trace_get_task (ex->trace, task).name);
}

static guint64
task_tid (Export  *ex,
          guint32  task)
{
  return ex->first_task_tid + task;
}

/* The worker, cpu and other args every Juggler event carries. */
static void
put_worker_args (Export  *ex,
                 guint32  worker,
                 gint16   cpu)
{
  Writer *w = &ex->w;

  if (cpu >= 0)
    {
      put_literal (w, ",\"cpu\":");
      put_i64 (w, cpu);
    }
  if (worker < ex->n_workers)
    {
      put_literal (w, ",\"worker\":");
      put_text (w, ex->worker_names[worker]);
      put_literal (w, ",\"worker_id\":");
      put_u64 (w, worker);
    }
}

/* `,"ts":T,"pid":P,"tid":T` for a task's track. */
static void
put_task_where (Export  *ex,
                guint32  task,
                guint64  ts)
{
  Writer *w = &ex->w;

  put_literal (w, ",\"ts\":");
  put_us (w, ts);
  put_literal (w, ",\"pid\":");
  put_i64 (w, ex->task_chrome_pid[task]);
  put_literal (w, ",\"tid\":");
  put_u64 (w, task_tid (ex, task));
}

static gint32
add_process (Export     *ex,
             gint32      real_pid,
             const char *name)
{
  g_array_append_val (ex->process_real_pids, real_pid);
  g_ptr_array_add (ex->process_names, g_strdup (name));
  return (gint32) ex->process_real_pids->len;
}

static char *
run_process_name (JgTrace *trace)
{
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  const char *title = jg_trace_get_title (trace);
  GString *name = g_string_new (NULL);

  if (title == NULL)
    title = jg_trace_get_scenario_id (trace);
  g_string_append (name, title != NULL ? title : "Juggler run");
  if (run->model != NULL)
    {
      g_string_append_printf (name, " (%s", run->model);
      if (run->workers > 0)
        g_string_append_printf (name, ", %u workers", run->workers);
      g_string_append_c (name, ')');
    }
  return g_string_free (name, FALSE);
}

/* Assigns processes, tracks and task extents. */
static void
plan_tracks (Export *ex)
{
  g_autofree char *run_name = run_process_name (ex->trace);
  gint32 run_real_pid = 0;
  gboolean have_run_pid = FALSE;
  guint n_gil;
  const JgGilSpan *gil = jg_spans_get_gil_spans (ex->spans, &n_gil);
  guint64 next_tid;
  guint max_interp = 0;

  ex->process_real_pids = g_array_new (FALSE, FALSE, sizeof (gint32));
  ex->process_names = g_ptr_array_new_with_free_func (g_free);
  ex->worker_chrome_pid = g_new0 (gint32, MAX (ex->n_workers, 1));
  ex->task_chrome_pid = g_new0 (gint32, MAX (ex->n_tasks, 1));
  ex->extents = g_new0 (TaskExtent, MAX (ex->n_tasks, 1));
  ex->worker_names = g_new0 (char *, MAX (ex->n_workers, 1));

  /* The recording process is where the threads and the loop ran. */
  for (guint32 i = 0; i < ex->n_workers && !have_run_pid; i++)
    {
      JgWorkerLane lane = jg_trace_get_worker (ex->trace, i);

      if (lane.kind != JG_WORKER_PROCESS)
        {
          run_real_pid = lane.pid;
          have_run_pid = TRUE;
        }
    }
  add_process (ex, run_real_pid, run_name);

  for (guint32 i = 0; i < ex->n_workers; i++)
    {
      JgWorkerLane lane = jg_trace_get_worker (ex->trace, i);

      ex->worker_names[i] = escape_string (jg_trace_lookup_string (ex->trace, lane.name));
      if (lane.kind != JG_WORKER_PROCESS || (have_run_pid && lane.pid == run_real_pid))
        {
          ex->worker_chrome_pid[i] = 1;
          continue;
        }
      /* A worker process: one Chrome process per distinct pid. */
      ex->worker_chrome_pid[i] = 0;
      for (guint p = 1; p < ex->process_real_pids->len; p++)
        if (g_array_index (ex->process_real_pids, gint32, p) == lane.pid)
          ex->worker_chrome_pid[i] = (gint32) p + 1;
      if (ex->worker_chrome_pid[i] == 0)
        ex->worker_chrome_pid[i] = add_process (ex, lane.pid,
                                                jg_trace_lookup_string (ex->trace, lane.name));
    }

  /* A task lives in the process of the worker it began on. */
  for (guint32 t = 0; t < ex->n_tasks; t++)
    {
      guint n;
      const JgSpan *spans = jg_spans_get_task_spans (ex->spans, t, &n);
      TaskExtent *extent = &ex->extents[t];

      ex->task_chrome_pid[t] = 1;
      if (n == 0)
        continue;
      if (spans[0].worker < ex->n_workers)
        ex->task_chrome_pid[t] = ex->worker_chrome_pid[spans[0].worker];
      extent->has_extent = TRUE;
      extent->begin = spans[0].start;
      extent->end = spans[n - 1].state == JG_STATE_DONE ? spans[n - 1].start : spans[n - 1].end;
    }

  for (guint i = 0; i < n_gil; i++)
    max_interp = MAX (max_interp, gil[i].interp + 1);
  ex->n_interps = max_interp;
  ex->gil_tid = g_new (gint64, MAX (max_interp, 1));
  ex->gil_pid = g_new (gint32, MAX (max_interp, 1));
  for (guint k = 0; k < max_interp; k++)
    ex->gil_tid[k] = -1;

  /* Tids follow the pids, so no tid is also some process's pid. GIL tracks
   * first, so that they sort above the tasks. */
  next_tid = ex->process_real_pids->len + 1;
  for (guint i = 0; i < n_gil; i++)
    {
      guint32 k = gil[i].interp;

      if (ex->gil_tid[k] >= 0)
        continue;
      ex->gil_tid[k] = 0;
      ex->gil_pid[k] = gil[i].task < ex->n_tasks ? ex->task_chrome_pid[gil[i].task] : 1;
    }
  for (guint k = 0; k < max_interp; k++)
    if (ex->gil_tid[k] == 0)
      ex->gil_tid[k] = (gint64) next_tid++;
  ex->first_task_tid = next_tid;

  /* Counters are told apart by name; two with one name also get an id. */
  ex->counter_name_shared = g_new0 (gboolean, MAX (ex->n_counters, 1));
  {
    g_autoptr(GHashTable) first = g_hash_table_new (NULL, NULL);

    for (guint32 i = 0; i < ex->n_counters; i++)
      {
        gpointer name = GUINT_TO_POINTER (jg_trace_get_counter (ex->trace, i).name);
        gpointer seen;

        if (g_hash_table_lookup_extended (first, name, NULL, &seen))
          ex->counter_name_shared[i] = ex->counter_name_shared[GPOINTER_TO_UINT (seen)] = TRUE;
        else
          g_hash_table_insert (first, name, GUINT_TO_POINTER (i));
      }
  }
}

static void
put_metadata_event (Export     *ex,
                    const char *name,
                    gint64      pid,
                    gint64      tid,
                    const char *arg_name,
                    const char *quoted_value,
                    gint64      int_value)
{
  Writer *w = &ex->w;

  /* Metadata needs no time, but a "ts" makes every event alike for readers
   * that insist on one. */
  begin_event (w, "M");
  put_literal (w, ",\"ts\":0,\"name\":\"");
  put_text (w, name);
  put_literal (w, "\",\"pid\":");
  put_i64 (w, pid);
  if (tid >= 0)
    {
      put_literal (w, ",\"tid\":");
      put_i64 (w, tid);
    }
  put_literal (w, ",\"args\":{\"");
  put_text (w, arg_name);
  put_literal (w, "\":");
  if (quoted_value != NULL)
    put_text (w, quoted_value);
  else
    put_i64 (w, int_value);
  put_literal (w, "}}");
}

static void
write_names (Export *ex)
{
  for (guint p = 0; p < ex->process_real_pids->len; p++)
    {
      gint32 real_pid = g_array_index (ex->process_real_pids, gint32, p);
      const char *name = g_ptr_array_index (ex->process_names, p);
      g_autofree char *quoted = escape_string (name);
      g_autofree char *label = g_strdup_printf ("\"pid %d\"", real_pid);

      put_metadata_event (ex, "process_name", p + 1, -1, "name", quoted, 0);
      put_metadata_event (ex, "process_sort_index", p + 1, -1, "sort_index", NULL, p);
      put_metadata_event (ex, "process_labels", p + 1, -1, "labels", label, 0);
    }

  for (guint k = 0; k < ex->n_interps; k++)
    {
      g_autofree char *name = NULL;

      if (ex->gil_tid[k] < 0)
        continue;
      name = k == 0 && ex->n_interps == 1 ? g_strdup ("\"GIL\"")
                                          : g_strdup_printf ("\"GIL (interpreter %u)\"", k);
      put_metadata_event (ex, "thread_name", ex->gil_pid[k], ex->gil_tid[k], "name", name, 0);
      put_metadata_event (ex, "thread_sort_index", ex->gil_pid[k], ex->gil_tid[k],
                          "sort_index", NULL, -1);
    }

  for (guint32 t = 0; t < ex->n_tasks; t++)
    {
      put_metadata_event (ex, "thread_name", ex->task_chrome_pid[t], (gint64) task_tid (ex, t),
                          "name", quoted_task_name (ex, t), 0);
      put_metadata_event (ex, "thread_sort_index", ex->task_chrome_pid[t], (gint64) task_tid (ex, t),
                          "sort_index", NULL, t);
    }
}

/* A task's lifetime as one slice, and its states as slices inside it. The
 * states are contiguous and within the lifetime by construction (jg-spans.c). */
static void
write_task (Export  *ex,
            guint32  t)
{
  Writer *w = &ex->w;
  const TaskExtent *extent = &ex->extents[t];
  JgTaskLane lane = jg_trace_get_task (ex->trace, t);
  guint n;
  const JgSpan *spans = jg_spans_get_task_spans (ex->spans, t, &n);
  const JgSpan *done = spans[n - 1].state == JG_STATE_DONE ? &spans[n - 1] : NULL;

  begin_event (w, "X");
  put_task_where (ex, t, extent->begin);
  put_literal (w, ",\"dur\":");
  put_us (w, extent->end - extent->begin);
  put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_TASK "\",\"name\":");
  put_text (w, quoted_task_name (ex, t));
  put_literal (w, ",\"args\":{\"task\":");
  put_u64 (w, t);
  if (lane.parent != JG_LANE_NONE && lane.parent < ex->n_tasks)
    {
      put_literal (w, ",\"parent\":");
      put_text (w, quoted_task_name (ex, lane.parent));
    }
  if (done != NULL)
    {
      put_literal (w, ",\"status\":\"");
      put_text (w, jg_end_status_name (done->reason));
      put_literal (w, "\"");
      if (done->cpu >= 0)
        {
          put_literal (w, ",\"end_cpu\":");
          put_i64 (w, done->cpu);
        }
      if (done->worker < ex->n_workers)
        {
          put_literal (w, ",\"end_worker_id\":");
          put_u64 (w, done->worker);
        }
    }
  put_literal (w, "}}");

  for (guint i = 0; i < n; i++)
    {
      const JgSpan *span = &spans[i];

      if (span->state == JG_STATE_DONE)
        break;
      begin_event (w, "X");
      put_task_where (ex, t, span->start);
      put_literal (w, ",\"dur\":");
      put_us (w, span->end - span->start);
      put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_STATE "\",\"name\":\"");
      put_text (w, jg_task_state_name (span->state));
      put_literal (w, "\",\"args\":{");
      /* A task's first Ready is its begin, with no reason; any other state
       * but Running came from a suspend and says why. */
      if (span->state == JG_STATE_RUNNING || (span->state == JG_STATE_READY && span->reason == 0))
        {
          put_literal (w, "\"reason\":null");
        }
      else
        {
          put_literal (w, "\"reason\":\"");
          put_text (w, jg_suspend_reason_name (span->reason));
          put_literal (w, "\"");
        }
      put_worker_args (ex, span->worker, span->cpu);
      if (span->state == JG_STATE_RUNNING && (span->flags & JG_SPAN_CPU_MEASURED))
        {
          put_literal (w, ",\"cpu_us\":");
          put_u64 (w, span->cpu_us);
        }
      put_literal (w, "}}");
    }
}

/* Where a hand-off arrow leaves or lands on @task's track: the time nearest
 * @ts strictly inside its lifetime slice, so it binds to a slice of that track
 * whatever order an importer gives to events of equal time. FALSE if the task
 * lived less than 2 ns. */
static gboolean
flow_point (Export  *ex,
            guint32  task,
            guint64  ts,
            guint64 *point)
{
  const TaskExtent *extent;

  if (task >= ex->n_tasks)
    return FALSE;
  extent = &ex->extents[task];
  if (!extent->has_extent || extent->end - extent->begin < 2)
    return FALSE;
  *point = CLAMP (ts, extent->begin + 1, extent->end - 1);
  return TRUE;
}

static void
write_flow (Export     *ex,
            const char *ph,
            guint64     id,
            guint32     task,
            guint64     ts)
{
  Writer *w = &ex->w;

  begin_event (w, ph);
  if (ph[0] == 'f')
    put_literal (w, ",\"bp\":\"e\"");
  put_literal (w, ",\"id\":");
  put_u64 (w, id);
  put_task_where (ex, task, ts);
  put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_HANDOFF "\",\"name\":\"GIL hand-off\"}");
}

/* Holder spans on one track per interpreter, and an arrow for each hand-off
 * from the task that dropped the GIL to the one that took it. */
static void
write_gil (Export *ex)
{
  Writer *w = &ex->w;
  guint n;
  const JgGilSpan *gil = jg_spans_get_gil_spans (ex->spans, &n);
  g_autofree guint *last = g_new (guint, MAX (ex->n_interps, 1));
  g_autofree guint64 *last_end = g_new0 (guint64, MAX (ex->n_interps, 1));
  guint64 flow_id = 0;

  for (guint k = 0; k < ex->n_interps; k++)
    last[k] = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    {
      const JgGilSpan *span = &gil[i];
      guint32 k = span->interp;
      /* Spans of one interpreter follow each other; a take recorded out of
       * order could overlap the last one, which would break the nesting. */
      guint64 start = MAX (span->start, last_end[k]);
      guint64 end = MAX (span->end, start);
      guint64 from, to;

      begin_event (w, "X");
      put_literal (w, ",\"ts\":");
      put_us (w, start);
      put_literal (w, ",\"dur\":");
      put_us (w, end - start);
      put_literal (w, ",\"pid\":");
      put_i64 (w, ex->gil_pid[k]);
      put_literal (w, ",\"tid\":");
      put_i64 (w, ex->gil_tid[k]);
      put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_GIL "\",\"name\":");
      if (span->task < ex->n_tasks)
        put_text (w, quoted_task_name (ex, span->task));
      else
        put_literal (w, "\"?\"");
      put_literal (w, ",\"args\":{\"task\":");
      put_u64 (w, span->task);
      put_literal (w, ",\"interp\":");
      put_u64 (w, k);
      if (span->cpu >= 0)
        {
          put_literal (w, ",\"cpu\":");
          put_i64 (w, span->cpu);
        }
      put_literal (w, ",\"handoff\":");
      if (span->handoff)
        put_literal (w, "true");
      else
        put_literal (w, "false");
      if (span->flags & JG_SPAN_OPEN)
        {
          put_literal (w, ",\"open\":true");
        }
      else
        {
          put_literal (w, ",\"drop_reason\":\"");
          put_text (w, jg_gil_reason_name (span->drop_reason));
          put_literal (w, "\"");
        }
      put_literal (w, "}}");

      if (span->handoff && last[k] != G_MAXUINT)
        {
          const JgGilSpan *prev = &gil[last[k]];
          guint64 prev_end = MAX (prev->end, prev->start);

          if (flow_point (ex, prev->task, prev_end > prev->start ? prev_end - 1 : prev->start, &from)
              && flow_point (ex, span->task, start + 1, &to))
            {
              write_flow (ex, "s", flow_id, prev->task, from);
              write_flow (ex, "f", flow_id, span->task, to);
              flow_id++;
            }
        }
      last[k] = i;
      last_end[k] = end;
    }
}

/* An open I/O call of a task, waiting for its end. */
typedef struct
{
  guint64 ts;
  guint32 worker;
  gint16  cpu;
  guint8  kind;
  guint8  open;
} OpenIo;

static void
write_instant (Export        *ex,
               const JgEvent *event,
               const char    *cat,
               const char    *name)
{
  Writer *w = &ex->w;

  begin_event (w, "i");
  put_literal (w, ",\"s\":\"t\"");
  put_task_where (ex, event->task, event->ts);
  put_literal (w, ",\"cat\":\"");
  put_text (w, cat);
  put_literal (w, "\",\"name\":\"");
  put_text (w, name);
  put_literal (w, "\",\"args\":{\"kind\":\"");
  put_text (w, jg_event_kind_name (event->kind));
  put_literal (w, "\"");
  switch (event->kind)
    {
    case JG_EVENT_IO_BEGIN:
    case JG_EVENT_IO_END:
      put_literal (w, ",\"io\":\"");
      put_text (w, jg_io_kind_name (event->arg));
      put_literal (w, "\"");
      break;
    case JG_EVENT_LOCK_WAIT:
    case JG_EVENT_LOCK_ACQUIRE:
    case JG_EVENT_LOCK_RELEASE:
      put_literal (w, ",\"lock\":");
      put_text (w, quoted_string (ex, event->arg));
      break;
    case JG_EVENT_GIL_DROP_REQUEST:
      put_literal (w, ",\"interp\":");
      put_u64 (w, JG_GIL_ARG_INTERP (event->arg));
      break;
    default:
      break;
    }
  put_worker_args (ex, event->worker, event->cpu);
  put_literal (w, "}}");
}

static void
write_open_io_as_instant (Export  *ex,
                          guint32  task,
                          OpenIo  *io)
{
  JgEvent begin = { io->ts, task, io->worker, JG_EVENT_IO_BEGIN, io->cpu, io->kind };

  write_instant (ex, &begin, JG_CHROME_CAT_IO, "I/O begin");
  io->open = FALSE;
}

/* An I/O call as a slice, when it lies within one state slice (it nearly
 * always does: the task is in I/O wait around it); else as two instants. */
static void
write_io_end (Export        *ex,
              const JgEvent *end,
              OpenIo        *io)
{
  Writer *w = &ex->w;
  const TaskExtent *extent = &ex->extents[end->task];
  gboolean nests = FALSE;

  if (io->open && io->kind == end->arg && end->ts >= io->ts && extent->has_extent)
    {
      guint n;
      const JgSpan *spans = jg_spans_get_task_spans (ex->spans, end->task, &n);
      guint i = jg_spans_find_task_span (ex->spans, end->task, io->ts);

      /* A zero-length call at a state's end belongs to the next state. */
      if (i == n && n > 0 && io->ts == end->ts)
        i = n - 1;
      nests = i < n && spans[i].state != JG_STATE_DONE
           && spans[i].start <= io->ts && end->ts <= spans[i].end;
    }

  if (!nests)
    {
      if (io->open)
        write_open_io_as_instant (ex, end->task, io);
      write_instant (ex, end, JG_CHROME_CAT_IO, "I/O end");
      return;
    }

  begin_event (w, "X");
  put_task_where (ex, end->task, io->ts);
  put_literal (w, ",\"dur\":");
  put_us (w, end->ts - io->ts);
  put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_IO "\",\"name\":\"");
  put_text (w, jg_io_kind_name (io->kind));
  put_literal (w, "\",\"args\":{\"io\":\"");
  put_text (w, jg_io_kind_name (io->kind));
  put_literal (w, "\"");
  put_worker_args (ex, io->worker, io->cpu);
  if (end->worker != io->worker || end->cpu != io->cpu)
    {
      if (end->cpu >= 0)
        {
          put_literal (w, ",\"end_cpu\":");
          put_i64 (w, end->cpu);
        }
      put_literal (w, ",\"end_worker_id\":");
      put_u64 (w, end->worker);
    }
  put_literal (w, "}}");
  io->open = FALSE;
}

static void
write_counter_sample (Export        *ex,
                      const JgEvent *event)
{
  Writer *w = &ex->w;
  JgCounterLane lane = jg_trace_get_counter (ex->trace, event->task);

  begin_event (w, "C");
  put_literal (w, ",\"ts\":");
  put_us (w, event->ts);
  put_literal (w, ",\"pid\":1,\"cat\":\"" JG_CHROME_CAT_COUNTER "\",\"name\":");
  put_text (w, quoted_string (ex, lane.name));
  if (ex->counter_name_shared[event->task])
    {
      put_literal (w, ",\"id\":");
      put_u64 (w, event->task);
    }
  put_literal (w, ",\"args\":{\"value\":");
  put_u64 (w, event->arg);
  put_literal (w, "}}");
}

static void
write_mark (Export        *ex,
            const JgEvent *event)
{
  Writer *w = &ex->w;

  begin_event (w, "i");
  put_literal (w, ",\"s\":\"g\"");
  put_task_where (ex, event->task, event->ts);
  put_literal (w, ",\"cat\":\"" JG_CHROME_CAT_MARK "\",\"name\":");
  put_text (w, quoted_string (ex, event->arg));
  put_literal (w, ",\"args\":{\"task\":");
  put_u64 (w, event->task);
  put_worker_args (ex, event->worker, event->cpu);
  put_literal (w, "}}");
}

/* What the spans do not hold: I/O calls, lock events, drop requests, marks and
 * counter samples, from the events themselves. */
static void
write_event_details (Export *ex)
{
  g_autofree OpenIo *io = g_new0 (OpenIo, MAX (ex->n_tasks, 1));
  guint64 index = 0;

  while (index < ex->n_events && ex->w.error == NULL)
    {
      guint64 n;
      const JgEvent *events = jg_trace_get_events (ex->trace, index, &n);

      n = MIN (n, ex->n_events - index);
      for (guint64 i = 0; i < n; i++)
        {
          const JgEvent *e = &events[i];

          if (e->kind == JG_EVENT_COUNTER)
            {
              if (e->task < ex->n_counters)
                write_counter_sample (ex, e);
              continue;
            }
          if (e->task >= ex->n_tasks)
            continue;

          switch (e->kind)
            {
            case JG_EVENT_IO_BEGIN:
              if (io[e->task].open)
                write_open_io_as_instant (ex, e->task, &io[e->task]);
              io[e->task] = (OpenIo) { e->ts, e->worker, e->cpu, (guint8) e->arg, TRUE };
              break;
            case JG_EVENT_IO_END:
              write_io_end (ex, e, &io[e->task]);
              break;
            case JG_EVENT_LOCK_WAIT:
              write_instant (ex, e, JG_CHROME_CAT_LOCK, "lock wait");
              break;
            case JG_EVENT_LOCK_ACQUIRE:
              write_instant (ex, e, JG_CHROME_CAT_LOCK, "lock acquire");
              break;
            case JG_EVENT_LOCK_RELEASE:
              write_instant (ex, e, JG_CHROME_CAT_LOCK, "lock release");
              break;
            case JG_EVENT_GIL_DROP_REQUEST:
              write_instant (ex, e, JG_CHROME_CAT_GIL, "GIL drop request");
              break;
            case JG_EVENT_MARK:
              write_mark (ex, e);
              break;
            default:
              break; /* in the spans */
            }
        }
      index += n;
    }

  for (guint32 t = 0; t < ex->n_tasks; t++)
    if (io[t].open)
      write_open_io_as_instant (ex, t, &io[t]);
}

/* Concurrency and parallelism */

static int
compare_u64 (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

/* A change of +1 or -1 at a time, packed so that sorting sorts by time. */
#define CHANGE(ts, up)     (((ts) << 1) | ((up) ? 1 : 0))
#define CHANGE_TS(c)       ((c) >> 1)
#define CHANGE_DELTA(c)    (((c) & 1) ? 1 : -1)

static void
put_metric_sample (Export     *ex,
                   const char *name,
                   const char *series,
                   guint64     ts,
                   double      value,
                   gboolean    whole)
{
  Writer *w = &ex->w;

  begin_event (w, "C");
  put_literal (w, ",\"ts\":");
  put_us (w, ts);
  put_literal (w, ",\"pid\":1,\"cat\":\"" JG_CHROME_CAT_METRICS "\",\"name\":\"");
  put_text (w, name);
  put_literal (w, "\",\"args\":{\"");
  put_text (w, series);
  put_literal (w, "\":");
  if (whole)
    put_i64 (w, (gint64) value);
  else
    put_double (w, value);
  put_literal (w, "}}");
}

/* A step function given by sorted changes: a sample at every change while
 * there are few enough; past JG_CHROME_TRACE_MAX_COUNTER_SAMPLES, the
 * time-weighted mean of each of that many buckets, so the file stays bounded. */
static void
write_metric (Export     *ex,
              const char *name,
              const char *series,
              GArray     *changes)
{
  const guint64 *c = (const guint64 *) changes->data;
  guint n = changes->len;
  guint n_times = 0;
  gint64 value = 0;
  double last = -1;

  g_qsort_with_data (changes->data, n, sizeof (guint64), compare_u64, NULL);
  for (guint i = 0; i < n; i++)
    if (i == 0 || CHANGE_TS (c[i]) != CHANGE_TS (c[i - 1]))
      n_times++;

  if (n_times <= JG_CHROME_TRACE_MAX_COUNTER_SAMPLES)
    {
      if (n == 0 || CHANGE_TS (c[0]) > 0)
        {
          put_metric_sample (ex, name, series, 0, 0, TRUE);
          last = 0;
        }
      for (guint i = 0; i < n;)
        {
          guint64 ts = CHANGE_TS (c[i]);

          for (; i < n && CHANGE_TS (c[i]) == ts; i++)
            value += CHANGE_DELTA (c[i]);
          if ((double) value != last)
            put_metric_sample (ex, name, series, ts, (double) value, TRUE);
          last = (double) value;
        }
      /* The last value holds to the end of the trace. */
      if (ex->horizon > 0 && (n == 0 || CHANGE_TS (c[n - 1]) < ex->horizon))
        put_metric_sample (ex, name, series, ex->horizon, (double) value, TRUE);
    }
  else
    {
      guint64 span = ex->horizon + 1;
      guint64 width = (span + JG_CHROME_TRACE_MAX_COUNTER_SAMPLES - 1) / JG_CHROME_TRACE_MAX_COUNTER_SAMPLES;
      guint64 t = 0;
      guint i = 0;

      for (guint64 start = 0; start < span; start += width)
        {
          guint64 end = MIN (start + width, span);
          double area = 0, mean;

          for (; i < n && CHANGE_TS (c[i]) < end; i++)
            {
              area += (double) value * (double) (CHANGE_TS (c[i]) - t);
              t = CHANGE_TS (c[i]);
              value += CHANGE_DELTA (c[i]);
            }
          area += (double) value * (double) (end - t);
          t = end;
          mean = round (area / (double) (end - start) * 1000) / 1000;
          if (mean != last)
            put_metric_sample (ex, name, series, start, mean, FALSE);
          last = mean;
        }
    }
}

static void
write_metrics (Export *ex)
{
  g_autoptr(GArray) in_flight = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) running = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint32 t = 0; t < ex->n_tasks; t++)
    {
      guint n;
      const JgSpan *spans = jg_spans_get_task_spans (ex->spans, t, &n);
      guint64 change;

      if (n == 0)
        continue;
      change = CHANGE (spans[0].start, TRUE);
      g_array_append_val (in_flight, change);
      for (guint i = 0; i < n; i++)
        {
          if (spans[i].state == JG_STATE_DONE)
            {
              change = CHANGE (spans[i].start, FALSE);
              g_array_append_val (in_flight, change);
            }
          else if (spans[i].state == JG_STATE_RUNNING)
            {
              change = CHANGE (spans[i].start, TRUE);
              g_array_append_val (running, change);
              /* An open span runs on past the horizon: it does not end. */
              if (i + 1 < n)
                {
                  change = CHANGE (spans[i].end, FALSE);
                  g_array_append_val (running, change);
                }
            }
        }
    }

  write_metric (ex, "concurrency", "tasks in flight", in_flight);
  write_metric (ex, "parallelism", "tasks running", running);
}

/* otherData */

/* A copy JSON can hold: no NaN or infinity, valid UTF-8. */
static JsonNode *
sanitized_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(JsonObject) copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        /* In the order written, so a re-export reads the same. */
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            g_autofree char *valid = g_utf8_make_valid (name, -1);

            json_object_set_member (copy, valid, sanitized_copy (member));
          }
        return json_node_init_object (json_node_alloc (), copy);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, sanitized_copy (json_array_get_element (array, i)));
        return json_node_init_array (json_node_alloc (), copy);
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        return json_node_init_null (json_node_alloc ());
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);

          return json_node_init_string (json_node_alloc (), valid);
        }
      return json_node_copy (node);
    case JSON_NODE_NULL:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

static void
add_member (JsonBuilder *builder,
            const char  *name,
            JsonNode    *node)
{
  json_builder_set_member_name (builder, name);
  if (node != NULL)
    json_builder_add_value (builder, sanitized_copy (node));
  else
    json_builder_add_null_value (builder);
}

static void
add_object_member (JsonBuilder *builder,
                   const char  *name,
                   JsonObject  *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  add_member (builder, name, node);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (builder, valid);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
}

/* The small part of otherData, through json-glib; without its closing brace. */
static char *
other_data_head (Export *ex)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  JgTrace *trace = ex->trace;
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  const JgMachineInfo *machine = jg_trace_get_machine (trace);
  GDateTime *created = jg_trace_get_created (trace);
  char *text, *end;

  json_builder_begin_object (builder);
  add_string_member (builder, "format", JG_CHROME_TRACE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JG_CHROME_TRACE_VERSION);
  add_string_member (builder, "generator", "Juggler " PACKAGE_VERSION);
  if (created != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (created);
      g_autofree char *iso = g_date_time_format_iso8601 (utc);

      add_string_member (builder, "created", iso);
    }

  json_builder_set_member_name (builder, "scenario");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", jg_trace_get_scenario_id (trace));
  add_string_member (builder, "title", jg_trace_get_title (trace));
  add_member (builder, "definition", jg_trace_get_scenario (trace));
  json_builder_end_object (builder);
  add_object_member (builder, "parameters", jg_trace_get_parameters (trace));

  json_builder_set_member_name (builder, "run");
  json_builder_begin_object (builder);
  add_string_member (builder, "model", run->model);
  json_builder_set_member_name (builder, "workers");
  json_builder_add_int_value (builder, run->workers);
  add_string_member (builder, "interpreter", run->interpreter);
  json_builder_set_member_name (builder, "switch_interval_ms");
  json_builder_add_double_value (builder, isfinite (run->switch_interval_ms) ? run->switch_interval_ms : 0);
  add_string_member (builder, "start_method", run->start_method);
  /* Slow motion: the timestamps are stretched; real time is ts / time_scale. */
  json_builder_set_member_name (builder, "time_scale");
  json_builder_add_double_value (builder, jg_trace_get_time_scale (trace));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "machine");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cores");
  if (machine->n_cores > 0)
    json_builder_add_int_value (builder, machine->n_cores);
  else
    json_builder_add_null_value (builder);
  add_string_member (builder, "kernel", machine->kernel);
  add_string_member (builder, "cpu_model", machine->cpu_model);
  add_string_member (builder, "hostname", machine->hostname);
  json_builder_end_object (builder);

  add_object_member (builder, "results", jg_trace_get_results (trace));
  json_builder_set_member_name (builder, "epoch_ns");
  json_builder_add_int_value (builder, (gint64) MIN (jg_trace_get_epoch_ns (trace), G_MAXINT64));
  json_builder_set_member_name (builder, "duration_ns");
  json_builder_add_int_value (builder, (gint64) MIN (jg_trace_get_duration_ns (trace), G_MAXINT64));
  json_builder_set_member_name (builder, "horizon_ns");
  json_builder_add_int_value (builder, (gint64) MIN (ex->horizon, G_MAXINT64));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  end = strrchr (text, '}');
  g_assert (end != NULL);
  *end = '\0';
  return text;
}

/* otherData: what the run was, and the lanes, for a reader to rebuild the
 * trace (jg-chrome-trace-import.c); the lanes are written by hand, since a
 * trace may have a million of them. */
static void
write_other_data (Export *ex)
{
  Writer *w = &ex->w;
  g_autofree char *head = other_data_head (ex);

  put_literal (w, "\n],\n\"otherData\":");
  put_text (w, head);

  put_literal (w, ",\"strings\":[");
  for (guint32 i = 0; i < ex->n_strings; i++)
    {
      if (i > 0)
        put_literal (w, ",");
      put_text (w, quoted_string (ex, i));
    }

  put_literal (w, "],\n\"tasks\":[");
  for (guint32 t = 0; t < ex->n_tasks; t++)
    {
      JgTaskLane lane = jg_trace_get_task (ex->trace, t);

      put_text (w, t > 0 ? ",\n{\"name\":" : "\n{\"name\":");
      put_text (w, quoted_string (ex, lane.name));
      put_literal (w, ",\"parent\":");
      if (lane.parent == JG_LANE_NONE || lane.parent >= ex->n_tasks)
        put_literal (w, "null");
      else
        put_u64 (w, lane.parent);
      put_literal (w, ",\"pid\":");
      put_i64 (w, ex->task_chrome_pid[t]);
      put_literal (w, ",\"tid\":");
      put_u64 (w, task_tid (ex, t));
      put_literal (w, "}");
    }

  put_literal (w, "],\n\"workers\":[");
  for (guint32 i = 0; i < ex->n_workers; i++)
    {
      JgWorkerLane lane = jg_trace_get_worker (ex->trace, i);

      put_text (w, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
      put_text (w, ex->worker_names[i]);
      put_literal (w, ",\"kind\":\"");
      put_text (w, jg_worker_kind_name (lane.kind));
      put_literal (w, "\",\"pid\":");
      put_i64 (w, lane.pid);
      put_literal (w, ",\"chrome_pid\":");
      put_i64 (w, ex->worker_chrome_pid[i]);
      put_literal (w, "}");
    }

  put_literal (w, "],\n\"counters\":[");
  for (guint32 i = 0; i < ex->n_counters; i++)
    {
      put_text (w, i > 0 ? ",{\"name\":" : "{\"name\":");
      put_text (w, quoted_string (ex, jg_trace_get_counter (ex->trace, i).name));
      put_literal (w, "}");
    }

  put_literal (w, "],\n\"gil\":[");
  for (guint k = 0, n = 0; k < ex->n_interps; k++)
    {
      if (ex->gil_tid[k] < 0)
        continue;
      put_text (w, n++ > 0 ? ",{\"interp\":" : "{\"interp\":");
      put_u64 (w, k);
      put_literal (w, ",\"pid\":");
      put_i64 (w, ex->gil_pid[k]);
      put_literal (w, ",\"tid\":");
      put_i64 (w, ex->gil_tid[k]);
      put_literal (w, "}");
    }
  put_literal (w, "]}\n}\n");
}

static void
export_clear (Export *ex)
{
  if (ex->escaped != NULL)
    for (guint32 i = 0; i < ex->n_strings; i++)
      g_free (ex->escaped[i]);
  g_free (ex->escaped);
  if (ex->worker_names != NULL)
    for (guint32 i = 0; i < ex->n_workers; i++)
      g_free (ex->worker_names[i]);
  g_free (ex->worker_names);
  g_clear_pointer (&ex->process_real_pids, g_array_unref);
  g_clear_pointer (&ex->process_names, g_ptr_array_unref);
  g_free (ex->worker_chrome_pid);
  g_free (ex->task_chrome_pid);
  g_free (ex->extents);
  g_free (ex->gil_tid);
  g_free (ex->gil_pid);
  g_free (ex->counter_name_shared);
  g_free (ex->w.buf);
  g_clear_error (&ex->w.error);
}

static gboolean
export_to_sink (JgTrace       *trace,
                JgSpans       *spans,
                JgAtomicFile  *sink,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(JgSpans) own_spans = NULL;
  Export ex = { 0 };
  gboolean ok;

  if (spans == NULL)
    {
      spans = own_spans = jg_spans_new ();
      jg_spans_update (spans, trace);
    }

  /* Lanes and strings before events: everything a consumed event refers to
   * was published before it. */
  ex.trace = trace;
  ex.spans = spans;
  ex.n_events = MIN (jg_spans_get_n_consumed (spans), jg_trace_get_n_events (trace));
  ex.horizon = jg_spans_get_horizon (spans);
  ex.n_tasks = jg_trace_get_n_tasks (trace);
  ex.n_workers = jg_trace_get_n_workers (trace);
  ex.n_counters = jg_trace_get_n_counters (trace);
  ex.n_strings = jg_trace_get_n_strings (trace);
  ex.escaped = g_new0 (char *, MAX (ex.n_strings, 1));
  ex.w.sink = sink;
  ex.w.cancellable = cancellable;
  ex.w.cap = WRITER_BUFFER;
  ex.w.buf = g_malloc (ex.w.cap);
  ex.w.first_event = TRUE;

  plan_tracks (&ex);

  put_literal (&ex.w, "{\"traceEvents\":[");
  write_names (&ex);
  for (guint32 t = 0; t < ex.n_tasks && ex.w.error == NULL; t++)
    if (ex.extents[t].has_extent)
      write_task (&ex, t);
  write_gil (&ex);
  write_event_details (&ex);
  write_metrics (&ex);
  write_other_data (&ex);
  writer_flush (&ex.w);

  ok = ex.w.error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&ex.w.error));
  export_clear (&ex);
  return ok;
}

gboolean
jg_chrome_trace_write (JgTrace        *trace,
                       JgSpans        *spans,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  JgAtomicFile sink;

  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  jg_atomic_file_init_for_stream (&sink, stream);
  return export_to_sink (trace, spans, &sink, cancellable, error);
}

gboolean
jg_chrome_trace_export (JgTrace       *trace,
                        JgSpans       *spans,
                        GFile         *file,
                        GCancellable  *cancellable,
                        GError       **error)
{
  JgAtomicFile sink = { 0 };
  gboolean ok;

  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!jg_atomic_file_open (&sink, file, "export", cancellable, error))
    {
      jg_atomic_file_clear (&sink);
      return FALSE;
    }
  ok = export_to_sink (trace, spans, &sink, cancellable, error)
    && jg_atomic_file_commit (&sink, cancellable, error);
  jg_atomic_file_clear (&sink);
  return ok;
}
