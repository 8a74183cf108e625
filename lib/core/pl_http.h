/* SPDX-License-Identifier: Apache-2.0 */
/* Outbound HTTP to model servers, through libcurl: connect only to the
 * address pl_url checked, http/https only, no redirects, connect and total
 * timeouts, no compression asked for, the response capped while it arrives. */
#ifndef PL_HTTP_H
#define PL_HTTP_H

#include <apr_pools.h>

#include "core/pl_url.h"

typedef struct {
    const char *method;          /* "GET", "POST", "DELETE" */
    const pl_url_t *base;        /* resolved by pl_url_resolve */
    const char *path;            /* appended to the base path: "/api/tags" */
    const char *body;            /* JSON, or NULL */
    const char *bearer;          /* the server's API key, or NULL */
    long connect_timeout_ms;
    long timeout_ms;
    apr_size_t max_response;     /* bytes */
    long idle_timeout_s;         /* streams: fail when nothing arrives this long (0: none) */
} pl_http_req_t;

typedef struct {
    long status;                 /* 0 when no response arrived */
    const char *body;            /* NUL-terminated */
    apr_size_t len;
    double elapsed_ms;
    const char *error;           /* why no (whole) response arrived */
    int timed_out;
    int connected;               /* the connection was made before it failed */
} pl_http_resp_t;

/* The URL a request goes to: the base (its host as given, its port
 * always) and path joined, a base path ending in "/v1" not repeated by a
 * path that starts with "/v1/" (the usual way to write an OpenAI-compatible
 * server: "http://host:8000/v1" + "/v1/models" is ".../v1/models"). */
const char *pl_http_url(apr_pool_t *p, const pl_url_t *base, const char *path);

/* Once per process, before threads start (libcurl's global state). */
apr_status_t pl_http_init(void);

/* APR_SUCCESS when a whole response arrived (any status); PL_EUPSTREAM
 * with resp->error when the server could not be reached, timed out, or sent
 * more than max_response. */
apr_status_t pl_http_do(apr_pool_t *p, const pl_http_req_t *req, pl_http_resp_t *resp);

/* Called with each piece of the reply body as it arrives, and the HTTP
 * status; a non-zero return aborts the transfer. */
typedef int pl_http_data_fn(void *baton, long status, const char *data, apr_size_t len);
/* Called about every 100 ms (and as data arrives); non-zero aborts: a stop
 * request or a client that went away ends the upstream transfer at once. */
typedef int pl_http_poll_fn(void *baton);

/* A streaming request: the body goes to on_data, not into resp->body.
 * APR_SUCCESS when it completed, APR_EINTR when a callback aborted it,
 * PL_EUPSTREAM (resp->error, resp->timed_out) when the server failed. */
apr_status_t pl_http_stream(apr_pool_t *p, const pl_http_req_t *req, pl_http_data_fn *on_data,
                            pl_http_poll_fn *on_poll, void *baton, pl_http_resp_t *resp);

#endif
