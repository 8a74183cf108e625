/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <apr_uri.h>

#include "core/pl_status.h"
#include "core/pl_url.h"

/* The end of the host in hostinfo (host[:port] as written), or NULL: a name
 * of letters, digits, '-', '.' and '_', or an IPv6 literal in brackets.
 * apr_uri_parse alone is lenient here: it reads "[::1]x" as the host "::1]". */
static const char *host_end(const char *hostinfo)
{
    static const char NAME[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
    apr_size_t n;

    if (*hostinfo != '[')
        return (n = strspn(hostinfo, NAME)) ? hostinfo + n : NULL;
    n = strspn(hostinfo + 1, "0123456789abcdefABCDEF:.");
    return n && hostinfo[n + 1] == ']' ? hostinfo + n + 2 : NULL;
}

/* True for 1..65535 in decimal digits; apr_uri_parse would take "65617" as
 * port 81 and "-1" as 65535. */
static int port_valid(const char *s)
{
    long v = 0;

    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > 65535)
            return 0;
    }
    return v > 0;
}

apr_status_t pl_url_parse(apr_pool_t *p, const char *url, pl_url_t *out, const char **why)
{
    apr_uri_t uri;
    apr_size_t n;
    const char *end;

    memset(out, 0, sizeof(*out));
    if (!url || strlen(url) > 2048 || strpbrk(url, " \t\r\n\\")) {
        *why = "must be an http:// or https:// URL of at most 2048 characters without spaces";
        return PL_EINVAL;
    }
    if (apr_uri_parse(p, url, &uri) != APR_SUCCESS || !uri.scheme
        || (strcasecmp(uri.scheme, "http") && strcasecmp(uri.scheme, "https"))) {
        *why = "must use http or https";
        return PL_EINVAL;
    }
    if (!uri.hostname || !*uri.hostname) {
        *why = "must name a host";
        return PL_EINVAL;
    }
    /* credentials in the URL would be sent to whoever the host turns out to be */
    if (uri.user || uri.password || strchr(url + strlen(uri.scheme) + 3, '@')) {
        *why = "must not contain user information";
        return PL_EINVAL;
    }
    if (uri.query || uri.fragment) {
        *why = "must not have a query or fragment";
        return PL_EINVAL;
    }
    if (!uri.hostinfo || !(end = host_end(uri.hostinfo)) || (*end && *end != ':')) {
        *why = "must name a host by name or IP address";
        return PL_EINVAL;
    }
    if (*end == ':' && !port_valid(end + 1)) {
        *why = "has an invalid port";
        return PL_EINVAL;
    }
    out->scheme = apr_pstrdup(p, strcasecmp(uri.scheme, "https") ? "http" : "https");
    out->host = apr_pstrdup(p, uri.hostname);
    out->port = uri.port ? uri.port : apr_uri_port_of_scheme(out->scheme);
    out->path = apr_pstrdup(p, uri.path ? uri.path : "");
    n = strlen(out->path);
    while (n && out->path[n - 1] == '/')
        ((char *)out->path)[--n] = '\0';
    return APR_SUCCESS;
}

apr_status_t pl_url_check(apr_pool_t *p, const char *url, const apr_array_header_t *allow,
                          pl_url_t *out, const char **why)
{
    apr_status_t rv = pl_url_parse(p, url, out, why);

    return rv == APR_SUCCESS ? pl_url_resolve(p, out, allow, why) : rv;
}

static int in_v4(apr_uint32_t a, apr_uint32_t net, int bits)
{
    apr_uint32_t mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
    return (a & mask) == (net & mask);
}

static int private_v4(apr_uint32_t a)
{
    return in_v4(a, 0x00000000, 8)        /* "this" network, 0.0.0.0 */
        || in_v4(a, 0x0A000000, 8)        /* 10/8 */
        || in_v4(a, 0x64400000, 10)       /* 100.64/10 carrier-grade NAT */
        || in_v4(a, 0x7F000000, 8)        /* loopback */
        || in_v4(a, 0xA9FE0000, 16)       /* link-local, cloud metadata */
        || in_v4(a, 0xAC100000, 12)       /* 172.16/12 */
        || in_v4(a, 0xC0000000, 24)       /* IETF protocol assignments */
        || in_v4(a, 0xC0A80000, 16)       /* 192.168/16 */
        || in_v4(a, 0xC6120000, 15)       /* benchmarking */
        || in_v4(a, 0xE0000000, 4)        /* multicast */
        || in_v4(a, 0xF0000000, 4);       /* reserved, broadcast */
}

static apr_uint32_t v4_at(const unsigned char *b)
{
    return ((apr_uint32_t)b[0] << 24) | ((apr_uint32_t)b[1] << 16) | ((apr_uint32_t)b[2] << 8)
         | b[3];
}

int pl_url_address_private(const apr_sockaddr_t *sa)
{
    if (sa->family == APR_INET)
        return private_v4(ntohl(sa->sa.sin.sin_addr.s_addr));
#if APR_HAVE_IPV6
    if (sa->family == APR_INET6) {
        const unsigned char *b = sa->sa.sin6.sin6_addr.s6_addr;
        static const unsigned char mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xFF,0xFF };
        static const unsigned char nat64[12] = { 0,0x64,0xFF,0x9B,0,0,0,0,0,0,0,0 };
        static const unsigned char zero[15] = { 0 };
        if (!memcmp(b, zero, 15) && (b[15] == 0 || b[15] == 1))   /* ::, ::1 */
            return 1;
        /* IPv6 that carries an IPv4 address leads to it: a relay or
         * translator on the way delivers to that address. */
        if (!memcmp(b, mapped, 12) || !memcmp(b, zero, 12)   /* ::ffff:a.b.c.d, ::a.b.c.d */
            || !memcmp(b, nat64, 12))                         /* NAT64 64:ff9b::a.b.c.d */
            return private_v4(v4_at(b + 12));
        if (b[0] == 0x20 && b[1] == 0x02)                     /* 6to4 2002:AABB:CCDD::/48 */
            return private_v4(v4_at(b + 2));
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)   /* Teredo 2001::/32: */
            return private_v4(v4_at(b + 4))                   /* its server, and the client */
                || private_v4(~v4_at(b + 12));                /* (the last 32 bits inverted) */
        return (b[0] & 0xFE) == 0xFC                 /* fc00::/7 unique local */
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)   /* fe80::/10 link-local */
            || b[0] == 0xFF                          /* multicast */
            || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)  /* NAT64 local */
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8); /* docs */
    }
#endif
    return 1;   /* an unknown family is not public */
}

static int allowed(const apr_sockaddr_t *sa, const apr_array_header_t *allow)
{
    int i;

    for (i = 0; allow && i < allow->nelts; i++)
        if (apr_ipsubnet_test(APR_ARRAY_IDX(allow, i, apr_ipsubnet_t *), (apr_sockaddr_t *)sa))
            return 1;
    return 0;
}

apr_status_t pl_url_resolve(apr_pool_t *p, pl_url_t *url, const apr_array_header_t *allow,
                            const char **why)
{
    apr_sockaddr_t *list, *sa;
    char *ip;

    if (apr_sockaddr_info_get(&list, url->host, APR_UNSPEC, url->port, 0, p) != APR_SUCCESS) {
        *why = "does not resolve";
        return PL_EINVAL;
    }
    /* Every address must pass: a name that resolves to one public and one
     * private address could otherwise be steered to the private one. */
    for (sa = list; sa; sa = sa->next)
        if (pl_url_address_private(sa) && !allowed(sa, allow)) {
            *why = "resolves to a private, loopback or link-local address that"
                   " PlanningModelServerAllow does not allow";
            return PL_EINVAL;
        }
    if (apr_sockaddr_ip_get(&ip, list) != APR_SUCCESS) {
        *why = "does not resolve";
        return PL_EINVAL;
    }
    url->address = ip;
    /* Any host name and port, to this address: the URL keeps the name for
     * Host: and TLS, and curl connects where the check said. */
    url->connect_to = apr_psprintf(p, "::%s%s%s:%u", strchr(ip, ':') ? "[" : "", ip,
                                   strchr(ip, ':') ? "]" : "", (unsigned)url->port);
    return APR_SUCCESS;
}
