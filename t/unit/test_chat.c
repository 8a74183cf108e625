/* SPDX-License-Identifier: Apache-2.0 */
/* pl_chat: the replies of model servers read as they arrive, in pieces of
 * any size: OpenAI-compatible Server-Sent Events (as Ollama's /v1 and
 * others send them) and Ollama's NDJSON; and the request translated for
 * /v1/chat/completions. */
#include "unit.h"
#include "chat/pl_chat.h"
#include "core/pl_json.h"
#include "core/pl_status.h"

typedef struct {
    apr_pool_t *p;
    char log[4096];               /* "T:tok|H:think|D:12/34/stop|E:msg|" */
    int stop_after;               /* stop (return 1) after this many events; 0: never */
    int events;
} seen_t;

static int record(void *baton, const pl_chat_event_t *ev)
{
    seen_t *s = baton;
    const char *add = "";

    switch (ev->type) {
    case PL_CHAT_TOKEN:    add = apr_pstrcat(s->p, "T:", ev->text, "|", NULL); break;
    case PL_CHAT_THINKING: add = apr_pstrcat(s->p, "H:", ev->text, "|", NULL); break;
    case PL_CHAT_ERROR:    add = apr_pstrcat(s->p, "E:", ev->text, "|", NULL); break;
    case PL_CHAT_TOOL_CALL:
        add = apr_pstrcat(s->p, "C:", ev->call->name, "#", ev->call->id, "=", ev->call->arguments,
                          "|", NULL);
        break;
    case PL_CHAT_DONE:
        add = apr_psprintf(s->p, "D:%" APR_INT64_T_FMT "/%" APR_INT64_T_FMT "/%s|",
                           ev->prompt_tokens, ev->completion_tokens,
                           ev->done_reason ? ev->done_reason : "-");
        break;
    }
    apr_cpystrn(s->log + strlen(s->log), add, sizeof(s->log) - strlen(s->log));
    return s->stop_after && ++s->events >= s->stop_after;
}

/* Feeds text in pieces of size step (0: all at once); returns the last status. */
static apr_status_t feed(pl_chat_reader_t *r, const char *text, apr_size_t step)
{
    apr_size_t len = strlen(text), at = 0;
    apr_status_t rv = APR_SUCCESS;

    if (!step)
        step = len;
    while (at < len && rv == APR_SUCCESS) {
        apr_size_t n = len - at < step ? len - at : step;
        rv = pl_chat_reader_feed(r, text + at, n);
        at += n;
    }
    return rv;
}

/* What Ollama's /v1/chat/completions streams with include_usage (OLLAMA.md 8). */
static const char *const OPENAI_STREAM =
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":\"Echo:\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\" h\\u00e9llo\"},"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n"
    "data: [DONE]\n\n";

static void openai_stream_in_any_pieces(void **state)
{
    static const apr_size_t steps[] = { 0, 1, 2, 3, 7, 64, 100 };
    apr_size_t i;

    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        seen_t s = { *state, "", 0, 0 };
        pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);
        assert_int_equal(feed(r, OPENAI_STREAM, steps[i]), APR_SUCCESS);
        assert_string_equal(s.log, "T:Echo:|T: h\xc3\xa9llo|D:12/3/stop|");
        assert_true(pl_chat_reader_done(r));
    }
}

static void openai_reasoning_is_thinking(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);

    assert_int_equal(feed(r, "data: {\"choices\":[{\"delta\":{\"reasoning\":\"Let me\"}}]}\n\n"
                             "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\" think\"}}]}\n\n"
                             "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                             "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                             "data: [DONE]\n\n", 5), APR_SUCCESS);
    /* no usage chunk: the counts are unknown (0), the reason is kept */
    assert_string_equal(s.log, "H:Let me|H: think|T:Hi|D:0/0/length|");
}

/* CRLF, comments, event:/id:/retry: lines, "data:" without a space, and an
 * event spread over several data lines (joined by "\n", as SSE says). */
static void openai_sse_framing(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);

    assert_int_equal(feed(r, ": keep-alive\r\n\r\n"
                             "event: message\r\nid: 1\r\nretry: 100\r\n"
                             "data:{\"choices\":[{\"delta\":\r\n"
                             "data: {\"content\":\"a\"}}]}\r\n\r\n"
                             "data: [DONE]\r\n\r\n", 4), APR_SUCCESS);
    assert_string_equal(s.log, "T:a|D:0/0/-|");
    assert_true(pl_chat_reader_done(r));
}

static void openai_errors(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);

    assert_int_equal(feed(r, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
                             "data: {\"error\":{\"message\":\"model crashed\",\"type\":\"api_error\","
                             "\"param\":null,\"code\":null}}\n\n", 0), APR_SUCCESS);
    assert_string_equal(s.log, "T:x|E:model crashed|");
    assert_false(pl_chat_reader_done(r));   /* no [DONE]: the stream did not finish */

    r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);
    assert_int_equal(feed(r, "data: {\"id\":\"c\",\"object\":not-json\n\n", 3), PL_EUPSTREAM);
    r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);
    assert_int_equal(feed(r, "data: [1,2]\n\n", 0), PL_EUPSTREAM);
}

/* A line that never ends stops at the cap instead of growing memory. */
static void openai_line_cap(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);
    apr_size_t n = PL_CHAT_LINE_MAX + 16, i;
    char *big = apr_palloc(*state, n + 1);
    apr_status_t rv = APR_SUCCESS;

    memcpy(big, "data: {\"x\":\"", 12);
    memset(big + 12, 'a', n - 12);
    big[n] = '\0';
    for (i = 0; i < n && rv == APR_SUCCESS; i += 65536)
        rv = pl_chat_reader_feed(r, big + i, n - i < 65536 ? n - i : 65536);
    assert_int_equal(rv, PL_EUPSTREAM);
}

static void callback_stops_reading(void **state)
{
    seen_t s = { *state, "", 1, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);

    assert_int_equal(feed(r, OPENAI_STREAM, 0), APR_EINTR);
    assert_string_equal(s.log, "T:Echo:|");
}

static void ollama_ndjson(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create(*state, record, &s);

    assert_int_equal(feed(r, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\","
                             "\"thinking\":\"hm\"},\"done\":false}\n"
                             "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                             "\"done\":false}\n"
                             "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                             "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":26,"
                             "\"eval_count\":282,\"eval_duration\":4535599000}\n", 9), APR_SUCCESS);
    assert_string_equal(s.log, "H:hm|T:Hi|D:26/282/stop|");
    assert_true(pl_chat_reader_done(r));
    r = pl_chat_reader_create(*state, record, &s);
    assert_int_equal(feed(r, "{\"model\":\"m\",\"created_at\":not-json\n", 0), PL_EUPSTREAM);
}

static void request_for_openai(void **state)
{
    const char *ollama = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                         "{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"think\":false,"
                         "\"keep_alive\":\"5m\",\"options\":{\"temperature\":0.2,\"top_k\":40,"
                         "\"num_ctx\":2048,\"num_predict\":64,\"seed\":7,\"stop\":[\"###\"]}}";
    const char *out = pl_chat_request_openai(*state, ollama), *why;
    pl_json_t *j, *so;
    double d;
    apr_int64_t n;

    assert_non_null(out);
    assert_int_equal(pl_json_parse(&j, *state, out, strlen(out), 8, &why), APR_SUCCESS);
    assert_string_equal(pl_json_get_str(j, "model"), "llama3.2");
    assert_true(pl_json_is_true(j, "stream"));
    so = pl_json_get_object(*state, j, "stream_options");
    assert_non_null(so);
    assert_true(pl_json_is_true(so, "include_usage"));
    assert_int_equal(pl_json_array_size(pl_json_get_array(*state, j, "messages")), 2);
    assert_true(pl_json_get_number(j, "temperature", &d) && d == 0.2);
    assert_true(pl_json_get_int(j, "max_tokens", &n) && n == 64);
    assert_true(pl_json_get_int(j, "seed", &n) && n == 7);
    assert_int_equal(pl_json_type_of(j, "stop"), PL_JSON_ARRAY);
    /* what OpenAI's API has no name for stays out */
    assert_int_equal(pl_json_type_of(j, "top_k"), PL_JSON_ABSENT);
    assert_int_equal(pl_json_type_of(j, "num_ctx"), PL_JSON_ABSENT);
    assert_int_equal(pl_json_type_of(j, "options"), PL_JSON_ABSENT);
    assert_int_equal(pl_json_type_of(j, "keep_alive"), PL_JSON_ABSENT);
    assert_null(pl_chat_request_openai(*state, "not json"));
}

/* Ollama sends a call in one chunk, arguments as an object. */
static void ollama_tool_calls(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create(*state, record, &s);

    assert_int_equal(feed(r, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\","
                             "\"tool_calls\":[{\"id\":\"call_ab12cd34\",\"function\":{\"index\":0,"
                             "\"name\":\"get_plan\",\"arguments\":{\"project_id\":3}}}]},\"done\":false}\n"
                             "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                             "\"done\":true,\"done_reason\":\"stop\"}\n", 7), APR_SUCCESS);
    assert_string_equal(s.log, "C:get_plan#call_ab12cd34={\"project_id\":3}|D:0/0/stop|");
}

/* OpenAI streams a call's arguments in fragments; the call is whole at [DONE]. */
static void openai_tool_calls(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_chat_reader_t *r = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, record, &s);

    assert_int_equal(feed(r,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
        "\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"pa\"}}]}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"function\":{\"arguments\":\"th\\\":\\\"a.c\\\"}\"}}]}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
        "data: [DONE]\n\n", 5), APR_SUCCESS);
    assert_string_equal(s.log, "C:read_file#c1={\"path\":\"a.c\"}|D:0/0/tool_calls|");
}

/* A branch with a call and its result goes to Ollama with tool_calls (an
 * object) and tool_name, to OpenAI with a string and tool_call_id. */
static void request_with_tools(void **state)
{
    apr_pool_t *p = *state;
    pl_thread_t t;
    pl_message_t q = { 0 }, a = { 0 }, res = { 0 };
    apr_array_header_t *branch = apr_array_make(p, 3, sizeof(pl_message_t *));
    const char *body, *openai, *why;
    pl_json_t *j, *msgs, *m, *calls, *fn;

    memset(&t, 0, sizeof(t));
    t.options = "{}";
    q.role = "user";
    q.content = "get_plan please";
    a.role = "assistant";
    a.content = "";
    a.tool_calls = "[{\"id\":\"call_1\",\"function\":{\"name\":\"get_plan\",\"arguments\":{}}}]";
    res.role = "tool";
    res.content = "{\"version\":1}";
    res.tool_name = "get_plan";
    res.tool_call_id = "call_1";
    APR_ARRAY_PUSH(branch, pl_message_t *) = &q;
    APR_ARRAY_PUSH(branch, pl_message_t *) = &a;
    APR_ARRAY_PUSH(branch, pl_message_t *) = &res;
    body = pl_chat_request_tools(p, &t, "llama3.2", branch, 1, "[{\"type\":\"function\"}]");
    assert_int_equal(pl_json_parse(&j, p, body, strlen(body), 16, &why), APR_SUCCESS);
    assert_int_equal(pl_json_array_size(pl_json_get_array(p, j, "tools")), 1);
    msgs = pl_json_get_array(p, j, "messages");
    m = pl_json_array_get(p, msgs, 1);
    calls = pl_json_get_array(p, m, "tool_calls");
    fn = pl_json_get_object(p, pl_json_array_get(p, calls, 0), "function");
    assert_int_equal(pl_json_type_of(fn, "arguments"), PL_JSON_OBJECT);
    m = pl_json_array_get(p, msgs, 2);
    assert_string_equal(pl_json_get_str(m, "role"), "tool");
    assert_string_equal(pl_json_get_str(m, "tool_name"), "get_plan");
    openai = pl_chat_request_openai(p, body);
    assert_int_equal(pl_json_parse(&j, p, openai, strlen(openai), 16, &why), APR_SUCCESS);
    assert_int_equal(pl_json_array_size(pl_json_get_array(p, j, "tools")), 1);
    msgs = pl_json_get_array(p, j, "messages");
    calls = pl_json_get_array(p, pl_json_array_get(p, msgs, 1), "tool_calls");
    fn = pl_json_get_object(p, pl_json_array_get(p, calls, 0), "function");
    assert_string_equal(pl_json_get_str(fn, "arguments"), "{}");
    assert_string_equal(pl_json_get_str(pl_json_array_get(p, calls, 0), "type"), "function");
    assert_string_equal(pl_json_get_str(pl_json_array_get(p, msgs, 2), "tool_call_id"), "call_1");
    /* without tools, no "tools" member */
    body = pl_chat_request(p, &t, "llama3.2", branch, 1);
    assert_null(strstr(body, "\"tools\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(openai_stream_in_any_pieces),
        UNIT_TEST(openai_reasoning_is_thinking),
        UNIT_TEST(openai_sse_framing),
        UNIT_TEST(openai_errors),
        UNIT_TEST(openai_line_cap),
        UNIT_TEST(callback_stops_reading),
        UNIT_TEST(ollama_ndjson),
        UNIT_TEST(request_for_openai),
        UNIT_TEST(ollama_tool_calls),
        UNIT_TEST(openai_tool_calls),
        UNIT_TEST(request_with_tools),
    };
    return UNIT_RUN(tests);
}
