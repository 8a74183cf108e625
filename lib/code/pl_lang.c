/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <strings.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "code/pl_lang.h"

static const char *const KW_C[] = { "if", "for", "while", "case", "catch", NULL };
static const char *const KW_GO[] = { "if", "for", "case", NULL };
static const char *const KW_RUST[] = { "if", "for", "while", NULL };
static const char *const KW_JAVA[] = { "if", "for", "while", "case", "catch", "when", "foreach", NULL };
static const char *const KW_PHP[] = { "if", "elseif", "for", "foreach", "while", "case", "catch",
                                      "and", "or", NULL };
static const char *const KW_PY[] = { "if", "elif", "for", "while", "except", "and", "or", "case",
                                     NULL };
static const char *const KW_RUBY[] = { "if", "elsif", "unless", "while", "until", "for", "when",
                                       "rescue", "and", "or", NULL };
static const char *const KW_PERL[] = { "if", "elsif", "unless", "while", "until", "for",
                                       "foreach", "and", "or", NULL };
static const char *const KW_SH[] = { "if", "elif", "for", "while", "until", NULL };
static const char *const KW_LUA[] = { "if", "elseif", "for", "while", "until", "and", "or", NULL };
static const char *const KW_FUNC[] = { "if", "case", "when", "cond", NULL };

#define C_LIKE PL_LANG_BRACES | PL_LANG_LOGIC_OPS
#define SLASHES { "//", NULL }
#define HASH { "#", NULL }

enum {
    L_C, L_CXX, L_CS, L_GO, L_RUST, L_JAVA, L_KOTLIN, L_JS, L_TS, L_PHP, L_PY, L_RUBY, L_PERL,
    L_SH, L_LUA, L_R, L_SQL, L_ELIXIR, L_ERLANG, L_HASKELL, L_CLOJURE, L_CUDA,
    L_MAKE, L_CMAKE, L_AUTOCONF, L_DOCKER, L_HTML, L_XML, L_CSS, L_SCSS, L_MD, L_RST,
    L_YAML, L_TOML, L_JSON, L_INI, L_COUNT
};

static const pl_lang_t LANGS[L_COUNT] = {
    [L_C] = { "C", "C", SLASHES, "/*", "*/", "\"'", NULL, KW_C, C_LIKE | PL_LANG_TERNARY },
    [L_CXX] = { "C++", "C++", SLASHES, "/*", "*/", "\"'", NULL, KW_C, C_LIKE | PL_LANG_TERNARY },
    [L_CS] = { "C#", "C#", SLASHES, "/*", "*/", "\"'", NULL, KW_JAVA,
               C_LIKE | PL_LANG_TERNARY | PL_LANG_ATTRIBUTES },
    [L_GO] = { "Go", "Go", SLASHES, "/*", "*/", "\"'", "`", KW_GO, C_LIKE },
    [L_RUST] = { "Rust", "Rust", SLASHES, "/*", "*/", "\"", NULL, KW_RUST,
                 C_LIKE | PL_LANG_MATCH_ARMS | PL_LANG_ATTRIBUTES },
    [L_JAVA] = { "Java", "Java", SLASHES, "/*", "*/", "\"'", NULL, KW_JAVA,
                 C_LIKE | PL_LANG_TERNARY | PL_LANG_ATTRIBUTES },
    [L_KOTLIN] = { "Kotlin", "Kotlin", SLASHES, "/*", "*/", "\"'", NULL, KW_JAVA,
                   C_LIKE | PL_LANG_ATTRIBUTES },
    [L_JS] = { "JavaScript", "JavaScript", SLASHES, "/*", "*/", "\"'", "`", KW_C,
               C_LIKE | PL_LANG_TERNARY | PL_LANG_ATTRIBUTES },
    [L_TS] = { "TypeScript", "TypeScript", SLASHES, "/*", "*/", "\"'", "`", KW_C,
               C_LIKE | PL_LANG_TERNARY | PL_LANG_ATTRIBUTES },
    [L_PHP] = { "PHP", "PHP", { "//", "#", NULL }, "/*", "*/", "\"'", NULL, KW_PHP,
                C_LIKE | PL_LANG_TERNARY },
    [L_PY] = { "Python", "Python", HASH, NULL, NULL, "\"'", NULL, KW_PY,
               PL_LANG_DOCSTRING | PL_LANG_ATTRIBUTES },
    [L_RUBY] = { "Ruby", "Ruby", HASH, "=begin", "=end", "\"'", NULL, KW_RUBY,
                 PL_LANG_LOGIC_OPS | PL_LANG_TERNARY },
    [L_PERL] = { "Perl", "Perl", HASH, NULL, NULL, "\"'", NULL, KW_PERL,
                 C_LIKE | PL_LANG_TERNARY },
    [L_SH] = { "Shell", "Sh", HASH, NULL, NULL, "\"'", NULL, KW_SH,
               PL_LANG_LOGIC_OPS | PL_LANG_WORD_HASH },
    [L_LUA] = { "Lua", "Lua", { "--", NULL }, "--[[", "]]", "\"'", NULL, KW_LUA, 0 },
    [L_R] = { "R", "R", HASH, NULL, NULL, "\"'", NULL, KW_C,
              PL_LANG_BRACES | PL_LANG_LOGIC_OPS },
    [L_SQL] = { "SQL", "SQL", { "--", NULL }, "/*", "*/", "'", NULL, NULL, 0 },
    [L_ELIXIR] = { "Elixir", "Elixir", HASH, NULL, NULL, "\"'", NULL, KW_FUNC,
                   PL_LANG_LOGIC_OPS },
    [L_ERLANG] = { "Erlang", "Erlang", { "%", NULL }, NULL, NULL, "\"", NULL, KW_FUNC, 0 },
    [L_HASKELL] = { "Haskell", "Haskell", { "--", NULL }, "{-", "-}", "\"", NULL, KW_FUNC,
                    PL_LANG_LOGIC_OPS },
    [L_CLOJURE] = { "Clojure", "Clojure", { ";", NULL }, NULL, NULL, "\"", NULL, KW_FUNC, 0 },
    [L_CUDA] = { "CUDA", "CUDA", SLASHES, "/*", "*/", "\"'", NULL, KW_C,
                 C_LIKE | PL_LANG_TERNARY },
    [L_MAKE] = { "Makefile", NULL, HASH, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_CMAKE] = { "CMake", NULL, HASH, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_AUTOCONF] = { "Autoconf", NULL, { "#", "dnl", NULL }, NULL, NULL, NULL, NULL, NULL,
                     PL_LANG_MARKUP },
    [L_DOCKER] = { "Dockerfile", NULL, HASH, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_HTML] = { "HTML", NULL, { NULL }, "<!--", "-->", NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_XML] = { "XML", NULL, { NULL }, "<!--", "-->", NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_CSS] = { "CSS", NULL, { NULL }, "/*", "*/", NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_SCSS] = { "SCSS", NULL, SLASHES, "/*", "*/", NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_MD] = { "Markdown", NULL, { NULL }, "<!--", "-->", NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_RST] = { "reStructuredText", NULL, { NULL }, NULL, NULL, NULL, NULL, NULL,
                PL_LANG_MARKUP },
    [L_YAML] = { "YAML", NULL, HASH, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_TOML] = { "TOML", NULL, HASH, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_JSON] = { "JSON", NULL, { NULL }, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
    [L_INI] = { "INI", NULL, { ";", "#", NULL }, NULL, NULL, NULL, NULL, NULL, PL_LANG_MARKUP },
};

/* Names are extensions after the last '.', or whole file names when
 * whole is set. ctags_map: ctags does not map it to the parser by itself. */
typedef struct {
    const char *name;
    int lang;
    unsigned whole : 1, ctags_map : 1;
} name_rule_t;

static const name_rule_t NAMES[] = {
    { "c", L_C, 0, 0 }, { "h", L_C, 0, 0 },
    { "cc", L_CXX, 0, 0 }, { "cpp", L_CXX, 0, 0 }, { "cxx", L_CXX, 0, 0 }, { "c++", L_CXX, 0, 0 },
    { "hh", L_CXX, 0, 0 }, { "hpp", L_CXX, 0, 0 }, { "hxx", L_CXX, 0, 0 }, { "h++", L_CXX, 0, 0 },
    { "inl", L_CXX, 0, 0 }, { "ipp", L_CXX, 0, 1 }, { "tcc", L_CXX, 0, 1 },
    { "C", L_CXX, 0, 0 }, { "H", L_CXX, 0, 0 },
    { "cs", L_CS, 0, 0 }, { "go", L_GO, 0, 0 }, { "rs", L_RUST, 0, 0 },
    { "java", L_JAVA, 0, 0 }, { "kt", L_KOTLIN, 0, 0 }, { "kts", L_KOTLIN, 0, 0 },
    { "js", L_JS, 0, 0 }, { "jsx", L_JS, 0, 0 }, { "mjs", L_JS, 0, 0 }, { "cjs", L_JS, 0, 1 },
    { "ts", L_TS, 0, 0 }, { "tsx", L_TS, 0, 1 }, { "mts", L_TS, 0, 1 }, { "cts", L_TS, 0, 1 },
    { "php", L_PHP, 0, 0 }, { "phtml", L_PHP, 0, 0 },
    { "py", L_PY, 0, 0 }, { "pyi", L_PY, 0, 1 }, { "pyw", L_PY, 0, 1 }, { "pyx", L_PY, 0, 0 },
    { "SConstruct", L_PY, 1, 1 }, { "SConscript", L_PY, 1, 1 },
    { "rb", L_RUBY, 0, 0 }, { "rake", L_RUBY, 0, 1 }, { "gemspec", L_RUBY, 0, 1 },
    { "Rakefile", L_RUBY, 1, 1 }, { "Gemfile", L_RUBY, 1, 1 },
    { "pl", L_PERL, 0, 0 }, { "pm", L_PERL, 0, 0 }, { "t", L_PERL, 0, 1 },
    { "sh", L_SH, 0, 0 }, { "bash", L_SH, 0, 0 }, { "zsh", L_SH, 0, 0 }, { "ksh", L_SH, 0, 0 },
    { "lua", L_LUA, 0, 0 }, { "r", L_R, 0, 0 }, { "R", L_R, 0, 0 }, { "sql", L_SQL, 0, 0 },
    { "ex", L_ELIXIR, 0, 0 }, { "exs", L_ELIXIR, 0, 0 },
    { "erl", L_ERLANG, 0, 0 }, { "hrl", L_ERLANG, 0, 0 }, { "hs", L_HASKELL, 0, 0 },
    { "clj", L_CLOJURE, 0, 0 }, { "cljs", L_CLOJURE, 0, 0 }, { "cljc", L_CLOJURE, 0, 0 },
    { "cu", L_CUDA, 0, 0 }, { "cuh", L_CUDA, 0, 0 },
    { "Makefile", L_MAKE, 1, 0 }, { "GNUmakefile", L_MAKE, 1, 0 }, { "makefile", L_MAKE, 1, 0 },
    { "mk", L_MAKE, 0, 0 }, { "mak", L_MAKE, 0, 0 }, { "am", L_MAKE, 0, 0 },
    { "CMakeLists.txt", L_CMAKE, 1, 0 }, { "cmake", L_CMAKE, 0, 0 },
    { "ac", L_AUTOCONF, 0, 0 }, { "m4", L_AUTOCONF, 0, 0 },
    { "Dockerfile", L_DOCKER, 1, 0 }, { "Containerfile", L_DOCKER, 1, 0 },
    { "html", L_HTML, 0, 0 }, { "htm", L_HTML, 0, 0 }, { "vue", L_HTML, 0, 0 },
    { "xml", L_XML, 0, 0 }, { "svg", L_XML, 0, 0 }, { "xsl", L_XML, 0, 0 },
    { "css", L_CSS, 0, 0 }, { "scss", L_SCSS, 0, 0 }, { "less", L_SCSS, 0, 0 },
    { "md", L_MD, 0, 0 }, { "markdown", L_MD, 0, 0 }, { "rst", L_RST, 0, 0 },
    { "yml", L_YAML, 0, 0 }, { "yaml", L_YAML, 0, 0 }, { "toml", L_TOML, 0, 0 },
    { "json", L_JSON, 0, 0 }, { "ini", L_INI, 0, 0 }, { "cfg", L_INI, 0, 0 },
    { "conf", L_INI, 0, 0 },
};

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

const pl_lang_t *pl_lang_at(int i)
{
    return i >= 0 && i < L_COUNT ? &LANGS[i] : NULL;
}

const pl_lang_t *pl_lang_by_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    const char *ext = dot && dot != base ? dot + 1 : NULL;
    int i;

    /* Dockerfile.dev, Makefile.inc: the whole name first, then its stem. */
    for (i = 0; i < COUNT(NAMES); i++) {
        const name_rule_t *n = &NAMES[i];
        if (n->whole ? strcmp(base, n->name) == 0
                       || (dot && strncmp(base, n->name, (apr_size_t)(dot - base)) == 0
                           && n->name[dot - base] == '\0')
                     : ext && strcmp(ext, n->name) == 0)
            return &LANGS[n->lang];
    }
    return NULL;
}

static int lang_by_word(const char *w, apr_size_t n)
{
    static const struct { const char *word; int lang; } WORDS[] = {
        { "python", L_PY }, { "node", L_JS }, { "nodejs", L_JS }, { "deno", L_TS },
        { "ts-node", L_TS }, { "ruby", L_RUBY }, { "perl", L_PERL }, { "sh", L_SH },
        { "bash", L_SH }, { "zsh", L_SH }, { "dash", L_SH }, { "ksh", L_SH },
        { "shell-script", L_SH }, { "php", L_PHP }, { "lua", L_LUA }, { "rscript", L_R },
        { "c", L_C }, { "c++", L_CXX }, { "javascript", L_JS }, { "js", L_JS },
        { "makefile", L_MAKE }, { "cperl", L_PERL }, { "go", L_GO }, { "rust", L_RUST },
    };
    int i;

    /* python3.11, perl5: the version does not matter. */
    while (n && (apr_isdigit(w[n - 1]) || w[n - 1] == '.'))
        n--;
    for (i = 0; i < COUNT(WORDS); i++)
        if (strlen(WORDS[i].word) == n && strncasecmp(WORDS[i].word, w, n) == 0)
            return WORDS[i].lang;
    return -1;
}

static int by_shebang(const char *s, const char *end)
{
    const char *w, *base;

    s += 2;
    for (;;) {
        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        w = s;
        while (s < end && !apr_isspace(*s))
            s++;
        if (s == w)
            return -1;
        base = w;
        for (const char *c = w; c < s; c++)
            if (*c == '/')
                base = c + 1;
        /* "/usr/bin/env -S python3 -u": the interpreter is the next word. */
        if ((s - base == 3 && memcmp(base, "env", 3) == 0) || *base == '-')
            continue;
        return lang_by_word(base, (apr_size_t)(s - base));
    }
}

static int by_mode_line(const char *s, const char *end)
{
    const char *open = NULL, *close, *v;
    apr_size_t i, n = (apr_size_t)(end - s);

    for (i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "-*-", 3) == 0) {
            open = s + i + 3;
            break;
        }
    if (!open)
        return -1;
    for (close = open; close + 3 <= end && memcmp(close, "-*-", 3) != 0; close++)
        ;
    if (close + 3 > end)
        return -1;
    for (v = open; v + 5 <= close; v++)
        if (strncasecmp(v, "mode:", 5) == 0) {
            open = v + 5;
            break;
        }
    while (open < close && apr_isspace(*open))
        open++;
    for (v = open; v < close && !apr_isspace(*v) && *v != ';'; v++)
        ;
    return lang_by_word(open, (apr_size_t)(v - open));
}

const pl_lang_t *pl_lang_by_content(const char *head, apr_size_t len)
{
    const char *end = head + len, *nl = memchr(head, '\n', len);
    const char *eol = nl ? nl : end;
    int lang = -1;

    if (len > 2 && head[0] == '#' && head[1] == '!') {
        lang = by_shebang(head, eol);
        /* The mode line may follow a shebang on the second line. */
        if (lang < 0 && nl) {
            const char *nl2 = memchr(nl + 1, '\n', (apr_size_t)(end - nl - 1));
            lang = by_mode_line(nl + 1, nl2 ? nl2 : end);
        }
    }
    else
        lang = by_mode_line(head, eol);
    return lang >= 0 ? &LANGS[lang] : NULL;
}

int pl_lang_ctags_map(int i, const char **parser, const char **pattern)
{
    int k;

    for (k = 0; k < COUNT(NAMES); k++) {
        if (!NAMES[k].ctags_map || i-- > 0)
            continue;
        *parser = LANGS[NAMES[k].lang].ctags;
        *pattern = NAMES[k].name;
        return NAMES[k].whole ? 2 : 1;
    }
    return 0;
}

static int has_suffix(const char *s, apr_size_t n, const char *suffix)
{
    apr_size_t k = strlen(suffix);

    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

int pl_lang_is_test(const char *path)
{
    static const char *const DIRS[] = { "test", "tests", "__tests__", "__test__", "spec", "specs",
                                        "testing", "t", "e2e", NULL };
    const char *comp = path, *slash, *dot;
    apr_size_t n;
    int i;

    while ((slash = strchr(comp, '/'))) {
        n = (apr_size_t)(slash - comp);
        for (i = 0; DIRS[i]; i++)
            if (strlen(DIRS[i]) == n && memcmp(comp, DIRS[i], n) == 0)
                return 1;
        comp = slash + 1;
    }
    /* comp is the base name now; n the length of its stem. */
    dot = strchr(comp, '.');
    n = dot ? (apr_size_t)(dot - comp) : strlen(comp);
    if (strncmp(comp, "test_", 5) == 0 || strcmp(comp, "conftest.py") == 0)
        return 1;
    if (has_suffix(comp, n, "_test") || has_suffix(comp, n, "_tests")
        || has_suffix(comp, n, "_spec"))
        return 1;
    if (strstr(comp, ".test.") || strstr(comp, ".spec."))
        return 1;
    /* FooTest.java, FooTests.cs, TestFoo.php: CamelCase names only. */
    if (apr_isupper(comp[0]) && (has_suffix(comp, n, "Test") || has_suffix(comp, n, "Tests")
                                 || has_suffix(comp, n, "TestCase")))
        return 1;
    if (strncmp(comp, "Test", 4) == 0 && apr_isupper(comp[4]))
        return 1;
    return dot && strcmp(dot, ".t") == 0;
}

/* 1 when a directory component of path is one of dirs. */
static int in_dir(const char *path, const char *const *dirs)
{
    const char *comp = path, *slash;
    int i;

    while ((slash = strchr(comp, '/'))) {
        apr_size_t n = (apr_size_t)(slash - comp);
        for (i = 0; dirs[i]; i++)
            if (strlen(dirs[i]) == n && strncasecmp(comp, dirs[i], n) == 0)
                return 1;
        comp = slash + 1;
    }
    return 0;
}

static int name_starts(const char *base, const char *const *names)
{
    int i;

    for (i = 0; names[i]; i++)
        if (strncasecmp(base, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

pl_file_role_e pl_lang_role(const char *path, const pl_lang_t *lang)
{
    static const char *const DOC_DIRS[] = { "doc", "docs", "documentation", "man", "manual",
                                            "website", "site", NULL };
    static const char *const EXAMPLE_DIRS[] = { "example", "examples", "sample", "samples",
                                                "demo", "demos", "tutorial", "tutorials",
                                                "cookbook", NULL };
    static const char *const BUILD_DIRS[] = { ".github", ".gitlab", ".circleci", "ci", "debian",
                                              ".devcontainer", NULL };
    static const char *const DOC_NAMES[] = { "readme", "changelog", "changes", "news", "history",
                                             "contributing", "license", "licence", "authors",
                                             "copying", "notice", "security", "code_of_conduct",
                                             NULL };
    static const char *const BUILD_NAMES[] = { "setup.py", "build.rs", "noxfile.py", "fabfile.py",
                                               "conanfile.py", "sconstruct", "rakefile", "gemfile",
                                               "gruntfile.js", "gulpfile.js", "webpack.config.",
                                               "rollup.config.", "vite.config.", "jest.config.",
                                               "babel.config.", "eslint.config.", NULL };
    static const char *const BUILD_LANGS[] = { "Makefile", "CMake", "Autoconf", "Dockerfile",
                                               "YAML", "TOML", "JSON", "INI", NULL };
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    int i;

    if (pl_lang_is_test(path))
        return PL_FILE_TEST;
    if (name_starts(base, DOC_NAMES) || in_dir(path, DOC_DIRS)
        || (lang && (!strcmp(lang->name, "Markdown") || !strcmp(lang->name, "reStructuredText"))))
        return PL_FILE_DOC;
    if (in_dir(path, EXAMPLE_DIRS))
        return PL_FILE_EXAMPLE;
    if (in_dir(path, BUILD_DIRS) || name_starts(base, BUILD_NAMES) || !strcasecmp(base, "configure"))
        return PL_FILE_BUILD;
    for (i = 0; lang && BUILD_LANGS[i]; i++)
        if (!strcmp(lang->name, BUILD_LANGS[i]))
            return PL_FILE_BUILD;
    return PL_FILE_CODE;
}

const char *pl_lang_role_name(pl_file_role_e role)
{
    static const char *const ROLES[] = { "code", "test", "example", "doc", "build" };

    return role >= PL_FILE_CODE && role <= PL_FILE_BUILD ? ROLES[role] : "code";
}

int pl_lang_is_function_kind(const char *kind)
{
    static const char *const KINDS[] = { "function", "method", "func", "subroutine", "procedure",
                                         "singletonMethod", "constructor", NULL };
    int i;

    for (i = 0; KINDS[i]; i++)
        if (strcmp(kind, KINDS[i]) == 0)
            return 1;
    return 0;
}
