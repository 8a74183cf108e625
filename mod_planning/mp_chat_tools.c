/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "mp_chat_tools.h"
#include "mp_dbd.h"
#include "mp_ratelimit.h"
#include "mp_tools.h"
#include "chat/pl_chat_tools.h"
#include "chat/pl_messages.h"
#include "chat/pl_ollama.h"
#include "core/pl_errors.h"
#include "core/pl_http.h"
#include "core/pl_status.h"

#define SHOW_TIMEOUT_MS 5000
#define SHOW_MAX        (1024 * 1024)
#define CONFIRM_POLL    apr_time_from_msec(200)
#define NAME_MAX_BYTES  64        /* tool_name and tool_call_id as stored */

struct mp_chat_tools_t {
    mp_req_t *req;
    const char *model;
    apr_array_header_t *offered;  /* const pl_tool_t * */
    const char *json;
    apr_time_t deadline;
};

/* Whether model takes tools, from the first server in order that knows it:
 * Ollama's /api/show capabilities; an OpenAI-kind server says nothing of
 * the kind and is taken at its word. */
static int model_takes_tools(mp_req_t *req, const char *model, const apr_array_header_t *servers,
                             apr_int64_t preferred)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *order = mp_chat_order(req, servers, preferred), *caps;
    int i, j;

    for (i = 0; i < order->nelts; i++) {
        const pl_server_t *s = APR_ARRAY_IDX(order, i, const pl_server_t *);
        pl_http_req_t hr;
        pl_http_resp_t resp;
        pl_jsonw_t *w;
        pl_json_t *show;
        pl_url_t url;
        const char *why;

        if (s->kind == PL_SERVER_OPENAI)
            return 1;
        if (pl_url_check(p, s->base_url, req->conf->model_allow, &url, &why) != APR_SUCCESS)
            continue;
        w = pl_jsonw_create(p, 128);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "model", model);
        pl_jsonw_end(w);
        memset(&hr, 0, sizeof(hr));
        hr.method = "POST";
        hr.base = &url;
        hr.path = "/api/show";
        hr.body = pl_jsonw_text(w, NULL);
        hr.bearer = s->api_key;
        hr.connect_timeout_ms = SHOW_TIMEOUT_MS;
        hr.timeout_ms = SHOW_TIMEOUT_MS;
        hr.max_response = SHOW_MAX;
        if (pl_http_do(p, &hr, &resp) != APR_SUCCESS || resp.status != 200
            || pl_json_parse(&show, p, resp.body, resp.len, 16, &why) != APR_SUCCESS)
            continue;   /* not this server's model: the next may have it */
        if (!pl_json_get_strings(show, "capabilities", p, &caps))
            return 0;
        for (j = 0; j < caps->nelts; j++)
            if (!strcmp(APR_ARRAY_IDX(caps, j, const char *), "tools"))
                return 1;
        return 0;
    }
    return 0;
}

mp_chat_tools_t *mp_chat_tools_offer(mp_req_t *req, const pl_thread_t *t, const char *model,
                                     const apr_array_header_t *servers, apr_int64_t preferred)
{
    apr_pool_t *p = req->r->pool;
    mp_chat_tools_t *ct;
    pl_tools_result_t res;
    pl_tools_ctx_t ctx;
    apr_int64_t id;

    if (!t->project_id)
        return NULL;
    ct = apr_pcalloc(p, sizeof(*ct));
    mp_tools_ctx(req, p, t->project_id, &ctx);
    /* the caller's role in the project: a viewer there is offered the reads only */
    if (!pl_tools_project(&ctx, NULL, PL_ROLE_VIEWER, &id, &ctx.role, &res))
        return NULL;
    ct->offered = pl_tools_list(p, &ctx, req->conf->tool_writes != MP_TOOL_WRITES_DENY
                                         && ctx.role >= PL_ROLE_DEVELOPER);
    if (!ct->offered->nelts || !model_takes_tools(req, model, servers, preferred))
        return NULL;
    ct->req = req;
    ct->model = model;
    ct->json = pl_chat_tools_json(p, ct->offered);
    return ct;
}

const char *mp_chat_tools_json(const mp_chat_tools_t *ct)
{
    return ct->json;
}

const char *mp_chat_tools_wait_key(apr_pool_t *p, apr_int64_t message_id, int index)
{
    return apr_psprintf(p, "tconfw:m%" APR_INT64_T_FMT ":%d", message_id, index);
}

const char *mp_chat_tools_answer_key(apr_pool_t *p, apr_int64_t message_id, int index)
{
    return apr_psprintf(p, "tconfa:m%" APR_INT64_T_FMT ":%d", message_id, index);
}

/* Inserts m as the thread's new leaf, in one transaction. */
static apr_status_t add_to_thread(mp_req_t *req, pl_thread_t *t, pl_message_t *m)
{
    apr_pool_t *p = req->r->pool;
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    if (!mp_dbd_acquire(req))
        return PL_EUNAVAILABLE;
    if ((rv = pl_db_begin(req->db, p, &tx)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_messages_insert(req->db, p, m)) == APR_SUCCESS) {
        t->leaf_id = m->id;
        rv = pl_threads_update(req->db, p, t);
    }
    end = pl_db_end(req->db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

static int stop_asked(mp_chat_t *turn)
{
    return turn->stop_key && mp_shared_get(turn->req->r, turn->stop_key) > 0;
}

static void send_event(mp_chat_t *turn, const char *event, pl_jsonw_t *w)
{
    if (turn->sse && !turn->sse->gone)
        mp_sse_send(turn->sse, event, pl_jsonw_text(w, NULL));
}

/* The arguments as JSON text: the object (re-serialized: ours), or the
 * text as a JSON string when it is none. */
static const char *args_value(apr_pool_t *p, const char *text)
{
    pl_json_t *j;
    pl_jsonw_t *w;
    const char *err;

    if (text && pl_json_parse(&j, p, text, strlen(text), 16, &err) == APR_SUCCESS
        && pl_json_type(j) == PL_JSON_OBJECT)
        return pl_json_dump(p, j, NULL);
    w = pl_jsonw_create(p, 64 + (text ? strlen(text) : 0));
    pl_jsonw_str(w, NULL, text ? text : "");
    return pl_jsonw_text(w, NULL);
}

static void write_args(pl_jsonw_t *w, apr_pool_t *p, const char *key, const char *text)
{
    pl_jsonw_raw(w, key, args_value(p, text));
}

/* The data of a tool_call or confirm event, its object left open. */
static pl_jsonw_t *call_event(apr_pool_t *p, const mp_chat_t *turn, const pl_chat_call_t *call)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 512);

    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "message_id", turn->reply->id);
    pl_jsonw_str(w, "call_id", call->id);
    pl_jsonw_str(w, "name", call->name);
    write_args(w, p, "arguments", call->arguments);
    return w;
}

static const char *capped(apr_pool_t *p, const char *s)
{
    return s && strlen(s) > NAME_MAX_BYTES ? apr_pstrndup(p, s, NAME_MAX_BYTES) : s;
}

/* Waits for the user to approve call index of reply: 1 approved, 0
 * rejected (or no answer in time), -1 stopped. */
static int confirmed(mp_chat_tools_t *ct, mp_chat_t *turn, const pl_chat_call_t *call, int index)
{
    mp_req_t *req = ct->req;
    apr_pool_t *p = req->r->pool;
    const char *wait = mp_chat_tools_wait_key(p, turn->reply->id, index);
    const char *answer = mp_chat_tools_answer_key(p, turn->reply->id, index);
    apr_time_t until = apr_time_now() + apr_time_from_sec(req->conf->tool_confirm);
    pl_jsonw_t *w;
    apr_int32_t a;
    int ok;

    if (ct->deadline && until > ct->deadline)
        until = ct->deadline;
    mp_shared_add(req->r, answer, -mp_shared_get(req->r, answer), until + apr_time_from_sec(5), &ok);
    mp_shared_add(req->r, wait, 1, until, &ok);
    w = call_event(p, turn, call);
    pl_jsonw_int(w, "timeout", (apr_int64_t)apr_time_sec(until - apr_time_now()));
    pl_jsonw_end(w);
    send_event(turn, "confirm", w);
    mp_dbd_release(req);   /* none held while the user decides */
    for (a = 0; !a && apr_time_now() < until; ) {
        if (stop_asked(turn)) {
            mp_shared_add(req->r, wait, -1, until, &ok);
            return -1;
        }
        apr_sleep(CONFIRM_POLL);
        a = mp_shared_get(req->r, answer);
        mp_chat_slot_renew(req);
        if (turn->sse && !turn->sse->gone)
            mp_sse_heartbeat(turn->sse, apr_time_from_sec(req->conf->sse_heartbeat));
    }
    mp_shared_add(req->r, wait, -1, until, &ok);
    return a == MP_CHAT_TOOLS_APPROVE;
}

/* Runs call index of the reply (or refuses it) and stores its result
 * under parent; NULL when stopped or the result could not be stored (the
 * turn's error says which). */
static pl_message_t *run_call(mp_chat_tools_t *ct, mp_chat_t *turn, pl_thread_t *t,
                              const pl_chat_call_t *call, int index, apr_int64_t parent)
{
    mp_req_t *req = ct->req;
    apr_pool_t *p = req->r->pool, *cp;
    const pl_tool_t *tool = pl_tools_find(call->name);
    pl_message_t *m = apr_pcalloc(p, sizeof(*m));
    pl_tools_result_t res;
    pl_tools_ctx_t ctx;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i, offered = 0, verdict;

    w = call_event(p, turn, call);
    pl_jsonw_end(w);
    send_event(turn, "tool_call", w);
    for (i = 0; tool && i < ct->offered->nelts; i++)
        offered |= APR_ARRAY_IDX(ct->offered, i, const pl_tool_t *) == tool;
    memset(&res, 0, sizeof(res));
    apr_pool_create(&cp, p);
    if (tool && tool->writes && req->conf->tool_writes == MP_TOOL_WRITES_DENY)
        pl_tools_fail(&res, p, PL_ERR_TOOL_FORBIDDEN, "this server does not let a chat's tools"
                      " write (PlanningToolWrites deny): tell the user what to change instead");
    else if (tool && tool->writes && offered && req->conf->tool_writes == MP_TOOL_WRITES_CONFIRM
             && (verdict = confirmed(ct, turn, call, index)) != 1) {
        if (verdict < 0) {
            turn->error_code = PL_ERR_STOPPED;
            turn->error_message = "stopped on request";
            return NULL;
        }
        pl_tools_fail(&res, p, PL_ERR_TOOL_REJECTED, "the user did not approve this change:"
                      " nothing was written");
    }
    if (!res.text) {
        if (!mp_dbd_acquire(req)) {
            pl_tools_fail(&res, p, PL_ERR_DATABASE_UNAVAILABLE, "the database cannot be reached");
        }
        else {
            mp_tools_ctx(req, cp, t->project_id, &ctx);
            pl_tools_call(&ctx, call->name, call->arguments, strlen(call->arguments), &res);
            res.text = apr_pstrmemdup(p, res.text, res.len);
        }
    }
    apr_pool_destroy(cp);
    m->thread_id = t->id;
    m->parent_id = parent;
    m->role = "tool";
    m->content = res.text;
    m->state = "complete";
    m->error_code = res.error ? res.code : NULL;
    m->tool_name = capped(p, *call->name ? call->name : "(none)");
    m->tool_call_id = capped(p, call->id);
    m->tool_arguments = args_value(p, call->arguments);
    if ((rv = add_to_thread(req, t, m)) != APR_SUCCESS) {
        turn->error_code = PL_ERR_STORAGE_FAILED;
        turn->error_message = "a tool's result could not be stored";
        return NULL;
    }
    w = pl_jsonw_create(p, res.len + 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "message_id", m->id);
    pl_jsonw_int(w, "parent_id", parent);
    pl_jsonw_str(w, "call_id", call->id);
    pl_jsonw_str(w, "name", call->name);
    pl_jsonw_bool(w, "error", res.error);
    pl_jsonw_str(w, "code", res.code);
    pl_jsonw_raw(w, "result", res.text);   /* a JSON object of pl_tools: ours */
    pl_jsonw_end(w);
    send_event(turn, "tool_result", w);
    return m;
}

/* A fresh reply under parent, stored and announced, with the turn reset. */
static int next_reply(mp_chat_tools_t *ct, mp_chat_t *turn, pl_thread_t *t,
                      const pl_thread_t *asked, apr_int64_t parent)
{
    mp_req_t *req = ct->req;
    apr_pool_t *p = req->r->pool;
    pl_message_t *reply = apr_pcalloc(p, sizeof(*reply));
    apr_array_header_t *branch;
    pl_jsonw_t *w;

    reply->thread_id = t->id;
    reply->parent_id = parent;
    reply->role = "assistant";
    reply->content = "";
    reply->state = "streaming";
    reply->model = ct->model;
    if (add_to_thread(req, t, reply) != APR_SUCCESS
        || pl_messages_branch(req->db, p, t->id, parent, &branch) != APR_SUCCESS) {
        turn->error_code = PL_ERR_STORAGE_FAILED;
        turn->error_message = "the next reply could not be stored";
        return 0;
    }
    turn->reply = reply;
    turn->body = pl_chat_request_tools(p, asked, ct->model, branch, 1, ct->json);
    memset(&turn->text, 0, sizeof(turn->text));
    memset(&turn->thinking, 0, sizeof(turn->thinking));
    turn->error_code = turn->error_message = NULL;
    turn->calls = NULL;
    turn->started = 0;
    turn->readers_key = NULL;
    turn->readers = 0;
    turn->saved_len = 0;
    turn->next_save = 0;
    turn->lease_due = 0;
    w = pl_jsonw_create(p, 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "thread_id", t->id);
    pl_jsonw_int(w, "message_id", reply->id);
    pl_jsonw_int(w, "parent_id", parent);
    pl_jsonw_str(w, "model", ct->model);
    pl_jsonw_end(w);
    send_event(turn, "start", w);
    return 1;
}

void mp_chat_tools_loop(mp_chat_tools_t *ct, mp_chat_t *turn, pl_thread_t *t,
                        const pl_thread_t *asked, const apr_array_header_t *servers)
{
    mp_req_t *req = ct->req;
    apr_pool_t *p = req->r->pool;
    apr_int64_t parent;
    int rounds = 0, i;

    ct->deadline = turn->deadline;
    while (turn->calls && turn->calls->nelts && !turn->error_code) {
        turn->reply->tool_calls = pl_chat_calls_json(p, turn->calls);
        if (++rounds > req->conf->tool_rounds) {
            turn->error_code = PL_ERR_TOOL_LIMIT;
            turn->error_message = apr_psprintf(p, "the model called tools in more than %d rounds"
                                               " (PlanningToolMaxRounds): its last calls were"
                                               " not run", req->conf->tool_rounds);
            break;
        }
        turn->reply->state = "complete";
        if (!mp_chat_store(turn))
            return;
        parent = turn->reply->id;
        for (i = 0; i < turn->calls->nelts; i++) {
            pl_message_t *m = run_call(ct, turn, t, &APR_ARRAY_IDX(turn->calls, i, pl_chat_call_t),
                                       i, parent);
            if (!m)
                break;
            parent = m->id;
        }
        if (turn->error_code && strcmp(turn->error_code, PL_ERR_STOPPED))
            return;   /* storage failed: the last reply is stored, the client is told */
        if (!next_reply(ct, turn, t, asked, parent))
            return;
        if (stop_asked(turn) || (turn->error_code && !strcmp(turn->error_code, PL_ERR_STOPPED))) {
            turn->error_code = PL_ERR_STOPPED;
            turn->error_message = "stopped on request";
            break;
        }
        if (apr_time_now() >= ct->deadline) {
            turn->error_code = PL_ERR_TOOL_LIMIT;
            turn->error_message = "the tool loop ran past PlanningToolTimeout";
            break;
        }
        mp_chat_run(turn, servers);
    }
    /* the reply's fields as mp_chat_run leaves them, for mp_chat_store */
    turn->reply->content = turn->text.buf ? turn->text.buf : "";
    turn->reply->thinking = turn->thinking.buf;
    turn->reply->state = turn->error_code ? "incomplete" : "complete";
    turn->reply->error_code = turn->error_code;
}
