/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>
#include <openssl/crypto.h>

#include "analyses/pl_analyses.h"
#include "core/pl_errors.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_log.h"
#include "core/pl_path.h"
#include "core/pl_seal.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_remote.h"
#include "git/pl_git_store.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define POLL_MS      200
#define WRITE_EVERY  apr_time_from_msec(500)   /* progress (and the cancel flag) */
#define GRACE        apr_time_from_msec(250)   /* the child stops itself at the deadline when a callback runs */
#define LINE_MAX_LEN 1024

int pl_git_netjob_kind(const char *kind)
{
    return kind && (!strcmp(kind, PL_JOB_GIT_FETCH) || !strcmp(kind, PL_JOB_GIT_PULL)
                    || !strcmp(kind, PL_JOB_GIT_PUSH) || !strcmp(kind, PL_JOB_GIT_CLONE));
}

/* ---- the child: libgit2, a pipe, nothing else ---- */

static void say(int fd, const char *line)
{
    size_t n = strlen(line);

    while (n) {
        ssize_t k = write(fd, line, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        line += k;
        n -= (size_t)k;
    }
}

/* Tabs and newlines would break the line protocol. */
static const char *flat(apr_pool_t *p, const char *s)
{
    char *c = apr_pstrndup(p, s ? s : "", 400), *q;

    for (q = c; *q; q++)
        if (*q == '\t' || *q == '\n' || *q == '\r')
            *q = ' ';
    return c;
}

typedef struct {
    apr_pool_t *p;
    int fd;
} child_t;

static void child_progress(void *baton, const pl_git_xfer_t *x)
{
    child_t *c = baton;

    say(c->fd, apr_psprintf(c->p, "P\t%s\t%d\t%" APR_INT64_T_FMT "\t%" APR_INT64_T_FMT "\t%"
                            APR_INT64_T_FMT "\n", x->stage, x->percent, x->objects, x->total,
                            x->bytes));
}

static void child_host_key(void *baton, const char *host_id, const char *type, const char *fp)
{
    child_t *c = baton;

    say(c->fd, apr_pstrcat(c->p, "H\t", flat(c->p, host_id), "\t", flat(c->p, type), "\t",
                           flat(c->p, fp), "\n", NULL));
}

static void child_run(const char *kind, const char *dir, pl_git_remote_opts_t *o,
                      const char *ca_file, int fd)
{
    apr_pool_t *p;
    child_t c;
    pl_git_sink_t sink = { child_progress, child_host_key, NULL, &c };
    pl_git_fail_t why = { NULL, NULL, NULL };
    const char *outcome = "done", *head = NULL;
    sigset_t none;
    pl_git_t *g;
    apr_status_t rv;

    /* the worker thread's blocked signals are not the child's business */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* a pool of its own: no allocator shared with the parent's threads */
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    c.p = p;
    c.fd = fd;
    pl_git_init(p);
    o->sink = &sink;
    /* process-wide, so only ever set in this child */
    if (ca_file)
        git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ca_file, NULL);
    if (!strcmp(kind, PL_JOB_GIT_CLONE))
        rv = pl_git_clone(p, dir, o, &head, &why);
    else if ((rv = pl_git_open(p, dir, &g, &why)) == APR_SUCCESS) {
        if (!strcmp(kind, PL_JOB_GIT_FETCH)) {
            rv = pl_git_fetch(g, o, &why);
            outcome = "fetched";
        }
        else if (!strcmp(kind, PL_JOB_GIT_PULL))
            rv = pl_git_pull(g, o, &outcome, &head, &why);
        else {
            rv = pl_git_push(g, o, &head, &why);
            outcome = "pushed";
        }
    }
    if (rv == APR_SUCCESS)
        say(fd, apr_pstrcat(p, "R\t", outcome, "\t", head ? head : "", "\n", NULL));
    else
        say(fd, apr_pstrcat(p, "E\t", why.code ? why.code : PL_ERR_INTERNAL, "\t",
                            flat(p, why.message ? why.message : "the git operation failed"),
                            "\n", NULL));
    _exit(0);
}

/* ---- the worker: the database, the clock, the cancel flag ---- */

typedef struct {
    apr_pool_t *p;
    const pl_job_worker_t *w;
    const pl_job_t *job;
    pl_job_progress_t progress;
    apr_time_t last_write;
    const char *code, *message;         /* the child's error */
    const char *outcome, *head;         /* or its success */
    char buf[LINE_MAX_LEN];
    apr_size_t len;
} run_t;

static apr_status_t finish(run_t *run, const char *state, const char *code, const char *msg,
                           const char *result)
{
    if (code)
        pl_log(code && !strcmp(code, PL_ERR_HOST_KEY_CHANGED) ? PL_LOG_WARN : PL_LOG_INFO,
               PL_LOG_MARK, 0, "PLN02403: git job %" APR_INT64_T_FMT " (%s) failed: %s: %s",
               run->job->id, run->job->kind, code, msg);
    return pl_jobs_finish(run->w->db, run->p, run->job, run->w->name, state, code, msg, result);
}

static void on_line(run_t *run, char *line)
{
    char *f[6], *last, *tok;
    int n = 0;

    for (tok = apr_strtok(line, "\t", &last); tok && n < 6; tok = apr_strtok(NULL, "\t", &last))
        f[n++] = tok;
    if (n >= 6 && !strcmp(f[0], "P")) {
        run->progress.message = apr_pstrdup(run->p, f[1]);
        run->progress.percent = atoi(f[2]);
        run->progress.completed = apr_atoi64(f[3]);
        run->progress.total = apr_atoi64(f[4]);
        run->progress.overall_percent = run->progress.percent;
    }
    else if (n >= 4 && !strcmp(f[0], "H")) {
        pl_git_host_key_t k = { f[1], f[2], f[3], PL_HOST_KEY_PENDING, NULL, NULL };
        if (pl_git_host_key_pending(run->w->db, run->p, run->job->project_id, &k)
            != APR_SUCCESS)
            pl_log(PL_LOG_WARN, PL_LOG_MARK, 0, "PLN02404: the host key of %s could not be"
                   " recorded as pending", f[1]);
    }
    else if (n >= 3 && !strcmp(f[0], "E")) {
        run->code = apr_pstrdup(run->p, f[1]);
        run->message = apr_pstrdup(run->p, f[2]);
    }
    else if (n >= 2 && !strcmp(f[0], "R")) {
        run->outcome = apr_pstrdup(run->p, f[1]);
        run->head = n >= 3 ? apr_pstrdup(run->p, f[2]) : NULL;
    }
}

/* 0 at the end of the pipe. */
static int read_lines(run_t *run, int fd)
{
    ssize_t k = read(fd, run->buf + run->len, sizeof(run->buf) - 1 - run->len);
    char *nl;

    if (k < 0)
        return errno == EINTR || errno == EAGAIN;
    if (k == 0)
        return 0;
    run->len += (apr_size_t)k;
    run->buf[run->len] = '\0';
    while ((nl = strchr(run->buf, '\n'))) {
        *nl = '\0';
        on_line(run, run->buf);
        run->len -= (apr_size_t)(nl + 1 - run->buf);
        memmove(run->buf, nl + 1, run->len + 1);
    }
    if (run->len == sizeof(run->buf) - 1)
        run->len = 0;                   /* a line too long: dropped */
    return 1;
}

typedef enum { ENDED, CANCELED, STOPPING, TIMED_OUT } watch_e;

static watch_e watch(run_t *run, pid_t pid, int fd, apr_time_t deadline)
{
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        int n = poll(&pfd, 1, POLL_MS);

        if (n > 0 && !read_lines(run, fd))
            return ENDED;
        if (run->w->stopping && run->w->stopping(run->w->baton))
            return STOPPING;
        if (apr_time_now() >= deadline)
            return TIMED_OUT;
        if (apr_time_now() - run->last_write >= WRITE_EVERY) {
            apr_pool_t *scratch;
            apr_status_t rv;
            apr_pool_create(&scratch, run->p);
            rv = pl_jobs_progress(run->w->db, scratch, run->job, run->w->name, run->w->lease,
                                  &run->progress);
            apr_pool_destroy(scratch);
            run->last_write = apr_time_now();
            if (rv == APR_EINTR)
                return CANCELED;
        }
    }
}

/* What the child needs, read and opened in the worker. */
static apr_status_t prepare(run_t *run, const pl_git_net_conf_t *conf, const char **dir,
                            pl_git_remote_opts_t *o)
{
    apr_pool_t *p = run->p;
    apr_int64_t id = run->job->project_id;
    const char *aad = pl_text_i64(p, id), *why;
    pl_git_remote_rec_t *rec;
    pl_git_deploy_key_t *key;
    apr_array_header_t *hosts;
    pl_project_t *proj;
    char *plain;
    int i;

    if (pl_store_project_get(run->w->db, p, id, &proj) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_PROJECT_GONE, "the project was deleted", NULL),
               PL_EINVAL;
    if (pl_project_confine(p, conf->roots, proj->local_path, dir, &why) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_PROJECT_PATH_INVALID,
                      apr_pstrcat(p, "the project's local_path ", why, NULL), NULL), PL_EINVAL;
    if (!strcmp(run->job->kind, PL_JOB_GIT_CLONE) && !pl_path_dir_empty(p, *dir))
        return finish(run, PL_JOB_FAILED, PL_ERR_CLONE_TARGET_NOT_EMPTY,
                      "the project's directory is not empty", NULL), PL_EINVAL;
    if (pl_git_remote_get(run->w->db, p, id, &rec) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_NO_REMOTE, "the project has no remote", NULL),
               PL_EINVAL;
    memset(o, 0, sizeof(*o));
    o->url_text = rec->url;
    o->branch = rec->branch;
    o->https_user = rec->username;
    if (!pl_git_url_parse(p, rec->url, (pl_git_url_t **)&o->url, &why))
        return finish(run, PL_JOB_FAILED, PL_ERR_VALIDATION,
                      apr_pstrcat(p, "the remote's url ", why, NULL), NULL), PL_EINVAL;
    if (o->url->ssh) {
        if (pl_git_deploy_key_get(run->w->db, p, id, &key) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_NO_DEPLOY_KEY,
                          "an ssh remote needs the project's deploy key", NULL), PL_EINVAL;
        if (pl_seal_open(p, conf->key, conf->key_len, PL_GIT_SEAL_DEPLOY_KEY, aad,
                         key->private_sealed, &plain, NULL) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_KEY_UNAVAILABLE,
                          "the deploy key does not open under this server's"
                          " PlanningTokenKeyFile; make a new one", NULL), PL_EINVAL;
        o->ssh_private = plain;
        if (pl_git_host_keys_list(run->w->db, p, id, &hosts) == APR_SUCCESS)
            for (i = 0; i < hosts->nelts; i++) {
                pl_git_host_key_t *h = APR_ARRAY_IDX(hosts, i, pl_git_host_key_t *);
                if (!strcmp(h->host, o->url->host_id)) {
                    o->host_fingerprint = h->fingerprint;
                    o->host_confirmed = !strcmp(h->state, PL_HOST_KEY_CONFIRMED);
                }
            }
    }
    else if (rec->token_sealed) {
        if (pl_seal_open(p, conf->key, conf->key_len, PL_GIT_SEAL_TOKEN, aad,
                         rec->token_sealed, &plain, NULL) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_KEY_UNAVAILABLE,
                          "the remote's token does not open under this server's"
                          " PlanningTokenKeyFile; set it again", NULL), PL_EINVAL;
        o->https_token = plain;
    }
    o->deadline = apr_time_now() + conf->timeout;
    return APR_SUCCESS;
}

/* The result of a success; after a webhook's pull, the analysis it asked for. */
static const char *result_of(run_t *run)
{
    pl_jsonw_t *w = pl_jsonw_create(run->p, 256);
    pl_json_t *payload;
    const char *err;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "outcome", run->outcome);
    pl_jsonw_str(w, "head", run->head && *run->head ? run->head : NULL);
    if (!strcmp(run->job->kind, PL_JOB_GIT_PULL) && run->job->payload
        && pl_json_parse(&payload, run->p, run->job->payload, strlen(run->job->payload), 8,
                         &err) == APR_SUCCESS
        && pl_json_is_true(payload, "then_analyze")) {
        pl_analysis_record_t *a = apr_pcalloc(run->p, sizeof(*a)), *running = NULL;
        apr_status_t rv;
        a->project_id = run->job->project_id;
        a->type = "full";
        a->include_history = 1;
        a->options = "{}";
        a->created_by = run->job->created_by;
        rv = pl_analyses_start(run->w->db, run->p, a, &running);
        if (rv == APR_SUCCESS)
            pl_jsonw_int(w, "analysis_id", a->id);
        else if (rv == PL_ECONFLICT && running)
            pl_jsonw_int(w, "analysis_id", running->id);
        pl_jsonw_bool(w, "analysis_queued", rv == APR_SUCCESS);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

apr_status_t pl_git_netjob_run(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                               const pl_git_net_conf_t *conf)
{
    run_t *run = apr_pcalloc(p, sizeof(*run));
    pl_git_remote_opts_t o;
    const char *dir;
    int fds[2], status = 0;
    pid_t pid;
    watch_e how;

    run->p = p;
    run->w = w;
    run->job = job;
    run->progress.percent = 0;
    run->progress.message = "connecting";
    run->progress.completed = run->progress.total = -1;
    run->progress.overall_completed = run->progress.overall_total = -1;
    if (job->cancel_requested)
        return finish(run, PL_JOB_CANCELED, NULL, NULL, NULL);
    if (prepare(run, conf, &dir, &o) != APR_SUCCESS)
        return APR_SUCCESS;     /* ended and recorded */
    if (pipe(fds) != 0)
        return finish(run, PL_JOB_FAILED, PL_ERR_INTERNAL, "no pipe for the git process", NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return finish(run, PL_JOB_FAILED, PL_ERR_INTERNAL, "the git process could not start",
                      NULL);
    }
    if (pid == 0) {
        close(fds[0]);
        child_run(job->kind, dir, &o, conf->ca_file, fds[1]);
    }
    close(fds[1]);
    /* the child has its copy; the worker's is not kept a moment longer */
    if (o.ssh_private)
        OPENSSL_cleanse((void *)o.ssh_private, strlen(o.ssh_private));
    if (o.https_token)
        OPENSSL_cleanse((void *)o.https_token, strlen(o.https_token));
    how = watch(run, pid, fds[0], o.deadline + GRACE);
    if (how != ENDED)
        kill(pid, SIGKILL);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (how == STOPPING)
        return pl_jobs_release(w->db, p, job, w->name);
    if (how == CANCELED)
        return finish(run, PL_JOB_CANCELED, NULL, NULL, NULL);
    if (how == TIMED_OUT || (run->code && !strcmp(run->code, PL_ERR_REMOTE_TIMEOUT)))
        return finish(run, PL_JOB_FAILED, PL_ERR_REMOTE_TIMEOUT, apr_psprintf(
            p, "the remote did not finish within PlanningGitTimeout (%" APR_TIME_T_FMT " s)",
            apr_time_sec(conf->timeout)), NULL);
    if (run->code && !strcmp(run->code, PL_ERR_INTERRUPTED))
        return finish(run, PL_JOB_CANCELED, NULL, NULL, NULL);
    if (run->code)
        return finish(run, PL_JOB_FAILED, run->code, run->message, NULL);
    if (!run->outcome)
        return finish(run, PL_JOB_FAILED, PL_ERR_REMOTE_FAILED, apr_psprintf(
            p, "the git process ended without an outcome (%s %d)",
            WIFSIGNALED(status) ? "signal" : "exit status",
            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)), NULL);
    /* the last stage stays readable on the ended job */
    run->progress.percent = run->progress.overall_percent = 100;
    pl_jobs_progress(w->db, p, job, w->name, w->lease, &run->progress);
    return finish(run, PL_JOB_SUCCEEDED, NULL, NULL, result_of(run));
}
