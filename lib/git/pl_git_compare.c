/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "git/pl_git_compare.h"
#include "git/pl_git_diff.h"

apr_status_t pl_git_rev_tree(pl_git_t *g, const char *rev, const char *field, git_tree **out,
                             pl_git_fail_t *why)
{
    git_object *obj, *tree;
    int rc = git_revparse_single(&obj, g->repo, rev);

    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
        return pl_git_fail(why, PL_ERR_UNKNOWN_REVISION,
                           apr_pstrcat(g->p, field, " names no commit of the repository", NULL),
                           field);
    if (rc != 0)
        return pl_git_failed(why, "resolving a revision", rc);
    PL_GIT_OWN(g->p, obj, git_object_free);
    if ((rc = git_object_peel(&tree, obj, GIT_OBJECT_TREE)) != 0)
        return pl_git_fail(why, PL_ERR_UNKNOWN_REVISION,
                           apr_pstrcat(g->p, field, " names no commit of the repository", NULL),
                           field);
    PL_GIT_OWN(g->p, tree, git_object_free);
    *out = (git_tree *)tree;
    return APR_SUCCESS;
}

apr_status_t pl_git_head_tree(pl_git_t *g, git_tree **out, pl_git_fail_t *why)
{
    git_commit *head;
    apr_status_t rv;
    int rc;

    *out = NULL;
    if ((rv = pl_git_head_commit(g, &head, why)) != APR_SUCCESS || !head)
        return rv;
    if ((rc = git_commit_tree(out, head)) != 0)
        return pl_git_failed(why, "reading HEAD's tree", rc);
    PL_GIT_OWN(g->p, *out, git_tree_free);
    return APR_SUCCESS;
}

/* Against the work tree, the first comparison of a request also refreshes
 * the index's stat data (pl_git_t.refreshed) in the same pass; when
 * the index cannot be written it runs again without. */
static int to_workdir(pl_git_t *g, git_tree *from, git_diff_options *opts, git_diff **out)
{
    int rc, refresh = !g->refreshed;

    g->refreshed = 1;
    if (refresh)
        opts->flags |= GIT_DIFF_UPDATE_INDEX;
    for (;;) {
        rc = from ? git_diff_tree_to_workdir_with_index(out, g->repo, from, opts)
                  : git_diff_index_to_workdir(out, g->repo, NULL, opts);
        if (rc == 0 || !refresh)
            return rc;
        git_error_clear();
        opts->flags &= ~(uint32_t)GIT_DIFF_UPDATE_INDEX;
        refresh = 0;
    }
}

apr_status_t pl_git_compare(pl_git_t *g, const pl_git_compare_t *what, git_diff **out,
                            pl_git_fail_t *why)
{
    git_diff_options opts;
    git_tree *from = NULL, *to = NULL;
    char *paths[1];
    apr_status_t rv;
    int rc;

    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.max_size = PL_GIT_DIFF_MAX_BLOB;
    if (what->path && *what->path) {
        paths[0] = (char *)what->path;
        opts.pathspec.strings = paths;
        opts.pathspec.count = 1;
        opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
    }
    if (what->reverse)
        opts.flags |= GIT_DIFF_REVERSE;
    if (what->untracked)
        opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS
                      | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
    if (what->from && (rv = pl_git_rev_tree(g, what->from, "from", &from, why)) != APR_SUCCESS)
        return rv;
    if (what->to && (rv = pl_git_rev_tree(g, what->to, "to", &to, why)) != APR_SUCCESS)
        return rv;
    if (what->from && what->to)
        rc = git_diff_tree_to_tree(out, g->repo, from, to, &opts);
    else if (what->staged && !what->from) {
        if ((rv = pl_git_head_tree(g, &from, why)) != APR_SUCCESS)
            return rv;
        rc = git_diff_tree_to_index(out, g->repo, from, NULL, &opts);
    }
    else
        rc = to_workdir(g, from, &opts, out);
    if (rc != 0)
        return pl_git_failed(why, "computing a diff", rc);
    PL_GIT_OWN(g->p, *out, git_diff_free);
    return APR_SUCCESS;
}
