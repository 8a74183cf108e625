/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/health: for load balancers and monitoring. A status document,
 * not an error, even when it answers 503. */
#include "api.h"
#include "mp_dbd.h"
#include "db/pl_migrate.h"
#include "core/pl_version.h"

int api_health_get(mp_req_t *req)
{
    pl_jsonw_t *w = mp_reply_writer(req, 160);
    const char *status = "unavailable";
    int version = 0, reachable = 0;

    if (mp_dbd_acquire(req))
        reachable = pl_migrate_version(req->db, req->r->pool, &version) == APR_SUCCESS;
    if (reachable)
        status = version >= PL_SCHEMA_VERSION ? "ok" : "schema_outdated";
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "status", status);
    pl_jsonw_str(w, "version", PL_VERSION);
    pl_jsonw_object(w, "database");
    if (req->db)
        pl_jsonw_str(w, "driver", pl_db_driver_name(req->db));
    pl_jsonw_bool(w, "reachable", reachable);
    if (reachable)
        pl_jsonw_int(w, "schema_version", version);
    pl_jsonw_int(w, "schema_expected", PL_SCHEMA_VERSION);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    if (strcmp(status, "ok"))
        apr_table_setn(req->r->headers_out, "Retry-After", "5");
    return mp_reply_json(req, strcmp(status, "ok") ? HTTP_SERVICE_UNAVAILABLE : HTTP_OK, w);
}
