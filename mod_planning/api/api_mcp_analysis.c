/* SPDX-License-Identifier: Apache-2.0 */
/* run_analysis for MCP callers: the tool (lib/tools) cannot reach the job
 * system, so the glue starts the analysis as POST .../analyze does (a plan
 * changed on disk recorded first, the start audited; one already under way
 * is joined, not doubled), then watches it until it ends or the wait is
 * over, sending its job's progress as notifications/progress when the
 * request asked for them. Each notification grows (0 queued ... 100 ended);
 * while the percent stands still the event stream gets keep-alive comments
 * (PlanningSSEHeartbeat). A client that went away ends the wait, never the
 * analysis. */
#include <apr_strings.h>

#include "api/api.h"
#include "api/api_mcp.h"
#include "mp_audit.h"
#include "analyses/pl_analyses.h"
#include "core/pl_status.h"
#include "mcp/pl_mcp.h"

#define POLL (500 * 1000)    /* microseconds between looks at the job */

/* The job's percent and message, or (0, state) when it cannot be read. */
static int job_progress(mp_req_t *req, apr_pool_t *p, const pl_analysis_record_t *a,
                        const char **message)
{
    pl_job_t *job;

    *message = a->state;
    if (!a->job_id || pl_jobs_get(req->db, p, a->job_id, &job) != APR_SUCCESS)
        return 0;
    if (job->progress.message && *job->progress.message)
        *message = job->progress.message;
    return job->progress.percent;
}

apr_status_t api_mcp_run_analysis(void *baton, apr_pool_t *p, apr_int64_t project_id,
                                  apr_int64_t user_id, int wait_seconds, const char **json,
                                  const char **why)
{
    pl_mcp_ctx_t *ctx = baton;
    api_mcp_out_t *out = ctx->host;
    mp_req_t *req = out->req;
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a)), *running;
    apr_time_t until = apr_time_now() + apr_time_from_sec(wait_seconds > 0 ? wait_seconds : 60);
    const char *message;
    pl_jsonw_t *w;
    apr_status_t rv;
    int sent = -1, percent, live = 1;

    a->project_id = project_id;
    a->created_by = user_id;
    a->type = "full";
    a->include_history = 1;
    a->options = "{}";
    api_plan_notice(req, project_id);
    rv = pl_analyses_start(req->db, p, a, &running);
    if (rv == PL_ECONFLICT)
        a = running;
    else if (rv != APR_SUCCESS) {
        *why = "the analysis could not be queued";
        return rv;
    }
    else
        mp_audit(req, "analysis.start", NULL, 0, "project", project_id, 1);
    for (;;) {
        if ((rv = pl_analyses_get(req->db, p, a->id, &a)) != APR_SUCCESS) {
            *why = "the analysis could not be read";
            return rv;
        }
        message = a->state;
        percent = pl_analysis_active(a) ? job_progress(req, p, a, &message) : 100;
        if (percent > sent && live) {
            live = pl_mcp_progress(ctx, percent, 100, message);
            sent = percent;
        }
        if (live && out->sse)
            live = mp_sse_heartbeat(out->sse, apr_time_from_sec(req->conf->sse_heartbeat))
                   && !mp_sse_client_gone(out->sse);
        if (!pl_analysis_active(a) || !live || apr_time_now() >= until)
            break;
        apr_sleep(POLL);
    }
    w = pl_jsonw_create(p, 1024);
    pl_jsonw_object(w, NULL);
    pl_analysis_record_write(w, a);
    pl_jsonw_int(w, "progress", percent);
    pl_jsonw_bool(w, "ended", !pl_analysis_active(a));
    pl_jsonw_end(w);
    *json = pl_jsonw_text(w, NULL);
    return APR_SUCCESS;
}
