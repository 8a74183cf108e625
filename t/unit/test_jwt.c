/* SPDX-License-Identifier: Apache-2.0 */
/* pl_jwt: HS256 session tokens (SECURITY.md, Tokens; table items 1, 2, 3, 5).
 * Hostile tokens are built here with OpenSSL directly, not with pl_jwt_sign,
 * so the library cannot agree with itself about a mistake. */
/* unit.h's log callback ignores two parameters; the project builds with
 * -Wno-unused-parameter, this keeps a plain -Wextra -Werror build working. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "unit.h"
#pragma GCC diagnostic pop

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/pl_jwt.h"
#include "core/pl_status.h"

#define NOW  1700000000
#define KEY  "k7Vq2#pL9!zR4wX8&mN1sT6yB3cF5hJ0"     /* 32 bytes */
#define KEYLEN (sizeof(KEY) - 1)

#define HDR      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define ISS      "\"iss\":\"mod_planning\""
#define AUD      "\"aud\":\"planning.example\""
#define TYP      "\"typ\":\"access\""
#define IDS      "\"sub\":7,\"ver\":3"
#define IAT      "\"iat\":1699999000"
#define EXP      "\"exp\":1700000900"
#define CLAIMS   ISS "," AUD "," TYP "," IDS "," IAT
#define GOOD     "{" CLAIMS "," EXP "}"

static const pl_jwt_claims_t expect = { "mod_planning", "planning.example", "access",
                                        0, 0, 0, 0, NULL, 0 };

enum sig { HS256, HS512, NOSIG };

static const char *b64u(apr_pool_t *p, const void *data, size_t n)
{
    char *out = apr_palloc(p, 4 * ((n + 2) / 3) + 1);
    int len = EVP_EncodeBlock((unsigned char *)out, data, (int)n), i;

    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (i = 0; i < len; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return out;
}

static const char *make(apr_pool_t *p, const char *hdr, const char *payload, enum sig sig,
                        const char *key, size_t keylen)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    const char *input = apr_pstrcat(p, b64u(p, hdr, strlen(hdr)), ".",
                                    b64u(p, payload, strlen(payload)), NULL);

    if (sig == NOSIG)
        return apr_pstrcat(p, input, ".", NULL);
    assert_non_null(HMAC(sig == HS256 ? EVP_sha256() : EVP_sha512(), key, (int)keylen,
                         (const unsigned char *)input, strlen(input), mac, &maclen));
    return apr_pstrcat(p, input, ".", b64u(p, mac, maclen), NULL);
}

static apr_status_t verify(apr_pool_t *p, const char *token, const char **why)
{
    pl_jwt_claims_t c;

    *why = "unset";
    return pl_jwt_verify(p, (const unsigned char *)KEY, KEYLEN, token, NOW, &expect, &c, why);
}

static void refused(apr_pool_t *p, const char *token, const char *want_why)
{
    const char *why;

    if (verify(p, token, &why) != PL_EAUTH || (want_why && strcmp(why, want_why) != 0))
        fail_msg("token %.200s: want refusal \"%s\", got \"%s\"", token ? token : "(null)",
                 want_why ? want_why : "any", why ? why : "(accepted)");
}

struct tcase {
    const char *name, *hdr, *payload;
    enum sig sig;
    const char *why;     /* NULL: must verify */
};

static const struct tcase cases[] = {
    { "valid", HDR, GOOD, HS256, NULL },
    { "no header typ", "{\"alg\":\"HS256\"}", GOOD, HS256, NULL },
    { "nbf now", HDR, "{" CLAIMS "," EXP ",\"nbf\":1700000000}", HS256, NULL },
    { "jti and unknown claim", HDR, "{" CLAIMS "," EXP ",\"jti\":\"ab\",\"role\":\"x\"}", HS256, NULL },
    /* SECURITY 1 */
    { "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, NOSIG, "empty part" },
    { "alg none signed", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, HS256, "alg not HS256" },
    { "alg None", "{\"alg\":\"None\"}", GOOD, HS256, "alg not HS256" },
    { "alg hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", GOOD, HS256, "alg not HS256" },
    { "alg HS256 space", "{\"alg\":\"HS256 \"}", GOOD, HS256, "alg not HS256" },
    { "alg missing", "{\"typ\":\"JWT\"}", GOOD, HS256, "alg not HS256" },
    { "alg array", "{\"alg\":[\"HS256\"]}", GOOD, HS256, "alg not HS256" },
    { "empty signature", HDR, GOOD, NOSIG, "empty part" },
    /* SECURITY 2 */
    { "HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", GOOD, HS512, "alg not HS256" },
    { "HS512 mac, HS256 header", HDR, GOOD, HS512, "bad signature encoding" },
    { "RS256 header, HS256 mac", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", GOOD, HS256, "alg not HS256" },
    { "RS256 header, HS512 mac", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", GOOD, HS512, "alg not HS256" },
    /* SECURITY 3 */
    { "expired", HDR, "{" CLAIMS ",\"exp\":1699999999}", HS256, "expired" },
    { "exp now", HDR, "{" CLAIMS ",\"exp\":1700000000}", HS256, "expired" },
    { "no exp", HDR, "{" CLAIMS "}", HS256, "no exp" },
    { "exp string", HDR, "{" CLAIMS ",\"exp\":\"1700000900\"}", HS256, "exp not an integer" },
    { "exp real", HDR, "{" CLAIMS ",\"exp\":1700000900.0}", HS256, "exp not an integer" },
    { "exp exponent", HDR, "{" CLAIMS ",\"exp\":1.8e9}", HS256, "exp not an integer" },
    { "exp null", HDR, "{" CLAIMS ",\"exp\":null}", HS256, "exp not an integer" },
    { "duplicate exp", HDR, "{" CLAIMS "," EXP ",\"exp\":1}", HS256, "bad payload" },
    { "nbf future", HDR, "{" CLAIMS "," EXP ",\"nbf\":1700000001}", HS256, "not yet valid" },
    { "nbf string", HDR, "{" CLAIMS "," EXP ",\"nbf\":\"0\"}", HS256, "nbf not an integer" },
    { "iat string", HDR, "{" ISS "," AUD "," TYP "," IDS ",\"iat\":\"1\"," EXP "}", HS256,
      "iat not an integer" },
    { "wrong aud", HDR, "{" ISS ",\"aud\":\"other.example\"," TYP "," IDS "," EXP "}", HS256,
      "wrong aud" },
    { "aud array", HDR, "{" ISS ",\"aud\":[\"planning.example\"]," TYP "," IDS "," EXP "}", HS256,
      "wrong aud" },
    { "no aud", HDR, "{" ISS "," TYP "," IDS "," EXP "}", HS256, "wrong aud" },
    { "wrong iss", HDR, "{\"iss\":\"someone\"," AUD "," TYP "," IDS "," EXP "}", HS256, "wrong iss" },
    { "no iss", HDR, "{" AUD "," TYP "," IDS "," EXP "}", HS256, "wrong iss" },
    { "refresh typ", HDR, "{" ISS "," AUD ",\"typ\":\"refresh\"," IDS "," EXP "}", HS256, "wrong typ" },
    { "no typ", HDR, "{" ISS "," AUD "," IDS "," EXP "}", HS256, "wrong typ" },
    { "sid string", HDR, "{" CLAIMS ",\"sid\":\"4\"," EXP "}", HS256, "bad sid" },
    { "sid zero", HDR, "{" CLAIMS ",\"sid\":0," EXP "}", HS256, "bad sid" },
    { "header typ", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", GOOD, HS256, "header typ not JWT" },
    { "header typ number", "{\"alg\":\"HS256\",\"typ\":1}", GOOD, HS256, "header typ not JWT" },
    { "crit", "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", GOOD, HS256, "crit header" },
    { "sub 0", HDR, "{" ISS "," AUD "," TYP ",\"sub\":0,\"ver\":3," EXP "}", HS256, "bad sub" },
    { "sub string", HDR, "{" ISS "," AUD "," TYP ",\"sub\":\"7\",\"ver\":3," EXP "}", HS256, "bad sub" },
    { "no sub", HDR, "{" ISS "," AUD "," TYP ",\"ver\":3," EXP "}", HS256, "bad sub" },
    { "ver -1", HDR, "{" ISS "," AUD "," TYP ",\"sub\":7,\"ver\":-1," EXP "}", HS256, "bad ver" },
    { "ver real", HDR, "{" ISS "," AUD "," TYP ",\"sub\":7,\"ver\":3.0," EXP "}", HS256, "bad ver" },
    { "no ver", HDR, "{" ISS "," AUD "," TYP ",\"sub\":7," EXP "}", HS256, "bad ver" },
    { "jti number", HDR, "{" CLAIMS "," EXP ",\"jti\":5}", HS256, "jti not a string" },
    { "payload array", HDR, "[" GOOD "]", HS256, "bad payload" },
    { "payload not json", HDR, "exp=1700000900", HS256, "bad payload" },
    { "header not json", "alg=HS256", GOOD, HS256, "bad header" },
    { "header too deep", "{\"alg\":\"HS256\",\"x\":[[[[[1]]]]]}", GOOD, HS256, "bad header" },
};

static void table(void **state)
{
    apr_pool_t *p = *state;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct tcase *t = &cases[i];
        const char *token = make(p, t->hdr, t->payload, t->sig, KEY, KEYLEN), *why;
        apr_status_t rv = verify(p, token, &why);

        if (t->why && (rv != PL_EAUTH || !why || strcmp(why, t->why) != 0))
            fail_msg("%s: want refusal \"%s\", got %d \"%s\"", t->name, t->why, rv,
                     why ? why : "(null)");
        if (!t->why && rv != APR_SUCCESS)
            fail_msg("%s: want success, got \"%s\"", t->name, why);
    }
}

static void round_trip(void **state)
{
    apr_pool_t *p = *state;
    pl_jwt_claims_t in = { "mod_planning", "planning.example", "access", 42, 5,
                           NOW - 10, NOW + 900, NULL, 7 }, out;
    const char *tok, *tok2, *why;

    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok), APR_SUCCESS);
    assert_true(strlen(tok) <= PL_JWT_MAX_LEN);
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)KEY, KEYLEN, tok, NOW, &expect,
                                   &out, &why), APR_SUCCESS);
    assert_null(why);
    assert_string_equal(out.iss, "mod_planning");
    assert_string_equal(out.aud, "planning.example");
    assert_string_equal(out.typ, "access");
    assert_int_equal(out.sub, 42);
    assert_int_equal(out.ver, 5);
    assert_int_equal(out.iat, NOW - 10);
    assert_int_equal(out.exp, NOW + 900);
    assert_int_equal(out.sid, 7);
    assert_non_null(out.jti);
    assert_int_equal(strlen(out.jti), 32);

    /* A fresh jti each time; a given one is kept. */
    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok2), APR_SUCCESS);
    assert_string_not_equal(tok, tok2);
    in.jti = "fixed-id";
    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok), APR_SUCCESS);
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)KEY, KEYLEN, tok, NOW, &expect,
                                   &out, &why), APR_SUCCESS);
    assert_string_equal(out.jti, "fixed-id");
    /* Expiry is checked against the caller's clock. */
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)KEY, KEYLEN, tok, NOW + 900,
                                   &expect, &out, &why), PL_EAUTH);
    assert_string_equal(why, "expired");
}

static void sign_refuses(void **state)
{
    apr_pool_t *p = *state;
    pl_jwt_claims_t in = { "mod_planning", "planning.example", "access", 42, 5, NOW, NOW + 900, NULL,
                           0 };
    const char *tok = "x", *why;

    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN - 1, &in, &tok), PL_EINVAL);
    assert_null(tok);
    in.sub = 0;
    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok), PL_EINVAL);
    in.sub = 42;
    in.iss = "bad \xff utf-8";
    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok), PL_EINVAL);
    in.iss = "mod_planning";
    assert_int_equal(pl_jwt_sign(p, (const unsigned char *)KEY, KEYLEN, &in, &tok), APR_SUCCESS);
    /* A short key is refused on the verifying side too, even with a valid MAC. */
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)KEY, KEYLEN - 1,
                                   make(p, HDR, GOOD, HS256, KEY, KEYLEN - 1), NOW, &expect,
                                   NULL, &why), PL_EAUTH);
}

/* SECURITY 5: refused on shape alone, before any decoding or MAC. */
static void refuses_shape(void **state)
{
    apr_pool_t *p = *state;
    const char *tok = make(p, HDR, GOOD, HS256, KEY, KEYLEN);
    char *huge = apr_palloc(p, 65537), *edge = apr_palloc(p, PL_JWT_MAX_LEN + 2);

    memset(huge, 'A', 65536);
    huge[65536] = '\0';
    memcpy(huge, tok, strlen(tok));          /* a valid token followed by 64 KiB of junk */
    refused(p, huge, "too long");
    memset(edge, 'A', PL_JWT_MAX_LEN + 1);
    edge[1] = edge[3] = '.';
    edge[PL_JWT_MAX_LEN + 1] = '\0';
    refused(p, edge, "too long");

    refused(p, NULL, "no token");
    refused(p, "", "no token");
    refused(p, apr_pstrcat(p, tok, ".", NULL), "not three parts");
    refused(p, apr_pstrcat(p, tok, ".e30", NULL), "not three parts");
    refused(p, "abc.def", "not three parts");
    refused(p, "abc", "not three parts");
    refused(p, "..", "empty part");
    refused(p, apr_pstrcat(p, ".", strchr(tok, '.') + 1, NULL), "empty part");
    refused(p, apr_pstrcat(p, apr_pstrndup(p, tok, strchr(tok, '.') - tok), ".",
                           strrchr(tok, '.'), NULL), "empty part");
}

/* Replaces the character at pos (negative: from the end) or inserts before it. */
static const char *edit(apr_pool_t *p, const char *tok, int pos, const char *with, int insert)
{
    size_t n = strlen(tok), at = pos < 0 ? n + pos : (size_t)pos;

    return apr_pstrcat(p, apr_pstrndup(p, tok, at), with, tok + at + (insert ? 0 : 1), NULL);
}

static void refuses_odd_base64(void **state)
{
    apr_pool_t *p = *state;
    const char *tok = make(p, HDR, GOOD, HS256, KEY, KEYLEN), *why;
    const char *sig = strrchr(tok, '.') + 1;
    int hlen = (int)(strchr(tok, '.') - tok);
    char last[2] = { 0, 0 };

    assert_int_equal(verify(p, tok, &why), APR_SUCCESS);
    assert_int_equal(strlen(sig), 43);
    refused(p, apr_pstrcat(p, tok, "=", NULL), "bad signature encoding");
    refused(p, edit(p, tok, hlen, "=", 1), "bad header");              /* header "...=" */
    refused(p, edit(p, tok, hlen + 1, "==", 1), "bad signature");       /* payload "==..." */
    refused(p, edit(p, tok, -1, "+", 0), "bad signature encoding");
    refused(p, edit(p, tok, -5, "/", 0), "bad signature encoding");
    refused(p, edit(p, tok, 3, "+", 0), "bad header");
    refused(p, edit(p, tok, 3, "/", 0), "bad header");
    refused(p, edit(p, tok, 4, " ", 1), "bad header");
    refused(p, edit(p, tok, -3, " ", 0), "bad signature encoding");
    refused(p, apr_pstrcat(p, " ", tok, NULL), "bad header");
    refused(p, apr_pstrcat(p, tok, "\n", NULL), "bad signature encoding");
    refused(p, edit(p, tok, hlen, "A", 1), "bad header");               /* 37 = 1 mod 4 */
    refused(p, edit(p, tok, hlen, "\xc3\xa9", 1), "bad header");
    /* Same 32 bytes, another spelling: the last character's two spare bits set. */
    last[0] = sig[42] + 1;
    refused(p, edit(p, tok, -1, last, 0), "bad signature encoding");
}

static void refuses_tampering(void **state)
{
    apr_pool_t *p = *state;
    const char *tok = make(p, HDR, GOOD, HS256, KEY, KEYLEN);
    const char *evil = make(p, HDR, "{" ISS "," AUD "," TYP ",\"sub\":1,\"ver\":3," EXP "}",
                            HS256, KEY, KEYLEN);
    char other[] = KEY;
    const char *why;
    char flip[2] = { 0, 0 };

    /* The admin's claims, the user's signature. */
    refused(p, apr_pstrcat(p, apr_pstrndup(p, evil, strrchr(evil, '.') - evil),
                           strrchr(tok, '.'), NULL), "bad signature");
    flip[0] = tok[strlen(tok) - 10] == 'A' ? 'B' : 'A';
    refused(p, edit(p, tok, -10, flip, 0), "bad signature");

    other[0] ^= 1;
    refused(p, make(p, HDR, GOOD, HS256, other, KEYLEN), "bad signature");
    other[0] ^= 1;
    other[KEYLEN - 1] ^= 0x80;
    refused(p, make(p, HDR, GOOD, HS256, other, KEYLEN), "bad signature");
    refused(p, make(p, HDR, GOOD, HS256, KEY "x", KEYLEN + 1), "bad signature");
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)other, KEYLEN, tok, NOW, &expect,
                                   NULL, &why), PL_EAUTH);
    assert_string_equal(why, "bad signature");
}

/* kid/jku/x5u/jwk name another key; they must change nothing. */
static void ignores_key_hints(void **state)
{
    static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../dev/null\","
        "\"jku\":\"https://evil.example/jwks.json\",\"x5u\":\"https://evil.example/c.pem\","
        "\"jwk\":{\"kty\":\"oct\",\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"}}";
    static const char attacker[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    apr_pool_t *p = *state;
    const char *why;

    assert_int_equal(verify(p, make(p, hdr, GOOD, HS256, KEY, KEYLEN), &why), APR_SUCCESS);
    refused(p, make(p, hdr, GOOD, HS256, attacker, sizeof(attacker) - 1), "bad signature");
    assert_int_equal(pl_jwt_verify(p, (const unsigned char *)attacker, sizeof(attacker) - 1,
                                   make(p, hdr, GOOD, HS256, KEY, KEYLEN), NOW, &expect,
                                   NULL, &why), PL_EAUTH);
    assert_string_equal(why, "bad signature");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(table),
        UNIT_TEST(round_trip),
        UNIT_TEST(sign_refuses),
        UNIT_TEST(refuses_shape),
        UNIT_TEST(refuses_odd_base64),
        UNIT_TEST(refuses_tampering),
        UNIT_TEST(ignores_key_hints),
    };

    return UNIT_RUN(tests);
}
