/* SPDX-License-Identifier: Apache-2.0 */
/* The tools that change the plan: each reads the current MASTER_PLAN.md
 * under the checkout's lock (pl_plan_file_lock, held until ctx->pool is
 * cleared), changes only the lines it must (lib/plan/pl_plan_edit.c), so
 * everything else in the file stays byte for byte, and saves it as a new
 * version whose author is the caller (pl_plan_save, as PUT .../plan does). */
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_edit.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "tools/pl_tools_int.h"

/* The plan to change, locked, with its parse; 0 after the error result. */
static int load(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_plan_current_t **cur,
                pl_plan_t **plan, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *dir, *why = NULL;
    apr_int64_t id;
    apr_status_t rv;
    int fd;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_DEVELOPER, &id, &dir, res))
        return 0;
    if (pl_plan_file_lock(p, dir, &fd) != APR_SUCCESS) {
        pl_tools_fail(res, p, PL_ERR_PLAN_NOT_WRITABLE,
                      "the checkout's directory cannot be locked to change its plan");
        return 0;
    }
    if ((rv = pl_plan_current(ctx->db, p, id, dir, cur, &why)) != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN ? PL_ERR_PLAN_UNSAFE : PL_ERR_PLAN_UNREADABLE,
                      why ? why : "the plan cannot be read");
        return 0;
    }
    if ((*cur)->name && (rv = pl_plan_parse(p, (*cur)->text, (*cur)->len, plan)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "plan");
        return 0;
    }
    return 1;
}

/* Saves the edit's outcome as the next version by the caller (the result
 * names it), or says why the edit was refused: a PL_EINVAL is code einval. */
static void save(const pl_tools_ctx_t *ctx, pl_plan_current_t *cur, apr_status_t edit,
                 const char *text, apr_size_t len, const char *why, const char *einval,
                 const char *message, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_plan_version_t *v = apr_pcalloc(p, sizeof(*v));
    pl_jsonw_t *w;
    apr_status_t rv;

    if (edit != APR_SUCCESS) {
        pl_tools_fail(res, p, edit == PL_EINVAL ? einval : PL_ERR_NOT_FOUND, why);
        return;
    }
    if (len > PL_PLAN_MAX_BYTES) {
        pl_tools_fail(res, p, PL_ERR_PLAN_TOO_LARGE, "the plan would grow past its cap: nothing"
                      " was written");
        return;
    }
    v->author_id = ctx->user_id;
    v->message = message;
    why = NULL;
    if ((rv = pl_plan_save(ctx->db, p, cur, text, len, v, &why)) != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN || rv == PL_EINVAL ? PL_ERR_PLAN_UNSAFE
                      : why ? PL_ERR_PLAN_NOT_WRITABLE : PL_ERR_TOOL_FAILED,
                      why ? apr_pstrcat(p, why, ": nothing was written", NULL)
                      : "the plan version could not be recorded");
        return;
    }
    w = pl_jsonw_create(p, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "project_id", cur->project_id);
    pl_jsonw_int(w, "version", v->n);
    pl_jsonw_str(w, "path", cur->name ? cur->name : PL_PLAN_FILE_NAME);
    pl_jsonw_str(w, "message", message);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

/* The plan as the edits take it: no text when there is no plan yet. */
static pl_plan_edit_t as_edit(const pl_plan_current_t *cur, const pl_plan_t *plan)
{
    pl_plan_edit_t e = { cur->name ? cur->text : NULL, cur->name ? cur->len : 0, plan };

    return e;
}

void pl_tool_update_task(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                         pl_tools_result_t *res)
{
    const char *oid = pl_json_get_str(args, "objective_id"), *text = NULL, *why = NULL;
    int done = pl_json_is_true(args, "done");
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    pl_plan_edit_t e;
    apr_size_t len = 0;
    apr_status_t rv;

    if (!load(ctx, args, &cur, &plan, res))
        return;
    e = as_edit(cur, plan);
    rv = pl_plan_edit_tick(ctx->pool, &e, oid, pl_json_get_str(args, "task"), done, &text, &len,
                           &why);
    save(ctx, cur, rv, text, len, why, PL_ERR_TOOL_FAILED,
         apr_pstrcat(ctx->pool, done ? "ticked" : "unticked", " a task of ", oid,
                     " (update_task)", NULL), res);
}

void pl_tool_add_task(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    const char *oid = pl_json_get_str(args, "objective_id"), *text = NULL, *why = NULL;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    pl_plan_edit_t e;
    apr_size_t len = 0;
    apr_status_t rv;

    if (!load(ctx, args, &cur, &plan, res))
        return;
    e = as_edit(cur, plan);
    rv = pl_plan_edit_add_task(ctx->pool, &e, oid, pl_json_get_str(args, "task"), &text, &len,
                               &why);
    save(ctx, cur, rv, text, len, why, PL_ERR_TOOL_ARGUMENTS,
         apr_pstrcat(ctx->pool, "added a task to ", oid, " (add_task)", NULL), res);
}

void pl_tool_add_objective(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                           pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *title = pl_json_get_str(args, "title"), *text = NULL, *why = NULL;
    apr_array_header_t *tasks = NULL;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    pl_plan_edit_t e;
    apr_size_t len = 0;
    apr_status_t rv;

    if (pl_json_type_of(args, "tasks") == PL_JSON_ARRAY
        && !pl_json_get_strings(args, "tasks", p, &tasks)) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "tasks must be an array of strings");
        return;
    }
    if (!load(ctx, args, &cur, &plan, res))
        return;
    e = as_edit(cur, plan);
    rv = pl_plan_edit_add_objective(p, &e, title, pl_json_get_str(args, "description"), tasks,
                                    &text, &len, &why);
    save(ctx, cur, rv, text, len, why, PL_ERR_TOOL_ARGUMENTS,
         apr_pstrcat(p, "added the objective ", title, " (add_objective)", NULL), res);
}

void pl_tool_edit_plan_section(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                               pl_tools_result_t *res)
{
    const char *heading = pl_json_get_str(args, "heading"), *text = NULL, *why = NULL;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    pl_plan_edit_t e;
    apr_size_t len = 0;
    apr_status_t rv;

    if (!load(ctx, args, &cur, &plan, res))
        return;
    if (!cur->name) {
        pl_tools_fail(res, ctx->pool, PL_ERR_PLAN_NOT_FOUND, "the project has no plan yet"
                      " (add_objective creates it)");
        return;
    }
    e = as_edit(cur, plan);
    rv = pl_plan_edit_section(ctx->pool, &e, heading, pl_json_get_str(args, "markdown"), &text,
                              &len, &why);
    save(ctx, cur, rv, text, len, why, PL_ERR_TOOL_ARGUMENTS,
         apr_pstrcat(ctx->pool, "edited the section ", heading, " (edit_plan_section)", NULL),
         res);
}
