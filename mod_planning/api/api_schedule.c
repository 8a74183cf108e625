/* SPDX-License-Identifier: Apache-2.0 */
/* A project's snapshot settings (issue 13 items 3 and 5):
 *   GET/PUT /projects/{id}/schedule  {"interval": "6h" | "off" | null}: how
 *     often the job runner analyses it (null: PlanningAnalysisSchedule's
 *     default); developers set it, viewers read it. Setting it checks at
 *     once.
 *   GET/PUT /projects/{id}/badge     {"public": true}: whether badge.svg and
 *     trends.svg are served to anyone; the project's admin decides (what
 *     the world may see of a project is the admin's, as archiving is). */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "mp_config.h"
#include "analyses/pl_schedule.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

static apr_int64_t project_id(mp_req_t *req)
{
    apr_int64_t id = 0;

    pl_text_int(apr_table_get(req->params, "id"), 1, APR_INT64_MAX, &id);
    return id;
}

static int reply_schedule(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    const char *proj = apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, id);
    int dflt = req->conf->analysis_schedule, minutes;
    pl_schedule_t *s;
    pl_jsonw_t *w;
    apr_status_t rv;

    if ((rv = pl_schedule_get(req->db, p, id, &s)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "schedule");
    minutes = s->interval >= 0 ? s->interval : dflt;
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "project_id", id);
    pl_jsonw_str(w, "interval", pl_schedule_interval_text(p, minutes));
    pl_jsonw_int(w, "interval_minutes", minutes);
    pl_jsonw_str(w, "source", s->interval >= 0 ? "project" : "default");
    pl_jsonw_str(w, "default", pl_schedule_interval_text(p, dflt));
    pl_jsonw_str(w, "next_check_at", minutes <= 0 ? NULL
                 : pl_time_rfc3339(p, apr_time_from_sec(s->next_check_at > 0 ? s->next_check_at
                                                        : apr_time_sec(apr_time_now()))));
    pl_jsonw_str(w, "last_check_at", s->last_check_at);
    pl_jsonw_str(w, "last_outcome", s->last_outcome);
    pl_jsonw_id(w, "last_analysis_id", s->last_analysis_id);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", proj, "/schedule");
    pl_jsonw_link(w, "project", proj, NULL);
    pl_jsonw_link(w, "analyses", proj, "/analyses");
    if (s->last_analysis_id)
        pl_jsonw_link(w, "last_analysis", apr_psprintf(p, MP_API_BASE "/analyses/%"
                                                       APR_INT64_T_FMT, s->last_analysis_id),
                      NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_schedule_get(mp_req_t *req)
{
    return reply_schedule(req);
}

int api_schedule_put(mp_req_t *req)
{
    static const char *const FIELDS[] = { "interval", NULL };
    const char *why;
    apr_status_t rv;
    int minutes = -1;

    if (!mp_request_only_fields(req, FIELDS))
        return OK;
    switch (pl_json_type_of(req->body, "interval")) {
    case PL_JSON_NULL:
        break;   /* back to the default */
    case PL_JSON_STRING:
        if (pl_schedule_interval_parse(pl_json_get_str(req->body, "interval"), &minutes, &why))
            break;
        /* fall through */
    default:
        if (pl_json_type_of(req->body, "interval") != PL_JSON_STRING)
            why = pl_json_type_of(req->body, "interval") == PL_JSON_ABSENT ? "is required"
                  : "must be a string such as \"6h\", \"off\", or null for the default";
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              apr_pstrcat(req->r->pool, "interval ", why, NULL), "interval");
    }
    if ((rv = pl_schedule_set_interval(req->db, req->r->pool, project_id(req), minutes))
        != APR_SUCCESS)
        return mp_reply_status(req, rv, "schedule");
    mp_audit(req, "project.schedule", NULL, 0, "project", project_id(req), 1);
    return reply_schedule(req);
}

static int reply_badge(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    const char *proj = apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT,
                                    project_id(req));
    pl_schedule_t *s;
    pl_jsonw_t *w;
    apr_status_t rv;

    if ((rv = pl_schedule_get(req->db, p, project_id(req), &s)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "badge");
    w = mp_reply_writer(req, 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_bool(w, "public", s->public_badge);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", proj, "/badge");
    pl_jsonw_link(w, "badge", proj, "/badge.svg");
    pl_jsonw_link(w, "chart", proj, "/trends.svg");
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_badge_get(mp_req_t *req)
{
    return reply_badge(req);
}

int api_badge_put(mp_req_t *req)
{
    static const char *const FIELDS[] = { "public", NULL };
    apr_status_t rv;

    if (!mp_request_only_fields(req, FIELDS))
        return OK;
    if (pl_json_type_of(req->body, "public") != PL_JSON_BOOL)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "public must be true or false", "public");
    if ((rv = pl_schedule_set_public(req->db, req->r->pool, project_id(req),
                                     pl_json_is_true(req->body, "public"))) != APR_SUCCESS)
        return mp_reply_status(req, rv, "badge");
    mp_audit(req, "project.badge", NULL, 0, "project", project_id(req), 1);
    return reply_badge(req);
}
