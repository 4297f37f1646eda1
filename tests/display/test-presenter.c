/* test-presenter.c: presenter mode in the real window under Xvfb. A real run
 * of the convoy scenario (one thread computing beside threads doing I/O, so
 * the GIL changes hands) is shown; entering presenter mode gives the
 * projector look without chrome; the clicker's keys (through the window's own
 * shortcuts) step the play head from event to event, GIL hand-off to hand-off,
 * back, pause and leave; the caption explains the event at the play head,
 * checked against a captioner of our own. During a live run, pausing holds
 * the picture and a run that ends while held replays from there. The second
 * window shows the same trace and caption. */
#define G_LOG_DOMAIN "test-presenter"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-caption.h"
#include "jg-caption-bar.h"
#include "jg-display-test.h"
#include "jg-projector-window.h"
#include "jg-window.h"

#define RUN_TIMEOUT_S 60

static JgApplication *app;

/* The run has finished and the window has taken it in: the canvas shows a
 * finished trace and the replay has it. */
static gboolean
run_finished (gpointer user_data)
{
  return jg_test_window_run_finished (user_data) && !jg_canvas_get_live (jg_test_window_child (user_data, "canvas"))
         && jg_test_window_replay_ready (user_data);
}

/* The convoy: @calls network calls of 1 ms beside @work ms of computing. */
static JgRun *
start_convoy (JgWindow *window,
              double    calls,
              double    work)
{
  jg_test_choose_scenario (window, "convoy");
  jg_test_set_parameter (window, "calls", calls);
  jg_test_set_parameter (window, "call", 1);
  jg_test_set_parameter (window, "work", work);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_nonnull (jg_window_get_run (window));

  return jg_window_get_run (window);
}

/* Presses @keyval the way a clicker does: through the window's shortcut
 * controller for presenting, whose callback is the real one. FALSE if the
 * key was not taken. */
static gboolean
press (JgWindow *window,
       guint     keyval)
{
  GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  gboolean handled = FALSE;
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller)
          || g_strcmp0 (gtk_event_controller_get_name (controller), "presenter-clicker") != 0)
        continue;

      g_assert_cmpint (gtk_event_controller_get_propagation_phase (controller), ==, GTK_PHASE_CAPTURE);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) != keyval)
            continue;

          found = TRUE;
          handled = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (window),
                                                  gtk_shortcut_get_arguments (shortcut));
          break;
        }
    }
  g_object_unref (controllers);
  g_assert_true (found);

  return handled;
}

static const char *
caption_text (JgWindow *window)
{
  return jg_caption_bar_get_text (jg_test_window_child (window, "caption_bar"));
}

/* The caption shown is the one for the event at the play head @ts, and it is
 * about that event: one at exactly @ts. */
static void
assert_caption_at (JgWindow    *window,
                   JgCaptioner *captioner,
                   guint64      ts)
{
  g_auto(JgCaption) caption = { 0, };
  JgTrace *trace = jg_window_get_trace (window);
  const char *detail = jg_caption_bar_get_detail (jg_test_window_child (window, "caption_bar"));

  g_assert_true (jg_captioner_caption_at (captioner, ts, &caption));
  g_assert_cmpuint (caption.ts, ==, ts);
  g_assert_cmpstr (caption_text (window), ==, caption.text);
  /* Its details name where it happened. */
  if (caption.task != JG_LANE_NONE)
    g_assert_nonnull (strstr (detail, jg_trace_get_task_name (trace, caption.task)));
  else if (caption.worker != JG_LANE_NONE)
    g_assert_nonnull (strstr (detail, jg_trace_get_worker_name (trace, caption.worker)));
}

static void
test_presenter_step (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  GtkWidget *caption_bar = jg_test_window_child (window, "caption_bar");
  g_autoptr(JgCaptioner) captioner = NULL;
  JgPlayer *player;
  JgTrace *trace;
  guint64 first, second, handoff, back;
  g_auto(JgCaption) at_handoff = { 0, };

  start_convoy (window, 10, 60);
  g_assert_true (jg_test_wait_for (run_finished, window, RUN_TIMEOUT_S));
  trace = jg_window_get_trace (window);
  player = jg_test_window_player (window);
  g_assert_true (jg_player_get_trace (player) == trace);
  captioner = jg_captioner_new (trace);

  /* Not presenting: the clicker's keys are left to the focused widget. */
  g_assert_false (gtk_widget_get_visible (caption_bar));
  g_assert_false (press (window, GDK_KEY_Page_Down));

  /* F5: the projector look, no chrome, the caption bar with its controls. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_cmpint (jg_canvas_get_style (canvas), ==, JG_CANVAS_STYLE_PROJECTOR);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presenter"));
  g_assert_false (gtk_widget_get_visible (gtk_window_get_titlebar (GTK_WINDOW (window))));
  g_assert_false (gtk_revealer_get_reveal_child (jg_test_window_child (window, "sidebar_revealer")));
  g_assert_true (gtk_widget_get_visible (caption_bar));
  g_assert_true (jg_caption_bar_get_presenting (JG_CAPTION_BAR (caption_bar)));

  /* From the start, Page Down goes to the first event with a caption. */
  jg_player_set_position (player, 0);
  g_assert_true (press (window, GDK_KEY_Page_Down));
  first = jg_player_get_position (player);
  g_assert_cmpuint (first, ==, jg_trace_get_event (trace, jg_captioner_next_event (captioner, 0, JG_CAPTION_STEP_EVENT))->ts);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, first);
  assert_caption_at (window, captioner, first);

  g_assert_true (press (window, GDK_KEY_Page_Down));
  second = jg_player_get_position (player);
  g_assert_cmpuint (second, >, first);
  assert_caption_at (window, captioner, second);
  jg_test_wait_drawn (GTK_WIDGET (window));
  jg_test_screenshot (GTK_WIDGET (window), "presenter");

  /* Stepping by GIL hand-off: the play head lands on one, and the caption
   * says the GIL changed hands. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter-step", "s", "handoff"));
  g_assert_true (press (window, GDK_KEY_Page_Down));
  handoff = jg_player_get_position (player);
  g_assert_cmpuint (handoff, ==,
                    jg_trace_get_event (trace, jg_captioner_next_event (captioner, second, JG_CAPTION_STEP_HANDOFF))->ts);
  g_assert_true (jg_captioner_caption_at (captioner, handoff, &at_handoff));
  g_assert_cmpint (at_handoff.kind, ==, JG_CAPTION_GIL_HANDOFF);
  assert_caption_at (window, captioner, handoff);

  /* Page Up goes back to the hand-off before. */
  g_assert_true (press (window, GDK_KEY_Page_Down));
  g_assert_cmpuint (jg_player_get_position (player), >, handoff);
  handoff = jg_player_get_position (player);
  g_assert_true (press (window, GDK_KEY_Page_Up));
  back = jg_player_get_position (player);
  g_assert_cmpuint (back, <, handoff);
  g_assert_cmpuint (back, ==,
                    jg_trace_get_event (trace, jg_captioner_prev_event (captioner, handoff, JG_CAPTION_STEP_HANDOFF))->ts);

  /* B plays on from there, and pauses again. */
  g_assert_true (press (window, GDK_KEY_b));
  g_assert_true (jg_player_get_playing (player));
  g_assert_true (press (window, GDK_KEY_b));
  g_assert_false (jg_player_get_playing (player));

  /* Escape leaves presenter mode as it was. */
  g_assert_true (press (window, GDK_KEY_Escape));
  g_assert_cmpint (jg_canvas_get_style (canvas), !=, JG_CANVAS_STYLE_PROJECTOR);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "presenter"));
  g_assert_true (gtk_widget_get_visible (gtk_window_get_titlebar (GTK_WINDOW (window))));
  g_assert_true (gtk_revealer_get_reveal_child (jg_test_window_child (window, "sidebar_revealer")));
  g_assert_false (gtk_widget_get_visible (caption_bar));
  g_assert_false (press (window, GDK_KEY_Page_Down));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_events_after (gpointer user_data)
{
  JgWindow *window = user_data;
  JgTrace *trace = jg_window_get_trace (window);
  guint64 n = jg_trace_get_n_events (trace);

  return n > 0 && jg_trace_get_event (trace, n - 1)->ts > 30 * G_GUINT64_CONSTANT (1000000);
}

/* A caption has settled 20 ms after the held time. */
static gboolean
recorded_after_hold (gpointer user_data)
{
  JgWindow *window = user_data;
  JgTrace *trace = jg_window_get_trace (window);
  guint64 held = jg_canvas_get_play_head (jg_test_window_child (window, "canvas"));
  g_autoptr(JgCaptioner) captioner = jg_captioner_new (trace);
  g_auto(JgCaption) caption = { 0, };

  return jg_captioner_caption_at (captioner, G_MAXUINT64, &caption) && caption.ts > held + 20 * G_GUINT64_CONSTANT (1000000);
}

/* During a live run: B holds the picture while the run goes on; Page Down
 * steps within what was recorded; the run ends while held, and the replay
 * starts where the teacher was. */
static void
test_presenter_live_hold (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgCanvas *canvas = jg_test_window_child (window, "canvas");
  JgPlayer *player = jg_test_window_player (window);
  g_autoptr(JgCaptioner) captioner = NULL;
  JgRun *run;
  guint64 held, stepped;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL));
  run = start_convoy (window, 40, 400);
  g_assert_true (jg_test_wait_for (has_events_after, window, RUN_TIMEOUT_S));
  g_assert_true (jg_canvas_get_live (canvas));

  g_assert_true (press (window, GDK_KEY_b));
  held = jg_canvas_get_play_head (canvas);
  g_assert_cmpuint (held, !=, G_MAXUINT64);
  g_assert_cmpuint (held, >, 0);

  /* The run goes on recording; the picture stays at the held time, and
   * steps on within what was recorded since. */
  g_assert_true (jg_test_wait_for (recorded_after_hold, window, RUN_TIMEOUT_S));
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, held);
  g_assert_true (press (window, GDK_KEY_Page_Down));
  stepped = jg_canvas_get_play_head (canvas);
  g_assert_cmpuint (stepped, >, held);
  g_assert_false (jg_run_is_finished (run));

  g_assert_true (jg_test_wait_for (run_finished, window, RUN_TIMEOUT_S));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_true (jg_player_get_trace (player) == jg_window_get_trace (window));
  g_assert_cmpuint (jg_player_get_position (player), ==, stepped);
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, stepped);
  g_assert_false (jg_player_get_playing (player));

  captioner = jg_captioner_new (jg_window_get_trace (window));
  assert_caption_at (window, captioner, stepped);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static JgProjectorWindow *
find_projector (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (JG_IS_PROJECTOR_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* The second window: the canvas alone, following the window that drives it. */
static void
test_presenter_second_window (void)
{
  JgWindow *window = jg_test_window_new (app, 1280, 800);
  JgProjectorWindow *projector;
  JgCanvas *canvas;

  start_convoy (window, 10, 40);
  g_assert_true (jg_test_wait_for (run_finished, window, RUN_TIMEOUT_S));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presenter-window", NULL));
  projector = find_projector ();
  g_assert_nonnull (projector);
  jg_test_wait_drawn (GTK_WIDGET (projector));
  canvas = jg_projector_window_get_canvas (projector);
  g_assert_true (jg_canvas_get_trace (canvas) == jg_window_get_trace (window));
  g_assert_cmpint (jg_canvas_get_style (canvas), ==, JG_CANVAS_STYLE_PROJECTOR);
  /* The controls stay here: this window is not made full screen. */
  g_assert_true (gtk_widget_get_visible (gtk_window_get_titlebar (GTK_WINDOW (window))));

  jg_player_set_position (jg_test_window_player (window), 0);
  g_assert_true (press (window, GDK_KEY_Page_Down));
  g_assert_cmpuint (jg_canvas_get_play_head (canvas), ==, jg_player_get_position (jg_test_window_player (window)));
  g_assert_cmpstr (jg_caption_bar_get_text (jg_projector_window_get_caption_bar (projector)), ==,
                   caption_text (window));
  jg_test_wait_drawn (GTK_WIDGET (projector));
  jg_test_screenshot (GTK_WIDGET (projector), "projector");

  /* Closing it ends presenting. */
  gtk_window_close (GTK_WINDOW (projector));
  jg_test_wait_drawn (GTK_WIDGET (window));
  g_assert_null (find_projector ());
  g_assert_false (press (window, GDK_KEY_Page_Down));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  jg_test_init (&argc, &argv);
  app = jg_test_application_new ();

  g_test_add_func ("/presenter/step", test_presenter_step);
  g_test_add_func ("/presenter/live-hold", test_presenter_live_hold);
  g_test_add_func ("/presenter/second-window", test_presenter_second_window);

  return jg_test_run (&app, NULL);
}
