/* SPDX-License-Identifier: Apache-2.0 */
/* pl_errors: every error code is UPPER_SNAKE, listed once, with a status
 * that is an HTTP error (or 0: events, messages and jobs only) and a meaning. */
#include "unit.h"
#include "core/pl_errors.h"

static int upper_snake(const char *s)
{
    const char *c;

    if (!(*s >= 'A' && *s <= 'Z'))
        return 0;
    for (c = s; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || (*c == '_' && c[1] && c[1] != '_')))
            return 0;
    return 1;
}

static void codes_are_upper_snake_and_unique(void **state)
{
    const pl_error_code_t *e, *f;
    int n = 0;

    (void)state;
    for (e = PL_ERROR_CODES; e->code; e++, n++) {
        if (!upper_snake(e->code))
            fail_msg("%s is not UPPER_SNAKE", e->code);
        for (f = e + 1; f->code; f++)
            if (!strcmp(e->code, f->code))
                fail_msg("%s is listed twice", e->code);
        assert_true(e->status == 0 || (e->status >= 400 && e->status < 600));
        assert_true(e->meaning && *e->meaning && e->where && *e->where);
        assert_ptr_equal(pl_error_code_find(e->code), e);
    }
    assert_true(n >= 40);
    assert_false(upper_snake("upstream_error"));
    assert_false(upper_snake("UPSTREAM__ERROR"));
}

static void finds_by_code(void **state)
{
    (void)state;
    assert_int_equal(pl_error_code_find(PL_ERR_MODEL_NOT_FOUND)->status, 404);
    assert_int_equal(pl_error_code_find(PL_ERR_UPSTREAM_TIMEOUT)->status, 504);
    assert_int_equal(pl_error_code_find(PL_ERR_BUSY)->status, 503);
    assert_int_equal(pl_error_code_find(PL_ERR_STOPPED)->status, 0);
    assert_null(pl_error_code_find("upstream_error"));
    assert_null(pl_error_code_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(codes_are_upper_snake_and_unique),
        UNIT_TEST(finds_by_code),
    };
    return UNIT_RUN(tests);
}
