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
#define MP_ROUTE_BODY_OPTIONAL 0x10  /* with MP_ROUTE_BODY: every field is optional, so a
                                        request without a body reads as {} */

typedef struct {
    int method;               /* M_GET, M_POST ... */
    const char *pattern;      /* "/api/v1/projects/{id}" */
    mp_handler_fn *handler;
    mp_perm_e permission;     /* checked on every request, before the handler */
    unsigned needs;
} mp_route_t;

/* The handler hook: routes requests of handler "planning". */
int mp_router_handle(request_rec *r);

/* GET /api/v1/routes: the route table itself (method, pattern, permission),
 * so clients, docs and the ownership tests work from the same truth. */
int mp_router_list(mp_req_t *req);

#endif
