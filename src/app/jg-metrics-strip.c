/* jg-metrics-strip.c: fills the strip's template. The window calls it a few
 * times a second while a run goes on, so it only sets label texts. */
#define G_LOG_DOMAIN "jg-metrics-strip"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "jg-format.h"
#include "jg-metrics-strip.h"

struct _JgMetricsStrip
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkLabel  *concurrency_label;
  GtkLabel  *concurrency_detail_label;
  GtkLabel  *parallelism_label;
  GtkLabel  *parallelism_detail_label;
  GtkLabel  *wall_time_label;
  GtkLabel  *wall_time_detail_label;
  GtkLabel  *speedup_label;
  GtkLabel  *speedup_detail_label;
  GtkLabel  *utilisation_label;
  GtkLabel  *utilisation_detail_label;
  GtkLabel  *handoffs_label;
  GtkLabel  *handoffs_detail_label;
  GtkLabel  *gil_wait_label;
  GtkLabel  *outcome_label;
  GtkWidget *tiles;
};

G_DEFINE_FINAL_TYPE (JgMetricsStrip, jg_metrics_strip, GTK_TYPE_WIDGET)

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

char *
jg_format_speedup (double speedup)
{
  if (!isfinite (speedup) || speedup <= 0)
    return g_strdup ("—");

  /* Translators: a speedup, e.g. "3.42×" (times as fast) */
  return g_strdup_printf (_("%.*f×"), speedup < 9.995 ? 2 : 1, speedup);
}

/* Slow motion: the trace's times are stretched. The tile shows the stretched
 * wall time, as the lanes do, and the real one under it; its tooltip says
 * both in one sentence. At 1× it is the plain wall time. */
static void
set_wall_time (JgMetricsStrip  *self,
               const JgMetrics *metrics)
{
  GtkWidget *tile = gtk_widget_get_parent (GTK_WIDGET (self->wall_time_label));
  g_autofree char *stretched = NULL;
  g_autofree char *real = NULL;
  g_autofree char *factor = NULL;
  g_autofree char *tooltip = NULL;

  if (metrics == NULL || !(metrics->time_scale > 1.0))
    {
      if (metrics != NULL)
        set_label_take (self->wall_time_label, jg_format_duration (metrics->wall_ns));
      gtk_label_set_label (self->wall_time_detail_label, _("from start to end"));
      gtk_widget_set_tooltip_text (tile, NULL);
      return;
    }

  stretched = jg_format_duration (metrics->wall_ns);
  real = jg_format_duration ((guint64) llround (metrics->wall_ns / metrics->time_scale));
  /* Translators: a slow-motion factor, e.g. "100×" */
  factor = g_strdup_printf (_("%g×"), metrics->time_scale);
  gtk_label_set_label (self->wall_time_label, stretched);
  set_label_take (self->wall_time_detail_label,
                  /* Translators: under the wall time of a run in slow motion: its real
                   * wall time and the factor, e.g. "real 24.0 ms at 100×" */
                  g_strdup_printf (_("real %s at %s"), real, factor));
  /* Translators: the wall time's tooltip in slow motion, e.g. "2.40 s (real 24.0 ms
   * at 100×): every duration of the run was stretched, so it really happened slower" */
  tooltip = g_strdup_printf (_("%s (real %s at %s): every duration of the run was stretched, "
                               "so it really happened slower"), stretched, real, factor);
  gtk_widget_set_tooltip_text (tile, tooltip);
}

static void
jg_metrics_strip_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), JG_TYPE_METRICS_STRIP);
  /* The template's root has no id: unparent it by hand. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jg_metrics_strip_parent_class)->dispose (object);
}

static void
jg_metrics_strip_class_init (JgMetricsStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_metrics_strip_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "metricsstrip");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-metrics-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, concurrency_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, concurrency_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, parallelism_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, parallelism_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, wall_time_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, wall_time_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, speedup_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, speedup_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, utilisation_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, utilisation_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, handoffs_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, handoffs_detail_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, gil_wait_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, JgMetricsStrip, tiles);
}

static void
jg_metrics_strip_init (JgMetricsStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The tiles flow into rows on narrow windows; they are not for focus. */
  for (GtkWidget *child = gtk_widget_get_first_child (self->tiles);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);

  jg_metrics_strip_set_metrics (self, NULL);
  jg_metrics_strip_set_speedup (self, "—", NULL);
  jg_metrics_strip_set_outcome (self, NULL);
}

GtkWidget *
jg_metrics_strip_new (void)
{
  return g_object_new (JG_TYPE_METRICS_STRIP, NULL);
}

void
jg_metrics_strip_set_metrics (JgMetricsStrip  *self,
                              const JgMetrics *metrics)
{
  g_return_if_fail (JG_IS_METRICS_STRIP (self));

  if (metrics == NULL)
    {
      GtkLabel *values[] = {
        self->concurrency_label, self->parallelism_label, self->wall_time_label,
        self->utilisation_label, self->handoffs_label, self->gil_wait_label,
      };

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        gtk_label_set_label (values[i], "—");
      gtk_label_set_label (self->concurrency_detail_label, _("tasks in flight at once"));
      gtk_label_set_label (self->parallelism_detail_label, _("tasks running at the same instant"));
      gtk_label_set_label (self->utilisation_detail_label, _("of the machine’s cores"));
      gtk_label_set_label (self->handoffs_detail_label, _("the GIL changed hands"));
      set_wall_time (self, NULL);
      return;
    }

  set_label_take (self->concurrency_label, jg_format_mean (metrics->concurrency));
  set_label_take (self->concurrency_detail_label,
                  /* Translators: under the concurrency figure */
                  g_strdup_printf (_("tasks in flight at once, on average · peak %u"),
                                   metrics->max_concurrency));
  set_label_take (self->parallelism_label, jg_format_mean (metrics->parallelism));
  set_label_take (self->parallelism_detail_label,
                  /* Translators: under the parallelism figure */
                  g_strdup_printf (_("tasks running at the same instant, on average · peak %u"),
                                   metrics->max_parallelism));

  set_wall_time (self, metrics);
  set_label_take (self->utilisation_label, jg_format_percent (metrics->core_utilisation));
  set_label_take (self->utilisation_detail_label,
                  /* Translators: under the core utilisation, e.g. "of 4 cores" */
                  g_strdup_printf (ngettext ("of %u core", "of %u cores", metrics->n_cores),
                                   metrics->n_cores));
  set_label_take (self->handoffs_label, g_strdup_printf ("%'u", metrics->gil_handoffs));
  set_label_take (self->handoffs_detail_label,
                  /* Translators: under the GIL hand-offs count */
                  g_strdup_printf (ngettext ("%'u drop request", "%'u drop requests",
                                             metrics->gil_drop_requests),
                                   metrics->gil_drop_requests));
  set_label_take (self->gil_wait_label, jg_format_duration (metrics->gil_wait_ns));
}

void
jg_metrics_strip_set_speedup (JgMetricsStrip *self,
                              const char     *value,
                              const char     *detail)
{
  g_return_if_fail (JG_IS_METRICS_STRIP (self));

  gtk_label_set_label (self->speedup_label, value != NULL ? value : "—");
  gtk_label_set_label (self->speedup_detail_label,
                       detail != NULL ? detail : _("against the sequential run"));
}

void
jg_metrics_strip_set_outcome (JgMetricsStrip *self,
                              const char     *outcome)
{
  g_return_if_fail (JG_IS_METRICS_STRIP (self));

  gtk_label_set_label (self->outcome_label, outcome != NULL ? outcome : "");
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_label), outcome != NULL && *outcome != '\0');
}
