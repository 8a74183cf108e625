/* SPDX-License-Identifier: Apache-2.0 */
/* /projects/{id}/files?path=P: one resource per path in the project's
 * tree. GET lists a directory (one level, paged) or reads a file (text as
 * JSON; ?raw=1 the bytes as an attachment); PUT writes a text file
 * atomically under If-Match / If-None-Match; DELETE removes an entry (a
 * directory only with ?recursive=1). POST .../files/mkdir and
 * .../files/move take {path} and {from, to}. Every path goes through
 * api_files_resolve (pl_project_path) first. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <http_protocol.h>
#include <util_filter.h>

#include "api_files.h"
#include "core/pl_status.h"
#include "core/pl_time.h"
#include "files/pl_files_list.h"
#include "files/pl_files_ops.h"
#include "files/pl_files_sink.h"
#include "files/pl_files_text.h"
#include "git/pl_git_marks.h"
#include "projects/pl_confine.h"

static const char *base_path(mp_req_t *req)
{
    return apr_psprintf(req->r->pool, MP_API_BASE "/projects/%s/files",
                        apr_table_get(req->params, "id"));
}

static apr_time_t mtime_of(const struct stat *st)
{
    return apr_time_from_sec(st->st_mtim.tv_sec) + st->st_mtim.tv_nsec / 1000;
}

/* The git marks of the directory's entries, or NULL when the project is
 * no git work tree of its own. A repository libgit2 cannot read leaves the
 * listing unmarked rather than unusable (git/status says what is wrong). */
static apr_hash_t *git_marks(mp_req_t *req, const char *root, const char *rel)
{
    pl_git_t *g;
    pl_git_fail_t why;
    apr_hash_t *marks;

    if (pl_git_open(req->r->pool, root, &g, &why) != APR_SUCCESS
        || pl_git_marks(g, rel, &marks, &why) != APR_SUCCESS)
        return NULL;
    return marks;
}

static int list_dir(mp_req_t *req, const char *root, const api_file_t *f)
{
    apr_table_t *args;
    apr_array_header_t *entries;
    apr_hash_t *marks;
    pl_jsonw_t *w;
    int limit, offset, i;
    apr_status_t rv;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    if ((rv = pl_files_list(req->r->pool, root, f->rel, f->abs, &entries)) != APR_SUCCESS)
        return rv == PL_ETOOBIG ? mp_reply_error(req, 422, PL_ERR_TOO_MANY_ENTRIES,
                                                 "the directory holds too many entries to list", NULL)
                                : api_files_fail(req, rv, "directory");
    marks = git_marks(req, root, f->rel);
    w = mp_reply_writer(req, 256 + 128 * (apr_size_t)limit);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", f->rel);
    pl_jsonw_str(w, "type", "dir");
    pl_jsonw_array(w, "items");
    for (i = offset; i < entries->nelts && i < offset + limit; i++) {
        const pl_files_entry_t *e = &APR_ARRAY_IDX(entries, i, pl_files_entry_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "name", e->name);
        pl_jsonw_str(w, "path", *f->rel ? apr_pstrcat(req->r->pool, f->rel, "/", e->name, NULL)
                                        : e->name);
        pl_jsonw_str(w, "type", e->type);
        pl_jsonw_int(w, "size", e->size);
        pl_jsonw_str(w, "mtime", pl_time_rfc3339(req->r->pool, e->mtime));
        pl_jsonw_bool(w, "ignored", e->ignored);
        if (marks)
            pl_jsonw_str(w, "git", apr_hash_get(marks, e->name, APR_HASH_KEY_STRING));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, req->r->pool, base_path(req),
                  *f->rel ? apr_pstrcat(req->r->pool, "&path=",
                                        ap_escape_urlencoded(req->r->pool, f->rel), NULL) : "",
                  limit, offset, entries->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* The bytes through a file bucket: httpd answers conditional requests and
 * byte ranges (its byterange filter) from the headers set here. */
static int send_raw(mp_req_t *req, int fd, const struct stat *st, const char *abs)
{
    request_rec *r = req->r;
    apr_file_t *file;
    apr_bucket_brigade *bb;
    int status;

    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'");
    apr_table_setn(r->err_headers_out, "Cache-Control", "private, no-cache");
    apr_table_setn(r->headers_out, "Content-Disposition",
                   api_files_disposition(r->pool, strrchr(abs, '/') + 1));
    apr_table_setn(r->headers_out, "ETag", pl_files_etag(r->pool, st));
    ap_update_mtime(r, mtime_of(st));
    ap_set_last_modified(r);
    if ((status = ap_meets_conditions(r)) != OK) {
        close(fd);
        r->status = status;
        return status == HTTP_NOT_MODIFIED ? OK : status;
    }
    ap_set_content_type(r, "application/octet-stream");
    ap_set_content_length(r, st->st_size);
    apr_os_file_put(&file, &fd, APR_FOPEN_READ | APR_FOPEN_SENDFILE_ENABLED, r->pool);
    apr_pool_cleanup_register(r->pool, file, (apr_status_t (*)(void *))apr_file_close,
                              apr_pool_cleanup_null);
    if (r->header_only)
        return OK;
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_brigade_insert_file(bb, file, 0, st->st_size, r->pool);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    if (ap_pass_brigade(r->output_filters, bb) != APR_SUCCESS)
        r->connection->keepalive = AP_CONN_CLOSE;
    return OK;
}

static int send_text(mp_req_t *req, int fd, const struct stat *st, const api_file_t *f)
{
    apr_size_t len = (apr_size_t)st->st_size, got = 0;
    char *buf;
    pl_jsonw_t *w;
    const char *etag = pl_files_etag(req->r->pool, st);

    if (st->st_size > API_FILES_TEXT_MAX) {
        close(fd);
        return mp_reply_error(req, 422, PL_ERR_FILE_TOO_LARGE,
                              "the file is larger than 2 MiB: read it with ?raw=1", NULL);
    }
    buf = pl_files_read_fd(req->r->pool, fd, len, &got);
    close(fd);
    if (!pl_files_is_text(buf, got, 1))
        return mp_reply_error_details(req, HTTP_UNSUPPORTED_MEDIA_TYPE, PL_ERR_BINARY_FILE,
                                      "the file is not UTF-8 text: read it with ?raw=1",
                                      apr_pstrcat(req->r->pool, "{\"raw\":\"", base_path(req), "?path=",
                                                  ap_escape_urlencoded(req->r->pool, f->rel),
                                                  "&raw=1\"}", NULL));
    apr_table_setn(req->r->headers_out, "ETag", etag);
    w = mp_reply_writer(req, got + 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", f->rel);
    pl_jsonw_str(w, "type", "file");
    pl_jsonw_str(w, "content", buf);
    pl_jsonw_str(w, "encoding", "utf-8");
    pl_jsonw_str(w, "line_endings", pl_files_line_endings(buf, got));
    pl_jsonw_int(w, "size", (apr_int64_t)got);
    pl_jsonw_str(w, "mtime", pl_time_rfc3339(req->r->pool, mtime_of(st)));
    pl_jsonw_str(w, "etag", etag);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_files_get(mp_req_t *req)
{
    const char *root, *rel;
    api_file_t f;
    struct stat st;
    int fd;

    if (!api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel, API_FILES_READ, &f))
        return OK;
    if ((f.flags & PL_PROJECT_PATH_MISSING) || stat(f.abs, &st) != 0)
        return api_files_fail(req, PL_ENOTFOUND, "file or directory");
    if (S_ISDIR(st.st_mode))
        return list_dir(req, root, &f);
    if (!S_ISREG(st.st_mode))
        return api_files_fail(req, PL_ENOTFOUND, "file or directory");
    /* O_NOFOLLOW: the resolved path has no link left; one planted since is
     * refused rather than followed. */
    if ((fd = open(f.abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return api_files_fail(req, APR_FROM_OS_ERROR(errno), "file");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return api_files_fail(req, PL_ENOTFOUND, "file");
    }
    return api_files_flag(req, "raw") ? send_raw(req, fd, &st, f.abs) : send_text(req, fd, &st, &f);
}

int api_files_put(mp_req_t *req)
{
    const char *content;
    api_files_write_t w;
    apr_status_t rv;

    if (!mp_request_only_fields(req, (const char *const[]){ "content", NULL }))
        return OK;
    if (!(content = pl_json_get_str(req->body, "content")))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "content (a string) is required", "content");
    if (!api_files_write_begin(req, &w))
        return OK;
    if ((rv = pl_files_sink_write(w.sink, content, strlen(content))) != APR_SUCCESS) {
        pl_files_sink_abort(w.sink);
        return api_files_fail(req, rv, "file");
    }
    return api_files_write_end(req, &w);
}

int api_files_delete(mp_req_t *req)
{
    const char *root, *rel;
    api_file_t f;
    apr_status_t rv;

    if (!api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel, API_FILES_WRITE | API_FILES_ENTRY, &f))
        return OK;
    if (f.flags & PL_PROJECT_PATH_MISSING)
        return api_files_fail(req, PL_ENOTFOUND, "file or directory");
    rv = pl_files_remove(f.dir, f.name, api_files_flag(req, "recursive"));
    if (rv == PL_ECONFLICT)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              "the path is a directory: add ?recursive=1 to remove it and all it"
                              " holds", "recursive");
    if (rv != APR_SUCCESS)
        return api_files_fail(req, rv, "file or directory");
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

int api_files_mkdir(mp_req_t *req)
{
    const char *root, *rel = pl_json_get_str(req->body, "path");
    api_file_t f;
    apr_status_t rv;

    if (!mp_request_only_fields(req, (const char *const[]){ "path", NULL }))
        return OK;
    if (!rel)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "path (a string) is required", "path");
    if (!api_files_root(req, &root) || !api_files_resolve(req, root, rel, API_FILES_WRITE, &f))
        return OK;
    if (!*rel)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_PATH,
                              "the path names the project's directory itself", "path");
    if ((rv = pl_files_mkdir(req->r->pool, root, f.abs)) != APR_SUCCESS)
        return api_files_fail(req, rv, "directory");
    return api_files_written(req, &f, 1);
}

int api_files_move(mp_req_t *req)
{
    const char *root, *from = pl_json_get_str(req->body, "from"),
               *to = pl_json_get_str(req->body, "to");
    api_file_t a, b;
    apr_status_t rv;

    if (!mp_request_only_fields(req, (const char *const[]){ "from", "to", NULL }))
        return OK;
    if (!from || !to)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "from and to (strings) are required", from ? "to" : "from");
    if (!api_files_root(req, &root)
        || !api_files_resolve(req, root, from, API_FILES_WRITE | API_FILES_ENTRY, &a)
        || !api_files_resolve(req, root, to, API_FILES_WRITE | API_FILES_ENTRY, &b))
        return OK;
    if (a.flags & PL_PROJECT_PATH_MISSING)
        return api_files_fail(req, PL_ENOTFOUND, "file or directory");
    if (!(b.flags & PL_PROJECT_PATH_MISSING))
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT, "the target exists", "to");
    if ((rv = pl_files_move(a.dir, a.name, b.dir, b.name)) != APR_SUCCESS)
        return api_files_fail(req, rv, "file or directory");
    b.abs = apr_pstrcat(req->r->pool, b.dir, "/", b.name, NULL);
    return api_files_written(req, &b, 1);
}
