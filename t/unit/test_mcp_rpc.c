/* SPDX-License-Identifier: Apache-2.0 */
/* lib/mcp without a database: the JSON-RPC messages of a body (kinds, ids,
 * the errors JSON-RPC names), the reply envelopes, revision negotiation,
 * and the lifecycle methods through pl_mcp_handle (initialize, ping, an
 * unknown method, notifications and responses that get no reply). */
#include "unit.h"
#include "core/pl_json.h"
#include "core/pl_status.h"
#include "mcp/pl_mcp.h"

static apr_array_header_t *parse(apr_pool_t *p, const char *body, int cap, apr_status_t want,
                                 int *batch)
{
    apr_array_header_t *msgs;
    const char *why = NULL;
    int b = -1;
    apr_status_t rv = pl_rpc_parse(p, body, strlen(body), 16, cap, &msgs, &b, &why);

    if (rv != want)
        fail_msg("%s: status %d, want %d (%s)", body, rv, want, why ? why : "");
    if (rv != APR_SUCCESS)
        assert_true(why && *why);
    if (batch)
        *batch = b;
    return msgs;
}

static pl_rpc_msg_t *msg(const apr_array_header_t *msgs, int i)
{
    return APR_ARRAY_IDX(msgs, i, pl_rpc_msg_t *);
}

static void tells_messages_apart(void **state)
{
    apr_pool_t *p = *state;
    static const struct { const char *body; pl_rpc_kind_e kind; const char *id, *method; } cases[] = {
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", PL_RPC_REQUEST, "1", "ping" },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"method\":\"tools/list\",\"params\":{}}",
          PL_RPC_REQUEST, "\"a\\\"b\"", "tools/list" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", PL_RPC_NOTIFICATION,
          NULL, "notifications/initialized" },
        { "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", PL_RPC_RESPONSE, "3", NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":1,\"message\":\"m\"}}", PL_RPC_RESPONSE,
          "3", NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", PL_RPC_INVALID, NULL, NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", PL_RPC_INVALID, NULL, NULL },
        { "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}", PL_RPC_INVALID, "7", NULL },
        { "{\"id\":7,\"method\":\"ping\"}", PL_RPC_INVALID, "7", NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"\"}", PL_RPC_INVALID, "7", NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":[]}", PL_RPC_INVALID, "7", NULL },
        { "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{},\"error\":{}}", PL_RPC_INVALID, "7", NULL },
        { "{\"jsonrpc\":\"2.0\",\"result\":{}}", PL_RPC_INVALID, NULL, NULL },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int batch;
        pl_rpc_msg_t *m = msg(parse(p, cases[i].body, 20, APR_SUCCESS, &batch), 0);
        assert_int_equal(batch, 0);
        if (m->kind != cases[i].kind)
            fail_msg("%s: kind %d, want %d", cases[i].body, m->kind, cases[i].kind);
        if (cases[i].id)
            assert_string_equal(m->id, cases[i].id);
        else if (m->kind != PL_RPC_INVALID)
            assert_null(m->id);
        if (cases[i].method)
            assert_string_equal(m->method, cases[i].method);
        if (m->kind == PL_RPC_INVALID)
            assert_int_equal(m->code, PL_RPC_INVALID_REQUEST);
    }
}

static void refuses_bodies(void **state)
{
    apr_pool_t *p = *state;

    parse(p, "{\"jsonrpc\":", 20, PL_EJSON, NULL);
    parse(p, "", 20, PL_EJSON, NULL);
    parse(p, "{} {}", 20, PL_EJSON, NULL);
    parse(p, "1,2", 20, PL_EJSON, NULL);
    parse(p, "5", 20, PL_EINVAL, NULL);           /* JSON, but no message */
    parse(p, "\"ping\"", 20, PL_EINVAL, NULL);
    parse(p, "[]", 20, PL_EINVAL, NULL);
    parse(p, "[{},{},{}]", 2, PL_EINVAL, NULL);   /* over the cap */
}

static void reads_batches(void **state)
{
    apr_pool_t *p = *state;
    int batch;
    apr_array_header_t *msgs = parse(p, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},5,"
                                     "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]", 3, APR_SUCCESS, &batch);

    assert_int_equal(batch, 1);
    assert_int_equal(msgs->nelts, 3);
    assert_int_equal(msg(msgs, 0)->kind, PL_RPC_REQUEST);
    assert_int_equal(msg(msgs, 1)->kind, PL_RPC_INVALID);
    assert_int_equal(msg(msgs, 2)->kind, PL_RPC_NOTIFICATION);
}

static void writes_envelopes(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pl_rpc_result(p, "\"x\"", "{}"), "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}");
    assert_string_equal(pl_rpc_error(p, NULL, -32700, "Parse error: \"", NULL),
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                        "\"message\":\"Parse error: \\\"\"}}");
    assert_string_equal(pl_rpc_error(p, "2", -32002, "Resource not found", "{\"uri\":\"u\"}"),
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32002,"
                        "\"message\":\"Resource not found\",\"data\":{\"uri\":\"u\"}}}");
    assert_string_equal(pl_rpc_notification(p, "notifications/progress", "{\"progress\":1}"),
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                        "\"params\":{\"progress\":1}}");
}

static void negotiates_revisions(void **state)
{
    (void)state;
    assert_true(pl_mcp_version_known("2025-11-25"));
    assert_true(pl_mcp_version_known("2025-06-18"));
    assert_true(pl_mcp_version_known("2025-03-26"));
    assert_false(pl_mcp_version_known("2024-11-05"));
    assert_false(pl_mcp_version_known(NULL));
    assert_string_equal(pl_mcp_version_pick("2025-06-18"), "2025-06-18");
    assert_string_equal(pl_mcp_version_pick("2024-11-05"), PL_MCP_LATEST);
    assert_string_equal(pl_mcp_version_pick("2099-01-01"), PL_MCP_LATEST);
    assert_true(pl_mcp_version_batches("2025-03-26"));
    assert_false(pl_mcp_version_batches("2025-06-18"));
    assert_false(pl_mcp_version_batches(PL_MCP_LATEST));
}

static const char *handle(apr_pool_t *p, const char *body)
{
    pl_mcp_ctx_t ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.p = p;
    ctx.version = PL_MCP_LATEST;
    return pl_mcp_handle(&ctx, msg(parse(p, body, 1, APR_SUCCESS, NULL), 0));
}

static void handles_the_lifecycle(void **state)
{
    apr_pool_t *p = *state;
    const char *reply, *err;
    pl_json_t *j, *res;

    reply = handle(p, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                      "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                      "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    assert_int_equal(pl_json_parse(&j, p, reply, strlen(reply), 8, &err), APR_SUCCESS);
    assert_non_null(res = pl_json_get_object(p, j, "result"));
    assert_string_equal(pl_json_get_str(res, "protocolVersion"), "2025-06-18");
    assert_int_equal(pl_json_type_of(pl_json_get_object(p, res, "capabilities"), "tools"),
                     PL_JSON_OBJECT);
    assert_string_equal(pl_json_get_str(pl_json_get_object(p, res, "serverInfo"), "name"),
                        "mod_planning");
    assert_string_equal(handle(p, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}"),
                        "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"result\":{}}");
    assert_string_equal(handle(p, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
                                  "\"params\":{}}"),
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":"
                        "\"initialize needs params.protocolVersion\"}}");
    assert_string_equal(handle(p, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}"),
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":"
                        "\"no method nope\"}}");
    assert_string_equal(handle(p, "{\"jsonrpc\":\"1.0\",\"id\":4,\"method\":\"ping\"}"),
                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32600,\"message\":"
                        "\"jsonrpc must be \\\"2.0\\\"\"}}");
    assert_null(handle(p, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assert_null(handle(p, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(tells_messages_apart),
        UNIT_TEST(refuses_bodies),
        UNIT_TEST(reads_batches),
        UNIT_TEST(writes_envelopes),
        UNIT_TEST(negotiates_revisions),
        UNIT_TEST(handles_the_lifecycle),
    };
    return UNIT_RUN(tests);
}
