/* jg-cpu.c: the sum-of-squares kernel and its calibration. The calibration is
 * the kernel's speed on an uncontended core, so it is measured with the thread's
 * own CPU time (time the thread was preempted does not count) and cached per
 * machine and per build flavour (an unoptimised or sanitised build is slower). */
#define G_LOG_DOMAIN "jg-cpu"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>

#include "jg-cpu.h"

#define CACHE_VERSION 1
#define KERNEL_NAME   "sum-of-squares-1"
#define N_TRIALS      15
#define TRIAL_NS      1000000 /* about 1 ms of CPU per trial */

#if defined(__SANITIZE_ADDRESS__)
#define BUILD_SANITIZER "+asan"
#else
#define BUILD_SANITIZER ""
#endif
#if defined(__OPTIMIZE__)
#define BUILD_FLAVOUR "optimized" BUILD_SANITIZER
#else
#define BUILD_FLAVOUR "unoptimized" BUILD_SANITIZER
#endif

guint64
jg_cpu_spin (guint64 iterations,
             guint64 state)
{
  guint64 x = state;

  for (guint64 i = 0; i < iterations; i++)
    {
      guint64 n = (x & 0xffff) + i;

      x += n * n;
      /* A serial dependency: no vectorising, no closed form, a steady cost. */
      x ^= x >> 13;
    }
  return x;
}

static guint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

double
jg_cpu_calibrate (void)
{
  guint64 n = 4096, state = 1, start, elapsed;
  double best = 0;

  /* Grow the trial until it lasts about TRIAL_NS (this also warms the core up). */
  for (;;)
    {
      start = thread_cpu_ns ();
      state = jg_cpu_spin (n, state);
      elapsed = thread_cpu_ns () - start;
      if (elapsed >= TRIAL_NS / 2 || n >= (G_GUINT64_CONSTANT (1) << 40))
        break;
      n *= 2;
    }

  /* A trial can be slowed (interrupts, a busy sibling hyperthread) but never
   * sped up: the fastest is the uncontended speed. */
  for (guint i = 0; i < N_TRIALS; i++)
    {
      double rate;

      start = thread_cpu_ns ();
      state = jg_cpu_spin (n, state);
      elapsed = MAX (thread_cpu_ns () - start, 1);
      rate = (double) n / ((double) elapsed / 1e6);
      best = MAX (best, rate);
    }

  /* Keep the work observable. */
  if (state == 0)
    g_debug ("calibration state reached zero");
  return best;
}

char *
jg_cpu_get_cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "juggler", "calibration.json", NULL);
}

static char *
read_cpu_model (void)
{
  g_autofree char *cpuinfo = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }
  return g_strdup ("unknown");
}

static gboolean
load_cached (const char *path,
             const char *cpu_model,
             double     *rate)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member_with_default (object, "version", 0) != CACHE_VERSION
      || g_strcmp0 (json_object_get_string_member_with_default (object, "kernel", ""), KERNEL_NAME) != 0
      || g_strcmp0 (json_object_get_string_member_with_default (object, "build", ""), BUILD_FLAVOUR) != 0
      || g_strcmp0 (json_object_get_string_member_with_default (object, "cpu_model", ""), cpu_model) != 0
      || json_object_get_int_member_with_default (object, "cores", 0) != (gint64) g_get_num_processors ())
    return FALSE;
  *rate = json_object_get_double_member_with_default (object, "iterations_per_ms", 0);
  /* Anything absurd is ignored and measured again. */
  return *rate >= 1000 && *rate <= 1e12;
}

static void
save_cached (const char *path,
             const char *cpu_model,
             double      rate)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_VERSION);
  json_builder_set_member_name (builder, "kernel");
  json_builder_add_string_value (builder, KERNEL_NAME);
  json_builder_set_member_name (builder, "build");
  json_builder_add_string_value (builder, BUILD_FLAVOUR);
  json_builder_set_member_name (builder, "cpu_model");
  json_builder_add_string_value (builder, cpu_model);
  json_builder_set_member_name (builder, "cores");
  json_builder_add_int_value (builder, g_get_num_processors ());
  json_builder_set_member_name (builder, "iterations_per_ms");
  json_builder_add_double_value (builder, rate);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  /* A cache: failing to write it only costs a calibration next time. */
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents (path, text, -1, &error))
    g_debug ("Could not save the CPU calibration to %s: %s", path,
             error != NULL ? error->message : g_strerror (errno));
}

double
jg_cpu_get_iterations_per_ms (void)
{
  static gsize once = 0;
  static double rate = 0;

  if (g_once_init_enter (&once))
    {
      g_autofree char *path = jg_cpu_get_cache_path ();
      g_autofree char *cpu_model = read_cpu_model ();

      if (!load_cached (path, cpu_model, &rate))
        {
          rate = jg_cpu_calibrate ();
          save_cached (path, cpu_model, rate);
        }
      g_debug ("CPU work: %.0f iterations per ms", rate);
      g_once_init_leave (&once, 1);
    }
  return rate;
}
