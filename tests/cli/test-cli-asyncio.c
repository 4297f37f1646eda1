/* test-cli-asyncio.c: `juggler-cli run --model asyncio|hybrid` as a user runs
 * it: the real binary on the asyncio built-ins, its JSON summary with loop
 * lag, the text report, and clear refusals. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"

/* nisab-gather: three fetches of 0.2, 0.2 and 0.1 s take about 0.2 s on one
 * loop, and the summary says how late its timers fired. */
static void
test_nisab_json (void)
{
  JgCliResult r = jg_cli_test_run ("run", "nisab-gather", "--json", NULL);
  g_autoptr (JsonObject) summary = NULL;
  JsonObject *lag, *counts;

  g_assert_cmpint (r.status, ==, 0);
  summary = jg_cli_test_parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (summary, "model"), ==, "asyncio");
  g_assert_cmpstr (json_object_get_string_member (summary, "status"), ==, "completed");
  g_assert_cmpfloat (json_object_get_double_member (summary, "wall_s"), >=, 0.2);
  g_assert_cmpfloat (json_object_get_double_member (summary, "wall_s"), <, 0.4);
  g_assert_cmpfloat (json_object_get_double_member (summary, "parallelism"), <=, 1.0);

  lag = json_object_get_object_member (summary, "loop_lag_ms");
  g_assert_nonnull (lag);
  g_assert_cmpfloat (json_object_get_double_member (lag, "mean"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (lag, "max"), >=, json_object_get_double_member (lag, "mean"));
  g_assert_cmpint (json_object_get_int_member (lag, "samples"), >, 0);
  counts = json_object_get_object_member (summary, "asyncio");
  g_assert_cmpint (json_object_get_int_member (counts, "coroutines"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (counts, "socket_round_trips"), ==, 3);
  jg_cli_result_clear (&r);
}

/* The blocking call freezes the loop; its fix and the hybrid model do not. */
static void
test_blocking_call (void)
{
  JgCliResult blocked = jg_cli_test_run ("run", "blocking-call", "--set", "latency=100", "--json", NULL);
  JgCliResult fixed = jg_cli_test_run ("run", "blocking-call", "--set", "latency=100", "--set", "fix=true", "--json", NULL);
  JgCliResult hybrid = jg_cli_test_run ("run", "blocking-call", "--set", "latency=100", "--model", "hybrid", "--workers", "5",
                           "--json", NULL);
  g_autoptr (JsonObject) b = NULL;
  g_autoptr (JsonObject) f = NULL;
  g_autoptr (JsonObject) h = NULL;

  g_assert_cmpint (blocked.status, ==, 0);
  g_assert_cmpint (fixed.status, ==, 0);
  g_assert_cmpint (hybrid.status, ==, 0);
  b = jg_cli_test_parse_object (blocked.out);
  f = jg_cli_test_parse_object (fixed.out);
  h = jg_cli_test_parse_object (hybrid.out);
  g_assert_cmpfloat (json_object_get_double_member (b, "wall_s"), >, 2 * json_object_get_double_member (f, "wall_s"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (b, "loop_lag_ms"), "max"), >,
                     json_object_get_double_member (json_object_get_object_member (f, "loop_lag_ms"), "max"));
  g_assert_cmpstr (json_object_get_string_member (h, "model"), ==, "hybrid");
  g_assert_cmpint (json_object_get_int_member (h, "workers"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (h, "asyncio"), "executor_jobs"), >=, 5);
  jg_cli_result_clear (&blocked);
  jg_cli_result_clear (&fixed);
  jg_cli_result_clear (&hybrid);
}

/* The text report names timeouts, cancellations and what was caught. */
static void
test_text_report (void)
{
  JgCliResult r = jg_cli_test_run ("run", "timeouts-and-cancellation", "--set", "slow=400", "--set", "timeout=100",
                      "--set", "cancel_after=50", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Loop lag"));
  g_assert_nonnull (strstr (r.out, "Timeout"));
  g_assert_nonnull (strstr (r.out, "Slow task, by timeout"));
  g_assert_nonnull (strstr (r.out, "Long operation, by cancel()"));
  g_assert_nonnull (strstr (r.out, "Main caught TimeoutError"));
  jg_cli_result_clear (&r);
}

static void
test_refusals (void)
{
  JgCliResult threads = jg_cli_test_run ("run", "nisab-gather", "--model", "threads", NULL);
  JgCliResult executor = jg_cli_test_run ("run", "nisab-gather", "--executor", "gpus", NULL);

  g_assert_cmpint (threads.status, !=, 0);
  g_assert_nonnull (strstr (threads.err, "“gather” needs the asyncio or hybrid model"));
  g_assert_cmpint (executor.status, !=, 0);
  g_assert_nonnull (strstr (executor.err, "gpus"));
  jg_cli_result_clear (&threads);
  jg_cli_result_clear (&executor);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmp_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-asyncio-XXXXXX");

  g_test_add_func ("/cli/asyncio/nisab-json", test_nisab_json);
  g_test_add_func ("/cli/asyncio/blocking-call", test_blocking_call);
  g_test_add_func ("/cli/asyncio/text-report", test_text_report);
  g_test_add_func ("/cli/asyncio/refusals", test_refusals);

  status = g_test_run ();

  test_remove_tree (tmp_dir);
  return status;
}
