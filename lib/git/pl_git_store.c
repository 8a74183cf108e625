/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "git/pl_git_store.h"

static const pl_sql_t SQL_REMOTE_GET = {
    "pl.git.remote_get",
    "SELECT url, branch, username, token_sealed, updated_at FROM git_remotes"
    " WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_REMOTE_PUT = {
    "pl.git.remote_put",
    "INSERT INTO git_remotes (project_id, url, branch, username, token_sealed, updated_at)"
    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (project_id) DO UPDATE SET"
    " url = excluded.url, branch = excluded.branch, username = excluded.username,"
    " token_sealed = excluded.token_sealed, updated_at = excluded.updated_at",
    "INSERT INTO git_remotes (project_id, url, branch, username, token_sealed, updated_at)"
    " VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE url = VALUES(url),"
    " branch = VALUES(branch), username = VALUES(username),"
    " token_sealed = VALUES(token_sealed), updated_at = VALUES(updated_at)"
};
static const pl_sql_t SQL_KEY_GET = {
    "pl.git.key_get",
    "SELECT public_key, fingerprint, private_sealed, created_at FROM git_deploy_keys"
    " WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_KEY_PUT = {
    "pl.git.key_put",
    "INSERT INTO git_deploy_keys (project_id, public_key, fingerprint, private_sealed,"
    " created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (project_id) DO UPDATE SET"
    " public_key = excluded.public_key, fingerprint = excluded.fingerprint,"
    " private_sealed = excluded.private_sealed, created_at = excluded.created_at",
    "INSERT INTO git_deploy_keys (project_id, public_key, fingerprint, private_sealed,"
    " created_at) VALUES (%s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE"
    " public_key = VALUES(public_key), fingerprint = VALUES(fingerprint),"
    " private_sealed = VALUES(private_sealed), created_at = VALUES(created_at)"
};
static const pl_sql_t SQL_KEY_DELETE = {
    "pl.git.key_delete", "DELETE FROM git_deploy_keys WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_HOSTS = {
    "pl.git.hosts",
    "SELECT host, key_type, fingerprint, state, seen_at, confirmed_at FROM git_host_keys"
    " WHERE project_id = %s ORDER BY host", NULL
};
/* a confirmed row is never overwritten: the WHERE of the upsert */
static const pl_sql_t SQL_HOST_PENDING = {
    "pl.git.host_pending",
    "INSERT INTO git_host_keys (project_id, host, key_type, fingerprint, state, seen_at)"
    " VALUES (%s, %s, %s, %s, 'pending', %s) ON CONFLICT (project_id, host) DO UPDATE SET"
    " key_type = excluded.key_type, fingerprint = excluded.fingerprint,"
    " seen_at = excluded.seen_at WHERE git_host_keys.state = 'pending'",
    "INSERT INTO git_host_keys (project_id, host, key_type, fingerprint, state, seen_at)"
    " VALUES (%s, %s, %s, %s, 'pending', %s) ON DUPLICATE KEY UPDATE"
    " key_type = IF(state = 'pending', VALUES(key_type), key_type),"
    " fingerprint = IF(state = 'pending', VALUES(fingerprint), fingerprint),"
    " seen_at = IF(state = 'pending', VALUES(seen_at), seen_at)"
};
static const pl_sql_t SQL_HOST_CONFIRM = {
    "pl.git.host_confirm",
    "UPDATE git_host_keys SET state = 'confirmed', confirmed_at = %s WHERE project_id = %s"
    " AND host = %s AND state = 'pending' AND (%s IS NULL OR fingerprint = %s)", NULL
};
static const pl_sql_t SQL_HOST_DELETE = {
    "pl.git.host_delete", "DELETE FROM git_host_keys WHERE project_id = %s AND host = %s", NULL
};

/* The one row a project has in a table keyed by it, or PL_ENOTFOUND. */
static apr_status_t project_row(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                                apr_int64_t project_id, const char ***row)
{
    const char *arg = pl_text_i64(p, project_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *row = PL_DB_ROW(res, 0);
    return APR_SUCCESS;
}

apr_status_t pl_git_remote_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                               pl_git_remote_rec_t **out)
{
    const char **row;
    pl_git_remote_rec_t *r;
    apr_status_t rv = project_row(db, p, &SQL_REMOTE_GET, project_id, &row);

    if (rv != APR_SUCCESS)
        return rv;
    r = apr_pcalloc(p, sizeof(*r));
    r->project_id = project_id;
    r->url = row[0];
    r->branch = row[1];
    r->username = row[2];
    r->token_sealed = row[3];
    r->updated_at = row[4];
    *out = r;
    return APR_SUCCESS;
}

apr_status_t pl_git_remote_put(pl_db_t *db, apr_pool_t *p, const pl_git_remote_rec_t *r)
{
    const char *args[6];

    args[0] = pl_text_i64(p, r->project_id);
    args[1] = r->url;
    args[2] = r->branch;
    args[3] = r->username;
    args[4] = r->token_sealed;
    args[5] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_REMOTE_PUT, 6, args, NULL);
}

apr_status_t pl_git_deploy_key_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   pl_git_deploy_key_t **out)
{
    const char **row;
    pl_git_deploy_key_t *k;
    apr_status_t rv = project_row(db, p, &SQL_KEY_GET, project_id, &row);

    if (rv != APR_SUCCESS)
        return rv;
    k = apr_pcalloc(p, sizeof(*k));
    k->project_id = project_id;
    k->public_key = row[0];
    k->fingerprint = row[1];
    k->private_sealed = row[2];
    k->created_at = row[3];
    *out = k;
    return APR_SUCCESS;
}

apr_status_t pl_git_deploy_key_put(pl_db_t *db, apr_pool_t *p, const pl_git_deploy_key_t *k)
{
    const char *args[5];

    args[0] = pl_text_i64(p, k->project_id);
    args[1] = k->public_key;
    args[2] = k->fingerprint;
    args[3] = k->private_sealed;
    args[4] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_KEY_PUT, 5, args, NULL);
}

apr_status_t pl_git_deploy_key_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id)
{
    const char *arg = pl_text_i64(p, project_id);
    int n = 0;
    apr_status_t rv = pl_db_exec(db, p, &SQL_KEY_DELETE, 1, &arg, &n);

    return rv == APR_SUCCESS && n == 0 ? PL_ENOTFOUND : rv;
}

static void *host_row(apr_pool_t *p, const char **row)
{
    pl_git_host_key_t *k = apr_pcalloc(p, sizeof(*k));

    k->host = row[0];
    k->type = row[1];
    k->fingerprint = row[2];
    k->state = row[3];
    k->seen_at = row[4];
    k->confirmed_at = row[5];
    return k;
}

apr_status_t pl_git_host_keys_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   apr_array_header_t **keys)
{
    const char *arg = pl_text_i64(p, project_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_HOSTS, 1, &arg, &res);

    if (rv == APR_SUCCESS)
        *keys = pl_db_map(p, res, host_row);
    return rv;
}

apr_status_t pl_git_host_key_pending(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     const pl_git_host_key_t *k)
{
    const char *args[5];

    args[0] = pl_text_i64(p, project_id);
    args[1] = k->host;
    args[2] = k->type;
    args[3] = k->fingerprint;
    args[4] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_HOST_PENDING, 5, args, NULL);
}

apr_status_t pl_git_host_key_confirm(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     const char *host, const char *fingerprint)
{
    const char *args[5];
    int n = 0;
    apr_status_t rv;

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = pl_text_i64(p, project_id);
    args[2] = host;
    args[3] = fingerprint;
    args[4] = fingerprint;
    rv = pl_db_exec(db, p, &SQL_HOST_CONFIRM, 5, args, &n);
    return rv == APR_SUCCESS && n == 0 ? PL_ENOTFOUND : rv;
}

apr_status_t pl_git_host_key_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                    const char *host)
{
    const char *args[2];
    int n = 0;
    apr_status_t rv;

    args[0] = pl_text_i64(p, project_id);
    args[1] = host;
    rv = pl_db_exec(db, p, &SQL_HOST_DELETE, 2, args, &n);
    return rv == APR_SUCCESS && n == 0 ? PL_ENOTFOUND : rv;
}
