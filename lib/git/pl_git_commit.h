/* SPDX-License-Identifier: Apache-2.0 */
/* A commit of what is staged, as the account that asks (author and
 * committer alike). libgit2 runs no hook (pre-commit, commit-msg, ...):
 * nothing in the repository's configuration runs on the server. */
#ifndef PL_GIT_COMMIT_H
#define PL_GIT_COMMIT_H

#include "git/pl_git.h"

/* NOTHING_TO_COMMIT when the index equals HEAD; CONFLICT when a merge or
 * another operation is in progress or the index has conflicts; a message
 * that is empty once cleaned (git_message_prettify) is VALIDATION_ERROR.
 * *sha is the new commit's id. */
apr_status_t pl_git_commit(pl_git_t *g, const char *name, const char *email, const char *message,
                           const char **sha, pl_git_fail_t *why);

#endif
