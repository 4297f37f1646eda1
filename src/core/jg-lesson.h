/* jg-lesson.h: lessons — a guided sequence of built-in scenarios, in the order
 * a course would teach them, each with what to look at and a question for the
 * class, and optionally a prepared trace so it can be shown without running
 * anything (docs/lessons.md).
 *
 * A lesson is a JSON file. jg_lesson_load checks every field, that every step's
 * scenario exists and accepts its model and parameters, and that every trace
 * loads; errors name the file and the field ("course.json: steps[2].scenario:
 * …"). jg_lesson_save writes the traces and then the lesson, each atomically.
 * Texts come back translated with the GETTEXT_PACKAGE domain; what is saved is
 * the untranslated original. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jg-trace.h"

G_BEGIN_DECLS

#define JG_LESSON_FORMAT  "juggler-lesson"
#define JG_LESSON_VERSION 1

#define JG_LESSON_ERROR (jg_lesson_error_quark ())

typedef enum
{
  JG_LESSON_ERROR_PARSE,     /* not JSON */
  JG_LESSON_ERROR_INVALID,   /* a field is missing, mistyped, unknown or out of range */
  JG_LESSON_ERROR_VERSION,   /* written by a newer Juggler */
  JG_LESSON_ERROR_SCENARIO,  /* no such built-in scenario, or a model or parameter it does not accept */
  JG_LESSON_ERROR_TRACE,     /* a trace is missing, does not load, or is of another scenario */
  JG_LESSON_ERROR_NOT_FOUND, /* no built-in lesson by that id */
} JgLessonError;

GQuark jg_lesson_error_quark (void);

/* What a step teaches, in the order a course goes through them. */
typedef enum
{
  JG_LESSON_TOPIC_CONCURRENCY = 0, /* "concurrency-vs-parallelism" */
  JG_LESSON_TOPIC_GIL,             /* "gil" */
  JG_LESSON_TOPIC_IO_VS_CPU,       /* "io-vs-cpu" */
  JG_LESSON_TOPIC_THREADS,         /* "threads" */
  JG_LESSON_TOPIC_PROCESSES,       /* "processes" */
  JG_LESSON_TOPIC_ASYNCIO,         /* "asyncio" */
  JG_LESSON_TOPIC_PITFALLS,        /* "pitfalls" */
  JG_LESSON_TOPIC_CHOOSING,        /* "choosing" */
  JG_N_LESSON_TOPICS
} JgLessonTopic;

typedef enum
{
  /* Traces go in a folder beside the lesson: NAME.json, NAME.traces/01-….juggler. */
  JG_LESSON_SAVE_DEFAULT = 0,
  /* Traces go inside the lesson file (base64 of the .juggler bytes): one file to share. */
  JG_LESSON_SAVE_EMBED_TRACES = 1 << 0,
} JgLessonSaveFlags;

typedef struct _JgLesson     JgLesson;
typedef struct _JgLessonStep JgLessonStep;

const char     *jg_lesson_topic_name        (JgLessonTopic  topic);
gboolean        jg_lesson_topic_from_name   (const char    *name,
                                             JgLessonTopic *topic);
/* The topic as a course heading, translated: "The GIL". */
const char     *jg_lesson_topic_title       (JgLessonTopic  topic);

/* Lessons */

JgLesson       *jg_lesson_new               (const char    *id,
                                             const char    *title);
JgLesson       *jg_lesson_ref               (JgLesson      *self);
void            jg_lesson_unref             (JgLesson      *self);

JgLesson       *jg_lesson_load              (GFile         *file,
                                             GError       **error);
/* @where names the source in errors; relative trace paths are resolved in
 * @folder (NULL: a lesson with trace paths is an error). */
JgLesson       *jg_lesson_load_data         (const char    *data,
                                             gssize         length,
                                             const char    *where,
                                             GFile         *folder,
                                             GError       **error);
/* Built-ins live in data/lessons (installed under PKGDATADIR/lessons; the
 * JUGGLER_LESSON_DIR environment variable overrides, for the build tree). */
GPtrArray      *jg_lesson_load_builtins     (GError       **error);
JgLesson       *jg_lesson_find_builtin      (const char    *id,
                                             GError       **error);

/* Checks the lesson as loading would (so what is saved loads again), writes
 * every trace, then the lesson file; each file is replaced atomically. */
gboolean        jg_lesson_save              (JgLesson      *self,
                                             GFile         *file,
                                             GError       **error);
gboolean        jg_lesson_save_full         (JgLesson      *self,
                                             GFile         *file,
                                             JgLessonSaveFlags flags,
                                             GError       **error);
/* The checks jg_lesson_load makes, for a lesson built in memory. */
gboolean        jg_lesson_validate          (JgLesson      *self,
                                             GError       **error);

const char     *jg_lesson_get_id            (JgLesson      *self);
const char     *jg_lesson_get_title         (JgLesson      *self);
const char     *jg_lesson_get_summary       (JgLesson      *self); /* NULL if none */
void            jg_lesson_set_summary       (JgLesson      *self,
                                             const char    *summary);
guint           jg_lesson_get_n_steps       (JgLesson      *self);
JgLessonStep   *jg_lesson_get_step          (JgLesson      *self,
                                             guint          index);
/* Takes @step. */
void            jg_lesson_add_step          (JgLesson      *self,
                                             JgLessonStep  *step);

/* Steps */

JgLessonStep   *jg_lesson_step_new          (JgLessonTopic  topic,
                                             const char    *scenario,
                                             const char    *model);
void            jg_lesson_step_free         (JgLessonStep  *step);

JgLessonTopic   jg_lesson_step_get_topic    (JgLessonStep  *step);
const char     *jg_lesson_step_get_scenario (JgLessonStep  *step);
const char     *jg_lesson_step_get_model    (JgLessonStep  *step);
/* Translated texts; the answer (for the teacher) may be NULL. */
const char     *jg_lesson_step_get_title    (JgLessonStep  *step);
const char     *jg_lesson_step_get_look_at  (JgLessonStep  *step);
const char     *jg_lesson_step_get_question (JgLessonStep  *step);
const char     *jg_lesson_step_get_answer   (JgLessonStep  *step);
/* The scenario's parameter values (name -> number or boolean); never NULL. */
JsonObject     *jg_lesson_step_get_parameters (JgLessonStep *step);
/* 0: the model's default. */
guint           jg_lesson_step_get_workers  (JgLessonStep  *step);
/* NULL: the default interpreter ("gil"). */
const char     *jg_lesson_step_get_interpreter (JgLessonStep *step);
/* Processes: "fork", "spawn" or "forkserver"; NULL: the default. */
const char     *jg_lesson_step_get_start_method (JgLessonStep *step);
/* 0: the default (5 ms). */
double          jg_lesson_step_get_switch_interval_ms (JgLessonStep *step);
/* The prepared trace, or NULL; its .juggler bytes, exactly as loaded or made. */
JgTrace        *jg_lesson_step_get_trace    (JgLessonStep  *step);
GBytes         *jg_lesson_step_get_trace_bytes (JgLessonStep *step);
/* Where the trace was or will be written, relative to the lesson; NULL if embedded. */
const char     *jg_lesson_step_get_trace_path (JgLessonStep *step);

void            jg_lesson_step_set_texts    (JgLessonStep  *step,
                                             const char    *title,
                                             const char    *look_at,
                                             const char    *question,
                                             const char    *answer);
/* Copies @parameters. */
void            jg_lesson_step_set_parameters (JgLessonStep *step,
                                             JsonObject    *parameters);
void            jg_lesson_step_set_workers  (JgLessonStep  *step,
                                             guint          workers);
void            jg_lesson_step_set_interpreter (JgLessonStep *step,
                                             const char    *interpreter);
void            jg_lesson_step_set_start_method (JgLessonStep *step,
                                             const char    *start_method);
void            jg_lesson_step_set_switch_interval_ms (JgLessonStep *step,
                                             double         switch_interval_ms);
/* A run to show: serialised at once as a .juggler file. */
gboolean        jg_lesson_step_set_trace    (JgLessonStep  *step,
                                             JgTrace       *trace,
                                             GError       **error);
/* The bytes of a .juggler file; they must load. @where names them in errors. */
gboolean        jg_lesson_step_set_trace_bytes (JgLessonStep *step,
                                             GBytes        *bytes,
                                             const char    *where,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgLesson, jg_lesson_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgLessonStep, jg_lesson_step_free)

G_END_DECLS
