/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/mcp: the MCP server's HTTP glue (api_mcp.c). */
#ifndef API_MCP_H
#define API_MCP_H

#include "mp_request.h"
#include "mp_sse.h"

/* How the replies of one POST go out (the pl_mcp_ctx_t's host). */
typedef struct {
    mp_req_t *req;
    int sse_ok;          /* the client accepts an event stream */
    mp_sse_t *sse;       /* open once a notification went out */
    int progress;        /* the last percent of run_analysis sent, -1: none */
} api_mcp_out_t;

/* The DNS-rebinding guard, run by the router before the caller is even
 * identified: an Origin header (a browser) must name this server (its
 * ServerName or a ServerAlias, on the port connected to) or one of
 * PlanningMCPOrigins. Returns 1, or 0 after a 403 with a JSON-RPC error. */
int api_mcp_origin(mp_req_t *req);
int api_mcp_post(mp_req_t *req);


#endif
