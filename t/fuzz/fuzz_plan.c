/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_plan_parse: a MASTER_PLAN.md comes from a
 * project checkout or an upload, so any bytes must parse without a crash,
 * a leak or UB, and whatever comes out must keep the model's promises
 * (pl_plan.h): ids non-empty, unique and found again, parents before
 * children, levels 1..3, every line inside the input, issue codes known,
 * claims only in their fields (a tri-state per task that agrees with
 * checked, statuses and percentages in range, containers that exist and
 * come before what they hold), and JSON that Jansson reads back with no
 * bare "status" in it. t/fuzz/plan.t seeds it with the unit
 * test fixtures and a dictionary of the words the parser looks for. */
#include <string.h>

#include "fuzz.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "plan/pl_plan.h"

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static void check(apr_pool_t *p, const pl_plan_t *plan, int lines)
{
    static const char *const statuses[] = { "done", "in_progress", "todo", "blocked", NULL };
    static const char *const codes[] = { PL_PLAN_DUPLICATE_ID, PL_PLAN_UNKNOWN_DEPENDENCY,
                                         PL_PLAN_DEPENDENCY_CYCLE, PL_PLAN_NO_TASKS,
                                         PL_PLAN_NO_OBJECTIVES, PL_PLAN_EMPTY_CONTAINER,
                                         PL_PLAN_GUESSED, NULL };
    static const char *const kinds[] = { "phase", "milestone", "epic", "release", "quarter",
                                         "sprint", "group", "bucket", "level", NULL };
    pl_jsonw_t *w = pl_jsonw_create(p, 0);
    pl_json_t *json;
    const char *text, *err;
    apr_size_t len;
    int i, j, last_line = 0;

    for (i = 0; i < plan->containers->nelts; i++) {
        const pl_plan_container_t *c = &APR_ARRAY_IDX(plan->containers, i, pl_plan_container_t);
        require(c->title && *c->title && c->kind && one_of(c->kind, kinds));
        require(c->line >= 1 && c->line <= lines);
        require(c->parent >= -1 && c->parent < i);
        require(!c->status || one_of(c->status, statuses));
        require(c->claimed_percent >= -1 && c->claimed_percent <= 100);
        require(c->level >= 0 && c->level <= 3);
    }
    for (i = 0; i < plan->objectives->nelts; i++) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        require(o->id && *o->id && pl_plan_find(plan, o->id) == i);
        require(o->title && o->description);
        require(o->level >= PL_LEVEL_PRIMARY && o->level <= PL_LEVEL_TERTIARY);
        require(!o->status || one_of(o->status, statuses));
        require(o->claimed_percent >= -1 && o->claimed_percent <= 100);
        require(o->parent >= -1 && o->parent < i);
        require(o->line >= 1 && o->line <= lines);
        require(o->container_index >= -1 && o->container_index < plan->containers->nelts);
        require((o->container_index < 0) == (o->container == NULL));
        require(o->container_index < 0 || (APR_ARRAY_IDX(plan->containers, o->container_index,
                                                         pl_plan_container_t).line <= o->line
                                           && strcmp(o->container,
                                                     APR_ARRAY_IDX(plan->containers,
                                                                   o->container_index,
                                                                   pl_plan_container_t).title) == 0));
        require(!o->phase || *o->phase);
        require(!o->bucket || *o->bucket);
        require(!o->issue_ref || *o->issue_ref);
        require(pl_plan_claims(o) || pl_plan_claimed(o) == 0.0);
        for (j = 0; j < o->tasks->nelts; j++) {
            const pl_plan_task_t *t = &APR_ARRAY_IDX(o->tasks, j, pl_plan_task_t);
            require(t->text && *t->text && t->line >= o->line && t->line <= lines);
            require(t->claim == PL_CLAIM_DONE || t->claim == PL_CLAIM_NOT_DONE
                    || t->claim == PL_CLAIM_NONE);
            require(t->checked == (t->claim == PL_CLAIM_DONE));
            require(!t->claimed_status || one_of(t->claimed_status, statuses));
            require((t->claim == PL_CLAIM_NONE) == (t->claimed_status == NULL)
                    || t->claimed_percent >= 0);
            require(t->claimed_percent >= -1 && t->claimed_percent <= 100);
            require(!t->issue_ref || *t->issue_ref);
        }
        for (j = 0; j < o->depends->nelts; j++)
            require(APR_ARRAY_IDX(o->depends, j, const char *) != NULL);
        require(pl_plan_claimed(o) >= 0.0 && pl_plan_claimed(o) <= 1.0);
    }
    for (i = 0; i < plan->issues->nelts; i++) {
        const pl_plan_issue_t *is = &APR_ARRAY_IDX(plan->issues, i, pl_plan_issue_t);
        require(is->line >= 1 && is->line <= lines && is->line >= last_line);
        require(one_of(is->code, codes) && is->message && *is->message);
        require(!is->objective_id || pl_plan_find(plan, is->objective_id) >= 0);
        last_line = is->line;
    }
    require(plan->objectives->nelts > 0 || plan->issues->nelts > 0);

    pl_plan_write(w, NULL, plan);
    text = pl_jsonw_text(w, &len);
    require(pl_json_parse(&json, p, text, len, 8, &err) == APR_SUCCESS);
    require(pl_json_array_size(pl_json_get_array(p, json, "objectives"))
            == (apr_size_t)plan->objectives->nelts);
    require(pl_json_array_size(pl_json_get_array(p, json, "containers"))
            == (apr_size_t)plan->containers->nelts);
    /* the plan's claim is claimed_*, never a bare "status" (a title with
     * that text in it is escaped: \"status\") */
    require(!strstr(text, "\"status\":"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    pl_plan_t *plan = NULL;
    int lines = 1;
    size_t i;

    /* A bare '\r' ends a line for CommonMark as '\n' does. */
    for (i = 0; i < size; i++)
        lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
    require(pl_plan_parse(p, (const char *)data, size, &plan) == APR_SUCCESS && plan);
    check(p, plan, lines);
    apr_pool_destroy(p);
    return 0;
}
