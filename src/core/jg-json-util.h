/* jg-json-util.h: small pieces every JSON loader of Juggler's uses (scenarios,
 * the advisor's tree, lessons): JSON paths for error messages, and type tests. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "tasks[0]" + "steps" → "tasks[0].steps"; an empty parent gives the member. */
char       *jg_json_path_member  (const char         *parent,
                                  const char         *member);
/* "tasks" + 2 → "tasks[2]". */
char       *jg_json_path_element (const char         *parent,
                                  guint               index);
/* What a node holds, for "expected a string, got an array". */
const char *jg_json_describe     (JsonNode           *node);
/* Whether @node is a value of @type; G_TYPE_DOUBLE accepts integers too. */
gboolean    jg_json_holds        (JsonNode           *node,
                                  GType               type);
/* The entry of NULL-terminated @names equal to @name, or NULL. */
const char *jg_strv_find         (const char * const *names,
                                  const char         *name);
/* The first member of @object not in NULL-terminated @allowed (members
 * starting with "_" are comments), or NULL if there is none. */
char       *jg_json_unknown_member (JsonObject         *object,
                                    const char * const *allowed);
/* Whether @text is empty or white space only. */
gboolean    jg_str_is_blank      (const char         *text);
/* The paths of the .json files in the folder named by the environment
 * variable @env_var, or else in @installed_dir, sorted by name. @missing
 * starts the error when the folder is missing, a whole translated phrase
 * ("The built-in scenarios are missing: "). */
GPtrArray  *jg_json_list_builtins (const char        *env_var,
                                   const char        *installed_dir,
                                   const char        *missing,
                                   GError           **error);

G_END_DECLS
