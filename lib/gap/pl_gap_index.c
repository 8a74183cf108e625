/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence index: one BM25 document per chunk of each code file (and,
 * apart, of each test file), with the chunk's qualified name, the file's
 * path words and the chunk's full text as fields. Each file is read and
 * tokenised once, line by line; a chunk's text field is a view of its
 * lines' terms, so overlapping windows cost no second tokenisation. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "code/pl_code_scan.h"
#include "code/pl_lang.h"
#include "gap/pl_gap_int.h"
#include "core/pl_status.h"

/* path without its extension */
static const char *strip_extension(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');

    return dot && dot != name ? apr_pstrmemdup(p, path, (apr_size_t)(dot - path)) : path;
}

typedef struct {
    pl_gap_index_t *ix;
    apr_array_header_t *name, *path, *terms;
    int *first;     /* per line (1-based): its first term in terms; [nlines + 1]: the end */
    int cap;
    int no_comments;    /* comment lines left out of the text (to measure what they bring) */
} builder_t;

/* Terms of each line of text, first[] marking where each line starts. */
static void tokenize_lines(builder_t *b, const char *text, apr_size_t len, int nlines,
                           const unsigned char *kind, int nkind)
{
    apr_size_t at = 0;
    int line;

    if (nlines + 2 > b->cap) {
        b->cap = nlines + 2;
        free(b->first);
        if (!(b->first = malloc(sizeof(int) * (apr_size_t)b->cap)))
            abort();    /* as APR does when a pool runs out of memory */
    }
    apr_array_clear(b->terms);
    for (line = 1; line <= nlines; line++) {
        const char *eol = at < len ? memchr(text + at, '\n', len - at) : NULL;
        apr_size_t end = eol ? (apr_size_t)(eol - text) : len;
        b->first[line] = b->terms->nelts;
        if (end > at && !(line <= nkind && (kind[line - 1] == PL_LINE_COMMENT
                                            || kind[line - 1] == PL_LINE_DOCSTRING)))
            pl_tokens_terms(b->ix->tokens, text + at, (apr_ssize_t)(end - at), b->terms, NULL);
        at = end + 1;
    }
    b->first[nlines + 1] = b->terms->nelts;
}

static void add_file(builder_t *b, apr_pool_t *scratch, const char *root,
                     const pl_code_file_t *f, int index)
{
    int test = f->role == PL_FILE_TEST, i, nlines;
    pl_bm25_t *bm = test ? b->ix->tests : b->ix->code;
    apr_array_header_t *docs = test ? b->ix->test_docs : b->ix->docs;
    const apr_array_header_t *fields[PL_BM25_FIELDS];
    apr_array_header_t view;
    apr_size_t len;
    char *text;
    pl_code_scan_t scan;

    if (!f->chunks || !f->chunks->nelts)
        return;
    text = pl_code_read_file(scratch, apr_pstrcat(scratch, root, "/", f->path, NULL), 0, &len);
    if (!text)
        return;
    for (nlines = 1, i = 0; (apr_size_t)i < len; i++)
        nlines += text[i] == '\n';
    if (b->no_comments && pl_lang_by_name(f->path)
        && pl_code_scan(&scan, text, len, pl_lang_by_name(f->path)) == APR_SUCCESS) {
        tokenize_lines(b, text, len, nlines, scan.kind, scan.nlines);
        pl_code_scan_free(&scan);
    }
    else
        tokenize_lines(b, text, len, nlines, NULL, 0);
    free(text);
    apr_array_clear(b->path);
    pl_tokens_terms(b->ix->tokens, strip_extension(scratch, f->path), -1, b->path, NULL);
    memset(&view, 0, sizeof(view));
    view.elt_size = sizeof(const char *);
    for (i = 0; i < f->chunks->nelts; i++) {
        const pl_code_chunk_t *c = &APR_ARRAY_IDX(f->chunks, i, pl_code_chunk_t);
        int start = c->start < 1 ? 1 : c->start, end = c->end > nlines ? nlines : c->end;
        pl_gap_doc_t *d;

        if (start > end)
            continue;
        apr_array_clear(b->name);
        pl_tokens_terms(b->ix->tokens, c->name, -1, b->name, NULL);
        view.elts = b->terms->elts + (apr_size_t)b->first[start] * sizeof(const char *);
        view.nelts = view.nalloc = b->first[end + 1] - b->first[start];
        fields[PL_BM25_NAME] = b->name;
        fields[PL_BM25_PATH] = b->path;
        fields[PL_BM25_TEXT] = &view;
        pl_bm25_add(bm, 1, fields);
        d = apr_array_push(docs);
        d->file = f;
        d->file_index = index;
        d->chunk = c;
    }
}

/* tested_by from the import graph: a test file's imports are what it tests. */
static void link_tests(pl_gap_index_t *ix, apr_pool_t *p, const pl_code_t *code, int nfiles)
{
    int i;

    ix->tested_by = apr_pcalloc(p, (apr_size_t)nfiles + 1);
    for (i = 0; code && code->edges && i < code->edges->nelts; i++) {
        const pl_code_edge_t *e = &APR_ARRAY_IDX(code->edges, i, pl_code_edge_t);
        if (e->from < 0 || e->from >= nfiles || e->to < 0 || e->to >= nfiles)
            continue;
        if (APR_ARRAY_IDX(code->files, e->from, const pl_code_file_t *)->role == PL_FILE_TEST)
            ix->tested_by[e->to] = 1;
    }
}

apr_status_t pl_gap_index_build(apr_pool_t *p, const pl_code_t *code, unsigned without,
                                pl_progress_fn *progress, void *baton, pl_gap_index_t **out)
{
    pl_gap_index_t *ix = apr_pcalloc(p, sizeof(*ix));
    int nfiles = code && code->files ? code->files->nelts : 0;
    apr_pool_t *scratch;
    builder_t b;
    apr_status_t rv;
    int i;

    if ((rv = pl_tokens_create(p, &ix->tokens)) != APR_SUCCESS)
        return rv;
    pl_tokens_set(ix->tokens, !(without & PL_GAP_WITHOUT_JOINED),
                  !(without & PL_GAP_WITHOUT_LEXICON), !(without & PL_GAP_WITHOUT_SPELLING));
    ix->code = pl_bm25_create(p, NULL);
    ix->tests = pl_bm25_create(p, NULL);
    ix->docs = apr_array_make(p, nfiles * 8 + 1, sizeof(pl_gap_doc_t));
    ix->test_docs = apr_array_make(p, 16, sizeof(pl_gap_doc_t));
    memset(&b, 0, sizeof(b));
    b.ix = ix;
    b.no_comments = (without & PL_GAP_WITHOUT_COMMENTS) != 0;
    b.name = apr_array_make(p, 8, sizeof(const char *));
    b.path = apr_array_make(p, 8, sizeof(const char *));
    b.terms = apr_array_make(p, 4096, sizeof(const char *));
    apr_pool_create(&scratch, p);

    for (i = 0; i < nfiles; i++) {
        if (progress && i % 256 == 0 && progress(baton, "evidence", i, nfiles)) {
            rv = PL_ECANCELED;
            break;
        }
        add_file(&b, scratch, code->root, APR_ARRAY_IDX(code->files, i, const pl_code_file_t *),
                 i);
        apr_pool_clear(scratch);
    }
    free(b.first);
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS || (progress && progress(baton, "evidence", nfiles, nfiles)))
        return PL_ECANCELED;
    link_tests(ix, p, code, nfiles);
    pl_bm25_finish(ix->code);
    pl_bm25_finish(ix->tests);
    *out = ix;
    return APR_SUCCESS;
}
