/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "plan/pl_plan_versions.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define V_COLUMNS "v.project_id, v.n, v.author_id, u.username, v.message, v.restored_from," \
                  " v.bytes, v.hash, v.created_at"
#define V_FROM " FROM plan_versions v LEFT JOIN users u ON u.id = v.author_id"

static const pl_sql_t SQL_INSERT = {
    "pl.plan_versions.insert",
    "INSERT INTO plan_versions (project_id, n, author_id, message, restored_from, markdown,"
    " bytes, hash, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_NEWEST = {
    "pl.plan_versions.newest",
    "SELECT " V_COLUMNS V_FROM " WHERE v.project_id = %s ORDER BY v.n DESC LIMIT 1", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.plan_versions.list",
    "SELECT " V_COLUMNS V_FROM " WHERE v.project_id = %s ORDER BY v.n DESC LIMIT %s OFFSET %s",
    NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.plan_versions.count", "SELECT COUNT(*) FROM plan_versions WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.plan_versions.get",
    "SELECT " V_COLUMNS ", v.markdown" V_FROM " WHERE v.project_id = %s AND v.n = %s", NULL
};

#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)
#define I64OR0(p, v) ((v) ? pl_text_i64((p), (v)) : NULL)

static void *version_row(apr_pool_t *p, const char **r)
{
    pl_plan_version_t *v = apr_pcalloc(p, sizeof(*v));

    v->project_id = ATOI64(r[0]);
    v->n = ATOI64(r[1]);
    v->author_id = ATOI64(r[2]);
    v->author = r[3];
    v->message = r[4];
    v->restored_from = ATOI64(r[5]);
    v->bytes = ATOI64(r[6]);
    v->hash = r[7];
    v->created_at = r[8];
    return v;
}

static apr_status_t first(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int nargs,
                          const char **args, pl_db_result_t **res)
{
    apr_status_t rv = pl_db_select(db, p, sql, nargs, args, res);

    return rv != APR_SUCCESS ? rv : (*res)->rows->nelts ? APR_SUCCESS : PL_ENOTFOUND;
}

apr_status_t pl_plan_versions_add(pl_db_t *db, apr_pool_t *p, pl_plan_version_t *v,
                                  int unless_newest)
{
    const char *a[9];
    pl_plan_version_t *newest;
    apr_status_t rv = PL_ECONFLICT;
    int attempt;

    v->created_at = pl_time_rfc3339(p, apr_time_now());
    a[0] = pl_text_i64(p, v->project_id);
    a[2] = I64OR0(p, v->author_id);
    a[3] = v->message;
    a[4] = I64OR0(p, v->restored_from);
    a[5] = v->markdown;
    a[6] = pl_text_i64(p, v->bytes);
    a[7] = v->hash;
    a[8] = v->created_at;
    /* the next number, taken again when another save took it meanwhile
     * (the UNIQUE (project_id, n) index decides); a change found on disk
     * that another request recorded meanwhile is not recorded twice */
    for (attempt = 0; attempt < 5 && rv == PL_ECONFLICT; attempt++) {
        rv = pl_plan_versions_newest(db, p, v->project_id, &newest);
        if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
            return rv;
        if (rv == APR_SUCCESS && unless_newest && !strcmp(newest->hash, v->hash)) {
            *v = *newest;
            return APR_SUCCESS;
        }
        v->n = rv == APR_SUCCESS ? newest->n + 1 : 1;
        a[1] = pl_text_i64(p, v->n);
        rv = pl_db_exec(db, p, &SQL_INSERT, 9, a, NULL);
    }
    return rv;
}

apr_status_t pl_plan_versions_newest(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     pl_plan_version_t **v)
{
    const char *a[1];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, project_id);
    if ((rv = first(db, p, &SQL_NEWEST, 1, a, &res)) == APR_SUCCESS)
        *v = version_row(p, PL_DB_ROW(res, 0));
    return rv;
}

apr_status_t pl_plan_versions_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   int limit, int offset, apr_array_header_t **items,
                                   apr_int64_t *total)
{
    const char *a[3];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, project_id);
    a[1] = apr_itoa(p, limit);
    a[2] = apr_itoa(p, offset);
    if ((rv = first(db, p, &SQL_COUNT, 1, a, &res)) != APR_SUCCESS)
        return rv;
    *total = ATOI64(PL_DB_ROW(res, 0)[0]);
    if ((rv = pl_db_select(db, p, &SQL_LIST, 3, a, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, version_row);
    return APR_SUCCESS;
}

apr_status_t pl_plan_versions_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                  apr_int64_t n, pl_plan_version_t **v)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, project_id);
    a[1] = pl_text_i64(p, n);
    if ((rv = first(db, p, &SQL_GET, 2, a, &res)) != APR_SUCCESS)
        return rv;
    *v = version_row(p, PL_DB_ROW(res, 0));
    (*v)->markdown = PL_DB_ROW(res, 0)[9] ? PL_DB_ROW(res, 0)[9] : "";
    return APR_SUCCESS;
}

void pl_plan_version_write(pl_jsonw_t *w, const pl_plan_version_t *v)
{
    pl_jsonw_int(w, "n", v->n);
    if (v->author_id) {
        pl_jsonw_object(w, "author");
        pl_jsonw_id(w, "id", v->author_id);
        pl_jsonw_str(w, "username", v->author);
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_str(w, "author", NULL);
    pl_jsonw_str(w, "message", v->message);
    pl_jsonw_id(w, "restored_from", v->restored_from);
    pl_jsonw_int(w, "bytes", v->bytes);
    pl_jsonw_str(w, "hash", v->hash);
    pl_jsonw_str(w, "created_at", v->created_at);
    if (v->markdown)
        pl_jsonw_str(w, "markdown", v->markdown);
}
