/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "code/pl_code_doc.h"

#define LEADING_MAX_LINES 60
#define ATTRIBUTE_MAX_LINES 8
#define HEADER_SEARCH_LINES 20
#define FILE_HEADER_LINES 200

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int starts(const char *s, apr_size_t n, const char *prefix)
{
    apr_size_t k = strlen(prefix);

    return n >= k && memcmp(s, prefix, k) == 0;
}

static int is_rule_char(char c)
{
    return c == '=' || c == '-' || c == '*' || c == '#' || c == '/' || c == '~' || c == '+'
        || c == '_';
}

/* Banner rules ("//===---===//", "-----") and Emacs mode lines ("-*- C++
 * -*-") around the words of a line, into b and n. */
static void strip_decoration(const char **b, apr_size_t *n)
{
    const char *s = *b;
    apr_size_t len = *n, k;

    for (k = 0; k + 3 <= len; k++)
        if (memcmp(s + k, "-*-", 3) == 0) {
            len = k;                /* the mode line ends the prose of its line */
            while (len && is_space(s[len - 1]))
                len--;
            /* "--- C++ -*-===//": the language named before the marker too. */
            if (len >= 4 && memcmp(s + len - 4, " C++", 4) == 0)
                len -= 4;
            break;
        }
    for (k = 0; k < len && is_rule_char(s[k]); k++)
        ;
    if (k >= 3 || k == len)
        s += k, len -= k;
    for (k = 0; k < len && is_rule_char(s[len - 1 - k]); k++)
        ;
    if (k >= 3)
        len -= k;
    while (len && is_space(*s))
        s++, len--;
    while (len && is_space(s[len - 1]))
        len--;
    *b = s;
    *n = len;
}

/* One line of a comment or docstring without its markers, into b and n. */
static void strip_markers(const pl_lang_t *lang, const char **b, apr_size_t *n)
{
    const char *s = *b;
    apr_size_t len = *n;
    int k, again = 1;

    while (len && is_space(*s))
        s++, len--;
    while (len && is_space(s[len - 1]))
        len--;
    while (again && len) {
        again = 0;
        if (lang->block_open && starts(s, len, lang->block_open)) {
            apr_size_t bo = strlen(lang->block_open);
            s += bo, len -= bo, again = 1;
        }
        for (k = 0; lang->line_comment[k]; k++)
            if (starts(s, len, lang->line_comment[k])) {
                const char *m = lang->line_comment[k];
                apr_size_t lc = strlen(m);
                s += lc, len -= lc, again = 1;
                /* "///", "##", "---": the marker's character repeated. */
                while (len && *s == m[lc - 1])
                    s++, len--;
            }
        /* The extra star or '!' of a doc comment opener, a leading star of a block. */
        if (len && (*s == '*' || *s == '!') && !starts(s, len, "*/"))
            s++, len--, again = 1;
        if (lang->flags & PL_LANG_DOCSTRING) {
            apr_size_t pre = 0;
            while (pre < len && pre < 2 && strchr("rRuUbBfF", s[pre]))
                pre++;
            if (len >= pre + 3 && (s[pre] == '"' || s[pre] == '\'') && s[pre + 1] == s[pre]
                && s[pre + 2] == s[pre])
                s += pre + 3, len -= pre + 3, again = 1;
        }
    }
    for (again = 1; again && len;) {
        again = 0;
        while (len && is_space(s[len - 1]))
            len--;
        if (lang->block_close && len >= strlen(lang->block_close)
            && memcmp(s + len - strlen(lang->block_close), lang->block_close,
                      strlen(lang->block_close)) == 0)
            len -= strlen(lang->block_close), again = 1;
        else if ((lang->flags & PL_LANG_DOCSTRING) && len >= 3
                 && (s[len - 1] == '"' || s[len - 1] == '\'') && s[len - 2] == s[len - 1]
                 && s[len - 3] == s[len - 1])
            len -= 3, again = 1;
    }
    while (len && is_space(*s))
        s++, len--;
    *b = s;
    *n = len;
    strip_decoration(b, n);
}

/* A licence or copyright notice is not what a file is about; the first
 * line of a paragraph tells. */
static int is_notice(const char *b, apr_size_t n)
{
    static const char *const NOTICES[] = {
        "SPDX-License-Identifier", "Copyright", "copyright", "(c)", "(C)", "\xC2\xA9",
        "License", "license", "This program is free software", "This file is part of",
        "This library is free", "distributed in the hope", "WITHOUT ANY WARRANTY",
        "Permission is hereby granted", "Redistribution and use", "You should have received",
        "Under Section 7", "All rights reserved", "@copyright", "vim:",
        "This software is available", "This Source Code Form", "Permission to use",
        "subject to the terms", NULL
    };
    apr_size_t j;
    int k;

    for (k = 0; NOTICES[k]; k++) {
        apr_size_t m = strlen(NOTICES[k]);
        for (j = 0; j + m <= n; j++)
            if (memcmp(b + j, NOTICES[k], m) == 0)
                return 1;
    }
    return 0;
}

/* Lines first..last (1-based) as prose: markers gone, empty lines at either
 * end dropped, cut to PL_CODE_DOC_MAX on a UTF-8 boundary; with
 * drop_notices, paragraphs that open with a notice are left out. */
static const char *block_text(apr_pool_t *p, const pl_code_scan_t *s, int first, int last,
                              int drop_notices)
{
    char *out = apr_palloc(p, PL_CODE_DOC_MAX + 1);
    apr_size_t used = 0, pending_newlines = 0;
    int i, in_paragraph = 0, skipping = 0;

    for (i = first; i <= last && used < PL_CODE_DOC_MAX; i++) {
        apr_size_t n;
        const char *b = pl_code_scan_line(s, i, &n);

        strip_markers(s->lang, &b, &n);
        if (n == 0) {
            if (used)
                pending_newlines++;
            in_paragraph = skipping = 0;
            continue;
        }
        /* An SPDX tag is a line of its own, often right above the real header. */
        if (drop_notices && n >= 23 && memmem(b, n, "SPDX-License-Identifier", 23)) {
            in_paragraph = skipping = 0;
            continue;
        }
        if (!in_paragraph) {
            in_paragraph = 1;
            skipping = drop_notices && is_notice(b, n);
        }
        if (skipping)
            continue;
        if (used) {
            apr_size_t nl = pending_newlines ? 2 : 1;
            if (used + nl >= PL_CODE_DOC_MAX)
                break;
            memcpy(out + used, "\n\n", nl);
            used += nl;
        }
        pending_newlines = 0;
        if (used + n > PL_CODE_DOC_MAX) {
            n = PL_CODE_DOC_MAX - used;
            while (n && ((unsigned char)b[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(out + used, b, n);
        used += n;
    }
    if (!used)
        return NULL;
    out[used] = '\0';
    return out;
}

static int is_shebang(const pl_code_scan_t *s)
{
    apr_size_t n;
    const char *b = pl_code_scan_line(s, 1, &n);

    return starts(b, n, "#!");
}

static int is_attribute(const pl_code_scan_t *s, int line)
{
    apr_size_t n;
    const char *b = pl_code_scan_line(s, line, &n);

    while (n && is_space(*b))
        b++, n--;
    return n && (*b == '@' || starts(b, n, "#["));
}

/* The attributes and then the comment right above line: *first is the top
 * line of the comment (or of the attributes), *last the line just above
 * the attributes (the comment's bottom line when there is one). */
static void leading_span(const pl_code_scan_t *s, int line, int *first, int *last)
{
    int k = line - 1, skipped = 0;

    if (s->lang->flags & PL_LANG_ATTRIBUTES)
        while (k >= 1 && skipped < ATTRIBUTE_MAX_LINES && s->kind[k - 1] == PL_LINE_CODE
               && is_attribute(s, k))
            k--, skipped++;
    *last = k;
    while (k >= 1 && *last - k < LEADING_MAX_LINES && s->kind[k - 1] == PL_LINE_COMMENT
           && !(k == 1 && is_shebang(s)))
        k--;
    *first = k + 1;
}

const char *pl_code_doc_leading(apr_pool_t *p, const pl_code_scan_t *s, int line)
{
    int first, last;

    leading_span(s, line, &first, &last);
    return first <= last ? block_text(p, s, first, last, 0) : NULL;
}

int pl_code_doc_leading_start(const pl_code_scan_t *s, int line)
{
    int first, last;

    leading_span(s, line, &first, &last);
    return first;
}

/* The line holding the closing quotes of the docstring opened on line
 * first (blank lines inside it are classed blank, not docstring). */
static int docstring_end(const pl_code_scan_t *s, int first)
{
    apr_size_t n;
    const char *b = pl_code_scan_line(s, first, &n), *e = b + n, *q;
    char quote[3];
    int k;

    while (b < e && (is_space(*b) || strchr("rRuUbBfF", *b)))
        b++;
    if (e - b < 3)
        return first;
    memset(quote, *b, 3);
    for (q = b + 3; q + 3 <= e; q++)
        if (memcmp(q, quote, 3) == 0)
            return first;
    for (k = first + 1; k <= s->nlines; k++) {
        b = pl_code_scan_line(s, k, &n);
        for (q = b; q + 3 <= b + n; q++)
            if (memcmp(q, quote, 3) == 0)
                return k;
        if (s->kind[k - 1] == PL_LINE_CODE)
            return k - 1;
    }
    return s->nlines;
}

const char *pl_code_doc_docstring(apr_pool_t *p, const pl_code_scan_t *s, int line)
{
    int k, header_end = 0, first;

    if (!(s->lang->flags & PL_LANG_DOCSTRING))
        return NULL;
    /* The header ends at the first line ending in ':' (signatures may span lines). */
    for (k = line; k <= s->nlines && k < line + HEADER_SEARCH_LINES; k++) {
        apr_size_t n;
        const char *b = pl_code_scan_line(s, k, &n);
        while (n && is_space(b[n - 1]))
            n--;
        if (n && b[n - 1] == ':') {
            header_end = k;
            break;
        }
    }
    if (!header_end)
        return NULL;
    for (k = header_end + 1; k <= s->nlines && s->kind[k - 1] == PL_LINE_BLANK; k++)
        ;
    if (k > s->nlines || s->kind[k - 1] != PL_LINE_DOCSTRING)
        return NULL;
    first = k;
    return block_text(p, s, first, docstring_end(s, first), 0);
}

/* 1 when line ends a block comment: consecutive one-line block comments
 * are separate comments. */
static int closes_block(const pl_code_scan_t *s, int line)
{
    const char *close = s->lang->block_close;
    apr_size_t n, k;
    const char *b = pl_code_scan_line(s, line, &n);

    if (!close)
        return 0;
    k = strlen(close);
    while (n && is_space(b[n - 1]))
        n--;
    return n >= k && memcmp(b + n - k, close, k) == 0;
}

const char *pl_code_doc_header(apr_pool_t *p, const pl_code_scan_t *s)
{
    const char *text;
    int k = 1, first, kind;

    if (s->nlines >= 1 && is_shebang(s))
        k = 2;
    while (k <= s->nlines && k <= FILE_HEADER_LINES) {
        kind = s->kind[k - 1];
        if (kind == PL_LINE_CODE)
            return NULL;
        if (kind == PL_LINE_BLANK) {
            k++;
            continue;
        }
        first = k;
        while (k < s->nlines && s->kind[k] == kind && !closes_block(s, k))
            k++;
        if ((text = block_text(p, s, first, k, 1)))
            return text;
        k++;
    }
    return NULL;
}
