/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_jsonw.h"
#include "chat/pl_proxy.h"
#include "chat/pl_proxy_openai.h"
#include "core/pl_status.h"

#define CHUNK_DEPTH 32

static apr_status_t refuse(const char *message, const char **why)
{
    *why = message;
    return PL_EINVAL;
}

/* stream_options with include_usage set, its other members kept. */
static void write_stream_options(apr_pool_t *p, pl_jsonw_t *w, const pl_json_t *body)
{
    pl_json_t *so = pl_json_get_object(p, body, "stream_options");
    apr_array_header_t *keys = so ? pl_json_keys(p, so) : NULL;
    int i;

    pl_jsonw_object(w, "stream_options");
    for (i = 0; keys && i < keys->nelts; i++) {
        const char *k = APR_ARRAY_IDX(keys, i, const char *);
        if (strcmp(k, "include_usage"))
            pl_jsonw_raw(w, k, pl_json_member_text(p, so, k));
    }
    pl_jsonw_bool(w, "include_usage", 1);
    pl_jsonw_end(w);
}

static const char *upstream_body(apr_pool_t *p, const pl_json_t *body)
{
    apr_array_header_t *keys = pl_json_keys(p, body);
    pl_jsonw_t *w = pl_jsonw_create(p, 1024);
    apr_size_t len;
    int i;

    pl_jsonw_object(w, NULL);
    for (i = 0; keys && i < keys->nelts; i++) {
        const char *k = APR_ARRAY_IDX(keys, i, const char *);
        if (strcmp(k, "stream_options"))
            pl_jsonw_raw(w, k, pl_json_member_text(p, body, k));
    }
    write_stream_options(p, w, body);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, &len);
}

apr_status_t pl_proxy_openai_request(apr_pool_t *p, const pl_json_t *body, int streams,
                                     pl_proxy_openai_t *out, const char **why)
{
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    if (pl_json_type(body) != PL_JSON_OBJECT)
        return refuse("the request body must be a JSON object", why);
    /* OpenAI has no "name" for the model, which Ollama's own API takes */
    if (pl_json_type_of(body, "model") == PL_JSON_ABSENT)
        return refuse("model is required", why);
    if ((rv = pl_proxy_request(body, &out->model, NULL, why)) != APR_SUCCESS)
        return rv;
    if (!streams)
        return APR_SUCCESS;
    switch (pl_json_type_of(body, "stream")) {
    case PL_JSON_ABSENT:
    case PL_JSON_NULL:
        break;
    case PL_JSON_BOOL:
        out->stream = pl_json_is_true(body, "stream");
        break;
    default:
        return refuse("stream must be true or false", why);
    }
    switch (pl_json_type_of(body, "stream_options")) {
    case PL_JSON_ABSENT:
    case PL_JSON_NULL:
        break;
    case PL_JSON_OBJECT:
        out->wants_usage = pl_json_is_true(pl_json_get_object(p, body, "stream_options"),
                                           "include_usage");
        break;
    default:
        return refuse("stream_options must be an object", why);
    }
    if (out->stream && !out->wants_usage && !(out->body = upstream_body(p, body)))
        return refuse("the request could not be passed on", why);
    return APR_SUCCESS;
}

int pl_proxy_openai_usage_only(apr_pool_t *p, const char *data, apr_size_t len)
{
    pl_json_t *doc, *choices;
    const char *why;

    if (pl_json_parse(&doc, p, data, len, CHUNK_DEPTH, &why) != APR_SUCCESS
        || pl_json_type_of(doc, "usage") != PL_JSON_OBJECT)
        return 0;
    choices = pl_json_get_array(p, doc, "choices");
    return !choices || !pl_json_array_size(choices);
}

void pl_proxy_openai_usage(apr_pool_t *p, const pl_json_t *reply, apr_int64_t *in,
                           apr_int64_t *out)
{
    pl_json_t *usage = pl_json_get_object(p, reply, "usage");

    if (!usage)
        return;
    pl_json_get_int(usage, "prompt_tokens", in);
    pl_json_get_int(usage, "completion_tokens", out);
}

const char *pl_proxy_openai_error_type(int status)
{
    switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 429: return "rate_limit_error";
    default:  return status >= 500 ? "api_error" : "invalid_request_error";
    }
}
