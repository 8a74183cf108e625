/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_secret.h"
#include "auth/pl_sessions.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

static const pl_sql_t SQL_INSERT = {
    "pl.sessions.insert",
    "INSERT INTO sessions (user_id, family_id, token_hash, created_at, expires_at)"
    " VALUES (%s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_SET_FAMILY = {
    "pl.sessions.set_family", "UPDATE sessions SET family_id = id WHERE id = %s", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.sessions.get",
    "SELECT user_id, family_id, token_hash, expires_at, revoked_at FROM sessions WHERE id = %s",
    NULL
};
/* revoked_at IS NULL: two refreshes racing with one token, one wins. */
static const pl_sql_t SQL_REVOKE = {
    "pl.sessions.revoke",
    "UPDATE sessions SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL", NULL
};
static const pl_sql_t SQL_REVOKE_FAMILY = {
    "pl.sessions.revoke_family",
    "UPDATE sessions SET revoked_at = %s WHERE family_id = %s AND revoked_at IS NULL", NULL
};
/* A family lives while one of its tokens is unrevoked: the access tokens
 * issued with it (claim sid) die with it. */
static const pl_sql_t SQL_FAMILY_LIVE = {
    "pl.sessions.family_live",
    "SELECT 1 FROM sessions WHERE family_id = %s AND revoked_at IS NULL LIMIT 1", NULL
};
static const pl_sql_t SQL_REVOKE_USER = {
    "pl.sessions.revoke_user",
    "UPDATE sessions SET revoked_at = %s"
    " WHERE user_id = %s AND family_id <> %s AND revoked_at IS NULL", NULL
};


apr_status_t pl_session_issue(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                              apr_int64_t family_id, apr_int64_t lifetime,
                              const char **token, apr_int64_t *family)
{
    apr_time_t now = apr_time_now();
    const char *secret, *args[5];
    apr_int64_t id;
    apr_status_t rv;

    if ((rv = pl_secret_random(p, &secret)) != APR_SUCCESS)
        return rv;
    args[0] = pl_text_i64(p, user_id);
    args[1] = pl_text_i64(p, family_id);
    args[2] = pl_secret_hash(p, secret);
    args[3] = pl_time_rfc3339(p, now);
    args[4] = pl_time_rfc3339(p, now + apr_time_from_sec(lifetime));
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 5, args, NULL)) != APR_SUCCESS
        || (rv = pl_db_last_id(db, p, &id)) != APR_SUCCESS)
        return rv;
    if (family_id == 0) {
        args[0] = pl_text_i64(p, id);
        if ((rv = pl_db_exec(db, p, &SQL_SET_FAMILY, 1, args, NULL)) != APR_SUCCESS)
            return rv;
    }
    *token = pl_secret_format(p, PL_REFRESH_PREFIX, id, secret);
    if (family)
        *family = family_id ? family_id : id;
    return APR_SUCCESS;
}

typedef struct {
    apr_int64_t id, user_id, family_id;
    const char *expires_at, *revoked_at;
} session_t;

/* The row of a presented token whose secret matches; PL_EAUTH otherwise. */
static apr_status_t lookup(pl_db_t *db, apr_pool_t *p, const char *token, session_t *s)
{
    const char *secret, *arg;
    const char **row;
    pl_db_result_t *res;
    apr_status_t rv;

    if (!token || pl_secret_parse(token, PL_REFRESH_PREFIX, &s->id, &secret, p) != APR_SUCCESS)
        return PL_EAUTH;
    arg = pl_text_i64(p, s->id);
    if ((rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res)) != APR_SUCCESS)
        return rv;
    if (res->rows->nelts == 0)
        return PL_EAUTH;
    row = PL_DB_ROW(res, 0);
    if (!pl_secret_equal(row[2], pl_secret_hash(p, secret)))
        return PL_EAUTH;
    s->user_id = apr_atoi64(row[0]);
    s->family_id = apr_atoi64(row[1]);
    s->expires_at = row[3];
    s->revoked_at = row[4];
    return APR_SUCCESS;
}

apr_status_t pl_session_revoke_family(pl_db_t *db, apr_pool_t *p, apr_int64_t family)
{
    const char *args[2];

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = pl_text_i64(p, family);
    return pl_db_exec(db, p, &SQL_REVOKE_FAMILY, 2, args, NULL);
}

/* A token spent this recently is presented again by its own client far
 * more often than by a thief: a reply that set its successor was lost to
 * a page reload, or two tabs refreshed at once. Within grace seconds
 * (PlanningRefreshReuseGrace), while the session lives, it gets a successor
 * of its own instead of ending the session; later, the reuse ends the
 * whole family. */
static int spent_just_now(const session_t *s, apr_int64_t grace)
{
    apr_time_t at;

    return grace > 0 && pl_time_parse_rfc3339(s->revoked_at, &at) == APR_SUCCESS
        && apr_time_now() - at < apr_time_from_sec(grace);
}

apr_status_t pl_session_rotate(pl_db_t *db, apr_pool_t *p, const char *token,
                               apr_int64_t lifetime, apr_int64_t grace, apr_int64_t *user_id,
                               const char **next, apr_int64_t *family)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *args[2];
    apr_dbd_transaction_t *tx = NULL;
    session_t s;
    apr_status_t rv, end;
    int n = 0;

    if ((rv = lookup(db, p, token, &s)) != APR_SUCCESS)
        return rv;
    if (strcmp(s.expires_at, now) <= 0)
        return PL_EAUTH;
    if (s.revoked_at && !spent_just_now(&s, grace)) {
        rv = pl_session_revoke_family(db, p, s.family_id);
        return rv == APR_SUCCESS ? PL_EAUTH : rv;
    }
    /* One transaction: between the revoke and the insert the family would
     * have no live token, and the access tokens checked in that moment
     * (pl_session_family_live) would be refused although nothing ended. */
    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    args[0] = now;
    args[1] = pl_text_i64(p, s.id);
    rv = pl_db_exec(db, p, &SQL_REVOKE, 2, args, &n);
    /* spent by another refresh just now (or before, within the grace):
     * a successor while the session lives (not after a sign-out) */
    if (rv == APR_SUCCESS && n != 1)
        rv = grace > 0 ? pl_session_family_live(db, p, s.family_id) : PL_EAUTH;
    if (rv == APR_SUCCESS)
        rv = pl_session_issue(db, p, s.user_id, s.family_id, lifetime, next, family);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    if (rv == APR_SUCCESS && (rv = end) == APR_SUCCESS)
        *user_id = s.user_id;
    return rv;
}

apr_status_t pl_session_revoke(pl_db_t *db, apr_pool_t *p, const char *token,
                               apr_int64_t *user_id)
{
    session_t s;
    apr_status_t rv;

    if ((rv = lookup(db, p, token, &s)) != APR_SUCCESS)
        return rv;
    if (s.revoked_at)   /* an old token must not end the sessions of today */
        return PL_EAUTH;
    *user_id = s.user_id;
    return pl_session_revoke_family(db, p, s.family_id);
}

apr_status_t pl_session_family_live(pl_db_t *db, apr_pool_t *p, apr_int64_t family)
{
    const char *arg = pl_text_i64(p, family);
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = pl_db_select(db, p, &SQL_FAMILY_LIVE, 1, &arg, &res)) != APR_SUCCESS)
        return rv;
    return res->rows->nelts ? APR_SUCCESS : PL_EAUTH;
}

apr_status_t pl_session_revoke_user(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                                    apr_int64_t keep_family)
{
    const char *args[3];

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = pl_text_i64(p, user_id);
    args[2] = pl_text_i64(p, keep_family);
    return pl_db_exec(db, p, &SQL_REVOKE_USER, 3, args, NULL);
}
