/* test-format.c: the numbers people read, formatted the same everywhere. */
#define G_LOG_DOMAIN "test-format"

#include "config.h"

#include <math.h>

#include "jg-format.h"

#define assert_formats(expected, call)                \
  G_STMT_START {                                      \
    g_autofree char *_s = (call);                     \
    g_assert_cmpstr (_s, ==, (expected));             \
  } G_STMT_END

static void
test_format_duration (void)
{
  assert_formats ("0 s", jg_format_duration (0));
  assert_formats ("1 ns", jg_format_duration (1));
  assert_formats ("950 ns", jg_format_duration (950));
  assert_formats ("1.00 µs", jg_format_duration (1000));
  assert_formats ("12.5 µs", jg_format_duration (12500));
  assert_formats ("999 µs", jg_format_duration (999400));
  assert_formats ("1.00 ms", jg_format_duration (999600));
  assert_formats ("60.0 ms", jg_format_duration (60000000));
  assert_formats ("100 ms", jg_format_duration (100000000));
  assert_formats ("2.35 s", jg_format_duration (G_GUINT64_CONSTANT (2350000000)));
  assert_formats ("59.9 s", jg_format_duration (G_GUINT64_CONSTANT (59940000000)));
  assert_formats ("1 min 00 s", jg_format_duration (G_GUINT64_CONSTANT (59960000000)));
  assert_formats ("3 min 05 s", jg_format_duration (G_GUINT64_CONSTANT (185000000000)));
}

static void
test_format_percent_and_mean (void)
{
  assert_formats ("47%", jg_format_percent (0.4704));
  assert_formats ("0%", jg_format_percent (0));
  assert_formats ("100%", jg_format_percent (1));
  assert_formats ("66%", jg_format_share (190, 290));
  assert_formats ("<1%", jg_format_share (36, 120000));
  assert_formats ("0%", jg_format_share (0, 120000));
  assert_formats ("0%", jg_format_share (0, 0));
  assert_formats ("100%", jg_format_share (5, 5));
  assert_formats ("2.90", jg_format_mean (2.9));
  assert_formats ("1.00", jg_format_mean (0.999));
  assert_formats ("0.00", jg_format_mean (NAN));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/format/duration", test_format_duration);
  g_test_add_func ("/render/format/percent-and-mean", test_format_percent_and_mean);

  return g_test_run ();
}
