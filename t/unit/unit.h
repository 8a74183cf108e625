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

/* TAP output for prove. */
#define UNIT_RUN(group) \
    (cmocka_set_message_output(CM_OUTPUT_TAP), cmocka_run_group_tests(group, NULL, NULL))

#endif
