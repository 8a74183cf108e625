/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of the OpenAI side of the proxy (/ollama/v1/...): what a
 * request must hold before it is passed on and the body that goes upstream,
 * the usage a reply reports, and the error types OpenAI's clients read. */
#ifndef PL_PROXY_OPENAI_H
#define PL_PROXY_OPENAI_H

#include <apr_pools.h>

#include "core/pl_json.h"

typedef struct {
    const char *model;
    int stream;          /* "stream": false unless true, as OpenAI has it */
    int wants_usage;     /* the client asked for the usage chunk itself */
    const char *body;    /* the request to send upstream; NULL: the client's own bytes */
} pl_proxy_openai_t;

/* Checks body (streams: whether the route may stream) and fills *out. A
 * stream is asked with stream_options.include_usage, whatever the client
 * said, so that its usage can be counted: the relay drops the usage chunk
 * the client did not ask for. Every other member goes up as the client
 * wrote it (tools, messages, options). PL_EINVAL and *why for a request
 * OpenAI would refuse. */
apr_status_t pl_proxy_openai_request(apr_pool_t *p, const pl_json_t *body, int streams,
                                     pl_proxy_openai_t *out, const char **why);

/* True when the chunk data (one SSE event's JSON) is the usage-only chunk
 * of include_usage: "choices" empty and a "usage" object. */
int pl_proxy_openai_usage_only(apr_pool_t *p, const char *data, apr_size_t len);

/* usage.prompt_tokens and usage.completion_tokens of a reply, when it has them. */
void pl_proxy_openai_usage(apr_pool_t *p, const pl_json_t *reply, apr_int64_t *in,
                           apr_int64_t *out);

/* The "type" of an OpenAI error for an HTTP status: invalid_request_error,
 * authentication_error, permission_error, not_found_error,
 * rate_limit_error, or api_error for 5xx (Ollama's own word). */
const char *pl_proxy_openai_error_type(int status);

#endif
