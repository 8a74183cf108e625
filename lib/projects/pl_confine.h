/* SPDX-License-Identifier: Apache-2.0 */
/* The one confinement rule for a project's files (SECURITY.md "Paths"),
 * applied at every use, not only when a path is saved: the directory can
 * have been swapped for a symlink, or the roots changed, since.
 *
 *   pl_project_confine  the project's own directory: strictly below one of
 *                       PlanningProjectRoots, as written and resolved, and
 *                       still the canonical path that was stored.
 *   pl_project_path     a path a caller names inside a project: relative,
 *                       no "..", no NUL, no backslash or control character,
 *                       and every component resolved (symlinks followed)
 *                       stays inside the project's directory. Paths in
 *                       .git/ are flagged: the files API never writes there.
 *
 * Analysis, the files API and git call these before touching the disk. The
 * answer holds for the moment it is given: code that then opens the path
 * should still open with O_NOFOLLOW where it creates or writes. */
#ifndef PL_CONFINE_H
#define PL_CONFINE_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Resolves the stored local_path of a project and checks it again: PL_EINVAL
 * and *why (for the client and the log; it never names the roots) when it no
 * longer is an existing directory strictly below roots, or now resolves to
 * another place than the canonical path stored. */
apr_status_t pl_project_confine(apr_pool_t *p, const apr_array_header_t *roots,
                                const char *stored_path, const char **resolved,
                                const char **why);

#define PL_PROJECT_PATH_GIT     0x1   /* in .git/ (or .git itself), however named */
#define PL_PROJECT_PATH_MISSING 0x2   /* does not exist yet: a write would create it */

/* The absolute path of rel (len bytes, not NUL-terminated necessarily) under
 * the resolved project directory root: "" is the root itself. APR_SUCCESS
 * with *abs (canonical up to the first missing component) and *flags;
 * PL_EINVAL for a malformed name (absolute, "..", NUL, backslash, control
 * characters, too long, a file used as a directory); PL_EFORBIDDEN when a
 * symlink on the way leads outside root (or cannot be resolved: dangling,
 * a loop). *why says which. */
apr_status_t pl_project_path(apr_pool_t *p, const char *root, const char *rel, apr_size_t len,
                             const char **abs, int *flags, const char **why);

#endif
