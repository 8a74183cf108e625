/* SPDX-License-Identifier: Apache-2.0 */
/* The prose next to code, read from the file itself with the line classes
 * of pl_code_scan: the comment just above a symbol (across decorators and
 * attributes), a Python docstring just below its header, and the first
 * comment block of a file (past the shebang and the licence header). Comment
 * markers, leading stars and quotes are stripped; at most PL_CODE_DOC_MAX
 * bytes are kept. */
#ifndef PL_CODE_DOC_H
#define PL_CODE_DOC_H

#include <apr_pools.h>

#include "code/pl_code_scan.h"

#define PL_CODE_DOC_MAX 2000

/* NULL when there is none. line is 1-based. */
const char *pl_code_doc_leading(apr_pool_t *p, const pl_code_scan_t *s, int line);
/* The first line of what belongs above line: its leading comment and the
 * attributes or decorators between them; line itself when there is none. */
int pl_code_doc_leading_start(const pl_code_scan_t *s, int line);
const char *pl_code_doc_docstring(apr_pool_t *p, const pl_code_scan_t *s, int line);
const char *pl_code_doc_header(apr_pool_t *p, const pl_code_scan_t *s);

#endif
