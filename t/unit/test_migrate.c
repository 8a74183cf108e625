/* SPDX-License-Identifier: Apache-2.0 */
/* pl_migrate with numbers that arrive out of order: migration numbers are
 * reserved per line of work, so a database may hold 008 before 006 and 007
 * exist. They must be applied when they come, not skipped as old. */
#include <unistd.h>

#include <apr_file_info.h>
#include <apr_file_io.h>

#include "unit.h"
#include "db/pl_migrate.h"
#include "core/pl_status.h"
#include "core/pl_version.h"

/* A schema directory with the repository's sqlite3 migrations. */
static const char *copy_schema(apr_pool_t *p)
{
    char tmpl[] = "/tmp/pl_migrate_XXXXXX";
    const char *dir, *from = PL_SRCDIR "/schema/sqlite3";
    apr_dir_t *d;
    apr_finfo_t fi;

    assert_non_null(mkdtemp(tmpl));
    dir = apr_pstrdup(p, tmpl);
    assert_int_equal(apr_dir_make(apr_pstrcat(p, dir, "/sqlite3", NULL), APR_FPROT_OS_DEFAULT, p),
                     APR_SUCCESS);
    assert_int_equal(apr_dir_open(&d, from, p), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS)
        if (fi.filetype == APR_REG)
            assert_int_equal(apr_file_copy(apr_pstrcat(p, from, "/", fi.name, NULL),
                                           apr_pstrcat(p, dir, "/sqlite3/", fi.name, NULL),
                                           APR_FPROT_FILE_SOURCE_PERMS, p), APR_SUCCESS);
    apr_dir_close(d);
    return dir;
}

static void write_file(apr_pool_t *p, const char *path, const char *text)
{
    apr_file_t *f;
    apr_size_t n = strlen(text);

    assert_int_equal(apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, p), APR_SUCCESS);
    assert_int_equal(apr_file_write_full(f, text, n, &n), APR_SUCCESS);
    apr_file_close(f);
}

static const pl_sql_t SQL_RECORDED = {
    "t.recorded", "SELECT COUNT(*) FROM schema_version WHERE version = 900", NULL
};

/* The copy, its database and the directories go. */
static void remove_dir(apr_pool_t *p, const char *dir)
{
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return;
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        if (fi.filetype == APR_DIR && strcmp(fi.name, ".") && strcmp(fi.name, ".."))
            remove_dir(p, path);
        else if (fi.filetype == APR_REG)
            apr_file_remove(path, p);
    }
    apr_dir_close(d);
    apr_dir_remove(dir, p);
}

static void gap_filled_later(void **state)
{
    apr_pool_t *p = *state;
    const char *schema = copy_schema(p), *err, *file = apr_pstrcat(p, schema, "/test.db", NULL);
    pl_db_t *db;
    pl_db_result_t *res;
    int from, to, version;

    assert_int_equal(pl_db_open(&db, p, "sqlite3", file, &err), APR_SUCCESS);
    /* the newest is applied first (one branch merged) ... */
    write_file(p, apr_pstrcat(p, schema, "/sqlite3/901_newest.sql", NULL),
               "CREATE TABLE newest (x INTEGER);\n");
    assert_int_equal(pl_migrate_apply(db, p, schema, &from, &to, NULL, NULL, &err), APR_SUCCESS);
    assert_int_equal(to, 901);

    /* ... then a number below it turns up (another branch merged) */
    write_file(p, apr_pstrcat(p, schema, "/sqlite3/900_later.sql", NULL),
               "-- arrives after 901\nCREATE TABLE gap_filler (x INTEGER);\n");
    assert_int_equal(pl_migrate_apply(db, p, schema, &from, &to, NULL, NULL, &err), APR_SUCCESS);
    assert_int_equal(from, 901);
    assert_int_equal(to, 901);
    assert_int_equal(pl_db_exec_text(db, p, "INSERT INTO gap_filler (x) VALUES (1)"), APR_SUCCESS);
    assert_int_equal(pl_migrate_version(db, p, &version), APR_SUCCESS);
    assert_int_equal(version, 901);
    /* recorded, and applied once only */
    assert_int_equal(pl_migrate_apply(db, p, schema, &from, &to, NULL, NULL, &err), APR_SUCCESS);
    assert_int_equal(pl_db_select(db, p, &SQL_RECORDED, 0, NULL, &res), APR_SUCCESS);
    assert_string_equal(PL_DB_ROW(res, 0)[0], "1");
    remove_dir(p, schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(gap_filled_later),
    };
    return UNIT_RUN(tests);
}
