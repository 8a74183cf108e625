/* SPDX-License-Identifier: Apache-2.0 */
/* The plan of a project's checkout (MASTER_PLAN.md at its root, any case)
 * with its versions: GET and PUT /projects/{id}/plan, .../plan/versions,
 * .../plan/versions/{n}, .../plan/diff?from=&to= and
 * POST .../plan/versions/{n}/restore. The file is the truth: every request
 * reads it (through pl_plan_current, inside the project's confinement) and
 * a change made on disk since the newest version becomes a version with no
 * author. The ETag is the SHA-256 of the file's bytes; a change needs
 * If-Match (or If-None-Match: * to create the file), a restore may give
 * one. A plan that does not parse still saves: it is the user's file, and
 * the reply lists its validation issues. */
#include <errno.h>

#include <apr_strings.h>

#include "api/api.h"
#include "mp_audit.h"
#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_diff.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define MESSAGE_MAX 1000   /* characters of a version's message */

static const char *plan_href(apr_pool_t *p, apr_int64_t project)
{
    return apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT "/plan", project);
}

static const char *etag_of(apr_pool_t *p, const pl_plan_current_t *cur)
{
    return apr_pstrcat(p, "\"", cur->hash, "\"", NULL);
}

enum { READ, HISTORY, CHANGE };

/* Why the plan of the project in the path cannot be read, as an error
 * reply; 0 when it can (*cur), or when history is asked for and only the
 * file is in the way: the versions are in the database and answer still
 * (*cur then names no file). Returns 1, or 0 after the error reply. */
static int load_plan(mp_req_t *req, pl_plan_current_t **cur, int mode)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
    pl_plan_version_t *newest;
    pl_project_t *proj;
    const char *dir, *why;
    apr_status_t rv;
    int lock;

    if ((rv = pl_store_project_get(req->db, p, id, &proj)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    if (pl_project_confine(p, req->conf->roots, proj->local_path, &dir, &why) != APR_SUCCESS) {
        rv = PL_ENOTFOUND;
        why = apr_pstrcat(p, "the project's local_path ", why, NULL);
    }
    else if (mode == CHANGE && pl_plan_file_lock(p, dir, &lock) != APR_SUCCESS) {
        rv = PL_ENOTFOUND;
        why = "the checkout's directory cannot be locked to change its plan";
    }
    else
        rv = pl_plan_current(req->db, p, id, dir, cur, &why);
    if (rv == APR_SUCCESS)
        return 1;
    if (mode == HISTORY && (rv == PL_ENOTFOUND || rv == PL_EFORBIDDEN || rv == PL_ETOOBIG
                    || rv == PL_EINVAL)) {
        *cur = apr_pcalloc(p, sizeof(**cur));
        (*cur)->project_id = id;
        rv = pl_plan_versions_newest(req->db, p, id, &newest);
        if (rv == APR_SUCCESS || rv == PL_ENOTFOUND) {
            (*cur)->version = rv == APR_SUCCESS ? newest->n : 0;
            return 1;
        }
    }
    if (rv == PL_EFORBIDDEN)
        mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_PLAN_UNSAFE, apr_pstrcat(
            p, "the plan file is not a file inside the checkout (", why ? why : "a symlink",
            "): it is neither read nor written", NULL), NULL);
    else if (rv == PL_ENOTFOUND || rv == PL_ETOOBIG || rv == PL_EINVAL)
        mp_reply_error(req, HTTP_CONFLICT, PL_ERR_PLAN_UNREADABLE, why, NULL);
    else
        mp_reply_status(req, rv, "plan");
    return 0;
}

static int load(mp_req_t *req, pl_plan_current_t **cur)
{
    return load_plan(req, cur, READ);
}

static int load_history(mp_req_t *req, pl_plan_current_t **cur)
{
    return load_plan(req, cur, HISTORY);
}

/* For a change: the checkout locked (pl_plan_file_lock) until the request
 * ends, so the If-Match check and the save are one step. */
static int load_to_change(mp_req_t *req, pl_plan_current_t **cur)
{
    return load_plan(req, cur, CHANGE);
}

/* The plan as GET answers it (and PUT and restore after a save). */
static int reply_plan(mp_req_t *req, int status, const pl_plan_current_t *cur)
{
    apr_pool_t *p = req->r->pool;
    const char *self = plan_href(p, cur->project_id), *etag = etag_of(p, cur);
    pl_plan_t *plan;
    pl_jsonw_t *w;
    apr_status_t rv;

    if ((rv = pl_plan_parse(p, cur->text, cur->len, &plan)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "plan");
    w = mp_reply_writer(req, 4 * cur->len + 4096);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", cur->name);
    pl_jsonw_str(w, "markdown", cur->text);
    pl_jsonw_int(w, "bytes", (apr_int64_t)cur->len);
    pl_jsonw_str(w, "etag", etag);
    pl_jsonw_int(w, "version", cur->version);
    pl_plan_write_members(w, plan);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", self, NULL);
    pl_jsonw_link(w, "versions", self, "/versions");
    pl_jsonw_link(w, "version", self, apr_psprintf(p, "/versions/%" APR_INT64_T_FMT,
                                                   cur->version));
    pl_jsonw_link(w, "project", apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT,
                                             cur->project_id), NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    apr_table_setn(req->r->headers_out, "ETag", etag);
    return mp_reply_json(req, status, w);
}

static int not_found(mp_req_t *req)
{
    return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_PLAN_NOT_FOUND,
                          "the checkout has no " PL_PLAN_FILE_NAME " at its root; create it"
                          " with PUT and If-None-Match: *", NULL);
}

/* Whether the list of entity tags in header names etag ("*" names any). */
static int etag_listed(apr_pool_t *p, const char *header, const char *etag)
{
    char *list = apr_pstrdup(p, header), *state, *tag;

    for (tag = apr_strtok(list, ", \t", &state); tag; tag = apr_strtok(NULL, ", \t", &state))
        if (!strcmp(tag, "*") || !strcmp(tag, etag))
            return 1;
    return 0;
}

int api_plan_get(mp_req_t *req)
{
    pl_plan_current_t *cur;
    const char *etag, *inm;

    if (!load(req, &cur))
        return OK;
    if (!cur->name)
        return not_found(req);
    etag = etag_of(req->r->pool, cur);
    if ((inm = apr_table_get(req->r->headers_in, "If-None-Match"))
        && etag_listed(req->r->pool, inm, etag)) {
        apr_table_setn(req->r->headers_out, "ETag", etag);
        return mp_reply_empty(req, HTTP_NOT_MODIFIED);
    }
    return reply_plan(req, HTTP_OK, cur);
}

/* The conditions of a change: If-None-Match: * only while there is no plan
 * file; If-Match with the current ETag otherwise (required when required,
 * else checked when given). Returns 1, or 0 after a 412 or 428. */
static int preconditions(mp_req_t *req, const pl_plan_current_t *cur, int required)
{
    apr_pool_t *p = req->r->pool;
    const char *im = apr_table_get(req->r->headers_in, "If-Match");
    const char *inm = apr_table_get(req->r->headers_in, "If-None-Match");

    if (inm && !strcmp(inm, "*") && !im) {
        if (!cur->name)
            return 1;
        mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED,
                       "If-None-Match: * creates a plan, and the checkout has one: read it"
                       " and send If-Match with its ETag", NULL);
        return 0;
    }
    if (!im) {
        if (!required)
            return 1;
        mp_reply_error(req, 428, PL_ERR_PRECONDITION_REQUIRED, cur->name
                       ? "send If-Match with the plan's ETag (from GET .../plan)"
                       : "the checkout has no plan: send If-None-Match: * to create it", NULL);
        return 0;
    }
    if (cur->name && etag_listed(p, im, etag_of(p, cur)))
        return 1;
    mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED, cur->name
                   ? "the plan has changed since that ETag: read it again"
                   : "the checkout has no plan: send If-None-Match: * to create it", NULL);
    return 0;
}

/* Writes text as the next version by the caller; replies with the plan. */
static int save(mp_req_t *req, pl_plan_current_t *cur, const char *text, apr_size_t len,
                const char *message, apr_int64_t restored_from)
{
    pl_plan_version_t *v = apr_pcalloc(req->r->pool, sizeof(*v));
    int created = !cur->name;
    const char *why;
    apr_status_t rv;

    v->author_id = req->caller.user ? req->caller.user->id : 0;
    v->message = message;
    v->restored_from = restored_from;
    rv = pl_plan_save(req->db, req->r->pool, cur, text, len, v, &why);
    if (rv == PL_EFORBIDDEN || rv == PL_EINVAL)
        return mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_PLAN_UNSAFE, apr_pstrcat(
            req->r->pool, "the plan file is not a file inside the checkout (",
            why ? why : "a symlink", "): nothing was written", NULL), NULL);
    if (rv != APR_SUCCESS && why && (APR_STATUS_IS_EACCES(rv) || rv == APR_FROM_OS_ERROR(EPERM)
                                     || rv == APR_FROM_OS_ERROR(EROFS))) {
        /* the checkout's own state, not the server's fault: said to the client */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, req->r, "PLN02102: %s at %s for project %"
                      APR_INT64_T_FMT ": let the httpd user write the checkout's directory to"
                      " edit its plan through the API", why, cur->path, cur->project_id);
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_PLAN_NOT_WRITABLE,
                              "the server may not write the checkout's directory: nothing was"
                              " written", NULL);
    }
    if (rv != APR_SUCCESS && why) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, req->r, "PLN02101: %s at %s for project %"
                      APR_INT64_T_FMT ": check that its disk has room and the directory is"
                      " sound", why, cur->path, cur->project_id);
        return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                              "the plan file could not be written", NULL);
    }
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "plan version");
    mp_audit(req, restored_from ? "plan.restore" : "plan.save", NULL, 0, "project",
             cur->project_id, 1);
    return reply_plan(req, created ? HTTP_CREATED : HTTP_OK, cur);
}

/* PUT {"markdown": "...", "message": "why"}: the whole file. */
int api_plan_put(mp_req_t *req)
{
    static const char *const FIELDS[] = { "markdown", "message", NULL };
    const char *markdown, *message = NULL;
    pl_plan_current_t *cur;
    apr_size_t len;

    if (!mp_request_only_fields(req, FIELDS))
        return OK;
    if (!(markdown = pl_json_get_str(req->body, "markdown")))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "markdown is required: the whole plan as a string", "markdown");
    switch (pl_json_type_of(req->body, "message")) {
    case PL_JSON_ABSENT:
    case PL_JSON_NULL:
        break;
    case PL_JSON_STRING:
        message = pl_json_get_str(req->body, "message");
        if (strlen(message) <= MESSAGE_MAX)
            break;
        /* fall through */
    default:
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, apr_psprintf(
            req->r->pool, "message must be a string of at most %d bytes", MESSAGE_MAX),
            "message");
    }
    /* before the disk is touched: nothing is read, written or recorded */
    if ((len = strlen(markdown)) > PL_PLAN_MAX_BYTES)
        return mp_reply_error(req, HTTP_REQUEST_ENTITY_TOO_LARGE, PL_ERR_PLAN_TOO_LARGE,
                              apr_psprintf(req->r->pool, "the plan is %" APR_SIZE_T_FMT
                                           " bytes, over the cap of %d: nothing was written",
                                           len, PL_PLAN_MAX_BYTES), "markdown");
    if (!load_to_change(req, &cur) || !preconditions(req, cur, 1))
        return OK;
    return save(req, cur, markdown, len, message, 0);
}

static const char *versions_href(apr_pool_t *p, apr_int64_t project)
{
    return apr_pstrcat(p, plan_href(p, project), "/versions", NULL);
}

static void write_version(pl_jsonw_t *w, apr_pool_t *p, const pl_plan_version_t *v)
{
    pl_jsonw_object(w, NULL);
    pl_plan_version_write(w, v);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", versions_href(p, v->project_id),
                  apr_psprintf(p, "/%" APR_INT64_T_FMT, v->n));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

int api_plan_versions_list(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *items;
    apr_table_t *args;
    apr_int64_t total;
    pl_plan_current_t *cur;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset) || !load_history(req, &cur))
        return OK;
    rv = pl_plan_versions_list(req->db, p, cur->project_id, limit, offset, &items, &total);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "plan version");
    w = mp_reply_writer(req, 512 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "current", cur->version);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++)
        write_version(w, p, APR_ARRAY_IDX(items, i, const pl_plan_version_t *));
    pl_jsonw_end(w);
    mp_reply_page(w, p, versions_href(p, cur->project_id), "", limit, offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* Version n of the plan; 0 after a 404 naming it. */
static int version_of(mp_req_t *req, apr_int64_t project, apr_int64_t n, pl_plan_version_t **v)
{
    apr_status_t rv = pl_plan_versions_get(req->db, req->r->pool, project, n, v);

    if (rv == APR_SUCCESS)
        return 1;
    mp_reply_status(req, rv, apr_psprintf(req->r->pool, "plan version %" APR_INT64_T_FMT, n));
    return 0;
}

static int route_version(mp_req_t *req, int mode, pl_plan_current_t **cur,
                         pl_plan_version_t **v)
{
    apr_int64_t n;

    return mp_request_param_id(req, "version", "plan version", &n) && load_plan(req, cur, mode)
           && version_of(req, (*cur)->project_id, n, v);
}

int api_plan_versions_get(mp_req_t *req)
{
    pl_plan_current_t *cur;
    pl_plan_version_t *v;
    pl_jsonw_t *w;

    if (!route_version(req, HISTORY, &cur, &v))
        return OK;
    w = mp_reply_writer(req, 2 * strlen(v->markdown) + 1024);
    pl_jsonw_object(w, NULL);
    pl_plan_version_write(w, v);
    pl_jsonw_bool(w, "current", v->n == cur->version);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", versions_href(req->r->pool, v->project_id),
                  apr_psprintf(req->r->pool, "/%" APR_INT64_T_FMT, v->n));
    pl_jsonw_link(w, "versions", versions_href(req->r->pool, v->project_id), NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* An old version written back as the newest: If-Match is optional (the
 * caller names the content it wants exactly), and checked when given. */
int api_plan_versions_restore(mp_req_t *req)
{
    pl_plan_current_t *cur;
    pl_plan_version_t *v;

    if (!route_version(req, CHANGE, &cur, &v) || !preconditions(req, cur, 0))
        return OK;
    return save(req, cur, v->markdown, strlen(v->markdown),
                apr_psprintf(req->r->pool, "restored version %" APR_INT64_T_FMT, v->n), v->n);
}

/* A positive version number from the query; 0 after a 400 naming it. */
static int query_version(mp_req_t *req, apr_table_t *args, const char *name, apr_int64_t *n)
{
    const char *s = apr_table_get(args, name);
    char *end;

    errno = 0;
    if (s && *s && (*n = apr_strtoi64(s, &end, 10)) > 0 && !*end && errno != ERANGE)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, apr_pstrcat(
        req->r->pool, name, " must be a version number (1 or more)", NULL), name);
    return 0;
}

/* ?from=N&to=M[&format=text]: a unified diff, as JSON {from, to, diff}
 * or, with format=text, as text/x-diff. */
int api_plan_diff(mp_req_t *req)
{
    static const char *const KNOWN[] = { "from", "to", "format", NULL };
    apr_pool_t *p = req->r->pool;
    const apr_array_header_t *keys;
    apr_table_t *args;
    apr_int64_t from, to;
    pl_plan_current_t *cur;
    pl_plan_version_t *a, *b;
    const char *format, *diff;
    apr_size_t len;
    pl_jsonw_t *w;
    int i, j;

    ap_args_to_table(req->r, &args);
    keys = apr_table_elts(args);
    for (i = 0; i < keys->nelts; i++) {
        const char *key = APR_ARRAY_IDX(keys, i, apr_table_entry_t).key;
        for (j = 0; KNOWN[j] && strcmp(KNOWN[j], key); j++)
            ;
        if (!KNOWN[j])
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, apr_pstrcat(
                p, key, " is not a parameter of the diff (from, to, format)", NULL), key);
    }
    format = apr_table_get(args, "format");
    if (format && strcmp(format, "json") && strcmp(format, "text"))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "format must be json or text", "format");
    if (!query_version(req, args, "from", &from) || !query_version(req, args, "to", &to)
        || !load_history(req, &cur) || !version_of(req, cur->project_id, from, &a)
        || !version_of(req, cur->project_id, to, &b))
        return OK;
    if (pl_plan_diff(p, a->markdown, strlen(a->markdown), b->markdown, strlen(b->markdown),
                     cur->name ? cur->name : PL_PLAN_FILE_NAME,
                     cur->name ? cur->name : PL_PLAN_FILE_NAME, &diff, &len) != APR_SUCCESS)
        return mp_reply_status(req, PL_EINVAL, "plan diff");
    if (format && !strcmp(format, "text"))
        return mp_reply_body(req, HTTP_OK, "text/x-diff; charset=utf-8", diff, len);
    w = mp_reply_writer(req, 2 * len + 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "from", from);
    pl_jsonw_int(w, "to", to);
    pl_jsonw_str(w, "diff", diff);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "from", versions_href(p, cur->project_id),
                  apr_psprintf(p, "/%" APR_INT64_T_FMT, from));
    pl_jsonw_link(w, "to", versions_href(p, cur->project_id),
                  apr_psprintf(p, "/%" APR_INT64_T_FMT, to));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

void api_plan_notice(mp_req_t *req, apr_int64_t project)
{
    apr_pool_t *p = req->r->pool;
    pl_plan_current_t *cur;
    pl_project_t *proj;
    const char *dir, *why;

    /* best effort: the analysis reports its own trouble with the plan */
    if (pl_store_project_get(req->db, p, project, &proj) == APR_SUCCESS
        && pl_project_confine(p, req->conf->roots, proj->local_path, &dir, &why) == APR_SUCCESS)
        (void)pl_plan_current(req->db, p, project, dir, &cur, &why);
}
