/* SPDX-License-Identifier: Apache-2.0 */
/* pl_cache: values are served only for the revision they were stored with,
 * and the cache stays within its bound. */
#include "unit.h"
#include "core/pl_cache.h"

static void serves_only_its_revision(void **state)
{
    apr_pool_t *p = *state;
    pl_cache_t *c;
    apr_size_t len = 0;
    const char *v;

    assert_int_equal(pl_cache_create(&c, p, 4096), APR_SUCCESS);
    assert_null(pl_cache_get(c, "k", 1, p, &len));
    pl_cache_put(c, "k", 1, "hello", 5);
    v = pl_cache_get(c, "k", 1, p, &len);
    assert_non_null(v);
    assert_int_equal(len, 5);
    assert_string_equal(v, "hello");
    assert_null(pl_cache_get(c, "k", 2, p, &len));   /* data changed since */
    assert_null(pl_cache_get(c, "other", 1, p, &len));
    pl_cache_put(c, "k", 2, "world!", 6);
    assert_string_equal(pl_cache_get(c, "k", 2, p, &len), "world!");
    assert_null(pl_cache_get(c, "k", 1, p, &len));
}

static void stays_within_bound(void **state)
{
    apr_pool_t *p = *state;
    char big[1000];
    pl_cache_t *c;
    apr_size_t len;
    int i, kept = 0;

    memset(big, 'x', sizeof(big));
    assert_int_equal(pl_cache_create(&c, p, 4096), APR_SUCCESS);
    for (i = 0; i < 20; i++)
        pl_cache_put(c, apr_itoa(p, i), 1, big, sizeof(big));
    for (i = 0; i < 20; i++)
        kept += pl_cache_get(c, apr_itoa(p, i), 1, p, &len) != NULL;
    assert_true(kept >= 1 && kept <= 4);
    assert_non_null(pl_cache_get(c, "19", 1, p, &len));  /* the newest survives */

    assert_int_equal(pl_cache_create(&c, p, 0), APR_SUCCESS);   /* disabled */
    pl_cache_put(c, "k", 1, "v", 1);
    assert_null(pl_cache_get(c, "k", 1, p, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(serves_only_its_revision),
        UNIT_TEST(stays_within_bound),
    };
    return UNIT_RUN(tests);
}
