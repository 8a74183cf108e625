/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/threads: a user's chat threads. Threads are per user: another
 * user's thread does not exist for the caller. */
#include <apr_strings.h>

#include "api.h"
#include "api_threads.h"
#include "chat/pl_chat_defaults.h"
#include "auth/pl_members.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_thread_search.h"

int api_threads_load(mp_req_t *req, pl_thread_t **t)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "thread", "thread", &id))
        return 0;
    /* another user's thread does not exist for this caller */
    if ((rv = pl_threads_get(req->db, req->r->pool, id, req->caller.user->id, t)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "thread");
        return 0;
    }
    return 1;
}

static int reply_thread(mp_req_t *req, int status, const pl_thread_t *t)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    pl_thread_write(w, t);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

int api_threads_project_visible(mp_req_t *req, apr_int64_t project_id)
{
    pl_role_e role = PL_ROLE_NONE;
    apr_status_t rv;

    if (!project_id)
        return 1;
    rv = pl_project_role(req->db, req->r->pool, project_id, req->caller.user->id,
                         req->caller.user->role, &role);
    if (rv == APR_SUCCESS && role == PL_ROLE_NONE)
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "project");
        return 0;
    }
    return 1;
}

static int apply(mp_req_t *req, pl_thread_t *t, int whole)
{
    const char *field, *why;

    if (pl_thread_apply(t, req->body, whole, req->r->pool, &field, &why) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       field ? apr_pstrcat(req->r->pool, field, " ", why, NULL) : why, field);
        return 0;
    }
    return api_threads_project_visible(req, t->project_id);
}

/* A thread in a project takes the project's chat defaults for the model,
 * system prompt and temperature it does not set itself. */
int api_threads_fill_defaults(mp_req_t *req, pl_thread_t *t)
{
    pl_chat_defaults_t *d;
    apr_status_t rv;

    if (!t->project_id)
        return 1;
    if ((rv = pl_chat_defaults_get(req->db, req->r->pool, t->project_id, &d)) == APR_SUCCESS)
        rv = pl_chat_defaults_fill(d, t, req->r->pool);
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "chat defaults");
        return 0;
    }
    return 1;
}

/* POST /threads/{id}/assign {"project_id": N or null}. */
int api_threads_assign(mp_req_t *req)
{
    static const char *const known[] = { "project_id", NULL };
    pl_thread_t *t;
    apr_int64_t project_id = 0;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !api_threads_load(req, &t))
        return OK;
    if (pl_json_type_of(req->body, "project_id") != PL_JSON_NULL
        && (!pl_json_get_int(req->body, "project_id", &project_id) || project_id < 1))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "project_id must be a project id or null", "project_id");
    if (!api_threads_project_visible(req, project_id))
        return OK;
    t->project_id = project_id;
    if (!api_threads_fill_defaults(req, t))
        return OK;
    if ((rv = pl_threads_update(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return reply_thread(req, HTTP_OK, t);
}

/* Then what the user's settings have and neither the request nor the
 * project gave. */
int api_threads_fill_settings(mp_req_t *req, pl_thread_t *t)
{
    pl_settings_t *s;
    apr_status_t rv;

    if ((rv = pl_settings_load(req->db, req->r->pool, req->caller.user->id, &s)) == APR_SUCCESS)
        rv = pl_chat_defaults_fill_settings(s, t, req->r->pool);
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "settings");
        return 0;
    }
    return 1;
}

int api_threads_create(mp_req_t *req)
{
    pl_thread_t *t = apr_pcalloc(req->r->pool, sizeof(*t));
    apr_status_t rv;

    if (!apply(req, t, 1) || !api_threads_fill_defaults(req, t) || !api_threads_fill_settings(req, t))
        return OK;
    t->user_id = req->caller.user->id;
    if ((rv = pl_threads_insert(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, MP_API_BASE "/threads/%" APR_INT64_T_FMT, t->id));
    return reply_thread(req, HTTP_CREATED, t);
}

/* The list's filters: ?project_id=N, ?pinned=true|false, ?archived=true|false. */
typedef struct {
    const char *project, *pinned, *archived;
    apr_int64_t project_id;
} filters_t;

static int read_filters(mp_req_t *req, apr_table_t *args, filters_t *f)
{
    if ((f->project = apr_table_get(args, "project_id"))
        && pl_text_int(f->project, 1, APR_INT64_MAX, &f->project_id) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, "project_id must be a project id",
                       "project_id");
        return 0;
    }
    if (((f->pinned = apr_table_get(args, "pinned")) && strcmp(f->pinned, "true")
         && strcmp(f->pinned, "false"))
        || ((f->archived = apr_table_get(args, "archived")) && strcmp(f->archived, "true")
            && strcmp(f->archived, "false"))) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "pinned and archived must be true or false",
                       f->pinned && strcmp(f->pinned, "true") && strcmp(f->pinned, "false")
                       ? "pinned" : "archived");
        return 0;
    }
    return 1;
}

/* A page of threads: the filters, limit and offset asked for, and how many
 * threads passed the filters so far. */
typedef struct {
    filters_t f;
    int limit, offset;
    int total;
} page_t;

/* Counts t when it passes the filters; true when it falls on the page. */
static int on_page(page_t *pg, const pl_thread_t *t)
{
    const filters_t *f = &pg->f;

    if ((f->project && t->project_id != f->project_id)
        || (f->pinned && t->pinned != !strcmp(f->pinned, "true"))
        || (f->archived && t->archived != !strcmp(f->archived, "true")))
        return 0;
    pg->total++;
    return pg->total > pg->offset && pg->total <= pg->offset + pg->limit;
}

/* Closes the items array, and the page with total, limit and offset. */
static void write_page(pl_jsonw_t *w, const page_t *pg)
{
    pl_jsonw_end(w);
    mp_reply_page(w, NULL, NULL, NULL, pg->limit, pg->offset, pg->total);
    pl_jsonw_end(w);
}

/* GET /threads?q=...: the caller's threads whose title or a message matches. */
static int search(mp_req_t *req, const char *text, page_t *pg)
{
    apr_pool_t *p = req->r->pool;
    pl_search_query_t *q;
    apr_array_header_t *hits;
    const char *why;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i, j;

    /* the databases take UTF-8 only; pl_json says whether it is */
    if (pl_json_set_str(pl_json_object_new(p), "q", text) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, "q must be UTF-8 text",
                              "q");
    if (pl_search_parse(p, text, &q, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, "q");
    if ((rv = pl_threads_search(req->db, p, req->caller.user->id, q, &hits)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    w = mp_reply_writer(req, 1024 * (apr_size_t)(pg->limit + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < hits->nelts; i++) {
        pl_search_hit_t *h = APR_ARRAY_IDX(hits, i, pl_search_hit_t *);
        if (!on_page(pg, h->thread))
            continue;
        pl_jsonw_object(w, NULL);
        pl_jsonw_object(w, "thread");
        pl_thread_write(w, h->thread);
        pl_jsonw_end(w);
        pl_jsonw_bool(w, "title_match", h->title_match);
        pl_jsonw_array(w, "message_ids");
        for (j = 0; j < h->message_ids->nelts; j++)
            pl_jsonw_int(w, NULL, APR_ARRAY_IDX(h->message_ids, j, apr_int64_t));
        pl_jsonw_end(w);
        pl_jsonw_str(w, "snippet", h->snippet);
        pl_jsonw_end(w);
    }
    write_page(w, pg);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_threads_list(mp_req_t *req)
{
    apr_array_header_t *threads;
    apr_table_t *args;
    const char *q;
    page_t pg;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    memset(&pg, 0, sizeof(pg));
    if (!mp_request_paging(req, &args, &pg.limit, &pg.offset) || !read_filters(req, args, &pg.f))
        return OK;
    if ((q = apr_table_get(args, "q")))
        return search(req, q, &pg);
    if ((rv = pl_threads_list(req->db, req->r->pool, req->caller.user->id, &threads)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    w = mp_reply_writer(req, 512 * (apr_size_t)(pg.limit + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < threads->nelts; i++) {
        pl_thread_t *t = APR_ARRAY_IDX(threads, i, pl_thread_t *);
        if (!on_page(&pg, t))
            continue;
        pl_jsonw_object(w, NULL);
        pl_thread_write(w, t);
        pl_jsonw_end(w);
    }
    write_page(w, &pg);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_threads_get(mp_req_t *req)
{
    pl_thread_t *t;

    return api_threads_load(req, &t) ? reply_thread(req, HTTP_OK, t) : OK;
}

int api_threads_patch(mp_req_t *req)
{
    apr_int64_t was_in;
    pl_thread_t *t;
    apr_status_t rv;

    if (!api_threads_load(req, &t))
        return OK;
    was_in = t->project_id;
    /* moved to another project: as assigned there */
    if (!apply(req, t, 0) || (t->project_id != was_in && !api_threads_fill_defaults(req, t)))
        return OK;
    if ((rv = pl_threads_update(req->db, req->r->pool, t)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return reply_thread(req, HTTP_OK, t);
}

int api_threads_delete(mp_req_t *req)
{
    pl_thread_t *t;
    apr_status_t rv;

    if (!api_threads_load(req, &t))
        return OK;
    if ((rv = pl_threads_delete(req->db, req->r->pool, t->id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}
