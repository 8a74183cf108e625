/* SPDX-License-Identifier: Apache-2.0 */
/* A project's webhook secret at rest. HMAC needs the secret itself (a hash
 * would not do), so it is sealed with AES-256-GCM under a key derived by
 * HKDF-SHA256 from the server's key (PlanningTokenKeyFile's bytes) and
 * bound to its project (the project id is the additional data): a copy of
 * the database alone reveals no secret, and a sealed secret moved to
 * another project's row does not open. The sealing is pl_seal's (label
 * "mod_planning webhook secret v1"), shared with git's deploy keys and
 * tokens. */
#ifndef PL_HOOK_SECRET_H
#define PL_HOOK_SECRET_H

#include <apr_pools.h>

apr_status_t pl_hook_secret_seal(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *secret,
                                 const char **sealed);

/* The secret back; PL_EINVAL when sealed is malformed, was sealed under
 * another key or for another project, or was altered. */
apr_status_t pl_hook_secret_open(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *sealed,
                                 const char **secret);

#endif
