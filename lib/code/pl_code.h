/* SPDX-License-Identifier: Apache-2.0 */
/* Source analysis of a checkout: which files count (.gitignore, vendored,
 * generated, binary and huge files are skipped), their language, symbols
 * (universal-ctags), imports, line metrics, an approximate cyclomatic
 * complexity, and the graph of imports that resolve to files of the tree.
 * Everything is allocated from the pool given to pl_code_analyze. */
#ifndef PL_CODE_H
#define PL_CODE_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_lang.h"
#include "core/pl_jsonw.h"
#include "core/pl_progress.h"

typedef struct {
    const char *name;
    const char *kind;       /* function, class, method, struct, ... (ctags' long kind name) */
    const char *scope;      /* enclosing class/namespace, NULL at top level */
    const char *signature;  /* "(a, b)" as ctags gives it, NULL when none */
    const char *doc;        /* docstring or leading comment, NULL when none */
    int line, end_line;     /* 1-based; end_line 0 when unknown */
    int complexity;         /* functions: 1 + branch points (if, for, while, case, catch,
                             * &&, ||, ?:, elif...) on their lines outside nested functions,
                             * an approximation of McCabe's number; 0 when unknown */
} pl_symbol_t;

/* A stretch of a file that is one retrieval document: a definition (any
 * kind ctags reports, fields and members too) with the comment, attribute
 * and decorator lines right above it, or a window over lines no definition
 * holds. */
typedef struct {
    int start, end;             /* 1-based lines, inclusive */
    const char *name;           /* qualified (scope.name); NULL for a window */
    const char *kind;           /* ctags' kind; NULL for a window */
    int symbol;                 /* index in symbols of the same definition, -1: none */
} pl_code_chunk_t;

typedef struct {
    const char *path;           /* relative to the root, '/' separated */
    const char *language;       /* "Python", "C", "C++", "JavaScript", ... */
    int is_test;
    pl_file_role_e role;
    apr_off_t bytes;
    int lines, code_lines, comment_lines, blank_lines;
    int complexity;             /* sum over functions, 0 when unknown */
    const char *header_comment; /* the file's first comment block, may be NULL */
    apr_array_header_t *symbols; /* pl_symbol_t */
    apr_array_header_t *imports; /* const char *, as written */
    apr_array_header_t *chunks;  /* pl_code_chunk_t by start line; code and test files only */
} pl_code_file_t;

typedef struct { int from, to; } pl_code_edge_t;   /* indexes into files: internal imports */

typedef struct {
    const char *language;
    int files, lines, code_lines, symbols;
} pl_code_lang_t;

typedef struct {
    const char *root;
    apr_array_header_t *files;      /* pl_code_file_t *, sorted by path */
    apr_array_header_t *edges;      /* pl_code_edge_t */
    apr_array_header_t *languages;  /* pl_code_lang_t, most code lines first */
    int lines, code_lines, symbols, test_files;
    int skipped_ignored, skipped_vendored, skipped_binary, skipped_huge;
    int skipped_generated;
    int skipped_other;          /* no known language, unreadable */
    int comment_lines, blank_lines;
    int complexity;             /* sum over files */
    int symbols_missing;        /* files whose ctags process died before reaching them */
} pl_code_t;

typedef struct {
    apr_off_t max_file_bytes;   /* 0: 1 MiB */
    pl_progress_fn *progress;   /* may be NULL */
    void *baton;
    int jobs;                   /* parallel ctags processes and threads; 0: 2 */
    const char *ctags;          /* NULL: "ctags" on PATH */
} pl_code_options_t;

/* o may be NULL for the defaults. On failure *err says why in words fit for
 * a user (no absolute path beyond root itself); PL_ECANCELED when progress
 * asked to stop. A file that cannot be read is skipped, not an error. */
apr_status_t pl_code_analyze(apr_pool_t *p, const char *root,
                             const pl_code_options_t *o, pl_code_t **out,
                             const char **err);

/* The whole file at path, malloc'd (free it), NUL-terminated, *len its
 * length; NULL when it cannot be read or is over max bytes (0: no limit). */
char *pl_code_read_file(apr_pool_t *scratch, const char *path, apr_off_t max, apr_size_t *len);

/* Writes the analysis as one JSON object (totals, skipped, languages,
 * files, and the import edges by path) under key, NULL outside an object;
 * with_symbols adds each file's symbols and imports. */
void pl_code_write(pl_jsonw_t *w, const char *key, const pl_code_t *c, int with_symbols);

#endif
