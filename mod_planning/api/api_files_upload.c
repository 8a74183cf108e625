/* SPDX-License-Identifier: Apache-2.0 */
/* Uploads into a project's tree, streamed: PUT .../files/raw?path=P takes
 * the body as the file's bytes; POST .../files/upload?path=DIR takes
 * multipart/form-data (forms, curl -F), each file part named by its
 * filename inside DIR. The body is read from the input filters a piece at a
 * time and written to temporary files beside their targets, counted against
 * PlanningMaxUploadSize as it arrives (413 the moment it passes, however it
 * is framed); files are renamed into place only once the whole body has
 * arrived, so an upload cut short (a limit, a client gone) leaves nothing. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <http_protocol.h>

#include "api_files.h"
#include "core/pl_status.h"
#include "files/pl_files_sink.h"
#include "files/pl_files_text.h"
#include "files/pl_multipart.h"
#include "projects/pl_confine.h"

#define READ_CHUNK      (64 * 1024)
#define MAX_PARTS       1000          /* parts of one multipart body */
#define MAX_PART_HEADER (8 * 1024)    /* bytes of one part's headers */
#define NAME_MAX_BYTES  255           /* bytes of one uploaded file name */

typedef apr_status_t (*chunk_fn)(void *baton, const char *buf, apr_size_t len);

static int too_large(mp_req_t *req)
{
    req->r->connection->keepalive = AP_CONN_CLOSE;
    return mp_reply_error(req, HTTP_REQUEST_ENTITY_TOO_LARGE, PL_ERR_PAYLOAD_TOO_LARGE,
                          apr_psprintf(req->r->pool, "the upload is larger than %" APR_OFF_T_FMT
                                       " bytes (PlanningMaxUploadSize)", req->conf->max_upload),
                          NULL);
}

/* A declared Content-Length over the limit is refused before anything is
 * read. Returns 1, or 0 after a reply. */
static int declared_ok(mp_req_t *req)
{
    const char *clen = apr_table_get(req->r->headers_in, "Content-Length");
    apr_off_t n;
    char *end;

    if (!clen)
        return 1;
    if (apr_strtoff(&n, clen, &end, 10) != APR_SUCCESS || *end || n < 0) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_REQUEST,
                       "Content-Length is not a number", NULL);
        return 0;
    }
    return n > req->conf->max_upload ? (too_large(req), 0) : 1;
}

/* The body, piece by piece, to fn. APR_SUCCESS at its end; PL_ETOOBIG over
 * the limit; APR_ECONNABORTED (or another read error) when the client went
 * away; or what fn returned. */
static apr_status_t read_body(mp_req_t *req, chunk_fn fn, void *baton)
{
    request_rec *r = req->r;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int eos = 0;

    while (!eos) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ,
                                         READ_CHUNK);
        if (rv != APR_SUCCESS)
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST) == HTTP_REQUEST_ENTITY_TOO_LARGE
                   ? PL_ETOOBIG : rv;
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;
            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            if ((rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ)) != APR_SUCCESS)
                return rv;
            if ((total += (apr_off_t)n) > req->conf->max_upload)
                return PL_ETOOBIG;
            if (n && (rv = fn(baton, data, n)) != APR_SUCCESS)
                return rv;
        }
        apr_brigade_cleanup(bb);
    }
    return APR_SUCCESS;
}

/* The reply to a body that could not be read to its end. */
static int read_failed(mp_req_t *req, apr_status_t rv)
{
    if (rv == PL_ETOOBIG)
        return too_large(req);
    req->r->connection->keepalive = AP_CONN_CLOSE;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, req->r, "PLN02302: an upload ended before its body"
                  " did (the client went away?); nothing was written");
    return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_REQUEST,
                          "the request body could not be read to its end", NULL);
}

static apr_status_t to_sink(void *baton, const char *buf, apr_size_t len)
{
    return pl_files_sink_write(baton, buf, len);
}

/* The directory and name of a resolved file f (through a link inside the
 * project, its target). */
static void split_abs(apr_pool_t *p, const char *abs, const char **dir, const char **name)
{
    char *d = apr_pstrdup(p, abs), *slash = strrchr(d, '/');

    *slash = '\0';
    *dir = d;
    *name = slash + 1;
}

int api_files_upload_raw(mp_req_t *req)
{
    api_files_write_t w;
    apr_status_t rv;

    if (!declared_ok(req) || !api_files_write_begin(req, &w))
        return OK;
    if ((rv = read_body(req, to_sink, w.sink)) != APR_SUCCESS) {
        pl_files_sink_abort(w.sink);
        return APR_STATUS_IS_ENOSPC(rv) ? api_files_fail(req, rv, "file") : read_failed(req, rv);
    }
    return api_files_write_end(req, &w);
}

/* ------------------------------------------------------------ multipart */

typedef struct {
    const char *rel;
    const char *abs;
    const char *name;
    pl_files_sink_t *sink;
} upload_file_t;

typedef struct {
    mp_req_t *req;
    const char *root, *dir_rel;
    int overwrite;
    apr_array_header_t *files;     /* upload_file_t */
    upload_file_t *cur;            /* the file part being read; NULL for a field */
    int replied;                   /* a callback sent the reply already */
} upload_t;

/* An uploaded file's name: one plain component, at most 255 bytes, with
 * no separator, NUL or control character (the names a browser sends for a
 * file, never a path). */
static const char *bad_name(const char *name, apr_size_t len)
{
    apr_size_t i;

    if (len == 0)
        return "the file name is empty";
    if (len > NAME_MAX_BYTES)
        return "the file name is longer than 255 bytes";
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return "the file name is . or ..";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == '\\')
            return "the file name holds a path separator";
        if (c < 0x20 || c == 0x7f)
            return "the file name holds a control character";
    }
    return NULL;
}

static apr_status_t part_begin(void *baton, const pl_multipart_part_t *part)
{
    upload_t *u = baton;
    mp_req_t *req = u->req;
    const char *why, *dir, *name;
    upload_file_t *uf;
    api_file_t f;
    struct stat st;
    apr_status_t rv;
    int i;

    u->cur = NULL;
    if (!part->filename)
        return APR_SUCCESS;           /* a plain field: read past */
    if ((why = bad_name(part->filename, part->filename_len))) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_PATH, why, "filename");
        u->replied = 1;
        return PL_EINVAL;
    }
    if (!api_files_resolve(req, u->root, *u->dir_rel ? apr_pstrcat(req->r->pool, u->dir_rel, "/",
                                                                   part->filename, NULL)
                                                     : part->filename,
                           API_FILES_WRITE | API_FILES_ENTRY, &f)) {
        u->replied = 1;
        return PL_EINVAL;
    }
    for (i = 0; i < u->files->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(u->files, i, upload_file_t).abs, f.abs)) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_MULTIPART,
                           "two parts name the same file", "filename");
            u->replied = 1;
            return PL_EINVAL;
        }
    if (!(f.flags & PL_PROJECT_PATH_MISSING) && lstat(f.abs, &st) == 0
        && (!S_ISREG(st.st_mode) || !u->overwrite)) {
        mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                       S_ISREG(st.st_mode) ? "a file of that name exists: add ?overwrite=1 to"
                                             " replace it" : "that name is a directory", "filename");
        u->replied = 1;
        return PL_ECONFLICT;
    }
    split_abs(req->r->pool, f.abs, &dir, &name);
    uf = apr_array_push(u->files);
    uf->rel = f.rel;
    uf->abs = f.abs;
    uf->name = name;
    uf->sink = NULL;
    u->cur = uf;
    if ((rv = pl_files_sink_open(req->r->pool, dir, &uf->sink)) != APR_SUCCESS) {
        api_files_fail(req, rv, "file");
        u->replied = 1;
    }
    return rv;
}

static apr_status_t part_data(void *baton, const char *buf, apr_size_t len)
{
    upload_t *u = baton;

    return u->cur ? pl_files_sink_write(u->cur->sink, buf, len) : APR_SUCCESS;
}

static apr_status_t to_parser(void *baton, const char *buf, apr_size_t len)
{
    return pl_multipart_feed(baton, buf, len);
}

static const pl_multipart_cb_t CALLBACKS = { part_begin, part_data, NULL };

int api_files_upload_form(mp_req_t *req)
{
    const char *root, *rel, *boundary;
    api_file_t dir;
    upload_t u;
    pl_multipart_t *m;
    pl_multipart_limits_t lim;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if (pl_multipart_boundary(req->r->pool, apr_table_get(req->r->headers_in, "Content-Type"),
                              &boundary) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_UNSUPPORTED_MEDIA_TYPE, PL_ERR_UNSUPPORTED_MEDIA_TYPE,
                              "the body must be multipart/form-data with a boundary of 1 to 70"
                              " characters", NULL);
    if (!declared_ok(req) || !api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel ? rel : "", API_FILES_WRITE, &dir))
        return OK;
    if (dir.flags & PL_PROJECT_PATH_MISSING)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              "no such directory: make it first (POST .../files/mkdir)", "path");
    memset(&u, 0, sizeof(u));
    u.req = req;
    u.root = root;
    u.dir_rel = dir.rel;
    u.overwrite = api_files_flag(req, "overwrite");
    u.files = apr_array_make(req->r->pool, 4, sizeof(upload_file_t));
    lim.max_parts = MAX_PARTS;
    lim.max_header = MAX_PART_HEADER;
    lim.max_total = req->conf->max_upload;
    m = pl_multipart_create(req->r->pool, boundary, &lim, &CALLBACKS, &u);
    rv = read_body(req, to_parser, m);
    if (rv == APR_SUCCESS)
        rv = pl_multipart_finish(m);
    /* Any failure: the pool's cleanup unlinks every temporary file. */
    if (u.replied)
        return (req->r->connection->keepalive = AP_CONN_CLOSE), OK;
    if (rv == PL_ETOOBIG && !pl_multipart_why(m))
        return too_large(req);      /* counted by read_body: PlanningMaxUploadSize */
    if (rv == PL_ETOOBIG || rv == PL_EINVAL) {
        req->r->connection->keepalive = AP_CONN_CLOSE;
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_MULTIPART,
                              apr_pstrcat(req->r->pool, "the multipart body is refused: ",
                                          pl_multipart_why(m), NULL), NULL);
    }
    if (rv != APR_SUCCESS)
        return APR_STATUS_IS_ENOSPC(rv) ? api_files_fail(req, rv, "file") : read_failed(req, rv);
    if (u.files->nelts == 0)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_MULTIPART,
                              "the body holds no file part (a part with a filename)", NULL);
    for (i = 0; i < u.files->nelts; i++) {
        upload_file_t *uf = &APR_ARRAY_IDX(u.files, i, upload_file_t);
        if ((rv = pl_files_sink_commit(uf->sink, uf->name, !u.overwrite)) != APR_SUCCESS)
            return api_files_fail(req, rv, "file");
    }
    w = mp_reply_writer(req, 128 + 128 * (apr_size_t)u.files->nelts);
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < u.files->nelts; i++) {
        upload_file_t *uf = &APR_ARRAY_IDX(u.files, i, upload_file_t);
        struct stat st;
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", uf->rel);
        if (stat(uf->abs, &st) == 0) {
            pl_jsonw_int(w, "size", st.st_size);
            pl_jsonw_str(w, "etag", pl_files_etag(req->r->pool, &st));
        }
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_CREATED, w);
}
