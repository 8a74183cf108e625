/* SPDX-License-Identifier: Apache-2.0 */
/* pl_json: strict, bounded parsing of untrusted bodies (SECURITY.md 19). */
#include "unit.h"
#include "core/pl_json.h"
#include "core/pl_status.h"

static apr_status_t parse(apr_pool_t *p, const char *text, apr_size_t len, pl_json_t **j)
{
    const char *err = NULL;
    apr_status_t rv = pl_json_parse(j, p, text, len, 32, &err);

    if (rv != APR_SUCCESS)
        assert_non_null(err);
    return rv;
}

#define PARSE(p, s, j) parse(p, s, sizeof(s) - 1, j)

static void accepts_object(void **state)
{
    pl_json_t *j;

    assert_int_equal(PARSE(*state, "{\"name\":\"x\",\"n\":1,\"u\":null}", &j), APR_SUCCESS);
    assert_int_equal(pl_json_type(j), PL_JSON_OBJECT);
    assert_string_equal(pl_json_get_str(j, "name"), "x");
    assert_int_equal(pl_json_type_of(j, "n"), PL_JSON_INTEGER);
    assert_int_equal(pl_json_type_of(j, "u"), PL_JSON_NULL);
    assert_int_equal(pl_json_type_of(j, "missing"), PL_JSON_ABSENT);
    assert_null(pl_json_get_str(j, "n"));
}

static void rejects_malformed(void **state)
{
    static const char *const bad[] = {
        "{\"a\":", "{\"a\":1,\"a\":2}", "{\"a\":1e99999}", "{\"a\":1} x", "{\"a\":\"\\u0000\"}",
        "", "nul", "{\"a\":123456789012345678901234567890}", "{'a':1}",
        NULL
    };
    const char *const *s;
    pl_json_t *j;

    for (s = bad; *s; s++)
        assert_int_equal(parse(*state, *s, strlen(*s), &j), PL_EJSON);
}

static void rejects_invalid_utf8(void **state)
{
    static const char text[] = "{\"a\":\"\xff\xfe\"}";
    static const char overlong[] = "{\"a\":\"\xc0\xaf\"}";
    pl_json_t *j;

    assert_int_equal(PARSE(*state, text, &j), PL_EJSON);
    assert_int_equal(PARSE(*state, overlong, &j), PL_EJSON);
}

static void bounds_depth(void **state)
{
    apr_pool_t *p = *state;
    int n = 10000, i;
    char *deep = apr_palloc(p, 2 * n + 1);
    const char *err;
    pl_json_t *j;

    for (i = 0; i < n; i++) {
        deep[i] = '[';
        deep[2 * n - 1 - i] = ']';
    }
    deep[2 * n] = '\0';
    assert_int_equal(pl_json_parse(&j, p, deep, 2 * n, 32, &err), PL_EJSON);
    assert_non_null(strstr(err, "nesting"));
    /* exactly at the limit parses; brackets inside strings do not count */
    assert_int_equal(pl_json_parse(&j, p, "[[[1]]]", 7, 3, &err), APR_SUCCESS);
    assert_int_equal(pl_json_parse(&j, p, "[[[[1]]]]", 9, 3, &err), PL_EJSON);
    assert_int_equal(pl_json_parse(&j, p, "{\"a\":\"[[[[[[\"}", 14, 2, &err), APR_SUCCESS);
}

static void reads_keys(void **state)
{
    static const char *const known[] = { "s", "i", NULL };
    pl_json_t *j;

    assert_int_equal(PARSE(*state, "{\"s\":\"x\",\"i\":1,\"b\":true}", &j), APR_SUCCESS);
    assert_string_equal(pl_json_unknown_key(j, known), "b");
    assert_int_equal(pl_json_type_of(j, "b"), PL_JSON_BOOL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(accepts_object),
        UNIT_TEST(rejects_malformed),
        UNIT_TEST(rejects_invalid_utf8),
        UNIT_TEST(bounds_depth),
        UNIT_TEST(reads_keys),
    };
    return UNIT_RUN(tests);
}
