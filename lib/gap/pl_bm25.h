/* SPDX-License-Identifier: Apache-2.0 */
/* Okapi BM25 over documents with weighted fields (BM25F: Robertson,
 * Zaragoza and Taylor, "Simple BM25 extension to multiple weighted fields",
 * CIKM 2004). A term's frequency in each field is normalised by that
 * field's length against the field's average length, weighted, and summed
 * before the one saturation:
 *
 *   tf~(t,d) = sum_f w_f * tf(t,d,f) / (1 - b + b * len(d,f) / avglen(f))
 *   score(q,d) = sum_{t in q} qw(t) * idf(t) * tf~ * (k1 + 1) / (tf~ + k1)
 *   idf(t) = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
 *
 * with k1 = 1.2, b = 0.75, N documents, n(t) of them holding t. The idf is
 * Lucene's, never negative, so a term in most documents still counts a
 * little instead of pushing a document down. avglen(f) is taken over the
 * documents that have field f at all: commit messages exist only in commit
 * documents, and averaging them over every symbol would make every commit
 * look ten times too long.
 *
 * A query's ideal score, sum_t qw(t) * idf(t) * (k1 + 1), is what a document
 * holding every term with saturated frequency would score: the best score
 * divided by it compares queries of different lengths. */
#ifndef PL_BM25_H
#define PL_BM25_H

#include <apr_pools.h>
#include <apr_tables.h>

#define PL_BM25_K1 1.2
#define PL_BM25_B  0.75

typedef enum {
    PL_BM25_NAME,       /* the qualified name of the definition a chunk holds */
    PL_BM25_PATH,       /* the words of the file's path */
    PL_BM25_TEXT,       /* the chunk's full text: code, comments, strings */
    PL_BM25_FIELDS
} pl_bm25_field_e;

/* Default weights, in field order: a definition's name says what its code
 * does more surely than any one word of its body; the path says where, as
 * surely as a word of the text. */
#define PL_BM25_WEIGHTS { 2.0, 1.0, 1.0 }

typedef struct pl_bm25_t pl_bm25_t;

/* weights: PL_BM25_FIELDS values, or NULL for PL_BM25_WEIGHTS. */
pl_bm25_t *pl_bm25_create(apr_pool_t *p, const double *weights);

/* Adds a document and returns its number (0, 1, ...). fields[f] holds the
 * terms (const char *) of field f, or is NULL. kind is one bit of the
 * caller's choosing that searches can filter on. Term strings are not
 * copied: they must live as long as the index (pl_tokens' do). */
int pl_bm25_add(pl_bm25_t *ix, unsigned kind,
                const apr_array_header_t *const fields[PL_BM25_FIELDS]);

/* Computes the averages and idf values. Call once, after the last add and
 * before the first search. */
void pl_bm25_finish(pl_bm25_t *ix);

int pl_bm25_count(const pl_bm25_t *ix);
/* A term in no document has the largest idf there is, n(t) = 0: a word of
 * the query that no document uses weighs most in what is missing. */
double pl_bm25_idf(const pl_bm25_t *ix, const char *term);
/* Documents that hold term. */
int pl_bm25_df(const pl_bm25_t *ix, const char *term);

/* A query: unique terms with their weights. */
typedef struct {
    const char *term;
    const char *word;   /* the word of the query it came from, for display */
    double weight;
} pl_bm25_qterm_t;

/* Adds terms (and their words, in step, or NULL) to a query
 * (pl_bm25_qterm_t) with weight; a term already there keeps the larger
 * weight, since saying a word twice does not make it more important. */
void pl_bm25_query_add(apr_array_header_t *query, const apr_array_header_t *terms,
                       const apr_array_header_t *words, double weight);

/* sum_t qw(t) * idf(t) * (k1 + 1) over the query. */
double pl_bm25_ideal(const pl_bm25_t *ix, const apr_array_header_t *query);

typedef struct {
    int doc;
    double score;
    apr_array_header_t *matched;    /* const char *: query words found, best first */
} pl_bm25_hit_t;

/* The k best documents whose kind is in kind_mask, best first (ties by
 * document number), as pl_bm25_hit_t. Documents with no query term are
 * never returned. matched is filled when explain is set. The index keeps
 * one scratch area for searches: one search at a time per index. */
apr_array_header_t *pl_bm25_search(const pl_bm25_t *ix, apr_pool_t *p,
                                   const apr_array_header_t *query,
                                   unsigned kind_mask, int k, int explain);

#endif
