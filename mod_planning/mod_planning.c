/* SPDX-License-Identifier: Apache-2.0 */
/* mod_planning: the module record and its hooks. Everything else of the glue
 * lives in mp_*.c and api_*.c; the work is done by lib/. */
#define MP_MODULE_MAIN
#include <mpm_common.h>

#include "mp_module.h"
#include "mp_config.h"
#include "mp_dbd.h"
#include "mp_jobs.h"
#include "mp_kdf.h"
#include "mp_ratelimit.h"
#include "mp_router.h"
#include "core/pl_http.h"
#include "core/pl_log.h"
#include "core/pl_version.h"

static server_rec *main_server;

/* Library messages carry no request; they go to the main server's log. */
static void log_to_httpd(pl_log_level_e level, const char *file, int line, apr_status_t rv,
                         const char *msg, void *baton)
{
    ap_log_error(file, line, APLOG_MODULE_INDEX, (int)level, rv, main_server, "%s", msg);
}

/* check_config runs for `apache2 -t` too, which post_config does not. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *problem = mp_config_problem(pconf, s);

    if (problem) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "%s", problem);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return mp_ratelimit_check_config(ptemp, s);
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    int rv;

    main_server = s;
    if ((rv = check_config(pconf, plog, ptemp, s)) != OK)
        return rv;
    pl_log_set(log_to_httpd, PL_LOG_DEBUG, NULL);
    if ((rv = mp_config_post(pconf, s)) != OK || (rv = mp_dbd_post_config(pconf, s)) != OK
        || (rv = mp_ratelimit_post_config(pconf, ptemp, s)) != OK)
        return rv;
    /* libcurl's global set-up is not thread-safe: here, before any child. */
    if (pl_http_init() != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "PLN00002: cannot initialise libcurl");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     "PLN00001: mod_planning %s ready (schema version %d)", PL_VERSION,
                     PL_SCHEMA_VERSION);
    return OK;
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    pl_log_set(log_to_httpd, PL_LOG_DEBUG, NULL);
    mp_config_child_init(pchild, s);
    mp_ratelimit_child_init(pchild, s);
    mp_kdf_child_init(pchild, s);
    mp_jobs_child_init(pchild, s);
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const before_watchdog[] = { "mod_watchdog.c", NULL };

    ap_hook_pre_config(mp_ratelimit_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_config(mp_kdf_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    /* the job runner's callbacks must be there when mod_watchdog counts them */
    ap_hook_post_config(mp_jobs_post_config, NULL, before_watchdog, APR_HOOK_MIDDLE);
    ap_hook_child_stopping(mp_jobs_child_stopping, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(mp_router_handle, NULL, NULL, APR_HOOK_MIDDLE);
    mp_dbd_register_hooks(p);
}

AP_DECLARE_MODULE(planning) = {
    STANDARD20_MODULE_STUFF,
    NULL,                 /* per-directory config: none yet */
    NULL,
    mp_config_create,
    mp_config_merge,
    mp_config_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
