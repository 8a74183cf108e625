/* SPDX-License-Identifier: Apache-2.0 */
/* The index: staging and unstaging named paths (each a file or a
 * directory, matched literally, never as a glob), and staging chosen hunks
 * of one file (and unstaging them). */
#ifndef PL_GIT_INDEX_H
#define PL_GIT_INDEX_H

#include "git/pl_git.h"

/* paths: const char *, relative to the work tree, already confined. Staging
 * records the work tree's content (a deleted file as deleted); ignored
 * files stay out. Unstaging puts back HEAD's version in the index. */
apr_status_t pl_git_stage(pl_git_t *g, const apr_array_header_t *paths, pl_git_fail_t *why);
apr_status_t pl_git_unstage(pl_git_t *g, const apr_array_header_t *paths, pl_git_fail_t *why);

/* Stages the hunks of path (as numbered by the unstaged diff: 0, 1, ...)
 * whose indexes are in hunks (int), and no other change. */
apr_status_t pl_git_stage_hunks(pl_git_t *g, const char *path, const apr_array_header_t *hunks,
                                pl_git_fail_t *why);

/* Unstages the hunks of path (as numbered by the staged diff, HEAD ->
 * index: 0, 1, ...) whose indexes are in hunks: the index gets HEAD's
 * lines back there, and keeps its other staged changes. */
apr_status_t pl_git_unstage_hunks(pl_git_t *g, const char *path, const apr_array_header_t *hunks,
                                  pl_git_fail_t *why);

#endif
