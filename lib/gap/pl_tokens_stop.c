/* SPDX-License-Identifier: Apache-2.0 */
/* Stop words: the English list of the Snowball project, and short lists of
 * the function words of German, French, Spanish, Italian, Portuguese and
 * Dutch, the other languages plans here are written in. Words that are also
 * common in code ("set", "get", "new", "list") are kept off every list, so
 * removing them never costs a match on an identifier. */
#include <apr_hash.h>

#include "gap/pl_tokens_stop.h"

static const char *const stop_words[] = {
    /* English */
    "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each",
    "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "if", "in", "into", "is",
    "it", "its", "itself", "just", "me", "more", "most", "must", "my", "myself", "no",
    "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours",
    "ourselves", "out", "over", "own", "same", "shall", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    "yourselves", "via", "per", "eg", "ie",
    /* German */
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem",
    "einen", "und", "oder", "ist", "sind", "wird", "werden", "nicht", "mit", "von", "für",
    "auf", "zu", "zum", "zur", "im", "ins", "bei", "nach", "aus", "als", "auch", "wie",
    "sich", "dass", "noch", "nur", "über", "unter", "sowie", "soll", "muss", "kann",
    /* French */
    "le", "la", "les", "de", "du", "un", "une", "et", "est", "sont", "être", "en", "que", "qui",
    "dans", "pour", "par", "sur", "au", "aux", "avec", "ce", "ces", "cette", "il", "elle",
    "ils", "ne", "pas", "plus", "ou", "où", "son", "sa", "ses", "leur", "leurs", "nous",
    "vous", "doit", "peut",
    /* Spanish */
    "el", "los", "las", "del", "una", "unos", "unas", "es", "son", "ser", "por", "para",
    "con", "se", "lo", "al", "como", "su", "sus", "más", "pero", "este", "esta", "estos",
    "estas", "debe", "puede", "y",
    /* Italian */
    "il", "gli", "di", "da", "tra", "fra", "uno", "è", "che", "non", "della", "dei",
    "delle", "alla", "alle", "sono", "essere", "deve", "può", "questo", "questa",
    /* Portuguese */
    "os", "as", "do", "da", "dos", "das", "um", "uma", "é", "em", "no", "na", "nos", "nas",
    "não", "ao", "aos", "com", "deve", "pode",
    /* Dutch */
    "het", "een", "en", "van", "dat", "op", "te", "zijn", "voor", "niet", "aan", "er",
    "ook", "maar", "moet", "wordt", "worden",
    NULL
};

void pl_tokens_stop_fill(apr_hash_t *h, const void *mark)
{
    const char *const *w;

    for (w = stop_words; *w; w++)
        apr_hash_set(h, *w, APR_HASH_KEY_STRING, mark);
}

/* Abbreviations that code uses for words that plans spell out, mapped to
 * the word: "auth" must meet "authentication". Only the unambiguous ones
 * (not "pwd", "val", "res"). */
static const char *const abbreviations[][2] = {
    { "auth", "authentication" }, { "authn", "authentication" },
    { "authz", "authorization" }, { "cfg", "configuration" },
    { "conf", "configuration" }, { "config", "configuration" },
    { "db", "database" }, { "repo", "repository" }, { "repos", "repositories" },
    { "msg", "message" }, { "msgs", "messages" }, { "req", "request" },
    { "resp", "response" }, { "err", "error" }, { "errs", "errors" },
    { "init", "initialize" }, { "env", "environment" }, { "dir", "directory" },
    { "dirs", "directories" }, { "passwd", "password" }, { "num", "number" },
    { "idx", "index" }, { "ctx", "context" }, { "doc", "document" },
    { "docs", "documentation" }, { "stats", "statistics" }, { "admin", "administrator" },
    { "param", "parameter" }, { "params", "parameters" }, { "arg", "argument" },
    { "args", "arguments" }, { "attr", "attribute" }, { "attrs", "attributes" },
    { "btn", "button" }, { "img", "image" }, { "pkg", "package" }, { "lib", "library" },
    { "perm", "permission" }, { "perms", "permissions" }, { "notif", "notification" },
    { "sync", "synchronize" }, { "util", "utility" }, { "utils", "utilities" },
    { "tmpl", "template" }, { "calc", "calculate" }, { "addr", "address" },
    { "cert", "certificate" }, { "certs", "certificates" }, { "mgr", "manager" },
    { "svc", "service" }, { "srv", "server" }, { "usr", "user" },
    { NULL, NULL }
};

void pl_tokens_abbrev_fill(apr_hash_t *h)
{
    int i;

    for (i = 0; abbreviations[i][0]; i++)
        apr_hash_set(h, abbreviations[i][0], APR_HASH_KEY_STRING, abbreviations[i][1]);
}
