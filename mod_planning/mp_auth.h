/* SPDX-License-Identifier: Apache-2.0 */
/* Who is calling: a session token (Authorization: Bearer, or the browser's
 * cookie), an API key (Bearer pl_...), the user an Apache auth module
 * authenticated (when trusted), or nobody. */
#ifndef MP_AUTH_H
#define MP_AUTH_H

#include "mp_module.h"
#include "auth/pl_apikeys.h"
#include "auth/pl_user.h"

typedef enum {
    MP_PERM_PUBLIC = 0,  /* anyone, even unidentified */
    MP_PERM_READ,        /* viewer and above */
    MP_PERM_WRITE,       /* developer and above */
    MP_PERM_ADMIN        /* admin */
} mp_perm_e;

typedef enum {
    MP_CALLER_NONE = 0, MP_CALLER_TOKEN, MP_CALLER_COOKIE, MP_CALLER_APIKEY, MP_CALLER_APACHE
} mp_caller_kind_e;

typedef struct {
    mp_caller_kind_e kind;
    pl_user_t *user;        /* NULL for nobody */
    pl_role_e role;         /* the global role, narrowed by an API key's scopes */
    pl_apikey_t *key;       /* the key used, for MP_CALLER_APIKEY */
    apr_int64_t session;    /* the session (refresh family) of a token; 0: none */
    /* What the credential itself allows, whatever the role: set where a
     * key's scope becomes the caller's rights, enforced by the router. */
    int safe_only;          /* a read-scoped key: GET and HEAD only */
    int manages_credentials; /* a session or an admin-scoped key: may create,
                                list and revoke keys and end sessions */
} mp_caller_t;

struct mp_req_t;

/* Identifies the caller into req->caller. Returns 1, or 0 after sending 401
 * for credentials that were presented and are not good (a bad credential is
 * never silently treated as none). */
int mp_auth_identify(struct mp_req_t *req);

/* The role a permission needs. */
pl_role_e mp_auth_needed_role(mp_perm_e perm);

/* Checks the double-submit CSRF header of a cookie-authenticated request that
 * changes state. Returns 1, or 0 after sending 403. */
int mp_auth_check_csrf(struct mp_req_t *req);

/* The same check for a request whatever its caller: for the routes that
 * take a session cookie themselves (refresh, logout). Returns 1, or 0 after
 * sending 403. */
int mp_auth_require_csrf(struct mp_req_t *req);

/* Issues an access token for user (claims per the server's configuration),
 * belonging to session (a refresh family id; 0: none). */
apr_status_t mp_auth_access_token(struct mp_req_t *req, const pl_user_t *user,
                                  apr_int64_t session, const char **token);

const char *mp_auth_kind_name(mp_caller_kind_e kind);

#endif
