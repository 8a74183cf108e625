/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_text.h"
#include "core/pl_time.h"
#include "chat/pl_usage.h"

/* The day is the first ten characters of the RFC 3339 time: the same on
 * both engines, and UTC as every stored time. Replies in threads come from
 * the messages, other runs from usage_runs, which never holds a reply. */
/* The users are a range: one (id to id) or every one (1 to the largest). */
static const pl_sql_t SQL_USAGE = {
    "pl.usage.list",
    "SELECT SUBSTR(m.created_at, 1, 10) AS day, 'chat' AS source, COALESCE(m.model, '') AS model,"
    " COUNT(*), COALESCE(SUM(m.prompt_tokens), 0), COALESCE(SUM(m.completion_tokens), 0),"
    " COALESCE(SUM(m.total_ns), 0), t.user_id FROM messages m JOIN threads t ON t.id = m.thread_id"
    " WHERE m.role = 'assistant' AND m.imported = 0 AND t.user_id BETWEEN %s AND %s"
    " AND m.created_at >= %s"
    " GROUP BY SUBSTR(m.created_at, 1, 10), m.model, t.user_id"
    " UNION ALL"
    " SELECT SUBSTR(created_at, 1, 10), source, model, COUNT(*), SUM(tokens_in), SUM(tokens_out),"
    " SUM(total_ns), user_id FROM usage_runs WHERE user_id BETWEEN %s AND %s AND created_at >= %s"
    " GROUP BY SUBSTR(created_at, 1, 10), source, model, user_id"
    " ORDER BY 1 DESC, 3, 2, 8", NULL
};
static const pl_sql_t SQL_RECORD = {
    "pl.usage.record",
    "INSERT INTO usage_runs (user_id, source, model, tokens_in, tokens_out, total_ns, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)", NULL
};

static void *usage_row(apr_pool_t *p, const char **r)
{
    pl_usage_t *u = apr_pcalloc(p, sizeof(*u));

    u->day = r[0];
    u->source = r[1];
    u->model = r[2];
    u->requests = apr_atoi64(r[3]);
    u->tokens_in = apr_atoi64(r[4]);
    u->tokens_out = apr_atoi64(r[5]);
    u->generation_ns = apr_atoi64(r[6]);
    u->user_id = apr_atoi64(r[7]);
    return u;
}

static const char *count(apr_pool_t *p, apr_int64_t n)
{
    return pl_text_i64(p, n > 0 ? n : 0);
}

apr_status_t pl_usage_record(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                             const pl_usage_t *u)
{
    const char *a[7];

    a[0] = pl_text_i64(p, user_id);
    a[1] = u->source;
    a[2] = u->model ? u->model : "";
    a[3] = count(p, u->tokens_in);
    a[4] = count(p, u->tokens_out);
    a[5] = count(p, u->generation_ns);
    a[6] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_RECORD, 7, a, NULL);
}

apr_status_t pl_usage_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *since,
                           apr_array_header_t **rows)
{
    const char *a[6];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = a[3] = pl_text_i64(p, user_id ? user_id : 1);
    a[1] = a[4] = pl_text_i64(p, user_id ? user_id : APR_INT64_MAX);
    a[2] = a[5] = since;
    if ((rv = pl_db_select(db, p, &SQL_USAGE, 6, a, &res)) == APR_SUCCESS)
        *rows = pl_db_map(p, res, usage_row);
    return rv;
}

void pl_usage_write(pl_jsonw_t *w, const pl_usage_t *u)
{
    pl_jsonw_str(w, "day", u->day);
    pl_jsonw_int(w, "user_id", u->user_id);
    pl_jsonw_str(w, "source", u->source);
    pl_jsonw_str(w, "model", u->model);
    pl_jsonw_int(w, "requests", u->requests);
    pl_jsonw_int(w, "tokens_in", u->tokens_in);
    pl_jsonw_int(w, "tokens_out", u->tokens_out);
    pl_jsonw_number(w, "generation_seconds", (double)u->generation_ns / 1e9);
}
