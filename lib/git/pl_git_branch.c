/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "git/pl_git_branch.h"

/* Whether the commit tip is HEAD's or one of its ancestors. */
static int merged(pl_git_t *g, const git_oid *tip)
{
    git_reference *head;
    const git_oid *h;
    int in;

    if (!tip || git_repository_head(&head, g->repo) != 0)
        return 0;
    h = git_reference_target(head);
    in = h && (git_oid_equal(h, tip) || git_graph_descendant_of(g->repo, h, tip) == 1);
    git_reference_free(head);
    return in;
}

apr_status_t pl_git_branches_write(pl_git_t *g, pl_jsonw_t *w, pl_git_fail_t *why)
{
    git_branch_iterator *it;
    git_reference *ref;
    git_branch_t type;
    int rc;

    if ((rc = git_branch_iterator_new(&it, g->repo, GIT_BRANCH_LOCAL)) != 0)
        return pl_git_failed(why, "listing branches", rc);
    PL_GIT_OWN(g->p, it, git_branch_iterator_free);
    pl_jsonw_array(w, "items");
    while ((rc = git_branch_next(&ref, &type, it)) == 0) {
        git_reference *up = NULL;
        const char *name = NULL;
        const git_oid *tip = git_reference_target(ref);

        git_branch_name(&name, ref);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "name", name);
        pl_jsonw_bool(w, "current", git_branch_is_head(ref) == 1);
        pl_jsonw_str(w, "sha", tip ? pl_git_oid_str(g->p, tip) : NULL);
        pl_jsonw_str(w, "upstream", git_branch_upstream(&up, ref) == 0
                                    ? git_reference_shorthand(up) : NULL);
        pl_jsonw_bool(w, "merged", merged(g, tip));
        pl_jsonw_end(w);
        git_reference_free(up);
        git_reference_free(ref);
    }
    pl_jsonw_end(w);
    if (rc != GIT_ITEROVER)
        return pl_git_failed(why, "listing branches", rc);
    return APR_SUCCESS;
}

static apr_status_t find(pl_git_t *g, const char *name, git_reference **out, pl_git_fail_t *why)
{
    int rc = git_branch_lookup(out, g->repo, name, GIT_BRANCH_LOCAL);

    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return pl_git_fail(why, PL_ERR_BRANCH_NOT_FOUND, "no such branch", NULL);
    if (rc != 0)
        return pl_git_failed(why, "reading a branch", rc);
    PL_GIT_OWN(g->p, *out, git_reference_free);
    return APR_SUCCESS;
}

apr_status_t pl_git_branch_create(pl_git_t *g, const char *name, const char *from,
                                  pl_git_fail_t *why)
{
    git_object *obj;
    git_commit *at;
    git_reference *ref;
    int rc = git_revparse_single(&obj, g->repo, from ? from : "HEAD");

    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
        return pl_git_fail(why, PL_ERR_UNKNOWN_REVISION,
                           from ? "from names no commit of the repository"
                                : "the repository has no commit yet", "from");
    if (rc != 0)
        return pl_git_failed(why, "resolving a revision", rc);
    PL_GIT_OWN(g->p, obj, git_object_free);
    if (git_object_peel((git_object **)&at, obj, GIT_OBJECT_COMMIT) != 0)
        return pl_git_fail(why, PL_ERR_UNKNOWN_REVISION, "from names no commit", "from");
    PL_GIT_OWN(g->p, at, git_commit_free);
    rc = git_branch_create(&ref, g->repo, name, at, 0);
    if (rc == GIT_EEXISTS)
        return pl_git_fail(why, PL_ERR_BRANCH_EXISTS, "a branch of that name exists", "name");
    if (rc != 0)
        return pl_git_failed(why, "creating a branch", rc);
    git_reference_free(ref);
    return APR_SUCCESS;
}

apr_status_t pl_git_checkout(pl_git_t *g, const char *name, pl_git_fail_t *why)
{
    git_checkout_options opts;
    git_reference *ref;
    git_object *target;
    apr_status_t rv;
    int rc;

    git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
    if ((rv = find(g, name, &ref, why)) != APR_SUCCESS)
        return rv;
    if ((rc = git_reference_peel(&target, ref, GIT_OBJECT_COMMIT)) != 0)
        return pl_git_failed(why, "reading a branch's commit", rc);
    PL_GIT_OWN(g->p, target, git_object_free);
    /* SAFE: libgit2 first checks every file it would write and refuses with
     * GIT_ECONFLICT before touching any when one has local changes. */
    opts.checkout_strategy = GIT_CHECKOUT_SAFE;
    rc = git_checkout_tree(g->repo, target, &opts);
    if (rc == GIT_ECONFLICT)
        return pl_git_fail(why, PL_ERR_CHECKOUT_CONFLICT,
                           "local changes would be overwritten by the switch; commit or discard"
                           " them first", NULL);
    if (rc != 0)
        return pl_git_failed(why, "checking out", rc);
    if ((rc = git_repository_set_head(g->repo, git_reference_name(ref))) != 0)
        return pl_git_failed(why, "moving HEAD", rc);
    return APR_SUCCESS;
}

apr_status_t pl_git_branch_delete(pl_git_t *g, const char *name, pl_git_fail_t *why)
{
    git_reference *ref;
    apr_status_t rv;
    int rc;

    if ((rv = find(g, name, &ref, why)) != APR_SUCCESS)
        return rv;
    if (git_branch_is_head(ref) == 1)
        return pl_git_fail(why, PL_ERR_BRANCH_IS_CURRENT,
                           "the current branch cannot be deleted; switch to another first", NULL);
    if (!merged(g, git_reference_target(ref)))
        return pl_git_fail(why, PL_ERR_BRANCH_NOT_MERGED,
                           "the branch has commits that HEAD does not; merge it first", NULL);
    if ((rc = git_branch_delete(ref)) != 0)
        return pl_git_failed(why, "deleting a branch", rc);
    return APR_SUCCESS;
}
