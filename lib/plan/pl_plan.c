/* SPDX-License-Identifier: Apache-2.0 */
/* The plan model: front matter, then the finishing pass over what the
 * Markdown walk found (pl_plan_md.c): which headings stay objectives, their
 * levels and ids, dependencies resolved to ids, and the issues a reader of
 * the plan should fix. Then lookup and JSON. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>

#include "plan/pl_plan_int.h"
#include "core/pl_status.h"

#define CYCLE_SHOWN 20      /* ids named in a cycle's message */

void pl_plan_issue(apr_pool_t *p, pl_plan_t *plan, int line, const char *code,
                   const char *objective_id, const char *fmt, ...)
{
    pl_plan_issue_t *issue = apr_array_push(plan->issues);
    va_list ap;

    va_start(ap, fmt);
    issue->message = apr_pvsprintf(p, fmt, ap);
    va_end(ap);
    issue->line = line;
    issue->code = code;
    issue->objective_id = objective_id;
}

/* YAML front matter is not Markdown: cut it off before cmark sees it (it
 * would read "---" as a rule and the keys as a heading) and take its
 * title. Returns the bytes it covers; *lines their line count. */
static apr_size_t front_matter(apr_pool_t *p, const char *text, apr_size_t len,
                               const char **title, int *lines)
{
    apr_size_t i = 0, start;
    int n = 0;

    *lines = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i < 4 || memcmp(text + i, "---", 3) != 0)
        return 0;
    for (start = i + 3; start < len && (text[start] == ' ' || text[start] == '\r'); start++)
        ;
    if (start >= len || text[start] != '\n')
        return 0;
    for (i = start + 1, n = 1; i < len; n++) {
        const char *eol = memchr(text + i, '\n', len - i);
        apr_size_t end = eol ? (apr_size_t)(eol - text) : len, e = end;

        while (e > i && (text[e - 1] == '\r' || text[e - 1] == ' '))
            e--;
        if ((e - i == 3 && (memcmp(text + i, "---", 3) == 0 || memcmp(text + i, "...", 3) == 0))) {
            *lines = n + 1;
            return eol ? end + 1 : len;
        }
        if (e - i > 6 && (memcmp(text + i, "title:", 6) == 0 || memcmp(text + i, "Title:", 6) == 0)) {
            apr_size_t v = i + 6;
            while (v < e && (text[v] == ' ' || text[v] == '\t'))
                v++;
            if (e - v >= 2 && (text[v] == '"' || text[v] == '\'') && text[e - 1] == text[v]) {
                v++;
                e--;
            }
            if (e > v)
                *title = apr_pstrmemdup(p, text + v, e - v);
        }
        i = end + 1;
    }
    *title = NULL;
    return 0;   /* never closed: not front matter */
}

static pl_plan_draft_t *draft_at(apr_array_header_t *drafts, int i)
{
    return APR_ARRAY_IDX(drafts, i, pl_plan_draft_t *);
}

/* A subheading with nothing but prose under an objective that has tasks is
 * a part of its description ("### Technical notes"), not an objective. */
static int folds_into_parent(apr_array_header_t *drafts, pl_plan_draft_t *d)
{
    pl_plan_draft_t *parent;

    if (d->obj->parent < 0 || d->children || d->obj->tasks->nelts || d->obj->criteria->nelts
        || d->deps->nelts || d->head.id || d->head.status || d->head.level)
        return 0;
    parent = draft_at(drafts, d->obj->parent);
    return parent->obj->tasks->nelts > 0;
}

/* The parts joined by sep; NULL parts (bullets that became tasks) left out. */
static const char *join(apr_pool_t *p, const apr_array_header_t *parts, const char *sep)
{
    apr_size_t total = 1, seplen = strlen(sep), n;
    char *out, *at;
    int i, first = 1;

    for (i = 0; i < parts->nelts; i++)
        if (APR_ARRAY_IDX(parts, i, const char *))
            total += strlen(APR_ARRAY_IDX(parts, i, const char *)) + seplen;
    at = out = apr_palloc(p, total);
    for (i = 0; i < parts->nelts; i++) {
        const char *part = APR_ARRAY_IDX(parts, i, const char *);
        if (!part)
            continue;
        if (!first) {
            memcpy(at, sep, seplen);
            at += seplen;
        }
        first = 0;
        n = strlen(part);
        memcpy(at, part, n);
        at += n;
    }
    *at = '\0';
    return out;
}

/* An objective without checkboxes, task sections or task tables: its
 * plain bullets are its tasks (and no longer its description). A guess. */
static void bullets_as_tasks(apr_pool_t *p, pl_plan_draft_t *d)
{
    pl_plan_issue_t *g;
    int i;

    if (d->obj->tasks->nelts || !d->bullets->nelts)
        return;
    d->obj->tasks = d->bullets;
    for (i = 0; i < d->bullet_desc->nelts; i++)
        APR_ARRAY_IDX(d->desc, APR_ARRAY_IDX(d->bullet_desc, i, int), const char *) = NULL;
    g = apr_array_push(d->guesses);
    g->line = APR_ARRAY_IDX(d->bullets, 0, pl_plan_task_t).line;
    g->code = PL_PLAN_GUESSED;
    g->objective_id = NULL;
    g->message = apr_psprintf(p, "\"%s\" has no checkboxes and no task list; its %d plain "
                              "items are read as its tasks", d->head.title, d->bullets->nelts);
}

/* "## P1 -- Must fix this release" over objective headings: a priority
 * label, no work of its own, objectives under it: a level container. */
static int is_level_heading(const pl_plan_draft_t *d)
{
    return d->children && d->head.level && !d->head.id && !d->obj->tasks->nelts
        && !d->bullets->nelts && !d->obj->criteria->nelts && !d->deps->nelts;
}

/* "## 2. Useful figures" over "### 2.1 Time left": a numbered section of
 * an outline with objectives under it and no work of its own is a group
 * of them, never an objective (nor a next step) itself. */
static int is_outline_section(const pl_plan_draft_t *d)
{
    return d->children && d->head.numbered && !d->head.id && !d->obj->tasks->nelts
        && !d->bullets->nelts && !d->obj->criteria->nelts && !d->deps->nelts;
}

static void keep_objectives(apr_pool_t *p, pl_plan_t *plan, apr_array_header_t *drafts,
                            apr_array_header_t *kept)
{
    int *index = apr_palloc(p, sizeof(int) * (drafts->nelts + 1));
    /* for a heading read as a level container: its level and container */
    int *as_level = apr_pcalloc(p, sizeof(int) * (drafts->nelts + 1));
    int *as_container = apr_palloc(p, sizeof(int) * (drafts->nelts + 1));
    int i, level;

    for (i = 0; i < drafts->nelts; i++) {
        pl_plan_draft_t *d = draft_at(drafts, i);
        pl_plan_objective_t *o = d->obj;
        int up = o->parent;

        as_container[i] = -1;
        if (up >= 0 && as_container[up] >= 0) {
            pl_plan_container_t *c = &APR_ARRAY_IDX(plan->containers, as_container[up],
                                                    pl_plan_container_t);
            if (as_level[up] && !d->head.level && !d->container_level)
                d->container_level = as_level[up];
            o->container_index = as_container[up];
            o->container = c->title;
            o->parent = draft_at(drafts, up)->obj->parent;
        }
        if (is_level_heading(d) || is_outline_section(d)) {
            pl_plan_container_t *c = apr_array_push(plan->containers);
            c->title = d->heading;
            c->kind = is_level_heading(d) ? "level" : "group";
            c->line = o->line;
            c->parent = o->container_index;
            c->status = d->head.status;
            c->claimed_percent = d->head.percent;
            c->level = d->head.level;
            as_level[i] = d->head.level;
            as_container[i] = plan->containers->nelts - 1;
            index[i] = -1;
            continue;
        }
        if (folds_into_parent(drafts, d)) {
            pl_plan_draft_t *parent = draft_at(drafts, o->parent);
            APR_ARRAY_PUSH(parent->desc, const char *) = d->head.title;
            apr_array_cat(parent->desc, d->desc);
            apr_array_cat(parent->guesses, d->guesses);
            index[i] = -1;
            continue;
        }
        bullets_as_tasks(p, d);
        index[i] = kept->nelts;
        o->parent = o->parent >= 0 ? index[o->parent] : -1;
        o->title = d->head.title;
        o->status = d->head.status;
        o->claimed_percent = d->head.percent;
        o->priority = d->head.priority;
        /* A label wins, then a container right above ("Secondary
         * objectives"); else a nested objective is one level below its
         * parent, and a top one primary. */
        level = d->head.level ? d->head.level
              : d->container_level ? d->container_level
              : o->parent >= 0 ? (int)APR_ARRAY_IDX(plan->objectives, o->parent,
                                                    pl_plan_objective_t *)->level + 1
              : 1;
        o->level = level >= 3 ? PL_LEVEL_TERTIARY : level == 2 ? PL_LEVEL_SECONDARY
                                                               : PL_LEVEL_PRIMARY;
        APR_ARRAY_PUSH(kept, pl_plan_draft_t *) = d;
        APR_ARRAY_PUSH(plan->objectives, pl_plan_objective_t *) = o;
    }
    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        d->obj->description = join(p, d->desc, "\n\n");
    }
}

/* id, or id-2, id-3 ... when taken. next remembers the last suffix tried
 * per id, so a plan of a thousand "## Tests" stays linear. */
static const char *unique(apr_pool_t *p, apr_hash_t *used, apr_hash_t *next, const char *id)
{
    const char *try = id;
    int *n = apr_hash_get(next, id, APR_HASH_KEY_STRING);

    if (!n) {
        n = apr_palloc(p, sizeof(*n));
        *n = 1;
        apr_hash_set(next, id, APR_HASH_KEY_STRING, n);
    }
    while (apr_hash_get(used, try, APR_HASH_KEY_STRING))
        try = apr_psprintf(p, "%s-%d", id, ++*n);
    return try;
}

static void report_guesses(apr_pool_t *p, pl_plan_t *plan, apr_array_header_t *kept)
{
    int i, j;

    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        for (j = 0; j < d->guesses->nelts; j++) {
            const pl_plan_issue_t *g = &APR_ARRAY_IDX(d->guesses, j, pl_plan_issue_t);
            pl_plan_issue(p, plan, g->line, g->code, d->obj->id, "%s", g->message);
        }
    }
}

static void record(apr_hash_t *h, const char *key, int i)
{
    if (*key && !apr_hash_get(h, key, APR_HASH_KEY_STRING))
        apr_hash_set(h, key, APR_HASH_KEY_STRING, (void *)(apr_uintptr_t)(i + 1));
}

static const char *slug(apr_pool_t *p, const char *s)
{
    return pl_plan_fold(p, s, strlen(s), '-');
}

/* Explicit ids first, so they keep their spelling; then ids derived from
 * the heading path, parent before child. */
static void give_ids(apr_pool_t *p, pl_plan_t *plan, apr_array_header_t *kept)
{
    apr_hash_t *used = apr_hash_make(p), *next = apr_hash_make(p);
    int i;

    plan->by_id = used;
    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        pl_plan_objective_t *o = d->obj;
        int other;

        if (!d->head.id)
            continue;
        o->explicit_id = 1;
        other = (int)(apr_uintptr_t)apr_hash_get(used, d->head.id, APR_HASH_KEY_STRING);
        o->id = unique(p, used, next, d->head.id);
        record(used, o->id, i);
        if (other)
            pl_plan_issue(p, plan, o->line, PL_PLAN_DUPLICATE_ID, o->id,
                          "the id %s is already the id of the objective on line %d; "
                          "this one is called %s here", d->head.id,
                          APR_ARRAY_IDX(plan->objectives, other - 1, pl_plan_objective_t *)->line,
                          o->id);
    }
    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        pl_plan_objective_t *o = d->obj;
        const char *base;

        if (o->id)
            continue;
        base = slug(p, d->head.slug_text);
        if (!*base) {
            /* No letter or digit at all: a hash of the heading is as
             * stable as its text. */
            apr_uint32_t h = 2166136261u;
            const unsigned char *c;
            for (c = (const unsigned char *)d->heading; *c; c++)
                h = (h ^ *c) * 16777619u;
            base = apr_psprintf(p, "h%08x", h);
        }
        if (o->parent >= 0)
            base = apr_pstrcat(p, APR_ARRAY_IDX(plan->objectives, o->parent,
                                                pl_plan_objective_t *)->id, "/", base, NULL);
        o->id = unique(p, used, next, base);
        record(used, o->id, i);
    }
}

/* A dependency may name an objective by its id, its title, or a link to
 * its heading's anchor: anchors are compared as GitHub makes them (key
 * "#anchor"), then everything as slugs. */
static apr_hash_t *names(apr_pool_t *p, apr_array_header_t *kept)
{
    apr_hash_t *h = apr_hash_make(p);
    int i;

    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        if (d->anchor)
            record(h, apr_pstrcat(p, "#", d->anchor, NULL), i);
    }
    for (i = 0; i < kept->nelts; i++)
        record(h, slug(p, draft_at(kept, i)->obj->id), i);
    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        record(h, slug(p, d->heading), i);
        record(h, slug(p, d->head.title), i);
    }
    return h;
}

static int resolve(apr_pool_t *p, pl_plan_t *plan, apr_hash_t *by_name, const pl_plan_dep_t *dep)
{
    int i;

    if (dep->anchor) {
        /* Links to non-ASCII headings arrive percent-encoded. */
        const char *raw = apr_punescape_url(p, dep->anchor, NULL, NULL, 0);
        i = (int)(apr_uintptr_t)apr_hash_get(by_name,
                                             apr_pstrcat(p, "#", raw ? raw : dep->anchor, NULL),
                                             APR_HASH_KEY_STRING);
    }
    else
        i = pl_plan_find(plan, dep->text) + 1;
    if (!i)
        i = (int)(apr_uintptr_t)apr_hash_get(by_name, slug(p, dep->anchor ? dep->anchor : dep->text),
                                            APR_HASH_KEY_STRING);
    return i - 1;
}

/* Resolves every dependency; edges[i] lists the indices objective i needs. */
static apr_array_header_t **link_dependencies(apr_pool_t *p, pl_plan_t *plan,
                                              apr_array_header_t *kept)
{
    apr_array_header_t **edges = apr_palloc(p, sizeof(*edges) * (kept->nelts + 1));
    int *seen = apr_pcalloc(p, sizeof(int) * (kept->nelts + 1));  /* i + 1: already an edge of i */
    apr_hash_t *by_name = names(p, kept);
    int i, j;

    for (i = 0; i < kept->nelts; i++) {
        pl_plan_draft_t *d = draft_at(kept, i);
        edges[i] = apr_array_make(p, d->deps->nelts, sizeof(int));
        for (j = 0; j < d->deps->nelts; j++) {
            const pl_plan_dep_t *dep = &APR_ARRAY_IDX(d->deps, j, pl_plan_dep_t);
            int target = resolve(p, plan, by_name, dep);
            const char *name;

            if (target < 0) {
                name = dep->anchor ? apr_pstrcat(p, "#", dep->anchor, NULL) : dep->text;
                pl_plan_issue(p, plan, dep->line, PL_PLAN_UNKNOWN_DEPENDENCY, d->obj->id,
                              "%s depends on \"%s\", which names no objective of the plan",
                              d->obj->id, name);
                APR_ARRAY_PUSH(d->obj->depends, const char *) = name;
                continue;
            }
            if (seen[target] == i + 1)
                continue;
            seen[target] = i + 1;
            APR_ARRAY_PUSH(edges[i], int) = target;
            APR_ARRAY_PUSH(d->obj->depends, const char *) = draft_at(kept, target)->obj->id;
        }
    }
    return edges;
}

static const char *cycle_path(apr_pool_t *p, pl_plan_t *plan, const int *stack, int from, int top)
{
    const char *path = "";
    int i;

    for (i = from; i <= top + 1; i++) {
        const char *id = APR_ARRAY_IDX(plan->objectives, i <= top ? stack[i] : stack[from],
                                       pl_plan_objective_t *)->id;
        if (i - from == CYCLE_SHOWN && i <= top)
            id = apr_psprintf(p, "... (%d more) -> %s", top - i + 1,
                              APR_ARRAY_IDX(plan->objectives, stack[from],
                                            pl_plan_objective_t *)->id);
        path = *path ? apr_pstrcat(p, path, " -> ", id, NULL) : id;
        if (i - from == CYCLE_SHOWN)
            break;
    }
    return path;
}

/* Depth-first search without recursion (a chain of dependencies can be as
 * long as the plan); each edge back into the path is one cycle. */
static void find_cycles(apr_pool_t *p, pl_plan_t *plan, apr_array_header_t **edges)
{
    int n = plan->objectives->nelts, start, top;
    char *color = apr_pcalloc(p, n + 1);   /* 0 new, 1 on the path, 2 done */
    int *stack = apr_palloc(p, sizeof(int) * (n + 1));
    int *at = apr_palloc(p, sizeof(int) * (n + 1));        /* place on the path */
    int *next = apr_pcalloc(p, sizeof(int) * (n + 1));

    for (start = 0; start < n; start++) {
        if (color[start])
            continue;
        top = 0;
        stack[0] = start;
        at[start] = 0;
        color[start] = 1;
        while (top >= 0) {
            int v = stack[top];
            if (next[v] < edges[v]->nelts) {
                int u = APR_ARRAY_IDX(edges[v], next[v]++, int);
                if (color[u] == 0) {
                    color[u] = 1;
                    stack[++top] = u;
                    at[u] = top;
                }
                else if (color[u] == 1) {
                    pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, u,
                                                           pl_plan_objective_t *);
                    pl_plan_issue(p, plan, o->line, PL_PLAN_DEPENDENCY_CYCLE, o->id,
                                  "dependency cycle: %s", cycle_path(p, plan, stack, at[u], top));
                }
            }
            else {
                color[v] = 2;
                top--;
            }
        }
    }
}

typedef struct {
    pl_plan_issue_t issue;
    int order;
} ordered_issue_t;

static int by_line(const void *a, const void *b)
{
    const ordered_issue_t *x = a, *y = b;

    if (x->issue.line != y->issue.line)
        return x->issue.line < y->issue.line ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void sort_issues(apr_pool_t *p, pl_plan_t *plan)
{
    int n = plan->issues->nelts, i;
    ordered_issue_t *all = apr_palloc(p, sizeof(*all) * (n + 1));

    for (i = 0; i < n; i++) {
        all[i].issue = APR_ARRAY_IDX(plan->issues, i, pl_plan_issue_t);
        all[i].order = i;
    }
    qsort(all, n, sizeof(*all), by_line);
    for (i = 0; i < n; i++)
        APR_ARRAY_IDX(plan->issues, i, pl_plan_issue_t) = all[i].issue;
}

static void validate(apr_pool_t *p, pl_plan_t *plan, apr_array_header_t **edges)
{
    int n = plan->objectives->nelts, i;
    char *has_child = apr_pcalloc(p, n + 1);

    for (i = 0; i < n; i++) {
        pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        if (o->parent >= 0)
            has_child[o->parent] = 1;
    }
    for (i = 0; i < n; i++) {
        pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        /* acceptance criteria are a breakdown too (a user story) */
        if (!has_child[i] && !o->tasks->nelts && !o->criteria->nelts)
            pl_plan_issue(p, plan, o->line, PL_PLAN_NO_TASKS, o->id,
                          "objective %s has no tasks", o->id);
    }
    if (!n)
        pl_plan_issue(p, plan, 1, PL_PLAN_NO_OBJECTIVES, NULL,
                      "the plan has no objectives: no heading below the title names one");
    find_cycles(p, plan, edges);
    sort_issues(p, plan);
}

apr_status_t pl_plan_parse(apr_pool_t *p, const char *text, apr_size_t len, pl_plan_t **out)
{
    pl_plan_t *plan;
    apr_array_header_t *drafts, *kept;
    apr_size_t skip;
    int lines;

    if (!text && len)
        return PL_EINVAL;
    if (len > PL_PLAN_MAX_BYTES)
        return PL_ETOOBIG;
    if (!text)
        text = "";
    plan = apr_pcalloc(p, sizeof(*plan));
    plan->objectives = apr_array_make(p, 16, sizeof(pl_plan_objective_t *));
    plan->containers = apr_array_make(p, 4, sizeof(pl_plan_container_t));
    plan->issues = apr_array_make(p, 4, sizeof(pl_plan_issue_t));
    drafts = apr_array_make(p, 16, sizeof(pl_plan_draft_t *));
    kept = apr_array_make(p, 16, sizeof(pl_plan_draft_t *));

    skip = front_matter(p, text, len, &plan->title, &lines);
    pl_plan_md_read(p, text + skip, len - skip, lines + 1, plan, drafts);
    keep_objectives(p, plan, drafts, kept);
    give_ids(p, plan, kept);
    report_guesses(p, plan, kept);
    validate(p, plan, link_dependencies(p, plan, kept));
    *out = plan;
    return APR_SUCCESS;
}

int pl_plan_find(const pl_plan_t *plan, const char *id)
{
    int i;

    if (!id)
        return -1;
    if (plan->by_id)
        return (int)(apr_uintptr_t)apr_hash_get(plan->by_id, id, APR_HASH_KEY_STRING) - 1;
    for (i = 0; i < plan->objectives->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *)->id, id) == 0)
            return i;
    return -1;
}

static int tasks_claim(const pl_plan_objective_t *o, int *done)
{
    int i, said = 0;

    *done = 0;
    for (i = 0; i < o->tasks->nelts; i++) {
        const pl_plan_task_t *t = &APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t);
        said += t->claim != PL_CLAIM_NONE;
        *done += t->claim == PL_CLAIM_DONE;
    }
    return said;
}

double pl_plan_claimed(const pl_plan_objective_t *o)
{
    int done;

    if (o->claimed_percent >= 0)
        return o->claimed_percent / 100.0;
    if (tasks_claim(o, &done))
        return (double)done / o->tasks->nelts;
    if (!o->status)
        return 0.0;
    return strcmp(o->status, "done") == 0 ? 1.0 : strcmp(o->status, "in_progress") == 0 ? 0.5
                                                                                     : 0.0;
}

int pl_plan_claims(const pl_plan_objective_t *o)
{
    int done;

    return o->claimed_percent >= 0 || o->status || tasks_claim(o, &done);
}

const char *pl_plan_level_name(pl_plan_level_e level)
{
    return level == PL_LEVEL_PRIMARY ? "primary" : level == PL_LEVEL_SECONDARY ? "secondary"
                                                                               : "tertiary";
}
