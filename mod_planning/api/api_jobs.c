/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/jobs: background jobs (model pulls now, analysis runs later).
 * A job is its creator's; admins see and cancel every job. Everything is
 * read from the row, so any process (or host) answers for a job that
 * another one runs. */
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "api.h"
#include "mp_audit.h"
#include "mp_chat.h"
#include "mp_dbd.h"
#include "mp_sse.h"
#include "db/pl_jobs.h"
#include "core/pl_status.h"

#define EVENTS_POLL   apr_time_from_msec(250)
#define EVENTS_SLICE  apr_time_from_msec(50)
#define HEARTBEAT     apr_time_from_sec(15)

static int sees_all(const mp_req_t *req)
{
    return req->caller.role >= PL_ROLE_ADMIN;
}

/* The job in the path, when the caller may see it: another user's job is
 * as absent as one that does not exist. */
static int load(mp_req_t *req, pl_job_t **job)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "job", "job", &id))
        return 0;
    rv = pl_jobs_get(req->db, req->r->pool, id, job);
    if (rv == APR_SUCCESS && !sees_all(req) && (*job)->created_by != req->caller.user->id)
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "job");
        return 0;
    }
    return 1;
}

static const char *job_json(apr_pool_t *p, const pl_job_t *job)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024);

    pl_jsonw_object(w, NULL);
    pl_job_write(w, job);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

int api_jobs_reply(mp_req_t *req, int status, const pl_job_t *job)
{
    const char *text = job_json(req->r->pool, job);

    return mp_reply_json_text(req, status, text, strlen(text));
}

int api_jobs_list(mp_req_t *req)
{
    apr_array_header_t *jobs;
    apr_table_t *args;
    apr_int64_t total;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    if ((rv = pl_jobs_list(req->db, req->r->pool, sees_all(req) ? 0 : req->caller.user->id,
                           limit, offset, &jobs, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "job");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(jobs->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < jobs->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_job_write(w, APR_ARRAY_IDX(jobs, i, pl_job_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, NULL, NULL, NULL, limit, offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_jobs_get(mp_req_t *req)
{
    pl_job_t *job;

    return load(req, &job) ? api_jobs_reply(req, HTTP_OK, job) : OK;
}

/* Idempotent: a queued job ends canceled (200), a running one is asked to
 * stop and ends canceled once its worker notices (202), an ended one is
 * left as it is (200). */
int api_jobs_cancel(mp_req_t *req)
{
    pl_job_t *job;
    apr_status_t rv;
    int was_active;

    if (!load(req, &job))
        return OK;
    was_active = !pl_job_ended(job);
    if ((rv = pl_jobs_cancel(req->db, req->r->pool, &job)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "job");
    if (was_active)
        mp_audit(req, "job.cancel", NULL, 0, "job", job->id, 1);
    return api_jobs_reply(req, !strcmp(job->state, PL_JOB_RUNNING) ? HTTP_ACCEPTED : HTTP_OK, job);
}

/* What a progress event reports; an event goes out when it changes. */
static const char *progress_key(apr_pool_t *p, const pl_job_t *job)
{
    return apr_psprintf(p, "%s|%d|%s|%s|%" APR_INT64_T_FMT "|%" APR_INT64_T_FMT "|%d",
                        job->state, job->progress.percent,
                        job->progress.message ? job->progress.message : "",
                        job->progress.digest ? job->progress.digest : "",
                        job->progress.completed, job->progress.total, job->cancel_requested);
}

static int progress_event(mp_sse_t *sse, apr_pool_t *p, const pl_job_t *job)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 512);

    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "id", job->id);
    pl_jsonw_str(w, "state", job->state);
    pl_job_progress_write(w, &job->progress);
    pl_jsonw_bool(w, "cancel_requested", job->cancel_requested);
    pl_jsonw_end(w);
    return mp_sse_send(sse, "progress", pl_jsonw_text(w, NULL));
}

/* Waits one poll interval, watching the client; 0 when it left. */
static int wait_a_while(mp_sse_t *sse)
{
    apr_time_t until = apr_time_now() + EVENTS_POLL;

    while (apr_time_now() < until) {
        if (mp_sse_client_gone(sse))
            return 0;
        apr_sleep(EVENTS_SLICE);
    }
    if (apr_time_now() - sse->last_write > HEARTBEAT)
        return mp_sse_comment(sse, "keep-alive");
    return 1;
}

/* Server-Sent Events: "progress" at every change of the row (read every
 * 250 ms), then "done" with the whole job when it ended. */
int api_jobs_events(mp_req_t *req)
{
    char last[2048] = "";
    const char *key;
    apr_pool_t *iter;
    pl_job_t *job;
    mp_sse_t *sse;
    apr_status_t rv;

    if (!load(req, &job) || !mp_chat_take_reader_slot(req))
        return OK;
    sse = mp_sse_open(req->r);
    apr_pool_create(&iter, req->r->pool);
    for (;;) {
        key = progress_key(iter, job);
        if (strcmp(last, key) && !pl_job_ended(job)) {
            if (!progress_event(sse, iter, job))
                break;
            apr_cpystrn(last, key, sizeof(last));
        }
        if (pl_job_ended(job)) {
            mp_sse_send(sse, "done", job_json(iter, job));
            break;
        }
        mp_dbd_release(req);   /* no connection held while waiting */
        if (!wait_a_while(sse))
            break;
        apr_pool_clear(iter);
        mp_chat_slot_renew(req);
        rv = mp_dbd_acquire(req) ? pl_jobs_get(req->db, iter, job->id, &job) : PL_EUNAVAILABLE;
        if (rv != APR_SUCCESS) {
            pl_jsonw_t *w = pl_jsonw_create(iter, 128);
            pl_jsonw_object(w, NULL);
            pl_jsonw_str(w, "code", rv == PL_ENOTFOUND ? PL_ERR_JOB_GONE
                                                       : PL_ERR_DATABASE_UNAVAILABLE);
            pl_jsonw_str(w, "message", rv == PL_ENOTFOUND ? "the job no longer exists"
                                                          : "the job cannot be read; reconnect");
            pl_jsonw_end(w);
            mp_sse_send(sse, "error", pl_jsonw_text(w, NULL));
            break;
        }
    }
    apr_pool_destroy(iter);
    return OK;
}
