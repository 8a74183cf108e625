/* SPDX-License-Identifier: Apache-2.0 */
/* POST /threads/{thread}/messages/{message}/confirm {"call_id","approve"}:
 * the user's answer to a "confirm" event (PlanningToolWrites confirm) for
 * a write tool the model called in reply {message}. The reply's stream
 * waits in whatever process runs it; the answer goes through the shared
 * store, so it may come from any connection (a resumed stream, another
 * tab). 409 when no confirmation of that call is awaited (answered
 * already, timed out, or never asked). */
#include <apr_strings.h>

#include "api.h"
#include "api_threads.h"
#include "mp_chat_tools.h"
#include "mp_ratelimit.h"
#include "chat/pl_messages.h"
#include "core/pl_errors.h"

#define ANSWER_LIFETIME apr_time_from_sec(60)

/* The index of call_id among the reply's tool calls, or -1. */
static int call_index(apr_pool_t *p, const pl_message_t *m, const char *call_id)
{
    pl_json_t *calls;
    const char *err;
    apr_size_t i, n;

    if (!m->tool_calls || pl_json_parse(&calls, p, m->tool_calls, strlen(m->tool_calls), 20, &err)
                          != APR_SUCCESS)
        return -1;
    n = pl_json_array_size(calls);
    for (i = 0; i < n; i++) {
        const char *id = pl_json_get_str(pl_json_array_get(p, calls, i), "id");
        if (id && !strcmp(id, call_id))
            return (int)i;
    }
    return -1;
}

int api_messages_confirm(mp_req_t *req)
{
    static const char *const FIELDS[] = { "call_id", "approve", NULL };
    apr_pool_t *p = req->r->pool;
    const char *call_id;
    pl_thread_t *t;
    pl_message_t *m;
    apr_int64_t id;
    apr_status_t rv;
    pl_jsonw_t *w;
    int index, approve, ok;

    if (!mp_request_only_fields(req, FIELDS))
        return OK;
    if (!(call_id = pl_json_get_str(req->body, "call_id")) || !*call_id)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "call_id is required: the call_id of the confirm event", "call_id");
    if (pl_json_type_of(req->body, "approve") != PL_JSON_BOOL)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "approve must be true or false", "approve");
    approve = pl_json_is_true(req->body, "approve");
    if (!api_threads_load(req, &t) || !mp_request_param_id(req, "message", "message", &id))
        return OK;
    if ((rv = pl_messages_get(req->db, p, t->id, id, &m)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    if ((index = call_index(p, m, call_id)) < 0)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              "the message made no tool call with that call_id", "call_id");
    if (mp_shared_get(req->r, mp_chat_tools_wait_key(p, id, index)) <= 0)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT, "no confirmation of that call"
                              " is awaited: it was answered, timed out or never asked", "call_id");
    mp_shared_add(req->r, mp_chat_tools_answer_key(p, id, index),
                  approve ? MP_CHAT_TOOLS_APPROVE : MP_CHAT_TOOLS_REJECT,
                  apr_time_now() + ANSWER_LIFETIME, &ok);
    if (!ok)
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_UNAVAILABLE,
                              "the answer could not be passed on; retry", NULL);
    w = mp_reply_writer(req, 128);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "call_id", call_id);
    pl_jsonw_bool(w, "approved", approve);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
