/* jg-json-util.c: helpers shared by the JSON loaders. */
#define G_LOG_DOMAIN "jg-json-util"

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
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? "true" : "false";
    default:
      return "a number";
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

gboolean
jg_str_is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}
