/* jg-names.h: what the window calls models, interpreters, states and reasons,
 * translated; the same words in the header bar, tooltips and the summary. */
#pragma once

#include <glib.h>

#include "jg-event.h"

G_BEGIN_DECLS

/* "Threads" for "threads"; a name it does not know comes back as it is. */
const char *jg_model_display_name       (const char      *model);
/* "GIL", "Free-threaded", "One GIL per interpreter". */
const char *jg_interpreter_display_name (const char      *interpreter);
const char *jg_end_status_display_name  (JgEndStatus      status);
/* Why a task waited: "the GIL", "network or disk I/O", "a lock"… */
const char *jg_suspend_reason_display_name (JgSuspendReason reason);
/* Why a GIL holder let go: "switch interval expired"… */
const char *jg_gil_reason_display_name  (JgGilReason      reason);

G_END_DECLS
