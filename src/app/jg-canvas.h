/* jg-canvas.h: the swimlane canvas as a widget. It wraps a JgSwimlanePainter,
 * follows a growing trace at the display's frame rate, and lets the user zoom,
 * pan, hover for details and select a task. */
#pragma once

#include <gtk/gtk.h>

#include "jg-lod.h"
#include "jg-spans.h"
#include "jg-swimlane-painter.h"
#include "jg-trace.h"

G_BEGIN_DECLS

/* The look asked for: the values of the "theme" setting. */
typedef enum
{
  JG_CANVAS_STYLE_SYSTEM = 0, /* light or dark, as GTK is */
  JG_CANVAS_STYLE_LIGHT,
  JG_CANVAS_STYLE_DARK,
  JG_CANVAS_STYLE_PROJECTOR,
} JgCanvasStyle;

#define JG_TYPE_CANVAS_STYLE (jg_canvas_style_get_type ())
GType jg_canvas_style_get_type (void) G_GNUC_CONST;

/* While following, the canvas shows the run from its start until this much
 * has been recorded, then the newest this much. */
#define JG_CANVAS_FOLLOW_MIN_NS (G_GUINT64_CONSTANT (100) * 1000000)
#define JG_CANVAS_FOLLOW_MAX_NS (G_GUINT64_CONSTANT (10) * 1000000000)
/* Zoomed in as far as it goes: a microsecond across the canvas. */
#define JG_CANVAS_MIN_SPAN_NS   G_GUINT64_CONSTANT (1000)

#define JG_TYPE_CANVAS (jg_canvas_get_type ())
G_DECLARE_FINAL_TYPE (JgCanvas, jg_canvas, JG, CANVAS, GtkWidget)

GtkWidget         *jg_canvas_new               (void);

/* Shows @trace (NULL for none). @spans and @lod, if given, must have been
 * derived from it (e.g. by a loading thread) and are taken over; without them
 * the canvas derives its own. A trace that is not finished is followed live:
 * every frame consumes what it has published since. */
void               jg_canvas_set_trace         (JgCanvas          *self,
                                                JgTrace           *trace,
                                                JgSpans           *spans,
                                                JgLod             *lod);
JgTrace           *jg_canvas_get_trace         (JgCanvas          *self);
/* The spans the canvas keeps up to date; read them on the main thread only. */
JgSpans           *jg_canvas_get_spans         (JgCanvas          *self);
/* TRUE while the trace shown still grows. */
gboolean           jg_canvas_get_live          (JgCanvas          *self);
/* Consumes what the trace has published since the last frame now, rather
 * than at the next frame. Returns TRUE if anything changed. */
gboolean           jg_canvas_update            (JgCanvas          *self);

void               jg_canvas_set_view          (JgCanvas          *self,
                                                JgSwimlaneView     view);
JgSwimlaneView     jg_canvas_get_view          (JgCanvas          *self);
void               jg_canvas_set_style         (JgCanvas          *self,
                                                JgCanvasStyle      style);
JgCanvasStyle      jg_canvas_get_style         (JgCanvas          *self);
/* The painter's theme the style resolves to now. */
JgSwimlaneTheme    jg_canvas_get_theme         (JgCanvas          *self);

/* Following shows the newest events while the trace grows; any zoom or pan
 * by the user pauses it. */
void               jg_canvas_set_follow        (JgCanvas          *self,
                                                gboolean           follow);
gboolean           jg_canvas_get_follow        (JgCanvas          *self);

/* JG_LANE_NONE for none. */
void               jg_canvas_set_selected_task (JgCanvas          *self,
                                                guint32            task);
guint32            jg_canvas_get_selected_task (JgCanvas          *self);

/* The time shown, ns since the trace's start. */
void               jg_canvas_get_window        (JgCanvas          *self,
                                                guint64           *t0,
                                                guint64           *t1);
/* Shows [@t0, @t1) (kept within the trace), and stops following. */
void               jg_canvas_set_window        (JgCanvas          *self,
                                                guint64            t0,
                                                guint64            t1);
/* Lets the window reach @extent ns even where the trace is shorter, so
 * canvases stacked on one time axis (the compare window) can show the same
 * span. 0 (the default) keeps it within the trace. */
void               jg_canvas_set_min_extent    (JgCanvas          *self,
                                                guint64            extent);
/* A replay's play head, ns since the trace's start: what happened after it is
 * not drawn, and a line marks it. G_MAXUINT64 (what a new trace starts with)
 * shows everything. */
void               jg_canvas_set_play_head     (JgCanvas          *self,
                                                guint64            play_head);
guint64            jg_canvas_get_play_head     (JgCanvas          *self);
/* @factor > 1 zooms in, keeping the time under @x (widget coordinates) where
 * it is; a negative @x zooms around the middle. Stops following. */
void               jg_canvas_zoom              (JgCanvas          *self,
                                                double             factor,
                                                double             x);
/* The whole trace; while it grows, follows it again. */
void               jg_canvas_zoom_fit          (JgCanvas          *self);
/* Moves the time shown by @dx pixels (positive: later). Stops following. */
void               jg_canvas_pan               (JgCanvas          *self,
                                                double             dx);
/* Scrolls the lanes by @dy pixels (positive: down). */
void               jg_canvas_scroll_lanes      (JgCanvas          *self,
                                                double             dy);

/* What the tooltip at (@x, @y) says, as Pango markup; NULL for nothing. */
char              *jg_canvas_describe_point    (JgCanvas          *self,
                                                double             x,
                                                double             y);
/* For geometry (where a time or a lane is drawn) and tests. */
JgSwimlanePainter *jg_canvas_get_painter       (JgCanvas          *self);

/* Accessibility. The keyboard cursor sits on a lane of the view and a span of
 * it (arrows move it, Enter selects its task, as a click does); FALSE if the
 * keyboard has not put it anywhere yet. @task is JG_LANE_NONE, and @start and
 * @end the cursor's time, when the lane has no span there. */
gboolean           jg_canvas_get_cursor        (JgCanvas          *self,
                                                guint             *lane,
                                                guint32           *task,
                                                guint64           *start,
                                                guint64           *end);
/* The colours of the keyboard cursor's ring, and of the rim inside it. */
void               jg_canvas_get_focus_colors  (JgCanvas          *self,
                                                JgRgba            *ring,
                                                JgRgba            *rim);
/* What the canvas tells assistive technology, as plain text: the time and
 * lanes shown with what each did ("thread 2: Running 48%, Waiting for GIL
 * 52%"); the selected task (name, state, start, duration); the span under
 * the keyboard cursor (NULL without one or without a selection). */
char              *jg_canvas_describe_lanes    (JgCanvas          *self);
char              *jg_canvas_describe_selection (JgCanvas         *self);
char              *jg_canvas_describe_cursor   (JgCanvas          *self);
/* All three, as the accessible description puts them. */
char              *jg_canvas_get_accessible_text (JgCanvas        *self);
/* The accessible label and description last given to GTK. The description
 * follows changes shortly after them (a live run's every two seconds), the
 * keyboard cursor's at once. */
const char        *jg_canvas_get_accessible_label (JgCanvas       *self);
const char        *jg_canvas_get_accessible_description (JgCanvas *self);
/* The system's high contrast (a "HighContrast" GTK theme) and large text
 * (gtk-xft-dpi over 96 dpi) as the canvas follows them. */
gboolean           jg_canvas_get_high_contrast (JgCanvas          *self);
double             jg_canvas_get_text_scale    (JgCanvas          *self);

G_END_DECLS
