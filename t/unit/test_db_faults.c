/* SPDX-License-Identifier: Apache-2.0 */
/* The database under faults: one deadline for all the statements of a
 * request against a lock held elsewhere (not one per statement), and the
 * watch that tells a database that stopped answering. */
#include <apr_time.h>

#include "unit_db.h"
#include "db/pl_db_watch.h"
#include "db/pl_health.h"
#include "core/pl_status.h"

#define MS(t) ((long)((t) / 1000))

/* Three writes against a lock another connection holds: the first waits
 * out the request's deadline, the others do not wait again. */
static void test_deadline_is_per_request(void **state)
{
    unit_db_t *f = *state;
    apr_dbd_transaction_t *tx = NULL;
    pl_db_t *other;
    const char *err;
    apr_time_t t0;
    int i;

    assert_int_equal(pl_db_open(&other, f->p, "sqlite3", f->file, &err), APR_SUCCESS);
    assert_int_equal(pl_db_setup_connection(other, f->p, 300), APR_SUCCESS);
    assert_int_equal(pl_db_begin(f->db, f->p, &tx), APR_SUCCESS);
    assert_int_equal(pl_health_write(f->db, f->p), APR_SUCCESS);   /* f holds the write lock */

    t0 = apr_time_now();
    pl_db_deadline_from_now(other);
    for (i = 0; i < 3; i++)
        assert_int_equal(pl_health_write(other, f->p), PL_EBUSY);
    /* 300 ms, overrun by at most one try of the driver (about 1.6 s); one
     * deadline per statement, each with a re-run, took 3 x 3.5 s */
    fprintf(stderr, "# three writes refused in %ld ms\n", MS(apr_time_now() - t0));
    assert_true(apr_time_now() - t0 < apr_time_from_msec(2600));

    assert_int_equal(pl_db_end(f->db, f->p, tx, 0), APR_SUCCESS);
    pl_db_deadline_from_now(other);
    assert_int_equal(pl_health_write(other, f->p), APR_SUCCESS);
}

/* Calls hanging past the limit with none coming back. */
static void test_watch_hang(void **state)
{
    apr_time_t t;

    pl_db_watch_configure(apr_time_from_msec(50));
    t = pl_db_watch_enter(-1);
    assert_false(pl_db_watch_stalled());
    apr_sleep(apr_time_from_msec(70));
    assert_true(pl_db_watch_stalled());
    pl_db_watch_leave(t, 1);
    assert_false(pl_db_watch_stalled());
}

/* A call that came back unanswered after waiting: silent until a call is
 * answered, one caller a limit let through to find out. */
static void test_watch_silent(void **state)
{
    apr_time_t t;

    pl_db_watch_configure(apr_time_from_msec(50));
    t = pl_db_watch_enter(-1);
    pl_db_watch_leave(t, 0);             /* refused at once: not silent */
    assert_false(pl_db_watch_stalled());
    t = pl_db_watch_enter(-1);
    apr_sleep(apr_time_from_msec(30));
    pl_db_watch_leave(t, 0);             /* timed out */
    assert_true(pl_db_watch_stalled());
    apr_sleep(apr_time_from_msec(60));
    assert_false(pl_db_watch_stalled()); /* the one let through */
    assert_true(pl_db_watch_stalled());
    t = pl_db_watch_enter(-1);
    pl_db_watch_leave(t, 1);             /* it answered */
    assert_false(pl_db_watch_stalled());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_DB_TEST(test_deadline_is_per_request),
        UNIT_TEST(test_watch_hang),
        UNIT_TEST(test_watch_silent),
    };
    return UNIT_RUN(tests);
}
