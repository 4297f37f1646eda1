/* jg-json-util.c: helpers shared by the JSON loaders. */
#define G_LOG_DOMAIN "jg-json-util"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "jg-json-util.h"

char *
jg_json_path_member (const char *parent,
                     const char *member)
{
  if (parent == NULL || *parent == '\0')
    return g_strdup (member);
  return g_strconcat (parent, ".", member, NULL);
}

char *
jg_json_path_element (const char *parent,
                      guint       index)
{
  return g_strdup_printf ("%s[%u]", parent, index);
}

const char *
jg_json_describe (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      /* TRANSLATORS: what a JSON file holds where something else belongs:
       * "expected a string, got an object" */
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? "true" : "false";
    default:
      return _("a number");
    }
}

gboolean
jg_json_holds (JsonNode *node,
               GType     type)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) == G_TYPE_DOUBLE
        || json_node_get_value_type (node) == G_TYPE_INT64;
  return json_node_get_value_type (node) == type;
}

const char *
jg_strv_find (const char * const *names,
              const char         *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return names[i];
  return NULL;
}

char *
jg_json_unknown_member (JsonObject         *object,
                        const char * const *allowed)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (name[0] != '_' && jg_strv_find (allowed, name) == NULL)
        return g_strdup (name);
    }
  return NULL;
}

gboolean
jg_str_is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
jg_json_list_builtins (const char  *env_var,
                       const char  *installed_dir,
                       const char  *missing,
                       GError     **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = NULL;
  const char *dir_path = g_getenv (env_var);
  const char *name;

  if (dir_path == NULL || *dir_path == '\0')
    dir_path = installed_dir;
  dir = g_dir_open (dir_path, 0, error);
  if (dir == NULL)
    {
      g_prefix_error (error, "%s", missing);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (paths, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (paths, compare_strings);
  return g_steal_pointer (&paths);
}
