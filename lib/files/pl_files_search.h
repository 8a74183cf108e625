/* SPDX-License-Identifier: Apache-2.0 */
/* Search in a project's files for a literal string, over the files the
 * walker (pl_walk) would analyse: its .gitignore rules, no vendored or
 * generated files, no binaries, no symlinks followed. Capped in matches
 * and in time: what was found by then is returned, marked truncated. */
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
    const char *prefix;    /* only files under this directory ("" all) */
    int max_matches;
    apr_time_t deadline;   /* stop when passed (checked per file and during the walk) */
    int ignore_case;       /* ASCII letters only */
} pl_files_search_opts_t;

/* Matches of q (non-empty) into *matches (pl_files_match_t), in path order;
 * *truncated when a cap stopped the search. */
apr_status_t pl_files_search(apr_pool_t *p, const char *root, const char *q,
                             const pl_files_search_opts_t *o, apr_array_header_t **matches,
                             int *truncated, const char **err);

#endif
