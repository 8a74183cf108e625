/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/health: for load balancers and monitoring. A status document,
 * not an error, even when it answers 503: "ok"; "degraded" when the
 * database answers reads but refuses writes (its disk full, a lock held);
 * "schema_outdated"; "unavailable" when it cannot be reached or does not
 * answer (PlanningDatabaseTimeout). */
#include "api.h"
#include "mp_dbd.h"
#include "db/pl_health.h"
#include "db/pl_migrate.h"
#include "core/pl_status.h"
#include "core/pl_version.h"

/* The write is tried at most this often per process: a load balancer
 * asking many times a second does not take the write lock as often. */
#define WRITE_EVERY apr_time_from_sec(2)

static volatile apr_time_t written_at;
static volatile apr_status_t written_rv;

static apr_status_t try_write(mp_req_t *req)
{
    apr_time_t now = apr_time_now();

    if (written_at && now - written_at < WRITE_EVERY)
        return written_rv;
    /* one try of the driver's (about 1.5 s on a lock), not the request's budget */
    req->db->deadline = now;
    written_rv = pl_health_write(req->db, req->r->pool);
    written_at = now;
    return written_rv;
}

static const char *write_error(apr_status_t rv)
{
    return rv == PL_EFULL ? "disk_full" : rv == PL_EBUSY ? "locked"
         : rv == PL_EUNAVAILABLE ? "connection_lost" : "refused";
}

int api_health_get(mp_req_t *req)
{
    pl_jsonw_t *w = mp_reply_writer(req, 200);
    const char *status = "unavailable";
    apr_status_t wrote = APR_SUCCESS;
    int version = 0, reachable = 0;

    if (mp_dbd_acquire(req))
        reachable = pl_migrate_version(req->db, req->r->pool, &version) == APR_SUCCESS;
    if (reachable && version >= PL_SCHEMA_VERSION)
        wrote = try_write(req);
    if (reachable)
        status = version < PL_SCHEMA_VERSION ? "schema_outdated"
               : wrote != APR_SUCCESS ? "degraded" : "ok";
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "status", status);
    pl_jsonw_str(w, "version", PL_VERSION);
    pl_jsonw_object(w, "database");
    if (req->db)
        pl_jsonw_str(w, "driver", pl_db_driver_name(req->db));
    pl_jsonw_bool(w, "reachable", reachable);
    if (reachable) {
        pl_jsonw_int(w, "schema_version", version);
        pl_jsonw_bool(w, "writable", wrote == APR_SUCCESS);
        if (wrote != APR_SUCCESS)
            pl_jsonw_str(w, "write_error", write_error(wrote));
    }
    pl_jsonw_int(w, "schema_expected", PL_SCHEMA_VERSION);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    if (strcmp(status, "ok"))
        apr_table_setn(req->r->headers_out, "Retry-After", "5");
    return mp_reply_json(req, strcmp(status, "ok") ? HTTP_SERVICE_UNAVAILABLE : HTTP_OK, w);
}
