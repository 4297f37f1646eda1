/* jg-atomic-file.c: writing a file so that a failure or a crash never leaves a
 * half-written file in place of a good one (GIO's g_file_replace rewrites in
 * place in some cases: a new file, an unwritable folder, hard links). */
#define G_LOG_DOMAIN "jg-atomic-file"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "jg-atomic-file.h"

typedef enum
{
  STEP_CREATE,
  STEP_WRITE,
  STEP_REPLACE,
} Step;

/* One whole sentence per step, so that each language can word it. */
static void
set_io_error_from_errno (GError     **error,
                         int          errsv,
                         Step         step,
                         const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               /* TRANSLATORS: the last %s says why, from the system: "No space left on device" */
               step == STEP_CREATE ? _("Cannot create a file in “%s”: %s")
               : step == STEP_WRITE ? _("Cannot write “%s”: %s")
               : _("Cannot replace “%s”: %s"),
               display, g_strerror (errsv));
}

gboolean
jg_atomic_file_open (JgAtomicFile  *self,
                     GFile         *file,
                     const char    *verb,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  struct stat st;
  gboolean existed;

  self->fd = -1;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (path == NULL)
    {
      GFileOutputStream *stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE,
                                                  cancellable, error);

      self->stream = G_OUTPUT_STREAM (stream);
      self->own_stream = TRUE;
      return stream != NULL;
    }

  /* Replace what a symlink points to, not the link. */
  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      char *real = realpath (path, NULL);

      if (real != NULL)
        {
          g_free (path);
          path = g_strdup (real);
          free (real);
        }
    }

  existed = g_stat (path, &st) == 0;
  if (existed && S_ISDIR (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   g_str_equal (verb, "export") ? _("Cannot export to “%s”: it is a folder")
                   : _("Cannot save to “%s”: it is a folder"),
                   display);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  self->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  /* 0666 is narrowed by the umask, as for any new file. */
  self->fd = g_mkstemp_full (self->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (self->fd < 0)
    {
      set_io_error_from_errno (error, errno, STEP_CREATE, dir);
      g_clear_pointer (&self->tmp_path, g_free);
      return FALSE;
    }
  if (existed && S_ISREG (st.st_mode))
    (void) fchmod (self->fd, st.st_mode & 07777);

  self->path = g_steal_pointer (&path);
  return TRUE;
}

gboolean
jg_atomic_file_write (JgAtomicFile  *self,
                      const char    *data,
                      gsize          len,
                      GCancellable  *cancellable,
                      GError       **error)
{
  if (self->stream != NULL)
    return g_output_stream_write_all (self->stream, data, len, NULL, cancellable, error);

  while (len > 0)
    {
      gssize n = write (self->fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_io_error_from_errno (error, errno, STEP_WRITE, self->tmp_path);
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

/* Puts the new file in place: only now does the destination change. */
gboolean
jg_atomic_file_commit (JgAtomicFile  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  int fd = self->fd;

  if (self->stream != NULL)
    return !self->own_stream || g_output_stream_close (self->stream, cancellable, error);

  /* Data on disk before the rename, or a crash could leave an empty file. */
  if (fsync (fd) != 0)
    {
      set_io_error_from_errno (error, errno, STEP_WRITE, self->tmp_path);
      return FALSE;
    }
  self->fd = -1;
  if (close (fd) != 0)
    {
      set_io_error_from_errno (error, errno, STEP_WRITE, self->tmp_path);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (g_rename (self->tmp_path, self->path) != 0)
    {
      set_io_error_from_errno (error, errno, STEP_REPLACE, self->path);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_path, g_free);
  return TRUE;
}

/* Leaves the destination as it was: drops the temporary file, or closes GIO's
 * replace stream in a cancelled state so it does not rename over the target.
 * A stream the caller gave us stays open: it is theirs. */
void
jg_atomic_file_clear (JgAtomicFile *self)
{
  if (self->stream != NULL && self->own_stream)
    {
      if (!g_output_stream_is_closed (self->stream))
        {
          g_autoptr(GCancellable) abandon = g_cancellable_new ();

          g_cancellable_cancel (abandon);
          g_output_stream_close (self->stream, abandon, NULL);
        }
      g_clear_object (&self->stream);
    }
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->path);
  memset (self, 0, sizeof *self);
  self->fd = -1;
}

void
jg_atomic_file_init_for_stream (JgAtomicFile  *self,
                                GOutputStream *stream)
{
  memset (self, 0, sizeof *self);
  self->fd = -1;
  self->stream = stream;
  self->own_stream = FALSE;
}
