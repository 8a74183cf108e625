/* SPDX-License-Identifier: Apache-2.0 */
/* A file cut into retrieval documents for the plan analysis: one chunk per
 * definition ctags reports (functions, methods, classes, struct fields,
 * members, properties, enum types, option declarations: the help text of
 * an option lives in its field), with the comment, attribute and
 * decorator lines right above it; a chunk longer than PL_CHUNK_MAX_LINES
 * is split into overlapping windows, and lines no definition holds (a
 * header whose API hides behind an export macro, a shell script) are
 * covered by overlapping windows of PL_CHUNK_WINDOW lines every
 * PL_CHUNK_STEP. Overlap keeps a feature that straddles a window border
 * whole in one of them. */
#ifndef PL_CODE_CHUNK_H
#define PL_CODE_CHUNK_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_code.h"
#include "code/pl_code_scan.h"

#define PL_CHUNK_MAX_LINES 150
#define PL_CHUNK_WINDOW 40
#define PL_CHUNK_STEP 20

/* Sets f->chunks from the definitions among tags (pl_ctags_tag_t, may be
 * NULL) and the line kinds of s; f->symbols must be set already, so that
 * chunks can name the symbol they hold. */
void pl_code_chunks(apr_pool_t *p, pl_code_file_t *f, const pl_code_scan_t *s,
                    const apr_array_header_t *tags);

#endif
