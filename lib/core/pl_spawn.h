/* SPDX-License-Identifier: Apache-2.0 */
/* A child process of the project's own programs (the planning command),
 * started the way a threaded server may start one: fork immediately
 * followed by exec (our own: see pl_spawn.c), no shell, no search path, a small
 * environment, a process group of its own, a lower priority (nice 10),
 * the signals the calling thread had blocked unblocked, and limits of CPU
 * time and address space. Its environment is PATH, LC_ALL=C.UTF-8 and
 * HOME if asked for. Its standard output and error are pipes the
 * caller reads (proc->out, proc->err); its standard input is /dev/null or
 * a pipe the caller writes and closes (proc->in). Used by the analysis
 * jobs (pl_analysis_run) and the git network jobs (pl_git_netjob). */
#ifndef PL_SPAWN_H
#define PL_SPAWN_H

#include <apr_thread_proc.h>

typedef struct {
    const char *dir;        /* its working directory */
    int cpu;                /* seconds of CPU time: SIGXCPU, SIGKILL a second later; 0: none */
    apr_int64_t memory;     /* bytes of address space (RLIMIT_AS); 0: no limit */
    int stdin_pipe;         /* 1: standard input is a pipe (proc->in); 0: /dev/null */
    const char *home;       /* HOME in its environment; NULL: none */
} pl_spawn_opts_t;

/* Starts argv[0] (an absolute path) with argv. */
apr_status_t pl_spawn(apr_pool_t *p, const char *const *argv, const pl_spawn_opts_t *o,
                      apr_proc_t *proc);

/* Waits up to ms milliseconds for the child's standard output (when
 * *out, on entry, is non-zero) or error (*err) to be readable or closed;
 * on return *out and *err say which is. 0, or -1 when poll failed (not for
 * a signal: then nothing is ready). */
int pl_spawn_poll(apr_proc_t *proc, int *out, int *err, int ms);

/* SIGKILL to the child's whole process group (what it started too). */
void pl_spawn_kill(apr_proc_t *proc);

#endif
