/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "auth/pl_apikeys.h"
#include "core/pl_secret.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define COLUMNS "id, user_id, name, scopes, project_id, created_at, expires_at," \
                " last_used_at, revoked_at, secret_hash"

static const pl_sql_t SQL_INSERT = {
    "pl.keys.insert",
    "INSERT INTO api_keys (user_id, name, secret_hash, scopes, project_id, created_at,"
    " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.keys.get", "SELECT " COLUMNS " FROM api_keys WHERE id = %s", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.keys.list", "SELECT " COLUMNS " FROM api_keys WHERE user_id = %s ORDER BY id", NULL
};
static const pl_sql_t SQL_REVOKE = {
    "pl.keys.revoke",
    "UPDATE api_keys SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL", NULL
};
static const pl_sql_t SQL_USED = {
    "pl.keys.used", "UPDATE api_keys SET last_used_at = %s WHERE id = %s", NULL
};

pl_role_e pl_apikey_scope_role(const char *scopes)
{
    if (!scopes)
        return PL_ROLE_NONE;
    if (strstr(scopes, "admin"))
        return PL_ROLE_ADMIN;
    if (strstr(scopes, "write"))
        return PL_ROLE_DEVELOPER;
    if (strstr(scopes, "read"))
        return PL_ROLE_VIEWER;
    return PL_ROLE_NONE;
}

static pl_apikey_t *from_row(apr_pool_t *p, const char **row, const char **hash)
{
    pl_apikey_t *k = apr_pcalloc(p, sizeof(*k));

    k->id = apr_atoi64(row[0]);
    k->user_id = apr_atoi64(row[1]);
    k->name = row[2];
    k->scopes = row[3];
    k->project_id = row[4] ? apr_atoi64(row[4]) : 0;
    k->created_at = row[5];
    k->expires_at = row[6];
    k->last_used_at = row[7];
    k->revoked_at = row[8];
    if (hash)
        *hash = row[9];
    return k;
}

static void *listed_row(apr_pool_t *p, const char **row)
{
    return from_row(p, row, NULL);
}

apr_status_t pl_apikey_create(pl_db_t *db, apr_pool_t *p, pl_apikey_t *key,
                              const char **secret_token)
{
    const char *secret, *args[7];
    apr_status_t rv;

    if ((rv = pl_secret_random(p, &secret)) != APR_SUCCESS)
        return rv;
    key->created_at = pl_time_rfc3339(p, apr_time_now());
    args[0] = pl_text_i64(p, key->user_id);
    args[1] = key->name;
    args[2] = pl_secret_hash(p, secret);
    args[3] = key->scopes;
    args[4] = key->project_id ? pl_text_i64(p, key->project_id) : NULL;
    args[5] = key->created_at;
    args[6] = key->expires_at;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 7, args, NULL)) != APR_SUCCESS
        || (rv = pl_db_last_id(db, p, &key->id)) != APR_SUCCESS)
        return rv;
    *secret_token = pl_secret_format(p, PL_APIKEY_PREFIX, key->id, secret);
    return APR_SUCCESS;
}

static apr_status_t get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_apikey_t **pkey,
                        const char **hash)
{
    const char *arg = pl_text_i64(p, id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts == 0)
        return PL_ENOTFOUND;
    *pkey = from_row(p, PL_DB_ROW(res, 0), hash);
    return APR_SUCCESS;
}

apr_status_t pl_apikey_verify(pl_db_t *db, apr_pool_t *p, const char *token,
                              pl_apikey_t **pkey)
{
    const char *secret, *hash, *now = pl_time_rfc3339(p, apr_time_now());
    pl_apikey_t *k;
    apr_int64_t id;
    apr_status_t rv;

    if (pl_secret_parse(token, PL_APIKEY_PREFIX, &id, &secret, p) != APR_SUCCESS)
        return PL_EAUTH;
    rv = get(db, p, id, &k, &hash);
    if (rv == PL_ENOTFOUND)
        return PL_EAUTH;
    if (rv != APR_SUCCESS)
        return rv;
    if (!pl_secret_equal(hash, pl_secret_hash(p, secret)) || k->revoked_at
        || (k->expires_at && strcmp(k->expires_at, now) <= 0))
        return PL_EAUTH;
    /* Recorded to the minute: a write on every call of a busy CI job would
     * cost more than the call. A failure costs nothing but the bookkeeping. */
    if (!k->last_used_at
        || strcmp(k->last_used_at, pl_time_rfc3339(p, apr_time_now() - apr_time_from_sec(60))) < 0) {
        pl_db_stamp(db, p, &SQL_USED, id);
        k->last_used_at = now;
    }
    *pkey = k;
    return APR_SUCCESS;
}

apr_status_t pl_apikey_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_apikey_t **pkey)
{
    return get(db, p, id, pkey, NULL);
}

apr_status_t pl_apikey_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                            apr_array_header_t **keys)
{
    const char *arg = pl_text_i64(p, user_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_LIST, 1, &arg, &res);

    if (rv == APR_SUCCESS)
        *keys = pl_db_map(p, res, listed_row);
    return rv;
}

apr_status_t pl_apikey_revoke(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    return pl_db_stamp(db, p, &SQL_REVOKE, id);
}

void pl_apikey_write(pl_jsonw_t *w, apr_pool_t *p, const pl_apikey_t *key)
{
    char *scopes = apr_pstrdup(p, key->scopes), *state, *scope;

    pl_jsonw_int(w, "id", key->id);
    pl_jsonw_str(w, "name", key->name);
    /* what the key starts with, so a leaked key can be recognised */
    pl_jsonw_str(w, "prefix", apr_psprintf(p, PL_APIKEY_PREFIX "_%" APR_INT64_T_FMT "_", key->id));
    pl_jsonw_array(w, "scopes");
    for (scope = apr_strtok(scopes, ",", &state); scope; scope = apr_strtok(NULL, ",", &state))
        pl_jsonw_str(w, NULL, scope);
    pl_jsonw_end(w);
    if (key->project_id)
        pl_jsonw_int(w, "project_id", key->project_id);
    else
        pl_jsonw_str(w, "project_id", NULL);
    pl_jsonw_str(w, "created_at", key->created_at);
    pl_jsonw_str(w, "expires_at", key->expires_at);
    pl_jsonw_str(w, "last_used_at", key->last_used_at);
    pl_jsonw_str(w, "revoked_at", key->revoked_at);
}
