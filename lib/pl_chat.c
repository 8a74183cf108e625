/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "pl_chat.h"
#include "pl_json.h"
#include "pl_jsonw.h"
#include "pl_status.h"

struct pl_chat_reader_t {
    apr_pool_t *p;
    pl_chat_event_fn *fn;
    void *baton;
    char *line;
    apr_size_t len, cap;
    int done;
    pl_chat_line_fn *on_line;
    void *line_baton;
};

static const char *const MODEL_OPTIONS[] = {
    "temperature", "top_p", "top_k", "num_ctx", "num_predict", "seed", "stop", NULL
};

const char *pl_chat_request(apr_pool_t *p, const pl_thread_t *t, const char *model,
                            const apr_array_header_t *branch, int stream)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024);
    const char *err, *keep_alive;
    pl_json_t *opts = NULL;
    int i;

    pl_json_parse(&opts, p, t->options, strlen(t->options), 4, &err);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "model", model);
    pl_jsonw_array(w, "messages");
    if (t->system_prompt && *t->system_prompt) {
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "role", "system");
        pl_jsonw_str(w, "content", t->system_prompt);
        pl_jsonw_end(w);
    }
    for (i = 0; i < branch->nelts; i++) {
        const pl_message_t *m = APR_ARRAY_IDX(branch, i, const pl_message_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "role", m->role);
        pl_jsonw_str(w, "content", m->content);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_bool(w, "stream", stream);
    if (opts && pl_json_type_of(opts, "think") == PL_JSON_BOOL)
        pl_jsonw_bool(w, "think", pl_json_is_true(opts, "think"));
    if (opts && (keep_alive = pl_json_get_str(opts, "keep_alive")))
        pl_jsonw_str(w, "keep_alive", keep_alive);
    /* the model's own options, as pl_thread_apply checked and stored them;
     * think and keep_alive went to the top level above */
    pl_jsonw_object(w, "options");
    for (i = 0; opts && MODEL_OPTIONS[i]; i++) {
        const char *v = pl_json_member_text(p, opts, MODEL_OPTIONS[i]);
        if (v)
            pl_jsonw_raw(w, MODEL_OPTIONS[i], v);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

pl_chat_reader_t *pl_chat_reader_create(apr_pool_t *p, pl_chat_event_fn *fn, void *baton)
{
    pl_chat_reader_t *r = apr_pcalloc(p, sizeof(*r));

    r->p = p;
    r->fn = fn;
    r->baton = baton;
    r->cap = 4096;
    r->line = apr_palloc(p, r->cap);
    return r;
}

void pl_chat_reader_on_line(pl_chat_reader_t *r, pl_chat_line_fn *fn, void *baton)
{
    r->on_line = fn;
    r->line_baton = baton;
}

int pl_chat_reader_done(const pl_chat_reader_t *r)
{
    return r->done;
}

static apr_status_t emit(pl_chat_reader_t *r, pl_chat_event_t *ev)
{
    return r->fn(r->baton, ev) ? APR_EINTR : APR_SUCCESS;
}

/* One NDJSON line: {"message":{"content","thinking"},"done",...} or {"error"}. */
static apr_status_t line_done(pl_chat_reader_t *r, apr_pool_t *p)
{
    pl_chat_event_t ev;
    pl_json_t *j, *msg;
    const char *why, *s;
    apr_status_t rv;

    if (r->len == 0)
        return APR_SUCCESS;
    if (pl_json_parse(&j, p, r->line, r->len, 16, &why) != APR_SUCCESS
        || pl_json_type(j) != PL_JSON_OBJECT)
        return PL_EUPSTREAM;
    if (r->on_line && r->on_line(r->line_baton, r->line, r->len))
        return APR_EINTR;
    memset(&ev, 0, sizeof(ev));
    if ((s = pl_json_get_str(j, "error"))) {
        ev.type = PL_CHAT_ERROR;
        ev.text = apr_pstrdup(r->p, s);
        return emit(r, &ev);
    }
    msg = pl_json_get_object(p, j, "message");
    if (msg && (s = pl_json_get_str(msg, "thinking")) && *s) {
        ev.type = PL_CHAT_THINKING;
        ev.text = s;
        if ((rv = emit(r, &ev)) != APR_SUCCESS)
            return rv;
    }
    if (msg && (s = pl_json_get_str(msg, "content")) && *s) {
        ev.type = PL_CHAT_TOKEN;
        ev.text = s;
        if ((rv = emit(r, &ev)) != APR_SUCCESS)
            return rv;
    }
    if (pl_json_is_true(j, "done")) {
        memset(&ev, 0, sizeof(ev));
        ev.type = PL_CHAT_DONE;
        pl_json_get_int(j, "prompt_eval_count", &ev.prompt_tokens);
        pl_json_get_int(j, "eval_count", &ev.completion_tokens);
        pl_json_get_int(j, "total_duration", &ev.total_ns);
        pl_json_get_int(j, "eval_duration", &ev.eval_ns);
        ev.done_reason = (s = pl_json_get_str(j, "done_reason")) ? apr_pstrdup(r->p, s) : NULL;
        r->done = 1;
        return emit(r, &ev);
    }
    return APR_SUCCESS;
}

apr_status_t pl_chat_reader_feed(pl_chat_reader_t *r, const char *data, apr_size_t len)
{
    apr_status_t rv = APR_SUCCESS;
    apr_pool_t *scratch;
    apr_size_t i;

    /* parsed lines live in a scratch pool: a long stream does not grow r->p */
    apr_pool_create(&scratch, r->p);
    for (i = 0; i < len && rv == APR_SUCCESS; i++) {
        if (data[i] == '\n') {
            rv = line_done(r, scratch);
            r->len = 0;
            continue;
        }
        if (r->len + 1 >= PL_CHAT_LINE_MAX) {
            rv = PL_EUPSTREAM;
            break;
        }
        if (r->len + 1 >= r->cap) {
            char *bigger = apr_palloc(r->p, r->cap * 2);
            memcpy(bigger, r->line, r->len);
            r->line = bigger;
            r->cap *= 2;
        }
        r->line[r->len++] = data[i];
    }
    apr_pool_destroy(scratch);
    return rv;
}
