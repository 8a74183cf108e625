/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/threads/{thread}/messages/{message}/stream: a reply as Server-
 * Sent Events for a client that lost its stream (or another tab). It sends
 * what the client missed, from the position its Last-Event-ID names, then
 * follows the reply from the database while it is generated, in whichever
 * process or host that happens, and ends with "done" or "error" as the
 * original stream would have. */
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "api.h"
#include "api_threads.h"
#include "mp_chat.h"
#include "mp_dbd.h"
#include "mp_ratelimit.h"
#include "core/pl_status.h"
#include "chat/pl_stream.h"

#define ROW_POLL        apr_time_from_msec(200)   /* how often the row is read again */
#define GONE_POLL       apr_time_from_msec(50)    /* how soon a client gone is noticed */
#define READER_REFRESH  apr_time_from_sec(2)
#define READER_LIFETIME apr_time_from_sec(10)     /* a crashed reader's count expires */

typedef struct {
    request_rec *r;
    const char *key;
} reader_t;

static apr_status_t detach(void *data)
{
    reader_t *rd = data;
    int ok;

    mp_shared_add(rd->r, rd->key, -1, apr_time_now() + READER_LIFETIME, &ok);
    return APR_SUCCESS;
}

/* Counted as a reader of the reply until the request ends: the generating
 * request saves the text for us, and does not give up on a client gone. */
static reader_t *attach(mp_req_t *req, apr_int64_t message_id)
{
    reader_t *rd = apr_palloc(req->r->pool, sizeof(*rd));
    int ok;

    rd->r = req->r;
    rd->key = mp_chat_readers_key(req->r->pool, message_id);
    mp_shared_add(req->r, rd->key, 1, apr_time_now() + READER_LIFETIME, &ok);
    apr_pool_cleanup_register(req->r->pool, rd, detach, apr_pool_cleanup_null);
    return rd;
}

/* The Last-Event-ID header, or the last_event_id query parameter for a
 * first EventSource connection, which cannot set headers. The header wins:
 * EventSource sends it on its own reconnections, with the URL unchanged. */
static const char *last_event_id(mp_req_t *req)
{
    const char *id = apr_table_get(req->r->headers_in, "Last-Event-ID");
    apr_table_t *args = NULL;

    if (id || !req->r->args)
        return id;
    ap_args_to_table(req->r, &args);
    return args ? apr_table_get(args, "last_event_id") : NULL;
}

static int send_text(mp_sse_t *sse, apr_pool_t *p, const char *event, const char *text)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 64 + strlen(text));

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "text", text);
    pl_jsonw_end(w);
    return mp_sse_send(sse, event, pl_jsonw_text(w, NULL));
}

/* What the row holds past the client's position, thinking first, as the
 * model wrote it. A row behind the client (its last save is older than
 * what the client saw) has nothing to send yet. */
static int send_missed(mp_sse_t *sse, apr_pool_t *p, const pl_message_t *m)
{
    const char *thinking = pl_stream_rest(m->thinking, sse->pos.thinking);
    const char *content = pl_stream_rest(m->content, sse->pos.content);

    if (thinking) {
        sse->pos.thinking = strlen(m->thinking);
        if (!send_text(sse, p, "thinking", thinking))
            return 0;
    }
    if (content) {
        sse->pos.content = strlen(m->content);
        if (!send_text(sse, p, "token", content))
            return 0;
    }
    return 1;
}

static const char *ended_because(const char *code)
{
    return !code ? "the reply is incomplete"
         : !strcmp(code, PL_ERR_CLIENT_GONE) ? "the client went away and nobody came back in time"
         : !strcmp(code, PL_ERR_STOPPED) ? "stopped on request"
         : !strcmp(code, PL_ERR_INTERRUPTED) ? "the process generating the reply stopped"
         : "the reply ended before the model was done";
}

/* The event that ends the stream, as POST .../messages ends it. */
static void send_end(mp_sse_t *sse, apr_pool_t *p, const pl_message_t *m)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024 + strlen(m->content));

    pl_jsonw_object(w, NULL);
    if (!strcmp(m->state, "complete")) {
        pl_message_write(w, m);
        pl_jsonw_end(w);
        mp_sse_send(sse, "done", pl_jsonw_text(w, NULL));
        return;
    }
    pl_jsonw_str(w, "code", m->error_code ? m->error_code : PL_ERR_INCOMPLETE);
    pl_jsonw_str(w, "message", ended_because(m->error_code));
    pl_jsonw_int(w, "message_id", m->id);
    pl_jsonw_end(w);
    mp_sse_send(sse, "error", pl_jsonw_text(w, NULL));
}

static void send_start(mp_sse_t *sse, apr_pool_t *p, const pl_message_t *m)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 256);

    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "thread_id", m->thread_id);
    pl_jsonw_int(w, "user_message_id", m->parent_id);
    pl_jsonw_int(w, "message_id", m->id);
    pl_jsonw_str(w, "model", m->model);
    pl_jsonw_end(w);
    mp_sse_send(sse, "start", pl_jsonw_text(w, NULL));
}

/* Sleeps until the row is worth reading again, or the client left. */
static int wait_for_row(mp_req_t *req, mp_sse_t *sse)
{
    apr_time_t until = apr_time_now() + ROW_POLL;

    while (apr_time_now() < until) {
        if (mp_sse_client_gone(sse)
            || !mp_sse_heartbeat(sse, apr_time_from_sec(req->conf->sse_heartbeat)))
            return 0;
        apr_sleep(GONE_POLL);
    }
    return 1;
}

int api_stream_follow(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool, *events, *rows;
    apr_int64_t message_id;
    apr_time_t refreshed, db_failing = 0;
    const char *last;
    pl_stream_pos_t pos;
    pl_message_t *m;
    pl_thread_t *t;
    reader_t *rd;
    mp_sse_t *sse;
    apr_status_t rv;
    int ok;

    if (!api_threads_load(req, &t)
        || !mp_request_param_id(req, "message", "message", &message_id))
        return OK;
    rv = pl_messages_get(req->db, p, t->id, message_id, &m);
    if (rv == APR_SUCCESS && strcmp(m->role, "assistant"))
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    last = last_event_id(req);
    if (pl_stream_id_parse(last, &pos) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "Last-Event-ID is not an event id of this stream", "Last-Event-ID");
    /* The client saw the end: 204 is what stops an EventSource reconnecting. */
    if (pos.end)
        return mp_reply_empty(req, HTTP_NO_CONTENT);
    mp_chat_settle(req, p, m);
    if (!pl_stream_pos_fits(&pos, m->content, m->thinking, !strcmp(m->state, "streaming")))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "Last-Event-ID is not a position in this reply", "Last-Event-ID");
    if (!mp_chat_take_reader_slot(req))
        return OK;
    rd = attach(req, m->id);
    refreshed = apr_time_now();

    sse = mp_sse_open_reply(req->r);
    sse->pos = pos;
    if (req->r->header_only)
        return OK;
    apr_pool_create(&events, p);
    apr_pool_create(&rows, p);
    mp_dbd_release(req);   /* taken for each read of the row only */
    if (!last || !*last)
        send_start(sse, events, m);
    for (;;) {
        apr_pool_clear(events);
        if (!send_missed(sse, events, m))
            return OK;
        if (strcmp(m->state, "streaming")) {
            send_end(sse, events, m);
            return OK;
        }
        if (!wait_for_row(req, sse))
            return OK;
        if (apr_time_now() - refreshed >= READER_REFRESH) {
            mp_shared_add(req->r, rd->key, 0, apr_time_now() + READER_LIFETIME, &ok);
            refreshed = apr_time_now();
        }
        mp_chat_slot_renew(req);
        apr_pool_clear(rows);
        rv = PL_EUNAVAILABLE;
        if (mp_dbd_acquire(req)) {
            if ((rv = pl_messages_get(req->db, rows, t->id, message_id, &m)) == APR_SUCCESS)
                mp_chat_settle(req, rows, m);
            mp_dbd_release(req);
        }
        if (rv == APR_SUCCESS) {
            db_failing = 0;
            continue;
        }
        if (rv == PL_ENOTFOUND) {   /* the thread or the reply was deleted meanwhile */
            mp_sse_send(sse, "error", "{\"code\":\"" PL_ERR_DELETED "\","
                                      "\"message\":\"the reply was deleted\"}");
            return OK;
        }
        if (!db_failing)
            db_failing = apr_time_now();
        if (apr_time_now() - db_failing > apr_time_from_sec(req->conf->stream_lease)) {
            mp_sse_send(sse, "error", "{\"code\":\"" PL_ERR_DATABASE_UNAVAILABLE "\","
                                      "\"message\":\"the reply cannot be read; retry later\"}");
            return OK;
        }
    }
}
