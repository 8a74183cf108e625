/* SPDX-License-Identifier: Apache-2.0 */
/* Random secrets shown once and stored only as a hash: API keys and refresh
 * tokens. The form names the row it belongs to so that lookup is by id and
 * the comparison is of hashes in constant time:
 *     pl_<id>_<secret>      API key      (id: decimal, secret: 43 base64url chars = 256 bits)
 *     plr_<id>_<secret>     refresh token (same shape) */
#ifndef PL_SECRET_H
#define PL_SECRET_H

#include <apr_pools.h>

#define PL_SECRET_BYTES 32

/* 32 random bytes as unpadded base64url (43 characters). */
apr_status_t pl_secret_random(apr_pool_t *p, const char **secret);

/* SHA-256 of s as 64 lowercase hex characters: what the database stores. */
const char *pl_secret_hash(apr_pool_t *p, const char *s);
/* The same of len bytes (a file's, NUL bytes and all). */
const char *pl_secret_hash_len(apr_pool_t *p, const void *data, apr_size_t len);

/* "<prefix>_<id>_<secret>". */
const char *pl_secret_format(apr_pool_t *p, const char *prefix, apr_int64_t id,
                             const char *secret);

/* Splits a presented token of the given prefix into id and secret. Refuses
 * (PL_EAUTH) anything else: another prefix, a non-decimal or zero id, a
 * secret that is not exactly 43 base64url characters, extra parts. */
apr_status_t pl_secret_parse(const char *token, const char *prefix, apr_int64_t *id,
                             const char **secret, apr_pool_t *p);

/* Constant-time equality of two strings of the same length (hex hashes);
 * unequal lengths are unequal. */
int pl_secret_equal(const char *a, const char *b);

#endif
