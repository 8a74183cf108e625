/* SPDX-License-Identifier: Apache-2.0 */
/* A file's symbols from its ctags tags and its text: the kinds worth
 * keeping, signatures ctags leaves out (TypeScript, arrow functions), end
 * lines by brace matching where ctags gives none, docs, and the complexity
 * estimate: 1 + the branch points on a function's lines outside the
 * functions nested in it. */
#ifndef PL_CODE_SYMBOLS_H
#define PL_CODE_SYMBOLS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_code.h"
#include "code/pl_code_scan.h"

/* Appends to f->symbols the definitions among tags (pl_ctags_tag_t, may be
 * NULL), and to refs (pl_code_import_t) the imports among them. */
void pl_code_symbols(apr_pool_t *p, pl_code_file_t *f, const pl_code_scan_t *s,
                     const apr_array_header_t *tags, apr_array_header_t *refs);

/* Sets each function's complexity; returns their sum (0 when the language
 * has no branch keywords). */
int pl_code_symbols_complexity(pl_code_file_t *f, const pl_code_scan_t *s);

#endif
