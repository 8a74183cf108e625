/* SPDX-License-Identifier: Apache-2.0 */
/* Confinement of caller-named paths to directories the admin allows.
 * Comparison is by whole path components of the resolved (realpath) form,
 * so "/srv/projects-evil" is not under "/srv/projects", and a symlink is
 * judged by where it leads. */
#ifndef PL_PATH_H
#define PL_PATH_H

#include <apr_pools.h>
#include <apr_tables.h>

#define PL_PATH_MAX 4096

/* Resolves path (symlinks, "..") to its canonical absolute form. */
apr_status_t pl_path_resolve(apr_pool_t *p, const char *path, const char **resolved);

/* True when resolved lies at or under root; both canonical. */
int pl_path_is_under(const char *resolved, const char *root);

/* The absolute path with "//", "." and ".." folded away by reading the text
 * alone (no filesystem call); NULL when path is not absolute. */
const char *pl_path_normalize(apr_pool_t *p, const char *path);

/* True when path lies strictly below one of roots (not a root itself). */
int pl_path_below_any(const char *path, const apr_array_header_t *roots);

/* What pl_path_confine_dir says about every path outside the roots, or
 * inside them but not an existing directory reached without leaving them. */
#define PL_PATH_OUTSIDE "must be an existing directory below one of the directories"                         " PlanningProjectRoots allows"

/* Checks that path is absolute, lies strictly below one of roots (an array
 * of const char *: each root canonical, and may also be listed as written)
 * both as written and once resolved, and is a directory. The roots are
 * checked on the text first, so a path outside them causes no filesystem
 * call, and every path outside gets the same reason (PL_PATH_OUTSIDE),
 * whether it is a file, missing, unreadable or a directory: the reply
 * reveals nothing about the filesystem beyond the roots. On failure returns
 * PL_EINVAL and a reason for the client that does not echo the roots. */
apr_status_t pl_path_confine_dir(apr_pool_t *p, const char *path,
                                 const apr_array_header_t *roots,
                                 const char **resolved, const char **why);

/* 1 when dir is a directory with nothing in it (what a clone may fill). */
int pl_path_dir_empty(apr_pool_t *p, const char *dir);

#endif
