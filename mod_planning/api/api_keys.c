/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/auth/keys: API keys for CI, shown once, revoked at once. */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "auth/pl_members.h"
#include "core/pl_status.h"
#include "core/pl_time.h"

#define NAME_MAX_CHARS 255

/* "read", "write", "admin" into a canonical comma list; NULL after a 400. */
static const char *parse_scopes(mp_req_t *req, pl_role_e *widest)
{
    apr_array_header_t *list;
    int i, read = 0, write = 0, admin = 0;

    if (!pl_json_get_strings(req->body, "scopes", req->r->pool, &list) || list->nelts == 0) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "scopes must be a non-empty array of \"read\", \"write\", \"admin\"",
                       "scopes");
        return NULL;
    }
    for (i = 0; i < list->nelts; i++) {
        const char *s = APR_ARRAY_IDX(list, i, const char *);
        if (!strcmp(s, "read"))
            read = 1;
        else if (!strcmp(s, "write"))
            write = 1;
        else if (!strcmp(s, "admin"))
            admin = 1;
        else {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           apr_psprintf(req->r->pool, "unknown scope \"%s\"", s), "scopes");
            return NULL;
        }
    }
    *widest = admin ? PL_ROLE_ADMIN : write ? PL_ROLE_DEVELOPER : PL_ROLE_VIEWER;
    return apr_pstrcat(req->r->pool, read ? "read," : "", write ? "write," : "",
                       admin ? "admin," : "", NULL);
}

int api_keys_create(mp_req_t *req)
{
    static const char *const known[] = { "name", "scopes", "project_id", "expires_in_days", NULL };
    apr_pool_t *p = req->r->pool;
    pl_apikey_t *key = apr_pcalloc(p, sizeof(*key));
    const char *secret, *scopes;
    pl_role_e widest, in_project;
    apr_int64_t days = 0;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known))
        return OK;
    key->name = pl_json_get_str(req->body, "name");
    if (!key->name || !*key->name || strlen(key->name) > NAME_MAX_CHARS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "name must be a string of 1 to 255 bytes", "name");
    if (!(scopes = parse_scopes(req, &widest)))
        return OK;
    if (widest > req->caller.role)
        return mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                              "a key cannot have scopes beyond your role", "scopes");
    key->scopes = apr_pstrndup(p, scopes, strlen(scopes) - 1);
    if (pl_json_type_of(req->body, "project_id") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(req->body, "project_id", &key->project_id) || key->project_id < 1)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "project_id must be a positive integer", "project_id");
        rv = pl_project_role(req->db, p, key->project_id, req->caller.user->id,
                             req->caller.user->role, &in_project);
        if (rv == APR_SUCCESS && in_project == PL_ROLE_NONE)
            rv = PL_ENOTFOUND;
        if (rv != APR_SUCCESS)
            return mp_reply_status(req, rv, "project");
    }
    if (pl_json_type_of(req->body, "expires_in_days") != PL_JSON_ABSENT) {
        if (!pl_json_get_int(req->body, "expires_in_days", &days) || days < 1 || days > 3650)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "expires_in_days must be a whole number from 1 to 3650",
                                  "expires_in_days");
        key->expires_at = pl_time_rfc3339(p, apr_time_now() + apr_time_from_sec(days * 86400));
    }
    /* (the router lets only a session or an admin-scoped key this far) */
    key->user_id = req->caller.user->id;
    if ((rv = pl_apikey_create(req->db, p, key, &secret)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "API key");
    mp_audit(req, "key.create", NULL, 0, "key", key->id, 1);
    {
        pl_jsonw_t *w = mp_reply_writer(req, 512);
        pl_jsonw_object(w, NULL);
        pl_apikey_write(w, p, key);
        pl_jsonw_str(w, "key", secret);
        pl_jsonw_end(w);
        apr_table_setn(req->r->headers_out, "Location",
                       apr_psprintf(p, MP_API_BASE "/auth/keys/%" APR_INT64_T_FMT, key->id));
        return mp_reply_json(req, HTTP_CREATED, w);
    }
}

int api_keys_list(mp_req_t *req)
{
    apr_array_header_t *keys;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if ((rv = pl_apikey_list(req->db, req->r->pool, req->caller.user->id, &keys)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "API key");
    w = mp_reply_writer(req, 256 * (apr_size_t)(keys->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < keys->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_apikey_write(w, req->r->pool, APR_ARRAY_IDX(keys, i, pl_apikey_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", keys->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* One's own keys; an admin may revoke anyone's. Another user's key is 404. */
int api_keys_revoke(mp_req_t *req)
{
    pl_apikey_t *key;
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "key", "API key", &id))
        return OK;
    rv = pl_apikey_get(req->db, req->r->pool, id, &key);
    if (rv == APR_SUCCESS && key->user_id != req->caller.user->id
        && req->caller.role < PL_ROLE_ADMIN)
        rv = PL_ENOTFOUND;
    if (rv == APR_SUCCESS)
        rv = pl_apikey_revoke(req->db, req->r->pool, id);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "API key");
    mp_audit(req, "key.revoke", NULL, 0, "key", id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}
