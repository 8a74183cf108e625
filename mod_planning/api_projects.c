/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/projects: create, list, read, replace, patch, archive. */
#include <apr_strings.h>

#include "api.h"
#include "pl_status.h"
#include "pl_store_projects.h"
#include "pl_text.h"

#define LIST_DEFAULT 50
#define LIST_MAX     200

/* The sub-resources DESIGN.md gives a project, linked from every project. */
static const char *const SUBRESOURCES[] = {
    "plan", "analysis", "recommendations", "snapshots", "files", "git", "jobs",
    "members", "webhooks", NULL
};

static const char *project_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, id);
}

static pl_json_t *project_json(apr_pool_t *p, const pl_project_t *proj)
{
    pl_json_t *j = pl_project_to_json(proj, p), *links = pl_json_object(p);
    const char *self = project_href(p, proj->id);
    const char *const *sub;

    pl_json_set_link(links, "self", self);
    for (sub = SUBRESOURCES; *sub; sub++)
        pl_json_set_link(links, *sub, apr_pstrcat(p, self, "/", *sub, NULL));
    pl_json_set_link(links, "threads",
                     apr_psprintf(p, MP_API_BASE "/threads?project_id=%" APR_INT64_T_FMT,
                                  proj->id));
    pl_json_set(j, "_links", links);
    return j;
}

static int invalid(mp_req_t *req, const pl_invalid_t *inv)
{
    return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
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

int api_projects_create(mp_req_t *req)
{
    request_rec *r = req->r;
    pl_project_t *proj = apr_pcalloc(r->pool, sizeof(*proj));
    pl_invalid_t inv;
    apr_status_t rv;

    if (pl_project_apply(proj, req->body, PL_PROJECT_CREATE, req->conf->roots, r->pool, &inv)
        != APR_SUCCESS)
        return invalid(req, &inv);
    if ((rv = pl_store_project_insert(req->db, r->pool, proj)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project");
    apr_table_setn(r->headers_out, "Location",
                   ap_construct_url(r->pool, project_href(r->pool, proj->id), r));
    return mp_reply_json(req, HTTP_CREATED, project_json(r->pool, proj));
}

static const char *page_href(apr_pool_t *p, const pl_project_filter_t *f, int offset)
{
    return apr_psprintf(p, MP_API_BASE "/projects?limit=%d&offset=%d%s%s", f->limit, offset,
                        f->status ? "&status=" : "", f->status ? f->status : "");
}

int api_projects_list(mp_req_t *req)
{
    request_rec *r = req->r;
    pl_project_filter_t f = { NULL, LIST_DEFAULT, 0 };
    apr_table_t *args = NULL;
    apr_array_header_t *items;
    apr_int64_t total, v;
    pl_json_t *doc, *arr, *links;
    const char *s;
    apr_status_t rv;
    int i;

    ap_args_to_table(r, &args);
    if ((s = apr_table_get(args, "limit"))) {
        if (pl_text_int(s, 1, LIST_MAX, &v) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "limit must be a whole number from 1 to 200", "limit");
        f.limit = (int)v;
    }
    if ((s = apr_table_get(args, "offset"))) {
        if (pl_text_int(s, 0, 1000000000, &v) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "offset must be a whole number of 0 or more", "offset");
        f.offset = (int)v;
    }
    if ((s = apr_table_get(args, "status"))) {
        if (!pl_project_status_valid(s))
            return mp_reply_error(req, HTTP_BAD_REQUEST, "VALIDATION_ERROR",
                                  "status must be \"active\" or \"archived\"", "status");
        f.status = s;
    }
    if ((rv = pl_store_project_list(req->db, r->pool, &f, &items, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project list");

    doc = pl_json_object(r->pool);
    arr = pl_json_array(r->pool);
    for (i = 0; i < items->nelts; i++)
        pl_json_append(arr, project_json(r->pool, APR_ARRAY_IDX(items, i, pl_project_t *)));
    pl_json_set(doc, "items", arr);
    pl_json_set_int(doc, "total", total);
    pl_json_set_int(doc, "limit", f.limit);
    pl_json_set_int(doc, "offset", f.offset);
    links = pl_json_object(r->pool);
    pl_json_set_link(links, "self", page_href(r->pool, &f, f.offset));
    if ((apr_int64_t)f.offset + f.limit < total)
        pl_json_set_link(links, "next", page_href(r->pool, &f, f.offset + f.limit));
    if (f.offset > 0)
        pl_json_set_link(links, "prev",
                         page_href(r->pool, &f, f.offset > f.limit ? f.offset - f.limit : 0));
    pl_json_set(doc, "_links", links);
    return mp_reply_json(req, HTTP_OK, doc);
}

int api_projects_get(mp_req_t *req)
{
    pl_project_t *proj;

    if (!load(req, &proj))
        return OK;
    return mp_reply_json(req, HTTP_OK, project_json(req->r->pool, proj));
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
        return mp_reply_status(req, rv, "project");
    return mp_reply_json(req, HTTP_OK, project_json(p, proj));
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
