/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "analyses/pl_snapshots.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

static const pl_sql_t SQL_LEVELS = {
    "pl.snapshots.levels",
    "SELECT l.analysis_id, l.level, l.objectives, l.done, l.partial, l.missing"
    " FROM analysis_levels l JOIN analyses a ON a.id = l.analysis_id"
    " WHERE a.project_id = %s AND l.analysis_id BETWEEN %s AND %s ORDER BY l.analysis_id, l.level",
    NULL
};

/* The analyses as snapshots with their levels: one query for the levels
 * of the whole id span. */
static apr_status_t with_levels(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const apr_array_header_t *analyses, apr_array_header_t **items)
{
    apr_hash_t *by_id = apr_hash_make(p);
    apr_int64_t lo = APR_INT64_MAX, hi = 0;
    pl_db_result_t *res;
    const char *args[3];
    apr_status_t rv;
    int i, n = analyses->nelts;

    *items = apr_array_make(p, n ? n : 1, sizeof(pl_snapshot_t *));
    for (i = 0; i < n; i++) {
        pl_analysis_record_t *a = APR_ARRAY_IDX(analyses, i, pl_analysis_record_t *);
        pl_snapshot_t *s = apr_pcalloc(p, sizeof(*s));

        s->a = a;
        s->levels = apr_array_make(p, 4, sizeof(pl_level_count_t *));
        apr_hash_set(by_id, pl_text_i64(p, a->id), APR_HASH_KEY_STRING, s);
        APR_ARRAY_PUSH(*items, pl_snapshot_t *) = s;
        lo = a->id < lo ? a->id : lo;
        hi = a->id > hi ? a->id : hi;
    }
    if (!n)
        return APR_SUCCESS;
    args[0] = pl_text_i64(p, project_id);
    args[1] = pl_text_i64(p, lo);
    args[2] = pl_text_i64(p, hi);
    if ((rv = pl_db_select(db, p, &SQL_LEVELS, 3, args, &res)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        pl_snapshot_t *s = apr_hash_get(by_id, row[0], APR_HASH_KEY_STRING);
        pl_level_count_t *c;

        if (!s)
            continue;
        c = apr_pcalloc(p, sizeof(*c));
        c->level = row[1] ? row[1] : "";
        c->objectives = row[2] ? atoi(row[2]) : 0;
        c->done = row[3] ? atoi(row[3]) : 0;
        c->partial = row[4] ? atoi(row[4]) : 0;
        c->missing = row[5] ? atoi(row[5]) : 0;
        APR_ARRAY_PUSH(s->levels, pl_level_count_t *) = c;
    }
    return APR_SUCCESS;
}

apr_status_t pl_snapshots_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id, int limit,
                               int offset, apr_array_header_t **items, apr_int64_t *total)
{
    apr_array_header_t *analyses;
    apr_status_t rv = pl_analyses_list_complete(db, p, project_id, limit, offset, &analyses,
                                                total);

    return rv == APR_SUCCESS ? with_levels(db, p, project_id, analyses, items) : rv;
}

apr_status_t pl_snapshots_range(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char *from, const char *to, apr_array_header_t **items)
{
    apr_array_header_t *analyses;
    apr_status_t rv = pl_analyses_finished_between(db, p, project_id, from, to,
                                                   PL_SNAPSHOTS_RANGE_MAX, &analyses);

    return rv == APR_SUCCESS ? with_levels(db, p, project_id, analyses, items) : rv;
}

int pl_trend_interval_parse(const char *s, pl_trend_interval_e *out)
{
    if (!s)
        return 0;
    if (!strcmp(s, "day"))
        *out = PL_TREND_DAY;
    else if (!strcmp(s, "week"))
        *out = PL_TREND_WEEK;
    else if (!strcmp(s, "month"))
        *out = PL_TREND_MONTH;
    else
        return 0;
    return 1;
}

apr_status_t pl_trend_date_parse(const char *s, int end, apr_time_t *t)
{
    char buf[32], back[16];
    apr_time_exp_t x;
    int i;

    if (!s || !*s)
        return PL_EINVAL;
    if (strlen(s) != 10)
        return pl_time_parse_rfc3339(s, t);
    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !apr_isdigit(s[i]))
            return PL_EINVAL;
    apr_snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
    if (pl_time_parse_rfc3339(buf, t) != APR_SUCCESS)
        return PL_EINVAL;
    /* a day the calendar has: 2026-02-31 would roll over into March */
    apr_time_exp_gmt(&x, *t);
    apr_snprintf(back, sizeof(back), "%04d-%02d-%02d", x.tm_year + 1900, x.tm_mon + 1, x.tm_mday);
    if (strcmp(back, s))
        return PL_EINVAL;
    if (end)
        *t += apr_time_from_sec(86400);
    return APR_SUCCESS;
}

/* The first day of the interval the time falls in, YYYY-MM-DD (weeks
 * start on Monday, as ISO 8601's). */
static const char *period_of(apr_pool_t *p, const char *time, pl_trend_interval_e interval)
{
    apr_time_exp_t x;
    apr_time_t t;

    if (!time || pl_time_parse_rfc3339(time, &t) != APR_SUCCESS)
        return "";
    apr_time_exp_gmt(&x, t);
    if (interval == PL_TREND_WEEK) {
        t -= apr_time_from_sec(86400) * ((x.tm_wday + 6) % 7);
        apr_time_exp_gmt(&x, t);
    }
    return apr_psprintf(p, "%04d-%02d-%02d", x.tm_year + 1900, x.tm_mon + 1,
                        interval == PL_TREND_MONTH ? 1 : x.tm_mday);
}

apr_array_header_t *pl_trend_series(apr_pool_t *p, const apr_array_header_t *snapshots,
                                    pl_trend_interval_e interval)
{
    apr_array_header_t *out = apr_array_make(p, snapshots->nelts + 1, sizeof(pl_snapshot_t *));
    pl_snapshot_t *last = NULL;
    double before = -1;
    int i;

    for (i = 0; i < snapshots->nelts; i++) {
        const pl_snapshot_t *in = APR_ARRAY_IDX(snapshots, i, pl_snapshot_t *);
        pl_snapshot_t *s = apr_pmemdup(p, in, sizeof(*in));

        s->period = period_of(p, in->a->finished_at, interval);
        if (last && !strcmp(last->period, s->period))
            APR_ARRAY_IDX(out, out->nelts - 1, pl_snapshot_t *) = s;   /* the later one wins */
        else {
            if (last)
                before = last->a->observed;
            APR_ARRAY_PUSH(out, pl_snapshot_t *) = s;
        }
        s->regressed = before >= 0 && s->a->observed >= 0 && s->a->observed < before;
        last = s;
    }
    return out;
}

static void counts_write(pl_jsonw_t *w, int objectives, int done, int partial, int missing)
{
    pl_jsonw_int(w, "objectives", objectives);
    pl_jsonw_int(w, "done", done);
    pl_jsonw_int(w, "partial", partial);
    pl_jsonw_int(w, "missing", missing);
}

void pl_snapshot_write(pl_jsonw_t *w, const pl_snapshot_t *s)
{
    const pl_analysis_record_t *a = s->a;
    int i;

    pl_jsonw_int(w, "analysis_id", a->id);
    pl_jsonw_str(w, "time", a->finished_at);
    pl_analysis_number_write(w, "claimed_percent", a->claimed);
    pl_analysis_number_write(w, "observed_percent", a->observed);
    counts_write(w, a->objectives, a->done, a->partial, a->missing);
    pl_jsonw_object(w, "levels");
    for (i = 0; i < s->levels->nelts; i++) {
        const pl_level_count_t *c = APR_ARRAY_IDX(s->levels, i, pl_level_count_t *);
        pl_jsonw_object(w, *c->level ? c->level : "none");
        counts_write(w, c->objectives, c->done, c->partial, c->missing);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}
