/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "core/pl_seal.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define NONCE 12
#define TAG 16

/* The AES key of one label: its own derivation per kind of secret. */
static int derive(const unsigned char *key, apr_size_t key_len, const char *info,
                  unsigned char out[32])
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t n = 32;
    int ok = c && EVP_PKEY_derive_init(c) > 0
             && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0
             && EVP_PKEY_CTX_set1_hkdf_key(c, key, (int)key_len) > 0
             && EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)info,
                                            (int)strlen(info)) > 0
             && EVP_PKEY_derive(c, out, &n) > 0 && n == 32;

    EVP_PKEY_CTX_free(c);
    return ok;
}

/* AES-256-GCM one way or the other (enc 1: seal). in/out of len bytes,
 * tag written (seal) or checked (open). */
static int gcm(int enc, const unsigned char *key, apr_size_t key_len, const char *info,
               const char *aad, const unsigned char *nonce, const unsigned char *in, int len,
               unsigned char *out, unsigned char *tag)
{
    unsigned char k[32];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok;

    ok = c && derive(key, key_len, info, k)
         && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, k, nonce, enc) > 0
         && EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) > 0
         && EVP_CipherUpdate(c, out, &n, in, len) > 0
         && (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, tag) > 0)
         && EVP_CipherFinal_ex(c, out + n, &n) > 0
         && (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, tag) > 0);
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(k, sizeof(k));
    return ok;
}

apr_status_t pl_seal(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                     const char *info, const char *aad, const void *plain, apr_size_t len,
                     const char **sealed)
{
    apr_size_t total = NONCE + len + TAG;
    unsigned char *raw = apr_palloc(p, total);
    char *hex = apr_palloc(p, 2 * total + 1);

    if (len > (1u << 30) || RAND_bytes(raw, NONCE) != 1
        || !gcm(1, key, key_len, info, aad, raw, plain, (int)len, raw + NONCE,
                raw + NONCE + len))
        return APR_EGENERAL;
    pl_text_hex(raw, total, hex);
    OPENSSL_cleanse(raw, total);
    *sealed = hex;
    return APR_SUCCESS;
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

apr_status_t pl_seal_open(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                          const char *info, const char *aad, const char *sealed,
                          char **plain, apr_size_t *len)
{
    apr_size_t hlen = sealed ? strlen(sealed) : 0, total = hlen / 2, n, i;
    unsigned char *raw;
    char *out;

    if (hlen % 2 || total <= NONCE + TAG)
        return PL_EINVAL;
    raw = apr_palloc(p, total);
    for (i = 0; i < total; i++) {
        int hi = nibble(sealed[2 * i]), lo = nibble(sealed[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return PL_EINVAL;
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    n = total - NONCE - TAG;
    out = apr_palloc(p, n + 1);
    if (!gcm(0, key, key_len, info, aad, raw, raw + NONCE, (int)n, (unsigned char *)out,
             raw + NONCE + n))
        return PL_EINVAL;
    out[n] = '\0';
    *plain = out;
    if (len)
        *len = n;
    return APR_SUCCESS;
}
