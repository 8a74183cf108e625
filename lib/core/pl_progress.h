/* SPDX-License-Identifier: Apache-2.0 */
/* Progress of long library work (source analysis, gap analysis), shared so
 * that a background job, the CLI's progress bar and the tests can watch any
 * of it the same way. */
#ifndef PL_PROGRESS_H
#define PL_PROGRESS_H

#include <apr.h>

/* stage names the phase ("walk", "symbols", "metrics", ...); total is 0
 * while unknown. A non-zero return cancels: the work stops at the next
 * check and returns PL_ECANCELED (lib/core/pl_status.h). */
typedef int pl_progress_fn(void *baton, const char *stage,
                           apr_int64_t done, apr_int64_t total);

#endif
