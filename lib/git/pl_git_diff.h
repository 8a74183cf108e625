/* SPDX-License-Identifier: Apache-2.0 */
/* A libgit2 diff as a reply: structured (files, hunks, numbered lines) for
 * a UI, or unified text; both capped so a huge change cannot make a huge
 * reply. Rendering only: which diff is made is pl_git_compare's. */
#ifndef PL_GIT_DIFF_H
#define PL_GIT_DIFF_H

#include <git2.h>

#include <apr_hash.h>

#include "core/pl_jsonw.h"

#define PL_GIT_DIFF_MAX_FILES 1000          /* files listed */
#define PL_GIT_DIFF_MAX_BYTES (2 << 20)     /* bytes of line content, in all */
#define PL_GIT_DIFF_MAX_BLOB  (8 << 20)     /* a larger file is diffed as binary:
                                               no line counts, never read whole */

typedef struct {
    int additions;
    int deletions;
    int binary;
} pl_git_counts_t;

/* "added", "modified", ... for a delta's status. */
const char *pl_git_delta_name(git_delta_t status);

/* The added and removed line counts of the file at idx in diff (its
 * patch is made, so the blob and the file are read). Returns 0 or
 * libgit2's error. */
int pl_git_diff_count(git_diff *diff, size_t idx, pl_git_counts_t *c);

/* The added and removed line counts of each file of diff, by its new path
 * (old path for a deletion) into *by_path (pl_git_counts_t *). */
int pl_git_diff_counts(apr_pool_t *p, git_diff *diff, apr_hash_t **by_path);

/* "files": [{path, old_path, status, binary, additions, deletions,
 * truncated, hunks: [{old_start, old_lines, new_start, new_lines, header,
 * lines: [{origin, old_no, new_no, content}]}]}] and "truncated" into the
 * open object of w. with_hunks 0 lists the files and counts only. Returns
 * 0 or libgit2's error. */
int pl_git_diff_write(pl_jsonw_t *w, apr_pool_t *p, git_diff *diff, int with_hunks,
                      apr_size_t max_bytes);

/* The unified text (git diff's format) of diff, cut at max_bytes (then
 * *truncated is 1 and the text ends at a line boundary). */
int pl_git_diff_patch(apr_pool_t *p, git_diff *diff, apr_size_t max_bytes, const char **text,
                      apr_size_t *len, int *truncated);

#endif
