/* jg-test-util.h: what the tests of every suite share: a temporary folder of
 * their own and its removal, and backing off before a timing is measured
 * again. GLib only, so that unit, CLI and display tests can all use it. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Other processes can only slow a run down: a timing they disturbed is
 * measured again, up to this many times, before its figures are asserted. */
#define TEST_ATTEMPTS 3

/* A new folder from @tmpl ("juggler-…-XXXXXX") in the temporary folder. */
static inline char *
test_make_tmp_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/* How many entries the folder @dir holds. */
static inline guint
test_count_entries (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* Removes @path and everything below it; a link to a folder is removed, not
 * followed, and a folder a test made read-only is made writable first. FALSE
 * if anything could not be removed: a test that cares asserts it. */
static inline gboolean
test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gboolean removed = TRUE;

  g_chmod (path, 0755);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        removed &= test_remove_tree (child);
      else
        removed &= g_unlink (child) == 0;
    }
  return g_rmdir (path) == 0 && removed;
}

/* Before a timing measurement is tried again: let a passing burst of load go by. */
static inline void
test_back_off (guint attempt)
{
  g_usleep ((attempt + 1) * 300 * 1000);
}
