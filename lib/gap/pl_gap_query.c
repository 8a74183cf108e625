/* SPDX-License-Identifier: Apache-2.0 */
/* Queries from a plan's words. Every word of a task and of its objective's
 * title weighs 1 (no bonus for a first word: "Optionally" is not what the
 * code must do), plan prose ("implement", "ensure", "support") and stop
 * words are out, foreign programming words go through the lexicon, and
 * each word's programming synonyms join at half weight, enough to find
 * "remove" for "delete" but never to outweigh the plan's own word. */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "gap/pl_gap_int.h"

/* Words of plan prose that say how or how well work is done, not what it
 * is. */
static const char *const prose_words[] = {
    "implement", "implementation", "implemented", "ensure", "allow", "allows", "support",
    "supported", "supports", "provide", "provides", "able", "proper", "properly", "basic",
    "initial", "simple", "feature", "features", "functionality", "work", "working", "various",
    "also", "need", "needs", "want", "way", "like", "well", "easy", "easily", "correct",
    "correctly", "complete", "fully", "improve", "improved", "better", "good", "nice", "robust",
    "possible", "everything", "something", "anything", "todo", "done", "wip", "let", "lets",
    "see", "optional", "optionally", "maybe", "eventually", "really", "just", "already",
    "instead", "still", "without", "within", "across", "including", "include", "includes",
    "etc", "usable", "useful", "user-friendly", "friendly", "nicely", "quickly", "automatically",
    "properly", "make", "makes", "use", "uses", "using", "used", "get", "gets", "handle",
    "handles", "handling", "new", "thing", "things", "stuff", "able", "can", "cannot", "will",
    /* who does it and how it feels, not what the code does */
    "user", "users", "people", "person", "someone", "somebody", "anyone", "everyone",
    "developer", "developers", "programmer", "programmers", "reader", "readers",
    "several", "many", "whatever", "given", "clear", "clearly", "pleasant", "familiar",
    "graceful", "gracefully", "readable", "nice", "ready", "made",
    NULL
};

struct pl_gap_queries_t {
    apr_pool_t *p;
    pl_tokens_t *tokens;
    apr_hash_t *prose;          /* stems of prose words */
    apr_hash_t *in_pool;
    int no_synonyms;
    apr_array_header_t *pool_terms, *pool_words;
};

pl_gap_queries_t *pl_gap_queries_create(apr_pool_t *p, pl_tokens_t *tokens, int synonyms)
{
    pl_gap_queries_t *q = apr_pcalloc(p, sizeof(*q));
    apr_array_header_t *stems = apr_array_make(p, 128, sizeof(const char *));
    int i;

    q->p = p;
    q->tokens = tokens;
    q->no_synonyms = !synonyms;
    q->prose = apr_hash_make(p);
    q->in_pool = apr_hash_make(p);
    q->pool_terms = apr_array_make(p, 256, sizeof(const char *));
    q->pool_words = apr_array_make(p, 256, sizeof(const char *));
    for (i = 0; prose_words[i]; i++)
        pl_tokens_terms(tokens, prose_words[i], -1, stems, NULL);
    for (i = 0; i < stems->nelts; i++)
        apr_hash_set(q->prose, APR_ARRAY_IDX(stems, i, const char *), APR_HASH_KEY_STRING, "");
    return q;
}

static void add_synonyms(pl_gap_queries_t *q, apr_array_header_t *query)
{
    int i, j, n = q->no_synonyms ? 0 : query->nelts;

    for (i = 0; i < n; i++) {
        const pl_bm25_qterm_t *t = &APR_ARRAY_IDX(query, i, pl_bm25_qterm_t);
        const apr_array_header_t *syn = pl_tokens_synonyms(q->tokens, t->term);
        for (j = 0; syn && j < syn->nelts; j++) {
            apr_array_header_t one;
            memset(&one, 0, sizeof(one));
            one.elt_size = sizeof(const char *);
            one.nelts = one.nalloc = 1;
            one.elts = (char *)&APR_ARRAY_IDX(syn, j, const char *);
            pl_bm25_query_add(query, &one, &one, PL_GAP_SYNONYM_WEIGHT);
        }
    }
}

apr_array_header_t *pl_gap_query(pl_gap_queries_t *q, apr_pool_t *qp, const char *const *texts,
                                 int n, int *words)
{
    apr_array_header_t *query = apr_array_make(qp, 16, sizeof(pl_bm25_qterm_t));
    apr_array_header_t *terms = apr_array_make(qp, 16, sizeof(const char *));
    apr_array_header_t *from = apr_array_make(qp, 16, sizeof(const char *));
    apr_array_header_t *kept = apr_array_make(qp, 16, sizeof(const char *));
    apr_array_header_t *kept_from = apr_array_make(qp, 16, sizeof(const char *));
    int i;

    for (i = 0; i < n; i++)
        pl_tokens_query(q->tokens, texts[i], terms, from);
    for (i = 0; i < terms->nelts; i++) {
        const char *t = APR_ARRAY_IDX(terms, i, const char *);
        const char *w = APR_ARRAY_IDX(from, i, const char *);
        if (apr_hash_get(q->prose, t, APR_HASH_KEY_STRING))
            continue;
        APR_ARRAY_PUSH(kept, const char *) = t;
        APR_ARRAY_PUSH(kept_from, const char *) = w;
        if (!apr_hash_get(q->in_pool, t, APR_HASH_KEY_STRING)) {
            apr_hash_set(q->in_pool, t, APR_HASH_KEY_STRING, t);
            APR_ARRAY_PUSH(q->pool_terms, const char *) = t;
            APR_ARRAY_PUSH(q->pool_words, const char *) = apr_pstrdup(q->p, w);
        }
    }
    pl_bm25_query_add(query, kept, kept_from, 1.0);
    *words = query->nelts;
    add_synonyms(q, query);
    return query;
}

apr_array_header_t *pl_gap_query_terms(pl_gap_queries_t *q, apr_pool_t *qp,
                                       const char *const *terms, const char *const *words, int n)
{
    apr_array_header_t *query = apr_array_make(qp, n * 2 + 1, sizeof(pl_bm25_qterm_t));
    apr_array_header_t t, w;

    memset(&t, 0, sizeof(t));
    t.elt_size = sizeof(const char *);
    t.nelts = t.nalloc = n;
    t.elts = (char *)terms;
    w = t;
    w.elts = (char *)words;
    pl_bm25_query_add(query, &t, &w, 1.0);
    add_synonyms(q, query);
    return query;
}

const apr_array_header_t *pl_gap_pool_terms(const pl_gap_queries_t *q)
{
    return q->pool_terms;
}

const apr_array_header_t *pl_gap_pool_words(const pl_gap_queries_t *q)
{
    return q->pool_words;
}

double pl_gap_raw(const pl_bm25_t *ix, apr_pool_t *qp, const apr_array_header_t *query, int k,
                  apr_array_header_t **hits)
{
    apr_array_header_t *h = pl_bm25_search(ix, qp, query, ~0u, k > 0 ? k : 1, hits != NULL);
    apr_array_header_t *own = apr_array_make(qp, query->nelts, sizeof(pl_bm25_qterm_t));
    double ideal, raw;
    int i;

    /* The ideal is the plan's own words': a synonym stands in for its word
     * when the code uses it, it is not one more thing the code must hold. */
    for (i = 0; i < query->nelts; i++)
        if (APR_ARRAY_IDX(query, i, pl_bm25_qterm_t).weight >= 1.0)
            *(pl_bm25_qterm_t *)apr_array_push(own) = APR_ARRAY_IDX(query, i, pl_bm25_qterm_t);
    ideal = pl_bm25_ideal(ix, own);

    if (hits)
        *hits = h;
    if (!h->nelts || ideal <= 0)
        return 0;
    raw = APR_ARRAY_IDX(h, 0, pl_bm25_hit_t).score / ideal;
    return raw > 1 ? 1 : raw;
}
