/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence corpus: one document per symbol, one per file, one per
 * commit, each split into the fields BM25 weighs. */
#include <string.h>

#include <apr_strings.h>

#include "gap/pl_gap_int.h"
#include "core/pl_status.h"

/* ctags kinds that say nothing about what the code does: locals and
 * parameters are inside functions already indexed, includes and package
 * clauses repeat the file's neighbours. */
static const char *const skipped_kinds[] = {
    "local", "parameter", "label", "header", "include", "import", "package", NULL
};

static int skipped(const char *kind)
{
    const char *const *k;

    if (!kind)
        return 0;
    for (k = skipped_kinds; *k; k++)
        if (!strcmp(kind, *k))
            return 1;
    return 0;
}

/* Test code outside test files: Rust's #[cfg(test)] mod tests, a Go or
 * Python test function in a file the analysis did not flag. */
static int is_test_symbol(const pl_symbol_t *s)
{
    const char *n = s->name;

    if (!strncmp(n, "test_", 5) || !strncmp(n, "Test", 4) || !strcmp(n, "test"))
        return 1;
    return s->scope && (!strcmp(s->scope, "tests") || !strncmp(s->scope, "tests.", 6)
                        || !strncmp(s->scope, "tests::", 7));
}

/* path without its extension, and where its last component starts. */
static const char *strip_extension(apr_pool_t *p, const char *path, apr_size_t *base)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');

    *base = (apr_size_t)(name - path);
    return dot && dot != name ? apr_pstrmemdup(p, path, (apr_size_t)(dot - path)) : path;
}

typedef struct {
    pl_gap_index_t *ix;
    apr_array_header_t *field[PL_BM25_FIELDS];
    apr_array_header_t *path;   /* the current file's path terms, for each symbol */
} builder_t;

static void clear(builder_t *b)
{
    int f;

    for (f = 0; f < PL_BM25_FIELDS; f++)
        apr_array_clear(b->field[f]);
}

static void put(builder_t *b, pl_bm25_field_e f, const char *text, apr_ssize_t len)
{
    pl_tokens_terms(b->ix->tokens, text, len, b->field[f], NULL);
}

static int add(builder_t *b, pl_gap_kind_e kind, const pl_code_file_t *file, int file_index,
               const pl_symbol_t *sym, const pl_gitlog_commit_t *commit)
{
    pl_gap_doc_t *d = apr_array_push(b->ix->docs);
    const apr_array_header_t *const *fields = (const apr_array_header_t *const *)b->field;
    int doc;

    d->kind = kind;
    d->file = file;
    d->file_index = file_index;
    d->symbol = sym;
    d->commit = commit;
    doc = pl_bm25_add(b->ix->bm25, kind, fields);
    clear(b);
    return doc;
}

/* Returns the document number of the file itself. */
static int add_file(builder_t *b, apr_pool_t *scratch, const pl_code_file_t *file, int index)
{
    apr_size_t base;
    const char *stem = strip_extension(scratch, file->path, &base);
    int i, doc;

    apr_array_clear(b->path);
    pl_tokens_terms(b->ix->tokens, stem, -1, b->path, NULL);
    if (file->is_test) {
        put(b, PL_BM25_TEST, stem + base, -1);
        put(b, PL_BM25_PATH, stem, (apr_ssize_t)base);
    }
    else
        apr_array_cat(b->field[PL_BM25_PATH], b->path);
    put(b, PL_BM25_DOC, file->header_comment, -1);
    doc = add(b, file->is_test ? PL_GAP_TEST : PL_GAP_FILE, file, index, NULL, NULL);

    for (i = 0; file->symbols && i < file->symbols->nelts; i++) {
        const pl_symbol_t *s = &APR_ARRAY_IDX(file->symbols, i, pl_symbol_t);
        int test = file->is_test || is_test_symbol(s);

        if (!s->name || skipped(s->kind))
            continue;
        put(b, test ? PL_BM25_TEST : PL_BM25_NAME, s->name, -1);
        apr_array_cat(b->field[PL_BM25_PATH], b->path);
        put(b, PL_BM25_PATH, s->scope, -1);
        put(b, PL_BM25_DOC, s->doc, -1);
        put(b, PL_BM25_DOC, s->signature, -1);
        add(b, test ? PL_GAP_TEST : PL_GAP_SYMBOL, file, index, s, NULL);
    }
    return doc;
}

/* tested_by from the import graph: a test file's imports are what it tests. */
static void link_tests(pl_gap_index_t *ix, apr_pool_t *p, const pl_code_t *code,
                       const int *file_doc, int nfiles)
{
    int i;

    ix->tested_by = apr_palloc(p, sizeof(int) * (apr_size_t)(nfiles + 1));
    for (i = 0; i < nfiles; i++)
        ix->tested_by[i] = -1;
    for (i = 0; code && code->edges && i < code->edges->nelts; i++) {
        const pl_code_edge_t *e = &APR_ARRAY_IDX(code->edges, i, pl_code_edge_t);
        if (e->from < 0 || e->from >= nfiles || e->to < 0 || e->to >= nfiles)
            continue;
        if (APR_ARRAY_IDX(code->files, e->from, const pl_code_file_t *)->is_test
            && ix->tested_by[e->to] < 0)
            ix->tested_by[e->to] = file_doc[e->from];
    }
}

apr_status_t pl_gap_index_build(apr_pool_t *p, const pl_code_t *code, const pl_gitlog_t *log,
                                pl_progress_fn *progress, void *baton, pl_gap_index_t **out)
{
    pl_gap_index_t *ix = apr_pcalloc(p, sizeof(*ix));
    int nfiles = code && code->files ? code->files->nelts : 0;
    int ncommits = log && log->commits ? log->commits->nelts : 0;
    apr_pool_t *scratch;
    builder_t b;
    apr_status_t rv;
    int *file_doc = apr_palloc(p, sizeof(int) * (apr_size_t)(nfiles + 1));
    int f, i;

    if ((rv = pl_tokens_create(p, &ix->tokens)) != APR_SUCCESS)
        return rv;
    ix->bm25 = pl_bm25_create(p, NULL);
    ix->docs = apr_array_make(p, nfiles * 8 + ncommits + 1, sizeof(pl_gap_doc_t));
    b.ix = ix;
    for (f = 0; f < PL_BM25_FIELDS; f++)
        b.field[f] = apr_array_make(p, 64, sizeof(const char *));
    b.path = apr_array_make(p, 16, sizeof(const char *));
    apr_pool_create(&scratch, p);

    for (i = 0; i < nfiles; i++) {
        if (progress && i % 256 == 0 && progress(baton, "evidence", i, nfiles))
            return PL_ECANCELED;
        file_doc[i] = add_file(&b, scratch, APR_ARRAY_IDX(code->files, i, const pl_code_file_t *),
                               i);
        apr_pool_clear(scratch);
    }
    if (progress && progress(baton, "evidence", nfiles, nfiles))
        return PL_ECANCELED;
    for (i = 0; i < ncommits; i++) {
        const pl_gitlog_commit_t *c = &APR_ARRAY_IDX(log->commits, i, pl_gitlog_commit_t);

        if (progress && i % 256 == 0 && progress(baton, "history", i, ncommits))
            return PL_ECANCELED;
        put(&b, PL_BM25_COMMIT, c->message, -1);
        add(&b, PL_GAP_COMMIT, NULL, -1, NULL, c);
    }
    if (ncommits && progress && progress(baton, "history", ncommits, ncommits))
        return PL_ECANCELED;
    ix->commits = ncommits;
    link_tests(ix, p, code, file_doc, nfiles);
    apr_pool_destroy(scratch);
    pl_bm25_finish(ix->bm25);
    *out = ix;
    return APR_SUCCESS;
}
