/* SPDX-License-Identifier: Apache-2.0 */
/* lib/files: text or binary, line endings, ETags and If-Match lists; the
 * multipart parser fed whole and byte by byte, with its caps; a sink not
 * committed leaves nothing; a recursive removal removes a link, never what
 * it points to; the tree walk skips links, .git and ignored entries. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "core/pl_status.h"
#include "files/pl_files_ops.h"
#include "files/pl_files_sink.h"
#include "files/pl_files_text.h"
#include "files/pl_files_walk.h"
#include "files/pl_multipart.h"

static void text_or_binary(void **state)
{
    (void)state;
    assert_true(pl_files_is_text("plain\n", 6, 1));
    assert_true(pl_files_is_text("caf\xc3\xa9", 5, 1));
    assert_false(pl_files_is_text("a\0b", 3, 1));
    assert_false(pl_files_is_text("caf\xe9", 4, 1));          /* Latin-1 */
    assert_false(pl_files_is_text("\xc0\xaf", 2, 1));         /* overlong */
    assert_false(pl_files_is_text("\xed\xa0\x80", 3, 1));     /* a surrogate */
    assert_false(pl_files_is_text("caf\xc3", 4, 1));          /* cut, and the file ends */
    assert_true(pl_files_is_text("caf\xc3", 4, 0));           /* cut by the sniff window */
}

static void line_endings(void **state)
{
    (void)state;
    assert_string_equal(pl_files_line_endings("a\nb\n", 4), "lf");
    assert_string_equal(pl_files_line_endings("a\r\nb\r\n", 6), "crlf");
    assert_string_equal(pl_files_line_endings("a\r\nb\n", 5), "mixed");
    assert_string_equal(pl_files_line_endings("none", 4), "lf");
}

static void etags(void **state)
{
    struct stat a = { 0 }, b;

    a.st_ino = 12;
    a.st_size = 34;
    a.st_mtim.tv_sec = 56;
    a.st_mtim.tv_nsec = 78;
    b = a;
    b.st_mtim.tv_nsec = 79;
    const char *ea = pl_files_etag(*state, &a), *eb = pl_files_etag(*state, &b);
    assert_string_equal(ea, "\"c-22-38.4e\"");
    assert_string_not_equal(ea, eb);
    assert_true(pl_files_etag_matches(ea, ea));
    assert_true(pl_files_etag_matches(apr_pstrcat(*state, "\"x\", ", ea, NULL), ea));
    assert_true(pl_files_etag_matches("*", ea));
    assert_false(pl_files_etag_matches(eb, ea));
    assert_false(pl_files_etag_matches("W/\"c-22-38.4e\"", ea));
}

typedef struct {
    char names[512];
    char data[4096];
    apr_size_t ndata;
    int parts;
} got_t;

static apr_status_t on_begin(void *baton, const pl_multipart_part_t *part)
{
    got_t *g = baton;

    g->parts++;
    strcat(g->names, part->name);
    if (part->filename) {
        strcat(g->names, ":");
        strncat(g->names, part->filename, part->filename_len);
    }
    strcat(g->names, ";");
    return APR_SUCCESS;
}

static apr_status_t on_data(void *baton, const char *buf, apr_size_t len)
{
    got_t *g = baton;

    memcpy(g->data + g->ndata, buf, len);
    g->ndata += len;
    return APR_SUCCESS;
}

static const pl_multipart_cb_t CB = { on_begin, on_data, NULL };

/* body fed in pieces of step bytes (0: whole); the status of the parse */
static apr_status_t parse(apr_pool_t *p, const char *body, apr_size_t step, int max_parts,
                          got_t *g)
{
    pl_multipart_limits_t lim = { max_parts, 128, 1 << 20 };
    pl_multipart_t *m = pl_multipart_create(p, "B0", &lim, &CB, g);
    apr_size_t len = strlen(body), off = 0;
    apr_status_t rv = APR_SUCCESS;

    memset(g, 0, sizeof(*g));
    while (rv == APR_SUCCESS && off < len) {
        apr_size_t n = step && len - off > step ? step : len - off;
        rv = pl_multipart_feed(m, body + off, n);
        off += n;
    }
    return rv == APR_SUCCESS ? pl_multipart_finish(m) : rv;
}

static void multipart_parts(void **state)
{
    const char *body = "preamble\r\n--B0\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                       "hi\r\n--B0\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a \\\"q\\\".txt\"\r\n"
                       "Content-Type: text/plain\r\n\r\nline\r\n--B1x\r\n\r\n--B0--\r\nepilogue";
    apr_size_t step;
    got_t g;

    for (step = 0; step < 40; step++) {
        assert_int_equal(parse(*state, body, step, 10, &g), APR_SUCCESS);
        assert_int_equal(g.parts, 2);
        assert_string_equal(g.names, "note;f:a \"q\".txt;");
        assert_int_equal(g.ndata, strlen("hi") + strlen("line\r\n--B1x\r\n"));
        assert_memory_equal(g.data, "hiline\r\n--B1x\r\n", g.ndata);
    }
}

static void multipart_lf_and_empty(void **state)
{
    got_t g;

    assert_int_equal(parse(*state, "--B0\nContent-Disposition: form-data; name=\"a\"\n\nx\n--B0--", 1,
                           10, &g), APR_SUCCESS);
    assert_int_equal(g.ndata, 1);
    assert_int_equal(parse(*state, "--B0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--B0--",
                           0, 10, &g), APR_SUCCESS);
    assert_int_equal(g.ndata, 0);
}

static void multipart_refusals(void **state)
{
    apr_pool_t *p = *state;
    const char *part = "--B0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
    got_t g;

    assert_int_equal(parse(p, apr_pstrcat(p, part, "unfinished", NULL), 3, 10, &g), PL_EINVAL);
    assert_int_equal(parse(p, apr_pstrcat(p, part, part, part, "--B0--", NULL), 0, 2, &g), PL_ETOOBIG);
    assert_int_equal(parse(p, apr_pstrcat(p, part, part, "--B0--", NULL), 0, 2, &g), APR_SUCCESS);
    assert_int_equal(parse(p, "--B0\r\nContent-Disposition: form-data; name=\"a\"\r\nX: "
                              "0123456789012345678901234567890123456789012345678901234567890123456789"
                              "0123456789012345678901234567890123456789012345678901234567890123456789"
                              "0123456789\r\n\r\nv\r\n--B0--", 5, 10, &g),
                     PL_ETOOBIG);
    assert_int_equal(parse(p, "--B0\r\nContent-Type: text/plain\r\n\r\nv\r\n--B0--", 0, 10, &g), PL_EINVAL);
    assert_int_equal(parse(p, "--B0junk\r\n", 0, 10, &g), PL_EINVAL);
    /* padding after a boundary: a little is fine, too much is refused
     * however the body is cut (the fuzzer found whole and cut disagreeing) */
    assert_int_equal(parse(p, apr_pstrcat(p, "--B0   \r\n", part + 6, "--B0--", NULL), 1, 10, &g),
                     APR_SUCCESS);
    {
        char pad[400];
        memset(pad, ' ', sizeof(pad) - 1);
        pad[sizeof(pad) - 1] = '\0';
        assert_int_equal(parse(p, apr_pstrcat(p, "--B0", pad, "\r\n", part + 6, "--B0--", NULL), 0,
                               10, &g), PL_EINVAL);
        assert_int_equal(parse(p, apr_pstrcat(p, "--B0", pad, "\r\n", part + 6, "--B0--", NULL), 7,
                               10, &g), PL_EINVAL);
    }
}

static void multipart_boundary(void **state)
{
    const char *b;

    assert_int_equal(pl_multipart_boundary(*state, "multipart/form-data; boundary=abc", &b), APR_SUCCESS);
    assert_string_equal(b, "abc");
    assert_int_equal(pl_multipart_boundary(*state, "multipart/form-data; charset=x; boundary=\"a b\"",
                                           &b), APR_SUCCESS);
    assert_string_equal(b, "a b");
    assert_int_equal(pl_multipart_boundary(*state, "multipart/form-data", &b), PL_EINVAL);
    assert_int_equal(pl_multipart_boundary(*state, "text/plain; boundary=abc", &b), PL_EINVAL);
    assert_int_equal(pl_multipart_boundary(*state, "multipart/form-data; boundary=", &b), PL_EINVAL);
    assert_int_equal(pl_multipart_boundary(*state, apr_pstrcat(*state, "multipart/form-data; boundary=",
                                                               "0123456789012345678901234567890123456789"
                                                               "0123456789012345678901234567890", NULL),
                                           &b), PL_EINVAL);
    assert_int_equal(pl_multipart_boundary(*state, "multipart/form-data; boundary=a\x01", &b), PL_EINVAL);
}

static void sink_and_remove(void **state)
{
    apr_pool_t *p = *state, *sub;
    const char *dir = unit_tempdir(p, "pl_files_");
    pl_files_sink_t *s;
    struct stat st;

    /* not committed: nothing left once the pool goes */
    apr_pool_create(&sub, p);
    assert_int_equal(pl_files_sink_open(sub, dir, &s), APR_SUCCESS);
    assert_int_equal(pl_files_sink_write(s, "abc", 3), APR_SUCCESS);
    apr_pool_destroy(sub);
    assert_int_equal(system(apr_psprintf(p, "test -z \"$(ls -A '%s')\"", dir)), 0);
    /* committed: the file, and never over an existing one with noreplace */
    assert_int_equal(pl_files_sink_open(p, dir, &s), APR_SUCCESS);
    assert_int_equal(pl_files_sink_write(s, "abc", 3), APR_SUCCESS);
    assert_int_equal(pl_files_sink_commit(s, "f.txt", 1), APR_SUCCESS);
    assert_int_equal(stat(apr_pstrcat(p, dir, "/f.txt", NULL), &st), 0);
    assert_int_equal(st.st_size, 3);
    assert_int_equal(pl_files_sink_open(p, dir, &s), APR_SUCCESS);
    assert_int_equal(pl_files_sink_commit(s, "f.txt", 1), PL_ECONFLICT);
    pl_files_sink_abort(s);
    /* a recursive removal removes a link inside, not what it points to */
    assert_int_equal(mkdir(apr_pstrcat(p, dir, "/d", NULL), 0755), 0);
    assert_int_equal(symlink(apr_pstrcat(p, dir, "/f.txt", NULL), apr_pstrcat(p, dir, "/d/l", NULL)), 0);
    assert_int_equal(pl_files_remove(dir, "d", 0), PL_ECONFLICT);
    assert_int_equal(pl_files_remove(dir, "d", 1), APR_SUCCESS);
    assert_int_equal(stat(apr_pstrcat(p, dir, "/f.txt", NULL), &st), 0);
    assert_int_equal(pl_files_remove(dir, "gone", 0), PL_ENOTFOUND);
    unit_rmtree(p, dir);
}

static int count_entry(void *baton, int dirfd, const char *name, const char *rel,
                       const struct stat *st)
{
    char *seen = baton;

    (void)dirfd; (void)name; (void)st;
    strcat(seen, rel);
    strcat(seen, ";");
    return 0;
}

static void walk_skips(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "pl_walk_");
    char seen[512] = "";

    assert_int_equal(system(apr_psprintf(p, "cd '%s' && mkdir -p .git src/out && echo x > .git/config"
                                         " && echo 'out/' > src/.gitignore && echo y > src/a.c"
                                         " && echo z > src/out/o && ln -s /etc link", dir)), 0);
    assert_int_equal(pl_files_walk(p, dir, "", dir, 0, count_entry, seen), 0);
    assert_string_equal(seen, strstr(seen, "src/a.c") && strstr(seen, "src/.gitignore") ? seen : "?");
    assert_null(strstr(seen, ".git/"));
    assert_null(strstr(seen, "link"));
    assert_null(strstr(seen, "src/out"));
    seen[0] = '\0';
    assert_int_equal(pl_files_walk(p, dir, "", dir, 1, count_entry, seen), 0);
    assert_non_null(strstr(seen, "src/out/o"));
    unit_rmtree(p, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(text_or_binary),
        UNIT_TEST(line_endings),
        UNIT_TEST(etags),
        UNIT_TEST(multipart_parts),
        UNIT_TEST(multipart_lf_and_empty),
        UNIT_TEST(multipart_refusals),
        UNIT_TEST(multipart_boundary),
        UNIT_TEST(sink_and_remove),
        UNIT_TEST(walk_skips),
    };
    return UNIT_RUN(tests);
}
