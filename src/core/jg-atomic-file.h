/* jg-atomic-file.h: files written whole or not at all.
 *
 * A local destination is written as a temporary file beside it, synced, and
 * renamed over it on commit; symlinks are followed and the old file's mode is
 * kept. A non-local GFile goes through GIO's replace stream, closed in a
 * cancelled state on failure. jg_atomic_file_init_for_stream writes to a
 * stream the caller owns instead (commit then does not close it). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char          *path;     /* the destination, symlinks followed */
  char          *tmp_path;
  int            fd;
  GOutputStream *stream;
  gboolean       own_stream;
} JgAtomicFile;

/* @verb names the operation in errors, "save" or "export": "Cannot save to
 * “x”: it is a folder". */
gboolean jg_atomic_file_open            (JgAtomicFile   *self,
                                         GFile          *file,
                                         const char     *verb,
                                         GCancellable   *cancellable,
                                         GError        **error);
void     jg_atomic_file_init_for_stream (JgAtomicFile   *self,
                                         GOutputStream  *stream);
gboolean jg_atomic_file_write           (JgAtomicFile   *self,
                                         const char     *data,
                                         gsize           len,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* Puts the new file in place: only now does the destination change. */
gboolean jg_atomic_file_commit          (JgAtomicFile   *self,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* Leaves the destination as it was unless committed; frees everything. */
void     jg_atomic_file_clear           (JgAtomicFile   *self);

G_END_DECLS
