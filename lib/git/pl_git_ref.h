/* SPDX-License-Identifier: Apache-2.0 */
/* The names a client may give for branches and revisions, checked before
 * anything is looked up (SECURITY.md item 28): never an option (a leading
 * '-'), never a range ("..") or any other revision syntax libgit2 would
 * interpret (":/text" searches, "@{...}" reads reflogs). */
#ifndef PL_GIT_REF_H
#define PL_GIT_REF_H

#include <apr_pools.h>

#define PL_GIT_REF_MAX 200      /* bytes of a branch name */

/* A branch name for refs/heads/: git's rules (git_reference_name_is_valid)
 * and ours (no leading '-', not "HEAD", at most PL_GIT_REF_MAX bytes).
 * Returns 1, or 0 with *why. */
int pl_git_branch_name_ok(const char *name, const char **why);

/* A commit id or its prefix: 4 to 40 hex digits. */
int pl_git_sha_ok(const char *hex);

/* A revision: "HEAD", a commit id (prefix), or a branch or tag name,
 * followed by any number of "~N" or "^N" steps. Returns 1, or 0 with *why. */
int pl_git_rev_ok(const char *rev, const char **why);

#endif
