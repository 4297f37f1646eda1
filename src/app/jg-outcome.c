/* jg-outcome.c: turns a trace's results object (jg-run.c's build_results) into
 * sentences. Shared variables with an expected value become "x of y"; a
 * deadlock mark becomes the circle of waits; anything else is listed as it is,
 * so results of models added later still show. */
#define G_LOG_DOMAIN "jg-outcome"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-outcome.h"

/* A count with the locale's digit grouping: "10,000" in English. */
static char *
format_count (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

static gboolean
member_is_int (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* The names of the scenario's variables that state an expected value. */
static GPtrArray *
expected_variables (JgTrace    *trace,
                    JsonObject *results)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  JsonNode *definition = jg_trace_get_scenario (trace);
  JsonObject *scenario = definition != NULL && JSON_NODE_HOLDS_OBJECT (definition)
                         ? json_node_get_object (definition) : NULL;
  JsonArray *variables = scenario != NULL && json_object_has_member (scenario, "variables")
                         && JSON_NODE_HOLDS_ARRAY (json_object_get_member (scenario, "variables"))
                         ? json_object_get_array_member (scenario, "variables") : NULL;

  for (guint i = 0; variables != NULL && i < json_array_get_length (variables); i++)
    {
      JsonNode *node = json_array_get_element (variables, i);
      JsonObject *variable = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name;

      if (variable == NULL || !json_object_has_member (variable, "expected"))
        continue;
      name = json_object_get_string_member_with_default (variable, "name", NULL);
      if (name != NULL && member_is_int (results, name))
        g_ptr_array_add (names, g_strdup (name));
    }

  /* A trace without its definition: "x_expected" names its variable. */
  if (variables == NULL)
    {
      g_autoptr(GList) members = json_object_get_members (results);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *member = l->data;
          g_autofree char *variable = NULL;

          if (!g_str_has_suffix (member, "_expected"))
            continue;
          variable = g_strndup (member, strlen (member) - strlen ("_expected"));
          if (member_is_int (results, variable))
            g_ptr_array_add (names, g_steal_pointer (&variable));
        }
    }

  return names;
}

static void
describe_variable (GString    *text,
                   JsonObject *results,
                   const char *name,
                   gint64      expected)
{
  gint64 value = json_object_get_int_member (results, name);
  g_autofree char *value_text = format_count (value);
  g_autofree char *expected_text = format_count (expected);

  /* Translators: a shared variable's final value out of what it should be,
   * e.g. "counter 1,009 of 10,000" */
  g_string_append_printf (text, _("%s %s of %s"), name, value_text, expected_text);
  g_string_append (text, " — ");

  if (value < expected)
    {
      g_autofree char *lost = format_count (expected - value);

      /* Translators: how many increments of a shared counter were lost */
      g_string_append_printf (text, ngettext ("%s update lost", "%s updates lost",
                                              (gulong) MIN (expected - value, G_MAXLONG)), lost);
    }
  else if (value > expected)
    {
      g_autofree char *extra = format_count (value - expected);

      /* Translators: a shared counter ended above what it should be */
      g_string_append_printf (text, _("%s too many"), extra);
    }
  else
    {
      g_string_append (text, _("no update lost"));
    }
}

static const char *
array_string (JsonArray *array,
              guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return "?";
  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "?";
  return json_node_get_string (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
join_names (JsonArray *array)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        /* Translators: between names in a list; the last two are joined by "and" */
        g_string_append (text, i + 1 == n ? _(" and ") : _(", "));
      g_string_append (text, array_string (array, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* tasks[i] waits for locks[i], held by tasks[i + 1]; the last lock is held by
 * the first task (jg_sync_find_deadlock ()). */
static void
describe_deadlock (GString    *text,
                   JsonObject *deadlock)
{
  JsonArray *tasks = member_array (deadlock, "tasks");
  JsonArray *locks = member_array (deadlock, "locks");
  guint n = tasks != NULL ? json_array_get_length (tasks) : 0;
  double after_s = json_object_get_double_member_with_default (deadlock, "detected_after_s", -1);

  if (json_object_get_boolean_member_with_default (deadlock, "cycle", FALSE) && n > 0)
    {
      g_string_append_printf (text, _("Deadlock: %s waits for %s held by %s"),
                              array_string (tasks, 0), array_string (locks, 0),
                              array_string (tasks, 1 % n));
      for (guint i = 1; i < n; i++)
        /* Translators: the next link of a circle of waits */
        g_string_append_printf (text, _(", which waits for %s held by %s"),
                                array_string (locks, i), array_string (tasks, (i + 1) % n));
      g_string_append (text, ".");
    }
  else
    {
      g_autofree char *who = join_names (tasks);
      g_autofree char *what = join_names (locks);

      /* Translators: tasks stuck for ever, and the objects they wait for */
      g_string_append_printf (text, _("Stuck: %s wait for %s, which no one can release any more."),
                              who, what);
    }

  if (after_s >= 0)
    /* Translators: how long after the last wait the deadlock was noticed */
    g_string_append_printf (text, _(" Found %.0f ms after it happened."), after_s * 1e3);
}

/* "lost_updates" reads "lost updates". */
static char *
member_words (const char *name)
{
  char *words = g_strdup (name);

  g_strdelimit (words, "_", ' ');
  return words;
}

static void
separate (GString *text)
{
  if (text->len > 0)
    g_string_append (text, " · ");
}

char *
jg_outcome_describe (JgTrace *trace)
{
  JsonObject *results;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) variables = NULL;
  g_autoptr(GHashTable) told = g_hash_table_new (NULL, NULL); /* nodes already told */
  g_autoptr(GList) members = NULL;
  JsonNode *deadlock;

  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);

  results = jg_trace_get_results (trace);
  if (results == NULL || json_object_get_size (results) == 0)
    return NULL;

  variables = expected_variables (trace, results);
  for (guint i = 0; i < variables->len; i++)
    {
      const char *name = g_ptr_array_index (variables, i);
      g_autofree char *key = g_strdup_printf ("%s_expected", name);
      const char *expected_key = member_is_int (results, key) ? key
                                 : (variables->len == 1 && member_is_int (results, "expected")) ? "expected"
                                 : NULL;

      if (expected_key == NULL)
        continue;
      separate (text);
      describe_variable (text, results, name, json_object_get_int_member (results, expected_key));
      g_hash_table_add (told, (gpointer) json_object_get_member (results, name));
      g_hash_table_add (told, (gpointer) json_object_get_member (results, expected_key));
    }

  /* Already said by "x of y", or internal detail. */
  if (variables->len > 0)
    {
      if (json_object_has_member (results, "lost_updates"))
        g_hash_table_add (told, (gpointer) json_object_get_member (results, "lost_updates"));
    }
  if (json_object_has_member (results, "stale_writes"))
    g_hash_table_add (told, (gpointer) json_object_get_member (results, "stale_writes"));

  deadlock = json_object_get_member (results, "deadlock");
  if (deadlock != NULL && JSON_NODE_HOLDS_OBJECT (deadlock))
    {
      separate (text);
      describe_deadlock (text, json_node_get_object (deadlock));
      g_hash_table_add (told, deadlock);
    }

  members = json_object_get_members (results);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (results, l->data);
      g_autofree char *words = NULL;

      if (g_hash_table_contains (told, node) || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      words = member_words (l->data);
      separate (text);
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          {
            g_autofree char *count = format_count (json_node_get_int (node));

            g_string_append_printf (text, "%s %s", words, count);
          }
          break;
        case G_TYPE_DOUBLE:
          g_string_append_printf (text, "%s %.3g", words, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append_printf (text, "%s %s", words,
                                  json_node_get_boolean (node) ? _("yes") : _("no"));
          break;
        case G_TYPE_STRING:
          g_string_append_printf (text, "%s %s", words, json_node_get_string (node));
          break;
        default:
          break;
        }
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}
