/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <apr_atomic.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "mp_chat.h"
#include "mp_dbd.h"
#include "mp_ratelimit.h"
#include "core/pl_http.h"
#include "chat/pl_messages.h"
#include "chat/pl_ollama.h"
#include "core/pl_status.h"
#include "chat/pl_stream.h"
#include "core/pl_time.h"
#include "chat/pl_usage.h"

#define CONNECT_TIMEOUT_MS 5000
#define STREAM_TIMEOUT_MS  (30 * 60 * 1000)
#define IDLE_TIMEOUT_S     60
#define ERROR_BODY_MAX     4096
#define STOP_CHECK         apr_time_from_msec(250)
#define SAVE_EVERY         apr_time_from_msec(250)   /* someone reads the row */
#define SAVE_IDLE          apr_time_from_sec(1)      /* nobody does yet */
#define SAVE_BACKOFF       apr_time_from_sec(2)      /* after a save that failed */
#define STORE_PAUSE        apr_time_from_msec(250)   /* between tries of the final save */
#define STOP_LIFETIME      apr_time_from_sec(60)
#define SERVER_RUNS_LIFETIME apr_time_from_sec(3600) /* a crashed child's counts expire */

/* Replies being generated in this process: each holds a worker thread. */
static apr_uint32_t streams_here;

/* The user's slot is a lease the stream renews (mp_chat_slot_renew): a
 * slot whose process died runs out within PlanningStreamLease, and a
 * refused attempt touches no slot. */
static apr_time_t slot_expiry(const mp_req_t *req)
{
    return apr_time_now() + apr_time_from_sec(req->conf->stream_lease);
}

typedef struct {
    request_rec *r;
    const char *key;              /* the user's slot; NULL when the store failed */
    apr_time_t renew_at;
} slot_t;

#define SLOT_NOTE "planning-stream-slot"

static apr_status_t release_slot(void *data)
{
    slot_t *s = data;

    apr_atomic_dec32(&streams_here);
    if (s->key)
        mp_shared_lease(s->r, s->key, 0);
    return APR_SUCCESS;
}

static int take_slot(mp_req_t *req, const char *kind)
{
    slot_t *s = apr_pcalloc(req->r->pool, sizeof(*s));
    const char *prefix;
    int ok;

    s->r = req->r;
    if (apr_atomic_inc32(&streams_here) >= (apr_uint32_t)req->conf->max_streams) {
        apr_atomic_dec32(&streams_here);
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_TOO_MANY_STREAMS,
                       "this server is answering as many chats as it may; retry shortly", NULL);
        return 0;
    }
    prefix = apr_psprintf(req->r->pool, "%s:u%" APR_INT64_T_FMT, kind, req->caller.user->id);
    s->key = mp_shared_claim(req->r, prefix, req->conf->user_streams, slot_expiry(req), &ok);
    if (ok && !s->key) {
        apr_atomic_dec32(&streams_here);
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_TOO_MANY_STREAMS,
                       strcmp(kind, "readers")
                           ? "you have as many chats running as you may; retry when one ends"
                           : "you are following as many replies as you may; close one and retry",
                       NULL);
        return 0;
    }
    s->renew_at = apr_time_now() + apr_time_from_sec(req->conf->stream_lease) / 3;
    apr_pool_cleanup_register(req->r->pool, s, release_slot, apr_pool_cleanup_null);
    apr_pool_userdata_setn(s, SLOT_NOTE, NULL, req->r->pool);
    return 1;
}

int mp_chat_take_slot(mp_req_t *req)
{
    return take_slot(req, "streams");
}

int mp_chat_take_reader_slot(mp_req_t *req)
{
    return take_slot(req, "readers");
}

void mp_chat_slot_renew(mp_req_t *req)
{
    apr_time_t now = apr_time_now();
    void *data = NULL;
    slot_t *s;

    apr_pool_userdata_get(&data, SLOT_NOTE, req->r->pool);
    if (!(s = data) || !s->key || now < s->renew_at)
        return;
    mp_shared_lease(s->r, s->key, slot_expiry(req));
    s->renew_at = now + apr_time_from_sec(req->conf->stream_lease) / 3;
}

const char *mp_chat_stop_key(apr_pool_t *p, apr_int64_t thread_id)
{
    return apr_psprintf(p, "stop:t%" APR_INT64_T_FMT, thread_id);
}

void mp_chat_stop_clear(mp_req_t *req, const char *key)
{
    int ok;

    mp_shared_add(req->r, key, -1000000, apr_time_now() + STOP_LIFETIME, &ok);
}

int mp_chat_stop_request(mp_req_t *req, const char *key)
{
    int ok;

    mp_shared_add(req->r, key, 1, apr_time_now() + STOP_LIFETIME, &ok);
    return ok;
}

/* Grows b by n bytes of s, up to max: a reply is kept whole, within reason. */
static void append(apr_pool_t *p, mp_chat_buf_t *b, const char *s, apr_size_t n, apr_size_t max)
{
    if (b->len + n > max)
        n = max - b->len;
    if (b->len + n + 1 > b->cap) {
        apr_size_t c = b->cap ? b->cap * 2 : 1024;
        char *bigger;
        while (c < b->len + n + 1)
            c *= 2;
        bigger = apr_palloc(p, c);
        if (b->len)
            memcpy(bigger, b->buf, b->len);
        b->buf = bigger;
        b->cap = c;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

/* One event of reply text; its id is where the reply now stands. */
static int send_text(mp_chat_t *t, const char *event, const char *text)
{
    pl_jsonw_t *w;

    apr_pool_clear(t->scratch);
    w = pl_jsonw_create(t->scratch, 64 + strlen(text));
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "text", text);
    pl_jsonw_end(w);
    t->sse->pos.content = t->text.len;
    t->sse->pos.thinking = t->thinking.len;
    return mp_sse_send(t->sse, event, pl_jsonw_text(w, NULL));
}

/* Keeps a token or a piece of thinking, within PlanningMaxReplySize (a
 * server that never stops cannot fill the memory), and relays it. 0 ends
 * the reading. */
static int take_text(mp_chat_t *t, mp_chat_buf_t *b, const char *event, const char *text)
{
    apr_size_t n = strlen(text);

    if (t->text.len + t->thinking.len + n > (apr_size_t)t->req->conf->max_reply) {
        t->error_code = PL_ERR_REPLY_TOO_LARGE;
        t->error_message = "the reply grew past the size allowed (PlanningMaxReplySize)";
        return 0;
    }
    t->started = 1;
    append(t->p, b, text, n, (apr_size_t)t->req->conf->max_reply);
    if (!t->sse)
        return 1;
    if (!t->scratch)
        apr_pool_create(&t->scratch, t->p);
    /* A client gone may come back (PlanningStreamGrace): on_poll decides. */
    return send_text(t, event, text) || t->req->conf->stream_grace > 0;
}

static int on_event(void *baton, const pl_chat_event_t *ev)
{
    mp_chat_t *t = baton;

    switch (ev->type) {
    case PL_CHAT_TOKEN:
        return !take_text(t, &t->text, "token", ev->text);
    case PL_CHAT_THINKING:
        return !take_text(t, &t->thinking, "thinking", ev->text);
    case PL_CHAT_DONE:
        t->reply->prompt_tokens = ev->prompt_tokens;
        t->reply->completion_tokens = ev->completion_tokens;
        t->reply->total_ns = ev->total_ns;
        t->reply->eval_ns = ev->eval_ns;
        return 0;
    case PL_CHAT_ERROR:
        t->error_code = PL_ERR_UPSTREAM_ERROR;
        t->error_message = apr_pstrdup(t->p, ev->text);
        return 1;
    case PL_CHAT_TOOL_CALL:
        /* run after the reply ends (mp_chat_tools.c); the turn is settled
         * here: another server is not asked */
        t->started = 1;
        if (!t->calls)
            t->calls = apr_array_make(t->p, 2, sizeof(pl_chat_call_t));
        {
            pl_chat_call_t *call = apr_array_push(t->calls);
            call->id = apr_pstrdup(t->p, ev->call->id);
            call->name = apr_pstrdup(t->p, ev->call->name);
            call->arguments = apr_pstrdup(t->p, ev->call->arguments);
        }
        return 0;
    }
    return 0;
}

static int on_data(void *baton, long status, const char *data, apr_size_t len)
{
    mp_chat_t *t = baton;
    apr_status_t rv;

    t->status = status;
    if (status != HTTP_OK) {   /* an error reply before any stream: keep its message */
        append(t->p, &t->errbody, data, len, ERROR_BODY_MAX);
        return 0;
    }
    rv = pl_chat_reader_feed(t->reader, data, len);
    if (rv == PL_EUPSTREAM) {
        t->error_code = PL_ERR_UPSTREAM_ERROR;
        t->error_message = "the model server sent something that is not NDJSON";
    }
    return rv != APR_SUCCESS;
}

/* The client is gone and no reader followed the reply for the grace
 * period: nobody will read what the model writes. A reply that is not
 * stored (a prompt test, a drafted commit message) has no row for a reader
 * to come back to: it ends as soon as its client leaves. */
static int left_for_good(mp_chat_t *t, apr_time_t now)
{
    if (!t->sse || !mp_sse_client_gone(t->sse))
        return 0;
    if (!t->reply || !t->reply->id)
        return 1;
    if (t->readers > 0) {
        t->alone_since = 0;
        return 0;
    }
    if (!t->alone_since)
        t->alone_since = now;
    return now - t->alone_since >= apr_time_from_sec(t->req->conf->stream_grace);
}

/* Saves the text into the row as it grows, whether or not anyone reads it
 * yet: a reply is kept however the request ends (a process killed, the
 * final save refused). Every SAVE_EVERY while a reader follows or the
 * client is gone (they read the row), every SAVE_IDLE otherwise; and the row
 * is stamped at least every third of PlanningStreamLease, so that a reply
 * whose process died is told from a model that is only slow. Each save
 * takes a connection from the pool and gives it back: a stream holds none
 * while the model writes. */
static void save_progress(mp_chat_t *t, apr_time_t now)
{
    apr_interval_time_t lease = apr_time_from_sec(t->req->conf->stream_lease) / 3;
    apr_size_t len = t->text.len + t->thinking.len;
    int wanted = (t->sse && t->sse->gone) || t->readers > 0;
    apr_status_t rv = PL_EUNAVAILABLE;

    if (!t->reply || !t->reply->id || now < t->next_save)
        return;
    if (!t->lease_due)
        t->lease_due = now + lease;   /* the row was stamped when it was stored */
    if (len == t->saved_len && now < t->lease_due)
        return;
    if (!t->scratch)
        apr_pool_create(&t->scratch, t->p);
    apr_pool_clear(t->scratch);
    t->next_save = now + (wanted ? SAVE_EVERY : SAVE_IDLE);
    if (mp_dbd_acquire(t->req)) {
        t->req->db->deadline = now;   /* one try: the final save is the one that insists */
        rv = pl_stream_save(t->req->db, t->scratch, t->reply->id, t->text.buf, t->thinking.buf);
        mp_dbd_release(t->req);
    }
    if (rv != APR_SUCCESS) {
        /* a save waits in the driver (about 1.5 s on a lock) while the
         * tokens wait too: not again at once */
        t->next_save = apr_time_now() + SAVE_BACKOFF;
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, t->req->r,
                      "PLN00603: could not save reply %" APR_INT64_T_FMT " so far; retrying",
                      t->reply->id);
        return;
    }
    t->saved_len = len;
    t->lease_due = now + lease;
}

/* About every 100 ms while the model runs: a client gone for good, a stop
 * asked for, readers to save for, or a silence long enough to need a
 * heartbeat. */
static int on_poll(void *baton)
{
    mp_chat_t *t = baton;
    apr_time_t now = apr_time_now();

    if (left_for_good(t, now))
        return t->client_gone = 1;
    if (t->deadline && now >= t->deadline)
        return t->timed_out = 1;
    if (now >= t->next_stop_check) {
        t->next_stop_check = now + STOP_CHECK;
        if (t->stop_key && mp_shared_get(t->req->r, t->stop_key) > 0)
            return t->stopped = 1;
        if (!t->readers_key && t->reply && t->reply->id)
            t->readers_key = mp_chat_readers_key(t->p, t->reply->id);
        if (t->readers_key)
            t->readers = mp_shared_get(t->req->r, t->readers_key);
    }
    save_progress(t, now);
    mp_chat_slot_renew(t->req);
    if (t->sse && !t->sse->gone)
        mp_sse_heartbeat(t->sse, apr_time_from_sec(t->req->conf->sse_heartbeat));
    return 0;
}

/* Server health and load, shared by every child (and host, with a shared
 * socache): a server that could not be reached or answered 5xx is skipped
 * for PlanningModelServerRetry seconds, then tried again; a server's count
 * of replies streaming from it ranks servers of equal priority. The shared
 * store keeps counters only, so "down" holds the time it lasts until, in
 * seconds since 2024 (32 bits reach 2092). */
#define SHARED_EPOCH APR_INT64_C(1704067200)

static apr_int32_t shared_now(void)
{
    return (apr_int32_t)(apr_time_sec(apr_time_now()) - SHARED_EPOCH);
}

static const char *server_key(apr_pool_t *p, const char *what, const pl_server_t *s)
{
    return apr_psprintf(p, "srv-%s:%" APR_INT64_T_FMT, what, s->id);
}

/* Seconds the server is still skipped for (0: not). */
static apr_int32_t down_for(mp_req_t *req, const pl_server_t *s)
{
    apr_int32_t until;
    int ok;

    until = mp_shared_add(req->r, server_key(req->r->pool, "down", s), 0,
                          apr_time_now() + apr_time_from_sec(req->conf->server_retry), &ok);
    return until > shared_now() ? until - shared_now() : 0;
}

void mp_chat_server_failed(mp_req_t *req, const pl_server_t *s, const char *why)
{
    const char *key = server_key(req->r->pool, "down", s);
    apr_int32_t until = shared_now() + req->conf->server_retry, was;
    apr_time_t expiry = apr_time_now() + apr_time_from_sec(req->conf->server_retry + 1);
    int ok;

    was = mp_shared_add(req->r, key, 0, expiry, &ok);
    mp_shared_add(req->r, key, until - was, expiry, &ok);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, "PLN00604: model server %s skipped by"
                  " model runs for %d s: %s", s->name, req->conf->server_retry, why);
}

apr_int32_t mp_chat_server_runs(mp_req_t *req, const pl_server_t *s, apr_int32_t delta)
{
    int ok;

    return mp_shared_add(req->r, server_key(req->r->pool, "streams", s), delta,
                         apr_time_now() + SERVER_RUNS_LIFETIME, &ok);
}

/* Asks one server; returns 1 when the turn is settled (answered, or failed
 * after the first token, or the client left), 0 to try the next server. */
static int ask(mp_chat_t *t, const pl_server_t *s)
{
    pl_http_req_t hr;
    pl_http_resp_t resp;
    pl_url_t url;
    const char *why, *body = t->body;
    apr_status_t rv;

    t->status = 0;
    t->errbody.len = 0;
    t->error_code = t->error_message = NULL;
    if (pl_url_check(t->p, s->base_url, t->req->conf->model_allow, &url, &why) != APR_SUCCESS) {
        t->error_code = PL_ERR_UPSTREAM_UNREACHABLE;
        t->error_message = apr_pstrcat(t->p, "base_url ", why, NULL);
        return 0;
    }
    if (s->kind == PL_SERVER_OPENAI && !(body = pl_chat_request_openai(t->p, t->body))) {
        t->error_code = PL_ERR_UPSTREAM_ERROR;
        t->error_message = "the request could not be put in OpenAI's form";
        return 0;
    }
    memset(&hr, 0, sizeof(hr));
    hr.method = "POST";
    hr.base = &url;
    hr.path = s->kind == PL_SERVER_OPENAI ? "/v1/chat/completions" : "/api/chat";
    hr.body = body;
    hr.bearer = s->api_key;
    hr.connect_timeout_ms = CONNECT_TIMEOUT_MS;
    hr.timeout_ms = STREAM_TIMEOUT_MS;
    hr.idle_timeout_s = IDLE_TIMEOUT_S;
    t->reader = pl_chat_reader_create_for(t->p, s->kind, on_event, t);
    t->reply->server_id = s->id;
    mp_chat_server_runs(t->req, s, 1);
    rv = pl_http_stream(t->p, &hr, on_data, on_poll, t, &resp);
    mp_chat_server_runs(t->req, s, -1);
    if (t->stopped) {
        t->error_code = PL_ERR_STOPPED;
        t->error_message = "stopped on request";
        return 1;
    }
    if (t->timed_out) {
        t->error_code = PL_ERR_TOOL_LIMIT;
        t->error_message = "the tool loop ran past PlanningToolTimeout";
        return 1;
    }
    if (t->client_gone) {
        t->error_code = PL_ERR_CLIENT_GONE;
        t->error_message = "the client went away";
        return 1;
    }
    if (t->status && t->status != HTTP_OK) {
        const char *msg = pl_ollama_error(t->p, t->errbody.buf, t->errbody.len);
        t->error_code = t->status == HTTP_NOT_FOUND ? PL_ERR_MODEL_NOT_FOUND
                      : t->status == HTTP_SERVICE_UNAVAILABLE ? PL_ERR_BUSY : PL_ERR_UPSTREAM_ERROR;
        t->error_message = msg ? msg : apr_psprintf(t->p, "the server answered %ld", t->status);
        if (t->status >= 500)
            mp_chat_server_failed(t->req, s, apr_psprintf(t->p, "it answered %ld", t->status));
        return t->started;
    }
    if (rv == PL_EUPSTREAM) {
        t->error_code = resp.timed_out ? PL_ERR_UPSTREAM_TIMEOUT
                      : resp.connected && t->status ? PL_ERR_UPSTREAM_CLOSED
                      : PL_ERR_UPSTREAM_UNREACHABLE;
        t->error_message = resp.error;
        if (!t->status)   /* no answer at all */
            mp_chat_server_failed(t->req, s, resp.error);
        return t->started;
    }
    if (!t->error_code && !pl_chat_reader_done(t->reader)) {
        t->error_code = PL_ERR_UPSTREAM_CLOSED;
        t->error_message = "the stream ended before the model was done";
    }
    return t->started || !t->error_code || !strcmp(t->error_code, PL_ERR_UPSTREAM_ERROR);
}

typedef struct {
    pl_server_t *s;
    apr_int32_t streams;
    int rank;                     /* the order given: priority, then id */
    int preferred;                /* the project's chosen server */
} candidate_t;

static int by_priority_then_load(const void *a, const void *b)
{
    const candidate_t *x = a, *y = b;

    if (x->preferred != y->preferred)
        return x->preferred ? -1 : 1;
    if (x->s->priority != y->s->priority)
        return x->s->priority > y->s->priority ? -1 : 1;
    if (x->streams != y->streams)
        return x->streams < y->streams ? -1 : 1;
    return x->rank - y->rank;
}

apr_array_header_t *mp_chat_order(mp_req_t *req, const apr_array_header_t *servers,
                                  apr_int64_t preferred)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *healthy = apr_array_make(p, servers->nelts + 1, sizeof(candidate_t));
    apr_array_header_t *all = apr_array_make(p, servers->nelts + 1, sizeof(candidate_t));
    apr_array_header_t *order;
    int i;

    for (i = 0; i < servers->nelts; i++) {
        candidate_t c;
        apr_int32_t down;

        c.s = APR_ARRAY_IDX(servers, i, pl_server_t *);
        c.streams = mp_chat_server_runs(req, c.s, 0);
        c.rank = i;
        c.preferred = preferred && c.s->id == preferred;
        APR_ARRAY_PUSH(all, candidate_t) = c;
        if ((down = down_for(req, c.s)) > 0)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, "PLN00603: model server %s"
                          " skipped: it failed lately; tried again in %d s", c.s->name, down);
        else
            APR_ARRAY_PUSH(healthy, candidate_t) = c;
    }
    if (!healthy->nelts && all->nelts) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, "PLN00605: every model server"
                      " failed lately; asking them all anyway");
        healthy = all;
    }
    qsort(healthy->elts, (size_t)healthy->nelts, sizeof(candidate_t), by_priority_then_load);
    order = apr_array_make(p, healthy->nelts + 1, sizeof(pl_server_t *));
    for (i = 0; i < healthy->nelts; i++) {
        candidate_t *c = &APR_ARRAY_IDX(healthy, i, candidate_t);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, "PLN00606: choice %d: model server"
                      " %s (priority %d, %d runs going)", i + 1, c->s->name,
                      c->s->priority, (int)c->streams);
        APR_ARRAY_PUSH(order, pl_server_t *) = c->s;
    }
    return order;
}

void mp_chat_run(mp_chat_t *c, const apr_array_header_t *servers)
{
    apr_array_header_t *order = mp_chat_order(c->req, servers, c->preferred_server);
    int i, settled = 0;

    c->error_code = PL_ERR_MODEL_NOT_FOUND;
    c->error_message = "no enabled model server is configured";
    /* the model may take minutes: each save takes a connection of its own */
    mp_dbd_release(c->req);
    for (i = 0; i < order->nelts && !settled; i++)
        settled = ask(c, APR_ARRAY_IDX(order, i, pl_server_t *));
    c->reply->content = c->text.buf ? c->text.buf : "";
    c->reply->thinking = c->thinking.buf;
    c->reply->state = c->error_code ? "incomplete" : "complete";
    c->reply->error_code = c->error_code;
}

int mp_chat_store(mp_chat_t *c)
{
    apr_time_t until = apr_time_now() + apr_time_from_msec(c->req->conf->busy_timeout_ms);
    apr_status_t rv;

    /* a lost connection is replaced by the next one the pool gives, a full
     * disk may get space, a lock may be let go: tried until the deadline */
    for (;;) {
        rv = PL_EUNAVAILABLE;
        if (mp_dbd_acquire(c->req)) {
            c->req->db->deadline = until;
            if ((rv = pl_messages_finish(c->req->db, c->p, c->reply)) == APR_SUCCESS)
                return 1;
            mp_dbd_release(c->req);
        }
        if (apr_time_now() + STORE_PAUSE >= until)
            break;
        apr_sleep(STORE_PAUSE);
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, c->req->r,
                  "PLN00601: could not store reply %" APR_INT64_T_FMT " (%s): the client is told"
                  " STORAGE_FAILED and the row keeps the text saved so far, as incomplete%s",
                  c->reply->id, rv == PL_EFULL ? "the database's disk is full"
                  : rv == PL_EBUSY ? "the database stayed locked" : "the database failed",
                  rv == PL_EFULL ? "; free space on the database's disk" : "");
    c->storage_full = rv == PL_EFULL;
    c->error_code = PL_ERR_STORAGE_FAILED;
    c->error_message = c->storage_full
        ? "the reply could not be stored: the server's storage is full"
        : "the reply could not be stored; what was saved is kept as incomplete";
    c->reply->state = "incomplete";
    c->reply->error_code = c->error_code;
    return 0;
}

int mp_chat_end(mp_chat_t *c, int status, const char *done_json, const char *details_json)
{
    pl_jsonw_t *w;

    if (!c->error_code)
        return c->sse ? (mp_sse_send(c->sse, "done", done_json), OK)
                      : mp_reply_json_text(c->req, status, done_json, strlen(done_json));
    if (!c->sse)
        return mp_reply_error_details(c->req, c->storage_full ? HTTP_INSUFFICIENT_STORAGE
                                      : mp_chat_http_status(c->error_code), c->error_code,
                                      c->error_message, details_json);
    w = pl_jsonw_create(c->p, 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "code", c->error_code);
    pl_jsonw_str(w, "message", c->error_message);
    if (c->reply->id)
        pl_jsonw_int(w, "message_id", c->reply->id);
    pl_jsonw_end(w);
    mp_sse_send(c->sse, "error", pl_jsonw_text(w, NULL));
    return OK;
}

int mp_chat_http_status(const char *code)
{
    const pl_error_code_t *e = pl_error_code_find(code);

    /* a reply stopped or left before its end has no status of its own */
    return e && e->status ? e->status : HTTP_BAD_GATEWAY;
}

const char *mp_chat_readers_key(apr_pool_t *p, apr_int64_t message_id)
{
    return apr_psprintf(p, "readers:m%" APR_INT64_T_FMT, message_id);
}

int mp_chat_settle(mp_req_t *req, apr_pool_t *p, pl_message_t *m)
{
    apr_time_t stale = apr_time_now() - apr_time_from_sec(req->conf->stream_lease);
    int swept = 0;

    if (strcmp(m->state, "streaming") || !m->updated_at
        || strcmp(m->updated_at, pl_time_rfc3339(p, stale)) >= 0)
        return 0;
    if (pl_stream_interrupt(req->db, p, m->id, stale, &swept) != APR_SUCCESS || !swept)
        return 0;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                  "PLN00604: reply %" APR_INT64_T_FMT " was left streaming by a process that"
                  " stopped; marked incomplete", m->id);
    m->state = "incomplete";
    m->error_code = PL_ERR_INTERRUPTED;
    return 1;
}

void mp_chat_count(mp_req_t *req, const char *source, const char *model, apr_int64_t tokens_in,
                   apr_int64_t tokens_out, apr_int64_t total_ns)
{
    pl_usage_t u;
    apr_status_t rv;

    memset(&u, 0, sizeof(u));
    u.source = source;
    u.model = model;
    u.tokens_in = tokens_in;
    u.tokens_out = tokens_out;
    u.generation_ns = total_ns;
    /* mp_chat_run let the request's connection go while the model ran */
    rv = mp_dbd_acquire(req) ? APR_SUCCESS : PL_EUNAVAILABLE;
    if (rv != APR_SUCCESS
        || (rv = pl_usage_record(req->db, req->r->pool, req->caller.user->id, &u)) != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, req->r,
                      "PLN01201: a %s run of %s by user %" APR_INT64_T_FMT " was not counted in"
                      " the usage; check the database (table usage_runs, migration 12)",
                      source, model, req->caller.user->id);
}

mp_chat_t *mp_chat_single(mp_req_t *req, const pl_thread_t *t, const char *model,
                          const char *text)
{
    apr_pool_t *p = req->r->pool;
    mp_chat_t *turn = apr_pcalloc(p, sizeof(*turn));
    pl_message_t *question = apr_pcalloc(p, sizeof(*question));
    apr_array_header_t *branch = apr_array_make(p, 1, sizeof(pl_message_t *));

    question->role = "user";
    question->content = text;
    APR_ARRAY_PUSH(branch, pl_message_t *) = question;
    turn->body = pl_chat_request(p, t, model, branch, 1);
    turn->reply = apr_pcalloc(p, sizeof(*turn->reply));
    turn->reply->role = "assistant";
    turn->reply->model = model;
    turn->req = req;
    turn->p = p;
    return turn;
}
