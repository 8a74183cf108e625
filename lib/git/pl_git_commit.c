/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "git/pl_git_commit.h"
#include "git/pl_git_compare.h"

/* Refuses what git itself would not commit, or would commit wrongly. */
static apr_status_t check_state(pl_git_t *g, git_index *index, pl_git_fail_t *why)
{
    pl_git_compare_t staged = { 1, NULL, NULL, NULL, 0, 0 };
    git_diff *diff;
    apr_status_t rv;

    if (git_repository_state(g->repo) != GIT_REPOSITORY_STATE_NONE)
        return pl_git_fail(why, PL_ERR_CONFLICT,
                           "a merge, rebase, cherry-pick or revert is in progress; finish it with"
                           " git first", NULL);
    if (git_index_has_conflicts(index))
        return pl_git_fail(why, PL_ERR_CONFLICT, "the index has conflicts; resolve them first",
                           NULL);
    if ((rv = pl_git_compare(g, &staged, &diff, why)) != APR_SUCCESS)
        return rv;
    if (git_diff_num_deltas(diff) == 0)
        return pl_git_fail(why, PL_ERR_NOTHING_TO_COMMIT, "nothing is staged", NULL);
    return APR_SUCCESS;
}

apr_status_t pl_git_commit(pl_git_t *g, const char *name, const char *email, const char *message,
                           const char **sha, pl_git_fail_t *why)
{
    git_buf clean = { 0 };
    git_signature *sig;
    git_index *index;
    git_commit *head;
    git_tree *tree;
    git_oid tree_id, id;
    const git_commit *parents[1];
    apr_status_t rv;
    int rc;

    if (git_message_prettify(&clean, message, 0, '#') != 0 || !clean.ptr || !*clean.ptr) {
        git_buf_dispose(&clean);
        return pl_git_fail(why, PL_ERR_VALIDATION, "message is empty", "message");
    }
    PL_GIT_OWN(g->p, apr_pmemdup(g->p, &clean, sizeof(clean)), git_buf_dispose);
    if ((rc = git_repository_index(&index, g->repo)) != 0)
        return pl_git_failed(why, "opening the index", rc);
    PL_GIT_OWN(g->p, index, git_index_free);
    if ((rv = check_state(g, index, why)) != APR_SUCCESS
        || (rv = pl_git_head_commit(g, &head, why)) != APR_SUCCESS)
        return rv;
    if ((rc = git_index_write_tree(&tree_id, index)) != 0
        || (rc = git_tree_lookup(&tree, g->repo, &tree_id)) != 0)
        return pl_git_failed(why, "writing the tree", rc);
    PL_GIT_OWN(g->p, tree, git_tree_free);
    if ((rc = git_signature_now(&sig, name, email)) != 0)
        return pl_git_fail(why, PL_ERR_VALIDATION,
                           "the account's name or e-mail cannot sign a commit", NULL);
    PL_GIT_OWN(g->p, sig, git_signature_free);
    parents[0] = head;
    rc = git_commit_create(&id, g->repo, "HEAD", sig, sig, NULL, clean.ptr, tree, head ? 1 : 0,
                           parents);
    if (rc != 0)
        return pl_git_failed(why, "creating the commit", rc);
    *sha = pl_git_oid_str(g->p, &id);
    return APR_SUCCESS;
}
