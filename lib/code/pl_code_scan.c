/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "code/pl_code_scan.h"

enum { S_CODE, S_BLOCK, S_STRING, S_TRIPLE };

#define BODY_SEARCH_LINES 10    /* how far a function's '{' may follow its name */

typedef struct {
    const pl_lang_t *lang;
    apr_size_t line_len[3], bo_len, bc_len;
    unsigned char kw_first[256];    /* first letters of the decision keywords */
    int state, multiline, doc;
    char quote;
} lexer_t;

static int is_ident(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c >= 0x80;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int any_text(const char *a, const char *b)
{
    for (; a < b; a++)
        if (!is_space(*a))
            return 1;
    return 0;
}

static int is_decision(const lexer_t *lx, const char *w, apr_size_t n)
{
    const char *const *k;

    if (!lx->kw_first[(unsigned char)w[0]] || n > 8)
        return 0;
    for (k = lx->lang->decisions; *k; k++)
        if (strncmp(*k, w, n) == 0 && (*k)[n] == '\0')
            return 1;
    return 0;
}

/* Past the closing quote of a string that started before p, or le. */
static const char *string_end(const char *p, const char *le, char q, int *closed)
{
    for (; p < le; p++) {
        if (*p == '\\')
            p++;
        else if (*p == q) {
            *closed = 1;
            return p + 1;
        }
    }
    *closed = 0;
    return le;
}

static const char *triple_end(const char *p, const char *le, char q, int *closed)
{
    for (; p < le; p++) {
        if (*p == '\\')
            p++;
        else if (*p == q && p + 2 < le && p[1] == q && p[2] == q) {
            *closed = 1;
            return p + 3;
        }
    }
    *closed = 0;
    return le;
}

static const char *find(const char *p, const char *le, const char *needle, apr_size_t n)
{
    for (; p + n <= le; p++)
        if (*p == needle[0] && memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

static int line_comment_at(const lexer_t *lx, const char *line, const char *p, const char *le)
{
    int k;

    for (k = 0; lx->lang->line_comment[k]; k++) {
        const char *m = lx->lang->line_comment[k];
        if (*p != m[0] || (apr_size_t)(le - p) < lx->line_len[k]
            || memcmp(p, m, lx->line_len[k]) != 0)
            continue;
        if (m[0] == '#' && p > line) {
            /* $# in Perl and shell, ${#x} and a#b in shell are not comments. */
            if (p[-1] == '$' || ((lx->lang->flags & PL_LANG_WORD_HASH) && !is_space(p[-1])
                                 && !strchr(";|&()", p[-1])))
                continue;
        }
        return 1;
    }
    return 0;
}

/* One line of code state onwards; fills the line's flags in s. */
static void scan_line(lexer_t *lx, pl_code_scan_t *s, int li, int *depth)
{
    const pl_lang_t *lang = lx->lang;
    const char *line = s->text + s->start[li], *p = line;
    const char *le = s->text + s->start[li + 1];
    int has_code = 0, has_comment = 0, has_doc = 0, closed;
    unsigned dec = 0;

    if (le > line && le[-1] == '\n')
        le--;
    while (p < le) {
        char c = *p;

        if (lx->state == S_BLOCK) {
            const char *e = find(p, le, lang->block_close, lx->bc_len);
            const char *stop = e ? e + lx->bc_len : le;
            has_comment |= any_text(p, stop);
            if (e)
                lx->state = S_CODE;
            p = stop;
            continue;
        }
        if (lx->state == S_STRING) {
            p = string_end(p, le, lx->quote, &closed);
            has_code = 1;
            if (closed)
                lx->state = S_CODE;
            continue;
        }
        if (lx->state == S_TRIPLE) {
            const char *e = triple_end(p, le, lx->quote, &closed);
            if (any_text(p, e))
                *(lx->doc ? &has_doc : &has_code) = 1;
            if (closed)
                lx->state = S_CODE;
            p = e;
            continue;
        }
        if (is_space(c)) {
            p++;
            continue;
        }
        if (lang->block_open && c == lang->block_open[0] && (apr_size_t)(le - p) >= lx->bo_len
            && memcmp(p, lang->block_open, lx->bo_len) == 0) {
            lx->state = S_BLOCK;
            has_comment = 1;
            p += lx->bo_len;
            continue;
        }
        if (line_comment_at(lx, line, p, le)) {
            has_comment = 1;
            break;
        }
        if ((lang->flags & PL_LANG_DOCSTRING) && (c == '"' || c == '\'') && le - p >= 3
            && p[1] == c && p[2] == c) {
            lx->state = S_TRIPLE;
            lx->quote = c;
            lx->doc = !has_code;
            *(lx->doc ? &has_doc : &has_code) = 1;
            p += 3;
            continue;
        }
        if (c && ((lang->quotes && strchr(lang->quotes, c))
                  || (lang->multiline_quote && strchr(lang->multiline_quote, c)))) {
            lx->state = S_STRING;
            lx->quote = c;
            lx->multiline = !(lang->quotes && strchr(lang->quotes, c));
            has_code = 1;
            p++;
            continue;
        }
        if (is_ident((unsigned char)c)) {
            const char *w = p;
            while (p < le && is_ident((unsigned char)*p))
                p++;
            /* r"""...""" and b'...': the prefix belongs to the string. */
            if ((lang->flags & PL_LANG_DOCSTRING) && p < le && (*p == '"' || *p == '\'')
                && p - w <= 2 && strspn(w, "rRuUbBfF") >= (apr_size_t)(p - w))
                continue;
            has_code = 1;
            if (lang->decisions && !(c >= '0' && c <= '9')
                && !(w > line && strchr(".$@:", w[-1])) && is_decision(lx, w, (apr_size_t)(p - w)))
                dec++;
            continue;
        }
        has_code = 1;
        switch (c) {
        case '{':
            if (lang->flags & PL_LANG_BRACES) {
                (*depth)++;
                s->opens[li] = 1;
            }
            break;
        case '}':
            if (lang->flags & PL_LANG_BRACES)
                (*depth)--;
            break;
        case ';':
            s->semi[li] = 1;
            break;
        case '&':
        case '|':
            if ((lang->flags & PL_LANG_LOGIC_OPS) && p + 1 < le && p[1] == c) {
                dec++;
                p++;
            }
            break;
        case '?':
            if ((lang->flags & PL_LANG_TERNARY) && p > line && is_space(p[-1])
                && (p + 1 == le || is_space(p[1])))
                dec++;
            break;
        case '=':
            if ((lang->flags & PL_LANG_MATCH_ARMS) && p + 1 < le && p[1] == '>') {
                dec++;
                p++;
            }
            break;
        default:
            break;
        }
        p++;
    }
    if (lx->state == S_STRING && !lx->multiline)
        lx->state = S_CODE;
    s->decisions[li] = (unsigned short)(dec > 65535 ? 65535 : dec);
    if (has_code) {
        s->kind[li] = PL_LINE_CODE;
        s->code++;
    }
    else if (has_comment || has_doc) {
        s->kind[li] = has_comment ? PL_LINE_COMMENT : PL_LINE_DOCSTRING;
        s->comment++;
    }
    else {
        s->kind[li] = PL_LINE_BLANK;
        s->blank++;
    }
}

apr_status_t pl_code_scan(pl_code_scan_t *s, const char *text, apr_size_t len,
                          const pl_lang_t *lang)
{
    const char *p = text, *end = text + len, *nl;
    lexer_t lx;
    apr_size_t n = 0, bytes;
    char *block;
    int li, depth = 0, k;

    memset(s, 0, sizeof(*s));
    s->text = text;
    s->len = len;
    s->lang = lang;
    while ((nl = memchr(p, '\n', (apr_size_t)(end - p)))) {
        n++;
        p = nl + 1;
    }
    if (p < end)
        n++;
    bytes = (n + 1) * (sizeof(apr_size_t) + sizeof(int)) + n * (sizeof(unsigned short) + 3);
    block = calloc(1, bytes ? bytes : 1);
    if (!block)
        return APR_ENOMEM;
    s->nlines = (int)n;
    s->start = (apr_size_t *)block;
    s->depth = (int *)(block + (n + 1) * sizeof(apr_size_t));
    s->decisions = (unsigned short *)((char *)s->depth + (n + 1) * sizeof(int));
    s->kind = (unsigned char *)(s->decisions + n);
    s->opens = s->kind + n;
    s->semi = s->opens + n;

    for (li = 0, p = text; li < (int)n; li++) {
        s->start[li] = (apr_size_t)(p - text);
        nl = memchr(p, '\n', (apr_size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    s->start[n] = len;
    /* A UTF-8 byte order mark is not text of the first line. */
    if (n && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 && s->start[1] >= 3)
        s->start[0] = 3;

    memset(&lx, 0, sizeof(lx));
    lx.lang = lang;
    for (k = 0; lang->line_comment[k]; k++)
        lx.line_len[k] = strlen(lang->line_comment[k]);
    lx.bo_len = lang->block_open ? strlen(lang->block_open) : 0;
    lx.bc_len = lang->block_close ? strlen(lang->block_close) : 0;
    if (lang->decisions)
        for (k = 0; lang->decisions[k]; k++)
            lx.kw_first[(unsigned char)lang->decisions[k][0]] = 1;
    for (li = 0; li < (int)n; li++) {
        s->depth[li] = depth;
        scan_line(&lx, s, li, &depth);
    }
    s->depth[n] = depth;
    return APR_SUCCESS;
}

void pl_code_scan_free(pl_code_scan_t *s)
{
    free(s->start);
    s->start = NULL;
}

int pl_code_scan_block_end(const pl_code_scan_t *s, int line, int function)
{
    int i, last, open = 0, d;

    if (!(s->lang->flags & PL_LANG_BRACES) || line < 1 || line > s->nlines)
        return 0;
    last = function ? line + BODY_SEARCH_LINES : line;
    if (last > s->nlines)
        last = s->nlines;
    for (i = line; i <= last; i++) {
        if (s->opens[i - 1]) {
            open = i;
            break;
        }
        if (s->semi[i - 1])
            return i;               /* a declaration without a body */
    }
    if (!open)
        return 0;
    d = s->depth[open - 1];
    for (i = open; i <= s->nlines; i++)
        if (s->depth[i] <= d)
            return i;
    return s->nlines;
}

const char *pl_code_scan_line(const pl_code_scan_t *s, int line, apr_size_t *n)
{
    const char *b, *e;

    if (line < 1 || line > s->nlines) {
        *n = 0;
        return "";
    }
    b = s->text + s->start[line - 1];
    e = s->text + s->start[line];
    if (e > b && e[-1] == '\n')
        e--;
    if (e > b && e[-1] == '\r')
        e--;
    *n = (apr_size_t)(e - b);
    return b;
}
