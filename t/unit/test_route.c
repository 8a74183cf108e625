/* SPDX-License-Identifier: Apache-2.0 */
/* pl_route: path patterns of the REST API. */
#include "unit.h"
#include "core/pl_route.h"

static void matches_table(void **state)
{
    static const struct { const char *pattern, *path; int match; const char *id; } cases[] = {
        { "/api/v1/projects", "/api/v1/projects", 1, NULL },
        { "/api/v1/projects", "/api/v1/projects/", 0, NULL },
        { "/api/v1/projects", "/api/v1/project", 0, NULL },
        { "/api/v1/projects", "/api/v1/projectsx", 0, NULL },
        { "/api/v1/projects/{id}", "/api/v1/projects/42", 1, "42" },
        { "/api/v1/projects/{id}", "/api/v1/projects/abc", 1, "abc" },
        { "/api/v1/projects/{id}", "/api/v1/projects/", 0, NULL },
        { "/api/v1/projects/{id}", "/api/v1/projects/42/plan", 0, NULL },
        { "/api/v1/projects/{id}/plan", "/api/v1/projects/7/plan", 1, "7" },
        { "/api/v1/projects/{id}/plan", "/api/v1/projects//plan", 0, NULL },
        { "/api/v1/health", "/api/v1/health/x", 0, NULL },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_table_t *params = apr_table_make(*state, 2);
        int got = pl_route_match(*state, cases[i].pattern, cases[i].path, params);
        if (got != cases[i].match)
            fail_msg("%s vs %s: got %d", cases[i].pattern, cases[i].path, got);
        if (cases[i].id)
            assert_string_equal(apr_table_get(params, "id"), cases[i].id);
    }
}

static void two_params(void **state)
{
    apr_table_t *params = apr_table_make(*state, 2);

    assert_true(pl_route_match(*state, "/a/{x}/b/{y}", "/a/1/b/two", params));
    assert_string_equal(apr_table_get(params, "x"), "1");
    assert_string_equal(apr_table_get(params, "y"), "two");
    assert_true(pl_route_match(*state, "/a/{x}", "/a/1", NULL));
}

static void rest_of_path(void **state)
{
    apr_table_t *params = apr_table_make(*state, 2);

    assert_true(pl_route_match(*state, "/s/{id}/models/{name*}", "/s/3/models/ns/m:7b", params));
    assert_string_equal(apr_table_get(params, "id"), "3");
    assert_string_equal(apr_table_get(params, "name"), "ns/m:7b");
    assert_false(pl_route_match(*state, "/s/{id}/models/{name*}", "/s/3/models/", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(matches_table),
        UNIT_TEST(two_params),
        UNIT_TEST(rest_of_path),
    };
    return UNIT_RUN(tests);
}
