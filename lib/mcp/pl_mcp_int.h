/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of lib/mcp share among themselves (not for callers). */
#ifndef PL_MCP_INT_H
#define PL_MCP_INT_H

#include "mcp/pl_mcp.h"

/* The result of resources/read: one content, text or (base64) blob. */
const char *pl_mcp_resource_contents(pl_mcp_ctx_t *ctx, const char *uri, const char *mime,
                                     const char *text, const char *blob);
/* The error of a resource that is absent or hidden (-32002), with the uri
 * and why (may be NULL) as data. Returns NULL. */
const char *pl_mcp_resource_missing(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                                    const char *why);

/* rel with the bytes other than unreserved ones and '/' percent-encoded. */
const char *pl_mcp_file_uri_path(apr_pool_t *p, const char *rel);
/* The path a URI names, decoded; NULL for a malformed escape or a NUL. */
const char *pl_mcp_file_path_of_uri(apr_pool_t *p, const char *s);
/* A MIME type from the name's extension; text/plain or
 * application/octet-stream when unknown. */
const char *pl_mcp_file_mime(const char *path, int text);
/* resources/read of the file rel below dir, the project's confined
 * directory. */
const char *pl_mcp_file_read(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                             const char *dir, const char *rel);

#endif
