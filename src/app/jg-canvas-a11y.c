/* jg-canvas-a11y.c: what the swimlane canvas tells assistive technology. GTK
 * 4.8 gives a drawn widget no accessible children, so the canvas is one image
 * whose label names the run and whose description says, in plain text, where
 * the keyboard cursor is, what is selected and what each lane in view did;
 * the description follows changes once they settle, not at the frame rate. */
#define G_LOG_DOMAIN "jg-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-canvas-private.h"
#include "jg-format.h"
#include "jg-names.h"
#include "jg-palette.h"

/* How often assistive technology hears of a live run's lanes: each frame would
 * drown out everything else it says. */
#define A11Y_LIVE_MS  2000
#define A11Y_IDLE_MS  100
/* At most this many lanes are summarised in the accessible description. */
#define A11Y_MAX_LANES 64

void
_jg_canvas_set_accessible_label (JgCanvas   *self,
                                 const char *title)
{
  g_autofree char *label = NULL;

  if (title != NULL && *title != '\0')
    /* Translators: the canvas's name for a screen reader; %s is the run's title */
    label = g_strdup_printf (_("Swimlane timeline of “%s”"), title);
  else
    label = g_strdup (_("Swimlane timeline"));

  if (g_strcmp0 (label, self->a11y_label) == 0)
    return;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_free (self->a11y_label);
  self->a11y_label = g_steal_pointer (&label);
}

/* @markup with its markup taken out and its lines joined into sentences. */
static char *
plain_text (const char *markup)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (!pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL))
    text = g_strdup (markup);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (out, ". ");
      else
        g_string_append_c (out, *p);
    }
  /* A separator a screen reader would spell out as "middle dot". */
  g_string_replace (out, " · ", ", ", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The lanes in view: those the viewport shows (all of them before the
 * canvas has a size), at most A11Y_MAX_LANES. */
static void
visible_rows (JgCanvas *self,
              guint    *first,
              guint    *last)
{
  guint n_rows = _jg_canvas_n_rows (self);
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double top = height - jg_swimlane_painter_get_lanes_viewport (self->painter);

  *first = 0;
  *last = n_rows;
  if (height > 0)
    {
      double y, h;

      while (*first < n_rows
             && jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, *first, &y, &h)
             && y + h <= top)
        (*first)++;
      *last = *first;
      while (*last < n_rows
             && jg_swimlane_painter_get_row (self->painter, JG_SWIMLANE_REGION_LANE, *last, &y, &h)
             && y < height)
        (*last)++;
    }
  *last = MIN (*last, *first + A11Y_MAX_LANES);
}

/* "Running 48%, Waiting for GIL 52%": the states of one lane in [a, b),
 * summed over A11Y_COLUMNS columns so that the summary's rounding of time
 * (a column at most) stays well under a percent. */
#define A11Y_COLUMNS 512

static void
append_lane_shares (JgCanvas      *self,
                    GString       *text,
                    JgLodColumn   *columns,
                    JgLodLaneKind  kind,
                    guint          lane,
                    guint64        a,
                    guint64        b)
{
  JgLodColumn column;
  gboolean any = FALSE;
  guint64 grain;
  guint64 total = b - a;

  memset (&column, 0, sizeof column);
  grain = jg_lod_query (self->lod, kind, lane, a, b, A11Y_COLUMNS, columns);
  for (guint c = 0; c < A11Y_COLUMNS; c++)
    for (guint k = 0; k < JG_LOD_N_CLASSES; k++)
      column.ns[k] += columns[c].ns[k];
  /* Column edges snapped to the grain: the time they really cover. */
  if (grain > 1 && grain <= total / A11Y_COLUMNS)
    {
      guint64 snapped_a = jg_lod_snap_edge (a, grain, a, b, A11Y_COLUMNS);
      guint64 snapped_b = jg_lod_snap_edge (b, grain, a, b, A11Y_COLUMNS);

      if (snapped_b > snapped_a)
        total = snapped_b - snapped_a;
    }
  b = a + total;

  if (kind == JG_LOD_LANE_CORE || kind == JG_LOD_LANE_GIL)
    {
      guint64 busy = 0;

      /* Colours stand for tasks here: what counts is how busy it was. */
      for (guint k = 0; k < JG_LOD_N_TASK_CLASSES; k++)
        busy += column.ns[k];
      if (busy > 0)
        {
          g_autofree char *share = jg_format_share (MIN (busy, b - a), b - a);

          g_string_append_printf (text,
                                  kind == JG_LOD_LANE_GIL
                                  /* Translators: a GIL lane's summary, e.g. "held 95%" */
                                  ? _("held %s")
                                  /* Translators: a core lane's summary, e.g. "running 45%" */
                                  : _("running %s"),
                                  share);
          any = TRUE;
        }
    }
  else
    {
      for (JgTaskState state = 0; state < JG_STATE_DONE; state++)
        {
          g_autofree char *share = NULL;

          if (column.ns[state] == 0)
            continue;
          share = jg_format_share (MIN (column.ns[state], b - a), b - a);
          if (any)
            g_string_append (text, ", ");
          /* Translators: a state and its share of the time shown, e.g. "Running 48%" */
          g_string_append_printf (text, _("%s %s"), jg_palette_state_label (state), share);
          any = TRUE;
        }
    }

  if (!any)
    /* Translators: a lane with nothing in the time shown */
    g_string_append (text, _("idle"));
}

char *
jg_canvas_describe_lanes (JgCanvas *self)
{
  g_autoptr(GString) text = NULL;
  JgLodLaneKind kind;
  guint64 a, b;
  guint first, last, n_rows;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree JgLodColumn *columns = NULL;

  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  if (self->trace == NULL || self->lod == NULL)
    return g_strdup (_("No trace shown."));

  text = g_string_new (NULL);
  kind = jg_swimlane_view_lane_kind (self->view);
  n_rows = _jg_canvas_n_rows (self);
  a = self->t0;
  b = MIN (self->t1, _jg_canvas_search_limit (self));
  from = jg_format_duration (self->t0);
  to = jg_format_duration (self->t1);
  visible_rows (self, &first, &last);

  /* Translators: the time shown on the canvas, and which lanes of how many */
  g_string_append_printf (text, _("From %s to %s, lanes %u to %u of %u."),
                          from, to, MIN (first + 1, last), last, n_rows);

  if (b <= a)
    return g_string_free (g_steal_pointer (&text), FALSE);

  columns = g_new (JgLodColumn, A11Y_COLUMNS);

  for (guint g = 0; g < jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_GIL); g++)
    {
      g_string_append_c (text, '\n');
      if (jg_lod_get_n_lanes (self->lod, JG_LOD_LANE_GIL) == 1)
        g_string_append (text, _("GIL"));
      else
        g_string_append_printf (text, _("GIL %u"), jg_lod_get_gil_interp (self->lod, g));
      g_string_append (text, ": ");
      append_lane_shares (self, text, columns, JG_LOD_LANE_GIL, g, a, b);
    }

  for (guint row = first; row < last; row++)
    {
      g_autofree char *name = jg_swimlane_painter_get_row_name (self->painter, row);

      g_string_append_printf (text, "\n%s: ", name != NULL ? name : "");
      append_lane_shares (self, text, columns, kind, row, a, b);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
jg_canvas_describe_cursor (JgCanvas *self)
{
  g_autofree char *name = NULL;
  JgLodItem item;

  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  if (self->trace == NULL || self->cursor_row < 0)
    return NULL;

  name = jg_swimlane_painter_get_row_name (self->painter, self->cursor_row);
  if (name == NULL)
    return NULL;

  if (_jg_canvas_cursor_span (self, &item))
    {
      JgSwimlaneHit hit;
      g_autofree char *markup = NULL;
      g_autofree char *span = NULL;

      _jg_canvas_item_hit (self, &item, &hit);
      markup = _jg_canvas_describe_span (self, &hit);
      span = plain_text (markup);
      /* Translators: the keyboard cursor: a lane, its number, how many, and the span on it */
      return g_strdup_printf (_("%s, lane %d of %u: %s"), name, self->cursor_row + 1,
                              _jg_canvas_n_rows (self), span);
    }

  /* Translators: the keyboard cursor on a lane with no span */
  return g_strdup_printf (_("%s, lane %d of %u: nothing here"), name, self->cursor_row + 1,
                          _jg_canvas_n_rows (self));
}

char *
jg_canvas_describe_selection (JgCanvas *self)
{
  guint32 task;
  const char *name;
  const char *state;
  guint64 began = 0, ended = 0;
  JgEndStatus status = JG_END_OK;
  g_autofree char *start = NULL;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  task = jg_canvas_get_selected_task (self);
  if (self->trace == NULL || self->spans == NULL || task == JG_LANE_NONE)
    return NULL;

  name = jg_trace_get_task_name (self->trace, task);
  if (!jg_spans_get_task_began (self->spans, task, &began))
    {
      /* Translators: the selected task, which has not begun yet */
      return g_strdup_printf (_("Selected: %s, not begun"), name);
    }

  if (jg_spans_get_task_ended (self->spans, task, &ended, &status))
    {
      state = jg_end_status_display_name (status);
    }
  else
    {
      guint n;
      const JgSpan *spans = jg_spans_get_task_spans (self->spans, task, &n);

      ended = MAX (jg_spans_get_horizon (self->spans), began);
      state = n > 0 ? jg_palette_state_label (spans[n - 1].state) : jg_palette_state_label (JG_STATE_READY);
    }

  start = jg_format_duration (began);
  duration = jg_format_duration (ended - began);
  /* Translators: the selected task: its name, its state (or how it ended),
   * when it began and how long it lasted */
  return g_strdup_printf (_("Selected: %s, %s, from %s, for %s"), name, state, start, duration);
}

char *
jg_canvas_get_accessible_text (JgCanvas *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *selection = NULL;
  g_autofree char *lanes = NULL;

  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  /* What changed last comes first: screen readers read from the start. */
  if ((cursor = jg_canvas_describe_cursor (self)) != NULL)
    g_string_append_printf (text, "%s\n", cursor);
  if ((selection = jg_canvas_describe_selection (self)) != NULL)
    g_string_append_printf (text, "%s\n", selection);
  lanes = jg_canvas_describe_lanes (self);
  g_string_append (text, lanes);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
jg_canvas_get_accessible_label (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  return self->a11y_label;
}

const char *
jg_canvas_get_accessible_description (JgCanvas *self)
{
  g_return_val_if_fail (JG_IS_CANVAS (self), NULL);

  return self->a11y_description;
}

void
_jg_canvas_update_accessible (JgCanvas *self)
{
  g_autofree char *text = NULL;
  gboolean busy = self->trace != NULL && self->live;

  g_clear_handle_id (&self->a11y_source, g_source_remove);

  /* A live run is busy: its lanes change while one listens. */
  if (busy != self->a11y_busy)
    {
      gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                                   GTK_ACCESSIBLE_STATE_BUSY, busy,
                                   -1);
      self->a11y_busy = busy;
    }

  text = jg_canvas_get_accessible_text (self);
  if (g_strcmp0 (text, self->a11y_description) == 0)
    return;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
  g_free (self->a11y_description);
  self->a11y_description = g_steal_pointer (&text);
}

static gboolean
accessible_timeout_cb (gpointer user_data)
{
  JgCanvas *self = user_data;

  self->a11y_source = 0;
  _jg_canvas_update_accessible (self);
  return G_SOURCE_REMOVE;
}

/* The description follows what is drawn, but not at the frame rate: a change
 * is told once things settle, and a live run's at most every A11Y_LIVE_MS. */
void
_jg_canvas_queue_accessible (JgCanvas *self)
{
  if (self->a11y_source != 0)
    return;

  self->a11y_source = g_timeout_add (self->live ? A11Y_LIVE_MS : A11Y_IDLE_MS, accessible_timeout_cb, self);
  g_source_set_name_by_id (self->a11y_source, "[juggler] canvas accessible description");
}
