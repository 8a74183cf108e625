/* SPDX-License-Identifier: Apache-2.0 */
/* The tools that read a project's files and its git repository, inside its
 * confinement (pl_project_path: no "..", no symlink leading out, opened
 * with O_NOFOLLOW so a link planted since is refused too). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "files/pl_files_text.h"
#include "git/pl_git.h"
#include "git/pl_git_log.h"
#include "git/pl_git_status.h"
#include "projects/pl_confine.h"
#include "tools/pl_tools_int.h"

#define READ_MAX  (2 * 1024 * 1024)   /* bytes of a file read at all (the files API's cap) */
#define LINES_DEF 400                 /* lines given when the call does not say */

/* Lines [from, from+count) of text into the result, with what was left. */
static void write_lines(pl_jsonw_t *w, apr_pool_t *p, const char *text, apr_size_t len,
                        apr_int64_t from, apr_int64_t count)
{
    const char *s = text, *end = text + len, *start = NULL;
    apr_int64_t line = 1;
    apr_size_t budget = PL_TOOLS_RESULT_MAX - 2048;

    while (s < end && line < from) {
        const char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        s = nl ? nl + 1 : end;
        line++;
    }
    start = s;
    while (s < end && line < from + count && (apr_size_t)(s - start) < budget) {
        const char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        s = nl ? nl + 1 : end;
        line++;
    }
    if ((apr_size_t)(s - start) > budget)
        s = start + budget;   /* one huge line: cut (the writer repairs a cut UTF-8 sequence) */
    pl_jsonw_int(w, "from_line", from);
    pl_jsonw_int(w, "to_line", line - 1);
    pl_jsonw_str(w, "content", apr_pstrmemdup(p, start, (apr_size_t)(s - start)));
    pl_jsonw_bool(w, "truncated", start > text || s < end);
}

void pl_tool_read_file(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *rel = pl_json_get_str(args, "path"), *dir, *abs, *why;
    apr_int64_t id;
    apr_size_t got = 0;
    struct stat st;
    char *buf;
    int flags, fd;
    apr_status_t rv;
    pl_jsonw_t *w;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_VIEWER, &id, &dir, res))
        return;
    rv = pl_project_path(p, dir, rel, strlen(rel), &abs, &flags, &why);
    if (rv != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN ? PL_ERR_PATH_FORBIDDEN : PL_ERR_INVALID_PATH,
                      apr_pstrcat(p, "path ", why, NULL));
        return;
    }
    if ((flags & PL_PROJECT_PATH_MISSING)
        || (fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
        pl_tools_fail(res, p, errno == ELOOP ? PL_ERR_PATH_FORBIDDEN : PL_ERR_NOT_FOUND,
                      errno == ELOOP ? "path is a symbolic link: it is not followed"
                      : apr_pstrcat(p, "no file ", rel, " in the project", NULL));
        return;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        pl_tools_fail(res, p, PL_ERR_NOT_FOUND, apr_pstrcat(p, rel, " is not a file (a"
                      " directory? list_projects and search_code show paths)", NULL));
        return;
    }
    if (st.st_size > READ_MAX) {
        close(fd);
        pl_tools_fail(res, p, PL_ERR_FILE_TOO_LARGE, "the file is larger than 2 MiB");
        return;
    }
    buf = pl_files_read_fd(p, fd, (apr_size_t)st.st_size, &got);
    close(fd);
    if (!pl_files_is_text(buf, got, 1)) {
        pl_tools_fail(res, p, PL_ERR_BINARY_FILE, "the file is not UTF-8 text");
        return;
    }
    w = pl_jsonw_create(p, got + 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", rel);
    pl_jsonw_int(w, "size", (apr_int64_t)got);
    write_lines(w, p, buf, got, pl_tools_int_arg(args, "from_line", 1),
                pl_tools_int_arg(args, "lines", LINES_DEF));
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

/* The project's repository; 0 after the error result. */
static int open_git(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_git_t **g,
                    pl_tools_result_t *res)
{
    pl_git_fail_t why = { NULL, NULL, NULL };
    const char *dir;
    apr_int64_t id;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_VIEWER, &id, &dir, res))
        return 0;
    if (pl_git_open(ctx->pool, dir, g, &why) != APR_SUCCESS) {
        pl_tools_fail(res, ctx->pool, why.code ? why.code : PL_ERR_NOT_A_REPOSITORY,
                      why.message ? why.message : "the project is no git repository");
        return 0;
    }
    return 1;
}

static void git_result(const pl_tools_ctx_t *ctx, apr_status_t rv, const pl_git_fail_t *why,
                       pl_jsonw_t *w, pl_tools_result_t *res)
{
    if (rv == APR_SUCCESS) {
        pl_jsonw_end(w);
        pl_tools_ok_writer(res, ctx->pool, w);
    }
    else
        pl_tools_fail(res, ctx->pool, why->code ? why->code : PL_ERR_TOOL_FAILED,
                      why->message ? why->message : "git failed");
}

void pl_tool_git_status(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    pl_git_fail_t why = { NULL, NULL, NULL };
    pl_jsonw_t *w;
    pl_git_t *g;

    if (!open_git(ctx, args, &g, res))
        return;
    w = pl_jsonw_create(ctx->pool, 4096);
    pl_jsonw_object(w, NULL);
    git_result(ctx, pl_git_status_write(g, w, &why), &why, w, res);
}

void pl_tool_git_log(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    pl_git_fail_t why = { NULL, NULL, NULL };
    pl_jsonw_t *w;
    pl_git_t *g;
    int more = 0;

    if (!open_git(ctx, args, &g, res))
        return;
    w = pl_jsonw_create(ctx->pool, 8192);
    pl_jsonw_object(w, NULL);
    git_result(ctx, pl_git_log_write(g, w, NULL, (int)pl_tools_int_arg(args, "limit", 20), 0,
                                     &more, &why), &why, w, res);
}
