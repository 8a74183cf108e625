/* SPDX-License-Identifier: Apache-2.0 */
/* The history: a page of commits from HEAD (newest first), optionally only
 * those that changed a path, and one commit shown whole. */
#ifndef PL_GIT_LOG_H
#define PL_GIT_LOG_H

#include "core/pl_jsonw.h"
#include "git/pl_git.h"

/* "items": [{sha, summary, message, author, committer, parents}] of the
 * commits offset .. offset+limit-1 into the open object of w; *more is 1
 * when there are commits after them. path (confined, or NULL): only the
 * commits that changed it (against every parent, as git log shows them). */
apr_status_t pl_git_log_write(pl_git_t *g, pl_jsonw_t *w, const char *path, int limit, int offset,
                              int *more, pl_git_fail_t *why);

/* The commit sha (4 to 40 hex digits: pl_git_sha_ok) into *out;
 * COMMIT_NOT_FOUND when there is none (or the prefix is ambiguous). */
apr_status_t pl_git_commit_find(pl_git_t *g, const char *sha, git_commit **out,
                                pl_git_fail_t *why);

/* The diff of commit c against its first parent (an empty tree for the
 * root commit). */
apr_status_t pl_git_commit_diff(pl_git_t *g, git_commit *c, git_diff **out, pl_git_fail_t *why);

/* sha, summary, message, author, committer and parents of c into the open
 * object of w. */
void pl_git_commit_write(pl_jsonw_t *w, apr_pool_t *p, git_commit *c);

#endif
