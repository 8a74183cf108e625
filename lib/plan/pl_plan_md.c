/* SPDX-License-Identifier: Apache-2.0 */
/* The walk of the cmark-gfm tree of a plan. CommonMark headings are not
 * containers: the document is a flat run of blocks, so the walk keeps a
 * stack of the headings above the current block, and each heading is
 * classified when it arrives:
 *   - the document title (the first H1 when it is the only one, or when it
 *     has no number, id or status of its own);
 *   - a container ("Primary objectives", "P2", "Milestones"): groups
 *     objectives and may give them a level;
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
    o->line = line;
    o->parent = parent;
    o->tasks = apr_array_make(w->p, 2, sizeof(pl_plan_task_t));
    o->criteria = apr_array_make(w->p, 1, sizeof(const char *));
    o->depends = apr_array_make(w->p, 1, sizeof(const char *));
    o->labels = h->labels;
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
}

static void add_task(walk_t *w, pl_plan_draft_t *d, const char *text, int checked, int line)
{
    pl_plan_task_t *t;
    char *c;

    if (!*text)
        return;
    t = apr_array_push(d->obj->tasks);
    t->text = c = apr_pstrdup(w->p, text);
    for (; *c; c++)
        if (*c == '\n')
            *c = ' ';
    t->checked = checked;
    t->line = line;
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
    case PL_KEY_STATUS:
    case PL_KEY_PRIORITY:
    case PL_KEY_LEVEL:
        pl_plan_head_label(w->p, &d->head, key, apr_pstrdup(w->p, line_text), value);
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
        if (metadata(w, d, line, &f, i, first + i))
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

/* A list item begins with a checkbox or a status mark. */
static int is_task_item(walk_t *w, cmark_node *item, const char **text, int *checked)
{
    apr_size_t n;
    const char *mark;

    *text = flat_text(w->p, cmark_node_first_child(item));
    if (strcmp(type_name(item), "tasklist") == 0) {
        *checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
        return 1;
    }
    while (**text == ' ')
        (*text)++;
    if ((mark = pl_plan_mark(*text, &n))) {
        *checked = strcmp(mark, "done") == 0;
        *text += n;
        while (**text == ' ')
            (*text)++;
        return 1;
    }
    *checked = 0;
    return 0;
}

static void list(walk_t *w, frame_t *fr, cmark_node *node, int nesting)
{
    pl_plan_draft_t *d = draft_at(w, fr->draft);
    apr_array_header_t *desc = apr_array_make(w->p, 2, sizeof(const char *));
    cmark_node *item, *child;
    const char *text;
    int checked, tasks = fr->section == PL_SEC_TASKS;

    for (item = cmark_node_first_child(node); item && !tasks; item = cmark_node_next(item))
        tasks = is_task_item(w, item, &text, &checked);
    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        int line = line_of(w, item);
        flat_t f;

        is_task_item(w, item, &text, &checked);
        f.links = NULL;
        if (cmark_node_first_child(item))
            flatten(w->p, cmark_node_first_child(item), &f);
        if (metadata(w, d, text, f.links ? &f : NULL, -1, line))
            ;
        else if (fr->section == PL_SEC_CRITERIA)
            APR_ARRAY_PUSH(d->obj->criteria, const char *) = text;
        else if (fr->section == PL_SEC_DEPENDS)
            add_deps(w, d, text, f.links ? &f : NULL, -1, line);
        else if (tasks)
            add_task(w, d, text, checked, line);
        else if (*text)
            APR_ARRAY_PUSH(desc, const char *) = apr_pstrcat(w->p, "- ", text, NULL);
        for (child = cmark_node_first_child(item); child; child = cmark_node_next(child))
            if (cmark_node_get_type(child) == CMARK_NODE_LIST && nesting < MAX_NESTING)
                list(w, fr, child, nesting + 1);
    }
    if (desc->nelts)
        APR_ARRAY_PUSH(d->desc, const char *) = apr_array_pstrcat(w->p, desc, '\n');
}

/* A table is a task list when a column says whether the row is done
 * (or when it sits under a "Tasks" heading). */
static void table(walk_t *w, frame_t *fr, cmark_node *node)
{
    pl_plan_draft_t *d = draft_at(w, fr->draft);
    cmark_node *row = cmark_node_first_child(node), *cell;
    int col, task_col = -1, status_col = -1;

    if (!row || strcmp(type_name(row), "table_header") != 0)
        return;
    for (cell = cmark_node_first_child(row), col = 0; cell; cell = cmark_node_next(cell), col++) {
        pl_plan_column_e kind = pl_plan_column(w->p, flat_text(w->p, cell));
        if (kind == PL_COL_TASK && task_col < 0)
            task_col = col;
        else if (kind == PL_COL_STATUS && status_col < 0)
            status_col = col;
    }
    if (status_col < 0 && fr->section != PL_SEC_TASKS)
        return;
    if (task_col < 0)
        task_col = status_col == 0 ? 1 : 0;
    for (row = cmark_node_next(row); row; row = cmark_node_next(row)) {
        const char *text = NULL, *status = NULL, *mark;
        int checked = 0;
        apr_size_t n;

        for (cell = cmark_node_first_child(row), col = 0; cell;
             cell = cmark_node_next(cell), col++) {
            if (col == task_col)
                text = flat_text(w->p, cell);
            else if (col == status_col)
                status = flat_text(w->p, cell);
        }
        if (!text)
            continue;
        if ((mark = pl_plan_mark(text, &n))) {
            checked = strcmp(mark, "done") == 0;
            text += n;
        }
        if (status)
            checked = pl_plan_cell_done(w->p, status);
        while (*text == ' ')
            text++;
        add_task(w, d, text, checked, line_of(w, row));
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
 * "- [ ] AUTH-001 Login", their sub-items being the tasks. */
static void item_objectives(walk_t *w, cmark_node *node)
{
    cmark_node *item, *child;

    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        const char *text;
        int checked, task = is_task_item(w, item, &text, &checked), draft;
        pl_plan_head_t h;
        frame_t fr;

        pl_plan_head_parse(w->p, flat_text(w->p, cmark_node_first_child(item)), &h);
        if (task && !h.status)
            h.status = checked ? "done" : "todo";
        if (!*h.title)
            continue;
        draft = new_draft(w, &h, text, NULL, line_of(w, item));
        memset(&fr, 0, sizeof(fr));
        fr.draft = draft;
        fr.section = PL_SEC_TASKS;
        for (child = cmark_node_next(cmark_node_first_child(item)); child;
             child = cmark_node_next(child))
            body(w, &fr, child, 1);
    }
}

/* Under a container heading, a list is objectives written as items; but
 * inside an objective ("### Goals" under "## Login") the container is
 * prose about that objective. */
static void container_block(walk_t *w, cmark_node *node)
{
    frame_t fr;

    memset(&fr, 0, sizeof(fr));
    fr.draft = owner(w);
    fr.section = PL_SEC_DESCRIPTION;
    if (fr.draft >= 0)
        body(w, &fr, node, 0);
    else if (cmark_node_get_type(node) == CMARK_NODE_LIST)
        item_objectives(w, node);
}

static void heading(walk_t *w, cmark_node *node)
{
    int hlevel = cmark_node_get_heading_level(node), level, top_owner;
    const char *text = flat_text(w->p, node), *anchor = anchor_of(w, text);
    frame_t *top;
    pl_plan_head_t h;
    pl_plan_section_e sec;

    while (w->depth > 1 && w->stack[w->depth - 1].hlevel >= hlevel)
        w->depth--;
    top = &w->stack[w->depth - 1];
    top_owner = owner(w);
    pl_plan_head_parse(w->p, text, &h);
    if (top->kind == CTX_IGNORED)
        push(w, hlevel, CTX_IGNORED, -1, 0, PL_SEC_NONE);
    else if (node == w->first_heading && hlevel == 1
             && (w->h1_count == 1 || (!h.numbered && !h.id && !h.status))) {
        if (!w->plan->title)
            w->plan->title = h.title;
        push(w, hlevel, CTX_TITLE, -1, 0, PL_SEC_NONE);
    }
    else if (top_owner >= 0 && (sec = pl_plan_section_word(w->p, h.title)))
        push(w, hlevel, CTX_SECTION, top_owner, 0, sec);
    else if (top_owner >= 0 && pl_plan_informational(w->p, h.title))
        push(w, hlevel, CTX_SECTION, top_owner, 0, PL_SEC_DESCRIPTION);
    else if (top->kind == CTX_SECTION)
        push(w, hlevel, CTX_SECTION, top_owner, 0, top->section);
    else if (!h.id && !h.status && pl_plan_container(w->p, h.title, &level))
        push(w, hlevel, CTX_CONTAINER, -1, level ? level : container_level(w), PL_SEC_NONE);
    else if (top_owner < 0 && (pl_plan_informational(w->p, h.title)
                               || pl_plan_section_word(w->p, h.title)))
        push(w, hlevel, CTX_IGNORED, -1, 0, PL_SEC_NONE);
    else
        push(w, hlevel, CTX_OBJECTIVE, new_draft(w, &h, text, anchor, line_of(w, node)), 0,
             PL_SEC_NONE);
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
    }
    cmark_release(parser, doc);
}
