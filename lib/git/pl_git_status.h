/* SPDX-License-Identifier: Apache-2.0 */
/* The state of a work tree: the branch and its upstream, and each changed
 * file with what is staged, what is not, and the lines on either side. */
#ifndef PL_GIT_STATUS_H
#define PL_GIT_STATUS_H

#include "core/pl_jsonw.h"
#include "git/pl_git.h"

#define PL_GIT_STATUS_MAX_FILES 5000

/* Writes branch, detached, head, upstream, ahead, behind, files[] and
 * truncated into the open object of w. */
apr_status_t pl_git_status_write(pl_git_t *g, pl_jsonw_t *w, pl_git_fail_t *why);

/* The current branch's short name (also on an unborn branch), or NULL when
 * HEAD is detached. */
const char *pl_git_current_branch(pl_git_t *g);

#endif
