/* SPDX-License-Identifier: Apache-2.0 */
/* pl_bm25: scores and the ideal score against values worked out by hand from the
 * formulas in pl_bm25.h (k1 = 1.2, b = 0.75, weights 3 / 2 / 1 / 3 / 0.7). */
#include <math.h>

#include "unit.h"
#include "gap/pl_bm25.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-5)

static apr_array_header_t *terms(apr_pool_t *p, const char *list)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    char *last, *copy = apr_pstrdup(p, list), *tok;

    for (tok = apr_strtok(copy, " ", &last); tok; tok = apr_strtok(NULL, " ", &last))
        APR_ARRAY_PUSH(a, const char *) = tok;
    return a;
}

/* doc 0: name "login user", path "auth"        (kind 1)
 * doc 1: name "logout",     path "auth"        (kind 1)
 * doc 2: doc  "user user list"                 (kind 2)
 * N = 3; avglen name = (2 + 1) / 2 = 1.5, path = 1, doc = 3. */
static pl_bm25_t *corpus(apr_pool_t *p)
{
    static const double weights[PL_BM25_FIELDS] = { 3.0, 2.0, 1.0 };   /* name, path, text */
    pl_bm25_t *ix = pl_bm25_create(p, weights);
    const apr_array_header_t *f[PL_BM25_FIELDS] = { NULL };

    f[PL_BM25_NAME] = terms(p, "login user");
    f[PL_BM25_PATH] = terms(p, "auth");
    assert_int_equal(pl_bm25_add(ix, 1, f), 0);
    f[PL_BM25_NAME] = terms(p, "logout");
    assert_int_equal(pl_bm25_add(ix, 1, f), 1);
    f[PL_BM25_NAME] = f[PL_BM25_PATH] = NULL;
    f[PL_BM25_TEXT] = terms(p, "user user list");
    assert_int_equal(pl_bm25_add(ix, 2, f), 2);
    pl_bm25_finish(ix);
    return ix;
}

static apr_array_header_t *query(apr_pool_t *p, const char *list, double weight)
{
    apr_array_header_t *q = apr_array_make(p, 4, sizeof(pl_bm25_qterm_t));

    pl_bm25_query_add(q, terms(p, list), NULL, weight);
    return q;
}

static void idf_matches_hand_values(void **state)
{
    pl_bm25_t *ix = corpus(*state);

    assert_int_equal(pl_bm25_count(ix), 3);
    assert_int_equal(pl_bm25_df(ix, "user"), 2);
    NEAR(pl_bm25_idf(ix, "login"), log(1 + 2.5 / 1.5));    /* 0.980829 */
    NEAR(pl_bm25_idf(ix, "user"), log(1.6));               /* 0.470004 */
    NEAR(pl_bm25_idf(ix, "pdf"), log(8.0));                /* absent: n = 0 */
}

/* "user": doc 0 has it once in a name of length 2:
 *   norm = 0.25 + 0.75 * 2 / 1.5 = 1.25, tf~ = 3 / 1.25 = 2.4,
 *   s = 2.4 * 2.2 / 3.6 = 1.466667, score = 0.470004 * 1.466667 = 0.689339;
 * doc 2 twice in a doc field of average length: tf~ = 2,
 *   s = 2 * 2.2 / 3.2 = 1.375, score = 0.646255. */
static void scores_match_hand_values(void **state)
{
    pl_bm25_t *ix = corpus(*state);
    apr_array_header_t *hits = pl_bm25_search(ix, *state, query(*state, "user", 1), ~0u, 10, 1);
    pl_bm25_hit_t *h;

    assert_int_equal(hits->nelts, 2);
    h = &APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t);
    assert_int_equal(h->doc, 0);
    NEAR(h->score, 0.689339);
    h = &APR_ARRAY_IDX(hits, 1, pl_bm25_hit_t);
    assert_int_equal(h->doc, 2);
    NEAR(h->score, 0.646255);

    /* a query weight scales the score */
    hits = pl_bm25_search(ix, *state, query(*state, "user", 0.5), ~0u, 10, 1);
    NEAR(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).score, 0.689339 / 2);
}

/* "login user": doc 0 adds login (same s as user): 0.980829 * 1.466667 +
 * 0.689339 = 2.127888, both terms matched; doc 2 only has user. */
static void matched_words_and_the_ideal(void **state)
{
    pl_bm25_t *ix = corpus(*state);
    apr_array_header_t *hits = pl_bm25_search(ix, *state, query(*state, "login user", 1), ~0u, 10, 1);
    pl_bm25_hit_t *h = &APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t);

    assert_int_equal(hits->nelts, 2);
    assert_int_equal(h->doc, 0);
    NEAR(h->score, 2.127888);
    assert_string_equal(apr_array_pstrcat(*state, h->matched, ','), "login,user");
    h = &APR_ARRAY_IDX(hits, 1, pl_bm25_hit_t);
    assert_int_equal(h->doc, 2);
    assert_string_equal(apr_array_pstrcat(*state, h->matched, ','), "user");

    /* the ideal: every term at full saturation, a term no document has at
     * the largest idf */
    NEAR(pl_bm25_ideal(ix, query(*state, "login user", 1)), (0.980829 + 0.470004) * 2.2);
    NEAR(pl_bm25_ideal(ix, query(*state, "login pdf", 0.5)), 0.5 * (0.980829 + log(8.0)) * 2.2);
    hits = pl_bm25_search(ix, *state, query(*state, "login pdf", 1), ~0u, 10, 1);
    assert_int_equal(hits->nelts, 1);
}

/* The path field (weight 2, length 1 at average 1): tf~ = 2,
 * s = 1.375, idf(auth) = 0.470004: both docs 0 and 1 tie at 0.646255 and
 * the earlier document ranks first. */
static void ties_filters_and_limits(void **state)
{
    pl_bm25_t *ix = corpus(*state);
    apr_array_header_t *hits = pl_bm25_search(ix, *state, query(*state, "auth", 1), ~0u, 10, 1);

    assert_int_equal(hits->nelts, 2);
    assert_int_equal(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).doc, 0);
    assert_int_equal(APR_ARRAY_IDX(hits, 1, pl_bm25_hit_t).doc, 1);
    NEAR(APR_ARRAY_IDX(hits, 1, pl_bm25_hit_t).score, 0.646255);

    hits = pl_bm25_search(ix, *state, query(*state, "user", 1), 2, 10, 1);
    assert_int_equal(hits->nelts, 1);
    assert_int_equal(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).doc, 2);

    hits = pl_bm25_search(ix, *state, query(*state, "user login logout", 1), ~0u, 1, 1);
    assert_int_equal(hits->nelts, 1);
    assert_int_equal(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).doc, 0);

    hits = pl_bm25_search(ix, *state, query(*state, "nothing", 1), ~0u, 10, 1);
    assert_int_equal(hits->nelts, 0);
}

static void query_terms_merge_to_the_larger_weight(void **state)
{
    apr_array_header_t *q = query(*state, "login user login", 0.5);

    pl_bm25_query_add(q, terms(*state, "user"), NULL, 1.0);
    pl_bm25_query_add(q, terms(*state, "login"), NULL, 0.2);
    assert_int_equal(q->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(q, 0, pl_bm25_qterm_t).term, "login");
    NEAR(APR_ARRAY_IDX(q, 0, pl_bm25_qterm_t).weight, 0.5);
    NEAR(APR_ARRAY_IDX(q, 1, pl_bm25_qterm_t).weight, 1.0);
}

/* Long fields are pushed down: the same single occurrence in a doc field
 * twice the average length scores less than in one of average length. */
static void longer_fields_score_lower(void **state)
{
    pl_bm25_t *ix = pl_bm25_create(*state, NULL);
    const apr_array_header_t *f[PL_BM25_FIELDS] = { NULL };
    apr_array_header_t *hits;

    f[PL_BM25_TEXT] = terms(*state, "cache a b c d e");
    pl_bm25_add(ix, 1, f);
    f[PL_BM25_TEXT] = terms(*state, "cache f");
    pl_bm25_add(ix, 1, f);
    f[PL_BM25_TEXT] = terms(*state, "g h i j");
    pl_bm25_add(ix, 1, f);
    pl_bm25_finish(ix);
    hits = pl_bm25_search(ix, *state, query(*state, "cache", 1), ~0u, 10, 1);
    assert_int_equal(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).doc, 1);
    /* avglen 4: doc 1 norm 0.625, tf~ 1.6, s = 3.52 / 2.8; doc 0 norm 1.375,
     * tf~ 0.727273, s = 1.6 / 1.927273; idf = ln(1 + 1.5 / 2.5) */
    NEAR(APR_ARRAY_IDX(hits, 0, pl_bm25_hit_t).score, log(1.6) * 3.52 / 2.8);
    NEAR(APR_ARRAY_IDX(hits, 1, pl_bm25_hit_t).score, log(1.6) * 1.6 / (0.727273 + 1.2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(idf_matches_hand_values),
        UNIT_TEST(scores_match_hand_values),
        UNIT_TEST(matched_words_and_the_ideal),
        UNIT_TEST(ties_filters_and_limits),
        UNIT_TEST(query_terms_merge_to_the_larger_weight),
        UNIT_TEST(longer_fields_score_lower),
    };
    return UNIT_RUN(tests);
}
