/* SPDX-License-Identifier: Apache-2.0 */
/* The walk of the cmark-gfm tree of a plan. CommonMark headings are not
 * containers: the document is a flat run of blocks, so the walk keeps a
 * stack of the headings above the current block, and each heading is
 * classified when it arrives:
 *   - the document title (the first H1 when it is the only one, or when it
 *     has no number, id or status of its own);
 *   - a container: a phase, milestone, epic, release, quarter, sprint or
 *     group ("Phase 2 -- Accounts", "Q3 2025"), a roadmap bucket ("Now",
 *     "Shipped") or a level ("Primary objectives", "P2", "Must have"):
 *     holds objectives (headings, list items, rows of a status table) and
 *     is never one; a bucket and a level pass their claim and level on;
 *   - informational ("Overview", "Glossary"), outside any objective: skipped
 *     with everything under it;
 *   - a section of the objective above ("Tasks", "Acceptance criteria",
 *     "Depends on", "Notes"), also as a lone label paragraph ("**Tasks:**");
 *   - otherwise an objective, nested under the objective above it.
 * Blocks then go to the innermost heading (pl_plan_blocks.c reads them).
 * Deeply nested blocks beyond MAX_NESTING are not read, so hostile input
 * cannot exhaust the stack. */
#include <pthread.h>
#include <strings.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "plan/pl_plan_walk.h"

void pl_plan_flatten(apr_pool_t *p, cmark_node *node, flat_t *out)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    apr_array_header_t *pieces = apr_array_make(p, 8, sizeof(const char *));
    apr_size_t at = 0, link_start = 0;
    int line = 0, link_piece = 0;

    out->links = apr_array_make(p, 1, sizeof(link_t));
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        const char *lit = NULL;

        if (type == CMARK_NODE_LINK) {
            if (ev == CMARK_EVENT_ENTER) {
                link_start = at;
                link_piece = pieces->nelts;
            }
            else {
                link_t *l = apr_array_push(out->links);
                apr_array_header_t part = *pieces;
                part.elts += link_piece * part.elt_size;
                part.nelts -= link_piece;
                l->url = apr_pstrdup(p, cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
                l->text = at > link_start ? apr_array_pstrcat(p, &part, 0) : "";
                l->line = line;
            }
            continue;
        }
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
            lit = "\n";
            line++;
        }
        else if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)
            lit = cmark_node_get_literal(n);
        if (lit && *lit) {
            APR_ARRAY_PUSH(pieces, const char *) = apr_pstrdup(p, lit);
            at += strlen(lit);
        }
    }
    cmark_iter_free(it);
    out->text = apr_array_pstrcat(p, pieces, 0);
}

const char *pl_plan_flat_text(apr_pool_t *p, cmark_node *node)
{
    flat_t f;

    if (!node)
        return "";
    pl_plan_flatten(p, node, &f);
    return f.text;
}

const char *pl_plan_md_text(apr_pool_t *p, struct cmark_node *node)
{
    return pl_plan_flat_text(p, node);
}

/* cmark-gfm leaves the start of a paragraph at 0 when a table begins
 * inside it ("text\nhead\n|-"); the block then starts after what comes
 * before it, or where its parent starts. */
static int known_line(cmark_node *n)
{
    cmark_node *prev;
    int line;

    for (; n; n = cmark_node_parent(n)) {
        if ((line = cmark_node_get_start_line(n)) >= 1)
            return line;
        prev = cmark_node_previous(n);
        if (prev && (line = cmark_node_get_end_line(prev)) >= 1)
            return line + 1;
    }
    return 1;
}

int pl_plan_line_of(walk_t *w, cmark_node *n)
{
    return known_line(n) + w->line_offset;
}

const char *pl_plan_type_name(cmark_node *n)
{
    return cmark_node_get_type_string(n);
}

pl_plan_draft_t *pl_plan_walk_draft(walk_t *w, int i)
{
    return APR_ARRAY_IDX(w->drafts, i, pl_plan_draft_t *);
}

/* The objective the current blocks belong to, or -1. */
int pl_plan_owner(walk_t *w)
{
    int i;

    for (i = w->depth - 1; i >= 0; i--)
        if (w->stack[i].draft >= 0)
            return w->stack[i].draft;
    return -1;
}

/* The level named by a container between the heading being read and the
 * objective above it: "Secondary objectives" inside "Phase 1". */
static int container_level(walk_t *w)
{
    int i;

    for (i = w->depth - 1; i >= 0 && w->stack[i].draft < 0; i--)
        if (w->stack[i].kind == CTX_CONTAINER && w->stack[i].level)
            return w->stack[i].level;
    return 0;
}

static const char *anchor_of(walk_t *w, const char *heading)
{
    const char *anchor = pl_plan_anchor(w->p, heading);
    int *seen = apr_hash_get(w->anchors, anchor, APR_HASH_KEY_STRING);

    if (!seen) {
        seen = apr_pcalloc(w->p, sizeof(*seen));
        apr_hash_set(w->anchors, anchor, APR_HASH_KEY_STRING, seen);
        return anchor;
    }
    return apr_psprintf(w->p, "%s-%d", anchor, ++*seen);
}

static pl_plan_container_t *container_at(walk_t *w, int i)
{
    return &APR_ARRAY_IDX(w->plan->containers, i, pl_plan_container_t);
}

static int is_phase_kind(const char *kind)
{
    return strcmp(kind, "bucket") && strcmp(kind, "level") && strcmp(kind, "group");
}

/* Where an objective sits: the innermost container, the outermost phase
 * (milestone, release ...) and the innermost bucket above it. Every
 * container above holds one more objective. */
static void place(walk_t *w, pl_plan_draft_t *d)
{
    pl_plan_objective_t *o = d->obj;
    int i;

    o->container_index = -1;
    for (i = w->depth - 1; i >= 0; i--) {
        pl_plan_container_t *c;
        if (w->stack[i].container < 0)
            continue;
        c = container_at(w, w->stack[i].container);
        APR_ARRAY_IDX(w->held, w->stack[i].container, int)++;
        if (o->container_index < 0) {
            o->container_index = w->stack[i].container;
            o->container = c->title;
        }
        if (is_phase_kind(c->kind))
            o->phase = c->title;
        if (!o->bucket && strcmp(c->kind, "bucket") == 0) {
            o->bucket = c->title;
            if (!d->head.status)
                d->head.status = c->status;
        }
    }
    if (!o->phase)
        o->phase = d->head.phase;
}

int pl_plan_new_draft(walk_t *w, const pl_plan_head_t *h, const char *heading,
                     const char *anchor, int line)
{
    pl_plan_draft_t *d = apr_pcalloc(w->p, sizeof(*d));
    pl_plan_objective_t *o = apr_pcalloc(w->p, sizeof(*o));
    int parent = pl_plan_owner(w);

    d->obj = o;
    d->head = *h;
    d->heading = heading;
    d->anchor = anchor;
    d->container_level = container_level(w);
    d->deps = apr_array_make(w->p, 1, sizeof(pl_plan_dep_t));
    d->desc = apr_array_make(w->p, 1, sizeof(const char *));
    d->bullets = apr_array_make(w->p, 1, sizeof(pl_plan_task_t));
    d->bullet_desc = apr_array_make(w->p, 1, sizeof(int));
    d->guesses = apr_array_make(w->p, 1, sizeof(pl_plan_issue_t));
    o->line = line;
    o->parent = parent;
    o->tasks = apr_array_make(w->p, 2, sizeof(pl_plan_task_t));
    o->criteria = apr_array_make(w->p, 1, sizeof(const char *));
    o->depends = apr_array_make(w->p, 1, sizeof(const char *));
    o->labels = h->labels;
    o->claimed_percent = h->percent;
    o->issue_ref = h->issue_ref;
    place(w, d);
    if (parent >= 0)
        pl_plan_walk_draft(w, parent)->children++;
    APR_ARRAY_PUSH(w->drafts, pl_plan_draft_t *) = d;
    return w->drafts->nelts - 1;
}

static void push(walk_t *w, int hlevel, ctx_e kind, int draft, int level, pl_plan_section_e sec)
{
    frame_t *f = &w->stack[w->depth++];

    f->hlevel = hlevel;
    f->kind = kind;
    f->draft = draft;
    f->level = level;
    f->section = sec;
    f->container = -1;
    f->claim = NULL;
}

void pl_plan_guess(walk_t *w, pl_plan_draft_t *d, int line, const char *message)
{
    pl_plan_issue_t *g;

    if (!d) {
        pl_plan_issue(w->p, w->plan, line, PL_PLAN_GUESSED, NULL, "%s", message);
        return;
    }
    g = apr_array_push(d->guesses);
    g->line = line;
    g->code = PL_PLAN_GUESSED;
    g->message = message;
    g->objective_id = NULL;
}

const char *pl_plan_one_line(walk_t *w, const char *text)
{
    char *c = apr_pstrdup(w->p, text), *at;

    for (at = c; *at; at++)
        if (*at == '\n')
            *at = ' ';
    return c;
}

/* Under a container heading, a list is objectives written as items and a
 * status table objectives as rows; but inside an objective ("### Goals"
 * under "## Login") the container is prose about that objective. */
static void container_block(walk_t *w, cmark_node *node)
{
    frame_t fr;

    memset(&fr, 0, sizeof(fr));
    fr.draft = pl_plan_owner(w);
    fr.section = PL_SEC_DESCRIPTION;
    fr.container = -1;
    if (fr.draft >= 0)
        pl_plan_body(w, &fr, node, 0);
    else if (cmark_node_get_type(node) == CMARK_NODE_LIST)
        pl_plan_item_objectives(w, node);
    else if (strcmp(pl_plan_type_name(node), "table") == 0)
        pl_plan_table_objectives(w, node);
}

/* A container heading; inside an objective ("### Goals" under "## Login")
 * it is prose about that objective and no container of the plan (-1), as
 * is a heading with no words ("##"): what it holds sits in no container. */
static int new_container(walk_t *w, const pl_plan_head_t *h, const char *kind, int level,
                         const char *claim, int line)
{
    pl_plan_container_t *c;
    int i;

    const char *title = strcmp(kind, "bucket") && strcmp(kind, "level") ? h->full_title : h->title;

    if (pl_plan_owner(w) >= 0 || !title || !*title)
        return -1;
    c = apr_array_push(w->plan->containers);
    c->title = title;
    c->kind = kind;
    c->line = line;
    c->parent = -1;
    for (i = w->depth - 1; i >= 0 && c->parent < 0; i--)
        c->parent = w->stack[i].container;
    c->status = h->status ? h->status : claim;
    c->claimed_percent = h->percent;
    c->level = level;
    APR_ARRAY_PUSH(w->held, int) = 0;
    return w->plan->containers->nelts - 1;
}

/* A heading whose body is nothing but lists of two levels, every top item
 * with a list of its own and none ticked ("## Building programs" over
 * "- Commands -- done" and its sub-items): a group of objectives written
 * as items, as under a container heading, not one objective with every
 * line a task. A guess, said as an issue by the caller. */
static int holds_item_objectives(cmark_node *heading_node, int hlevel)
{
    cmark_node *n, *item, *child;
    int lists = 0;

    for (n = cmark_node_next(heading_node); n; n = cmark_node_next(n)) {
        cmark_node_type type = cmark_node_get_type(n);
        int items = 0;

        if (type == CMARK_NODE_HEADING)
            return cmark_node_get_heading_level(n) <= hlevel && lists;
        if (type == CMARK_NODE_PARAGRAPH)
            continue;
        if (type != CMARK_NODE_LIST)
            return 0;
        for (item = cmark_node_first_child(n); item; item = cmark_node_next(item), items++) {
            int nested = 0;
            if (strcmp(pl_plan_type_name(item), "tasklist") == 0)
                return 0;
            for (child = cmark_node_first_child(item); child && !nested;
                 child = cmark_node_next(child))
                nested = cmark_node_get_type(child) == CMARK_NODE_LIST;
            if (!nested)
                return 0;
        }
        if (items < 2)
            return 0;
        lists++;
    }
    return lists;
}

/* The row of a status table read with this explicit id, or -1: a later
 * heading "### CL-01 Nested commands" holds its details. */
static int draft_with_id(walk_t *w, const char *id)
{
    int i;

    for (i = 0; id && i < w->drafts->nelts; i++) {
        const pl_plan_draft_t *d = pl_plan_walk_draft(w, i);
        if (d->row && d->head.id && strcasecmp(d->head.id, id) == 0)
            return i;
    }
    return -1;
}

static void heading(walk_t *w, cmark_node *node)
{
    int hlevel = cmark_node_get_heading_level(node), level, top_owner, known;
    int line = pl_plan_line_of(w, node);
    const char *text = pl_plan_flat_text(w->p, node), *anchor = anchor_of(w, text), *bucket;
    frame_t *top;
    pl_plan_head_t h;
    pl_plan_section_e sec;

    while (w->depth > 1 && w->stack[w->depth - 1].hlevel >= hlevel)
        w->depth--;
    top = &w->stack[w->depth - 1];
    top_owner = pl_plan_owner(w);
    pl_plan_head_parse(w->p, text, &h);
    sec = pl_plan_section_word(w->p, h.title);
    bucket = h.id ? NULL : pl_plan_bucket(w->p, h.title);
    if (top_owner < 0 && (known = draft_with_id(w, h.id)) >= 0)
        push(w, hlevel, CTX_OBJECTIVE, known, 0, PL_SEC_NONE);   /* its details section */
    else if (top->kind == CTX_IGNORED)
        push(w, hlevel, CTX_IGNORED, -1, 0, PL_SEC_NONE);
    else if (node == w->first_heading && hlevel == 1
             && (w->h1_count == 1 || (!h.numbered && !h.id && !h.status))) {
        if (!w->plan->title)
            w->plan->title = h.title;
        push(w, hlevel, CTX_TITLE, -1, 0, PL_SEC_NONE);
    }
    else if (top_owner >= 0 && sec) {
        push(w, hlevel, CTX_SECTION, top_owner, 0, sec);
        if (sec == PL_SEC_TASKS && bucket && strcmp(bucket, "todo"))
            w->stack[w->depth - 1].claim = bucket;
    }
    else if (top_owner >= 0 && bucket) {
        /* "### Done" / "### Next" inside an objective: its tasks, claimed */
        push(w, hlevel, CTX_SECTION, top_owner, 0, PL_SEC_TASKS);
        w->stack[w->depth - 1].claim = bucket;
    }
    else if (top_owner >= 0 && pl_plan_informational(w->p, h.title))
        push(w, hlevel, CTX_SECTION, top_owner, 0, PL_SEC_DESCRIPTION);
    else if (top->kind == CTX_SECTION)
        push(w, hlevel, CTX_SECTION, top_owner, 0, top->section);
    else if (h.phase && (!h.id || h.phase == h.id)) {
        level = container_level(w);
        push(w, hlevel, CTX_CONTAINER, -1, level, PL_SEC_NONE);
        w->stack[w->depth - 1].container = new_container(w, &h, h.phase_kind, 0, NULL, line);
    }
    else if (bucket && !h.level) {
        push(w, hlevel, CTX_CONTAINER, -1, container_level(w), PL_SEC_NONE);
        w->stack[w->depth - 1].container = new_container(w, &h, "bucket", 0, bucket, line);
    }
    else if (!h.id && !h.status && pl_plan_container(w->p, h.title, &level)) {
        int named = level;
        push(w, hlevel, CTX_CONTAINER, -1, level ? level : container_level(w), PL_SEC_NONE);
        w->stack[w->depth - 1].container = new_container(w, &h, named ? "level" : "group",
                                                         named, NULL, line);
    }
    else if (top_owner < 0 && sec == PL_SEC_TASKS) {
        /* "## Tasks" with no objective above: a flat to-do list, its items
         * the objectives */
        push(w, hlevel, CTX_CONTAINER, -1, container_level(w), PL_SEC_NONE);
        w->stack[w->depth - 1].container = new_container(w, &h, "group", 0, NULL, line);
    }
    else if (top_owner < 0 && (pl_plan_informational(w->p, h.title) || sec))
        push(w, hlevel, CTX_IGNORED, -1, 0, PL_SEC_NONE);
    else if (top_owner < 0 && !h.id && !h.status && holds_item_objectives(node, hlevel)) {
        push(w, hlevel, CTX_CONTAINER, -1, container_level(w), PL_SEC_NONE);
        w->stack[w->depth - 1].container = new_container(w, &h, "group", 0, NULL, line);
        pl_plan_guess(w, NULL, line, apr_psprintf(w->p, "\"%s\" holds only nested lists; its "
                                                   "items are read as objectives, their "
                                                   "sub-items as tasks", h.title));
    }
    else
        push(w, hlevel, CTX_OBJECTIVE, pl_plan_new_draft(w, &h, text, anchor, line), 0, PL_SEC_NONE);
}

/* A plan that is nothing but lists under its title ("# TODO" and items):
 * when no heading named an objective, the items are the objectives. A
 * guess, since such lists are also introductions. */
static void loose_lists(walk_t *w)
{
    int i;

    if (w->drafts->nelts || !w->loose->nelts)
        return;
    w->depth = 1;       /* they sit under the title, in no container */
    for (i = 0; i < w->loose->nelts; i++)
        pl_plan_item_objectives(w, APR_ARRAY_IDX(w->loose, i, cmark_node *));
    if (w->drafts->nelts)
        pl_plan_guess(w, NULL, pl_plan_line_of(w, APR_ARRAY_IDX(w->loose, 0, cmark_node *)),
              "no heading names an objective; the items of the lists under the title are "
              "read as the objectives");
}

static void empty_containers(walk_t *w)
{
    int i;

    for (i = 0; i < w->plan->containers->nelts; i++) {
        const pl_plan_container_t *c = container_at(w, i);
        if (APR_ARRAY_IDX(w->held, i, int) == 0)
            pl_plan_issue(w->p, w->plan, c->line, PL_PLAN_EMPTY_CONTAINER, NULL,
                          "\"%s\" holds no objective", c->title);
    }
}

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

static void cmark_release(cmark_parser *parser, cmark_node *doc)
{
    if (doc)
        cmark_node_free(doc);
    cmark_parser_free(parser);
}

void pl_plan_md_read(apr_pool_t *p, const char *text, apr_size_t len, int first_line,
                     pl_plan_t *plan, apr_array_header_t *drafts)
{
    /* Only what a plan is read for: the autolink extension of cmark-gfm
     * 0.29.0.gfm.6 can read out of bounds (CVE-2023-22485). */
    static const char *const extensions[] = { "table", "tasklist" };
    cmark_parser *parser;
    cmark_node *doc, *node;
    walk_t w;
    apr_size_t i;

    pthread_once(&registered, register_extensions);
    parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
    for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
        if (ext)
            cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    doc = cmark_parser_finish(parser);

    memset(&w, 0, sizeof(w));
    w.p = p;
    w.plan = plan;
    w.drafts = drafts;
    w.line_offset = first_line - 1;
    w.anchors = apr_hash_make(p);
    w.held = apr_array_make(p, 4, sizeof(int));
    w.loose = apr_array_make(p, 1, sizeof(cmark_node *));
    push(&w, 0, CTX_ROOT, -1, 0, PL_SEC_NONE);
    for (node = doc ? cmark_node_first_child(doc) : NULL; node; node = cmark_node_next(node))
        if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
            if (!w.first_heading)
                w.first_heading = node;
            w.h1_count += cmark_node_get_heading_level(node) == 1;
        }
    for (node = doc ? cmark_node_first_child(doc) : NULL; node; node = cmark_node_next(node)) {
        frame_t *top = &w.stack[w.depth - 1];
        if (cmark_node_get_type(node) == CMARK_NODE_HEADING)
            heading(&w, node);
        else if (top->draft >= 0)
            pl_plan_body(&w, top, node, 0);
        else if (top->kind == CTX_CONTAINER)
            container_block(&w, node);
        else if (top->kind == CTX_ROOT || top->kind == CTX_TITLE) {
            if (strcmp(pl_plan_type_name(node), "table") == 0)
                pl_plan_table_objectives(&w, node);
            else if (cmark_node_get_type(node) == CMARK_NODE_LIST)
                APR_ARRAY_PUSH(w.loose, cmark_node *) = node;
        }
    }
    loose_lists(&w);
    empty_containers(&w);
    cmark_release(parser, doc);
}
