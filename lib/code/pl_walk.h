/* SPDX-License-Identifier: Apache-2.0 */
/* The files of a checkout worth analysing. Honours .gitignore files (every
 * level) and .git/info/exclude; skips version-control and vendored
 * directories (node_modules, vendor, .venv, build, ...), generated files
 * (minified, lock files, a "DO NOT EDIT"/"@generated" marker in the first
 * lines), binary files (a NUL byte in the first 8 KiB), files over a size
 * limit, files of no known language, and symbolic links (never followed, so
 * the walk stays inside the root). */
#ifndef PL_WALK_H
#define PL_WALK_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_lang.h"
#include "core/pl_progress.h"

typedef struct {
    const char *path;           /* relative to the root, '/' separated */
    apr_off_t bytes;
    const pl_lang_t *lang;
} pl_walk_file_t;

/* Skipped entries: a skipped directory counts once, whatever it holds. */
typedef struct {
    apr_array_header_t *files;  /* pl_walk_file_t, sorted by path */
    int skipped_ignored, skipped_vendored, skipped_generated, skipped_binary, skipped_huge;
    int skipped_other;          /* no known language, or unreadable */
} pl_walk_t;

/* max_file_bytes 0: no limit. progress is called with stage "walk" and the
 * number of entries seen so far; a non-zero return stops the walk with
 * PL_ECANCELED. An unreadable root is an error; an unreadable entry below
 * it is skipped. */
apr_status_t pl_walk(apr_pool_t *p, const char *root, apr_off_t max_file_bytes,
                     pl_progress_fn *progress, void *baton, pl_walk_t **out, const char **err);

/* The checks on a file name and its first bytes, shared with the tests. */
int pl_walk_is_vendored_dir(const char *name);
int pl_walk_is_generated_name(const char *name);
int pl_walk_has_generated_marker(const char *head, apr_size_t len);

#endif
