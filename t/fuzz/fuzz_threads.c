/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the parsers of thread input: search queries as users
 * type them (pl_search_parse, pl_search_snippet), exported documents sent
 * for import (pl_thread_import_read) and titles as models answer them
 * (pl_chat_title_parse, pl_chat_title_tidy, pl_time_parse_rfc3339). The
 * first byte picks the parser, the rest is its input. Whatever a parser
 * accepts must keep its contract, or the target aborts: above all, the
 * MATCH and AGAINST texts hold nothing but quoted words, prefixes and
 * phrases. t/fuzz/threads.t seeds it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "chat/pl_chat_title.h"
#include "core/pl_json.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_thread_export.h"
#include "chat/pl_thread_search.h"
#include "core/pl_time.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_pool_t *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&root, NULL) != APR_SUCCESS)
        abort();
    return 0;
}

static int word_byte(unsigned char c)
{
    return c >= 0x80 || apr_isalnum(c) || c == '_';
}

/* "w", "w"*, "w w": quoted words only, one space apart. */
static void check_fts5(const char *s)
{
    for (;;) {
        if (*s++ != '"' || !word_byte((unsigned char)*s))
            abort();
        while (word_byte((unsigned char)*s) || (*s == ' ' && word_byte((unsigned char)s[1])))
            s++;
        if (*s++ != '"')
            abort();
        if (*s == '*')
            s++;
        if (!*s)
            return;
        if (*s++ != ' ')
            abort();
    }
}

/* +"w", +"w w", +w*: required terms only, one space apart. */
static void check_mysql(const char *s)
{
    for (;;) {
        if (*s++ != '+')
            abort();
        if (*s == '"') {
            s++;
            if (!word_byte((unsigned char)*s))
                abort();
            while (word_byte((unsigned char)*s) || (*s == ' ' && word_byte((unsigned char)s[1])))
                s++;
            if (*s++ != '"')
                abort();
        }
        else {
            if (!word_byte((unsigned char)*s))
                abort();
            while (word_byte((unsigned char)*s))
                s++;
            if (*s++ != '*')
                abort();
        }
        if (!*s)
            return;
        if (*s++ != ' ')
            abort();
    }
}

static void fuzz_search(apr_pool_t *p, const char *text)
{
    pl_search_query_t *q;
    const char *why = NULL;

    if (pl_search_parse(p, text, &q, &why) != APR_SUCCESS) {
        if (!why || !*why)
            abort();
        return;
    }
    if (!q->terms->nelts || q->terms->nelts > PL_SEARCH_MAX_TERMS || strlen(text) > PL_SEARCH_MAX_BYTES)
        abort();
    check_fts5(q->fts5);
    if (q->mysql)
        check_mysql(q->mysql);
    if (pl_text_utf8_chars(pl_search_snippet(p, text, q)) > 162)
        abort();
}

static void fuzz_import(apr_pool_t *p, const char *data, size_t size)
{
    apr_hash_t *seen = apr_hash_make(p);
    pl_thread_doc_t *doc;
    pl_json_t *j;
    const char *err, *field = NULL, *why = NULL;
    int i;

    if (pl_json_parse(&j, p, data, size, 32, &err) != APR_SUCCESS || pl_json_type(j) != PL_JSON_OBJECT)
        return;
    if (pl_thread_import_read(p, j, &doc, &field, &why) != APR_SUCCESS) {
        if (!why || !*why)
            abort();
        return;
    }
    if (doc->messages->nelts > PL_IMPORT_MAX_MESSAGES || doc->thread->project_id)
        abort();
    for (i = 0; i < doc->messages->nelts; i++) {
        pl_message_t *m = APR_ARRAY_IDX(doc->messages, i, pl_message_t *);
        /* parents first, each id once, known roles and states */
        if (m->id < 1 || apr_hash_get(seen, &m->id, sizeof(m->id))
            || (m->parent_id && !apr_hash_get(seen, &m->parent_id, sizeof(m->parent_id)))
            || (strcmp(m->role, "user") && strcmp(m->role, "assistant"))
            || (strcmp(m->state, "complete") && strcmp(m->state, "incomplete"))
            || m->prompt_tokens < 0 || m->completion_tokens < 0 || m->total_ns < 0 || m->eval_ns < 0)
            abort();
        apr_hash_set(seen, &m->id, sizeof(m->id), m);
    }
    if (doc->leaf_id && !apr_hash_get(seen, &doc->leaf_id, sizeof(doc->leaf_id)))
        abort();
}

static void check_title(const char *t)
{
    if (t && (!*t || strchr(t, '\n') || pl_text_utf8_chars(t) > 255))
        abort();
}

static void fuzz_title(apr_pool_t *p, const char *data, size_t size)
{
    apr_time_t when;

    check_title(pl_chat_title_tidy(p, data));
    check_title(pl_chat_title_parse(p, PL_SERVER_OLLAMA, data, size));
    check_title(pl_chat_title_parse(p, PL_SERVER_OPENAI, data, size));
    if (pl_time_parse_rfc3339(data, &when) == APR_SUCCESS
        && pl_time_parse_rfc3339(pl_time_rfc3339(p, when), &when) != APR_SUCCESS)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *text;

    if (!size)
        return 0;
    if (apr_pool_create(&p, root) != APR_SUCCESS)
        abort();
    /* requests and replies arrive as C strings: a NUL ends one early */
    text = apr_pstrmemdup(p, (const char *)data + 1, size - 1);
    switch (data[0] % 3) {
    case 0:
        fuzz_search(p, text);
        break;
    case 1:
        fuzz_import(p, (const char *)data + 1, size - 1);
        break;
    default:
        fuzz_title(p, text, strlen(text));
    }
    apr_pool_destroy(p);
    return 0;
}
