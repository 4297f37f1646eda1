/* jg-trace.c: the trace store. One writer appends into fixed chunks and then
 * publishes the new count with a release store; readers acquire the count and
 * read below it without a lock, because a published record never moves. */
#define G_LOG_DOMAIN "jg-trace"

#include "config.h"

#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "jg-string-table.h"
#include "jg-trace.h"

struct _JgTrace
{
  GObject        parent_instance;

  /* Events: written by one thread, read by many. */
  JgEvent      **chunks;      /* JG_TRACE_MAX_CHUNKS slots, filled in order */
  guint64        n_events;    /* published; atomic */
  guint64        max_ts;      /* atomic */
  guint64        end_ns;      /* atomic */
  gint           unsorted;    /* atomic */
  gint           finished;    /* atomic */
  guint64        epoch_ns;

  /* Lanes and strings: guarded by lanes_lock. */
  GMutex         lanes_lock;
  GArray        *tasks;       /* JgTaskLane */
  GArray        *workers;     /* JgWorkerLane */
  GArray        *counters;    /* JgCounterLane */
  JgStringTable *strings;

  /* What the run was. */
  char          *scenario_id;
  char          *title;
  JsonNode      *scenario;
  JsonObject    *parameters;
  JsonObject    *results;
  JgRunInfo      run;
  JgMachineInfo  machine;
  GDateTime     *created;
};

G_DEFINE_FINAL_TYPE (JgTrace, jg_trace, G_TYPE_OBJECT)

static void
clear_run_info (JgRunInfo *run)
{
  g_free ((char *) run->model);
  g_free ((char *) run->interpreter);
  g_free ((char *) run->start_method);
  memset (run, 0, sizeof *run);
}

static void
clear_machine_info (JgMachineInfo *machine)
{
  g_free ((char *) machine->kernel);
  g_free ((char *) machine->cpu_model);
  g_free ((char *) machine->hostname);
  memset (machine, 0, sizeof *machine);
}

static void
jg_trace_finalize (GObject *object)
{
  JgTrace *self = JG_TRACE (object);

  for (guint i = 0; i < JG_TRACE_MAX_CHUNKS && self->chunks[i] != NULL; i++)
    g_free (self->chunks[i]);
  g_free (self->chunks);

  g_array_unref (self->tasks);
  g_array_unref (self->workers);
  g_array_unref (self->counters);
  jg_string_table_free (self->strings);
  g_mutex_clear (&self->lanes_lock);

  g_free (self->scenario_id);
  g_free (self->title);
  g_clear_pointer (&self->scenario, json_node_unref);
  g_clear_pointer (&self->parameters, json_object_unref);
  g_clear_pointer (&self->results, json_object_unref);
  clear_run_info (&self->run);
  clear_machine_info (&self->machine);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (jg_trace_parent_class)->finalize (object);
}

static void
jg_trace_class_init (JgTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_trace_finalize;
}

static void
jg_trace_init (JgTrace *self)
{
  self->chunks = g_new0 (JgEvent *, JG_TRACE_MAX_CHUNKS);
  g_mutex_init (&self->lanes_lock);
  self->tasks = g_array_new (FALSE, FALSE, sizeof (JgTaskLane));
  self->workers = g_array_new (FALSE, FALSE, sizeof (JgWorkerLane));
  self->counters = g_array_new (FALSE, FALSE, sizeof (JgCounterLane));
  self->strings = jg_string_table_new ();
  self->parameters = json_object_new ();
  self->results = json_object_new ();
}

JgTrace *
jg_trace_new (void)
{
  return g_object_new (JG_TYPE_TRACE, NULL);
}

/* Events */

void
jg_trace_append (JgTrace       *self,
                 const JgEvent *events,
                 gsize          n_events)
{
  guint64 n, max_ts;
  gboolean unsorted = FALSE;

  g_return_if_fail (JG_IS_TRACE (self));
  g_return_if_fail (events != NULL || n_events == 0);

  n = self->n_events; /* only this thread writes it */
  max_ts = self->max_ts;
  g_return_if_fail (n_events <= JG_TRACE_MAX_EVENTS - n);

  while (n_events > 0)
    {
      guint64 chunk = n >> JG_TRACE_CHUNK_SHIFT;
      guint64 offset = n & (JG_TRACE_CHUNK_EVENTS - 1);
      gsize room = MIN (n_events, JG_TRACE_CHUNK_EVENTS - offset);
      JgEvent *dest;

      if (self->chunks[chunk] == NULL)
        self->chunks[chunk] = g_new (JgEvent, JG_TRACE_CHUNK_EVENTS);
      dest = self->chunks[chunk] + offset;
      memcpy (dest, events, room * sizeof (JgEvent));

      for (gsize i = 0; i < room; i++)
        {
          if (dest[i].ts < max_ts)
            unsorted = TRUE;
          else
            max_ts = dest[i].ts;
        }

      events += room;
      n_events -= room;
      n += room;
    }

  if (unsorted)
    g_atomic_int_set (&self->unsorted, TRUE);
  __atomic_store_n (&self->max_ts, max_ts, __ATOMIC_RELEASE);
  __atomic_store_n (&self->n_events, n, __ATOMIC_RELEASE);
}

guint64
jg_trace_get_n_events (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  return __atomic_load_n (&self->n_events, __ATOMIC_ACQUIRE);
}

const JgEvent *
jg_trace_get_event (JgTrace *self,
                    guint64  index)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  g_return_val_if_fail (index < jg_trace_get_n_events (self), NULL);

  return &self->chunks[index >> JG_TRACE_CHUNK_SHIFT][index & (JG_TRACE_CHUNK_EVENTS - 1)];
}

const JgEvent *
jg_trace_get_events (JgTrace *self,
                     guint64  first,
                     guint64 *n_events)
{
  guint64 published;
  guint64 offset;

  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  g_return_val_if_fail (n_events != NULL, NULL);

  published = jg_trace_get_n_events (self);
  if (first >= published)
    {
      *n_events = 0;
      return NULL;
    }

  offset = first & (JG_TRACE_CHUNK_EVENTS - 1);
  *n_events = MIN (published - first, JG_TRACE_CHUNK_EVENTS - offset);
  return self->chunks[first >> JG_TRACE_CHUNK_SHIFT] + offset;
}

gboolean
jg_trace_is_sorted (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), FALSE);

  return !g_atomic_int_get (&self->unsorted);
}

guint64
jg_trace_get_duration_ns (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  return MAX (__atomic_load_n (&self->max_ts, __ATOMIC_ACQUIRE),
              __atomic_load_n (&self->end_ns, __ATOMIC_ACQUIRE));
}

void
jg_trace_set_end_ns (JgTrace *self,
                     guint64  end_ns)
{
  g_return_if_fail (JG_IS_TRACE (self));

  __atomic_store_n (&self->end_ns, end_ns, __ATOMIC_RELEASE);
}

gsize
jg_trace_get_memory_bytes (JgTrace *self)
{
  gsize bytes = sizeof *self + JG_TRACE_MAX_CHUNKS * sizeof (JgEvent *);
  guint64 n;

  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  n = jg_trace_get_n_events (self);
  bytes += ((n + JG_TRACE_CHUNK_EVENTS - 1) >> JG_TRACE_CHUNK_SHIFT) * JG_TRACE_CHUNK_EVENTS * sizeof (JgEvent);

  g_mutex_lock (&self->lanes_lock);
  bytes += self->tasks->len * sizeof (JgTaskLane)
         + self->workers->len * sizeof (JgWorkerLane)
         + self->counters->len * sizeof (JgCounterLane);
  g_mutex_unlock (&self->lanes_lock);

  return bytes;
}

guint64
jg_trace_get_epoch_ns (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  return self->epoch_ns;
}

void
jg_trace_set_epoch_ns (JgTrace *self,
                       guint64  epoch_ns)
{
  g_return_if_fail (JG_IS_TRACE (self));

  self->epoch_ns = epoch_ns;
}

gboolean
jg_trace_is_finished (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), FALSE);

  return g_atomic_int_get (&self->finished);
}

void
jg_trace_finish (JgTrace *self)
{
  g_return_if_fail (JG_IS_TRACE (self));

  g_atomic_int_set (&self->finished, TRUE);
}

/* Lanes and strings */

guint32
jg_trace_intern (JgTrace    *self,
                 const char *string)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  return jg_string_table_intern (self->strings, string);
}

const char *
jg_trace_lookup_string (JgTrace *self,
                        guint32  id)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);

  return jg_string_table_lookup (self->strings, id);
}

guint32
jg_trace_get_n_strings (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);

  return jg_string_table_get_size (self->strings);
}

static guint32
append_lane (JgTrace       *self,
             GArray        *lanes,
             gconstpointer  lane)
{
  guint32 index;

  g_mutex_lock (&self->lanes_lock);
  index = lanes->len;
  g_array_append_vals (lanes, lane, 1);
  g_mutex_unlock (&self->lanes_lock);
  return index;
}

guint32
jg_trace_add_task (JgTrace    *self,
                   const char *name,
                   guint32     parent)
{
  JgTaskLane lane;

  g_return_val_if_fail (JG_IS_TRACE (self), JG_LANE_NONE);
  g_return_val_if_fail (name != NULL, JG_LANE_NONE);

  lane.name = jg_trace_intern (self, name);
  lane.parent = parent;
  return append_lane (self, self->tasks, &lane);
}

guint32
jg_trace_add_worker (JgTrace      *self,
                     const char   *name,
                     JgWorkerKind  kind,
                     gint32        pid)
{
  JgWorkerLane lane;

  g_return_val_if_fail (JG_IS_TRACE (self), JG_LANE_NONE);
  g_return_val_if_fail (name != NULL, JG_LANE_NONE);
  g_return_val_if_fail (kind < JG_WORKER_N_KINDS, JG_LANE_NONE);

  lane.name = jg_trace_intern (self, name);
  lane.kind = kind;
  lane.pid = pid;
  return append_lane (self, self->workers, &lane);
}

guint32
jg_trace_add_counter (JgTrace    *self,
                      const char *name)
{
  JgCounterLane lane;

  g_return_val_if_fail (JG_IS_TRACE (self), JG_LANE_NONE);
  g_return_val_if_fail (name != NULL, JG_LANE_NONE);

  lane.name = jg_trace_intern (self, name);
  return append_lane (self, self->counters, &lane);
}

static guint32
lane_count (JgTrace *self,
            GArray  *lanes)
{
  guint32 n;

  g_mutex_lock (&self->lanes_lock);
  n = lanes->len;
  g_mutex_unlock (&self->lanes_lock);
  return n;
}

guint32
jg_trace_get_n_tasks (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);
  return lane_count (self, self->tasks);
}

guint32
jg_trace_get_n_workers (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);
  return lane_count (self, self->workers);
}

guint32
jg_trace_get_n_counters (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 0);
  return lane_count (self, self->counters);
}

/* Copies lane @index out under the lock; FALSE if there is no such lane. */
static gboolean
copy_lane (JgTrace  *self,
           GArray   *lanes,
           guint32   index,
           gpointer  lane)
{
  gboolean found;

  g_mutex_lock (&self->lanes_lock);
  found = index < lanes->len;
  if (found)
    memcpy (lane, lanes->data + (gsize) index * g_array_get_element_size (lanes),
            g_array_get_element_size (lanes));
  g_mutex_unlock (&self->lanes_lock);
  return found;
}

JgTaskLane
jg_trace_get_task (JgTrace *self,
                   guint32  task)
{
  JgTaskLane lane = { 0, JG_LANE_NONE };

  g_return_val_if_fail (JG_IS_TRACE (self), lane);
  if (!copy_lane (self, self->tasks, task, &lane))
    g_critical ("No task lane %u", task);
  return lane;
}

JgWorkerLane
jg_trace_get_worker (JgTrace *self,
                     guint32  worker)
{
  JgWorkerLane lane = { 0, JG_WORKER_THREAD, 0 };

  g_return_val_if_fail (JG_IS_TRACE (self), lane);
  if (!copy_lane (self, self->workers, worker, &lane))
    g_critical ("No worker lane %u", worker);
  return lane;
}

JgCounterLane
jg_trace_get_counter (JgTrace *self,
                      guint32  counter)
{
  JgCounterLane lane = { 0 };

  g_return_val_if_fail (JG_IS_TRACE (self), lane);
  if (!copy_lane (self, self->counters, counter, &lane))
    g_critical ("No counter lane %u", counter);
  return lane;
}

const char *
jg_trace_get_task_name (JgTrace *self,
                        guint32  task)
{
  return jg_trace_lookup_string (self, jg_trace_get_task (self, task).name);
}

const char *
jg_trace_get_worker_name (JgTrace *self,
                          guint32  worker)
{
  return jg_trace_lookup_string (self, jg_trace_get_worker (self, worker).name);
}

static const char * const worker_kind_names[] = {
  [JG_WORKER_THREAD] = "thread",
  [JG_WORKER_PROCESS] = "process",
  [JG_WORKER_LOOP] = "loop",
};
G_STATIC_ASSERT (G_N_ELEMENTS (worker_kind_names) == JG_WORKER_N_KINDS);

const char *
jg_worker_kind_name (JgWorkerKind kind)
{
  return (guint) kind < JG_WORKER_N_KINDS ? worker_kind_names[kind] : "unknown";
}

gboolean
jg_worker_kind_from_name (const char   *name,
                          JgWorkerKind *kind)
{
  for (guint i = 0; i < JG_WORKER_N_KINDS; i++)
    {
      if (g_strcmp0 (name, worker_kind_names[i]) == 0)
        {
          *kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* What the run was */

const char *
jg_trace_get_scenario_id (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->scenario_id;
}

const char *
jg_trace_get_title (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->title;
}

JsonNode *
jg_trace_get_scenario (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->scenario;
}

void
jg_trace_set_scenario (JgTrace    *self,
                       const char *id,
                       const char *title,
                       JsonNode   *definition)
{
  g_return_if_fail (JG_IS_TRACE (self));

  g_free (self->scenario_id);
  self->scenario_id = g_strdup (id);
  g_free (self->title);
  self->title = g_strdup (title);
  g_clear_pointer (&self->scenario, json_node_unref);
  if (definition != NULL)
    self->scenario = json_node_ref (definition);
}

JsonObject *
jg_trace_get_parameters (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->parameters;
}

void
jg_trace_set_parameters (JgTrace    *self,
                         JsonObject *parameters)
{
  g_return_if_fail (JG_IS_TRACE (self));
  g_return_if_fail (parameters != NULL);

  json_object_ref (parameters);
  json_object_unref (self->parameters);
  self->parameters = parameters;
}

JsonObject *
jg_trace_get_results (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->results;
}

void
jg_trace_set_results (JgTrace    *self,
                      JsonObject *results)
{
  g_return_if_fail (JG_IS_TRACE (self));
  g_return_if_fail (results != NULL);

  json_object_ref (results);
  json_object_unref (self->results);
  self->results = results;
}

const JgRunInfo *
jg_trace_get_run_info (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return &self->run;
}

void
jg_trace_set_run_info (JgTrace         *self,
                       const JgRunInfo *info)
{
  JgRunInfo copy;

  g_return_if_fail (JG_IS_TRACE (self));
  g_return_if_fail (info != NULL);

  copy = *info;
  copy.model = g_strdup (info->model);
  copy.interpreter = g_strdup (info->interpreter);
  copy.start_method = g_strdup (info->start_method);
  clear_run_info (&self->run);
  self->run = copy;
}

double
jg_trace_get_time_scale (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), 1.0);

  /* Hand-built and imported traces leave it 0: they ran at normal speed. */
  return self->run.time_scale >= JG_TIME_SCALE_MIN ? self->run.time_scale : 1.0;
}

const JgMachineInfo *
jg_trace_get_machine (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return &self->machine;
}

void
jg_trace_set_machine (JgTrace             *self,
                      const JgMachineInfo *machine)
{
  JgMachineInfo copy;

  g_return_if_fail (JG_IS_TRACE (self));
  g_return_if_fail (machine != NULL);

  copy = *machine;
  copy.kernel = g_strdup (machine->kernel);
  copy.cpu_model = g_strdup (machine->cpu_model);
  copy.hostname = g_strdup (machine->hostname);
  clear_machine_info (&self->machine);
  self->machine = copy;
}

static char *
read_cpu_model (void)
{
  g_autofree char *cpuinfo = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return NULL;

  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && g_str_has_prefix (lines[i], "model name"))
        return g_strstrip (g_strdup (colon + 1));
    }
  return NULL;
}

void
jg_trace_set_machine_from_host (JgTrace *self)
{
  struct utsname uts;
  g_autofree char *kernel = NULL;
  g_autofree char *cpu_model = read_cpu_model ();
  JgMachineInfo machine = { 0 };

  g_return_if_fail (JG_IS_TRACE (self));

  if (uname (&uts) == 0)
    kernel = g_strdup_printf ("%s %s %s", uts.sysname, uts.release, uts.machine);

  /* Configured, not online or allowed CPUs: sched_getcpu () ids are below it. */
  machine.n_cores = (guint) MAX (sysconf (_SC_NPROCESSORS_CONF), 1);
  machine.kernel = kernel;
  machine.cpu_model = cpu_model;
  machine.hostname = g_get_host_name ();
  jg_trace_set_machine (self, &machine);
}

GDateTime *
jg_trace_get_created (JgTrace *self)
{
  g_return_val_if_fail (JG_IS_TRACE (self), NULL);
  return self->created;
}

void
jg_trace_set_created (JgTrace   *self,
                      GDateTime *created)
{
  g_return_if_fail (JG_IS_TRACE (self));

  g_clear_pointer (&self->created, g_date_time_unref);
  if (created != NULL)
    self->created = g_date_time_ref (created);
}
