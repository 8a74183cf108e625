/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/threads: a user's chat threads and their messages. A message is
 * answered by the first enabled server, by priority, that takes the model;
 * a server that fails before the first token hands over to the next. The
 * user's message and a "streaming" reply are stored before the model is
 * asked, so nothing typed is lost; the reply ends "complete" or, on any
 * failure, "incomplete" with what arrived and why. */
#include <apr_atomic.h>
#include <apr_strings.h>

#include "api.h"
#include "mp_ratelimit.h"
#include "mp_sse.h"
#include "pl_chat.h"
#include "pl_http.h"
#include "pl_members.h"
#include "pl_servers.h"
#include "pl_status.h"
#include "pl_text.h"
#include "pl_threads.h"

#define CONTENT_MAX_CHARS  100000
#define CONNECT_TIMEOUT_MS 5000
#define STREAM_TIMEOUT_MS  (30 * 60 * 1000)
#define IDLE_TIMEOUT_S     60
#define ERROR_BODY_MAX     4096
#define HEARTBEAT          apr_time_from_sec(15)
#define STOP_CHECK         apr_time_from_msec(250)
#define SLOT_LIFETIME      apr_time_from_sec(3600)   /* a crashed child's slots expire */

/* Replies being generated in this process: each holds a worker thread. */
static apr_uint32_t streams_here;

typedef struct {
    request_rec *r;
    const char *user_key;
} slot_t;

static apr_status_t release_slot(void *data)
{
    slot_t *s = data;
    int ok;

    apr_atomic_dec32(&streams_here);
    mp_shared_add(s->r, s->user_key, -1, apr_time_now() + SLOT_LIFETIME, &ok);
    return APR_SUCCESS;
}

/* A slot for one more reply, within the process's and the user's caps;
 * released with the request. 0 after a 503 with Retry-After (SECURITY 26). */
static int take_slot(mp_req_t *req)
{
    slot_t *s = apr_palloc(req->r->pool, sizeof(*s));
    apr_int32_t mine;
    int ok;

    s->r = req->r;
    s->user_key = apr_psprintf(req->r->pool, "streams:u%" APR_INT64_T_FMT, req->caller.user->id);
    if (apr_atomic_inc32(&streams_here) >= (apr_uint32_t)req->conf->max_streams) {
        apr_atomic_dec32(&streams_here);
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, "TOO_MANY_STREAMS",
                       "this server is answering as many chats as it may; retry shortly", NULL);
        return 0;
    }
    mine = mp_shared_add(req->r, s->user_key, 1, apr_time_now() + SLOT_LIFETIME, &ok);
    if (ok && mine > req->conf->user_streams) {
        apr_atomic_dec32(&streams_here);
        mp_shared_add(req->r, s->user_key, -1, apr_time_now() + SLOT_LIFETIME, &ok);
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, "TOO_MANY_STREAMS",
                       "you have as many chats running as you may; retry when one ends", NULL);
        return 0;
    }
    apr_pool_cleanup_register(req->r->pool, s, release_slot, apr_pool_cleanup_null);
    return 1;
}

/* The stop flag of a thread, shared by every child: a stop may arrive at
 * another process than the one streaming. */
static const char *stop_key(apr_pool_t *p, apr_int64_t thread_id)
{
    return apr_psprintf(p, "stop:t%" APR_INT64_T_FMT, thread_id);
}

static int load(mp_req_t *req, pl_thread_t **t)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "thread", "thread", &id))
        return 0;
    /* another user's thread does not exist for this caller */
    if ((rv = pl_threads_get(req->db, req->r->pool, id, req->caller.user->id, t)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "thread");
        return 0;
    }
    return 1;
}

static int reply_thread(mp_req_t *req, int status, const pl_thread_t *t)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    pl_thread_write(w, t);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

/* A thread may belong only to a project its user can see: any other is 404. */
static int project_visible(mp_req_t *req, apr_int64_t project_id)
{
    pl_role_e role = PL_ROLE_NONE;
    apr_status_t rv;

    if (!project_id)
        return 1;
    rv = pl_project_role(req->db, req->r->pool, project_id, req->caller.user->id,
                         req->caller.user->role, &role);
    if (rv == APR_SUCCESS && role == PL_ROLE_NONE)
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    return 1;
}

static int apply(mp_req_t *req, pl_thread_t *t, int whole)
{
    const char *field, *why;

    if (pl_thread_apply(t, req->body, whole, req->r->pool, &field, &why) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                       field ? apr_pstrcat(req->r->pool, field, " ", why, NULL) : why, field);
        return 0;
    }
    return project_visible(req, t->project_id);
}

/* POST /threads/{id}/assign {"project_id": N or null}. */
int api_threads_assign(mp_req_t *req)
{
    static const char *const known[] = { "project_id", NULL };
    pl_thread_t *t;
    apr_int64_t project_id = 0;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !load(req, &t))
        return OK;
    if (pl_json_type_of(req->body, "project_id") != PL_JSON_NULL
        && (!pl_json_get_int(req->body, "project_id", &project_id) || project_id < 1))
        return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                              "project_id must be a project id or null", "project_id");
    if (!project_visible(req, project_id))
        return OK;
    t->project_id = project_id;
    if ((rv = pl_threads_update(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return reply_thread(req, HTTP_OK, t);
}

int api_threads_create(mp_req_t *req)
{
    pl_thread_t *t = apr_pcalloc(req->r->pool, sizeof(*t));
    apr_status_t rv;

    if (!apply(req, t, 1))
        return OK;
    t->user_id = req->caller.user->id;
    if ((rv = pl_threads_insert(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, MP_API_BASE "/threads/%" APR_INT64_T_FMT, t->id));
    return reply_thread(req, HTTP_CREATED, t);
}

int api_threads_list(mp_req_t *req)
{
    apr_array_header_t *threads;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    apr_table_t *args = NULL;
    const char *project = NULL, *pinned = NULL, *archived = NULL;
    apr_int64_t project_id = 0;
    int n = 0;

    ap_args_to_table(req->r, &args);
    /* filters: ?project_id=N, ?pinned=true|false, ?archived=true|false */
    if ((project = apr_table_get(args, "project_id"))
        && pl_text_int(project, 1, APR_INT64_MAX, &project_id) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                              "project_id must be a project id", "project_id");
    if (((pinned = apr_table_get(args, "pinned")) && strcmp(pinned, "true") && strcmp(pinned, "false"))
        || ((archived = apr_table_get(args, "archived")) && strcmp(archived, "true")
            && strcmp(archived, "false")))
        return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                              "pinned and archived must be true or false", pinned ? "pinned" : "archived");
    if ((rv = pl_threads_list(req->db, req->r->pool, req->caller.user->id, &threads)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    w = mp_reply_writer(req, 512 * (apr_size_t)(threads->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < threads->nelts; i++) {
        pl_thread_t *t = APR_ARRAY_IDX(threads, i, pl_thread_t *);
        if ((project && t->project_id != project_id)
            || (pinned && t->pinned != !strcmp(pinned, "true"))
            || (archived && t->archived != !strcmp(archived, "true")))
            continue;
        pl_jsonw_object(w, NULL);
        pl_thread_write(w, t);
        pl_jsonw_end(w);
        n++;
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", n);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_threads_get(mp_req_t *req)
{
    pl_thread_t *t;

    return load(req, &t) ? reply_thread(req, HTTP_OK, t) : OK;
}

int api_threads_patch(mp_req_t *req)
{
    pl_thread_t *t;
    apr_status_t rv;

    if (!load(req, &t) || !apply(req, t, 0))
        return OK;
    if ((rv = pl_threads_update(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return reply_thread(req, HTTP_OK, t);
}

int api_threads_delete(mp_req_t *req)
{
    pl_thread_t *t;
    apr_status_t rv;

    if (!load(req, &t))
        return OK;
    if ((rv = pl_threads_delete(req->db, req->r->pool, t->id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

int api_messages_list(mp_req_t *req)
{
    apr_array_header_t *branch;
    pl_thread_t *t;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!load(req, &t))
        return OK;
    if ((rv = pl_messages_branch(req->db, req->r->pool, t->id, t->leaf_id, &branch)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(branch->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < branch->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_message_write(w, APR_ARRAY_IDX(branch, i, pl_message_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", branch->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* One reply in the making, shared with the stream callbacks. */
typedef struct {
    mp_req_t *req;
    mp_sse_t *sse;                /* NULL: the client waits for one JSON reply */
    pl_message_t *reply;
    apr_pool_t *p;
    struct { char *buf; apr_size_t len, cap; } text, thinking, errbody;
    pl_chat_reader_t *reader;
    long status;                  /* the server's HTTP status */
    int started;                  /* a token (or thinking) arrived */
    const char *error_code, *error_message;
    const char *stop_key;
    apr_time_t next_stop_check;
    int stopped;
} turn_t;

static void append(apr_pool_t *p, char **buf, apr_size_t *len, apr_size_t *cap,
                   const char *s, apr_size_t n, apr_size_t max)
{
    if (*len + n > max)
        n = max - *len;
    if (*len + n + 1 > *cap) {
        apr_size_t c = *cap ? *cap * 2 : 1024;
        char *bigger;
        while (c < *len + n + 1)
            c *= 2;
        bigger = apr_palloc(p, c);
        if (*len)
            memcpy(bigger, *buf, *len);
        *buf = bigger;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

#define APPEND(turn, field, s, n, max) \
    append((turn)->p, &(turn)->field.buf, &(turn)->field.len, &(turn)->field.cap, (s), (n), (max))

static int send_text(turn_t *t, const char *event, const char *text)
{
    pl_jsonw_t *w;

    if (!t->sse)
        return 1;
    w = pl_jsonw_create(t->p, 64 + strlen(text));
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "text", text);
    pl_jsonw_end(w);
    return mp_sse_send(t->sse, event, pl_jsonw_text(w, NULL));
}

static int on_event(void *baton, const pl_chat_event_t *ev)
{
    turn_t *t = baton;

    switch (ev->type) {
    case PL_CHAT_TOKEN:
        t->started = 1;
        APPEND(t, text, ev->text, strlen(ev->text), 16 * 1024 * 1024);
        return !send_text(t, "token", ev->text);
    case PL_CHAT_THINKING:
        t->started = 1;
        APPEND(t, thinking, ev->text, strlen(ev->text), 16 * 1024 * 1024);
        return !send_text(t, "thinking", ev->text);
    case PL_CHAT_DONE:
        t->reply->prompt_tokens = ev->prompt_tokens;
        t->reply->completion_tokens = ev->completion_tokens;
        t->reply->total_ns = ev->total_ns;
        t->reply->eval_ns = ev->eval_ns;
        return 0;
    case PL_CHAT_ERROR:
        t->error_code = "upstream_error";
        t->error_message = apr_pstrdup(t->p, ev->text);
        return 1;
    }
    return 0;
}

static int on_data(void *baton, long status, const char *data, apr_size_t len)
{
    turn_t *t = baton;
    apr_status_t rv;

    t->status = status;
    if (status != HTTP_OK) {   /* an error reply before any stream: keep its message */
        APPEND(t, errbody, data, len, ERROR_BODY_MAX);
        return 0;
    }
    rv = pl_chat_reader_feed(t->reader, data, len);
    if (rv == PL_EUPSTREAM) {
        t->error_code = "upstream_error";
        t->error_message = "the model server sent something that is not NDJSON";
    }
    return rv != APR_SUCCESS;
}

/* About every 100 ms while the model runs: a client gone, a stop asked
 * for, or a silence long enough to need a heartbeat. */
static int on_poll(void *baton)
{
    turn_t *t = baton;
    apr_time_t now = apr_time_now();
    int ok;

    if (t->sse && mp_sse_client_gone(t->sse))
        return 1;
    if (now >= t->next_stop_check) {
        t->next_stop_check = now + STOP_CHECK;
        if (mp_shared_add(t->req->r, t->stop_key, 0, now + apr_time_from_sec(60), &ok) > 0)
            return t->stopped = 1;
    }
    if (t->sse && now - t->sse->last_write > HEARTBEAT)
        return !mp_sse_comment(t->sse, "keep-alive");
    return 0;
}

/* Asks one server; returns 1 when the turn is settled (answered, or failed
 * after the first token, or the client left), 0 to try the next server. */
static int ask(turn_t *t, const pl_server_t *s, const char *body)
{
    pl_http_req_t hr;
    pl_http_resp_t resp;
    pl_url_t url;
    const char *why;
    apr_status_t rv;

    t->status = 0;
    t->errbody.len = 0;
    t->error_code = t->error_message = NULL;
    if (s->kind != PL_SERVER_OLLAMA)
        return 0;
    if (pl_url_check(t->p, s->base_url, t->req->conf->model_allow, &url, &why) != APR_SUCCESS) {
        t->error_code = "upstream_unreachable";
        t->error_message = apr_pstrcat(t->p, "base_url ", why, NULL);
        return 0;
    }
    memset(&hr, 0, sizeof(hr));
    hr.method = "POST";
    hr.base = &url;
    hr.path = "/api/chat";
    hr.body = body;
    hr.bearer = s->api_key;
    hr.connect_timeout_ms = CONNECT_TIMEOUT_MS;
    hr.timeout_ms = STREAM_TIMEOUT_MS;
    hr.idle_timeout_s = IDLE_TIMEOUT_S;
    t->reader = pl_chat_reader_create(t->p, on_event, t);
    t->reply->server_id = s->id;
    rv = pl_http_stream(t->p, &hr, on_data, on_poll, t, &resp);
    if (t->stopped) {
        t->error_code = "stopped";
        t->error_message = "stopped on request";
        return 1;
    }
    if (t->sse && t->sse->gone) {
        t->error_code = "client_gone";
        t->error_message = "the client went away";
        return 1;
    }
    if (t->status && t->status != HTTP_OK) {
        const char *msg = pl_ollama_error(t->p, t->errbody.buf, t->errbody.len);
        t->error_code = t->status == HTTP_NOT_FOUND ? "model_not_found"
                      : t->status == HTTP_SERVICE_UNAVAILABLE ? "busy" : "upstream_error";
        t->error_message = msg ? msg : apr_psprintf(t->p, "the server answered %ld", t->status);
        return t->started;
    }
    if (rv == PL_EUPSTREAM) {
        t->error_code = resp.timed_out ? "upstream_timeout"
                      : resp.connected && t->status ? "upstream_closed" : "upstream_unreachable";
        t->error_message = resp.error;
        return t->started;
    }
    if (!t->error_code && !pl_chat_reader_done(t->reader)) {
        t->error_code = "upstream_closed";
        t->error_message = "the stream ended before the model was done";
    }
    return t->started || !t->error_code || !strcmp(t->error_code, "upstream_error");
}

static void write_done(pl_jsonw_t *w, const turn_t *t, const pl_message_t *user)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_object(w, "user_message");
    pl_message_write(w, user);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "message");
    pl_message_write(w, t->reply);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

/* The user's message, the reply to come and the thread's new leaf, in one
 * transaction: one commit, and never a reply without its question. */
static apr_status_t store_turn(mp_req_t *req, pl_thread_t *t, pl_message_t *user,
                               pl_message_t *reply, const char *content)
{
    apr_pool_t *p = req->r->pool;
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    if ((rv = pl_db_begin(req->db, p, &tx)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_messages_insert(req->db, p, user)) == APR_SUCCESS) {
        reply->parent_id = user->id;
        rv = pl_messages_insert(req->db, p, reply);
    }
    if (rv == APR_SUCCESS) {
        t->leaf_id = reply->id;
        if (!*t->title)
            t->title = apr_pstrndup(p, content, 80);
        rv = pl_threads_update(req->db, p, t);
    }
    end = pl_db_end(req->db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

int api_messages_post(mp_req_t *req)
{
    static const char *const known[] = { "content", "parent_id", "stream", "model", NULL };
    apr_pool_t *p = req->r->pool;
    pl_message_t *user = apr_pcalloc(p, sizeof(*user)), *parent;
    turn_t *turn = apr_pcalloc(p, sizeof(*turn));
    apr_array_header_t *servers, *branch;
    const char *content, *model, *body;
    pl_jsonw_t *w;
    pl_thread_t *t;
    apr_status_t rv;
    int i, stream = 1, settled = 0;

    if (!mp_request_only_fields(req, known) || !load(req, &t))
        return OK;
    content = pl_json_get_str(req->body, "content");
    if (!content || !*content || pl_text_utf8_chars(content) > CONTENT_MAX_CHARS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                              "content must be a string of 1 to 100000 characters", "content");
    if (pl_json_type_of(req->body, "stream") != PL_JSON_ABSENT) {
        if (pl_json_type_of(req->body, "stream") != PL_JSON_BOOL)
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "stream must be true or false", "stream");
        stream = pl_json_is_true(req->body, "stream");
    }
    model = pl_json_get_str(req->body, "model");
    if (!model)
        model = t->model;
    if (!model || !*model || strlen(model) > 255)
        return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                              "no model: give one here or on the thread", "model");
    user->parent_id = t->leaf_id;
    if (pl_json_type_of(req->body, "parent_id") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(req->body, "parent_id", &user->parent_id) || user->parent_id < 0)
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "parent_id must be a message id of this thread", "parent_id");
        if (user->parent_id
            && pl_messages_get(req->db, p, t->id, user->parent_id, &parent) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "parent_id must be a message id of this thread", "parent_id");
    }
    if ((rv = pl_servers_list(req->db, p, 1, &servers)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    if (!take_slot(req))
        return OK;
    turn->stop_key = stop_key(p, t->id);
    {
        int ok;   /* a stop asked for before this turn is not for it */
        mp_shared_add(req->r, turn->stop_key, -1000000, apr_time_now() + apr_time_from_sec(60), &ok);
    }

    /* Stored first: whatever happens upstream, the user's words are kept. */
    user->thread_id = t->id;
    user->role = "user";
    user->content = content;
    user->state = "complete";
    turn->reply = apr_pcalloc(p, sizeof(*turn->reply));
    turn->reply->thread_id = t->id;
    turn->reply->role = "assistant";
    turn->reply->content = "";
    turn->reply->state = "streaming";
    turn->reply->model = model;
    if ((rv = store_turn(req, t, user, turn->reply, content)) != APR_SUCCESS
        || (rv = pl_messages_branch(req->db, p, t->id, user->id, &branch)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    body = pl_chat_request(p, t, model, branch, 1);

    turn->req = req;
    turn->p = p;
    if (stream) {
        turn->sse = mp_sse_open(req->r);
        w = pl_jsonw_create(p, 256);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "thread_id", t->id);
        pl_jsonw_int(w, "user_message_id", user->id);
        pl_jsonw_int(w, "message_id", turn->reply->id);
        pl_jsonw_str(w, "model", model);
        pl_jsonw_end(w);
        mp_sse_send(turn->sse, "start", pl_jsonw_text(w, NULL));
    }
    turn->error_code = "model_not_found";
    turn->error_message = "no enabled Ollama server is configured";
    for (i = 0; i < servers->nelts && !settled; i++)
        settled = ask(turn, APR_ARRAY_IDX(servers, i, pl_server_t *), body);

    turn->reply->content = turn->text.buf ? turn->text.buf : "";
    turn->reply->thinking = turn->thinking.buf;
    turn->reply->state = turn->error_code ? "incomplete" : "complete";
    turn->reply->error_code = turn->error_code;
    if ((rv = pl_messages_finish(req->db, p, turn->reply)) != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r,
                      "PLN00601: could not store reply %" APR_INT64_T_FMT " of thread %"
                      APR_INT64_T_FMT, turn->reply->id, t->id);
    if (turn->error_code && strcmp(turn->error_code, "client_gone"))
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                      "PLN00602: reply %" APR_INT64_T_FMT " incomplete: %s (%s)", turn->reply->id,
                      turn->error_code, turn->error_message ? turn->error_message : "-");
    w = pl_jsonw_create(p, 1024 + turn->text.len + turn->thinking.len);
    if (stream) {
        if (turn->error_code) {
            pl_jsonw_object(w, NULL);
            pl_jsonw_str(w, "code", turn->error_code);
            pl_jsonw_str(w, "message", turn->error_message);
            pl_jsonw_int(w, "message_id", turn->reply->id);
            pl_jsonw_end(w);
            mp_sse_send(turn->sse, "error", pl_jsonw_text(w, NULL));
        }
        else {
            pl_jsonw_object(w, NULL);
            pl_message_write(w, turn->reply);
            pl_jsonw_end(w);
            mp_sse_send(turn->sse, "done", pl_jsonw_text(w, NULL));
        }
        return OK;
    }
    if (!turn->error_code) {
        write_done(w, turn, user);
        return mp_reply_json(req, HTTP_CREATED, w);
    }
    /* Both messages are stored; the error says where, and why the model failed. */
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "user_message_id", user->id);
    pl_jsonw_int(w, "message_id", turn->reply->id);
    pl_jsonw_str(w, "state", "incomplete");
    pl_jsonw_end(w);
    return mp_reply_error_details(req, !strcmp(turn->error_code, "model_not_found") ? HTTP_NOT_FOUND
                                  : !strcmp(turn->error_code, "busy") ? HTTP_SERVICE_UNAVAILABLE
                                  : !strcmp(turn->error_code, "upstream_timeout") ? HTTP_GATEWAY_TIME_OUT
                                  : HTTP_BAD_GATEWAY, turn->error_code, turn->error_message,
                                  pl_jsonw_text(w, NULL));
}

/* Stops the reply being generated in the thread, wherever it runs. */
int api_threads_stop(mp_req_t *req)
{
    pl_thread_t *t;
    int ok;

    if (!load(req, &t))
        return OK;
    mp_shared_add(req->r, stop_key(req->r->pool, t->id), 1, apr_time_now() + apr_time_from_sec(60),
                  &ok);
    if (!ok)
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, "UNAVAILABLE",
                              "the stop could not be passed on; retry", NULL);
    return mp_reply_empty(req, HTTP_ACCEPTED);
}
