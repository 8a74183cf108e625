/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci analyze: starts an analysis of a project on the server, and
 * with --wait follows it to the end, reports its results in the format a CI
 * system reads and turns them into the exit status (ci.h). The API key comes
 * from PLANNING_API_KEY only: a command line is visible to every user of the
 * machine (ps) and lands in CI logs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <apr_getopt.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "ci.h"
#include "core/pl_http.h"
#include "core/pl_json.h"
#include "core/pl_url.h"

#define CI_MAX_RESPONSE (64u * 1024 * 1024)   /* a results document of a large plan */
#define CI_API "/api/v1"

typedef struct {
    apr_pool_t *p;
    const char *server, *project, *format, *output, *key;
    int wait, fail_on_regression, junit_partial_fails;
    long timeout_s;
    double fail_under;
    pl_url_t base;
} ci_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: planning ci analyze --server URL --project ID|NAME [--wait] [--timeout S]\n"
            "           [--fail-under PERCENT] [--fail-on-regression]\n"
            "           [--format text|json|markdown|junit|sarif] [--junit-partial pass|fail]\n"
            "           [--output FILE]\n"
            "\n"
            "Starts an analysis of the project on the server; the API key (write scope) is\n"
            "read from the environment variable PLANNING_API_KEY. Without --wait it prints the\n"
            "analysis's id and URL. With --wait it follows the analysis (at most --timeout\n"
            "seconds, default 900) and reports its results; --fail-under and\n"
            "--fail-on-regression (against the previous complete analysis) need --wait.\n"
            "--junit-partial says whether a partial objective is a failed test case (default\n"
            "fail). With $GITHUB_STEP_SUMMARY set, a Markdown summary is appended to it.\n"
            "\n"
            "exit status: 0 met, 1 below --fail-under or regressed, 2 usage mistake or no such\n"
            "project, 3 server unreachable, key refused, or the analysis failed or timed out\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "planning ci: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see planning ci analyze --help)\n");
    return CI_USAGE;
}

/* A whole number or decimal in [lo, hi] into *out: 1, or 0 for anything else. */
static int number_in(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (!*s || *end || v != v || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static int parse(ci_t *c, int argc, const char *const *argv)
{
    enum { O_TIMEOUT = 256, O_FAIL_UNDER, O_REGRESSION, O_JUNIT, O_OUTPUT };
    static const apr_getopt_option_t opts[] = {
        { "server", 's', 1, "the server's base URL" },
        { "project", 'p', 1, "the project's id or name" },
        { "wait", 'w', 0, "follow the analysis to the end" },
        { "timeout", O_TIMEOUT, 1, "seconds to wait" },
        { "fail-under", O_FAIL_UNDER, 1, "percent of observed completion" },
        { "fail-on-regression", O_REGRESSION, 0, "fail when worse than the previous analysis" },
        { "format", 'f', 1, "text, json, markdown, junit or sarif" },
        { "junit-partial", O_JUNIT, 1, "pass or fail" },
        { "output", 'o', 1, "write the report here" },
        { "help", 'h', 0, "this help" },
        { NULL, 0, 0, NULL }
    };
    apr_getopt_t *g;
    const char *arg, *partial = "fail";
    double v;
    apr_status_t rv;
    int ch;

    apr_getopt_init(&g, c->p, argc, argv);
    g->errfn = NULL;   /* our own message below, once */
    while ((rv = apr_getopt_long(g, opts, &ch, &arg)) == APR_SUCCESS) {
        switch (ch) {
        case 's': c->server = arg; break;
        case 'p': c->project = arg; break;
        case 'w': c->wait = 1; break;
        case 'f': c->format = arg; break;
        case 'o': c->output = arg; break;
        case O_REGRESSION: c->fail_on_regression = 1; break;
        case O_JUNIT: partial = arg; break;
        case O_TIMEOUT:
            if (!number_in(arg, 1, 86400, &v) || v != (long)v)
                return usage_error("--timeout must be a whole number of seconds from 1 to 86400, not \"%s\"", arg);
            c->timeout_s = (long)v;
            break;
        case O_FAIL_UNDER:
            if (!number_in(arg, 0, 100, &c->fail_under))
                return usage_error("--fail-under must be a percent from 0 to 100, not \"%s\"", arg);
            break;
        case 'h': usage(stdout); return -1;
        }
    }
    if (rv != APR_EOF)
        return usage_error("unknown option or missing value: %s", argv[g->ind - 1]);
    if (g->ind != argc)
        return usage_error("unexpected argument \"%s\"", argv[g->ind]);
    if (!c->server)
        return usage_error("%s", "--server URL is required");
    if (!c->project || !*c->project)
        return usage_error("%s", "--project ID|NAME is required");
    if (strcmp(c->format, "text") && strcmp(c->format, "json") && strcmp(c->format, "markdown")
        && strcmp(c->format, "junit") && strcmp(c->format, "sarif"))
        return usage_error("--format must be text, json, markdown, junit or sarif, not \"%s\"", c->format);
    if (strcmp(partial, "pass") && strcmp(partial, "fail"))
        return usage_error("--junit-partial must be pass or fail, not \"%s\"", partial);
    c->junit_partial_fails = !strcmp(partial, "fail");
    if (!c->wait && (c->fail_under >= 0 || c->fail_on_regression))
        return usage_error("%s", "--fail-under and --fail-on-regression need --wait");
    if (!c->wait && strcmp(c->format, "text") && strcmp(c->format, "json"))
        return usage_error("--format %s reports results: it needs --wait", c->format);
    c->key = getenv("PLANNING_API_KEY");
    if (!c->key || !*c->key)
        return usage_error("%s", "set the environment variable PLANNING_API_KEY to an API key "
                           "with write scope (it is never taken from the command line)");
    return CI_MET;
}

/* The server is whatever the user names, on the LAN or loopback as often as
 * not: every address is allowed (pl_url still refuses user info, odd schemes). */
static int connect_server(ci_t *c)
{
    static const char *const HALVES[][2] = {   /* APR takes no /0: two halves each */
        { "0.0.0.0", "1" }, { "128.0.0.0", "1" }, { "::", "1" }, { "8000::", "1" }
    };
    apr_array_header_t *all = apr_array_make(c->p, 4, sizeof(apr_ipsubnet_t *));
    apr_ipsubnet_t *net;
    const char *why;
    apr_size_t n;
    int i;

    for (i = 0; i < 4; i++)
        if (apr_ipsubnet_create(&net, HALVES[i][0], HALVES[i][1], c->p) == APR_SUCCESS)
            APR_ARRAY_PUSH(all, apr_ipsubnet_t *) = net;
    c->server = apr_pstrdup(c->p, c->server);
    n = strlen(c->server);
    while (n > 0 && c->server[n - 1] == '/')   /* "https://host/" is how people write it */
        ((char *)c->server)[--n] = '\0';
    if (pl_url_parse(c->p, c->server, &c->base, &why) != APR_SUCCESS) {
        usage_error("--server: %s", why);
        return CI_USAGE;
    }
    if (pl_url_resolve(c->p, &c->base, all, &why) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot reach the server %s: %s\n", c->server, why);
        return CI_TROUBLE;
    }
    if (pl_http_init() != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot initialise libcurl\n");
        return CI_TROUBLE;
    }
    return CI_MET;
}

/* One request. CI_MET with the parsed reply for a 2xx; otherwise it says
 * why on stderr and returns the exit status it calls for: CI_TROUBLE when
 * the server cannot be reached or refuses the key, CI_USAGE for a 404 (what
 * the user named is not there). */
static int api(ci_t *c, const char *method, const char *path, const char *body,
               pl_json_t **json, const char **raw)
{
    pl_http_req_t req = { method, &c->base, path, body, c->key, 10000, 60000, CI_MAX_RESPONSE, 0 };
    pl_http_resp_t resp;
    pl_json_t *err = NULL;
    const char *why, *code = "", *msg = "";

    if (pl_http_do(c->p, &req, &resp) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot reach the server %s: %s\n", c->server,
                resp.error ? resp.error : "no reply");
        return CI_TROUBLE;
    }
    *json = NULL;
    if (raw)
        *raw = resp.body;
    if (resp.len && pl_json_parse(json, c->p, resp.body, resp.len, 64, &why) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: the reply of %s to %s %s (HTTP %ld) is not JSON: %s; is %s "
                "a mod_planning server?\n", c->server, method, path, resp.status, why, c->server);
        return CI_TROUBLE;
    }
    if (resp.status >= 200 && resp.status < 300 && *json)
        return CI_MET;
    if (*json && (err = pl_json_get_object(c->p, *json, "error"))) {
        code = pl_json_get_str(err, "code") ? pl_json_get_str(err, "code") : "";
        msg = pl_json_get_str(err, "message") ? pl_json_get_str(err, "message") : "";
    }
    if (resp.status == 401)
        fprintf(stderr, "planning ci: cannot authenticate: %s refused the key in PLANNING_API_KEY "
                "(%s: %s)\n", c->server, code, msg);
    else if (resp.status == 403)
        fprintf(stderr, "planning ci: cannot authenticate: the key in PLANNING_API_KEY may not %s %s "
                "(%s: %s); it needs write scope on the project\n", method, path, code, msg);
    else
        fprintf(stderr, "planning ci: %s %s answered HTTP %ld %s: %s\n", method, path, resp.status,
                code, msg);
    return resp.status == 404 ? CI_USAGE : CI_TROUBLE;
}

static apr_int64_t int_of(const pl_json_t *obj, const char *key)
{
    apr_int64_t v = 0;

    return obj && pl_json_get_int(obj, key, &v) ? v : 0;
}

static double fraction_of(const pl_json_t *obj, const char *key)
{
    double v;

    return obj && pl_json_get_number(obj, key, &v) ? v : -1;
}

/* --project: digits are an id, anything else a name looked up in the
 * projects the key can see (following the list's next links). */
static int find_project(ci_t *c, ci_report_t *r)
{
    const char *path = CI_API "/projects?limit=200", *s;
    pl_json_t *json, *items, *links, *next;
    apr_size_t i;
    int rc;

    if (apr_isdigit(*c->project) && strspn(c->project, "0123456789") == strlen(c->project)) {
        rc = api(c, "GET", apr_pstrcat(c->p, CI_API "/projects/", c->project, NULL), NULL, &json, NULL);
        if (rc == CI_USAGE)
            fprintf(stderr, "planning ci: no project %s on %s that this key can see\n", c->project, c->server);
        if (rc != CI_MET)
            return rc;
        r->project_id = int_of(json, "id");
        r->project_name = pl_json_get_str(json, "name");
        return CI_MET;
    }
    while (path) {
        if ((rc = api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
            return rc;
        items = pl_json_get_array(c->p, json, "items");
        for (i = 0; items && i < pl_json_array_size(items); i++) {
            pl_json_t *it = pl_json_array_get(c->p, items, i);
            if ((s = pl_json_get_str(it, "name")) && !strcmp(s, c->project)) {
                r->project_id = int_of(it, "id");
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
        if ((rc = api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
            return rc;
        state = pl_json_get_str(json, "state");
        state = state ? state : "";
        if (tty)
            fprintf(stderr, "\ranalysis %" APR_INT64_T_FMT ": %-8s %3d%% %-12s", r->analysis_id, state,
                    (int)int_of(json, "percent"), pl_json_get_str(json, "stage") ? pl_json_get_str(json, "stage") : "");
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

    rc = api(c, "GET", apr_psprintf(c->p, CI_API "/analyses/%" APR_INT64_T_FMT "/results", id), NULL,
             &json, &r->raw);
    if (rc != CI_MET)
        return rc;
    a = pl_json_get_object(c->p, json, "analysis");
    totals = a ? pl_json_get_object(c->p, a, "totals") : NULL;
    opts = a ? pl_json_get_object(c->p, a, "options") : NULL;
    plan = opts ? pl_json_get_str(opts, "plan") : NULL;
    r->plan_file = plan ? plan : "MASTER_PLAN.md";   /* the analyzer's default */
    /* the totals are percents, an objective's completion a fraction */
    r->claimed = fraction_of(totals, "claimed_completion");
    r->claimed = r->claimed < 0 ? -1 : r->claimed / 100;
    r->observed = fraction_of(totals, "observed_completion");
    r->observed = r->observed < 0 ? -1 : r->observed / 100;
    r->objectives = int_of(totals, "objectives");
    r->done = int_of(totals, "done");
    r->partial = int_of(totals, "partial");
    r->missing = int_of(totals, "missing");
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
        ob->claimed = fraction_of(o, "claimed_completion");
        ob->observed = fraction_of(o, "observed_completion");
        ob->line = int_of(o, "line");
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

    if ((rc = api(c, "GET", path, NULL, &json, NULL)) != CI_MET)
        return rc;
    items = pl_json_get_array(c->p, json, "items");
    for (i = 0; items && i < pl_json_array_size(items) && !prev_id; i++) {
        it = pl_json_array_get(c->p, items, i);
        if (int_of(it, "id") < r->analysis_id && pl_json_get_str(it, "state")
            && !strcmp(pl_json_get_str(it, "state"), "complete"))
            prev_id = int_of(it, "id");
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
    if ((rc = connect_server(c)) != CI_MET || (rc = find_project(c, &r)) != CI_MET)
        return rc;
    rc = api(c, "POST", apr_psprintf(c->p, CI_API "/projects/%" APR_INT64_T_FMT "/analyze", r.project_id),
             "{}", &json, &raw);
    if (rc != CI_MET)
        return rc;
    r.analysis_id = int_of(json, "analysis_id");
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
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CI_USAGE : CI_MET;
    }
    if (strcmp(argv[1], "analyze"))
        return usage_error("unknown command \"ci %s\"", argv[1]);
    memset(&c, 0, sizeof(c));
    c.p = p;
    c.format = "text";
    c.timeout_s = 900;
    c.fail_under = -1;
    if ((rc = parse(&c, argc - 1, argv + 1)) != CI_MET)
        return rc < 0 ? CI_MET : rc;
    return analyze(&c);
}
