/* test_spell.c - misspellings corrected to domain terms, everyday words left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "spell.h"
#include "normalise.h"

static struct speller sp;
static struct lexicon lx;

static int setup(void **state)
{
	speller_init(&sp);
	speller_add_text(&sp, "paramedic ambulance community paramedicine definitive responder", 1);
	speller_add_text(&sp, "how long is the training where do they work", 0);
	speller_add_text(&sp, "roles", 1);     /* too short to be a correction */
	speller_add_text(&sp, "dose", 0);
	speller_add_text(&sp, "emr prehospital aemt", 1);
	speller_add_text(&sp, "pre hospital fire fighter", 0);
	speller_add_text(&sp, "abroad content", 1);     /* one slip from "broad", "context" */
	lexicon_init(&lx);
	lexicon_add(&lx, "prehospital", "pre hospital");
	lexicon_keep(&lx, "broad");                    /* the lexicon's [keep]: real words */
	lexicon_keep(&lx, "context");
	sp.rewritten = &lx.words;
	sp.keep = &lx.keep;
	return speller_build(&sp);
}

static int teardown(void **state)
{
	speller_release(&sp);
	lexicon_release(&lx);
	return 0;
}

static const char *fix(const char *w)
{
	const char *r = speller_correct(&sp, w, strlen(w));
	return r ? r : "-";
}

static void test_corrects_to_targets(void **state)
{
	assert_string_equal(fix("parametic"), "paramedic");      /* substitution */
	assert_string_equal(fix("amblance"), "ambulance");       /* deletion */
	assert_string_equal(fix("ambulanse"), "ambulance");
	assert_string_equal(fix("comunity"), "community");
	assert_string_equal(fix("paramedisine"), "paramedicine");
	assert_string_equal(fix("responedr"), "responder");      /* transposition */
	assert_string_equal(fix("definitve"), "definitive");
}

static void test_leaves_others_alone(void **state)
{
	assert_string_equal(fix("training"), "-");      /* known */
	assert_string_equal(fix("rules"), "-");         /* "roles" is too short a target */
	assert_string_equal(fix("para"), "-");          /* too far */
	assert_string_equal(fix("emt"), "-");           /* too short to touch */
	assert_string_equal(fix("paramedic1"), "-");    /* digits */
	assert_string_equal(fix("xyzzyplugh"), "-");
	assert_string_equal(fix("paramedics"), "-");    /* an ending, not a typo */
	assert_string_equal(fix("paramedick"), "paramedic");   /* "k" is no ending */
	/* words students write, one slip from a target, kept by the lexicon's [keep]:
	 * "too broad" is not "abroad" */
	assert_string_equal(fix("broad"), "-");
	assert_string_equal(fix("context"), "-");
	assert_string_equal(fix("oops"), "-");
	assert_string_equal(fix("abrod"), "abroad");     /* a real slip still is */
}

static void test_typing_slips(void **state)
{
	assert_string_equal(fix("wrok"), "work");        /* swapped neighbours, to a known word */
	assert_string_equal(fix("wehre"), "where");
	assert_string_equal(fix("traaining"), "training");
	assert_string_equal(fix("trainning"), "training");
	assert_string_equal(fix("wor"), "-");            /* too short */
	assert_string_equal(fix("werk"), "-");           /* a substitution: only to domain terms */
	assert_string_equal(fix("does"), "-");           /* an everyday word, though "dose" is known */
}

static void test_fix_text(void **state)
{
	char t[128] = "can a parametic drive the amblance";

	speller_fix(&sp, t, sizeof(t));
	assert_string_equal(t, "can a paramedic drive the ambulance");
}

/* a word typed or dictated in pieces is put back together when the whole is one
 * the knowledge uses - never into a word the lexicon spells in two */
static void test_pieces_joined(void **state)
{
	char a[128] = "how long is e m r training", b[128] = "what is community para medicine";
	char c[128] = "is it a b c", d[128] = "where does pre hospital care start";
	char e[128] = "the fire fighter";

	speller_fix(&sp, a, sizeof(a));
	assert_string_equal(a, "how long is emr training");
	speller_fix(&sp, b, sizeof(b));
	assert_string_equal(b, "what is community paramedicine");
	speller_fix(&sp, c, sizeof(c));
	assert_string_equal(c, "is it a b c");
	speller_fix(&sp, d, sizeof(d));
	assert_string_equal(d, "where does pre hospital care start");
	speller_fix(&sp, e, sizeof(e));
	assert_string_equal(e, "the fire fighter");        /* both known, the whole not a term */
}

/* "can a e m t drive": after a word that wants an article the "a" is one, and the
 * letters after it are the EMT; said aloud, an AEMT comes without it */
static void test_article_before_letters(void **state)
{
	char a[128] = "can a e m r drive", b[128] = "how long is a e m t training";

	speller_fix(&sp, a, sizeof(a));
	assert_string_equal(a, "can a emr drive");
	speller_fix(&sp, b, sizeof(b));
	assert_string_equal(b, "how long is aemt training");
}

/* join_hint: a target split anywhere into two unknown pieces still joins, the
 * longest word allowed (SPELL_MAX_WORD letters) included; a pair whose first
 * letters and length no word has stays apart */
static void test_join_hint(void **state)
{
	static const char *const words[] = { "paramedicine", "ambulance", "responder",
					     "zyxwvutsrqponmlkjihgzyxwvutsrqponmlkjihg" };
	struct speller own;

	(void)state;
	speller_init(&own);
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		speller_add_text(&own, words[w], 1);
	assert_int_equal(speller_build(&own), 0);
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t len = strlen(words[w]);
		assert_int_equal(len <= SPELL_MAX_WORD, 1);
		for (size_t k = 2; k + 2 <= len; k++) {
			char t[2 * SPELL_MAX_WORD + 2];
			memcpy(t, words[w], k);
			t[k] = ' ';
			memcpy(t + k + 1, words[w] + k, len - k + 1);
			speller_fix(&own, t, sizeof(t));
			assert_string_equal(t, words[w]);
		}
	}
	{
		char t[64] = "qq zz";
		speller_fix(&own, t, sizeof(t));
		assert_string_equal(t, "qq zz");
	}
	speller_release(&own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corrects_to_targets),
		cmocka_unit_test(test_leaves_others_alone),
		cmocka_unit_test(test_typing_slips),
		cmocka_unit_test(test_article_before_letters),
		cmocka_unit_test(test_fix_text),
		cmocka_unit_test(test_pieces_joined),
		cmocka_unit_test(test_join_hint),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
