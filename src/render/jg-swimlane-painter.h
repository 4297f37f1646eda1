/* jg-swimlane-painter.h: draws a trace (or a window of time of it) as swimlanes
 * on any cairo_t: the canvas widget, an image in a test, an SVG or PDF export.
 *
 * Lanes are tasks, workers or cores (the view), under a GIL lane with hand-off
 * arrows and drop-request marks, a strip of the tasks-in-flight and tasks-running
 * counters, a time axis and a legend that is always visible. Lanes are drawn per
 * device pixel column from a JgLod, so a frame costs the same for a thousand
 * events or ten million. */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "jg-lod.h"
#include "jg-palette.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef enum
{
  JG_SWIMLANE_VIEW_TASKS = 0, /* a lane per task */
  JG_SWIMLANE_VIEW_WORKERS,   /* a lane per thread, process or loop */
  JG_SWIMLANE_VIEW_CORES,     /* a lane per CPU, coloured by the task running there */
  JG_SWIMLANE_N_VIEWS
} JgSwimlaneView;

/* The level-of-detail lanes a view draws: tasks, workers or cores. */
JgLodLaneKind jg_swimlane_view_lane_kind (JgSwimlaneView view);

typedef enum
{
  JG_SWIMLANE_THEME_LIGHT = 0,
  JG_SWIMLANE_THEME_DARK,
  JG_SWIMLANE_THEME_PROJECTOR, /* thick lanes, large type, high contrast: for the back row */
  JG_SWIMLANE_N_THEMES
} JgSwimlaneTheme;

typedef enum
{
  JG_SWIMLANE_REGION_NONE = 0,
  JG_SWIMLANE_REGION_LEGEND,
  JG_SWIMLANE_REGION_AXIS,
  JG_SWIMLANE_REGION_COUNTERS, /* tasks in flight and tasks running */
  JG_SWIMLANE_REGION_GIL,      /* a GIL lane */
  JG_SWIMLANE_REGION_LANE,     /* a lane of the view */
} JgSwimlaneRegion;

/* What is under a point, for tooltips and clicks. */
typedef struct
{
  JgSwimlaneRegion region;
  JgLodLaneKind    lane_kind;   /* GIL, or the view's kind of lane */
  guint            lane;        /* index among the lanes of that kind */
  gboolean         on_label;    /* over the lane's name rather than its time */
  guint64          ts;          /* the time under the point */

  /* The span under the point, when has_span. */
  gboolean         has_span;
  guint32          task;        /* the task; the holder in a GIL lane */
  guint32          span;        /* index in the task's spans, or in the GIL spans */
  JgTaskState      state;       /* JG_STATE_RUNNING for a GIL holder */
  guint8           reason;      /* JgSuspendReason of a wait; JgGilReason of a GIL span */
  gboolean         open;        /* still going on */
  guint64          start;
  guint64          duration;
  gint             cpu;         /* -1 if unknown */
  guint32          worker;      /* JG_LANE_NONE for a GIL span */

  /* Counters region: the column's means. */
  double           concurrency;
  double           parallelism;
} JgSwimlaneHit;

/* The colour a task is drawn in where colours stand for tasks (core and GIL
 * lanes; the chip beside its name): JG_LOD_N_TASK_CLASSES colours, in turn. */
JgRgba jg_swimlane_task_color (guint32 task);

#define JG_TYPE_SWIMLANE_VIEW  (jg_swimlane_view_get_type ())
#define JG_TYPE_SWIMLANE_THEME (jg_swimlane_theme_get_type ())
GType jg_swimlane_view_get_type  (void) G_GNUC_CONST;
GType jg_swimlane_theme_get_type (void) G_GNUC_CONST;

#define JG_TYPE_SWIMLANE_PAINTER (jg_swimlane_painter_get_type ())
G_DECLARE_FINAL_TYPE (JgSwimlanePainter, jg_swimlane_painter, JG, SWIMLANE_PAINTER, GObject)

JgSwimlanePainter *jg_swimlane_painter_new               (void);

/* What to draw. @lod (borrowed: it must outlive its use here) summarises the
 * spans of @trace; either may be NULL to draw nothing but the frame. */
void               jg_swimlane_painter_set_source        (JgSwimlanePainter *self,
                                                          JgTrace           *trace,
                                                          JgLod             *lod);
void               jg_swimlane_painter_set_view          (JgSwimlanePainter *self,
                                                          JgSwimlaneView     view);
JgSwimlaneView     jg_swimlane_painter_get_view          (JgSwimlanePainter *self);
void               jg_swimlane_painter_set_theme         (JgSwimlanePainter *self,
                                                          JgSwimlaneTheme    theme);
JgSwimlaneTheme    jg_swimlane_painter_get_theme         (JgSwimlanePainter *self);
/* The visible time window [t0, t1), ns since the trace's start. */
void               jg_swimlane_painter_set_window        (JgSwimlanePainter *self,
                                                          guint64            t0,
                                                          guint64            t1);
void               jg_swimlane_painter_get_window        (JgSwimlanePainter *self,
                                                          guint64           *t0,
                                                          guint64           *t1);
/* The size to draw, in user units (widget pixels). */
void               jg_swimlane_painter_set_size          (JgSwimlanePainter *self,
                                                          double             width,
                                                          double             height);
/* Device pixels per user unit the drawing will end up at (the widget's scale
 * factor); image targets with a device scale are detected by themselves. */
void               jg_swimlane_painter_set_scale_factor  (JgSwimlanePainter *self,
                                                          double             scale_factor);
double             jg_swimlane_painter_get_scale_factor  (JgSwimlanePainter *self);
/* How far the lanes are scrolled up, in user units; the header stays put. */
void               jg_swimlane_painter_set_scroll        (JgSwimlanePainter *self,
                                                          double             scroll);
double             jg_swimlane_painter_get_scroll        (JgSwimlanePainter *self);
/* The height all lanes of the view take, and the height they are shown in:
 * for a scrollbar. */
double             jg_swimlane_painter_get_lanes_height  (JgSwimlanePainter *self);
double             jg_swimlane_painter_get_lanes_viewport (JgSwimlanePainter *self);
/* JG_LANE_NONE for no selection. */
void               jg_swimlane_painter_set_selected_task (JgSwimlanePainter *self,
                                                          guint32            task);
guint32            jg_swimlane_painter_get_selected_task (JgSwimlanePainter *self);
void               jg_swimlane_painter_set_hover         (JgSwimlanePainter *self,
                                                          double             x,
                                                          double             y);
void               jg_swimlane_painter_clear_hover       (JgSwimlanePainter *self);
/* Draws lanes as vector rectangles even on image surfaces (SVG, PDF and PS
 * surfaces always get vectors). */
void               jg_swimlane_painter_set_prefer_vector (JgSwimlanePainter *self,
                                                          gboolean           prefer_vector);

/* A replay's play head: lanes, counters and marks stop at @horizon (ns since
 * the trace's start); G_MAXUINT64, the default, draws everything. */
void               jg_swimlane_painter_set_horizon       (JgSwimlanePainter *self,
                                                          guint64            horizon);
guint64            jg_swimlane_painter_get_horizon       (JgSwimlanePainter *self);

/* The system's accessibility settings: high contrast draws the theme in
 * stronger colours (black on white, or white on black on a dark theme);
 * @text_scale (1 by default) grows the type, and the name column, lanes,
 * axis and legend that hold it, as the desktop's large text does. */
void               jg_swimlane_painter_set_high_contrast (JgSwimlanePainter *self,
                                                          gboolean           high_contrast);
gboolean           jg_swimlane_painter_get_high_contrast (JgSwimlanePainter *self);
void               jg_swimlane_painter_set_text_scale    (JgSwimlanePainter *self,
                                                          double             text_scale);
double             jg_swimlane_painter_get_text_scale    (JgSwimlanePainter *self);

/* The lanes of the view: how many, and the name drawn beside the @row'th
 * (NULL if there is no such lane); for assistive technology. */
guint              jg_swimlane_painter_get_n_rows        (JgSwimlanePainter *self);
char              *jg_swimlane_painter_get_row_name      (JgSwimlanePainter *self,
                                                          guint              row);

/* Draws at the origin of @cr's user space, within the size set. */
void               jg_swimlane_painter_draw              (JgSwimlanePainter *self,
                                                          cairo_t           *cr);
/* Forgets the cached lane layer, so the next draw recomputes it. The cache is
 * keyed on everything it shows; this is for measuring the cost of a frame. */
void               jg_swimlane_painter_invalidate        (JgSwimlanePainter *self);

/* Geometry, in user units. */
gboolean           jg_swimlane_painter_hit_test          (JgSwimlanePainter *self,
                                                          double             x,
                                                          double             y,
                                                          JgSwimlaneHit     *hit);
double             jg_swimlane_painter_x_for_time        (JgSwimlanePainter *self,
                                                          guint64            ts);
guint64            jg_swimlane_painter_time_for_x        (JgSwimlanePainter *self,
                                                          double             x);
/* Where time is drawn: x from @x0 to @x1. */
void               jg_swimlane_painter_get_plot_bounds   (JgSwimlanePainter *self,
                                                          double            *x0,
                                                          double            *x1);
/* The rows of @region (lanes of the view, GIL lanes, the counters strip): the
 * @index'th one's top and height; FALSE if there is no such row. Lanes
 * scrolled out of view still answer, outside the viewport. */
gboolean           jg_swimlane_painter_get_row           (JgSwimlanePainter *self,
                                                          JgSwimlaneRegion   region,
                                                          guint              index,
                                                          double            *y,
                                                          double            *height);

G_END_DECLS
