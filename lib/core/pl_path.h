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

/* Checks that path is absolute, exists, is a directory and lies under one of
 * roots (an array of canonical const char *). On failure returns PL_EINVAL
 * and a reason for the client that does not echo the roots. */
apr_status_t pl_path_confine_dir(apr_pool_t *p, const char *path,
                                 const apr_array_header_t *roots,
                                 const char **resolved, const char **why);

#endif
