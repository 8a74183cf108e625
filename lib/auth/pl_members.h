/* SPDX-License-Identifier: Apache-2.0 */
/* Who may do what in a project: admins everywhere; the owner as a project
 * admin (a viewer stays a viewer); a member with the member role, narrowed by
 * the global role; anyone else not at all (the project does not exist for
 * them). */
#ifndef PL_MEMBERS_H
#define PL_MEMBERS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "auth/pl_user.h"

typedef struct {
    apr_int64_t user_id;
    const char *username;
    pl_role_e role;
    const char *created_at;
} pl_member_t;

/* The caller's role in project_id: PL_ENOTFOUND when the project does not
 * exist; PL_ROLE_NONE when the caller may not see it. */
apr_status_t pl_project_role(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             apr_int64_t user_id, pl_role_e global, pl_role_e *role);

apr_status_t pl_members_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             apr_array_header_t **members);
/* Whether viewer may already know user_id's account (itself, or a member of
 * a project viewer owns or is a member of): *visible 1 or 0. For non-admins
 * another account is otherwise indistinguishable from none. */
apr_status_t pl_members_user_visible(pl_db_t *db, apr_pool_t *p, apr_int64_t viewer,
                                     apr_int64_t user_id, int *visible);
/* Adds the member or changes its role. */
apr_status_t pl_members_set(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                            apr_int64_t user_id, pl_role_e role);
/* PL_ENOTFOUND when user_id was no member. */
apr_status_t pl_members_remove(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                               apr_int64_t user_id);

#endif
