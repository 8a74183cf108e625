/* SPDX-License-Identifier: Apache-2.0 */
/* pl_tokens: identifier splitting, lower-casing, stop words, stemming. */
#include "unit.h"
#include "gap/pl_tokens.h"

static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    return apr_array_pstrcat(p, a, ' ');
}

/* The terms of text, space-separated. */
static const char *terms_of(apr_pool_t *p, pl_tokens_t *t, const char *text)
{
    apr_array_header_t *terms = apr_array_make(p, 4, sizeof(const char *));

    pl_tokens_terms(t, text, -1, terms, NULL);
    return joined(p, terms);
}

static void splits_identifiers(void **state)
{
    static const char *const cases[][2] = {
        { "HTTPServer", "http server httpserver" },
        { "getUserName", "get user name getusername" },
        { "snake_case_name", "snake case name snakecasename" },
        { "kebab-case-name", "kebab case name" },
        { "XMLHttpRequest", "xml http request xmlhttprequest" },
        { "IOError", "io error ioerror" },
        { "SQLite IPv6", "sq lite sqlite i pv 6 ipv6" },
        { "sha256sum", "sha 256 sum sha256sum" },
        { "Argon2id v2", "argon 2 id argon2id v 2 v2" },
        { "parseJSONFile2", "parse json file 2 parsejsonfile2" },
        { "__init__", "init" },
        { "src/auth/LoginForm.tsx", "src auth login form loginform tsx" },
        { "ABC", "abc" },
        { "a", "a" },
        { "ÉcoleNormale straße", "école normale écolenormale straße" },
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
        { "hashPasswords with a limiting rate", "hash password hashpassword limit rate" },
        { "Authentication for the auth module", "authent authent modul" },
        { "load_config from configuration files", "load configur loadconfig configur file" },
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
    for (i = 0; cases[i][0]; i++)
        assert_string_equal(terms_of(*state, t, cases[i][0]), cases[i][1]);
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
    assert_string_equal(joined(*state, terms), "login login count logincount login");
    assert_string_equal(joined(*state, words), "logins login count logincount login");
    /* one copy per stem: the index can compare pointers if it wants to */
    assert_ptr_equal(APR_ARRAY_IDX(terms, 0, const char *), APR_ARRAY_IDX(terms, 1, const char *));
    assert_ptr_equal(APR_ARRAY_IDX(terms, 1, const char *), APR_ARRAY_IDX(terms, 4, const char *));
}

/* A plan's words through the lexicon: German, French and Spanish
 * programming words become the English words code uses, plurals and
 * German compounds included; English words stay as they are. */
static void plans_in_other_languages_meet_english_code(void **state)
{
    static const char *const cases[][2] = {
        { "Datei löschen", "file delet" },
        { "Dateien im Verzeichnis", "file directori" },
        { "Benutzerkonto anlegen", "user account creat" },
        { "Verbindungsfehler anzeigen", "connect error show" },
        { "supprimer les fichiers", "delet file" },
        { "exportar archivos con contraseña", "export file password" },
        { "Delete the file", "delet file" },
        { NULL, NULL }
    };
    pl_tokens_t *t;
    int i;

    assert_int_equal(pl_tokens_create(*state, &t), APR_SUCCESS);
    for (i = 0; cases[i][0]; i++) {
        apr_array_header_t *terms = apr_array_make(*state, 4, sizeof(const char *));
        pl_tokens_query(t, cases[i][0], terms, NULL);
        assert_string_equal(joined(*state, terms), cases[i][1]);
    }
}

static int has(const apr_array_header_t *a, const char *s)
{
    int i;

    for (i = 0; a && i < a->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(a, i, const char *), s))
            return 1;
    return 0;
}

static void synonyms_are_stems_both_ways(void **state)
{
    pl_tokens_t *t;

    assert_int_equal(pl_tokens_create(*state, &t), APR_SUCCESS);
    assert_true(has(pl_tokens_synonyms(t, "delet"), "remov"));
    assert_true(has(pl_tokens_synonyms(t, "remov"), "delet"));
    assert_false(has(pl_tokens_synonyms(t, "delet"), "delet"));
    assert_true(has(pl_tokens_synonyms(t, "set"), "config") || has(pl_tokens_synonyms(t, "configur"), "set"));
    assert_true(has(pl_tokens_synonyms(t, "login"), "authent"));
    assert_null(pl_tokens_synonyms(t, "zebra"));
}

/* A plan in British English meets code in American: both sides are
 * spelled the American way before stemming; short words keep theirs. */
static void british_meets_american(void **state)
{
    static const char *const cases[][2] = {
        { "colour coloured colours", "color colored colors" },
        { "centre the metre", "center the meter" },
        { "initialise serialised normalisation", "initialize serialized normalization" },
        { "analyse", "analyze" },
        { "cancelled labelling", "canceled labeling" },
        { "catalogue dialogues", "catalog dialogs" },
        { "behaviour favourite", "behavior favorite" },
        { "grey licence", "gray license" },
        { NULL, NULL }
    };
    pl_tokens_t *t;
    int i;

    assert_int_equal(pl_tokens_create(*state, &t), APR_SUCCESS);
    for (i = 0; cases[i][0]; i++)
        assert_string_equal(terms_of(*state, t, cases[i][0]), terms_of(*state, t, cases[i][1]));
    /* too short for a rule: "four" is not "for", "hour" not "hor", "rise" stays */
    assert_string_equal(terms_of(*state, t, "four hours rise"), "four hour rise");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(splits_identifiers),
        UNIT_TEST(drops_runs_of_data),
        UNIT_TEST(stems_and_drops_stop_words),
        UNIT_TEST(words_follow_terms_and_terms_are_interned),
        UNIT_TEST(plans_in_other_languages_meet_english_code),
        UNIT_TEST(synonyms_are_stems_both_ways),
        UNIT_TEST(british_meets_american),
    };
    return UNIT_RUN(tests);
}
