/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC 2.0 as MCP carries it: the messages of one POST body (one
 * message, or a batch where the revision allows one) told apart and checked,
 * and the reply envelopes. MCP narrows JSON-RPC: an id is a string or an
 * integer, never null; params, when given, are an object. The parse is
 * strict (pl_json): a body that is not one JSON document is a parse error,
 * a value that is not a message is an invalid request, each with the code
 * JSON-RPC gives it. */
#ifndef PL_MCP_RPC_H
#define PL_MCP_RPC_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "core/pl_json.h"
#include "core/pl_jsonw.h"

#define PL_RPC_PARSE_ERROR      (-32700)
#define PL_RPC_INVALID_REQUEST  (-32600)
#define PL_RPC_METHOD_NOT_FOUND (-32601)
#define PL_RPC_INVALID_PARAMS   (-32602)
#define PL_RPC_INTERNAL_ERROR   (-32603)
#define PL_RPC_RESOURCE_NOT_FOUND (-32002)   /* MCP's code for resources/read */

typedef enum {
    PL_RPC_REQUEST = 0,   /* method and id: answered */
    PL_RPC_NOTIFICATION,  /* method, no id: never answered */
    PL_RPC_RESPONSE,      /* result or error with an id: a client's answer */
    PL_RPC_INVALID        /* answered with code and why (id when one was readable) */
} pl_rpc_kind_e;

typedef struct {
    pl_rpc_kind_e kind;
    const char *id;       /* the id as JSON text ("7", "\"a\""); NULL when none */
    const char *method;
    pl_json_t *params;    /* the params object; NULL when absent */
    int code;             /* PL_RPC_INVALID: the error code */
    const char *why;      /* PL_RPC_INVALID: the message */
} pl_rpc_msg_t;

/* Parses a body of len bytes into *msgs (pl_rpc_msg_t *, in order) and
 * *batch (1 when it was an array). Returns APR_SUCCESS, or PL_EJSON with
 * *why for text that is not one JSON document (-32700), or PL_EINVAL with
 * *why for a body that is no message at all: a scalar, an empty array, a
 * batch of more than max_batch (-32600). An element that is not a valid
 * message is one PL_RPC_INVALID in *msgs, so its neighbours still run. */
apr_status_t pl_rpc_parse(apr_pool_t *p, const char *body, apr_size_t len, int max_depth,
                          int max_batch, apr_array_header_t **msgs, int *batch,
                          const char **why);

/* The reply to id (JSON text, NULL for null) carrying result (JSON text of
 * ours). */
const char *pl_rpc_result(apr_pool_t *p, const char *id, const char *result);
/* The error reply: data (JSON text of ours) may be NULL. */
const char *pl_rpc_error(apr_pool_t *p, const char *id, int code, const char *message,
                         const char *data);
/* A notification of ours: params is JSON text. */
const char *pl_rpc_notification(apr_pool_t *p, const char *method, const char *params);

#endif
