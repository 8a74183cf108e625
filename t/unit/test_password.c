/* SPDX-License-Identifier: Apache-2.0 */
/* pl_password: Argon2id hashing and verification, the length/NUL policy, and
 * refusal of every stored form other than ours (SECURITY.md item 7). */
#include <argon2.h>

#include "unit.h"
#include "auth/pl_password.h"
#include "core/pl_status.h"

static const char salt16[] = "0123456789abcdef";   /* 16 bytes used */
#define SALT_LEN 16

/* A password of n bytes, all 'a' except that byte i is 'b' (i >= n: none). */
static char *pw_fill(apr_pool_t *p, apr_size_t n, apr_size_t i)
{
    char *pw = apr_palloc(p, n + 1);

    memset(pw, 'a', n);
    if (i < n)
        pw[i] = 'b';
    pw[n] = '\0';
    return pw;
}

/* An encoded hash made with any type, version and parameters. */
static const char *encode_with(apr_pool_t *p, argon2_type type, uint32_t version,
                               uint32_t t, uint32_t m, uint32_t lanes, apr_size_t hashlen,
                               const char *pw)
{
    apr_size_t n = argon2_encodedlen(t, m, lanes, SALT_LEN, hashlen, type);
    char *enc = apr_palloc(p, n);
    char *hash = apr_palloc(p, hashlen);

    assert_int_equal(argon2_hash(t, m, lanes, pw, strlen(pw), salt16, SALT_LEN,
                                 hash, hashlen, enc, n, type, version), ARGON2_OK);
    return enc;
}

static void test_hash_verify(void **state)
{
    apr_pool_t *p = *state;
    const char *pw = "correct horse battery staple";
    const char *enc;

    assert_int_equal(pl_password_hash(p, pw, strlen(pw), &enc), APR_SUCCESS);
    assert_true(strncmp(enc, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    assert_int_equal(strlen(enc), 97);
    assert_int_equal(pl_password_verify(enc, pw, strlen(pw)), APR_SUCCESS);
    /* wrong password, one byte more, one byte less */
    assert_int_equal(pl_password_verify(enc, "correct horse battery stapLe", 28), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, "correct horse battery staples", 29), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, pw, strlen(pw) - 1), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, "", 0), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, NULL, 0), PL_EAUTH);
}

static void test_salted(void **state)
{
    apr_pool_t *p = *state;
    const char *pw = "the same password twice";
    const char *a, *b;

    assert_int_equal(pl_password_hash(p, pw, strlen(pw), &a), APR_SUCCESS);
    assert_int_equal(pl_password_hash(p, pw, strlen(pw), &b), APR_SUCCESS);
    assert_string_not_equal(a, b);
    assert_int_equal(pl_password_verify(a, pw, strlen(pw)), APR_SUCCESS);
    assert_int_equal(pl_password_verify(b, pw, strlen(pw)), APR_SUCCESS);
}

/* bcrypt ignores everything after byte 72; we must not. */
static void test_no_truncation(void **state)
{
    apr_pool_t *p = *state;
    const char *pw = pw_fill(p, 100, 100), *other = pw_fill(p, 100, 80);
    const char *enc;

    assert_int_equal(pl_password_hash(p, pw, 100, &enc), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, pw, 100), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, other, 100), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, pw, 72), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, pw_fill(p, 100, 99), 100), PL_EAUTH);
}

/* NUL bytes never reach the hash (policy), but verify still uses len. */
static void test_len_not_strlen(void **state)
{
    apr_pool_t *p = *state;
    const char *enc;

    assert_int_equal(pl_password_hash(p, "abcdefghijkl\0x", 14, &enc), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, "abcdefghijkl\0x", 14), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, "abcdefghijkl\0y", 14), PL_EAUTH);
    assert_int_equal(pl_password_verify(enc, "abcdefghijkl", 12), PL_EAUTH);
}

static void test_policy(void **state)
{
    apr_pool_t *p = *state;
    const char *why = NULL, *enc;
    char *big = pw_fill(p, 1025, 1025);

    assert_int_equal(pl_password_check_policy(big, 12, &why), APR_SUCCESS);
    assert_int_equal(pl_password_check_policy(big, 1024, &why), APR_SUCCESS);

    assert_int_equal(pl_password_check_policy(big, 11, &why), PL_EINVAL);
    assert_string_equal(why, "password must be 12 to 1024 bytes");
    why = NULL;
    assert_int_equal(pl_password_check_policy(big, 1025, &why), PL_EINVAL);
    assert_string_equal(why, "password must be 12 to 1024 bytes");
    assert_int_equal(pl_password_check_policy("", 0, &why), PL_EINVAL);
    assert_int_equal(pl_password_check_policy(NULL, 0, &why), PL_EINVAL);
    assert_int_equal(pl_password_check_policy(big, 1024 * 1024, NULL), PL_EINVAL);

    why = NULL;
    assert_int_equal(pl_password_check_policy("abcdefghijkl\0mnop", 17, &why), PL_EINVAL);
    assert_string_equal(why, "password must not contain a NUL byte");
    assert_int_equal(pl_password_check_policy("\0bcdefghijklmnop", 16, &why), PL_EINVAL);
    big[1023] = '\0';
    assert_int_equal(pl_password_check_policy(big, 1024, &why), PL_EINVAL);
    big[1023] = 'a';
    /* multibyte characters count as bytes: 6 x 2 bytes = 12 */
    assert_int_equal(pl_password_check_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                                              12, &why), APR_SUCCESS);

    /* 1024 bytes hash and verify over the full length */
    assert_int_equal(pl_password_hash(p, big, 1024, &enc), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, big, 1024), APR_SUCCESS);
    assert_int_equal(pl_password_verify(enc, pw_fill(p, 1024, 1023), 1024), PL_EAUTH);
    /* over the maximum: neither hashed nor verified */
    assert_int_equal(pl_password_hash(p, big, 1025, &enc), PL_EINVAL);
    assert_int_equal(pl_password_verify(enc, big, 1025), PL_EAUTH);
}

static void test_refuses_other_forms(void **state)
{
    apr_pool_t *p = *state;
    const char *pw = "correct horse battery staple";
    const char *ours = encode_with(p, Argon2_id, ARGON2_VERSION_13, 2, 19456, 1, 32, pw);
    const char *bad[] = {
        /* the right password under every other type, version or cost */
        encode_with(p, Argon2_i, ARGON2_VERSION_13, 2, 19456, 1, 32, pw),
        encode_with(p, Argon2_d, ARGON2_VERSION_13, 2, 19456, 1, 32, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_10, 2, 19456, 1, 32, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_13, 3, 4096, 1, 32, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_13, 1, 19456, 1, 32, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_13, 2, 19456, 2, 32, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_13, 2, 19456, 1, 4, pw),
        encode_with(p, Argon2_id, ARGON2_VERSION_13, 2, 19456, 1, 64, pw),
        /* ours, altered */
        apr_pstrcat(p, ours, "A", NULL),
        apr_pstrcat(p, ours, "$", NULL),
        apr_pstrndup(p, ours, strlen(ours) - 1),
        apr_pstrcat(p, " ", ours, NULL),
        apr_pstrcat(p, "$argon2id$v=19$m=19456,t=2,p=1,x=1$", ours + 31, NULL),
        /* neither argon2id nor a hash */
        pw,
        "plain",
        "",
        "$2y$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "$argon2id$v=19$m=19456,t=2,p=1$",
        "$argon2id$v=19$m=19456,t=2,p=1$$",
        "$argon2id$v=19$m=19456,t=2,p=1$+eHuyD5yH4ewcMaJDHAPFA$"
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        NULL,
    };
    apr_size_t i;

    assert_int_equal(pl_password_verify(ours, pw, strlen(pw)), APR_SUCCESS);
    assert_true(strncmp(bad[0], "$argon2i$", 9) == 0);
    assert_true(strncmp(bad[3], "$argon2id$v=19$m=4096,t=3,p=1$", 30) == 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pl_password_verify(bad[i], pw, strlen(pw)) != PL_EAUTH)
            fail_msg("accepted #%u: %s", (unsigned)i, bad[i] ? bad[i] : "(null)");
    }
    assert_int_equal(pl_password_verify(NULL, pw, strlen(pw)), PL_EAUTH);
}

static void test_dummy(void **state)
{
    const char *d = pl_password_dummy_hash();
    const char *pw = "correct horse battery staple";

    (void)state;
    assert_non_null(d);
    assert_ptr_equal(d, pl_password_dummy_hash());
    assert_true(strncmp(d, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    assert_int_equal(strlen(d), 97);
    /* well-formed: libargon2 decodes it and fails on the hash, not the format */
    assert_int_equal(argon2id_verify(d, pw, strlen(pw)), ARGON2_VERIFY_MISMATCH);
    assert_int_equal(pl_password_verify(d, pw, strlen(pw)), PL_EAUTH);
    assert_int_equal(pl_password_verify(d, "", 0), PL_EAUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_hash_verify),
        UNIT_TEST(test_salted),
        UNIT_TEST(test_no_truncation),
        UNIT_TEST(test_len_not_strlen),
        UNIT_TEST(test_policy),
        UNIT_TEST(test_refuses_other_forms),
        UNIT_TEST(test_dummy),
    };

    return UNIT_RUN(tests);
}
