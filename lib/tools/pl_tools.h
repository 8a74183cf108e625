/* SPDX-License-Identifier: Apache-2.0 */
/* The tools a model (the chat) or an outside agent (MCP) may call on the
 * projects: defined once here, each with its name, description, the JSON
 * Schema of its arguments, the role it needs and whether it writes. Every
 * call runs with the caller's rights (pl_tools_ctx_t) and inside the
 * project's confinement; whatever goes wrong (an unknown tool, arguments
 * that are not JSON or break the schema, a role too low, a missing plan)
 * becomes an error result the model or client can read, never a crash.
 * The library knows no httpd: the one thing it cannot do itself (start an
 * analysis job) comes in as a callback from the glue. */
#ifndef PL_TOOLS_H
#define PL_TOOLS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "auth/pl_user.h"
#include "core/pl_json.h"
#include "db/pl_db.h"

/* A result's text is capped: a file or a log cannot flood a model's
 * context or a stream. Cut results say so in their text. */
#define PL_TOOLS_RESULT_MAX (64 * 1024)

/* run_analysis through the glue's job system: starts an analysis of
 * project_id as user_id and waits until it ends or wait_seconds pass; *json
 * is a JSON object text of the analysis (id, state, progress). An APR or
 * PL_E* status on failure, *why (may be NULL) saying it for the model. */
typedef apr_status_t pl_tools_analysis_fn(void *baton, apr_pool_t *p, apr_int64_t project_id,
                                          apr_int64_t user_id, int wait_seconds,
                                          const char **json, const char **why);

/* Who calls, with what. Results live in pool; each handler runs in a
 * subpool destroyed when it returns (a plan's lock, a code index go with it). */
typedef struct {
    apr_pool_t *pool;
    pl_db_t *db;
    apr_int64_t user_id;          /* the caller's account (authors plan versions) */
    pl_role_e user_role;          /* its global role (what pl_project_role narrows) */
    pl_role_e role;               /* the caller's role: the global role narrowed by an
                                     API key's scope (equal to user_role otherwise) */
    apr_int64_t key_project;      /* an API key's project limit; 0: none */
    apr_int64_t project_id;       /* the chat's project: tools use it when no project_id
                                     is given, and refuse any other; 0: none fixed */
    const apr_array_header_t *roots;  /* PlanningProjectRoots (const char *) */
    pl_tools_analysis_fn *run_analysis;   /* NULL: run_analysis is unavailable */
    void *analysis_baton;
    int analysis_wait;            /* seconds run_analysis waits at most; 0: 60 */
} pl_tools_ctx_t;

/* The outcome of a call: text is a JSON object text (the result, or
 * {"error":{"code","message"}} when error is set), at most
 * PL_TOOLS_RESULT_MAX bytes. code is one of PL_ERR_* when error. */
typedef struct {
    int error;
    const char *code;
    const char *text;
    apr_size_t len;
} pl_tools_result_t;

/* A tool's handler: args are valid against its schema already, the role is
 * checked; on failure it sets an error through pl_tools_fail and returns. */
typedef void pl_tools_fn(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                         pl_tools_result_t *res);

typedef struct {
    const char *name;
    const char *description;
    const char *schema;           /* JSON Schema text of the arguments (an object) */
    pl_role_e role;               /* PL_ROLE_VIEWER to read, PL_ROLE_DEVELOPER to write */
    int writes;
    pl_tools_fn *handler;
} pl_tool_t;

/* Every tool, in a fixed order; *n their number. */
const pl_tool_t *pl_tools_all(int *n);
/* The tool of that name, or NULL. */
const pl_tool_t *pl_tools_find(const char *name);
/* The tools the caller may use (its role is at least theirs): pl_tool_t *.
 * writes_too 0 leaves out the tools that write. */
apr_array_header_t *pl_tools_list(apr_pool_t *p, const pl_tools_ctx_t *ctx, int writes_too);
/* The tool's schema parsed (for a caller that embeds it as a value). */
pl_json_t *pl_tools_schema(apr_pool_t *p, const pl_tool_t *t);

/* Checks args (an object; NULL is {}) against the tool's schema: required
 * members present, no unknown member, each of its type (string, integer,
 * number, boolean, array, object), within enum, minimum/maximum and
 * maxLength. NULL when they pass, else one sentence naming the member. */
const char *pl_tools_validate(apr_pool_t *p, const pl_tool_t *t, const pl_json_t *args);

/* Runs the tool name with args_json (JSON text of an object; NULL or "" is
 * {}) as ctx's caller: unknown tool, bad JSON, schema, role, then the
 * handler. Always fills *res. */
void pl_tools_call(const pl_tools_ctx_t *ctx, const char *name, const char *args_json,
                   apr_size_t len, pl_tools_result_t *res);
/* The same with args parsed already. */
void pl_tools_call_parsed(const pl_tools_ctx_t *ctx, const pl_tool_t *t, const pl_json_t *args,
                          pl_tools_result_t *res);

/* For handlers: an error result (code PL_ERR_*, message for the model). */
void pl_tools_fail(pl_tools_result_t *res, apr_pool_t *p, const char *code, const char *message);
/* For handlers: the result is the JSON text json (capped). */
void pl_tools_ok(pl_tools_result_t *res, apr_pool_t *p, const char *json, apr_size_t len);

/* The project a call works on: args' project_id or ctx->project_id,
 * checked against the chat's project and the key's limit, and the caller's
 * role in it at least need. Returns 1 with *project_id and *role, or 0 after
 * pl_tools_fail. */
int pl_tools_project(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_role_e need,
                     apr_int64_t *project_id, pl_role_e *role, pl_tools_result_t *res);
/* The same and the project's directory, confined (pl_project_confine). */
int pl_tools_project_dir(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_role_e need,
                         apr_int64_t *project_id, const char **dir, pl_tools_result_t *res);
/* A library status as an error result ("what" names the object). */
void pl_tools_fail_status(pl_tools_result_t *res, apr_pool_t *p, apr_status_t rv,
                          const char *what);

#endif
