/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "pl_status.h"
#include "pl_text.h"
#include "pl_threads.h"
#include "pl_time.h"

#define T_COLUMNS "id, user_id, project_id, title, model, system_prompt, options, pinned," \
                  " archived, leaf_id, created_at, updated_at"
#define M_COLUMNS "id, thread_id, parent_id, role, content, thinking, state, model, server_id," \
                  " prompt_tokens, completion_tokens, total_ns, eval_ns, error_code, created_at," \
                  " updated_at"

static const pl_sql_t SQL_T_INSERT = {
    "pl.threads.insert",
    "INSERT INTO threads (user_id, project_id, title, model, system_prompt, options, pinned,"
    " archived, leaf_id, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
    NULL
};
static const pl_sql_t SQL_T_UPDATE = {
    "pl.threads.update",
    "UPDATE threads SET project_id = %s, title = %s, model = %s, system_prompt = %s, options = %s,"
    " pinned = %s, archived = %s, leaf_id = %s, updated_at = %s WHERE id = %s", NULL
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
static const pl_sql_t SQL_M_INSERT = {
    "pl.messages.insert",
    "INSERT INTO messages (thread_id, parent_id, role, content, thinking, state, model, server_id,"
    " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_M_FINISH = {
    "pl.messages.finish",
    "UPDATE messages SET content = %s, thinking = %s, state = %s, server_id = %s,"
    " prompt_tokens = %s, completion_tokens = %s, total_ns = %s, eval_ns = %s, error_code = %s,"
    " updated_at = %s WHERE id = %s", NULL
};
/* Only the branch: walk up from the leaf (both engines have recursive CTEs). */
static const pl_sql_t SQL_M_BRANCH = {
    "pl.messages.branch",
    "WITH RECURSIVE up (id, parent_id) AS ("
    " SELECT id, parent_id FROM messages WHERE id = %s AND thread_id = %s"
    " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id)"
    " SELECT " M_COLUMNS " FROM messages WHERE id IN (SELECT id FROM up) ORDER BY id", NULL
};
static const pl_sql_t SQL_M_GET = {
    "pl.messages.get", "SELECT " M_COLUMNS " FROM messages WHERE thread_id = %s AND id = %s", NULL
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

/* A string field of at most max characters, or null when nullable. */
static apr_status_t text_field(const pl_json_t *in, const char *key, apr_size_t max, int nullable,
                               const char **out, const char **field, const char **why)
{
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
    const char *unknown, *v;
    pl_json_t *opts;
    apr_status_t rv;

    *field = NULL;
    if ((unknown = pl_json_unknown_key(in, known)))
        return refuse(apr_pstrdup(p, unknown), "is not a field of a thread", field, why);
    if ((rv = text_field(in, "title", 255, 0, &v, field, why)) == APR_SUCCESS)
        t->title = v;
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        t->title = "";
    if ((rv = text_field(in, "model", 255, 1, &v, field, why)) == APR_SUCCESS)
        t->model = v;
    else if (rv != APR_ENOENT)
        return rv;
    if ((rv = text_field(in, "system_prompt", 100000, 1, &v, field, why)) == APR_SUCCESS)
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
    if (t->project_id)
        pl_jsonw_int(w, "project_id", t->project_id);
    else
        pl_jsonw_str(w, "project_id", NULL);
    pl_jsonw_str(w, "model", t->model);
    pl_jsonw_str(w, "system_prompt", t->system_prompt);
    pl_jsonw_raw(w, "options", t->options);   /* stored as rendered by options_apply */
    pl_jsonw_bool(w, "pinned", t->pinned);
    pl_jsonw_bool(w, "archived", t->archived);
    pl_jsonw_str(w, "created_at", t->created_at);
    pl_jsonw_str(w, "updated_at", t->updated_at);
}

void pl_message_write(pl_jsonw_t *w, const pl_message_t *m)
{
    pl_jsonw_int(w, "id", m->id);
    if (m->parent_id)
        pl_jsonw_int(w, "parent_id", m->parent_id);
    else
        pl_jsonw_str(w, "parent_id", NULL);
    pl_jsonw_str(w, "role", m->role);
    pl_message_write_content(w, m);
    pl_jsonw_str(w, "created_at", m->created_at);
}

void pl_message_write_content(pl_jsonw_t *w, const pl_message_t *m)
{
    pl_jsonw_str(w, "content", m->content);
    pl_jsonw_str(w, "thinking", m->thinking);
    pl_jsonw_str(w, "state", m->state);
    pl_jsonw_str(w, "model", m->model);
    if (!strcmp(m->role, "assistant")) {
        pl_jsonw_int(w, "prompt_tokens", m->prompt_tokens);
        pl_jsonw_int(w, "completion_tokens", m->completion_tokens);
        pl_jsonw_number(w, "duration_ms", (double)m->total_ns / 1e6);
        pl_jsonw_number(w, "tokens_per_second",
                        m->eval_ns ? (double)m->completion_tokens * 1e9 / (double)m->eval_ns : 0);
        pl_jsonw_str(w, "error_code", m->error_code);
    }
}

static void *thread_row(apr_pool_t *p, const char **r)
{
    pl_thread_t *t = apr_pcalloc(p, sizeof(*t));

    t->id = ATOI64(r[0]);
    t->user_id = ATOI64(r[1]);
    t->project_id = ATOI64(r[2]);
    t->title = r[3] ? r[3] : "";
    t->model = r[4];
    t->system_prompt = r[5];
    t->options = r[6] ? r[6] : "{}";
    t->pinned = r[7] && atoi(r[7]);
    t->archived = r[8] && atoi(r[8]);
    t->leaf_id = ATOI64(r[9]);
    t->created_at = r[10];
    t->updated_at = r[11];
    return t;
}

static void *message_row(apr_pool_t *p, const char **r)
{
    pl_message_t *m = apr_pcalloc(p, sizeof(*m));

    m->id = ATOI64(r[0]);
    m->thread_id = ATOI64(r[1]);
    m->parent_id = ATOI64(r[2]);
    m->role = r[3];
    m->content = r[4] ? r[4] : "";
    m->thinking = r[5];
    m->state = r[6];
    m->model = r[7];
    m->server_id = ATOI64(r[8]);
    m->prompt_tokens = ATOI64(r[9]);
    m->completion_tokens = ATOI64(r[10]);
    m->total_ns = ATOI64(r[11]);
    m->eval_ns = ATOI64(r[12]);
    m->error_code = r[13];
    m->created_at = r[14];
    m->updated_at = r[15];
    return m;
}

static void thread_args(apr_pool_t *p, const pl_thread_t *t, const char **a)
{
    a[0] = I64OR0(p, t->project_id);
    a[1] = t->title;
    a[2] = t->model;
    a[3] = t->system_prompt;
    a[4] = t->options;
    a[5] = t->pinned ? "1" : "0";
    a[6] = t->archived ? "1" : "0";
    a[7] = I64OR0(p, t->leaf_id);
}

apr_status_t pl_threads_insert(pl_db_t *db, apr_pool_t *p, pl_thread_t *t)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[11];
    apr_status_t rv;

    a[0] = pl_text_i64(p, t->user_id);
    thread_args(p, t, a + 1);
    a[9] = now;
    a[10] = now;
    if ((rv = pl_db_exec(db, p, &SQL_T_INSERT, 11, a, NULL)) != APR_SUCCESS)
        return rv;
    t->created_at = t->updated_at = now;
    return pl_db_last_id(db, p, &t->id);
}

apr_status_t pl_threads_update(pl_db_t *db, apr_pool_t *p, pl_thread_t *t)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[10];
    apr_status_t rv;

    thread_args(p, t, a);
    a[8] = now;
    a[9] = pl_text_i64(p, t->id);
    if ((rv = pl_db_exec(db, p, &SQL_T_UPDATE, 10, a, NULL)) == APR_SUCCESS)
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
    *pt = thread_row(p, PL_DB_ROW(res, 0));
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
    *threads = pl_db_map(p, res, thread_row);
    return APR_SUCCESS;
}

apr_status_t pl_messages_insert(pl_db_t *db, apr_pool_t *p, pl_message_t *m)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[10];
    apr_status_t rv;

    a[0] = pl_text_i64(p, m->thread_id);
    a[1] = I64OR0(p, m->parent_id);
    a[2] = m->role;
    a[3] = m->content ? m->content : "";
    a[4] = m->thinking;
    a[5] = m->state;
    a[6] = m->model;
    a[7] = I64OR0(p, m->server_id);
    a[8] = now;
    a[9] = now;
    if ((rv = pl_db_exec(db, p, &SQL_M_INSERT, 10, a, NULL)) != APR_SUCCESS)
        return rv;
    m->created_at = m->updated_at = now;
    return pl_db_last_id(db, p, &m->id);
}

apr_status_t pl_messages_finish(pl_db_t *db, apr_pool_t *p, const pl_message_t *m)
{
    const char *a[11];

    a[0] = m->content ? m->content : "";
    a[1] = m->thinking;
    a[2] = m->state;
    a[3] = I64OR0(p, m->server_id);
    a[4] = pl_text_i64(p, m->prompt_tokens);
    a[5] = pl_text_i64(p, m->completion_tokens);
    a[6] = pl_text_i64(p, m->total_ns);
    a[7] = pl_text_i64(p, m->eval_ns);
    a[8] = m->error_code;
    a[9] = pl_time_rfc3339(p, apr_time_now());
    a[10] = pl_text_i64(p, m->id);
    return pl_db_exec(db, p, &SQL_M_FINISH, 11, a, NULL);
}

apr_status_t pl_messages_branch(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                apr_int64_t leaf_id, apr_array_header_t **branch)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    *branch = apr_array_make(p, 1, sizeof(pl_message_t *));
    if (!leaf_id)
        return APR_SUCCESS;
    a[0] = pl_text_i64(p, leaf_id);
    a[1] = pl_text_i64(p, thread_id);
    if ((rv = pl_db_select(db, p, &SQL_M_BRANCH, 2, a, &res)) != APR_SUCCESS)
        return rv;
    /* a parent is always older than its child: id order is branch order */
    *branch = pl_db_map(p, res, message_row);
    return APR_SUCCESS;
}

apr_status_t pl_messages_get(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id, apr_int64_t id,
                             pl_message_t **pm)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, thread_id);
    a[1] = pl_text_i64(p, id);
    if ((rv = pl_db_select(db, p, &SQL_M_GET, 2, a, &res)) != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *pm = message_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}
