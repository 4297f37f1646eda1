/* test-a11y.c: accessibility and right to left, under Xvfb. What the canvas
 * tells assistive technology (its label, and a description of the lanes, the
 * selection and the keyboard cursor, checked in GTK's test accessibility
 * backend too); the keyboard cursor and its focus ring; the system's high
 * contrast and large text, in the canvas's pixels; the timeline under a
 * right-to-left locale; and that Tab and the menus reach every control of
 * the main window. */
#define G_LOG_DOMAIN "test-a11y"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-display-test.h"
#include "jg-palette.h"
#include "jg-window.h"

#define MS G_GUINT64_CONSTANT (1000000) /* ns */

static JgApplication *app;

typedef struct
{
  GtkWindow *window;
  GtkWidget *button;  /* beside the canvas, to see the window mirror */
  JgCanvas  *canvas;
  JgTrace   *trace;
  guint32    task[3];
  guint32    worker[3];
} Fixture;

/* Three threads for 100 ms: A runs throughout; B runs 40 ms, waits 40 ms on
 * I/O, runs 20 ms; C waits 60 ms for the GIL, runs 30 ms and ends. */
static JgTrace *
make_trace (guint32 *t,
            guint32 *w)
{
  JgTrace *trace = jg_trace_new ();
  JgMachineInfo machine = { 4, "test", "Test CPU", "test" };

  jg_test_downloads_begin (trace, 1, t, w);
  jg_test_downloads_end (trace, t, w, MS, JG_END_OK);
  jg_trace_set_machine (trace, &machine);
  jg_trace_set_scenario (trace, "test", "Three downloads", NULL);
  jg_trace_finish (trace);

  return trace;
}

/* A button, then the canvas, in a row: under right to left the button moves
 * to the right, and the canvas must not follow it. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean rtl = GPOINTER_TO_INT (data);
  GtkWidget *box;

  gtk_widget_set_default_direction (rtl ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);

  fixture->trace = make_trace (fixture->task, fixture->worker);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  fixture->button = gtk_button_new_with_mnemonic ("_Start");
  fixture->canvas = JG_CANVAS (jg_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (fixture->canvas), TRUE);
  gtk_box_append (GTK_BOX (box), fixture->button);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->canvas));
  fixture->window = jg_test_canvas_window_new (box, fixture->canvas, fixture->trace);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->trace);
  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text != NULL ? text : "(null)");
}

/* GTK's test backend got @text as the canvas's description. */
static void
assert_told (JgCanvas   *canvas,
             const char *text)
{
  g_autofree char *wrong = NULL;

  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (canvas), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (canvas), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text);
  if (wrong != NULL)
    g_error ("the accessible description is “%s”, not “%s”", wrong, text);
}

typedef struct
{
  JgCanvas   *canvas;
  const char *part;
} Told;

static gboolean
description_has (gpointer user_data)
{
  Told *told = user_data;
  const char *description = jg_canvas_get_accessible_description (told->canvas);

  return description != NULL && strstr (description, told->part) != NULL;
}

static void
wait_described (JgCanvas   *canvas,
                const char *part)
{
  Told told = { canvas, part };

  if (!jg_test_wait_for (description_has, &told, 10))
    g_error ("the description never said “%s”: “%s”", part, jg_canvas_get_accessible_description (canvas));
  assert_told (canvas, jg_canvas_get_accessible_description (canvas));
}

static void
test_a11y_description (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *lanes = NULL;
  g_autofree char *zoomed = NULL;
  g_autofree char *selection = NULL;
  g_autofree char *wrong = NULL;

  /* A name that says what it is, and of which run. */
  g_assert_cmpstr (jg_canvas_get_accessible_label (fixture->canvas), ==, "Swimlane timeline of “Three downloads”");
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (fixture->canvas), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                              "Swimlane timeline of “Three downloads”");
  g_assert_null (wrong);
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (fixture->canvas), GTK_ACCESSIBLE_ROLE_IMG));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (fixture->canvas),
                                                   GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS));

  /* The lanes in view, each with what it did in the time shown. */
  lanes = jg_canvas_describe_lanes (fixture->canvas);
  g_test_message ("%s", lanes);
  assert_contains (lanes, "From 0 s to 100 ms, lanes 1 to 3 of 3.");
  assert_contains (lanes, "\ndownload A: Running 100%");
  assert_contains (lanes, "\ndownload B: Running 60%, I/O wait 40%");
  assert_contains (lanes, "\ndownload C: Running 30%, Waiting for GIL 60%");
  wait_described (fixture->canvas, "download C: Running 30%, Waiting for GIL 60%");

  /* Zoomed in on the first 40 ms: C only waited, B only ran. */
  jg_canvas_set_window (fixture->canvas, 0, 40 * MS);
  zoomed = jg_canvas_describe_lanes (fixture->canvas);
  assert_contains (zoomed, "\ndownload B: Running 100%");
  assert_contains (zoomed, "\ndownload C: Waiting for GIL 100%");
  wait_described (fixture->canvas, "download C: Waiting for GIL 100%");

  /* The selected task: its name, how it ended, when it began and how long. */
  g_assert_null (jg_canvas_describe_selection (fixture->canvas));
  jg_canvas_set_selected_task (fixture->canvas, fixture->task[2]);
  selection = jg_canvas_describe_selection (fixture->canvas);
  g_assert_cmpstr (selection, ==, "Selected: download C, Finished, from 0 s, for 90.0 ms");
  wait_described (fixture->canvas, "Selected: download C, Finished, from 0 s, for 90.0 ms");

  /* The Workers view names its lanes after the threads. */
  jg_canvas_set_view (fixture->canvas, JG_SWIMLANE_VIEW_WORKERS);
  wait_described (fixture->canvas, "\nthread 3: Waiting for GIL 100%");
}

static void
assert_cursor (Fixture *fixture,
               guint    lane,
               guint32  task,
               guint64  start,
               guint64  end)
{
  guint l;
  guint32 t;
  guint64 s, e;

  g_assert_true (jg_canvas_get_cursor (fixture->canvas, &l, &t, &s, &e));
  g_assert_cmpuint (l, ==, lane);
  g_assert_cmpuint (t, ==, task);
  g_assert_cmpuint (s, ==, start);
  g_assert_cmpuint (e, ==, end);
}

/* Whether the pixel at (@x, @y) of the canvas is @color. */
static gboolean
canvas_pixel_is (Fixture      *fixture,
                 double        x,
                 double        y,
                 const JgRgba *color)
{
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels;
  gboolean match;

  jg_test_wait_drawn (GTK_WIDGET (fixture->window));
  texture = jg_test_render (GTK_WIDGET (fixture->canvas));
  jg_test_pixels_init (&pixels, texture);
  match = jg_test_pixels_match (&pixels, (int) x, (int) y, color);
  jg_test_pixels_clear (&pixels);
  return match;
}

static void
test_a11y_keyboard (Fixture       *fixture,
                    gconstpointer  data)
{
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  guint32 *t = fixture->task;
  const char *description;
  JgRgba ring;
  double x0, y, h;
  guint64 t0, t1;

  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (fixture->canvas)));
  gtk_window_set_focus_visible (fixture->window, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (fixture->canvas)));

  /* Down twice: the third lane, C, waiting for the GIL at the start. */
  jg_test_activate (fixture->canvas, "canvas.next-lane");
  jg_test_activate (fixture->canvas, "canvas.next-lane");
  assert_cursor (fixture, 2, t[2], 0, 60 * MS);
  /* Told at once, not when things settle: the person waits to hear it. */
  description = jg_canvas_get_accessible_description (fixture->canvas);
  g_test_message ("%s", description);
  assert_contains (description, "download C, lane 3 of 3: download C. Waiting for GIL. From 0 s, for 60.0 ms");
  assert_told (fixture->canvas, description);

  /* Right: C's next span, Running from 60 ms. No more after it. */
  jg_test_activate (fixture->canvas, "canvas.next-span");
  assert_cursor (fixture, 2, t[2], 60 * MS, 90 * MS);
  assert_contains (jg_canvas_get_accessible_description (fixture->canvas), "Running. From 60.0 ms, for 30.0 ms");
  jg_test_activate (fixture->canvas, "canvas.next-span");
  assert_cursor (fixture, 2, t[2], 60 * MS, 90 * MS);

  /* Up keeps the moment: B was waiting on I/O at 60 ms; Left, its run before. */
  jg_test_activate (fixture->canvas, "canvas.previous-lane");
  assert_cursor (fixture, 1, t[1], 40 * MS, 80 * MS);
  assert_contains (jg_canvas_get_accessible_description (fixture->canvas), "lane 2 of 3: download B. I/O wait");
  jg_test_activate (fixture->canvas, "canvas.previous-span");
  assert_cursor (fixture, 1, t[1], 0, 40 * MS);

  /* Enter selects the task, as a click does. */
  g_assert_cmpuint (jg_canvas_get_selected_task (fixture->canvas), ==, JG_LANE_NONE);
  jg_test_activate (fixture->canvas, "canvas.select");
  g_assert_cmpuint (jg_canvas_get_selected_task (fixture->canvas), ==, t[1]);
  assert_contains (jg_canvas_get_accessible_description (fixture->canvas), "Selected: download B, Finished");

  /* The focus ring: around the span, and a mark at the lane's name. */
  jg_canvas_get_focus_colors (fixture->canvas, &ring, NULL);
  jg_swimlane_painter_get_plot_bounds (painter, &x0, NULL);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 1, &y, &h));
  g_assert_true (canvas_pixel_is (fixture, round (x0) - 2, y + h / 2, &ring));
  g_assert_true (canvas_pixel_is (fixture, 3, y + h / 2, &ring));
  jg_test_screenshot (GTK_WIDGET (fixture->window), "cursor");
  /* Only while the keyboard is in use, as GTK's own focus rings. */
  gtk_window_set_focus_visible (fixture->window, FALSE);
  g_assert_false (canvas_pixel_is (fixture, round (x0) - 2, y + h / 2, &ring));
  gtk_window_set_focus_visible (fixture->window, TRUE);
  g_assert_true (canvas_pixel_is (fixture, round (x0) - 2, y + h / 2, &ring));

  /* A span out of view is brought into it. */
  jg_canvas_set_window (fixture->canvas, 0, 25 * MS);
  jg_test_activate (fixture->canvas, "canvas.next-lane");
  assert_cursor (fixture, 2, t[2], 0, 60 * MS);
  jg_test_activate (fixture->canvas, "canvas.next-span");
  assert_cursor (fixture, 2, t[2], 60 * MS, 90 * MS);
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, 25 * MS);
  g_assert_cmpuint (t0, <=, 60 * MS);
  g_assert_cmpuint (t1, >, 60 * MS);

  /* Shift+arrows still move the view; + and - still zoom. */
  jg_test_activate (fixture->canvas, "canvas.pan-left");
  jg_canvas_get_window (fixture->canvas, &t0, NULL);
  g_assert_cmpuint (t0, <, 60 * MS - 25 * MS / 4);
  jg_test_activate (fixture->canvas, "canvas.zoom-out");
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, >, 25 * MS);

  /* A click puts the cursor where it clicked. */
  {
    GtkGestureClick *click = NULL;
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->canvas));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller))
          click = GTK_GESTURE_CLICK (controller);
      }
    g_assert_nonnull (click);
    jg_canvas_zoom_fit (fixture->canvas);
    g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
    g_signal_emit_by_name (click, "released", 1, jg_swimlane_painter_x_for_time (painter, 50 * MS), y + h / 2);
    assert_cursor (fixture, 0, t[0], 0, 100 * MS);
  }
}

/* How many pixels of @rect are dark (text, in the light themes). */
static guint
count_ink (Fixture *fixture,
           double   x,
           double   y,
           double   w,
           double   h)
{
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels;
  guint ink = 0;

  jg_test_wait_drawn (GTK_WIDGET (fixture->window));
  texture = jg_test_render (GTK_WIDGET (fixture->canvas));
  jg_test_pixels_init (&pixels, texture);
  for (int j = (int) y; j < (int) (y + h) && j < pixels.height; j++)
    for (int i = (int) x; i < (int) (x + w) && i < pixels.width; i++)
      {
        guint32 pixel = *(const guint32 *) (pixels.data + j * pixels.stride + i * 4);

        if ((pixel >> 16 & 0xff) < 0x80 && (pixel >> 8 & 0xff) < 0x80 && (pixel & 0xff) < 0x80)
          ink++;
      }
  jg_test_pixels_clear (&pixels);
  return ink;
}

static void
test_a11y_high_contrast (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (fixture->canvas));
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  g_autofree char *theme_name = NULL;
  JgRgba odd_light = { 0xF1 / 255.0, 0xF1 / 255.0, 0xF0 / 255.0, 1 };
  JgRgba odd_hc = { 0xE4 / 255.0, 0xE4 / 255.0, 0xE4 / 255.0, 1 };
  JgRgba odd_hc_dark = { 0x22 / 255.0, 0x22 / 255.0, 0x22 / 255.0, 1 };
  JgRgba black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };
  JgRgba ring;
  double x, y, h;

  g_object_get (settings, "gtk-theme-name", &theme_name, NULL);
  g_assert_false (jg_canvas_get_high_contrast (fixture->canvas));

  /* B's lane (an odd one) above its I/O wait band shows the lane's own shade. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[1], &y, &h));
  x = jg_swimlane_painter_x_for_time (painter, 63 * MS);
  g_assert_true (canvas_pixel_is (fixture, x, y + 2, &odd_light));

  /* The desktop's high contrast: a stronger palette, whatever the style. */
  g_object_set (settings, "gtk-theme-name", "HighContrast", NULL);
  g_assert_true (jg_canvas_get_high_contrast (fixture->canvas));
  g_assert_true (jg_swimlane_painter_get_high_contrast (painter));
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_LIGHT);
  g_assert_true (canvas_pixel_is (fixture, x, y + 2, &odd_hc));
  jg_canvas_get_focus_colors (fixture->canvas, &ring, NULL);
  g_assert_true (jg_rgba_equal (&ring, &black));
  jg_test_screenshot (GTK_WIDGET (fixture->window), "high-contrast");

  /* Its inverse is white on black, when the style follows the system. */
  jg_canvas_set_style (fixture->canvas, JG_CANVAS_STYLE_SYSTEM);
  g_object_set (settings, "gtk-theme-name", "HighContrastInverse", NULL);
  g_assert_true (jg_canvas_get_high_contrast (fixture->canvas));
  g_assert_cmpint (jg_canvas_get_theme (fixture->canvas), ==, JG_SWIMLANE_THEME_DARK);
  g_assert_true (canvas_pixel_is (fixture, x, y + 2, &odd_hc_dark));
  jg_canvas_get_focus_colors (fixture->canvas, &ring, NULL);
  g_assert_true (jg_rgba_equal (&ring, &white));

  /* Back to the usual theme: the usual colours. */
  g_object_set (settings, "gtk-theme-name", theme_name, NULL);
  jg_canvas_set_style (fixture->canvas, JG_CANVAS_STYLE_LIGHT);
  g_assert_false (jg_canvas_get_high_contrast (fixture->canvas));
  g_assert_true (canvas_pixel_is (fixture, x, y + 2, &odd_light));
}

static void
test_a11y_large_text (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (fixture->canvas));
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  int dpi = 0;
  double x0, x0_large, y, h, h_large;
  guint ink, ink_large;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_assert_cmpfloat (jg_canvas_get_text_scale (fixture->canvas), ==, dpi > 0 ? dpi / (96.0 * 1024) : 1);
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024, NULL);
  g_assert_cmpfloat (jg_canvas_get_text_scale (fixture->canvas), ==, 1);

  jg_swimlane_painter_get_plot_bounds (painter, &x0, NULL);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  ink = count_ink (fixture, 0, y, x0, h);

  /* Large text, 150%: the names, and the column and lanes that hold them. */
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  g_assert_cmpfloat (jg_canvas_get_text_scale (fixture->canvas), ==, 1.5);
  g_assert_cmpfloat (jg_swimlane_painter_get_text_scale (painter), ==, 1.5);
  jg_swimlane_painter_get_plot_bounds (painter, &x0_large, NULL);
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h_large));
  g_assert_cmpfloat (x0_large, >=, x0 * 1.4);
  g_assert_cmpfloat (h_large, >=, h * 1.4);
  ink_large = count_ink (fixture, 0, y, x0_large, h_large);
  g_test_message ("ink of the first name: %u pixels at 100%%, %u at 150%%", ink, ink_large);
  g_assert_cmpuint (ink, >, 50);
  /* Area grows with the square of the size: 2.25 times. */
  g_assert_cmpfloat ((double) ink_large / ink, >, 1.6);
  jg_test_screenshot (GTK_WIDGET (fixture->window), "large-text");

  /* Hovering still finds the time and the lane. */
  {
    g_autofree char *text = NULL;
    double ys, hs;

    g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[2], &ys, &hs));
    text = jg_canvas_describe_point (fixture->canvas, jg_swimlane_painter_x_for_time (painter, 30 * MS), ys + hs / 2);
    assert_contains (text, "<b>download C</b>");
    assert_contains (text, jg_palette_state_label (JG_STATE_GIL_WAIT));
  }

  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
}

static void
test_a11y_rtl (Fixture       *fixture,
               gconstpointer  data)
{
  JgSwimlanePainter *painter = jg_canvas_get_painter (fixture->canvas);
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba gil_wait = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  JgRgba white = { 1, 1, 1, 1 };
  graphene_rect_t button, canvas;
  double x0, x1, y, h, x25;
  g_autofree char *waiting = NULL;
  g_autofree char *running_text = NULL;
  guint64 t0, t1;

  /* The window mirrors: the button that comes first is on the right... */
  g_assert_cmpint (gtk_widget_get_direction (fixture->button), ==, GTK_TEXT_DIR_RTL);
  g_assert_true (gtk_widget_compute_bounds (fixture->button, GTK_WIDGET (fixture->window), &button));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (fixture->canvas), GTK_WIDGET (fixture->window), &canvas));
  g_assert_cmpfloat (button.origin.x, >, canvas.origin.x);

  /* ...the timeline does not: names on the left, time running to the right. */
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (fixture->canvas)), ==, GTK_TEXT_DIR_LTR);
  jg_swimlane_painter_get_plot_bounds (painter, &x0, &x1);
  g_assert_cmpfloat (x0, >, 100);
  g_assert_cmpfloat (x1, >, x0);
  g_assert_cmpfloat (jg_swimlane_painter_x_for_time (painter, 10 * MS), <,
                     jg_swimlane_painter_x_for_time (painter, 90 * MS));

  /* C waited first, at the left, and ran later, to the right. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[2], &y, &h));
  g_assert_true (canvas_pixel_is (fixture, jg_swimlane_painter_x_for_time (painter, 3 * MS), y + h / 2, &gil_wait));
  g_assert_true (canvas_pixel_is (fixture, jg_swimlane_painter_x_for_time (painter, 75 * MS), y + h * 0.8, &running));
  g_assert_false (canvas_pixel_is (fixture, jg_swimlane_painter_x_for_time (painter, 3 * MS), y + h * 0.8, &running));

  /* A's running starts at the left edge of the plot, and its name stays in
   * its own column: text there, and background between it and the spans. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[0], &y, &h));
  g_assert_true (canvas_pixel_is (fixture, x0 + 2, y + h * 0.8, &running));
  g_assert_true (canvas_pixel_is (fixture, x0 - 3, y + h / 2, &white));
  g_assert_cmpuint (count_ink (fixture, 0, y, x0, h), >, 50);
  g_assert_cmpuint (count_ink (fixture, x0, y, x1 - x0, h), ==, 0);
  jg_test_screenshot (GTK_WIDGET (fixture->window), "rtl");

  /* The pointer means the same time as under left to right. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, fixture->task[2], &y, &h));
  waiting = jg_canvas_describe_point (fixture->canvas, jg_swimlane_painter_x_for_time (painter, 30 * MS), y + h / 2);
  assert_contains (waiting, "<b>download C</b>");
  assert_contains (waiting, jg_palette_state_label (JG_STATE_GIL_WAIT));
  running_text = jg_canvas_describe_point (fixture->canvas, x0 + (x1 - x0) * 0.75, y + h / 2);
  assert_contains (running_text, "From 60.0 ms, for 30.0 ms");
  g_assert_cmpuint (jg_swimlane_painter_time_for_x (painter, x0 + (x1 - x0) * 0.25), >=, 25 * MS - 200000);
  g_assert_cmpuint (jg_swimlane_painter_time_for_x (painter, x0 + (x1 - x0) * 0.25), <=, 25 * MS + 200000);

  /* Zooming around the pointer keeps what is under it there. */
  x25 = jg_swimlane_painter_x_for_time (painter, 25 * MS);
  jg_canvas_zoom (fixture->canvas, 4, x25);
  jg_canvas_get_window (fixture->canvas, &t0, &t1);
  g_assert_cmpuint (t1 - t0, ==, 25 * MS);
  g_assert_cmpfloat (fabs (jg_swimlane_painter_x_for_time (painter, 25 * MS) - x25), <, 0.5);

  /* Right is later, whatever the language: the view, and the cursor. */
  jg_test_activate (fixture->canvas, "canvas.pan-right");
  jg_canvas_get_window (fixture->canvas, &t1, NULL);
  g_assert_cmpuint (t1, >, t0);
  jg_test_activate (fixture->canvas, "canvas.next-lane");
  jg_test_activate (fixture->canvas, "canvas.next-lane");
  jg_test_activate (fixture->canvas, "canvas.previous-span");
  assert_cursor (fixture, 2, fixture->task[2], 0, 60 * MS);
  jg_test_activate (fixture->canvas, "canvas.next-span");
  assert_cursor (fixture, 2, fixture->task[2], 60 * MS, 90 * MS);
}

/* The main window */

static void
collect_controls (GtkWidget *widget,
                  GPtrArray *controls)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_controls (child, controls);

  /* What a person operates: focusable, on screen, and usable now. */
  if (!GTK_IS_WINDOW (widget) && gtk_widget_get_mapped (widget) && gtk_widget_is_sensitive (widget)
      && gtk_widget_get_focusable (widget) && gtk_widget_get_can_focus (widget)
      && (GTK_IS_BUTTON (widget) || GTK_IS_TEXT (widget) || JG_IS_CANVAS (widget) || GTK_IS_SCALE (widget)
          || GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_LIST_VIEW (widget)))
    g_ptr_array_add (controls, widget);
}

static gboolean
find_primary_menu (GtkWidget      *widget,
                   GtkMenuButton **button)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (find_primary_menu (child, button))
      return TRUE;

  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    {
      *button = GTK_MENU_BUTTON (widget);
      return TRUE;
    }
  return FALSE;
}

/* Every item of @model (and its sections and submenus) has a mnemonic. */
static guint
check_mnemonics (GMenuModel *model)
{
  guint n = 0;

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);

      if (section != NULL)
        n += check_mnemonics (section);
      if (submenu != NULL)
        n += check_mnemonics (submenu);
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label) && section == NULL)
        {
          g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);

          /* Items made from data (a lesson's title) are reached with the
           * arrows; the fixed ones each have a letter. */
          if (target == NULL && strchr (label, '_') == NULL)
            g_error ("the menu item “%s” has no mnemonic", label);
          n++;
        }
    }
  return n;
}

static void
test_a11y_window_keyboard (void)
{
  JgWindow *window = jg_test_window_new (app, 1400, 900);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  GtkWidget *first = NULL;
  gboolean round = FALSE;
  GtkMenuButton *menu_button = NULL;
  static const char * const accelerated[] = {
    "win.run", "win.open", "win.save", "win.save-as", "win.open-scenario", "win.export-chrome",
    "win.zoom-in", "win.zoom-out", "win.zoom-fit", "win.show-sidebar", "app.preferences",
    "app.wizard", "win.compare", "win.show-help-overlay", "app.quit",
  };

  /* The window starts with the timeline focused: keys work at once. */
  g_assert_true (JG_IS_CANVAS (gtk_root_get_focus (GTK_ROOT (window))));

  /* Tab, as GtkWindow does it: on to the next, and round from the top. */
  for (guint i = 0; i < 400 && !round; i++)
    {
      GtkWidget *before = gtk_root_get_focus (GTK_ROOT (window));
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        gtk_window_set_focus (GTK_WINDOW (window), NULL);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      /* A widget that says it took the focus and did not: Tab is stuck. */
      if (focus != NULL && focus == before)
        g_error ("Tab stays on a %s in a %s", G_OBJECT_TYPE_NAME (focus),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus)));
      if (focus == NULL)
        continue;
      round = focus == first;
      if (first == NULL)
        first = focus;
      g_hash_table_add (reached, focus);
    }
  g_test_message ("Tab reaches %u widgets", g_hash_table_size (reached));
  g_assert_true (round);

  collect_controls (GTK_WIDGET (window), controls);
  g_assert_cmpuint (controls->len, >, 10);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = controls->pdata[i];
      gboolean found = g_hash_table_contains (reached, control);
      GHashTableIter iter;
      gpointer key;

      /* A spin button's entry, a drop-down's button: focus goes inside. */
      g_hash_table_iter_init (&iter, reached);
      while (!found && g_hash_table_iter_next (&iter, &key, NULL))
        found = gtk_widget_is_ancestor (key, control);
      if (!found)
        {
          for (GtkWidget *w = control; w != NULL; w = gtk_widget_get_parent (w))
            g_test_message ("  in %s “%s” %s", G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w),
                            gtk_widget_get_tooltip_text (w) != NULL ? gtk_widget_get_tooltip_text (w) : "");
          g_error ("Tab never reaches the %s “%s”", G_OBJECT_TYPE_NAME (control),
                   gtk_widget_get_tooltip_text (control) != NULL ? gtk_widget_get_tooltip_text (control) : "");
        }
    }

  /* F10 opens the main menu, and each of its items has a mnemonic. */
  g_assert_true (find_primary_menu (GTK_WIDGET (window), &menu_button));
  g_assert_cmpuint (check_mnemonics (gtk_menu_button_get_menu_model (menu_button)), >=, 10);

  /* The everyday actions have accelerators too. */
  for (guint i = 0; i < G_N_ELEMENTS (accelerated); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), accelerated[i]);

      if (accels == NULL || accels[0] == NULL)
        g_error ("%s has no accelerator", accelerated[i]);
    }

  /* The system's high contrast reaches the window's own style too. */
  {
    GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (window));
    g_autofree char *theme_name = NULL;

    g_object_get (settings, "gtk-theme-name", &theme_name, NULL);
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
    g_object_set (settings, "gtk-theme-name", "HighContrast", NULL);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
    g_object_set (settings, "gtk-theme-name", theme_name, NULL);
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's test accessibility backend: what the canvas tells assistive
   * technology can be read back, with no accessibility bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  jg_test_init (&argc, &argv);
  app = jg_test_application_new ();

  g_test_add ("/a11y/description", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_a11y_description, fixture_tear_down);
  g_test_add ("/a11y/keyboard", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_a11y_keyboard, fixture_tear_down);
  g_test_add ("/a11y/high-contrast", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_a11y_high_contrast, fixture_tear_down);
  g_test_add ("/a11y/large-text", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_a11y_large_text, fixture_tear_down);
  g_test_add ("/a11y/rtl", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_a11y_rtl, fixture_tear_down);
  g_test_add_func ("/a11y/window-keyboard", test_a11y_window_keyboard);

  return jg_test_run (&app, NULL);
}
