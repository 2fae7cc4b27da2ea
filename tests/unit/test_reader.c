/*
 * test_reader.c - reading whole messages end to end against the shipped
 * knowledge (data/ and intents/): the question clause of a chatty message, two
 * questions at once, follow-ups in a conversation, switches away from EMS,
 * off-topic and clinical questions, and taught examples. Checks behaviours
 * (which topic, answered or not, which stage), never exact scores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "test_util.h"

static struct knowledge *k;
static struct matcher_scratch *s;
static struct match_result res;
static struct match_context conv;

static int setup(void **state)
{
	struct diag d;

	diag_init(&d);
	k = knowledge_load(src_path("data"), src_path("intents"), &d);
	if (!k)
		fprintf(stderr, "%s", d.text.ptr ? d.text.ptr : "");
	diag_release(&d);
	s = matcher_scratch_new();
	return k && s ? 0 : -1;
}

static int teardown(void **state)
{
	matcher_scratch_free(s);
	knowledge_unref(k);
	return 0;
}

/* the topic id a question reached (NULL: not answered) is want */
#define assert_topic(got, want) do { \
		const char *got_ = (got); \
		if (!got_ || strcmp(got_, (want)) != 0) \
			fprintf(stderr, "%s\n", last); \
		assert_string_equal(got_ ? got_ : "(not answered)", (want)); \
	} while (0)

static char last[512];     /* how the last question was read, for failures */

static const char *id_of(int topic)
{
	return topic >= 0 ? k->kb.topics[topic].id : "(none)";
}

static const char *const outcomes[] = { "none", "topic", "decline", "need-role", "no-fact" };
static const char *const stages[] = { "patterns", "ranker", "context", "example" };

/* reads q with the conversation's context (NULL: none); the topic id or NULL */
static const char *ask_in(const char *q, const struct match_context *ctx)
{
	matcher_match(&k->matcher, s, q, strlen(q), ctx, &res);
	snprintf(last, sizeof(last), "  %.80s -> %s %s (stage %s, %s)", q, outcomes[res.outcome], id_of(res.topic),
		 stages[res.stage], res.why ? res.why : "");
	if (getenv("STUDYBOT_TRACE"))           /* STUDYBOT_TRACE=1: every reading */
		fprintf(stderr, "%s\n", last);
	return res.outcome == MATCH_TOPIC ? k->kb.topics[res.topic].id : NULL;
}

static const char *ask(const char *q)
{
	return ask_in(q, NULL);
}

/* a new conversation */
static void start(void)
{
	conv = (struct match_context)MATCH_CONTEXT_EMPTY;
}

/* one turn of the conversation: read with what it remembers, then remember it */
static const char *turn(const char *q)
{
	struct match_context next;
	const char *id = ask_in(q, &conv);

	matcher_next_context(&res, &conv, &next);
	conv = next;
	return id;
}

static void test_chatty_message_answers_its_question(void **state)
{
	/* the question clause names no role: the backstory's ("emr") fills it. (With "how much
	 * time does it take" as the clause, the model's best, emr-training-length, falls just
	 * short of answering, and it is only suggested.) */
	const char *q = "my dad works at a factory and they want him to do emr training but he's worried about "
			"missing shifts. how much time does the training take";

	assert_topic(ask(q), "emr-training-length");
	assert_int_equal(res.split, 1);
	assert_true(res.focus_start > 0 && res.focus_start < res.focus_end && res.focus_end <= strlen(q));
	assert_topic(ask("I work at a plant. How long is EMR training? I'm nervous."), "emr-training-length");
	assert_int_equal(res.split, 1);
}

/* two intents' patterns score alike: the model, reading the whole message, picks */
static void test_tied_patterns_model_picks(void **state)
{
	const char *q = "my crew chief is an emt but at the big factory fire she ended up helping with incident "
			"command. is that normal for emts?";

	assert_topic(ask(q), "emt-command-roles");
	assert_string_equal(res.why, "patterns scored two answers alike: the model picked between them");
}

/* a clause read through its whole message: the story's own match (works at a
 * factory -> workplaces) scores above the question's; the model, reading the
 * clause first, picks the question's - but a clause that says nothing of its own
 * ("why would that be?") keeps the patterns' best */
static void test_whole_message_model_picks(void **state)
{
	assert_topic(ask("my dad works at a factory and they want him to do emr training. how long does it take"),
		     "emr-training-length");
	assert_topic(ask("I live way out in the country, like 40 minutes from the nearest hospital. I read "
			 "somewhere that EMRs were meant especially for places like mine. Why would that be?"),
		     "emr-value");
}

/* "first responder" as a level or a course is the EMR's older name; on scene it is anyone */
static void test_first_responder_as_a_level(void **state)
{
	assert_topic(ask("how many hours is a first responder course"), "emr-training-length");
	ask("difference between a first responder and an emt");
	assert_true(res.nroles == 2);
	ask("the first responders on scene were cops");
	assert_true(res.nroles == 0);
}

/* on topic, but asking for a number the topic's answer does not give: not answered
 * with that topic's text; a topic that gives the figure still answers */
static void test_figure_the_notes_lack(void **state)
{
	assert_null(ask("what score do you need to pass the nremt"));
	assert_topic(id_of(res.figure_topic), "nremt");
	assert_topic(ask("how many hours is emr training"), "emr-training-length");
	assert_int_equal(res.figure_topic, -1);
	assert_topic(ask("what is the nremt"), "nremt");
	/* in a follow-up, the model's best topic that gives the figure answers */
	start();
	assert_topic(turn("who teaches emr classes"), "emr-training-where-who");
	assert_topic(turn("how long do they last?"), "emr-training-length");
}

static void test_two_questions_first_answered(void **state)
{
	const char *first = ask("what is the nremt? also how long is emt school?");

	assert_topic(first, "nremt");
	assert_true(res.second_topic >= 0);
	assert_int_not_equal(res.second_topic, res.topic);
	assert_topic(ask("how long is emr training and what does the nremt do?"), "emr-training-length");
	assert_true(res.second_topic >= 0);
	assert_int_not_equal(res.second_topic, res.topic);
	/* a second question whose role is a pronoun: the model reads it */
	assert_topic(ask("where do EMRs usually work, and can they take part in fire service rescues?"),
		     "emr-workplaces");
	assert_topic(id_of(res.second_topic), "emr-fire-rescue");
	/* ... and read with the role when alone it is no fact of that role ("fire service")
	 * and with the role it reads better (was the firefighters' EMS work) */
	assert_topic(ask("can EMRs give narcan, and can they go on rescue calls with the fire service?"),
		     "emr-naloxone");
	assert_topic(id_of(res.second_topic), "emr-fire-rescue");
	/* ... or the patterns, its pronoun read as the role the first names */
	assert_topic(ask("what all does EMS include, and does it ever deal with things that aren't emergencies yet?"),
		     "ems-definition");
	assert_topic(id_of(res.second_topic), "ems-non-emergency");
	/* ... "that" (or "it", "this") standing for the role the first names */
	assert_topic(ask("what does EMR stand for and when did that name come in?"), "emr-definition");
	assert_topic(id_of(res.second_topic), "emr-history");
	/* ... or the model, when its "it" is the first question's, reading it with the
	 * first and alone alike */
	assert_topic(ask("what's the lowest level that can work on an ambulance, and who's usually the most "
			 "advanced one on it?"), "emr-ambulance");
	assert_topic(id_of(res.second_topic), "paramedic-most-advanced");
	/* one question: nothing second */
	assert_topic(ask("what is the nremt"), "nremt");
	assert_int_equal(res.second_topic, -1);
}

/* a belief put with a tag is confirmed only when the answer bears it out word for
 * word: never one with "not", a figure, "every"/"same", or on a disputed topic */
static void test_belief_confirmed(void **state)
{
	assert_topic(ask("EMRs learn CPR and how to use an AED, right?"), "emr-training-content");
	assert_int_equal(res.confirms, 1);
	assert_topic(ask("EMRs learn CPR and how to use an AED"), "emr-training-content");
	assert_int_equal(res.confirms, 0);
	ask("EMR training takes 180 hours right?");
	assert_int_equal(res.confirms, 0);
	ask("EMS and EMT are the same thing right?");
	assert_int_equal(res.confirms, 0);
	ask("dispatchers aren't really part of EMS, right?");
	assert_int_equal(res.confirms, 0);
	ask("EMRs have always been called emergency medical responders, right?");
	assert_int_equal(res.confirms, 0);
	ask("emrs are part of ems right?");
	assert_int_equal(res.confirms, 0);
}

/* a comparison asking one thing of two roles: that thing for both; a comparison
 * proper ("difference", "more training") keeps the comparison's answer */
static void test_one_thing_of_two_roles(void **state)
{
	assert_topic(ask("which is longer, EMR training or the EMT-basic course?"), "emr-training-length");
	assert_topic(id_of(res.second_topic), "emt-course-length");
	assert_topic(ask("who works at sporting events, emrs or emts?"), "emr-workplaces");
	assert_topic(id_of(res.second_topic), "emt-workplaces");
	assert_topic(ask("EMR or EMT, which is more likely to get hired by an ambulance service?"),
		     "emr-hiring-contact");
	assert_topic(ask("where do emrs and emts work"), "emr-workplaces");
	assert_topic(id_of(res.second_topic), "emt-workplaces");
	assert_topic(ask("what's the difference between emr and emt training"), "emr-vs-emt");
	assert_int_equal(res.second_topic, -1);
	assert_topic(ask("who has more training, a paramedic or an emt"), "emt-vs-paramedic");
	/* a lower role named after the one asked about is no second question */
	ask("how long is paramedic school after emt");
	assert_int_equal(res.second_topic, -1);
}

/* a correction is a switch to the role meant; a switch leaves the question as read
 * for its role, so the next switch starts from it */
static void test_correction_and_second_switch(void **state)
{
	start();
	assert_topic(turn("how long is emr training"), "emr-training-length");
	assert_topic(turn("sorry i meant emts"), "emt-course-length");
	start();
	assert_topic(turn("do emrs go on fire rescue calls"), "emr-fire-rescue");
	assert_topic(turn("what about emts"), "firefighters-ems");
	assert_topic(turn("and paramedics"), "firefighters-ems");
	start();
	assert_topic(turn("what's an aemt"), "emt-advanced-definition");
	assert_topic(turn("do all states recognize it"), "emt-levels");
}

/* a switch of role after a topic that is no role's fact: the earlier question is read
 * again for the new role; after a role's fact with no counterpart: not answered */
static void test_switch_rereads_question(void **state)
{
	start();
	assert_topic(turn("are emts usually firefighters too"), "firefighters-ems");
	assert_topic(turn("what about emrs?"), "emr-fire-rescue");
	assert_string_equal(res.why, "a switch to another role: the earlier question read again for that role");
	start();
	assert_topic(turn("how long does emr training take"), "emr-training-length");
	assert_topic(turn("and for emts?"), "emt-course-length");
	assert_null(turn("what about medics"));
}

static void test_followup_by_who(void **state)
{
	start();
	assert_topic(turn("when was the emr role created"), "emr-history");
	assert_non_null(turn("by who?"));
	assert_int_equal(res.outcome, MATCH_TOPIC);
	assert_true(res.followup);
	assert_int_equal(res.stage, STAGE_CONTEXT);
	/* without the conversation, "by who?" alone is no question */
	assert_null(ask("by who?"));
}

/* a follow-up counts its words after contractions are spelt out: "and whats the
 * lowest level that can be on one?" is 11 of them, and still leans on the turn before */
static void test_followup_longer(void **state)
{
	start();
	assert_topic(turn("who's the top provider on an ambulance"), "paramedic-most-advanced");
	assert_topic(turn("and whats the lowest level that can be on one?"), "emr-ambulance");
	assert_true(res.followup);
}

static void test_followup_join_it(void **state)
{
	start();
	assert_topic(turn("what is the nremt"), "nremt");
	assert_topic(turn("do i have to join it?"), "nremt");
}

static void test_switch_elsewhere_not_answered(void **state)
{
	start();
	assert_topic(turn("how long is emr training"), "emr-training-length");
	assert_null(turn("and for plumbers?"));
	assert_int_not_equal(res.outcome, MATCH_TOPIC);
}

static void test_new_question_after_topic(void **state)
{
	const char *id;

	start();
	assert_topic(turn("what is the nremt"), "nremt");
	id = turn("how long is emt school");
	assert_non_null(id);
	assert_string_not_equal(id, "nremt");
	assert_false(res.followup);
	/* the same as asked without the conversation */
	id = ask("how long is emt school");
	assert_non_null(id);
	assert_topic(turn("what is the nremt"), "nremt");
	assert_topic(turn("how long is emt school"), id);
}

static void test_off_topic_not_answered(void **state)
{
	assert_null(ask("how do i become a pilot"));
	start();
	assert_topic(turn("what is the nremt"), "nremt");
	assert_null(turn("how do i become a pilot"));
}

static void test_clinical_declined(void **state)
{
	assert_null(ask("what dose of narcan does an emr give"));
	assert_int_equal(res.outcome, MATCH_DECLINE);
	/* also inside a conversation, and inside a long message */
	start();
	assert_topic(turn("what is the nremt"), "nremt");
	assert_null(turn("what dose of narcan does an emr give"));
	assert_int_equal(res.outcome, MATCH_DECLINE);
	assert_null(ask("I'm in my emr class at the plant. what dose of narcan does an emr give?"));
	assert_int_equal(res.outcome, MATCH_DECLINE);
	/* a drug's dose before a role: still a dose ("dose an emr" alone is a typo of "does") */
	assert_null(ask("what's the naloxone dose an EMR should give"));
	assert_int_equal(res.outcome, MATCH_DECLINE);
	assert_true(matcher_intent_clinical(&k->matcher, res.intent));
	assert_topic(ask("wat dose ems stand 4"), "ems-definition");
}

static void test_examples_reach_their_topic(void **state)
{
	static const char *const topics[] = { "emr-history", "nremt", "emr-training-length" };

	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
		int t = kb_topic_find(&k->kb, topics[i]);
		const struct kb_topic *tp;
		assert_true(t >= 0);
		tp = &k->kb.topics[t];
		assert_true(tp->nexamples > 0);
		for (size_t e = 0; e < tp->nexamples; e++) {
			const char *id = ask(tp->examples[e]);
			assert_non_null(id);
			assert_topic(id, tp->id);
			assert_true(res.stage == STAGE_EXAMPLE || res.stage == STAGE_PATTERNS);
		}
	}
	assert_topic(ask("emr origin story"), "emr-history");
	assert_true(res.stage == STAGE_EXAMPLE || res.stage == STAGE_PATTERNS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chatty_message_answers_its_question),
		cmocka_unit_test(test_tied_patterns_model_picks),
		cmocka_unit_test(test_whole_message_model_picks),
		cmocka_unit_test(test_first_responder_as_a_level),
		cmocka_unit_test(test_figure_the_notes_lack),
		cmocka_unit_test(test_two_questions_first_answered),
		cmocka_unit_test(test_one_thing_of_two_roles),
		cmocka_unit_test(test_correction_and_second_switch),
		cmocka_unit_test(test_switch_rereads_question),
		cmocka_unit_test(test_followup_by_who),
		cmocka_unit_test(test_followup_join_it),
		cmocka_unit_test(test_followup_longer),
		cmocka_unit_test(test_switch_elsewhere_not_answered),
		cmocka_unit_test(test_new_question_after_topic),
		cmocka_unit_test(test_off_topic_not_answered),
		cmocka_unit_test(test_clinical_declined),
		cmocka_unit_test(test_belief_confirmed),
		cmocka_unit_test(test_examples_reach_their_topic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
