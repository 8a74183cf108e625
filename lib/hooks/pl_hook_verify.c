/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/pl_text.h"
#include "hooks/pl_hook_verify.h"

static const pl_hook_provider_t PROVIDERS[] = {
    { "github", "X-Hub-Signature-256", "X-GitHub-Event", "X-GitHub-Delivery", 1, "sha256=" },
    { "gitlab", "X-Gitlab-Token", "X-Gitlab-Event", "X-Gitlab-Event-UUID", 0, "" },
    { "gitea", "X-Gitea-Signature", "X-Gitea-Event", "X-Gitea-Delivery", 1, "" },
};

const pl_hook_provider_t *pl_hook_provider(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < sizeof(PROVIDERS) / sizeof(PROVIDERS[0]); i++)
        if (!strcmp(PROVIDERS[i].name, name))
            return &PROVIDERS[i];
    return NULL;
}

int pl_hook_hmac_hex(const unsigned char *key, apr_size_t key_len, const char *body,
                      apr_size_t body_len, char out[65])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    /* An empty body is a valid message: HMAC wants a non-NULL pointer. */
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)(body ? body : ""), body_len,
         mac, &n);
    if (n != 32)   /* no SHA-256 here (no default provider): nothing verifies */
        return 0;
    pl_text_hex(mac, 32, out);
    return 1;
}

int pl_hook_verify(const pl_hook_provider_t *prov, const unsigned char *secret,
                   apr_size_t secret_len, const char *body, apr_size_t body_len,
                   const char *proof)
{
    char want[65];
    apr_size_t plen;
    int same;

    if (!prov || !secret || !secret_len || !proof)
        return 0;
    if (!prov->hmac) {
        /* The token is the secret: equal lengths first (the length of the
         * secret is public, 43 characters), then the bytes in constant time. */
        return strlen(proof) == secret_len && !CRYPTO_memcmp(proof, secret, secret_len);
    }
    plen = strlen(prov->prefix);
    if (strncmp(proof, prov->prefix, plen) || strlen(proof + plen) != 64)
        return 0;
    if (!pl_hook_hmac_hex(secret, secret_len, body, body_len, want))
        return 0;
    /* Hex is compared as sent, lowercase as GitHub and Gitea send it; an
     * uppercase copy is refused rather than folded (no one sends it). */
    same = !CRYPTO_memcmp(proof + plen, want, 64);
    OPENSSL_cleanse(want, sizeof(want));
    return same;
}
