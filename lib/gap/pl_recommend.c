/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "gap/pl_recommend.h"

/* Priority, 1..100, is a sum of four parts whose ceilings say how much each
 * matters: the level the plan gave the objective (primary 40, secondary 25,
 * tertiary 10), the severity of its gap (high 25, medium 15, low 5), the
 * unfinished objectives waiting for it (5 each, up to 20: unblocking others
 * multiplies the value of the work), and how much is left (up to 15). */
static int priority_of(const pl_gap_objective_t *go, int blocks)
{
    static const double level_part[] = { 0, 40, 25, 10 };
    static const double severity_part[] = { 0, 5, 15, 25 };
    int level = go->objective->level;
    double v = (level >= 1 && level <= 3 ? level_part[level] : 10)
             + severity_part[go->severity]
             + (blocks * 5 > 20 ? 20 : blocks * 5)
             + 15 * (1 - go->observed);
    int rounded = (int)floor(v + 0.5);

    return rounded < 1 ? 1 : rounded > 100 ? 100 : rounded;
}

/* Mean complexity of this project's functions: what "complex" is measured
 * against. A tree the analysis could not measure counts as 5. */
static double mean_complexity(const pl_code_t *code)
{
    double sum = 0;
    int n = 0, i, j;

    for (i = 0; code && code->files && i < code->files->nelts; i++) {
        const pl_code_file_t *f = APR_ARRAY_IDX(code->files, i, const pl_code_file_t *);
        for (j = 0; f->symbols && j < f->symbols->nelts; j++) {
            int c = APR_ARRAY_IDX(f->symbols, j, pl_symbol_t).complexity;
            if (c > 0) {
                sum += c;
                n++;
            }
        }
    }
    return n ? sum / n : 5.0;
}

/* 0, 1 or 2: the code found for the objective's tasks against the
 * project's mean. */
static int complexity_points(const pl_gap_objective_t *go, double mean, double *touched)
{
    double sum = 0;
    int n = 0, i, j;

    for (i = 0; i < go->tasks->nelts; i++) {
        const pl_gap_task_t *t = &APR_ARRAY_IDX(go->tasks, i, pl_gap_task_t);
        for (j = 0; j < t->evidence->nelts; j++) {
            const pl_gap_evidence_t *e = &APR_ARRAY_IDX(t->evidence, j, pl_gap_evidence_t);
            if (e->complexity > 0) {
                sum += e->complexity;
                n++;
            }
        }
    }
    *touched = n ? sum / n : 0;
    return *touched > 2 * mean ? 2 : *touched > mean ? 1 : 0;
}

/* Effort in points: each task still without evidence, two per unfinished
 * dependency (work that has to happen first, or be coordinated with),
 * complex code to change, and the tests an untested objective still needs.
 * An objective without tasks says nothing of its size: it counts as three.
 * Up to 2 points is small, up to 5 medium, more large. */
static pl_effort_e effort_of(const pl_gap_objective_t *go, int open, int waiting, int cpoints)
{
    int planned = go->objective->tasks && go->objective->tasks->nelts;
    int points = (planned ? open : (go->observed >= 1 ? 0 : 3))
               + 2 * waiting + cpoints + (go->tested ? 0 : 1);

    return points <= 2 ? PL_EFFORT_SMALL : points <= 5 ? PL_EFFORT_MEDIUM : PL_EFFORT_LARGE;
}

static pl_impact_e impact_of(const pl_gap_objective_t *go, int blocks)
{
    if (go->objective->level == PL_LEVEL_PRIMARY || blocks >= 3)
        return PL_IMPACT_HIGH;
    if (go->objective->level == PL_LEVEL_SECONDARY || blocks >= 1)
        return PL_IMPACT_MEDIUM;
    return PL_IMPACT_LOW;
}

typedef struct {
    int n;
    apr_array_header_t **deps;          /* int: objectives i depends on */
    apr_array_header_t **dependents;    /* int: objectives that depend on i */
    const pl_gap_objective_t **gap;
    int *open;                          /* not done */
    /* Tarjan's strongly connected components */
    int *scc, *low, *order, *on_stack, *stack;
    int nstack, counter, nscc;
} graph_t;

#define EDGE(a, i) APR_ARRAY_IDX(a, i, int)

static void strongconnect(graph_t *g, int v)
{
    int i;

    g->order[v] = g->low[v] = ++g->counter;
    g->stack[g->nstack++] = v;
    g->on_stack[v] = 1;
    for (i = 0; i < g->dependents[v]->nelts; i++) {
        int w = EDGE(g->dependents[v], i);
        if (!g->open[w])
            continue;
        if (!g->order[w]) {
            strongconnect(g, w);
            if (g->low[w] < g->low[v])
                g->low[v] = g->low[w];
        }
        else if (g->on_stack[w] && g->order[w] < g->low[v])
            g->low[v] = g->order[w];
    }
    if (g->low[v] == g->order[v]) {
        int w;
        do {
            w = g->stack[--g->nstack];
            g->on_stack[w] = 0;
            g->scc[w] = g->nscc;
        } while (w != v);
        g->nscc++;
    }
}

static int self_loop(const graph_t *g, int v)
{
    int i;

    for (i = 0; i < g->deps[v]->nelts; i++)
        if (EDGE(g->deps[v], i) == v)
            return 1;
    return 0;
}

/* Unfinished objectives reachable through dependents: what v blocks. */
static int count_blocked(const graph_t *g, apr_pool_t *p, int v)
{
    int *seen = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    int *queue = apr_palloc(p, sizeof(int) * (apr_size_t)g->n);
    int head = 0, tail = 0, count = 0, i;

    seen[v] = 1;
    queue[tail++] = v;
    while (head < tail) {
        int u = queue[head++];
        for (i = 0; i < g->dependents[u]->nelts; i++) {
            int w = EDGE(g->dependents[u], i);
            if (seen[w])
                continue;
            seen[w] = 1;
            queue[tail++] = w;
            count += g->open[w];
        }
    }
    return count;
}

/* The shortest "depends on" path from start back to itself inside its
 * component, as ids: A, B, A. */
static apr_array_header_t *cycle_path(const graph_t *g, apr_pool_t *p, int start)
{
    int *parent = apr_palloc(p, sizeof(int) * (apr_size_t)g->n);
    int *queue = apr_palloc(p, sizeof(int) * (apr_size_t)g->n);
    int *path = apr_palloc(p, sizeof(int) * (apr_size_t)(g->n + 1));
    apr_array_header_t *ids = apr_array_make(p, 4, sizeof(const char *));
    int head = 0, tail = 0, i, len = 0, u, last = -1;

    for (i = 0; i < g->n; i++)
        parent[i] = -2;
    queue[tail++] = start;
    parent[start] = -1;
    while (head < tail && last < 0) {
        u = queue[head++];
        for (i = 0; i < g->deps[u]->nelts && last < 0; i++) {
            int w = EDGE(g->deps[u], i);
            if (!g->open[w] || g->scc[w] != g->scc[start])
                continue;
            if (w == start)
                last = u;
            else if (parent[w] == -2) {
                parent[w] = u;
                queue[tail++] = w;
            }
        }
    }
    for (u = last; u >= 0; u = parent[u])
        path[len++] = u;
    APR_ARRAY_PUSH(ids, const char *) = g->gap[start]->objective->id;
    for (i = len - 2; i >= 0; i--)  /* path[len - 1] is start */
        APR_ARRAY_PUSH(ids, const char *) = g->gap[path[i]]->objective->id;
    APR_ARRAY_PUSH(ids, const char *) = g->gap[start]->objective->id;
    return ids;
}

static const char *capitalised_level(pl_plan_level_e level)
{
    return level == PL_LEVEL_PRIMARY ? "Primary" : level == PL_LEVEL_SECONDARY ? "Secondary"
                                                                            : "Tertiary";
}

/* One sentence from the facts: what the gap is, then what makes it urgent
 * or hard. */
static const char *rationale(apr_pool_t *p, const pl_recommendation_t *r, const char *cycle,
                             double touched)
{
    const pl_gap_objective_t *go = r->gap;
    const pl_plan_objective_t *o = go->objective;
    int ntasks = go->tasks->nelts, seen = ntasks - r->open_tasks;
    const char *head = apr_psprintf(p, "%s objective \"%s\"", capitalised_level(o->level),
                                    o->title);
    const char *s;

    if (go->claimed_without_evidence)
        s = ntasks > 1 ? apr_psprintf(p, "%s is claimed %d%% done but only %d of %d tasks show "
                                      "evidence in the code", head,
                                      (int)floor(go->claimed * 100 + 0.5), seen, ntasks)
                       : apr_psprintf(p, "%s is marked done but shows no evidence in the code", head);
    else if (go->classification == PL_GAP_MISSING && seen)
        s = apr_psprintf(p, "%s has little evidence in the code: %d of %d tasks found", head,
                         seen, ntasks);
    else if (go->classification == PL_GAP_MISSING)
        s = ntasks > 1 ? apr_psprintf(p, "%s has no evidence in the code for any of its %d tasks",
                                      head, ntasks)
                       : apr_psprintf(p, "%s has no evidence in the code", head);
    else
        s = apr_psprintf(p, "%s is partly done: %d of %d tasks show evidence in the code", head,
                         seen, ntasks);
    if (r->blocks)
        s = apr_psprintf(p, "%s; it blocks %d other objective%s", s, r->blocks,
                         r->blocks == 1 ? "" : "s");
    if (r->waiting_on->nelts)
        s = apr_psprintf(p, "%s; it waits on %s", s, apr_array_pstrcat(p, r->waiting_on, ','));
    if (cycle)
        s = apr_psprintf(p, "%s; it is on the dependency cycle %s", s, cycle);
    if (touched > 0 && r->effort != PL_EFFORT_SMALL)
        s = apr_psprintf(p, "%s; the code it touches has a mean complexity of %.1f", s, touched);
    return apr_pstrcat(p, s, ".", NULL);
}

/* Better first: higher priority, then earlier in the plan. */
static int better(const pl_recommendation_t *a, const pl_recommendation_t *b)
{
    return a->priority > b->priority
        || (a->priority == b->priority && a->gap->index < b->gap->index);
}

static int by_priority(const void *a, const void *b)
{
    const pl_recommendation_t *const *x = a, *const *y = b;

    return better(*x, *y) ? -1 : better(*y, *x) ? 1 : 0;
}

/* Kahn's algorithm on the components: a component is ready when every
 * unfinished objective it depends on outside itself is placed; among the
 * ready, the one holding the best recommendation goes first and its
 * members follow in priority order. A cycle is thus one step, never a
 * loop. */
static void order(apr_pool_t *p, const graph_t *g, pl_recommendation_t **by_node,
                  apr_array_header_t *out)
{
    int *indeg = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->nscc);
    int *done = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->nscc);
    pl_recommendation_t **best = apr_pcalloc(p, sizeof(*best) * (apr_size_t)g->nscc);
    pl_recommendation_t **members = apr_palloc(p, sizeof(*members) * (apr_size_t)g->n);
    int u, i, placed;

    for (u = 0; u < g->n; u++) {
        if (!g->open[u])
            continue;
        if (!best[g->scc[u]] || better(by_node[u], best[g->scc[u]]))
            best[g->scc[u]] = by_node[u];
        for (i = 0; i < g->dependents[u]->nelts; i++) {
            int w = EDGE(g->dependents[u], i);
            if (g->open[w] && g->scc[w] != g->scc[u])
                indeg[g->scc[w]]++;
        }
    }
    for (placed = 0; placed < g->nscc; placed++) {
        int c = -1, nm = 0;
        for (i = 0; i < g->nscc; i++)
            if (!done[i] && !indeg[i] && (c < 0 || better(best[i], best[c])))
                c = i;
        if (c < 0)
            break;  /* cannot happen: the components form a DAG */
        done[c] = 1;
        for (u = 0; u < g->n; u++)
            if (g->open[u] && g->scc[u] == c)
                members[nm++] = by_node[u];
        qsort(members, (apr_size_t)nm, sizeof(*members), by_priority);
        for (i = 0; i < nm; i++) {
            int v = members[i]->gap->index, j;
            APR_ARRAY_PUSH(out, pl_recommendation_t) = *members[i];
            for (j = 0; j < g->dependents[v]->nelts; j++) {
                int w = EDGE(g->dependents[v], j);
                if (g->open[w] && g->scc[w] != c)
                    indeg[g->scc[w]]--;
            }
        }
    }
}

static void build_graph(apr_pool_t *p, const pl_plan_t *plan, const pl_gap_t *gap, graph_t *g)
{
    int i, j;

    memset(g, 0, sizeof(*g));
    g->n = gap->objectives->nelts;
    g->deps = apr_palloc(p, sizeof(*g->deps) * (apr_size_t)g->n);
    g->dependents = apr_palloc(p, sizeof(*g->dependents) * (apr_size_t)g->n);
    g->gap = apr_palloc(p, sizeof(*g->gap) * (apr_size_t)g->n);
    g->open = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    for (i = 0; i < g->n; i++) {
        g->gap[i] = &APR_ARRAY_IDX(gap->objectives, i, pl_gap_objective_t);
        g->open[i] = g->gap[i]->classification != PL_GAP_DONE;
        g->deps[i] = apr_array_make(p, 2, sizeof(int));
        g->dependents[i] = apr_array_make(p, 2, sizeof(int));
    }
    for (i = 0; i < g->n; i++) {
        const apr_array_header_t *ids = g->gap[i]->objective->depends;
        for (j = 0; ids && j < ids->nelts; j++) {
            /* unknown ids are the plan parser's to report */
            int d = pl_plan_find(plan, APR_ARRAY_IDX(ids, j, const char *));
            if (d < 0 || d >= g->n)
                continue;
            APR_ARRAY_PUSH(g->deps[i], int) = d;
            APR_ARRAY_PUSH(g->dependents[d], int) = i;
        }
    }
    g->scc = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    g->low = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    g->order = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    g->on_stack = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    g->stack = apr_pcalloc(p, sizeof(int) * (apr_size_t)g->n);
    for (i = 0; i < g->n; i++)
        if (g->open[i] && !g->order[i])
            strongconnect(g, i);
}

apr_status_t pl_recommend(apr_pool_t *p, const pl_plan_t *plan, const pl_gap_t *gap,
                          const pl_code_t *code, pl_recommend_t **out)
{
    pl_recommend_t *res = apr_pcalloc(p, sizeof(*res));
    double mean = mean_complexity(code);
    pl_recommendation_t **by_node;
    const char **cycle_of;
    int *size;
    apr_pool_t *scratch;
    graph_t g;
    int i, j;

    apr_pool_create(&scratch, p);
    build_graph(scratch, plan, gap, &g);
    by_node = apr_pcalloc(scratch, sizeof(*by_node) * (apr_size_t)(g.n + 1));
    cycle_of = apr_pcalloc(scratch, sizeof(*cycle_of) * (apr_size_t)(g.n + 1));
    size = apr_pcalloc(scratch, sizeof(int) * (apr_size_t)(g.n + 1));
    res->items = apr_array_make(p, g.n, sizeof(pl_recommendation_t));
    res->cycles = apr_array_make(p, 1, sizeof(apr_array_header_t *));

    for (i = 0; i < g.n; i++)
        if (g.open[i])
            size[g.scc[i]]++;
    for (i = 0; i < g.n; i++) {     /* each cycle once, from its first objective */
        int c = g.scc[i];
        if (g.open[i] && !cycle_of[c] && (size[c] > 1 || self_loop(&g, i))) {
            apr_array_header_t *path = cycle_path(&g, p, i);
            APR_ARRAY_PUSH(res->cycles, apr_array_header_t *) = path;
            cycle_of[c] = "";
            for (j = 0; j < path->nelts; j++)
                cycle_of[c] = apr_pstrcat(p, cycle_of[c], j ? " -> " : "",
                                          APR_ARRAY_IDX(path, j, const char *), NULL);
        }
    }
    for (i = 0; i < g.n; i++) {
        const pl_gap_objective_t *go = g.gap[i];
        pl_recommendation_t *r;
        double touched;
        int cpoints;

        if (!g.open[i])
            continue;
        r = apr_pcalloc(scratch, sizeof(*r));
        r->gap = go;
        r->blocks = count_blocked(&g, scratch, i);
        r->waiting_on = apr_array_make(p, 1, sizeof(const char *));
        for (j = 0; j < g.deps[i]->nelts; j++)
            if (g.open[EDGE(g.deps[i], j)])
                APR_ARRAY_PUSH(r->waiting_on, const char *) =
                    g.gap[EDGE(g.deps[i], j)]->objective->id;
        for (j = 0; j < go->tasks->nelts; j++)
            r->open_tasks += !APR_ARRAY_IDX(go->tasks, j, pl_gap_task_t).observed;
        r->in_cycle = cycle_of[g.scc[i]] != NULL;
        r->priority = priority_of(go, r->blocks);
        cpoints = complexity_points(go, mean, &touched);
        r->effort = effort_of(go, r->open_tasks, r->waiting_on->nelts, cpoints);
        r->impact = impact_of(go, r->blocks);
        r->rationale = rationale(p, r, cycle_of[g.scc[i]], cpoints ? touched : 0);
        by_node[i] = r;
    }
    order(scratch, &g, by_node, res->items);
    apr_pool_destroy(scratch);
    *out = res;
    return APR_SUCCESS;
}

const char *pl_effort_name(pl_effort_e e)
{
    return e == PL_EFFORT_SMALL ? "small" : e == PL_EFFORT_MEDIUM ? "medium" : "large";
}

const char *pl_impact_name(pl_impact_e i)
{
    return i == PL_IMPACT_HIGH ? "high" : i == PL_IMPACT_MEDIUM ? "medium" : "low";
}

void pl_recommend_write(pl_jsonw_t *w, const pl_recommend_t *r)
{
    int i, j;

    pl_jsonw_array(w, "recommendations");
    for (i = 0; i < r->items->nelts; i++) {
        const pl_recommendation_t *rec = &APR_ARRAY_IDX(r->items, i, pl_recommendation_t);
        const pl_plan_objective_t *o = rec->gap->objective;

        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "rank", i + 1);
        pl_jsonw_str(w, "id", o->id);
        pl_jsonw_str(w, "title", o->title);
        pl_jsonw_str(w, "level", pl_plan_level_name(o->level));
        pl_jsonw_str(w, "classification", pl_gap_class_name(rec->gap->classification));
        pl_jsonw_str(w, "severity", pl_gap_severity_name(rec->gap->severity));
        pl_jsonw_int(w, "priority", rec->priority);
        pl_jsonw_str(w, "effort", pl_effort_name(rec->effort));
        pl_jsonw_str(w, "impact", pl_impact_name(rec->impact));
        pl_jsonw_int(w, "blocks", rec->blocks);
        pl_jsonw_int(w, "open_tasks", rec->open_tasks);
        pl_jsonw_array(w, "waiting_on");
        for (j = 0; j < rec->waiting_on->nelts; j++)
            pl_jsonw_str(w, NULL, APR_ARRAY_IDX(rec->waiting_on, j, const char *));
        pl_jsonw_end(w);
        pl_jsonw_bool(w, "in_cycle", rec->in_cycle);
        pl_jsonw_str(w, "rationale", rec->rationale);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_array(w, "cycles");
    for (i = 0; i < r->cycles->nelts; i++) {
        const apr_array_header_t *c = APR_ARRAY_IDX(r->cycles, i, const apr_array_header_t *);
        pl_jsonw_array(w, NULL);
        for (j = 0; j < c->nelts; j++)
            pl_jsonw_str(w, NULL, APR_ARRAY_IDX(c, j, const char *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}
