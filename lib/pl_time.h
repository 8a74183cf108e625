/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PL_TIME_H
#define PL_TIME_H

#include <apr_pools.h>
#include <apr_time.h>

/* RFC 3339 UTC with milliseconds, "2026-11-22T10:00:00.123Z": sorts as text. */
const char *pl_time_rfc3339(apr_pool_t *p, apr_time_t t);

#endif
