/* SPDX-License-Identifier: Apache-2.0 */
/* The filters of an analysis's objectives (by level, verdict, text, gaps
 * only), shared by the REST API's lists and the list_objectives tool. The
 * analyses are small (a plan's objectives): filtering runs in memory. */
#ifndef PL_ANALYSIS_FILTER_H
#define PL_ANALYSIS_FILTER_H

#include "analyses/pl_analysis_results.h"

typedef struct {
    const char *level;            /* "primary" ..., or NULL */
    const char *classification;   /* PL_VERDICT_*, or NULL */
    const char *q;                /* a case-insensitive substring of id, title or
                                     description (ASCII case), or NULL */
    int not_done;                 /* gaps only: leave out the done ones */
} pl_analysis_filter_t;

/* The objectives of all (pl_analysis_objective_t *) that f keeps, in order. */
apr_array_header_t *pl_analysis_objectives_filter(apr_pool_t *p, const apr_array_header_t *all,
                                                  const pl_analysis_filter_t *f);

#endif
