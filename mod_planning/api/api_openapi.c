/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/openapi.json: the API's OpenAPI 3.1 document (doc/openapi/,
 * embedded at build time, see api_openapi.h). Public: it says what the
 * routes are, as the source does, and nothing about this server's data;
 * client generators and CI fetch it without credentials. The same bytes
 * until the module is rebuilt: cacheable, revalidated by its ETag. */
#include "api.h"
#include "api_openapi.h"

int api_openapi_get(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *inm = apr_table_get(r->headers_in, "If-None-Match");

    apr_table_setn(r->err_headers_out, "Cache-Control", "public, max-age=300");
    apr_table_setn(r->headers_out, "ETag", mp_openapi_etag);
    if (inm && (ap_strstr_c(inm, mp_openapi_etag) || !strcmp(inm, "*")))
        return mp_reply_empty(req, HTTP_NOT_MODIFIED);
    return mp_reply_json_text(req, HTTP_OK, mp_openapi_text, mp_openapi_length);
}
