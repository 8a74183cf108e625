/* SPDX-License-Identifier: Apache-2.0 */
/* A database connection as the library sees it: an apr_dbd handle with a
 * per-connection cache of prepared statements. The module wraps the
 * connection mod_dbd lends it for the request; the CLI and the tests open
 * their own. SQLite and MySQL share one code path; where their SQL differs
 * both texts stand side by side in one pl_sql_t. */
#ifndef PL_DB_H
#define PL_DB_H

#include <apr_dbd.h>
#include <apr_hash.h>
#include <apr_tables.h>

typedef enum { PL_DB_SQLITE3, PL_DB_MYSQL } pl_db_dialect_e;

typedef struct {
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_hash_t *prepared;   /* label -> apr_dbd_prepared_t, for the connection's life */
    apr_pool_t *stmt_pool;  /* outlives every request on this connection */
    pl_db_dialect_e dialect;
    int busy_timeout_ms;    /* SQLite: how long a statement waits for a lock (0: no wait) */
    apr_time_t deadline;    /* when set, the end of every wait for a lock, whatever the
                               statement: one budget for a request's statements */
    int watch_fd;           /* the connection's socket, for pl_db_watch (-1: unknown) */
    int budget_spent;       /* a statement gave up on a lock at the deadline: the
                               next ones fail at once rather than wait again */
} pl_db_t;

/* One statement: a unique label, the SQLite text, and the MySQL text when it
 * differs (NULL: the same). Parameters are apr_dbd's "%s". */
typedef struct {
    const char *label;
    const char *sqlite3;
    const char *mysql;
} pl_sql_t;

/* Rows of a result, copied out of the driver's buffers: each row is an
 * array of ncols strings, NULL for SQL NULL. */
typedef struct {
    int ncols;
    apr_array_header_t *rows; /* of const char ** */
} pl_db_result_t;

#define PL_DB_ROW(res, i) APR_ARRAY_IDX((res)->rows, (i), const char **)

/* Wraps a connection opened elsewhere (mod_dbd). NULL for an unknown driver. */
pl_db_t *pl_db_wrap(apr_pool_t *p, const apr_dbd_driver_t *driver, apr_dbd_t *handle,
                    apr_hash_t *prepared, apr_pool_t *stmt_pool);

/* Opens a connection of its own (CLI, tests); closed with the pool. */
apr_status_t pl_db_open(pl_db_t **pdb, apr_pool_t *p, const char *driver,
                        const char *params, const char **perr);

/* Runs once on every new connection: SQLite gets WAL, foreign keys and no
 * busy timeout of its own (db->busy_timeout_ms is waited here, see
 * pl_db.c); MySQL gets utf8mb4, UTC and strict mode. */
apr_status_t pl_db_setup_connection(pl_db_t *db, apr_pool_t *p, int busy_timeout_ms);

apr_status_t pl_db_exec(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                        int nargs, const char **args, int *nrows);
apr_status_t pl_db_select(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                          int nargs, const char **args, pl_db_result_t **pres);
/* The rows of res made into objects by fn: an array of whatever fn returns. */
typedef void *pl_db_row_fn(apr_pool_t *p, const char **row);
apr_array_header_t *pl_db_map(apr_pool_t *p, const pl_db_result_t *res, pl_db_row_fn *fn);

/* Runs sql with two parameters, the time now and the row id: the shape of
 * every "stamp this row" statement (revoked_at, last_used_at ...). */
apr_status_t pl_db_stamp(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, apr_int64_t id);

/* A statement with no parameters, not prepared (DDL, pragmas, migrations). */
apr_status_t pl_db_exec_text(pl_db_t *db, apr_pool_t *p, const char *text);
/* The id that the last INSERT on this connection generated. */
apr_status_t pl_db_last_id(pl_db_t *db, apr_pool_t *p, apr_int64_t *id);

apr_status_t pl_db_begin(pl_db_t *db, apr_pool_t *p, apr_dbd_transaction_t **ptx);
/* Commits, or rolls back when failed is non-zero or a statement failed. */
apr_status_t pl_db_end(pl_db_t *db, apr_pool_t *p, apr_dbd_transaction_t *tx, int failed);

const char *pl_db_driver_name(const pl_db_t *db);

/* Sets db->deadline to busy_timeout_ms from now: the budget of one piece of
 * work (a request, or one save of a reply) for all its statements. */
void pl_db_deadline_from_now(pl_db_t *db);

#endif
