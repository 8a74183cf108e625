/* SPDX-License-Identifier: Apache-2.0 */
/* pl_ignore: gitignore(5) semantics, table-driven. Each case loads one or
 * more ignore files (with the directory that holds them) and asks about
 * paths; the expectations are what git 2.39 does (git check-ignore, and git
 * status where a trailing double-star pattern still lets a negation through). */
#include <apr_time.h>

#include "unit.h"
#include "code/pl_ignore.h"

typedef struct {
    const char *base;
    const char *text;
} ignore_file_t;

typedef struct {
    const char *path;
    int is_dir;
    int ignored;
} probe_t;

typedef struct {
    const char *name;
    ignore_file_t files[3];
    probe_t probes[12];
} case_t;

static const case_t CASES[] = {
    { "glob matches a name at any depth",
      { { "", "*.log\n" } },
      { { "a.log", 0, 1 }, { "dir/sub/b.log", 0, 1 }, { "a.logx", 0, 0 }, { "log", 0, 0 } } },
    { "leading slash anchors to the ignore file's directory",
      { { "", "/build\n" } },
      { { "build", 1, 1 }, { "build", 0, 1 }, { "src/build", 1, 0 } } },
    { "trailing slash matches directories only",
      { { "", "out/\n" } },
      { { "out", 1, 1 }, { "src/out", 1, 1 }, { "out", 0, 0 }, { "src/out", 0, 0 } } },
    { "negation re-includes; the last match wins",
      { { "", "*.log\n!keep.log\n" } },
      { { "x.log", 0, 1 }, { "keep.log", 0, 0 }, { "d/keep.log", 0, 0 } } },
    { "negation before the rule it would undo has no effect",
      { { "", "!keep.log\n*.log\n" } },
      { { "keep.log", 0, 1 } } },
    { "a middle slash anchors, and * stays within one component",
      { { "", "doc/*.txt\n" } },
      { { "doc/a.txt", 0, 1 }, { "doc/sub/a.txt", 0, 0 }, { "x/doc/a.txt", 0, 0 } } },
    { "leading **/ matches in every directory",
      { { "", "**/foo\n**/cache/tmp\n" } },
      { { "foo", 0, 1 }, { "a/foo", 1, 1 }, { "a/b/foo", 0, 1 }, { "cache/tmp", 0, 1 },
        { "x/y/cache/tmp", 1, 1 }, { "x/cache/tmpx", 0, 0 } } },
    { "trailing /** matches everything inside, not the directory",
      { { "", "abc/**\n" } },
      { { "abc/x", 0, 1 }, { "abc/x/y", 0, 1 }, { "abc", 1, 0 }, { "x/abc/y", 0, 0 } } },
    { "a/** leaves the directory itself in, so a negation can reach inside",
      { { "", "abc/**\n!abc/keep\n" } },
      { { "abc", 1, 0 }, { "abc/keep", 0, 0 }, { "abc/x", 0, 1 } } },
    { "/**/ matches zero or more directories",
      { { "", "a/**/b\n" } },
      { { "a/b", 0, 1 }, { "a/x/b", 0, 1 }, { "a/x/y/b", 1, 1 }, { "a/xb", 0, 0 },
        { "a/x/yb", 0, 0 }, { "z/a/b", 0, 0 } } },
    { "two ** in one pattern",
      { { "", "**/gen/**/*.c\n" } },
      { { "gen/a.c", 0, 1 }, { "x/gen/y/z/a.c", 0, 1 }, { "x/gen/a.h", 0, 0 } } },
    { "comments, blanks, escapes and trailing spaces",
      { { "", "# a comment\n\n\\#hash\n\\!bang\nspaced   \nkept\\ \r\n" } },
      { { "# a comment", 0, 0 }, { "#hash", 0, 1 }, { "!bang", 0, 1 }, { "spaced", 0, 1 },
        { "kept ", 0, 1 }, { "kept", 0, 0 } } },
    { "? and character classes",
      { { "", "file?.c\n[ab].h\n" } },
      { { "file1.c", 0, 1 }, { "file10.c", 0, 0 }, { "a.h", 0, 1 }, { "c.h", 0, 0 },
        { "file/.c", 0, 0 } } },
    { "a nested file applies below its directory only, and speaks last",
      { { "", "*.tmp\n/local\n" }, { "sub", "!keep.tmp\n/local\nx/y\n" } },
      { { "sub/keep.tmp", 0, 0 }, { "other/keep.tmp", 0, 1 }, { "sub/a.tmp", 0, 1 },
        { "local", 0, 1 }, { "sub/local", 0, 1 }, { "sub/x/local", 0, 0 }, { "sub/x/y", 0, 1 },
        { "x/y", 0, 0 }, { "subx/keep.tmp", 0, 1 } } },
    { "a deeper file can ignore what a shallower one re-included",
      { { "", "*.dat\n!*.dat\n" }, { "a/b", "big.dat\n" } },
      { { "a/b/big.dat", 0, 1 }, { "a/big.dat", 0, 0 }, { "a/b/c/big.dat", 0, 1 } } },
    { "info/exclude at the root, .gitignore after it wins",
      { { "", "secret.txt\n*.bak\n" }, { "", "!keep.bak\n" } },
      { { "secret.txt", 0, 1 }, { "x.bak", 0, 1 }, { "keep.bak", 0, 0 } } },
    /* found by t/fuzz/fuzz_ignore.c: the empty component after the last
     * "**" was dropped, so the first line ignored every top-level directory */
    { "a slash left after the directory-only one matches nothing (git status)",
      { { "", "*/**//\na/**//\n**//\n" } },
      { { "x", 1, 0 }, { "a", 1, 0 }, { "a/b", 1, 0 }, { "a/b/c", 0, 0 }, { "x/y", 1, 0 } } },
    { "a UTF-8 byte order mark and CRLF line ends",
      { { "", "\xEF\xBB\xBF*.o\r\n/bin/\r\n" } },
      { { "main.o", 0, 1 }, { "bin", 1, 1 }, { "bin", 0, 0 } } },
};

static void test_cases(void **state)
{
    apr_pool_t *p = *state;
    size_t c;
    int i;

    for (c = 0; c < sizeof(CASES) / sizeof(CASES[0]); c++) {
        const case_t *tc = &CASES[c];
        pl_ignore_t *ign = pl_ignore_create(p);

        for (i = 0; i < 3 && tc->files[i].text; i++)
            pl_ignore_add(ign, tc->files[i].base, tc->files[i].text, strlen(tc->files[i].text));
        for (i = 0; i < 12 && tc->probes[i].path; i++) {
            const probe_t *pr = &tc->probes[i];
            int got = pl_ignore_match(ign, pr->path, pr->is_dir);
            if (got != pr->ignored)
                fail_msg("%s: %s%s: expected %s", tc->name, pr->path, pr->is_dir ? "/" : "",
                         pr->ignored ? "ignored" : "not ignored");
        }
    }
}

static void test_counts_rules(void **state)
{
    pl_ignore_t *ign = pl_ignore_create(*state);
    const char *text = "# only comments\n\n   \n*.o\n!x.o\n/\n";

    /* A lone "/" names nothing; blank and comment lines are not rules. */
    assert_int_equal(pl_ignore_add(ign, "", text, strlen(text)), 2);
}

static void test_pop_drops_deeper_rules(void **state)
{
    pl_ignore_t *ign = pl_ignore_create(*state);
    int mark;

    pl_ignore_add(ign, "", "*.a\n", 4);
    mark = pl_ignore_mark(ign);
    pl_ignore_add(ign, "d", "!*.a\n*.b\n", 9);
    assert_false(pl_ignore_match(ign, "d/x.a", 0));
    assert_true(pl_ignore_match(ign, "d/x.b", 0));
    pl_ignore_pop(ign, mark);
    assert_true(pl_ignore_match(ign, "d/x.a", 0));
    assert_false(pl_ignore_match(ign, "d/x.b", 0));
}

static void test_long_path(void **state)
{
    pl_ignore_t *ign = pl_ignore_create(*state);
    char path[2100];
    int i;

    /* Longer than the matcher's stack buffer. */
    for (i = 0; i < 1000; i++)
        memcpy(path + i * 2, "d/", 2);
    strcpy(path + 2000, "x.tmp");
    pl_ignore_add(ign, "", "d/**/x.tmp\n", 11);
    assert_true(pl_ignore_match(ign, path, 0));
}

/* Found by t/fuzz/fuzz_ignore.c: trying every way to spread the parts
 * between the "**" over the components took time exponential in their
 * number (C(40, 8) ways here, seconds; a dozen against sixty, hours). A
 * checkout's .gitignore is anyone's to write. */
static void test_many_double_stars_stay_fast(void **state)
{
    pl_ignore_t *ign = pl_ignore_create(*state);
    char pattern[64] = "", path[128] = "";
    apr_time_t start;
    int i;

    for (i = 0; i < 8; i++)
        strcat(pattern, "a/**/");
    strcat(pattern, "b\n");
    for (i = 0; i < 40; i++)
        strcat(path, "a/");
    assert_int_equal(pl_ignore_add(ign, "", pattern, strlen(pattern)), 1);
    start = apr_time_now();
    strcat(path, "c");
    assert_false(pl_ignore_match(ign, path, 0));
    path[strlen(path) - 1] = 'b';
    assert_true(pl_ignore_match(ign, path, 0));
    /* each of the eight parts takes a component of its own */
    assert_false(pl_ignore_match(ign, "a/a/a/a/a/a/a/b", 0));
    assert_true(pl_ignore_match(ign, "a/a/a/a/a/a/a/a/b", 0));
    assert_true(apr_time_now() - start < apr_time_from_msec(250));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_cases),
        UNIT_TEST(test_counts_rules),
        UNIT_TEST(test_pop_drops_deeper_rules),
        UNIT_TEST(test_long_path),
        UNIT_TEST(test_many_double_stars_stay_fast),
    };
    return UNIT_RUN(tests);
}
