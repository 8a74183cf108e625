/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "db/pl_db.h"
#include "db/pl_db_watch.h"
#include "core/pl_log.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

/* Driver result codes: SQLite's primary codes, MySQL's error numbers. */
#define SQLITE_BUSY_       5
#define SQLITE_LOCKED_     6
#define SQLITE_FULL_       13
#define SQLITE_CONSTRAINT_ 19
#define MYSQL_DUP_ENTRY    1062
#define MYSQL_DUP_KEY      1586
#define MYSQL_LOCK_WAIT    1205
#define MYSQL_DEADLOCK     1213
#define MYSQL_DISK_FULL    1021
#define MYSQL_TABLE_FULL   1114   /* InnoDB cannot grow its files */
#define MYSQL_ACCESS_DB    1044
#define MYSQL_ACCESS_USER  1045
#define MYSQL_NO_SOCKET    2002   /* client errors: the connection is gone or refused */
#define MYSQL_NO_HOST      2003
#define MYSQL_GONE         2006
#define MYSQL_LOST         2013
#define MYSQL_LOST_INIT    2055
#define MYSQL_NOT_PREPARED 2030   /* CR_NO_PREPARE_STMT */
#define MYSQL_UNKNOWN_STMT 1243   /* ER_UNKNOWN_STMT_HANDLER */

/* Every call into the driver counts as under way until it returns; see
 * pl_db_watch.h. */
#define WATCHED(db, call) (watched_at = pl_db_watch_enter((db)->watch_fd), \
                           watched((db), watched_at, (call)))
static __thread apr_time_t watched_at;

#define BUSY_PAUSE apr_time_from_msec(20)

static apr_status_t apr_dbd_ready(apr_pool_t *p)
{
    static int initialised;

    if (!initialised) {
        apr_status_t rv = apr_dbd_init(p);
        if (rv != APR_SUCCESS)
            return rv;
        initialised = 1;
    }
    return APR_SUCCESS;
}

static int dialect_of(const apr_dbd_driver_t *driver, pl_db_dialect_e *out)
{
    const char *name = apr_dbd_name(driver);

    if (!strcmp(name, "sqlite3"))
        *out = PL_DB_SQLITE3;
    else if (!strcmp(name, "mysql"))
        *out = PL_DB_MYSQL;
    else
        return 0;
    return 1;
}

pl_db_t *pl_db_wrap(apr_pool_t *p, const apr_dbd_driver_t *driver, apr_dbd_t *handle,
                    apr_hash_t *prepared, apr_pool_t *stmt_pool)
{
    pl_db_t *db = apr_pcalloc(p, sizeof(*db));

    if (!dialect_of(driver, &db->dialect))
        return NULL;
    db->driver = driver;
    db->handle = handle;
    db->watch_fd = -1;
    db->prepared = prepared;
    db->stmt_pool = stmt_pool;
    return db;
}

static apr_status_t close_handle(void *data)
{
    pl_db_t *db = data;

    apr_dbd_close(db->driver, db->handle);
    return APR_SUCCESS;
}

apr_status_t pl_db_open(pl_db_t **pdb, apr_pool_t *p, const char *driver_name,
                        const char *params, const char **perr)
{
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_status_t rv;
    pl_db_t *db;

    *perr = NULL;
    if ((rv = apr_dbd_ready(p)) != APR_SUCCESS
        || (rv = apr_dbd_get_driver(p, driver_name, &driver)) != APR_SUCCESS) {
        *perr = apr_psprintf(p, "no apr_dbd driver '%s' (install libaprutil1-dbd-%s)",
                             driver_name, driver_name);
        return rv;
    }
    rv = apr_dbd_open_ex(driver, p, params, &handle, perr);
    if (rv != APR_SUCCESS) {
        if (!*perr)
            *perr = "cannot connect";
        return rv;
    }
    db = pl_db_wrap(p, driver, handle, apr_hash_make(p), p);
    if (!db) {
        apr_dbd_close(driver, handle);
        *perr = apr_psprintf(p, "driver '%s' is not supported (sqlite3 or mysql)", driver_name);
        return PL_EINVAL;
    }
    apr_pool_cleanup_register(p, db, close_handle, apr_pool_cleanup_null);
    *pdb = db;
    return APR_SUCCESS;
}

const char *pl_db_driver_name(const pl_db_t *db)
{
    return apr_dbd_name(db->driver);
}

/* What a driver result means. The SQLite driver prepares with the legacy
 * interface, so most failures arrive as SQLITE_ERROR with the real reason
 * only in the message. */
static apr_status_t classify(pl_db_t *db, int rc, const char *msg)
{
    if (db->dialect == PL_DB_SQLITE3) {
        if (rc == SQLITE_CONSTRAINT_ || (msg && strstr(msg, "constraint failed")))
            return PL_ECONFLICT;
        if (rc == SQLITE_BUSY_ || rc == SQLITE_LOCKED_
            || (msg && (strstr(msg, "is locked") || strstr(msg, "database is busy"))))
            return PL_EBUSY;
        if (rc == SQLITE_FULL_ || (msg && strstr(msg, "disk is full")))
            return PL_EFULL;
        return PL_EDB;
    }
    switch (rc) {
    case MYSQL_DUP_ENTRY: case MYSQL_DUP_KEY:
        return PL_ECONFLICT;
    case MYSQL_LOCK_WAIT: case MYSQL_DEADLOCK:
        return PL_EBUSY;
    case MYSQL_DISK_FULL: case MYSQL_TABLE_FULL:
        return PL_EFULL;
    case MYSQL_NO_SOCKET: case MYSQL_NO_HOST: case MYSQL_GONE: case MYSQL_LOST:
    case MYSQL_LOST_INIT: case MYSQL_ACCESS_DB: case MYSQL_ACCESS_USER:
        return PL_EUNAVAILABLE;
    }
    return PL_EDB;
}

/* rc, told to the watch: answered unless the connection is lost or refused. */
static int watched(pl_db_t *db, apr_time_t started, int rc)
{
    pl_db_watch_leave(started, rc == 0 || rc == -1
                      || classify(db, rc, apr_dbd_error(db->driver, db->handle, rc))
                         != PL_EUNAVAILABLE);
    return rc;
}

/* Maps a driver result to our codes, logging what is not the caller's fault. */
static apr_status_t failure(pl_db_t *db, int rc, const char *label)
{
    const char *msg = apr_dbd_error(db->driver, db->handle, rc);
    apr_status_t rv = classify(db, rc, msg);

    if (rv != PL_ECONFLICT)
        pl_log(rv == PL_EBUSY || rv == PL_EUNAVAILABLE ? PL_LOG_WARN : PL_LOG_ERR, PL_LOG_MARK, 0,
               "PLN01001: database statement %s failed (%s %d): %s", label,
               apr_dbd_name(db->driver), rc, msg ? msg : "no message");
    return rv;
}

static apr_status_t prepare(pl_db_t *db, const pl_sql_t *sql, apr_dbd_prepared_t **pst)
{
    apr_dbd_prepared_t *st = apr_hash_get(db->prepared, sql->label, APR_HASH_KEY_STRING);
    const char *text;
    int rc;

    if (!st) {
        text = (db->dialect == PL_DB_MYSQL && sql->mysql) ? sql->mysql : sql->sqlite3;
        rc = WATCHED(db, apr_dbd_prepare(db->driver, db->stmt_pool, db->handle, text, NULL, &st));
        if (rc != 0)
            return failure(db, rc, sql->label);
        apr_hash_set(db->prepared, sql->label, APR_HASH_KEY_STRING, st);
    }
    *pst = st;
    return APR_SUCCESS;
}

/* A SQLite statement prepared before the schema changed (a migration, even
 * from another process), or a MySQL one prepared before the connection was
 * made anew, fails for good: forget it, so that the one retry prepares it
 * afresh. The driver finalises the
 * old one when the connection closes. A failure with a known cause (a lock,
 * a full disk, a constraint) is not that: a re-run would only wait again. */
static int retry_fresh(pl_db_t *db, const pl_sql_t *sql, int rc, int attempt)
{
    if (attempt > 0)
        return 0;
    /* MySQL: the client library reconnected (a server restarted, a
     * connection cut) and the server forgot the connection's statements */
    if (db->dialect == PL_DB_MYSQL ? rc != MYSQL_NOT_PREPARED && rc != MYSQL_UNKNOWN_STMT
        : classify(db, rc, apr_dbd_error(db->driver, db->handle, rc)) != PL_EDB)
        return 0;
    apr_hash_set(db->prepared, sql->label, APR_HASH_KEY_STRING, NULL);
    return 1;
}

/* apr_dbd's SQLite driver runs every statement of the process under one
 * mutex, so a statement must not wait for a lock inside it: the thread whose
 * transaction holds the lock would wait for the mutex to finish, and every
 * thread of the process would stall for the whole timeout. SQLite itself
 * does not wait (busy_timeout 0; the driver retries for about 1.5 s,
 * releasing the mutex between tries); a statement still refused as busy is
 * tried again here, outside the mutex, until the deadline: db->deadline when
 * the caller set one for all its statements (a request), else
 * db->busy_timeout_ms after this statement began. A try is not begun past
 * it, so the driver's own retries are the most a deadline is overrun by. */
static int retry_busy(pl_db_t *db, int rc, apr_time_t started)
{
    apr_time_t until = db->deadline ? db->deadline
                                    : started + apr_time_from_msec(db->busy_timeout_ms);

    if (db->dialect != PL_DB_SQLITE3
        || classify(db, rc, apr_dbd_error(db->driver, db->handle, rc)) != PL_EBUSY)
        return 0;
    if (apr_time_now() + BUSY_PAUSE >= until) {
        db->budget_spent = db->deadline != 0;
        return 0;
    }
    apr_sleep(BUSY_PAUSE);
    return 1;
}

/* The request spent its wait on a lock: a statement after that would wait
 * in the driver again (about 1.5 s) for the same lock. */
static apr_status_t spent(pl_db_t *db, const char *label)
{
    pl_log(PL_LOG_WARN, PL_LOG_MARK, 0, "PLN01508: database statement %s not tried: the"
           " request waited its PlanningSQLiteBusyTimeout for a lock already", label);
    return PL_EBUSY;
}

void pl_db_deadline_from_now(pl_db_t *db)
{
    db->deadline = apr_time_now() + apr_time_from_msec(db->busy_timeout_ms);
    db->budget_spent = 0;
}

apr_status_t pl_db_exec(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                        int nargs, const char **args, int *nrows)
{
    apr_dbd_prepared_t *st;
    apr_time_t started = apr_time_now();
    apr_status_t rv;
    int rc, n = 0, attempt = 0;

    if (db->budget_spent)
        return spent(db, sql->label);
    for (;;) {
        if ((rv = prepare(db, sql, &st)) != APR_SUCCESS)
            return rv;
        rc = WATCHED(db, apr_dbd_pquery(db->driver, p, db->handle, &n, st, nargs, args));
        if (rc == 0)
            break;
        if (retry_busy(db, rc, started))
            continue;
        if (!retry_fresh(db, sql, rc, attempt++))
            return failure(db, rc, sql->label);
    }
    if (nrows)
        *nrows = n;
    return APR_SUCCESS;
}

/* Reads every row: MySQL's buffers are reused by the next get_row, and a
 * result left unread puts the pooled handle "out of sync". */
static apr_status_t read_all(pl_db_t *db, apr_pool_t *p, apr_dbd_results_t *res,
                             const char *label, pl_db_result_t **pres)
{
    pl_db_result_t *out = apr_pcalloc(p, sizeof(*out));
    apr_dbd_row_t *row = NULL;
    int rc, i;

    out->ncols = apr_dbd_num_cols(db->driver, res);
    out->rows = apr_array_make(p, 8, sizeof(const char **));
    while ((rc = WATCHED(db, apr_dbd_get_row(db->driver, p, res, &row, -1))) == 0) {
        const char **vals = apr_palloc(p, sizeof(char *) * (out->ncols ? out->ncols : 1));
        for (i = 0; i < out->ncols; i++) {
            const char *v = apr_dbd_get_entry(db->driver, row, i);
            /* SQLite's values already live in p; MySQL's buffer is reused */
            vals[i] = v && db->dialect == PL_DB_MYSQL ? apr_pstrdup(p, v) : v;
        }
        APR_ARRAY_PUSH(out->rows, const char **) = vals;
    }
    if (rc != -1)
        return failure(db, rc, label);
    *pres = out;
    return APR_SUCCESS;
}

apr_status_t pl_db_select(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                          int nargs, const char **args, pl_db_result_t **pres)
{
    apr_dbd_prepared_t *st;
    apr_dbd_results_t *res;
    apr_time_t started = apr_time_now();
    apr_status_t rv;
    int rc, attempt = 0;

    if (db->budget_spent)
        return spent(db, sql->label);
    for (;;) {
        if ((rv = prepare(db, sql, &st)) != APR_SUCCESS)
            return rv;
        res = NULL;
        rc = WATCHED(db, apr_dbd_pselect(db->driver, p, db->handle, &res, st, 0, nargs, args));
        if (rc == 0)
            break;
        if (retry_busy(db, rc, started))
            continue;
        if (!retry_fresh(db, sql, rc, attempt++))
            return failure(db, rc, sql->label);
    }
    return read_all(db, p, res, sql->label, pres);
}

apr_array_header_t *pl_db_map(apr_pool_t *p, const pl_db_result_t *res, pl_db_row_fn *fn)
{
    apr_array_header_t *out = apr_array_make(p, res->rows->nelts + 1, sizeof(void *));
    int i;

    for (i = 0; i < res->rows->nelts; i++)
        APR_ARRAY_PUSH(out, void *) = fn(p, PL_DB_ROW(res, i));
    return out;
}

apr_status_t pl_db_stamp(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, apr_int64_t id)
{
    const char *args[2];

    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = pl_text_i64(p, id);
    return pl_db_exec(db, p, sql, 2, args, NULL);
}

apr_status_t pl_db_exec_text(pl_db_t *db, apr_pool_t *p, const char *text)
{
    apr_time_t started = apr_time_now();
    apr_dbd_results_t *res = NULL;
    pl_db_result_t *ignored;
    int rc, nrows = 0;

    if (db->dialect == PL_DB_MYSQL) {
        rc = WATCHED(db, apr_dbd_query(db->driver, db->handle, &nrows, text));
        return rc ? failure(db, rc, "(text)") : APR_SUCCESS;
    }
    /* SQLite's query call reports a PRAGMA's row as a failure: select it.
     * A new connection after a crash may find the log being recovered. */
    while ((rc = WATCHED(db, apr_dbd_select(db->driver, p, db->handle, &res, text, 0))) != 0
           && retry_busy(db, rc, started))
        res = NULL;
    if (rc != 0)
        return failure(db, rc, "(text)");
    return read_all(db, p, res, "(text)", &ignored);
}

apr_status_t pl_db_last_id(pl_db_t *db, apr_pool_t *p, apr_int64_t *id)
{
    static const pl_sql_t sql = {
        "pl.last_id", "SELECT last_insert_rowid()", "SELECT LAST_INSERT_ID()"
    };
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, &sql, 0, NULL, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts != 1 || !PL_DB_ROW(res, 0)[0])
        return PL_EDB;
    *id = apr_atoi64(PL_DB_ROW(res, 0)[0]);
    return APR_SUCCESS;
}

apr_status_t pl_db_setup_connection(pl_db_t *db, apr_pool_t *p, int busy_timeout_ms)
{
    apr_status_t rv;

    if (db->dialect == PL_DB_SQLITE3) {
        db->busy_timeout_ms = busy_timeout_ms;
        if ((rv = pl_db_exec_text(db, p, "PRAGMA busy_timeout=0")) != APR_SUCCESS
            || (rv = pl_db_exec_text(db, p, "PRAGMA synchronous=NORMAL")) != APR_SUCCESS
            || (rv = pl_db_exec_text(db, p, "PRAGMA foreign_keys=ON")) != APR_SUCCESS)
            return rv;
        /* WAL is a property of the file, set for good by `planning migrate`.
         * On a file that never saw it, connections opening at once race to
         * switch it and the losers are told the database is locked: that is
         * no failure, one of them switched it. */
        rv = pl_db_exec_text(db, p, "PRAGMA journal_mode=WAL");
        return rv == PL_EBUSY ? APR_SUCCESS : rv;
    }
    if ((rv = pl_db_exec_text(db, p, "SET NAMES utf8mb4 COLLATE utf8mb4_bin")) != APR_SUCCESS
        || (rv = pl_db_exec_text(db, p, "SET time_zone='+00:00'")) != APR_SUCCESS)
        return rv;
    return pl_db_exec_text(db, p, "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,"
                           "NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'");
}

apr_status_t pl_db_begin(pl_db_t *db, apr_pool_t *p, apr_dbd_transaction_t **ptx)
{
    apr_time_t started = apr_time_now();
    apr_status_t rv = APR_SUCCESS;
    int rc;

    if (db->budget_spent)
        return spent(db, "(begin)");
    /* The driver begins IMMEDIATE: the one statement of a transaction that
     * waits for the lock. A BEGIN that failed still leaves the connection
     * marked as in a transaction, and the next failure would make it refuse
     * every statement: unmark it before a retry, or before giving up. */
    for (;;) {
        *ptx = NULL;
        if ((rc = WATCHED(db, apr_dbd_transaction_start(db->driver, p, db->handle, ptx))) == 0)
            break;
        if (!retry_busy(db, rc, started))
            rv = failure(db, rc, "(begin)");
        if (*ptx) {
            apr_dbd_transaction_mode_set(db->driver, *ptx, APR_DBD_TRANSACTION_ROLLBACK);
            apr_dbd_transaction_end(db->driver, p, *ptx);
        }
        if (rv != APR_SUCCESS)
            return rv;
    }
    /* By default a failed statement makes the driver refuse every later one
     * in the transaction, the retry of a stale statement included; the
     * caller decides at pl_db_end whether to commit. */
    apr_dbd_transaction_mode_set(db->driver, *ptx, APR_DBD_TRANSACTION_IGNORE_ERRORS);
    return APR_SUCCESS;
}

apr_status_t pl_db_end(pl_db_t *db, apr_pool_t *p, apr_dbd_transaction_t *tx, int failed)
{
    int rc;

    apr_dbd_transaction_mode_set(db->driver, tx, failed ? APR_DBD_TRANSACTION_ROLLBACK
                                                        : APR_DBD_TRANSACTION_COMMIT);
    rc = WATCHED(db, apr_dbd_transaction_end(db->driver, p, tx));
    return rc ? failure(db, rc, "(commit)") : APR_SUCCESS;
}
