/* jg-render-bench.c: measures the swimlane canvas on traces shaped like real
 * runs. The made-up trace is simulated the way the GIL works (see jg-gil.h):
 * one holder at a time, waiters asking for a drop after the switch interval,
 * the GIL released around blocking I/O, so its spans, hand-offs and drop
 * requests have the density and rhythm of a recorded threads run. */
#define G_LOG_DOMAIN "jg-render-bench"

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jg-clock.h"
#include "jg-lod.h"
#include "jg-recorder.h"
#include "jg-render-bench.h"
#include "jg-spans.h"

#define US               G_GUINT64_CONSTANT (1000)
#define MS               G_GUINT64_CONSTANT (1000000)
#define N_THREADS        8
#define N_TASKS          64
#define N_CORES          4
#define SWITCH_INTERVAL  (5 * MS)
#define BATCH_EVENTS     65536
#define N_FRAMES         21

/* The simulated run */

typedef enum
{
  THREAD_IDLE,
  THREAD_HOLDS,
  THREAD_WAITS,
  THREAD_IO,
} ThreadState;

typedef struct
{
  ThreadState state;
  guint32     task;
  gboolean    io_bound;   /* short bursts between long waits, or the reverse */
  guint       steps_left; /* CPU bursts left in the task */
  guint64     remaining;  /* of the current burst */
  guint64     io_end;
  guint64     wait_start;
  gint16      cpu;
} SimThread;

typedef struct
{
  JgTrace   *trace;
  GRand     *rand;
  GArray    *batch;
  SimThread  threads[N_THREADS];
  guint      queue[N_THREADS]; /* threads waiting for the GIL, first come first */
  guint      n_queued;
  gint       holder;
  guint64    now;
  guint64    last_take;
  guint32    next_task;
  guint64    emitted;
  guint64    target;
  guint      steps_per_task;
} Sim;

static void
sim_emit (Sim         *sim,
          guint        thread,
          JgEventKind  kind,
          guint32      arg)
{
  JgEvent event;

  event.ts = sim->now;
  event.task = sim->threads[thread].task;
  event.worker = thread;
  event.kind = kind;
  event.cpu = sim->threads[thread].cpu;
  event.arg = arg;
  g_array_append_val (sim->batch, event);
  sim->emitted++;
  if (sim->batch->len >= BATCH_EVENTS)
    {
      jg_trace_append (sim->trace, (const JgEvent *) sim->batch->data, sim->batch->len);
      g_array_set_size (sim->batch, 0);
    }
}

static guint64
sim_between (Sim     *sim,
             guint64  lo,
             guint64  hi)
{
  return lo + (guint64) (g_rand_double (sim->rand) * (double) (hi - lo));
}

static guint64
sim_burst (Sim       *sim,
           SimThread *thread)
{
  return thread->io_bound ? sim_between (sim, 40 * US, 600 * US) : sim_between (sim, 1 * MS, 25 * MS);
}

static void
sim_take (Sim   *sim,
          guint  t)
{
  SimThread *thread = &sim->threads[t];

  /* Threads wander between cores now and then. */
  if (g_rand_int_range (sim->rand, 0, 5) == 0)
    thread->cpu = g_rand_int_range (sim->rand, 0, N_CORES);
  sim->holder = t;
  sim->last_take = sim->now;
  thread->state = THREAD_HOLDS;
  if (thread->remaining == 0)
    thread->remaining = sim_burst (sim, thread);
  sim_emit (sim, t, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0));
  sim->now += sim_between (sim, 1 * US, 6 * US);
  sim_emit (sim, t, JG_EVENT_RUN, 0);
}

/* The first waiter takes the GIL after the wake-up latency. */
static void
sim_hand_over (Sim *sim)
{
  guint next;

  if (sim->n_queued == 0)
    return;
  next = sim->queue[0];
  memmove (sim->queue, sim->queue + 1, (sim->n_queued - 1) * sizeof (guint));
  sim->n_queued--;
  sim->now += sim_between (sim, 3 * US, 40 * US);
  sim_take (sim, next);
}

static void
sim_request (Sim   *sim,
             guint  t)
{
  SimThread *thread = &sim->threads[t];

  sim_emit (sim, t, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0));
  if (sim->holder < 0 && sim->n_queued == 0)
    {
      sim_take (sim, t);
      return;
    }
  sim_emit (sim, t, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  thread->state = THREAD_WAITS;
  thread->wait_start = sim->now;
  sim->queue[sim->n_queued++] = t;
}

static void
sim_start_task (Sim   *sim,
                guint  t)
{
  SimThread *thread = &sim->threads[t];

  if (sim->next_task >= N_TASKS)
    {
      thread->state = THREAD_IDLE;
      thread->task = JG_LANE_NONE;
      return;
    }
  thread->task = sim->next_task++;
  thread->io_bound = thread->task % 3 != 0;
  thread->steps_left = MAX (2, sim_between (sim, sim->steps_per_task / 2, sim->steps_per_task * 3 / 2));
  thread->remaining = 0;
  sim_emit (sim, t, JG_EVENT_TASK_BEGIN, 0);
  sim->now += sim_between (sim, 2 * US, 20 * US);
  sim_request (sim, t);
}

/* The holder finished a burst: block on I/O, or finish the task. */
static void
sim_burst_done (Sim   *sim,
                guint  t)
{
  SimThread *thread = &sim->threads[t];

  sim->holder = -1;
  if (--thread->steps_left == 0)
    {
      sim_emit (sim, t, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FINISHED));
      sim_emit (sim, t, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
      sim_hand_over (sim);
      sim->now += sim_between (sim, 5 * US, 50 * US);
      sim_start_task (sim, t);
      return;
    }

  sim_emit (sim, t, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO));
  sim_emit (sim, t, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
  sim_emit (sim, t, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
  thread->state = THREAD_IO;
  thread->io_end = sim->now + (thread->io_bound ? sim_between (sim, 1 * MS, 15 * MS)
                                                : sim_between (sim, 100 * US, 2 * MS));
  sim_hand_over (sim);
}

/* A waiter that waited a whole interval with no switch asks for a drop; the
 * holder drops at its next check and queues up again (forced switching). */
static void
sim_drop_request (Sim *sim)
{
  guint waiter = sim->queue[0];
  guint t = sim->holder;
  SimThread *holder = &sim->threads[t];
  guint64 notice = MIN (holder->remaining, sim_between (sim, 5 * US, 60 * US));

  sim_emit (sim, waiter, JG_EVENT_GIL_DROP_REQUEST, JG_GIL_ARG (0, 0));
  sim->now += notice;
  holder->remaining -= notice;
  if (holder->remaining == 0)
    {
      sim_burst_done (sim, t);
      return;
    }
  sim->holder = -1;
  sim_emit (sim, t, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FORCED));
  sim_emit (sim, t, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  sim_hand_over (sim);
  sim_emit (sim, t, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0));
  holder->state = THREAD_WAITS;
  holder->wait_start = sim->now;
  sim->queue[sim->n_queued++] = t;
}

static void
sim_io_done (Sim   *sim,
             guint  t)
{
  sim_emit (sim, t, JG_EVENT_IO_END, JG_IO_SOCKET);
  sim_request (sim, t);
}

/* The thread whose I/O ends first, or -1. */
static gint
sim_next_io (Sim *sim)
{
  gint best = -1;

  for (guint t = 0; t < N_THREADS; t++)
    {
      if (sim->threads[t].state == THREAD_IO
          && (best < 0 || sim->threads[t].io_end < sim->threads[best].io_end))
        best = t;
    }
  return best;
}

JgTrace *
jg_render_bench_make_trace (guint64 n_events,
                            guint32 seed)
{
  JgTrace *trace = jg_trace_new ();
  JgMachineInfo machine = { N_CORES, "Linux", "simulated", "bench" };
  JgRunInfo run = { "threads", N_THREADS, "gil", 5.0, NULL };
  Sim sim = { 0 };

  jg_trace_set_scenario (trace, "render-bench", "Rendering benchmark", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  for (guint t = 0; t < N_THREADS; t++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", t + 1);

      jg_trace_add_worker (trace, name, JG_WORKER_THREAD, (gint32) getpid ());
    }
  for (guint t = 0; t < N_TASKS; t++)
    {
      g_autofree char *name = g_strdup_printf (t % 3 != 0 ? "Fetch %u" : "Parse %u", t + 1);

      jg_trace_add_task (trace, name, JG_LANE_NONE);
    }

  sim.trace = trace;
  sim.rand = g_rand_new_with_seed (seed);
  sim.batch = g_array_sized_new (FALSE, FALSE, sizeof (JgEvent), BATCH_EVENTS);
  sim.holder = -1;
  sim.target = MAX (n_events, 100);
  /* About seven events per burst, and each thread runs N_TASKS / N_THREADS tasks. */
  sim.steps_per_task = MAX (4, (guint) (sim.target / (N_TASKS * 7)));

  for (guint t = 0; t < N_THREADS; t++)
    {
      sim.threads[t].cpu = t % N_CORES;
      sim.now += sim_between (&sim, 10 * US, 200 * US);
      sim_start_task (&sim, t);
    }

  while (sim.emitted < sim.target)
    {
      gint io = sim_next_io (&sim);

      if (sim.holder >= 0)
        {
          SimThread *holder = &sim.threads[sim.holder];
          guint64 finish = sim.now + holder->remaining;
          guint64 request = G_MAXUINT64;

          if (sim.n_queued > 0)
            request = MAX (sim.threads[sim.queue[0]].wait_start, sim.last_take) + SWITCH_INTERVAL;

          if (io >= 0 && sim.threads[io].io_end <= MIN (finish, request))
            {
              holder->remaining -= sim.threads[io].io_end - sim.now;
              sim.now = sim.threads[io].io_end;
              sim_io_done (&sim, io);
            }
          else if (request < finish)
            {
              holder->remaining -= request - sim.now;
              sim.now = request;
              sim_drop_request (&sim);
            }
          else
            {
              sim.now = finish;
              holder->remaining = 0;
              sim_burst_done (&sim, sim.holder);
            }
        }
      else if (sim.n_queued > 0)
        sim_hand_over (&sim);
      else if (io >= 0)
        {
          sim.now = MAX (sim.now, sim.threads[io].io_end);
          sim_io_done (&sim, io);
        }
      else
        break; /* every task is done */
    }

  jg_trace_append (trace, (const JgEvent *) sim.batch->data, sim.batch->len);
  jg_trace_set_end_ns (trace, sim.now);
  jg_trace_finish (trace);
  g_array_unref (sim.batch);
  g_rand_free (sim.rand);
  return trace;
}

/* Frames */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
seconds_since (guint64 start_ns)
{
  return (double) (jg_clock_now_ns () - start_ns) / 1e9;
}

static double
draw_ms (JgSwimlanePainter *painter,
         cairo_surface_t   *surface,
         gboolean           cached)
{
  guint64 start;
  cairo_t *cr;

  if (!cached)
    jg_swimlane_painter_invalidate (painter);
  start = jg_clock_now_ns ();
  cr = cairo_create (surface);
  jg_swimlane_painter_draw (painter, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return seconds_since (start) * 1e3;
}

void
jg_render_bench_run (guint64              n_events,
                     guint                width,
                     guint                height,
                     JgRenderBenchResult *result)
{
  g_autoptr (JgTrace) trace = NULL;
  g_autoptr (JgSpans) spans = jg_spans_new ();
  g_autoptr (JgLod) lod = NULL;
  g_autoptr (JgSwimlanePainter) painter = jg_swimlane_painter_new ();
  cairo_surface_t *surface;
  double samples[N_FRAMES];
  guint64 start;

  g_return_if_fail (result != NULL);
  g_return_if_fail (width > 0 && height > 0);

  memset (result, 0, sizeof *result);
  trace = jg_render_bench_make_trace (n_events, 1);
  result->n_events = jg_trace_get_n_events (trace);

  start = jg_clock_now_ns ();
  jg_spans_update (spans, trace);
  result->spans_s = seconds_since (start);

  lod = jg_lod_new (spans);
  start = jg_clock_now_ns ();
  jg_lod_update (lod, trace);
  result->lod_s = seconds_since (start);
  result->lod_bytes_per_event = (double) jg_lod_get_memory_bytes (lod) / MAX (1, result->n_events);

  jg_swimlane_painter_set_source (painter, trace, lod);
  jg_swimlane_painter_set_size (painter, width, height);
  jg_swimlane_painter_set_window (painter, 0, jg_trace_get_duration_ns (trace));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  /* One frame to warm caches (fonts, glyphs, the layer's memory). */
  draw_ms (painter, surface, FALSE);
  for (guint i = 0; i < N_FRAMES; i++)
    samples[i] = draw_ms (painter, surface, FALSE);
  result->frame_ms = median (samples, N_FRAMES);
  for (guint i = 0; i < N_FRAMES; i++)
    samples[i] = draw_ms (painter, surface, TRUE);
  result->cached_frame_ms = median (samples, N_FRAMES);

  cairo_surface_destroy (surface);
}

/* Live */

#define LIVE_PRODUCERS      4
#define LIVE_TASKS_EACH     4
#define LIVE_SLOT_US        1000
#define LIVE_FOLLOW_NS      (G_GUINT64_CONSTANT (10) * 1000000000)

typedef struct
{
  JgRecorder *recorder;
  GMutex     *gil;
  guint32     worker;
  double      rate;  /* events per second, this producer */
  gint       *stop;
} Producer;

/* A thread running tasks under a real mutex standing for the GIL, emitting the
 * events a run would, paced to its share of the rate. */
static gpointer
producer_main (gpointer data)
{
  Producer *p = data;
  JgProbe *probe = jg_recorder_open_probe (p->recorder, p->worker);
  guint32 first = p->worker * LIVE_TASKS_EACH;
  guint64 start = jg_clock_now_ns ();
  guint64 emitted = 0;
  guint cycle = 0;

  for (guint32 t = first; t < first + LIVE_TASKS_EACH; t++)
    jg_probe_emit (probe, t, JG_EVENT_TASK_BEGIN, 0);

  while (!g_atomic_int_get (p->stop))
    {
      guint64 due = (guint64) (seconds_since (start) * p->rate);

      while (emitted < due)
        {
          guint32 task = first + cycle++ % LIVE_TASKS_EACH;

          jg_probe_emit (probe, task, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0));
          if (!g_mutex_trylock (p->gil))
            {
              jg_probe_emit (probe, task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
              g_mutex_lock (p->gil);
              emitted++;
            }
          jg_probe_emit (probe, task, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0));
          jg_probe_emit (probe, task, JG_EVENT_RUN, 0);
          jg_probe_emit (probe, task, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO));
          jg_probe_emit (probe, task, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
          g_mutex_unlock (p->gil);
          jg_probe_emit (probe, task, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
          jg_probe_emit (probe, task, JG_EVENT_IO_END, JG_IO_SOCKET);
          emitted += 7;
        }
      g_usleep (LIVE_SLOT_US);
    }

  for (guint32 t = first; t < first + LIVE_TASKS_EACH; t++)
    jg_probe_emit (probe, t, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
  jg_recorder_close_probe (p->recorder, probe);
  return NULL;
}

double
jg_render_bench_live_frame_ms (double   events_per_second,
                               double   seconds,
                               guint64 *n_events)
{
  g_autoptr (JgTrace) trace = jg_trace_new ();
  g_autoptr (JgRecorder) recorder = jg_recorder_new (trace);
  g_autoptr (JgSpans) spans = jg_spans_new ();
  g_autoptr (JgLod) lod = jg_lod_new (spans);
  g_autoptr (JgSwimlanePainter) painter = jg_swimlane_painter_new ();
  g_autoptr (GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  Producer producers[LIVE_PRODUCERS];
  GThread *threads[LIVE_PRODUCERS];
  GMutex gil;
  gint stop = 0;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  guint64 start, next_frame;
  double p95;

  g_mutex_init (&gil);
  jg_trace_set_machine_from_host (trace);
  for (guint w = 0; w < LIVE_PRODUCERS; w++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", w + 1);

      jg_trace_add_worker (trace, name, JG_WORKER_THREAD, (gint32) getpid ());
    }
  for (guint t = 0; t < LIVE_PRODUCERS * LIVE_TASKS_EACH; t++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", t + 1);

      jg_trace_add_task (trace, name, JG_LANE_NONE);
    }

  jg_swimlane_painter_set_source (painter, trace, lod);
  jg_swimlane_painter_set_size (painter, 1920, 1080);

  jg_recorder_start (recorder);
  for (guint w = 0; w < LIVE_PRODUCERS; w++)
    {
      producers[w] = (Producer) { recorder, &gil, w, events_per_second / LIVE_PRODUCERS, &stop };
      threads[w] = g_thread_new ("bench-producer", producer_main, &producers[w]);
    }

  start = next_frame = jg_clock_now_ns ();
  while (seconds_since (start) < seconds)
    {
      guint64 frame_start = jg_clock_now_ns ();
      guint64 horizon;
      double ms;
      cairo_t *cr;

      jg_spans_update (spans, trace);
      jg_lod_update (lod, trace);
      horizon = jg_lod_get_horizon (lod);
      jg_swimlane_painter_set_window (painter, horizon > LIVE_FOLLOW_NS ? horizon - LIVE_FOLLOW_NS : 0,
                                      MAX (horizon, 1));
      cr = cairo_create (surface);
      jg_swimlane_painter_draw (painter, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      ms = seconds_since (frame_start) * 1e3;
      g_array_append_val (frames, ms);

      /* The next vertical blank at 60 Hz. */
      {
        guint64 now = jg_clock_now_ns ();

        next_frame += 16666667;
        while (next_frame < now)
          next_frame += 16666667;
        g_usleep ((next_frame - now) / 1000);
      }
    }

  g_atomic_int_set (&stop, 1);
  for (guint w = 0; w < LIVE_PRODUCERS; w++)
    g_thread_join (threads[w]);
  jg_recorder_stop (recorder);
  g_mutex_clear (&gil);
  cairo_surface_destroy (surface);

  if (n_events != NULL)
    *n_events = jg_trace_get_n_events (trace);
  if (frames->len == 0)
    return 0;
  qsort (frames->data, frames->len, sizeof (double), compare_doubles);
  p95 = g_array_index (frames, double, MIN (frames->len - 1, (guint) (frames->len * 0.95)));
  return p95;
}

