/* SPDX-License-Identifier: Apache-2.0 */
/* git's network work through libgit2: fetch, pull (fast-forward only),
 * push and clone, against the one remote a project names (pl_git_url).
 *
 * Nothing can prompt and nothing of the repository's own configuration
 * runs: libgit2 has no credential helpers, hooks, sshCommand or askpass,
 * and nothing here enables one. Credentials come only from the callback
 * below (the deploy key, or the admin's token), asked for once: a refused
 * key is AUTH_FAILED, never a retry loop. The remote is anonymous (made
 * from the stored URL, insteadOf rules skipped, no proxy, no redirects),
 * so the repository's remote.* settings are not consulted either.
 *
 * An ssh host key is accepted only when its SHA-256 equals the confirmed
 * one recorded for "host:port". An unknown key is handed to sink->host_key
 * (to be recorded as pending) and the operation fails HOST_KEY_UNCONFIRMED;
 * a key other than the confirmed one fails HOST_KEY_CHANGED and is not
 * handed on. https uses libgit2's certificate validation (the CA file of
 * the options, if any).
 *
 * A deadline and a stop check are looked at in every callback. libgit2 1.5
 * has no socket timeouts (GIT_OPT_SET_SERVER_TIMEOUT came with 1.7), so a
 * remote that accepts and then never writes blocks inside libgit2 with no
 * callback running: whoever runs these functions must be able to kill them
 * (pl_git_netjob has them run by `planning git-remote`, pl_git_netproc, a
 * process of their own, for that reason). */
#ifndef PL_GIT_REMOTE_H
#define PL_GIT_REMOTE_H

#include <apr_tables.h>

#include "git/pl_git.h"
#include "git/pl_git_url.h"

typedef struct {
    const char *stage;              /* "receiving", "resolving" (deltas), "pushing" */
    int percent;                    /* 0..100 of the stage */
    apr_int64_t objects, total;     /* objects so far / in all */
    apr_int64_t bytes;
} pl_git_xfer_t;

typedef struct {
    void (*progress)(void *baton, const pl_git_xfer_t *x);
    /* a host key not recorded for the host: record it as pending */
    void (*host_key)(void *baton, const char *host_id, const char *type,
                     const char *fingerprint);
    int (*stop)(void *baton);       /* non-zero: the job was canceled */
    void *baton;
} pl_git_sink_t;

typedef struct {
    const pl_git_url_t *url;
    const char *url_text;
    const char *branch;             /* NULL: the current branch (clone: the remote's HEAD) */
    const char *ssh_private;        /* the OpenSSH private key of the deploy key */
    const char *https_user;         /* NULL: "x-access-token" */
    const char *https_token;        /* NULL: none */
    const char *host_fingerprint;   /* the recorded key of url->host_id, or NULL */
    int host_confirmed;             /* ... and whether an admin confirmed it */
    apr_time_t deadline;            /* 0: none */
    const pl_git_sink_t *sink;      /* may be NULL */
} pl_git_remote_opts_t;

/* The branch's refs/remotes/origin/<branch> brought up to date. */
apr_status_t pl_git_fetch(pl_git_t *g, const pl_git_remote_opts_t *o, pl_git_fail_t *why);

/* Fetch, then fast-forward the current branch (which must be o->branch
 * when one is given) with a safe checkout. *outcome: "up_to_date",
 * "fast_forward" or "ahead". PULL_CONFLICT, with nothing changed, when the
 * branches diverged or local changes would be overwritten. */
apr_status_t pl_git_pull(pl_git_t *g, const pl_git_remote_opts_t *o, const char **outcome,
                         const char **head, pl_git_fail_t *why);

/* Pushes the branch (never forced): PUSH_REJECTED when it is not a
 * fast-forward of the remote's or the remote refuses it. */
apr_status_t pl_git_push(pl_git_t *g, const pl_git_remote_opts_t *o, const char **head,
                         pl_git_fail_t *why);

/* Clones into dir (absent or empty; pl_git_netjob checks). */
apr_status_t pl_git_clone(apr_pool_t *p, const char *dir, const pl_git_remote_opts_t *o,
                          const char **head, pl_git_fail_t *why);

/* The branch an operation acts on: o->branch, else the checkout's current
 * one (NULL with *why when HEAD is detached). */
const char *pl_git_remote_branch(pl_git_t *g, const pl_git_remote_opts_t *o,
                                 pl_git_fail_t *why);

#endif
