/* ranker.c - tf-idf nearest-example and centroid ranking of topics. See ranker.h. */
#include "ranker.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"

#define NN_SHARE  0.7     /* nearest example vs centroid */
#define UNKNOWN_IDF_SHARE 1.0f

static long find(const struct ranker *r, uint32_t h)
{
	if (!r->table)
		return -1;
	for (size_t i = h & r->tmask;; i = (i + 1) & r->tmask) {
		uint32_t v = r->table[i];
		if (v == 0)
			return -1;
		if (r->feat_hash[v - 1] == h)
			return (long)v - 1;
	}
}

void ranker_init(struct ranker *r)
{
	memset(r, 0, sizeof(*r));
}

void ranker_release(struct ranker *r)
{
	free(r->doc_topic);
	free(r->doc_after);
	free(r->feat_hash);
	free(r->idf);
	free(r->post_start);
	free(r->post_doc);
	free(r->post_w);
	free(r->feat_topics);
	free(r->table);
	ranker_init(r);
}

void ranker_scratch_release(struct ranker_scratch *s)
{
	free(s->acc);
	s->acc = NULL;
	s->cap = 0;
}

/* Build-time state: every document's merged features, then the vocabulary. The
 * documents' lists lie end to end in one pool (at[d] is where list d starts),
 * the centroids' in another: two allocations, not one per document. */
struct build {
	struct ranker_feature **f;
	size_t *n;
	size_t total;
	struct ranker_feature *pool, *cpool;
};

static void build_free(struct build *b)
{
	free(b->pool);
	free(b->cpool);
	free(b->f);
	free(b->n);
}

/* room for n more features in b->pool after used; 0, or -1 out of memory */
static int pool_room(struct build *b, size_t used, size_t n, size_t *cap)
{
	struct ranker_feature *p;
	size_t want = *cap ? *cap : 4096;

	while (want < used + n)
		want *= 2;
	if (want == *cap)
		return 0;
	if (!(p = sb_realloc(b->pool, want * sizeof(*p))))
		return -1;
	b->pool = p;
	*cap = want;
	return 0;
}

/* room for ndocs documents and then nextra centroids */
static int collect(struct build *b, const struct ranker_doc *docs, size_t ndocs, size_t nextra)
{
	struct ranker_feature tmp[RANKER_MAX_FEATURES], sorted[RANKER_MAX_FEATURES];
	size_t cap = 0;

	b->f = sb_calloc(ndocs + nextra + 1, sizeof(*b->f));
	b->n = sb_calloc(ndocs + nextra + 1, sizeof(*b->n));
	if (!b->f || !b->n || pool_room(b, 0, 1, &cap) < 0)
		return -1;
	for (size_t d = 0; d < ndocs; d++) {
		size_t n = ranker_doc_features(&docs[d], tmp, sorted);
		if (pool_room(b, b->total, n, &cap) < 0)
			return -1;
		memcpy(b->pool + b->total, tmp, n * sizeof(*tmp));
		b->n[d] = n;
		b->total += n;
	}
	for (size_t d = 0, at = 0; d < ndocs; at += b->n[d++])
		b->f[d] = b->pool + at;         /* the pool has stopped moving */
	return 0;
}

static int insert(struct ranker *r, uint32_t h)
{
	size_t i = h & r->tmask;

	while (r->table[i]) {
		if (r->feat_hash[r->table[i] - 1] == h)
			return (int)r->table[i] - 1;
		i = (i + 1) & r->tmask;
	}
	r->feat_hash[r->nfeat] = h;
	r->table[i] = (uint32_t)++r->nfeat;
	return (int)r->nfeat - 1;
}

/* The table was sized for every feature of every document, most of them repeats:
 * keep one sized for the distinct ones (at most half full), and feat_hash to fit.
 * Lookups find the same indices. 0, or -1 out of memory. */
static int shrink(struct ranker *r)
{
	size_t size = 16;
	uint32_t *table, *hashes;

	while (size < 2 * r->nfeat + 2)
		size <<= 1;
	if (size >= r->tmask + 1)
		return 0;
	if (!(table = sb_calloc(size, sizeof(*table))))
		return -1;
	for (size_t f = 0; f < r->nfeat; f++) {
		size_t i = r->feat_hash[f] & (size - 1);
		while (table[i])
			i = (i + 1) & (size - 1);
		table[i] = (uint32_t)f + 1;
	}
	free(r->table);
	r->table = table;
	r->tmask = size - 1;
	/* plain realloc, not the loaders' hooked one: a shrink that fails keeps the
	 * larger block and is no error */
	if ((hashes = realloc(r->feat_hash, (r->nfeat + 1) * sizeof(*hashes))))
		r->feat_hash = hashes;
	return 0;
}

static int vocabulary(struct ranker *r, const struct build *b, size_t ndocs, uint32_t **df)
{
	size_t size = 16;

	while (size < 2 * b->total + 2)
		size <<= 1;
	r->table = sb_calloc(size, sizeof(*r->table));
	r->feat_hash = sb_malloc((b->total + 1) * sizeof(*r->feat_hash));
	*df = sb_calloc(b->total + 1, sizeof(**df));
	if (!r->table || !r->feat_hash || !*df)
		return -1;
	r->tmask = size - 1;
	for (size_t d = 0; d < ndocs; d++) {
		for (size_t k = 0; k < b->n[d]; k++) {
			int f = insert(r, b->f[d][k].hash);
			(*df)[f]++;
			b->f[d][k].hash = (uint32_t)f;        /* from here on: the feature's index */
		}
	}
	return shrink(r);
}

static void normalise_vec(struct ranker_feature *f, size_t n)
{
	double sum = 0;

	for (size_t k = 0; k < n; k++)
		sum += (double)f[k].w * f[k].w;
	if (sum > 0)
		for (size_t k = 0; k < n; k++)
			f[k].w = (float)(f[k].w / sqrt(sum));
}

/* weights each document's features by idf (unit length) */
static void weigh(struct ranker *r, struct build *b, size_t ndocs)
{
	for (size_t d = 0; d < ndocs; d++) {
		for (size_t k = 0; k < b->n[d]; k++)
			b->f[d][k].w *= r->idf[b->f[d][k].hash];
		normalise_vec(b->f[d], b->n[d]);
	}
}

/* one topic's centroid at out: the sum of its documents' features in ascending
 * feature order, each weight summed in the documents' order (as a stable sort and
 * merge would); acc and the bitmap seen (left cleared) have room for every feature */
static size_t centroid(const struct ranker *r, const struct build *b, size_t ndocs, int topic, float *acc,
		       uint64_t *seen, struct ranker_feature *out)
{
	size_t n = 0;

	for (size_t d = 0; d < ndocs; d++) {
		if (r->doc_topic[d] != topic || r->doc_after[d] >= 0)
			continue;
		for (size_t k = 0; k < b->n[d]; k++) {
			uint32_t f = b->f[d][k].hash;
			if (seen[f / 64] >> (f % 64) & 1) {
				acc[f] += b->f[d][k].w;
			} else {
				seen[f / 64] |= 1ull << (f % 64);
				acc[f] = b->f[d][k].w;
			}
		}
	}
	for (size_t w = 0; w < (r->nfeat + 63) / 64; w++)
		for (; seen[w]; seen[w] &= seen[w] - 1) {
			uint32_t f = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(seen[w]));
			out[n++] = (struct ranker_feature){ f, acc[f] };
		}
	return n;
}

/* each topic's centroid: the sum of its documents, unit length; documents ndocs.. */
static int centroids(struct ranker *r, struct build *b, size_t ndocs, size_t ntopics)
{
	size_t all = 0, o = 0;
	float *acc;
	uint64_t *seen;

	for (size_t d = 0; d < ndocs; d++)          /* one pool for every centroid */
		all += r->doc_after[d] < 0 ? b->n[d] : 0;
	b->cpool = sb_malloc((all ? all : 1) * sizeof(*b->cpool));
	acc = sb_malloc((r->nfeat + 1) * sizeof(*acc));
	seen = sb_calloc(r->nfeat / 64 + 1, sizeof(*seen));
	if (!b->cpool || !acc || !seen) {
		free(acc);
		free(seen);
		return -1;
	}
	for (size_t t = 0; t < ntopics; t++) {
		b->f[ndocs + t] = b->cpool + o;
		b->n[ndocs + t] = centroid(r, b, ndocs, (int)t, acc, seen, b->f[ndocs + t]);
		normalise_vec(b->f[ndocs + t], b->n[ndocs + t]);
		b->total += b->n[ndocs + t];
		o += b->n[ndocs + t];
	}
	free(acc);
	free(seen);
	return 0;
}

/* the inverted index over documents and centroids (b has ndocs + ntopics lists) */
static int postings(struct ranker *r, const struct build *b, size_t nall)
{
	uint32_t *fill;

	r->post_start = sb_calloc(r->nfeat + 1, sizeof(*r->post_start));
	r->post_doc = sb_malloc((b->total + 1) * sizeof(*r->post_doc));
	r->post_w = sb_malloc((b->total + 1) * sizeof(*r->post_w));
	r->feat_topics = sb_calloc(r->nfeat + 1, sizeof(*r->feat_topics));
	fill = sb_calloc(r->nfeat + 1, sizeof(*fill));
	if (!r->post_start || !r->post_doc || !r->post_w || !r->feat_topics || !fill) {
		free(fill);
		return -1;
	}
	for (size_t d = 0; d < nall; d++)
		for (size_t k = 0; k < b->n[d]; k++)
			r->post_start[b->f[d][k].hash + 1]++;
	for (size_t f = 0; f < r->nfeat; f++)
		r->post_start[f + 1] += r->post_start[f];
	for (size_t d = 0; d < nall; d++) {
		for (size_t k = 0; k < b->n[d]; k++) {
			size_t f = b->f[d][k].hash, at = r->post_start[f] + fill[f]++;
			r->post_doc[at] = (uint32_t)d;
			r->post_w[at] = b->f[d][k].w;
			r->feat_topics[f] += d >= r->ndocs;
		}
	}
	free(fill);
	return 0;
}

/* The bot is not linked with libm: mapped, it cost about 0.5 MB resident for
 * three functions (its symbol tables searched at every symbol lookup; log()'s
 * tables). sqrt is the processor's instruction (-fno-math-errno, CMakeLists.txt);
 * log, needed only here, is libm's own, opened for the build and closed after,
 * so the weights are the same bits as when it was linked. */
typedef double (*log_fn)(double);

static void *libm_log(log_fn *fn)
{
	void *lib = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);

	*fn = lib ? (log_fn)(uintptr_t)dlsym(lib, "log") : NULL;
	if (lib && !*fn) {
		dlclose(lib);
		lib = NULL;
	}
	return lib;
}

static int weights(struct ranker *r, size_t ndocs, const uint32_t *df)
{
	log_fn ln;
	void *lib = libm_log(&ln);

	if (!lib)
		return -1;
	for (size_t f = 0; f < r->nfeat; f++)
		r->idf[f] = (float)ln(1.0 + (double)ndocs / df[f]);
	r->idf_max = (float)ln(1.0 + (double)ndocs);
	dlclose(lib);
	return 0;
}

int ranker_build(struct ranker *r, const struct ranker_doc *docs, size_t ndocs, size_t ntopics)
{
	struct build b = { 0 };
	uint32_t *df = NULL;
	int rc = -1;

	ranker_init(r);
	r->ndocs = ndocs;
	r->ntopics = ntopics;
	r->doc_topic = sb_malloc((ndocs ? ndocs : 1) * sizeof(*r->doc_topic));
	r->doc_after = sb_malloc((ndocs ? ndocs : 1) * sizeof(*r->doc_after));
	if (!r->doc_topic || !r->doc_after || collect(&b, docs, ndocs, ntopics) < 0 || vocabulary(r, &b, ndocs, &df) < 0)
		goto out;
	for (size_t d = 0; d < ndocs; d++) {
		r->doc_topic[d] = docs[d].topic;
		r->doc_after[d] = docs[d].after;
	}
	r->idf = sb_malloc((r->nfeat + 1) * sizeof(*r->idf));
	if (!r->idf || weights(r, ndocs, df) < 0)
		goto out;
	weigh(r, &b, ndocs);
	if (centroids(r, &b, ndocs, ntopics) < 0 || postings(r, &b, ndocs + ntopics) < 0)
		goto out;
	rc = 0;
out:
	free(df);
	build_free(&b);
	if (rc < 0)
		ranker_release(r);
	return rc;
}

int ranker_knows_word(const struct ranker *r, const char *word, size_t len)
{
	return find(r, ranker_word_hash(word, len)) >= 0;
}

int ranker_word_topics(const struct ranker *r, const char *word, size_t len)
{
	long f = find(r, ranker_word_hash(word, len));

	return f < 0 ? -1 : (int)r->feat_topics[f];
}

static int ensure(struct ranker_scratch *s, size_t n)
{
	float *p;

	if (s->cap >= n)
		return 0;
	p = sb_realloc(s->acc, n * sizeof(*p));
	if (!p) {
		s->nomem = 1;
		return -1;
	}
	s->acc = p;
	s->cap = n;
	return 0;
}

static void keep_best(struct ranker_hit *top, size_t *ntop, int topic, double score)
{
	size_t i;

	if (*ntop == RANKER_TOP && top[RANKER_TOP - 1].score >= score)
		return;
	i = *ntop < RANKER_TOP ? (*ntop)++ : RANKER_TOP - 1;
	while (i > 0 && top[i - 1].score < score) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = (struct ranker_hit){ topic, score };
}

/* idf-weights the query, unit length; unknown features count in the length */
static double query_norm(const struct ranker *r, struct ranker_feature *f, size_t n, long *idx, float idf_max)
{
	double sum = 0;

	for (size_t k = 0; k < n; k++) {
		idx[k] = find(r, f[k].hash);
		f[k].w *= idx[k] >= 0 ? r->idf[idx[k]] : idf_max * UNKNOWN_IDF_SHARE;
		sum += (double)f[k].w * f[k].w;
	}
	return sqrt(sum);
}

size_t ranker_rank(const struct ranker *r, struct ranker_scratch *s, struct ranker_feature *f, size_t n,
		   int after, struct ranker_hit *top)
{
	size_t nacc = r->ndocs + r->ntopics, ntop = 0;
	long idx[RANKER_MAX_FEATURES];
	struct ranker_feature sorted[RANKER_MAX_FEATURES];
	double norm;
	float *best, idf_max = r->idf_max;

	if (!r->ndocs || !n || ensure(s, nacc + r->ntopics + 1) < 0)
		return 0;
	n = ranker_merge(f, n < RANKER_MAX_FEATURES ? n : RANKER_MAX_FEATURES, sorted);
	norm = query_norm(r, f, n, idx, idf_max);
	if (norm <= 0)
		return 0;
	best = s->acc + nacc;
	memset(s->acc, 0, (nacc + r->ntopics) * sizeof(*s->acc));
	for (size_t k = 0; k < n; k++) {
		if (idx[k] < 0)
			continue;
		for (uint32_t p = r->post_start[idx[k]]; p < r->post_start[idx[k] + 1]; p++)
			s->acc[r->post_doc[p]] += f[k].w * r->post_w[p];
	}
	for (size_t d = 0; d < r->ndocs; d++)
		if (s->acc[d] > best[r->doc_topic[d]] && (r->doc_after[d] < 0 || r->doc_after[d] == after))
			best[r->doc_topic[d]] = s->acc[d];
	for (size_t t = 0; t < r->ntopics; t++) {
		double sc = (NN_SHARE * best[t] + (1 - NN_SHARE) * s->acc[r->ndocs + t]) / norm;
		if (sc > 0)
			keep_best(top, &ntop, (int)t, sc);
	}
	return ntop;
}
