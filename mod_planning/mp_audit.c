/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>

#include "mp_audit.h"
#include "auth/pl_audit.h"

apr_status_t mp_audit(mp_req_t *req, const char *action, const char *actor, apr_int64_t actor_id,
              const char *target_type, apr_int64_t target_id, int success)
{
    pl_audit_t e;
    apr_status_t rv;

    memset(&e, 0, sizeof(e));
    e.action = action;
    e.actor_id = actor_id ? actor_id : (req->caller.user ? req->caller.user->id : 0);
    e.actor = actor ? actor : (req->caller.user ? req->caller.user->username : NULL);
    e.target_type = target_type;
    e.target_id = target_id ? apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, target_id) : NULL;
    e.client_ip = req->r->useragent_ip;
    e.success = success;
    if (req->caller.key)
        e.details = apr_psprintf(req->r->pool, "{\"api_key\":%" APR_INT64_T_FMT "}",
                                 req->caller.key->id);
    if ((rv = pl_audit_record(req->db, req->r->pool, &e)) != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r,
                      "PLN00310: could not record audit entry %s for %s", action,
                      e.actor ? e.actor : "-");
    return rv;
}
