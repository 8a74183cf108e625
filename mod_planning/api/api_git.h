/* SPDX-License-Identifier: Apache-2.0 */
/* What the git handlers share: the project's repository, its paths, and
 * the replies of a pl_git_fail_t. */
#ifndef API_GIT_H
#define API_GIT_H

#include "api.h"
#include "git/pl_git.h"

/* The repository of project {id}: its directory confined again
 * (pl_project_confine) and opened. Returns 1, or 0 after the error reply. */
int api_git_open(mp_req_t *req, pl_git_t **g);

/* rel, a path a client names in the work tree, through pl_project_path:
 * 400 for a malformed name, one in .git/ or an empty one, 403 for a symlink
 * out. Returns 1, or 0 after the error reply. */
int api_git_path(mp_req_t *req, pl_git_t *g, const char *rel, const char *field);

/* The reply for why (its status from the pl_errors table). */
int api_git_fail(mp_req_t *req, const pl_git_fail_t *why);

/* 200 with the work tree's status (GET .../git/status, and what stage and
 * unstage answer). */
int api_git_reply_status(mp_req_t *req, pl_git_t *g);

/* The project's git base URL, /api/v1/projects/{id}/git. */
const char *api_git_base(mp_req_t *req);

#endif
