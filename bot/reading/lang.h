/*
 * lang.h - how questions are read, loaded from the .txt files of intents/: the lexicon, the
 * role entities and the intents. Plain line format (docs/knowledge-format.md) so
 * a PCRE2 pattern is written as PCRE2 reads it. This module only parses and
 * keeps source lines; patterns are compiled by the matcher.
 */
#ifndef STUDYBOT_LANG_H
#define STUDYBOT_LANG_H

#include <stddef.h>

#include "diag.h"
#include "normalise.h"
#include "strmap.h"

enum intent_kind { INTENT_NONE, INTENT_TOPIC, INTENT_ATTRIBUTE, INTENT_COMPARE, INTENT_DECLINE };

struct lang_pattern {
	char *re;
	double weight;
	int line;
};

struct lang_patterns {
	struct lang_pattern *v;
	size_t n, cap;
};

struct lang_entity {
	char *role;                    /* role id (checked against the kb by the matcher) */
	char *file;
	int line;
	struct lang_patterns patterns;
};

struct lang_intent {
	char *id;
	enum intent_kind kind;
	char *target;                  /* topic id, attribute name or decline text */
	char *default_role;
	int min_roles, max_roles;      /* distinct roles the question must name (max -1: any) */
	double roles_weight;           /* `roles W = N`: adds W when the question names >= N roles */
	int roles_min;
	char *file;
	int line;
	struct lang_patterns patterns, needs, nots;
	struct lang_patterns firms;    /* `firm`: without one of these the intent gives way
					* to another confident reading (a comparison that
					* asks one thing of two roles) */
};

struct lang {
	char *dir;
	struct lexicon lexicon;
	struct lang_entity *entities;  size_t nentities, entities_cap;
	struct lang_intent *intents;   size_t nintents, intents_cap;
	struct strmap intent_ids;      /* id -> index */
};

/* loads every *.txt in dir (sorted by name); 0, or -1 with problems added to d */
int lang_load(struct lang *lang, const char *dir, struct diag *d);
/* parses one file's text (exposed for tests and fuzzing); problems go to d */
void lang_parse_text(struct lang *lang, const char *file, const char *text, struct diag *d);
void lang_init(struct lang *lang);
void lang_release(struct lang *lang);
/* the intent with this id, or -1 */
int lang_intent_find(const struct lang *lang, const char *id);

#endif
