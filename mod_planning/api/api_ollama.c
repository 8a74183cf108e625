/* SPDX-License-Identifier: Apache-2.0 */
/* /ollama/api/...: Ollama's own API over the shared model servers, so that
 * the clients that speak it (ollama-js, ollama-python, Open WebUI ...) use
 * them with an API key or a session token, within the module's rate limits
 * and stream caps. A request goes to the enabled Ollama servers in the
 * module's order; one that fails before anything reached the client, or
 * does not have the model (404), hands over to the next. Replies are the
 * servers' own bytes: NDJSON relayed line by line, each line flushed to the
 * client as it arrives, checked to be one JSON object and capped in length,
 * the whole reply capped in size. Errors have Ollama's shape ({"error":...},
 * the router sets it for this surface); an error after the first line is a
 * last {"error":...} line, as Ollama ends a stream that failed. */
#include <apr_strings.h>

#include "api.h"
#include "mp_chat.h"
#include "mp_dbd.h"
#include "mp_sse.h"
#include "chat/pl_chat.h"
#include "core/pl_http.h"
#include "chat/pl_proxy.h"
#include "chat/pl_servers.h"
#include "chat/pl_usage.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define CONNECT_TIMEOUT_MS 5000
#define STREAM_TIMEOUT_MS  (30 * 60 * 1000)
#define IDLE_TIMEOUT_S     60
#define LIST_CONNECT_MS    3000
#define LIST_TIMEOUT_MS    15000
#define LIST_MAX           (8 * 1024 * 1024)
#define ERROR_BODY_MAX     4096
#define REPLY_MAX          (64 * 1024 * 1024)   /* one reply, streamed or not */
#define REPLY_DEPTH        32

typedef struct {
    mp_req_t *req;
    apr_pool_t *p;
    const char *path;             /* upstream: "/api/chat" */
    const char *model;
    int stream;                   /* relayed line by line */
    mp_sse_t *client;

    /* the failure to answer with when no server settles the request */
    int fail_status;
    const char *fail_message;

    /* one server's attempt */
    long status;                  /* its HTTP status, 0 before one arrived */
    apr_bucket_brigade *held;     /* a reply not relayed by line, or an error body */
    apr_size_t held_len;
    pl_chat_reader_t *reader;
    apr_size_t relayed;           /* bytes the client has */
    const char *cut;              /* why the relay was ended here */
    int upstream_error;           /* the server ended its stream with {"error"} */
    apr_int64_t tokens_in, tokens_out, total_ns;
    int answered;                 /* a server's 2xx reply reached the client */
} relay_t;

/* Worse failures are kept: busy says retry, not found says where to look,
 * a timeout or an unreachable server says least. */
static int fail_rank(int status)
{
    return status == HTTP_SERVICE_UNAVAILABLE ? 4 : status == HTTP_NOT_FOUND ? 3
         : status == HTTP_GATEWAY_TIME_OUT ? 2 : 1;
}

static int failed(relay_t *t, const pl_server_t *s, int status, const char *message)
{
    if (status != HTTP_NOT_FOUND)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, t->req->r,
                      "PLN00701: Ollama proxy: model server %s (%s) failed on %s: %s",
                      s->name, s->base_url, t->path, message);
    if (!t->fail_message || fail_rank(status) > fail_rank(t->fail_status)) {
        t->fail_status = status;
        t->fail_message = message;
    }
    return 0;
}

static int on_event(void *baton, const pl_chat_event_t *ev)
{
    relay_t *t = baton;

    if (ev->type == PL_CHAT_DONE) {
        t->tokens_in = ev->prompt_tokens;
        t->tokens_out = ev->completion_tokens;
        t->total_ns = ev->total_ns;
    }
    else if (ev->type == PL_CHAT_ERROR)
        t->upstream_error = 1;      /* relayed already: the stream ends with it */
    return 0;
}

static int on_line(void *baton, const char *line, apr_size_t len)
{
    relay_t *t = baton;

    if (t->relayed + len + 1 > REPLY_MAX) {
        t->cut = "the model server's reply is larger than this proxy relays";
        return 1;
    }
    if (!t->relayed)
        mp_sse_begin(t->client, "application/x-ndjson");
    t->relayed += len + 1;
    return !mp_sse_write_line(t->client, line, len);
}

static int on_data(void *baton, long status, const char *data, apr_size_t len)
{
    relay_t *t = baton;
    apr_status_t rv;

    t->status = status;
    if (status != HTTP_OK || !t->stream) {
        if (t->held_len + len > (status == HTTP_OK ? REPLY_MAX : ERROR_BODY_MAX)) {
            if (status != HTTP_OK)
                return 0;           /* the start of an error says enough */
            t->cut = "the model server's reply is larger than this proxy relays";
            return 1;
        }
        apr_brigade_write(t->held, NULL, NULL, data, len);
        t->held_len += len;
        return 0;
    }
    rv = pl_chat_reader_feed(t->reader, data, len);
    if (rv == PL_EUPSTREAM)
        t->cut = "the model server sent a line that is not one JSON object, or one too long";
    return rv != APR_SUCCESS;
}

/* While the model runs: a client that left ends the upstream transfer. */
static int on_poll(void *baton)
{
    relay_t *t = baton;

    mp_chat_slot_renew(t->req);
    return mp_sse_client_gone(t->client);
}

static char *held_text(relay_t *t, apr_size_t *len)
{
    char *text;

    if (apr_brigade_pflatten(t->held, &text, len, t->p) != APR_SUCCESS)
        *len = 0;
    return *len ? text : NULL;
}

/* The whole reply of a request that does not stream: one JSON object. */
static int answer(relay_t *t, const pl_server_t *s)
{
    apr_size_t len;
    char *text = held_text(t, &len);
    const char *why = "the reply is empty";
    pl_json_t *doc;

    if (!text || pl_json_parse(&doc, t->p, text, len, REPLY_DEPTH, &why) != APR_SUCCESS
        || pl_json_type(doc) != PL_JSON_OBJECT)
        return failed(t, s, HTTP_BAD_GATEWAY, apr_pstrcat(t->p, "model server ", s->name,
                      " sent a reply that is not one JSON object: ", why, NULL));
    pl_json_get_int(doc, "prompt_eval_count", &t->tokens_in);
    pl_json_get_int(doc, "eval_count", &t->tokens_out);
    pl_json_get_int(doc, "total_duration", &t->total_ns);
    t->answered = 1;
    mp_reply_json_text(t->req, HTTP_OK, text, len);
    return 1;
}

/* A server's error reply before any stream: 404 and busy hand over to the
 * next server; a request Ollama finds bad is the client's to hear. */
static int refused(relay_t *t, const pl_server_t *s)
{
    apr_size_t len;
    char *text = held_text(t, &len);
    const char *msg = pl_ollama_error(t->p, text, len);

    if (!msg)
        msg = apr_psprintf(t->p, "model server %s answered %ld", s->name, t->status);
    switch (t->status) {
    case HTTP_BAD_REQUEST:
    case HTTP_UNPROCESSABLE_ENTITY:
        mp_reply_error(t->req, (int)t->status, PL_ERR_INVALID_REQUEST, msg, NULL);
        return 1;
    case HTTP_NOT_FOUND:
        return failed(t, s, HTTP_NOT_FOUND, msg);
    case HTTP_SERVICE_UNAVAILABLE:
    case HTTP_TOO_MANY_REQUESTS:
        return failed(t, s, HTTP_SERVICE_UNAVAILABLE, msg);
    default:
        return failed(t, s, HTTP_BAD_GATEWAY, msg);
    }
}

/* The client has lines already: whatever went wrong is said in-band. */
static void end_stream(relay_t *t, apr_status_t rv, const pl_http_resp_t *resp)
{
    const char *why = t->cut;
    pl_jsonw_t *w;
    apr_size_t len;
    const char *text;

    if (!why && rv == PL_EUPSTREAM)
        why = apr_pstrcat(t->p, "the model server failed: ", resp->error, NULL);
    if (!why && !t->upstream_error && !pl_chat_reader_done(t->reader))
        why = "the model server closed the stream before it was done";
    if (!why)
        return;
    w = pl_jsonw_create(t->p, 128);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "error", why);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, &len);
    mp_sse_write_line(t->client, text, len);
}

/* Asks server s. Returns 1 when the request is settled (answered, relayed,
 * refused for the client's fault, or the client left), 0 to ask the next. */
static int ask(relay_t *t, const pl_server_t *s)
{
    pl_http_req_t hr;
    pl_http_resp_t resp;
    const char *why;
    apr_status_t rv;

    if (s->kind != PL_SERVER_OLLAMA)
        return 0;
    if (pl_servers_request(t->p, s, t->req->conf->model_allow, "POST", t->path,
                           t->req->body_text, &hr, &why) != APR_SUCCESS)
        return failed(t, s, HTTP_BAD_GATEWAY, apr_pstrcat(t->p, "model server ", s->name,
                                                          ": base_url ", why, NULL));
    hr.connect_timeout_ms = CONNECT_TIMEOUT_MS;
    hr.timeout_ms = STREAM_TIMEOUT_MS;
    hr.idle_timeout_s = IDLE_TIMEOUT_S;
    t->status = 0;
    t->held_len = 0;
    apr_brigade_cleanup(t->held);
    t->cut = NULL;
    t->upstream_error = 0;
    t->reader = pl_chat_reader_create(t->p, on_event, t);
    pl_chat_reader_on_line(t->reader, on_line, t);
    mp_chat_server_runs(t->req, s, 1);
    rv = pl_http_stream(t->p, &hr, on_data, on_poll, t, &resp);
    mp_chat_server_runs(t->req, s, -1);
    if (t->status >= 500)
        mp_chat_server_failed(t->req, s, apr_psprintf(t->p, "it answered %ld", t->status));
    else if (rv == PL_EUPSTREAM && !t->status)   /* no answer at all */
        mp_chat_server_failed(t->req, s, resp.error);
    if (t->relayed)               /* a run that streamed counts, even cut short */
        t->answered = 1;
    if (t->client->gone)
        return 1;
    if (t->relayed) {
        end_stream(t, rv, &resp);
        return 1;
    }
    if (t->status && t->status != HTTP_OK)
        return refused(t, s);
    if (t->cut)
        return failed(t, s, HTTP_BAD_GATEWAY, apr_pstrcat(t->p, t->cut, " (", s->name, ")", NULL));
    if (rv == PL_EUPSTREAM)
        return failed(t, s, resp.timed_out ? HTTP_GATEWAY_TIME_OUT : HTTP_BAD_GATEWAY,
                      apr_pstrcat(t->p, "model server ", s->name, ": ", resp.error, NULL));
    if (!t->stream)
        return answer(t, s);
    return failed(t, s, HTTP_BAD_GATEWAY,
                  apr_pstrcat(t->p, "model server ", s->name, " sent an empty stream", NULL));
}

/* The enabled servers, in the order a chat in a thread asks them:
 * priority, health, then the fewest runs going. */
static int candidates(mp_req_t *req, apr_array_header_t **servers)
{
    apr_status_t rv = pl_servers_list(req->db, req->r->pool, 1, servers);

    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "server");
        return 0;
    }
    *servers = mp_chat_order(req, *servers, 0);
    return 1;
}

/* Passes the request to the first server that settles it. A run of the
 * model (runs) takes one of the caller's stream slots. */
static int relay(mp_req_t *req, const char *path, int streams, int runs)
{
    relay_t *t = apr_pcalloc(req->r->pool, sizeof(*t));
    apr_array_header_t *servers;
    const char *why;
    int i;

    t->req = req;
    t->p = req->r->pool;
    t->path = path;
    if (pl_proxy_request(req->body, &t->model, streams ? &t->stream : NULL, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, NULL);
    if (!candidates(req, &servers) || (runs && !mp_chat_take_slot(req)))
        return OK;
    mp_dbd_release(req);   /* the model may take minutes: the pool is not made to wait */
    t->client = mp_sse_watch(req->r);
    t->held = apr_brigade_create(t->p, req->r->connection->bucket_alloc);
    t->fail_status = HTTP_NOT_FOUND;
    for (i = 0; i < servers->nelts; i++)
        if (ask(t, APR_ARRAY_IDX(servers, i, pl_server_t *))) {
            if (t->tokens_in || t->tokens_out) {   /* for the access log: %{planning-tokens-in}n */
                apr_table_setn(req->r->notes, "planning-tokens-in", pl_text_i64(t->p, t->tokens_in));
                apr_table_setn(req->r->notes, "planning-tokens-out", pl_text_i64(t->p, t->tokens_out));
            }
            /* a run a server answered counts in the usage: it leaves no
             * message in a thread, so nothing else counts it */
            if (runs && t->answered)
                mp_chat_count(req, PL_USAGE_PROXY, t->model, t->tokens_in, t->tokens_out,
                              t->total_ns);
            return OK;
        }
    if (!t->fail_message)
        t->fail_message = apr_psprintf(t->p, "model '%s' not found", t->model);
    return mp_reply_error(req, t->fail_status, PL_ERR_UPSTREAM_ERROR, t->fail_message, NULL);
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

/* Called with each server's 2xx reply to a GET; non-APR_SUCCESS (and *why)
 * when the reply is not what was asked for. */
typedef apr_status_t each_fn(void *baton, const char *body, apr_size_t len, const char **why);

/* GET path from every enabled Ollama server, best first. Returns 1 when at
 * least one answered (or none is enabled and none_ok), or 0 after a 502
 * saying why. */
static int ask_each(mp_req_t *req, const char *path, int none_ok, each_fn *fn, void *baton)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *servers;
    const char *why = "no enabled Ollama server is configured";
    int i, asked = 0, answered = 0;

    if (!candidates(req, &servers))
        return 0;
    for (i = 0; i < servers->nelts; i++) {
        pl_server_t *s = APR_ARRAY_IDX(servers, i, pl_server_t *);
        pl_http_req_t hr;
        pl_http_resp_t resp;
        const char *bad = NULL;

        if (s->kind != PL_SERVER_OLLAMA)
            continue;
        asked++;
        if (pl_servers_request(p, s, req->conf->model_allow, "GET", path, NULL, &hr, &bad)
            == APR_SUCCESS) {
            hr.connect_timeout_ms = LIST_CONNECT_MS;
            hr.timeout_ms = LIST_TIMEOUT_MS;
            hr.max_response = LIST_MAX;
            if (pl_http_do(p, &hr, &resp) != APR_SUCCESS)
                bad = resp.error;
            else if (resp.status / 100 != 2)
                bad = apr_psprintf(p, "answered %ld", resp.status);
            else if (fn(baton, resp.body, resp.len, &bad) == APR_SUCCESS)
                answered++;
        }
        if (bad) {
            why = apr_pstrcat(p, "model server ", s->name, ": ", bad, NULL);
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r,
                          "PLN00702: Ollama proxy: %s on %s", why, path);
        }
    }
    if (answered || (!asked && none_ok))
        return 1;
    mp_reply_error(req, HTTP_BAD_GATEWAY, PL_ERR_UPSTREAM_UNREACHABLE, why, NULL);
    return 0;
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
