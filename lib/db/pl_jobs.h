/* SPDX-License-Identifier: Apache-2.0 */
/* Background jobs: rows of the jobs table, which is also the queue. A
 * worker (an httpd child's watchdog thread, on any host sharing the
 * database) claims the oldest queued job with a conditional UPDATE, so two
 * workers never run the same job; it renews a lease while it runs, and a
 * job whose lease ran out (the worker died) can be claimed again. Progress,
 * the cancel flag and the outcome live in the row, so every process can
 * report on a job or cancel it. */
#ifndef PL_JOBS_H
#define PL_JOBS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

#define PL_JOB_QUEUED    "queued"
#define PL_JOB_RUNNING   "running"
#define PL_JOB_SUCCEEDED "succeeded"
#define PL_JOB_FAILED    "failed"
#define PL_JOB_CANCELED  "canceled"

#define PL_JOB_MODEL_PULL "model.pull"

typedef struct {
    int percent;                  /* 0..100 */
    const char *message;          /* what the work is doing: "pulling 3f2b..." */
    const char *digest;           /* the part being worked on, or NULL */
    apr_int64_t completed, total; /* bytes (or items) of that part; -1: unknown */
    /* over every part seen so far (a pull's layers, by digest): the percent
     * never goes back and is 100 only when the work succeeded */
    int overall_percent;
    apr_int64_t overall_completed, overall_total;   /* -1: unknown */
} pl_job_progress_t;

typedef struct {
    apr_int64_t id;
    const char *kind;
    const char *state;
    const char *payload;          /* JSON object text */
    const char *result;           /* JSON text, or NULL */
    apr_int64_t server_id, project_id;   /* 0: none */
    pl_job_progress_t progress;
    const char *error_code, *error;
    int cancel_requested;
    int attempts;                 /* claims so far, hand-backs not counted */
    const char *worker;           /* who holds it while running */
    apr_int64_t created_by;       /* 0: nobody (or a deleted user) */
    const char *created_at, *started_at, *updated_at, *finished_at;
} pl_job_t;

/* What runs jobs: its database connection, its name in the rows, how long
 * a claim lasts without renewal, and whether its process is going away
 * (then a job goes back to the queue unfinished). */
typedef struct {
    pl_db_t *db;
    const char *name;
    apr_interval_time_t lease;
    int (*stopping)(void *baton);
    void *baton;
} pl_job_worker_t;

/* True for succeeded, failed and canceled. */
int pl_job_ended(const pl_job_t *job);

/* percent, status, digest, completed, total, overall_percent,
 * overall_completed, overall_total (null when unknown) into the object w
 * has open. */
void pl_job_progress_write(pl_jsonw_t *w, const pl_job_progress_t *progress);
/* The public fields of a job (the worker and its lease stay inside). */
void pl_job_write(pl_jsonw_t *w, const pl_job_t *job);

/* Queues job (kind, payload, server_id, project_id, created_by set);
 * fills in id, state and the times. */
apr_status_t pl_jobs_insert(pl_db_t *db, apr_pool_t *p, pl_job_t *job);
apr_status_t pl_jobs_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_job_t **job);
/* Newest first; created_by 0: everyone's. */
apr_status_t pl_jobs_list(pl_db_t *db, apr_pool_t *p, apr_int64_t created_by, int limit,
                          int offset, apr_array_header_t **jobs, apr_int64_t *total);

/* A queued job ends canceled at once; a running one gets its cancel flag,
 * which its worker sees at its next progress write. An ended job is left
 * as it is. Reloads *job. */
apr_status_t pl_jobs_cancel(pl_db_t *db, apr_pool_t *p, pl_job_t **job);

/* Claims the oldest job that is queued or whose lease ran out, for worker
 * until now + lease. PL_ENOTFOUND when there is none. */
apr_status_t pl_jobs_claim(pl_db_t *db, apr_pool_t *p, const char *worker,
                           apr_interval_time_t lease, pl_job_t **job);
/* Writes progress and renews the lease. APR_EINTR when the job is no longer
 * the worker's to run: cancel asked for, or the lease lost to another. */
apr_status_t pl_jobs_progress(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                              const char *worker, apr_interval_time_t lease,
                              const pl_job_progress_t *progress);
/* Ends a job the worker holds: state succeeded, failed or canceled, with
 * an error (code and message) or a result. PL_ENOTFOUND when it is no
 * longer the worker's. */
apr_status_t pl_jobs_finish(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                            const char *worker, const char *state, const char *error_code,
                            const char *error, const char *result);
/* Hands a job back to the queue unfinished (the worker is shutting down);
 * the claim does not count as an attempt. */
apr_status_t pl_jobs_release(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                             const char *worker);

#endif
