/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "db/pl_jobs.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define COLUMNS "id, kind, state, payload, result, server_id, project_id, percent, message," \
                " digest, completed, total, error_code, error, cancel_requested, attempts," \
                " worker, created_by, created_at, started_at, updated_at, finished_at," \
                " overall_percent, overall_completed, overall_total"
/* The claimable: queued, or running under a lease that ran out. */
#define CLAIMABLE "(state = 'queued' OR (state = 'running' AND lease_until < %s))"
#define HELD "worker = %s AND state = 'running'"

static const pl_sql_t SQL_INSERT = {
    "pl.jobs.insert",
    "INSERT INTO jobs (kind, state, payload, server_id, project_id, created_by, created_at,"
    " updated_at) VALUES (%s, 'queued', %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.jobs.get", "SELECT " COLUMNS " FROM jobs WHERE id = %s", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.jobs.list",
    "SELECT " COLUMNS " FROM jobs WHERE (%s IS NULL OR created_by = %s)"
    " ORDER BY id DESC LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.jobs.count", "SELECT COUNT(*) FROM jobs WHERE (%s IS NULL OR created_by = %s)", NULL
};
static const pl_sql_t SQL_CANCEL_QUEUED = {
    "pl.jobs.cancel_queued",
    "UPDATE jobs SET state = 'canceled', cancel_requested = 1, finished_at = %s, updated_at = %s"
    " WHERE id = %s AND state = 'queued'", NULL
};
static const pl_sql_t SQL_CANCEL_RUNNING = {
    "pl.jobs.cancel_running",
    "UPDATE jobs SET cancel_requested = 1, updated_at = %s WHERE id = %s AND state = 'running'",
    NULL
};
static const pl_sql_t SQL_NEXT = {
    "pl.jobs.next", "SELECT id FROM jobs WHERE " CLAIMABLE " ORDER BY id LIMIT 1", NULL
};
static const pl_sql_t SQL_CLAIM = {
    "pl.jobs.claim",
    "UPDATE jobs SET state = 'running', worker = %s, lease_until = %s, attempts = attempts + 1,"
    " started_at = COALESCE(started_at, %s), updated_at = %s WHERE id = %s AND " CLAIMABLE, NULL
};
static const pl_sql_t SQL_PROGRESS = {
    "pl.jobs.progress",
    "UPDATE jobs SET percent = %s, message = %s, digest = %s, completed = %s, total = %s,"
    " overall_percent = %s, overall_completed = %s, overall_total = %s, lease_until = %s,"
    " updated_at = %s WHERE id = %s AND " HELD " AND cancel_requested = 0",
    NULL
};
static const pl_sql_t SQL_FINISH = {
    "pl.jobs.finish",
    "UPDATE jobs SET state = %s, percent = CASE WHEN %s = 'succeeded' THEN 100 ELSE percent END,"
    " overall_percent = CASE WHEN %s = 'succeeded' THEN 100 ELSE overall_percent END,"
    " error_code = %s, error = %s, result = %s, worker = NULL, lease_until = NULL,"
    " finished_at = %s, updated_at = %s WHERE id = %s AND " HELD, NULL
};
static const pl_sql_t SQL_RELEASE = {
    "pl.jobs.release",
    "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL,"
    " attempts = attempts - 1, updated_at = %s WHERE id = %s AND " HELD, NULL
};

#define I64OR0(p, v) ((v) ? pl_text_i64((p), (v)) : NULL)
#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)

int pl_job_ended(const pl_job_t *job)
{
    return strcmp(job->state, PL_JOB_QUEUED) && strcmp(job->state, PL_JOB_RUNNING);
}

/* v, or null when it is unknown: below 0, or 0 for an id. */
/* A count the server may not have sent yet (negative): null until it has. */
static void count_or_null(pl_jsonw_t *w, const char *key, apr_int64_t v)
{
    if (v >= 0)
        pl_jsonw_int(w, key, v);
    else
        pl_jsonw_str(w, key, NULL);
}

void pl_job_progress_write(pl_jsonw_t *w, const pl_job_progress_t *pr)
{
    pl_jsonw_int(w, "percent", pr->percent);
    pl_jsonw_str(w, "status", pr->message);
    pl_jsonw_str(w, "digest", pr->digest);
    count_or_null(w, "completed", pr->completed);
    count_or_null(w, "total", pr->total);
    pl_jsonw_int(w, "overall_percent", pr->overall_percent);
    count_or_null(w, "overall_completed", pr->overall_completed);
    count_or_null(w, "overall_total", pr->overall_total);
}

void pl_job_write(pl_jsonw_t *w, const pl_job_t *job)
{
    pl_jsonw_int(w, "id", job->id);
    pl_jsonw_str(w, "kind", job->kind);
    pl_jsonw_str(w, "state", job->state);
    pl_jsonw_id(w, "server_id", job->server_id);
    pl_jsonw_id(w, "project_id", job->project_id);
    /* stored by us from checked values: JSON text of our own */
    pl_jsonw_raw(w, "payload", job->payload);
    pl_jsonw_raw(w, "result", job->result ? job->result : "null");
    pl_jsonw_object(w, "progress");
    pl_job_progress_write(w, &job->progress);
    pl_jsonw_end(w);
    if (job->error_code) {
        pl_jsonw_object(w, "error");
        pl_jsonw_str(w, "code", job->error_code);
        pl_jsonw_str(w, "message", job->error);
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_str(w, "error", NULL);
    pl_jsonw_bool(w, "cancel_requested", job->cancel_requested);
    pl_jsonw_int(w, "attempts", job->attempts);
    pl_jsonw_id(w, "created_by", job->created_by);
    pl_jsonw_str(w, "created_at", job->created_at);
    pl_jsonw_str(w, "started_at", job->started_at);
    pl_jsonw_str(w, "updated_at", job->updated_at);
    pl_jsonw_str(w, "finished_at", job->finished_at);
}

static void *from_row(apr_pool_t *p, const char **row)
{
    pl_job_t *j = apr_pcalloc(p, sizeof(*j));

    j->id = apr_atoi64(row[0]);
    j->kind = row[1];
    j->state = row[2];
    j->payload = row[3] ? row[3] : "{}";
    j->result = row[4];
    j->server_id = ATOI64(row[5]);
    j->project_id = ATOI64(row[6]);
    j->progress.percent = row[7] ? atoi(row[7]) : 0;
    j->progress.message = row[8];
    j->progress.digest = row[9];
    j->progress.completed = row[10] ? apr_atoi64(row[10]) : -1;
    j->progress.total = row[11] ? apr_atoi64(row[11]) : -1;
    j->error_code = row[12];
    j->error = row[13];
    j->cancel_requested = row[14] && atoi(row[14]) != 0;
    j->attempts = row[15] ? atoi(row[15]) : 0;
    j->worker = row[16];
    j->created_by = ATOI64(row[17]);
    j->created_at = row[18];
    j->started_at = row[19];
    j->updated_at = row[20];
    j->finished_at = row[21];
    j->progress.overall_percent = row[22] ? atoi(row[22]) : 0;
    j->progress.overall_completed = row[23] ? apr_atoi64(row[23]) : -1;
    j->progress.overall_total = row[24] ? apr_atoi64(row[24]) : -1;
    return j;
}

apr_status_t pl_jobs_insert(pl_db_t *db, apr_pool_t *p, pl_job_t *job)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    const char *args[7];
    apr_status_t rv;

    args[0] = job->kind;
    args[1] = job->payload ? job->payload : "{}";
    args[2] = I64OR0(p, job->server_id);
    args[3] = I64OR0(p, job->project_id);
    args[4] = I64OR0(p, job->created_by);
    args[5] = now;
    args[6] = now;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 7, args, NULL)) != APR_SUCCESS
        || (rv = pl_db_last_id(db, p, &job->id)) != APR_SUCCESS)
        return rv;
    job->state = PL_JOB_QUEUED;
    job->payload = args[1];
    job->progress.completed = job->progress.total = -1;
    job->progress.overall_completed = job->progress.overall_total = -1;
    job->created_at = job->updated_at = now;
    return APR_SUCCESS;
}

apr_status_t pl_jobs_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_job_t **job)
{
    const char *arg = pl_text_i64(p, id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *job = from_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

apr_status_t pl_jobs_list(pl_db_t *db, apr_pool_t *p, apr_int64_t created_by, int limit,
                          int offset, apr_array_header_t **jobs, apr_int64_t *total)
{
    const char *by = I64OR0(p, created_by);
    const char *args[4] = { by, by, apr_itoa(p, limit), apr_itoa(p, offset) };
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = pl_db_select(db, p, &SQL_COUNT, 2, args, &res)) != APR_SUCCESS)
        return rv;
    *total = res->rows->nelts ? ATOI64(PL_DB_ROW(res, 0)[0]) : 0;
    if ((rv = pl_db_select(db, p, &SQL_LIST, 4, args, &res)) != APR_SUCCESS)
        return rv;
    *jobs = pl_db_map(p, res, from_row);
    return APR_SUCCESS;
}

apr_status_t pl_jobs_cancel(pl_db_t *db, apr_pool_t *p, pl_job_t **job)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *id = pl_text_i64(p, (*job)->id);
    const char *queued[3] = { now, now, id }, *running[2] = { now, id };
    apr_status_t rv;

    if ((rv = pl_db_exec(db, p, &SQL_CANCEL_QUEUED, 3, queued, NULL)) != APR_SUCCESS
        || (rv = pl_db_exec(db, p, &SQL_CANCEL_RUNNING, 2, running, NULL)) != APR_SUCCESS)
        return rv;
    return pl_jobs_get(db, p, (*job)->id, job);
}

apr_status_t pl_jobs_claim(pl_db_t *db, apr_pool_t *p, const char *worker,
                           apr_interval_time_t lease, pl_job_t **job)
{
    apr_time_t t = apr_time_now();
    const char *now = pl_time_rfc3339(p, t), *args[7];
    pl_db_result_t *res;
    apr_status_t rv;
    int n = 0;

    if ((rv = pl_db_select(db, p, &SQL_NEXT, 1, &now, &res)) != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    args[0] = worker;
    args[1] = pl_time_rfc3339(p, t + lease);
    args[2] = now;
    args[3] = now;
    args[4] = PL_DB_ROW(res, 0)[0];
    args[5] = now;
    /* another worker may have taken it in between: then it is not ours */
    if ((rv = pl_db_exec(db, p, &SQL_CLAIM, 6, args, &n)) != APR_SUCCESS)
        return rv;
    if (n != 1)
        return PL_ENOTFOUND;
    return pl_jobs_get(db, p, apr_atoi64(args[4]), job);
}

/* Whether the row still says the worker runs it and nobody asked to stop. */
static int still_ours(pl_db_t *db, apr_pool_t *p, const pl_job_t *job, const char *worker)
{
    pl_job_t *now;

    return pl_jobs_get(db, p, job->id, &now) == APR_SUCCESS && !strcmp(now->state, PL_JOB_RUNNING)
        && now->worker && !strcmp(now->worker, worker) && !now->cancel_requested;
}

apr_status_t pl_jobs_progress(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                              const char *worker, apr_interval_time_t lease,
                              const pl_job_progress_t *pr)
{
    apr_time_t t = apr_time_now();
    const char *args[12];
    apr_status_t rv;
    int n = 0;

    args[0] = apr_itoa(p, pr->percent);
    args[1] = pr->message;
    args[2] = pr->digest;
    args[3] = pr->completed >= 0 ? pl_text_i64(p, pr->completed) : NULL;
    args[4] = pr->total >= 0 ? pl_text_i64(p, pr->total) : NULL;
    args[5] = apr_itoa(p, pr->overall_percent);
    args[6] = pr->overall_completed >= 0 ? pl_text_i64(p, pr->overall_completed) : NULL;
    args[7] = pr->overall_total >= 0 ? pl_text_i64(p, pr->overall_total) : NULL;
    args[8] = pl_time_rfc3339(p, t + lease);
    args[9] = pl_time_rfc3339(p, t);
    args[10] = pl_text_i64(p, job->id);
    args[11] = worker;
    if ((rv = pl_db_exec(db, p, &SQL_PROGRESS, 12, args, &n)) != APR_SUCCESS)
        return rv;
    /* MySQL counts changed rows only: an update to the same values within
     * the same millisecond matches nothing; the row itself says */
    if (n == 0 && !still_ours(db, p, job, worker))
        return APR_EINTR;
    return APR_SUCCESS;
}

apr_status_t pl_jobs_finish(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                            const char *worker, const char *state, const char *error_code,
                            const char *error, const char *result)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *args[10];
    apr_status_t rv;
    int n = 0;

    args[0] = state;
    args[1] = state;
    args[2] = state;
    args[3] = error_code;
    args[4] = error;
    args[5] = result;
    args[6] = now;
    args[7] = now;
    args[8] = pl_text_i64(p, job->id);
    args[9] = worker;
    if ((rv = pl_db_exec(db, p, &SQL_FINISH, 10, args, &n)) != APR_SUCCESS)
        return rv;
    return n ? APR_SUCCESS : PL_ENOTFOUND;
}

apr_status_t pl_jobs_release(pl_db_t *db, apr_pool_t *p, const pl_job_t *job,
                             const char *worker)
{
    const char *args[3];

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = pl_text_i64(p, job->id);
    args[2] = worker;
    return pl_db_exec(db, p, &SQL_RELEASE, 3, args, NULL);
}
