/* jg-format.c: formatting of durations, shares and means for people. */
#define G_LOG_DOMAIN "jg-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "jg-format.h"

/* @value with three significant digits (more only when it is 1000 or above). */
static char *
format_3 (double      value,
          const char *unit)
{
  int decimals;

  if (value < 9.995)
    decimals = 2;
  else if (value < 99.95)
    decimals = 1;
  else
    decimals = 0;

  /* Translators: a number and its unit, e.g. "12.5 ms" */
  return g_strdup_printf (C_("duration", "%.*f %s"), decimals, value, unit);
}

char *
jg_format_duration (guint64 ns)
{
  /* "0 ns" would suggest a measurement at nanosecond scale. */
  if (ns == 0)
    return g_strdup (_("0 s"));

  if (ns < 1000)
    return g_strdup_printf (_("%u ns"), (guint) ns);

  if (ns < G_GUINT64_CONSTANT (999500))
    return format_3 (ns / 1e3, _("µs"));

  if (ns < G_GUINT64_CONSTANT (999500000))
    return format_3 (ns / 1e6, _("ms"));

  if (ns < G_GUINT64_CONSTANT (59950000000))
    return format_3 (ns / 1e9, _("s"));

  {
    guint64 seconds = (ns + G_GUINT64_CONSTANT (500000000)) / G_GUINT64_CONSTANT (1000000000);

    /* Translators: minutes and seconds, e.g. "3 min 05 s" */
    return g_strdup_printf (_("%u min %02u s"), (guint) (seconds / 60), (guint) (seconds % 60));
  }
}

char *
jg_format_percent (double fraction)
{
  if (!isfinite (fraction))
    fraction = 0;

  /* Translators: a percentage, e.g. "47%" */
  return g_strdup_printf (_("%.0f%%"), fraction * 100.0);
}

char *
jg_format_share (guint64 part,
                 guint64 total)
{
  double fraction;

  if (total == 0)
    return jg_format_percent (0);

  fraction = (double) part / (double) total;
  if (part > 0 && fraction < 0.005)
    {
      /* Translators: a share too small to round to 1% but not zero */
      /* xgettext:no-c-format */
      return g_strdup (_("<1%"));
    }

  return jg_format_percent (fraction);
}

char *
jg_format_mean (double value)
{
  if (!isfinite (value))
    value = 0;

  return g_strdup_printf ("%.2f", value);
}
