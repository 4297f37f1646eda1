/* jg-caption.c: captions from events (docs/lessons.md, "Captions").
 *
 * Events are read once, in time order, through a small state machine that
 * remembers what a caption needs to say (who holds the GIL, since when a thread
 * has asked for it, who holds a lock, who last wrote a counter, what runs on
 * the event loop). Each event worth explaining leaves a compact record in a
 * time-sorted array; the words are only made when a caption is asked for. A
 * live trace's newest events wait a few milliseconds, because another thread's
 * older events may still be on their way from the collector. */
#define G_LOG_DOMAIN "jg-caption"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "jg-caption.h"

/* How late another thread's events may reach a live trace. */
#define LIVE_LAG_NS   (G_GUINT64_CONSTANT (10) * 1000000)
/* A coroutine step this long, with other coroutines in flight, blocks the
 * event loop visibly (asyncio's debug mode warns from 100 ms). */
#define LOOP_BLOCK_NS (G_GUINT64_CONSTANT (10) * 1000000)
/* Records looked at for one caption, and tasks named in one deadlock. */
#define MAX_SCAN      256
#define MAX_CHAIN     16
#define MAX_INTERPS   4096

#define NO_SUSPEND    0xff
#define DROP_C_CODE   JG_GIL_DROP_N_REASONS /* an I/O-style drop around C code, not I/O */
#define NO_REASON     0xff

/* Record flags */
#define F_RELEASED_GIL 0x0001 /* IO_WAIT: the GIL was dropped for it */
#define F_SEMAPHORE    0x0002 /* LOCK_*: a semaphore, not a lock */
#define F_SLEPT        0x0004 /* LOST_UPDATE: slept between its read and its write */
#define F_WAITED_IO    0x0008 /* LOST_UPDATE: waited for I/O between them */
#define F_HAS_VALUE    0x0010 /* value is known */
#define F_HAS_VALUE2   0x0020 /* value2 is known */
#define F_AFTER_IO     0x0040 /* GIL_WAIT: back from I/O */
#define F_LOOP_FREED   0x0080 /* IO_DONE: a blocking call on the loop is over */
#define F_QUEUE_EMPTY  0x0100
#define F_QUEUE_FULL   0x0200
#define F_IO_KNOWN     0x0400 /* AWAIT: name is the JgIoKind it awaits */
#define F_STARTUP      0x0800 /* PROCESS_START: a start-up task, whose end says how long it took */
#define F_ABANDONED    0x1000 /* IO_DONE: the wait was cut short by a cancellation */

typedef enum
{
  LOOP_BY_SLEEP = 0, /* time.sleep in a coroutine */
  LOOP_BY_CALL,      /* another blocking call */
  LOOP_BY_RUN,       /* a coroutine ran long without an await */
} LoopBlock;

typedef struct
{
  guint64 ts;
  guint64 event;
  guint64 value;   /* a duration (ns) or a counter value */
  guint64 value2;  /* a second one */
  guint32 a;       /* the task it is about */
  guint32 b;       /* another task: a holder, a previous holder, a writer */
  guint32 worker;
  guint32 worker_b; /* where b last ran */
  guint32 name;    /* a string id, a JgIoKind, a JgGilReason, a counter lane or a signal */
  guint16 flags;
  guint8  kind;    /* JgCaptionKind */
  guint8  detail;  /* a JgSuspendReason or a LoopBlock */
} Record;

typedef struct
{
  guint64 ts;
  guint64 event;
} Key;

typedef struct
{
  guint64 ts;
  guint32 task;
  guint32 lock;    /* string id, or JG_LANE_NONE */
  guint32 holder;  /* or JG_LANE_NONE */
  guint8  reason;  /* what it was suspended for */
  guint8  semaphore;
} DeadlockPart;

typedef struct
{
  guint64 begin_ts;
  guint64 gil_request_ts;
  guint64 io_begin_ts;
  guint64 lock_wait_ts;
  Key     pending;         /* a record this task's next SUSPEND or IO_BEGIN completes */
  guint32 lock_wait;       /* string id of the lock it waits for, or JG_LANE_NONE */
  guint32 interp;
  guint32 worker;          /* where its last event happened */
  guint8  pending_kind;    /* JgCaptionKind of pending, or JG_N_CAPTION_KINDS */
  guint8  suspend;         /* last SUSPEND reason, NO_SUSPEND while running */
  guint   began : 1;
  guint   gil_requested : 1;
  guint   switched_out : 1;  /* its last GIL drop was asked for: the hand-off tells it */
  guint   io_drop : 1;       /* it dropped the GIL for I/O it is about to start */
  guint   in_io : 1;
  guint   back_from_io : 1;  /* its I/O ended and it has not run since */
  guint   slept_since_write : 1;
  guint   io_since_write : 1;
  guint   cancelling : 1;      /* marked as cancelled: its wait ends without an answer */
} TaskState;

typedef struct
{
  guint64 run_start;
  guint64 run_event;         /* the RUN that began the current run */
  Key     pending_lost;      /* a lost update waiting for the counter sample that follows it */
  Key     blocked;           /* a long run that blocked the loop, counting who wakes after it */
  guint32 running;           /* the task Running here, or JG_LANE_NONE */
  guint32 last_task;         /* the last task that ran here, or JG_LANE_NONE */
  guint32 startup_task;      /* a process's start-up task, or JG_LANE_NONE */
  guint32 n_in_flight;       /* tasks begun here and not ended */
  guint   has_pending_lost : 1;
  guint   has_blocked : 1;
  guint   seen_task : 1;
} WorkerState;

typedef struct
{
  guint64 drop_ts;
  guint32 holder;       /* JG_LANE_NONE while free */
  guint32 last_holder;  /* JG_LANE_NONE before the first take */
  guint32 dropper;
  guint8  drop_reason;  /* JgGilReason or DROP_C_CODE, NO_REASON before the first drop */
  guint8  drop_detail;  /* the dropper's JgSuspendReason, for I/O drops */
} InterpState;

typedef struct
{
  GArray  *holders;     /* guint32 tasks */
  gboolean semaphore;
} LockState;

typedef struct
{
  guint64 value;
  guint32 writer;
  gboolean known;
} CounterState;

typedef struct
{
  guint64 ts;
  guint64 index;
} Pending;

struct _JgCaptioner
{
  JgTrace   *trace;
  guint64    window_ns;

  guint64    consumed;       /* events taken from the trace */
  guint64    max_ts;         /* the newest event seen */
  guint64    processed_ts;   /* the newest event processed */
  guint64    settled_ts;     /* every event up to here has been processed */
  GArray    *pending;        /* Pending: read, not processed yet, sorted */

  GArray    *records;        /* Record, sorted by (ts, event) */
  GArray    *handoffs;       /* Key */
  GArray    *switches;       /* Key */
  GArray    *deadlock_parts; /* DeadlockPart */

  GArray    *tasks;          /* TaskState */
  GArray    *workers;        /* WorkerState */
  GArray    *interps;        /* InterpState */
  GArray    *counters;       /* CounterState */
  GHashTable *locks;         /* string id -> LockState */

  guint32    lost_update_id; /* the strings marks use, or JG_LANE_NONE until seen */
  guint32    deadlock_id;
  guint32    blocking_id;    /* "blocking call": the suspend that follows tells it */
};

static const struct
{
  const char *name;
  guint       priority;
} kind_info[] = {
  [JG_CAPTION_TASK_BEGIN] = { "task-begin", 25 },
  [JG_CAPTION_TASK_END] = { "task-end", 22 },
  [JG_CAPTION_TASK_FAILED] = { "task-failed", 80 },
  [JG_CAPTION_TASK_CANCELLED] = { "task-cancelled", 75 },
  [JG_CAPTION_TASK_CRASHED] = { "task-crashed", 95 },
  [JG_CAPTION_SWITCH] = { "switch", 15 },
  [JG_CAPTION_GIL_WAIT] = { "gil-wait", 52 },
  [JG_CAPTION_GIL_DROP_REQUEST] = { "gil-drop-request", 60 },
  [JG_CAPTION_GIL_HANDOFF] = { "gil-handoff", 65 },
  [JG_CAPTION_GIL_RELEASE] = { "gil-release", 44 },
  [JG_CAPTION_IO_WAIT] = { "io-wait", 40 },
  [JG_CAPTION_IO_DONE] = { "io-done", 32 },
  [JG_CAPTION_LOCK_WAIT] = { "lock-wait", 70 },
  [JG_CAPTION_LOCK_ACQUIRED] = { "lock-acquired", 35 },
  [JG_CAPTION_QUEUE_WAIT] = { "queue-wait", 45 },
  [JG_CAPTION_AWAIT] = { "await", 30 },
  [JG_CAPTION_LOOP_BLOCKED] = { "loop-blocked", 85 },
  [JG_CAPTION_PROCESS_START] = { "process-start", 55 },
  [JG_CAPTION_MARK] = { "mark", 50 },
  [JG_CAPTION_LOST_UPDATE] = { "lost-update", 90 },
  [JG_CAPTION_DEADLOCK] = { "deadlock", 100 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_info) == JG_N_CAPTION_KINDS);

static const char * const step_names[] = {
  [JG_CAPTION_STEP_EVENT] = "event",
  [JG_CAPTION_STEP_HANDOFF] = "handoff",
  [JG_CAPTION_STEP_SWITCH] = "switch",
};
G_STATIC_ASSERT (G_N_ELEMENTS (step_names) == JG_N_CAPTION_STEPS);

const char *
jg_caption_kind_name (JgCaptionKind kind)
{
  return (guint) kind < JG_N_CAPTION_KINDS ? kind_info[kind].name : "unknown";
}

guint
jg_caption_kind_priority (JgCaptionKind kind)
{
  return (guint) kind < JG_N_CAPTION_KINDS ? kind_info[kind].priority : 0;
}

const char *
jg_caption_step_name (JgCaptionStep step)
{
  return (guint) step < JG_N_CAPTION_STEPS ? step_names[step] : "unknown";
}

gboolean
jg_caption_step_from_name (const char    *name,
                           JgCaptionStep *step)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < JG_N_CAPTION_STEPS; i++)
    if (g_str_equal (step_names[i], name))
      {
        if (step != NULL)
          *step = (JgCaptionStep) i;
        return TRUE;
      }
  return FALSE;
}

void
jg_caption_clear (JgCaption *caption)
{
  g_return_if_fail (caption != NULL);

  g_clear_pointer (&caption->text, g_free);
}

/* Life cycle */

static void
lock_state_free (gpointer data)
{
  LockState *lock = data;

  g_array_unref (lock->holders);
  g_free (lock);
}

JgCaptioner *
jg_captioner_new (JgTrace *trace)
{
  JgCaptioner *self;

  g_return_val_if_fail (JG_IS_TRACE (trace), NULL);

  self = g_new0 (JgCaptioner, 1);
  self->trace = g_object_ref (trace);
  self->window_ns = JG_CAPTION_DEFAULT_WINDOW_NS;
  self->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  self->records = g_array_new (FALSE, FALSE, sizeof (Record));
  self->handoffs = g_array_new (FALSE, FALSE, sizeof (Key));
  self->switches = g_array_new (FALSE, FALSE, sizeof (Key));
  self->deadlock_parts = g_array_new (FALSE, FALSE, sizeof (DeadlockPart));
  self->tasks = g_array_new (FALSE, TRUE, sizeof (TaskState));
  self->workers = g_array_new (FALSE, TRUE, sizeof (WorkerState));
  self->interps = g_array_new (FALSE, TRUE, sizeof (InterpState));
  self->counters = g_array_new (FALSE, TRUE, sizeof (CounterState));
  self->locks = g_hash_table_new_full (NULL, NULL, NULL, lock_state_free);
  self->lost_update_id = JG_LANE_NONE;
  self->deadlock_id = JG_LANE_NONE;
  self->blocking_id = JG_LANE_NONE;
  return self;
}

void
jg_captioner_free (JgCaptioner *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->pending);
  g_array_unref (self->records);
  g_array_unref (self->handoffs);
  g_array_unref (self->switches);
  g_array_unref (self->deadlock_parts);
  g_array_unref (self->tasks);
  g_array_unref (self->workers);
  g_array_unref (self->interps);
  g_array_unref (self->counters);
  g_hash_table_unref (self->locks);
  g_object_unref (self->trace);
  g_free (self);
}

JgTrace *
jg_captioner_get_trace (JgCaptioner *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->trace;
}

void
jg_captioner_set_window (JgCaptioner *self,
                         guint64      window_ns)
{
  g_return_if_fail (self != NULL);
  self->window_ns = window_ns;
}

guint64
jg_captioner_get_window (JgCaptioner *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->window_ns;
}

/* The sorted arrays */

static inline int
compare_keys (guint64 ts_a,
              guint64 event_a,
              guint64 ts_b,
              guint64 event_b)
{
  if (ts_a != ts_b)
    return ts_a < ts_b ? -1 : 1;
  if (event_a != event_b)
    return event_a < event_b ? -1 : 1;
  return 0;
}

/* First record whose (ts, event) is not below the given one. */
static guint
records_lower_bound (GArray  *records,
                     guint64  ts,
                     guint64  event)
{
  guint lo = 0, hi = records->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Record *r = &g_array_index (records, Record, mid);

      if (compare_keys (r->ts, r->event, ts, event) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First record with a time after @ts. */
static guint
records_after (GArray  *records,
               guint64  ts)
{
  guint lo = 0, hi = records->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (records, Record, mid).ts <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static guint
keys_after (GArray  *keys,
            guint64  ts)
{
  guint lo = 0, hi = keys->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (keys, Key, mid).ts <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
insert_key (GArray  *keys,
            guint64  ts,
            guint64  event)
{
  Key key = { ts, event };
  guint lo = 0, hi = keys->len;

  if (keys->len == 0 || compare_keys (g_array_index (keys, Key, keys->len - 1).ts,
                                      g_array_index (keys, Key, keys->len - 1).event, ts, event) < 0)
    {
      g_array_append_val (keys, key);
      return;
    }
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Key *k = &g_array_index (keys, Key, mid);

      if (compare_keys (k->ts, k->event, ts, event) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_array_insert_val (keys, lo, key);
}

/* Events nearly always come in order, so this nearly always appends. */
static Key
add_record (JgCaptioner  *self,
            const Record *record)
{
  GArray *records = self->records;
  Key key = { record->ts, record->event };

  if (records->len == 0)
    g_array_append_vals (records, record, 1);
  else
    {
      const Record *last = &g_array_index (records, Record, records->len - 1);

      if (compare_keys (last->ts, last->event, record->ts, record->event) < 0)
        g_array_append_vals (records, record, 1);
      else
        g_array_insert_vals (records, records_lower_bound (records, record->ts, record->event), record, 1);
    }

  if (record->kind == JG_CAPTION_GIL_HANDOFF)
    {
      insert_key (self->handoffs, record->ts, record->event);
      insert_key (self->switches, record->ts, record->event);
    }
  return key;
}

/* Two records share a key only when a loop's RUN both switches and blocks. */
static Record *
find_record (JgCaptioner   *self,
             Key            key,
             JgCaptionKind  kind)
{
  for (guint i = records_lower_bound (self->records, key.ts, key.event); i < self->records->len; i++)
    {
      Record *r = &g_array_index (self->records, Record, i);

      if (r->ts != key.ts || r->event != key.event)
        break;
      if (r->kind == kind)
        return r;
    }
  return NULL;
}

static Record
record_for (const JgEvent *e,
            guint64        index,
            JgCaptionKind  kind)
{
  Record r;

  memset (&r, 0, sizeof r);
  r.ts = e->ts;
  r.event = index;
  r.a = e->task;
  r.b = JG_LANE_NONE;
  r.worker = e->worker;
  r.worker_b = JG_LANE_NONE;
  r.name = JG_LANE_NONE;
  r.kind = kind;
  return r;
}

/* State */

static void
grow_lanes (JgCaptioner *self)
{
  guint32 n_tasks = jg_trace_get_n_tasks (self->trace);
  guint32 n_workers = jg_trace_get_n_workers (self->trace);
  guint32 n_counters = jg_trace_get_n_counters (self->trace);

  for (guint32 i = self->tasks->len; i < n_tasks; i++)
    {
      TaskState t;

      memset (&t, 0, sizeof t);
      t.lock_wait = JG_LANE_NONE;
      t.pending_kind = JG_N_CAPTION_KINDS;
      t.suspend = NO_SUSPEND;
      g_array_append_val (self->tasks, t);
    }
  for (guint32 i = self->workers->len; i < n_workers; i++)
    {
      WorkerState w;

      memset (&w, 0, sizeof w);
      w.running = JG_LANE_NONE;
      w.last_task = JG_LANE_NONE;
      w.startup_task = JG_LANE_NONE;
      g_array_append_val (self->workers, w);
    }
  if (self->counters->len < n_counters)
    g_array_set_size (self->counters, n_counters);
}

static InterpState *
interp_by_id (JgCaptioner *self,
              guint32      id)
{
  if (id >= MAX_INTERPS)
    return NULL;
  while (self->interps->len <= id)
    {
      InterpState s = { 0, JG_LANE_NONE, JG_LANE_NONE, JG_LANE_NONE, NO_REASON, NO_SUSPEND };

      g_array_append_val (self->interps, s);
    }
  return &g_array_index (self->interps, InterpState, id);
}

/* The interpreter a GIL event's arg names. */
static InterpState *
interp_state (JgCaptioner *self,
              guint32      arg)
{
  return interp_by_id (self, JG_GIL_ARG_INTERP (arg));
}

static LockState *
lock_state (JgCaptioner *self,
            guint32      name)
{
  LockState *lock = g_hash_table_lookup (self->locks, GUINT_TO_POINTER (name));

  if (lock == NULL)
    {
      lock = g_new0 (LockState, 1);
      lock->holders = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_hash_table_insert (self->locks, GUINT_TO_POINTER (name), lock);
    }
  return lock;
}

static JgWorkerKind
worker_kind (JgCaptioner *self,
             guint32      worker)
{
  if (worker >= jg_trace_get_n_workers (self->trace))
    return JG_WORKER_THREAD;
  return jg_trace_get_worker (self->trace, worker).kind;
}

/* The string id of @text if the trace has it; interned strings are looked up
 * once, when the first mark arrives. */
static gboolean
is_string (JgCaptioner *self,
           guint32     *cached,
           guint32      id,
           const char  *text)
{
  if (*cached == JG_LANE_NONE)
    {
      const char *s = jg_trace_lookup_string (self->trace, id);

      if (s != NULL && g_str_equal (s, text))
        *cached = id;
    }
  return *cached == id;
}

/* The task running on @worker leaves the CPU. On the event loop, a long run
 * while other coroutines were in flight blocked them all: that is recorded at
 * the RUN that began it, so a replay says so from its first moment. */
static void
end_run (JgCaptioner   *self,
         guint32        worker,
         const JgEvent *e)
{
  WorkerState *w = &g_array_index (self->workers, WorkerState, worker);

  if (w->running == JG_LANE_NONE)
    return;
  if (worker_kind (self, worker) == JG_WORKER_LOOP && e->ts >= w->run_start + LOOP_BLOCK_NS
      && w->n_in_flight > 1)
    {
      Record r;

      memset (&r, 0, sizeof r);
      r.ts = w->run_start;
      r.event = w->run_event;
      r.a = w->running;
      r.b = JG_LANE_NONE;
      r.worker = worker;
      r.worker_b = JG_LANE_NONE;
      r.name = JG_LANE_NONE;
      r.kind = JG_CAPTION_LOOP_BLOCKED;
      r.detail = LOOP_BY_RUN;
      r.value = e->ts - w->run_start;
      r.flags = F_HAS_VALUE | F_HAS_VALUE2;
      w->blocked = add_record (self, &r);
      w->has_blocked = TRUE;
    }
  w->running = JG_LANE_NONE;
}

/* Names @task as the other side of @r, with the thread it last ran on. */
static void
set_other (JgCaptioner *self,
           Record      *r,
           guint32      task)
{
  r->b = task;
  if (task < self->tasks->len)
    r->worker_b = g_array_index (self->tasks, TaskState, task).worker;
}

static void
set_pending (TaskState     *t,
             Key            key,
             JgCaptionKind  kind)
{
  t->pending = key;
  t->pending_kind = kind;
}

static Record *
take_pending (JgCaptioner   *self,
              TaskState     *t,
              JgCaptionKind  kind)
{
  if (t->pending_kind != kind)
    return NULL;
  t->pending_kind = JG_N_CAPTION_KINDS;
  return find_record (self, t->pending, kind);
}

static void
remove_holder (LockState *lock,
               guint32    task)
{
  for (guint i = 0; i < lock->holders->len; i++)
    if (g_array_index (lock->holders, guint32, i) == task)
      {
        g_array_remove_index (lock->holders, i);
        return;
      }
  /* A threading.Lock may be released by a thread other than its owner. */
  if (lock->holders->len > 0)
    g_array_remove_index (lock->holders, 0);
}

/* The queue a task blocks on, when the trace has one queue: full or empty? */
static void
describe_queue (JgCaptioner *self,
                Record      *r)
{
  guint32 n = MIN (self->counters->len, jg_trace_get_n_counters (self->trace));
  guint32 found = JG_LANE_NONE;

  for (guint32 i = 0; i < n; i++)
    {
      JgCounterLane lane = jg_trace_get_counter (self->trace, i);
      const char *name = jg_trace_lookup_string (self->trace, lane.name);

      if (name != NULL && g_str_has_suffix (name, " length"))
        {
          if (found != JG_LANE_NONE)
            return;
          found = i;
        }
    }
  if (found == JG_LANE_NONE)
    return;

  r->name = found;
  /* A get blocks only on an empty queue, a put only on a full one. */
  if (g_array_index (self->counters, CounterState, found).value == 0)
    r->flags |= F_QUEUE_EMPTY;
  else
    r->flags |= F_QUEUE_FULL;
}

static void
process_suspend (JgCaptioner   *self,
                 const JgEvent *e,
                 guint64        index,
                 TaskState     *t,
                 WorkerState   *w)
{
  JgSuspendReason reason = (JgSuspendReason) e->arg;
  JgWorkerKind kind = worker_kind (self, e->worker);
  Record r;

  if (w->running == e->task)
    end_run (self, e->worker, e);
  t->suspend = (guint8) reason;

  switch (reason)
    {
    case JG_SUSPEND_GIL:
      {
        InterpState *interp = t->gil_requested ? interp_by_id (self, t->interp) : NULL;

        /* A holder being switched out: the hand-off caption tells that story. */
        if (t->switched_out || (interp != NULL && interp->holder == e->task) || !t->gil_requested)
          break;
        r = record_for (e, index, JG_CAPTION_GIL_WAIT);
        if (interp != NULL && interp->holder != e->task && interp->holder != JG_LANE_NONE)
          set_other (self, &r, interp->holder);
        if (t->back_from_io)
          r.flags |= F_AFTER_IO;
        add_record (self, &r);
        break;
      }

    case JG_SUSPEND_IO:
    case JG_SUSPEND_SLEEP:
      if (kind == JG_WORKER_LOOP)
        {
          r = record_for (e, index, JG_CAPTION_LOOP_BLOCKED);
          r.detail = reason == JG_SUSPEND_SLEEP ? LOOP_BY_SLEEP : LOOP_BY_CALL;
          r.value2 = w->n_in_flight > 0 ? w->n_in_flight - 1 : 0;
          r.flags = F_HAS_VALUE2;
          add_record (self, &r);
        }
      break;

    case JG_SUSPEND_LOCK:
    case JG_SUSPEND_SEMAPHORE:
      {
        Record *wait = take_pending (self, t, JG_CAPTION_LOCK_WAIT);

        if (reason == JG_SUSPEND_SEMAPHORE)
          {
            if (wait != NULL)
              wait->flags |= F_SEMAPHORE;
            if (t->lock_wait != JG_LANE_NONE)
              lock_state (self, t->lock_wait)->semaphore = TRUE;
          }
        break;
      }

    case JG_SUSPEND_QUEUE:
      r = record_for (e, index, JG_CAPTION_QUEUE_WAIT);
      describe_queue (self, &r);
      add_record (self, &r);
      break;

    case JG_SUSPEND_AWAIT:
      r = record_for (e, index, JG_CAPTION_AWAIT);
      set_pending (t, add_record (self, &r), JG_CAPTION_AWAIT);
      break;

    case JG_SUSPEND_READY:
      /* Woken right after a long run: it came due while the loop was blocked. */
      if (kind == JG_WORKER_LOOP && w->has_blocked && w->running == JG_LANE_NONE)
        {
          Record *blocked = find_record (self, w->blocked, JG_CAPTION_LOOP_BLOCKED);

          if (blocked != NULL && blocked->a != e->task)
            blocked->value2++;
        }
      break;

    case JG_SUSPEND_N_REASONS:
    default:
      break;
    }
}

static void
process_gil_drop (JgCaptioner   *self,
                  const JgEvent *e,
                  guint64        index,
                  TaskState     *t)
{
  InterpState *interp = interp_state (self, e->arg);
  JgGilReason reason = (JgGilReason) JG_GIL_ARG_REASON (e->arg);
  guint8 code = (guint8) reason;

  if (reason == JG_GIL_DROP_IO)
    {
      if (t->suspend != NO_SUSPEND)
        t->io_drop = TRUE;
      else
        {
          /* No suspend before it: the thread keeps computing, in C code. */
          Record r = record_for (e, index, JG_CAPTION_GIL_RELEASE);

          code = DROP_C_CODE;
          add_record (self, &r);
        }
    }
  if (reason == JG_GIL_DROP_INTERVAL || reason == JG_GIL_DROP_FORCED)
    t->switched_out = TRUE;

  if (interp != NULL)
    {
      if (interp->holder == e->task)
        interp->holder = JG_LANE_NONE;
      interp->dropper = e->task;
      interp->drop_ts = e->ts;
      interp->drop_reason = code;
      interp->drop_detail = t->suspend;
    }
}

static void
process_gil_take (JgCaptioner   *self,
                  const JgEvent *e,
                  guint64        index,
                  TaskState     *t)
{
  InterpState *interp = interp_state (self, e->arg);

  t->switched_out = FALSE;
  t->gil_requested = FALSE;
  if (interp == NULL)
    return;

  /* A hand-off, as the metrics count them: taken by another than the last holder.
   * A worker process's own GIL passing from a finished task to the next is not
   * a contest between threads: no words for it. */
  if (interp->last_holder != JG_LANE_NONE && interp->last_holder != e->task
      && !(worker_kind (self, e->worker) == JG_WORKER_PROCESS && interp->drop_reason == JG_GIL_DROP_FINISHED
           && interp->dropper == interp->last_holder))
    {
      Record r = record_for (e, index, JG_CAPTION_GIL_HANDOFF);

      r.a = interp->last_holder;
      r.b = e->task;
      if (r.a < self->tasks->len)
        r.worker_b = g_array_index (self->tasks, TaskState, r.a).worker;
      r.name = interp->dropper == interp->last_holder ? interp->drop_reason : NO_REASON;
      r.detail = interp->drop_detail;
      if (r.name != NO_REASON && e->ts >= interp->drop_ts)
        {
          r.value = e->ts - interp->drop_ts;
          r.flags |= F_HAS_VALUE;
        }
      add_record (self, &r);
    }
  interp->holder = e->task;
  interp->last_holder = e->task;
}

static void
process_mark (JgCaptioner   *self,
              const JgEvent *e,
              guint64        index,
              TaskState     *t,
              WorkerState   *w)
{
  Record r;

  if (is_string (self, &self->lost_update_id, e->arg, "lost update"))
    {
      r = record_for (e, index, JG_CAPTION_LOST_UPDATE);
      if (t->slept_since_write)
        r.flags |= F_SLEPT;
      else if (t->io_since_write)
        r.flags |= F_WAITED_IO;
      w->pending_lost = add_record (self, &r);
      w->has_pending_lost = TRUE;
    }
  else if (is_string (self, &self->deadlock_id, e->arg, "deadlock"))
    {
      DeadlockPart part = { e->ts, e->task, t->lock_wait, JG_LANE_NONE, t->suspend, FALSE };
      gboolean first = TRUE;

      if (t->lock_wait != JG_LANE_NONE)
        {
          LockState *lock = lock_state (self, t->lock_wait);

          part.semaphore = lock->semaphore;
          if (lock->holders->len == 1)
            part.holder = g_array_index (lock->holders, guint32, 0);
        }
      /* The watchdog marks every task of the cycle at once: one caption for all. */
      for (guint i = 0; i < self->deadlock_parts->len; i++)
        if (g_array_index (self->deadlock_parts, DeadlockPart, i).ts == e->ts)
          first = FALSE;
      g_array_append_val (self->deadlock_parts, part);
      if (first)
        {
          r = record_for (e, index, JG_CAPTION_DEADLOCK);
          add_record (self, &r);
        }
    }
  else if (!is_string (self, &self->blocking_id, e->arg, "blocking call"))
    {
      const char *text = jg_trace_lookup_string (self->trace, e->arg);

      /* asyncio marks a cancelled task "cancelled by …" before its wait ends. */
      if (text != NULL && g_str_has_prefix (text, "cancelled"))
        t->cancelling = TRUE;
      r = record_for (e, index, JG_CAPTION_MARK);
      r.name = e->arg;
      add_record (self, &r);
    }
}

static void
process_counter (JgCaptioner   *self,
                 const JgEvent *e,
                 WorkerState   *w)
{
  CounterState *c;
  guint32 writer = w->running != JG_LANE_NONE ? w->running : w->last_task;

  if (e->task >= self->counters->len)
    return;
  c = &g_array_index (self->counters, CounterState, e->task);

  if (w->has_pending_lost)
    {
      Record *r = find_record (self, w->pending_lost, JG_CAPTION_LOST_UPDATE);

      w->has_pending_lost = FALSE;
      if (r != NULL)
        {
          r->name = e->task;
          r->value = e->arg;
          r->flags |= F_HAS_VALUE;
          if (c->known && c->writer != r->a)
            {
              r->b = c->writer;
              r->value2 = c->value;
              r->flags |= F_HAS_VALUE2;
            }
        }
    }

  c->value = e->arg;
  c->writer = writer;
  c->known = TRUE;
  if (writer != JG_LANE_NONE && writer < self->tasks->len)
    {
      TaskState *t = &g_array_index (self->tasks, TaskState, writer);

      t->slept_since_write = FALSE;
      t->io_since_write = FALSE;
    }
}

static void
process (JgCaptioner   *self,
         const JgEvent *e,
         guint64        index)
{
  TaskState *t = NULL;
  WorkerState *w;
  Record r;

  if (e->kind >= JG_EVENT_N_KINDS)
    return;
  if (e->worker >= self->workers->len || (e->kind != JG_EVENT_COUNTER && e->task >= self->tasks->len))
    {
      grow_lanes (self);
      if (e->worker >= self->workers->len || (e->kind != JG_EVENT_COUNTER && e->task >= self->tasks->len))
        return;
    }
  w = &g_array_index (self->workers, WorkerState, e->worker);
  if (e->kind == JG_EVENT_COUNTER)
    {
      if (e->task >= self->counters->len)
        grow_lanes (self);
      process_counter (self, e, w);
      return;
    }
  t = &g_array_index (self->tasks, TaskState, e->task);
  /* The hand-off is stamped by the taker: the previous holder's thread is its own. */
  if (e->kind != JG_EVENT_GIL_DROP_REQUEST)
    t->worker = e->worker;

  switch ((JgEventKind) e->kind)
    {
    case JG_EVENT_TASK_BEGIN:
      t->began = TRUE;
      t->begin_ts = e->ts;
      w->n_in_flight++;
      if (worker_kind (self, e->worker) == JG_WORKER_PROCESS && !w->seen_task)
        {
          /* The processes model runs a process's start-up as a task of its own. */
          const char *name = jg_trace_get_task_name (self->trace, e->task);
          gboolean startup = name != NULL && strstr (name, "start-up") != NULL;

          r = record_for (e, index, JG_CAPTION_PROCESS_START);
          if (startup)
            r.flags |= F_STARTUP;
          w->seen_task = TRUE;
          if (startup)
            {
              w->startup_task = e->task;
              set_pending (t, add_record (self, &r), JG_CAPTION_PROCESS_START);
            }
          else
            {
              add_record (self, &r);
            }
          break;
        }
      r = record_for (e, index, JG_CAPTION_TASK_BEGIN);
      w->seen_task = TRUE;
      add_record (self, &r);
      break;

    case JG_EVENT_TASK_END:
      {
        static const JgCaptionKind by_status[] = {
          [JG_END_OK] = JG_CAPTION_TASK_END,
          [JG_END_ERROR] = JG_CAPTION_TASK_FAILED,
          [JG_END_CANCELLED] = JG_CAPTION_TASK_CANCELLED,
          [JG_END_CRASHED] = JG_CAPTION_TASK_CRASHED,
        };
        guint status = JG_END_ARG_STATUS (e->arg);
        Record *startup = take_pending (self, t, JG_CAPTION_PROCESS_START);

        if (w->running == e->task)
          end_run (self, e->worker, e);
        if (w->n_in_flight > 0)
          w->n_in_flight--;
        /* A start-up that went well is told by the process's start caption. */
        if (startup != NULL && t->began && e->ts >= t->begin_ts)
          {
            startup->value = e->ts - t->begin_ts;
            startup->flags |= F_HAS_VALUE;
          }
        if (startup != NULL && status == JG_END_OK)
          break;
        r = record_for (e, index, status < JG_END_N_STATUSES ? by_status[status] : JG_CAPTION_TASK_FAILED);
        r.name = JG_END_ARG_DETAIL (e->arg);
        if (t->began && e->ts >= t->begin_ts)
          {
            r.value = e->ts - t->begin_ts;
            r.flags |= F_HAS_VALUE;
          }
        add_record (self, &r);
        t->pending_kind = JG_N_CAPTION_KINDS;
        break;
      }

    case JG_EVENT_RUN:
      if (w->running != e->task)
        {
          if (w->running != JG_LANE_NONE)
            end_run (self, e->worker, e);
          if (w->last_task != e->task)
            {
              JgWorkerKind kind = worker_kind (self, e->worker);
              /* After its start-up, a process's first task is its first switch. */
              guint32 before = w->last_task != w->startup_task ? w->last_task : JG_LANE_NONE;

              if (before != JG_LANE_NONE)
                insert_key (self->switches, e->ts, index);
              /* A thread's switch follows its "picks up" caption; the event loop's
               * and a worker process's (whose task began in the parent) need words. */
              if (kind == JG_WORKER_LOOP || (kind == JG_WORKER_PROCESS && e->task != w->startup_task))
                {
                  r = record_for (e, index, JG_CAPTION_SWITCH);
                  set_other (self, &r, before);
                  add_record (self, &r);
                }
            }
          w->running = e->task;
          w->last_task = e->task;
          w->run_start = e->ts;
          w->run_event = index;
          w->has_blocked = FALSE;
        }
      t->suspend = NO_SUSPEND;
      t->back_from_io = FALSE;
      t->io_drop = FALSE;
      t->cancelling = FALSE;
      /* Running again: what a wait's caption waited to learn will not come. */
      if (t->pending_kind == JG_CAPTION_LOCK_WAIT || t->pending_kind == JG_CAPTION_AWAIT)
        t->pending_kind = JG_N_CAPTION_KINDS;
      break;

    case JG_EVENT_SUSPEND:
      process_suspend (self, e, index, t, w);
      break;

    case JG_EVENT_GIL_REQUEST:
      t->gil_requested = TRUE;
      t->gil_request_ts = e->ts;
      t->interp = JG_GIL_ARG_INTERP (e->arg);
      break;

    case JG_EVENT_GIL_TAKE:
      process_gil_take (self, e, index, t);
      break;

    case JG_EVENT_GIL_DROP:
      process_gil_drop (self, e, index, t);
      break;

    case JG_EVENT_GIL_DROP_REQUEST:
      {
        InterpState *interp = interp_state (self, e->arg);

        r = record_for (e, index, JG_CAPTION_GIL_DROP_REQUEST);
        if (interp != NULL && interp->holder != e->task && interp->holder != JG_LANE_NONE)
          set_other (self, &r, interp->holder);
        if (t->gil_requested && e->ts >= t->gil_request_ts)
          {
            r.value = e->ts - t->gil_request_ts;
            r.flags |= F_HAS_VALUE;
          }
        add_record (self, &r);
        break;
      }

    case JG_EVENT_IO_BEGIN:
      {
        Record *awaiting = take_pending (self, t, JG_CAPTION_AWAIT);

        t->in_io = TRUE;
        t->io_begin_ts = e->ts;
        if (e->arg == JG_IO_SLEEP)
          t->slept_since_write = TRUE;
        else
          t->io_since_write = TRUE;

        if (awaiting != NULL)
          {
            awaiting->name = e->arg;
            awaiting->flags |= F_IO_KNOWN;
          }
        else if (!(worker_kind (self, e->worker) == JG_WORKER_LOOP
                   && (t->suspend == JG_SUSPEND_SLEEP || t->suspend == JG_SUSPEND_IO)))
          {
            r = record_for (e, index, JG_CAPTION_IO_WAIT);
            r.name = e->arg;
            if (t->io_drop)
              r.flags |= F_RELEASED_GIL;
            add_record (self, &r);
          }
        t->io_drop = FALSE;
        break;
      }

    case JG_EVENT_IO_END:
      if (t->in_io)
        {
          r = record_for (e, index, JG_CAPTION_IO_DONE);
          r.name = e->arg;
          if (e->ts >= t->io_begin_ts)
            {
              r.value = e->ts - t->io_begin_ts;
              r.flags |= F_HAS_VALUE;
            }
          if (worker_kind (self, e->worker) == JG_WORKER_LOOP
              && (t->suspend == JG_SUSPEND_SLEEP || t->suspend == JG_SUSPEND_IO))
            r.flags |= F_LOOP_FREED;
          if (t->cancelling)
            r.flags |= F_ABANDONED;
          add_record (self, &r);
        }
      t->in_io = FALSE;
      t->back_from_io = TRUE;
      break;

    case JG_EVENT_LOCK_WAIT:
      {
        LockState *lock = lock_state (self, e->arg);

        t->lock_wait = e->arg;
        t->lock_wait_ts = e->ts;
        r = record_for (e, index, JG_CAPTION_LOCK_WAIT);
        r.name = e->arg;
        if (lock->holders->len == 1)
          r.b = g_array_index (lock->holders, guint32, 0);
        r.value2 = lock->holders->len;
        if (lock->semaphore)
          r.flags |= F_SEMAPHORE;
        /* Lock or semaphore: the SUSPEND that follows says. */
        set_pending (t, add_record (self, &r), JG_CAPTION_LOCK_WAIT);
        break;
      }

    case JG_EVENT_LOCK_ACQUIRE:
      {
        LockState *lock = lock_state (self, e->arg);

        g_array_append_val (lock->holders, e->task);
        if (lock->holders->len > 1)
          lock->semaphore = TRUE;
        if (t->lock_wait == e->arg)
          {
            r = record_for (e, index, JG_CAPTION_LOCK_ACQUIRED);
            r.name = e->arg;
            r.value = e->ts >= t->lock_wait_ts ? e->ts - t->lock_wait_ts : 0;
            r.flags |= F_HAS_VALUE;
            if (lock->semaphore)
              r.flags |= F_SEMAPHORE;
            add_record (self, &r);
          }
        t->lock_wait = JG_LANE_NONE;
        break;
      }

    case JG_EVENT_LOCK_RELEASE:
      remove_holder (lock_state (self, e->arg), e->task);
      break;

    case JG_EVENT_MARK:
      process_mark (self, e, index, t, w);
      break;

    case JG_EVENT_COUNTER:
    case JG_EVENT_CPU_TIME:
    case JG_EVENT_N_KINDS:
    default:
      break;
    }
}

/* Reading the trace */

static int
compare_pending (gconstpointer a,
                 gconstpointer b)
{
  const Pending *pa = a, *pb = b;

  return compare_keys (pa->ts, pa->index, pb->ts, pb->index);
}

gboolean
jg_captioner_update (JgCaptioner *self)
{
  gboolean finished;
  guint64 n, limit, first;
  guint records_before;
  gboolean sorted = TRUE;
  guint done = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Finished first: then every event counted after it is in. */
  finished = jg_trace_is_finished (self->trace);
  n = jg_trace_get_n_events (self->trace);
  if (n == self->consumed && self->pending->len == 0)
    return FALSE;

  records_before = self->records->len;
  grow_lanes (self);

  for (first = self->consumed; first < n;)
    {
      guint64 count;
      const JgEvent *events = jg_trace_get_events (self->trace, first, &count);

      count = MIN (count, n - first);
      for (guint64 i = 0; i < count; i++)
        self->max_ts = MAX (self->max_ts, events[i].ts);
      first += MAX (count, 1);
    }
  limit = finished ? G_MAXUINT64 : (self->max_ts > LIVE_LAG_NS ? self->max_ts - LIVE_LAG_NS : 0);

  for (first = self->consumed; first < n;)
    {
      guint64 count;
      const JgEvent *events = jg_trace_get_events (self->trace, first, &count);

      count = MIN (count, n - first);
      for (guint64 i = 0; i < count; i++)
        {
          const JgEvent *e = &events[i];
          Pending p = { e->ts, first + i };

          /* In order and old enough: straight through, without a copy. */
          if (self->pending->len == 0 && e->ts >= self->processed_ts && e->ts <= limit)
            {
              process (self, e, first + i);
              self->processed_ts = e->ts;
              continue;
            }
          if (self->pending->len > 0 && compare_pending (&g_array_index (self->pending, Pending,
                                                                          self->pending->len - 1), &p) > 0)
            sorted = FALSE;
          g_array_append_val (self->pending, p);
        }
      first += MAX (count, 1);
    }
  self->consumed = n;

  if (!sorted)
    g_array_sort (self->pending, compare_pending);
  while (done < self->pending->len)
    {
      const Pending *p = &g_array_index (self->pending, Pending, done);

      if (p->ts > limit)
        break;
      process (self, jg_trace_get_event (self->trace, p->index), p->index);
      self->processed_ts = MAX (self->processed_ts, p->ts);
      done++;
    }
  if (done > 0)
    g_array_remove_range (self->pending, 0, done);

  self->settled_ts = finished ? self->max_ts : MAX (self->settled_ts, MIN (limit, self->max_ts));
  return self->records->len != records_before;
}

/* Words */

static const char *
task_name (JgCaptioner *self,
           guint32      task)
{
  const char *name = NULL;

  if (task != JG_LANE_NONE && task < jg_trace_get_n_tasks (self->trace))
    name = jg_trace_get_task_name (self->trace, task);
  return name != NULL ? name : _("a task");
}

static const char *
worker_name (JgCaptioner *self,
             guint32      worker)
{
  const char *name = NULL;

  if (worker != JG_LANE_NONE && worker < jg_trace_get_n_workers (self->trace))
    name = jg_trace_get_worker_name (self->trace, worker);
  return name != NULL ? name : _("a worker");
}

/* Who holds or wants the GIL: a thread. When a pool thread runs a task of
 * another name, both are said: "Download 3 (Thread 2)". */
static char *
who (JgCaptioner *self,
     guint32      task,
     guint32      worker)
{
  const char *name = task_name (self, task);

  if (worker != JG_LANE_NONE && worker < jg_trace_get_n_workers (self->trace)
      && jg_trace_get_worker (self->trace, worker).kind == JG_WORKER_THREAD)
    {
      const char *thread = worker_name (self, worker);

      if (!g_str_equal (thread, name))
        /* TRANSLATORS: a task and the thread that runs it: "Download 3 (Thread 2)" */
        return g_strdup_printf (_("%s (%s)"), name, thread);
    }
  return g_strdup (name);
}

static char *
format_duration (guint64 ns)
{
  double ms = ns / 1e6;

  if (ns < 1000000)
    return g_strdup_printf (_("%.0f µs"), ns / 1e3);
  if (ms < 10)
    /* One decimal unless it is a whole number: "5 ms", "5.2 ms". */
    return g_strdup_printf (_("%.*f ms"), fabs (ms - round (ms)) < 0.05 ? 0 : 1, ms);
  if (ms < 10000)
    return g_strdup_printf (_("%.0f ms"), ms);
  return g_strdup_printf (_("%.1f s"), ms / 1000);
}

static const char *
signal_name (guint sig)
{
  switch (sig)
    {
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGTERM: return "SIGTERM";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGPIPE: return "SIGPIPE";
    case SIGQUIT: return "SIGQUIT";
    default: return NULL;
    }
}

static const char *
string_or (JgCaptioner *self,
           guint32      id,
           const char  *fallback)
{
  const char *s = id != JG_LANE_NONE ? jg_trace_lookup_string (self->trace, id) : NULL;

  return s != NULL && *s != '\0' ? s : fallback;
}

static char *
counter_name (JgCaptioner *self,
              guint32      counter)
{
  if (counter != JG_LANE_NONE && counter < jg_trace_get_n_counters (self->trace))
    return g_strdup (string_or (self, jg_trace_get_counter (self->trace, counter).name, _("the counter")));
  return g_strdup (_("the counter"));
}

static char *
queue_name (JgCaptioner *self,
            guint32      counter)
{
  g_autofree char *name = counter_name (self, counter);

  if (g_str_has_suffix (name, " length"))
    name[strlen (name) - strlen (" length")] = '\0';
  return g_steal_pointer (&name);
}

static char *
format_gil_wait (JgCaptioner  *self,
                 const Record *r)
{
  g_autofree char *waiter = who (self, r->a, r->worker);
  g_autofree char *holder = NULL;

  if (r->b == JG_LANE_NONE)
    {
      if (r->flags & F_AFTER_IO)
        return g_strdup_printf (_("%s is back from I/O and waits for the GIL"), waiter);
      return g_strdup_printf (_("%s waits for the GIL"), waiter);
    }
  holder = who (self, r->b, r->worker_b);
  if (r->flags & F_AFTER_IO)
    return g_strdup_printf (_("%s is back from I/O and waits for the GIL, held by %s"), waiter, holder);
  return g_strdup_printf (_("%s waits for the GIL, held by %s"), waiter, holder);
}

static char *
format_drop_request (JgCaptioner  *self,
                     const Record *r)
{
  g_autofree char *requester = who (self, r->a, r->worker);
  g_autofree char *holder = r->b != JG_LANE_NONE ? who (self, r->b, r->worker_b) : NULL;
  g_autofree char *wait = (r->flags & F_HAS_VALUE) ? format_duration (r->value) : NULL;

  if (wait != NULL && holder != NULL)
    return g_strdup_printf (_("%s has waited %s for the GIL and asks %s to drop it"), requester, wait, holder);
  if (wait != NULL)
    return g_strdup_printf (_("%s has waited %s for the GIL and asks for it to be dropped"), requester, wait);
  if (holder != NULL)
    return g_strdup_printf (_("%s asks %s to drop the GIL"), requester, holder);
  return g_strdup_printf (_("%s asks for the GIL to be dropped"), requester);
}

static char *
format_handoff (JgCaptioner  *self,
                const Record *r)
{
  g_autofree char *taker = who (self, r->b, r->worker);
  g_autofree char *before = who (self, r->a, r->worker_b);
  double interval = jg_trace_get_run_info (self->trace)->switch_interval_ms;

  switch (r->name)
    {
    case JG_GIL_DROP_INTERVAL:
    case JG_GIL_DROP_FORCED:
      if (interval > 0)
        {
          g_autofree char *length = format_duration ((guint64) (interval * 1e6 + 0.5));

          return g_strdup_printf (_("%s drops the GIL at the end of its %s switch interval; %s takes it"),
                                  before, length, taker);
        }
      return g_strdup_printf (_("%s drops the GIL at the end of its switch interval; %s takes it"),
                              before, taker);
    case JG_GIL_DROP_IO:
      switch (r->detail)
        {
        case JG_SUSPEND_SLEEP:
          return g_strdup_printf (_("%s released the GIL to sleep; %s takes it"), before, taker);
        case JG_SUSPEND_LOCK:
        case JG_SUSPEND_SEMAPHORE:
          return g_strdup_printf (_("%s released the GIL to wait for a lock; %s takes it"), before, taker);
        case JG_SUSPEND_QUEUE:
          return g_strdup_printf (_("%s released the GIL to wait for a queue; %s takes it"), before, taker);
        default:
          return g_strdup_printf (_("%s released the GIL to wait for I/O; %s takes it"), before, taker);
        }
    case DROP_C_CODE:
      return g_strdup_printf (_("%s released the GIL to run C code; %s takes it"), before, taker);
    case JG_GIL_DROP_FINISHED:
      return g_strdup_printf (_("%s finished and released the GIL; %s takes it"), before, taker);
    default:
      return g_strdup_printf (_("%s takes the GIL from %s"), taker, before);
    }
}

static char *
format_io_wait (JgCaptioner  *self,
                const Record *r)
{
  g_autofree char *task = who (self, r->a, r->worker);

  if (r->flags & F_RELEASED_GIL)
    switch (r->name)
      {
      case JG_IO_SLEEP:
        return g_strdup_printf (_("%s releases the GIL and sleeps"), task);
      case JG_IO_FILE:
        return g_strdup_printf (_("%s releases the GIL to wait for the disk"), task);
      case JG_IO_PIPE:
        return g_strdup_printf (_("%s releases the GIL while its data goes through a pipe"), task);
      case JG_IO_SOCKET:
      default:
        return g_strdup_printf (_("%s releases the GIL to wait for the network"), task);
      }

  switch (r->name)
    {
    case JG_IO_SLEEP:
      return g_strdup_printf (_("%s sleeps"), task);
    case JG_IO_FILE:
      return g_strdup_printf (_("%s waits for the disk"), task);
    case JG_IO_PIPE:
      return g_strdup_printf (_("%s waits while its data goes through a pipe"), task);
    case JG_IO_SOCKET:
    default:
      return g_strdup_printf (_("%s waits for the network"), task);
    }
}

static char *
format_io_done (JgCaptioner  *self,
                const Record *r)
{
  const char *task = task_name (self, r->a);
  g_autofree char *took = format_duration (r->value);
  g_autofree char *text = NULL;

  if (r->flags & F_ABANDONED)
    return g_strdup_printf (_("%s stops waiting after %s: it was cancelled"), task, took);
  switch (r->name)
    {
    case JG_IO_SLEEP:
      text = g_strdup_printf (_("%s wakes up after %s"), task, took);
      break;
    case JG_IO_FILE:
      text = g_strdup_printf (_("The disk is done for %s after %s"), task, took);
      break;
    case JG_IO_PIPE:
      text = g_strdup_printf (_("The data of %s has gone through the pipe in %s"), task, took);
      break;
    case JG_IO_SOCKET:
    default:
      text = g_strdup_printf (_("The network answers %s after %s"), task, took);
      break;
    }
  if (r->flags & F_LOOP_FREED)
    /* TRANSLATORS: %s is a sentence saying a blocking call on the event loop is over */
    return g_strdup_printf (_("%s — the event loop can run again"), text);
  return g_steal_pointer (&text);
}

static char *
format_lock_wait (JgCaptioner  *self,
                  guint32       task,
                  guint32       lock,
                  guint32       holder,
                  gboolean      semaphore,
                  guint         n_holders)
{
  const char *waiter = task_name (self, task);
  const char *name = string_or (self, lock, "?");

  if (semaphore)
    {
      if (n_holders > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s waits for the semaphore “%s”, held by %u task",
                                             "%s waits for the semaphore “%s”, held by %u tasks",
                                             n_holders),
                                waiter, name, n_holders);
      return g_strdup_printf (_("%s waits for the semaphore “%s”"), waiter, name);
    }
  if (holder != JG_LANE_NONE)
    return g_strdup_printf (_("%s waits for the lock “%s”, held by %s"), waiter, name, task_name (self, holder));
  return g_strdup_printf (_("%s waits for the lock “%s”"), waiter, name);
}

/* The deadlock recorded at r->ts, told as a chain of waits from r->a. */
static char *
format_deadlock (JgCaptioner  *self,
                 const Record *r)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) involved = g_array_new (FALSE, FALSE, sizeof (DeadlockPart));
  g_autofree gboolean *told = NULL;
  g_autofree char *chain = NULL;
  guint32 next = r->a;

  for (guint i = 0; i < self->deadlock_parts->len; i++)
    {
      const DeadlockPart *part = &g_array_index (self->deadlock_parts, DeadlockPart, i);

      if (part->ts == r->ts && involved->len < MAX_CHAIN)
        g_array_append_vals (involved, part, 1);
    }
  told = g_new0 (gboolean, MAX (involved->len, 1));

  /* Follow who waits for whom, then say any the chain did not reach. */
  while (parts->len < involved->len)
    {
      guint found = G_MAXUINT;

      for (guint i = 0; i < involved->len && found == G_MAXUINT; i++)
        if (!told[i] && g_array_index (involved, DeadlockPart, i).task == next)
          found = i;
      for (guint i = 0; i < involved->len && found == G_MAXUINT; i++)
        if (!told[i])
          found = i;

      {
        const DeadlockPart *part = &g_array_index (involved, DeadlockPart, found);

        told[found] = TRUE;
        if (part->lock != JG_LANE_NONE)
          g_ptr_array_add (parts, format_lock_wait (self, part->task, part->lock, part->holder,
                                                    part->semaphore, 0));
        else if (part->reason == JG_SUSPEND_QUEUE)
          g_ptr_array_add (parts, g_strdup_printf (_("%s waits for a queue"), task_name (self, part->task)));
        else
          g_ptr_array_add (parts, g_strdup_printf (_("%s waits"), task_name (self, part->task)));
        next = part->holder;
      }
    }
  if (parts->len == 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%s waits"), task_name (self, r->a)));
  g_ptr_array_add (parts, NULL);

  /* TRANSLATORS: the separator between the waits that make up a deadlock */
  chain = g_strjoinv (_("; "), (char **) parts->pdata);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Deadlock: %s — it can never go on",
                                       "Deadlock: %s — none of them can ever go on",
                                       parts->len - 1),
                          chain);
}

static char *
format_lost_update (JgCaptioner  *self,
                    const Record *r)
{
  const char *writer = task_name (self, r->a);
  g_autofree char *counter = counter_name (self, r->name);
  g_autofree char *wrote = NULL;
  g_autofree char *had = NULL;
  const char *other;

  if (!(r->flags & F_HAS_VALUE) || !(r->flags & F_HAS_VALUE2) || r->b == JG_LANE_NONE)
    return g_strdup_printf (_("%s wrote %s from a stale read — an update is lost"), writer, counter);

  wrote = g_strdup_printf ("%" G_GUINT64_FORMAT, r->value);
  had = g_strdup_printf ("%" G_GUINT64_FORMAT, r->value2);
  other = task_name (self, r->b);
  if (r->flags & F_SLEPT)
    return g_strdup_printf (_("%s read %s, slept, and wrote %s — %s had written %s in between, "
                              "and that update is lost"), writer, counter, wrote, other, had);
  if (r->flags & F_WAITED_IO)
    return g_strdup_printf (_("%s read %s, waited for I/O, and wrote %s — %s had written %s in between, "
                              "and that update is lost"), writer, counter, wrote, other, had);
  return g_strdup_printf (_("%s read %s and wrote %s — %s had written %s in between, "
                            "and that update is lost"), writer, counter, wrote, other, had);
}

static char *
format_loop_blocked (JgCaptioner  *self,
                     const Record *r)
{
  const char *task = task_name (self, r->a);

  switch ((LoopBlock) r->detail)
    {
    case LOOP_BY_SLEEP:
      if (r->value2 == 0)
        return g_strdup_printf (_("%s blocks the event loop with time.sleep"), task);
      return g_strdup_printf (_("The event loop is blocked by time.sleep in %s — every coroutine waits"), task);
    case LOOP_BY_CALL:
      if (r->value2 == 0)
        return g_strdup_printf (_("%s blocks the event loop with a blocking call"), task);
      return g_strdup_printf (_("The event loop is blocked by a blocking call in %s — every coroutine waits"),
                              task);
    case LOOP_BY_RUN:
    default:
      {
        g_autofree char *took = format_duration (r->value);

        if (!(r->flags & F_HAS_VALUE2))
          return g_strdup_printf (_("The event loop is blocked: %s has run for %s without an await — "
                                    "every other coroutine waits"), task, took);
        if (r->value2 == 0)
          return g_strdup_printf (_("The event loop is blocked for %s: %s runs without an await, "
                                    "and every other coroutine waits"), took, task);
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The event loop is blocked for %s: %s runs without an await, "
                                             "and %u coroutine that comes due meanwhile wakes up only after it",
                                             "The event loop is blocked for %s: %s runs without an await, "
                                             "and %u coroutines that come due meanwhile wake up only after it",
                                             r->value2),
                                took, task, (guint) r->value2);
      }
    }
}

/* How the process was started: the run says, or the start-up task's name. */
static const char *
start_method (JgCaptioner *self,
              const char  *startup)
{
  const char *method = jg_trace_get_run_info (self->trace)->start_method;
  static const char * const methods[] = { "forkserver", "spawn", "fork" };

  if (method != NULL)
    return method;
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *tag = g_strdup_printf ("(%s)", methods[i]);

      if (strstr (startup, tag) != NULL)
        return methods[i];
    }
  return NULL;
}

static char *
format_process_start (JgCaptioner  *self,
                      const Record *r)
{
  const char *process = worker_name (self, r->worker);
  const char *task = task_name (self, r->a);
  const char *method = start_method (self, task);
  g_autofree char *took = (r->flags & F_HAS_VALUE) ? format_duration (r->value) : NULL;

  if (!(r->flags & F_STARTUP))
    return g_strdup_printf (_("%s starts and runs %s"), process, task);

  /* The processes model names the start-up of the forkserver's server so. */
  if (g_str_has_prefix (task, "Fork server"))
    {
      if (took != NULL)
        return g_strdup_printf (_("%s starts: a fresh interpreter imports the program once (%s); "
                                  "worker processes are forked from it"), process, took);
      return g_strdup_printf (_("%s starts: a fresh interpreter imports the program once; "
                                "worker processes are forked from it"), process);
    }
  if (g_strcmp0 (method, "spawn") == 0)
    {
      if (took != NULL)
        return g_strdup_printf (_("%s starts: spawn re-imports the program (%s)"), process, took);
      return g_strdup_printf (_("%s starts: spawn re-imports the program"), process);
    }
  if (g_strcmp0 (method, "fork") == 0)
    {
      if (took != NULL)
        return g_strdup_printf (_("%s starts: fork copies the parent process (%s)"), process, took);
      return g_strdup_printf (_("%s starts: fork copies the parent process"), process);
    }
  if (g_strcmp0 (method, "forkserver") == 0)
    {
      if (took != NULL)
        return g_strdup_printf (_("%s starts: the fork server forks it (%s)"), process, took);
      return g_strdup_printf (_("%s starts: the fork server forks it"), process);
    }
  if (took != NULL)
    return g_strdup_printf (_("%s starts (%s)"), process, took);
  return g_strdup_printf (_("%s starts"), process);
}

static char *
format_switch (JgCaptioner  *self,
               const Record *r)
{
  const char *worker = worker_name (self, r->worker);
  const char *task = task_name (self, r->a);

  if (worker_kind (self, r->worker) == JG_WORKER_LOOP)
    {
      if (r->b == JG_LANE_NONE)
        return g_strdup_printf (_("The event loop runs %s"), task);
      return g_strdup_printf (_("The event loop switches from %s to %s"), task_name (self, r->b), task);
    }
  if (g_str_equal (worker, task))
    return g_strdup_printf (_("%s starts running"), task);
  if (r->b == JG_LANE_NONE)
    return g_strdup_printf (_("%s runs %s"), worker, task);
  return g_strdup_printf (_("%s moves on from %s to %s"), worker, task_name (self, r->b), task);
}

static char *
format_task_begin (JgCaptioner  *self,
                   const Record *r)
{
  const char *worker = worker_name (self, r->worker);
  const char *task = task_name (self, r->a);

  if (r->worker < jg_trace_get_n_workers (self->trace) && worker_kind (self, r->worker) == JG_WORKER_LOOP)
    return g_strdup_printf (_("%s starts on the event loop"), task);
  if (g_str_equal (worker, task))
    return g_strdup_printf (_("%s starts"), task);
  if (g_strcmp0 (jg_trace_get_run_info (self->trace)->model, "sequential") == 0)
    return g_strdup_printf (_("%s starts %s, once the task before it has ended"), worker, task);
  /* The processes model begins a task where the parent hands it to the pool. */
  if (g_strcmp0 (jg_trace_get_run_info (self->trace)->model, "processes") == 0
      && worker_kind (self, r->worker) == JG_WORKER_THREAD)
    return g_strdup_printf (_("%s sends %s to a worker process"), worker, task);
  return g_strdup_printf (_("%s picks up %s"), worker, task);
}

static char *
format_task_end (JgCaptioner  *self,
                 const Record *r)
{
  const char *task = task_name (self, r->a);

  switch ((JgCaptionKind) r->kind)
    {
    case JG_CAPTION_TASK_FAILED:
      return g_strdup_printf (_("%s raised an exception and ended"), task);
    case JG_CAPTION_TASK_CANCELLED:
      return g_strdup_printf (_("%s is cancelled"), task);
    case JG_CAPTION_TASK_CRASHED:
      {
        const char *sig = signal_name (r->name);
        g_autofree char *number = NULL;

        if (r->name == 0)
          return g_strdup_printf (_("%s crashed"), task);
        if (sig == NULL)
          sig = number = g_strdup_printf (_("signal %u"), r->name);
        if (worker_kind (self, r->worker) == JG_WORKER_PROCESS)
          return g_strdup_printf (_("%s crashed (%s was killed by %s)"), task, worker_name (self, r->worker), sig);
        return g_strdup_printf (_("%s crashed (killed by %s)"), task, sig);
      }
    case JG_CAPTION_TASK_END:
    default:
      if (r->flags & F_HAS_VALUE)
        {
          g_autofree char *took = format_duration (r->value);

          return g_strdup_printf (_("%s finishes after %s"), task, took);
        }
      return g_strdup_printf (_("%s finishes"), task);
    }
}

static char *
format_record (JgCaptioner  *self,
               const Record *r)
{
  switch ((JgCaptionKind) r->kind)
    {
    case JG_CAPTION_TASK_BEGIN:
      return format_task_begin (self, r);
    case JG_CAPTION_TASK_END:
    case JG_CAPTION_TASK_FAILED:
    case JG_CAPTION_TASK_CANCELLED:
    case JG_CAPTION_TASK_CRASHED:
      return format_task_end (self, r);
    case JG_CAPTION_SWITCH:
      return format_switch (self, r);
    case JG_CAPTION_GIL_WAIT:
      return format_gil_wait (self, r);
    case JG_CAPTION_GIL_DROP_REQUEST:
      return format_drop_request (self, r);
    case JG_CAPTION_GIL_HANDOFF:
      return format_handoff (self, r);
    case JG_CAPTION_GIL_RELEASE:
      {
        g_autofree char *task = who (self, r->a, r->worker);

        return g_strdup_printf (_("%s releases the GIL to run C code that does not need it: "
                                  "other threads can run Python meanwhile"), task);
      }
    case JG_CAPTION_IO_WAIT:
      return format_io_wait (self, r);
    case JG_CAPTION_IO_DONE:
      return format_io_done (self, r);
    case JG_CAPTION_LOCK_WAIT:
      return format_lock_wait (self, r->a, r->name, r->b, (r->flags & F_SEMAPHORE) != 0, (guint) r->value2);
    case JG_CAPTION_LOCK_ACQUIRED:
      {
        g_autofree char *waited = format_duration (r->value);
        const char *name = string_or (self, r->name, "?");

        if (r->flags & F_SEMAPHORE)
          return g_strdup_printf (_("%s gets the semaphore “%s” after waiting %s"),
                                  task_name (self, r->a), name, waited);
        return g_strdup_printf (_("%s gets the lock “%s” after waiting %s"), task_name (self, r->a), name, waited);
      }
    case JG_CAPTION_QUEUE_WAIT:
      {
        g_autofree char *queue = queue_name (self, r->name);

        if (r->flags & F_QUEUE_EMPTY)
          return g_strdup_printf (_("%s waits: the queue “%s” is empty"), task_name (self, r->a), queue);
        if (r->flags & F_QUEUE_FULL)
          return g_strdup_printf (_("%s waits: the queue “%s” is full"), task_name (self, r->a), queue);
        return g_strdup_printf (_("%s waits for a queue"), task_name (self, r->a));
      }
    case JG_CAPTION_AWAIT:
      {
        const char *task = task_name (self, r->a);

        if (!(r->flags & F_IO_KNOWN))
          return g_strdup_printf (_("%s awaits: the event loop can run another coroutine"), task);
        switch (r->name)
          {
          case JG_IO_SLEEP:
            return g_strdup_printf (_("%s awaits asyncio.sleep: the event loop runs other coroutines "
                                      "meanwhile"), task);
          case JG_IO_FILE:
            return g_strdup_printf (_("%s awaits the disk: the event loop runs other coroutines meanwhile"),
                                    task);
          case JG_IO_PIPE:
            return g_strdup_printf (_("%s awaits a pipe: the event loop runs other coroutines meanwhile"),
                                    task);
          case JG_IO_SOCKET:
          default:
            return g_strdup_printf (_("%s awaits the network: the event loop runs other coroutines meanwhile"),
                                    task);
          }
      }
    case JG_CAPTION_LOOP_BLOCKED:
      return format_loop_blocked (self, r);
    case JG_CAPTION_PROCESS_START:
      return format_process_start (self, r);
    case JG_CAPTION_MARK:
      {
        const char *mark = string_or (self, r->name, "?");

        if (g_str_equal (mark, "timeout"))
          return g_strdup_printf (_("%s times out"), task_name (self, r->a));
        /* TRANSLATORS: a task and a mark recorded on it: "Fetch 3: retry" */
        return g_strdup_printf (_("%s: %s"), task_name (self, r->a), mark);
      }
    case JG_CAPTION_LOST_UPDATE:
      return format_lost_update (self, r);
    case JG_CAPTION_DEADLOCK:
      return format_deadlock (self, r);
    case JG_N_CAPTION_KINDS:
    default:
      return g_strdup ("");
    }
}

static void
fill_caption (JgCaptioner  *self,
              const Record *r,
              JgCaption    *caption)
{
  caption->kind = (JgCaptionKind) r->kind;
  caption->priority = jg_caption_kind_priority (caption->kind);
  caption->event = r->event;
  caption->ts = r->ts;
  /* A hand-off's record keeps the holder before in a and the taker in b; the
   * event, and so the worker, is the taker's: the caption is about the taker. */
  caption->task = r->kind == JG_CAPTION_GIL_HANDOFF ? r->b : r->a;
  caption->worker = r->worker;
  caption->text = format_record (self, r);
}

/* Asking */

gboolean
jg_captioner_caption_at (JgCaptioner *self,
                         guint64      ts,
                         JgCaption   *caption)
{
  const Record *best = NULL;
  guint hi;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (caption != NULL, FALSE);

  memset (caption, 0, sizeof *caption);
  jg_captioner_update (self);

  hi = records_after (self->records, ts);
  if (hi > 0)
    {
      const Record *newest = &g_array_index (self->records, Record, hi - 1);
      guint64 anchor = newest->ts;
      /* An event right at the play head (a step landed on it) is the one explained. */
      guint64 from = anchor == ts ? ts : (anchor > self->window_ns ? anchor - self->window_ns : 0);

      best = newest;
      for (guint i = hi, n = 0; i > 0 && n < MAX_SCAN; n++)
        {
          const Record *r = &g_array_index (self->records, Record, --i);

          if (r->ts < from)
            break;
          if (kind_info[r->kind].priority > kind_info[best->kind].priority)
            best = r;
        }
    }

  /* Live, past what has settled: a loop kept busy is blocked before its run ends. */
  if (ts > self->settled_ts)
    for (guint32 i = 0; i < self->workers->len; i++)
      {
        const WorkerState *w = &g_array_index (self->workers, WorkerState, i);

        if (w->running != JG_LANE_NONE && w->n_in_flight > 1 && ts >= w->run_start + LOOP_BLOCK_NS
            && worker_kind (self, i) == JG_WORKER_LOOP
            && (best == NULL || kind_info[best->kind].priority <= kind_info[JG_CAPTION_LOOP_BLOCKED].priority))
          {
            Record r;

            memset (&r, 0, sizeof r);
            r.ts = w->run_start;
            r.event = w->run_event;
            r.a = w->running;
            r.b = JG_LANE_NONE;
            r.worker = i;
            r.kind = JG_CAPTION_LOOP_BLOCKED;
            r.detail = LOOP_BY_RUN;
            r.value = ts - w->run_start;
            fill_caption (self, &r, caption);
            return TRUE;
          }
      }

  if (best == NULL)
    return FALSE;
  fill_caption (self, best, caption);
  return TRUE;
}

guint
jg_captioner_get_n_captions (JgCaptioner *self)
{
  g_return_val_if_fail (self != NULL, 0);

  jg_captioner_update (self);
  return self->records->len;
}

gboolean
jg_captioner_get_caption (JgCaptioner *self,
                          guint        index,
                          JgCaption   *caption)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (caption != NULL, FALSE);

  memset (caption, 0, sizeof *caption);
  if (index >= self->records->len)
    return FALSE;
  fill_caption (self, &g_array_index (self->records, Record, index), caption);
  return TRUE;
}

static GArray *
step_keys (JgCaptioner   *self,
           JgCaptionStep  step)
{
  return step == JG_CAPTION_STEP_HANDOFF ? self->handoffs : self->switches;
}

guint64
jg_captioner_next_event (JgCaptioner   *self,
                         guint64        ts,
                         JgCaptionStep  step)
{
  guint i;

  g_return_val_if_fail (self != NULL, JG_CAPTION_NO_EVENT);
  g_return_val_if_fail ((guint) step < JG_N_CAPTION_STEPS, JG_CAPTION_NO_EVENT);

  jg_captioner_update (self);
  if (step == JG_CAPTION_STEP_EVENT)
    {
      i = records_after (self->records, ts);
      return i < self->records->len ? g_array_index (self->records, Record, i).event : JG_CAPTION_NO_EVENT;
    }
  i = keys_after (step_keys (self, step), ts);
  return i < step_keys (self, step)->len ? g_array_index (step_keys (self, step), Key, i).event
                                         : JG_CAPTION_NO_EVENT;
}

guint64
jg_captioner_prev_event (JgCaptioner   *self,
                         guint64        ts,
                         JgCaptionStep  step)
{
  guint i;

  g_return_val_if_fail (self != NULL, JG_CAPTION_NO_EVENT);
  g_return_val_if_fail ((guint) step < JG_N_CAPTION_STEPS, JG_CAPTION_NO_EVENT);

  jg_captioner_update (self);
  if (ts == 0)
    return JG_CAPTION_NO_EVENT;
  if (step == JG_CAPTION_STEP_EVENT)
    {
      i = records_after (self->records, ts - 1);
      return i > 0 ? g_array_index (self->records, Record, i - 1).event : JG_CAPTION_NO_EVENT;
    }
  i = keys_after (step_keys (self, step), ts - 1);
  return i > 0 ? g_array_index (step_keys (self, step), Key, i - 1).event : JG_CAPTION_NO_EVENT;
}
