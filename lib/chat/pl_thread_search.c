/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_thread_search.h"

#define SNIPPET_BEFORE 60     /* characters before the match */
#define SNIPPET_CHARS 160

/* Every match as (thread, message or NULL for the title, score), ranked
 * within its thread; then, per thread, its best PL_SEARCH_HIT_IDS messages,
 * the thread's columns and the best message's text on the first row only,
 * threads by their best score (higher is better; among equal ones the newer
 * thread and message). Only narrow rows are sorted: MySQL takes a UNION or
 * a sort that carries text columns to an on-disk temporary table. */
#define TEXT_OF(n) #n
#define TEXT(n) TEXT_OF(n)
#define SEARCH_OUTER(matches) \
    "SELECT r.tid, r.mid, m.content, r.title_match, " PL_THREAD_COLUMNS("t.") " FROM ("        \
    " SELECT u.tid, u.mid, MAX(u.score) OVER (PARTITION BY u.tid) AS best,"                    \
    " MAX(u.mid IS NULL) OVER (PARTITION BY u.tid) AS title_match,"                             \
    " ROW_NUMBER() OVER (PARTITION BY u.tid ORDER BY u.mid IS NULL, u.score DESC, u.mid DESC)" \
    " AS rn FROM (" matches ") u) r"                                                            \
    " LEFT JOIN threads t ON t.id = r.tid AND r.rn = 1"                                        \
    " LEFT JOIN messages m ON m.id = r.mid AND r.rn = 1"                                       \
    " WHERE r.rn <= " TEXT(PL_SEARCH_HIT_IDS) " ORDER BY r.best DESC, r.tid DESC, r.rn"
static const pl_sql_t SQL_SEARCH = {
    "pl.threads.search",
    SEARCH_OUTER("SELECT m.thread_id AS tid, m.id AS mid, -bm25(messages_fts) AS score"
                 " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                 " JOIN threads t ON t.id = m.thread_id"
                 " WHERE messages_fts MATCH %s AND t.user_id = %s"
                 " UNION ALL SELECT t.id, NULL, -bm25(threads_fts)"
                 " FROM threads_fts JOIN threads t ON t.id = threads_fts.rowid"
                 " WHERE threads_fts MATCH %s AND t.user_id = %s"),
    SEARCH_OUTER("SELECT m.thread_id AS tid, m.id AS mid,"
                 " MATCH (m.content) AGAINST (%s IN BOOLEAN MODE) AS score"
                 " FROM messages m JOIN threads t ON t.id = m.thread_id"
                 " WHERE MATCH (m.content) AGAINST (%s IN BOOLEAN MODE) AND t.user_id = %s"
                 " UNION ALL SELECT t.id, NULL, MATCH (t.title) AGAINST (%s IN BOOLEAN MODE)"
                 " FROM threads t"
                 " WHERE MATCH (t.title) AGAINST (%s IN BOOLEAN MODE) AND t.user_id = %s")
};

/* InnoDB's default stopwords (information_schema.INNODB_FT_DEFAULT_STOPWORD). */
static const char *const INNODB_STOPWORDS[] = {
    "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how",
    "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what",
    "when", "where", "who", "will", "with", "und", "www", NULL
};

/* A word is letters, digits, '_' and any non-ASCII character: the two
 * tokenizers split those further where they differ, inside our quotes. */
static int word_byte(unsigned char c)
{
    return c >= 0x80 || apr_isalnum(c) || c == '_';
}

/* A word InnoDB leaves out of its index: under three characters, or a stopword. */
static int innodb_ignores(const char *word)
{
    int i;

    if (pl_text_utf8_chars(word) < 3)
        return 1;
    for (i = 0; INNODB_STOPWORDS[i]; i++)
        if (!strcasecmp(word, INNODB_STOPWORDS[i]))
            return 1;
    return 0;
}

/* Whether every word of a phrase is one InnoDB ignores. */
static int innodb_ignores_all(apr_pool_t *p, const char *words)
{
    char *copy = apr_pstrdup(p, words), *state, *w;

    for (w = apr_strtok(copy, " ", &state); w; w = apr_strtok(NULL, " ", &state))
        if (!innodb_ignores(w))
            return 0;
    return 1;
}

static apr_status_t refuse(const char *msg, const char **why)
{
    *why = msg;
    return PL_EINVAL;
}

/* The MATCH and AGAINST texts from the terms. */
static void render(apr_pool_t *p, pl_search_query_t *q)
{
    const char *fts5 = "", *mysql = "";
    int i;

    for (i = 0; i < q->terms->nelts; i++) {
        const pl_search_term_t *t = &APR_ARRAY_IDX(q->terms, i, pl_search_term_t);
        const char *sep = *fts5 ? " " : "";
        fts5 = apr_pstrcat(p, fts5, sep, "\"", t->text, t->prefix ? "\"*" : "\"", NULL);
        if (t->prefix)
            mysql = apr_pstrcat(p, mysql, *mysql ? " " : "", "+", t->text, "*", NULL);
        else if (!(t->phrase ? innodb_ignores_all(p, t->text) : innodb_ignores(t->text)))
            mysql = apr_pstrcat(p, mysql, *mysql ? " " : "", "+\"", t->text, "\"", NULL);
    }
    q->fts5 = fts5;
    q->mysql = *mysql ? mysql : NULL;
}

static apr_status_t push_term(pl_search_query_t *q, const char *text, int prefix, int phrase,
                              const char **why)
{
    pl_search_term_t *t;

    if (q->terms->nelts == PL_SEARCH_MAX_TERMS)
        return refuse("q has more than 16 terms", why);
    t = apr_array_push(q->terms);
    t->text = text;
    t->prefix = prefix;
    t->phrase = phrase;
    return APR_SUCCESS;
}

apr_status_t pl_search_parse(apr_pool_t *p, const char *text, pl_search_query_t **out,
                             const char **why)
{
    pl_search_query_t *q = apr_pcalloc(p, sizeof(*q));
    const unsigned char *s = (const unsigned char *)text;
    const char *phrase = NULL;      /* inside quotes: the words so far */
    apr_size_t len = text ? strlen(text) : 0, i = 0, start;
    apr_status_t rv = APR_SUCCESS;

    if (!len)
        return refuse("q must not be empty", why);
    if (len > PL_SEARCH_MAX_BYTES)
        return refuse("q is longer than 256 bytes", why);
    q->terms = apr_array_make(p, 4, sizeof(pl_search_term_t));
    for (i = 0; i <= len && rv == APR_SUCCESS; i++) {
        if (i < len && word_byte(s[i])) {
            const char *word;
            for (start = i; i < len && word_byte(s[i]); i++)
                ;
            word = apr_pstrndup(p, text + start, i - start);
            if (phrase)
                phrase = *phrase ? apr_pstrcat(p, phrase, " ", word, NULL) : word;
            else
                rv = push_term(q, word, i < len && s[i] == '*', 0, why);
            i--;
        }
        /* a quote opens or closes a phrase; the end of the text closes it too */
        else if (i == len || s[i] == '"') {
            if (phrase && *phrase)
                rv = push_term(q, phrase, 0, strchr(phrase, ' ') != NULL, why);
            phrase = i < len && !phrase ? "" : NULL;
        }
    }
    if (rv != APR_SUCCESS)
        return rv;
    if (!q->terms->nelts)
        return refuse("q must contain a word to search for", why);
    render(p, q);
    *out = q;
    return APR_SUCCESS;
}

/* The first place (byte offset) where needle appears in s, ignoring ASCII
 * case; -1 when it does not. */
static apr_ssize_t find_nocase(const char *s, const char *needle)
{
    apr_size_t n = strlen(needle), i;

    for (i = 0; s[i]; i++)
        if (!strncasecmp(s + i, needle, n))
            return (apr_ssize_t)i;
    return -1;
}

const char *pl_search_snippet(apr_pool_t *p, const char *text, const pl_search_query_t *q)
{
    apr_ssize_t at = -1;
    apr_size_t start, back = 0;
    const char *line;
    int i, cut;

    for (i = 0; i < q->terms->nelts; i++) {
        const pl_search_term_t *t = &APR_ARRAY_IDX(q->terms, i, pl_search_term_t);
        apr_ssize_t found = find_nocase(text, t->text);
        if (found >= 0 && (at < 0 || found < at))
            at = found;
    }
    start = at < 0 ? 0 : (apr_size_t)at;
    /* back up SNIPPET_BEFORE characters, to a character's first byte */
    while (start > 0 && back < SNIPPET_BEFORE) {
        start--;
        if (((unsigned char)text[start] & 0xC0) != 0x80)
            back++;
    }
    line = pl_text_one_line(p, text + start, strlen(text + start), SNIPPET_CHARS, &cut);
    return apr_pstrcat(p, start > 0 ? "…" : "", line, cut ? "…" : "", NULL);
}

apr_status_t pl_threads_search(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                               const pl_search_query_t *q, apr_array_header_t **hits)
{
    const char *a[6], *uid = pl_text_i64(p, user_id);
    pl_search_hit_t *h = NULL;
    pl_db_result_t *res;
    apr_status_t rv;
    int i, nargs;

    *hits = apr_array_make(p, 8, sizeof(pl_search_hit_t *));
    if (db->dialect == PL_DB_MYSQL) {
        if (!q->mysql)
            return APR_SUCCESS;
        /* MySQL scores in the select list: the text goes in twice per half */
        a[0] = a[1] = a[3] = a[4] = q->mysql;
        a[2] = a[5] = uid;
        nargs = 6;
    }
    else {
        a[0] = a[2] = q->fts5;
        a[1] = a[3] = uid;
        nargs = 4;
    }
    if ((rv = pl_db_select(db, p, &SQL_SEARCH, nargs, a, &res)) != APR_SUCCESS)
        return rv;
    /* a thread's rows follow each other, its first one with the thread and text */
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        if (row[4]) {
            h = apr_pcalloc(p, sizeof(*h));
            h->thread = pl_thread_row(p, row + 4);
            h->message_ids = apr_array_make(p, 4, sizeof(apr_int64_t));
            h->title_match = row[3] && atoi(row[3]);
            h->snippet = row[2] ? pl_search_snippet(p, row[2], q) : h->thread->title;
            APR_ARRAY_PUSH(*hits, pl_search_hit_t *) = h;
        }
        if (h && row[1])
            APR_ARRAY_PUSH(h->message_ids, apr_int64_t) = apr_atoi64(row[1]);
    }
    return APR_SUCCESS;
}
