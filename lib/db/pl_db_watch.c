/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_atomic.h>

#include "db/pl_db_watch.h"

/* Process-wide: a process serves one database in practice, and a silent
 * one holds every thread that asks it. Times are read and written as whole
 * words (64-bit platforms); a race lets a request more through, no worse. */
static apr_interval_time_t limit = APR_USEC_PER_SEC * 5;
static apr_uint32_t in_flight;
static volatile apr_time_t last_answer;   /* a call came back answered */
static volatile apr_time_t silent_since;  /* 0: not silent */
static volatile apr_time_t next_probe;    /* while silent: when one may ask again */

void pl_db_watch_configure(apr_interval_time_t l)
{
    limit = l;
}

apr_time_t pl_db_watch_enter(void)
{
    apr_time_t now = apr_time_now();

    /* the first call after a quiet spell starts the clock anew */
    if (apr_atomic_inc32(&in_flight) == 0)
        last_answer = now;
    return now;
}

void pl_db_watch_leave(apr_time_t started, int answered)
{
    apr_time_t now = apr_time_now();

    if (answered) {
        last_answer = now;
        silent_since = 0;
    }
    else if (now - started >= limit / 2 && !silent_since) {
        silent_since = now;
        next_probe = now + limit;
    }
    apr_atomic_dec32(&in_flight);
}

int pl_db_watch_stalled(void)
{
    apr_time_t now = apr_time_now();

    if (apr_atomic_read32(&in_flight) > 0 && now - last_answer > limit)
        return 1;
    if (!silent_since)
        return 0;
    if (now < next_probe)
        return 1;
    next_probe = now + limit;   /* this caller finds out */
    return 0;
}
