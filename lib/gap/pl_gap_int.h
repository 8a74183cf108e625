/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the gap analysis: the evidence corpus that pl_gap_index.c builds
 * and pl_gap.c queries. */
#ifndef PL_GAP_INT_H
#define PL_GAP_INT_H

#include "gap/pl_bm25.h"
#include "gap/pl_gap.h"
#include "gap/pl_tokens.h"

/* What a BM25 document stands for. */
typedef struct {
    pl_gap_kind_e kind;
    const pl_code_file_t *file;         /* NULL for a commit */
    const pl_symbol_t *symbol;          /* NULL for a file or a commit */
    const pl_gitlog_commit_t *commit;   /* NULL unless a commit */
    int file_index;                     /* in code->files, -1 for a commit */
} pl_gap_doc_t;

typedef struct {
    pl_tokens_t *tokens;
    pl_bm25_t *bm25;
    apr_array_header_t *docs;   /* pl_gap_doc_t, by document number */
    int commits;
    /* Per file of the code: the document of a test file that imports it,
     * or -1: such a test exercises whatever the file implements. */
    int *tested_by;
} pl_gap_index_t;

/* Indexes code (and log, which may be NULL) in p; PL_ECANCELED when
 * progress asks to stop. */
apr_status_t pl_gap_index_build(apr_pool_t *p, const pl_code_t *code, const pl_gitlog_t *log,
                                pl_progress_fn *progress, void *baton, pl_gap_index_t **out);

#endif
