/* SPDX-License-Identifier: Apache-2.0 */
/* The process that does one git network operation for a job: `planning
 * git-remote`, started by pl_git_netjob with fork-and-exec, never a fork
 * of httpd that goes on running (a forked copy of a threaded server may
 * hold locks that other threads held at the fork: OpenSSL's, libgit2's,
 * APR's, another module's; the child could hang or corrupt what they
 * guard).
 *
 * Its request is one JSON object on standard input, read to its end, so
 * that no deploy key or token is ever in its argv or environment (visible
 * in /proc/<pid>/cmdline and environ to whoever may read them):
 *
 *   {"operation": "git.fetch" | "git.pull" | "git.push" | "git.clone",
 *    "dir": the project's directory, resolved by the worker (absolute),
 *    "url": the remote, "branch": a branch or null (the current one),
 *    "ssh_private": the deploy key, OpenSSH private key text, or null,
 *    "https_user": a user or null, "https_token": a token or null,
 *    "host_key": {"fingerprint": "SHA256:...", "confirmed": bool} or null
 *                (the key recorded for the url's host:port),
 *    "ca_file": PEM file for https or null, "timeout_ms": N}
 *
 * Its answer is lines on standard output, tab-separated, tabs and newlines
 * of the values turned into spaces:
 *
 *   P <stage> <percent> <objects> <total> <bytes>    progress
 *   H <host:port> <type> <SHA256:...>                a host key met for the
 *                                                    first time (pending)
 *   R <outcome> <head>                               success (the last line)
 *   E <CODE> <message>                               failure (the last line)
 *
 * The worker alone touches the database, keeps the clock and the cancel
 * flag, and kills the process group when time is up or the job canceled:
 * libgit2 1.5 cannot time out a remote that accepts and then stays silent.
 * The process stops itself at its own deadline whenever a libgit2 callback
 * runs. */
#ifndef PL_GIT_NETPROC_H
#define PL_GIT_NETPROC_H

#include <apr_pools.h>
#include <apr_time.h>

#define PL_GIT_NETPROC_REQUEST_MAX (64 * 1024)  /* bytes of request read */

typedef struct {
    const char *operation;          /* PL_JOB_GIT_FETCH ... (pl_git_netjob.h) */
    const char *dir;
    const char *url;
    const char *branch;             /* NULL: the current branch */
    const char *ssh_private;        /* NULL: none */
    const char *https_user;         /* NULL: "x-access-token" */
    const char *https_token;        /* NULL: none */
    const char *host_fingerprint;   /* NULL: no key recorded for the host */
    int host_confirmed;
    const char *ca_file;            /* NULL: the system's CAs */
    apr_interval_time_t timeout;
} pl_git_netreq_t;

/* The request as JSON text (*len bytes), in one buffer of p that is never
 * copied, so the caller can wipe it (it holds the secrets). */
char *pl_git_netreq_json(apr_pool_t *p, const pl_git_netreq_t *r, apr_size_t *len);

/* The request out of its JSON text: APR_SUCCESS, or PL_EINVAL with *why. */
apr_status_t pl_git_netreq_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                 pl_git_netreq_t *r, const char **why);

/* `planning git-remote`: reads the request from in_fd, runs it, writes
 * the lines to out_fd. Returns the exit status: 0 when an R or E line was
 * written for a request that could be read, 2 when it could not (an E line
 * says why). */
int pl_git_netproc_main(apr_pool_t *p, int in_fd, int out_fd);

#endif
