/* jg-projector-window.c: the canvas and caption alone, for the projector.
 * Keys pressed here (a clicker plugged into the projector's machine) go to
 * the controlling window's presenter actions. */
#define G_LOG_DOMAIN "jg-projector-window"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-projector-window.h"

struct _JgProjectorWindow
{
  GtkWindow     parent_instance;

  GtkWindow    *controller; /* weak */
  JgCanvas     *canvas;
  JgCaptionBar *caption_bar;
  GdkMonitor   *monitor;
};

G_DEFINE_FINAL_TYPE (JgProjectorWindow, jg_projector_window, GTK_TYPE_WINDOW)

/* Forwards a clicker key to the controlling window's action. */
static gboolean
forward_action (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  JgProjectorWindow *self = JG_PROJECTOR_WINDOW (widget);
  const char *action = g_variant_get_string (args, NULL);

  if (self->controller == NULL)
    return FALSE;

  return gtk_widget_activate_action (GTK_WIDGET (self->controller), action, NULL);
}

static gboolean
toggle_fullscreen (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_fullscreen (GTK_WINDOW (widget));

  return TRUE;
}

static void
jg_projector_window_dispose (GObject *object)
{
  JgProjectorWindow *self = JG_PROJECTOR_WINDOW (object);

  g_clear_weak_pointer (&self->controller);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (jg_projector_window_parent_class)->dispose (object);
}

static void
jg_projector_window_class_init (JgProjectorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_projector_window_dispose;

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Down, 0, forward_action, "s", "win.presenter-next");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Up, 0, forward_action, "s", "win.presenter-prev");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_b, 0, forward_action, "s", "win.presenter-pause");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_period, 0, forward_action, "s", "win.presenter-pause");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0, forward_action, "s", "win.presenter-pause");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F11, 0, toggle_fullscreen, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jg_projector_window_init (JgProjectorWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_window_set_title (GTK_WINDOW (self), _("Juggler — Projector"));
  gtk_widget_add_css_class (GTK_WIDGET (self), "projector");
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 720);

  self->canvas = JG_CANVAS (jg_canvas_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->canvas), TRUE);
  jg_canvas_set_style (self->canvas, JG_CANVAS_STYLE_PROJECTOR);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->canvas));

  self->caption_bar = JG_CAPTION_BAR (jg_caption_bar_new ());
  jg_caption_bar_set_presenting (self->caption_bar, TRUE);
  jg_caption_bar_set_show_controls (self->caption_bar, FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->caption_bar));

  gtk_window_set_child (GTK_WINDOW (self), box);
}

/* The first monitor that is not the one @controller is on. */
static GdkMonitor *
find_other_monitor (GtkWindow *controller)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (controller));
  GListModel *monitors = gdk_display_get_monitors (display);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (controller));
  GdkMonitor *own = surface != NULL ? gdk_display_get_monitor_at_surface (display, surface) : NULL;

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      if (monitor != own)
        return g_steal_pointer (&monitor);
    }

  return NULL;
}

JgProjectorWindow *
jg_projector_window_new (GtkWindow *controller)
{
  JgProjectorWindow *self;

  g_return_val_if_fail (GTK_IS_WINDOW (controller), NULL);

  self = g_object_new (JG_TYPE_PROJECTOR_WINDOW,
                       "application", gtk_window_get_application (controller),
                       NULL);
  g_set_weak_pointer (&self->controller, controller);

  self->monitor = find_other_monitor (controller);
  if (self->monitor != NULL)
    gtk_window_fullscreen_on_monitor (GTK_WINDOW (self), self->monitor);

  return self;
}

JgCanvas *
jg_projector_window_get_canvas (JgProjectorWindow *self)
{
  g_return_val_if_fail (JG_IS_PROJECTOR_WINDOW (self), NULL);

  return self->canvas;
}

JgCaptionBar *
jg_projector_window_get_caption_bar (JgProjectorWindow *self)
{
  g_return_val_if_fail (JG_IS_PROJECTOR_WINDOW (self), NULL);

  return self->caption_bar;
}

GdkMonitor *
jg_projector_window_get_monitor (JgProjectorWindow *self)
{
  g_return_val_if_fail (JG_IS_PROJECTOR_WINDOW (self), NULL);

  return self->monitor;
}
