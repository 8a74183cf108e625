/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci analyze's options: parsed and checked before anything is
 * asked of the server, every mistake a usage error (exit 2) that says what
 * is wrong. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_getopt.h>

#include "ci.h"

void ci_usage(FILE *out)
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

int ci_usage_error(const char *fmt, ...)
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

int ci_parse(ci_t *c, int argc, const char *const *argv)
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
                return ci_usage_error("--timeout must be a whole number of seconds from 1 to 86400, not \"%s\"", arg);
            c->timeout_s = (long)v;
            break;
        case O_FAIL_UNDER:
            if (!number_in(arg, 0, 100, &c->fail_under))
                return ci_usage_error("--fail-under must be a percent from 0 to 100, not \"%s\"", arg);
            break;
        case 'h': ci_usage(stdout); return -1;
        }
    }
    if (rv != APR_EOF)
        return ci_usage_error("unknown option or missing value: %s", argv[g->ind - 1]);
    if (g->ind != argc)
        return ci_usage_error("unexpected argument \"%s\"", argv[g->ind]);
    if (!c->server)
        return ci_usage_error("%s", "--server URL is required");
    if (!c->project || !*c->project)
        return ci_usage_error("%s", "--project ID|NAME is required");
    if (strcmp(c->format, "text") && strcmp(c->format, "json") && strcmp(c->format, "markdown")
        && strcmp(c->format, "junit") && strcmp(c->format, "sarif"))
        return ci_usage_error("--format must be text, json, markdown, junit or sarif, not \"%s\"", c->format);
    if (strcmp(partial, "pass") && strcmp(partial, "fail"))
        return ci_usage_error("--junit-partial must be pass or fail, not \"%s\"", partial);
    c->junit_partial_fails = !strcmp(partial, "fail");
    if (!c->wait && (c->fail_under >= 0 || c->fail_on_regression))
        return ci_usage_error("%s", "--fail-under and --fail-on-regression need --wait");
    if (!c->wait && strcmp(c->format, "text") && strcmp(c->format, "json"))
        return ci_usage_error("--format %s reports results: it needs --wait", c->format);
    c->key = getenv("PLANNING_API_KEY");
    if (!c->key || !*c->key)
        return ci_usage_error("%s", "set the environment variable PLANNING_API_KEY to an API key "
                           "with write scope (it is never taken from the command line)");
    return CI_MET;
}

