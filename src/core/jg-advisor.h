/* jg-advisor.h: the decision wizard's brain — a decision tree, kept as data in
 * data/advisor/decision-tree.json (docs/advisor.md), that recommends a
 * concurrency model from what a user knows about their job.
 *
 * jg_advisor_load parses and checks a tree: every field, every edge, no cycle,
 * no unreachable node. A JgAdvisorWalk steps through it one answer at a time
 * (the wizard's pages, with Back); jg_advisor_walk_facts answers every question
 * from a JgAdvisorFacts at once (juggler-cli recommend). Texts come back
 * translated with the GETTEXT_PACKAGE domain. */
#pragma once

#include <gio/gio.h>

#include "jg-event.h"

G_BEGIN_DECLS

#define JG_ADVISOR_ERROR (jg_advisor_error_quark ())

typedef enum
{
  JG_ADVISOR_ERROR_PARSE,   /* not JSON */
  JG_ADVISOR_ERROR_INVALID, /* a field is missing or mistyped, or the graph is broken */
  JG_ADVISOR_ERROR_FACTS,   /* no option of a question fits the facts given */
} JgAdvisorError;

GQuark jg_advisor_error_quark (void);

typedef enum
{
  JG_WORKLOAD_IO = 0, /* mostly waiting: network, disk, database */
  JG_WORKLOAD_CPU,    /* mostly computing */
  JG_WORKLOAD_MIXED,  /* separate phases: wait for data, then compute on it */
  JG_N_WORKLOADS
} JgWorkload;

/* What a question asks about: one field of JgAdvisorFacts. */
typedef enum
{
  JG_ADVISOR_FACT_WORKLOAD = 0,
  JG_ADVISOR_FACT_TASKS,
  JG_ADVISOR_FACT_RELEASES_GIL,
  JG_ADVISOR_FACT_SHARED_STATE,
  JG_ADVISOR_FACT_ALL_ASYNC,
  JG_ADVISOR_FACT_BACKGROUND,
  JG_ADVISOR_FACT_BATCH,
  JG_ADVISOR_N_FACTS
} JgAdvisorFact;

/* Everything the tree may ask, answered up front. */
typedef struct
{
  JgWorkload workload;
  guint      n_tasks;      /* how many tasks wait or run at the same time; at least 1 */
  gboolean   releases_gil; /* the heavy work is C code that drops the GIL (NumPy-style) */
  gboolean   shared_state; /* tasks update mutable data they share */
  gboolean   all_async;    /* every library on the way has an awaitable API */
  gboolean   background;   /* fire-and-forget: nothing waits for the result */
  gboolean   batch;        /* one function over every item of a large data set */
} JgAdvisorFacts;

/* "io", "cpu", "mixed"; and back. */
const char *jg_workload_name          (JgWorkload     workload);
gboolean    jg_workload_from_name     (const char    *name,
                                       JgWorkload    *workload);
/* "workload", "tasks", "releases_gil", … as the tree's "fact" field spells them. */
const char *jg_advisor_fact_name      (JgAdvisorFact  fact);

typedef struct
{
  char       *value;         /* stable, for scripts: "io", "yes", "no", "100-999", "1000+" */
  char       *label;         /* translated */
  char       *next;          /* the id of the question or recommendation it leads to */
  JgWorkload  workload;      /* WORKLOAD questions */
  gboolean    yes;           /* yes/no questions */
  guint       min_tasks;     /* TASKS questions: the range it covers, */
  guint       max_tasks;     /* G_MAXUINT for no upper bound, */
  guint       typical_tasks; /* and what "Show me" uses when it was picked */
} JgAdvisorOption;

typedef struct
{
  char            *id;
  JgAdvisorFact    fact;
  char            *text;  /* translated */
  char            *help;  /* translated: how to tell, e.g. "does the CPU sit idle while it waits?" */
  guint            n_options;
  JgAdvisorOption *options;
} JgAdvisorQuestion;

/* A model as Juggler runs it. */
typedef struct
{
  char  *model;       /* "sequential", "threads", "processes", "asyncio", "hybrid" */
  char  *interpreter; /* "gil", "free-threaded", "per-interpreter" */
  char  *executor;    /* hybrid: "threads" or "processes"; otherwise NULL */
  guint  workers;     /* the pool's size; 0: the model's default */
} JgAdvisorRunSpec;

/* The workload "Show me" builds, and the models it runs side by side. */
typedef struct
{
  guint             tasks;      /* when nothing said how many */
  guint             max_tasks;  /* a demonstration never runs more */
  double            io_ms;      /* per task, first */
  JgIoKind          io_kind;
  double            cpu_ms;     /* per task, after the I/O */
  gboolean          releases_gil;
  gboolean          shared_state; /* tasks update a shared variable */
  guint             n_compare;
  JgAdvisorRunSpec *compare;    /* [0] is the recommended model */
} JgAdvisorShowMe;

typedef struct
{
  char             *id;
  JgAdvisorRunSpec  run;             /* what Juggler runs for it */
  char             *title;           /* translated */
  char             *api;             /* Python names, not translated */
  char             *why;             /* translated */
  char            **watch_out;       /* translated; its own pitfalls, NULL-terminated */
  JgAdvisorRunSpec  runner_up;
  char             *runner_up_title; /* translated */
  char            **pitfalls;        /* translated: why not the runner-up, NULL-terminated */
  JgAdvisorShowMe   show_me;
} JgAdvisorRecommendation;

typedef struct _JgAdvisor JgAdvisor;

/* Parses and checks a tree. Errors name the file, the line and the field:
 * "decision-tree.json:40: questions[2].options[1].next: no question or
 * recommendation is called “foo”". */
JgAdvisor    *jg_advisor_load              (GFile        *file,
                                            GError      **error);
JgAdvisor    *jg_advisor_load_data         (const char   *data,
                                            gssize        length,
                                            const char   *where,
                                            GError      **error);
/* $JUGGLER_ADVISOR_DIR/decision-tree.json if the variable is set (the build
 * tree, tests), else the installed PKGDATADIR/advisor/decision-tree.json. */
JgAdvisor    *jg_advisor_load_default      (GError      **error);
JgAdvisor    *jg_advisor_ref               (JgAdvisor    *self);
void          jg_advisor_unref             (JgAdvisor    *self);

const JgAdvisorQuestion       *jg_advisor_get_root_question (JgAdvisor  *self);
guint                          jg_advisor_get_n_questions   (JgAdvisor  *self);
const JgAdvisorQuestion       *jg_advisor_get_question      (JgAdvisor  *self,
                                                             guint       index);
guint                          jg_advisor_get_n_recommendations (JgAdvisor *self);
const JgAdvisorRecommendation *jg_advisor_get_recommendation (JgAdvisor *self,
                                                             guint       index);
/* By id; NULL if there is none. */
const JgAdvisorQuestion       *jg_advisor_find_question     (JgAdvisor  *self,
                                                             const char *id);
const JgAdvisorRecommendation *jg_advisor_find_recommendation (JgAdvisor *self,
                                                             const char *id);

/* The option of @question that @facts choose, or -1 with JG_ADVISOR_ERROR_FACTS. */
int           jg_advisor_question_pick     (const JgAdvisorQuestion *question,
                                            const JgAdvisorFacts    *facts,
                                            GError                 **error);

/* Walks the tree with @facts; the recommendation belongs to @self. */
const JgAdvisorRecommendation *jg_advisor_recommend (JgAdvisor            *self,
                                                     const JgAdvisorFacts *facts,
                                                     GError              **error);

/* A walk through the tree: where the wizard is, and the answers so far. */
typedef struct _JgAdvisorWalk JgAdvisorWalk;

JgAdvisorWalk *jg_advisor_walk_new         (JgAdvisor     *advisor);
/* A walk from the root to a recommendation, every answer taken from @facts. */
JgAdvisorWalk *jg_advisor_walk_facts       (JgAdvisor            *advisor,
                                            const JgAdvisorFacts *facts,
                                            GError              **error);
void           jg_advisor_walk_free        (JgAdvisorWalk *self);
JgAdvisor     *jg_advisor_walk_get_advisor (JgAdvisorWalk *self);

/* The question to answer now; NULL once a recommendation is reached. */
const JgAdvisorQuestion       *jg_advisor_walk_get_question       (JgAdvisorWalk *self);
/* The recommendation reached; NULL while questions remain. */
const JgAdvisorRecommendation *jg_advisor_walk_get_recommendation (JgAdvisorWalk *self);
/* Answers the current question with its option @option. FALSE (and nothing
 * changes) if the walk is finished or there is no such option. */
gboolean       jg_advisor_walk_answer      (JgAdvisorWalk *self,
                                            guint          option);
/* Takes back the last answer; FALSE at the root. */
gboolean       jg_advisor_walk_back        (JgAdvisorWalk *self);
/* The answers so far, in order. */
guint          jg_advisor_walk_get_n_steps (JgAdvisorWalk *self);
const JgAdvisorQuestion *jg_advisor_walk_get_step (JgAdvisorWalk *self,
                                                   guint          index,
                                                   guint         *option);
/* How many tasks "Show me" runs: the count in the facts, else the typical
 * count of the task range picked, else the recommendation's own default;
 * never more than its max_tasks. 0 while no recommendation is reached. */
guint          jg_advisor_walk_get_show_me_tasks (JgAdvisorWalk *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgAdvisor, jg_advisor_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgAdvisorWalk, jg_advisor_walk_free)

G_END_DECLS
