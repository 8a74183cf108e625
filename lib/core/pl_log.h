/* SPDX-License-Identifier: Apache-2.0 */
/* The library logs through a callback so that the module can send messages
 * to httpd's error log and the CLI to stderr. */
#ifndef PL_LOG_H
#define PL_LOG_H

#include <apr_pools.h>

typedef enum { PL_LOG_ERR = 3, PL_LOG_WARN = 4, PL_LOG_INFO = 6, PL_LOG_DEBUG = 7 } pl_log_level_e;

typedef void pl_log_fn(pl_log_level_e level, const char *file, int line,
                       apr_status_t rv, const char *msg, void *baton);

void pl_log_set(pl_log_fn *fn, pl_log_level_e max_level, void *baton);
int pl_log_is_level(pl_log_level_e level);
void pl_log(pl_log_level_e level, const char *file, int line, apr_status_t rv,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define PL_LOG_MARK __FILE__, __LINE__

#endif
