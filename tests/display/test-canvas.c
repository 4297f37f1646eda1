/* test-canvas.c: the swimlane widget on its own, in a window under Xvfb, with
 * traces built by hand: what is in view after zooming (actions, pinch, wheel),
 * panning (keys, drag, wheel), following a trace that grows and pausing to
 * look back; what hovering says; what a click selects; and the colours of
 * each style. */
#define G_LOG_DOMAIN "test-canvas"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "jg-canvas.h"
#include "jg-display-test.h"
#include "jg-palette.h"

#define MS G_GUINT64_CONSTANT (1000000) /* ns */

typedef struct
{
  GtkWindow *window;
  JgCanvas  *canvas;
  JgTrace   *trace;
  guint32    task[3];
  guint32    worker[3];
} Fixture;

/* Three threads for 100 ms: A runs throughout; B runs 40 ms, waits 40 ms on
 * I/O, runs 20 ms; C waits 60 ms for the GIL, runs 30 ms and ends. With
 * @finish FALSE only the first 10 ms are there, and the trace goes on. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean finish = GPOINTER_TO_INT (data);
  JgMachineInfo machine = { 4, "test", "Test CPU", "test" };

  fixture->trace = jg_trace_new ();
  jg_test_downloads_begin (fixture->trace, 1, fixture->task, fixture->worker);
  jg_trace_set_machine (fixture->trace, &machine);
  jg_trace_set_scenario (fixture->trace, "test", "Three downloads", NULL);
  if (finish)
    {
      jg_test_downloads_end (fixture->trace, fixture->task, fixture->worker, MS, JG_END_OK);
      jg_trace_finish (fixture->trace);
    }

  fixture->canvas = JG_CANVAS (jg_canvas_new ());
  fixture->window = jg_test_canvas_window_new (GTK_WIDGET (fixture->canvas), fixture->canvas, fixture->trace);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->trace);
}

static void
assert_window (Fixture *fixture,
               guint64  t0,
               guint64  t1)
{
  guint64 a, b;

  jg_canvas_get_window (fixture->canvas, &a, &b);
  /* To the nanosecond, give or take rounding of doubles. */
  g_assert_cmpuint (a + 2, >=, t0);
  g_assert_cmpuint (a, <=, t0 + 2);
  g_assert_cmpuint (b + 2, >=, t1);
  g_assert_cmpuint (b, <=, t1 + 2);
}

static gpointer
find_controller (JgCanvas *canvas,
                 GType     type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_error ("no %s on the canvas", g_type_name (type));
  return NULL;
}

static void
test_canvas_zoom_pan (Fixture       *fixture,
                      gconstpointer  data)
{
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  double x25;
  guint64 t0, t1;

  /* A finished trace: all of it, and nothing to follow. */
  g_assert_false (jg_canvas_get_live (fixture->canvas));
  assert_window (fixture, 0, 100 * MS);

  /* Keys' actions zoom around the middle... */
  jg_test_activate (fixture->canvas, "canvas.zoom-in");
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, <, 70 * MS);
  g_assert_cmpuint ((t0 + t1) / 2, >=, 50 * MS - 2);
  g_assert_cmpuint ((t0 + t1) / 2, <=, 50 * MS + 2);

  /* ...never out past the whole trace... */
  for (guint i = 0; i < 5; i++)
    jg_test_activate (fixture->canvas, "canvas.zoom-out");
  assert_window (fixture, 0, 100 * MS);

  /* ...and around the pointer: what was under it stays under it. */
  x25 = jg_swimlane_painter_x_for_time (painter, 25 * MS);
  jg_canvas_zoom (fixture->canvas, 4, x25);
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, 25 * MS);
  g_assert_cmpfloat (fabs (jg_swimlane_painter_x_for_time (painter, 25 * MS) - x25), <, 0.5);

  /* Panning moves through time and stops at the ends. */
  jg_test_activate (fixture->canvas, "canvas.pan-right");
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, 25 * MS);
  g_assert_cmpuint (t0, >, 25 * MS - 25 * MS / 4);
  jg_test_activate (fixture->canvas, "canvas.go-end");
  assert_window (fixture, 75 * MS, 100 * MS);
  jg_test_activate (fixture->canvas, "canvas.pan-right");
  assert_window (fixture, 75 * MS, 100 * MS);
  jg_test_activate (fixture->canvas, "canvas.go-start");
  assert_window (fixture, 0, 25 * MS);
  jg_test_activate (fixture->canvas, "canvas.pan-left");
  assert_window (fixture, 0, 25 * MS);

  /* Zoomed in as far as it goes: a microsecond. */
  for (guint i = 0; i < 60; i++)
    jg_test_activate (fixture->canvas, "canvas.zoom-in");
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, JG_CANVAS_MIN_SPAN_NS);

  jg_test_activate (fixture->canvas, "canvas.zoom-fit");
  assert_window (fixture, 0, 100 * MS);
}

static void
test_canvas_gestures (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkGestureDrag *drag = find_controller (fixture->canvas, GTK_TYPE_GESTURE_DRAG);
  GtkGestureZoom *pinch = find_controller (fixture->canvas, GTK_TYPE_GESTURE_ZOOM);
  GtkEventControllerScroll *wheel = find_controller (fixture->canvas, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  double x0, x1;
  guint64 t0, t1, per_px;
  gboolean handled = FALSE;

  jg_swimlane_painter_get_plot_bounds (jg_canvas_get_painter (fixture->canvas), &x0, &x1);

  /* A pinch to twice the size shows half the time. */
  g_signal_emit_by_name (pinch, "begin", NULL);
  g_signal_emit_by_name (pinch, "scale-changed", 2.0);
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, 50 * MS);

  /* Dragging left by 100 pixels shows later times, 100 pixels' worth. */
  per_px = (guint64) ((t1 - t0) / (x1 - x0));
  g_signal_emit_by_name (drag, "drag-begin", 500.0, 300.0);
  g_signal_emit_by_name (drag, "drag-update", -100.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", -100.0, 0.0);
  {
    guint64 a, b;

    jg_canvas_get_window (fixture->canvas, &a, &b);
    g_assert_cmpuint (b - a, ==, 50 * MS);
    g_assert_cmpuint (a - t0, >=, 100 * per_px - 100);
    g_assert_cmpuint (a - t0, <=, 100 * per_px + 100 * 2);
    t0 = a;
  }

  /* Three lanes fit: a wheel notch down moves through time instead. */
  g_signal_emit_by_name (wheel, "scroll", 0.0, 1.0, &handled);
  g_assert_true (handled);
  {
    guint64 a;

    jg_canvas_get_window (fixture->canvas, &a, NULL);
    g_assert_cmpuint (a, >, t0);
  }
}

static void
test_canvas_hover_select (Fixture       *fixture,
                          gconstpointer  data)
{
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  GtkGestureClick *click = find_controller (fixture->canvas, GTK_TYPE_GESTURE_CLICK);
  g_autofree char *running = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *name = NULL;
  double y, h, x0;

  /* Over C at 30 ms: waiting for the GIL since 0, for 60 ms. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[2], &y, &h));
  waiting = jg_canvas_describe_point (fixture->canvas, jg_swimlane_painter_x_for_time (painter, 30 * MS), y + h / 2);
  g_assert_nonnull (waiting);
  g_assert_nonnull (strstr (waiting, "<b>download C</b>"));
  g_assert_nonnull (strstr (waiting, jg_palette_state_label (JG_STATE_GIL_WAIT)));
  g_assert_nonnull (strstr (waiting, "From 0 s, for 60.0 ms"));
  g_assert_nonnull (strstr (waiting, "Core 2"));
  g_assert_nonnull (strstr (waiting, "on thread 3"));

  /* Over A: Running. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[0], &y, &h));
  running = jg_canvas_describe_point (fixture->canvas, jg_swimlane_painter_x_for_time (painter, 50 * MS), y + h / 2);
  g_assert_nonnull (strstr (running, jg_palette_state_label (JG_STATE_RUNNING)));

  /* Over a name: which task, and what a click does. */
  jg_swimlane_painter_get_plot_bounds (painter, &x0, NULL);
  name = jg_canvas_describe_point (fixture->canvas, x0 / 2, y + h / 2);
  g_assert_nonnull (strstr (name, "download A"));

  /* A click on B's lane selects B; a click outside the lanes, nothing. */
  g_assert_cmpuint (jg_canvas_get_selected_task (fixture->canvas), ==, JG_LANE_NONE);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[1], &y, &h));
  g_signal_emit_by_name (click, "released", 1, jg_swimlane_painter_x_for_time (painter, 20 * MS), y + h / 2);
  g_assert_cmpuint (jg_canvas_get_selected_task (fixture->canvas), ==, fixture->task[1]);
  g_assert_cmpuint (jg_swimlane_painter_get_selected_task (painter), ==, fixture->task[1]);
  g_signal_emit_by_name (click, "released", 1, 500.0, 2.0);
  g_assert_cmpuint (jg_canvas_get_selected_task (fixture->canvas), ==, JG_LANE_NONE);

  /* A double click on a span zooms to it. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[2], &y, &h));
  g_signal_emit_by_name (click, "released", 2, jg_swimlane_painter_x_for_time (painter, 75 * MS), y + h / 2);
  assert_window (fixture, 60 * MS - 30 * MS / 4, 90 * MS + 30 * MS / 4);
}

/* The pixel at @ts in @task's lane, near its bottom where Running fills. */
static gboolean
lane_has_color (Fixture      *fixture,
                guint32       task,
                guint64       ts,
                const JgRgba *color)
{
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels;
  double y, h;
  gboolean match;

  jg_test_wait_drawn (GTK_WIDGET (fixture->window));
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, task, &y, &h));
  texture = jg_test_render (GTK_WIDGET (fixture->canvas));
  jg_test_pixels_init (&pixels, texture);
  match = jg_test_pixels_match (&pixels, (int) jg_swimlane_painter_x_for_time (painter, ts),
                                (int) (y + h * 0.8), color);
  jg_test_pixels_clear (&pixels);
  return match;
}

static void
test_canvas_styles (Fixture       *fixture,
                    gconstpointer  data)
{
  JgRgba light = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba dark = jg_palette_state_color (JG_STATE_RUNNING, TRUE);
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (fixture->canvas));
  gboolean prefer_dark;

  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_LIGHT);
  g_assert_true (lane_has_color (fixture, fixture->task[0], 50 * MS, &light));

  jg_canvas_set_style (fixture->canvas, JG_CANVAS_STYLE_DARK);
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_DARK);
  g_assert_true (lane_has_color (fixture, fixture->task[0], 50 * MS, &dark));

  jg_canvas_set_style (fixture->canvas, JG_CANVAS_STYLE_PROJECTOR);
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_PROJECTOR);
  g_assert_true (lane_has_color (fixture, fixture->task[0], 50 * MS, &light));

  /* Following the system: GTK's dark preference flips the lanes too. */
  g_object_get (settings, "gtk-application-prefer-dark-theme", &prefer_dark, NULL);
  jg_canvas_set_style (fixture->canvas, JG_CANVAS_STYLE_SYSTEM);
  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_DARK);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_LIGHT);
  g_object_set (settings, "gtk-application-prefer-dark-theme", prefer_dark, NULL);

  /* Views: cores put A's running on CPU 0's lane, in A's task colour. */
  jg_canvas_set_view (fixture->canvas, JG_SWIMLANE_VIEW_CORES);
  g_assert_cmpint (jg_swimlane_painter_get_view (jg_canvas_get_painter (fixture->canvas)), ==,
                   JG_SWIMLANE_VIEW_CORES);
  {
    JgRgba a = jg_swimlane_task_color (fixture->task[0]);

    g_assert_true (lane_has_color (fixture, 0, 50 * MS, &a));
  }
}

static void
append (Fixture       *fixture,
        const JgEvent *events,
        gsize          n_events)
{
  jg_trace_append (fixture->trace, events, n_events);
  jg_canvas_update (fixture->canvas);
}

static void
test_canvas_follow (Fixture       *fixture,
                    gconstpointer  data)
{
  guint32 *t = fixture->task, *w = fixture->worker;
  guint64 t0, t1;

  /* Live from the start, with room to grow into. */
  g_assert_true (jg_canvas_get_live (fixture->canvas));
  g_assert_true (jg_canvas_get_follow (fixture->canvas));
  assert_window (fixture, 0, JG_CANVAS_FOLLOW_MIN_NS);

  /* Past that room, the whole run so far. */
  {
    const JgEvent events[] = { { 150 * MS, t[1], w[1], JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO } };

    append (fixture, events, G_N_ELEMENTS (events));
  }
  assert_window (fixture, 0, 150 * MS);

  /* Looking back pauses following; new events do not move the view. */
  jg_test_activate (fixture->canvas, "canvas.zoom-in");
  g_assert_false (jg_canvas_get_follow (fixture->canvas));
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  {
    const JgEvent events[] = { { 400 * MS, t[1], w[1], JG_EVENT_RUN, 1, 0 } };

    append (fixture, events, G_N_ELEMENTS (events));
  }
  assert_window (fixture, t0, t1);

  /* The user may look a little past the newest event, never further. */
  jg_test_activate (fixture->canvas, "canvas.go-end");
  jg_canvas_get_window (fixture->canvas, NULL, &t1);
  g_assert_cmpuint (t1, ==, 400 * MS);

  /* Following again: the newest events. */
  jg_test_activate (fixture->canvas, "canvas.follow");
  g_assert_true (jg_canvas_get_follow (fixture->canvas));
  assert_window (fixture, 0, 400 * MS);

  /* The frame clock does the same by itself. */
  {
    const JgEvent events[] = { { 500 * MS, t[0], w[0], JG_EVENT_SUSPEND, 0, JG_SUSPEND_SLEEP } };

    jg_trace_append (fixture->trace, events, G_N_ELEMENTS (events));
  }
  jg_test_wait_drawn (GTK_WIDGET (fixture->window));
  assert_window (fixture, 0, 500 * MS);

  /* The end: all of it, and no more frames spent on it. */
  {
    const JgEvent events[] = {
      { 600 * MS, t[0], w[0], JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) },
      { 600 * MS, t[1], w[1], JG_EVENT_TASK_END, 1, JG_END_ARG (JG_END_OK, 0) },
      { 600 * MS, t[2], w[2], JG_EVENT_TASK_END, 2, JG_END_ARG (JG_END_CANCELLED, 0) },
    };

    jg_trace_append (fixture->trace, events, G_N_ELEMENTS (events));
    jg_trace_set_end_ns (fixture->trace, 600 * MS);
    jg_trace_finish (fixture->trace);
  }
  jg_test_wait_drawn (GTK_WIDGET (fixture->window));
  g_assert_false (jg_canvas_get_live (fixture->canvas));
  assert_window (fixture, 0, 600 * MS);
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);

  g_test_add ("/canvas/zoom-pan", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_canvas_zoom_pan, fixture_tear_down);
  g_test_add ("/canvas/gestures", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_canvas_gestures, fixture_tear_down);
  g_test_add ("/canvas/hover-select", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_canvas_hover_select, fixture_tear_down);
  g_test_add ("/canvas/styles", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_canvas_styles, fixture_tear_down);
  g_test_add ("/canvas/follow", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_canvas_follow, fixture_tear_down);

  return g_test_run ();
}
