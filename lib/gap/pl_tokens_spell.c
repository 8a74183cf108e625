/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "gap/pl_tokens_spell.h"

/* Whole words whose British form follows no rule below. */
static const char *const words[][2] = {
    { "grey", "gray" }, { "greys", "grays" }, { "licence", "license" },
    { "licences", "licenses" }, { "defence", "defense" }, { "offence", "offense" },
    { "programme", "program" }, { "programmes", "programs" }, { "practise", "practice" },
    { "judgement", "judgment" }, { "aluminium", "aluminum" }, { "cheque", "check" },
    { NULL, NULL }
};

/* Endings: British, American, and how many letters must come before the
 * ending for the rule to apply (short words such as "rise", "four",
 * "hour" keep their spelling). First match wins, so longer endings of
 * one family come first. */
static const struct {
    const char *british, *american;
    apr_size_t before;
} endings[] = {
    { "isations", "izations", 3 }, { "isation", "ization", 3 },
    { "ising", "izing", 4 }, { "isers", "izers", 4 }, { "ised", "ized", 4 },
    { "ises", "izes", 4 }, { "iser", "izer", 4 }, { "ise", "ize", 4 },
    { "ysing", "yzing", 3 }, { "ysed", "yzed", 3 }, { "yser", "yzer", 3 }, { "yse", "yze", 3 },
    { "ourites", "orites", 3 }, { "ourite", "orite", 3 }, { "ourable", "orable", 3 },
    { "ouring", "oring", 3 }, { "ourful", "orful", 3 }, { "oured", "ored", 3 },
    { "ours", "ors", 3 }, { "our", "or", 3 },
    { "tres", "ters", 2 }, { "tred", "tered", 2 }, { "tre", "ter", 2 },
    { "elling", "eling", 3 }, { "ellers", "elers", 3 }, { "eller", "eler", 3 },
    { "elled", "eled", 3 },
    { "logues", "logs", 2 }, { "logue", "log", 2 },
    { NULL, NULL, 0 }
};

apr_size_t pl_tokens_american(const char *w, apr_size_t n, char *out)
{
    int i;

    for (i = 0; words[i][0]; i++)
        if (strlen(words[i][0]) == n && memcmp(w, words[i][0], n) == 0) {
            strcpy(out, words[i][1]);
            return strlen(out);
        }
    for (i = 0; endings[i].british; i++) {
        apr_size_t b = strlen(endings[i].british), a = strlen(endings[i].american);
        if (n >= b + endings[i].before && memcmp(w + n - b, endings[i].british, b) == 0
            && n - b + a <= n + 1) {
            memcpy(out, w, n - b);
            memcpy(out + n - b, endings[i].american, a + 1);
            return n - b + a;
        }
    }
    return 0;
}
