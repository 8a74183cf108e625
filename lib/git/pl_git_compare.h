/* SPDX-License-Identifier: Apache-2.0 */
/* Which diff a request asks for: the work tree against the index, the
 * index against HEAD (staged), a revision against the work tree, or two
 * revisions; narrowed to one path (literally: no glob). */
#ifndef PL_GIT_COMPARE_H
#define PL_GIT_COMPARE_H

#include "git/pl_git.h"

typedef struct {
    int staged;             /* HEAD -> index (ignored with from) */
    const char *from;       /* a revision (pl_git_rev_ok), or NULL */
    const char *to;         /* a revision, or NULL: the work tree */
    const char *path;       /* a path in the project (already confined), or NULL */
    int untracked;          /* work tree: untracked files too, with their lines */
    int reverse;            /* old and new sides swapped (a patch that undoes the change) */
} pl_git_compare_t;

apr_status_t pl_git_compare(pl_git_t *g, const pl_git_compare_t *what, git_diff **out,
                            pl_git_fail_t *why);

/* The tree of revision rev (checked by pl_git_rev_ok): UNKNOWN_REVISION
 * when it names nothing. field names the request's field for the reply. */
apr_status_t pl_git_rev_tree(pl_git_t *g, const char *rev, const char *field, git_tree **out,
                             pl_git_fail_t *why);

/* HEAD's tree, or NULL on an unborn branch. */
apr_status_t pl_git_head_tree(pl_git_t *g, git_tree **out, pl_git_fail_t *why);

#endif
