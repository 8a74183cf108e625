/* SPDX-License-Identifier: Apache-2.0 */
/* API keys for CI: "pl_<id>_<secret>", 256 random bits shown once, stored as
 * a SHA-256 hash, scoped (read, write, admin), optionally limited to one
 * project and expiring. */
#ifndef PL_APIKEYS_H
#define PL_APIKEYS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"
#include "auth/pl_user.h"

#define PL_APIKEY_PREFIX "pl"

typedef struct {
    apr_int64_t id;
    apr_int64_t user_id;
    const char *name;
    const char *scopes;       /* comma-separated, from "read", "write", "admin" */
    apr_int64_t project_id;   /* 0: every project the user may see */
    const char *created_at;
    const char *expires_at;   /* NULL: never */
    const char *last_used_at;
    const char *revoked_at;
} pl_apikey_t;

/* The widest role the scopes grant: admin > write (developer) > read (viewer). */
pl_role_e pl_apikey_scope_role(const char *scopes);

/* Creates a key for key->user_id; *secret_token is the whole key, shown once. */
apr_status_t pl_apikey_create(pl_db_t *db, apr_pool_t *p, pl_apikey_t *key,
                              const char **secret_token);
/* Checks a presented key: PL_EAUTH unless it exists, matches, is not revoked
 * and not expired. Records its use (last_used_at, to the minute). */
apr_status_t pl_apikey_verify(pl_db_t *db, apr_pool_t *p, const char *token,
                              pl_apikey_t **pkey);
apr_status_t pl_apikey_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_apikey_t **pkey);
apr_status_t pl_apikey_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                            apr_array_header_t **keys);
apr_status_t pl_apikey_revoke(pl_db_t *db, apr_pool_t *p, apr_int64_t id);

/* The public fields: never the secret or its hash. */
void pl_apikey_write(pl_jsonw_t *w, apr_pool_t *p, const pl_apikey_t *key);

#endif
