/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "mp_audit.h"
#include "mp_auth.h"
#include "mp_cookie.h"
#include "mp_request.h"
#include "auth/pl_jwt.h"
#include "auth/pl_sessions.h"
#include "core/pl_status.h"
#include "auth/pl_store_users.h"
#include "core/pl_time.h"

#define ISSUER      "mod_planning"
#define COOKIE_CSRF "pl_csrf"
#define HEADER_CSRF "X-CSRF-Token"

const char *mp_auth_kind_name(mp_caller_kind_e kind)
{
    static const char *const names[] = { "none", "token", "cookie", "api_key", "apache" };
    return names[kind];
}

pl_role_e mp_auth_needed_role(mp_perm_e perm)
{
    switch (perm) {
    case MP_PERM_READ:  return PL_ROLE_VIEWER;
    case MP_PERM_WRITE: return PL_ROLE_DEVELOPER;
    case MP_PERM_ADMIN: return PL_ROLE_ADMIN;
    default:            return PL_ROLE_NONE;
    }
}

/* The audience is the vhost: a token of one site is no good on another. */
static void expected_claims(mp_req_t *req, pl_jwt_claims_t *expect)
{
    memset(expect, 0, sizeof(*expect));
    expect->iss = ISSUER;
    expect->aud = req->r->server->server_hostname ? req->r->server->server_hostname : "-";
    expect->typ = "access";
}

apr_status_t mp_auth_access_token(mp_req_t *req, const pl_user_t *user, apr_int64_t session,
                                  const char **token)
{
    pl_jwt_claims_t claims;
    apr_int64_t now = apr_time_sec(apr_time_now());

    expected_claims(req, &claims);
    claims.sub = user->id;
    claims.ver = user->token_version;
    claims.iat = now;
    claims.exp = now + req->conf->access_ttl;
    claims.sid = session;
    return pl_jwt_sign(req->r->pool, req->conf->token_key, req->conf->token_key_len, &claims,
                       token);
}

/* One answer for every refused credential, whatever the reason: the reason
 * goes to the log at debug level only. */
static int unauthorized(mp_req_t *req, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r,
                  "PLN00301: credentials refused (%s)", why);
    apr_table_setn(req->r->err_headers_out, "WWW-Authenticate",
                   "Bearer realm=\"mod_planning\", error=\"invalid_token\"");
    mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_UNAUTHORIZED,
                   "the credentials are missing, invalid or expired", NULL);
    return 0;
}

/* A user that may act now: exists, is active. */
static apr_status_t load_user(mp_req_t *req, apr_int64_t id, pl_user_t **user)
{
    apr_status_t rv = pl_store_user_get(req->db, req->r->pool, id, user);

    if (rv == PL_ENOTFOUND || (rv == APR_SUCCESS && strcmp((*user)->status, "active")))
        return PL_EAUTH;
    return rv;
}

static int by_token(mp_req_t *req, const char *token, mp_caller_kind_e kind)
{
    pl_jwt_claims_t expect, claims;
    const char *why = "";
    pl_user_t *user;
    apr_status_t rv;

    expected_claims(req, &expect);
    if (pl_jwt_verify(req->r->pool, req->conf->token_key, req->conf->token_key_len, token,
                      apr_time_sec(apr_time_now()), &expect, &claims, &why) != APR_SUCCESS)
        return unauthorized(req, why);
    rv = load_user(req, claims.sub, &user);
    if (rv == PL_EAUTH || (rv == APR_SUCCESS && claims.ver != user->token_version))
        return unauthorized(req, "user gone, disabled, or token version changed");
    /* A logged-out session's access tokens end with it. */
    if (rv == APR_SUCCESS && claims.sid
        && (rv = pl_session_family_live(req->db, req->r->pool, claims.sid)) == PL_EAUTH)
        return unauthorized(req, "session logged out");
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "user");
        return 0;
    }
    req->caller.kind = kind;
    req->caller.user = user;
    req->caller.role = user->role;
    req->caller.session = claims.sid;
    req->caller.manages_credentials = 1;
    return 1;
}

static int by_key(mp_req_t *req, const char *token)
{
    pl_role_e scope;
    pl_apikey_t *key;
    pl_user_t *user;
    apr_status_t rv = pl_apikey_verify(req->db, req->r->pool, token, &key);

    if (rv == APR_SUCCESS)
        rv = load_user(req, key->user_id, &user);
    if (rv == PL_EAUTH)
        return unauthorized(req, "API key unknown, wrong, revoked or expired");
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "API key");
        return 0;
    }
    scope = pl_apikey_scope_role(key->scopes);
    req->caller.kind = MP_CALLER_APIKEY;
    req->caller.user = user;
    req->caller.key = key;
    req->caller.role = PL_ROLE_MIN(user->role, scope);
    /* The scope bounds the credential, not only the role: a read key
     * changes nothing, not even the user's own settings or keys; only an
     * admin-scoped key stands in for a session on the credentials. */
    req->caller.safe_only = scope < PL_ROLE_DEVELOPER;
    req->caller.manages_credentials = scope >= PL_ROLE_ADMIN;
    return 1;
}

/* A name Apache authenticated that belongs to a local account: the realm
 * in front (another htpasswd, LDAP, OIDC) is not the one that made it, so
 * the name alone must not hand it over, role included. */
static int refuse_local(mp_req_t *req, const pl_user_t *user)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r,
                  "PLN01301: Apache authenticated \"%s\", which is the name of a local account"
                  " (id %" APR_INT64_T_FMT "): refused. If that account is this person, an admin"
                  " links it with PATCH /api/v1/users/%" APR_INT64_T_FMT " {\"source\":\"apache\"};"
                  " otherwise rename one of the two", user->username, user->id, user->id);
    mp_audit(req, "auth.apache", user->username, 0, "user", user->id, 0);
    mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                   "the name Apache authenticated belongs to a local account; an admin must"
                   " link the two before it can sign in this way", NULL);
    return 0;
}

/* The account of the user Apache authenticated, made on first sight; only
 * an account of source "apache" (made so, or linked by an admin) matches. */
static int by_apache_user(mp_req_t *req)
{
    const char *name = req->r->user;
    pl_user_t *user;
    apr_status_t rv;

    if (!pl_username_valid(name))
        return unauthorized(req, "Apache user name is not a valid account name");
    rv = pl_store_user_by_name(req->db, req->r->pool, name, &user);
    if (rv == PL_ENOTFOUND) {
        user = apr_pcalloc(req->r->pool, sizeof(*user));
        user->username = name;
        user->role = (pl_role_e)req->conf->apache_user_role;
        user->source = "apache";
        rv = pl_store_user_insert(req->db, req->r->pool, user);
        if (rv == PL_ECONFLICT)   /* another request made it first */
            rv = pl_store_user_by_name(req->db, req->r->pool, name, &user);
        if (rv == APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                          "PLN00302: created account %s (%s) for the user Apache authenticated",
                          name, pl_role_name(user->role));
    }
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "user");
        return 0;
    }
    if (!user->source || strcmp(user->source, "apache"))
        return refuse_local(req, user);
    if (strcmp(user->status, "active"))
        return unauthorized(req, "account disabled");
    req->caller.kind = MP_CALLER_APACHE;
    req->caller.user = user;
    req->caller.role = user->role;
    req->caller.manages_credentials = 1;
    return 1;
}

int mp_auth_identify(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *authz = apr_table_get(r->headers_in, "Authorization");
    const char *cookie = NULL;

    memset(&req->caller, 0, sizeof(req->caller));
    if (authz && !strncasecmp(authz, "Bearer ", 7)) {
        const char *token = authz + 7;
        while (*token == ' ')
            token++;
        if (strlen(token) > PL_JWT_MAX_LEN)
            return unauthorized(req, "token too long");
        if (!strncmp(token, PL_APIKEY_PREFIX "_", sizeof(PL_APIKEY_PREFIX)))
            return by_key(req, token);
        return by_token(req, token, MP_CALLER_TOKEN);
    }
    if ((cookie = mp_cookie_get(r, "pl_access")) && *cookie) {
        if (strlen(cookie) > PL_JWT_MAX_LEN)
            return unauthorized(req, "token too long");
        return by_token(req, cookie, MP_CALLER_COOKIE);
    }
    if (req->conf->trust_apache_user && r->user && *r->user)
        return by_apache_user(req);
    return 1;
}

int mp_auth_check_csrf(mp_req_t *req)
{
    request_rec *r = req->r;

    if (req->caller.kind != MP_CALLER_COOKIE || r->method_number == M_GET
        || r->method_number == M_OPTIONS)
        return 1;
    return mp_auth_require_csrf(req);
}

int mp_auth_require_csrf(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *cookie = NULL, *header;

    header = apr_table_get(r->headers_in, HEADER_CSRF);
    if ((cookie = mp_cookie_get(r, COOKIE_CSRF)) && header
        && strlen(cookie) >= 32 && !strcmp(cookie, header))
        return 1;
    mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_CSRF_FAILED,
                   "a request made with the session cookie must send the " HEADER_CSRF
                   " header with the value of the " COOKIE_CSRF " cookie", NULL);
    return 0;
}
