/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the plan parser: the words it recognises (pl_plan_words.c), the
 * reading of one heading or item line (pl_plan_head.c), the walk of the
 * cmark-gfm tree (pl_plan_md.c) and the finishing pass that gives ids and
 * levels and validates (pl_plan.c). Not for use outside pl_plan*.c. */
#ifndef PL_PLAN_INT_H
#define PL_PLAN_INT_H

#include "plan/pl_plan.h"

/* ---- words (pl_plan_words.c) ---- */

/* s folded for comparison (utf8proc): case folded, accents dropped
 * (é -> e, ß -> ss), every run of anything but a letter or a digit
 * replaced by one sep, no sep at either end. Letters of every script are
 * kept, so a heading in any language folds to something non-empty. */
char *pl_plan_fold(apr_pool_t *p, const char *s, apr_size_t len, char sep);

/* The next code point of a NUL-terminated string; an invalid byte reads as
 * U+FFFD of length 1. */
unsigned pl_plan_utf8(const char *s, apr_size_t *len);

/* The anchor GitHub gives a heading with this text: lower case, spaces
 * to '-', punctuation and symbols dropped ("1.1 Database schema" ->
 * "11-database-schema"). */
char *pl_plan_anchor(apr_pool_t *p, const char *s);

typedef enum {
    PL_SEC_NONE = 0,
    PL_SEC_TASKS,
    PL_SEC_CRITERIA,
    PL_SEC_DEPENDS,
    PL_SEC_DESCRIPTION
} pl_plan_section_e;

/* A heading or a lone label ("Tasks", "Critères d'acceptation:") that
 * names a part of the objective above it. */
pl_plan_section_e pl_plan_section_word(apr_pool_t *p, const char *text);
/* A top-level heading that is not an objective: "Overview", "Glossary". */
int pl_plan_informational(apr_pool_t *p, const char *text);
/* A heading that groups objectives: "Primary objectives", "P2", "Nice to
 * have", "Milestones". *level is 1..3 when it names one, else 0. */
int pl_plan_container(apr_pool_t *p, const char *text, int *level);

typedef enum {
    PL_KEY_NONE = 0,
    PL_KEY_ID,
    PL_KEY_STATUS,
    PL_KEY_PRIORITY,
    PL_KEY_LEVEL,
    PL_KEY_DEPENDS,
    PL_KEY_CRITERIA,
    PL_KEY_TASKS,
    PL_KEY_PROGRESS,            /* "Progress: 40%" */
    PL_KEY_PHASE                /* "Milestone: M2", "Phase: 1" */
} pl_plan_key_e;

/* A "Key: value" line such as "Depends on: AUTH-001" or "Statut : fait";
 * *value is the trimmed text after the colon. */
pl_plan_key_e pl_plan_key(apr_pool_t *p, const char *line, const char **value);

/* "done", "in_progress", "todo", "blocked" for a status word or mark
 * ("WIP", "erledigt", "✅", "[x]"), else NULL. */
const char *pl_plan_status_word(apr_pool_t *p, const char *text);
/* 1..3 for a priority or level label ("P1", "Priority: high", "nice to
 * have", "secondary"), else 0. */
int pl_plan_priority_level(apr_pool_t *p, const char *text);
/* A status mark at s (an emoji such as ✅ 🟡 ⚪ ❌ with its variation
 * selector, or a checkbox [x] [ ] [~]): its status, *len its bytes. */
const char *pl_plan_mark(const char *s, apr_size_t *len);
/* Length of an explicit objective id at s ("AUTH-001", "OBJ-7"): upper
 * case letters or digits starting with a letter, '-', digits. 0: none. */
apr_size_t pl_plan_id_token(const char *s);
/* A table cell that says a task is done: "x", "✅", "yes", "done", "100%". */
int pl_plan_cell_done(apr_pool_t *p, const char *cell);

typedef enum {
    PL_COL_OTHER = 0, PL_COL_TASK, PL_COL_STATUS, PL_COL_PERCENT, PL_COL_ID, PL_COL_PRIORITY,
    PL_COL_DEPENDS, PL_COL_PHASE
} pl_plan_column_e;
pl_plan_column_e pl_plan_column(apr_pool_t *p, const char *header);

/* "phase", "milestone", "epic", "release", "quarter", "sprint" or "group"
 * for a folded word that names a container ("fase", "jalon", "ms"), else
 * NULL. */
const char *pl_plan_container_kind(const char *folded);
/* The claim of a roadmap bucket heading ("Now": in_progress, "Shipped":
 * done, "Later": todo, "On hold": blocked), or NULL when text is none. */
const char *pl_plan_bucket(apr_pool_t *p, const char *text);
/* 0..100 for exactly "40%", "40 %", "12.5%" in [s, s+len), else -1. */
int pl_plan_percent(const char *s, apr_size_t len);
/* The status a percentage claims: 100 done, 0 todo, else in_progress;
 * NULL for -1. */
const char *pl_plan_percent_status(int percent);
/* The tri-state claim of a status (or, without one, a percentage). */
pl_plan_claim_e pl_plan_claim_of(const char *status, int percent);

/* ---- one heading or item (pl_plan_head.c) ---- */

typedef struct {
    const char *title;          /* marks, id, numbering, labels, claims removed */
    const char *slug_text;      /* title without a "Phase 2:" prefix: source of a derived id */
    const char *id;             /* explicit id, or NULL */
    const char *status;         /* claimed: from a mark, a label, a status word, or NULL */
    int percent;                /* claimed percentage, -1 when none */
    const char *priority;       /* priority label as written, or NULL */
    int level;                  /* 1..3 from a priority label, else 0 */
    apr_array_header_t *labels; /* const char *, as written */
    int numbered;               /* began with "1.2" or "Phase 3" */
    /* "Phase 1" of "Phase 1 -- Foundation" or of "Phase 1 -- AUTH-01:
     * Sign-in", its kind ("phase", "milestone", "quarter" ...), and the
     * whole title with it (the container's title); NULL when none. */
    const char *phase, *phase_kind, *full_title;
    const char *issue_ref;      /* "#142", "GH-142", "owner/repo#142", or NULL */
    const char *mark_status;    /* the status of a leading checkbox or mark alone, or NULL */
    const char *word_status;    /* the status of a word ("done", "WIP"), or NULL */
    int item;                   /* read as a task: no ids, no phases */
} pl_plan_head_t;

/* A heading or an objective written as an item. */
void pl_plan_head_parse(apr_pool_t *p, const char *text, pl_plan_head_t *h);
/* A task's text: the claims, an issue reference, a priority label and
 * outline numbering come off; ids and phases stay part of the text. */
void pl_plan_item_parse(apr_pool_t *p, const char *text, pl_plan_head_t *h);
/* Length of an outline number at s ("1.2 ", "1.2.3. "; two parts or
 * more), including the space after it, or 0; *depth its parts. */
apr_size_t pl_plan_outline(const char *s, int *depth);
/* Applies a "Status:" / "Priority:" / "Level:" value to h and records it
 * as a label. */
void pl_plan_head_label(apr_pool_t *p, pl_plan_head_t *h, pl_plan_key_e key,
                        const char *line, const char *value);

/* ---- tables (pl_plan_table.c) ---- */

struct cmark_node;

/* A table row as the header names its cells; NULL when absent. */
typedef struct {
    const char *text;           /* the task / objective cell */
    const char *id, *priority, *depends, *phase;
    const char *status;         /* claimed: from the status or the percent cell, or NULL */
    int percent;                /* -1 */
    const char *unknown;        /* a status cell no word of the parser names, or NULL */
    int line;
} pl_plan_row_t;

/* The rows of a table that is a plan's: objectives (a name column and a
 * status, progress or id column) or tasks (a status or progress column,
 * or any table under a "Tasks" heading). NULL for any other table. */
apr_array_header_t *pl_plan_table_rows(apr_pool_t *p, struct cmark_node *table, int line_offset,
                                       int objectives, int tasks_section);
/* Inline content of a node as plain text (the walk's flattening). */
const char *pl_plan_md_text(apr_pool_t *p, struct cmark_node *node);

/* ---- drafts: what the walk found, before ids and levels ---- */

typedef struct {
    const char *text;           /* as written: an id, a title, or a link's text */
    const char *anchor;         /* "#anchor" of a link without '#', or NULL */
    int line;
} pl_plan_dep_t;

typedef struct {
    pl_plan_objective_t *obj;   /* tasks and criteria filled by the walk */
    pl_plan_head_t head;
    const char *heading;        /* flattened heading as written */
    const char *anchor;         /* its GitHub anchor, "-1" etc. added for repeats */
    int container_level;        /* from a "Primary objectives" between it and its parent, or 0 */
    int children;               /* objectives nested directly under it */
    int row;                    /* a row of a status table: a heading with its id holds its details */
    apr_array_header_t *deps;   /* pl_plan_dep_t */
    apr_array_header_t *desc;   /* const char *: paragraphs; NULL: plain bullets taken as tasks */
    /* Plain bullets (no checkbox, not under "Tasks"): the tasks when the
     * objective has no others; bullet_desc the indices in desc of the
     * paragraphs they came from, dropped when they become tasks. */
    apr_array_header_t *bullets;        /* pl_plan_task_t */
    apr_array_header_t *bullet_desc;    /* int */
    /* Guesses about this objective: pl_plan_issue_t without an id yet,
     * code PL_PLAN_GUESSED; they become issues once the ids are known. */
    apr_array_header_t *guesses;
} pl_plan_draft_t;

/* Fills drafts (pl_plan_draft_t *) and plan->title from Markdown text whose
 * first line is line first_line of the file. */
void pl_plan_md_read(apr_pool_t *p, const char *text, apr_size_t len, int first_line,
                     pl_plan_t *plan, apr_array_header_t *drafts);

/* Appends an issue to plan->issues. */
void pl_plan_issue(apr_pool_t *p, pl_plan_t *plan, int line, const char *code,
                   const char *objective_id, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
