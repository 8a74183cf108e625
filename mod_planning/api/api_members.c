/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/projects/{id}/members: who may work on a project, with which
 * role. The router has checked the caller's role in the project already. */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "auth/pl_members.h"
#include "core/pl_status.h"
#include "auth/pl_store_users.h"
#include "core/pl_text.h"

int api_members_list(mp_req_t *req)
{
    apr_int64_t id;
    apr_array_header_t *members;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (!mp_request_param_id(req, "id", "project", &id))
        return OK;
    if ((rv = pl_members_list(req->db, req->r->pool, id, &members)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "member");
    w = mp_reply_writer(req, 128 * (apr_size_t)(members->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < members->nelts; i++) {
        pl_member_t *m = &APR_ARRAY_IDX(members, i, pl_member_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "user_id", m->user_id);
        pl_jsonw_str(w, "username", m->username);
        pl_jsonw_str(w, "role", pl_role_name(m->role));
        pl_jsonw_str(w, "created_at", m->created_at);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", members->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* The account {user} names: digits are an id, anything else a user name.
 * A non-admin sees by id only the accounts it may already know (see
 * pl_members_user_visible); any other id is "not found" like one that does
 * not exist, so ids cannot be walked for names. A name the caller gives it
 * knows already. Returns 1, or 0 after the error reply. */
static int named_user(mp_req_t *req, pl_user_t **user)
{
    const char *s = apr_table_get(req->params, "user");
    apr_int64_t id;
    apr_status_t rv;
    int visible = 1;

    if (pl_text_int(s, 1, APR_INT64_MAX, &id) == APR_SUCCESS) {
        rv = pl_store_user_get(req->db, req->r->pool, id, user);
        if (rv == APR_SUCCESS && req->caller.user->role < PL_ROLE_ADMIN
            && (rv = pl_members_user_visible(req->db, req->r->pool, req->caller.user->id, id,
                                             &visible)) == APR_SUCCESS && !visible)
            rv = PL_ENOTFOUND;
    }
    else if (s && pl_username_valid(s))
        rv = pl_store_user_by_name(req->db, req->r->pool, s, user);
    else
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "user");
        return 0;
    }
    return 1;
}

int api_members_put(mp_req_t *req)
{
    static const char *const known[] = { "role", NULL };
    apr_int64_t id;
    pl_user_t *user;
    pl_role_e role;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !mp_request_param_id(req, "id", "project", &id))
        return OK;
    if ((role = pl_role_parse(pl_json_get_str(req->body, "role"))) == PL_ROLE_NONE)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "role must be \"viewer\", \"developer\" or \"admin\"", "role");
    if (!named_user(req, &user))
        return OK;
    if ((rv = pl_members_set(req->db, req->r->pool, id, user->id, role)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "member.set", NULL, 0, "project", id, 1);
    {
        pl_jsonw_t *w = mp_reply_writer(req, 160);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "project_id", id);
        pl_jsonw_int(w, "user_id", user->id);
        pl_jsonw_str(w, "username", user->username);
        pl_jsonw_str(w, "role", pl_role_name(role));
        pl_jsonw_end(w);
        return mp_reply_json(req, HTTP_OK, w);
    }
}

int api_members_delete(mp_req_t *req)
{
    apr_int64_t id, user_id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "id", "project", &id)
        || !mp_request_param_id(req, "user", "member", &user_id))
        return OK;
    if ((rv = pl_members_remove(req->db, req->r->pool, id, user_id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "member");
    mp_audit(req, "member.remove", NULL, 0, "project", id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}
