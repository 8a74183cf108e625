/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "chat/pl_servers.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "core/pl_url.h"

#define COLUMNS "id, name, base_url, kind, api_key, priority, enabled, created_at, updated_at"

static const pl_sql_t SQL_INSERT = {
    "pl.servers.insert",
    "INSERT INTO model_servers (name, base_url, kind, api_key, priority, enabled, created_at,"
    " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_UPDATE = {
    "pl.servers.update",
    "UPDATE model_servers SET name = %s, base_url = %s, kind = %s, api_key = %s, priority = %s,"
    " enabled = %s, updated_at = %s WHERE id = %s", NULL
};
static const pl_sql_t SQL_DELETE = {
    "pl.servers.delete", "DELETE FROM model_servers WHERE id = %s", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.servers.get", "SELECT " COLUMNS " FROM model_servers WHERE id = %s", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.servers.list",
    "SELECT " COLUMNS " FROM model_servers WHERE (%s IS NULL OR enabled = 1)"
    " ORDER BY priority DESC, id", NULL
};

static const char *const KNOWN[] = {
    "name", "base_url", "kind", "api_key", "priority", "enabled", NULL
};

static apr_status_t refuse(const char *f, const char *m, const char **field, const char **why)
{
    *field = f;
    *why = m;
    return PL_EINVAL;
}

/* True when old (a stored base URL) has url's scheme, host and port. */
static int same_origin(apr_pool_t *p, const char *old, const pl_url_t *url)
{
    pl_url_t was;
    const char *why;

    return old && pl_url_parse(p, old, &was, &why) == APR_SUCCESS
        && !strcmp(was.scheme, url->scheme) && !strcasecmp(was.host, url->host)
        && was.port == url->port;
}

apr_status_t pl_server_apply(pl_server_t *s, const pl_json_t *in, int whole, apr_pool_t *p,
                             const char **field, const char **why)
{
    const char *unknown, *v;
    apr_int64_t n;
    pl_url_t url;

    *field = NULL;
    if ((unknown = pl_json_unknown_key(in, KNOWN)))
        return refuse(apr_pstrdup(p, unknown), "is not a field of a server", field, why);
    if ((v = pl_json_get_str(in, "name"))) {
        if ((*why = pl_text_line_problem(p, v, 1, 100)))
            return refuse("name", *why, field, why);
        s->name = v;
    }
    else if (whole || pl_json_type_of(in, "name") != PL_JSON_ABSENT)
        return refuse("name", "must be a string", field, why);
    if ((v = pl_json_get_str(in, "base_url"))) {
        if (pl_url_parse(p, v, &url, why) != APR_SUCCESS)
            return refuse("base_url", *why, field, why);
        /* The key belongs to the host it was given for: a new scheme, host
         * or port drops it, unless this body sets one (below). */
        if (s->api_key && !same_origin(p, s->base_url, &url))
            s->api_key = NULL;
        s->base_url = v;
    }
    else if (whole || pl_json_type_of(in, "base_url") != PL_JSON_ABSENT)
        return refuse("base_url", "must be a string", field, why);
    if ((v = pl_json_get_str(in, "kind"))) {
        if (!strcmp(v, "ollama"))
            s->kind = PL_SERVER_OLLAMA;
        else if (!strcmp(v, "openai"))
            s->kind = PL_SERVER_OPENAI;
        else
            return refuse("kind", "must be \"ollama\" or \"openai\"", field, why);
    }
    else if (pl_json_type_of(in, "kind") != PL_JSON_ABSENT)
        return refuse("kind", "must be \"ollama\" or \"openai\"", field, why);
    else if (whole)
        s->kind = PL_SERVER_OLLAMA;
    switch (pl_json_type_of(in, "api_key")) {
    case PL_JSON_ABSENT:
        if (whole)
            s->api_key = NULL;
        break;
    case PL_JSON_NULL:
        s->api_key = NULL;
        break;
    case PL_JSON_STRING:
        v = pl_json_get_str(in, "api_key");
        if (!*v || strlen(v) > 4096 || pl_text_has_ctl(v))
            return refuse("api_key", "must be 1 to 4096 printable characters, or null", field, why);
        s->api_key = v;
        break;
    default:
        return refuse("api_key", "must be a string or null", field, why);
    }
    if (pl_json_type_of(in, "priority") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(in, "priority", &n) || n < 0 || n > 1000)
            return refuse("priority", "must be a whole number from 0 to 1000", field, why);
        s->priority = (int)n;
    }
    else if (whole)
        s->priority = 100;
    if (pl_json_type_of(in, "enabled") != PL_JSON_ABSENT) {
        if (pl_json_type_of(in, "enabled") != PL_JSON_BOOL)
            return refuse("enabled", "must be true or false", field, why);
        s->enabled = pl_json_is_true(in, "enabled");
    }
    else if (whole)
        s->enabled = 1;
    return APR_SUCCESS;
}

void pl_server_write(pl_jsonw_t *w, const pl_server_t *s)
{
    pl_jsonw_int(w, "id", s->id);
    pl_jsonw_str(w, "name", s->name);
    pl_jsonw_str(w, "base_url", s->base_url);
    pl_jsonw_str(w, "kind", s->kind == PL_SERVER_OPENAI ? "openai" : "ollama");
    pl_jsonw_bool(w, "has_api_key", s->api_key != NULL);
    pl_jsonw_int(w, "priority", s->priority);
    pl_jsonw_bool(w, "enabled", s->enabled);
    pl_jsonw_str(w, "created_at", s->created_at);
    pl_jsonw_str(w, "updated_at", s->updated_at);
}

static void *from_row(apr_pool_t *p, const char **row)
{
    pl_server_t *s = apr_pcalloc(p, sizeof(*s));

    s->id = apr_atoi64(row[0]);
    s->name = row[1];
    s->base_url = row[2];
    s->kind = row[3] && !strcmp(row[3], "openai") ? PL_SERVER_OPENAI : PL_SERVER_OLLAMA;
    s->api_key = row[4];
    s->priority = atoi(row[5]);
    s->enabled = atoi(row[6]) != 0;
    s->created_at = row[7];
    s->updated_at = row[8];
    return s;
}

static void args_of(apr_pool_t *p, const pl_server_t *s, const char **args, const char *now)
{
    args[0] = s->name;
    args[1] = s->base_url;
    args[2] = s->kind == PL_SERVER_OPENAI ? "openai" : "ollama";
    args[3] = s->api_key;
    args[4] = apr_itoa(p, s->priority);
    args[5] = s->enabled ? "1" : "0";
    args[6] = now;
}

apr_status_t pl_servers_insert(pl_db_t *db, apr_pool_t *p, pl_server_t *s)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *args[8];
    apr_status_t rv;

    args_of(p, s, args, now);
    args[7] = now;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 8, args, NULL)) != APR_SUCCESS)
        return rv;
    s->created_at = s->updated_at = now;
    return pl_db_last_id(db, p, &s->id);
}

apr_status_t pl_servers_update(pl_db_t *db, apr_pool_t *p, pl_server_t *s)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *args[8];
    apr_status_t rv;

    args_of(p, s, args, now);
    args[7] = pl_text_i64(p, s->id);
    if ((rv = pl_db_exec(db, p, &SQL_UPDATE, 8, args, NULL)) == APR_SUCCESS)
        s->updated_at = now;
    return rv;
}

apr_status_t pl_servers_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    const char *arg = pl_text_i64(p, id);
    int n = 0;
    apr_status_t rv = pl_db_exec(db, p, &SQL_DELETE, 1, &arg, &n);

    return rv != APR_SUCCESS ? rv : n ? APR_SUCCESS : PL_ENOTFOUND;
}

apr_status_t pl_servers_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_server_t **ps)
{
    const char *arg = pl_text_i64(p, id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *ps = from_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

apr_status_t pl_servers_list(pl_db_t *db, apr_pool_t *p, int enabled_only,
                             apr_array_header_t **servers)
{
    const char *arg = enabled_only ? "1" : NULL;
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_LIST, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    *servers = pl_db_map(p, res, from_row);
    return APR_SUCCESS;
}

apr_status_t pl_servers_request(apr_pool_t *p, const pl_server_t *s,
                                const apr_array_header_t *allow, const char *method,
                                const char *path, const char *body, pl_http_req_t *hr,
                                const char **why)
{
    pl_url_t *url = apr_pcalloc(p, sizeof(*url));
    apr_status_t rv;

    memset(hr, 0, sizeof(*hr));
    if ((rv = pl_url_check(p, s->base_url, allow, url, why)) != APR_SUCCESS)
        return rv;
    hr->method = method;
    hr->base = url;
    hr->path = path;
    hr->body = body;
    hr->bearer = s->api_key;
    return APR_SUCCESS;
}
