/* jg-lesson.c: lesson files (docs/lessons.md): loading and checking them,
 * saving them with their traces, and the built-in course.
 *
 * Loading checks the shape of every field first (errors name the file and the
 * JSON path of the field), then what the fields mean: that each step's
 * scenario is a built-in, accepts the step's model and parameters, and that its
 * trace loads and is a run of that scenario. Saving makes the same checks, so a
 * saved lesson always loads again. */
#define G_LOG_DOMAIN "jg-lesson"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jg-gil.h"
#include "jg-interpreter.h"
#include "jg-i18n.h"
#include "jg-json-util.h"
#include "jg-lesson.h"
#include "jg-scenario.h"
#include "jg-trace-file.h"

#define MAX_FILE_BYTES  (G_GINT64_CONSTANT (512) * 1024 * 1024) /* embedded traces make it big */
#define MAX_STEPS       100
#define MAX_WORKERS     1024
#define MAX_INTERVAL_MS 1000.0
#define TRACE_SUFFIX    ".juggler"
#define TRACES_SUFFIX   ".traces"

G_DEFINE_QUARK (jg-lesson-error-quark, jg_lesson_error)

struct _JgLessonStep
{
  JgLessonTopic topic;
  char         *scenario;
  char         *model;
  char         *title;     /* untranslated, as in the file */
  char         *look_at;
  char         *question;
  char         *answer;
  JsonObject   *parameters;
  guint         workers;
  char         *interpreter;
  char         *start_method;
  double        switch_interval_ms;
  JgTrace      *trace;
  GBytes       *trace_bytes;
  char         *trace_path;
};

struct _JgLesson
{
  gatomicrefcount ref_count;
  char           *id;
  char           *title;
  char           *summary;
  GPtrArray      *steps; /* JgLessonStep */
};

static const char * const topic_names[] = {
  [JG_LESSON_TOPIC_CONCURRENCY] = "concurrency-vs-parallelism",
  [JG_LESSON_TOPIC_GIL] = "gil",
  [JG_LESSON_TOPIC_IO_VS_CPU] = "io-vs-cpu",
  [JG_LESSON_TOPIC_THREADS] = "threads",
  [JG_LESSON_TOPIC_PROCESSES] = "processes",
  [JG_LESSON_TOPIC_ASYNCIO] = "asyncio",
  [JG_LESSON_TOPIC_PITFALLS] = "pitfalls",
  [JG_LESSON_TOPIC_CHOOSING] = "choosing",
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (topic_names) == JG_N_LESSON_TOPICS + 1);

static const char * const start_methods[] = { "fork", "spawn", "forkserver", NULL };

const char *
jg_lesson_topic_name (JgLessonTopic topic)
{
  g_return_val_if_fail ((guint) topic < JG_N_LESSON_TOPICS, NULL);
  return topic_names[topic];
}

gboolean
jg_lesson_topic_from_name (const char    *name,
                           JgLessonTopic *topic)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; topic_names[i] != NULL; i++)
    if (g_str_equal (topic_names[i], name))
      {
        if (topic != NULL)
          *topic = (JgLessonTopic) i;
        return TRUE;
      }
  return FALSE;
}

const char *
jg_lesson_topic_title (JgLessonTopic topic)
{
  switch (topic)
    {
    case JG_LESSON_TOPIC_CONCURRENCY:
      return _("Concurrency and parallelism");
    case JG_LESSON_TOPIC_GIL:
      return _("The GIL");
    case JG_LESSON_TOPIC_IO_VS_CPU:
      return _("I/O-bound and CPU-bound work");
    case JG_LESSON_TOPIC_THREADS:
      return _("Threads");
    case JG_LESSON_TOPIC_PROCESSES:
      return _("Processes");
    case JG_LESSON_TOPIC_ASYNCIO:
      return _("asyncio");
    case JG_LESSON_TOPIC_PITFALLS:
      return _("Pitfalls");
    case JG_LESSON_TOPIC_CHOOSING:
      return _("Choosing a model");
    case JG_N_LESSON_TOPICS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
is_interpreter (const char *name)
{
  JgInterpreterMode mode;

  return jg_interpreter_mode_from_name (name, &mode);
}

/* Steps */

JgLessonStep *
jg_lesson_step_new (JgLessonTopic  topic,
                    const char    *scenario,
                    const char    *model)
{
  JgLessonStep *step;

  g_return_val_if_fail ((guint) topic < JG_N_LESSON_TOPICS, NULL);
  g_return_val_if_fail (scenario != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  step = g_new0 (JgLessonStep, 1);
  step->topic = topic;
  step->scenario = g_strdup (scenario);
  step->model = g_strdup (model);
  step->parameters = json_object_new ();
  return step;
}

void
jg_lesson_step_free (JgLessonStep *step)
{
  if (step == NULL)
    return;

  g_free (step->scenario);
  g_free (step->model);
  g_free (step->title);
  g_free (step->look_at);
  g_free (step->question);
  g_free (step->answer);
  json_object_unref (step->parameters);
  g_free (step->interpreter);
  g_free (step->start_method);
  g_clear_object (&step->trace);
  g_clear_pointer (&step->trace_bytes, g_bytes_unref);
  g_free (step->trace_path);
  g_free (step);
}

JgLessonTopic
jg_lesson_step_get_topic (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, JG_LESSON_TOPIC_CONCURRENCY);
  return step->topic;
}

const char *
jg_lesson_step_get_scenario (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->scenario;
}

const char *
jg_lesson_step_get_model (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->model;
}

const char *
jg_lesson_step_get_title (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return jg_i18n_translate (step->title);
}

const char *
jg_lesson_step_get_look_at (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return jg_i18n_translate (step->look_at);
}

const char *
jg_lesson_step_get_question (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return jg_i18n_translate (step->question);
}

const char *
jg_lesson_step_get_answer (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return jg_i18n_translate (step->answer);
}

JsonObject *
jg_lesson_step_get_parameters (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->parameters;
}

guint
jg_lesson_step_get_workers (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, 0);
  return step->workers;
}

const char *
jg_lesson_step_get_interpreter (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->interpreter;
}

const char *
jg_lesson_step_get_start_method (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->start_method;
}

double
jg_lesson_step_get_switch_interval_ms (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, 0);
  return step->switch_interval_ms;
}

JgTrace *
jg_lesson_step_get_trace (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->trace;
}

GBytes *
jg_lesson_step_get_trace_bytes (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->trace_bytes;
}

const char *
jg_lesson_step_get_trace_path (JgLessonStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  return step->trace_path;
}

static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = value != NULL && *value != '\0' ? g_strdup (value) : NULL;

  g_free (*field);
  *field = copy;
}

void
jg_lesson_step_set_texts (JgLessonStep *step,
                          const char   *title,
                          const char   *look_at,
                          const char   *question,
                          const char   *answer)
{
  g_return_if_fail (step != NULL);

  replace_string (&step->title, title);
  replace_string (&step->look_at, look_at);
  replace_string (&step->question, question);
  replace_string (&step->answer, answer);
}

void
jg_lesson_step_set_parameters (JgLessonStep *step,
                               JsonObject   *parameters)
{
  g_autoptr (GList) members = NULL;

  g_return_if_fail (step != NULL);

  json_object_unref (step->parameters);
  step->parameters = json_object_new ();
  if (parameters == NULL)
    return;
  members = json_object_get_members (parameters);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (step->parameters, l->data,
                            json_node_copy (json_object_get_member (parameters, l->data)));
}

void
jg_lesson_step_set_workers (JgLessonStep *step,
                            guint         workers)
{
  g_return_if_fail (step != NULL);
  step->workers = workers;
}

void
jg_lesson_step_set_interpreter (JgLessonStep *step,
                                const char   *interpreter)
{
  g_return_if_fail (step != NULL);
  replace_string (&step->interpreter, interpreter);
}

void
jg_lesson_step_set_start_method (JgLessonStep *step,
                                 const char   *start_method)
{
  g_return_if_fail (step != NULL);
  replace_string (&step->start_method, start_method);
}

void
jg_lesson_step_set_switch_interval_ms (JgLessonStep *step,
                                       double        switch_interval_ms)
{
  g_return_if_fail (step != NULL);
  step->switch_interval_ms = switch_interval_ms;
}

gboolean
jg_lesson_step_set_trace_bytes (JgLessonStep  *step,
                                GBytes        *bytes,
                                const char    *where,
                                GError       **error)
{
  JgTrace *trace;
  gsize length;
  const char *data;

  g_return_val_if_fail (step != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (bytes, &length);
  trace = jg_trace_file_load_data (data != NULL ? data : "", length, where != NULL ? where : "trace", error);
  if (trace == NULL)
    return FALSE;
  g_clear_object (&step->trace);
  step->trace = trace;
  g_clear_pointer (&step->trace_bytes, g_bytes_unref);
  step->trace_bytes = g_bytes_ref (bytes);
  return TRUE;
}

gboolean
jg_lesson_step_set_trace (JgLessonStep  *step,
                          JgTrace       *trace,
                          GError       **error)
{
  g_autoptr (GFileIOStream) stream = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gboolean ok;

  g_return_val_if_fail (step != NULL, FALSE);
  g_return_val_if_fail (JG_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The .juggler writer works on files: go through a private temporary one. */
  file = g_file_new_tmp ("juggler-lesson-XXXXXX" TRACE_SUFFIX, &stream, error);
  if (file == NULL)
    return FALSE;
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  ok = jg_trace_file_save (trace, file, NULL, error);
  if (ok)
    bytes = g_file_load_bytes (file, NULL, NULL, error);
  g_file_delete (file, NULL, NULL);
  if (!ok || bytes == NULL)
    return FALSE;

  g_set_object (&step->trace, trace);
  g_clear_pointer (&step->trace_bytes, g_bytes_unref);
  step->trace_bytes = g_steal_pointer (&bytes);
  return TRUE;
}

/* Lessons */

JgLesson *
jg_lesson_new (const char *id,
               const char *title)
{
  JgLesson *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_new0 (JgLesson, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->id = g_strdup (id);
  self->title = g_strdup (title);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_lesson_step_free);
  return self;
}

JgLesson *
jg_lesson_ref (JgLesson *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
jg_lesson_unref (JgLesson *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->id);
  g_free (self->title);
  g_free (self->summary);
  g_ptr_array_unref (self->steps);
  g_free (self);
}

const char *
jg_lesson_get_id (JgLesson *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

const char *
jg_lesson_get_title (JgLesson *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return jg_i18n_translate (self->title);
}

const char *
jg_lesson_get_summary (JgLesson *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return jg_i18n_translate (self->summary);
}

void
jg_lesson_set_summary (JgLesson   *self,
                       const char *summary)
{
  g_return_if_fail (self != NULL);
  replace_string (&self->summary, summary);
}

guint
jg_lesson_get_n_steps (JgLesson *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->steps->len;
}

JgLessonStep *
jg_lesson_get_step (JgLesson *self,
                    guint     index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}

void
jg_lesson_add_step (JgLesson     *self,
                    JgLessonStep *step)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (step != NULL);
  g_ptr_array_add (self->steps, step);
}

/* Errors: "FILE: PATH: message" */

typedef struct
{
  const char *where;
  GFile      *folder;    /* where relative trace paths start; may be NULL */
  GPtrArray  *scenarios; /* the built-ins, read once */
} Loader;

static void
loader_clear (Loader *ld)
{
  g_clear_pointer (&ld->scenarios, g_ptr_array_unref);
}

static gboolean G_GNUC_PRINTF (5, 6)
fail (Loader      *ld,
      GError     **error,
      gint         code,
      const char  *path,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (path != NULL && *path != '\0')
    g_set_error (error, JG_LESSON_ERROR, code, "%s: %s: %s", ld->where, path, message);
  else
    g_set_error (error, JG_LESSON_ERROR, code, "%s: %s", ld->where, message);
  return FALSE;
}

#define invalid(ld, error, path, ...) fail (ld, error, JG_LESSON_ERROR_INVALID, path, __VA_ARGS__)

/* Rejects members not in @allowed; names starting with "_" are comments. */
static gboolean
check_members (Loader             *ld,
               JsonObject         *object,
               const char         *path,
               const char * const *allowed,
               GError            **error)
{
  g_autofree char *name = jg_json_unknown_member (object, allowed);
  g_autofree char *member = NULL;
  g_autofree char *list = NULL;

  if (name == NULL)
    return TRUE;
  member = jg_json_path_member (path, name);
  list = g_strjoinv (", ", (char **) allowed);
  return invalid (ld, error, member, _("unknown field (expected one of: %s)"), list);
}

/* A non-blank string; *out stays NULL when it is optional and absent. */
static gboolean
get_string (Loader      *ld,
            JsonObject  *object,
            const char  *parent,
            const char  *member,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = jg_json_path_member (parent, member);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return invalid (ld, error, path, _("required field is missing"));
      return TRUE;
    }
  if (!jg_json_holds (node, G_TYPE_STRING))
    return invalid (ld, error, path, _("expected a string, got %s"), jg_json_describe (node));
  if (jg_str_is_blank (json_node_get_string (node)))
    return invalid (ld, error, path, _("must not be empty"));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_name (Loader             *ld,
          JsonObject         *object,
          const char         *parent,
          const char         *member,
          const char * const *names,
          const char        **out,
          GError            **error)
{
  if (!get_string (ld, object, parent, member, FALSE, out, error))
    return FALSE;
  if (*out != NULL && jg_strv_find (names, *out) == NULL)
    {
      g_autofree char *path = jg_json_path_member (parent, member);
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      return invalid (ld, error, path, _("“%s” is not one of: %s"), *out, list);
    }
  return TRUE;
}

static gboolean
get_number (Loader      *ld,
            JsonObject  *object,
            const char  *parent,
            const char  *member,
            double       min,
            double       max,
            gboolean     whole,
            double      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = jg_json_path_member (parent, member);
  double value;

  if (node == NULL)
    return TRUE;
  if (!jg_json_holds (node, G_TYPE_DOUBLE))
    return invalid (ld, error, path, _("expected a number, got %s"), jg_json_describe (node));
  value = json_node_get_double (node);
  if (whole && value != floor (value))
    return invalid (ld, error, path, _("expected a whole number, got %g"), value);
  if (!(value >= min && value <= max))
    return invalid (ld, error, path, _("%g is out of range (%g to %g)"), value, min, max);
  *out = value;
  return TRUE;
}

/* Relative, inside the lesson's folder: a lesson from elsewhere cannot make
 * Juggler read files outside its own folder. */
static gboolean
check_trace_path (Loader      *ld,
                  const char  *path,
                  const char  *trace_path,
                  GError     **error)
{
  g_auto (GStrv) parts = NULL;

  if (g_path_is_absolute (trace_path))
    return invalid (ld, error, path, _("“%s” must be a path relative to the lesson file"), trace_path);
  parts = g_strsplit (trace_path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return invalid (ld, error, path, _("“%s” must stay inside the lesson's folder (no “..”)"), trace_path);
  return TRUE;
}

static gboolean
load_trace (Loader        *ld,
            JgLessonStep  *step,
            const char    *path,
            const char    *trace_path,
            const char    *trace_data,
            GError       **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;

  if (trace_path != NULL)
    {
      g_autoptr (GFile) file = NULL;

      if (!check_trace_path (ld, path, trace_path, error))
        return FALSE;
      if (ld->folder == NULL)
        return fail (ld, error, JG_LESSON_ERROR_TRACE, path,
                     _("“%s” cannot be found: the lesson was not read from a folder"), trace_path);
      file = g_file_resolve_relative_path (ld->folder, trace_path);
      bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
      if (bytes == NULL)
        return fail (ld, error, JG_LESSON_ERROR_TRACE, path, _("cannot read “%s”: %s"),
                     trace_path, local_error->message);
      step->trace_path = g_strdup (trace_path);
    }
  else
    {
      gsize length = 0;
      guchar *decoded;

      /* g_base64_decode skips what is not base64; a lossless round trip proves it was. */
      decoded = g_base64_decode (trace_data, &length);
      bytes = g_bytes_new_take (decoded, length);
      {
        g_autofree char *again = g_base64_encode (decoded, length);

        if (!g_str_equal (again, trace_data))
          return fail (ld, error, JG_LESSON_ERROR_TRACE, path, _("not valid base64"));
      }
    }

  if (!jg_lesson_step_set_trace_bytes (step, bytes, trace_path != NULL ? trace_path : path, &local_error))
    return fail (ld, error, JG_LESSON_ERROR_TRACE, path, _("not a trace Juggler can open: %s"),
                 local_error->message);
  return TRUE;
}

static gboolean
load_parameters (Loader        *ld,
                 JsonObject    *object,
                 const char    *parent,
                 JgLessonStep  *step,
                 GError       **error)
{
  JsonNode *node = json_object_get_member (object, "parameters");
  g_autofree char *path = jg_json_path_member (parent, "parameters");
  g_autoptr (GList) members = NULL;
  JsonObject *values;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (ld, error, path, _("expected an object { … }, got %s"), jg_json_describe (node));
  values = json_node_get_object (node);
  members = json_object_get_members (values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (values, l->data);

      if (!jg_json_holds (value, G_TYPE_DOUBLE) && !jg_json_holds (value, G_TYPE_BOOLEAN))
        {
          g_autofree char *member = jg_json_path_member (path, l->data);

          return invalid (ld, error, member, _("expected a number or true/false, got %s"), jg_json_describe (value));
        }
    }
  jg_lesson_step_set_parameters (step, values);
  return TRUE;
}

static const char * const step_fields[] = {
  "title", "topic", "scenario", "model", "parameters", "workers", "interpreter",
  "start_method", "switch_interval_ms", "look_at", "question", "answer", "trace",
  "trace_data", NULL
};

static JgLessonStep *
load_step (Loader      *ld,
           JsonNode    *node,
           const char  *path,
           GError     **error)
{
  g_autoptr (JgLessonStep) step = NULL;
  const char *topic = NULL, *scenario = NULL, *model = NULL;
  const char *title = NULL, *look_at = NULL, *question = NULL, *answer = NULL;
  const char *interpreter = NULL, *start_method = NULL, *trace = NULL, *trace_data = NULL;
  double workers = 0, interval = 0;
  JgLessonTopic topic_value;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (ld, error, path, _("expected an object { … }, got %s"), jg_json_describe (node));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!check_members (ld, object, path, step_fields, error)
      || !get_name (ld, object, path, "topic", topic_names, &topic, error)
      || !get_string (ld, object, path, "title", TRUE, &title, error)
      || !get_string (ld, object, path, "scenario", TRUE, &scenario, error)
      || !get_string (ld, object, path, "model", TRUE, &model, error)
      || !get_string (ld, object, path, "look_at", TRUE, &look_at, error)
      || !get_string (ld, object, path, "question", TRUE, &question, error)
      || !get_string (ld, object, path, "answer", FALSE, &answer, error)
      || !get_string (ld, object, path, "interpreter", FALSE, &interpreter, error)
      || !get_name (ld, object, path, "start_method", start_methods, &start_method, error)
      || !get_number (ld, object, path, "workers", 0, MAX_WORKERS, TRUE, &workers, error)
      || !get_number (ld, object, path, "switch_interval_ms", JG_GIL_MIN_INTERVAL_MS, MAX_INTERVAL_MS,
                      FALSE, &interval, error)
      || !get_string (ld, object, path, "trace", FALSE, &trace, error)
      || !get_string (ld, object, path, "trace_data", FALSE, &trace_data, error))
    return NULL;
  if (topic == NULL)
    {
      g_autofree char *member = jg_json_path_member (path, "topic");

      invalid (ld, error, member, _("required field is missing"));
      return NULL;
    }
  if (interpreter != NULL && !is_interpreter (interpreter))
    {
      g_autofree char *member = jg_json_path_member (path, "interpreter");

      invalid (ld, error, member, _("“%s” is not one of: gil, free-threaded, per-interpreter"), interpreter);
      return NULL;
    }
  if (trace != NULL && trace_data != NULL)
    {
      g_autofree char *member = jg_json_path_member (path, "trace_data");

      invalid (ld, error, member, _("a step has a trace file or embedded trace data, not both"));
      return NULL;
    }

  jg_lesson_topic_from_name (topic, &topic_value);
  step = jg_lesson_step_new (topic_value, scenario, model);
  jg_lesson_step_set_texts (step, title, look_at, question, answer);
  step->workers = (guint) workers;
  step->switch_interval_ms = interval;
  replace_string (&step->interpreter, interpreter);
  replace_string (&step->start_method, start_method);
  if (!load_parameters (ld, object, path, step, error))
    return NULL;
  if (trace != NULL || trace_data != NULL)
    {
      g_autofree char *member = jg_json_path_member (path, trace != NULL ? "trace" : "trace_data");

      if (!load_trace (ld, step, member, trace, trace_data, error))
        return NULL;
    }
  return g_steal_pointer (&step);
}

/* What the fields mean */

static gboolean
ensure_scenarios (Loader  *ld,
                  GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (ld->scenarios != NULL)
    return TRUE;
  ld->scenarios = jg_scenario_load_builtins (&local_error);
  if (ld->scenarios == NULL)
    return fail (ld, error, JG_LESSON_ERROR_SCENARIO, NULL, _("cannot check its scenarios: %s"),
                 local_error->message);
  return TRUE;
}

static JgScenario *
find_scenario (Loader     *ld,
               const char *id)
{
  for (guint i = 0; ld->scenarios != NULL && i < ld->scenarios->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (ld->scenarios, i);

      if (g_str_equal (jg_scenario_get_id (scenario), id))
        return scenario;
    }
  return NULL;
}

static char *
scenario_ids (Loader *ld)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; ld->scenarios != NULL && i < ld->scenarios->len; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      g_string_append (list, jg_scenario_get_id (g_ptr_array_index (ld->scenarios, i)));
    }
  return g_string_free (list, FALSE);
}

static gboolean
check_step (Loader        *ld,
            JgLessonStep  *step,
            guint          index,
            GError       **error)
{
  g_autofree char *path = g_strdup_printf ("steps[%u]", index);
  g_autofree char *field = NULL;
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (GError) local_error = NULL;
  const char * const *models;
  JgScenario *scenario;

  /* A step made in memory is held to what a file must have. */
  if (step->title == NULL || step->look_at == NULL || step->question == NULL)
    {
      field = jg_json_path_member (path, step->title == NULL ? "title" : step->look_at == NULL ? "look_at" : "question");
      return invalid (ld, error, field, _("required field is missing"));
    }
  if (step->interpreter != NULL && !is_interpreter (step->interpreter))
    {
      field = jg_json_path_member (path, "interpreter");
      return invalid (ld, error, field, _("“%s” is not one of: gil, free-threaded, per-interpreter"),
                      step->interpreter);
    }
  if (step->start_method != NULL && jg_strv_find (start_methods, step->start_method) == NULL)
    {
      field = jg_json_path_member (path, "start_method");
      return invalid (ld, error, field, _("“%s” is not one of: fork, spawn, forkserver"), step->start_method);
    }
  if (step->workers > MAX_WORKERS)
    {
      field = jg_json_path_member (path, "workers");
      return invalid (ld, error, field, _("%u is out of range (0 to %u)"), step->workers, MAX_WORKERS);
    }
  if (step->switch_interval_ms != 0
      && !(step->switch_interval_ms >= JG_GIL_MIN_INTERVAL_MS && step->switch_interval_ms <= MAX_INTERVAL_MS))
    {
      field = jg_json_path_member (path, "switch_interval_ms");
      return invalid (ld, error, field, _("%g is out of range (%g to %g)"), step->switch_interval_ms,
                      JG_GIL_MIN_INTERVAL_MS, MAX_INTERVAL_MS);
    }

  if (!ensure_scenarios (ld, error))
    return FALSE;
  field = jg_json_path_member (path, "scenario");
  scenario = find_scenario (ld, step->scenario);
  if (scenario == NULL)
    {
      g_autofree char *ids = scenario_ids (ld);

      return fail (ld, error, JG_LESSON_ERROR_SCENARIO, field,
                   _("no built-in scenario is called “%s” (there are: %s)"), step->scenario, ids);
    }

  models = jg_scenario_get_models (scenario);
  if (models != NULL && jg_strv_find (models, step->model) == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) models);

      g_free (field);
      field = jg_json_path_member (path, "model");
      return fail (ld, error, JG_LESSON_ERROR_SCENARIO, field,
                   _("“%s” is not a model of “%s” (it runs under: %s)"), step->model, step->scenario, list);
    }

  plan = jg_scenario_instantiate (scenario, step->parameters, &local_error);
  if (plan == NULL)
    {
      g_free (field);
      field = jg_json_path_member (path, "parameters");
      return fail (ld, error, JG_LESSON_ERROR_SCENARIO, field, "%s", local_error->message);
    }

  if (step->trace != NULL)
    {
      const char *trace_scenario = jg_trace_get_scenario_id (step->trace);
      const char *trace_model = jg_trace_get_run_info (step->trace)->model;

      g_free (field);
      field = jg_json_path_member (path, step->trace_path != NULL ? "trace" : "trace_data");
      if (trace_scenario != NULL && !g_str_equal (trace_scenario, step->scenario))
        return fail (ld, error, JG_LESSON_ERROR_TRACE, field, _("the trace is a run of “%s”, not of “%s”"),
                     trace_scenario, step->scenario);
      if (trace_model != NULL && !g_str_equal (trace_model, step->model))
        return fail (ld, error, JG_LESSON_ERROR_TRACE, field, _("the trace was run with the %s model, not %s"),
                     trace_model, step->model);
    }
  return TRUE;
}

static gboolean
check_id (const char *id)
{
  if (!g_ascii_isalnum (id[0]))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_lesson (Loader    *ld,
              JgLesson  *self,
              GError   **error)
{
  if (!check_id (self->id))
    return invalid (ld, error, "id", _("“%s” is not an id (letters, digits, “-” and “_”)"), self->id);
  if (jg_str_is_blank (self->title))
    return invalid (ld, error, "title", _("must not be empty"));
  if (self->steps->len == 0 || self->steps->len > MAX_STEPS)
    return invalid (ld, error, "steps", _("a lesson has 1 to %u steps, not %u"), MAX_STEPS, self->steps->len);
  for (guint i = 0; i < self->steps->len; i++)
    if (!check_step (ld, g_ptr_array_index (self->steps, i), i, error))
      return FALSE;
  return TRUE;
}

static const char * const root_fields[] = {
  "format", "version", "id", "title", "summary", "steps", NULL
};

static JgLesson *
load_root (Loader      *ld,
           JsonNode    *root,
           GError     **error)
{
  g_autoptr (JgLesson) self = NULL;
  const char *format = NULL, *id = NULL, *title = NULL, *summary = NULL;
  double version = 0;
  JsonObject *object;
  JsonNode *steps;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (ld, error, JG_LESSON_ERROR_INVALID, NULL, _("not a Juggler lesson (expected an object { … }, got %s)"),
            jg_json_describe (root));
      return NULL;
    }
  object = json_node_get_object (root);

  if (!get_string (ld, object, NULL, "format", TRUE, &format, error))
    return NULL;
  if (!g_str_equal (format, JG_LESSON_FORMAT))
    {
      invalid (ld, error, "format", _("not a Juggler lesson (format is “%s”, expected “%s”)"), format,
               JG_LESSON_FORMAT);
      return NULL;
    }
  if (json_object_get_member (object, "version") == NULL)
    {
      invalid (ld, error, "version", _("required field is missing"));
      return NULL;
    }
  if (!get_number (ld, object, NULL, "version", 1, G_MAXINT32, TRUE, &version, error))
    return NULL;
  if (version > JG_LESSON_VERSION)
    {
      fail (ld, error, JG_LESSON_ERROR_VERSION, "version",
            _("the lesson is version %.0f, made by a newer Juggler; this one reads version %d"),
            version, JG_LESSON_VERSION);
      return NULL;
    }
  if (!check_members (ld, object, NULL, root_fields, error)
      || !get_string (ld, object, NULL, "id", TRUE, &id, error)
      || !get_string (ld, object, NULL, "title", TRUE, &title, error)
      || !get_string (ld, object, NULL, "summary", FALSE, &summary, error))
    return NULL;

  steps = json_object_get_member (object, "steps");
  if (steps == NULL)
    {
      invalid (ld, error, "steps", _("required field is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (steps))
    {
      invalid (ld, error, "steps", _("expected an array [ … ], got %s"), jg_json_describe (steps));
      return NULL;
    }
  array = json_node_get_array (steps);
  if (json_array_get_length (array) > MAX_STEPS)
    {
      invalid (ld, error, "steps", _("a lesson has 1 to %u steps, not %u"), MAX_STEPS, json_array_get_length (array));
      return NULL;
    }

  self = jg_lesson_new (id, title);
  replace_string (&self->summary, summary);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("steps[%u]", i);
      JgLessonStep *step = load_step (ld, json_array_get_element (array, i), path, error);

      if (step == NULL)
        return NULL;
      jg_lesson_add_step (self, step);
    }

  if (!check_lesson (ld, self, error))
    return NULL;
  return g_steal_pointer (&self);
}

JgLesson *
jg_lesson_load_data (const char  *data,
                     gssize       length,
                     const char  *where,
                     GFile       *folder,
                     GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  Loader ld = { where != NULL ? where : "lesson", folder, NULL };
  JgLesson *self;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (folder == NULL || G_IS_FILE (folder), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (length > MAX_FILE_BYTES)
    {
      fail (&ld, error, JG_LESSON_ERROR_INVALID, NULL, _("too big to be a lesson (%" PRId64 " bytes)"), (gint64) length);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, length > 0 ? data : "", length, &local_error))
    {
      fail (&ld, error, JG_LESSON_ERROR_PARSE, NULL, _("not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      fail (&ld, error, JG_LESSON_ERROR_PARSE, NULL, _("empty file"));
      return NULL;
    }

  self = load_root (&ld, json_parser_get_root (parser), error);
  loader_clear (&ld);
  return self;
}

JgLesson *
jg_lesson_load (GFile   *file,
                GError **error)
{
  g_autoptr (GFile) folder = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *where = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  where = g_file_get_parse_name (file);
  /* Refuse a huge file before reading it into memory. */
  {
    g_autoptr (GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                    G_FILE_QUERY_INFO_NONE, NULL, NULL);

    if (info != NULL && g_file_info_get_size (info) > MAX_FILE_BYTES)
      {
        g_set_error (error, JG_LESSON_ERROR, JG_LESSON_ERROR_INVALID, _("%s: too big to be a lesson (%"
                       PRId64 " bytes)"), where, g_file_info_get_size (info));
        return NULL;
      }
  }
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  folder = g_file_get_parent (file);
  return jg_lesson_load_data (contents, (gssize) length, where, folder, error);
}

gboolean
jg_lesson_validate (JgLesson  *self,
                    GError   **error)
{
  Loader ld = { "lesson", NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ld.where = self->id;
  ok = check_lesson (&ld, self, error);
  loader_clear (&ld);
  return ok;
}

/* Built-ins */

GPtrArray *
jg_lesson_load_builtins (GError **error)
{
  g_autoptr (GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_lesson_unref);
  g_autoptr (GPtrArray) paths = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  paths = jg_json_list_builtins ("JUGGLER_LESSON_DIR", PKGDATADIR "/lessons",
                                 _("The built-in lessons are missing: "), error);
  if (paths == NULL)
    return NULL;

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      JgLesson *lesson = jg_lesson_load (file, error);

      if (lesson == NULL)
        return NULL;
      for (guint j = 0; j < lessons->len; j++)
        if (g_str_equal (jg_lesson_get_id (g_ptr_array_index (lessons, j)), lesson->id))
          {
            g_set_error (error, JG_LESSON_ERROR, JG_LESSON_ERROR_INVALID,
                         _("%s: id: another built-in lesson is called “%s”"), path, lesson->id);
            jg_lesson_unref (lesson);
            return NULL;
          }
      g_ptr_array_add (lessons, lesson);
    }
  return g_steal_pointer (&lessons);
}

JgLesson *
jg_lesson_find_builtin (const char  *id,
                        GError     **error)
{
  g_autoptr (GPtrArray) lessons = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  lessons = jg_lesson_load_builtins (error);
  if (lessons == NULL)
    return NULL;
  for (guint i = 0; i < lessons->len; i++)
    {
      JgLesson *lesson = g_ptr_array_index (lessons, i);

      if (g_str_equal (lesson->id, id))
        return jg_lesson_ref (lesson);
    }
  g_set_error (error, JG_LESSON_ERROR, JG_LESSON_ERROR_NOT_FOUND, _("No built-in lesson is called “%s”"), id);
  return NULL;
}

/* Saving */

/* Replaces @file with @data: a temporary file beside it, synced, renamed over it. */
static gboolean
write_atomically (GFile       *file,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  struct stat st;
  int mode = 0666;

  if (path == NULL)
    return g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);

  /* Replace what a symlink points to, not the link, and keep the file's mode. */
  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      char *real = realpath (path, NULL);

      if (real != NULL)
        {
          g_free (path);
          path = g_strdup (real);
          free (real);
        }
    }
  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("Cannot save to “%s”: it is a folder"), display);
          return FALSE;
        }
      mode = st.st_mode & 0777;
    }
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, mode, error);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static char *
lesson_to_json (JgLesson  *self,
                char     **paths,
                gboolean   embed)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "format", JG_LESSON_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JG_LESSON_VERSION);
  add_string (builder, "id", self->id);
  add_string (builder, "title", self->title);
  add_string (builder, "summary", self->summary);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->steps->len; i++)
    {
      JgLessonStep *step = g_ptr_array_index (self->steps, i);

      json_builder_begin_object (builder);
      add_string (builder, "title", step->title);
      add_string (builder, "topic", topic_names[step->topic]);
      add_string (builder, "scenario", step->scenario);
      add_string (builder, "model", step->model);
      if (json_object_get_size (step->parameters) > 0)
        {
          json_builder_set_member_name (builder, "parameters");
          json_builder_add_value (builder, json_node_init_object (json_node_alloc (), step->parameters));
        }
      if (step->workers > 0)
        {
          json_builder_set_member_name (builder, "workers");
          json_builder_add_int_value (builder, step->workers);
        }
      add_string (builder, "interpreter", step->interpreter);
      add_string (builder, "start_method", step->start_method);
      if (step->switch_interval_ms > 0)
        {
          json_builder_set_member_name (builder, "switch_interval_ms");
          json_builder_add_double_value (builder, step->switch_interval_ms);
        }
      add_string (builder, "look_at", step->look_at);
      add_string (builder, "question", step->question);
      add_string (builder, "answer", step->answer);
      if (step->trace_bytes != NULL && embed)
        {
          gsize length;
          const guchar *data = g_bytes_get_data (step->trace_bytes, &length);
          g_autofree char *encoded = g_base64_encode (data, length);

          add_string (builder, "trace_data", encoded);
        }
      else if (step->trace_bytes != NULL)
        {
          add_string (builder, "trace", paths[i]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  {
    g_autofree char *text = json_generator_to_data (generator, NULL);

    return g_strconcat (text, "\n", NULL);
  }
}

/* "course.json" keeps its traces in "course.traces/". */
static char *
traces_folder_name (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);

  if (g_str_has_suffix (base, ".json") && strlen (base) > strlen (".json"))
    base[strlen (base) - strlen (".json")] = '\0';
  return g_strconcat (base, TRACES_SUFFIX, NULL);
}

/* Where each step's trace goes: where it came from if it came from a file,
 * else a new name; two steps share a file only if their traces are the same. */
static char **
plan_trace_paths (JgLesson *self,
                  GFile    *file)
{
  g_autofree char *folder = traces_folder_name (file);
  char **paths = g_new0 (char *, self->steps->len + 1);

  for (guint i = 0; i < self->steps->len; i++)
    {
      JgLessonStep *step = g_ptr_array_index (self->steps, i);
      const char *wanted = step->trace_path;
      guint attempt = 0;

      if (step->trace_bytes == NULL)
        continue;
      for (;;)
        {
          g_autofree char *candidate = NULL;
          gboolean clash = FALSE;

          if (wanted != NULL && attempt == 0)
            candidate = g_strdup (wanted);
          else if (attempt <= 1)
            candidate = g_strdup_printf ("%s/%02u-%s%s", folder, i + 1, step->scenario, TRACE_SUFFIX);
          else
            candidate = g_strdup_printf ("%s/%02u-%s-%u%s", folder, i + 1, step->scenario, attempt, TRACE_SUFFIX);
          for (guint j = 0; j < i; j++)
            if (paths[j] != NULL && g_str_equal (paths[j], candidate)
                && !g_bytes_equal (((JgLessonStep *) g_ptr_array_index (self->steps, j))->trace_bytes,
                                   step->trace_bytes))
              clash = TRUE;
          if (!clash)
            {
              paths[i] = g_steal_pointer (&candidate);
              break;
            }
          attempt++;
        }
    }
  /* Unused slots stay NULL; g_strfreev stops at the first, so fill them. */
  for (guint i = 0; i < self->steps->len; i++)
    if (paths[i] == NULL)
      paths[i] = g_strdup ("");
  return paths;
}

static gboolean
write_trace (GFile         *lesson_file,
             const char    *relative,
             GBytes        *bytes,
             GError       **error)
{
  g_autoptr (GFile) folder = g_file_get_parent (lesson_file);
  g_autoptr (GFile) file = g_file_resolve_relative_path (folder, relative);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autoptr (GError) local_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (!g_file_make_directory_with_parents (parent, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return write_atomically (file, data != NULL ? data : "", length, error);
}

gboolean
jg_lesson_save_full (JgLesson           *self,
                     GFile              *file,
                     JgLessonSaveFlags   flags,
                     GError            **error)
{
  gboolean embed = (flags & JG_LESSON_SAVE_EMBED_TRACES) != 0;
  g_auto (GStrv) paths = NULL;
  g_autofree char *where = NULL;
  g_autofree char *text = NULL;
  Loader ld = { NULL, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* What is saved must load again. */
  where = g_file_get_parse_name (file);
  ld.where = where;
  ok = check_lesson (&ld, self, error);
  loader_clear (&ld);
  if (!ok)
    return FALSE;

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("Cannot save to “%s”: it is a folder"), where);
      return FALSE;
    }

  paths = plan_trace_paths (self, file);
  /* Traces first: the lesson never names a trace that is not there yet. */
  if (!embed)
    for (guint i = 0; i < self->steps->len; i++)
      {
        JgLessonStep *step = g_ptr_array_index (self->steps, i);

        if (step->trace_bytes != NULL && !write_trace (file, paths[i], step->trace_bytes, error))
          return FALSE;
      }

  text = lesson_to_json (self, paths, embed);
  if (!write_atomically (file, text, strlen (text), error))
    return FALSE;

  for (guint i = 0; i < self->steps->len; i++)
    {
      JgLessonStep *step = g_ptr_array_index (self->steps, i);

      if (step->trace_bytes != NULL)
        replace_string (&step->trace_path, embed ? NULL : paths[i]);
    }
  return TRUE;
}

gboolean
jg_lesson_save (JgLesson  *self,
                GFile     *file,
                GError   **error)
{
  return jg_lesson_save_full (self, file, JG_LESSON_SAVE_DEFAULT, error);
}
