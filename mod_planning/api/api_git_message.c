/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/projects/{id}/git/commit-message: a commit message drafted
 * by the model a chat in the project would use (the body's, the project's
 * chat default, the caller's settings), from the staged change, streamed
 * as a prompt test's reply is (mp_chat_single). Nothing is stored and
 * nothing is committed: the client sends the message to .../git/commit
 * when the user wants it. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "api_git.h"
#include "api_threads.h"
#include "mp_chat.h"
#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "git/pl_git_draft.h"

static int refuse(mp_req_t *req, const char *message, const char *field)
{
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, message, field);
    return 0;
}

/* The body's fields, checked: model (NULL: the project's or the user's),
 * stream (default true), instructions (NULL: none). */
static int read_body(mp_req_t *req, const char **model, int *stream, const char **instructions)
{
    static const char *const known[] = { "model", "stream", "instructions", NULL };
    pl_json_t *b = req->body;

    if (!mp_request_only_fields(req, known))
        return 0;
    *model = pl_json_get_str(b, "model");
    if (pl_json_type_of(b, "model") != PL_JSON_ABSENT && pl_json_type_of(b, "model") != PL_JSON_NULL
        && (!*model || !**model || strlen(*model) > 255 || pl_text_has_ctl(*model)))
        return refuse(req, "model must be the name of a model", "model");
    *stream = 1;
    if (pl_json_type_of(b, "stream") != PL_JSON_ABSENT) {
        if (pl_json_type_of(b, "stream") != PL_JSON_BOOL)
            return refuse(req, "stream must be true or false", "stream");
        *stream = pl_json_is_true(b, "stream");
    }
    *instructions = pl_json_get_str(b, "instructions");
    if (pl_json_type_of(b, "instructions") != PL_JSON_ABSENT
        && pl_json_type_of(b, "instructions") != PL_JSON_NULL
        && (!*instructions || pl_text_utf8_chars(*instructions) > PL_GIT_DRAFT_INSTRUCTIONS_MAX))
        return refuse(req, apr_psprintf(req->r->pool, "instructions must be a string of up to %d"
                                        " characters", PL_GIT_DRAFT_INSTRUCTIONS_MAX),
                      "instructions");
    return 1;
}

/* The draft without the blank lines or spaces a model puts around it. */
static const char *trimmed(apr_pool_t *p, const char *s)
{
    apr_size_t n;

    if (!s)
        return "";
    while (apr_isspace(*s))
        s++;
    n = strlen(s);
    while (n && apr_isspace(s[n - 1]))
        n--;
    return apr_pstrmemdup(p, s, n);
}

/* The chat the draft runs in: the project's defaults and then the
 * caller's settings fill what the body leaves out; the system prompt is
 * the draft's own (a project's would ask for something else). */
static int draft_chat(mp_req_t *req, pl_thread_t *t, const char *model)
{
    if (!mp_request_param_id(req, "id", "project", &t->project_id))
        return 0;
    t->model = model;
    t->options = "{}";
    if (!api_threads_fill_defaults(req, t) || !api_threads_fill_settings(req, t))
        return 0;
    if (!t->model || !*t->model) {
        mp_reply_error(req, HTTP_UNPROCESSABLE_ENTITY, PL_ERR_MODEL_NOT_FOUND,
                       "no model: give one here, in the project's chat defaults or in your settings",
                       "model");
        return 0;
    }
    t->system_prompt = pl_git_draft_system;
    return 1;
}

int api_git_commit_message(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    pl_thread_t *t = apr_pcalloc(p, sizeof(*t));
    const char *model, *instructions, *prompt;
    apr_array_header_t *servers;
    apr_int64_t preferred;
    pl_git_fail_t why;
    mp_chat_t *turn;
    pl_jsonw_t *w;
    pl_git_t *g;
    apr_status_t rv;
    int stream;

    if (!read_body(req, &model, &stream, &instructions) || !draft_chat(req, t, model)
        || !api_git_open(req, &g))
        return OK;
    if (pl_git_draft_prompt(g, PL_GIT_DRAFT_DIFF_MAX, instructions, &prompt, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    if ((rv = api_threads_servers(req, t, &servers, &preferred)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    if (!mp_chat_take_slot(req))
        return OK;
    turn = mp_chat_single(req, t, t->model, prompt);
    turn->preferred_server = preferred;
    if (stream) {
        w = pl_jsonw_create(p, 256);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "model", t->model);
        pl_jsonw_end(w);
        turn->sse = mp_sse_open(req->r);
        mp_sse_send(turn->sse, "start", pl_jsonw_text(w, NULL));
    }
    mp_chat_run(turn, servers);
    w = pl_jsonw_create(p, 1024 + 2 * turn->text.len + turn->thinking.len);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "message", trimmed(p, turn->reply->content));
    pl_message_write_content(w, turn->reply);
    pl_jsonw_end(w);
    return mp_chat_end(turn, HTTP_OK, pl_jsonw_text(w, NULL), NULL);
}
