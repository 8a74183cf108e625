/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the walk of a plan's cmark-gfm tree: what pl_plan_md.c (the
 * headings: which is a title, a container, a section, an objective) and
 * pl_plan_blocks.c (the blocks under them: paragraphs, lists, tables)
 * share. Not for use outside lib/plan. */
#ifndef PL_PLAN_WALK_H
#define PL_PLAN_WALK_H

#include <cmark-gfm.h>

#include "plan/pl_plan_int.h"

#define MAX_NESTING 32

typedef enum { CTX_ROOT, CTX_TITLE, CTX_CONTAINER, CTX_IGNORED, CTX_OBJECTIVE, CTX_SECTION } ctx_e;

typedef struct {
    int hlevel;                 /* heading level 1..6, 0 for the root */
    ctx_e kind;
    int draft;                  /* objective owning the blocks below, or -1 */
    int level;                  /* a container's level, 0 if it names none */
    pl_plan_section_e section;  /* where the blocks of an objective go */
    int container;              /* index in plan->containers, or -1 */
    const char *claim;          /* a bucket heading's claim for the tasks under it ("### Done") */
} frame_t;

typedef struct {
    apr_pool_t *p;
    pl_plan_t *plan;
    apr_array_header_t *drafts;
    int line_offset;
    frame_t stack[8];
    int depth;
    cmark_node *first_heading;
    int h1_count;
    apr_hash_t *anchors;        /* anchor -> times seen, as GitHub numbers repeats */
    apr_array_header_t *held;   /* int per container: objectives under it */
    apr_array_header_t *loose;  /* cmark_node *: lists under no heading but the title */
} walk_t;

/* Inline content as plain text, one '\n' per soft or hard break, and the
 * links met on the way with the index of the line they sit on. */
typedef struct {
    const char *url, *text;
    int line;
} link_t;

typedef struct {
    char *text;
    apr_array_header_t *links;  /* link_t */
} flat_t;

/* Inline content of node as plain text, one '\n' per break, with the
 * links met on the way. */
void pl_plan_flatten(apr_pool_t *p, cmark_node *node, flat_t *out);
const char *pl_plan_flat_text(apr_pool_t *p, cmark_node *node);
int pl_plan_line_of(walk_t *w, cmark_node *n);
const char *pl_plan_type_name(cmark_node *n);
pl_plan_draft_t *pl_plan_walk_draft(walk_t *w, int i);
/* The objective the current blocks belong to, or -1. */
int pl_plan_owner(walk_t *w);
/* A new objective under the headings on the stack, placed in its
 * containers; its index in the drafts. */
int pl_plan_new_draft(walk_t *w, const pl_plan_head_t *h, const char *heading,
                      const char *anchor, int line);
/* A guess of the parser: an issue of the objective d (or of the plan when
 * d is NULL) once the ids are known. */
void pl_plan_guess(walk_t *w, pl_plan_draft_t *d, int line, const char *message);
/* text with its line breaks as spaces */
const char *pl_plan_one_line(walk_t *w, const char *text);

/* ---- the blocks (pl_plan_blocks.c) ---- */

/* A block under an objective: its paragraphs, lists, quotes and tables
 * go where the frame's section says. */
void pl_plan_body(walk_t *w, frame_t *fr, cmark_node *node, int nesting);
/* Objectives written as the items of a list, their sub-items the tasks. */
void pl_plan_item_objectives(walk_t *w, cmark_node *node);
/* Objectives written as the rows of a status table. */
void pl_plan_table_objectives(walk_t *w, cmark_node *node);

#endif
