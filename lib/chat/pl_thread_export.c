/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_thread_export.h"
#include "core/pl_time.h"

#define SLUG_CHARS 40

void pl_thread_export_json(pl_jsonw_t *w, const pl_thread_t *t, const apr_array_header_t *messages)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "format", PL_EXPORT_FORMAT);
    pl_jsonw_int(w, "format_version", PL_EXPORT_VERSION);
    pl_jsonw_str(w, "exported_at", pl_time_rfc3339(messages->pool, apr_time_now()));
    pl_jsonw_object(w, "thread");
    pl_thread_write(w, t);
    pl_jsonw_id(w, "leaf_id", t->leaf_id);
    pl_jsonw_end(w);
    pl_jsonw_array(w, "messages");
    for (i = 0; i < messages->nelts; i++) {
        const pl_message_t *m = APR_ARRAY_IDX(messages, i, const pl_message_t *);
        pl_jsonw_object(w, NULL);
        pl_message_write_stored(w, m);
        pl_jsonw_int(w, "prompt_tokens", m->prompt_tokens);
        pl_jsonw_int(w, "completion_tokens", m->completion_tokens);
        pl_jsonw_int(w, "total_ns", m->total_ns);
        pl_jsonw_int(w, "eval_ns", m->eval_ns);
        pl_jsonw_str(w, "error_code", m->error_code);
        pl_jsonw_str(w, "created_at", m->created_at);
        pl_jsonw_str(w, "updated_at", m->updated_at);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

/* Each line of text behind "> ", so it stays one quotation. */
static const char *quoted(apr_pool_t *p, const char *text)
{
    const char *out = "", *nl;

    for (;;) {
        nl = strchr(text, '\n');
        out = apr_pstrcat(p, out, "> ", nl ? apr_pstrndup(p, text, (apr_size_t)(nl - text)) : text,
                          "\n", NULL);
        if (!nl)
            return out;
        text = nl + 1;
    }
}

/* A fence of backticks longer than any run of them in text. */
static const char *fence_for(apr_pool_t *p, const char *text)
{
    int run = 0, longest = 0;

    for (; *text; text++) {
        run = *text == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return apr_pstrndup(p, "````````````````", longest < 3 ? 3 : longest + 1 > 16 ? 16 : longest + 1);
}

static const char *code_md(apr_pool_t *p, const char *lang, const char *text)
{
    const char *f = fence_for(p, text);

    return apr_pstrcat(p, f, lang, "\n", text, "\n", f, "\n\n", NULL);
}

/* The tools an assistant message called, one line each. */
static const char *tool_calls_md(apr_pool_t *p, const pl_message_t *m)
{
    pl_json_t *calls;
    const char *err, *out = "";
    apr_size_t i, n;

    if (!m->tool_calls || pl_json_parse(&calls, p, m->tool_calls, strlen(m->tool_calls), 24, &err)
                          != APR_SUCCESS)
        return "";
    n = pl_json_array_size(calls);
    for (i = 0; i < n; i++) {
        pl_json_t *fn = pl_json_get_object(p, pl_json_array_get(p, calls, i), "function");
        const char *name = fn ? pl_json_get_str(fn, "name") : NULL;
        const char *args = fn ? pl_json_member_text(p, fn, "arguments") : NULL;
        out = apr_pstrcat(p, out, "Tool call: **", name ? name : "?", "**\n\n",
                          code_md(p, "json", args ? args : "{}"), NULL);
    }
    return out;
}

/* A tool message: the call it answers and its result. */
static const char *tool_result_md(apr_pool_t *p, const pl_message_t *m)
{
    return apr_pstrcat(p, "## Tool result: ", m->tool_name ? m->tool_name : "?",
                       m->error_code ? apr_pstrcat(p, " (", m->error_code, ")", NULL) : "",
                       "\n\nArguments:\n\n", code_md(p, "json", m->tool_arguments
                                                      ? m->tool_arguments : "{}"),
                       "Result:\n\n", code_md(p, "json", m->content), NULL);
}

const char *pl_thread_export_markdown(apr_pool_t *p, const pl_thread_t *t,
                                      const apr_array_header_t *branch)
{
    apr_array_header_t *parts = apr_array_make(p, 8 + branch->nelts * 4, sizeof(const char *));
    int i;

    APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(p, "# ", *t->title ? t->title : "Untitled thread",
                                                      "\n\n", NULL);
    if (t->model)
        APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(p, "- Model: ", t->model, "\n", NULL);
    APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(p, "- Created: ", t->created_at,
                                                      "\n- Exported: ",
                                                      pl_time_rfc3339(p, apr_time_now()), "\n\n",
                                                      NULL);
    if (t->system_prompt && *t->system_prompt)
        APR_ARRAY_PUSH(parts, const char *) = apr_pstrcat(p, "System prompt:\n\n",
                                                          quoted(p, t->system_prompt), "\n", NULL);
    for (i = 0; i < branch->nelts; i++) {
        const pl_message_t *m = APR_ARRAY_IDX(branch, i, const pl_message_t *);
        int user = !strcmp(m->role, "user");
        APR_ARRAY_PUSH(parts, const char *) = "---\n\n";
        if (!strcmp(m->role, "tool"))
            APR_ARRAY_PUSH(parts, const char *) = tool_result_md(p, m);
        else
            APR_ARRAY_PUSH(parts, const char *) =
                apr_pstrcat(p, user ? "## User" : "## Assistant",
                            !user && m->model ? apr_pstrcat(p, " (", m->model, ")", NULL) : "",
                            "\n\n", m->content, "\n\n", tool_calls_md(p, m), NULL);
        if (strcmp(m->state, "complete"))
            APR_ARRAY_PUSH(parts, const char *) =
                apr_pstrcat(p, "*(", m->state, m->error_code ? ": " : "",
                            m->error_code ? m->error_code : "", ")*\n\n", NULL);
    }
    return apr_array_pstrcat(p, parts, 0);
}

const char *pl_thread_export_filename(apr_pool_t *p, const pl_thread_t *t, const char *ext)
{
    char slug[SLUG_CHARS + 1];
    apr_size_t n = 0;
    const char *s;

    for (s = t->title; *s && n < SLUG_CHARS; s++) {
        if (apr_isalnum(*s) && !((unsigned char)*s & 0x80))
            slug[n++] = (char)apr_tolower(*s);
        else if (n && slug[n - 1] != '-')
            slug[n++] = '-';
    }
    while (n && slug[n - 1] == '-')
        n--;
    slug[n] = '\0';
    return apr_psprintf(p, "thread-%" APR_INT64_T_FMT "%s%s.%s", t->id, n ? "-" : "", slug, ext);
}

/* ---------------------------------------------------------------- import */

typedef struct {
    apr_pool_t *p;
    const char **field, **why;
    const char *where;          /* "messages[3]" */
} reader_t;

static apr_status_t bad(reader_t *r, const char *key, const char *msg)
{
    *r->field = r->where ? (key ? apr_pstrcat(r->p, r->where, ".", key, NULL) : r->where) : key;
    *r->why = msg;
    return PL_EINVAL;
}

/* A string (or, when nullable, null or absent: NULL) of at most max bytes. */
static apr_status_t str_field(reader_t *r, const pl_json_t *o, const char *key, int nullable,
                              apr_size_t max, const char **out)
{
    pl_json_type_e t = pl_json_type_of(o, key);

    *out = NULL;
    if (nullable && (t == PL_JSON_ABSENT || t == PL_JSON_NULL))
        return APR_SUCCESS;
    if (t != PL_JSON_STRING)
        return bad(r, key, nullable ? "must be a string or null" : "must be a string");
    *out = pl_json_get_str(o, key);
    return strlen(*out) > max ? bad(r, key, "is too long") : APR_SUCCESS;
}

/* A whole number from 0 up, or absent (0). */
static apr_status_t count_field(reader_t *r, const pl_json_t *o, const char *key, apr_int64_t *out)
{
    *out = 0;
    if (pl_json_type_of(o, key) == PL_JSON_ABSENT)
        return APR_SUCCESS;
    return pl_json_get_int(o, key, out) && *out >= 0 ? APR_SUCCESS
         : bad(r, key, "must be a whole number of 0 or more");
}

/* An RFC 3339 time (made ours: UTC, milliseconds), or null or absent (NULL). */
static apr_status_t time_field(reader_t *r, const pl_json_t *o, const char *key, const char **out)
{
    apr_time_t t;
    apr_status_t rv = str_field(r, o, key, 1, 40, out);

    if (rv != APR_SUCCESS || !*out)
        return rv;
    if (pl_time_parse_rfc3339(*out, &t) != APR_SUCCESS)
        return bad(r, key, "must be an RFC 3339 time");
    *out = pl_time_rfc3339(r->p, t);
    return APR_SUCCESS;
}

/* An id: a whole number from 1 up. */
static apr_status_t id_field(reader_t *r, const pl_json_t *o, const char *key, int nullable,
                             apr_int64_t *out)
{
    pl_json_type_e t = pl_json_type_of(o, key);

    *out = 0;
    if (nullable && (t == PL_JSON_ABSENT || t == PL_JSON_NULL))
        return APR_SUCCESS;
    return pl_json_get_int(o, key, out) && *out > 0 ? APR_SUCCESS
         : bad(r, key, nullable ? "must be a message id or null" : "must be a whole number from 1");
}

static apr_status_t read_thread(reader_t *r, const pl_json_t *in, pl_thread_doc_t *doc)
{
    static const char *const known[] = {
        "id", "title", "project_id", "model", "system_prompt", "options", "pinned", "archived",
        "leaf_id", "created_at", "updated_at", NULL
    };
    const char *unknown, *ignored;
    apr_int64_t id;
    apr_status_t rv;

    r->where = "thread";
    if (!in)
        return bad(r, NULL, "must be an object");
    if ((unknown = pl_json_unknown_key(in, known)))
        return bad(r, apr_pstrdup(r->p, unknown), "is not a field of an exported thread");
    doc->thread = apr_pcalloc(r->p, sizeof(*doc->thread));
    if ((rv = pl_thread_apply_fields(doc->thread, in, 1, r->p, r->field, r->why)) != APR_SUCCESS)
        return bad(r, *r->field, *r->why);
    /* the thread gets a new id; the project is the same only when the
     * document comes from this server, which the caller judges */
    if ((rv = id_field(r, in, "id", 1, &id)) != APR_SUCCESS
        || (rv = id_field(r, in, "leaf_id", 1, &doc->leaf_id)) != APR_SUCCESS
        || (rv = time_field(r, in, "created_at", &ignored)) != APR_SUCCESS
        || (rv = time_field(r, in, "updated_at", &ignored)) != APR_SUCCESS)
        return rv;
    doc->project_id = doc->thread->project_id;
    doc->thread->project_id = 0;
    return APR_SUCCESS;
}

static apr_status_t read_message(reader_t *r, const pl_json_t *in, pl_message_t *m)
{
    static const char *const known[] = {
        "id", "parent_id", "role", "content", "thinking", "state", "model", "prompt_tokens",
        "completion_tokens", "total_ns", "eval_ns", "error_code", "created_at", "updated_at",
        "tool_calls", "tool_name", "tool_call_id", "tool_arguments", NULL
    };
    const char *unknown;
    apr_status_t rv;

    if (!in || pl_json_type(in) != PL_JSON_OBJECT)
        return bad(r, NULL, "must be an object");
    if ((unknown = pl_json_unknown_key(in, known)))
        return bad(r, apr_pstrdup(r->p, unknown), "is not a field of an exported message");
    if ((rv = id_field(r, in, "id", 0, &m->id)) != APR_SUCCESS
        || (rv = id_field(r, in, "parent_id", 1, &m->parent_id)) != APR_SUCCESS
        || (rv = str_field(r, in, "role", 0, 16, &m->role)) != APR_SUCCESS
        || (rv = str_field(r, in, "content", 0, PL_IMPORT_MAX_BYTES, &m->content)) != APR_SUCCESS
        || (rv = str_field(r, in, "thinking", 1, PL_IMPORT_MAX_BYTES, &m->thinking)) != APR_SUCCESS
        || (rv = str_field(r, in, "state", 0, 16, &m->state)) != APR_SUCCESS
        || (rv = str_field(r, in, "model", 1, 255, &m->model)) != APR_SUCCESS
        || (rv = count_field(r, in, "prompt_tokens", &m->prompt_tokens)) != APR_SUCCESS
        || (rv = count_field(r, in, "completion_tokens", &m->completion_tokens)) != APR_SUCCESS
        || (rv = count_field(r, in, "total_ns", &m->total_ns)) != APR_SUCCESS
        || (rv = count_field(r, in, "eval_ns", &m->eval_ns)) != APR_SUCCESS
        || (rv = str_field(r, in, "error_code", 1, 32, &m->error_code)) != APR_SUCCESS
        || (rv = time_field(r, in, "created_at", &m->created_at)) != APR_SUCCESS
        || (rv = time_field(r, in, "updated_at", &m->updated_at)) != APR_SUCCESS
        || (rv = str_field(r, in, "tool_name", 1, 64, &m->tool_name)) != APR_SUCCESS
        || (rv = str_field(r, in, "tool_call_id", 1, 64, &m->tool_call_id)) != APR_SUCCESS)
        return rv;
    if (strcmp(m->role, "user") && strcmp(m->role, "assistant") && strcmp(m->role, "tool"))
        return bad(r, "role", "must be \"user\", \"assistant\" or \"tool\"");
    /* tool calls and arguments are JSON values, kept as Jansson writes them */
    if (pl_json_type_of(in, "tool_calls") == PL_JSON_ARRAY && !strcmp(m->role, "assistant"))
        m->tool_calls = pl_json_member_text(r->p, in, "tool_calls");
    else if (pl_json_type_of(in, "tool_calls") != PL_JSON_ABSENT
             && pl_json_type_of(in, "tool_calls") != PL_JSON_NULL)
        return bad(r, "tool_calls", "must be an array, on an assistant message");
    if (!strcmp(m->role, "tool")) {
        if (!m->tool_name)
            return bad(r, "tool_name", "is required on a tool message");
        m->tool_arguments = pl_json_member_text(r->p, in, "tool_arguments");
    }
    if (m->error_code) {   /* an export of an older release wrote them in lower case */
        char *code = apr_pstrdup(r->p, m->error_code), *c;
        for (c = code; *c; c++)
            *c = apr_toupper(*c);
        m->error_code = code;
    }
    if (!strcmp(m->state, "streaming")) {
        m->state = "incomplete";
        if (!m->error_code)
            m->error_code = PL_ERR_INTERRUPTED;
    }
    else if (strcmp(m->state, "complete") && strcmp(m->state, "incomplete"))
        return bad(r, "state", "must be \"complete\", \"incomplete\" or \"streaming\"");
    return APR_SUCCESS;
}

/* Parents before children. An export lists them so already (by id, and a
 * parent is older): that order is kept. Any other goes from the roots down,
 * breadth first, and a message not reached that way is on a cycle (or below
 * one). */
static apr_status_t order_tree(reader_t *r, apr_array_header_t *in, apr_hash_t *by_id,
                               apr_array_header_t **out)
{
    apr_hash_t *children = apr_hash_make(r->p), *seen = apr_hash_make(r->p);
    apr_array_header_t *sorted = apr_array_make(r->p, in->nelts + 1, sizeof(pl_message_t *));
    int i, j, in_order = 1;

    for (i = 0; i < in->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(in, i, pl_message_t *);
        if (m->parent_id && !apr_hash_get(by_id, &m->parent_id, sizeof(m->parent_id))) {
            r->where = apr_psprintf(r->p, "messages[%d]", i);
            return bad(r, "parent_id", "must be the id of a message in the document");
        }
        in_order = in_order
                   && (!m->parent_id || apr_hash_get(seen, &m->parent_id, sizeof(m->parent_id)));
        apr_hash_set(seen, &m->id, sizeof(m->id), m);
    }
    if (in_order) {
        *out = in;
        return APR_SUCCESS;
    }
    for (i = 0; i < in->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(in, i, pl_message_t *);
        apr_array_header_t *kids;
        if (!m->parent_id) {
            APR_ARRAY_PUSH(sorted, pl_message_t *) = m;
            continue;
        }
        if (!(kids = apr_hash_get(children, &m->parent_id, sizeof(m->parent_id)))) {
            kids = apr_array_make(r->p, 2, sizeof(pl_message_t *));
            apr_hash_set(children, &m->parent_id, sizeof(m->parent_id), kids);
        }
        APR_ARRAY_PUSH(kids, pl_message_t *) = m;
    }
    for (i = 0; i < sorted->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(sorted, i, pl_message_t *);
        apr_array_header_t *kids = apr_hash_get(children, &m->id, sizeof(m->id));
        for (j = 0; kids && j < kids->nelts; j++)
            APR_ARRAY_PUSH(sorted, pl_message_t *) = APR_ARRAY_IDX(kids, j, pl_message_t *);
    }
    if (sorted->nelts != in->nelts) {
        r->where = NULL;
        return bad(r, "messages", "parent ids form a cycle");
    }
    *out = sorted;
    return APR_SUCCESS;
}

apr_status_t pl_thread_import_read(apr_pool_t *p, const pl_json_t *in, pl_thread_doc_t **out,
                                   const char **field, const char **why)
{
    static const char *const known[] = {
        "format", "format_version", "exported_at", "thread", "messages", NULL
    };
    pl_thread_doc_t *doc = apr_pcalloc(p, sizeof(*doc));
    reader_t r = { p, field, why, NULL };
    apr_hash_t *by_id = apr_hash_make(p);
    apr_array_header_t *read;
    pl_json_t *messages;
    const char *unknown, *s;
    apr_int64_t version;
    apr_size_t i, n;
    apr_status_t rv;

    *field = NULL;
    if ((unknown = pl_json_unknown_key(in, known)))
        return bad(&r, apr_pstrdup(p, unknown), "is not a field of an exported thread");
    if (!(s = pl_json_get_str(in, "format")) || strcmp(s, PL_EXPORT_FORMAT))
        return bad(&r, "format", "must be \"" PL_EXPORT_FORMAT "\"");
    if (!pl_json_get_int(in, "format_version", &version) || version != PL_EXPORT_VERSION)
        return bad(&r, "format_version", "must be 1, the only version this server reads");
    if ((rv = time_field(&r, in, "exported_at", &s)) != APR_SUCCESS
        || (rv = read_thread(&r, pl_json_get_object(p, in, "thread"), doc)) != APR_SUCCESS)
        return rv;
    r.where = NULL;
    if (!(messages = pl_json_get_array(p, in, "messages")))
        return bad(&r, "messages", "must be an array");
    if ((n = pl_json_array_size(messages)) > PL_IMPORT_MAX_MESSAGES)
        return bad(&r, "messages", "holds more than 10000 messages");
    read = apr_array_make(p, (int)n + 1, sizeof(pl_message_t *));
    for (i = 0; i < n; i++) {
        pl_message_t *m = apr_pcalloc(p, sizeof(*m));
        r.where = apr_psprintf(p, "messages[%" APR_SIZE_T_FMT "]", i);
        if ((rv = read_message(&r, pl_json_array_get(p, messages, i), m)) != APR_SUCCESS)
            return rv;
        if (apr_hash_get(by_id, &m->id, sizeof(m->id)))
            return bad(&r, "id", "is the id of another message in the document");
        apr_hash_set(by_id, &m->id, sizeof(m->id), m);
        APR_ARRAY_PUSH(read, pl_message_t *) = m;
    }
    if (doc->leaf_id && !apr_hash_get(by_id, &doc->leaf_id, sizeof(doc->leaf_id))) {
        r.where = "thread";
        return bad(&r, "leaf_id", "must be the id of a message in the document");
    }
    if ((rv = order_tree(&r, read, by_id, &doc->messages)) != APR_SUCCESS)
        return rv;
    *out = doc;
    return APR_SUCCESS;
}

apr_status_t pl_thread_import_store(pl_db_t *db, apr_pool_t *p, pl_thread_doc_t *doc,
                                    apr_int64_t user_id)
{
    apr_hash_t *new_ids = apr_hash_make(p);     /* the document's id -> ours */
    pl_thread_t *t = doc->thread;
    pl_msgtree_t *tree = NULL;
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;
    int i;

    t->user_id = user_id;
    t->leaf_id = 0;
    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    rv = pl_threads_insert(db, p, t);
    for (i = 0; rv == APR_SUCCESS && i < doc->messages->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(doc->messages, i, pl_message_t *);
        apr_int64_t *old = apr_pmemdup(p, &m->id, sizeof(m->id)), *mine;
        m->thread_id = t->id;
        m->server_id = 0;
        if (m->parent_id)       /* ordered: the parent is in already */
            m->parent_id = *(apr_int64_t *)apr_hash_get(new_ids, &m->parent_id, sizeof(m->parent_id));
        if ((rv = pl_messages_insert_whole(db, p, m)) != APR_SUCCESS)
            break;
        mine = apr_pmemdup(p, &m->id, sizeof(m->id));
        apr_hash_set(new_ids, old, sizeof(*old), mine);
    }
    if (rv == APR_SUCCESS) {
        if (doc->leaf_id)
            t->leaf_id = *(apr_int64_t *)apr_hash_get(new_ids, &doc->leaf_id, sizeof(doc->leaf_id));
        else {
            tree = pl_msgtree_make(p, doc->messages);
            t->leaf_id = pl_msgtree_descend(tree, 0);
        }
        if (t->leaf_id)
            rv = pl_threads_update(db, p, t);
    }
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}
