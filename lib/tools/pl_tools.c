/* SPDX-License-Identifier: Apache-2.0 */
/* The registry: every tool once, with its schema, role and handler, and the
 * one way to call one (parse, validate, check the role, run, cap). The chat
 * loop and MCP both go through pl_tools_call. */
#include <apr_strings.h>

#include "auth/pl_members.h"
#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"
#include "tools/pl_tools_int.h"

#define ARGS_DEPTH 16
#define ARGS_MAX   (256 * 1024)

#define PROJECT "\"project_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":" \
    "\"the project's id (list_projects); in a chat tied to a project, that one by default\"}"
#define OBJ(props, req) "{\"type\":\"object\",\"properties\":{" props "}" req "}"
#define TASK_REF "\"objective_id\":{\"type\":\"string\",\"maxLength\":200,\"description\":" \
    "\"the objective's id as get_plan shows it\"}"

static const pl_tool_t TOOLS[] = {
    { "list_projects", "List the projects the caller may see: id, name, description, status.",
      OBJ("\"status\":{\"type\":\"string\",\"enum\":[\"active\",\"archived\"]},"
          "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200}", ""),
      PL_ROLE_VIEWER, 0, pl_tool_list_projects },
    { "get_plan", "Read a project's plan (MASTER_PLAN.md): its Markdown, version, and the"
      " objectives with their tasks as the plan claims them.",
      OBJ(PROJECT ",\"markdown\":{\"type\":\"boolean\",\"description\":"
          "\"include the whole Markdown (default true)\"}", ""),
      PL_ROLE_VIEWER, 0, pl_tool_get_plan },
    { "list_objectives", "List the objectives of the newest complete analysis with their verdict"
      " (done, partial, missing), filtered by verdict, level or text.",
      OBJ(PROJECT ",\"verdict\":{\"type\":\"string\",\"enum\":[\"done\",\"partial\",\"missing\"]},"
          "\"level\":{\"type\":\"string\",\"enum\":[\"primary\",\"secondary\",\"tertiary\"]},"
          "\"text\":{\"type\":\"string\",\"maxLength\":200},"
          "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200}", ""),
      PL_ROLE_VIEWER, 0, pl_tool_list_objectives },
    { "get_objective", "One objective of the newest complete analysis: its tasks, the evidence"
      " found in the code for each, and the verdict with its history.",
      OBJ(PROJECT "," TASK_REF, ",\"required\":[\"objective_id\"]"),
      PL_ROLE_VIEWER, 0, pl_tool_get_objective },
    { "list_recommendations", "The recommendations of the newest complete analysis, most"
      " important first.",
      OBJ(PROJECT ",\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200}", ""),
      PL_ROLE_VIEWER, 0, pl_tool_list_recommendations },
    { "run_analysis", "Start an analysis of the project's plan against its code; returns when"
      " it ends, or after a while with its progress (call again later to see it).",
      OBJ(PROJECT, ""), PL_ROLE_DEVELOPER, 1, pl_tool_run_analysis },
    { "search_code", "Search the project's code as the analysis indexes it: ranked chunks with"
      " path, lines and symbol.",
      OBJ(PROJECT ",\"query\":{\"type\":\"string\",\"maxLength\":500},"
          "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50}",
          ",\"required\":[\"query\"]"),
      PL_ROLE_VIEWER, 0, pl_tool_search_code },
    { "read_file", "Read a text file of the project (a path relative to its root); long files"
      " are cut, from_line and lines choose a part.",
      OBJ(PROJECT ",\"path\":{\"type\":\"string\",\"maxLength\":4096},"
          "\"from_line\":{\"type\":\"integer\",\"minimum\":1},"
          "\"lines\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5000}",
          ",\"required\":[\"path\"]"),
      PL_ROLE_VIEWER, 0, pl_tool_read_file },
    { "git_status", "The project's git status: branch and the changed files.",
      OBJ(PROJECT, ""), PL_ROLE_VIEWER, 0, pl_tool_git_status },
    { "git_log", "The project's recent commits, newest first.",
      OBJ(PROJECT ",\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}", ""),
      PL_ROLE_VIEWER, 0, pl_tool_git_log },
    { "update_task", "Tick or untick a task of the plan (a new plan version by the caller).",
      OBJ(PROJECT "," TASK_REF ",\"task\":{\"type\":\"string\",\"maxLength\":1000,"
          "\"description\":\"the task's text as get_plan shows it (or its start)\"},"
          "\"done\":{\"type\":\"boolean\"}",
          ",\"required\":[\"objective_id\",\"task\",\"done\"]"),
      PL_ROLE_DEVELOPER, 1, pl_tool_update_task },
    { "add_task", "Add a task (unticked) to an objective of the plan (a new plan version).",
      OBJ(PROJECT "," TASK_REF ",\"task\":{\"type\":\"string\",\"maxLength\":1000}",
          ",\"required\":[\"objective_id\",\"task\"]"),
      PL_ROLE_DEVELOPER, 1, pl_tool_add_task },
    { "add_objective", "Add an objective with its tasks at the end of the plan (a new plan"
      " version).",
      OBJ(PROJECT ",\"title\":{\"type\":\"string\",\"maxLength\":300},"
          "\"description\":{\"type\":\"string\",\"maxLength\":5000},"
          "\"tasks\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":1000}}",
          ",\"required\":[\"title\"]"),
      PL_ROLE_DEVELOPER, 1, pl_tool_add_objective },
    { "edit_plan_section", "Replace the body of the plan's section under a heading (the lines"
      " after it up to the next heading of the same or a higher level) with new Markdown.",
      OBJ(PROJECT ",\"heading\":{\"type\":\"string\",\"maxLength\":300,\"description\":"
          "\"the heading's text, without the #\"},"
          "\"markdown\":{\"type\":\"string\",\"maxLength\":100000}",
          ",\"required\":[\"heading\",\"markdown\"]"),
      PL_ROLE_DEVELOPER, 1, pl_tool_edit_plan_section },
};

#define NTOOLS ((int)(sizeof(TOOLS) / sizeof(TOOLS[0])))

const pl_tool_t *pl_tools_all(int *n)
{
    *n = NTOOLS;
    return TOOLS;
}

const pl_tool_t *pl_tools_find(const char *name)
{
    int i;

    for (i = 0; name && i < NTOOLS; i++)
        if (!strcmp(TOOLS[i].name, name))
            return &TOOLS[i];
    return NULL;
}

apr_array_header_t *pl_tools_list(apr_pool_t *p, const pl_tools_ctx_t *ctx, int writes_too)
{
    apr_array_header_t *out = apr_array_make(p, NTOOLS, sizeof(const pl_tool_t *));
    int i;

    for (i = 0; i < NTOOLS; i++)
        if (ctx->role >= TOOLS[i].role && (writes_too || !TOOLS[i].writes)
            && (TOOLS[i].handler != pl_tool_run_analysis || ctx->run_analysis))
            APR_ARRAY_PUSH(out, const pl_tool_t *) = &TOOLS[i];
    return out;
}

pl_json_t *pl_tools_schema(apr_pool_t *p, const pl_tool_t *t)
{
    pl_json_t *json;
    const char *err;

    return pl_json_parse(&json, p, t->schema, strlen(t->schema), 8, &err) == APR_SUCCESS
           ? json : NULL;
}

void pl_tools_fail(pl_tools_result_t *res, apr_pool_t *p, const char *code, const char *message)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 256);

    pl_jsonw_object(w, NULL);
    pl_jsonw_object(w, "error");
    pl_jsonw_str(w, "code", code);
    pl_jsonw_str(w, "message", message);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    res->error = 1;
    res->code = code;
    res->text = pl_jsonw_text(w, &res->len);
}

void pl_tools_ok(pl_tools_result_t *res, apr_pool_t *p, const char *json, apr_size_t len)
{
    res->error = 0;
    res->code = NULL;
    if (len > PL_TOOLS_RESULT_MAX) {
        /* cut as a JSON string, so the result stays one JSON value */
        pl_jsonw_t *w = pl_jsonw_create(p, PL_TOOLS_RESULT_MAX + 256);
        pl_jsonw_object(w, NULL);
        pl_jsonw_bool(w, "truncated", 1);
        pl_jsonw_str(w, "partial", apr_pstrmemdup(p, json, PL_TOOLS_RESULT_MAX - 1024));
        pl_jsonw_end(w);
        json = pl_jsonw_text(w, &len);
    }
    res->text = json;
    res->len = len;
}

void pl_tools_ok_writer(pl_tools_result_t *res, apr_pool_t *p, pl_jsonw_t *w)
{
    apr_size_t len;
    const char *text = pl_jsonw_text(w, &len);

    pl_tools_ok(res, p, text, len);
}

apr_int64_t pl_tools_int_arg(const pl_json_t *args, const char *key, apr_int64_t def)
{
    apr_int64_t v;

    return args && pl_json_get_int(args, key, &v) ? v : def;
}

void pl_tools_fail_status(pl_tools_result_t *res, apr_pool_t *p, apr_status_t rv,
                          const char *what)
{
    if (rv == PL_ENOTFOUND)
        pl_tools_fail(res, p, PL_ERR_NOT_FOUND, apr_pstrcat(p, "no such ", what, NULL));
    else if (rv == PL_EFORBIDDEN)
        pl_tools_fail(res, p, PL_ERR_TOOL_FORBIDDEN, apr_pstrcat(p, "the ", what,
                                                                  " may not be touched", NULL));
    else if (rv == PL_EBUSY)
        pl_tools_fail(res, p, PL_ERR_DATABASE_BUSY, "the database is busy: try again");
    else {
        char buf[120];
        pl_tools_fail(res, p, PL_ERR_TOOL_FAILED, apr_psprintf(
            p, "the %s could not be read or written (%s)", what, apr_strerror(rv, buf, sizeof buf)));
    }
}

int pl_tools_project(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_role_e need,
                     apr_int64_t *project_id, pl_role_e *role, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    apr_int64_t id = pl_tools_int_arg(args, "project_id", ctx->project_id);
    apr_status_t rv;

    if (!id) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "project_id is required (list_projects"
                      " gives the ids)");
        return 0;
    }
    if (ctx->project_id && id != ctx->project_id) {
        pl_tools_fail(res, p, PL_ERR_TOOL_FORBIDDEN, apr_psprintf(
            p, "this chat works on project %" APR_INT64_T_FMT " only", ctx->project_id));
        return 0;
    }
    if (ctx->key_project && id != ctx->key_project) {
        pl_tools_fail(res, p, PL_ERR_TOOL_FORBIDDEN, "this API key is limited to another project");
        return 0;
    }
    rv = pl_project_role(ctx->db, p, id, ctx->user_id, ctx->user_role, role);
    if (rv == APR_SUCCESS) {
        *role = PL_ROLE_MIN(*role, ctx->role);
        if (*role == PL_ROLE_NONE)
            rv = PL_ENOTFOUND;   /* a project the caller may not see does not exist for it */
    }
    if (rv != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "project");
        return 0;
    }
    if (*role < need) {
        pl_tools_fail(res, p, PL_ERR_TOOL_FORBIDDEN, apr_pstrcat(
            p, "your role in this project (", pl_role_name(*role), ") does not allow this: it"
            " needs ", pl_role_name(need), NULL));
        return 0;
    }
    *project_id = id;
    return 1;
}

int pl_tools_project_dir(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_role_e need,
                         apr_int64_t *project_id, const char **dir, pl_tools_result_t *res)
{
    pl_project_t *proj;
    pl_role_e role;
    const char *why;
    apr_status_t rv;

    if (!pl_tools_project(ctx, args, need, project_id, &role, res))
        return 0;
    if ((rv = pl_store_project_get(ctx->db, ctx->pool, *project_id, &proj)) != APR_SUCCESS) {
        pl_tools_fail_status(res, ctx->pool, rv, "project");
        return 0;
    }
    if (pl_project_confine(ctx->pool, ctx->roots, proj->local_path, dir, &why) != APR_SUCCESS) {
        pl_tools_fail(res, ctx->pool, PL_ERR_PROJECT_DIR_UNAVAILABLE,
                      apr_pstrcat(ctx->pool, "the project's directory ", why, NULL));
        return 0;
    }
    return 1;
}

void pl_tools_call_parsed(const pl_tools_ctx_t *ctx, const pl_tool_t *t, const pl_json_t *args,
                          pl_tools_result_t *res)
{
    const char *why;

    memset(res, 0, sizeof(*res));
    if ((why = pl_tools_validate(ctx->pool, t, args))) {
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_ARGUMENTS, why);
        return;
    }
    if (ctx->role < t->role) {
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_FORBIDDEN, apr_pstrcat(
            ctx->pool, t->name, " needs the role ", pl_role_name(t->role), "; yours is ",
            pl_role_name(ctx->role), NULL));
        return;
    }
    if (!args) {
        const char *err;
        (void)pl_json_parse((pl_json_t **)&args, ctx->pool, "{}", 2, 2, &err);
    }
    /* The handler runs in a pool of its own: what it holds (a plan's lock,
     * a code index) ends with the call; the result is copied out. */
    {
        pl_tools_ctx_t sub = *ctx;
        apr_pool_create(&sub.pool, ctx->pool);
        t->handler(&sub, args, res);
        if (res->text)
            res->text = apr_pstrmemdup(ctx->pool, res->text, res->len);
        apr_pool_destroy(sub.pool);
    }
    if (!res->text)
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_FAILED, "the tool gave no result");
}

void pl_tools_call(const pl_tools_ctx_t *ctx, const char *name, const char *args_json,
                   apr_size_t len, pl_tools_result_t *res)
{
    const pl_tool_t *t = pl_tools_find(name);
    pl_json_t *args = NULL;
    const char *err;

    memset(res, 0, sizeof(*res));
    if (!t) {
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_UNKNOWN, apr_pstrcat(
            ctx->pool, "there is no tool named ", name ? name : "(none)", NULL));
        return;
    }
    if (args_json && len > ARGS_MAX) {
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_ARGUMENTS, "the arguments are too long");
        return;
    }
    if (args_json && len && pl_json_parse(&args, ctx->pool, args_json, len, ARGS_DEPTH, &err)
                            != APR_SUCCESS) {
        pl_tools_fail(res, ctx->pool, PL_ERR_TOOL_ARGUMENTS,
                      apr_pstrcat(ctx->pool, "the arguments are not JSON: ", err, NULL));
        return;
    }
    pl_tools_call_parsed(ctx, t, args, res);
}
