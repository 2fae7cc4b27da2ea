/*
 * anchors.c - finds the literals a PCRE2 pattern needs (for the prefilter in
 * patset.c). Conservative: when in doubt it reports no anchor, which only costs
 * speed, never a missed match. Understands literals, escapes, classes, groups,
 * alternation and quantifiers; gives up on \Q..\E, \x, \p, backreferences,
 * conditionals and verbs.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "need.h"
#include "patset.h"
#include "banned.h"

#define MIN_ANCHOR 2

struct req {                      /* "one of these literals must occur" */
	char lit[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	unsigned char ws[PATSET_MAX_ANCHORS];   /* it can only start where a word starts */
	unsigned char pre[PATSET_MAX_ANCHORS];  /* a match starts exactly where it does */
	size_t n;                 /* 0: no requirement known */
};

struct parser {
	const char *p;
	size_t i, len;
	int bad;                  /* something we do not understand: no anchors at all */
	const struct patset_sub *subs;
	size_t nsubs;
	struct need_tree *need;   /* NULL: the anchors alone; else the formula too (need.h) */
};

/* (?&name) at p[i..]: what the subroutine needs, into grp (n = 0 if unknown) and
 * *need (one of its literals) */
static void sub_call(struct parser *ps, size_t start, size_t end, struct req *grp, int *need)
{
	size_t n = end - start;

	grp->n = 0;
	for (size_t k = 0; k < ps->nsubs; k++) {
		if (strlen(ps->subs[k].name) == n && memcmp(ps->subs[k].name, ps->p + start, n) == 0 &&
		    ps->subs[k].n <= PATSET_MAX_ANCHORS) {
			int any = need_group(ps->need, NEED_OR);
			memcpy(grp->lit, ps->subs[k].lit, sizeof(grp->lit[0]) * ps->subs[k].n);
			memset(grp->ws, 1, ps->subs[k].n);     /* (?&role) is \b(?:ids)\b */
			memset(grp->pre, 1, ps->subs[k].n);
			grp->n = ps->subs[k].n;
			for (size_t l = 0; l < grp->n; l++)
				need_add(ps->need, any, need_atom(ps->need, grp->lit[l], strlen(grp->lit[l]), 1));
			*need = need_close(ps->need, any);
			return;
		}
	}
}

static int parse_alternatives(struct parser *ps, struct req *out, int lead_ws, int lead_pre, int *need);

static size_t min_len(const struct req *r)
{
	size_t m = (size_t)-1;

	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->lit[i]) < m)
			m = strlen(r->lit[i]);
	return r->n ? m : 0;
}

static int all_ws(const struct req *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!r->ws[i])
			return 0;
	return r->n > 0;
}

/* keeps the better of best and cand: longer shortest literal, then fewer literals */
static void consider(struct req *best, const struct req *cand)
{
	size_t a = min_len(best), b = min_len(cand);
	int wa = all_ws(best) && a >= 3, wb = all_ws(cand) && b >= 3;

	if (cand->n == 0 || b < MIN_ANCHOR)
		return;
	/* word-start literals first (probed at far fewer places), then longer, then fewer */
	if (best->n == 0 || wb > wa || (wb == wa && (b > a || (b == a && cand->n < best->n))))
		*best = *cand;
}

static int word_char(int c)
{
	return isalnum(c) || c == '_';
}

/* a literal run is a candidate anchor, and needed (an atom of the AND and);
 * leading non-word bytes (" apart") are cut, since what follows them must then
 * start a word */
static void flush_run(struct parser *ps, int and, struct req *best, char *run, size_t *rlen, int ws, int pre)
{
	struct req r;
	size_t skip = 0;

	while (skip < *rlen && !word_char((unsigned char)run[skip]))
		skip++;
	if (skip)
		ws = 1, pre = 0;
	if (*rlen - skip >= MIN_ANCHOR) {
		r.n = 1;
		memcpy(r.lit[0], run + skip, *rlen - skip);
		r.lit[0][*rlen - skip] = '\0';
		r.ws[0] = (unsigned char)(ws && word_char((unsigned char)run[skip]));
		r.pre[0] = (unsigned char)pre;
		consider(best, &r);
		need_add(ps->need, and, need_atom(ps->need, r.lit[0], *rlen - skip, r.ws[0]));
	}
	*rlen = 0;
}

/* reads a quantifier at the cursor; returns its minimum count (1 when none) */
static int quantifier(struct parser *ps, int *repeats)
{
	const char *p = ps->p;
	int min = 1;

	*repeats = 0;
	if (ps->i >= ps->len)
		return 1;
	if (p[ps->i] == '?' || p[ps->i] == '*' || p[ps->i] == '+') {
		min = p[ps->i] == '+' ? 1 : 0;
		*repeats = 1;
		ps->i++;
	} else if (p[ps->i] == '{' && ps->i + 1 < ps->len && isdigit((unsigned char)p[ps->i + 1])) {
		size_t j = ps->i + 1;
		min = 0;
		while (j < ps->len && isdigit((unsigned char)p[j]))
			min = min * 10 + (p[j++] - '0');
		while (j < ps->len && (isdigit((unsigned char)p[j]) || p[j] == ','))
			j++;
		if (j >= ps->len || p[j] != '}')
			return 1;             /* not a quantifier: '{' is a literal */
		ps->i = j + 1;
		*repeats = 1;
	} else {
		return 1;
	}
	if (ps->i < ps->len && (p[ps->i] == '?' || p[ps->i] == '+'))
		ps->i++;                      /* lazy or possessive */
	return min;
}

static void skip_class(struct parser *ps)
{
	size_t i = ps->i + 1;

	if (i < ps->len && ps->p[i] == '^')
		i++;
	if (i < ps->len && ps->p[i] == ']')
		i++;
	while (i < ps->len && ps->p[i] != ']') {
		if (ps->p[i] == '\\')
			i++;
		else if (ps->p[i] == '[' && i + 1 < ps->len && ps->p[i + 1] == ':')
			while (i + 1 < ps->len && !(ps->p[i] == ':' && ps->p[i + 1] == ']'))
				i++;
		i++;
	}
	if (i >= ps->len)
		ps->bad = 1;
	ps->i = i + 1;
}

/* a group at the cursor '('; fills grp with its requirement (n = 0 if none) */
/* a group at the cursor: its requirement into grp; returns 1 when every way through
 * it ends just after a non-word byte (so a word may start right after it) */
static int parse_group(struct parser *ps, struct req *grp, int lead_ws, int lead_pre, int *zero_width,
		       int *need)
{
	const char *p = ps->p;
	int lookaround = 0, ends_nw;

	grp->n = 0;
	*need = NEED_TRUE;
	ps->i++;
	if (ps->i < ps->len && p[ps->i] == '?') {
		char c = ps->i + 1 < ps->len ? p[ps->i + 1] : 0;
		if (c == ':' || c == '>' || c == '|') {
			ps->i += 2;
		} else if (c == '=' || c == '!') {
			ps->i += 2;
			lookaround = 1;
		} else if (c == '<' && ps->i + 2 < ps->len && (p[ps->i + 2] == '=' || p[ps->i + 2] == '!')) {
			ps->i += 3;
			lookaround = 1;
		} else if (c == '<' || (c == 'P' && ps->i + 2 < ps->len && p[ps->i + 2] == '<')) {
			while (ps->i < ps->len && p[ps->i] != '>')
				ps->i++;
			ps->i++;
		} else if (c == '&' || c == 'R' || isdigit((unsigned char)c) || c == '+' ||
			   (c == 'P' && ps->i + 2 < ps->len && p[ps->i + 2] == '>')) {
			size_t start = ps->i + 2;
			while (ps->i < ps->len && p[ps->i] != ')')   /* subroutine call */
				ps->i++;
			if (c == '&' && ps->i < ps->len) {
				sub_call(ps, start, ps->i, grp, need);
				if (!lead_pre)            /* the call is not where a match starts */
					memset(grp->pre, 0, sizeof(grp->pre));
			}
			ps->i++;
			return 0;
		} else if (isalpha((unsigned char)c) || c == '-' || c == '^') {
			size_t j = ps->i + 1;                      /* (?i) or (?i:...) */
			while (j < ps->len && (isalpha((unsigned char)p[j]) || p[j] == '-' || p[j] == '^'))
				j++;
			if (memchr(p + ps->i + 1, 'x', j - ps->i - 1)) {
				ps->bad = 1;                      /* extended: blanks mean nothing */
				return 0;
			}
			if (j < ps->len && p[j] == ')') {
				ps->i = j + 1;
				*zero_width = 1;
				return lead_ws;                   /* (?i): zero-width */
			}
			if (j >= ps->len || p[j] != ':') {
				ps->bad = 1;
				return 0;
			}
			ps->i = j + 1;
		} else {
			ps->bad = 1;                              /* conditionals, comments */
			return 0;
		}
	} else if (ps->i < ps->len && p[ps->i] == '*') {
		ps->bad = 1;                                      /* verbs */
		return 0;
	}
	ends_nw = parse_alternatives(ps, grp, lead_ws && !lookaround, lead_pre && !lookaround, need);
	if (ps->i >= ps->len || p[ps->i] != ')')
		ps->bad = 1;
	ps->i++;
	if (lookaround) {
		grp->n = 0;
		*need = NEED_TRUE;
		*zero_width = 1;
		return lead_ws;                                   /* zero-width */
	}
	return ends_nw;
}

/* reads one escape at the cursor '\'; returns the literal byte, or -1 for a non-literal */
static int parse_escape(struct parser *ps)
{
	char c = ps->i + 1 < ps->len ? ps->p[ps->i + 1] : 0;

	ps->i += 2;
	if (!c) {
		ps->bad = 1;
		return -1;
	}
	if (!isalnum((unsigned char)c))
		return (unsigned char)c;
	if ((c == 'k' || c == 'g') && ps->i < ps->len && strchr("<{'", ps->p[ps->i])) {
		char close = ps->p[ps->i] == '<' ? '>' : ps->p[ps->i] == '{' ? '}' : '\'';
		while (ps->i < ps->len && ps->p[ps->i] != close)   /* a back reference: */
			ps->i++;                                    /* needs nothing new */
		ps->i++;
		return -1;
	}
	if (!strchr("bBwWsSdDhHvVAzZGKRX", c))
		ps->bad = 1;                 /* \x \p \Q \1 \N ...: not analysed */
	return -1;
}

/* one alternative: a sequence of atoms until '|' or ')' */
/* one alternative: a sequence of atoms until '|' or ')'. lead_ws: the byte before it
 * is not a word byte (or it starts the text). Returns the same for its end. */
static int parse_sequence(struct parser *ps, struct req *best, int lead_ws, int lead_pre, int *need)
{
	char run[PATSET_MAX_ANCHOR];
	size_t rlen = 0;
	int at_ws = lead_ws, run_ws = 0;       /* a word may start here */
	int at_pre = lead_pre, run_pre = 0;    /* nothing consumed yet: a match starts here */
	int and = need_group(ps->need, NEED_AND);

	best->n = 0;
	while (ps->i < ps->len && !ps->bad) {
		char c = ps->p[ps->i];
		int lit = -1, repeats, min, boundary, after = 0, zero = 0, gneed = NEED_TRUE;
		struct req grp;

		if (c == '|' || c == ')')
			break;
		grp.n = 0;
		boundary = (c == '\\' && ps->i + 1 < ps->len && ps->p[ps->i + 1] == 'b') || c == '^';
		if (c == '\\') {
			lit = parse_escape(ps);
		} else if (c == '[') {
			skip_class(ps);
		} else if (c == '(') {
			after = parse_group(ps, &grp, at_ws, at_pre, &zero, &gneed);
		} else if (c == '.' || c == '^' || c == '$') {
			zero = c != '.';
			ps->i++;
		} else {
			lit = (unsigned char)tolower((unsigned char)c);
			ps->i++;
		}
		if (lit >= 0)
			after = !word_char(lit);
		else if (boundary)
			after = 1;
		zero |= boundary;
		min = quantifier(ps, &repeats);
		if (lit >= 0 && min >= 1 && rlen + 1 < sizeof(run)) {
			if (rlen == 0)
				run_ws = at_ws, run_pre = at_pre;
			run[rlen++] = (char)lit;
			at_ws = after;
			at_pre = 0;
			if (repeats)
				flush_run(ps, and, best, run, &rlen, run_ws, run_pre);
			continue;
		}
		flush_run(ps, and, best, run, &rlen, run_ws, run_pre);
		if (min >= 1) {
			consider(best, &grp);
			need_add(ps->need, and, gneed);
		}
		/* present: it decides; optional: both ways must leave a word start */
		at_ws = min >= 1 ? after : (at_ws && after);
		if (!zero)
			at_pre = 0;
	}
	flush_run(ps, and, best, run, &rlen, run_ws, run_pre);
	*need = need_close(ps->need, and);
	return at_ws;
}

/* alternatives until ')' or the end: the union of each one's requirement */
static int parse_alternatives(struct parser *ps, struct req *out, int lead_ws, int lead_pre, int *need)
{
	int none = 0, ends_nw = 1, any = need_group(ps->need, NEED_OR);

	out->n = 0;
	for (;;) {
		struct req alt;
		int alt_need;
		ends_nw &= parse_sequence(ps, &alt, lead_ws, lead_pre, &alt_need);
		need_add(ps->need, any, alt_need);
		if (alt.n == 0 || out->n + alt.n > PATSET_MAX_ANCHORS) {
			none = 1;
		} else {
			for (size_t k = 0; k < alt.n; k++) {
				out->ws[out->n] = alt.ws[k];
				out->pre[out->n] = alt.pre[k];
				memcpy(out->lit[out->n++], alt.lit[k], PATSET_MAX_ANCHOR);
			}
		}
		if (ps->bad || ps->i >= ps->len || ps->p[ps->i] != '|')
			break;
		ps->i++;
	}
	if (none)
		out->n = 0;
	*need = need_close(ps->need, any);
	return ends_nw;
}

size_t anchors_extract(const char *pattern, char out[][PATSET_MAX_ANCHOR], size_t max)
{
	return anchors_extract_subs(pattern, NULL, 0, out, NULL, NULL, max);
}

size_t anchors_extract_subs(const char *pattern, const struct patset_sub *subs, size_t nsubs,
			    char out[][PATSET_MAX_ANCHOR], unsigned char *ws, unsigned char *pre, size_t max)
{
	return anchors_extract_need(pattern, subs, nsubs, out, ws, pre, max, NULL, NULL);
}

size_t anchors_extract_need(const char *pattern, const struct patset_sub *subs, size_t nsubs,
			    char out[][PATSET_MAX_ANCHOR], unsigned char *ws, unsigned char *pre, size_t max,
			    struct need_tree *need, int *root)
{
	struct parser ps = { pattern, 0, strlen(pattern), 0, subs, nsubs, need };
	struct req r;
	int top;

	if (need)
		need_tree_reset(need);
	parse_alternatives(&ps, &r, 0, 1, &top);
	if (root)
		*root = ps.bad || ps.i < ps.len ? NEED_TRUE : top;
	if (ps.bad || ps.i < ps.len || r.n > max)
		return 0;
	for (size_t k = 0; k < r.n; k++) {
		memcpy(out[k], r.lit[k], PATSET_MAX_ANCHOR);
		if (ws)
			ws[k] = r.ws[k];
		if (pre)
			pre[k] = r.pre[k];
	}
	return r.n;
}

/* ---- how many times a pattern must match a subroutine, e.g. (?&role) ---- */

#define MAX_NAMED 16

struct counter {
	const char *p;
	size_t i, len;
	const char *sub;
	int bad;
	char names[MAX_NAMED][32];
	int counts[MAX_NAMED];
	int nnames;
};

static int count_alternatives(struct counter *c);

static int named_count(const struct counter *c, const char *name, size_t n)
{
	for (int k = 0; k < c->nnames; k++)
		if (strlen(c->names[k]) == n && memcmp(c->names[k], name, n) == 0)
			return c->counts[k];
	return 0;
}

/* skips to the matching close character; returns the start of the name */
static size_t skip_to(struct counter *c, char close)
{
	size_t start = c->i;

	while (c->i < c->len && c->p[c->i] != close)
		c->i++;
	if (c->i >= c->len)
		c->bad = 1;
	c->i++;
	return start;
}

static int count_group(struct counter *c)
{
	const char *p = c->p;
	char name[32] = "";
	int lookaround = 0, n;

	c->i++;
	if (c->i < c->len && p[c->i] == '?') {
		char ch = c->i + 1 < c->len ? p[c->i + 1] : 0;
		if (ch == '&') {                                  /* (?&name) */
			size_t start;
			c->i += 2;
			start = skip_to(c, ')');
			return c->i - 1 - start == strlen(c->sub) && memcmp(p + start, c->sub, strlen(c->sub)) == 0;
		} else if (ch == ':' || ch == '>' || ch == '|') {
			c->i += 2;
		} else if (ch == '=' || ch == '!') {
			c->i += 2;
			lookaround = 1;
		} else if (ch == '<' && c->i + 2 < c->len && (p[c->i + 2] == '=' || p[c->i + 2] == '!')) {
			c->i += 3;
			lookaround = 1;
		} else if (ch == '<' || ch == '\'') {
			size_t start;
			c->i += 2;
			start = skip_to(c, ch == '<' ? '>' : '\'');
			snprintf(name, sizeof(name), "%.*s", (int)(c->i - 1 - start), p + start);
		} else {
			c->bad = 1;                               /* options, conditionals, calls */
			return 0;
		}
	} else if (c->i < c->len && p[c->i] == '*') {
		c->bad = 1;
		return 0;
	}
	n = count_alternatives(c);
	if (c->i >= c->len || p[c->i] != ')')
		c->bad = 1;
	c->i++;
	if (name[0] && c->nnames < MAX_NAMED) {
		snprintf(c->names[c->nnames], sizeof(c->names[0]), "%s", name);
		c->counts[c->nnames++] = n;
	}
	return lookaround ? 0 : n;
}

static int count_escape(struct counter *c)
{
	char ch = c->i + 1 < c->len ? c->p[c->i + 1] : 0;

	c->i += 2;
	if ((ch == 'k' || ch == 'g') && c->i < c->len && strchr("<{'", c->p[c->i])) {
		char close = c->p[c->i] == '<' ? '>' : c->p[c->i] == '{' ? '}' : '\'';
		size_t start;
		c->i++;
		start = skip_to(c, close);
		return named_count(c, c->p + start, c->i - 1 - start);   /* the same text again */
	}
	if (isalnum((unsigned char)ch) && !strchr("bBwWsSdDhHvVAzZGKRX", ch))
		c->bad = 1;
	return 0;
}

static int count_sequence(struct counter *c)
{
	int total = 0;

	while (c->i < c->len && !c->bad && c->p[c->i] != '|' && c->p[c->i] != ')') {
		int n = 0, repeats;
		char ch = c->p[c->i];
		if (ch == '\\') {
			n = count_escape(c);
		} else if (ch == '[') {
			struct parser ps = { c->p, c->i, c->len, 0, NULL, 0, NULL };
			skip_class(&ps);
			c->i = ps.i;
			c->bad |= ps.bad;
		} else if (ch == '(') {
			n = count_group(c);
		} else {
			c->i++;
		}
		{
			struct parser ps = { c->p, c->i, c->len, 0, NULL, 0, NULL };
			int min = quantifier(&ps, &repeats);
			c->i = ps.i;
			if (min >= 1)
				total += n;
		}
	}
	return total;
}

static int count_alternatives(struct counter *c)
{
	int best = -1;

	for (;;) {
		int n = count_sequence(c);
		best = best < 0 || n < best ? n : best;
		if (c->bad || c->i >= c->len || c->p[c->i] != '|')
			break;
		c->i++;
	}
	return best < 0 ? 0 : best;
}

int anchors_min_calls(const char *pattern, const char *sub)
{
	struct counter c;
	int n;

	memset(&c, 0, sizeof(c));
	c.p = pattern;
	c.len = strlen(pattern);
	c.sub = sub;
	n = count_alternatives(&c);
	return c.bad || c.i < c.len ? 0 : n;
}
