/* SPDX-License-Identifier: Apache-2.0 */
/* A reply while it is generated, as other readers see it: where a reader
 * is in it (the SSE event id: the bytes of content and thinking it has),
 * the text saved to its row now and then so a reader in another process or
 * host can follow it, and the rows left "streaming" by a process that died. */
#ifndef PL_STREAM_H
#define PL_STREAM_H

#include "db/pl_db.h"

/* How far a reader got: the event id "C.T" (C bytes of content, T of
 * thinking), "C.T.end" on the event that ends the reply (done, error). */
typedef struct {
    apr_size_t content, thinking;
    int end;
} pl_stream_pos_t;

#define PL_STREAM_ID_MAX 64

/* The event id of pos, written into buf: no allocation per event. */
const char *pl_stream_id(char buf[PL_STREAM_ID_MAX], const pl_stream_pos_t *pos);
/* Parses an event id; NULL or "" is the start (nothing delivered).
 * PL_EINVAL for anything else that is not an id of ours. */
apr_status_t pl_stream_id_parse(const char *id, pl_stream_pos_t *pos);
/* True when pos is a place in content and thinking to send the rest from:
 * each offset on a UTF-8 character boundary, and within the text unless the
 * reply is still growing (its saved text may be behind what a client saw). */
int pl_stream_pos_fits(const pl_stream_pos_t *pos, const char *content, const char *thinking,
                       int growing);
/* The start of the text from offset on, past any partial character: what
 * is sent to a reader at offset (NULL when there is nothing yet). */
const char *pl_stream_rest(const char *text, apr_size_t offset);

/* Saves the text generated so far into a reply that is still "streaming",
 * and stamps it (updated_at): the stamp says its generator is alive. */
apr_status_t pl_stream_save(pl_db_t *db, apr_pool_t *p, apr_int64_t message_id,
                            const char *content, const char *thinking);

/* Marks reply message_id "incomplete" (error_code "INTERRUPTED") when it
 * is still "streaming" but was not stamped since stale_before: its process
 * died. *swept: 1 when it did (may be NULL). */
apr_status_t pl_stream_interrupt(pl_db_t *db, apr_pool_t *p, apr_int64_t message_id,
                                 apr_time_t stale_before, int *swept);

#endif
