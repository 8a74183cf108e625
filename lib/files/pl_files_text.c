/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>

#include "files/pl_files_text.h"

/* The length of the UTF-8 sequence at s (n bytes left): 0 when invalid, -1
 * when cut short by the end of the buffer. Overlong forms, surrogates and
 * code points over U+10FFFF are invalid (RFC 3629). */
static int utf8_seq(const unsigned char *s, apr_size_t n)
{
    unsigned char c = s[0];
    int need, i;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    }
    else
        return 0;
    for (i = 1; i <= need; i++) {
        if ((apr_size_t)i >= n)
            return -1;
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return need + 1;
}

int pl_files_is_text(const char *buf, apr_size_t len, int whole)
{
    const unsigned char *s = (const unsigned char *)buf;
    apr_size_t i = 0;

    if (memchr(buf, '\0', len))
        return 0;
    while (i < len) {
        int k = utf8_seq(s + i, len - i);
        if (k == 0 || (k < 0 && whole))
            return 0;
        if (k < 0)
            break;
        i += (apr_size_t)k;
    }
    return 1;
}

const char *pl_files_line_endings(const char *buf, apr_size_t len)
{
    apr_size_t i, lf = 0, crlf = 0;

    for (i = 0; i < len; i++)
        if (buf[i] == '\n') {
            if (i > 0 && buf[i - 1] == '\r')
                crlf++;
            else
                lf++;
        }
    if (crlf && lf)
        return "mixed";
    return crlf ? "crlf" : "lf";
}

const char *pl_files_etag(apr_pool_t *p, const struct stat *st)
{
    return apr_psprintf(p, "\"%" APR_UINT64_T_HEX_FMT "-%" APR_UINT64_T_HEX_FMT "-%"
                        APR_UINT64_T_HEX_FMT ".%" APR_UINT64_T_HEX_FMT "\"",
                        (apr_uint64_t)st->st_ino, (apr_uint64_t)st->st_size,
                        (apr_uint64_t)st->st_mtim.tv_sec, (apr_uint64_t)st->st_mtim.tv_nsec);
}

int pl_files_etag_matches(const char *given, const char *etag)
{
    apr_size_t n = strlen(etag);
    const char *s = given;

    while (s && *s) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        if (*s == '*')
            return 1;
        if (!strncmp(s, etag, n) && (s[n] == '\0' || s[n] == ',' || s[n] == ' ' || s[n] == '\t'))
            return 1;
        s = strchr(s, ',');
    }
    return 0;
}

char *pl_files_read_fd(apr_pool_t *p, int fd, apr_size_t size, apr_size_t *got)
{
    char *buf = apr_palloc(p, size + 1);
    apr_size_t n = 0;

    while (n < size) {
        ssize_t r = read(fd, buf + n, size - n);
        if (r <= 0)
            break;
        n += (apr_size_t)r;
    }
    buf[n] = '\0';
    *got = n;
    return buf;
}
