/* SPDX-License-Identifier: Apache-2.0 */
/* .../git/branches and .../git/checkout: viewers list, developers create,
 * switch and delete. Every name is checked (pl_git_branch_name_ok,
 * pl_git_rev_ok) before the repository is opened: an option-like or range
 * name is a 400 with nothing done. */
#include <apr_strings.h>

#include "api_git.h"
#include "git/pl_git_branch.h"
#include "git/pl_git_ref.h"

/* 1 when name is a branch name; 0 after a 400 naming field. */
static int check_name(mp_req_t *req, const char *name, const char *field)
{
    const char *why = "must be a string";

    if (name && pl_git_branch_name_ok(name, &why))
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   apr_pstrcat(req->r->pool, field, " ", why, NULL), field);
    return 0;
}

static int reply_branches(mp_req_t *req, pl_git_t *g, int status)
{
    pl_git_fail_t why;
    pl_jsonw_t *w = mp_reply_writer(req, 1024);

    pl_jsonw_object(w, NULL);
    if (pl_git_branches_write(g, w, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

int api_git_branches_list(mp_req_t *req)
{
    pl_git_t *g;

    return api_git_open(req, &g) ? reply_branches(req, g, HTTP_OK) : OK;
}

int api_git_branches_create(mp_req_t *req)
{
    static const char *const known[] = { "name", "from", NULL };
    const char *name = pl_json_get_str(req->body, "name");
    const char *from = pl_json_get_str(req->body, "from"), *why;
    pl_git_fail_t fail;
    pl_git_t *g;

    if (!mp_request_only_fields(req, known) || !check_name(req, name, "name"))
        return OK;
    if (pl_json_type_of(req->body, "from") != PL_JSON_ABSENT
        && (!from || !pl_git_rev_ok(from, &why)))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              apr_pstrcat(req->r->pool, "from ", from ? why : "must be a string",
                                          NULL), "from");
    if (!api_git_open(req, &g))
        return OK;
    if (pl_git_branch_create(g, name, from, &fail) != APR_SUCCESS)
        return api_git_fail(req, &fail);
    return reply_branches(req, g, HTTP_CREATED);
}

int api_git_checkout(mp_req_t *req)
{
    static const char *const known[] = { "branch", NULL };
    const char *branch = pl_json_get_str(req->body, "branch");
    pl_git_fail_t fail;
    pl_git_t *g;

    if (!mp_request_only_fields(req, known) || !check_name(req, branch, "branch")
        || !api_git_open(req, &g))
        return OK;
    if (pl_git_checkout(g, branch, &fail) != APR_SUCCESS)
        return api_git_fail(req, &fail);
    return api_git_reply_status(req, g);
}

int api_git_branches_delete(mp_req_t *req)
{
    const char *name = apr_table_get(req->params, "branch");   /* {branch*}: may hold slashes */
    pl_git_fail_t fail;
    pl_git_t *g;

    if (!check_name(req, name, "branch") || !api_git_open(req, &g))
        return OK;
    if (pl_git_branch_delete(g, name, &fail) != APR_SUCCESS)
        return api_git_fail(req, &fail);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}
