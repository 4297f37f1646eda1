/* jg-compare-window.c: a JgCompare shown as it runs. Each contender's canvas
 * follows its run live; once runs have finished their canvases share one time
 * axis (the longest run's), and zooming or panning one moves them all. */
#define G_LOG_DOMAIN "jg-compare-window"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-canvas.h"
#include "jg-compare-chart.h"
#include "jg-compare-window.h"
#include "jg-format.h"
#include "jg-metrics-strip.h"

#define ZOOM_STEP 1.5

/* One contender's swatch, heading and canvas. */
typedef struct
{
  GtkWidget *swatch;
  GtkLabel  *title;
  GtkLabel  *status;
  JgCanvas  *canvas;
  guint64    t0;     /* its window when the axis was last shared */
  guint64    t1;
  gboolean   shared; /* finished, and on the shared axis */
} Row;

struct _JgCompareWindow
{
  GtkWindow       parent_instance;

  JgCompare      *compare;
  GArray         *rows;      /* Row, one per contender */
  guint64         axis_ns;   /* the shared axis's length: the longest finished run */

  /* Template widgets */
  GtkLabel       *subtitle_label;
  GtkButton      *stop_button;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *sentence_label;
  GtkWidget      *verdict_grid;
  GtkLabel       *winner_label;
  GtkWidget      *recommended_caption;
  GtkLabel       *recommended_label;
  GtkLabel       *note_label;
  JgCompareChart *chart;
  GtkGrid        *figures_grid;
  GtkBox         *lanes_box;
};

G_DEFINE_FINAL_TYPE (JgCompareWindow, jg_compare_window, GTK_TYPE_WINDOW)

static Row *
row_at (JgCompareWindow *self,
        guint            index)
{
  return &g_array_index (self->rows, Row, index);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  JgRgba color = jg_compare_contender_color (GPOINTER_TO_UINT (user_data));

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  jg_rgba_set_source (cr, &color);
  cairo_fill (cr);
}

static char *
contender_status (const JgContender *contender)
{
  g_autofree char *wall = NULL;

  switch (contender->state)
    {
    case JG_CONTENDER_PENDING:
      return g_strdup (_("Waiting its turn"));
    case JG_CONTENDER_RUNNING:
      return g_strdup (_("Running…"));
    case JG_CONTENDER_SKIPPED:
      return g_strdup (contender->reason != NULL ? contender->reason : _("Skipped"));
    case JG_CONTENDER_DONE:
    case JG_CONTENDER_N_STATES:
    default:
      break;
    }

  if (contender->status != JG_RUN_COMPLETED || contender->metrics == NULL)
    /* Translators: a contender's run did not end normally: "Stopped: cancelled" */
    return g_strdup_printf (_("Ended: %s"), jg_run_status_name (contender->status));
  wall = jg_format_duration (contender->metrics->wall_ns);
  /* Translators: a contender's run ended: "Done in 1.23 s" */
  return g_strdup_printf (_("Done in %s"), wall);
}

/* Rows whose runs have finished share [t0, t1), within the longest one. */
static void
share_window (JgCompareWindow *self,
              guint64          t0,
              guint64          t1)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);

      if (!row->shared)
        continue;
      jg_canvas_set_window (row->canvas, t0, t1);
      jg_canvas_get_window (row->canvas, &row->t0, &row->t1);
    }
}

/* Puts every finished run on one axis as long as the longest of them. */
static void
align_axes (JgCompareWindow *self)
{
  guint64 axis = 0;
  gboolean any = FALSE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      const JgContender *contender = jg_compare_get_contender (self->compare, i);
      Row *row = row_at (self, i);
      JgTrace *trace = jg_canvas_get_trace (row->canvas);

      if (contender->state != JG_CONTENDER_DONE || trace == NULL)
        continue;
      /* Take in the run's last events, so the canvas knows it has ended. */
      jg_canvas_update (row->canvas);
      axis = MAX (axis, jg_trace_get_duration_ns (trace));
      row->shared = TRUE;
      any = TRUE;
    }
  if (!any)
    return;

  self->axis_ns = MAX (axis, JG_CANVAS_MIN_SPAN_NS);
  for (guint i = 0; i < self->rows->len; i++)
    jg_canvas_set_min_extent (row_at (self, i)->canvas, self->axis_ns);
  share_window (self, 0, self->axis_ns);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-in", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-out", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-fit", TRUE);
}

/* Zooming or panning happens inside each canvas (wheel, drag, keys): each
 * frame, a shared canvas whose window moved leads the others. */
static gboolean
sync_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  JgCompareWindow *self = JG_COMPARE_WINDOW (widget);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);
      guint64 t0, t1;

      if (!row->shared)
        continue;
      jg_canvas_get_window (row->canvas, &t0, &t1);
      if (t0 != row->t0 || t1 != row->t1)
        {
          share_window (self, t0, t1);
          break;
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
update_figures (JgCompareWindow *self)
{
  const char *headings[] = { N_("Model"), N_("Wall time"), N_("Speedup"), N_("Concurrency"), N_("Parallelism") };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_grid))) != NULL)
    gtk_grid_remove (self->figures_grid, child);

  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    {
      GtkWidget *label = gtk_label_new (_(headings[c]));

      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->figures_grid, label, c, 0, 1, 1);
    }

  for (guint i = 0; i < jg_compare_get_n_contenders (self->compare); i++)
    {
      const JgContender *contender = jg_compare_get_contender (self->compare, i);
      const JgMetrics *metrics = contender->metrics;
      g_autofree char *values[4] = { NULL, };
      GtkWidget *name = gtk_label_new (contender->label);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_wrap (GTK_LABEL (name), TRUE);
      gtk_grid_attach (self->figures_grid, name, 0, i + 1, 1, 1);

      if (metrics != NULL)
        {
          values[0] = jg_format_duration (metrics->wall_ns);
          values[1] = contender->speedup > 0 ? jg_format_speedup (contender->speedup) : g_strdup ("—");
          values[2] = jg_format_mean (metrics->concurrency);
          values[3] = jg_format_mean (metrics->parallelism);
        }
      for (guint c = 0; c < G_N_ELEMENTS (values); c++)
        {
          GtkWidget *label = gtk_label_new (values[c] != NULL ? values[c] : "—");

          gtk_label_set_xalign (GTK_LABEL (label), 1);
          gtk_widget_add_css_class (label, "numeric");
          if (contender->rank == 1)
            gtk_widget_add_css_class (label, "heading");
          gtk_grid_attach (self->figures_grid, label, c + 1, i + 1, 1, 1);
        }
    }
}

static void
update_status (JgCompareWindow *self)
{
  int current = jg_compare_get_current (self->compare);
  guint n = jg_compare_get_n_contenders (self->compare);
  gboolean finished = jg_compare_is_finished (self->compare);
  g_autofree char *status = NULL;

  if (finished && jg_compare_is_stopped (self->compare))
    status = g_strdup (_("Stopped: runs that had not ended are left out."));
  else if (finished)
    status = g_strdup (_("Every model has run."));
  else if (current >= 0)
    /* Translators: "Running Threads (10 workers) — 2 of 3, one after another" */
    status = g_strdup_printf (_("Running %s — %u of %u, one after another"),
                              jg_compare_get_contender (self->compare, current)->label, current + 1, n);
  else
    status = g_strdup (_("Starting…"));

  gtk_label_set_label (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar, jg_compare_get_progress (self->compare));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), !finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.stop", !finished);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), !finished);

  for (guint i = 0; i < self->rows->len; i++)
    {
      g_autofree char *text = contender_status (jg_compare_get_contender (self->compare, i));

      gtk_label_set_label (row_at (self, i)->status, text);
    }
  jg_compare_chart_update (self->chart);
}

static void
on_contender_started (JgCompareWindow *self,
                      guint            index,
                      JgCompare       *compare)
{
  const JgContender *contender = jg_compare_get_contender (compare, index);
  Row *row = row_at (self, index);

  jg_canvas_set_trace (row->canvas, jg_run_get_trace (contender->run), NULL, NULL);
  jg_canvas_set_follow (row->canvas, TRUE);
  update_status (self);
}

static void
on_contender_finished (JgCompareWindow *self,
                       guint            index,
                       JgCompare       *compare)
{
  align_axes (self);
  update_figures (self);
  update_status (self);
}

static void
on_finished (JgCompareWindow *self,
             JgCompare       *compare)
{
  const JgAdvisorRecommendation *recommendation = jg_compare_get_recommendation (compare);
  int winner = jg_compare_get_winner (compare);
  const char *sentence = jg_compare_get_sentence (compare);
  const char *note = jg_compare_get_note (compare);

  gtk_label_set_label (self->sentence_label, sentence != NULL ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sentence_label), sentence != NULL && sentence[0] != '\0');

  gtk_label_set_label (self->winner_label,
                       winner >= 0 ? jg_compare_get_contender (compare, winner)->label : _("None: no run ended"));
  gtk_widget_set_visible (self->recommended_caption, recommendation != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->recommended_label), recommendation != NULL);
  if (recommendation != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: the advisor's pick and whether the runs bore it out */
      text = g_strdup_printf (jg_compare_get_agrees (compare) ? _("%s — the runs agree") : _("%s — the runs disagree"),
                              recommendation->title);
      gtk_label_set_label (self->recommended_label, text);
    }
  gtk_widget_set_visible (self->verdict_grid, TRUE);

  gtk_label_set_label (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && note[0] != '\0');

  align_axes (self);
  update_figures (self);
  update_status (self);
}

static void
add_row (JgCompareWindow   *self,
         guint              index,
         const JgContender *contender)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  Row row = { NULL, };

  row.swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row.swatch), 16);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row.swatch), 16);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row.swatch), draw_swatch, GUINT_TO_POINTER (index), NULL);
  gtk_widget_set_valign (row.swatch, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (heading), row.swatch);

  row.title = GTK_LABEL (gtk_label_new (contender->label));
  gtk_widget_add_css_class (GTK_WIDGET (row.title), "heading");
  gtk_box_append (GTK_BOX (heading), GTK_WIDGET (row.title));

  row.status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (row.status, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (row.status, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (row.status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row.status), "dim-label");
  gtk_box_append (GTK_BOX (heading), GTK_WIDGET (row.status));
  gtk_box_append (GTK_BOX (box), heading);

  row.canvas = JG_CANVAS (jg_canvas_new ());
  gtk_widget_set_size_request (GTK_WIDGET (row.canvas), -1, 250);
  gtk_widget_set_hexpand (GTK_WIDGET (row.canvas), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row.canvas));

  gtk_box_append (self->lanes_box, box);
  g_array_append_val (self->rows, row);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgCompareWindow *self = JG_COMPARE_WINDOW (widget);

  if (self->compare != NULL)
    jg_compare_stop (self->compare);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgCompareWindow *self = JG_COMPARE_WINDOW (widget);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);
      guint64 t0, t1;

      if (!row->shared)
        continue;
      if (g_str_equal (action_name, "compare.zoom-fit"))
        share_window (self, 0, self->axis_ns);
      else
        {
          jg_canvas_zoom (row->canvas, g_str_equal (action_name, "compare.zoom-in") ? ZOOM_STEP : 1 / ZOOM_STEP, -1);
          jg_canvas_get_window (row->canvas, &t0, &t1);
          share_window (self, t0, t1);
        }
      break;
    }
}

static void
jg_compare_window_dispose (GObject *object)
{
  JgCompareWindow *self = JG_COMPARE_WINDOW (object);

  if (self->compare != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->compare, self);
      /* Closing stops the runs; the compare lives until its last one ends. */
      if (!jg_compare_is_finished (self->compare))
        {
          g_signal_connect (g_object_ref (self->compare), "finished", G_CALLBACK (g_object_unref), NULL);
          jg_compare_stop (self->compare);
        }
    }
  g_clear_object (&self->compare);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_COMPARE_WINDOW);

  G_OBJECT_CLASS (jg_compare_window_parent_class)->dispose (object);
}

static void
jg_compare_window_finalize (GObject *object)
{
  JgCompareWindow *self = JG_COMPARE_WINDOW (object);

  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (jg_compare_window_parent_class)->finalize (object);
}

static void
jg_compare_window_class_init (JgCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_compare_window_dispose;
  object_class->finalize = jg_compare_window_finalize;

  g_type_ensure (JG_TYPE_COMPARE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-compare-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, sentence_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, verdict_grid);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, winner_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, recommended_caption);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, recommended_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, note_label);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, figures_grid);
  gtk_widget_class_bind_template_child (widget_class, JgCompareWindow, lanes_box);

  gtk_widget_class_install_action (widget_class, "compare.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-fit", NULL, zoom_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "compare.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "compare.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "compare.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "compare.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "compare.zoom-fit", NULL);
}

static void
jg_compare_window_init (JgCompareWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  gtk_widget_add_tick_callback (GTK_WIDGET (self), sync_tick, NULL, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.stop", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-in", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.zoom-fit", FALSE);
}

GtkWidget *
jg_compare_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (JG_TYPE_COMPARE_WINDOW,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
}

gboolean
jg_compare_window_start (JgCompareWindow  *self,
                         JgCompare        *compare,
                         GError          **error)
{
  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), FALSE);
  g_return_val_if_fail (JG_IS_COMPARE (compare), FALSE);
  g_return_val_if_fail (self->compare == NULL, FALSE);

  self->compare = g_object_ref (compare);
  gtk_label_set_label (self->subtitle_label, jg_compare_get_title (compare));

  for (guint i = 0; i < jg_compare_get_n_contenders (compare); i++)
    add_row (self, i, jg_compare_get_contender (compare, i));
  jg_compare_chart_set_compare (self->chart, compare);
  update_figures (self);

  g_signal_connect_swapped (compare, "contender-started", G_CALLBACK (on_contender_started), self);
  g_signal_connect_swapped (compare, "contender-finished", G_CALLBACK (on_contender_finished), self);
  g_signal_connect_swapped (compare, "finished", G_CALLBACK (on_finished), self);

  if (!jg_compare_start (compare, error))
    {
      g_signal_handlers_disconnect_by_data (compare, self);
      g_clear_object (&self->compare);
      return FALSE;
    }
  update_status (self);
  return TRUE;
}

gboolean
jg_compare_window_start_scenario (JgCompareWindow  *self,
                                  JgScenario       *scenario,
                                  JsonObject       *values,
                                  guint             workers,
                                  GError          **error)
{
  g_autoptr(JgCompare) compare = NULL;
  g_autoptr(JgAdvisor) advisor = NULL;
  g_autoptr(GError) advisor_error = NULL;

  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), FALSE);
  g_return_val_if_fail (scenario != NULL, FALSE);

  compare = jg_compare_new_for_scenario (scenario, values, error);
  if (compare == NULL)
    return FALSE;
  jg_compare_add_default_contenders (compare, workers);

  /* Without the advisor's tree the runs still compare; only the note is lost. */
  advisor = jg_advisor_load_default (&advisor_error);
  if (advisor == NULL || !jg_compare_recommend (compare, advisor, &advisor_error))
    g_message ("No recommendation beside the comparison: %s", advisor_error->message);

  return jg_compare_window_start (self, compare, error);
}

JgCompare *
jg_compare_window_get_compare (JgCompareWindow *self)
{
  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), NULL);
  return self->compare;
}

GtkWidget *
jg_compare_window_get_canvas (JgCompareWindow *self,
                              guint            index)
{
  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), NULL);
  return index < self->rows->len ? GTK_WIDGET (row_at (self, index)->canvas) : NULL;
}

GtkWidget *
jg_compare_window_get_chart (JgCompareWindow *self)
{
  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), NULL);
  return GTK_WIDGET (self->chart);
}

const char *
jg_compare_window_get_sentence (JgCompareWindow *self)
{
  g_return_val_if_fail (JG_IS_COMPARE_WINDOW (self), NULL);
  return gtk_label_get_label (self->sentence_label);
}
