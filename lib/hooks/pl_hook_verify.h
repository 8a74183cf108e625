/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook deliveries from GitHub, GitLab and Gitea: which headers carry the
 * proof, the event and the delivery id, and the check of that proof over
 * the raw body. The check runs before anything of the body is parsed, and
 * every comparison is constant-time (CRYPTO_memcmp): a caller learns
 * nothing from how long a wrong signature took to refuse.
 *   github  X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
 *           (X-Hub-Signature, sha1=, is never accepted)
 *   gitlab  X-Gitlab-Token: <the secret itself>
 *   gitea   X-Gitea-Signature: <hex HMAC-SHA256(secret, body)> */
#ifndef PL_HOOK_VERIFY_H
#define PL_HOOK_VERIFY_H

#include <apr_pools.h>

/* What a delivery may carry at most; 413 while reading beyond it. GitHub
 * caps its payloads at 25 MB. */
#define PL_HOOK_MAX_BODY (25 * 1024 * 1024)

typedef struct {
    const char *name;            /* in the route: "github", "gitlab", "gitea" */
    const char *proof_header;    /* the signature or token */
    const char *event_header;
    const char *delivery_header;
    int hmac;                    /* 1: proof is an HMAC of the body; 0: the secret */
    const char *prefix;          /* what precedes the hex HMAC ("sha256=" or "") */
} pl_hook_provider_t;

/* The provider named name, or NULL. */
const pl_hook_provider_t *pl_hook_provider(const char *name);

/* HMAC-SHA256 of body under key as 64 lowercase hex characters into out
 * (65 bytes with the NUL). 0 when OpenSSL cannot compute it. */
int pl_hook_hmac_hex(const unsigned char *key, apr_size_t key_len, const char *body,
                      apr_size_t body_len, char out[65]);

/* 1 when proof (the header's value, NULL when absent) proves that the body
 * was sent by one who holds the secret, else 0. Reads exactly body_len
 * bytes of body and the NUL-terminated proof. */
int pl_hook_verify(const pl_hook_provider_t *prov, const unsigned char *secret,
                   apr_size_t secret_len, const char *body, apr_size_t body_len,
                   const char *proof);

#endif
