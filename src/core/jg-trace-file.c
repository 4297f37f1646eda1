/* jg-trace-file.c: saving and loading the native trace file (docs/trace-format.md).
 *
 * The header is small and goes through json-glib. The events are packed as
 * varints, base64-encoded and written straight to the file, so a million events
 * never become a million JSON nodes; the loader decodes them the same way. */
#define G_LOG_DOMAIN "jg-trace-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "jg-atomic-file.h"
#include "jg-trace-file.h"

#define ENCODING           "varint-delta-v1"
#define SAVE_CHUNK_EVENTS  65536u
#define MAX_CHUNK_EVENTS   (1u << 20)
#define MAX_VARINT_BYTES   10
#define MAX_EVENT_BYTES    (6 * MAX_VARINT_BYTES)
#define MAX_CORES          65535
#define DECODE_BATCH       8192u

G_DEFINE_QUARK (jg-trace-file-error-quark, jg_trace_file_error)

/* What an event is checked against: the sizes of the trace it belongs to. */
typedef struct
{
  guint32 n_strings;
  guint32 n_tasks;
  guint32 n_workers;
  guint32 n_counters;
  guint   n_cores;     /* 0 when unknown */
  guint64 duration_ns;
} Bounds;

static gboolean
kind_arg_is_string (guint kind)
{
  return kind == JG_EVENT_LOCK_WAIT || kind == JG_EVENT_LOCK_ACQUIRE
      || kind == JG_EVENT_LOCK_RELEASE || kind == JG_EVENT_MARK;
}

/* NULL when @event fits the trace @bounds describes, else what is wrong with it.
 * The saver and the loader share it, so a saved file always loads again. */
static char *
event_problem (const Bounds  *bounds,
               const JgEvent *event)
{
  if (event->kind >= JG_EVENT_N_KINDS)
    return g_strdup_printf (_("kind %u out of range (there are %u kinds)"),
                            event->kind, (guint) JG_EVENT_N_KINDS);
  if (event->kind == JG_EVENT_COUNTER)
    {
      if (event->task >= bounds->n_counters)
        return g_strdup_printf (_("counter %u out of range (the trace has %u counters)"),
                                event->task, bounds->n_counters);
    }
  else if (event->task >= bounds->n_tasks)
    {
      return g_strdup_printf (_("task %u out of range (the trace has %u tasks)"),
                              event->task, bounds->n_tasks);
    }
  if (event->worker >= bounds->n_workers)
    return g_strdup_printf (_("worker %u out of range (the trace has %u workers)"),
                            event->worker, bounds->n_workers);
  if (event->cpu < -1)
    return g_strdup_printf (_("cpu %d out of range (-1 means unknown)"), event->cpu);
  if (event->cpu >= 0 && bounds->n_cores > 0 && (guint) event->cpu >= bounds->n_cores)
    return g_strdup_printf (_("cpu %d out of range (machine.cores is %u)"),
                            event->cpu, bounds->n_cores);
  if (!jg_event_arg_is_valid (event->kind, event->arg))
    return g_strdup_printf (_("arg %u is not valid for a %s event"),
                            event->arg, jg_event_kind_name (event->kind));
  if (kind_arg_is_string (event->kind) && event->arg >= bounds->n_strings)
    return g_strdup_printf (_("arg %u out of range (a %s event's arg is a string id, "
                              "and the trace has %u strings)"),
                            event->arg, jg_event_kind_name (event->kind), bounds->n_strings);
  if (event->ts > bounds->duration_ns)
    return g_strdup_printf (_("ts %" PRIu64 " is after the end of the trace "
                              "(duration_ns is %" PRIu64 ")"),
                            event->ts, bounds->duration_ns);
  return NULL;
}

/* Varints, zigzag and base64 */

static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static inline guint64
zigzag (guint64 x)
{
  return (x << 1) ^ (0 - (x >> 63));
}

static inline guint64
unzigzag (guint64 z)
{
  return (z >> 1) ^ (0 - (z & 1));
}

static inline guint8 *
put_varint (guint8  *out,
            guint64  value)
{
  while (value >= 0x80)
    {
      *out++ = (guint8) (value | 0x80);
      value >>= 7;
    }
  *out++ = (guint8) value;
  return out;
}

typedef enum
{
  VARINT_OK,
  VARINT_TRUNCATED,
  VARINT_OVERLONG,
} VarintStatus;

/* Reads one LEB128 varint. Only the shortest encoding of a value that fits in
 * 64 bits is accepted, so every trace has exactly one encoding. */
static inline VarintStatus
get_varint (const guint8 **in,
            const guint8  *end,
            guint64       *value)
{
  const guint8 *p = *in;
  guint64 v = 0;

  for (guint i = 0; i < MAX_VARINT_BYTES; i++)
    {
      guint8 b;

      if (p == end)
        return VARINT_TRUNCATED;
      b = *p++;
      if (i == MAX_VARINT_BYTES - 1 && b > 1)
        return VARINT_OVERLONG;
      v |= (guint64) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        {
          if (b == 0 && i > 0)
            return VARINT_OVERLONG;
          *in = p;
          *value = v;
          return VARINT_OK;
        }
    }
  return VARINT_OVERLONG;
}

/* Writes the padded base64 of @data to @out, which holds 4 * ceil (len / 3)
 * bytes; returns the length written. */
static gsize
base64_encode (const guint8 *data,
               gsize         len,
               char         *out)
{
  char *start = out;
  gsize i = 0;

  for (; i + 3 <= len; i += 3)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];

      *out++ = base64_alphabet[v >> 18];
      *out++ = base64_alphabet[(v >> 12) & 0x3f];
      *out++ = base64_alphabet[(v >> 6) & 0x3f];
      *out++ = base64_alphabet[v & 0x3f];
    }
  if (len - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;

      *out++ = base64_alphabet[v >> 18];
      *out++ = base64_alphabet[(v >> 12) & 0x3f];
      *out++ = '=';
      *out++ = '=';
    }
  else if (len - i == 2)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8);

      *out++ = base64_alphabet[v >> 18];
      *out++ = base64_alphabet[(v >> 12) & 0x3f];
      *out++ = base64_alphabet[(v >> 6) & 0x3f];
      *out++ = '=';
    }
  return out - start;
}

/* Strict decoding: the standard alphabet, padded to a multiple of 4, '=' only
 * at the end. @out holds 3 * len / 4 bytes. NULL on success, else the problem. */
static char *
base64_decode (const char *text,
               gsize       len,
               guint8     *out,
               gsize      *out_len)
{
  static gint8 values[256];
  static gsize values_ready = 0;
  guint8 *start = out;

  if (g_once_init_enter (&values_ready))
    {
      memset (values, -1, sizeof values);
      for (guint i = 0; i < 64; i++)
        values[(guchar) base64_alphabet[i]] = i;
      g_once_init_leave (&values_ready, 1);
    }

  if (len % 4 != 0)
    return g_strdup_printf (_("base64 text of %" PRIu64 " characters is not a "
                              "multiple of 4 (truncated?)"), (guint64) len);

  for (gsize i = 0; i < len; i += 4)
    {
      const guchar *q = (const guchar *) text + i;
      guint n_pad = 0;
      guint32 v = 0;

      if (i + 4 == len)
        n_pad = (q[3] == '=') + (q[3] == '=' && q[2] == '=');
      for (guint j = 0; j < 4 - n_pad; j++)
        {
          gint8 d = values[q[j]];

          if (d < 0)
            return g_strdup_printf (_("invalid base64 character at offset %" PRIu64),
                                    (guint64) (i + j));
          v = (v << 6) | (guint32) d;
        }
      v <<= 6 * n_pad;
      *out++ = v >> 16;
      if (n_pad < 2)
        *out++ = (v >> 8) & 0xff;
      if (n_pad < 1)
        *out++ = v & 0xff;
    }

  *out_len = out - start;
  return NULL;
}

/* Saving */

static gboolean
set_save_error (GError     **error,
                const char  *format,
                ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_save_error (GError     **error,
                const char  *format,
                ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_INVALID,
               _("Cannot save this trace: %s"), message);
  return FALSE;
}

/* JSON can hold neither NaN nor infinities, and json-glib reads only UTF-8:
 * refuse to write a file that could not be read back. */
static gboolean
check_json_node (JsonNode    *node,
                 GString     *path,
                 GError     **error)
{
  gsize len = path->len;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_string_append_printf (path, ".%s", name);
            if (!g_utf8_validate (name, -1, NULL))
              return set_save_error (error, _("%s: a member name is not valid UTF-8"), path->str);
            if (!check_json_node (member, path, error))
              return FALSE;
            g_string_truncate (path, len);
          }
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_string_append_printf (path, "[%u]", i);
            if (!check_json_node (json_array_get_element (array, i), path, error))
              return FALSE;
            g_string_truncate (path, len);
          }
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE
          && !isfinite (json_node_get_double (node)))
        return set_save_error (error, _("%s: %g cannot be written as JSON"),
                               path->str, json_node_get_double (node));
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        return set_save_error (error, _("%s: the string is not valid UTF-8"), path->str);
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
  return TRUE;
}

static gboolean
check_json_object (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(GString) path = g_string_new (name);

  return check_json_node (node, path, error);
}

/* A free-form string field: null when unset, and made valid UTF-8 rather than
 * failing the save over a host name. */
static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    {
      json_builder_add_null_value (builder);
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (builder, valid);
    }
}

static void
add_object (JsonBuilder *builder,
            const char  *name,
            JsonObject  *object)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), object));
}

/* The whole document but the events, as pretty JSON ending in "\n}". Fills
 * @bounds with the sizes written, which the events are checked against. */
static gboolean
build_header (JgTrace  *trace,
              Bounds   *bounds,
              char    **header,
              GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const JgRunInfo *run = jg_trace_get_run_info (trace);
  const JgMachineInfo *machine = jg_trace_get_machine (trace);
  JsonNode *definition = jg_trace_get_scenario (trace);
  GDateTime *created = jg_trace_get_created (trace);
  guint64 epoch_ns = jg_trace_get_epoch_ns (trace);
  guint32 n_tasks, n_workers, n_counters, n_strings;

  /* Lanes before strings: a lane's name is interned before the lane exists. */
  n_tasks = jg_trace_get_n_tasks (trace);
  n_workers = jg_trace_get_n_workers (trace);
  n_counters = jg_trace_get_n_counters (trace);
  n_strings = jg_trace_get_n_strings (trace);

  if (bounds->duration_ns > G_MAXINT64)
    return set_save_error (error, _("duration_ns %" PRIu64 " is too large"),
                           bounds->duration_ns);
  if (epoch_ns > G_MAXINT64)
    return set_save_error (error, _("epoch_ns %" PRIu64 " is too large"), epoch_ns);
  if (n_strings > JG_TRACE_MAX_STRINGS)
    return set_save_error (error, _("%u strings; a file holds at most %u"),
                           n_strings, JG_TRACE_MAX_STRINGS);
  if (n_tasks > JG_TRACE_MAX_LANES || n_workers > JG_TRACE_MAX_LANES
      || n_counters > JG_TRACE_MAX_LANES)
    return set_save_error (error, _("too many lanes; a file holds at most %u of each kind"),
                           JG_TRACE_MAX_LANES);
  if (machine->n_cores > MAX_CORES)
    return set_save_error (error, _("machine.cores %u out of range (1 to %u)"),
                           machine->n_cores, MAX_CORES);
  if (!isfinite (run->switch_interval_ms) || run->switch_interval_ms < 0)
    return set_save_error (error, _("run.switch_interval_ms %g is not a duration"),
                           run->switch_interval_ms);
  /* 0 is "not set": a run at normal speed, written as 1. */
  if (run->time_scale != 0
      && !(run->time_scale >= JG_TIME_SCALE_MIN && run->time_scale <= JG_TIME_SCALE_MAX))
    return set_save_error (error, _("run.time_scale %g out of range (%g to %g)"),
                           run->time_scale, JG_TIME_SCALE_MIN, JG_TIME_SCALE_MAX);
  if (definition != NULL)
    {
      g_autoptr(GString) path = g_string_new ("scenario.definition");

      if (!check_json_node (definition, path, error))
        return FALSE;
    }
  if (!check_json_object (jg_trace_get_parameters (trace), "parameters", error)
      || !check_json_object (jg_trace_get_results (trace), "results", error))
    return FALSE;

  bounds->n_tasks = n_tasks;
  bounds->n_workers = n_workers;
  bounds->n_counters = n_counters;
  bounds->n_strings = n_strings;
  bounds->n_cores = machine->n_cores;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, JG_TRACE_FILE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JG_TRACE_FILE_VERSION);
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, "Juggler " PACKAGE_VERSION);
  if (created != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (created);
      g_autofree char *text = g_date_time_format_iso8601 (utc);

      json_builder_set_member_name (builder, "created");
      json_builder_add_string_value (builder, text);
    }

  json_builder_set_member_name (builder, "scenario");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "id", jg_trace_get_scenario_id (trace));
  add_string_or_null (builder, "title", jg_trace_get_title (trace));
  json_builder_set_member_name (builder, "definition");
  if (definition != NULL)
    json_builder_add_value (builder, json_node_copy (definition));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  add_object (builder, "parameters", jg_trace_get_parameters (trace));

  json_builder_set_member_name (builder, "run");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "model", run->model);
  json_builder_set_member_name (builder, "workers");
  json_builder_add_int_value (builder, run->workers);
  add_string_or_null (builder, "interpreter", run->interpreter);
  json_builder_set_member_name (builder, "switch_interval_ms");
  json_builder_add_double_value (builder, run->switch_interval_ms);
  add_string_or_null (builder, "start_method", run->start_method);
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
  add_string_or_null (builder, "kernel", machine->kernel);
  add_string_or_null (builder, "cpu_model", machine->cpu_model);
  add_string_or_null (builder, "hostname", machine->hostname);
  json_builder_end_object (builder);

  add_object (builder, "results", jg_trace_get_results (trace));

  json_builder_set_member_name (builder, "epoch_ns");
  json_builder_add_int_value (builder, (gint64) epoch_ns);
  json_builder_set_member_name (builder, "duration_ns");
  json_builder_add_int_value (builder, (gint64) bounds->duration_ns);

  json_builder_set_member_name (builder, "strings");
  json_builder_begin_array (builder);
  for (guint32 i = 0; i < n_strings; i++)
    {
      const char *string = jg_trace_lookup_string (trace, i);

      /* Interned strings are ids: mending one could make two of them equal. */
      if (!g_utf8_validate (string, -1, NULL))
        return set_save_error (error, _("strings[%u] is not valid UTF-8"), i);
      json_builder_add_string_value (builder, string);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_array (builder);
  for (guint32 i = 0; i < n_tasks; i++)
    {
      JgTaskLane lane = jg_trace_get_task (trace, i);

      if (lane.parent != JG_LANE_NONE && lane.parent >= n_tasks)
        return set_save_error (error, _("tasks[%u].parent %u out of range (the trace has %u tasks)"),
                               i, lane.parent, n_tasks);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_int_value (builder, lane.name);
      json_builder_set_member_name (builder, "parent");
      if (lane.parent == JG_LANE_NONE)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, lane.parent);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "workers");
  json_builder_begin_array (builder);
  for (guint32 i = 0; i < n_workers; i++)
    {
      JgWorkerLane lane = jg_trace_get_worker (trace, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_int_value (builder, lane.name);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, jg_worker_kind_name (lane.kind));
      json_builder_set_member_name (builder, "pid");
      json_builder_add_int_value (builder, lane.pid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "counters");
  json_builder_begin_array (builder);
  for (guint32 i = 0; i < n_counters; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_int_value (builder, jg_trace_get_counter (trace, i).name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  *header = json_generator_to_data (generator, NULL);
  return TRUE;
}

/* Packs @n events as varints (see the format document) into @out; returns the
 * number of bytes. The first event's ts is a delta from 0, so each chunk decodes
 * on its own. */
static gsize
encode_events (const JgEvent *events,
               gsize          n,
               guint8        *out)
{
  guint8 *start = out;
  guint64 prev_ts = 0;

  for (gsize i = 0; i < n; i++)
    {
      const JgEvent *e = &events[i];

      out = put_varint (out, zigzag (e->ts - prev_ts));
      out = put_varint (out, e->task);
      out = put_varint (out, e->worker);
      out = put_varint (out, e->kind);
      out = put_varint (out, zigzag ((guint64) (gint64) e->cpu));
      out = put_varint (out, e->arg);
      prev_ts = e->ts;
    }
  return out - start;
}

/* Copies events [@first, @first + @n) out of the trace's chunks into @out. */
static void
copy_events (JgTrace *trace,
             guint64  first,
             guint64  n,
             JgEvent *out)
{
  while (n > 0)
    {
      guint64 got;
      const JgEvent *events = jg_trace_get_events (trace, first, &got);

      g_assert (events != NULL && got > 0);
      got = MIN (got, n);
      memcpy (out, events, got * sizeof (JgEvent));
      out += got;
      first += got;
      n -= got;
    }
}

static gboolean
write_events (JgTrace       *trace,
              const Bounds  *bounds,
              guint64        n_events,
              JgAtomicFile  *sink,
              GCancellable  *cancellable,
              GError       **error)
{
  guint64 n_chunks = (n_events + SAVE_CHUNK_EVENTS - 1) / SAVE_CHUNK_EVENTS;
  gsize max_chunk = MIN (n_events, SAVE_CHUNK_EVENTS);
  g_autofree JgEvent *events = g_new (JgEvent, MAX (max_chunk, 1));
  g_autofree guint8 *bytes = g_malloc (MAX (max_chunk, 1) * MAX_EVENT_BYTES);
  /* Room for the base64, the quotes, the separator and a newline. */
  g_autofree char *text = g_malloc ((MAX (max_chunk, 1) * MAX_EVENT_BYTES + 2) / 3 * 4 + 16);
  g_autofree char *head = NULL;

  head = g_strdup_printf (",\n  \"events\" : {\n"
                          "    \"count\" : %" G_GUINT64_FORMAT ",\n"
                          "    \"encoding\" : \"" ENCODING "\",\n"
                          "    \"chunk_events\" : %u,\n"
                          "    \"chunks\" : [",
                          n_events, SAVE_CHUNK_EVENTS);
  if (!jg_atomic_file_write (sink, head, strlen (head), cancellable, error))
    return FALSE;

  for (guint64 c = 0; c < n_chunks; c++)
    {
      guint64 first = c * SAVE_CHUNK_EVENTS;
      gsize n = MIN (SAVE_CHUNK_EVENTS, n_events - first);
      gsize n_bytes, len = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      copy_events (trace, first, n, events);
      for (gsize i = 0; i < n; i++)
        {
          g_autofree char *problem = event_problem (bounds, &events[i]);

          if (G_UNLIKELY (problem != NULL))
            return set_save_error (error, _("event %" PRIu64 ": %s"),
                                   first + i, problem);
        }

      n_bytes = encode_events (events, n, bytes);
      text[len++] = c == 0 ? '\n' : ',';
      if (c > 0)
        text[len++] = '\n';
      memcpy (text + len, "      \"", 7);
      len += 7;
      len += base64_encode (bytes, n_bytes, text + len);
      text[len++] = '"';
      if (!jg_atomic_file_write (sink, text, len, cancellable, error))
        return FALSE;
    }

  return jg_atomic_file_write (sink, "\n    ]\n  }\n}\n", strlen ("\n    ]\n  }\n}\n"), cancellable, error);
}

gboolean
jg_trace_file_save (JgTrace       *trace,
                    GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Bounds bounds = { 0 };
  JgAtomicFile sink = { 0 };
  g_autofree char *header = NULL;
  char *end;
  guint64 n_events;
  gboolean ok;

  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Count first: the trace may still be recording, and everything the counted
   * events refer to (their lanes, strings and latest ts) is published before
   * them. */
  n_events = jg_trace_get_n_events (trace);
  bounds.duration_ns = jg_trace_get_duration_ns (trace);

  if (!build_header (trace, &bounds, &header, error))
    return FALSE;
  /* The events go in as the root object's last member. */
  end = strrchr (header, '}');
  g_assert (end != NULL);
  while (end > header && g_ascii_isspace (end[-1]))
    end--;
  *end = '\0';

  if (!jg_atomic_file_open (&sink, file, "save", cancellable, error))
    return FALSE;
  ok = jg_atomic_file_write (&sink, header, strlen (header), cancellable, error)
    && write_events (trace, &bounds, n_events, &sink, cancellable, error)
    && jg_atomic_file_commit (&sink, cancellable, error);
  jg_atomic_file_clear (&sink);
  return ok;
}

/* Loading */

/* Where a value sits in the document, for errors: "run.workers",
 * "workers[2].kind", "events.chunks[3]". */
typedef struct
{
  const char *where;  /* the file's name */
  const char *parent; /* NULL at the root */
  gint64      index;  /* element of @parent, or -1 */
} Scope;

static char *
scope_path (const Scope *scope,
            const char  *member)
{
  GString *path = g_string_new (scope->parent);

  if (scope->index >= 0)
    g_string_append_printf (path, "[%" G_GINT64_FORMAT "]", scope->index);
  if (member != NULL)
    {
      if (path->len > 0)
        g_string_append_c (path, '.');
      g_string_append (path, member);
    }
  return g_string_free (path, FALSE);
}

static gboolean
set_error (GError      **error,
           gint          code,
           const Scope  *scope,
           const char   *member,
           const char   *format,
           ...) G_GNUC_PRINTF (5, 6);

static gboolean
set_error (GError      **error,
           gint          code,
           const Scope  *scope,
           const char   *member,
           const char   *format,
           ...)
{
  va_list args;
  g_autofree char *message = NULL;
  g_autofree char *path = scope_path (scope, member);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path[0] != '\0')
    g_set_error (error, JG_TRACE_FILE_ERROR, code, "%s: %s: %s", scope->where, path, message);
  else
    g_set_error (error, JG_TRACE_FILE_ERROR, code, "%s: %s", scope->where, message);
  return FALSE;
}

static const char *
describe_node (JsonNode *node)
{
  if (node == NULL)
    /* TRANSLATORS: what a trace file holds where something else belongs:
     * "expected a string, got nothing" */
    return _("nothing");
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return _("an integer");
        case G_TYPE_DOUBLE:
          return _("a fractional number");
        case G_TYPE_BOOLEAN:
          return _("a boolean");
        case G_TYPE_STRING:
          return _("a string");
        default:
          return _("an unknown value");
        }
    }
}

typedef enum
{
  FIELD_REQUIRED = 0,
  FIELD_OPTIONAL = 1 << 0, /* may be missing */
  FIELD_NULLABLE = 1 << 1, /* may be null */
} FieldFlags;

/* The member's node; NULL with no error when an allowed null or missing.
 * @expected names the type for the error, as in "expected an integer". */
static JsonNode *
get_field (JsonObject   *object,
           const Scope  *scope,
           const char   *member,
           FieldFlags    flags,
           const char   *expected,
           gboolean     *ok,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL)
    {
      if (flags & FIELD_OPTIONAL)
        return NULL;
      *ok = set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member, _("missing"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (flags & FIELD_NULLABLE)
        return NULL;
      *ok = set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                       /* TRANSLATORS: %s is what belongs there: "an integer", "a string", … */
                       _("expected %s, got null"), _(expected));
      return NULL;
    }
  return node;
}

/* An integer in [@min, @max]; *value is untouched when null or missing. */
static gboolean
read_int (JsonObject   *object,
          const Scope  *scope,
          const char   *member,
          FieldFlags    flags,
          gint64        min,
          gint64        max,
          gint64       *value,
          GError      **error)
{
  gboolean ok;
  JsonNode *node = get_field (object, scope, member, flags, N_("an integer"), &ok, error);
  gint64 v;

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("expected an integer, got %s"), describe_node (node));
  v = json_node_get_int (node);
  if (v < min || v > max)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("%" PRId64 " out of range (%" PRId64
                        " to %" PRId64 ")"), v, min, max);
  *value = v;
  return TRUE;
}

/* A string; *value is NULL when null or missing. Owned by the parser. */
static gboolean
read_string (JsonObject   *object,
             const Scope  *scope,
             const char   *member,
             FieldFlags    flags,
             const char  **value,
             GError      **error)
{
  gboolean ok;
  JsonNode *node = get_field (object, scope, member, flags, N_("a string"), &ok, error);

  *value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("expected a string, got %s"), describe_node (node));
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_object (JsonObject   *object,
             const Scope  *scope,
             const char   *member,
             JsonObject  **value,
             GError      **error)
{
  gboolean ok;
  JsonNode *node = get_field (object, scope, member, FIELD_REQUIRED, N_("an object"), &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("expected an object, got %s"), describe_node (node));
  *value = json_node_get_object (node);
  return TRUE;
}

/* An array of at most @max elements. */
static gboolean
read_array (JsonObject   *object,
            const Scope  *scope,
            const char   *member,
            guint         max,
            JsonArray   **value,
            GError      **error)
{
  gboolean ok;
  JsonNode *node = get_field (object, scope, member, FIELD_REQUIRED, N_("an array"), &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("expected an array, got %s"), describe_node (node));
  *value = json_node_get_array (node);
  if (json_array_get_length (*value) > max)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, member,
                      _("%u elements; at most %u are allowed"),
                      json_array_get_length (*value), max);
  return TRUE;
}

/* Element @index of @array as an object, with a scope naming it. */
static JsonObject *
array_object (JsonArray   *array,
              const Scope *scope,
              GError     **error)
{
  JsonNode *node = json_array_get_element (array, scope->index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                 _("expected an object, got %s"), describe_node (node));
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_format_and_version (JsonObject   *root,
                         const Scope  *scope,
                         GError      **error)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 v;

  if (format == NULL)
    return set_error (error, JG_TRACE_FILE_ERROR_NOT_A_TRACE, scope, "format",
                      _("missing: this is not a Juggler trace"));
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_STRING)
    return set_error (error, JG_TRACE_FILE_ERROR_NOT_A_TRACE, scope, "format",
                      _("expected \"%s\", got %s: this is not a Juggler trace"),
                      JG_TRACE_FILE_FORMAT, describe_node (format));
  if (g_strcmp0 (json_node_get_string (format), JG_TRACE_FILE_FORMAT) != 0)
    {
      g_autofree char *got = g_strescape (json_node_get_string (format), NULL);

      return set_error (error, JG_TRACE_FILE_ERROR_NOT_A_TRACE, scope, "format",
                        _("expected \"%s\", got \"%s\": this is not a Juggler trace"),
                        JG_TRACE_FILE_FORMAT, got);
    }

  if (version == NULL)
    return set_error (error, JG_TRACE_FILE_ERROR_VERSION, scope, "version", _("missing"));
  if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64)
    return set_error (error, JG_TRACE_FILE_ERROR_VERSION, scope, "version",
                      _("expected an integer, got %s"), describe_node (version));
  v = json_node_get_int (version);
  if (v > JG_TRACE_FILE_VERSION)
    return set_error (error, JG_TRACE_FILE_ERROR_VERSION, scope, "version",
                      _("this file is version %" PRId64 ", written by a newer Juggler; "
                        "this Juggler reads version %d"), v, JG_TRACE_FILE_VERSION);
  if (v < JG_TRACE_FILE_VERSION)
    return set_error (error, JG_TRACE_FILE_ERROR_VERSION, scope, "version",
                      _("this file is version %" PRId64 "; this Juggler reads version %d"),
                      v, JG_TRACE_FILE_VERSION);
  return TRUE;
}

static gboolean
read_scenario (JsonObject   *root,
               const Scope  *top,
               JgTrace      *trace,
               GError      **error)
{
  Scope scope = { top->where, "scenario", -1 };
  JsonObject *object = NULL;
  const char *id, *title;
  gboolean ok;
  JsonNode *definition;
  g_autoptr(JsonNode) copy = NULL;

  if (!read_object (root, top, "scenario", &object, error)
      || !read_string (object, &scope, "id", FIELD_NULLABLE, &id, error)
      || !read_string (object, &scope, "title", FIELD_NULLABLE, &title, error))
    return FALSE;
  definition = get_field (object, &scope, "definition", FIELD_OPTIONAL | FIELD_NULLABLE,
                          N_("a value"), &ok, error);
  if (definition != NULL)
    copy = json_node_copy (definition);
  jg_trace_set_scenario (trace, id, title, copy);
  return TRUE;
}

static gboolean
read_run (JsonObject   *root,
          const Scope  *top,
          JgTrace      *trace,
          GError      **error)
{
  Scope scope = { top->where, "run", -1 };
  JsonObject *object = NULL;
  JgRunInfo run = { 0 };
  gint64 workers = 0;
  gboolean ok;
  JsonNode *interval, *scale;

  if (!read_object (root, top, "run", &object, error)
      || !read_string (object, &scope, "model", FIELD_NULLABLE, &run.model, error)
      || !read_int (object, &scope, "workers", FIELD_REQUIRED, 0, G_MAXUINT32, &workers, error)
      || !read_string (object, &scope, "interpreter", FIELD_NULLABLE, &run.interpreter, error))
    return FALSE;

  interval = get_field (object, &scope, "switch_interval_ms", FIELD_REQUIRED, N_("a number"),
                        &ok, error);
  if (!ok)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (interval)
      || (json_node_get_value_type (interval) != G_TYPE_DOUBLE
          && json_node_get_value_type (interval) != G_TYPE_INT64))
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "switch_interval_ms",
                      _("expected a number, got %s"), describe_node (interval));
  run.switch_interval_ms = json_node_get_double (interval);
  if (!isfinite (run.switch_interval_ms) || run.switch_interval_ms < 0)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "switch_interval_ms",
                      _("%g is not a duration"), run.switch_interval_ms);

  if (!read_string (object, &scope, "start_method", FIELD_OPTIONAL | FIELD_NULLABLE,
                    &run.start_method, error))
    return FALSE;

  /* Slow motion: the events are stretched times. Older files ran at 1×. */
  run.time_scale = 1.0;
  scale = get_field (object, &scope, "time_scale", FIELD_OPTIONAL, N_("a number"), &ok, error);
  if (!ok)
    return FALSE;
  if (scale != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (scale)
          || (json_node_get_value_type (scale) != G_TYPE_DOUBLE
              && json_node_get_value_type (scale) != G_TYPE_INT64))
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "time_scale",
                          _("expected a number, got %s"), describe_node (scale));
      run.time_scale = json_node_get_double (scale);
      if (!(run.time_scale >= JG_TIME_SCALE_MIN && run.time_scale <= JG_TIME_SCALE_MAX))
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "time_scale",
                          _("%g out of range (%g to %g)"), run.time_scale,
                          JG_TIME_SCALE_MIN, JG_TIME_SCALE_MAX);
    }

  run.workers = workers;
  jg_trace_set_run_info (trace, &run);
  return TRUE;
}

static gboolean
read_machine (JsonObject   *root,
              const Scope  *top,
              JgTrace      *trace,
              GError      **error)
{
  Scope scope = { top->where, "machine", -1 };
  JsonObject *object = NULL;
  JgMachineInfo machine = { 0 };
  gint64 cores = 0;

  if (!read_object (root, top, "machine", &object, error)
      || !read_int (object, &scope, "cores", FIELD_NULLABLE, 1, MAX_CORES, &cores, error)
      || !read_string (object, &scope, "kernel", FIELD_NULLABLE, &machine.kernel, error)
      || !read_string (object, &scope, "cpu_model", FIELD_NULLABLE, &machine.cpu_model, error)
      || !read_string (object, &scope, "hostname", FIELD_NULLABLE, &machine.hostname, error))
    return FALSE;

  machine.n_cores = cores;
  jg_trace_set_machine (trace, &machine);
  return TRUE;
}

static gboolean
read_created (JsonObject   *root,
              const Scope  *top,
              JgTrace      *trace,
              GError      **error)
{
  const char *text;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (!read_string (root, top, "created", FIELD_OPTIONAL | FIELD_NULLABLE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  created = g_date_time_new_from_iso8601 (text, NULL);
  if (created == NULL)
    {
      g_autofree char *got = g_strescape (text, NULL);

      return set_error (error, JG_TRACE_FILE_ERROR_INVALID, top, "created",
                        _("expected an ISO 8601 date and time with a time zone, got \"%s\""), got);
    }
  utc = g_date_time_to_utc (created);
  jg_trace_set_created (trace, utc);
  return TRUE;
}

/* Interns strings[1..] in order, so the new trace's ids are the file's. */
static gboolean
read_strings (JsonObject   *root,
              const Scope  *top,
              JgTrace      *trace,
              GError      **error)
{
  JsonArray *strings = NULL;
  guint n;

  if (!read_array (root, top, "strings", JG_TRACE_MAX_STRINGS, &strings, error))
    return FALSE;

  n = json_array_get_length (strings);
  if (n == 0)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, top, "strings",
                      _("empty; strings[0] must be \"\""));

  for (guint i = 0; i < n; i++)
    {
      Scope scope = { top->where, "strings", i };
      JsonNode *node = json_array_get_element (strings, i);
      const char *string;
      guint32 id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, NULL,
                          _("expected a string, got %s"), describe_node (node));
      string = json_node_get_string (node);
      if (i == 0)
        {
          if (string[0] != '\0')
            return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, NULL,
                              _("must be the empty string"));
          continue;
        }
      id = jg_trace_intern (trace, string);
      if (id != i)
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, NULL,
                          _("duplicate of strings[%u]; each string appears once"), id);
    }
  return TRUE;
}

static gboolean
read_name (JsonObject   *object,
           const Scope  *scope,
           guint32       n_strings,
           guint32      *name,
           GError      **error)
{
  gint64 id = 0;

  if (!read_int (object, scope, "name", FIELD_REQUIRED, 0, G_MAXUINT32, &id, error))
    return FALSE;
  if (id >= n_strings)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, "name",
                      _("string id %" PRId64 " out of range (the trace has %u strings)"),
                      id, n_strings);
  *name = id;
  return TRUE;
}

static gboolean
read_lanes (JsonObject   *root,
            const Scope  *top,
            JgTrace      *trace,
            GError      **error)
{
  guint32 n_strings = jg_trace_get_n_strings (trace);
  JsonArray *tasks = NULL, *workers = NULL, *counters = NULL;
  guint n_tasks;

  if (!read_array (root, top, "tasks", JG_TRACE_MAX_LANES, &tasks, error)
      || !read_array (root, top, "workers", JG_TRACE_MAX_LANES, &workers, error)
      || !read_array (root, top, "counters", JG_TRACE_MAX_LANES, &counters, error))
    return FALSE;

  n_tasks = json_array_get_length (tasks);
  for (guint i = 0; i < n_tasks; i++)
    {
      Scope scope = { top->where, "tasks", i };
      JsonObject *object = array_object (tasks, &scope, error);
      guint32 name = 0;
      gint64 parent = -1;

      if (object == NULL
          || !read_name (object, &scope, n_strings, &name, error)
          || !read_int (object, &scope, "parent", FIELD_NULLABLE, 0, G_MAXUINT32, &parent, error))
        return FALSE;
      if (parent >= n_tasks)
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "parent",
                          _("task %" PRId64 " out of range (the trace has %u tasks)"),
                          parent, n_tasks);
      jg_trace_add_task (trace, jg_trace_lookup_string (trace, name),
                         parent < 0 ? JG_LANE_NONE : (guint32) parent);
    }

  for (guint i = 0; i < json_array_get_length (workers); i++)
    {
      Scope scope = { top->where, "workers", i };
      JsonObject *object = array_object (workers, &scope, error);
      guint32 name = 0;
      const char *kind_name;
      JgWorkerKind kind;
      gint64 pid = 0;

      if (object == NULL
          || !read_name (object, &scope, n_strings, &name, error)
          || !read_string (object, &scope, "kind", FIELD_REQUIRED, &kind_name, error)
          || !read_int (object, &scope, "pid", FIELD_REQUIRED, G_MININT32, G_MAXINT32, &pid, error))
        return FALSE;
      if (!jg_worker_kind_from_name (kind_name, &kind))
        {
          g_autofree char *got = g_strescape (kind_name, NULL);

          return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "kind",
                            _("expected one of thread, process, loop, got \"%s\""), got);
        }
      jg_trace_add_worker (trace, jg_trace_lookup_string (trace, name), kind, pid);
    }

  for (guint i = 0; i < json_array_get_length (counters); i++)
    {
      Scope scope = { top->where, "counters", i };
      JsonObject *object = array_object (counters, &scope, error);
      guint32 name = 0;

      if (object == NULL || !read_name (object, &scope, n_strings, &name, error))
        return FALSE;
      jg_trace_add_counter (trace, jg_trace_lookup_string (trace, name));
    }

  return TRUE;
}

static const char * const field_names[] = { "ts", "task", "worker", "kind", "cpu", "arg" };

/* Decodes chunk @index, which must hold exactly @n_events events, and appends
 * them to @trace in batches. @bytes and @batch are scratch space. */
static gboolean
decode_chunk (JgTrace       *trace,
              const Bounds  *bounds,
              const Scope   *scope,
              guint64        first_event,
              guint64        n_events,
              const char    *text,
              gsize          text_len,
              guint8        *bytes,
              JgEvent       *batch,
              GError       **error)
{
  const guint8 *p = bytes, *end;
  g_autofree char *problem = NULL;
  guint64 prev_ts = 0;
  gsize n_bytes = 0;
  guint n_batch = 0;

  problem = base64_decode (text, text_len, bytes, &n_bytes);
  if (problem != NULL)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL, "%s", problem);
  end = bytes + n_bytes;

  for (guint64 i = 0; i < n_events; i++)
    {
      guint64 f[6];
      JgEvent *e = &batch[n_batch];
      guint64 cpu;

      for (guint j = 0; j < 6; j++)
        {
          VarintStatus status = get_varint (&p, end, &f[j]);

          if (G_UNLIKELY (status != VARINT_OK))
            return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                              status == VARINT_TRUNCATED
                                /* TRANSLATORS: "event 12: truncated varint for ts at byte 80 of
                                 * the chunk"; a varint is a number in the file's compact encoding */
                                ? _("event %" PRIu64 ": truncated varint for %s at byte %" PRIu64
                                    " of the chunk")
                                : _("event %" PRIu64 ": overlong varint for %s at byte %" PRIu64
                                    " of the chunk"),
                              first_event + i, field_names[j], (guint64) (p - bytes));
        }

      /* Values too wide for the record's fields; the rest is event_problem's. */
      for (guint j = 1; j < 6; j++)
        {
          guint64 max = j == 3 ? G_MAXUINT16 : G_MAXUINT32;

          if (G_UNLIKELY (j != 4 && f[j] > max))
            return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                              _("event %" PRIu64 ": %s %" PRIu64
                                " out of range (at most %" PRIu64 ")"),
                              first_event + i, field_names[j], f[j], max);
        }
      cpu = unzigzag (f[4]);
      if (G_UNLIKELY ((gint64) cpu < -1 || (gint64) cpu > G_MAXINT16))
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                          _("event %" PRIu64 ": cpu %" PRId64
                            " out of range (-1 to %d)"), first_event + i, (gint64) cpu, G_MAXINT16);

      e->ts = prev_ts + unzigzag (f[0]);
      e->task = f[1];
      e->worker = f[2];
      e->kind = f[3];
      e->cpu = (gint16) (gint64) cpu;
      e->arg = f[5];
      prev_ts = e->ts;

      problem = event_problem (bounds, e);
      if (G_UNLIKELY (problem != NULL))
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                          _("event %" PRIu64 ": %s"), first_event + i, problem);

      if (++n_batch == DECODE_BATCH)
        {
          jg_trace_append (trace, batch, n_batch);
          n_batch = 0;
        }
    }

  if (p != end)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, scope, NULL,
                      _("trailing bytes: %" PRIu64 " left over after the chunk's %"
                        PRIu64 " events"), (guint64) (end - p), n_events);

  jg_trace_append (trace, batch, n_batch);
  return TRUE;
}

static gboolean
read_events (JsonObject   *root,
             const Scope  *top,
             JgTrace      *trace,
             Bounds       *bounds,
             GError      **error)
{
  Scope scope = { top->where, "events", -1 };
  JsonObject *events = NULL;
  JsonArray *chunks = NULL;
  const char *encoding;
  gint64 count = 0, chunk_events = 0;
  guint64 n_chunks;
  gsize max_text = 0;
  g_autofree guint8 *bytes = NULL;
  g_autofree JgEvent *batch = NULL;

  /* Every size is checked before anything proportional to it is allocated. */
  if (!read_object (root, top, "events", &events, error)
      || !read_int (events, &scope, "count", FIELD_REQUIRED, 0, JG_TRACE_MAX_EVENTS, &count, error)
      || !read_string (events, &scope, "encoding", FIELD_REQUIRED, &encoding, error))
    return FALSE;
  if (g_strcmp0 (encoding, ENCODING) != 0)
    {
      g_autofree char *got = g_strescape (encoding, NULL);

      return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "encoding",
                        _("unknown encoding \"%s\"; this Juggler reads \"%s\""), got, ENCODING);
    }
  if (!read_int (events, &scope, "chunk_events", FIELD_REQUIRED, 1, MAX_CHUNK_EVENTS,
                 &chunk_events, error)
      || !read_array (events, &scope, "chunks", JG_TRACE_MAX_EVENTS, &chunks, error))
    return FALSE;

  n_chunks = ((guint64) count + chunk_events - 1) / chunk_events;
  if (json_array_get_length (chunks) != n_chunks)
    return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &scope, "chunks",
                      _("%" PRId64 " events of %" PRId64 " per chunk need %"
                        PRIu64 " chunks, found %u"),
                      count, chunk_events, n_chunks, json_array_get_length (chunks));

  for (guint i = 0; i < n_chunks; i++)
    {
      Scope chunk_scope = { top->where, "events.chunks", i };
      JsonNode *node = json_array_get_element (chunks, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return set_error (error, JG_TRACE_FILE_ERROR_INVALID, &chunk_scope, NULL,
                          _("expected a string, got %s"), describe_node (node));
      max_text = MAX (max_text, strlen (json_node_get_string (node)));
    }

  bytes = g_malloc (max_text / 4 * 3 + 1);
  batch = g_new (JgEvent, DECODE_BATCH);
  for (guint i = 0; i < n_chunks; i++)
    {
      Scope chunk_scope = { top->where, "events.chunks", i };
      const char *text = json_array_get_string_element (chunks, i);
      guint64 first = (guint64) i * chunk_events;

      if (!decode_chunk (trace, bounds, &chunk_scope, first,
                         MIN ((guint64) chunk_events, (guint64) count - first),
                         text, strlen (text), bytes, batch, error))
        return FALSE;
    }

  return TRUE;
}

static JgTrace *
load_root (JsonNode    *root_node,
           const char  *where,
           GError     **error)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  Scope top = { where, NULL, -1 };
  JsonObject *root, *parameters = NULL, *results = NULL;
  Bounds bounds = { 0 };
  gint64 epoch_ns = 0, duration_ns = 0;
  const char *generator;

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      set_error (error, JG_TRACE_FILE_ERROR_NOT_A_TRACE, &top, NULL,
                 _("not a Juggler trace: the document is %s, not an object"),
                 describe_node (root_node));
      return NULL;
    }
  root = json_node_get_object (root_node);

  if (!read_format_and_version (root, &top, error)
      || !read_string (root, &top, "generator", FIELD_OPTIONAL | FIELD_NULLABLE, &generator, error)
      || !read_created (root, &top, trace, error)
      || !read_scenario (root, &top, trace, error)
      || !read_object (root, &top, "parameters", &parameters, error)
      || !read_run (root, &top, trace, error)
      || !read_machine (root, &top, trace, error)
      || !read_object (root, &top, "results", &results, error)
      || !read_int (root, &top, "epoch_ns", FIELD_OPTIONAL | FIELD_NULLABLE, 0, G_MAXINT64,
                    &epoch_ns, error)
      || !read_int (root, &top, "duration_ns", FIELD_REQUIRED, 0, G_MAXINT64, &duration_ns, error)
      || !read_strings (root, &top, trace, error)
      || !read_lanes (root, &top, trace, error))
    return NULL;

  jg_trace_set_parameters (trace, parameters);
  jg_trace_set_results (trace, results);
  jg_trace_set_epoch_ns (trace, epoch_ns);
  jg_trace_set_end_ns (trace, duration_ns);

  bounds.n_strings = jg_trace_get_n_strings (trace);
  bounds.n_tasks = jg_trace_get_n_tasks (trace);
  bounds.n_workers = jg_trace_get_n_workers (trace);
  bounds.n_counters = jg_trace_get_n_counters (trace);
  bounds.n_cores = jg_trace_get_machine (trace)->n_cores;
  bounds.duration_ns = duration_ns;
  if (!read_events (root, &top, trace, &bounds, error))
    return NULL;

  jg_trace_finish (trace);
  return g_steal_pointer (&trace);
}

JgTrace *
jg_trace_file_load_data (const char  *data,
                         gsize        length,
                         const char  *where,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (where == NULL)
    where = "trace";

  if (length == 0)
    {
      g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON,
                   _("%s: the file is empty"), where);
      return NULL;
    }
  if (length > G_MAXSSIZE)
    {
      g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON,
                   _("%s: the file is too large"), where);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      const char *message = local_error->message;

      /* json-glib names the source "<data>"; put the file's name there, so the
       * message reads "name:line:column: ...". */
      if (g_str_has_prefix (message, "<data>:"))
        g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON,
                     "%s:%s", where, message + strlen ("<data>:"));
      else
        g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON,
                     _("%s: not JSON: %s"), where, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, JG_TRACE_FILE_ERROR, JG_TRACE_FILE_ERROR_NOT_JSON,
                   _("%s: the file holds no JSON document"), where);
      return NULL;
    }

  return load_root (root, where, error);
}

JgTrace *
jg_trace_file_load (GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *basename = NULL;
  g_autofree char *where = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  basename = g_file_get_basename (file);
  where = basename != NULL ? g_filename_display_name (basename) : g_file_get_parse_name (file);

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    {
      g_prefix_error (error, "%s: ", where);
      return NULL;
    }

  return jg_trace_file_load_data (contents, length, where, error);
}
