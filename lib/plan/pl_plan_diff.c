/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>
#include <git2.h>

#include "plan/pl_plan_diff.h"
#include "core/pl_status.h"

typedef struct {
    apr_array_header_t *buf;    /* char */
    int started;
    const char *old_name, *new_name;
} diff_t;

static void put(diff_t *d, const char *s, apr_size_t n)
{
    apr_array_header_t *b = d->buf;

    while (b->nelts + (int)n > b->nalloc) {   /* grow by doubling, as apr_array_push */
        char *bigger = apr_palloc(b->pool, (apr_size_t)b->nalloc * 2);
        memcpy(bigger, b->elts, (apr_size_t)b->nelts);
        b->elts = bigger;
        b->nalloc *= 2;
    }
    memcpy(b->elts + b->nelts, s, n);
    b->nelts += (int)n;
}

static void puts_(diff_t *d, const char *s)
{
    put(d, s, strlen(s));
}

static int on_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
    diff_t *d = payload;

    (void)delta;
    if (!d->started) {
        d->started = 1;
        puts_(d, "--- a/");
        puts_(d, d->old_name);
        puts_(d, "\n+++ b/");
        puts_(d, d->new_name);
        puts_(d, "\n");
    }
    put(d, hunk->header, hunk->header_len);
    return 0;
}

static int on_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
                   const git_diff_line *line, void *payload)
{
    diff_t *d = payload;
    char origin = line->origin;

    (void)delta;
    (void)hunk;
    switch (origin) {
    case GIT_DIFF_LINE_CONTEXT:
    case GIT_DIFF_LINE_ADDITION:
    case GIT_DIFF_LINE_DELETION:
        put(d, &origin, 1);
        put(d, line->content, line->content_len);
        break;
    case GIT_DIFF_LINE_CONTEXT_EOFNL:
    case GIT_DIFF_LINE_ADD_EOFNL:
    case GIT_DIFF_LINE_DEL_EOFNL:
        /* "\n\\ No newline at end of file\n", as git prints it */
        put(d, line->content, line->content_len);
        break;
    default:
        break;
    }
    return 0;
}

apr_status_t pl_plan_diff(apr_pool_t *p, const char *old_text, apr_size_t old_len,
                          const char *new_text, apr_size_t new_len, const char *old_name,
                          const char *new_name, const char **out, apr_size_t *out_len)
{
    git_diff_options opts;
    diff_t d;
    int rc;

    git_libgit2_init();   /* counted, as pl_gitlog's: shut down below */
    if (git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION) != 0) {
        git_libgit2_shutdown();
        return PL_EINVAL;
    }
    opts.flags |= GIT_DIFF_FORCE_TEXT;
    opts.context_lines = 3;
    memset(&d, 0, sizeof(d));
    d.buf = apr_array_make(p, 4096, 1);
    d.old_name = old_name;
    d.new_name = new_name;
    rc = git_diff_buffers(old_text, old_len, old_name, new_text, new_len, new_name, &opts,
                          NULL, NULL, on_hunk, on_line, &d);
    git_libgit2_shutdown();
    if (rc != 0)
        return PL_EINVAL;
    put(&d, "", 1);
    *out = d.buf->elts;
    *out_len = (apr_size_t)d.buf->nelts - 1;
    return APR_SUCCESS;
}
