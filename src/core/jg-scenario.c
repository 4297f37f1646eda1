/* jg-scenario.c: scenario files (docs/scenarios.md): loading, checking, and
 * expanding into the flat plan a run executes.
 *
 * json-glib parses the file but keeps no positions, so a small scanner of our
 * own maps every JSON path ("tasks[0].steps[2].ms") to its line; every error
 * then names the file, the line and the field. Expressions such as
 * "$tasks * 2" are parsed once at load and evaluated when a plan is made. */
#define G_LOG_DOMAIN "jg-scenario"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "jg-i18n.h"
#include "jg-json-util.h"
#include "jg-scenario.h"

#define MAX_FILE_BYTES    (4 * 1024 * 1024)
#define MAX_PLAN_TASKS    10000
#define MAX_PLAN_STEPS    1000000
#define MAX_STEP_MS       600000.0
#define MAX_REPEAT        1000000
#define MAX_PARAMS        100
#define MAX_REPEAT_DEPTH  8
#define MAX_EXPR_DEPTH    32
#define MAX_EXPR_CHARS    1000
#define MAX_SCAN_DEPTH    256
#define MAX_WHOLE         1e15 /* exact in a double */

G_DEFINE_QUARK (jg-scenario-error-quark, jg_scenario_error)

static const char * const known_models[] = {
  "sequential", "threads", "processes", "asyncio", "hybrid", NULL
};

/* Shared objects */

typedef enum
{
  OBJECT_LOCK = 0,
  OBJECT_SEMAPHORE,
  OBJECT_QUEUE,
  OBJECT_VARIABLE,
  N_OBJECT_KINDS
} ObjectKind;

static const struct
{
  const char *member;   /* where a scenario declares them */
  const char *singular; /* for errors, translated where shown */
  const char *value;    /* the member holding the number, or NULL */
  double      min;
  double      max;
} object_kinds[] = {
  /* TRANSLATORS: kinds of object a scenario declares, in errors such as
   * "“counter” is a variable, not a lock" */
  [OBJECT_LOCK] = { "locks", N_("lock"), NULL, 0, 0 },
  [OBJECT_SEMAPHORE] = { "semaphores", N_("semaphore"), "value", 0, 1e6 },
  [OBJECT_QUEUE] = { "queues", N_("queue"), "capacity", 1, 1e6 },
  [OBJECT_VARIABLE] = { "variables", N_("variable"), "initial", -MAX_WHOLE, MAX_WHOLE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (object_kinds) == N_OBJECT_KINDS);

/* Expressions */

typedef enum
{
  EXPR_NUMBER,
  EXPR_PARAM,
  EXPR_INDEX, /* $i: the task's number among its copies */
  EXPR_NEG,
  EXPR_NOT,
  EXPR_ADD,
  EXPR_SUB,
  EXPR_MUL,
  EXPR_DIV,
} ExprOp;

typedef struct _Expr Expr;

struct _Expr
{
  ExprOp op;
  double number;
  guint  param;
  Expr  *left;
  Expr  *right;
};

static void
expr_free (Expr *expr)
{
  if (expr == NULL)
    return;
  expr_free (expr->left);
  expr_free (expr->right);
  g_free (expr);
}

static Expr *
expr_new (ExprOp op,
          Expr  *left,
          Expr  *right)
{
  Expr *expr = g_new0 (Expr, 1);

  expr->op = op;
  expr->left = left;
  expr->right = right;
  return expr;
}

static Expr *
expr_new_number (double number)
{
  Expr *expr = expr_new (EXPR_NUMBER, NULL, NULL);

  expr->number = number;
  return expr;
}

static gboolean
expr_is_constant (const Expr *expr)
{
  if (expr->op == EXPR_PARAM || expr->op == EXPR_INDEX)
    return FALSE;
  return (expr->left == NULL || expr_is_constant (expr->left))
      && (expr->right == NULL || expr_is_constant (expr->right));
}

/* Division by zero gives an infinity or a NaN; the caller checks. */
static double
expr_eval (const Expr   *expr,
           const double *params,
           double        index)
{
  switch (expr->op)
    {
    case EXPR_NUMBER:
      return expr->number;
    case EXPR_PARAM:
      return params[expr->param];
    case EXPR_INDEX:
      return index;
    case EXPR_NEG:
      return -expr_eval (expr->left, params, index);
    case EXPR_NOT:
      return expr_eval (expr->left, params, index) == 0 ? 1 : 0;
    case EXPR_ADD:
      return expr_eval (expr->left, params, index) + expr_eval (expr->right, params, index);
    case EXPR_SUB:
      return expr_eval (expr->left, params, index) - expr_eval (expr->right, params, index);
    case EXPR_MUL:
      return expr_eval (expr->left, params, index) * expr_eval (expr->right, params, index);
    case EXPR_DIV:
      return expr_eval (expr->left, params, index) / expr_eval (expr->right, params, index);
    default:
      g_assert_not_reached ();
    }
}

/* A number-valued field: a JSON number, a JSON boolean or an expression. */
typedef struct
{
  Expr *expr; /* NULL when the field is absent */
  char *path; /* "tasks[0].steps[2].ms", for errors */
  char *text; /* the expression as written; NULL for a plain JSON value */
} Value;

static void
value_clear (Value *value)
{
  expr_free (value->expr);
  g_free (value->path);
  g_free (value->text);
}

/* The parsed file */

#define OP_REPEAT JG_STEP_N_KINDS

/* The asyncio steps' own fields (load_async_step). */
typedef struct _AsyncTemplate AsyncTemplate;
static void async_template_free (AsyncTemplate *async);

typedef struct
{
  char       *path;
  guint       op;       /* a JgStepKind or OP_REPEAT */
  Value       cond;     /* "if" */
  Value       ms;
  Value       releases_gil;
  JgIoKind    io_kind;
  guint       object;
  Value       add;
  Value       times;
  Value       bytes;    /* TRANSFER */
  JgTransferDirection direction;
  GPtrArray  *steps;    /* OP_REPEAT: the steps repeated */
  AsyncTemplate *async; /* spawn, gather, … (docs/asyncio.md) */
} StepTemplate;

static void
step_template_free (StepTemplate *step)
{
  g_free (step->path);
  value_clear (&step->cond);
  value_clear (&step->ms);
  value_clear (&step->releases_gil);
  value_clear (&step->add);
  value_clear (&step->times);
  value_clear (&step->bytes);
  g_clear_pointer (&step->steps, g_ptr_array_unref);
  g_clear_pointer (&step->async, async_template_free);
  g_free (step);
}

typedef struct
{
  char      *path;
  char      *name;
  Value      count;
  Value      repeat;
  Value      cond;
  GPtrArray *steps;
} TaskTemplate;

static void
task_template_free (TaskTemplate *task)
{
  g_free (task->path);
  g_free (task->name);
  value_clear (&task->count);
  value_clear (&task->repeat);
  value_clear (&task->cond);
  g_clear_pointer (&task->steps, g_ptr_array_unref);
  g_free (task);
}

typedef struct
{
  char  *path;
  char  *name;
  Value  initial;
  Value  expected;
} ObjectTemplate;

static void
object_template_free (ObjectTemplate *object)
{
  g_free (object->path);
  g_free (object->name);
  value_clear (&object->initial);
  value_clear (&object->expected);
  g_free (object);
}

struct _JgScenario
{
  gatomicrefcount ref_count;

  char       *where;  /* the file, as errors name it */
  GHashTable *lines;  /* JSON path -> line */

  char       *id;
  char       *title;  /* title, idea and seed: untranslated, as in the file */
  char       *idea;
  char       *seed;
  GStrv       models;
  char       *default_model;
  GArray     *params; /* JgScenarioParam */
  GPtrArray  *objects[N_OBJECT_KINDS];
  GPtrArray  *tasks;
  JsonNode   *definition;
};

static void
translate_in_place (char **text)
{
  char *translated;

  if (*text == NULL)
    return;
  translated = g_strdup (jg_i18n_translate (*text));
  g_free (*text);
  *text = translated;
}

static void
param_clear (gpointer data)
{
  JgScenarioParam *param = data;

  g_free (param->name);
  g_free (param->label);
  g_free (param->unit);
}

static JgScenario *
scenario_new (const char *where)
{
  JgScenario *self = g_new0 (JgScenario, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->where = g_strdup (where);
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->params = g_array_new (FALSE, TRUE, sizeof (JgScenarioParam));
  g_array_set_clear_func (self->params, param_clear);
  for (guint k = 0; k < N_OBJECT_KINDS; k++)
    self->objects[k] = g_ptr_array_new_with_free_func ((GDestroyNotify) object_template_free);
  self->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) task_template_free);
  return self;
}

JgScenario *
jg_scenario_ref (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
jg_scenario_unref (JgScenario *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->where);
  g_hash_table_unref (self->lines);
  g_free (self->id);
  g_free (self->title);
  g_free (self->idea);
  g_free (self->seed);
  g_strfreev (self->models);
  g_free (self->default_model);
  g_array_unref (self->params);
  for (guint k = 0; k < N_OBJECT_KINDS; k++)
    g_ptr_array_unref (self->objects[k]);
  g_ptr_array_unref (self->tasks);
  g_clear_pointer (&self->definition, json_node_unref);
  g_free (self);
}

/* Lines: json-glib 1.6 keeps no positions, so the source is scanned again,
 * recording the line of every member's key and every array element. The
 * scanner trusts json-glib to have rejected invalid JSON, and accepts what its
 * scanner accepts besides (block comments, single-quoted strings). */

typedef struct
{
  const char *p;
  const char *end;
  guint       line;
  guint       depth;
  GHashTable *lines;
  GString    *path;
} LineScanner;

static void scan_value (LineScanner *s);

static void
scan_space (LineScanner *s)
{
  while (s->p < s->end)
    {
      if (*s->p == '\n')
        {
          s->line++;
          s->p++;
        }
      else if (g_ascii_isspace (*s->p))
        {
          s->p++;
        }
      else if (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '*')
        {
          s->p += 2;
          while (s->p < s->end && !(*s->p == '*' && s->p + 1 < s->end && s->p[1] == '/'))
            {
              if (*s->p == '\n')
                s->line++;
              s->p++;
            }
          s->p = MIN (s->p + 2, s->end);
        }
      else
        {
          break;
        }
    }
}

/* Skips the string at s->p, appending its decoded text to @out if given. */
static void
scan_string (LineScanner *s,
             GString     *out)
{
  char quote = *s->p++;

  while (s->p < s->end && *s->p != quote)
    {
      char c = *s->p++;

      if (c == '\n')
        s->line++;
      if (c == '\\' && quote == '"' && s->p < s->end)
        {
          c = *s->p++;
          switch (c)
            {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
              if (s->end - s->p >= 4)
                {
                  char hex[5] = { s->p[0], s->p[1], s->p[2], s->p[3], 0 };

                  if (out != NULL)
                    g_string_append_unichar (out, (gunichar) g_ascii_strtoull (hex, NULL, 16));
                  s->p += 4;
                }
              continue;
            default:
              break;
            }
        }
      if (out != NULL)
        g_string_append_c (out, c);
    }
  if (s->p < s->end)
    s->p++;
}

static void
scan_object (LineScanner *s)
{
  gsize len = s->path->len;

  s->p++;
  for (;;)
    {
      scan_space (s);
      if (s->p >= s->end)
        return;
      if (*s->p == '}')
        {
          s->p++;
          return;
        }
      if (*s->p == '"' || *s->p == '\'')
        {
          guint line = s->line;
          g_autoptr (GString) key = g_string_new (NULL);

          scan_string (s, key);
          if (len > 0)
            g_string_append_c (s->path, '.');
          g_string_append_len (s->path, key->str, key->len);
          g_hash_table_insert (s->lines, g_strdup (s->path->str), GUINT_TO_POINTER (line));
          scan_space (s);
          if (s->p < s->end && *s->p == ':')
            s->p++;
          scan_value (s);
          g_string_truncate (s->path, len);
        }
      else
        {
          s->p++; /* a comma, or something json-glib would not have let through */
        }
    }
}

static void
scan_array (LineScanner *s)
{
  gsize len = s->path->len;
  guint index = 0;

  s->p++;
  for (;;)
    {
      const char *before;

      scan_space (s);
      if (s->p >= s->end)
        return;
      if (*s->p == ']')
        {
          s->p++;
          return;
        }
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      g_string_append_printf (s->path, "[%u]", index++);
      g_hash_table_insert (s->lines, g_strdup (s->path->str), GUINT_TO_POINTER (s->line));
      before = s->p;
      scan_value (s);
      if (s->p == before)
        s->p++;
      g_string_truncate (s->path, len);
    }
}

static void
scan_value (LineScanner *s)
{
  scan_space (s);
  if (s->p >= s->end)
    return;
  if (*s->p == '{' || *s->p == '[')
    {
      if (++s->depth > MAX_SCAN_DEPTH)
        {
          s->p = s->end;
          return;
        }
      if (*s->p == '{')
        scan_object (s);
      else
        scan_array (s);
      s->depth--;
    }
  else if (*s->p == '"' || *s->p == '\'')
    {
      scan_string (s, NULL);
    }
  else
    {
      while (s->p < s->end && *s->p != ',' && *s->p != ']' && *s->p != '}'
             && *s->p != '/' && !g_ascii_isspace (*s->p))
        s->p++;
    }
}

static void
map_lines (GHashTable *lines,
           const char *data,
           gsize       length)
{
  g_autoptr (GString) path = g_string_new (NULL);
  LineScanner s = { data, data + length, 1, 0, lines, path };

  scan_space (&s);
  g_hash_table_insert (lines, g_strdup (""), GUINT_TO_POINTER (s.line));
  scan_value (&s);
}

/* The line of @path, or of the nearest enclosing field that is in the file
 * (a missing field is reported on the line of the object that lacks it). */
static guint
line_of (JgScenario *self,
         const char *path)
{
  g_autofree char *p = g_strdup (path);

  for (;;)
    {
      gpointer line;
      char *dot, *bracket;

      if (g_hash_table_lookup_extended (self->lines, p, NULL, &line))
        return GPOINTER_TO_UINT (line);
      if (*p == '\0')
        return 1;
      dot = strrchr (p, '.');
      bracket = strrchr (p, '[');
      if (dot == NULL && bracket == NULL)
        *p = '\0';
      else
        *MAX (dot, bracket) = '\0';
    }
}

/* Errors: "FILE:LINE: PATH: message". */
static gboolean G_GNUC_PRINTF (5, 6)
fail (JgScenario  *self,
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
    g_set_error (error, JG_SCENARIO_ERROR, code, "%s:%u: %s: %s",
                 self->where, line_of (self, path), path, message);
  else
    g_set_error (error, JG_SCENARIO_ERROR, code, "%s:%u: %s",
                 self->where, line_of (self, ""), message);
  return FALSE;
}

#define invalid(self, error, path, ...) fail (self, error, JG_SCENARIO_ERROR_INVALID, path, __VA_ARGS__)

static char *
format_number (double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", x));
}

/* Rejects members not in @allowed; names starting with "_" are comments. */
static gboolean
check_members (JgScenario         *self,
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
  return invalid (self, error, member, _("unknown field (expected one of: %s)"), list);
}

static gboolean
get_string (JgScenario  *self,
            JsonObject  *object,
            const char  *parent,
            const char  *member,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = jg_json_path_member (parent, member);

  if (node == NULL)
    {
      if (required)
        return invalid (self, error, path, _("required field is missing"));
      return TRUE;
    }
  if (!jg_json_holds (node, G_TYPE_STRING))
    return invalid (self, error, path, _("expected a string, got %s"), jg_json_describe (node));
  if (*json_node_get_string (node) == '\0')
    return invalid (self, error, path, _("must not be empty"));
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* An array member; *out is NULL when it is absent and not required. */
static gboolean
get_array (JgScenario  *self,
           JsonObject  *object,
           const char  *parent,
           const char  *member,
           gboolean     required,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = jg_json_path_member (parent, member);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return invalid (self, error, path, _("required field is missing"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (self, error, path, _("expected an array [ … ], got %s"), jg_json_describe (node));
  *out = json_node_get_array (node);
  return TRUE;
}

static JsonObject *
get_element_object (JgScenario  *self,
                    JsonArray   *array,
                    guint        index,
                    const char  *path,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (self, error, path, _("expected an object { … }, got %s"), jg_json_describe (node));
      return NULL;
    }
  return json_node_get_object (node);
}

/* Expressions: numbers, $parameters, + - * /, unary - and !, parentheses. */

typedef struct
{
  JgScenario *self;
  const char *text;
  const char *p;
  const char *path;
  gboolean    allow_index;
  guint       depth;
  GError    **error;
} ExprParser;

static Expr *parse_sum (ExprParser *e);


static Expr *
expr_fail (ExprParser *e,
           const char *what)
{
  invalid (e->self, e->error, e->path, _("%s in “%s”"), what, e->text);
  return NULL;
}

static Expr *
expr_unexpected (ExprParser *e)
{
  invalid (e->self, e->error, e->path,
           _("unexpected “%.*s” in “%s” (expressions use numbers, $parameters, + - * / "
             "and parentheses)"),
           (int) (g_utf8_next_char (e->p) - e->p), e->p, e->text);
  return NULL;
}

static char *
param_list (JgScenario *self)
{
  g_autoptr (GString) list = g_string_new (NULL);

  for (guint i = 0; i < self->params->len; i++)
    g_string_append_printf (list, "%s$%s", i > 0 ? ", " : "",
                            g_array_index (self->params, JgScenarioParam, i).name);
  return g_string_free (g_steal_pointer (&list), FALSE);
}

static void
skip_blanks (ExprParser *e)
{
  while (*e->p == ' ' || *e->p == '\t')
    e->p++;
}

static Expr *
parse_reference (ExprParser *e)
{
  const char *start = ++e->p;
  g_autofree char *name = NULL;

  while (g_ascii_isalnum (*e->p) || *e->p == '_')
    e->p++;
  if (e->p == start)
    return expr_fail (e, _("“$” must be followed by a parameter name"));
  name = g_strndup (start, e->p - start);
  if (g_str_equal (name, "i"))
    {
      if (!e->allow_index)
        return expr_fail (e, _("$i (a task's number) is known only inside a task's steps and repeat"));
      return expr_new (EXPR_INDEX, NULL, NULL);
    }
  for (guint i = 0; i < e->self->params->len; i++)
    if (g_str_equal (g_array_index (e->self->params, JgScenarioParam, i).name, name))
      {
        Expr *expr = expr_new (EXPR_PARAM, NULL, NULL);

        expr->param = i;
        return expr;
      }
  if (e->self->params->len == 0)
    invalid (e->self, e->error, e->path,
             _("$%s is not a parameter of this scenario (it declares none)"), name);
  else
    {
      g_autofree char *list = param_list (e->self);

      invalid (e->self, e->error, e->path,
               _("$%s is not a parameter of this scenario (it has %s)"), name, list);
    }
  return NULL;
}

static Expr *
parse_primary (ExprParser *e)
{
  skip_blanks (e);
  if (*e->p == '(')
    {
      Expr *inner;

      if (++e->depth > MAX_EXPR_DEPTH)
        return expr_fail (e, _("parentheses nested too deeply"));
      e->p++;
      inner = parse_sum (e);
      if (inner == NULL)
        return NULL;
      skip_blanks (e);
      if (*e->p != ')')
        {
          expr_free (inner);
          return expr_fail (e, _("a “)” is missing"));
        }
      e->p++;
      e->depth--;
      return inner;
    }
  if (*e->p == '$')
    return parse_reference (e);
  if (g_ascii_isdigit (*e->p) || *e->p == '.')
    {
      char *end = NULL;
      double x = g_ascii_strtod (e->p, &end);

      if (end == e->p)
        return expr_fail (e, _("a number is malformed"));
      if (!isfinite (x))
        return expr_fail (e, _("a number is too large"));
      e->p = end;
      return expr_new_number (x);
    }
  if (*e->p == '\0')
    return expr_fail (e, _("a number or a $parameter is missing at the end"));
  return expr_unexpected (e);
}

static Expr *
parse_unary (ExprParser *e)
{
  skip_blanks (e);
  if (*e->p == '-' || *e->p == '+' || *e->p == '!')
    {
      char op = *e->p++;
      Expr *operand;

      if (++e->depth > MAX_EXPR_DEPTH)
        return expr_fail (e, _("signs nested too deeply"));
      operand = parse_unary (e);
      e->depth--;
      if (operand == NULL || op == '+')
        return operand;
      return expr_new (op == '-' ? EXPR_NEG : EXPR_NOT, operand, NULL);
    }
  return parse_primary (e);
}

static Expr *
parse_product (ExprParser *e)
{
  Expr *left = parse_unary (e);

  while (left != NULL)
    {
      Expr *right;
      char op;

      skip_blanks (e);
      if (*e->p != '*' && *e->p != '/')
        break;
      op = *e->p++;
      right = parse_unary (e);
      if (right == NULL)
        {
          expr_free (left);
          return NULL;
        }
      left = expr_new (op == '*' ? EXPR_MUL : EXPR_DIV, left, right);
    }
  return left;
}

static Expr *
parse_sum (ExprParser *e)
{
  Expr *left = parse_product (e);

  while (left != NULL)
    {
      Expr *right;
      char op;

      skip_blanks (e);
      if (*e->p != '+' && *e->p != '-')
        break;
      op = *e->p++;
      right = parse_product (e);
      if (right == NULL)
        {
          expr_free (left);
          return NULL;
        }
      left = expr_new (op == '+' ? EXPR_ADD : EXPR_SUB, left, right);
    }
  return left;
}

static Expr *
parse_expression (JgScenario  *self,
                  const char  *text,
                  const char  *path,
                  gboolean     allow_index,
                  GError     **error)
{
  ExprParser e = { self, text, text, path, allow_index, 0, error };
  Expr *expr;

  if (strlen (text) > MAX_EXPR_CHARS)
    {
      invalid (self, error, path, _("expression longer than %d characters"), MAX_EXPR_CHARS);
      return NULL;
    }
  expr = parse_sum (&e);
  if (expr == NULL)
    return NULL;
  skip_blanks (&e);
  if (*e.p != '\0')
    {
      expr_free (expr);
      return expr_unexpected (&e);
    }
  return expr;
}

/* Reads a number-valued field (a number, or a string holding an expression);
 * booleans are accepted where @boolean says the field is a yes/no. */
static gboolean
load_value (JgScenario  *self,
            JsonObject  *object,
            const char  *parent,
            const char  *member,
            gboolean     boolean,
            gboolean     allow_index,
            gboolean     required,
            Value       *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  out->path = jg_json_path_member (parent, member);
  if (node == NULL)
    {
      if (required)
        return invalid (self, error, out->path, _("required field is missing"));
      return TRUE;
    }
  if (boolean && jg_json_holds (node, G_TYPE_BOOLEAN))
    {
      out->expr = expr_new_number (json_node_get_boolean (node) ? 1 : 0);
      return TRUE;
    }
  if (!boolean && jg_json_holds (node, G_TYPE_DOUBLE))
    {
      out->expr = expr_new_number (json_node_get_double (node));
      return TRUE;
    }
  if (jg_json_holds (node, G_TYPE_STRING))
    {
      out->text = g_strdup (json_node_get_string (node));
      out->expr = parse_expression (self, out->text, out->path, allow_index, error);
      return out->expr != NULL;
    }
  if (boolean)
    return invalid (self, error, out->path, _("expected true, false or a $parameter, got %s"),
                    jg_json_describe (node));
  return invalid (self, error, out->path,
                  _("expected a number or an expression such as \"$tasks * 2\", got %s"),
                  jg_json_describe (node));
}

/* Evaluating values against parameter values; shared by load (constants and
 * the defaults) and instantiate. */
typedef struct
{
  JgScenario *self;
  double     *values; /* one per parameter */
  double      index;  /* $i */
  GError    **error;
} Context;

static gboolean
eval_value (Context     *c,
            const Value *value,
            double       fallback,
            double       min,
            double       max,
            gboolean     whole,
            const char  *unit,
            double      *out)
{
  g_autofree char *got = NULL;
  g_autofree char *number = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  double x;

  if (value->expr == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  x = expr_eval (value->expr, c->values, c->index);
  if (!isfinite (x))
    return invalid (c->self, c->error, value->path, _("“%s” does not give a number (a division by zero?)"),
                    value->text ? value->text : "");
  number = format_number (x);
  /* TRANSLATORS: why a value is refused: "must be a whole number (“$n / 3” gives 2.5)" */
  got = value->text != NULL ? g_strdup_printf (_("“%s” gives %s"), value->text, number)
                            : g_strdup_printf (_("it is %s"), number);
  if (whole && x != floor (x))
    return invalid (c->self, c->error, value->path, _("must be a whole number (%s)"), got);
  low = format_number (min);
  high = format_number (max);
  if (x < min && min == 0)
    return invalid (c->self, c->error, value->path, _("must not be negative (%s)"), got);
  if (x < min)
    /* TRANSLATORS: "must be at least 1 tasks (it is 0)"; the second %s is a unit with its
     * space before it (" ms", " tasks", " bytes"), or nothing */
    return invalid (c->self, c->error, value->path, _("must be at least %s%s (%s)"), low,
                    *unit != '\0' ? _(unit) : "", got);
  if (x > max)
    return invalid (c->self, c->error, value->path, _("must be at most %s%s (%s)"), high,
                    *unit != '\0' ? _(unit) : "", got);
  *out = x;
  return TRUE;
}

/* Checks a value at load when it does not depend on parameters, so that
 * mistakes in steps the defaults skip are found too. */
static gboolean
check_constant (JgScenario  *self,
                const Value *value,
                double       min,
                double       max,
                gboolean     whole,
                const char  *unit,
                GError     **error)
{
  Context c = { self, NULL, 1, error };
  double x;

  if (value->expr == NULL || !expr_is_constant (value->expr))
    return TRUE;
  return eval_value (&c, value, 0, min, max, whole, unit, &x);
}

/* Loading */

static gboolean
load_param_number (JgScenario  *self,
                   JsonObject  *object,
                   const char  *parent,
                   const char  *member,
                   JgParamType  type,
                   double      *out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = jg_json_path_member (parent, member);
  g_autofree char *number = NULL;
  double x;

  if (node == NULL)
    return invalid (self, error, path,
                    type == JG_PARAM_BOOL
                    ? _("required field is missing (a bool parameter needs a default)")
                    : _("required field is missing (a number parameter needs a default, "
                        "a min and a max)"));
  if (type == JG_PARAM_BOOL)
    {
      if (!jg_json_holds (node, G_TYPE_BOOLEAN))
        return invalid (self, error, path, _("expected true or false, got %s"), jg_json_describe (node));
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }
  if (!jg_json_holds (node, G_TYPE_DOUBLE))
    return invalid (self, error, path, _("expected a number, got %s"), jg_json_describe (node));
  x = json_node_get_double (node);
  number = format_number (x);
  if (fabs (x) > MAX_WHOLE)
    return invalid (self, error, path, _("%s is too large"), number);
  if (type == JG_PARAM_INT && x != floor (x))
    return invalid (self, error, path,
                    _("expected a whole number, got %s (use \"type\": \"double\" for fractions)"), number);
  *out = x;
  return TRUE;
}

static gboolean
load_params (JgScenario  *self,
             JsonObject  *root,
             GError     **error)
{
  static const char * const fields[] = { "name", "label", "unit", "type", "default", "min", "max", NULL };
  JsonArray *array;

  if (!get_array (self, root, "", "parameters", FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  if (json_array_get_length (array) > MAX_PARAMS)
    return invalid (self, error, "parameters", _("at most %d parameters"), MAX_PARAMS);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = jg_json_path_element ("parameters", i);
      g_autofree char *name_path = jg_json_path_member (path, "name");
      g_autofree char *type = NULL;
      JsonObject *object = get_element_object (self, array, i, path, error);
      JsonNode *default_node;
      JgScenarioParam blank = { NULL };
      JgScenarioParam *param;

      if (object == NULL || !check_members (self, object, path, fields, error))
        return FALSE;
      /* Appended first, so that the array frees what is read even on failure. */
      g_array_append_val (self->params, blank);
      param = &g_array_index (self->params, JgScenarioParam, self->params->len - 1);
      if (!get_string (self, object, path, "name", TRUE, &param->name, error)
          || !get_string (self, object, path, "label", FALSE, &param->label, error)
          || !get_string (self, object, path, "unit", FALSE, &param->unit, error)
          || !get_string (self, object, path, "type", FALSE, &type, error))
        return FALSE;

      if (!g_ascii_isalpha (param->name[0]) && param->name[0] != '_')
        return invalid (self, error, name_path, _("a name starts with a letter or “_”"));
      for (const char *p = param->name; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '_')
          return invalid (self, error, name_path, _("a name uses only letters, digits and “_” "
                                                    "(it is written after a “$”)"));
      if (g_str_equal (param->name, "i"))
        return invalid (self, error, name_path, _("“i” is reserved for $i, a task's number"));
      for (guint j = 0; j + 1 < self->params->len; j++)
        if (g_str_equal (g_array_index (self->params, JgScenarioParam, j).name, param->name))
          return invalid (self, error, name_path, _("a parameter named “%s” is already declared"), param->name);
      /* The side panel and the CLI show these: in the user's language. The
       * definition, which traces keep, holds the English of the file. */
      if (param->label == NULL)
        param->label = g_strdup (param->name);
      else
        translate_in_place (&param->label);
      translate_in_place (&param->unit);

      /* Without a type, a true/false default makes a bool and anything else an int. */
      default_node = json_object_get_member (object, "default");
      if (type == NULL)
        param->type = default_node != NULL && jg_json_holds (default_node, G_TYPE_BOOLEAN) ? JG_PARAM_BOOL : JG_PARAM_INT;
      else if (g_str_equal (type, "int"))
        param->type = JG_PARAM_INT;
      else if (g_str_equal (type, "double"))
        param->type = JG_PARAM_DOUBLE;
      else if (g_str_equal (type, "bool"))
        param->type = JG_PARAM_BOOL;
      else
        {
          g_autofree char *type_path = jg_json_path_member (path, "type");

          return invalid (self, error, type_path, _("unknown type “%s” (expected int, double or bool)"), type);
        }

      if (param->type == JG_PARAM_BOOL)
        {
          if (json_object_has_member (object, "min") || json_object_has_member (object, "max"))
            {
              g_autofree char *range_path = jg_json_path_member (path, json_object_has_member (object, "min") ? "min" : "max");

              return invalid (self, error, range_path, _("a bool parameter has no range"));
            }
          param->min = 0;
          param->max = 1;
          if (!load_param_number (self, object, path, "default", param->type, &param->default_value, error))
            return FALSE;
        }
      else
        {
          g_autofree char *max_path = jg_json_path_member (path, "max");
          g_autofree char *default_path = jg_json_path_member (path, "default");
          g_autofree char *low = NULL;
          g_autofree char *high = NULL;
          g_autofree char *value = NULL;

          if (!load_param_number (self, object, path, "default", param->type, &param->default_value, error)
              || !load_param_number (self, object, path, "min", param->type, &param->min, error)
              || !load_param_number (self, object, path, "max", param->type, &param->max, error))
            return FALSE;
          low = format_number (param->min);
          high = format_number (param->max);
          value = format_number (param->default_value);
          if (param->max < param->min)
            return invalid (self, error, max_path, _("max %s is less than min %s"), high, low);
          if (param->default_value < param->min || param->default_value > param->max)
            return invalid (self, error, default_path, _("%s is outside the range %s to %s"), value, low, high);
        }
    }
  return TRUE;
}

static gboolean
load_models (JgScenario  *self,
             JsonObject  *root,
             GError     **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *known = g_strjoinv (", ", (char **) known_models);
  JsonArray *array;

  if (!get_array (self, root, "", "models", FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    {
      g_strv_builder_addv (builder, (const char **) known_models);
    }
  else if (json_array_get_length (array) == 0)
    {
      return invalid (self, error, "models", _("must name at least one model (%s)"), known);
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          g_autofree char *path = jg_json_path_element ("models", i);
          const char *name;

          if (!jg_json_holds (node, G_TYPE_STRING))
            return invalid (self, error, path, _("expected a string, got %s"), jg_json_describe (node));
          name = json_node_get_string (node);
          if (jg_strv_find (known_models, name) == NULL)
            return invalid (self, error, path, _("unknown model “%s” (expected one of: %s)"), name, known);
          for (guint j = 0; j < i; j++)
            if (g_str_equal (json_array_get_string_element (array, j), name))
              return invalid (self, error, path, _("“%s” is listed twice"), name);
          g_strv_builder_add (builder, name);
        }
    }
  self->models = g_strv_builder_end (builder);

  if (!get_string (self, root, "", "default_model", FALSE, &self->default_model, error))
    return FALSE;
  if (self->default_model == NULL)
    self->default_model = g_strdup (self->models[0]);
  else if (!g_strv_contains ((const char * const *) self->models, self->default_model))
    return invalid (self, error, "default_model", _("“%s” is not one of the scenario's models"),
                    self->default_model);
  return TRUE;
}

static gint
find_object (JgScenario *self,
             ObjectKind  kind,
             const char *name)
{
  for (guint i = 0; i < self->objects[kind]->len; i++)
    {
      ObjectTemplate *object = g_ptr_array_index (self->objects[kind], i);

      if (g_str_equal (object->name, name))
        return (gint) i;
    }
  return -1;
}

static gboolean
load_objects (JgScenario  *self,
              JsonObject  *root,
              GError     **error)
{
  for (ObjectKind kind = 0; kind < N_OBJECT_KINDS; kind++)
    {
      const char *member = object_kinds[kind].member;
      const char *fields[] = { "name", object_kinds[kind].value, kind == OBJECT_VARIABLE ? "expected" : NULL, NULL };
      JsonArray *array;

      if (!get_array (self, root, "", member, FALSE, &array, error))
        return FALSE;
      if (array == NULL)
        continue;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *path = jg_json_path_element (member, i);
          g_autofree char *name_path = jg_json_path_member (path, "name");
          JsonObject *node = get_element_object (self, array, i, path, error);
          ObjectTemplate *object;

          if (node == NULL || !check_members (self, node, path, fields, error))
            return FALSE;
          object = g_new0 (ObjectTemplate, 1);
          object->path = g_strdup (path);
          g_ptr_array_add (self->objects[kind], object);
          if (!get_string (self, node, path, "name", TRUE, &object->name, error))
            return FALSE;
          for (ObjectKind other = 0; other < N_OBJECT_KINDS; other++)
            {
              gint found = find_object (self, other, object->name);

              if (found >= 0 && (other != kind || (guint) found + 1 < self->objects[kind]->len))
                return invalid (self, error, name_path, _("“%s” is already the name of a %s"),
                                object->name, _(object_kinds[other].singular));
            }
          if (object_kinds[kind].value != NULL
              && (!load_value (self, node, path, object_kinds[kind].value, FALSE, FALSE,
                               kind != OBJECT_VARIABLE, &object->initial, error)
                  || !check_constant (self, &object->initial, object_kinds[kind].min,
                                      object_kinds[kind].max, TRUE, "", error)))
            return FALSE;
          if (kind == OBJECT_VARIABLE
              && (!load_value (self, node, path, "expected", FALSE, FALSE, FALSE, &object->expected, error)
                  || !check_constant (self, &object->expected, -MAX_WHOLE, MAX_WHOLE, TRUE, "", error)))
            return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  const char *name;
  guint       op;
  gint        object_kind;   /* -1: none */
  const char *object_member; /* the field naming the object */
} OpInfo;

static const OpInfo ops[] = {
  { "cpu", JG_STEP_CPU, -1, NULL },
  { "io", JG_STEP_IO, -1, NULL },
  { "block", JG_STEP_BLOCK, -1, NULL },
  { "lock", JG_STEP_LOCK, OBJECT_LOCK, "name" },
  { "unlock", JG_STEP_UNLOCK, OBJECT_LOCK, "name" },
  { "acquire", JG_STEP_SEM_ACQUIRE, OBJECT_SEMAPHORE, "name" },
  { "release", JG_STEP_SEM_RELEASE, OBJECT_SEMAPHORE, "name" },
  { "put", JG_STEP_QUEUE_PUT, OBJECT_QUEUE, "name" },
  { "get", JG_STEP_QUEUE_GET, OBJECT_QUEUE, "name" },
  { "read", JG_STEP_READ, OBJECT_VARIABLE, "var" },
  { "write", JG_STEP_WRITE, OBJECT_VARIABLE, "var" },
  { "transfer", JG_STEP_TRANSFER, -1, NULL },
  { "spawn", JG_STEP_SPAWN, -1, NULL },
  { "await", JG_STEP_AWAIT, -1, NULL },
  { "gather", JG_STEP_GATHER, -1, NULL },
  { "taskgroup", JG_STEP_TASKGROUP, -1, NULL },
  { "as_completed", JG_STEP_AS_COMPLETED, -1, NULL },
  { "map", JG_STEP_MAP, -1, NULL },
  { "wait_for", JG_STEP_WAIT_FOR, -1, NULL },
  { "cancel", JG_STEP_CANCEL, -1, NULL },
  { "fail", JG_STEP_FAIL, -1, NULL },
  { "to_thread", JG_STEP_TO_THREAD, -1, NULL },
  { "run_in_executor", JG_STEP_TO_THREAD, -1, NULL },
  { "repeat", OP_REPEAT, -1, NULL },
};

static const char * const io_kinds[] = {
  [JG_IO_SLEEP] = "sleep",
  [JG_IO_SOCKET] = "socket",
  [JG_IO_FILE] = "file",
  [JG_IO_PIPE] = "pipe",
  NULL
};

static gboolean load_steps (JgScenario  *self,
                            JsonObject  *object,
                            const char  *parent,
                            GPtrArray   *steps,
                            guint        depth,
                            GError     **error);
static gboolean load_async_step (JgScenario    *self,
                                 JsonObject    *object,
                                 const char    *path,
                                 const char    *op,
                                 StepTemplate  *step,
                                 guint          depth,
                                 GError       **error);

static gboolean
load_step (JgScenario    *self,
           JsonObject    *object,
           const char    *path,
           StepTemplate  *step,
           guint          depth,
           GError       **error)
{
  g_autofree char *op = NULL;
  g_autofree char *op_path = jg_json_path_member (path, "op");
  const OpInfo *info = NULL;

  if (!get_string (self, object, path, "op", TRUE, &op, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_equal (ops[i].name, op))
      info = &ops[i];
  if (info == NULL)
    {
      g_autoptr (GString) list = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
        g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", ops[i].name);
      return invalid (self, error, op_path, _("unknown step “%s” (expected one of: %s)"), op, list->str);
    }
  step->op = info->op;
  if (info->op >= JG_STEP_SPAWN && info->op < JG_STEP_N_KINDS)
    return load_async_step (self, object, path, op, step, depth, error);

  {
    const char *fields[6] = { "op", "if", NULL };
    guint n = 2;

    switch (info->op)
      {
      case JG_STEP_CPU:
        fields[n++] = "ms";
        fields[n++] = "releases_gil";
        break;
      case JG_STEP_IO:
        fields[n++] = "ms";
        fields[n++] = "kind";
        break;
      case JG_STEP_BLOCK:
        fields[n++] = "ms";
        break;
      case JG_STEP_WRITE:
        fields[n++] = "add";
        break;
      case JG_STEP_TRANSFER:
        fields[n++] = "bytes";
        fields[n++] = "direction";
        break;
      case OP_REPEAT:
        fields[n++] = "times";
        fields[n++] = "steps";
        break;
      default:
        break;
      }
    if (info->object_member != NULL)
      fields[n++] = info->object_member;
    if (!check_members (self, object, path, fields, error))
      return FALSE;
  }

  if (!load_value (self, object, path, "if", TRUE, TRUE, FALSE, &step->cond, error))
    return FALSE;

  switch (info->op)
    {
    case JG_STEP_CPU:
    case JG_STEP_IO:
    case JG_STEP_BLOCK:
      if (!load_value (self, object, path, "ms", FALSE, TRUE, TRUE, &step->ms, error)
          || !check_constant (self, &step->ms, 0, MAX_STEP_MS, FALSE, N_(" ms"), error))
        return FALSE;
      break;
    default:
      break;
    }

  if (info->op == JG_STEP_CPU
      && !load_value (self, object, path, "releases_gil", TRUE, TRUE, FALSE, &step->releases_gil, error))
    return FALSE;

  step->io_kind = JG_IO_SLEEP;
  if (info->op == JG_STEP_IO)
    {
      g_autofree char *kind = NULL;

      if (!get_string (self, object, path, "kind", FALSE, &kind, error))
        return FALSE;
      if (kind != NULL)
        {
          g_autofree char *kind_path = jg_json_path_member (path, "kind");
          guint k;

          for (k = 0; io_kinds[k] != NULL; k++)
            if (g_str_equal (io_kinds[k], kind))
              break;
          if (io_kinds[k] == NULL)
            return invalid (self, error, kind_path,
                            _("unknown kind of I/O “%s” (expected sleep, socket, file or pipe)"), kind);
          step->io_kind = (JgIoKind) k;
        }
    }

  if (info->object_kind >= 0)
    {
      g_autofree char *name = NULL;
      g_autofree char *name_path = jg_json_path_member (path, info->object_member);
      ObjectKind kind = (ObjectKind) info->object_kind;
      gint found;

      if (!get_string (self, object, path, info->object_member, TRUE, &name, error))
        return FALSE;
      found = find_object (self, kind, name);
      if (found < 0)
        {
          for (ObjectKind other = 0; other < N_OBJECT_KINDS; other++)
            if (find_object (self, other, name) >= 0)
              return invalid (self, error, name_path, _("“%s” is a %s, not a %s"), name,
                              _(object_kinds[other].singular), _(object_kinds[kind].singular));
          /* TRANSLATORS: "no lock named “db” is declared (add it to "locks")"; the last
           * %s is the scenario's field, not translated */
          return invalid (self, error, name_path, _("no %s named “%s” is declared (add it to \"%s\")"),
                          _(object_kinds[kind].singular), name, object_kinds[kind].member);
        }
      step->object = (guint) found;
    }

  step->direction = JG_TRANSFER_TO_WORKER;
  if (info->op == JG_STEP_TRANSFER)
    {
      g_autofree char *direction = NULL;

      if (!load_value (self, object, path, "bytes", FALSE, TRUE, TRUE, &step->bytes, error)
          || !check_constant (self, &step->bytes, 0, (double) JG_TRANSFER_MAX_BYTES, TRUE, N_(" bytes"), error)
          || !get_string (self, object, path, "direction", FALSE, &direction, error))
        return FALSE;
      if (g_strcmp0 (direction, "from_worker") == 0)
        step->direction = JG_TRANSFER_FROM_WORKER;
      else if (direction != NULL && !g_str_equal (direction, "to_worker"))
        {
          g_autofree char *direction_path = jg_json_path_member (path, "direction");

          return invalid (self, error, direction_path,
                          _("unknown direction “%s” (expected to_worker or from_worker)"), direction);
        }
    }

  if (info->op == JG_STEP_WRITE
      && (!load_value (self, object, path, "add", FALSE, TRUE, FALSE, &step->add, error)
          || !check_constant (self, &step->add, -MAX_WHOLE, MAX_WHOLE, TRUE, "", error)))
    return FALSE;

  if (info->op == OP_REPEAT)
    {
      if (depth >= MAX_REPEAT_DEPTH)
        return invalid (self, error, path, _("repeats are nested more than %d deep"), MAX_REPEAT_DEPTH);
      if (!load_value (self, object, path, "times", FALSE, TRUE, TRUE, &step->times, error)
          || !check_constant (self, &step->times, 0, MAX_REPEAT, TRUE, "", error))
        return FALSE;
      step->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_template_free);
      if (!load_steps (self, object, path, step->steps, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_steps (JgScenario  *self,
            JsonObject  *object,
            const char  *parent,
            GPtrArray   *steps,
            guint        depth,
            GError     **error)
{
  g_autofree char *steps_path = jg_json_path_member (parent, "steps");
  JsonArray *array;

  if (!get_array (self, object, parent, "steps", TRUE, &array, error))
    return FALSE;
  if (json_array_get_length (array) == 0)
    return invalid (self, error, steps_path, _("must hold at least one step"));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = jg_json_path_element (steps_path, i);
      JsonObject *node = get_element_object (self, array, i, path, error);
      StepTemplate *step;

      if (node == NULL)
        return FALSE;
      step = g_new0 (StepTemplate, 1);
      step->path = g_strdup (path);
      g_ptr_array_add (steps, step);
      if (!load_step (self, node, path, step, depth, error))
        return FALSE;
    }
  return TRUE;
}

/* asyncio steps (docs/asyncio.md). Their children are tasks of their own,
 * written like the top-level ones; each becomes a plan task that starts when
 * the step runs. */

struct _AsyncTemplate
{
  GPtrArray *tasks;             /* TaskTemplate: the children of spawn, gather, … */
  GPtrArray *steps;             /* StepTemplate: to_thread's body */
  GPtrArray *each;              /* StepTemplate: run once per result */
  Value      timeout;           /* timeout_ms */
  Value      return_exceptions;
  Value      catch_errors;      /* catch */
  char      *text;              /* await, cancel: a spawned task's name; fail: the exception;
                                 * to_thread: the lane's name */
  gboolean   in_processes;      /* run_in_executor on "processes" */
};

static void
async_template_free (AsyncTemplate *async)
{
  g_clear_pointer (&async->tasks, g_ptr_array_unref);
  g_clear_pointer (&async->steps, g_ptr_array_unref);
  g_clear_pointer (&async->each, g_ptr_array_unref);
  value_clear (&async->timeout);
  value_clear (&async->return_exceptions);
  value_clear (&async->catch_errors);
  g_free (async->text);
  g_free (async);
}

static gboolean
op_starts_tasks (guint op)
{
  return op == JG_STEP_SPAWN || op == JG_STEP_GATHER || op == JG_STEP_TASKGROUP
      || op == JG_STEP_AS_COMPLETED || op == JG_STEP_MAP || op == JG_STEP_WAIT_FOR
      || op == JG_STEP_TO_THREAD;
}

/* Whether any of @steps, inside repeats too, starts tasks: then each round of
 * a repeat must be expanded again, so that it starts tasks of its own. */
static gboolean
steps_start_tasks (GPtrArray *steps)
{
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      const StepTemplate *step = g_ptr_array_index (steps, i);

      if (step->op == OP_REPEAT ? steps_start_tasks (step->steps) : op_starts_tasks (step->op))
        return TRUE;
    }
  return FALSE;
}

/* The body of `each` runs inside the waiting task, between two results; that
 * of to_thread on an executor's thread, where asyncio's objects are out of
 * reach. Neither may start or await tasks. */
static gboolean
check_plain_steps (JgScenario  *self,
                   GPtrArray   *steps,
                   gboolean     in_thread,
                   const char  *what,
                   GError     **error)
{
  for (guint i = 0; i < steps->len; i++)
    {
      const StepTemplate *step = g_ptr_array_index (steps, i);

      if (step->op == OP_REPEAT)
        {
          if (!check_plain_steps (self, step->steps, in_thread, what, error))
            return FALSE;
        }
      else if (step->async != NULL && step->op != JG_STEP_FAIL)
        {
          return invalid (self, error, step->path, _("%s cannot start, await or cancel tasks"), what);
        }
      else if (in_thread && step->op >= JG_STEP_LOCK && step->op <= JG_STEP_QUEUE_GET)
        {
          return invalid (self, error, step->path,
                          _("%s runs on another thread, where asyncio's locks, semaphores and queues "
                            "cannot be used"), what);
        }
    }
  return TRUE;
}

/* A child task: like a top-level one; wait_for's is one task (no count, no if). */
static TaskTemplate *
load_child_task (JgScenario  *self,
                 JsonObject  *object,
                 const char  *path,
                 gboolean     one,
                 guint        depth,
                 GError     **error)
{
  static const char * const fields[] = { "name", "count", "repeat", "if", "steps", NULL };
  static const char * const one_fields[] = { "name", "repeat", "steps", NULL };
  TaskTemplate *task;

  if (!check_members (self, object, path, one ? one_fields : fields, error))
    return NULL;
  task = g_new0 (TaskTemplate, 1);
  task->path = g_strdup (path);
  task->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_template_free);
  if (!get_string (self, object, path, "name", TRUE, &task->name, error)
      || !load_value (self, object, path, "count", FALSE, FALSE, FALSE, &task->count, error)
      || !check_constant (self, &task->count, 0, MAX_PLAN_TASKS, TRUE, N_(" tasks"), error)
      || !load_value (self, object, path, "repeat", FALSE, TRUE, FALSE, &task->repeat, error)
      || !check_constant (self, &task->repeat, 0, MAX_REPEAT, TRUE, "", error)
      || !load_value (self, object, path, "if", TRUE, FALSE, FALSE, &task->cond, error)
      || !load_steps (self, object, path, task->steps, depth + 1, error))
    {
      task_template_free (task);
      return NULL;
    }
  return task;
}

/* "tasks": [ … ] or, with @single, "task": { … } (spawn and wait_for). */
static gboolean
load_child_tasks (JgScenario     *self,
                  JsonObject     *object,
                  const char     *path,
                  AsyncTemplate  *async,
                  gboolean        single,
                  gboolean        one,
                  guint           depth,
                  GError        **error)
{
  async->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) task_template_free);

  if (single)
    {
      g_autofree char *task_path = jg_json_path_member (path, "task");
      JsonNode *node = json_object_get_member (object, "task");
      TaskTemplate *task;

      if (node == NULL)
        return invalid (self, error, task_path, _("required field is missing"));
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (self, error, task_path, _("expected an object { … }, got %s"), jg_json_describe (node));
      task = load_child_task (self, json_node_get_object (node), task_path, one, depth, error);
      if (task == NULL)
        return FALSE;
      g_ptr_array_add (async->tasks, task);
      return TRUE;
    }
  else
    {
      g_autofree char *tasks_path = jg_json_path_member (path, "tasks");
      JsonArray *array;

      if (!get_array (self, object, path, "tasks", TRUE, &array, error))
        return FALSE;
      if (json_array_get_length (array) == 0)
        return invalid (self, error, tasks_path, _("must hold at least one task"));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *task_path = jg_json_path_element (tasks_path, i);
          JsonObject *node = get_element_object (self, array, i, task_path, error);
          TaskTemplate *task;

          if (node == NULL)
            return FALSE;
          task = load_child_task (self, node, task_path, FALSE, depth, error);
          if (task == NULL)
            return FALSE;
          g_ptr_array_add (async->tasks, task);
        }
      return TRUE;
    }
}

/* "each": the steps run for every result. */
static gboolean
load_each (JgScenario     *self,
           JsonObject     *object,
           const char     *path,
           AsyncTemplate  *async,
           guint           depth,
           GError        **error)
{
  g_autofree char *each_path = jg_json_path_member (path, "each");
  JsonArray *array;

  if (!get_array (self, object, path, "each", FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  if (json_array_get_length (array) == 0)
    return invalid (self, error, each_path, _("must hold at least one step (or leave “each” out)"));
  async->each = g_ptr_array_new_with_free_func ((GDestroyNotify) step_template_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *step_path = jg_json_path_element (each_path, i);
      JsonObject *node = get_element_object (self, array, i, step_path, error);
      StepTemplate *step;

      if (node == NULL)
        return FALSE;
      step = g_new0 (StepTemplate, 1);
      step->path = g_strdup (step_path);
      g_ptr_array_add (async->each, step);
      if (!load_step (self, node, step_path, step, depth + 1, error))
        return FALSE;
    }
  return check_plain_steps (self, async->each, FALSE, "a step of “each”", error);
}

static gboolean
load_async_step (JgScenario    *self,
                 JsonObject    *object,
                 const char    *path,
                 const char    *op,
                 StepTemplate  *step,
                 guint          depth,
                 GError       **error)
{
  const char *fields[10] = { "op", "if", NULL };
  guint n = 2;
  AsyncTemplate *async;

  switch (step->op)
    {
    case JG_STEP_SPAWN:
      fields[n++] = "task";
      break;
    case JG_STEP_AWAIT:
      fields[n++] = "name";
      fields[n++] = "timeout_ms";
      fields[n++] = "catch";
      break;
    case JG_STEP_GATHER:
      fields[n++] = "tasks";
      fields[n++] = "each";
      fields[n++] = "return_exceptions";
      fields[n++] = "timeout_ms";
      fields[n++] = "catch";
      break;
    case JG_STEP_TASKGROUP:
      fields[n++] = "tasks";
      fields[n++] = "timeout_ms";
      fields[n++] = "catch";
      break;
    case JG_STEP_AS_COMPLETED:
    case JG_STEP_MAP:
      fields[n++] = "tasks";
      fields[n++] = "each";
      fields[n++] = "catch";
      break;
    case JG_STEP_WAIT_FOR:
      fields[n++] = "task";
      fields[n++] = "timeout_ms";
      fields[n++] = "catch";
      break;
    case JG_STEP_CANCEL:
      fields[n++] = "name";
      break;
    case JG_STEP_FAIL:
      fields[n++] = "error";
      break;
    case JG_STEP_TO_THREAD:
      fields[n++] = "name";
      fields[n++] = "steps";
      fields[n++] = "catch";
      if (g_str_equal (op, "run_in_executor"))
        fields[n++] = "executor";
      break;
    default:
      g_assert_not_reached ();
    }
  if (!check_members (self, object, path, fields, error))
    return FALSE;
  if (op_starts_tasks (step->op) && depth >= MAX_REPEAT_DEPTH)
    return invalid (self, error, path, _("tasks and repeats are nested more than %d deep"), MAX_REPEAT_DEPTH);

  step->async = async = g_new0 (AsyncTemplate, 1);
  if (!load_value (self, object, path, "if", TRUE, TRUE, FALSE, &step->cond, error))
    return FALSE;

  if (jg_strv_find (fields, "timeout_ms") != NULL
      && (!load_value (self, object, path, "timeout_ms", FALSE, TRUE, step->op == JG_STEP_WAIT_FOR,
                       &async->timeout, error)
          || !check_constant (self, &async->timeout, 0.001, MAX_STEP_MS, FALSE, N_(" ms"), error)))
    return FALSE;
  if (jg_strv_find (fields, "return_exceptions") != NULL
      && !load_value (self, object, path, "return_exceptions", TRUE, TRUE, FALSE, &async->return_exceptions, error))
    return FALSE;
  if (jg_strv_find (fields, "catch") != NULL
      && !load_value (self, object, path, "catch", TRUE, TRUE, FALSE, &async->catch_errors, error))
    return FALSE;
  if (jg_strv_find (fields, "name") != NULL && !get_string (self, object, path, "name", FALSE, &async->text, error))
    return FALSE;
  if (step->op == JG_STEP_FAIL && !get_string (self, object, path, "error", FALSE, &async->text, error))
    return FALSE;

  if (jg_strv_find (fields, "executor") != NULL)
    {
      g_autofree char *executor = NULL;

      if (!get_string (self, object, path, "executor", FALSE, &executor, error))
        return FALSE;
      if (executor != NULL && !g_str_equal (executor, "threads") && !g_str_equal (executor, "processes"))
        {
          g_autofree char *executor_path = jg_json_path_member (path, "executor");

          return invalid (self, error, executor_path, _("unknown executor “%s” (expected threads or processes)"),
                          executor);
        }
      async->in_processes = g_strcmp0 (executor, "processes") == 0;
    }

  if (jg_strv_find (fields, "tasks") != NULL
      && !load_child_tasks (self, object, path, async, FALSE, FALSE, depth, error))
    return FALSE;
  if (jg_strv_find (fields, "task") != NULL
      && !load_child_tasks (self, object, path, async, TRUE, step->op == JG_STEP_WAIT_FOR, depth, error))
    return FALSE;
  if (jg_strv_find (fields, "each") != NULL && !load_each (self, object, path, async, depth, error))
    return FALSE;
  if (step->op == JG_STEP_TO_THREAD)
    {
      async->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_template_free);
      if (!load_steps (self, object, path, async->steps, depth + 1, error)
          || !check_plain_steps (self, async->steps, TRUE, op, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_tasks (JgScenario  *self,
            JsonObject  *root,
            GError     **error)
{
  static const char * const fields[] = { "name", "count", "repeat", "if", "steps", NULL };
  JsonArray *array;

  if (!get_array (self, root, "", "tasks", TRUE, &array, error))
    return FALSE;
  if (json_array_get_length (array) == 0)
    return invalid (self, error, "tasks", _("must hold at least one task"));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = jg_json_path_element ("tasks", i);
      JsonObject *object = get_element_object (self, array, i, path, error);
      TaskTemplate *task;

      if (object == NULL || !check_members (self, object, path, fields, error))
        return FALSE;
      task = g_new0 (TaskTemplate, 1);
      task->path = g_strdup (path);
      task->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_template_free);
      g_ptr_array_add (self->tasks, task);
      if (!get_string (self, object, path, "name", TRUE, &task->name, error)
          || !load_value (self, object, path, "count", FALSE, FALSE, FALSE, &task->count, error)
          || !check_constant (self, &task->count, 0, MAX_PLAN_TASKS, TRUE, N_(" tasks"), error)
          || !load_value (self, object, path, "repeat", FALSE, TRUE, FALSE, &task->repeat, error)
          || !check_constant (self, &task->repeat, 0, MAX_REPEAT, TRUE, "", error)
          || !load_value (self, object, path, "if", TRUE, FALSE, FALSE, &task->cond, error)
          || !load_steps (self, object, path, task->steps, 0, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_root (JgScenario  *self,
           JsonObject  *root,
           GError     **error)
{
  static const char * const fields[] = {
    "id", "title", "idea", "seed", "models", "default_model", "parameters",
    "locks", "semaphores", "queues", "variables", "tasks", NULL
  };

  if (!check_members (self, root, "", fields, error)
      || !get_string (self, root, "", "id", FALSE, &self->id, error)
      || !get_string (self, root, "", "title", TRUE, &self->title, error)
      || !get_string (self, root, "", "idea", FALSE, &self->idea, error)
      || !get_string (self, root, "", "seed", FALSE, &self->seed, error))
    return FALSE;

  if (self->id != NULL)
    {
      if (strlen (self->id) > 64)
        return invalid (self, error, "id", _("longer than 64 characters"));
      for (const char *p = self->id; *p != '\0'; p++)
        if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_'))
          return invalid (self, error, "id", _("an id uses only lower-case letters, digits, “-” and “_”"));
    }
  else
    {
      /* A file of one's own may leave the id out: it is then the file's name. */
      g_autofree char *base = g_path_get_basename (self->where);

      if (g_str_has_suffix (base, ".json"))
        base[strlen (base) - strlen (".json")] = '\0';
      self->id = g_steal_pointer (&base);
    }

  return load_models (self, root, error)
      && load_params (self, root, error)
      && load_objects (self, root, error)
      && load_tasks (self, root, error);
}

/* Instantiating */

typedef struct
{
  Context  c;
  guint64  n_steps;  /* in the tasks made so far */
  GArray  *tasks;    /* JgPlanTask */
  guint8  *held;     /* per lock, while checking a task */
  gboolean over;     /* expansion stopped at MAX_PLAN_STEPS */
  const char *task_name; /* asyncio: the task whose steps are being expanded */
} Builder;

static gboolean expand_async_step (Builder            *b,
                                   const StepTemplate *t,
                                   guint64             budget,
                                   GArray             *out);

static gboolean
eval_condition (Context     *c,
                const Value *cond,
                gboolean    *out)
{
  double x;

  if (!eval_value (c, cond, 1, -G_MAXDOUBLE, G_MAXDOUBLE, FALSE, "", &x))
    return FALSE;
  *out = x != 0;
  return TRUE;
}

static gboolean
expand_steps (Builder   *b,
              GPtrArray *templates,
              guint64    budget,
              GArray    *out)
{
  for (guint i = 0; i < templates->len; i++)
    {
      const StepTemplate *t = g_ptr_array_index (templates, i);
      JgStep step = { 0 };
      gboolean include;
      double x;

      if (!eval_condition (&b->c, &t->cond, &include))
        return FALSE;
      if (!include)
        continue;

      if (t->op == OP_REPEAT)
        {
          g_autoptr (GArray) inner = g_array_new (FALSE, FALSE, sizeof (JgStep));
          guint64 times;

          if (!eval_value (&b->c, &t->times, 1, 0, MAX_REPEAT, TRUE, "", &x))
            return FALSE;
          times = (guint64) x;
          /* Each round of a repeat that starts tasks starts its own. */
          if (steps_start_tasks (t->steps))
            {
              for (guint64 k = 0; k < times; k++)
                if (!expand_steps (b, t->steps, budget, out))
                  return FALSE;
              continue;
            }
          if (!expand_steps (b, t->steps, budget - out->len, inner))
            return FALSE;
          if (inner->len * times > budget - out->len)
            {
              b->over = TRUE;
              return FALSE;
            }
          for (guint64 k = 0; k < times; k++)
            g_array_append_vals (out, inner->data, inner->len);
          continue;
        }

      if (t->async != NULL)
        {
          if (!expand_async_step (b, t, budget, out))
            return FALSE;
          continue;
        }

      step.kind = (JgStepKind) t->op;
      step.io_kind = t->io_kind;
      step.object = t->object;
      if (!eval_value (&b->c, &t->ms, 0, 0, MAX_STEP_MS, FALSE, N_(" ms"), &step.ms)
          || !eval_condition (&b->c, &t->releases_gil, &step.releases_gil))
        return FALSE;
      if (t->releases_gil.expr == NULL)
        step.releases_gil = FALSE;
      if (!eval_value (&b->c, &t->add, 0, -MAX_WHOLE, MAX_WHOLE, TRUE, "", &x))
        return FALSE;
      step.value = (gint64) x;
      step.direction = t->direction;
      if (t->op == JG_STEP_TRANSFER)
        {
          if (!eval_value (&b->c, &t->bytes, 0, 0, (double) JG_TRANSFER_MAX_BYTES, TRUE, N_(" bytes"), &x))
            return FALSE;
          step.value = (gint64) x;
        }
      if (out->len >= budget)
        {
          b->over = TRUE;
          return FALSE;
        }
      g_array_append_val (out, step);
    }
  return TRUE;
}

/* A plain lock is not re-entrant and may only be released by the thread that
 * took it (a GMutex's rule too), so each task must pair its locks itself. */
static gboolean
check_locks (Builder            *b,
             const TaskTemplate *t,
             const JgPlanTask   *task)
{
  JgScenario *self = b->c.self;
  guint n_locks = self->objects[OBJECT_LOCK]->len;

  memset (b->held, 0, n_locks);
  for (guint i = 0; i < task->n_steps; i++)
    {
      const JgStep *step = &task->steps[i];
      const ObjectTemplate *lock;

      if (step->kind != JG_STEP_LOCK && step->kind != JG_STEP_UNLOCK)
        continue;
      lock = g_ptr_array_index (self->objects[OBJECT_LOCK], step->object);
      if (step->kind == JG_STEP_LOCK && b->held[step->object])
        return invalid (self, b->c.error, t->path,
                        _("“%s” takes lock “%s” while it already holds it (it would wait for itself for ever)"),
                        task->name, lock->name);
      if (step->kind == JG_STEP_UNLOCK && !b->held[step->object])
        return invalid (self, b->c.error, t->path,
                        _("“%s” releases lock “%s”, which it does not hold"), task->name, lock->name);
      b->held[step->object] = step->kind == JG_STEP_LOCK;
    }
  for (guint l = 0; l < n_locks; l++)
    if (b->held[l])
      return invalid (self, b->c.error, t->path, _("“%s” ends still holding lock “%s”"), task->name,
                      ((ObjectTemplate *) g_ptr_array_index (self->objects[OBJECT_LOCK], l))->name);
  return TRUE;
}

static char *
task_name (const char *name,
           guint       index,
           guint       count)
{
  g_autoptr (GString) s = g_string_new (name);
  g_autofree char *number = g_strdup_printf ("%u", index);

  if (strstr (name, "{i}") != NULL)
    g_string_replace (s, "{i}", number, 0);
  else if (count > 1)
    g_string_append_printf (s, " %u", index);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Expanding asyncio steps: the children become plan tasks of their own. */

/* Reserves @n zeroed plan tasks at the end and returns the first, so that a
 * task's lane comes before the lanes of the tasks it starts. */
static guint
reserve_tasks (Builder *b,
               guint    n)
{
  guint first = b->tasks->len;

  if (n > 0)
    {
      g_array_set_size (b->tasks, first + n);
      memset (&g_array_index (b->tasks, JgPlanTask, first), 0, n * sizeof (JgPlanTask));
    }
  return first;
}

/* An await or cancel by name needs a spawn step of that name before it. */
static gboolean
check_async_task (Builder          *b,
                  const char       *path,
                  const JgPlanTask *task)
{
  g_autoptr (GPtrArray) spawned = g_ptr_array_new ();

  for (guint i = 0; i < task->n_steps; i++)
    {
      const JgStep *step = &task->steps[i];

      if (step->kind == JG_STEP_SPAWN)
        g_ptr_array_add (spawned, (gpointer) step->message);
      else if ((step->kind == JG_STEP_AWAIT || step->kind == JG_STEP_CANCEL)
               && step->message != NULL && !g_ptr_array_find (spawned, step->message, NULL))
        return invalid (b->c.self, b->c.error, path,
                        step->kind == JG_STEP_AWAIT
                        ? _("“%s” awaits “%s”, which no spawn step before it starts")
                        : _("“%s” cancels “%s”, which no spawn step before it starts"),
                        task->name, step->message);
    }
  return TRUE;
}

/* Fills plan task @slot, reserved before, with copy @index of @count of @t. */
static gboolean
expand_child_task (Builder            *b,
                   const TaskTemplate *t,
                   guint               index,
                   guint               count,
                   guint               slot)
{
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (JgStep));
  g_autofree char *name = task_name (t->name, index, count);
  guint64 budget = MAX_PLAN_STEPS - MIN (b->n_steps, MAX_PLAN_STEPS);
  const char *saved_name = b->task_name;
  double saved_index = b->c.index;
  JgPlanTask task = { 0 };
  gboolean ok;
  double x;

  /* Inside a child, $i is the child's number among its copies. */
  b->c.index = index;
  b->task_name = name;
  ok = eval_value (&b->c, &t->repeat, 1, 0, MAX_REPEAT, TRUE, "", &x);
  for (guint64 r = 0; ok && r < (guint64) x; r++)
    ok = expand_steps (b, t->steps, budget, steps);
  b->task_name = saved_name;
  b->c.index = saved_index;
  if (!ok)
    return FALSE;

  task.name = g_steal_pointer (&name);
  task.n_steps = steps->len;
  task.steps = g_new (JgStep, MAX (steps->len, 1));
  memcpy (task.steps, steps->data, steps->len * sizeof (JgStep));
  g_array_index (b->tasks, JgPlanTask, slot) = task;
  b->n_steps += task.n_steps;
  return check_locks (b, t, &task) && check_async_task (b, t->path, &task);
}

static gboolean
expand_children (Builder   *b,
                 GPtrArray *templates,
                 guint     *first,
                 guint     *n_children)
{
  g_autofree guint *counts = g_new0 (guint, MAX (templates->len, 1));
  double saved_index = b->c.index;
  guint total = 0;
  guint slot;

  b->c.index = 1;
  for (guint i = 0; i < templates->len; i++)
    {
      const TaskTemplate *t = g_ptr_array_index (templates, i);
      gboolean include;
      double x;

      if (!eval_condition (&b->c, &t->cond, &include)
          || (include && !eval_value (&b->c, &t->count, 1, 0, MAX_PLAN_TASKS, TRUE, N_(" tasks"), &x)))
        {
          b->c.index = saved_index;
          return FALSE;
        }
      counts[i] = include ? (guint) x : 0;
      total += counts[i];
      if (b->tasks->len + total > MAX_PLAN_TASKS)
        {
          b->c.index = saved_index;
          return invalid (b->c.self, b->c.error, t->count.expr ? t->count.path : t->path,
                          _("the run would have %u tasks, more than the limit of %d"),
                          b->tasks->len + total, MAX_PLAN_TASKS);
        }
    }
  b->c.index = saved_index;

  *first = slot = reserve_tasks (b, total);
  *n_children = total;
  for (guint i = 0; i < templates->len; i++)
    for (guint k = 1; k <= counts[i]; k++)
      if (!expand_child_task (b, g_ptr_array_index (templates, i), k, counts[i], slot++))
        return FALSE;
  return TRUE;
}

/* to_thread's body: a task of its own, run by an executor, with the $i of the
 * task that hands it over. */
static gboolean
expand_executor_body (Builder             *b,
                      const AsyncTemplate *async,
                      guint               *child)
{
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (JgStep));
  guint64 budget = MAX_PLAN_STEPS - MIN (b->n_steps, MAX_PLAN_STEPS);
  JgPlanTask task = { 0 };

  if (b->tasks->len + 1 > MAX_PLAN_TASKS)
    return invalid (b->c.self, b->c.error, NULL, _("the run would have more than the limit of %d tasks"),
                    MAX_PLAN_TASKS);
  *child = reserve_tasks (b, 1);
  if (!expand_steps (b, async->steps, budget, steps))
    return FALSE;
  if (async->text != NULL)
    task.name = task_name (async->text, (guint) b->c.index, 1);
  else
    task.name = g_strdup_printf ("%s → %s", b->task_name != NULL ? b->task_name : "task",
                                 async->in_processes ? "process" : "thread");
  task.n_steps = steps->len;
  task.steps = g_new (JgStep, MAX (steps->len, 1));
  memcpy (task.steps, steps->data, steps->len * sizeof (JgStep));
  g_array_index (b->tasks, JgPlanTask, *child) = task;
  b->n_steps += task.n_steps;
  return TRUE;
}

static gboolean
expand_async_step (Builder            *b,
                   const StepTemplate *t,
                   guint64             budget,
                   GArray             *out)
{
  const AsyncTemplate *async = t->async;
  JgStep step = { 0 };
  gboolean flag;

  step.kind = (JgStepKind) t->op;
  if (async->timeout.expr != NULL
      && !eval_value (&b->c, &async->timeout, 0, 0.001, MAX_STEP_MS, FALSE, N_(" ms"), &step.timeout_ms))
    return FALSE;
  if (async->return_exceptions.expr != NULL)
    {
      if (!eval_condition (&b->c, &async->return_exceptions, &flag))
        return FALSE;
      step.async_flags |= flag ? JG_STEP_RETURN_EXCEPTIONS : 0;
    }
  if (async->catch_errors.expr != NULL)
    {
      if (!eval_condition (&b->c, &async->catch_errors, &flag))
        return FALSE;
      step.async_flags |= flag ? JG_STEP_CATCH : 0;
    }
  if (async->in_processes)
    step.async_flags |= JG_STEP_IN_PROCESSES;

  switch (t->op)
    {
    case JG_STEP_FAIL:
      step.message = g_intern_string (async->text != NULL ? async->text : "Exception");
      break;
    case JG_STEP_AWAIT:
    case JG_STEP_CANCEL:
      step.message = async->text != NULL ? g_intern_string (async->text) : NULL;
      break;
    case JG_STEP_SPAWN:
      step.message = g_intern_string (((TaskTemplate *) g_ptr_array_index (async->tasks, 0))->name);
      break;
    default:
      break;
    }

  if (async->tasks != NULL && !expand_children (b, async->tasks, &step.child, &step.n_children))
    return FALSE;
  if (t->op == JG_STEP_TO_THREAD)
    {
      if (!expand_executor_body (b, async, &step.child))
        return FALSE;
      step.n_children = 1;
    }

  if (out->len >= budget)
    {
      b->over = TRUE;
      return FALSE;
    }
  g_array_append_val (out, step);
  if (async->each != NULL)
    {
      guint start = out->len;

      if (!expand_steps (b, async->each, budget, out))
        return FALSE;
      g_array_index (out, JgStep, start - 1).n_body = out->len - start;
    }
  return TRUE;
}

static gboolean
expand_tasks (Builder *b)
{
  JgScenario *self = b->c.self;

  for (guint i = 0; i < self->tasks->len; i++)
    {
      const TaskTemplate *t = g_ptr_array_index (self->tasks, i);
      gboolean include;
      double x;
      guint count;

      b->c.index = 1;
      if (!eval_condition (&b->c, &t->cond, &include))
        return FALSE;
      if (!include)
        continue;
      if (!eval_value (&b->c, &t->count, 1, 0, MAX_PLAN_TASKS, TRUE, N_(" tasks"), &x))
        return FALSE;
      count = (guint) x;
      if (b->tasks->len + count > MAX_PLAN_TASKS)
        return invalid (self, b->c.error, t->count.expr ? t->count.path : t->path,
                        _("the run would have %u tasks, more than the limit of %d"),
                        b->tasks->len + count, MAX_PLAN_TASKS);

      for (guint k = 1; k <= count; k++)
        {
          g_autoptr (GArray) once = g_array_new (FALSE, FALSE, sizeof (JgStep));
          guint64 budget = MAX_PLAN_STEPS - b->n_steps;
          JgPlanTask task = { 0 };
          gboolean expanded;
          guint64 repeat;
          guint slot;

          b->c.index = k;
          if (!eval_value (&b->c, &t->repeat, 1, 0, MAX_REPEAT, TRUE, "", &x))
            return FALSE;
          repeat = (guint64) x;
          task.name = task_name (t->name, k, count);
          /* Its lane comes before those of the tasks it starts. */
          slot = reserve_tasks (b, 1);
          b->task_name = task.name;
          expanded = expand_steps (b, t->steps, budget, once);
          /* Each round of a task that starts tasks starts its own. */
          if (expanded && steps_start_tasks (t->steps))
            {
              for (guint64 r = 1; expanded && r < repeat; r++)
                expanded = expand_steps (b, t->steps, budget, once);
              repeat = 1;
            }
          if (b->over || (expanded && once->len * repeat > budget))
            {
              /* Reported on the task: the count, repeat and times in it together
               * make the run too long. */
              invalid (self, b->c.error, t->path,
                       _("with “%s” the run would have more than the limit of %d steps "
                         "(lower a count, repeat or times)"), task.name, MAX_PLAN_STEPS);
              g_free (task.name);
              return FALSE;
            }
          if (!expanded)
            {
              g_free (task.name);
              return FALSE;
            }

          task.n_steps = (guint) (once->len * repeat);
          task.steps = g_new (JgStep, MAX (task.n_steps, 1));
          for (guint64 r = 0; r < repeat; r++)
            memcpy (task.steps + r * once->len, once->data, once->len * sizeof (JgStep));
          g_array_index (b->tasks, JgPlanTask, slot) = task;
          b->n_steps += task.n_steps;
          if (!check_locks (b, t, &task) || !check_async_task (b, t->path, &task))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
make_objects (Builder       *b,
              ObjectKind     kind,
              guint         *n_out,
              JgPlanObject **out)
{
  GPtrArray *templates = b->c.self->objects[kind];

  *n_out = templates->len;
  *out = g_new0 (JgPlanObject, MAX (templates->len, 1));
  for (guint i = 0; i < templates->len; i++)
    {
      const ObjectTemplate *t = g_ptr_array_index (templates, i);
      double initial, expected;

      (*out)[i].name = g_strdup (t->name);
      if (!eval_value (&b->c, &t->initial, 0, object_kinds[kind].min, object_kinds[kind].max, TRUE, "", &initial)
          || !eval_value (&b->c, &t->expected, 0, -MAX_WHOLE, MAX_WHOLE, TRUE, "", &expected))
        return FALSE;
      (*out)[i].initial = (gint64) initial;
      (*out)[i].expected = t->expected.expr != NULL ? (gint64) expected : G_MININT64;
    }
  return TRUE;
}

static void
free_objects (JgPlanObject *objects,
              guint         n_objects)
{
  for (guint i = 0; i < n_objects && objects != NULL; i++)
    g_free (objects[i].name);
  g_free (objects);
}

void
jg_scenario_plan_free (JgScenarioPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->id);
  g_free (plan->title);
  g_clear_pointer (&plan->parameters, json_object_unref);
  for (guint i = 0; i < plan->n_tasks; i++)
    {
      g_free (plan->tasks[i].name);
      g_free (plan->tasks[i].steps);
    }
  g_free (plan->tasks);
  free_objects (plan->locks, plan->n_locks);
  free_objects (plan->semaphores, plan->n_semaphores);
  free_objects (plan->queues, plan->n_queues);
  free_objects (plan->variables, plan->n_variables);
  g_free (plan);
}

static const JgScenarioParam *
find_param (JgScenario *self,
            const char *name,
            guint      *index)
{
  for (guint i = 0; i < self->params->len; i++)
    if (g_str_equal (g_array_index (self->params, JgScenarioParam, i).name, name))
      {
        *index = i;
        return &g_array_index (self->params, JgScenarioParam, i);
      }
  return NULL;
}

static gboolean
parse_bool_word (const char *text,
                 double     *out)
{
  static const char * const yes[] = { "true", "yes", "on", "1", NULL };
  static const char * const no[] = { "false", "no", "off", "0", NULL };
  g_autofree char *word = g_ascii_strdown (text, -1);

  g_strstrip (word);
  if (jg_strv_find (yes, word) != NULL)
    *out = 1;
  else if (jg_strv_find (no, word) != NULL)
    *out = 0;
  else
    return FALSE;
  return TRUE;
}

/* A value given for a parameter, as a JSON number, boolean or string (the
 * text of a --set NAME=VALUE). */
static gboolean
param_value (JgScenario            *self,
             const JgScenarioParam *param,
             JsonNode              *node,
             double                *out,
             GError               **error)
{
  g_autofree char *text = NULL;
  gboolean ok = FALSE;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          text = g_strdup (json_node_get_string (node));
          if (param->type == JG_PARAM_BOOL)
            ok = parse_bool_word (text, out);
          else
            {
              char *end = NULL;
              g_autofree char *stripped = g_strstrip (g_strdup (text));

              *out = g_ascii_strtod (stripped, &end);
              ok = *stripped != '\0' && end != NULL && *end == '\0' && isfinite (*out);
            }
        }
      else if (type == G_TYPE_BOOLEAN)
        {
          text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
          *out = json_node_get_boolean (node) ? 1 : 0;
          ok = param->type == JG_PARAM_BOOL;
        }
      else
        {
          *out = json_node_get_double (node);
          text = format_number (*out);
          ok = param->type != JG_PARAM_BOOL || *out == 0 || *out == 1;
        }
    }
  if (text == NULL)
    text = json_to_string (node, FALSE);

  if (ok && param->type == JG_PARAM_INT && *out != floor (*out))
    ok = FALSE;
  if (!ok)
    {
      static const char * const expects[] = {
        /* TRANSLATORS: completes "parameter “tasks” expects %s" */
        [JG_PARAM_INT] = N_("a whole number"),
        [JG_PARAM_DOUBLE] = N_("a number"),
        [JG_PARAM_BOOL] = N_("true or false"),
      };

      g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARAMETER,
                   /* TRANSLATORS: "primes: parameter “numbers” expects a whole number, not “abc”" */
                   _("%s: parameter “%s” expects %s, not “%s”"), self->id, param->name,
                   _(expects[param->type]), text);
      return FALSE;
    }
  if (*out < param->min || *out > param->max)
    {
      g_autofree char *low = format_number (param->min);
      g_autofree char *high = format_number (param->max);

      g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARAMETER,
                   /* TRANSLATORS: "primes: numbers=99 is out of range: Numbers to check goes
                    * from 1 to 64 tasks"; the last two %s are a space and the unit, or nothing */
                   _("%s: %s=%s is out of range: %s goes from %s to %s%s%s"), self->id, param->name, text,
                   param->label, low, high, param->unit ? " " : "", param->unit ? param->unit : "");
      return FALSE;
    }
  return TRUE;
}

static void
add_param_member (JsonObject            *object,
                  const JgScenarioParam *param,
                  double                 value)
{
  switch (param->type)
    {
    case JG_PARAM_INT:
      json_object_set_int_member (object, param->name, (gint64) value);
      break;
    case JG_PARAM_DOUBLE:
      json_object_set_double_member (object, param->name, value);
      break;
    case JG_PARAM_BOOL:
    default:
      json_object_set_boolean_member (object, param->name, value != 0);
      break;
    }
}

JgScenarioPlan *
jg_scenario_instantiate (JgScenario  *self,
                         JsonObject  *values,
                         GError     **error)
{
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autofree double *numbers = NULL;
  g_autofree guint8 *held = NULL;
  g_autoptr (GArray) tasks = NULL;
  Builder b;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  numbers = g_new0 (double, MAX (self->params->len, 1));
  for (guint i = 0; i < self->params->len; i++)
    numbers[i] = g_array_index (self->params, JgScenarioParam, i).default_value;

  if (values != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (values);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          const JgScenarioParam *param;
          guint index = 0;

          param = find_param (self, name, &index);
          if (param == NULL)
            {
              g_autofree char *list = param_list (self);

              if (self->params->len == 0)
                g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARAMETER,
                             _("%s has no parameter “%s” (it takes none)"), self->id, name);
              else
                g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARAMETER,
                             /* TRANSLATORS: the last %s lists the parameters: "tasks, lock" */
                             _("%s has no parameter “%s” (it takes %s)"), self->id, name, list);
              return NULL;
            }
          if (!param_value (self, param, json_object_get_member (values, name), &numbers[index], error))
            return NULL;
        }
    }

  plan = g_new0 (JgScenarioPlan, 1);
  plan->id = g_strdup (self->id);
  /* What the run shows and its trace keeps: the title the user saw. */
  plan->title = g_strdup (jg_i18n_translate (self->title));
  plan->parameters = json_object_new ();
  for (guint i = 0; i < self->params->len; i++)
    add_param_member (plan->parameters, &g_array_index (self->params, JgScenarioParam, i), numbers[i]);

  held = g_new0 (guint8, MAX (self->objects[OBJECT_LOCK]->len, 1));
  tasks = g_array_new (FALSE, FALSE, sizeof (JgPlanTask));
  b = (Builder) { { self, numbers, 1, error }, 0, tasks, held, FALSE };

  /* Objects first, so that a failure below frees them with the plan. */
  if (!make_objects (&b, OBJECT_LOCK, &plan->n_locks, &plan->locks)
      || !make_objects (&b, OBJECT_SEMAPHORE, &plan->n_semaphores, &plan->semaphores)
      || !make_objects (&b, OBJECT_QUEUE, &plan->n_queues, &plan->queues)
      || !make_objects (&b, OBJECT_VARIABLE, &plan->n_variables, &plan->variables))
    return NULL;

  if (!expand_tasks (&b))
    {
      for (guint i = 0; i < tasks->len; i++)
        {
          g_free (g_array_index (tasks, JgPlanTask, i).name);
          g_free (g_array_index (tasks, JgPlanTask, i).steps);
        }
      return NULL;
    }
  plan->n_tasks = tasks->len;
  plan->tasks = (JgPlanTask *) (void *) g_array_free (g_steal_pointer (&tasks), FALSE);
  return g_steal_pointer (&plan);
}

/* Loading: the entry points */

JgScenario *
jg_scenario_load_data (const char  *data,
                       gssize       length,
                       const char  *where,
                       GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (JgScenario) self = NULL;
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (where == NULL)
    where = "<data>";
  if (length < 0)
    length = (gssize) strlen (data);
  if (length > MAX_FILE_BYTES)
    {
      g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID,
                   _("%s: too large for a scenario (%" PRId64 " bytes; the limit is 4 MiB)"),
                   where, (gint64) length);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &local_error))
    {
      /* json-glib says "<data>:LINE:COL: Parse error: …"; name the file instead. */
      if (g_str_has_prefix (local_error->message, "<data>:"))
        g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARSE, "%s:%s", where,
                     local_error->message + strlen ("<data>:"));
      else
        g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_PARSE, "%s: %s", where,
                     local_error->message);
      return NULL;
    }

  self = scenario_new (where);
  map_lines (self->lines, data != NULL ? data : "", (gsize) length);
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      invalid (self, error, "", _("the file is empty (a scenario is one JSON object { … })"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (self, error, "", _("a scenario is one JSON object { … }, not %s"), jg_json_describe (root));
      return NULL;
    }
  if (!load_root (self, json_node_get_object (root), error))
    return NULL;

  /* Expanding with the defaults finds what only shows once values are known. */
  plan = jg_scenario_instantiate (self, NULL, error);
  if (plan == NULL)
    return NULL;

  json_node_seal (root);
  self->definition = g_steal_pointer (&root);
  return g_steal_pointer (&self);
}

JgScenario *
jg_scenario_load (GFile   *file,
                  GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *where = NULL;
  g_autoptr (GFileInfo) info = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  where = g_file_get_parse_name (file);
  /* Refuse a huge file before reading it into memory. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_BYTES)
    {
      g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID,
                   _("%s: too large for a scenario (%" PRId64 " bytes; the limit is 4 MiB)"),
                   where, (gint64) g_file_info_get_size (info));
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  return jg_scenario_load_data (contents, (gssize) length, where, error);
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  JgScenario *sa = *(JgScenario **) a;
  JgScenario *sb = *(JgScenario **) b;

  return strcmp (sa->id, sb->id);
}

GPtrArray *
jg_scenario_load_builtins (GError **error)
{
  g_autoptr (GPtrArray) scenarios = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_scenario_unref);
  g_autoptr (GPtrArray) paths = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  paths = jg_json_list_builtins ("JUGGLER_SCENARIO_DIR", PKGDATADIR "/scenarios",
                                 _("The built-in scenarios are missing: "), error);
  if (paths == NULL)
    return NULL;

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (g_ptr_array_index (paths, i));
      JgScenario *scenario = jg_scenario_load (file, error);

      if (scenario == NULL)
        return NULL;
      for (guint j = 0; j < scenarios->len; j++)
        {
          JgScenario *other = g_ptr_array_index (scenarios, j);

          if (g_str_equal (other->id, scenario->id))
            {
              g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_INVALID,
                           _("%s and %s both have the id “%s”"), other->where, scenario->where, scenario->id);
              jg_scenario_unref (scenario);
              return NULL;
            }
        }
      g_ptr_array_add (scenarios, scenario);
    }
  g_ptr_array_sort (scenarios, compare_ids);
  return g_steal_pointer (&scenarios);
}

JgScenario *
jg_scenario_find_builtin (const char  *id,
                          GError     **error)
{
  g_autoptr (GPtrArray) scenarios = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  scenarios = jg_scenario_load_builtins (error);
  if (scenarios == NULL)
    return NULL;
  for (guint i = 0; i < scenarios->len; i++)
    {
      JgScenario *scenario = g_ptr_array_index (scenarios, i);

      if (g_str_equal (scenario->id, id))
        return jg_scenario_ref (scenario);
    }
  g_set_error (error, JG_SCENARIO_ERROR, JG_SCENARIO_ERROR_NOT_FOUND,
               _("No built-in scenario is called “%s”"), id);
  return NULL;
}

/* Getters */

const char *
jg_scenario_get_id (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

const char *
jg_scenario_get_title (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return jg_i18n_translate (self->title);
}

const char *
jg_scenario_get_idea (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return jg_i18n_translate (self->idea);
}

const char *
jg_scenario_get_seed (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return jg_i18n_translate (self->seed);
}

const char * const *
jg_scenario_get_models (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->models;
}

const char *
jg_scenario_get_default_model (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->default_model;
}

guint
jg_scenario_get_n_params (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->params->len;
}

const JgScenarioParam *
jg_scenario_get_param (JgScenario *self,
                       guint       index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->params->len, NULL);
  return &g_array_index (self->params, JgScenarioParam, index);
}

JsonNode *
jg_scenario_get_definition (JgScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->definition;
}
