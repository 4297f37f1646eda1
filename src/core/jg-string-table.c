/* jg-string-table.c: a mutex-guarded intern table. Interning is off the probe's
 * hot path (names are interned when lanes, locks and marks are created). */
#define G_LOG_DOMAIN "jg-string-table"

#include "jg-string-table.h"

struct _JgStringTable
{
  GMutex        lock;
  GHashTable   *ids;     /* string (owned by chunk) -> id + 1 */
  GPtrArray    *strings; /* id -> string (owned by chunk) */
  GStringChunk *chunk;
};

JgStringTable *
jg_string_table_new (void)
{
  JgStringTable *self = g_new0 (JgStringTable, 1);

  g_mutex_init (&self->lock);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->strings = g_ptr_array_new ();
  self->chunk = g_string_chunk_new (4096);
  jg_string_table_intern (self, "");
  return self;
}

void
jg_string_table_free (JgStringTable *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->ids);
  g_ptr_array_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint32
jg_string_table_intern (JgStringTable *self,
                        const char    *string)
{
  gpointer found;
  guint32 id;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (string != NULL, 0);

  g_mutex_lock (&self->lock);
  found = g_hash_table_lookup (self->ids, string);
  if (found != NULL)
    {
      id = GPOINTER_TO_UINT (found) - 1;
    }
  else
    {
      char *copy = g_string_chunk_insert (self->chunk, string);

      id = self->strings->len;
      g_ptr_array_add (self->strings, copy);
      g_hash_table_insert (self->ids, copy, GUINT_TO_POINTER (id + 1));
    }
  g_mutex_unlock (&self->lock);
  return id;
}

const char *
jg_string_table_lookup (JgStringTable *self,
                        guint32        id)
{
  const char *string = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (id < self->strings->len)
    string = g_ptr_array_index (self->strings, id);
  g_mutex_unlock (&self->lock);
  return string;
}

guint32
jg_string_table_get_size (JgStringTable *self)
{
  guint32 size;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  size = self->strings->len;
  g_mutex_unlock (&self->lock);
  return size;
}
