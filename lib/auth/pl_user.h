/* SPDX-License-Identifier: Apache-2.0 */
/* Users and roles: what a valid account is. */
#ifndef PL_USER_H
#define PL_USER_H

#include <apr_pools.h>

#include "core/pl_jsonw.h"

/* Ordered: a role includes what every lower one may do. */
typedef enum {
    PL_ROLE_NONE = 0, PL_ROLE_VIEWER, PL_ROLE_DEVELOPER, PL_ROLE_ADMIN
} pl_role_e;

#define PL_USERNAME_MAX 64

typedef struct {
    apr_int64_t id;
    const char *username;
    const char *password_hash;   /* NULL for accounts Apache authenticates */
    pl_role_e role;
    const char *status;          /* "active" or "disabled" */
    const char *source;          /* "local" or "apache" */
    apr_int64_t token_version;
    const char *created_at;
    const char *updated_at;
    const char *last_login_at;
} pl_user_t;

/* "viewer", "developer", "admin"; PL_ROLE_NONE for anything else. */
pl_role_e pl_role_parse(const char *name);
const char *pl_role_name(pl_role_e role);
#define PL_ROLE_MIN(a, b) ((a) < (b) ? (a) : (b))

/* 1..64 characters of [A-Za-z0-9._@-], not starting with '-' or '.'; the
 * names Apache auth modules hand over (mail addresses, LDAP uids) fit. */
int pl_username_valid(const char *name);

/* Writes the public fields (never the hash) into the object w has open. */
void pl_user_write(pl_jsonw_t *w, const pl_user_t *user);

#endif
