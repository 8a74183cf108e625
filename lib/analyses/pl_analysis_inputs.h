/* SPDX-License-Identifier: Apache-2.0 */
/* What an analysis reads, as one hash: a scheduled analysis is skipped
 * while the checkout hashes as it did for the last complete one. Cheap by
 * design: the walked files' paths, sizes and modification times (the walk
 * the analyzer does, pl_walk), plus the plan's bytes (an edit within the
 * same second and size still counts). Never the code's bytes: a change
 * that keeps a file's size and mtime is not seen (a checkout or an editor
 * always moves the mtime). */
#ifndef PL_ANALYSIS_INPUTS_H
#define PL_ANALYSIS_INPUTS_H

#include <apr_pools.h>

/* dir: the confined checkout; plan: options.plan relative to it, or NULL
 * for the plan the analyzer finds (MASTER_PLAN.md at the root, any case).
 * *hex: 40 hex digits. An unreadable checkout is an error with *err. */
apr_status_t pl_analysis_input_hash(apr_pool_t *p, const char *dir, const char *plan,
                                    const char **hex, const char **err);

#endif
