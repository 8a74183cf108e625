/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenAPI document of the API, joined at build time from doc/openapi/
 * by script/openapi-join into a generated openapi_doc.c (the bytes, with an
 * ETag of their hash): the module serves what it was built with, so the
 * document always describes the routes of this very module. */
#ifndef API_OPENAPI_H
#define API_OPENAPI_H

#include <apr.h>

extern const char mp_openapi_etag[];
extern const apr_size_t mp_openapi_length;
extern const char mp_openapi_text[];

#endif
