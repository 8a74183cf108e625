/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/pl_json.h"
#include "auth/pl_jwt.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define MAC_LEN        32   /* HMAC-SHA256 */
#define MAC_B64_LEN    43   /* its base64url spelling, unpadded */
#define JSON_DEPTH     4    /* our headers and claims are flat objects */

/* Explicit ranges rather than isalnum(): the decoder runs on attacker bytes
 * and the locale must not widen the alphabet. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

static const char *b64url_encode(apr_pool_t *p, const unsigned char *in, apr_size_t n)
{
    char *out = apr_palloc(p, 4 * ((n + 2) / 3) + 1);
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    int i;

    /* RFC 7515 section 2: the URL-safe alphabet, with the '=' padding dropped. */
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (i = 0; i < len; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    return out;
}

/* EVP_DecodeBlock forgives surrounding whitespace and returns whole
 * triplets, so everything it would tolerate is refused here first; the
 * unused low bits of the last character must be zero so that a token has
 * exactly one spelling (otherwise a revoked or logged token could be
 * replayed under a different string). The tail is filled with 'A' (zero
 * bits) rather than '=', and the length is computed from n, so the result
 * does not depend on how OpenSSL treats padding. */
static int b64url_decode(apr_pool_t *p, const char *in, apr_size_t n,
                         unsigned char **out, apr_size_t *outlen)
{
    apr_size_t i, padded = (n + 3) / 4 * 4;
    unsigned char *tmp, *buf;
    int last;

    if (n == 0 || n % 4 == 1 || n > INT_MAX / 2)
        return 0;
    for (i = 0; i < n; i++)
        if (b64url_value((unsigned char)in[i]) < 0)
            return 0;
    last = b64url_value((unsigned char)in[n - 1]);
    if ((n % 4 == 2 && (last & 0x0F)) || (n % 4 == 3 && (last & 0x03)))
        return 0;

    tmp = apr_palloc(p, padded + 1);
    for (i = 0; i < n; i++)
        tmp[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : (unsigned char)in[i];
    for (; i < padded; i++)
        tmp[i] = 'A';
    tmp[padded] = '\0';

    buf = apr_palloc(p, padded / 4 * 3 + 1);
    if (EVP_DecodeBlock(buf, tmp, (int)padded) < 0)
        return 0;
    *outlen = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    buf[*outlen] = '\0';
    *out = buf;
    return 1;
}

static int hs256(const unsigned char *key, apr_size_t keylen, const char *data,
                 apr_size_t len, unsigned char mac[MAC_LEN])
{
    unsigned int maclen = 0;

    if (keylen > INT_MAX)
        return 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data, len, mac, &maclen))
        return 0;
    return maclen == MAC_LEN;
}

apr_status_t pl_jwt_sign(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                         const pl_jwt_claims_t *claims, const char **token)
{
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    unsigned char mac[MAC_LEN];
    const char *jti = claims->jti, *body, *input;
    apr_size_t bodylen;
    pl_json_t *o;

    *token = NULL;
    if (!key || keylen < PL_JWT_KEY_MIN)
        return PL_EINVAL;
    /* Refuse to issue what verify would refuse: a bad token found at the
     * next request is far harder to trace than an error at login. */
    if (!claims->iss || !claims->aud || !claims->typ || claims->sub < 1 || claims->ver < 0)
        return PL_EINVAL;
    if (!jti && !(jti = pl_text_random_hex(p, 16)))
        return APR_EGENERAL;

    if (!(o = pl_json_object_new(p))
        || pl_json_set_str(o, "iss", claims->iss) != APR_SUCCESS
        || pl_json_set_str(o, "aud", claims->aud) != APR_SUCCESS
        || pl_json_set_str(o, "typ", claims->typ) != APR_SUCCESS
        || pl_json_set_int(o, "sub", claims->sub) != APR_SUCCESS
        || pl_json_set_int(o, "ver", claims->ver) != APR_SUCCESS
        || pl_json_set_int(o, "iat", claims->iat) != APR_SUCCESS
        || pl_json_set_int(o, "exp", claims->exp) != APR_SUCCESS
        || pl_json_set_str(o, "jti", jti) != APR_SUCCESS
        || (claims->sid > 0 && pl_json_set_int(o, "sid", claims->sid) != APR_SUCCESS)
        || !(body = pl_json_dump(p, o, &bodylen)))
        return PL_EINVAL;

    input = apr_pstrcat(p, b64url_encode(p, (const unsigned char *)header, sizeof(header) - 1),
                        ".", b64url_encode(p, (const unsigned char *)body, bodylen), NULL);
    if (!hs256(key, keylen, input, strlen(input), mac))
        return APR_EGENERAL;
    *token = apr_pstrcat(p, input, ".", b64url_encode(p, mac, MAC_LEN), NULL);
    if (strlen(*token) > PL_JWT_MAX_LEN) {
        *token = NULL;
        return PL_EINVAL;
    }
    return APR_SUCCESS;
}

static apr_status_t refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return PL_EAUTH;
}

/* Decodes one part and parses it as a JSON object. */
static int part_object(apr_pool_t *p, const char *s, apr_size_t n, pl_json_t **obj)
{
    unsigned char *raw;
    apr_size_t rawlen;
    const char *err;

    if (!b64url_decode(p, s, n, &raw, &rawlen))
        return 0;
    if (pl_json_parse(obj, p, (const char *)raw, rawlen, JSON_DEPTH, &err) != APR_SUCCESS)
        return 0;
    return pl_json_type(*obj) == PL_JSON_OBJECT;
}

static int same_str(const pl_json_t *obj, const char *key, const char *want)
{
    const char *got = pl_json_get_str(obj, key);

    return got && want && strcmp(got, want) == 0;
}

apr_status_t pl_jwt_verify(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                           const char *token, apr_int64_t now,
                           const pl_jwt_claims_t *expect, pl_jwt_claims_t *claims,
                           const char **why)
{
    unsigned char mac[MAC_LEN], *sig;
    const char *dot1, *dot2, *alg;
    apr_size_t len, siglen, i, dots = 0;
    pl_jwt_claims_t c;
    pl_json_t *hdr, *pay;
    apr_int64_t v;

    /* Shape first: nothing below runs on a token that cannot be ours, so a
     * flood of junk costs a strnlen and a scan. */
    if (!token || !*token)
        return refuse(why, "no token");
    len = strnlen(token, PL_JWT_MAX_LEN + 1);
    if (len > PL_JWT_MAX_LEN)
        return refuse(why, "too long");
    for (i = 0; i < len; i++)
        if (token[i] == '.')
            dots++;
    if (dots != 2)
        return refuse(why, "not three parts");
    dot1 = strchr(token, '.');
    dot2 = strchr(dot1 + 1, '.');
    if (dot1 == token || dot2 == dot1 + 1 || dot2[1] == '\0')
        return refuse(why, "empty part");
    if (!key || keylen < PL_JWT_KEY_MIN)
        return refuse(why, "signing key too short");
    if (!expect || !expect->iss || !expect->aud || !expect->typ)
        return refuse(why, "no expected iss, aud or typ");

    if (!part_object(p, token, (apr_size_t)(dot1 - token), &hdr))
        return refuse(why, "bad header");
    /* The key decides the algorithm, never the token (RFC 8725 3.1): a
     * byte-exact match, so "none", "None", "hs256" all fall here. kid, jku,
     * x5u and jwk are deliberately never looked at. */
    alg = pl_json_get_str(hdr, "alg");
    if (!alg || strcmp(alg, "HS256") != 0)
        return refuse(why, "alg not HS256");
    if (pl_json_type_of(hdr, "typ") != PL_JSON_ABSENT && !same_str(hdr, "typ", "JWT"))
        return refuse(why, "header typ not JWT");
    /* RFC 7515 4.1.11: extensions we would have to understand; we know none. */
    if (pl_json_type_of(hdr, "crit") != PL_JSON_ABSENT)
        return refuse(why, "crit header");

    siglen = len - (apr_size_t)(dot2 + 1 - token);
    if (siglen != MAC_B64_LEN || !b64url_decode(p, dot2 + 1, siglen, &sig, &siglen)
        || siglen != MAC_LEN)
        return refuse(why, "bad signature encoding");
    /* Over the bytes received, not a re-encoding of what we parsed. */
    if (!hs256(key, keylen, token, (apr_size_t)(dot2 - token), mac))
        return refuse(why, "mac failed");
    if (CRYPTO_memcmp(mac, sig, MAC_LEN) != 0)
        return refuse(why, "bad signature");

    /* Authentic from here on, yet still checked strictly: a bug in our own
     * signing or a key shared by mistake must not widen what is accepted. */
    if (!part_object(p, dot1 + 1, (apr_size_t)(dot2 - dot1 - 1), &pay))
        return refuse(why, "bad payload");
    memset(&c, 0, sizeof(c));
    if (pl_json_type_of(pay, "exp") == PL_JSON_ABSENT)
        return refuse(why, "no exp");
    if (!pl_json_get_int(pay, "exp", &c.exp))
        return refuse(why, "exp not an integer");
    if (c.exp <= now)
        return refuse(why, "expired");
    if (pl_json_type_of(pay, "nbf") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(pay, "nbf", &v))
            return refuse(why, "nbf not an integer");
        if (v > now)
            return refuse(why, "not yet valid");
    }
    if (pl_json_type_of(pay, "iat") != PL_JSON_ABSENT && !pl_json_get_int(pay, "iat", &c.iat))
        return refuse(why, "iat not an integer");
    if (!same_str(pay, "iss", expect->iss))
        return refuse(why, "wrong iss");
    if (!same_str(pay, "aud", expect->aud))
        return refuse(why, "wrong aud");
    /* Keeps a refresh or other kind of token out of the access path. */
    if (!same_str(pay, "typ", expect->typ))
        return refuse(why, "wrong typ");
    if (!pl_json_get_int(pay, "sub", &c.sub) || c.sub < 1)
        return refuse(why, "bad sub");
    if (!pl_json_get_int(pay, "ver", &c.ver) || c.ver < 0)
        return refuse(why, "bad ver");
    if (pl_json_type_of(pay, "sid") != PL_JSON_ABSENT
        && (!pl_json_get_int(pay, "sid", &c.sid) || c.sid < 1))
        return refuse(why, "bad sid");
    if (pl_json_type_of(pay, "jti") != PL_JSON_ABSENT) {
        if (!(c.jti = pl_json_get_str(pay, "jti")))
            return refuse(why, "jti not a string");
        c.jti = apr_pstrdup(p, c.jti);
    }
    c.iss = apr_pstrdup(p, expect->iss);
    c.aud = apr_pstrdup(p, expect->aud);
    c.typ = apr_pstrdup(p, expect->typ);

    if (claims)
        *claims = c;
    if (why)
        *why = NULL;
    return APR_SUCCESS;
}
