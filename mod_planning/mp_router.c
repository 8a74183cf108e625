/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "api.h"
#include "mp_dbd.h"
#include "mp_router.h"
#include "pl_route.h"

#define P MP_API_BASE
#define BODY_DB (MP_ROUTE_BODY | MP_ROUTE_DB)

static const mp_route_t ROUTES[] = {
    { M_GET,    P "/health",        api_health_get,       MP_PERM_PUBLIC, 0 },
    { M_GET,    P "/projects",      api_projects_list,    MP_PERM_READ,   MP_ROUTE_DB },
    { M_POST,   P "/projects",      api_projects_create,  MP_PERM_WRITE,  BODY_DB },
    { M_GET,    P "/projects/{id}", api_projects_get,     MP_PERM_READ,   MP_ROUTE_DB },
    { M_PUT,    P "/projects/{id}", api_projects_replace, MP_PERM_WRITE,  BODY_DB },
    { M_PATCH,  P "/projects/{id}", api_projects_patch,   MP_PERM_WRITE,  BODY_DB },
    { M_DELETE, P "/projects/{id}", api_projects_archive, MP_PERM_ADMIN,  MP_ROUTE_DB },
};
#define NROUTES (sizeof(ROUTES) / sizeof(ROUTES[0]))

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
        return mp_reply_error(req, HTTP_NOT_FOUND, "NOT_FOUND", "no such API resource", NULL);
    apr_table_setn(r->headers_out, "Allow", allow);
    if (r->method_number == M_OPTIONS)
        return mp_reply_empty(req, HTTP_NO_CONTENT);
    return mp_reply_error(req, HTTP_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                          apr_psprintf(r->pool, "%s is not allowed here", r->method), NULL);
}

int mp_router_handle(request_rec *r)
{
    const mp_route_t *route;
    mp_req_t *req;

    if (!r->handler || strcmp(r->handler, "planning"))
        return DECLINED;
    req = mp_request_create(r);
    if (!(route = find_route(req)))
        return no_route(req);

    req->caller = mp_auth_identify(r);
    if (!mp_auth_permits(req->caller, route->permission))
        return mp_reply_error(req, HTTP_FORBIDDEN, "FORBIDDEN",
                              "your role does not allow this", NULL);
    if ((route->needs & MP_ROUTE_BODY) && !mp_request_read_json(req))
        return OK;
    if ((route->needs & MP_ROUTE_DB) && !mp_dbd_ready(req))
        return OK;
    return route->handler(req);
}
