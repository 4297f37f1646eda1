/* jg-state-bar-widget.c: draws the render layer's state bar into a GtkSnapshot
 * and names the segment under the pointer in a tooltip. */
#define G_LOG_DOMAIN "jg-state-bar-widget"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-format.h"
#include "jg-palette.h"
#include "jg-state-bar-widget.h"
#include "jg-state-bar.h"

#define SWATCH_SIZE 16

struct _JgStateBarWidget
{
  GtkWidget  parent_instance;

  JgMetrics *metrics; /* only state_ns is read; NULL when empty */
};

G_DEFINE_FINAL_TYPE (JgStateBarWidget, jg_state_bar_widget, GTK_TYPE_WIDGET)

/* Light text means a dark theme: draw the palette's dark variants. */
static gboolean
widget_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

static void
jg_state_bar_widget_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  JgStateBarWidget *self = JG_STATE_BAR_WIDGET (widget);
  static const JgMetrics empty = { 0 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  jg_state_bar_draw (cr, self->metrics ? self->metrics : &empty, width, height,
                     widget_is_dark (widget));
  cairo_destroy (cr);
}

static void
jg_state_bar_widget_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 480;
    }
  else
    {
      *minimum = 16;
      *natural = 32;
    }
}

static gboolean
jg_state_bar_widget_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard_mode,
                                   GtkTooltip *tooltip)
{
  JgStateBarWidget *self = JG_STATE_BAR_WIDGET (widget);
  g_autofree char *duration = NULL;
  g_autofree char *share = NULL;
  g_autofree char *text = NULL;
  JgTaskState state;
  guint64 total;

  if (self->metrics == NULL || keyboard_mode)
    return FALSE;

  state = jg_state_bar_hit (self->metrics, gtk_widget_get_width (widget), x);
  if (state == JG_N_STATES)
    return FALSE;

  total = jg_state_bar_total_ns (self->metrics);
  duration = jg_format_duration (self->metrics->state_ns[state]);
  share = jg_format_share (self->metrics->state_ns[state], total);
  /* Translators: a state, the time tasks spent in it and its share, e.g.
   * "Waiting for GIL: 60.0 ms (32%)" */
  text = g_strdup_printf (_("%s: %s (%s)"), jg_palette_state_label (state), duration, share);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
jg_state_bar_widget_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (jg_state_bar_widget_parent_class)->css_changed (widget, change);

  /* The colours depend on whether the theme is dark. */
  gtk_widget_queue_draw (widget);
}

static void
jg_state_bar_widget_finalize (GObject *object)
{
  JgStateBarWidget *self = JG_STATE_BAR_WIDGET (object);

  g_clear_pointer (&self->metrics, g_free);

  G_OBJECT_CLASS (jg_state_bar_widget_parent_class)->finalize (object);
}

static void
jg_state_bar_widget_class_init (JgStateBarWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = jg_state_bar_widget_finalize;

  widget_class->snapshot = jg_state_bar_widget_snapshot;
  widget_class->measure = jg_state_bar_widget_measure;
  widget_class->query_tooltip = jg_state_bar_widget_query_tooltip;
  widget_class->css_changed = jg_state_bar_widget_css_changed;

  gtk_widget_class_set_css_name (widget_class, "statebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
jg_state_bar_widget_init (JgStateBarWidget *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Time by state"),
                                  -1);
}

GtkWidget *
jg_state_bar_widget_new (void)
{
  return g_object_new (JG_TYPE_STATE_BAR_WIDGET, NULL);
}

void
jg_state_bar_widget_set_metrics (JgStateBarWidget *self,
                                 const JgMetrics  *metrics)
{
  g_return_if_fail (JG_IS_STATE_BAR_WIDGET (self));

  g_clear_pointer (&self->metrics, g_free);

  if (metrics != NULL)
    self->metrics = g_memdup2 (metrics, sizeof *metrics);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  JgTaskState state = GPOINTER_TO_UINT (user_data);
  JgRgba color = jg_palette_state_color (state, widget_is_dark (GTK_WIDGET (area)));
  double radius = MIN (width, height) / 4.0;

  cairo_new_sub_path (cr);
  cairo_arc (cr, width - radius, radius, radius, -G_PI / 2.0, 0);
  cairo_arc (cr, width - radius, height - radius, radius, 0, G_PI / 2.0);
  cairo_arc (cr, radius, height - radius, radius, G_PI / 2.0, G_PI);
  cairo_arc (cr, radius, radius, radius, G_PI, 3.0 * G_PI / 2.0);
  cairo_close_path (cr);
  jg_rgba_set_source (cr, &color);
  cairo_fill (cr);
}

GtkWidget *
jg_state_swatch_new (JgTaskState state)
{
  GtkWidget *area;

  g_return_val_if_fail (state < JG_N_STATES, NULL);

  area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch,
                                  GUINT_TO_POINTER (state), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, jg_palette_state_label (state),
                                  -1);

  return area;
}
