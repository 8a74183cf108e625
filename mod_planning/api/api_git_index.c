/* SPDX-License-Identifier: Apache-2.0 */
/* POST .../git/stage, .../git/unstage and .../git/commit (developers). */
#include <string.h>

#include <apr_strings.h>

#include "api_git.h"
#include "core/pl_text.h"
#include "git/pl_git_commit.h"
#include "git/pl_git_index.h"
#include "git/pl_git_log.h"

#define MAX_PATHS 1000

/* body.paths: 1 to MAX_PATHS strings, each confined. */
static int read_paths(mp_req_t *req, pl_git_t *g, apr_array_header_t **paths)
{
    int i;

    if (!pl_json_get_strings(req->body, "paths", req->r->pool, paths) || (*paths)->nelts < 1
        || (*paths)->nelts > MAX_PATHS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "paths must be an array of 1 to 1000 paths in the project", "paths");
        return 0;
    }
    for (i = 0; i < (*paths)->nelts; i++)
        if (!api_git_path(req, g, APR_ARRAY_IDX(*paths, i, const char *), "paths"))
            return 0;
    return 1;
}

/* body.hunks: hunk indexes (whole numbers), at least one. Read from the
 * array's compact text ("[0,2]"): anything but integers fails pl_text_int. */
static int read_hunks(mp_req_t *req, apr_array_header_t **hunks)
{
    apr_pool_t *p = req->r->pool;
    const char *text = pl_json_type_of(req->body, "hunks") == PL_JSON_ARRAY
                       ? pl_json_member_text(p, req->body, "hunks") : NULL;
    char *list, *item, *last;
    int ok = text && strlen(text) > 2;

    *hunks = apr_array_make(p, 8, sizeof(int));
    if (ok) {
        list = apr_pstrndup(p, text + 1, strlen(text) - 2);
        for (item = apr_strtok(list, ",", &last); item && ok; item = apr_strtok(NULL, ",", &last)) {
            apr_int64_t v;

            ok = pl_text_int(item, 0, 1000000, &v) == APR_SUCCESS && (*hunks)->nelts < 10000;
            if (ok)
                APR_ARRAY_PUSH(*hunks, int) = (int)v;
        }
    }
    if (!ok) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "hunks must be an array of hunk indexes (0, 1, ...)", "hunks");
        return 0;
    }
    return 1;
}

/* stage and unstage: {"paths": [...]} or {"path": P, "hunks": [i, ...]}
 * (hunk indexes of the file's unstaged diff to stage, of its staged diff
 * to unstage); the reply is the status. */
static int index_change(mp_req_t *req, int stage)
{
    static const char *const known[] = { "paths", "path", "hunks", NULL };
    apr_array_header_t *paths, *hunks;
    const char *path = pl_json_get_str(req->body, "path");
    pl_git_fail_t why;
    pl_git_t *g;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !api_git_open(req, &g))
        return OK;
    if (pl_json_type_of(req->body, "hunks") != PL_JSON_ABSENT) {
        if (!api_git_path(req, g, path, "path") || !read_hunks(req, &hunks))
            return OK;
        rv = stage ? pl_git_stage_hunks(g, path, hunks, &why) : pl_git_unstage_hunks(g, path, hunks, &why);
    }
    else {
        if (!read_paths(req, g, &paths))
            return OK;
        rv = stage ? pl_git_stage(g, paths, &why) : pl_git_unstage(g, paths, &why);
    }
    return rv == APR_SUCCESS ? api_git_reply_status(req, g) : api_git_fail(req, &why);
}

int api_git_stage(mp_req_t *req)
{
    return index_change(req, 1);
}

int api_git_unstage(mp_req_t *req)
{
    return index_change(req, 0);
}

/* The account signs: its username, and username@ServerName as the e-mail
 * (accounts have no e-mail address of their own). */
int api_git_commit(mp_req_t *req)
{
    static const char *const known[] = { "message", NULL };
    const char *message = pl_json_get_str(req->body, "message"), *sha, *name, *email, *host;
    git_commit *c;
    pl_git_fail_t why;
    pl_git_t *g;
    pl_jsonw_t *w;

    if (!mp_request_only_fields(req, known))
        return OK;
    if (!message || !*message)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "message must be a non-empty string", "message");
    if (!api_git_open(req, &g))
        return OK;
    name = req->caller.user->username;
    host = req->r->server->server_hostname ? req->r->server->server_hostname : "localhost";
    email = apr_pstrcat(req->r->pool, name, "@", host, NULL);
    if (pl_git_commit(g, name, email, message, &sha, &why) != APR_SUCCESS
        || pl_git_commit_find(g, sha, &c, &why) != APR_SUCCESS)
        return api_git_fail(req, &why);
    w = mp_reply_writer(req, 1024);
    pl_jsonw_object(w, NULL);
    pl_git_commit_write(w, req->r->pool, c);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", apr_pstrcat(req->r->pool, api_git_base(req), "/commits/", sha, NULL),
                  NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_CREATED, w);
}
