/* SPDX-License-Identifier: Apache-2.0 */
/* Terms for retrieval: the same words must come out of "HTTPServer",
 * "http_server", "http-server" and "HTTP servers" so that a plan's prose
 * meets the code's identifiers. Text (UTF-8) is split at separators, at
 * case changes (camelCase, HTTPServer -> http server) and between letters
 * and digits (sha256 -> sha 256), a word split at a digit or after an
 * acronym being kept whole as well (sha256, httpserver); words are
 * lower-cased with Unicode case
 * mapping (utf8proc), stop words of English and of a few other languages
 * plans are written in are dropped, and what is left is stemmed with the
 * Snowball English stemmer (libstemmer). */
#ifndef PL_TOKENS_H
#define PL_TOKENS_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Longest word kept, in bytes: longer runs are hashes, base64 or data. */
#define PL_TOKENS_MAX_WORD 64

/* A tokenizer holds a Snowball stemmer, which keeps state between calls:
 * one per thread. It caches each word's stem, so the strings it returns are
 * interned (equal terms share one pointer) and live as long as its pool. */
typedef struct pl_tokens_t pl_tokens_t;

/* APR_ENOMEM when the stemmer cannot be created. */
apr_status_t pl_tokens_create(apr_pool_t *p, pl_tokens_t **out);

/* Appends the terms (stems, const char *) of text to terms; when words is
 * not NULL, appends in step the lower-cased word each term came from, for
 * showing a user why something matched. len may be -1 for a NUL-terminated
 * text. Invalid UTF-8 bytes are separators. */
void pl_tokens_terms(pl_tokens_t *t, const char *text, apr_ssize_t len,
                     apr_array_header_t *terms, apr_array_header_t *words);

/* pl_tokens_terms for a plan's words: each word is first looked up in the
 * lexicon of pl_lexicon.h, so that a German, French or Spanish plan meets
 * English code (Datei -> file); words then hold the English words. */
void pl_tokens_query(pl_tokens_t *t, const char *text, apr_array_header_t *terms,
                     apr_array_header_t *words);

/* The stems of the programming synonyms of a stem (pl_lexicon.h; the stem
 * itself not among them), or NULL when it has none. */
const apr_array_header_t *pl_tokens_synonyms(pl_tokens_t *t, const char *stem);

/* Splitting and lower-casing alone, every word kept: what an identifier is
 * made of. Appends const char * allocated in p. */
void pl_tokens_split(apr_pool_t *p, const char *text, apr_ssize_t len,
                     apr_array_header_t *words);

/* Leaves out, from here on, the joined form of split identifiers
 * (joined 0), the lexicon of pl_tokens_query (lexicon 0) or British
 * spellings as American (spelling 0, pl_tokens_spell.h): to measure what
 * each brings. All are on when created. */
void pl_tokens_set(pl_tokens_t *t, int joined, int lexicon, int spelling);

/* True for a lower-case word on one of the stop lists. */
int pl_tokens_is_stop(pl_tokens_t *t, const char *word);

#endif
