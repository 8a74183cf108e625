/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <apr_portable.h>
#include <apr_strings.h>

#include "core/pl_spawn.h"

/* In the child between fork and exec (async-signal-safe calls only): a
 * process group of its own (so what it starts dies with it), a lower
 * priority, and the signals httpd's thread had blocked unblocked (SIGXCPU
 * must reach it). */
static apr_status_t child_setup(void *data, apr_fileperms_t perms, apr_uid_t uid, apr_gid_t gid)
{
    sigset_t none;

    setpgid(0, 0);
    if (nice(10) == -1 && errno) {
        /* a priority already lower stays as it is */
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    return APR_SUCCESS;
}

apr_status_t pl_spawn(apr_pool_t *p, const char *const *argv, const pl_spawn_opts_t *o,
                      apr_proc_t *proc)
{
    const char *env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
        o->home ? apr_pstrcat(p, "HOME=", o->home, NULL) : NULL, NULL
    };
    struct rlimit *cpu = apr_pcalloc(p, sizeof(*cpu)), *mem = apr_pcalloc(p, sizeof(*mem));
    apr_procattr_t *attr;
    apr_file_t *null = NULL;
    apr_status_t rv;

    cpu->rlim_cur = (rlim_t)o->cpu;
    cpu->rlim_max = (rlim_t)o->cpu + 1;
    mem->rlim_cur = mem->rlim_max = o->memory > 0 ? (rlim_t)o->memory : RLIM_INFINITY;
    if ((!o->stdin_pipe
         && (rv = apr_file_open(&null, "/dev/null", APR_FOPEN_READ, 0, p)) != APR_SUCCESS)
        || (rv = apr_procattr_create(&attr, p)) != APR_SUCCESS
        || (rv = apr_procattr_io_set(attr, o->stdin_pipe ? APR_FULL_BLOCK : APR_NO_PIPE,
                                     APR_FULL_BLOCK, APR_FULL_BLOCK)) != APR_SUCCESS
        || (null && (rv = apr_procattr_child_in_set(attr, null, NULL)) != APR_SUCCESS)
        || (rv = apr_procattr_dir_set(attr, o->dir)) != APR_SUCCESS
        || (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM)) != APR_SUCCESS
        || (o->cpu > 0 && (rv = apr_procattr_limit_set(attr, APR_LIMIT_CPU, cpu)) != APR_SUCCESS)
        || (rv = apr_procattr_limit_set(attr, APR_LIMIT_MEM, mem)) != APR_SUCCESS
        || (rv = apr_procattr_perms_set_register(attr, child_setup, NULL, 0)) != APR_SUCCESS)
        return rv;
    if ((rv = apr_proc_create(proc, argv[0], argv, env, attr, p)) != APR_SUCCESS)
        return rv;
    setpgid(proc->pid, proc->pid);   /* the child does it too: whichever runs first */
    return APR_SUCCESS;
}

int pl_spawn_poll(apr_proc_t *proc, int *out, int *err, int ms)
{
    struct pollfd fds[2];
    apr_os_file_t ofd, efd;
    int n = 0, rc;

    apr_os_file_get(&ofd, proc->out);
    apr_os_file_get(&efd, proc->err);
    if (*out)
        fds[n].fd = ofd, fds[n].events = POLLIN, fds[n++].revents = 0;
    if (*err)
        fds[n].fd = efd, fds[n].events = POLLIN, fds[n++].revents = 0;
    rc = poll(fds, (nfds_t)n, ms);
    *out = *err = 0;
    if (rc < 0)
        return errno == EINTR ? 0 : -1;
    while (n--)
        *(fds[n].fd == ofd ? out : err) = fds[n].revents != 0;
    return 0;
}

void pl_spawn_kill(apr_proc_t *proc)
{
    if (kill(-proc->pid, SIGKILL) != 0)
        kill(proc->pid, SIGKILL);
}
