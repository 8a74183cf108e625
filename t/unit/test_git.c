/* SPDX-License-Identifier: Apache-2.0 */
/* lib/git's pure parts: the names a client may give for branches and
 * revisions (SECURITY.md item 28), and a diff rendered as JSON (from a
 * patch text, no repository); and on repositories made here, what is never
 * read or searched, and the marks of the file tree. */
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "git_fixture.h"
#include <apr_strings.h>
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "git/pl_git.h"
#include "git/pl_git_diff.h"
#include "git/pl_git_marks.h"
#include "git/pl_git_status.h"
#include "git/pl_git_ref.h"

static void branch_names(void **state)
{
    static const char *const good[] = { "main", "feature/x", "v1.2", "fix-1_2", "a/b/c", "x-", NULL };
    static const char *const bad[] = { "", "-", "-o", "--upload-pack=x", "-f", "a..b", "..", "HEAD",
                                       "x y", "x~1", "x^", "x:y", "x?", "x*", "x[", "x\\y",
                                       "a.lock", ".hidden", "a/.b", "a//b", "a/", "/a", "x@{1}",
                                       "@", "a.", "x\ty", NULL };
    const char *why;
    char longname[PL_GIT_REF_MAX + 2];
    int i;

    (void)state;
    for (i = 0; good[i]; i++)
        assert_true(pl_git_branch_name_ok(good[i], &why));
    for (i = 0; bad[i]; i++) {
        why = NULL;
        if (pl_git_branch_name_ok(bad[i], &why))
            fail_msg("accepted %s", bad[i]);
        assert_non_null(why);
    }
    assert_false(pl_git_branch_name_ok(NULL, &why));
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_false(pl_git_branch_name_ok(longname, &why));
    longname[PL_GIT_REF_MAX] = '\0';
    assert_true(pl_git_branch_name_ok(longname, &why));
}

static void revisions(void **state)
{
    static const char *const good[] = { "HEAD", "HEAD~1", "HEAD^", "HEAD~2^1", "main", "feature/x~3",
                                        "abcd", "0123456789abcdef0123456789abcdef01234567", "v1.0", NULL };
    static const char *const bad[] = { "", "-o", "--upload-pack=x", "HEAD..main", "main...x", "main@{1}",
                                       "@{-1}", ":/message", "HEAD:a.txt", "~1", "^", "HEAD~x", "main^{tree}",
                                       "a b", NULL };
    const char *why;
    int i;

    (void)state;
    for (i = 0; good[i]; i++)
        if (!pl_git_rev_ok(good[i], &why))
            fail_msg("refused %s: %s", good[i], why);
    for (i = 0; bad[i]; i++)
        if (pl_git_rev_ok(bad[i], &why))
            fail_msg("accepted %s", bad[i]);
    assert_true(pl_git_sha_ok("abcd"));
    assert_false(pl_git_sha_ok("abc"));
    assert_false(pl_git_sha_ok("abcg"));
    assert_false(pl_git_sha_ok("0123456789abcdef0123456789abcdef012345678"));
}

static const char PATCH[] =
    "diff --git a/a.txt b/a.txt\n"
    "index 01e79c3..5b6e0b2 100644\n"
    "--- a/a.txt\n"
    "+++ b/a.txt\n"
    "@@ -1,3 +1,3 @@ ctx\n"
    " 1\n"
    "-2\n"
    "+two \"quoted\"\n"
    " 3\n"
    "diff --git a/n.txt b/n.txt\n"
    "new file mode 100644\n"
    "index 0000000..e69de29\n"
    "--- /dev/null\n"
    "+++ b/n.txt\n"
    "@@ -0,0 +1,2 @@\n"
    "+x\n"
    "+y\n"
    "\\ No newline at end of file\n";

static pl_json_t *render(apr_pool_t *p, apr_size_t max)
{
    git_diff *diff;
    pl_jsonw_t *w = pl_jsonw_create(p, 1024);
    pl_json_t *out;
    const char *text, *err;
    apr_size_t len;

    git_libgit2_init();
    assert_int_equal(git_diff_from_buffer(&diff, PATCH, strlen(PATCH)), 0);
    pl_jsonw_object(w, NULL);
    assert_int_equal(pl_git_diff_write(w, p, diff, 1, max), 0);
    pl_jsonw_end(w);
    git_diff_free(diff);
    git_libgit2_shutdown();
    text = pl_jsonw_text(w, &len);
    assert_int_equal(pl_json_parse(&out, p, text, len, 64, &err), APR_SUCCESS);
    return out;
}

static void diff_json(void **state)
{
    apr_pool_t *p = *state;
    pl_json_t *out = render(p, PL_GIT_DIFF_MAX_BYTES);
    pl_json_t *files = pl_json_get_array(p, out, "files");
    pl_json_t *a, *hunk, *lines, *l;
    apr_int64_t v;

    assert_int_equal(pl_json_array_size(files), 2);
    assert_false(pl_json_is_true(out, "truncated"));
    a = pl_json_array_get(p, files, 0);
    assert_string_equal(pl_json_get_str(a, "path"), "a.txt");
    assert_string_equal(pl_json_get_str(a, "status"), "modified");
    assert_true(pl_json_get_int(a, "additions", &v) && v == 1);
    assert_true(pl_json_get_int(a, "deletions", &v) && v == 1);
    hunk = pl_json_array_get(p, pl_json_get_array(p, a, "hunks"), 0);
    assert_string_equal(pl_json_get_str(hunk, "header"), "@@ -1,3 +1,3 @@ ctx");
    assert_true(pl_json_get_int(hunk, "old_start", &v) && v == 1);
    assert_true(pl_json_get_int(hunk, "new_lines", &v) && v == 3);
    lines = pl_json_get_array(p, hunk, "lines");
    assert_int_equal(pl_json_array_size(lines), 4);
    l = pl_json_array_get(p, lines, 1);
    assert_string_equal(pl_json_get_str(l, "origin"), "-");
    assert_true(pl_json_get_int(l, "old_no", &v) && v == 2);
    assert_int_equal(pl_json_type_of(l, "new_no"), PL_JSON_NULL);
    l = pl_json_array_get(p, lines, 2);
    assert_string_equal(pl_json_get_str(l, "origin"), "+");
    assert_string_equal(pl_json_get_str(l, "content"), "two \"quoted\"");
    assert_true(pl_json_get_int(l, "new_no", &v) && v == 2);
    /* the new file: added, two lines, the end-of-file marker left out */
    a = pl_json_array_get(p, files, 1);
    assert_string_equal(pl_json_get_str(a, "status"), "added");
    hunk = pl_json_array_get(p, pl_json_get_array(p, a, "hunks"), 0);
    assert_int_equal(pl_json_array_size(pl_json_get_array(p, hunk, "lines")), 2);
}

static void diff_json_capped(void **state)
{
    apr_pool_t *p = *state;
    pl_json_t *out = render(p, 4);      /* "1\n" and "2\n" fit, "two ..." does not */
    pl_json_t *a = pl_json_array_get(p, pl_json_get_array(p, out, "files"), 0);
    pl_json_t *hunk = pl_json_array_get(p, pl_json_get_array(p, a, "hunks"), 0);

    assert_true(pl_json_is_true(out, "truncated"));
    assert_true(pl_json_is_true(a, "truncated"));
    assert_int_equal(pl_json_array_size(pl_json_get_array(p, hunk, "lines")), 2);
}

static void diff_patch_capped(void **state)
{
    apr_pool_t *p = *state;
    git_diff *diff;
    const char *text;
    apr_size_t len;
    int truncated;

    git_libgit2_init();
    assert_int_equal(git_diff_from_buffer(&diff, PATCH, strlen(PATCH)), 0);
    assert_int_equal(pl_git_diff_patch(p, diff, 1 << 20, &text, &len, &truncated), 0);
    assert_false(truncated);
    assert_non_null(strstr(text, "+two \"quoted\"\n"));
    assert_int_equal(pl_git_diff_patch(p, diff, 100, &text, &len, &truncated), 0);
    assert_true(truncated);
    assert_true(len > 0 && len <= 100);   /* the file header, not the hunk header after it */
    assert_null(strstr(text, "@@"));
    assert_int_equal(text[len - 1], '\n');
    git_diff_free(diff);
    git_libgit2_shutdown();
}

static void spew(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The server account's ~/.gitconfig is never read: here it names a global
 * excludes file that would hide every .txt file from the status. */
static void no_global_config(void **state)
{
    apr_pool_t *p = *state, *sub;
    char tmpl[] = "/tmp/pl_git_XXXXXX", root[PATH_MAX];
    const char *home, *repo, *text;
    git_repository *r;
    pl_git_t *g;
    pl_git_fail_t why;
    pl_jsonw_t *w;

    assert_non_null(mkdtemp(tmpl));
    assert_non_null(realpath(tmpl, root));
    home = apr_pstrcat(p, root, "/home", NULL);
    repo = apr_pstrcat(p, root, "/repo", NULL);
    assert_int_equal(mkdir(home, 0700), 0);
    spew(apr_pstrcat(p, home, "/.gitconfig", NULL),
         apr_pstrcat(p, "[core]\n\texcludesfile = ", home, "/ignore\n", NULL));
    spew(apr_pstrcat(p, home, "/ignore", NULL), "*.txt\n");
    git_libgit2_init();
    assert_int_equal(git_repository_init(&r, repo, 0), 0);
    git_repository_free(r);
    git_libgit2_shutdown();
    spew(apr_pstrcat(p, repo, "/x.txt", NULL), "x\n");
    setenv("HOME", home, 1);
    unsetenv("XDG_CONFIG_HOME");

    apr_pool_create(&sub, p);
    assert_int_equal(pl_git_open(sub, repo, &g, &why), APR_SUCCESS);
    w = pl_jsonw_create(p, 1024);
    pl_jsonw_object(w, NULL);
    assert_int_equal(pl_git_status_write(g, w, &why), APR_SUCCESS);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, NULL);
    apr_pool_destroy(sub);      /* frees the repository, releases libgit2 */
    if (!strstr(text, "\"path\":\"x.txt\""))
        fail_msg("x.txt is missing, the global excludes file was read: %s", text);
    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", root, NULL)), 0);
}

/* A directory inside a repository is not one (no search upwards). */
static void no_parent_search(void **state)
{
    apr_pool_t *p = *state;
    char tmpl[] = "/tmp/pl_git_XXXXXX", root[PATH_MAX];
    const char *inner;
    git_repository *r;
    pl_git_t *g;
    pl_git_fail_t why;

    assert_non_null(mkdtemp(tmpl));
    assert_non_null(realpath(tmpl, root));
    git_libgit2_init();
    assert_int_equal(git_repository_init(&r, root, 0), 0);
    git_repository_free(r);
    git_libgit2_shutdown();
    inner = apr_pstrcat(p, root, "/inner", NULL);
    assert_int_equal(mkdir(inner, 0700), 0);
    assert_int_not_equal(pl_git_open(p, inner, &g, &why), APR_SUCCESS);
    assert_string_equal(why.code, "NOT_A_REPOSITORY");
    assert_int_equal(pl_git_open(p, root, &g, &why), APR_SUCCESS);
    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", root, NULL)), 0);
}

static const char *mark_of(apr_hash_t *marks, const char *name)
{
    return apr_hash_get(marks, name, APR_HASH_KEY_STRING);
}

static apr_hash_t *marks_at(apr_pool_t *p, const char *repo, const char *rel)
{
    pl_git_t *g;
    pl_git_fail_t why;
    apr_hash_t *marks;

    assert_int_equal(pl_git_open(p, repo, &g, &why), APR_SUCCESS);
    assert_int_equal(pl_git_marks(g, rel, &marks, &why), APR_SUCCESS);
    return marks;
}

/* Stages path as the work tree has it, or a conflict on it (three stages
 * of one blob) with conflict set. */
static void stage(const char *repo, const char *path, int conflict)
{
    git_repository *r;
    git_index *index;

    git_libgit2_init();
    assert_int_equal(git_repository_open(&r, repo), 0);
    assert_int_equal(git_repository_index(&index, r), 0);
    if (conflict) {
        git_index_entry e;
        git_oid id;

        assert_int_equal(git_blob_create_from_buffer(&id, r, "x\n", 2), 0);
        memset(&e, 0, sizeof(e));
        e.mode = GIT_FILEMODE_BLOB;
        e.path = path;
        e.id = id;
        assert_int_equal(git_index_conflict_add(index, &e, &e, &e), 0);
    }
    else
        assert_int_equal(git_index_add_bypath(index, path), 0);
    assert_int_equal(git_index_write(index), 0);
    git_index_free(index);
    git_repository_free(r);
    git_libgit2_shutdown();
}

/* One status pass per directory gives each entry its mark; a directory
 * takes the strongest mark beneath it; untracked directories are marked
 * whole, and listed inside as untracked too. */
static void tree_marks(void **state)
{
    apr_pool_t *p = *state;
    char tmpl[] = "/tmp/pl_git_XXXXXX", root[PATH_MAX];
    static const char *const files[] = { "a.txt", "b.txt", "gone.txt", "same.txt", "src/x.c",
                                         "src/deep/y.c", "docs/d.md", "keep/k.txt", "cf/c.txt",
                                         ".gitignore", NULL };
    apr_hash_t *m;
    int i;

    assert_non_null(mkdtemp(tmpl));
    assert_non_null(realpath(tmpl, root));
    for (i = 0; files[i]; i++) {
        const char *f = apr_pstrcat(p, root, "/", files[i], NULL);
        char *dir = apr_pstrdup(p, f);

        *strrchr(dir, '/') = '\0';
        assert_int_equal(system(apr_pstrcat(p, "mkdir -p ", dir, NULL)), 0);
        spew(f, strcmp(files[i], ".gitignore") ? "one\n" : "*.log\n");
    }
    fx_git_commit_all(root);
    spew(apr_pstrcat(p, root, "/a.txt", NULL), "two\n");             /* modified */
    spew(apr_pstrcat(p, root, "/b.txt", NULL), "two\n");             /* staged */
    stage(root, "b.txt", 0);
    spew(apr_pstrcat(p, root, "/n.txt", NULL), "new\n");             /* added */
    stage(root, "n.txt", 0);
    spew(apr_pstrcat(p, root, "/u.txt", NULL), "new\n");             /* untracked */
    spew(apr_pstrcat(p, root, "/x.log", NULL), "ignored\n");
    assert_int_equal(unlink(apr_pstrcat(p, root, "/gone.txt", NULL)), 0);
    spew(apr_pstrcat(p, root, "/src/deep/y.c", NULL), "two\n");
    spew(apr_pstrcat(p, root, "/keep/new.txt", NULL), "new\n");
    assert_int_equal(system(apr_pstrcat(p, "mkdir -p ", root, "/fresh/a/b", NULL)), 0);
    spew(apr_pstrcat(p, root, "/fresh/a/b/f.txt", NULL), "new\n");
    spew(apr_pstrcat(p, root, "/fresh/g.txt", NULL), "new\n");
    stage(root, "cf/c.txt", 1);

    m = marks_at(p, root, "");
    assert_string_equal(mark_of(m, "a.txt"), "modified");
    assert_string_equal(mark_of(m, "b.txt"), "staged");
    assert_string_equal(mark_of(m, "n.txt"), "added");
    assert_string_equal(mark_of(m, "u.txt"), "untracked");
    assert_string_equal(mark_of(m, "gone.txt"), "deleted");
    assert_null(mark_of(m, "same.txt"));
    assert_null(mark_of(m, "x.log"));                 /* ignored: its own flag */
    assert_null(mark_of(m, ".gitignore"));
    assert_string_equal(mark_of(m, "src"), "modified");
    assert_string_equal(mark_of(m, "keep"), "modified");
    assert_string_equal(mark_of(m, "fresh"), "untracked");
    assert_string_equal(mark_of(m, "cf"), "conflicted");
    assert_null(mark_of(m, "docs"));

    m = marks_at(p, root, "src");
    assert_string_equal(mark_of(m, "deep"), "modified");
    assert_null(mark_of(m, "x.c"));
    assert_int_equal(apr_hash_count(m), 1);           /* nothing from elsewhere */
    m = marks_at(p, root, "src/deep");
    assert_string_equal(mark_of(m, "y.c"), "modified");
    m = marks_at(p, root, "cf");
    assert_string_equal(mark_of(m, "c.txt"), "conflicted");
    m = marks_at(p, root, "docs");
    assert_int_equal(apr_hash_count(m), 0);
    /* inside an untracked directory, and inside one inside it */
    m = marks_at(p, root, "fresh");
    assert_string_equal(mark_of(m, "g.txt"), "untracked");
    assert_string_equal(mark_of(m, "a"), "untracked");
    assert_int_equal(apr_hash_count(m), 2);
    m = marks_at(p, root, "fresh/a/b");
    assert_string_equal(mark_of(m, "f.txt"), "untracked");
    /* a name that only begins like the directory is not in it */
    assert_int_equal(system(apr_pstrcat(p, "mkdir -p ", root, "/src2", NULL)), 0);
    spew(apr_pstrcat(p, root, "/src2/z.c", NULL), "new\n");
    m = marks_at(p, root, "src");
    assert_int_equal(apr_hash_count(m), 1);
    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", root, NULL)), 0);
}

/* The status merged from the two diffs, one entry per path: both sides of
 * one file, a deletion, a new file staged, an untracked one, and a file
 * become a link (libgit2 gives that side a deletion and an addition). */
static void status_entries(void **state)
{
    apr_pool_t *p = *state;
    char tmpl[] = "/tmp/pl_git_XXXXXX", root[PATH_MAX];
    const char *text, *err, *expect[][5] = {
        /* path, staged, unstaged, untracked, conflicted */
        { "both.txt", "modified", "modified", "0", "0" },
        { "gone.txt", NULL, "deleted", "0", "0" },
        { "link.txt", NULL, "typechange", "0", "0" },
        { "n.txt", "added", NULL, "0", "0" },
        { "u.txt", NULL, NULL, "1", "0" },
    };
    pl_git_t *g;
    pl_git_fail_t why;
    pl_jsonw_t *w = pl_jsonw_create(p, 1024);
    pl_json_t *out, *files;
    apr_size_t len;
    int i;

    assert_non_null(mkdtemp(tmpl));
    assert_non_null(realpath(tmpl, root));
    spew(apr_pstrcat(p, root, "/both.txt", NULL), "1\n");
    spew(apr_pstrcat(p, root, "/gone.txt", NULL), "1\n");
    spew(apr_pstrcat(p, root, "/link.txt", NULL), "1\n");
    spew(apr_pstrcat(p, root, "/same.txt", NULL), "1\n");
    fx_git_commit_all(root);
    spew(apr_pstrcat(p, root, "/both.txt", NULL), "1\n2\n");
    stage(root, "both.txt", 0);
    spew(apr_pstrcat(p, root, "/both.txt", NULL), "1\n2\n3\n");
    spew(apr_pstrcat(p, root, "/n.txt", NULL), "n\n");
    stage(root, "n.txt", 0);
    spew(apr_pstrcat(p, root, "/u.txt", NULL), "u\n");
    assert_int_equal(unlink(apr_pstrcat(p, root, "/gone.txt", NULL)), 0);
    assert_int_equal(unlink(apr_pstrcat(p, root, "/link.txt", NULL)), 0);
    assert_int_equal(symlink("same.txt", apr_pstrcat(p, root, "/link.txt", NULL)), 0);

    assert_int_equal(pl_git_open(p, root, &g, &why), APR_SUCCESS);
    pl_jsonw_object(w, NULL);
    assert_int_equal(pl_git_status_write(g, w, &why), APR_SUCCESS);
    pl_jsonw_end(w);
    text = pl_jsonw_text(w, &len);
    assert_int_equal(pl_json_parse(&out, p, text, len, 64, &err), APR_SUCCESS);
    files = pl_json_get_array(p, out, "files");
    if (pl_json_array_size(files) != 5)
        fail_msg("5 files expected: %s", text);
    for (i = 0; i < 5; i++) {
        pl_json_t *f = pl_json_array_get(p, files, (apr_size_t)i);
        apr_int64_t v;

        assert_string_equal(pl_json_get_str(f, "path"), expect[i][0]);
        if (expect[i][1])
            assert_string_equal(pl_json_get_str(f, "staged"), expect[i][1]);
        else
            assert_int_equal(pl_json_type_of(f, "staged"), PL_JSON_NULL);
        if (expect[i][2])
            assert_string_equal(pl_json_get_str(f, "unstaged"), expect[i][2]);
        else
            assert_int_equal(pl_json_type_of(f, "unstaged"), PL_JSON_NULL);
        assert_int_equal(pl_json_is_true(f, "untracked"), expect[i][3][0] == '1');
        assert_int_equal(pl_json_is_true(f, "conflicted"), 0);
        if (i == 0) {
            assert_true(pl_json_get_int(pl_json_get_object(p, f, "staged_lines"), "additions", &v));
            assert_int_equal(v, 1);
            assert_true(pl_json_get_int(pl_json_get_object(p, f, "unstaged_lines"), "additions", &v));
            assert_int_equal(v, 1);
        }
    }
    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", root, NULL)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(branch_names),
        cmocka_unit_test(revisions),
        cmocka_unit_test_setup_teardown(diff_json, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(diff_json_capped, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(diff_patch_capped, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(no_global_config, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(no_parent_search, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(tree_marks, unit_pool_setup, unit_pool_teardown),
        cmocka_unit_test_setup_teardown(status_entries, unit_pool_setup, unit_pool_teardown),
    };
    return UNIT_RUN(tests);
}
