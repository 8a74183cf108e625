/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <time.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_time.h"

const char *pl_time_rfc3339(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t x;

    apr_time_exp_gmt(&x, t);
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                        x.tm_year + 1900, x.tm_mon + 1, x.tm_mday,
                        x.tm_hour, x.tm_min, x.tm_sec, x.tm_usec / 1000);
}

apr_status_t pl_time_parse_rfc3339(const char *s, apr_time_t *t)
{
    struct tm tm;
    apr_time_exp_t x;
    const char *rest;
    apr_int64_t usec = 0, scale = 100000;
    int offset = 0, hh, mm;

    memset(&tm, 0, sizeof(tm));
    if (!s || strlen(s) > 40 || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
        return PL_EINVAL;
    if (*rest == '.') {
        if (!apr_isdigit(*++rest))
            return PL_EINVAL;
        for (; apr_isdigit(*rest); rest++, scale /= 10)
            usec += (*rest - '0') * scale;
    }
    if (*rest == 'Z' || *rest == 'z')
        rest++;
    else if ((*rest == '+' || *rest == '-') && apr_isdigit(rest[1]) && apr_isdigit(rest[2])
             && rest[3] == ':' && apr_isdigit(rest[4]) && apr_isdigit(rest[5])) {
        hh = (rest[1] - '0') * 10 + rest[2] - '0';
        mm = (rest[4] - '0') * 10 + rest[5] - '0';
        if (hh > 23 || mm > 59)
            return PL_EINVAL;
        offset = (hh * 60 + mm) * 60 * (*rest == '-' ? -1 : 1);
        rest += 6;
    }
    else
        return PL_EINVAL;
    if (*rest)
        return PL_EINVAL;
    memset(&x, 0, sizeof(x));
    x.tm_year = tm.tm_year;
    x.tm_mon = tm.tm_mon;
    x.tm_mday = tm.tm_mday;
    x.tm_hour = tm.tm_hour;
    x.tm_min = tm.tm_min;
    x.tm_sec = tm.tm_sec;
    x.tm_usec = (apr_int32_t)usec;
    if (apr_time_exp_gmt_get(t, &x) != APR_SUCCESS)
        return PL_EINVAL;
    *t -= apr_time_from_sec(offset);
    return APR_SUCCESS;
}
