/* jg-window-private.h: the window's state, shared by jg-window.c (the window,
 * traces and files) and jg-window-run.c (scenarios, runs and live metrics). */
#pragma once

#include "jg-canvas.h"
#include "jg-caption.h"
#include "jg-caption-bar.h"
#include "jg-lesson-view.h"
#include "jg-metrics-strip.h"
#include "jg-player.h"
#include "jg-player-bar.h"
#include "jg-projector-window.h"
#include "jg-run.h"
#include "jg-scenario-panel.h"
#include "jg-task-history.h"
#include "jg-trace-summary.h"
#include "jg-window.h"

G_BEGIN_DECLS

typedef enum
{
  JG_PRESENTER_OFF = 0,
  JG_PRESENTER_FULLSCREEN,    /* this window, full screen, projector theme (F5) */
  JG_PRESENTER_SECOND_WINDOW, /* the canvas alone in a JgProjectorWindow (Shift+F5) */
} JgPresenterMode;

struct _JgWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;

  /* The trace shown: a run's (live or finished) or one opened from a file. */
  JgTrace              *trace;
  GFile                *file;             /* where it came from or was saved; NULL for an unsaved run */
  GCancellable         *load_cancellable; /* the trace load in flight, NULL when idle */
  GCancellable         *scenario_cancellable; /* the scenario file load in flight */
  JgMetrics            *metrics;          /* of the trace shown, as last computed */
  guint                 saving : 1;

  /* Scenarios: built-ins, then files the user opened. */
  GPtrArray            *scenarios;        /* Entry (jg-window-run.c): a scenario and its key */
  GHashTable           *session_values;   /* key -> JsonObject: parameters last used this session */
  char                 *saved_key;        /* last-scenario and last-parameters at start-up */
  JsonObject           *saved_values;
  JgScenario           *scenario;         /* the chosen one */
  char                 *scenario_key;     /* its id, or a user file's URI */
  GMenu                *builtin_section;
  GMenu                *user_section;
  GArray               *models;           /* JgModel, as the model drop-down lists them */

  /* Runs */
  JgRun                *run;              /* the run shown */
  char                 *run_key;          /* scenario and parameters: the speedup's cache key */
  JgScenario           *run_scenario;
  JsonObject           *run_parameters;
  JgRun                *baseline_run;     /* the sequential run measured for run_key */
  char                 *baseline_key;
  GHashTable           *baselines;        /* key -> gint64 wall ns, or -1: could not finish */
  guint                 running : 1;      /* started, and its "finished" not yet handled */
  guint                 metrics_source;
  guint                 metrics_interval_ms;

  /* Replay and autosave (jg-window-replay.c) */
  JgPlayer             *player;           /* replays the finished trace shown */
  JgTrace              *autosave_trace;   /* the run being autosaved */
  guint64               autosaved_events; /* how many events the last autosave had */
  guint                 autosave_source;
  guint                 autosaving : 1;   /* a save is being written */
  guint                 autosave_pending : 1; /* ... and another is wanted after it */

  /* Lessons (jg-window-lesson.c) */
  JgLessonView         *lesson_view;      /* the lesson window, once a lesson is open */
  GCancellable         *lesson_cancellable; /* the lesson load in flight */
  GMenu                *lesson_section;   /* the main menu's lessons; the courses are added in code */
  JgStartMethod         start_method;     /* how runs start worker processes: as the lesson step says */

  /* Presenter mode and captions (jg-window-presenter.c) */
  JgPresenterMode       presenter_mode;
  JgCaptionStep         presenter_step;   /* what Page Down goes to */
  guint64               presenter_hold;   /* a live run's held time, or G_MAXUINT64 */
  JgCaptioner          *captioner;        /* of the trace shown, made when first asked */
  JgProjectorWindow    *projector;        /* the second window, or NULL */
  guint                 caption_source;
  guint                 sidebar_before : 1; /* the sidebar's state before presenting */

  /* Template widgets */
  GtkStackSwitcher     *switcher;
  GtkMenuButton        *scenario_button;
  GtkDropDown          *model_dropdown;
  GtkSpinButton        *workers_spin;
  GtkDropDown          *interpreter_dropdown;
  GtkSpinButton        *switch_interval_spin;
  GtkWidget            *switch_interval_box;
  GtkWidget            *workers_box;
  GtkButton            *run_button;
  GtkButton            *stop_button;
  GtkDropTarget        *drop_target;
  GtkRevealer          *error_revealer;
  GtkImage             *error_icon;
  GtkLabel             *error_title_label;
  GtkLabel             *error_label;
  GtkStack             *stack;
  GtkStackPage         *summary_page;
  GtkRevealer          *sidebar_revealer;
  JgScenarioPanel      *panel;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkLabel             *status_label;
  GtkToggleButton      *follow_button;
  JgCanvas             *canvas;
  GtkWidget            *empty_box;
  GtkLabel             *empty_title_label;
  GtkButton            *recent_button;
  JgMetricsStrip       *strip;
  JgPlayerBar          *player_bar;
  JgCaptionBar         *caption_bar;
  GtkWidget            *view_buttons;
  GtkWidget            *zoom_buttons;
  GtkButton            *last_run_button;
  GtkRevealer          *history_revealer;
  JgTaskHistory        *history;
  JgTraceSummary       *summary;
  GtkWidget            *loading_box;
  GtkSpinner           *spinner;
  GtkLabel             *loading_label;
};

/* jg-window.c */
char     *_jg_window_file_display_name (GFile        *file);
/* Shows or hides the loading card after a load starts or ends; @what names
 * the file being read. */
void      _jg_window_update_loading    (JgWindow     *self,
                                        GFile        *what);
void      _jg_window_show_error        (JgWindow     *self,
                                        const char   *title,
                                        const char   *message);
/* The same banner, as information rather than a failure. */
void      _jg_window_show_info         (JgWindow     *self,
                                        const char   *title,
                                        const char   *message);
void      _jg_window_dismiss_error     (JgWindow     *self);
/* Shows @trace on the canvas (with @spans and @lod if already derived, taken
 * over), in the strip and, once finished, in the summary. */
void      _jg_window_show_trace        (JgWindow     *self,
                                        JgTrace      *trace,
                                        JgSpans      *spans,
                                        JgLod        *lod,
                                        GFile        *file);
/* Recomputes the metrics of the trace shown from the canvas's spans and
 * shows them; with @final, the summary page too. */
void      _jg_window_refresh_metrics   (JgWindow     *self,
                                        gboolean      final);
void      _jg_window_update_heading    (JgWindow     *self);
void      _jg_window_update_actions    (JgWindow     *self);

/* jg-window-run.c */
void      _jg_window_init_runs         (JgWindow     *self);
void      _jg_window_dispose_runs      (JgWindow     *self);
void      _jg_window_class_init_runs   (GtkWidgetClass *widget_class);
gboolean  _jg_window_is_running        (JgWindow     *self);
/* Forgets the run shown (stopping it if it still runs), e.g. when a file's
 * trace replaces it. */
void      _jg_window_drop_run          (JgWindow     *self);
const char *_jg_window_get_scenario_key (JgWindow   *self);
/* Chooses the scenario known by @key (a built-in's id or a user file's URI);
 * FALSE if there is none. */
gboolean  _jg_window_select_scenario   (JgWindow     *self,
                                        const char   *key);
/* The speedup tile for the trace shown. */
void      _jg_window_update_speedup    (JgWindow     *self);

/* jg-window-replay.c */
void      _jg_window_init_replay       (JgWindow     *self);
void      _jg_window_dispose_replay    (JgWindow     *self);
void      _jg_window_class_init_replay (GtkWidgetClass *widget_class);
/* Gives the player the trace shown once it is finished, and shows its bar. */
void      _jg_window_update_player     (JgWindow     *self);
/* The replay's play head; G_MAXUINT64 when all of the trace shows. */
guint64   _jg_window_get_play_head     (JgWindow     *self);
/* Shows the figures up to the play head in the strip. */
void      _jg_window_show_play_head_metrics (JgWindow *self);
/* Autosaves @trace (a run's) every few seconds while it runs; _finish saves it
 * once more, whole; _stop forgets it. */
void      _jg_window_autosave_start    (JgWindow     *self,
                                        JgTrace      *trace);
void      _jg_window_autosave_finish   (JgWindow     *self);
void      _jg_window_autosave_stop     (JgWindow     *self);
GFile    *_jg_window_get_autosave_file (void);
gboolean  _jg_window_is_autosave_file  (GFile        *file);

/* jg-window-presenter.c */
void      _jg_window_init_presenter    (JgWindow     *self);
void      _jg_window_dispose_presenter (JgWindow     *self);
void      _jg_window_set_presenter_mode (JgWindow       *self,
                                         JgPresenterMode mode);
JgPresenterMode _jg_window_get_presenter_mode (JgWindow *self);
/* Explains what happened at the play head (or the live edge) again. */
void      _jg_window_update_caption    (JgWindow     *self);
/* A new trace is shown: its captions start afresh. */
void      _jg_window_presenter_trace_changed (JgWindow *self);
/* The player got or lost the trace shown (a run ended while held). */
void      _jg_window_presenter_player_changed (JgWindow *self);
const char *_jg_window_get_caption_text (JgWindow    *self);

/* jg-window-lesson.c */
void      _jg_window_init_lesson       (JgWindow     *self);
void      _jg_window_dispose_lesson    (JgWindow     *self);
void      _jg_window_class_init_lesson (GtkWidgetClass *widget_class);
/* Sets the header bar and the side panel to @step (scenario, model, workers,
 * interpreter, switch interval, start method, parameters) and shows its
 * prepared trace, or nothing until Run when it has none. */
void      _jg_window_show_lesson_step  (JgWindow     *self,
                                        JgLessonStep *step);

G_END_DECLS
