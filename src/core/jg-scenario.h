/* jg-scenario.h: a scenario — the workload a run executes — as plain data.
 *
 * Scenarios are JSON files (docs/scenarios.md): a title, the idea it teaches,
 * parameters with defaults and ranges, shared objects (locks, semaphores, queues,
 * variables) and tasks made of steps. jg_scenario_load parses and checks a file;
 * jg_scenario_instantiate applies parameter values and expands task counts and
 * repeats into a flat JgScenarioPlan that executors run without further lookups.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jg-event.h"

G_BEGIN_DECLS

#define JG_SCENARIO_ERROR (jg_scenario_error_quark ())

typedef enum
{
  JG_SCENARIO_ERROR_PARSE,     /* not JSON */
  JG_SCENARIO_ERROR_INVALID,   /* a field is missing, mistyped or out of range */
  JG_SCENARIO_ERROR_PARAMETER, /* a --set NAME=VALUE the scenario does not accept */
  JG_SCENARIO_ERROR_NOT_FOUND, /* no built-in scenario by that id */
} JgScenarioError;

GQuark jg_scenario_error_quark (void);

typedef enum
{
  JG_PARAM_INT = 0,
  JG_PARAM_DOUBLE,
  JG_PARAM_BOOL,
} JgParamType;

typedef struct
{
  char       *name;
  char       *label;       /* translated, for the side panel; the name if the file has none */
  char       *unit;        /* "ms", "tasks", … (translated) or NULL */
  JgParamType type;
  double      min;
  double      max;
  double      default_value; /* booleans: 0 or 1 */
} JgScenarioParam;

typedef enum
{
  JG_STEP_CPU = 0,     /* ms of real computation; releases_gil for NumPy-style C code */
  JG_STEP_IO,          /* ms of blocking I/O of io_kind; drops the GIL around it */
  JG_STEP_BLOCK,       /* a blocking call (time.sleep) made where it should not be */
  JG_STEP_LOCK,        /* acquire lock `object` */
  JG_STEP_UNLOCK,      /* release lock `object` */
  JG_STEP_SEM_ACQUIRE, /* semaphore `object` */
  JG_STEP_SEM_RELEASE,
  JG_STEP_QUEUE_PUT,   /* bounded queue `object` */
  JG_STEP_QUEUE_GET,
  JG_STEP_READ,        /* copy shared variable `object` into the task's register */
  JG_STEP_WRITE,       /* store register + `value` into shared variable `object` */
  JG_STEP_TRANSFER,    /* `value` bytes really serialised and sent to or from a worker process */
  /* asyncio (docs/asyncio.md): the children are plan tasks [child, child + n_children) */
  JG_STEP_SPAWN,       /* asyncio.create_task for each child; no wait */
  JG_STEP_AWAIT,       /* await spawned tasks: those named `message`, or all (NULL) */
  JG_STEP_GATHER,      /* asyncio.gather (children), then the body once per result, in order */
  JG_STEP_TASKGROUP,   /* async with asyncio.TaskGroup: a failure cancels the siblings */
  JG_STEP_AS_COMPLETED,/* the body once per child, in the order they finish */
  JG_STEP_MAP,         /* the body once per child, in the order they were started */
  JG_STEP_WAIT_FOR,    /* asyncio.wait_for (one child, timeout_ms) */
  JG_STEP_CANCEL,      /* task.cancel () on spawned tasks: those named `message`, or all (NULL) */
  JG_STEP_FAIL,        /* raise `message` */
  JG_STEP_TO_THREAD,   /* asyncio.to_thread / run_in_executor: the child runs in an executor */
  JG_STEP_N_KINDS
} JgStepKind;

/* JgStep.async_flags */
#define JG_STEP_RETURN_EXCEPTIONS 0x1 /* GATHER: failures are results, not raised */
#define JG_STEP_CATCH             0x2 /* an exception (or TimeoutError) raised here is caught */
#define JG_STEP_IN_PROCESSES      0x4 /* TO_THREAD: run_in_executor on the process pool */

/* Which way a transfer goes: a task's arguments travel to its worker process
 * before it starts, its result back after it ends (docs/processes.md). */
typedef enum
{
  JG_TRANSFER_TO_WORKER = 0,
  JG_TRANSFER_FROM_WORKER,
  JG_TRANSFER_N_DIRECTIONS
} JgTransferDirection;

/* One transfer step moves at most 1 GiB. */
#define JG_TRANSFER_MAX_BYTES (G_GINT64_CONSTANT (1) << 30)

typedef struct
{
  JgStepKind kind;
  double     ms;           /* CPU, IO, BLOCK */
  gboolean   releases_gil; /* CPU */
  JgIoKind   io_kind;      /* IO */
  guint      object;       /* index into the plan's locks / semaphores / queues / variables */
  gint64     value;        /* WRITE: what is added to the register; TRANSFER: bytes */
  JgTransferDirection direction; /* TRANSFER */
  guint      child;        /* asyncio: the first child task (a plan task index) */
  guint      n_children;   /* asyncio: how many; AWAIT/CANCEL by name: 0 */
  guint      n_body;       /* GATHER, AS_COMPLETED, MAP: the steps after this one, run per result */
  double     timeout_ms;   /* GATHER, TASKGROUP, AWAIT, WAIT_FOR: > 0 for a deadline */
  guint      async_flags;  /* JG_STEP_RETURN_EXCEPTIONS, JG_STEP_CATCH, JG_STEP_IN_PROCESSES */
  const char *message;     /* FAIL: the exception; SPAWN, AWAIT, CANCEL: the task's name as
                            * written. Interned (g_intern_string): it outlives every plan. */
} JgStep;

typedef struct
{
  char   *name;      /* "Download 3" */
  guint   n_steps;
  JgStep *steps;     /* repeats already expanded */
} JgPlanTask;

typedef struct
{
  char  *name;
  gint64 initial;    /* variables: the start value; semaphores: the count; queues: the capacity */
  gint64 expected;   /* variables: the value if no update were lost, or G_MININT64 if not stated */
} JgPlanObject;

/* A scenario with its parameters applied: what a run executes. */
typedef struct
{
  char         *id;
  char         *title;
  JsonObject   *parameters;   /* name -> the value used */
  guint         n_tasks;
  JgPlanTask   *tasks;
  guint         n_locks;
  JgPlanObject *locks;
  guint         n_semaphores;
  JgPlanObject *semaphores;
  guint         n_queues;
  JgPlanObject *queues;
  guint         n_variables;
  JgPlanObject *variables;
} JgScenarioPlan;

typedef struct _JgScenario JgScenario;

/* Parses and validates a scenario file. Errors name the file, the line and the
 * field: "race.json:12: tasks[0].steps[2].ms: expected a number or a $parameter". */
JgScenario      *jg_scenario_load           (GFile         *file,
                                             GError       **error);
JgScenario      *jg_scenario_load_data      (const char    *data,
                                             gssize         length,
                                             const char    *where,
                                             GError       **error);
/* Built-ins live in data/scenarios (installed under PKGDATADIR/scenarios; the
 * JUGGLER_SCENARIO_DIR environment variable overrides, for the build tree). */
GPtrArray       *jg_scenario_load_builtins  (GError       **error);
JgScenario      *jg_scenario_find_builtin   (const char    *id,
                                             GError       **error);
JgScenario      *jg_scenario_ref            (JgScenario    *self);
void             jg_scenario_unref          (JgScenario    *self);

/* Title, idea, seed and the parameters' labels and units come back translated
 * with the GETTEXT_PACKAGE domain (the files hold English msgids, see
 * docs/translating.md); the definition keeps the file's English. */
const char      *jg_scenario_get_id         (JgScenario    *self);
const char      *jg_scenario_get_title      (JgScenario    *self);
const char      *jg_scenario_get_idea       (JgScenario    *self); /* the teacher's explanation */
const char      *jg_scenario_get_seed       (JgScenario    *self); /* which seed idea it shows */
/* Models it is meant for: "sequential", "threads", … (NULL-terminated). */
const char * const *jg_scenario_get_models  (JgScenario    *self);
const char      *jg_scenario_get_default_model (JgScenario *self);
guint            jg_scenario_get_n_params   (JgScenario    *self);
const JgScenarioParam *jg_scenario_get_param (JgScenario   *self,
                                             guint          index);
/* The scenario as its JSON definition, for the trace file. */
JsonNode        *jg_scenario_get_definition (JgScenario    *self);

/* Applies @values (name -> number/bool; missing names take their defaults).
 * Unknown names and values out of range are JG_SCENARIO_ERROR_PARAMETER. */
JgScenarioPlan  *jg_scenario_instantiate    (JgScenario    *self,
                                             JsonObject    *values,
                                             GError       **error);
void             jg_scenario_plan_free      (JgScenarioPlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgScenario, jg_scenario_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgScenarioPlan, jg_scenario_plan_free)

G_END_DECLS
