/* jg-task-history.c: a list view over a copy of one task's spans. A task can
 * have hundreds of thousands of spans, so rows are made only for what is on
 * screen: the list model hands out small row objects on demand. Activating a
 * row emits "span-activated" with its time, for the canvas to zoom to. */
#define G_LOG_DOMAIN "jg-task-history"

#include "config.h"

#include <glib/gi18n.h>

#include "jg-format.h"
#include "jg-names.h"
#include "jg-palette.h"
#include "jg-task-history.h"

#define SWATCH_SIZE 14

/* One span, as a list item. */

#define JG_TYPE_SPAN_ROW (jg_span_row_get_type ())
G_DECLARE_FINAL_TYPE (JgSpanRow, jg_span_row, JG, SPAN_ROW, GObject)

struct _JgSpanRow
{
  GObject parent_instance;
  JgSpan  span;
};

G_DEFINE_FINAL_TYPE (JgSpanRow, jg_span_row, G_TYPE_OBJECT)

static void
jg_span_row_class_init (JgSpanRowClass *klass)
{
}

static void
jg_span_row_init (JgSpanRow *self)
{
}

/* The spans, as a list model. */

#define JG_TYPE_SPAN_LIST (jg_span_list_get_type ())
G_DECLARE_FINAL_TYPE (JgSpanList, jg_span_list, JG, SPAN_LIST, GObject)

struct _JgSpanList
{
  GObject  parent_instance;
  GArray  *spans; /* JgSpan */
};

static GType
jg_span_list_get_item_type (GListModel *model)
{
  return JG_TYPE_SPAN_ROW;
}

static guint
jg_span_list_get_n_items (GListModel *model)
{
  return JG_SPAN_LIST (model)->spans->len;
}

static gpointer
jg_span_list_get_item (GListModel *model,
                       guint       position)
{
  JgSpanList *self = JG_SPAN_LIST (model);
  JgSpanRow *row;

  if (position >= self->spans->len)
    return NULL;

  row = g_object_new (JG_TYPE_SPAN_ROW, NULL);
  row->span = g_array_index (self->spans, JgSpan, position);
  return row;
}

static void
jg_span_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = jg_span_list_get_item_type;
  iface->get_n_items = jg_span_list_get_n_items;
  iface->get_item = jg_span_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (JgSpanList, jg_span_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, jg_span_list_model_init))

static void
jg_span_list_finalize (GObject *object)
{
  g_clear_pointer (&JG_SPAN_LIST (object)->spans, g_array_unref);

  G_OBJECT_CLASS (jg_span_list_parent_class)->finalize (object);
}

static void
jg_span_list_class_init (JgSpanListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_span_list_finalize;
}

static void
jg_span_list_init (JgSpanList *self)
{
  self->spans = g_array_new (FALSE, FALSE, sizeof (JgSpan));
}

/* Replaces the spans. Spans only ever grow at the end, and only the last one
 * changes (it closes), so unless the task changed only the tail is announced:
 * the rows above keep their place. */
static void
jg_span_list_set (JgSpanList   *self,
                  const JgSpan *spans,
                  guint         n_spans,
                  gboolean      same_task)
{
  guint old = self->spans->len;
  guint keep = same_task && n_spans >= old ? (old > 0 ? old - 1 : 0) : 0;

  g_array_set_size (self->spans, 0);
  if (n_spans > 0)
    g_array_append_vals (self->spans, spans, n_spans);

  if (old != keep || n_spans != keep)
    g_list_model_items_changed (G_LIST_MODEL (self), keep, old - keep, n_spans - keep);
}

/* The panel */

struct _JgTaskHistory
{
  GtkWidget    parent_instance;

  JgTrace     *trace;
  guint32      task;
  JgSpanList  *list;

  /* Template widgets */
  GtkLabel    *title_label;
  GtkLabel    *facts_label;
  GtkGrid     *totals_grid;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (JgTaskHistory, jg_task_history, GTK_TYPE_WIDGET)

enum {
  SPAN_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  JgTaskState state = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (area), "jg-state"));
  GdkRGBA fg;
  JgRgba color;
  gboolean dark;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  color = jg_palette_state_color (state, dark);

  cairo_rectangle (cr, 0, 0, width, height);
  jg_rgba_set_source (cr, &color);
  cairo_fill (cr);
}

static GtkWidget *
swatch_new (JgTaskState state)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (area), "jg-state", GUINT_TO_POINTER (state));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, NULL, NULL);
  return area;
}

static void
swatch_set_state (GtkWidget   *area,
                  JgTaskState  state)
{
  g_object_set_data (G_OBJECT (area), "jg-state", GUINT_TO_POINTER (state));
  gtk_widget_queue_draw (area);
}

static char *
span_description (const JgSpan *span)
{
  const char *state = jg_palette_state_label (span->state);

  switch (span->state)
    {
    case JG_STATE_IO_WAIT:
    case JG_STATE_LOCK_WAIT:
      /* Translators: a state and why, e.g. "Lock wait: waiting for a semaphore" */
      return g_strdup_printf (_("%s: %s"), state, jg_suspend_reason_display_name (span->reason));
    case JG_STATE_DONE:
      return g_strdup_printf (_("%s: %s"), state, jg_end_status_display_name (span->reason));
    case JG_STATE_RUNNING:
      if (span->cpu >= 0)
        /* Translators: Running, and the core it ran on */
        return g_strdup_printf (_("%s on core %d"), state, span->cpu);
      return g_strdup (state);
    case JG_STATE_GIL_WAIT:
    case JG_STATE_AWAITING:
    case JG_STATE_READY:
    case JG_N_STATES:
    default:
      return g_strdup (state);
    }
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = swatch_new (JG_STATE_RUNNING);
  GtkWidget *what = gtk_label_new (NULL);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *length = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (what), 0);
  gtk_label_set_ellipsize (GTK_LABEL (what), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (what, TRUE);
  gtk_label_set_xalign (GTK_LABEL (when), 1);
  gtk_label_set_width_chars (GTK_LABEL (when), 7);
  gtk_widget_add_css_class (when, "numeric");
  gtk_widget_add_css_class (when, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (length), 1);
  gtk_label_set_width_chars (GTK_LABEL (length), 7);
  gtk_widget_add_css_class (length, "numeric");

  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), what);
  gtk_box_append (GTK_BOX (box), when);
  gtk_box_append (GTK_BOX (box), length);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  JgSpanRow *row = gtk_list_item_get_item (item);
  GtkWidget *swatch = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *what = gtk_widget_get_next_sibling (swatch);
  GtkWidget *when = gtk_widget_get_next_sibling (what);
  GtkWidget *length = gtk_widget_get_next_sibling (when);
  g_autofree char *description = span_description (&row->span);
  g_autofree char *start = jg_format_duration (row->span.start);
  g_autofree char *duration = NULL;

  swatch_set_state (swatch, row->span.state);
  gtk_label_set_label (GTK_LABEL (what), description);
  gtk_widget_set_tooltip_text (what, description);
  gtk_label_set_label (GTK_LABEL (when), start);
  if (row->span.state == JG_STATE_DONE)
    duration = g_strdup ("");
  else if (row->span.flags & JG_SPAN_OPEN)
    {
      g_autofree char *so_far = jg_format_duration (row->span.end - row->span.start);

      /* Translators: the length of a span still going on */
      duration = g_strdup_printf (_("%s…"), so_far);
    }
  else
    duration = jg_format_duration (row->span.end - row->span.start);
  gtk_label_set_label (GTK_LABEL (length), duration);
}

static void
list_activate_cb (JgTaskHistory *self,
                  guint          position,
                  GtkListView   *list_view)
{
  const JgSpan *span;

  if (position >= self->list->spans->len)
    return;

  span = &g_array_index (self->list->spans, JgSpan, position);
  g_signal_emit (self, signals[SPAN_ACTIVATED], 0, span->start, MAX (span->end, span->start + 1));
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
cell_new (const char *text,
          float       xalign,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
update_totals (JgTaskHistory *self)
{
  guint64 ns[JG_N_STATES] = { 0 };
  guint count[JG_N_STATES] = { 0 };
  int row = 0;

  clear_grid (self->totals_grid);

  for (guint i = 0; i < self->list->spans->len; i++)
    {
      const JgSpan *span = &g_array_index (self->list->spans, JgSpan, i);

      if (span->state >= JG_N_STATES || span->state == JG_STATE_DONE)
        continue;
      ns[span->state] += span->end - span->start;
      count[span->state]++;
    }

  for (guint state = 0; state < JG_N_STATES; state++)
    {
      g_autofree char *total = NULL;
      g_autofree char *times = NULL;

      if (count[state] == 0)
        continue;
      total = jg_format_duration (ns[state]);
      /* Translators: how many separate spans of a state, e.g. "12 times" */
      times = g_strdup_printf (ngettext ("%'u time", "%'u times", count[state]), count[state]);
      gtk_grid_attach (self->totals_grid, swatch_new (state), 0, row, 1, 1);
      gtk_grid_attach (self->totals_grid, cell_new (jg_palette_state_label (state), 0, NULL), 1, row, 1, 1);
      gtk_grid_attach (self->totals_grid, cell_new (total, 1, "numeric"), 2, row, 1, 1);
      gtk_grid_attach (self->totals_grid, cell_new (times, 1, "dim-label"), 3, row, 1, 1);
      row++;
    }
}

static void
update_facts (JgTaskHistory *self,
              JgSpans       *spans)
{
  g_autoptr(GString) facts = g_string_new (NULL);
  guint64 began, ended;
  JgEndStatus status;

  if (self->list->spans->len > 0)
    {
      guint32 worker = g_array_index (self->list->spans, JgSpan, 0).worker;

      if (worker < jg_trace_get_n_workers (self->trace))
        /* Translators: the thread, process or loop a task ran on */
        g_string_append_printf (facts, _("Ran on %s"), jg_trace_get_worker_name (self->trace, worker));
    }

  if (jg_spans_get_task_began (spans, self->task, &began))
    {
      g_autofree char *when = jg_format_duration (began);

      if (facts->len > 0)
        g_string_append (facts, "\n");
      /* Translators: when a task began, on the trace's clock */
      g_string_append_printf (facts, _("Began at %s"), when);
    }

  if (jg_spans_get_task_ended (spans, self->task, &ended, &status))
    {
      g_autofree char *when = jg_format_duration (ended);

      /* Translators: when a task ended, and how */
      g_string_append_printf (facts, _(", ended at %s: %s"), when, jg_end_status_display_name (status));
    }
  else if (facts->len > 0)
    {
      g_string_append (facts, _(", still going"));
    }

  gtk_label_set_label (self->facts_label, facts->str);
}

static gboolean
span_equal (const JgSpan *a,
            const JgSpan *b)
{
  return a->start == b->start && a->end == b->end && a->state == b->state && a->flags == b->flags;
}

static void
jg_task_history_dispose (GObject *object)
{
  JgTaskHistory *self = JG_TASK_HISTORY (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_TASK_HISTORY);
  /* The template's root has no id: unparent it by hand. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->trace);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (jg_task_history_parent_class)->dispose (object);
}

static void
jg_task_history_class_init (JgTaskHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_task_history_dispose;

  /**
   * JgTaskHistory::span-activated:
   * @start: where the span begins, ns
   * @end: where it ends
   *
   * A row was activated: the canvas may show that span.
   */
  signals[SPAN_ACTIVATED] = g_signal_new ("span-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_UINT64, G_TYPE_UINT64);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "taskhistory");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/juggler/Juggler/jg-task-history.ui");
  gtk_widget_class_bind_template_child (widget_class, JgTaskHistory, title_label);
  gtk_widget_class_bind_template_child (widget_class, JgTaskHistory, facts_label);
  gtk_widget_class_bind_template_child (widget_class, JgTaskHistory, totals_grid);
  gtk_widget_class_bind_template_child (widget_class, JgTaskHistory, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
}

static void
jg_task_history_init (JgTaskHistory *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->task = JG_LANE_NONE;
  self->list = g_object_new (JG_TYPE_SPAN_LIST, NULL);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
jg_task_history_new (void)
{
  return g_object_new (JG_TYPE_TASK_HISTORY, NULL);
}

void
jg_task_history_set_task (JgTaskHistory *self,
                          JgTrace       *trace,
                          JgSpans       *spans,
                          guint32        task)
{
  const JgSpan *task_spans = NULL;
  guint n_spans = 0;
  gboolean same;

  g_return_if_fail (JG_IS_TASK_HISTORY (self));
  g_return_if_fail (trace == NULL || JG_IS_TRACE (trace));

  if (trace == NULL || spans == NULL || task >= jg_spans_get_n_tasks (spans))
    task = JG_LANE_NONE;

  if (task == JG_LANE_NONE)
    trace = NULL;
  same = self->trace == trace && self->task == task;
  g_set_object (&self->trace, trace);
  self->task = task;

  if (task != JG_LANE_NONE)
    task_spans = jg_spans_get_task_spans (spans, task, &n_spans);

  /* Nothing new since last time. */
  if (same && n_spans == self->list->spans->len
      && (n_spans == 0 || span_equal (&task_spans[n_spans - 1],
                                      &g_array_index (self->list->spans, JgSpan, n_spans - 1))))
    return;

  jg_span_list_set (self->list, task_spans, n_spans, same);

  if (task == JG_LANE_NONE)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->facts_label, "");
      clear_grid (self->totals_grid);
      return;
    }

  gtk_label_set_label (self->title_label, jg_trace_get_task_name (trace, task));
  update_facts (self, spans);
  update_totals (self);
}

guint32
jg_task_history_get_task (JgTaskHistory *self)
{
  g_return_val_if_fail (JG_IS_TASK_HISTORY (self), JG_LANE_NONE);

  return self->task;
}

guint
jg_task_history_get_n_spans (JgTaskHistory *self)
{
  g_return_val_if_fail (JG_IS_TASK_HISTORY (self), 0);

  return self->list->spans->len;
}
