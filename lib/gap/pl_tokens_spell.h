/* SPDX-License-Identifier: Apache-2.0 */
/* British spellings as American ones, before stemming: plans are often
 * written in British English ("colour", "centre", "initialise",
 * "cancelled", "catalogue") and code mostly in American ("color",
 * "center", "initialize", "canceled", "catalog"), and the stemmer keeps
 * them apart. Applied to the words of the code and of the plan alike, so
 * a rule that also rewrites a word with no British form ("promise" ->
 * "promize") changes nothing that matches. */
#ifndef PL_TOKENS_SPELL_H
#define PL_TOKENS_SPELL_H

#include <apr.h>

/* The American spelling of the lower-case ASCII word w (n bytes) into out
 * (room for n + 1 bytes and a NUL); its length, or 0 when w is spelled
 * the same in both. */
apr_size_t pl_tokens_american(const char *w, apr_size_t n, char *out);

#endif
