/*
 * test_kb.c - the knowledge-base and intents loaders on good and broken files:
 * every problem is reported as FILE:LINE and nothing crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knowledge.h"
#include "test_util.h"

static char dir[64];

static const char *path(const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

/* a fresh copy of kb-mini in a temp dir */
static int setup(void **state)
{
	char cmd[1024];

	snprintf(dir, sizeof(dir), "/tmp/sbkbXXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/intents %s/", src_path("tests/fixtures/kb-mini"),
		 src_path("tests/fixtures/kb-mini"), dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* loads + checks; returns the diagnostics text (static) */
static const char *load(int *ok)
{
	static char text[16384];
	struct diag d;
	struct knowledge *k;

	diag_init(&d);
	k = knowledge_load(path("data"), path("intents"), &d);
	if (k)
		knowledge_check(k, &d);
	*ok = k && d.count == 0;
	snprintf(text, sizeof(text), "%s", d.text.ptr ? d.text.ptr : "");
	knowledge_unref(k);
	diag_release(&d);
	return text;
}

static void expect(const char *needle)
{
	int ok;
	const char *out = load(&ok);

	if (ok || !strstr(out, needle))
		fail_msg("expected a problem containing '%s', got:\n%s", needle, out);
}

static void test_good(void **state)
{
	int ok;
	const char *out = load(&ok);

	if (!ok)
		fail_msg("%s", out);
}

static void test_bad_json_has_line(void **state)
{
	write_file(path("data/topics/nremt.json"), "{\n  \"id\": \"nremt\",\n  \"answer\": oops\n}\n");
	expect("data/topics/nremt.json:3: bad JSON");
}

static void test_unknown_role_and_source(void **state)
{
	write_file(path("data/topics/nremt.json"),
		   "{\n\"id\": \"nremt\",\n\"role\": \"nurse\",\n\"attribute\": \"x\",\n\"answer\": \"a\",\n"
		   "\"sources\": [\"zz\"],\n\"examples\": [\"national registry\"]\n}\n");
	expect("nremt.json:3: unknown role \"nurse\"");
	expect("nremt.json:6: unknown source \"zz\"");
}

static void test_id_and_keys(void **state)
{
	write_file(path("data/topics/nremt.json"),
		   "{\"id\": \"other\", \"answr\": \"x\", \"sources\": [\"a\"], \"examples\": [\"nremt\"]}");
	expect("does not match the file name");
	expect("unknown key \"answr\"");
	expect("missing \"answer\"");
}

static void test_long_answer(void **state)
{
	char big[4096], text[8192];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"id\": \"nremt\", \"answer\": \"%s\", \"sources\": [\"a\"], "
		 "\"examples\": [\"what is the nremt\"]}", big);
	write_file(path("data/topics/nremt.json"), text);
	expect("answer longer than");
}

static void test_example_reaching_other_topic(void **state)
{
	write_file(path("data/topics/nremt.json"),
		   "{\"id\": \"nremt\", \"answer\": \"a\", \"sources\": [\"a\"],\n"
		   "\"examples\": [\"what is the nremt\",\n \"emr vs emt\"]}");
	expect("nremt.json:3: example \"emr vs emt\" is also an example of topic \"emr-vs-emt\"");
}

/* an example is taught: it reaches its topic even where no pattern reads it... */
static void test_taught_example_reaches_its_topic(void **state)
{
	struct diag d;
	struct knowledge *k;

	write_file(path("data/topics/nremt.json"),
		   "{\"id\": \"nremt\", \"answer\": \"a\", \"sources\": [\"a\"], \"examples\": [\"what is the weather\"]}");
	diag_init(&d);
	k = knowledge_load(path("data"), path("intents"), &d);
	assert_non_null(k);
	assert_int_equal(knowledge_check_full(k, &d), 0);
	knowledge_unref(k);
	diag_release(&d);
}

/* ...but never past a decline: a clinical example is refused */
static void test_example_reaching_a_decline(void **state)
{
	write_file(path("data/topics/nremt.json"),
		   "{\"id\": \"nremt\", \"answer\": \"a\", \"sources\": [\"a\"], \"examples\": [\"what dose of narcan\"]}");
	expect("example \"what dose of narcan\" reaches a decline intent");
}

static void test_bad_pattern(void **state)
{
	write_file(path("intents/extra.txt"), "# extra\n[intent broken]\ntopic = nremt\npattern = (unclosed\n");
	expect("intents/extra.txt:4: pattern does not compile");
}

static void test_intent_problems(void **state)
{
	write_file(path("intents/extra.txt"),
		   "loose = line\n[intent x]\npattern = abc\n[intent y]\ntopic = nosuch\npattern = abc\n"
		   "[intent z]\nattribute = nosuch\npattern 0.x = abc\n[role nurse]\npattern = nurse\n"
		   "[weird]\n[intent compare]\ncompare = yes\npattern = abc\n");
	expect("extra.txt:1: a line outside any section");
	expect("extra.txt:2: intent \"x\" does not say what it answers");
	expect("extra.txt:4: intent \"y\": unknown topic \"nosuch\"");
	expect("extra.txt:7: intent \"z\": no topic has attribute \"nosuch\"");
	expect("extra.txt:9: bad weight");
	expect("extra.txt:10: unknown role \"nurse\"");
	expect("extra.txt:12: unknown section [weird]");
	expect("intent \"compare\" is defined twice");
}

/* [keep]: real words the speller leaves as typed; anything but lower-case letters is
 * reported, and a kept word is not corrected ("fights" stays, though "flights" is
 * one slip away) */
static void test_keep_words(void **state)
{
	struct diag d;
	struct knowledge *k;

	write_file(path("intents/keep2.txt"), "[keep]\nfights  broad\nFights c3po\n");
	expect("keep2.txt:3: a [keep] word is lower-case letters only: \"Fights\"");
	expect("keep2.txt:3: a [keep] word is lower-case letters only: \"c3po\"");
	write_file(path("intents/keep2.txt"), "[keep]\nfights broad\n");
	diag_init(&d);
	k = knowledge_load(path("data"), path("intents"), &d);
	assert_non_null(k);
	assert_true(strmap_get(&k->lang.lexicon.keep, "fights", 6) >= 0);
	assert_true(strmap_get(&k->lang.lexicon.keep, "broad", 5) >= 0);
	assert_null(speller_correct(&k->matcher.speller, "fights", 6));
	knowledge_unref(k);
	diag_release(&d);
}

static void test_garbage_files(void **state)
{
	int ok;
	char junk[4096];

	for (size_t i = 0; i < sizeof(junk) - 1; i++)
		junk[i] = (char)(1 + (i * 7919) % 255);
	junk[sizeof(junk) - 1] = '\0';
	write_file(path("intents/junk.txt"), junk);
	write_file(path("data/topics/junk.json"), junk);
	write_file(path("data/roles.json"), "[]");
	load(&ok);
	assert_false(ok);
	unlink(path("data/sources.json"));
	load(&ok);
	assert_false(ok);
}

/* diag_line_find_at (the examples' lines, counted on from the last hit) says what
 * diag_line_find says, for needles in order, out of order, repeated and missing */
static void test_line_cursor(void **state)
{
	static const char text[] = "{\n  \"examples\": [\n    \"one\",\n\n    \"two\",\n    \"three\"\n  ]\n}\n";
	static const char *const needles[] = { "one", "two", "three", "one", "nothing", "three", "two", "]", "{" };
	struct diag_lines at = { 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		assert_int_equal(diag_line_find_at(&at, text, needles[i]), diag_line_find(text, needles[i]));
	assert_int_equal(diag_line_find(text, "three"), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_json_has_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_role_and_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_and_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_reaching_other_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_taught_example_reaches_its_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_reaching_a_decline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intent_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_files, setup, teardown),
		cmocka_unit_test(test_line_cursor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
