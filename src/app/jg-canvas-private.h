/* jg-canvas-private.h: the swimlane canvas's state, shared by jg-canvas.c (the
 * widget: trace following, drawing, zoom, pan and pointer input),
 * jg-canvas-cursor.c (the keyboard cursor) and jg-canvas-a11y.c (what
 * assistive technology is told). */
#pragma once

#include "jg-canvas.h"

G_BEGIN_DECLS

struct _JgCanvas
{
  GtkWidget          parent_instance;

  JgSwimlanePainter *painter;
  JgTrace           *trace;
  JgSpans           *spans;
  JgLod             *lod;
  guint              tick_id;
  guint              live : 1;
  guint              follow : 1;
  guint              dragging : 1;

  JgSwimlaneView     view;
  JgCanvasStyle      style;
  GtkSettings       *gtk_settings; /* watched for the system's dark style */

  guint64            t0;
  guint64            t1;
  guint64            play_head;   /* a replay's; G_MAXUINT64 shows everything */
  guint64            min_extent;  /* canvases sharing one time axis reach this far */

  /* Where a drag or a pinch began. */
  guint64            gesture_t0;
  guint64            gesture_t1;
  double             gesture_scroll;
  double             gesture_x;

  double             pointer_x;   /* the last pointer position, for wheel zoom */
  gboolean           has_pointer;

  /* The keyboard cursor: a lane of the view and the span of it at cursor_ts. */
  int                cursor_row;  /* -1 until the keyboard (or a click) puts it somewhere */
  guint64            cursor_ts;
  gboolean           cursor_has_span;
  JgLodItem          cursor_item;

  /* The system's accessibility settings, as last read. */
  gboolean           high_contrast;
  double             text_scale;

  /* What assistive technology was last told, kept for tests and to skip
   * telling it the same again. */
  char              *a11y_label;
  char              *a11y_description;
  gboolean           a11y_busy;
  guint              a11y_source;
};

/* jg-canvas.c */
/* How many lanes the view shows. */
guint         _jg_canvas_n_rows               (JgCanvas            *self);
/* Where spans may be found: to the newest event (or now), not past a
 * replay's play head. */
guint64       _jg_canvas_search_limit         (JgCanvas            *self);
/* What the tooltip says of a span, as Pango markup. */
char         *_jg_canvas_describe_span        (JgCanvas            *self,
                                               const JgSwimlaneHit *hit);

/* jg-canvas-cursor.c */
/* Puts the keyboard cursor on the span of @row at @ts; failing that, the
 * next one, or the last before. */
void          _jg_canvas_place_cursor         (JgCanvas            *self,
                                               guint                row,
                                               guint64              ts);
/* The cursor's span as it is now; FALSE without one. */
gboolean      _jg_canvas_cursor_span          (JgCanvas            *self,
                                               JgLodItem           *item);
/* What the tooltip says of a span, for the cursor's. */
void          _jg_canvas_item_hit             (JgCanvas            *self,
                                               const JgLodItem     *item,
                                               JgSwimlaneHit       *hit);
void          _jg_canvas_draw_cursor          (JgCanvas            *self,
                                               cairo_t             *cr,
                                               double               width,
                                               double               height);
/* The focus controller's "enter". */
void          _jg_canvas_focus_enter          (JgCanvas            *self);
/* canvas.previous-lane, canvas.next-lane, canvas.previous-span and
 * canvas.next-span; canvas.select. */
void          _jg_canvas_cursor_action        (GtkWidget           *widget,
                                               const char          *action_name,
                                               GVariant            *param);
void          _jg_canvas_select_action        (GtkWidget           *widget,
                                               const char          *action_name,
                                               GVariant            *param);

/* jg-canvas-a11y.c */
/* The accessible label: the run's @title, or none. */
void          _jg_canvas_set_accessible_label (JgCanvas            *self,
                                               const char          *title);
/* Tells assistive technology what is shown now ... */
void          _jg_canvas_update_accessible    (JgCanvas            *self);
/* ... or once things settle. */
void          _jg_canvas_queue_accessible     (JgCanvas            *self);

G_END_DECLS
