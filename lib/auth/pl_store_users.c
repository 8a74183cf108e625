/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "auth/pl_store_users.h"
#include "core/pl_time.h"

#define COLUMNS "id, username, password_hash, role, status, source, token_version," \
                " created_at, updated_at, last_login_at"
#define INSERT_COLUMNS "(username, password_hash, role, status, source, token_version," \
                       " created_at, updated_at)"

static const pl_sql_t SQL_INSERT = {
    "pl.users.insert",
    "INSERT INTO users " INSERT_COLUMNS " VALUES (%s, %s, %s, %s, %s, 1, %s, %s)", NULL
};
/* One statement, so two first-run setups cannot both succeed. */
static const pl_sql_t SQL_INSERT_FIRST = {
    "pl.users.insert_first",
    "INSERT INTO users " INSERT_COLUMNS
    " SELECT %s, %s, %s, %s, %s, 1, %s, %s WHERE NOT EXISTS (SELECT 1 FROM users)",
    "INSERT INTO users " INSERT_COLUMNS
    " SELECT %s, %s, %s, %s, %s, 1, %s, %s FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM users)"
};
static const pl_sql_t SQL_GET = {
    "pl.users.get", "SELECT " COLUMNS " FROM users WHERE id = %s", NULL
};
static const pl_sql_t SQL_BY_NAME = {
    "pl.users.by_name", "SELECT " COLUMNS " FROM users WHERE username = %s", NULL
};
static const pl_sql_t SQL_UPDATE = {
    "pl.users.update",
    "UPDATE users SET role = %s, status = %s, password_hash = %s, source = %s,"
    " token_version = token_version + %s, updated_at = %s WHERE id = %s", NULL
};
static const pl_sql_t SQL_TOUCH = {
    "pl.users.touch", "UPDATE users SET last_login_at = %s WHERE id = %s", NULL
};
static const pl_sql_t SQL_DELETE = {
    "pl.users.delete", "DELETE FROM users WHERE id = %s", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.users.list", "SELECT " COLUMNS " FROM users ORDER BY id LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.users.count", "SELECT COUNT(*) FROM users", NULL
};
static const pl_sql_t SQL_COUNT_ADMINS = {
    "pl.users.count_admins",
    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active'", NULL
};

static void *from_row(apr_pool_t *p, const char **row)
{
    pl_user_t *u = apr_pcalloc(p, sizeof(*u));

    u->id = apr_atoi64(row[0]);
    u->username = row[1];
    u->password_hash = row[2];
    u->role = pl_role_parse(row[3]);
    u->status = row[4];
    u->source = row[5];
    u->token_version = apr_atoi64(row[6]);
    u->created_at = row[7];
    u->updated_at = row[8];
    u->last_login_at = row[9];
    return u;
}

static apr_status_t one(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, const char *arg,
                        pl_user_t **puser)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts == 0)
        return PL_ENOTFOUND;
    *puser = from_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

static apr_status_t count(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, apr_int64_t *n)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, 0, NULL, &res);

    if (rv == APR_SUCCESS)
        *n = res->rows->nelts ? apr_atoi64(PL_DB_ROW(res, 0)[0]) : 0;
    return rv;
}

static apr_status_t insert(pl_db_t *db, apr_pool_t *p, pl_user_t *u, const pl_sql_t *sql)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    const char *args[7];
    apr_status_t rv;
    int n = 0;

    args[0] = u->username;
    args[1] = u->password_hash;
    args[2] = pl_role_name(u->role);
    args[3] = u->status ? u->status : "active";
    args[4] = u->source ? u->source : "local";
    args[5] = now;
    args[6] = now;
    if ((rv = pl_db_exec(db, p, sql, 7, args, &n)) != APR_SUCCESS)
        return rv;
    if (n != 1)
        return PL_ECONFLICT;
    u->status = args[3];
    u->source = args[4];
    u->token_version = 1;
    u->created_at = u->updated_at = now;
    return pl_db_last_id(db, p, &u->id);
}

apr_status_t pl_store_user_insert(pl_db_t *db, apr_pool_t *p, pl_user_t *user)
{
    return insert(db, p, user, &SQL_INSERT);
}

apr_status_t pl_store_user_insert_first(pl_db_t *db, apr_pool_t *p, pl_user_t *user)
{
    return insert(db, p, user, &SQL_INSERT_FIRST);
}

apr_status_t pl_store_user_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_user_t **puser)
{
    return one(db, p, &SQL_GET, pl_text_i64(p, id), puser);
}

apr_status_t pl_store_user_by_name(pl_db_t *db, apr_pool_t *p, const char *username,
                                   pl_user_t **puser)
{
    return one(db, p, &SQL_BY_NAME, username, puser);
}

apr_status_t pl_store_user_update(pl_db_t *db, apr_pool_t *p, pl_user_t *user, int bump)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    const char *args[7];
    apr_status_t rv;

    args[0] = pl_role_name(user->role);
    args[1] = user->status;
    args[2] = user->password_hash;
    args[3] = user->source ? user->source : "local";
    args[4] = bump ? "1" : "0";
    args[5] = now;
    args[6] = pl_text_i64(p, user->id);
    if ((rv = pl_db_exec(db, p, &SQL_UPDATE, 7, args, NULL)) != APR_SUCCESS)
        return rv;
    user->updated_at = now;
    if (bump)
        user->token_version++;
    return APR_SUCCESS;
}

apr_status_t pl_store_user_touch_login(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    return pl_db_stamp(db, p, &SQL_TOUCH, id);
}

apr_status_t pl_store_user_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    apr_dbd_transaction_t *tx = NULL;
    const char *arg = pl_text_i64(p, id);
    apr_int64_t admins = 0;
    pl_user_t *u;
    apr_status_t rv, end;

    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    rv = one(db, p, &SQL_GET, arg, &u);
    if (rv == APR_SUCCESS && u->role == PL_ROLE_ADMIN && !strcmp(u->status, "active")
        && (rv = count(db, p, &SQL_COUNT_ADMINS, &admins)) == APR_SUCCESS && admins <= 1)
        rv = PL_ECONFLICT;
    if (rv == APR_SUCCESS)
        rv = pl_db_exec(db, p, &SQL_DELETE, 1, &arg, NULL);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

apr_status_t pl_store_user_list(pl_db_t *db, apr_pool_t *p, int limit, int offset,
                                apr_array_header_t **users, apr_int64_t *total)
{
    const char *args[2];
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = count(db, p, &SQL_COUNT, total)) != APR_SUCCESS)
        return rv;
    args[0] = apr_itoa(p, limit);
    args[1] = apr_itoa(p, offset);
    if ((rv = pl_db_select(db, p, &SQL_LIST, 2, args, &res)) != APR_SUCCESS)
        return rv;
    *users = pl_db_map(p, res, from_row);
    return APR_SUCCESS;
}

apr_status_t pl_store_user_count_admins(pl_db_t *db, apr_pool_t *p, apr_int64_t *n)
{
    return count(db, p, &SQL_COUNT_ADMINS, n);
}

apr_status_t pl_store_user_count(pl_db_t *db, apr_pool_t *p, apr_int64_t *n)
{
    return count(db, p, &SQL_COUNT, n);
}
