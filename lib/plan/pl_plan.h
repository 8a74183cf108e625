/* SPDX-License-Identifier: Apache-2.0 */
/* A project's MASTER_PLAN.md as data: objectives (primary / secondary /
 * tertiary) with their tasks, acceptance criteria, dependencies and status,
 * plus the problems found in the plan itself. The Markdown is read with
 * cmark-gfm (pl_plan_md.c), never with regexes; this file is the model the
 * gap analysis, the recommendations and the API work on. Everything lives in
 * the pool given to pl_plan_parse. */
#ifndef PL_PLAN_H
#define PL_PLAN_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "core/pl_jsonw.h"

typedef enum {
    PL_LEVEL_PRIMARY = 1,
    PL_LEVEL_SECONDARY = 2,
    PL_LEVEL_TERTIARY = 3
} pl_plan_level_e;

typedef struct {
    const char *text;           /* plain text, inline Markdown flattened */
    int checked;                /* 1: done ([x], a done status cell, ✅) */
    int line;                   /* 1-based line in the original file */
} pl_plan_task_t;

/* Codes of pl_plan_issue_t.code. */
#define PL_PLAN_DUPLICATE_ID      "duplicate_id"
#define PL_PLAN_UNKNOWN_DEPENDENCY "unknown_dependency"
#define PL_PLAN_DEPENDENCY_CYCLE  "dependency_cycle"
#define PL_PLAN_NO_TASKS          "no_tasks"
#define PL_PLAN_NO_OBJECTIVES     "no_objectives"

typedef struct {
    int line;
    const char *code;           /* one of PL_PLAN_* above */
    const char *message;        /* one sentence; a cycle names its path: A -> B -> A */
    const char *objective_id;   /* NULL when the issue is about the whole plan */
} pl_plan_issue_t;

typedef struct pl_plan_objective_t {
    /* Explicit (AUTH-001, from the heading or an "ID:" line) or derived
     * from the slugged heading path ("auth/login"), so an edit elsewhere in
     * the file leaves it unchanged. Never empty, unique within the plan. */
    const char *id;
    int explicit_id;
    const char *title;          /* heading text without id, checkbox, emoji, numbering */
    const char *description;    /* the paragraphs under the heading, "" when none */
    pl_plan_level_e level;
    /* "done", "in_progress", "todo", "blocked" or NULL when the plan does
     * not say: from a label, a checkbox in the heading or an emoji mark. */
    const char *status;
    const char *priority;       /* "P1".."P3" / "high" ... as written, NULL when none */
    int line;                   /* source line of the heading */
    int parent;                 /* index in plan->objectives of the enclosing one, -1 at top */
    apr_array_header_t *tasks;      /* pl_plan_task_t */
    apr_array_header_t *criteria;   /* const char *: acceptance criteria */
    /* const char *: ids of the objectives this one needs; one that names
     * no objective stays as written (pl_plan_find: -1) and is an issue. */
    apr_array_header_t *depends;
    apr_array_header_t *labels;     /* const char *: status / priority labels as written */
} pl_plan_objective_t;

typedef struct {
    const char *title;              /* front matter title:, else the first H1, else NULL */
    apr_array_header_t *objectives; /* pl_plan_objective_t *, in document order */
    apr_array_header_t *issues;     /* pl_plan_issue_t, by line */
    apr_hash_t *by_id;              /* id -> index + 1, for pl_plan_find; NULL: scan */
} pl_plan_t;

/* Parses text (UTF-8; need not be NUL-terminated). Never fails on content:
 * anything odd becomes an issue. PL_EINVAL only for a NULL text with len>0,
 * PL_ETOOBIG for a plan beyond PL_PLAN_MAX_BYTES. Thread-safe.
 * 2 MB holds some 10,000 objectives with their tasks; the cap bounds what a
 * hostile plan costs, since cmark-gfm's tree can take ~200 bytes of memory
 * per byte of input (a run of '[') and some inputs take it seconds. */
#define PL_PLAN_MAX_BYTES (2 * 1024 * 1024)
apr_status_t pl_plan_parse(apr_pool_t *p, const char *text, apr_size_t len,
                           pl_plan_t **out);

/* Index in plan->objectives of the objective with this id, or -1. */
int pl_plan_find(const pl_plan_t *plan, const char *id);

/* Share of the objective's tasks that are checked, 0..1; its status decides
 * when it has no tasks (done: 1, otherwise 0). */
double pl_plan_claimed(const pl_plan_objective_t *o);

/* {"title":..,"objectives":[..],"issues":[..]} */
void pl_plan_write(pl_jsonw_t *w, const char *key, const pl_plan_t *plan);

/* "primary" / "secondary" / "tertiary" */
const char *pl_plan_level_name(pl_plan_level_e level);

#endif
