/* SPDX-License-Identifier: Apache-2.0 */
/* The lifecycle (initialize, ping, notifications), the method table and
 * what every feature shares: errors, paging, a caller's rights in a project. */
#include <apr_strings.h>

#include "auth/pl_members.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_version.h"
#include "mcp/pl_mcp.h"

/* Newest first. 2025-03-26 introduced the Streamable HTTP transport; older
 * revisions used another one and are not spoken. */
static const char *const VERSIONS[] = { PL_MCP_LATEST, "2025-06-18", "2025-03-26", NULL };

int pl_mcp_version_known(const char *version)
{
    const char *const *v;

    for (v = VERSIONS; version && *v; v++)
        if (!strcmp(*v, version))
            return 1;
    return 0;
}

const char *pl_mcp_version_pick(const char *requested)
{
    const char *const *v;

    for (v = VERSIONS; requested && *v; v++)
        if (!strcmp(*v, requested))
            return *v;
    return PL_MCP_LATEST;
}

int pl_mcp_version_batches(const char *version)
{
    return version && !strcmp(version, "2025-03-26");
}

const char *pl_mcp_fail(pl_mcp_err_t *err, int code, const char *message, const char *data)
{
    err->code = code;
    err->message = message;
    err->data = data;
    return NULL;
}

const char *pl_mcp_fail_status(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, apr_status_t rv,
                               const char *what)
{
    if (rv == PL_ENOTFOUND)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, apr_pstrcat(ctx->p, "no such ", what, NULL),
                           NULL);
    if (rv == PL_EBUSY || rv == PL_EUNAVAILABLE)
        return pl_mcp_fail(err, PL_RPC_INTERNAL_ERROR, "the database is busy or unavailable:"
                           " try again shortly", NULL);
    return pl_mcp_fail(err, PL_RPC_INTERNAL_ERROR,
                       apr_pstrcat(ctx->p, "the ", what, " could not be read", NULL), NULL);
}

apr_status_t pl_mcp_project_role(pl_mcp_ctx_t *ctx, apr_int64_t id, pl_role_e *role)
{
    apr_status_t rv;

    *role = PL_ROLE_NONE;
    if (id <= 0 || (ctx->caller.project_limit && ctx->caller.project_limit != id))
        return APR_SUCCESS;
    rv = pl_project_role(ctx->db, ctx->p, id, ctx->caller.user_id, ctx->caller.user_role, role);
    if (rv == PL_ENOTFOUND) {
        *role = PL_ROLE_NONE;
        return APR_SUCCESS;
    }
    /* What the user may see; what the credential lets it do there. */
    *role = PL_ROLE_MIN(*role, ctx->caller.scope);
    return rv;
}

int pl_mcp_cursor(const pl_json_t *params, int *offset, pl_mcp_err_t *err)
{
    const char *c;
    apr_int64_t n;

    *offset = 0;
    if (!params || pl_json_type_of(params, "cursor") == PL_JSON_ABSENT)
        return 1;
    c = pl_json_get_str(params, "cursor");
    if (c && c[0] == 'o' && pl_text_int(c + 1, 0, 100000000, &n) == APR_SUCCESS) {
        *offset = (int)n;
        return 1;
    }
    pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "cursor is not one this server gave", NULL);
    return 0;
}

void pl_mcp_next_cursor(pl_jsonw_t *w, apr_pool_t *p, int offset, int shown, apr_int64_t total)
{
    if ((apr_int64_t)offset + shown < total)
        pl_jsonw_str(w, "nextCursor", apr_psprintf(p, "o%d", offset + shown));
}

static const char *initialize(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    const char *asked = params ? pl_json_get_str(params, "protocolVersion") : NULL;
    pl_jsonw_t *w;

    if (!asked)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "initialize needs params.protocolVersion",
                           NULL);
    if (pl_json_type_of(params, "capabilities") != PL_JSON_OBJECT
        || pl_json_type_of(params, "clientInfo") != PL_JSON_OBJECT)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS,
                           "initialize needs params.capabilities and params.clientInfo", NULL);
    w = pl_jsonw_create(ctx->p, 1024);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "protocolVersion", pl_mcp_version_pick(asked));
    pl_jsonw_object(w, "capabilities");
    pl_jsonw_object(w, "tools");
    pl_jsonw_bool(w, "listChanged", 0);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "resources");
    pl_jsonw_bool(w, "subscribe", 0);
    pl_jsonw_bool(w, "listChanged", 0);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "prompts");
    pl_jsonw_bool(w, "listChanged", 0);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "serverInfo");
    pl_jsonw_str(w, "name", "mod_planning");
    pl_jsonw_str(w, "title", "mod_planning: plans against code");
    pl_jsonw_str(w, "version", PL_VERSION);
    pl_jsonw_end(w);
    pl_jsonw_str(w, "instructions", "Projects, their plans (planning://projects/{id}/plan), the"
                 " latest analysis's objectives and recommendations, and their files are"
                 " resources; the tools read and change them with your rights; the prompt"
                 " library is served as prompts.");
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

static const char *ping(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    (void)ctx; (void)params; (void)err;
    return "{}";
}

static const struct { const char *name; pl_mcp_method_fn *fn; } METHODS[] = {
    { "initialize",               initialize },
    { "ping",                     ping },
    { "tools/list",               pl_mcp_tools_list },
    { "tools/call",               pl_mcp_tools_call },
    { "resources/list",           pl_mcp_resources_list },
    { "resources/templates/list", pl_mcp_resources_templates },
    { "resources/read",           pl_mcp_resources_read },
    { "prompts/list",             pl_mcp_prompts_list },
    { "prompts/get",              pl_mcp_prompts_get },
};

/* params._meta.progressToken (a string or an integer) as JSON text. */
static const char *progress_token(apr_pool_t *p, const pl_json_t *params)
{
    pl_json_t *meta = params ? pl_json_get_object(p, params, "_meta") : NULL;
    pl_json_type_e t = meta ? pl_json_type_of(meta, "progressToken") : PL_JSON_ABSENT;

    return t == PL_JSON_STRING || t == PL_JSON_INTEGER
           ? pl_json_member_text(p, meta, "progressToken") : NULL;
}

const char *pl_mcp_handle(pl_mcp_ctx_t *ctx, const pl_rpc_msg_t *msg)
{
    pl_mcp_err_t err = { PL_RPC_INTERNAL_ERROR, "internal error", NULL };
    const char *result;
    apr_size_t i;

    if (msg->kind == PL_RPC_INVALID)
        return pl_rpc_error(ctx->p, msg->id, msg->code, msg->why, NULL);
    /* Notifications (initialized, cancelled, ...) need nothing of a
     * stateless server; responses answer requests this server never sends. */
    if (msg->kind != PL_RPC_REQUEST)
        return NULL;
    for (i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++) {
        if (strcmp(METHODS[i].name, msg->method))
            continue;
        ctx->progress_token = progress_token(ctx->p, msg->params);
        result = METHODS[i].fn(ctx, msg->params, &err);
        return result ? pl_rpc_result(ctx->p, msg->id, result)
                      : pl_rpc_error(ctx->p, msg->id, err.code, err.message, err.data);
    }
    return pl_rpc_error(ctx->p, msg->id, PL_RPC_METHOD_NOT_FOUND,
                        apr_pstrcat(ctx->p, "no method ", msg->method, NULL), NULL);
}

int pl_mcp_progress(pl_mcp_ctx_t *ctx, double progress, double total, const char *message)
{
    pl_jsonw_t *w;

    if (!ctx->progress_token || !ctx->notify)
        return 1;
    w = pl_jsonw_create(ctx->p, 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_raw(w, "progressToken", ctx->progress_token);
    pl_jsonw_number(w, "progress", progress);
    if (total > 0)
        pl_jsonw_number(w, "total", total);
    if (message)
        pl_jsonw_str(w, "message", message);
    pl_jsonw_end(w);
    return ctx->notify(ctx->notify_baton, pl_rpc_notification(ctx->p, "notifications/progress",
                                                              pl_jsonw_text(w, NULL)));
}
