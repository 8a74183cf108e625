/* SPDX-License-Identifier: Apache-2.0 */
/* Background jobs run by mod_watchdog: a callback in every child, per
 * virtual host, claims a queued job from that host's database about once
 * a second and runs it to its end in the watchdog's thread. */
#ifndef MP_JOBS_H
#define MP_JOBS_H

#include "mp_module.h"

/* Registers the callbacks with mod_watchdog (which must be loaded: start-up
 * fails with advice otherwise). Runs before mod_watchdog's own post_config. */
int mp_jobs_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);
/* The child is going away: a running job is handed back to the queue. */
void mp_jobs_child_stopping(apr_pool_t *pchild, int graceful);
/* Makes sure the runner let go of the database before the child pool goes. */
void mp_jobs_child_init(apr_pool_t *pchild, server_rec *s);

#endif
