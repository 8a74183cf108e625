/* SPDX-License-Identifier: Apache-2.0 */
/* Progress over time: every complete analysis is a snapshot (its totals,
 * and its counts per level stored with its results, schema 15), and the
 * burn-up series is the last snapshot of each day, week or month. */
#ifndef PL_SNAPSHOTS_H
#define PL_SNAPSHOTS_H

#include "analyses/pl_analyses.h"

typedef struct {
    const char *level;                /* "" when the plan gave none */
    int objectives, done, partial, missing;
} pl_level_count_t;

typedef struct {
    const pl_analysis_record_t *a;    /* complete; its time is finished_at */
    apr_array_header_t *levels;       /* pl_level_count_t *, by level */
    const char *period;               /* in a trend: the interval's first day */
    int regressed;                    /* in a trend: observed below the point before */
} pl_snapshot_t;

typedef enum { PL_TREND_DAY, PL_TREND_WEEK, PL_TREND_MONTH } pl_trend_interval_e;

/* Newest first. */
apr_status_t pl_snapshots_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id, int limit,
                               int offset, apr_array_header_t **items, apr_int64_t *total);
/* Oldest first, finished in [from, to) (RFC3339 as pl_time writes them;
 * NULL: open). At most PL_SNAPSHOTS_RANGE_MAX, the newest. */
#define PL_SNAPSHOTS_RANGE_MAX 5000
apr_status_t pl_snapshots_range(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char *from, const char *to, apr_array_header_t **items);

/* "day", "week", "month"; 0 for anything else. */
int pl_trend_interval_parse(const char *s, pl_trend_interval_e *out);
/* A query date: YYYY-MM-DD (the day's start; with end set, the next day's:
 * a "to" date includes its day) or an RFC3339 time. PL_EINVAL otherwise. */
apr_status_t pl_trend_date_parse(const char *s, int end, apr_time_t *t);
/* The last snapshot of each interval, oldest first, from snapshots oldest
 * first; sets period and regressed. */
apr_array_header_t *pl_trend_series(apr_pool_t *p, const apr_array_header_t *snapshots,
                                    pl_trend_interval_e interval);

/* One snapshot's fields (totals and levels) into the object w has open. */
void pl_snapshot_write(pl_jsonw_t *w, const pl_snapshot_t *s);

#endif
