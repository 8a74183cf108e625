/* SPDX-License-Identifier: Apache-2.0 */
/* pl_jsonw: replies are valid JSON whatever the strings hold; checked by
 * parsing the output back with Jansson (pl_json). */
#include <math.h>

#include "unit.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"

static void nests_and_separates(void **state)
{
    pl_jsonw_t *w = pl_jsonw_create(*state, 8);
    apr_size_t len;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "s", "x");
    pl_jsonw_int(w, "i", APR_INT64_C(-9007199254740993));
    pl_jsonw_bool(w, "t", 1);
    pl_jsonw_bool(w, "f", 0);
    pl_jsonw_str(w, "n", NULL);
    pl_jsonw_array(w, "a");
    pl_jsonw_object(w, NULL);
    pl_jsonw_end(w);
    pl_jsonw_int(w, NULL, 2);
    pl_jsonw_array(w, NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", "/x", NULL);
    pl_jsonw_link(w, "next", "/y", "?a=1");
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    assert_string_equal(pl_jsonw_text(w, &len),
                        "{\"s\":\"x\",\"i\":-9007199254740993,\"t\":true,\"f\":false,\"n\":null,"
                        "\"a\":[{},2,[]],\"_links\":{\"self\":{\"href\":\"/x\"},"
                        "\"next\":{\"href\":\"/y?a=1\"}}}");
    assert_int_equal(len, strlen(pl_jsonw_text(w, NULL)));
}

static const char *one_string(apr_pool_t *p, const char *val)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 0);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "v", val);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

static void escapes_every_string(void **state)
{
    static const struct { const char *in, *out; } cases[] = {
        { "plain", "{\"v\":\"plain\"}" },
        { "q\"b\\s/", "{\"v\":\"q\\\"b\\\\s/\"}" },
        { "\n\r\t\b\f\x01\x1f", "{\"v\":\"\\n\\r\\t\\b\\f\\u0001\\u001f\"}" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "{\"v\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}" },
        { "bad\xff!", "{\"v\":\"bad\xef\xbf\xbd!\"}" },
        { "\xc0\xaf", "{\"v\":\"\xef\xbf\xbd\xef\xbf\xbd\"}" },          /* overlong '/' */
        { "\xed\xa0\x80", "{\"v\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}" }, /* surrogate */
        { "\xe2\x82", "{\"v\":\"\xef\xbf\xbd\xef\xbf\xbd\"}" },          /* truncated */
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = one_string(*state, cases[i].in), *err;
        pl_json_t *back;
        assert_string_equal(text, cases[i].out);
        if (pl_json_parse(&back, *state, text, strlen(text), 4, &err) != APR_SUCCESS)
            fail_msg("case %d is not valid JSON: %s", (int)i, err);
    }
}

static void every_byte_round_trips_as_valid_json(void **state)
{
    char s[256];
    const char *text, *err;
    pl_json_t *back;
    int i;

    for (i = 1; i < 256; i++)
        s[i - 1] = (char)i;
    s[255] = '\0';
    text = one_string(*state, s);
    assert_int_equal(pl_json_parse(&back, *state, text, strlen(text), 4, &err), APR_SUCCESS);
}

/* Numbers come back as written: the shortest text that reads back the same. */
static void numbers_as_written(void **state)
{
    static const struct { double in; const char *out; } cases[] = {
        { 0.3, "0.3" }, { 9.488, "9.488" }, { 0.1 + 0.2, "0.30000000000000004" },
        { 1.0 / 3.0, "0.3333333333333333" }, { 2, "2" }, { -0.5, "-0.5" }, { 0, "0" },
        { 1e300, "1e+300" }, { 5e-324, "4.94065645841247e-324" }, { 123456.789, "123456.789" },
    };
    const char *err, *text;
    pl_jsonw_t *w;
    pl_json_t *back;
    double d;
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        w = pl_jsonw_create(*state, 0);
        pl_jsonw_object(w, NULL);
        pl_jsonw_number(w, "v", cases[i].in);
        pl_jsonw_end(w);
        text = pl_jsonw_text(w, NULL);
        assert_string_equal(text, apr_pstrcat(*state, "{\"v\":", cases[i].out, "}", NULL));
        assert_int_equal(pl_json_parse(&back, *state, text, strlen(text), 4, &err), APR_SUCCESS);
        assert_true(pl_json_get_number(back, "v", &d));
        assert_true(d == cases[i].in);
        /* and a number read from a client is passed on the same way */
        assert_string_equal(pl_json_member_text(*state, back, "v"), cases[i].out);
    }
    /* a whole number written as a real stays a real (found by fuzz_json) */
    text = "{\"a\":2.0,\"b\":0e99900,\"c\":-3.50}";
    assert_int_equal(pl_json_parse(&back, *state, text, strlen(text), 4, &err), APR_SUCCESS);
    assert_string_equal(pl_json_member_text(*state, back, "a"), "2.0");
    assert_string_equal(pl_json_member_text(*state, back, "b"), "0.0");
    assert_string_equal(pl_json_member_text(*state, back, "c"), "-3.5");
    w = pl_jsonw_create(*state, 0);
    pl_jsonw_array(w, NULL);
    pl_jsonw_number(w, NULL, NAN);
    pl_jsonw_number(w, NULL, -INFINITY);
    pl_jsonw_end(w);
    assert_string_equal(pl_jsonw_text(w, NULL), "[null,null]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(nests_and_separates),
        UNIT_TEST(escapes_every_string),
        UNIT_TEST(every_byte_round_trips_as_valid_json),
        UNIT_TEST(numbers_as_written),
    };
    return UNIT_RUN(tests);
}
