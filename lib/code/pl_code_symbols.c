/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "code/pl_code_doc.h"
#include "code/pl_code_imports.h"
#include "code/pl_code_symbols.h"

#define MAX_SIGNATURE 300

/* Definitions that are not what a plan's evidence is made of: import
 * aliases, fields, parameters, package clauses. */
static int is_wanted_kind(const pl_lang_t *lang, const char *kind)
{
    static const char *const DROP[] = {
        "package", "packageName", "alias", "unknown", "parameter", "local", "label",
        "enumerator", "field", "property", "header", "library", "macroparam", "tparam",
        "externvar", "prototype", "using", "name", NULL
    };
    int python = strcmp(lang->name, "Python") == 0;
    int i;

    /* Python's "member" is a method, its "namespace" an "import x as y". */
    if (strcmp(kind, "member") == 0)
        return python;
    if (strcmp(kind, "namespace") == 0)
        return !python;
    for (i = 0; DROP[i]; i++)
        if (strcmp(kind, DROP[i]) == 0)
            return 0;
    return 1;
}

static const char *normal_kind(const pl_lang_t *lang, const char *kind)
{
    /* ctags calls Python methods "member". */
    return strcmp(kind, "member") == 0 && strcmp(lang->name, "Python") == 0 ? "method" : kind;
}

static int by_line(const void *a, const void *b)
{
    const pl_symbol_t *x = *(pl_symbol_t *const *)a, *y = *(pl_symbol_t *const *)b;

    return x->line != y->line ? (x->line > y->line) - (x->line < y->line)
                              : (y->end_line > x->end_line) - (y->end_line < x->end_line);
}

int pl_code_symbols_complexity(pl_code_file_t *f, const pl_code_scan_t *s)
{
    apr_array_header_t *syms = f->symbols;
    pl_symbol_t **funcs;
    int *owner, nfuncs = 0, i, k, total = 0;

    if (!s->lang->decisions || syms->nelts == 0 || s->nlines == 0)
        return 0;
    funcs = malloc(sizeof(*funcs) * (size_t)syms->nelts);
    owner = malloc(sizeof(int) * (size_t)s->nlines);
    if (!funcs || !owner) {
        free(funcs);
        free(owner);
        return 0;
    }
    for (i = 0; i < syms->nelts; i++) {
        pl_symbol_t *sym = &APR_ARRAY_IDX(syms, i, pl_symbol_t);
        if (pl_lang_is_function_kind(sym->kind) && sym->end_line >= sym->line && sym->line > 0)
            funcs[nfuncs++] = sym;
    }
    qsort(funcs, (size_t)nfuncs, sizeof(*funcs), by_line);
    for (i = 0; i < s->nlines; i++)
        owner[i] = -1;
    for (k = 0; k < nfuncs; k++)
        for (i = funcs[k]->line; i <= funcs[k]->end_line && i <= s->nlines; i++)
            owner[i - 1] = k;
    for (k = 0; k < nfuncs; k++)
        funcs[k]->complexity = 1;
    for (i = 0; i < s->nlines; i++)
        if (owner[i] >= 0)
            funcs[owner[i]]->complexity += s->decisions[i];
    for (k = 0; k < nfuncs; k++)
        total += funcs[k]->complexity;
    free(funcs);
    free(owner);
    return total;
}

/* Where name stands alone on line, or NULL. */
static const char *find_word(const pl_code_scan_t *s, const char *name, int line,
                             const char **end)
{
    apr_size_t n, k = strlen(name);
    const char *b = pl_code_scan_line(s, line, &n), *at;

    *end = b + n;
    for (at = b; at + k <= *end; at++)
        if (memcmp(at, name, k) == 0 && (at == b || !(apr_isalnum(at[-1]) || at[-1] == '_'))
            && (at + k == *end || !(apr_isalnum(at[k]) || at[k] == '_')))
            return at;
    return NULL;
}

/* The balanced parentheses that open at q, or NULL. */
static const char *parens(apr_pool_t *p, const char *q, const char *e)
{
    const char *at = q;
    int depth = 0;

    for (; q < e; q++) {
        depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
        if (depth == 0)
            return q - at < MAX_SIGNATURE ? apr_pstrmemdup(p, at, (apr_size_t)(q - at + 1)) : NULL;
    }
    return NULL;
}

/* The parameter list after name on its line, for the parsers (TypeScript)
 * that give no signature; NULL when it does not close on that line. */
static const char *signature_from_source(apr_pool_t *p, const pl_code_scan_t *s,
                                         const char *name, int line)
{
    const char *e, *at = find_word(s, name, line, &e), *q;
    int depth = 0;

    if (!at)
        return NULL;
    for (q = at + strlen(name); q < e && (*q == ' ' || *q == '<' || depth); q++)
        depth += *q == '<' ? 1 : *q == '>' ? -1 : 0;   /* generic parameters */
    return q < e && *q == '(' ? parens(p, q, e) : NULL;
}

/* "const f = (a) => ...", "let g = async function (b) {": ctags 5.9 calls
 * these constants and variables; they are functions, with the parameters
 * of the value as signature (*signature NULL for "x => x"). */
static int is_function_value(apr_pool_t *p, const pl_code_scan_t *s, const char *name,
                             int line, const char **signature)
{
    const char *e, *at = find_word(s, name, line, &e), *eq, *arrow = NULL, *fn = NULL, *q;

    *signature = NULL;
    if (!at || !(eq = memchr(at, '=', (apr_size_t)(e - at))) || eq + 1 >= e || eq[1] == '=')
        return 0;
    for (q = eq + 1; q + 1 < e && !arrow; q++)
        if (q[0] == '=' && q[1] == '>')
            arrow = q;
    for (q = eq + 1; q + 8 <= e && !fn; q++)
        if (memcmp(q, "function", 8) == 0)
            fn = q;
    if (!arrow && !fn)
        return 0;
    q = memchr(eq, '(', (apr_size_t)(e - eq));
    if (q && (!arrow || q < arrow))
        *signature = parens(p, q, e);
    return 1;
}

void pl_code_symbols(apr_pool_t *p, pl_code_file_t *f, const pl_code_scan_t *s,
                     const apr_array_header_t *tags, apr_array_header_t *refs)
{
    const pl_lang_t *lang = s->lang;
    int i;

    for (i = 0; tags && i < tags->nelts; i++) {
        const pl_ctags_tag_t *t = &APR_ARRAY_IDX(tags, i, pl_ctags_tag_t);
        pl_symbol_t *sym;
        int function;

        if (t->role) {
            pl_code_imports_from_tag(lang, t, refs);
            continue;
        }
        if (!is_wanted_kind(lang, t->kind) || t->line < 1)
            continue;
        sym = apr_array_push(f->symbols);
        memset(sym, 0, sizeof(*sym));
        sym->name = t->name;
        sym->kind = normal_kind(lang, t->kind);
        if ((strcmp(sym->kind, "constant") == 0 || strcmp(sym->kind, "variable") == 0)
            && (strcmp(lang->name, "JavaScript") == 0 || strcmp(lang->name, "TypeScript") == 0)
            && is_function_value(p, s, t->name, t->line, &sym->signature))
            sym->kind = "function";
        sym->scope = t->scope;
        sym->line = t->line;
        function = pl_lang_is_function_kind(sym->kind);
        if (!sym->signature)
            sym->signature = t->signature;
        if (!sym->signature && function && (lang->flags & PL_LANG_BRACES))
            sym->signature = signature_from_source(p, s, t->name, t->line);
        sym->end_line = t->end_line ? t->end_line : pl_code_scan_block_end(s, t->line, function);
        if (lang->flags & PL_LANG_DOCSTRING)
            sym->doc = pl_code_doc_docstring(p, s, t->line);
        if (!sym->doc)
            sym->doc = pl_code_doc_leading(p, s, t->line);
    }
}
