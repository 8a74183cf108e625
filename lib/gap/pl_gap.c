/* SPDX-License-Identifier: Apache-2.0 */
/* The verdicts: every task's query is built first (so the plan's word pool
 * is complete before any background is drawn), then each is scored,
 * calibrated, and the objectives are judged. The plan's claims are read
 * only to be shown (claimed, claimed_without_evidence), never to judge. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "gap/pl_gap_int.h"
#include "core/pl_status.h"

#define DEFAULT_EVIDENCE 3
/* Confidence grows from 0.5 at a threshold to 1 at this distance from the
 * nearest one. */
#define MARGIN 0.15
/* A test chunk holding this share of the ideal score of a symbol's name
 * names that symbol. */
#define TEST_NAMES 0.6

typedef struct {
    apr_pool_t *p;
    pl_gap_index_t *ix;
    pl_gap_queries_t *queries;
    pl_gap_background_t *background;
    double done_at, partial_at;
    int per_task;
    apr_array_header_t **query;     /* per unit, in the order they were built */
    int nquery;
} run_t;

/* What the plan claims for unit j of o, for display only: a task's own
 * claim; a task that says nothing, or a criterion, or the objective's own
 * query takes the objective's claimed status (done: claimed done; any
 * other status: claimed not done; none: no claim). */
static pl_plan_claim_e claim_of(const pl_plan_objective_t *o, const pl_plan_task_t *task)
{
    if (task && task->claim != PL_CLAIM_NONE)
        return task->claim;
    if (!task && !(o->tasks && o->tasks->nelts) && pl_plan_claims(o))
        return pl_plan_claimed(o) >= 1 ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
    if (!o->status)
        return PL_CLAIM_NONE;
    return strcmp(o->status, "done") == 0 ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
}

/* The units of an objective: its tasks; else its acceptance criteria (a
 * user story says what must work there, not in tasks); else the objective
 * itself. */
static int units_of(const pl_plan_objective_t *o)
{
    if (o->tasks && o->tasks->nelts)
        return o->tasks->nelts;
    return o->criteria && o->criteria->nelts ? o->criteria->nelts : 1;
}

/* The text of unit j and, for a task, the task. */
static const char *unit_text(const pl_plan_objective_t *o, int j, const pl_plan_task_t **task)
{
    *task = NULL;
    if (o->tasks && o->tasks->nelts) {
        *task = &APR_ARRAY_IDX(o->tasks, j, pl_plan_task_t);
        return (*task)->text;
    }
    if (o->criteria && o->criteria->nelts)
        return APR_ARRAY_IDX(o->criteria, j, const char *);
    return NULL;
}

/* Pass 1: one query per unit. */
static void build_queries(run_t *r, const pl_plan_t *plan)
{
    int i, j, n = plan->objectives->nelts, total = 0;

    for (i = 0; i < n; i++)
        total += units_of(APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *));
    r->query = apr_palloc(r->p, sizeof(*r->query) * (apr_size_t)(total + 1));
    r->nquery = 0;
    for (i = 0; i < n; i++) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *);
        const char *texts[2];
        int words, units = units_of(o);

        for (j = 0; j < units; j++) {
            const pl_plan_task_t *task;
            texts[0] = unit_text(o, j, &task);
            texts[1] = o->title;
            if (!texts[0]) {    /* the objective itself: its title and description */
                texts[0] = o->title;
                texts[1] = o->description;
            }
            r->query[r->nquery++] = pl_gap_query(r->queries, r->p, texts, 2, &words);
        }
    }
}

static int weight_one(const apr_array_header_t *query)
{
    int i, n = 0;

    for (i = 0; i < query->nelts; i++)
        n += APR_ARRAY_IDX(query, i, pl_bm25_qterm_t).weight >= 1.0;
    return n;
}

/* A test names the code: a test file imports the chunk's file, or a test
 * chunk holds the name of the chunk's definition. */
static int tested(run_t *r, apr_pool_t *qp, const pl_gap_doc_t *d)
{
    const pl_code_chunk_t *c = d->chunk;
    const char *name;
    apr_array_header_t *terms, *query;

    if (r->ix->tested_by[d->file_index])
        return 1;
    if (!c->name || !pl_bm25_count(r->ix->tests))
        return 0;
    name = strrchr(c->name, '.') ? strrchr(c->name, '.') + 1 : c->name;
    terms = apr_array_make(qp, 4, sizeof(const char *));
    pl_tokens_terms(r->ix->tokens, name, -1, terms, NULL);
    if (!terms->nelts)
        return 0;
    query = apr_array_make(qp, terms->nelts, sizeof(pl_bm25_qterm_t));
    pl_bm25_query_add(query, terms, NULL, 1.0);
    return pl_gap_raw(r->ix->tests, qp, query, 1, NULL) >= TEST_NAMES;
}

static void add_evidence(run_t *r, pl_gap_task_t *t, const pl_bm25_hit_t *h)
{
    pl_gap_evidence_from_hit(r->p, r->ix, h, apr_array_push(t->evidence));
}

static void judge_task(run_t *r, apr_pool_t *qp, const apr_array_header_t *query,
                       pl_gap_task_t *t)
{
    apr_array_header_t *hits;
    int i;

    t->words = weight_one(query);
    t->raw = pl_gap_raw(r->ix->code, qp, query, r->per_task, &hits);
    t->score = pl_gap_calibrate(r->background, t->raw, t->words);
    t->observed = t->score >= r->done_at;
    t->evidence = apr_array_make(r->p, hits->nelts, sizeof(pl_gap_evidence_t));
    for (i = 0; i < hits->nelts; i++)
        add_evidence(r, t, &APR_ARRAY_IDX(hits, i, pl_bm25_hit_t));
    if (t->score >= r->partial_at)
        for (i = 0; i < hits->nelts && !t->tested; i++)
            t->tested = tested(r, qp, &APR_ARRAY_IDX(r->ix->docs,
                                                     APR_ARRAY_IDX(hits, i, pl_bm25_hit_t).doc,
                                                     pl_gap_doc_t));
}

/* A primary objective's gap matters most; a claim the code does not back
 * is the worst kind, since the plan then misleads whoever reads it. */
static pl_gap_severity_e severity(pl_gap_class_e c, int unbacked, pl_plan_level_e level)
{
    static const pl_gap_severity_e table[][3] = {
        /*                    primary                 secondary               tertiary */
        [PL_GAP_DONE] =     { PL_GAP_SEVERITY_NONE,   PL_GAP_SEVERITY_NONE,   PL_GAP_SEVERITY_NONE },
        [PL_GAP_PARTIAL] =  { PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_LOW },
        [PL_GAP_MISSING] =  { PL_GAP_SEVERITY_HIGH,   PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_LOW },
    };
    int l = level >= PL_LEVEL_PRIMARY && level <= PL_LEVEL_TERTIARY ? (int)level - 1 : 2;

    if (unbacked)
        return l == 2 ? PL_GAP_SEVERITY_MEDIUM : PL_GAP_SEVERITY_HIGH;
    return table[c][l];
}

/* Confidence, 0.5..1: the distance of the score from the nearest
 * threshold, scaled by MARGIN; thin grounds lower it: fewer than three
 * units, or every task found in one and the same chunk. */
static double confidence(const run_t *r, const pl_gap_objective_t *go)
{
    double d = fmin(fabs(go->score - r->done_at), fabs(go->score - r->partial_at));
    double margin = fmin(d / MARGIN, 1.0);
    int n = go->tasks->nelts, i, same = n > 1;

    margin *= n >= 3 ? 1.0 : (n + 1) / 4.0;
    for (i = 1; i < n && same; i++) {
        const pl_gap_task_t *a = &APR_ARRAY_IDX(go->tasks, 0, pl_gap_task_t);
        const pl_gap_task_t *b = &APR_ARRAY_IDX(go->tasks, i, pl_gap_task_t);
        same = a->evidence->nelts && b->evidence->nelts
            && APR_ARRAY_IDX(a->evidence, 0, pl_gap_evidence_t).path
               == APR_ARRAY_IDX(b->evidence, 0, pl_gap_evidence_t).path
            && APR_ARRAY_IDX(a->evidence, 0, pl_gap_evidence_t).line
               == APR_ARRAY_IDX(b->evidence, 0, pl_gap_evidence_t).line;
    }
    if (same && go->classification != PL_GAP_MISSING)
        margin *= 0.75;
    return 0.5 + 0.5 * margin;
}

/* The units of o, each searched for and scored. */
static void analyse(run_t *r, apr_pool_t *qp, const pl_plan_objective_t *o, int index,
                    int *unit, pl_gap_t *g)
{
    pl_gap_objective_t *go = apr_array_push(g->objectives);
    int n = units_of(o), i;
    apr_hash_t *functions = apr_hash_make(qp);

    memset(go, 0, sizeof(*go));
    go->objective = o;
    go->index = index;
    go->tasks = apr_array_make(r->p, n, sizeof(pl_gap_task_t));
    for (i = 0; i < n; i++) {
        pl_gap_task_t *t = apr_array_push(go->tasks);
        int j;

        memset(t, 0, sizeof(*t));
        t->text = unit_text(o, i, &t->task);
        t->criterion = !t->task && t->text;
        if (!t->text)
            t->text = o->title;
        t->claim = claim_of(o, t->task);
        judge_task(r, qp, r->query[(*unit)++], t);
        t->lexical = t->score;
        go->tested |= t->tested;
        for (j = 0; t->score >= r->partial_at && j < t->evidence->nelts; j++) {
            const pl_gap_evidence_t *e = &APR_ARRAY_IDX(t->evidence, j, pl_gap_evidence_t);
            const char *key = apr_psprintf(qp, "%s:%d", e->path, e->line);
            if (e->complexity && !apr_hash_get(functions, key, APR_HASH_KEY_STRING)) {
                apr_hash_set(functions, key, APR_HASH_KEY_STRING, e);
                go->complexity += e->complexity;
            }
        }
    }
}

/* The verdict from the units' scores: the lexical ones, or after a second
 * opinion (pl_gap_judge.c) a yes counts 1 and a no 0 for its task. */
static void decide(const run_t *r, pl_gap_objective_t *go)
{
    const pl_plan_objective_t *o = go->objective;
    int n = go->tasks->nelts, i, claimed = 0, observed = 0;
    double sum = 0;

    for (i = 0; i < n; i++) {
        pl_gap_task_t *t = &APR_ARRAY_IDX(go->tasks, i, pl_gap_task_t);
        t->score = t->answer == PL_JUDGE_YES ? 1 : t->answer == PL_JUDGE_NO ? 0 : t->lexical;
        t->observed = t->score >= r->done_at;
        sum += t->score;
        observed += t->observed;
        claimed += t->claim == PL_CLAIM_DONE;
    }
    go->units_claimed = claimed;
    go->units_observed = observed;
    go->score = sum / n;
    go->observed = (double)observed / n;
    go->claims = pl_plan_claims(o);
    go->claimed = o->tasks && o->tasks->nelts ? (double)claimed / n : pl_plan_claimed(o);
    go->classification = go->score >= r->done_at ? PL_GAP_DONE
                       : go->score >= r->partial_at ? PL_GAP_PARTIAL : PL_GAP_MISSING;
    go->claimed_without_evidence = go->claimed >= 1 && go->classification == PL_GAP_MISSING;
    go->severity = severity(go->classification, go->claimed_without_evidence, o->level);
    go->confidence = confidence(r, go);
}

static void count(pl_gap_t *g, const pl_gap_objective_t *go)
{
    g->counts[go->classification]++;
    g->claimed_without_evidence += go->claimed_without_evidence;
    g->units += go->tasks->nelts;
    g->units_claimed += go->units_claimed;
    g->units_observed += go->units_observed;
    g->judge_changed += go->judged && go->lexical != go->classification;
}

/* The second opinion, when asked for: objectives with an answered task
 * are decided again, their lexical verdict kept beside the new one. */
static void second_opinion(const run_t *r, const pl_gap_options_t *o, const char *root,
                           pl_gap_t *g)
{
    int i;

    if (!o->judge || !o->judge->url || !o->judge->model)
        return;
    pl_gap_judge(r->p, o->judge, root, r->done_at, r->partial_at, g);
    for (i = 0; i < g->objectives->nelts; i++) {
        pl_gap_objective_t *go = &APR_ARRAY_IDX(g->objectives, i, pl_gap_objective_t);
        int j;
        for (j = 0; j < go->tasks->nelts && !go->judged; j++)
            go->judged = APR_ARRAY_IDX(go->tasks, j, pl_gap_task_t).answer != PL_JUDGE_NONE;
        if (go->judged) {
            go->lexical = go->classification;
            decide(r, go);
        }
    }
}

apr_status_t pl_gap_run(apr_pool_t *p, const pl_plan_t *plan, const pl_code_t *code,
                        const pl_gap_options_t *o, pl_gap_t **out)
{
    static const pl_gap_options_t defaults;
    apr_pool_t *work, *qp;
    pl_gap_t *g;
    run_t r;
    apr_status_t rv;
    int i, unit = 0, n = plan && plan->objectives ? plan->objectives->nelts : 0;

    if (!o)
        o = &defaults;
    memset(&r, 0, sizeof(r));
    r.done_at = o->threshold_done > 0 ? o->threshold_done : PL_GAP_DONE_AT;
    r.partial_at = o->threshold_partial > 0 ? o->threshold_partial : PL_GAP_PARTIAL_AT;
    if (r.done_at > 1 || r.partial_at > r.done_at)
        return PL_EINVAL;
    r.per_task = o->evidence_per_task > 0 ? o->evidence_per_task : DEFAULT_EVIDENCE;
    r.p = p;
    apr_pool_create(&work, p);
    if ((rv = pl_gap_index_build(work, code, o->without, o->progress, o->baton, &r.ix)) != APR_SUCCESS)
        goto leave;
    r.queries = pl_gap_queries_create(work, r.ix->tokens, !(o->without & PL_GAP_WITHOUT_SYNONYMS));
    r.background = pl_gap_background_create(work, r.ix->code, r.queries, o->calibration,
                                            !(o->without & PL_GAP_WITHOUT_CALIBRATION));

    g = apr_pcalloc(p, sizeof(*g));
    g->objectives = apr_array_make(p, n, sizeof(pl_gap_objective_t));
    g->documents = pl_bm25_count(r.ix->code);
    g->test_documents = pl_bm25_count(r.ix->tests);
    g->threshold_done = r.done_at;
    g->threshold_partial = r.partial_at;
    g->calibration = o->calibration;
    if (n) {
        apr_pool_t *saved = r.p;
        r.p = work;         /* queries live as long as the run */
        build_queries(&r, plan);
        r.p = saved;
    }
    apr_pool_create(&qp, work);
    for (i = 0; i < n; i++) {
        if (o->progress && o->progress(o->baton, "match", i, n)) {
            rv = PL_ECANCELED;
            goto leave;
        }
        analyse(&r, qp, APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *), i,
                &unit, g);
        apr_pool_clear(qp);
    }
    for (i = 0; i < n; i++)
        decide(&r, &APR_ARRAY_IDX(g->objectives, i, pl_gap_objective_t));
    if (o->progress && o->progress(o->baton, "match", n, n)) {
        rv = PL_ECANCELED;
        goto leave;
    }
    second_opinion(&r, o, code ? code->root : ".", g);
    for (i = 0; i < n; i++)
        count(g, &APR_ARRAY_IDX(g->objectives, i, pl_gap_objective_t));
    g->background = pl_gap_background_count(r.background);
    if (g->units) {
        g->claimed_percent = 100.0 * g->units_claimed / g->units;
        g->observed_percent = 100.0 * g->units_observed / g->units;
    }
    *out = g;
leave:
    apr_pool_destroy(work);
    return rv;
}
