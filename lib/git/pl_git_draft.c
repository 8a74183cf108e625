/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_hash.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "git/pl_git_compare.h"
#include "git/pl_git_diff.h"
#include "git/pl_git_draft.h"

const char pl_git_draft_system[] =
    "You write git commit messages. Given a staged change, answer with the commit message"
    " only: no preamble, no quotes, no code fences. Use the conventional form: a summary"
    " line in the imperative mood (\"Add\", \"Fix\", \"Remove\", not \"Added\" or \"Adds\")"
    " of at most 72 characters with no period at its end, then a blank line, then a short"
    " body wrapped at 72 characters that says what changed and why. Describe only what the"
    " diff shows.";

/* "- path (status, +A -D)" per staged file, at most PL_GIT_DRAFT_FILES_MAX;
 * the counts of every file are read so the totals are always whole. */
static apr_status_t list_files(pl_git_t *g, git_diff *diff, const char **out, pl_git_fail_t *why)
{
    apr_pool_t *p = g->p;
    size_t i, n = git_diff_num_deltas(diff);
    apr_array_header_t *lines = apr_array_make(p, 16, sizeof(const char *));
    apr_hash_t *counts;
    long add = 0, del = 0;
    int rc;

    if ((rc = pl_git_diff_counts(p, diff, &counts)) != 0)
        return pl_git_failed(why, "counting the staged lines", rc);
    for (i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
        const pl_git_counts_t *c = apr_hash_get(counts, path, APR_HASH_KEY_STRING);
        const char *what = pl_git_delta_name(d->status);

        if (c) {
            add += c->additions;
            del += c->deletions;
        }
        if (i >= PL_GIT_DRAFT_FILES_MAX)
            continue;
        if (d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED)
            what = apr_pstrcat(p, what, " from ", d->old_file.path, NULL);
        APR_ARRAY_PUSH(lines, const char *) =
            !c ? apr_psprintf(p, "- %s (%s)\n", path, what)
            : c->binary ? apr_psprintf(p, "- %s (%s, binary)\n", path, what)
            : apr_psprintf(p, "- %s (%s, +%d -%d)\n", path, what, c->additions, c->deletions);
    }
    if (n > PL_GIT_DRAFT_FILES_MAX)
        APR_ARRAY_PUSH(lines, const char *) =
            apr_psprintf(p, "- ... and %lu more files\n", (unsigned long)(n - PL_GIT_DRAFT_FILES_MAX));
    *out = apr_psprintf(p, "Staged files (%lu, +%ld -%ld lines in all):\n%s", (unsigned long)n,
                        add, del, apr_array_pstrcat(p, lines, '\0'));
    return APR_SUCCESS;
}

apr_status_t pl_git_draft_prompt(pl_git_t *g, apr_size_t diff_max, const char *instructions,
                                 const char **prompt, pl_git_fail_t *why)
{
    pl_git_compare_t staged = { 1, NULL, NULL, NULL, 0, 0 };
    const char *files = NULL, *text = NULL, *cut = "";
    apr_size_t len;
    git_diff *diff;
    apr_status_t rv;
    int truncated, rc;

    if ((rv = pl_git_compare(g, &staged, &diff, why)) != APR_SUCCESS)
        return rv;
    if (git_diff_num_deltas(diff) == 0)
        return pl_git_fail(why, PL_ERR_NOTHING_TO_COMMIT, "nothing is staged", NULL);
    if ((rv = list_files(g, diff, &files, why)) != APR_SUCCESS)
        return rv;
    if ((rc = pl_git_diff_patch(g->p, diff, diff_max, &text, &len, &truncated)) != 0)
        return pl_git_failed(why, "printing the staged diff", rc);
    if (truncated)
        cut = apr_psprintf(g->p, "\n[The diff was cut here at %lu bytes: it goes on; the list"
                           " of files above is whole.]\n", (unsigned long)diff_max);
    *prompt = apr_pstrcat(g->p, "Write the commit message for this staged change.\n\n", files,
                          "\nThe staged diff:\n", text, cut,
                          instructions && *instructions ? "\nFurther instructions from the user: "
                          : "", instructions && *instructions ? instructions : "", NULL);
    return APR_SUCCESS;
}
