/*
 * matcher_match.c - the per-question half of the matcher: mentions, intent
 * scores, and resolution to a topic (with follow-ups through the context).
 */
#include "matcher.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "matcher_int.h"
#include "normalise.h"
#include "alloc.h"
#include "banned.h"

#define MAX_SPANS 64
#define MAX_CANDS 4096

struct span {
	size_t so, eo;
	int role;
};

/* qsort for the small arrays of one question: an insertion sort, no calls to libc */
static void small_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char tmp[sizeof(struct candidate) > 64 ? sizeof(struct candidate) : 64], *b = base;

	if (n > 48 || size > sizeof(tmp)) {
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		memcpy(tmp, b + i * size, size);
		while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0) {
			memcpy(b + j * size, b + (j - 1) * size, size);
			j--;
		}
		memcpy(b + j * size, tmp, size);
	}
}

static int ensure(struct matcher_scratch *s, size_t n)
{
	if (n <= s->cap)
		return 0;
	free(s->score);
	free(s->hits);
	free(s->stamp);
	free(s->touched);
	s->score = sb_calloc(n, sizeof(*s->score));
	s->hits = sb_calloc(n, sizeof(*s->hits));
	s->stamp = sb_calloc(n, sizeof(*s->stamp));
	s->touched = sb_calloc(n, sizeof(*s->touched));
	s->cap = s->score && s->hits && s->stamp && s->touched ? n : 0;   /* 0: sized again next time */
	s->gen = 0;
	s->nomem |= !s->cap;
	return s->cap ? 0 : -1;
}

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->so != y->so)
		return x->so < y->so ? -1 : 1;
	return (x->eo > y->eo) ? -1 : (x->eo < y->eo);
}

/* PCRE2's JIT scans the subject with vector loads that may read a few bytes past
 * its end (within the buffer); those bytes are cleared so no read depends on stale
 * or uninitialised memory (valgrind reports it otherwise) - a 64-byte clear, not
 * the whole buffer */
static void clear_tail(char *buf, size_t used, size_t cap)
{
	size_t n = cap - used < 64 ? cap - used : 64;

	memset(buf + used, 0, n);
}

static size_t collect_spans(const struct matcher *m, struct matcher_scratch *s, const char *t,
			    size_t len, struct span *sp)
{
	int idx[MAX_CANDS];
	size_t n = patset_candidates(&m->entities, &s->ent, t, len, s->no_prefilter, idx, MAX_CANDS);
	size_t ns = 0;

	for (size_t k = 0; k < n; k++) {
		size_t start = 0, so, eo;
		if (!patset_possible(&m->entities, &s->ent, idx[k]))
			continue;                      /* a literal it needs is missing */
		while (ns < MAX_SPANS && patset_match(&m->entities, &s->ent, idx[k], t, len, start, &so, &eo)) {
			if (eo > so && m->entity_role[idx[k]] >= 0)
				sp[ns++] = (struct span){ so, eo, m->entity_role[idx[k]] };
			start = eo > so ? eo : so + 1;
		}
	}
	small_sort(sp, ns, sizeof(*sp), by_start);
	return ns;
}

static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* how many places in t start a role id as a whole word: an upper bound on the
 * non-overlapping matches of (?&role), so patterns needing more can be skipped */
static size_t count_role_words(const struct matcher *m, const char *t)
{
	size_t n = 0;

	for (size_t i = 0; t[i]; i++) {
		unsigned char c = (unsigned char)t[i];
		if (!(m->role_first[c >> 6] >> (c & 63) & 1) || (i > 0 && word_byte((unsigned char)t[i - 1])))
			continue;                      /* no role id starts here */
		for (size_t r = 0; r < m->kb->nroles; r++) {
			const char *id = m->kb->roles[r].id;
			size_t len;
			if (id[0] != t[i])
				continue;
			len = strlen(id);
			if (strncmp(t + i, id, len) == 0 && !word_byte((unsigned char)t[i + len])) {
				n++;
				break;
			}
		}
	}
	return n;
}

/* the roles named: mentions (non-overlapping, longest first), distinct roles, tagged text */
static void find_mentions(const struct matcher *m, struct matcher_scratch *s, struct match_result *res)
{
	struct span sp[MAX_SPANS];
	const char *t = res->norm;
	size_t len = strlen(t), ns = collect_spans(m, s, t, len, sp), at = 0, o = 0;

	for (size_t k = 0; k < ns && res->nmentions < SB_MAX_ENTITIES; k++) {
		const char *id = m->kb->roles[sp[k].role].id;
		size_t idlen = strlen(id), r;
		if (sp[k].so < at)
			continue;                          /* overlaps a longer, earlier mention */
		if (o + (sp[k].so - at) + idlen + 1 >= sizeof(res->tagged))
			break;
		memcpy(res->tagged + o, t + at, sp[k].so - at);
		o += sp[k].so - at;
		memcpy(res->tagged + o, id, idlen);
		o += idlen;
		at = sp[k].eo;
		res->mentions[res->nmentions++] = (struct mention){ sp[k].role, sp[k].so, sp[k].eo };
		for (r = 0; r < res->nroles && res->roles[r] != sp[k].role; r++)
			;
		if (r == res->nroles)
			res->roles[res->nroles++] = sp[k].role;
	}
	if (o + (len - at) < sizeof(res->tagged)) {
		memcpy(res->tagged + o, t + at, len - at);
		o += len - at;
	}
	clear_tail(res->tagged, o, sizeof(res->tagged));
	res->role_words = count_role_words(m, res->tagged);
}

/* 1: the intent may answer; 0: a need failed or the role count is off; -1: a `not`
 * matched (the question says it is about something else) */
static int guards_pass(const struct matcher *m, struct matcher_scratch *s, int i, const char *t, size_t len,
		       size_t nroles)
{
	const struct lang_intent *in = &m->lang->intents[i];
	size_t end = m->firm_start[i];

	if ((int)nroles < in->min_roles || (in->max_roles >= 0 && (int)nroles > in->max_roles))
		return 0;

	/* a `not` first: the question is about something else, whatever the `need` says
	 * ("a good fire extinguisher for my apartment" is shopping, not the article) */
	for (size_t g = m->not_start[i]; g < end; g++)
		if (patset_match(&m->guards, &s->guard, (int)g, t, len, 0, NULL, NULL))
			return -1;
	for (size_t g = m->need_start[i]; g < m->not_start[i]; g++)
		if (!patset_match(&m->guards, &s->guard, (int)g, t, len, 0, NULL, NULL))
			return 0;
	return 1;
}

int matcher_firm(const struct matcher *m, struct matcher_scratch *s, int intent, const char *t)
{
	size_t end = (size_t)intent + 1 < m->lang->nintents ? m->need_start[intent + 1] : m->guards.n;

	if (m->firm_start[intent] == end)
		return 1;
	for (size_t g = m->firm_start[intent]; g < end; g++)
		if (patset_match(&m->guards, &s->guard, (int)g, t, strlen(t), 0, NULL, NULL))
			return 1;
	return 0;
}

static int by_score(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->excluded != y->excluded)
		return x->excluded - y->excluded;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->intent - y->intent;
}


/* An intent whose candidate patterns could reach the score of the best answer so far */
struct pending {
	int intent;
	double ub;             /* sum of its candidate patterns' positive weights */
	int first, n;          /* its patterns in the grouped list */
};

static int by_bound(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->ub != y->ub)
		return x->ub > y->ub ? -1 : 1;
	return x->intent - y->intent;
}

struct verdict {
	int found, intent, topic, used[2];
	enum match_outcome outcome;
	double score;
};

/* (score, intent) ranks before best: higher score, then the intent defined first */
static int ranks_before(double score, int intent, const struct verdict *best)
{
	return !best->found || score > best->score + 1e-9 ||
	       (score > best->score - 1e-9 && intent < best->intent);
}

/* `roles W = N` lines: intents that score because the question names N roles */
static size_t add_role_scores(const struct matcher *m, struct matcher_scratch *s, size_t nroles,
			      struct pending *pend, size_t np)
{
	for (size_t k = 0; k < m->nrole_scored; k++) {
		int i = m->role_scored[k];
		const struct lang_intent *in = &m->lang->intents[i];
		if ((int)nroles < in->roles_min || in->roles_weight <= 0)
			continue;
		if (s->stamp[i] != s->gen) {
			s->stamp[i] = s->gen;
			s->hits[i] = (int)np;
			pend[np++] = (struct pending){ i, 0, 0, 0 };
		}
		pend[s->hits[i]].ub += in->roles_weight;
	}
	return np;
}

/* groups the candidate patterns by intent, drops intents that can never be
 * confident (and, for a reading without them, those with `firm` patterns), and
 * orders the rest by their best possible score */
static size_t pending_intents(const struct matcher *m, struct matcher_scratch *s, int *idx, size_t n,
			      size_t nroles, size_t role_words, struct pending *pend, int *grouped)
{
	size_t np = 0, at = 0, keep = 0;

	s->gen++;
	for (size_t k = 0; k < n; k++) {
		int i = m->pat_intent[idx[k]];
		if ((size_t)m->pat_min_roles[idx[k]] > role_words || (s->firm_aside && m->lang->intents[i].firms.n)) {
			idx[k] = -1;               /* needs more roles than the question has */
			continue;
		}
		if (s->stamp[i] != s->gen) {
			s->stamp[i] = s->gen;
			s->hits[i] = (int)np;
			pend[np++] = (struct pending){ i, 0, 0, 0 };
		}
		pend[s->hits[i]].n++;
		if (m->pat_weight[idx[k]] > 0)
			pend[s->hits[i]].ub += m->pat_weight[idx[k]];
	}
	for (size_t p = 0; p < np; p++) {
		pend[p].first = (int)at;
		at += (size_t)pend[p].n;
		pend[p].n = 0;
	}
	for (size_t k = 0; k < n; k++) {
		struct pending *p;
		if (idx[k] < 0)
			continue;
		p = &pend[s->hits[m->pat_intent[idx[k]]]];
		grouped[p->first + p->n++] = idx[k];
	}
	np = add_role_scores(m, s, nroles, pend, np);
	for (size_t p = 0; p < np; p++)
		if (pend[p].ub >= MATCHER_CONFIDENT - 1e-9)
			pend[keep++] = pend[p];
	return keep;                           /* unordered: see heap_build() */
}

/* the intent's candidate patterns, heaviest first */
static void by_weight(const struct matcher *m, int *pats, int n)
{
	for (int i = 1; i < n; i++) {
		int v = pats[i], j = i;
		while (j > 0 && m->pat_weight[pats[j - 1]] < m->pat_weight[v]) {
			pats[j] = pats[j - 1];
			j--;
		}
		pats[j] = v;
	}
}

/*
 * Runs one intent's patterns, heaviest first, and stops as soon as what is left
 * cannot lift it to an answer that would outrank best (or to confidence at all):
 * such an intent is marked excluded with the score it had reached.
 */
static struct candidate evaluate(const struct matcher *m, struct matcher_scratch *s, const struct pending *p,
				 int *grouped, const struct match_result *res, const struct verdict *best)
{
	struct candidate c = { .intent = p->intent };
	const struct lang_intent *in = &m->lang->intents[p->intent];
	const char *t = res->tagged;
	size_t len = strlen(t);
	double left = p->ub;

	if ((int)res->nroles < in->min_roles || (in->max_roles >= 0 && (int)res->nroles > in->max_roles)) {
		c.excluded = 1;                /* ruled out: its patterns need not run */
		return c;
	}
	if (in->roles_weight != 0 && (int)res->nroles >= in->roles_min) {
		c.score += in->roles_weight;
		left -= in->roles_weight > 0 ? in->roles_weight : 0;
	}
	by_weight(m, grouped + p->first, p->n);
	for (int k = 0; k < p->n; k++) {
		int pat = grouped[p->first + k];
		double w = m->pat_weight[pat];
		if (c.score + left < MATCHER_CONFIDENT - 1e-9 || (best->found && c.score + left < best->score - 1e-9)) {
			c.excluded = 1;        /* cannot matter any more */
			return c;
		}
		left -= w > 0 ? w : 0;
		if (!patset_possible(&m->intents, &s->in, pat) || !patset_match(&m->intents, &s->in, pat, t, len,
				  s->no_prefilter ? 0 : patset_first_start(&m->intents, &s->in, pat), NULL, NULL))
			continue;
		c.score += w;
		if (c.nhits < MATCHER_MAX_HITS)
			c.hit_lines[c.nhits++] = m->pat_line[pat];
	}
	/* need/not only matter to an intent that could answer */
	if (c.score <= 0)
		c.excluded = 1;
	else if (c.score >= MATCHER_CONFIDENT - 1e-9) {
		int pass = guards_pass(m, s, p->intent, t, len, res->nroles);
		c.excluded = pass != 1;
		c.vetoed = pass < 0;
	}
	return c;
}

/* keeps the MATCH_MAX_TIED best-scored topic answers (keep_ties() picks the ties) */
static void add_tie(struct match_result *res, const struct verdict *v)
{
	size_t low = 0;

	if (res->ntied < MATCH_MAX_TIED) {
		low = res->ntied++;
	} else {
		for (size_t i = 1; i < res->ntied; i++)
			if (res->tied[i].score < res->tied[low].score)
				low = i;
		if (res->tied[low].score >= v->score)
			return;
	}
	res->tied[low] = (struct match_tie){ v->intent, v->topic, { v->used[0], v->used[1] }, v->score };
}

static void consider(const struct matcher *m, const struct candidate *c, struct match_result *res,
		     const struct match_context *ctx, struct verdict *best, struct verdict *miss)
{
	struct verdict v = { 1, c->intent, -1, { -1, -1 }, MATCH_NONE, c->score };

	if (c->excluded || c->score < MATCHER_CONFIDENT - 1e-9)
		return;
	v.outcome = matcher_resolve(m, c->intent, res, ctx, &v.topic, v.used);
	if (v.outcome == MATCH_TOPIC || v.outcome == MATCH_DECLINE) {
		if (v.outcome == MATCH_TOPIC)
			add_tie(res, &v);
		if (ranks_before(c->score, c->intent, best))
			*best = v;
	} else if (v.outcome != MATCH_NONE && ranks_before(c->score, c->intent, miss)) {
		*miss = v;
	}
}

/* the work arrays, for cap patterns + intents */
static int ensure_work(struct matcher_scratch *s, size_t cap)
{
	if (cap <= s->work_cap)
		return 0;
	free(s->idx);
	free(s->grouped);
	free(s->pend);
	free(s->tried);
	s->idx = sb_malloc(cap * sizeof(*s->idx));
	s->grouped = sb_malloc(cap * sizeof(*s->grouped));
	s->pend = sb_malloc(cap * sizeof(*s->pend));
	s->tried = sb_malloc(cap * sizeof(*s->tried));
	s->work_cap = s->idx && s->grouped && s->pend && s->tried ? cap : 0;
	s->nomem |= !s->work_cap;
	return s->work_cap ? 0 : -1;
}

/* a binary heap of the pending intents, best (by_bound order) on top: a few are
 * usually tried before the search stops, so sorting them all would be wasted, and
 * picking the best each time would cost n per pick when none answers */
static void sift_down(struct pending *h, size_t at, size_t n)
{
	for (;;) {
		size_t best = at, l = 2 * at + 1, r = l + 1;
		struct pending tmp;
		if (l < n && by_bound(&h[l], &h[best]) < 0)
			best = l;
		if (r < n && by_bound(&h[r], &h[best]) < 0)
			best = r;
		if (best == at)
			return;
		tmp = h[at];
		h[at] = h[best];
		h[best] = tmp;
		at = best;
	}
}

static void heap_build(struct pending *h, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(h, i, n);
}

/* takes the best off the heap of *n */
static struct pending heap_pop(struct pending *h, size_t *n)
{
	struct pending top = h[0];

	h[0] = h[--*n];
	sift_down(h, 0, *n);
	return top;
}

/*
 * Scores the intents and picks the answer: the best-ranked confident intent that
 * resolves. Intents are tried from the highest possible score down, and the
 * search stops once none left could outrank the answer found, so a question runs
 * only the patterns that can still matter. res->cands gets what was tried.
 */
static void score_and_resolve(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			      const struct match_context *ctx, struct verdict *best, struct verdict *miss)
{
	const char *t = res->tagged;
	size_t n, np, nt = 0, cap = m->intents.n + m->lang->nintents + 1;
	int *idx, *grouped;
	struct pending *pend;
	struct candidate *tried;

	if (ensure(s, m->lang->nintents + 1) < 0 || ensure_work(s, cap) < 0)
		return;
	idx = s->idx;
	grouped = s->grouped;
	pend = s->pend;
	tried = s->tried;
	n = patset_candidates(&m->intents, &s->in, t, strlen(t), s->no_prefilter, idx, m->intents.n);
	np = pending_intents(m, s, idx, n, res->nroles, s->no_prefilter ? SIZE_MAX : res->role_words,
			     pend, grouped);
	heap_build(pend, np);
	while (np > 0) {
		struct pending next = heap_pop(pend, &np);
		if (best->found && next.ub < best->score - 1e-9)
			break;                         /* none left can reach it (ties still count) */
		tried[nt] = evaluate(m, s, &next, grouped, res, best);
		consider(m, &tried[nt++], res, ctx, best, miss);
	}
	small_sort(tried, nt, sizeof(tried[0]), by_score);
	for (size_t k = 0; k < nt && res->ncands < SB_MAX_CANDIDATES; k++)
		res->cands[res->ncands++] = tried[k];
}

void matcher_read(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		  struct match_result *res)
{
	/* the texts are written whole below: clearing 4 KiB of them per read cost more
	 * than the rest of this function */
	res->norm[0] = res->tagged[0] = '\0';
	memset(res->mentions, 0, sizeof(res->mentions));
	res->nmentions = res->nroles = res->role_words = 0;
	memset(res->roles, 0, sizeof(res->roles));
	res->ncands = 0;
	res->ntied = 0;
	res->followup = 0;
	res->score = 0;
	res->intent = res->topic = res->used_roles[0] = res->used_roles[1] = -1;
	res->outcome = MATCH_NONE;
	normalise(&m->lang->lexicon, q, len, res->norm, sizeof(res->norm));
	speller_fix(&m->speller, res->norm, sizeof(res->norm));
	clear_tail(res->norm, strlen(res->norm), sizeof(res->norm));
	find_mentions(m, s, res);
}

/* the answers that scored as high as the best (within margin), for another topic */
static void keep_ties(struct match_result *res, const struct verdict *best, double margin)
{
	size_t n = 0;

	for (size_t i = 0; best->outcome == MATCH_TOPIC && i < res->ntied; i++)
		if (res->tied[i].score > best->score - margin - 1e-9 && res->tied[i].topic != best->topic)
			res->tied[n++] = res->tied[i];
	res->ntied = n;
}

void matcher_patterns(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		      const struct match_context *ctx, struct match_result *res)
{
	struct verdict best = { 0 }, miss = { 0 };

	if (ctx && !matcher_context_valid(m, ctx))
		ctx = NULL;
	matcher_read(m, s, q, len, res);
	score_and_resolve(m, s, res, ctx, &best, &miss);
	if (best.found) {
		res->outcome = best.outcome;
		res->intent = best.intent;
		res->topic = best.topic;
		res->used_roles[0] = best.used[0];
		res->used_roles[1] = best.used[1];
		res->score = best.score;
		keep_ties(res, &best, s->tie_margin);
		matcher_fill_topic_roles(m, res);
		return;
	}
	if (miss.found) {
		res->intent = miss.intent;
		res->used_roles[0] = miss.used[0];
		res->score = miss.score;
	}
	if (matcher_switch_role(m, ctx, res))
		return;
	res->outcome = miss.found ? miss.outcome : MATCH_NONE;
}
