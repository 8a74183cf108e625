/* SPDX-License-Identifier: Apache-2.0 */
/* Lines out of a byte stream that arrives in pieces of any size: the
 * framing of Ollama's NDJSON and of Server-Sent Events. A line is handed
 * over without its "\n" (or "\r\n"); one longer than the cap ends the
 * reading, so a server that never ends a line cannot grow memory without
 * limit. */
#ifndef PL_LINES_H
#define PL_LINES_H

#include <apr_pools.h>

/* Called per line, with a pool cleared after each piece fed; any status
 * but APR_SUCCESS stops the reading and is returned by pl_lines_feed. */
typedef apr_status_t pl_line_fn(void *baton, const char *line, apr_size_t len,
                                apr_pool_t *scratch);

typedef struct pl_lines_t pl_lines_t;

pl_lines_t *pl_lines_create(apr_pool_t *p, apr_size_t max, pl_line_fn *fn, void *baton);
/* APR_SUCCESS, PL_ETOOBIG for a line over the cap, or what fn returned. */
apr_status_t pl_lines_feed(pl_lines_t *l, const char *data, apr_size_t len);
/* Hands over a last line that ended without "\n" (a stream may). */
apr_status_t pl_lines_flush(pl_lines_t *l);

#endif
