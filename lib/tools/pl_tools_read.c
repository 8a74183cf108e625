/* SPDX-License-Identifier: Apache-2.0 */
/* The tools that read the projects, their plans and their analyses, over
 * the same library calls as the REST handlers (pl_store_project_list,
 * pl_plan_current, pl_analysis_*), in the shapes the API writes. */
#include <apr_strings.h>

#include "analyses/pl_analyses.h"
#include "analyses/pl_analysis_filter.h"
#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "projects/pl_project.h"
#include "projects/pl_store_projects.h"
#include "tools/pl_tools_int.h"

void pl_tool_list_projects(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                           pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_project_filter_t f = { NULL, 50, 0, 0, 0 };
    apr_array_header_t *items;
    apr_int64_t total;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    f.status = pl_json_get_str(args, "status");
    f.limit = (int)pl_tools_int_arg(args, "limit", 50);
    if (ctx->user_role < PL_ROLE_ADMIN)
        f.visible_to = ctx->user_id;
    f.only_id = ctx->key_project ? ctx->key_project : ctx->project_id;
    if ((rv = pl_store_project_list(ctx->db, p, &f, &items, &total)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "project list");
        return;
    }
    w = pl_jsonw_create(p, 512 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "total", total);
    pl_jsonw_array(w, "projects");
    for (i = 0; i < items->nelts; i++) {
        const pl_project_t *proj = APR_ARRAY_IDX(items, i, const pl_project_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "id", proj->id);
        pl_jsonw_str(w, "name", proj->name);
        pl_jsonw_str(w, "description", proj->description);
        pl_jsonw_str(w, "status", proj->status);
        pl_jsonw_str(w, "repository_url", proj->repository_url);
        pl_jsonw_str(w, "updated_at", proj->updated_at);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

void pl_tool_get_plan(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_plan_current_t *cur;
    pl_plan_t *plan;
    apr_int64_t id;
    const char *dir, *why = NULL;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_VIEWER, &id, &dir, res))
        return;
    if ((rv = pl_plan_current(ctx->db, p, id, dir, &cur, &why)) != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN ? PL_ERR_PLAN_UNSAFE : PL_ERR_PLAN_UNREADABLE,
                      why ? why : "the plan cannot be read");
        return;
    }
    if (!cur->name) {
        pl_tools_fail(res, p, PL_ERR_PLAN_NOT_FOUND, "the project has no " PL_PLAN_FILE_NAME
                      " yet (add_objective creates it)");
        return;
    }
    if ((rv = pl_plan_parse(p, cur->text, cur->len, &plan)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "plan");
        return;
    }
    w = pl_jsonw_create(p, 3 * cur->len + 1024);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "project_id", id);
    pl_jsonw_str(w, "path", cur->name);
    pl_jsonw_int(w, "version", cur->version);
    if (!args || pl_json_type_of(args, "markdown") != PL_JSON_BOOL || pl_json_is_true(args, "markdown"))
        pl_jsonw_str(w, "markdown", cur->text);
    pl_plan_write_members(w, plan);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

/* The newest complete analysis of the project; 0 after the error result. */
static int latest(const pl_tools_ctx_t *ctx, const pl_json_t *args, apr_int64_t *id,
                  pl_analysis_record_t **a, pl_tools_result_t *res)
{
    pl_role_e role;
    apr_status_t rv;

    if (!pl_tools_project(ctx, args, PL_ROLE_VIEWER, id, &role, res))
        return 0;
    rv = pl_analyses_latest(ctx->db, ctx->pool, *id, a);
    if (rv == PL_ENOTFOUND)
        pl_tools_fail(res, ctx->pool, PL_ERR_NO_ANALYSIS, "the project has no complete analysis"
                      " yet (run_analysis starts one)");
    else if (rv != APR_SUCCESS)
        pl_tools_fail_status(res, ctx->pool, rv, "analysis");
    return rv == APR_SUCCESS;
}

void pl_tool_list_objectives(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                             pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_analysis_filter_t f = { NULL, NULL, NULL, 0 };
    pl_analysis_record_t *a;
    apr_array_header_t *all, *set;
    apr_int64_t id, limit = pl_tools_int_arg(args, "limit", 100);
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!latest(ctx, args, &id, &a, res))
        return;
    if ((rv = pl_analysis_objectives(ctx->db, p, a->id, &all)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "analysis");
        return;
    }
    f.level = pl_json_get_str(args, "level");
    f.classification = pl_json_get_str(args, "verdict");
    f.q = pl_json_get_str(args, "text");
    set = pl_analysis_objectives_filter(p, all, &f);
    w = pl_jsonw_create(p, 1024 * (apr_size_t)(set->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_int(w, "total", set->nelts);
    pl_jsonw_array(w, "objectives");
    for (i = 0; i < set->nelts && i < limit; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_objective_write(w, APR_ARRAY_IDX(set, i, pl_analysis_objective_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

void pl_tool_get_objective(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                           pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *oid = pl_json_get_str(args, "objective_id");
    pl_analysis_record_t *a;
    pl_analysis_objective_t *o;
    apr_array_header_t *history;
    apr_int64_t id;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (!latest(ctx, args, &id, &a, res))
        return;
    if ((rv = pl_analysis_objective(ctx->db, p, a->id, oid, &o)) != APR_SUCCESS
        || (rv = pl_analysis_objective_history(ctx->db, p, id, oid, &history)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, apr_pstrcat(p, "objective ", oid, NULL));
        return;
    }
    w = pl_jsonw_create(p, 4096);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_analysis_objective_detail_write(w, o, history);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

void pl_tool_list_recommendations(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                                  pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_analysis_record_t *a;
    apr_array_header_t *all;
    apr_int64_t id, limit = pl_tools_int_arg(args, "limit", 20);
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!latest(ctx, args, &id, &a, res))
        return;
    if ((rv = pl_analysis_recommendations(ctx->db, p, a->id, &all)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "analysis");
        return;
    }
    w = pl_jsonw_create(p, 1024 * (apr_size_t)(all->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_int(w, "total", all->nelts);
    pl_jsonw_array(w, "recommendations");
    for (i = 0; i < all->nelts && i < limit; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_advice_write(w, APR_ARRAY_IDX(all, i, pl_analysis_advice_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}
