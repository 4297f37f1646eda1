/* jg-display-test.c: helpers shared by the display tests. */
#define G_LOG_DOMAIN "jg-display-test"

#include "config.h"

#include <string.h>

#include "jg-display-test.h"
#include "jg-format.h"
#include "jg-metrics-strip.h"
#include "jg-player-bar.h"
#include "jg-resources.h"
#include "jg-scenario-panel.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

void
jg_test_init (int    *argc,
              char ***argv)
{
  gtk_disable_setlocale ();
  g_test_init (argc, argv, NULL);
  gtk_init ();
  jg_register_resource ();
}

JgApplication *
jg_test_application_new (void)
{
  JgApplication *app = jg_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  return app;
}

int
jg_test_run (JgApplication  **app,
             char           **tmpdir)
{
  int status = g_test_run ();

  g_clear_object (app);
  if (tmpdir != NULL && *tmpdir != NULL)
    {
      test_remove_tree (*tmpdir);
      g_clear_pointer (tmpdir, g_free);
    }

  return status;
}

JgWindow *
jg_test_window_new (JgApplication *app,
                    int            width,
                    int            height)
{
  JgWindow *window = jg_window_new (GTK_APPLICATION (app));

  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  jg_test_wait_drawn (GTK_WIDGET (window));

  return window;
}

typedef struct
{
  gboolean fired;
} Timeout;

static gboolean
timeout_cb (gpointer user_data)
{
  Timeout *timeout = user_data;

  timeout->fired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
jg_test_wait_for (JgTestCondition condition,
                  gpointer        user_data,
                  double          timeout_s)
{
  Timeout timeout = { FALSE };
  guint id = g_timeout_add ((guint) (timeout_s * 1000), timeout_cb, &timeout);
  gboolean met;

  while (!(met = condition (user_data)) && !timeout.fired)
    g_main_context_iteration (NULL, TRUE);

  if (!timeout.fired)
    g_source_remove (id);

  return met;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
transitions_done (gpointer user_data)
{
  GtkWidget *window = user_data;
  GtkRevealer *revealer;

  for (GtkWidget *child = gtk_widget_get_first_child (window); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!transitions_done (child))
        return FALSE;
    }

  if (GTK_IS_STACK (window))
    return !gtk_stack_get_transition_running (GTK_STACK (window));

  if (GTK_IS_REVEALER (window))
    {
      revealer = GTK_REVEALER (window);
      return gtk_revealer_get_child_revealed (revealer) == gtk_revealer_get_reveal_child (revealer);
    }

  return TRUE;
}

static gboolean
frames_done (gpointer user_data)
{
  return *(guint *) user_data >= 3;
}

void
jg_test_wait_drawn (GtkWidget *window)
{
  guint frames = 0;
  guint id;

  g_assert_true (jg_test_wait_for (transitions_done, window, 10));

  id = gtk_widget_add_tick_callback (window, count_frame_cb, &frames, NULL);
  g_assert_true (jg_test_wait_for (frames_done, &frames, 10));
  gtk_widget_remove_tick_callback (window, id);
}

gpointer
jg_test_child (gpointer    widget,
               GType       type,
               const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("no template child “%s”", name);
  return child;
}

void
jg_test_activate (gpointer    widget,
                  const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (widget), action, NULL));
}

GtkWindow *
jg_test_canvas_window_new (GtkWidget *child,
                           JgCanvas  *canvas,
                           JgTrace   *trace)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1000, 600);
  gtk_window_set_child (window, child);
  jg_canvas_set_style (canvas, JG_CANVAS_STYLE_LIGHT);
  jg_canvas_set_trace (canvas, trace, NULL, NULL);
  gtk_window_present (window);
  jg_test_wait_drawn (GTK_WIDGET (window));
  jg_swimlane_painter_clear_hover (jg_canvas_get_painter (canvas));

  return window;
}

gpointer
jg_test_window_child (JgWindow   *window,
                      const char *name)
{
  return jg_test_child (window, JG_TYPE_WINDOW, name);
}

const char *
jg_test_strip_text (JgWindow   *window,
                    const char *name)
{
  return gtk_label_get_label (jg_test_child (jg_test_window_child (window, "strip"), JG_TYPE_METRICS_STRIP, name));
}

void
jg_test_assert_strip_shows (JgWindow  *window,
                            JgTrace   *trace,
                            guint64    until,
                            JgMetrics *metrics)
{
  g_autoptr(JgSpans) spans = jg_spans_new ();
  g_autofree JgMetrics *own = NULL;
  g_autofree char *concurrency = NULL;
  g_autofree char *parallelism = NULL;
  g_autofree char *wall = NULL;
  g_autofree char *utilisation = NULL;
  g_autofree char *gil_wait = NULL;

  if (metrics == NULL)
    metrics = own = g_new0 (JgMetrics, 1);
  jg_spans_update (spans, trace);
  jg_metrics_compute (metrics, trace, spans, until);
  concurrency = jg_format_mean (metrics->concurrency);
  parallelism = jg_format_mean (metrics->parallelism);
  wall = jg_format_duration (metrics->wall_ns);
  utilisation = jg_format_percent (metrics->core_utilisation);
  gil_wait = jg_format_duration (metrics->gil_wait_ns);

  g_assert_cmpstr (jg_test_strip_text (window, "concurrency_label"), ==, concurrency);
  g_assert_cmpstr (jg_test_strip_text (window, "parallelism_label"), ==, parallelism);
  g_assert_cmpstr (jg_test_strip_text (window, "wall_time_label"), ==, wall);
  g_assert_cmpstr (jg_test_strip_text (window, "utilisation_label"), ==, utilisation);
  g_assert_cmpstr (jg_test_strip_text (window, "gil_wait_label"), ==, gil_wait);
}

JgPlayer *
jg_test_window_player (JgWindow *window)
{
  return jg_player_bar_get_player (jg_test_window_child (window, "player_bar"));
}

GtkWindow *
jg_test_find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

void
jg_test_choose_scenario (JgWindow   *window,
                         const char *id)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.scenario", "s", id));
  g_assert_nonnull (jg_window_get_scenario (window));
}

void
jg_test_set_parameter (JgWindow   *window,
                       const char *name,
                       double      value)
{
  GtkWidget *editor = jg_scenario_panel_get_editor (jg_test_window_child (window, "panel"), name);

  g_assert_nonnull (editor);
  if (GTK_IS_SWITCH (editor))
    gtk_switch_set_active (GTK_SWITCH (editor), value != 0);
  else
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), value);
}

gboolean
jg_test_window_loaded (gpointer window)
{
  return !jg_window_get_loading (window);
}

gboolean
jg_test_window_run_finished (gpointer window)
{
  JgRun *run = jg_window_get_run (window);

  return run != NULL && jg_run_is_finished (run);
}

gboolean
jg_test_window_replay_ready (gpointer window)
{
  JgTrace *trace = jg_window_get_trace (window);

  return trace != NULL && jg_player_get_trace (jg_test_window_player (window)) == trace;
}

gboolean
jg_test_speedup_measured (gpointer window)
{
  return !g_str_equal (jg_test_strip_text (window, "speedup_label"), "measuring…");
}

static void
run_finished_cb (JgRun          *run,
                 JgTestRunWatch *watch)
{
  watch->finished = TRUE;
}

JgRun *
jg_test_start_run (JgWindow       *window,
                   GtkWidget      *widget,
                   const char     *action,
                   JgTestRunWatch *watch)
{
  g_assert_true (gtk_widget_activate_action (widget, action, NULL));
  watch->run = jg_window_get_run (window);
  g_assert_nonnull (watch->run);

  /* Nothing has iterated the main context since: "finished" is still to come. */
  watch->finished = FALSE;
  g_signal_connect (watch->run, "finished", G_CALLBACK (run_finished_cb), watch);

  return watch->run;
}

static gboolean
watch_finished (gpointer user_data)
{
  return ((JgTestRunWatch *) user_data)->finished;
}

gboolean
jg_test_wait_run (JgTestRunWatch *watch,
                  double          timeout_s)
{
  gboolean finished = jg_test_wait_for (watch_finished, watch, timeout_s);

  g_signal_handlers_disconnect_by_data (watch->run, watch);
  return finished;
}

GdkTexture *
jg_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);
  g_autoptr(GskRenderNode) node = NULL;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
jg_test_pixels_init (JgTestPixels *pixels,
                     GdkTexture   *texture)
{
  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = pixels->width * 4;
  pixels->data = g_malloc (pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
}

void
jg_test_pixels_clear (JgTestPixels *pixels)
{
  g_clear_pointer (&pixels->data, g_free);
}

gboolean
jg_test_pixels_match (const JgTestPixels *pixels,
                      int                 x,
                      int                 y,
                      const JgRgba       *color)
{
  guint32 pixel;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);

  /* gdk_texture_download () gives cairo's ARGB32 layout: native-endian words. */
  pixel = *(const guint32 *) (pixels->data + y * pixels->stride + x * 4);

  return ABS ((int) (pixel >> 16 & 0xff) - (int) (color->r * 255 + 0.5)) <= 2
      && ABS ((int) (pixel >> 8 & 0xff) - (int) (color->g * 255 + 0.5)) <= 2
      && ABS ((int) (pixel & 0xff) - (int) (color->b * 255 + 0.5)) <= 2;
}

void
jg_test_screenshot (GtkWidget  *widget,
                    const char *suffix)
{
  const char *path = g_getenv ("JUGGLER_SCREENSHOT");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *target = NULL;

  if (path == NULL || *path == '\0')
    return;

  texture = jg_test_render (widget);
  if (suffix == NULL)
    {
      target = g_strdup (path);
    }
  else
    {
      g_autofree char *stem = g_str_has_suffix (path, ".png")
        ? g_strndup (path, strlen (path) - 4) : g_strdup (path);

      target = g_strdup_printf ("%s-%s.png", stem, suffix);
    }

  g_assert_true (gdk_texture_save_to_png (texture, target));
  g_test_message ("screenshot saved to %s", target);
}

void
jg_test_downloads_begin (JgTrace *trace,
                         guint32  pid,
                         guint32  task[3],
                         guint32  worker[3])
{
  const guint32 *t = task, *w = worker;
  JgRunInfo run = {
    .model = "threads",
    .workers = 3,
    .interpreter = "gil",
    .switch_interval_ms = 5.0,
  };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *worker_name = g_strdup_printf ("thread %u", i + 1);
      g_autofree char *task_name = g_strdup_printf ("download %c", 'A' + i);

      worker[i] = jg_trace_add_worker (trace, worker_name, JG_WORKER_THREAD, pid);
      task[i] = jg_trace_add_task (trace, task_name, JG_LANE_NONE);
    }
  jg_trace_set_run_info (trace, &run);

  {
    const JgEvent events[] = {
      { 0, t[0], w[0], JG_EVENT_TASK_BEGIN, 0, 0 },
      { 0, t[1], w[1], JG_EVENT_TASK_BEGIN, 1, 0 },
      { 0, t[2], w[2], JG_EVENT_TASK_BEGIN, 2, 0 },
      { 0, t[0], w[0], JG_EVENT_RUN, 0, 0 },
      { 0, t[1], w[1], JG_EVENT_RUN, 1, 0 },
      { 0, t[2], w[2], JG_EVENT_SUSPEND, 2, JG_SUSPEND_GIL },
    };

    jg_trace_append (trace, events, G_N_ELEMENTS (events));
  }
}

void
jg_test_downloads_end (JgTrace       *trace,
                       const guint32  task[3],
                       const guint32  worker[3],
                       guint64        unit,
                       JgEndStatus    b_end)
{
  const guint32 *t = task, *w = worker;
  const JgEvent events[] = {
    { 40 * unit, t[1], w[1], JG_EVENT_SUSPEND, 1, JG_SUSPEND_IO },
    { 60 * unit, t[2], w[2], JG_EVENT_RUN, 2, 0 },
    { 80 * unit, t[1], w[1], JG_EVENT_RUN, 1, 0 },
    { 90 * unit, t[2], w[2], JG_EVENT_TASK_END, 2, JG_END_ARG (JG_END_OK, 0) },
    { 100 * unit, t[0], w[0], JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0) },
    { 100 * unit, t[1], w[1], JG_EVENT_TASK_END, 1, JG_END_ARG (b_end, 0) },
  };

  jg_trace_append (trace, events, G_N_ELEMENTS (events));
  jg_trace_set_end_ns (trace, 100 * unit);
}

GFile *
jg_test_write_file (const char *dir,
                    const char *name,
                    const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

GFile *
jg_test_save_trace (JgTrace    *trace,
                    const char *dir,
                    const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_trace_file_save (trace, file, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&file);
}
