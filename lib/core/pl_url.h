/* SPDX-License-Identifier: Apache-2.0 */
/* Outbound URLs (model servers), checked before every connection: http or
 * https only, no user info, a host that resolves only to public addresses
 * unless an address falls in a subnet the admin allows (Ollama usually runs
 * on loopback or the LAN). The address checked is the address connected to:
 * the caller pins it (curl's CURLOPT_CONNECT_TO), so DNS cannot change it in
 * between. IPv4-mapped IPv6 and numeric forms such as 2130706433 or
 * 0x7f000001 are judged by the address they stand for, and IPv6 addresses
 * that carry an IPv4 one (6to4 2002::/16, NAT64 64:ff9b::/96, Teredo
 * 2001::/32) by the IPv4 address they lead to. */
#ifndef PL_URL_H
#define PL_URL_H

#include <apr_network_io.h>
#include <apr_tables.h>

typedef struct {
    const char *scheme;     /* "http" or "https" */
    const char *host;       /* as written (for Host: and TLS) */
    apr_port_t port;
    const char *path;       /* base path, "" or "/..." without a trailing '/' */
    const char *address;    /* the checked address to connect to */
    const char *connect_to; /* "::address:port" for CURLOPT_CONNECT_TO: every
                               connection goes to the checked address (an
                               IPv6 one in brackets, which CURLOPT_RESOLVE
                               cannot take for an IPv6 literal host) */
} pl_url_t;

/* Parses a base URL without resolving it: PL_EINVAL and *why for anything
 * but http(s)://host[:port][/path] (no user info, query or fragment). */
apr_status_t pl_url_parse(apr_pool_t *p, const char *url, pl_url_t *out, const char **why);

/* Resolves out->host and checks every address against allow (an array of
 * apr_ipsubnet_t *, may be NULL); fills out->address and out->connect_to.
 * PL_EINVAL and *why when it must not be reached. */
apr_status_t pl_url_resolve(apr_pool_t *p, pl_url_t *url, const apr_array_header_t *allow,
                            const char **why);

/* pl_url_parse and pl_url_resolve: a base URL ready to connect to. */
apr_status_t pl_url_check(apr_pool_t *p, const char *url, const apr_array_header_t *allow,
                          pl_url_t *out, const char **why);

/* True for addresses that are not on the public internet: loopback,
 * private, link-local (cloud metadata), CGNAT, multicast, reserved,
 * unspecified, unique-local, and IPv6 forms that carry such an IPv4 address
 * (mapped, compatible, 6to4, NAT64, Teredo). */
int pl_url_address_private(const apr_sockaddr_t *sa);

#endif
