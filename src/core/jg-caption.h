/* jg-caption.h: plain-words captions of what just happened in a trace, made
 * from its events (docs/lessons.md, "Captions"), for presenter mode and the CLI.
 *
 * A JgCaptioner reads the published prefix of a trace, live or finished, and
 * keeps a time-sorted index of the events worth explaining, each with a
 * priority. Asking for the caption at a play-head time is a binary search, so
 * it can be done every frame; stepping to the next event, GIL hand-off or task
 * switch is one too. Texts are translated with the GETTEXT_PACKAGE domain.
 * A captioner is used from one thread (the UI's); the trace it reads may grow
 * on another. */
#pragma once

#include <glib.h>

#include "jg-trace.h"

G_BEGIN_DECLS

/* What a caption explains. The priority of each (jg_caption_kind_priority)
 * decides which caption wins when several events happen at once. */
typedef enum
{
  JG_CAPTION_TASK_BEGIN = 0, /* a worker picks up a task */
  JG_CAPTION_TASK_END,       /* a task finishes normally */
  JG_CAPTION_TASK_FAILED,    /* a task raised an exception */
  JG_CAPTION_TASK_CANCELLED,
  JG_CAPTION_TASK_CRASHED,   /* a task's process died (a signal) */
  JG_CAPTION_SWITCH,         /* a worker or the event loop runs a different task */
  JG_CAPTION_GIL_WAIT,       /* a thread waits for the GIL another holds */
  JG_CAPTION_GIL_DROP_REQUEST,
  JG_CAPTION_GIL_HANDOFF,    /* a different thread takes the GIL */
  JG_CAPTION_GIL_RELEASE,    /* the GIL is released around C code that does not need it */
  JG_CAPTION_IO_WAIT,        /* a task starts waiting for I/O or sleeps */
  JG_CAPTION_IO_DONE,        /* the I/O it waited for is over */
  JG_CAPTION_LOCK_WAIT,      /* a task waits for a lock or a semaphore */
  JG_CAPTION_LOCK_ACQUIRED,  /* ... and gets it */
  JG_CAPTION_QUEUE_WAIT,     /* a task blocks on a full or empty queue */
  JG_CAPTION_AWAIT,          /* a coroutine awaits: the loop runs something else */
  JG_CAPTION_LOOP_BLOCKED,   /* something keeps the event loop from running coroutines */
  JG_CAPTION_PROCESS_START,  /* a worker process starts its first task */
  JG_CAPTION_MARK,           /* a mark with no caption of its own ("timeout", ...) */
  JG_CAPTION_LOST_UPDATE,
  JG_CAPTION_DEADLOCK,
  JG_N_CAPTION_KINDS
} JgCaptionKind;

typedef enum
{
  JG_CAPTION_STEP_EVENT = 0, /* the next event that has a caption */
  JG_CAPTION_STEP_HANDOFF,   /* the next GIL hand-off */
  JG_CAPTION_STEP_SWITCH,    /* the next task switch: a worker, the GIL or the loop runs another task */
  JG_N_CAPTION_STEPS
} JgCaptionStep;

/* Returned by the stepping functions when there is no such event. */
#define JG_CAPTION_NO_EVENT G_MAXUINT64

/* Events closer than this to the newest one before the play head count as
 * happening at once: the most significant of them is the caption. */
#define JG_CAPTION_DEFAULT_WINDOW_NS (G_GUINT64_CONSTANT (1000000))

typedef struct
{
  JgCaptionKind kind;
  guint         priority;
  guint64       event;  /* index in the trace of the event it explains */
  guint64       ts;     /* that event's time, ns */
  guint32       task;   /* the task it is about, or JG_LANE_NONE */
  guint32       worker; /* where that happened, or JG_LANE_NONE */
  char         *text;   /* translated; owned */
} JgCaption;

typedef struct _JgCaptioner JgCaptioner;

JgCaptioner  *jg_captioner_new           (JgTrace       *trace);
void          jg_captioner_free          (JgCaptioner   *self);
JgTrace      *jg_captioner_get_trace     (JgCaptioner   *self);

/* Reads what the trace published since the last call. A live trace's newest
 * few milliseconds wait until events of other threads that may still arrive
 * out of order are in; a finished trace is read to its end. The functions
 * below call it themselves. Returns TRUE if captions were added. */
gboolean      jg_captioner_update        (JgCaptioner   *self);

void          jg_captioner_set_window    (JgCaptioner   *self,
                                          guint64        window_ns);
guint64       jg_captioner_get_window    (JgCaptioner   *self);

/* The caption for the most significant event at the play head @ts: among the
 * events at exactly @ts if there are any, otherwise among those within the
 * window before the newest event at or before @ts. FALSE before anything has
 * happened. Clear @caption with jg_caption_clear (). */
gboolean      jg_captioner_caption_at    (JgCaptioner   *self,
                                          guint64        ts,
                                          JgCaption     *caption);

/* Every caption in time order, for a list or `juggler-cli caption --all`. */
guint         jg_captioner_get_n_captions (JgCaptioner  *self);
gboolean      jg_captioner_get_caption   (JgCaptioner   *self,
                                          guint          index,
                                          JgCaption     *caption);

/* The trace index of the first event of @step's kind strictly after @ts (or
 * strictly before it), or JG_CAPTION_NO_EVENT. */
guint64       jg_captioner_next_event    (JgCaptioner   *self,
                                          guint64        ts,
                                          JgCaptionStep  step);
guint64       jg_captioner_prev_event    (JgCaptioner   *self,
                                          guint64        ts,
                                          JgCaptionStep  step);

void          jg_caption_clear           (JgCaption     *caption);
const char   *jg_caption_kind_name       (JgCaptionKind  kind);
guint         jg_caption_kind_priority   (JgCaptionKind  kind);
const char   *jg_caption_step_name       (JgCaptionStep  step);
gboolean      jg_caption_step_from_name  (const char    *name,
                                          JgCaptionStep *step);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgCaptioner, jg_captioner_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JgCaption, jg_caption_clear)

G_END_DECLS
