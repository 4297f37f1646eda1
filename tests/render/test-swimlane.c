/* test-swimlane.c: the swimlane canvas's level-of-detail summary against a brute
 * force over the spans, and its painter drawing known traces onto image surfaces
 * whose pixels are read back, names in Arabic and Hebrew among them. */
#define G_LOG_DOMAIN "test-swimlane"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "jg-lod.h"
#include "jg-palette.h"
#include "jg-spans.h"
#include "jg-swimlane-painter.h"
#include "jg-trace.h"

#define US G_GUINT64_CONSTANT (1000)
#define MS G_GUINT64_CONSTANT (1000000)
#define S  G_GUINT64_CONSTANT (1000000000)

/* A trace with its spans and summary, kept up to date together. */
typedef struct
{
  JgTrace *trace;
  JgSpans *spans;
  JgLod   *lod;
} Fixture;

static void
fixture_init (Fixture *f)
{
  JgMachineInfo machine = { 4, "test", "test", "test" };

  f->trace = jg_trace_new ();
  f->spans = jg_spans_new ();
  f->lod = jg_lod_new (f->spans);
  jg_trace_set_machine (f->trace, &machine);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->lod, jg_lod_free);
  g_clear_pointer (&f->spans, jg_spans_free);
  g_clear_object (&f->trace);
}

static void
fixture_update (Fixture *f)
{
  jg_spans_update (f->spans, f->trace);
  jg_lod_update (f->lod, f->trace);
}

static void
emit (GArray  *events,
      guint64  ts,
      guint32  task,
      guint32  worker,
      guint16  kind,
      gint16   cpu,
      guint32  arg)
{
  JgEvent event = { ts, task, worker, kind, cpu, arg };

  g_array_append_val (events, event);
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const JgEvent *ea = a, *eb = b;

  return (ea->ts > eb->ts) - (ea->ts < eb->ts);
}

/* Durations from a nanosecond to tens of milliseconds, so columns hold anything
 * from a fraction of a span to thousands of them. */
static guint64
random_duration (GRand *rand)
{
  double pick = g_rand_double (rand);

  if (pick < 0.4)
    return g_rand_int_range (rand, 1, 2000);
  if (pick < 0.9)
    return g_rand_int_range (rand, 1000, 1000000);
  return g_rand_int_range (rand, 1000000, 40000000);
}

/* Random tasks on four workers and four cores (and some unknown cores), a GIL
 * per interpreter for two interpreters, drop requests; some tasks never end. */
static GArray *
random_events (Fixture *f,
               GRand   *rand,
               guint    n_tasks)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (JgEvent));

  for (guint w = 0; w < 4; w++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", w + 1);

      jg_trace_add_worker (f->trace, name, JG_WORKER_THREAD, 1);
    }

  for (guint32 t = 0; t < n_tasks; t++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", t + 1);
      guint64 ts = g_rand_int_range (rand, 0, 20000000);
      guint cycles = g_rand_int_range (rand, 0, 3) == 0 ? g_rand_int_range (rand, 1000, 6000)
                                                         : g_rand_int_range (rand, 1, 400);
      guint32 worker = t % 4;

      jg_trace_add_task (f->trace, name, JG_LANE_NONE);
      emit (events, ts, t, worker, JG_EVENT_TASK_BEGIN, 0, 0);
      for (guint c = 0; c < cycles; c++)
        {
          gint16 cpu = g_rand_int_range (rand, 0, 10) == 0 ? -1 : g_rand_int_range (rand, 0, 4);
          guint32 on = g_rand_int_range (rand, 0, 10) == 0 ? (guint32) g_rand_int_range (rand, 0, 4) : worker;

          ts += random_duration (rand);
          if (g_rand_boolean (rand))
            emit (events, ts, t, on, JG_EVENT_RUN, cpu, 0);
          else
            emit (events, ts, t, on, JG_EVENT_SUSPEND, cpu,
                  g_rand_int_range (rand, 0, JG_SUSPEND_N_REASONS));
        }
      if (g_rand_int_range (rand, 0, 4) != 0)
        emit (events, ts + random_duration (rand), t, worker, JG_EVENT_TASK_END, 0, JG_END_ARG (JG_END_OK, 0));
    }

  for (guint32 interp = 0; interp < 2; interp++)
    {
      guint64 ts = g_rand_int_range (rand, 0, 1000000);
      guint n = interp == 0 ? 20000 : 200;

      for (guint i = 0; i < n; i++)
        {
          guint32 holder = g_rand_int_range (rand, 0, MIN (n_tasks, 5));

          emit (events, ts, holder, 0, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (interp, 0));
          ts += random_duration (rand);
          /* Leave the last one held: an open span. */
          if (i + 1 < n)
            emit (events, ts, holder, 0, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (interp, JG_GIL_DROP_INTERVAL));
          if (g_rand_int_range (rand, 0, 3) == 0)
            emit (events, ts + 1, (holder + 1) % n_tasks, 0, JG_EVENT_GIL_DROP_REQUEST, 0, JG_GIL_ARG (interp, 0));
          ts += g_rand_int_range (rand, 1, 5000);
        }
    }

  /* The recorder merges by time; a stable sort keeps each task's own order. */
  g_array_sort (events, compare_events);
  return events;
}

typedef struct
{
  guint64  start;
  guint64  end;
  guint    klass;
  gboolean handoff;
  gboolean open;
} Interval;

/* The spans of a lane, straight from the spans, by the lane's own rules. */
static GArray *
lane_intervals (Fixture       *f,
                JgLodLaneKind  kind,
                guint          lane)
{
  GArray *intervals = g_array_new (FALSE, FALSE, sizeof (Interval));

  if (kind == JG_LOD_LANE_GIL)
    {
      guint n_spans;
      const JgGilSpan *gil = jg_spans_get_gil_spans (f->spans, &n_spans);
      guint32 interp = jg_lod_get_gil_interp (f->lod, lane);

      for (guint i = 0; i < n_spans; i++)
        {
          Interval interval = { gil[i].start, gil[i].end, jg_lod_task_class (gil[i].task),
                                gil[i].handoff, (gil[i].flags & JG_SPAN_OPEN) != 0 };

          if (gil[i].interp == interp)
            g_array_append_val (intervals, interval);
        }
      return intervals;
    }

  for (guint32 t = 0; t < jg_spans_get_n_tasks (f->spans); t++)
    {
      guint n_spans;
      const JgSpan *spans = jg_spans_get_task_spans (f->spans, t, &n_spans);

      for (guint i = 0; i < n_spans; i++)
        {
          const JgSpan *span = &spans[i];
          Interval interval = { span->start, span->end, span->state, FALSE, (span->flags & JG_SPAN_OPEN) != 0 };

          if (span->state == JG_STATE_DONE || span->end <= span->start)
            continue;
          switch (kind)
            {
            case JG_LOD_LANE_TASK:
              if (t != lane)
                continue;
              break;
            case JG_LOD_LANE_WORKER:
              if (span->worker != lane || span->state == JG_STATE_READY
                  || span->state == JG_STATE_AWAITING)
                continue;
              break;
            case JG_LOD_LANE_CORE:
              {
                gint cpu = jg_lod_get_core_cpu (f->lod, lane);

                if (span->state != JG_STATE_RUNNING)
                  continue;
                if (cpu >= 0 ? span->cpu != cpu : span->cpu >= 0)
                  continue;
                interval.klass = jg_lod_task_class (t);
              }
              break;
            case JG_LOD_LANE_GIL:
            case JG_LOD_N_LANE_KINDS:
            default:
              g_assert_not_reached ();
            }
          g_array_append_val (intervals, interval);
        }
    }
  return intervals;
}

static guint
first_column (const guint64 *edges,
              guint          n,
              guint64        t)
{
  guint lo = 0, hi = n;

  /* The first column whose end is after t. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (edges[mid + 1] <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* What the summary should say, from the spans themselves: exactly within the
 * edges, or, for a spread answer, each bucket's exact time shared out. */
static void
brute_force (Fixture       *f,
             JgLodLaneKind  kind,
             guint          lane,
             const guint64 *edges,
             guint          n,
             guint64        spread,
             JgLodColumn   *columns)
{
  g_autoptr (GArray) intervals = lane_intervals (f, kind, lane);
  g_autofree JgLodColumn *buckets = NULL;
  guint64 first = 0, n_buckets = 0;

  memset (columns, 0, n * sizeof (JgLodColumn));
  if (spread > 0)
    {
      first = edges[0] / spread;
      n_buckets = (edges[n] - 1) / spread - first + 1;
      buckets = g_new0 (JgLodColumn, n_buckets);
    }

  for (guint i = 0; i < intervals->len; i++)
    {
      const Interval *in = &g_array_index (intervals, Interval, i);

      if (spread > 0 && !in->open)
        {
          /* Only the buckets it touches. */
          guint64 b0 = MAX (in->start / spread, first) - first;
          guint64 b1 = MIN (in->end > in->start ? (in->end - 1) / spread : in->start / spread,
                            first + n_buckets - 1);

          for (guint64 b = b0; b + first <= b1; b++)
            {
              guint64 lo = MAX (in->start, (first + b) * spread);
              guint64 hi = MIN (in->end, (first + b + 1) * spread);

              if (hi > lo)
                buckets[b].ns[in->klass] += hi - lo;
              if (in->handoff && in->start / spread == first + b)
                buckets[b].ns[JG_LOD_CLASS_HANDOFFS]++;
            }
          continue;
        }
      /* Only the columns it touches: the last whose edge is at or before its start on. */
      for (guint c = first_column (edges, n, in->start); c < n && edges[c] <= in->end; c++)
        {
          guint64 lo = MAX (in->start, edges[c]);
          guint64 hi = MIN (in->end, edges[c + 1]);

          if (hi > lo)
            columns[c].ns[in->klass] += hi - lo;
          if (in->handoff && in->start >= edges[c] && in->start < edges[c + 1])
            columns[c].ns[JG_LOD_CLASS_HANDOFFS]++;
        }
    }

  for (guint64 b = 0; b < n_buckets; b++)
    {
      guint64 lo = MAX ((first + b) * spread, edges[0]);
      guint64 hi = MIN ((first + b + 1) * spread, edges[n]);
      gboolean counted = FALSE;

      for (guint c = 0; c < n; c++)
        {
          guint64 overlap;

          if (edges[c + 1] <= edges[c] || edges[c + 1] <= lo || edges[c] >= hi)
            continue;
          if (!counted)
            {
              columns[c].ns[JG_LOD_CLASS_HANDOFFS] += buckets[b].ns[JG_LOD_CLASS_HANDOFFS];
              counted = TRUE;
            }
          overlap = MIN (hi, edges[c + 1]) - MAX (lo, edges[c]);
          for (guint k = 0; k < JG_LOD_CLASS_HANDOFFS; k++)
            {
              if (buckets[b].ns[k] > 0)
                columns[c].ns[k] += MAX (1, buckets[b].ns[k] * overlap / spread);
            }
        }
    }
}

typedef struct
{
  guint queries;
  guint exact;
  guint summarised;
  guint spread;
} QueryStats;

static void
check_query (Fixture       *f,
             JgLodLaneKind  kind,
             guint          lane,
             guint64        t0,
             guint64        t1,
             guint          n,
             QueryStats    *stats)
{
  g_autofree JgLodColumn *got = g_new (JgLodColumn, n);
  g_autofree JgLodColumn *want = g_new (JgLodColumn, n);
  g_autofree guint64 *edges = g_new (guint64, n + 1);
  guint64 grain = jg_lod_query (f->lod, kind, lane, t0, t1, n, got);

  gboolean spread = grain > 1 && grain > (t1 - t0) / n;

  /* A grain is a power of two, at most two columns wide. */
  g_assert_cmpuint (grain & (grain - 1), ==, 0);
  if (grain > 1)
    g_assert_cmpuint (grain, <=, 2 * ((t1 - t0) / n) + 1);

  for (guint c = 0; c <= n; c++)
    edges[c] = jg_lod_snap_edge (jg_lod_column_edge (t0, t1, n, c), grain, t0, t1, n);
  brute_force (f, kind, lane, edges, n, spread ? grain : 0, want);

  for (guint c = 0; c < n; c++)
    {
      for (guint k = 0; k < JG_LOD_N_CLASSES; k++)
        {
          if (got[c].ns[k] != want[c].ns[k])
            g_error ("lane kind %d lane %u [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") / %u, "
                     "grain %" G_GUINT64_FORMAT ": column %u class %u is %" G_GUINT64_FORMAT
                     ", brute force says %" G_GUINT64_FORMAT,
                     kind, lane, t0, t1, n, grain, c, k, got[c].ns[k], want[c].ns[k]);
        }
    }

  stats->queries++;
  if (grain == 1)
    stats->exact++;
  else if (spread)
    stats->spread++;
  else
    stats->summarised++;
}

static void
check_random_queries (Fixture    *f,
                      GRand      *rand,
                      guint       n_queries,
                      QueryStats *stats)
{
  guint64 horizon = jg_spans_get_horizon (f->spans);

  for (guint q = 0; q < n_queries; q++)
    {
      JgLodLaneKind kind = g_rand_int_range (rand, 0, JG_LOD_N_LANE_KINDS);
      guint n_lanes = jg_lod_get_n_lanes (f->lod, kind);
      guint lane;
      guint64 t0, width;
      guint n;

      if (n_lanes == 0)
        continue;
      lane = g_rand_int_range (rand, 0, n_lanes);
      /* Windows from 100 ns to the whole trace (half of them wide), from one
       * column to a full screen. */
      if (g_rand_boolean (rand))
        width = (guint64) exp (g_rand_double_range (rand, log (100.0), log ((double) horizon + 1000)));
      else
        width = (guint64) g_rand_double_range (rand, horizon / 10.0, horizon + 1000.0);
      t0 = g_rand_int_range (rand, 0, 10) == 0 ? 0 : (guint64) g_rand_double_range (rand, 0, (double) horizon);
      n = g_rand_int_range (rand, 0, 4) == 0 ? 1920 : (guint) exp (g_rand_double_range (rand, 0, log (1920.0)));
      check_query (f, kind, lane, t0, t0 + width, n, stats);
    }
}

/* The property: for random traces, updated in slices as a live run is, every
 * answer equals the brute force over the spans at the grain it reports. */
static void
test_lod_matches_brute_force (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240605);
  QueryStats stats = { 0 };

  for (guint round = 0; round < 6; round++)
    {
      Fixture f;
      g_autoptr (GArray) events = NULL;
      guint n_slices = g_rand_int_range (rand, 1, 8);

      fixture_init (&f);
      events = random_events (&f, rand, g_rand_int_range (rand, 1, 24));

      for (guint s = 0; s < n_slices; s++)
        {
          guint first = events->len * s / n_slices;
          guint last = events->len * (s + 1) / n_slices;

          jg_trace_append (f.trace, &g_array_index (events, JgEvent, first), last - first);
          fixture_update (&f);
          check_random_queries (&f, rand, 60, &stats);
        }

      jg_trace_finish (f.trace);
      fixture_update (&f);
      check_random_queries (&f, rand, 200, &stats);
      /* Every lane over the whole trace, as the benchmark draws it. */
      for (JgLodLaneKind kind = 0; kind < JG_LOD_N_LANE_KINDS; kind++)
        for (guint lane = 0; lane < jg_lod_get_n_lanes (f.lod, kind); lane++)
          check_query (&f, kind, lane, 0, jg_spans_get_horizon (f.spans), 1920, &stats);

      fixture_clear (&f);
    }

  /* Both ways of answering were exercised. */
  g_test_message ("%u queries: %u exact, %u from the pyramid, %u spread", stats.queries,
                  stats.exact, stats.summarised, stats.spread);
  g_assert_cmpuint (stats.exact, >, 100);
  g_assert_cmpuint (stats.summarised, >, 100);
  g_assert_cmpuint (stats.spread, >, 20);
}

/* Counters: tasks in flight exactly; tasks running against the spans. */
static void
test_lod_counters (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GArray) events = NULL;
  Fixture f;
  guint64 horizon;
  const guint n = 500;
  double concurrency[500], parallelism[500];

  fixture_init (&f);
  events = random_events (&f, rand, 16);
  jg_trace_append (f.trace, (JgEvent *) events->data, events->len);
  fixture_update (&f);
  horizon = jg_spans_get_horizon (f.spans);

  for (guint zoom = 0; zoom < 3; zoom++)
    {
      /* The whole trace, then windows where every lane is exact. */
      guint64 t0 = zoom == 0 ? 0 : horizon / 3;
      guint64 t1 = zoom == 0 ? horizon : t0 + (zoom == 1 ? 50 * US : 5 * US);
      gboolean exact = TRUE;

      jg_lod_query_counters (f.lod, t0, t1, n, concurrency, parallelism);
      for (guint lane = 0; lane < jg_lod_get_n_lanes (f.lod, JG_LOD_LANE_CORE); lane++)
        {
          JgLodColumn columns[500];

          if (jg_lod_query (f.lod, JG_LOD_LANE_CORE, lane, t0, t1, n, columns) != 1)
            exact = FALSE;
        }

      for (guint c = 0; c < n; c++)
        {
          guint64 a = jg_lod_column_edge (t0, t1, n, c);
          guint64 b = jg_lod_column_edge (t0, t1, n, c + 1);
          guint n_cores = jg_lod_get_n_lanes (f.lod, JG_LOD_LANE_CORE);
          double in_flight = 0, running = 0;
          double per_core[8] = { 0 };

          if (b <= a)
            continue;
          for (guint32 t = 0; t < jg_spans_get_n_tasks (f.spans); t++)
            {
              guint64 begin, end = G_MAXUINT64;
              guint n_spans;
              const JgSpan *spans = jg_spans_get_task_spans (f.spans, t, &n_spans);

              g_assert_true (jg_spans_get_task_began (f.spans, t, &begin));
              if (!jg_spans_get_task_ended (f.spans, t, &end, NULL))
                end = G_MAXUINT64;
              if (MIN (end, b) > MAX (begin, a))
                in_flight += (double) (MIN (end, b) - MAX (begin, a));
              for (guint i = 0; i < n_spans; i++)
                {
                  if (spans[i].state == JG_STATE_RUNNING && MIN (spans[i].end, b) > MAX (spans[i].start, a))
                    per_core[spans[i].cpu < 0 ? 7 : spans[i].cpu] += (double) (MIN (spans[i].end, b) - MAX (spans[i].start, a));
                }
            }
          in_flight /= (double) (b - a);
          /* A core runs one thing at a time; the unknown ones are not capped but the total is. */
          for (guint core = 0; core < 8; core++)
            running += core == 7 ? per_core[core] / (b - a) : MIN (1.0, per_core[core] / (b - a));
          running = MIN (running, (double) n_cores - 1);

          g_assert_cmpfloat_with_epsilon (concurrency[c], in_flight, 1e-6 * MAX (1.0, in_flight));
          if (exact)
            g_assert_cmpfloat_with_epsilon (parallelism[c], running, 1e-9 + 1e-9 * running);
          else
            g_assert_cmpfloat (fabs (parallelism[c] - running), <=, 5.0);
        }
    }

  fixture_clear (&f);
}

/* A long trace summarised from scratch adds only a few bytes per event. */
static void
test_lod_memory (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  g_autoptr (GArray) events = NULL;
  Fixture f;
  double per_event;

  fixture_init (&f);
  events = random_events (&f, rand, 24);
  jg_trace_append (f.trace, (JgEvent *) events->data, events->len);
  jg_trace_finish (f.trace);
  fixture_update (&f);

  per_event = (double) jg_lod_get_memory_bytes (f.lod) / events->len;
  g_test_message ("%u events: %.1f bytes of summary per event", events->len, per_event);
  g_assert_cmpfloat (per_event, <, 12.0);

  fixture_clear (&f);
}

/* Painter */

#define WIDTH  1000
#define HEIGHT 420

typedef struct
{
  Fixture            f;
  JgSwimlanePainter *painter;
  cairo_surface_t   *surface;
  guchar            *data;
  int                stride;
  double             scale;
} Canvas;

/* One thread, @n_tasks tasks, a GIL; the caller appends events. */
static void
canvas_init (Canvas *canvas,
             guint   n_tasks)
{
  fixture_init (&canvas->f);
  jg_trace_add_worker (canvas->f.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (canvas->f.trace, "Thread 2", JG_WORKER_THREAD, 1);
  for (guint t = 0; t < n_tasks; t++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", t + 1);

      jg_trace_add_task (canvas->f.trace, name, JG_LANE_NONE);
    }
  canvas->painter = jg_swimlane_painter_new ();
  canvas->scale = 1;
}

static void
canvas_draw (Canvas  *canvas,
             guint64  t0,
             guint64  t1)
{
  cairo_t *cr;

  fixture_update (&canvas->f);
  g_clear_pointer (&canvas->surface, cairo_surface_destroy);
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH * canvas->scale, HEIGHT * canvas->scale);
  cairo_surface_set_device_scale (canvas->surface, canvas->scale, canvas->scale);
  jg_swimlane_painter_set_source (canvas->painter, canvas->f.trace, canvas->f.lod);
  jg_swimlane_painter_set_size (canvas->painter, WIDTH, HEIGHT);
  jg_swimlane_painter_set_window (canvas->painter, t0, t1);
  cr = cairo_create (canvas->surface);
  jg_swimlane_painter_draw (canvas->painter, cr);
  cairo_destroy (cr);
  cairo_surface_flush (canvas->surface);
  canvas->data = cairo_image_surface_get_data (canvas->surface);
  canvas->stride = cairo_image_surface_get_stride (canvas->surface);
  if (g_getenv ("JG_TEST_PNG") != NULL)
    cairo_surface_write_to_png (canvas->surface, g_getenv ("JG_TEST_PNG"));
}

static void
canvas_clear (Canvas *canvas)
{
  g_clear_pointer (&canvas->surface, cairo_surface_destroy);
  g_clear_object (&canvas->painter);
  fixture_clear (&canvas->f);
}

/* The pixel at user (x, y), as 0xRRGGBB. */
static guint32
canvas_pixel (Canvas *canvas,
              double  x,
              double  y)
{
  int px = (int) floor (x * canvas->scale), py = (int) floor (y * canvas->scale);

  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, WIDTH * canvas->scale);
  g_assert_cmpint (py, <, HEIGHT * canvas->scale);
  return *(guint32 *) (canvas->data + py * canvas->stride + px * 4) & 0xffffff;
}

static gboolean
pixel_is (guint32       pixel,
          const JgRgba *color)
{
  return ABS ((int) (pixel >> 16 & 0xff) - (int) lround (color->r * 255)) <= 2
      && ABS ((int) (pixel >> 8 & 0xff) - (int) lround (color->g * 255)) <= 2
      && ABS ((int) (pixel & 0xff) - (int) lround (color->b * 255)) <= 2;
}

static double
x_at (Canvas  *canvas,
      guint64  ts)
{
  return jg_swimlane_painter_x_for_time (canvas->painter, ts);
}

/* Columns in [x0, x1) of the row [y, y + h) that hold @color anywhere. */
static guint
count_columns_in (Canvas       *canvas,
                  double        x0,
                  double        x1,
                  double        y,
                  double        h,
                  const JgRgba *color,
                  double       *first_x)
{
  guint count = 0;

  *first_x = -1;
  for (double x = x0; x < x1; x += 1 / canvas->scale)
    for (double yy = y; yy < y + h; yy += 1 / canvas->scale)
      {
        if (pixel_is (canvas_pixel (canvas, x, yy), color))
          {
            if (*first_x < 0)
              *first_x = x;
            count++;
            break;
          }
      }
  return count;
}

/* The same, across the time axis. */
static guint
count_columns (Canvas       *canvas,
               double        y,
               double        h,
               const JgRgba *color,
               double       *first_x)
{
  double x0, x1;

  jg_swimlane_painter_get_plot_bounds (canvas->painter, &x0, &x1);
  return count_columns_in (canvas, x0, x1, y, h, color, first_x);
}

static void
append (Canvas  *canvas,
        guint64  ts,
        guint32  task,
        guint16  kind,
        gint16   cpu,
        guint32  arg)
{
  JgEvent event = { ts, task, 0, kind, cpu, arg };

  jg_trace_append (canvas->f.trace, &event, 1);
}

/* Task 1 runs from 100 to 300 ms, then waits for the GIL until 900 ms; task 2
 * waits on I/O from 200 ms on; task 2 holds the GIL from 400 to 800 ms. */
static void
canvas_known_trace (Canvas *canvas)
{
  canvas_init (canvas, 2);
  append (canvas, 0, 0, JG_EVENT_TASK_BEGIN, 1, 0);
  append (canvas, 100 * MS, 0, JG_EVENT_RUN, 1, 0);
  append (canvas, 200 * MS, 1, JG_EVENT_TASK_BEGIN, 0, 0);
  append (canvas, 200 * MS, 1, JG_EVENT_SUSPEND, 0, JG_SUSPEND_IO);
  append (canvas, 300 * MS, 0, JG_EVENT_SUSPEND, 1, JG_SUSPEND_GIL);
  append (canvas, 400 * MS, 1, JG_EVENT_GIL_TAKE, 0, JG_GIL_ARG (0, 0));
  append (canvas, 800 * MS, 1, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_IO));
  append (canvas, 900 * MS, 0, JG_EVENT_RUN, 1, 0);
  append (canvas, 1000 * MS, 0, JG_EVENT_TASK_END, 1, 0);
  append (canvas, 1000 * MS, 1, JG_EVENT_TASK_END, 0, 0);
}

static void
test_painter_running_drawn (void)
{
  Canvas canvas = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  double y, h, first_x;
  guint columns;

  canvas_known_trace (&canvas);
  canvas_draw (&canvas, 0, 1000 * MS);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));

  /* Running, full height, where it ran... */
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 170 * MS), y + 1), &running));
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 230 * MS), y + h / 2), &running));
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 270 * MS), y + h - 1), &running));
  /* ...and nowhere else in its lane but the last 100 ms. */
  columns = count_columns (&canvas, y, h, &running, &first_x);
  g_assert_cmpfloat (fabs (first_x - x_at (&canvas, 100 * MS)), <=, 1.5);
  g_assert_cmpfloat (fabs (columns - (x_at (&canvas, 300 * MS) - x_at (&canvas, 100 * MS))
                           - (x_at (&canvas, 1000 * MS) - x_at (&canvas, 900 * MS))), <=, 3);
  g_assert_false (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + h / 2), &running));

  canvas_clear (&canvas);
}

static void
test_painter_culling (void)
{
  Canvas canvas = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba gil_wait = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  double y, h, first_x;

  canvas_known_trace (&canvas);
  /* Zoomed into the wait: the Running span before it is not drawn at all. */
  canvas_draw (&canvas, 400 * MS, 800 * MS);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  g_assert_cmpuint (count_columns (&canvas, y, h, &running, &first_x), ==, 0);
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 630 * MS), y + h / 2), &gil_wait));

  /* Scrolled: the first lane is off the canvas, the second takes... nothing of it. */
  jg_swimlane_painter_set_scroll (canvas.painter, 1000);
  canvas_draw (&canvas, 0, 1000 * MS);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  g_assert_cmpfloat (y + h, <, 0);

  canvas_clear (&canvas);
}

static void
test_painter_waits_half_height (void)
{
  Canvas canvas = { 0 };
  JgRgba gil_wait = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  JgRgba io = jg_palette_state_color (JG_STATE_IO_WAIT, FALSE);
  double y, h, first_x;
  guint32 empty;

  canvas_known_trace (&canvas);
  canvas_draw (&canvas, 0, 1000 * MS);

  /* Task 1 waits for the GIL from 300 to 900 ms: the middle is the wait's
   * colour, the top quarter is the lane's own background. */
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + h / 2), &gil_wait));
  g_assert_false (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + 2), &gil_wait));

  /* Task 2 had not begun at 130 ms: that is the lane's background. */
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 1, &y, &h));
  empty = canvas_pixel (&canvas, x_at (&canvas, 130 * MS), y + h / 2);
  g_assert_cmpuint (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + 2), ==, empty);
  g_assert_cmpuint (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + h - 2), ==, empty);
  /* I/O wait is hatched: both its colour and its tint show in its band. */
  g_assert_cmpuint (count_columns (&canvas, y + h / 4 + 1, h / 2 - 2, &io, &first_x), >, 100);
  g_assert_false (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + 2), &io));

  canvas_clear (&canvas);
}

static void
test_painter_gil_holder (void)
{
  Canvas canvas = { 0 };
  JgRgba holder = jg_swimlane_task_color (1);
  double y, h, first_x;
  guint columns;

  canvas_known_trace (&canvas);
  canvas_draw (&canvas, 0, 1000 * MS);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_GIL, 0, &y, &h));

  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 530 * MS), y + h / 2), &holder));
  g_assert_false (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 330 * MS), y + h / 2), &holder));
  columns = count_columns (&canvas, y, h, &holder, &first_x);
  g_assert_cmpfloat (fabs (first_x - x_at (&canvas, 400 * MS)), <=, 1.5);
  g_assert_cmpfloat (fabs (columns - (x_at (&canvas, 800 * MS) - x_at (&canvas, 400 * MS))), <=, 2);

  canvas_clear (&canvas);
}

/* A microsecond of running in a second of waiting, among thousands of other
 * spans, is still at least a pixel column of Running. */
static void
test_painter_burst_visible (void)
{
  Canvas canvas = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  double y, h, first_x;

  canvas_init (&canvas, 2);
  emit (events, 0, 0, 0, JG_EVENT_TASK_BEGIN, 0, 0);
  emit (events, 0, 1, 0, JG_EVENT_TASK_BEGIN, 0, 0);
  /* Task 2 switches between two waits every 10 µs: 200,000 spans. */
  for (guint i = 0; i < 100000; i++)
    {
      emit (events, i * 10 * US, 1, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_IO);
      emit (events, i * 10 * US + 5 * US, 1, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_LOCK);
    }
  /* Task 1 waits, runs 1 µs at 637 ms, and waits again; task 2 bursts too. */
  emit (events, 1, 0, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL);
  emit (events, 637 * MS, 0, 0, JG_EVENT_RUN, 0, 0);
  emit (events, 637 * MS + US, 0, 0, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL);
  emit (events, 1000 * MS + 1, 0, 0, JG_EVENT_TASK_END, 0, 0);
  g_array_sort (events, compare_events);
  jg_trace_append (canvas.f.trace, (JgEvent *) events->data, events->len);

  /* Live (the burst's neighbours still open), then finished; whole second in
   * view, then a window where the burst falls in a summarised column. */
  for (guint pass = 0; pass < 3; pass++)
    {
      guint64 t0 = pass == 2 ? 3 * MS : 0;

      if (pass == 1)
        jg_trace_finish (canvas.f.trace);
      canvas_draw (&canvas, t0, t0 + 1000 * MS);
      g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
      g_assert_cmpuint (count_columns (&canvas, y, h, &running, &first_x), >=, 1);
      g_assert_cmpuint (count_columns (&canvas, y, h, &running, &first_x), <=, 2);
      g_assert_cmpfloat (fabs (first_x - x_at (&canvas, 637 * MS)), <=, 2);
    }

  canvas_clear (&canvas);
}

static void
test_painter_hit (void)
{
  Canvas canvas = { 0 };
  JgSwimlaneHit hit;
  double y, h;

  canvas_known_trace (&canvas);
  canvas_draw (&canvas, 0, 1000 * MS);

  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 230 * MS), y + h / 2, &hit));
  g_assert_cmpint (hit.region, ==, JG_SWIMLANE_REGION_LANE);
  g_assert_cmpint (hit.lane_kind, ==, JG_LOD_LANE_TASK);
  g_assert_cmpuint (hit.lane, ==, 0);
  g_assert_true (hit.has_span);
  g_assert_cmpuint (hit.task, ==, 0);
  g_assert_cmpint (hit.state, ==, JG_STATE_RUNNING);
  g_assert_cmpuint (hit.start, ==, 100 * MS);
  g_assert_cmpuint (hit.duration, ==, 200 * MS);
  g_assert_cmpint (hit.cpu, ==, 1);
  g_assert_cmpuint (hit.worker, ==, 0);

  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 530 * MS), y + h / 2, &hit));
  g_assert_cmpint (hit.state, ==, JG_STATE_GIL_WAIT);
  g_assert_cmpint (hit.reason, ==, JG_SUSPEND_GIL);
  g_assert_cmpuint (hit.start, ==, 300 * MS);
  g_assert_cmpuint (hit.duration, ==, 600 * MS);

  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 1, &y, &h));
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 530 * MS), y + h / 2, &hit));
  g_assert_cmpuint (hit.task, ==, 1);
  g_assert_cmpint (hit.state, ==, JG_STATE_IO_WAIT);

  /* The GIL lane answers with its holder. */
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_GIL, 0, &y, &h));
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 530 * MS), y + h / 2, &hit));
  g_assert_cmpint (hit.region, ==, JG_SWIMLANE_REGION_GIL);
  g_assert_true (hit.has_span);
  g_assert_cmpuint (hit.task, ==, 1);
  g_assert_cmpuint (hit.start, ==, 400 * MS);
  g_assert_cmpuint (hit.duration, ==, 400 * MS);

  /* The counters: one task in flight before 200 ms, two after; one running. */
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_COUNTERS, 0, &y, &h));
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 150 * MS), y + h / 2, &hit));
  g_assert_cmpint (hit.region, ==, JG_SWIMLANE_REGION_COUNTERS);
  g_assert_cmpfloat_with_epsilon (hit.concurrency, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hit.parallelism, 1.0, 1e-9);
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, x_at (&canvas, 530 * MS), y + h / 2, &hit));
  g_assert_cmpfloat_with_epsilon (hit.concurrency, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hit.parallelism, 0.0, 1e-9);

  /* Names are not time. */
  g_assert_true (jg_swimlane_painter_hit_test (canvas.painter, 5, y + h / 2, &hit));
  g_assert_true (hit.on_label);
  g_assert_false (hit.has_span);

  canvas_clear (&canvas);
}

/* Rectangles on a vector path and pixels on the raster path are the same picture. */
static void
test_painter_vector_matches_raster (void)
{
  Canvas canvas = { 0 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autoptr (GArray) events = NULL;
  cairo_surface_t *raster;
  guint differ = 0;
  double x0, x1, y, h;

  fixture_init (&canvas.f);
  canvas.painter = jg_swimlane_painter_new ();
  canvas.scale = 1;
  events = random_events (&canvas.f, rand, 6);
  jg_trace_append (canvas.f.trace, (JgEvent *) events->data, events->len);

  canvas_draw (&canvas, 0, jg_trace_get_duration_ns (canvas.f.trace) / 3);
  raster = cairo_surface_reference (canvas.surface);
  jg_swimlane_painter_set_prefer_vector (canvas.painter, TRUE);
  canvas_draw (&canvas, 0, jg_trace_get_duration_ns (canvas.f.trace) / 3);

  jg_swimlane_painter_get_plot_bounds (canvas.painter, &x0, &x1);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_COUNTERS, 0, &y, &h));
  for (int py = (int) y; py < HEIGHT; py++)
    for (int px = (int) x0; px < (int) x1; px++)
      {
        guint32 a = *(guint32 *) (cairo_image_surface_get_data (raster) + py * cairo_image_surface_get_stride (raster) + px * 4);
        guint32 b = *(guint32 *) (canvas.data + py * canvas.stride + px * 4);

        if ((a & 0xffffff) != (b & 0xffffff))
          {
            if (differ < 20)
              g_test_message ("differ at %d,%d: %06x vs %06x", px, py, a & 0xffffff, b & 0xffffff);
            differ++;
          }
      }
  /* Text and marks are the same on both; the lanes must be too. */
  g_assert_cmpuint (differ, ==, 0);

  cairo_surface_destroy (raster);
  canvas_clear (&canvas);
}

/* At twice the density, lanes land on device pixels twice as fine. */
static void
test_painter_hidpi (void)
{
  Canvas canvas = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  double y, h, first_x;
  guint columns;

  canvas_known_trace (&canvas);
  canvas.scale = 2;
  canvas_draw (&canvas, 0, 1000 * MS);
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 230 * MS), y + h / 2), &running));
  columns = count_columns (&canvas, y, h, &running, &first_x);
  /* Device columns, in half units. */
  g_assert_cmpfloat (fabs (columns / 2.0 - (x_at (&canvas, 300 * MS) - x_at (&canvas, 100 * MS))
                           - (x_at (&canvas, 1000 * MS) - x_at (&canvas, 900 * MS))), <=, 2);
  g_assert_cmpfloat (fabs (first_x - x_at (&canvas, 100 * MS)), <=, 1);

  canvas_clear (&canvas);
}

/* Every view and theme draws its legend: the colours of what it shows. */
static void
test_painter_views_and_legend (void)
{
  Canvas canvas = { 0 };
  JgRgba running = jg_palette_state_color (JG_STATE_RUNNING, FALSE);
  JgRgba gil_wait = jg_palette_state_color (JG_STATE_GIL_WAIT, FALSE);
  double y, h, first_x, legend_y;

  canvas_known_trace (&canvas);
  for (JgSwimlaneTheme theme = 0; theme < JG_SWIMLANE_N_THEMES; theme++)
    for (JgSwimlaneView view = 0; view < JG_SWIMLANE_N_VIEWS; view++)
      {
        JgRgba first = view == JG_SWIMLANE_VIEW_CORES ? jg_swimlane_task_color (0) : running;

        jg_swimlane_painter_set_theme (canvas.painter, theme);
        jg_swimlane_painter_set_view (canvas.painter, view);
        canvas_draw (&canvas, 0, 1000 * MS);

        /* The legend is the top strip, above the counters. */
        g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_COUNTERS, 0, &legend_y, &h));
        legend_y /= 2;
        g_assert_cmpuint (count_columns_in (&canvas, 0, WIDTH, 0, legend_y, &first, &first_x), >, 0);
        if (view != JG_SWIMLANE_VIEW_CORES)
          {
            g_assert_cmpuint (count_columns_in (&canvas, 0, WIDTH, 0, legend_y, &gil_wait, &first_x), >, 0);
            /* Below any label. */
            g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
            g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 230 * MS), y + h - 2), &running));
          }
        else
          {
            /* CPU 1 ran task 1 (and then task 1 again). */
            g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 1, &y, &h));
            g_assert_true (pixel_is (canvas_pixel (&canvas, x_at (&canvas, 230 * MS), y + h - 2), &first));
          }
      }

  /* The projector's lanes are thicker. */
  g_assert_cmpfloat (h, >=, 36);

  canvas_clear (&canvas);
}

/* Names in Arabic and Hebrew: what the canvas draws of them is read back by
 * drawing each lane twice, once with the name and once without. */

#define NAME_FONT 12 /* the lane names' size in the normal theme */

/* One task called @name, running through the window. */
static void
canvas_named (Canvas     *canvas,
              const char *name)
{
  fixture_init (&canvas->f);
  jg_trace_add_worker (canvas->f.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_task (canvas->f.trace, name, JG_LANE_NONE);
  canvas->painter = jg_swimlane_painter_new ();
  canvas->scale = 1;
  append (canvas, 0, 0, JG_EVENT_TASK_BEGIN, 0, 0);
  append (canvas, 100 * MS, 0, JG_EVENT_RUN, 0, 0);
  append (canvas, 900 * MS, 0, JG_EVENT_TASK_END, 0, 0);
  canvas_draw (canvas, 0, 1000 * MS);
}

typedef struct
{
  int x0, x1; /* columns, x1 inclusive */
  int y0, y1;
} Ink;

static gboolean
pixels_differ (guint32 a,
               guint32 b)
{
  return ABS ((int) (a >> 16 & 0xff) - (int) (b >> 16 & 0xff)) > 24
      || ABS ((int) (a >> 8 & 0xff) - (int) (b >> 8 & 0xff)) > 24
      || ABS ((int) (a & 0xff) - (int) (b & 0xff)) > 24;
}

/* The ink of @name in the first lane's name column; its box in @ink. With
 * @rows, only the columns inked in rows [ink->y0, ink->y0 + rows): returns
 * their mean. */
static double
name_ink (const char *name,
          Ink        *ink,
          int         rows)
{
  Canvas canvas = { 0 }, blank = { 0 };
  double y, h, plot_x0, plot_x1, sum = 0;
  guint n = 0;

  canvas_named (&canvas, name);
  canvas_named (&blank, "");
  g_assert_true (jg_swimlane_painter_get_row (canvas.painter, JG_SWIMLANE_REGION_LANE, 0, &y, &h));
  jg_swimlane_painter_get_plot_bounds (canvas.painter, &plot_x0, &plot_x1);

  *ink = (Ink) { G_MAXINT, -1, G_MAXINT, -1 };
  for (int py = (int) y; py < (int) (y + h); py++)
    for (int px = 0; px < (int) plot_x0; px++)
      if (pixels_differ (canvas_pixel (&canvas, px, py), canvas_pixel (&blank, px, py)))
        {
          ink->x0 = MIN (ink->x0, px);
          ink->x1 = MAX (ink->x1, px);
          ink->y0 = MIN (ink->y0, py);
          ink->y1 = MAX (ink->y1, py);
        }
  g_assert_cmpint (ink->x1, >=, 0);
  /* The name stays in its column. */
  g_assert_cmpint (ink->x1, <, (int) plot_x0);

  for (int py = ink->y0; py < ink->y0 + rows; py++)
    for (int px = ink->x0; px <= ink->x1; px++)
      if (pixels_differ (canvas_pixel (&canvas, px, py), canvas_pixel (&blank, px, py)))
        {
          sum += px;
          n++;
        }

  canvas_clear (&blank);
  canvas_clear (&canvas);
  return n > 0 ? sum / n : -1;
}

/* @text laid out by Pango in the lane names' font, for reference. */
static PangoLayout *
reference_layout (const char *text)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (desc, NAME_FONT * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return layout;
}

static int
reference_ink_width (const char *text)
{
  g_autoptr (PangoLayout) layout = reference_layout (text);
  PangoRectangle ink;

  pango_layout_get_pixel_extents (layout, &ink, NULL);
  return ink.width;
}

/* FALSE, and the test skipped, when no font on the machine draws @text. */
static gboolean
have_font_for (const char *text,
               const char *script)
{
  g_autoptr (PangoLayout) layout = reference_layout (text);

  if (pango_layout_get_unknown_glyphs_count (layout) == 0)
    return TRUE;
  g_test_skip_printf ("no font with %s letters here (Debian: fonts-dejavu-core)", script);
  return FALSE;
}

/* An Arabic name is shaped: its letters join, so it is as wide as Pango lays
 * it out and narrower than the same letters kept apart (what drawing without
 * shaping gives: each letter in its isolated form). */
static void
test_painter_arabic_name_shaped (void)
{
  const char *name = "تحميل"; /* "loading" */
  g_autoptr (GString) apart = g_string_new (NULL);
  Ink ink;
  int drawn, shaped, isolated;

  if (!have_font_for (name, "Arabic"))
    return;
  /* Zero-width non-joiners between the letters keep each one isolated. */
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (p != name)
        g_string_append (apart, "\u200c");
      g_string_append_len (apart, p, g_utf8_next_char (p) - p);
    }

  name_ink (name, &ink, 0);
  drawn = ink.x1 - ink.x0 + 1;
  shaped = reference_ink_width (name);
  isolated = reference_ink_width (apart->str);
  g_test_message ("drawn %d px, shaped %d px, letters apart %d px", drawn, shaped, isolated);
  g_assert_cmpint (ABS (drawn - shaped), <=, 2);
  g_assert_cmpint (drawn, <, isolated * 0.9);
}

/* A Hebrew name runs right to left inside its label, which stays where a
 * Latin name's is: "למידה" ("learning") begins on the right with lamed, the
 * one Hebrew letter rising above the others. */
static void
test_painter_hebrew_name_rtl (void)
{
  const char *name = "למידה";
  g_autofree char *longer = g_strdup_printf ("%s %s %s %s %s", name, name, name, name, name);
  Ink ink, latin, cut;
  double lamed;

  if (!have_font_for (name, "Hebrew"))
    return;

  lamed = name_ink (name, &ink, 2);
  g_test_message ("ink from x = %d to %d, lamed at %.1f", ink.x0, ink.x1, lamed);
  g_assert_cmpfloat (lamed, >, ink.x0 + (ink.x1 - ink.x0) * 0.75);

  /* Left-aligned in the column like any name, not pushed to its right edge. */
  name_ink ("Learning", &latin, 0);
  g_assert_cmpint (ABS (ink.x0 - latin.x0), <=, 2);

  /* Too long for the column: cut with an ellipsis, inside it. */
  name_ink (longer, &cut, 0);
  g_assert_cmpint (ABS (cut.x0 - latin.x0), <=, 2);
  g_assert_cmpint (cut.x1 - cut.x0 + 1, <, reference_ink_width (longer));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/lod/matches-brute-force", test_lod_matches_brute_force);
  g_test_add_func ("/render/lod/counters", test_lod_counters);
  g_test_add_func ("/render/lod/memory", test_lod_memory);
  g_test_add_func ("/render/swimlane/running-drawn", test_painter_running_drawn);
  g_test_add_func ("/render/swimlane/culling", test_painter_culling);
  g_test_add_func ("/render/swimlane/waits-half-height", test_painter_waits_half_height);
  g_test_add_func ("/render/swimlane/gil-holder", test_painter_gil_holder);
  g_test_add_func ("/render/swimlane/burst-visible", test_painter_burst_visible);
  g_test_add_func ("/render/swimlane/hit-test", test_painter_hit);
  g_test_add_func ("/render/swimlane/vector-matches-raster", test_painter_vector_matches_raster);
  g_test_add_func ("/render/swimlane/hidpi", test_painter_hidpi);
  g_test_add_func ("/render/swimlane/views-and-legend", test_painter_views_and_legend);
  g_test_add_func ("/render/swimlane/arabic-name-shaped", test_painter_arabic_name_shaped);
  g_test_add_func ("/render/swimlane/hebrew-name-rtl", test_painter_hebrew_name_rtl);

  status = g_test_run ();
  return status;
}
