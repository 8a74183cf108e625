/* SPDX-License-Identifier: Apache-2.0 */
/* One pass over a source file that classifies each line (blank, comment,
 * docstring, code) with the language's comment and string syntax, counts
 * branch points on each line for the complexity estimate, and records the
 * brace depth so that the end of a body can be found for languages where
 * ctags gives no end line. A lexer of this size is an approximation: string
 * prefixes, heredocs, regex literals and nested comments are not modelled. */
#ifndef PL_CODE_SCAN_H
#define PL_CODE_SCAN_H

#include <apr_errno.h>

#include "code/pl_lang.h"

enum { PL_LINE_BLANK, PL_LINE_COMMENT, PL_LINE_DOCSTRING, PL_LINE_CODE };

typedef struct {
    const char *text;
    apr_size_t len;
    const pl_lang_t *lang;
    int nlines;
    apr_size_t *start;          /* offset of line i (0-based); start[nlines] == len */
    unsigned char *kind;        /* PL_LINE_* */
    unsigned char *opens;       /* a '{' in code on the line */
    unsigned char *semi;        /* a ';' in code on the line */
    unsigned short *decisions;  /* branch points in code on the line */
    int *depth;                 /* brace depth at the start of line i; depth[nlines]: at the end */
    int code, comment, blank;   /* docstring lines count as comment */
} pl_code_scan_t;

/* text need not be NUL-terminated. The arrays are malloc'd, because workers
 * scan thousands of files in a row: release them with pl_code_scan_free.
 * Returns APR_ENOMEM when memory runs out. */
apr_status_t pl_code_scan(pl_code_scan_t *s, const char *text, apr_size_t len,
                          const pl_lang_t *lang);
void pl_code_scan_free(pl_code_scan_t *s);

/* The last line (1-based) of a body in braces that opens on line, or within
 * a few lines after it when function is set (a signature over several
 * lines); the line of the ';' when the declaration ends before any body; 0
 * when the language has no braces or neither is found. */
int pl_code_scan_block_end(const pl_code_scan_t *s, int line, int function);

/* Line i (1-based) without its end of line; *n its length. */
const char *pl_code_scan_line(const pl_code_scan_t *s, int line, apr_size_t *n);

#endif
