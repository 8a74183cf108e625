/* SPDX-License-Identifier: Apache-2.0 */
/* pl_path: confinement of project directories to the allowed roots, on a
 * real tree with symlinks that the test builds. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "core/pl_path.h"
#include "core/pl_status.h"

typedef struct {
    apr_pool_t *p;
    const char *base;
    apr_array_header_t *roots;
} fixture_t;

static const char *mk(apr_pool_t *p, const char *base, const char *rel)
{
    const char *path = apr_pstrcat(p, base, "/", rel, NULL);

    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

static int setup(void **state)
{
    fixture_t *f;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    f->base = unit_tempdir(f->p, "pl_path_");
    mk(f->p, f->base, "roots");
    mk(f->p, f->base, "roots/proj");
    mk(f->p, f->base, "roots-evil");
    mk(f->p, f->base, "outside");
    assert_int_equal(symlink(apr_pstrcat(f->p, f->base, "/outside", NULL),
                             apr_pstrcat(f->p, f->base, "/roots/escape", NULL)), 0);
    assert_int_equal(symlink("proj", apr_pstrcat(f->p, f->base, "/roots/alias", NULL)), 0);
    close(open(apr_pstrcat(f->p, f->base, "/roots/file", NULL), O_CREAT | O_WRONLY, 0644));
    f->roots = apr_array_make(f->p, 1, sizeof(const char *));
    APR_ARRAY_PUSH(f->roots, const char *) = apr_pstrcat(f->p, f->base, "/roots", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    unit_rmtree(f->p, f->base);
    *state = f->p;
    return unit_pool_teardown(state);
}

static apr_status_t confine(fixture_t *f, const char *rel, const char **resolved)
{
    const char *why = NULL;
    const char *path = rel[0] == '/' && strncmp(rel, "/tmp/pl_path", 12) ? rel
                     : apr_pstrcat(f->p, f->base, "/", rel, NULL);
    apr_status_t rv = pl_path_confine_dir(f->p, path, f->roots, resolved, &why);

    if (rv != APR_SUCCESS) {
        assert_non_null(why);
        assert_null(strstr(why, f->base));  /* the reason never echoes a root */
    }
    return rv;
}

static void inside_is_accepted(void **state)
{
    fixture_t *f = *state;
    const char *res;

    assert_int_equal(confine(f, "roots/proj", &res), APR_SUCCESS);
    assert_string_equal(res, apr_pstrcat(f->p, f->base, "/roots/proj", NULL));
    assert_int_equal(confine(f, "roots/alias", &res), APR_SUCCESS);
    assert_string_equal(res, apr_pstrcat(f->p, f->base, "/roots/proj", NULL));
    assert_int_equal(confine(f, "roots/proj/../proj/", &res), APR_SUCCESS);
}

static void outside_is_refused(void **state)
{
    fixture_t *f = *state;
    const char *res;

    assert_int_equal(confine(f, "roots-evil", &res), PL_EINVAL);
    assert_int_equal(confine(f, "outside", &res), PL_EINVAL);
    assert_int_equal(confine(f, "roots/escape", &res), PL_EINVAL);
    assert_int_equal(confine(f, "roots/../outside", &res), PL_EINVAL);
    assert_int_equal(confine(f, "roots/missing", &res), PL_EINVAL);
    assert_int_equal(confine(f, "roots/file", &res), PL_EINVAL);
    assert_int_equal(confine(f, "/etc", &res), PL_EINVAL);
    assert_int_equal(pl_path_confine_dir(f->p, "relative/dir", f->roots, &res, &(const char *){0}),
                     PL_EINVAL);
    /* a project lies strictly below a root, never on it */
    assert_int_equal(confine(f, "roots", &res), PL_EINVAL);
    assert_int_equal(confine(f, "roots/proj/..", &res), PL_EINVAL);
}

/* Outside the roots every path gets the same answer, whatever is there: a
 * reply must not tell a file from a missing path or an unreadable or
 * allowed directory (issue 10, item 6). */
static void outside_says_one_thing(void **state)
{
    fixture_t *f = *state;
    static const char *const paths[] = {
        "/etc/passwd", "/nonexistent/x", "/root/x", "/proc/1/cwd", "/etc", "/", "/tmp",
        "roots-evil", "outside", "roots/escape", "roots/escape/x", "roots/missing",
        "roots/../outside",
    };
    const char *res, *why;
    apr_size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        const char *path = paths[i][0] == '/' ? paths[i]
                         : apr_pstrcat(f->p, f->base, "/", paths[i], NULL);
        why = NULL;
        assert_int_equal(pl_path_confine_dir(f->p, path, f->roots, &res, &why), PL_EINVAL);
        assert_string_equal(why, PL_PATH_OUTSIDE);
    }
}

static void normalize_reads_text_only(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pl_path_normalize(p, "/a//b/./c/"), "/a/b/c");
    assert_string_equal(pl_path_normalize(p, "/a/b/../../../etc"), "/etc");
    assert_string_equal(pl_path_normalize(p, "/.."), "/");
    assert_string_equal(pl_path_normalize(p, "/no/such/dir/../x"), "/no/such/x");
    assert_null(pl_path_normalize(p, "a/b"));
}

static void no_roots_allows_nothing(void **state)
{
    fixture_t *f = *state;
    const char *res, *why;

    assert_int_equal(pl_path_confine_dir(f->p, apr_pstrcat(f->p, f->base, "/roots/proj", NULL),
                                         NULL, &res, &why), PL_EINVAL);
    assert_non_null(strstr(why, "PlanningProjectRoots"));
}

static void is_under_by_components(void **state)
{
    assert_true(pl_path_is_under("/srv/p", "/srv/p"));
    assert_true(pl_path_is_under("/srv/p/x", "/srv/p"));
    assert_false(pl_path_is_under("/srv/px", "/srv/p"));
    assert_false(pl_path_is_under("/srv", "/srv/p"));
    assert_true(pl_path_is_under("/anything", "/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(inside_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(outside_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(no_roots_allows_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(outside_says_one_thing, setup, teardown),
        UNIT_TEST(normalize_reads_text_only),
        UNIT_TEST(is_under_by_components),
    };
    return UNIT_RUN(tests);
}
