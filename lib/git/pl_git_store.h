/* SPDX-License-Identifier: Apache-2.0 */
/* What a project keeps for git's network side (schema 018): its remote
 * (the https token sealed), its deploy key (the private key sealed) and
 * the ssh host keys it has met. Sealed values are opaque here: sealing is
 * pl_git_secret's. */
#ifndef PL_GIT_STORE_H
#define PL_GIT_STORE_H

#include <apr_tables.h>

#include "db/pl_db.h"

typedef struct {
    apr_int64_t project_id;
    const char *url;
    const char *branch;         /* NULL: the checkout's current branch */
    const char *username;       /* https; NULL: "x-access-token" */
    const char *token_sealed;   /* https; NULL: none */
    const char *updated_at;
} pl_git_remote_rec_t;

typedef struct {
    apr_int64_t project_id;
    const char *public_key;     /* "ssh-ed25519 AAAA... comment" */
    const char *fingerprint;    /* "SHA256:..." */
    const char *private_sealed;
    const char *created_at;
} pl_git_deploy_key_t;

#define PL_HOST_KEY_PENDING   "pending"
#define PL_HOST_KEY_CONFIRMED "confirmed"

typedef struct {
    const char *host;           /* "host:port" */
    const char *type;           /* "ssh-ed25519", ... */
    const char *fingerprint;    /* "SHA256:<base64 without padding>" */
    const char *state;
    const char *seen_at, *confirmed_at;
} pl_git_host_key_t;

/* PL_ENOTFOUND when the project has none. */
apr_status_t pl_git_remote_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                               pl_git_remote_rec_t **out);
apr_status_t pl_git_remote_put(pl_db_t *db, apr_pool_t *p, const pl_git_remote_rec_t *r);

apr_status_t pl_git_deploy_key_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   pl_git_deploy_key_t **out);
apr_status_t pl_git_deploy_key_put(pl_db_t *db, apr_pool_t *p, const pl_git_deploy_key_t *k);
/* PL_ENOTFOUND when there was none. */
apr_status_t pl_git_deploy_key_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id);

/* Every host key of the project, by host. */
apr_status_t pl_git_host_keys_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   apr_array_header_t **keys);
/* Records a key seen for the first time as pending. A host that already
 * has a confirmed key is left as it is (a changed key is never recorded
 * over a confirmed one); a pending one is replaced. */
apr_status_t pl_git_host_key_pending(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     const pl_git_host_key_t *k);
/* Confirms the host's pending key (only when its fingerprint is the one
 * given, if one is given). PL_ENOTFOUND: no pending key for the host (or
 * another fingerprint). */
apr_status_t pl_git_host_key_confirm(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     const char *host, const char *fingerprint);
apr_status_t pl_git_host_key_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                    const char *host);

#endif
