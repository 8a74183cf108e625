/* SPDX-License-Identifier: Apache-2.0 */
/* Whether the database still answers, as this process sees it: how many
 * driver calls are under way and when one last came back. A database that
 * stopped answering (a MariaDB frozen, a network gone silent) leaves calls
 * hanging inside the driver, where nothing can interrupt them; what can be
 * done is to send no more requests after them: once calls have been under
 * way for a while with none coming back, the module answers 503 at once
 * instead of queueing every request of the process behind them. */
#ifndef PL_DB_WATCH_H
#define PL_DB_WATCH_H

#include <apr_time.h>

/* Around every call into the driver (and mod_dbd's acquisition, which may
 * connect or ping). */
void pl_db_watch_enter(void);
void pl_db_watch_leave(void);

/* True when calls are under way and none came back for limit: the
 * database does not answer. */
int pl_db_watch_stalled(apr_interval_time_t limit);

#endif
