/* SPDX-License-Identifier: Apache-2.0 */
/* The word lists of pl_tokens, kept apart from the tokenizer's logic. */
#ifndef PL_TOKENS_STOP_H
#define PL_TOKENS_STOP_H

#include <apr_hash.h>

/* Maps every stop word (lower case, UTF-8) to mark in h. */
void pl_tokens_stop_fill(apr_hash_t *h, const void *mark);

/* Maps code abbreviations ("auth", "cfg", "db") to the words they stand for. */
void pl_tokens_abbrev_fill(apr_hash_t *h);

#endif
