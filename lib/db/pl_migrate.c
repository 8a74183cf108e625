/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "db/pl_migrate.h"
#include "core/pl_status.h"
#include "core/pl_time.h"

static const pl_sql_t SQL_HAS_TABLE = {
    "pl.migrate.has_table",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
    "SELECT COUNT(*) FROM information_schema.tables"
    " WHERE table_schema = DATABASE() AND table_name = 'schema_version'"
};
static const pl_sql_t SQL_VERSION = {
    "pl.migrate.version", "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL
};
static const pl_sql_t SQL_APPLIED = {
    "pl.migrate.applied", "SELECT version FROM schema_version", NULL
};
static const pl_sql_t SQL_RECORD = {
    "pl.migrate.record",
    "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)", NULL
};

static apr_status_t single_int(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int *out)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, 0, NULL, &res);

    if (rv != APR_SUCCESS)
        return rv;
    if (res->rows->nelts != 1 || !PL_DB_ROW(res, 0)[0])
        return PL_EDB;
    *out = atoi(PL_DB_ROW(res, 0)[0]);
    return APR_SUCCESS;
}

apr_status_t pl_migrate_version(pl_db_t *db, apr_pool_t *p, int *version)
{
    apr_status_t rv;
    int has;

    if ((rv = single_int(db, p, &SQL_HAS_TABLE, &has)) != APR_SUCCESS)
        return rv;
    *version = 0;
    return has ? single_int(db, p, &SQL_VERSION, version) : APR_SUCCESS;
}

typedef struct {
    int version;
    const char *name;
    const char *path;
} migration_t;

static int by_version(const void *a, const void *b)
{
    return ((const migration_t *)a)->version - ((const migration_t *)b)->version;
}

static apr_status_t list_migrations(apr_pool_t *p, const char *dir,
                                    apr_array_header_t **out, const char **perr)
{
    apr_array_header_t *list = apr_array_make(p, 8, sizeof(migration_t));
    apr_finfo_t fi;
    apr_dir_t *d;
    apr_status_t rv;

    if ((rv = apr_dir_open(&d, dir, p)) != APR_SUCCESS) {
        *perr = apr_psprintf(p, "cannot open schema directory %s", dir);
        return rv;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *n = fi.name;
        apr_size_t len = strlen(n);
        migration_t *m;

        if (fi.filetype != APR_REG || len < 9 || strcmp(n + len - 4, ".sql")
            || strspn(n, "0123456789") != 3 || n[3] != '_')
            continue;
        m = apr_array_push(list);
        m->version = atoi(n);
        m->name = apr_pstrndup(p, n, len - 4);
        m->path = apr_pstrcat(p, dir, "/", n, NULL);
    }
    apr_dir_close(d);
    qsort(list->elts, list->nelts, sizeof(migration_t), by_version);
    *out = list;
    return APR_SUCCESS;
}

/* Statements end with ';' at the end of a line; '--' lines are comments.
 * That is the convention of our own schema files, not a SQL parser. */
static apr_status_t run_file(pl_db_t *db, apr_pool_t *p, const char *path, const char **perr)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    char *text, *line, *state;
    apr_status_t rv;
    struct { char *buf; apr_size_t len; } stmt;

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p)) != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        *perr = apr_psprintf(p, "cannot read %s", path);
        return rv;
    }
    len = (apr_size_t)fi.size;
    text = apr_palloc(p, len + 1);
    rv = apr_file_read_full(f, text, len, &len);
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        *perr = apr_psprintf(p, "cannot read %s", path);
        return rv;
    }
    text[len] = '\0';
    stmt.buf = apr_palloc(p, len + 1);
    stmt.len = 0;
    for (line = apr_strtok(text, "\n", &state); line; line = apr_strtok(NULL, "\n", &state)) {
        apr_size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (!strncmp(line + strspn(line, " \t"), "--", 2) || n == 0)
            continue;
        memcpy(stmt.buf + stmt.len, line, n);
        stmt.len += n;
        stmt.buf[stmt.len++] = '\n';
        if (line[n - 1] == ';') {
            stmt.buf[stmt.len - 2] = '\0';
            if ((rv = pl_db_exec_text(db, p, stmt.buf)) != APR_SUCCESS) {
                *perr = apr_psprintf(p, "%s: statement failed: %.60s...", path, stmt.buf);
                return rv;
            }
            stmt.len = 0;
        }
    }
    return APR_SUCCESS;
}

/* The versions recorded, as a set: numbers are reserved per branch of
 * work, so 008 may be applied before 006 and 007 exist; they are applied
 * when they come, not skipped for being older than the newest. */
static apr_status_t applied_versions(pl_db_t *db, apr_pool_t *p, apr_hash_t **set)
{
    pl_db_result_t *res;
    apr_status_t rv;
    int has, i;

    *set = apr_hash_make(p);
    if ((rv = single_int(db, p, &SQL_HAS_TABLE, &has)) != APR_SUCCESS || !has)
        return rv;
    if ((rv = pl_db_select(db, p, &SQL_APPLIED, 0, NULL, &res)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->rows->nelts; i++) {
        const char *v = PL_DB_ROW(res, i)[0];
        if (v)
            apr_hash_set(*set, apr_itoa(p, atoi(v)), APR_HASH_KEY_STRING, "");
    }
    return APR_SUCCESS;
}

apr_status_t pl_migrate_apply(pl_db_t *db, apr_pool_t *p, const char *schema_dir,
                              int *from, int *to, pl_migrate_progress_fn *progress,
                              void *baton, const char **perr)
{
    apr_array_header_t *list;
    apr_hash_t *applied;
    apr_status_t rv;
    int i, current;

    *perr = NULL;
    if (db->dialect == PL_DB_SQLITE3
        && (rv = pl_db_exec_text(db, p, "PRAGMA journal_mode=WAL")) != APR_SUCCESS) {
        *perr = "cannot switch the SQLite database to WAL mode";
        return rv;
    }
    if ((rv = pl_migrate_version(db, p, &current)) != APR_SUCCESS
        || (rv = applied_versions(db, p, &applied)) != APR_SUCCESS) {
        *perr = "cannot read the schema version";
        return rv;
    }
    *from = *to = current;
    rv = list_migrations(p, apr_pstrcat(p, schema_dir, "/", pl_db_driver_name(db), NULL),
                         &list, perr);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < list->nelts; i++) {
        migration_t *m = &APR_ARRAY_IDX(list, i, migration_t);
        apr_dbd_transaction_t *tx = NULL;
        const char *args[3];

        if (apr_hash_get(applied, apr_itoa(p, m->version), APR_HASH_KEY_STRING))
            continue;
        if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS) {
            *perr = "cannot start a transaction";
            return rv;
        }
        rv = run_file(db, p, m->path, perr);
        if (rv == APR_SUCCESS) {
            args[0] = apr_itoa(p, m->version);
            args[1] = m->name;
            args[2] = pl_time_rfc3339(p, apr_time_now());
            rv = pl_db_exec(db, p, &SQL_RECORD, 3, args, NULL);
            if (rv != APR_SUCCESS)
                *perr = "cannot record the migration in schema_version";
        }
        if (pl_db_end(db, p, tx, rv != APR_SUCCESS) != APR_SUCCESS && rv == APR_SUCCESS) {
            *perr = "cannot commit the migration";
            rv = PL_EDB;
        }
        if (rv != APR_SUCCESS)
            return rv;
        if (m->version > *to)
            *to = m->version;
        if (progress)
            progress(m->version, m->name, baton);
    }
    return APR_SUCCESS;
}
