/* SPDX-License-Identifier: Apache-2.0 */
#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_global_mutex.h>
#include <apr_strings.h>
#include <util_md5.h>
#include <util_mutex.h>

#include "mp_ratelimit.h"

#define MUTEX_TYPE "planning-ratelimit"
#define WINDOW     60   /* seconds */

/* One store for the whole server, like mod_ssl's session cache. */
static struct {
    const char *spec;                 /* PlanningRateLimitCache "provider[:args]" */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;
} store;

const char *mp_ratelimit_set_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    store.spec = arg;
    return NULL;
}

int mp_ratelimit_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    store.spec = NULL;
    store.provider = NULL;
    store.instance = NULL;
    store.mutex = NULL;
    /* Taken twice per request: a process-shared pthread mutex costs no
     * system call when uncontended, fcntl() two. "Mutex" can override it. */
#if APR_HAS_PROC_PTHREAD_SERIALIZE
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_PROC_PTHREAD, 0);
#else
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
#endif
}

static apr_status_t destroy_store(void *data)
{
    server_rec *s = data;

    if (store.instance)
        store.provider->destroy(store.instance, s);
    store.instance = NULL;
    return APR_SUCCESS;
}

/* Providers register when their modules load, so `apache2 -t` can tell. */
int mp_ratelimit_check_config(apr_pool_t *ptemp, server_rec *s)
{
    const char *spec = store.spec ? store.spec : "shmcb", *colon = strchr(spec, ':');
    const char *name = colon ? apr_pstrndup(ptemp, spec, colon - spec) : spec;

    store.provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                        AP_SOCACHE_PROVIDER_VERSION);
    if (!store.provider) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "PLN00320: PlanningRateLimitCache: no socache provider '%s': load it"
                     " (LoadModule socache_%s_module modules/mod_socache_%s.so)", name, name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int mp_ratelimit_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    static const struct ap_socache_hints hints = { 160, sizeof(apr_uint32_t), 2 * WINDOW };
    const char *spec = store.spec ? store.spec : "shmcb", *colon = strchr(spec, ':');
    const char *err;
    apr_status_t rv;

    if (mp_ratelimit_check_config(ptemp, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if ((err = store.provider->create(&store.instance, colon ? colon + 1 : NULL, ptemp, pconf))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "PLN00321: PlanningRateLimitCache: %s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((rv = ap_global_mutex_create(&store.mutex, NULL, MUTEX_TYPE, NULL, s, pconf, 0))
        != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if ((rv = store.provider->init(store.instance, "planning-rl", &hints, s, pconf))
        != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "PLN00322: cannot initialise the rate limit cache %s", spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, destroy_store, apr_pool_cleanup_null);
    return OK;
}

void mp_ratelimit_child_init(apr_pool_t *p, server_rec *s)
{
    if (store.mutex) {
        apr_status_t rv = apr_global_mutex_child_init(&store.mutex,
                                                      apr_global_mutex_lockfile(store.mutex), p);
        if (rv != APR_SUCCESS)
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         "PLN00323: cannot attach to the rate limit mutex");
    }
}

/* The counter under key, 0 when absent; the caller holds store.mutex. */
static apr_int32_t retrieve(request_rec *r, const char *key)
{
    apr_int32_t n = 0;
    unsigned int len = sizeof(n);
    apr_status_t rv;

    rv = store.provider->retrieve(store.instance, r->server, (const unsigned char *)key,
                                  (unsigned int)strlen(key), (unsigned char *)&n, &len, r->pool);
    return rv == APR_SUCCESS && len == sizeof(n) ? n : 0;
}

/* Stores n under key until expiry; the caller holds store.mutex. */
static apr_status_t put(request_rec *r, const char *key, apr_int32_t n, apr_time_t expiry)
{
    return store.provider->store(store.instance, r->server, (const unsigned char *)key,
                                 (unsigned int)strlen(key), expiry, (unsigned char *)&n,
                                 sizeof(n), r->pool);
}

apr_int32_t mp_shared_add(request_rec *r, const char *key, apr_int32_t delta, apr_time_t expiry,
                          int *ok)
{
    apr_int32_t n;
    apr_status_t rv;

    *ok = 0;
    if (!store.instance || apr_global_mutex_lock(store.mutex) != APR_SUCCESS)
        return 0;
    n = retrieve(r, key) + delta;
    if (n < 0)
        n = 0;
    rv = put(r, key, n, expiry);
    apr_global_mutex_unlock(store.mutex);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                      "PLN00324: the shared store refused a counter (%s)", key);
        return n;
    }
    *ok = 1;
    return n;
}

apr_int32_t mp_shared_get(request_rec *r, const char *key)
{
    apr_int32_t n;

    if (!store.instance || apr_global_mutex_lock(store.mutex) != APR_SUCCESS)
        return 0;
    n = retrieve(r, key);
    apr_global_mutex_unlock(store.mutex);
    return n > 0 ? n : 0;
}

const char *mp_shared_claim(request_rec *r, const char *key, int n, apr_time_t expiry, int *ok)
{
    const char *slot = NULL;
    apr_status_t rv = APR_SUCCESS;
    int i;

    *ok = 0;
    if (!store.instance || apr_global_mutex_lock(store.mutex) != APR_SUCCESS)
        return NULL;
    /* a slot whose holder died has expired: the store no longer has it */
    for (i = 0; i < n && !slot; i++) {
        const char *k = apr_psprintf(r->pool, "%s_%d", key, i);
        if (retrieve(r, k) <= 0 && (rv = put(r, k, 1, expiry)) == APR_SUCCESS)
            slot = k;
    }
    apr_global_mutex_unlock(store.mutex);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                      "PLN00324: the shared store refused a counter (%s)", key);
        return NULL;
    }
    *ok = 1;
    return slot;
}

void mp_shared_lease(request_rec *r, const char *slot, apr_time_t expiry)
{
    if (!store.instance || apr_global_mutex_lock(store.mutex) != APR_SUCCESS)
        return;
    if (expiry)
        put(r, slot, 1, expiry);
    else
        store.provider->remove(store.instance, r->server, (const unsigned char *)slot,
                               (unsigned int)strlen(slot), r->pool);
    apr_global_mutex_unlock(store.mutex);
}

int mp_ratelimit(mp_req_t *req, const char *bucket, const char *who, int limit)
{
    request_rec *r = req->r;
    apr_int64_t now = apr_time_sec(apr_time_now()), window = now / WINDOW;
    apr_int64_t reset = (window + 1) * WINDOW - now;
    const char *key;
    apr_uint32_t n;
    int ok;

    if (limit <= 0 || !store.instance || !who)
        return 1;
    /* hash the name: any length, any bytes, fixed-size key */
    key = apr_psprintf(r->pool, "%s:%" APR_INT64_T_FMT ":%s", bucket, window,
                       ap_md5(r->pool, (const unsigned char *)who));
    n = (apr_uint32_t)mp_shared_add(r, key, 1, apr_time_from_sec((window + 1) * WINDOW + 1), &ok);
    if (!ok)   /* a broken store must not lock everyone out; it is logged */
        return 1;
    /* err_headers_out: sent with the reply whether it succeeds or is refused */
    apr_table_setn(r->err_headers_out, "RateLimit-Limit", apr_itoa(r->pool, limit));
    apr_table_setn(r->err_headers_out, "RateLimit-Remaining",
                   apr_itoa(r->pool, n >= (apr_uint32_t)limit ? 0 : limit - (int)n));
    apr_table_setn(r->err_headers_out, "RateLimit-Reset",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, reset));
    if (n <= (apr_uint32_t)limit)
        return 1;
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, reset));
    mp_reply_error(req, HTTP_TOO_MANY_REQUESTS, PL_ERR_RATE_LIMITED,
                   "too many requests; retry after the time in Retry-After", NULL);
    return 0;
}
