/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <apr_portable.h>
#include <apr_thread_proc.h>

#include "core/pl_errors.h"
#include "analyses/pl_analyses.h"
#include "analyses/pl_analysis_import.h"
#include "analyses/pl_analysis_inputs.h"
#include "analyses/pl_analysis_run.h"
#include "core/pl_lines.h"
#include "core/pl_log.h"
#include "core/pl_path.h"
#include "core/pl_spawn.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define POLL_MS        250
#define WRITE_EVERY    apr_time_from_msec(500)
#define LINE_MAX_BYTES 4096
#define MESSAGE_MAX    500
#define JSON_DEPTH     32

const char *const PL_ANALYSIS_OPTIONS[] = { "jobs", "plan", NULL };

int pl_analysis_options_valid(const pl_json_t *options, const char **field, const char **why)
{
    const char *unknown = pl_json_unknown_key(options, PL_ANALYSIS_OPTIONS), *plan;
    apr_int64_t n;

    if (unknown) {
        *field = unknown;
        *why = "is not an analysis option (known: jobs, plan)";
        return 0;
    }
    if (pl_json_type_of(options, "jobs") != PL_JSON_ABSENT
        && (!pl_json_get_int(options, "jobs", &n) || n < 1 || n > 8)) {
        *field = "jobs";
        *why = "must be a whole number from 1 to 8";
        return 0;
    }
    if (pl_json_type_of(options, "plan") != PL_JSON_ABSENT) {
        plan = pl_json_get_str(options, "plan");
        /* a file of the checkout, named relative to it: never out of it */
        if (!plan || !*plan || *plan == '/' || strlen(plan) > 255 || pl_text_has_ctl(plan)
            || !strcmp(plan, "..") || !strncmp(plan, "../", 3) || strstr(plan, "/../")
            || (strlen(plan) >= 3 && !strcmp(plan + strlen(plan) - 3, "/.."))) {
            *field = "plan";
            *why = "must be a file name relative to the project's checkout, without \"..\"";
            return 0;
        }
    }
    return 1;
}

/* Each stage's share of the bar: the library's stage names, in order. */
static const struct { const char *stage; int from, to; } STAGES[] = {
    { "plan", 0, 3 }, { "walk", 3, 10 }, { "symbols", 10, 50 }, { "metrics", 50, 60 },
    { "history", 60, 70 }, { "evidence", 70, 80 }, { "match", 80, 95 }, { "store", 95, 99 },
};

int pl_analysis_percent(const char *stage, apr_int64_t done, apr_int64_t total, int last)
{
    apr_size_t i;
    int pct = last;

    for (i = 0; i < sizeof(STAGES) / sizeof(STAGES[0]); i++)
        if (!strcmp(stage, STAGES[i].stage)) {
            pct = STAGES[i].from;
            if (total > 0 && done > 0)
                pct += (int)((STAGES[i].to - STAGES[i].from) * (done > total ? total : done)
                             / total);
            break;
        }
    return pct > last ? pct : last;
}

typedef struct {
    apr_pool_t *p;
    const pl_job_worker_t *w;
    const pl_job_t *job;
    apr_int64_t analysis_id;
    pl_job_progress_t progress;
    apr_time_t last_write;
    int dirty;
    char *out;                 /* the report so far */
    apr_size_t out_len, out_cap;
    const char *last_error;    /* the last line on standard error that was no progress */
} run_t;

/* {"stage":S,"done":N,"total":M}, or a message of the analyzer's. */
static apr_status_t err_line(void *baton, const char *line, apr_size_t len, apr_pool_t *scratch)
{
    run_t *run = baton;
    const char *stage, *why;
    apr_int64_t done = 0, total = 0;
    pl_json_t *j;

    if (len == 0)
        return APR_SUCCESS;
    if (line[0] == '{' && pl_json_parse(&j, scratch, line, len, 2, &why) == APR_SUCCESS
        && (stage = pl_json_get_str(j, "stage")) && strlen(stage) < 64) {
        pl_json_get_int(j, "done", &done);
        pl_json_get_int(j, "total", &total);
        if (!run->progress.message || strcmp(run->progress.message, stage))
            run->progress.message = apr_pstrdup(run->p, stage);
        run->progress.completed = done >= 0 ? done : -1;
        run->progress.total = total > 0 ? total : -1;
        run->progress.percent = pl_analysis_percent(stage, done, total, run->progress.percent);
        run->dirty = 1;
        return APR_SUCCESS;
    }
    run->last_error = pl_text_one_line(run->p, line, len, MESSAGE_MAX, NULL);
    return APR_SUCCESS;
}

/* The progress into the row, which renews the lease: APR_EINTR when the
 * job was canceled (or taken by another worker). */
static apr_status_t write_progress(run_t *run)
{
    apr_pool_t *scratch;
    apr_status_t rv;

    apr_pool_create(&scratch, run->p);
    rv = pl_jobs_progress(run->w->db, scratch, run->job, run->w->name, run->w->lease,
                          &run->progress);
    apr_pool_destroy(scratch);
    run->last_write = apr_time_now();
    run->dirty = 0;
    return rv;
}

static apr_status_t read_out(run_t *run, apr_file_t *f)
{
    char buf[65536];
    apr_size_t n = sizeof(buf);
    apr_status_t rv = apr_file_read(f, buf, &n);

    if (rv != APR_SUCCESS)
        return rv;
    if (run->out_len + n > PL_ANALYSIS_OUTPUT_MAX)
        return PL_ETOOBIG;
    if (run->out_len + n + 1 > run->out_cap) {
        apr_size_t cap = run->out_cap ? run->out_cap * 2 : 256 * 1024;
        char *grown;
        while (cap < run->out_len + n + 1)
            cap *= 2;
        grown = apr_palloc(run->p, cap);
        memcpy(grown, run->out, run->out_len);
        run->out = grown;
        run->out_cap = cap;
    }
    memcpy(run->out + run->out_len, buf, n);
    run->out_len += n;
    run->out[run->out_len] = '\0';
    return APR_SUCCESS;
}

typedef enum { ENDED, CANCELED, STOPPING, TIMED_OUT, TOO_BIG, DB_FAILED } outcome_e;

/* Reads both pipes until the analyzer closes them, watching the clock, the
 * cancel flag and the worker. */
static outcome_e watch(run_t *run, apr_proc_t *proc, apr_time_t deadline)
{
    pl_lines_t *lines = pl_lines_create(run->p, LINE_MAX_BYTES, err_line, run);
    int out_open = 1, err_open = 1;

    while (out_open || err_open) {
        int out_ready = out_open, err_ready = err_open;
        apr_status_t rv;

        if (pl_spawn_poll(proc, &out_ready, &err_ready, POLL_MS) != 0)
            return TIMED_OUT;
        if (out_ready) {
            rv = read_out(run, proc->out);
            if (rv == PL_ETOOBIG)
                return TOO_BIG;
            out_open = rv == APR_SUCCESS;
        }
        if (err_ready) {
            char buf[4096];
            apr_size_t len = sizeof(buf);
            rv = apr_file_read(proc->err, buf, &len);
            if (rv == APR_SUCCESS && pl_lines_feed(lines, buf, len) == PL_ETOOBIG)
                lines = pl_lines_create(run->p, LINE_MAX_BYTES, err_line, run);
            err_open = rv == APR_SUCCESS;
        }
        if (run->w->stopping && run->w->stopping(run->w->baton))
            return STOPPING;
        if (apr_time_now() >= deadline)
            return TIMED_OUT;
        if (apr_time_now() - run->last_write >= WRITE_EVERY) {
            rv = write_progress(run);
            if (rv == APR_EINTR)
                return CANCELED;
            if (rv != APR_SUCCESS)
                return DB_FAILED;
        }
    }
    pl_lines_flush(lines);
    return ENDED;
}

/* Ends the analysis and then its job (the analysis first: a reader that
 * sees the job ended finds its analysis ended too). */
static apr_status_t conclude(run_t *run, const char *state, const char *code, const char *message)
{
    const char *job_state = !strcmp(state, PL_ANALYSIS_CANCELED) ? PL_JOB_CANCELED : PL_JOB_FAILED;

    if (code)
        pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN01901: analysis %" APR_INT64_T_FMT " (job %"
               APR_INT64_T_FMT ") failed: %s: %s", run->analysis_id, run->job->id, code, message);
    pl_analyses_end(run->w->db, run->p, run->analysis_id, state, code, message);
    return pl_jobs_finish(run->w->db, run->p, run->job, run->w->name, job_state, code, message,
                          NULL);
}

/* What the analyzer's end says, when it did not hand over a report. */
static apr_status_t exited_badly(run_t *run, int code, apr_exit_why_e why)
{
    if (APR_PROC_CHECK_SIGNALED(why)) {
        if (code == SIGKILL || code == SIGXCPU)
            return conclude(run, PL_ANALYSIS_FAILED, PL_ERR_ANALYZER_KILLED, apr_psprintf(
                run->p, "the analyzer was killed by signal %d: it ran over the CPU time or"
                " memory limit (PlanningAnalysisCPU, PlanningAnalysisMemory)", code));
        return conclude(run, PL_ANALYSIS_FAILED, PL_ERR_ANALYZER_CRASHED, apr_psprintf(
            run->p, "the analyzer crashed (signal %d)%s%s", code,
            run->last_error ? ": " : "", run->last_error ? run->last_error : ""));
    }
    return conclude(run, PL_ANALYSIS_FAILED, PL_ERR_ANALYZER_FAILED, apr_psprintf(
        run->p, "the analyzer exited with status %d: %s", code,
        run->last_error ? run->last_error : "no message"));
}

static apr_status_t take_report(run_t *run)
{
    pl_analysis_results_t *res;
    pl_jsonw_t *w;
    pl_json_t *report;
    const char *why = NULL;
    apr_status_t rv;

    if (!run->out_len
        || pl_json_parse(&report, run->p, run->out, run->out_len, JSON_DEPTH, &why) != APR_SUCCESS
        || pl_json_type(report) != PL_JSON_OBJECT
        || pl_analysis_import(run->p, report, &res, &why) != APR_SUCCESS)
        return conclude(run, PL_ANALYSIS_FAILED, PL_ERR_BAD_OUTPUT, apr_pstrcat(
            run->p, "the analyzer's report cannot be read: ", why ? why : "it is empty", NULL));
    run->progress.message = "store";
    run->progress.percent = pl_analysis_percent("store", 0, 0, run->progress.percent);
    if ((rv = write_progress(run)) == APR_EINTR)
        return conclude(run, PL_ANALYSIS_CANCELED, NULL, NULL);
    if ((rv = pl_analysis_results_store(run->w->db, run->p, run->analysis_id, res)) != APR_SUCCESS)
        return rv == PL_ENOTFOUND ? conclude(run, PL_ANALYSIS_CANCELED, NULL, NULL) : rv;
    w = pl_jsonw_create(run->p, 64);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "analysis_id", run->analysis_id);
    pl_jsonw_end(w);
    return pl_jobs_finish(run->w->db, run->p, run->job, run->w->name, PL_JOB_SUCCEEDED, NULL,
                          NULL, pl_jsonw_text(w, NULL));
}

/* The command line: planning analyze DIR --format json --progress json ... */
static const char *const *command(apr_pool_t *p, const pl_analysis_limits_t *lim,
                                  const char *dir, const pl_analysis_record_t *a)
{
    apr_array_header_t *argv = apr_array_make(p, 12, sizeof(const char *));
    pl_json_t *o = NULL;
    const char *why;
    apr_int64_t n;

    APR_ARRAY_PUSH(argv, const char *) = lim->analyzer;
    APR_ARRAY_PUSH(argv, const char *) = "analyze";
    APR_ARRAY_PUSH(argv, const char *) = dir;
    APR_ARRAY_PUSH(argv, const char *) = "--format";
    APR_ARRAY_PUSH(argv, const char *) = "json";
    APR_ARRAY_PUSH(argv, const char *) = "--progress";
    APR_ARRAY_PUSH(argv, const char *) = "json";
    if (!a->include_history)
        APR_ARRAY_PUSH(argv, const char *) = "--no-history";
    /* checked when the request stored them */
    if (pl_json_parse(&o, p, a->options, strlen(a->options), 4, &why) == APR_SUCCESS) {
        if (pl_json_get_int(o, "jobs", &n)) {
            APR_ARRAY_PUSH(argv, const char *) = "--jobs";
            APR_ARRAY_PUSH(argv, const char *) = pl_text_i64(p, n);
        }
        if (pl_json_get_str(o, "plan")) {
            APR_ARRAY_PUSH(argv, const char *) = "--plan";
            APR_ARRAY_PUSH(argv, const char *) = apr_pstrcat(p, dir, "/",
                                                             pl_json_get_str(o, "plan"), NULL);
        }
    }
    APR_ARRAY_PUSH(argv, const char *) = NULL;
    return (const char *const *)argv->elts;
}

/* options.plan, or NULL. */
static const char *option_plan(apr_pool_t *p, const char *options)
{
    const char *why;
    pl_json_t *o;

    if (pl_json_parse(&o, p, options, strlen(options), 4, &why) != APR_SUCCESS)
        return NULL;
    return pl_json_get_str(o, "plan");
}

/* options.plan, resolved now: a symlink in the checkout may not lead the
 * analyzer to a file outside it (its text would end up in the results). */
static int plan_outside(apr_pool_t *p, const char *dir, const char *options)
{
    const char *why, *plan = option_plan(p, options), *abs;
    int flags;

    if (!plan)
        return 0;
    return pl_project_path(p, dir, plan, strlen(plan), &abs, &flags, &why) != APR_SUCCESS
        || (flags & (PL_PROJECT_PATH_GIT | PL_PROJECT_PATH_MISSING));
}

apr_status_t pl_analysis_job_run(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                                 const pl_analysis_limits_t *lim)
{
    pl_analysis_record_t *a;
    pl_project_t *proj;
    pl_json_t *payload;
    pl_spawn_opts_t spawn;
    apr_proc_t proc;
    run_t run;
    const char *why, *dir, *hash;
    apr_status_t rv;
    outcome_e outcome;
    int code = 0;
    apr_exit_why_e exit_why = APR_PROC_EXIT;

    memset(&run, 0, sizeof(run));
    run.p = p;
    run.w = w;
    run.job = job;
    run.progress.completed = run.progress.total = -1;
    run.last_write = apr_time_now();
    if (pl_json_parse(&payload, p, job->payload, strlen(job->payload), 4, &why) != APR_SUCCESS
        || !pl_json_get_int(payload, "analysis_id", &run.analysis_id)
        || pl_analyses_get(w->db, p, run.analysis_id, &a) != APR_SUCCESS)
        return pl_jobs_finish(w->db, p, job, w->name, PL_JOB_FAILED, PL_ERR_INVALID_JOB,
                              "the job names no analysis", NULL);
    if (!pl_analysis_active(a))
        return pl_jobs_finish(w->db, p, job, w->name, PL_JOB_FAILED, PL_ERR_ANALYSIS_ENDED,
                              "the analysis had ended before its job ran", NULL);
    if (pl_store_project_get(w->db, p, a->project_id, &proj) != APR_SUCCESS)
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_PROJECT_GONE, "the project no longer exists");
    /* the path as it is now, under the roots as they are now */
    if (pl_project_confine(p, lim->roots, proj->local_path, &dir, &why) != APR_SUCCESS)
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_PROJECT_PATH_INVALID,
                        apr_pstrcat(p, "the project's local_path ", why, NULL));
    if (plan_outside(p, dir, a->options))
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_PLAN_OUTSIDE_PROJECT,
                        "the plan named in options.plan is not a file inside the project's"
                        " checkout (a symlink out of it is refused)");
    /* what it reads, for the schedule's "nothing changed" (a checkout the
     * walk cannot read fails in the analyzer, with its own message) */
    if (pl_analysis_input_hash(p, dir, option_plan(p, a->options), &hash, &why) == APR_SUCCESS
        && (rv = pl_analyses_set_input_hash(w->db, p, run.analysis_id, hash)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_analyses_mark_running(w->db, p, run.analysis_id)) != APR_SUCCESS)
        return rv;
    spawn.dir = dir;
    spawn.cpu = lim->cpu > 0 ? lim->cpu : lim->timeout;
    spawn.memory = lim->memory;
    spawn.stdin_pipe = 0;
    spawn.home = NULL;
    if ((rv = pl_spawn(p, command(p, lim, dir, a), &spawn, &proc)) != APR_SUCCESS)
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_ANALYZER_UNAVAILABLE, apr_psprintf(
            p, "cannot start the analyzer %s (PlanningAnalyzer): %pm", lim->analyzer, &rv));
    outcome = watch(&run, &proc, apr_time_now() + apr_time_from_sec(lim->timeout));
    if (outcome != ENDED)
        pl_spawn_kill(&proc);
    if (apr_proc_wait(&proc, &code, &exit_why, APR_WAIT) != APR_CHILD_DONE)
        code = -1;   /* reaped elsewhere: only the report can tell */
    switch (outcome) {
    case CANCELED:
        return conclude(&run, PL_ANALYSIS_CANCELED, NULL, NULL);
    case STOPPING:   /* the child goes away: the job runs again elsewhere */
        return pl_jobs_release(w->db, p, job, w->name);
    case TIMED_OUT:
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_TIMEOUT, apr_psprintf(
            p, "the analysis ran longer than %d seconds (PlanningAnalysisTimeout) and was"
            " stopped", lim->timeout));
    case TOO_BIG:
        return conclude(&run, PL_ANALYSIS_FAILED, PL_ERR_OUTPUT_TOO_LARGE, apr_psprintf(
            p, "the analyzer's report exceeded %d bytes", PL_ANALYSIS_OUTPUT_MAX));
    case DB_FAILED:
        return PL_EDB;   /* the lease runs out and the job runs again */
    case ENDED:
        break;
    }
    if (code == -1 ? !run.out_len : (code != 0 || !APR_PROC_CHECK_EXIT(exit_why)))
        return exited_badly(&run, code, exit_why);
    return take_report(&run);
}
