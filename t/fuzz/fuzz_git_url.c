/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_git_url_parse, the check of a git remote's URL
 * before anything is stored or a transfer starts (SECURITY.md 28). An
 * accepted URL is https://, ssh:// or scp-like user@host:path (then with
 * no "::", a transport helper's mark); it holds no space, control
 * character or backslash, an https one no query or fragment; neither it, its user, its host nor its path begins with '-'; an
 * https URL carries no user; the port is 1..65535; host_id is "host:port"
 * (bracketed for IPv6). t/fuzz/git_url.t seeds it with the URLs SECURITY.md
 * names. */
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "fuzz.h"
#include "git/pl_git_url.h"

static void check_accepted(apr_pool_t *p, const char *url, const pl_git_url_t *u)
{
    const char *s, *host_id;
    int https = !strncasecmp(url, "https://", 8), ssh = !strncasecmp(url, "ssh://", 6);

    require(*url != '-');
    for (s = url; *s; s++)
        require((unsigned char)*s > 0x20 && *s != 0x7f && *s != '\\');
    require(u->host && *u->host && *u->host != '-');
    require(u->path && *u->path && *u->path != '-');
    require(u->port >= 1 && u->port <= 65535);
    require(u->ssh == !https);
    if (https) {
        const char *slash = strchr(url + 8, '/');
        require(!u->user && !strpbrk(url + 8, "?#"));
        require(slash && !memchr(url + 8, '@', (size_t)(slash - url - 8)));   /* no userinfo */
    }
    else {
        require(u->user && *u->user && *u->user != '-');
        if (!ssh)
            require(!strstr(url, "://") && !strstr(url, "::"));
    }
    host_id = strchr(u->host, ':') ? apr_psprintf(p, "[%s]:%d", u->host, u->port)
                                   : apr_psprintf(p, "%s:%d", u->host, u->port);
    require(!strcmp(host_id, u->host_id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    /* URLs come from JSON strings: an embedded NUL simply ends one early */
    const char *url = fuzz_copy(p, data, strnlen((const char *)data, size), 1);
    const char *why = NULL;
    pl_git_url_t *u = NULL;

    if (pl_git_url_parse(p, url, &u, &why))
        check_accepted(p, url, u);
    else
        require(why && *why);
    apr_pool_destroy(p);
    return 0;
}
