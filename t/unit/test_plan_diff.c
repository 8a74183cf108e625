/* SPDX-License-Identifier: Apache-2.0 */
/* pl_plan_diff: unified diffs of two plans by libgit2, and the time a diff
 * of two 2 MB plans that share nothing takes (bounded); pl_plan_file: the
 * plan found in any case, never through a symlink unless asked, replaced
 * atomically with its mode kept, read within the cap, hashed. */
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <apr_file_info.h>
#include <apr_time.h>

#include "unit.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_diff.h"
#include "plan/pl_plan_file.h"

static const char *diff_of(apr_pool_t *p, const char *a, const char *b)
{
    const char *out;
    apr_size_t len;

    assert_int_equal(pl_plan_diff(p, a, strlen(a), b, strlen(b), "MASTER_PLAN.md",
                                  "MASTER_PLAN.md", &out, &len), APR_SUCCESS);
    assert_int_equal(strlen(out), len);
    return out;
}

static void same_text_no_diff(void **state)
{
    assert_string_equal(diff_of(*state, "# Plan\n- [ ] a\n", "# Plan\n- [ ] a\n"), "");
}

static void one_line_changed(void **state)
{
    const char *d = diff_of(*state, "# Plan\n\n## A\n- [ ] one\n- [ ] two\n",
                            "# Plan\n\n## A\n- [x] one\n- [ ] two\n");

    assert_string_equal(d,
        "--- a/MASTER_PLAN.md\n"
        "+++ b/MASTER_PLAN.md\n"
        "@@ -1,5 +1,5 @@\n"
        " # Plan\n"
        " \n"
        " ## A\n"
        "-- [ ] one\n"
        "+- [x] one\n"
        " - [ ] two\n");
}

static void hunks_keep_three_lines_of_context(void **state)
{
    apr_pool_t *p = *state;
    const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n";
    const char *b = "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nFOURTEEN\n15\n";
    const char *d = diff_of(p, a, b);

    assert_non_null(strstr(d, "@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n"));
    assert_non_null(strstr(d, "@@ -11,5 +11,5 @@\n 11\n 12\n 13\n-14\n+FOURTEEN\n 15\n"));
}

static void missing_newline_marked(void **state)
{
    const char *d = diff_of(*state, "a\nb", "a\nc\n");

    assert_non_null(strstr(d, "-b\n\\ No newline at end of file\n+c\n"));
}

static void from_and_to_nothing(void **state)
{
    assert_non_null(strstr(diff_of(*state, "", "x\n"), "@@ -0,0 +1 @@\n+x\n"));
    assert_non_null(strstr(diff_of(*state, "x\n", ""), "@@ -1 +0,0 @@\n-x\n"));
}

/* Two plans of 2 MB with no line in common: xdiff's cost limit bounds the
 * work; every line of both is in the diff. */
static void large_diff_bounded(void **state)
{
    apr_pool_t *p = *state;
    apr_size_t n = PL_PLAN_MAX_BYTES / 16, i;
    char *a = apr_palloc(p, n * 16 + 1), *b = apr_palloc(p, n * 16 + 1);
    const char *out;
    apr_size_t len;
    apr_time_t t0 = apr_time_now();

    for (i = 0; i < n; i++) {
        memcpy(a + 16 * i, apr_psprintf(p, "- [ ] a%012lu\n", (unsigned long)i), 16);
        memcpy(b + 16 * i, apr_psprintf(p, "- [x] b%012lu\n", (unsigned long)(i * 7)), 16);
    }
    a[n * 16] = b[n * 16] = '\0';
    assert_int_equal(pl_plan_diff(p, a, n * 16, b, n * 16, "P", "P", &out, &len), APR_SUCCESS);
    assert_true(len > 2 * n * 16);
    assert_true(apr_time_now() - t0 < apr_time_from_sec(20));
    print_message("# diff of two 2 MB plans, nothing shared: %.2f s, %lu bytes\n",
                  (double)(apr_time_now() - t0) / APR_USEC_PER_SEC, (unsigned long)len);
}

static void file_found_in_any_case(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl_plan_file_"), *path;
    char *text;
    apr_size_t len;

    assert_null(pl_plan_file_find(p, dir, 1));
    path = apr_pstrcat(p, dir, "/Master_Plan.md", NULL);
    assert_int_equal(pl_plan_file_write(p, path, "# P\n", 4), APR_SUCCESS);
    assert_string_equal(pl_plan_file_find(p, dir, 0), "Master_Plan.md");
    assert_int_equal(pl_plan_file_read(p, path, 1, &text, &len), APR_SUCCESS);
    assert_int_equal(len, 4);
    assert_string_equal(text, "# P\n");
    unit_rmtree(p, dir);
}

static void symlink_found_only_when_asked(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl_plan_file_");
    const char *link = apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL);
    char *text;
    apr_size_t len;

    assert_int_equal(symlink("/etc/hostname", link), 0);
    assert_null(pl_plan_file_find(p, dir, 0));
    assert_string_equal(pl_plan_file_find(p, dir, 1), "MASTER_PLAN.md");
    assert_int_equal(pl_plan_file_read(p, link, 1, &text, &len), PL_EINVAL);
    /* a write never replaces the link, nor writes through it */
    assert_int_equal(pl_plan_file_write(p, link, "x", 1), PL_EINVAL);
    unit_rmtree(p, dir);
}

static void write_replaces_keeping_mode(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl_plan_file_");
    const char *path = apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL);
    struct stat st;
    char *text;
    apr_size_t len;
    int entries = 0;
    apr_dir_t *d;
    apr_finfo_t fi;

    assert_int_equal(pl_plan_file_write(p, path, "old\n", 4), APR_SUCCESS);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(pl_plan_file_write(p, path, "new text\n", 9), APR_SUCCESS);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(pl_plan_file_read(p, path, 1, &text, &len), APR_SUCCESS);
    assert_string_equal(text, "new text\n");
    /* no temporary file left beside it */
    assert_int_equal(apr_dir_open(&d, dir, p), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS)
        entries += strcmp(fi.name, ".") && strcmp(fi.name, "..");
    apr_dir_close(d);
    assert_int_equal(entries, 1);
    unit_rmtree(p, dir);
}

static void read_refuses_over_cap(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl_plan_file_");
    const char *path = apr_pstrcat(p, dir, "/MASTER_PLAN.md", NULL);
    char *big = apr_pcalloc(p, PL_PLAN_MAX_BYTES + 1), *text;
    apr_size_t len;

    memset(big, 'x', PL_PLAN_MAX_BYTES + 1);
    assert_int_equal(pl_plan_file_write(p, path, big, PL_PLAN_MAX_BYTES + 1), APR_SUCCESS);
    assert_int_equal(pl_plan_file_read(p, path, 1, &text, &len), PL_ETOOBIG);
    assert_int_equal(pl_plan_file_write(p, path, big, PL_PLAN_MAX_BYTES), APR_SUCCESS);
    assert_int_equal(pl_plan_file_read(p, path, 1, &text, &len), APR_SUCCESS);
    assert_int_equal(len, PL_PLAN_MAX_BYTES);
    unit_rmtree(p, dir);
}

static void hash_is_sha256(void **state)
{
    assert_string_equal(pl_plan_file_hash(*state, "abc", 3),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(same_text_no_diff),
        UNIT_TEST(one_line_changed),
        UNIT_TEST(hunks_keep_three_lines_of_context),
        UNIT_TEST(missing_newline_marked),
        UNIT_TEST(from_and_to_nothing),
        UNIT_TEST(large_diff_bounded),
        UNIT_TEST(file_found_in_any_case),
        UNIT_TEST(symlink_found_only_when_asked),
        UNIT_TEST(write_replaces_keeping_mode),
        UNIT_TEST(read_refuses_over_cap),
        UNIT_TEST(hash_is_sha256),
    };
    return UNIT_RUN(tests);
}
