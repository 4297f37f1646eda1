/* jg-metrics.h: the numbers that explain a run, computed from its spans
 * (DESIGN.md §3). Concurrency and parallelism side by side are the point. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "jg-spans.h"
#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_METRICS_MAX_CORES 1024

typedef struct
{
  guint64 events;          /* events up to the time limit */
  guint64 wall_ns;         /* from the run's start (ts 0) to its end */
  double  time_scale;      /* slow motion: times here are stretched; real = stretched / this */
  guint64 cpu_ns;          /* time on a CPU: measured CPU time of Running spans (else Running
                            * time, at most n_cores at once) */
  double  concurrency;     /* mean tasks in flight (begun, not ended) over the wall time */
  double  parallelism;     /* mean tasks on a CPU at once: cpu_ns / wall_ns */
  double  core_utilisation;/* cpu_ns / (wall_ns * n_cores) */
  guint   n_cores;         /* of the machine that recorded it */
  guint   cores_used;      /* cores on which some task ran */
  guint   max_concurrency; /* most tasks in flight at once */
  guint   max_parallelism; /* most tasks on a CPU at once (at most n_cores) */
  guint   gil_handoffs;    /* GIL takes by a task other than its last holder */
  guint   gil_drop_requests;
  guint64 gil_wait_ns;     /* time tasks spent Waiting for the GIL */
  guint64 state_ns[JG_N_STATES]; /* time in each state, summed over tasks (Done excluded; Running uncapped) */
  guint   tasks;
  guint   tasks_ended;
  guint   tasks_failed;    /* ended with error, cancelled or crashed */
  guint64 core_busy_ns[JG_METRICS_MAX_CORES]; /* Running time per core */
} JgMetrics;

/* Computes the metrics of what @spans has consumed of @trace, counting only
 * time before @until_ns (G_MAXUINT64 for all of it: the play head in a replay). */
void jg_metrics_compute (JgMetrics *metrics,
                         JgTrace   *trace,
                         JgSpans   *spans,
                         guint64    until_ns);

G_END_DECLS

G_BEGIN_DECLS

/* Adds the metrics as members of the object @builder is building (seconds for
 * times), the shape `juggler-cli info --json` and `run --json` print. */
void jg_metrics_add_to_builder (const JgMetrics *metrics,
                                JsonBuilder     *builder);

G_END_DECLS
