/* SPDX-License-Identifier: Apache-2.0 */
/* Who is calling, and may they do what the route needs. */
#ifndef MP_AUTH_H
#define MP_AUTH_H

#include "mp_module.h"

typedef enum {
    MP_PERM_PUBLIC = 0,  /* anyone, even unidentified (health) */
    MP_PERM_READ,        /* viewer and above */
    MP_PERM_WRITE,       /* developer and above */
    MP_PERM_ADMIN        /* admin */
} mp_perm_e;

typedef enum { MP_ROLE_NONE = 0, MP_ROLE_VIEWER, MP_ROLE_DEVELOPER, MP_ROLE_ADMIN } mp_role_e;

typedef struct {
    const char *name;
    mp_role_e role;
} mp_caller_t;

/* Identifies the caller of r. Until accounts exist every caller is the
 * "anonymous" administrator: access is whatever Apache's own Require
 * directives on the <Location> allow. */
const mp_caller_t *mp_auth_identify(request_rec *r);

/* True when caller holds perm. */
int mp_auth_permits(const mp_caller_t *caller, mp_perm_e perm);

#endif
