/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>

#include "core/pl_log.h"

static pl_log_fn *log_fn;
static pl_log_level_e log_max = PL_LOG_WARN;
static void *log_baton;

void pl_log_set(pl_log_fn *fn, pl_log_level_e max_level, void *baton)
{
    log_fn = fn;
    log_max = max_level;
    log_baton = baton;
}

int pl_log_is_level(pl_log_level_e level)
{
    return log_fn && level <= log_max;
}

void pl_log(pl_log_level_e level, const char *file, int line, apr_status_t rv,
            const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    if (!pl_log_is_level(level))
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_fn(level, file, line, rv, buf, log_baton);
}
