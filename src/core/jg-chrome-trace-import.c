/* jg-chrome-trace-import.c: reading Chrome Trace Event JSON (docs/chrome-trace.md).
 *
 * The file is mapped and scanned by a small JSON reader of our own: a first
 * pass checks the syntax and reads the top-level members but traceEvents; a
 * second reads one event at a time into a plain struct, so a large file never
 * becomes a tree of JsonNodes (only otherData and the args that matter do).
 * A Juggler export is rebuilt exactly from its slices; any other trace maps
 * threads to workers and top-level slices to tasks. What maps to nothing is
 * counted in the report. */
#define G_LOG_DOMAIN "jg-chrome-trace"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jg-chrome-trace.h"

#define MAX_DEPTH     256
/* Decimal digits kept from a number's mantissa; plenty for nanoseconds. */
#define MAX_DIGITS    18

/* The report */

typedef enum
{
  ITEM_ASYNC,
  ITEM_FLOW,
  ITEM_OBJECT,
  ITEM_SAMPLE,
  ITEM_MEMORY,
  ITEM_CLOCK,
  ITEM_CONTEXT,
  ITEM_METADATA,
  ITEM_UNKNOWN_PHASE,
  ITEM_OVERLAPPING,
  ITEM_ORPHAN_INSTANT,
  ITEM_COUNTER_NOT_NUMBER,
  ITEM_NOT_JUGGLER,
  ITEM_NESTED,
  ITEM_UNCLOSED,
  ITEM_COUNTER_ROUNDED,
  N_ITEMS
} Item;

static const struct
{
  const char *id;
  gboolean    unmapped; /* dropped, rather than folded or approximated */
} items[] = {
  [ITEM_ASYNC] = { "async", TRUE },
  [ITEM_FLOW] = { "flow", TRUE },
  [ITEM_OBJECT] = { "object", TRUE },
  [ITEM_SAMPLE] = { "sample", TRUE },
  [ITEM_MEMORY] = { "memory-dump", TRUE },
  [ITEM_CLOCK] = { "clock-sync", TRUE },
  [ITEM_CONTEXT] = { "context", TRUE },
  [ITEM_METADATA] = { "metadata", TRUE },
  [ITEM_UNKNOWN_PHASE] = { "unknown-phase", TRUE },
  [ITEM_OVERLAPPING] = { "overlapping-slice", TRUE },
  [ITEM_ORPHAN_INSTANT] = { "orphan-instant", TRUE },
  [ITEM_COUNTER_NOT_NUMBER] = { "counter-not-number", TRUE },
  [ITEM_NOT_JUGGLER] = { "not-juggler", TRUE },
  [ITEM_NESTED] = { "nested-slice", FALSE },
  [ITEM_UNCLOSED] = { "unclosed-begin", FALSE },
  [ITEM_COUNTER_ROUNDED] = { "counter-rounded", FALSE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (items) == N_ITEMS);

struct _JgChromeImportReport
{
  gboolean juggler;
  guint64  n_read;
  guint64  counts[N_ITEMS];
};

gboolean
jg_chrome_import_report_is_juggler (const JgChromeImportReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->juggler;
}

guint64
jg_chrome_import_report_get_n_read (const JgChromeImportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_read;
}

guint64
jg_chrome_import_report_get_n_unmapped (const JgChromeImportReport *report)
{
  guint64 n = 0;

  g_return_val_if_fail (report != NULL, 0);
  for (guint i = 0; i < N_ITEMS; i++)
    if (items[i].unmapped)
      n += report->counts[i];
  return n;
}

guint
jg_chrome_import_report_get_n_items (const JgChromeImportReport *report)
{
  guint n = 0;

  g_return_val_if_fail (report != NULL, 0);
  for (guint i = 0; i < N_ITEMS; i++)
    if (report->counts[i] > 0)
      n++;
  return n;
}

static gint
item_at (const JgChromeImportReport *report,
         guint                       index)
{
  for (guint i = 0; i < N_ITEMS; i++)
    if (report->counts[i] > 0 && index-- == 0)
      return (gint) i;
  return -1;
}

const char *
jg_chrome_import_report_get_item (const JgChromeImportReport *report,
                                  guint                       index,
                                  guint64                    *count,
                                  gboolean                   *unmapped)
{
  gint i;

  g_return_val_if_fail (report != NULL, NULL);

  i = item_at (report, index);
  g_return_val_if_fail (i >= 0, NULL);
  if (count != NULL)
    *count = report->counts[i];
  if (unmapped != NULL)
    *unmapped = items[i].unmapped;
  return items[i].id;
}

/* "3 flow events (ph s, t, f) were not imported": one whole sentence per
 * item and count, so that each language can inflect it. */
static char *
describe (Item    item,
          guint64 n)
{
  switch (item)
    {
    case ITEM_ASYNC:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " async event (ph b, e, n, S, T, p, F) "
                                           "was not imported",
                                           "%" PRIu64 " async events (ph b, e, n, S, T, p, F) "
                                           "were not imported", n),
                              n);
    case ITEM_FLOW:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " flow event (ph s, t, f) was not imported",
                                           "%" PRIu64 " flow events (ph s, t, f) were not "
                                           "imported", n),
                              n);
    case ITEM_OBJECT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " object event (ph N, O, D) was not "
                                           "imported",
                                           "%" PRIu64 " object events (ph N, O, D) were not "
                                           "imported", n),
                              n);
    case ITEM_SAMPLE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " sample event (ph P) was not imported",
                                           "%" PRIu64 " sample events (ph P) were not imported", n),
                              n);
    case ITEM_MEMORY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " memory dump event (ph V, v) was not "
                                           "imported",
                                           "%" PRIu64 " memory dump events (ph V, v) were not "
                                           "imported", n),
                              n);
    case ITEM_CLOCK:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " clock sync event (ph c) was not imported",
                                           "%" PRIu64 " clock sync events (ph c) were not "
                                           "imported", n),
                              n);
    case ITEM_CONTEXT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " context event (ph \"(\", \")\") was not "
                                           "imported",
                                           "%" PRIu64 " context events (ph \"(\", \")\") were "
                                           "not imported", n),
                              n);
    case ITEM_METADATA:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " metadata event other than a process or "
                                           "thread name (ph M) was not imported",
                                           "%" PRIu64 " metadata events other than process and "
                                           "thread names (ph M) were not imported", n),
                              n);
    case ITEM_UNKNOWN_PHASE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " event of an unknown phase was not "
                                           "imported",
                                           "%" PRIu64 " events of unknown phases were not "
                                           "imported", n),
                              n);
    case ITEM_OVERLAPPING:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " slice that overlaps another without "
                                           "nesting in it was not imported",
                                           "%" PRIu64 " slices that overlap others without "
                                           "nesting in them were not imported", n),
                              n);
    case ITEM_ORPHAN_INSTANT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " instant event with no task to belong to "
                                           "was not imported",
                                           "%" PRIu64 " instant events with no task to belong "
                                           "to were not imported", n),
                              n);
    case ITEM_COUNTER_NOT_NUMBER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " counter value that is not a number was "
                                           "not imported",
                                           "%" PRIu64 " counter values that are not numbers "
                                           "were not imported", n),
                              n);
    case ITEM_NOT_JUGGLER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " event that Juggler does not write was "
                                           "not imported from this Juggler export",
                                           "%" PRIu64 " events that Juggler does not write were "
                                           "not imported from this Juggler export", n),
                              n);
    case ITEM_NESTED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " nested slice (a sub-call) was folded "
                                           "into its task",
                                           "%" PRIu64 " nested slices (sub-calls) were folded "
                                           "into their tasks", n),
                              n);
    case ITEM_UNCLOSED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " B event without an E was closed at the "
                                           "end of the trace",
                                           "%" PRIu64 " B events without an E were closed at "
                                           "the end of the trace", n),
                              n);
    case ITEM_COUNTER_ROUNDED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " counter value was rounded or clamped to "
                                           "a whole number from 0 to 4294967295",
                                           "%" PRIu64 " counter values were rounded or clamped "
                                           "to whole numbers from 0 to 4294967295", n),
                              n);
    case N_ITEMS:
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

char *
jg_chrome_import_report_describe_item (const JgChromeImportReport *report,
                                       guint                       index)
{
  gint i;

  g_return_val_if_fail (report != NULL, NULL);

  i = item_at (report, index);
  g_return_val_if_fail (i >= 0, NULL);
  return describe (i, report->counts[i]);
}

void
jg_chrome_import_report_free (JgChromeImportReport *report)
{
  g_free (report);
}

/* Errors */

/* "where: traceEvents[12]: message", the way the native loader says it. */
static gboolean
event_error (GError     **error,
             const char  *where,
             guint64      index,
             const char  *format,
             ...) G_GNUC_PRINTF (4, 5);

static gboolean
event_error (GError     **error,
             const char  *where,
             guint64      index,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_INVALID,
               "%s: traceEvents[%" G_GUINT64_FORMAT "]: %s", where, index, message);
  return FALSE;
}

static gboolean
other_error (GError     **error,
             const char  *where,
             const char  *path,
             const char  *format,
             ...) G_GNUC_PRINTF (4, 5);

static gboolean
other_error (GError     **error,
             const char  *where,
             const char  *path,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_INVALID,
               "%s: otherData.%s: %s", where, path, message);
  return FALSE;
}

/* The JSON reader */

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  const char *where;
  guint       depth;
} Parser;

static gboolean
syntax_error (Parser      *ps,
              GError     **error,
              const char  *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
syntax_error (Parser      *ps,
              GError     **error,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  guint line = 1, column = 1;
  va_list args;

  for (const char *q = ps->start; q < ps->p && q < ps->end; q++)
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else
        {
          column++;
        }
    }

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_NOT_JSON,
               _("%s:%u:%u: not JSON: %s"), ps->where, line, column, message);
  return FALSE;
}

static inline void
skip_space (Parser *ps)
{
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
    ps->p++;
}

static const char *
describe_char (Parser *ps)
{
  if (ps->p >= ps->end)
    /* TRANSLATORS: what the reader found: "expected ':', found a string" */
    return _("the end of the file");
  switch (*ps->p)
    {
    case '{': return _("an object");
    case '[': return _("an array");
    case '"': return _("a string");
    case 't': case 'f': return _("a boolean");
    case 'n': return "null";
    case '}': return "'}'";
    case ']': return "']'";
    case ',': return "','";
    case ':': return "':'";
    default:
      return *ps->p == '-' || g_ascii_isdigit (*ps->p) ? _("a number") : _("something else");
    }
}

static gboolean
expect (Parser      *ps,
        char         c,
        GError     **error)
{
  skip_space (ps);
  if (ps->p >= ps->end || *ps->p != c)
    return syntax_error (ps, error, _("expected '%c', found %s"), c,
                         ps->p >= ps->end ? _("the end of the file") : _("something else"));
  ps->p++;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Parser    *ps,
           gunichar  *value,
           GError   **error)
{
  *value = 0;
  if (ps->end - ps->p < 4)
    return syntax_error (ps, error, _("truncated \\u escape"));
  for (guint i = 0; i < 4; i++)
    {
      int d = hex_value (ps->p[i]);

      if (d < 0)
        return syntax_error (ps, error, _("invalid \\u escape"));
      *value = (*value << 4) | (gunichar) d;
    }
  ps->p += 4;
  return TRUE;
}

/* Reads a string at ps->p (a '"'), appending its text to @out when not NULL;
 * only then is its UTF-8 checked, since skipped text is never used. */
static gboolean
parse_string (Parser   *ps,
              GString  *out,
              GError  **error)
{
  gsize out_start = out != NULL ? out->len : 0;

  ps->p++;
  for (;;)
    {
      const char *run = ps->p;

      while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && (guchar) *ps->p >= 0x20)
        ps->p++;
      if (out != NULL)
        g_string_append_len (out, run, ps->p - run);
      if (ps->p >= ps->end)
        return syntax_error (ps, error, _("unterminated string"));
      if (*ps->p == '"')
        {
          ps->p++;
          break;
        }
      if ((guchar) *ps->p < 0x20)
        return syntax_error (ps, error, _("control character in a string (escape it)"));

      ps->p++; /* the backslash */
      if (ps->p >= ps->end)
        return syntax_error (ps, error, _("unterminated string"));
      switch (*ps->p++)
        {
        case '"': if (out) g_string_append_c (out, '"'); break;
        case '\\': if (out) g_string_append_c (out, '\\'); break;
        case '/': if (out) g_string_append_c (out, '/'); break;
        case 'b': if (out) g_string_append_c (out, '\b'); break;
        case 'f': if (out) g_string_append_c (out, '\f'); break;
        case 'n': if (out) g_string_append_c (out, '\n'); break;
        case 'r': if (out) g_string_append_c (out, '\r'); break;
        case 't': if (out) g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar c;

            if (!read_hex4 (ps, &c, error))
              return FALSE;
            if (c >= 0xd800 && c < 0xdc00 && ps->end - ps->p >= 6
                && ps->p[0] == '\\' && ps->p[1] == 'u')
              {
                const char *save = ps->p;
                gunichar low;

                ps->p += 2;
                if (!read_hex4 (ps, &low, error))
                  return FALSE;
                if (low >= 0xdc00 && low < 0xe000)
                  c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                else
                  ps->p = save;
              }
            /* A lone surrogate names no character. */
            if (c >= 0xd800 && c < 0xe000)
              c = 0xfffd;
            if (c == 0)
              return syntax_error (ps, error, _("\\u0000 in a string is not supported"));
            if (out)
              g_string_append_unichar (out, c);
          }
          break;
        default:
          ps->p--;
          return syntax_error (ps, error, _("invalid escape '\\%c'"), *ps->p);
        }
    }

  if (out != NULL && !g_utf8_validate (out->str + out_start, out->len - out_start, NULL))
    return syntax_error (ps, error, _("a string is not valid UTF-8"));
  return TRUE;
}

/* Reads a number's text, checking JSON's grammar. */
static gboolean
parse_number (Parser      *ps,
              const char **text,
              gsize       *len,
              gboolean    *is_integer,
              GError     **error)
{
  const char *p = ps->p;

  *text = p;
  *is_integer = TRUE;
  if (p < ps->end && *p == '-')
    p++;
  if (p >= ps->end || !g_ascii_isdigit (*p))
    return syntax_error (ps, error, _("invalid number"));
  if (*p == '0')
    p++;
  else
    while (p < ps->end && g_ascii_isdigit (*p))
      p++;
  if (p < ps->end && *p == '.')
    {
      *is_integer = FALSE;
      p++;
      if (p >= ps->end || !g_ascii_isdigit (*p))
        {
          ps->p = p;
          return syntax_error (ps, error, _("invalid number: digits expected after '.'"));
        }
      while (p < ps->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < ps->end && (*p == 'e' || *p == 'E'))
    {
      *is_integer = FALSE;
      p++;
      if (p < ps->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= ps->end || !g_ascii_isdigit (*p))
        {
          ps->p = p;
          return syntax_error (ps, error, _("invalid number: digits expected in the exponent"));
        }
      while (p < ps->end && g_ascii_isdigit (*p))
        p++;
    }
  *len = p - *text;
  ps->p = p;
  return TRUE;
}

static gboolean
parse_literal (Parser      *ps,
               const char **literal,
               GError     **error)
{
  static const char * const literals[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize len = strlen (literals[i]);

      if ((gsize) (ps->end - ps->p) >= len && memcmp (ps->p, literals[i], len) == 0)
        {
          ps->p += len;
          *literal = literals[i];
          return TRUE;
        }
    }
  return syntax_error (ps, error, _("unexpected character"));
}

/* A JSON number's text as a JsonNode: an integer when it is one and fits. */
static JsonNode *
number_node (const char *text,
             gsize       len,
             gboolean    is_integer)
{
  char buffer[64];
  char *copy = len < sizeof buffer ? buffer : g_malloc (len + 1);
  JsonNode *node = json_node_alloc ();
  char *end;

  memcpy (copy, text, len);
  copy[len] = '\0';
  if (is_integer)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (copy, &end, 10);
      if (errno == 0 && *end == '\0')
        {
          json_node_init_int (node, value);
          goto out;
        }
    }
  json_node_init_double (node, g_ascii_strtod (copy, NULL));

out:
  if (copy != buffer)
    g_free (copy);
  return node;
}

/* Reads any value; builds it into *out when @out is not NULL, else only checks
 * its syntax. */
static gboolean
parse_value (Parser    *ps,
             JsonNode **out,
             GError   **error)
{
  skip_space (ps);
  if (ps->p >= ps->end)
    return syntax_error (ps, error, _("unexpected end of the file"));

  switch (*ps->p)
    {
    case '{':
      {
        g_autoptr(JsonObject) object = out != NULL ? json_object_new () : NULL;
        g_autoptr(GString) key = out != NULL ? g_string_new (NULL) : NULL;

        if (++ps->depth > MAX_DEPTH)
          return syntax_error (ps, error, _("nested more than %u deep"), MAX_DEPTH);
        ps->p++;
        skip_space (ps);
        if (ps->p < ps->end && *ps->p == '}')
          {
            ps->p++;
          }
        else
          {
            for (;;)
              {
                JsonNode *member = NULL;

                skip_space (ps);
                if (ps->p >= ps->end || *ps->p != '"')
                  return syntax_error (ps, error, _("expected a member name, found %s"), describe_char (ps));
                if (key != NULL)
                  g_string_truncate (key, 0);
                if (!parse_string (ps, key, error)
                    || !expect (ps, ':', error)
                    || !parse_value (ps, out != NULL ? &member : NULL, error))
                  return FALSE;
                if (object != NULL)
                  json_object_set_member (object, key->str, member);
                skip_space (ps);
                if (ps->p < ps->end && *ps->p == ',')
                  {
                    ps->p++;
                    continue;
                  }
                if (ps->p < ps->end && *ps->p == '}')
                  {
                    ps->p++;
                    break;
                  }
                return syntax_error (ps, error, _("expected ',' or '}' in an object"));
              }
          }
        ps->depth--;
        if (out != NULL)
          *out = json_node_init_object (json_node_alloc (), object);
        return TRUE;
      }

    case '[':
      {
        g_autoptr(JsonArray) array = out != NULL ? json_array_new () : NULL;

        if (++ps->depth > MAX_DEPTH)
          return syntax_error (ps, error, _("nested more than %u deep"), MAX_DEPTH);
        ps->p++;
        skip_space (ps);
        if (ps->p < ps->end && *ps->p == ']')
          {
            ps->p++;
          }
        else
          {
            for (;;)
              {
                JsonNode *element = NULL;

                if (!parse_value (ps, out != NULL ? &element : NULL, error))
                  return FALSE;
                if (array != NULL)
                  json_array_add_element (array, element);
                skip_space (ps);
                if (ps->p < ps->end && *ps->p == ',')
                  {
                    ps->p++;
                    continue;
                  }
                if (ps->p < ps->end && *ps->p == ']')
                  {
                    ps->p++;
                    break;
                  }
                return syntax_error (ps, error, _("expected ',' or ']' in an array"));
              }
          }
        ps->depth--;
        if (out != NULL)
          *out = json_node_init_array (json_node_alloc (), array);
        return TRUE;
      }

    case '"':
      {
        g_autoptr(GString) text = out != NULL ? g_string_new (NULL) : NULL;

        if (!parse_string (ps, text, error))
          return FALSE;
        if (out != NULL && text != NULL)
          *out = json_node_init_string (json_node_alloc (), text->str);
        return TRUE;
      }

    case 't':
    case 'f':
    case 'n':
      {
        const char *literal = "null";

        if (!parse_literal (ps, &literal, error))
          return FALSE;
        if (out != NULL)
          {
            if (literal[0] == 'n')
              *out = json_node_init_null (json_node_alloc ());
            else
              *out = json_node_init_boolean (json_node_alloc (), literal[0] == 't');
          }
        return TRUE;
      }

    default:
      {
        const char *text;
        gsize len;
        gboolean is_integer;

        if (*ps->p != '-' && !g_ascii_isdigit (*ps->p))
          return syntax_error (ps, error, _("unexpected character"));
        if (!parse_number (ps, &text, &len, &is_integer, error))
          return FALSE;
        if (out != NULL)
          *out = number_node (text, len, is_integer);
        return TRUE;
      }
    }
}

/* Microseconds, written as a JSON number, to nanoseconds, exactly: the decimal
 * digits are shifted rather than multiplied as a double, so 1234.567 is
 * 1234567 ns however large the integer part. Rounds half away from zero past
 * the nanosecond. FALSE if it is not a number or does not fit. */
static gboolean
decimal_us_to_ns (const char *text,
                  gsize       len,
                  gint64     *ns)
{
  const char *p = text, *end = text + len;
  gboolean negative = FALSE, any = FALSE;
  guint64 mantissa = 0;
  guint n_digits = 0;
  gint64 exponent = 3; /* µs to ns */
  gint round_digit = -1;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      any = TRUE;
      if (n_digits < MAX_DIGITS)
        {
          if (mantissa > 0 || *p != '0')
            n_digits++;
          mantissa = mantissa * 10 + (guint64) (*p - '0');
        }
      else
        {
          /* Past the kept digits the integer part still scales the value. */
          if (round_digit < 0)
            round_digit = *p - '0';
          exponent++;
        }
    }
  if (p < end && *p == '.')
    {
      p++;
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          any = TRUE;
          if (n_digits < MAX_DIGITS)
            {
              if (mantissa > 0 || *p != '0')
                n_digits++;
              mantissa = mantissa * 10 + (guint64) (*p - '0');
              exponent--;
            }
          else if (round_digit < 0)
            {
              round_digit = *p - '0';
            }
        }
    }
  if (!any)
    return FALSE;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exp_negative = FALSE;
      gint64 e = 0;
      gboolean exp_any = FALSE;

      p++;
      if (p < end && (*p == '+' || *p == '-'))
        exp_negative = *p++ == '-';
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          exp_any = TRUE;
          if (e < 10000)
            e = e * 10 + (*p - '0');
        }
      if (!exp_any)
        return FALSE;
      exponent += exp_negative ? -e : e;
    }
  if (p != end)
    return FALSE;

  /* value = mantissa × 10^exponent ns */
  if (mantissa == 0)
    {
      *ns = 0;
      return TRUE;
    }
  while (exponent > 0)
    {
      if (mantissa > G_MAXINT64 / 10)
        return FALSE;
      mantissa *= 10;
      exponent--;
    }
  while (exponent < 0 && mantissa > 0)
    {
      round_digit = (gint) (mantissa % 10);
      mantissa /= 10;
      exponent++;
    }
  if (exponent < 0)
    round_digit = 0;
  if (round_digit >= 5)
    mantissa++;
  if (mantissa > G_MAXINT64)
    return FALSE;
  *ns = negative ? -(gint64) mantissa : (gint64) mantissa;
  return TRUE;
}

/* One event, as read */

typedef struct
{
  guint64     index;       /* in traceEvents */
  GString    *key;         /* scratch */
  GString    *ph;
  GString    *name;
  GString    *cat;
  GString    *scope;       /* the "s" member */
  GString    *bp;
  GString    *pid;         /* canonical text, see read_id () */
  GString    *tid;
  GString    *id;
  gboolean    has_ph, has_name, has_cat, has_scope, has_bp, has_pid, has_tid, has_id;
  gboolean    has_ts, has_dur;
  gboolean    ph_is_string;
  gint64      ts;          /* ns */
  gint64      dur;
  gint64      pid_number;
  gboolean    pid_is_number;
  const char *args;        /* the raw args value, read on demand; NULL if none */
  const char *args_end;
} Event;

static void
event_init (Event *ev)
{
  memset (ev, 0, sizeof *ev);
  ev->key = g_string_new (NULL);
  ev->ph = g_string_new (NULL);
  ev->name = g_string_new (NULL);
  ev->cat = g_string_new (NULL);
  ev->scope = g_string_new (NULL);
  ev->bp = g_string_new (NULL);
  ev->pid = g_string_new (NULL);
  ev->tid = g_string_new (NULL);
  ev->id = g_string_new (NULL);
}

static void
event_clear (Event *ev)
{
  g_string_free (ev->key, TRUE);
  g_string_free (ev->ph, TRUE);
  g_string_free (ev->name, TRUE);
  g_string_free (ev->cat, TRUE);
  g_string_free (ev->scope, TRUE);
  g_string_free (ev->bp, TRUE);
  g_string_free (ev->pid, TRUE);
  g_string_free (ev->tid, TRUE);
  g_string_free (ev->id, TRUE);
}

static void
event_reset (Event   *ev,
             guint64  index)
{
  ev->index = index;
  g_string_truncate (ev->ph, 0);
  g_string_truncate (ev->name, 0);
  g_string_truncate (ev->cat, 0);
  g_string_truncate (ev->scope, 0);
  g_string_truncate (ev->bp, 0);
  g_string_truncate (ev->pid, 0);
  g_string_truncate (ev->tid, 0);
  g_string_truncate (ev->id, 0);
  ev->has_ph = ev->has_name = ev->has_cat = ev->has_scope = ev->has_bp = FALSE;
  ev->has_pid = ev->has_tid = ev->has_id = ev->has_ts = ev->has_dur = FALSE;
  ev->ph_is_string = FALSE;
  ev->ts = ev->dur = 0;
  ev->pid_number = 0;
  ev->pid_is_number = FALSE;
  ev->args = ev->args_end = NULL;
}

/* A string member into @out; FALSE with an error naming it otherwise. */
static gboolean
read_string_member (Parser      *ps,
                    Event       *ev,
                    const char  *member,
                    GString     *out,
                    GError     **error)
{
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == '"')
    return parse_string (ps, out, error);
  if (!parse_value (ps, NULL, error))
    return FALSE;
  return event_error (error, ps->where, ev->index, _("\"%s\" must be a string"), member);
}

/* "ts" or "dur": microseconds, as a number or a string holding one. */
static gboolean
read_time_member (Parser      *ps,
                  Event       *ev,
                  const char  *member,
                  gint64      *ns,
                  GError     **error)
{
  skip_space (ps);
  if (ps->p < ps->end && (*ps->p == '-' || g_ascii_isdigit (*ps->p)))
    {
      const char *text;
      gsize len;
      gboolean is_integer;

      if (!parse_number (ps, &text, &len, &is_integer, error))
        return FALSE;
      if (!decimal_us_to_ns (text, len, ns))
        return event_error (error, ps->where, ev->index, _("\"%s\" %.*s is out of range"),
                            member, (int) MIN (len, 40), text);
      return TRUE;
    }
  if (ps->p < ps->end && *ps->p == '"')
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *shown = NULL;

      if (!parse_string (ps, text, error))
        return FALSE;
      g_strstrip (text->str);
      if (decimal_us_to_ns (text->str, strlen (text->str), ns))
        return TRUE;
      g_string_truncate (text, MIN (text->len, 40));
      shown = g_strescape (text->str, NULL);
      return event_error (error, ps->where, ev->index,
                          _("\"%s\" must be a number of microseconds, got \"%s\""), member, shown);
    }
  if (!parse_value (ps, NULL, error))
    return FALSE;
  return event_error (error, ps->where, ev->index, _("\"%s\" must be a number of microseconds"), member);
}

/* "pid", "tid" or "id": a number or a string, kept as text that tells them
 * apart ("12" and "s:12"). */
static gboolean
read_id_member (Parser      *ps,
                Event       *ev,
                const char  *member,
                GString     *out,
                gint64      *number,
                gboolean    *is_number,
                GError     **error)
{
  skip_space (ps);
  if (ps->p < ps->end && (*ps->p == '-' || g_ascii_isdigit (*ps->p)))
    {
      const char *text;
      gsize len;
      gboolean is_integer;

      if (!parse_number (ps, &text, &len, &is_integer, error))
        return FALSE;
      g_string_append_len (out, text, len);
      if (number != NULL && is_integer)
        {
          char *end;

          errno = 0;
          *number = g_ascii_strtoll (out->str, &end, 10);
          *is_number = errno == 0 && *end == '\0';
        }
      return TRUE;
    }
  if (ps->p < ps->end && *ps->p == '"')
    {
      g_string_append (out, "s:");
      return parse_string (ps, out, error);
    }
  if (!parse_value (ps, NULL, error))
    return FALSE;
  return event_error (error, ps->where, ev->index, _("\"%s\" must be a number or a string"), member);
}

/* Reads the event at ps->p. Only the members the importer uses are decoded;
 * "args" is kept as raw text, read when an event needs it. */
static gboolean
parse_event (Parser  *ps,
             Event   *ev,
             GError **error)
{
  skip_space (ps);
  if (ps->p >= ps->end || *ps->p != '{')
    {
      const char *what = describe_char (ps);

      if (ps->p < ps->end && !parse_value (ps, NULL, error))
        return FALSE;
      return event_error (error, ps->where, ev->index, _("expected an object, got %s"), what);
    }
  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == '}')
    {
      ps->p++;
      return TRUE;
    }

  for (;;)
    {
      const char *k;
      gboolean ok;

      skip_space (ps);
      if (ps->p >= ps->end || *ps->p != '"')
        return syntax_error (ps, error, _("expected a member name, found %s"), describe_char (ps));
      g_string_truncate (ev->key, 0);
      if (!parse_string (ps, ev->key, error) || !expect (ps, ':', error))
        return FALSE;
      k = ev->key->str;

      if (strcmp (k, "ph") == 0)
        {
          g_string_truncate (ev->ph, 0);
          ev->has_ph = TRUE;
          skip_space (ps);
          ev->ph_is_string = ps->p < ps->end && *ps->p == '"';
          ok = ev->ph_is_string ? parse_string (ps, ev->ph, error) : parse_value (ps, NULL, error);
        }
      else if (strcmp (k, "ts") == 0)
        {
          ok = read_time_member (ps, ev, "ts", &ev->ts, error);
          ev->has_ts = TRUE;
        }
      else if (strcmp (k, "dur") == 0)
        {
          ok = read_time_member (ps, ev, "dur", &ev->dur, error);
          ev->has_dur = TRUE;
        }
      else if (strcmp (k, "name") == 0)
        {
          g_string_truncate (ev->name, 0);
          ok = read_string_member (ps, ev, "name", ev->name, error);
          ev->has_name = TRUE;
        }
      else if (strcmp (k, "cat") == 0)
        {
          g_string_truncate (ev->cat, 0);
          ok = read_string_member (ps, ev, "cat", ev->cat, error);
          ev->has_cat = TRUE;
        }
      else if (strcmp (k, "s") == 0)
        {
          g_string_truncate (ev->scope, 0);
          ok = read_string_member (ps, ev, "s", ev->scope, error);
          ev->has_scope = TRUE;
        }
      else if (strcmp (k, "bp") == 0)
        {
          g_string_truncate (ev->bp, 0);
          ok = read_string_member (ps, ev, "bp", ev->bp, error);
          ev->has_bp = TRUE;
        }
      else if (strcmp (k, "pid") == 0)
        {
          g_string_truncate (ev->pid, 0);
          ev->pid_is_number = FALSE;
          ok = read_id_member (ps, ev, "pid", ev->pid, &ev->pid_number, &ev->pid_is_number, error);
          ev->has_pid = TRUE;
        }
      else if (strcmp (k, "tid") == 0)
        {
          g_string_truncate (ev->tid, 0);
          ok = read_id_member (ps, ev, "tid", ev->tid, NULL, NULL, error);
          ev->has_tid = TRUE;
        }
      else if (strcmp (k, "id") == 0)
        {
          g_string_truncate (ev->id, 0);
          ok = read_id_member (ps, ev, "id", ev->id, NULL, NULL, error);
          ev->has_id = TRUE;
        }
      else if (strcmp (k, "args") == 0)
        {
          skip_space (ps);
          ev->args = ps->p;
          ok = parse_value (ps, NULL, error);
          ev->args_end = ps->p;
        }
      else
        {
          ok = parse_value (ps, NULL, error);
        }
      if (!ok)
        return FALSE;

      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == '}')
        {
          ps->p++;
          return TRUE;
        }
      return syntax_error (ps, error, _("expected ',' or '}' in an object"));
    }
}

/* The event's args as an object; NULL (no error) when it has none or they are
 * not an object. */
static JsonObject *
event_args (Parser  *ps,
            Event   *ev,
            GError **error,
            gboolean *ok)
{
  Parser sub = *ps;
  JsonNode *node = NULL;
  JsonObject *object = NULL;

  *ok = TRUE;
  if (ev->args == NULL)
    return NULL;
  sub.p = ev->args;
  sub.end = ev->args_end;
  sub.depth = 0;
  if (!parse_value (&sub, &node, error))
    {
      *ok = FALSE;
      return NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    object = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  return object;
}

/* Walking traceEvents */

typedef gboolean (*EventFunc) (Parser  *ps,
                               Event   *ev,
                               gpointer data,
                               GError **error);

/* Calls @func on each event of the array at ps->p. A bare top-level array may
 * stop short of its ']', as Chrome leaves it when tracing is cut off. */
static gboolean
for_each_event (Parser    *ps,
                gboolean   may_be_unterminated,
                EventFunc  func,
                gpointer   data,
                guint64   *n_read,
                GError   **error)
{
  Event ev;
  guint64 index = 0;
  gboolean ok = TRUE;

  event_init (&ev);
  ps->p++; /* '[' */
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == ']')
    {
      ps->p++;
      goto out;
    }

  for (;;)
    {
      skip_space (ps);
      if (may_be_unterminated && ps->p >= ps->end)
        break;
      if (index >= JG_TRACE_MAX_EVENTS)
        {
          g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                       _("%s: more than %" PRIu64 " events; Juggler holds at most that many"),
                       ps->where, JG_TRACE_MAX_EVENTS);
          ok = FALSE;
          goto out;
        }
      event_reset (&ev, index);
      if (!parse_event (ps, &ev, error) || !func (ps, &ev, data, error))
        {
          ok = FALSE;
          goto out;
        }
      index++;
      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == ']')
        {
          ps->p++;
          break;
        }
      if (may_be_unterminated && ps->p >= ps->end)
        break;
      ok = syntax_error (ps, error, _("expected ',' or ']' after traceEvents[%" PRIu64 "]"),
                         index - 1);
      goto out;
    }

  /* A bare array is the whole document: nothing may follow it. */
  skip_space (ps);
  if (may_be_unterminated && ps->p < ps->end)
    ok = syntax_error (ps, error, _("unexpected text after the array"));

out:
  *n_read = index;
  event_clear (&ev);
  return ok;
}

static gboolean
ph_is (Event      *ev,
       const char *ph)
{
  return strcmp (ev->ph->str, ph) == 0;
}

/* Checks what every event needs: a phase, and a time unless it is metadata.
 * Sets *item to the report item of a phase that maps to nothing, or N_ITEMS. */
static gboolean
check_event (Parser  *ps,
             Event   *ev,
             Item    *item,
             GError **error)
{
  char ph;

  *item = N_ITEMS;
  if (!ev->has_ph)
    return event_error (error, ps->where, ev->index, _("no \"ph\" (every event has a phase)"));
  if (!ev->ph_is_string)
    return event_error (error, ps->where, ev->index, _("\"ph\" must be a string"));

  ph = ev->ph->len == 1 ? ev->ph->str[0] : '\0';
  switch (ph)
    {
    case 'X': case 'B': case 'E': case 'i': case 'I': case 'R': case 'C':
      if (!ev->has_ts)
        return event_error (error, ps->where, ev->index, _("a \"%s\" event needs \"ts\""), ev->ph->str);
      if (ph == 'X' && !ev->has_dur)
        return event_error (error, ps->where, ev->index, _("an \"X\" event needs \"dur\""));
      if (ph == 'X' && ev->dur < 0)
        return event_error (error, ps->where, ev->index, _("\"dur\" must not be negative"));
      return TRUE;
    case 'M':
      return TRUE;
    case 'b': case 'e': case 'n': case 'S': case 'T': case 'p': case 'F':
      *item = ITEM_ASYNC;
      return TRUE;
    case 's': case 't': case 'f':
      *item = ITEM_FLOW;
      return TRUE;
    case 'N': case 'O': case 'D':
      *item = ITEM_OBJECT;
      return TRUE;
    case 'P':
      *item = ITEM_SAMPLE;
      return TRUE;
    case 'V': case 'v':
      *item = ITEM_MEMORY;
      return TRUE;
    case 'c':
      *item = ITEM_CLOCK;
      return TRUE;
    case '(': case ')':
      *item = ITEM_CONTEXT;
      return TRUE;
    default:
      *item = ITEM_UNKNOWN_PHASE;
      return TRUE;
    }
}

/* Threads: one worker lane per (pid, tid) */

typedef struct
{
  gint64      ts;
  gint64      end;
  const char *name;  /* in the import's string chunk */
  guint32     order; /* in the file, to keep equal slices stable */
} Slice;

typedef struct
{
  gint64      ts;
  const char *name;
  guint64     index; /* in traceEvents, for errors */
  gboolean    begin;
} Edge;

typedef struct
{
  char       *pid_text;
  char       *tid_text;
  gint32      pid;
  char       *name;    /* from thread_name */
  GArray     *slices;  /* Slice */
  GArray     *edges;   /* Edge: B and E, matched once all are read */
  GArray     *tasks;   /* Slice: the top-level ones, by start */
  guint32     worker;  /* lane, or JG_LANE_NONE */
} Thread;

static void
thread_free (gpointer data)
{
  Thread *thread = data;

  g_free (thread->pid_text);
  g_free (thread->tid_text);
  g_free (thread->name);
  g_array_unref (thread->slices);
  g_array_unref (thread->edges);
  g_clear_pointer (&thread->tasks, g_array_unref);
  g_free (thread);
}

typedef struct
{
  gint64      ts;
  const char *name;
  guint32     thread;
} Instant;

typedef struct
{
  gint64   ts;
  guint32  lane;   /* counter lane */
  guint32  thread;
  double   value;
} Sample;

typedef struct
{
  const char           *where;
  JgChromeImportReport *report;
  GStringChunk         *names;
  GHashTable           *thread_index; /* "pid\x1ftid" → index + 1 */
  GPtrArray            *threads;      /* Thread */
  GHashTable           *process_names; /* pid text → name */
  GArray               *instants;     /* Instant */
  GArray               *samples;      /* Sample */
  GHashTable           *counter_index; /* "pid\x1fname" → lane + 1 */
  GPtrArray            *counter_names;
  guint32               order;
} Foreign;

static Thread *
get_thread (Foreign  *fg,
            Event    *ev,
            guint32  *index,
            GError  **error)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", ev->pid->str, ev->tid->str);
  gpointer found = g_hash_table_lookup (fg->thread_index, key);
  Thread *thread;

  if (found != NULL)
    {
      *index = GPOINTER_TO_UINT (found) - 1;
      return g_ptr_array_index (fg->threads, *index);
    }
  if (fg->threads->len >= JG_TRACE_MAX_LANES)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: more than %u threads; Juggler holds at most that many workers"),
                   fg->where, JG_TRACE_MAX_LANES);
      return NULL;
    }

  thread = g_new0 (Thread, 1);
  thread->pid_text = g_strdup (ev->pid->str);
  thread->tid_text = g_strdup (ev->tid->str);
  thread->pid = ev->pid_is_number && ev->pid_number >= G_MININT32 && ev->pid_number <= G_MAXINT32
              ? (gint32) ev->pid_number : 0;
  thread->slices = g_array_new (FALSE, FALSE, sizeof (Slice));
  thread->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  thread->worker = JG_LANE_NONE;
  *index = fg->threads->len;
  g_ptr_array_add (fg->threads, thread);
  g_hash_table_insert (fg->thread_index, g_steal_pointer (&key), GUINT_TO_POINTER (*index + 1));
  return thread;
}

static gboolean
is_sort_or_label (const char *name)
{
  return strcmp (name, "process_sort_index") == 0 || strcmp (name, "thread_sort_index") == 0
      || strcmp (name, "process_labels") == 0;
}

static gboolean
foreign_metadata (Parser  *ps,
                  Event   *ev,
                  Foreign *fg,
                  GError **error)
{
  g_autoptr(JsonObject) args = NULL;
  gboolean ok;
  const char *name;

  if (strcmp (ev->name->str, "process_name") != 0 && strcmp (ev->name->str, "thread_name") != 0)
    {
      /* Display order and labels have nothing to become. */
      if (!is_sort_or_label (ev->name->str))
        fg->report->counts[ITEM_METADATA]++;
      return TRUE;
    }

  args = event_args (ps, ev, error, &ok);
  if (!ok)
    return FALSE;
  if (args == NULL || !json_object_has_member (args, "name")
      || !JSON_NODE_HOLDS_VALUE (json_object_get_member (args, "name"))
      || json_node_get_value_type (json_object_get_member (args, "name")) != G_TYPE_STRING)
    return event_error (error, ps->where, ev->index, _("a \"%s\" event needs a string args.name"),
                        ev->name->str);
  name = json_object_get_string_member (args, "name");

  if (ev->name->str[0] == 'p')
    {
      g_hash_table_insert (fg->process_names, g_strdup (ev->pid->str), g_strdup (name));
    }
  else
    {
      guint32 index;
      Thread *thread = get_thread (fg, ev, &index, error);

      if (thread == NULL)
        return FALSE;
      g_free (thread->name);
      thread->name = g_strdup (name);
    }
  return TRUE;
}

static gboolean
foreign_counter (Parser  *ps,
                 Event   *ev,
                 Foreign *fg,
                 GError **error)
{
  g_autoptr(JsonObject) args = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  guint32 thread;
  gboolean ok;
  guint n_members;

  args = event_args (ps, ev, error, &ok);
  if (!ok)
    return FALSE;
  if (args == NULL || json_object_get_size (args) == 0)
    {
      fg->report->counts[ITEM_COUNTER_NOT_NUMBER]++;
      return TRUE;
    }
  if (get_thread (fg, ev, &thread, error) == NULL)
    return FALSE;

  n_members = json_object_get_size (args);
  json_object_iter_init (&iter, args);
  while (json_object_iter_next (&iter, &member, &node))
    {
      g_autofree char *key = NULL;
      g_autofree char *lane_name = NULL;
      gpointer found;
      Sample sample;
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        {
          fg->report->counts[ITEM_COUNTER_NOT_NUMBER]++;
          continue;
        }

      /* One lane per series: "name", or "name member" when it has several. */
      lane_name = n_members == 1 ? g_strdup (ev->name->str)
                                 : g_strdup_printf ("%s %s", ev->name->str, member);
      key = g_strdup_printf ("%s\x1f%s", ev->pid->str, lane_name);
      found = g_hash_table_lookup (fg->counter_index, key);
      if (found == NULL)
        {
          if (fg->counter_names->len >= JG_TRACE_MAX_LANES)
            {
              g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                           _("%s: more than %u counter series; Juggler holds at most that many"),
                           fg->where, JG_TRACE_MAX_LANES);
              return FALSE;
            }
          g_ptr_array_add (fg->counter_names, g_strdup (lane_name));
          found = GUINT_TO_POINTER (fg->counter_names->len);
          g_hash_table_insert (fg->counter_index, g_steal_pointer (&key), found);
        }
      sample.ts = ev->ts;
      sample.lane = GPOINTER_TO_UINT (found) - 1;
      sample.thread = thread;
      sample.value = json_node_get_double (node);
      g_array_append_val (fg->samples, sample);
    }
  return TRUE;
}

static gboolean
foreign_event (Parser  *ps,
               Event   *ev,
               gpointer data,
               GError **error)
{
  Foreign *fg = data;
  Item item;
  Thread *thread;
  guint32 index;
  const char *name;

  if (!check_event (ps, ev, &item, error))
    return FALSE;
  if (item != N_ITEMS)
    {
      fg->report->counts[item]++;
      return TRUE;
    }

  switch (ev->ph->str[0])
    {
    case 'M':
      return foreign_metadata (ps, ev, fg, error);
    case 'C':
      return foreign_counter (ps, ev, fg, error);
    default:
      break;
    }

  thread = get_thread (fg, ev, &index, error);
  if (thread == NULL)
    return FALSE;
  name = g_string_chunk_insert_const (fg->names, ev->name->str);

  switch (ev->ph->str[0])
    {
    case 'X':
      {
        Slice slice;

        if (ev->dur > G_MAXINT64 - MAX (ev->ts, 0))
          return event_error (error, ps->where, ev->index, _("\"dur\" is out of range"));
        slice = (Slice) { ev->ts, ev->ts + ev->dur, name, fg->order++ };
        g_array_append_val (thread->slices, slice);
      }
      break;
    case 'B':
    case 'E':
      {
        Edge edge = { ev->ts, name, ev->index, ev->ph->str[0] == 'B' };

        g_array_append_val (thread->edges, edge);
      }
      break;
    default: /* i, I, R */
      {
        Instant instant = { ev->ts, name, index };

        g_array_append_val (fg->instants, instant);
      }
      break;
    }
  return TRUE;
}

static int
compare_edges (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Edge *x = a, *y = b;

  return (x->ts > y->ts) - (x->ts < y->ts);
}

/* Outer slices first: by start, then longest, then file order. */
static int
compare_slices (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const Slice *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* B and E become slices: matched in time order (the stable sort keeps file
 * order for equal times), an E closing the latest open B. */
static gboolean
match_edges (Foreign *fg,
             Thread  *thread,
             gint64   trace_end,
             GError **error)
{
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (Edge));

  g_qsort_with_data (thread->edges->data, thread->edges->len, sizeof (Edge), compare_edges, NULL);
  for (guint i = 0; i < thread->edges->len; i++)
    {
      Edge *edge = &g_array_index (thread->edges, Edge, i);

      if (edge->begin)
        {
          g_array_append_val (open, *edge);
        }
      else
        {
          Edge *begin;
          Slice slice;

          if (open->len == 0)
            return event_error (error, fg->where, edge->index,
                                _("an \"E\" event with no \"B\" open on pid %s, tid %s"),
                                thread->pid_text, thread->tid_text);
          begin = &g_array_index (open, Edge, open->len - 1);
          slice.ts = begin->ts;
          slice.end = edge->ts;
          slice.name = begin->name;
          slice.order = fg->order++;
          g_array_append_val (thread->slices, slice);
          g_array_set_size (open, open->len - 1);
        }
    }
  for (guint i = 0; i < open->len; i++)
    {
      Edge *begin = &g_array_index (open, Edge, i);
      Slice slice = { begin->ts, MAX (trace_end, begin->ts), begin->name, fg->order++ };

      g_array_append_val (thread->slices, slice);
      fg->report->counts[ITEM_UNCLOSED]++;
    }
  g_array_set_size (thread->edges, 0);
  return TRUE;
}

/* Top-level slices become tasks; nested ones are counted; one that overlaps
 * another without nesting in it cannot be drawn, and is reported. */
static void
find_tasks (Foreign *fg,
            Thread  *thread)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (gint64));

  thread->tasks = g_array_new (FALSE, FALSE, sizeof (Slice));
  g_qsort_with_data (thread->slices->data, thread->slices->len, sizeof (Slice), compare_slices, NULL);
  for (guint i = 0; i < thread->slices->len; i++)
    {
      Slice *slice = &g_array_index (thread->slices, Slice, i);

      /* Slices that ended by now are closed; one ending as this starts is a
       * sibling, not a parent. */
      while (stack->len > 0 && g_array_index (stack, gint64, stack->len - 1) <= slice->ts)
        g_array_set_size (stack, stack->len - 1);

      if (stack->len == 0)
        {
          g_array_append_val (thread->tasks, *slice);
          g_array_append_val (stack, slice->end);
        }
      else if (slice->end <= g_array_index (stack, gint64, stack->len - 1))
        {
          fg->report->counts[ITEM_NESTED]++;
          g_array_append_val (stack, slice->end);
        }
      else
        {
          fg->report->counts[ITEM_OVERLAPPING]++;
        }
    }
  g_array_set_size (thread->slices, 0);
}

typedef struct
{
  gint64  ts;
  guint32 thread;
  guint32 index; /* in the thread's tasks */
} TaskRef;

static int
compare_task_refs (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const TaskRef *x = a, *y = b;

  return (x->ts > y->ts) - (x->ts < y->ts);
}

static int
compare_events (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const JgEvent *x = a, *y = b;

  return (x->ts > y->ts) - (x->ts < y->ts);
}

static guint32
thread_worker (JgTrace *trace,
               Foreign *fg,
               Thread  *thread)
{
  if (thread->worker == JG_LANE_NONE)
    {
      const char *process = g_hash_table_lookup (fg->process_names, thread->pid_text);
      g_autofree char *name = NULL;
      const char *tid = g_str_has_prefix (thread->tid_text, "s:") ? thread->tid_text + 2 : thread->tid_text;

      const char *pid = g_str_has_prefix (thread->pid_text, "s:") ? thread->pid_text + 2 : thread->pid_text;

      if (thread->name != NULL)
        name = g_strdup (thread->name);
      else if (tid[0] == '\0')
        name = process != NULL ? g_strdup (process) : g_strdup_printf ("Process %s", pid);
      else if (process != NULL)
        name = g_strdup_printf ("%s, thread %s", process, tid);
      else
        name = g_strdup_printf ("Thread %s", tid);
      thread->worker = jg_trace_add_worker (trace, name, JG_WORKER_THREAD, thread->pid);
    }
  return thread->worker;
}

/* The task an instant belongs to: the last on its thread that began at or
 * before it (the one running then, if any), else the thread's first, else the
 * trace's first task. FALSE when the trace has no task at all. */
static gboolean
instant_task (Thread        *thread,
              const Instant *instant,
              guint32        n_tasks,
              guint32       *task)
{
  GArray *tasks = thread->tasks;
  guint lo = 0, hi = tasks->len;

  if (tasks->len == 0)
    {
      *task = 0;
      return n_tasks > 0;
    }
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (tasks, Slice, mid).ts <= instant->ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  /* find_tasks () is done with the order: it holds the task's lane now. */
  *task = g_array_index (tasks, Slice, lo > 0 ? lo - 1 : 0).order;
  return TRUE;
}

static JgTrace *
build_foreign (Foreign  *fg,
               GError  **error)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (TaskRef));
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  gint64 origin = G_MAXINT64, trace_end = G_MININT64;
  guint64 max_ts = 0;
  g_autofree char *title = g_strdup (fg->where);

  /* The file's own times may start anywhere, even below zero: the trace's
   * zero is its earliest event. */
  for (guint t = 0; t < fg->threads->len; t++)
    {
      Thread *thread = g_ptr_array_index (fg->threads, t);

      for (guint i = 0; i < thread->slices->len; i++)
        {
          Slice *slice = &g_array_index (thread->slices, Slice, i);

          origin = MIN (origin, slice->ts);
          trace_end = MAX (trace_end, slice->end);
        }
      for (guint i = 0; i < thread->edges->len; i++)
        {
          Edge *edge = &g_array_index (thread->edges, Edge, i);

          origin = MIN (origin, edge->ts);
          trace_end = MAX (trace_end, edge->ts);
        }
    }
  for (guint i = 0; i < fg->instants->len; i++)
    {
      origin = MIN (origin, g_array_index (fg->instants, Instant, i).ts);
      trace_end = MAX (trace_end, g_array_index (fg->instants, Instant, i).ts);
    }
  for (guint i = 0; i < fg->samples->len; i++)
    {
      origin = MIN (origin, g_array_index (fg->samples, Sample, i).ts);
      trace_end = MAX (trace_end, g_array_index (fg->samples, Sample, i).ts);
    }
  if (origin == G_MAXINT64)
    origin = trace_end = 0;
  if ((guint64) trace_end - (guint64) origin > (guint64) G_MAXINT64)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_INVALID,
                   _("%s: the events span more time than Juggler can hold"), fg->where);
      return NULL;
    }

  for (guint t = 0; t < fg->threads->len; t++)
    {
      Thread *thread = g_ptr_array_index (fg->threads, t);

      if (!match_edges (fg, thread, trace_end, error))
        return NULL;
      find_tasks (fg, thread);
      for (guint i = 0; i < thread->tasks->len; i++)
        {
          TaskRef ref = { g_array_index (thread->tasks, Slice, i).ts, t, i };

          g_array_append_val (refs, ref);
        }
    }
  if (refs->len > JG_TRACE_MAX_LANES)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: %u top-level slices; Juggler holds at most %u tasks"),
                   fg->where, refs->len, JG_TRACE_MAX_LANES);
      return NULL;
    }

  /* Tasks in the order they started; workers in the order they first ran one. */
  g_qsort_with_data (refs->data, refs->len, sizeof (TaskRef), compare_task_refs, NULL);
  for (guint i = 0; i < refs->len; i++)
    {
      TaskRef *ref = &g_array_index (refs, TaskRef, i);
      Thread *thread = g_ptr_array_index (fg->threads, ref->thread);
      Slice *slice = &g_array_index (thread->tasks, Slice, ref->index);
      guint32 worker = thread_worker (trace, fg, thread);
      guint32 task = jg_trace_add_task (trace, slice->name[0] != '\0' ? slice->name : "(unnamed)",
                                        JG_LANE_NONE);
      JgEvent run = { slice->ts - origin, task, worker, JG_EVENT_RUN, -1, 0 };
      JgEvent end = { slice->end - origin, task, worker, JG_EVENT_TASK_END, -1, JG_END_ARG (JG_END_OK, 0) };

      slice->order = task;
      g_array_append_val (events, run);
      g_array_append_val (events, end);
    }
  for (guint i = 0; i < fg->instants->len; i++)
    {
      const Instant *instant = &g_array_index (fg->instants, Instant, i);
      Thread *thread = g_ptr_array_index (fg->threads, instant->thread);
      JgEvent mark = { instant->ts - origin, 0, 0, JG_EVENT_MARK, -1, 0 };
      guint32 task;

      if (!instant_task (thread, instant, jg_trace_get_n_tasks (trace), &task))
        {
          fg->report->counts[ITEM_ORPHAN_INSTANT]++;
          continue;
        }
      mark.task = task;
      mark.worker = thread_worker (trace, fg, thread);
      mark.arg = jg_trace_intern (trace, instant->name);
      g_array_append_val (events, mark);
    }

  for (guint i = 0; i < fg->counter_names->len; i++)
    jg_trace_add_counter (trace, g_ptr_array_index (fg->counter_names, i));
  for (guint i = 0; i < fg->samples->len; i++)
    {
      const Sample *sample = &g_array_index (fg->samples, Sample, i);
      Thread *thread = g_ptr_array_index (fg->threads, sample->thread);
      JgEvent counter = { sample->ts - origin, sample->lane, 0, JG_EVENT_COUNTER, -1, 0 };
      double value = sample->value;

      if (value != (double) (guint32) value || value < 0 || value > G_MAXUINT32)
        {
          fg->report->counts[ITEM_COUNTER_ROUNDED]++;
          value = CLAMP (value + 0.5, 0, (double) G_MAXUINT32);
        }
      counter.arg = (guint32) value;
      counter.worker = thread_worker (trace, fg, thread);
      g_array_append_val (events, counter);
    }

  if (jg_trace_get_n_strings (trace) > JG_TRACE_MAX_STRINGS)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: more than %u distinct names; Juggler holds at most that many"),
                   fg->where, JG_TRACE_MAX_STRINGS);
      return NULL;
    }

  g_qsort_with_data (events->data, events->len, sizeof (JgEvent), compare_events, NULL);
  for (guint i = 0; i < events->len; i++)
    max_ts = MAX (max_ts, g_array_index (events, JgEvent, i).ts);
  jg_trace_append (trace, (const JgEvent *) events->data, events->len);
  jg_trace_set_end_ns (trace, max_ts);
  jg_trace_set_scenario (trace, NULL, title, NULL);
  jg_trace_finish (trace);
  return g_steal_pointer (&trace);
}

/* A Juggler export, read back */

typedef struct
{
  gboolean has_slice;
  gint64   begin;
  gint64   end;
  gint     status;     /* JgEndStatus, or -1 while it runs */
  gint16   end_cpu;
  guint32  end_worker;
} TaskEnd;

typedef struct
{
  gint64  ts;
  gint64  end;
  guint32 task;
  guint8  state;
  gint16  reason;   /* -1: none (Running, or the Ready of a task's begin) */
  gint16  cpu;
  guint32 worker;
  gint64  cpu_us;   /* Running: the CPU time it really got, or -1 if not measured */
} StateRec;

typedef struct
{
  gint64  ts;
  gint64  end;
  guint32 interp;
  guint32 task;
  gint16  cpu;
  guint8  drop_reason;
  gboolean open;
} GilRec;

typedef struct
{
  const char           *where;
  JgChromeImportReport *report;
  JgTrace              *trace;
  guint32               n_tasks;
  guint32               n_workers;
  guint32               n_counters;
  guint32               n_strings;
  guint                 n_cores;
  gint64                horizon;
  GHashTable           *task_of_track;   /* "pid\x1ftid" → task + 1 */
  GHashTable           *interp_of_track; /* "pid\x1ftid" → interp + 1 */
  GHashTable           *counter_by_name; /* name → lane + 1, the first with it */
  TaskEnd              *ends;
  GArray               *states;          /* StateRec */
  GArray               *gil;             /* GilRec */
  GArray               *events;          /* JgEvent, the rest */
} Juggler;

static gboolean
lookup_name (const char * (*name_of) (int),
             int           n,
             const char   *name,
             int          *value)
{
  for (int i = 0; i < n; i++)
    if (strcmp (name_of (i), name) == 0)
      {
        *value = i;
        return TRUE;
      }
  return FALSE;
}

static const char *state_name (int i) { return jg_task_state_name (i); }
static const char *reason_name (int i) { return jg_suspend_reason_name (i); }
static const char *status_name (int i) { return jg_end_status_name (i); }
static const char *gil_reason_name (int i) { return jg_gil_reason_name (i); }
static const char *io_name (int i) { return jg_io_kind_name (i); }
static const char *kind_name (int i) { return jg_event_kind_name (i); }

/* Reading args members, each failure naming the event and the member. */

static gboolean
arg_int (Parser      *ps,
         Event       *ev,
         JsonObject  *args,
         const char  *member,
         gboolean     required,
         gint64       min,
         gint64       max,
         gint64      *value,
         GError     **error)
{
  JsonNode *node = args != NULL ? json_object_get_member (args, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return event_error (error, ps->where, ev->index, _("no args.%s"), member);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return event_error (error, ps->where, ev->index, _("args.%s must be an integer"), member);
  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    return event_error (error, ps->where, ev->index,
                        _("args.%s %" PRId64 " out of range (%" PRId64 " to %"
                          PRId64 ")"), member, *value, min, max);
  return TRUE;
}

/* A string arg naming one of a vocabulary's values; *value stays as it was
 * when the member is absent or null and @required is FALSE. */
static gboolean
arg_enum (Parser      *ps,
          Event       *ev,
          JsonObject  *args,
          const char  *member,
          gboolean     required,
          const char * (*name_of) (int),
          int          n,
          int         *value,
          GError     **error)
{
  JsonNode *node = args != NULL ? json_object_get_member (args, member) : NULL;
  const char *name;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return event_error (error, ps->where, ev->index, _("no args.%s"), member);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return event_error (error, ps->where, ev->index, _("args.%s must be a string"), member);
  name = json_node_get_string (node);
  if (!lookup_name (name_of, n, name, value))
    {
      g_autofree char *shown = g_strescape (name, NULL);

      return event_error (error, ps->where, ev->index, _("args.%s: unknown value \"%s\""), member, shown);
    }
  return TRUE;
}

static gboolean
arg_cpu (Parser      *ps,
         Event       *ev,
         Juggler     *jg,
         JsonObject  *args,
         const char  *member,
         gint16      *cpu,
         GError     **error)
{
  gint64 value = -1;

  if (!arg_int (ps, ev, args, member, FALSE, -1,
                jg->n_cores > 0 ? (gint64) jg->n_cores - 1 : G_MAXINT16, &value, error))
    return FALSE;
  *cpu = (gint16) value;
  return TRUE;
}

static gboolean
arg_worker (Parser      *ps,
            Event       *ev,
            Juggler     *jg,
            JsonObject  *args,
            const char  *member,
            gboolean     required,
            guint32     *worker,
            GError     **error)
{
  gint64 value = *worker;

  if (jg->n_workers == 0)
    return event_error (error, ps->where, ev->index, _("the trace has no workers for args.%s"), member);
  if (!arg_int (ps, ev, args, member, required, 0, (gint64) jg->n_workers - 1, &value, error))
    return FALSE;
  *worker = (guint32) value;
  return TRUE;
}

static gboolean
track_task (Parser   *ps,
            Event    *ev,
            Juggler  *jg,
            guint32  *task,
            GError  **error)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", ev->pid->str, ev->tid->str);
  gpointer found = g_hash_table_lookup (jg->task_of_track, key);

  if (found == NULL)
    return event_error (error, ps->where, ev->index, _("pid %s, tid %s is no task's track"),
                        ev->pid->str, ev->tid->str);
  *task = GPOINTER_TO_UINT (found) - 1;
  return TRUE;
}

static void
add_event (Juggler *jg,
           gint64   ts,
           guint32  task,
           guint32  worker,
           guint16  kind,
           gint16   cpu,
           guint32  arg)
{
  JgEvent event = { (guint64) ts, task, worker, kind, cpu, arg };

  g_array_append_val (jg->events, event);
}

static gboolean
juggler_task_slice (Parser     *ps,
                    Event      *ev,
                    Juggler    *jg,
                    JsonObject *args,
                    GError    **error)
{
  guint32 task;
  TaskEnd *end;
  int status = -1;

  if (!track_task (ps, ev, jg, &task, error))
    return FALSE;
  end = &jg->ends[task];
  end->has_slice = TRUE;
  end->begin = ev->ts;
  end->end = ev->ts + ev->dur;
  end->end_cpu = -1;
  end->end_worker = JG_LANE_NONE;
  if (!arg_enum (ps, ev, args, "status", FALSE, status_name, JG_END_N_STATUSES, &status, error))
    return FALSE;
  end->status = status;
  if (status >= 0)
    {
      guint32 worker = JG_LANE_NONE;

      if (!arg_cpu (ps, ev, jg, args, "end_cpu", &end->end_cpu, error))
        return FALSE;
      if (args != NULL && json_object_has_member (args, "end_worker_id")
          && !arg_worker (ps, ev, jg, args, "end_worker_id", TRUE, &worker, error))
        return FALSE;
      end->end_worker = worker;
    }
  return TRUE;
}

static gboolean
juggler_state_slice (Parser     *ps,
                     Event      *ev,
                     Juggler    *jg,
                     JsonObject *args,
                     GError    **error)
{
  StateRec rec = { ev->ts, ev->ts + ev->dur, 0, 0, -1, -1, 0, -1 };
  int state = -1, reason = -1;

  if (!track_task (ps, ev, jg, &rec.task, error))
    return FALSE;
  if (!lookup_name (state_name, JG_N_STATES, ev->name->str, &state))
    return event_error (error, ps->where, ev->index, _("\"%s\" is not a task state"), ev->name->str);
  if (state == JG_STATE_DONE)
    return event_error (error, ps->where, ev->index, _("Done is the end of a task, not a state slice"));
  if (!arg_enum (ps, ev, args, "reason", FALSE, reason_name, JG_SUSPEND_N_REASONS, &reason, error)
      || !arg_cpu (ps, ev, jg, args, "cpu", &rec.cpu, error)
      || !arg_worker (ps, ev, jg, args, "worker_id", TRUE, &rec.worker, error)
      || !arg_int (ps, ev, args, "cpu_us", FALSE, 0, G_MAXUINT32, &rec.cpu_us, error))
    return FALSE;
  if (state == JG_STATE_RUNNING)
    reason = -1;
  else if (rec.cpu_us >= 0)
    return event_error (error, ps->where, ev->index, _("only a running slice has args.cpu_us"));
  else if (reason >= 0 && jg_task_state_for_reason (reason) != (JgTaskState) state)
    return event_error (error, ps->where, ev->index, _("reason \"%s\" does not lead to state \"%s\""),
                        jg_suspend_reason_name (reason), ev->name->str);
  else if (reason < 0 && state != JG_STATE_READY)
    return event_error (error, ps->where, ev->index, _("a \"%s\" slice needs args.reason"), ev->name->str);
  rec.state = (guint8) state;
  rec.reason = (gint16) reason;
  g_array_append_val (jg->states, rec);
  return TRUE;
}

static gboolean
juggler_io (Parser     *ps,
            Event      *ev,
            Juggler    *jg,
            JsonObject *args,
            GError    **error)
{
  guint32 task, worker = 0, end_worker;
  gint16 cpu = -1, end_cpu;
  int io = -1;

  if (!track_task (ps, ev, jg, &task, error)
      || !arg_enum (ps, ev, args, "io", TRUE, io_name, JG_IO_N_KINDS, &io, error)
      || !arg_cpu (ps, ev, jg, args, "cpu", &cpu, error)
      || !arg_worker (ps, ev, jg, args, "worker_id", TRUE, &worker, error))
    return FALSE;
  if (ph_is (ev, "X"))
    {
      end_worker = worker;
      end_cpu = cpu;
      if (args != NULL && json_object_has_member (args, "end_worker_id"))
        {
          end_cpu = -1;
          if (!arg_worker (ps, ev, jg, args, "end_worker_id", TRUE, &end_worker, error)
              || !arg_cpu (ps, ev, jg, args, "end_cpu", &end_cpu, error))
            return FALSE;
        }
      add_event (jg, ev->ts, task, worker, JG_EVENT_IO_BEGIN, cpu, io);
      add_event (jg, ev->ts + ev->dur, task, end_worker, JG_EVENT_IO_END, end_cpu, io);
      return TRUE;
    }
  {
    int kind = -1;

    if (!arg_enum (ps, ev, args, "kind", TRUE, kind_name, JG_EVENT_N_KINDS, &kind, error))
      return FALSE;
    if (kind != JG_EVENT_IO_BEGIN && kind != JG_EVENT_IO_END)
      return event_error (error, ps->where, ev->index, _("args.kind must be io-begin or io-end"));
    add_event (jg, ev->ts, task, worker, (guint16) kind, cpu, io);
  }
  return TRUE;
}

static gboolean
juggler_instant (Parser     *ps,
                 Event      *ev,
                 Juggler    *jg,
                 JsonObject *args,
                 GError    **error)
{
  guint32 task, worker = 0;
  gint16 cpu = -1;
  int kind = -1;

  if (!track_task (ps, ev, jg, &task, error)
      || !arg_enum (ps, ev, args, "kind", TRUE, kind_name, JG_EVENT_N_KINDS, &kind, error)
      || !arg_cpu (ps, ev, jg, args, "cpu", &cpu, error)
      || !arg_worker (ps, ev, jg, args, "worker_id", TRUE, &worker, error))
    return FALSE;

  switch (kind)
    {
    case JG_EVENT_LOCK_WAIT:
    case JG_EVENT_LOCK_ACQUIRE:
    case JG_EVENT_LOCK_RELEASE:
      {
        JsonNode *lock = args != NULL ? json_object_get_member (args, "lock") : NULL;

        if (lock == NULL || !JSON_NODE_HOLDS_VALUE (lock) || json_node_get_value_type (lock) != G_TYPE_STRING)
          return event_error (error, ps->where, ev->index, _("args.lock must be a string"));
        add_event (jg, ev->ts, task, worker, (guint16) kind, cpu,
                   jg_trace_intern (jg->trace, json_node_get_string (lock)));
      }
      return TRUE;
    case JG_EVENT_GIL_DROP_REQUEST:
      {
        gint64 interp = 0;

        if (!arg_int (ps, ev, args, "interp", TRUE, 0, JG_TRACE_MAX_LANES - 1, &interp, error))
          return FALSE;
        add_event (jg, ev->ts, task, worker, JG_EVENT_GIL_DROP_REQUEST, cpu,
                   JG_GIL_ARG ((guint32) interp, 0));
      }
      return TRUE;
    default:
      return event_error (error, ps->where, ev->index, _("a %s event is not written as an instant"),
                          jg_event_kind_name (kind));
    }
}

static gboolean
juggler_gil (Parser     *ps,
             Event      *ev,
             Juggler    *jg,
             JsonObject *args,
             GError    **error)
{
  GilRec rec = { ev->ts, ev->ts + ev->dur, 0, 0, -1, 0, FALSE };
  gint64 task = 0, interp = 0;
  int reason = 0;
  JsonNode *open = args != NULL ? json_object_get_member (args, "open") : NULL;
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", ev->pid->str, ev->tid->str);
  gpointer track_interp = g_hash_table_lookup (jg->interp_of_track, key);

  if (!arg_int (ps, ev, args, "task", TRUE, 0, (gint64) jg->n_tasks - 1, &task, error)
      || !arg_int (ps, ev, args, "interp", TRUE, 0, JG_TRACE_MAX_LANES - 1, &interp, error)
      || !arg_cpu (ps, ev, jg, args, "cpu", &rec.cpu, error))
    return FALSE;
  if (track_interp == NULL || GPOINTER_TO_UINT (track_interp) - 1 != interp)
    return event_error (error, ps->where, ev->index,
                        _("pid %s, tid %s is not the track of interpreter %" PRId64 "'s GIL"),
                        ev->pid->str, ev->tid->str, interp);
  rec.open = open != NULL && JSON_NODE_HOLDS_VALUE (open)
          && json_node_get_value_type (open) == G_TYPE_BOOLEAN && json_node_get_boolean (open);
  if (!rec.open && !arg_enum (ps, ev, args, "drop_reason", TRUE, gil_reason_name,
                              JG_GIL_DROP_N_REASONS, &reason, error))
    return FALSE;
  rec.task = (guint32) task;
  rec.interp = (guint32) interp;
  rec.drop_reason = (guint8) reason;
  g_array_append_val (jg->gil, rec);
  return TRUE;
}

static gboolean
juggler_mark (Parser     *ps,
              Event      *ev,
              Juggler    *jg,
              JsonObject *args,
              GError    **error)
{
  gint64 task = 0;
  guint32 worker = 0;
  gint16 cpu = -1;

  if (!arg_int (ps, ev, args, "task", TRUE, 0, (gint64) jg->n_tasks - 1, &task, error)
      || !arg_cpu (ps, ev, jg, args, "cpu", &cpu, error)
      || !arg_worker (ps, ev, jg, args, "worker_id", TRUE, &worker, error))
    return FALSE;
  add_event (jg, ev->ts, (guint32) task, worker, JG_EVENT_MARK, cpu,
             jg_trace_intern (jg->trace, ev->name->str));
  return TRUE;
}

static gboolean
juggler_counter (Parser     *ps,
                 Event      *ev,
                 Juggler    *jg,
                 JsonObject *args,
                 GError    **error)
{
  gint64 value = 0;
  guint32 lane;

  if (ev->has_id)
    {
      gint64 id;
      char *end;

      errno = 0;
      id = g_ascii_strtoll (ev->id->str, &end, 10);
      if (errno != 0 || *end != '\0' || id < 0 || id >= jg->n_counters)
        return event_error (error, ps->where, ev->index, _("\"id\" %s is no counter (the trace has %u)"),
                            ev->id->str, jg->n_counters);
      lane = (guint32) id;
    }
  else
    {
      gpointer found = g_hash_table_lookup (jg->counter_by_name, ev->name->str);

      if (found == NULL)
        return event_error (error, ps->where, ev->index, _("\"%s\" is none of the trace's counters"),
                            ev->name->str);
      lane = GPOINTER_TO_UINT (found) - 1;
    }
  if (!arg_int (ps, ev, args, "value", TRUE, 0, G_MAXUINT32, &value, error))
    return FALSE;
  /* A sample's worker is not kept in the export (it would be a second series). */
  add_event (jg, ev->ts, lane, 0, JG_EVENT_COUNTER, -1, (guint32) value);
  return TRUE;
}

static gboolean
cat_is (Event      *ev,
        const char *cat)
{
  return ev->has_cat && strcmp (ev->cat->str, cat) == 0;
}

static gboolean
juggler_event (Parser  *ps,
               Event   *ev,
               gpointer data,
               GError **error)
{
  Juggler *jg = data;
  g_autoptr(JsonObject) args = NULL;
  Item item;
  gboolean ok;

  if (!check_event (ps, ev, &item, error))
    return FALSE;
  if (ph_is (ev, "M"))
    return TRUE;
  /* Arrows are drawn from the GIL spans; the metrics are computed again. */
  if ((item == ITEM_FLOW && cat_is (ev, JG_CHROME_CAT_HANDOFF))
      || (ph_is (ev, "C") && cat_is (ev, JG_CHROME_CAT_METRICS)))
    return TRUE;
  if (item != N_ITEMS)
    {
      jg->report->counts[ITEM_NOT_JUGGLER]++;
      return TRUE;
    }
  if (ev->has_ts && ev->ts < 0)
    return event_error (error, ps->where, ev->index, _("\"ts\" must not be negative in a Juggler export"));

  args = event_args (ps, ev, error, &ok);
  if (!ok)
    return FALSE;

  if (ph_is (ev, "X") && cat_is (ev, JG_CHROME_CAT_TASK))
    return juggler_task_slice (ps, ev, jg, args, error);
  if (ph_is (ev, "X") && cat_is (ev, JG_CHROME_CAT_STATE))
    return juggler_state_slice (ps, ev, jg, args, error);
  if (ph_is (ev, "X") && cat_is (ev, JG_CHROME_CAT_GIL))
    return juggler_gil (ps, ev, jg, args, error);
  if ((ph_is (ev, "X") || ph_is (ev, "i")) && cat_is (ev, JG_CHROME_CAT_IO))
    return juggler_io (ps, ev, jg, args, error);
  if (ph_is (ev, "i") && (cat_is (ev, JG_CHROME_CAT_LOCK) || cat_is (ev, JG_CHROME_CAT_GIL)))
    return juggler_instant (ps, ev, jg, args, error);
  if (ph_is (ev, "i") && cat_is (ev, JG_CHROME_CAT_MARK))
    return juggler_mark (ps, ev, jg, args, error);
  if (ph_is (ev, "C") && cat_is (ev, JG_CHROME_CAT_COUNTER))
    return juggler_counter (ps, ev, jg, args, error);

  jg->report->counts[ITEM_NOT_JUGGLER]++;
  return TRUE;
}

/* otherData of a Juggler export */

static JsonNode *
member_of (JsonObject *object,
           const char *name)
{
  return object != NULL && json_object_has_member (object, name)
       ? json_object_get_member (object, name) : NULL;
}

static gboolean
other_string (Juggler     *jg,
              JsonObject  *object,
              const char  *path,
              const char  *name,
              const char **value,
              GError     **error)
{
  JsonNode *node = member_of (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return other_error (error, jg->where, path, _("%s must be a string or null"), name);
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
other_int (Juggler     *jg,
           JsonObject  *object,
           const char  *path,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64      *value,
           GError     **error)
{
  JsonNode *node = member_of (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return other_error (error, jg->where, path, _("%s must be an integer"), name);
  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    return other_error (error, jg->where, path, _("%s %" PRId64 " out of range"), name, *value);
  return TRUE;
}

static JsonArray *
other_array (Juggler     *jg,
             JsonObject  *object,
             const char  *name,
             guint        max,
             GError     **error)
{
  JsonNode *node = member_of (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      other_error (error, jg->where, name, _("must be an array"));
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (node)) > max)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: otherData.%s: more than %u elements"), jg->where, name, max);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
other_element (Juggler     *jg,
               JsonArray   *array,
               const char  *name,
               guint        i,
               char       **path,
               GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  g_free (*path);
  *path = g_strdup_printf ("%s[%u]", name, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      other_error (error, jg->where, *path, _("must be an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

static char *
track_key (gint64 pid,
           gint64 tid)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT, pid, tid);
}

static gboolean
read_juggler_other_data (Juggler     *jg,
                         JsonObject  *other,
                         GError     **error)
{
  JgTrace *trace = jg->trace;
  JsonObject *scenario = NULL, *run = NULL, *machine = NULL;
  JsonArray *strings, *tasks, *workers, *counters, *gil;
  JgRunInfo run_info = { 0 };
  JgMachineInfo machine_info = { 0 };
  const char *id = NULL, *title = NULL, *created = NULL;
  gint64 version = 0, value, epoch_ns = 0, duration_ns = 0, horizon_ns = 0;
  g_autofree char *path = NULL;
  JsonNode *node;

  if (!other_int (jg, other, "version", "version", 1, G_MAXINT32, &version, error))
    return FALSE;
  if (version > JG_CHROME_TRACE_VERSION)
    return other_error (error, jg->where, "version",
                        _("version %" PRId64 "; this Juggler reads version %d"),
                        version, JG_CHROME_TRACE_VERSION);

  if ((node = member_of (other, "scenario")) != NULL && JSON_NODE_HOLDS_OBJECT (node))
    scenario = json_node_get_object (node);
  if ((node = member_of (other, "run")) != NULL && JSON_NODE_HOLDS_OBJECT (node))
    run = json_node_get_object (node);
  if ((node = member_of (other, "machine")) != NULL && JSON_NODE_HOLDS_OBJECT (node))
    machine = json_node_get_object (node);

  if (!other_string (jg, scenario, "scenario.id", "id", &id, error)
      || !other_string (jg, scenario, "scenario.title", "title", &title, error)
      || !other_string (jg, other, "created", "created", &created, error)
      || !other_string (jg, run, "run.model", "model", &run_info.model, error)
      || !other_string (jg, run, "run.interpreter", "interpreter", &run_info.interpreter, error)
      || !other_string (jg, run, "run.start_method", "start_method", &run_info.start_method, error)
      || !other_string (jg, machine, "machine.kernel", "kernel", &machine_info.kernel, error)
      || !other_string (jg, machine, "machine.cpu_model", "cpu_model", &machine_info.cpu_model, error)
      || !other_string (jg, machine, "machine.hostname", "hostname", &machine_info.hostname, error))
    return FALSE;
  jg_trace_set_scenario (trace, id, title, member_of (scenario, "definition") != NULL
                                           && !JSON_NODE_HOLDS_NULL (member_of (scenario, "definition"))
                                           ? member_of (scenario, "definition") : NULL);

  value = 0;
  if (!other_int (jg, run, "run.workers", "workers", 0, G_MAXUINT32, &value, error))
    return FALSE;
  run_info.workers = (guint) value;
  if ((node = member_of (run, "switch_interval_ms")) != NULL && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_DOUBLE
          || json_node_get_value_type (node) == G_TYPE_INT64))
    run_info.switch_interval_ms = MAX (json_node_get_double (node), 0);
  /* A slowed-down run's factor; anything else reads as normal speed. */
  if ((node = member_of (run, "time_scale")) != NULL && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_DOUBLE
          || json_node_get_value_type (node) == G_TYPE_INT64)
      && json_node_get_double (node) >= JG_TIME_SCALE_MIN && json_node_get_double (node) <= JG_TIME_SCALE_MAX)
    run_info.time_scale = json_node_get_double (node);
  jg_trace_set_run_info (trace, &run_info);

  value = 0;
  if (!other_int (jg, machine, "machine.cores", "cores", 0, 65535, &value, error))
    return FALSE;
  machine_info.n_cores = (guint) value;
  jg_trace_set_machine (trace, &machine_info);
  jg->n_cores = machine_info.n_cores;

  if ((node = member_of (other, "parameters")) != NULL && JSON_NODE_HOLDS_OBJECT (node))
    jg_trace_set_parameters (trace, json_node_get_object (node));
  if ((node = member_of (other, "results")) != NULL && JSON_NODE_HOLDS_OBJECT (node))
    jg_trace_set_results (trace, json_node_get_object (node));
  if (created != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (created, NULL);

      if (when == NULL)
        return other_error (error, jg->where, "created", _("not an ISO 8601 time with a time zone"));
      jg_trace_set_created (trace, when);
    }
  if (!other_int (jg, other, "epoch_ns", "epoch_ns", 0, G_MAXINT64, &epoch_ns, error)
      || !other_int (jg, other, "duration_ns", "duration_ns", 0, G_MAXINT64, &duration_ns, error)
      || !other_int (jg, other, "horizon_ns", "horizon_ns", 0, G_MAXINT64, &horizon_ns, error))
    return FALSE;
  jg_trace_set_epoch_ns (trace, (guint64) epoch_ns);
  jg_trace_set_end_ns (trace, (guint64) duration_ns);
  jg->horizon = horizon_ns;

  /* Strings first, in order, so every string id stays what it was. */
  strings = other_array (jg, other, "strings", JG_TRACE_MAX_STRINGS, error);
  if (strings == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (strings); i++)
    {
      JsonNode *s = json_array_get_element (strings, i);

      if (!JSON_NODE_HOLDS_VALUE (s) || json_node_get_value_type (s) != G_TYPE_STRING)
        {
          g_autofree char *where = g_strdup_printf ("strings[%u]", i);

          return other_error (error, jg->where, where, _("must be a string"));
        }
      jg_trace_intern (trace, json_node_get_string (s));
    }

  if ((workers = other_array (jg, other, "workers", JG_TRACE_MAX_LANES, error)) == NULL
      || (tasks = other_array (jg, other, "tasks", JG_TRACE_MAX_LANES, error)) == NULL
      || (counters = other_array (jg, other, "counters", JG_TRACE_MAX_LANES, error)) == NULL
      || (gil = other_array (jg, other, "gil", JG_TRACE_MAX_LANES, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (workers); i++)
    {
      JsonObject *object = other_element (jg, workers, "workers", i, &path, error);
      const char *name = NULL, *kind_text = NULL;
      JgWorkerKind kind;
      gint64 pid = 0;

      if (object == NULL
          || !other_string (jg, object, path, "name", &name, error)
          || !other_string (jg, object, path, "kind", &kind_text, error)
          || !other_int (jg, object, path, "pid", G_MININT32, G_MAXINT32, &pid, error))
        return FALSE;
      if (name == NULL || !jg_worker_kind_from_name (kind_text, &kind))
        return other_error (error, jg->where, path, _("needs a name and a kind (thread, process or loop)"));
      jg_trace_add_worker (trace, name, kind, (gint32) pid);
    }
  jg->n_workers = json_array_get_length (workers);

  jg->n_tasks = json_array_get_length (tasks);
  for (guint i = 0; i < jg->n_tasks; i++)
    {
      JsonObject *object = other_element (jg, tasks, "tasks", i, &path, error);
      const char *name = NULL;
      gint64 parent = -1, pid = 0, tid = 0;
      g_autofree char *key = NULL;

      if (object == NULL
          || !other_string (jg, object, path, "name", &name, error)
          || !other_int (jg, object, path, "parent", 0, (gint64) jg->n_tasks - 1, &parent, error)
          || !other_int (jg, object, path, "pid", G_MININT64, G_MAXINT64, &pid, error)
          || !other_int (jg, object, path, "tid", G_MININT64, G_MAXINT64, &tid, error))
        return FALSE;
      if (name == NULL)
        return other_error (error, jg->where, path, _("needs a name"));
      key = track_key (pid, tid);
      if (g_hash_table_contains (jg->task_of_track, key))
        return other_error (error, jg->where, path, _("pid %" PRId64 ", tid %" PRId64
                              " is another task's track"), pid, tid);
      g_hash_table_insert (jg->task_of_track, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
      jg_trace_add_task (trace, name, parent < 0 ? JG_LANE_NONE : (guint32) parent);
    }

  for (guint i = 0; i < json_array_get_length (counters); i++)
    {
      JsonObject *object = other_element (jg, counters, "counters", i, &path, error);
      const char *name = NULL;

      if (object == NULL || !other_string (jg, object, path, "name", &name, error))
        return FALSE;
      if (name == NULL)
        return other_error (error, jg->where, path, _("needs a name"));
      jg_trace_add_counter (trace, name);
      if (!g_hash_table_contains (jg->counter_by_name, name))
        g_hash_table_insert (jg->counter_by_name, g_strdup (name), GUINT_TO_POINTER (i + 1));
    }
  jg->n_counters = json_array_get_length (counters);

  for (guint i = 0; i < json_array_get_length (gil); i++)
    {
      JsonObject *object = other_element (jg, gil, "gil", i, &path, error);
      gint64 interp = -1, pid = 0, tid = 0;

      if (object == NULL
          || !other_int (jg, object, path, "interp", 0, JG_TRACE_MAX_LANES - 1, &interp, error)
          || !other_int (jg, object, path, "pid", G_MININT64, G_MAXINT64, &pid, error)
          || !other_int (jg, object, path, "tid", G_MININT64, G_MAXINT64, &tid, error))
        return FALSE;
      g_hash_table_insert (jg->interp_of_track, track_key (pid, tid),
                           GUINT_TO_POINTER ((guint) interp + 1));
    }

  jg->n_strings = jg_trace_get_n_strings (trace);
  jg->ends = g_new0 (TaskEnd, MAX (jg->n_tasks, 1));
  for (guint32 t = 0; t < jg->n_tasks; t++)
    jg->ends[t].status = -1;
  return TRUE;
}

static int
compare_states (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const StateRec *x = a, *y = b;

  if (x->task != y->task)
    return x->task < y->task ? -1 : 1;
  return (x->ts > y->ts) - (x->ts < y->ts);
}

static int
compare_gil (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const GilRec *x = a, *y = b;

  if (x->interp != y->interp)
    return x->interp < y->interp ? -1 : 1;
  return (x->ts > y->ts) - (x->ts < y->ts);
}

/* The event that puts a task into the state of @rec. */
static void
add_state_event (Juggler        *jg,
                 const StateRec *rec,
                 gint64          ts,
                 gboolean        first)
{
  if (rec->state == JG_STATE_RUNNING)
    add_event (jg, ts, rec->task, rec->worker, JG_EVENT_RUN, rec->cpu, 0);
  else if (rec->reason < 0 && first)
    add_event (jg, ts, rec->task, rec->worker, JG_EVENT_TASK_BEGIN, rec->cpu, 0);
  else
    add_event (jg, ts, rec->task, rec->worker, JG_EVENT_SUSPEND, rec->cpu,
               rec->reason < 0 ? JG_SUSPEND_READY : (guint32) rec->reason);
}

/* The worker the holder of the GIL ran on when it took it: the worker of its
 * state at that time (GIL spans do not keep one; the spans do not need it). */
static guint32
holder_worker (Juggler       *jg,
               const guint   *first_state,
               guint32        task,
               gint64         ts)
{
  const StateRec *states = (const StateRec *) jg->states->data;
  guint lo = first_state[task], hi = first_state[task + 1];

  if (lo == hi)
    return jg->ends[task].end_worker != JG_LANE_NONE ? jg->ends[task].end_worker : 0;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (states[mid].ts <= ts)
        lo = mid;
      else
        hi = mid;
    }
  return states[lo].worker;
}

/* States become the run and suspend events that make them (jg-spans.c); GIL
 * spans become takes and drops, from which the hand-offs follow again. */
static JgTrace *
build_juggler (Juggler  *jg,
               GError  **error)
{
  const StateRec *states;
  const GilRec *gil;
  guint64 max_ts = 0;
  const StateRec *open_last = NULL;
  g_autofree guint *first_state = g_new0 (guint, jg->n_tasks + 1);

  g_qsort_with_data (jg->states->data, jg->states->len, sizeof (StateRec), compare_states, NULL);
  states = (const StateRec *) jg->states->data;
  /* first_state[t] .. first_state[t + 1]: task t's states. */
  for (guint i = 0; i < jg->states->len; i++)
    first_state[states[i].task + 1]++;
  for (guint32 t = 0; t < jg->n_tasks; t++)
    first_state[t + 1] += first_state[t];
  for (guint i = 0; i < jg->states->len; i++)
    {
      gboolean first = i == 0 || states[i - 1].task != states[i].task;
      gboolean last = i + 1 == jg->states->len || states[i + 1].task != states[i].task;
      TaskEnd *end = &jg->ends[states[i].task];

      add_state_event (jg, &states[i], states[i].ts, first);
      /* Written as the task leaves Running, before what it does next. */
      if (states[i].cpu_us >= 0)
        add_event (jg, states[i].end, states[i].task, states[i].worker, JG_EVENT_CPU_TIME,
                   states[i].cpu, (guint32) states[i].cpu_us);
      if (last && end->status < 0)
        {
          /* Still in this state: it may have to reach the horizon below. */
          if (states[i].state == JG_STATE_RUNNING || states[i].reason >= 0)
            open_last = &states[i];
        }
    }

  for (guint32 t = 0; t < jg->n_tasks; t++)
    {
      TaskEnd *end = &jg->ends[t];

      if (!end->has_slice || end->status < 0)
        continue;
      if (end->end_worker == JG_LANE_NONE)
        {
          if (jg->n_workers == 0)
            {
              g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_INVALID,
                           _("%s: task %u ends, but the trace has no workers"), jg->where, t);
              return NULL;
            }
          end->end_worker = 0;
        }
      add_event (jg, end->end, t, end->end_worker, JG_EVENT_TASK_END, end->end_cpu,
                 JG_END_ARG (end->status, 0));
    }

  g_qsort_with_data (jg->gil->data, jg->gil->len, sizeof (GilRec), compare_gil, NULL);
  gil = (const GilRec *) jg->gil->data;
  if (jg->gil->len > 0 && jg->n_workers == 0)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_INVALID,
                   _("%s: the GIL is held, but the trace has no workers"), jg->where);
      return NULL;
    }
  for (guint i = 0; i < jg->gil->len; i++)
    {
      guint32 worker = holder_worker (jg, first_state, gil[i].task, gil[i].ts);

      add_event (jg, gil[i].ts, gil[i].task, worker, JG_EVENT_GIL_TAKE, gil[i].cpu,
                 JG_GIL_ARG (gil[i].interp, 0));
      if (!gil[i].open)
        add_event (jg, gil[i].end, gil[i].task, worker, JG_EVENT_GIL_DROP, gil[i].cpu,
                   JG_GIL_ARG (gil[i].interp, gil[i].drop_reason));
    }

  for (guint i = 0; i < jg->events->len; i++)
    max_ts = MAX (max_ts, g_array_index (jg->events, JgEvent, i).ts);
  /* Open spans end at the newest event: repeat an open state there when the
   * newest event was one the export had no place for. */
  if ((guint64) jg->horizon > max_ts && open_last != NULL)
    add_state_event (jg, open_last, jg->horizon, FALSE);

  g_qsort_with_data (jg->events->data, jg->events->len, sizeof (JgEvent), compare_events, NULL);
  jg_trace_append (jg->trace, (const JgEvent *) jg->events->data, jg->events->len);
  jg_trace_finish (jg->trace);
  return g_object_ref (jg->trace);
}

/* The document */

typedef struct
{
  const char *events;  /* the traceEvents array, or the bare array */
  gboolean    bare;
  JsonNode   *other;   /* otherData, or NULL */
} Document;

/* First pass: the top level. Checks the syntax of everything, keeps where
 * traceEvents is and what otherData says. */
static gboolean
read_document (Parser    *ps,
               Document  *doc,
               GError   **error)
{
  /* A byte order mark is not JSON, but editors write one. */
  if (ps->end - ps->p >= 3 && memcmp (ps->p, "\xef\xbb\xbf", 3) == 0)
    ps->p += 3;
  skip_space (ps);
  if (ps->p >= ps->end)
    return syntax_error (ps, error, _("the file is empty"));

  if (*ps->p == '[')
    {
      /* Checked as it is read; a missing ']' is allowed there. */
      doc->events = ps->p;
      doc->bare = TRUE;
      return TRUE;
    }
  if (*ps->p != '{')
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_NOT_TRACE,
                   _("%s: not a Chrome trace: the document is %s, not an object with "
                     "\"traceEvents\" or an array of events"), ps->where, describe_char (ps));
      return FALSE;
    }

  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == '}')
    {
      ps->p++;
    }
  else
    {
      g_autoptr(GString) key = g_string_new (NULL);

      for (;;)
        {
          skip_space (ps);
          if (ps->p >= ps->end || *ps->p != '"')
            return syntax_error (ps, error, _("expected a member name, found %s"), describe_char (ps));
          g_string_truncate (key, 0);
          if (!parse_string (ps, key, error) || !expect (ps, ':', error))
            return FALSE;
          skip_space (ps);
          if (strcmp (key->str, "traceEvents") == 0)
            {
              if (ps->p >= ps->end || *ps->p != '[')
                {
                  g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_NOT_TRACE,
                               _("%s: \"traceEvents\" must be an array, not %s"),
                               ps->where, describe_char (ps));
                  return FALSE;
                }
              doc->events = ps->p;
              if (!parse_value (ps, NULL, error))
                return FALSE;
            }
          else if (strcmp (key->str, "otherData") == 0)
            {
              g_clear_pointer (&doc->other, json_node_unref);
              if (!parse_value (ps, &doc->other, error))
                return FALSE;
            }
          else if (!parse_value (ps, NULL, error))
            {
              return FALSE;
            }
          skip_space (ps);
          if (ps->p < ps->end && *ps->p == ',')
            {
              ps->p++;
              continue;
            }
          if (ps->p < ps->end && *ps->p == '}')
            {
              ps->p++;
              break;
            }
          return syntax_error (ps, error, _("expected ',' or '}' after a top-level member"));
        }
    }

  skip_space (ps);
  if (ps->p < ps->end)
    return syntax_error (ps, error, _("unexpected text after the document"));
  if (doc->events == NULL)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_NOT_TRACE,
                   _("%s: not a Chrome trace: the object has no \"traceEvents\""), ps->where);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_juggler_export (JsonNode *other)
{
  JsonNode *format;

  if (other == NULL || !JSON_NODE_HOLDS_OBJECT (other))
    return FALSE;
  format = member_of (json_node_get_object (other), "format");
  return format != NULL && JSON_NODE_HOLDS_VALUE (format)
      && json_node_get_value_type (format) == G_TYPE_STRING
      && g_strcmp0 (json_node_get_string (format), JG_CHROME_TRACE_FORMAT) == 0;
}

static JgTrace *
import_juggler (Parser               *ps,
                Document             *doc,
                JgChromeImportReport *report,
                GError              **error)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  Juggler jg = { 0 };
  JgTrace *result = NULL;

  jg.where = ps->where;
  jg.report = report;
  jg.trace = trace;
  jg.task_of_track = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  jg.interp_of_track = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  jg.counter_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  jg.states = g_array_new (FALSE, FALSE, sizeof (StateRec));
  jg.gil = g_array_new (FALSE, FALSE, sizeof (GilRec));
  jg.events = g_array_new (FALSE, FALSE, sizeof (JgEvent));

  ps->p = doc->events;
  if (read_juggler_other_data (&jg, json_node_get_object (doc->other), error)
      && for_each_event (ps, doc->bare, juggler_event, &jg, &report->n_read, error))
    result = build_juggler (&jg, error);

  g_hash_table_unref (jg.task_of_track);
  g_hash_table_unref (jg.interp_of_track);
  g_hash_table_unref (jg.counter_by_name);
  g_free (jg.ends);
  g_array_unref (jg.states);
  g_array_unref (jg.gil);
  g_array_unref (jg.events);
  return result;
}

static JgTrace *
import_foreign (Parser               *ps,
                Document             *doc,
                JgChromeImportReport *report,
                GError              **error)
{
  Foreign fg = { 0 };
  JgTrace *result = NULL;

  fg.where = ps->where;
  fg.report = report;
  fg.names = g_string_chunk_new (64 * 1024);
  fg.thread_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fg.threads = g_ptr_array_new_with_free_func (thread_free);
  fg.process_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fg.instants = g_array_new (FALSE, FALSE, sizeof (Instant));
  fg.samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  fg.counter_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fg.counter_names = g_ptr_array_new_with_free_func (g_free);

  ps->p = doc->events;
  if (for_each_event (ps, doc->bare, foreign_event, &fg, &report->n_read, error))
    result = build_foreign (&fg, error);

  g_string_chunk_free (fg.names);
  g_hash_table_unref (fg.thread_index);
  g_ptr_array_unref (fg.threads);
  g_hash_table_unref (fg.process_names);
  g_array_unref (fg.instants);
  g_array_unref (fg.samples);
  g_hash_table_unref (fg.counter_index);
  g_ptr_array_unref (fg.counter_names);
  return result;
}

JgTrace *
jg_chrome_trace_import_data (const char            *data,
                             gsize                  length,
                             const char            *where,
                             JgChromeImportReport **report_out,
                             GError               **error)
{
  g_autoptr(JgChromeImportReport) report = g_new0 (JgChromeImportReport, 1);
  Parser ps = { data, data, data + length, where != NULL ? where : "trace", 0 };
  Document doc = { 0 };
  JgTrace *trace = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > JG_CHROME_TRACE_MAX_FILE_BYTES)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: the file is %" PRIu64 " bytes; Juggler imports at most %"
                     PRIu64), ps.where, (guint64) length, JG_CHROME_TRACE_MAX_FILE_BYTES);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_NOT_JSON,
                   _("%s: the file is empty"), ps.where);
      return NULL;
    }

  if (read_document (&ps, &doc, error))
    {
      report->juggler = is_juggler_export (doc.other);
      trace = report->juggler ? import_juggler (&ps, &doc, report, error)
                              : import_foreign (&ps, &doc, report, error);
    }
  g_clear_pointer (&doc.other, json_node_unref);

  if (trace != NULL && report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return trace;
}

JgTrace *
jg_chrome_trace_import (GFile                 *file,
                        JgChromeImportReport **report,
                        GCancellable          *cancellable,
                        GError               **error)
{
  g_autofree char *basename = NULL;
  g_autofree char *where = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFileInfo) info = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  basename = g_file_get_basename (file);
  where = basename != NULL ? g_filename_display_name (basename) : g_file_get_parse_name (file);

  /* Refuse an absurd size before reading a byte of it. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    {
      g_prefix_error (error, "%s: ", where);
      return NULL;
    }
  if ((guint64) g_file_info_get_size (info) > JG_CHROME_TRACE_MAX_FILE_BYTES)
    {
      g_set_error (error, JG_CHROME_TRACE_ERROR, JG_CHROME_TRACE_ERROR_TOO_LARGE,
                   _("%s: the file is %" PRId64 " bytes; Juggler imports at most %"
                     PRIu64), where, g_file_info_get_size (info),
                   JG_CHROME_TRACE_MAX_FILE_BYTES);
      return NULL;
    }

  path = g_file_get_path (file);
  if (path != NULL)
    {
      mapped = g_mapped_file_new (path, FALSE, error);
      if (mapped == NULL)
        {
          g_prefix_error (error, "%s: ", where);
          return NULL;
        }
      data = g_mapped_file_get_contents (mapped);
      length = g_mapped_file_get_length (mapped);
    }
  else
    {
      bytes = g_file_load_bytes (file, cancellable, NULL, error);
      if (bytes == NULL)
        {
          g_prefix_error (error, "%s: ", where);
          return NULL;
        }
      data = g_bytes_get_data (bytes, &length);
    }
  if (data == NULL)
    data = "";

  return jg_chrome_trace_import_data (data, length, where, report, error);
}
