/* test-caption.c: captions made from events. Hand-built traces with known
 * events get the words a teacher would say; stepping lands on the right event;
 * the priority picks the significant one; a live trace read in pieces and out
 * of order says the same as a finished one; and a real run names its threads. */
#include <string.h>

#include "jg-caption.h"
#include "jg-scenario.h"
#include "jg-test-plan.h"

#define US(x) ((guint64) (x) * 1000)

/* A trace built by hand: lanes first, then events in the order given. */
typedef struct
{
  JgTrace *trace;
  guint64  last;  /* the index of the last event added */
} Build;

static void
build_init (Build      *b,
            const char *model,
            double      interval_ms)
{
  JgRunInfo info = { model, 2, "gil", interval_ms, NULL };

  b->trace = jg_trace_new ();
  jg_trace_set_run_info (b->trace, &info);
  b->last = G_MAXUINT64;
}

static guint64
ev (Build       *b,
    guint64      ts,
    guint32      task,
    guint32      worker,
    JgEventKind  kind,
    guint32      arg)
{
  JgEvent e = { ts, task, worker, (guint16) kind, 0, arg };

  jg_trace_append (b->trace, &e, 1);
  b->last = jg_trace_get_n_events (b->trace) - 1;
  return b->last;
}

static char *
text_at (JgCaptioner *captioner,
         guint64      ts,
         guint64     *event)
{
  g_auto (JgCaption) caption = { 0 };

  if (!jg_captioner_caption_at (captioner, ts, &caption))
    return NULL;
  if (event != NULL)
    *event = caption.event;
  return g_steal_pointer (&caption.text);
}

static gboolean
has_caption (JgCaptioner   *captioner,
             JgCaptionKind  kind,
             const char    *text)
{
  for (guint i = 0; i < jg_captioner_get_n_captions (captioner); i++)
    {
      g_auto (JgCaption) caption = { 0 };

      jg_captioner_get_caption (captioner, i, &caption);
      if (caption.kind == kind && (text == NULL || g_str_equal (caption.text, text)))
        return TRUE;
    }
  return FALSE;
}

/* Two CPU-bound threads: a drop request after one switch interval, then the
 * hand-off. Worker i runs task i; the lanes have the same names. */
static void
build_switch (Build   *b,
              guint64 *request,
              guint64 *take)
{
  build_init (b, "threads", 5);
  jg_trace_add_task (b->trace, "Thread 1", JG_LANE_NONE);
  jg_trace_add_task (b->trace, "Thread 2", JG_LANE_NONE);
  jg_trace_add_worker (b->trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b->trace, "Thread 2", JG_WORKER_THREAD, 1);

  ev (b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (b, US (1), 0, 0, JG_EVENT_GIL_REQUEST, 0);
  ev (b, US (2), 0, 0, JG_EVENT_GIL_TAKE, 0);
  ev (b, US (3), 0, 0, JG_EVENT_RUN, 0);
  ev (b, US (100), 1, 1, JG_EVENT_TASK_BEGIN, 0);
  ev (b, US (101), 1, 1, JG_EVENT_GIL_REQUEST, 0);
  ev (b, US (102), 1, 1, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  *request = ev (b, US (5101), 1, 1, JG_EVENT_GIL_DROP_REQUEST, 0);
  ev (b, US (5150), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  ev (b, US (5151), 0, 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_FORCED));
  *take = ev (b, US (5160), 1, 1, JG_EVENT_GIL_TAKE, 0);
  ev (b, US (5161), 1, 1, JG_EVENT_RUN, 0);
  ev (b, US (5170), 0, 0, JG_EVENT_GIL_REQUEST, 0);
  ev (b, US (5171), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
}

static void
test_drop_request_and_handoff (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *at_request = NULL;
  g_autofree char *at_take = NULL;
  g_autofree char *later = NULL;
  g_autofree char *waiting = NULL;
  guint64 request, take, event = 0;

  build_switch (&b, &request, &take);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  waiting = text_at (captioner, US (102), &event);
  g_assert_cmpstr (waiting, ==, "Thread 2 waits for the GIL, held by Thread 1");

  /* The wait is counted from Thread 2's GIL request. */
  at_request = text_at (captioner, US (5101), &event);
  g_assert_cmpstr (at_request, ==, "Thread 2 has waited 5 ms for the GIL and asks Thread 1 to drop it");
  g_assert_cmpuint (event, ==, request);

  at_take = text_at (captioner, US (5160), &event);
  g_assert_cmpstr (at_take, ==,
                   "Thread 1 drops the GIL at the end of its 5 ms switch interval; Thread 2 takes it");
  g_assert_cmpuint (event, ==, take);
  /* A hand-off is about the taker: its task and the worker it runs on. */
  {
    g_auto (JgCaption) caption = { 0, };

    g_assert_true (jg_captioner_caption_at (captioner, US (5160), &caption));
    g_assert_cmpuint (caption.task, ==, 1);
    g_assert_cmpuint (caption.worker, ==, 1);
  }

  /* Between events, the most significant of the last moment stays up: the
   * hand-off, not Thread 1 queueing again (which the hand-off implies). */
  later = text_at (captioner, US (5900), &event);
  g_assert_cmpstr (later, ==, at_take);
  g_assert_false (has_caption (captioner, JG_CAPTION_GIL_WAIT,
                               "Thread 1 waits for the GIL, held by Thread 2"));

  /* At the first event's time, something has happened already. */
  g_free (waiting);
  waiting = text_at (captioner, 0, &event);
  g_assert_cmpstr (waiting, ==, "Thread 1 starts");
  g_assert_cmpuint (event, ==, 0);
  g_object_unref (b.trace);
}

static void
test_stepping (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  guint64 request, take, next;

  build_switch (&b, &request, &take);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  /* Page Down to the next hand-off, from the start and from just before it. */
  g_assert_cmpuint (jg_captioner_next_event (captioner, 0, JG_CAPTION_STEP_HANDOFF), ==, take);
  g_assert_cmpuint (jg_captioner_next_event (captioner, US (5159), JG_CAPTION_STEP_HANDOFF), ==, take);
  g_assert_cmpuint (jg_captioner_next_event (captioner, US (5160), JG_CAPTION_STEP_HANDOFF), ==,
                    JG_CAPTION_NO_EVENT);
  g_assert_cmpuint (jg_captioner_prev_event (captioner, US (9000), JG_CAPTION_STEP_HANDOFF), ==, take);
  g_assert_cmpuint (jg_captioner_prev_event (captioner, US (5160), JG_CAPTION_STEP_HANDOFF), ==,
                    JG_CAPTION_NO_EVENT);

  /* The GIL changing hands is a task switch; a thread's first run is not. */
  g_assert_cmpuint (jg_captioner_next_event (captioner, 0, JG_CAPTION_STEP_SWITCH), ==, take);

  /* Event by event: the captioned ones, in order, ending with the hand-off. */
  next = jg_captioner_next_event (captioner, US (200), JG_CAPTION_STEP_EVENT);
  g_assert_cmpuint (next, ==, request);
  next = jg_captioner_next_event (captioner, jg_trace_get_event (b.trace, next)->ts, JG_CAPTION_STEP_EVENT);
  g_assert_cmpuint (next, ==, take);
  g_assert_cmpuint (jg_captioner_prev_event (captioner, US (5160), JG_CAPTION_STEP_EVENT), ==, request);
  g_object_unref (b.trace);
}

/* A thread waiting for the network, the answer, and the convoy behind a CPU thread. */
static void
test_io_release (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *release = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *back = NULL;
  g_autofree char *handoff = NULL;
  guint64 io_begin, event = 0;

  build_init (&b, "threads", 5);
  jg_trace_add_task (b.trace, "Thread 1", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Thread 2", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b.trace, "Thread 2", JG_WORKER_THREAD, 1);

  ev (&b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 0, 0, JG_EVENT_GIL_REQUEST, 0);
  ev (&b, US (2), 0, 0, JG_EVENT_GIL_TAKE, 0);
  ev (&b, US (3), 0, 0, JG_EVENT_RUN, 0);
  ev (&b, US (4), 1, 1, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (5), 1, 1, JG_EVENT_GIL_REQUEST, 0);
  ev (&b, US (6), 1, 1, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  ev (&b, US (10), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
  ev (&b, US (11), 0, 0, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO));
  io_begin = ev (&b, US (12), 0, 0, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
  ev (&b, US (20), 1, 1, JG_EVENT_GIL_TAKE, 0);
  ev (&b, US (21), 1, 1, JG_EVENT_RUN, 0);
  ev (&b, US (1012), 0, 0, JG_EVENT_IO_END, JG_IO_SOCKET);
  ev (&b, US (1013), 0, 0, JG_EVENT_GIL_REQUEST, 0);
  ev (&b, US (1014), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_GIL);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  release = text_at (captioner, US (12), &event);
  g_assert_cmpstr (release, ==, "Thread 1 releases the GIL to wait for the network");
  g_assert_cmpuint (event, ==, io_begin);
  handoff = text_at (captioner, US (20), NULL);
  g_assert_cmpstr (handoff, ==, "Thread 1 released the GIL to wait for I/O; Thread 2 takes it");
  answer = text_at (captioner, US (1012), NULL);
  g_assert_cmpstr (answer, ==, "The network answers Thread 1 after 1 ms");
  back = text_at (captioner, US (1014), NULL);
  g_assert_cmpstr (back, ==, "Thread 1 is back from I/O and waits for the GIL, held by Thread 2");
  g_object_unref (b.trace);
}

/* A pool thread running a task of another name is named with its thread. */
static void
test_pool_names (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *release = NULL;
  g_autofree char *begin = NULL;

  build_init (&b, "threads", 5);
  jg_trace_add_task (b.trace, "Download 1", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Download 2", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Download 3", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b.trace, "Thread 2", JG_WORKER_THREAD, 1);

  ev (&b, US (0), 2, 1, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 2, 1, JG_EVENT_GIL_REQUEST, 0);
  ev (&b, US (2), 2, 1, JG_EVENT_GIL_TAKE, 0);
  ev (&b, US (3), 2, 1, JG_EVENT_RUN, 0);
  ev (&b, US (4), 2, 1, JG_EVENT_SUSPEND, JG_SUSPEND_IO);
  ev (&b, US (5), 2, 1, JG_EVENT_GIL_DROP, JG_GIL_ARG (0, JG_GIL_DROP_IO));
  ev (&b, US (6), 2, 1, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  begin = text_at (captioner, US (0), NULL);
  g_assert_cmpstr (begin, ==, "Thread 2 picks up Download 3");
  release = text_at (captioner, US (6), NULL);
  g_assert_cmpstr (release, ==, "Download 3 (Thread 2) releases the GIL to wait for the network");
  g_object_unref (b.trace);
}

static void
test_lock_wait (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *wait = NULL;
  g_autofree char *got = NULL;
  g_autofree char *semaphore = NULL;
  guint32 lock, slots;

  build_init (&b, "threads", 5);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Task %u", i);

      jg_trace_add_task (b.trace, name, JG_LANE_NONE);
      jg_trace_add_worker (b.trace, name, JG_WORKER_THREAD, 1);
    }
  lock = jg_trace_intern (b.trace, "b");
  slots = jg_trace_intern (b.trace, "slots");

  ev (&b, US (0), 1, 1, JG_EVENT_LOCK_ACQUIRE, lock);
  ev (&b, US (10), 3, 3, JG_EVENT_LOCK_WAIT, lock);
  ev (&b, US (11), 3, 3, JG_EVENT_SUSPEND, JG_SUSPEND_LOCK);
  ev (&b, US (12000), 1, 1, JG_EVENT_LOCK_RELEASE, lock);
  ev (&b, US (12010), 3, 3, JG_EVENT_LOCK_ACQUIRE, lock);
  /* A semaphore: two hold it at once, a third waits. */
  ev (&b, US (20000), 0, 0, JG_EVENT_LOCK_ACQUIRE, slots);
  ev (&b, US (20001), 2, 2, JG_EVENT_LOCK_ACQUIRE, slots);
  ev (&b, US (20002), 4, 4, JG_EVENT_LOCK_WAIT, slots);
  ev (&b, US (20003), 4, 4, JG_EVENT_SUSPEND, JG_SUSPEND_SEMAPHORE);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  wait = text_at (captioner, US (10), NULL);
  g_assert_cmpstr (wait, ==, "Task 4 waits for the lock “b”, held by Task 2");
  got = text_at (captioner, US (12010), NULL);
  g_assert_cmpstr (got, ==, "Task 4 gets the lock “b” after waiting 12 ms");
  semaphore = text_at (captioner, US (20002), NULL);
  g_assert_cmpstr (semaphore, ==, "Task 5 waits for the semaphore “slots”, held by 2 tasks");
  g_object_unref (b.trace);
}

static void
test_deadlock (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *text = NULL;
  guint32 a, bb, mark;
  guint64 first_mark, event = 0;
  guint deadlocks = 0;

  build_init (&b, "threads", 5);
  jg_trace_add_task (b.trace, "Transfer A to B", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Transfer B to A", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b.trace, "Thread 2", JG_WORKER_THREAD, 1);
  a = jg_trace_intern (b.trace, "account A");
  bb = jg_trace_intern (b.trace, "account B");
  mark = jg_trace_intern (b.trace, "deadlock");

  ev (&b, US (0), 0, 0, JG_EVENT_LOCK_ACQUIRE, a);
  ev (&b, US (1), 1, 1, JG_EVENT_LOCK_ACQUIRE, bb);
  ev (&b, US (50000), 0, 0, JG_EVENT_LOCK_WAIT, bb);
  ev (&b, US (50001), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_LOCK);
  ev (&b, US (50002), 1, 1, JG_EVENT_LOCK_WAIT, a);
  ev (&b, US (50003), 1, 1, JG_EVENT_SUSPEND, JG_SUSPEND_LOCK);
  /* The watchdog marks both at the same moment. */
  first_mark = ev (&b, US (100000), 0, 0, JG_EVENT_MARK, mark);
  ev (&b, US (100000), 1, 1, JG_EVENT_MARK, mark);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  text = text_at (captioner, US (100000), &event);
  g_assert_cmpstr (text, ==,
                   "Deadlock: Transfer A to B waits for the lock “account B”, held by Transfer B to A; "
                   "Transfer B to A waits for the lock “account A”, held by Transfer A to B — "
                   "none of them can ever go on");
  g_assert_cmpuint (event, ==, first_mark);

  /* One caption for the whole cycle. */
  for (guint i = 0; i < jg_captioner_get_n_captions (captioner); i++)
    {
      g_auto (JgCaption) caption = { 0 };

      jg_captioner_get_caption (captioner, i, &caption);
      deadlocks += caption.kind == JG_CAPTION_DEADLOCK;
    }
  g_assert_cmpuint (deadlocks, ==, 1);
  g_object_unref (b.trace);
}

static void
test_lost_update (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *text = NULL;
  guint32 mark, counter;

  build_init (&b, "threads", 5);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %u", i);

      jg_trace_add_task (b.trace, name, JG_LANE_NONE);
      jg_trace_add_worker (b.trace, name, JG_WORKER_THREAD, 1);
    }
  counter = jg_trace_add_counter (b.trace, "counter");
  mark = jg_trace_intern (b.trace, "lost update");

  ev (&b, US (0), 2, 2, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 2, 2, JG_EVENT_RUN, 0);
  ev (&b, US (2), 4, 4, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (3), 4, 4, JG_EVENT_RUN, 0);
  /* Thread 3 read 41 and sleeps; Thread 5 writes 42 meanwhile. */
  ev (&b, US (10), 2, 2, JG_EVENT_SUSPEND, JG_SUSPEND_SLEEP);
  ev (&b, US (11), 2, 2, JG_EVENT_IO_BEGIN, JG_IO_SLEEP);
  ev (&b, US (20), counter, 4, JG_EVENT_COUNTER, 42);
  ev (&b, US (30), 2, 2, JG_EVENT_IO_END, JG_IO_SLEEP);
  ev (&b, US (31), 2, 2, JG_EVENT_RUN, 0);
  ev (&b, US (32), 2, 2, JG_EVENT_MARK, mark);
  ev (&b, US (33), counter, 2, JG_EVENT_COUNTER, 42);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  text = text_at (captioner, US (32), NULL);
  g_assert_cmpstr (text, ==,
                   "Thread 3 read counter, slept, and wrote 42 — Thread 5 had written 42 in between, "
                   "and that update is lost");
  g_object_unref (b.trace);
}

/* A worker process: its start-up, a task, and the signal that killed it. */
static void
test_process_crash (void)
{
  Build b;
  JgRunInfo info = { "processes", 2, "gil", 5, "spawn" };
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *start = NULL;
  g_autofree char *crash = NULL;
  g_autofree char *thread_crash = NULL;

  build_init (&b, "processes", 5);
  jg_trace_set_run_info (b.trace, &info);
  jg_trace_add_task (b.trace, "Process 3 start-up (spawn)", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Task 2", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Task 5", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Process 3", JG_WORKER_PROCESS, 1003);
  jg_trace_add_worker (b.trace, "Thread 1", JG_WORKER_THREAD, 1000);

  ev (&b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (80000), 0, 0, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
  ev (&b, US (80100), 1, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (90000), 1, 0, JG_EVENT_TASK_END, JG_END_ARG (JG_END_CRASHED, SIGKILL));
  ev (&b, US (95000), 2, 1, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (96000), 2, 1, JG_EVENT_TASK_END, JG_END_ARG (JG_END_CRASHED, SIGSEGV));
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  /* The start-up's length is known once it ends: the caption at its start says it. */
  start = text_at (captioner, US (0), NULL);
  g_assert_cmpstr (start, ==, "Process 3 starts: spawn re-imports the program (80 ms)");
  g_assert_false (has_caption (captioner, JG_CAPTION_TASK_END, NULL));
  crash = text_at (captioner, US (90000), NULL);
  g_assert_cmpstr (crash, ==, "Task 2 crashed (Process 3 was killed by SIGKILL)");
  thread_crash = text_at (captioner, US (96000), NULL);
  g_assert_cmpstr (thread_crash, ==, "Task 5 crashed (killed by SIGSEGV)");
  g_object_unref (b.trace);
}

static void
add_loop (Build *b)
{
  build_init (b, "asyncio", 5);
  jg_trace_add_task (b->trace, "fetch 1", JG_LANE_NONE);
  jg_trace_add_task (b->trace, "fetch 2", JG_LANE_NONE);
  jg_trace_add_task (b->trace, "fetch 3", JG_LANE_NONE);
  jg_trace_add_worker (b->trace, "Event loop", JG_WORKER_LOOP, 1);
  jg_trace_add_worker (b->trace, "Thread 2", JG_WORKER_THREAD, 1);
}

static void
test_blocked_loop (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *awaits = NULL;
  g_autofree char *switch_text = NULL;
  g_autofree char *sleeping = NULL;
  g_autofree char *woke = NULL;
  g_autofree char *busy = NULL;
  g_autofree char *after = NULL;
  guint32 blocking;
  guint64 busy_run, event = 0;

  add_loop (&b);
  blocking = jg_trace_intern (b.trace, "blocking call");
  ev (&b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 1, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (2), 2, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (10), 0, 0, JG_EVENT_RUN, 0);
  ev (&b, US (20), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_AWAIT);
  ev (&b, US (21), 0, 0, JG_EVENT_IO_BEGIN, JG_IO_SOCKET);
  ev (&b, US (30), 1, 0, JG_EVENT_RUN, 0);
  /* time.sleep in a coroutine: the loop's thread itself sleeps. */
  ev (&b, US (40), 1, 0, JG_EVENT_MARK, blocking);
  ev (&b, US (41), 1, 0, JG_EVENT_SUSPEND, JG_SUSPEND_SLEEP);
  ev (&b, US (42), 1, 0, JG_EVENT_IO_BEGIN, JG_IO_SLEEP);
  ev (&b, US (200042), 1, 0, JG_EVENT_IO_END, JG_IO_SLEEP);
  ev (&b, US (200043), 1, 0, JG_EVENT_RUN, 0);
  ev (&b, US (200050), 1, 0, JG_EVENT_SUSPEND, JG_SUSPEND_AWAIT);
  /* fetch 3 computes 50 ms without awaiting; fetch 1's answer waits for it. */
  busy_run = ev (&b, US (200060), 2, 0, JG_EVENT_RUN, 0);
  ev (&b, US (250060), 2, 0, JG_EVENT_SUSPEND, JG_SUSPEND_AWAIT);
  ev (&b, US (250061), 0, 0, JG_EVENT_IO_END, JG_IO_SOCKET);
  ev (&b, US (250062), 0, 0, JG_EVENT_SUSPEND, JG_SUSPEND_READY);
  ev (&b, US (250070), 0, 0, JG_EVENT_RUN, 0);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  awaits = text_at (captioner, US (20), NULL);
  g_assert_cmpstr (awaits, ==, "fetch 1 awaits the network: the event loop runs other coroutines meanwhile");
  switch_text = text_at (captioner, US (30), NULL);
  g_assert_cmpstr (switch_text, ==, "The event loop switches from fetch 1 to fetch 2");
  /* The mark of the blocking call says nothing the suspend does not. */
  g_assert_false (has_caption (captioner, JG_CAPTION_MARK, NULL));
  sleeping = text_at (captioner, US (100000), NULL);
  g_assert_cmpstr (sleeping, ==, "The event loop is blocked by time.sleep in fetch 2 — every coroutine waits");
  woke = text_at (captioner, US (200042), NULL);
  g_assert_cmpstr (woke, ==, "fetch 2 wakes up after 200 ms — the event loop can run again");

  /* From the first moment of the long run, a replay says the loop is blocked. */
  busy = text_at (captioner, US (200060), &event);
  g_assert_cmpstr (busy, ==, "The event loop is blocked for 50 ms: fetch 3 runs without an await, and 1 "
                             "coroutine that comes due meanwhile wakes up only after it");
  g_assert_cmpuint (event, ==, busy_run);
  after = text_at (captioner, US (230000), NULL);
  g_assert_cmpstr (after, ==, busy);
  g_object_unref (b.trace);
}

/* Live: the loop is seen blocked while the run is still going. */
static void
test_blocked_loop_live (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *live = NULL;

  add_loop (&b);
  ev (&b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 1, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (10), 0, 0, JG_EVENT_RUN, 0);
  /* Another thread's event: time goes on while the loop is busy. */
  ev (&b, US (40000), 2, 1, JG_EVENT_TASK_BEGIN, 0);
  captioner = jg_captioner_new (b.trace);

  live = text_at (captioner, US (35010), NULL);
  g_assert_cmpstr (live, ==, "The event loop is blocked: fetch 1 has run for 35 ms without an await — "
                             "every other coroutine waits");
  g_object_unref (b.trace);
}

/* Several things at once: the most significant is the caption, except for an
 * event right at the play head, which is what a step landed on. */
static void
test_priority (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *window = NULL;
  g_autofree char *exact = NULL;
  g_autofree char *same = NULL;
  static const JgCaptionKind order[] = {
    JG_CAPTION_DEADLOCK, JG_CAPTION_TASK_CRASHED, JG_CAPTION_LOST_UPDATE, JG_CAPTION_LOOP_BLOCKED,
    JG_CAPTION_TASK_FAILED, JG_CAPTION_TASK_CANCELLED, JG_CAPTION_LOCK_WAIT, JG_CAPTION_GIL_HANDOFF,
    JG_CAPTION_GIL_DROP_REQUEST, JG_CAPTION_PROCESS_START, JG_CAPTION_GIL_WAIT, JG_CAPTION_MARK,
    JG_CAPTION_QUEUE_WAIT, JG_CAPTION_GIL_RELEASE, JG_CAPTION_IO_WAIT, JG_CAPTION_LOCK_ACQUIRED,
    JG_CAPTION_IO_DONE, JG_CAPTION_AWAIT, JG_CAPTION_TASK_BEGIN, JG_CAPTION_TASK_END, JG_CAPTION_SWITCH,
  };
  guint32 lock, lost;

  G_STATIC_ASSERT (G_N_ELEMENTS (order) == JG_N_CAPTION_KINDS);
  for (guint i = 1; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpuint (jg_caption_kind_priority (order[i - 1]), >, jg_caption_kind_priority (order[i]));

  build_init (&b, "threads", 5);
  jg_trace_add_task (b.trace, "Task 1", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Task 2", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Task 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b.trace, "Task 2", JG_WORKER_THREAD, 1);
  jg_trace_add_counter (b.trace, "counter");
  lock = jg_trace_intern (b.trace, "b");
  lost = jg_trace_intern (b.trace, "lost update");

  ev (&b, US (0), 0, 0, JG_EVENT_LOCK_ACQUIRE, lock);
  ev (&b, US (1000), 1, 1, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1100), 1, 1, JG_EVENT_LOCK_WAIT, lock);
  ev (&b, US (1101), 1, 1, JG_EVENT_SUSPEND, JG_SUSPEND_LOCK);
  ev (&b, US (1200), 0, 0, JG_EVENT_IO_BEGIN, JG_IO_SLEEP);
  ev (&b, US (1300), 0, 0, JG_EVENT_IO_END, JG_IO_SLEEP);
  /* The same instant: a task ends as another's update is lost. */
  ev (&b, US (9000), 1, 1, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
  ev (&b, US (9000), 0, 0, JG_EVENT_MARK, lost);
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  window = text_at (captioner, US (1500), NULL);
  g_assert_cmpstr (window, ==, "Task 2 waits for the lock “b”, held by Task 1");
  exact = text_at (captioner, US (1300), NULL);
  g_assert_cmpstr (exact, ==, "Task 1 wakes up after 100 µs");
  same = text_at (captioner, US (9000), NULL);
  g_assert_cmpstr (same, ==, "Task 1 wrote the counter from a stale read — an update is lost");

  /* A narrower window: the wake-up alone is the last moment. */
  jg_captioner_set_window (captioner, US (50));
  g_free (window);
  window = text_at (captioner, US (1500), NULL);
  g_assert_cmpstr (window, ==, "Task 1 wakes up after 100 µs");
  g_object_unref (b.trace);
}

/* A sequential run: the main thread moves from one task to the next. */
static void
test_sequential_switch (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autofree char *text = NULL;
  guint64 second_run;

  build_init (&b, "sequential", 5);
  jg_trace_add_task (b.trace, "Task 1", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Task 2", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Main thread", JG_WORKER_THREAD, 1);

  ev (&b, US (0), 0, 0, JG_EVENT_TASK_BEGIN, 0);
  ev (&b, US (1), 0, 0, JG_EVENT_RUN, 0);
  ev (&b, US (5000), 0, 0, JG_EVENT_TASK_END, JG_END_ARG (JG_END_OK, 0));
  ev (&b, US (5010), 1, 0, JG_EVENT_TASK_BEGIN, 0);
  second_run = ev (&b, US (5011), 1, 0, JG_EVENT_RUN, 0);
  ev (&b, US (9000), 1, 0, JG_EVENT_TASK_END, JG_END_ARG (JG_END_ERROR, 0));
  jg_trace_finish (b.trace);
  captioner = jg_captioner_new (b.trace);

  g_assert_cmpuint (jg_captioner_next_event (captioner, 0, JG_CAPTION_STEP_SWITCH), ==, second_run);
  text = text_at (captioner, US (5011), NULL);
  g_assert_cmpstr (text, ==, "Main thread starts Task 2, once the task before it has ended");
  g_free (text);
  text = text_at (captioner, US (5000), NULL);
  g_assert_cmpstr (text, ==, "Task 1 finishes after 5 ms");
  g_free (text);
  text = text_at (captioner, US (9000), NULL);
  g_assert_cmpstr (text, ==, "Task 2 raised an exception and ended");
  g_object_unref (b.trace);
}

static GPtrArray *
all_captions (JgCaptioner *captioner)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < jg_captioner_get_n_captions (captioner); i++)
    {
      g_auto (JgCaption) caption = { 0 };

      jg_captioner_get_caption (captioner, i, &caption);
      g_ptr_array_add (texts, g_strdup_printf ("%" G_GUINT64_FORMAT " %s", caption.ts, caption.text));
    }
  return texts;
}

/* A live trace, read a few events at a time, arriving slightly out of order
 * as the collector's drains can: the same captions as all at once. */
static void
test_live_out_of_order (void)
{
  Build whole, live;
  g_autoptr (JgCaptioner) reference = NULL;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autoptr (GPtrArray) expected = NULL;
  g_autoptr (GPtrArray) got = NULL;
  guint64 request, take, n;

  build_switch (&whole, &request, &take);
  jg_trace_finish (whole.trace);
  reference = jg_captioner_new (whole.trace);
  expected = all_captions (reference);

  build_init (&live, "threads", 5);
  jg_trace_add_task (live.trace, "Thread 1", JG_LANE_NONE);
  jg_trace_add_task (live.trace, "Thread 2", JG_LANE_NONE);
  jg_trace_add_worker (live.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (live.trace, "Thread 2", JG_WORKER_THREAD, 1);
  captioner = jg_captioner_new (live.trace);
  n = jg_trace_get_n_events (whole.trace);
  for (guint64 i = 0; i < n; i++)
    {
      JgEvent e = *jg_trace_get_event (whole.trace, i);

      /* The taker's drain comes in before the dropper's. */
      if (i + 1 < n && jg_trace_get_event (whole.trace, i + 1)->kind == JG_EVENT_GIL_TAKE
          && e.kind == JG_EVENT_GIL_DROP)
        {
          JgEvent swapped[2] = { *jg_trace_get_event (whole.trace, i + 1), e };

          jg_trace_append (live.trace, swapped, 2);
          i++;
        }
      else
        {
          jg_trace_append (live.trace, &e, 1);
        }
      jg_captioner_update (captioner);
    }
  /* Not finished: the newest milliseconds wait for stragglers. */
  g_assert_cmpuint (jg_captioner_get_n_captions (captioner), <, expected->len);
  jg_trace_finish (live.trace);
  got = all_captions (captioner);

  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_object_unref (whole.trace);
  g_object_unref (live.trace);
}

/* Fast enough for every frame: a long trace, and many play-head positions. */
static void
test_fast (void)
{
  Build b;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autoptr (GTimer) timer = NULL;
  const guint n_switches = 50000;
  guint found = 0;
  double elapsed;

  build_init (&b, "threads", 5);
  jg_trace_add_task (b.trace, "Thread 1", JG_LANE_NONE);
  jg_trace_add_task (b.trace, "Thread 2", JG_LANE_NONE);
  jg_trace_add_worker (b.trace, "Thread 1", JG_WORKER_THREAD, 1);
  jg_trace_add_worker (b.trace, "Thread 2", JG_WORKER_THREAD, 1);
  for (guint i = 0; i < n_switches; i++)
    {
      guint32 holder = i % 2, waiter = 1 - holder;
      guint64 t = US (5000) * i;
      JgEvent events[] = {
        { t, holder, holder, JG_EVENT_GIL_TAKE, 0, 0 },
        { t + 1, holder, holder, JG_EVENT_RUN, 0, 0 },
        { t + US (10), waiter, waiter, JG_EVENT_GIL_REQUEST, 0, 0 },
        { t + US (11), waiter, waiter, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL },
        { t + US (4990), waiter, waiter, JG_EVENT_GIL_DROP_REQUEST, 0, 0 },
        { t + US (4995), holder, holder, JG_EVENT_SUSPEND, 0, JG_SUSPEND_GIL },
        { t + US (4996), holder, holder, JG_EVENT_GIL_DROP, 0, JG_GIL_ARG (0, JG_GIL_DROP_FORCED) },
      };

      jg_trace_append (b.trace, events, G_N_ELEMENTS (events));
    }
  jg_trace_finish (b.trace);

  timer = g_timer_new ();
  captioner = jg_captioner_new (b.trace);
  jg_captioner_update (captioner);
  for (guint i = 0; i < 20000; i++)
    {
      g_auto (JgCaption) caption = { 0 };
      guint64 ts = g_test_rand_int_range (0, n_switches) * US (5000) + g_test_rand_int_range (0, 5000) * 1000;

      found += jg_captioner_caption_at (captioner, ts, &caption);
      jg_captioner_next_event (captioner, ts, JG_CAPTION_STEP_HANDOFF);
    }
  elapsed = g_timer_elapsed (timer, NULL);
  g_test_message ("%u events indexed, 20000 captions and steps in %.3f s",
                  n_switches * 7, elapsed);
  g_assert_cmpuint (found, ==, 20000);
  /* Generous, for a sanitizer on a busy machine: a frame is 16 ms. */
  g_assert_cmpfloat (elapsed, <, 10.0);
  g_object_unref (b.trace);
}

/* The real thing: two threads computing under the GIL. */
static void
test_real_run (void)
{
  g_autoptr (JgScenario) scenario = NULL;
  g_autoptr (JgScenarioPlan) plan = NULL;
  g_autoptr (JsonObject) values = json_object_new ();
  g_autoptr (JgRun) run = NULL;
  g_autoptr (JgCaptioner) captioner = NULL;
  g_autoptr (GError) error = NULL;
  JgRunOptions options;
  JgTrace *trace;
  guint64 handoff;
  gboolean named_both = FALSE, asked = FALSE;

  scenario = jg_scenario_find_builtin ("switch-interval", &error);
  g_assert_no_error (error);
  json_object_set_int_member (values, "work", 40);
  plan = jg_scenario_instantiate (scenario, values, &error);
  g_assert_no_error (error);

  jg_run_options_init (&options);
  options.model = JG_MODEL_THREADS;
  options.switch_interval_ms = 2;
  run = test_start_run (plan, &options);
  trace = jg_run_get_trace (run);
  /* Captions follow the run while it goes, then catch up at its end. */
  captioner = jg_captioner_new (trace);
  while (!jg_run_is_finished (run))
    {
      g_auto (JgCaption) caption = { 0 };

      jg_captioner_caption_at (captioner, jg_trace_get_duration_ns (trace), &caption);
      g_usleep (2000);
    }
  g_assert_cmpint (jg_run_wait (run), ==, JG_RUN_COMPLETED);

  for (guint i = 0; i < jg_captioner_get_n_captions (captioner); i++)
    {
      g_auto (JgCaption) caption = { 0 };

      g_assert_true (jg_captioner_get_caption (captioner, i, &caption));
      g_assert_cmpstr (caption.text, !=, "");
      g_assert_cmpuint (caption.event, <, jg_trace_get_n_events (trace));
      g_assert_cmpuint (jg_trace_get_event (trace, caption.event)->ts, ==, caption.ts);
      if (caption.kind == JG_CAPTION_GIL_HANDOFF)
        named_both |= strstr (caption.text, "Thread 1") != NULL && strstr (caption.text, "Thread 2") != NULL;
      if (caption.kind == JG_CAPTION_GIL_DROP_REQUEST)
        asked |= g_str_has_suffix (caption.text, "to drop it");
    }
  g_assert_true (named_both);
  g_assert_true (asked);

  handoff = jg_captioner_next_event (captioner, 0, JG_CAPTION_STEP_HANDOFF);
  g_assert_cmpuint (handoff, !=, JG_CAPTION_NO_EVENT);
  g_assert_cmpint (jg_trace_get_event (trace, handoff)->kind, ==, JG_EVENT_GIL_TAKE);
  {
    g_auto (JgCaption) caption = { 0 };

    g_assert_true (jg_captioner_caption_at (captioner, jg_trace_get_event (trace, handoff)->ts, &caption));
    g_assert_cmpint (caption.kind, ==, JG_CAPTION_GIL_HANDOFF);
    g_assert_cmpuint (caption.event, ==, handoff);
    g_assert_true (strstr (caption.text, "takes it") != NULL);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = test_init_isolated (&argc, &argv);

  g_test_add_func ("/caption/gil/drop-request-and-handoff", test_drop_request_and_handoff);
  g_test_add_func ("/caption/gil/io-release", test_io_release);
  g_test_add_func ("/caption/gil/pool-names", test_pool_names);
  g_test_add_func ("/caption/step", test_stepping);
  g_test_add_func ("/caption/lock-wait", test_lock_wait);
  g_test_add_func ("/caption/deadlock", test_deadlock);
  g_test_add_func ("/caption/lost-update", test_lost_update);
  g_test_add_func ("/caption/process-crash", test_process_crash);
  g_test_add_func ("/caption/loop/blocked", test_blocked_loop);
  g_test_add_func ("/caption/loop/blocked-live", test_blocked_loop_live);
  g_test_add_func ("/caption/priority", test_priority);
  g_test_add_func ("/caption/sequential-switch", test_sequential_switch);
  g_test_add_func ("/caption/live-out-of-order", test_live_out_of_order);
  g_test_add_func ("/caption/fast", test_fast);
  g_test_add_func ("/caption/real-run", test_real_run);

  return test_run_isolated (cache);
}
