/* jg-lod.c: the level-of-detail summary behind the swimlane canvas.
 *
 * Each lane keeps a pyramid of time buckets: level j holds buckets 2^(kmin + j) ns
 * wide with the time of each class inside. A lane gets about one base bucket per
 * SPANS_PER_BUCKET spans it has summarised, so the pyramid costs a few bytes per
 * span. A column at least one base bucket wide is answered from the level whose
 * buckets are at most a column wide, reading a couple of buckets; a column at
 * least half a base bucket wide shares each bucket among the columns it
 * overlaps; a narrower column means few spans are in view, and those are
 * walked exactly. Finished
 * spans never change, so they are summarised once; the open span of each task
 * (it grows every frame of a live run) is added at query time instead.
 *
 * Worker and core lanes have no span array of their own: they keep runs of
 * consecutive span indices of one task (a thread pool worker runs a task's spans
 * back to back, so a whole task is one run) sorted by start, with a prefix
 * maximum of their ends per block so a window is found by binary search even if
 * runs overlap.
 */
#define G_LOG_DOMAIN "jg-lod"

#include "config.h"

#include <string.h>

#include "jg-lod.h"

#define MIN_K            8  /* the finest base bucket: 256 ns */
#define MAX_K            30 /* the coarsest level: about 1.07 s, so each class fits 32 bits */
#define SPANS_PER_BUCKET 8  /* a lane gets at most one base bucket per this many spans */
#define MIN_BUCKETS      2
#define BLOCK_SHIFT      6  /* runs per block of the max-end index: 64 */
#define MAX_CORES        1024
#define NO_LANE          G_MAXUINT

typedef struct
{
  guint32 ns[JG_LOD_N_CLASSES];
} Bucket;

typedef struct
{
  Bucket  *data;
  guint64  origin; /* absolute index (time >> k) of data[0] */
  gsize    len;
  gsize    cap;
} Level;

typedef struct
{
  Level   *levels;      /* levels[j]: buckets 2^(kmin + j) ns wide */
  guint    n_levels;
  guint    levels_cap;
  guint    kmin;
  guint64  n_intervals; /* closed intervals summarised */
  guint64  start;       /* the extent of the summarised intervals */
  guint64  end;
  guint64  dirty_from;  /* levels above the base are stale from this time; G_MAXUINT64 if none */
  guint64  refine_at;   /* look for a finer base again once this many intervals are in */
} Pyramid;

typedef struct
{
  guint32 owner; /* the task (worker and core lanes) or the interpreter (GIL lanes) */
  guint32 first; /* first span index */
  guint32 count;
} Run;

typedef struct
{
  Pyramid  pyr;
  Run     *runs;     /* sorted by start */
  gsize    n_runs;
  gsize    runs_cap;
  guint64 *max_end;  /* per block of runs: the latest end of any run in it or before it */
  gsize    max_end_cap;
  GArray  *open;     /* guint32: tasks (GIL lanes: GIL span indices) with an open span here */
} RunLane;

typedef struct
{
  Pyramid  pyr;
  guint    cursor;        /* spans [0, cursor) are summarised */
  gboolean begin_counted;
  gboolean end_counted;
} TaskLane;

typedef struct
{
  RunLane  lane;
  guint32  interp;
  GArray  *drops; /* guint64: drop request times, sorted */
} GilLane;

typedef struct
{
  guint64 start;
  guint32 task;
} HeapEntry;

/* A sorted list of times with prefix sums, for the number of tasks in flight. */
typedef struct
{
  GArray *ts;    /* guint64, sorted */
  GArray *sums;  /* double: sums[i] is the sum of ts[0, i) */
  guint   valid; /* sums are right up to this index */
} TimeList;

struct _JgLod
{
  JgSpans  *spans;
  GArray   *tasks;        /* TaskLane */
  GArray   *workers;      /* RunLane */
  GArray   *cores;        /* RunLane, by cpu */
  RunLane   unknown_core; /* Running spans whose cpu is unknown */
  GArray   *gils;         /* GilLane */
  GArray   *interp_lane;  /* guint: GIL lane of each interpreter id, or NO_LANE */
  GArray   *gil_pending;  /* guint: GIL spans that were open at the last update */
  guint     gil_cursor;
  guint     drop_cursor;
  TimeList  begins;
  TimeList  ends;
  GArray   *heap;         /* HeapEntry: scratch for merging tasks' spans */
  guint64   horizon;
  guint64   generation;
  gboolean  trimmed;
};

static const Bucket zero_bucket;

/* Arrays that report what they really hold, so the summary's memory is honest. */
static gpointer
grow (gpointer  data,
      gsize    *cap,
      gsize     need,
      gsize     element)
{
  gsize new_cap;

  if (need <= *cap)
    return data;
  new_cap = MAX (MAX (need, 8), *cap + *cap / 2);
  data = g_realloc_n (data, new_cap, element);
  *cap = new_cap;
  return data;
}

static gpointer
shrink (gpointer  data,
        gsize    *cap,
        gsize     len,
        gsize     element)
{
  if (len == *cap)
    return data;
  if (len == 0)
    {
      g_free (data);
      *cap = 0;
      return NULL;
    }
  *cap = len;
  return g_realloc_n (data, len, element);
}

static inline guint32
add_saturated (guint32 a,
               guint64 b)
{
  guint64 sum = (guint64) a + b;

  return sum > G_MAXUINT32 ? G_MAXUINT32 : (guint32) sum;
}

static inline void
bucket_add (Bucket       *to,
            const Bucket *from)
{
  for (guint c = 0; c < JG_LOD_N_CLASSES; c++)
    to->ns[c] = add_saturated (to->ns[c], from->ns[c]);
}

guint64
jg_lod_column_edge (guint64 t0,
                    guint64 t1,
                    guint   n_columns,
                    guint   column)
{
  g_return_val_if_fail (n_columns > 0, t0);

  if (t1 <= t0)
    return t0;
  if (t1 - t0 <= G_MAXUINT64 / n_columns)
    return t0 + (t1 - t0) * column / n_columns;
  /* 128 bits: a long trace times a wide window overflows 64. */
  return t0 + (guint64) (((unsigned __int128) (t1 - t0) * column) / n_columns);
}

void
jg_lod_column_edges (guint64  t0,
                     guint64  t1,
                     guint    n_columns,
                     guint64 *edges)
{
  guint64 span = t1 > t0 ? t1 - t0 : 0;
  guint64 step, rest, carry = 0, edge = t0;

  g_return_if_fail (n_columns > 0);
  g_return_if_fail (edges != NULL);

  /* floor (span * c / n) by steps, without a division per column. */
  step = span / n_columns;
  rest = span % n_columns;
  for (guint c = 0; c < n_columns; c++)
    {
      edges[c] = edge;
      edge += step;
      carry += rest;
      if (carry >= n_columns)
        {
          carry -= n_columns;
          edge++;
        }
    }
  edges[n_columns] = t0 + span;
}

/* Pyramid */

static void
pyramid_clear (Pyramid *p)
{
  for (guint j = 0; j < p->n_levels; j++)
    g_free (p->levels[j].data);
  g_free (p->levels);
  memset (p, 0, sizeof *p);
  p->kmin = MIN_K;
  p->dirty_from = G_MAXUINT64;
}

static void
pyramid_init (Pyramid *p)
{
  memset (p, 0, sizeof *p);
  p->kmin = MIN_K;
  p->dirty_from = G_MAXUINT64;
}

static gsize
pyramid_memory (const Pyramid *p)
{
  gsize bytes = p->levels_cap * sizeof (Level);

  for (guint j = 0; j < p->n_levels; j++)
    bytes += p->levels[j].cap * sizeof (Bucket);
  return bytes;
}

static void
pyramid_trim (Pyramid *p)
{
  for (guint j = 0; j < p->n_levels; j++)
    {
      Level *l = &p->levels[j];

      l->data = shrink (l->data, &l->cap, l->len, sizeof (Bucket));
    }
}

static guint64
buckets_for (guint64 start,
             guint64 end,
             guint   k)
{
  return ((end - 1) >> k) - (start >> k) + 1;
}

static guint64
budget_for (guint64 n_intervals)
{
  return MAX (MIN_BUCKETS, n_intervals / SPANS_PER_BUCKET);
}

/* Makes @l hold the absolute indices [first, last], zero-filling what is new. */
static void
level_cover (Level   *l,
             guint64  first,
             guint64  last)
{
  if (l->len == 0)
    {
      l->data = grow (l->data, &l->cap, last - first + 1, sizeof (Bucket));
      memset (l->data, 0, (last - first + 1) * sizeof (Bucket));
      l->origin = first;
      l->len = last - first + 1;
      return;
    }
  if (first < l->origin)
    {
      gsize extra = l->origin - first;

      /* Rare: a span that closed late started before everything summarised. */
      l->data = grow (l->data, &l->cap, l->len + extra, sizeof (Bucket));
      memmove (l->data + extra, l->data, l->len * sizeof (Bucket));
      memset (l->data, 0, extra * sizeof (Bucket));
      l->origin = first;
      l->len += extra;
    }
  if (last >= l->origin + l->len)
    {
      gsize new_len = last - l->origin + 1;

      l->data = grow (l->data, &l->cap, new_len, sizeof (Bucket));
      memset (l->data + l->len, 0, (new_len - l->len) * sizeof (Bucket));
      l->len = new_len;
    }
}

static Level *
pyramid_add_level (Pyramid *p)
{
  Level *l;

  if (p->n_levels == p->levels_cap)
    {
      p->levels_cap = MAX (4, p->levels_cap * 2);
      p->levels = g_renew (Level, p->levels, p->levels_cap);
    }
  l = &p->levels[p->n_levels++];
  memset (l, 0, sizeof *l);
  return l;
}

/* Recomputes the levels above the base from dirty_from on, and adds levels
 * until the top one has at most two buckets. */
static void
pyramid_flush (Pyramid *p)
{
  guint64 dirty = p->dirty_from;

  if (p->n_levels == 0 || dirty == G_MAXUINT64)
    return;

  for (guint j = 1; ; j++)
    {
      guint k = p->kmin + j;
      Level *below, *l;
      guint64 first, last;

      if (j >= p->n_levels)
        {
          if (p->levels[j - 1].len <= 2 || k > MAX_K)
            break;
          pyramid_add_level (p);
          dirty = 0; /* a new level is all stale */
        }

      below = &p->levels[j - 1];
      l = &p->levels[j];
      level_cover (l, p->start >> k, (p->end - 1) >> k);
      first = MAX (dirty >> k, l->origin);
      last = l->origin + l->len - 1;

      for (guint64 a = first; a <= last; a++)
        {
          Bucket *to = &l->data[a - l->origin];

          *to = zero_bucket;
          for (guint64 child = 2 * a; child <= 2 * a + 1; child++)
            {
              if (child >= below->origin && child < below->origin + below->len)
                bucket_add (to, &below->data[child - below->origin]);
            }
        }
    }

  p->dirty_from = G_MAXUINT64;
}

/* Halves the base resolution. */
static void
pyramid_coarsen (Pyramid *p)
{
  if (p->n_levels > 0)
    {
      pyramid_flush (p);
      if (p->n_levels == 1)
        {
          Level *l = &p->levels[0];
          guint64 origin = l->origin >> 1;
          gsize len = ((l->origin + l->len - 1) >> 1) - origin + 1;

          /* Merge pairs in place: bucket a reads children 2a and 2a + 1, which
           * sit at or after a, so walking forward never reads what it wrote. */
          for (guint64 a = origin; a < origin + len; a++)
            {
              Bucket merged = zero_bucket;

              for (guint64 child = 2 * a; child <= 2 * a + 1; child++)
                {
                  if (child >= l->origin && child < l->origin + l->len)
                    bucket_add (&merged, &l->data[child - l->origin]);
                }
              l->data[a - origin] = merged;
            }
          l->origin = origin;
          l->len = len;
        }
      else
        {
          g_free (p->levels[0].data);
          memmove (p->levels, p->levels + 1, (p->n_levels - 1) * sizeof (Level));
          p->n_levels--;
        }
    }
  p->kmin++;
}

/* Adds [start, end) of @klass to the base, and a hand-off at @start. No budget
 * check: the caller made room. */
static void
pyramid_add_raw (Pyramid *p,
                 guint64  start,
                 guint64  end,
                 guint    klass,
                 gboolean handoff)
{
  guint k = p->kmin;
  guint64 last = end > start ? (end - 1) >> k : start >> k;
  Level *l;

  if (p->n_levels == 0)
    pyramid_add_level (p);
  l = &p->levels[0];
  level_cover (l, start >> k, last);

  if (handoff)
    {
      Bucket *b = &l->data[(start >> k) - l->origin];

      b->ns[JG_LOD_CLASS_HANDOFFS] = add_saturated (b->ns[JG_LOD_CLASS_HANDOFFS], 1);
    }

  for (guint64 a = start >> k; end > start && a <= last; a++)
    {
      guint64 lo = MAX (start, a << k);
      guint64 hi = MIN (end, (a + 1) << k);
      Bucket *b = &l->data[a - l->origin];

      b->ns[klass] = add_saturated (b->ns[klass], hi - lo);
    }

  p->dirty_from = MIN (p->dirty_from, start);
}

static void
pyramid_add (Pyramid *p,
             guint64  start,
             guint64  end,
             guint    klass,
             gboolean handoff)
{
  guint64 new_start, new_end;
  guint64 budget;

  if (end <= start && !handoff)
    return;

  /* An instant still takes a bucket. */
  new_start = p->n_intervals > 0 ? MIN (p->start, start) : start;
  new_end = MAX (p->n_intervals > 0 ? p->end : 0, MAX (end, start + 1));
  budget = budget_for (p->n_intervals + 1);
  while (p->kmin < MAX_K && buckets_for (new_start, new_end, p->kmin) > budget)
    pyramid_coarsen (p);

  p->start = new_start;
  p->end = new_end;
  p->n_intervals++;
  pyramid_add_raw (p, start, end, klass, handoff);
}

/* Picks the finest base the lane can afford for its extent. */
static guint
pyramid_best_kmin (const Pyramid *p)
{
  guint64 budget = budget_for (p->n_intervals);
  guint k = MIN_K;

  while (k < MAX_K && buckets_for (p->start, p->end, k) > budget)
    k++;
  return k;
}

/* Runs of spans */

static void
run_lane_init (RunLane *lane)
{
  memset (lane, 0, sizeof *lane);
  pyramid_init (&lane->pyr);
  lane->open = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
run_lane_clear (gpointer data)
{
  RunLane *lane = data;

  pyramid_clear (&lane->pyr);
  g_clear_pointer (&lane->runs, g_free);
  g_clear_pointer (&lane->max_end, g_free);
  g_clear_pointer (&lane->open, g_array_unref);
}

static gsize
run_lane_memory (const RunLane *lane)
{
  return pyramid_memory (&lane->pyr)
       + lane->runs_cap * sizeof (Run)
       + lane->max_end_cap * sizeof (guint64)
       + (lane->open != NULL ? lane->open->len * sizeof (guint32) : 0);
}

static void
run_lane_trim (RunLane *lane)
{
  pyramid_trim (&lane->pyr);
  lane->runs = shrink (lane->runs, &lane->runs_cap, lane->n_runs, sizeof (Run));
  lane->max_end = shrink (lane->max_end, &lane->max_end_cap,
                          (lane->n_runs + (1u << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT,
                          sizeof (guint64));
}

static void
task_lane_clear (gpointer data)
{
  TaskLane *lane = data;

  pyramid_clear (&lane->pyr);
}

static void
gil_lane_clear (gpointer data)
{
  GilLane *lane = data;

  run_lane_clear (&lane->lane);
  g_clear_pointer (&lane->drops, g_array_unref);
}

/* The spans a run lane's runs index into. */
typedef struct
{
  const JgSpan    *task_spans;
  const JgGilSpan *gil_spans;
  guint            n;
} SpanSource;

static void
source_for_run (JgLod         *self,
                JgLodLaneKind  kind,
                const Run     *run,
                SpanSource    *source)
{
  source->task_spans = NULL;
  source->gil_spans = NULL;
  if (kind == JG_LOD_LANE_GIL)
    source->gil_spans = jg_spans_get_gil_spans (self->spans, &source->n);
  else
    source->task_spans = jg_spans_get_task_spans (self->spans, run->owner, &source->n);
}

static inline guint64
source_start (const SpanSource *source,
              guint             i)
{
  return source->gil_spans != NULL ? source->gil_spans[i].start : source->task_spans[i].start;
}

static inline guint64
source_end (const SpanSource *source,
            guint             i)
{
  return source->gil_spans != NULL ? source->gil_spans[i].end : source->task_spans[i].end;
}

static guint64
run_start (JgLod         *self,
           JgLodLaneKind  kind,
           const Run     *run)
{
  SpanSource source;

  source_for_run (self, kind, run, &source);
  return source_start (&source, run->first);
}

/* Raises the max-end index from run @pos on: each entry stays at least the true
 * prefix maximum, which is all the binary search needs. */
static void
run_lane_index_end (RunLane *lane,
                    gsize    pos,
                    guint64  end)
{
  gsize n_blocks = (lane->n_runs + (1u << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT;

  lane->max_end = grow (lane->max_end, &lane->max_end_cap, n_blocks, sizeof (guint64));
  /* A new block starts from the one before it: the index is a prefix maximum. */
  if (((lane->n_runs - 1) & ((1u << BLOCK_SHIFT) - 1)) == 0)
    lane->max_end[n_blocks - 1] = n_blocks > 1 ? lane->max_end[n_blocks - 2] : 0;
  for (gsize b = pos >> BLOCK_SHIFT; b < n_blocks; b++)
    lane->max_end[b] = MAX (lane->max_end[b], end);
}

/* Records span @index of @owner in @lane's runs. */
static void
run_lane_add_run (JgLod         *self,
                  JgLodLaneKind  kind,
                  RunLane       *lane,
                  guint32        owner,
                  guint32        index,
                  guint64        start,
                  guint64        end,
                  gboolean       empty)
{
  gsize pos;

  if (lane->n_runs > 0)
    {
      Run *last = &lane->runs[lane->n_runs - 1];

      if (last->owner == owner && last->first + last->count == index)
        {
          last->count++;
          run_lane_index_end (lane, lane->n_runs - 1, end);
          return;
        }
    }
  /* An empty span that cannot extend a run draws nothing and cannot be hit. */
  if (empty)
    return;

  lane->runs = grow (lane->runs, &lane->runs_cap, lane->n_runs + 1, sizeof (Run));
  pos = lane->n_runs;
  /* Spans close nearly in start order; the few that do not move back a little. */
  while (pos > 0 && run_start (self, kind, &lane->runs[pos - 1]) > start)
    pos--;
  memmove (lane->runs + pos + 1, lane->runs + pos, (lane->n_runs - pos) * sizeof (Run));
  lane->runs[pos] = (Run) { owner, index, 1 };
  lane->n_runs++;
  run_lane_index_end (lane, pos, end);
}

/* Task lanes */

static gboolean
worker_shows_state (JgTaskState state)
{
  return state == JG_STATE_RUNNING
      || state == JG_STATE_GIL_WAIT
      || state == JG_STATE_IO_WAIT
      || state == JG_STATE_LOCK_WAIT;
}

static RunLane *
core_lane_for_cpu (JgLod *self,
                   gint   cpu)
{
  if (cpu < 0 || cpu >= MAX_CORES)
    return &self->unknown_core;
  while (self->cores->len <= (guint) cpu)
    {
      RunLane lane;

      run_lane_init (&lane);
      g_array_append_val (self->cores, lane);
    }
  return &g_array_index (self->cores, RunLane, cpu);
}

static void
summarise_task_span (JgLod        *self,
                     guint32       task,
                     guint32       index,
                     const JgSpan *span)
{
  TaskLane *lane = &g_array_index (self->tasks, TaskLane, task);
  gboolean empty = span->end <= span->start;

  if (span->state == JG_STATE_DONE)
    return;

  pyramid_add (&lane->pyr, span->start, span->end, span->state, FALSE);

  if (worker_shows_state (span->state) && span->worker < self->workers->len)
    {
      RunLane *worker = &g_array_index (self->workers, RunLane, span->worker);

      run_lane_add_run (self, JG_LOD_LANE_WORKER, worker, task, index,
                        span->start, span->end, empty);
      pyramid_add (&worker->pyr, span->start, span->end, span->state, FALSE);
    }

  if (span->state == JG_STATE_RUNNING)
    {
      RunLane *core = core_lane_for_cpu (self, span->cpu);

      run_lane_add_run (self, JG_LOD_LANE_CORE, core, task, index,
                        span->start, span->end, empty);
      pyramid_add (&core->pyr, span->start, span->end, jg_lod_task_class (task), FALSE);
    }
}

/* GIL lanes */

static GilLane *
gil_lane_for_interp (JgLod   *self,
                     guint32  interp)
{
  guint lane;

  while (self->interp_lane->len <= interp)
    {
      guint none = NO_LANE;

      g_array_append_val (self->interp_lane, none);
    }
  lane = g_array_index (self->interp_lane, guint, interp);
  if (lane == NO_LANE)
    {
      GilLane gil;
      guint i;

      run_lane_init (&gil.lane);
      gil.interp = interp;
      gil.drops = g_array_new (FALSE, FALSE, sizeof (guint64));
      /* Keep lanes in interpreter order. */
      for (i = 0; i < self->gils->len; i++)
        {
          if (g_array_index (self->gils, GilLane, i).interp > interp)
            break;
        }
      g_array_insert_val (self->gils, i, gil);
      for (guint id = 0; id < self->interp_lane->len; id++)
        {
          guint *l = &g_array_index (self->interp_lane, guint, id);

          if (*l != NO_LANE && *l >= i)
            (*l)++;
        }
      g_array_index (self->interp_lane, guint, interp) = i;
      lane = i;
    }
  return &g_array_index (self->gils, GilLane, lane);
}

static void
summarise_gil_span (JgLod           *self,
                    guint32          index,
                    const JgGilSpan *span)
{
  GilLane *gil = gil_lane_for_interp (self, span->interp);

  run_lane_add_run (self, JG_LOD_LANE_GIL, &gil->lane, span->interp, index,
                    span->start, span->end, span->end <= span->start && !span->handoff);
  pyramid_add (&gil->lane.pyr, span->start, span->end,
               jg_lod_task_class (span->task), span->handoff);
}

/* Tasks in flight */

static void
time_list_init (TimeList *list)
{
  list->ts = g_array_new (FALSE, FALSE, sizeof (guint64));
  list->sums = g_array_new (FALSE, FALSE, sizeof (double));
  list->valid = 0;
}

static void
time_list_clear (TimeList *list)
{
  g_clear_pointer (&list->ts, g_array_unref);
  g_clear_pointer (&list->sums, g_array_unref);
}

static void
time_list_insert (TimeList *list,
                  guint64   ts)
{
  guint pos = list->ts->len;

  while (pos > 0 && g_array_index (list->ts, guint64, pos - 1) > ts)
    pos--;
  g_array_insert_val (list->ts, pos, ts);
  list->valid = MIN (list->valid, pos);
}

static void
time_list_refresh (TimeList *list)
{
  g_array_set_size (list->sums, list->ts->len + 1);
  if (list->valid == 0)
    g_array_index (list->sums, double, 0) = 0;
  for (guint i = list->valid; i < list->ts->len; i++)
    g_array_index (list->sums, double, i + 1) =
      g_array_index (list->sums, double, i) + (double) g_array_index (list->ts, guint64, i);
  list->valid = list->ts->len;
}

/* The number of times before @t, and their sum. */
static guint
time_list_before (const TimeList *list,
                  guint64         t,
                  double         *sum)
{
  guint lo = 0, hi = list->ts->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (list->ts, guint64, mid) < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  *sum = g_array_index (list->sums, double, lo);
  return lo;
}

/* The integral of tasks in flight over [0, t). */
static double
in_flight_integral (JgLod   *self,
                    guint64  t)
{
  double begin_sum, end_sum;
  guint n_begun = time_list_before (&self->begins, t, &begin_sum);
  guint n_ended = time_list_before (&self->ends, t, &end_sum);

  return ((double) t * n_begun - begin_sum) - ((double) t * n_ended - end_sum);
}

/* Life cycle */

JgLod *
jg_lod_new (JgSpans *spans)
{
  JgLod *self;

  g_return_val_if_fail (spans != NULL, NULL);

  self = g_new0 (JgLod, 1);
  self->spans = spans;
  self->tasks = g_array_new (FALSE, TRUE, sizeof (TaskLane));
  g_array_set_clear_func (self->tasks, task_lane_clear);
  self->workers = g_array_new (FALSE, TRUE, sizeof (RunLane));
  g_array_set_clear_func (self->workers, run_lane_clear);
  self->cores = g_array_new (FALSE, TRUE, sizeof (RunLane));
  g_array_set_clear_func (self->cores, run_lane_clear);
  run_lane_init (&self->unknown_core);
  self->gils = g_array_new (FALSE, TRUE, sizeof (GilLane));
  g_array_set_clear_func (self->gils, gil_lane_clear);
  self->interp_lane = g_array_new (FALSE, FALSE, sizeof (guint));
  self->gil_pending = g_array_new (FALSE, FALSE, sizeof (guint));
  self->heap = g_array_new (FALSE, FALSE, sizeof (HeapEntry));
  time_list_init (&self->begins);
  time_list_init (&self->ends);
  return self;
}

void
jg_lod_free (JgLod *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->tasks);
  g_array_unref (self->workers);
  g_array_unref (self->cores);
  run_lane_clear (&self->unknown_core);
  g_array_unref (self->gils);
  g_array_unref (self->interp_lane);
  g_array_unref (self->gil_pending);
  g_array_unref (self->heap);
  time_list_clear (&self->begins);
  time_list_clear (&self->ends);
  g_free (self);
}

/* Walking */

typedef struct
{
  JgLodColumn   *columns;
  const guint64 *edges;  /* n + 1 */
  guint          n;
  double         per_ns; /* columns per ns, to guess a column from a time */
} Accumulator;

static void
accumulator_init (Accumulator   *acc,
                  JgLodColumn   *columns,
                  const guint64 *edges,
                  guint          n)
{
  acc->columns = columns;
  acc->edges = edges;
  acc->n = n;
  acc->per_ns = edges[n] > edges[0] ? (double) n / (double) (edges[n] - edges[0]) : 0;
}

/* The column whose [edge, next edge) holds @t, for edges[0] <= t < edges[n]:
 * columns are nearly equal, so a guess is right or a step away. */
static inline guint
accumulator_column (const Accumulator *acc,
                    guint64            t)
{
  double guess = (double) (t - acc->edges[0]) * acc->per_ns;
  guint c = guess < acc->n ? (guint) guess : acc->n - 1;

  while (c > 0 && acc->edges[c] > t)
    c--;
  while (c + 1 < acc->n && acc->edges[c + 1] <= t)
    c++;
  return c;
}

static inline void
accumulate (const Accumulator *acc,
            guint64            start,
            guint64            end,
            guint              klass,
            gboolean           handoff)
{
  guint64 lo = acc->edges[0], hi = acc->edges[acc->n];
  guint c;

  if (G_UNLIKELY (handoff) && start >= lo && start < hi)
    acc->columns[accumulator_column (acc, start)].ns[JG_LOD_CLASS_HANDOFFS]++;

  start = MAX (start, lo);
  end = MIN (end, hi);
  if (start >= end)
    return;

  c = accumulator_column (acc, start);
  /* Most spans in a walk fit in one column. */
  if (end <= acc->edges[c + 1])
    {
      acc->columns[c].ns[klass] += end - start;
      return;
    }
  for (; c < acc->n && start < end; c++)
    {
      guint64 stop = MIN (end, acc->edges[c + 1]);

      acc->columns[c].ns[klass] += stop - start;
      start = stop;
    }
}

/* What a walk does with each span: add it to columns, hand it to a function,
 * or both. */
typedef struct
{
  Accumulator   *acc;
  JgLodItemFunc  func;         /* for spans at least min_duration long */
  gpointer       user_data;
  guint64        min_duration;
  gboolean       closed;       /* only spans already summarised */
  gboolean       open;         /* only spans still growing */
} Visitor;

static inline gboolean
visit (Visitor      *visitor,
       guint64       start,
       guint64       end,
       guint32       task,
       guint32       index,
       guint         klass,
       guint         state,
       gboolean      handoff,
       gboolean      open)
{
  if (open ? visitor->closed : visitor->open)
    return TRUE;
  if (visitor->acc != NULL)
    accumulate (visitor->acc, start, end, klass, handoff);
  if (visitor->func != NULL && end - start >= visitor->min_duration)
    {
      JgLodItem item = { start, end, task, index, klass, state, handoff, open };

      return visitor->func (&item, visitor->user_data);
    }
  return TRUE;
}

/* Spans take part where they overlap the window; an instant hand-off where it is. */
static inline gboolean
item_in_window (guint64  start,
                guint64  end,
                gboolean handoff,
                guint64  t0,
                guint64  t1)
{
  if (end > start)
    return end > t0 && start < t1;
  return handoff && start >= t0 && start < t1;
}

/* Visits the spans of one run that overlap [t0, t1). Returns FALSE to stop. */
static gboolean
walk_run (JgLod         *self,
          JgLodLaneKind  kind,
          const Run     *run,
          guint64        t0,
          guint64        t1,
          Visitor       *visitor)
{
  SpanSource source;
  guint lo, hi, end;

  source_for_run (self, kind, run, &source);
  lo = run->first;
  hi = MIN (run->first + run->count, source.n);
  end = hi;

  /* The first span ending after t0 (GIL lanes: at t0 too, for instant hand-offs). */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 mid_end = source_end (&source, mid);

      if (mid_end < t0 || (mid_end == t0 && source.gil_spans == NULL))
        lo = mid + 1;
      else
        hi = mid;
    }

  if (source.gil_spans != NULL)
    {
      for (guint i = lo; i < end; i++)
        {
          const JgGilSpan *span = &source.gil_spans[i];

          if (span->start >= t1)
            break;
          if (item_in_window (span->start, span->end, span->handoff, t0, t1)
              && !visit (visitor, span->start, span->end, span->task, i, jg_lod_task_class (span->task),
                         JG_STATE_RUNNING, span->handoff, (span->flags & JG_SPAN_OPEN) != 0))
            return FALSE;
        }
      return TRUE;
    }

  for (guint i = lo; i < end; i++)
    {
      const JgSpan *span = &source.task_spans[i];

      if (span->start >= t1)
        break;
      if (item_in_window (span->start, span->end, FALSE, t0, t1)
          && !visit (visitor, span->start, span->end, run->owner, i,
                     kind == JG_LOD_LANE_CORE ? jg_lod_task_class (run->owner) : span->state,
                     span->state, FALSE, (span->flags & JG_SPAN_OPEN) != 0))
        return FALSE;
    }
  return TRUE;
}

static void
walk_run_lane (JgLod         *self,
               JgLodLaneKind  kind,
               const RunLane *lane,
               guint64        t0,
               guint64        t1,
               Visitor       *visitor)
{
  gsize n_blocks = (lane->n_runs + (1u << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT;
  gsize lo = 0, hi = n_blocks;

  if (!visitor->open)
    {
      /* The first block whose prefix max-end passes t0: nothing before it overlaps. */
      while (lo < hi)
        {
          gsize mid = lo + (hi - lo) / 2;

          if (lane->max_end[mid] < t0)
            lo = mid + 1;
          else
            hi = mid;
        }

      for (gsize r = lo << BLOCK_SHIFT; r < lane->n_runs; r++)
        {
          const Run *run = &lane->runs[r];

          if (run_start (self, kind, run) >= t1)
            break;
          if (!walk_run (self, kind, run, t0, t1, visitor))
            return;
        }
    }

  if (visitor->closed)
    return;

  for (guint o = 0; o < lane->open->len; o++)
    {
      guint32 id = g_array_index (lane->open, guint32, o);
      guint n;

      if (kind == JG_LOD_LANE_GIL)
        {
          const JgGilSpan *span = jg_spans_get_gil_spans (self->spans, &n) + id;

          if (item_in_window (span->start, span->end, span->handoff, t0, t1)
              && !visit (visitor, span->start, span->end, span->task, id, jg_lod_task_class (span->task),
                         JG_STATE_RUNNING, span->handoff, TRUE))
            return;
        }
      else
        {
          const JgSpan *spans = jg_spans_get_task_spans (self->spans, id, &n);
          const JgSpan *span = &spans[n - 1];

          if (item_in_window (span->start, span->end, FALSE, t0, t1)
              && !visit (visitor, span->start, span->end, id, n - 1,
                         kind == JG_LOD_LANE_CORE ? jg_lod_task_class (id) : span->state,
                         span->state, FALSE, TRUE))
            return;
        }
    }
}

static void
walk_task_lane (JgLod   *self,
                guint32  task,
                guint64  t0,
                guint64  t1,
                Visitor *visitor)
{
  guint n;
  const JgSpan *spans = jg_spans_get_task_spans (self->spans, task, &n);
  guint i;

  /* Only the last span can be open. */
  if (visitor->open)
    i = n > 0 ? n - 1 : 0;
  else
    i = jg_spans_find_task_span (self->spans, task, t0);

  for (; i < n; i++)
    {
      const JgSpan *span = &spans[i];

      if (span->start >= t1)
        break;
      if (span->state == JG_STATE_DONE || span->end <= span->start)
        continue;
      if (!visit (visitor, span->start, span->end, task, i, span->state, span->state,
                  FALSE, (span->flags & JG_SPAN_OPEN) != 0))
        return;
    }
}

static RunLane *
get_run_lane (JgLod         *self,
              JgLodLaneKind  kind,
              guint          lane)
{
  switch (kind)
    {
    case JG_LOD_LANE_WORKER:
      return lane < self->workers->len ? &g_array_index (self->workers, RunLane, lane) : NULL;
    case JG_LOD_LANE_CORE:
      if (lane < self->cores->len)
        return &g_array_index (self->cores, RunLane, lane);
      return lane == self->cores->len && self->unknown_core.pyr.n_intervals + self->unknown_core.open->len > 0
             ? &self->unknown_core : NULL;
    case JG_LOD_LANE_GIL:
      return lane < self->gils->len ? &g_array_index (self->gils, GilLane, lane).lane : NULL;
    case JG_LOD_LANE_TASK:
    case JG_LOD_N_LANE_KINDS:
    default:
      return NULL;
    }
}

static Pyramid *
get_pyramid (JgLod         *self,
             JgLodLaneKind  kind,
             guint          lane)
{
  RunLane *run_lane;

  if (kind == JG_LOD_LANE_TASK)
    return lane < self->tasks->len ? &g_array_index (self->tasks, TaskLane, lane).pyr : NULL;
  run_lane = get_run_lane (self, kind, lane);
  return run_lane != NULL ? &run_lane->pyr : NULL;
}

static void
walk (JgLod         *self,
      JgLodLaneKind  kind,
      guint          lane,
      guint64        t0,
      guint64        t1,
      Visitor       *visitor)
{
  RunLane *run_lane;

  if (t1 <= t0)
    return;
  if (kind == JG_LOD_LANE_TASK)
    {
      if (lane < self->tasks->len)
        walk_task_lane (self, lane, t0, t1, visitor);
      return;
    }
  run_lane = get_run_lane (self, kind, lane);
  if (run_lane != NULL)
    walk_run_lane (self, kind, run_lane, t0, t1, visitor);
}

void
jg_lod_foreach (JgLod         *self,
                JgLodLaneKind  kind,
                guint          lane,
                guint64        t0,
                guint64        t1,
                JgLodItemFunc  func,
                gpointer       user_data)
{
  Visitor visitor = { NULL, func, user_data, 0, FALSE, FALSE };

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  walk (self, kind, lane, t0, t1, &visitor);
}

/* Rebuilding a pyramid at a finer base */

static gboolean
readd_item (const JgLodItem *item,
            gpointer         user_data)
{
  Pyramid *p = user_data;

  pyramid_add_raw (p, item->start, item->end, item->klass, item->handoff);
  return TRUE;
}

/* A lane that was sparse when its base was chosen and then filled up deserves a
 * finer base; rebuilding from its spans costs its size, and happens only when
 * the lane has grown fourfold against its extent, so it is paid once per span. */
static void
pyramid_maybe_refine (JgLod         *self,
                      JgLodLaneKind  kind,
                      guint          lane,
                      Pyramid       *p)
{
  guint best;
  guint64 n, start, end;

  if (p->n_intervals < p->refine_at || p->kmin < MIN_K + 2)
    return;
  /* Checking costs a little; do it each time the lane has doubled. */
  p->refine_at = 2 * p->n_intervals;
  best = pyramid_best_kmin (p);
  if (best + 2 > p->kmin)
    return;

  n = p->n_intervals;
  start = p->start;
  end = p->end;
  pyramid_clear (p);
  p->kmin = best;
  p->refine_at = 2 * n;
  p->n_intervals = n;
  p->start = start;
  p->end = end;
  {
    Visitor visitor = { NULL, readd_item, p, 0, TRUE, FALSE };

    walk (self, kind, lane, 0, G_MAXUINT64, &visitor);
  }
}

/* Update */

static void
heap_sift_down (HeapEntry *heap,
                guint      n,
                guint      i)
{
  while (TRUE)
    {
      guint smallest = i, left = 2 * i + 1, right = 2 * i + 2;
      HeapEntry swap;

      if (left < n && heap[left].start < heap[smallest].start)
        smallest = left;
      if (right < n && heap[right].start < heap[smallest].start)
        smallest = right;
      if (smallest == i)
        return;
      swap = heap[i];
      heap[i] = heap[smallest];
      heap[smallest] = swap;
      i = smallest;
    }
}

/* The next span of @task to summarise, if it is finished. */
static gboolean
next_closed_span (JgLod        *self,
                  guint32       task,
                  const JgSpan **span)
{
  guint n;
  const JgSpan *spans = jg_spans_get_task_spans (self->spans, task, &n);
  guint cursor = g_array_index (self->tasks, TaskLane, task).cursor;

  if (cursor >= n || (spans[cursor].flags & JG_SPAN_OPEN))
    return FALSE;
  *span = &spans[cursor];
  return TRUE;
}

/* Summarises every span that finished since the last update, in start order
 * across tasks (a merge of the tasks' own orders), so worker and core lanes get
 * their runs in order and never have to move one back far. */
static void
summarise_finished_spans (JgLod    *self,
                          guint32   n_tasks,
                          gboolean *changed)
{
  HeapEntry *heap;
  guint n = 0;

  g_array_set_size (self->heap, 0);
  for (guint32 t = 0; t < n_tasks; t++)
    {
      const JgSpan *span;

      if (next_closed_span (self, t, &span))
        {
          HeapEntry entry = { span->start, t };

          g_array_append_val (self->heap, entry);
        }
    }
  heap = (HeapEntry *) self->heap->data;
  n = self->heap->len;
  for (guint i = n / 2; i-- > 0; )
    heap_sift_down (heap, n, i);

  while (n > 0)
    {
      guint32 task = heap[0].task;
      TaskLane *lane = &g_array_index (self->tasks, TaskLane, task);
      const JgSpan *span;

      next_closed_span (self, task, &span);
      summarise_task_span (self, task, lane->cursor, span);
      lane->cursor++;
      *changed = TRUE;

      if (next_closed_span (self, task, &span))
        heap[0].start = span->start;
      else
        heap[0] = heap[--n];
      heap_sift_down (heap, n, 0);
    }
}

/* Open spans, and when the task began and ended. */
static void
update_task (JgLod    *self,
             guint32   task,
             gboolean *changed)
{
  TaskLane *lane = &g_array_index (self->tasks, TaskLane, task);
  guint n;
  const JgSpan *spans = jg_spans_get_task_spans (self->spans, task, &n);
  guint64 ts;

  if (lane->cursor < n)
    {
      const JgSpan *open = &spans[lane->cursor];

      if (worker_shows_state (open->state) && open->worker < self->workers->len)
        g_array_append_val (g_array_index (self->workers, RunLane, open->worker).open, task);
      if (open->state == JG_STATE_RUNNING)
        g_array_append_val (core_lane_for_cpu (self, open->cpu)->open, task);
    }

  if (!lane->begin_counted && jg_spans_get_task_began (self->spans, task, &ts))
    {
      time_list_insert (&self->begins, ts);
      lane->begin_counted = TRUE;
      *changed = TRUE;
    }
  if (!lane->end_counted && jg_spans_get_task_ended (self->spans, task, &ts, NULL))
    {
      time_list_insert (&self->ends, ts);
      lane->end_counted = TRUE;
      *changed = TRUE;
    }
}

static void
update_gil (JgLod    *self,
            gboolean *changed)
{
  guint n;
  const JgGilSpan *gil = jg_spans_get_gil_spans (self->spans, &n);
  guint n_requests;
  const JgGilDropRequest *requests = jg_spans_get_drop_requests (self->spans, &n_requests);
  guint kept = 0;

  /* Spans that were open last time, in take order. */
  for (guint p = 0; p < self->gil_pending->len; p++)
    {
      guint i = g_array_index (self->gil_pending, guint, p);

      if (gil[i].flags & JG_SPAN_OPEN)
        g_array_index (self->gil_pending, guint, kept++) = i;
      else
        {
          summarise_gil_span (self, i, &gil[i]);
          *changed = TRUE;
        }
    }
  g_array_set_size (self->gil_pending, kept);

  for (; self->gil_cursor < n; self->gil_cursor++)
    {
      guint i = self->gil_cursor;

      if (gil[i].flags & JG_SPAN_OPEN)
        {
          gil_lane_for_interp (self, gil[i].interp);
          g_array_append_val (self->gil_pending, i);
        }
      else
        summarise_gil_span (self, i, &gil[i]);
      *changed = TRUE;
    }

  for (guint l = 0; l < self->gils->len; l++)
    g_array_set_size (g_array_index (self->gils, GilLane, l).lane.open, 0);
  for (guint p = 0; p < self->gil_pending->len; p++)
    {
      guint32 i = g_array_index (self->gil_pending, guint, p);

      g_array_append_val (gil_lane_for_interp (self, gil[i].interp)->lane.open, i);
    }

  for (; self->drop_cursor < n_requests; self->drop_cursor++)
    {
      const JgGilDropRequest *request = &requests[self->drop_cursor];
      GArray *drops = gil_lane_for_interp (self, request->interp)->drops;
      guint pos = drops->len;

      while (pos > 0 && g_array_index (drops, guint64, pos - 1) > request->ts)
        pos--;
      g_array_insert_val (drops, pos, request->ts);
      *changed = TRUE;
    }
}

static void
finish_run_lane (JgLod         *self,
                 JgLodLaneKind  kind,
                 guint          lane,
                 RunLane       *run_lane,
                 gboolean       trim)
{
  pyramid_flush (&run_lane->pyr);
  pyramid_maybe_refine (self, kind, lane, &run_lane->pyr);
  pyramid_flush (&run_lane->pyr);
  if (trim)
    run_lane_trim (run_lane);
}

gboolean
jg_lod_update (JgLod   *self,
               JgTrace *trace)
{
  guint32 n_tasks, n_workers;
  const JgMachineInfo *machine;
  gboolean changed = FALSE;
  gboolean trim;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);

  n_tasks = jg_spans_get_n_tasks (self->spans);
  n_workers = jg_trace_get_n_workers (trace);
  machine = jg_trace_get_machine (trace);

  while (self->tasks->len < n_tasks)
    {
      TaskLane lane = { 0 };

      pyramid_init (&lane.pyr);
      g_array_append_val (self->tasks, lane);
      changed = TRUE;
    }
  while (self->workers->len < n_workers)
    {
      RunLane lane;

      run_lane_init (&lane);
      g_array_append_val (self->workers, lane);
      changed = TRUE;
    }
  /* Idle cores get lanes too: an empty lane is what a wasted core looks like. */
  if (machine != NULL && machine->n_cores > 0)
    core_lane_for_cpu (self, (gint) MIN (machine->n_cores, MAX_CORES) - 1);

  for (guint w = 0; w < self->workers->len; w++)
    g_array_set_size (g_array_index (self->workers, RunLane, w).open, 0);
  for (guint c = 0; c < self->cores->len; c++)
    g_array_set_size (g_array_index (self->cores, RunLane, c).open, 0);
  g_array_set_size (self->unknown_core.open, 0);

  summarise_finished_spans (self, n_tasks, &changed);
  for (guint32 t = 0; t < n_tasks; t++)
    update_task (self, t, &changed);
  update_gil (self, &changed);

  trim = jg_trace_is_finished (trace)
      && jg_spans_get_n_consumed (self->spans) == jg_trace_get_n_events (trace)
      && !self->trimmed;

  for (guint t = 0; t < self->tasks->len; t++)
    {
      Pyramid *p = &g_array_index (self->tasks, TaskLane, t).pyr;

      pyramid_flush (p);
      pyramid_maybe_refine (self, JG_LOD_LANE_TASK, t, p);
      pyramid_flush (p);
      if (trim)
        pyramid_trim (p);
    }
  for (guint w = 0; w < self->workers->len; w++)
    finish_run_lane (self, JG_LOD_LANE_WORKER, w, &g_array_index (self->workers, RunLane, w), trim);
  for (guint c = 0; c < self->cores->len; c++)
    finish_run_lane (self, JG_LOD_LANE_CORE, c, &g_array_index (self->cores, RunLane, c), trim);
  finish_run_lane (self, JG_LOD_LANE_CORE, self->cores->len, &self->unknown_core, trim);
  for (guint g = 0; g < self->gils->len; g++)
    finish_run_lane (self, JG_LOD_LANE_GIL, g, &g_array_index (self->gils, GilLane, g).lane, trim);
  if (trim)
    self->trimmed = TRUE;

  time_list_refresh (&self->begins);
  time_list_refresh (&self->ends);

  if (jg_spans_get_horizon (self->spans) != self->horizon)
    {
      self->horizon = jg_spans_get_horizon (self->spans);
      changed = TRUE;
    }
  if (changed)
    self->generation++;
  return changed;
}

guint64
jg_lod_get_generation (JgLod *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->generation;
}

JgSpans *
jg_lod_get_spans (JgLod *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->spans;
}

guint64
jg_lod_get_horizon (JgLod *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->horizon;
}

gsize
jg_lod_get_memory_bytes (JgLod *self)
{
  gsize bytes;

  g_return_val_if_fail (self != NULL, 0);

  bytes = sizeof *self + run_lane_memory (&self->unknown_core);
  for (guint t = 0; t < self->tasks->len; t++)
    bytes += sizeof (TaskLane) + pyramid_memory (&g_array_index (self->tasks, TaskLane, t).pyr);
  for (guint w = 0; w < self->workers->len; w++)
    bytes += sizeof (RunLane) + run_lane_memory (&g_array_index (self->workers, RunLane, w));
  for (guint c = 0; c < self->cores->len; c++)
    bytes += sizeof (RunLane) + run_lane_memory (&g_array_index (self->cores, RunLane, c));
  for (guint g = 0; g < self->gils->len; g++)
    {
      GilLane *gil = &g_array_index (self->gils, GilLane, g);

      bytes += sizeof (GilLane) + run_lane_memory (&gil->lane) + gil->drops->len * sizeof (guint64);
    }
  bytes += (self->begins.ts->len + self->ends.ts->len) * (sizeof (guint64) + sizeof (double));
  return bytes;
}

guint
jg_lod_get_n_lanes (JgLod         *self,
                    JgLodLaneKind  kind)
{
  g_return_val_if_fail (self != NULL, 0);

  switch (kind)
    {
    case JG_LOD_LANE_TASK:
      return self->tasks->len;
    case JG_LOD_LANE_WORKER:
      return self->workers->len;
    case JG_LOD_LANE_CORE:
      return self->cores->len + (get_run_lane (self, kind, self->cores->len) != NULL ? 1 : 0);
    case JG_LOD_LANE_GIL:
      return self->gils->len;
    case JG_LOD_N_LANE_KINDS:
    default:
      g_return_val_if_reached (0);
    }
}

gint
jg_lod_get_core_cpu (JgLod *self,
                     guint  lane)
{
  g_return_val_if_fail (self != NULL, -1);
  return lane < self->cores->len ? (gint) lane : -1;
}

guint32
jg_lod_get_gil_interp (JgLod *self,
                       guint  lane)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (lane < self->gils->len, 0);
  return g_array_index (self->gils, GilLane, lane).interp;
}

/* Queries */

/* Spread: a base bucket up to two columns wide shares its time among the
 * columns it overlaps, in proportion; a class it holds at all is in each of
 * them, so a burst stays visible, at most a column or two wide. */
static void
spread_level (const Level   *level,
              guint          k,
              const guint64 *edges,
              guint          n,
              JgLodColumn   *columns)
{
  guint64 g = G_GUINT64_CONSTANT (1) << k;
  guint64 first = MAX (edges[0] >> k, level->origin);
  guint64 last = MIN ((edges[n] - 1) >> k, level->origin + level->len - 1);
  guint c = 0;

  for (guint64 a = first; a <= last && level->len > 0; a++)
    {
      const Bucket *bucket = &level->data[a - level->origin];
      guint64 lo = MAX (a << k, edges[0]);
      guint64 hi = MIN ((a + 1) << k, edges[n]);

      while (c + 1 < n && edges[c + 1] <= lo)
        c++;
      if (bucket->ns[JG_LOD_CLASS_HANDOFFS] > 0)
        columns[c].ns[JG_LOD_CLASS_HANDOFFS] += bucket->ns[JG_LOD_CLASS_HANDOFFS];
      for (guint d = c; d < n && edges[d] < hi; d++)
        {
          guint64 overlap = MIN (hi, edges[d + 1]) - MAX (lo, edges[d]);

          if (edges[d + 1] <= edges[d])
            continue;
          for (guint cl = 0; cl < JG_LOD_CLASS_HANDOFFS; cl++)
            {
              guint64 t = bucket->ns[cl];

              if (t > 0)
                columns[d].ns[cl] += MAX (1, t * overlap / g);
            }
        }
    }
}

guint64
jg_lod_query_items (JgLod         *self,
                    JgLodLaneKind  kind,
                    guint          lane,
                    guint64        t0,
                    guint64        t1,
                    guint          n_columns,
                    JgLodColumn   *columns,
                    guint64        min_duration,
                    JgLodItemFunc  func,
                    gpointer       user_data)
{
  g_autofree guint64 *edges = NULL;
  Pyramid *p;
  Accumulator acc;
  Visitor visitor = { &acc, NULL, NULL, 0, FALSE, TRUE };
  guint64 column_ns;
  guint k;

  g_return_val_if_fail (self != NULL, 1);
  g_return_val_if_fail (columns != NULL || n_columns == 0, 1);

  if (n_columns == 0)
    return 1;
  memset (columns, 0, n_columns * sizeof (JgLodColumn));
  if (t1 <= t0)
    return 1;

  p = get_pyramid (self, kind, lane);
  if (p == NULL)
    return 1;

  edges = g_new (guint64, n_columns + 1);
  jg_lod_column_edges (t0, t1, n_columns, edges);
  accumulator_init (&acc, columns, edges, n_columns);

  column_ns = (t1 - t0) / n_columns;
  if (p->n_levels == 0 || column_ns < (G_GUINT64_CONSTANT (1) << p->kmin) / 2)
    {
      /* Few spans in view: walk them, exactly. */
      Visitor exact = { &acc, func, user_data, min_duration, FALSE, FALSE };

      walk (self, kind, lane, t0, t1, &exact);
      return 1;
    }

  if (column_ns < (G_GUINT64_CONSTANT (1) << p->kmin))
    {
      spread_level (&p->levels[0], p->kmin, edges, n_columns, columns);
      /* Open spans are not in the pyramid: they grow every frame. */
      walk (self, kind, lane, edges[0], edges[n_columns], &visitor);
      return G_GUINT64_CONSTANT (1) << p->kmin;
    }

  /* The coarsest level whose buckets are at most a column wide. */
  k = p->kmin;
  while (k + 1 < p->kmin + p->n_levels && (G_GUINT64_CONSTANT (1) << (k + 1)) <= column_ns)
    k++;

  for (guint c = 0; c <= n_columns; c++)
    edges[c] = (edges[c] >> k) << k;
  accumulator_init (&acc, columns, edges, n_columns);

  {
    const Level *level = &p->levels[k - p->kmin];
    guint64 level_end = level->origin + level->len;

    for (guint c = 0; c < n_columns; c++)
      {
        guint64 a = MAX (edges[c] >> k, level->origin);
        guint64 b = MIN (edges[c + 1] >> k, level_end);
        guint64 *ns = columns[c].ns;

        for (; a < b; a++)
          {
            const Bucket *bucket = &level->data[a - level->origin];

            for (guint cl = 0; cl < JG_LOD_N_CLASSES; cl++)
              ns[cl] += bucket->ns[cl];
          }
      }
  }

  walk (self, kind, lane, edges[0], edges[n_columns], &visitor);
  return G_GUINT64_CONSTANT (1) << k;
}

guint64
jg_lod_query (JgLod         *self,
              JgLodLaneKind  kind,
              guint          lane,
              guint64        t0,
              guint64        t1,
              guint          n_columns,
              JgLodColumn   *columns)
{
  return jg_lod_query_items (self, kind, lane, t0, t1, n_columns, columns, 0, NULL, NULL);
}

guint64
jg_lod_snap_edge (guint64 edge,
                  guint64 grain,
                  guint64 t0,
                  guint64 t1,
                  guint   n_columns)
{
  /* Spread answers keep the columns' own edges. */
  if (grain <= 1 || n_columns == 0 || grain > (t1 - t0) / n_columns)
    return edge;
  return edge & ~(grain - 1);
}

void
jg_lod_query_counters (JgLod   *self,
                       guint64  t0,
                       guint64  t1,
                       guint    n_columns,
                       double  *concurrency,
                       double  *parallelism)
{
  g_autofree guint64 *edges = NULL;

  g_return_if_fail (self != NULL);

  if (n_columns == 0)
    return;

  edges = g_new (guint64, n_columns + 1);
  jg_lod_column_edges (t0, t1, n_columns, edges);

  if (concurrency != NULL)
    {
      double before = in_flight_integral (self, edges[0]);

      for (guint c = 0; c < n_columns; c++)
        {
          double after = in_flight_integral (self, edges[c + 1]);

          concurrency[c] = edges[c + 1] > edges[c] ? (after - before) / (double) (edges[c + 1] - edges[c]) : 0.0;
          before = after;
        }
    }

  if (parallelism != NULL)
    {
      g_autofree JgLodColumn *columns = g_new (JgLodColumn, n_columns);
      guint n_lanes = jg_lod_get_n_lanes (self, JG_LOD_LANE_CORE);

      memset (parallelism, 0, n_columns * sizeof (double));
      for (guint lane = 0; lane < n_lanes; lane++)
        {
          guint64 grain = jg_lod_query (self, JG_LOD_LANE_CORE, lane, t0, t1, n_columns, columns);
          gboolean known = jg_lod_get_core_cpu (self, lane) >= 0;

          for (guint c = 0; c < n_columns; c++)
            {
              guint64 a = jg_lod_snap_edge (edges[c], grain, t0, t1, n_columns);
              guint64 b = jg_lod_snap_edge (edges[c + 1], grain, t0, t1, n_columns);
              guint64 running = 0;
              double share;

              if (b <= a)
                continue;
              for (guint cl = 0; cl < JG_LOD_N_TASK_CLASSES; cl++)
                running += columns[c].ns[cl];
              share = (double) running / (double) (b - a);
              /* A core runs one thing at a time, however many say they run. */
              parallelism[c] += known ? MIN (share, 1.0) : share;
            }
        }
      if (self->cores->len > 0)
        {
          for (guint c = 0; c < n_columns; c++)
            parallelism[c] = MIN (parallelism[c], (double) self->cores->len);
        }
    }
}

static guint
count_before (GArray  *times,
              guint64  t)
{
  guint lo = 0, hi = times->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (times, guint64, mid) < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
jg_lod_query_drop_requests (JgLod   *self,
                            guint    lane,
                            guint64  t0,
                            guint64  t1,
                            guint    n_columns,
                            guint32 *counts)
{
  GArray *drops;
  guint before;

  g_return_if_fail (self != NULL);
  g_return_if_fail (counts != NULL || n_columns == 0);

  if (n_columns == 0)
    return;
  memset (counts, 0, n_columns * sizeof (guint32));
  if (lane >= self->gils->len)
    return;

  drops = g_array_index (self->gils, GilLane, lane).drops;
  before = count_before (drops, jg_lod_column_edge (t0, t1, n_columns, 0));
  for (guint c = 0; c < n_columns && before < drops->len; c++)
    {
      guint after = count_before (drops, jg_lod_column_edge (t0, t1, n_columns, c + 1));

      counts[c] = after - before;
      before = after;
    }
}
