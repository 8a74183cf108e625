/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "gap/pl_bm25.h"

/* One document's counts of one term, per field. Postings are appended in
 * document order, so each term's list is sorted by doc. */
typedef struct {
    apr_uint32_t doc;
    apr_uint16_t tf[PL_BM25_FIELDS];
} posting_t;

typedef struct {
    const char *term;
    posting_t *post;    /* malloc'd: an index of a large tree holds millions */
    apr_size_t n, cap;
    double idf;
} term_t;

/* Terms of a large tree come from one tokenizer, which interns them: the
 * same term is the same pointer, millions of times over. A direct-mapped
 * cache from pointer to term spares most hash lookups (hashing and
 * comparing the string) while indexing; a pointer it has not seen still
 * goes through the hash, so any string works. */
#define PTR_CACHE 4096

typedef struct {
    const char *s;
    void *term;
} ptr_slot_t;

struct pl_bm25_t {
    apr_pool_t *p;
    ptr_slot_t cache[PTR_CACHE];
    double weight[PL_BM25_FIELDS];
    apr_hash_t *terms;          /* term -> term_t */
    float *len;                 /* ndocs * FIELDS lengths, then w_f / norm(d, f) */
    unsigned char *kind;
    apr_size_t ndocs, cap;
    double avglen[PL_BM25_FIELDS];
    int finished;
    /* search scratch, ndocs long, allocated by finish: score and seen are
     * back to zero after each search (only touched entries are reset), so
     * thousands of calibration queries cost no more than their postings */
    double *score;
    unsigned char *seen;
    apr_uint32_t *touched;
};

static apr_status_t release(void *data)
{
    pl_bm25_t *ix = data;
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, ix->terms); hi; hi = apr_hash_next(hi)) {
        term_t *t = apr_hash_this_val(hi);
        free(t->post);
    }
    free(ix->len);
    free(ix->kind);
    free(ix->score);
    free(ix->seen);
    free(ix->touched);
    return APR_SUCCESS;
}

static void *grow(void *block, apr_size_t *cap, apr_size_t need, apr_size_t size)
{
    apr_size_t n = *cap ? *cap : 4;
    void *bigger;

    while (n < need)
        n *= 2;
    if (!(bigger = realloc(block, n * size)))
        abort();    /* as APR does when a pool runs out of memory */
    *cap = n;
    return bigger;
}

pl_bm25_t *pl_bm25_create(apr_pool_t *p, const double *weights)
{
    static const double defaults[PL_BM25_FIELDS] = PL_BM25_WEIGHTS;
    pl_bm25_t *ix = apr_pcalloc(p, sizeof(*ix));

    ix->p = p;
    memcpy(ix->weight, weights ? weights : defaults, sizeof(ix->weight));
    ix->terms = apr_hash_make(p);
    apr_pool_cleanup_register(p, ix, release, apr_pool_cleanup_null);
    return ix;
}

int pl_bm25_add(pl_bm25_t *ix, unsigned kind,
                const apr_array_header_t *const fields[PL_BM25_FIELDS])
{
    apr_uint32_t doc = (apr_uint32_t)ix->ndocs;
    int f, i;

    if (ix->ndocs == ix->cap) {
        apr_size_t cap = ix->cap;
        ix->len = grow(ix->len, &cap, ix->ndocs + 1, sizeof(float) * PL_BM25_FIELDS);
        ix->kind = grow(ix->kind, &ix->cap, ix->ndocs + 1, 1);
    }
    ix->kind[doc] = (unsigned char)kind;
    for (f = 0; f < PL_BM25_FIELDS; f++) {
        const apr_array_header_t *terms = fields[f];
        int n = terms ? terms->nelts : 0;

        ix->len[doc * PL_BM25_FIELDS + f] = (float)n;
        for (i = 0; i < n; i++) {
            const char *s = APR_ARRAY_IDX(terms, i, const char *);
            ptr_slot_t *slot = &ix->cache[((apr_uintptr_t)s >> 3) & (PTR_CACHE - 1)];
            term_t *t = slot->s == s ? slot->term : apr_hash_get(ix->terms, s, APR_HASH_KEY_STRING);
            posting_t *last;

            if (!t) {
                t = apr_pcalloc(ix->p, sizeof(*t));
                t->term = s;
                apr_hash_set(ix->terms, s, APR_HASH_KEY_STRING, t);
            }
            slot->s = s;
            slot->term = t;
            last = t->n ? &t->post[t->n - 1] : NULL;
            if (!last || last->doc != doc) {
                if (t->n == t->cap)
                    t->post = grow(t->post, &t->cap, t->n + 1, sizeof(posting_t));
                last = &t->post[t->n++];
                memset(last, 0, sizeof(*last));
                last->doc = doc;
            }
            if (last->tf[f] < 0xffff)
                last->tf[f]++;
        }
    }
    ix->ndocs++;
    return (int)doc;
}

static double idf_of(apr_size_t ndocs, apr_size_t df)
{
    return log(1.0 + ((double)ndocs - (double)df + 0.5) / ((double)df + 0.5));
}

void pl_bm25_finish(pl_bm25_t *ix)
{
    apr_size_t with[PL_BM25_FIELDS] = { 0 };
    double total[PL_BM25_FIELDS] = { 0 };
    apr_hash_index_t *hi;
    apr_size_t d;
    int f;

    for (d = 0; d < ix->ndocs; d++)
        for (f = 0; f < PL_BM25_FIELDS; f++) {
            float n = ix->len[d * PL_BM25_FIELDS + f];
            if (n > 0) {
                with[f]++;
                total[f] += n;
            }
        }
    for (f = 0; f < PL_BM25_FIELDS; f++)
        ix->avglen[f] = with[f] ? total[f] / (double)with[f] : 0;
    /* From here on len holds each field's weight over its length norm, the
     * factor a term count is multiplied by in tf~. */
    for (d = 0; d < ix->ndocs; d++)
        for (f = 0; f < PL_BM25_FIELDS; f++) {
            float *slot = &ix->len[d * PL_BM25_FIELDS + f];
            double norm = ix->avglen[f] > 0
                ? 1.0 - PL_BM25_B + PL_BM25_B * (double)*slot / ix->avglen[f] : 1.0;
            *slot = (float)(ix->weight[f] / norm);
        }
    for (hi = apr_hash_first(NULL, ix->terms); hi; hi = apr_hash_next(hi)) {
        term_t *t = apr_hash_this_val(hi);
        t->idf = idf_of(ix->ndocs, t->n);
    }
    ix->score = calloc(ix->ndocs + 1, sizeof(*ix->score));
    ix->seen = calloc(ix->ndocs + 1, 1);
    ix->touched = malloc(sizeof(*ix->touched) * (ix->ndocs + 1));
    if (!ix->score || !ix->seen || !ix->touched)
        abort();
    ix->finished = 1;
}

int pl_bm25_count(const pl_bm25_t *ix)
{
    return (int)ix->ndocs;
}

double pl_bm25_idf(const pl_bm25_t *ix, const char *term)
{
    const term_t *t = apr_hash_get(ix->terms, term, APR_HASH_KEY_STRING);

    return t ? t->idf : idf_of(ix->ndocs, 0);
}

int pl_bm25_df(const pl_bm25_t *ix, const char *term)
{
    const term_t *t = apr_hash_get(ix->terms, term, APR_HASH_KEY_STRING);

    return t ? (int)t->n : 0;
}

void pl_bm25_query_add(apr_array_header_t *query, const apr_array_header_t *terms,
                       const apr_array_header_t *words, double weight)
{
    int i, j;

    for (i = 0; i < terms->nelts; i++) {
        const char *term = APR_ARRAY_IDX(terms, i, const char *);
        pl_bm25_qterm_t *q = NULL;

        for (j = 0; j < query->nelts && !q; j++)
            if (!strcmp(APR_ARRAY_IDX(query, j, pl_bm25_qterm_t).term, term))
                q = &APR_ARRAY_IDX(query, j, pl_bm25_qterm_t);
        if (!q) {
            q = apr_array_push(query);
            q->term = term;
            q->word = words ? APR_ARRAY_IDX(words, i, const char *) : term;
            q->weight = weight;
        }
        else if (weight > q->weight)
            q->weight = weight;
    }
}

/* The saturated weight s(t,d) of one posting. */
static double saturate(const pl_bm25_t *ix, const posting_t *post)
{
    const float *factor = &ix->len[post->doc * PL_BM25_FIELDS];
    double tfw = 0;
    int f;

    for (f = 0; f < PL_BM25_FIELDS; f++)
        if (post->tf[f])
            tfw += post->tf[f] * (double)factor[f];
    return tfw * (PL_BM25_K1 + 1.0) / (tfw + PL_BM25_K1);
}

static const posting_t *find_posting(const term_t *t, apr_uint32_t doc)
{
    apr_size_t lo = 0, hi = t->n;

    while (lo < hi) {
        apr_size_t mid = lo + (hi - lo) / 2;
        if (t->post[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->post[lo].doc == doc ? &t->post[lo] : NULL;
}

typedef struct {
    int doc;
    double score;
} ranked_t;

/* Worse first: a lower score, or the same score and a later document. */
static int worse(const ranked_t *a, const ranked_t *b)
{
    return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

/* A min-heap of the k best so far: its root is the one to drop next. */
static void sift_down(ranked_t *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        ranked_t tmp;
        if (l < n && worse(&h[l], &h[m]))
            m = l;
        if (r < n && worse(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

static void sift_up(ranked_t *h, int i)
{
    while (i > 0) {
        int parent = (i - 1) / 2;
        ranked_t tmp;
        if (!worse(&h[i], &h[parent]))
            return;
        tmp = h[i];
        h[i] = h[parent];
        h[parent] = tmp;
        i = parent;
    }
}

static int by_rank(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;

    return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

typedef struct {
    const char *word;
    double part;
} match_t;

static int by_part(const void *a, const void *b)
{
    const match_t *x = a, *y = b;

    return x->part < y->part ? 1 : x->part > y->part ? -1 : strcmp(x->word, y->word);
}

/* The matched words of one document, from its postings, the word that
 * contributes most first. */
static void explain(const pl_bm25_t *ix, apr_pool_t *p, const apr_array_header_t *query,
                    const term_t *const *terms, pl_bm25_hit_t *hit)
{
    match_t *m = apr_palloc(p, sizeof(*m) * (apr_size_t)(query->nelts + 1));
    int i, nm = 0;

    for (i = 0; i < query->nelts; i++) {
        const pl_bm25_qterm_t *q = &APR_ARRAY_IDX(query, i, pl_bm25_qterm_t);
        const posting_t *post = terms[i] ? find_posting(terms[i], (apr_uint32_t)hit->doc) : NULL;

        if (post) {
            m[nm].word = q->word;
            m[nm++].part = q->weight * terms[i]->idf * saturate(ix, post);
        }
    }
    qsort(m, (apr_size_t)nm, sizeof(*m), by_part);
    hit->matched = apr_array_make(p, nm, sizeof(const char *));
    for (i = 0; i < nm; i++)
        APR_ARRAY_PUSH(hit->matched, const char *) = m[i].word;
}

double pl_bm25_ideal(const pl_bm25_t *ix, const apr_array_header_t *query)
{
    double sum = 0;
    int i;

    for (i = 0; i < query->nelts; i++) {
        const pl_bm25_qterm_t *q = &APR_ARRAY_IDX(query, i, pl_bm25_qterm_t);
        sum += q->weight * pl_bm25_idf(ix, q->term) * (PL_BM25_K1 + 1.0);
    }
    return sum;
}

apr_array_header_t *pl_bm25_search(const pl_bm25_t *ix, apr_pool_t *p,
                                   const apr_array_header_t *query,
                                   unsigned kind_mask, int k, int explain_hits)
{
    apr_array_header_t *hits = apr_array_make(p, k > 0 ? k : 1, sizeof(pl_bm25_hit_t));
    const term_t **terms;
    double *score;
    unsigned char *seen;
    apr_uint32_t *touched;
    apr_size_t ntouched = 0, j;
    ranked_t *heap;
    int i, nheap = 0;

    if (!ix->finished || k <= 0 || !ix->ndocs || !query->nelts)
        return hits;
    terms = apr_palloc(p, sizeof(*terms) * (apr_size_t)query->nelts);
    score = ix->score;
    seen = ix->seen;
    touched = ix->touched;
    heap = malloc(sizeof(*heap) * (apr_size_t)k);
    if (!heap)
        abort();
    for (i = 0; i < query->nelts; i++) {
        const pl_bm25_qterm_t *q = &APR_ARRAY_IDX(query, i, pl_bm25_qterm_t);
        const term_t *t = apr_hash_get(ix->terms, q->term, APR_HASH_KEY_STRING);

        terms[i] = t;
        if (!t)
            continue;
        for (j = 0; j < t->n; j++) {
            const posting_t *post = &t->post[j];
            if (!(ix->kind[post->doc] & kind_mask))
                continue;
            score[post->doc] += q->weight * t->idf * saturate(ix, post);
            if (!seen[post->doc]) {
                seen[post->doc] = 1;
                touched[ntouched++] = post->doc;
            }
        }
    }
    for (j = 0; j < ntouched; j++) {
        ranked_t r;
        r.doc = (int)touched[j];
        r.score = score[touched[j]];
        if (nheap < k) {
            heap[nheap] = r;
            sift_up(heap, nheap++);
        }
        else if (worse(&heap[0], &r)) {
            heap[0] = r;
            sift_down(heap, nheap, 0);
        }
        score[touched[j]] = 0;
        seen[touched[j]] = 0;
    }
    qsort(heap, (apr_size_t)nheap, sizeof(*heap), by_rank);
    for (i = 0; i < nheap; i++) {
        pl_bm25_hit_t *hit = apr_array_push(hits);
        hit->doc = heap[i].doc;
        hit->score = heap[i].score;
        if (explain_hits)
            explain(ix, p, query, terms, hit);
        else
            hit->matched = NULL;
    }
    free(heap);
    return hits;
}
