/* SPDX-License-Identifier: Apache-2.0 */
/* The remote URLs a project may name (SECURITY.md item 28), checked before
 * anything is stored or a transfer starts: https://host[:port]/path,
 * ssh://[user@]host[:port]/path and scp-like user@host:path. Never file://,
 * ext::, a local path, userinfo with a password or token in an https URL
 * (the token is its own, sealed field), an option (a leading '-' in the
 * URL, the user, the host or the path), whitespace or control characters.
 * Loopback and private addresses are allowed: a project's git server is
 * often one of the company's own. */
#ifndef PL_GIT_URL_H
#define PL_GIT_URL_H

#include <apr_pools.h>

#define PL_GIT_URL_MAX 2048

typedef struct {
    int ssh;                    /* 1: ssh (URL or scp-like), 0: https */
    const char *user;           /* ssh: the login ("git" when none is given) */
    const char *host;           /* without brackets */
    int port;                   /* 443 / 22 when none is given */
    const char *path;
    const char *host_id;        /* "host:port": what a host key is recorded under */
} pl_git_url_t;

/* Returns 1 with *out filled, or 0 with *why (a phrase after "url "). */
int pl_git_url_parse(apr_pool_t *p, const char *url, pl_git_url_t **out, const char **why);

#endif
