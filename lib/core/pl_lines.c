/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/pl_lines.h"
#include "core/pl_status.h"

struct pl_lines_t {
    apr_pool_t *p;
    pl_line_fn *fn;
    void *baton;
    char *buf;
    apr_size_t len, cap, max;
};

pl_lines_t *pl_lines_create(apr_pool_t *p, apr_size_t max, pl_line_fn *fn, void *baton)
{
    pl_lines_t *l = apr_pcalloc(p, sizeof(*l));

    l->p = p;
    l->fn = fn;
    l->baton = baton;
    l->max = max;
    l->cap = max < 4096 ? max : 4096;
    l->buf = apr_palloc(p, l->cap);
    return l;
}

static apr_status_t hand_over(pl_lines_t *l, apr_pool_t *scratch)
{
    apr_size_t n = l->len;

    l->len = 0;
    if (n && l->buf[n - 1] == '\r')
        n--;
    l->buf[n] = '\0';
    return l->fn(l->baton, l->buf, n, scratch);
}

/* Grows the buffer to hold n more bytes and a NUL, within the cap. */
static int room_for(pl_lines_t *l, apr_size_t n)
{
    apr_size_t cap = l->cap;
    char *bigger;

    if (l->len + n + 1 > l->max)
        return 0;
    while (cap < l->len + n + 1)
        cap = cap * 2 < l->max ? cap * 2 : l->max;
    if (cap != l->cap) {
        bigger = apr_palloc(l->p, cap);
        memcpy(bigger, l->buf, l->len);
        l->buf = bigger;
        l->cap = cap;
    }
    return 1;
}

apr_status_t pl_lines_feed(pl_lines_t *l, const char *data, apr_size_t len)
{
    apr_status_t rv = APR_SUCCESS;
    apr_pool_t *scratch;
    const char *end = data + len;

    /* what lines parse into lives in a scratch pool: a long stream does not grow l->p */
    apr_pool_create(&scratch, l->p);
    while (data < end && rv == APR_SUCCESS) {
        const char *nl = memchr(data, '\n', (apr_size_t)(end - data));
        apr_size_t n = (apr_size_t)((nl ? nl : end) - data);

        if (!room_for(l, n)) {
            rv = PL_ETOOBIG;
            break;
        }
        memcpy(l->buf + l->len, data, n);
        l->len += n;
        data += n;
        if (nl) {
            data++;
            rv = hand_over(l, scratch);
        }
    }
    apr_pool_destroy(scratch);
    return rv;
}

apr_status_t pl_lines_flush(pl_lines_t *l)
{
    apr_pool_t *scratch;
    apr_status_t rv;

    if (!l->len)
        return APR_SUCCESS;
    apr_pool_create(&scratch, l->p);
    rv = hand_over(l, scratch);
    apr_pool_destroy(scratch);
    return rv;
}
