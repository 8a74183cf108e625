/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "chat/pl_chat_defaults.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define TEMPERATURE_MAX 2.0   /* as user settings allow */

static const pl_sql_t SQL_GET = {
    "pl.chat_defaults.get",
    "SELECT server_id, model, temperature, system_prompt, updated_at FROM project_chat_defaults"
    " WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_PUT = {
    "pl.chat_defaults.put",
    "INSERT INTO project_chat_defaults (project_id, server_id, model, temperature, system_prompt,"
    " updated_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (project_id) DO UPDATE SET"
    " server_id = excluded.server_id, model = excluded.model, temperature = excluded.temperature,"
    " system_prompt = excluded.system_prompt, updated_at = excluded.updated_at",
    "INSERT INTO project_chat_defaults (project_id, server_id, model, temperature, system_prompt,"
    " updated_at) VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE"
    " server_id = VALUES(server_id), model = VALUES(model), temperature = VALUES(temperature),"
    " system_prompt = VALUES(system_prompt), updated_at = VALUES(updated_at)"
};

static apr_status_t refuse(const char *f, const char *m, const char **field, const char **why)
{
    *field = f;
    *why = m;
    return PL_EINVAL;
}

/* A string of 1 to max characters, or null/absent (NULL). */
static apr_status_t optional_text(const pl_json_t *in, const char *key, apr_size_t max,
                                  const char **out, const char **field, const char **why)
{
    pl_json_type_e t = pl_json_type_of(in, key);

    *out = NULL;
    if (t == PL_JSON_ABSENT || t == PL_JSON_NULL)
        return APR_SUCCESS;
    *out = pl_json_get_str(in, key);
    if (!*out || !**out || pl_text_utf8_chars(*out) > max)
        return refuse(key, max > 1000 ? "must be null or a string of 1 to 100000 characters"
                                      : "must be null or a string of 1 to 255 characters",
                      field, why);
    return APR_SUCCESS;
}

apr_status_t pl_chat_defaults_apply(pl_chat_defaults_t *d, const pl_json_t *in, apr_pool_t *p,
                                    const char **field, const char **why)
{
    static const char *const known[] = {
        "server_id", "model", "temperature", "system_prompt", NULL
    };
    const char *unknown;
    pl_json_type_e t;
    apr_status_t rv;

    *field = NULL;
    if ((unknown = pl_json_unknown_key(in, known)))
        return refuse(apr_pstrdup(p, unknown), "is not a chat default", field, why);
    d->server_id = 0;
    t = pl_json_type_of(in, "server_id");
    if (t != PL_JSON_ABSENT && t != PL_JSON_NULL
        && (!pl_json_get_int(in, "server_id", &d->server_id) || d->server_id < 1))
        return refuse("server_id", "must be a model server id or null", field, why);
    if ((rv = optional_text(in, "model", 255, &d->model, field, why)) != APR_SUCCESS
        || (rv = optional_text(in, "system_prompt", PL_THREAD_PROMPT_MAX, &d->system_prompt,
                               field, why)) != APR_SUCCESS)
        return rv;
    d->has_temperature = 0;
    t = pl_json_type_of(in, "temperature");
    if (t != PL_JSON_ABSENT && t != PL_JSON_NULL) {
        if (!pl_json_get_number(in, "temperature", &d->temperature) || d->temperature < 0
            || d->temperature > TEMPERATURE_MAX)
            return refuse("temperature", "must be null or a number from 0 to 2", field, why);
        d->has_temperature = 1;
    }
    return APR_SUCCESS;
}

void pl_chat_defaults_write(pl_jsonw_t *w, const pl_chat_defaults_t *d)
{
    pl_jsonw_int(w, "project_id", d->project_id);
    pl_jsonw_id(w, "server_id", d->server_id);
    pl_jsonw_str(w, "model", d->model);
    if (d->has_temperature)
        pl_jsonw_number(w, "temperature", d->temperature);
    else
        pl_jsonw_str(w, "temperature", NULL);
    pl_jsonw_str(w, "system_prompt", d->system_prompt);
    pl_jsonw_str(w, "updated_at", d->updated_at);
}

apr_status_t pl_chat_defaults_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                  pl_chat_defaults_t **pd)
{
    const char *a = pl_text_i64(p, project_id), **row;
    pl_chat_defaults_t *d = apr_pcalloc(p, sizeof(*d));
    pl_db_result_t *res;
    apr_status_t rv;

    d->project_id = project_id;
    *pd = d;
    if ((rv = pl_db_select(db, p, &SQL_GET, 1, &a, &res)) != APR_SUCCESS || !res->rows->nelts)
        return rv;
    row = PL_DB_ROW(res, 0);
    d->server_id = row[0] ? apr_atoi64(row[0]) : 0;
    d->model = row[1];
    if ((d->has_temperature = row[2] != NULL))
        d->temperature = strtod(row[2], NULL);
    d->system_prompt = row[3];
    d->updated_at = row[4];
    return APR_SUCCESS;
}

apr_status_t pl_chat_defaults_put(pl_db_t *db, apr_pool_t *p, pl_chat_defaults_t *d)
{
    pl_jsonw_t *num = pl_jsonw_create(p, 32);
    const char *a[6];
    apr_status_t rv;

    a[0] = pl_text_i64(p, d->project_id);
    a[1] = d->server_id ? pl_text_i64(p, d->server_id) : NULL;
    a[2] = d->model;
    a[3] = NULL;
    if (d->has_temperature) {            /* the shortest text that reads back the same */
        pl_jsonw_number(num, NULL, d->temperature);
        a[3] = pl_jsonw_text(num, NULL);
    }
    a[4] = d->system_prompt;
    a[5] = pl_time_rfc3339(p, apr_time_now());
    if ((rv = pl_db_exec(db, p, &SQL_PUT, 6, a, NULL)) == APR_SUCCESS)
        d->updated_at = a[5];
    return rv;
}

apr_status_t pl_chat_defaults_fill(const pl_chat_defaults_t *d, pl_thread_t *t, apr_pool_t *p)
{
    if (!t->model && d->model)
        t->model = d->model;
    if (!t->system_prompt && d->system_prompt)
        t->system_prompt = d->system_prompt;
    return d->has_temperature ? pl_thread_default_temperature(t, d->temperature, p) : APR_SUCCESS;
}

apr_status_t pl_chat_defaults_fill_settings(const pl_settings_t *s, pl_thread_t *t, apr_pool_t *p)
{
    pl_chat_defaults_t d;

    memset(&d, 0, sizeof(d));
    d.model = s->model;
    d.system_prompt = s->system_prompt;
    d.has_temperature = s->has_temperature;
    d.temperature = s->temperature;
    return pl_chat_defaults_fill(&d, t, p);
}
