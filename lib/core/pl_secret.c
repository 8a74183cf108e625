/* SPDX-License-Identifier: Apache-2.0 */
/* API keys and refresh tokens: 256 random bits shown once, stored only as
 * SHA-256. A fast hash is enough here (unlike passwords) because the secret
 * is random and long: there is nothing to guess from a leaked hash. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <apr_strings.h>

#include "core/pl_secret.h"
#include "core/pl_status.h"

#define SECRET_CHARS 43             /* unpadded base64url of 32 bytes */
#define ID_MAX       APR_INT64_C(9007199254740991)  /* 2^53 - 1: exact in JSON numbers */
#define ID_DIGITS    16             /* digits of ID_MAX */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int is_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_';
}

/* Unpadded base64url (RFC 4648 section 5) of n bytes into out, which holds
 * at least (4 * n + 2) / 3 + 1 bytes. */
static void encode_b64url(const unsigned char *in, apr_size_t n, char *out)
{
    apr_size_t i;
    char *o = out;

    for (i = 0; i + 3 <= n; i += 3) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[((in[i] & 0x03) << 4) | (in[i + 1] >> 4)];
        *o++ = b64url[((in[i + 1] & 0x0F) << 2) | (in[i + 2] >> 6)];
        *o++ = b64url[in[i + 2] & 0x3F];
    }
    if (n - i == 1) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[(in[i] & 0x03) << 4];
    }
    else if (n - i == 2) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[((in[i] & 0x03) << 4) | (in[i + 1] >> 4)];
        *o++ = b64url[(in[i + 1] & 0x0F) << 2];
    }
    *o = '\0';
}

apr_status_t pl_secret_random(apr_pool_t *p, const char **secret)
{
    unsigned char buf[PL_SECRET_BYTES];
    char *out;

    /* OpenSSL's CSPRNG, seeded from the OS and reseeded after fork, so
     * httpd children never share a stream. */
    if (RAND_bytes(buf, sizeof(buf)) != 1)
        return APR_EGENERAL;
    out = apr_palloc(p, SECRET_CHARS + 1);
    encode_b64url(buf, sizeof(buf), out);
    OPENSSL_cleanse(buf, sizeof(buf));
    *secret = out;
    return APR_SUCCESS;
}

const char *pl_secret_hash(apr_pool_t *p, const char *s)
{
    return s ? pl_secret_hash_len(p, s, strlen(s)) : NULL;
}

const char *pl_secret_hash_len(apr_pool_t *p, const void *data, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    char *out;

    /* NULL only when OpenSSL cannot hash (no default provider): the caller
     * must then refuse, never compare against something else. */
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return NULL;
    out = apr_palloc(p, 2 * mdlen + 1);
    for (i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0F];
    }
    out[2 * mdlen] = '\0';
    return out;
}

const char *pl_secret_format(apr_pool_t *p, const char *prefix, apr_int64_t id,
                             const char *secret)
{
    return apr_psprintf(p, "%s_%" APR_INT64_T_FMT "_%s", prefix, id, secret);
}

/* A token is split on its first two underscores only: '_' is also a
 * base64url character, so the secret may hold underscores of its own, and
 * "extra parts" show up as a secret that is not exactly 43 characters. */
apr_status_t pl_secret_parse(const char *token, const char *prefix, apr_int64_t *id,
                             const char **secret, apr_pool_t *p)
{
    apr_size_t plen, ndigits, i;
    const char *s, *rest;
    apr_int64_t v = 0;

    if (!token || !prefix || !*prefix)
        return PL_EAUTH;
    plen = strlen(prefix);
    if (strncmp(token, prefix, plen) != 0 || token[plen] != '_')
        return PL_EAUTH;
    s = token + plen + 1;

    /* The id: canonical decimal, 1..ID_MAX. No sign, no space, no leading
     * zero, so each id has exactly one spelling. Digits are counted before
     * any arithmetic, so there is no overflow to detect. */
    for (ndigits = 0; s[ndigits] >= '0' && s[ndigits] <= '9'; ndigits++)
        ;
    if (ndigits == 0 || ndigits > ID_DIGITS || s[0] == '0' || s[ndigits] != '_')
        return PL_EAUTH;
    for (i = 0; i < ndigits; i++)
        v = v * 10 + (s[i] - '0');
    if (v < 1 || v > ID_MAX)
        return PL_EAUTH;

    /* The secret: exactly 43 base64url characters, then the end. */
    rest = s + ndigits + 1;
    for (i = 0; i < SECRET_CHARS; i++)
        if (!is_b64url(rest[i]))       /* also stops at the NUL of a short one */
            return PL_EAUTH;
    if (rest[SECRET_CHARS] != '\0')
        return PL_EAUTH;

    *id = v;
    *secret = apr_pstrmemdup(p, rest, SECRET_CHARS);
    return APR_SUCCESS;
}

int pl_secret_equal(const char *a, const char *b)
{
    apr_size_t n;

    if (!a || !b)
        return 0;
    n = strlen(a);
    /* The lengths are public (both are hex SHA-256); only the contents are
     * compared in constant time. */
    if (n != strlen(b))
        return 0;
    return CRYPTO_memcmp(a, b, n) == 0;
}
