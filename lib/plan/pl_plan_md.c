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
 * Blocks then go to the innermost heading. Deeply nested blocks beyond
 * MAX_NESTING are not read, so hostile input cannot exhaust the stack. */
#include <pthread.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

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

static void flatten(apr_pool_t *p, cmark_node *node, flat_t *out)
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

static const char *flat_text(apr_pool_t *p, cmark_node *node)
{
    flat_t f;

    if (!node)
        return "";
    flatten(p, node, &f);
    return f.text;
}

const char *pl_plan_md_text(apr_pool_t *p, struct cmark_node *node)
{
    return flat_text(p, node);
}

static int line_of(walk_t *w, cmark_node *n)
{
    return cmark_node_get_start_line(n) + w->line_offset;
}

static const char *type_name(cmark_node *n)
{
    return cmark_node_get_type_string(n);
}

static pl_plan_draft_t *draft_at(walk_t *w, int i)
{
    return APR_ARRAY_IDX(w->drafts, i, pl_plan_draft_t *);
}

/* The objective the current blocks belong to, or -1. */
static int owner(walk_t *w)
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

static int new_draft(walk_t *w, const pl_plan_head_t *h, const char *heading,
                     const char *anchor, int line)
{
    pl_plan_draft_t *d = apr_pcalloc(w->p, sizeof(*d));
    pl_plan_objective_t *o = apr_pcalloc(w->p, sizeof(*o));
    int parent = owner(w);

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
        draft_at(w, parent)->children++;
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

static void guess(walk_t *w, pl_plan_draft_t *d, int line, const char *message)
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

static const char *one_line(walk_t *w, const char *text)
{
    char *c = apr_pstrdup(w->p, text), *at;

    for (at = c; *at; at++)
        if (*at == '\n')
            *at = ' ';
    return c;
}

/* A task from an item's text. box is the item's checkbox or leading mark:
 * -1 none, 0 empty, 1 ticked. The claim is the box's, else the text's
 * (a status word, a mark, a percentage, struck through), else the bucket
 * heading's above it (claim). A box and a word that disagree are a
 * guess: the box wins. Returns the task, or NULL for an empty text. */
static pl_plan_task_t *make_task(walk_t *w, pl_plan_draft_t *d, apr_array_header_t *into,
                                 const char *text, int box, int line, const char *claim)
{
    pl_plan_head_t h;
    pl_plan_task_t *t;

    if (!*text)
        return NULL;
    pl_plan_item_parse(w->p, one_line(w, text), &h);
    t = apr_array_push(into);
    memset(t, 0, sizeof(*t));
    t->text = h.title;
    t->line = line;
    t->claimed_percent = h.percent;
    t->issue_ref = h.issue_ref;
    if (box >= 0) {
        const char *said = h.word_status ? h.word_status : h.mark_status;
        t->claim = box ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
        t->claimed_status = box ? "done" : "todo";
        if (said && (strcmp(said, "done") == 0) != box && into == d->obj->tasks)
            guess(w, d, line, apr_psprintf(w->p, "the task \"%s\" has %s box but says %s; "
                                           "read as %s", t->text, box ? "a ticked" : "an empty",
                                           said, box ? "done" : "not done"));
        else if (said)
            t->claimed_status = said;
    }
    else if (h.status) {
        t->claimed_status = h.status;
        t->claim = pl_plan_claim_of(h.status, h.percent);
    }
    else if (claim) {
        t->claimed_status = claim;
        t->claim = pl_plan_claim_of(claim, -1);
    }
    t->checked = t->claim == PL_CLAIM_DONE;
    return t;
}

static void add_task(walk_t *w, pl_plan_draft_t *d, const char *text, int box, int line,
                     const char *claim)
{
    make_task(w, d, d->obj->tasks, text, box, line, claim);
}

static void add_dep(walk_t *w, pl_plan_draft_t *d, const char *text, const char *anchor, int line)
{
    pl_plan_dep_t *dep = apr_array_push(d->deps);

    dep->text = text;
    dep->anchor = anchor;
    /* cmark-gfm's table extension can leave the paragraph it split from a
     * table without a position: the objective's heading is the next best */
    dep->line = line > 0 ? line : d->obj->line;
}

/* "Depends on:" values: internal links by their anchor and every id
 * written in the text; when there is neither, the comma-separated names.
 * Links count on line line_index of f, or on any line when it is negative. */
static void add_deps(walk_t *w, pl_plan_draft_t *d, const char *value, const flat_t *f,
                     int line_index, int line)
{
    static const char *const none[] = { "", "none", "n a", "na", "nothing", "keine", "aucune",
                                        "aucun", "rien", "ninguna", "ninguno", "nada", NULL };
    const char *const *word;
    const char *s, *fv;
    char *copy, *piece, *last;
    int i, found = 0;

    for (i = 0; f && i < f->links->nelts; i++) {
        const link_t *l = &APR_ARRAY_IDX(f->links, i, link_t);
        if ((line_index < 0 || l->line == line_index) && l->url[0] == '#' && l->url[1]) {
            add_dep(w, d, l->text, l->url + 1, line);
            found = 1;
        }
    }
    fv = pl_plan_fold(w->p, value, strlen(value), ' ');
    for (word = none; *word; word++)
        if (strcmp(fv, *word) == 0)
            return;
    for (s = value; *s; s++) {
        apr_size_t n;
        if ((s == value || !(apr_isalnum(s[-1]) || s[-1] == '-' || s[-1] == '_'))
            && (n = pl_plan_id_token(s))) {
            add_dep(w, d, apr_pstrmemdup(w->p, s, n), NULL, line);
            found = 1;
            s += n - 1;
        }
    }
    if (found)
        return;
    copy = apr_pstrdup(w->p, value);
    for (piece = apr_strtok(copy, ",;", &last); piece; piece = apr_strtok(NULL, ",;", &last)) {
        apr_size_t n;
        while (*piece == ' ')
            piece++;
        for (n = strlen(piece); n > 0 && piece[n - 1] == ' '; n--)
            piece[n - 1] = '\0';
        if (*pl_plan_fold(w->p, piece, n, ' '))
            add_dep(w, d, piece, NULL, line);
    }
}

/* A metadata line ("ID: AUTH-001", "Status: done", "Depends on: ..."):
 * applied to the objective. Returns 0 for any other line. */
static int metadata(walk_t *w, pl_plan_draft_t *d, const char *line_text, const flat_t *f,
                    int line_index, int line)
{
    const char *value = NULL;
    pl_plan_key_e key = pl_plan_key(w->p, line_text, &value);

    switch (key) {
    case PL_KEY_ID:
        if (*value && !d->head.id) {
            apr_size_t n = strcspn(value, " \t,;");
            d->head.id = apr_pstrmemdup(w->p, value, n > 64 ? 64 : n);
        }
        return 1;
    case PL_KEY_PROGRESS:
        if (pl_plan_percent(value, strlen(value)) < 0 && !strchr(value, '%'))
            return 0;   /* "Done: the form" is prose */
        /* fall through */
    case PL_KEY_STATUS:
    case PL_KEY_PRIORITY:
    case PL_KEY_LEVEL:
        pl_plan_head_label(w->p, &d->head, key, apr_pstrdup(w->p, line_text), value);
        d->obj->claimed_percent = d->head.percent;
        return 1;
    case PL_KEY_PHASE:
        if (!*value || strlen(value) > 48)
            return 0;
        if (!d->obj->phase)
            d->obj->phase = apr_pstrdup(w->p, value);
        return 1;
    case PL_KEY_DEPENDS:
        add_deps(w, d, value, f, line_index, line);
        return 1;
    case PL_KEY_CRITERIA:
        if (*value)
            APR_ARRAY_PUSH(d->obj->criteria, const char *) = apr_pstrdup(w->p, value);
        return *value != '\0';
    default:
        return 0;
    }
}

static void body(walk_t *w, frame_t *fr, cmark_node *node, int nesting);

/* A plain bullet: a task when its objective ends up with no other. */
static void add_bullet(walk_t *w, pl_plan_draft_t *d, const char *text, int line,
                       const char *claim)
{
    make_task(w, d, d->bullets, text, -1, line, claim);
}

/* One line of a paragraph or an item that is not its first: metadata
 * ("Depends on:" glued under a list is the objective's), or an outline
 * entry ("1.2 Sign-in") that is a task of its own. Returns 0 for prose. */
static int extra_line(walk_t *w, frame_t *fr, pl_plan_draft_t *d, const char *line,
                      const flat_t *f, int line_index, int at)
{
    int depth;
    apr_size_t n;

    if (metadata(w, d, line, f, line_index, at))
        return 1;
    if ((n = pl_plan_outline(line, &depth)) && fr->section == PL_SEC_TASKS) {
        add_task(w, d, line + n, -1, at, fr->claim);
        return 1;
    }
    if (n && fr->section == PL_SEC_NONE) {
        add_bullet(w, d, line + n, at, fr->claim);      /* like a plain bullet */
        return 1;
    }
    return 0;
}

static void paragraph(walk_t *w, frame_t *fr, cmark_node *node)
{
    pl_plan_draft_t *d = draft_at(w, fr->draft);
    apr_array_header_t *desc = apr_array_make(w->p, 2, sizeof(const char *));
    int first = line_of(w, node), i = 0;
    flat_t f;
    char *line, *next;
    pl_plan_section_e sec;

    flatten(w->p, node, &f);
    if (!strchr(f.text, '\n') && (sec = pl_plan_section_word(w->p, f.text))) {
        fr->section = sec;      /* a lone label: "**Acceptance criteria:**" */
        return;
    }
    for (line = f.text; line; line = next, i++) {
        if ((next = strchr(line, '\n')))
            *next++ = '\0';
        if (extra_line(w, fr, d, line, &f, i, first + i))
            continue;
        if (fr->section == PL_SEC_CRITERIA)
            APR_ARRAY_PUSH(d->obj->criteria, const char *) = line;
        else if (fr->section == PL_SEC_DEPENDS)
            add_deps(w, d, line, &f, i, first + i);
        else if (*line)
            APR_ARRAY_PUSH(desc, const char *) = line;
    }
    if (desc->nelts)
        APR_ARRAY_PUSH(d->desc, const char *) = apr_array_pstrcat(w->p, desc, '\n');
}

/* The checkbox or leading status mark of an item: -1 none, 0 empty, 1
 * ticked; *text the item's first paragraph without it. */
static int item_box(walk_t *w, cmark_node *item, const char **text)
{
    apr_size_t n;
    const char *mark;

    *text = flat_text(w->p, cmark_node_first_child(item));
    if (strcmp(type_name(item), "tasklist") == 0)
        return cmark_gfm_extensions_get_tasklist_item_checked(item) != 0;
    while (**text == ' ')
        (*text)++;
    if ((mark = pl_plan_mark(*text, &n))) {
        *text += n;
        while (**text == ' ')
            (*text)++;
        return strcmp(mark, "done") == 0;
    }
    return -1;
}

/* An item's first paragraph, split: its first line and the prose lines
 * that continue it (the item's text), and the lines after the first that
 * are metadata or outline entries (extras, for extra_line once the item
 * itself is read, so the tasks keep the order of the file). */
typedef struct {
    const char *text;
    apr_array_header_t *extras;     /* const char *, NULL for a kept line */
    flat_t f;
    int line;
} item_t;

static void item_split(walk_t *w, cmark_node *item, const char *text, item_t *it)
{
    apr_array_header_t *kept = apr_array_make(w->p, 2, sizeof(const char *));
    char *copy = apr_pstrdup(w->p, text), *line, *next;
    const char *value;
    int i = 0, depth;

    it->f.links = NULL;
    it->line = line_of(w, item);
    it->extras = apr_array_make(w->p, 1, sizeof(const char *));
    if (cmark_node_first_child(item))
        flatten(w->p, cmark_node_first_child(item), &it->f);
    for (line = copy; line; line = next, i++) {
        if ((next = strchr(line, '\n')))
            *next++ = '\0';
        if (i && (pl_plan_key(w->p, line, &value) || pl_plan_outline(line, &depth))) {
            APR_ARRAY_PUSH(it->extras, const char *) = line;
            continue;
        }
        APR_ARRAY_PUSH(it->extras, const char *) = NULL;
        APR_ARRAY_PUSH(kept, const char *) = line;
    }
    it->text = apr_array_pstrcat(w->p, kept, '\n');
}

static void item_extras(walk_t *w, frame_t *fr, pl_plan_draft_t *d, item_t *it)
{
    int i;

    for (i = 0; i < it->extras->nelts; i++) {
        const char *line = APR_ARRAY_IDX(it->extras, i, const char *);
        if (line && !extra_line(w, fr, d, line, it->f.links ? &it->f : NULL, i, it->line + i))
            APR_ARRAY_PUSH(d->desc, const char *) = line;
    }
}

static void list(walk_t *w, frame_t *fr, cmark_node *node, int nesting)
{
    pl_plan_draft_t *d = draft_at(w, fr->draft);
    apr_array_header_t *desc = apr_array_make(w->p, 2, sizeof(const char *));
    cmark_node *item, *child;
    const char *text;
    int box, tasks = fr->section == PL_SEC_TASKS, plain = fr->section == PL_SEC_NONE;

    for (item = cmark_node_first_child(node); item && !tasks; item = cmark_node_next(item))
        tasks = item_box(w, item, &text) >= 0;
    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        int line = line_of(w, item);
        item_t it;
        flat_t f;

        box = item_box(w, item, &text);
        item_split(w, item, text, &it);
        text = it.text;
        f = it.f;
        if (metadata(w, d, text, f.links ? &f : NULL, -1, line))
            ;
        else if (fr->section == PL_SEC_CRITERIA)
            APR_ARRAY_PUSH(d->obj->criteria, const char *) = one_line(w, text);
        else if (fr->section == PL_SEC_DEPENDS)
            add_deps(w, d, text, f.links ? &f : NULL, -1, line);
        else if (tasks)
            add_task(w, d, text, box, line, fr->claim);
        else if (*text) {
            APR_ARRAY_PUSH(desc, const char *) = apr_pstrcat(w->p, "- ", one_line(w, text), NULL);
            if (plain)
                add_bullet(w, d, text, line, fr->claim);
        }
        item_extras(w, fr, d, &it);
        for (child = cmark_node_first_child(item); child; child = cmark_node_next(child))
            if (cmark_node_get_type(child) == CMARK_NODE_LIST && nesting < MAX_NESTING)
                list(w, fr, child, nesting + 1);
    }
    if (desc->nelts) {
        if (plain)
            APR_ARRAY_PUSH(d->bullet_desc, int) = d->desc->nelts;
        APR_ARRAY_PUSH(d->desc, const char *) = apr_array_pstrcat(w->p, desc, '\n');
    }
}

static void unknown_cell(walk_t *w, pl_plan_draft_t *d, const pl_plan_row_t *r)
{
    if (r->unknown)
        guess(w, d, r->line, apr_psprintf(w->p, "the status \"%s\" of \"%s\" is not a status "
                                          "the parser knows; read as no claim", r->unknown,
                                          r->text));
}

/* A task table: a row is a task, its status cell the claim. */
static void table(walk_t *w, frame_t *fr, cmark_node *node)
{
    pl_plan_draft_t *d = draft_at(w, fr->draft);
    apr_array_header_t *rows = pl_plan_table_rows(w->p, node, w->line_offset, 0,
                                                  fr->section == PL_SEC_TASKS);
    int i;

    for (i = 0; rows && i < rows->nelts; i++) {
        const pl_plan_row_t *r = &APR_ARRAY_IDX(rows, i, pl_plan_row_t);
        apr_size_t n;
        const char *mark = pl_plan_mark(r->text, &n), *text = mark ? r->text + n : r->text;
        pl_plan_task_t *t;
        int box = mark ? strcmp(mark, "done") == 0 : -1;

        if (r->status)
            box = -1;
        t = make_task(w, d, d->obj->tasks, text, box, r->line, r->status ? r->status : fr->claim);
        if (!t)
            continue;
        if (r->status) {
            /* the cell decides over anything the text says */
            t->claimed_status = r->status;
            t->claim = pl_plan_claim_of(r->status, -1);
            t->checked = t->claim == PL_CLAIM_DONE;
        }
        if (r->percent >= 0)
            t->claimed_percent = r->percent;
        if (r->id && !t->issue_ref && *r->id)
            t->issue_ref = r->id;
        unknown_cell(w, d, r);
    }
}

static void body(walk_t *w, frame_t *fr, cmark_node *node, int nesting)
{
    cmark_node *child;

    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_PARAGRAPH:
        paragraph(w, fr, node);
        break;
    case CMARK_NODE_LIST:
        list(w, fr, node, nesting);
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        if (nesting < MAX_NESTING)
            for (child = cmark_node_first_child(node); child; child = cmark_node_next(child))
                body(w, fr, child, nesting + 1);
        break;
    default:
        if (strcmp(type_name(node), "table") == 0)
            table(w, fr, node);
        break;
    }
}

/* Objectives written as list items under a container heading:
 * "- [ ] AUTH-001 Login", their sub-items (and "1.1" outline lines) being
 * the tasks. */
static void item_objectives(walk_t *w, cmark_node *node)
{
    cmark_node *item, *child;

    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        const char *text, *first;
        int box = item_box(w, item, &text), draft;
        pl_plan_head_t h;
        frame_t fr;
        item_t it;

        item_split(w, item, text, &it);
        first = one_line(w, it.text);
        pl_plan_head_parse(w->p, first, &h);
        if (box >= 0)
            h.status = box ? "done" : (h.status ? h.status : "todo");
        if (!*h.title)
            continue;
        draft = new_draft(w, &h, first, NULL, line_of(w, item));
        memset(&fr, 0, sizeof(fr));
        fr.draft = draft;
        fr.section = PL_SEC_TASKS;
        fr.container = -1;
        item_extras(w, &fr, draft_at(w, draft), &it);
        for (child = cmark_node_next(cmark_node_first_child(item)); child;
             child = cmark_node_next(child))
            body(w, &fr, child, 1);
    }
}

/* A status table outside any objective: a row is an objective. */
static void table_objectives(walk_t *w, cmark_node *node)
{
    apr_array_header_t *rows = pl_plan_table_rows(w->p, node, w->line_offset, 1, 0);
    int i;

    for (i = 0; rows && i < rows->nelts; i++) {
        const pl_plan_row_t *r = &APR_ARRAY_IDX(rows, i, pl_plan_row_t);
        pl_plan_draft_t *d;
        pl_plan_head_t h;
        int level;

        pl_plan_head_parse(w->p, r->text, &h);
        if (!*h.title)
            continue;
        if (r->id && *r->id && pl_plan_id_token(r->id) == strlen(r->id))
            h.id = r->id;
        else if (r->id && *r->id && !h.issue_ref)
            h.issue_ref = r->id;
        if (r->status)
            h.status = r->status;
        if (r->percent >= 0)
            h.percent = r->percent;
        if (r->priority && (level = pl_plan_priority_level(w->p, r->priority))) {
            h.level = level;
            h.priority = r->priority;
        }
        d = draft_at(w, new_draft(w, &h, r->text, NULL, r->line));
        if (r->phase && *r->phase)
            d->obj->phase = r->phase;
        if (r->depends && *r->depends)
            add_deps(w, d, r->depends, NULL, -1, r->line);
        unknown_cell(w, d, r);
    }
}

/* Under a container heading, a list is objectives written as items and a
 * status table objectives as rows; but inside an objective ("### Goals"
 * under "## Login") the container is prose about that objective. */
static void container_block(walk_t *w, cmark_node *node)
{
    frame_t fr;

    memset(&fr, 0, sizeof(fr));
    fr.draft = owner(w);
    fr.section = PL_SEC_DESCRIPTION;
    fr.container = -1;
    if (fr.draft >= 0)
        body(w, &fr, node, 0);
    else if (cmark_node_get_type(node) == CMARK_NODE_LIST)
        item_objectives(w, node);
    else if (strcmp(type_name(node), "table") == 0)
        table_objectives(w, node);
}

/* A container heading; inside an objective ("### Goals" under "## Login")
 * it is prose about that objective and no container of the plan (-1). */
static int new_container(walk_t *w, const pl_plan_head_t *h, const char *kind, int level,
                         const char *claim, int line)
{
    pl_plan_container_t *c;
    int i;

    if (owner(w) >= 0)
        return -1;
    c = apr_array_push(w->plan->containers);
    c->title = strcmp(kind, "bucket") && strcmp(kind, "level") ? h->full_title : h->title;
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

static void heading(walk_t *w, cmark_node *node)
{
    int hlevel = cmark_node_get_heading_level(node), level, top_owner, line = line_of(w, node);
    const char *text = flat_text(w->p, node), *anchor = anchor_of(w, text), *bucket;
    frame_t *top;
    pl_plan_head_t h;
    pl_plan_section_e sec;

    while (w->depth > 1 && w->stack[w->depth - 1].hlevel >= hlevel)
        w->depth--;
    top = &w->stack[w->depth - 1];
    top_owner = owner(w);
    pl_plan_head_parse(w->p, text, &h);
    sec = pl_plan_section_word(w->p, h.title);
    bucket = h.id ? NULL : pl_plan_bucket(w->p, h.title);
    if (top->kind == CTX_IGNORED)
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
    else
        push(w, hlevel, CTX_OBJECTIVE, new_draft(w, &h, text, anchor, line), 0, PL_SEC_NONE);
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
        item_objectives(w, APR_ARRAY_IDX(w->loose, i, cmark_node *));
    if (w->drafts->nelts)
        guess(w, NULL, line_of(w, APR_ARRAY_IDX(w->loose, 0, cmark_node *)),
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
            body(&w, top, node, 0);
        else if (top->kind == CTX_CONTAINER)
            container_block(&w, node);
        else if (top->kind == CTX_ROOT || top->kind == CTX_TITLE) {
            if (strcmp(type_name(node), "table") == 0)
                table_objectives(&w, node);
            else if (cmark_node_get_type(node) == CMARK_NODE_LIST)
                APR_ARRAY_PUSH(w.loose, cmark_node *) = node;
        }
    }
    loose_lists(&w);
    empty_containers(&w);
    cmark_release(parser, doc);
}
