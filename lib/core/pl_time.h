/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PL_TIME_H
#define PL_TIME_H

#include <apr_pools.h>
#include <apr_time.h>

/* RFC 3339 UTC with milliseconds, "2026-11-22T10:00:00.123Z": sorts as text. */
const char *pl_time_rfc3339(apr_pool_t *p, apr_time_t t);
/* Reads an RFC 3339 date-time ("2026-11-22T10:00:00Z", with an optional
 * fraction and a Z or +hh:mm offset) into *t: APR_SUCCESS or PL_EINVAL. */
apr_status_t pl_time_parse_rfc3339(const char *s, apr_time_t *t);

#endif
