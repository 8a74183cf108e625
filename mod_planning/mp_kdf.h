/* SPDX-License-Identifier: Apache-2.0 */
/* Argon2 under a cap: each run takes 19 MiB and a core for tens of
 * milliseconds, so a process runs at most PlanningPasswordHashes of them at
 * once (login, setup, user creation, password change alike); the excess
 * waits a little, then gets 503 with Retry-After instead of exhausting the
 * host's memory and CPUs. */
#ifndef MP_KDF_H
#define MP_KDF_H

#include "mp_request.h"

#define MP_KDF_DEFAULT_WAIT_MS 2000

/* PlanningPasswordHashes count [wait-ms], main server only. */
const char *mp_kdf_set_limit(cmd_parms *cmd, void *dc, const char *count, const char *wait);

int mp_kdf_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
void mp_kdf_child_init(apr_pool_t *p, server_rec *s);

/* pl_password_hash under the cap. Returns 1 with *hash, or 0 after the
 * error reply (503 when the cap stayed full). */
int mp_kdf_hash(mp_req_t *req, const char *pw, apr_size_t len, const char **hash);

/* pl_password_verify under the cap: *match is 1 when pw matches encoded.
 * Returns 1, or 0 after a 503 reply. */
int mp_kdf_verify(mp_req_t *req, const char *encoded, const char *pw, apr_size_t len,
                  int *match);

#endif
