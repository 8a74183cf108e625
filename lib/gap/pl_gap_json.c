/* SPDX-License-Identifier: Apache-2.0 */
/* The gap analysis as JSON, for the API, the CLI's report and CI. The
 * plan's claim and the analysis's verdict never share a name: the claim is
 * claimed_status / claimed_completion (and a task's "claimed"), the verdict
 * classification / observed_completion / score. */
#include "gap/pl_gap.h"

const char *pl_gap_class_name(pl_gap_class_e c)
{
    switch (c) {
    case PL_GAP_DONE: return "done";
    case PL_GAP_PARTIAL: return "partial";
    case PL_GAP_MISSING: return "missing";
    }
    return "missing";
}

const char *pl_gap_answer_name(pl_gap_answer_e a)
{
    switch (a) {
    case PL_JUDGE_YES: return "yes";
    case PL_JUDGE_NO: return "no";
    case PL_JUDGE_UNCLEAR: return "unclear";
    case PL_JUDGE_FAILED: return "failed";
    case PL_JUDGE_NONE: break;
    }
    return NULL;
}

const char *pl_gap_severity_name(pl_gap_severity_e s)
{
    switch (s) {
    case PL_GAP_SEVERITY_HIGH: return "high";
    case PL_GAP_SEVERITY_MEDIUM: return "medium";
    case PL_GAP_SEVERITY_LOW: return "low";
    case PL_GAP_SEVERITY_NONE: break;
    }
    return NULL;
}

/* Figures in [0, 1] to three decimals: more digits are noise to a reader
 * and churn in a report kept under version control. */
static void ratio(pl_jsonw_t *w, const char *key, double v)
{
    pl_jsonw_number(w, key, (double)(long long)(v * 1000 + 0.5) / 1000);
}

static void write_evidence(pl_jsonw_t *w, const pl_gap_evidence_t *e)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", e->path);
    pl_jsonw_int(w, "line", e->line);
    pl_jsonw_int(w, "end_line", e->end_line);
    pl_jsonw_str(w, "symbol", e->symbol);
    pl_jsonw_str(w, "symbol_kind", e->symbol_kind);
    if (e->complexity)
        pl_jsonw_int(w, "complexity", e->complexity);
    ratio(w, "bm25", e->score);
    pl_jsonw_array(w, "matched");
    for (i = 0; i < e->matched->nelts; i++)
        pl_jsonw_str(w, NULL, APR_ARRAY_IDX(e->matched, i, const char *));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

static void write_task(pl_jsonw_t *w, const pl_gap_task_t *t)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "text", t->text);
    if (t->task)
        pl_jsonw_int(w, "line", t->task->line);
    else if (t->criterion)
        pl_jsonw_bool(w, "criterion", 1);   /* an acceptance criterion: the objective has no tasks */
    else
        pl_jsonw_bool(w, "objective", 1);   /* the objective's own query: it has neither */
    /* the plan's claim, shown beside the verdict: true, false, or null when it says nothing */
    if (t->claim == PL_CLAIM_NONE)
        pl_jsonw_raw(w, "claimed", "null");
    else
        pl_jsonw_bool(w, "claimed", t->claim == PL_CLAIM_DONE);
    pl_jsonw_str(w, "claimed_status", t->task ? t->task->claimed_status : NULL);
    ratio(w, "score", t->score);
    ratio(w, "raw", t->raw);
    pl_jsonw_int(w, "words", t->words);
    pl_jsonw_bool(w, "observed", t->observed);
    pl_jsonw_bool(w, "tested", t->tested);
    if (t->answer == PL_JUDGE_NONE)
        pl_jsonw_raw(w, "judge", "null");
    else {
        pl_jsonw_object(w, "judge");
        pl_jsonw_str(w, "answer", pl_gap_answer_name(t->answer));
        pl_jsonw_str(w, "line", t->answer_line);
        ratio(w, "lexical_score", t->lexical);
        pl_jsonw_end(w);
    }
    pl_jsonw_array(w, "evidence");
    for (i = 0; i < t->evidence->nelts; i++)
        write_evidence(w, &APR_ARRAY_IDX(t->evidence, i, pl_gap_evidence_t));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

static void write_objective(pl_jsonw_t *w, const pl_gap_objective_t *go)
{
    const pl_plan_objective_t *o = go->objective;
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "id", o->id);
    pl_jsonw_str(w, "title", o->title);
    pl_jsonw_str(w, "level", pl_plan_level_name(o->level));
    pl_jsonw_int(w, "line", o->line);
    ratio(w, "score", go->score);
    pl_jsonw_str(w, "classification", pl_gap_class_name(go->classification));
    pl_jsonw_str(w, "claim_mismatch",
                 go->claimed_without_evidence ? "claimed_without_evidence" : NULL);
    pl_jsonw_str(w, "severity", pl_gap_severity_name(go->severity));
    pl_jsonw_str(w, "claimed_status", o->status);
    if (go->claims)
        ratio(w, "claimed_completion", go->claimed);
    else
        pl_jsonw_raw(w, "claimed_completion", "null");
    if (o->claimed_percent >= 0)
        pl_jsonw_int(w, "claimed_percent", o->claimed_percent);
    else
        pl_jsonw_raw(w, "claimed_percent", "null");
    ratio(w, "observed_completion", go->observed);
    ratio(w, "confidence", go->confidence);
    pl_jsonw_bool(w, "tested", go->tested);
    /* the lexical verdict the model's answers changed, or null */
    pl_jsonw_str(w, "changed_by_judge_from", go->judged && go->lexical != go->classification
                                             ? pl_gap_class_name(go->lexical) : NULL);
    pl_jsonw_array(w, "tasks");
    for (i = 0; i < go->tasks->nelts; i++)
        write_task(w, &APR_ARRAY_IDX(go->tasks, i, pl_gap_task_t));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}

void pl_gap_write(pl_jsonw_t *w, const pl_gap_t *g)
{
    int i;

    pl_jsonw_object(w, "totals");
    pl_jsonw_int(w, "objectives", g->objectives->nelts);
    pl_jsonw_int(w, "units", g->units);
    pl_jsonw_int(w, "units_claimed", g->units_claimed);
    pl_jsonw_int(w, "units_observed", g->units_observed);
    pl_jsonw_number(w, "claimed_percent", (double)(long long)(g->claimed_percent * 10 + 0.5) / 10);
    pl_jsonw_number(w, "observed_percent", (double)(long long)(g->observed_percent * 10 + 0.5) / 10);
    pl_jsonw_object(w, "classifications");
    for (i = 0; i < PL_GAP_CLASSES; i++)
        pl_jsonw_int(w, pl_gap_class_name((pl_gap_class_e)i), g->counts[i]);
    pl_jsonw_end(w);
    pl_jsonw_int(w, "claimed_without_evidence", g->claimed_without_evidence);
    pl_jsonw_int(w, "documents", g->documents);
    pl_jsonw_int(w, "test_documents", g->test_documents);
    pl_jsonw_int(w, "background_queries", g->background);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "thresholds");
    pl_jsonw_number(w, "done", g->threshold_done);
    pl_jsonw_number(w, "partial", g->threshold_partial);
    pl_jsonw_str(w, "calibration", g->calibration == PL_GAP_PERCENTILE ? "percentile" : "lognormal");
    pl_jsonw_end(w);
    if (!g->judge_model)
        pl_jsonw_raw(w, "judge", "null");
    else {
        pl_jsonw_object(w, "judge");
        pl_jsonw_str(w, "model", g->judge_model);
        pl_jsonw_int(w, "calls", g->judge_calls);
        pl_jsonw_number(w, "seconds", (double)(long long)(g->judge_seconds * 10 + 0.5) / 10);
        pl_jsonw_int(w, "changed", g->judge_changed);
        pl_jsonw_int(w, "unasked", g->judge_stopped);
        pl_jsonw_str(w, "error", g->judge_error);
        pl_jsonw_end(w);
    }
    pl_jsonw_array(w, "objectives");
    for (i = 0; i < g->objectives->nelts; i++)
        write_objective(w, &APR_ARRAY_IDX(g->objectives, i, pl_gap_objective_t));
    pl_jsonw_end(w);
}
