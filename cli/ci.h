/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci analyze: a CI job's client of the server's analyses. ci.c
 * talks to the server and decides the exit status; ci_report.c renders what
 * it found as text, Markdown, JUnit XML or SARIF. */
#ifndef PLANNING_CLI_CI_H
#define PLANNING_CLI_CI_H

#include <stdio.h>

#include <apr_pools.h>
#include <apr_tables.h>

#include "core/pl_json.h"
#include "core/pl_url.h"

/* Exit statuses, the contract with CI systems (documented in contrib/ci). */
#define CI_MET       0   /* the bar is met (or, without --wait, the analysis started) */
#define CI_FAILED    1   /* below --fail-under, or regressed (--fail-on-regression) */
#define CI_USAGE     2   /* a usage mistake: options, or a project that is not there */
#define CI_TROUBLE   3   /* cannot reach or authenticate, or the analysis failed or timed out */

typedef struct {
    const char *id, *title, *level, *classification, *severity;
    double claimed, observed;        /* 0..1, or -1 when the server has none */
    apr_int64_t line;                /* in the plan file, 0 when unknown */
} ci_objective_t;

typedef struct {
    const char *server, *project_name, *plan_file, *results_url;
    apr_int64_t project_id, analysis_id;
    const char *raw;                 /* the results as the server sent them */
    double claimed, observed;        /* totals, 0..1, or -1 */
    apr_int64_t objectives, done, partial, missing;
    apr_array_header_t *items;       /* ci_objective_t * */
    double fail_under;               /* percent, or -1 when not asked */
    int junit_partial_fails;         /* --junit-partial=fail (the default) */
    apr_array_header_t *problems;    /* const char *: why the exit status is 1 */
} ci_report_t;

#define CI_API "/api/v1"
#define CI_MAX_RESPONSE (64u * 1024 * 1024)   /* a results document of a large plan */

/* What the command line asked for, and the server it talks to. */
typedef struct {
    apr_pool_t *p;
    const char *server, *project, *format, *output, *key;
    int wait, fail_on_regression, junit_partial_fails;
    long timeout_s;
    double fail_under;
    pl_url_t base;
} ci_t;

/* ci_options.c: the usage text; a usage mistake said on stderr (returns
 * CI_USAGE); the options into c: CI_MET, CI_USAGE, or -1 after --help. */
void ci_usage(FILE *out);
int ci_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ci_parse(ci_t *c, int argc, const char *const *argv);

/* ci_api.c: checks and resolves --server (every address allowed: the user
 * names it) and sets up libcurl. */
int ci_connect(ci_t *c);
/* One request: CI_MET with the parsed reply (and its text in *raw, when
 * raw is not NULL) for a 2xx; otherwise it says why on stderr and returns
 * CI_TROUBLE (unreachable, key refused, server error) or CI_USAGE (404). */
int ci_api(ci_t *c, const char *method, const char *path, const char *body, pl_json_t **json,
           const char **raw);
/* The integer under key (0 when absent), the number under key (-1 when absent or null). */
apr_int64_t ci_int(const pl_json_t *obj, const char *key);
double ci_number(const pl_json_t *obj, const char *key);

/* planning ci SUBCOMMAND ...: argv[0] is "ci". Returns the exit status. */
int planning_ci(apr_pool_t *p, int argc, const char *const *argv);

/* The report in format "text", "markdown", "junit" or "sarif" ("json" is
 * r->raw); NULL for an unknown format. */
const char *ci_render(apr_pool_t *p, const ci_report_t *r, const char *format);

#endif
