/* jg-string-table.h: interned strings of a trace (lock names, marks, lane names).
 * Ids are dense from 0; id 0 is always the empty string. Thread-safe; strings
 * stay valid as long as the table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JgStringTable JgStringTable;

JgStringTable *jg_string_table_new    (void);
void           jg_string_table_free   (JgStringTable *self);
guint32        jg_string_table_intern (JgStringTable *self,
                                       const char    *string);
/* Returns NULL for an id that was never handed out. */
const char    *jg_string_table_lookup (JgStringTable *self,
                                       guint32        id);
guint32        jg_string_table_get_size (JgStringTable *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgStringTable, jg_string_table_free)

G_END_DECLS
