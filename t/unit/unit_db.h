/* SPDX-License-Identifier: Apache-2.0 */
/* A fresh SQLite database per test, migrated to the current schema: the
 * fixture of the unit tests that store things. */
#ifndef PL_UNIT_DB_H
#define PL_UNIT_DB_H

#include <unistd.h>

#include "unit.h"
#include "db/pl_db.h"
#include "db/pl_migrate.h"
#include "core/pl_version.h"

typedef struct {
    apr_pool_t *p;
    char file[64];
    pl_db_t *db;
} unit_db_t;

static int unit_db_setup(void **state)
{
    unit_db_t *f;
    const char *err;
    int fd, from, to;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    strcpy(f->file, "/tmp/pl_unit_db_XXXXXX");
    fd = mkstemp(f->file);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pl_db_open(&f->db, f->p, "sqlite3", f->file, &err), APR_SUCCESS);
    assert_int_equal(pl_db_setup_connection(f->db, f->p, 1000), APR_SUCCESS);
    assert_int_equal(pl_migrate_apply(f->db, f->p, PL_SRCDIR "/schema", &from, &to, NULL, NULL,
                                      &err), APR_SUCCESS);
    assert_int_equal(from, 0);
    assert_int_equal(to, PL_SCHEMA_VERSION);
    *state = f;
    return 0;
}

static int unit_db_teardown(void **state)
{
    unit_db_t *f = *state;

    unlink(f->file);
    unlink(apr_pstrcat(f->p, f->file, "-wal", NULL));
    unlink(apr_pstrcat(f->p, f->file, "-shm", NULL));
    *state = f->p;
    return unit_pool_teardown(state);
}

#define UNIT_DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_db_setup, unit_db_teardown)

#endif
