/* SPDX-License-Identifier: Apache-2.0 */
/* GET /threads/{id}/export?format=json|markdown and POST /threads/import:
 * a thread out as a document (or a transcript to read), and a document back
 * in as a new thread of the caller's, in the document's project when the
 * caller can see it. */
#include <apr_strings.h>

#include "api.h"
#include "api_threads.h"
#include "core/pl_status.h"
#include "auth/pl_members.h"
#include "chat/pl_thread_export.h"

static void attachment(mp_req_t *req, const pl_thread_t *t, const char *ext)
{
    /* the file name is ASCII letters, digits and '-' only: nothing to quote */
    apr_table_setn(req->r->headers_out, "Content-Disposition",
                   apr_pstrcat(req->r->pool, "attachment; filename=\"",
                               pl_thread_export_filename(req->r->pool, t, ext), "\"", NULL));
}

int api_threads_export(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_table_t *args = NULL;
    apr_array_header_t *messages;
    const char *format, *text;
    pl_thread_t *t;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (!api_threads_load(req, &t))
        return OK;
    ap_args_to_table(req->r, &args);
    format = apr_table_get(args, "format");
    if (!format || !strcmp(format, "json")) {
        if ((rv = pl_messages_all(req->db, p, t->id, &messages)) != APR_SUCCESS)
            return mp_reply_status(req, rv, "message");
        w = mp_reply_writer(req, 1024 * (apr_size_t)(messages->nelts + 1));
        pl_thread_export_json(w, t, messages);
        attachment(req, t, "json");
        return mp_reply_json(req, HTTP_OK, w);
    }
    if (strcmp(format, "markdown"))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "format must be \"json\" or \"markdown\"", "format");
    if ((rv = pl_messages_branch(req->db, p, t->id, t->leaf_id, &messages)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "message");
    text = pl_thread_export_markdown(p, t, messages);
    attachment(req, t, "md");
    return mp_reply_body(req, HTTP_OK, "text/markdown; charset=utf-8", text, strlen(text));
}

/* Whether the caller may put a thread in project_id: a project they can
 * see (pl_project_role: admin, owner or member), within their API key's
 * project when the key has one. The same rule as assigning a thread. */
static int may_keep_project(mp_req_t *req, apr_int64_t project_id)
{
    pl_role_e role = PL_ROLE_NONE;

    if (req->caller.key && req->caller.key->project_id && req->caller.key->project_id != project_id)
        return 0;
    return pl_project_role(req->db, req->r->pool, project_id, req->caller.user->id,
                           req->caller.user->role, &role) == APR_SUCCESS
        && role != PL_ROLE_NONE;
}

int api_threads_import(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    pl_thread_doc_t *doc;
    const char *field, *why;
    const char *dropped = NULL;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (pl_thread_import_read(p, req->body, &doc, &field, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              field ? apr_pstrcat(p, field, " ", why, NULL) : why, field);
    /* A project the caller cannot see is not said to exist: the thread is
     * imported without it, and the reply says so in the same words whether
     * the project is someone else's or no project at all. */
    if (doc->project_id && may_keep_project(req, doc->project_id))
        doc->thread->project_id = doc->project_id;
    else if (doc->project_id)
        dropped = apr_psprintf(p, "project %" APR_INT64_T_FMT " is not a project of yours here:"
                               " the thread was imported without a project", doc->project_id);
    if ((rv = pl_thread_import_store(req->db, p, doc, req->caller.user->id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "thread");
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(p, MP_API_BASE "/threads/%" APR_INT64_T_FMT, doc->thread->id));
    w = mp_reply_writer(req, 1024);
    pl_jsonw_object(w, NULL);
    pl_thread_write(w, doc->thread);
    pl_jsonw_int(w, "leaf_id", doc->thread->leaf_id);
    pl_jsonw_int(w, "message_count", doc->messages->nelts);
    pl_jsonw_array(w, "warnings");
    if (dropped) {
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "code", "PROJECT_DROPPED");
        pl_jsonw_str(w, "field", "thread.project_id");
        pl_jsonw_str(w, "message", dropped);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_CREATED, w);
}
