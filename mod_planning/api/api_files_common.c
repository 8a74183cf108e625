/* SPDX-License-Identifier: Apache-2.0 */
/* The checks every files route makes (see api_files.h). */
#include <errno.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "api_files.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "files/pl_files_sink.h"
#include "files/pl_files_text.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

int api_files_root(mp_req_t *req, const char **root)
{
    apr_int64_t id = apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
    pl_project_t *proj;
    const char *why;
    apr_status_t rv = pl_store_project_get(req->db, req->r->pool, id, &proj);

    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "project"), 0;
    if (!proj->local_path
        || pl_project_confine(req->r->pool, req->conf->roots, proj->local_path, root, &why)
           != APR_SUCCESS) {
        mp_reply_error(req, HTTP_CONFLICT, PL_ERR_PROJECT_DIR_UNAVAILABLE,
                       "the project's directory is not available; an admin can set local_path"
                       " again", NULL);
        return 0;
    }
    return 1;
}

static int bad_path(mp_req_t *req, const char *why)
{
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_PATH,
                   apr_pstrcat(req->r->pool, "the path is not valid: ", why, NULL), "path");
    return 0;
}

int api_files_arg(mp_req_t *req, const char *name, const char **val)
{
    apr_size_t n = strlen(name);
    const char *s = req->r->args;

    *val = NULL;
    /* Read from the raw query here: a decoded table would cut a value at
     * an escaped NUL ("src%00/../x" would become "src"). */
    while (s && *s) {
        const char *end = strchr(s, '&');
        apr_size_t len = end ? (apr_size_t)(end - s) : strlen(s);
        if (len > n && !strncmp(s, name, n) && s[n] == '=') {
            char *v = apr_pstrmemdup(req->r->pool, s + n + 1, len - n - 1);
            if (ap_unescape_urlencoded(v) != OK)
                return bad_path(req, "it has an escaped NUL or a malformed escape");
            *val = v;
            return 1;
        }
        if (len == n && !strncmp(s, name, n)) {
            *val = "";
            return 1;
        }
        s = end ? end + 1 : NULL;
    }
    return 1;
}

int api_files_flag(mp_req_t *req, const char *name)
{
    const char *v = NULL;
    apr_size_t n = strlen(name);
    const char *s = req->r->args;

    while (s && *s) {
        if (!strncmp(s, name, n) && s[n] == '=') {
            v = s + n + 1;
            return !strncmp(v, "1", 1) ? (v[1] == '\0' || v[1] == '&')
                 : !strncmp(v, "true", 4) && (v[4] == '\0' || v[4] == '&');
        }
        s = strchr(s, '&');
        s = s ? s + 1 : NULL;
    }
    return 0;
}

static int refused(mp_req_t *req, apr_status_t rv, const char *why)
{
    if (rv == PL_EFORBIDDEN) {
        mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_PATH_FORBIDDEN,
                       apr_pstrcat(req->r->pool, "the path is refused: ", why, NULL), "path");
        return 0;
    }
    return bad_path(req, why ? why : "malformed");
}

int api_files_resolve(mp_req_t *req, const char *root, const char *rel, int how, api_file_t *f)
{
    apr_pool_t *p = req->r->pool;
    const char *why = NULL;
    apr_status_t rv;

    memset(f, 0, sizeof(*f));
    f->rel = rel ? rel : "";
    rv = pl_project_path(p, root, f->rel, strlen(f->rel), &f->abs, &f->flags, &why);
    if (rv != APR_SUCCESS)
        return refused(req, rv, why);
    if ((how & API_FILES_WRITE) && (f->flags & PL_PROJECT_PATH_GIT)) {
        mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_PATH_FORBIDDEN,
                       "the path is refused: .git/ is never written through the files API", "path");
        return 0;
    }
    if (how & API_FILES_ENTRY) {
        /* The entry itself (a link, not what it points to): its parent
         * resolved, and its own name, which must be a plain one. */
        char *copy = apr_pstrdup(p, f->rel), *slash;
        apr_size_t n = strlen(copy);
        api_file_t parent;
        while (n > 0 && copy[n - 1] == '/')
            copy[--n] = '\0';
        slash = strrchr(copy, '/');
        f->name = slash ? slash + 1 : copy;
        if (!*f->name || !strcmp(f->name, "."))
            return bad_path(req, "it names the project's directory itself");
        if (slash)
            *slash = '\0';
        if (!api_files_resolve(req, root, slash ? copy : "", how & API_FILES_WRITE, &parent))
            return 0;
        if (parent.flags & PL_PROJECT_PATH_MISSING) {
            mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                           "the directory the path lies in does not exist", "path");
            return 0;
        }
        f->dir = parent.abs;
    }
    return 1;
}

int api_files_preconditions(mp_req_t *req, const struct stat *st, int *create)
{
    const char *match = apr_table_get(req->r->headers_in, "If-Match");
    const char *none = apr_table_get(req->r->headers_in, "If-None-Match");

    *create = 0;
    if (none && strcmp(none, "*")) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_REQUEST,
                       "If-None-Match takes only * here (create, never replace)", NULL);
        return 0;
    }
    if (none) {
        if (st) {
            mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED,
                           "the file exists (If-None-Match: *)", NULL);
            return 0;
        }
        *create = 1;
        return 1;
    }
    if (!st) {
        if (match) {
            mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED,
                           "the file does not exist (If-Match)", NULL);
            return 0;
        }
        *create = 1;
        return 1;
    }
    if (!match) {
        mp_reply_error(req, 428, PL_ERR_PRECONDITION_REQUIRED,
                       "the file exists: send its ETag as If-Match to replace it", NULL);
        return 0;
    }
    if (!pl_files_etag_matches(match, pl_files_etag(req->r->pool, st))) {
        mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED,
                       "the file has changed since that ETag: read it again", NULL);
        return 0;
    }
    return 1;
}

int api_files_fail(mp_req_t *req, apr_status_t rv, const char *what)
{
    if (rv == PL_ENOTFOUND || APR_STATUS_IS_ENOENT(rv))
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              apr_pstrcat(req->r->pool, "no such ", what, NULL), NULL);
    if (rv == PL_ECONFLICT || APR_STATUS_IS_EEXIST(rv) || APR_STATUS_IS_ENOTDIR(rv)
        || rv == APR_FROM_OS_ERROR(EISDIR) || rv == APR_FROM_OS_ERROR(ENOTEMPTY))
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              apr_pstrcat(req->r->pool, "the ", what, " conflicts with what is"
                                          " there (it exists, or is of another type)", NULL), NULL);
    if (rv == PL_EINVAL)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_PATH,
                              "a directory cannot move into itself", NULL);
    if (rv == PL_ETOOBIG)
        return mp_reply_error(req, 422, PL_ERR_TOO_MANY_ENTRIES,
                              "the tree is deeper or larger than allowed", NULL);
    if (APR_STATUS_IS_EACCES(rv) || rv == APR_FROM_OS_ERROR(EPERM) || rv == APR_FROM_OS_ERROR(ELOOP))
        return mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_PATH_FORBIDDEN,
                              apr_pstrcat(req->r->pool, "the server may not change this ", what,
                                          NULL), NULL);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, req->r, "PLN02301: files: writing the %s failed;"
                  " check the project directory's permissions (the children's user must own it)"
                  " and free space", what);
    return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                          "the file operation failed", NULL);
}

int api_files_written(mp_req_t *req, const api_file_t *f, int created)
{
    pl_jsonw_t *w = mp_reply_writer(req, 256);
    struct stat st;
    const char *etag;

    if (stat(f->abs, &st) != 0)
        return api_files_fail(req, APR_FROM_OS_ERROR(errno), "file");
    etag = pl_files_etag(req->r->pool, &st);
    apr_table_setn(req->r->headers_out, "ETag", etag);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", f->rel);
    pl_jsonw_str(w, "type", S_ISDIR(st.st_mode) ? "dir" : "file");
    pl_jsonw_int(w, "size", S_ISDIR(st.st_mode) ? 0 : st.st_size);
    pl_jsonw_str(w, "mtime", pl_time_rfc3339(req->r->pool, apr_time_from_sec(st.st_mtim.tv_sec)
                                             + st.st_mtim.tv_nsec / 1000));
    pl_jsonw_str(w, "etag", etag);
    pl_jsonw_end(w);
    return mp_reply_json(req, created ? HTTP_CREATED : HTTP_OK, w);
}

int api_files_write_begin(mp_req_t *req, api_files_write_t *w)
{
    const char *root, *rel;
    struct stat st;
    char *dir;
    apr_status_t rv;

    memset(w, 0, sizeof(*w));
    if (!api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel, API_FILES_WRITE | API_FILES_ENTRY, &w->f))
        return 0;
    w->exists = !(w->f.flags & PL_PROJECT_PATH_MISSING) && lstat(w->f.abs, &st) == 0;
    if (w->exists && !S_ISREG(st.st_mode))
        return api_files_fail(req, PL_ECONFLICT, "file"), 0;
    if (!api_files_preconditions(req, w->exists ? &st : NULL, &w->create))
        return 0;
    dir = apr_pstrdup(req->r->pool, w->f.abs);
    *strrchr(dir, '/') = '\0';
    if ((rv = pl_files_sink_open(req->r->pool, dir, &w->sink)) != APR_SUCCESS)
        return api_files_fail(req, rv, "file"), 0;
    return 1;
}

int api_files_write_end(mp_req_t *req, api_files_write_t *w)
{
    apr_status_t rv = pl_files_sink_commit(w->sink, strrchr(w->f.abs, '/') + 1, w->create);

    if (rv == APR_SUCCESS)
        return api_files_written(req, &w->f, !w->exists);
    pl_files_sink_abort(w->sink);
    if (rv == PL_ECONFLICT && w->create)
        return mp_reply_error(req, HTTP_PRECONDITION_FAILED, PL_ERR_PRECONDITION_FAILED,
                              "the file was created meanwhile", NULL);
    return api_files_fail(req, rv, "file");
}

/* RFC 5987 attr-char: what filename*= may hold unescaped. */
static int attr_char(unsigned char c)
{
    return apr_isalnum(c) || strchr("!#$&+-.^_`|~", c) != NULL;
}

const char *api_files_disposition(apr_pool_t *p, const char *name)
{
    char *plain = apr_pstrdup(p, name), *ext = apr_palloc(p, 3 * strlen(name) + 1), *o = ext, *s;
    const unsigned char *u;

    for (s = plain; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || strchr("\"\\;%", *s))
            *s = '_';
    for (u = (const unsigned char *)name; *u; u++) {
        if (attr_char(*u))
            *o++ = (char)*u;
        else
            o += apr_snprintf(o, 4, "%%%02X", *u);
    }
    *o = '\0';
    return apr_psprintf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s", plain, ext);
}
