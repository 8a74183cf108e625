/* SPDX-License-Identifier: Apache-2.0 */
/* One model reply relayed from a model server to the client: the upstream
 * request with libcurl, the NDJSON read as it arrives, one SSE event per
 * token through the brigade, and the ways it can end (done, a server error,
 * a stop, a client gone). Shared by thread messages and anything else that
 * streams a chat (prompt tests). */
#ifndef MP_CHAT_H
#define MP_CHAT_H

#include "mp_request.h"
#include "mp_sse.h"
#include "chat/pl_chat.h"
#include "chat/pl_servers.h"

typedef struct {
    char *buf;
    apr_size_t len, cap;
} mp_chat_buf_t;

typedef struct {
    /* set by the caller */
    mp_req_t *req;
    apr_pool_t *p;
    mp_sse_t *sse;                /* NULL: the client waits for one JSON reply */
    pl_message_t *reply;          /* receives server_id and the counts */
    const char *body;             /* the /api/chat request body */
    const char *stop_key;         /* NULL: no stop flag to watch */
    apr_int64_t preferred_server; /* asked first while healthy (a project's default); 0: none */
    apr_time_t deadline;          /* the model is stopped then (a tool loop's time); 0: none */

    /* the outcome */
    mp_chat_buf_t text, thinking;
    const char *error_code, *error_message;   /* NULL code: complete */
    apr_array_header_t *calls;    /* pl_chat_call_t: the tools the reply called; NULL: none */
    int storage_full;             /* the final save failed for want of disk */

    /* while it runs */
    mp_chat_buf_t errbody;
    pl_chat_reader_t *reader;
    long status;                  /* the server's HTTP status */
    int started;                  /* a token (or thinking) arrived */
    apr_time_t next_stop_check;
    int stopped;
    int timed_out;                /* the deadline passed */
    int client_gone;              /* the client left and no reader came back in time */

    /* for readers who reconnect (GET .../messages/{id}/stream) */
    apr_pool_t *scratch;          /* one event's or one save's allocations */
    const char *readers_key;      /* the shared count of readers of the reply */
    apr_int32_t readers;          /* as last read */
    apr_time_t alone_since;       /* the client gone and no reader since; 0: not alone */
    apr_size_t saved_len;         /* bytes of text in the row */
    apr_time_t next_save;         /* saves are throttled */
    apr_time_t lease_due;         /* when the row must be stamped again to count as alive */
} mp_chat_t;

/* A slot for one more reply, within the process's and the user's caps
 * (PlanningMaxStreams, PlanningMaxStreamsPerUser), released with the
 * request. 0 after a 503 with Retry-After (SECURITY 26). The user's slot
 * is a lease of PlanningStreamLease: it dies with a process that dies. */
int mp_chat_take_slot(mp_req_t *req);
/* The same for a reader following what another request or a job does (a
 * reply: GET .../stream; a job's events): within the process's cap, and
 * the user's cap counted apart from the replies generated, so that a
 * reload which resumes its replies is not refused while their generators
 * go on (PlanningStreamGrace), and four chats do not hide a job's progress. */
int mp_chat_take_reader_slot(mp_req_t *req);
/* Renews the request's slot when a third of its lease has passed: called
 * by whatever loop holds it (cheap when not due). */
void mp_chat_slot_renew(mp_req_t *req);

/* The shared key a stop request sets for a thread: a stop may arrive at
 * another process than the one streaming. */
const char *mp_chat_stop_key(apr_pool_t *p, apr_int64_t thread_id);
/* Clears a stop asked for before this reply began. */
void mp_chat_stop_clear(mp_req_t *req, const char *key);
/* Asks the process streaming under key to stop; 0 when it could not be passed on. */
int mp_chat_stop_request(mp_req_t *req, const char *key);

/* The shared key counting the readers that follow reply message_id from
 * its row: while there is one, the generating request saves the text as it
 * grows, and a client gone is waited for (PlanningStreamGrace). */
const char *mp_chat_readers_key(apr_pool_t *p, apr_int64_t message_id);

/* A reply still "streaming" that its generator stopped stamping for
 * PlanningStreamLease (its process died) becomes "incomplete" with
 * "INTERRUPTED", in the database and in m (p: scratch allocations).
 * Returns 1 when it did. */
int mp_chat_settle(mp_req_t *req, apr_pool_t *p, pl_message_t *m);

/* The servers in the order a model run asks them: the preferred one first
 * (a project's default; 0: none), then by priority, then the fewest runs
 * going on each across processes. A server that failed lately is left out
 * for PlanningModelServerRetry, unless every one did. */
apr_array_header_t *mp_chat_order(mp_req_t *req, const apr_array_header_t *servers,
                                  apr_int64_t preferred);
/* Marks s as failing (unreachable, or a 5xx): every process skips it for a while. */
void mp_chat_server_failed(mp_req_t *req, const pl_server_t *s, const char *why);
/* Adds delta to the runs going on s, across processes; returns the count. */
apr_int32_t mp_chat_server_runs(mp_req_t *req, const pl_server_t *s, apr_int32_t delta);

/* Asks the servers in order until one settles the reply: a server that
 * fails before the first token hands over to the next. Then c->reply holds
 * the content, thinking, state ("complete" or "incomplete") and error code. */
void mp_chat_run(mp_chat_t *c, const apr_array_header_t *servers);

/* Stores what the reply became (pl_messages_finish), tried again until
 * PlanningSQLiteBusyTimeout has passed. Returns 1 when stored; 0 when not:
 * then the reply is "incomplete" with STORAGE_FAILED (the client is told so
 * by mp_chat_end) and its row keeps the text saved as it grew. */
int mp_chat_store(mp_chat_t *c);

/* Ends the client's reply once mp_chat_run returned. On a stream: a "done"
 * event with done_json, or an "error" event with the code, the message and
 * the stored reply's id (when it has one). Without one: done_json as the
 * reply with status, or the error reply (mp_chat_http_status) with
 * details_json (NULL: none). Returns OK. */
int mp_chat_end(mp_chat_t *c, int status, const char *done_json, const char *details_json);

/* Counts a model run that leaves no message in a thread (source
 * PL_USAGE_PROXY or PL_USAGE_PROMPT_TEST) in the caller's usage. The reply
 * is out already: a failure is logged, not answered. */
void mp_chat_count(mp_req_t *req, const char *source, const char *model, apr_int64_t tokens_in,
                   apr_int64_t tokens_out, apr_int64_t total_ns);

/* A model run of one user message, text, to model in the chat settings of
 * t (system prompt, options), that leaves nothing stored (a prompt test, a
 * drafted commit message): the turn to hand to mp_chat_run, after the
 * caller sets sse (NULL: one JSON reply) and preferred_server. */
mp_chat_t *mp_chat_single(mp_req_t *req, const pl_thread_t *t, const char *model,
                          const char *text);

/* The HTTP status for a reply that failed with code, for non-streamed replies. */
int mp_chat_http_status(const char *code);

#endif
