/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "chat/pl_chat_tools.h"
#include "tools/pl_tools.h"

#define CALLS_MAX 32      /* calls of one reply kept; a model that sends more loses them */
#define ARGS_DEPTH 16

const char *pl_chat_tools_json(apr_pool_t *p, const apr_array_header_t *tools)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024 * (apr_size_t)(tools->nelts + 1));
    int i;

    pl_jsonw_array(w, NULL);
    for (i = 0; i < tools->nelts; i++) {
        const pl_tool_t *t = APR_ARRAY_IDX(tools, i, const pl_tool_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "type", "function");
        pl_jsonw_object(w, "function");
        pl_jsonw_str(w, "name", t->name);
        pl_jsonw_str(w, "description", t->description);
        pl_jsonw_raw(w, "parameters", t->schema);   /* our own constant JSON */
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* The arguments text as an object of ours (re-serialized), or NULL. */
static const char *object_text(apr_pool_t *p, const char *text)
{
    pl_json_t *j;
    const char *err;

    if (!text || pl_json_parse(&j, p, text, strlen(text), ARGS_DEPTH, &err) != APR_SUCCESS
        || pl_json_type(j) != PL_JSON_OBJECT)
        return NULL;
    return pl_json_dump(p, j, NULL);
}

static void write_arguments(pl_jsonw_t *w, apr_pool_t *p, const char *text, int as_string)
{
    const char *obj = object_text(p, text);

    if (obj && !as_string)
        pl_jsonw_raw(w, "arguments", obj);
    else
        pl_jsonw_str(w, "arguments", obj ? obj : text ? text : "");
}

const char *pl_chat_calls_json(apr_pool_t *p, const apr_array_header_t *calls)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 256 * (apr_size_t)(calls->nelts + 1));
    int i;

    pl_jsonw_array(w, NULL);
    for (i = 0; i < calls->nelts; i++) {
        const pl_chat_call_t *c = &APR_ARRAY_IDX(calls, i, pl_chat_call_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "id", c->id);
        pl_jsonw_object(w, "function");
        pl_jsonw_str(w, "name", c->name);
        write_arguments(w, p, c->arguments, 0);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* tool_calls (our stored text, or an Ollama body's) in either form. */
static void write_calls(pl_jsonw_t *w, apr_pool_t *p, const pl_json_t *calls, int openai)
{
    apr_size_t i, n = pl_json_array_size(calls);

    pl_jsonw_array(w, "tool_calls");
    for (i = 0; i < n; i++) {
        pl_json_t *c = pl_json_array_get(p, calls, i), *fn = pl_json_get_object(p, c, "function");
        const char *args = fn ? pl_json_member_text(p, fn, "arguments") : NULL;
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "id", pl_json_get_str(c, "id"));
        if (openai)
            pl_jsonw_str(w, "type", "function");
        pl_jsonw_object(w, "function");
        pl_jsonw_str(w, "name", fn ? pl_json_get_str(fn, "name") : "");
        if (fn && pl_json_type_of(fn, "arguments") == PL_JSON_STRING)
            args = pl_json_get_str(fn, "arguments");
        write_arguments(w, p, args, openai);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}

void pl_chat_write_message_tools(pl_jsonw_t *w, apr_pool_t *p, const pl_message_t *m)
{
    pl_json_t *calls;
    const char *err;

    if (m->tool_calls
        && pl_json_parse(&calls, p, m->tool_calls, strlen(m->tool_calls), ARGS_DEPTH + 4, &err)
           == APR_SUCCESS && pl_json_type(calls) == PL_JSON_ARRAY)
        write_calls(w, p, calls, 0);
    if (m->tool_name) {
        pl_jsonw_str(w, "tool_name", m->tool_name);
        pl_jsonw_str(w, "tool_call_id", m->tool_call_id);
    }
}

void pl_chat_write_openai_tools(pl_jsonw_t *w, apr_pool_t *p, const pl_json_t *m)
{
    pl_json_t *calls = pl_json_get_array(p, m, "tool_calls");

    if (calls)
        write_calls(w, p, calls, 1);
    if (pl_json_get_str(m, "tool_call_id"))
        pl_jsonw_str(w, "tool_call_id", pl_json_get_str(m, "tool_call_id"));
}

static const char *made_up_id(apr_pool_t *p, int n)
{
    return apr_psprintf(p, "call_%" APR_TIME_T_FMT "_%d", apr_time_now(), n);
}

apr_array_header_t *pl_chat_calls_parse(apr_pool_t *p, const pl_json_t *message)
{
    pl_json_t *calls = pl_json_get_array(p, message, "tool_calls");
    apr_array_header_t *out;
    apr_size_t i, n;

    if (!calls || !(n = pl_json_array_size(calls)))
        return NULL;
    out = apr_array_make(p, (int)n, sizeof(pl_chat_call_t));
    for (i = 0; i < n && i < CALLS_MAX; i++) {
        pl_json_t *c = pl_json_array_get(p, calls, i), *fn = pl_json_get_object(p, c, "function");
        pl_chat_call_t *call = apr_array_push(out);
        const char *id = pl_json_get_str(c, "id");
        call->id = id && *id ? apr_pstrdup(p, id) : made_up_id(p, (int)i);
        call->name = fn && pl_json_get_str(fn, "name") ? apr_pstrdup(p, pl_json_get_str(fn, "name"))
                                                       : "";
        if (fn && pl_json_type_of(fn, "arguments") == PL_JSON_STRING)
            call->arguments = apr_pstrdup(p, pl_json_get_str(fn, "arguments"));
        else
            call->arguments = fn ? pl_json_member_text(p, fn, "arguments") : NULL;
        if (!call->arguments)
            call->arguments = "{}";
    }
    return out;
}

void pl_chat_calls_accumulate(apr_pool_t *p, apr_array_header_t *acc, const pl_json_t *delta)
{
    pl_json_t *calls = pl_json_get_array(p, delta, "tool_calls");
    apr_size_t i, n = calls ? pl_json_array_size(calls) : 0;

    for (i = 0; i < n; i++) {
        pl_json_t *c = pl_json_array_get(p, calls, i), *fn = pl_json_get_object(p, c, "function");
        apr_int64_t index = 0;
        pl_chat_call_t *call;
        const char *s;

        if (!pl_json_get_int(c, "index", &index))
            index = acc->nelts ? acc->nelts - 1 : 0;
        if (index < 0 || index >= CALLS_MAX)
            continue;
        while (acc->nelts <= index) {
            call = apr_array_push(acc);
            memset(call, 0, sizeof(*call));
            call->arguments = "";
        }
        call = &APR_ARRAY_IDX(acc, index, pl_chat_call_t);
        if ((s = pl_json_get_str(c, "id")) && *s)
            call->id = apr_pstrdup(acc->pool, s);
        if (fn && (s = pl_json_get_str(fn, "name")) && *s)
            call->name = apr_pstrdup(acc->pool, s);
        if (fn && (s = pl_json_get_str(fn, "arguments")))
            call->arguments = apr_pstrcat(acc->pool, call->arguments, s, NULL);
    }
}
