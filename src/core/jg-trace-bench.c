/* jg-trace-bench.c: synthetic traces shaped like a threads run under the GIL,
 * and the large-trace figures measured on them (jg-trace-bench.h). The traces
 * are generated, not recorded, so that ten million events take a second to
 * make and the figures measure the store and the files, not the machine's
 * scheduler. */
#define G_LOG_DOMAIN "jg-trace-bench"

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "jg-chrome-trace.h"
#include "jg-clock.h"
#include "jg-spans.h"
#include "jg-trace-bench.h"
#include "jg-trace-file.h"

#define BATCH_EVENTS     65536u
#define N_CORES          2
#define SWITCH_NS        5000000u  /* CPython's switch interval */
#define PID              4242

/* A simulated thread. */
typedef enum
{
  THREAD_IDLE,     /* between tasks, until next_ns */
  THREAD_WAITING,  /* queued for the GIL */
  THREAD_RUNNING,  /* holds the GIL until next_ns */
  THREAD_IO,       /* in blocking I/O until next_ns */
} ThreadState;

typedef struct
{
  ThreadState state;
  guint64     next_ns;
  guint32     worker;
  guint32     task;
  guint       bursts_left;
  guint32     io_kind;
  guint64     run_start;  /* when it last began Running */
} SimThread;

typedef struct
{
  JgTrace   *trace;
  GRand     *rand;
  SimThread *threads;
  guint      n_threads;
  guint64    now;
  guint64    target;
  guint64    emitted;
  JgEvent   *batch;
  guint      n_batch;
  gint       holder;      /* thread holding the GIL, or -1 */
  GQueue     waiters;     /* thread indices, FIFO */
  guint32    counter;
  guint32    mark;
  guint64    next_mark;   /* emitted count after which to drop a mark */
  guint      changes;
} Sim;

static void
emit (Sim     *sim,
      guint    thread,
      guint32  task,
      guint16  kind,
      guint32  arg)
{
  JgEvent *e;

  if (sim->emitted >= sim->target)
    return;
  e = &sim->batch[sim->n_batch++];
  e->ts = sim->now;
  e->task = task;
  e->worker = sim->threads[thread].worker;
  e->kind = kind;
  e->cpu = (gint16) (thread % N_CORES);
  e->arg = arg;
  sim->emitted++;
  if (sim->n_batch == BATCH_EVENTS)
    {
      jg_trace_append (sim->trace, sim->batch, sim->n_batch);
      sim->n_batch = 0;
    }
}

/* Now and then the waiters' count, as a run's counters sample shared values. */
static void
sample_waiters (Sim *sim)
{
  if (++sim->changes % 32 == 0)
    emit (sim, 0, sim->counter, JG_EVENT_COUNTER, sim->waiters.length);
}

static void
take_gil (Sim  *sim,
          guint t)
{
  SimThread *thread = &sim->threads[t];

  sim->holder = (gint) t;
  emit (sim, t, thread->task, JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 0));
  emit (sim, t, thread->task, JG_EVENT_RUN, 0);
  thread->state = THREAD_RUNNING;
  thread->run_start = sim->now;
  /* CPU bursts from a tenth of an interval to a whole one. */
  thread->next_ns = sim->now + g_rand_int_range (sim->rand, SWITCH_NS / 10, SWITCH_NS + 1);
}

static void
request_gil (Sim  *sim,
             guint t)
{
  SimThread *thread = &sim->threads[t];

  emit (sim, t, thread->task, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0));
  if (sim->holder < 0 && g_queue_is_empty (&sim->waiters))
    {
      take_gil (sim, t);
      return;
    }
  emit (sim, t, thread->task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  thread->state = THREAD_WAITING;
  g_queue_push_tail (&sim->waiters, GUINT_TO_POINTER (t));
  sample_waiters (sim);
}

/* The holder lets go; the longest waiter takes it a little later. */
static void
drop_gil (Sim         *sim,
          guint        t,
          JgGilReason  reason)
{
  emit (sim, t, sim->threads[t].task, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, reason));
  sim->holder = -1;
}

static void
hand_over (Sim *sim)
{
  if (sim->holder < 0 && !g_queue_is_empty (&sim->waiters))
    {
      sim->now += g_rand_int_range (sim->rand, 2000, 20000);
      take_gil (sim, GPOINTER_TO_UINT (g_queue_pop_head (&sim->waiters)));
      sample_waiters (sim);
    }
}

/* Leaving Running, a probe says how much CPU the thread really got: nearly
 * all of it here, as on a machine with a core to spare. */
static void
emit_cpu_time (Sim  *sim,
               guint t)
{
  SimThread *thread = &sim->threads[t];
  guint64 running_us = (sim->now - thread->run_start) / 1000;

  emit (sim, t, thread->task, JG_EVENT_CPU_TIME, (guint32) (running_us * 95 / 100));
}

static void
begin_task (Sim  *sim,
            guint t)
{
  SimThread *thread = &sim->threads[t];
  g_autofree char *name = g_strdup_printf ("task %u", jg_trace_get_n_tasks (sim->trace) + 1);

  thread->task = jg_trace_add_task (sim->trace, name, JG_LANE_NONE);
  thread->bursts_left = g_rand_int_range (sim->rand, 8, 40);
  emit (sim, t, thread->task, JG_EVENT_TASK_BEGIN, 0);
  request_gil (sim, t);
}

static void
end_burst (Sim  *sim,
           guint t)
{
  SimThread *thread = &sim->threads[t];

  if (thread->bursts_left-- == 0)
    {
      drop_gil (sim, t, JG_GIL_DROP_FINISHED);
      emit_cpu_time (sim, t);
      emit (sim, t, thread->task, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
      thread->state = THREAD_IDLE;
      thread->next_ns = sim->now + g_rand_int_range (sim->rand, 10000, 100000);
      hand_over (sim);
      return;
    }

  if (g_rand_int_range (sim->rand, 0, 3) == 0)
    {
      /* Blocking I/O: the GIL is released around it. */
      thread->io_kind = g_rand_boolean (sim->rand) ? JG_IO_SOCKET : JG_IO_FILE;
      drop_gil (sim, t, JG_GIL_DROP_IO);
      emit_cpu_time (sim, t);
      emit (sim, t, thread->task, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
      emit (sim, t, thread->task, JG_EVENT_IO_BEGIN, thread->io_kind);
      thread->state = THREAD_IO;
      thread->next_ns = sim->now + g_rand_int_range (sim->rand, 100000, 3 * SWITCH_NS);
      hand_over (sim);
      return;
    }

  if (g_queue_is_empty (&sim->waiters))
    {
      /* Nobody asked for it: the interval passes and the holder runs on. */
      thread->next_ns = sim->now + g_rand_int_range (sim->rand, SWITCH_NS / 10, SWITCH_NS + 1);
      return;
    }

  /* The interval expired with waiters: the first asks for a drop, the holder
   * drops, waits again at the back, and the waiter takes over. */
  emit (sim, GPOINTER_TO_UINT (g_queue_peek_head (&sim->waiters)),
        sim->threads[GPOINTER_TO_UINT (g_queue_peek_head (&sim->waiters))].task,
        JG_EVENT_GIL_DROP_REQUEST, JG_GIL_ARG (0, 0));
  sim->now += 500;
  drop_gil (sim, t, JG_GIL_DROP_INTERVAL);
  emit_cpu_time (sim, t);
  emit (sim, t, thread->task, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  emit (sim, t, thread->task, JG_EVENT_GIL_REQUEST, JG_GIL_ARG (0, 0));
  thread->state = THREAD_WAITING;
  g_queue_push_tail (&sim->waiters, GUINT_TO_POINTER (t));
  hand_over (sim);
  if (sim->emitted >= sim->next_mark)
    {
      emit (sim, t, thread->task, JG_EVENT_MARK, sim->mark);
      sim->next_mark += 100000;
    }
}

JgTrace *
jg_trace_bench_make_trace (guint64 n_events,
                           guint   n_threads,
                           guint32 seed)
{
  g_autoptr(JgTrace) trace = jg_trace_new ();
  g_autofree JgEvent *batch = g_new (JgEvent, BATCH_EVENTS);
  g_autofree SimThread *threads = NULL;
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 1, 15, 10, 0, 0);
  JgRunInfo run = { "threads", 0, "gil", SWITCH_NS / 1e6, NULL };
  JgMachineInfo machine = { N_CORES, "Linux (synthetic)", "Synthetic CPU", "bench" };
  Sim sim = { 0 };

  g_return_val_if_fail (n_events <= JG_TRACE_MAX_EVENTS, NULL);

  n_threads = CLAMP (n_threads, 1, 256);
  run.workers = n_threads;
  jg_trace_set_scenario (trace, "bench-gil", "Synthetic threads under the GIL", NULL);
  jg_trace_set_run_info (trace, &run);
  jg_trace_set_machine (trace, &machine);
  jg_trace_set_created (trace, created);

  threads = g_new0 (SimThread, n_threads);
  sim.trace = trace;
  sim.rand = g_rand_new_with_seed (seed);
  sim.threads = threads;
  sim.n_threads = n_threads;
  sim.target = n_events;
  sim.batch = batch;
  sim.holder = -1;
  sim.next_mark = 100000;
  g_queue_init (&sim.waiters);
  sim.counter = jg_trace_add_counter (trace, "GIL waiters");
  sim.mark = jg_trace_intern (trace, "checkpoint");

  for (guint t = 0; t < n_threads; t++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", t + 1);

      threads[t].worker = jg_trace_add_worker (trace, name, JG_WORKER_THREAD, PID);
      threads[t].state = THREAD_IDLE;
      threads[t].next_ns = (guint64) t * 1000;
    }

  while (sim.emitted < sim.target)
    {
      guint next = G_MAXUINT;

      /* The thread whose next step comes first; waiters move when handed the GIL. */
      for (guint t = 0; t < n_threads; t++)
        if (threads[t].state != THREAD_WAITING
            && (next == G_MAXUINT || threads[t].next_ns < threads[next].next_ns))
          next = t;
      g_assert (next != G_MAXUINT);
      sim.now = MAX (sim.now, threads[next].next_ns);

      switch (threads[next].state)
        {
        case THREAD_IDLE:
          begin_task (&sim, next);
          break;
        case THREAD_RUNNING:
          end_burst (&sim, next);
          break;
        case THREAD_IO:
          emit (&sim, next, threads[next].task, JG_EVENT_IO_END, threads[next].io_kind);
          request_gil (&sim, next);
          break;
        case THREAD_WAITING:
        default:
          g_assert_not_reached ();
        }
    }

  jg_trace_append (trace, batch, sim.n_batch);
  jg_trace_set_end_ns (trace, sim.now);
  jg_trace_finish (trace);
  g_queue_clear (&sim.waiters);
  g_rand_free (sim.rand);
  return g_steal_pointer (&trace);
}

static double
seconds_since (guint64 start)
{
  return (double) (jg_clock_now_ns () - start) / 1e9;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

gboolean
jg_trace_bench_run (guint64               large_events,
                    guint64               export_events,
                    JgTraceBenchFigures  *figures,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *native_path = NULL;
  g_autofree char *chrome_path = NULL;
  g_autoptr(GFile) native = NULL;
  g_autoptr(GFile) chrome = NULL;
  g_autoptr(JgTrace) trace = NULL;
  struct rusage usage;
  gboolean ok = FALSE;
  guint64 start;

  g_return_val_if_fail (large_events > 0 && export_events > 0, FALSE);
  g_return_val_if_fail (figures != NULL, FALSE);

  memset (figures, 0, sizeof *figures);
  dir = g_dir_make_tmp ("juggler-trace-bench-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  native_path = g_build_filename (dir, "large.juggler", NULL);
  chrome_path = g_build_filename (dir, "export.json", NULL);
  native = g_file_new_for_path (native_path);
  chrome = g_file_new_for_path (chrome_path);

  /* Native: save, free, load. */
  trace = jg_trace_bench_make_trace (large_events, 8, 1);
  figures->large_events = jg_trace_get_n_events (trace);
  start = jg_clock_now_ns ();
  if (!jg_trace_file_save (trace, native, cancellable, error))
    goto out;
  figures->save_large_s = seconds_since (start);
  figures->bytes_per_event_file = (double) file_size (native_path) / figures->large_events;
  g_clear_object (&trace);

  start = jg_clock_now_ns ();
  trace = jg_trace_file_load (native, cancellable, error);
  if (trace == NULL)
    goto out;
  figures->load_large_s = seconds_since (start);
  figures->load_10m_s = figures->load_large_s * 1e7 / figures->large_events;
  figures->bytes_per_event_memory = (double) jg_trace_get_memory_bytes (trace) / figures->large_events;
  g_clear_object (&trace);
  g_unlink (native_path);

  /* Chrome: the spans are what the app already has when it exports. */
  trace = jg_trace_bench_make_trace (export_events, 8, 2);
  figures->export_events = jg_trace_get_n_events (trace);
  {
    g_autoptr(JgSpans) spans = jg_spans_new ();

    jg_spans_update (spans, trace);
    start = jg_clock_now_ns ();
    if (!jg_chrome_trace_export (trace, spans, chrome, cancellable, error))
      goto out;
    figures->export_chrome_s = seconds_since (start);
  }
  figures->export_chrome_1m_s = figures->export_chrome_s * 1e6 / figures->export_events;
  figures->bytes_per_event_chrome = (double) file_size (chrome_path) / figures->export_events;

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    figures->peak_rss_bytes = (guint64) usage.ru_maxrss * 1024;
  ok = TRUE;

out:
  g_unlink (native_path);
  g_unlink (chrome_path);
  g_rmdir (dir);
  return ok;
}
