/* SPDX-License-Identifier: Apache-2.0 */
/* See mp_proxy.h. Errors before the first byte take the surface's shape
 * (the request says which: mp_reply_error); an error after it is said
 * in-band, as each protocol ends a stream that failed: a last
 * {"error":...} line (Ollama), or a data: {"error":{...}} event without
 * [DONE] (OpenAI, whose clients raise it). */
#include <apr_strings.h>

#include "mp_chat.h"
#include "mp_dbd.h"
#include "mp_proxy.h"
#include "mp_sse.h"
#include "chat/pl_chat.h"
#include "chat/pl_proxy.h"
#include "chat/pl_proxy_openai.h"
#include "chat/pl_usage.h"
#include "core/pl_http.h"
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
    const mp_proxy_call_t *call;
    const char *model;
    const char *body;             /* what goes upstream */
    int stream;                   /* relayed event by event */
    int wants_usage;              /* OpenAI: the client asked for the usage chunk */
    mp_sse_t *client;

    /* the failure to answer with when no server settles the request */
    int fail_status;
    const char *fail_message;

    /* one server's attempt */
    long status;                  /* its HTTP status, 0 before one arrived */
    apr_bucket_brigade *held;     /* a reply not relayed by event, or an error body */
    apr_size_t held_len;
    pl_chat_reader_t *reader;
    apr_size_t relayed;           /* bytes the client has */
    const char *cut;              /* why the relay was ended here */
    int upstream_error;           /* the server ended its stream with an error */
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
                      "PLN00701: model proxy: model server %s (%s) failed on %s: %s;"
                      " the next server is asked", s->name, s->base_url, t->call->path, message);
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

/* One NDJSON line, or one SSE event's data, passed on as the server wrote it. */
static int on_line(void *baton, const char *line, apr_size_t len)
{
    relay_t *t = baton;

    if (t->relayed + len + 8 > REPLY_MAX) {
        t->cut = "the model server's reply is larger than this proxy relays";
        return 1;
    }
    /* the usage chunk asked for the count, not for a client that did not want it */
    if (t->call->openai && !t->wants_usage && pl_proxy_openai_usage_only(t->p, line, len))
        return 0;
    if (!t->relayed)
        mp_sse_begin(t->client, t->call->openai ? "text/event-stream" : "application/x-ndjson");
    t->relayed += len + 8;
    return t->call->openai ? !mp_sse_write_data(t->client, line, len)
                           : !mp_sse_write_line(t->client, line, len);
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
        t->cut = "the model server sent an event that is not one JSON object, or one too long";
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
    if (t->call->openai)
        pl_proxy_openai_usage(t->p, doc, &t->tokens_in, &t->tokens_out);
    else {
        pl_json_get_int(doc, "prompt_eval_count", &t->tokens_in);
        pl_json_get_int(doc, "eval_count", &t->tokens_out);
        pl_json_get_int(doc, "total_duration", &t->total_ns);
    }
    t->answered = 1;
    mp_reply_json_text(t->req, HTTP_OK, text, len);
    return 1;
}

/* A server's error reply before any stream: 404 and busy hand over to the
 * next server; a request the server finds bad is the client's to hear. */
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

/* The client has events already: whatever went wrong is said in-band, and
 * an OpenAI stream that went well ends with [DONE]. */
static void end_stream(relay_t *t, apr_status_t rv, const pl_http_resp_t *resp)
{
    static const char END[] = "[DONE]";
    const char *why = t->cut;
    pl_jsonw_t *w;
    apr_size_t len;
    const char *text;

    if (!why && rv == PL_EUPSTREAM)
        why = apr_pstrcat(t->p, "the model server failed: ", resp->error, NULL);
    if (!why && !t->upstream_error && !pl_chat_reader_done(t->reader))
        why = "the model server closed the stream before it was done";
    if (!why) {
        if (t->call->openai && !t->upstream_error)
            mp_sse_write_data(t->client, END, sizeof(END) - 1);
        return;
    }
    w = pl_jsonw_create(t->p, 128);
    pl_jsonw_object(w, NULL);
    if (t->call->openai) {
        pl_jsonw_object(w, "error");
        pl_jsonw_str(w, "message", why);
        pl_jsonw_str(w, "type", pl_proxy_openai_error_type(HTTP_BAD_GATEWAY));
        pl_jsonw_raw(w, "param", "null");
        pl_jsonw_str(w, "code", "upstream_error");
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_str(w, "error", why);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, &len);
    if (t->call->openai)
        mp_sse_write_data(t->client, text, len);
    else
        mp_sse_write_line(t->client, text, len);
}

/* Whether the surface asks s: Ollama's own API only Ollama servers; OpenAI's
 * every server (an Ollama server serves /v1 too). */
static int speaks(const pl_server_t *s, int openai)
{
    return openai || s->kind == PL_SERVER_OLLAMA;
}

/* Asks server s. Returns 1 when the request is settled (answered, relayed,
 * refused for the client's fault, or the client left), 0 to ask the next. */
static int ask(relay_t *t, const pl_server_t *s)
{
    pl_http_req_t hr;
    pl_http_resp_t resp;
    const char *why;
    apr_status_t rv;

    if (!speaks(s, t->call->openai))
        return 0;
    if (pl_servers_request(t->p, s, t->req->conf->model_allow, "POST", t->call->path,
                           t->body, &hr, &why) != APR_SUCCESS)
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
    t->reader = pl_chat_reader_create_for(t->p, t->call->openai ? PL_SERVER_OPENAI
                                                                : PL_SERVER_OLLAMA, on_event, t);
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

/* What the request asks, in the surface's terms: 0 after a 400. */
static int check(relay_t *t)
{
    const char *why;

    if (t->call->openai) {
        pl_proxy_openai_t o;
        if (pl_proxy_openai_request(t->p, t->req->body, t->call->streams, &o, &why)
            != APR_SUCCESS)
            return mp_reply_error(t->req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, NULL), 0;
        t->model = o.model;
        t->stream = o.stream;
        t->wants_usage = o.wants_usage;
        t->body = o.body ? o.body : t->req->body_text;
        return 1;
    }
    if (pl_proxy_request(t->req->body, &t->model, t->call->streams ? &t->stream : NULL, &why)
        != APR_SUCCESS)
        return mp_reply_error(t->req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, NULL), 0;
    t->body = t->req->body_text;
    return 1;
}

int mp_proxy_relay(mp_req_t *req, const mp_proxy_call_t *call)
{
    relay_t *t = apr_pcalloc(req->r->pool, sizeof(*t));
    apr_array_header_t *servers;
    int i;

    t->req = req;
    t->p = req->r->pool;
    t->call = call;
    if (!check(t) || !candidates(req, &servers) || (call->runs && !mp_chat_take_slot(req)))
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
            if (call->runs && t->answered)
                mp_chat_count(req, PL_USAGE_PROXY, t->model, t->tokens_in, t->tokens_out,
                              t->total_ns);
            return OK;
        }
    if (!t->fail_message)
        t->fail_message = apr_psprintf(t->p, "model '%s' not found", t->model);
    return mp_reply_error(req, t->fail_status, t->fail_status == HTTP_NOT_FOUND
                          ? PL_ERR_MODEL_NOT_FOUND : PL_ERR_UPSTREAM_ERROR, t->fail_message, NULL);
}

int mp_proxy_ask_each(mp_req_t *req, const char *path, int openai, int none_ok,
                      mp_proxy_each_fn *fn, void *baton)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *servers;
    const char *why = "no enabled model server is configured";
    int i, asked = 0, answered = 0;

    if (!candidates(req, &servers))
        return 0;
    for (i = 0; i < servers->nelts; i++) {
        pl_server_t *s = APR_ARRAY_IDX(servers, i, pl_server_t *);
        pl_http_req_t hr;
        pl_http_resp_t resp;
        const char *bad = NULL;

        if (!speaks(s, openai))
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
                          "PLN00702: model proxy: %s on %s; its models are left out", why, path);
        }
    }
    if (answered || (!asked && none_ok))
        return 1;
    mp_reply_error(req, HTTP_BAD_GATEWAY, PL_ERR_UPSTREAM_UNREACHABLE, why, NULL);
    return 0;
}
