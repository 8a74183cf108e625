/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "mp_config.h"
#include "pl_path.h"
#include "pl_status.h"
#include "pl_text.h"

#define MERGE(field) (add->field != MP_UNSET ? add->field : base->field)

void *mp_config_create(apr_pool_t *p, server_rec *s)
{
    mp_sconf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->roots = NULL;
    conf->max_body = MP_UNSET;
    conf->json_depth = MP_UNSET;
    conf->busy_timeout_ms = MP_UNSET;
    conf->cache_size = MP_UNSET;
    conf->rt = apr_pcalloc(p, sizeof(*conf->rt));
    return conf;
}

void *mp_config_merge(apr_pool_t *p, void *basev, void *addv)
{
    const mp_sconf_t *base = basev, *add = addv;
    mp_sconf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->roots = add->roots ? add->roots : base->roots;
    conf->max_body = MERGE(max_body);
    conf->json_depth = MERGE(json_depth);
    conf->busy_timeout_ms = MERGE(busy_timeout_ms);
    conf->cache_size = MERGE(cache_size);
    conf->rt = add->rt;
    return conf;
}

const mp_sconf_t *mp_config_get(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &planning_module);
}

static mp_sconf_t *conf_of(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &planning_module);
}

static const char *set_roots(cmd_parms *cmd, void *dc, const char *arg)
{
    mp_sconf_t *conf = conf_of(cmd);
    const char *real;

    if (arg[0] != '/')
        return apr_psprintf(cmd->pool, "%s: '%s' is not an absolute path",
                            cmd->cmd->name, arg);
    if (pl_path_resolve(cmd->pool, arg, &real) != APR_SUCCESS
        || !ap_is_directory(cmd->temp_pool, real))
        return apr_psprintf(cmd->pool, "%s: '%s' is not an existing directory",
                            cmd->cmd->name, arg);
    if (!conf->roots)
        conf->roots = apr_array_make(cmd->pool, 2, sizeof(const char *));
    APR_ARRAY_PUSH(conf->roots, const char *) = real;
    return NULL;
}

/* An integer in [min, max] with an optional K, M or G suffix. */
static const char *parse_size(cmd_parms *cmd, const char *arg, apr_int64_t min,
                              apr_int64_t max, apr_int64_t *out)
{
    apr_size_t n = strlen(arg);
    apr_int64_t mult = 1, v;
    char *digits = apr_pstrdup(cmd->temp_pool, arg);

    if (n > 1) {
        switch (apr_toupper(arg[n - 1])) {
        case 'K': mult = 1024; break;
        case 'M': mult = 1024 * 1024; break;
        case 'G': mult = 1024 * 1024 * 1024; break;
        }
        if (mult > 1)
            digits[n - 1] = '\0';
    }
    if (pl_text_int(digits, 0, max, &v) != APR_SUCCESS || v * mult < min || v * mult > max)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a size between %" APR_INT64_T_FMT
                            " and %" APR_INT64_T_FMT " bytes (a number, optionally with K, M or G)",
                            cmd->cmd->name, arg, min, max);
    *out = v * mult;
    return NULL;
}

static const char *parse_int(cmd_parms *cmd, const char *arg, int min, int max, int *out)
{
    apr_int64_t v;

    if (pl_text_int(arg, min, max, &v) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number between %d and %d",
                            cmd->cmd->name, arg, min, max);
    *out = (int)v;
    return NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;
    const char *err = parse_size(cmd, arg, 1, APR_INT64_C(1) << 30, &v);

    if (!err)
        conf_of(cmd)->max_body = (apr_off_t)v;
    return err;
}

static const char *set_cache_size(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;
    const char *err = parse_size(cmd, arg, 0, APR_INT64_C(1) << 30, &v);

    if (!err)
        conf_of(cmd)->cache_size = (apr_off_t)v;
    return err;
}

static const char *set_json_depth(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 512, &conf_of(cmd)->json_depth);
}

static const char *set_busy_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 600000, &conf_of(cmd)->busy_timeout_ms);
}

const command_rec mp_config_cmds[] = {
    AP_INIT_ITERATE("PlanningProjectRoots", set_roots, NULL, RSRC_CONF,
                    "Directories under which project checkouts may lie"),
    AP_INIT_TAKE1("PlanningMaxBodySize", set_max_body, NULL, RSRC_CONF,
                  "Largest request body the API reads, in bytes (default 1M)"),
    AP_INIT_TAKE1("PlanningJSONMaxDepth", set_json_depth, NULL, RSRC_CONF,
                  "Deepest nesting accepted in a JSON body (default 32)"),
    AP_INIT_TAKE1("PlanningSQLiteBusyTimeout", set_busy_timeout, NULL, RSRC_CONF,
                  "Milliseconds a SQLite write waits for a lock (default 5000)"),
    AP_INIT_TAKE1("PlanningListCacheSize", set_cache_size, NULL, RSRC_CONF,
                  "Bytes of rendered list pages each process keeps (default 4M, 0: none)"),
    { NULL }
};

int mp_config_post(apr_pool_t *p, server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        mp_sconf_t *conf = ap_get_module_config(vs->module_config, &planning_module);
        if (conf->max_body == MP_UNSET)
            conf->max_body = MP_DEFAULT_MAX_BODY;
        if (conf->json_depth == MP_UNSET)
            conf->json_depth = MP_DEFAULT_JSON_DEPTH;
        if (conf->busy_timeout_ms == MP_UNSET)
            conf->busy_timeout_ms = MP_DEFAULT_BUSY_TIMEOUT;
        if (conf->cache_size == MP_UNSET)
            conf->cache_size = MP_DEFAULT_CACHE_SIZE;
    }
    return OK;
}

void mp_config_child_init(apr_pool_t *p, server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        mp_sconf_t *conf = ap_get_module_config(vs->module_config, &planning_module);
        apr_status_t rv = pl_cache_create(&conf->rt->pages, p, (apr_size_t)conf->cache_size);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, vs,
                         "PLN00102: cannot create the page cache; lists are rendered every time");
            pl_cache_create(&conf->rt->pages, p, 0);
        }
    }
}
