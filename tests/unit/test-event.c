/* test-event.c: the event record's layout and vocabulary. */
#include "jg-event.h"

static void
test_layout (void)
{
  JgEvent event = { 0 };

  g_assert_cmpuint (sizeof (JgEvent), ==, 24);
  event.cpu = -1;
  g_assert_cmpint (event.cpu, ==, -1);
}

static void
test_names (void)
{
  g_assert_cmpstr (jg_event_kind_name (JG_EVENT_GIL_DROP_REQUEST), ==, "gil-drop-request");
  g_assert_cmpstr (jg_event_kind_name (JG_EVENT_N_KINDS), ==, "unknown");
  g_assert_cmpstr (jg_suspend_reason_name (JG_SUSPEND_AWAIT), ==, "await");
  g_assert_cmpstr (jg_gil_reason_name (JG_GIL_DROP_FORCED), ==, "forced");
  g_assert_cmpstr (jg_end_status_name (JG_END_CRASHED), ==, "crashed");
  g_assert_cmpstr (jg_io_kind_name (JG_IO_SOCKET), ==, "socket");
}

static void
test_arg_validity (void)
{
  g_assert_true (jg_event_arg_is_valid (JG_EVENT_SUSPEND, JG_SUSPEND_QUEUE));
  g_assert_false (jg_event_arg_is_valid (JG_EVENT_SUSPEND, JG_SUSPEND_N_REASONS));
  g_assert_true (jg_event_arg_is_valid (JG_EVENT_GIL_DROP, JG_GIL_ARG (3, JG_GIL_DROP_IO)));
  g_assert_false (jg_event_arg_is_valid (JG_EVENT_GIL_DROP, JG_GIL_ARG (3, 77)));
  g_assert_false (jg_event_arg_is_valid (JG_EVENT_GIL_TAKE, JG_GIL_ARG (0, 1)));
  g_assert_true (jg_event_arg_is_valid (JG_EVENT_TASK_END, JG_END_ARG (JG_END_CRASHED, 9)));
  g_assert_cmpuint (JG_END_ARG_DETAIL (JG_END_ARG (JG_END_CRASHED, 9)), ==, 9);
  g_assert_false (jg_event_arg_is_valid (JG_EVENT_RUN, 1));
  g_assert_false (jg_event_arg_is_valid (JG_EVENT_N_KINDS, 0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/event/layout", test_layout);
  g_test_add_func ("/core/event/names", test_names);
  g_test_add_func ("/core/event/arg-validity", test_arg_validity);
  return g_test_run ();
}
