/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/health: for load balancers and monitoring. A status document,
 * not an error, even when it answers 503. */
#include "api.h"
#include "mp_dbd.h"
#include "pl_migrate.h"
#include "pl_version.h"

int api_health_get(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    pl_json_t *doc = pl_json_object(p), *db = pl_json_object(p);
    const char *status = "unavailable";
    int version = 0, reachable = 0;

    if (mp_dbd_acquire(req)) {
        pl_json_set_str(db, "driver", pl_db_driver_name(req->db));
        reachable = pl_migrate_version(req->db, p, &version) == APR_SUCCESS;
    }
    if (reachable)
        status = version >= PL_SCHEMA_VERSION ? "ok" : "schema_outdated";
    pl_json_set_str(doc, "status", status);
    pl_json_set_str(doc, "version", PL_VERSION);
    pl_json_set_bool(db, "reachable", reachable);
    if (reachable)
        pl_json_set_int(db, "schema_version", version);
    pl_json_set_int(db, "schema_expected", PL_SCHEMA_VERSION);
    pl_json_set(doc, "database", db);
    if (strcmp(status, "ok"))
        apr_table_setn(req->r->headers_out, "Retry-After", "5");
    return mp_reply_json(req, strcmp(status, "ok") ? HTTP_SERVICE_UNAVAILABLE : HTTP_OK, doc);
}
