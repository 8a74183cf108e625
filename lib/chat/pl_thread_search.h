/* SPDX-License-Identifier: Apache-2.0 */
/* Full-text search over a user's threads: their titles and every message
 * body, FTS5 on SQLite and InnoDB FULLTEXT on MySQL/MariaDB (schema 7).
 *
 * What a user types is never handed to either query language: it is read
 * as words (every one must match), "quoted phrases" and word* prefixes, and
 * the MATCH / AGAINST text is written from those alone, each word quoted, so
 * no operator, column filter or stray quote of the user's reaches a parser. */
#ifndef PL_THREAD_SEARCH_H
#define PL_THREAD_SEARCH_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "chat/pl_threads.h"

#define PL_SEARCH_MAX_BYTES 256     /* of the query as typed */
#define PL_SEARCH_MAX_TERMS 16
#define PL_SEARCH_HIT_IDS 20        /* message ids kept per thread */

typedef struct {
    const char *text;       /* one word, or the words of a phrase joined by one space */
    int prefix;             /* word*: any word that starts with text */
    int phrase;
} pl_search_term_t;

typedef struct {
    apr_array_header_t *terms;   /* pl_search_term_t */
    const char *fts5;            /* the MATCH text for SQLite */
    const char *mysql;           /* the AGAINST text (boolean mode); NULL when InnoDB
                                  * would ignore every term (see pl_search_parse) */
} pl_search_query_t;

/* Reads a query. PL_EINVAL with *why when it is empty, longer than
 * PL_SEARCH_MAX_BYTES, holds no word, or more than PL_SEARCH_MAX_TERMS terms.
 * InnoDB leaves words shorter than three characters and its default
 * stopwords out of its index, and a required term it never indexed matches
 * nothing, so the MySQL text leaves such single words out. */
apr_status_t pl_search_parse(apr_pool_t *p, const char *q, pl_search_query_t **out,
                             const char **why);

typedef struct {
    pl_thread_t *thread;
    int title_match;
    apr_array_header_t *message_ids;   /* apr_int64_t, best match first, at most 20 */
    const char *snippet;               /* the best message around its first match, or the title */
} pl_search_hit_t;

/* Every thread of user_id that matches, best first (pl_search_hit_t *). */
apr_status_t pl_threads_search(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                               const pl_search_query_t *q, apr_array_header_t **hits);

/* About 160 characters of text on one line around the first place a term
 * appears (the start when none does), with "…" where text was left out. */
const char *pl_search_snippet(apr_pool_t *p, const char *text, const pl_search_query_t *q);

#endif
