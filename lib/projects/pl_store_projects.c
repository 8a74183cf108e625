/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_path.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "projects/pl_store_projects.h"
#include "core/pl_time.h"

#define COLUMNS "id, name, description, local_path, repository_url, status, created_at, updated_at," \
                " owner_id"

static const pl_sql_t SQL_INSERT = {
    "pl.projects.insert",
    "INSERT INTO projects (name, description, local_path, repository_url, status,"
    " created_at, updated_at, owner_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.projects.get", "SELECT " COLUMNS " FROM projects WHERE id = %s", NULL
};
static const pl_sql_t SQL_UPDATE = {
    "pl.projects.update",
    "UPDATE projects SET name = %s, description = %s, local_path = %s, repository_url = %s,"
    " status = %s, updated_at = %s WHERE id = %s", NULL
};
/* Every filter is optional: a NULL parameter matches everything, so one
 * prepared statement serves them all. Visibility: the owner, members, or
 * everyone when no user is given (admins). LIMIT and OFFSET are bound as
 * text; both engines take a numeric string. */
#define WHERE " WHERE (%s IS NULL OR status = %s) AND (%s IS NULL OR id = %s)" \
    " AND (%s IS NULL OR owner_id = %s OR EXISTS (SELECT 1 FROM project_members m" \
    " WHERE m.project_id = projects.id AND m.user_id = %s))"
static const pl_sql_t SQL_LIST = {
    "pl.projects.list",
    "SELECT " COLUMNS " FROM projects" WHERE " ORDER BY updated_at DESC, id DESC LIMIT %s OFFSET %s",
    NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.projects.count", "SELECT COUNT(*) FROM projects" WHERE, NULL
};
static const pl_sql_t SQL_BUMP = {
    "pl.projects.bump", "UPDATE revisions SET revision = revision + 1 WHERE name = 'projects'", NULL
};
static const pl_sql_t SQL_PATHS = {
    "pl.projects.paths", "SELECT id, local_path FROM projects", NULL
};
static const pl_sql_t SQL_REVISION = {
    "pl.projects.revision", "SELECT revision FROM revisions WHERE name = 'projects'", NULL
};

/* PL_EINVAL when proj's path is, contains or lies inside the path of another
 * project, of any owner and archived ones included (an archived project can
 * be restored, and its files are still its own). Its own unchanged path is
 * not checked again, so a rename works whatever was saved before the rule. */
static apr_status_t path_free(pl_db_t *db, apr_pool_t *p, const pl_project_t *proj)
{
    pl_db_result_t *res;
    apr_status_t rv;
    int i;

    if ((rv = pl_db_select(db, p, &SQL_PATHS, 0, NULL, &res)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        if (proj->id && apr_atoi64(row[0]) == proj->id && row[1]
            && !strcmp(row[1], proj->local_path))
            return APR_SUCCESS;
    }
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        if ((!proj->id || apr_atoi64(row[0]) != proj->id) && row[1]
            && (pl_path_is_under(proj->local_path, row[1])
                || pl_path_is_under(row[1], proj->local_path)))
            return PL_EINVAL;
    }
    return APR_SUCCESS;
}

/* One write and the revision raise in a transaction; with claim, first the
 * check that claim's path is free. The raise comes first: it locks the
 * revision row, so concurrent project writes run one after the other and
 * the check sees every path committed before it. */
static apr_status_t write_tx(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int nargs,
                             const char **args, int *nrows, const pl_project_t *claim)
{
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    rv = pl_db_exec(db, p, &SQL_BUMP, 0, NULL, NULL);
    if (rv == APR_SUCCESS && claim)
        rv = path_free(db, p, claim);
    if (rv == APR_SUCCESS)
        rv = pl_db_exec(db, p, sql, nargs, args, nrows);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

apr_status_t pl_store_projects_write(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                                     int nargs, const char **args, int *nrows)
{
    return write_tx(db, p, sql, nargs, args, nrows, NULL);
}

apr_status_t pl_store_projects_revision(pl_db_t *db, apr_pool_t *p, apr_int64_t *revision)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_REVISION, 0, NULL, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts != 1 || !PL_DB_ROW(res, 0)[0])
        return PL_EDB;
    *revision = apr_atoi64(PL_DB_ROW(res, 0)[0]);
    return APR_SUCCESS;
}

static void *from_row(apr_pool_t *p, const char **row)
{
    pl_project_t *proj = apr_pcalloc(p, sizeof(*proj));

    proj->id = apr_atoi64(row[0]);
    proj->name = row[1];
    proj->description = row[2] ? row[2] : "";
    proj->local_path = row[3];
    proj->repository_url = row[4];
    proj->status = row[5];
    proj->created_at = row[6];
    proj->updated_at = row[7];
    proj->owner_id = row[8] ? apr_atoi64(row[8]) : 0;
    return proj;
}

apr_status_t pl_store_project_insert(pl_db_t *db, apr_pool_t *p, pl_project_t *proj)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    const char *args[8];
    apr_status_t rv;

    args[0] = proj->name;
    args[1] = proj->description;
    args[2] = proj->local_path;
    args[3] = proj->repository_url;
    args[4] = proj->status;
    args[5] = now;
    args[6] = now;
    args[7] = proj->owner_id ? pl_text_i64(p, proj->owner_id) : NULL;
    if ((rv = write_tx(db, p, &SQL_INSERT, 8, args, NULL, proj)) != APR_SUCCESS)
        return rv;
    proj->created_at = proj->updated_at = now;
    return pl_db_last_id(db, p, &proj->id);
}

apr_status_t pl_store_project_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                  pl_project_t **pproj)
{
    const char *args[1];
    pl_db_result_t *res;
    apr_status_t rv;

    args[0] = pl_text_i64(p, id);
    if ((rv = pl_db_select(db, p, &SQL_GET, 1, args, &res)) != APR_SUCCESS)
        return rv;
    if (res->rows->nelts == 0)
        return PL_ENOTFOUND;
    *pproj = from_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

apr_status_t pl_store_project_update(pl_db_t *db, apr_pool_t *p, pl_project_t *proj)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    const char *args[7];
    apr_status_t rv;

    args[0] = proj->name;
    args[1] = proj->description;
    args[2] = proj->local_path;
    args[3] = proj->repository_url;
    args[4] = proj->status;
    args[5] = now;
    args[6] = pl_text_i64(p, proj->id);
    /* No row count check: MySQL counts only rows whose values changed. */
    if ((rv = write_tx(db, p, &SQL_UPDATE, 7, args, NULL, proj)) != APR_SUCCESS)
        return rv;
    proj->updated_at = now;
    return APR_SUCCESS;
}

apr_status_t pl_store_project_list(pl_db_t *db, apr_pool_t *p, const pl_project_filter_t *f,
                                   apr_array_header_t **items, apr_int64_t *total)
{
    const char *only = f->only_id ? pl_text_i64(p, f->only_id) : NULL;
    const char *user = f->visible_to ? pl_text_i64(p, f->visible_to) : NULL;
    const char *args[9] = { f->status, f->status, only, only, user, user, user, NULL, NULL };
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = pl_db_select(db, p, &SQL_COUNT, 7, args, &res)) != APR_SUCCESS)
        return rv;
    *total = res->rows->nelts ? apr_atoi64(PL_DB_ROW(res, 0)[0]) : 0;
    args[7] = apr_itoa(p, f->limit);
    args[8] = apr_itoa(p, f->offset);
    if ((rv = pl_db_select(db, p, &SQL_LIST, 9, args, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, from_row);
    return APR_SUCCESS;
}
