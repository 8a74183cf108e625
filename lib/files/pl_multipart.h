/* SPDX-License-Identifier: Apache-2.0 */
/* A streaming multipart/form-data parser (RFC 7578 over RFC 2046): the
 * body is fed in pieces as they are read, split anywhere (a boundary or a
 * header across two reads), and each part's data is handed on as it comes,
 * never held whole. Memory stays at one piece plus a boundary. Caps on the
 * number of parts, the bytes of one part's headers and the bytes of the
 * whole body are enforced as the bytes arrive. Lines may end in CRLF or a
 * bare LF (curl and browsers send CRLF; some scripts LF). */
#ifndef PL_MULTIPART_H
#define PL_MULTIPART_H

#include <apr_pools.h>

#define PL_MULTIPART_BOUNDARY_MAX 70   /* RFC 2046 */

typedef struct {
    int max_parts;
    apr_size_t max_header;   /* bytes of one part's header block */
    apr_off_t max_total;     /* bytes of the whole body */
} pl_multipart_limits_t;

typedef struct {
    const char *name;          /* of the form field; "" when not given */
    const char *filename;      /* NULL for a field that is not a file; may hold
                                  anything a client sent: validate it */
    apr_size_t filename_len;   /* bytes of filename (a NUL in it is refused earlier) */
    const char *content_type;  /* NULL when not given */
} pl_multipart_part_t;

/* Each returns APR_SUCCESS to go on, or a status that stops the parse and
 * is returned by pl_multipart_feed. */
typedef struct {
    apr_status_t (*begin)(void *baton, const pl_multipart_part_t *part);
    apr_status_t (*data)(void *baton, const char *buf, apr_size_t len);
    apr_status_t (*end)(void *baton);
} pl_multipart_cb_t;

typedef struct pl_multipart_t pl_multipart_t;

/* The boundary parameter of a Content-Type (multipart/form-data required):
 * APR_SUCCESS, or PL_EINVAL when it is not one or the boundary is missing,
 * empty, longer than 70 bytes or of characters RFC 2046 does not allow. */
apr_status_t pl_multipart_boundary(apr_pool_t *p, const char *content_type, const char **boundary);

pl_multipart_t *pl_multipart_create(apr_pool_t *p, const char *boundary,
                                    const pl_multipart_limits_t *limits,
                                    const pl_multipart_cb_t *cb, void *baton);
/* PL_EINVAL for a malformed body, PL_ETOOBIG over a limit (see
 * pl_multipart_why), or what a callback returned. After an error the
 * parser refuses more input. */
apr_status_t pl_multipart_feed(pl_multipart_t *m, const char *buf, apr_size_t len);
/* The body has ended: PL_EINVAL when the closing boundary was not seen. */
apr_status_t pl_multipart_finish(pl_multipart_t *m);
/* Why the parse stopped (for the client), or NULL. */
const char *pl_multipart_why(const pl_multipart_t *m);
int pl_multipart_parts(const pl_multipart_t *m);

#endif
