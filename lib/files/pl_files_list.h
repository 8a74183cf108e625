/* SPDX-License-Identifier: Apache-2.0 */
/* One directory of a project's tree: its entries as lstat sees them (a
 * symlink is listed as a symlink, never followed), each marked when the
 * .gitignore rules ignore it, sorted directories first, then by name.
 * Temporary files of uploads under way are left out. */
#ifndef PL_FILES_LIST_H
#define PL_FILES_LIST_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef struct {
    const char *name;
    const char *type;      /* "file", "dir", "symlink" or "other" */
    apr_off_t size;
    apr_time_t mtime;
    int ignored;
} pl_files_entry_t;

#define PL_FILES_LIST_MAX 100000    /* entries of one directory read */

/* The entries of abs, the directory rel ("" the root) below root, into
 * *entries (pl_files_entry_t). PL_ETOOBIG over PL_FILES_LIST_MAX. */
apr_status_t pl_files_list(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                           apr_array_header_t **entries);

#endif
