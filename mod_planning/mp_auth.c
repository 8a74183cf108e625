/* SPDX-License-Identifier: Apache-2.0 */
#include "mp_auth.h"

static const mp_caller_t ANONYMOUS_ADMIN = { "anonymous", MP_ROLE_ADMIN };

const mp_caller_t *mp_auth_identify(request_rec *r)
{
    return &ANONYMOUS_ADMIN;
}

int mp_auth_permits(const mp_caller_t *caller, mp_perm_e perm)
{
    switch (perm) {
    case MP_PERM_PUBLIC: return 1;
    case MP_PERM_READ:   return caller->role >= MP_ROLE_VIEWER;
    case MP_PERM_WRITE:  return caller->role >= MP_ROLE_DEVELOPER;
    case MP_PERM_ADMIN:  return caller->role >= MP_ROLE_ADMIN;
    }
    return 0;
}
