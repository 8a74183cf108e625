/* SPDX-License-Identifier: Apache-2.0 */
/* The changes to a project's tree other than writing a file: a directory
 * made, an entry moved or removed. Each acts on the entry itself, named by
 * its (confined, canonical) parent directory and its own name, never on
 * what a symlink points to: removing a link removes the link, and a
 * recursive removal never follows one out of the tree. */
#ifndef PL_FILES_OPS_H
#define PL_FILES_OPS_H

#include <apr_pools.h>

#define PL_FILES_MAX_DEPTH 256     /* directory levels a recursive removal descends */

/* Makes abs (canonical up to its first missing component, below root) and
 * any missing parents, each as a real directory. PL_ECONFLICT when abs
 * exists and is not a directory; APR_EEXIST when it already was one. */
apr_status_t pl_files_mkdir(apr_pool_t *p, const char *root, const char *abs);

/* Renames from_dir/from_name to to_dir/to_name, never over an existing
 * entry (PL_ECONFLICT); PL_EINVAL for a directory moved into itself. */
apr_status_t pl_files_move(const char *from_dir, const char *from_name, const char *to_dir,
                           const char *to_name);

/* Removes dir/name: a file or link, or a directory only with recursive
 * (else PL_ECONFLICT), its whole content without following links. */
apr_status_t pl_files_remove(const char *dir, const char *name, int recursive);

#endif
