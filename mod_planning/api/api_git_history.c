/* SPDX-License-Identifier: Apache-2.0 */
/* GET .../git/log, .../git/commits/{sha} and .../git/diff (viewers). A diff
 * is structured JSON by default, or unified text with ?format=patch or
 * Accept: text/plain; both capped (PL_GIT_DIFF_MAX_BYTES). */
#include <string.h>

#include <apr_strings.h>

#include "api_git.h"
#include "git/pl_git_compare.h"
#include "git/pl_git_diff.h"
#include "git/pl_git_log.h"
#include "git/pl_git_ref.h"

/* Unified text when the client asks for it: ?format=patch, or an Accept
 * naming text/plain (or text/x-diff) and not JSON. 0 after a 400 for an
 * unknown format, else 1 with *patch. */
static int wants_patch(mp_req_t *req, apr_table_t *args, int *patch)
{
    const char *format = apr_table_get(args, "format");
    const char *accept = apr_table_get(req->r->headers_in, "Accept");

    *patch = 0;
    if (format) {
        if (strcmp(format, "patch") && strcmp(format, "json")) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           "format must be json or patch", "format");
            return 0;
        }
        *patch = !strcmp(format, "patch");
        return 1;
    }
    *patch = accept && (strstr(accept, "text/plain") || strstr(accept, "text/x-diff"))
             && !strstr(accept, "application/json");
    return 1;
}

static int reply_patch(mp_req_t *req, git_diff *diff)
{
    const char *text;
    apr_size_t len;
    int truncated, rc;
    pl_git_fail_t why;

    rc = pl_git_diff_patch(req->r->pool, diff, PL_GIT_DIFF_MAX_BYTES, &text, &len, &truncated);
    if (rc != 0) {
        pl_git_failed(&why, "printing a diff", rc);
        return api_git_fail(req, &why);
    }
    if (truncated)
        apr_table_setn(req->r->headers_out, "X-Diff-Truncated", "1");
    return mp_reply_body(req, HTTP_OK, "text/x-diff; charset=utf-8", text, len);
}

static int write_diff(mp_req_t *req, pl_jsonw_t *w, git_diff *diff)
{
    pl_git_fail_t why;
    int rc = pl_git_diff_write(w, req->r->pool, diff, 1, PL_GIT_DIFF_MAX_BYTES);

    if (rc != 0) {
        pl_git_failed(&why, "rendering a diff", rc);
        api_git_fail(req, &why);
        return 0;
    }
    return 1;
}

int api_git_log(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    const char *path;
    apr_table_t *args;
    pl_git_fail_t why;
    pl_git_t *g;
    pl_jsonw_t *w;
    int limit, offset, more;

    if (!mp_request_paging(req, &args, &limit, &offset) || !api_git_open(req, &g))
        return OK;
    path = apr_table_get(args, "path");
    if (path && !api_git_path(req, g, path, "path"))
        return OK;
    w = mp_reply_writer(req, 512 * (apr_size_t)limit);
    pl_jsonw_object(w, NULL);
    if (pl_git_log_write(g, w, path, limit, offset, &more, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    pl_jsonw_int(w, "limit", limit);
    pl_jsonw_int(w, "offset", offset);
    pl_jsonw_bool(w, "has_more", more);
    if (more) {
        /* the path is ours once confined, but it is the client's text:
         * escaped for the query string */
        pl_jsonw_object(w, "_links");
        pl_jsonw_link(w, "next", apr_psprintf(p, "%s/log?limit=%d&offset=%d", api_git_base(req),
                                              limit, offset + limit),
                      path ? apr_pstrcat(p, "&path=", ap_escape_urlencoded(p, path), NULL) : NULL);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_git_show(mp_req_t *req)
{
    const char *sha = apr_table_get(req->params, "sha");
    apr_table_t *args;
    git_commit *c;
    git_diff *diff;
    pl_git_fail_t why;
    pl_git_t *g;
    pl_jsonw_t *w;
    int patch;

    ap_args_to_table(req->r, &args);
    if (!wants_patch(req, args, &patch) || !api_git_open(req, &g))
        return OK;
    if (pl_git_commit_find(g, sha, &c, &why) != APR_SUCCESS
        || pl_git_commit_diff(g, c, &diff, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    if (patch)
        return reply_patch(req, diff);
    w = mp_reply_writer(req, 8192);
    pl_jsonw_object(w, NULL);
    pl_git_commit_write(w, req->r->pool, c);
    if (!write_diff(req, w, diff))
        return OK;
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* ?name=rev, checked by pl_git_rev_ok. 0 after a 400. */
static int rev_arg(mp_req_t *req, apr_table_t *args, const char *name, const char **rev)
{
    const char *why;

    *rev = apr_table_get(args, name);
    if (*rev && !pl_git_rev_ok(*rev, &why)) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       apr_pstrcat(req->r->pool, name, " ", why, NULL), name);
        return 0;
    }
    return 1;
}

int api_git_diff(mp_req_t *req)
{
    pl_git_compare_t what = { 0, NULL, NULL, NULL, 0, 0 };
    const char *staged;
    apr_table_t *args;
    git_diff *diff;
    pl_git_fail_t why;
    pl_git_t *g;
    pl_jsonw_t *w;
    int patch;

    ap_args_to_table(req->r, &args);
    staged = apr_table_get(args, "staged");
    if (staged && strcmp(staged, "0") && strcmp(staged, "1"))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, "staged must be 0 or 1",
                              "staged");
    what.staged = staged && !strcmp(staged, "1");
    if (!wants_patch(req, args, &patch) || !rev_arg(req, args, "from", &what.from)
        || !rev_arg(req, args, "to", &what.to))
        return OK;
    if (what.to && !what.from)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "to needs from (the diff from one revision to another)", "to");
    if (!api_git_open(req, &g))
        return OK;
    what.path = apr_table_get(args, "path");
    if (what.path && !api_git_path(req, g, what.path, "path"))
        return OK;
    if (pl_git_compare(g, &what, &diff, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    if (patch)
        return reply_patch(req, diff);
    w = mp_reply_writer(req, 8192);
    pl_jsonw_object(w, NULL);
    if (!write_diff(req, w, diff))
        return OK;
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
