/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_url_parse, the first check of a model server's
 * URL (SECURITY.md 20), without DNS. An accepted URL must be what the
 * header promises, judged by a reading of the text written here apart from
 * APR's: scheme http or https, no user info, query or fragment, a host, and
 * the port that was written (1..65535, digits only) or the scheme's. pl_http
 * rebuilds the URL from the parts, so the parts put back together must parse
 * to the same parts. The other way round, a URL of plain letters, digits,
 * dots, dashes and a port in range must be accepted. t/fuzz/url.t seeds it
 * with the URLs SECURITY.md names. */
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "fuzz.h"
#include "core/pl_status.h"
#include "core/pl_url.h"

/* The URL as the header describes it: scheme "://" host [":" port] [path]. */
typedef struct {
    const char *scheme, *host, *path;
    long port;       /* -1: none written, 0: not 1..65535 digits */
    int plain;       /* only characters no parser could read two ways */
} reading_t;

static long port_value(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
        if (v > 65535)
            return 0;
    }
    return v;
}

static int plain_chars(const char *s, size_t n, const char *extra)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!apr_isalnum(s[i]) && !strchr(extra, s[i]))
            return 0;
    return 1;
}

/* 0 when url is not even scheme "://" something. */
static int read_url(apr_pool_t *p, const char *url, reading_t *r)
{
    const char *sep = strstr(url, "://"), *auth, *slash, *colon;

    memset(r, 0, sizeof(*r));
    if (!sep)
        return 0;
    r->scheme = apr_pstrmemdup(p, url, (apr_size_t)(sep - url));
    auth = sep + 3;
    slash = strchr(auth, '/');
    if (!slash)
        slash = auth + strlen(auth);
    r->path = slash;
    if (*auth == '[') {
        const char *close = memchr(auth, ']', (size_t)(slash - auth));
        if (!close)
            return 0;
        r->host = apr_pstrmemdup(p, auth + 1, (apr_size_t)(close - auth - 1));
        colon = close + 1 < slash && close[1] == ':' ? close + 1 : NULL;
        if (!colon && close + 1 != slash)
            return 0;
    }
    else {
        colon = memchr(auth, ':', (size_t)(slash - auth));
        r->host = apr_pstrmemdup(p, auth, (apr_size_t)((colon ? colon : slash) - auth));
    }
    r->port = colon ? port_value(colon + 1, (size_t)(slash - colon - 1)) : -1;
    r->plain = plain_chars(r->host, strlen(r->host), ".-") && *r->host
               && plain_chars(r->path, strlen(r->path), "/._~-") && *auth != '['
               && (!strcasecmp(r->scheme, "http") || !strcasecmp(r->scheme, "https"))
               && r->port != 0;
    return 1;
}

static void check_accepted(apr_pool_t *p, const char *url, const pl_url_t *u)
{
    reading_t r;
    size_t n;
    pl_url_t again;
    const char *why = NULL, *rebuilt;

    require(read_url(p, url, &r));
    require(!strcmp(u->scheme, "http") || !strcmp(u->scheme, "https"));
    require(!strcasecmp(r.scheme, u->scheme));
    require(!strpbrk(url, "@?#"));
    require(u->host && *u->host && !strcmp(u->host, r.host));
    require(r.port != 0);
    require(u->port == (r.port > 0 ? r.port : !strcmp(u->scheme, "https") ? 443 : 80));
    n = strlen(r.path);
    while (n && r.path[n - 1] == '/')
        n--;
    require(strlen(u->path) == n && !strncmp(u->path, r.path, n));
    require(!u->address && !u->connect_to);   /* nothing resolved */

    /* what pl_http connects to */
    rebuilt = apr_psprintf(p, "%s://%s%s%s:%u%s", u->scheme, strchr(u->host, ':') ? "[" : "",
                           u->host, strchr(u->host, ':') ? "]" : "", (unsigned)u->port, u->path);
    require(pl_url_parse(p, rebuilt, &again, &why) == APR_SUCCESS);
    require(!strcmp(again.scheme, u->scheme) && !strcmp(again.host, u->host)
            && again.port == u->port && !strcmp(again.path, u->path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    /* URLs come from JSON strings: an embedded NUL simply ends one early */
    const char *url = fuzz_copy(p, data, strnlen((const char *)data, size), 1);
    const char *why = NULL;
    pl_url_t u;
    reading_t r;
    apr_status_t rv = pl_url_parse(p, url, &u, &why);

    if (rv == APR_SUCCESS)
        check_accepted(p, url, &u);
    else {
        require(rv == PL_EINVAL && why && *why);
        require(!(read_url(p, url, &r) && r.plain && strlen(url) <= 2048));
    }
    apr_pool_destroy(p);
    return 0;
}
