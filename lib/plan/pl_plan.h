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

/* What the plan claims about a task: a tick, a status word or mark, a
 * percentage, a bucket. A claim is for display beside the analysis, never
 * evidence that the work exists. */
typedef enum {
    PL_CLAIM_NOT_DONE = -1,     /* [ ], "todo", "WIP", "blocked", 40%, "Next" */
    PL_CLAIM_NONE = 0,          /* the plan says nothing (a plain bullet) */
    PL_CLAIM_DONE = 1           /* [x], "done", "erledigt", ✅, 100%, "Shipped" */
} pl_plan_claim_e;

typedef struct {
    /* plain text, inline Markdown flattened; claim words, marks, an issue
     * reference and a priority label taken out ("- [x] #142 Export -- done"
     * is "Export") */
    const char *text;
    int checked;                /* 1 when claim is PL_CLAIM_DONE (what lib/gap reads) */
    int line;                   /* 1-based line in the original file */
    pl_plan_claim_e claim;
    /* "done", "in_progress", "todo", "blocked" as the plan says it, or NULL
     * (a bare [ ] is "todo", a bare [x] "done") */
    const char *claimed_status;
    int claimed_percent;        /* 0..100 when the plan gives one, else -1 */
    const char *issue_ref;      /* "#142", "GH-142", "owner/repo#142", or NULL */
} pl_plan_task_t;

/* Codes of pl_plan_issue_t.code. */
#define PL_PLAN_DUPLICATE_ID      "duplicate_id"
#define PL_PLAN_UNKNOWN_DEPENDENCY "unknown_dependency"
#define PL_PLAN_DEPENDENCY_CYCLE  "dependency_cycle"
#define PL_PLAN_NO_TASKS          "no_tasks"
#define PL_PLAN_NO_OBJECTIVES     "no_objectives"
/* A phase, milestone, bucket ... heading with no objective under it. */
#define PL_PLAN_EMPTY_CONTAINER   "empty_container"
/* The parser had to guess: plain bullets read as tasks, a status cell it
 * does not know, a box that disagrees with a status word, a list with no
 * heading read as objectives. The message says what it chose. */
#define PL_PLAN_GUESSED           "guessed"

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
    /* The plan's CLAIM, never the analysis's verdict: "done",
     * "in_progress", "todo", "blocked" or NULL when the plan does not say;
     * from a label, a status word at the end of the heading, a checkbox or
     * emoji mark, a percentage (100: done, 0: todo, else in_progress) or,
     * when the objective says nothing itself, its bucket. Written to JSON
     * as claimed_status. */
    const char *status;
    int claimed_percent;        /* 0..100 as the plan writes it ("Sync -- 40%"), else -1 */
    const char *priority;       /* "P1".."P3" / "high" ... as written, NULL when none */
    int line;                   /* source line of the heading, list item or table row */
    int parent;                 /* index in plan->objectives of the enclosing one, -1 at top */
    /* Index in plan->containers of the innermost container holding it, or
     * -1; container is that container's title, phase the title of the
     * outermost phase / milestone / release / quarter / epic around it
     * (or the "Phase 1" of "Phase 1 -- AUTH-01: Sign-in"), NULL when none. */
    int container_index;
    const char *container;
    const char *phase;
    /* The roadmap bucket it sits in as written ("Now", "Shipped"), or NULL. */
    const char *bucket;
    const char *issue_ref;      /* an item objective's "#142", or NULL */
    apr_array_header_t *tasks;      /* pl_plan_task_t */
    apr_array_header_t *criteria;   /* const char *: acceptance criteria */
    /* const char *: ids of the objectives this one needs; one that names
     * no objective stays as written (pl_plan_find: -1) and is an issue. */
    apr_array_header_t *depends;
    /* const char *: priority and level labels as written ("Priority: P1",
     * "P2"); a claim is never a label, it is in status / claimed_percent */
    apr_array_header_t *labels;
} pl_plan_objective_t;

/* A heading that holds objectives and is never an objective itself: a
 * phase, milestone, epic, release, quarter, sprint or group ("Phase 2 --
 * Accounts", "Q3 2025", "Epic: Sharing"), a roadmap bucket ("Now",
 * "Shipped"), or a level ("Secondary objectives", "Must have", "P2"). */
typedef struct {
    const char *title;          /* as written, claims taken out */
    const char *kind;           /* "phase", "milestone", "epic", "release", "quarter",
                                 * "sprint", "group", "bucket", "level" */
    int line;
    int parent;                 /* index in plan->containers of the enclosing one, or -1 */
    const char *status;         /* its claim, as pl_plan_objective_t.status, or NULL */
    int claimed_percent;        /* 0..100, -1 */
    int level;                  /* 1..3 when it names a level, else 0 */
} pl_plan_container_t;

typedef struct {
    const char *title;              /* front matter title:, else the first H1, else NULL */
    apr_array_header_t *objectives; /* pl_plan_objective_t *, in document order */
    apr_array_header_t *containers; /* pl_plan_container_t, in document order */
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

/* The completion the plan claims for the objective, 0..1: its percentage
 * when it gives one; else the share of its tasks claimed done when any
 * task says something (ticks, status words); else its status (done 1,
 * in_progress 0.5, otherwise 0). pl_plan_claims says whether the plan
 * claims anything at all. */
double pl_plan_claimed(const pl_plan_objective_t *o);
int pl_plan_claims(const pl_plan_objective_t *o);

/* {"title":..,"containers":[..],"objectives":[..],"issues":[..]}; the
 * plan's claims are claimed_status / claimed_completion / claimed_percent
 * (objectives) and claimed (tasks: true, false or null), never "status". */
void pl_plan_write(pl_jsonw_t *w, const char *key, const pl_plan_t *plan);
/* The same members into the object open in w. */
void pl_plan_write_members(pl_jsonw_t *w, const pl_plan_t *plan);

/* "primary" / "secondary" / "tertiary" */
const char *pl_plan_level_name(pl_plan_level_e level);

#endif
