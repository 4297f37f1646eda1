/* jg-process-wire.c: blocking reads and writes of whole messages, and the
 * payload serialiser that stands for pickle. */
#define G_LOG_DOMAIN "jg-process-wire"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "jg-clock.h"
#include "jg-cpu.h"
#include "jg-process-wire.h"

#define RECORD_BYTES 9 /* an opcode and a double, as pickle's BINFLOAT */

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

gboolean
jg_wire_write_all (int          fd,
                   const void  *data,
                   gsize        size,
                   GError     **error)
{
  const guint8 *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, size);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, "Could not write to the pipe");
        }
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

gboolean
jg_wire_read_all (int        fd,
                  void      *data,
                  gsize      size,
                  gboolean  *eof,
                  GError   **error)
{
  guint8 *p = data;
  gsize done = 0;

  if (eof != NULL)
    *eof = FALSE;

  while (done < size)
    {
      ssize_t n = read (fd, p + done, size - done);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, "Could not read from the pipe");
        }
      if (n == 0)
        {
          if (done == 0 && eof != NULL)
            {
              *eof = TRUE;
              return FALSE;
            }
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, _("The pipe closed in the middle of a message"));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

gboolean
jg_wire_send (int          fd,
              JgWireType   type,
              const void  *body,
              gsize        body_size,
              guint64      extra,
              GError     **error)
{
  JgWireHeader header = { type, JG_WIRE_MAGIC, body_size + extra };

  return jg_wire_write_all (fd, &header, sizeof header, error)
         && (body_size == 0 || jg_wire_write_all (fd, body, body_size, error));
}

gboolean
jg_wire_check_header (const JgWireHeader  *header,
                      GError             **error)
{
  guint64 limit;

  if (header->magic != JG_WIRE_MAGIC || header->type == 0 || header->type >= JG_WIRE_N_TYPES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Not a Juggler worker message (type %u)"),
                   header->type);
      return FALSE;
    }

  switch ((JgWireType) header->type)
    {
    case JG_WIRE_CONFIG:
      limit = sizeof (JgWireConfig) + JG_WIRE_MAX_TEXT;
      break;
    case JG_WIRE_TASK:
      limit = sizeof (JgWireTask) + (guint64) JG_WIRE_MAX_STEPS * sizeof (JgStep) + JG_WIRE_MAX_PAYLOAD;
      break;
    case JG_WIRE_EVENTS:
      limit = (guint64) JG_WIRE_MAX_EVENTS * sizeof (JgEvent);
      break;
    case JG_WIRE_READY:
      limit = sizeof (JgWireReady);
      break;
    case JG_WIRE_RESULT:
      limit = sizeof (JgWireResult) + JG_WIRE_MAX_TEXT + JG_WIRE_MAX_PAYLOAD;
      break;
    case JG_WIRE_FORK:
      limit = sizeof (JgWireFork);
      break;
    case JG_WIRE_FORKED:
      limit = sizeof (JgWireForked);
      break;
    case JG_WIRE_EXITED:
      limit = sizeof (JgWireExited);
      break;
    case JG_WIRE_N_TYPES:
    default:
      g_assert_not_reached ();
    }

  if (header->length > limit)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("A worker message of type %u is %" PRIu64 " bytes long (at most %" PRIu64 ")"),
                   header->type, header->length, limit);
      return FALSE;
    }
  return TRUE;
}

guint64
jg_wire_encode_payload (guint8  *out,
                        gsize    size,
                        guint64  seed)
{
  gsize n_records = size / RECORD_BYTES;
  double value = (double) (seed % 1000) + 0.5;
  guint64 checksum = seed;

  for (gsize i = 0; i < n_records; i++)
    {
      guint64 bits;

      /* The values differ record to record, as a real list of floats does. */
      value = value * 1.0000001 + 0.25;
      memcpy (&bits, &value, sizeof bits);
      checksum += bits;
      bits = GUINT64_TO_BE (bits);
      out[i * RECORD_BYTES] = 'G';
      memcpy (out + i * RECORD_BYTES + 1, &bits, sizeof bits);
    }
  memset (out + n_records * RECORD_BYTES, 'N', size - n_records * RECORD_BYTES);
  return checksum;
}

gboolean
jg_wire_decode_payload (const guint8  *in,
                        gsize          size,
                        guint64       *checksum,
                        GError       **error)
{
  gsize n_records = size / RECORD_BYTES;
  g_autofree double *list = g_try_new (double, MAX (n_records, 1));
  guint64 sum = 0;

  if (list == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("No memory to unpickle %" PRIu64 " bytes"), (guint64) size);
      return FALSE;
    }

  for (gsize i = 0; i < n_records; i++)
    {
      guint64 bits;

      if (in[i * RECORD_BYTES] != 'G')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Bad record at byte %" PRIu64),
                       (guint64) (i * RECORD_BYTES));
          return FALSE;
        }
      memcpy (&bits, in + i * RECORD_BYTES + 1, sizeof bits);
      bits = GUINT64_FROM_BE (bits);
      memcpy (&list[i], &bits, sizeof bits);
      sum += bits;
    }
  for (gsize i = n_records * RECORD_BYTES; i < size; i++)
    if (in[i] != 'N')
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Bad padding at byte %" PRIu64), (guint64) i);
        return FALSE;
      }

  if (checksum != NULL)
    *checksum = sum + (n_records > 0 ? (guint64) list[n_records - 1] : 0);
  return TRUE;
}

void
jg_wire_stretch (guint64       started_ns,
                 double        time_scale,
                 GCancellable *cancellable)
{
  guint64 now = jg_clock_now_ns ();
  guint64 slice = MAX ((guint64) (jg_cpu_get_iterations_per_ms () * JG_CPU_SLICE_MS), 1);
  guint64 until, state = started_ns | 1;

  if (!(time_scale > 1.0) || now <= started_ns)
    return;
  until = started_ns + (guint64) ((double) (now - started_ns) * time_scale);
  /* Real work, in slices, not a sleep: the core stays as busy as a slower
   * pickle would keep it. A stop does not wait for it (1000× of a long pickle
   * is minutes). */
  while (jg_clock_now_ns () < until && !g_cancellable_is_cancelled (cancellable))
    state = jg_cpu_spin (slice, state);
  if (state == 0)
    g_debug ("stretch state reached zero");
}
