/* SPDX-License-Identifier: Apache-2.0 */
/* The git network jobs (kinds git.fetch, git.pull, git.push, git.clone):
 * what a worker runs after pl_jobs_claim.
 *
 * The libgit2 work runs in another program, `planning git-remote`
 * (pl_git_netproc.h), which the worker starts as analyses are started
 * (pl_spawn: fork immediately followed by exec, no shell, its own process
 * group, nice 10, CPU and address-space limits). Not in a fork of httpd
 * that goes on running libgit2: a forked copy of a threaded server holds
 * whatever locks other threads held at the fork (OpenSSL's, libgit2's,
 * APR's, mod_dbd's, another module's) and can hang or corrupt what they
 * guard. The request, credentials included, goes to the process on its
 * standard input, never in its argv or environment; the process answers
 * progress, a host key met for the first time and its outcome as lines on
 * its standard output, and the worker alone touches the database. libgit2
 * 1.5 cannot time out a remote that accepts a connection and then says
 * nothing, so the worker watches the clock and the job's cancel flag and
 * kills the process group (SECURITY.md item 30: "killed after the
 * timeout"). */
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
    const char *planning;               /* PlanningAnalyzer: the planning binary */
    apr_int64_t memory;                 /* PlanningAnalysisMemory: address space; 0: none */
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
