/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "analyses/pl_analyses.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define COLUMNS "id, project_id, job_id, created_by, state, analysis_type, include_history," \
                " options, created_at, started_at, finished_at, plan_title," \
                " claimed_completion, observed_completion, objectives, done, partial, missing," \
                " error_code, error, input_hash"

static const pl_sql_t SQL_INSERT = {
    "pl.analyses.insert",
    "INSERT INTO analyses (project_id, active_project, state, analysis_type, include_history,"
    " options, created_by, created_at) VALUES (%s, %s, 'queued', %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_SET_JOB = {
    "pl.analyses.set_job", "UPDATE analyses SET job_id = %s WHERE id = %s", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.analyses.get", "SELECT " COLUMNS " FROM analyses WHERE id = %s", NULL
};
static const pl_sql_t SQL_ACTIVE = {
    "pl.analyses.active", "SELECT " COLUMNS " FROM analyses WHERE active_project = %s", NULL
};
static const pl_sql_t SQL_LATEST = {
    "pl.analyses.latest",
    "SELECT " COLUMNS " FROM analyses WHERE project_id = %s AND state = 'complete'"
    " ORDER BY id DESC LIMIT 1", NULL
};
static const pl_sql_t SQL_LIST = {
    "pl.analyses.list",
    "SELECT " COLUMNS " FROM analyses WHERE project_id = %s ORDER BY id DESC LIMIT %s OFFSET %s",
    NULL
};
static const pl_sql_t SQL_COUNT = {
    "pl.analyses.count", "SELECT COUNT(*) FROM analyses WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_LIST_COMPLETE = {
    "pl.analyses.list_complete",
    "SELECT " COLUMNS " FROM analyses WHERE project_id = %s AND state = 'complete'"
    " ORDER BY id DESC LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_COUNT_COMPLETE = {
    "pl.analyses.count_complete",
    "SELECT COUNT(*) FROM analyses WHERE project_id = %s AND state = 'complete'", NULL
};
/* finished_at is written by pl_time_rfc3339, one width: text order is time
 * order ("~" sorts after every digit: no upper bound) */
static const pl_sql_t SQL_BETWEEN = {
    "pl.analyses.between",
    "SELECT " COLUMNS " FROM analyses WHERE project_id = %s AND state = 'complete'"
    " AND finished_at >= %s AND finished_at < %s ORDER BY finished_at DESC, id DESC LIMIT %s",
    NULL
};
static const pl_sql_t SQL_RUNNING = {
    "pl.analyses.running",
    "UPDATE analyses SET state = 'running', started_at = COALESCE(started_at, %s)"
    " WHERE id = %s AND state IN ('queued', 'running')", NULL
};
static const pl_sql_t SQL_END = {
    "pl.analyses.end",
    "UPDATE analyses SET state = %s, active_project = NULL, error_code = %s, error = %s,"
    " finished_at = %s WHERE id = %s AND state IN ('queued', 'running')", NULL
};
static const pl_sql_t SQL_INPUT_HASH = {
    "pl.analyses.input_hash", "UPDATE analyses SET input_hash = %s WHERE id = %s", NULL
};
static const pl_sql_t SQL_BUMP = {
    "pl.analyses.bump", "UPDATE revisions SET revision = revision + 1 WHERE name = 'analyses'",
    NULL
};
static const pl_sql_t SQL_REVISION = {
    "pl.analyses.revision", "SELECT revision FROM revisions WHERE name = 'analyses'", NULL
};

#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)

int pl_analysis_active(const pl_analysis_record_t *a)
{
    return !strcmp(a->state, PL_ANALYSIS_QUEUED) || !strcmp(a->state, PL_ANALYSIS_RUNNING);
}

static void *from_row(apr_pool_t *p, const char **row)
{
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a));

    a->id = apr_atoi64(row[0]);
    a->project_id = ATOI64(row[1]);
    a->job_id = ATOI64(row[2]);
    a->created_by = ATOI64(row[3]);
    a->state = row[4];
    a->type = row[5];
    a->include_history = row[6] && atoi(row[6]) != 0;
    a->options = row[7] ? row[7] : "{}";
    a->created_at = row[8];
    a->started_at = row[9];
    a->finished_at = row[10];
    a->plan_title = row[11];
    a->claimed = row[12] ? atof(row[12]) : -1;
    a->observed = row[13] ? atof(row[13]) : -1;
    a->objectives = row[14] ? atoi(row[14]) : 0;
    a->done = row[15] ? atoi(row[15]) : 0;
    a->partial = row[16] ? atoi(row[16]) : 0;
    a->missing = row[17] ? atoi(row[17]) : 0;
    a->error_code = row[18];
    a->error = row[19];
    a->input_hash = row[20];
    return a;
}

void pl_analysis_number_write(pl_jsonw_t *w, const char *key, double v)
{
    if (v >= 0)
        pl_jsonw_number(w, key, v);
    else
        pl_jsonw_str(w, key, NULL);
}

void pl_analysis_record_write(pl_jsonw_t *w, const pl_analysis_record_t *a)
{
    pl_jsonw_int(w, "id", a->id);
    pl_jsonw_int(w, "project_id", a->project_id);
    pl_jsonw_id(w, "job_id", a->job_id);
    pl_jsonw_str(w, "state", a->state);
    pl_jsonw_str(w, "analysis_type", a->type);
    pl_jsonw_bool(w, "include_history", a->include_history);
    pl_jsonw_raw(w, "options", a->options);   /* stored by us from checked values */
    pl_jsonw_id(w, "created_by", a->created_by);
    pl_jsonw_str(w, "created_at", a->created_at);
    pl_jsonw_str(w, "started_at", a->started_at);
    pl_jsonw_str(w, "finished_at", a->finished_at);
    pl_jsonw_str(w, "input_hash", a->input_hash);
    pl_jsonw_object(w, "totals");
    pl_jsonw_str(w, "plan_title", a->plan_title);
    pl_analysis_number_write(w, "claimed_percent", a->claimed);
    pl_analysis_number_write(w, "observed_percent", a->observed);
    pl_jsonw_int(w, "objectives", a->objectives);
    pl_jsonw_int(w, "done", a->done);
    pl_jsonw_int(w, "partial", a->partial);
    pl_jsonw_int(w, "missing", a->missing);
    pl_jsonw_end(w);
    if (a->error_code) {
        pl_jsonw_object(w, "error");
        pl_jsonw_str(w, "code", a->error_code);
        pl_jsonw_str(w, "message", a->error);
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_str(w, "error", NULL);
}

apr_status_t pl_analyses_in_tx(pl_db_t *db, apr_pool_t *p, pl_analyses_tx_fn *fn, void *baton)
{
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    rv = fn(db, p, baton);
    if (rv == APR_SUCCESS)
        rv = pl_db_exec(db, p, &SQL_BUMP, 0, NULL, NULL);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

static apr_status_t select_one(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, apr_int64_t id,
                               pl_analysis_record_t **a)
{
    const char *arg = pl_text_i64(p, id);
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, 1, &arg, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *a = from_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

typedef struct {
    apr_int64_t id;
    const char *state, *code, *message;
} end_t;

static apr_status_t end_tx(pl_db_t *db, apr_pool_t *p, void *baton)
{
    end_t *e = baton;
    const char *args[5];

    args[0] = e->state;
    args[1] = e->code;
    args[2] = e->message;
    args[3] = pl_time_rfc3339(p, apr_time_now());
    args[4] = pl_text_i64(p, e->id);
    return pl_db_exec(db, p, &SQL_END, 5, args, NULL);
}

apr_status_t pl_analyses_end(pl_db_t *db, apr_pool_t *p, apr_int64_t id, const char *state,
                             const char *code, const char *message)
{
    end_t e = { id, state, code, message };

    return pl_analyses_in_tx(db, p, end_tx, &e);
}

/* The job runner's own codes ("worker_died") in the API's UPPER_SNAKE. */
static const char *upper(char *s)
{
    char *c;

    for (c = s; *c; c++)
        *c = (char)apr_toupper(*c);
    return s;
}

/* An active analysis whose job has ended (canceled while queued, given up
 * by the runner, deleted) ends as its job did; it reloads *a. */
static apr_status_t sync_job(pl_db_t *db, apr_pool_t *p, pl_analysis_record_t **a)
{
    pl_job_t *job = NULL;
    apr_status_t rv;

    if (!pl_analysis_active(*a))
        return APR_SUCCESS;
    rv = (*a)->job_id ? pl_jobs_get(db, p, (*a)->job_id, &job) : PL_ENOTFOUND;
    if (rv == PL_ENOTFOUND)
        rv = pl_analyses_end(db, p, (*a)->id, PL_ANALYSIS_FAILED, PL_ERR_JOB_GONE,
                             "the job that ran this analysis no longer exists");
    else if (rv != APR_SUCCESS || !pl_job_ended(job))
        return rv;
    else if (!strcmp(job->state, PL_JOB_CANCELED))
        rv = pl_analyses_end(db, p, (*a)->id, PL_ANALYSIS_CANCELED, NULL, NULL);
    else   /* a job that succeeded stores its analysis first: this one did not */
        rv = pl_analyses_end(db, p, (*a)->id, PL_ANALYSIS_FAILED,
                             job->error_code ? upper(apr_pstrcat(p, "JOB_", job->error_code, NULL))
                                             : PL_ERR_NO_RESULTS,
                             job->error ? job->error : "the job ended without storing results");
    if (rv != APR_SUCCESS)
        return rv;
    return select_one(db, p, &SQL_GET, (*a)->id, a);
}

apr_status_t pl_analyses_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                             pl_analysis_record_t **a)
{
    apr_status_t rv = select_one(db, p, &SQL_GET, id, a);

    return rv == APR_SUCCESS ? sync_job(db, p, a) : rv;
}

apr_status_t pl_analyses_latest(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                pl_analysis_record_t **a)
{
    return select_one(db, p, &SQL_LATEST, project_id, a);
}

/* The project's active analysis, synced: PL_ENOTFOUND when none is. */
static apr_status_t active(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                           pl_analysis_record_t **a)
{
    apr_status_t rv = select_one(db, p, &SQL_ACTIVE, project_id, a);

    if (rv == APR_SUCCESS && (rv = sync_job(db, p, a)) == APR_SUCCESS && !pl_analysis_active(*a))
        rv = PL_ENOTFOUND;
    return rv;
}

typedef struct {
    pl_analysis_record_t *a;
    pl_job_t job;
} start_t;

static apr_status_t start_tx(pl_db_t *db, apr_pool_t *p, void *baton)
{
    start_t *s = baton;
    pl_analysis_record_t *a = s->a;
    pl_jsonw_t *w = pl_jsonw_create(p, 64);
    const char *args[7], *ids[2];
    apr_status_t rv;

    args[0] = pl_text_i64(p, a->project_id);
    args[1] = args[0];
    args[2] = a->type;
    args[3] = a->include_history ? "1" : "0";
    args[4] = a->options;
    args[5] = a->created_by ? pl_text_i64(p, a->created_by) : NULL;
    args[6] = a->created_at;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 7, args, NULL)) != APR_SUCCESS
        || (rv = pl_db_last_id(db, p, &a->id)) != APR_SUCCESS)
        return rv;
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_end(w);
    s->job.kind = PL_JOB_ANALYSIS;
    s->job.payload = pl_jsonw_text(w, NULL);
    s->job.project_id = a->project_id;
    s->job.created_by = a->created_by;
    if ((rv = pl_jobs_insert(db, p, &s->job)) != APR_SUCCESS)
        return rv;
    a->job_id = s->job.id;
    ids[0] = pl_text_i64(p, a->job_id);
    ids[1] = pl_text_i64(p, a->id);
    return pl_db_exec(db, p, &SQL_SET_JOB, 2, ids, NULL);
}

apr_status_t pl_analyses_start(pl_db_t *db, apr_pool_t *p, pl_analysis_record_t *a,
                               pl_analysis_record_t **existing)
{
    start_t s;
    apr_status_t rv;

    if ((rv = active(db, p, a->project_id, existing)) != PL_ENOTFOUND)
        return rv == APR_SUCCESS ? PL_ECONFLICT : rv;
    memset(&s, 0, sizeof(s));
    s.a = a;
    a->created_at = pl_time_rfc3339(p, apr_time_now());
    rv = pl_analyses_in_tx(db, p, start_tx, &s);
    /* another request won the race for the project: answer with its analysis */
    if (rv == PL_ECONFLICT) {
        rv = active(db, p, a->project_id, existing);
        return rv == APR_SUCCESS ? PL_ECONFLICT : rv == PL_ENOTFOUND ? PL_EBUSY : rv;
    }
    if (rv != APR_SUCCESS)
        return rv;
    a->state = PL_ANALYSIS_QUEUED;
    a->claimed = a->observed = -1;
    return APR_SUCCESS;
}

/* A page of rows of list_sql (args: project, limit, offset) and the
 * count_sql total (args: project). */
static apr_status_t page(pl_db_t *db, apr_pool_t *p, const pl_sql_t *count_sql,
                         const pl_sql_t *list_sql, apr_int64_t project_id, int limit, int offset,
                         apr_array_header_t **items, apr_int64_t *total)
{
    const char *args[3] = { pl_text_i64(p, project_id), apr_itoa(p, limit), apr_itoa(p, offset) };
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = pl_db_select(db, p, count_sql, 1, args, &res)) != APR_SUCCESS)
        return rv;
    *total = res->rows->nelts ? ATOI64(PL_DB_ROW(res, 0)[0]) : 0;
    if ((rv = pl_db_select(db, p, list_sql, 3, args, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, from_row);
    return APR_SUCCESS;
}

apr_status_t pl_analyses_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id, int limit,
                              int offset, apr_array_header_t **items, apr_int64_t *total)
{
    return page(db, p, &SQL_COUNT, &SQL_LIST, project_id, limit, offset, items, total);
}

apr_status_t pl_analyses_list_complete(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                       int limit, int offset, apr_array_header_t **items,
                                       apr_int64_t *total)
{
    return page(db, p, &SQL_COUNT_COMPLETE, &SQL_LIST_COMPLETE, project_id, limit, offset, items,
                total);
}

apr_status_t pl_analyses_finished_between(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                          const char *from, const char *to, int max,
                                          apr_array_header_t **items)
{
    const char *args[4] = { pl_text_i64(p, project_id), from ? from : "", to ? to : "~",
                            apr_itoa(p, max) };
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_BETWEEN, 4, args, &res);
    int i, n;

    if (rv != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, from_row);
    /* newest were kept; oldest first */
    for (i = 0, n = (*items)->nelts; i < n / 2; i++) {
        void *t = APR_ARRAY_IDX(*items, i, void *);
        APR_ARRAY_IDX(*items, i, void *) = APR_ARRAY_IDX(*items, n - 1 - i, void *);
        APR_ARRAY_IDX(*items, n - 1 - i, void *) = t;
    }
    return APR_SUCCESS;
}

apr_status_t pl_analyses_revision(pl_db_t *db, apr_pool_t *p, apr_int64_t *revision)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &SQL_REVISION, 0, NULL, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts != 1 || !PL_DB_ROW(res, 0)[0])
        return PL_EDB;
    *revision = apr_atoi64(PL_DB_ROW(res, 0)[0]);
    return APR_SUCCESS;
}

static apr_status_t running_tx(pl_db_t *db, apr_pool_t *p, void *baton)
{
    const char *args[2] = { pl_time_rfc3339(p, apr_time_now()), baton };

    return pl_db_exec(db, p, &SQL_RUNNING, 2, args, NULL);
}

apr_status_t pl_analyses_mark_running(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    return pl_analyses_in_tx(db, p, running_tx, (void *)pl_text_i64(p, id));
}

apr_status_t pl_analyses_settle(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id)
{
    pl_analysis_record_t *a;
    apr_status_t rv = active(db, p, project_id, &a);

    return rv == PL_ENOTFOUND ? APR_SUCCESS : rv;
}

apr_status_t pl_analyses_set_input_hash(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                        const char *hash)
{
    const char *args[2] = { hash, pl_text_i64(p, id) };

    return pl_db_exec(db, p, &SQL_INPUT_HASH, 2, args, NULL);
}
