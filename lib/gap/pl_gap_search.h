/* SPDX-License-Identifier: Apache-2.0 */
/* A search of a project's code as the analysis sees it: the same chunks,
 * the same BM25 index, the same queries (lexicon, synonyms) as the
 * evidence of a task, for a text a person or a model asks about. */
#ifndef PL_GAP_SEARCH_H
#define PL_GAP_SEARCH_H

#include "code/pl_code.h"
#include "gap/pl_gap.h"

/* The k best chunks of code for text, best first (pl_gap_evidence_t,
 * matched filled), into *hits. PL_EINVAL for text with no searchable word. */
apr_status_t pl_gap_search(apr_pool_t *p, const pl_code_t *code, const char *text, int k,
                           apr_array_header_t **hits);

#endif
