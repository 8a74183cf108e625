/* SPDX-License-Identifier: Apache-2.0 */
/* What to work on next: every objective the gap analysis did not find done,
 * with a priority, an effort and an impact, in an order that respects the
 * plan's dependencies, each with a sentence that says why. */
#ifndef PL_RECOMMEND_H
#define PL_RECOMMEND_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_code.h"
#include "gap/pl_gap.h"
#include "core/pl_jsonw.h"
#include "plan/pl_plan.h"

typedef enum { PL_EFFORT_SMALL, PL_EFFORT_MEDIUM, PL_EFFORT_LARGE } pl_effort_e;
typedef enum { PL_IMPACT_LOW, PL_IMPACT_MEDIUM, PL_IMPACT_HIGH } pl_impact_e;

typedef struct {
    const pl_gap_objective_t *gap;      /* ->objective is the plan's */
    int priority;                       /* 1..100 */
    pl_effort_e effort;
    pl_impact_e impact;
    int blocks;         /* unfinished objectives that need this one, directly or not */
    int open_tasks;     /* tasks without evidence */
    apr_array_header_t *waiting_on;     /* const char *: ids of unfinished dependencies */
    int in_cycle;       /* on a dependency cycle: ordered as if the cycle were one step */
    const char *rationale;              /* one sentence */
} pl_recommendation_t;

typedef struct {
    apr_array_header_t *items;      /* pl_recommendation_t, in the order to work on them */
    /* apr_array_header_t * of const char *: each cycle as the path of
     * "depends on" from its first objective back to it: A, B, A. */
    apr_array_header_t *cycles;
} pl_recommend_t;

/* code may be NULL; it tells how complex the code of this project usually
 * is, so "complex" means complex here. The result points into plan and gap. */
apr_status_t pl_recommend(apr_pool_t *p, const pl_plan_t *plan, const pl_gap_t *gap,
                          const pl_code_t *code, pl_recommend_t **out);

/* Writes the members (recommendations, cycles) into the object the caller
 * has opened. */
void pl_recommend_write(pl_jsonw_t *w, const pl_recommend_t *r);

const char *pl_effort_name(pl_effort_e e);
const char *pl_impact_name(pl_impact_e i);

#endif
