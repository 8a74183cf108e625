/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MP_ROUTER_H
#define MP_ROUTER_H

#include "mp_request.h"

typedef int mp_handler_fn(mp_req_t *req);

/* What a route needs before its handler runs. */
#define MP_ROUTE_BODY    0x1  /* a JSON object body */
#define MP_ROUTE_DB      0x2  /* the database, at the current schema */
#define MP_ROUTE_PROJECT 0x4  /* {id} is a project: the permission applies to the
                                 caller's role in it, and an invisible one is 404 */
#define MP_ROUTE_ANY_KEY 0x8  /* open to API keys limited to one project */
#define MP_ROUTE_CREDENTIALS 0x10 /* the caller's own keys and sessions: a session
                                     or an admin-scoped API key only */
#define MP_ROUTE_RPC     0x40  /* a JSON-RPC endpoint (MCP): the Origin is checked before
                                 anything, and the handler decides per method what the
                                 caller may do, so a read-scoped key may POST */
#define MP_ROUTE_BODY_OPTIONAL 0x20  /* with MP_ROUTE_BODY: every field is optional, so a
                                        request without a body reads as {} */

typedef struct {
    int method;               /* M_GET, M_POST ... */
    const char *pattern;      /* "/api/v1/projects/{id}" */
    mp_handler_fn *handler;
    mp_perm_e permission;     /* checked on every request, before the handler */
    unsigned needs;
} mp_route_t;

/* The stored state of the resource a route names, as its JSON reply shows
 * it, for the field rules to compare against. Returns 1, or 0 after an
 * error reply (404 ...). */
typedef int mp_current_fn(mp_req_t *req, pl_json_t **current);

/* A field whose change needs more than its route's permission, whichever
 * verb (PUT, PATCH) carries it: the router refuses a body that gives the
 * field a value other than the stored one when the caller's role (in the
 * project, for project routes) is below permission. */
typedef struct {
    const char *pattern;      /* the routes it applies to, as in the table */
    const char *field;
    mp_perm_e permission;
    mp_current_fn *current;
} mp_field_rule_t;

/* Whether the caller may do what permission asks on project id: its role
 * there, narrowed by an API key (and a key limited to another project is
 * refused). An invisible project is absent (404 naming what), visible but
 * not enough is 403. Returns 1, or 0 after the reply. For routes whose
 * project is known only from the resource (an analysis). */
int mp_router_project_access(mp_req_t *req, apr_int64_t id, mp_perm_e permission,
                             const char *what);
/* The caller's role in project id into req->project_role (narrowed by an
 * API key), without a reply: PL_ENOTFOUND for no such project. */
apr_status_t mp_router_project_role(mp_req_t *req, apr_int64_t id);

/* The handler hook: routes requests of handler "planning". */
int mp_router_handle(request_rec *r);

/* GET /api/v1/routes: the route table itself (method, pattern, permission),
 * so clients, docs and the ownership tests work from the same truth. */
int mp_router_list(mp_req_t *req);

#endif
