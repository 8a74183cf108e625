/* SPDX-License-Identifier: Apache-2.0 */
/* pl_analysis_import: today's report and the report with issue 12's names
 * map to the same rows; the claim stays beside the verdict; a report
 * without objectives is refused. pl_analysis_percent: stage shares. */
#include "unit.h"
#include "analyses/pl_analysis_import.h"
#include "analyses/pl_analysis_run.h"
#include "core/pl_status.h"

static pl_analysis_results_t *import(apr_pool_t *p, const char *text)
{
    pl_analysis_results_t *res = NULL;
    const char *why = NULL;
    pl_json_t *j;

    assert_int_equal(pl_json_parse(&j, p, text, strlen(text), 32, &why), APR_SUCCESS);
    assert_int_equal(pl_analysis_import(p, j, &res, &why), APR_SUCCESS);
    return res;
}

static const pl_analysis_objective_t *obj(const pl_analysis_results_t *r, int i)
{
    return APR_ARRAY_IDX(r->objectives, i, pl_analysis_objective_t *);
}

static const pl_analysis_task_t *task(const pl_analysis_objective_t *o, int i)
{
    return APR_ARRAY_IDX(o->tasks, i, pl_analysis_task_t *);
}

/* Today's shape: gap.objectives, claimed/observed, checked/coverage,
 * evidence on the objective naming its task, plan.objectives for the
 * dependencies, recommendations.recommendations with id and waiting_on. */
static const char TODAY[] =
    "{\"summary\":{\"claimed_percent\":75,\"observed_percent\":50},"
    "\"plan\":{\"title\":\"Shop\",\"objectives\":[{\"id\":\"A-001\",\"status\":\"done\",\"depends\":[]},"
    "{\"id\":\"B-001\",\"parent\":\"A-001\",\"depends\":[\"A-001\"]}]},"
    "\"gap\":{\"objectives\":[{\"id\":\"A-001\",\"title\":\"Login\",\"level\":\"primary\","
    "\"classification\":\"untested\",\"severity\":\"medium\",\"claimed\":1,\"observed\":1,"
    "\"confidence\":0.9,\"tested\":false,\"tasks\":[{\"text\":\"Hash\",\"checked\":true,"
    "\"coverage\":0.8}],\"evidence\":[{\"path\":\"a.py\",\"line\":6,\"symbol\":\"h\","
    "\"why\":[\"hash\"],\"task\":0},{\"path\":\"b.py\",\"line\":1,\"symbol\":\"x\",\"why\":[],"
    "\"task\":3}]},"
    "{\"id\":\"B-001\",\"title\":\"Cart\",\"level\":\"secondary\",\"classification\":"
    "\"claimed_without_evidence\",\"claimed\":1,\"observed\":0,\"tasks\":[]}]},"
    "\"recommendations\":{\"recommendations\":[{\"id\":\"B-001\",\"title\":\"Cart\","
    "\"classification\":\"claimed_without_evidence\",\"priority\":80,\"effort\":\"medium\","
    "\"impact\":\"high\",\"waiting_on\":[\"A-001\"],\"rationale\":\"why\"}]}}";

/* Issue 12's names: objectives at the top, claimed_status and
 * claimed_completion, observed_completion, score, per-task evidence,
 * dependencies; recommendations with type and related_objectives. */
static const char NEW[] =
    "{\"summary\":{\"claimed_percent\":75,\"observed_percent\":50},"
    "\"objectives\":[{\"id\":\"A-001\",\"title\":\"Login\",\"level\":\"primary\","
    "\"classification\":\"done\",\"score\":0.91,\"claimed_status\":\"done\","
    "\"claimed_completion\":1,\"observed_completion\":1,\"confidence\":0.9,\"tested\":false,"
    "\"dependencies\":[],\"tasks\":[{\"text\":\"Hash\",\"claimed\":true,\"score\":0.8,"
    "\"evidence\":[{\"path\":\"a.py\",\"line\":6,\"symbol\":\"h\",\"matched_words\":[\"hash\"]}]}]},"
    "{\"id\":\"B-001\",\"title\":\"Cart\",\"level\":\"secondary\",\"parent\":\"A-001\","
    "\"classification\":\"missing\",\"claimed_completion\":1,\"observed_completion\":0,"
    "\"dependencies\":[\"A-001\"],\"tasks\":[]}],"
    "\"recommendations\":[{\"type\":\"verify_claim\",\"title\":\"Cart\",\"priority\":80,"
    "\"effort\":\"medium\",\"impact\":\"high\",\"related_objectives\":[\"B-001\"],"
    "\"dependencies\":[\"A-001\"],\"rationale\":\"why\",\"description\":\"d\"}]}";

static void same_rows_from_both_shapes(void **state)
{
    apr_pool_t *p = *state;
    const char *texts[2] = { TODAY, NEW };
    int i;

    for (i = 0; i < 2; i++) {
        pl_analysis_results_t *r = import(p, texts[i]);
        const pl_analysis_advice_t *a;
        assert_int_equal(r->objectives->nelts, 2);
        assert_string_equal(obj(r, 0)->id, "A-001");
        assert_string_equal(obj(r, 0)->classification, "done");     /* untested is done, untested */
        assert_false(obj(r, 0)->tested);
        assert_string_equal(obj(r, 0)->claimed_status, "done");
        assert_true(obj(r, 0)->claimed == 1 && obj(r, 0)->observed == 1);
        assert_int_equal(obj(r, 0)->severity, 0);
        assert_string_equal(obj(r, 1)->classification, "missing");  /* the claim stays aside */
        assert_true(obj(r, 1)->claimed == 1 && obj(r, 1)->observed == 0);
        assert_string_equal(obj(r, 1)->parent, "A-001");
        assert_string_equal(obj(r, 1)->dependencies, "[\"A-001\"]");
        assert_int_equal(obj(r, 0)->tasks->nelts, 1);
        assert_int_equal(task(obj(r, 0), 0)->claimed, 1);
        assert_true(task(obj(r, 0), 0)->score > 0.79 && task(obj(r, 0), 0)->score < 0.81);
        assert_string_equal(task(obj(r, 0), 0)->evidence,
                            "[{\"path\":\"a.py\",\"line\":6,\"symbol\":\"h\",\"words\":[\"hash\"]}]");
        assert_true(r->claimed == 75 && r->observed == 50);
        assert_int_equal(r->recommendations->nelts, 1);
        a = APR_ARRAY_IDX(r->recommendations, 0, pl_analysis_advice_t *);
        assert_string_equal(a->type, "verify_claim");
        assert_int_equal(a->priority, 80);
        assert_string_equal(a->related, "[\"B-001\"]");
        assert_string_equal(a->dependencies, "[\"A-001\"]");
        assert_string_equal(a->effort, "medium");
    }
}

static void refuses_a_report_without_objectives(void **state)
{
    apr_pool_t *p = *state;
    pl_analysis_results_t *res;
    const char *why = NULL, *text = "{\"summary\":{}}";
    pl_json_t *j;

    assert_int_equal(pl_json_parse(&j, p, text, strlen(text), 8, &why), APR_SUCCESS);
    assert_int_equal(pl_analysis_import(p, j, &res, &why), PL_EINVAL);
    assert_non_null(why);
}

static void percent_by_stage(void **state)
{
    (void)state;
    assert_int_equal(pl_analysis_percent("plan", 0, 0, 0), 0);
    assert_int_equal(pl_analysis_percent("symbols", 0, 100, 0), 10);
    assert_int_equal(pl_analysis_percent("symbols", 50, 100, 0), 30);
    assert_int_equal(pl_analysis_percent("symbols", 500, 100, 0), 50);   /* never past its share */
    assert_int_equal(pl_analysis_percent("walk", 10, 0, 40), 40);        /* never backwards */
    assert_int_equal(pl_analysis_percent("no-such-stage", 1, 2, 33), 33);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(same_rows_from_both_shapes),
        UNIT_TEST(refuses_a_report_without_objectives),
        UNIT_TEST(percent_by_stage),
    };
    return UNIT_RUN(tests);
}
