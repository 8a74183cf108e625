/* SPDX-License-Identifier: Apache-2.0 */
/* The Model Context Protocol server (revision 2025-11-25, and the older
 * 2025-06-18 and 2025-03-26 for clients that ask for them), apart from its
 * transport: one JSON-RPC message in, its reply out. The host (the HTTP
 * glue) identifies the caller, reads the body and carries the replies and
 * notifications; everything here runs with the caller's rights: its role in
 * each project, narrowed by an API key's scope and project limit, exactly as
 * the REST API does. No session state is kept: each request stands alone. */
#ifndef PL_MCP_H
#define PL_MCP_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "auth/pl_user.h"
#include "db/pl_db.h"
#include "mcp/pl_mcp_rpc.h"
#include "tools/pl_tools.h"

#define PL_MCP_LATEST   "2025-11-25"
#define PL_MCP_OLDEST   "2025-03-26"
/* The revision a request without MCP-Protocol-Version speaks (the spec's
 * rule for HTTP: it was the first revision of this transport). */
#define PL_MCP_DEFAULT  "2025-03-26"
#define PL_MCP_BATCH_MAX 20         /* messages of one batch (2025-03-26 only) */

typedef struct {
    apr_int64_t user_id;
    const char *username;
    pl_role_e user_role;        /* the account's global role */
    pl_role_e scope;            /* what the credential allows: an API key's scope,
                                   PL_ROLE_ADMIN for a session (the role decides) */
    apr_int64_t project_limit;  /* the one project an API key is limited to; 0: none */
} pl_mcp_caller_t;

/* Sends message (a JSON-RPC notification, JSON text) to the client before
 * the reply. Returns 0 once the client is gone. */
typedef int pl_mcp_notify_fn(void *baton, const char *message);

typedef struct pl_mcp_ctx_t {
    apr_pool_t *p;
    pl_db_t *db;
    const apr_array_header_t *roots;  /* PlanningProjectRoots, for pl_project_confine */
    pl_mcp_caller_t caller;
    const char *version;        /* the revision the request speaks */
    int json_depth;
    const char *progress_token; /* the request's params._meta.progressToken as JSON
                                   text; NULL when none (set by pl_mcp_handle) */
    pl_mcp_notify_fn *notify;   /* NULL: notifications cannot be sent */
    void *notify_baton;
    void *host;                 /* the host's own state */
    /* The tools' context for this caller, from the host (which has the job
     * system run_analysis needs); its db is replaced by the one above at
     * each call. NULL: no tools. */
    const pl_tools_ctx_t *tools;
} pl_mcp_ctx_t;

/* A method's failure: a JSON-RPC error. */
typedef struct {
    int code;
    const char *message;
    const char *data;           /* JSON text of ours, or NULL */
} pl_mcp_err_t;

/* A method: the result as JSON text, or NULL with *err. */
typedef const char *pl_mcp_method_fn(pl_mcp_ctx_t *ctx, const pl_json_t *params,
                                     pl_mcp_err_t *err);

/* Whether version is a revision this server speaks. */
int pl_mcp_version_known(const char *version);
/* The revision to answer an initialize asking for requested: that one when
 * known, else the newest (the client then decides whether to go on). */
const char *pl_mcp_version_pick(const char *requested);
/* Whether a revision allows JSON-RPC batches (2025-03-26 only). */
int pl_mcp_version_batches(const char *version);

/* Handles one message: the complete reply (JSON text) to a request or an
 * invalid message; NULL for a notification or a response, which get none. */
const char *pl_mcp_handle(pl_mcp_ctx_t *ctx, const pl_rpc_msg_t *msg);

/* Sets *err and returns NULL: for methods. */
const char *pl_mcp_fail(pl_mcp_err_t *err, int code, const char *message, const char *data);

/* The caller's role in project id, with its credential's narrowing: a key
 * limited to another project sees nothing there. PL_ROLE_NONE when the
 * project does not exist or is hidden from the caller. */
apr_status_t pl_mcp_project_role(pl_mcp_ctx_t *ctx, apr_int64_t id, pl_role_e *role);

/* Sends notifications/progress for the request being handled, when it
 * asked for progress (a progressToken) and the host can send it; progress
 * must grow from one call to the next. Returns 0 once the client is gone. */
int pl_mcp_progress(pl_mcp_ctx_t *ctx, double progress, double total, const char *message);

/* A library status as a JSON-RPC error (database trouble is internal). */
const char *pl_mcp_fail_status(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, apr_status_t rv,
                               const char *what);

/* The methods of each feature (pl_mcp_resources.c, pl_mcp_prompts.c,
 * pl_mcp_tools.c). */
const char *pl_mcp_resources_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);
const char *pl_mcp_resources_templates(pl_mcp_ctx_t *ctx, const pl_json_t *params,
                                       pl_mcp_err_t *err);
const char *pl_mcp_resources_read(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);
const char *pl_mcp_prompts_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);
const char *pl_mcp_prompts_get(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);
const char *pl_mcp_tools_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);
const char *pl_mcp_tools_call(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err);

/* Paging by an opaque cursor (an offset of ours): *offset from params'
 * cursor (0 when absent). Returns 1, or 0 with *err for a cursor not ours. */
int pl_mcp_cursor(const pl_json_t *params, int *offset, pl_mcp_err_t *err);
/* Writes "nextCursor" for offset when there is more. */
void pl_mcp_next_cursor(pl_jsonw_t *w, apr_pool_t *p, int offset, int shown, apr_int64_t total);

#endif
