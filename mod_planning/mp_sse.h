/* SPDX-License-Identifier: Apache-2.0 */
/* Server-Sent Events through the output filters: one event, one FLUSH, one
 * HTTP chunk, so the browser sees each token when the model emits it. */
#ifndef MP_SSE_H
#define MP_SSE_H

#include "mp_module.h"
#include "chat/pl_stream.h"

typedef struct {
    request_rec *r;
    apr_bucket_brigade *bb;
    apr_int64_t seq;          /* the id: of the next event (plain streams) */
    int reply;                /* a model reply: ids are positions in it */
    pl_stream_pos_t pos;      /* of a reply: what the client has once the next event is out */
    int gone;                 /* the client went away: nothing more is written */
    apr_os_sock_t fd;         /* the client's socket, -1 under HTTP/2 */
    apr_time_t last_write;
} mp_sse_t;

/* Sets the reply up as an event stream (no compression, no caching); the
 * events' ids count 1, 2, 3 ... */
mp_sse_t *mp_sse_open(request_rec *r);
/* The same for a model reply: each event's id is the position in the reply
 * (pl_stream_pos_t) a reconnecting client sends back as Last-Event-ID; the
 * writer of the text moves s->pos before each event. "done" and "error"
 * end the reply: their ids say so. */
mp_sse_t *mp_sse_open_reply(request_rec *r);

/* The same in two steps, for streams of another type (the Ollama proxy's
 * NDJSON): the client's connection, watched while nothing is decided, and
 * later, if a stream it is, the reply set up as one of content_type. */
mp_sse_t *mp_sse_watch(request_rec *r);
void mp_sse_begin(mp_sse_t *s, const char *content_type);

/* Writes data and a newline (a line of NDJSON) and flushes. Returns 0 once
 * the client is gone. */
int mp_sse_write_line(mp_sse_t *s, const char *data, apr_size_t len);

/* Writes one unnamed event of one data line ("data: ...", a blank line),
 * as OpenAI streams, and flushes. Returns 0 once the client is gone. */
int mp_sse_write_data(mp_sse_t *s, const char *data, apr_size_t len);
/* Writes "id:", "event:" and "data:" (one line of JSON) and flushes.
 * Returns 0 once the client is gone. */
int mp_sse_send(mp_sse_t *s, const char *event, const char *json);

/* A comment line that keeps an idle stream open through proxies. */
int mp_sse_comment(mp_sse_t *s, const char *text);

/* A keep-alive comment when nothing was written for interval: proxies and
 * browsers drop streams that stay silent. Returns 0 once the client is gone. */
int mp_sse_heartbeat(mp_sse_t *s, apr_interval_time_t interval);

/* True when the client closed its side: polled while the model is silent,
 * so an abandoned stream is noticed in milliseconds, not at the next write. */
int mp_sse_client_gone(mp_sse_t *s);

#endif
