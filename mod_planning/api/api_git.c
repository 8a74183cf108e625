/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/projects/{id}/git: the shared part (opening, paths, errors) and
 * the status. The router has checked the caller's role in the project. */
#include <string.h>

#include <apr_strings.h>

#include "api_git.h"
#include "core/pl_status.h"
#include "git/pl_git_status.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

const char *api_git_base(mp_req_t *req)
{
    return apr_pstrcat(req->r->pool, MP_API_BASE "/projects/", apr_table_get(req->params, "id"),
                       "/git", NULL);
}

int api_git_fail(mp_req_t *req, const pl_git_fail_t *why)
{
    const pl_error_code_t *e = pl_error_code_find(why->code);
    int status = e && e->status ? e->status : HTTP_INTERNAL_SERVER_ERROR;

    return mp_reply_error(req, status, why->code, why->message, why->field);
}

int api_git_open(mp_req_t *req, pl_git_t **g)
{
    apr_pool_t *p = req->r->pool;
    pl_project_t *proj;
    const char *dir, *why;
    pl_git_fail_t fail;
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "id", "project", &id))
        return 0;
    if ((rv = pl_store_project_get(req->db, p, id, &proj)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    if (pl_project_confine(p, req->conf->roots, proj->local_path, &dir, &why) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_CONFLICT, PL_ERR_PROJECT_PATH_INVALID,
                       apr_pstrcat(p, "the project's local_path ", why, NULL), NULL);
        return 0;
    }
    if (pl_git_open(p, dir, g, &fail) != APR_SUCCESS) {
        api_git_fail(req, &fail);
        return 0;
    }
    return 1;
}

int api_git_path(mp_req_t *req, pl_git_t *g, const char *rel, const char *field)
{
    apr_pool_t *p = req->r->pool;
    const char *abs, *why = "is empty";
    int flags = 0;
    apr_status_t rv = PL_EINVAL;

    if (rel && *rel)
        rv = pl_project_path(p, g->root, rel, strlen(rel), &abs, &flags, &why);
    if (rv == APR_SUCCESS && (flags & PL_PROJECT_PATH_GIT)) {
        rv = PL_EINVAL;
        why = "is in .git/, which is git's own and not the work tree";
    }
    if (rv == APR_SUCCESS)
        return 1;
    mp_reply_error(req, rv == PL_EFORBIDDEN ? HTTP_FORBIDDEN : HTTP_BAD_REQUEST,
                   rv == PL_EFORBIDDEN ? PL_ERR_FORBIDDEN : PL_ERR_VALIDATION,
                   apr_pstrcat(p, field, " ", why, NULL), field);
    return 0;
}

int api_git_reply_status(mp_req_t *req, pl_git_t *g)
{
    pl_git_fail_t why;
    pl_jsonw_t *w = mp_reply_writer(req, 4096);

    pl_jsonw_object(w, NULL);
    if (pl_git_status_write(g, w, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_git_status(mp_req_t *req)
{
    pl_git_t *g;

    return api_git_open(req, &g) ? api_git_reply_status(req, g) : OK;
}
