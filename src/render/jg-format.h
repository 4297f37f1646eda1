/* jg-format.h: numbers as Juggler shows them, the same in every view and export. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A duration with three significant digits and a unit: "950 ns", "12.5 µs",
 * "100 ms", "2.35 s", "3 min 05 s". */
char *jg_format_duration (guint64 ns);
/* A share in [0, 1] as a whole percentage: "47%". */
char *jg_format_percent  (double  fraction);
/* A mean count of tasks, concurrency or parallelism: "2.90". */
char *jg_format_mean     (double  value);

G_END_DECLS
