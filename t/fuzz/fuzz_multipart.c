/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_multipart, the streaming multipart/form-data
 * parser of uploads (SECURITY.md 17). The first byte chooses how the rest,
 * the body, is cut into pieces as reads would cut it; the contract is that
 * the cutting changes nothing: the same status, the same parts with the
 * same names, file names and data as when the body arrives whole. Besides:
 * no more parts than the cap, never more data handed on than the body
 * held, and a file name never holds a NUL byte. t/fuzz/multipart.t seeds it
 * with the bodies of SECURITY.md 17 (split boundaries, missing final
 * boundary, many parts, huge part headers, CRLF and LF). */
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "core/pl_status.h"
#include "files/pl_multipart.h"

#define MAX_PARTS  8
#define MAX_HEADER 256
#define RECORD_MAX 8192

typedef struct {
    char rec[RECORD_MAX];     /* what the callbacks saw, in order (cut at the cap) */
    size_t len, data;
    int begun;
} seen_t;

static void note(seen_t *s, const char *tag, const char *buf, size_t n)
{
    size_t t = strlen(tag);

    if (s->len + t + n + 1 >= RECORD_MAX)
        return;
    memcpy(s->rec + s->len, tag, t);
    s->len += t;
    memcpy(s->rec + s->len, buf, n);
    s->len += n;
    s->rec[s->len++] = '|';
}

static apr_status_t begin(void *baton, const pl_multipart_part_t *part)
{
    seen_t *s = baton;

    require(++s->begun <= MAX_PARTS);
    require(!part->filename || strlen(part->filename) == part->filename_len);
    note(s, "N=", part->name, strlen(part->name));
    if (part->filename)
        note(s, "F=", part->filename, part->filename_len);
    return APR_SUCCESS;
}

/* Data pieces are joined: how they are cut is the parser's business. */
static apr_status_t data(void *baton, const char *buf, apr_size_t n)
{
    seen_t *s = baton;

    s->data += n;
    if (s->len + n < RECORD_MAX) {
        memcpy(s->rec + s->len, buf, n);
        s->len += n;
    }
    return APR_SUCCESS;
}

static const pl_multipart_cb_t CB = { begin, data, NULL };

static apr_status_t run(apr_pool_t *p, const char *body, size_t size, size_t step, seen_t *s)
{
    pl_multipart_limits_t lim = { MAX_PARTS, MAX_HEADER, 1 << 20 };
    pl_multipart_t *m = pl_multipart_create(p, "xYz", &lim, &CB, s);
    apr_status_t rv = APR_SUCCESS;
    size_t off = 0;

    while (rv == APR_SUCCESS && off < size) {
        size_t n = step && size - off > step ? step : size - off;
        rv = pl_multipart_feed(m, body + off, n);
        off += n;
    }
    if (rv == APR_SUCCESS)
        rv = pl_multipart_finish(m);
    require(pl_multipart_parts(m) <= MAX_PARTS + 1);
    require(s->data <= size);
    return rv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data_in, size_t size)
{
    apr_pool_t *p;
    static seen_t whole, cut;
    apr_status_t a, b;
    size_t step;

    if (size < 1)
        return 0;
    step = data_in[0] % 17 + 1;
    p = fuzz_pool();
    memset(&whole, 0, sizeof(whole));
    memset(&cut, 0, sizeof(cut));
    a = run(p, (const char *)data_in + 1, size - 1, 0, &whole);
    b = run(p, (const char *)data_in + 1, size - 1, step, &cut);
    require(a == b);
    /* What was seen up to the stop is the same (a later stop in the whole
     * run may have seen a part the cut one refused earlier: equal status
     * rules that out for success, compare fully then). */
    if (a == APR_SUCCESS) {
        require(whole.len == cut.len);
        require(!memcmp(whole.rec, cut.rec, whole.len));
        require(whole.data == cut.data);
    }
    apr_pool_destroy(p);
    return 0;
}
