/* SPDX-License-Identifier: Apache-2.0 */
/* Search in a project's files for a literal string, with the walker's
 * rules (pl_walk): .gitignore and .git/info/exclude honoured, .git/,
 * vendored directories (node_modules, vendor, ...) and generated files
 * (minified, lock files) left out, no symlink followed (pl_files_walk), and
 * only text files (UTF-8, no NUL) up to 2 MiB read. Capped in matches and
 * in time: what was found by then is returned, marked truncated. */
#ifndef PL_FILES_SEARCH_H
#define PL_FILES_SEARCH_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef struct {
    const char *path;      /* relative to the root */
    int line;              /* 1-based */
    int column;            /* 1-based, in bytes */
    const char *text;      /* the line, cut to PL_FILES_SEARCH_LINE bytes (whole characters) */
} pl_files_match_t;

#define PL_FILES_SEARCH_LINE      300
#define PL_FILES_SEARCH_FILE_MAX  (2 * 1024 * 1024)   /* bytes of one file searched */

typedef struct {
    int max_matches;
    apr_time_t deadline;   /* stop when passed (checked per file and during the walk) */
    int ignore_case;       /* ASCII letters only */
} pl_files_search_opts_t;

/* Matches of q (non-empty) in abs, the directory rel ("" the root) below
 * root, into *matches (pl_files_match_t), by path and line; *truncated
 * when a cap stopped the search. APR_ENOENT when abs cannot be opened. */
apr_status_t pl_files_search(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                             const char *q, const pl_files_search_opts_t *o,
                             apr_array_header_t **matches, int *truncated);

#endif
