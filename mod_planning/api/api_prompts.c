/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/prompts: the shared prompts library. Everyone signed in reads it
 * and renders its prompts; developers add prompts; only a prompt's owner or
 * an admin changes, restores or deletes it (403 for anyone else). A test
 * renders a prompt and streams a model's answer exactly like a chat reply,
 * and stores nothing. */
#include <apr_strings.h>

#include "api.h"
#include "chat/pl_usage.h"
#include "api_threads.h"
#include "mp_chat.h"
#include "chat/pl_chat.h"
#include "chat/pl_prompt_render.h"
#include "chat/pl_prompts.h"
#include "core/pl_status.h"
#include "projects/pl_store_projects.h"
#include "core/pl_text.h"

#define VARIABLES_MAX     100
#define VALUE_MAX_CHARS   100000
#define RENDERED_MAX      (1024 * 1024)
#define SYSTEM_MAX_CHARS  100000

static const char *prompt_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/prompts/%" APR_INT64_T_FMT, id);
}

static int reply_prompt(mp_req_t *req, int status, const pl_prompt_t *pr)
{
    apr_pool_t *p = req->r->pool;
    pl_jsonw_t *w = mp_reply_writer(req, 1024 + strlen(pr->body));
    const char *self = prompt_href(p, pr->id);

    pl_jsonw_object(w, NULL);
    pl_prompt_write(w, p, pr);
    pl_jsonw_object(w, "_links");
    /* what a GET reads; render and test are POST actions on self, not links */
    pl_jsonw_link(w, "self", self, NULL);
    pl_jsonw_link(w, "versions", self, "/versions");
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

static int load(mp_req_t *req, pl_prompt_t **pr)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "prompt", "prompt", &id))
        return 0;
    if ((rv = pl_prompts_get(req->db, req->r->pool, id, pr)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "prompt");
        return 0;
    }
    return 1;
}

/* The library is shared: a prompt is changed by its owner or an admin. */
static int load_to_change(mp_req_t *req, pl_prompt_t **pr)
{
    if (!load(req, pr))
        return 0;
    if ((*pr)->owner_id && (*pr)->owner_id == req->caller.user->id)
        return 1;
    if (req->caller.role == PL_ROLE_ADMIN)
        return 1;
    mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                   "only the prompt's owner or an admin may change it", NULL);
    return 0;
}

static int load_version(mp_req_t *req, const pl_prompt_t *pr, apr_int64_t n,
                        pl_prompt_version_t **v)
{
    apr_status_t rv = pl_prompt_versions_get(req->db, req->r->pool, pr->id, n, v);

    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "version");
        return 0;
    }
    return 1;
}

static int store_failed(mp_req_t *req, apr_status_t rv)
{
    if (rv == APR_EAGAIN)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "the prompt changed meanwhile: read it again and retry", NULL);
    return mp_reply_status(req, rv, "prompt");
}

/* A 400 for field; 0, the "refused" result of the checks. */
static int refuse(mp_req_t *req, const char *message, const char *field)
{
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, message, field);
    return 0;
}

static int apply(mp_req_t *req, pl_prompt_t *pr, int whole, int *versioned)
{
    const char *field, *why;

    if (pl_prompt_apply(pr, req->body, whole, req->r->pool, versioned, &field, &why) == APR_SUCCESS)
        return 1;
    return refuse(req, field ? apr_pstrcat(req->r->pool, field, " ", why, NULL) : why, field);
}

int api_prompts_create(mp_req_t *req)
{
    pl_prompt_t *pr = apr_pcalloc(req->r->pool, sizeof(*pr));
    apr_status_t rv;
    int versioned;

    if (!apply(req, pr, 1, &versioned))
        return OK;
    pr->owner_id = req->caller.user->id;
    pr->owner = req->caller.user->username;
    if ((rv = pl_prompts_insert(req->db, req->r->pool, pr)) != APR_SUCCESS)
        return store_failed(req, rv);
    apr_table_setn(req->r->headers_out, "Location", prompt_href(req->r->pool, pr->id));
    return reply_prompt(req, HTTP_CREATED, pr);
}

/* The filters of a prompt list as a query string for its links. */
static const char *filter_query(apr_pool_t *p, const pl_prompt_filter_t *f)
{
    return apr_pstrcat(p, f->tag ? "&tag=" : "", f->tag ? f->tag : "",
                       f->q ? "&q=" : "", f->q ? ap_escape_urlencoded(p, f->q) : "",
                       f->owner_id ? "&owner_id=" : "",
                       f->owner_id ? pl_text_i64(p, f->owner_id) : "", NULL);
}

int api_prompts_list(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    pl_prompt_filter_t f;
    apr_array_header_t *items;
    apr_table_t *args;
    apr_int64_t total;
    const char *owner;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    memset(&f, 0, sizeof(f));
    if (!mp_request_paging(req, &args, &f.limit, &f.offset))
        return OK;
    if ((f.tag = apr_table_get(args, "tag")) && !pl_prompt_tag_valid(f.tag))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "tag must be 1 to 50 of a-z, 0-9, '.', '_' and '-'", "tag");
    if ((f.q = apr_table_get(args, "q"))
        && (pl_text_utf8_chars(f.q) > PL_PROMPT_NAME_CHARS || pl_text_has_ctl(f.q)))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "q must be up to 200 printable characters", "q");
    if ((owner = apr_table_get(args, "owner_id"))
        && pl_text_int(owner, 1, APR_INT64_MAX, &f.owner_id) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "owner_id must be a user id", "owner_id");
    if (f.q && !*f.q)
        f.q = NULL;
    if ((rv = pl_prompts_list(req->db, p, &f, &items, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "prompt");
    w = mp_reply_writer(req, 2048 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++) {
        const pl_prompt_t *pr = APR_ARRAY_IDX(items, i, const pl_prompt_t *);
        pl_jsonw_object(w, NULL);
        pl_prompt_write(w, p, pr);
        pl_jsonw_object(w, "_links");
        pl_jsonw_link(w, "self", prompt_href(p, pr->id), NULL);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, p, MP_API_BASE "/prompts", filter_query(p, &f), f.limit, f.offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_prompts_get(mp_req_t *req)
{
    pl_prompt_t *pr;

    return load(req, &pr) ? reply_prompt(req, HTTP_OK, pr) : OK;
}

int api_prompts_patch(mp_req_t *req)
{
    pl_prompt_t *pr;
    apr_status_t rv;
    int versioned;

    if (!load_to_change(req, &pr) || !apply(req, pr, 0, &versioned))
        return OK;
    rv = pl_prompts_update(req->db, req->r->pool, pr, versioned, req->caller.user->id, 0);
    return rv == APR_SUCCESS ? reply_prompt(req, HTTP_OK, pr) : store_failed(req, rv);
}

int api_prompts_delete(mp_req_t *req)
{
    pl_prompt_t *pr;
    apr_status_t rv;

    if (!load_to_change(req, &pr))
        return OK;
    if ((rv = pl_prompts_delete(req->db, req->r->pool, pr->id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "prompt");
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

int api_prompt_versions_list(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *items;
    apr_table_t *args;
    apr_int64_t total;
    pl_prompt_t *pr;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;
    const char *path;

    if (!mp_request_paging(req, &args, &limit, &offset) || !load(req, &pr))
        return OK;
    rv = pl_prompt_versions_list(req->db, p, pr->id, limit, offset, &items, &total);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "version");
    path = apr_pstrcat(p, prompt_href(p, pr->id), "/versions", NULL);
    w = mp_reply_writer(req, 512 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "prompt_id", pr->id);
    pl_jsonw_int(w, "current", pr->version);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_prompt_version_write(w, APR_ARRAY_IDX(items, i, const pl_prompt_version_t *), 0);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, p, path, "", limit, offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* The {version} of the route, of the prompt. */
static int route_version(mp_req_t *req, const pl_prompt_t *pr, pl_prompt_version_t **v)
{
    apr_int64_t n;

    return mp_request_param_id(req, "version", "version", &n) && load_version(req, pr, n, v);
}

int api_prompt_versions_get(mp_req_t *req)
{
    pl_prompt_version_t *v;
    pl_prompt_t *pr;
    pl_jsonw_t *w;

    if (!load(req, &pr) || !route_version(req, pr, &v))
        return OK;
    w = mp_reply_writer(req, 1024 + strlen(v->body));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "prompt_id", pr->id);
    pl_prompt_version_write(w, v, 1);
    pl_jsonw_bool(w, "current", v->version == pr->version);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* An old version becomes the newest: its text as a new version. */
int api_prompt_versions_restore(mp_req_t *req)
{
    pl_prompt_version_t *v;
    pl_prompt_t *pr;
    apr_status_t rv;

    if (!load_to_change(req, &pr) || !route_version(req, pr, &v))
        return OK;
    pr->name = v->name;
    pr->description = v->description;
    pr->body = v->body;
    rv = pl_prompts_update(req->db, req->r->pool, pr, 1, req->caller.user->id, v->version);
    return rv == APR_SUCCESS ? reply_prompt(req, HTTP_OK, pr) : store_failed(req, rv);
}

/* The caller's variables into values: names that are not built-in, values
 * that are strings, numbers or booleans. */
static int variables_of(mp_req_t *req, apr_hash_t *values)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *keys;
    pl_json_t *vars;
    int i;

    if (pl_json_type_of(req->body, "variables") == PL_JSON_ABSENT
        || pl_json_type_of(req->body, "variables") == PL_JSON_NULL)
        return 1;
    if (!(vars = pl_json_get_object(p, req->body, "variables")))
        return refuse(req, "variables must be an object of names and values", "variables");
    keys = pl_json_keys(p, vars);
    if (keys->nelts > VARIABLES_MAX)
        return refuse(req, "variables may hold at most 100 names", "variables");
    for (i = 0; i < keys->nelts; i++) {
        const char *k = APR_ARRAY_IDX(keys, i, const char *), *v = NULL, *why = NULL;
        const char *field = apr_pstrcat(p, "variables.", apr_pstrndup(p, k, PL_PROMPT_NAME_MAX), NULL);

        switch (pl_json_type_of(vars, k)) {
        case PL_JSON_STRING:
            v = pl_json_get_str(vars, k);
            if (pl_text_utf8_chars(v) > VALUE_MAX_CHARS)
                why = "is longer than 100000 characters";
            break;
        case PL_JSON_INTEGER:
        case PL_JSON_REAL:
        case PL_JSON_BOOL:
            v = pl_json_member_text(p, vars, k);
            break;
        default:
            why = "must be a string, a number or a boolean";
        }
        if (!pl_prompt_name_valid(k))
            why = "is not a variable name (letters, digits, '_', '-' and dots)";
        else if (pl_prompt_builtin(k))
            why = "is a built-in variable: the server fills it";
        if (why)
            return refuse(req, apr_pstrcat(p, field, " ", why, NULL), field);
        apr_hash_set(values, k, APR_HASH_KEY_STRING, v);
    }
    return 1;
}

/* The project's name and description for the built-ins: a project the
 * caller cannot see is a 404, as everywhere. */
static int project_of(mp_req_t *req, pl_project_t **proj)
{
    apr_int64_t id = 0;
    apr_status_t rv;

    *proj = NULL;
    if (pl_json_type_of(req->body, "project_id") == PL_JSON_ABSENT
        || pl_json_type_of(req->body, "project_id") == PL_JSON_NULL)
        return 1;
    if (!pl_json_get_int(req->body, "project_id", &id) || id < 1)
        return refuse(req, "project_id must be a project id or null", "project_id");
    if (!api_threads_project_visible(req, id))
        return 0;
    if ((rv = pl_store_project_get(req->db, req->r->pool, id, proj)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    return 1;
}

/* The prompt (the version asked for, or the newest) rendered with the
 * request's variables and the built-ins into *text. 0 after the reply: 422
 * names what is missing. */
static int render(mp_req_t *req, const pl_prompt_t *pr, apr_int64_t *version, const char **text)
{
    apr_pool_t *p = req->r->pool;
    apr_hash_t *values = apr_hash_make(p);
    apr_array_header_t *missing;
    pl_prompt_version_t *v;
    pl_project_t *proj;
    const char *body = pr->body, *why;
    apr_status_t rv;

    *version = pr->version;
    if (pl_json_type_of(req->body, "version") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(req->body, "version", version) || *version < 1)
            return refuse(req, "version must be a version number of the prompt", "version");
        if (!load_version(req, pr, *version, &v))
            return 0;
        body = v->body;
    }
    if (!variables_of(req, values) || !project_of(req, &proj))
        return 0;
    pl_prompt_builtins(values, p, apr_time_now(), req->caller.user->username,
                       proj ? proj->name : NULL, proj ? proj->description : NULL);
    rv = pl_prompt_render(p, body, values, RENDERED_MAX, text, &missing, &why);
    if (rv == APR_SUCCESS)
        return 1;
    if (rv == PL_ENOTFOUND)
        mp_reply_error_details(req, HTTP_UNPROCESSABLE_ENTITY, PL_ERR_MISSING_VARIABLES,
                               apr_pstrcat(p, "the prompt uses variables with no value: ",
                                           apr_array_pstrcat(p, missing, ','), NULL),
                               pl_prompt_missing_json(p, missing));
    else
        mp_reply_error(req, HTTP_UNPROCESSABLE_ENTITY, rv == PL_ETOOBIG ? PL_ERR_PROMPT_TOO_LARGE
                       : PL_ERR_INVALID_TEMPLATE, apr_pstrcat(p, "the rendered prompt ", why, NULL),
                       NULL);
    return 0;
}

int api_prompts_render(mp_req_t *req)
{
    static const char *const known[] = { "variables", "project_id", "version", NULL };
    const char *text;
    apr_int64_t version;
    pl_prompt_t *pr;
    pl_jsonw_t *w;

    if (!mp_request_only_fields(req, known) || !load(req, &pr) || !render(req, pr, &version, &text))
        return OK;
    w = mp_reply_writer(req, 256 + strlen(text));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "prompt_id", pr->id);
    pl_jsonw_int(w, "version", version);
    pl_jsonw_str(w, "text", text);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* What a test sets of the chat: the model, a system prompt and options,
 * into a thread that only lives for this request. The options are checked
 * by pl_thread_apply, as a thread's are. */
static int test_chat(mp_req_t *req, pl_thread_t *t, const char **model, int *stream)
{
    apr_pool_t *p = req->r->pool;
    const char *opts = pl_json_member_text(p, req->body, "options"), *field, *why, *err;
    pl_json_t *in;

    *model = pl_json_get_str(req->body, "model");
    if (!*model || !**model || strlen(*model) > 255 || pl_text_has_ctl(*model))
        return refuse(req, "model must be the name of a model", "model");
    *stream = 1;
    if (pl_json_type_of(req->body, "stream") != PL_JSON_ABSENT) {
        if (pl_json_type_of(req->body, "stream") != PL_JSON_BOOL)
            return refuse(req, "stream must be true or false", "stream");
        *stream = pl_json_is_true(req->body, "stream");
    }
    if (pl_json_type_of(req->body, "system") != PL_JSON_ABSENT
        && pl_json_type_of(req->body, "system") != PL_JSON_NULL) {
        t->system_prompt = pl_json_get_str(req->body, "system");
        if (!t->system_prompt || pl_text_utf8_chars(t->system_prompt) > SYSTEM_MAX_CHARS)
            return refuse(req, "system must be a string of up to 100000 characters", "system");
    }
    opts = apr_pstrcat(p, "{\"options\":", opts ? opts : "{}", "}", NULL);
    if (pl_json_parse(&in, p, opts, strlen(opts), req->conf->json_depth + 1, &err) != APR_SUCCESS)
        return refuse(req, "options must be an object of model options", "options");
    if (pl_thread_apply(t, in, 1, p, &field, &why) != APR_SUCCESS)
        return refuse(req, field ? apr_pstrcat(p, field, " ", why, NULL) : why, field);
    t->model = *model;
    return 1;
}

int api_prompts_test(mp_req_t *req)
{
    static const char *const known[] = {
        "model", "variables", "project_id", "version", "stream", "system", "options", NULL
    };
    apr_pool_t *p = req->r->pool;
    pl_thread_t *t = apr_pcalloc(p, sizeof(*t));
    apr_array_header_t *servers;
    const char *model, *text;
    apr_int64_t version;
    pl_prompt_t *pr;
    pl_jsonw_t *w;
    apr_status_t rv;
    mp_chat_t *turn;
    int stream = 1;

    if (!mp_request_only_fields(req, known) || !load(req, &pr) || !test_chat(req, t, &model, &stream)
        || !render(req, pr, &version, &text))
        return OK;
    if ((rv = pl_servers_list(req->db, p, 1, &servers)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    if (!mp_chat_take_slot(req))
        return OK;
    turn = mp_chat_single(req, t, model, text);

    if (stream) {
        w = pl_jsonw_create(p, 256 + strlen(text));
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "prompt_id", pr->id);
        pl_jsonw_int(w, "version", version);
        pl_jsonw_str(w, "model", model);
        pl_jsonw_str(w, "prompt", text);
        pl_jsonw_end(w);
        turn->sse = mp_sse_open(req->r);
        mp_sse_send(turn->sse, "start", pl_jsonw_text(w, NULL));
    }
    mp_chat_run(turn, servers);
    /* a test run leaves no message: counted here when a model ran it */
    if (!turn->error_code || turn->text.len || turn->reply->completion_tokens)
        mp_chat_count(req, PL_USAGE_PROMPT_TEST, model, turn->reply->prompt_tokens,
                      turn->reply->completion_tokens, turn->reply->total_ns);
    /* the stream's start carried the prompt; a single reply carries it here */
    w = pl_jsonw_create(p, 1024 + turn->text.len + turn->thinking.len + (stream ? 0 : strlen(text)));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "prompt_id", pr->id);
    pl_jsonw_int(w, "version", version);
    if (!stream)
        pl_jsonw_str(w, "prompt", text);
    pl_message_write_content(w, turn->reply);
    pl_jsonw_end(w);
    return mp_chat_end(turn, HTTP_OK, pl_jsonw_text(w, NULL), NULL);
}
