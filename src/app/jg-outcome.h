/* jg-outcome.h: a scenario's own results in words, as a teacher would say
 * them: "counter 1,009 of 10,000 — 8,991 updates lost", or who waits for whom
 * in a deadlock. */
#pragma once

#include "jg-trace.h"

G_BEGIN_DECLS

/* The results of @trace in a sentence or two, or NULL if it has none. */
char *jg_outcome_describe (JgTrace *trace);

G_END_DECLS
