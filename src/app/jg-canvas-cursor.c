/* jg-canvas-cursor.c: the swimlane canvas's keyboard cursor. It sits on a lane
 * of the view and a span of it; arrows move it from lane to lane and span to
 * span (finding the next span costs the spans nearby, not the whole lane),
 * Enter selects its task, and a ring drawn over the painter's work shows it
 * while the keyboard is in use. */
#define G_LOG_DOMAIN "jg-canvas"

#include "config.h"

#include <math.h>
#include <string.h>

#include "jg-canvas-private.h"
#include "jg-palette.h"

typedef struct
{
  guint64   ts;
  int       direction; /* 0: the span at ts; 1: the next to start; -1: the previous */
  guint64   limit;
  gboolean  found;
  JgLodItem best;
} CursorSearch;

static gboolean
cursor_search_cb (const JgLodItem *item,
                  gpointer         user_data)
{
  CursorSearch *search = user_data;
  gboolean better = FALSE;

  if (item->start > search->limit)
    return TRUE;

  if (search->direction == 0)
    better = item->start <= search->ts && (search->ts < item->end || item->start == search->ts)
             && (!search->found || item->start > search->best.start);
  else if (search->direction > 0)
    better = item->start > search->ts && (!search->found || item->start < search->best.start);
  else
    better = item->start < search->ts && (!search->found || item->start > search->best.start);

  if (better)
    {
      search->best = *item;
      search->found = TRUE;
    }
  return TRUE;
}

/* The span of @row at @ts, or the next or previous one to start. Walks
 * windows that double from the one in view, so a step costs the spans
 * nearby, not the whole lane. */
static gboolean
jg_canvas_find_span (JgCanvas  *self,
                     guint      row,
                     guint64    ts,
                     int        direction,
                     JgLodItem *item)
{
  JgLodLaneKind kind = jg_swimlane_view_lane_kind (self->view);
  CursorSearch search = { ts, direction, 0, FALSE, { 0, } };
  guint64 width = MAX (self->t1 - self->t0, JG_CANVAS_MIN_SPAN_NS);

  if (self->lod == NULL || row >= jg_lod_get_n_lanes (self->lod, kind))
    return FALSE;
  search.limit = _jg_canvas_search_limit (self);

  if (direction == 0)
    {
      jg_lod_foreach (self->lod, kind, row, ts, ts + 1, cursor_search_cb, &search);
    }
  else
    {
      for (;;)
        {
          guint64 a, b;

          if (direction > 0)
            {
              a = ts + 1;
              b = a + width;
            }
          else
            {
              a = ts > width ? ts - width : 0;
              b = ts;
            }
          if (b > a)
            jg_lod_foreach (self->lod, kind, row, a, b, cursor_search_cb, &search);
          if (search.found || (direction > 0 ? b >= search.limit : a == 0) || width > G_MAXUINT64 / 4)
            break;
          width *= 2;
        }
    }

  if (search.found)
    *item = search.best;
  return search.found;
}

/* The span of @row at @ts; failing that, the next one, or the last before. */
void
_jg_canvas_place_cursor (JgCanvas *self,
                         guint     row,
                         guint64   ts)
{
  JgLodItem item;

  self->cursor_row = (int) row;
  self->cursor_ts = ts;
  self->cursor_has_span = jg_canvas_find_span (self, row, ts, 0, &item)
                          || jg_canvas_find_span (self, row, ts, 1, &item)
                          || jg_canvas_find_span (self, row, ts, -1, &item);
  if (self->cursor_has_span)
    {
      self->cursor_item = item;
      self->cursor_ts = item.start;
    }
}

/* Puts the cursor somewhere if the keyboard has not yet: on the selected
 * task's lane, else the first, at the start of what is shown. */
static gboolean
jg_canvas_ensure_cursor (JgCanvas *self)
{
  guint n_rows = _jg_canvas_n_rows (self);
  guint32 selected = jg_canvas_get_selected_task (self);

  if (self->trace == NULL || n_rows == 0)
    {
      self->cursor_row = -1;
      return FALSE;
    }
  if (self->cursor_row >= 0 && (guint) self->cursor_row < n_rows)
    return TRUE;

  _jg_canvas_place_cursor (self,
                           self->view == JG_SWIMLANE_VIEW_TASKS && selected < n_rows ? selected : 0,
                           self->t0);
  return TRUE;
}

/* Scrolls the lanes and moves the time shown, as little as it takes, so the
 * cursor is in view. */
static void
jg_canvas_reveal_cursor (JgCanvas *self)
{
  double y, h;
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double top = height - jg_swimlane_painter_get_lanes_viewport (self->painter);

  if (self->cursor_row < 0)
    return;

  if (jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, self->cursor_row, &y, &h)
      && height > 0)
    {
      if (y < top)
        jg_canvas_scroll_lanes (self, y - top - 4);
      else if (y + h > height)
        jg_canvas_scroll_lanes (self, y + h - height + 4);
    }

  if (self->cursor_has_span
      && (self->cursor_item.end <= self->t0 || self->cursor_item.start >= self->t1))
    {
      guint64 span = self->t1 - self->t0;
      guint64 lead = span / 4;
      guint64 t0 = self->cursor_item.start > lead ? self->cursor_item.start - lead : 0;

      jg_canvas_set_window (self, t0, t0 + span);
    }
}

static void
jg_canvas_cursor_moved (JgCanvas *self)
{
  jg_canvas_reveal_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* Said at once: the person pressed a key and waits to hear where they are. */
  _jg_canvas_update_accessible (self);
}

static void
jg_canvas_move_lane (JgCanvas *self,
                     int       delta)
{
  guint n_rows;
  int row;
  guint64 ts;

  if (!jg_canvas_ensure_cursor (self))
    return;
  n_rows = _jg_canvas_n_rows (self);
  row = CLAMP (self->cursor_row + delta, 0, (int) n_rows - 1);
  if (row == self->cursor_row && self->cursor_has_span)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  /* The same moment in the next lane: the cursor's, kept within view. */
  ts = CLAMP (self->cursor_ts, self->t0, self->t1 > self->t0 ? self->t1 - 1 : self->t0);
  if (self->cursor_has_span && self->cursor_item.start < self->t0 && self->cursor_item.end > self->t0)
    ts = self->t0;
  _jg_canvas_place_cursor (self, row, ts);
  jg_canvas_cursor_moved (self);
}

static void
jg_canvas_move_span (JgCanvas *self,
                     int       direction)
{
  JgLodItem item;

  if (!jg_canvas_ensure_cursor (self))
    return;

  if (!jg_canvas_find_span (self, self->cursor_row,
                            self->cursor_has_span ? self->cursor_item.start : self->cursor_ts,
                            direction, &item))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  self->cursor_has_span = TRUE;
  self->cursor_item = item;
  self->cursor_ts = item.start;
  jg_canvas_cursor_moved (self);
}

/* The cursor's span as it is now: an open span has grown since it was found. */
gboolean
_jg_canvas_cursor_span (JgCanvas  *self,
                        JgLodItem *item)
{
  if (self->cursor_row < 0 || !self->cursor_has_span)
    return FALSE;

  if (!jg_canvas_find_span (self, self->cursor_row, self->cursor_item.start, 0, item)
      || item->task != self->cursor_item.task)
    *item = self->cursor_item;
  return TRUE;
}

/* What the tooltip says of a span, for the cursor's. */
void
_jg_canvas_item_hit (JgCanvas        *self,
                     const JgLodItem *item,
                     JgSwimlaneHit   *hit)
{
  guint n = 0;
  const JgSpan *spans = jg_spans_get_task_spans (self->spans, item->task, &n);

  memset (hit, 0, sizeof *hit);
  hit->region = JG_SWIMLANE_REGION_LANE;
  hit->lane_kind = jg_swimlane_view_lane_kind (self->view);
  hit->lane = (guint) MAX (self->cursor_row, 0);
  hit->ts = item->start;
  hit->has_span = TRUE;
  hit->task = item->task;
  hit->span = item->index;
  hit->state = item->state;
  hit->open = item->open;
  hit->start = item->start;
  hit->duration = item->end - item->start;
  hit->cpu = -1;
  hit->worker = JG_LANE_NONE;
  if (item->index < n)
    {
      hit->reason = spans[item->index].reason;
      hit->cpu = spans[item->index].cpu;
      hit->worker = spans[item->index].worker;
    }
}

/* The keyboard cursor's ring: the accent, with a rim of the background
 * inside it so it shows on any span colour. */
void
_jg_canvas_draw_cursor (JgCanvas *self,
                        cairo_t  *cr,
                        double    width,
                        double    height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  JgRgba accent, rim;
  double plot_x0, plot_x1, x0, x1, y, h, top;
  JgLodItem item;

  if (self->cursor_row < 0 || self->trace == NULL || !gtk_widget_is_focus (widget)
      || (GTK_IS_WINDOW (root) && !gtk_window_get_focus_visible (GTK_WINDOW (root))))
    return;
  if (!jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, self->cursor_row, &y, &h))
    return;

  jg_canvas_get_focus_colors (self, &accent, &rim);
  top = height - jg_swimlane_painter_get_lanes_viewport (self->painter);
  jg_swimlane_painter_get_plot_bounds (self->painter, &plot_x0, &plot_x1);
  if (_jg_canvas_cursor_span (self, &item))
    {
      x0 = MAX (plot_x0, jg_swimlane_painter_x_for_time (self->painter, item.start));
      x1 = MIN (plot_x1, jg_swimlane_painter_x_for_time (self->painter, item.end));
      /* A span too thin to see still gets a ring one can find. */
      if (x1 - x0 < 6)
        {
          double mid = (x0 + x1) / 2;

          x0 = MAX (plot_x0, mid - 3);
          x1 = MIN (plot_x1, mid + 3);
        }
    }
  else
    {
      x0 = plot_x0;
      x1 = plot_x1;
    }
  if (x1 <= x0)
    return;
  x0 = round (x0);
  x1 = round (x1);
  y = round (y);

  cairo_save (cr);
  cairo_rectangle (cr, 0, top, width, height - top);
  cairo_clip (cr);

  /* A mark at the lane's name, so the lane is found even when the span is
   * far off to a side. */
  jg_rgba_set_source (cr, &accent);
  cairo_rectangle (cr, 0, y, 4, h);
  cairo_fill (cr);

  cairo_set_line_width (cr, 3);
  cairo_rectangle (cr, x0 - 1.5, y - 1.5, x1 - x0 + 3, h + 3);
  cairo_stroke (cr);
  jg_rgba_set_source (cr, &rim);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x0 + 0.5, y + 0.5, x1 - x0 - 1, h - 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Focus and keys (bound to these actions in jg-canvas.c's class_init) */

/* Tabbing into the timeline puts the keyboard cursor on a lane at once, so
 * the first thing a screen reader says is where one is. */
void
_jg_canvas_focus_enter (JgCanvas *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->cursor_row < 0 && GTK_IS_WINDOW (root) && gtk_window_get_focus_visible (GTK_WINDOW (root))
      && jg_canvas_ensure_cursor (self))
    _jg_canvas_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_jg_canvas_cursor_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  JgCanvas *self = JG_CANVAS (widget);

  if (g_str_equal (action_name, "canvas.previous-lane"))
    jg_canvas_move_lane (self, -1);
  else if (g_str_equal (action_name, "canvas.next-lane"))
    jg_canvas_move_lane (self, 1);
  else if (g_str_equal (action_name, "canvas.previous-span"))
    jg_canvas_move_span (self, -1);
  else
    jg_canvas_move_span (self, 1);
}

/* Enter does what a click does: selects the task under the cursor. */
void
_jg_canvas_select_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  JgCanvas *self = JG_CANVAS (widget);
  JgLodItem item;
  guint32 task = JG_LANE_NONE;

  if (!jg_canvas_ensure_cursor (self))
    return;

  if (_jg_canvas_cursor_span (self, &item))
    task = item.task;
  else if (self->view == JG_SWIMLANE_VIEW_TASKS)
    task = (guint32) self->cursor_row;

  jg_canvas_set_selected_task (self, task);
  gtk_widget_queue_draw (widget);
  _jg_canvas_update_accessible (self);
}

void
jg_canvas_get_focus_colors (JgCanvas *self,
                            JgRgba   *ring,
                            JgRgba   *rim)
{
  static const JgRgba black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };
  static const JgRgba blue = { 0x1A / 255.0, 0x5F / 255.0, 0xB4 / 255.0, 1 };
  static const JgRgba light_blue = { 0x99 / 255.0, 0xC1 / 255.0, 0xF1 / 255.0, 1 };
  static const JgRgba dark_bg = { 0x1E / 255.0, 0x1E / 255.0, 0x1E / 255.0, 1 };
  gboolean dark;

  g_return_if_fail (JG_IS_CANVAS (self));

  dark = jg_swimlane_painter_get_theme (self->painter) == JG_SWIMLANE_THEME_DARK;
  if (ring != NULL)
    *ring = self->high_contrast ? (dark ? white : black) : (dark ? light_blue : blue);
  if (rim != NULL)
    *rim = dark ? (self->high_contrast ? black : dark_bg) : white;
}

gboolean
jg_canvas_get_cursor (JgCanvas *self,
                      guint    *lane,
                      guint32  *task,
                      guint64  *start,
                      guint64  *end)
{
  JgLodItem item;
  gboolean has_span;

  g_return_val_if_fail (JG_IS_CANVAS (self), FALSE);

  if (self->cursor_row < 0)
    return FALSE;

  has_span = _jg_canvas_cursor_span (self, &item);
  if (lane != NULL)
    *lane = (guint) self->cursor_row;
  if (task != NULL)
    *task = has_span ? item.task : JG_LANE_NONE;
  if (start != NULL)
    *start = has_span ? item.start : self->cursor_ts;
  if (end != NULL)
    *end = has_span ? item.end : self->cursor_ts;
  return TRUE;
}
