/* SPDX-License-Identifier: Apache-2.0 */
/* pl_recommend: priorities, efforts, impacts, the dependency order, cycles
 * and rationales, on the shop of gap_fixture.h (its verdicts set by hand)
 * and on plans with cycles. */
#include "unit.h"
#include "gap_fixture.h"
#include "gap/pl_recommend.h"

/* The verdicts pl_gap reaches on the shop (t/unit/test_gap.c tests how it
 * reaches them on a real checkout): a task is observed when its code
 * exists (the complexity of that code as evidence), the objective's class
 * follows from the share observed; plans without a spec are all missing. */
static pl_gap_t *fx_gap(apr_pool_t *p, const pl_plan_t *plan)
{
    static const struct { const char *id; const char *observed; int tested; int complexity; } spec[] = {
        { "AUTH", "1111", 1, 3 }, { "CART", "1100", 1, 2 }, { "CHECKOUT", "11", 0, 3 },
        { "REPORTS", "00", 0, 0 }, { "NOTIFY", "000", 0, 0 }, { NULL, NULL, 0, 0 }
    };
    pl_gap_t *g = apr_pcalloc(p, sizeof(*g));
    int i, j, k;

    g->objectives = apr_array_make(p, 8, sizeof(pl_gap_objective_t));
    for (i = 0; i < plan->objectives->nelts; i++) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *);
        pl_gap_objective_t *go = apr_array_push(g->objectives);
        int n = o->tasks->nelts, seen = 0, claimed = 0;

        memset(go, 0, sizeof(*go));
        go->objective = o;
        go->index = i;
        go->tasks = apr_array_make(p, n, sizeof(pl_gap_task_t));
        for (k = 0; spec[k].id && strcmp(spec[k].id, o->id); k++)
            ;
        for (j = 0; j < n; j++) {
            pl_gap_task_t *t = apr_array_push(go->tasks);
            memset(t, 0, sizeof(*t));
            t->task = &APR_ARRAY_IDX(o->tasks, j, pl_plan_task_t);
            t->claim = t->task->claim != PL_CLAIM_NONE ? t->task->claim
                       : o->status && !strcmp(o->status, "done") ? PL_CLAIM_DONE : PL_CLAIM_NONE;
            t->observed = spec[k].id && spec[k].observed[j] == '1';
            t->evidence = apr_array_make(p, 1, sizeof(pl_gap_evidence_t));
            if (t->observed && spec[k].complexity) {
                pl_gap_evidence_t *e = apr_array_push(t->evidence);
                memset(e, 0, sizeof(*e));
                e->path = "src/x.py";
                e->complexity = spec[k].complexity;
            }
            seen += t->observed;
            claimed += t->claim == PL_CLAIM_DONE;
        }
        go->observed = n ? (double)seen / n : 0;
        go->claimed = n ? (double)claimed / n : 0;
        go->tested = spec[k].id && spec[k].tested;
        go->classification = go->observed >= 1 ? PL_GAP_DONE : seen ? PL_GAP_PARTIAL : PL_GAP_MISSING;
        go->claimed_without_evidence = go->claimed >= 1 && go->classification == PL_GAP_MISSING;
        go->severity = go->classification == PL_GAP_DONE ? PL_GAP_SEVERITY_NONE
            : go->claimed_without_evidence || (go->classification == PL_GAP_MISSING
                                               && o->level == PL_LEVEL_PRIMARY) ? PL_GAP_SEVERITY_HIGH
            : o->level == PL_LEVEL_TERTIARY ? PL_GAP_SEVERITY_LOW : PL_GAP_SEVERITY_MEDIUM;
    }
    return g;
}

static pl_recommend_t *recommend(apr_pool_t *p, const pl_plan_t *plan, const pl_code_t *code)
{
    pl_recommend_t *r = NULL;

    assert_int_equal(pl_recommend(p, plan, fx_gap(p, plan), code, &r), APR_SUCCESS);
    return r;
}

static const pl_recommendation_t *at(const pl_recommend_t *r, int i)
{
    return &APR_ARRAY_IDX(r->items, i, pl_recommendation_t);
}

static const char *order_of(apr_pool_t *p, const pl_recommend_t *r)
{
    const char *s = "";
    int i;

    for (i = 0; i < r->items->nelts; i++)
        s = apr_pstrcat(p, s, i ? " " : "", at(r, i)->gap->objective->id, NULL);
    return s;
}

/* Worked out from the formulas of pl_recommend.c. CHECKOUT's tasks are in
 * the code: it is done, tests or not, and needs no step.
 *   CART     40 + 15 (partial, primary: medium) + 10 (blocks 2) + 7.5 = 73
 *   REPORTS  25 + 25 (claimed without evidence: high) + 0 + 15        = 65
 *   NOTIFY   10 +  5 (missing, tertiary: low)   + 0 + 15              = 30 */
static void orders_the_shop_by_dependencies_then_priority(void **state)
{
    pl_recommend_t *r = recommend(*state, fx_shop_plan(*state), fx_shop_code(*state));

    assert_string_equal(order_of(*state, r), "CART REPORTS NOTIFY");
    assert_int_equal(r->cycles->nelts, 0);

    assert_int_equal(at(r, 0)->priority, 73);
    assert_int_equal(at(r, 0)->blocks, 2);
    assert_int_equal(at(r, 0)->open_tasks, 2);
    assert_string_equal(pl_impact_name(at(r, 0)->impact), "high");
    /* 2 open tasks, simple code, tested */
    assert_string_equal(pl_effort_name(at(r, 0)->effort), "small");

    assert_int_equal(at(r, 1)->priority, 65);
    assert_int_equal(at(r, 1)->waiting_on->nelts, 0);   /* CHECKOUT is done */
    assert_string_equal(pl_impact_name(at(r, 1)->impact), "medium");
    assert_int_equal(at(r, 2)->priority, 30);
    assert_string_equal(pl_impact_name(at(r, 2)->impact), "low");
    /* 3 open tasks + 1 for tests */
    assert_string_equal(pl_effort_name(at(r, 2)->effort), "medium");
}

static void rationales_state_the_facts(void **state)
{
    pl_recommend_t *r = recommend(*state, fx_shop_plan(*state), fx_shop_code(*state));

    assert_string_equal(at(r, 0)->rationale,
                        "Primary objective \"Shopping cart\" is partly done: 2 of 4 tasks show "
                        "evidence in the code; it blocks 2 other objectives.");
    assert_string_equal(at(r, 1)->rationale,
                        "Secondary objective \"Monthly reports\" is claimed 100% done but only "
                        "0 of 2 tasks show evidence in the code.");
    assert_string_equal(at(r, 2)->rationale,
                        "Tertiary objective \"Notifications\" has no evidence in the code for "
                        "any of its 3 tasks.");
}

/* A <-> B, C needs A, D alone, E needs itself. Nothing is in the code, so
 * every objective is missing:
 *   A 40 + 25 + 10 (blocks B, C) + 15 = 90    B 25 + 15 + 10 (A, C) + 15 = 65
 *   C 10 + 5 + 0 + 15 = 30    D 30    E 30 */
static void cycles_are_reported_and_ordered_as_one_step(void **state)
{
    pl_plan_t *plan = fx_plan_new(*state);
    pl_plan_objective_t *a, *b, *c, *d, *e;
    pl_recommend_t *r;
    const apr_array_header_t *cycle;

    a = fx_objective(*state, plan, "A", "Alpha", PL_LEVEL_PRIMARY, NULL);
    b = fx_objective(*state, plan, "B", "Beta", PL_LEVEL_SECONDARY, NULL);
    c = fx_objective(*state, plan, "C", "Gamma", PL_LEVEL_TERTIARY, NULL);
    d = fx_objective(*state, plan, "D", "Delta", PL_LEVEL_TERTIARY, NULL);
    e = fx_objective(*state, plan, "E", "Epsilon", PL_LEVEL_TERTIARY, NULL);
    fx_task(a, "first", 0);
    fx_task(b, "second", 0);
    fx_task(c, "third", 0);
    fx_task(d, "fourth", 0);
    fx_task(e, "fifth", 0);
    fx_depends(a, "B");
    fx_depends(b, "A");
    fx_depends(c, "A");
    fx_depends(e, "E");
    fx_depends(d, "NOPE");  /* unknown: the parser's to report, ignored here */
    r = recommend(*state, plan, fx_code_new(*state));

    assert_string_equal(order_of(*state, r), "A B C D E");
    assert_int_equal(at(r, 0)->priority, 90);
    assert_int_equal(at(r, 1)->priority, 65);
    assert_true(at(r, 0)->in_cycle && at(r, 1)->in_cycle && at(r, 4)->in_cycle);
    assert_false(at(r, 2)->in_cycle || at(r, 3)->in_cycle);
    assert_int_equal(r->cycles->nelts, 2);
    cycle = APR_ARRAY_IDX(r->cycles, 0, const apr_array_header_t *);
    assert_string_equal(apr_array_pstrcat(*state, cycle, ','), "A,B,A");
    cycle = APR_ARRAY_IDX(r->cycles, 1, const apr_array_header_t *);
    assert_string_equal(apr_array_pstrcat(*state, cycle, ','), "E,E");
    assert_non_null(strstr(at(r, 0)->rationale, "on the dependency cycle A -> B -> A"));
}

/* A longer cycle behind a chain: X needs P, P -> Q -> R -> P. X can only
 * come after the whole cycle, however high its own priority. */
static void a_cycle_comes_before_what_needs_it(void **state)
{
    pl_plan_t *plan = fx_plan_new(*state);
    pl_plan_objective_t *x, *p, *q, *rr;
    pl_recommend_t *r;

    x = fx_objective(*state, plan, "X", "Needs the cycle", PL_LEVEL_PRIMARY, NULL);
    p = fx_objective(*state, plan, "P", "Pe", PL_LEVEL_TERTIARY, NULL);
    q = fx_objective(*state, plan, "Q", "Qu", PL_LEVEL_TERTIARY, NULL);
    rr = fx_objective(*state, plan, "R", "Ar", PL_LEVEL_SECONDARY, NULL);
    fx_depends(x, "P");
    fx_depends(p, "Q");
    fx_depends(q, "R");
    fx_depends(rr, "P");
    r = recommend(*state, plan, NULL);
    assert_string_equal(order_of(*state, r), "R P Q X");
    assert_int_equal(r->cycles->nelts, 1);
    assert_string_equal(apr_array_pstrcat(*state, APR_ARRAY_IDX(r->cycles, 0,
                                                                const apr_array_header_t *), ','),
                        "P,Q,R,P");
    assert_false(at(r, 3)->in_cycle);
}

static void writes_json(void **state)
{
    pl_recommend_t *r = recommend(*state, fx_shop_plan(*state), fx_shop_code(*state));
    pl_jsonw_t *w = fx_json_open(*state);
    pl_json_t *doc, *recs, *first;
    const char *text;
    apr_int64_t v;

    pl_recommend_write(w, r);
    doc = fx_json_close(*state, w, &text);
    assert_non_null(strstr(text, "\"cycles\":[]"));
    recs = pl_json_get_array(*state, doc, "recommendations");
    assert_int_equal(pl_json_array_size(recs), 3);
    first = pl_json_array_get(*state, recs, 0);
    assert_string_equal(pl_json_get_str(first, "id"), "CART");
    assert_true(pl_json_get_int(first, "priority", &v) && v == 73);
    assert_string_equal(pl_json_get_str(first, "effort"), "small");
    assert_string_equal(pl_json_get_str(first, "classification"), "partial");
    assert_int_equal(pl_json_array_size(pl_json_get_array(*state, doc, "cycles")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(orders_the_shop_by_dependencies_then_priority),
        UNIT_TEST(rationales_state_the_facts),
        UNIT_TEST(cycles_are_reported_and_ordered_as_one_step),
        UNIT_TEST(a_cycle_comes_before_what_needs_it),
        UNIT_TEST(writes_json),
    };
    return UNIT_RUN(tests);
}
