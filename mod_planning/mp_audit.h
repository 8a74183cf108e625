/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MP_AUDIT_H
#define MP_AUDIT_H

#include "mp_request.h"

/* Records an audit entry for req: the caller (or the name given, for a
 * login), the client address mod_remoteip established, the outcome. A
 * failure to record is logged, never hidden, and returned: a caller that
 * must not go on without its entry (a login) fails with it. */
apr_status_t mp_audit(mp_req_t *req, const char *action, const char *actor, apr_int64_t actor_id,
              const char *target_type, apr_int64_t target_id, int success);

#endif
