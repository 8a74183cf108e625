/* SPDX-License-Identifier: Apache-2.0 */
/* The vocabulary that lets a plan's words meet the code's: a table of
 * programming synonyms (a plan says "remove", the code says delete) and a
 * lexicon that maps the programming vocabulary of German, French and
 * Spanish plans to the English words code is written in (Datei -> file,
 * fichier -> file, archivo -> file). Both are small, hand-made and
 * deliberately about software only: a general dictionary would map plan
 * prose onto common identifiers and make everything match. */
#ifndef PL_LEXICON_H
#define PL_LEXICON_H

#include <apr_hash.h>

/* Maps each foreign word (lower case, UTF-8) to its English words (one or
 * more, space separated) in h. */
void pl_lexicon_fill(apr_hash_t *h);

/* Synonym groups: each string holds words (English, lower case, space
 * separated) that name the same thing in code; NULL ends the list. */
extern const char *const pl_lexicon_synonyms[];

#endif
