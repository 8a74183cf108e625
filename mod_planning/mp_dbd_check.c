/* SPDX-License-Identifier: Apache-2.0 */
/* What can be known about the database settings at start: pool settings
 * that can still make requests wait for a connection without end, and a
 * MariaDB/MySQL server that refuses DBDParams' login (a configuration
 * error, not an outage: replies say so instead of "retry shortly"). */
#include <apr_dbd.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <ap_mpm.h>
#include <mod_dbd.h>

#include "mp_dbd.h"

/* mod_dbd keeps its dbd_cfg_t (public, mod_dbd.h) behind a private
 * per-server record whose first member points to it; that layout has not
 * changed in httpd 2.4. cfg->server names the server it belongs to: a
 * record that does not say so is not read. */
typedef struct {
    dbd_cfg_t *cfg;
} dbd_svr_head_t;

static const dbd_cfg_t *dbd_config(server_rec *s)
{
    module *m = ap_find_linked_module("mod_dbd.c");
    dbd_svr_head_t *svr = m ? ap_get_module_config(s->module_config, m) : NULL;

    return svr && svr->cfg && svr->cfg->server == s && svr->cfg->name ? svr->cfg : NULL;
}

/* Pool settings that leave requests waiting for a connection. A chat
 * stream takes one only for each save, so DBDMax need not cover the
 * streams; what still holds one for long is the job runner (a model pull). */
static void check_pool(server_rec *s, const dbd_cfg_t *cfg)
{
    int threaded = 0;

    ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded);
    if (cfg->persist == 0 && threaded)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "PLN01501: DBDPersist Off: every request and every save of a streaming chat"
                     " reply opens a database connection of its own; set DBDPersist On");
    else if (cfg->nmax < 2)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "PLN01502: DBDMax %d: the job runner holds a connection for a whole job (a"
                     " model pull) and every request of the process waits for it meanwhile; set"
                     " DBDMax 2 or more", cfg->nmax);
}

/* The connections every process of this host may open against the server's
 * max_connections: past it, MariaDB refuses connections and requests get 503. */
static void check_connections(server_rec *s, const dbd_cfg_t *cfg, const apr_dbd_driver_t *drv,
                              apr_dbd_t *h, apr_pool_t *p)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *v = NULL;
    int daemons = 0, max = 0;

    if (apr_dbd_select(drv, p, h, &res, "SELECT @@max_connections", 0) != 0)
        return;
    while (apr_dbd_get_row(drv, p, res, &row, -1) == 0)
        if ((v = apr_dbd_get_entry(drv, row, 0)))
            max = atoi(v);
    ap_mpm_query(AP_MPMQ_HARD_LIMIT_DAEMONS, &daemons);
    if (max > 0 && cfg->persist != 0 && daemons > 0 && cfg->nmax * daemons > max)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "PLN01503: DBDMax %d in each of up to %d processes (ServerLimit) may open %d"
                     " connections, more than the database's max_connections %d: requests then"
                     " fail with 503. Lower DBDMax (chat streams hold no connection while the"
                     " model writes) or raise max_connections", cfg->nmax, daemons,
                     cfg->nmax * daemons, max);
}

/* Logs in once as the children will. A refused login (wrong user, password
 * or database) marks the server misconfigured until a connection succeeds. */
static void check_login(apr_pool_t *p, server_rec *s, const dbd_cfg_t *cfg)
{
    mp_sconf_t *conf = (mp_sconf_t *)mp_config_get(s);
    const apr_dbd_driver_t *drv;
    apr_dbd_t *h = NULL;
    const char *err = NULL;

    if (apr_dbd_get_driver(p, cfg->name, &drv) != APR_SUCCESS)
        return;   /* mod_dbd says so itself */
    if (apr_dbd_open_ex(drv, p, cfg->params, &h, &err) == APR_SUCCESS) {
        conf->db_misconfigured = 0;
        check_connections(s, cfg, drv, h, p);
        apr_dbd_close(drv, h);
        return;
    }
    if (err && (strstr(err, "Access denied") || strstr(err, "Unknown database"))) {
        conf->db_misconfigured = 1;
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "PLN01504: the %s server refuses the login in DBDParams (%s): correct the"
                     " user, pass and dbname in DBDParams, or the grants on the server; the API"
                     " answers 500 DATABASE_MISCONFIGURED until a connection succeeds",
                     cfg->name, err);
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                 "PLN01505: the %s server named in DBDParams cannot be reached at start (%s):"
                 " the API answers 503 DATABASE_UNAVAILABLE until it can", cfg->name,
                 err ? err : "no message");
}

void mp_dbd_check_config(apr_pool_t *p, server_rec *s)
{
    apr_hash_t *seen = apr_hash_make(p);
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        const dbd_cfg_t *cfg = dbd_config(vs);
        const char *key;

        if (!cfg || !cfg->params)
            continue;
        key = apr_pstrcat(p, cfg->name, "\n", cfg->params, NULL);
        if (apr_hash_get(seen, key, APR_HASH_KEY_STRING)) {
            /* the same database: the same verdict */
            ((mp_sconf_t *)mp_config_get(vs))->db_misconfigured
                = mp_config_get(apr_hash_get(seen, key, APR_HASH_KEY_STRING))->db_misconfigured;
            continue;
        }
        apr_hash_set(seen, key, APR_HASH_KEY_STRING, vs);
        check_pool(vs, cfg);
        /* SQLite: the parent runs as root and would own a file it creates */
        if (!strcmp(cfg->name, "mysql"))
            check_login(p, vs, cfg);
    }
}
