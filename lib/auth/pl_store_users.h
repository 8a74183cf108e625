/* SPDX-License-Identifier: Apache-2.0 */
/* Users in the database. */
#ifndef PL_STORE_USERS_H
#define PL_STORE_USERS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "auth/pl_user.h"

/* Inserts user (id and times set). PL_ECONFLICT for a taken name. */
apr_status_t pl_store_user_insert(pl_db_t *db, apr_pool_t *p, pl_user_t *user);
/* Inserts user only while no user exists at all (first-run setup):
 * PL_ECONFLICT once one does. */
apr_status_t pl_store_user_insert_first(pl_db_t *db, apr_pool_t *p, pl_user_t *user);
/* PL_ENOTFOUND when absent. */
apr_status_t pl_store_user_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_user_t **puser);
apr_status_t pl_store_user_by_name(pl_db_t *db, apr_pool_t *p, const char *username,
                                   pl_user_t **puser);
/* Writes role, status and password_hash; bump raises token_version so every
 * token issued before stops working. */
apr_status_t pl_store_user_update(pl_db_t *db, apr_pool_t *p, pl_user_t *user, int bump);
apr_status_t pl_store_user_touch_login(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
/* Deletes a user; PL_ECONFLICT when it is the last active admin. */
apr_status_t pl_store_user_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
apr_status_t pl_store_user_list(pl_db_t *db, apr_pool_t *p, int limit, int offset,
                                apr_array_header_t **users, apr_int64_t *total);
apr_status_t pl_store_user_count_admins(pl_db_t *db, apr_pool_t *p, apr_int64_t *n);
/* How many accounts exist, of any source and status (0: first run). */
apr_status_t pl_store_user_count(pl_db_t *db, apr_pool_t *p, apr_int64_t *n);

#endif
