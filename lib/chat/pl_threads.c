/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_threads.h"
#include "core/pl_time.h"

#define T_COLUMNS PL_THREAD_COLUMNS("")

static const pl_sql_t SQL_T_INSERT = {
    "pl.threads.insert",
    "INSERT INTO threads (user_id, project_id, title, title_auto, model, system_prompt, options,"
    " pinned, archived, leaf_id, created_at, updated_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_T_UPDATE = {
    "pl.threads.update",
    "UPDATE threads SET project_id = %s, title = %s, title_auto = %s, model = %s,"
    " system_prompt = %s, options = %s, pinned = %s, archived = %s, leaf_id = %s, updated_at = %s"
    " WHERE id = %s", NULL
};
static const pl_sql_t SQL_T_DELETE = {
    "pl.threads.delete", "DELETE FROM threads WHERE id = %s", NULL
};
static const pl_sql_t SQL_T_GET = {
    "pl.threads.get", "SELECT " T_COLUMNS " FROM threads WHERE id = %s AND user_id = %s", NULL
};
static const pl_sql_t SQL_T_LIST = {
    "pl.threads.list",
    "SELECT " T_COLUMNS " FROM threads WHERE user_id = %s ORDER BY pinned DESC, updated_at DESC, id DESC",
    NULL
};
/* Only while the title is still ours: a user's rename meanwhile wins. */
static const pl_sql_t SQL_T_AUTO_TITLE = {
    "pl.threads.auto_title", "UPDATE threads SET title = %s WHERE id = %s AND title_auto = 1", NULL
};

#define I64OR0(p, v) ((v) ? pl_text_i64((p), (v)) : NULL)
#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)

/* The model options a chat may set, with their JSON types. */
static const struct { const char *key; pl_json_type_e type; } OPTIONS[] = {
    { "temperature", PL_JSON_REAL }, { "top_p", PL_JSON_REAL }, { "top_k", PL_JSON_INTEGER },
    { "num_ctx", PL_JSON_INTEGER }, { "num_predict", PL_JSON_INTEGER },
    { "seed", PL_JSON_INTEGER }, { "stop", PL_JSON_ARRAY }, { "keep_alive", PL_JSON_STRING },
    { "think", PL_JSON_BOOL },
};
#define NOPTIONS (sizeof(OPTIONS) / sizeof(OPTIONS[0]))

static apr_status_t refuse(const char *f, const char *m, const char **field, const char **why)
{
    *field = f;
    *why = m;
    return PL_EINVAL;
}

/* Re-renders the options object from its checked values: what is stored is
 * ours, never the client's text. */
static apr_status_t options_apply(const pl_json_t *o, apr_pool_t *p, const char **text,
                                  const char **field, const char **why)
{
    static const char *known[NOPTIONS + 1];
    pl_jsonw_t *w = pl_jsonw_create(p, 256);
    apr_size_t i;
    const char *unknown;

    for (i = 0; i < NOPTIONS; i++)
        known[i] = OPTIONS[i].key;
    if ((unknown = pl_json_unknown_key(o, known)))
        return refuse(apr_pstrcat(p, "options.", unknown, NULL), "is not a model option", field, why);
    pl_jsonw_object(w, NULL);
    for (i = 0; i < NOPTIONS; i++) {
        const char *k = OPTIONS[i].key;
        pl_json_type_e t = pl_json_type_of(o, k);
        double d;
        apr_int64_t n;
        apr_array_header_t *stops;
        int j;

        if (t == PL_JSON_ABSENT || t == PL_JSON_NULL)
            continue;
        switch (OPTIONS[i].type) {
        case PL_JSON_REAL:
            if (!pl_json_get_number(o, k, &d) || d < 0 || d > 100)
                return refuse(apr_pstrcat(p, "options.", k, NULL), "must be a number from 0 to 100",
                              field, why);
            pl_jsonw_number(w, k, d);
            break;
        case PL_JSON_INTEGER:
            if (!pl_json_get_int(o, k, &n) || n < -1 || n > 10000000)
                return refuse(apr_pstrcat(p, "options.", k, NULL), "must be a whole number",
                              field, why);
            pl_jsonw_int(w, k, n);
            break;
        case PL_JSON_ARRAY:
            if (!pl_json_get_strings(o, k, p, &stops) || stops->nelts > 16)
                return refuse("options.stop", "must be up to 16 strings", field, why);
            pl_jsonw_array(w, k);
            for (j = 0; j < stops->nelts; j++)
                pl_jsonw_str(w, NULL, APR_ARRAY_IDX(stops, j, const char *));
            pl_jsonw_end(w);
            break;
        case PL_JSON_STRING:
            if (t != PL_JSON_STRING || strlen(pl_json_get_str(o, k)) > 16)
                return refuse("options.keep_alive", "must be a duration such as \"5m\"", field, why);
            pl_jsonw_str(w, k, pl_json_get_str(o, k));
            break;
        default:
            if (t != PL_JSON_BOOL)
                return refuse(apr_pstrcat(p, "options.", k, NULL), "must be true or false", field, why);
            pl_jsonw_bool(w, k, pl_json_is_true(o, k));
        }
    }
    pl_jsonw_end(w);
    *text = pl_jsonw_text(w, NULL);
    return APR_SUCCESS;
}

/* A string field of at most max characters, or null when nullable; with p,
 * one line (pl_text_line_problem). */
static apr_status_t text_field(apr_pool_t *p, const pl_json_t *in, const char *key,
                               apr_size_t max, int nullable, const char **out,
                               const char **field, const char **why)
{
    const char *problem;

    switch (pl_json_type_of(in, key)) {
    case PL_JSON_ABSENT:
        return APR_ENOENT;
    case PL_JSON_NULL:
        if (!nullable)
            break;
        *out = NULL;
        return APR_SUCCESS;
    case PL_JSON_STRING:
        *out = pl_json_get_str(in, key);
        if (p && (problem = pl_text_line_problem(p, *out, 0, max)))
            return refuse(key, problem, field, why);
        if (pl_text_utf8_chars(*out) > max)
            return refuse(key, "is too long", field, why);
        return APR_SUCCESS;
    default:
        break;
    }
    return refuse(key, nullable ? "must be a string or null" : "must be a string", field, why);
}

apr_status_t pl_thread_apply(pl_thread_t *t, const pl_json_t *in, int whole, apr_pool_t *p,
                             const char **field, const char **why)
{
    static const char *const known[] = {
        "title", "project_id", "model", "system_prompt", "options", "pinned", "archived", NULL
    };
    const char *unknown;

    *field = NULL;
    if ((unknown = pl_json_unknown_key(in, known)))
        return refuse(apr_pstrdup(p, unknown), "is not a field of a thread", field, why);
    return pl_thread_apply_fields(t, in, whole, p, field, why);
}

apr_status_t pl_thread_apply_fields(pl_thread_t *t, const pl_json_t *in, int whole, apr_pool_t *p,
                                    const char **field, const char **why)
{
    const char *v;
    pl_json_t *opts;
    apr_status_t rv;

    *field = NULL;
    /* a title given is the user's; an empty one asks for one to be made */
    if ((rv = text_field(p, in, "title", PL_THREAD_TITLE_MAX, 0, &v, field, why)) == APR_SUCCESS)
        t->title_auto = !*(t->title = v);
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        t->title_auto = !*(t->title = "");
    if ((rv = text_field(p, in, "model", 255, 1, &v, field, why)) == APR_SUCCESS)
        t->model = v;
    else if (rv != APR_ENOENT)
        return rv;
    if ((rv = text_field(NULL, in, "system_prompt", PL_THREAD_PROMPT_MAX, 1, &v, field, why))
        == APR_SUCCESS)
        t->system_prompt = v;
    else if (rv != APR_ENOENT)
        return rv;
    if (pl_json_type_of(in, "project_id") == PL_JSON_NULL)
        t->project_id = 0;
    else if (pl_json_type_of(in, "project_id") != PL_JSON_ABSENT
             && (!pl_json_get_int(in, "project_id", &t->project_id) || t->project_id < 1))
        return refuse("project_id", "must be a project id or null", field, why);
    if (pl_json_type_of(in, "options") != PL_JSON_ABSENT) {
        if (!(opts = pl_json_get_object(p, in, "options")))
            return refuse("options", "must be an object", field, why);
        if ((rv = options_apply(opts, p, &t->options, field, why)) != APR_SUCCESS)
            return rv;
    }
    else if (whole)
        t->options = "{}";
    if (pl_json_type_of(in, "pinned") != PL_JSON_ABSENT) {
        if (pl_json_type_of(in, "pinned") != PL_JSON_BOOL)
            return refuse("pinned", "must be true or false", field, why);
        t->pinned = pl_json_is_true(in, "pinned");
    }
    if (pl_json_type_of(in, "archived") != PL_JSON_ABSENT) {
        if (pl_json_type_of(in, "archived") != PL_JSON_BOOL)
            return refuse("archived", "must be true or false", field, why);
        t->archived = pl_json_is_true(in, "archived");
    }
    return APR_SUCCESS;
}

void pl_thread_write(pl_jsonw_t *w, const pl_thread_t *t)
{
    pl_jsonw_int(w, "id", t->id);
    pl_jsonw_str(w, "title", t->title);
    pl_jsonw_id(w, "project_id", t->project_id);
    pl_jsonw_str(w, "model", t->model);
    pl_jsonw_str(w, "system_prompt", t->system_prompt);
    pl_jsonw_raw(w, "options", t->options);   /* stored as rendered by options_apply */
    pl_jsonw_bool(w, "pinned", t->pinned);
    pl_jsonw_bool(w, "archived", t->archived);
    pl_jsonw_str(w, "created_at", t->created_at);
    pl_jsonw_str(w, "updated_at", t->updated_at);
}

/* Options an earlier release stored with %.17g ("temperature":0.29999999999999999)
 * rendered again in the shortest form; anything else as stored. Only a run
 * of 16 or more digits after a point sends the text through the parser. */
static const char *stored_options(apr_pool_t *p, const char *text)
{
    const char *dot, *err, *field, *why, *out;
    pl_json_t *o;

    for (dot = strchr(text, '.'); dot && strspn(dot + 1, "0123456789") < 16;
         dot = strchr(dot + 1, '.'))
        ;
    if (!dot || pl_json_parse(&o, p, text, strlen(text), 4, &err) != APR_SUCCESS
        || options_apply(o, p, &out, &field, &why) != APR_SUCCESS)
        return text;
    return out;
}

void *pl_thread_row(apr_pool_t *p, const char **r)
{
    pl_thread_t *t = apr_pcalloc(p, sizeof(*t));

    t->id = ATOI64(r[0]);
    t->user_id = ATOI64(r[1]);
    t->project_id = ATOI64(r[2]);
    t->title = r[3] ? r[3] : "";
    t->title_auto = r[4] && atoi(r[4]);
    t->model = r[5];
    t->system_prompt = r[6];
    t->options = r[7] ? stored_options(p, r[7]) : "{}";
    t->pinned = r[8] && atoi(r[8]);
    t->archived = r[9] && atoi(r[9]);
    t->leaf_id = ATOI64(r[10]);
    t->created_at = r[11];
    t->updated_at = r[12];
    return t;
}

static void thread_args(apr_pool_t *p, const pl_thread_t *t, const char **a)
{
    a[0] = I64OR0(p, t->project_id);
    a[1] = t->title;
    a[2] = t->title_auto ? "1" : "0";
    a[3] = t->model;
    a[4] = t->system_prompt;
    a[5] = t->options;
    a[6] = t->pinned ? "1" : "0";
    a[7] = t->archived ? "1" : "0";
    a[8] = I64OR0(p, t->leaf_id);
}

apr_status_t pl_threads_insert(pl_db_t *db, apr_pool_t *p, pl_thread_t *t)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[12];
    apr_status_t rv;

    a[0] = pl_text_i64(p, t->user_id);
    thread_args(p, t, a + 1);
    a[10] = now;
    a[11] = now;
    if ((rv = pl_db_exec(db, p, &SQL_T_INSERT, 12, a, NULL)) != APR_SUCCESS)
        return rv;
    t->created_at = t->updated_at = now;
    return pl_db_last_id(db, p, &t->id);
}

apr_status_t pl_threads_update(pl_db_t *db, apr_pool_t *p, pl_thread_t *t)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[11];
    apr_status_t rv;

    thread_args(p, t, a);
    a[9] = now;
    a[10] = pl_text_i64(p, t->id);
    if ((rv = pl_db_exec(db, p, &SQL_T_UPDATE, 11, a, NULL)) == APR_SUCCESS)
        t->updated_at = now;
    return rv;
}

apr_status_t pl_threads_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    const char *a = pl_text_i64(p, id);
    return pl_db_exec(db, p, &SQL_T_DELETE, 1, &a, NULL);
}

apr_status_t pl_threads_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, apr_int64_t user_id,
                            pl_thread_t **pt)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, id);
    a[1] = pl_text_i64(p, user_id);
    if ((rv = pl_db_select(db, p, &SQL_T_GET, 2, a, &res)) != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *pt = pl_thread_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

apr_status_t pl_threads_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                             apr_array_header_t **threads)
{
    const char *a = pl_text_i64(p, user_id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_T_LIST, 1, &a, &res);

    if (rv != APR_SUCCESS)
        return rv;
    *threads = pl_db_map(p, res, pl_thread_row);
    return APR_SUCCESS;
}

apr_status_t pl_threads_set_auto_title(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                       const char *title, int *stored)
{
    const char *a[2];
    int n = 0;
    apr_status_t rv;

    a[0] = title;
    a[1] = pl_text_i64(p, id);
    rv = pl_db_exec(db, p, &SQL_T_AUTO_TITLE, 2, a, &n);
    *stored = rv == APR_SUCCESS && n > 0;
    return rv;
}

apr_status_t pl_thread_default_temperature(pl_thread_t *t, double temperature, apr_pool_t *p)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 64);
    pl_json_t *merged;
    const char *text, *err, *field, *why;

    if (strstr(t->options, "\"temperature\""))   /* our canonical text: the key is there */
        return APR_SUCCESS;
    pl_jsonw_number(w, NULL, temperature);
    /* {"temperature":T, ...the rest}, checked and rendered again like any options */
    text = apr_psprintf(p, "{\"temperature\":%s%s%s", pl_jsonw_text(w, NULL),
                        strcmp(t->options, "{}") ? "," : "", t->options + 1);
    if (pl_json_parse(&merged, p, text, strlen(text), 4, &err) != APR_SUCCESS)
        return PL_EINVAL;
    return options_apply(merged, p, &t->options, &field, &why);
}
