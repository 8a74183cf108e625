/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduled analyses and the snapshot settings of a project (schema 15):
 * an interval (the project's own, or PlanningAnalysisSchedule's when it
 * has none; 0 is off) and whether its badge and chart are public. The job
 * runner calls pl_schedule_tick about once a second in every child: a due
 * project is claimed with a conditional UPDATE of next_check_at (one
 * process wins), then queued through pl_analyses_start, the same
 * one-active-analysis rule POST .../analyze keeps, unless its checkout
 * hashes as it did for its last complete analysis. */
#ifndef PL_SCHEDULE_H
#define PL_SCHEDULE_H

#include "analyses/pl_analyses.h"
#include "core/pl_jsonw.h"

#define PL_SCHEDULE_MAX_MINUTES (30 * 24 * 60)

/* What the scheduler last did. */
#define PL_SCHEDULE_QUEUED  "queued"    /* an analysis was queued */
#define PL_SCHEDULE_SKIPPED "skipped"   /* nothing changed since the last complete one */
#define PL_SCHEDULE_BUSY    "busy"      /* one was already queued or running */

typedef struct {
    apr_int64_t project_id;
    int interval;                 /* minutes; -1: the default; 0: off */
    int public_badge;
    apr_int64_t next_check_at;    /* Unix seconds; 0: as soon as it is on */
    const char *last_check_at, *last_outcome, *updated_at;
    apr_int64_t last_analysis_id; /* 0: none */
} pl_schedule_t;

/* "off" (0), or a whole number with m, h or d ("30m", "6h", "1d"), from 1
 * minute to 30 days. 0 with *why otherwise. */
int pl_schedule_interval_parse(const char *s, int *minutes, const char **why);
/* "off", "30m", "6h", "2d": the largest unit that divides it. */
const char *pl_schedule_interval_text(apr_pool_t *p, int minutes);

/* A project with no row gets the defaults (interval -1, not public). */
apr_status_t pl_schedule_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             pl_schedule_t **s);
/* Sets the interval; the next check is due at once. */
apr_status_t pl_schedule_set_interval(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                      int interval);
apr_status_t pl_schedule_set_public(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                    int public_badge);

/* Checks the due projects (at most a few per call): roots are
 * PlanningProjectRoots, default_minutes PlanningAnalysisSchedule.
 * *queued counts the analyses it queued. */
apr_status_t pl_schedule_tick(pl_db_t *db, apr_pool_t *p, const apr_array_header_t *roots,
                              int default_minutes, int *queued);

#endif
