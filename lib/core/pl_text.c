/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"

apr_size_t pl_text_utf8_chars(const char *s)
{
    apr_size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int pl_text_has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return 1;
    return 0;
}

apr_status_t pl_text_int(const char *s, apr_int64_t min, apr_int64_t max, apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
        return PL_EINVAL;
    errno = 0;
    v = apr_strtoi64(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return PL_EINVAL;
    *out = v;
    return APR_SUCCESS;
}

const char *pl_text_i64(apr_pool_t *p, apr_int64_t v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, v);
}

const char *pl_text_random_hex(apr_pool_t *p, apr_size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[64];
    char *out;
    apr_size_t i;

    if (nbytes > sizeof(buf))
        nbytes = sizeof(buf);
    if (apr_generate_random_bytes(buf, nbytes) != APR_SUCCESS)
        return NULL;
    out = apr_palloc(p, nbytes * 2 + 1);
    for (i = 0; i < nbytes; i++) {
        out[2 * i] = hex[buf[i] >> 4];
        out[2 * i + 1] = hex[buf[i] & 0xF];
    }
    out[2 * nbytes] = '\0';
    return out;
}

const char *pl_text_one_line(apr_pool_t *p, const char *s, apr_size_t len, apr_size_t max_chars,
                             int *cut)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i = 0, chars = 0;
    int space = 0;

    while (i < len && apr_isspace(s[i]))
        i++;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (apr_isspace(c)) {
            space = 1;
            continue;
        }
        if ((c & 0xC0) != 0x80) {          /* a character starts here */
            if (chars + space >= max_chars)
                break;
            if (space) {
                *o++ = ' ';
                chars++;
                space = 0;
            }
            chars++;
        }
        *o++ = (char)c;
    }
    *o = '\0';
    if (cut)
        *cut = i < len;
    return out;
}
