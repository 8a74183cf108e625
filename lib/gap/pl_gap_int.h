/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the gap analysis: the index of code chunks that pl_gap_index.c
 * builds, the queries of pl_gap_query.c, the background of
 * pl_gap_calibrate.c, all used by pl_gap.c. */
#ifndef PL_GAP_INT_H
#define PL_GAP_INT_H

#include "gap/pl_bm25.h"
#include "gap/pl_gap.h"
#include "gap/pl_tokens.h"

/* What a BM25 document stands for. */
typedef struct {
    const pl_code_file_t *file;
    int file_index;                     /* in code->files */
    const pl_code_chunk_t *chunk;
} pl_gap_doc_t;

typedef struct {
    pl_tokens_t *tokens;
    pl_bm25_t *code;            /* chunks of code files: the evidence */
    pl_bm25_t *tests;           /* chunks of test files: the tested flag only */
    apr_array_header_t *docs;   /* pl_gap_doc_t, by document number of code */
    apr_array_header_t *test_docs;
    /* Per file of the code: 1 when a test file imports it: such a test
     * exercises whatever the file implements. */
    char *tested_by;
} pl_gap_index_t;

/* Indexes code in p; PL_ECANCELED when progress asks to stop. */
apr_status_t pl_gap_index_build(apr_pool_t *p, const pl_code_t *code, unsigned without,
                                pl_progress_fn *progress, void *baton, pl_gap_index_t **out);

/* The evidence a hit of ix stands for, its strings copied into p
 * (pl_gap_search.c). */
void pl_gap_evidence_from_hit(apr_pool_t *p, const pl_gap_index_t *ix, const pl_bm25_hit_t *h,
                              pl_gap_evidence_t *e);

/* Queries (pl_gap_query.c). */
typedef struct pl_gap_queries_t pl_gap_queries_t;

/* synonyms 0: queries without programming synonyms (to measure them). */
pl_gap_queries_t *pl_gap_queries_create(apr_pool_t *p, pl_tokens_t *tokens, int synonyms);

/* The query (pl_bm25_qterm_t) of texts, n of them, in qp: their words at
 * weight 1 (through the lexicon, prose and stop words out), then the
 * programming synonyms of those at PL_GAP_SYNONYM_WEIGHT. *words is the
 * number of weight-1 terms. Each new word also joins the plan's pool. */
#define PL_GAP_SYNONYM_WEIGHT 0.5
apr_array_header_t *pl_gap_query(pl_gap_queries_t *q, apr_pool_t *qp, const char *const *texts,
                                 int n, int *words);

/* A query of the given pool terms, synonyms added as above. */
apr_array_header_t *pl_gap_query_terms(pl_gap_queries_t *q, apr_pool_t *qp,
                                       const char *const *terms, const char *const *words, int n);

/* The plan's pool of query terms (const char *, first use first) and the
 * words they came from, in step. */
const apr_array_header_t *pl_gap_pool_terms(const pl_gap_queries_t *q);
const apr_array_header_t *pl_gap_pool_words(const pl_gap_queries_t *q);

/* best BM25 / the ideal score of the query's weight-1 terms, capped at 1
 * (0 for an empty query); hits, when not NULL, receives the k best (pl_bm25_hit_t). */
double pl_gap_raw(const pl_bm25_t *ix, apr_pool_t *qp, const apr_array_header_t *query, int k,
                  apr_array_header_t **hits);

/* Calibration (pl_gap_calibrate.c). */
typedef struct pl_gap_background_t pl_gap_background_t;

#define PL_GAP_BACKGROUND_QUERIES 100
#define PL_GAP_SEED 0x5eed2c0de1ULL

pl_gap_background_t *pl_gap_background_create(apr_pool_t *p, const pl_bm25_t *ix,
                                              pl_gap_queries_t *q,
                                              pl_gap_calibration_e how, int calibrate);

/* The calibrated score, 0..1, of a raw score of a query of that many words:
 * where it falls among random queries of the same length. The background
 * of a length is drawn on first use. */
double pl_gap_calibrate(pl_gap_background_t *b, double raw, int words);

/* Random queries scored so far. */
int pl_gap_background_count(const pl_gap_background_t *b);

/* The second opinion (pl_gap_judge.c): asks the model about each task
 * within the band of a threshold, in plan order, until the budget is
 * spent; sets the tasks' answer and answer_line and g's judge_* figures.
 * Files are read under root for the quoted code. */
void pl_gap_judge(apr_pool_t *p, const pl_gap_judge_options_t *o, const char *root,
                  double done_at, double partial_at, pl_gap_t *g);

/* The answer in a model's reply: its first word, markup and punctuation
 * aside ("**Yes.**", "No,"), anything else unclear, no reply failed; *line
 * the line it quotes: the rest of the first line, else the next line that
 * is not empty or a code fence (NULL when none). */
pl_gap_answer_e pl_gap_judge_parse(apr_pool_t *p, const char *reply, const char **line);

#endif
