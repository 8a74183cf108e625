/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets the server must use again, kept sealed at rest: webhook secrets
 * (HMAC needs the secret itself), deploy keys and remote tokens. AES-256-GCM
 * under a key derived by HKDF-SHA256 from the server's key bytes
 * (PlanningTokenKeyFile) with a label of the caller's (the HKDF "info"), so
 * every kind of secret has a key of its own and none is the key that signs
 * tokens; the additional data binds a sealed value to its row (a project
 * id, say), so a sealed value copied into another row does not open.
 * Stored as hex of nonce (12) || ciphertext || tag (16). */
#ifndef PL_SEAL_H
#define PL_SEAL_H

#include <apr_pools.h>

/* Seals len bytes of plain under (key, info), bound to aad. */
apr_status_t pl_seal(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                     const char *info, const char *aad, const void *plain, apr_size_t len,
                     const char **sealed);

/* The bytes back, NUL-terminated (*len without it); PL_EINVAL when sealed
 * is malformed, was sealed under another key, label or aad, or was
 * altered. */
apr_status_t pl_seal_open(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                          const char *info, const char *aad, const char *sealed,
                          char **plain, apr_size_t *len);

#endif
