/* SPDX-License-Identifier: Apache-2.0 */
/* Shared set-up of the C unit tests: cmocka, one APR pool per test. */
#ifndef PL_UNIT_H
#define PL_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "core/pl_log.h"

static apr_pool_t *unit_root;

static void unit_log(pl_log_level_e level, const char *file, int line, apr_status_t rv,
                     const char *msg, void *baton)
{
    (void)rv;
    (void)baton;
    fprintf(stderr, "# log %d %s:%d: %s\n", (int)level, file, line, msg);
}

static int unit_pool_setup(void **state)
{
    apr_pool_t *p;

    if (!unit_root) {
        apr_initialize();
        apr_pool_create(&unit_root, NULL);
        pl_log_set(unit_log, PL_LOG_DEBUG, NULL);
    }
    apr_pool_create(&p, unit_root);
    *state = p;
    return 0;
}

static int unit_pool_teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

#define UNIT_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_pool_setup, unit_pool_teardown)

/* A new directory under /tmp (name starting with prefix), canonical: paths
 * built on it compare equal to what realpath gives. */
static inline const char *unit_tempdir(apr_pool_t *p, const char *prefix)
{
    char *tmpl = apr_pstrcat(p, "/tmp/", prefix, "XXXXXX", NULL), *real;
    const char *out;

    assert_non_null(mkdtemp(tmpl));
    assert_non_null(real = realpath(tmpl, NULL));
    out = apr_pstrdup(p, real);
    free(real);
    return out;
}

/* Removes the tree at path (a unit_tempdir). */
static inline void unit_rmtree(apr_pool_t *p, const char *path)
{
    assert_int_equal(system(apr_psprintf(p, "rm -rf '%s'", path)), 0);
}

/* TAP output for prove. */
#define UNIT_RUN(group) \
    (cmocka_set_message_output(CM_OUTPUT_TAP), cmocka_run_group_tests(group, NULL, NULL))

#endif
