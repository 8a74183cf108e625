/* SPDX-License-Identifier: Apache-2.0 */
/* The analysis as JSON. Edges name files by path rather than by index, so
 * that a reader needs no other part of the document to follow them; the
 * root is left out, since replies must not show server paths. */
#include "code/pl_code.h"

static void write_symbol(pl_jsonw_t *w, const pl_symbol_t *s)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "name", s->name);
    pl_jsonw_str(w, "kind", s->kind);
    pl_jsonw_str(w, "scope", s->scope);
    pl_jsonw_str(w, "signature", s->signature);
    pl_jsonw_int(w, "line", s->line);
    pl_jsonw_int(w, "end_line", s->end_line);
    pl_jsonw_int(w, "complexity", s->complexity);
    pl_jsonw_str(w, "doc", s->doc);
    pl_jsonw_end(w);
}

static void write_file(pl_jsonw_t *w, const pl_code_file_t *f, int with_symbols)
{
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", f->path);
    pl_jsonw_str(w, "language", f->language);
    pl_jsonw_bool(w, "is_test", f->is_test);
    pl_jsonw_str(w, "role", pl_lang_role_name(f->role));
    pl_jsonw_int(w, "bytes", f->bytes);
    pl_jsonw_int(w, "lines", f->lines);
    pl_jsonw_int(w, "code_lines", f->code_lines);
    pl_jsonw_int(w, "comment_lines", f->comment_lines);
    pl_jsonw_int(w, "blank_lines", f->blank_lines);
    pl_jsonw_int(w, "complexity", f->complexity);
    pl_jsonw_int(w, "symbol_count", f->symbols ? f->symbols->nelts : 0);
    pl_jsonw_str(w, "header_comment", f->header_comment);
    if (with_symbols) {
        pl_jsonw_array(w, "symbols");
        for (i = 0; f->symbols && i < f->symbols->nelts; i++)
            write_symbol(w, &APR_ARRAY_IDX(f->symbols, i, pl_symbol_t));
        pl_jsonw_end(w);
        pl_jsonw_array(w, "imports");
        for (i = 0; f->imports && i < f->imports->nelts; i++)
            pl_jsonw_str(w, NULL, APR_ARRAY_IDX(f->imports, i, const char *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}

void pl_code_write(pl_jsonw_t *w, const char *key, const pl_code_t *c, int with_symbols)
{
    int i;

    pl_jsonw_object(w, key);
    pl_jsonw_object(w, "totals");
    pl_jsonw_int(w, "files", c->files->nelts);
    pl_jsonw_int(w, "lines", c->lines);
    pl_jsonw_int(w, "code_lines", c->code_lines);
    pl_jsonw_int(w, "comment_lines", c->comment_lines);
    pl_jsonw_int(w, "blank_lines", c->blank_lines);
    pl_jsonw_int(w, "symbols", c->symbols);
    pl_jsonw_int(w, "test_files", c->test_files);
    pl_jsonw_int(w, "complexity", c->complexity);
    pl_jsonw_int(w, "import_edges", c->edges->nelts);
    pl_jsonw_int(w, "symbols_missing", c->symbols_missing);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "skipped");
    pl_jsonw_int(w, "ignored", c->skipped_ignored);
    pl_jsonw_int(w, "vendored", c->skipped_vendored);
    pl_jsonw_int(w, "generated", c->skipped_generated);
    pl_jsonw_int(w, "binary", c->skipped_binary);
    pl_jsonw_int(w, "huge", c->skipped_huge);
    pl_jsonw_int(w, "other", c->skipped_other);
    pl_jsonw_end(w);
    pl_jsonw_array(w, "languages");
    for (i = 0; i < c->languages->nelts; i++) {
        const pl_code_lang_t *l = &APR_ARRAY_IDX(c->languages, i, pl_code_lang_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "language", l->language);
        pl_jsonw_int(w, "files", l->files);
        pl_jsonw_int(w, "lines", l->lines);
        pl_jsonw_int(w, "code_lines", l->code_lines);
        pl_jsonw_int(w, "symbols", l->symbols);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_array(w, "files");
    for (i = 0; i < c->files->nelts; i++)
        write_file(w, APR_ARRAY_IDX(c->files, i, const pl_code_file_t *), with_symbols);
    pl_jsonw_end(w);
    pl_jsonw_array(w, "imports");
    for (i = 0; i < c->edges->nelts; i++) {
        const pl_code_edge_t *e = &APR_ARRAY_IDX(c->edges, i, pl_code_edge_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "from", APR_ARRAY_IDX(c->files, e->from, const pl_code_file_t *)->path);
        pl_jsonw_str(w, "to", APR_ARRAY_IDX(c->files, e->to, const pl_code_file_t *)->path);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}
