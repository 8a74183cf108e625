/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "api/api.h"
#include "mp_audit.h"
#include "mp_dbd.h"
#include "mp_tools.h"
#include "analyses/pl_analyses.h"
#include "core/pl_status.h"
#include "db/pl_jobs.h"

#define POLL apr_time_from_sec(1)

/* run_analysis's baton: the request, and who watches the wait. */
typedef struct {
    mp_req_t *req;
    mp_tools_watch_fn *watch;
    void *watch_baton;
} run_t;

/* Tells the watcher how far a is; 0 when it wants the wait to end. */
static int tell(run_t *run, apr_pool_t *p, const pl_analysis_record_t *a)
{
    pl_job_t *job;
    int active = pl_analysis_active(a);

    if (!run->watch)
        return 1;
    if (active && a->job_id && pl_jobs_get(run->req->db, p, a->job_id, &job) == APR_SUCCESS)
        return run->watch(run->watch_baton, job->progress.percent,
                          job->progress.message && *job->progress.message
                          ? job->progress.message : a->state);
    return run->watch(run->watch_baton, active ? 0 : 100, a->state);
}

/* run_analysis: queues an analysis (or finds the one under way) as the
 * REST route does, then reads it once a second, giving the connection back
 * between reads, until it ends, wait_seconds pass or the watcher has seen
 * enough. */
static apr_status_t run_analysis(void *baton, apr_pool_t *p, apr_int64_t project_id,
                                 apr_int64_t user_id, int wait_seconds, const char **json,
                                 const char **why)
{
    run_t *run = baton;
    mp_req_t *req = run->req;
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a)), *running = NULL;
    apr_time_t until = apr_time_now() + apr_time_from_sec(wait_seconds);
    pl_job_t *job = NULL;
    pl_jsonw_t *w;
    apr_status_t rv;
    int started = 1;

    a->project_id = project_id;
    a->created_by = user_id;
    a->type = "full";
    a->include_history = 1;
    a->options = "{}";
    api_plan_notice(req, project_id);
    rv = pl_analyses_start(req->db, p, a, &running);
    if (rv == PL_ECONFLICT) {
        a = running;
        started = 0;
    }
    else if (rv != APR_SUCCESS)
        return rv;
    else
        mp_audit(req, "analysis.start", NULL, 0, "project", project_id, 1);
    while (pl_analysis_active(a) && apr_time_now() < until && tell(run, p, a)) {
        mp_dbd_release(req);   /* none held while the analyzer works */
        apr_sleep(POLL);
        if (!mp_dbd_acquire(req)) {
            *why = "the database could not be reached while the analysis ran";
            return PL_EUNAVAILABLE;
        }
        if ((rv = pl_analyses_get(req->db, p, a->id, &a)) != APR_SUCCESS)
            return rv;
    }
    if (!pl_analysis_active(a))
        (void)tell(run, p, a);
    if (a->job_id && pl_jobs_get(req->db, p, a->job_id, &job) != APR_SUCCESS)
        job = NULL;
    w = pl_jsonw_create(p, 1024);
    pl_jsonw_object(w, NULL);
    pl_analysis_record_write(w, a);
    pl_jsonw_bool(w, "started_now", started);
    pl_jsonw_bool(w, "finished", !pl_analysis_active(a));
    if (job) {
        pl_jsonw_object(w, "progress");
        pl_job_progress_write(w, &job->progress);
        pl_jsonw_end(w);
    }
    if (pl_analysis_active(a))
        pl_jsonw_str(w, "note", "still running: call run_analysis again later to see it end");
    pl_jsonw_end(w);
    *json = pl_jsonw_text(w, NULL);
    return APR_SUCCESS;
}

void mp_tools_ctx(mp_req_t *req, apr_pool_t *p, apr_int64_t project_id, pl_tools_ctx_t *ctx)
{
    run_t *run = apr_pcalloc(p, sizeof(*run));

    run->req = req;
    memset(ctx, 0, sizeof(*ctx));
    ctx->pool = p;
    ctx->db = req->db;
    ctx->user_id = req->caller.user->id;
    ctx->user_role = req->caller.user->role;
    ctx->role = req->caller.role;   /* narrowed by an API key's scope */
    ctx->key_project = req->caller.key ? req->caller.key->project_id : 0;
    ctx->project_id = project_id;
    ctx->roots = req->conf->roots;
    ctx->run_analysis = run_analysis;
    ctx->analysis_baton = run;
    ctx->analysis_wait = 60;
}

void mp_tools_watch(pl_tools_ctx_t *ctx, mp_tools_watch_fn *watch, void *baton)
{
    run_t *run = ctx->analysis_baton;

    run->watch = watch;
    run->watch_baton = baton;
}
