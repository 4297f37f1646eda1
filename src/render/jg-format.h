/* jg-format.h: numbers as Juggler shows them, the same in every view and export. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A duration with three significant digits and a unit: "950 ns", "12.5 µs",
 * "100 ms", "2.35 s", "3 min 05 s"; nothing at all is "0 s". */
char *jg_format_duration (guint64 ns);
/* A share in [0, 1] as a whole percentage: "47%". */
char *jg_format_percent  (double  fraction);
/* @part's share of @total for legends: "47%", and "<1%" rather than a
 * misleading "0%" when @part is small but not nothing. */
char *jg_format_share    (guint64 part,
                          guint64 total);
/* A mean count of tasks, concurrency or parallelism: "2.90". */
char *jg_format_mean     (double  value);

G_END_DECLS
