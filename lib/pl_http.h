/* SPDX-License-Identifier: Apache-2.0 */
/* Outbound HTTP to model servers, through libcurl: connect only to the
 * address pl_url checked, http/https only, no redirects, connect and total
 * timeouts, no compression asked for, the response capped while it arrives. */
#ifndef PL_HTTP_H
#define PL_HTTP_H

#include <apr_pools.h>

#include "pl_url.h"

typedef struct {
    const char *method;          /* "GET", "POST", "DELETE" */
    const pl_url_t *base;        /* resolved by pl_url_resolve */
    const char *path;            /* appended to the base path: "/api/tags" */
    const char *body;            /* JSON, or NULL */
    const char *bearer;          /* the server's API key, or NULL */
    long connect_timeout_ms;
    long timeout_ms;
    apr_size_t max_response;     /* bytes */
} pl_http_req_t;

typedef struct {
    long status;                 /* 0 when no response arrived */
    const char *body;            /* NUL-terminated */
    apr_size_t len;
    double elapsed_ms;
    const char *error;           /* why no (whole) response arrived */
    int timed_out;
} pl_http_resp_t;

/* Once per process, before threads start (libcurl's global state). */
apr_status_t pl_http_init(void);

/* APR_SUCCESS when a whole response arrived (any status); PL_EUPSTREAM
 * with resp->error when the server could not be reached, timed out, or sent
 * more than max_response. */
apr_status_t pl_http_do(apr_pool_t *p, const pl_http_req_t *req, pl_http_resp_t *resp);

#endif
