/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>

#include "analyses/pl_analyses.h"
#include "core/pl_errors.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_lines.h"
#include "core/pl_log.h"
#include "core/pl_path.h"
#include "core/pl_seal.h"
#include "core/pl_spawn.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_netproc.h"
#include "git/pl_git_remote.h"
#include "git/pl_git_store.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define POLL_MS      200
#define WRITE_EVERY  apr_time_from_msec(500)   /* progress (and the cancel flag) */
#define GRACE        apr_time_from_msec(500)   /* the process stops itself at its deadline when a callback runs */
#define LINE_MAX_LEN 1024

int pl_git_netjob_kind(const char *kind)
{
    return kind && (!strcmp(kind, PL_JOB_GIT_FETCH) || !strcmp(kind, PL_JOB_GIT_PULL)
                    || !strcmp(kind, PL_JOB_GIT_PUSH) || !strcmp(kind, PL_JOB_GIT_CLONE));
}

/* ---- the worker: the database, the clock, the cancel flag ---- */

typedef struct {
    apr_pool_t *p;
    const pl_job_worker_t *w;
    const pl_job_t *job;
    pl_job_progress_t progress;
    apr_time_t last_write;
    const char *code, *message;         /* the process's error */
    const char *outcome, *head;         /* or its success */
    const char *last_error;             /* its last line on standard error */
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

/* A line of the protocol (pl_git_netproc.h) on standard output. */
static apr_status_t out_line(void *baton, const char *text, apr_size_t len, apr_pool_t *scratch)
{
    run_t *run = baton;
    char *line = apr_pstrmemdup(scratch, text, len), *f[6], *last, *tok;
    int n = 0;

    for (tok = apr_strtok(line, "\t", &last); tok && n < 6; tok = apr_strtok(NULL, "\t", &last))
        f[n++] = tok;
    if (n >= 6 && !strcmp(f[0], "P")) {
        if (!run->progress.message || strcmp(run->progress.message, f[1]))
            run->progress.message = apr_pstrndup(run->p, f[1], 64);
        run->progress.percent = atoi(f[2]);
        run->progress.completed = apr_atoi64(f[3]);
        run->progress.total = apr_atoi64(f[4]);
        run->progress.overall_percent = run->progress.percent;
    }
    else if (n >= 4 && !strcmp(f[0], "H")) {
        pl_git_host_key_t k = { f[1], f[2], f[3], PL_HOST_KEY_PENDING, NULL, NULL };
        if (pl_git_host_key_pending(run->w->db, scratch, run->job->project_id, &k)
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
    return APR_SUCCESS;
}

/* Standard error: nothing is expected there; its last line explains an
 * end without an outcome. */
static apr_status_t err_line(void *baton, const char *line, apr_size_t len, apr_pool_t *scratch)
{
    run_t *run = baton;

    if (len)
        run->last_error = pl_text_one_line(run->p, line, len, 300, NULL);
    return APR_SUCCESS;
}

typedef enum { ENDED, CANCELED, STOPPING, TIMED_OUT } watch_e;

/* Reads both pipes until the process closes them (it ends), watching the
 * clock, the cancel flag and the worker. A line too long is dropped. */
static watch_e watch(run_t *run, apr_proc_t *proc, apr_time_t deadline)
{
    pl_lines_t *out = pl_lines_create(run->p, LINE_MAX_LEN, out_line, run);
    pl_lines_t *err = pl_lines_create(run->p, LINE_MAX_LEN, err_line, run);
    int out_open = 1, err_open = 1;

    while (out_open || err_open) {
        int ready[2] = { out_open, err_open }, i;

        if (pl_spawn_poll(proc, &ready[0], &ready[1], POLL_MS) != 0)
            return TIMED_OUT;
        for (i = 0; i < 2; i++) {
            char buf[4096];
            apr_size_t len = sizeof(buf);

            if (!ready[i])
                continue;
            if (apr_file_read(i ? proc->err : proc->out, buf, &len) != APR_SUCCESS) {
                pl_lines_flush(i ? err : out);
                *(i ? &err_open : &out_open) = 0;
            }
            else if (pl_lines_feed(i ? err : out, buf, len) == PL_ETOOBIG) {
                if (i)
                    err = pl_lines_create(run->p, LINE_MAX_LEN, err_line, run);
                else
                    out = pl_lines_create(run->p, LINE_MAX_LEN, out_line, run);
            }
        }
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
    return ENDED;
}

/* What the process needs, read and opened in the worker. */
static apr_status_t prepare(run_t *run, const pl_git_net_conf_t *conf, pl_git_netreq_t *r)
{
    apr_pool_t *p = run->p;
    apr_int64_t id = run->job->project_id;
    const char *aad = pl_text_i64(p, id), *why;
    pl_git_remote_rec_t *rec;
    pl_git_deploy_key_t *key;
    apr_array_header_t *hosts;
    pl_project_t *proj;
    pl_git_url_t *url;
    char *plain;
    int i;

    memset(r, 0, sizeof(*r));
    r->operation = run->job->kind;
    r->ca_file = conf->ca_file;
    r->timeout = conf->timeout;
    if (pl_store_project_get(run->w->db, p, id, &proj) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_PROJECT_GONE, "the project was deleted", NULL),
               PL_EINVAL;
    if (pl_project_confine(p, conf->roots, proj->local_path, &r->dir, &why) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_PROJECT_PATH_INVALID,
                      apr_pstrcat(p, "the project's local_path ", why, NULL), NULL), PL_EINVAL;
    if (!strcmp(run->job->kind, PL_JOB_GIT_CLONE) && !pl_path_dir_empty(p, r->dir))
        return finish(run, PL_JOB_FAILED, PL_ERR_CLONE_TARGET_NOT_EMPTY,
                      "the project's directory is not empty", NULL), PL_EINVAL;
    if (pl_git_remote_get(run->w->db, p, id, &rec) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_NO_REMOTE, "the project has no remote", NULL),
               PL_EINVAL;
    r->url = rec->url;
    r->branch = rec->branch;
    r->https_user = rec->username;
    if (!pl_git_url_parse(p, rec->url, &url, &why))
        return finish(run, PL_JOB_FAILED, PL_ERR_VALIDATION,
                      apr_pstrcat(p, "the remote's url ", why, NULL), NULL), PL_EINVAL;
    if (url->ssh) {
        if (pl_git_deploy_key_get(run->w->db, p, id, &key) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_NO_DEPLOY_KEY,
                          "an ssh remote needs the project's deploy key", NULL), PL_EINVAL;
        if (pl_seal_open(p, conf->key, conf->key_len, PL_GIT_SEAL_DEPLOY_KEY, aad,
                         key->private_sealed, &plain, NULL) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_KEY_UNAVAILABLE,
                          "the deploy key does not open under this server's"
                          " PlanningTokenKeyFile; make a new one", NULL), PL_EINVAL;
        r->ssh_private = plain;
        if (pl_git_host_keys_list(run->w->db, p, id, &hosts) == APR_SUCCESS)
            for (i = 0; i < hosts->nelts; i++) {
                pl_git_host_key_t *h = APR_ARRAY_IDX(hosts, i, pl_git_host_key_t *);
                if (!strcmp(h->host, url->host_id)) {
                    r->host_fingerprint = h->fingerprint;
                    r->host_confirmed = !strcmp(h->state, PL_HOST_KEY_CONFIRMED);
                }
            }
    }
    else if (rec->token_sealed) {
        if (pl_seal_open(p, conf->key, conf->key_len, PL_GIT_SEAL_TOKEN, aad,
                         rec->token_sealed, &plain, NULL) != APR_SUCCESS)
            return finish(run, PL_JOB_FAILED, PL_ERR_KEY_UNAVAILABLE,
                          "the remote's token does not open under this server's"
                          " PlanningTokenKeyFile; set it again", NULL), PL_EINVAL;
        r->https_token = plain;
    }
    return APR_SUCCESS;
}

static void wipe(const char *s)
{
    if (s)
        OPENSSL_cleanse((void *)s, strlen(s));
}

/* Starts `planning git-remote` and hands it the request on its standard
 * input; the secrets leave the worker's memory whether it starts or not. */
static apr_status_t start(run_t *run, const pl_git_net_conf_t *conf, pl_git_netreq_t *r,
                          apr_proc_t *proc)
{
    const char *argv[] = { conf->planning, "git-remote", NULL };
    pl_spawn_opts_t o;
    apr_size_t len, written;
    char *json = pl_git_netreq_json(run->p, r, &len);
    apr_status_t rv;

    wipe(r->ssh_private);
    wipe(r->https_token);
    o.dir = "/";
    /* CPU can hardly outrun the wall clock; a loop that does is stopped */
    o.cpu = (int)apr_time_sec(conf->timeout) + 1;
    o.memory = conf->memory;
    o.stdin_pipe = 1;
    /* libgit2 reads ~/.ssh/known_hosts (for the order of host key types)
     * and fails without a HOME; one with nothing in it: no ssh or git
     * configuration of the server's user is read */
    o.home = "/nonexistent";
    rv = pl_spawn(run->p, argv, &o, proc);
    if (rv == APR_SUCCESS) {
        /* a few KiB: the pipe takes it all at once; a process that died
         * first makes it fail (EPIPE; httpd ignores SIGPIPE) */
        apr_file_write_full(proc->in, json, len, &written);
        apr_file_close(proc->in);
    }
    OPENSSL_cleanse(json, len);
    return rv;
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
    pl_git_netreq_t req;
    apr_proc_t proc;
    apr_exit_why_e exit_why = APR_PROC_EXIT;
    apr_status_t rv;
    int code = 0;
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
    if (prepare(run, conf, &req) != APR_SUCCESS)
        return APR_SUCCESS;     /* ended and recorded */
    if ((rv = start(run, conf, &req, &proc)) != APR_SUCCESS)
        return finish(run, PL_JOB_FAILED, PL_ERR_INTERNAL, apr_psprintf(
            p, "cannot start the git process %s git-remote (PlanningAnalyzer): %pm",
            conf->planning, &rv), NULL);
    how = watch(run, &proc, apr_time_now() + conf->timeout + GRACE);
    if (how != ENDED)
        pl_spawn_kill(&proc);
    if (apr_proc_wait(&proc, &code, &exit_why, APR_WAIT) != APR_CHILD_DONE)
        code = -1;
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
            p, "the git process ended without an outcome (%s %d)%s%s",
            APR_PROC_CHECK_SIGNALED(exit_why) ? "signal" : "exit status", code,
            run->last_error ? ": " : "", run->last_error ? run->last_error : ""), NULL);
    /* the last stage stays readable on the ended job */
    run->progress.percent = run->progress.overall_percent = 100;
    pl_jobs_progress(w->db, p, job, w->name, w->lease, &run->progress);
    return finish(run, PL_JOB_SUCCEEDED, NULL, NULL, result_of(run));
}
