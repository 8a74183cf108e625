/* SPDX-License-Identifier: Apache-2.0 */
/* Calibration against the repository's own background. A raw score (best
 * BM25 over the ideal) means different things in a 50-file library and a
 * 5,000-file monorepo: the bigger the tree, the likelier some chunk holds
 * a few of any query's words by chance. So each raw score is compared with
 * the raw scores of PL_GAP_BACKGROUND_QUERIES random queries of the same
 * number of words, drawn from the plan's own query words (the same
 * vocabulary, so the same chance of meeting code) with a fixed-seed
 * generator: the output is the same byte for byte, run after run. The
 * calibrated score is where the raw score falls in that background: by
 * default the empirical percentile, or Phi((log s - mu) / sigma) of a
 * log-normal fit, which keeps strong matches apart beyond the largest
 * random one but lets the thresholds drift between repositories. A few thousand searches per plan: milliseconds to a second
 * on a million lines. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>

#include "gap/pl_gap_int.h"

typedef struct {
    double *raw;        /* sorted */
    int n;
    double zeros;       /* share of queries that matched nothing */
    double mu, sigma;   /* of log raw over the others */
} length_t;

struct pl_gap_background_t {
    apr_pool_t *p;
    const pl_bm25_t *ix;
    pl_gap_queries_t *q;
    pl_gap_calibration_e how;
    int off;                /* no calibration: the raw score is the score (to measure it) */
    apr_hash_t *by_length;  /* int words -> length_t */
    int count;
};

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, and the same on
 * every platform, unlike rand(). */
static apr_uint64_t next(apr_uint64_t *state)
{
    apr_uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

pl_gap_background_t *pl_gap_background_create(apr_pool_t *p, const pl_bm25_t *ix,
                                              pl_gap_queries_t *q, pl_gap_calibration_e how,
                                              int calibrate)
{
    pl_gap_background_t *b = apr_pcalloc(p, sizeof(*b));

    b->p = p;
    b->ix = ix;
    b->q = q;
    b->how = how;
    b->off = !calibrate;
    b->by_length = apr_hash_make(p);
    return b;
}

/* R random queries of words distinct pool terms each. */
static length_t *draw(pl_gap_background_t *b, int words)
{
    const apr_array_header_t *pool = pl_gap_pool_terms(b->q);
    const apr_array_header_t *from = pl_gap_pool_words(b->q);
    int n = pool->nelts, k = words < n ? words : n, r, i, j, logs = 0;
    length_t *L = apr_pcalloc(b->p, sizeof(*L));
    const char **terms = apr_palloc(b->p, sizeof(char *) * (apr_size_t)(k + 1));
    const char **ws = apr_palloc(b->p, sizeof(char *) * (apr_size_t)(k + 1));
    int *pick = apr_palloc(b->p, sizeof(int) * (apr_size_t)(n + 1));
    apr_uint64_t state = PL_GAP_SEED ^ ((apr_uint64_t)words << 32);
    double sum = 0, sq = 0;
    apr_pool_t *qp;

    L->raw = apr_palloc(b->p, sizeof(double) * PL_GAP_BACKGROUND_QUERIES);
    apr_pool_create(&qp, b->p);
    for (r = 0; r < PL_GAP_BACKGROUND_QUERIES && k > 0; r++) {
        /* a partial Fisher-Yates shuffle picks k distinct terms */
        for (i = 0; i < n; i++)
            pick[i] = i;
        for (i = 0; i < k; i++) {
            int tmp;
            j = i + (int)(next(&state) % (apr_uint64_t)(n - i));
            tmp = pick[i];
            pick[i] = pick[j];
            pick[j] = tmp;
            terms[i] = APR_ARRAY_IDX(pool, pick[i], const char *);
            ws[i] = APR_ARRAY_IDX(from, pick[i], const char *);
        }
        L->raw[L->n++] = pl_gap_raw(b->ix, qp, pl_gap_query_terms(b->q, qp, terms, ws, k), 1, NULL);
        apr_pool_clear(qp);
    }
    apr_pool_destroy(qp);
    b->count += L->n;
    qsort(L->raw, (apr_size_t)L->n, sizeof(double), by_value);
    for (i = 0; i < L->n; i++) {
        if (L->raw[i] <= 0)
            continue;
        sum += log(L->raw[i]);
        sq += log(L->raw[i]) * log(L->raw[i]);
        logs++;
    }
    L->zeros = L->n ? (double)(L->n - logs) / L->n : 1;
    L->mu = logs ? sum / logs : 0;
    L->sigma = logs > 1 ? sqrt(fmax(sq / logs - L->mu * L->mu, 0)) : 0;
    /* a background that barely varies would make every difference look
     * decisive: a floor on sigma keeps the fit honest */
    if (L->sigma < 0.05)
        L->sigma = 0.05;
    return L;
}

/* Where raw falls among the n random scores, as (below + equal / 2 +
 * 1/2) / (n + 1): a hundred random queries cannot make a match certain,
 * so the score stays inside (0, 1), and a done threshold of 1 means never. */
static double percentile(const length_t *L, double raw)
{
    int below = 0, equal = 0, i;

    for (i = 0; i < L->n; i++) {
        below += L->raw[i] < raw;
        equal += L->raw[i] == raw;
    }
    return L->n ? (below + 0.5 * equal + 0.5) / (L->n + 1) : 0;
}

double pl_gap_calibrate(pl_gap_background_t *b, double raw, int words)
{
    length_t *L;

    if (words <= 0)
        return 0;
    if (b->off)
        return raw;
    if (!(L = apr_hash_get(b->by_length, &words, sizeof(words)))) {
        int *key = apr_palloc(b->p, sizeof(*key));
        *key = words;
        L = draw(b, words);
        apr_hash_set(b->by_length, key, sizeof(*key), L);
    }
    if (!L->n)
        return 0;
    if (b->how == PL_GAP_PERCENTILE)
        return percentile(L, raw);
    if (raw <= 0)
        return L->zeros / 2;
    return L->zeros + (1 - L->zeros) * 0.5 * erfc(-(log(raw) - L->mu) / (L->sigma * sqrt(2.0)));
}

int pl_gap_background_count(const pl_gap_background_t *b)
{
    return b->count;
}
