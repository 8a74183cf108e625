/* SPDX-License-Identifier: Apache-2.0 */
/* The plan as JSON. The plan's own claims are written as claimed_*
 * (claimed_status, claimed_completion, claimed_percent on objectives and
 * containers, claimed on tasks), never as a bare "status": beside the
 * analysis's classification a reader must not take one for the other. */
#include "plan/pl_plan.h"

static void write_strings(pl_jsonw_t *w, const char *key, const apr_array_header_t *a)
{
    int i;

    pl_jsonw_array(w, key);
    for (i = 0; i < a->nelts; i++)
        pl_jsonw_str(w, NULL, APR_ARRAY_IDX(a, i, const char *));
    pl_jsonw_end(w);
}

static void write_percent(pl_jsonw_t *w, int percent)
{
    if (percent >= 0)
        pl_jsonw_int(w, "claimed_percent", percent);
    else
        pl_jsonw_raw(w, "claimed_percent", "null");
}

static void write_task(pl_jsonw_t *w, const pl_plan_task_t *t)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "text", t->text);
    if (t->claim == PL_CLAIM_NONE)
        pl_jsonw_raw(w, "claimed", "null");
    else
        pl_jsonw_bool(w, "claimed", t->claim == PL_CLAIM_DONE);
    pl_jsonw_str(w, "claimed_status", t->claimed_status);
    write_percent(w, t->claimed_percent);
    pl_jsonw_str(w, "issue_ref", t->issue_ref);
    pl_jsonw_int(w, "line", t->line);
    pl_jsonw_end(w);
}

static void write_objective(pl_jsonw_t *w, const pl_plan_t *plan, const pl_plan_objective_t *o)
{
    int i, done = 0;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "id", o->id);
    pl_jsonw_bool(w, "explicit_id", o->explicit_id);
    pl_jsonw_str(w, "title", o->title);
    pl_jsonw_str(w, "description", o->description);
    pl_jsonw_str(w, "level", pl_plan_level_name(o->level));
    pl_jsonw_str(w, "claimed_status", o->status);
    if (pl_plan_claims(o))
        pl_jsonw_number(w, "claimed_completion", pl_plan_claimed(o));
    else
        pl_jsonw_raw(w, "claimed_completion", "null");
    write_percent(w, o->claimed_percent);
    pl_jsonw_str(w, "priority", o->priority);
    pl_jsonw_str(w, "container", o->container);
    pl_jsonw_str(w, "phase", o->phase);
    pl_jsonw_str(w, "bucket", o->bucket);
    pl_jsonw_str(w, "issue_ref", o->issue_ref);
    pl_jsonw_int(w, "line", o->line);
    pl_jsonw_str(w, "parent", o->parent >= 0 ? APR_ARRAY_IDX(plan->objectives, o->parent,
                                                             pl_plan_objective_t *)->id : NULL);
    pl_jsonw_array(w, "tasks");
    for (i = 0; i < o->tasks->nelts; i++) {
        const pl_plan_task_t *t = &APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t);
        write_task(w, t);
        done += t->claim == PL_CLAIM_DONE;
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "tasks_claimed_done", done);
    write_strings(w, "criteria", o->criteria);
    write_strings(w, "depends", o->depends);
    write_strings(w, "labels", o->labels);
    pl_jsonw_end(w);
}

static void write_container(pl_jsonw_t *w, const pl_plan_container_t *c)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "title", c->title);
    pl_jsonw_str(w, "kind", c->kind);
    pl_jsonw_int(w, "line", c->line);
    if (c->parent >= 0)
        pl_jsonw_int(w, "parent", c->parent);
    else
        pl_jsonw_raw(w, "parent", "null");
    pl_jsonw_str(w, "claimed_status", c->status);
    write_percent(w, c->claimed_percent);
    if (c->level)
        pl_jsonw_str(w, "level", pl_plan_level_name((pl_plan_level_e)c->level));
    else
        pl_jsonw_raw(w, "level", "null");
    pl_jsonw_end(w);
}

void pl_plan_write(pl_jsonw_t *w, const char *key, const pl_plan_t *plan)
{
    pl_jsonw_object(w, key);
    pl_plan_write_members(w, plan);
    pl_jsonw_end(w);
}

void pl_plan_write_members(pl_jsonw_t *w, const pl_plan_t *plan)
{
    int i;

    pl_jsonw_str(w, "title", plan->title);
    pl_jsonw_array(w, "containers");
    for (i = 0; plan->containers && i < plan->containers->nelts; i++)
        write_container(w, &APR_ARRAY_IDX(plan->containers, i, pl_plan_container_t));
    pl_jsonw_end(w);
    pl_jsonw_array(w, "objectives");
    for (i = 0; i < plan->objectives->nelts; i++)
        write_objective(w, plan, APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *));
    pl_jsonw_end(w);
    pl_jsonw_array(w, "issues");
    for (i = 0; i < plan->issues->nelts; i++) {
        const pl_plan_issue_t *issue = &APR_ARRAY_IDX(plan->issues, i, pl_plan_issue_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "line", issue->line);
        pl_jsonw_str(w, "code", issue->code);
        pl_jsonw_str(w, "message", issue->message);
        pl_jsonw_str(w, "objective_id", issue->objective_id);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}
