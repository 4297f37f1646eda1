/* test-replay.c: the trace player and the autosave, in the real window under
 * Xvfb. A known trace is opened and replayed: at the play head the canvas
 * shows exactly what happened until then (its pixels) and the metrics strip
 * the figures until then (recomputed here); stepping lands on the selected
 * task's next event; playing moves the play head on. A run is autosaved, and
 * a new window offers to reopen it. */
#define G_LOG_DOMAIN "test-replay"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>
#include <unistd.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-display-test.h"
#include "jg-palette.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"
#include "jg-window.h"

#define MS G_GUINT64_CONSTANT (1000000) /* ns */
#define RUN_TIMEOUT_S 60

static JgApplication *app;
static char *tmpdir;

/* The three downloads of jg_test_downloads_begin (), @unit a step (1 ms for
 * 100 ms in all), saved as @name:
 *   A runs throughout;
 *   B runs 40, waits 40 for I/O, runs 20;
 *   C waits 60 for the GIL, runs 30, ends at 90. */
static GFile *
write_trace (const char *name,
             guint64     unit)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  guint32 w[3];
  guint32 t[3];

  jg_test_downloads_begin (trace, getpid (), t, w);
  jg_test_downloads_end (trace, t, w, unit, JG_END_OK);
  jg_trace_set_scenario (trace, "mixed-downloads", "Three downloads, one GIL", NULL);
  jg_trace_finish (trace);

  return jg_test_save_trace (trace, tmpdir, name);
}

static JgWindow *
open_window (GFile *file)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);

  jg_window_open (window, file);
  g_assert_true (jg_test_wait_for (jg_test_window_loaded, window, 30));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_nonnull (jg_window_get_trace (window));

  return window;
}

static void
test_replay_play_head (void)
{
  g_autoptr(GFile) file = write_trace ("mixed.juggler", MS);
  JgWindow *window = open_window (file);
  JgTrace *trace = jg_window_get_trace (window);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgSwimlanePainter *painter = jg_canvas_get_painter (canvas);
  JgPlayer *player = jg_test_window_player (window);
  g_autoptr(GdkTexture) texture = NULL;
  JgTestPixels pixels = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba lane_even = { 0xFA / 255.0, 0xFA / 255.0, 0xFA / 255.0, 1 };
  double row_y, row_h, x;
  int y;

  /* A finished trace gets the player, its play head at the end: all shows. */
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "player_bar")));
  g_assert_true (jg_player_get_trace (player) == trace);
  g_assert_cmpuint (jg_player_get_position (player), ==, 100 * MS);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, G_MAXUINT64);
  jg_test_assert_strip_shows (window, trace, G_MAXUINT64, NULL);
  g_assert_cmpstr (jg_test_strip_text (window, "concurrency_label"), ==, "2.90");

  /* At 50 ms: download A has been running (left of the play head) and
   * nothing is drawn after it; B's I/O wait, begun at 40 ms, shows up to it. */
  jg_player_set_position (player, 50 * MS);
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, 50 * MS);
  jg_swimlane_painter_clear_hover (painter);
  texture = jg_test_render (GTK_WIDGET (canvas));
  jg_test_pixels_init (&pixels, texture);
  x = jg_swimlane_painter_x_for_time (painter, 50 * MS);

  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 0, &row_y, &row_h));
  y = (int) (row_y + row_h * 0.8);
  g_assert_true (jg_test_pixels_match (&pixels, (int) x - 4, y, &running));
  g_assert_false (jg_test_pixels_match (&pixels, (int) x + 4, y, &running));
  g_assert_true (jg_test_pixels_match (&pixels, (int) x + 4, y, &lane_even));
  /* (93 ms: off the axis's grid lines.) */
  g_assert_true (jg_test_pixels_match (&pixels, (int) jg_swimlane_painter_x_for_time (painter, 93 * MS), y,
                                       &lane_even));

  /* B runs again from 80 ms: not yet. */
  g_assert_true (jg_swimlane_painter_get_row (painter, JG_SWIMLANE_REGION_LANE, 1, &row_y, &row_h));
  y = (int) (row_y + row_h * 0.5);
  for (guint64 t = 82; t < 100; t += 4)
    g_assert_false (jg_test_pixels_match (&pixels, (int) jg_swimlane_painter_x_for_time (painter, t * MS),
                                          (int) (row_y + row_h * 0.8), &running));
  jg_test_pixels_clear (&pixels);

  /* Nothing to describe past the play head. */
  g_assert_null (jg_canvas_describe_point (canvas, jg_swimlane_painter_x_for_time (painter, 90 * MS), y));

  /* The strip: the figures up to the play head, not the whole trace's. */
  jg_test_assert_strip_shows (window, trace, 50 * MS, NULL);
  g_assert_cmpstr (jg_test_strip_text (window, "wall_time_label"), ==, "50.0 ms");

  jg_test_screenshot (GTK_WIDGET (window), "replay");

  /* Back to the end: everything again, no line. */
  jg_player_set_position (player, 100 * MS);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, G_MAXUINT64);
  jg_test_assert_strip_shows (window, trace, G_MAXUINT64, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_replay_step (void)
{
  g_autoptr(GFile) file = write_trace ("step.juggler", MS);
  JgWindow *window = open_window (file);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgPlayer *player = jg_test_window_player (window);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  g_auto(GStrv) next_accels = gtk_application_get_accels_for_action (gtk_app, "win.step-next");
  g_auto(GStrv) play_accels = gtk_application_get_accels_for_action (gtk_app, "win.play-pause");

  g_assert_true (g_strv_contains ((const char * const *) next_accels, "<Control>Right"));
  g_assert_true (g_strv_contains ((const char * const *) play_accels, "space"));

  /* Download B (task 1) selected: its events are at 0, 40, 80 and 100 ms. */
  jg_canvas_set_selected_task (canvas, 1);
  jg_player_set_position (player, 50 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step-next", NULL));
  g_assert_cmpuint (jg_player_get_position (player), ==, 80 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step-next", NULL));
  g_assert_cmpuint (jg_player_get_position (player), ==, 100 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step-prev", NULL));
  g_assert_cmpuint (jg_player_get_position (player), ==, 80 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step-prev", NULL));
  g_assert_cmpuint (jg_player_get_position (player), ==, 40 * MS);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, 40 * MS);

  /* No task selected: the next event of any, C's run at 60 ms. */
  jg_canvas_set_selected_task (canvas, JG_LANE_NONE);
  jg_player_set_position (player, 50 * MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step-next", NULL));
  g_assert_cmpuint (jg_player_get_position (player), ==, 60 * MS);

  /* Speeds step through the list and stop at its ends. */
  jg_player_set_speed (player, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-up", NULL));
  g_assert_cmpfloat (jg_player_get_speed (player), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-down", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-down", NULL));
  g_assert_cmpfloat (jg_player_get_speed (player), ==, 0.5);
  jg_player_set_speed (player, 10);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-up", NULL);
  g_assert_cmpfloat (jg_player_get_speed (player), ==, 10);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  JgPlayer *player;
  guint64   above;
} Above;

static gboolean
position_above (gpointer user_data)
{
  Above *above = user_data;

  return jg_player_get_position (above->player) > above->above;
}

static gboolean
not_playing (gpointer user_data)
{
  return !jg_player_get_playing (user_data);
}

static void
test_replay_play (void)
{
  /* 100 × 10 ms: a 1 s trace, 100 ms at 10×. */
  g_autoptr(GFile) file = write_trace ("long.juggler", 10 * MS);
  JgWindow *window = open_window (file);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgPlayer *player = jg_test_window_player (window);
  Above above = { player, 0 };
  guint64 first, second;

  jg_player_set_speed (player, 10);
  /* Playing from the end starts from the beginning. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play-pause", NULL));
  g_assert_true (jg_player_get_playing (player));
  g_assert_cmpuint (jg_player_get_position (player), ==, 0);

  g_assert_true (jg_test_wait_for (position_above, &above, 10));
  first = jg_player_get_position (player);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, first);
  above.above = first;
  g_assert_true (jg_test_wait_for (position_above, &above, 10));
  second = jg_player_get_position (player);
  g_assert_cmpuint (second, >, first);

  /* It stops at the end, showing everything. */
  g_assert_true (jg_test_wait_for (not_playing, player, 10));
  g_assert_cmpuint (jg_player_get_position (player), ==, jg_player_get_duration (player));
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, G_MAXUINT64);

  /* Pausing holds the play head. */
  jg_player_set_speed (player, 0.01);
  jg_player_set_playing (player, TRUE);
  jg_player_set_position (player, 500 * MS);
  jg_player_set_playing (player, FALSE);
  first = jg_player_get_position (player);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (jg_player_get_position (player), ==, first);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GFile   *file;
  guint64  n_events;
} Saved;

/* The autosave is there, whole: loaded, it has the run's events. */
static gboolean
autosaved (gpointer user_data)
{
  Saved *saved = user_data;
  g_autoptr(JgTrace) trace = NULL;

  if (!g_file_query_exists (saved->file, NULL))
    return FALSE;
  trace = jg_trace_file_load (saved->file, NULL, NULL);
  return trace != NULL && jg_trace_get_n_events (trace) == saved->n_events;
}

static void
test_replay_autosave (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgWindow *next;
  JgTestRunWatch watch;
  g_autoptr(GFile) autosave = NULL;
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "juggler", "last-run.juggler", NULL);
  Saved saved;
  JgRun *run;
  const char *label;

  /* A fresh start: nothing to reopen. */
  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "last_run_button")));

  jg_test_choose_scenario (window, "race-counter");
  run = jg_test_start_run (window, GTK_WIDGET (window), "win.run", &watch);
  /* A live run has no player. */
  g_assert_false (gtk_widget_get_visible (jg_test_window_child (window, "player_bar")));
  g_assert_true (jg_test_wait_run (&watch, RUN_TIMEOUT_S));

  autosave = g_file_new_for_path (path);
  saved.file = autosave;
  saved.n_events = jg_trace_get_n_events (jg_run_get_trace (run));
  g_assert_cmpuint (saved.n_events, >, 0);
  g_assert_true (jg_test_wait_for (autosaved, &saved, 30));

  /* The finished run replays too. */
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (window, "player_bar")));

  /* Next start: the welcome card offers it, by scenario. */
  next = jg_test_window_new (app, 1280, 800);
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (next, "last_run_button")));
  label = gtk_button_get_label (jg_test_window_child (next, "last_run_button"));
  g_assert_nonnull (strstr (label, "Reopen the Last Run ("));
  g_assert_nonnull (strstr (label, jg_trace_get_title (jg_run_get_trace (run))));
  jg_test_screenshot (GTK_WIDGET (next), "last-run");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (next), "win.open-last-run", NULL));
  g_assert_true (jg_test_wait_for (jg_test_window_loaded, next, 30));
  jg_test_wait_drawn (GTK_WIDGET (next));
  g_assert_nonnull (jg_window_get_trace (next));
  g_assert_cmpuint (jg_trace_get_n_events (jg_window_get_trace (next)), ==, saved.n_events);
  g_assert_cmpstr (jg_trace_get_title (jg_window_get_trace (next)), ==, jg_trace_get_title (jg_run_get_trace (run)));
  g_assert_true (gtk_widget_get_visible (jg_test_window_child (next, "player_bar")));

  gtk_window_destroy (GTK_WINDOW (next));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  /* Debug chatter stays out of the TAP stream. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = NULL;

  g_log_set_writer_func (log_writer, NULL, NULL);

  /* A fresh state folder: the autosave is this test's alone. */
  tmpdir = test_make_tmp_dir ("juggler-test-replay-XXXXXX");
  state = g_build_filename (tmpdir, "state", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);

  jg_test_init (&argc, &argv);
  app = jg_test_application_new ();

  g_test_add_func ("/replay/play-head", test_replay_play_head);
  g_test_add_func ("/replay/step", test_replay_step);
  g_test_add_func ("/replay/play", test_replay_play);
  g_test_add_func ("/replay/autosave", test_replay_autosave);

  return jg_test_run (&app, &tmpdir);
}
