/* SPDX-License-Identifier: Apache-2.0 */
/* GET /projects/{id}/files/zip[?path=DIR][&ignored=1]: DIR (the whole
 * project by default) as a zip, streamed while libarchive builds it: its
 * write callback hands each block down the output filters, with a FLUSH
 * every FLUSH_BYTES, so memory stays flat and the first bytes leave at
 * once. The tree is walked twice (pl_files_walk): first to count, so a tree
 * over PlanningMaxZipEntries is refused (422) before anything is sent, then
 * to write. Symlinks are never followed nor stored; .git/ is left out, and
 * what .gitignore ignores unless ignored=1. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <util_filter.h>

#include "api_files.h"
#include "files/pl_files_text.h"
#include "files/pl_files_walk.h"
#include "projects/pl_confine.h"

#define FLUSH_BYTES     (1024 * 1024)
#define READ_BLOCK      (64 * 1024)

typedef struct {
    request_rec *r;
    apr_bucket_brigade *bb;
    apr_off_t pending;        /* bytes passed since the last FLUSH */
    struct archive *a;
    char *buf;
    long entries, max_entries;
    int failed;               /* the client went away */
} zip_t;

static int count(void *baton, int dirfd, const char *name, const char *rel, const struct stat *st)
{
    zip_t *z = baton;

    (void)dirfd; (void)name; (void)rel; (void)st;
    return ++z->entries > z->max_entries ? 2 : 0;    /* stop: too many */
}

static la_ssize_t to_filters(struct archive *a, void *baton, const void *data, size_t len)
{
    zip_t *z = baton;
    apr_bucket_alloc_t *ba = z->r->connection->bucket_alloc;

    (void)a;
    APR_BRIGADE_INSERT_TAIL(z->bb, apr_bucket_heap_create(data, len, NULL, ba));
    if ((z->pending += (apr_off_t)len) >= FLUSH_BYTES) {
        APR_BRIGADE_INSERT_TAIL(z->bb, apr_bucket_flush_create(ba));
        z->pending = 0;
    }
    if (ap_pass_brigade(z->r->output_filters, z->bb) != APR_SUCCESS) {
        z->failed = 1;
        return -1;
    }
    apr_brigade_cleanup(z->bb);
    return (la_ssize_t)len;
}

static int add(void *baton, int dirfd, const char *name, const char *rel, const struct stat *st)
{
    zip_t *z = baton;
    struct archive_entry *e;
    int fd = -1, rc = 0;

    /* A name that is not UTF-8 cannot be stored faithfully: left out. */
    if (!pl_files_is_text(rel, strlen(rel), 1))
        return 0;
    if (S_ISREG(st->st_mode)
        && (fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return 0;
    e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, S_ISDIR(st->st_mode)
                                       ? apr_pstrcat(z->r->pool, rel, "/", NULL) : rel);
    archive_entry_set_filetype(e, S_ISDIR(st->st_mode) ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, st->st_mode & 0777);
    archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
    archive_entry_set_size(e, S_ISREG(st->st_mode) ? st->st_size : 0);
    if (archive_write_header(z->a, e) != ARCHIVE_OK)
        rc = z->failed ? -1 : 0;
    else if (fd >= 0) {
        apr_off_t left = st->st_size;
        while (left > 0) {
            ssize_t n = read(fd, z->buf, left < READ_BLOCK ? (size_t)left : READ_BLOCK);
            if (n <= 0)
                break;
            if (archive_write_data(z->a, z->buf, (size_t)n) < 0) {
                rc = -1;
                break;
            }
            left -= n;
        }
    }
    archive_entry_free(e);
    if (fd >= 0)
        close(fd);
    return z->failed ? -1 : rc;
}

int api_files_zip(mp_req_t *req)
{
    request_rec *r = req->r;
    const char *root, *rel, *base;
    api_file_t f;
    struct stat st;
    zip_t z;
    int with_ignored = api_files_flag(req, "ignored");

    if (!api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel ? rel : "", API_FILES_READ, &f))
        return OK;
    if ((f.flags & PL_PROJECT_PATH_MISSING) || stat(f.abs, &st) != 0 || !S_ISDIR(st.st_mode))
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND, "no such directory", "path");
    memset(&z, 0, sizeof(z));
    z.r = r;
    z.max_entries = req->conf->zip_entries;
    if (pl_files_walk(r->pool, root, f.rel, f.abs, with_ignored, count, &z) == 2)
        return mp_reply_error(req, 422, PL_ERR_TOO_MANY_ENTRIES,
                              apr_psprintf(r->pool, "the directory holds more than %ld entries to zip"
                                           " (PlanningMaxZipEntries): download a subdirectory",
                                           z.max_entries), NULL);
    base = strrchr(f.abs, '/');
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "Content-Disposition",
                   api_files_disposition(r->pool, apr_pstrcat(r->pool, base + 1, ".zip", NULL)));
    ap_set_content_type(r, "application/zip");
    if (r->header_only)
        return OK;
    z.bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    z.buf = apr_palloc(r->pool, READ_BLOCK);
    z.a = archive_write_new();
    archive_write_set_format_zip(z.a);
    archive_write_zip_set_compression_deflate(z.a);
    archive_write_set_bytes_per_block(z.a, 0);     /* each write straight to the callback */
    if (archive_write_open2(z.a, &z, NULL, to_filters, NULL, NULL) == ARCHIVE_OK) {
        pl_files_walk(r->pool, root, f.rel, f.abs, with_ignored, add, &z);
        archive_write_close(z.a);
    }
    archive_write_free(z.a);
    if (!z.failed) {
        APR_BRIGADE_INSERT_TAIL(z.bb, apr_bucket_eos_create(r->connection->bucket_alloc));
        ap_pass_brigade(r->output_filters, z.bb);
    }
    else
        r->connection->keepalive = AP_CONN_CLOSE;
    return OK;
}
