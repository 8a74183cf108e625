/* SPDX-License-Identifier: Apache-2.0 */
/* pl_tokens: identifier splitting, lower-casing, stop words, stemming. */
#include "unit.h"
#include "gap/pl_tokens.h"

static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    return apr_array_pstrcat(p, a, ' ');
}

static void splits_identifiers(void **state)
{
    static const char *const cases[][2] = {
        { "HTTPServer", "http server httpserver" },
        { "getUserName", "get user name" },
        { "snake_case_name", "snake case name" },
        { "kebab-case-name", "kebab case name" },
        { "XMLHttpRequest", "xml http xmlhttp request" },
        { "IOError", "io error ioerror" },
        { "SQLite IPv6", "sq lite sqlite i pv 6 ipv6" },
        { "sha256sum", "sha 256 sum sha256sum" },
        { "Argon2id v2", "argon 2 id argon2id v 2 v2" },
        { "parseJSONFile2", "parse json file 2 jsonfile2" },
        { "__init__", "init" },
        { "src/auth/LoginForm.tsx", "src auth login form tsx" },
        { "ABC", "abc" },
        { "a", "a" },
        { "ÉcoleNormale straße", "école normale straße" },
        { "ÜBERGRÖSSE", "übergrösse" },
        { "✅ Done — 🟡 partial", "done partial" },
        { "e\xcc\x81te\xcc\x81", "e\xcc\x81te\xcc\x81" },    /* combining accents stay */
        { "bad\xff" "byte", "bad byte" },
        { "", "" },
        { NULL, NULL }
    };
    int i;

    for (i = 0; cases[i][0]; i++) {
        apr_array_header_t *w = apr_array_make(*state, 4, sizeof(const char *));
        pl_tokens_split(*state, cases[i][0], -1, w);
        assert_string_equal(joined(*state, w), cases[i][1]);
    }
}

static void drops_runs_of_data(void **state)
{
    apr_array_header_t *w = apr_array_make(*state, 4, sizeof(const char *));
    char blob[200];

    memset(blob, 'x', sizeof(blob) - 1);
    blob[sizeof(blob) - 1] = '\0';
    blob[40] = 'Q';     /* a case change would split it into "xxx..." pieces */
    pl_tokens_split(*state, apr_pstrcat(*state, "keep ", blob, " these", NULL), -1, w);
    assert_string_equal(joined(*state, w), "keep these");
}

static void stems_and_drops_stop_words(void **state)
{
    static const char *const cases[][2] = {
        { "Running the servers' connections", "run server connect" },
        { "hashPasswords with a limiting rate", "hash password limit rate" },
        { "Authentication for the auth module", "authent authent modul" },
        { "load_config from configuration files", "load configur configur file" },
        /* German, French and Spanish function words go, content stays */
        { "Die Anmeldung und der Benutzer", "anmeldung benutz" },
        { "la connexion des utilisateurs", "connexion utilisateur" },
        { "el inicio de sesión", "inicio sesión" },
        { "HTTP/2 server push in 2024", "http server push 2024" },
        { NULL, NULL }
    };
    pl_tokens_t *t;
    int i;

    assert_int_equal(pl_tokens_create(*state, &t), APR_SUCCESS);
    for (i = 0; cases[i][0]; i++) {
        apr_array_header_t *terms = apr_array_make(*state, 4, sizeof(const char *));
        pl_tokens_terms(t, cases[i][0], -1, terms, NULL);
        assert_string_equal(joined(*state, terms), cases[i][1]);
    }
    assert_true(pl_tokens_is_stop(t, "the"));
    assert_true(pl_tokens_is_stop(t, "und"));
    assert_false(pl_tokens_is_stop(t, "get"));
    assert_false(pl_tokens_is_stop(t, "server"));
}

static void words_follow_terms_and_terms_are_interned(void **state)
{
    apr_array_header_t *terms = apr_array_make(*state, 4, sizeof(const char *));
    apr_array_header_t *words = apr_array_make(*state, 4, sizeof(const char *));
    pl_tokens_t *t;

    assert_int_equal(pl_tokens_create(*state, &t), APR_SUCCESS);
    pl_tokens_terms(t, "Logins and loginCount of LOGIN", 13, terms, words);
    assert_string_equal(joined(*state, terms), "login");
    assert_string_equal(joined(*state, words), "logins");
    pl_tokens_terms(t, "loginCount of LOGIN", -1, terms, words);
    assert_string_equal(joined(*state, terms), "login login count login");
    assert_string_equal(joined(*state, words), "logins login count login");
    /* one copy per stem: the index can compare pointers if it wants to */
    assert_ptr_equal(APR_ARRAY_IDX(terms, 0, const char *), APR_ARRAY_IDX(terms, 1, const char *));
    assert_ptr_equal(APR_ARRAY_IDX(terms, 1, const char *), APR_ARRAY_IDX(terms, 3, const char *));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(splits_identifiers),
        UNIT_TEST(drops_runs_of_data),
        UNIT_TEST(stems_and_drops_stop_words),
        UNIT_TEST(words_follow_terms_and_terms_are_interned),
    };
    return UNIT_RUN(tests);
}
