/* SPDX-License-Identifier: Apache-2.0 */
/* Where an analysis may run: the project's stored path, resolved again at
 * the moment of use and confined to the project roots of now (a path that
 * vanished, was swapped for a symlink out of the roots, or whose root the
 * admin removed is refused). The one place the job runner asks; when
 * lib/projects gains its own confinement function, this calls it. */
#ifndef PL_ANALYSIS_PATH_H
#define PL_ANALYSIS_PATH_H

#include <apr_tables.h>

#include "projects/pl_project.h"

/* *dir: the canonical directory; PL_EINVAL with *why (no roots echoed). */
apr_status_t pl_analysis_project_dir(apr_pool_t *p, const pl_project_t *proj,
                                     const apr_array_header_t *roots, const char **dir,
                                     const char **why);

#endif
