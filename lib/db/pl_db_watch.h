/* SPDX-License-Identifier: Apache-2.0 */
/* Whether the database still answers, as this process sees it. A database
 * that stopped answering (a MariaDB frozen, a network gone silent) leaves
 * calls hanging inside the driver until its time limit, where nothing can
 * interrupt them; what can be done is to send no more requests after them.
 * Two signs, within the limit (PlanningDatabaseTimeout):
 *   - calls have been under way for the limit with none coming back;
 *   - a call came back unanswered after waiting about as long (a read that
 *     timed out): the database counts as silent until a call is answered,
 *     and one request per limit is let through to find out.
 * A database that refuses at once (stopped: connection refused) is not
 * silent: every request finds that out quickly by itself. */
#ifndef PL_DB_WATCH_H
#define PL_DB_WATCH_H

#include <apr_time.h>

/* The limit (process-wide; default 5 s). */
void pl_db_watch_configure(apr_interval_time_t limit);

/* Around every call into the driver (and mod_dbd's acquisition, which may
 * connect or ping): fd is the connection's socket (-1: none, or not known),
 * answered is 0 when it failed for want of an answer (a lost connection, a
 * timeout, no connection to be had). */
apr_time_t pl_db_watch_enter(int fd);
void pl_db_watch_leave(apr_time_t started, int answered);

/* True when the database does not answer: the caller should not ask it.
 * It also cuts (shutdown) the sockets of calls under way for the
 * limit: the client library waits for an answer without end once a
 * connection is open, and the thread, its request and its client with it. */
int pl_db_watch_stalled(void);

#endif
