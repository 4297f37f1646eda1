/* jg-recorder.c: the collector. It owns every probe ring of a run, drains them
 * about once a millisecond, merges each drain by time (a stable sort keeps each
 * ring's own order) and appends it to the trace. It is the trace's only writer. */
#define G_LOG_DOMAIN "jg-recorder"

#include <string.h>

#include "jg-recorder.h"

#define COLLECT_INTERVAL_US 1000

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

  GArray    *staging;  /* collector only: one drain before it is sorted */
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

static gint
compare_ts (gconstpointer a,
            gconstpointer b,
            gpointer      user_data)
{
  const JgEvent *ea = a;
  const JgEvent *eb = b;

  return (ea->ts > eb->ts) - (ea->ts < eb->ts);
}

/* Takes everything published in the rings and the push queue into one batch
 * sorted by time and appends it; frees probes that were closed and are now
 * empty. Called with the lock held: producers never take it on their fast path. */
static void
drain (JgRecorder *self)
{
  g_array_set_size (self->staging, 0);

  for (guint i = 0; i < self->probes->len; )
    {
      JgProbe *probe = g_ptr_array_index (self->probes, i);
      guint64 head = __atomic_load_n (&probe->head, __ATOMIC_ACQUIRE);
      guint64 tail = probe->tail;

      while (tail < head)
        {
          guint64 offset = tail & probe->mask;
          guint64 n = MIN (head - tail, probe->mask + 1 - offset);

          g_array_append_vals (self->staging, probe->slots + offset, n);
          tail += n;
        }
      __atomic_store_n (&probe->tail, tail, __ATOMIC_RELEASE);

      /* A closed probe will never write again: once drained it can go. */
      if (g_atomic_int_get (&probe->closed))
        {
          self->stalls += probe->stalls;
          g_ptr_array_remove_index_fast (self->probes, i);
          continue;
        }
      i++;
    }

  if (self->pushed->len > 0)
    {
      g_array_append_vals (self->staging, self->pushed->data, self->pushed->len);
      g_array_set_size (self->pushed, 0);
    }

  if (self->staging->len == 0)
    return;

  /* g_qsort_with_data is a stable merge sort: a ring's events keep their order. */
  g_qsort_with_data (self->staging->data, self->staging->len, sizeof (JgEvent), compare_ts, NULL);
  jg_trace_append (self->trace, (const JgEvent *) self->staging->data, self->staging->len);
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
      drain (self);
    }
  drain (self);
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
