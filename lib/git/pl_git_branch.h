/* SPDX-License-Identifier: Apache-2.0 */
/* Local branches: list, create, switch (never forced: a change in the work
 * tree that the switch would overwrite refuses it) and delete a merged one.
 * Names are checked by pl_git_branch_name_ok before they come here. */
#ifndef PL_GIT_BRANCH_H
#define PL_GIT_BRANCH_H

#include "core/pl_jsonw.h"
#include "git/pl_git.h"

/* "items": [{name, current, sha, upstream, merged}] into the open object
 * of w; merged: its tip is in HEAD's history. */
apr_status_t pl_git_branches_write(pl_git_t *g, pl_jsonw_t *w, pl_git_fail_t *why);

/* A branch at revision from (pl_git_rev_ok; NULL: HEAD). BRANCH_EXISTS. */
apr_status_t pl_git_branch_create(pl_git_t *g, const char *name, const char *from,
                                  pl_git_fail_t *why);

/* Switches the work tree, index and HEAD to branch name. BRANCH_NOT_FOUND;
 * CHECKOUT_CONFLICT with nothing changed when local changes would be
 * overwritten. */
apr_status_t pl_git_checkout(pl_git_t *g, const char *name, pl_git_fail_t *why);

/* Deletes branch name: BRANCH_NOT_FOUND, BRANCH_IS_CURRENT, BRANCH_NOT_MERGED
 * (its tip is not in HEAD's history). */
apr_status_t pl_git_branch_delete(pl_git_t *g, const char *name, pl_git_fail_t *why);

#endif
