/* SPDX-License-Identifier: Apache-2.0 */
/* Progress over time (issue 13 item 3): GET /projects/{id}/snapshots (every
 * complete analysis), .../trends (the burn-up series, the last snapshot of
 * each day, week or month), and two pictures of it rendered here,
 * .../badge.svg and .../trends.svg. The lists are read like the project's
 * other results (viewers and up; the router checked). The pictures are
 * public routes that decide themselves: anyone, when the project's admin
 * opened them (PUT .../badge {"public": true}); otherwise whoever may read
 * the project, and a 404 for everyone else, credentials or none, so a
 * private project's existence does not show. */
#include <apr_strings.h>

#include "api_analyses.h"
#include "mp_auth.h"
#include "mp_router.h"
#include "analyses/pl_schedule.h"
#include "analyses/pl_snapshot_svg.h"
#include "analyses/pl_snapshots.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

/* The pictures keep every reply's policy, default-src 'none';
 * frame-ancestors 'none': they are drawn with presentation attributes
 * only (fill, stroke, font-family), never a style element or attribute,
 * and CSP does not count presentation attributes as inline style, so no
 * 'unsafe-inline' is needed; <img> in a README is not framing. */

static apr_int64_t project_id(mp_req_t *req)
{
    apr_int64_t id = 0;

    pl_text_int(apr_table_get(req->params, "id"), 1, APR_INT64_MAX, &id);
    return id;
}

static const char *project_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, id);
}

/* A query parameter outside known (NULL-terminated) is refused: a typo in
 * "interval" must not silently give the default. Returns 1, or 0 after a 400. */
static int only_query(mp_req_t *req, apr_table_t *args, const char *const *known)
{
    const apr_array_header_t *arr = apr_table_elts(args);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const char *const *k;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        for (k = known; *k && strcmp(*k, e[i].key); k++)
            ;
        if (!*k) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           apr_psprintf(req->r->pool, "%s is not a parameter of this list",
                                        e[i].key), e[i].key);
            return 0;
        }
    }
    return 1;
}

static int bad(mp_req_t *req, const char *field, const char *why)
{
    return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                          apr_pstrcat(req->r->pool, field, " ", why, NULL), field);
}

int api_snapshots_list(mp_req_t *req)
{
    static const char *const KNOWN[] = { "limit", "offset", NULL };
    apr_pool_t *p = req->r->pool;
    apr_int64_t project = project_id(req), total, rev;
    apr_array_header_t *items;
    apr_table_t *args;
    const char *key, *proj = project_href(p, project);
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset) || !only_query(req, args, KNOWN))
        return OK;
    if ((rv = pl_analyses_settle(req->db, p, project)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    if (!api_analyses_cache_begin(req, &rev, &key))
        return OK;
    if ((rv = pl_snapshots_list(req->db, p, project, limit, offset, &items, &total))
        != APR_SUCCESS)
        return mp_reply_status(req, rv, "snapshot");
    w = mp_reply_writer(req, 512 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++) {
        const pl_snapshot_t *s = APR_ARRAY_IDX(items, i, pl_snapshot_t *);
        const char *an = apr_psprintf(p, MP_API_BASE "/analyses/%" APR_INT64_T_FMT, s->a->id);
        pl_jsonw_object(w, NULL);
        pl_snapshot_write(w, s);
        pl_jsonw_object(w, "_links");
        pl_jsonw_link(w, "analysis", an, NULL);
        pl_jsonw_link(w, "results", an, "/results");
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, p, apr_pstrcat(p, proj, "/snapshots", NULL), "", limit, offset, total);
    pl_jsonw_end(w);
    return api_analyses_cache_end(req, rev, key, w);
}

typedef struct {
    const char *from, *to;            /* as given (NULL: open) */
    const char *from_t, *to_t;        /* bounds in the stored form */
    const char *interval_name;
    pl_trend_interval_e interval;
} trend_query_t;

/* from, to and interval of the query. Returns 1, or 0 after a 400. */
static int trend_query(mp_req_t *req, trend_query_t *q)
{
    static const char *const KNOWN[] = { "from", "to", "interval", NULL };
    apr_pool_t *p = req->r->pool;
    apr_table_t *args = NULL;
    apr_time_t from = 0, to = 0;

    memset(q, 0, sizeof(*q));
    ap_args_to_table(req->r, &args);
    if (!only_query(req, args, KNOWN))
        return 0;
    q->interval_name = apr_table_get(args, "interval");
    if (!q->interval_name)
        q->interval_name = "day";
    if (!pl_trend_interval_parse(q->interval_name, &q->interval))
        return bad(req, "interval", "must be day, week or month"), 0;
    if ((q->from = apr_table_get(args, "from"))) {
        if (pl_trend_date_parse(q->from, 0, &from) != APR_SUCCESS)
            return bad(req, "from", "must be a date (YYYY-MM-DD) or an RFC 3339 time"), 0;
        q->from_t = pl_time_rfc3339(p, from);
    }
    if ((q->to = apr_table_get(args, "to"))) {
        if (pl_trend_date_parse(q->to, 1, &to) != APR_SUCCESS)
            return bad(req, "to", "must be a date (YYYY-MM-DD) or an RFC 3339 time"), 0;
        q->to_t = pl_time_rfc3339(p, to);
    }
    if (q->from && q->to && from >= to)
        return bad(req, "from", "must be before to"), 0;
    return 1;
}

/* The query again, for the links (only what was given). */
static const char *trend_args(apr_pool_t *p, const trend_query_t *q)
{
    return apr_pstrcat(p, "?interval=", q->interval_name,
                       q->from ? "&from=" : "", q->from ? ap_escape_uri(p, q->from) : "",
                       q->to ? "&to=" : "", q->to ? ap_escape_uri(p, q->to) : "", NULL);
}

static apr_status_t series(mp_req_t *req, const trend_query_t *q, apr_array_header_t **points)
{
    apr_array_header_t *snaps;
    apr_status_t rv = pl_snapshots_range(req->db, req->r->pool, project_id(req), q->from_t,
                                         q->to_t, &snaps);

    if (rv == APR_SUCCESS)
        *points = pl_trend_series(req->r->pool, snaps, q->interval);
    return rv;
}

int api_trends_get(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t rev;
    apr_array_header_t *points;
    const char *key, *proj = project_href(p, project_id(req));
    trend_query_t q;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!trend_query(req, &q))
        return OK;
    if ((rv = pl_analyses_settle(req->db, p, project_id(req))) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    if (!api_analyses_cache_begin(req, &rev, &key))
        return OK;
    if ((rv = series(req, &q, &points)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "snapshot");
    w = mp_reply_writer(req, 512 * (apr_size_t)(points->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "interval", q.interval_name);
    pl_jsonw_str(w, "from", q.from_t);
    pl_jsonw_str(w, "to", q.to_t);
    pl_jsonw_array(w, "points");
    for (i = 0; i < points->nelts; i++) {
        const pl_snapshot_t *s = APR_ARRAY_IDX(points, i, pl_snapshot_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "period", s->period);
        pl_snapshot_write(w, s);
        pl_jsonw_bool(w, "regressed", s->regressed);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", proj, apr_pstrcat(p, "/trends", trend_args(p, &q), NULL));
    pl_jsonw_link(w, "chart", proj, apr_pstrcat(p, "/trends.svg", trend_args(p, &q), NULL));
    pl_jsonw_link(w, "snapshots", proj, "/snapshots");
    pl_jsonw_link(w, "project", proj, NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return api_analyses_cache_end(req, rev, key, w);
}

/* May this request see the project's pictures? *public_badge tells how
 * they may be cached. Returns 1, or 0 after the reply. */
static int picture_access(mp_req_t *req, int *public_badge)
{
    apr_int64_t id = project_id(req);
    pl_schedule_t *s;
    apr_status_t rv;

    if (id && (rv = pl_schedule_get(req->db, req->r->pool, id, &s)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    *public_badge = id && s->public_badge;
    if (*public_badge)
        return 1;
    if (!mp_auth_identify(req))
        return 0;
    if (!req->caller.user) {   /* not 401: a private project's existence does not show */
        mp_reply_status(req, PL_ENOTFOUND, "project");
        return 0;
    }
    return mp_router_project_access(req, id, MP_PERM_READ, "project");
}

/* The picture, with an ETag of the analyses' revision: a new snapshot (or
 * a different query, another URL) is a new picture. */
static int reply_svg(mp_req_t *req, int public_badge, apr_int64_t rev, const char *svg)
{
    request_rec *r = req->r;
    const char *etag = apr_psprintf(r->pool, "\"s%" APR_INT64_T_FMT "%s\"", rev,
                                    public_badge ? "p" : "");
    const char *inm = apr_table_get(r->headers_in, "If-None-Match");

    apr_table_setn(r->err_headers_out, "Cache-Control",
                   public_badge ? "public, max-age=300" : "private, max-age=60");
    apr_table_setn(r->headers_out, "ETag", etag);
    if (inm && (ap_strstr_c(inm, etag) || !strcmp(inm, "*")))
        return mp_reply_empty(req, HTTP_NOT_MODIFIED);
    return mp_reply_body(req, HTTP_OK, "image/svg+xml; charset=utf-8", svg, strlen(svg));
}

int api_badge_svg(mp_req_t *req)
{
    pl_analysis_record_t *a = NULL;
    apr_int64_t rev;
    apr_status_t rv;
    int public_badge;

    if (!picture_access(req, &public_badge))
        return OK;
    if ((rv = pl_analyses_revision(req->db, req->r->pool, &rev)) != APR_SUCCESS
        || ((rv = pl_analyses_latest(req->db, req->r->pool, project_id(req), &a)) != APR_SUCCESS
            && rv != PL_ENOTFOUND))
        return mp_reply_status(req, rv, "analysis");
    return reply_svg(req, public_badge, rev,
                     pl_svg_badge(req->r->pool, "plan", a ? a->observed : -1));
}

int api_trends_svg(mp_req_t *req)
{
    apr_array_header_t *points;
    apr_int64_t rev;
    trend_query_t q;
    apr_status_t rv;
    int public_badge;

    if (!picture_access(req, &public_badge) || !trend_query(req, &q))
        return OK;
    if ((rv = pl_analyses_revision(req->db, req->r->pool, &rev)) != APR_SUCCESS
        || (rv = series(req, &q, &points)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "snapshot");
    return reply_svg(req, public_badge, rev,
                     pl_svg_trend_chart(req->r->pool, "plan: claimed and observed completion",
                                        points));
}
