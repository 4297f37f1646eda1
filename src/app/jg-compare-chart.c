/* jg-compare-chart.c: the bar chart of wall times. Bars share one scale, the
 * slowest finished contender's time, so lengths compare at a glance. */
#define G_LOG_DOMAIN "jg-compare-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-compare-chart.h"
#include "jg-format.h"
#include "jg-metrics-strip.h"

#define ROW_HEIGHT  44
#define BAR_HEIGHT  26
#define GAP         12
#define MIN_BAR     160 /* the longest bar, at the least */

struct _JgCompareChart
{
  GtkWidget  parent_instance;

  JgCompare *compare;
};

G_DEFINE_FINAL_TYPE (JgCompareChart, jg_compare_chart, GTK_TYPE_WIDGET)

JgRgba
jg_compare_contender_color (guint index)
{
  /* Blue, orange, teal, purple… : told apart with any colour vision. */
  return jg_palette_color (index);
}

static guint
n_rows (JgCompareChart *self)
{
  return self->compare != NULL ? jg_compare_get_n_contenders (self->compare) : 0;
}

/* The wall time every bar is measured against. */
static guint64
scale_ns (JgCompareChart *self)
{
  guint64 most = 0;

  for (guint i = 0; i < n_rows (self); i++)
    {
      const JgContender *contender = jg_compare_get_contender (self->compare, i);

      if (contender->metrics != NULL)
        most = MAX (most, contender->metrics->wall_ns);
    }
  return most;
}

static int
label_width (JgCompareChart *self)
{
  int widest = 0;

  for (guint i = 0; i < n_rows (self); i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                      jg_compare_get_contender (self->compare, i)->label);
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest + GAP;
}

/* What is written after the bar, or in its place. */
static char *
row_text (JgCompareChart    *self,
          guint              index,
          const JgContender *contender)
{
  g_autofree char *wall = NULL;
  g_autofree char *speedup = NULL;

  switch (contender->state)
    {
    case JG_CONTENDER_PENDING:
      return g_strdup (_("waiting its turn"));
    case JG_CONTENDER_RUNNING:
      return g_strdup (_("running…"));
    case JG_CONTENDER_SKIPPED:
      return g_strdup (_("skipped"));
    case JG_CONTENDER_DONE:
    case JG_CONTENDER_N_STATES:
    default:
      break;
    }

  if (contender->metrics == NULL)
    return g_strdup (jg_run_status_name (contender->status));

  wall = jg_format_duration (contender->metrics->wall_ns);
  if (contender->speedup <= 0)
    return g_steal_pointer (&wall);
  speedup = jg_format_speedup (contender->speedup);
  if (contender->rank == 1)
    /* Translators: a bar's label: wall time, speedup, and that it won */
    return g_strdup_printf (_("%s · %s · fastest"), wall, speedup);
  if (contender->tied)
    /* Translators: a bar's label: within noise of the fastest */
    return g_strdup_printf (_("%s · %s · tied"), wall, speedup);
  return g_strdup_printf ("%s · %s", wall, speedup);
}

/* Room for the widest text written after a bar: "12.5 s · 10.00× · fastest". */
static int
value_width (JgCompareChart *self)
{
  int widest = 0;

  for (guint i = 0; i < n_rows (self); i++)
    {
      g_autofree char *text = row_text (self, i, jg_compare_get_contender (self->compare, i));
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest + GAP;
}

gboolean
jg_compare_chart_get_bar (JgCompareChart  *self,
                          guint            index,
                          graphene_rect_t *bar)
{
  const JgContender *contender;
  guint64 scale;
  double x0, room;

  g_return_val_if_fail (JG_IS_COMPARE_CHART (self), FALSE);

  if (index >= n_rows (self))
    return FALSE;
  contender = jg_compare_get_contender (self->compare, index);
  scale = scale_ns (self);
  if (contender->metrics == NULL || scale == 0)
    return FALSE;

  x0 = label_width (self);
  room = MAX (gtk_widget_get_width (GTK_WIDGET (self)) - x0 - value_width (self), 1);
  graphene_rect_init (bar, x0, index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0,
                      MAX (room * (double) contender->metrics->wall_ns / (double) scale, 2), BAR_HEIGHT);
  return TRUE;
}

static void
draw (JgCompareChart *self,
      cairo_t        *cr)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg;
  int x0 = label_width (self);
  int room = MAX (gtk_widget_get_width (GTK_WIDGET (self)) - x0 - value_width (self), 1);

  gtk_style_context_get_color (style, &fg);

  for (guint i = 0; i < n_rows (self); i++)
    {
      const JgContender *contender = jg_compare_get_contender (self->compare, i);
      g_autoptr(PangoLayout) name = gtk_widget_create_pango_layout (GTK_WIDGET (self), contender->label);
      g_autofree char *text = row_text (self, i, contender);
      g_autoptr(PangoLayout) value = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      JgRgba color = jg_compare_contender_color (i);
      graphene_rect_t bar;
      double y = i * ROW_HEIGHT;
      double text_x = x0;
      int h;

      pango_layout_get_pixel_size (name, NULL, &h);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, 0, y + (ROW_HEIGHT - h) / 2.0);
      pango_cairo_show_layout (cr, name);

      /* The trough shows where a bar will go before its run ends. */
      cairo_rectangle (cr, x0, y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0, room, BAR_HEIGHT);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
      cairo_fill (cr);

      if (jg_compare_chart_get_bar (self, i, &bar))
        {
          cairo_rectangle (cr, bar.origin.x, bar.origin.y, bar.size.width, bar.size.height);
          jg_rgba_set_source (cr, &color);
          cairo_fill (cr);
          text_x = bar.origin.x + bar.size.width + GAP / 2.0;
        }
      else
        {
          text_x = x0 + GAP / 2.0;
        }

      pango_layout_get_pixel_size (value, NULL, &h);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, text_x, y + (ROW_HEIGHT - h) / 2.0);
      pango_cairo_show_layout (cr, value);
    }
}

static void
jg_compare_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  JgCompareChart *self = JG_COMPARE_CHART (widget);
  cairo_t *cr;

  if (n_rows (self) == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  draw (self, cr);
  cairo_destroy (cr);
}

static void
jg_compare_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  JgCompareChart *self = JG_COMPARE_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = label_width (self) + value_width (self) + MIN_BAR;
  else
    *minimum = *natural = n_rows (self) * ROW_HEIGHT;
}

static void
jg_compare_chart_dispose (GObject *object)
{
  JgCompareChart *self = JG_COMPARE_CHART (object);

  g_clear_object (&self->compare);

  G_OBJECT_CLASS (jg_compare_chart_parent_class)->dispose (object);
}

static void
jg_compare_chart_class_init (JgCompareChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_compare_chart_dispose;
  widget_class->snapshot = jg_compare_chart_snapshot;
  widget_class->measure = jg_compare_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "comparechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
jg_compare_chart_init (JgCompareChart *self)
{
}

GtkWidget *
jg_compare_chart_new (void)
{
  return g_object_new (JG_TYPE_COMPARE_CHART, NULL);
}

void
jg_compare_chart_set_compare (JgCompareChart *self,
                              JgCompare      *compare)
{
  g_return_if_fail (JG_IS_COMPARE_CHART (self));
  g_return_if_fail (compare == NULL || JG_IS_COMPARE (compare));

  g_set_object (&self->compare, compare);
  jg_compare_chart_update (self);
}

void
jg_compare_chart_update (JgCompareChart *self)
{
  g_return_if_fail (JG_IS_COMPARE_CHART (self));

  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
