/*
 * test_focus.c - finding the question clause of a long message: a lone question,
 * backstory before it, two questions at once, a question without '?',
 * abbreviations with dots, and degenerate or very long input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"

static struct focus f;
static char clause[4096], second[4096];

/* the bounds every result keeps */
static void check_bounds(const struct focus *x, size_t len)
{
	assert_true(x->start <= x->end);
	assert_true(x->end <= len);
	assert_true(x->second_start <= x->second_end);
	assert_true(x->second_end <= len);
	if (x->second_end > x->second_start)
		assert_true(x->second_start >= x->end);     /* the second question comes after */
	if (!x->split) {
		assert_int_equal(x->start, 0);
		assert_int_equal(x->end, len);
		assert_int_equal(x->second_start, x->second_end);
	}
}

/* runs focus_find on msg; the focus clause and second question as text */
static void find(const char *msg)
{
	size_t len = strlen(msg);

	memset(&f, 0x5a, sizeof(f));
	focus_find(msg, len, &f);
	check_bounds(&f, len);
	snprintf(clause, sizeof(clause), "%.*s", (int)(f.end - f.start), msg + f.start);
	snprintf(second, sizeof(second), "%.*s", (int)(f.second_end - f.second_start), msg + f.second_start);
}

static void test_single_question(void **state)
{
	const char *q = "How long is EMR training?";

	find(q);
	assert_int_equal(f.split, 0);
	assert_int_equal(f.start, 0);
	assert_int_equal(f.end, strlen(q));
	assert_string_equal(second, "");
	find("what is the nremt");
	assert_int_equal(f.split, 0);
	assert_string_equal(clause, "what is the nremt");
}

static void test_backstory_then_question(void **state)
{
	find("I work at a plant. How long is EMR training? I'm nervous.");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "How long is EMR training");
	assert_string_equal(second, "");
	find("hey guys!! my dad works at a factory and they want him to do emr training.\nhow much time does it take");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "how much time does it take");
}

/* a question after a lead-in starts at its question word */
static void test_lead_in(void **state)
{
	find("RE: paperwork - Hi Prof, quick one before Thursday: for the ride-along, are EMTs the ones who drive? Best, Priya");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "are EMTs the ones who drive");
	find("Thanks all. My cousin, an EMR at the plant: what does she do on calls?");
	assert_string_equal(clause, "what does she do on calls");
	/* a tag question is asked of the clause before it */
	find("a guy at my gym says he's an emr and part of ems full time. is he?");
	assert_string_equal(clause, "a guy at my gym says he's an emr and part of ems full time. is he");
	find("I took the EMR class. What comes next?");
	assert_string_equal(clause, "What comes next");
	/* an asked clause that opens with a question word wins over an earlier one ... */
	find("my cousin wants to work on an ambulance but has no training, what can a beginner do first?");
	assert_string_equal(clause, "but has no training, what can a beginner do first");
	/* ... unless its pronoun points into that earlier clause */
	find("Hi all. but i heard firefighters do EMT stuff too?? do most of them have EMT training?");
	assert_string_equal(clause, "but i heard firefighters do EMT stuff too?? do most of them have EMT training");
	/* one question after a lead-in is read without it */
	find("quiz me: which level comes after EMT?");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "which level comes after EMT");
	/* ... unless its pronoun points into the lead-in */
	find("My doubt is regarding EMS - does it cover the doctor?");
	assert_int_equal(f.split, 0);
	/* no question word after the lead-in: the whole sentence stays */
	find("Thanks all. For the ride-along, EMTs drive?");
	assert_string_equal(clause, "For the ride-along, EMTs drive");
}

static void test_two_questions(void **state)
{
	find("how long is emr training and how hard is the exam?");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "how long is emr training");
	/* the second clause keeps its joining word ("and how hard ...") */
	assert_non_null(strstr(second, "how hard is the exam"));
	assert_true(strlen(second) <= strlen("and how hard is the exam"));
	find("what is the nremt? also is it required?");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "what is the nremt");
	assert_string_equal(second, "also is it required");
	/* a statement joined by "and" is no second question */
	find("how long is emr training and my exam is soon");
	assert_string_equal(second, "");
}

static void test_question_word_without_mark(void **state)
{
	find("I just started my course. how long does emr training take");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "how long does emr training take");
	/* a question mark wins over a question word earlier on */
	find("Do not laugh. I failed my exam. Can I retake it?");
	assert_string_equal(clause, "Can I retake it");
	/* no question at all: the last sentence */
	find("I like my course. The exam is tomorrow.");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "The exam is tomorrow");
	assert_string_equal(second, "");
}

static void test_abbreviations(void **state)
{
	find("Is the E.M.R. course hard? I hope not.");
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "Is the E.M.R. course hard");
	find("I took the E.M.R. class. What comes next?");
	assert_string_equal(clause, "What comes next");
	find("what does n.r.e.m.t. stand for");
	assert_int_equal(f.split, 0);
	find("my e.m.r. teacher said yes. is the e.m.t. exam harder?");
	assert_string_equal(clause, "is the e.m.t. exam harder");
}

static void test_degenerate(void **state)
{
	static const char *const odd[] = { "", "?", "?!?...", "...", "   ", "\n\n\n", "!!!???", ". . . ?", ";;;" };

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		find(odd[i]);
		assert_int_equal(f.split, 0);
		assert_int_equal(f.start, 0);
		assert_int_equal(f.end, strlen(odd[i]));
	}
	/* only len bytes are read: the text after them does not count */
	focus_find("what is emr. how long is it?", 12, &f);
	check_bounds(&f, 12);
	assert_int_equal(f.split, 0);
}

static void test_long_message(void **state)
{
	char *msg = malloc(100 * 64 + 1);
	size_t len = 0;

	assert_non_null(msg);
	/* 100 sentences, the question fifth */
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(msg + len, i == 4 ? "How long is part %d? " : "This is sentence %d. ", i);
	find(msg);
	assert_int_equal(f.split, 1);
	assert_string_equal(clause, "How long is part 4");
	/* the question far beyond the first clauses: whatever is picked stays in bounds */
	len = 0;
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(msg + len, i == 90 ? "How long is part %d? " : "This is sentence %d. ", i);
	find(msg);
	assert_int_equal(f.split, 1);
	/* 100 questions in a row: the first, and the second offered */
	len = 0;
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(msg + len, "what is %d? ", i);
	find(msg);
	assert_string_equal(clause, "what is 0");
	assert_string_equal(second, "what is 1");
	/* one sentence of 100 clauses joined by "and how" */
	len = 0;
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(msg + len, "%show is %d", i ? " and " : "", i);
	find(msg);
	assert_string_equal(clause, "how is 0");
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_question),
		cmocka_unit_test(test_backstory_then_question),
		cmocka_unit_test(test_lead_in),
		cmocka_unit_test(test_two_questions),
		cmocka_unit_test(test_question_word_without_mark),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_long_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
