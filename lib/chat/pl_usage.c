/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_text.h"
#include "chat/pl_usage.h"

/* The day is the first ten characters of the RFC 3339 time: the same on
 * both engines, and UTC as every stored time. */
static const pl_sql_t SQL_USAGE = {
    "pl.usage.list",
    "SELECT SUBSTR(m.created_at, 1, 10) AS day, COALESCE(m.model, ''), COUNT(*),"
    " COALESCE(SUM(m.prompt_tokens), 0), COALESCE(SUM(m.completion_tokens), 0),"
    " COALESCE(SUM(m.total_ns), 0) FROM messages m JOIN threads t ON t.id = m.thread_id"
    " WHERE m.role = 'assistant' AND m.imported = 0 AND t.user_id = %s AND m.created_at >= %s"
    " GROUP BY day, m.model ORDER BY day DESC, 2", NULL
};

static void *usage_row(apr_pool_t *p, const char **r)
{
    pl_usage_t *u = apr_pcalloc(p, sizeof(*u));

    u->day = r[0];
    u->model = r[1];
    u->requests = apr_atoi64(r[2]);
    u->tokens_in = apr_atoi64(r[3]);
    u->tokens_out = apr_atoi64(r[4]);
    u->generation_ns = apr_atoi64(r[5]);
    return u;
}

apr_status_t pl_usage_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *since,
                           apr_array_header_t **rows)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, user_id);
    a[1] = since;
    if ((rv = pl_db_select(db, p, &SQL_USAGE, 2, a, &res)) == APR_SUCCESS)
        *rows = pl_db_map(p, res, usage_row);
    return rv;
}

void pl_usage_write(pl_jsonw_t *w, const pl_usage_t *u)
{
    pl_jsonw_str(w, "day", u->day);
    pl_jsonw_str(w, "model", u->model);
    pl_jsonw_int(w, "requests", u->requests);
    pl_jsonw_int(w, "tokens_in", u->tokens_in);
    pl_jsonw_int(w, "tokens_out", u->tokens_out);
    pl_jsonw_number(w, "generation_seconds", (double)u->generation_ns / 1e9);
}
