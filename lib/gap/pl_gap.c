/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "gap/pl_gap_int.h"
#include "core/pl_status.h"

/* Query weights. A task's own words say what to look for; the title of its
 * objective says where ("Add tests" under "Login rate limiting"), at a
 * weight low enough that the title alone never makes coverage. */
#define W_OWN     1.0
#define W_CONTEXT 0.4
/* A task's first word is mostly its verb, the action the code must
 * perform: "Revoke a shared link" is not done by create_share_link(),
 * though it shares two of three words. */
#define W_ACTION  1.5
#define TESTS_PER_TASK 3
#define MAX_EVIDENCE 25

/* Words of plan prose that say how work is done, not what it is. Dropped
 * from a query only when no document uses them: then they can never be
 * matched and would only weigh as missing; when code does use them
 * ("create_user", "handle_request") they stay and count. */
static const char *const prose_words[] = {
    "implement", "implementation", "implemented", "ensure", "allow", "allows", "support",
    "supported", "provide", "provides", "handle", "handling", "add", "adding", "make",
    "create", "use", "using", "able", "enable", "proper", "properly", "basic", "initial",
    "simple", "feature", "features", "functionality", "work", "working", "various", "also",
    "new", "need", "needs", "want", "way", "like", "well", "easy", "easily", "correct",
    "correctly", "complete", "fully", "write", "writing", "improve", "better", "good",
    "user-friendly", "robust", "possible", "everything", "something", "should", "todo",
    "done", "wip", "show", "shows", "display", "displays", "let", "lets", "see", NULL
};

typedef struct {
    apr_pool_t *p;
    pl_gap_index_t *ix;
    apr_hash_t *prose;
    double threshold;
    int per_task;
} run_t;

/* A query from texts and weights; words the index cannot match and that
 * are plan prose are left out. */
static apr_array_header_t *make_query(run_t *r, apr_pool_t *qp, const char *const *texts,
                                      const double *weights, int n)
{
    apr_array_header_t *q = apr_array_make(qp, 16, sizeof(pl_bm25_qterm_t));
    apr_array_header_t *terms = apr_array_make(qp, 16, sizeof(const char *));
    apr_array_header_t *words = apr_array_make(qp, 16, sizeof(const char *));
    apr_array_header_t *kept;
    int i;

    for (i = 0; i < n; i++) {
        apr_array_clear(terms);
        apr_array_clear(words);
        pl_tokens_terms(r->ix->tokens, texts[i], -1, terms, words);
        pl_bm25_query_add(q, terms, words, weights[i]);
    }
    kept = apr_array_make(qp, q->nelts, sizeof(pl_bm25_qterm_t));
    for (i = 0; i < q->nelts; i++) {
        const pl_bm25_qterm_t *t = &APR_ARRAY_IDX(q, i, pl_bm25_qterm_t);
        if (!pl_bm25_df(r->ix->bm25, t->term) && apr_hash_get(r->prose, t->word, APR_HASH_KEY_STRING))
            continue;
        *(pl_bm25_qterm_t *)apr_array_push(kept) = *t;
    }
    return kept;
}

static const char *first_word(apr_pool_t *p, const char *text)
{
    const char *start = text, *end;

    while (*start == ' ' || *start == '\t')
        start++;
    for (end = start; *end && *end != ' ' && *end != '\t' && *end != '\n'; end++)
        ;
    return apr_pstrmemdup(p, start, (apr_size_t)(end - start));
}

/* A document can only be evidence for what it shares with the query's own
 * words, not for the context alone. */
static int matches_own_word(const apr_array_header_t *query, const pl_bm25_hit_t *h)
{
    int i, j;

    for (i = 0; i < h->matched->nelts; i++)
        for (j = 0; j < query->nelts; j++) {
            const pl_bm25_qterm_t *t = &APR_ARRAY_IDX(query, j, pl_bm25_qterm_t);
            if (t->weight >= W_OWN && !strcmp(t->word, APR_ARRAY_IDX(h->matched, i, const char *)))
                return 1;
        }
    return 0;
}

/* "argon" and "id" say nothing a reader does not see in "argon2id". */
static int inside_another(const apr_array_header_t *words, int i)
{
    const char *w = APR_ARRAY_IDX(words, i, const char *);
    int j;

    for (j = 0; j < words->nelts; j++) {
        const char *other = APR_ARRAY_IDX(words, j, const char *);
        if (j != i && strlen(other) > strlen(w) && strstr(other, w))
            return 1;
    }
    return 0;
}

static int same_doc(const pl_gap_evidence_t *e, const pl_gap_doc_t *d)
{
    return e->kind == d->kind && e->symbol == (d->symbol ? d->symbol->name : NULL)
        && e->line == (d->symbol ? d->symbol->line : 0)
        && e->path == (d->file ? d->file->path : NULL)
        && e->commit == (d->commit ? d->commit->id : NULL);
}

/* One entry per document and task, so that each task's evidence reads on
 * its own; the complexity of the code counts once however many tasks it
 * serves. */
static void add_evidence(run_t *r, pl_gap_objective_t *go, const pl_bm25_hit_t *h, int task)
{
    const pl_gap_doc_t *d = &APR_ARRAY_IDX(r->ix->docs, h->doc, pl_gap_doc_t);
    pl_gap_evidence_t *e = NULL;
    int i, seen = 0;

    for (i = 0; i < go->evidence->nelts; i++) {
        pl_gap_evidence_t *old = &APR_ARRAY_IDX(go->evidence, i, pl_gap_evidence_t);
        if (!same_doc(old, d))
            continue;
        seen = 1;
        if (old->task == task) {
            if (h->score <= old->score)
                return;
            e = old;    /* found again with a better score: replace */
        }
    }
    if (!e)
        e = apr_array_push(go->evidence);
    if (!seen && d->kind != PL_GAP_COMMIT && d->kind != PL_GAP_TEST)
        go->complexity += d->symbol ? d->symbol->complexity : d->file->complexity;
    memset(e, 0, sizeof(*e));
    e->kind = d->kind;
    if (d->file)
        e->path = d->file->path;
    if (d->symbol) {
        e->symbol = d->symbol->name;
        e->symbol_kind = d->symbol->kind;
        e->line = d->symbol->line;
        e->complexity = d->symbol->complexity;
    }
    else if (d->file)
        e->complexity = d->file->complexity;
    if (d->commit) {
        e->commit = d->commit->id;
        e->summary = d->commit->summary;
    }
    e->score = h->score;
    e->coverage = h->coverage;
    e->matched = apr_array_make(r->p, h->matched->nelts, sizeof(const char *));
    for (i = 0; i < h->matched->nelts; i++)
        if (!inside_another(h->matched, i))
            APR_ARRAY_PUSH(e->matched, const char *) =
                apr_pstrdup(r->p, APR_ARRAY_IDX(h->matched, i, const char *));
    e->task = task;
}

/* Confidence in a verdict, 0.5..1: 0.5 at the threshold, 1 a quarter of
 * the way away from it on either side (on the fixtures, implemented tasks
 * cover 0.51 and up, absent ones 0.46 at most, most of both far from the
 * threshold: the quarter on each side is where verdicts can be wrong), and
 * for a "yes" also
 * growing with the documents that agree: one gives at most 0.875, two
 * 0.9375. */
#define DOUBT 0.25

static double confidence(double coverage, double threshold, int found)
{
    double margin = fabs(coverage - threshold) / DOUBT;

    if (margin > 1)
        margin = 1;
    if (coverage >= threshold)
        margin *= 1 - pow(0.5, found + 1);
    return 0.5 + 0.5 * margin;
}

/* Searches documents of kinds for query; adds those at the threshold to the
 * objective's evidence (and their numbers to found, when given). Returns
 * how many there were; *best is the highest coverage seen, even below the
 * threshold. */
static int collect(run_t *r, apr_pool_t *qp, const apr_array_header_t *query, unsigned kinds,
                   int k, pl_gap_objective_t *go, int task, double *best,
                   apr_array_header_t *found)
{
    apr_array_header_t *hits = pl_bm25_search(r->ix->bm25, qp, query, kinds, k);
    int i, n = 0;

    *best = 0;
    for (i = 0; i < hits->nelts; i++) {
        const pl_bm25_hit_t *h = &APR_ARRAY_IDX(hits, i, pl_bm25_hit_t);
        if (!matches_own_word(query, h))
            continue;
        if (h->coverage > *best)
            *best = h->coverage;
        if (h->coverage >= r->threshold) {
            add_evidence(r, go, h, task);
            if (found)
                APR_ARRAY_PUSH(found, int) = h->doc;
            n++;
        }
    }
    return n;
}

/* Tests seldom repeat a task's words ("Logout ends the session" is tested
 * by test_logout_clears_session), but they name or import the code that
 * does it. So code found for a task is tested when a test file imports its
 * file, or when a test's name covers the symbol's name. */
static int tested_through(run_t *r, apr_pool_t *qp, int doc, pl_gap_objective_t *go, int task)
{
    const pl_gap_doc_t *d = &APR_ARRAY_IDX(r->ix->docs, doc, pl_gap_doc_t);
    int importer = d->file_index >= 0 ? r->ix->tested_by[d->file_index] : -1;
    double best;

    if (importer >= 0) {
        pl_bm25_hit_t h;
        memset(&h, 0, sizeof(h));
        h.doc = importer;
        h.matched = apr_array_make(qp, 1, sizeof(const char *));
        APR_ARRAY_PUSH(h.matched, const char *) = apr_pstrcat(qp, "imports ", d->file->path, NULL);
        add_evidence(r, go, &h, task);
        return 1;
    }
    if (d->symbol) {
        const char *texts[1];
        double weights[1] = { W_OWN };
        texts[0] = d->symbol->name;
        return collect(r, qp, make_query(r, qp, texts, weights, 1), PL_GAP_TEST, TESTS_PER_TASK,
                       go, task, &best, NULL) > 0;
    }
    return 0;
}

/* Judges one query (a task's, or an objective's own) into t. */
static void judge(run_t *r, apr_pool_t *qp, const apr_array_header_t *query,
                  pl_gap_objective_t *go, int task, pl_gap_task_t *t)
{
    apr_array_header_t *found = apr_array_make(qp, r->per_task, sizeof(int));
    int i;

    t->evidence = collect(r, qp, query, PL_GAP_SYMBOL | PL_GAP_FILE | PL_GAP_COMMIT,
                          r->per_task, go, task, &t->coverage, found);
    t->has_evidence = t->evidence > 0;
    t->tested = collect(r, qp, query, PL_GAP_TEST, TESTS_PER_TASK, go, task,
                        &t->test_coverage, NULL) > 0;
    for (i = 0; i < found->nelts && !t->tested; i++)
        t->tested = tested_through(r, qp, APR_ARRAY_IDX(found, i, int), go, task);
    t->confidence = confidence(t->coverage, r->threshold, t->evidence);
}

static pl_gap_class_e classify(double claimed, double observed, int tested)
{
    if (claimed > 0 && observed < claimed / 2)
        return PL_GAP_CLAIMED_WITHOUT_EVIDENCE;
    if (observed >= 1)
        return tested ? PL_GAP_DONE : PL_GAP_UNTESTED;
    return observed > 0 ? PL_GAP_PARTIAL : PL_GAP_MISSING;
}

/* A primary objective's gap matters most; a claim the code does not back
 * is the worst kind, since the plan then misleads whoever reads it. */
static pl_gap_severity_e severity(pl_gap_class_e c, pl_plan_level_e level)
{
    static const pl_gap_severity_e table[][3] = {
        /*                    primary                 secondary               tertiary */
        [PL_GAP_DONE] =     { PL_GAP_SEVERITY_NONE,   PL_GAP_SEVERITY_NONE,   PL_GAP_SEVERITY_NONE },
        [PL_GAP_PARTIAL] =  { PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_LOW },
        [PL_GAP_MISSING] =  { PL_GAP_SEVERITY_HIGH,   PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_LOW },
        [PL_GAP_UNTESTED] = { PL_GAP_SEVERITY_MEDIUM, PL_GAP_SEVERITY_LOW,    PL_GAP_SEVERITY_LOW },
        [PL_GAP_CLAIMED_WITHOUT_EVIDENCE] =
                            { PL_GAP_SEVERITY_HIGH,   PL_GAP_SEVERITY_HIGH,   PL_GAP_SEVERITY_MEDIUM },
    };
    int l = level >= PL_LEVEL_PRIMARY && level <= PL_LEVEL_TERTIARY ? (int)level - 1 : 2;

    return table[c][l];
}

/* The evidence of tasks first: what the objective's title alone matches
 * ("HTTP client" -> every symbol of http/client.py) says least. Then the
 * better covered, then the higher scored. */
static int by_evidence(const void *a, const void *b)
{
    const pl_gap_evidence_t *x = a, *y = b;

    if ((x->task < 0) != (y->task < 0))
        return x->task < 0 ? 1 : -1;
    if (x->coverage != y->coverage)
        return x->coverage < y->coverage ? 1 : -1;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

static void analyse(run_t *r, apr_pool_t *qp, const pl_plan_objective_t *o, int index,
                    pl_gap_t *g)
{
    pl_gap_objective_t *go = apr_array_push(g->objectives);
    int ntasks = o->tasks ? o->tasks->nelts : 0;
    int ncrit = o->criteria ? o->criteria->nelts : 0;
    const char **texts = apr_palloc(qp, sizeof(*texts) * (apr_size_t)(ncrit + 3));
    double *weights = apr_palloc(qp, sizeof(*weights) * (apr_size_t)(ncrit + 3));
    double sum_conf = 0;
    int i, n = 0, observed = 0, checked = 0;
    pl_gap_task_t own;

    memset(go, 0, sizeof(*go));
    go->objective = o;
    go->index = index;
    go->tasks = apr_array_make(r->p, ntasks, sizeof(pl_gap_task_t));
    go->evidence = apr_array_make(r->p, 8, sizeof(pl_gap_evidence_t));

    /* the objective's own query: title, description, acceptance criteria */
    texts[n] = o->title;
    weights[n++] = W_OWN;
    texts[n] = o->description;
    weights[n++] = W_CONTEXT;
    for (i = 0; i < ncrit; i++) {
        texts[n] = APR_ARRAY_IDX(o->criteria, i, const char *);
        weights[n++] = W_CONTEXT;
    }
    memset(&own, 0, sizeof(own));
    judge(r, qp, make_query(r, qp, texts, weights, n), go, -1, &own);
    go->tested = own.tested;

    for (i = 0; i < ntasks; i++) {
        const pl_plan_task_t *pt = &APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t);
        pl_gap_task_t *t = apr_array_push(go->tasks);

        memset(t, 0, sizeof(*t));
        t->task = pt;
        texts[0] = first_word(qp, pt->text);
        weights[0] = W_ACTION;
        texts[1] = pt->text;
        weights[1] = W_OWN;
        texts[2] = o->title;
        weights[2] = W_CONTEXT;
        judge(r, qp, make_query(r, qp, texts, weights, 3), go, i, t);
        observed += t->has_evidence;
        checked += pt->checked;
        go->tested |= t->tested;
        sum_conf += t->confidence;
    }
    /* A status of done claims every task, ticked or not. */
    if (o->status && !strcmp(o->status, "done"))
        checked = ntasks;
    go->claimed = ntasks ? (double)checked / ntasks : pl_plan_claimed(o);
    if (ntasks) {
        go->observed = (double)observed / ntasks;
        go->confidence = sum_conf / ntasks;
        g->units += ntasks;
        g->units_claimed += checked;
        g->units_observed += observed;
    }
    else {
        go->observed = own.has_evidence;
        go->confidence = own.confidence;
        g->units++;
        g->units_claimed += go->claimed >= 1;
        g->units_observed += own.has_evidence;
    }
    go->classification = classify(go->claimed, go->observed, go->tested);
    go->severity = severity(go->classification, o->level);
    g->counts[go->classification]++;
    qsort(go->evidence->elts, (apr_size_t)go->evidence->nelts, sizeof(pl_gap_evidence_t),
          by_evidence);
    if (go->evidence->nelts > MAX_EVIDENCE)
        go->evidence->nelts = MAX_EVIDENCE;
}

apr_status_t pl_gap_run(apr_pool_t *p, const pl_plan_t *plan, const pl_code_t *code,
                        const pl_gitlog_t *log, const pl_gap_options_t *o, pl_gap_t **out)
{
    static const pl_gap_options_t defaults = { 0 };
    const char *const *w;
    apr_pool_t *work, *qp;
    pl_gap_t *g;
    run_t r;
    apr_status_t rv;
    int i, n = plan && plan->objectives ? plan->objectives->nelts : 0;

    if (!o)
        o = &defaults;
    apr_pool_create(&work, p);
    r.p = p;
    r.threshold = o->threshold > 0 ? o->threshold : PL_GAP_THRESHOLD;
    r.per_task = o->evidence_per_task > 0 ? o->evidence_per_task : 5;
    r.prose = apr_hash_make(work);
    for (w = prose_words; *w; w++)
        apr_hash_set(r.prose, *w, APR_HASH_KEY_STRING, *w);
    if ((rv = pl_gap_index_build(work, code, log, o->progress, o->baton, &r.ix)) != APR_SUCCESS)
        goto leave;

    g = apr_pcalloc(p, sizeof(*g));
    g->objectives = apr_array_make(p, n, sizeof(pl_gap_objective_t));
    g->documents = pl_bm25_count(r.ix->bm25);
    g->commits = r.ix->commits;
    g->threshold = r.threshold;
    apr_pool_create(&qp, work);
    for (i = 0; i < n; i++) {
        if (o->progress && o->progress(o->baton, "match", i, n)) {
            rv = PL_ECANCELED;
            goto leave;
        }
        analyse(&r, qp, APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *), i, g);
        apr_pool_clear(qp);
    }
    if (o->progress && o->progress(o->baton, "match", n, n)) {
        rv = PL_ECANCELED;
        goto leave;
    }
    if (g->units) {
        g->claimed_percent = 100.0 * g->units_claimed / g->units;
        g->observed_percent = 100.0 * g->units_observed / g->units;
    }
    *out = g;
leave:
    apr_pool_destroy(work);
    return rv;
}
