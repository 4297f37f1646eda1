/* jg-display-test.c: helpers shared by the display tests. */
#define G_LOG_DOMAIN "jg-display-test"

#include "config.h"

#include <string.h>

#include "jg-display-test.h"

typedef struct
{
  gboolean fired;
} Timeout;

static gboolean
timeout_cb (gpointer user_data)
{
  Timeout *timeout = user_data;

  timeout->fired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
jg_test_wait_for (JgTestCondition condition,
                  gpointer        user_data,
                  double          timeout_s)
{
  Timeout timeout = { FALSE };
  guint id = g_timeout_add ((guint) (timeout_s * 1000), timeout_cb, &timeout);
  gboolean met;

  while (!(met = condition (user_data)) && !timeout.fired)
    g_main_context_iteration (NULL, TRUE);

  if (!timeout.fired)
    g_source_remove (id);

  return met;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
transitions_done (gpointer user_data)
{
  GtkWidget *window = user_data;
  GtkRevealer *revealer;

  for (GtkWidget *child = gtk_widget_get_first_child (window); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!transitions_done (child))
        return FALSE;
    }

  if (GTK_IS_STACK (window))
    return !gtk_stack_get_transition_running (GTK_STACK (window));

  if (GTK_IS_REVEALER (window))
    {
      revealer = GTK_REVEALER (window);
      return gtk_revealer_get_child_revealed (revealer) == gtk_revealer_get_reveal_child (revealer);
    }

  return TRUE;
}

static gboolean
frames_done (gpointer user_data)
{
  return *(guint *) user_data >= 3;
}

void
jg_test_wait_drawn (GtkWidget *window)
{
  guint frames = 0;
  guint id;

  g_assert_true (jg_test_wait_for (transitions_done, window, 10));

  id = gtk_widget_add_tick_callback (window, count_frame_cb, &frames, NULL);
  g_assert_true (jg_test_wait_for (frames_done, &frames, 10));
  gtk_widget_remove_tick_callback (window, id);
}

gpointer
jg_test_child (gpointer    widget,
               GType       type,
               const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("no template child “%s”", name);
  return child;
}

GdkTexture *
jg_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);
  g_autoptr(GskRenderNode) node = NULL;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
jg_test_pixels_init (JgTestPixels *pixels,
                     GdkTexture   *texture)
{
  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = pixels->width * 4;
  pixels->data = g_malloc (pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
}

void
jg_test_pixels_clear (JgTestPixels *pixels)
{
  g_clear_pointer (&pixels->data, g_free);
}

gboolean
jg_test_pixels_match (const JgTestPixels *pixels,
                      int                 x,
                      int                 y,
                      const JgRgba       *color)
{
  guint32 pixel;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);

  /* gdk_texture_download () gives cairo's ARGB32 layout: native-endian words. */
  pixel = *(const guint32 *) (pixels->data + y * pixels->stride + x * 4);

  return ABS ((int) (pixel >> 16 & 0xff) - (int) (color->r * 255 + 0.5)) <= 2
      && ABS ((int) (pixel >> 8 & 0xff) - (int) (color->g * 255 + 0.5)) <= 2
      && ABS ((int) (pixel & 0xff) - (int) (color->b * 255 + 0.5)) <= 2;
}

void
jg_test_screenshot (GtkWidget  *widget,
                    const char *suffix)
{
  const char *path = g_getenv ("JUGGLER_SCREENSHOT");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *target = NULL;

  if (path == NULL || *path == '\0')
    return;

  texture = jg_test_render (widget);
  if (suffix == NULL)
    {
      target = g_strdup (path);
    }
  else
    {
      g_autofree char *stem = g_str_has_suffix (path, ".png")
        ? g_strndup (path, strlen (path) - 4) : g_strdup (path);

      target = g_strdup_printf ("%s-%s.png", stem, suffix);
    }

  g_assert_true (gdk_texture_save_to_png (texture, target));
  g_test_message ("screenshot saved to %s", target);
}
