/* SPDX-License-Identifier: Apache-2.0 */
/* Tools: the shared registry (lib/tools), never tools of MCP's own. The
 * list holds the tools the caller's role (narrowed by its key's scope)
 * allows; a call runs through pl_tools_call_parsed, which checks the
 * arguments against the tool's schema, the caller's role in the project
 * and the key's project limit. Whatever the tool reports as a failure (a
 * bad argument included, as 2025-11-25 asks) is a result with isError, so
 * the model can read it; only an unknown tool or malformed params are
 * JSON-RPC errors. */
#include <apr_strings.h>

#include "mcp/pl_mcp.h"
#include "tools/pl_tools.h"

/* The host's tools context with this request's pool and connection. */
static int tools_ctx(pl_mcp_ctx_t *ctx, pl_tools_ctx_t *t, pl_mcp_err_t *err)
{
    if (!ctx->tools) {
        pl_mcp_fail(err, PL_RPC_INTERNAL_ERROR, "no tools are available here", NULL);
        return 0;
    }
    *t = *ctx->tools;
    t->pool = ctx->p;
    t->db = ctx->db;
    return 1;
}

const char *pl_mcp_tools_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    pl_tools_ctx_t tc;
    apr_array_header_t *tools;
    pl_jsonw_t *w;
    int offset, i;

    if (!pl_mcp_cursor(params, &offset, err) || !tools_ctx(ctx, &tc, err))
        return NULL;
    tools = pl_tools_list(ctx->p, &tc, 1);
    w = pl_jsonw_create(ctx->p, 16384);
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "tools");
    for (i = offset; i < tools->nelts; i++) {
        const pl_tool_t *t = APR_ARRAY_IDX(tools, i, const pl_tool_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "name", t->name);
        pl_jsonw_str(w, "description", t->description);
        pl_jsonw_raw(w, "inputSchema", t->schema);
        pl_jsonw_object(w, "annotations");
        pl_jsonw_bool(w, "readOnlyHint", !t->writes);
        /* a change of the plan is a new version: nothing is lost */
        pl_jsonw_bool(w, "destructiveHint", 0);
        pl_jsonw_bool(w, "openWorldHint", 0);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

const char *pl_mcp_tools_call(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    const char *name = params ? pl_json_get_str(params, "name") : NULL;
    pl_json_t *args = NULL;
    pl_tools_ctx_t tc;
    pl_tools_result_t res;
    const pl_tool_t *t;
    pl_jsonw_t *w;

    if (!name)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "tools/call needs params.name", NULL);
    if (pl_json_type_of(params, "arguments") != PL_JSON_ABSENT
        && !(args = pl_json_get_object(ctx->p, params, "arguments")))
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "arguments must be an object", NULL);
    if (!(t = pl_tools_find(name)))
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS,
                           apr_pstrcat(ctx->p, "Unknown tool: ", name, NULL), NULL);
    if (!tools_ctx(ctx, &tc, err))
        return NULL;
    memset(&res, 0, sizeof(res));
    pl_tools_call_parsed(&tc, t, args, &res);
    w = pl_jsonw_create(ctx->p, 2 * res.len + 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "content");
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "type", "text");
    pl_jsonw_str(w, "text", res.text ? res.text : "{}");
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    /* Structured content came with 2025-06-18; the text is a JSON object. */
    if (!res.error && res.text && strcmp(ctx->version, "2025-03-26"))
        pl_jsonw_raw(w, "structuredContent", res.text);
    pl_jsonw_bool(w, "isError", res.error);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}
