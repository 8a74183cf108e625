/* SPDX-License-Identifier: Apache-2.0 */
/* Prompts: the prompt library (pl_prompts), shared by every user as in the
 * REST API. A prompt's MCP name is its own name, with "#<id>" added when
 * another prompt bears the same one (names are unique per owner only); its
 * arguments are the variables its template uses (pl_prompt_parse), each
 * required. The built-ins (date, datetime, user) are filled in; a template
 * that uses project.name or project.description takes a "project" argument,
 * the id of a project the caller may see. */
#include <apr_hash.h>
#include <apr_strings.h>

#include "chat/pl_prompt_render.h"
#include "chat/pl_prompts.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "mcp/pl_mcp.h"
#include "projects/pl_store_projects.h"

#define PAGE 50
#define RENDER_MAX (4 * PL_PROMPT_BODY_CHARS)

/* The prompts named exactly name (the library filters by a part of it). */
static apr_status_t named(pl_mcp_ctx_t *ctx, const char *name, apr_array_header_t **out)
{
    pl_prompt_filter_t f = { NULL, name, 0, 200, 0 };
    apr_array_header_t *items;
    apr_int64_t total;
    apr_status_t rv;
    int i;

    *out = apr_array_make(ctx->p, 2, sizeof(pl_prompt_t *));
    do {
        if ((rv = pl_prompts_list(ctx->db, ctx->p, &f, &items, &total)) != APR_SUCCESS)
            return rv;
        for (i = 0; i < items->nelts; i++)
            if (!strcmp(APR_ARRAY_IDX(items, i, pl_prompt_t *)->name, name))
                APR_ARRAY_PUSH(*out, pl_prompt_t *) = APR_ARRAY_IDX(items, i, pl_prompt_t *);
        f.offset += f.limit;
    } while (f.offset < total);
    return APR_SUCCESS;
}

static const char *mcp_name(pl_mcp_ctx_t *ctx, const pl_prompt_t *pr)
{
    apr_array_header_t *same;

    if (named(ctx, pr->name, &same) == APR_SUCCESS && same->nelts <= 1)
        return pr->name;
    return apr_psprintf(ctx->p, "%s#%" APR_INT64_T_FMT, pr->name, pr->id);
}

/* The variables a caller supplies, and whether the project built-ins are
 * used; NULL for a template that does not parse. */
static apr_array_header_t *arguments(pl_mcp_ctx_t *ctx, const pl_prompt_t *pr, int *project)
{
    apr_array_header_t *names, *args;
    const char *why;
    int i;

    *project = 0;
    if (pl_prompt_parse(ctx->p, pr->body, &names, &why) != APR_SUCCESS)
        return NULL;
    args = apr_array_make(ctx->p, names->nelts + 1, sizeof(const char *));
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        if (!strncmp(n, "project.", 8) && pl_prompt_builtin(n))
            *project = 1;
        else if (!pl_prompt_builtin(n))
            APR_ARRAY_PUSH(args, const char *) = n;
    }
    return args;
}

static void write_prompt(pl_mcp_ctx_t *ctx, pl_jsonw_t *w, const pl_prompt_t *pr)
{
    apr_array_header_t *args;
    int project, i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "name", mcp_name(ctx, pr));
    pl_jsonw_str(w, "title", pr->name);
    if (pr->description && *pr->description)
        pl_jsonw_str(w, "description", pr->description);
    pl_jsonw_array(w, "arguments");
    for (i = 0, args = arguments(ctx, pr, &project); args && i < args->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "name", APR_ARRAY_IDX(args, i, const char *));
        pl_jsonw_bool(w, "required", 1);
        pl_jsonw_end(w);
    }
    if (args && project) {
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "name", "project");
        pl_jsonw_str(w, "description", "the id of the project whose name and description"
                                       " the prompt uses");
        pl_jsonw_bool(w, "required", 1);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

const char *pl_mcp_prompts_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    pl_prompt_filter_t f = { NULL, NULL, 0, PAGE, 0 };
    apr_array_header_t *items;
    apr_int64_t total;
    apr_status_t rv;
    pl_jsonw_t *w;
    int i;

    if (!pl_mcp_cursor(params, &f.offset, err))
        return NULL;
    if ((rv = pl_prompts_list(ctx->db, ctx->p, &f, &items, &total)) != APR_SUCCESS)
        return pl_mcp_fail_status(ctx, err, rv, "prompt library");
    w = pl_jsonw_create(ctx->p, 512 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "prompts");
    for (i = 0; i < items->nelts; i++)
        write_prompt(ctx, w, APR_ARRAY_IDX(items, i, pl_prompt_t *));
    pl_jsonw_end(w);
    pl_mcp_next_cursor(w, ctx->p, f.offset, items->nelts, total);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* The prompt an MCP name names: "name", or "name#id". */
static const char *find(pl_mcp_ctx_t *ctx, const char *name, pl_prompt_t **pr, pl_mcp_err_t *err)
{
    const char *hash = strrchr(name, '#');
    apr_array_header_t *same;
    apr_int64_t id;
    apr_status_t rv;

    if (hash && pl_text_int(hash + 1, 1, APR_INT64_MAX, &id) == APR_SUCCESS) {
        rv = pl_prompts_get(ctx->db, ctx->p, id, pr);
        if (rv == APR_SUCCESS && strncmp((*pr)->name, name, (apr_size_t)(hash - name)))
            rv = PL_ENOTFOUND;
        if (rv == APR_SUCCESS && strlen((*pr)->name) == (apr_size_t)(hash - name))
            return "";
        if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
            return pl_mcp_fail_status(ctx, err, rv, "prompt");
    }
    if ((rv = named(ctx, name, &same)) != APR_SUCCESS)
        return pl_mcp_fail_status(ctx, err, rv, "prompt");
    if (same->nelts == 1) {
        *pr = APR_ARRAY_IDX(same, 0, pl_prompt_t *);
        return "";
    }
    return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, same->nelts
                       ? "several prompts bear this name: give it as name#id, as prompts/list does"
                       : apr_pstrcat(ctx->p, "no prompt named ", name, NULL), NULL);
}

/* The project built-ins from the "project" argument. */
static const char *project_values(pl_mcp_ctx_t *ctx, apr_hash_t *values, const char *arg,
                                  const char *user, pl_mcp_err_t *err)
{
    pl_project_t *proj;
    pl_role_e role = PL_ROLE_NONE;
    apr_int64_t id;

    if (!arg || pl_text_int(arg, 1, APR_INT64_MAX, &id) != APR_SUCCESS
        || pl_mcp_project_role(ctx, id, &role) != APR_SUCCESS || role == PL_ROLE_NONE
        || pl_store_project_get(ctx->db, ctx->p, id, &proj) != APR_SUCCESS)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "this prompt uses the project's name:"
                           " the argument project must be the id of a project you may see", NULL);
    pl_prompt_builtins(values, ctx->p, apr_time_now(), user, proj->name,
                       proj->description ? proj->description : "");
    return "";
}

const char *pl_mcp_prompts_get(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    const char *name = params ? pl_json_get_str(params, "name") : NULL, *out, *why;
    pl_json_t *given = NULL;
    apr_array_header_t *keys, *missing = NULL;
    apr_hash_t *values = apr_hash_make(ctx->p);
    pl_prompt_t *pr;
    pl_jsonw_t *w;
    apr_status_t rv;
    int project, i;

    if (!name)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "prompts/get needs params.name", NULL);
    if (pl_json_type_of(params, "arguments") != PL_JSON_ABSENT
        && !(given = pl_json_get_object(ctx->p, params, "arguments")))
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "arguments must be an object", NULL);
    if (!find(ctx, name, &pr, err))
        return NULL;
    keys = given ? pl_json_keys(ctx->p, given) : apr_array_make(ctx->p, 1, sizeof(char *));
    for (i = 0; i < keys->nelts; i++) {
        const char *k = APR_ARRAY_IDX(keys, i, const char *), *v = pl_json_get_str(given, k);
        if (!v)
            return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, apr_pstrcat(ctx->p, "argument ", k,
                               " must be a string", NULL), NULL);
        if (!pl_prompt_builtin(k))   /* the module fills those, as the REST render does */
            apr_hash_set(values, k, APR_HASH_KEY_STRING, v);
    }
    if (!arguments(ctx, pr, &project))
        return pl_mcp_fail(err, PL_RPC_INTERNAL_ERROR, "the prompt's template is malformed:"
                           " its owner must fix it", NULL);
    if (project && !project_values(ctx, values, apr_hash_get(values, "project",
                                   APR_HASH_KEY_STRING), ctx->caller.username, err))
        return NULL;
    if (!project)
        pl_prompt_builtins(values, ctx->p, apr_time_now(), ctx->caller.username, NULL, NULL);
    rv = pl_prompt_render(ctx->p, pr->body, values, RENDER_MAX, &out, &missing, &why);
    if (rv == PL_ENOTFOUND)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "arguments are missing",
                           pl_prompt_missing_json(ctx->p, missing));
    if (rv == PL_ETOOBIG)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "the rendered prompt is too large", NULL);
    if (rv != APR_SUCCESS)
        return pl_mcp_fail(err, PL_RPC_INTERNAL_ERROR, why ? why : "the prompt cannot be rendered",
                           NULL);
    w = pl_jsonw_create(ctx->p, strlen(out) + 256);
    pl_jsonw_object(w, NULL);
    if (pr->description && *pr->description)
        pl_jsonw_str(w, "description", pr->description);
    pl_jsonw_array(w, "messages");
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "role", "user");
    pl_jsonw_object(w, "content");
    pl_jsonw_str(w, "type", "text");
    pl_jsonw_str(w, "text", out);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}
