/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "core/pl_jsonw.h"

#define MAX_DEPTH 64

struct pl_jsonw_t {
    apr_pool_t *p;
    char *buf;
    apr_size_t len, cap;
    int depth;
    unsigned char has_items[MAX_DEPTH];  /* per level: a comma is due */
    char closer[MAX_DEPTH];              /* per level: '}' or ']' */
};

/* Bytes that a string can hold as they are: printable ASCII but '"' and '\\'. */
static unsigned char plain[256];

static void init_plain(void)
{
    int c;

    for (c = 0x20; c < 0x80; c++)
        plain[c] = c != '"' && c != '\\';
}

pl_jsonw_t *pl_jsonw_create(apr_pool_t *p, apr_size_t size_hint)
{
    pl_jsonw_t *w = apr_pcalloc(p, sizeof(*w));

    if (!plain['a'])
        init_plain();  /* idempotent: a race between threads writes the same bytes */
    w->p = p;
    w->cap = size_hint > 64 ? size_hint : 64;
    w->buf = apr_palloc(p, w->cap);
    return w;
}

static void reserve(pl_jsonw_t *w, apr_size_t n)
{
    if (w->len + n + 1 > w->cap) {
        apr_size_t cap = w->cap * 2;
        char *bigger;
        while (w->len + n + 1 > cap)
            cap *= 2;
        bigger = apr_palloc(w->p, cap);
        memcpy(bigger, w->buf, w->len);
        w->buf = bigger;
        w->cap = cap;
    }
}

static void put(pl_jsonw_t *w, const char *s, apr_size_t n)
{
    reserve(w, n);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static apr_size_t utf8_seq(const unsigned char *s)
{
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80
            || (s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
            return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80
            || (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

/* Appends the parts as one JSON string. Room is reserved once for the worst
 * case (every byte as "\u00XX"), so the loop writes without checks. */
static void put_string_parts(pl_jsonw_t *w, const char *part1, const char *part2)
{
    static const char hex[] = "0123456789abcdef";
    const char *parts[2] = { part1, part2 };
    apr_size_t n1 = strlen(part1), n2 = part2 ? strlen(part2) : 0;
    char *out;
    int i;

    reserve(w, 6 * (n1 + n2) + 2);
    out = w->buf + w->len;
    *out++ = '"';
    for (i = 0; i < 2 && parts[i]; i++) {
        const unsigned char *s = (const unsigned char *)parts[i];
        while (*s) {
            const unsigned char *run = s;
            apr_size_t n;
            while (plain[*s])
                s++;
            if (s > run) {
                memcpy(out, run, (apr_size_t)(s - run));
                out += s - run;
                continue;
            }
            if (*s >= 0x80) {
                if ((n = utf8_seq(s)) > 0) {
                    memcpy(out, s, n);
                    out += n;
                    s += n;
                }
                else {
                    memcpy(out, "\xEF\xBF\xBD", 3);  /* U+FFFD for a byte that is not UTF-8 */
                    out += 3;
                    s++;
                }
                continue;
            }
            *out++ = '\\';
            switch (*s) {
            case '"':  *out++ = '"'; break;
            case '\\': *out++ = '\\'; break;
            case '\n': *out++ = 'n'; break;
            case '\r': *out++ = 'r'; break;
            case '\t': *out++ = 't'; break;
            case '\b': *out++ = 'b'; break;
            case '\f': *out++ = 'f'; break;
            default:
                memcpy(out, "u00", 3);
                out[3] = hex[*s >> 4];
                out[4] = hex[*s & 0xF];
                out += 5;
            }
            s++;
        }
    }
    *out++ = '"';
    w->len = (apr_size_t)(out - w->buf);
}

/* The comma and "key": that precede every value. Keys are the names of our
 * own fields, plain ASCII constants: they are copied, not escaped. */
static void member(pl_jsonw_t *w, const char *key)
{
    apr_size_t n = key ? strlen(key) : 0;
    char *out;

    reserve(w, n + 4);
    out = w->buf + w->len;
    if (w->has_items[w->depth])
        *out++ = ',';
    w->has_items[w->depth] = 1;
    if (key) {
        *out++ = '"';
        memcpy(out, key, n);
        out += n;
        *out++ = '"';
        *out++ = ':';
    }
    w->len = (apr_size_t)(out - w->buf);
}

/* Replies nest a few levels; MAX_DEPTH is far beyond any of them. */
static void open_level(pl_jsonw_t *w, const char *key, char open, char close)
{
    member(w, key);
    put(w, &open, 1);
    if (w->depth < MAX_DEPTH - 1) {
        w->depth++;
        w->has_items[w->depth] = 0;
        w->closer[w->depth] = close;
    }
}

void pl_jsonw_object(pl_jsonw_t *w, const char *key)
{
    open_level(w, key, '{', '}');
}

void pl_jsonw_array(pl_jsonw_t *w, const char *key)
{
    open_level(w, key, '[', ']');
}

void pl_jsonw_end(pl_jsonw_t *w)
{
    if (w->depth > 0) {
        put(w, &w->closer[w->depth], 1);
        w->depth--;
    }
}

void pl_jsonw_str(pl_jsonw_t *w, const char *key, const char *val)
{
    member(w, key);
    if (val)
        put_string_parts(w, val, NULL);
    else
        PUT_LIT(w, "null");
}

void pl_jsonw_int(pl_jsonw_t *w, const char *key, apr_int64_t val)
{
    char num[24];
    int n = apr_snprintf(num, sizeof(num), "%" APR_INT64_T_FMT, val);

    member(w, key);
    put(w, num, (apr_size_t)n);
}

apr_size_t pl_jsonw_format_double(char *buf, apr_size_t size, double val)
{
    static const int precision[] = { 15, 16, 17 };
    apr_size_t i;
    int n = 0;

    /* %.17g always reads back the same but writes 0.3 as 0.29999999999999999;
     * the fewest digits that read back the same are what the client wrote */
    for (i = 0; i < sizeof(precision) / sizeof(precision[0]); i++) {
        n = snprintf(buf, size, "%.*g", precision[i], val);
        if (n > 0 && (apr_size_t)n < size && strtod(buf, NULL) == val)
            break;
    }
    return n > 0 && (apr_size_t)n < size ? (apr_size_t)n : 0;
}

void pl_jsonw_number(pl_jsonw_t *w, const char *key, double val)
{
    char num[PL_JSONW_NUMBER_MAX];

    member(w, key);
    if (val != val || val - val != 0)   /* NaN or infinite: JSON has no word for them */
        PUT_LIT(w, "null");
    else
        put(w, num, pl_jsonw_format_double(num, sizeof(num), val));
}

void pl_jsonw_bool(pl_jsonw_t *w, const char *key, int val)
{
    member(w, key);
    if (val)
        PUT_LIT(w, "true");
    else
        PUT_LIT(w, "false");
}

void pl_jsonw_link(pl_jsonw_t *w, const char *key, const char *href, const char *suffix)
{
    apr_size_t n1 = strlen(href), n2 = suffix ? strlen(suffix) : 0;
    char *out;

    pl_jsonw_object(w, key);
    member(w, "href");
    reserve(w, n1 + n2 + 2);
    out = w->buf + w->len;
    *out++ = '"';
    memcpy(out, href, n1);
    memcpy(out + n1, suffix, n2);
    out[n1 + n2] = '"';
    w->len += n1 + n2 + 2;
    pl_jsonw_end(w);
}

void pl_jsonw_raw(pl_jsonw_t *w, const char *key, const char *json)
{
    member(w, key);
    put(w, json, strlen(json));
}

const char *pl_jsonw_text(pl_jsonw_t *w, apr_size_t *len)
{
    reserve(w, 0);
    w->buf[w->len] = '\0';
    if (len)
        *len = w->len;
    return w->buf;
}

void pl_jsonw_id(pl_jsonw_t *w, const char *key, apr_int64_t id)
{
    if (id)
        pl_jsonw_int(w, key, id);
    else
        pl_jsonw_str(w, key, NULL);
}
