/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/mcp: the MCP server (lib/mcp) over the Streamable HTTP
 * transport, stateless: no Mcp-Session-Id is issued, so every POST stands
 * alone and GET (a server-initiated stream) is 405 by the route table.
 *
 *   Origin          checked before anything else (api_mcp_origin): a browser
 *                   page of another site gets 403, against DNS rebinding
 *   MCP-Protocol-Version   a revision we speak, or absent (then 2025-03-26,
 *                   as the spec says); another one is 400
 *   body            one JSON-RPC message; a batch only under 2025-03-26
 *   reply           application/json; or text/event-stream when the client
 *                   accepts it and the call sends notifications first
 *                   (progress of run_analysis, with keep-alive comments while
 *                   it is silent), the reply last
 *
 * Who may do what is the library's affair, per method and tool: the router
 * identifies the caller (API key or session), counts the request against
 * the API's rate limit and lets read-scoped keys POST here (MP_ROUTE_RPC). */
#include <apr_strings.h>

#include "api/api.h"
#include "api/api_mcp.h"
#include "mp_dbd.h"
#include "mp_tools.h"
#include "core/pl_status.h"
#include "mcp/pl_mcp.h"

#define HEADER_VERSION "MCP-Protocol-Version"

/* A JSON-RPC error as the whole HTTP reply (no id: the body was not read
 * as a request). */
static int rpc_refuse(mp_req_t *req, int status, int code, const char *message)
{
    const char *text = pl_rpc_error(req->r->pool, NULL, code, message, NULL);

    return mp_reply_json_text(req, status, text, strlen(text));
}

/* The origin's host and port: "https://h:8443" -> "h", 8443. 0 when it is
 * no http(s) origin. */
static int split_origin(apr_pool_t *p, const char *origin, const char **host, int *port)
{
    const char *rest, *colon;
    int https = !strncasecmp(origin, "https://", 8);

    if (!https && strncasecmp(origin, "http://", 7))
        return 0;
    rest = origin + (https ? 8 : 7);
    colon = *rest == '[' ? strstr(rest, "]:") : strrchr(rest, ':');
    if (colon && *colon == ']')
        colon++;
    *port = colon ? atoi(colon + 1) : (https ? 443 : 80);
    *host = colon ? apr_pstrmemdup(p, rest, (apr_size_t)(colon - rest)) : rest;
    return **host && !strchr(*host, '/') && *port > 0;
}

/* The server's own names: ServerName and each ServerAlias (not wildcards). */
static int own_name(request_rec *r, const char *host)
{
    const server_rec *s = r->server;
    int i;

    if (s->server_hostname && !strcasecmp(s->server_hostname, host))
        return 1;
    for (i = 0; s->names && i < s->names->nelts; i++)
        if (!strcasecmp(APR_ARRAY_IDX(s->names, i, const char *), host))
            return 1;
    return 0;
}

int api_mcp_origin(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *origin = apr_table_get(r->headers_in, "Origin"), *host;
    const apr_array_header_t *allow = req->conf->mcp_origins;
    int port, i;

    if (!origin)   /* not a browser: DNS rebinding needs one */
        return 1;
    for (i = 0; allow && i < allow->nelts; i++)
        if (!strcasecmp(APR_ARRAY_IDX(allow, i, const char *), origin))
            return 1;
    /* The name must be ours, not merely what the Host header says: a
     * rebound name sends a matching Host. The port is the one connected to. */
    if (split_origin(r->pool, origin, &host, &port) && own_name(r, host)
        && port == r->connection->local_addr->port)
        return 1;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PLN02801: MCP request from the browser origin"
                  " %s refused (DNS rebinding guard); if that site may call the MCP server,"
                  " add it to PlanningMCPOrigins", ap_escape_logitem(r->pool, origin));
    rpc_refuse(req, HTTP_FORBIDDEN, PL_RPC_INVALID_REQUEST,
               "Forbidden: this Origin may not call the MCP server");
    return 0;
}

/* Whether the Accept header admits type (absent: anything). */
static int accepts(request_rec *r, const char *type)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");

    return !accept || ap_strcasestr(accept, type) || ap_strstr_c(accept, "*/*");
}

/* Notifications before the reply: the reply becomes an event stream at the
 * first one. A client that takes JSON only gets the reply alone. */
static int notify(void *baton, const char *message)
{
    api_mcp_out_t *o = baton;

    if (!o->sse_ok)
        return 1;
    if (!o->sse)
        o->sse = mp_sse_open(o->req->r);
    return mp_sse_send(o->sse, "message", message);
}

/* run_analysis's wait (mp_tools_watch): a growing percent is a progress
 * notification when the request asked for them; while it stands still the
 * event stream, once open, gets keep-alive comments (PlanningSSEHeartbeat).
 * A client that left ends the wait. */
static int watch(void *baton, int percent, const char *message)
{
    pl_mcp_ctx_t *ctx = baton;
    api_mcp_out_t *o = ctx->host;

    if (percent > o->progress) {
        o->progress = percent;
        return pl_mcp_progress(ctx, percent, 100, message);
    }
    if (!o->sse)
        return 1;
    return mp_sse_heartbeat(o->sse, apr_time_from_sec(o->req->conf->sse_heartbeat))
           && !mp_sse_client_gone(o->sse);
}

static void caller_of(mp_req_t *req, pl_mcp_caller_t *c)
{
    const pl_apikey_t *key = req->caller.key;

    c->user_id = req->caller.user->id;
    c->username = req->caller.user->username;
    c->user_role = req->caller.user->role;
    c->scope = key ? pl_apikey_scope_role(key->scopes) : PL_ROLE_ADMIN;
    c->project_limit = key ? key->project_id : 0;
}

/* The replies of the messages, in order: one text, or a batch's array. */
static const char *replies(pl_mcp_ctx_t *ctx, const apr_array_header_t *msgs, int batch)
{
    api_mcp_out_t *o = ctx->host;
    const char *all = NULL, *one;
    int i;

    for (i = 0; i < msgs->nelts; i++) {
        pl_rpc_msg_t *m = APR_ARRAY_IDX(msgs, i, pl_rpc_msg_t *);
        one = NULL;
        o->progress = -1;
        /* run_analysis gives the connection back while it waits */
        if (m->kind == PL_RPC_REQUEST && !o->req->db && !mp_dbd_acquire(o->req))
            one = pl_rpc_error(ctx->p, m->id, PL_RPC_INTERNAL_ERROR, "the database could not be"
                               " reached: try again shortly", NULL);
        ctx->db = o->req->db;
        if (batch && m->kind == PL_RPC_REQUEST && !strcmp(m->method, "initialize")) {
            m->kind = PL_RPC_INVALID;   /* 2025-03-26: "MUST NOT be part of a batch" */
            m->code = PL_RPC_INVALID_REQUEST;
            m->why = "initialize must not be part of a batch";
        }
        if (!one && !(one = pl_mcp_handle(ctx, m)))
            continue;
        all = all ? apr_pstrcat(ctx->p, all, ",", one, NULL) : one;
    }
    if (!all || !batch)
        return all;
    return apr_pstrcat(ctx->p, "[", all, "]", NULL);
}

int api_mcp_post(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *version = apr_table_get(r->headers_in, HEADER_VERSION), *why, *text, *accept;
    apr_array_header_t *msgs;
    pl_mcp_ctx_t ctx;
    api_mcp_out_t out = { req, 0, NULL, -1 };
    pl_tools_ctx_t tools;
    apr_status_t rv;
    int batch, single_invalid;

    if (version && !pl_mcp_version_known(version))
        return rpc_refuse(req, HTTP_BAD_REQUEST, PL_RPC_INVALID_REQUEST, apr_pstrcat(r->pool,
                          "Bad Request: unsupported " HEADER_VERSION " ", version, "; this"
                          " server speaks " PL_MCP_LATEST ", 2025-06-18 and 2025-03-26", NULL));
    if (!accepts(r, "application/json") && !accepts(r, "text/event-stream"))
        return rpc_refuse(req, HTTP_NOT_ACCEPTABLE, PL_RPC_INVALID_REQUEST,
                          "Not Acceptable: the client must accept application/json or"
                          " text/event-stream");
    if (!mp_request_receive(req))
        return OK;
    rv = pl_rpc_parse(r->pool, req->body_text, req->body_len, req->conf->json_depth,
                      PL_MCP_BATCH_MAX, &msgs, &batch, &why);
    if (rv != APR_SUCCESS)
        return rpc_refuse(req, HTTP_BAD_REQUEST, rv == PL_EJSON ? PL_RPC_PARSE_ERROR
                          : PL_RPC_INVALID_REQUEST, apr_pstrcat(r->pool, rv == PL_EJSON
                          ? "Parse error: " : "Invalid Request: ", why, NULL));
    if (!version)
        version = PL_MCP_DEFAULT;
    if (batch && !pl_mcp_version_batches(version))
        return rpc_refuse(req, HTTP_BAD_REQUEST, PL_RPC_INVALID_REQUEST, apr_pstrcat(r->pool,
                          "Invalid Request: revision ", version, " has no JSON-RPC batches;"
                          " send one message per POST", NULL));

    memset(&ctx, 0, sizeof(ctx));
    ctx.p = r->pool;
    ctx.db = req->db;
    ctx.roots = req->conf->roots;
    caller_of(req, &ctx.caller);
    ctx.version = version;
    ctx.json_depth = req->conf->json_depth;
    ctx.notify = notify;
    ctx.notify_baton = &out;
    ctx.host = &out;
    mp_tools_ctx(req, r->pool, 0, &tools);
    mp_tools_watch(&tools, watch, &ctx);
    ctx.tools = &tools;
    out.sse_ok = (accept = apr_table_get(r->headers_in, "Accept"))
                 && ap_strcasestr(accept, "text/event-stream");
    single_invalid = !batch && APR_ARRAY_IDX(msgs, 0, pl_rpc_msg_t *)->kind == PL_RPC_INVALID;

    if (!(text = replies(&ctx, msgs, batch)))   /* notifications and responses only */
        return mp_reply_empty(req, HTTP_ACCEPTED);
    if (out.sse) {
        mp_sse_send(out.sse, "message", text);
        return OK;
    }
    return mp_reply_json_text(req, single_invalid ? HTTP_BAD_REQUEST : HTTP_OK, text,
                              strlen(text));
}
