/* SPDX-License-Identifier: Apache-2.0 */
/* The results of a project's analysis as resources: objectives (flat or as
 * the plan's tree), one objective with its tasks, evidence and the history
 * of its verdict, the gaps, the recommendations. From the newest complete
 * analysis, or ?analysis=ID. A project with no complete analysis answers
 * 404 NO_ANALYSIS. The analyses are few and small (a plan's objectives),
 * so filters and paging run over the rows of one analysis in memory. */
#include <stdlib.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "api_analyses.h"
#include "analyses/pl_analysis_filter.h"
#include "analyses/pl_analysis_results.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define Q_MAX      200    /* characters of a search */
#define TREE_DEPTH 16     /* levels of nesting written; deeper ones are left out */

static const char *const LEVELS[] = { "primary", "secondary", "tertiary", NULL };
static const char *const VERDICTS[] = { PL_VERDICT_DONE, PL_VERDICT_PARTIAL, PL_VERDICT_MISSING,
                                        NULL };
static const char *const EFFORTS[] = { "small", "medium", "large", NULL };

static apr_int64_t project_of(const mp_req_t *req)
{
    return apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
}

static const char *project_href(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT, id);
}

/* The query parameter name, when present, among allowed (NULL-terminated).
 * Returns 1 (with *out NULL when absent), or 0 after a 400. */
static int one_of(mp_req_t *req, apr_table_t *args, const char *name,
                  const char *const *allowed, const char **out)
{
    const char *v = apr_table_get(args, name), *const *a, *list = NULL;

    *out = v;
    if (!v)
        return 1;
    for (a = allowed; *a; a++) {
        if (!strcmp(v, *a))
            return 1;
        list = list ? apr_pstrcat(req->r->pool, list, ", ", *a, NULL) : *a;
    }
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   apr_pstrcat(req->r->pool, name, " must be one of ", list, NULL), name);
    return 0;
}

/* The analysis the results come from: ?analysis=ID of this project, or the
 * newest complete one. Returns 1, or 0 after the reply. */
static int pick(mp_req_t *req, apr_table_t *args, pl_analysis_record_t **a)
{
    const char *s = apr_table_get(args, "analysis");
    apr_int64_t id;
    apr_status_t rv;

    if (s) {
        if (pl_text_int(s, 1, APR_INT64_MAX, &id) != APR_SUCCESS) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           "analysis must be the id of an analysis", "analysis");
            return 0;
        }
        rv = pl_analyses_get(req->db, req->r->pool, id, a);
        if (rv == APR_SUCCESS && (*a)->project_id != project_of(req))
            rv = PL_ENOTFOUND;
        if (rv != APR_SUCCESS) {
            mp_reply_status(req, rv, "analysis");
            return 0;
        }
        if (strcmp((*a)->state, PL_ANALYSIS_COMPLETE)) {
            mp_reply_error(req, HTTP_CONFLICT, PL_ERR_ANALYSIS_NOT_COMPLETE, apr_pstrcat(
                req->r->pool, "analysis ", s, " is ", (*a)->state, ", not complete", NULL),
                "analysis");
            return 0;
        }
        return 1;
    }
    rv = pl_analyses_latest(req->db, req->r->pool, project_of(req), a);
    if (rv == PL_ENOTFOUND)
        mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NO_ANALYSIS, "the project has no complete analysis"
                       " yet: start one with POST .../analyze", NULL);
    else if (rv != APR_SUCCESS)
        mp_reply_status(req, rv, "analysis");
    return rv == APR_SUCCESS;
}

static void write_objective_links(pl_jsonw_t *w, apr_pool_t *p, const char *proj,
                                  const pl_analysis_objective_t *o)
{
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", proj, apr_pstrcat(p, "/objectives/",
                                               ap_escape_path_segment(p, o->id), NULL));
    pl_jsonw_end(w);
}

/* o and, in a tree, the objectives of set whose parent it is. */
static void write_node(pl_jsonw_t *w, apr_pool_t *p, const char *proj,
                       const apr_array_header_t *set, const pl_analysis_objective_t *o,
                       int depth)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_analysis_objective_write(w, o);
    write_objective_links(w, p, proj, o);
    if (depth >= 0) {
        pl_jsonw_array(w, "children");
        for (i = 0; depth < TREE_DEPTH && i < set->nelts; i++) {
            const pl_analysis_objective_t *c = APR_ARRAY_IDX(set, i, pl_analysis_objective_t *);
            if (c->parent && !strcmp(c->parent, o->id) && c != o)
                write_node(w, p, proj, set, c, depth + 1);
        }
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}

static int in_set(const apr_array_header_t *set, const char *id)
{
    int i;

    for (i = 0; id && i < set->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(set, i, pl_analysis_objective_t *)->id, id))
            return 1;
    return 0;
}

/* A query string of the filters given, for the paging links. */
static const char *filters_query(apr_pool_t *p, apr_table_t *args, const char *const *names)
{
    const char *q = "", *v;

    for (; *names; names++)
        if ((v = apr_table_get(args, *names)))
            q = apr_pstrcat(p, q, "&", *names, "=", ap_escape_urlencoded(p, v), NULL);
    return q;
}

/* The list members of a reply over items[offset, offset+limit). */
static void write_page_of(pl_jsonw_t *w, apr_pool_t *p, const char *proj, const char *path,
                          apr_table_t *args, const char *const *names,
                          const apr_array_header_t *set, const apr_array_header_t *items,
                          int tree, int limit, int offset, const pl_analysis_record_t *a)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_array(w, "items");
    for (i = offset; i < items->nelts && i < offset + limit; i++)
        write_node(w, p, proj, set, APR_ARRAY_IDX(items, i, pl_analysis_objective_t *),
                   tree ? 0 : -1);
    pl_jsonw_end(w);
    mp_reply_page(w, p, apr_pstrcat(p, proj, path, NULL), filters_query(p, args, names), limit,
                  offset, items->nelts);
    pl_jsonw_end(w);
}

static int bad_q(mp_req_t *req, const char *q)
{
    if (!q || (*q && pl_text_utf8_chars(q) <= Q_MAX && !pl_text_has_ctl(q)))
        return 0;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   "q must be 1 to 200 characters of text", "q");
    return 1;
}

int api_objectives_list(mp_req_t *req)
{
    static const char *const NAMES[] = { "view", "level", "classification", "q", "analysis", NULL };
    static const char *const VIEWS[] = { "flat", "tree", NULL };
    apr_pool_t *p = req->r->pool;
    pl_analysis_filter_t f = { NULL, NULL, NULL, 0 };
    pl_analysis_record_t *a;
    apr_array_header_t *all, *set, *roots;
    apr_table_t *args;
    apr_int64_t rev;
    const char *view, *key, *proj = project_href(p, project_of(req));
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, tree, i;

    if (!mp_request_paging(req, &args, &limit, &offset) || !one_of(req, args, "view", VIEWS, &view)
        || !one_of(req, args, "level", LEVELS, &f.level)
        || !one_of(req, args, "classification", VERDICTS, &f.classification))
        return OK;
    f.q = apr_table_get(args, "q");
    if (bad_q(req, f.q) || !api_analyses_cache_begin(req, &rev, &key) || !pick(req, args, &a))
        return OK;
    if ((rv = pl_analysis_objectives(req->db, p, a->id, &all)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    set = pl_analysis_objectives_filter(p, all, &f);
    tree = view && !strcmp(view, "tree");
    roots = set;
    if (tree) {   /* pages of the top of the tree: an objective whose parent is not shown */
        roots = apr_array_make(p, set->nelts + 1, sizeof(pl_analysis_objective_t *));
        for (i = 0; i < set->nelts; i++) {
            pl_analysis_objective_t *o = APR_ARRAY_IDX(set, i, pl_analysis_objective_t *);
            if (!in_set(set, o->parent))
                APR_ARRAY_PUSH(roots, pl_analysis_objective_t *) = o;
        }
    }
    w = mp_reply_writer(req, 1024 * (apr_size_t)(set->nelts + 1));
    write_page_of(w, p, proj, "/objectives", args, NAMES, set, roots, tree, limit, offset, a);
    return api_analyses_cache_end(req, rev, key, w);
}

int api_gaps_list(mp_req_t *req)
{
    static const char *const NAMES[] = { "level", "analysis", NULL };
    apr_pool_t *p = req->r->pool;
    pl_analysis_filter_t f = { NULL, NULL, NULL, 1 };
    pl_analysis_record_t *a;
    apr_array_header_t *all, *set;
    apr_table_t *args;
    apr_int64_t rev;
    const char *key, *proj = project_href(p, project_of(req));
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i, j;

    if (!mp_request_paging(req, &args, &limit, &offset)
        || !one_of(req, args, "level", LEVELS, &f.level)
        || !api_analyses_cache_begin(req, &rev, &key) || !pick(req, args, &a))
        return OK;
    if ((rv = pl_analysis_objectives(req->db, p, a->id, &all)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    set = pl_analysis_objectives_filter(p, all, &f);
    /* by severity, most severe first; in plan order within one (stable) */
    for (i = 1; i < set->nelts; i++)
        for (j = i; j > 0; j--) {
            pl_analysis_objective_t **e = (pl_analysis_objective_t **)set->elts;
            if (e[j - 1]->severity >= e[j]->severity)
                break;
            {
                pl_analysis_objective_t *t = e[j - 1];
                e[j - 1] = e[j];
                e[j] = t;
            }
        }
    w = mp_reply_writer(req, 1024 * (apr_size_t)(set->nelts + 1));
    write_page_of(w, p, proj, "/gaps", args, NAMES, set, set, 0, limit, offset, a);
    return api_analyses_cache_end(req, rev, key, w);
}

int api_objectives_get(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    const char *oid = apr_table_get(req->params, "objective");
    const char *proj = project_href(p, project_of(req));
    pl_analysis_record_t *a;
    pl_analysis_objective_t *o;
    apr_array_header_t *history;
    apr_table_t *args;
    pl_jsonw_t *w;
    apr_status_t rv;

    ap_args_to_table(req->r, &args);
    if (!pick(req, args, &a))
        return OK;
    if ((rv = pl_analysis_objective(req->db, p, a->id, oid, &o)) != APR_SUCCESS
        || (rv = pl_analysis_objective_history(req->db, p, a->project_id, oid, &history))
           != APR_SUCCESS)
        return mp_reply_status(req, rv, "objective");
    w = mp_reply_writer(req, 4096);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_analysis_objective_detail_write(w, o, history);
    write_objective_links(w, p, proj, o);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_recommendations_list(mp_req_t *req)
{
    static const char *const NAMES[] = { "priority_min", "type", "effort", "analysis", NULL };
    apr_pool_t *p = req->r->pool;
    pl_analysis_record_t *a;
    apr_array_header_t *all, *set;
    apr_table_t *args;
    apr_int64_t rev, prio = 0;
    const char *key, *type, *effort, *s, *proj = project_href(p, project_of(req));
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset)
        || !one_of(req, args, "effort", EFFORTS, &effort))
        return OK;
    if ((s = apr_table_get(args, "priority_min")) && pl_text_int(s, 0, 100, &prio) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "priority_min must be a whole number from 0 to 100", "priority_min");
    type = apr_table_get(args, "type");
    for (s = type; s && *s && (apr_islower(*s) || *s == '_'); s++)
        ;
    if (type && (!*type || *s || strlen(type) > 64))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "type must be a recommendation type such as implement", "type");
    if (!api_analyses_cache_begin(req, &rev, &key) || !pick(req, args, &a))
        return OK;
    if ((rv = pl_analysis_recommendations(req->db, p, a->id, &all)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "analysis");
    set = apr_array_make(p, all->nelts + 1, sizeof(pl_analysis_advice_t *));
    for (i = 0; i < all->nelts; i++) {
        pl_analysis_advice_t *r = APR_ARRAY_IDX(all, i, pl_analysis_advice_t *);
        if (r->priority >= prio && (!type || !strcmp(r->type, type))
            && (!effort || (r->effort && !strcmp(r->effort, effort))))
            APR_ARRAY_PUSH(set, pl_analysis_advice_t *) = r;
    }
    w = mp_reply_writer(req, 1024 * (apr_size_t)(set->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_array(w, "items");
    for (i = offset; i < set->nelts && i < offset + limit; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_advice_write(w, APR_ARRAY_IDX(set, i, pl_analysis_advice_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, p, apr_pstrcat(p, proj, "/recommendations", NULL),
                  filters_query(p, args, NAMES), limit, offset, set->nelts);
    pl_jsonw_end(w);
    return api_analyses_cache_end(req, rev, key, w);
}
