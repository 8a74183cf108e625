/* SPDX-License-Identifier: Apache-2.0 */
/* Every entry below a directory of a project, for the zip download: walked
 * through directory descriptors (openat, O_NOFOLLOW), so no symlink is ever
 * followed (links are skipped: their targets are never read), .git/ is left
 * out, and what .gitignore ignores is skipped unless asked for. Nothing is
 * collected: each entry goes to the callback as it is found, so memory
 * stays flat however large the tree. */
#ifndef PL_FILES_WALK_H
#define PL_FILES_WALK_H

#include <sys/stat.h>
#include <apr_pools.h>

#define PL_FILES_WALK_DEPTH 64

/* dirfd holds the entry name; rel is its path below the walked directory.
 * The callback returns 0 to go on, PL_FILES_WALK_PRUNE to leave out what a
 * directory holds, anything else to stop the walk (pl_files_walk returns
 * it). */
#define PL_FILES_WALK_PRUNE 1
typedef int pl_files_walk_fn(void *baton, int dirfd, const char *name, const char *rel,
                             const struct stat *st);

/* Walks abs, the directory rel ("" the root) below root. Returns 0, what
 * the callback returned, or -1 when abs cannot be opened. */
int pl_files_walk(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                  int with_ignored, pl_files_walk_fn *fn, void *baton);

#endif
