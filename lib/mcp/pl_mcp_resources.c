/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: per project the caller may see, its plan, the objectives and
 * recommendations of its latest complete analysis, and its files, under
 *   planning://projects/{id}/plan | objectives | recommendations | files/{path}
 * A file is read only when it is a regular file confined to the project
 * (pl_mcp_files.c). The list
 * is paged and names at most PL_MCP_FILES_MAX files of each project, those
 * .gitignore does not ignore (the templates reach any other). A project
 * hidden from the caller, or outside its key's limit, reads as absent. */
#include <sys/stat.h>

#include <apr_strings.h>

#include "analyses/pl_analysis_results.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "files/pl_files_walk.h"
#include "mcp/pl_mcp.h"
#include "mcp/pl_mcp_int.h"
#include "plan/pl_plan_store.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define SCHEME "planning://projects/"
#define PAGE 100
#define PL_MCP_FILES_MAX 500

/* The listing: entries from offset on, PAGE of them, and whether more follow. */
typedef struct {
    pl_mcp_ctx_t *ctx;
    pl_jsonw_t *w;
    int seen, offset, shown, more;
    apr_int64_t project;
    const char *project_name;
    int files;
} listing_t;

/* Counts one entry; writes it when it falls on the page. Returns 0 once the
 * page is full (and one more exists). */
static int entry(listing_t *l, const char *rest, const char *name, const char *title,
                 const char *mime, const char *description, apr_off_t size)
{
    apr_pool_t *p = l->ctx->p;

    if (l->seen++ < l->offset)
        return 1;
    if (l->shown == PAGE) {
        l->more = 1;
        return 0;
    }
    l->shown++;
    pl_jsonw_object(l->w, NULL);
    pl_jsonw_str(l->w, "uri", apr_psprintf(p, SCHEME "%" APR_INT64_T_FMT "/%s", l->project, rest));
    pl_jsonw_str(l->w, "name", name);
    pl_jsonw_str(l->w, "title", title);
    pl_jsonw_str(l->w, "mimeType", mime);
    if (description)
        pl_jsonw_str(l->w, "description", description);
    if (size >= 0)
        pl_jsonw_int(l->w, "size", size);
    pl_jsonw_end(l->w);
    return 1;
}

static int file_entry(void *baton, int dirfd, const char *name, const char *rel,
                      const struct stat *st)
{
    listing_t *l = baton;
    apr_pool_t *p = l->ctx->p;

    (void)dirfd; (void)name;
    if (!S_ISREG(st->st_mode))
        return 0;
    if (++l->files > PL_MCP_FILES_MAX)
        return 2;
    return entry(l, apr_pstrcat(p, "files/", pl_mcp_file_uri_path(p, rel), NULL), rel,
                 apr_pstrcat(p, l->project_name, ": ", rel, NULL), pl_mcp_file_mime(rel, 1), NULL,
                 st->st_size) ? 0 : 2;
}

/* One project's entries. Returns 0 once the page is full. */
static int project_entries(listing_t *l, const pl_project_t *proj)
{
    apr_pool_t *p = l->ctx->p;
    const char *dir, *why;

    l->project = proj->id;
    l->project_name = proj->name;
    l->files = 0;
    if (!entry(l, "plan", apr_psprintf(p, "project-%" APR_INT64_T_FMT "-plan", proj->id),
               apr_pstrcat(p, proj->name, ": plan", NULL), "text/markdown",
               "The project's plan file (MASTER_PLAN.md) as it is now", -1)
        || !entry(l, "objectives", apr_psprintf(p, "project-%" APR_INT64_T_FMT "-objectives",
                                                 proj->id),
                  apr_pstrcat(p, proj->name, ": objectives", NULL), "application/json",
                  "The objectives of the latest complete analysis, with tasks and verdicts", -1)
        || !entry(l, "recommendations",
                  apr_psprintf(p, "project-%" APR_INT64_T_FMT "-recommendations", proj->id),
                  apr_pstrcat(p, proj->name, ": recommendations", NULL), "application/json",
                  "The recommendations of the latest complete analysis", -1))
        return 0;
    if (pl_project_confine(p, l->ctx->roots, proj->local_path, &dir, &why) != APR_SUCCESS)
        return 1;   /* its directory is gone or moved: the other resources still answer */
    return pl_files_walk(p, dir, "", dir, 0, file_entry, l) != 2 || !l->more;
}

const char *pl_mcp_resources_list(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    pl_project_filter_t f = { .limit = 200 };
    listing_t l = { ctx, NULL, 0, 0, 0, 0, 0, NULL, 0 };
    apr_array_header_t *items;
    apr_int64_t total;
    apr_status_t rv;
    int i;

    if (!pl_mcp_cursor(params, &l.offset, err))
        return NULL;
    if (ctx->caller.user_role < PL_ROLE_ADMIN)
        f.visible_to = ctx->caller.user_id;
    f.only_id = ctx->caller.project_limit;
    l.w = pl_jsonw_create(ctx->p, 16384);
    pl_jsonw_object(l.w, NULL);
    pl_jsonw_array(l.w, "resources");
    do {
        if ((rv = pl_store_project_list(ctx->db, ctx->p, &f, &items, &total)) != APR_SUCCESS)
            return pl_mcp_fail_status(ctx, err, rv, "project list");
        for (i = 0; i < items->nelts && !l.more; i++)
            project_entries(&l, APR_ARRAY_IDX(items, i, pl_project_t *));
        f.offset += f.limit;
    } while (!l.more && f.offset < total);
    pl_jsonw_end(l.w);
    if (l.more)
        pl_jsonw_str(l.w, "nextCursor", apr_psprintf(ctx->p, "o%d", l.offset + l.shown));
    pl_jsonw_end(l.w);
    return pl_jsonw_text(l.w, NULL);
}

static const struct { const char *tmpl, *name, *title, *mime, *description; } TEMPLATES[] = {
    { SCHEME "{id}/plan", "plan", "A project's plan", "text/markdown",
      "The plan file of project {id}" },
    { SCHEME "{id}/objectives", "objectives", "A project's objectives", "application/json",
      "The objectives of project {id}'s latest complete analysis, with tasks and verdicts" },
    { SCHEME "{id}/recommendations", "recommendations", "A project's recommendations",
      "application/json", "The recommendations of project {id}'s latest complete analysis" },
    { SCHEME "{id}/files/{+path}", "file", "A file of a project", NULL,
      "A file of project {id} by its path below the project's directory: text, or small"
      " binary files as base64" },
};

const char *pl_mcp_resources_templates(pl_mcp_ctx_t *ctx, const pl_json_t *params,
                                       pl_mcp_err_t *err)
{
    pl_jsonw_t *w = pl_jsonw_create(ctx->p, 2048);
    apr_size_t i;
    int offset;

    if (!pl_mcp_cursor(params, &offset, err))
        return NULL;
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "resourceTemplates");
    for (i = 0; i < sizeof(TEMPLATES) / sizeof(TEMPLATES[0]); i++) {
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "uriTemplate", TEMPLATES[i].tmpl);
        pl_jsonw_str(w, "name", TEMPLATES[i].name);
        pl_jsonw_str(w, "title", TEMPLATES[i].title);
        pl_jsonw_str(w, "description", TEMPLATES[i].description);
        if (TEMPLATES[i].mime)
            pl_jsonw_str(w, "mimeType", TEMPLATES[i].mime);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* The result of a read: one content, text or blob. */
const char *pl_mcp_resource_contents(pl_mcp_ctx_t *ctx, const char *uri, const char *mime,
                            const char *text, const char *blob)
{
    pl_jsonw_t *w = pl_jsonw_create(ctx->p, (text ? strlen(text) : strlen(blob)) + 256);

    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "contents");
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "uri", uri);
    pl_jsonw_str(w, "mimeType", mime);
    pl_jsonw_str(w, text ? "text" : "blob", text ? text : blob);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

const char *pl_mcp_resource_missing(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                             const char *why)
{
    pl_jsonw_t *w = pl_jsonw_create(ctx->p, 256);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "uri", uri);
    if (why)
        pl_jsonw_str(w, "reason", why);
    pl_jsonw_end(w);
    return pl_mcp_fail(err, PL_RPC_RESOURCE_NOT_FOUND, "Resource not found",
                       pl_jsonw_text(w, NULL));
}

static const char *read_plan(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                             apr_int64_t id, const char *dir)
{
    pl_plan_current_t *cur;
    const char *why = NULL;
    apr_status_t rv = pl_plan_current(ctx->db, ctx->p, id, dir, &cur, &why);

    if (rv == PL_EBUSY || rv == PL_EDB || rv == PL_EUNAVAILABLE)
        return pl_mcp_fail_status(ctx, err, rv, "plan");
    if (rv != APR_SUCCESS || !cur->name)
        return pl_mcp_resource_missing(ctx, err, uri, rv == APR_SUCCESS ? "the project has no plan file" : why);
    return pl_mcp_resource_contents(ctx, uri, "text/markdown", cur->text, NULL);
}

/* The objectives (with their tasks) or recommendations of the latest
 * complete analysis, as JSON text. */
static const char *read_results(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                                apr_int64_t id, int objectives)
{
    pl_analysis_record_t *a;
    apr_array_header_t *all;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i, j;

    rv = pl_analyses_latest(ctx->db, ctx->p, id, &a);
    if (rv == PL_ENOTFOUND)
        return pl_mcp_resource_missing(ctx, err, uri, "the project has no complete analysis yet");
    if (rv == APR_SUCCESS)
        rv = objectives ? pl_analysis_objectives(ctx->db, ctx->p, a->id, &all)
                        : pl_analysis_recommendations(ctx->db, ctx->p, a->id, &all);
    if (rv != APR_SUCCESS)
        return pl_mcp_fail_status(ctx, err, rv, "analysis");
    w = pl_jsonw_create(ctx->p, 1024 * (apr_size_t)(all->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_array(w, "items");
    for (i = 0; i < all->nelts; i++) {
        pl_jsonw_object(w, NULL);
        if (!objectives) {
            pl_analysis_advice_write(w, APR_ARRAY_IDX(all, i, pl_analysis_advice_t *));
            pl_jsonw_end(w);
            continue;
        }
        pl_analysis_objective_t *o = APR_ARRAY_IDX(all, i, pl_analysis_objective_t *);
        pl_analysis_objective_write(w, o);
        if (pl_analysis_objective(ctx->db, ctx->p, a->id, o->id, &o) == APR_SUCCESS) {
            pl_jsonw_array(w, "tasks");
            for (j = 0; j < o->tasks->nelts; j++) {
                pl_jsonw_object(w, NULL);
                pl_analysis_task_write(w, APR_ARRAY_IDX(o->tasks, j, pl_analysis_task_t *));
                pl_jsonw_end(w);
            }
            pl_jsonw_end(w);
        }
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_mcp_resource_contents(ctx, uri, "application/json", pl_jsonw_text(w, NULL), NULL);
}

const char *pl_mcp_resources_read(pl_mcp_ctx_t *ctx, const pl_json_t *params, pl_mcp_err_t *err)
{
    const char *uri = params ? pl_json_get_str(params, "uri") : NULL;
    const char *rest, *slash, *dir, *why;
    apr_int64_t id;
    pl_project_t *proj;
    pl_role_e role;
    apr_status_t rv;

    if (!uri)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, "resources/read needs params.uri", NULL);
    if (strncmp(uri, SCHEME, sizeof(SCHEME) - 1) || !(slash = strchr(uri + sizeof(SCHEME) - 1, '/'))
        || pl_text_int(apr_pstrmemdup(ctx->p, uri + sizeof(SCHEME) - 1,
                                      (apr_size_t)(slash - uri) - (sizeof(SCHEME) - 1)),
                       1, APR_INT64_MAX, &id) != APR_SUCCESS)
        return pl_mcp_resource_missing(ctx, err, uri, "not a resource of this server");
    rest = slash + 1;
    if ((rv = pl_mcp_project_role(ctx, id, &role)) != APR_SUCCESS)
        return pl_mcp_fail_status(ctx, err, rv, "project");
    if (role == PL_ROLE_NONE)
        return pl_mcp_resource_missing(ctx, err, uri, NULL);
    if (!strcmp(rest, "objectives") || !strcmp(rest, "recommendations"))
        return read_results(ctx, err, uri, id, !strcmp(rest, "objectives"));
    if (strcmp(rest, "plan") && strncmp(rest, "files/", 6))
        return pl_mcp_resource_missing(ctx, err, uri, "not a resource of this server");
    if ((rv = pl_store_project_get(ctx->db, ctx->p, id, &proj)) != APR_SUCCESS)
        return rv == PL_ENOTFOUND ? pl_mcp_resource_missing(ctx, err, uri, NULL)
                                  : pl_mcp_fail_status(ctx, err, rv, "project");
    if (pl_project_confine(ctx->p, ctx->roots, proj->local_path, &dir, &why) != APR_SUCCESS)
        return pl_mcp_resource_missing(ctx, err, uri, "the project's directory is not available");
    if (!strcmp(rest, "plan"))
        return read_plan(ctx, err, uri, id, dir);
    if (!(rest = pl_mcp_file_path_of_uri(ctx->p, rest + 6)))
        return pl_mcp_resource_missing(ctx, err, uri, "a malformed percent-escape in the path");
    return pl_mcp_file_read(ctx, err, uri, dir, rest);
}
