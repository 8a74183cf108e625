/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PLANNING_CLI_ANALYZE_H
#define PLANNING_CLI_ANALYZE_H

#include <apr_pools.h>

/* planning analyze PATH [--plan FILE] [--format json|markdown|text]
 * [--fail-under PERCENT] [--jobs N] [--no-history] [--quiet] [--threshold-done X]
 * [--threshold-partial Y] [--calibration percentile|lognormal]. Returns the
 * exit status: 0, 1 when observed completion is under --fail-under, 2 for a
 * usage mistake or a failed analysis. */
int planning_analyze(apr_pool_t *p, int argc, const char *const *argv);

#endif
