/* jg-lod.h: a level-of-detail summary of a trace's spans for the swimlane canvas.
 *
 * For any lane and any window of time cut into N pixel columns, it answers how
 * much time each class (a state, or a task colour) takes in each column, at a
 * cost that does not grow with the number of events: zoomed out, from a pyramid
 * of time buckets; zoomed in, from the few spans in view. It is updated
 * incrementally from a live JgSpans, like the spans are from the trace, and is
 * used from one thread (the one updating the spans).
 */
#pragma once

#include <glib.h>

#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

typedef enum
{
  JG_LOD_LANE_TASK = 0, /* a task; classes are JgTaskState (Done is not summarised) */
  JG_LOD_LANE_WORKER,   /* a worker: the Running and wait spans of the tasks it ran
                         * (not Ready or Awaiting: those do not occupy it); classes
                         * are JgTaskState */
  JG_LOD_LANE_CORE,     /* a CPU: Running spans placed by their cpu; classes are
                         * task colours (jg_lod_task_class) */
  JG_LOD_LANE_GIL,      /* an interpreter's GIL: holder spans; classes are task
                         * colours, and JG_LOD_CLASS_HANDOFFS counts hand-offs */
  JG_LOD_N_LANE_KINDS
} JgLodLaneKind;

#define JG_LOD_N_CLASSES      8
/* Tasks are told apart by this many colours in core and GIL lanes. */
#define JG_LOD_N_TASK_CLASSES 7
/* In GIL lanes this class counts the hand-offs (takes by another task than the
 * last holder) that start in the column, instead of holding time. */
#define JG_LOD_CLASS_HANDOFFS 7

static inline guint
jg_lod_task_class (guint32 task)
{
  return task % JG_LOD_N_TASK_CLASSES;
}

/* One pixel column's answer: time (ns) per class. */
typedef struct
{
  guint64 ns[JG_LOD_N_CLASSES];
} JgLodColumn;

/* One span of a lane, as walked by jg_lod_foreach (). */
typedef struct
{
  guint64 start;
  guint64 end;
  guint32 task;    /* the task; the holder for a GIL lane */
  guint32 index;   /* the span's index in the task's spans, or in the GIL spans */
  guint8  klass;   /* the class it is summarised under */
  guint8  state;   /* JgTaskState; JG_STATE_RUNNING for a GIL holder span */
  guint8  handoff; /* GIL lanes: taken from another task */
  guint8  open;    /* still growing */
} JgLodItem;

/* Return FALSE to stop. */
typedef gboolean (*JgLodItemFunc) (const JgLodItem *item,
                                   gpointer         user_data);

typedef struct _JgLod JgLod;

/* @spans is borrowed: it must outlive the summary, and be updated from the trace
 * passed to jg_lod_update (). */
JgLod    *jg_lod_new              (JgSpans       *spans);
void      jg_lod_free             (JgLod         *self);
/* Summarises what @spans has derived since the last update (call it right after
 * jg_spans_update ()). Returns TRUE if anything changed. */
gboolean  jg_lod_update           (JgLod         *self,
                                   JgTrace       *trace);
/* Bumped by every update that changed something: a cache key for drawings. */
guint64   jg_lod_get_generation   (JgLod         *self);
JgSpans  *jg_lod_get_spans        (JgLod         *self);
guint64   jg_lod_get_horizon      (JgLod         *self);
gsize     jg_lod_get_memory_bytes (JgLod         *self);

guint     jg_lod_get_n_lanes      (JgLod         *self,
                                   JgLodLaneKind  kind);
/* The CPU a core lane stands for; -1 for the lane of spans whose CPU is unknown. */
gint      jg_lod_get_core_cpu     (JgLod         *self,
                                   guint          lane);
/* The interpreter a GIL lane stands for. */
guint32   jg_lod_get_gil_interp   (JgLod         *self,
                                   guint          lane);

/* Column @column of [@t0, @t1) cut into @n_columns begins at
 * t0 + (t1 - t0) * column / n_columns, rounded down. */
guint64   jg_lod_column_edge      (guint64        t0,
                                   guint64        t1,
                                   guint          n_columns,
                                   guint          column);
/* All @n_columns + 1 edges at once, into @edges. */
void      jg_lod_column_edges     (guint64        t0,
                                   guint64        t1,
                                   guint          n_columns,
                                   guint64       *edges);

/* Fills @columns (@n_columns of them) with the time per class of @lane in each
 * column of [@t0, @t1), and returns the grain of the answer:
 *
 * - 1: exact. The spans in view were walked.
 * - a power of two g no wider than a column: every column edge was rounded
 *   down to a multiple of g (see jg_lod_snap_edge ()), and the time within
 *   those edges is exact. Nothing moves by more than a column, and every
 *   column still gets its share.
 * - a power of two g wider than a column (at most two): each g-wide bucket's
 *   time was shared among the columns it overlaps in proportion (rounded
 *   down), and a class with any time in the bucket has at least 1 ns in each
 *   of them, so a burst stays visible, at most a column or two wide. GIL
 *   hand-offs count in the first column the bucket overlaps.
 *
 * Spans still growing are always added exactly. */
guint64   jg_lod_query            (JgLod         *self,
                                   JgLodLaneKind  kind,
                                   guint          lane,
                                   guint64        t0,
                                   guint64        t1,
                                   guint          n_columns,
                                   JgLodColumn   *columns);
/* The same; when the answer is exact, @func is also called for each span in
 * view at least @min_duration long (the ones wide enough for a label), so
 * drawing them costs no second walk. */
guint64   jg_lod_query_items      (JgLod         *self,
                                   JgLodLaneKind  kind,
                                   guint          lane,
                                   guint64        t0,
                                   guint64        t1,
                                   guint          n_columns,
                                   JgLodColumn   *columns,
                                   guint64        min_duration,
                                   JgLodItemFunc  func,
                                   gpointer       user_data);
/* The edge a column of an answer of @grain really has. */
guint64   jg_lod_snap_edge        (guint64        edge,
                                   guint64        grain,
                                   guint64        t0,
                                   guint64        t1,
                                   guint          n_columns);

/* Per column: the mean number of tasks in flight (begun, not ended; a task still
 * running counts to the horizon and beyond), and the mean number running: the
 * sum over core lanes of each one's running share of the column (each over its
 * own grain), a core's share capped at 1 since a core runs one thing at a time,
 * the total capped at the number of cores (jg-metrics integrates
 * min (running, cores) the same way). Either array may be NULL. */
void      jg_lod_query_counters   (JgLod         *self,
                                   guint64        t0,
                                   guint64        t1,
                                   guint          n_columns,
                                   double        *concurrency,
                                   double        *parallelism);

/* Per column: how many drop requests were made to @lane's GIL. */
void      jg_lod_query_drop_requests (JgLod      *self,
                                      guint       lane,
                                      guint64     t0,
                                      guint64     t1,
                                      guint       n_columns,
                                      guint32    *counts);

/* Calls @func for each span of @lane that overlaps [@t0, @t1), open ones
 * included; not necessarily in time order. Cost: the spans in the window. */
void      jg_lod_foreach          (JgLod         *self,
                                   JgLodLaneKind  kind,
                                   guint          lane,
                                   guint64        t0,
                                   guint64        t1,
                                   JgLodItemFunc  func,
                                   gpointer       user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgLod, jg_lod_free)

G_END_DECLS
