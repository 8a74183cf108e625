/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "git/pl_git_url.h"

static int fail(const char **why, const char *text)
{
    *why = text;
    return 0;
}

/* Letters, digits, '.', '-', '_' and not beginning with '-': a DNS name or
 * an IPv4 address; an IPv6 address comes bracketed and is checked apart. */
static int host_ok(const char *h)
{
    if (!*h || *h == '-' || *h == '.')
        return 0;
    for (; *h; h++)
        if (!apr_isalnum(*h) && *h != '.' && *h != '-' && *h != '_')
            return 0;
    return 1;
}

static int ipv6_ok(const char *h)
{
    if (!*h)
        return 0;
    for (; *h; h++)
        if (!apr_isxdigit(*h) && *h != ':' && *h != '.')
            return 0;
    return 1;
}

static int user_ok(const char *u)
{
    if (!*u || *u == '-')
        return 0;
    for (; *u; u++)
        if (!apr_isalnum(*u) && *u != '.' && *u != '-' && *u != '_')
            return 0;
    return 1;
}

/* authority = [user@]host[:port] (user only for ssh) into u. */
static int authority(apr_pool_t *p, const char *a, pl_git_url_t *u, const char **why)
{
    const char *at = strrchr(a, '@'), *hp = at ? at + 1 : a, *colon;
    char *end;

    if (at) {
        if (!u->ssh)
            return fail(why, "may not carry a user or token: give them as username and token");
        u->user = apr_pstrndup(p, a, (apr_size_t)(at - a));
        if (!user_ok(u->user))
            return fail(why, "has a user name that is not letters, digits, '.', '-' or '_'");
    }
    if (*hp == '[') {
        const char *close = strchr(hp, ']');
        if (!close)
            return fail(why, "has an unclosed '[' in its host");
        u->host = apr_pstrndup(p, hp + 1, (apr_size_t)(close - hp - 1));
        if (!ipv6_ok(u->host))
            return fail(why, "has a malformed IPv6 address");
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] && !colon)
            return fail(why, "has text after its IPv6 address");
    }
    else {
        colon = strchr(hp, ':');
        u->host = colon ? apr_pstrndup(p, hp, (apr_size_t)(colon - hp)) : apr_pstrdup(p, hp);
        if (!host_ok(u->host))
            return fail(why, "has no valid host name");
    }
    if (colon) {
        long port = strtol(colon + 1, &end, 10);
        if (!colon[1] || *end || port < 1 || port > 65535)
            return fail(why, "has a port that is not 1-65535");
        u->port = (int)port;
    }
    return 1;
}

static int path_ok(const char *path, const char **why)
{
    const char *s;

    if (!*path)
        return fail(why, "names no repository path");
    if (*path == '-')
        return fail(why, "has a path that begins with '-'");
    for (s = path; *s; s++)
        if (*s == '\\')
            return fail(why, "has a backslash in its path");
    return 1;
}

int pl_git_url_parse(apr_pool_t *p, const char *url, pl_git_url_t **out, const char **why)
{
    pl_git_url_t *u = apr_pcalloc(p, sizeof(*u));
    const char *rest, *slash, *s;
    size_t n = url ? strlen(url) : 0;

    if (!n)
        return fail(why, "is empty");
    if (n > PL_GIT_URL_MAX)
        return fail(why, "is longer than 2048 bytes");
    if (*url == '-')
        return fail(why, "may not begin with '-'");
    for (s = url; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return fail(why, "may not hold spaces or control characters");
    if (!strncasecmp(url, "https://", 8)) {
        rest = url + 8;
        u->port = 443;
    }
    else if (!strncasecmp(url, "ssh://", 6)) {
        rest = url + 6;
        u->ssh = 1;
        u->port = 22;
    }
    else if (strstr(url, "://"))
        return fail(why, "must be https://, ssh:// or user@host:path (not file://, http://,"
                    " git:// or another scheme)");
    else if (strstr(url, "::"))
        return fail(why, "may not use a transport helper (\"::\", as in ext::)");
    else {
        /* scp-like: user@host:path, with no '/' before the ':' */
        const char *at = strchr(url, '@'), *colon = strchr(url, ':');
        slash = strchr(url, '/');
        if (!at || !colon || colon < at || (slash && slash < colon))
            return fail(why, "must be https://, ssh:// or user@host:path (a local path is"
                        " refused)");
        u->ssh = 1;
        u->port = 22;
        if (!authority(p, apr_pstrndup(p, url, (apr_size_t)(colon - url)), u, why))
            return 0;
        u->path = apr_pstrdup(p, colon + 1);
        if (!path_ok(u->path, why))
            return 0;
        goto done;
    }
    slash = strchr(rest, '/');
    if (!slash)
        return fail(why, "names no repository path");
    if (strchr(rest, '?') || strchr(rest, '#'))
        return fail(why, "may not carry a query or a fragment");
    if (!authority(p, apr_pstrndup(p, rest, (apr_size_t)(slash - rest)), u, why))
        return 0;
    u->path = apr_pstrdup(p, slash + 1);
    if (!path_ok(u->path, why))
        return 0;
done:
    if (u->ssh && !u->user)
        u->user = "git";
    u->host_id = strchr(u->host, ':') ? apr_psprintf(p, "[%s]:%d", u->host, u->port)
                                      : apr_psprintf(p, "%s:%d", u->host, u->port);
    *out = u;
    return 1;
}
