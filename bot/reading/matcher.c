/* matcher.c - question -> roles, intents, topic; see matcher.h. */
#include "matcher.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "alloc.h"
#include "banned.h"

#define MAX_SPANS 64
#define MAX_CANDS 4096

void matcher_init(struct matcher *m)
{
	memset(m, 0, sizeof(*m));
	m->compare_intent = -1;
	patset_init(&m->entities);
	patset_init(&m->intents);
	patset_init(&m->guards);
	speller_init(&m->speller);
	ranker_init(&m->ranker);
	strmap_init(&m->example_topic);
	strmap_init(&m->followup_topic);
}

size_t matcher_followup_key(int last_topic, const char *tagged, char *out, size_t cap)
{
	char digits[16];
	size_t nd = 0, len = strlen(tagged);

	do                                  /* no printf: loads run it thousands of times */
		digits[nd++] = (char)('0' + last_topic % 10);
	while ((last_topic /= 10) > 0 && nd < sizeof(digits));
	if (last_topic < 0 || nd + 1 + len + 1 > cap)
		return 0;
	for (size_t i = 0; i < nd; i++)
		out[i] = digits[nd - 1 - i];
	out[nd] = ' ';
	memcpy(out + nd + 1, tagged, len + 1);
	return nd + 1 + len;
}

void matcher_release(struct matcher *m)
{
	patset_release(&m->entities);
	patset_release(&m->intents);
	patset_release(&m->guards);
	free(m->entity_role);
	free(m->pat_intent);
	free(m->pat_weight);
	free(m->pat_line);
	free(m->pat_min_roles);
	free(m->need_start);
	free(m->not_start);
	free(m->firm_start);
	free(m->default_role);
	free(m->role_scored);
	speller_release(&m->speller);
	ranker_release(&m->ranker);
	strmap_release(&m->example_topic);
	strmap_release(&m->followup_topic);
	free(m->topic_intent);
	free(m->topic_figures);
	memset(m, 0, sizeof(*m));
}

/* (?:\b(?:id|id|...)\b) over every role id, longest first: what (?&role) stands for;
 * -1 when there are more roles than SB_MAX_ROLES (kb_load refuses them) or memory ran out */
static int role_group(const struct kb *kb, struct buf *b)
{
	char used[SB_MAX_ROLES] = { 0 };

	if (kb->nroles > SB_MAX_ROLES)
		return -1;
	buf_adds(b, "(?:\\b(?:");
	for (size_t k = 0; k < kb->nroles; k++) {
		size_t best = (size_t)-1;
		for (size_t r = 0; r < kb->nroles; r++)
			if (!used[r] && (best == (size_t)-1 || strlen(kb->roles[r].id) > strlen(kb->roles[best].id)))
				best = r;
		used[best] = 1;
		if (k)
			buf_addc(b, '|');
		buf_adds(b, kb->roles[best].id);
	}
	if (!kb->nroles)
		buf_adds(b, "(*FAIL)");
	buf_adds(b, ")\\b)");
	return buf_failed(b) ? -1 : 0;
}

/* pattern with every (?&role) replaced by the role group itself: an inline
 * alternation runs faster than a subroutine call; NULL when too long */
static char *inline_roles(const char *re, const char *group)
{
	struct buf b;
	const char *p = re, *hit;

	buf_init(&b, SB_MAX_PATTERN * 8);
	while ((hit = strstr(p, "(?&role)"))) {
		if (buf_add(&b, p, (size_t)(hit - p)) < 0 || buf_adds(&b, group) < 0) {
			buf_release(&b);
			return NULL;
		}
		p = hit + strlen("(?&role)");
	}
	if (buf_adds(&b, p) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int add(struct patset *ps, const char *group, const struct lang_pattern *p,
	       const char *file, struct diag *d)
{
	char err[256];
	int i;
	/* a role pattern (entities.txt) has no role group: its (?&role) is left to
	 * PCRE2, which refuses it (a reason in d), never inlined from NULL */
	char *inl = group && strstr(p->re, "(?&role)") ? inline_roles(p->re, group) : NULL;

	if (inl && strlen(inl) <= SB_MAX_PATTERN * 4)
		i = patset_add_as(ps, inl, p->re, err, sizeof(err));
	else
		i = patset_add(ps, NULL, p->re, err, sizeof(err));
	free(inl);
	if (i < 0)
		diag_add(d, file, p->line, "%s", err);
	return i;
}

static void build_entities(struct matcher *m, struct diag *d)
{
	const struct lang *L = m->lang;
	size_t total = 0;

	for (size_t e = 0; e < L->nentities; e++)
		total += L->entities[e].patterns.n;
	if (!(m->entity_role = sb_calloc(total + 1, sizeof(int)))) {
		diag_add(d, "matcher", 0, "out of memory for %zu role patterns", total);
		return;
	}
	for (size_t e = 0; e < L->nentities; e++) {
		const struct lang_entity *en = &L->entities[e];
		int role = kb_role_find(m->kb, en->role);
		if (role < 0)
			diag_add(d, en->file, en->line, "unknown role \"%s\" (not in data/roles.json)", en->role);
		for (size_t k = 0; k < en->patterns.n; k++) {
			int i = add(&m->entities, NULL, &en->patterns.v[k], en->file, d);
			if (i >= 0)
				m->entity_role[i] = role;
		}
	}
}

static void check_intent(struct matcher *m, size_t i, struct diag *d)
{
	const struct lang_intent *in = &m->lang->intents[i];

	m->default_role[i] = -1;
	if (in->kind == INTENT_TOPIC && kb_topic_find(m->kb, in->target) < 0)
		diag_add(d, in->file, in->line, "intent \"%s\": unknown topic \"%s\"", in->id, in->target);
	if (in->kind == INTENT_ATTRIBUTE && !kb_has_attribute(m->kb, in->target))
		diag_add(d, in->file, in->line, "intent \"%s\": no topic has attribute \"%s\"", in->id, in->target);
	if (in->default_role && (m->default_role[i] = kb_role_find(m->kb, in->default_role)) < 0)
		diag_add(d, in->file, in->line, "intent \"%s\": unknown default_role \"%s\"", in->id, in->default_role);
	if (in->patterns.n == 0 && in->roles_weight == 0)
		diag_add(d, in->file, in->line, "intent \"%s\" has no pattern", in->id);
}

static void build_intents(struct matcher *m, const char *define, struct diag *d)
{
	const struct lang *L = m->lang;
	size_t total = 0;

	for (size_t i = 0; i < L->nintents; i++)
		total += L->intents[i].patterns.n;
	m->pat_intent = sb_calloc(total + 1, sizeof(int));
	m->pat_weight = sb_calloc(total + 1, sizeof(double));
	m->pat_line = sb_calloc(total + 1, sizeof(int));
	m->pat_min_roles = sb_calloc(total + 1, sizeof(int));
	m->need_start = sb_calloc(L->nintents + 1, sizeof(size_t));
	m->not_start = sb_calloc(L->nintents + 1, sizeof(size_t));
	m->firm_start = sb_calloc(L->nintents + 1, sizeof(size_t));
	m->default_role = sb_calloc(L->nintents + 1, sizeof(int));
	m->role_scored = sb_calloc(L->nintents + 1, sizeof(int));
	if (!m->pat_intent || !m->pat_weight || !m->pat_line || !m->pat_min_roles || !m->need_start ||
	    !m->not_start || !m->firm_start || !m->default_role || !m->role_scored) {
		diag_add(d, "matcher", 0, "out of memory for %zu intents", L->nintents);
		return;
	}
	for (size_t i = 0; i < L->nintents; i++) {
		const struct lang_intent *in = &L->intents[i];
		check_intent(m, i, d);
		if (in->kind == INTENT_COMPARE && in->firms.n && m->compare_intent < 0)
			m->compare_intent = (int)i;
		if (in->roles_weight != 0)
			m->role_scored[m->nrole_scored++] = (int)i;
		for (size_t k = 0; k < in->patterns.n; k++) {
			int p = add(&m->intents, define, &in->patterns.v[k], in->file, d);
			if (p < 0)
				continue;
			m->pat_intent[p] = (int)i;
			m->pat_weight[p] = in->patterns.v[k].weight;
			m->pat_line[p] = in->patterns.v[k].line;
			m->pat_min_roles[p] = anchors_min_calls(in->patterns.v[k].re, "role");
		}
		/* guards: needs, nots then firms, contiguous per intent; a failed compile still takes a slot */
		m->need_start[i] = m->guards.n;
		for (size_t k = 0; k < in->needs.n; k++)
			if (add(&m->guards, define, &in->needs.v[k], in->file, d) < 0)
				patset_add(&m->guards, NULL, "(*FAIL)", (char[8]){0}, 8);
		m->not_start[i] = m->guards.n;
		for (size_t k = 0; k < in->nots.n; k++)
			if (add(&m->guards, define, &in->nots.v[k], in->file, d) < 0)
				patset_add(&m->guards, NULL, "(*FAIL)", (char[8]){0}, 8);
		m->firm_start[i] = m->guards.n;
		for (size_t k = 0; k < in->firms.n; k++)
			if (add(&m->guards, define, &in->firms.v[k], in->file, d) < 0)
				patset_add(&m->guards, NULL, "(*FAIL)", (char[8]){0}, 8);
	}
}

/* (?&role) needs one of the role ids: those no shorter id is a prefix of */
static void role_sub(const struct kb *kb, struct patset_sub *sub)
{
	snprintf(sub->name, sizeof(sub->name), "role");
	sub->n = 0;
	for (size_t r = 0; r < kb->nroles; r++) {
		const char *id = kb->roles[r].id;
		int covered = 0;
		for (size_t q = 0; q < kb->nroles; q++)
			covered |= q != r && strlen(kb->roles[q].id) < strlen(id) &&
				   strncmp(kb->roles[q].id, id, strlen(kb->roles[q].id)) == 0;
		if (covered || strlen(id) < 2 || strlen(id) >= PATSET_MAX_ANCHOR)
			continue;
		if (sub->n == PATSET_MAX_ANCHORS) {
			sub->n = 0;                   /* too many to be useful: no anchor */
			return;
		}
		snprintf(sub->lit[sub->n++], PATSET_MAX_ANCHOR, "%s", id);
	}
}

static void vocab_from_patterns(struct speller *sp, const struct lang_patterns *ps, int target)
{
	char lits[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];

	for (size_t k = 0; k < ps->n; k++) {
		size_t n = anchors_extract(ps->v[k].re, lits, PATSET_MAX_ANCHORS);
		for (size_t a = 0; a < n; a++)
			speller_add_text(sp, lits[a], target);
	}
}

static void vocab_add(struct speller *sp, const struct lexicon *lx, const char *text, int target)
{
	char norm[SB_MAX_QUESTION + 1];

	normalise(lx, text, strlen(text), norm, sizeof(norm));
	speller_add_text(sp, norm, target);
}

/* Known words: every word of the example questions and of the patterns' literals.
 * Correction targets: the domain's terms - role names, topic ids, the lexicon's
 * replacements, the role patterns' literals (titles are full of everyday words). */
static int build_vocabulary(struct matcher *m)
{
	const struct lang *L = m->lang;

	for (size_t t = 0; t < m->kb->ntopics; t++) {
		const struct kb_topic *tp = &m->kb->topics[t];
		for (size_t e = 0; e < tp->nexamples; e++)
			vocab_add(&m->speller, &L->lexicon, tp->examples[e], 0);
		vocab_add(&m->speller, NULL, tp->title, 0);
		vocab_add(&m->speller, NULL, tp->id, 1);
	}
	for (size_t i = 0; i < L->lexicon.n; i++)
		speller_add_text(&m->speller, L->lexicon.repl[i], 1);
	for (size_t r = 0; r < m->kb->nroles; r++)
		vocab_add(&m->speller, NULL, m->kb->roles[r].name, 1);
	for (size_t e = 0; e < L->nentities; e++)
		vocab_from_patterns(&m->speller, &L->entities[e].patterns, 1);
	for (size_t i = 0; i < L->nintents; i++)
		vocab_from_patterns(&m->speller, &L->intents[i].patterns, 0);
	m->speller.rewritten = &L->lexicon.words;
	m->speller.keep = &L->lexicon.keep;
	return speller_build(&m->speller);
}

/* The model learns from texts the role patterns and the speller read, never from
 * the intents: it is trained on a thread of its own while the intents compile. */
struct training {
	struct matcher *m;
	pthread_t th;
	int on, started, rc;
};

static void *training_run(void *arg)
{
	struct training *t = arg;

	t->rc = matcher_build_ranker(t->m);
	return NULL;
}

/* starts training m's model when on (else it is not trained: rc 0) */
static void training_start(struct matcher *m, struct training *t, int on)
{
	memset(t, 0, sizeof(*t));
	t->m = m;
	t->on = on;
	if (on)
		t->started = pthread_create(&t->th, NULL, training_run, t) == 0;
}

/* waits for the model (trained here when no thread could start); its rc */
static int training_finish(struct training *t)
{
	if (t->started)
		pthread_join(t->th, NULL);
	else if (t->on)
		training_run(t);
	return t->rc;
}

int matcher_build(struct matcher *m, const struct kb *kb, const struct lang *lang, struct diag *d)
{
	size_t before = d->count;
	struct buf define;
	struct training training;

	m->kb = kb;
	m->lang = lang;
	role_sub(kb, &m->role_sub);
	m->intents.subs = &m->role_sub;
	m->intents.nsubs = m->role_sub.n ? 1 : 0;
	buf_init(&define, 65536);
	if (role_group(kb, &define) < 0) {
		if (kb->nroles > SB_MAX_ROLES)
			diag_add(d, "matcher", 0, "%zu roles, more than the limit of %d (SB_MAX_ROLES)", kb->nroles,
				 SB_MAX_ROLES);
		else
			diag_add(d, "matcher", 0, "out of memory");
		buf_release(&define);
		return -1;
	}
	for (size_t r = 0; r < kb->nroles; r++) {
		unsigned char c = (unsigned char)kb->roles[r].id[0];
		m->role_first[c >> 6] |= 1ull << (c & 63);
	}
	build_entities(m, d);
	if (d->count == before && build_vocabulary(m) < 0)
		diag_add(d, "matcher", 0, "out of memory building the vocabulary");
	if (d->count == before && patset_build(&m->entities) < 0)
		diag_add(d, "matcher", 0, "out of memory");
	training_start(m, &training, d->count == before);
	build_intents(m, define.ptr, d);
	buf_release(&define);
	if (d->count == before && patset_build(&m->intents) < 0)
		diag_add(d, "matcher", 0, "out of memory");
	if (training_finish(&training) < 0 && d->count == before)
		diag_add(d, "matcher", 0, "out of memory building the model");
	return d->count > before ? -1 : 0;
}

struct matcher_scratch *matcher_scratch_new(void)
{
	struct matcher_scratch *s = sb_calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	patset_scratch_init(&s->ent);
	patset_scratch_init(&s->in);
	patset_scratch_init(&s->guard);
	return s;
}

int matcher_scratch_failed(const struct matcher_scratch *s)
{
	return s->nomem || s->rank.nomem;
}

void matcher_scratch_free(struct matcher_scratch *s)
{
	if (!s)
		return;
	patset_scratch_release(&s->ent);
	patset_scratch_release(&s->in);
	patset_scratch_release(&s->guard);
	free(s->score);
	free(s->hits);
	free(s->stamp);
	free(s->touched);
	free(s->idx);
	free(s->grouped);
	free(s->pend);
	free(s->tried);
	free(s->aside);
	ranker_scratch_release(&s->rank);
	free(s);
}


