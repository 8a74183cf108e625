/* SPDX-License-Identifier: Apache-2.0 */
/* The relay of the proxy surfaces over the shared model servers: Ollama's
 * own API (/ollama/api/..., api_ollama.c) and OpenAI's (/ollama/v1/...,
 * api_openai.c). A request goes to the enabled servers in the module's
 * order; one that fails before anything reached the client, or does not
 * have the model (404), hands over to the next. Replies are the servers'
 * own bytes: streams relayed event by event through the brigade, each
 * flushed as it arrives, checked to be one JSON object and capped in
 * length, the whole reply capped in size. A run of a model takes one of
 * the caller's stream slots and counts in the usage. */
#ifndef MP_PROXY_H
#define MP_PROXY_H

#include "mp_request.h"
#include "chat/pl_servers.h"

typedef struct {
    const char *path;   /* upstream: "/api/chat", "/v1/chat/completions" */
    int streams;        /* the request may ask for a stream */
    int runs;           /* a run of a model: a stream slot, and usage counted */
    int openai;         /* OpenAI's surface: Server-Sent Events ending in
                         * [DONE], usage from "usage", servers of any kind
                         * (an Ollama server answers through its /v1); else
                         * Ollama's: NDJSON, Ollama servers only */
} mp_proxy_call_t;

/* Passes the request to the first server that settles it. Returns OK. */
int mp_proxy_relay(mp_req_t *req, const mp_proxy_call_t *call);

/* Called with each server's 2xx reply to a GET; non-APR_SUCCESS (and *why)
 * when the reply is not what was asked for. */
typedef apr_status_t mp_proxy_each_fn(void *baton, const char *body, apr_size_t len,
                                      const char **why);

/* GET path from every enabled server (openai: of any kind; else Ollama
 * servers only), best first. Returns 1 when at least one answered (or none
 * is there to ask and none_ok), or 0 after a 502 saying why. */
int mp_proxy_ask_each(mp_req_t *req, const char *path, int openai, int none_ok,
                      mp_proxy_each_fn *fn, void *baton);

#endif
