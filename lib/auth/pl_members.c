/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "auth/pl_members.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "projects/pl_store_projects.h"
#include "core/pl_time.h"


static const pl_sql_t SQL_ROLE = {
    "pl.members.role",
    "SELECT p.owner_id, m.role FROM projects p LEFT JOIN project_members m"
    " ON m.project_id = p.id AND m.user_id = %s WHERE p.id = %s", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.members.list",
    "SELECT m.user_id, u.username, m.role, m.created_at FROM project_members m"
    " JOIN users u ON u.id = m.user_id WHERE m.project_id = %s ORDER BY u.username", NULL
};
static const pl_sql_t SQL_SET = {
    "pl.members.set",
    "INSERT INTO project_members (project_id, user_id, role, created_at) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
    "INSERT INTO project_members (project_id, user_id, role, created_at) VALUES (%s, %s, %s, %s)"
    " ON DUPLICATE KEY UPDATE role = VALUES(role)"
};
static const pl_sql_t SQL_REMOVE = {
    "pl.members.remove", "DELETE FROM project_members WHERE project_id = %s AND user_id = %s",
    NULL
};

/* Another account a user may already know by name: a member of a project
 * the user owns or is a member of (the member lists show it). */
static const pl_sql_t SQL_VISIBLE = {
    "pl.members.visible",
    "SELECT 1 FROM project_members m JOIN projects p ON p.id = m.project_id"
    " WHERE m.user_id = %s AND (p.owner_id = %s OR EXISTS (SELECT 1 FROM project_members c"
    " WHERE c.project_id = p.id AND c.user_id = %s)) LIMIT 1", NULL
};

apr_status_t pl_members_user_visible(pl_db_t *db, apr_pool_t *p, apr_int64_t viewer,
                                     apr_int64_t user_id, int *visible)
{
    const char *args[3];
    pl_db_result_t *res;
    apr_status_t rv;

    *visible = viewer == user_id;
    if (*visible)
        return APR_SUCCESS;
    args[0] = pl_text_i64(p, user_id);
    args[1] = args[2] = pl_text_i64(p, viewer);
    if ((rv = pl_db_select(db, p, &SQL_VISIBLE, 3, args, &res)) != APR_SUCCESS)
        return rv;
    *visible = res->rows->nelts > 0;
    return APR_SUCCESS;
}

apr_status_t pl_project_role(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             apr_int64_t user_id, pl_role_e global, pl_role_e *role)
{
    const char *args[2];
    const char **row;
    pl_db_result_t *res;
    apr_status_t rv;

    args[0] = pl_text_i64(p, user_id);
    args[1] = pl_text_i64(p, project_id);
    if ((rv = pl_db_select(db, p, &SQL_ROLE, 2, args, &res)) != APR_SUCCESS)
        return rv;
    if (res->rows->nelts == 0)
        return PL_ENOTFOUND;
    row = PL_DB_ROW(res, 0);
    if (global == PL_ROLE_ADMIN)
        *role = PL_ROLE_ADMIN;
    else if (row[0] && apr_atoi64(row[0]) == user_id)
        *role = global >= PL_ROLE_DEVELOPER ? PL_ROLE_ADMIN : global;
    else if (row[1])
        *role = PL_ROLE_MIN(global, pl_role_parse(row[1]));
    else
        *role = PL_ROLE_NONE;
    return APR_SUCCESS;
}

apr_status_t pl_members_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             apr_array_header_t **members)
{
    const char *arg = pl_text_i64(p, project_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_LIST, 1, &arg, &res);
    int i;

    if (rv != APR_SUCCESS)
        return rv;
    *members = apr_array_make(p, res->rows->nelts + 1, sizeof(pl_member_t));
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        pl_member_t *m = apr_array_push(*members);
        m->user_id = apr_atoi64(row[0]);
        m->username = row[1];
        m->role = pl_role_parse(row[2]);
        m->created_at = row[3];
    }
    return APR_SUCCESS;
}

apr_status_t pl_members_set(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                            apr_int64_t user_id, pl_role_e role)
{
    const char *args[4];

    args[0] = pl_text_i64(p, project_id);
    args[1] = pl_text_i64(p, user_id);
    args[2] = pl_role_name(role);
    args[3] = pl_time_rfc3339(p, apr_time_now());
    return pl_store_projects_write(db, p, &SQL_SET, 4, args, NULL);
}

apr_status_t pl_members_remove(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                               apr_int64_t user_id)
{
    const char *args[2];
    apr_status_t rv;
    int n = 0;

    args[0] = pl_text_i64(p, project_id);
    args[1] = pl_text_i64(p, user_id);
    if ((rv = pl_store_projects_write(db, p, &SQL_REMOVE, 2, args, &n)) != APR_SUCCESS)
        return rv;
    return n ? APR_SUCCESS : PL_ENOTFOUND;
}
