/* SPDX-License-Identifier: Apache-2.0 */
/* Threads in lib/: search queries made from what users type, snippets,
 * titles, the message tree, reading an exported document, and a round trip
 * through a real SQLite database (search, import, subtree delete, chat
 * defaults). */
#include "unit_db.h"
#include "chat/pl_chat_defaults.h"
#include "chat/pl_chat_title.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "chat/pl_thread_export.h"
#include "chat/pl_thread_search.h"
#include "core/pl_time.h"

static pl_search_query_t *parsed(apr_pool_t *p, const char *q)
{
    pl_search_query_t *out = NULL;
    const char *why = NULL;

    assert_int_equal(pl_search_parse(p, q, &out, &why), APR_SUCCESS);
    return out;
}

static void test_search_parse(void **state)
{
    static const struct { const char *q, *fts5, *mysql; } cases[] = {
        { "sourdough", "\"sourdough\"", "+\"sourdough\"" },
        { "Sour dough", "\"Sour\" \"dough\"", "+\"Sour\" +\"dough\"" },
        { "sour*", "\"sour\"*", "+sour*" },
        { "\"bake sourdough\" bread", "\"bake sourdough\" \"bread\"", "+\"bake sourdough\" +\"bread\"" },
        { "\"unclosed phrase", "\"unclosed phrase\"", "+\"unclosed phrase\"" },
        /* operators and column filters are separators, never syntax */
        { "-a OR b", "\"a\" \"OR\" \"b\"", NULL },
        { "NEAR(kernel tasks)", "\"NEAR\" \"kernel\" \"tasks\"", "+\"NEAR\" +\"kernel\" +\"tasks\"" },
        { "title:kernel^2", "\"title\" \"kernel\" \"2\"", "+\"title\" +\"kernel\"" },
        { "'; DROP TABLE x; --", "\"DROP\" \"TABLE\" \"x\"", "+\"DROP\" +\"TABLE\"" },
        { "caf\xc3\xa9 cr\xc3\xa8me", "\"caf\xc3\xa9\" \"cr\xc3\xa8me\"", "+\"caf\xc3\xa9\" +\"cr\xc3\xa8me\"" },
        { "snake_case", "\"snake_case\"", "+\"snake_case\"" },
        /* InnoDB indexes no stopword and nothing under three characters */
        { "the kernel of it", "\"the\" \"kernel\" \"of\" \"it\"", "+\"kernel\"" },
        { "\"in c\" compiler", "\"in c\" \"compiler\"", "+\"compiler\"" },
        { "\"the world\"", "\"the world\"", "+\"the world\"" },
        { "ab*", "\"ab\"*", "+ab*" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pl_search_query_t *q = parsed(*state, cases[i].q);
        assert_string_equal(q->fts5, cases[i].fts5);
        if (cases[i].mysql)
            assert_string_equal(q->mysql, cases[i].mysql);
        else
            assert_null(q->mysql);
    }
}

static void test_search_refused(void **state)
{
    const char *bad[] = { "", "   ", "\"", "*", "\"\"", "-+()~@<>", NULL };
    char many[400], longq[300];
    pl_search_query_t *q;
    const char *why;
    int i;

    for (i = 0; bad[i]; i++) {
        why = NULL;
        assert_int_equal(pl_search_parse(*state, bad[i], &q, &why), PL_EINVAL);
        assert_non_null(why);
    }
    assert_int_equal(pl_search_parse(*state, NULL, &q, &why), PL_EINVAL);
    memset(longq, 'a', 257);
    longq[257] = '\0';
    assert_int_equal(pl_search_parse(*state, longq, &q, &why), PL_EINVAL);
    many[0] = '\0';
    for (i = 0; i < 17; i++)
        strcat(many, "word ");
    assert_int_equal(pl_search_parse(*state, many, &q, &why), PL_EINVAL);
    assert_string_equal(why, "q has more than 16 terms");
    many[strlen(many) - 5] = '\0';                   /* 16 words */
    assert_int_equal(pl_search_parse(*state, many, &q, &why), APR_SUCCESS);
}

static void test_snippet(void **state)
{
    apr_pool_t *p = *state;
    char text[1200];
    const char *s;
    int i;

    assert_string_equal(pl_search_snippet(p, "How do I bake\nsourdough bread?", parsed(p, "SOURDOUGH")),
                        "How do I bake sourdough bread?");
    /* far into a long text: cut on both sides, around the match */
    text[0] = '\0';
    for (i = 0; i < 50; i++)
        strcat(text, "filler ");
    strcat(text, "the needle is here ");
    for (i = 0; i < 50; i++)
        strcat(text, "padding ");
    s = pl_search_snippet(p, text, parsed(p, "needle"));
    assert_true(!strncmp(s, "\xe2\x80\xa6", 3));
    assert_non_null(strstr(s, "the needle is here"));
    assert_true(!strcmp(s + strlen(s) - 3, "\xe2\x80\xa6"));
    assert_true(pl_text_utf8_chars(s) <= 162);
    /* no match (an accent): the start */
    s = pl_search_snippet(p, "Caf\xc3\xa9 au lait", parsed(p, "cafe"));
    assert_string_equal(s, "Caf\xc3\xa9 au lait");
    /* never a character cut in two */
    text[0] = '\0';
    for (i = 0; i < 200; i++)
        strcat(text, "\xc3\xa9");
    s = pl_search_snippet(p, text, parsed(p, "x"));
    assert_int_equal(pl_text_utf8_chars(s), 161);
}

static void test_one_line(void **state)
{
    int cut;

    assert_string_equal(pl_text_one_line(*state, "  a \n\t b  ", 10, 80, &cut), "a b");
    assert_false(cut);
    assert_string_equal(pl_text_one_line(*state, "abcdef", 6, 3, &cut), "abc");
    assert_true(cut);
    assert_string_equal(pl_text_one_line(*state, "ab cd", 5, 3, &cut), "ab");
    assert_true(cut);
    assert_string_equal(pl_text_one_line(*state, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2, NULL), "\xc3\xa9\xc3\xa9");
}

static const char *title_of(apr_pool_t *p, pl_server_kind_e kind, const char *body)
{
    return pl_chat_title_parse(p, kind, body, strlen(body));
}

static void test_titles(void **state)
{
    static const struct { const char *raw, *want; } cases[] = {
        { "Baking Sourdough at Home", "Baking Sourdough at Home" },
        { "\"Baking Sourdough at Home\"", "Baking Sourdough at Home" },
        { "  **Title:** Baking Bread.\nMore text", "Baking Bread" },
        { "Title: \xe2\x80\x9cKernel notes\xe2\x80\x9d", "Kernel notes" },
        { "# Scheduling in Linux", "Scheduling in Linux" },
        { "one two three four five six seven eight nine ten eleven twelve",
          "one two three four five six seven eight nine ten" },
        { "Why? Because!", "Why? Because!" },
        { "", NULL }, { "\"\"", NULL }, { "  \n  ", NULL },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = pl_chat_title_tidy(*state, cases[i].raw);
        if (cases[i].want)
            assert_string_equal(got, cases[i].want);
        else
            assert_null(got);
    }
    assert_string_equal(title_of(*state, PL_SERVER_OLLAMA,
                                 "{\"message\":{\"role\":\"assistant\",\"content\":\"Bread\"}}"), "Bread");
    assert_string_equal(title_of(*state, PL_SERVER_OPENAI,
                                 "{\"choices\":[{\"message\":{\"content\":\"'Bread'\"}}]}"), "Bread");
    assert_null(title_of(*state, PL_SERVER_OPENAI, "{\"choices\":[]}"));
    assert_null(title_of(*state, PL_SERVER_OLLAMA, "{\"error\":\"x\"}"));
    assert_null(title_of(*state, PL_SERVER_OLLAMA, "{\"message\":"));
    assert_null(title_of(*state, PL_SERVER_OLLAMA, "[1]"));
    assert_string_equal(pl_chat_title_fallback(*state, "line one\nline two"), "line one line two");
}

static void test_time_parse(void **state)
{
    apr_time_t t;

    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00.123Z", &t), APR_SUCCESS);
    assert_string_equal(pl_time_rfc3339(*state, t), "2026-11-22T10:00:00.123Z");
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T12:30:00+02:30", &t), APR_SUCCESS);
    assert_string_equal(pl_time_rfc3339(*state, t), "2026-11-22T10:00:00.000Z");
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00.5z", &t), APR_SUCCESS);
    assert_string_equal(pl_time_rfc3339(*state, t), "2026-11-22T10:00:00.500Z");
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22 10:00:00Z", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00.Z", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00Zjunk", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("2026-13-22T10:00:00Z", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("2026-11-22T10:00:00+24:00", &t), PL_EINVAL);
    assert_int_equal(pl_time_parse_rfc3339("yesterday", &t), PL_EINVAL);
}

/* A tree: 1 <- 2 <- {3 <- 5, 4}; 6 a second root. */
static pl_msgtree_t *sample_tree(apr_pool_t *p)
{
    static const apr_int64_t shape[][2] = { { 1, 0 }, { 2, 1 }, { 3, 2 }, { 4, 2 }, { 5, 3 }, { 6, 0 } };
    apr_array_header_t *msgs = apr_array_make(p, 6, sizeof(pl_message_t *));
    apr_size_t i;

    for (i = 0; i < 6; i++) {
        pl_message_t *m = apr_pcalloc(p, sizeof(*m));
        m->id = shape[i][0];
        m->parent_id = shape[i][1];
        APR_ARRAY_PUSH(msgs, pl_message_t *) = m;
    }
    return pl_msgtree_make(p, msgs);
}

static void test_msgtree(void **state)
{
    pl_msgtree_t *tree = sample_tree(*state);
    const apr_array_header_t *kids;
    apr_array_header_t *sub;

    kids = pl_msgtree_children(tree, 2);
    assert_int_equal(kids->nelts, 2);
    assert_int_equal(APR_ARRAY_IDX(kids, 0, apr_int64_t), 3);
    assert_int_equal(APR_ARRAY_IDX(kids, 1, apr_int64_t), 4);
    assert_int_equal(pl_msgtree_children(tree, 0)->nelts, 2);
    assert_int_equal(pl_msgtree_children(tree, 99)->nelts, 0);
    assert_int_equal(pl_msgtree_descend(tree, 2), 4);     /* the newest child */
    assert_int_equal(pl_msgtree_descend(tree, 3), 5);
    assert_int_equal(pl_msgtree_descend(tree, 0), 6);     /* the newest root */
    assert_int_equal(pl_msgtree_descend(tree, 99), 0);
    assert_int_equal(pl_msgtree_parent(tree, 5), 3);
    sub = pl_msgtree_subtree(tree, 2);
    assert_int_equal(sub->nelts, 4);
    pl_msgtree_remove(tree, 4);
    assert_false(pl_msgtree_has(tree, 4));
    assert_int_equal(pl_msgtree_descend(tree, 2), 5);
    pl_msgtree_remove(tree, 1);
    assert_false(pl_msgtree_has(tree, 5));
    assert_int_equal(pl_msgtree_descend(tree, 0), 6);
    pl_msgtree_remove(tree, 6);
    assert_int_equal(pl_msgtree_descend(tree, 0), 0);
}

static pl_json_t *json(apr_pool_t *p, const char *text)
{
    pl_json_t *j;
    const char *err;

    assert_int_equal(pl_json_parse(&j, p, text, strlen(text), 32, &err), APR_SUCCESS);
    return j;
}

#define DOC(messages) \
    "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"thread\":{\"title\":\"t\"},"     \
    "\"messages\":[" messages "]}"
#define MSG(id, parent, role) \
    "{\"id\":" #id ",\"parent_id\":" #parent ",\"role\":\"" role "\",\"content\":\"c" #id "\"," \
    "\"state\":\"complete\"}"

static void test_import_read(void **state)
{
    static const struct { const char *doc, *field; } bad[] = {
        { DOC(MSG(1, null, "user") "," MSG(2, 3, "assistant") "," MSG(3, 2, "user")), "messages" },
        { DOC(MSG(1, 1, "user")), "messages" },
        { DOC(MSG(1, null, "user") "," MSG(2, 7, "assistant")), "messages[1].parent_id" },
        { DOC(MSG(1, null, "user") "," MSG(1, null, "user")), "messages[1].id" },
        { DOC(MSG(1, null, "system")), "messages[0].role" },
        { DOC(MSG(-1, null, "user")), "messages[0].id" },
        { "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"thread\":{\"title\":\"t\","
          "\"leaf_id\":5},\"messages\":[]}", "thread.leaf_id" },
        { "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"thread\":{\"options\":"
          "{\"top_k\":\"x\"}},\"messages\":[]}", "thread.options.top_k" },
        { "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"messages\":[]}", "thread" },
        /* a title is one line, whichever way it comes in (issue 10, item 14) */
        { "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"thread\":{\"title\":"
          "\"a\\nb\"},\"messages\":[]}", "thread.title" },
        { "{\"format\":\"mod_planning.thread\",\"format_version\":1,\"thread\":{\"title\":"
          "\"a\\u2028b\"},\"messages\":[]}", "thread.title" },
    };
    pl_thread_doc_t *doc;
    const char *field, *why;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        field = why = NULL;
        assert_int_equal(pl_thread_import_read(*state, json(*state, bad[i].doc), &doc, &field, &why),
                         PL_EINVAL);
        assert_string_equal(field, bad[i].field);
        assert_non_null(why);
    }
    /* children before their parents: put in order */
    assert_int_equal(pl_thread_import_read(*state, json(*state, DOC(MSG(3, 2, "user") ","
                                                                    MSG(2, 1, "assistant") ","
                                                                    MSG(1, null, "user"))),
                                           &doc, &field, &why), APR_SUCCESS);
    assert_int_equal(APR_ARRAY_IDX(doc->messages, 0, pl_message_t *)->id, 1);
    assert_int_equal(APR_ARRAY_IDX(doc->messages, 2, pl_message_t *)->id, 3);
}

/* ---------------------------------------------------------------- on SQLite */

/* Two users, u (1) and v (2), in the fixture's database. */
/* Options an earlier release stored with %.17g read back in the shortest
 * form; others exactly as stored. */
static void test_stored_options(void **state)
{
    static const struct { const char *stored, *read; } cases[] = {
        { "{\"temperature\":0.29999999999999999,\"num_ctx\":2048}",
          "{\"temperature\":0.3,\"num_ctx\":2048}" },
        { "{\"top_p\":0.90000000000000002,\"stop\":[\"a.b\"]}",
          "{\"top_p\":0.9,\"stop\":[\"a.b\"]}" },
        { "{\"temperature\":0.3}", "{\"temperature\":0.3}" },
        { "{\"stop\":[\"x.y\"]}", "{\"stop\":[\"x.y\"]}" },
        { "{}", "{}" },
    };
    const char *row[PL_THREAD_NCOLUMNS];
    pl_thread_t *t;
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(row, 0, sizeof(row));
        row[0] = "1";
        row[7] = cases[i].stored;
        t = pl_thread_row(*state, row);
        assert_string_equal(t->options, cases[i].read);
    }
}

static void two_users(unit_db_t *f)
{
    assert_int_equal(pl_db_exec_text(f->db, f->p,
                                     "INSERT INTO users (username, role, created_at, updated_at)"
                                     " VALUES ('u', 'developer', 'x', 'x'), ('v', 'developer', 'x', 'x')"),
                     APR_SUCCESS);
}

static double temperature_of(apr_pool_t *p, const pl_thread_t *t)
{
    double v = -1;

    pl_json_get_number(json(p, t->options), "temperature", &v);
    return v;
}

static void test_db_round_trip(void **state)
{
    unit_db_t *f = *state;
    apr_pool_t *p = f->p;
    pl_thread_doc_t *doc;
    apr_array_header_t *hits, *all;
    pl_search_hit_t *hit;
    pl_msgtree_t *tree;
    pl_chat_defaults_t *d;
    pl_thread_t *t;
    const char *field, *why;

    two_users(f);
    assert_int_equal(pl_thread_import_read(p, json(p, DOC(MSG(1, null, "user") ","
                                                          MSG(2, 1, "assistant") ","
                                                          MSG(3, 2, "user") ","
                                                          MSG(4, 1, "assistant"))),
                                           &doc, &field, &why), APR_SUCCESS);
    assert_int_equal(pl_thread_import_store(f->db, p, doc, 1), APR_SUCCESS);
    assert_int_equal(pl_threads_get(f->db, p, doc->thread->id, 1, &t), APR_SUCCESS);
    assert_int_equal(t->leaf_id, 4);                     /* the newest branch */

    /* c3 is found for its owner only */
    assert_int_equal(pl_threads_search(f->db, p, 1, parsed(p, "c3"), &hits), APR_SUCCESS);
    assert_int_equal(hits->nelts, 1);
    hit = APR_ARRAY_IDX(hits, 0, pl_search_hit_t *);
    assert_int_equal(hit->thread->id, t->id);
    assert_int_equal(APR_ARRAY_IDX(hit->message_ids, 0, apr_int64_t), 3);
    assert_string_equal(hit->snippet, "c3");
    assert_int_equal(pl_threads_search(f->db, p, 2, parsed(p, "c3"), &hits), APR_SUCCESS);
    assert_int_equal(hits->nelts, 0);

    /* a subtree goes in one statement, and out of the index */
    assert_int_equal(pl_messages_delete_subtree(f->db, p, t->id, 2), APR_SUCCESS);
    assert_int_equal(pl_messages_all(f->db, p, t->id, &all), APR_SUCCESS);
    assert_int_equal(all->nelts, 2);
    assert_int_equal(pl_msgtree_load(f->db, p, t->id, &tree), APR_SUCCESS);
    assert_false(pl_msgtree_has(tree, 3));
    assert_int_equal(pl_threads_search(f->db, p, 1, parsed(p, "c3"), &hits), APR_SUCCESS);
    assert_int_equal(hits->nelts, 0);

    /* a generated title only while the title is ours */
    assert_int_equal(pl_threads_set_auto_title(f->db, p, t->id, "New", &(int){ 0 }), APR_SUCCESS);
    t->title = "Mine";
    t->title_auto = 0;
    assert_int_equal(pl_threads_update(f->db, p, t), APR_SUCCESS);
    {
        int stored = 1;
        assert_int_equal(pl_threads_set_auto_title(f->db, p, t->id, "Other", &stored), APR_SUCCESS);
        assert_false(stored);
    }

    /* chat defaults: none, then set, then filled in */
    assert_int_equal(pl_db_exec_text(f->db, p, "INSERT INTO projects (name, description, local_path,"
                                     " status, created_at, updated_at) VALUES ('p', '', '/tmp',"
                                     " 'active', 'x', 'x')"), APR_SUCCESS);
    assert_int_equal(pl_chat_defaults_get(f->db, p, 1, &d), APR_SUCCESS);
    assert_null(d->updated_at);
    assert_null(d->model);
    d->model = "m";
    d->has_temperature = 1;
    d->temperature = 0.7;
    assert_int_equal(pl_chat_defaults_put(f->db, p, d), APR_SUCCESS);
    assert_int_equal(pl_chat_defaults_get(f->db, p, 1, &d), APR_SUCCESS);
    assert_string_equal(d->model, "m");
    assert_true(d->temperature == 0.7);
    t->model = NULL;
    t->options = "{\"top_k\":3}";
    assert_int_equal(pl_chat_defaults_fill(d, t, p), APR_SUCCESS);
    assert_string_equal(t->model, "m");
    assert_true(temperature_of(p, t) == 0.7);
    assert_non_null(strstr(t->options, "\"top_k\":3"));
    t->options = "{}";
    assert_int_equal(pl_chat_defaults_fill(d, t, p), APR_SUCCESS);
    assert_true(temperature_of(p, t) == 0.7);
    t->options = "{\"temperature\":1}";
    assert_int_equal(pl_chat_defaults_fill(d, t, p), APR_SUCCESS);
    assert_string_equal(t->options, "{\"temperature\":1}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_search_parse),
        UNIT_TEST(test_search_refused),
        UNIT_TEST(test_snippet),
        UNIT_TEST(test_one_line),
        UNIT_TEST(test_titles),
        UNIT_TEST(test_time_parse),
        UNIT_TEST(test_msgtree),
        UNIT_TEST(test_import_read),
        UNIT_TEST(test_stored_options),
        UNIT_DB_TEST(test_db_round_trip),
    };

    return UNIT_RUN(tests);
}
