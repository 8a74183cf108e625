/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_jsonw.h"
#include "auth/pl_settings.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

static const pl_sql_t SQL_GET = {
    "pl.settings.get", "SELECT settings FROM user_settings WHERE user_id = %s", NULL
};
static const pl_sql_t SQL_PUT = {
    "pl.settings.put",
    "INSERT INTO user_settings (user_id, settings, updated_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings,"
    " updated_at = excluded.updated_at",
    "INSERT INTO user_settings (user_id, settings, updated_at) VALUES (%s, %s, %s)"
    " ON DUPLICATE KEY UPDATE settings = VALUES(settings), updated_at = VALUES(updated_at)"
};

typedef struct {
    const char *key;
    apr_size_t max_chars;    /* strings: their longest */
} text_key_t;

static const text_key_t TEXT_KEYS[] = {
    { "server", 255 }, { "model", 255 }, { "system_prompt", 20000 }, { "language", 35 },
};
static const char *const KNOWN[] = {
    "server", "model", "system_prompt", "language", "temperature", "theme", NULL
};

static apr_status_t refuse(const char *key, const char *message, const char **field,
                           const char **why)
{
    *field = key;
    *why = message;
    return PL_EINVAL;
}

/* BCP 47 in the shape browsers send: "en", "pt-BR", "zh-Hant-TW". */
static int language_tag(const char *s)
{
    apr_size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    if (n < 2 || n > 3)
        return 0;
    for (s += n; *s == '-'; s += n) {
        s++;
        n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (n < 2 || n > 8)
            return 0;
    }
    return *s == '\0';
}

apr_status_t pl_settings_validate(const pl_json_t *in, apr_pool_t *p, const char **text,
                                  const char **field, const char **why)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 512);
    const char *unknown, *theme;
    double temperature;
    apr_size_t i;

    if (pl_json_type(in) != PL_JSON_OBJECT)
        return refuse(NULL, "settings must be a JSON object", field, why);
    if ((unknown = pl_json_unknown_key(in, KNOWN)))
        return refuse(apr_pstrdup(p, unknown), "is not a known setting", field, why);
    pl_jsonw_object(w, NULL);
    for (i = 0; i < sizeof(TEXT_KEYS) / sizeof(TEXT_KEYS[0]); i++) {
        const char *key = TEXT_KEYS[i].key, *v = pl_json_get_str(in, key);
        pl_json_type_e t = pl_json_type_of(in, key);
        if (t != PL_JSON_ABSENT && t != PL_JSON_NULL && !v)
            return refuse(key, "must be a string or null", field, why);
        if (v && pl_text_utf8_chars(v) > TEXT_KEYS[i].max_chars)
            return refuse(key, "is too long", field, why);
        if (v && !strcmp(key, "language") && !language_tag(v))
            return refuse(key, "must be a language tag such as \"en\" or \"pt-BR\"", field, why);
        pl_jsonw_str(w, key, v);
    }
    if (pl_json_type_of(in, "temperature") == PL_JSON_ABSENT
        || pl_json_type_of(in, "temperature") == PL_JSON_NULL)
        pl_jsonw_str(w, "temperature", NULL);
    else if (!pl_json_get_number(in, "temperature", &temperature) || temperature < 0
             || temperature > 2)
        return refuse("temperature", "must be a number from 0 to 2, or null", field, why);
    else
        pl_jsonw_number(w, "temperature", temperature);
    theme = pl_json_get_str(in, "theme");
    if (pl_json_type_of(in, "theme") != PL_JSON_ABSENT
        && (!theme || (strcmp(theme, "light") && strcmp(theme, "dark") && strcmp(theme, "system"))))
        return refuse("theme", "must be \"light\", \"dark\" or \"system\"", field, why);
    pl_jsonw_str(w, "theme", theme ? theme : "system");
    pl_jsonw_end(w);
    *text = pl_jsonw_text(w, NULL);
    return APR_SUCCESS;
}

#define DEFAULTS "{\"server\":null,\"model\":null,\"system_prompt\":null,\"language\":null," \
                 "\"temperature\":null,\"theme\":\"system\"}"

/* The stored object parsed, or the defaults'. */
static apr_status_t stored(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, pl_json_t **in)
{
    const char *arg = pl_text_i64(p, user_id), *text = DEFAULTS, *err;
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts)
        text = PL_DB_ROW(res, 0)[0];
    if (pl_json_parse(in, p, text, strlen(text), 4, &err) != APR_SUCCESS)
        return pl_json_parse(in, p, DEFAULTS, strlen(DEFAULTS), 4, &err);   /* not ours: none */
    return APR_SUCCESS;
}

apr_status_t pl_settings_get(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char **text)
{
    const char *field, *why;
    pl_json_t *in;
    apr_status_t rv = stored(db, p, user_id, &in);

    if (rv == APR_SUCCESS && pl_settings_validate(in, p, text, &field, &why) != APR_SUCCESS)
        *text = DEFAULTS;   /* what an older release let through: none */
    return rv;
}

apr_status_t pl_settings_load(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, pl_settings_t **ps)
{
    pl_settings_t *s = apr_pcalloc(p, sizeof(*s));
    pl_json_t *in;
    apr_status_t rv = stored(db, p, user_id, &in);

    *ps = s;
    if (rv != APR_SUCCESS)
        return rv;
    s->server = pl_json_get_str(in, "server");
    s->model = pl_json_get_str(in, "model");
    s->system_prompt = pl_json_get_str(in, "system_prompt");
    s->language = pl_json_get_str(in, "language");
    s->theme = pl_json_get_str(in, "theme");
    s->has_temperature = pl_json_get_number(in, "temperature", &s->temperature);
    /* an empty string sets nothing */
    if (s->server && !*s->server)
        s->server = NULL;
    if (s->model && !*s->model)
        s->model = NULL;
    if (s->system_prompt && !*s->system_prompt)
        s->system_prompt = NULL;
    return APR_SUCCESS;
}

apr_status_t pl_settings_put(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *text)
{
    const char *args[3];

    args[0] = pl_text_i64(p, user_id);
    args[1] = text;
    args[2] = pl_time_rfc3339(p, apr_time_now());
    return pl_db_exec(db, p, &SQL_PUT, 3, args, NULL);
}
