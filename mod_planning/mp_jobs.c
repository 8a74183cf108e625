/* SPDX-License-Identifier: Apache-2.0 */
/* A child serves the jobs of a virtual host once it has served that host's
 * API (its database answered and its schema is current): mod_dbd has no way
 * to ask whether a host has a database without logging an error when it
 * has none. Every child polls; the conditional UPDATE of pl_jobs_claim
 * makes sure one of them, on one host, runs a job. */
#include <unistd.h>

#include <apr_atomic.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <mod_watchdog.h>

#include "core/pl_errors.h"
#include "mp_config.h"
#include "mp_dbd.h"
#include "mp_jobs.h"
#include "core/pl_log.h"
#include "analyses/pl_analyses.h"
#include "analyses/pl_analysis_run.h"
#include "analyses/pl_schedule.h"
#include "chat/pl_pull.h"
#include "db/pl_db_watch.h"
#include "chat/pl_servers.h"
#include "git/pl_git_netjob.h"

#define WATCHDOG_NAME "planning-jobs"
#define POLL_EVERY    apr_time_from_sec(1)
#define MAX_ATTEMPTS  3     /* claims of one job: a job that kills its worker stops here */

#define LET_GO_WAIT   apr_time_from_sec(10)

static apr_uint32_t stopping;
static apr_uint32_t in_tick;      /* the runner is inside a tick (it may hold a connection) */
static const char *worker_name;   /* host/pid, in the rows this child holds */

void mp_jobs_child_stopping(apr_pool_t *pchild, int graceful)
{
    apr_atomic_set32(&stopping, 1);
}

/* httpd 2.4's mod_watchdog joins its thread only when the configuration
 * pool goes, after the child pool: mod_dbd's connections would be destroyed
 * under a running job (and the child abort). Before anything of the child
 * pool goes, the runner is told to stop and given time to hand its job back. */
static apr_status_t let_go(void *data)
{
    apr_time_t until = apr_time_now() + LET_GO_WAIT;

    apr_atomic_set32(&stopping, 1);
    while (apr_atomic_read32(&in_tick) && apr_time_now() < until)
        apr_sleep(apr_time_from_msec(10));
    return APR_SUCCESS;
}

void mp_jobs_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_pool_pre_cleanup_register(pchild, NULL, let_go);
}

static int is_stopping(void *baton)
{
    return apr_atomic_read32(&stopping) != 0;
}

static apr_status_t end_job(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                            const char *state, const char *code, const char *message)
{
    if (code)
        pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00711: job %" APR_INT64_T_FMT " (%s) failed: %s",
               job->id, job->kind, message);
    return pl_jobs_finish(w->db, p, job, w->name, state, code, message, NULL);
}

static apr_status_t run(apr_pool_t *p, const mp_sconf_t *conf, const pl_job_worker_t *w,
                        const pl_job_t *job)
{
    pl_server_t *s;

    if (job->cancel_requested)
        return end_job(p, w, job, PL_JOB_CANCELED, NULL, NULL);
    if (job->attempts > MAX_ATTEMPTS)
        return end_job(p, w, job, PL_JOB_FAILED, PL_ERR_WORKER_DIED,
                       apr_psprintf(p, "the process running it ended %d times", MAX_ATTEMPTS));
    if (job->attempts > 1)
        pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00712: job %" APR_INT64_T_FMT " recovered"
               " (attempt %d): the process that ran it stopped renewing its lease",
               job->id, job->attempts);
    if (!strcmp(job->kind, PL_JOB_ANALYSIS)) {
        pl_analysis_limits_t lim;
        lim.analyzer = conf->analyzer;
        lim.timeout = conf->analysis_timeout;
        lim.cpu = conf->analysis_cpu;
        lim.memory = conf->analysis_memory;
        lim.roots = conf->roots;
        return pl_analysis_job_run(p, w, job, &lim);
    }
    if (pl_git_netjob_kind(job->kind)) {
        pl_git_net_conf_t net;
        net.key = conf->token_key;
        net.key_len = conf->token_key_len;
        net.roots = conf->roots;
        net.timeout = apr_time_from_sec(conf->git_timeout);
        net.ca_file = conf->git_ca_file;
        net.planning = conf->analyzer;
        net.memory = conf->analysis_memory;
        return pl_git_netjob_run(p, w, job, &net);
    }
    if (strcmp(job->kind, PL_JOB_MODEL_PULL))
        return end_job(p, w, job, PL_JOB_FAILED, PL_ERR_UNKNOWN_KIND,
                       apr_pstrcat(p, "no worker runs jobs of kind ", job->kind, NULL));
    if (pl_servers_get(w->db, p, job->server_id, &s) != APR_SUCCESS)
        return end_job(p, w, job, PL_JOB_FAILED, PL_ERR_SERVER_GONE,
                       "the model server was deleted before the pull ran");
    return pl_pull_run(p, w, job, s, conf->model_allow);
}

/* Queues the scheduled analyses that are due (every child looks; the
 * claim in pl_schedule_tick lets one check a project). */
static void schedule(apr_pool_t *p, server_rec *s, const mp_sconf_t *conf, pl_db_t *db)
{
    apr_status_t rv;
    int queued = 0;

    if ((rv = pl_schedule_tick(db, p, conf->roots, conf->analysis_schedule, &queued))
        != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, "PLN02001: the analysis schedule could"
                     " not be checked; it is tried again in a second (is the database"
                     " reachable and its schema current?)");
    else if (queued)
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "PLN02002: %d scheduled analyses queued",
                     queued);
}

/* About once a second in the watchdog's thread, for virtual host data. */
static apr_status_t on_tick(int state, void *data, apr_pool_t *pool)
{
    server_rec *s = data;
    const mp_sconf_t *conf = mp_config_get(s);
    pl_job_worker_t w;
    pl_job_t *job;
    apr_pool_t *p;
    char host[APRMAXHOSTLEN + 1];

    if (state == AP_WATCHDOG_STATE_STARTING && !worker_name) {
        if (apr_gethostname(host, sizeof(host), pool) != APR_SUCCESS)
            apr_cpystrn(host, "localhost", sizeof(host));
        worker_name = apr_psprintf(s->process->pool, "%s/%ld", host, (long)getpid());
    }
    /* never an error status: mod_watchdog stops calling a callback that returns one */
    if (state != AP_WATCHDOG_STATE_RUNNING || !conf->rt->schema_ok || !worker_name)
        return APR_SUCCESS;
    /* a database that does not answer is not asked for jobs; the look, once
     * a second, also cuts the calls hanging on it (pl_db_watch.h) */
    if (pl_db_watch_stalled())
        return APR_SUCCESS;
    /* in before looking: let_go either sees this tick or this tick sees it stopping */
    apr_atomic_inc32(&in_tick);
    if (is_stopping(NULL)) {
        apr_atomic_dec32(&in_tick);
        return APR_SUCCESS;
    }
    apr_pool_create(&p, pool);
    memset(&w, 0, sizeof(w));
    w.name = worker_name;
    w.lease = apr_time_from_sec(conf->job_lease);
    w.stopping = is_stopping;
    if ((w.db = mp_dbd_open(p, s)))
        schedule(p, s, conf, w.db);
    if (w.db && pl_jobs_claim(w.db, p, w.name, w.lease, &job) == APR_SUCCESS) {
        apr_status_t rv = run(p, conf, &w, job);
        if (rv != APR_SUCCESS)
            ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, "PLN00713: job %" APR_INT64_T_FMT
                         " could not be recorded; its lease will run out and it runs again",
                         job->id);
    }
    apr_pool_destroy(p);
    apr_atomic_dec32(&in_tick);
    return APR_SUCCESS;
}

int mp_jobs_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_callback;
    ap_watchdog_t *wd;
    server_rec *vs;
    apr_status_t rv;

    /* mod_watchdog ignores the first pass too */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!get_instance || !register_callback) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "PLN00714: mod_planning needs mod_watchdog for background jobs (model"
                     " pulls): add \"LoadModule watchdog_module modules/mod_watchdog.so\""
                     " (a2enmod watchdog)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* a child watchdog (parent 0), in every child (singleton 0) */
    if ((rv = get_instance(&wd, WATCHDOG_NAME, 0, 0, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, "PLN00715: cannot create the %s watchdog",
                     WATCHDOG_NAME);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (vs = s; vs; vs = vs->next)
        if ((rv = register_callback(wd, POLL_EVERY, vs, on_tick)) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, vs,
                         "PLN00716: cannot register the job runner with mod_watchdog");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    return OK;
}
