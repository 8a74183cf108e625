/* SPDX-License-Identifier: Apache-2.0 */
/* pl_gitlog: the history of repositories the test makes with libgit2. */
#include <sys/stat.h>

#include "unit.h"
#include "git_fixture.h"
#include "code/pl_gitlog.h"
#include "core/pl_status.h"

typedef struct {
    apr_pool_t *p;
    char base[32];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    strcpy(f->base, "/tmp/pl_gitlog_XXXXXX");
    assert_non_null(mkdtemp(f->base));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(system(apr_psprintf(f->p, "rm -rf '%s'", f->base)), 0);
    *state = f->p;
    return unit_pool_teardown(state);
}

static void reads_newest_first_up_to_the_cap(void **state)
{
    fixture_t *f = *state;
    static const char *const messages[] = {
        "Initial import\n", "Add login rate limiting\n\nFive attempts per minute.\n",
        "Fix session expiry\n", NULL
    };
    const char *repo = apr_pstrcat(f->p, f->base, "/repo", NULL);
    pl_gitlog_t *log;
    const char *err;
    const pl_gitlog_commit_t *c;

    fx_git_history(repo, messages, NULL);
    assert_int_equal(pl_gitlog_read(f->p, repo, 0, &log, &err), APR_SUCCESS);
    assert_int_equal(log->commits->nelts, 3);
    assert_false(log->truncated);
    assert_non_null(log->head);
    c = &APR_ARRAY_IDX(log->commits, 0, pl_gitlog_commit_t);
    assert_string_equal(c->summary, "Fix session expiry");
    assert_int_equal(strlen(c->id), 40);
    assert_string_equal(c->author, "Ada");
    assert_true(c->time == apr_time_from_sec(1700000000 + 7200));
    c = &APR_ARRAY_IDX(log->commits, 1, pl_gitlog_commit_t);
    assert_string_equal(c->summary, "Add login rate limiting");
    assert_string_equal(c->message, "Add login rate limiting\n\nFive attempts per minute.\n");

    assert_int_equal(pl_gitlog_read(f->p, repo, 2, &log, &err), APR_SUCCESS);
    assert_int_equal(log->commits->nelts, 2);
    assert_true(log->truncated);
    assert_string_equal(APR_ARRAY_IDX(log->commits, 1, pl_gitlog_commit_t).summary,
                        "Add login rate limiting");
}

static void not_a_repository_is_not_found(void **state)
{
    fixture_t *f = *state;
    static const char *const none[] = { NULL };
    static const char *const one[] = { "Only commit\n", NULL };
    const char *plain = apr_pstrcat(f->p, f->base, "/plain", NULL);
    const char *empty = apr_pstrcat(f->p, f->base, "/empty", NULL);
    const char *outer = apr_pstrcat(f->p, f->base, "/outer", NULL);
    const char *inner = apr_pstrcat(f->p, outer, "/inner", NULL);
    pl_gitlog_t *log = NULL;
    const char *err;

    assert_int_equal(mkdir(plain, 0755), 0);
    assert_int_equal(pl_gitlog_read(f->p, plain, 0, &log, &err), PL_ENOTFOUND);
    assert_int_equal(pl_gitlog_read(f->p, apr_pstrcat(f->p, f->base, "/missing", NULL), 0,
                                     &log, &err), PL_ENOTFOUND);
    fx_git_history(empty, none, NULL);     /* initialised, no commit yet */
    assert_int_equal(pl_gitlog_read(f->p, empty, 0, &log, &err), PL_ENOTFOUND);
    /* a directory inside a repository is not one: the parent is not searched */
    fx_git_history(outer, one, NULL);
    assert_int_equal(mkdir(inner, 0755), 0);
    assert_int_equal(pl_gitlog_read(f->p, inner, 0, &log, &err), PL_ENOTFOUND);
    assert_null(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_newest_first_up_to_the_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(not_a_repository_is_not_found, setup, teardown),
    };
    return UNIT_RUN(tests);
}
