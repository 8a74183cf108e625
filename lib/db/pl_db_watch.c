/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_atomic.h>

#include "db/pl_db_watch.h"

/* Process-wide: a process serves one database in practice, and a stalled
 * one stalls every thread that asks it. The time is read and written as a
 * whole word (64-bit platforms); a torn read only delays the verdict. */
static apr_uint32_t in_flight;
static volatile apr_time_t last_answer;

void pl_db_watch_enter(void)
{
    /* the first call after a quiet spell starts the clock anew */
    if (apr_atomic_inc32(&in_flight) == 0)
        last_answer = apr_time_now();
}

void pl_db_watch_leave(void)
{
    last_answer = apr_time_now();
    apr_atomic_dec32(&in_flight);
}

int pl_db_watch_stalled(apr_interval_time_t limit)
{
    return apr_atomic_read32(&in_flight) > 0 && apr_time_now() - last_answer > limit;
}
