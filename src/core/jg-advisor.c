/* jg-advisor.c: the decision tree (docs/advisor.md): loading and checking
 * data/advisor/decision-tree.json, and walking it.
 *
 * json-glib keeps no positions in its nodes, but it says which line it is on
 * while it emits its parse signals; we note the line of every object, array,
 * member and element then, so every error names the file, the line and the
 * field. */
#define G_LOG_DOMAIN "jg-advisor"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-i18n.h"
#include "jg-json-util.h"
#include "jg-advisor.h"

#define MAX_FILE_BYTES  (1024 * 1024)
#define MAX_NODES       1000
#define MAX_OPTIONS     16
#define MAX_TEXTS       32
#define MAX_TASKS       100000
#define MAX_SHOW_TASKS  10000
#define MAX_WORKERS     1024
#define MAX_STEP_MS     600000.0

G_DEFINE_QUARK (jg-advisor-error-quark, jg_advisor_error)

static const char * const workload_names[] = {
  [JG_WORKLOAD_IO] = "io",
  [JG_WORKLOAD_CPU] = "cpu",
  [JG_WORKLOAD_MIXED] = "mixed",
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (workload_names) == JG_N_WORKLOADS + 1);

static const char * const fact_names[] = {
  [JG_ADVISOR_FACT_WORKLOAD] = "workload",
  [JG_ADVISOR_FACT_TASKS] = "tasks",
  [JG_ADVISOR_FACT_RELEASES_GIL] = "releases_gil",
  [JG_ADVISOR_FACT_SHARED_STATE] = "shared_state",
  [JG_ADVISOR_FACT_ALL_ASYNC] = "all_async",
  [JG_ADVISOR_FACT_BACKGROUND] = "background",
  [JG_ADVISOR_FACT_BATCH] = "batch",
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (fact_names) == JG_ADVISOR_N_FACTS + 1);

/* The models and interpreters Juggler runs (jg-scenario.c, jg-interpreter.c). */
static const char * const known_models[] = {
  "sequential", "threads", "processes", "asyncio", "hybrid", NULL
};
static const char * const known_interpreters[] = {
  "gil", "free-threaded", "per-interpreter", NULL
};
static const char * const known_executors[] = {
  "threads", "processes", NULL
};
/* The I/O a demonstration may wait on; pipes belong to process transfers. */
static const char * const show_me_io_kinds[] = {
  "sleep", "socket", "file", NULL
};

struct _JgAdvisor
{
  gatomicrefcount  ref_count;
  char            *where;
  char            *root;
  GPtrArray       *questions;       /* JgAdvisorQuestion */
  GPtrArray       *recommendations; /* JgAdvisorRecommendation */
  GHashTable      *question_ids;    /* id -> JgAdvisorQuestion */
  GHashTable      *recommendation_ids;
};

typedef struct
{
  const JgAdvisorQuestion *question;
  guint                    option;
} Step;

struct _JgAdvisorWalk
{
  JgAdvisor                     *advisor;
  GArray                        *steps;  /* Step */
  const JgAdvisorQuestion       *question;
  const JgAdvisorRecommendation *recommendation;
  guint                          n_tasks; /* from facts; 0 if none were given */
};

/* Names */

static int
index_in (const char * const *names,
          const char         *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return (int) i;
  return -1;
}

const char *
jg_workload_name (JgWorkload workload)
{
  g_return_val_if_fail (workload < JG_N_WORKLOADS, NULL);
  return workload_names[workload];
}

gboolean
jg_workload_from_name (const char *name,
                       JgWorkload *workload)
{
  int i;

  g_return_val_if_fail (name != NULL, FALSE);

  i = index_in (workload_names, name);
  if (i < 0)
    return FALSE;
  if (workload != NULL)
    *workload = (JgWorkload) i;
  return TRUE;
}

const char *
jg_advisor_fact_name (JgAdvisorFact fact)
{
  g_return_val_if_fail (fact < JG_ADVISOR_N_FACTS, NULL);
  return fact_names[fact];
}

/* Freeing */

static void
run_spec_clear (JgAdvisorRunSpec *spec)
{
  g_clear_pointer (&spec->model, g_free);
  g_clear_pointer (&spec->interpreter, g_free);
  g_clear_pointer (&spec->executor, g_free);
}

static void
question_free (JgAdvisorQuestion *question)
{
  for (guint i = 0; i < question->n_options; i++)
    {
      g_free (question->options[i].value);
      g_free (question->options[i].label);
      g_free (question->options[i].next);
    }
  g_free (question->options);
  g_free (question->id);
  g_free (question->text);
  g_free (question->help);
  g_free (question);
}

static void
recommendation_free (JgAdvisorRecommendation *rec)
{
  g_free (rec->id);
  run_spec_clear (&rec->run);
  g_free (rec->title);
  g_free (rec->api);
  g_free (rec->why);
  g_strfreev (rec->watch_out);
  run_spec_clear (&rec->runner_up);
  g_free (rec->runner_up_title);
  g_strfreev (rec->pitfalls);
  for (guint i = 0; i < rec->show_me.n_compare; i++)
    run_spec_clear (&rec->show_me.compare[i]);
  g_free (rec->show_me.compare);
  g_free (rec);
}

static JgAdvisor *
advisor_new (const char *where)
{
  JgAdvisor *self = g_new0 (JgAdvisor, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->where = g_strdup (where);
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  self->recommendations = g_ptr_array_new_with_free_func ((GDestroyNotify) recommendation_free);
  self->question_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->recommendation_ids = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

JgAdvisor *
jg_advisor_ref (JgAdvisor *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
jg_advisor_unref (JgAdvisor *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->question_ids);
  g_hash_table_unref (self->recommendation_ids);
  g_ptr_array_unref (self->questions);
  g_ptr_array_unref (self->recommendations);
  g_free (self->root);
  g_free (self->where);
  g_free (self);
}

/* Lines: recorded while json-glib parses */

typedef struct
{
  const char *where;
  GHashTable *lines;   /* "o%p", "a%p", "m%p:name", "e%p:index" -> line */
  GArray     *opened;  /* lines of the objects and arrays being parsed */
} Loader;

static void
note_line (Loader     *ld,
           JsonParser *parser,
           char       *key)
{
  g_hash_table_insert (ld->lines, key, GUINT_TO_POINTER (json_parser_get_current_line (parser)));
}

static void
on_open (JsonParser *parser,
         Loader     *ld)
{
  guint line = json_parser_get_current_line (parser);

  g_array_append_val (ld->opened, line);
}

/* An object or array is remembered at the line of its opening brace. */
static void
on_close (Loader   *ld,
          char     *key)
{
  guint line = 0;

  if (ld->opened->len > 0)
    {
      line = g_array_index (ld->opened, guint, ld->opened->len - 1);
      g_array_set_size (ld->opened, ld->opened->len - 1);
    }
  g_hash_table_insert (ld->lines, key, GUINT_TO_POINTER (line));
}

static void
on_object_end (JsonParser *parser,
               JsonObject *object,
               Loader     *ld)
{
  on_close (ld, g_strdup_printf ("o%p", (void *) object));
}

static void
on_array_end (JsonParser *parser,
              JsonArray  *array,
              Loader     *ld)
{
  on_close (ld, g_strdup_printf ("a%p", (void *) array));
}

/* json-glib emits these once the value is parsed: for a scalar that is the
 * line of its key, for an object or array the line it closes on (the node's
 * own entry, at its opening brace, is used for those). */
static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  Loader     *ld)
{
  note_line (ld, parser, g_strdup_printf ("m%p:%s", (void *) object, name));
}

static void
on_array_element (JsonParser *parser,
                  JsonArray  *array,
                  int         index,
                  Loader     *ld)
{
  note_line (ld, parser, g_strdup_printf ("e%p:%d", (void *) array, index));
}

static guint
lookup_line (Loader *ld,
             char   *key)
{
  g_autofree char *owned = key;

  return GPOINTER_TO_UINT (g_hash_table_lookup (ld->lines, owned));
}

static guint
node_line (Loader   *ld,
           JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return lookup_line (ld, g_strdup_printf ("o%p", (void *) json_node_get_object (node)));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return lookup_line (ld, g_strdup_printf ("a%p", (void *) json_node_get_array (node)));
  return 0;
}

/* The line of @member of @object, or of @object itself if it has no such member. */
static guint
member_line (Loader     *ld,
             JsonObject *object,
             const char *member)
{
  JsonNode *node = member != NULL ? json_object_get_member (object, member) : NULL;
  guint line = 0;

  if (node != NULL)
    line = node_line (ld, node);
  if (line == 0 && node != NULL)
    line = lookup_line (ld, g_strdup_printf ("m%p:%s", (void *) object, member));
  if (line == 0)
    line = lookup_line (ld, g_strdup_printf ("o%p", (void *) object));
  return line;
}

static guint
element_line (Loader    *ld,
              JsonArray *array,
              guint      index)
{
  guint line = 0;

  if (index < json_array_get_length (array))
    {
      line = node_line (ld, json_array_get_element (array, index));
      if (line == 0)
        line = lookup_line (ld, g_strdup_printf ("e%p:%u", (void *) array, index));
    }
  if (line == 0)
    line = lookup_line (ld, g_strdup_printf ("a%p", (void *) array));
  return line;
}

/* Errors: "FILE:LINE: PATH: message" */

static gboolean G_GNUC_PRINTF (5, 0)
fail_at (Loader      *ld,
         GError     **error,
         guint        line,
         const char  *path,
         const char  *format,
         va_list      args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  if (path != NULL && *path != '\0')
    g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID, "%s:%u: %s: %s",
                 ld->where, MAX (line, 1), path, message);
  else
    g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID, "%s:%u: %s",
                 ld->where, MAX (line, 1), message);
  return FALSE;
}

/* An error about @member of @object (at @path); a missing member is reported
 * on the line of the object that lacks it. */
static gboolean G_GNUC_PRINTF (6, 7)
fail_member (Loader      *ld,
             GError     **error,
             JsonObject  *object,
             const char  *path,
             const char  *member,
             const char  *format,
             ...)
{
  g_autofree char *full = member != NULL ? jg_json_path_member (path, member) : g_strdup (path);
  va_list args;

  va_start (args, format);
  fail_at (ld, error, member_line (ld, object, member), full, format, args);
  va_end (args);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (6, 7)
fail_element (Loader      *ld,
              GError     **error,
              JsonArray   *array,
              const char  *path,
              guint        index,
              const char  *format,
              ...)
{
  g_autofree char *full = jg_json_path_element (path, index);
  va_list args;

  va_start (args, format);
  fail_at (ld, error, element_line (ld, array, index), full, format, args);
  va_end (args);
  return FALSE;
}

/* Fields */

/* Rejects members not in @allowed; names starting with "_" are comments. */
static gboolean
check_members (Loader             *ld,
               JsonObject         *object,
               const char         *path,
               const char * const *allowed,
               GError            **error)
{
  g_autofree char *name = jg_json_unknown_member (object, allowed);
  g_autofree char *list = NULL;

  if (name == NULL)
    return TRUE;
  list = g_strjoinv (", ", (char **) allowed);
  return fail_member (ld, error, object, path, name, _("unknown field (expected one of: %s)"), list);
}

/* Looks up @member; FALSE with an error if it is required and missing. */
static gboolean
get_member (Loader      *ld,
            JsonObject  *object,
            const char  *path,
            const char  *member,
            gboolean     required,
            JsonNode   **out,
            GError     **error)
{
  *out = json_object_get_member (object, member);
  if (*out == NULL && required)
    return fail_member (ld, error, object, path, member, _("required field is missing"));
  return TRUE;
}

/* A string that is not empty. Leaves *out alone if it is optional and absent. */
static gboolean
get_string (Loader      *ld,
            JsonObject  *object,
            const char  *path,
            const char  *member,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node;

  if (!get_member (ld, object, path, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!jg_json_holds (node, G_TYPE_STRING))
    return fail_member (ld, error, object, path, member, _("expected a string, not %s"), jg_json_describe (node));
  if (jg_str_is_blank (json_node_get_string (node)))
    return fail_member (ld, error, object, path, member, _("must not be empty"));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_text (Loader      *ld,
          JsonObject  *object,
          const char  *path,
          const char  *member,
          char       **out,
          GError     **error)
{
  const char *text = NULL;

  if (!get_string (ld, object, path, member, TRUE, &text, error))
    return FALSE;
  *out = g_strdup (jg_i18n_translate (text));
  return TRUE;
}

/* One of @names, or @fallback if optional and absent. */
static gboolean
get_name (Loader             *ld,
          JsonObject         *object,
          const char         *path,
          const char         *member,
          const char * const *names,
          const char         *fallback,
          char              **out,
          GError            **error)
{
  const char *name = fallback;

  if (!get_string (ld, object, path, member, fallback == NULL, &name, error))
    return FALSE;
  if (jg_strv_find (names, name) == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      return fail_member (ld, error, object, path, member, _("“%s” is not one of: %s"), name, list);
    }
  *out = g_strdup (name);
  return TRUE;
}

static gboolean
get_bool (Loader      *ld,
          JsonObject  *object,
          const char  *path,
          const char  *member,
          gboolean     required,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node;

  if (!get_member (ld, object, path, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!jg_json_holds (node, G_TYPE_BOOLEAN))
    return fail_member (ld, error, object, path, member, _("expected true or false, not %s"), jg_json_describe (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_uint (Loader      *ld,
          JsonObject  *object,
          const char  *path,
          const char  *member,
          gboolean     required,
          guint        min,
          guint        max,
          guint       *out,
          GError     **error)
{
  JsonNode *node;
  gint64 value;

  if (!get_member (ld, object, path, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (jg_json_holds (node, G_TYPE_DOUBLE) && !jg_json_holds (node, G_TYPE_INT64))
    return fail_member (ld, error, object, path, member, _("expected a whole number, not %g"),
                        json_node_get_double (node));
  if (!jg_json_holds (node, G_TYPE_INT64))
    return fail_member (ld, error, object, path, member, _("expected a whole number, not %s"), jg_json_describe (node));
  value = json_node_get_int (node);
  if (value < (gint64) min || value > (gint64) max)
    return fail_member (ld, error, object, path, member, _("%" PRId64 " is out of range (%u to %u)"),
                        value, min, max);
  *out = (guint) value;
  return TRUE;
}

static gboolean
get_ms (Loader      *ld,
        JsonObject  *object,
        const char  *path,
        const char  *member,
        double      *out,
        GError     **error)
{
  JsonNode *node;
  double value;

  if (!get_member (ld, object, path, member, TRUE, &node, error))
    return FALSE;
  if (!jg_json_holds (node, G_TYPE_DOUBLE))
    return fail_member (ld, error, object, path, member, _("expected a number of milliseconds, not %s"),
                        jg_json_describe (node));
  value = json_node_get_double (node);
  if (!(value >= 0 && value <= MAX_STEP_MS))
    return fail_member (ld, error, object, path, member, _("must be from 0 to %g ms"), MAX_STEP_MS);
  *out = value;
  return TRUE;
}

static gboolean
get_array (Loader      *ld,
           JsonObject  *object,
           const char  *path,
           const char  *member,
           guint        min_length,
           guint        max_length,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node;
  guint length;

  if (!get_member (ld, object, path, member, TRUE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail_member (ld, error, object, path, member, _("expected an array, not %s"), jg_json_describe (node));
  *out = json_node_get_array (node);
  length = json_array_get_length (*out);
  if (length < min_length)
    return fail_member (ld, error, object, path, member, _("has %u entries; at least %u are needed"),
                        length, min_length);
  if (length > max_length)
    return fail_member (ld, error, object, path, member, _("has %u entries; at most %u are allowed"),
                        length, max_length);
  return TRUE;
}

static gboolean
get_object (Loader      *ld,
            JsonObject  *object,
            const char  *path,
            const char  *member,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node;

  if (!get_member (ld, object, path, member, TRUE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail_member (ld, error, object, path, member, _("expected an object, not %s"), jg_json_describe (node));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_element_object (Loader      *ld,
                    JsonArray   *array,
                    const char  *path,
                    guint        index,
                    JsonObject **out,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail_element (ld, error, array, path, index, _("expected an object, not %s"), jg_json_describe (node));
  *out = json_node_get_object (node);
  return TRUE;
}

/* A NULL-terminated vector of translated texts. */
static gboolean
get_texts (Loader      *ld,
           JsonObject  *object,
           const char  *path,
           const char  *member,
           char      ***out,
           GError     **error)
{
  g_autofree char *array_path = jg_json_path_member (path, member);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (!get_array (ld, object, path, member, 1, MAX_TEXTS, &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *text = NULL;

      if (!jg_json_holds (node, G_TYPE_STRING))
        return fail_element (ld, error, array, array_path, i, _("expected a string, not %s"), jg_json_describe (node));
      if (jg_str_is_blank (json_node_get_string (node)))
        return fail_element (ld, error, array, array_path, i, _("must not be empty"));
      text = g_strdup (jg_i18n_translate (json_node_get_string (node)));
      g_strv_builder_add (builder, text);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* Node ids: lower-case words joined by dashes, as in the file's "next" fields. */
static gboolean
get_id (Loader      *ld,
        JgAdvisor   *self,
        JsonObject  *object,
        const char  *path,
        char       **out,
        GError     **error)
{
  const char *id = NULL;

  if (!get_string (ld, object, path, "id", TRUE, &id, error))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || (*p == '-' && p != id)))
      return fail_member (ld, error, object, path, "id",
                          _("“%s”: use lower-case letters, digits and dashes"), id);
  if (g_hash_table_contains (self->question_ids, id)
      || g_hash_table_contains (self->recommendation_ids, id))
    return fail_member (ld, error, object, path, "id", _("“%s” is used twice"), id);
  *out = g_strdup (id);
  return TRUE;
}

/* Questions */

static gboolean
load_option (Loader          *ld,
             JsonObject      *object,
             const char      *path,
             JgAdvisorFact    fact,
             JgAdvisorOption *option,
             GError         **error)
{
  static const char * const value_fields[] = { "value", "label", "next", NULL };
  static const char * const tasks_fields[] = { "min", "max", "typical", "label", "next", NULL };
  const char *next = NULL;

  if (!check_members (ld, object, path, fact == JG_ADVISOR_FACT_TASKS ? tasks_fields : value_fields, error)
      || !get_text (ld, object, path, "label", &option->label, error)
      || !get_string (ld, object, path, "next", TRUE, &next, error))
    return FALSE;
  option->next = g_strdup (next);

  if (fact == JG_ADVISOR_FACT_TASKS)
    {
      option->max_tasks = G_MAXUINT;
      if (!get_uint (ld, object, path, "min", TRUE, 1, MAX_TASKS, &option->min_tasks, error)
          || !get_uint (ld, object, path, "max", FALSE, option->min_tasks, MAX_TASKS,
                        &option->max_tasks, error)
          || !get_uint (ld, object, path, "typical", TRUE, option->min_tasks,
                        MIN (option->max_tasks, MAX_TASKS), &option->typical_tasks, error))
        return FALSE;
      if (option->max_tasks == G_MAXUINT)
        option->value = g_strdup_printf ("%u+", option->min_tasks);
      else
        option->value = g_strdup_printf ("%u-%u", option->min_tasks, option->max_tasks);
      return TRUE;
    }

  if (fact == JG_ADVISOR_FACT_WORKLOAD)
    {
      const char *name = NULL;
      int index;

      if (!get_string (ld, object, path, "value", TRUE, &name, error))
        return FALSE;
      index = index_in (workload_names, name);
      if (index < 0)
        return fail_member (ld, error, object, path, "value", _("“%s” is not one of: io, cpu, mixed"), name);
      option->workload = (JgWorkload) index;
      option->value = g_strdup (name);
      return TRUE;
    }

  if (!get_bool (ld, object, path, "value", TRUE, &option->yes, error))
    return FALSE;
  option->value = g_strdup (option->yes ? "yes" : "no");
  return TRUE;
}

/* Every possible fact must have exactly one option: each workload once, yes
 * and no once each, task ranges from 1 up without gaps or overlaps. */
static gboolean
check_coverage (Loader            *ld,
                JsonObject        *object,
                const char        *path,
                JsonArray         *array,
                JgAdvisorQuestion *question,
                GError           **error)
{
  g_autofree char *options_path = jg_json_path_member (path, "options");

  if (question->fact == JG_ADVISOR_FACT_TASKS)
    {
      for (guint i = 0; i < question->n_options; i++)
        {
          const JgAdvisorOption *option = &question->options[i];
          guint expected = i == 0 ? 1 : question->options[i - 1].max_tasks + 1;

          if (option->min_tasks != expected)
            return fail_element (ld, error, array, options_path, i,
                                 _("starts at %u tasks; the ranges must run on from 1 without gaps or "
                                   "overlaps, so this one should start at %u"), option->min_tasks, expected);
          if (i + 1 < question->n_options && option->max_tasks == G_MAXUINT)
            return fail_element (ld, error, array, options_path, i,
                                 _("has no \"max\", but only the last range may be open-ended"));
          if (i + 1 == question->n_options && option->max_tasks != G_MAXUINT)
            return fail_element (ld, error, array, options_path, i,
                                 _("the last range must be open-ended (no \"max\") so any number of tasks "
                                   "has an answer"));
        }
      return TRUE;
    }

  for (guint i = 0; i < question->n_options; i++)
    for (guint j = 0; j < i; j++)
      if (g_str_equal (question->options[i].value, question->options[j].value))
        return fail_element (ld, error, array, options_path, i, _("answers “%s” like options[%u]"),
                             question->options[i].value, j);

  if (question->fact == JG_ADVISOR_FACT_WORKLOAD)
    {
      for (guint w = 0; w < JG_N_WORKLOADS; w++)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < question->n_options; i++)
            found |= question->options[i].workload == w;
          if (!found)
            return fail_member (ld, error, object, path, "options", _("no option answers “%s”"),
                                workload_names[w]);
        }
    }
  else if (question->n_options != 2)
    {
      return fail_member (ld, error, object, path, "options",
                          _("a yes/no question needs exactly two options, true and false"));
    }
  return TRUE;
}

static gboolean
load_question (Loader      *ld,
               JgAdvisor   *self,
               JsonObject  *object,
               const char  *path,
               GError     **error)
{
  static const char * const fields[] = { "id", "fact", "text", "help", "options", NULL };
  JgAdvisorQuestion *question = g_new0 (JgAdvisorQuestion, 1);
  g_autofree char *options_path = jg_json_path_member (path, "options");
  g_autofree char *fact = NULL;
  JsonArray *array;

  /* Owned by the advisor from here on, so every failure below frees it. */
  g_ptr_array_add (self->questions, question);

  if (!check_members (ld, object, path, fields, error)
      || !get_id (ld, self, object, path, &question->id, error)
      || !get_name (ld, object, path, "fact", fact_names, NULL, &fact, error)
      || !get_text (ld, object, path, "text", &question->text, error)
      || !get_text (ld, object, path, "help", &question->help, error)
      || !get_array (ld, object, path, "options", 2, MAX_OPTIONS, &array, error))
    return FALSE;
  g_hash_table_insert (self->question_ids, question->id, question);
  question->fact = (JgAdvisorFact) index_in (fact_names, fact);

  question->n_options = json_array_get_length (array);
  question->options = g_new0 (JgAdvisorOption, question->n_options);
  for (guint i = 0; i < question->n_options; i++)
    {
      g_autofree char *option_path = jg_json_path_element (options_path, i);
      JsonObject *option;

      if (!get_element_object (ld, array, options_path, i, &option, error)
          || !load_option (ld, option, option_path, question->fact, &question->options[i], error))
        return FALSE;
    }
  return check_coverage (ld, object, path, array, question, error);
}

/* Recommendations */

static gboolean
load_run_spec (Loader           *ld,
               JsonObject       *object,
               const char       *path,
               gboolean          with_workers,
               JgAdvisorRunSpec *spec,
               GError          **error)
{
  if (!get_name (ld, object, path, "model", known_models, NULL, &spec->model, error)
      || !get_name (ld, object, path, "interpreter", known_interpreters, "gil", &spec->interpreter, error))
    return FALSE;
  if (g_str_equal (spec->model, "hybrid"))
    {
      if (!get_name (ld, object, path, "executor", known_executors, NULL, &spec->executor, error))
        return FALSE;
    }
  else if (json_object_has_member (object, "executor"))
    {
      return fail_member (ld, error, object, path, "executor", _("only a \"hybrid\" model has an executor"));
    }
  if (with_workers && !get_uint (ld, object, path, "workers", FALSE, 0, MAX_WORKERS, &spec->workers, error))
    return FALSE;
  return TRUE;
}

static gboolean
same_run (const JgAdvisorRunSpec *a,
          const JgAdvisorRunSpec *b)
{
  return g_str_equal (a->model, b->model)
      && g_str_equal (a->interpreter, b->interpreter)
      && g_strcmp0 (a->executor, b->executor) == 0;
}

static gboolean
load_show_me (Loader                  *ld,
              JsonObject              *object,
              const char              *path,
              JgAdvisorRecommendation *rec,
              GError                 **error)
{
  static const char * const fields[] = {
    "tasks", "max_tasks", "io_ms", "io_kind", "cpu_ms", "releases_gil", "shared_state", "compare", NULL
  };
  static const char * const compare_fields[] = { "model", "interpreter", "executor", "workers", NULL };
  JgAdvisorShowMe *show_me = &rec->show_me;
  g_autofree char *compare_path = jg_json_path_member (path, "compare");
  g_autofree char *io_kind = NULL;
  JsonArray *array;

  if (!check_members (ld, object, path, fields, error)
      || !get_uint (ld, object, path, "tasks", TRUE, 1, MAX_SHOW_TASKS, &show_me->tasks, error)
      || !get_uint (ld, object, path, "max_tasks", TRUE, show_me->tasks, MAX_SHOW_TASKS,
                    &show_me->max_tasks, error)
      || !get_ms (ld, object, path, "io_ms", &show_me->io_ms, error)
      || !get_name (ld, object, path, "io_kind", show_me_io_kinds, "socket", &io_kind, error)
      || !get_ms (ld, object, path, "cpu_ms", &show_me->cpu_ms, error)
      || !get_bool (ld, object, path, "releases_gil", FALSE, &show_me->releases_gil, error)
      || !get_bool (ld, object, path, "shared_state", FALSE, &show_me->shared_state, error)
      || !get_array (ld, object, path, "compare", 2, 8, &array, error))
    return FALSE;
  for (JgIoKind k = 0; k < JG_IO_N_KINDS; k++)
    if (g_str_equal (jg_io_kind_name (k), io_kind))
      show_me->io_kind = k;
  if (show_me->io_ms + show_me->cpu_ms <= 0)
    return fail_member (ld, error, object, path, "cpu_ms", _("a task must wait or compute for some time"));

  show_me->n_compare = json_array_get_length (array);
  show_me->compare = g_new0 (JgAdvisorRunSpec, show_me->n_compare);
  for (guint i = 0; i < show_me->n_compare; i++)
    {
      g_autofree char *entry_path = jg_json_path_element (compare_path, i);
      JsonObject *entry;

      if (!get_element_object (ld, array, compare_path, i, &entry, error)
          || !check_members (ld, entry, entry_path, compare_fields, error)
          || !load_run_spec (ld, entry, entry_path, TRUE, &show_me->compare[i], error))
        return FALSE;
    }
  /* The side-by-side view puts the recommended model first. */
  if (!same_run (&show_me->compare[0], &rec->run))
    return fail_element (ld, error, array, compare_path, 0,
                         _("the first model compared must be the recommended one (%s%s%s)"),
                         rec->run.model, rec->run.executor != NULL ? " with " : "",
                         rec->run.executor != NULL ? rec->run.executor : "");
  return TRUE;
}

static gboolean
load_recommendation (Loader      *ld,
                     JgAdvisor   *self,
                     JsonObject  *object,
                     const char  *path,
                     GError     **error)
{
  static const char * const fields[] = {
    "id", "model", "interpreter", "executor", "title", "api", "why", "watch_out", "runner_up", "show_me", NULL
  };
  static const char * const runner_up_fields[] = {
    "model", "interpreter", "executor", "title", "pitfalls", NULL
  };
  JgAdvisorRecommendation *rec = g_new0 (JgAdvisorRecommendation, 1);
  g_autofree char *runner_up_path = jg_json_path_member (path, "runner_up");
  g_autofree char *show_me_path = jg_json_path_member (path, "show_me");
  const char *api = NULL;
  JsonObject *runner_up, *show_me;

  g_ptr_array_add (self->recommendations, rec);

  if (!check_members (ld, object, path, fields, error)
      || !get_id (ld, self, object, path, &rec->id, error))
    return FALSE;
  g_hash_table_insert (self->recommendation_ids, rec->id, rec);
  if (!load_run_spec (ld, object, path, FALSE, &rec->run, error)
      || !get_text (ld, object, path, "title", &rec->title, error)
      || !get_string (ld, object, path, "api", TRUE, &api, error)
      || !get_text (ld, object, path, "why", &rec->why, error)
      || !get_texts (ld, object, path, "watch_out", &rec->watch_out, error)
      || !get_object (ld, object, path, "runner_up", &runner_up, error)
      || !check_members (ld, runner_up, runner_up_path, runner_up_fields, error)
      || !load_run_spec (ld, runner_up, runner_up_path, FALSE, &rec->runner_up, error)
      || !get_text (ld, runner_up, runner_up_path, "title", &rec->runner_up_title, error)
      || !get_texts (ld, runner_up, runner_up_path, "pitfalls", &rec->pitfalls, error)
      || !get_object (ld, object, path, "show_me", &show_me, error)
      || !load_show_me (ld, show_me, show_me_path, rec, error))
    return FALSE;
  rec->api = g_strdup (api);
  return TRUE;
}

/* The graph */

typedef enum
{
  WHITE = 0, /* not visited */
  GRAY,      /* on the current path */
  BLACK,     /* done: every path below it ends at a recommendation */
} Colour;

typedef struct
{
  Loader     *ld;
  JgAdvisor  *self;
  JsonArray  *questions;  /* the file's array, for error lines */
  GHashTable *colours;    /* id -> Colour */
  GPtrArray  *path;       /* ids from the start of the search */
} Search;

static JsonObject *
option_object (Search *s,
               guint   question,
               guint   option,
               char  **path)
{
  JsonObject *object = json_array_get_object_element (s->questions, question);
  JsonArray *options = json_object_get_array_member (object, "options");

  *path = g_strdup_printf ("questions[%u].options[%u]", question, option);
  return json_array_get_object_element (options, option);
}

/* Depth-first from question @index: an edge back to a question still on the
 * path closes a cycle, and a walk would never end. */
static gboolean
search (Search  *s,
        guint    index,
        GError **error)
{
  JgAdvisorQuestion *question = g_ptr_array_index (s->self->questions, index);

  g_hash_table_insert (s->colours, question->id, GINT_TO_POINTER (GRAY));
  g_ptr_array_add (s->path, question->id);
  for (guint i = 0; i < question->n_options; i++)
    {
      const char *next = question->options[i].next;
      JgAdvisorQuestion *target = g_hash_table_lookup (s->self->question_ids, next);
      Colour colour = GPOINTER_TO_INT (g_hash_table_lookup (s->colours, next));

      if (target == NULL)
        {
          g_hash_table_insert (s->colours, (char *) next, GINT_TO_POINTER (BLACK));
          continue;
        }
      if (colour == GRAY)
        {
          g_autoptr (GString) cycle = g_string_new (NULL);
          g_autofree char *path = NULL;
          JsonObject *object = option_object (s, index, i, &path);
          gboolean on = FALSE;

          for (guint p = 0; p < s->path->len; p++)
            {
              const char *id = g_ptr_array_index (s->path, p);

              on |= g_str_equal (id, next);
              if (on)
                g_string_append_printf (cycle, "%s → ", id);
            }
          g_string_append (cycle, next);
          return fail_member (s->ld, error, object, path, "next", _("leads back to “%s”: a cycle (%s)"),
                              next, cycle->str);
        }
      if (colour == WHITE)
        {
          guint target_index = 0;

          g_ptr_array_find (s->self->questions, target, &target_index);
          if (!search (s, target_index, error))
            return FALSE;
        }
    }
  g_ptr_array_set_size (s->path, s->path->len - 1);
  g_hash_table_insert (s->colours, question->id, GINT_TO_POINTER (BLACK));
  return TRUE;
}

static gboolean
check_graph (Loader      *ld,
             JgAdvisor   *self,
             JsonObject  *root,
             GError     **error)
{
  g_autoptr (GHashTable) colours = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) path = g_ptr_array_new ();
  JsonArray *questions = json_object_get_array_member (root, "questions");
  JsonArray *recommendations = json_object_get_array_member (root, "recommendations");
  Search s = { ld, self, questions, colours, path };
  guint root_index = 0;

  if (g_hash_table_contains (self->recommendation_ids, self->root))
    return fail_member (ld, error, root, "", "root",
                        _("“%s” is a recommendation; the tree must start with a question"), self->root);
  if (!g_hash_table_contains (self->question_ids, self->root))
    return fail_member (ld, error, root, "", "root", _("no question is called “%s”"), self->root);

  /* Every edge leads somewhere. */
  for (guint q = 0; q < self->questions->len; q++)
    {
      JgAdvisorQuestion *question = g_ptr_array_index (self->questions, q);

      for (guint i = 0; i < question->n_options; i++)
        {
          const char *next = question->options[i].next;

          if (!g_hash_table_contains (self->question_ids, next)
              && !g_hash_table_contains (self->recommendation_ids, next))
            {
              g_autofree char *option_path = NULL;
              JsonObject *object = option_object (&s, q, i, &option_path);

              return fail_member (ld, error, object, option_path, "next",
                                  _("no question or recommendation is called “%s”"), next);
            }
        }
    }

  /* From the root first, so what it reaches is told apart from the rest. */
  g_ptr_array_find (self->questions, g_hash_table_lookup (self->question_ids, self->root), &root_index);
  if (!search (&s, root_index, error))
    return FALSE;
  for (guint q = 0; q < self->questions->len; q++)
    {
      JgAdvisorQuestion *question = g_ptr_array_index (self->questions, q);

      if (!g_hash_table_contains (colours, question->id))
        {
          g_autofree char *question_path = g_strdup_printf ("questions[%u]", q);
          g_autoptr (GError) cycle_error = NULL;

          /* A cycle among unreachable questions is the clearer message. */
          if (!search (&s, q, &cycle_error))
            {
              g_propagate_error (error, g_steal_pointer (&cycle_error));
              return FALSE;
            }
          return fail_member (ld, error, json_array_get_object_element (questions, q), question_path, "id",
                              _("“%s” cannot be reached: no answer from the root “%s” leads to it"),
                              question->id, self->root);
        }
    }
  for (guint r = 0; r < self->recommendations->len; r++)
    {
      JgAdvisorRecommendation *rec = g_ptr_array_index (self->recommendations, r);

      if (!g_hash_table_contains (colours, rec->id))
        {
          g_autofree char *rec_path = g_strdup_printf ("recommendations[%u]", r);

          return fail_member (ld, error, json_array_get_object_element (recommendations, r), rec_path, "id",
                              _("“%s” cannot be reached: no answer from the root “%s” leads to it"),
                              rec->id, self->root);
        }
    }
  return TRUE;
}

static gboolean
load_root (Loader      *ld,
           JgAdvisor   *self,
           JsonObject  *root,
           GError     **error)
{
  static const char * const fields[] = { "version", "root", "questions", "recommendations", NULL };
  const char *root_id = NULL;
  guint version = 0;
  JsonArray *questions, *recommendations;

  if (!check_members (ld, root, "", fields, error)
      || !get_uint (ld, root, "", "version", TRUE, 0, G_MAXINT, &version, error))
    return FALSE;
  if (version != 1)
    return fail_member (ld, error, root, "", "version",
                        _("version %u is not known (this Juggler reads version 1)"), version);
  if (!get_string (ld, root, "", "root", TRUE, &root_id, error)
      || !get_array (ld, root, "", "questions", 1, MAX_NODES, &questions, error)
      || !get_array (ld, root, "", "recommendations", 1, MAX_NODES, &recommendations, error))
    return FALSE;
  self->root = g_strdup (root_id);

  for (guint i = 0; i < json_array_get_length (questions); i++)
    {
      g_autofree char *path = jg_json_path_element ("questions", i);
      JsonObject *object;

      if (!get_element_object (ld, questions, "questions", i, &object, error)
          || !load_question (ld, self, object, path, error))
        return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (recommendations); i++)
    {
      g_autofree char *path = jg_json_path_element ("recommendations", i);
      JsonObject *object;

      if (!get_element_object (ld, recommendations, "recommendations", i, &object, error)
          || !load_recommendation (ld, self, object, path, error))
        return FALSE;
    }
  return check_graph (ld, self, root, error);
}

/* Loading */

JgAdvisor *
jg_advisor_load_data (const char  *data,
                      gssize       length,
                      const char  *where,
                      GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GArray) opened = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JgAdvisor) self = NULL;
  Loader ld;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (where == NULL)
    where = "<data>";
  if (length < 0)
    length = (gssize) strlen (data);
  if (length > MAX_FILE_BYTES)
    {
      g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID,
                   _("%s: too large for a decision tree (%" PRId64 " bytes; the limit is 1 MiB)"),
                   where, (gint64) length);
      return NULL;
    }

  ld.where = where;
  ld.lines = lines;
  ld.opened = opened;
  g_signal_connect (parser, "object-start", G_CALLBACK (on_open), &ld);
  g_signal_connect (parser, "array-start", G_CALLBACK (on_open), &ld);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &ld);
  g_signal_connect (parser, "array-end", G_CALLBACK (on_array_end), &ld);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &ld);
  g_signal_connect (parser, "array-element", G_CALLBACK (on_array_element), &ld);

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &local_error))
    {
      /* json-glib says "<data>:LINE:COL: Parse error: …"; name the file instead. */
      if (g_str_has_prefix (local_error->message, "<data>:"))
        g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_PARSE, "%s:%s", where,
                     local_error->message + strlen ("<data>:"));
      else
        g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_PARSE, "%s: %s", where, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID,
                   _("%s:1: a decision tree is one JSON object { … }, not %s"),
                   where, root == NULL ? "an empty file" : jg_json_describe (root));
      return NULL;
    }

  self = advisor_new (where);
  if (!load_root (&ld, self, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&self);
}

JgAdvisor *
jg_advisor_load (GFile   *file,
                 GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *where = NULL;
  g_autoptr (GFileInfo) info = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  where = g_file_get_parse_name (file);
  /* Refuse a huge file before reading it into memory. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_BYTES)
    {
      g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_INVALID,
                   _("%s: too large for a decision tree (%" PRId64 " bytes; the limit is 1 MiB)"),
                   where, (gint64) g_file_info_get_size (info));
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  return jg_advisor_load_data (contents, (gssize) length, where, error);
}

JgAdvisor *
jg_advisor_load_default (GError **error)
{
  const char *dir = g_getenv ("JUGGLER_ADVISOR_DIR");
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  JgAdvisor *advisor;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dir == NULL || *dir == '\0')
    dir = PKGDATADIR "/advisor";
  path = g_build_filename (dir, "decision-tree.json", NULL);
  file = g_file_new_for_path (path);
  advisor = jg_advisor_load (file, error);
  if (advisor == NULL && error != NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_prefix_error (error, _("The advisor's decision tree is missing: "));
  return advisor;
}

/* Getters */

const JgAdvisorQuestion *
jg_advisor_get_root_question (JgAdvisor *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->question_ids, self->root);
}

guint
jg_advisor_get_n_questions (JgAdvisor *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->questions->len;
}

const JgAdvisorQuestion *
jg_advisor_get_question (JgAdvisor *self,
                         guint      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->questions->len, NULL);
  return g_ptr_array_index (self->questions, index);
}

guint
jg_advisor_get_n_recommendations (JgAdvisor *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->recommendations->len;
}

const JgAdvisorRecommendation *
jg_advisor_get_recommendation (JgAdvisor *self,
                               guint      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->recommendations->len, NULL);
  return g_ptr_array_index (self->recommendations, index);
}

const JgAdvisorQuestion *
jg_advisor_find_question (JgAdvisor  *self,
                          const char *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->question_ids, id);
}

const JgAdvisorRecommendation *
jg_advisor_find_recommendation (JgAdvisor  *self,
                                const char *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->recommendation_ids, id);
}

/* Answering from facts */

static gboolean
fact_flag (const JgAdvisorFacts *facts,
           JgAdvisorFact         fact)
{
  switch (fact)
    {
    case JG_ADVISOR_FACT_RELEASES_GIL:
      return facts->releases_gil;
    case JG_ADVISOR_FACT_SHARED_STATE:
      return facts->shared_state;
    case JG_ADVISOR_FACT_ALL_ASYNC:
      return facts->all_async;
    case JG_ADVISOR_FACT_BACKGROUND:
      return facts->background;
    case JG_ADVISOR_FACT_BATCH:
      return facts->batch;
    case JG_ADVISOR_FACT_WORKLOAD:
    case JG_ADVISOR_FACT_TASKS:
    case JG_ADVISOR_N_FACTS:
    default:
      break;
    }
  g_assert_not_reached ();
  return FALSE;
}

int
jg_advisor_question_pick (const JgAdvisorQuestion *question,
                          const JgAdvisorFacts    *facts,
                          GError                 **error)
{
  g_return_val_if_fail (question != NULL, -1);
  g_return_val_if_fail (facts != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  for (guint i = 0; i < question->n_options; i++)
    {
      const JgAdvisorOption *option = &question->options[i];

      switch (question->fact)
        {
        case JG_ADVISOR_FACT_WORKLOAD:
          if (option->workload == facts->workload)
            return (int) i;
          break;
        case JG_ADVISOR_FACT_TASKS:
          if (facts->n_tasks >= option->min_tasks && facts->n_tasks <= option->max_tasks)
            return (int) i;
          break;
        case JG_ADVISOR_FACT_RELEASES_GIL:
        case JG_ADVISOR_FACT_SHARED_STATE:
        case JG_ADVISOR_FACT_ALL_ASYNC:
        case JG_ADVISOR_FACT_BACKGROUND:
        case JG_ADVISOR_FACT_BATCH:
          if (option->yes == !!fact_flag (facts, question->fact))
            return (int) i;
          break;
        case JG_ADVISOR_N_FACTS:
        default:
          g_assert_not_reached ();
        }
    }

  if (question->fact == JG_ADVISOR_FACT_TASKS)
    g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_FACTS,
                 g_dngettext (GETTEXT_PACKAGE,
                              "“%s” has no answer for %u task (there must be at least one)",
                              "“%s” has no answer for %u tasks (there must be at least one)",
                              facts->n_tasks),
                 question->id, facts->n_tasks);
  else
    g_set_error (error, JG_ADVISOR_ERROR, JG_ADVISOR_ERROR_FACTS,
                 /* TRANSLATORS: "“workload” has no answer for the releases_gil given": the
                  * question's id and the fact's name, as the decision tree writes them */
                 _("“%s” has no answer for the %s given"), question->id, fact_names[question->fact]);
  return -1;
}

const JgAdvisorRecommendation *
jg_advisor_recommend (JgAdvisor            *self,
                      const JgAdvisorFacts *facts,
                      GError              **error)
{
  g_autoptr (JgAdvisorWalk) walk = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  walk = jg_advisor_walk_facts (self, facts, error);
  if (walk == NULL)
    return NULL;
  return walk->recommendation;
}

/* Walks */

JgAdvisorWalk *
jg_advisor_walk_new (JgAdvisor *advisor)
{
  JgAdvisorWalk *self;

  g_return_val_if_fail (advisor != NULL, NULL);

  self = g_new0 (JgAdvisorWalk, 1);
  self->advisor = jg_advisor_ref (advisor);
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  self->question = jg_advisor_get_root_question (advisor);
  return self;
}

JgAdvisorWalk *
jg_advisor_walk_facts (JgAdvisor            *advisor,
                       const JgAdvisorFacts *facts,
                       GError              **error)
{
  g_autoptr (JgAdvisorWalk) self = NULL;

  g_return_val_if_fail (advisor != NULL, NULL);
  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = jg_advisor_walk_new (advisor);
  self->n_tasks = facts->n_tasks;
  /* The tree was checked for cycles when it was loaded, so this ends. */
  while (self->question != NULL)
    {
      int option = jg_advisor_question_pick (self->question, facts, error);

      if (option < 0)
        return NULL;
      jg_advisor_walk_answer (self, (guint) option);
    }
  return g_steal_pointer (&self);
}

void
jg_advisor_walk_free (JgAdvisorWalk *self)
{
  g_return_if_fail (self != NULL);

  g_array_unref (self->steps);
  jg_advisor_unref (self->advisor);
  g_free (self);
}

JgAdvisor *
jg_advisor_walk_get_advisor (JgAdvisorWalk *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->advisor;
}

const JgAdvisorQuestion *
jg_advisor_walk_get_question (JgAdvisorWalk *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->question;
}

const JgAdvisorRecommendation *
jg_advisor_walk_get_recommendation (JgAdvisorWalk *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->recommendation;
}

gboolean
jg_advisor_walk_answer (JgAdvisorWalk *self,
                        guint          option)
{
  const char *next;
  Step step;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->question == NULL || option >= self->question->n_options)
    return FALSE;

  step.question = self->question;
  step.option = option;
  g_array_append_val (self->steps, step);
  next = self->question->options[option].next;
  self->question = g_hash_table_lookup (self->advisor->question_ids, next);
  if (self->question == NULL)
    self->recommendation = g_hash_table_lookup (self->advisor->recommendation_ids, next);
  g_assert (self->question != NULL || self->recommendation != NULL);
  return TRUE;
}

gboolean
jg_advisor_walk_back (JgAdvisorWalk *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->steps->len == 0)
    return FALSE;
  self->question = g_array_index (self->steps, Step, self->steps->len - 1).question;
  self->recommendation = NULL;
  g_array_set_size (self->steps, self->steps->len - 1);
  return TRUE;
}

guint
jg_advisor_walk_get_n_steps (JgAdvisorWalk *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->steps->len;
}

const JgAdvisorQuestion *
jg_advisor_walk_get_step (JgAdvisorWalk *self,
                          guint          index,
                          guint         *option)
{
  const Step *step;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);

  step = &g_array_index (self->steps, Step, index);
  if (option != NULL)
    *option = step->option;
  return step->question;
}

guint
jg_advisor_walk_get_show_me_tasks (JgAdvisorWalk *self)
{
  const JgAdvisorShowMe *show_me;
  guint n_tasks;

  g_return_val_if_fail (self != NULL, 0);

  if (self->recommendation == NULL)
    return 0;
  show_me = &self->recommendation->show_me;
  n_tasks = self->n_tasks;
  for (guint i = self->steps->len; n_tasks == 0 && i > 0; i--)
    {
      const Step *step = &g_array_index (self->steps, Step, i - 1);

      if (step->question->fact == JG_ADVISOR_FACT_TASKS)
        n_tasks = step->question->options[step->option].typical_tasks;
    }
  if (n_tasks == 0)
    n_tasks = show_me->tasks;
  return CLAMP (n_tasks, 1, show_me->max_tasks);
}
