/*
 * figures.h - does a question ask for a figure, and does an answer give one?
 *
 * "how many ride-along hours do emt students log", "what score passes the nremt",
 * "how long is paramedic school after emt": on topic, but asking for a number the
 * topic's answer does not have. Answering with the topic's text (which names no
 * number) misleads; saying plainly that the notes don't give that figure does not.
 * A topic answers such questions when its answer has a figure (digits, a number
 * word, a unit of time) or when one of its examples asks for one (a moderator
 * taught it to: "how many levels of emt are there").
 */
#ifndef STUDYBOT_FIGURES_H
#define STUDYBOT_FIGURES_H

/* 1 when the normalised question asks how many, how much, how long, how old,
 * what score, what year ... */
int figures_asked(const char *norm);

/* 1 when the text (an answer, any case) gives a figure */
int figures_given(const char *text);

/* 1 when the question's only figure is "how often" (normalised) and the answer says
 * how often in words ("sometimes", "usually", "the exception"): answered, no number needed */
int figures_often_answered(const char *norm, const char *answer);

#endif
