/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of progress over time: schedule intervals, trend dates and
 * intervals, the last snapshot of each period with its regression flag,
 * XML escaping, and the input hash of a checkout (what changes it). */
#include <sys/stat.h>
#include <utime.h>

#include "unit.h"
#include "analyses/pl_analysis_inputs.h"
#include "analyses/pl_schedule.h"
#include "analyses/pl_snapshot_svg.h"
#include "analyses/pl_snapshots.h"
#include "core/pl_status.h"

static void intervals_parse_strictly(void **state)
{
    apr_pool_t *p = *state;
    const char *why;
    int m = -5;
    static const char *const BAD[] = { "", "0m", "5", "5x", "1h ", " 1h", "-1h", "31d", "1.5h",
                                       "99999999999999999999m", "OFF", NULL };
    const char *const *b;

    assert_true(pl_schedule_interval_parse("off", &m, &why));
    assert_int_equal(m, 0);
    assert_true(pl_schedule_interval_parse("30m", &m, &why));
    assert_int_equal(m, 30);
    assert_true(pl_schedule_interval_parse("6h", &m, &why));
    assert_int_equal(m, 360);
    assert_true(pl_schedule_interval_parse("30d", &m, &why));
    assert_int_equal(m, PL_SCHEDULE_MAX_MINUTES);
    for (b = BAD; *b; b++)
        assert_false(pl_schedule_interval_parse(*b, &m, &why));
    assert_false(pl_schedule_interval_parse(NULL, &m, &why));
    assert_string_equal(pl_schedule_interval_text(p, 0), "off");
    assert_string_equal(pl_schedule_interval_text(p, 90), "90m");
    assert_string_equal(pl_schedule_interval_text(p, 360), "6h");
    assert_string_equal(pl_schedule_interval_text(p, 2880), "2d");
}

static void trend_dates_parse_strictly(void **state)
{
    apr_time_t t, u;
    pl_trend_interval_e iv;

    assert_int_equal(pl_trend_date_parse("2026-01-05", 0, &t), APR_SUCCESS);
    assert_int_equal(pl_trend_date_parse("2026-01-05", 1, &u), APR_SUCCESS);
    assert_true(u - t == apr_time_from_sec(86400));
    assert_int_equal(pl_trend_date_parse("2026-01-05T10:00:00Z", 0, &t), APR_SUCCESS);
    assert_int_equal(pl_trend_date_parse("2026-02-31", 0, &t), PL_EINVAL);
    assert_int_equal(pl_trend_date_parse("2026-13-01", 0, &t), PL_EINVAL);
    assert_int_equal(pl_trend_date_parse("2026-1-05x", 0, &t), PL_EINVAL);
    assert_int_equal(pl_trend_date_parse("yesterday", 0, &t), PL_EINVAL);
    assert_int_equal(pl_trend_date_parse("", 0, &t), PL_EINVAL);
    assert_true(pl_trend_interval_parse("week", &iv) && iv == PL_TREND_WEEK);
    assert_false(pl_trend_interval_parse("hour", &iv));
    assert_false(pl_trend_interval_parse(NULL, &iv));
}

static pl_snapshot_t *snap(apr_pool_t *p, apr_int64_t id, const char *when, double observed)
{
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a));
    pl_snapshot_t *s = apr_pcalloc(p, sizeof(*s));

    a->id = id;
    a->finished_at = when;
    a->observed = observed;
    a->claimed = 80;
    s->a = a;
    s->levels = apr_array_make(p, 1, sizeof(void *));
    return s;
}

static void series_keeps_the_last_of_each_period(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *in = apr_array_make(p, 4, sizeof(pl_snapshot_t *)), *out;

    APR_ARRAY_PUSH(in, pl_snapshot_t *) = snap(p, 1, "2026-01-04T23:59:59.000Z", 40);   /* Sunday */
    APR_ARRAY_PUSH(in, pl_snapshot_t *) = snap(p, 2, "2026-01-05T08:00:00.000Z", 50);   /* Monday */
    APR_ARRAY_PUSH(in, pl_snapshot_t *) = snap(p, 3, "2026-01-05T18:00:00.000Z", 60);
    APR_ARRAY_PUSH(in, pl_snapshot_t *) = snap(p, 4, "2026-02-01T00:00:00.000Z", 55);
    out = pl_trend_series(p, in, PL_TREND_DAY);
    assert_int_equal(out->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(out, 1, pl_snapshot_t *)->period, "2026-01-05");
    assert_int_equal(APR_ARRAY_IDX(out, 1, pl_snapshot_t *)->a->id, 3);
    assert_false(APR_ARRAY_IDX(out, 1, pl_snapshot_t *)->regressed);
    assert_true(APR_ARRAY_IDX(out, 2, pl_snapshot_t *)->regressed);
    out = pl_trend_series(p, in, PL_TREND_WEEK);
    assert_int_equal(out->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(out, 0, pl_snapshot_t *)->period, "2025-12-29");
    assert_string_equal(APR_ARRAY_IDX(out, 1, pl_snapshot_t *)->period, "2026-01-05");
    assert_string_equal(APR_ARRAY_IDX(out, 2, pl_snapshot_t *)->period, "2026-01-26");
    out = pl_trend_series(p, in, PL_TREND_MONTH);
    assert_int_equal(out->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(out, 0, pl_snapshot_t *)->period, "2026-01-01");
    assert_int_equal(APR_ARRAY_IDX(out, 0, pl_snapshot_t *)->a->id, 3);
    assert_true(APR_ARRAY_IDX(out, 1, pl_snapshot_t *)->regressed);
}

static void svg_text_is_escaped(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *none = apr_array_make(p, 1, sizeof(pl_snapshot_t *));
    const char *svg;

    assert_string_equal(pl_svg_escape(p, "a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    assert_string_equal(pl_svg_escape(p, NULL), "");
    svg = pl_svg_badge(p, "<plan&>", 62.6);
    assert_non_null(strstr(svg, ">&lt;plan&amp;&gt;</text>"));
    assert_non_null(strstr(svg, ">63%</text>"));
    assert_null(strstr(svg, "<plan"));
    assert_non_null(strstr(pl_svg_badge(p, "plan", -1), ">unknown</text>"));
    svg = pl_svg_trend_chart(p, "x\"<y", none);
    assert_non_null(strstr(svg, "aria-label=\"x&quot;&lt;y\""));
    assert_null(strstr(svg, "<polyline"));
}

static void input_hash_follows_the_checkout(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl-inputs"), *h1, *h2, *h3, *h4, *err;
    struct utimbuf old = { 1000000000, 1000000000 };
    FILE *f;

    f = fopen(apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL), "w");
    fputs("# Plan\n\n### A-1 One\n- [ ] a\n", f);
    fclose(f);
    f = fopen(apr_pstrcat(p, dir, "/main.c", NULL), "w");
    fputs("int main(void) { return 0; }\n", f);
    fclose(f);
    utime(apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL), &old);
    assert_int_equal(pl_analysis_input_hash(p, dir, NULL, &h1, &err), APR_SUCCESS);
    assert_int_equal(strlen(h1), 40);
    assert_int_equal(pl_analysis_input_hash(p, dir, NULL, &h2, &err), APR_SUCCESS);
    assert_string_equal(h1, h2);
    /* the plan's bytes count even with the same size and mtime */
    f = fopen(apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL), "w");
    fputs("# Plan\n\n### A-1 One\n- [x] a\n", f);
    fclose(f);
    utime(apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL), &old);
    assert_int_equal(pl_analysis_input_hash(p, dir, NULL, &h3, &err), APR_SUCCESS);
    assert_string_not_equal(h1, h3);
    /* a new code file */
    f = fopen(apr_pstrcat(p, dir, "/util.c", NULL), "w");
    fputs("int util(void) { return 1; }\n", f);
    fclose(f);
    assert_int_equal(pl_analysis_input_hash(p, dir, NULL, &h4, &err), APR_SUCCESS);
    assert_string_not_equal(h3, h4);
    assert_int_not_equal(pl_analysis_input_hash(p, apr_pstrcat(p, dir, "/gone", NULL), NULL, &h4,
                                                &err), APR_SUCCESS);
    unit_rmtree(p, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(intervals_parse_strictly),
        UNIT_TEST(trend_dates_parse_strictly),
        UNIT_TEST(series_keeps_the_last_of_each_period),
        UNIT_TEST(svg_text_is_escaped),
        UNIT_TEST(input_hash_follows_the_checkout),
    };
    return UNIT_RUN(tests);
}
