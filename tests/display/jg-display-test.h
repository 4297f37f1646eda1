/* jg-display-test.h: what the display tests share: the application and its
 * windows, waiting for the window to paint, for a run or for a condition
 * (always bounded), rendering a widget as it is on screen, reading its pixels,
 * saving screenshots on request, and the traces and files the tests open. */
#pragma once

#include <gtk/gtk.h>

#include "jg-application.h"
#include "jg-canvas.h"
#include "jg-metrics.h"
#include "jg-palette.h"
#include "jg-player.h"
#include "jg-trace.h"
#include "jg-window.h"

G_BEGIN_DECLS

/* What every display test does first: numbers in the C locale ("2.90", not
 * "2,90", as the tests compare them), g_test_init (), gtk_init () and the
 * resources. */
void        jg_test_init           (int             *argc,
                                    char          ***argv);
/* The real application, registered so that its startup runs (stylesheet,
 * actions, accelerators); non-unique: a test has no business on the session
 * bus. */
JgApplication *jg_test_application_new (void);
/* Runs the tests, then lets *@app go and removes *@tmpdir (@tmpdir may be
 * NULL): the end of every display test's main (). */
int         jg_test_run            (JgApplication  **app,
                                    char           **tmpdir);
/* A new main window of @app, @width × @height (-1 × -1: the size it restores
 * from the settings), presented and drawn. */
JgWindow   *jg_test_window_new     (JgApplication   *app,
                                    int              width,
                                    int              height);

typedef gboolean (*JgTestCondition) (gpointer user_data);

/* Iterates the main context until @condition holds; FALSE if @timeout_s
 * passed first. */
gboolean    jg_test_wait_for       (JgTestCondition  condition,
                                    gpointer         user_data,
                                    double           timeout_s);
/* Lets transitions finish and @window paint a few frames. */
void        jg_test_wait_drawn     (GtkWidget       *window);
/* The template child @name of @widget, an instance of @type. */
gpointer    jg_test_child          (gpointer         widget,
                                    GType            type,
                                    const char      *name);
/* Activates @action on @widget, which must have it. */
void        jg_test_activate       (gpointer         widget,
                                    const char      *action);
/* A 1000 × 600 window holding @child, which is @canvas or holds it; the canvas
 * shows @trace in the light style. Presented and drawn, nothing hovered. */
GtkWindow  *jg_test_canvas_window_new (GtkWidget    *child,
                                       JgCanvas     *canvas,
                                       JgTrace      *trace);

/* The template child @name of the main window @window. */
gpointer    jg_test_window_child   (JgWindow        *window,
                                    const char      *name);
/* The text of the metrics strip's label @name in @window. */
const char *jg_test_strip_text     (JgWindow        *window,
                                    const char      *name);
/* The metrics strip of @window shows the figures of @trace up to @until,
 * recomputed here: concurrency, parallelism, wall time, core utilisation and
 * GIL wait. @metrics (may be NULL) gets them, for the caller's own checks. */
void        jg_test_assert_strip_shows (JgWindow    *window,
                                        JgTrace     *trace,
                                        guint64      until,
                                        JgMetrics   *metrics);
/* The player of @window's replay bar. */
JgPlayer   *jg_test_window_player  (JgWindow        *window);
/* The toplevel of @type that is shown, or NULL. */
GtkWindow  *jg_test_find_toplevel  (GType            type);

/* Chooses the built-in scenario @id, as the header bar's menu does. */
void        jg_test_choose_scenario (JgWindow       *window,
                                     const char     *id);
/* Sets the side panel's parameter @name to @value: a number, or for a switch
 * on unless @value is 0. */
void        jg_test_set_parameter  (JgWindow        *window,
                                    const char      *name,
                                    double           value);

/* Conditions on a JgWindow, for jg_test_wait_for (): it is loading no file;
 * it has a run, and the run has finished; the strip's speedup is measured
 * (the sequential run is done). */
gboolean    jg_test_window_loaded  (gpointer         window);
gboolean    jg_test_window_run_finished (gpointer    window);
/* The window has taken in the end of its run: the replay has the trace shown
 * (a moment after jg_run_is_finished () turns TRUE). */
gboolean    jg_test_window_replay_ready (gpointer    window);
gboolean    jg_test_speedup_measured (gpointer       window);

/* A run's "finished" signal, watched from its start. */
typedef struct
{
  JgRun    *run;
  gboolean  finished;
} JgTestRunWatch;

/* Activates @action on @widget (the window, or the lesson window), which
 * starts a run in @window, and watches that run's "finished" with @watch. */
JgRun      *jg_test_start_run      (JgWindow        *window,
                                    GtkWidget       *widget,
                                    const char      *action,
                                    JgTestRunWatch  *watch);
/* Waits for the watched run's "finished"; FALSE if @timeout_s passed first.
 * Stops watching either way. */
gboolean    jg_test_wait_run       (JgTestRunWatch  *watch,
                                    double           timeout_s);

/* @widget as it is on screen, rendered with its window's own renderer. */
GdkTexture *jg_test_render         (GtkWidget       *widget);

typedef struct
{
  guchar *data;
  gsize   stride;
  int     width;
  int     height;
} JgTestPixels;

void        jg_test_pixels_init    (JgTestPixels    *pixels,
                                    GdkTexture      *texture);
void        jg_test_pixels_clear   (JgTestPixels    *pixels);
/* Within 2 of each 8-bit channel of @color. */
gboolean    jg_test_pixels_match   (const JgTestPixels *pixels,
                                    int              x,
                                    int              y,
                                    const JgRgba    *color);

/* With JUGGLER_SCREENSHOT=path.png, saves @widget as path-@suffix.png (or
 * path.png with no suffix). */
void        jg_test_screenshot     (GtkWidget       *widget,
                                    const char      *suffix);

/* The three downloads most display tests draw, under the GIL, @unit ns a step:
 *   download A runs throughout, 100 steps;
 *   B runs 40, waits 40 for I/O, runs 20, and ends as @b_end says;
 *   C waits 60 for the GIL, runs 30 and ends at 90.
 * jg_test_downloads_begin () adds to the new @trace threads "thread 1…3" of
 * process @pid, downloads A to C, one on each (their ids in @task and
 * @worker), the run info (3 threads, GIL, 5 ms switch interval) and what
 * happens at 0; jg_test_downloads_end () adds the rest and the end. The
 * caller names the scenario and finishes the trace. */
void        jg_test_downloads_begin (JgTrace        *trace,
                                     guint32         pid,
                                     guint32         task[3],
                                     guint32         worker[3]);
void        jg_test_downloads_end  (JgTrace         *trace,
                                    const guint32    task[3],
                                    const guint32    worker[3],
                                    guint64          unit,
                                    JgEndStatus      b_end);

/* Writes @contents to the file @name in @dir. */
GFile      *jg_test_write_file     (const char      *dir,
                                    const char      *name,
                                    const char      *contents);
/* Saves @trace as the .juggler file @name in @dir. */
GFile      *jg_test_save_trace     (JgTrace         *trace,
                                    const char      *dir,
                                    const char      *name);

G_END_DECLS
