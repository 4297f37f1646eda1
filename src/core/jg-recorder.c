/* jg-recorder.c: the collector. It owns every probe ring of a run, drains them
 * about once a millisecond, merges each drain by time (a stable sort keeps each
 * ring's own order) and appends it to the trace. It is the trace's only writer. */
#define G_LOG_DOMAIN "jg-recorder"

#include <string.h>

#include "jg-recorder.h"

#define COLLECT_INTERVAL_US 1000
/* Events newer than this before a drain began wait for the next drain: a
 * producer publishes an event a moment after stamping it, and another ring
 * may meanwhile publish a later one. Holding the newest back keeps the
 * published trace in time order (unless a producer is preempted for longer
 * than this between the two), at the cost of 2 ms of live delay. */
#define HOLD_BACK_NS (2 * G_GUINT64_CONSTANT (1000000))

struct _JgRecorder
{
  GObject    parent_instance;

  JgTrace   *trace;
  GThread   *collector;

  GMutex     lock;     /* guards everything below */
  GCond      wake;
  GPtrArray *probes;   /* JgProbe*, open and closed */
  GArray    *pushed;   /* JgEvent: whole events from jg_recorder_push */
  gboolean   running;
  gboolean   stopping;
  gboolean   woken;
  guint      stalls;   /* from closed probes */

  GArray    *staging;  /* collector only: one drain, a sorted run per source */
  GArray    *merged;   /* collector only: scratch for merging the runs */
  GArray    *runs;     /* collector only: guint, where each run ends in staging */
  GArray    *held;     /* collector only: sorted events held back for the next drain */
};

G_DEFINE_FINAL_TYPE (JgRecorder, jg_recorder, G_TYPE_OBJECT)

static void
probe_free (JgProbe *probe)
{
  g_free (probe->slots);
  g_free (probe);
}

static void
jg_recorder_finalize (GObject *object)
{
  JgRecorder *self = JG_RECORDER (object);

  if (self->running)
    jg_recorder_stop (self);

  g_clear_object (&self->trace);
  g_ptr_array_unref (self->probes);
  g_array_unref (self->pushed);
  g_array_unref (self->staging);
  g_array_unref (self->merged);
  g_array_unref (self->runs);
  g_array_unref (self->held);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (jg_recorder_parent_class)->finalize (object);
}

static void
jg_recorder_class_init (JgRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_recorder_finalize;
}

static void
jg_recorder_init (JgRecorder *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
  self->pushed = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  self->staging = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  self->merged = g_array_new (FALSE, FALSE, sizeof (JgEvent));
  self->runs = g_array_new (FALSE, FALSE, sizeof (guint));
  self->held = g_array_new (FALSE, FALSE, sizeof (JgEvent));
}

JgRecorder *
jg_recorder_new (JgTrace *trace)
{
  JgRecorder *self;

  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);

  self = g_object_new (JG_TYPE_RECORDER, NULL);
  self->trace = g_object_ref (trace);
  return self;
}

JgTrace *
jg_recorder_get_trace (JgRecorder *self)
{
  g_return_val_if_fail (JG_IS_RECORDER (self), NULL);

  return self->trace;
}

/* Merges sorted runs a[0..na) and b[0..nb) into out, taking from a on ties so
 * the merge is stable. */
static void
merge_two (const JgEvent *a,
           guint          na,
           const JgEvent *b,
           guint          nb,
           JgEvent       *out)
{
  guint i = 0, j = 0;

  while (i < na && j < nb)
    *out++ = b[j].ts < a[i].ts ? b[j++] : a[i++];
  while (i < na)
    *out++ = a[i++];
  while (j < nb)
    *out++ = b[j++];
}

/* Each source's events are already in time order, so one drain is a few sorted
 * runs: merging them pairwise costs O(n log runs), far less than a sort, which
 * matters because the collector must keep up with every producer at once. */
static JgEvent *
merge_runs (JgRecorder *self)
{
  JgEvent *src, *dst;
  guint *ends = (guint *) self->runs->data;
  guint n_runs = self->runs->len;

  g_array_set_size (self->merged, self->staging->len);
  src = (JgEvent *) self->staging->data;
  dst = (JgEvent *) self->merged->data;

  while (n_runs > 1)
    {
      guint out = 0, begin = 0;
      JgEvent *swap;

      for (guint r = 0; r < n_runs; r += 2)
        {
          guint mid = ends[r];
          guint end = r + 1 < n_runs ? ends[r + 1] : mid;

          merge_two (src + begin, mid - begin, src + mid, end - mid, dst + begin);
          ends[out++] = end;
          begin = end;
        }
      n_runs = out;
      swap = src;
      src = dst;
      dst = swap;
    }
  return src;
}

/* Takes everything published in the rings and the push queue, with what the
 * last drain held back, into one batch sorted by time, and appends what is
 * older than the cutoff (everything when @final); frees probes that were
 * closed and are now empty. Called with the lock held: producers never take
 * it on their fast path. */
static void
drain (JgRecorder *self,
       gboolean    final)
{
  guint64 now = jg_clock_now_ns () - jg_trace_get_epoch_ns (self->trace);
  guint64 cutoff = final || now < HOLD_BACK_NS ? G_MAXUINT64 : now - HOLD_BACK_NS;
  JgEvent *sorted;
  guint lo, hi;

  g_array_set_size (self->staging, 0);
  g_array_set_size (self->runs, 0);
  if (self->held->len > 0)
    {
      g_array_append_vals (self->staging, self->held->data, self->held->len);
      g_array_append_val (self->runs, self->staging->len);
      g_array_set_size (self->held, 0);
    }

  for (guint i = 0; i < self->probes->len; )
    {
      JgProbe *probe = g_ptr_array_index (self->probes, i);
      /* Closed is read before the head: a producer closes after its last
       * event, so a probe seen closed has published everything it will. */
      gboolean closed = g_atomic_int_get (&probe->closed);
      guint64 head = __atomic_load_n (&probe->head, __ATOMIC_ACQUIRE);
      guint64 tail = probe->tail;
      guint before = self->staging->len;

      while (tail < head)
        {
          guint64 offset = tail & probe->mask;
          guint64 n = MIN (head - tail, probe->mask + 1 - offset);

          g_array_append_vals (self->staging, probe->slots + offset, n);
          tail += n;
        }
      __atomic_store_n (&probe->tail, tail, __ATOMIC_RELEASE);
      if (self->staging->len > before)
        g_array_append_val (self->runs, self->staging->len);

      /* A closed probe will never write again: once drained it can go. */
      if (closed)
        {
          self->stalls += probe->stalls;
          g_ptr_array_remove_index_fast (self->probes, i);
          continue;
        }
      i++;
    }

  /* Pushed events come whole from other processes, in no promised order. */
  if (self->pushed->len > 0)
    {
      for (guint i = 0; i < self->pushed->len; i++)
        {
          g_array_append_vals (self->staging, &g_array_index (self->pushed, JgEvent, i), 1);
          g_array_append_val (self->runs, self->staging->len);
        }
      g_array_set_size (self->pushed, 0);
    }

  if (self->staging->len == 0)
    return;

  sorted = merge_runs (self);

  /* The first event past the cutoff: it and the rest wait. */
  lo = 0;
  hi = self->staging->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (sorted[mid].ts <= cutoff)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_array_append_vals (self->held, sorted + lo, self->staging->len - lo);
  if (lo > 0)
    jg_trace_append (self->trace, sorted, lo);
}

static gpointer
collector_main (gpointer data)
{
  JgRecorder *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      gint64 deadline = g_get_monotonic_time () + COLLECT_INTERVAL_US;

      while (!self->woken && !self->stopping)
        {
          if (!g_cond_wait_until (&self->wake, &self->lock, deadline))
            break;
        }
      self->woken = FALSE;
      drain (self, FALSE);
    }
  drain (self, TRUE);
  g_mutex_unlock (&self->lock);

  return NULL;
}

void
jg_recorder_start (JgRecorder *self)
{
  g_return_if_fail (JG_IS_RECORDER (self));
  g_return_if_fail (!self->running);

  jg_trace_set_epoch_ns (self->trace, jg_clock_now_ns ());
  self->running = TRUE;
  self->stopping = FALSE;
  self->collector = g_thread_new ("jg-collector", collector_main, self);
}

void
jg_recorder_stop (JgRecorder *self)
{
  guint64 end_ns;

  g_return_if_fail (JG_IS_RECORDER (self));
  g_return_if_fail (self->running);

  end_ns = jg_clock_now_ns () - jg_trace_get_epoch_ns (self->trace);

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);

  g_thread_join (self->collector);
  self->collector = NULL;
  self->running = FALSE;

  jg_trace_set_end_ns (self->trace, end_ns);
  jg_trace_finish (self->trace);
}

gboolean
jg_recorder_is_running (JgRecorder *self)
{
  g_return_val_if_fail (JG_IS_RECORDER (self), FALSE);

  return self->running;
}

JgProbe *
jg_recorder_open_probe (JgRecorder *self,
                        guint32     worker)
{
  JgProbe *probe;

  g_return_val_if_fail (JG_IS_RECORDER (self), NULL);

  probe = g_new0 (JgProbe, 1);
  probe->slots = g_new0 (JgEvent, JG_PROBE_RING_EVENTS);
  probe->mask = JG_PROBE_RING_EVENTS - 1;
  probe->epoch_ns = jg_trace_get_epoch_ns (self->trace);
  probe->worker = worker;
  probe->owner = self;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->probes, probe);
  g_mutex_unlock (&self->lock);

  return probe;
}

void
jg_recorder_close_probe (JgRecorder *self,
                         JgProbe    *probe)
{
  g_return_if_fail (JG_IS_RECORDER (self));
  g_return_if_fail (probe != NULL && probe->owner == self);

  /* The collector frees it after draining what is left. */
  g_atomic_int_set (&probe->closed, TRUE);
  jg_recorder_wake (self);
}

void
jg_recorder_push (JgRecorder    *self,
                  const JgEvent *events,
                  gsize          n_events)
{
  g_return_if_fail (JG_IS_RECORDER (self));

  g_mutex_lock (&self->lock);
  g_array_append_vals (self->pushed, events, n_events);
  g_mutex_unlock (&self->lock);
}

void
jg_recorder_wake (JgRecorder *self)
{
  g_return_if_fail (JG_IS_RECORDER (self));

  g_mutex_lock (&self->lock);
  self->woken = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
}

guint
jg_recorder_get_stalls (JgRecorder *self)
{
  guint stalls;

  g_return_val_if_fail (JG_IS_RECORDER (self), 0);

  g_mutex_lock (&self->lock);
  stalls = self->stalls;
  for (guint i = 0; i < self->probes->len; i++)
    stalls += ((JgProbe *) g_ptr_array_index (self->probes, i))->stalls;
  g_mutex_unlock (&self->lock);
  return stalls;
}

/* The probe's slow path: its ring is full. Wake the collector and yield until it
 * has made room. Losing events would make the picture lie; waiting only slows a
 * thread that records faster than the collector drains, and is counted. */
void
jg_probe_wait_for_space (JgProbe *probe)
{
  /* Usually the collector has drained since we last looked. */
  probe->cached_tail = __atomic_load_n (&probe->tail, __ATOMIC_ACQUIRE);
  if (probe->head - probe->cached_tail <= probe->mask)
    return;

  probe->stalls++;
  jg_recorder_wake (probe->owner);
  do
    {
      g_thread_yield ();
      probe->cached_tail = __atomic_load_n (&probe->tail, __ATOMIC_ACQUIRE);
    }
  while (probe->head - probe->cached_tail > probe->mask);
}
