/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <libstemmer.h>
#include <utf8proc.h>

#include "gap/pl_lexicon.h"
#include "gap/pl_tokens.h"
#include "gap/pl_tokens_spell.h"
#include "gap/pl_tokens_stop.h"

/* A run of non-separators longer than this is data, not an identifier: a
 * base64 blob would otherwise split at every case change into junk terms. */
#define MAX_RUN (2 * PL_TOKENS_MAX_WORD)

struct pl_tokens_t {
    apr_pool_t *p;
    struct sb_stemmer *stemmer;
    apr_hash_t *stems;      /* word -> its stem, or STOP */
    apr_hash_t *interned;   /* stem -> the one copy of it */
    apr_hash_t *abbrev;     /* abbreviation -> the word it stands for */
    apr_hash_t *lexicon;    /* foreign word -> English words (pl_lexicon) */
    apr_hash_t *synonyms;   /* stem -> apr_array_header_t of the stems of its synonyms */
    int no_joined, no_lexicon, no_spelling;
};

/* A cached word: its stem, NULL for a stop word. */
typedef struct {
    const char *word;
    const char *stem;
} entry_t;

static const entry_t STOP = { NULL, NULL };

/* C_JOIN: the underscore of snake_case, which ends a word but not the
 * identifier, so "data_frame" gives data, frame and dataframe. */
typedef enum { C_SEP, C_UPPER, C_LOWER, C_OTHER, C_DIGIT, C_MARK, C_JOIN } cls_e;

static cls_e classify(utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z')
            return C_LOWER;
        if (cp >= 'A' && cp <= 'Z')
            return C_UPPER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        return cp == '_' ? C_JOIN : C_SEP;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return C_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return C_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_OTHER;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
        return C_MARK;
    default:
        return C_SEP;   /* punctuation, symbols, emoji, spaces */
    }
}

/* Decodes one code point at s (n bytes left); *cp is -1 for a bad byte. */
static apr_size_t next_cp(const char *s, apr_size_t n, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t used;

    if ((unsigned char)*s < 0x80) {
        *cp = (unsigned char)*s;
        return 1;
    }
    used = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, cp);
    if (used <= 0) {
        *cp = -1;
        return 1;
    }
    return (apr_size_t)used;
}

typedef void emit_fn(void *baton, const char *word, apr_size_t len);

/* The word being built from one run, lower-cased. */
typedef struct {
    char buf[MAX_RUN * 2 + 8];  /* lower-casing can lengthen a code point by half */
    apr_size_t len;
    apr_size_t last;            /* offset of the last code point appended */
    int uppers;                 /* upper-case letters in a row at the end */
    cls_e prev;
    /* The words of one identifier (split at underscores, case changes,
     * letter/digit changes: "data_frame", "DataFrame", "argon2id") are
     * also emitted joined, so that "dataframe" in prose meets DataFrame
     * and such a name still matches as the one rare term it is. */
    char joined[MAX_RUN * 2 + 8];
    apr_size_t joined_len;
    int parts;
    int no_joined;
    emit_fn *emit;
    void *baton;
} word_t;

/* Emits the word; inside an identifier (more is true) it also joins the
 * next word, otherwise the joined identifier is emitted and starts over. */
static void flush(word_t *w, int more)
{
    if (w->len && w->len <= PL_TOKENS_MAX_WORD)
        w->emit(w->baton, w->buf, w->len);
    if (w->len) {
        memcpy(w->joined + w->joined_len, w->buf, w->len);
        w->joined_len += w->len;
        w->parts++;
    }
    if (!more) {
        if (w->parts > 1 && w->joined_len <= PL_TOKENS_MAX_WORD && !w->no_joined)
            w->emit(w->baton, w->joined, w->joined_len);
        w->joined_len = 0;
        w->parts = 0;
    }
    w->len = 0;
    w->uppers = 0;
    w->prev = C_SEP;
}

static void append(word_t *w, utf8proc_int32_t cp, cls_e c)
{
    utf8proc_int32_t lower = cp < 0x80 ? (c == C_UPPER ? cp + 32 : cp) : utf8proc_tolower(cp);

    w->last = w->len;
    w->len += (apr_size_t)utf8proc_encode_char(lower, (utf8proc_uint8_t *)w->buf + w->len);
    w->uppers = c == C_UPPER ? w->uppers + 1 : 0;
    w->prev = c;
}

/* Splits one run of non-separators (an identifier) into words.
 * Boundaries: underscores, letter/digit changes, lower -> upper
 * (camelCase), and the last of several capitals before a lower-case letter
 * starts a new word (HTTPServer -> http server). */
static void split_run(word_t *w, const char *s, apr_size_t n)
{
    apr_size_t i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        cls_e c;

        i += next_cp(s + i, n - i, &cp);
        c = classify(cp);
        if (c == C_JOIN) {
            flush(w, 1);
            continue;
        }
        if (c == C_MARK) {          /* a combining accent stays with its letter */
            if (w->len)
                w->len += (apr_size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)w->buf + w->len);
            continue;
        }
        if (w->len) {
            int digit = c == C_DIGIT, was_digit = w->prev == C_DIGIT;
            if (digit != was_digit)
                flush(w, 1);
            else if (c == C_UPPER && (w->prev == C_LOWER || w->prev == C_OTHER))
                flush(w, 1);
            else if (c == C_LOWER && w->prev == C_UPPER && w->uppers >= 2
                     && w->len - w->last <= 32) {
                apr_size_t keep = w->last;
                char tail[32];
                apr_size_t tail_len = w->len - keep;
                memcpy(tail, w->buf + keep, tail_len);
                w->len = keep;
                flush(w, 1);
                memcpy(w->buf, tail, tail_len);
                w->len = tail_len;
                w->last = 0;
                w->uppers = 1;
                w->prev = C_UPPER;
            }
        }
        append(w, cp, c);
    }
    flush(w, 0);
}

static void split(const char *text, apr_size_t n, int no_joined, emit_fn *emit, void *baton)
{
    word_t w;
    apr_size_t i = 0;

    w.no_joined = no_joined;
    w.len = 0;
    w.joined_len = 0;
    w.parts = 0;
    w.uppers = 0;
    w.prev = C_SEP;
    w.emit = emit;
    w.baton = baton;
    while (i < n) {
        apr_size_t start, end, used;
        utf8proc_int32_t cp;

        used = next_cp(text + i, n - i, &cp);
        if (cp < 0 || classify(cp) == C_SEP) {
            i += used;
            continue;
        }
        start = i;
        end = i + used;
        while (end < n) {
            used = next_cp(text + end, n - end, &cp);
            if (cp < 0 || classify(cp) == C_SEP)
                break;
            end += used;
        }
        if (end - start <= MAX_RUN)
            split_run(&w, text + start, end - start);
        i = end;
    }
}

static apr_status_t stemmer_cleanup(void *data)
{
    sb_stemmer_delete(data);
    return APR_SUCCESS;
}

static void fill_synonyms(pl_tokens_t *t);

apr_status_t pl_tokens_create(apr_pool_t *p, pl_tokens_t **out)
{
    pl_tokens_t *t = apr_pcalloc(p, sizeof(*t));

    /* NULL encoding: UTF-8. */
    t->stemmer = sb_stemmer_new("english", NULL);
    if (!t->stemmer)
        return APR_ENOMEM;
    apr_pool_cleanup_register(p, t->stemmer, stemmer_cleanup, apr_pool_cleanup_null);
    t->p = p;
    t->stems = apr_hash_make(p);
    t->interned = apr_hash_make(p);
    pl_tokens_stop_fill(t->stems, &STOP);
    t->abbrev = apr_hash_make(p);
    pl_tokens_abbrev_fill(t->abbrev);
    t->lexicon = apr_hash_make(p);
    pl_lexicon_fill(t->lexicon);
    fill_synonyms(t);
    *out = t;
    return APR_SUCCESS;
}

static int all_digits(const char *s, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* The cache entry of a lower-case word; NULL for a word too short to mean
 * anything (one ASCII character). */
static const entry_t *lookup(pl_tokens_t *t, const char *word, apr_size_t n)
{
    entry_t *e;
    char *copy;

    if (n == 1 && (unsigned char)word[0] < 0x80)
        return NULL;
    if ((e = apr_hash_get(t->stems, word, (apr_ssize_t)n)) != NULL)
        return e;
    copy = apr_pstrmemdup(t->p, word, n);
    e = apr_palloc(t->p, sizeof(*e));
    e->word = copy;
    if (all_digits(word, n))
        e->stem = copy;
    else {
        const char *full = apr_hash_get(t->abbrev, copy, (apr_ssize_t)n);
        const char *spelled = full ? full : copy;
        char us[PL_TOKENS_MAX_WORD + 2];
        apr_size_t m;

        if (!full && !t->no_spelling && n <= PL_TOKENS_MAX_WORD
            && (m = pl_tokens_american(copy, n, us)) > 0)
            spelled = apr_pstrmemdup(t->p, us, m);
        const sb_symbol *s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)spelled,
                                             (int)strlen(spelled));
        int len = sb_stemmer_length(t->stemmer);
        const char *interned;

        if (!s)
            e->stem = spelled; /* out of memory in the stemmer: the word itself still matches */
        else if ((interned = apr_hash_get(t->interned, s, len)) != NULL)
            e->stem = interned;
        else {
            e->stem = apr_pstrmemdup(t->p, (const char *)s, (apr_size_t)len);
            apr_hash_set(t->interned, e->stem, len, e->stem);
        }
    }
    apr_hash_set(t->stems, copy, (apr_ssize_t)n, e);
    return e;
}

typedef struct {
    pl_tokens_t *t;
    apr_array_header_t *terms, *words;
    int translate;      /* a plan's words: through the lexicon first */
} terms_baton_t;

/* At byte i of a UTF-8 word a code point starts. */
#define BOUNDARY(w, i) (((unsigned char)(w)[i] & 0xc0) != 0x80)

/* The English words of a word of the lexicon: as listed, or its plural
 * ("fichiers", "Dateien"), or a German compound of two listed words with or
 * without the linking s ("Benutzerkonto", "Verbindungsfehler"); NULL when
 * none of these is listed. */
static const char *english(pl_tokens_t *t, const char *word, apr_size_t n)
{
    static const char *const plural[] = { "s", "en", "n", "e", NULL };
    const char *en = apr_hash_get(t->lexicon, word, (apr_ssize_t)n);
    apr_size_t i;
    int k;

    if (en)
        return en;
    for (k = 0; plural[k]; k++) {
        apr_size_t m = strlen(plural[k]);
        if (n > m + 3 && !memcmp(word + n - m, plural[k], m)
            && (en = apr_hash_get(t->lexicon, word, (apr_ssize_t)(n - m))))
            return en;
    }
    for (i = 4; n >= 8 && i + 4 <= n; i++) {
        const char *head, *tail;
        if (!BOUNDARY(word, i))
            continue;
        if (!(tail = apr_hash_get(t->lexicon, word + i, (apr_ssize_t)(n - i))))
            continue;
        if ((head = apr_hash_get(t->lexicon, word, (apr_ssize_t)i))
            || (word[i - 1] == 's' && (head = apr_hash_get(t->lexicon, word, (apr_ssize_t)(i - 1)))))
            return apr_pstrcat(t->p, head, " ", tail, NULL);
    }
    return NULL;
}

static void emit_term(void *baton, const char *word, apr_size_t n)
{
    terms_baton_t *b = baton;
    const entry_t *e;
    const char *en;

    if (b->translate && n > 2 && (en = english(b->t, word, n)) != NULL) {
        terms_baton_t sub = *b;
        sub.translate = 0;
        split(en, strlen(en), b->t->no_joined, emit_term, &sub);
        return;
    }
    e = lookup(b->t, word, n);
    if (!e || !e->stem)
        return;
    APR_ARRAY_PUSH(b->terms, const char *) = e->stem;
    if (b->words)
        APR_ARRAY_PUSH(b->words, const char *) = e->word;
}

void pl_tokens_terms(pl_tokens_t *t, const char *text, apr_ssize_t len,
                     apr_array_header_t *terms, apr_array_header_t *words)
{
    terms_baton_t b;

    if (!text)
        return;
    b.t = t;
    b.terms = terms;
    b.words = words;
    b.translate = 0;
    split(text, len < 0 ? strlen(text) : (apr_size_t)len, t->no_joined, emit_term, &b);
}

void pl_tokens_query(pl_tokens_t *t, const char *text, apr_array_header_t *terms,
                     apr_array_header_t *words)
{
    terms_baton_t b;

    if (!text)
        return;
    b.t = t;
    b.terms = terms;
    b.words = words;
    b.translate = !t->no_lexicon;
    split(text, strlen(text), t->no_joined, emit_term, &b);
}

/* Each stem of a synonym group maps to the other stems of its groups. */
static void fill_synonyms(pl_tokens_t *t)
{
    apr_array_header_t *stems = apr_array_make(t->p, 8, sizeof(const char *));
    int g, i, j;

    t->synonyms = apr_hash_make(t->p);
    for (g = 0; pl_lexicon_synonyms[g]; g++) {
        apr_array_clear(stems);
        pl_tokens_terms(t, pl_lexicon_synonyms[g], -1, stems, NULL);
        for (i = 0; i < stems->nelts; i++) {
            const char *s = APR_ARRAY_IDX(stems, i, const char *);
            apr_array_header_t *to = apr_hash_get(t->synonyms, s, APR_HASH_KEY_STRING);
            if (!to) {
                to = apr_array_make(t->p, 4, sizeof(const char *));
                apr_hash_set(t->synonyms, s, APR_HASH_KEY_STRING, to);
            }
            for (j = 0; j < stems->nelts; j++) {
                const char *o = APR_ARRAY_IDX(stems, j, const char *);
                int k, dup = o == s;
                for (k = 0; k < to->nelts && !dup; k++)
                    dup = APR_ARRAY_IDX(to, k, const char *) == o;
                if (!dup)
                    APR_ARRAY_PUSH(to, const char *) = o;
            }
        }
    }
}

const apr_array_header_t *pl_tokens_synonyms(pl_tokens_t *t, const char *stem)
{
    return apr_hash_get(t->synonyms, stem, APR_HASH_KEY_STRING);
}

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *words;
} split_baton_t;

static void emit_word(void *baton, const char *word, apr_size_t n)
{
    split_baton_t *b = baton;

    APR_ARRAY_PUSH(b->words, const char *) = apr_pstrmemdup(b->p, word, n);
}

void pl_tokens_split(apr_pool_t *p, const char *text, apr_ssize_t len,
                     apr_array_header_t *words)
{
    split_baton_t b;

    if (!text)
        return;
    b.p = p;
    b.words = words;
    split(text, len < 0 ? strlen(text) : (apr_size_t)len, 0, emit_word, &b);
}

void pl_tokens_set(pl_tokens_t *t, int joined, int lexicon, int spelling)
{
    t->no_joined = !joined;
    t->no_lexicon = !lexicon;
    t->no_spelling = !spelling;
}

int pl_tokens_is_stop(pl_tokens_t *t, const char *word)
{
    return apr_hash_get(t->stems, word, APR_HASH_KEY_STRING) == &STOP;
}
