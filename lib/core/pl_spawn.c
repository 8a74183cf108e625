/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <apr_portable.h>
#include <apr_strings.h>

#include "core/pl_spawn.h"

/* Our own fork and exec rather than apr_proc_create: APR runs a
 * procattr's set-up callback in the child only when the server runs as
 * root (its unix proc.c: "if (!geteuid())"), and httpd's children do not,
 * so the child's own setpgid, nice and signal mask never happened and the
 * process group depended on the parent's setpgid winning the race with
 * exec. Between fork and exec only async-signal-safe calls: everything
 * the child needs is made before the fork. */
static void child(const char *const *argv, const char *const *env, const char *dir,
                  int in, int out, int err, const struct rlimit *cpu, const struct rlimit *mem)
{
    sigset_t none;

    setpgid(0, 0);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(127);
    closefrom(3);   /* httpd's listeners and connections are not the child's */
    if (nice(10) == -1 && errno) {
        /* a priority already lower stays as it is */
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);   /* SIGXCPU must reach it */
    if ((cpu && setrlimit(RLIMIT_CPU, cpu) != 0) || (mem && setrlimit(RLIMIT_AS, mem) != 0)
        || chdir(dir) != 0)
        _exit(127);
    execve(argv[0], (char *const *)argv, (char *const *)env);
    _exit(127);
}

static int fd_of(apr_file_t *f)
{
    apr_os_file_t fd;

    return apr_os_file_get(&fd, f) == APR_SUCCESS ? fd : -1;
}

apr_status_t pl_spawn(apr_pool_t *p, const char *const *argv, const pl_spawn_opts_t *o,
                      apr_proc_t *proc)
{
    const char *env[6] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8"
    };
    int n = 2;
    struct rlimit cpu, mem;
    apr_file_t *in_r = NULL, *in_w = NULL, *out_r, *out_w, *err_r, *err_w;
    apr_status_t rv;
    pid_t pid;

    if (o->home)
        env[n++] = apr_pstrcat(p, "HOME=", o->home, NULL);
    /* A build with sanitizers (script/test --sanitize) reports from its
     * children where it reports from itself. */
    if (getenv("ASAN_OPTIONS"))
        env[n++] = apr_pstrcat(p, "ASAN_OPTIONS=", getenv("ASAN_OPTIONS"), NULL);
    if (getenv("UBSAN_OPTIONS"))
        env[n++] = apr_pstrcat(p, "UBSAN_OPTIONS=", getenv("UBSAN_OPTIONS"), NULL);

    cpu.rlim_cur = (rlim_t)o->cpu;
    cpu.rlim_max = (rlim_t)o->cpu + 1;
    mem.rlim_cur = mem.rlim_max = (rlim_t)o->memory;
    if ((rv = o->stdin_pipe ? apr_file_pipe_create_ex(&in_r, &in_w, APR_FULL_BLOCK, p)
                            : apr_file_open(&in_r, "/dev/null", APR_FOPEN_READ, 0, p))
        != APR_SUCCESS
        || (rv = apr_file_pipe_create_ex(&out_r, &out_w, APR_FULL_BLOCK, p)) != APR_SUCCESS
        || (rv = apr_file_pipe_create_ex(&err_r, &err_w, APR_FULL_BLOCK, p)) != APR_SUCCESS)
        return rv;
    if ((pid = fork()) < 0)
        return APR_FROM_OS_ERROR(errno);
    if (pid == 0)
        child(argv, env, o->dir, fd_of(in_r), fd_of(out_w), fd_of(err_w),
              o->cpu > 0 ? &cpu : NULL, o->memory > 0 ? &mem : NULL);
    setpgid(pid, pid);   /* the child does it too: whichever runs first */
    apr_file_close(in_r);
    apr_file_close(out_w);
    apr_file_close(err_w);
    memset(proc, 0, sizeof(*proc));
    proc->pid = pid;
    proc->in = in_w;
    proc->out = out_r;
    proc->err = err_r;
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
