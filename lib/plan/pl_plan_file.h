/* SPDX-License-Identifier: Apache-2.0 */
/* A checkout's plan file on disk: found at the root whatever the case of its
 * name, read within PL_PLAN_MAX_BYTES, replaced atomically, and hashed (the
 * hash is the plan's ETag and what tells a change made outside the API).
 * Paths given here are already confined by the caller (pl_project_path):
 * reads may refuse a symlink swapped in since (nofollow), a write never
 * replaces one. */
#ifndef PL_PLAN_FILE_H
#define PL_PLAN_FILE_H

#include <apr_pools.h>

#define PL_PLAN_FILE_NAME "MASTER_PLAN.md"

/* The name (not the path) of MASTER_PLAN.md at root, in any case, or NULL.
 * links: 0 finds regular files only (the analyzer reads what it finds);
 * 1 also finds symlinks, for a caller that confines them next. The exact
 * spelling wins over another case where both exist. */
const char *pl_plan_file_find(apr_pool_t *p, const char *root, int links);

/* The whole file, NUL-terminated. PL_ETOOBIG beyond PL_PLAN_MAX_BYTES,
 * PL_EINVAL when it is not a regular file (nofollow: a symlink neither;
 * the analyzer's --plan may name one, the API's path is resolved already),
 * PL_EBUSY when it grew while read, an APR error (ENOENT) when missing. */
apr_status_t pl_plan_file_read(apr_pool_t *p, const char *path, int nofollow, char **text,
                               apr_size_t *len);

/* Replaces (or creates) path with text: a temporary file in the same
 * directory, written, fsynced, renamed over path, and the directory synced;
 * nothing changes at path when any step fails. An existing file keeps its
 * permission bits; a new one gets 0644. */
apr_status_t pl_plan_file_write(apr_pool_t *p, const char *path, const char *text,
                                apr_size_t len);

/* An exclusive lock on the directory dir (flock on the directory itself,
 * so nothing is added to the checkout), held until the pool is cleared or
 * pl_plan_file_unlock: whoever changes the plan holds it from the read that
 * checks If-Match to the recorded version, so two saves with the same ETag
 * cannot both pass. Waits for the holder, whose hold is one write. */
apr_status_t pl_plan_file_lock(apr_pool_t *p, const char *dir, int *fd);

/* SHA-256 of the bytes, 64 lowercase hex digits. */
const char *pl_plan_file_hash(apr_pool_t *p, const char *text, apr_size_t len);

#endif
