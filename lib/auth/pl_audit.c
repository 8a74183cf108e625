/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "auth/pl_audit.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

/* Every filter is optional: a NULL parameter matches everything, so one
 * prepared statement serves every combination. */
#define WHERE " WHERE (%s IS NULL OR action = %s) AND (%s IS NULL OR actor_id = %s)" \
              " AND (%s IS NULL OR outcome = %s) AND (%s IS NULL OR at >= %s)"

#define ACTOR_MAX_BYTES 64   /* audit.actor is VARCHAR(64) */

static const pl_sql_t SQL_INSERT = {
    "pl.audit.insert",
    "INSERT INTO audit (at, actor_id, actor, action, target_type, target_id, client_ip,"
    " outcome, details) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.audit.list",
    "SELECT id, at, actor_id, actor, action, target_type, target_id, client_ip, outcome,"
    " details FROM audit" WHERE " ORDER BY at DESC, id DESC LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.audit.count", "SELECT COUNT(*) FROM audit" WHERE, NULL
};

apr_status_t pl_audit_record(pl_db_t *db, apr_pool_t *p, const pl_audit_t *e)
{
    const char *args[9];

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = e->actor_id ? pl_text_i64(p, e->actor_id) : NULL;
    /* A failed login records the name as typed: any length the body allows.
     * The column holds 64 characters; cut on a character boundary so the
     * row is written on every engine and the log stays readable. */
    args[2] = e->actor ? pl_text_cut_bytes(p, e->actor, ACTOR_MAX_BYTES) : NULL;
    args[3] = e->action;
    args[4] = e->target_type;
    args[5] = e->target_id;
    args[6] = e->client_ip;
    args[7] = e->success ? "success" : "failure";
    args[8] = e->details;
    return pl_db_exec(db, p, &SQL_INSERT, 9, args, NULL);
}

apr_status_t pl_audit_list(pl_db_t *db, apr_pool_t *p, const pl_audit_filter_t *f,
                           apr_array_header_t **entries, apr_int64_t *total)
{
    const char *actor = f->actor_id ? pl_text_i64(p, f->actor_id) : NULL;
    const char *args[10] = { f->action, f->action, actor, actor, f->outcome, f->outcome,
                             f->since, f->since, NULL, NULL };
    pl_db_result_t *res;
    apr_status_t rv;
    int i;

    if ((rv = pl_db_select(db, p, &SQL_COUNT, 8, args, &res)) != APR_SUCCESS)
        return rv;
    *total = res->rows->nelts ? apr_atoi64(PL_DB_ROW(res, 0)[0]) : 0;
    args[8] = apr_itoa(p, f->limit);
    args[9] = apr_itoa(p, f->offset);
    if ((rv = pl_db_select(db, p, &SQL_LIST, 10, args, &res)) != APR_SUCCESS)
        return rv;
    *entries = apr_array_make(p, res->rows->nelts + 1, sizeof(pl_audit_t *));
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        pl_audit_t *e = apr_pcalloc(p, sizeof(*e));
        e->id = apr_atoi64(row[0]);
        e->at = row[1];
        e->actor_id = row[2] ? apr_atoi64(row[2]) : 0;
        e->actor = row[3];
        e->action = row[4];
        e->target_type = row[5];
        e->target_id = row[6];
        e->client_ip = row[7];
        e->success = row[8] && !strcmp(row[8], "success");
        e->details = row[9];
        APR_ARRAY_PUSH(*entries, pl_audit_t *) = e;
    }
    return APR_SUCCESS;
}

void pl_audit_write(pl_jsonw_t *w, const pl_audit_t *e)
{
    pl_jsonw_int(w, "id", e->id);
    pl_jsonw_str(w, "at", e->at);
    if (e->actor_id)
        pl_jsonw_int(w, "actor_id", e->actor_id);
    else
        pl_jsonw_str(w, "actor_id", NULL);
    pl_jsonw_str(w, "actor", e->actor);
    pl_jsonw_str(w, "action", e->action);
    pl_jsonw_str(w, "target_type", e->target_type);
    pl_jsonw_str(w, "target_id", e->target_id);
    pl_jsonw_str(w, "client_ip", e->client_ip);
    pl_jsonw_str(w, "outcome", e->success ? "success" : "failure");
    pl_jsonw_str(w, "details", e->details);
}
