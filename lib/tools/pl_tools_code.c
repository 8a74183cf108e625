/* SPDX-License-Identifier: Apache-2.0 */
/* The tools over the analysis itself: search_code (the analysis's own
 * index of code chunks, pl_gap_search) and run_analysis (the job system,
 * through the glue's callback). */
#include <apr_strings.h>

#include "code/pl_code.h"
#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "gap/pl_gap_search.h"
#include "tools/pl_tools_int.h"

#define SEARCH_DEFAULT 10
#define WAIT_DEFAULT   60

void pl_tool_search_code(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                         pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *query = pl_json_get_str(args, "query"), *dir, *err = NULL;
    apr_array_header_t *hits;
    apr_int64_t id;
    pl_code_t *code;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i, j;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_VIEWER, &id, &dir, res))
        return;
    if ((rv = pl_code_analyze(p, dir, NULL, &code, &err)) != APR_SUCCESS) {
        pl_tools_fail(res, p, PL_ERR_TOOL_FAILED, err ? err : "the code could not be read");
        return;
    }
    rv = pl_gap_search(p, code, query, (int)pl_tools_int_arg(args, "limit", SEARCH_DEFAULT),
                       &hits);
    if (rv == PL_EINVAL) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "query has no word to search for");
        return;
    }
    if (rv != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "code index");
        return;
    }
    w = pl_jsonw_create(p, 256 * (apr_size_t)(hits->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "query", query);
    pl_jsonw_array(w, "results");
    for (i = 0; i < hits->nelts; i++) {
        const pl_gap_evidence_t *e = &APR_ARRAY_IDX(hits, i, pl_gap_evidence_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", e->path);
        pl_jsonw_int(w, "line", e->line);
        pl_jsonw_int(w, "end_line", e->end_line);
        pl_jsonw_str(w, "symbol", e->symbol);
        pl_jsonw_str(w, "symbol_kind", e->symbol_kind);
        pl_jsonw_number(w, "score", e->score);
        pl_jsonw_array(w, "matched");
        for (j = 0; j < e->matched->nelts; j++)
            pl_jsonw_str(w, NULL, APR_ARRAY_IDX(e->matched, j, const char *));
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

void pl_tool_run_analysis(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                          pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *json = NULL, *why = NULL;
    apr_int64_t id;
    pl_role_e role;
    apr_status_t rv;

    if (!pl_tools_project(ctx, args, PL_ROLE_DEVELOPER, &id, &role, res))
        return;
    if (!ctx->run_analysis) {
        pl_tools_fail(res, p, PL_ERR_NOT_SUPPORTED, "analyses cannot be started from here");
        return;
    }
    rv = ctx->run_analysis(ctx->analysis_baton, p, id, ctx->user_id,
                           ctx->analysis_wait > 0 ? ctx->analysis_wait : WAIT_DEFAULT,
                           &json, &why);
    if (rv != APR_SUCCESS || !json) {
        if (why)
            pl_tools_fail(res, p, PL_ERR_TOOL_FAILED, why);
        else
            pl_tools_fail_status(res, p, rv, "analysis");
        return;
    }
    pl_tools_ok(res, p, json, strlen(json));
}
