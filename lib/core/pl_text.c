/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* True for C1 controls (U+0080..U+009F: C2 80..C2 9F) and U+2028/U+2029
 * (E2 80 A8, E2 80 A9) at s. */
static int breaks_line(const unsigned char *s)
{
    return (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
        || (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9));
}

const char *pl_text_line_problem(apr_pool_t *p, const char *s, apr_size_t min, apr_size_t max)
{
    const unsigned char *u;
    apr_size_t n = pl_text_utf8_chars(s);

    if (n < min || n > max)
        return min ? apr_psprintf(p, "must be %" APR_SIZE_T_FMT " to %" APR_SIZE_T_FMT
                                  " characters", min, max)
                   : apr_psprintf(p, "must be at most %" APR_SIZE_T_FMT " characters", max);
    for (u = (const unsigned char *)s; *u; u++)
        if (*u < 0x20 || *u == 0x7F || breaks_line(u))
            return "must be one line without control characters";
    return NULL;
}

const char *pl_text_cut_bytes(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t n = strlen(s);

    if (n <= max)
        return s;
    /* back off continuation bytes (10xxxxxx) to the start of a character */
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return apr_pstrmemdup(p, s, n);
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

void pl_text_hex(const unsigned char *in, apr_size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 0xF];
    }
    out[2 * n] = '\0';
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
