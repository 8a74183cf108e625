/* SPDX-License-Identifier: Apache-2.0 */
/* Whether the database takes writes: a write of one row, for the health
 * check. A database that answers reads but refuses writes (its disk full,
 * a lock held for long) is not "ok". */
#ifndef PL_HEALTH_H
#define PL_HEALTH_H

#include "db/pl_db.h"

/* Stamps the health row: APR_SUCCESS, or why the write was refused
 * (PL_EFULL, PL_EBUSY, PL_EUNAVAILABLE, PL_EDB). */
apr_status_t pl_health_write(pl_db_t *db, apr_pool_t *p);

#endif
