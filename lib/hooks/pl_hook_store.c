/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "hooks/pl_hook_store.h"

static const pl_sql_t SQL_SECRET_PUT = {
    "pl.hooks.secret_put",
    "INSERT INTO webhook_secrets (project_id, sealed, created_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (project_id) DO UPDATE SET sealed = excluded.sealed,"
    " created_at = excluded.created_at",
    "INSERT INTO webhook_secrets (project_id, sealed, created_at) VALUES (%s, %s, %s)"
    " ON DUPLICATE KEY UPDATE sealed = VALUES(sealed), created_at = VALUES(created_at)"
};
static const pl_sql_t SQL_SECRET_GET = {
    "pl.hooks.secret_get",
    "SELECT sealed, created_at FROM webhook_secrets WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_INSERT = {
    "pl.hooks.delivery_insert",
    "INSERT INTO webhook_deliveries (project_id, provider, event, delivery_id, first_delivery,"
    " received_at, outcome, detail, analysis_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
    NULL
};
static const pl_sql_t SQL_DECIDE = {
    "pl.hooks.delivery_decide",
    "UPDATE webhook_deliveries SET outcome = %s, detail = %s, analysis_id = %s WHERE id = %s",
    NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.hooks.delivery_list",
    "SELECT id, project_id, provider, event, delivery_id, received_at, outcome, detail,"
    " analysis_id FROM webhook_deliveries WHERE project_id = %s ORDER BY id DESC"
    " LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.hooks.delivery_count",
    "SELECT COUNT(*) FROM webhook_deliveries WHERE project_id = %s", NULL
};

apr_status_t pl_hook_secret_put(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char *sealed)
{
    const char *args[3];

    args[0] = pl_text_i64(p, project_id);
    args[1] = sealed;
    args[2] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_SECRET_PUT, 3, args, NULL);
}

apr_status_t pl_hook_secret_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char **sealed, const char **created_at)
{
    const char *arg = pl_text_i64(p, project_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_SECRET_GET, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *sealed = PL_DB_ROW(res, 0)[0];
    *created_at = PL_DB_ROW(res, 0)[1];
    return APR_SUCCESS;
}

static apr_status_t insert(pl_db_t *db, apr_pool_t *p, pl_hook_delivery_t *d, int claim)
{
    const char *args[9];
    apr_status_t rv;

    d->received_at = pl_time_rfc3339(p, apr_time_now());
    args[0] = pl_text_i64(p, d->project_id);
    args[1] = d->provider;
    args[2] = d->event;
    args[3] = d->delivery_id;
    args[4] = claim ? d->delivery_id : NULL;
    args[5] = d->received_at;
    args[6] = d->outcome;
    args[7] = d->detail;
    args[8] = d->analysis_id ? pl_text_i64(p, d->analysis_id) : NULL;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 9, args, NULL)) != APR_SUCCESS)
        return rv;
    return pl_db_last_id(db, p, &d->id);
}

apr_status_t pl_hook_delivery_claim(pl_db_t *db, apr_pool_t *p, pl_hook_delivery_t *d)
{
    return insert(db, p, d, 1);
}

apr_status_t pl_hook_delivery_note(pl_db_t *db, apr_pool_t *p, pl_hook_delivery_t *d)
{
    return insert(db, p, d, 0);
}

apr_status_t pl_hook_delivery_decide(pl_db_t *db, apr_pool_t *p, const pl_hook_delivery_t *d)
{
    const char *args[4];

    args[0] = d->outcome;
    args[1] = d->detail;
    args[2] = d->analysis_id ? pl_text_i64(p, d->analysis_id) : NULL;
    args[3] = pl_text_i64(p, d->id);
    return pl_db_exec(db, p, &SQL_DECIDE, 4, args, NULL);
}

static void *row_delivery(apr_pool_t *p, const char **row)
{
    pl_hook_delivery_t *d = apr_pcalloc(p, sizeof(*d));

    d->id = apr_atoi64(row[0]);
    d->project_id = apr_atoi64(row[1]);
    d->provider = row[2];
    d->event = row[3];
    d->delivery_id = row[4];
    d->received_at = row[5];
    d->outcome = row[6];
    d->detail = row[7];
    d->analysis_id = row[8] ? apr_atoi64(row[8]) : 0;
    return d;
}

apr_status_t pl_hook_delivery_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   int limit, int offset, apr_array_header_t **items,
                                   apr_int64_t *total)
{
    const char *args[3];
    pl_db_result_t *res;
    apr_status_t rv;

    args[0] = pl_text_i64(p, project_id);
    args[1] = apr_itoa(p, limit);
    args[2] = apr_itoa(p, offset);
    if ((rv = pl_db_select(db, p, &SQL_COUNT, 1, args, &res)) != APR_SUCCESS)
        return rv;
    *total = res->rows->nelts ? apr_atoi64(PL_DB_ROW(res, 0)[0]) : 0;
    if ((rv = pl_db_select(db, p, &SQL_LIST, 3, args, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, row_delivery);
    return APR_SUCCESS;
}

void pl_hook_delivery_write(pl_jsonw_t *w, const pl_hook_delivery_t *d)
{
    pl_jsonw_int(w, "id", d->id);
    pl_jsonw_str(w, "provider", d->provider);
    pl_jsonw_str(w, "event", d->event);
    pl_jsonw_str(w, "delivery_id", d->delivery_id);
    pl_jsonw_str(w, "received_at", d->received_at);
    pl_jsonw_str(w, "outcome", d->outcome);
    pl_jsonw_str(w, "detail", d->detail);
    pl_jsonw_id(w, "analysis_id", d->analysis_id);
}
