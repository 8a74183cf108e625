/* SPDX-License-Identifier: Apache-2.0 */
/* pl_secret: random API keys and refresh tokens, their stored hash, and the
 * strict parsing of a presented token (SECURITY.md item 10). */
#include "unit.h"
#include "core/pl_secret.h"
#include "core/pl_status.h"

#define S43 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123_-_"   /* 43 valid chars */

static int all_b64url(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
              || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static int all_lowerhex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

static void test_random(void **state)
{
    apr_pool_t *p = *state;
    const char *a, *b;
    int i;

    assert_int_equal(strlen(S43), 43);
    assert_int_equal(pl_secret_random(p, &a), APR_SUCCESS);
    assert_int_equal(pl_secret_random(p, &b), APR_SUCCESS);
    assert_int_equal(strlen(a), 43);
    assert_int_equal(strlen(b), 43);
    assert_true(all_b64url(a));
    assert_true(all_b64url(b));
    assert_string_not_equal(a, b);
    /* the last character carries 4 bits and 2 zero bits: one of 16 values */
    for (i = 0; i < 64; i++) {
        assert_int_equal(pl_secret_random(p, &a), APR_SUCCESS);
        assert_non_null(strchr("AEIMQUYcgkosw048", a[42]));
        assert_true(all_b64url(a));
    }
}

static void test_hash(void **state)
{
    apr_pool_t *p = *state;
    const char *h = pl_secret_hash(p, "abc");

    assert_non_null(h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(pl_secret_hash(p, ""),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    h = pl_secret_hash(p, S43);
    assert_int_equal(strlen(h), 64);
    assert_true(all_lowerhex(h));
    assert_string_equal(h, pl_secret_hash(p, S43));
    assert_string_not_equal(h, pl_secret_hash(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123_-A"));
}

static void test_round_trip(void **state)
{
    apr_pool_t *p = *state;
    const char *secret, *token, *got;
    apr_int64_t id = 0;

    assert_int_equal(pl_secret_random(p, &secret), APR_SUCCESS);
    token = pl_secret_format(p, "pl", 42, secret);
    assert_string_equal(token, apr_pstrcat(p, "pl_42_", secret, NULL));
    assert_int_equal(pl_secret_parse(token, "pl", &id, &got, p), APR_SUCCESS);
    assert_int_equal(id, 42);
    assert_string_equal(got, secret);

    token = pl_secret_format(p, "plr", APR_INT64_C(9007199254740991), S43);
    assert_string_equal(token, "plr_9007199254740991_" S43);
    assert_int_equal(pl_secret_parse(token, "plr", &id, &got, p), APR_SUCCESS);
    assert_true(id == APR_INT64_C(9007199254740991));
    assert_string_equal(got, S43);

    /* underscores in the secret belong to it, wherever they are */
    {
        char under[44];

        memset(under, '_', 43);
        under[43] = '\0';
        assert_int_equal(pl_secret_parse(apr_pstrcat(p, "pl_1_", under, NULL), "pl",
                                         &id, &got, p), APR_SUCCESS);
        assert_int_equal(id, 1);
        assert_string_equal(got, under);
    }
}

static void test_parse_refusals(void **state)
{
    apr_pool_t *p = *state;
    static const struct { const char *token, *prefix; } bad[] = {
        { "plr_1_" S43, "pl" },             /* another prefix */
        { "pl_1_" S43, "plr" },
        { "PL_1_" S43, "pl" },
        { "pl1_" S43, "pl" },
        { "xpl_1_" S43, "pl" },
        { "pl-1_" S43, "pl" },
        { "pl_0_" S43, "pl" },              /* zero id */
        { "pl_00_" S43, "pl" },
        { "pl_01_" S43, "pl" },             /* leading zero */
        { "pl_x_" S43, "pl" },              /* not decimal */
        { "pl_-1_" S43, "pl" },
        { "pl_+1_" S43, "pl" },
        { "pl_ 1_" S43, "pl" },
        { "pl_1 _" S43, "pl" },
        { "pl_1x_" S43, "pl" },
        { "pl_0x1_" S43, "pl" },
        { "pl_1e3_" S43, "pl" },
        { "pl__" S43, "pl" },               /* empty id */
        { "pl__abc", "pl" },
        { "pl_9007199254740992_" S43, "pl" },    /* 2^53 */
        { "pl_9223372036854775808_" S43, "pl" }, /* 2^63 */
        { "pl_18446744073709551617_" S43, "pl" },/* 2^64 + 1 */
        { "pl_99999999999999999999999999999999_" S43, "pl" },
        { "pl_1_short", "pl" },             /* wrong secret length */
        { "pl_1_", "pl" },
        { "pl_1_" S43 "A", "pl" },
        { "pl_1_" S43 "_", "pl" },
        { "pl_1_" S43 "_extra", "pl" },      /* extra part */
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123_-", "pl" },   /* 42 */
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123_-=", "pl" },  /* padding */
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/A", "pl" },  /* std base64 */
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123 -A", "pl" },
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123.-A", "pl" },
        { "pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123\xc3\xa9", "pl" },
        { "pl_1_" S43 "\n", "pl" },
        { "pl_1", "pl" },                   /* missing parts */
        { "pl_1_", "pl" },
        { "pl_", "pl" },
        { "pl", "pl" },
        { "", "pl" },
        { "_1_" S43, "" },                  /* no prefix given */
        { " pl_1_" S43, "pl" },
        { "Bearer pl_1_" S43, "pl" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_int64_t id = -7;
        const char *secret = "untouched";

        if (pl_secret_parse(bad[i].token, bad[i].prefix, &id, &secret, p) != PL_EAUTH)
            fail_msg("accepted #%u: %s", (unsigned)i, bad[i].token);
        assert_int_equal(id, -7);
        assert_string_equal(secret, "untouched");
    }
    {
        apr_int64_t id = -7;
        const char *secret = "untouched";

        assert_int_equal(pl_secret_parse(NULL, "pl", &id, &secret, p), PL_EAUTH);
        assert_int_equal(pl_secret_parse("pl_1_" S43, NULL, &id, &secret, p), PL_EAUTH);
        /* a NUL inside ends the C string: what follows is never seen */
        assert_int_equal(pl_secret_parse("pl_1_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\0" "123_-_",
                                         "pl", &id, &secret, p), PL_EAUTH);
    }
}

static void test_equal(void **state)
{
    apr_pool_t *p = *state;
    const char *a = pl_secret_hash(p, "abc");
    const char *b = pl_secret_hash(p, "abd");

    assert_true(pl_secret_equal(a, apr_pstrdup(p, a)));
    assert_false(pl_secret_equal(a, b));
    assert_false(pl_secret_equal(a, apr_pstrndup(p, a, 63)));
    assert_false(pl_secret_equal(apr_pstrndup(p, a, 63), a));
    assert_false(pl_secret_equal(a, apr_pstrcat(p, a, "0", NULL)));
    assert_false(pl_secret_equal(a, ""));
    assert_false(pl_secret_equal(a, NULL));
    assert_false(pl_secret_equal(NULL, a));
    assert_false(pl_secret_equal(NULL, NULL));
    assert_true(pl_secret_equal("", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_random),
        UNIT_TEST(test_hash),
        UNIT_TEST(test_round_trip),
        UNIT_TEST(test_parse_refusals),
        UNIT_TEST(test_equal),
    };

    return UNIT_RUN(tests);
}
