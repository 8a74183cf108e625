/* SPDX-License-Identifier: Apache-2.0 */
/* The tools of lib/tools as a request runs them: the caller's rights
 * (user, role narrowed by an API key's scope, the key's project limit), the
 * project roots, the request's database connection and the job system for
 * run_analysis. Shared by the chat's tool loop and MCP. */
#ifndef MP_TOOLS_H
#define MP_TOOLS_H

#include "mp_request.h"
#include "tools/pl_tools.h"

/* ctx for req's caller in pool p; project_id fixes the project the tools
 * work on (a chat's), 0 leaves it to each call's project_id. The database
 * handle is req->db as it is now: take one (mp_dbd_acquire) before a call. */
void mp_tools_ctx(mp_req_t *req, apr_pool_t *p, apr_int64_t project_id, pl_tools_ctx_t *ctx);

/* What run_analysis tells while it waits: called about once a second with
 * the analysis's percent (its job's; 100 once it ended) and what it is
 * doing, before the wait and after it. Returns 0 to stop waiting (the
 * client is gone); the analysis goes on. */
typedef int mp_tools_watch_fn(void *baton, int percent, const char *message);
/* Has run_analysis of ctx (made by mp_tools_ctx) call watch while it waits:
 * MCP sends the progress as notifications. */
void mp_tools_watch(pl_tools_ctx_t *ctx, mp_tools_watch_fn *watch, void *baton);

#endif
