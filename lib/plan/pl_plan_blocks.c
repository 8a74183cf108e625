/* SPDX-License-Identifier: Apache-2.0 */
/* The blocks under the headings of a plan (pl_plan_md.c walks the
 * headings): paragraphs with their metadata lines ("Depends on:",
 * "Status:", "Progress: 40%"), lists of tasks (checkboxes, status marks and
 * words, plain bullets, "1.2" outline lines), task tables, and the
 * objectives written as list items or status table rows. What a plan
 * claims for a task is read here (make_task). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <cmark-gfm-core-extensions.h>

#include "plan/pl_plan_walk.h"

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
    pl_plan_item_parse(w->p, pl_plan_one_line(w, text), &h);
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
            pl_plan_guess(w, d, line, apr_psprintf(w->p, "the task \"%s\" has %s box but says %s; "
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
    pl_plan_draft_t *d = pl_plan_walk_draft(w, fr->draft);
    apr_array_header_t *desc = apr_array_make(w->p, 2, sizeof(const char *));
    int first = pl_plan_line_of(w, node), i = 0;
    flat_t f;
    char *line, *next;
    pl_plan_section_e sec;

    pl_plan_flatten(w->p, node, &f);
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

    *text = pl_plan_flat_text(w->p, cmark_node_first_child(item));
    if (strcmp(pl_plan_type_name(item), "tasklist") == 0)
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
    it->line = pl_plan_line_of(w, item);
    it->extras = apr_array_make(w->p, 1, sizeof(const char *));
    if (cmark_node_first_child(item))
        pl_plan_flatten(w->p, cmark_node_first_child(item), &it->f);
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
    pl_plan_draft_t *d = pl_plan_walk_draft(w, fr->draft);
    apr_array_header_t *desc = apr_array_make(w->p, 2, sizeof(const char *));
    cmark_node *item, *child;
    const char *text;
    int box, tasks = fr->section == PL_SEC_TASKS, plain = fr->section == PL_SEC_NONE;

    for (item = cmark_node_first_child(node); item && !tasks; item = cmark_node_next(item))
        tasks = item_box(w, item, &text) >= 0;
    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        int line = pl_plan_line_of(w, item);
        item_t it;
        flat_t f;

        box = item_box(w, item, &text);
        item_split(w, item, text, &it);
        text = it.text;
        f = it.f;
        if (metadata(w, d, text, f.links ? &f : NULL, -1, line))
            ;
        else if (fr->section == PL_SEC_CRITERIA)
            APR_ARRAY_PUSH(d->obj->criteria, const char *) = pl_plan_one_line(w, text);
        else if (fr->section == PL_SEC_DEPENDS)
            add_deps(w, d, text, f.links ? &f : NULL, -1, line);
        else if (tasks)
            add_task(w, d, text, box, line, fr->claim);
        else if (*text) {
            APR_ARRAY_PUSH(desc, const char *) = apr_pstrcat(w->p, "- ", pl_plan_one_line(w, text), NULL);
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
        pl_plan_guess(w, d, r->line, apr_psprintf(w->p, "the status \"%s\" of \"%s\" is not a status "
                                          "the parser knows; read as no claim", r->unknown,
                                          r->text));
}

/* A task table: a row is a task, its status cell the claim. */
static void table(walk_t *w, frame_t *fr, cmark_node *node)
{
    pl_plan_draft_t *d = pl_plan_walk_draft(w, fr->draft);
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

void pl_plan_body(walk_t *w, frame_t *fr, cmark_node *node, int nesting)
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
                pl_plan_body(w, fr, child, nesting + 1);
        break;
    default:
        if (strcmp(pl_plan_type_name(node), "table") == 0)
            table(w, fr, node);
        break;
    }
}

/* Objectives written as list items under a container heading:
 * "- [ ] AUTH-001 Login", their sub-items (and "1.1" outline lines) being
 * the tasks. */
void pl_plan_item_objectives(walk_t *w, cmark_node *node)
{
    cmark_node *item, *child;

    for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
        const char *text, *first;
        int box = item_box(w, item, &text), draft;
        pl_plan_head_t h;
        frame_t fr;
        item_t it;

        item_split(w, item, text, &it);
        first = pl_plan_one_line(w, it.text);
        pl_plan_head_parse(w->p, first, &h);
        if (box >= 0)
            h.status = box ? "done" : (h.status ? h.status : "todo");
        if (!*h.title)
            continue;
        draft = pl_plan_new_draft(w, &h, first, NULL, pl_plan_line_of(w, item));
        memset(&fr, 0, sizeof(fr));
        fr.draft = draft;
        fr.section = PL_SEC_TASKS;
        fr.container = -1;
        item_extras(w, &fr, pl_plan_walk_draft(w, draft), &it);
        for (child = cmark_node_next(cmark_node_first_child(item)); child;
             child = cmark_node_next(child))
            pl_plan_body(w, &fr, child, 1);
    }
}

/* A status table outside any objective: a row is an objective. */
void pl_plan_table_objectives(walk_t *w, cmark_node *node)
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
        d = pl_plan_walk_draft(w, pl_plan_new_draft(w, &h, r->text, NULL, r->line));
        d->row = 1;
        if (r->phase && *r->phase)
            d->obj->phase = r->phase;
        if (r->depends && *r->depends)
            add_deps(w, d, r->depends, NULL, -1, r->line);
        unknown_cell(w, d, r);
    }
}
