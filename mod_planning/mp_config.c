/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "mp_config.h"
#include "analyses/pl_schedule.h"
#include "mp_kdf.h"
#include "mp_ratelimit.h"
#include "auth/pl_jwt.h"
#include "core/pl_path.h"
#include "auth/pl_user.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define MERGE(field) (add->field != MP_UNSET ? add->field : base->field)

void *mp_config_create(apr_pool_t *p, server_rec *s)
{
    mp_sconf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->roots = NULL;
    conf->max_body = MP_UNSET;
    conf->max_upload = MP_UNSET;
    conf->zip_entries = MP_UNSET;
    conf->json_depth = MP_UNSET;
    conf->busy_timeout_ms = MP_UNSET;
    conf->cache_size = MP_UNSET;
    conf->access_ttl = MP_UNSET;
    conf->refresh_ttl = MP_UNSET;
    conf->reuse_grace = MP_UNSET;
    conf->trust_apache_user = MP_UNSET;
    conf->apache_user_role = MP_UNSET;
    conf->login_limit = MP_UNSET;
    conf->api_limit = MP_UNSET;
    conf->max_streams = MP_UNSET;
    conf->user_streams = MP_UNSET;
    conf->server_retry = MP_UNSET;
    conf->job_lease = MP_UNSET;
    conf->stream_grace = MP_UNSET;
    conf->tool_rounds = MP_UNSET;
    conf->tool_timeout = MP_UNSET;
    conf->tool_writes = MP_UNSET;
    conf->tool_confirm = MP_UNSET;
    conf->sse_heartbeat = MP_UNSET;
    conf->stream_lease = MP_UNSET;
    conf->max_reply = MP_UNSET;
    conf->analysis_timeout = MP_UNSET;
    conf->git_timeout = MP_UNSET;
    conf->analysis_schedule = MP_UNSET;
    conf->analysis_cpu = MP_UNSET;
    conf->analysis_memory = MP_UNSET;
    conf->db_timeout = MP_UNSET;
    conf->rt = apr_pcalloc(p, sizeof(*conf->rt));
    return conf;
}

void *mp_config_merge(apr_pool_t *p, void *basev, void *addv)
{
    const mp_sconf_t *base = basev, *add = addv;
    mp_sconf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->roots = add->roots ? add->roots : base->roots;
    conf->model_allow = add->model_allow ? add->model_allow : base->model_allow;
    conf->mcp_origins = add->mcp_origins ? add->mcp_origins : base->mcp_origins;
    conf->max_body = MERGE(max_body);
    conf->max_upload = MERGE(max_upload);
    conf->zip_entries = MERGE(zip_entries);
    conf->json_depth = MERGE(json_depth);
    conf->busy_timeout_ms = MERGE(busy_timeout_ms);
    conf->cache_size = MERGE(cache_size);
    conf->access_ttl = MERGE(access_ttl);
    conf->refresh_ttl = MERGE(refresh_ttl);
    conf->reuse_grace = MERGE(reuse_grace);
    conf->trust_apache_user = MERGE(trust_apache_user);
    conf->apache_user_role = MERGE(apache_user_role);
    conf->login_limit = MERGE(login_limit);
    conf->api_limit = MERGE(api_limit);
    conf->max_streams = MERGE(max_streams);
    conf->user_streams = MERGE(user_streams);
    conf->server_retry = MERGE(server_retry);
    conf->job_lease = MERGE(job_lease);
    conf->stream_grace = MERGE(stream_grace);
    conf->tool_rounds = MERGE(tool_rounds);
    conf->tool_timeout = MERGE(tool_timeout);
    conf->tool_writes = MERGE(tool_writes);
    conf->tool_confirm = MERGE(tool_confirm);
    conf->sse_heartbeat = MERGE(sse_heartbeat);
    conf->stream_lease = MERGE(stream_lease);
    conf->max_reply = MERGE(max_reply);
    conf->analyzer = add->analyzer ? add->analyzer : base->analyzer;
    conf->analysis_timeout = MERGE(analysis_timeout);
    conf->git_timeout = MERGE(git_timeout);
    conf->git_ca_file = add->git_ca_file ? add->git_ca_file : base->git_ca_file;
    conf->analysis_schedule = MERGE(analysis_schedule);
    conf->analysis_cpu = MERGE(analysis_cpu);
    conf->analysis_memory = MERGE(analysis_memory);
    conf->db_timeout = MERGE(db_timeout);
    if (add->token_key) {
        conf->token_key = add->token_key;
        conf->token_key_len = add->token_key_len;
        conf->token_key_file = add->token_key_file;
    }
    else {
        conf->token_key = base->token_key;
        conf->token_key_len = base->token_key_len;
        conf->token_key_file = base->token_key_file;
    }
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
    /* Also as written (folded), for the check of a local_path's text before
     * it is resolved: a root reached through a symlink may be named either
     * way. A resolved path can only match the resolved form. */
    arg = pl_path_normalize(cmd->pool, arg);
    if (strcmp(arg, real))
        APR_ARRAY_PUSH(conf->roots, const char *) = arg;
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

/* The analyzer runs without a shell or a search path: an absolute path to
 * a file that exists and may be run. */
static const char *set_analyzer(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_finfo_t fi;

    if (arg[0] != '/')
        return apr_psprintf(cmd->pool, "%s: '%s' is not an absolute path", cmd->cmd->name, arg);
    if (apr_stat(&fi, arg, APR_FINFO_TYPE | APR_FINFO_PROT, cmd->temp_pool) != APR_SUCCESS
        || fi.filetype != APR_REG || !(fi.protection & (APR_UEXECUTE | APR_GEXECUTE | APR_WEXECUTE)))
        return apr_psprintf(cmd->pool, "%s: '%s' is not an executable file (the planning"
                            " command, usually %s)", cmd->cmd->name, arg, MP_DEFAULT_ANALYZER);
    conf_of(cmd)->analyzer = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

static const char *set_analysis_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 86400, &conf_of(cmd)->analysis_timeout);
}

static const char *set_git_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 86400, &conf_of(cmd)->git_timeout);
}

/* The CA certificates (PEM) https remotes are checked against instead of
 * the system's: a company CA, or a test's. */
static const char *set_git_ca_file(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_finfo_t fi;

    if (arg[0] != '/')
        return apr_psprintf(cmd->pool, "%s: '%s' is not an absolute path", cmd->cmd->name, arg);
    if (apr_stat(&fi, arg, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || fi.filetype != APR_REG)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a readable file of PEM certificates",
                            cmd->cmd->name, arg);
    conf_of(cmd)->git_ca_file = apr_pstrdup(cmd->pool, arg);
    return NULL;
}

/* "off" or an interval ("6h"), as a project's schedule is given. */
static const char *set_analysis_schedule(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why;

    if (!pl_schedule_interval_parse(arg, &conf_of(cmd)->analysis_schedule, &why))
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg, why);
    return NULL;
}

static const char *set_analysis_cpu(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 86400, &conf_of(cmd)->analysis_cpu);
}

/* 0 (no limit) or at least 64M: less cannot even load the analyzer. */
static const char *set_analysis_memory(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v;
    const char *err;

    if (!strcmp(arg, "0")) {
        conf_of(cmd)->analysis_memory = 0;
        return NULL;
    }
    if ((err = parse_size(cmd, arg, 64LL * 1024 * 1024, 1024LL * 1024 * 1024 * 1024, &v)))
        return err;
    conf_of(cmd)->analysis_memory = v;
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

static const char *set_max_upload(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;
    const char *err = parse_size(cmd, arg, 1, APR_INT64_C(1) << 40, &v);

    if (!err)
        conf_of(cmd)->max_upload = (apr_off_t)v;
    return err;
}

static const char *set_zip_entries(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;

    if (pl_text_int(arg, 1, 10000000, &v) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number from 1 to 10000000",
                            cmd->cmd->name, arg);
    conf_of(cmd)->zip_entries = (int)v;
    return NULL;
}

static const char *set_cache_size(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;
    const char *err = parse_size(cmd, arg, 0, APR_INT64_C(1) << 30, &v);

    if (!err)
        conf_of(cmd)->cache_size = (apr_off_t)v;
    return err;
}

/* Read at configuration time, so `apache2 -t` reports a missing, unreadable
 * or short key, and the children never touch the file. */
static const char *set_token_key(cmd_parms *cmd, void *dc, const char *arg)
{
    mp_sconf_t *conf = conf_of(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    char *buf;
    apr_status_t rv;

    if (!path)
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'", cmd->cmd->name, arg);
    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool)) != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: cannot read '%s' (%pm): create it with"
                            " `head -c 32 /dev/urandom > %s; chmod 600 %s`",
                            cmd->cmd->name, path, &rv, path, path);
    if (fi.size < PL_JWT_KEY_MIN || fi.size > 4096) {
        apr_file_close(f);
        return apr_psprintf(cmd->pool, "%s: '%s' holds %" APR_OFF_T_FMT " bytes; the key must"
                            " be %d to 4096 random bytes (head -c 32 /dev/urandom > %s)",
                            cmd->cmd->name, path, fi.size, PL_JWT_KEY_MIN, path);
    }
    len = (apr_size_t)fi.size;
    buf = apr_palloc(cmd->pool, len);
    rv = apr_file_read_full(f, buf, len, &len);
    apr_file_close(f);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: cannot read '%s' (%pm)", cmd->cmd->name, path, &rv);
    conf->token_key = (const unsigned char *)buf;
    conf->token_key_len = len;
    conf->token_key_file = path;
    return NULL;
}

static const char *set_access_ttl(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 30, 86400, &conf_of(cmd)->access_ttl);
}

static const char *set_refresh_ttl(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 300, 365 * 86400, &conf_of(cmd)->refresh_ttl);
}

static const char *set_reuse_grace(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 60, &conf_of(cmd)->reuse_grace);
}

static const char *set_trust(cmd_parms *cmd, void *dc, int on)
{
    conf_of(cmd)->trust_apache_user = on;
    return NULL;
}

static const char *set_apache_role(cmd_parms *cmd, void *dc, const char *arg)
{
    pl_role_e role = pl_role_parse(arg);

    if (role == PL_ROLE_NONE)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a role (viewer, developer or admin)",
                            cmd->cmd->name, arg);
    conf_of(cmd)->apache_user_role = (int)role;
    return NULL;
}

static const char *set_login_limit(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 100000, &conf_of(cmd)->login_limit);
}

static const char *set_api_limit(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 10000000, &conf_of(cmd)->api_limit);
}

/* "127.0.0.1", "192.168.1.0/24", "::1", "fd00::/8": apr_ipsubnet_t does the
 * parsing and the matching, IPv4-mapped addresses included. */
static const char *set_model_allow(cmd_parms *cmd, void *dc, const char *arg)
{
    mp_sconf_t *conf = conf_of(cmd);
    char *ip = apr_pstrdup(cmd->pool, arg), *mask = strchr(ip, '/');
    apr_ipsubnet_t *sub;

    if (mask)
        *mask++ = '\0';
    if (apr_ipsubnet_create(&sub, ip, mask, cmd->pool) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: '%s' is not an IP address or subnet"
                            " (such as 127.0.0.1 or 192.168.0.0/16)", cmd->cmd->name, arg);
    if (!conf->model_allow)
        conf->model_allow = apr_array_make(cmd->pool, 2, sizeof(apr_ipsubnet_t *));
    APR_ARRAY_PUSH(conf->model_allow, apr_ipsubnet_t *) = sub;
    return NULL;
}

/* "https://agent.example.com" or "http://localhost:5173": a scheme, a host
 * and an optional port, as browsers send Origin; nothing else (a path, a
 * user, a wildcard) would ever match, so it is refused here. */
static const char *set_mcp_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    mp_sconf_t *conf = conf_of(cmd);
    const char *host = NULL, *s;

    if (!strncasecmp(arg, "http://", 7))
        host = arg + 7;
    else if (!strncasecmp(arg, "https://", 8))
        host = arg + 8;
    for (s = host; s && *s && (apr_isalnum(*s) || strchr(".-:[]", *s)); s++)
        ;
    if (!host || !*host || *s || *host == ':')
        return apr_psprintf(cmd->pool, "%s: '%s' is not an origin: give a scheme (http or"
                            " https), a host and an optional port, such as"
                            " https://agent.example.com or http://localhost:5173",
                            cmd->cmd->name, arg);
    if (!conf->mcp_origins)
        conf->mcp_origins = apr_array_make(cmd->pool, 2, sizeof(const char *));
    APR_ARRAY_PUSH(conf->mcp_origins, const char *) = apr_pstrdup(cmd->pool, arg);
    ap_str_tolower(APR_ARRAY_IDX(conf->mcp_origins, conf->mcp_origins->nelts - 1, char *));
    return NULL;
}

static const char *set_max_streams(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 100000, &conf_of(cmd)->max_streams);
}

static const char *set_user_streams(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 10000, &conf_of(cmd)->user_streams);
}

static const char *set_server_retry(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 86400, &conf_of(cmd)->server_retry);
}

static const char *set_job_lease(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 5, 3600, &conf_of(cmd)->job_lease);
}

static const char *set_stream_grace(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 0, 3600, &conf_of(cmd)->stream_grace);
}

static const char *set_tool_rounds(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 100, &conf_of(cmd)->tool_rounds);
}

static const char *set_tool_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 86400, &conf_of(cmd)->tool_timeout);
}

static const char *set_tool_confirm(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 3600, &conf_of(cmd)->tool_confirm);
}

static const char *set_tool_writes(cmd_parms *cmd, void *dc, const char *arg)
{
    int *v = &conf_of(cmd)->tool_writes;

    if (!strcasecmp(arg, "allow"))
        *v = MP_TOOL_WRITES_ALLOW;
    else if (!strcasecmp(arg, "confirm"))
        *v = MP_TOOL_WRITES_CONFIRM;
    else if (!strcasecmp(arg, "deny"))
        *v = MP_TOOL_WRITES_DENY;
    else
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be allow, confirm or deny, not ",
                           arg, NULL);
    return NULL;
}

static const char *set_sse_heartbeat(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 3600, &conf_of(cmd)->sse_heartbeat);
}

static const char *set_stream_lease(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 3, 3600, &conf_of(cmd)->stream_lease);
}

static const char *set_max_reply(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t v = 0;
    const char *err = parse_size(cmd, arg, 1024, APR_INT64_C(256) << 20, &v);

    if (!err)
        conf_of(cmd)->max_reply = (apr_off_t)v;
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

static const char *set_db_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    return parse_int(cmd, arg, 1, 600, &conf_of(cmd)->db_timeout);
}

const command_rec mp_config_cmds[] = {
    AP_INIT_ITERATE("PlanningProjectRoots", set_roots, NULL, RSRC_CONF,
                    "Directories under which project checkouts may lie"),
    AP_INIT_TAKE1("PlanningMaxBodySize", set_max_body, NULL, RSRC_CONF,
                  "Largest request body the API reads, in bytes (default 1M)"),
    AP_INIT_TAKE1("PlanningMaxUploadSize", set_max_upload, NULL, RSRC_CONF,
                  "Largest file upload (raw or multipart), in bytes (default 100M)"),
    AP_INIT_TAKE1("PlanningMaxZipEntries", set_zip_entries, NULL, RSRC_CONF,
                  "Most files and directories in one zip download (default 100000)"),
    AP_INIT_TAKE1("PlanningJSONMaxDepth", set_json_depth, NULL, RSRC_CONF,
                  "Deepest nesting accepted in a JSON body (default 32)"),
    AP_INIT_TAKE1("PlanningSQLiteBusyTimeout", set_busy_timeout, NULL, RSRC_CONF,
                  "Milliseconds a request's SQLite statements wait for locks in all (default 5000)"),
    AP_INIT_TAKE1("PlanningDatabaseTimeout", set_db_timeout, NULL, RSRC_CONF,
                  "Seconds the database may not answer before requests get 503 at once (default 5)"),
    AP_INIT_TAKE1("PlanningListCacheSize", set_cache_size, NULL, RSRC_CONF,
                  "Bytes of rendered list pages each process keeps (default 4M, 0: none)"),
    AP_INIT_TAKE1("PlanningTokenKeyFile", set_token_key, NULL, RSRC_CONF,
                  "File with the 32 or more random bytes that sign session tokens (required)"),
    AP_INIT_TAKE1("PlanningAccessTokenLifetime", set_access_ttl, NULL, RSRC_CONF,
                  "Seconds an access token is valid (default 900)"),
    AP_INIT_TAKE1("PlanningRefreshTokenLifetime", set_refresh_ttl, NULL, RSRC_CONF,
                  "Seconds a refresh token is valid (default 2592000, 30 days)"),
    AP_INIT_TAKE1("PlanningRefreshReuseGrace", set_reuse_grace, NULL, RSRC_CONF,
                  "Seconds a spent refresh token still renews its live session (default 10, 0: never)"),
    AP_INIT_FLAG("PlanningTrustApacheUser", set_trust, NULL, RSRC_CONF,
                 "Accept the user an Apache auth module authenticated (default Off)"),
    AP_INIT_TAKE1("PlanningApacheUserRole", set_apache_role, NULL, RSRC_CONF,
                  "Role of accounts created for Apache-authenticated users (default viewer)"),
    AP_INIT_TAKE1("PlanningLoginRateLimit", set_login_limit, NULL, RSRC_CONF,
                  "Login attempts per minute per client address and per account (default 10)"),
    AP_INIT_TAKE1("PlanningAPIRateLimit", set_api_limit, NULL, RSRC_CONF,
                  "API requests per minute per caller (default 1200, 0: no limit)"),
    AP_INIT_TAKE1("PlanningMaxStreams", set_max_streams, NULL, RSRC_CONF,
                  "Chat replies one httpd process serves at once (default 64)"),
    AP_INIT_TAKE1("PlanningMaxStreamsPerUser", set_user_streams, NULL, RSRC_CONF,
                  "Chat replies one user may have at once, and may follow at once, across processes (default 4)"),
    AP_INIT_TAKE1("PlanningStreamGrace", set_stream_grace, NULL, RSRC_CONF,
                  "Seconds a reply goes on after its reader left, for one to reconnect (default 30, 0: none)"),
    AP_INIT_TAKE1("PlanningToolMaxRounds", set_tool_rounds, NULL, RSRC_CONF,
                  "Rounds of tool calls a chat reply may make before it must answer (default 8)"),
    AP_INIT_TAKE1("PlanningToolTimeout", set_tool_timeout, NULL, RSRC_CONF,
                  "Seconds a chat reply's tool loop may take in all (default 300)"),
    AP_INIT_TAKE1("PlanningToolWrites", set_tool_writes, NULL, RSRC_CONF,
                  "What a chat's write tools may do: allow, confirm (the user approves each) or deny (default confirm)"),
    AP_INIT_TAKE1("PlanningToolConfirmTimeout", set_tool_confirm, NULL, RSRC_CONF,
                  "Seconds a write tool waits for the user's confirmation; none in time is a rejection (default 120)"),
    AP_INIT_TAKE1("PlanningSSEHeartbeat", set_sse_heartbeat, NULL, RSRC_CONF,
                  "Seconds of silence on an event stream before a keep-alive comment (default 15)"),
    AP_INIT_TAKE1("PlanningStreamLease", set_stream_lease, NULL, RSRC_CONF,
                  "Seconds a reply may go unsaved before it counts as interrupted (default 30)"),
    AP_INIT_TAKE1("PlanningMaxReplySize", set_max_reply, NULL, RSRC_CONF,
                  "Bytes of text a model reply may grow to (default 4M)"),
    AP_INIT_ITERATE("PlanningMCPOrigins", set_mcp_origin, NULL, RSRC_CONF,
                    "browser origins allowed to call /api/v1/mcp besides the server's own names"),
    AP_INIT_ITERATE("PlanningModelServerAllow", set_model_allow, NULL, RSRC_CONF,
                    "Private, loopback or LAN subnets model servers may be on (default none)"),
    AP_INIT_TAKE1("PlanningModelServerRetry", set_server_retry, NULL, RSRC_CONF,
                  "Seconds a model server that failed is skipped by chats (default 30)"),
    AP_INIT_TAKE1("PlanningJobLease", set_job_lease, NULL, RSRC_CONF,
                  "Seconds before a job whose process stopped reporting runs again (default 30)"),
    AP_INIT_TAKE1("PlanningAnalyzer", set_analyzer, NULL, RSRC_CONF,
                  "The planning command analysis jobs run (default " MP_DEFAULT_ANALYZER ")"),
    AP_INIT_TAKE1("PlanningAnalysisTimeout", set_analysis_timeout, NULL, RSRC_CONF,
                  "Seconds an analysis may run before it is killed (default 1800)"),
    AP_INIT_TAKE1("PlanningGitTimeout", set_git_timeout, NULL, RSRC_CONF,
                  "Seconds a git fetch, pull, push or clone may run before it is killed"
                  " (default 300)"),
    AP_INIT_TAKE1("PlanningGitCAFile", set_git_ca_file, NULL, RSRC_CONF,
                  "PEM CA certificates for https git remotes (default the system's)"),
    AP_INIT_TAKE1("PlanningAnalysisSchedule", set_analysis_schedule, NULL, RSRC_CONF,
                  "How often a project with no schedule of its own is analysed: off, or 30m,"
                  " 6h, 1d (default off)"),
    AP_INIT_TAKE1("PlanningAnalysisCPU", set_analysis_cpu, NULL, RSRC_CONF,
                  "CPU seconds an analysis may use (default 0: the timeout)"),
    AP_INIT_TAKE1("PlanningAnalysisMemory", set_analysis_memory, NULL, RSRC_CONF,
                  "Address space of an analysis, with K, M or G (default 2G, 0: no limit)"),
    AP_INIT_TAKE1("PlanningRateLimitCache", mp_ratelimit_set_cache, NULL, RSRC_CONF,
                  "socache provider[:arguments] the rate limits are kept in (default shmcb)"),
    AP_INIT_TAKE12("PlanningPasswordHashes", mp_kdf_set_limit, NULL, RSRC_CONF,
                   "Argon2 runs one process does at once, and the milliseconds the excess"
                   " waits before 503 (default: the number of CPUs, 2000)"),
    { NULL }
};

int mp_config_post(apr_pool_t *p, server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        mp_sconf_t *conf = ap_get_module_config(vs->module_config, &planning_module);
        if (conf->max_body == MP_UNSET)
            conf->max_body = MP_DEFAULT_MAX_BODY;
        if (conf->max_upload == MP_UNSET)
            conf->max_upload = MP_DEFAULT_MAX_UPLOAD;
        if (conf->zip_entries == MP_UNSET)
            conf->zip_entries = MP_DEFAULT_ZIP_ENTRIES;
        if (conf->json_depth == MP_UNSET)
            conf->json_depth = MP_DEFAULT_JSON_DEPTH;
        if (conf->busy_timeout_ms == MP_UNSET)
            conf->busy_timeout_ms = MP_DEFAULT_BUSY_TIMEOUT;
        if (conf->cache_size == MP_UNSET)
            conf->cache_size = MP_DEFAULT_CACHE_SIZE;
        if (conf->access_ttl == MP_UNSET)
            conf->access_ttl = MP_DEFAULT_ACCESS_TTL;
        if (conf->refresh_ttl == MP_UNSET)
            conf->refresh_ttl = MP_DEFAULT_REFRESH_TTL;
        if (conf->reuse_grace == MP_UNSET)
            conf->reuse_grace = MP_DEFAULT_REUSE_GRACE;
        if (conf->trust_apache_user == MP_UNSET)
            conf->trust_apache_user = 0;
        if (conf->apache_user_role == MP_UNSET)
            conf->apache_user_role = PL_ROLE_VIEWER;
        if (conf->login_limit == MP_UNSET)
            conf->login_limit = MP_DEFAULT_LOGIN_LIMIT;
        if (conf->api_limit == MP_UNSET)
            conf->api_limit = MP_DEFAULT_API_LIMIT;
        if (conf->max_streams == MP_UNSET)
            conf->max_streams = MP_DEFAULT_MAX_STREAMS;
        if (conf->user_streams == MP_UNSET)
            conf->user_streams = MP_DEFAULT_USER_STREAMS;
        if (conf->server_retry == MP_UNSET)
            conf->server_retry = MP_DEFAULT_SERVER_RETRY;
        if (conf->job_lease == MP_UNSET)
            conf->job_lease = MP_DEFAULT_JOB_LEASE;
        if (conf->stream_grace == MP_UNSET)
            conf->stream_grace = MP_DEFAULT_STREAM_GRACE;
        if (conf->tool_rounds == MP_UNSET)
            conf->tool_rounds = MP_DEFAULT_TOOL_ROUNDS;
        if (conf->tool_timeout == MP_UNSET)
            conf->tool_timeout = MP_DEFAULT_TOOL_TIMEOUT;
        if (conf->tool_writes == MP_UNSET)
            conf->tool_writes = MP_TOOL_WRITES_CONFIRM;
        if (conf->tool_confirm == MP_UNSET)
            conf->tool_confirm = MP_DEFAULT_TOOL_CONFIRM;
        if (conf->sse_heartbeat == MP_UNSET)
            conf->sse_heartbeat = MP_DEFAULT_SSE_HEARTBEAT;
        if (conf->stream_lease == MP_UNSET)
            conf->stream_lease = MP_DEFAULT_STREAM_LEASE;
        if (conf->max_reply == MP_UNSET)
            conf->max_reply = MP_DEFAULT_MAX_REPLY;
        if (!conf->analyzer)
            conf->analyzer = MP_DEFAULT_ANALYZER;
        if (conf->analysis_timeout == MP_UNSET)
            conf->analysis_timeout = MP_DEFAULT_ANALYSIS_TIMEOUT;
        if (conf->git_timeout == MP_UNSET)
            conf->git_timeout = MP_DEFAULT_GIT_TIMEOUT;
        if (conf->analysis_cpu == MP_UNSET)
            conf->analysis_cpu = 0;
        if (conf->analysis_schedule == MP_UNSET)
            conf->analysis_schedule = 0;
        if (conf->analysis_memory == MP_UNSET)
            conf->analysis_memory = MP_DEFAULT_ANALYSIS_MEMORY;
        if (conf->db_timeout == MP_UNSET)
            conf->db_timeout = MP_DEFAULT_DB_TIMEOUT;
    }
    return OK;
}

const char *mp_config_problem(apr_pool_t *p, server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        const mp_sconf_t *conf = mp_config_get(vs);
        if (!conf->token_key)
            return apr_psprintf(p, "PLN00103: PlanningTokenKeyFile is not set (server %s):"
                                " mod_planning signs session tokens with it. Create one with"
                                " `head -c 32 /dev/urandom > /etc/apache2/planning.key;"
                                " chmod 600 /etc/apache2/planning.key` and add"
                                " \"PlanningTokenKeyFile /etc/apache2/planning.key\"",
                                vs->server_hostname ? vs->server_hostname : "main");
    }
    return NULL;
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
