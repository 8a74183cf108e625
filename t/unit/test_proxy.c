/* SPDX-License-Identifier: Apache-2.0 */
/* pl_proxy: the Ollama-compatible proxy's request checks, merged model
 * lists and version order; and the raw lines pl_chat hands a relay.
 * pl_proxy_openai: the OpenAI side's request checks and the body sent
 * upstream, usage, error types, the /v1/models list, the SSE events. */
#include "unit.h"
#include "chat/pl_chat.h"
#include "chat/pl_proxy.h"
#include "chat/pl_proxy_openai.h"
#include "core/pl_status.h"

static pl_json_t *parse(apr_pool_t *p, const char *text)
{
    pl_json_t *j;
    const char *why;

    assert_int_equal(pl_json_parse(&j, p, text, strlen(text), 8, &why), APR_SUCCESS);
    return j;
}

static void requests_table(void **state)
{
    static const struct {
        const char *body;
        const char *model;      /* NULL: refused with why */
        int stream;
        const char *why;
    } cases[] = {
        { "{\"model\":\"llama3.2\"}", "llama3.2", 1, NULL },
        { "{\"model\":\"llama3.2\",\"stream\":false}", "llama3.2", 0, NULL },
        { "{\"model\":\"llama3.2\",\"stream\":null}", "llama3.2", 1, NULL },
        { "{\"model\":\"m\",\"stream\":true}", "m", 1, NULL },
        { "{\"name\":\"old:7b\",\"stream\":false}", "old:7b", 0, NULL },
        { "{\"model\":\"new\",\"name\":\"old\"}", "new", 1, NULL },
        { "{}", NULL, 0, "model is required" },
        { "{\"model\":\"\"}", NULL, 0, "model is required" },
        { "{\"model\":null}", NULL, 0, "model is required" },
        { "{\"model\":42}", NULL, 0, "model must be a string" },
        { "{\"model\":[\"a\"]}", NULL, 0, "model must be a string" },
        { "{\"model\":\"a\\nb\"}", NULL, 0, "invalid model name" },
        { "{\"model\":\"m\",\"stream\":\"yes\"}", NULL, 0, "stream must be true or false" },
        { "{\"model\":\"m\",\"stream\":1}", NULL, 0, "stream must be true or false" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *model = NULL, *why = NULL;
        int stream = -1;
        apr_status_t rv = pl_proxy_request(parse(*state, cases[i].body), &model, &stream, &why);
        if (cases[i].model) {
            if (rv != APR_SUCCESS)
                fail_msg("%s: refused (%s)", cases[i].body, why);
            assert_string_equal(model, cases[i].model);
            assert_int_equal(stream, cases[i].stream);
        }
        else {
            assert_int_equal(rv, PL_EINVAL);
            assert_string_equal(why, cases[i].why);
        }
    }
}

static void stream_ignored_where_nothing_streams(void **state)
{
    const char *model = NULL, *why;

    assert_int_equal(pl_proxy_request(parse(*state, "{\"model\":\"e\",\"stream\":\"yes\"}"), &model,
                                      NULL, &why), APR_SUCCESS);
    assert_string_equal(model, "e");
}

static void long_model_name(void **state)
{
    char *body = apr_pstrcat(*state, "{\"model\":\"", apr_psprintf(*state, "%0*d", PL_PROXY_MODEL_MAX + 1, 0),
                             "\"}", NULL);
    const char *model, *why;
    int stream;

    assert_int_equal(pl_proxy_request(parse(*state, body), &model, &stream, &why), PL_EINVAL);
    assert_string_equal(why, "invalid model name");
}

static void lists_merge_first_wins(void **state)
{
    pl_proxy_list_t *l = pl_proxy_list_create(*state);
    const char *a = "{\"models\":[{\"name\":\"llama3.2:latest\",\"size\":1,\"details\":{\"family\":\"llama\"}},"
                    "{\"model\":\"qwen3:0.6b\",\"size\":2}]}";
    const char *b = "{\"models\":[{\"name\":\"llama3.2:latest\",\"size\":99},{\"name\":\"onlyb\"},"
                    "\"not an object\",{\"size\":5}]}";
    const char *why = NULL, *text;
    apr_size_t len;

    assert_int_equal(pl_proxy_list_add(l, a, strlen(a), &why), APR_SUCCESS);
    assert_int_equal(pl_proxy_list_add(l, b, strlen(b), &why), APR_SUCCESS);
    assert_int_equal(pl_proxy_list_add(l, "{\"version\":\"1\"}", 15, &why), PL_EUPSTREAM);
    assert_string_equal(why, "the model list is missing from the reply");
    assert_int_equal(pl_proxy_list_add(l, "not json", 8, &why), PL_EUPSTREAM);
    text = pl_proxy_list_text(l, &len);
    assert_string_equal(text, "{\"models\":[{\"name\":\"llama3.2:latest\",\"size\":1,\"details\":{\"family\":\"llama\"}},"
                              "{\"model\":\"qwen3:0.6b\",\"size\":2},{\"name\":\"onlyb\"}]}");
    assert_int_equal(len, strlen(text));
    assert_string_equal(pl_proxy_list_text(l, NULL), text);
    assert_int_equal(pl_proxy_list_add(l, a, strlen(a), &why), PL_EINVAL);
}

static void empty_list(void **state)
{
    assert_string_equal(pl_proxy_list_text(pl_proxy_list_create(*state), NULL), "{\"models\":[]}");
}

static void versions_in_order(void **state)
{
    static const struct { const char *a, *b; int sign; } cases[] = {
        { "0.12.6", "0.12.6", 0 }, { "0.11.4", "0.12.6", -1 }, { "0.12.10", "0.12.9", 1 },
        { "v0.5.1", "0.5.1", 0 }, { "0.6.0-rc2", "0.6.0", -1 }, { "0.6.0", "0.6.0-rc2", 1 },
        { "1", "0.99.99", 1 }, { "0.5", "0.5.0", 0 }, { "0.5.1+build", "0.5.1", 0 },
        { "garbage", "0.0.1", -1 }, { "0.0.1", "", 1 }, { "0.1.x", "0.1.0", -1 },
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = pl_proxy_version_cmp(cases[i].a, cases[i].b);
        if ((got > 0) - (got < 0) != cases[i].sign)
            fail_msg("%s vs %s: got %d, want sign %d", cases[i].a, cases[i].b, got, cases[i].sign);
    }
}

typedef struct {
    apr_pool_t *p;
    const char *lines;
    int done, stop_after;
    int n;
} relay_t;

static int on_line(void *baton, const char *line, apr_size_t len)
{
    relay_t *r = baton;

    r->lines = apr_pstrcat(r->p, r->lines, apr_pstrmemdup(r->p, line, len), "|", NULL);
    return ++r->n == r->stop_after;
}

static int on_event(void *baton, const pl_chat_event_t *ev)
{
    relay_t *r = baton;

    if (ev->type == PL_CHAT_DONE)
        r->done = (int)ev->completion_tokens;
    return 0;
}

static void reader_hands_raw_lines(void **state)
{
    relay_t r = { *state, "", 0, 0, 0 };
    pl_chat_reader_t *rd = pl_chat_reader_create(*state, on_event, &r);
    const char *in = "{\"message\":{\"content\":\"a\"},  \"done\":false}\n\n{\"done\":true,\"eval_count\":3}\n";

    pl_chat_reader_on_line(rd, on_line, &r);
    /* byte by byte: lines are whole whatever the pieces */
    for (; *in; in++)
        assert_int_equal(pl_chat_reader_feed(rd, in, 1), APR_SUCCESS);
    assert_string_equal(r.lines, "{\"message\":{\"content\":\"a\"},  \"done\":false}|{\"done\":true,\"eval_count\":3}|");
    assert_int_equal(r.done, 3);
    assert_true(pl_chat_reader_done(rd));
}

static void reader_line_hook_stops_and_skips_bad(void **state)
{
    relay_t r = { *state, "", 0, 1, 0 };
    pl_chat_reader_t *rd = pl_chat_reader_create(*state, on_event, &r);
    const char *two = "{\"a\":1}\n{\"b\":2}\n";

    pl_chat_reader_on_line(rd, on_line, &r);
    assert_int_equal(pl_chat_reader_feed(rd, two, strlen(two)), APR_EINTR);
    assert_string_equal(r.lines, "{\"a\":1}|");
    rd = pl_chat_reader_create(*state, on_event, &r);
    pl_chat_reader_on_line(rd, on_line, &r);
    r.lines = "";
    assert_int_equal(pl_chat_reader_feed(rd, "[1]\n", 4), PL_EUPSTREAM);
    assert_int_equal(pl_chat_reader_feed(rd, "{x\n", 3), PL_EUPSTREAM);
    assert_string_equal(r.lines, "");
}

static void openai_requests_table(void **state)
{
    static const struct {
        const char *body;
        int streams;
        const char *model;      /* NULL: refused with why */
        int stream, wants_usage;
        const char *upstream;   /* NULL: the client's bytes */
        const char *why;
    } cases[] = {
        { "{\"model\":\"m\"}", 1, "m", 0, 0, NULL, NULL },
        { "{\"model\":\"m\",\"stream\":false}", 1, "m", 0, 0, NULL, NULL },
        { "{\"model\":\"m\",\"stream\":null}", 1, "m", 0, 0, NULL, NULL },
        { "{\"model\":\"m\",\"stream\":true,\"tools\":[{\"type\":\"function\"}]}", 1, "m", 1, 0,
          "{\"model\":\"m\",\"stream\":true,\"tools\":[{\"type\":\"function\"}],"
          "\"stream_options\":{\"include_usage\":true}}", NULL },
        { "{\"stream_options\":{\"include_usage\":false,\"x\":1},\"model\":\"m\",\"stream\":true}", 1, "m", 1, 0,
          "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"x\":1,\"include_usage\":true}}", NULL },
        { "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", 1, "m", 1, 1, NULL, NULL },
        { "{\"model\":\"m\",\"stream\":\"yes\"}", 0, "m", 0, 0, NULL, NULL },
        { "{\"name\":\"m\"}", 1, NULL, 0, 0, NULL, "model is required" },
        { "{}", 1, NULL, 0, 0, NULL, "model is required" },
        { "{\"model\":\"\"}", 1, NULL, 0, 0, NULL, "model is required" },
        { "{\"model\":7}", 1, NULL, 0, 0, NULL, "model must be a string" },
        { "{\"model\":\"m\",\"stream\":\"yes\"}", 1, NULL, 0, 0, NULL, "stream must be true or false" },
        { "{\"model\":\"m\",\"stream_options\":true}", 1, NULL, 0, 0, NULL, "stream_options must be an object" },
        { "[1]", 1, NULL, 0, 0, NULL, "the request body must be a JSON object" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pl_proxy_openai_t o;
        const char *why = NULL;
        apr_status_t rv = pl_proxy_openai_request(*state, parse(*state, cases[i].body),
                                                  cases[i].streams, &o, &why);
        if (!cases[i].model) {
            assert_int_equal(rv, PL_EINVAL);
            assert_string_equal(why, cases[i].why);
            continue;
        }
        assert_int_equal(rv, APR_SUCCESS);
        assert_string_equal(o.model, cases[i].model);
        assert_int_equal(o.stream, cases[i].stream);
        assert_int_equal(o.wants_usage, cases[i].wants_usage);
        if (cases[i].upstream)
            assert_string_equal(o.body, cases[i].upstream);
        else
            assert_null(o.body);
    }
}

static void usage_chunks(void **state)
{
    static const char *const yes[] = { "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}",
                                       "{\"usage\":{\"completion_tokens\":2}}" };
    static const char *const no[] = { "{\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":1}}",
                                      "{\"choices\":[]}", "{\"choices\":[],\"usage\":null}", "not json" };
    apr_int64_t in = 0, out = 0;
    apr_size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_true(pl_proxy_openai_usage_only(*state, yes[i], strlen(yes[i])));
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_false(pl_proxy_openai_usage_only(*state, no[i], strlen(no[i])));
    pl_proxy_openai_usage(*state, parse(*state, "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}"),
                          &in, &out);
    assert_int_equal(in, 3);
    assert_int_equal(out, 4);
    pl_proxy_openai_usage(*state, parse(*state, "{\"object\":\"list\"}"), &in, &out);
    assert_int_equal(in, 3);
}

static void error_types(void **state)
{
    (void)state;
    assert_string_equal(pl_proxy_openai_error_type(400), "invalid_request_error");
    assert_string_equal(pl_proxy_openai_error_type(413), "invalid_request_error");
    assert_string_equal(pl_proxy_openai_error_type(401), "authentication_error");
    assert_string_equal(pl_proxy_openai_error_type(403), "permission_error");
    assert_string_equal(pl_proxy_openai_error_type(404), "not_found_error");
    assert_string_equal(pl_proxy_openai_error_type(429), "rate_limit_error");
    assert_string_equal(pl_proxy_openai_error_type(502), "api_error");
    assert_string_equal(pl_proxy_openai_error_type(503), "api_error");
}

static void model_lists_merge_by_id(void **state)
{
    pl_proxy_list_t *l = pl_proxy_list_create_openai(*state);
    const char *a = "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"owned_by\":\"library\"},"
                    "{\"id\":\"gpt/x\",\"created\":1}]}";
    const char *b = "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"owned_by\":\"other\"},"
                    "{\"id\":\"onlyb:latest\"}]}";
    const char *why = NULL;

    assert_int_equal(pl_proxy_list_add(l, a, strlen(a), &why), APR_SUCCESS);
    assert_int_equal(pl_proxy_list_add(l, b, strlen(b), &why), APR_SUCCESS);
    assert_int_equal(pl_proxy_list_add(l, "{\"models\":[]}", 13, &why), PL_EUPSTREAM);
    assert_string_equal(pl_proxy_list_find(l, "llama3.2"), "{\"id\":\"llama3.2:latest\",\"owned_by\":\"library\"}");
    assert_string_equal(pl_proxy_list_find(l, "onlyb:latest"), "{\"id\":\"onlyb:latest\"}");
    assert_string_equal(pl_proxy_list_find(l, "gpt/x"), "{\"id\":\"gpt/x\",\"created\":1}");
    assert_null(pl_proxy_list_find(l, "llama3.2:1b"));
    assert_null(pl_proxy_list_find(l, "gpt"));
    assert_string_equal(pl_proxy_list_text(l, NULL),
                        "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"owned_by\":\"library\"},"
                        "{\"id\":\"gpt/x\",\"created\":1},{\"id\":\"onlyb:latest\"}]}");
}

static void sse_reader_hands_event_data(void **state)
{
    relay_t r = { *state, "", 0, 0, 0 };
    pl_chat_reader_t *rd = pl_chat_reader_create_for(*state, PL_SERVER_OPENAI, on_event, &r);
    const char *in = ": comment\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                     "data: {\"choices\":[],\"usage\":{\"completion_tokens\":5}}\n\ndata: [DONE]\n\n";

    pl_chat_reader_on_line(rd, on_line, &r);
    for (; *in; in++)
        assert_int_equal(pl_chat_reader_feed(rd, in, 1), APR_SUCCESS);
    assert_string_equal(r.lines, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}|"
                                 "{\"choices\":[],\"usage\":{\"completion_tokens\":5}}|");
    assert_int_equal(r.done, 5);
    assert_true(pl_chat_reader_done(rd));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(requests_table),
        UNIT_TEST(stream_ignored_where_nothing_streams),
        UNIT_TEST(long_model_name),
        UNIT_TEST(lists_merge_first_wins),
        UNIT_TEST(empty_list),
        UNIT_TEST(versions_in_order),
        UNIT_TEST(reader_hands_raw_lines),
        UNIT_TEST(reader_line_hook_stops_and_skips_bad),
        UNIT_TEST(openai_requests_table),
        UNIT_TEST(usage_chunks),
        UNIT_TEST(error_types),
        UNIT_TEST(model_lists_merge_by_id),
        UNIT_TEST(sse_reader_hands_event_data),
    };
    return UNIT_RUN(tests);
}
