/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/threads/{id}/messages: the branch a thread shows, and a new
 * message answered by a model. The user's message and a "streaming" reply
 * are stored before the model is asked, so nothing typed is lost; the reply
 * ends "complete" or, on any failure, "incomplete" with what arrived and why. */
#include <apr_strings.h>

#include "api.h"
#include "api_threads.h"
#include "mp_chat.h"
#include "pl_chat.h"
#include "pl_status.h"
#include "pl_text.h"

#define CONTENT_MAX_CHARS 100000

int api_messages_list(mp_req_t *req)
{
    apr_array_header_t *branch;
    pl_thread_t *t;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!api_threads_load(req, &t))
        return OK;
    if ((rv = pl_messages_branch(req->db, req->r->pool, t->id, t->leaf_id, &branch)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(branch->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < branch->nelts; i++) {
        mp_chat_settle(req, req->r->pool, APR_ARRAY_IDX(branch, i, pl_message_t *));
        pl_jsonw_object(w, NULL);
        pl_message_write(w, APR_ARRAY_IDX(branch, i, pl_message_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", branch->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

static void write_done(pl_jsonw_t *w, const mp_chat_t *t, const pl_message_t *user)
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
    mp_chat_t *turn = apr_pcalloc(p, sizeof(*turn));
    apr_array_header_t *servers, *branch;
    const char *content, *model;
    pl_jsonw_t *w;
    pl_thread_t *t;
    apr_status_t rv;
    int stream = 1;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t))
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
    if (!mp_chat_take_slot(req))
        return OK;
    turn->stop_key = mp_chat_stop_key(p, t->id);
    mp_chat_stop_clear(req, turn->stop_key);

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
    turn->body = pl_chat_request(p, t, model, branch, 1);

    turn->req = req;
    turn->p = p;
    if (stream) {
        turn->sse = mp_sse_open_reply(req->r);
        w = pl_jsonw_create(p, 256);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "thread_id", t->id);
        pl_jsonw_int(w, "user_message_id", user->id);
        pl_jsonw_int(w, "message_id", turn->reply->id);
        pl_jsonw_str(w, "model", model);
        pl_jsonw_end(w);
        mp_sse_send(turn->sse, "start", pl_jsonw_text(w, NULL));
    }
    mp_chat_run(turn, servers);

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
    return mp_reply_error_details(req, mp_chat_http_status(turn->error_code), turn->error_code,
                                  turn->error_message, pl_jsonw_text(w, NULL));
}

/* Stops the reply being generated in the thread, wherever it runs. */
int api_threads_stop(mp_req_t *req)
{
    pl_thread_t *t;

    if (!api_threads_load(req, &t))
        return OK;
    if (!mp_chat_stop_request(req, mp_chat_stop_key(req->r->pool, t->id)))
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, "UNAVAILABLE",
                              "the stop could not be passed on; retry", NULL);
    return mp_reply_empty(req, HTTP_ACCEPTED);
}
