/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_status.h"
#include "mcp/pl_mcp_rpc.h"

static pl_rpc_msg_t *invalid(apr_pool_t *p, pl_rpc_msg_t *m, const char *why)
{
    m->kind = PL_RPC_INVALID;
    m->code = PL_RPC_INVALID_REQUEST;
    m->why = why;
    (void)p;
    return m;
}

/* One value of the body as a message. */
static pl_rpc_msg_t *message_of(apr_pool_t *p, const pl_json_t *v)
{
    pl_rpc_msg_t *m = apr_pcalloc(p, sizeof(*m));
    const char *version;
    pl_json_type_e t;

    if (pl_json_type(v) != PL_JSON_OBJECT)
        return invalid(p, m, "a JSON-RPC message is an object");
    /* The id first, so that even a bad request is answered under its id. */
    t = pl_json_type_of(v, "id");
    if (t == PL_JSON_STRING || t == PL_JSON_INTEGER)
        m->id = pl_json_member_text(p, v, "id");
    else if (t != PL_JSON_ABSENT)
        return invalid(p, m, "id must be a string or an integer (MCP forbids null)");
    version = pl_json_get_str(v, "jsonrpc");
    if (!version || strcmp(version, "2.0"))
        return invalid(p, m, "jsonrpc must be \"2.0\"");
    t = pl_json_type_of(v, "method");
    if (t == PL_JSON_ABSENT) {
        int result = pl_json_type_of(v, "result") != PL_JSON_ABSENT;
        int error = pl_json_type_of(v, "error") == PL_JSON_OBJECT;
        if (m->id && result != error) {
            m->kind = PL_RPC_RESPONSE;
            return m;
        }
        return invalid(p, m, "a message needs a method (a request or notification) or, with"
                             " an id, one of result and error (a response)");
    }
    if (t != PL_JSON_STRING || !*(m->method = pl_json_get_str(v, "method")))
        return invalid(p, m, "method must be a non-empty string");
    t = pl_json_type_of(v, "params");
    if (t == PL_JSON_OBJECT)
        m->params = pl_json_get_object(p, v, "params");
    else if (t != PL_JSON_ABSENT)
        return invalid(p, m, "params must be an object");
    m->kind = m->id ? PL_RPC_REQUEST : PL_RPC_NOTIFICATION;
    return m;
}

apr_status_t pl_rpc_parse(apr_pool_t *p, const char *body, apr_size_t len, int max_depth,
                          int max_batch, apr_array_header_t **msgs, int *batch,
                          const char **why)
{
    pl_json_t *doc;
    apr_size_t i, n;

    *msgs = apr_array_make(p, 1, sizeof(pl_rpc_msg_t *));
    *batch = 0;
    if (pl_json_parse(&doc, p, body, len, max_depth, why) != APR_SUCCESS) {
        /* The parser takes objects and arrays only: a scalar (5, "x") is
         * JSON all the same, and JSON-RPC calls it an invalid request. */
        const char *wrapped = apr_pstrcat(p, "[", apr_pstrmemdup(p, body, len), "]", NULL);
        const char *ignored;
        if (memchr(body, '\0', len)
            || pl_json_parse(&doc, p, wrapped, len + 2, max_depth, &ignored) != APR_SUCCESS
            || pl_json_array_size(doc) != 1)   /* "" or "1,2" are no document */
            return PL_EJSON;
        *why = "a JSON-RPC message is an object";
        return PL_EINVAL;
    }
    if (pl_json_type(doc) != PL_JSON_ARRAY) {
        APR_ARRAY_PUSH(*msgs, pl_rpc_msg_t *) = message_of(p, doc);
        return APR_SUCCESS;
    }
    *batch = 1;
    n = pl_json_array_size(doc);
    if (n == 0) {
        *why = "an empty batch is not a request";
        return PL_EINVAL;
    }
    if (n > (apr_size_t)max_batch) {
        *why = apr_psprintf(p, "a batch holds at most %d messages", max_batch);
        return PL_EINVAL;
    }
    for (i = 0; i < n; i++)
        APR_ARRAY_PUSH(*msgs, pl_rpc_msg_t *) = message_of(p, pl_json_array_get(p, doc, i));
    return APR_SUCCESS;
}

/* {"jsonrpc":"2.0","id":...: what every reply begins with. */
static pl_jsonw_t *envelope(apr_pool_t *p, const char *id, apr_size_t hint)
{
    pl_jsonw_t *w = pl_jsonw_create(p, hint + 64);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "jsonrpc", "2.0");
    pl_jsonw_raw(w, "id", id ? id : "null");
    return w;
}

const char *pl_rpc_result(apr_pool_t *p, const char *id, const char *result)
{
    pl_jsonw_t *w = envelope(p, id, strlen(result));

    pl_jsonw_raw(w, "result", result);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

const char *pl_rpc_error(apr_pool_t *p, const char *id, int code, const char *message,
                         const char *data)
{
    pl_jsonw_t *w = envelope(p, id, 256);

    pl_jsonw_object(w, "error");
    pl_jsonw_int(w, "code", code);
    pl_jsonw_str(w, "message", message);
    if (data)
        pl_jsonw_raw(w, "data", data);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

const char *pl_rpc_notification(apr_pool_t *p, const char *method, const char *params)
{
    pl_jsonw_t *w = pl_jsonw_create(p, strlen(params) + 64);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "jsonrpc", "2.0");
    pl_jsonw_str(w, "method", method);
    pl_jsonw_raw(w, "params", params);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}
