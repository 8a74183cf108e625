/* SPDX-License-Identifier: Apache-2.0 */
#include <unistd.h>

#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include "mp_kdf.h"
#include "auth/pl_password.h"
#include "core/pl_text.h"

#define MAX_LIMIT 1024

/* One cap per process: the threads of a child share its memory and CPUs. */
static struct {
    int limit;                 /* 0: the number of CPUs */
    int wait_ms;
    int running;
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *cond;
} kdf;

const char *mp_kdf_set_limit(cmd_parms *cmd, void *dc, const char *count, const char *wait)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_int64_t n, ms = MP_KDF_DEFAULT_WAIT_MS;

    if (err)
        return err;
    if (pl_text_int(count, 1, MAX_LIMIT, &n) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number from 1 to %d",
                            cmd->cmd->name, count, MAX_LIMIT);
    if (wait && pl_text_int(wait, 0, 60000, &ms) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: the wait '%s' is not a number of milliseconds"
                            " from 0 to 60000", cmd->cmd->name, wait);
    kdf.limit = (int)n;
    kdf.wait_ms = (int)ms;
    return NULL;
}

int mp_kdf_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    kdf.limit = 0;
    kdf.wait_ms = MP_KDF_DEFAULT_WAIT_MS;
    return OK;
}

void mp_kdf_child_init(apr_pool_t *p, server_rec *s)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    kdf.running = 0;
    if (kdf.limit <= 0)
        kdf.limit = cpus > 0 ? (int)(cpus < MAX_LIMIT ? cpus : MAX_LIMIT) : 4;
    if (apr_thread_mutex_create(&kdf.mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_thread_cond_create(&kdf.cond, p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "PLN01310: cannot create the password hashing lock; Argon2 runs uncapped"
                     " in this process (check the process's memory and thread limits)");
        kdf.mutex = NULL;
    }
}

/* A slot for one Argon2 run, waiting up to wait_ms for one to free. */
static int acquire(void)
{
    apr_time_t deadline = apr_time_now() + apr_time_from_msec(kdf.wait_ms);
    int got = 1;

    if (!kdf.mutex)
        return 1;
    apr_thread_mutex_lock(kdf.mutex);
    while (kdf.running >= kdf.limit) {
        apr_time_t left = deadline - apr_time_now();
        if (left <= 0) {
            got = 0;
            break;
        }
        apr_thread_cond_timedwait(kdf.cond, kdf.mutex, left);
    }
    if (got)
        kdf.running++;
    apr_thread_mutex_unlock(kdf.mutex);
    return got;
}

static void release(void)
{
    if (!kdf.mutex)
        return;
    apr_thread_mutex_lock(kdf.mutex);
    kdf.running--;
    apr_thread_cond_signal(kdf.cond);
    apr_thread_mutex_unlock(kdf.mutex);
}

static int busy(mp_req_t *req)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r,
                  "PLN01311: %d password hashes were running for %d ms; request refused with"
                  " 503 (raise PlanningPasswordHashes if the host has the CPUs and memory)",
                  kdf.limit, kdf.wait_ms);
    mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_SERVER_BUSY,
                   "the server is busy checking passwords; retry after the time in Retry-After",
                   NULL);
    return 0;
}

int mp_kdf_hash(mp_req_t *req, const char *pw, apr_size_t len, const char **hash)
{
    apr_status_t rv;

    if (!acquire())
        return busy(req);
    rv = pl_password_hash(req->r->pool, pw, len, hash);
    release();
    if (rv != APR_SUCCESS) {
        mp_reply_status(req, rv, "password");
        return 0;
    }
    return 1;
}

int mp_kdf_verify(mp_req_t *req, const char *encoded, const char *pw, apr_size_t len,
                  int *match)
{
    if (!acquire())
        return busy(req);
    *match = pl_password_verify(encoded, pw, len) == APR_SUCCESS;
    release();
    return 1;
}
