/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "chat/pl_chat.h"
#include "chat/pl_chat_tools.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_lines.h"
#include "core/pl_status.h"

struct pl_chat_reader_t {
    apr_pool_t *p;
    pl_chat_event_fn *fn;
    void *baton;
    pl_lines_t *lines;
    int done;
    pl_chat_line_fn *on_line;
    void *line_baton;
    /* Server-Sent Events: the data of the event being read, and what the
     * chunks before [DONE] said (the usage chunk comes last but one) */
    char *data;
    apr_size_t data_len, data_cap;
    apr_int64_t prompt_tokens, completion_tokens;
    const char *finish_reason;
    apr_array_header_t *calls;      /* pl_chat_call_t: the tool calls gathered from deltas */
};

static const char *const MODEL_OPTIONS[] = {
    "temperature", "top_p", "top_k", "num_ctx", "num_predict", "seed", "stop", NULL
};

const char *pl_chat_request(apr_pool_t *p, const pl_thread_t *t, const char *model,
                            const apr_array_header_t *branch, int stream)
{
    return pl_chat_request_tools(p, t, model, branch, stream, NULL);
}

const char *pl_chat_request_tools(apr_pool_t *p, const pl_thread_t *t, const char *model,
                                  const apr_array_header_t *branch, int stream,
                                  const char *tools_json)
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
        pl_chat_write_message_tools(w, p, m);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    if (tools_json)
        pl_jsonw_raw(w, "tools", tools_json);
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

/* The options OpenAI's API shares with Ollama's, by their OpenAI names;
 * top_k, num_ctx, keep_alive and think have no counterpart and stay home. */
static const struct { const char *ollama, *openai; } OPENAI_OPTIONS[] = {
    { "temperature", "temperature" }, { "top_p", "top_p" }, { "seed", "seed" },
    { "stop", "stop" }, { "num_predict", "max_tokens" },
};
#define NOPENAI_OPTIONS (sizeof(OPENAI_OPTIONS) / sizeof(OPENAI_OPTIONS[0]))

const char *pl_chat_request_openai(apr_pool_t *p, const char *ollama_body)
{
    pl_jsonw_t *w = pl_jsonw_create(p, strlen(ollama_body) + 128);
    pl_json_t *in, *messages, *opts;
    const char *why;
    apr_size_t i, n;

    if (pl_json_parse(&in, p, ollama_body, strlen(ollama_body), 8, &why) != APR_SUCCESS)
        return NULL;
    messages = pl_json_get_array(p, in, "messages");
    opts = pl_json_get_object(p, in, "options");
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "model", pl_json_get_str(in, "model"));
    pl_jsonw_array(w, "messages");
    n = messages ? pl_json_array_size(messages) : 0;
    for (i = 0; i < n; i++) {
        pl_json_t *m = pl_json_array_get(p, messages, i);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "role", pl_json_get_str(m, "role"));
        pl_jsonw_str(w, "content", pl_json_get_str(m, "content"));
        pl_chat_write_openai_tools(w, p, m);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    if (pl_json_get_array(p, in, "tools"))   /* the same shape in both APIs */
        pl_jsonw_raw(w, "tools", pl_json_member_text(p, in, "tools"));
    pl_jsonw_bool(w, "stream", pl_json_is_true(in, "stream"));
    if (pl_json_is_true(in, "stream")) {
        pl_jsonw_object(w, "stream_options");
        pl_jsonw_bool(w, "include_usage", 1);
        pl_jsonw_end(w);
    }
    for (i = 0; opts && i < NOPENAI_OPTIONS; i++) {
        const char *v = pl_json_member_text(p, opts, OPENAI_OPTIONS[i].ollama);
        if (v)
            pl_jsonw_raw(w, OPENAI_OPTIONS[i].openai, v);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

static apr_status_t emit(pl_chat_reader_t *r, pl_chat_event_t *ev)
{
    return r->fn(r->baton, ev) ? APR_EINTR : APR_SUCCESS;
}

static apr_status_t emit_text(pl_chat_reader_t *r, pl_chat_event_e type, const char *text)
{
    pl_chat_event_t ev;

    if (!text || !*text)
        return APR_SUCCESS;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.text = text;
    return emit(r, &ev);
}

static apr_status_t emit_error(pl_chat_reader_t *r, const char *message)
{
    pl_chat_event_t ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = PL_CHAT_ERROR;
    ev.text = apr_pstrdup(r->p, message);
    return emit(r, &ev);
}

static apr_status_t emit_calls(pl_chat_reader_t *r, const apr_array_header_t *calls)
{
    pl_chat_event_t ev;
    apr_status_t rv;
    int i;

    for (i = 0; calls && i < calls->nelts; i++) {
        pl_chat_call_t *call = &APR_ARRAY_IDX(calls, i, pl_chat_call_t);
        if (!call->id)
            call->id = apr_psprintf(r->p, "call_%d", i);
        if (!call->name)
            call->name = "";
        memset(&ev, 0, sizeof(ev));
        ev.type = PL_CHAT_TOOL_CALL;
        ev.call = call;
        if ((rv = emit(r, &ev)) != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

static apr_status_t parse_object(apr_pool_t *p, const char *text, apr_size_t len, pl_json_t **j)
{
    const char *why;

    if (pl_json_parse(j, p, text, len, 16, &why) != APR_SUCCESS
        || pl_json_type(*j) != PL_JSON_OBJECT)
        return PL_EUPSTREAM;
    return APR_SUCCESS;
}

/* One NDJSON line: {"message":{"content","thinking"},"done",...} or {"error"}. */
static apr_status_t ndjson_line(void *baton, const char *line, apr_size_t len, apr_pool_t *p)
{
    pl_chat_reader_t *r = baton;
    pl_chat_event_t ev;
    pl_json_t *j, *msg;
    const char *s;
    apr_status_t rv;

    if (len == 0)
        return APR_SUCCESS;
    if ((rv = parse_object(p, line, len, &j)) != APR_SUCCESS)
        return rv;
    if (r->on_line && r->on_line(r->line_baton, line, len))
        return APR_EINTR;
    if ((s = pl_json_get_str(j, "error")))
        return emit_error(r, s);
    msg = pl_json_get_object(p, j, "message");
    if (msg && ((rv = emit_text(r, PL_CHAT_THINKING, pl_json_get_str(msg, "thinking")))
                != APR_SUCCESS
                || (rv = emit_text(r, PL_CHAT_TOKEN, pl_json_get_str(msg, "content")))
                != APR_SUCCESS
                || (rv = emit_calls(r, pl_chat_calls_parse(r->p, msg))) != APR_SUCCESS))
        return rv;
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

/* One OpenAI chunk: {"choices":[{"delta":{"content","reasoning"},
 * "finish_reason"}],"usage"} or {"error":{"message"}}; then "[DONE]". */
static apr_status_t openai_event(pl_chat_reader_t *r, apr_pool_t *p)
{
    pl_chat_event_t ev;
    pl_json_t *j, *err, *choices, *choice, *delta, *usage;
    const char *s;
    apr_status_t rv;

    if (r->data_len == 6 && !memcmp(r->data, "[DONE]", 6)) {
        if ((rv = emit_calls(r, r->calls)) != APR_SUCCESS)
            return rv;
        memset(&ev, 0, sizeof(ev));
        ev.type = PL_CHAT_DONE;
        ev.prompt_tokens = r->prompt_tokens;
        ev.completion_tokens = r->completion_tokens;
        ev.done_reason = r->finish_reason;
        r->done = 1;
        return emit(r, &ev);
    }
    if ((rv = parse_object(p, r->data, r->data_len, &j)) != APR_SUCCESS)
        return rv;
    if (r->on_line && r->on_line(r->line_baton, r->data, r->data_len))
        return APR_EINTR;
    if (pl_json_type_of(j, "error") != PL_JSON_ABSENT) {
        err = pl_json_get_object(p, j, "error");
        s = err ? pl_json_get_str(err, "message") : pl_json_get_str(j, "error");
        return emit_error(r, s ? s : "the model server reported an error");
    }
    if ((usage = pl_json_get_object(p, j, "usage"))) {
        pl_json_get_int(usage, "prompt_tokens", &r->prompt_tokens);
        pl_json_get_int(usage, "completion_tokens", &r->completion_tokens);
    }
    choices = pl_json_get_array(p, j, "choices");
    if (!choices || !pl_json_array_size(choices))
        return APR_SUCCESS;
    choice = pl_json_array_get(p, choices, 0);
    if ((s = pl_json_get_str(choice, "finish_reason")))
        r->finish_reason = apr_pstrdup(r->p, s);
    if (!(delta = pl_json_get_object(p, choice, "delta")))
        return APR_SUCCESS;
    if (pl_json_type_of(delta, "tool_calls") == PL_JSON_ARRAY) {
        if (!r->calls)
            r->calls = apr_array_make(r->p, 2, sizeof(pl_chat_call_t));
        pl_chat_calls_accumulate(p, r->calls, delta);
    }
    s = pl_json_get_str(delta, "reasoning");
    if ((rv = emit_text(r, PL_CHAT_THINKING, s ? s : pl_json_get_str(delta, "reasoning_content")))
        != APR_SUCCESS)
        return rv;
    return emit_text(r, PL_CHAT_TOKEN, pl_json_get_str(delta, "content"));
}

/* One SSE line: "data:" lines gather into the event, a blank line ends it;
 * comments (":"), "event:", "id:" and "retry:" say nothing a chat needs. */
static apr_status_t sse_line(void *baton, const char *line, apr_size_t len, apr_pool_t *p)
{
    pl_chat_reader_t *r = baton;
    apr_status_t rv;

    if (len == 0) {
        if (!r->data_len)
            return APR_SUCCESS;
        rv = openai_event(r, p);
        r->data_len = 0;
        return rv;
    }
    if (len < 5 || memcmp(line, "data:", 5))
        return APR_SUCCESS;
    line += 5;
    len -= 5;
    if (len && *line == ' ') {
        line++;
        len--;
    }
    /* several data lines make one event, joined by "\n"; the cap holds for the whole */
    if (r->data_len + len + 2 > PL_CHAT_LINE_MAX)
        return PL_ETOOBIG;
    if (r->data_len + len + 2 > r->data_cap) {
        apr_size_t cap = r->data_cap ? r->data_cap : 4096;
        char *bigger;
        while (cap < r->data_len + len + 2)
            cap *= 2;
        bigger = apr_palloc(r->p, cap);
        if (r->data_len)
            memcpy(bigger, r->data, r->data_len);
        r->data = bigger;
        r->data_cap = cap;
    }
    if (r->data_len)
        r->data[r->data_len++] = '\n';
    memcpy(r->data + r->data_len, line, len);
    r->data_len += len;
    return APR_SUCCESS;
}

pl_chat_reader_t *pl_chat_reader_create_for(apr_pool_t *p, pl_server_kind_e kind,
                                            pl_chat_event_fn *fn, void *baton)
{
    pl_chat_reader_t *r = apr_pcalloc(p, sizeof(*r));

    r->p = p;
    r->fn = fn;
    r->baton = baton;
    r->lines = pl_lines_create(p, PL_CHAT_LINE_MAX,
                               kind == PL_SERVER_OPENAI ? sse_line : ndjson_line, r);
    return r;
}

pl_chat_reader_t *pl_chat_reader_create(apr_pool_t *p, pl_chat_event_fn *fn, void *baton)
{
    return pl_chat_reader_create_for(p, PL_SERVER_OLLAMA, fn, baton);
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

apr_status_t pl_chat_reader_feed(pl_chat_reader_t *r, const char *data, apr_size_t len)
{
    apr_status_t rv = pl_lines_feed(r->lines, data, len);

    return rv == PL_ETOOBIG ? PL_EUPSTREAM : rv;
}
