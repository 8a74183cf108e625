/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include "mp_module.h"
#include "core/pl_cache.h"

#define MP_UNSET (-1)

#define MP_DEFAULT_MAX_BODY      (1024 * 1024)
#define MP_DEFAULT_MAX_UPLOAD    (100LL * 1024 * 1024) /* bytes of one file upload */
#define MP_DEFAULT_ZIP_ENTRIES   100000            /* entries of one zip download */
#define MP_DEFAULT_JSON_DEPTH    32
#define MP_DEFAULT_BUSY_TIMEOUT  5000
#define MP_DEFAULT_CACHE_SIZE    (4 * 1024 * 1024)
#define MP_DEFAULT_ACCESS_TTL     900               /* 15 minutes */
#define MP_DEFAULT_REFRESH_TTL    (30 * 24 * 3600)  /* 30 days */
#define MP_DEFAULT_REUSE_GRACE    10                /* seconds */
#define MP_DEFAULT_LOGIN_LIMIT    10                /* per minute, address and account */
#define MP_DEFAULT_API_LIMIT      1200              /* per minute and caller */
#define MP_DEFAULT_MAX_STREAMS    64                /* per process */
#define MP_DEFAULT_USER_STREAMS   4                 /* per user, all processes */
#define MP_DEFAULT_SERVER_RETRY   30                /* seconds a failing model server is skipped */
#define MP_DEFAULT_JOB_LEASE      30                /* seconds a job's claim lasts unrenewed */
#define MP_DEFAULT_STREAM_GRACE   30                /* seconds a reply waits for a reader */
#define MP_DEFAULT_TOOL_ROUNDS    8                 /* model rounds of tool calls per message */
#define MP_DEFAULT_TOOL_TIMEOUT   300               /* seconds a chat's tool loop may take */
#define MP_DEFAULT_TOOL_CONFIRM   120               /* seconds a write waits for a confirmation */
/* PlanningToolWrites */
#define MP_TOOL_WRITES_ALLOW   1
#define MP_TOOL_WRITES_CONFIRM 2
#define MP_TOOL_WRITES_DENY    3
#define MP_DEFAULT_SSE_HEARTBEAT  15                /* seconds of silence before a comment */
#define MP_DEFAULT_STREAM_LEASE   30                /* seconds unsaved before a reply is dead */
#define MP_DEFAULT_MAX_REPLY      (4 * 1024 * 1024) /* bytes of content and thinking */
#define MP_DEFAULT_ANALYSIS_TIMEOUT 1800              /* seconds an analysis may run */
#define MP_DEFAULT_GIT_TIMEOUT      300               /* seconds a fetch, pull, push or clone may run */
#define MP_DEFAULT_ANALYSIS_MEMORY  (2048LL * 1024 * 1024) /* bytes of address space */
#ifndef PL_BINDIR
#define PL_BINDIR "/usr/bin"
#endif
#define MP_DEFAULT_ANALYZER       PL_BINDIR "/planning"
#define MP_DEFAULT_DB_TIMEOUT     5                 /* seconds the database may not answer */

/* What this child process knows about its database: checked on first use,
 * then trusted (migrations only move forward). */
typedef struct {
    volatile int schema_ok;
    volatile int schema_logged;
    pl_cache_t *pages;          /* rendered list pages, created in child_init */
} mp_runtime_t;

typedef struct {
    apr_array_header_t *roots;  /* const char *: each canonical, and as written; NULL: unset */
    apr_off_t max_body;
    apr_off_t max_upload;             /* PlanningMaxUploadSize: bytes of an upload */
    int zip_entries;                  /* PlanningMaxZipEntries */
    int json_depth;
    int busy_timeout_ms;
    apr_off_t cache_size;
    const unsigned char *token_key;   /* PlanningTokenKeyFile's bytes */
    apr_size_t token_key_len;
    const char *token_key_file;
    int access_ttl, refresh_ttl;      /* seconds */
    int reuse_grace;                  /* seconds a spent refresh token still renews */
    int trust_apache_user;            /* PlanningTrustApacheUser */
    int apache_user_role;             /* pl_role_e for accounts made on first sight */
    int login_limit, api_limit;       /* per minute; 0: no limit */
    apr_array_header_t *model_allow;  /* apr_ipsubnet_t *: private targets allowed */
    apr_array_header_t *mcp_origins;  /* const char *: PlanningMCPOrigins, lower case;
                                         NULL: only the server's own names */
    int max_streams, user_streams;    /* concurrent chat replies: per process, per user */
    int server_retry;                 /* PlanningModelServerRetry, seconds */
    int job_lease;                    /* PlanningJobLease, seconds */
    int stream_grace;                 /* seconds a reply goes on with no reader; 0: none */
    int tool_rounds;                  /* PlanningToolMaxRounds */
    int tool_timeout;                 /* PlanningToolTimeout, seconds */
    int tool_writes;                  /* PlanningToolWrites: MP_TOOL_WRITES_* */
    int tool_confirm;                 /* PlanningToolConfirmTimeout, seconds */
    int sse_heartbeat;                /* seconds of silence before a keep-alive comment */
    int stream_lease;                 /* seconds a "streaming" reply may go unsaved */
    apr_off_t max_reply;              /* bytes a reply may grow to */
    const char *analyzer;             /* PlanningAnalyzer: the planning binary; NULL: unset */
    int analysis_timeout;             /* PlanningAnalysisTimeout, seconds */
    int git_timeout;                  /* PlanningGitTimeout, seconds */
    const char *git_ca_file;          /* PlanningGitCAFile; NULL: the system's CAs */
    int analysis_cpu;                 /* PlanningAnalysisCPU, seconds; 0: the timeout */
    apr_int64_t analysis_memory;      /* PlanningAnalysisMemory, bytes; 0: no limit */
    int db_timeout;                   /* PlanningDatabaseTimeout, seconds */
    volatile int db_misconfigured;    /* the database refused DBDParams' login at start */
    int analysis_schedule;            /* PlanningAnalysisSchedule, minutes; 0: off */
    mp_runtime_t *rt;
} mp_sconf_t;

extern const command_rec mp_config_cmds[];

void *mp_config_create(apr_pool_t *p, server_rec *s);
void *mp_config_merge(apr_pool_t *p, void *basev, void *addv);
const mp_sconf_t *mp_config_get(const server_rec *s);

/* Fills in defaults; logs what an admin should know. */
int mp_config_post(apr_pool_t *p, server_rec *s);
/* What httpd must refuse to start with (no signing key): NULL when fine. */
const char *mp_config_problem(apr_pool_t *p, server_rec *s);
/* Creates each server's per-process state. */
void mp_config_child_init(apr_pool_t *p, server_rec *s);

#endif
