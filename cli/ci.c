/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci analyze: starts an analysis of a project on the server, and
 * with --wait follows it to the end, reports its results in the format a CI
 * system reads and turns them into the exit status (ci.h). The API key comes
 * from PLANNING_API_KEY only: a command line is visible to every user of the
 * machine (ps) and lands in CI logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "ci.h"
#include "core/pl_http.h"
#include "core/pl_json.h"

/* --project: digits are an id, anything else a name looked up in the
 * projects the key can see (following the list's next links). */
static int find_project(ci_t *c, ci_report_t *r)
{
    const char *path = CI_API "/projects?limit=200", *s;
    pl_json_t *json, *items, *links, *next;
    apr_size_t i;
    int rc;

    if (apr_isdigit(*c->project) && strspn(c->project, "0123456789") == strlen(c->project)) {
        rc = ci_api(c, "GET", apr_pstrcat(c->p, CI_API "/projects/", c->project, NULL), NULL, &json, NULL);
        if (rc == CI_USAGE)
            fprintf(stderr, "planning ci: no project %s on %s that this key can see\n", c->project, c->server);
        if (rc != CI_MET)
            return rc;
        r->project_id = ci_int(json, "id");
        r->project_name = pl_json_get_str(json, "name");
        return CI_MET;
    }
    while (path) {
        if ((rc = ci_api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
            return rc;
        items = pl_json_get_array(c->p, json, "items");
        for (i = 0; items && i < pl_json_array_size(items); i++) {
            pl_json_t *it = pl_json_array_get(c->p, items, i);
            if ((s = pl_json_get_str(it, "name")) && !strcmp(s, c->project)) {
                r->project_id = ci_int(it, "id");
                r->project_name = s;
                return CI_MET;
            }
        }
        links = pl_json_get_object(c->p, json, "_links");
        next = links ? pl_json_get_object(c->p, links, "next") : NULL;
        path = next ? pl_json_get_str(next, "href") : NULL;
    }
    fprintf(stderr, "planning ci: no project named \"%s\" on %s that this key can see\n",
            c->project, c->server);
    return CI_USAGE;
}

/* Follows .../status until the analysis ends: every second at first, then
 * less often (up to every 5 s), the progress on stderr when it is a terminal. */
static int follow(ci_t *c, const ci_report_t *r)
{
    const char *path = apr_psprintf(c->p, CI_API "/analyses/%" APR_INT64_T_FMT "/status", r->analysis_id);
    apr_time_t deadline = apr_time_now() + apr_time_from_sec(c->timeout_s);
    apr_interval_time_t pause = apr_time_from_sec(1);
    int tty = isatty(2), rc;
    pl_json_t *json, *err;
    const char *state;

    for (;;) {
        if ((rc = ci_api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
            return rc;
        state = pl_json_get_str(json, "state");
        state = state ? state : "";
        if (tty)
            fprintf(stderr, "\ranalysis %" APR_INT64_T_FMT ": %-8s %3d%% %-12s", r->analysis_id, state,
                    (int)ci_int(json, "percent"), pl_json_get_str(json, "stage") ? pl_json_get_str(json, "stage") : "");
        if (!strcmp(state, "complete") || !strcmp(state, "failed") || !strcmp(state, "canceled"))
            break;
        if (apr_time_now() + pause > deadline) {
            fprintf(stderr, "%splanning ci: timed out: the analysis did not end within %ld seconds "
                    "(--timeout); it goes on on the server: %s\n", tty ? "\n" : "", c->timeout_s, r->results_url);
            return CI_TROUBLE;
        }
        apr_sleep(pause);
        pause = pause * 3 / 2 > apr_time_from_sec(5) ? apr_time_from_sec(5) : pause * 3 / 2;
    }
    if (tty)
        fputc('\n', stderr);
    if (strcmp(state, "complete")) {
        err = pl_json_get_object(c->p, json, "error");
        fprintf(stderr, "planning ci: the analysis %s: %s: %s\n", state,
                err && pl_json_get_str(err, "code") ? pl_json_get_str(err, "code") : "CANCELED",
                err && pl_json_get_str(err, "message") ? pl_json_get_str(err, "message")
                                                        : "it was canceled on the server");
        return CI_TROUBLE;
    }
    return CI_MET;
}

/* GET .../results of analysis id into r (its totals and objectives). */
static int load_results(ci_t *c, apr_int64_t id, ci_report_t *r)
{
    pl_json_t *json, *a, *totals, *opts, *objs, *o;
    const char *plan;
    apr_size_t i;
    int rc;

    rc = ci_api(c, "GET", apr_psprintf(c->p, CI_API "/analyses/%" APR_INT64_T_FMT "/results", id), NULL,
             &json, &r->raw);
    if (rc != CI_MET)
        return rc;
    a = pl_json_get_object(c->p, json, "analysis");
    totals = a ? pl_json_get_object(c->p, a, "totals") : NULL;
    opts = a ? pl_json_get_object(c->p, a, "options") : NULL;
    plan = opts ? pl_json_get_str(opts, "plan") : NULL;
    r->plan_file = plan ? plan : "MASTER_PLAN.md";   /* the analyzer's default */
    /* the totals are percents (*_percent), an objective's completion a fraction */
    r->claimed = ci_number(totals, "claimed_percent");
    r->claimed = r->claimed < 0 ? -1 : r->claimed / 100;
    r->observed = ci_number(totals, "observed_percent");
    r->observed = r->observed < 0 ? -1 : r->observed / 100;
    r->objectives = ci_int(totals, "objectives");
    r->done = ci_int(totals, "done");
    r->partial = ci_int(totals, "partial");
    r->missing = ci_int(totals, "missing");
    r->items = apr_array_make(c->p, 16, sizeof(ci_objective_t *));
    objs = pl_json_get_array(c->p, json, "objectives");
    for (i = 0; objs && i < pl_json_array_size(objs); i++) {
        ci_objective_t *ob = apr_pcalloc(c->p, sizeof(*ob));
        o = pl_json_array_get(c->p, objs, i);
        ob->id = pl_json_get_str(o, "id");
        ob->title = pl_json_get_str(o, "title");
        ob->level = pl_json_get_str(o, "level");
        ob->classification = pl_json_get_str(o, "classification");
        ob->severity = pl_json_get_str(o, "severity");
        ob->claimed = ci_number(o, "claimed_completion");
        ob->observed = ci_number(o, "observed_completion");
        ob->line = ci_int(o, "line");
        if (ob->id && ob->classification)
            APR_ARRAY_PUSH(r->items, ci_objective_t *) = ob;
    }
    if (!pl_json_is_true(json, "complete")) {
        fprintf(stderr, "planning ci: the analysis %" APR_INT64_T_FMT " has no results\n", id);
        return CI_TROUBLE;
    }
    return CI_MET;
}

static const ci_objective_t *find_objective(const ci_report_t *r, const char *id)
{
    int i;

    for (i = 0; i < r->items->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(r->items, i, ci_objective_t *)->id, id))
            return APR_ARRAY_IDX(r->items, i, ci_objective_t *);
    return NULL;
}

/* Against the newest complete analysis before this one: lower observed
 * completion, or an objective done then and (still in the plan but) not
 * done now. An objective taken out of the plan is a decision, not a regression. */
static int regressions(ci_t *c, ci_report_t *r)
{
    const char *path = apr_psprintf(c->p, CI_API "/projects/%" APR_INT64_T_FMT "/analyses?limit=50",
                                    r->project_id);
    pl_json_t *json, *items, *it;
    ci_report_t prev;
    apr_int64_t prev_id = 0;
    apr_size_t i;
    int rc, k;

    if ((rc = ci_api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
        return rc;
    items = pl_json_get_array(c->p, json, "items");
    for (i = 0; items && i < pl_json_array_size(items) && !prev_id; i++) {
        it = pl_json_array_get(c->p, items, i);
        if (ci_int(it, "id") < r->analysis_id && pl_json_get_str(it, "state")
            && !strcmp(pl_json_get_str(it, "state"), "complete"))
            prev_id = ci_int(it, "id");
    }
    if (!prev_id) {
        fprintf(stderr, "planning ci: no earlier complete analysis to compare with\n");
        return CI_MET;
    }
    memset(&prev, 0, sizeof(prev));
    if ((rc = load_results(c, prev_id, &prev)) != CI_MET)
        return rc;
    if (r->observed >= 0 && prev.observed >= 0 && r->observed < prev.observed - 1e-9)
        APR_ARRAY_PUSH(r->problems, const char *) = apr_psprintf(c->p,
            "regressed: observed completion %.1f%% is lower than %.1f%% in analysis %" APR_INT64_T_FMT,
            r->observed * 100, prev.observed * 100, prev_id);
    for (k = 0; k < prev.items->nelts; k++) {
        const ci_objective_t *was = APR_ARRAY_IDX(prev.items, k, ci_objective_t *);
        const ci_objective_t *now = find_objective(r, was->id);
        if (!strcmp(was->classification, "done") && now && strcmp(now->classification, "done"))
            APR_ARRAY_PUSH(r->problems, const char *) = apr_psprintf(c->p,
                "regressed: %s was done in analysis %" APR_INT64_T_FMT " and is %s now",
                was->id, prev_id, now->classification);
    }
    return CI_MET;
}

static int emit(ci_t *c, const ci_report_t *r)
{
    const char *text = !strcmp(c->format, "json") ? r->raw : ci_render(c->p, r, c->format);
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    FILE *f = c->output ? fopen(c->output, "w") : stdout;
    int bad;

    if (!f) {
        fprintf(stderr, "planning ci: cannot write %s\n", c->output);
        return CI_USAGE;
    }
    bad = fputs(text, f) < 0 || (text[0] && text[strlen(text) - 1] != '\n' && fputc('\n', f) == EOF);
    bad |= c->output ? fclose(f) != 0 : fflush(f) != 0;
    if (bad) {
        fprintf(stderr, "planning ci: cannot write the report to %s\n", c->output ? c->output : "stdout");
        return CI_USAGE;
    }
    /* GitHub collects what the steps of a job append to this file. */
    if (summary && *summary) {
        bad = !(f = fopen(summary, "a"));
        if (!bad) {
            bad = fputs(ci_render(c->p, r, "markdown"), f) < 0;
            bad |= fclose(f) != 0;
        }
        if (bad) {
            fprintf(stderr, "planning ci: cannot append to $GITHUB_STEP_SUMMARY (%s)\n", summary);
            return CI_USAGE;
        }
    }
    return CI_MET;
}

static int analyze(ci_t *c)
{
    ci_report_t r;
    pl_json_t *json;
    const char *raw;
    int rc, i;

    memset(&r, 0, sizeof(r));
    r.server = c->server;
    r.fail_under = c->fail_under;
    r.junit_partial_fails = c->junit_partial_fails;
    r.problems = apr_array_make(c->p, 4, sizeof(const char *));
    if ((rc = ci_connect(c)) != CI_MET || (rc = find_project(c, &r)) != CI_MET)
        return rc;
    rc = ci_api(c, "POST", apr_psprintf(c->p, CI_API "/projects/%" APR_INT64_T_FMT "/analyze", r.project_id),
             "{}", &json, &raw);
    if (rc != CI_MET)
        return rc;
    r.analysis_id = ci_int(json, "analysis_id");
    r.results_url = pl_http_url(c->p, &c->base, apr_psprintf(c->p, CI_API "/analyses/%" APR_INT64_T_FMT,
                                                             r.analysis_id));
    if (!c->wait) {
        if (!strcmp(c->format, "json"))
            printf("%s\n", raw);
        else
            printf("analysis %" APR_INT64_T_FMT " of project %s (%" APR_INT64_T_FMT ") started: %s\n",
                   r.analysis_id, r.project_name ? r.project_name : "", r.project_id, r.results_url);
        return CI_MET;
    }
    if ((rc = follow(c, &r)) != CI_MET || (rc = load_results(c, r.analysis_id, &r)) != CI_MET)
        return rc;
    if (c->fail_under >= 0 && (r.observed < 0 || r.observed * 100 < c->fail_under - 1e-9))
        APR_ARRAY_PUSH(r.problems, const char *) = r.observed < 0
            ? "below the bar: the analysis has no observed completion"
            : apr_psprintf(c->p, "below the bar: observed completion %.1f%% is under --fail-under %g%%",
                           r.observed * 100, c->fail_under);
    if (c->fail_on_regression && (rc = regressions(c, &r)) != CI_MET)
        return rc;
    if ((rc = emit(c, &r)) != CI_MET)
        return rc;
    for (i = 0; i < r.problems->nelts; i++)
        fprintf(stderr, "planning ci: %s\n", APR_ARRAY_IDX(r.problems, i, const char *));
    return r.problems->nelts ? CI_FAILED : CI_MET;
}

int planning_ci(apr_pool_t *p, int argc, const char *const *argv)
{
    ci_t c;
    int rc;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        ci_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CI_USAGE : CI_MET;
    }
    if (strcmp(argv[1], "analyze"))
        return ci_usage_error("unknown command \"ci %s\"", argv[1]);
    memset(&c, 0, sizeof(c));
    c.p = p;
    c.format = "text";
    c.timeout_s = 900;
    c.fail_under = -1;
    if ((rc = ci_parse(&c, argc - 1, argv + 1)) != CI_MET)
        return rc < 0 ? CI_MET : rc;
    return analyze(&c);
}
