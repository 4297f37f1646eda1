/* jg-compare.h: one scenario plan run under several models — "contenders" —
 * one after another, and what their figures say (docs/compare.md): wall times,
 * speedups over the sequential run, concurrency and parallelism, a ranking, a
 * sentence saying which won and why, and the advisor's recommendation for the
 * same job set beside the measured winner.
 *
 * jg_compare_start returns at once. The runs never overlap (they would fight
 * for the cores); each one's metrics are computed on a worker thread; every
 * signal is emitted in the main context that was the thread default when the
 * compare was started, which is also where each JgRun emits "finished". */
#pragma once

#include <gio/gio.h>

#include "jg-advisor.h"
#include "jg-metrics.h"
#include "jg-run.h"
#include "jg-scenario.h"

G_BEGIN_DECLS

typedef enum
{
  JG_CONTENDER_PENDING = 0, /* waiting for its turn */
  JG_CONTENDER_RUNNING,
  JG_CONTENDER_DONE,        /* its run ended: see status and metrics */
  JG_CONTENDER_SKIPPED,     /* never ran: see reason */
  JG_CONTENDER_N_STATES
} JgContenderState;

/* A contender within this factor of the winner's wall time ties with it:
 * run-to-run noise on a shared machine is about that large. */
#define JG_COMPARE_TIE_RATIO 1.15

/* One model, interpreter and set of options, and how its run went. Owned by
 * the compare; read it in the compare's main context. */
typedef struct
{
  char            *id;       /* what --models names: "sequential", "threads", "free-threaded",
                              * "processes", "asyncio", "hybrid", "hybrid-processes" */
  char            *label;    /* for people: "threads (10 workers)" */
  JgRunOptions     options;
  JgContenderState state;
  char            *reason;   /* SKIPPED: why, in a sentence; else NULL */
  JgRun           *run;      /* from the moment it is added, unless skipped then */
  JgRunStatus      status;   /* DONE: how the run ended */
  JgMetrics       *metrics;  /* DONE: computed from the finished trace; else NULL */
  double           speedup;  /* the baseline's wall time over this one's; 0 if unknown */
  guint            rank;     /* 1 is the fastest; 0 if not ranked (skipped, stopped, failed) */
  gboolean         tied;     /* ranked, and within JG_COMPARE_TIE_RATIO of the winner */
} JgContender;

#define JG_TYPE_COMPARE (jg_compare_get_type ())
G_DECLARE_FINAL_TYPE (JgCompare, jg_compare, JG, COMPARE, GObject)

/* The contender ids --models accepts, in the default order, NULL-terminated. */
const char * const *jg_compare_get_contender_ids (void);

/* Copies @plan. @models lists the models it is meant for (a scenario's
 * "models"); contenders outside it are skipped. NULL allows every model. */
JgCompare        *jg_compare_new               (const JgScenarioPlan *plan,
                                                const char * const   *models);
/* Instantiates @scenario with @values (as jg_scenario_instantiate) and keeps
 * its models and its definition, which each run's trace stores. */
JgCompare        *jg_compare_new_for_scenario  (JgScenario           *scenario,
                                                JsonObject           *values,
                                                GError              **error);

const char       *jg_compare_get_scenario_id   (JgCompare            *self);
const char       *jg_compare_get_title         (JgCompare            *self);
guint             jg_compare_get_n_tasks       (JgCompare            *self);

/* Adds a contender by id (see jg_compare_get_contender_ids) with @workers
 * threads or processes in its pool (0: the model's default). Returns its
 * index, or -1 with G_IO_ERROR_INVALID_ARGUMENT for an unknown id. A contender
 * the plan is not meant for is added as SKIPPED, with the reason. Before
 * jg_compare_start only. */
int               jg_compare_add_contender     (JgCompare            *self,
                                                const char           *id,
                                                guint                 workers,
                                                GError              **error);
/* Adds the model an advisor recommendation names; @workers, if not 0,
 * overrides the spec's own. */
int               jg_compare_add_run_spec      (JgCompare            *self,
                                                const JgAdvisorRunSpec *spec,
                                                guint                 workers,
                                                GError              **error);
/* Every id of jg_compare_get_contender_ids except hybrid-processes. */
void              jg_compare_add_default_contenders (JgCompare       *self,
                                                guint                 workers);

guint             jg_compare_get_n_contenders  (JgCompare            *self);
const JgContender *jg_compare_get_contender    (JgCompare            *self,
                                                guint                 index);

/* What the advisor would be told about the plan's job: the I/O and CPU shares
 * of its steps, its task count, whether its computing releases the GIL,
 * whether tasks write shared variables or take locks, and whether it can be
 * all async (@models allows asyncio). */
void              jg_compare_facts_from_plan   (const JgScenarioPlan *plan,
                                                const char * const   *models,
                                                JgAdvisorFacts       *facts);
/* Sets the advisor's recommendation for the plan's job beside the results. */
gboolean          jg_compare_recommend         (JgCompare            *self,
                                                JgAdvisor            *advisor,
                                                GError              **error);
/* Sets @recommendation (which belongs to @advisor), given for @facts. */
void              jg_compare_set_recommendation (JgCompare           *self,
                                                JgAdvisor            *advisor,
                                                const JgAdvisorRecommendation *recommendation,
                                                const JgAdvisorFacts *facts);
const JgAdvisorRecommendation *jg_compare_get_recommendation (JgCompare *self);
/* The contender that runs the recommended model, or -1. */
int               jg_compare_get_recommended   (JgCompare            *self);
/* Adds the recommended model if no contender runs it yet (skipped if the plan
 * is not meant for it); returns the contender that runs it, or -1 without a
 * recommendation. Before jg_compare_start only. */
int               jg_compare_add_recommended   (JgCompare            *self,
                                                guint                 workers);

/* Starts the first contender; FALSE if there is none to run. */
gboolean          jg_compare_start             (JgCompare            *self,
                                                GError              **error);
/* Stops the running contender and skips the rest. Thread-safe; returns at once. */
void              jg_compare_stop              (JgCompare            *self);
/* Blocks until the compare has finished (for the CLI and tests), iterating
 * its main context if the calling thread can own it. */
void              jg_compare_wait              (JgCompare            *self);
gboolean          jg_compare_is_finished       (JgCompare            *self);
gboolean          jg_compare_is_stopped        (JgCompare            *self);
/* The contender running now, or -1. */
int               jg_compare_get_current       (JgCompare            *self);
/* The share of contenders that have run or been skipped, from 0 to 1. */
double            jg_compare_get_progress      (JgCompare            *self);

/* Once finished. The fastest contender that ran to its end, or -1. */
int               jg_compare_get_winner        (JgCompare            *self);
/* What speedups are measured against: the sequential contender if it ran to
 * its end, else the slowest one that did; -1 if none did. */
int               jg_compare_get_baseline      (JgCompare            *self);
/* Ranked contenders, fastest first. */
guint             jg_compare_get_n_ranked      (JgCompare            *self);
int               jg_compare_get_ranked        (JgCompare            *self,
                                                guint                 rank);
/* Which won and why, from the figures (translated). */
const char       *jg_compare_get_sentence      (JgCompare            *self);
/* Whether the recommended model won or tied with the winner. */
gboolean          jg_compare_get_agrees        (JgCompare            *self);
/* The recommendation beside the measured winner and, where they disagree,
 * why; NULL without a recommendation. */
const char       *jg_compare_get_note          (JgCompare            *self);

/* Adds the results as members of the object @builder is building: the shape
 * `juggler-cli compare --json` prints (docs/compare.md). */
void              jg_compare_add_to_builder    (JgCompare            *self,
                                                JsonBuilder          *builder);

/* The plan "Show me" runs for a recommendation: @n_tasks tasks, each waiting
 * show_me->io_ms of show_me->io_kind I/O, then computing show_me->cpu_ms
 * (releasing the GIL if it says so), then, with shared_state, adding one to a
 * shared variable under a lock. */
JgScenarioPlan   *jg_compare_plan_from_show_me (const JgAdvisorShowMe *show_me,
                                                guint                 n_tasks);

G_END_DECLS
