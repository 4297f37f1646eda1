/* test-cli-german.c: juggler-cli as a German-speaking teacher runs it. Under
 * LANGUAGE=de and the de_DE.UTF-8 locale (tests/locale makes it; meson sets
 * LOCPATH, LC_ALL and LANGUAGE), with the catalogue compiled from po/de.po, the
 * CLI's own messages, the scenarios, the lesson, the advisor and the captions
 * all speak German — and none of the English originals shows through. */
#include <locale.h>
#include <string.h>

#include "jg-cli-test.h"
#include "jg-test-util.h"
#include "jg-trace-file.h"

static char *tmp_dir;

/* @text holds @german and not @english: the translation was found and used. */
static void
assert_german (const char *text,
               const char *german,
               const char *english)
{
  if (strstr (text, german) == NULL)
    g_error ("expected “%s” in:\n%s", german, text);
  if (english != NULL && strstr (text, english) != NULL)
    g_error ("the English “%s” is still in:\n%s", english, text);
}

/* Without the locale, gettext would fall back to English and every test below
 * would fail for a reason that has nothing to do with the translation. */
static void
test_locale (void)
{
  const char *name = setlocale (LC_ALL, "");

  if (name == NULL || strstr (name, "de_DE") == NULL)
    g_error ("the de_DE.UTF-8 locale did not load (LOCPATH=%s): is Debian's locales package installed?",
             g_getenv ("LOCPATH"));
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "de");
}

/* The CLI's own texts: usage, command summaries, an error. */
static void
test_messages (void)
{
  g_auto (JgCliResult) help = jg_cli_test_run ("--help", NULL);
  g_auto (JgCliResult) unknown = jg_cli_test_run ("juggle", NULL);

  g_assert_cmpint (help.status, ==, 0);
  assert_german (help.out, "Aufruf: juggler-cli BEFEHL [OPTION…]", "Usage:");
  assert_german (help.out, "Die eingebauten Szenarien auflisten", "List the built-in scenarios");
  g_assert_cmpint (unknown.status, !=, 0);
  assert_german (unknown.err, "unbekannter Befehl „juggle“", "unknown command");
}

/* Scenario texts come from data/scenarios/scenarios.pot: titles, parameter
 * labels and units, and the errors that name them. */
static void
test_scenarios (void)
{
  g_auto (JgCliResult) list = jg_cli_test_run ("list", NULL);
  g_auto (JgCliResult) out_of_range = jg_cli_test_run ("run", "primes", "--set", "numbers=999", NULL);

  g_assert_cmpint (list.status, ==, 0);
  assert_german (list.out, "Primzahlprüfung (CPU-lastig, ungleich verteilt)", "Prime checking");
  assert_german (list.out, "Den Zähler mit einem Lock schützen", "Protect the counter");
  assert_german (list.out, "Zu prüfende Zahlen (1 bis 64 Aufgaben)", "Numbers to check");
  /* Ids and parameter names are not words to translate: they stay. */
  assert_german (list.out, "race-counter", NULL);
  assert_german (list.out, "numbers=8", NULL);

  g_assert_cmpint (out_of_range.status, !=, 0);
  assert_german (out_of_range.err,
                 "numbers=999 liegt außerhalb des Bereichs: Zu prüfende Zahlen reicht von 1 bis 64 Aufgaben",
                 "out of range");
}

/* The loaders' errors (src/core) speak German too, around the field's path
 * and the file's own words, which stay as written. */
static void
test_errors (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "broken.json", NULL);
  const char *scenario =
    "{\n"
    "  \"id\": \"broken\",\n"
    "  \"title\": \"Broken\",\n"
    "  \"tasks\": [ { \"name\": \"Worker\", \"steps\": [ { \"op\": \"cpu\", \"ms\": \"lots\" } ] } ]\n"
    "}\n";
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, scenario, -1, &error);
  g_assert_no_error (error);
  {
    g_auto (JgCliResult) validate = jg_cli_test_run ("validate", path, NULL);

    g_assert_cmpint (validate.status, !=, 0);
    assert_german (validate.err, "broken.json:4: tasks[0].steps[0].ms: unerwartetes „l“ in „lots“ "
                   "(Ausdrücke bestehen aus Zahlen, $Parametern, + - * / und Klammern)", "unexpected");
  }
}

/* Lesson texts come from data/lessons/lessons.pot. */
static void
test_lesson (void)
{
  g_auto (JgCliResult) lesson = jg_cli_test_run ("lesson", "python-concurrency", NULL);

  g_assert_cmpint (lesson.status, ==, 0);
  assert_german (lesson.out, "Nebenläufigkeit in Python, Schritt für Schritt", "Python concurrency, step by step");
  assert_german (lesson.out, "Eins nach dem anderen", "One after another");
  assert_german (lesson.out, "Beobachten: Die sechs Download-Bahnen wechseln sich ab", "Look at:");
  assert_german (lesson.out, "Der GIL: zwei Threads, ein Interpreter", NULL);
}

/* Advisor texts come from data/advisor/decision-tree.pot. */
static void
test_advisor (void)
{
  g_auto (JgCliResult) advice = jg_cli_test_run ("recommend", "--mixed", "--tasks", "12", NULL);

  g_assert_cmpint (advice.status, ==, 0);
  assert_german (advice.out, "Empfehlung: asyncio für das I/O, ein Prozess-Pool für das Rechnen", "Recommendation:");
  assert_german (advice.out, "Womit verbringt jede Aufgabe die meiste Zeit?",
                 "What does each task spend most of its time on?");
  assert_german (advice.out, "Vorführung: 12 Aufgaben", "Show me:");
}

/* Captions are made in core (jg-caption.c) from a real run's events. */
static void
test_captions (void)
{
  g_autofree char *trace = g_build_filename (tmp_dir, "switch.juggler", NULL);
  g_auto (JgCliResult) run = jg_cli_test_run ("run", "switch-interval", "--set", "work=30", "--switch-interval", "2",
                                              "-o", trace, NULL);
  g_auto (JgCliResult) captions = { 0 };

  g_assert_cmpint (run.status, ==, 0);
  /* The run's title is the scenario's, as the user saw it. */
  assert_german (run.out, "Das Umschaltintervall", "The switch interval");

  /* The trace keeps the title the user saw, but the scenario's definition in
   * it stays the file's English: it opens the same in any language. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (trace);
    g_autoptr (GError) error = NULL;
    g_autoptr (JgTrace) saved = jg_trace_file_load (file, NULL, &error);
    JsonObject *definition;

    g_assert_no_error (error);
    g_assert_cmpstr (jg_trace_get_title (saved), ==, "Das Umschaltintervall");
    definition = json_node_get_object (jg_trace_get_scenario (saved));
    g_assert_cmpstr (json_object_get_string_member (definition, "title"), ==, "The switch interval");
  }

  captions = jg_cli_test_run ("caption", trace, NULL);
  g_assert_cmpint (captions.status, ==, 0);
  /* "Thread 2 hat 2 ms auf den GIL gewartet und bittet Thread 1, ihn abzugeben" */
  assert_german (captions.out, "auf den GIL gewartet und bittet Thread", "asks Thread");
  assert_german (captions.out, "übernimmt ihn", "takes it");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = jg_cli_test_make_tmp_dir ("juggler-cli-german-XXXXXX");

  g_test_add_func ("/cli/german/locale", test_locale);
  g_test_add_func ("/cli/german/messages", test_messages);
  g_test_add_func ("/cli/german/scenarios", test_scenarios);
  g_test_add_func ("/cli/german/errors", test_errors);
  g_test_add_func ("/cli/german/lesson", test_lesson);
  g_test_add_func ("/cli/german/advisor", test_advisor);
  g_test_add_func ("/cli/german/captions", test_captions);

  status = g_test_run ();

  g_assert_true (test_remove_tree (tmp_dir));
  g_free (tmp_dir);
  return status;
}
