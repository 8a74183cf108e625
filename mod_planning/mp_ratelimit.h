/* SPDX-License-Identifier: Apache-2.0 */
/* Rate limits shared by every httpd child (and, with a memcache or redis
 * socache provider, by every host): fixed one-minute windows counted in
 * mod_socache under a global mutex. */
#ifndef MP_RATELIMIT_H
#define MP_RATELIMIT_H

#include "mp_request.h"

/* PlanningRateLimitCache provider[:args], main server only. */
const char *mp_ratelimit_set_cache(cmd_parms *cmd, void *dc, const char *arg);

int mp_ratelimit_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
int mp_ratelimit_check_config(apr_pool_t *ptemp, server_rec *s);
int mp_ratelimit_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void mp_ratelimit_child_init(apr_pool_t *p, server_rec *s);

/* Counts one event of bucket for who ("login-ip" for an address, ...).
 * Sets RateLimit-* headers. Returns 1 while within limit per minute (0: no
 * limit), or 0 after sending 429 with Retry-After. */
int mp_ratelimit(mp_req_t *req, const char *bucket, const char *who, int limit);

/* Adds delta to a counter shared by every child (and host, with a shared
 * socache), kept until expiry; returns the new value (never below 0).
 * *ok is 0 when the store failed (logged). */
apr_int32_t mp_shared_add(request_rec *r, const char *key, apr_int32_t delta, apr_time_t expiry,
                          int *ok);
/* A counter's value as it stands (0 when absent), its expiry untouched:
 * what a watcher reads, so that only the counter's owners keep it alive. */
apr_int32_t mp_shared_get(request_rec *r, const char *key);
/* Leased slots: key_0 .. key_(n-1), each held by one holder until it frees
 * it or stops renewing it (its process died): the first one free is taken
 * until expiry and its key returned; NULL when all n are held, or the store
 * failed (*ok 0, logged). */
const char *mp_shared_claim(request_rec *r, const char *key, int n, apr_time_t expiry, int *ok);
/* Renews a slot taken with mp_shared_claim until expiry, or frees it (0). */
void mp_shared_lease(request_rec *r, const char *slot, apr_time_t expiry);

#endif
