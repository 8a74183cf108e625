/* SPDX-License-Identifier: Apache-2.0 */
/* Analyses: POST /projects/{id}/analyze queues one (a job of kind
 * "analysis", run by mp_jobs.c in a child process), GET /analyses/{a},
 * .../status and .../results read it, GET /projects/{id}/analyses lists a
 * project's. An analysis is its project's: whoever may see the project
 * may read it; developers (and write-scoped keys) may start one. */
#include <apr_strings.h>

#include "api_analyses.h"
#include "mp_audit.h"
#include "mp_router.h"
#include "analyses/pl_analysis_results.h"
#include "analyses/pl_analysis_run.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

static const char *analysis_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/analyses/%" APR_INT64_T_FMT, id);
}

/* One analysis with its _links, as the object w opens under key. */
static void write_analysis(pl_jsonw_t *w, apr_pool_t *p, const char *key,
                           const pl_analysis_record_t *a)
{
    const char *self = analysis_href(p, a->id);

    pl_jsonw_object(w, key);
    pl_analysis_record_write(w, a);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", self, NULL);
    pl_jsonw_link(w, "status", self, "/status");
    pl_jsonw_link(w, "results", self, "/results");
    pl_jsonw_link(w, "project", apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT,
                                             a->project_id), NULL);
    if (a->job_id) {
        const char *job = apr_psprintf(p, MP_API_BASE "/jobs/%" APR_INT64_T_FMT, a->job_id);
        pl_jsonw_link(w, "job", job, NULL);
        pl_jsonw_link(w, "events", job, "/events");
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

static int reply_analysis(mp_req_t *req, int status, const pl_analysis_record_t *a)
{
    pl_jsonw_t *w = mp_reply_writer(req, 2048);

    apr_table_setn(req->r->headers_out, "Location",
                   ap_construct_url(req->r->pool, analysis_href(req->r->pool, a->id), req->r));
    write_analysis(w, req->r->pool, NULL, a);
    return mp_reply_json(req, status, w);
}

static int bad(mp_req_t *req, const char *field, const char *why)
{
    return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                          apr_pstrcat(req->r->pool, field, " ", why, NULL), field);
}

int api_analyses_start(mp_req_t *req)
{
    static const char *const FIELDS[] = { "analysis_type", "include_history", "options", NULL };
    apr_pool_t *p = req->r->pool;
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a)), *running;
    pl_json_t *options;
    const char *field, *why;
    apr_status_t rv;

    if (!mp_request_only_fields(req, FIELDS))
        return OK;
    a->project_id = apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
    a->created_by = req->caller.user->id;
    a->type = "full";
    a->include_history = 1;
    a->options = "{}";
    if (pl_json_type_of(req->body, "analysis_type") != PL_JSON_ABSENT) {
        a->type = pl_json_get_str(req->body, "analysis_type");
        if (!a->type || (strcmp(a->type, "full") && strcmp(a->type, "incremental")))
            return bad(req, "analysis_type", "must be \"full\" or \"incremental\"");
    }
    switch (pl_json_type_of(req->body, "include_history")) {
    case PL_JSON_ABSENT: break;
    case PL_JSON_BOOL: a->include_history = pl_json_is_true(req->body, "include_history"); break;
    default: return bad(req, "include_history", "must be true or false");
    }
    if (pl_json_type_of(req->body, "options") != PL_JSON_ABSENT) {
        if (!(options = pl_json_get_object(p, req->body, "options")))
            return bad(req, "options", "must be an object");
        if (!pl_analysis_options_valid(options, &field, &why))
            return bad(req, apr_pstrcat(p, "options.", field, NULL), why);
        a->options = pl_json_member_text(p, req->body, "options");
    }
    api_plan_notice(req, a->project_id);   /* a plan edited on disk: a version first */
    rv = pl_analyses_start(req->db, p, a, &running);
    if (rv == PL_ECONFLICT)   /* one at a time: the one already under way answers */
        return reply_analysis(req, HTTP_OK, running);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    mp_audit(req, "analysis.start", NULL, 0, "project", a->project_id, 1);
    return reply_analysis(req, HTTP_ACCEPTED, a);
}

/* The analysis in the path, when the caller may read its project. */
static int load(mp_req_t *req, pl_analysis_record_t **a)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "analysis", "analysis", &id))
        return 0;
    if ((rv = pl_analyses_get(req->db, req->r->pool, id, a)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "analysis");
        return 0;
    }
    return mp_router_project_access(req, (*a)->project_id, MP_PERM_READ, "analysis");
}

int api_analyses_get(mp_req_t *req)
{
    pl_analysis_record_t *a;

    return load(req, &a) ? reply_analysis(req, HTTP_OK, a) : OK;
}

/* state, percent and stage: the analysis's state, the job's progress. */
int api_analyses_status(mp_req_t *req)
{
    pl_analysis_record_t *a;
    pl_job_t *job = NULL;
    pl_jsonw_t *w;
    int done;

    if (!load(req, &a))
        return OK;
    if (a->job_id && pl_jobs_get(req->db, req->r->pool, a->job_id, &job) != APR_SUCCESS)
        job = NULL;
    done = !strcmp(a->state, PL_ANALYSIS_COMPLETE);
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_str(w, "state", a->state);
    pl_jsonw_int(w, "percent", done ? 100 : job ? job->progress.percent : 0);
    pl_jsonw_str(w, "stage", done ? "complete" : job ? job->progress.message : NULL);
    pl_jsonw_bool(w, "cancel_requested", job && job->cancel_requested);
    if (a->error_code) {
        pl_jsonw_object(w, "error");
        pl_jsonw_str(w, "code", a->error_code);
        pl_jsonw_str(w, "message", a->error);
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_str(w, "error", NULL);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", analysis_href(req->r->pool, a->id), "/status");
    pl_jsonw_link(w, "analysis", analysis_href(req->r->pool, a->id), NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* The whole stored result: totals, every objective (their tasks are at
 * .../objectives/{oid}) and the recommendations. Until complete: its state and error, and nothing else. */
int api_analyses_results(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    pl_analysis_record_t *a;
    apr_array_header_t *objs, *recs;
    pl_jsonw_t *w;
    apr_status_t rv;
    const char *proj;
    int i, complete;

    if (!load(req, &a))
        return OK;
    /* Until it is complete the results are the analysis's state (and why it
     * failed) with nothing in them, so the link is good from the start. */
    complete = !strcmp(a->state, PL_ANALYSIS_COMPLETE);
    objs = recs = apr_array_make(p, 0, sizeof(void *));
    if (complete
        && ((rv = pl_analysis_objectives(req->db, p, a->id, &objs)) != APR_SUCCESS
            || (rv = pl_analysis_recommendations(req->db, p, a->id, &recs)) != APR_SUCCESS))
        return mp_reply_status(req, rv, "analysis");
    proj = apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, a->project_id);
    w = mp_reply_writer(req, 1024 * (apr_size_t)(objs->nelts + recs->nelts + 2));
    pl_jsonw_object(w, NULL);
    write_analysis(w, p, "analysis", a);
    pl_jsonw_bool(w, "complete", complete);
    pl_jsonw_array(w, "objectives");
    for (i = 0; i < objs->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_objective_write(w, APR_ARRAY_IDX(objs, i, pl_analysis_objective_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_array(w, "recommendations");
    for (i = 0; i < recs->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_advice_write(w, APR_ARRAY_IDX(recs, i, pl_analysis_advice_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", analysis_href(p, a->id), "/results");
    if (complete) {
        pl_jsonw_link(w, "objectives", proj, apr_psprintf(p, "/objectives?analysis=%"
                                                          APR_INT64_T_FMT, a->id));
        pl_jsonw_link(w, "gaps", proj, apr_psprintf(p, "/gaps?analysis=%" APR_INT64_T_FMT,
                                                    a->id));
        pl_jsonw_link(w, "recommendations", proj, apr_psprintf(p, "/recommendations?analysis=%"
                                                               APR_INT64_T_FMT, a->id));
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_analyses_cache_begin(mp_req_t *req, apr_int64_t *rev, const char **key)
{
    request_rec *r = req->r;
    const char *etag, *inm, *text;
    apr_size_t len;
    apr_status_t rv;

    if ((rv = pl_analyses_revision(req->db, r->pool, rev)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "analysis");
        return 0;
    }
    etag = apr_psprintf(r->pool, "\"a%" APR_INT64_T_FMT "\"", *rev);
    apr_table_setn(r->headers_out, "ETag", etag);
    if ((inm = apr_table_get(r->headers_in, "If-None-Match"))
        && (ap_strstr_c(inm, etag) || !strcmp(inm, "*"))) {
        mp_reply_empty(req, HTTP_NOT_MODIFIED);
        return 0;
    }
    /* the page depends on the path and query only: the router checked the
     * caller may see the project */
    *key = apr_pstrcat(r->pool, "analyses|", r->unparsed_uri, NULL);
    if ((text = pl_cache_get(req->conf->rt->pages, *key, *rev, r->pool, &len))) {
        mp_reply_json_text(req, HTTP_OK, text, len);
        return 0;
    }
    return 1;
}

int api_analyses_cache_end(mp_req_t *req, apr_int64_t rev, const char *key, pl_jsonw_t *w)
{
    apr_size_t len;
    const char *text = pl_jsonw_text(w, &len);

    pl_cache_put(req->conf->rt->pages, key, rev, text, len);
    return mp_reply_json_text(req, HTTP_OK, text, len);
}

int api_projects_analyses(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t project = apr_atoi64(apr_table_get(req->params, "id")), total, rev;
    apr_array_header_t *items;
    apr_table_t *args;
    const char *key;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    if ((rv = pl_analyses_settle(req->db, p, project)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    if (!api_analyses_cache_begin(req, &rev, &key))
        return OK;
    if ((rv = pl_analyses_list(req->db, p, project, limit, offset, &items, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++)
        write_analysis(w, p, NULL, APR_ARRAY_IDX(items, i, pl_analysis_record_t *));
    pl_jsonw_end(w);
    mp_reply_page(w, p, apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT "/analyses",
                                     project), "", limit, offset, total);
    pl_jsonw_end(w);
    return api_analyses_cache_end(req, rev, key, w);
}
