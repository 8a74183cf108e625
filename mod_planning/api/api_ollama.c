/* SPDX-License-Identifier: Apache-2.0 */
/* /ollama/api/...: Ollama's own API over the shared model servers, so that
 * the clients that speak it (ollama-js, ollama-python, Open WebUI ...) use
 * them with an API key or a session token, within the module's rate limits
 * and stream caps. A request goes to the enabled Ollama servers in the
 * module's order (the relay is mp_proxy.c's, shared with the OpenAI side).
 * Replies are the servers' own bytes: NDJSON relayed line by line. Errors
 * have Ollama's shape ({"error":...}, the router sets it for this surface);
 * an error after the first line is a last {"error":...} line, as Ollama
 * ends a stream that failed. */
#include <apr_strings.h>

#include "api.h"
#include "mp_proxy.h"
#include "chat/pl_proxy.h"
#include "core/pl_status.h"

static int relay(mp_req_t *req, const char *path, int streams, int runs)
{
    mp_proxy_call_t call = { path, streams, runs, 0 };

    return mp_proxy_relay(req, &call);
}

int api_ollama_chat(mp_req_t *req)
{
    return relay(req, "/api/chat", 1, 1);
}

int api_ollama_generate(mp_req_t *req)
{
    return relay(req, "/api/generate", 1, 1);
}

int api_ollama_embed(mp_req_t *req)
{
    return relay(req, "/api/embed", 0, 1);
}

int api_ollama_show(mp_req_t *req)
{
    return relay(req, "/api/show", 0, 0);
}

static int ask_each(mp_req_t *req, const char *path, int none_ok, mp_proxy_each_fn *fn,
                    void *baton)
{
    return mp_proxy_ask_each(req, path, 0, none_ok, fn, baton);
}

static apr_status_t add_models(void *baton, const char *body, apr_size_t len, const char **why)
{
    return pl_proxy_list_add(baton, body, len, why);
}

static int merged(mp_req_t *req, const char *path)
{
    pl_proxy_list_t *list = pl_proxy_list_create(req->r->pool);
    const char *text;
    apr_size_t len;

    if (!ask_each(req, path, 1, add_models, list))
        return OK;
    text = pl_proxy_list_text(list, &len);
    return mp_reply_json_text(req, HTTP_OK, text, len);
}

/* Every model of every enabled server, each name once. */
int api_ollama_tags(mp_req_t *req)
{
    return merged(req, "/api/tags");
}

/* What every enabled server has loaded. */
int api_ollama_ps(mp_req_t *req)
{
    return merged(req, "/api/ps");
}

typedef struct {
    apr_pool_t *p;
    const char *oldest;
} version_t;

static apr_status_t keep_oldest(void *baton, const char *body, apr_size_t len, const char **why)
{
    version_t *v = baton;
    const char *version;

    if (pl_ollama_parse_version(v->p, body, len, &version) != APR_SUCCESS) {
        *why = "its version is unreadable";
        return PL_EUPSTREAM;
    }
    if (!v->oldest || pl_proxy_version_cmp(version, v->oldest) < 0)
        v->oldest = version;
    return APR_SUCCESS;
}

/* The oldest version among the servers: what a client may count on,
 * whichever server answers it. */
int api_ollama_version(mp_req_t *req)
{
    version_t v = { req->r->pool, NULL };
    pl_jsonw_t *w;

    if (!ask_each(req, "/api/version", 0, keep_oldest, &v))
        return OK;
    w = mp_reply_writer(req, 64);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "version", v.oldest);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* GET and HEAD /ollama and /ollama/: Ollama's liveness answer, word for
 * word, which clients probe before anything else. Like Ollama's root it
 * asks for no credentials, so it says nothing a stranger may not know: no
 * version, no server, no database. */
int api_ollama_root(mp_req_t *req)
{
    static const char RUNNING[] = "Ollama is running";

    return mp_reply_body(req, HTTP_OK, "text/plain; charset=utf-8", RUNNING, sizeof(RUNNING) - 1);
}
