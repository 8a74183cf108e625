/* SPDX-License-Identifier: Apache-2.0 */
/* A chat with a model server: the request body built from a branch of
 * messages, and the reply read incrementally as it arrives, each piece one
 * event (a token, thinking, the final counts, or an error): Ollama's NDJSON
 * line by line, or an OpenAI-compatible server's Server-Sent Events up to
 * "data: [DONE]". Lines are capped: a server that never ends a line cannot
 * grow the buffer without limit. */
#ifndef PL_CHAT_H
#define PL_CHAT_H

#include <apr_tables.h>

#include "chat/pl_ollama.h"
#include "chat/pl_threads.h"

#define PL_CHAT_LINE_MAX (1024 * 1024)

/* The /api/chat body: system prompt, the branch, the thread's options
 * (think and keep_alive go to the top level, the rest under "options"). */
const char *pl_chat_request(apr_pool_t *p, const pl_thread_t *t, const char *model,
                            const apr_array_header_t *branch, int stream);
/* The same offering tools: tools_json is a JSON array text of ours
 * (pl_chat_tools_json), NULL for none. Tool calls and tool results in the
 * branch go to the model either way. */
const char *pl_chat_request_tools(apr_pool_t *p, const pl_thread_t *t, const char *model,
                                  const apr_array_header_t *branch, int stream,
                                  const char *tools_json);

/* The same request for /v1/chat/completions: the messages, stream with
 * stream_options.include_usage, and the options OpenAI knows (num_predict
 * as max_tokens). NULL when ollama_body is not ours. */
const char *pl_chat_request_openai(apr_pool_t *p, const char *ollama_body);

typedef enum {
    PL_CHAT_TOKEN, PL_CHAT_THINKING, PL_CHAT_DONE, PL_CHAT_ERROR, PL_CHAT_TOOL_CALL
} pl_chat_event_e;

/* A tool call the model made: its id (the server's, or one of ours when it
 * gave none), the function's name and its arguments as the server sent
 * them (JSON text: an object, or for an OpenAI server a string that ought
 * to hold one; checked by whoever runs the call). */
typedef struct {
    const char *id, *name, *arguments;
} pl_chat_call_t;

typedef struct {
    pl_chat_event_e type;
    const char *text;              /* token, thinking, or the error message */
    apr_int64_t prompt_tokens, completion_tokens, total_ns, eval_ns;
    const char *done_reason;
    const pl_chat_call_t *call;    /* PL_CHAT_TOOL_CALL */
} pl_chat_event_t;

/* Called per event; a non-zero return stops the reading. */
typedef int pl_chat_event_fn(void *baton, const pl_chat_event_t *ev);

typedef struct pl_chat_reader_t pl_chat_reader_t;

/* A reader of what a server of kind sends: NDJSON (Ollama) or SSE (OpenAI). */
pl_chat_reader_t *pl_chat_reader_create_for(apr_pool_t *p, pl_server_kind_e kind,
                                            pl_chat_event_fn *fn, void *baton);
/* The Ollama reader. */
pl_chat_reader_t *pl_chat_reader_create(apr_pool_t *p, pl_chat_event_fn *fn, void *baton);
/* Also calls fn with each line that is one JSON object, as the server wrote
 * it (without its newline), before the line's events: a relay passes the
 * server's own bytes on. For SSE, each event's data that is one JSON object
 * (not "[DONE]"), without "data: ". A non-zero return stops the reading. */
typedef int pl_chat_line_fn(void *baton, const char *line, apr_size_t len);
void pl_chat_reader_on_line(pl_chat_reader_t *r, pl_chat_line_fn *fn, void *baton);
/* Feeds bytes as they arrive. APR_SUCCESS, PL_EUPSTREAM for a line (or an
 * event) that is not JSON or too long (the caller ends the stream), or
 * APR_EINTR when the callback asked to stop. */
apr_status_t pl_chat_reader_feed(pl_chat_reader_t *r, const char *data, apr_size_t len);
/* True once the final line (done, or [DONE]) was read. */
int pl_chat_reader_done(const pl_chat_reader_t *r);

#endif
