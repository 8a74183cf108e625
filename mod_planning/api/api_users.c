/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/users (admins), /api/v1/users/me/settings (everyone), /api/v1/audit. */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "mp_kdf.h"
#include "auth/pl_audit.h"
#include "auth/pl_password.h"
#include "auth/pl_sessions.h"
#include "auth/pl_settings.h"
#include "core/pl_status.h"
#include "auth/pl_store_users.h"
#include "core/pl_text.h"

static int reply_user(mp_req_t *req, int status, const pl_user_t *user)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    pl_user_write(w, user);
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", apr_psprintf(req->r->pool, MP_API_BASE "/users/%" APR_INT64_T_FMT,
                                          user->id), NULL);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

int api_users_list(mp_req_t *req)
{
    apr_array_header_t *users;
    apr_table_t *args;
    apr_int64_t total;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    if ((rv = pl_store_user_list(req->db, req->r->pool, limit, offset, &users, &total))
        != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    w = mp_reply_writer(req, 300 * (apr_size_t)(users->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < users->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_user_write(w, APR_ARRAY_IDX(users, i, pl_user_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, req->r->pool, MP_API_BASE "/users", "", limit, offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_users_create(mp_req_t *req)
{
    static const char *const known[] = { "username", "password", "role", NULL };
    pl_user_t *user = apr_pcalloc(req->r->pool, sizeof(*user));
    const char *name = pl_json_get_str(req->body, "username");
    const char *password = pl_json_get_str(req->body, "password"), *why, *hash = NULL;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known))
        return OK;
    if (!name || !pl_username_valid(name))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "username must be 1 to 64 of A-Z a-z 0-9 . _ @ -", "username");
    user->role = pl_role_parse(pl_json_get_str(req->body, "role"));
    if (user->role == PL_ROLE_NONE)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "role must be \"viewer\", \"developer\" or \"admin\"", "role");
    /* Without a password the account can only come in through Apache's auth. */
    if (pl_json_type_of(req->body, "password") != PL_JSON_ABSENT) {
        if (!password)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "password must be a string", "password");
        if (pl_password_check_policy(password, strlen(password), &why) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, "password");
        if (!mp_kdf_hash(req, password, strlen(password), &hash))
            return OK;
    }
    user->username = name;
    user->password_hash = hash;
    user->source = hash ? "local" : "apache";
    rv = pl_store_user_insert(req->db, req->r->pool, user);
    if (rv == PL_ECONFLICT)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT, "a user with that name exists",
                              "username");
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "user.create", NULL, 0, "user", user->id, 1);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, MP_API_BASE "/users/%" APR_INT64_T_FMT, user->id));
    return reply_user(req, HTTP_CREATED, user);
}

static int load(mp_req_t *req, pl_user_t **user)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "user", "user", &id))
        return 0;
    if ((rv = pl_store_user_get(req->db, req->r->pool, id, user)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "user");
        return 0;
    }
    return 1;
}

int api_users_get(mp_req_t *req)
{
    pl_user_t *user;

    return load(req, &user) ? reply_user(req, HTTP_OK, user) : OK;
}

/* Role and status changes end the user's sessions at their next request;
 * the last active admin cannot be demoted or disabled. "source" links an
 * account to the name Apache authenticates ("apache") or unlinks it
 * ("local"): only an admin's explicit choice makes the two one. */
int api_users_patch(mp_req_t *req)
{
    static const char *const known[] = { "role", "status", "source", NULL };
    const char *role_s = pl_json_get_str(req->body, "role");
    const char *status = pl_json_get_str(req->body, "status");
    const char *source = pl_json_get_str(req->body, "source");
    pl_role_e role;
    apr_int64_t admins;
    pl_user_t *user;
    apr_status_t rv;
    int was_admin;

    if (!mp_request_only_fields(req, known) || !load(req, &user))
        return OK;
    role = user->role;
    if (pl_json_type_of(req->body, "role") != PL_JSON_ABSENT
        && (role = pl_role_parse(role_s)) == PL_ROLE_NONE)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "role must be \"viewer\", \"developer\" or \"admin\"", "role");
    if (pl_json_type_of(req->body, "status") != PL_JSON_ABSENT
        && (!status || (strcmp(status, "active") && strcmp(status, "disabled"))))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "status must be \"active\" or \"disabled\"", "status");
    if (pl_json_type_of(req->body, "source") != PL_JSON_ABSENT
        && (!source || (strcmp(source, "local") && strcmp(source, "apache"))))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "source must be \"local\" or \"apache\"", "source");
    was_admin = user->role == PL_ROLE_ADMIN && !strcmp(user->status, "active");
    if (was_admin && (role != PL_ROLE_ADMIN || (status && strcmp(status, "active")))) {
        if ((rv = pl_store_user_count_admins(req->db, req->r->pool, &admins)) != APR_SUCCESS)
            return mp_reply_status(req, rv, "user");
        if (admins <= 1)
            return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                                  "the last active admin cannot be demoted or disabled", NULL);
    }
    user->role = role;
    if (status)
        user->status = status;
    if (source)
        user->source = source;
    if ((rv = pl_store_user_update(req->db, req->r->pool, user, 1)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "user.update", NULL, 0, "user", user->id, 1);
    return reply_user(req, HTTP_OK, user);
}

int api_users_delete(mp_req_t *req)
{
    pl_user_t *user;
    apr_status_t rv;

    if (!load(req, &user))
        return OK;
    rv = pl_store_user_delete(req->db, req->r->pool, user->id);
    if (rv == PL_ECONFLICT)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "the last active admin cannot be deleted", NULL);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "user.delete", NULL, 0, "user", user->id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

int api_settings_get(mp_req_t *req)
{
    const char *text;
    apr_status_t rv = pl_settings_get(req->db, req->r->pool, req->caller.user->id, &text);

    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "settings");
    return mp_reply_json_text(req, HTTP_OK, text, strlen(text));
}

int api_settings_put(mp_req_t *req)
{
    const char *text, *field = NULL, *why = NULL;
    apr_status_t rv;

    if (pl_settings_validate(req->body, req->r->pool, &text, &field, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              field ? apr_pstrcat(req->r->pool, field, " ", why, NULL) : why,
                              field);
    if ((rv = pl_settings_put(req->db, req->r->pool, req->caller.user->id, text)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "settings");
    return mp_reply_json_text(req, HTTP_OK, text, strlen(text));
}

int api_audit_list(mp_req_t *req)
{
    pl_audit_filter_t f;
    apr_array_header_t *entries;
    apr_table_t *args;
    apr_int64_t total;
    const char *s;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    memset(&f, 0, sizeof(f));
    if (!mp_request_paging(req, &args, &f.limit, &f.offset))
        return OK;
    f.action = apr_table_get(args, "action");
    f.since = apr_table_get(args, "since");
    if ((s = apr_table_get(args, "outcome"))) {
        if (strcmp(s, "success") && strcmp(s, "failure"))
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "outcome must be \"success\" or \"failure\"", "outcome");
        f.outcome = s;
    }
    if ((s = apr_table_get(args, "actor_id"))
        && pl_text_int(s, 1, APR_INT64_MAX, &f.actor_id) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "actor_id must be a user id", "actor_id");
    if ((rv = pl_audit_list(req->db, req->r->pool, &f, &entries, &total)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "audit");
    w = mp_reply_writer(req, 300 * (apr_size_t)(entries->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < entries->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_audit_write(w, APR_ARRAY_IDX(entries, i, pl_audit_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, req->r->pool, MP_API_BASE "/audit", "", f.limit, f.offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
