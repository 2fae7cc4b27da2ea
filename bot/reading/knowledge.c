/* knowledge.c - immutable, reference-counted knowledge snapshots; see knowledge.h. */
#include "knowledge.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalise.h"
#include "strmap.h"
#include "alloc.h"
#include "banned.h"

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t mix(uint64_t h, const char *s)
{
	return s ? h ^ (strmap_hash(s, strlen(s)) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)) : h;
}

static uint64_t content_hash(const struct knowledge *k)
{
	uint64_t h = 0;

	for (size_t i = 0; i < k->kb.ntopics; i++) {
		const struct kb_topic *t = &k->kb.topics[i];
		h = mix(mix(mix(h, t->id), t->answer), t->attribute);
		for (size_t e = 0; e < t->nexamples; e++)
			h = mix(h, t->examples[e]);
	}
	for (size_t i = 0; i < k->lang.nintents; i++) {
		const struct lang_intent *in = &k->lang.intents[i];
		h = mix(mix(h, in->id), in->target);
		for (size_t p = 0; p < in->patterns.n; p++)
			h = mix(h, in->patterns.v[p].re);
	}
	for (size_t i = 0; i < k->lang.nentities; i++)
		for (size_t p = 0; p < k->lang.entities[i].patterns.n; p++)
			h = mix(h, k->lang.entities[i].patterns.v[p].re);
	return h;
}

static void knowledge_free(struct knowledge *k)
{
	matcher_release(&k->matcher);
	lang_release(&k->lang);
	kb_release(&k->kb);
	free(k);
}

struct knowledge *knowledge_load(const char *kbdir, const char *intentsdir, struct diag *d)
{
	struct knowledge *k = sb_calloc(1, sizeof(*k));
	int bad = 0;

	if (!k) {
		diag_add(d, kbdir, 0, "out of memory");
		return NULL;
	}
	matcher_init(&k->matcher);
	bad |= kb_load(&k->kb, kbdir, d) < 0;
	bad |= lang_load(&k->lang, intentsdir, d) < 0;
	if (k->kb.ntopics || !bad)       /* with a loaded kb, report the intents' problems too */
		bad |= matcher_build(&k->matcher, &k->kb, &k->lang, d) < 0;
	if (bad) {
		knowledge_free(k);
		return NULL;
	}
	k->refs = 1;
	k->version = content_hash(k);
	k->loaded_ms = wall_ms();
	return k;
}

struct knowledge *knowledge_ref(struct knowledge *k)
{
	if (k)
		__atomic_add_fetch(&k->refs, 1, __ATOMIC_RELAXED);
	return k;
}

void knowledge_unref(struct knowledge *k)
{
	if (k && __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0)
		knowledge_free(k);
}

/* The check runs every example through the matcher, as a student's question would
 * run: it is most of a reload's time after the model's training. The examples are
 * cut in CHECK_THREADS slices matched at once (the matcher is read-only; each
 * thread has its scratch), and their results are then reported in order. */
#define CHECK_THREADS 2

struct check_result {
	int outcome, topic, prefilter_differs;
	char *norm;                     /* malloc'd; NULL: out of memory */
};

struct check_slice {
	struct knowledge *k;
	int full;                       /* also compare with every pattern run */
	size_t from, to;                /* the examples of this slice, numbered across topics */
	const size_t (*where)[2];       /* example number -> (topic, example) */
	struct check_result *out;
	int failed;
};

static void *check_slice_run(void *arg)
{
	struct check_slice *c = arg;
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *r = sb_malloc(sizeof(*r)), *all = c->full ? sb_malloc(sizeof(*all)) : NULL;

	c->failed = !s || !r || (c->full && !all);
	for (size_t i = c->from; i < c->to && !c->failed; i++) {
		const char *ex = c->k->kb.topics[c->where[i][0]].examples[c->where[i][1]];
		matcher_match(&c->k->matcher, s, ex, strlen(ex), NULL, r);
		c->out[i] = (struct check_result){ r->outcome, r->topic, 0, sb_strdup(r->norm) };
		c->failed = !c->out[i].norm;
		if (c->full) {
			s->no_prefilter = 1;
			matcher_match(&c->k->matcher, s, ex, strlen(ex), NULL, all);
			s->no_prefilter = 0;
			c->out[i].prefilter_differs = r->outcome != all->outcome || r->topic != all->topic;
		}
		c->failed |= matcher_scratch_failed(s);
	}
	matcher_scratch_free(s);
	free(r);
	free(all);
	return NULL;
}

static void check_report(struct knowledge *k, size_t t, size_t e, const struct check_result *r,
			 struct strmap *seen, struct diag *d)
{
	const struct kb_topic *topic = &k->kb.topics[t];
	const char *ex = topic->examples[e];
	int other;

	if (r->prefilter_differs)
		diag_add(d, topic->file, topic->example_lines[e],
			 "example \"%s\": the prefilter changed the result (a bug: please report it)", ex);
	if (r->outcome != MATCH_TOPIC || r->topic != (int)t)
		diag_add(d, topic->file, topic->example_lines[e], "example \"%s\" reaches %s%s%s", ex,
			 r->outcome == MATCH_TOPIC ? "topic \"" : "",
			 r->outcome == MATCH_TOPIC ? k->kb.topics[r->topic].id :
			 r->outcome == MATCH_DECLINE ? "a decline intent" : "no topic",
			 r->outcome == MATCH_TOPIC ? "\" instead" : "");
	other = strmap_get(seen, r->norm, strlen(r->norm));
	if (other >= 0 && other != (int)t)
		diag_add(d, topic->file, topic->example_lines[e],
			 "example \"%s\" is also an example of topic \"%s\"", ex, k->kb.topics[other].id);
	else
		strmap_put(seen, r->norm, strlen(r->norm), (int)t);
}

/* runs the slices, the first on this thread; 0, or -1 when one could not run */
static int check_run(struct check_slice *c, size_t n)
{
	pthread_t th[CHECK_THREADS];
	int started[CHECK_THREADS] = { 0 }, failed = 0;

	for (size_t i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, check_slice_run, &c[i]) == 0;
	check_slice_run(&c[0]);
	for (size_t i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			check_slice_run(&c[i]);     /* no thread: on this one */
	}
	for (size_t i = 0; i < n; i++)
		failed |= c[i].failed;
	return failed ? -1 : 0;
}

static int check(struct knowledge *k, struct diag *d, int full)
{
	size_t before = d->count, total = 0, i = 0, nth;
	struct check_slice c[CHECK_THREADS];
	struct check_result *out;
	size_t (*where)[2];
	struct strmap seen;
	int rc;

	for (size_t t = 0; t < k->kb.ntopics; t++)
		total += k->kb.topics[t].nexamples;
	out = sb_calloc(total + 1, sizeof(*out));
	where = sb_calloc(total + 1, sizeof(*where));
	if (!out || !where) {
		free(out);
		free(where);
		diag_add(d, "check", 0, "out of memory checking %zu examples", total);
		return -1;
	}
	for (size_t t = 0; t < k->kb.ntopics; t++)
		for (size_t e = 0; e < k->kb.topics[t].nexamples; e++, i++) {
			where[i][0] = t;
			where[i][1] = e;
		}
	nth = total >= 64 ? CHECK_THREADS : 1;       /* a thread is not worth a few examples */
	for (size_t n = 0; n < nth; n++)
		c[n] = (struct check_slice){ k, full, total * n / nth, total * (n + 1) / nth,
					     (const size_t(*)[2])where, out, 0 };
	rc = check_run(c, nth);
	strmap_init(&seen);
	for (i = 0; i < total && rc == 0; i++)
		check_report(k, where[i][0], where[i][1], &out[i], &seen, d);
	strmap_release(&seen);
	for (i = 0; i < total; i++)
		free(out[i].norm);
	free(out);
	free(where);
	if (rc < 0)
		diag_add(d, "check", 0, "out of memory checking the examples");
	return d->count > before ? -1 : 0;
}

int knowledge_check(struct knowledge *k, struct diag *d)
{
	return check(k, d, 0);
}

int knowledge_check_full(struct knowledge *k, struct diag *d)
{
	return check(k, d, 1);
}

void knowledge_holder_init(struct knowledge_holder *h, struct knowledge *k)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->live = k;
	h->last_reload_ms = k ? k->loaded_ms : 0;
}

void knowledge_holder_release(struct knowledge_holder *h)
{
	knowledge_unref(h->live);
	pthread_mutex_destroy(&h->lock);
	h->live = NULL;
}

struct knowledge *knowledge_acquire(struct knowledge_holder *h)
{
	struct knowledge *k;

	pthread_mutex_lock(&h->lock);
	k = knowledge_ref(h->live);
	pthread_mutex_unlock(&h->lock);
	return k;
}

void knowledge_swap(struct knowledge_holder *h, struct knowledge *k)
{
	struct knowledge *old;

	pthread_mutex_lock(&h->lock);
	old = h->live;
	h->live = k;
	h->last_reload_ms = k->loaded_ms;
	h->last_error[0] = '\0';
	pthread_mutex_unlock(&h->lock);
	knowledge_unref(old);
}

void knowledge_holder_set_status(struct knowledge_holder *h, int64_t reload_ms, const char *error)
{
	pthread_mutex_lock(&h->lock);
	if (reload_ms)
		h->last_reload_ms = reload_ms;
	snprintf(h->last_error, sizeof(h->last_error), "%s", error ? error : "");
	pthread_mutex_unlock(&h->lock);
}

void knowledge_holder_status(struct knowledge_holder *h, int64_t *reload_ms, char *error, size_t cap)
{
	pthread_mutex_lock(&h->lock);
	*reload_ms = h->last_reload_ms;
	if (cap)
		snprintf(error, cap, "%s", h->last_error);
	pthread_mutex_unlock(&h->lock);
}
