/* jg-picture.h: a trace as a picture for a slide: PNG, SVG or PDF.
 *
 * A title line (the scenario, the model, the workers, the interpreter), the
 * swimlanes with their legend (JgSwimlanePainter's) and a band of the figures
 * that explain the window shown, concurrency and parallelism side by side.
 * Cairo only, so the CLI, the app and tests all draw the same picture. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "jg-swimlane-painter.h"
#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_PICTURE_ERROR (jg_picture_error_quark ())

typedef enum
{
  JG_PICTURE_ERROR_WINDOW, /* the time window is empty or outside the trace */
  JG_PICTURE_ERROR_SIZE,   /* a size or scale out of range */
  JG_PICTURE_ERROR_DRAW,   /* cairo could not draw or encode the picture */
} JgPictureError;

typedef enum
{
  JG_PICTURE_FORMAT_PNG = 0,
  JG_PICTURE_FORMAT_SVG,
  JG_PICTURE_FORMAT_PDF,
  JG_PICTURE_N_FORMATS
} JgPictureFormat;

/* Sizes are in pixels for PNG and points for SVG and PDF. */
#define JG_PICTURE_DEFAULT_WIDTH 1600
#define JG_PICTURE_MIN_WIDTH     320
#define JG_PICTURE_MIN_HEIGHT    200
#define JG_PICTURE_MAX_SIZE      16384
#define JG_PICTURE_MAX_SCALE     4

/* Where the parts of a picture are, in picture units (pixels before the
 * scale, or points). The swimlanes are the painter's drawing, its origin at
 * (lanes.x, lanes.y) and its units @zoom picture units wide; the title and
 * the band are drawn @text_zoom times their natural size. */
typedef struct
{
  double            width;
  double            height;
  int               png_width;  /* in device pixels, at the scale */
  int               png_height;
  double            zoom;
  double            text_zoom;
  cairo_rectangle_t title;     /* the title and the line under it */
  cairo_rectangle_t lanes;
  cairo_rectangle_t metrics;   /* the band of figures */
  cairo_rectangle_t concurrency; /* its two large figures */
  cairo_rectangle_t parallelism;
  guint             hidden_lanes; /* lanes that did not fit */
} JgPictureLayout;

/* The figures of the band: those of the window shown, not of the whole run. */
typedef struct
{
  guint64 wall_ns;          /* the window's length, up to the run's end */
  double  concurrency;      /* mean tasks in flight over the window */
  double  parallelism;      /* mean tasks on a CPU over the window */
  double  core_utilisation;
  guint   n_cores;
  guint   gil_handoffs;     /* hand-offs that happened in the window */
  guint   gil_drop_requests;
  guint64 gil_wait_ns;      /* time tasks waited for the GIL in the window */
} JgPictureFigures;

GQuark jg_picture_error_quark (void);

#define JG_TYPE_PICTURE (jg_picture_get_type ())
G_DECLARE_FINAL_TYPE (JgPicture, jg_picture, JG, PICTURE, GObject)

/* A picture of all of @trace, in the tasks view, light theme, 1600 wide and as
 * tall as its lanes need. */
JgPicture         *jg_picture_new          (JgTrace          *trace);

void               jg_picture_set_view     (JgPicture        *self,
                                            JgSwimlaneView    view);
void               jg_picture_set_theme    (JgPicture        *self,
                                            JgSwimlaneTheme   theme);
/* The window [@t0, @t1) to show, in ns since the trace's start: it must not be
 * empty and must lie within the trace. */
gboolean           jg_picture_set_window   (JgPicture        *self,
                                            guint64           t0,
                                            guint64           t1,
                                            GError          **error);
void               jg_picture_get_window   (JgPicture        *self,
                                            guint64          *t0,
                                            guint64          *t1);
/* 0 for either means automatic: the default width, or as tall as the lanes
 * need. With both given, the drawing is zoomed to fill the frame. */
gboolean           jg_picture_set_size     (JgPicture        *self,
                                            double            width,
                                            double            height,
                                            GError          **error);
/* Device pixels per picture pixel in a PNG (2 for a HiDPI picture). */
gboolean           jg_picture_set_scale    (JgPicture        *self,
                                            double            scale,
                                            GError          **error);
/* Replaces the scenario's title (or the lack of one) at the top. */
void               jg_picture_set_title    (JgPicture        *self,
                                            const char       *title);

void               jg_picture_get_layout   (JgPicture        *self,
                                            JgPictureLayout  *layout);
void               jg_picture_get_figures  (JgPicture        *self,
                                            JgPictureFigures *figures);
/* The painter drawing the lanes, sized and set for the layout: its geometry
 * (x_for_time, get_row) in its own units, see JgPictureLayout. */
JgSwimlanePainter *jg_picture_get_painter  (JgPicture        *self);

/* Draws the picture at the origin of @cr's user space, in picture units. */
void               jg_picture_draw         (JgPicture        *self,
                                            cairo_t          *cr);
/* Writes the picture to @file whole, or leaves it as it was on failure. */
gboolean           jg_picture_save         (JgPicture        *self,
                                            GFile            *file,
                                            JgPictureFormat   format,
                                            GCancellable     *cancellable,
                                            GError          **error);

G_END_DECLS
