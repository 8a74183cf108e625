/* SPDX-License-Identifier: Apache-2.0 */
/* Refresh tokens ("plr_<id>_<secret>"), stored as SHA-256 hashes. Each is
 * good for one refresh: rotating revokes it and issues the next of its
 * family; presenting a revoked one again means it was stolen or replayed,
 * and the whole family is revoked. */
#ifndef PL_SESSIONS_H
#define PL_SESSIONS_H

#include "db/pl_db.h"

#define PL_REFRESH_PREFIX "plr"

/* A new refresh token for user_id, valid for lifetime seconds; family_id 0
 * starts a new family. *family (may be NULL) gets the family's id: the
 * session the access tokens issued with it belong to. */
apr_status_t pl_session_issue(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                              apr_int64_t family_id, apr_int64_t lifetime,
                              const char **token, apr_int64_t *family);

/* Checks token, revokes it and issues its successor. PL_EAUTH for anything
 * unknown, expired or revoked (revoking the family of a reused token). A
 * token spent less than grace seconds ago, while its session lives, gets a
 * successor too: its own client lost the reply (a reload) or asked twice. */
apr_status_t pl_session_rotate(pl_db_t *db, apr_pool_t *p, const char *token,
                               apr_int64_t lifetime, apr_int64_t grace, apr_int64_t *user_id,
                               const char **next, apr_int64_t *family);

/* Revokes the family of token (logout of that session); PL_EAUTH if it is
 * unknown or already revoked. */
apr_status_t pl_session_revoke(pl_db_t *db, apr_pool_t *p, const char *token,
                               apr_int64_t *user_id);

/* Revokes every token of a session (refresh family): its logout. */
apr_status_t pl_session_revoke_family(pl_db_t *db, apr_pool_t *p, apr_int64_t family);

/* APR_SUCCESS while the session (family) has an unrevoked token, PL_EAUTH
 * once it was logged out, replayed or ended with the others. */
apr_status_t pl_session_family_live(pl_db_t *db, apr_pool_t *p, apr_int64_t family);

/* Revokes every refresh token of user_id but those of keep_family (0: all). */
apr_status_t pl_session_revoke_user(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                                    apr_int64_t keep_family);

#endif
