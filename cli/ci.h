/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci analyze: a CI job's client of the server's analyses. ci.c
 * talks to the server and decides the exit status; ci_report.c renders what
 * it found as text, Markdown, JUnit XML or SARIF. */
#ifndef PLANNING_CLI_CI_H
#define PLANNING_CLI_CI_H

#include <apr_pools.h>
#include <apr_tables.h>

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

/* planning ci SUBCOMMAND ...: argv[0] is "ci". Returns the exit status. */
int planning_ci(apr_pool_t *p, int argc, const char *const *argv);

/* The report in format "text", "markdown", "junit" or "sarif" ("json" is
 * r->raw); NULL for an unknown format. */
const char *ci_render(apr_pool_t *p, const ci_report_t *r, const char *format);

#endif
