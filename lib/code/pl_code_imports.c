/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "code/pl_code_imports.h"

static int is_lang(const pl_lang_t *lang, const char *name)
{
    return strcmp(lang->name, name) == 0;
}

static void push(apr_array_header_t *refs, const char *module, const char *name, int how)
{
    pl_code_import_t *r = apr_array_push(refs);

    r->module = module;
    r->name = name;
    r->how = how;
}

int pl_code_imports_from_tag(const pl_lang_t *lang, const pl_ctags_tag_t *t,
                             apr_array_header_t *refs)
{
    const char *role = t->role, *kind = t->kind;

    if (!role)
        return 0;
    if (is_lang(lang, "Python")) {
        if (strcmp(kind, "module") == 0)
            push(refs, t->name, NULL, PL_IMPORT_PYTHON);
        else if (strcmp(kind, "unknown") == 0 && t->scope)
            push(refs, t->scope, t->name, PL_IMPORT_PYTHON);   /* from scope import name */
        else
            return 0;
        return 1;
    }
    if (strcmp(kind, "header") == 0) {
        push(refs, t->name, NULL,
             strcmp(role, "local") == 0 ? PL_IMPORT_C_LOCAL : PL_IMPORT_C_SYSTEM);
        return 1;
    }
    if (strcmp(kind, "package") == 0 && strcmp(role, "imported") == 0) {
        if (is_lang(lang, "Go"))
            push(refs, t->name, NULL, PL_IMPORT_GO);
        else if (is_lang(lang, "Java"))
            push(refs, t->name, NULL, PL_IMPORT_JAVA);
        else
            return 0;
        return 1;
    }
    if (strcmp(kind, "library") == 0 && is_lang(lang, "Ruby")) {
        push(refs, t->name, NULL,
             strcmp(role, "requiredRel") == 0 ? PL_IMPORT_RUBY_RELATIVE : PL_IMPORT_RUBY);
        return 1;
    }
    return 0;
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '$';
}

static const char *skip_space(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The word at p, alone (not inside a longer identifier). */
static int word_at(const char *line, const char *p, const char *e, const char *w)
{
    apr_size_t n = strlen(w);

    return (apr_size_t)(e - p) >= n && memcmp(p, w, n) == 0 && (p == line || !ident_char(p[-1]))
        && (p + n == e || !ident_char(p[n]));
}

/* A quoted literal at p (after blanks and, when paren, one '('), or NULL. */
static const char *literal(apr_pool_t *p, const char *s, const char *e, int paren)
{
    const char *q;
    char quote;

    s = skip_space(s, e);
    if (paren) {
        if (s >= e || *s != '(')
            return NULL;
        s = skip_space(s + 1, e);
    }
    if (s >= e || (*s != '"' && *s != '\'' && *s != '`'))
        return NULL;
    quote = *s++;
    for (q = s; q < e && *q != quote; q++)
        if (*q == '\\')
            return NULL;
    return q < e && q > s ? apr_pstrmemdup(p, s, (apr_size_t)(q - s)) : NULL;
}

static void scan_js(apr_pool_t *p, const char *line, const char *e, apr_array_header_t *refs)
{
    const char *s, *m;

    for (s = line; s < e; s++) {
        if (*s != 'f' && *s != 'i' && *s != 'r')
            continue;
        m = NULL;
        if (word_at(line, s, e, "from"))
            m = literal(p, s + 4, e, 0);
        else if (word_at(line, s, e, "import"))
            m = literal(p, s + 6, e, 0) ? literal(p, s + 6, e, 0) : literal(p, s + 6, e, 1);
        else if (word_at(line, s, e, "require"))
            m = literal(p, s + 7, e, 1);
        if (m)
            push(refs, m, NULL, PL_IMPORT_JS);
    }
}

/* "use crate::a::b::{c, d};" -> "crate::a::b"; "mod x;" -> "x". */
static void scan_rust(apr_pool_t *p, const char *s, const char *e, apr_array_header_t *refs)
{
    const char *w;

    if (word_at(s, s, e, "pub")) {
        s += 3;
        if (s < e && *s == '(')
            while (s < e && *s++ != ')')
                ;
        s = skip_space(s, e);
    }
    if (word_at(s, s, e, "mod")) {
        s = skip_space(s + 3, e);
        for (w = s; w < e && ident_char(*w); w++)
            ;
        if (w > s && skip_space(w, e) < e && *skip_space(w, e) == ';')
            push(refs, apr_pstrmemdup(p, s, (apr_size_t)(w - s)), NULL, PL_IMPORT_RUST_MOD);
        return;
    }
    if (!word_at(s, s, e, "use"))
        return;
    s = skip_space(s + 3, e);
    for (w = s; w < e && (ident_char(*w) || *w == ':'); w++)
        ;
    while (w > s && w[-1] == ':')
        w--;
    if (w > s && (strncmp(s, "crate::", 7) == 0 || strncmp(s, "self::", 6) == 0
                  || strncmp(s, "super::", 7) == 0))
        push(refs, apr_pstrmemdup(p, s, (apr_size_t)(w - s)), NULL, PL_IMPORT_RUST_USE);
}

static void scan_php(apr_pool_t *p, const char *s, const char *e, apr_array_header_t *refs)
{
    static const char *const FILE_WORDS[] = { "require_once", "require", "include_once",
                                              "include", NULL };
    const char *w, *lit;
    int i;

    if (word_at(s, s, e, "use")) {
        s = skip_space(s + 3, e);
        if (word_at(s, s, e, "function") || word_at(s, s, e, "const"))
            return;
        for (w = s; w < e && (ident_char(*w) || *w == '\\'); w++)
            ;
        if (w > s && w[-1] != '\\')
            push(refs, apr_pstrmemdup(p, s, (apr_size_t)(w - s)), NULL, PL_IMPORT_PHP_USE);
        return;
    }
    for (i = 0; FILE_WORDS[i]; i++) {
        const char *k = s;
        if (!word_at(s, s, e, FILE_WORDS[i]))
            continue;
        /* require __DIR__ . '/x.php': the literal after the concatenation. */
        for (k = s + strlen(FILE_WORDS[i]); k < e && *k != '\'' && *k != '"' && *k != ';'; k++)
            ;
        if ((lit = literal(p, k, e, 0)))
            push(refs, lit, NULL, PL_IMPORT_PHP_FILE);
        return;
    }
}

void pl_code_imports_scan(apr_pool_t *p, const pl_code_scan_t *s, apr_array_header_t *refs)
{
    const pl_lang_t *lang = s->lang;
    int js = is_lang(lang, "JavaScript") || is_lang(lang, "TypeScript");
    int rust = is_lang(lang, "Rust"), php = is_lang(lang, "PHP");
    int i;

    if (!js && !rust && !php)
        return;
    for (i = 1; i <= s->nlines; i++) {
        apr_size_t n;
        const char *line, *e;

        if (s->kind[i - 1] != PL_LINE_CODE)
            continue;
        line = pl_code_scan_line(s, i, &n);
        e = line + n;
        if (js) {
            scan_js(p, line, e, refs);
            continue;
        }
        line = skip_space(line, e);
        if (rust)
            scan_rust(p, line, e, refs);
        else
            scan_php(p, line, e, refs);
    }
}

apr_array_header_t *pl_code_imports_written(apr_pool_t *p, const apr_array_header_t *refs)
{
    apr_array_header_t *out = apr_array_make(p, refs ? refs->nelts : 0, sizeof(const char *));
    apr_hash_t *seen;
    int i;

    if (!refs || refs->nelts == 0)
        return out;
    seen = apr_hash_make(p);
    for (i = 0; i < refs->nelts; i++) {
        const char *m = APR_ARRAY_IDX(refs, i, pl_code_import_t).module;
        if (apr_hash_get(seen, m, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(seen, m, APR_HASH_KEY_STRING, m);
        APR_ARRAY_PUSH(out, const char *) = m;
    }
    return out;
}
