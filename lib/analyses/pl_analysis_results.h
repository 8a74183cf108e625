/* SPDX-License-Identifier: Apache-2.0 */
/* The results of one analysis as rows: objectives (by the plan's own ids),
 * their tasks with evidence, and recommendations in dependency order. The
 * analyzer's JSON is mapped into these by pl_analysis_import; the API
 * reads them back. Completions and scores are fractions 0..1 (< 0:
 * unknown); totals on the analysis are percentages. */
#ifndef PL_ANALYSIS_RESULTS_H
#define PL_ANALYSIS_RESULTS_H

#include <apr_tables.h>

#include "analyses/pl_analyses.h"

/* The verdicts: what the code shows, whatever the plan claims. */
#define PL_VERDICT_DONE    "done"
#define PL_VERDICT_PARTIAL "partial"
#define PL_VERDICT_MISSING "missing"

typedef struct {
    int objective_position, position;
    const char *text;
    int claimed;                /* 1 ticked / claimed done, 0 not, -1 unknown */
    double score;
    int tested;
    const char *evidence;       /* JSON array text of {path, line, symbol, words} */
} pl_analysis_task_t;

typedef struct {
    int position;
    const char *id, *parent, *level, *title, *description;
    const char *classification; /* PL_VERDICT_* */
    int severity;               /* 0 (done) .. 3 (high): how much the gap matters */
    double score, confidence;
    const char *claimed_status; /* the plan's own word for it, or NULL */
    double claimed, observed;   /* completion claimed by the plan, observed in the code */
    int tested;
    const char *dependencies;   /* JSON array text of objective ids */
    int line;
    apr_array_header_t *tasks;  /* pl_analysis_task_t *; NULL until loaded */
} pl_analysis_objective_t;

typedef struct {
    int position;
    const char *type;
    int priority;               /* 0..100 */
    const char *title, *description, *rationale, *effort, *impact;
    const char *related;        /* JSON array text of objective ids */
    const char *dependencies;   /* JSON array text of objective ids */
} pl_analysis_advice_t;

typedef struct {
    const char *plan_title;
    double claimed, observed;   /* percent */
    apr_array_header_t *objectives;       /* pl_analysis_objective_t *, tasks loaded */
    apr_array_header_t *recommendations;  /* pl_analysis_advice_t * */
} pl_analysis_results_t;

const char *pl_severity_name(int severity);   /* "none", "low", "medium", "high" */

/* Stores results for analysis id and marks it complete with its totals, in
 * one transaction. */
apr_status_t pl_analysis_results_store(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                       const pl_analysis_results_t *res);

/* Every objective of the analysis in plan order, without tasks. */
apr_status_t pl_analysis_objectives(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                    apr_array_header_t **items);
/* One objective by its plan id, with its tasks. PL_ENOTFOUND when absent. */
apr_status_t pl_analysis_objective(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                   const char *objective_id, pl_analysis_objective_t **o);

/* The verdicts of one objective across the project's complete analyses,
 * oldest first. */
typedef struct {
    apr_int64_t analysis_id;
    const char *finished_at, *classification;
    double claimed, observed;
} pl_analysis_verdict_t;
apr_status_t pl_analysis_objective_history(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                           const char *objective_id, apr_array_header_t **items);

/* Every recommendation of the analysis, in its order. */
apr_status_t pl_analysis_recommendations(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                         apr_array_header_t **items);

/* Writers of the API's shapes, into the object w has open. */
void pl_analysis_objective_write(pl_jsonw_t *w, const pl_analysis_objective_t *o);
void pl_analysis_task_write(pl_jsonw_t *w, const pl_analysis_task_t *t);
void pl_analysis_advice_write(pl_jsonw_t *w, const pl_analysis_advice_t *a);
/* One objective in full (as GET .../objectives/{id} and get_objective show
 * it): its fields, "tasks" with their evidence and "history" (of
 * pl_analysis_objective_history), into the object w has open. */
void pl_analysis_objective_detail_write(pl_jsonw_t *w, const pl_analysis_objective_t *o,
                                        const apr_array_header_t *history);

#endif
