/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/projects/{id}/chat-defaults: what chats in the project start with
 * (the router has checked the caller's role in the project: read to see,
 * write to set). */
#include <apr_strings.h>

#include "api.h"
#include "chat/pl_chat_defaults.h"
#include "chat/pl_servers.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

static int reply_defaults(mp_req_t *req, const pl_chat_defaults_t *d)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    pl_chat_defaults_write(w, d);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

static apr_int64_t project_id(mp_req_t *req)
{
    apr_int64_t id = 0;

    pl_text_int(apr_table_get(req->params, "id"), 1, APR_INT64_MAX, &id);
    return id;
}

int api_chat_defaults_get(mp_req_t *req)
{
    pl_chat_defaults_t *d;
    apr_status_t rv;

    if ((rv = pl_chat_defaults_get(req->db, req->r->pool, project_id(req), &d)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "chat defaults");
    return reply_defaults(req, d);
}

/* PUT replaces them all: a key left out is no default. */
int api_chat_defaults_put(mp_req_t *req)
{
    pl_chat_defaults_t *d = apr_pcalloc(req->r->pool, sizeof(*d));
    const char *field, *why;
    pl_server_t *server;
    apr_status_t rv;

    d->project_id = project_id(req);
    if (pl_chat_defaults_apply(d, req->body, req->r->pool, &field, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              apr_pstrcat(req->r->pool, field, " ", why, NULL), field);
    if (d->server_id
        && (rv = pl_servers_get(req->db, req->r->pool, d->server_id, &server)) != APR_SUCCESS) {
        if (rv != PL_ENOTFOUND)
            return mp_reply_status(req, rv, "server");
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "server_id must be the id of a model server", "server_id");
    }
    if ((rv = pl_chat_defaults_put(req->db, req->r->pool, d)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "chat defaults");
    return reply_defaults(req, d);
}
