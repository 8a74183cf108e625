/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_rpc_parse, which reads every POST to /api/v1/mcp
 * before anything else, and for the reply envelopes built from what it
 * read. The first byte picks the batch cap (1 + byte % 32), the rest is
 * the body. Contracts, against Jansson alone as the oracle: the verdict is
 * one of success, PL_EJSON, PL_EINVAL, each with a reason; what is read as
 * messages is a JSON document Jansson reads too (an array exactly when it
 * is a batch, within the cap and not empty); each message is of one kind
 * with the members that kind needs (a request: an id that is a string or an
 * integer equal to the document's, the method the document names, params
 * an object or absent; a notification: no id; an invalid message: -32600
 * and a reason); every reply and error envelope built from a message is
 * valid JSON with its id intact. t/fuzz/mcp_rpc.t seeds it. */
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "core/pl_status.h"
#include "mcp/pl_mcp_rpc.h"

/* The document's message i (or the document itself). */
static json_t *element(json_t *doc, int batch, size_t i)
{
    return batch ? json_array_get(doc, i) : doc;
}

static void check_envelope(const char *text, const char *id)
{
    json_error_t e;
    json_t *reply = json_loads(text, JSON_REJECT_DUPLICATES, &e), *want;

    require(reply && json_is_object(reply));
    require(json_is_string(json_object_get(reply, "jsonrpc"))
            && !strcmp(json_string_value(json_object_get(reply, "jsonrpc")), "2.0"));
    want = id ? json_loads(id, JSON_DECODE_ANY, &e) : json_null();
    require(want && json_equal(json_object_get(reply, "id"), want));
    json_decref(want);
    json_decref(reply);
}

static void check_message(apr_pool_t *p, const pl_rpc_msg_t *m, json_t *src)
{
    json_error_t e;
    json_t *id;

    if (m->id) {
        id = json_loads(m->id, JSON_DECODE_ANY, &e);
        require(id && (json_is_string(id) || json_is_integer(id)));
        require(json_equal(id, json_object_get(src, "id")));
        json_decref(id);
    }
    switch (m->kind) {
    case PL_RPC_REQUEST:
        require(m->id && m->method && *m->method);
        require(!strcmp(m->method, json_string_value(json_object_get(src, "method"))));
        require(!strcmp(json_string_value(json_object_get(src, "jsonrpc")), "2.0"));
        require(!json_object_get(src, "params") || (m->params && json_is_object(
                    json_object_get(src, "params"))));
        break;
    case PL_RPC_NOTIFICATION:
        require(!m->id && m->method && *m->method && !json_object_get(src, "id"));
        break;
    case PL_RPC_RESPONSE:
        require(m->id && !m->method);
        break;
    case PL_RPC_INVALID:
        require(m->code == PL_RPC_INVALID_REQUEST && m->why && *m->why);
        break;
    default:
        require(!"a kind of its own");
    }
    check_envelope(pl_rpc_result(p, m->id, "{}"), m->id);
    check_envelope(pl_rpc_error(p, m->id, m->kind == PL_RPC_INVALID ? m->code
                                : PL_RPC_METHOD_NOT_FOUND, m->why ? m->why : m->method,
                                NULL), m->id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_array_header_t *msgs = NULL;
    const char *why = NULL, *body;
    json_error_t e;
    json_t *doc;
    apr_status_t rv;
    int cap, batch = -1, i;

    if (size < 1)
        return 0;
    p = fuzz_pool();
    cap = 1 + data[0] % 32;
    body = fuzz_copy(p, data + 1, size - 1, 0);
    rv = pl_rpc_parse(p, body, size - 1, 16, cap, &msgs, &batch, &why);
    require(rv == APR_SUCCESS || rv == PL_EJSON || rv == PL_EINVAL);
    require(msgs && (batch == 0 || batch == 1));
    if (rv != APR_SUCCESS) {
        require(why && *why);
        check_envelope(pl_rpc_error(p, NULL, rv == PL_EJSON ? PL_RPC_PARSE_ERROR
                                    : PL_RPC_INVALID_REQUEST, why, NULL), NULL);
        apr_pool_destroy(p);
        return 0;
    }
    doc = json_loadb(body, size - 1, JSON_DECODE_ANY, &e);
    require(doc && (json_is_array(doc) == batch));
    require(batch ? (msgs->nelts >= 1 && msgs->nelts <= cap
                     && (size_t)msgs->nelts == json_array_size(doc))
                  : msgs->nelts == 1);
    for (i = 0; i < msgs->nelts; i++)
        check_message(p, APR_ARRAY_IDX(msgs, i, pl_rpc_msg_t *), element(doc, batch, (size_t)i));
    json_decref(doc);
    apr_pool_destroy(p);
    return 0;
}
