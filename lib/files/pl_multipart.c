/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_status.h"
#include "files/pl_multipart.h"

/* RFC 2046 lets spaces follow a boundary ("transport padding"); more than
 * this is not padding. */
#define PADDING_MAX 256

typedef enum { S_PREAMBLE, S_AFTER_DELIM, S_HEADERS, S_BODY, S_DONE, S_FAILED } state_e;

struct pl_multipart_t {
    apr_pool_t *p;
    char *delim;               /* "\n--" boundary */
    apr_size_t dlen;
    pl_multipart_limits_t lim;
    const pl_multipart_cb_t *cb;
    void *baton;
    state_e state;
    char *buf;                 /* bytes not yet consumed */
    apr_size_t len, cap;
    apr_off_t total;
    int parts;
    const char *why;
};

static int boundary_char(int c)
{
    return apr_isalnum(c) || strchr("'()+_,-./:=? ", c) != NULL;
}

apr_status_t pl_multipart_boundary(apr_pool_t *p, const char *ct, const char **boundary)
{
    const char *s;
    char *b;
    apr_size_t n, i;

    if (!ct || strncasecmp(ct, "multipart/form-data", 19) || (ct[19] && ct[19] != ';'
                                                              && ct[19] != ' '))
        return PL_EINVAL;
    for (s = ct + 19; (s = strchr(s, ';')); ) {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncasecmp(s, "boundary=", 9))
            continue;
        s += 9;
        if (*s == '"') {
            const char *e = strchr(++s, '"');
            if (!e)
                return PL_EINVAL;
            n = (apr_size_t)(e - s);
        }
        else
            n = strcspn(s, "; \t");
        if (n == 0 || n > PL_MULTIPART_BOUNDARY_MAX)
            return PL_EINVAL;
        b = apr_pstrmemdup(p, s, n);
        for (i = 0; i < n; i++)
            if (!boundary_char((unsigned char)b[i]))
                return PL_EINVAL;
        *boundary = b;
        return APR_SUCCESS;
    }
    return PL_EINVAL;
}

pl_multipart_t *pl_multipart_create(apr_pool_t *p, const char *boundary,
                                    const pl_multipart_limits_t *limits,
                                    const pl_multipart_cb_t *cb, void *baton)
{
    pl_multipart_t *m = apr_pcalloc(p, sizeof(*m));

    m->p = p;
    m->delim = apr_pstrcat(p, "\n--", boundary, NULL);
    m->dlen = strlen(m->delim);
    m->lim = *limits;
    m->cb = cb;
    m->baton = baton;
    m->state = S_PREAMBLE;
    m->cap = 2 * (m->dlen + limits->max_header) + 1024;   /* > max_header + 2 */
    m->buf = apr_palloc(p, m->cap);
    /* The first delimiter needs no line break before it: pretend one. */
    m->buf[0] = '\n';
    m->len = 1;
    return m;
}

static apr_status_t fail(pl_multipart_t *m, apr_status_t rv, const char *why)
{
    m->state = S_FAILED;
    if (!m->why)
        m->why = why;
    return rv;
}

static const char *find(const char *hay, apr_size_t n, const char *needle, apr_size_t k)
{
    apr_size_t i;

    if (k == 0 || n < k)
        return NULL;
    for (i = 0; i + k <= n; i++) {
        const char *c = memchr(hay + i, needle[0], n - k + 1 - i);
        if (!c)
            return NULL;
        if (!memcmp(c, needle, k))
            return c;
        i = (apr_size_t)(c - hay);
    }
    return NULL;
}

/* A parameter of a Content-Disposition value (name or filename), quoted or
 * not; NULL when absent. */
static const char *param(apr_pool_t *p, const char *v, const char *key, apr_size_t *plen)
{
    apr_size_t k = strlen(key);
    const char *s = v;

    while ((s = strchr(s, ';'))) {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncasecmp(s, key, k) || s[k] != '=')
            continue;
        s += k + 1;
        if (*s == '"') {
            char *out = apr_palloc(p, strlen(s) + 1), *o = out;
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *o++ = *s;
            }
            *o = '\0';
            *plen = (apr_size_t)(o - out);
            return out;
        }
        *plen = strcspn(s, ";");
        return apr_pstrmemdup(p, s, *plen);
    }
    return NULL;
}

/* The header block of one part (without its blank line). */
static apr_status_t headers(pl_multipart_t *m, char *h, apr_size_t n)
{
    pl_multipart_part_t part = { "", NULL, 0, NULL };
    int disposition = 0;
    char *line, *next;

    if (memchr(h, '\0', n))
        return fail(m, PL_EINVAL, "a part's headers hold a NUL byte");
    h[n] = '\0';
    for (line = h; line && *line; line = next) {
        char *colon, *v, *e;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        e = line + strlen(line);
        if (e > line && e[-1] == '\r')
            *--e = '\0';
        if (!*line)
            continue;
        if (!(colon = strchr(line, ':')))
            return fail(m, PL_EINVAL, "a part's header line has no colon");
        *colon = '\0';
        for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
            ;
        if (!strcasecmp(line, "Content-Disposition")) {
            apr_size_t len = 0;
            if (strncasecmp(v, "form-data", 9))
                return fail(m, PL_EINVAL, "a part is not form-data");
            disposition = 1;
            if ((part.name = param(m->p, v, "name", &len)) == NULL)
                part.name = "";
            part.filename = param(m->p, v, "filename", &part.filename_len);
        }
        else if (!strcasecmp(line, "Content-Type"))
            part.content_type = apr_pstrdup(m->p, v);
    }
    if (!disposition)
        return fail(m, PL_EINVAL, "a part has no Content-Disposition: form-data");
    return m->cb->begin ? m->cb->begin(m->baton, &part) : APR_SUCCESS;
}

static void consume(pl_multipart_t *m, apr_size_t n)
{
    memmove(m->buf, m->buf + n, m->len - n);
    m->len -= n;
}

/* Runs the state machine over what is buffered; returns when it needs
 * more bytes. */
static apr_status_t run(pl_multipart_t *m)
{
    apr_status_t rv;

    for (;;) {
        switch (m->state) {
        case S_PREAMBLE:
        case S_BODY: {
            const char *d = find(m->buf, m->len, m->delim, m->dlen);
            apr_size_t keep, emit;
            if (d) {
                emit = (apr_size_t)(d - m->buf);
                if (m->state == S_BODY) {
                    apr_size_t data = emit > 0 && m->buf[emit - 1] == '\r' ? emit - 1 : emit;
                    if (data && m->cb->data && (rv = m->cb->data(m->baton, m->buf, data)))
                        return fail(m, rv, NULL);
                    if (m->cb->end && (rv = m->cb->end(m->baton)))
                        return fail(m, rv, NULL);
                }
                consume(m, emit + m->dlen);
                m->state = S_AFTER_DELIM;
                continue;
            }
            /* Hold back what could begin a delimiter (and a CR before it). */
            keep = m->len < m->dlen ? m->len : m->dlen;
            emit = m->len - keep;
            if (m->state == S_BODY && emit && m->cb->data
                && (rv = m->cb->data(m->baton, m->buf, emit)))
                return fail(m, rv, NULL);
            consume(m, emit);
            return APR_SUCCESS;
        }
        case S_AFTER_DELIM: {
            apr_size_t i = 0;
            if (m->len == 0)
                return APR_SUCCESS;
            if (m->buf[0] == '-') {          /* "--": the closing delimiter */
                if (m->len < 2)
                    return APR_SUCCESS;
                if (m->buf[1] != '-')
                    return fail(m, PL_EINVAL, "a boundary is not followed by a line break");
                m->state = S_DONE;           /* the epilogue is ignored */
                m->len = 0;
                return APR_SUCCESS;
            }
            /* transport padding, then the line break */
            while (i < m->len && (m->buf[i] == ' ' || m->buf[i] == '\t' || m->buf[i] == '\r'))
                i++;
            /* judged by its length alone, so that how the body is cut
             * into reads changes nothing */
            if (i > PADDING_MAX)
                return fail(m, PL_EINVAL, "garbage after a boundary");
            if (i == m->len)
                return APR_SUCCESS;
            if (m->buf[i] != '\n')
                return fail(m, PL_EINVAL, "a boundary is not followed by a line break");
            if (++m->parts > m->lim.max_parts)
                return fail(m, PL_ETOOBIG, "too many parts");
            consume(m, i + 1);
            m->state = S_HEADERS;
            continue;
        }
        case S_HEADERS: {
            const char *e = NULL;
            apr_size_t i, hlen = 0, skip = 0;
            /* The header block ends at an empty line: LF (CR)LF. A part with
             * no headers starts with the empty line itself. */
            if (m->len >= 1 && m->buf[0] == '\n')
                e = m->buf, hlen = 0, skip = 1;
            else if (m->len >= 2 && m->buf[0] == '\r' && m->buf[1] == '\n')
                e = m->buf, hlen = 0, skip = 2;
            for (i = 0; !e && i < m->len; i++)
                if (m->buf[i] == '\n') {
                    if (i + 1 < m->len && m->buf[i + 1] == '\n')
                        e = m->buf + i, hlen = i, skip = 2;
                    else if (i + 2 < m->len && m->buf[i + 1] == '\r' && m->buf[i + 2] == '\n')
                        e = m->buf + i, hlen = i, skip = 3;
                }
            if (!e) {
                /* (the end's own LF CR may be here already: not header bytes) */
                if (m->len > m->lim.max_header + 2)
                    return fail(m, PL_ETOOBIG, "a part's headers are too large");
                return APR_SUCCESS;
            }
            if (hlen > m->lim.max_header)
                return fail(m, PL_ETOOBIG, "a part's headers are too large");
            {
                char *h = apr_pstrmemdup(m->p, m->buf, hlen);
                if ((rv = headers(m, h, hlen)) != APR_SUCCESS)
                    return fail(m, rv, NULL);
            }
            consume(m, hlen + skip);
            /* Strictly RFC 2046: the line break before the next delimiter
             * belongs to it, so an empty part is "\r\n\r\n" then "\r\n--B". */
            m->state = S_BODY;
            continue;
        }
        case S_DONE:
            m->len = 0;
            return APR_SUCCESS;
        case S_FAILED:
            return PL_EINVAL;
        }
    }
}

apr_status_t pl_multipart_feed(pl_multipart_t *m, const char *buf, apr_size_t len)
{
    if (m->state == S_FAILED)
        return PL_EINVAL;
    while (len > 0) {
        apr_size_t room = m->cap - m->len, n = len < room ? len : room;
        apr_status_t rv;
        if ((m->total += (apr_off_t)n) > m->lim.max_total)
            return fail(m, PL_ETOOBIG, "the body is larger than allowed");
        if (m->state != S_DONE)
            memcpy(m->buf + m->len, buf, n), m->len += n;
        buf += n;
        len -= n;
        if ((rv = run(m)) != APR_SUCCESS)
            return rv;
        if (m->len == m->cap)
            return fail(m, PL_EINVAL, "internal buffer");
    }
    return APR_SUCCESS;
}

apr_status_t pl_multipart_finish(pl_multipart_t *m)
{
    if (m->state == S_FAILED)
        return PL_EINVAL;
    if (m->state != S_DONE)
        return fail(m, PL_EINVAL, "the body ended before the closing boundary");
    return APR_SUCCESS;
}

const char *pl_multipart_why(const pl_multipart_t *m)
{
    return m->why;
}

int pl_multipart_parts(const pl_multipart_t *m)
{
    return m->parts;
}
