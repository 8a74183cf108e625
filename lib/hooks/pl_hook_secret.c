/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "hooks/pl_hook_secret.h"

#define NONCE 12
#define TAG 16
#define INFO "mod_planning webhook secret v1"

/* The AES key of the webhook secrets: its own derivation, so it is never
 * the key that signs tokens. */
static int derive(const unsigned char *key, apr_size_t key_len, unsigned char out[32])
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t n = 32;
    int ok = c && EVP_PKEY_derive_init(c) > 0
             && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0
             && EVP_PKEY_CTX_set1_hkdf_key(c, key, (int)key_len) > 0
             && EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)INFO,
                                            (int)strlen(INFO)) > 0
             && EVP_PKEY_derive(c, out, &n) > 0 && n == 32;

    EVP_PKEY_CTX_free(c);
    return ok;
}

/* AES-256-GCM one way or the other (enc 1: seal). in/out of len bytes,
 * tag written (seal) or checked (open). */
static int gcm(int enc, const unsigned char *key, apr_size_t key_len, apr_int64_t project_id,
               const unsigned char *nonce, const unsigned char *in, int len,
               unsigned char *out, unsigned char *tag)
{
    unsigned char k[32];
    char aad[24];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok;

    apr_snprintf(aad, sizeof(aad), "%" APR_INT64_T_FMT, project_id);
    ok = c && derive(key, key_len, k)
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

apr_status_t pl_hook_secret_seal(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *secret,
                                 const char **sealed)
{
    apr_size_t len = strlen(secret), total = NONCE + len + TAG;
    unsigned char *raw = apr_palloc(p, total);
    char *hex = apr_palloc(p, 2 * total + 1);

    if (RAND_bytes(raw, NONCE) != 1
        || !gcm(1, key, key_len, project_id, raw, (const unsigned char *)secret, (int)len,
                raw + NONCE, raw + NONCE + len))
        return APR_EGENERAL;
    pl_text_hex(raw, total, hex);
    *sealed = hex;
    return APR_SUCCESS;
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

apr_status_t pl_hook_secret_open(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *sealed,
                                 const char **secret)
{
    apr_size_t hlen = sealed ? strlen(sealed) : 0, total = hlen / 2, len, i;
    unsigned char *raw;
    char *plain;

    if (hlen % 2 || total <= NONCE + TAG)
        return PL_EINVAL;
    raw = apr_palloc(p, total);
    for (i = 0; i < total; i++) {
        int hi = nibble(sealed[2 * i]), lo = nibble(sealed[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return PL_EINVAL;
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    len = total - NONCE - TAG;
    plain = apr_palloc(p, len + 1);
    if (!gcm(0, key, key_len, project_id, raw, raw + NONCE, (int)len, (unsigned char *)plain,
             raw + NONCE + len))
        return PL_EINVAL;
    plain[len] = '\0';
    *secret = plain;
    return APR_SUCCESS;
}
