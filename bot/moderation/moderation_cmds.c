/*
 * moderation_cmds.c - the handlers of the moderators' commands (the table is in
 * moderation.c). Reads use the live snapshot; changes go through kbedit and swap the
 * result into the holder. See moderation.h.
 *
 *   read       help, list, show, explain, status, history, unanswered
 *   change     add, answer, example, unexample, pattern, unpattern, synonym, remove,
 *              undo, reload
 */
#include "moderation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "kbedit.h"
#include "reload.h"
#include "caps.h"
#include "store.h"
#include "unanswered.h"
#include "banned.h"

#define HISTORY_DEFAULT 10
#define LIST_DEFAULT    10
#define LIST_MAX        100

static void kenv(const struct moderation_call *c, struct kbedit_env *e)
{
	e->kbdir = c->env->kbdir;
	e->intentsdir = c->env->intentsdir;
	e->history = c->env->history_path;
	e->state_dir = c->env->state_dir;
	e->who = c->who;
}

/* the live snapshot, or NULL after explaining why */
static struct knowledge *live(struct moderation_call *c)
{
	struct knowledge *k = knowledge_acquire(c->env->holder);

	if (!k)
		buf_printf(c->out, "the knowledge is not loaded (see %s status)", c->env->prefix);
	return k;
}

/* reports an edit; on success the new snapshot goes live */
static int applied(struct moderation_call *c, int rc, struct kbedit_out *o, const char *what)
{
	if (rc < 0) {
		buf_adds(c->out, o->msg.ptr ? o->msg.ptr : "refused");
		kbedit_out_release(o);
		return 1;
	}
	if (o->k) {
		reloader_publish(c->env->reloader, o->k, "edit");
		o->k = NULL;
	}
	buf_printf(c->out, "done: %s (change %ld; undo with: %s undo %ld)", what, o->change, c->env->prefix,
		   o->change);
	if (o->msg.len)
		buf_printf(c->out, "\n%s", o->msg.ptr);
	kbedit_out_release(o);
	return 0;
}

/* the unanswered question #ID, or the argument itself; free() the result */
static char *question_arg(struct moderation_call *c, const char *arg)
{
	struct unanswered u;
	const struct unanswered_item *it;
	char *end, *q = NULL;
	long id;

	if (arg[0] != '#')
		return strdup(arg);
	id = strtol(arg + 1, &end, 10);
	if (end == arg + 1 || *end || id < 1) {
		buf_printf(c->out, "\"%.40s\": want #ID of an unanswered question (see %s unanswered)", arg,
			   c->env->prefix);
		return NULL;
	}
	if (unanswered_load(c->env->unanswered_path, &u) == 0 && (it = unanswered_find(&u, id)))
		q = strdup(it->q);
	else
		buf_printf(c->out, "there is no unanswered question #%ld (see %s unanswered)", id, c->env->prefix);
	unanswered_release(&u);
	return q;
}

static long number_arg(struct moderation_call *c, int i, long def, long max)
{
	char *end;
	const char *s = i < c->argc ? c->argv[i] : NULL;
	long n;

	if (!s)
		return def;
	n = strtol(s + (*s == '#'), &end, 10);
	if (end == s + (*s == '#') || *end || n < 1) {
		buf_printf(c->out, "\"%.40s\" is not a number", s);
		return -1;
	}
	return n > max ? max : n;
}

static void iso_ms(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- read ------------------------------------------------------------------ */

int mod_help(struct moderation_call *c)
{
	size_t n;
	const struct moderation_command *t = moderation_commands(&n);
	const char *p = c->env->prefix;

	if (c->argc > 1) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(t[i].name, c->argv[1]) == 0) {
				buf_printf(c->out, "%s %s %s\n%s%s", p, t[i].name, t[i].args, t[i].help,
					   t[i].needs_moderator ? " (moderators only)" : "");
				return 0;
			}
		buf_printf(c->out, "no command \"%.40s\"", c->argv[1]);
		return 1;
	}
	buf_printf(c->out, "knowledge base commands (* moderators only):\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(c->out, "%s %s%s%s%s - %s\n", p, t[i].name, *t[i].args ? " " : "", t[i].args,
			   t[i].needs_moderator ? " *" : "", t[i].help);
	buf_adds(c->out, "In chat, | separates the last argument, which may span lines.");
	return 0;
}

int mod_list(struct moderation_call *c)
{
	struct knowledge *k = live(c);
	const char *w = c->argc > 1 ? c->argv[1] : NULL;
	size_t shown = 0;

	if (!k)
		return 1;
	for (size_t i = 0; i < k->kb.ntopics; i++) {
		const struct kb_topic *t = &k->kb.topics[i];
		if (w && !strcasestr(t->id, w) && !strcasestr(t->title, w))
			continue;
		buf_printf(c->out, "%s - %s\n", t->id, t->title);
		shown++;
	}
	buf_printf(c->out, "%zu of %zu topics", shown, k->kb.ntopics);
	knowledge_unref(k);
	return 0;
}

static void show_intents(struct moderation_call *c, const struct knowledge *k, const struct kb_topic *t)
{
	buf_adds(c->out, "reached by:\n");
	for (size_t i = 0; i < k->lang.nintents; i++) {
		const struct lang_intent *in = &k->lang.intents[i];
		int mine = in->kind == INTENT_TOPIC && strcmp(in->target, t->id) == 0;
		if (mine) {
			buf_printf(c->out, "  intent %s (%s:%d)\n", in->id, in->file, in->line);
			for (size_t p = 0; p < in->patterns.n; p++)
				buf_printf(c->out, "    pattern = %s\n", in->patterns.v[p].re);
		} else if (in->kind == INTENT_ATTRIBUTE && t->attribute && strcmp(in->target, t->attribute) == 0) {
			buf_printf(c->out, "  intent %s (attribute %s, shared by every role)\n", in->id, in->target);
		} else if (in->kind == INTENT_COMPARE && t->compare[0] >= 0) {
			buf_printf(c->out, "  intent %s (compare, shared by every pair)\n", in->id);
		}
	}
}

int mod_show(struct moderation_call *c)
{
	struct knowledge *k = live(c);
	const struct kb_topic *t;
	int i;

	if (!k)
		return 1;
	if ((i = kb_topic_find(&k->kb, c->argv[1])) < 0) {
		buf_printf(c->out, "there is no topic \"%.80s\" (see %s list)", c->argv[1], c->env->prefix);
		knowledge_unref(k);
		return 1;
	}
	t = &k->kb.topics[i];
	buf_printf(c->out, "%s - %s\n", t->id, t->title);
	if (t->role >= 0)
		buf_printf(c->out, "role: %s, attribute: %s\n", k->kb.roles[t->role].id, t->attribute);
	if (t->compare[0] >= 0)
		buf_printf(c->out, "compares: %s and %s\n", k->kb.roles[t->compare[0]].id, k->kb.roles[t->compare[1]].id);
	buf_printf(c->out, "answer: %s\nsources:", t->answer);
	for (size_t s = 0; s < t->nsources; s++)
		buf_printf(c->out, " %s (%s)%s", k->kb.sources[t->sources[s]].id, k->kb.sources[t->sources[s]].title,
			   s + 1 < t->nsources ? ";" : "");
	buf_printf(c->out, "\nexamples (%zu):\n", t->nexamples);
	for (size_t e = 0; e < t->nexamples; e++)
		buf_printf(c->out, "  - %s\n", t->examples[e]);
	show_intents(c, k, t);
	knowledge_unref(k);
	return 0;
}

int mod_explain(struct moderation_call *c)
{
	struct knowledge *k = live(c);
	struct matcher_scratch *s;
	struct match_result *res;
	struct answer a;
	const char *q = c->argv[1];

	if (!k)
		return 1;
	s = matcher_scratch_new();
	res = malloc(sizeof(*res));
	if (s && res) {
		answer_init(&a);
		matcher_match(&k->matcher, s, q, strlen(q), NULL, res);
		answer_compose(k, res, &a);
		answer_explain(k, res, &a, c->out);
		answer_release(&a);
	}
	free(res);
	matcher_scratch_free(s);
	knowledge_unref(k);
	return 0;
}

static void last_change(struct moderation_call *c)
{
	struct store_entry e;
	struct buf err;

	buf_init(&err, 512);
	if (store_journal_last(c->env->history_path, &e, &err) == 1)
		buf_printf(c->out, "\nlast change: %ld by %s at %s: %s%s", e.id, e.who, e.when, e.command,
			   e.aborted ? " (aborted: never applied)" : "");
	store_entry_release(&e);
	buf_release(&err);
}

int mod_status(struct moderation_call *c)
{
	struct knowledge *k = knowledge_acquire(c->env->holder);
	char when[32] = "never", err[300];
	const char *nl;
	int64_t reload_ms;

	knowledge_holder_status(c->env->holder, &reload_ms, err, 291);
	if (reload_ms)
		iso_ms(reload_ms, when, sizeof(when));
	if (!err[0])
		snprintf(err, sizeof(err), "none");
	if ((nl = strchr(err, '\n')) && nl[1])
		snprintf(err + (nl - err), sizeof(err) - (size_t)(nl - err), " (...)");
	else if (nl)
		err[nl - err] = '\0';
	if (k)
		buf_printf(c->out, "knowledge version %016llx: %zu topics, %zu intents\n",
			   (unsigned long long)k->version, k->kb.ntopics, k->lang.nintents);
	else
		buf_adds(c->out, "knowledge: not loaded\n");
	buf_printf(c->out, "last reload: %s\nlast error: %s", when, err);
	last_change(c);
	knowledge_unref(k);
	return 0;
}

int mod_history(struct moderation_call *c)
{
	long n = number_arg(c, 1, HISTORY_DEFAULT, LIST_MAX);
	struct store_journal j;

	if (n < 0)
		return 1;
	if (store_journal_load(c->env->history_path, &j, c->out) < 0)
		return 1;
	if (j.n == 0)
		buf_adds(c->out, "no changes yet");
	for (size_t i = j.n; i-- > 0 && n-- > 0;) {
		const struct store_entry *e = &j.v[i];
		buf_printf(c->out, "%ld  %s  %s  %s  [", e->id, e->when, e->who, e->command);
		for (size_t f = 0; f < e->nfiles; f++) {
			const char *b = strrchr(e->files[f].path, '/');
			buf_printf(c->out, "%s%s", f ? ", " : "", b ? b + 1 : e->files[f].path);
		}
		buf_adds(c->out, e->aborted ? "] (aborted: never applied)\n" : e->done ? "]\n" : "] (unfinished)\n");
	}
	store_journal_release(&j);
	return 0;
}

/* why an unanswered question was not answered, as the listing shows it */
static const char *unanswered_why(const struct unanswered_item *it)
{
	if (strcmp(it->kind, "clinical") == 0)
		return ", clinical decline (recorded, never taught)";
	if (strcmp(it->kind, "declined") == 0)
		return ", declined";
	return "";
}

int mod_unanswered(struct moderation_call *c)
{
	long n = number_arg(c, 1, LIST_DEFAULT, LIST_MAX);
	struct knowledge *k;
	struct unanswered u;
	size_t idx[LIST_MAX], m;

	if (n < 0)
		return 1;
	if (unanswered_load(c->env->unanswered_path, &u) < 0) {
		buf_printf(c->out, "cannot read %s", c->env->unanswered_path);
		return 1;
	}
	k = knowledge_acquire(c->env->holder);
	m = unanswered_top(&u, k, idx, (size_t)n);
	for (size_t i = 0; i < m; i++) {
		const struct unanswered_item *it = &u.v[idx[i]];
		buf_printf(c->out, "#%ld  asked %ld time%s, last %s%s%s%s: %s\n", it->id, it->count,
			   it->count == 1 ? "" : "s", it->last, unanswered_why(it),
			   it->intent[0] && strcmp(it->kind, "clinical") != 0 ? " as " : "",
			   strcmp(it->kind, "clinical") != 0 ? it->intent : "", it->q);
	}
	if (m)
		buf_printf(c->out, "adopt one: %s example TOPIC | #ID, or %s add TOPIC #ID | ANSWER", c->env->prefix,
			   c->env->prefix);
	else
		buf_adds(c->out, "no unanswered questions");
	knowledge_unref(k);
	unanswered_release(&u);
	return 0;
}

/* ---- change ------------------------------------------------------------------ */

int mod_add(struct moderation_call *c)
{
	const char *topic = c->argv[1], *answer = c->argv[c->argc - 1], *sources[MODERATION_MAX_ARGS];
	char *example = NULL, what[200];
	size_t ns = 0;
	struct kbedit_env e;
	struct kbedit_out o;
	int rc;

	for (int i = 2; i < c->argc - 1; i++) {
		if (c->argv[i][0] != '#') {
			sources[ns++] = c->argv[i];
			continue;
		}
		if (example) {
			free(example);
			buf_adds(c->out, "give at most one #ID");
			return 2;
		}
		if (!(example = question_arg(c, c->argv[i])))
			return 1;
	}
	kenv(c, &e);
	kbedit_out_init(&o);
	rc = kbedit_add_topic(&e, topic, sources, ns, answer, example, &o);
	snprintf(what, sizeof(what), "added topic %.80s%s", topic,
		 example ? " with its example" : "; add an example question so questions reach it");
	free(example);
	return applied(c, rc, &o, what);
}

typedef int (*pair_edit)(const struct kbedit_env *, const char *, const char *, struct kbedit_out *);

static int pair(struct moderation_call *c, pair_edit fn, const char *verb, int question)
{
	struct kbedit_env e;
	struct kbedit_out o;
	char *arg = question ? question_arg(c, c->argv[2]) : strdup(c->argv[2]), what[200];
	int rc;

	if (!arg)
		return 1;
	kenv(c, &e);
	kbedit_out_init(&o);
	rc = fn(&e, c->argv[1], arg, &o);
	snprintf(what, sizeof(what), "%s %.80s", verb, c->argv[1]);
	free(arg);
	return applied(c, rc, &o, what);
}

int mod_answer(struct moderation_call *c)
{
	return pair(c, kbedit_set_answer, "new answer for", 0);
}

int mod_example(struct moderation_call *c)
{
	return pair(c, kbedit_add_example, "new example for", 1);
}

int mod_unexample(struct moderation_call *c)
{
	return pair(c, kbedit_remove_example, "removed an example of", 0);
}

int mod_pattern(struct moderation_call *c)
{
	return pair(c, kbedit_add_pattern, "new pattern for", 0);
}

int mod_unpattern(struct moderation_call *c)
{
	return pair(c, kbedit_remove_pattern, "removed a pattern of", 0);
}

int mod_synonym(struct moderation_call *c)
{
	return pair(c, kbedit_add_synonym, "new synonym for", 0);
}

int mod_remove(struct moderation_call *c)
{
	struct kbedit_env e;
	struct kbedit_out o;
	char what[128];

	kenv(c, &e);
	kbedit_out_init(&o);
	snprintf(what, sizeof(what), "removed topic %.80s", c->argv[1]);
	return applied(c, kbedit_remove_topic(&e, c->argv[1], &o), &o, what);
}

int mod_undo(struct moderation_call *c)
{
	long id = c->argc > 1 ? number_arg(c, 1, 0, 1L << 40) : 0;
	struct kbedit_env e;
	struct kbedit_out o;
	char what[64];

	if (id < 0)
		return 1;
	kenv(c, &e);
	kbedit_out_init(&o);
	if (id)
		snprintf(what, sizeof(what), "undid change %ld", id);
	else
		snprintf(what, sizeof(what), "undid the last change");
	return applied(c, kbedit_undo(&e, id, &o), &o, what);
}

int mod_reload(struct moderation_call *c)
{
	struct buf msg;
	int rc;

	if (c->env->reload_in_background) {
		reloader_request(c->env->reloader, "!kb");
		buf_printf(c->out, "reloading in the background; %s status shows the result", c->env->prefix);
		return 0;
	}
	buf_init(&msg, 1024);
	rc = reloader_run(c->env->reloader, "kb", &msg);
	buf_printf(c->out, "%s%.700s", rc < 0 ? "reload refused; the previous knowledge stays live:\n" : "",
		   msg.ptr ? msg.ptr : "");
	buf_release(&msg);
	return rc < 0 ? 1 : 0;
}
