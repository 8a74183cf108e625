/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/projects: create, list, read, replace, patch, archive. */
#include <apr_strings.h>

#include "api.h"
#include "mp_router.h"
#include "core/pl_path.h"
#include "core/pl_status.h"
#include "projects/pl_store_projects.h"
#include "core/pl_text.h"

/* A project's sub-resources that this release serves (mp_router.c), linked
 * from every project. A link is added here with its route, never before:
 * every link a client is given must answer (t/lib/PlanningTest.pm fetches
 * each one the live tests see). Those that answer only in some projects
 * (objectives before an analysis, files of a vanished directory, git of a
 * directory that is no repository) are not linked from the project. */
static const struct { const char *rel, *suffix; } SUBRESOURCES[] = {
    { "members", "/members" }, { "chat-defaults", "/chat-defaults" },
    { "analyses", "/analyses" }, { "snapshots", "/snapshots" }, { "trends", "/trends" },
    { "schedule", "/schedule" },
};

static const char *project_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, id);
}

/* Writes one project with its _links as an object (member key, or NULL in
 * an array); my_role, when known, is the caller's role in it (what the UI
 * offers follows it, not the account's global role). */
static void write_project_job(pl_jsonw_t *w, apr_pool_t *p, const pl_project_t *proj,
                              const pl_job_t *clone, pl_role_e my_role)
{
    const char *self = project_href(p, proj->id);
    apr_size_t i;

    pl_jsonw_object(w, NULL);
    pl_project_write(w, proj);
    if (my_role > PL_ROLE_NONE)
        pl_jsonw_str(w, "my_role", pl_role_name(my_role));
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", self, NULL);
    for (i = 0; i < sizeof(SUBRESOURCES) / sizeof(SUBRESOURCES[0]); i++)
        pl_jsonw_link(w, SUBRESOURCES[i].rel, self, SUBRESOURCES[i].suffix);
    pl_jsonw_link(w, "threads", MP_API_BASE "/threads?project_id=",
                  self + sizeof(MP_API_BASE "/projects/") - 1);
    if (clone)
        pl_jsonw_link(w, "clone_job", apr_psprintf(p, MP_API_BASE "/jobs/%" APR_INT64_T_FMT,
                                                   clone->id), NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

static void write_project(pl_jsonw_t *w, apr_pool_t *p, const pl_project_t *proj)
{
    write_project_job(w, p, proj, NULL, PL_ROLE_NONE);
}

static int reply_project(mp_req_t *req, int status, const pl_project_t *proj)
{
    pl_jsonw_t *w = mp_reply_writer(req, 1024);

    write_project_job(w, req->r->pool, proj, NULL, req->project_role);
    return mp_reply_json(req, status, w);
}

/* A store refusal: PL_EINVAL is a local_path another project's overlaps. */
static int store_refused(mp_req_t *req, apr_status_t rv)
{
    if (rv == PL_EINVAL)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "local_path is, contains or lies inside the directory of another"
                              " project", "local_path");
    return mp_reply_status(req, rv, "project");
}

static int invalid(mp_req_t *req, const pl_invalid_t *inv)
{
    return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                          inv->field ? apr_pstrcat(req->r->pool, inv->field, " ", inv->message,
                                                   NULL)
                                     : inv->message,
                          inv->field);
}

/* The project named by {id}; 0 after a 404 reply. */
static int load(mp_req_t *req, pl_project_t **pproj)
{
    apr_int64_t id;
    apr_status_t rv;

    if (pl_text_int(apr_table_get(req->params, "id"), 1, APR_INT64_MAX, &id) != APR_SUCCESS)
        rv = PL_ENOTFOUND;
    else
        rv = pl_store_project_get(req->db, req->r->pool, id, pproj);
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    return 1;
}

int api_projects_current(mp_req_t *req, pl_json_t **current)
{
    pl_jsonw_t *w = mp_reply_writer(req, 1024);
    pl_project_t *proj;
    const char *text, *err;
    apr_size_t len;

    if (!load(req, &proj))
        return 0;
    pl_jsonw_object(w, NULL);
    pl_project_write(w, proj);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, &len);
    if (pl_json_parse(current, req->r->pool, text, len, 4, &err) != APR_SUCCESS) {
        mp_reply_status(req, APR_EGENERAL, "project");
        return 0;
    }
    return 1;
}

int api_projects_create(mp_req_t *req)
{
    request_rec *r = req->r;
    pl_project_t *proj = apr_pcalloc(r->pool, sizeof(*proj));
    pl_job_t *clone = NULL;
    pl_invalid_t inv;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (pl_project_apply(proj, req->body, PL_PROJECT_CREATE, req->conf->roots, r->pool, &inv)
        != APR_SUCCESS)
        return invalid(req, &inv);
    proj->owner_id = req->caller.user->id;
    if ((rv = pl_store_project_insert(req->db, r->pool, proj)) != APR_SUCCESS)
        return store_refused(req, rv);
    apr_table_setn(r->headers_out, "Location",
                   ap_construct_url(r->pool, project_href(r->pool, proj->id), r));
    /* a repository to clone into an empty directory: the clone job (which
     * checks that the directory is still empty when it runs) */
    if (proj->repository_url && pl_path_dir_empty(r->pool, proj->local_path)
        && !(clone = api_git_clone_on_create(req, proj->id, proj->repository_url)))
        return mp_reply_status(req, APR_EGENERAL, "clone job");
    w = mp_reply_writer(req, 1024);
    /* the creator's role in it (the owner's, narrowed by a key); none said
     * if the database cannot tell now: the project is made all the same */
    if (mp_router_project_role(req, proj->id) != APR_SUCCESS)
        req->project_role = PL_ROLE_NONE;
    write_project_job(w, r->pool, proj, clone, req->project_role);
    return mp_reply_json(req, HTTP_CREATED, w);
}

static const char *page_href(apr_pool_t *p, const pl_project_filter_t *f, int offset)
{
    return apr_psprintf(p, MP_API_BASE "/projects?limit=%d&offset=%d%s%s", f->limit, offset,
                        f->status ? "&status=" : "", f->status ? f->status : "");
}

int api_projects_list(mp_req_t *req)
{
    request_rec *r = req->r;
    pl_project_filter_t f = { .limit = MP_LIST_DEFAULT };
    apr_table_t *args = NULL;
    apr_array_header_t *items;
    apr_int64_t total, revision;
    pl_jsonw_t *w;
    const char *s, *etag, *key, *text;
    apr_size_t len;
    apr_status_t rv;
    int i;

    if (!mp_request_paging(req, &args, &f.limit, &f.offset))
        return OK;
    if ((s = apr_table_get(args, "status"))) {
        if (!pl_project_status_valid(s))
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "status must be \"active\" or \"archived\"", "status");
        f.status = s;
    }
    if ((rv = pl_store_projects_revision(req->db, r->pool, &revision)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project list");
    etag = apr_psprintf(r->pool, "\"p%" APR_INT64_T_FMT "\"", revision);
    apr_table_setn(r->headers_out, "ETag", etag);
    if ((s = apr_table_get(r->headers_in, "If-None-Match")) && (ap_strstr_c(s, etag)
                                                               || !strcmp(s, "*")))
        return mp_reply_empty(req, HTTP_NOT_MODIFIED);

    /* Admins see every project; others what they own or are members of; a
     * key limited to a project sees that one. The cache key names which. */
    if (req->caller.user->role < PL_ROLE_ADMIN)
        f.visible_to = req->caller.user->id;
    if (req->caller.key && req->caller.key->project_id)
        f.only_id = req->caller.key->project_id;
    key = apr_psprintf(r->pool, "%s|%" APR_INT64_T_FMT "|%" APR_INT64_T_FMT,
                       page_href(r->pool, &f, f.offset), f.visible_to, f.only_id);
    if ((text = pl_cache_get(req->conf->rt->pages, key, revision, r->pool, &len)))
        return mp_reply_json_text(req, HTTP_OK, text, len);
    if ((rv = pl_store_project_list(req->db, r->pool, &f, &items, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project list");

    w = mp_reply_writer(req, 800 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++)
        write_project(w, r->pool, APR_ARRAY_IDX(items, i, pl_project_t *));
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", total);
    pl_jsonw_int(w, "limit", f.limit);
    pl_jsonw_int(w, "offset", f.offset);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", page_href(r->pool, &f, f.offset), NULL);
    if ((apr_int64_t)f.offset + f.limit < total)
        pl_jsonw_link(w, "next", page_href(r->pool, &f, f.offset + f.limit), NULL);
    if (f.offset > 0)
        pl_jsonw_link(w, "prev", page_href(r->pool, &f, f.offset > f.limit ? f.offset - f.limit : 0),
                      NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, &len);
    /* Only a page rendered from the revision read above may be kept under it;
     * a write in between gives a newer page, which is still right to serve. */
    pl_cache_put(req->conf->rt->pages, key, revision, text, len);
    return mp_reply_json_text(req, HTTP_OK, text, len);
}

int api_projects_get(mp_req_t *req)
{
    pl_project_t *proj;

    if (!load(req, &proj))
        return OK;
    return reply_project(req, HTTP_OK, proj);
}

static int update(mp_req_t *req, pl_project_mode_e mode)
{
    apr_pool_t *p = req->r->pool;
    pl_project_t *proj;
    pl_invalid_t inv;
    apr_status_t rv;

    if (!load(req, &proj))
        return OK;
    if (pl_project_apply(proj, req->body, mode, req->conf->roots, p, &inv) != APR_SUCCESS)
        return invalid(req, &inv);
    if ((rv = pl_store_project_update(req->db, p, proj)) != APR_SUCCESS)
        return store_refused(req, rv);
    return reply_project(req, HTTP_OK, proj);
}

int api_projects_replace(mp_req_t *req)
{
    return update(req, PL_PROJECT_REPLACE);
}

int api_projects_patch(mp_req_t *req)
{
    return update(req, PL_PROJECT_PATCH);
}

int api_projects_archive(mp_req_t *req)
{
    pl_project_t *proj;
    apr_status_t rv;

    if (!load(req, &proj))
        return OK;
    proj->status = "archived";
    if ((rv = pl_store_project_update(req->db, req->r->pool, proj)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project");
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}
