/* jg-trace.h: a recorded run: its events, lanes, strings and what it was a run of.
 *
 * Events live in append-only chunks of JG_TRACE_CHUNK_EVENTS records. One writer
 * (the recorder's collector, or a loader) appends; any number of readers on other
 * threads read the published prefix [0, jg_trace_get_n_events ()), which never
 * moves or changes once published. Events are in arrival order: the events of one
 * task are always in time order, and the collector merges what it drains at once
 * by time, so the whole trace is nearly always sorted (jg_trace_is_sorted ()).
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "jg-event.h"

G_BEGIN_DECLS

#define JG_TRACE_CHUNK_SHIFT  16
#define JG_TRACE_CHUNK_EVENTS (1u << JG_TRACE_CHUNK_SHIFT)
#define JG_TRACE_MAX_CHUNKS   16384u
/* 2^30 events (24 GiB of records): more than any machine here can hold. */
#define JG_TRACE_MAX_EVENTS   ((guint64) JG_TRACE_MAX_CHUNKS * JG_TRACE_CHUNK_EVENTS)
/* Lanes and strings are bounded too, so a hostile file cannot ask for absurd sizes. */
#define JG_TRACE_MAX_LANES    (1u << 20)
#define JG_TRACE_MAX_STRINGS  (1u << 22)

typedef enum
{
  JG_WORKER_THREAD = 0, /* an OS thread of the recording process */
  JG_WORKER_PROCESS,    /* a juggler-worker process */
  JG_WORKER_LOOP,       /* the thread running the event loop */
  JG_WORKER_N_KINDS
} JgWorkerKind;

typedef struct
{
  guint32 name;   /* string id */
  guint32 parent; /* task that spawned it, or JG_LANE_NONE */
} JgTaskLane;

typedef struct
{
  guint32      name; /* string id */
  JgWorkerKind kind;
  gint32       pid;  /* the process it lived in */
} JgWorkerLane;

typedef struct
{
  guint32 name; /* string id: "queue length", "counter", ... */
} JgCounterLane;

#define JG_LANE_NONE G_MAXUINT32

/* How the run was made. Strings are owned by the trace. */
typedef struct
{
  const char *model;              /* "sequential", "threads", "processes", "asyncio", "hybrid" */
  guint       workers;
  const char *interpreter;        /* "gil", "free-threaded", "per-interpreter" */
  double      switch_interval_ms; /* as asked for (sys.setswitchinterval), not stretched */
  const char *start_method;       /* "fork", "spawn", "forkserver" or NULL */
  /* Slow motion (docs/slow-motion.md): every duration of the run was
   * stretched by this factor, so event times are stretched times and the real
   * time of a span is its length / time_scale. 0 (unset) means 1. */
  double      time_scale;
} JgRunInfo;

/* The slow-motion factors a run accepts and a trace file may hold. */
#define JG_TIME_SCALE_MIN 1.0
#define JG_TIME_SCALE_MAX 1000.0

/* The machine it ran on. Strings are owned by the trace. */
typedef struct
{
  guint       n_cores;
  const char *kernel;
  const char *cpu_model;
  const char *hostname;
} JgMachineInfo;

#define JG_TYPE_TRACE (jg_trace_get_type ())
G_DECLARE_FINAL_TYPE (JgTrace, jg_trace, JG, TRACE, GObject)

JgTrace          *jg_trace_new                (void);

/* Events. */
void              jg_trace_append             (JgTrace        *self,
                                               const JgEvent  *events,
                                               gsize           n_events);
guint64           jg_trace_get_n_events       (JgTrace        *self);
const JgEvent    *jg_trace_get_event          (JgTrace        *self,
                                               guint64         index);
/* A contiguous run of published events starting at @first; *n_events is how
 * many (at least 1 when @first is published, 0 past the end). */
const JgEvent    *jg_trace_get_events         (JgTrace        *self,
                                               guint64         first,
                                               guint64        *n_events);
gboolean          jg_trace_is_sorted          (JgTrace        *self);
guint64           jg_trace_get_duration_ns    (JgTrace        *self);
void              jg_trace_set_end_ns         (JgTrace        *self,
                                               guint64         end_ns);
gsize             jg_trace_get_memory_bytes   (JgTrace        *self);

/* The monotonic time of ts = 0: probes subtract it. */
guint64           jg_trace_get_epoch_ns       (JgTrace        *self);
void              jg_trace_set_epoch_ns       (JgTrace        *self,
                                               guint64         epoch_ns);

/* Finished: no more events will come. */
gboolean          jg_trace_is_finished        (JgTrace        *self);
void              jg_trace_finish             (JgTrace        *self);

/* Lanes and strings: thread-safe, off the hot path. */
guint32           jg_trace_intern             (JgTrace        *self,
                                               const char     *string);
const char       *jg_trace_lookup_string      (JgTrace        *self,
                                               guint32         id);
guint32           jg_trace_get_n_strings      (JgTrace        *self);
guint32           jg_trace_add_task           (JgTrace        *self,
                                               const char     *name,
                                               guint32         parent);
guint32           jg_trace_add_worker         (JgTrace        *self,
                                               const char     *name,
                                               JgWorkerKind    kind,
                                               gint32          pid);
guint32           jg_trace_add_counter        (JgTrace        *self,
                                               const char     *name);
guint32           jg_trace_get_n_tasks        (JgTrace        *self);
guint32           jg_trace_get_n_workers      (JgTrace        *self);
guint32           jg_trace_get_n_counters     (JgTrace        *self);
JgTaskLane        jg_trace_get_task           (JgTrace        *self,
                                               guint32         task);
JgWorkerLane      jg_trace_get_worker         (JgTrace        *self,
                                               guint32         worker);
JgCounterLane     jg_trace_get_counter        (JgTrace        *self,
                                               guint32         counter);
const char       *jg_trace_get_task_name      (JgTrace        *self,
                                               guint32         task);
const char       *jg_trace_get_worker_name    (JgTrace        *self,
                                               guint32         worker);
const char       *jg_worker_kind_name         (JgWorkerKind    kind);
gboolean          jg_worker_kind_from_name    (const char     *name,
                                               JgWorkerKind   *kind);

/* What the run was. Set these before the trace is handed to readers on other
 * threads, or after it is finished; they are not guarded. */
const char       *jg_trace_get_scenario_id    (JgTrace        *self);
const char       *jg_trace_get_title          (JgTrace        *self);
JsonNode         *jg_trace_get_scenario       (JgTrace        *self);
void              jg_trace_set_scenario       (JgTrace        *self,
                                               const char     *id,
                                               const char     *title,
                                               JsonNode       *definition);
JsonObject       *jg_trace_get_parameters     (JgTrace        *self);
void              jg_trace_set_parameters     (JgTrace        *self,
                                               JsonObject     *parameters);
JsonObject       *jg_trace_get_results        (JgTrace        *self);
void              jg_trace_set_results        (JgTrace        *self,
                                               JsonObject     *results);
const JgRunInfo  *jg_trace_get_run_info       (JgTrace        *self);
void              jg_trace_set_run_info       (JgTrace        *self,
                                               const JgRunInfo *info);
/* The run's slow-motion factor: 1 when the run was not slowed down (or the
 * trace does not say). Real time = recorded (stretched) time / this. */
double            jg_trace_get_time_scale     (JgTrace        *self);
const JgMachineInfo *jg_trace_get_machine     (JgTrace        *self);
void              jg_trace_set_machine        (JgTrace        *self,
                                               const JgMachineInfo *machine);
/* Fills the machine facts from the running system. */
void              jg_trace_set_machine_from_host (JgTrace     *self);
/* When the run was made, in UTC; NULL if unknown. */
GDateTime        *jg_trace_get_created        (JgTrace        *self);
void              jg_trace_set_created        (JgTrace        *self,
                                               GDateTime      *created);

G_END_DECLS
