/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "code/pl_code_chunk.h"
#include "code/pl_code_doc.h"
#include "code/pl_ctags.h"

/* Tags that are not definitions a reader would look for: parameters and
 * locals live inside a function's chunk already, imports and package
 * clauses name other files. */
static int cuts(const pl_ctags_tag_t *t)
{
    static const char *const SKIP[] = { "parameter", "local", "label", "header", "include",
                                        "import", "package", "packageName", "macroparam",
                                        "tparam", "using", "alias", "unknown", NULL };
    int i;

    if (t->role || t->line < 1 || !t->kind)
        return 0;
    for (i = 0; SKIP[i]; i++)
        if (!strcmp(t->kind, SKIP[i]))
            return 0;
    return 1;
}

typedef struct {
    const pl_ctags_tag_t *tag;
    int start;      /* first line, with what belongs above it */
} cut_t;

static int by_line(const void *a, const void *b)
{
    const cut_t *x = a, *y = b;

    if (x->tag->line != y->tag->line)
        return x->tag->line < y->tag->line ? -1 : 1;
    return x->tag < y->tag ? -1 : x->tag > y->tag;     /* file order: stable */
}

typedef struct {
    apr_pool_t *p;
    pl_code_file_t *f;
    const pl_code_scan_t *s;
} chunker_t;

static void push(chunker_t *c, int start, int end, const char *name, const char *kind, int sym)
{
    pl_code_chunk_t *k = apr_array_push(c->f->chunks);

    k->start = start;
    k->end = end;
    k->name = name;
    k->kind = kind;
    k->symbol = sym;
}

/* Lines start..end as windows of size lines every step lines (one when
 * they fit), skipping a region of blank lines only. */
static void windows(chunker_t *c, int start, int end, int size, int step, const char *name,
                    const char *kind, int sym)
{
    int at, i, blank = 1;

    for (i = start; i <= end && blank; i++)
        blank = c->s->kind[i - 1] == PL_LINE_BLANK;
    if (blank || start > end)
        return;
    for (at = start;; at += step) {
        int last = at + size - 1 < end ? at + size - 1 : end;
        push(c, at, last, name, kind, sym);
        if (last >= end)
            break;
    }
}

/* The symbol of f defined by the tag, or -1. */
static int symbol_of(const pl_code_file_t *f, const pl_ctags_tag_t *t, int *hint)
{
    int i;

    for (i = *hint; f->symbols && i < f->symbols->nelts; i++) {
        const pl_symbol_t *s = &APR_ARRAY_IDX(f->symbols, i, pl_symbol_t);
        if (s->line > t->line)
            break;
        if (s->line == t->line && s->name == t->name) {
            *hint = i;
            return i;
        }
    }
    return -1;
}

void pl_code_chunks(apr_pool_t *p, pl_code_file_t *f, const pl_code_scan_t *s,
                    const apr_array_header_t *tags)
{
    int ntags = tags ? tags->nelts : 0, n = 0, i, covered = 0, hint = 0;
    cut_t *cut = malloc(sizeof(*cut) * (apr_size_t)(ntags + 1));
    chunker_t c;

    f->chunks = apr_array_make(p, ntags + 4, sizeof(pl_code_chunk_t));
    if (!cut || s->nlines == 0) {
        free(cut);
        return;
    }
    c.p = p;
    c.f = f;
    c.s = s;
    for (i = 0; i < ntags; i++) {
        const pl_ctags_tag_t *t = &APR_ARRAY_IDX(tags, i, pl_ctags_tag_t);
        if (cuts(t) && t->line <= s->nlines)
            cut[n++].tag = t;
    }
    qsort(cut, (apr_size_t)n, sizeof(*cut), by_line);
    /* one cut per line: the first tag on it (a typedef and its struct) */
    for (i = 0, ntags = n, n = 0; i < ntags; i++)
        if (!n || cut[n - 1].tag->line != cut[i].tag->line)
            cut[n++] = cut[i];
    for (i = 0; i < n; i++) {
        int floor = i ? cut[i - 1].tag->line + 1 : 1;
        int start = pl_code_doc_leading_start(s, cut[i].tag->line);
        cut[i].start = start < floor ? floor : start;
    }
    for (i = 0; i < n; i++) {
        const pl_ctags_tag_t *t = cut[i].tag;
        int next = i + 1 < n ? cut[i + 1].start - 1 : s->nlines;
        int end = t->end_line >= t->line && t->end_line < next ? t->end_line : next;
        const char *name = t->scope ? apr_pstrcat(p, t->scope, ".", t->name, NULL) : t->name;
        int sym = symbol_of(f, t, &hint);

        /* what lies between the previous chunk and this one */
        windows(&c, covered + 1, cut[i].start - 1, PL_CHUNK_WINDOW, PL_CHUNK_STEP, NULL, NULL, -1);
        windows(&c, cut[i].start, end, PL_CHUNK_MAX_LINES, PL_CHUNK_MAX_LINES / 2, name, t->kind,
                sym);
        covered = end;
    }
    windows(&c, covered + 1, s->nlines, PL_CHUNK_WINDOW, PL_CHUNK_STEP, NULL, NULL, -1);
    free(cut);
}
