/* SPDX-License-Identifier: Apache-2.0 */
/* Numbered schema migrations: schema/<driver>/NNN_name.sql, applied in order,
 * each recorded in the schema_version table. */
#ifndef PL_MIGRATE_H
#define PL_MIGRATE_H

#include "db/pl_db.h"

/* The newest applied version; 0 for a database that has none. */
apr_status_t pl_migrate_version(pl_db_t *db, apr_pool_t *p, int *version);

typedef void pl_migrate_progress_fn(int version, const char *name, void *baton);

/* Applies every migration in schema_dir/<driver>/ that the database has not
 * recorded, in order of number (one missing below the newest included). */
apr_status_t pl_migrate_apply(pl_db_t *db, apr_pool_t *p, const char *schema_dir,
                              int *from, int *to, pl_migrate_progress_fn *progress,
                              void *baton, const char **perr);

#endif
