/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "api/api.h"
#include "api/api_mcp.h"
#include "mp_dbd.h"
#include "mp_ratelimit.h"
#include "mp_router.h"
#include "auth/pl_members.h"
#include "core/pl_route.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define P MP_API_BASE
#define O MP_OLLAMA_BASE "/api"
#define V MP_OLLAMA_BASE "/v1"
#define DB       MP_ROUTE_DB
#define BODY_DB  (MP_ROUTE_BODY | MP_ROUTE_DB)
#define OPT_BODY_DB (BODY_DB | MP_ROUTE_BODY_OPTIONAL)
#define PROJ     (MP_ROUTE_DB | MP_ROUTE_PROJECT)
#define ANY_KEY  MP_ROUTE_ANY_KEY
#define CRED     MP_ROUTE_CREDENTIALS

static const mp_route_t ROUTES[] = {
    { M_GET,    P "/health",            api_health_get,       MP_PERM_PUBLIC, ANY_KEY },
    { M_GET,    P "/routes",            mp_router_list,       MP_PERM_READ,   DB | ANY_KEY },
    /* MCP: each method and tool checks the caller's rights itself */
    { M_POST,   P "/mcp",               api_mcp_post,         MP_PERM_READ,
                DB | ANY_KEY | MP_ROUTE_RPC },
    { M_GET,    P "/openapi.json",      api_openapi_get,      MP_PERM_PUBLIC, ANY_KEY },

    { M_GET,    P "/auth/setup",        api_auth_setup_status, MP_PERM_PUBLIC, DB },
    { M_POST,   P "/auth/setup",        api_auth_setup,       MP_PERM_PUBLIC, BODY_DB },
    { M_POST,   P "/auth/login",        api_auth_login,       MP_PERM_PUBLIC, BODY_DB },
    { M_POST,   P "/auth/refresh",      api_auth_refresh,     MP_PERM_PUBLIC, DB },
    { M_POST,   P "/auth/logout",       api_auth_logout,      MP_PERM_PUBLIC, DB },
    { M_POST,   P "/auth/logout-all",   api_auth_logout_all,  MP_PERM_READ,   DB | CRED },
    { M_GET,    P "/auth/me",           api_auth_me,          MP_PERM_READ,   DB | ANY_KEY },
    { M_PUT,    P "/auth/password",     api_auth_password,    MP_PERM_READ,   BODY_DB },
    { M_POST,   P "/auth/keys",         api_keys_create,      MP_PERM_READ,   BODY_DB | CRED },
    { M_GET,    P "/auth/keys",         api_keys_list,        MP_PERM_READ,   DB | CRED },
    { M_DELETE, P "/auth/keys/{key}",   api_keys_revoke,      MP_PERM_READ,   DB | CRED },

    { M_GET,    P "/users",             api_users_list,       MP_PERM_ADMIN,  DB },
    { M_POST,   P "/users",             api_users_create,     MP_PERM_ADMIN,  BODY_DB },
    { M_GET,    P "/users/me/settings", api_settings_get,     MP_PERM_READ,   DB },
    { M_PUT,    P "/users/me/settings", api_settings_put,     MP_PERM_READ,   BODY_DB },
    { M_GET,    P "/users/{user}",      api_users_get,        MP_PERM_ADMIN,  DB },
    { M_PATCH,  P "/users/{user}",      api_users_patch,      MP_PERM_ADMIN,  BODY_DB },
    { M_DELETE, P "/users/{user}",      api_users_delete,     MP_PERM_ADMIN,  DB },
    { M_GET,    P "/audit",             api_audit_list,       MP_PERM_ADMIN,  DB },

    { M_GET,    P "/servers",           api_servers_list,     MP_PERM_ADMIN,  DB },
    { M_POST,   P "/servers",           api_servers_create,   MP_PERM_ADMIN,  BODY_DB },
    { M_GET,    P "/servers/{server}",  api_servers_get,      MP_PERM_ADMIN,  DB },
    { M_PATCH,  P "/servers/{server}",  api_servers_patch,    MP_PERM_ADMIN,  BODY_DB },
    { M_DELETE, P "/servers/{server}",  api_servers_delete,   MP_PERM_ADMIN,  DB },
    { M_GET,    P "/servers/{server}/test",   api_servers_test,   MP_PERM_ADMIN, DB },
    { M_GET,    P "/servers/{server}/models", api_servers_models, MP_PERM_ADMIN, DB },
    { M_GET,    P "/servers/{server}/ps",     api_servers_ps,     MP_PERM_ADMIN, DB },
    { M_DELETE, P "/servers/{server}/models/{name*}", api_servers_model_delete, MP_PERM_ADMIN, DB },
    { M_POST,   P "/servers/{server}/models/pull", api_servers_pull, MP_PERM_ADMIN, BODY_DB },
    { M_GET,    P "/models",            api_models_list,      MP_PERM_READ,   DB },
    { M_GET,    P "/usage",             api_usage_list,       MP_PERM_READ,   DB },
    { M_GET,    P "/jobs",              api_jobs_list,        MP_PERM_READ,   DB },
    { M_GET,    P "/jobs/{job}",        api_jobs_get,         MP_PERM_READ,   DB },
    { M_DELETE, P "/jobs/{job}",        api_jobs_cancel,      MP_PERM_WRITE,  DB },
    { M_POST,   P "/jobs/{job}/cancel", api_jobs_cancel,      MP_PERM_WRITE,  DB },
    { M_GET,    P "/jobs/{job}/events", api_jobs_events,      MP_PERM_READ,   DB },

    { M_GET,    P "/threads",           api_threads_list,     MP_PERM_READ,   DB },
    { M_POST,   P "/threads",           api_threads_create,   MP_PERM_WRITE,  OPT_BODY_DB },
    { M_GET,    P "/threads/{thread}",  api_threads_get,      MP_PERM_READ,   DB },
    { M_PATCH,  P "/threads/{thread}",  api_threads_patch,    MP_PERM_WRITE,  BODY_DB },
    { M_DELETE, P "/threads/{thread}",  api_threads_delete,   MP_PERM_WRITE,  DB },
    { M_GET,    P "/threads/{thread}/messages", api_messages_list, MP_PERM_READ,  DB },
    { M_POST,   P "/threads/{thread}/messages", api_messages_post, MP_PERM_WRITE, BODY_DB },
    { M_POST,   P "/threads/{thread}/stop",     api_threads_stop,  MP_PERM_WRITE, DB },
    { M_POST,   P "/threads/{thread}/messages/{message}/confirm", api_messages_confirm,
      MP_PERM_WRITE, BODY_DB },
    { M_GET,    P "/threads/{thread}/messages/{message}/stream", api_stream_follow, MP_PERM_READ, DB },
    { M_POST,   P "/threads/{thread}/assign",   api_threads_assign, MP_PERM_WRITE, BODY_DB },
    { M_POST,   P "/threads/import",            api_threads_import, MP_PERM_WRITE, BODY_DB },
    { M_GET,    P "/threads/{thread}/export",   api_threads_export, MP_PERM_READ,  DB },
    { M_PUT,    P "/threads/{thread}/leaf",     api_threads_leaf,   MP_PERM_WRITE, BODY_DB },
    { M_POST,   P "/threads/{thread}/messages/{message}/regenerate", api_messages_regenerate,
                MP_PERM_WRITE, OPT_BODY_DB },
    { M_POST,   P "/threads/{thread}/messages/{message}/edit", api_messages_edit, MP_PERM_WRITE,
                BODY_DB },
    { M_DELETE, P "/threads/{thread}/messages/{message}", api_messages_delete, MP_PERM_WRITE, DB },

    { M_GET,    P "/prompts",           api_prompts_list,     MP_PERM_READ,   DB },
    { M_POST,   P "/prompts",           api_prompts_create,   MP_PERM_WRITE,  BODY_DB },
    { M_GET,    P "/prompts/{prompt}",  api_prompts_get,      MP_PERM_READ,   DB },
    { M_PATCH,  P "/prompts/{prompt}",  api_prompts_patch,    MP_PERM_WRITE,  BODY_DB },
    { M_DELETE, P "/prompts/{prompt}",  api_prompts_delete,   MP_PERM_WRITE,  DB },
    { M_GET,    P "/prompts/{prompt}/versions", api_prompt_versions_list, MP_PERM_READ, DB },
    { M_GET,    P "/prompts/{prompt}/versions/{version}", api_prompt_versions_get, MP_PERM_READ, DB },
    { M_POST,   P "/prompts/{prompt}/versions/{version}/restore", api_prompt_versions_restore,
                MP_PERM_WRITE, DB },
    { M_POST,   P "/prompts/{prompt}/render", api_prompts_render, MP_PERM_READ,  OPT_BODY_DB },
    { M_POST,   P "/prompts/{prompt}/test",   api_prompts_test,   MP_PERM_WRITE, BODY_DB },

    { M_GET,    P "/projects",          api_projects_list,    MP_PERM_READ,   DB | ANY_KEY },
    { M_POST,   P "/projects",          api_projects_create,  MP_PERM_WRITE,  BODY_DB },
    { M_GET,    P "/projects/{id}",     api_projects_get,     MP_PERM_READ,   PROJ },
    { M_PUT,    P "/projects/{id}",     api_projects_replace, MP_PERM_WRITE,  PROJ | MP_ROUTE_BODY },
    { M_PATCH,  P "/projects/{id}",     api_projects_patch,   MP_PERM_WRITE,  PROJ | MP_ROUTE_BODY },
    { M_DELETE, P "/projects/{id}",     api_projects_archive, MP_PERM_ADMIN,  PROJ },
    { M_GET,    P "/projects/{id}/members",        api_members_list,   MP_PERM_READ,  PROJ },
    { M_PUT,    P "/projects/{id}/members/{user}", api_members_put,    MP_PERM_ADMIN, PROJ | MP_ROUTE_BODY },
    { M_DELETE, P "/projects/{id}/members/{user}", api_members_delete, MP_PERM_ADMIN, PROJ },

    /* analyses: developers (and write-scoped keys) start them, viewers read;
     * /analyses/{analysis} checks the analysis's project in the handler */
    { M_POST,   P "/projects/{id}/analyze",   api_analyses_start, MP_PERM_WRITE,
                PROJ | MP_ROUTE_BODY | MP_ROUTE_BODY_OPTIONAL },
    { M_GET,    P "/projects/{id}/analyses",  api_projects_analyses, MP_PERM_READ, PROJ },
    { M_GET,    P "/projects/{id}/objectives", api_objectives_list, MP_PERM_READ, PROJ },
    { M_GET,    P "/projects/{id}/objectives/{objective}", api_objectives_get, MP_PERM_READ, PROJ },
    { M_GET,    P "/projects/{id}/gaps",      api_gaps_list,      MP_PERM_READ,  PROJ },
    { M_GET,    P "/projects/{id}/recommendations", api_recommendations_list, MP_PERM_READ, PROJ },
    /* progress over time; the pictures are public routes that decide
     * themselves (api_snapshots.c): anyone once the project's admin opened
     * them, else its readers */
    { M_GET,    P "/projects/{id}/snapshots", api_snapshots_list, MP_PERM_READ, PROJ },
    { M_GET,    P "/projects/{id}/trends",    api_trends_get,     MP_PERM_READ,  PROJ },
    { M_GET,    P "/projects/{id}/badge.svg", api_badge_svg,      MP_PERM_PUBLIC, DB | ANY_KEY },
    { M_GET,    P "/projects/{id}/trends.svg", api_trends_svg,    MP_PERM_PUBLIC, DB | ANY_KEY },
    { M_GET,    P "/projects/{id}/badge",     api_badge_get,      MP_PERM_READ,  PROJ },
    { M_PUT,    P "/projects/{id}/badge",     api_badge_put,      MP_PERM_ADMIN, PROJ | MP_ROUTE_BODY },
    { M_GET,    P "/projects/{id}/schedule",  api_schedule_get,   MP_PERM_READ,  PROJ },
    { M_PUT,    P "/projects/{id}/schedule",  api_schedule_put,   MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    /* the plan file with its versions: viewers read, developers (and
     * write-scoped keys) change and restore it */
    { M_GET,    P "/projects/{id}/plan",      api_plan_get,       MP_PERM_READ,  PROJ },
    { M_PUT,    P "/projects/{id}/plan",      api_plan_put,       MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_GET,    P "/projects/{id}/plan/versions", api_plan_versions_list, MP_PERM_READ, PROJ },
    { M_GET,    P "/projects/{id}/plan/versions/{version}", api_plan_versions_get, MP_PERM_READ, PROJ },
    { M_POST,   P "/projects/{id}/plan/versions/{version}/restore", api_plan_versions_restore,
                MP_PERM_WRITE, PROJ },
    { M_GET,    P "/projects/{id}/plan/diff", api_plan_diff,      MP_PERM_READ,  PROJ },
    /* webhooks: the admin makes the secret, readers see the setup and the
     * deliveries; a delivery is public and proves itself (api_hooks*.c) */
    { M_POST,   P "/projects/{id}/webhooks/secret", api_webhooks_secret, MP_PERM_ADMIN, PROJ },
    { M_GET,    P "/projects/{id}/webhooks",  api_webhooks_get,   MP_PERM_READ,  PROJ },
    { M_GET,    P "/projects/{id}/webhooks/deliveries", api_webhooks_deliveries, MP_PERM_READ,
                PROJ },
    { M_POST,   P "/hooks/{provider}/{project}", api_hooks_receive, MP_PERM_PUBLIC, 0 },
    { M_GET,    P "/analyses/{analysis}",     api_analyses_get,     MP_PERM_READ, DB | ANY_KEY },
    { M_GET,    P "/analyses/{analysis}/status",  api_analyses_status,  MP_PERM_READ, DB | ANY_KEY },
    { M_GET,    P "/analyses/{analysis}/results", api_analyses_results, MP_PERM_READ, DB | ANY_KEY },

    /* Ollama's API over the shared servers: a model run needs developer,
     * as a chat in a thread does */
    { M_GET,    MP_OLLAMA_BASE,         api_ollama_root,      MP_PERM_PUBLIC, ANY_KEY },
    { M_GET,    MP_OLLAMA_BASE "/",     api_ollama_root,      MP_PERM_PUBLIC, ANY_KEY },
    { M_POST,   O "/chat",              api_ollama_chat,      MP_PERM_WRITE,  BODY_DB },
    { M_POST,   O "/generate",          api_ollama_generate,  MP_PERM_WRITE,  BODY_DB },
    { M_POST,   O "/embed",             api_ollama_embed,     MP_PERM_WRITE,  BODY_DB },
    { M_POST,   O "/show",              api_ollama_show,      MP_PERM_READ,   BODY_DB },
    { M_GET,    O "/tags",              api_ollama_tags,      MP_PERM_READ,   DB },
    { M_GET,    O "/ps",                api_ollama_ps,        MP_PERM_READ,   DB },
    { M_GET,    O "/version",           api_ollama_version,   MP_PERM_READ,   DB },
    /* OpenAI's API over the same servers, with the same rights */
    { M_POST,   V "/chat/completions",  api_openai_chat,      MP_PERM_WRITE,  BODY_DB },
    { M_POST,   V "/completions",       api_openai_completions, MP_PERM_WRITE, BODY_DB },
    { M_POST,   V "/embeddings",        api_openai_embeddings, MP_PERM_WRITE, BODY_DB },
    { M_GET,    V "/models",            api_openai_models,    MP_PERM_READ,   DB },
    { M_GET,    V "/models/{model*}",   api_openai_model,     MP_PERM_READ,   DB },
    /* a project's files: viewers read, developers write (api_files*.c) */
    { M_GET,    P "/projects/{id}/files",        api_files_get,    MP_PERM_READ,  PROJ },
    { M_PUT,    P "/projects/{id}/files",        api_files_put,    MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_DELETE, P "/projects/{id}/files",        api_files_delete, MP_PERM_WRITE, PROJ },
    { M_POST,   P "/projects/{id}/files/mkdir",  api_files_mkdir,  MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_POST,   P "/projects/{id}/files/move",   api_files_move,   MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_PUT,    P "/projects/{id}/files/raw",    api_files_upload_raw,  MP_PERM_WRITE, PROJ },
    { M_POST,   P "/projects/{id}/files/upload", api_files_upload_form, MP_PERM_WRITE, PROJ },
    { M_GET,    P "/projects/{id}/files/zip",    api_files_zip,    MP_PERM_READ,  PROJ },
    { M_GET,    P "/projects/{id}/files/search", api_files_search, MP_PERM_READ,  PROJ },
    { M_GET,    P "/projects/{id}/chat-defaults",  api_chat_defaults_get, MP_PERM_READ, PROJ },
    { M_PUT,    P "/projects/{id}/chat-defaults",  api_chat_defaults_put, MP_PERM_WRITE,
                PROJ | MP_ROUTE_BODY },

    /* git, local operations: viewers read, developers stage, commit, branch */
#define G P "/projects/{id}/git"
    { M_GET,    G "/status",            api_git_status,          MP_PERM_READ,  PROJ },
    { M_POST,   G "/stage",             api_git_stage,           MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_POST,   G "/unstage",           api_git_unstage,         MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_POST,   G "/commit",            api_git_commit,          MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_POST,   G "/commit-message",    api_git_commit_message,  MP_PERM_WRITE,
                PROJ | MP_ROUTE_BODY | MP_ROUTE_BODY_OPTIONAL },
    { M_GET,    G "/log",               api_git_log,             MP_PERM_READ,  PROJ },
    { M_GET,    G "/commits/{sha}",     api_git_show,            MP_PERM_READ,  PROJ },
    { M_GET,    G "/diff",              api_git_diff,            MP_PERM_READ,  PROJ },
    { M_GET,    G "/branches",          api_git_branches_list,   MP_PERM_READ,  PROJ },
    { M_POST,   G "/branches",          api_git_branches_create, MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_POST,   G "/checkout",          api_git_checkout,        MP_PERM_WRITE, PROJ | MP_ROUTE_BODY },
    { M_DELETE, G "/branches/{branch*}", api_git_branches_delete, MP_PERM_WRITE, PROJ },
    /* git, the network: admins set the remote, its deploy key and confirm
     * host keys; developers fetch, pull and push (jobs); the private key
     * and the token are never returned */
    { M_GET,    G "/deploy-key",        api_git_deploy_key_get,    MP_PERM_READ,  PROJ },
    { M_POST,   G "/deploy-key",        api_git_deploy_key_create, MP_PERM_ADMIN, PROJ },
    { M_DELETE, G "/deploy-key",        api_git_deploy_key_delete, MP_PERM_ADMIN, PROJ },
    { M_GET,    G "/remote",            api_git_remote_get,        MP_PERM_READ,  PROJ },
    { M_PUT,    G "/remote",            api_git_remote_put,        MP_PERM_ADMIN, PROJ | MP_ROUTE_BODY },
    { M_GET,    G "/host-keys",         api_git_host_keys_list,    MP_PERM_READ,  PROJ },
    { M_POST,   G "/host-keys/{host}/confirm", api_git_host_key_confirm, MP_PERM_ADMIN,
      PROJ | MP_ROUTE_BODY | MP_ROUTE_BODY_OPTIONAL },
    { M_DELETE, G "/host-keys/{host}",  api_git_host_key_delete,   MP_PERM_ADMIN, PROJ },
    { M_POST,   G "/fetch",             api_git_fetch,             MP_PERM_WRITE, PROJ },
    { M_POST,   G "/pull",              api_git_pull,              MP_PERM_WRITE, PROJ },
    { M_POST,   G "/push",              api_git_push,              MP_PERM_WRITE, PROJ },
    { M_POST,   G "/clone",             api_git_clone,             MP_PERM_WRITE, PROJ },
#undef G
};
#define NROUTES (sizeof(ROUTES) / sizeof(ROUTES[0]))

/* Archiving is for the project's admin (DELETE above); so are the fields
 * that archive, restore or move a project, by PUT or PATCH alike. */
static const mp_field_rule_t FIELD_RULES[] = {
    { P "/projects/{id}", "status",     MP_PERM_ADMIN, api_projects_current },
    { P "/projects/{id}", "local_path", MP_PERM_ADMIN, api_projects_current },
};
#define NFIELD_RULES (sizeof(FIELD_RULES) / sizeof(FIELD_RULES[0]))

static const char *const PERM_NAMES[] = { "public", "read", "write", "admin" };

/* The methods that path answers to, for Allow; NULL when no route has it. */
static const char *allowed_methods(apr_pool_t *p, const char *path)
{
    const char *allow = NULL;
    apr_size_t i;

    for (i = 0; i < NROUTES; i++) {
        const char *m;
        if (!pl_route_match(p, ROUTES[i].pattern, path, NULL))
            continue;
        m = ROUTES[i].method == M_GET ? "GET, HEAD" : ap_method_name_of(p, ROUTES[i].method);
        allow = allow ? apr_pstrcat(p, allow, ", ", m, NULL) : m;
    }
    return allow ? apr_pstrcat(p, allow, ", OPTIONS", NULL) : NULL;
}

/* Literal segments outrank parameters: /users/me/settings before /users/{user}. */
static const mp_route_t *find_route(mp_req_t *req)
{
    request_rec *r = req->r;
    apr_size_t i;

    for (i = 0; i < NROUTES; i++)
        if (ROUTES[i].method == r->method_number
            && pl_route_match(r->pool, ROUTES[i].pattern, r->uri, req->params))
            return &ROUTES[i];
    return NULL;
}

static int no_route(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *allow = allowed_methods(r->pool, r->uri);

    if (!allow)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND, "no such API resource", NULL);
    apr_table_setn(r->headers_out, "Allow", allow);
    if (r->method_number == M_OPTIONS)
        return mp_reply_empty(req, HTTP_NO_CONTENT);
    return mp_reply_error(req, HTTP_METHOD_NOT_ALLOWED, PL_ERR_METHOD_NOT_ALLOWED,
                          apr_psprintf(r->pool, "%s is not allowed here", r->method), NULL);
}

static int forbidden(mp_req_t *req, const char *why)
{
    mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN, why, NULL);
    return 0;
}

apr_status_t mp_router_project_role(mp_req_t *req, apr_int64_t id)
{
    apr_status_t rv = PL_ENOTFOUND;

    if (id > 0)
        rv = pl_project_role(req->db, req->r->pool, id, req->caller.user->id,
                             req->caller.user->role, &req->project_role);
    /* What the user may see; what the key lets it do there. */
    if (rv == APR_SUCCESS && req->caller.key)
        req->project_role = PL_ROLE_MIN(req->project_role, req->caller.role);
    return rv;
}

int mp_router_project_access(mp_req_t *req, apr_int64_t id, mp_perm_e permission,
                             const char *what)
{
    apr_status_t rv = mp_router_project_role(req, id);

    if (rv == APR_SUCCESS && req->project_role == PL_ROLE_NONE)
        rv = PL_ENOTFOUND;
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, what);
        return 0;
    }
    if (req->caller.key && req->caller.key->project_id && req->caller.key->project_id != id)
        return forbidden(req, "this API key is limited to another project");
    if (req->project_role < mp_auth_needed_role(permission))
        return forbidden(req, "your role in this project does not allow this");
    return 1;
}

/* The project the route names. */
static int check_project(mp_req_t *req, const mp_route_t *route)
{
    apr_int64_t id = 0;

    if (pl_text_int(apr_table_get(req->params, "id"), 1, APR_INT64_MAX, &id) != APR_SUCCESS)
        id = 0;
    return mp_router_project_access(req, id, route->permission, "project");
}

/* The field rules of the route against the body: a field the caller may
 * not change must be absent or keep its stored value (a PUT that sends the
 * project back as it is changes nothing). Returns 1, or 0 after a reply. */
static int check_fields(mp_req_t *req, const mp_route_t *route)
{
    pl_role_e role = (route->needs & MP_ROUTE_PROJECT) ? req->project_role : req->caller.role;
    pl_json_t *current = NULL;
    apr_size_t i;

    for (i = 0; i < NFIELD_RULES; i++) {
        const mp_field_rule_t *rule = &FIELD_RULES[i];
        const char *given, *stored;

        if (strcmp(rule->pattern, route->pattern) || role >= mp_auth_needed_role(rule->permission)
            || pl_json_type_of(req->body, rule->field) == PL_JSON_ABSENT)
            continue;
        if (!current && !rule->current(req, &current))
            return 0;
        given = pl_json_get_str(req->body, rule->field);
        stored = pl_json_get_str(current, rule->field);
        if (given && stored && !strcmp(given, stored))
            continue;
        mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                       apr_psprintf(req->r->pool, "changing %s needs the %s role%s", rule->field,
                                    pl_role_name(mp_auth_needed_role(rule->permission)),
                                    (route->needs & MP_ROUTE_PROJECT) ? " in this project" : ""),
                       rule->field);
        return 0;
    }
    return 1;
}

/* Identification and every permission check, for every route and verb. */
static int authorize(mp_req_t *req, const mp_route_t *route)
{
    if (!mp_auth_identify(req))
        return 0;
    if (!req->caller.user) {
        apr_table_setn(req->r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"mod_planning\"");
        mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_UNAUTHORIZED,
                       "sign in, or send an API key as Authorization: Bearer", NULL);
        return 0;
    }
    if (!mp_ratelimit(req, "api", req->caller.key
                      ? apr_psprintf(req->r->pool, "k%" APR_INT64_T_FMT, req->caller.key->id)
                      : apr_psprintf(req->r->pool, "u%" APR_INT64_T_FMT, req->caller.user->id),
                      req->conf->api_limit))
        return 0;
    /* What the credential allows, whatever the role (see mp_caller_t). */
    if (req->caller.safe_only && req->r->method_number != M_GET
        && !(route->needs & MP_ROUTE_RPC))
        return forbidden(req, "this API key is read-only: it may only GET");
    if ((route->needs & MP_ROUTE_CREDENTIALS) && !req->caller.manages_credentials)
        return forbidden(req, "keys and sessions are managed when signed in, or with an"
                              " admin-scoped API key");
    /* On a project the caller's role there decides (an owner is its admin). */
    if (!(route->needs & MP_ROUTE_PROJECT)
        && req->caller.role < mp_auth_needed_role(route->permission))
        return forbidden(req, "your role does not allow this");
    if (req->caller.key && req->caller.key->project_id
        && !(route->needs & (MP_ROUTE_ANY_KEY | MP_ROUTE_PROJECT)))
        return forbidden(req, "this API key is limited to one project");
    if ((route->needs & MP_ROUTE_PROJECT) && !check_project(req, route))
        return 0;
    return mp_auth_check_csrf(req);
}

int mp_router_handle(request_rec *r)
{
    const mp_route_t *route;
    mp_req_t *req;

    if (!r->handler || strcmp(r->handler, "planning"))
        return DECLINED;
    req = mp_request_create(r);
    req->ollama = !strncmp(r->uri, MP_OLLAMA_BASE "/", sizeof(MP_OLLAMA_BASE));
    req->openai = !strncmp(r->uri, V "/", sizeof(V));
    if (!(route = find_route(req)))
        return no_route(req);
    if ((route->needs & (MP_ROUTE_BODY | MP_ROUTE_RPC)) && !mp_request_check_length(req))
        return OK;
    if ((route->needs & MP_ROUTE_RPC) && !api_mcp_origin(req))
        return OK;
    /* A public route (login, setup, refresh) reads its body before it takes
     * a database connection (see mp_request_receive); any other reads it
     * only once the caller may act, so a stranger's body is never read. */
    if ((route->needs & MP_ROUTE_BODY) && route->permission == MP_PERM_PUBLIC
        && !mp_request_receive(req))
        return OK;
    if ((route->needs & MP_ROUTE_DB) && !mp_dbd_ready(req))
        return OK;
    if (route->permission != MP_PERM_PUBLIC && !authorize(req, route))
        return OK;
    if ((route->needs & MP_ROUTE_BODY)
        && !((route->needs & MP_ROUTE_BODY_OPTIONAL) && !mp_request_has_body(req)
             ? mp_request_empty_body(req) : mp_request_read_json(req)))
        return OK;
    if ((route->needs & MP_ROUTE_BODY) && route->permission != MP_PERM_PUBLIC
        && !check_fields(req, route))
        return OK;
    return route->handler(req);
}

/* "fields": {"status": "admin", ...}, the field rules of a route that
 * takes a body, when it has any. */
static void write_field_rules(pl_jsonw_t *w, const mp_route_t *route)
{
    apr_size_t i;
    int open = 0;

    for (i = 0; i < NFIELD_RULES && (route->needs & MP_ROUTE_BODY); i++) {
        if (strcmp(FIELD_RULES[i].pattern, route->pattern))
            continue;
        if (!open++)
            pl_jsonw_object(w, "fields");
        pl_jsonw_str(w, FIELD_RULES[i].field, PERM_NAMES[FIELD_RULES[i].permission]);
    }
    if (open)
        pl_jsonw_end(w);
}

int mp_router_list(mp_req_t *req)
{
    pl_jsonw_t *w = mp_reply_writer(req, 128 * NROUTES);
    apr_size_t i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "routes");
    for (i = 0; i < NROUTES; i++) {
        pl_jsonw_object(w, NULL);
        /* GET, not HEAD: httpd's method table maps both to M_GET */
        pl_jsonw_str(w, "method", ROUTES[i].method == M_GET ? "GET"
                                  : ap_method_name_of(req->r->pool, ROUTES[i].method));
        pl_jsonw_str(w, "path", ROUTES[i].pattern);
        pl_jsonw_str(w, "permission", PERM_NAMES[ROUTES[i].permission]);
        pl_jsonw_bool(w, "project_scoped", (ROUTES[i].needs & MP_ROUTE_PROJECT) != 0);
        pl_jsonw_bool(w, "body", (ROUTES[i].needs & MP_ROUTE_BODY) != 0);
        pl_jsonw_bool(w, "body_optional", (ROUTES[i].needs & MP_ROUTE_BODY_OPTIONAL) != 0);
        write_field_rules(w, &ROUTES[i]);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
