/* SPDX-License-Identifier: Apache-2.0 */
/* The git network jobs (kinds git.fetch, git.pull, git.push, git.clone):
 * what a worker runs after pl_jobs_claim.
 *
 * The libgit2 work runs in a child process forked by the worker (no exec:
 * the same code, with no shell and no git binary), because libgit2 1.5
 * cannot time out a remote that accepts a connection and then says
 * nothing: the worker watches the clock and the job's cancel flag and
 * kills the child (SECURITY.md item 30: "killed after the timeout"). The
 * child reports progress, a host key met for the first time, and its
 * outcome as lines on a pipe; the worker alone touches the database. The
 * child inherits a threaded process: if a lock of another thread's (an
 * OpenSSL one, say) was held at the fork, the child can hang, which ends
 * as REMOTE_TIMEOUT, never as a hung worker. */
#ifndef PL_GIT_NETJOB_H
#define PL_GIT_NETJOB_H

#include <apr_tables.h>

#include "db/pl_jobs.h"

#define PL_JOB_GIT_FETCH "git.fetch"
#define PL_JOB_GIT_PULL  "git.pull"
#define PL_JOB_GIT_PUSH  "git.push"
#define PL_JOB_GIT_CLONE "git.clone"

/* The HKDF labels of what pl_seal keeps for git, under the key bytes of
 * PlanningTokenKeyFile; the additional data is the project id. */
#define PL_GIT_SEAL_DEPLOY_KEY "mod_planning git deploy key v1"
#define PL_GIT_SEAL_TOKEN      "mod_planning git https token v1"

typedef struct {
    const unsigned char *key;           /* PlanningTokenKeyFile's bytes */
    apr_size_t key_len;
    const apr_array_header_t *roots;    /* PlanningProjectRoots */
    apr_interval_time_t timeout;        /* PlanningGitTimeout */
    const char *ca_file;                /* PlanningGitCAFile, or NULL */
} pl_git_net_conf_t;

/* 1 for the four kinds above. */
int pl_git_netjob_kind(const char *kind);

/* The payload of a git.pull a webhook queues: the analysis follows a pull
 * that succeeded. */
#define PL_GIT_PULL_THEN_ANALYZE "{\"then_analyze\":true}"

/* Runs job to its end and records it (succeeded with {"outcome","head"}
 * and, after a pull that asked for one, "analysis_id"; failed with a code
 * of pl_errors; canceled). */
apr_status_t pl_git_netjob_run(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                               const pl_git_net_conf_t *conf);

#endif
