/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_optional.h>
#include <apr_optional_hooks.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "mp_dbd.h"
#include "core/pl_log.h"
#include "db/pl_migrate.h"
#include "core/pl_version.h"

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

static pl_db_t *wrap(apr_pool_t *p, ap_dbd_t *rec)
{
    return pl_db_wrap(p, rec->driver, rec->handle, rec->prepared,
                      apr_hash_pool_get(rec->prepared));
}

static apr_status_t on_connect(apr_pool_t *p, dbd_cfg_t *cfg, ap_dbd_t *rec)
{
    const mp_sconf_t *conf = mp_config_get(cfg->server);
    pl_db_t *db = wrap(p, rec);
    apr_status_t rv;

    if (!db) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, cfg->server,
                     "PLN00410: DBDriver %s is not supported by mod_planning: use sqlite3 or mysql",
                     apr_dbd_name(rec->driver));
        return APR_EGENERAL;
    }
    rv = pl_db_setup_connection(db, p, conf->busy_timeout_ms);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, cfg->server,
                     "PLN00411: cannot set up a new %s connection (WAL, busy timeout, charset):"
                     " see the database message above", apr_dbd_name(rec->driver));
    return OK;
}

void mp_dbd_register_hooks(apr_pool_t *p)
{
    APR_OPTIONAL_HOOK(dbd, post_connect, on_connect, NULL, NULL, APR_HOOK_MIDDLE);
}

int mp_dbd_post_config(apr_pool_t *p, server_rec *s)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (!dbd_acquire || !dbd_open || !dbd_close) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "PLN00412: mod_planning needs mod_dbd: add \"LoadModule dbd_module "
                     "modules/mod_dbd.so\" (a2enmod dbd) and DBDriver/DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

pl_db_t *mp_dbd_acquire(mp_req_t *req)
{
    ap_dbd_t *rec;

    if (!req->db && (rec = dbd_acquire(req->r))) {
        req->db = wrap(req->r->pool, rec);
        if (req->db)
            req->db->busy_timeout_ms = req->conf->busy_timeout_ms;
    }
    return req->db;
}

typedef struct {
    server_rec *s;
    ap_dbd_t *rec;
} opened_t;

static apr_status_t close_opened(void *data)
{
    opened_t *o = data;

    dbd_close(o->s, o->rec);
    return APR_SUCCESS;
}

pl_db_t *mp_dbd_open(apr_pool_t *p, server_rec *s)
{
    opened_t *o = apr_palloc(p, sizeof(*o));

    if (!(o->rec = dbd_open(p, s)))
        return NULL;
    o->s = s;
    apr_pool_cleanup_register(p, o, close_opened, apr_pool_cleanup_null);
    return wrap(p, o->rec);
}

/* Once per child the first time the schema is found behind, so the error log
 * says what to do without repeating it on every request. */
static void log_behind(mp_req_t *req, int version)
{
    mp_runtime_t *rt = req->conf->rt;

    if (rt->schema_logged)
        return;
    rt->schema_logged = 1;
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r,
                  "PLN00413: the %s database has schema version %d but mod_planning %s needs %d:"
                  " run `planning migrate --driver %s --params <your DBDParams>`; the API"
                  " answers 503 until then", pl_db_driver_name(req->db), version, PL_VERSION,
                  PL_SCHEMA_VERSION, pl_db_driver_name(req->db));
}

int mp_dbd_ready(mp_req_t *req)
{
    mp_runtime_t *rt = req->conf->rt;
    int version = 0;

    if (!mp_dbd_acquire(req)) {
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_UNAVAILABLE,
                       "the database cannot be reached; retry shortly", NULL);
        return 0;
    }
    if (rt->schema_ok)
        return 1;
    if (pl_migrate_version(req->db, req->r->pool, &version) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_UNAVAILABLE,
                       "the database cannot be read; retry shortly", NULL);
        return 0;
    }
    if (version < PL_SCHEMA_VERSION) {
        log_behind(req, version);
        mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_SCHEMA_OUTDATED,
                       "the database schema is older than this server; an administrator must run"
                       " `planning migrate`", NULL);
        return 0;
    }
    rt->schema_ok = 1;
    return 1;
}
