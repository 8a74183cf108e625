/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_optional.h>
#include <apr_optional_hooks.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "mp_dbd.h"
#include "core/pl_log.h"
#include "db/pl_db_watch.h"
#include "db/pl_migrate.h"
#include "core/pl_version.h"

#define SILENT_NOTE "planning-db-silent"   /* the request was refused unasked */

static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

static pl_db_t *wrap(apr_pool_t *p, ap_dbd_t *rec)
{
    pl_db_t *db = pl_db_wrap(p, rec->driver, rec->handle, rec->prepared,
                             apr_hash_pool_get(rec->prepared));

    if (db && db->dialect == PL_DB_MYSQL)   /* a reconnection changes it */
        db->watch_fd = mp_dbd_mysql_socket(rec->driver, rec->handle);
    return db;
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
    if (db->dialect == PL_DB_MYSQL
        && !mp_dbd_mysql_limit(rec->driver, rec->handle, conf->db_timeout))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cfg->server,
                     "PLN01507: cannot set time limits on a new mysql connection: a database"
                     " that stops answering holds the requests waiting on it");
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
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (!dbd_open || !dbd_close) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "PLN00412: mod_planning needs mod_dbd: add \"LoadModule dbd_module "
                     "modules/mod_dbd.so\" (a2enmod dbd) and DBDriver/DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    pl_db_watch_configure(apr_time_from_sec(mp_config_get(s)->db_timeout));
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG)
        mp_dbd_check_config(p, s);
    return OK;
}

/* A connection taken from mod_dbd's pool, with what it lives in: a pool
 * of its own under the caller's, so that a stream that takes one for each
 * save for an hour does not grow its request's pool. */
typedef struct {
    server_rec *s;
    ap_dbd_t *rec;
    apr_pool_t *pool;
} opened_t;

static apr_status_t close_opened(void *data)
{
    opened_t *o = data;

    dbd_close(o->s, o->rec);
    return APR_SUCCESS;
}

/* ap_dbd_open rather than the request-scoped ap_dbd_acquire, so that the
 * connection can go back before the request ends (a stream, between its
 * saves). mod_dbd's acquisition may wait for a free connection, connect or
 * ping one: it counts as a call to the database. */
static opened_t *take(apr_pool_t *parent, server_rec *s)
{
    apr_pool_t *p;
    apr_time_t started;
    opened_t *o;

    apr_pool_create(&p, parent);
    o = apr_palloc(p, sizeof(*o));
    o->s = s;
    o->pool = p;
    started = pl_db_watch_enter(-1);
    o->rec = dbd_open(p, s);
    pl_db_watch_leave(started, o->rec != NULL);
    if (!o->rec) {
        apr_pool_destroy(p);
        return NULL;
    }
    /* a pre-cleanup: it must run before p's subpools go, since with
     * DBDPersist Off the connection lives in one of them and ap_dbd_close
     * destroys that pool (after them, it destroyed it a second time and
     * broke the allocator: children crashed at exit) */
    apr_pool_pre_cleanup_register(p, o, close_opened);
    return o;
}

pl_db_t *mp_dbd_acquire(mp_req_t *req)
{
    request_rec *r = req->r;
    opened_t *o;

    if (req->db)
        return req->db;
    if (pl_db_watch_stalled()) {
        apr_table_setn(r->notes, SILENT_NOTE, "1");
        return NULL;
    }
    if (!(o = take(r->pool, r->server)))
        return NULL;
    req->db_lease = o;
    if (!(req->db = wrap(o->pool, o->rec))) {
        mp_dbd_release(req);
        return NULL;
    }
    if (req->conf->db_misconfigured)   /* it logs in: fixed since start */
        ((mp_sconf_t *)req->conf)->db_misconfigured = 0;
    req->db->busy_timeout_ms = req->conf->busy_timeout_ms;
    /* one budget for the request's statements; a later connection (a save of
     * a stream, minutes on) gets a budget of its own */
    if (req->db_rounds++)
        pl_db_deadline_from_now(req->db);
    else
        req->db->deadline = r->request_time + apr_time_from_msec(req->db->busy_timeout_ms);
    return req->db;
}

void mp_dbd_release(mp_req_t *req)
{
    if (req->db_lease)
        apr_pool_destroy(((opened_t *)req->db_lease)->pool);
    req->db_lease = NULL;
    req->db = NULL;
}

pl_db_t *mp_dbd_open(apr_pool_t *p, server_rec *s)
{
    opened_t *o = take(p, s);

    return o ? wrap(o->pool, o->rec) : NULL;
}

int mp_dbd_unavailable(mp_req_t *req)
{
    if (req->conf->db_misconfigured)
        return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_DATABASE_MISCONFIGURED,
                              "the server cannot log in to its database: an administrator must"
                              " correct DBDParams (see the error log)", NULL);
    if (apr_table_get(req->r->notes, SILENT_NOTE))
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_UNAVAILABLE,
                              "the database does not answer; retry shortly", NULL);
    return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_UNAVAILABLE,
                          "the database cannot be reached; retry shortly", NULL);
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
        mp_dbd_unavailable(req);
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
