/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/auth: first-run setup, login, refresh, logout, me, password. */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "mp_kdf.h"
#include "mp_cookie.h"
#include "mp_ratelimit.h"
#include "auth/pl_password.h"
#include "auth/pl_sessions.h"
#include "core/pl_status.h"
#include "auth/pl_store_users.h"
#include "core/pl_text.h"

#define COOKIE_ACCESS  "pl_access"
#define COOKIE_REFRESH "pl_refresh"
#define COOKIE_CSRF    "pl_csrf"
#define COOKIE_ATTRS   "HttpOnly;Secure;SameSite=Strict"

/* A required string field of the body; NULL after a 400 reply. */
static const char *required_string(mp_req_t *req, const char *field)
{
    const char *v = pl_json_get_str(req->body, field);

    if (!v)
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       apr_pstrcat(req->r->pool, field, " must be a string", NULL), field);
    return v;
}

static void write_user(pl_jsonw_t *w, const char *key, const pl_user_t *user)
{
    pl_jsonw_object(w, key);
    pl_user_write(w, user);
    pl_jsonw_end(w);
}

/* The browser keeps the tokens in cookies it cannot read from scripts; the
 * CSRF cookie is readable, to be echoed in X-CSRF-Token. */
static void set_cookies(mp_req_t *req, const char *access, const char *refresh)
{
    request_rec *r = req->r;

    mp_cookie_set(r, COOKIE_ACCESS, access, "Path=/;" COOKIE_ATTRS, req->conf->access_ttl);
    mp_cookie_set(r, COOKIE_REFRESH, refresh, "Path=" MP_API_BASE "/auth;" COOKIE_ATTRS,
                  req->conf->refresh_ttl);
    mp_cookie_set(r, COOKIE_CSRF, pl_text_random_hex(r->pool, 24), "Path=/;Secure;SameSite=Strict",
                  req->conf->refresh_ttl);
}

static void clear_cookies(mp_req_t *req)
{
    request_rec *r = req->r;

    mp_cookie_clear(r, COOKIE_ACCESS, "Path=/;" COOKIE_ATTRS);
    mp_cookie_clear(r, COOKIE_REFRESH, "Path=" MP_API_BASE "/auth;" COOKIE_ATTRS);
    mp_cookie_clear(r, COOKIE_CSRF, "Path=/;Secure;SameSite=Strict");
}

/* A fresh token pair for user: with refresh NULL a new session starts,
 * else refresh is the next token of session family. */
static int reply_tokens(mp_req_t *req, int status, const pl_user_t *user, apr_int64_t family,
                        const char *refresh)
{
    const char *access;
    pl_jsonw_t *w;
    apr_status_t rv;

    if (!refresh && (rv = pl_session_issue(req->db, req->r->pool, user->id, 0,
                                           req->conf->refresh_ttl, &refresh, &family))
                    != APR_SUCCESS)
        return mp_reply_status(req, rv, "session");
    if ((rv = mp_auth_access_token(req, user, family, &access)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "access token");
    set_cookies(req, access, refresh);
    w = mp_reply_writer(req, 1024);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "access_token", access);
    pl_jsonw_str(w, "token_type", "Bearer");
    pl_jsonw_int(w, "expires_in", req->conf->access_ttl);
    pl_jsonw_str(w, "refresh_token", refresh);
    pl_jsonw_int(w, "refresh_expires_in", req->conf->refresh_ttl);
    write_user(w, "user", user);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

/* Password and name of a setup or user-creation body, checked. */
static int new_credentials(mp_req_t *req, const char **name, const char **password,
                           apr_size_t *len)
{
    const char *why;

    if (!(*name = required_string(req, "username")) || !(*password = required_string(req, "password")))
        return 0;
    if (!pl_username_valid(*name)) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       "username must be 1 to 64 of A-Z a-z 0-9 . _ @ -", "username");
        return 0;
    }
    *len = strlen(*password);
    if (pl_password_check_policy(*password, *len, &why) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, "password");
        return 0;
    }
    return 1;
}

int api_auth_setup(mp_req_t *req)
{
    static const char *const known[] = { "username", "password", NULL };
    pl_user_t *user = apr_pcalloc(req->r->pool, sizeof(*user));
    const char *name, *password, *hash;
    apr_size_t len;
    apr_status_t rv;

    if (!mp_request_only_fields(req, known) || !new_credentials(req, &name, &password, &len))
        return OK;
    if (!mp_kdf_hash(req, password, len, &hash))
        return OK;
    user->username = name;
    user->password_hash = hash;
    user->role = PL_ROLE_ADMIN;
    rv = pl_store_user_insert_first(req->db, req->r->pool, user);
    if (rv == PL_ECONFLICT)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "setup is done: an account exists already", NULL);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "auth.setup", name, user->id, "user", user->id, 1);
    return reply_tokens(req, HTTP_CREATED, user, 0, NULL);
}

/* Whether the first admin is still to be made (no account exists): what a
 * sign-in page asks to choose between the first-run form and the login. */
int api_auth_setup_status(mp_req_t *req)
{
    pl_jsonw_t *w;
    apr_int64_t users = 0;
    apr_status_t rv;

    if ((rv = pl_store_user_count(req->db, req->r->pool, &users)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    w = mp_reply_writer(req, 64);
    pl_jsonw_object(w, NULL);
    pl_jsonw_bool(w, "setup_required", users == 0);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* A login's writes in one transaction, within the request's deadline: the
 * time it happened, its audit entry and the session. Either all are stored
 * or the login fails (503): no session without its audit entry. */
static apr_status_t record_login(mp_req_t *req, const pl_user_t *user, const char *name,
                                 const char **refresh, apr_int64_t *family)
{
    apr_pool_t *p = req->r->pool;
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    if ((rv = pl_db_begin(req->db, p, &tx)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_store_user_touch_login(req->db, p, user->id)) == APR_SUCCESS
        && (rv = mp_audit(req, "auth.login", name, user->id, "user", user->id, 1)) == APR_SUCCESS)
        rv = pl_session_issue(req->db, p, user->id, 0, req->conf->refresh_ttl, refresh, family);
    end = pl_db_end(req->db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

int api_auth_login(mp_req_t *req)
{
    static const char *const known[] = { "username", "password", NULL };
    const char *name, *password, *refresh = NULL;
    apr_int64_t family = 0;
    pl_user_t *user = NULL;
    apr_status_t rv;
    int ok;

    if (!mp_request_only_fields(req, known) || !(name = required_string(req, "username"))
        || !(password = required_string(req, "password")))
        return OK;
    if (!mp_ratelimit(req, "login-ip", req->r->useragent_ip, req->conf->login_limit)
        || !mp_ratelimit(req, "login-user", name, req->conf->login_limit))
        return OK;
    rv = pl_store_user_by_name(req->db, req->r->pool, name, &user);
    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return mp_reply_status(req, rv, "user");
    /* An unknown name costs the same Argon2 work as a wrong password. */
    if (!mp_kdf_verify(req, rv == APR_SUCCESS && user->password_hash ? user->password_hash
                                                                      : pl_password_dummy_hash(),
                       password, strlen(password), &ok))
        return OK;
    ok = ok && rv == APR_SUCCESS && user->password_hash && !strcmp(user->status, "active");
    if (!ok) {
        /* an attempt that cannot be recorded is not answered either */
        if ((rv = mp_audit(req, "auth.login", name, user ? user->id : 0, "user",
                           user ? user->id : 0, 0)) != APR_SUCCESS)
            return mp_reply_status(req, rv, "login");
        apr_table_setn(req->r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"mod_planning\"");
        return mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_UNAUTHORIZED,
                              "wrong user name or password", NULL);
    }
    if ((rv = record_login(req, user, name, &refresh, &family)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "login");
    return reply_tokens(req, HTTP_OK, user, family, refresh);
}

/* The refresh token a request presents: the JSON body's refresh_token, or
 * the cookie, which like every cookie credential needs the CSRF header (a
 * page elsewhere must not refresh or end the browser's session). *token is
 * NULL when neither is there. Returns 0 after an error reply. */
static int presented_refresh(mp_req_t *req, const char **token)
{
    static const char *const known[] = { "refresh_token", NULL };
    const char *cookie = NULL;
    const char *clen = apr_table_get(req->r->headers_in, "Content-Length");

    *token = NULL;
    /* The body is optional: the browser sends only the cookie. */
    if ((clen && strcmp(clen, "0")) || apr_table_get(req->r->headers_in, "Transfer-Encoding")) {
        if (!mp_request_check_length(req) || !mp_request_read_json(req) || !mp_request_only_fields(req, known))
            return 0;
        if (pl_json_type_of(req->body, "refresh_token") != PL_JSON_ABSENT
            && !(*token = required_string(req, "refresh_token")))
            return 0;
    }
    if (!*token && (cookie = mp_cookie_get(req->r, COOKIE_REFRESH))) {
        if (!mp_auth_require_csrf(req))
            return 0;
        *token = cookie;
    }
    return 1;
}

int api_auth_refresh(mp_req_t *req)
{
    const char *token, *next;
    apr_int64_t user_id, family = 0;
    pl_user_t *user;
    apr_status_t rv;

    if (!presented_refresh(req, &token))
        return OK;
    rv = pl_session_rotate(req->db, req->r->pool, token, req->conf->refresh_ttl,
                           req->conf->reuse_grace, &user_id, &next, &family);
    if (rv == APR_SUCCESS) {
        rv = pl_store_user_get(req->db, req->r->pool, user_id, &user);
        if (rv == PL_ENOTFOUND || (rv == APR_SUCCESS && strcmp(user->status, "active")))
            rv = PL_EAUTH;
    }
    if (rv == PL_EAUTH) {
        clear_cookies(req);
        return mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_UNAUTHORIZED,
                              "the refresh token is missing, invalid, used or expired", NULL);
    }
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "session");
    return reply_tokens(req, HTTP_OK, user, family, next);
}

static int logout_refused(mp_req_t *req, const char *message)
{
    clear_cookies(req);
    return mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_UNAUTHORIZED, message, NULL);
}

/* Ends one session (its refresh family, and so the access tokens issued
 * with it): the one of the refresh token in the body or cookie, else the
 * one of the access token the request signs in with. Other sessions of the
 * user go on; POST /auth/logout-all ends them all. */
int api_auth_logout(mp_req_t *req)
{
    const char *token;
    apr_int64_t user_id = 0;
    pl_user_t *user = NULL;
    apr_status_t rv;

    if (!presented_refresh(req, &token))
        return OK;
    if (token)
        rv = pl_session_revoke(req->db, req->r->pool, token, &user_id);
    else {
        /* Public route: identify here, with the router's CSRF rule. */
        if (!mp_auth_identify(req) || !mp_auth_check_csrf(req))
            return OK;
        if (!req->caller.user)
            return logout_refused(req, "send the refresh token, or sign in with the session's"
                                       " access token");
        if (!req->caller.session)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "this credential has no session to end (an API key is"
                                  " revoked with DELETE /api/v1/auth/keys/{id})", NULL);
        user_id = req->caller.user->id;
        rv = pl_session_revoke_family(req->db, req->r->pool, req->caller.session);
    }
    if (rv == PL_EAUTH)
        return logout_refused(req, "the refresh token is missing or invalid");
    if (rv == APR_SUCCESS && !(user = req->caller.user)
        && (rv = pl_store_user_get(req->db, req->r->pool, user_id, &user)) == PL_ENOTFOUND)
        rv = APR_SUCCESS;   /* (deleted meanwhile: its sessions went with it) */
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "session");
    mp_audit(req, "auth.logout", user ? user->username : NULL, user_id, "user", user_id, 1);
    clear_cookies(req);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

/* Ends every session of the caller: refresh tokens revoked, access tokens
 * dead at their next request (the token version moves on). */
int api_auth_logout_all(mp_req_t *req)
{
    pl_user_t *user = req->caller.user;
    apr_status_t rv;

    if ((rv = pl_session_revoke_user(req->db, req->r->pool, user->id, 0)) != APR_SUCCESS
        || (rv = pl_store_user_update(req->db, req->r->pool, user, 1)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "session");
    mp_audit(req, "auth.logout_all", NULL, 0, "user", user->id, 1);
    clear_cookies(req);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

int api_auth_me(mp_req_t *req)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    write_user(w, "user", req->caller.user);
    pl_jsonw_str(w, "authenticated_by", mp_auth_kind_name(req->caller.kind));
    pl_jsonw_str(w, "effective_role", pl_role_name(req->caller.role));
    if (req->caller.key) {
        pl_jsonw_object(w, "api_key");
        pl_apikey_write(w, req->r->pool, req->caller.key);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_auth_password(mp_req_t *req)
{
    static const char *const known[] = { "current_password", "new_password", NULL };
    pl_user_t *user = req->caller.user;
    const char *current, *fresh, *why, *hash;
    apr_size_t len;
    apr_status_t rv;
    int match;

    if (!mp_request_only_fields(req, known) || !(current = required_string(req, "current_password"))
        || !(fresh = required_string(req, "new_password")))
        return OK;
    if (req->caller.kind == MP_CALLER_APIKEY || !user->password_hash)
        return mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                              "the password can be changed only when signed in with it", NULL);
    /* A guess of current_password is a login attempt: the same per-account
     * limit, so a stolen access token cannot try passwords faster. */
    if (!mp_ratelimit(req, "login-user", user->username, req->conf->login_limit)
        || !mp_kdf_verify(req, user->password_hash, current, strlen(current), &match))
        return OK;
    if (!match) {
        mp_audit(req, "auth.password", NULL, 0, "user", user->id, 0);
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "current_password is wrong", "current_password");
    }
    len = strlen(fresh);
    if (pl_password_check_policy(fresh, len, &why) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION, why, "new_password");
    if (!mp_kdf_hash(req, fresh, len, &hash))
        return OK;
    user->password_hash = hash;
    /* Every other session ends: tokens by the version, refresh tokens here. */
    if ((rv = pl_store_user_update(req->db, req->r->pool, user, 1)) != APR_SUCCESS
        || (rv = pl_session_revoke_user(req->db, req->r->pool, user->id, 0)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "user");
    mp_audit(req, "auth.password", NULL, 0, "user", user->id, 1);
    return reply_tokens(req, HTTP_OK, user, 0, NULL);
}
