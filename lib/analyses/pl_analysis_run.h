/* SPDX-License-Identifier: Apache-2.0 */
/* The job of kind "analysis": the `planning analyze` command run as a child
 * process on the project's checkout, never the analysis inside an httpd
 * child. The child gets no shell, a small environment, its own process
 * group, a lower priority (nice 10) and limits (CPU seconds, address
 * space); a wall-clock timeout, a cancel or a shutting-down worker kills the
 * whole group. Its report (JSON on standard output, capped) is stored as
 * rows; its progress (one JSON line per step on standard error, from
 * --progress json) becomes the job's stage and percent. */
#ifndef PL_ANALYSIS_RUN_H
#define PL_ANALYSIS_RUN_H

#include <apr_tables.h>

#include "db/pl_jobs.h"

#define PL_ANALYSIS_OUTPUT_MAX (64 * 1024 * 1024)   /* bytes of report read */

typedef struct {
    const char *analyzer;            /* the planning binary, an absolute path */
    int timeout;                     /* seconds of wall clock */
    apr_int64_t memory;              /* bytes of address space; 0: no limit */
    int cpu;                         /* seconds of CPU time; 0: the timeout */
    const apr_array_header_t *roots; /* project roots, canonical */
} pl_analysis_limits_t;

/* Percent (0..100) of the whole run at stage with done of total, never
 * below last: stages have fixed shares of the bar. */
int pl_analysis_percent(const char *stage, apr_int64_t done, apr_int64_t total, int last);

/* Runs job to its end (or hands it back when the worker stops) and
 * records the outcome in the job and its analysis. Returns what recording
 * it returned: anything but APR_SUCCESS means the lease will run out. */
apr_status_t pl_analysis_job_run(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                                 const pl_analysis_limits_t *limits);

/* The analysis options a request may give (NULL-terminated), and their
 * check: 1, or 0 with *field and *why. */
extern const char *const PL_ANALYSIS_OPTIONS[];
#include "core/pl_json.h"
int pl_analysis_options_valid(const pl_json_t *options, const char **field, const char **why);

#endif
