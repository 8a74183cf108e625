/* SPDX-License-Identifier: Apache-2.0 */
/* Passwords: Argon2id with OWASP's parameters (19 MiB, t=2, p=1), a random
 * 16-byte salt per hash, stored in the standard encoded form
 * ($argon2id$v=19$m=19456,t=2,p=1$salt$hash). Nothing else is ever accepted
 * as a stored hash: no legacy, plaintext or weaker-parameter formats. */
#ifndef PL_PASSWORD_H
#define PL_PASSWORD_H

#include <apr_pools.h>

#define PL_PASSWORD_MIN 12      /* bytes */
#define PL_PASSWORD_MAX 1024    /* bytes */

/* Checks the policy: PL_PASSWORD_MIN..PL_PASSWORD_MAX bytes of the given
 * length, no NUL byte. PL_EINVAL with *why for the client. */
apr_status_t pl_password_check_policy(const char *pw, apr_size_t len, const char **why);

/* Hashes pw (len bytes, policy already checked) into the encoded form. */
apr_status_t pl_password_hash(apr_pool_t *p, const char *pw, apr_size_t len,
                              const char **encoded);

/* APR_SUCCESS when pw matches encoded; PL_EAUTH when it does not or when
 * encoded is not an argon2id hash with our parameters. The full length of
 * pw takes part (no truncation). */
apr_status_t pl_password_verify(const char *encoded, const char *pw, apr_size_t len);

/* A hash of a random password, to verify against when the account does not
 * exist, so that a wrong user name costs the same time as a wrong password. */
const char *pl_password_dummy_hash(void);

#endif
