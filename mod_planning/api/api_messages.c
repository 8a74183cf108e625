/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/threads/{id}/messages: the branch a thread shows (or its whole
 * tree), a new message answered by a model, a reply asked for again, a
 * question edited and asked again, a branch switched to, a message deleted
 * with what hangs below it.
 *
 * Every answer takes one path: the user's message (new, or the one already
 * there) and a "streaming" reply are stored before the model is asked, so
 * nothing typed is lost; the reply ends "complete" or, on any failure,
 * "incomplete" with what arrived and why. */
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "api.h"
#include "api_threads.h"
#include "mp_chat.h"
#include "mp_chat_tools.h"
#include "mp_dbd.h"
#include "chat/pl_chat.h"
#include "chat/pl_chat_defaults.h"
#include "chat/pl_chat_title.h"
#include "chat/pl_prompt_render.h"
#include "projects/pl_store_projects.h"
#include "core/pl_http.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define CONTENT_MAX_CHARS 100000
#define TITLE_CONNECT_MS 5000
#define TITLE_TIMEOUT_MS 30000
#define TITLE_RESPONSE_MAX (64 * 1024)

/* ---------------------------------------------------------------- reading */

static void write_ids(pl_jsonw_t *w, const char *key, const apr_array_header_t *ids)
{
    int i;

    pl_jsonw_array(w, key);
    for (i = 0; i < ids->nelts; i++)
        pl_jsonw_int(w, NULL, APR_ARRAY_IDX(ids, i, apr_int64_t));
    pl_jsonw_end(w);
}

/* The branch, each message with its siblings (itself among them, oldest
 * first) and its place there, so a client can offer "2 / 3". */
static int reply_branch(mp_req_t *req, const pl_thread_t *t)
{
    apr_array_header_t *branch;
    pl_msgtree_t *tree;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i, j;

    if ((rv = pl_messages_branch(req->db, req->r->pool, t->id, t->leaf_id, &branch)) != APR_SUCCESS
        || (rv = pl_msgtree_load(req->db, req->r->pool, t->id, &tree)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(branch->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < branch->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(branch, i, pl_message_t *);
        const apr_array_header_t *siblings = pl_msgtree_children(tree, m->parent_id);

        mp_chat_settle(req, req->r->pool, m);
        pl_jsonw_object(w, NULL);
        pl_message_write(w, m);
        write_ids(w, "sibling_ids", siblings);
        for (j = 0; j < siblings->nelts && APR_ARRAY_IDX(siblings, j, apr_int64_t) != m->id; j++)
            ;
        pl_jsonw_int(w, "sibling_index", j);
        pl_jsonw_int(w, "sibling_count", siblings->nelts);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", branch->nelts);
    pl_jsonw_id(w, "leaf_id", t->leaf_id);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* Every message with its parent and children, and the roots. */
static int reply_tree(mp_req_t *req, const pl_thread_t *t)
{
    apr_array_header_t *all;
    pl_msgtree_t *tree;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if ((rv = pl_messages_all(req->db, req->r->pool, t->id, &all)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    tree = pl_msgtree_make(req->r->pool, all);
    w = mp_reply_writer(req, 1024 * (apr_size_t)(all->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < all->nelts; i++) {
        const pl_message_t *m = APR_ARRAY_IDX(all, i, const pl_message_t *);
        pl_jsonw_object(w, NULL);
        pl_message_write(w, m);
        write_ids(w, "children", pl_msgtree_children(tree, m->id));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", all->nelts);
    write_ids(w, "root_ids", pl_msgtree_children(tree, 0));
    pl_jsonw_id(w, "leaf_id", t->leaf_id);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* GET /threads/{id}/messages[?view=branch|tree] */
int api_messages_list(mp_req_t *req)
{
    apr_table_t *args = NULL;
    const char *view;
    pl_thread_t *t;

    if (!api_threads_load(req, &t))
        return OK;
    ap_args_to_table(req->r, &args);
    view = apr_table_get(args, "view");
    if (!view || !strcmp(view, "branch"))
        return reply_branch(req, t);
    if (!strcmp(view, "tree"))
        return reply_tree(req, t);
    return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                          "view must be \"branch\" or \"tree\"", "view");
}

/* The message {message} of the thread; 0 after a 404. */
static int load_message(mp_req_t *req, const pl_thread_t *t, pl_message_t **m)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "message", "message", &id))
        return 0;
    if ((rv = pl_messages_get(req->db, req->r->pool, t->id, id, m)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "message");
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- answering */

/* The caller's settings; none when they cannot be read (a chat goes on
 * without them, the way it did before they existed). */
static const pl_settings_t *settings_of(mp_req_t *req)
{
    pl_settings_t *s;

    if (pl_settings_load(req->db, req->r->pool, req->caller.user->id, &s) != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r, "PLN01101: the settings of user %"
                      APR_INT64_T_FMT " could not be read; the chat goes on without them",
                      req->caller.user->id);
    return s;
}

/* The body's "stream" (default true) and "model" (default the thread's,
 * then fallback). Returns 1, or 0 after a 400. */
static int turn_options(mp_req_t *req, const pl_thread_t *t, const char *fallback, int *stream,
                        const char **model)
{
    *stream = 1;
    if (pl_json_type_of(req->body, "stream") != PL_JSON_ABSENT) {
        if (pl_json_type_of(req->body, "stream") != PL_JSON_BOOL) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, "stream must be true or false",
                           "stream");
            return 0;
        }
        *stream = pl_json_is_true(req->body, "stream");
    }
    if (pl_json_type_of(req->body, "model") != PL_JSON_ABSENT
        && pl_json_type_of(req->body, "model") != PL_JSON_STRING) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, "model must be a string", "model");
        return 0;
    }
    if (!(*model = pl_json_get_str(req->body, "model")))
        *model = t->model ? t->model : fallback;
    if (!*model && !(*model = settings_of(req)->model)) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "no model: give one here, on the thread or in your settings", "model");
        return 0;
    }
    if (!**model || strlen(*model) > 255) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "model must be a name of 1 to 255 bytes", "model");
        return 0;
    }
    return 1;
}

/* The body's "content": 1 to 100000 characters. Returns 1, or 0 after a 400. */
static int read_content(mp_req_t *req, const char **content)
{
    *content = pl_json_get_str(req->body, "content");
    if (*content && **content && pl_text_utf8_chars(*content) <= CONTENT_MAX_CHARS)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   "content must be a string of 1 to 100000 characters", "content");
    return 0;
}

/* The user's message (unless stored already), the reply to come and the
 * thread's new leaf, in one transaction: one commit, and never a reply
 * without its question. */
static apr_status_t store_turn(mp_req_t *req, pl_thread_t *t, pl_message_t *user,
                               pl_message_t *reply)
{
    apr_pool_t *p = req->r->pool;
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv = APR_SUCCESS, end;

    if ((rv = pl_db_begin(req->db, p, &tx)) != APR_SUCCESS)
        return rv;
    if (!user->id)
        rv = pl_messages_insert(req->db, p, user);
    if (rv == APR_SUCCESS) {
        reply->parent_id = user->id;
        rv = pl_messages_insert(req->db, p, reply);
    }
    if (rv == APR_SUCCESS) {
        t->leaf_id = reply->id;
        if (!*t->title)
            t->title = pl_chat_title_fallback(p, user->content);
        rv = pl_threads_update(req->db, p, t);
    }
    end = pl_db_end(req->db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

/* The enabled server the user's settings name (by name, or by id), 0: none. */
static apr_int64_t settings_server(mp_req_t *req, const apr_array_header_t *servers)
{
    const char *want = settings_of(req)->server;
    apr_int64_t id = 0;
    int i;

    if (!want)
        return 0;
    if (pl_text_int(want, 1, APR_INT64_MAX, &id) != APR_SUCCESS)
        id = 0;
    for (i = 0; i < servers->nelts; i++) {
        const pl_server_t *s = APR_ARRAY_IDX(servers, i, const pl_server_t *);
        if (!strcmp(s->name, want) || s->id == id)
            return s->id;
    }
    return 0;
}

/* The enabled servers, and the one to ask first (0: none): the thread's
 * project's, else the user's. */
apr_status_t api_threads_servers(mp_req_t *req, const pl_thread_t *t, apr_array_header_t **servers,
                               apr_int64_t *preferred)
{
    pl_chat_defaults_t *d;
    apr_status_t rv;

    *preferred = 0;
    if ((rv = pl_servers_list(req->db, req->r->pool, 1, servers)) != APR_SUCCESS)
        return rv;
    if (t->project_id
        && (rv = pl_chat_defaults_get(req->db, req->r->pool, t->project_id, &d)) != APR_SUCCESS)
        return rv;
    if (t->project_id)
        *preferred = d->server_id;
    if (!*preferred)
        *preferred = settings_server(req, *servers);
    return APR_SUCCESS;
}

/* Asks the server and model that answered for a title of the first
 * exchange, in a request of its own; NULL when none came. */
static const char *ask_title(mp_req_t *req, const apr_array_header_t *servers,
                             const pl_message_t *user, const pl_message_t *reply)
{
    apr_pool_t *p = req->r->pool;
    const pl_server_t *s = NULL;
    pl_http_req_t hr;
    pl_http_resp_t resp;
    pl_url_t url;
    const char *why, *title = NULL;
    int i;

    for (i = 0; i < servers->nelts && !s; i++)
        if (APR_ARRAY_IDX(servers, i, pl_server_t *)->id == reply->server_id)
            s = APR_ARRAY_IDX(servers, i, pl_server_t *);
    if (!s || pl_url_check(p, s->base_url, req->conf->model_allow, &url, &why) != APR_SUCCESS)
        return NULL;
    memset(&hr, 0, sizeof(hr));
    hr.method = "POST";
    hr.base = &url;
    hr.path = pl_chat_title_path(s->kind);
    hr.body = pl_chat_title_request(p, s->kind, reply->model, user->content, reply->content);
    hr.bearer = s->api_key;
    hr.connect_timeout_ms = TITLE_CONNECT_MS;
    hr.timeout_ms = TITLE_TIMEOUT_MS;
    hr.max_response = TITLE_RESPONSE_MAX;
    if (pl_http_do(p, &hr, &resp) == APR_SUCCESS && resp.status == HTTP_OK)
        title = pl_chat_title_parse(p, s->kind, resp.body, resp.len);
    if (!title)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                      "PLN00611: no title for thread %" APR_INT64_T_FMT " from server %s: %s",
                      reply->thread_id, s->name,
                      resp.error ? resp.error : apr_psprintf(p, "status %ld", resp.status));
    return title;
}

/* After the first reply of a thread the user has not named: a title from
 * the model, stored unless the user names the thread meanwhile. 1 when the
 * thread's title changed. */
static int title_thread(mp_req_t *req, pl_thread_t *t, const apr_array_header_t *servers,
                        const pl_message_t *user, const pl_message_t *reply)
{
    const char *title;
    int stored = 0;

    if (!t->title_auto || user->parent_id || strcmp(reply->state, "complete"))
        return 0;
    mp_dbd_release(req);   /* none held while the model thinks of a title */
    if (!(title = ask_title(req, servers, user, reply)) || !mp_dbd_acquire(req))
        return 0;
    if (pl_threads_set_auto_title(req->db, req->r->pool, t->id, title, &stored) == APR_SUCCESS
        && stored)
        t->title = title;
    return stored;
}

static void write_turn(pl_jsonw_t *w, const mp_chat_t *turn, const pl_message_t *user,
                       const pl_thread_t *t)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_object(w, "user_message");
    pl_message_write(w, user);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "message");
    pl_message_write(w, turn->reply);
    pl_jsonw_end(w);
    pl_jsonw_str(w, "title", t->title);
    pl_jsonw_end(w);
}

/* The thread's system prompt with {{date}}, {{datetime}}, {{user}} and, in
 * a project, {{project.name}} and {{project.description}} filled in as the
 * prompt library fills them, from the project as it is now; any other
 * placeholder reaches the model as written. */
static const char *system_prompt_of(mp_req_t *req, const pl_thread_t *t)
{
    apr_pool_t *p = req->r->pool;
    apr_hash_t *values;
    pl_project_t *proj = NULL;

    if (!t->system_prompt || !strstr(t->system_prompt, "{{"))
        return t->system_prompt;
    if (t->project_id && pl_store_project_get(req->db, p, t->project_id, &proj) != APR_SUCCESS)
        proj = NULL;   /* gone meanwhile: its placeholders stay as written */
    values = apr_hash_make(p);
    pl_prompt_builtins(values, p, apr_time_now(), req->caller.user->username,
                       proj ? proj->name : NULL, proj ? proj->description : NULL);
    return pl_prompt_render_known(p, t->system_prompt, values);
}

/* A reply to user (stored here unless it has an id) on the thread: what
 * posting, editing and regenerating share. */
static int answer(mp_req_t *req, pl_thread_t *t, pl_message_t *user, const char *model, int stream)
{
    apr_pool_t *p = req->r->pool;
    mp_chat_t *turn = apr_pcalloc(p, sizeof(*turn));
    mp_chat_tools_t *tools;
    apr_array_header_t *servers, *branch;
    pl_thread_t asked;
    pl_jsonw_t *w, *details;
    apr_status_t rv;
    int rc;

    if ((rv = api_threads_servers(req, t, &servers, &turn->preferred_server)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    if (!mp_chat_take_slot(req))
        return OK;
    turn->stop_key = mp_chat_stop_key(p, t->id);
    mp_chat_stop_clear(req, turn->stop_key);

    /* Stored first: whatever happens upstream, the user's words are kept. */
    turn->reply = apr_pcalloc(p, sizeof(*turn->reply));
    turn->reply->thread_id = t->id;
    turn->reply->role = "assistant";
    turn->reply->content = "";
    turn->reply->state = "streaming";
    turn->reply->model = model;
    if ((rv = store_turn(req, t, user, turn->reply)) != APR_SUCCESS
        || (rv = pl_messages_branch(req->db, p, t->id, user->id, &branch)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    asked = *t;
    asked.system_prompt = system_prompt_of(req, t);
    if ((tools = mp_chat_tools_offer(req, t, model, servers, turn->preferred_server))) {
        turn->body = pl_chat_request_tools(p, &asked, model, branch, 1, mp_chat_tools_json(tools));
        turn->deadline = apr_time_now() + apr_time_from_sec(req->conf->tool_timeout);
    }
    else
        turn->body = pl_chat_request(p, &asked, model, branch, 1);

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
    if (tools)
        mp_chat_tools_loop(tools, turn, t, &asked, servers);

    /* "complete" only once stored: otherwise the client is told STORAGE_FAILED */
    mp_chat_store(turn);
    if (turn->error_code && strcmp(turn->error_code, PL_ERR_CLIENT_GONE))
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                      "PLN00602: reply %" APR_INT64_T_FMT " incomplete: %s (%s)", turn->reply->id,
                      turn->error_code, turn->error_message ? turn->error_message : "-");
    if (!stream && !turn->error_code)
        title_thread(req, t, servers, user, turn->reply);
    w = pl_jsonw_create(p, 1024 + turn->text.len + turn->thinking.len);
    if (stream) {
        pl_jsonw_object(w, NULL);
        pl_message_write(w, turn->reply);
        pl_jsonw_end(w);
    }
    else
        write_turn(w, turn, user, t);
    /* On failure both messages are stored; the error says where, and why the model failed. */
    details = pl_jsonw_create(p, 128);
    pl_jsonw_object(details, NULL);
    pl_jsonw_int(details, "user_message_id", user->id);
    pl_jsonw_int(details, "message_id", turn->reply->id);
    pl_jsonw_str(details, "state", "incomplete");
    pl_jsonw_end(details);
    rc = mp_chat_end(turn, HTTP_CREATED, pl_jsonw_text(w, NULL), pl_jsonw_text(details, NULL));
    /* the reply is whole on the client's screen; the title follows */
    if (stream && !turn->error_code && !turn->sse->gone
        && title_thread(req, t, servers, user, turn->reply)) {
        w = pl_jsonw_create(p, 512);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "thread_id", t->id);
        pl_jsonw_str(w, "title", t->title);
        pl_jsonw_end(w);
        mp_sse_send(turn->sse, "title", pl_jsonw_text(w, NULL));
    }
    return rc;
}

/* A new user message (not stored yet) under parent_id. */
static pl_message_t *new_question(apr_pool_t *p, const pl_thread_t *t, apr_int64_t parent_id,
                                  const char *content)
{
    pl_message_t *user = apr_pcalloc(p, sizeof(*user));

    user->thread_id = t->id;
    user->parent_id = parent_id;
    user->role = "user";
    user->content = content;
    user->state = "complete";
    return user;
}

/* POST /threads/{id}/messages {content, parent_id?, stream?, model?} */
int api_messages_post(mp_req_t *req)
{
    static const char *const known[] = { "content", "parent_id", "stream", "model", NULL };
    apr_pool_t *p = req->r->pool;
    pl_message_t *parent;
    apr_int64_t parent_id;
    const char *content, *model;
    pl_thread_t *t;
    int stream;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t)
        || !read_content(req, &content) || !turn_options(req, t, NULL, &stream, &model))
        return OK;
    parent_id = t->leaf_id;
    if (pl_json_type_of(req->body, "parent_id") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(req->body, "parent_id", &parent_id) || parent_id < 0
            || (parent_id && pl_messages_get(req->db, p, t->id, parent_id, &parent) != APR_SUCCESS))
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "parent_id must be a message id of this thread", "parent_id");
    }
    return answer(req, t, new_question(p, t, parent_id, content), model, stream);
}

/* POST /threads/{id}/messages/{message}/regenerate {stream?, model?}: a new
 * reply to the same question, a sibling of {message}. */
int api_messages_regenerate(mp_req_t *req)
{
    static const char *const known[] = { "stream", "model", NULL };
    pl_message_t *old, *question;
    const char *model;
    pl_thread_t *t;
    int stream;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t)
        || !load_message(req, t, &old))
        return OK;
    if (strcmp(old->role, "assistant")
        || pl_messages_get(req->db, req->r->pool, t->id, old->parent_id, &question) != APR_SUCCESS
        || strcmp(question->role, "user"))
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "only a reply to a user's message can be regenerated", NULL);
    if (!turn_options(req, t, old->model, &stream, &model))
        return OK;
    return answer(req, t, question, model, stream);
}

/* POST /threads/{id}/messages/{message}/edit {content, stream?, model?}: the
 * question asked anew, a sibling of {message}, and answered. */
int api_messages_edit(mp_req_t *req)
{
    static const char *const known[] = { "content", "stream", "model", NULL };
    pl_message_t *old;
    const char *content, *model;
    pl_thread_t *t;
    int stream;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t)
        || !load_message(req, t, &old))
        return OK;
    if (strcmp(old->role, "user"))
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "only a user's message can be edited", NULL);
    if (!read_content(req, &content) || !turn_options(req, t, NULL, &stream, &model))
        return OK;
    return answer(req, t, new_question(req->r->pool, t, old->parent_id, content), model, stream);
}

/* ---------------------------------------------------------------- branches */

/* PUT /threads/{id}/leaf {"message_id": N}: shows the branch through N,
 * down its newest replies; answers with that branch. */
int api_threads_leaf(mp_req_t *req)
{
    static const char *const known[] = { "message_id", NULL };
    pl_msgtree_t *tree;
    apr_int64_t id;
    pl_thread_t *t;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t))
        return OK;
    if ((rv = pl_msgtree_load(req->db, req->r->pool, t->id, &tree)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    if (!pl_json_get_int(req->body, "message_id", &id) || !pl_msgtree_has(tree, id))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "message_id must be a message id of this thread", "message_id");
    t->leaf_id = pl_msgtree_descend(tree, id);
    if ((rv = pl_threads_update(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return reply_branch(req, t);
}

/* DELETE /threads/{id}/messages/{message}: the message and everything
 * below it. A leaf among them moves up to where the branch now ends. */
int api_messages_delete(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *gone;
    apr_dbd_transaction_t *tx = NULL;
    pl_msgtree_t *tree;
    pl_message_t *m;
    pl_thread_t *t;
    pl_jsonw_t *w;
    apr_status_t rv, end;
    int i, leaf_gone = 0;

    if (!api_threads_load(req, &t) || !load_message(req, t, &m))
        return OK;
    if ((rv = pl_msgtree_load(req->db, p, t->id, &tree)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    gone = pl_msgtree_subtree(tree, m->id);
    for (i = 0; i < gone->nelts; i++)
        leaf_gone |= APR_ARRAY_IDX(gone, i, apr_int64_t) == t->leaf_id;
    if ((rv = pl_db_begin(req->db, p, &tx)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    rv = pl_messages_delete_subtree(req->db, p, t->id, m->id);
    if (rv == APR_SUCCESS && leaf_gone) {
        pl_msgtree_remove(tree, m->id);
        t->leaf_id = pl_msgtree_descend(tree, m->parent_id);
        rv = pl_threads_update(req->db, p, t);
    }
    end = pl_db_end(req->db, p, tx, rv != APR_SUCCESS);
    if (rv != APR_SUCCESS || (rv = end) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    w = mp_reply_writer(req, 64 + 24 * (apr_size_t)gone->nelts);
    pl_jsonw_object(w, NULL);
    write_ids(w, "deleted_ids", gone);
    pl_jsonw_id(w, "leaf_id", t->leaf_id);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* Stops the reply being generated in the thread, wherever it runs. */
int api_threads_stop(mp_req_t *req)
{
    pl_thread_t *t;

    if (!api_threads_load(req, &t))
        return OK;
    if (!mp_chat_stop_request(req, mp_chat_stop_key(req->r->pool, t->id)))
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_UNAVAILABLE,
                              "the stop could not be passed on; retry", NULL);
    return mp_reply_empty(req, HTTP_ACCEPTED);
}
