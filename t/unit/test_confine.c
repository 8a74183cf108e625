/* SPDX-License-Identifier: Apache-2.0 */
/* pl_confine: a project's directory checked again at every use, and paths
 * inside a project (SECURITY.md 13 and 15), on a real tree with the
 * symlinks the test builds: to a file outside, to /, into .git, chained,
 * as a middle directory, dangling, a loop. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "core/pl_path.h"
#include "core/pl_status.h"
#include "projects/pl_confine.h"

typedef struct {
    apr_pool_t *p;
    const char *base;     /* canonical temp dir */
    const char *proj;     /* base/roots/proj: the project's directory */
    apr_array_header_t *roots;
} fixture_t;

static const char *at(fixture_t *f, const char *rel)
{
    return apr_pstrcat(f->p, f->base, "/", rel, NULL);
}

static void mkd(fixture_t *f, const char *rel)
{
    assert_int_equal(mkdir(at(f, rel), 0755), 0);
}

static void mkf(fixture_t *f, const char *rel)
{
    int fd = open(at(f, rel), O_CREAT | O_WRONLY, 0644);

    assert_true(fd >= 0);
    close(fd);
}

static void ln(fixture_t *f, const char *target, const char *rel)
{
    assert_int_equal(symlink(target, at(f, rel)), 0);
}

static int setup(void **state)
{
    fixture_t *f;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    f->base = unit_tempdir(f->p, "pl_confine_");
    mkd(f, "roots");
    mkd(f, "roots/proj");
    mkd(f, "roots/proj/src");
    mkf(f, "roots/proj/src/main.c");
    mkd(f, "roots/proj/.git");
    mkf(f, "roots/proj/.git/config");
    mkd(f, "roots/other");
    mkf(f, "roots/other/secret");
    mkd(f, "outside");
    mkf(f, "outside/passwd");
    ln(f, at(f, "outside/passwd"), "roots/proj/to-passwd");
    ln(f, "/", "roots/proj/to-root");
    ln(f, ".git/config", "roots/proj/cfg");
    ln(f, ".git", "roots/proj/gitdir");
    ln(f, "link2", "roots/proj/link1");          /* link1 -> link2 -> link3 -> outside */
    ln(f, "link3", "roots/proj/link2");
    ln(f, at(f, "outside"), "roots/proj/link3");
    ln(f, "src", "roots/proj/alias1");            /* alias1 -> alias2 -> src: inside */
    ln(f, "alias1", "roots/proj/alias2");
    ln(f, at(f, "outside"), "roots/proj/mid");    /* mid/passwd: a middle directory */
    ln(f, "../other", "roots/proj/sibling");      /* into another project */
    ln(f, "nowhere", "roots/proj/dangling");
    ln(f, "loop", "roots/proj/loop");
    f->proj = at(f, "roots/proj");
    f->roots = apr_array_make(f->p, 1, sizeof(const char *));
    APR_ARRAY_PUSH(f->roots, const char *) = at(f, "roots");
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

static apr_status_t inside(fixture_t *f, const char *rel, const char **abs, int *flags)
{
    const char *why = NULL;
    apr_status_t rv = pl_project_path(f->p, f->proj, rel, strlen(rel), abs, flags, &why);

    if (rv != APR_SUCCESS) {
        assert_non_null(why);
        assert_null(*abs);
    }
    return rv;
}

static void plain_paths_resolve_inside(void **state)
{
    fixture_t *f = *state;
    const char *abs;
    int flags;

    assert_int_equal(inside(f, "src/main.c", &abs, &flags), APR_SUCCESS);
    assert_string_equal(abs, at(f, "roots/proj/src/main.c"));
    assert_int_equal(flags, 0);
    assert_int_equal(inside(f, "./src//main.c", &abs, &flags), APR_SUCCESS);
    assert_string_equal(abs, at(f, "roots/proj/src/main.c"));
    assert_int_equal(inside(f, "", &abs, &flags), APR_SUCCESS);
    assert_string_equal(abs, f->proj);
    assert_int_equal(inside(f, "src/new/deeper.txt", &abs, &flags), APR_SUCCESS);
    assert_string_equal(abs, at(f, "roots/proj/src/new/deeper.txt"));
    assert_int_equal(flags, PL_PROJECT_PATH_MISSING);
}

static void malformed_names_are_refused(void **state)
{
    fixture_t *f = *state;
    const char *abs, *why;
    char *big = apr_palloc(f->p, 5001);
    int flags;

    assert_int_equal(inside(f, "../../etc/passwd", &abs, &flags), PL_EINVAL);
    assert_int_equal(inside(f, "src/../../other/secret", &abs, &flags), PL_EINVAL);
    assert_int_equal(inside(f, "/etc/passwd", &abs, &flags), PL_EINVAL);
    assert_int_equal(inside(f, "src\\..\\..\\x", &abs, &flags), PL_EINVAL);
    assert_int_equal(inside(f, "src/a\nb", &abs, &flags), PL_EINVAL);
    assert_int_equal(pl_project_path(f->p, f->proj, "src\0/../../x", 12, &abs, &flags, &why),
                     PL_EINVAL);
    assert_non_null(strstr(why, "NUL"));
    memset(big, 'a', 5000);
    big[5000] = '\0';
    assert_int_equal(inside(f, big, &abs, &flags), PL_EINVAL);
    assert_int_equal(inside(f, "src/main.c/x", &abs, &flags), PL_EINVAL);
}

static void symlinks_out_are_forbidden(void **state)
{
    fixture_t *f = *state;
    const char *abs;
    int flags;

    assert_int_equal(inside(f, "to-passwd", &abs, &flags), PL_EFORBIDDEN);
    assert_int_equal(inside(f, "to-root", &abs, &flags), PL_EFORBIDDEN);
    assert_int_equal(inside(f, "to-root/etc/passwd", &abs, &flags), PL_EFORBIDDEN);
    assert_int_equal(inside(f, "link1", &abs, &flags), PL_EFORBIDDEN);          /* chained */
    assert_int_equal(inside(f, "link1/passwd", &abs, &flags), PL_EFORBIDDEN);
    assert_int_equal(inside(f, "mid/passwd", &abs, &flags), PL_EFORBIDDEN);     /* middle dir */
    assert_int_equal(inside(f, "mid/new-file", &abs, &flags), PL_EFORBIDDEN);   /* a write */
    assert_int_equal(inside(f, "sibling/secret", &abs, &flags), PL_EFORBIDDEN); /* next door */
    assert_int_equal(inside(f, "dangling", &abs, &flags), PL_EFORBIDDEN);
    assert_int_equal(inside(f, "loop/x", &abs, &flags), PL_EFORBIDDEN);
}

static void symlinks_inside_are_followed(void **state)
{
    fixture_t *f = *state;
    const char *abs;
    int flags;

    assert_int_equal(inside(f, "alias2/main.c", &abs, &flags), APR_SUCCESS);
    assert_string_equal(abs, at(f, "roots/proj/src/main.c"));
    assert_int_equal(flags, 0);
}

static void git_is_flagged_however_reached(void **state)
{
    fixture_t *f = *state;
    const char *abs;
    int flags;

    assert_int_equal(inside(f, ".git/config", &abs, &flags), APR_SUCCESS);
    assert_true(flags & PL_PROJECT_PATH_GIT);
    assert_int_equal(inside(f, ".git", &abs, &flags), APR_SUCCESS);
    assert_true(flags & PL_PROJECT_PATH_GIT);
    assert_int_equal(inside(f, ".GIT/hooks/post-checkout", &abs, &flags), APR_SUCCESS);
    assert_true(flags & PL_PROJECT_PATH_GIT);
    assert_int_equal(inside(f, "cfg", &abs, &flags), APR_SUCCESS);          /* CVE-2025-8110 */
    assert_string_equal(abs, at(f, "roots/proj/.git/config"));
    assert_true(flags & PL_PROJECT_PATH_GIT);
    assert_int_equal(inside(f, "gitdir/hooks/pre-commit", &abs, &flags), APR_SUCCESS);
    assert_true(flags & PL_PROJECT_PATH_GIT);
    assert_int_equal(inside(f, "src/.git", &abs, &flags), APR_SUCCESS);     /* a submodule's */
    assert_false(flags & PL_PROJECT_PATH_GIT);
}

static void project_directory_checked_again(void **state)
{
    fixture_t *f = *state;
    const char *res, *why;

    assert_int_equal(pl_project_confine(f->p, f->roots, f->proj, &res, &why), APR_SUCCESS);
    assert_string_equal(res, f->proj);
    /* the root itself, a path outside, a vanished one */
    assert_int_equal(pl_project_confine(f->p, f->roots, at(f, "roots"), &res, &why), PL_EINVAL);
    assert_int_equal(pl_project_confine(f->p, f->roots, at(f, "outside"), &res, &why), PL_EINVAL);
    assert_string_equal(why, PL_PATH_OUTSIDE);
    assert_int_equal(pl_project_confine(f->p, f->roots, at(f, "roots/gone"), &res, &why),
                     PL_EINVAL);
    /* the saved directory swapped for a symlink to another project */
    unit_rmtree(f->p, f->proj);
    ln(f, "other", "roots/proj");
    assert_int_equal(pl_project_confine(f->p, f->roots, f->proj, &res, &why), PL_EINVAL);
    assert_non_null(strstr(why, "symlink"));
    /* roots changed since: nothing is allowed any more */
    assert_int_equal(pl_project_confine(f->p, NULL, at(f, "roots/other"), &res, &why), PL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(plain_paths_resolve_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_names_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(symlinks_out_are_forbidden, setup, teardown),
        cmocka_unit_test_setup_teardown(symlinks_inside_are_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(git_is_flagged_however_reached, setup, teardown),
        cmocka_unit_test_setup_teardown(project_directory_checked_again, setup, teardown),
    };
    return UNIT_RUN(tests);
}
