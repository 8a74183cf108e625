/* SPDX-License-Identifier: Apache-2.0 */
/* Analyses of a project: one row per run of the analyzer, tied to the job
 * that runs it. A project has at most one analysis queued or running (the
 * database keeps the rule, see schema 14); every complete analysis is a
 * snapshot whose results never change. Writes raise the "analyses"
 * revision in the same transaction, which is what list ETags and the
 * reply cache are keyed on. */
#ifndef PL_ANALYSES_H
#define PL_ANALYSES_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "db/pl_jobs.h"
#include "core/pl_jsonw.h"

#define PL_JOB_ANALYSIS "analysis"

#define PL_ANALYSIS_QUEUED   "queued"
#define PL_ANALYSIS_RUNNING  "running"
#define PL_ANALYSIS_COMPLETE "complete"
#define PL_ANALYSIS_FAILED   "failed"
#define PL_ANALYSIS_CANCELED "canceled"

typedef struct {
    apr_int64_t id, project_id, job_id, created_by;   /* 0: none */
    const char *state;
    const char *type;                 /* "full" or "incremental" */
    int include_history;
    const char *options;              /* JSON object text, checked when stored */
    const char *created_at, *started_at, *finished_at;
    const char *plan_title;
    double claimed, observed;         /* completion in percent; < 0: unknown */
    int objectives, done, partial, missing;
    const char *error_code, *error;
    const char *input_hash;           /* what it read (pl_analysis_inputs.h); NULL: unknown */
} pl_analysis_record_t;

/* True while queued or running. */
int pl_analysis_active(const pl_analysis_record_t *a);

/* The public fields into the object w has open (no links: those are the
 * API's). */
void pl_analysis_record_write(pl_jsonw_t *w, const pl_analysis_record_t *a);

/* key: v, or null when v is below 0 (unknown). */
void pl_analysis_number_write(pl_jsonw_t *w, const char *key, double v);

/* Queues an analysis of a->project_id and its job (payload: the analysis
 * id) in one transaction. When the project already has one queued or
 * running, nothing is written, *existing is that one and PL_ECONFLICT is
 * returned. Fills in a's id, job_id, state and times. */
apr_status_t pl_analyses_start(pl_db_t *db, apr_pool_t *p, pl_analysis_record_t *a,
                               pl_analysis_record_t **existing);

/* The analysis, its state brought in line with its job first (a job
 * canceled while queued, or given up after its worker died, ends its
 * analysis too). PL_ENOTFOUND when there is none. */
apr_status_t pl_analyses_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                             pl_analysis_record_t **a);
/* Brings the project's active analysis in line with its job (see
 * pl_analyses_get), before a list is read. */
apr_status_t pl_analyses_settle(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id);
/* The newest complete analysis of the project; PL_ENOTFOUND when none. */
apr_status_t pl_analyses_latest(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                pl_analysis_record_t **a);
/* Newest first. */
apr_status_t pl_analyses_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id, int limit,
                              int offset, apr_array_header_t **items, apr_int64_t *total);
/* The complete ones (snapshots), newest first. */
apr_status_t pl_analyses_list_complete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                       int limit, int offset, apr_array_header_t **items,
                                       apr_int64_t *total);
/* The complete ones finished in [from, to) (RFC3339 as pl_time writes
 * them; NULL: open), oldest first; the newest max when there are more. */
apr_status_t pl_analyses_finished_between(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                          const char *from, const char *to, int max,
                                          apr_array_header_t **items);
apr_status_t pl_analyses_revision(pl_db_t *db, apr_pool_t *p, apr_int64_t *revision);

/* The worker took it up. */
apr_status_t pl_analyses_mark_running(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
/* Ends it failed or canceled, with an error code and message (may be NULL). */
apr_status_t pl_analyses_end(pl_db_t *db, apr_pool_t *p, apr_int64_t id, const char *state,
                             const char *code, const char *message);

/* Records what the analysis read, before the analyzer runs. */
apr_status_t pl_analyses_set_input_hash(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                        const char *hash);

/* Runs sql in a transaction with the revision raised (for the writes of
 * the results, pl_analysis_store.c). fn is called inside it. */
typedef apr_status_t pl_analyses_tx_fn(pl_db_t *db, apr_pool_t *p, void *baton);
apr_status_t pl_analyses_in_tx(pl_db_t *db, apr_pool_t *p, pl_analyses_tx_fn *fn, void *baton);

#endif
