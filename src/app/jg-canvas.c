/* jg-canvas.c: the swimlane widget. Drawing is the painter's job (src/render);
 * this file decides what time and lanes are in view, keeps the spans and the
 * level-of-detail summary of a live trace up to date once per frame (at a cost
 * that follows the new events, not the whole trace), turns pointer, touch and
 * keys into zoom, pan, hover and selection, and follows the system's style,
 * high contrast and large text. The keyboard cursor is in jg-canvas-cursor.c,
 * what assistive technology is told in jg-canvas-a11y.c. */
#define G_LOG_DOMAIN "jg-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "jg-canvas-private.h"
#include "jg-clock.h"
#include "jg-format.h"
#include "jg-names.h"
#include "jg-palette.h"

/* A drag shorter than this is a click. */
#define DRAG_THRESHOLD 4.0
/* One notch of a mouse wheel: this many pixels of panning, this much zoom. */
#define WHEEL_STEP_PX 60.0
#define WHEEL_ZOOM    1.25
/* Keys pan by this share of the width, and zoom by this factor. */
#define KEY_PAN_SHARE 0.1
#define KEY_ZOOM      1.5
/* GTK's text resolution when nothing scales it: 96 dpi, in 1024ths. */
#define XFT_DPI_DEFAULT (96 * 1024)

G_DEFINE_FINAL_TYPE (JgCanvas, jg_canvas, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (JgCanvasStyle, jg_canvas_style,
                    G_DEFINE_ENUM_VALUE (JG_CANVAS_STYLE_SYSTEM, "system"),
                    G_DEFINE_ENUM_VALUE (JG_CANVAS_STYLE_LIGHT, "light"),
                    G_DEFINE_ENUM_VALUE (JG_CANVAS_STYLE_DARK, "dark"),
                    G_DEFINE_ENUM_VALUE (JG_CANVAS_STYLE_PROJECTOR, "projector"))

enum {
  PROP_0,
  PROP_TRACE,
  PROP_LIVE,
  PROP_VIEW,
  PROP_STYLE,
  PROP_FOLLOW,
  PROP_SELECTED_TASK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Time */

/* Now, on the clock of a trace being recorded on this machine; 0 if that is
 * not known (a trace built by hand). */
static guint64
jg_canvas_now (JgCanvas *self)
{
  guint64 epoch;
  guint64 now;

  if (self->trace == NULL || !self->live)
    return 0;

  epoch = jg_trace_get_epoch_ns (self->trace);
  now = jg_clock_now_ns ();
  if (epoch == 0 || now < epoch)
    return 0;

  return now - epoch;
}

/* How much of the trace there is to show: all of it once finished; while it
 * grows, up to now, so time moves on at the frame rate even while every task
 * waits and no event comes. */
static guint64
jg_canvas_extent (JgCanvas *self)
{
  guint64 extent = 0;

  if (self->trace == NULL)
    return 0;

  if (self->live)
    extent = MAX (self->lod != NULL ? jg_lod_get_horizon (self->lod) : 0, jg_canvas_now (self));
  else
    extent = jg_trace_get_duration_ns (self->trace);

  return MAX (extent, self->min_extent);
}

/* Where spans may be found: to the newest event (or now), not past a
 * replay's play head. */
guint64
_jg_canvas_search_limit (JgCanvas *self)
{
  guint64 limit = MAX (jg_canvas_extent (self), jg_spans_get_horizon (self->spans));

  return MIN (limit, self->play_head);
}

static void
jg_canvas_apply_window (JgCanvas *self,
                        guint64   t0,
                        guint64   t1)
{
  if (t0 == self->t0 && t1 == self->t1)
    return;

  self->t0 = t0;
  self->t1 = t1;
  jg_swimlane_painter_set_window (self->painter, t0, t1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _jg_canvas_queue_accessible (self);
}

/* Keeps [t0, t1) a sensible width and over the trace: the user may look a
 * little past the newest event of a live run, never before its start. */
static void
jg_canvas_clamp_window (JgCanvas *self,
                        double   *t0,
                        double   *t1)
{
  double extent = (double) jg_canvas_extent (self);
  double limit = MAX (extent, self->live ? (double) JG_CANVAS_FOLLOW_MIN_NS : 0);
  double span = *t1 - *t0;

  limit = MAX (limit, (double) JG_CANVAS_MIN_SPAN_NS);
  span = CLAMP (span, (double) JG_CANVAS_MIN_SPAN_NS, limit);

  if (*t0 < 0)
    *t0 = 0;
  if (*t0 + span > limit)
    *t0 = limit - span;
  *t1 = *t0 + span;
}

static void
jg_canvas_set_window_internal (JgCanvas *self,
                               double    t0,
                               double    t1)
{
  jg_canvas_clamp_window (self, &t0, &t1);
  jg_canvas_apply_window (self, (guint64) llround (t0), (guint64) llround (t1));
}

static void
jg_canvas_follow_newest (JgCanvas *self)
{
  guint64 extent = jg_canvas_extent (self);

  if (!self->live)
    {
      /* The run is over: all of it. */
      jg_canvas_apply_window (self, 0, MAX (extent, JG_CANVAS_MIN_SPAN_NS));
    }
  else if (extent <= JG_CANVAS_FOLLOW_MIN_NS)
    {
      /* A room to grow into, so the first events do not fill the width. */
      jg_canvas_apply_window (self, 0, JG_CANVAS_FOLLOW_MIN_NS);
    }
  else if (extent <= JG_CANVAS_FOLLOW_MAX_NS)
    {
      jg_canvas_apply_window (self, 0, extent);
    }
  else
    {
      jg_canvas_apply_window (self, extent - JG_CANVAS_FOLLOW_MAX_NS, extent);
    }
}

/* The user moved the view: following would snap it back, so it pauses. */
static void
jg_canvas_pause_follow (JgCanvas *self)
{
  if (self->follow && self->live)
    jg_canvas_set_follow (self, FALSE);
}

static double
jg_canvas_plot_width (JgCanvas *self)
{
  double x0, x1;

  jg_swimlane_painter_get_plot_bounds (self->painter, &x0, &x1);
  return MAX (1, x1 - x0);
}

static void
jg_canvas_zoom_from (JgCanvas *self,
                     guint64   t0,
                     guint64   t1,
                     double    factor,
                     double    x)
{
  double anchor;
  double share;
  double span = (double) (t1 - t0) / factor;
  double x0, x1;

  jg_swimlane_painter_get_plot_bounds (self->painter, &x0, &x1);
  if (x < 0)
    x = (x0 + x1) / 2;
  share = CLAMP ((x - x0) / MAX (1, x1 - x0), 0, 1);
  anchor = (double) t0 + share * (double) (t1 - t0);

  jg_canvas_pause_follow (self);
  jg_canvas_set_window_internal (self, anchor - share * span, anchor - share * span + span);
}

/* Lanes */

static double
jg_canvas_max_scroll (JgCanvas *self)
{
  return MAX (0, jg_swimlane_painter_get_lanes_height (self->painter)
                 - jg_swimlane_painter_get_lanes_viewport (self->painter));
}

static void
jg_canvas_set_scroll (JgCanvas *self,
                      double    scroll)
{
  double before = jg_swimlane_painter_get_scroll (self->painter);

  jg_swimlane_painter_set_scroll (self->painter, CLAMP (scroll, 0, jg_canvas_max_scroll (self)));
  if (jg_swimlane_painter_get_scroll (self->painter) != before)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      _jg_canvas_queue_accessible (self);
    }
}

guint
_jg_canvas_n_rows (JgCanvas *self)
{
  return jg_swimlane_painter_get_n_rows (self->painter);
}

/* Style */

static gboolean
jg_canvas_system_is_dark (JgCanvas *self)
{
  g_autofree char *theme_name = NULL;
  g_autofree char *lower = NULL;
  gboolean prefer_dark = FALSE;

  if (self->gtk_settings == NULL)
    return FALSE;

  g_object_get (self->gtk_settings,
                "gtk-application-prefer-dark-theme", &prefer_dark,
                "gtk-theme-name", &theme_name,
                NULL);
  if (prefer_dark)
    return TRUE;

  /* "Adwaita-dark", "Yaru-dark", GTK_THEME's "Adwaita:dark", or GTK's own
   * white-on-black "HighContrastInverse". */
  lower = theme_name != NULL ? g_ascii_strdown (theme_name, -1) : NULL;
  return lower != NULL && (g_str_has_suffix (lower, "-dark") || g_str_has_suffix (lower, ":dark")
                           || strstr (lower, "highcontrastinverse") != NULL);
}

/* GTK 4.8 has no contrast setting of its own: the desktop's high contrast
 * switch arrives as the "HighContrast" (or "HighContrastInverse") theme. */
static gboolean
jg_canvas_system_high_contrast (JgCanvas *self)
{
  g_autofree char *theme_name = NULL;
  g_autofree char *lower = NULL;

  if (self->gtk_settings == NULL)
    return FALSE;

  g_object_get (self->gtk_settings, "gtk-theme-name", &theme_name, NULL);
  lower = theme_name != NULL ? g_ascii_strdown (theme_name, -1) : NULL;
  return lower != NULL && strstr (lower, "highcontrast") != NULL;
}

/* The desktop's large text (text-scaling-factor, through the settings portal
 * or XSETTINGS) reaches GTK as a font resolution: GTK's own labels grow by
 * gtk-xft-dpi / 96 dpi, and so does the canvas's type, drawn with cairo. */
static double
jg_canvas_system_text_scale (JgCanvas *self)
{
  int dpi = -1;

  if (self->gtk_settings == NULL)
    return 1;

  g_object_get (self->gtk_settings, "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    return 1;

  return CLAMP ((double) dpi / XFT_DPI_DEFAULT, 0.5, 3.0);
}

static void
jg_canvas_update_theme (JgCanvas *self)
{
  JgSwimlaneTheme theme;
  gboolean high_contrast = jg_canvas_system_high_contrast (self);
  double text_scale = jg_canvas_system_text_scale (self);

  switch (self->style)
    {
    case JG_CANVAS_STYLE_LIGHT:
      theme = JG_SWIMLANE_THEME_LIGHT;
      break;
    case JG_CANVAS_STYLE_DARK:
      theme = JG_SWIMLANE_THEME_DARK;
      break;
    case JG_CANVAS_STYLE_PROJECTOR:
      theme = JG_SWIMLANE_THEME_PROJECTOR;
      break;
    case JG_CANVAS_STYLE_SYSTEM:
    default:
      theme = jg_canvas_system_is_dark (self) ? JG_SWIMLANE_THEME_DARK : JG_SWIMLANE_THEME_LIGHT;
      break;
    }

  self->high_contrast = high_contrast;
  self->text_scale = text_scale;
  if (jg_swimlane_painter_get_theme (self->painter) == theme
      && jg_swimlane_painter_get_high_contrast (self->painter) == high_contrast
      && jg_swimlane_painter_get_text_scale (self->painter) == text_scale)
    return;

  jg_swimlane_painter_set_theme (self->painter, theme);
  /* High contrast changes the colours of any style: it is what the person
   * needs to see at all, and the projector style alone is not enough for
   * someone who needs white on black. */
  jg_swimlane_painter_set_high_contrast (self->painter, high_contrast);
  jg_swimlane_painter_set_text_scale (self->painter, text_scale);
  /* The projector's lanes are taller, and so are those of large text. */
  jg_canvas_set_scroll (self, jg_swimlane_painter_get_scroll (self->painter));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _jg_canvas_queue_accessible (self);
}

static void
on_gtk_settings_notify (JgCanvas *self)
{
  jg_canvas_update_theme (self);
}

static void
jg_canvas_watch_settings (JgCanvas    *self,
                          GtkSettings *settings)
{
  if (self->gtk_settings == settings)
    return;

  if (self->gtk_settings != NULL)
    g_signal_handlers_disconnect_by_func (self->gtk_settings, on_gtk_settings_notify, self);
  g_set_object (&self->gtk_settings, settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "notify::gtk-application-prefer-dark-theme",
                               G_CALLBACK (on_gtk_settings_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "notify::gtk-theme-name",
                               G_CALLBACK (on_gtk_settings_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "notify::gtk-xft-dpi",
                               G_CALLBACK (on_gtk_settings_notify), self, G_CONNECT_SWAPPED);
    }
  jg_canvas_update_theme (self);
}

/* Live updates */

static gboolean
jg_canvas_tick_cb (GtkWidget     *widget,
                   GdkFrameClock *frame_clock,
                   gpointer       user_data)
{
  JgCanvas *self = JG_CANVAS (widget);

  jg_canvas_update (self);
  if (self->live)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
jg_canvas_stop_ticking (JgCanvas *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

/* Live tails */

/* Diagonal hatching over @x, @y, @w, @h, as the painter draws waits. */
static void
hatch (cairo_t      *cr,
       double        x,
       double        y,
       double        w,
       double        h,
       const JgRgba *color,
       gboolean      cross)
{
  const double period = 6;

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  jg_rgba_set_source (cr, color);
  cairo_set_line_width (cr, 2);
  for (double d = x - h; d < x + w + h; d += period)
    {
      cairo_move_to (cr, d, y + h);
      cairo_line_to (cr, d + h, y);
      if (cross)
        {
          cairo_move_to (cr, d, y);
          cairo_line_to (cr, d + h, y + h);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The rest of an open span, from the newest event to now, in @row: the state
 * lasts until the next event says otherwise. */
static void
draw_tail (cairo_t     *cr,
           JgTaskState  state,
           const JgRgba *task_color,
           gboolean     dark,
           double       x,
           double       w,
           double       y,
           double       h)
{
  JgRgba color = task_color != NULL ? *task_color : jg_palette_state_color (state, dark);
  JgRgba tint = color;
  double top = y + floor (h / 4);
  double band = h - 2 * floor (h / 4);

  tint.a = dark ? 0.35 : 0.30;

  switch (state)
    {
    case JG_STATE_RUNNING:
      jg_rgba_set_source (cr, &color);
      cairo_rectangle (cr, x, y, w, h);
      cairo_fill (cr);
      break;

    case JG_STATE_GIL_WAIT:
      jg_rgba_set_source (cr, &color);
      cairo_rectangle (cr, x, top, w, band);
      cairo_fill (cr);
      break;

    case JG_STATE_IO_WAIT:
    case JG_STATE_LOCK_WAIT:
      jg_rgba_set_source (cr, &tint);
      cairo_rectangle (cr, x, top, w, band);
      cairo_fill (cr);
      hatch (cr, x, top, w, band, &color, state == JG_STATE_LOCK_WAIT);
      break;

    case JG_STATE_AWAITING:
      jg_rgba_set_source (cr, &tint);
      cairo_rectangle (cr, x, top, w, band);
      cairo_fill (cr);
      jg_rgba_set_source (cr, &color);
      cairo_rectangle (cr, x, top, w, 2);
      cairo_rectangle (cr, x, top + band - 2, w, 2);
      cairo_fill (cr);
      break;

    case JG_STATE_READY:
      jg_rgba_set_source (cr, &color);
      cairo_rectangle (cr, x, y + h / 2 - MAX (1, h / 10), w, 2 * MAX (1, h / 10));
      cairo_fill (cr);
      break;

    case JG_STATE_DONE:
    case JG_N_STATES:
    default:
      break;
    }
}

/* The row of the view an open span of @task is drawn in, or -1. */
static int
tail_row (JgCanvas     *self,
          guint32       task,
          const JgSpan *span)
{
  switch (self->view)
    {
    case JG_SWIMLANE_VIEW_WORKERS:
      /* Worker lanes show Running and the waits that hold the thread. */
      if (span->state == JG_STATE_READY || span->state == JG_STATE_AWAITING)
        return -1;
      return (int) span->worker;

    case JG_SWIMLANE_VIEW_CORES:
      {
        guint n_rows = jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_CORE);

        if (span->state != JG_STATE_RUNNING || n_rows == 0)
          return -1;
        if (span->cpu >= 0 && (guint) span->cpu < n_rows && jg_lod_get_core_cpu (self->lod, span->cpu) == span->cpu)
          return span->cpu;
        return jg_lod_get_core_cpu (self->lod, n_rows - 1) < 0 ? (int) n_rows - 1 : -1;
      }

    case JG_SWIMLANE_VIEW_TASKS:
    case JG_SWIMLANE_N_VIEWS:
    default:
      return (int) task;
    }
}

/* While a run records, spans stay open until their next event, and the
 * painter draws them to the newest event. Time goes on meanwhile: the open
 * spans are drawn on to now, so a five-second download is seen waiting for
 * five seconds, not frozen at its start. A few rectangles per frame. */
static void
jg_canvas_draw_tails (JgCanvas *self,
                      cairo_t  *cr,
                      double    width,
                      double    height)
{
  JgSwimlanePainter *painter = self->painter;
  guint64 horizon, now;
  gboolean dark = jg_swimlane_painter_get_theme (painter) == JG_SWIMLANE_THEME_DARK;
  double plot_x0, plot_x1, x0, x1, lanes_top;
  const JgGilSpan *gil;
  guint n_gil;

  if (!self->live || self->lod == NULL || (now = jg_canvas_now (self)) == 0)
    return;
  horizon = jg_lod_get_horizon (self->lod);
  if (now <= horizon)
    return;

  jg_swimlane_painter_get_plot_bounds (painter, &plot_x0, &plot_x1);
  x0 = MAX (plot_x0, jg_swimlane_painter_x_for_time (painter, horizon));
  x1 = MIN (plot_x1, jg_swimlane_painter_x_for_time (painter, now));
  if (x1 - x0 < 0.5)
    return;

  /* Lanes scroll under the GIL lanes and the strip above them. */
  lanes_top = height - jg_swimlane_painter_get_lanes_viewport (painter);

  cairo_save (cr);
  cairo_rectangle (cr, x0, lanes_top, x1 - x0, height - lanes_top);
  cairo_clip (cr);
  for (guint32 task = 0; task < jg_spans_get_n_tasks (self->spans); task++)
    {
      guint n;
      const JgSpan *spans = jg_spans_get_task_spans (self->spans, task, &n);
      const JgSpan *last = n > 0 ? &spans[n - 1] : NULL;
      JgRgba color;
      double y, h;
      int row;

      if (last == NULL || !(last->flags & JG_SPAN_OPEN) || last->state == JG_STATE_DONE)
        continue;
      if ((row = tail_row (self, task, last)) < 0
          || !jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, row, &y, &h)
          || y + h < lanes_top || y > height)
        continue;

      color = jg_swimlane_task_color (task);
      draw_tail (cr, last->state, self->view == JG_SWIMLANE_VIEW_CORES ? &color : NULL, dark,
                 x0, x1 - x0, y, h);
    }
  cairo_restore (cr);

  /* The GIL's holder keeps it until it lets go. */
  gil = jg_spans_get_gil_spans (self->spans, &n_gil);
  for (guint lane = 0; lane < jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_GIL); lane++)
    {
      guint32 interp = jg_lod_get_gil_interp (self->lod, lane);
      double y, h;

      for (guint i = n_gil; i > 0; i--)
        {
          const JgGilSpan *span = &gil[i - 1];

          if (span->interp != interp)
            continue;
          if ((span->flags & JG_SPAN_OPEN)
              && jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_GIL, lane, &y, &h))
            {
              JgRgba color = jg_swimlane_task_color (span->task);

              draw_tail (cr, JG_STATE_RUNNING, &color, dark, x0, x1 - x0, y, h);
            }
          break;
        }
    }
}

/* Input */

static void
on_drag_begin (JgCanvas       *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  self->dragging = FALSE;
  self->gesture_t0 = self->t0;
  self->gesture_t1 = self->t1;
  self->gesture_scroll = jg_swimlane_painter_get_scroll (self->painter);
}

static void
on_drag_update (JgCanvas       *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  double per_px;

  if (!self->dragging && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;

  /* The content moves with the pointer: dragging right shows earlier times. */
  per_px = (double) (self->gesture_t1 - self->gesture_t0) / jg_canvas_plot_width (self);
  if (dx != 0)
    {
      jg_canvas_pause_follow (self);
      jg_canvas_set_window_internal (self,
                                     (double) self->gesture_t0 - dx * per_px,
                                     (double) self->gesture_t1 - dx * per_px);
    }
  jg_canvas_set_scroll (self, self->gesture_scroll - dy);
}

static void
on_drag_end (JgCanvas       *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  self->dragging = FALSE;
}

/* The task a click at (@x, @y) means: the span under it, or in the Tasks view
 * the lane's own task, so a click on a name or a gap works too. */
static guint32
jg_canvas_task_at (JgCanvas      *self,
                   double         x,
                   double         y,
                   JgSwimlaneHit *hit)
{
  if (!jg_swimlane_painter_hit_test (self->painter, x, y, hit))
    return JG_LANE_NONE;

  if (hit->has_span && hit->task != JG_LANE_NONE)
    return hit->task;

  if (hit->region == JG_SWIMLANE_REGION_LANE && self->view == JG_SWIMLANE_VIEW_TASKS
      && self->trace != NULL && hit->lane < jg_trace_get_n_tasks (self->trace))
    return hit->lane;

  return JG_LANE_NONE;
}

static void
on_click_released (JgCanvas        *self,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkGestureClick *gesture)
{
  JgSwimlaneHit hit;
  guint32 task;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->trace == NULL)
    return;

  task = jg_canvas_task_at (self, x, y, &hit);

  /* The keyboard carries on from where the pointer clicked. */
  if (hit.region == JG_SWIMLANE_REGION_LANE && !hit.on_label)
    _jg_canvas_place_cursor (self, hit.lane, hit.has_span ? hit.start : hit.ts);
  else if (hit.region == JG_SWIMLANE_REGION_LANE)
    _jg_canvas_place_cursor (self, hit.lane, self->t0);

  /* A double click on a span zooms to it. */
  if (n_press == 2 && hit.has_span && hit.duration > 0)
    {
      guint64 margin = hit.duration / 4;

      jg_canvas_set_window (self, hit.start > margin ? hit.start - margin : 0,
                            hit.start + hit.duration + margin);
    }

  jg_canvas_set_selected_task (self, task);
}

static void
on_motion (JgCanvas                 *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_x = x;
  self->has_pointer = TRUE;
  jg_swimlane_painter_set_hover (self->painter, x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (JgCanvas                 *self,
          GtkEventControllerMotion *controller)
{
  self->has_pointer = FALSE;
  jg_swimlane_painter_clear_hover (self->painter);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (JgCanvas                 *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;
  double step = wheel ? WHEEL_STEP_PX : 1;

  if (self->trace == NULL)
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      double factor = wheel ? pow (WHEEL_ZOOM, -dy) : exp (-dy * 0.01);

      jg_canvas_zoom (self, factor, self->has_pointer ? self->pointer_x : -1);
      return TRUE;
    }

  /* Shift turns the wheel sideways, as in every timeline. */
  if (state & GDK_SHIFT_MASK)
    {
      dx += dy;
      dy = 0;
    }

  /* Nothing to scroll up or down: the wheel moves through time instead. */
  if (dy != 0 && jg_canvas_max_scroll (self) <= 0)
    {
      dx += dy;
      dy = 0;
    }

  if (dx != 0)
    jg_canvas_pan (self, dx * step);
  if (dy != 0)
    jg_canvas_scroll_lanes (self, dy * step);

  return TRUE;
}

static void
on_zoom_begin (JgCanvas         *self,
               GdkEventSequence *sequence,
               GtkGestureZoom   *gesture)
{
  double x, y;

  self->gesture_t0 = self->t0;
  self->gesture_t1 = self->t1;
  if (gtk_gesture_is_active (GTK_GESTURE (gesture))
      && gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    self->gesture_x = x;
  else
    self->gesture_x = -1;
}

static void
on_zoom_scale_changed (JgCanvas       *self,
                       double          scale,
                       GtkGestureZoom *gesture)
{
  if (scale <= 0)
    return;

  jg_canvas_zoom_from (self, self->gesture_t0, self->gesture_t1, scale, self->gesture_x);
}

static gboolean
on_query_tooltip (JgCanvas   *self,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  g_autofree char *markup = NULL;

  if (keyboard_mode)
    {
      JgLodItem item;
      JgSwimlaneHit hit;

      /* Keyboard mode: the span under the keyboard cursor. */
      if (self->trace == NULL || !_jg_canvas_cursor_span (self, &item))
        return FALSE;
      _jg_canvas_item_hit (self, &item, &hit);
      markup = _jg_canvas_describe_span (self, &hit);
    }
  else if ((markup = jg_canvas_describe_point (self, x, y)) == NULL)
    {
      return FALSE;
    }

  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* Actions (keys are bound to them in class_init) */

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  jg_canvas_zoom (JG_CANVAS (widget), KEY_ZOOM, -1);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  jg_canvas_zoom (JG_CANVAS (widget), 1 / KEY_ZOOM, -1);
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  jg_canvas_zoom_fit (JG_CANVAS (widget));
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  JgCanvas *self = JG_CANVAS (widget);
  double share = g_str_equal (action_name, "canvas.pan-left") ? -KEY_PAN_SHARE : KEY_PAN_SHARE;

  jg_canvas_pan (self, share * jg_canvas_plot_width (self));
}

static void
scroll_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JgCanvas *self = JG_CANVAS (widget);
  double row_y, row_h;
  double step = 30;

  if (jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, 1, &row_y, &row_h)
      && jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, 0, &step, NULL))
    step = row_y - step;

  jg_canvas_scroll_lanes (self, g_str_equal (action_name, "canvas.scroll-up") ? -step : step);
}

static void
go_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *param)
{
  JgCanvas *self = JG_CANVAS (widget);
  guint64 span = self->t1 - self->t0;

  if (g_str_equal (action_name, "canvas.go-start"))
    {
      jg_canvas_set_window (self, 0, span);
    }
  else
    {
      guint64 extent = jg_canvas_extent (self);

      jg_canvas_set_window (self, extent > span ? extent - span : 0, MAX (extent, span));
    }
}

/* GtkWidget */

static void
jg_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 800;
    }
  else
    {
      *minimum = 200;
      *natural = 480;
    }
}

static void
jg_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  JgCanvas *self = JG_CANVAS (widget);

  jg_swimlane_painter_set_size (self->painter, width, height);
  jg_canvas_set_scroll (self, jg_swimlane_painter_get_scroll (self->painter));
}

/* A replay's play head: a line across the counters and the lanes. */
static void
jg_canvas_draw_play_head (JgCanvas *self,
                          cairo_t  *cr,
                          int       height)
{
  double plot_x0, plot_x1, x, y, h;

  if (self->trace == NULL || self->play_head == G_MAXUINT64
      || self->play_head < self->t0 || self->play_head > self->t1)
    return;

  jg_swimlane_painter_get_plot_bounds (self->painter, &plot_x0, &plot_x1);
  x = jg_swimlane_painter_x_for_time (self->painter, self->play_head);
  if (x < plot_x0 || x > plot_x1)
    return;
  if (!jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_COUNTERS, 0, &y, &h))
    y = 0;

  cairo_save (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
  cairo_rectangle (cr, round (x) - 1, y, 2, height - y);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
jg_canvas_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  JgCanvas *self = JG_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  jg_swimlane_painter_set_size (self->painter, width, height);
  /* Lanes are laid out per device pixel: sharp on HiDPI screens. */
  jg_swimlane_painter_set_scale_factor (self->painter, gtk_widget_get_scale_factor (widget));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  jg_swimlane_painter_draw (self->painter, cr);
  jg_canvas_draw_tails (self, cr, width, height);
  jg_canvas_draw_play_head (self, cr, height);
  _jg_canvas_draw_cursor (self, cr, width, height);
  cairo_destroy (cr);
}

static void
jg_canvas_root (GtkWidget *widget)
{
  JgCanvas *self = JG_CANVAS (widget);

  GTK_WIDGET_CLASS (jg_canvas_parent_class)->root (widget);

  jg_canvas_watch_settings (self, gtk_widget_get_settings (widget));
  /* The cursor's ring shows while the keyboard is in use, as GTK's own
   * focus rings do. */
  if (GTK_IS_WINDOW (gtk_widget_get_root (widget)))
    g_signal_connect_object (gtk_widget_get_root (widget), "notify::focus-visible",
                             G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

static void
jg_canvas_unroot (GtkWidget *widget)
{
  JgCanvas *self = JG_CANVAS (widget);

  jg_canvas_watch_settings (self, NULL);
  if (gtk_widget_get_root (widget) != NULL)
    g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), gtk_widget_queue_draw, self);

  GTK_WIDGET_CLASS (jg_canvas_parent_class)->unroot (widget);
}

static void
jg_canvas_dispose (GObject *object)
{
  JgCanvas *self = JG_CANVAS (object);

  jg_canvas_stop_ticking (self);
  jg_canvas_watch_settings (self, NULL);
  g_clear_handle_id (&self->a11y_source, g_source_remove);
  g_clear_pointer (&self->a11y_label, g_free);
  g_clear_pointer (&self->a11y_description, g_free);
  if (self->painter != NULL)
    jg_swimlane_painter_set_source (self->painter, NULL, NULL);
  g_clear_pointer (&self->lod, jg_lod_free);
  g_clear_pointer (&self->spans, jg_spans_free);
  g_clear_object (&self->trace);
  g_clear_object (&self->painter);

  G_OBJECT_CLASS (jg_canvas_parent_class)->dispose (object);
}

static void
jg_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JgCanvas *self = JG_CANVAS (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;

    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;

    case PROP_VIEW:
      g_value_set_enum (value, self->view);
      break;

    case PROP_STYLE:
      g_value_set_enum (value, self->style);
      break;

    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;

    case PROP_SELECTED_TASK:
      g_value_set_uint (value, jg_canvas_get_selected_task (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JgCanvas *self = JG_CANVAS (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      jg_canvas_set_view (self, g_value_get_enum (value));
      break;

    case PROP_STYLE:
      jg_canvas_set_style (self, g_value_get_enum (value));
      break;

    case PROP_FOLLOW:
      jg_canvas_set_follow (self, g_value_get_boolean (value));
      break;

    case PROP_SELECTED_TASK:
      jg_canvas_set_selected_task (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_canvas_class_init (JgCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_canvas_dispose;
  object_class->get_property = jg_canvas_get_property;
  object_class->set_property = jg_canvas_set_property;

  widget_class->measure = jg_canvas_measure;
  widget_class->size_allocate = jg_canvas_size_allocate;
  widget_class->snapshot = jg_canvas_snapshot;
  widget_class->root = jg_canvas_root;
  widget_class->unroot = jg_canvas_unroot;

  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL,
                         JG_TYPE_TRACE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VIEW] =
    g_param_spec_enum ("view", NULL, NULL,
                       JG_TYPE_SWIMLANE_VIEW,
                       JG_SWIMLANE_VIEW_TASKS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STYLE] =
    g_param_spec_enum ("style", NULL, NULL,
                       JG_TYPE_CANVAS_STYLE,
                       JG_CANVAS_STYLE_SYSTEM,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_TASK] =
    g_param_spec_uint ("selected-task", NULL, NULL,
                       0, G_MAXUINT32, JG_LANE_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "swimlanes");
  /* GTK 4.8 cannot give a drawn widget accessible children (that came in
   * 4.10): the timeline is one image whose description says what is drawn
   * and where the keyboard cursor is. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "canvas.pan-left", NULL, pan_action);
  gtk_widget_class_install_action (widget_class, "canvas.pan-right", NULL, pan_action);
  gtk_widget_class_install_action (widget_class, "canvas.scroll-up", NULL, scroll_action);
  gtk_widget_class_install_action (widget_class, "canvas.scroll-down", NULL, scroll_action);
  gtk_widget_class_install_action (widget_class, "canvas.go-start", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "canvas.go-end", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "canvas.previous-lane", NULL, _jg_canvas_cursor_action);
  gtk_widget_class_install_action (widget_class, "canvas.next-lane", NULL, _jg_canvas_cursor_action);
  gtk_widget_class_install_action (widget_class, "canvas.previous-span", NULL, _jg_canvas_cursor_action);
  gtk_widget_class_install_action (widget_class, "canvas.next-span", NULL, _jg_canvas_cursor_action);
  gtk_widget_class_install_action (widget_class, "canvas.select", NULL, _jg_canvas_select_action);
  gtk_widget_class_install_property_action (widget_class, "canvas.follow", "follow");

  /* Plain keys only while the canvas has the focus, so they never reach a
   * spin button someone is typing into. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "canvas.zoom-fit", NULL);
  /* Arrows move the keyboard cursor: lanes up and down, spans back and on;
   * with Shift they move the view instead. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "canvas.previous-lane", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, 0, "canvas.previous-lane", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "canvas.next-lane", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, 0, "canvas.next-lane", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "canvas.previous-span", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "canvas.previous-span", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "canvas.next-span", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "canvas.next-span", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "canvas.select", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "canvas.select", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "canvas.select", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, "canvas.pan-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, "canvas.pan-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_SHIFT_MASK, "canvas.scroll-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_SHIFT_MASK, "canvas.scroll-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "canvas.go-start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "canvas.go-end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "canvas.follow", NULL);
}

static void
jg_canvas_init (JgCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag;
  GtkGesture *click;
  GtkGesture *zoom;
  GtkEventController *motion;
  GtkEventController *scroll;
  GtkEventController *focus;

  self->painter = jg_swimlane_painter_new ();
  self->follow = TRUE;
  self->view = JG_SWIMLANE_VIEW_TASKS;
  self->style = JG_CANVAS_STYLE_SYSTEM;
  self->t1 = JG_CANVAS_FOLLOW_MIN_NS;
  self->play_head = G_MAXUINT64;
  self->cursor_row = -1;
  self->text_scale = 1;
  jg_swimlane_painter_set_window (self->painter, self->t0, self->t1);

  /* Right to left (Arabic, Hebrew): the window around the canvas mirrors,
   * the timeline does not. Time runs left to right in charts in those
   * languages too, as on every axis with numbers; a trace must look the same
   * on every screen, in exported pictures and in Perfetto, which the class
   * compares side by side; and pointer, wheel and keys keep one meaning
   * (Right is always later). The names stay in their column on the left, where
   * the painter puts them, never over the spans. */
  gtk_widget_set_direction (widget, GTK_TEXT_DIR_LTR);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect_swapped (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (_jg_canvas_focus_enter), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (widget, focus);

  _jg_canvas_set_accessible_label (self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  /* Translators: what a screen reader calls the canvas's kind */
                                  GTK_ACCESSIBLE_PROPERTY_ROLE_DESCRIPTION, _("timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS,
                                  "Up Down Left Right Enter Shift+Left Shift+Right plus minus 0 Home End F",
                                  -1);
  _jg_canvas_update_accessible (self);
}

GtkWidget *
jg_canvas_new (void)
{
  return g_object_new (JG_TYPE_CANVAS, NULL);
}

void
jg_canvas_set_trace (JgCanvas *self,
                     JgTrace  *trace,
                     JgSpans  *spans,
                     JgLod    *lod)
{
  g_autoptr(JgTrace) old_trace = NULL;
  gboolean was_live;

  g_return_if_fail (JG_IS_CANVAS (self));
  g_return_if_fail (trace == NULL || JG_IS_TRACE (trace));
  g_return_if_fail ((spans == NULL) == (lod == NULL));
  g_return_if_fail (trace != NULL || spans == NULL);

  was_live = self->live;
  jg_canvas_stop_ticking (self);

  /* The painter borrows the summary: let go of it before it goes. */
  jg_swimlane_painter_set_source (self->painter, NULL, NULL);
  g_clear_pointer (&self->lod, jg_lod_free);
  g_clear_pointer (&self->spans, jg_spans_free);
  old_trace = g_steal_pointer (&self->trace);

  self->trace = trace != NULL ? g_object_ref (trace) : NULL;
  self->live = FALSE;
  if (trace != NULL)
    {
      if (spans != NULL)
        {
          self->spans = spans;
          self->lod = lod;
        }
      else
        {
          self->spans = jg_spans_new ();
          self->lod = jg_lod_new (self->spans);
        }
      /* Everything already there is consumed now; growth, frame by frame. */
      jg_spans_update (self->spans, trace);
      jg_lod_update (self->lod, trace);
      self->live = !jg_trace_is_finished (trace);
      jg_swimlane_painter_set_source (self->painter, trace, self->lod);
    }

  jg_swimlane_painter_set_selected_task (self->painter, JG_LANE_NONE);
  jg_swimlane_painter_set_scroll (self->painter, 0);
  self->play_head = G_MAXUINT64;
  jg_swimlane_painter_set_horizon (self->painter, G_MAXUINT64);
  self->follow = TRUE;
  jg_canvas_follow_newest (self);

  if (self->live)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), jg_canvas_tick_cb, NULL, NULL);

  self->cursor_row = -1;
  self->cursor_has_span = FALSE;
  _jg_canvas_set_accessible_label (self, trace != NULL ? jg_trace_get_title (trace) : NULL);
  _jg_canvas_queue_accessible (self);

  gtk_widget_queue_draw (GTK_WIDGET (self));

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TASK]);
  if (was_live != self->live)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
  g_object_thaw_notify (G_OBJECT (self));
}

JgTrace *
jg_canvas_get_trace (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  return self->trace;
}

JgSpans *
jg_canvas_get_spans (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  return self->spans;
}

gboolean
jg_canvas_get_live (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), FALSE);

  return self->live;
}

gboolean
jg_canvas_update (JgCanvas *self)
{
  gboolean finished;
  gboolean changed;

  g_return_val_if_fail (JG_IS_CANVAS (self), FALSE);

  if (self->trace == NULL || !self->live)
    return FALSE;

  /* Read first: whatever was published before the trace finished is then
   * consumed below, so nothing is left behind. */
  finished = jg_trace_is_finished (self->trace);
  changed = jg_spans_update (self->spans, self->trace);
  changed |= jg_lod_update (self->lod, self->trace);

  if (finished)
    {
      self->live = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
    }
  if (changed || finished)
    _jg_canvas_queue_accessible (self);

  if (self->follow)
    jg_canvas_follow_newest (self);

  /* Time moves on even when no event came: the tails grow. */
  if (self->live && jg_canvas_now (self) > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));

  if (changed || finished)
    {
      /* New lanes may have appeared: keep the scroll within them. */
      jg_canvas_set_scroll (self, jg_swimlane_painter_get_scroll (self->painter));
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  return changed;
}

void
jg_canvas_set_view (JgCanvas       *self,
                    JgSwimlaneView  view)
{
  g_return_if_fail (JG_IS_CANVAS (self));
  g_return_if_fail ((guint) view < JG_SWIMLANE_N_VIEWS);

  if (self->view == view)
    return;

  self->view = view;
  jg_swimlane_painter_set_view (self->painter, view);
  /* Lanes of another kind: the cursor starts again. */
  self->cursor_row = -1;
  self->cursor_has_span = FALSE;
  jg_canvas_set_scroll (self, 0);
  _jg_canvas_queue_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

JgSwimlaneView
jg_canvas_get_view (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), JG_SWIMLANE_VIEW_TASKS);

  return self->view;
}

void
jg_canvas_set_style (JgCanvas      *self,
                     JgCanvasStyle  style)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  if (self->style == style)
    return;

  self->style = style;
  jg_canvas_update_theme (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STYLE]);
}

JgCanvasStyle
jg_canvas_get_style (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), JG_CANVAS_STYLE_SYSTEM);

  return self->style;
}

JgSwimlaneTheme
jg_canvas_get_theme (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), JG_SWIMLANE_THEME_LIGHT);

  return jg_swimlane_painter_get_theme (self->painter);
}

void
jg_canvas_set_follow (JgCanvas *self,
                      gboolean  follow)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  follow = !!follow;
  if (self->follow == follow)
    return;

  self->follow = follow;
  if (follow)
    jg_canvas_follow_newest (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

gboolean
jg_canvas_get_follow (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), FALSE);

  return self->follow;
}

void
jg_canvas_set_selected_task (JgCanvas *self,
                             guint32   task)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  if (self->trace == NULL || task >= jg_trace_get_n_tasks (self->trace))
    task = JG_LANE_NONE;
  if (jg_swimlane_painter_get_selected_task (self->painter) == task)
    return;

  jg_swimlane_painter_set_selected_task (self->painter, task);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _jg_canvas_queue_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TASK]);
}

guint32
jg_canvas_get_selected_task (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), JG_LANE_NONE);

  return jg_swimlane_painter_get_selected_task (self->painter);
}

void
jg_canvas_get_window (JgCanvas *self,
                      guint64  *t0,
                      guint64  *t1)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  if (t0 != NULL)
    *t0 = self->t0;
  if (t1 != NULL)
    *t1 = self->t1;
}

void
jg_canvas_set_window (JgCanvas *self,
                      guint64   t0,
                      guint64   t1)
{
  g_return_if_fail (JG_IS_CANVAS (self));
  g_return_if_fail (t0 <= t1);

  jg_canvas_pause_follow (self);
  jg_canvas_set_window_internal (self, (double) t0, (double) t1);
}

void
jg_canvas_set_min_extent (JgCanvas *self,
                          guint64   extent)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  self->min_extent = extent;
}

void
jg_canvas_set_play_head (JgCanvas *self,
                         guint64   play_head)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  if (play_head == self->play_head)
    return;

  self->play_head = play_head;
  jg_swimlane_painter_set_horizon (self->painter, play_head);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
jg_canvas_get_play_head (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), G_MAXUINT64);

  return self->play_head;
}

void
jg_canvas_zoom (JgCanvas *self,
                double    factor,
                double    x)
{
  g_return_if_fail (JG_IS_CANVAS (self));
  g_return_if_fail (factor > 0);

  jg_canvas_zoom_from (self, self->t0, self->t1, factor, x);
}

void
jg_canvas_zoom_fit (JgCanvas *self)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  if (self->live)
    {
      jg_canvas_set_follow (self, TRUE);
      jg_canvas_follow_newest (self);
    }
  else
    {
      jg_canvas_set_window_internal (self, 0, (double) MAX (jg_canvas_extent (self), JG_CANVAS_MIN_SPAN_NS));
    }
}

void
jg_canvas_pan (JgCanvas *self,
               double    dx)
{
  double shift;

  g_return_if_fail (JG_IS_CANVAS (self));

  if (dx == 0)
    return;

  shift = dx * (double) (self->t1 - self->t0) / jg_canvas_plot_width (self);
  jg_canvas_pause_follow (self);
  jg_canvas_set_window_internal (self, (double) self->t0 + shift, (double) self->t1 + shift);
}

void
jg_canvas_scroll_lanes (JgCanvas *self,
                        double    dy)
{
  g_return_if_fail (JG_IS_CANVAS (self));

  jg_canvas_set_scroll (self, jg_swimlane_painter_get_scroll (self->painter) + dy);
}

char *
_jg_canvas_describe_span (JgCanvas            *self,
                          const JgSwimlaneHit *hit)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *task_name = jg_trace_get_task_name (self->trace, hit->task);
  g_autofree char *start = jg_format_duration (hit->start);
  g_autofree char *duration = jg_format_duration (hit->duration);
  g_autofree char *escaped = g_markup_escape_text (task_name != NULL ? task_name : "", -1);

  g_string_append_printf (text, "<b>%s</b>\n", escaped);

  if (hit->lane_kind == JG_LOD_LANE_GIL)
    {
      g_string_append (text, _("Holds the GIL"));
      if (!hit->open)
        {
          g_autofree char *reason = g_markup_escape_text (jg_gil_reason_display_name (hit->reason), -1);

          /* Translators: why a thread let go of the GIL, after "Holds the GIL" */
          g_string_append_printf (text, _(", until: %s"), reason);
        }
    }
  else
    {
      g_autofree char *state = g_markup_escape_text (jg_palette_state_label (hit->state), -1);

      g_string_append (text, state);
      if (hit->state == JG_STATE_IO_WAIT || hit->state == JG_STATE_LOCK_WAIT)
        {
          g_autofree char *reason = g_markup_escape_text (jg_suspend_reason_display_name (hit->reason), -1);

          g_string_append_printf (text, " (%s)", reason);
        }
    }
  g_string_append_c (text, '\n');

  if (hit->open)
    /* Translators: when a span began, and how long it has lasted so far */
    g_string_append_printf (text, _("From %s, for %s so far"), start, duration);
  else
    /* Translators: when a span began, and how long it lasted */
    g_string_append_printf (text, _("From %s, for %s"), start, duration);
  g_string_append_c (text, '\n');

  if (hit->cpu >= 0)
    /* Translators: the processor core a span ran or began on */
    g_string_append_printf (text, _("Core %d"), hit->cpu);
  else
    g_string_append (text, _("Core unknown"));

  if (hit->worker != JG_LANE_NONE && hit->worker < jg_trace_get_n_workers (self->trace))
    {
      g_autofree char *worker = g_markup_escape_text (jg_trace_get_worker_name (self->trace, hit->worker), -1);

      /* Translators: the thread, process or loop a span ran on */
      g_string_append_printf (text, _(" · on %s"), worker);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
jg_canvas_describe_point (JgCanvas *self,
                          double    x,
                          double    y)
{
  JgSwimlaneHit hit;

  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  if (self->trace == NULL || !jg_swimlane_painter_hit_test (self->painter, x, y, &hit))
    return NULL;
  /* A replay has not got there yet. */
  if (self->play_head != G_MAXUINT64 && hit.ts > self->play_head && !hit.on_label
      && hit.region != JG_SWIMLANE_REGION_AXIS && hit.region != JG_SWIMLANE_REGION_LEGEND)
    return NULL;

  switch (hit.region)
    {
    case JG_SWIMLANE_REGION_LANE:
    case JG_SWIMLANE_REGION_GIL:
      if (hit.has_span && hit.task != JG_LANE_NONE && hit.task < jg_trace_get_n_tasks (self->trace))
        return _jg_canvas_describe_span (self, &hit);
      if (hit.on_label && hit.region == JG_SWIMLANE_REGION_LANE && self->view == JG_SWIMLANE_VIEW_TASKS
          && hit.lane < jg_trace_get_n_tasks (self->trace))
        {
          const char *name = jg_trace_get_task_name (self->trace, hit.lane);

          /* Translators: the tooltip of a task's name on the canvas */
          return g_markup_printf_escaped (_("<b>%s</b>\nClick to see its whole history"), name);
        }
      return NULL;

    case JG_SWIMLANE_REGION_COUNTERS:
      if (hit.on_label)
        return NULL;
      else
        {
          g_autofree char *at = jg_format_duration (hit.ts);
          g_autofree char *concurrency = jg_format_mean (hit.concurrency);
          g_autofree char *parallelism = jg_format_mean (hit.parallelism);

          /* Translators: the counters strip's tooltip: a time, tasks in flight, tasks on a CPU */
          return g_markup_printf_escaped (_("At %s\nConcurrency %s: tasks in flight\nParallelism %s: tasks running on a CPU"),
                                          at, concurrency, parallelism);
        }

    case JG_SWIMLANE_REGION_NONE:
    case JG_SWIMLANE_REGION_LEGEND:
    case JG_SWIMLANE_REGION_AXIS:
    default:
      return NULL;
    }
}

JgSwimlanePainter *
jg_canvas_get_painter (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  return self->painter;
}

gboolean
jg_canvas_get_high_contrast (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), FALSE);

  return self->high_contrast;
}

double
jg_canvas_get_text_scale (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), 1);

  return self->text_scale;
}
