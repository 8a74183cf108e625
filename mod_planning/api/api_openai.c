/* SPDX-License-Identifier: Apache-2.0 */
/* /ollama/v1/...: OpenAI's API over the shared model servers, for the tools
 * that speak it rather than Ollama's (editor assistants, coding agents,
 * notebooks, the openai client libraries), with an API key sent as
 * Authorization: Bearer, within the module's rate limits and stream caps.
 * Every enabled server is asked in the module's order: an Ollama server
 * answers through its own /v1 routes, an OpenAI-compatible one directly.
 * Requests and replies are passed as written (tools, tool_calls and every
 * option untouched); a stream is asked with include_usage so that its
 * tokens are counted (mp_proxy.c). Errors have OpenAI's shape
 * {"error":{"message","type","param","code"}}, which OpenAI's clients parse
 * (the router sets it for this surface). */
#include <apr_strings.h>

#include "api.h"
#include "mp_proxy.h"
#include "chat/pl_proxy.h"
#include "core/pl_status.h"

static int relay(mp_req_t *req, const char *path, int streams)
{
    mp_proxy_call_t call = { path, streams, 1, 1 };

    return mp_proxy_relay(req, &call);
}

int api_openai_chat(mp_req_t *req)
{
    return relay(req, "/v1/chat/completions", 1);
}

int api_openai_completions(mp_req_t *req)
{
    return relay(req, "/v1/completions", 1);
}

int api_openai_embeddings(mp_req_t *req)
{
    return relay(req, "/v1/embeddings", 0);
}

static apr_status_t add_models(void *baton, const char *body, apr_size_t len, const char **why)
{
    return pl_proxy_list_add(baton, body, len, why);
}

/* Every model of every enabled server, each id once, from the best server
 * that lists it; NULL after the reply saying why not. */
static pl_proxy_list_t *all_models(mp_req_t *req)
{
    pl_proxy_list_t *list = pl_proxy_list_create_openai(req->r->pool);

    return mp_proxy_ask_each(req, "/v1/models", 1, 1, add_models, list) ? list : NULL;
}

int api_openai_models(mp_req_t *req)
{
    pl_proxy_list_t *list = all_models(req);
    const char *text;
    apr_size_t len;

    if (!list)
        return OK;
    text = pl_proxy_list_text(list, &len);
    return mp_reply_json_text(req, HTTP_OK, text, len);
}

/* One model, as the server that lists it first describes it. */
int api_openai_model(mp_req_t *req)
{
    const char *name = apr_table_get(req->params, "model");
    pl_proxy_list_t *list = all_models(req);
    const char *text;

    if (!list)
        return OK;
    if (!(text = pl_proxy_list_find(list, name)))
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_MODEL_NOT_FOUND,
                              apr_psprintf(req->r->pool, "model '%s' not found", name), NULL);
    return mp_reply_json_text(req, HTTP_OK, text, strlen(text));
}
