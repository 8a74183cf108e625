/* SPDX-License-Identifier: Apache-2.0 */
#include "db/pl_health.h"
#include "core/pl_status.h"
#include "core/pl_time.h"

static const pl_sql_t SQL_STAMP = {
    "pl.health.stamp", "UPDATE health SET checked_at = %s WHERE id = 1", NULL
};

apr_status_t pl_health_write(pl_db_t *db, apr_pool_t *p)
{
    const char *now = pl_time_rfc3339(p, apr_time_now());
    int n = 0;
    apr_status_t rv = pl_db_exec(db, p, &SQL_STAMP, 1, &now, &n);

    return rv == APR_SUCCESS && n != 1 ? PL_EDB : rv;
}
