/* SPDX-License-Identifier: Apache-2.0 */
/* A project's files as MCP resources: the path in the URI (percent-encoded
 * both ways), a MIME type from the name, and the read. A file is read only
 * when it is a regular file confined to the project (pl_project_path: no
 * symlink leads out), never in .git/, opened without following a link;
 * text up to PL_MCP_TEXT_MAX, other bytes as base64 up to PL_MCP_BLOB_MAX
 * (a larger file is an invalid-params error that says so: the read_file
 * tool reads a part of a long text). */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "files/pl_files_text.h"
#include "mcp/pl_mcp.h"
#include "mcp/pl_mcp_int.h"
#include "projects/pl_confine.h"

#define PL_MCP_TEXT_MAX (1024 * 1024)
#define PL_MCP_BLOB_MAX (256 * 1024)

static const struct { const char *ext, *type; } TYPES[] = {
    { ".md", "text/markdown" }, { ".markdown", "text/markdown" }, { ".json", "application/json" },
    { ".c", "text/x-c" }, { ".h", "text/x-c" }, { ".py", "text/x-python" },
    { ".js", "text/javascript" }, { ".mjs", "text/javascript" }, { ".ts", "text/x-typescript" },
    { ".html", "text/html" }, { ".css", "text/css" }, { ".yml", "application/yaml" },
    { ".yaml", "application/yaml" }, { ".xml", "application/xml" }, { ".svg", "image/svg+xml" },
    { ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" }, { ".pdf", "application/pdf" }, { ".sh", "text/x-shellscript" },
};

const char *pl_mcp_file_mime(const char *path, int text)
{
    apr_size_t n = strlen(path), i;

    for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
        apr_size_t e = strlen(TYPES[i].ext);
        if (n > e && !strcasecmp(path + n - e, TYPES[i].ext))
            return TYPES[i].type;
    }
    return text ? "text/plain" : "application/octet-stream";
}

/* A path as the URI carries it: bytes other than unreserved ones and '/'
 * percent-encoded (RFC 3986), so spaces, '#', '?' and UTF-8 survive. */
const char *pl_mcp_file_uri_path(apr_pool_t *p, const char *rel)
{
    static const char HEX[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, 3 * strlen(rel) + 1), *o = out;

    for (; *rel; rel++) {
        unsigned char c = (unsigned char)*rel;
        if (apr_isalnum(c) || strchr("-._~/", c))
            *o++ = (char)c;
        else {
            *o++ = '%';
            *o++ = HEX[c >> 4];
            *o++ = HEX[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The path a URI names, decoded; NULL for a malformed escape or a NUL. */
const char *pl_mcp_file_path_of_uri(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }
        if (!apr_isxdigit(s[1]) || !apr_isxdigit(s[2]))
            return NULL;
        *o = (char)((apr_isdigit(s[1]) ? s[1] - '0' : (apr_tolower(s[1]) - 'a' + 10)) << 4
                    | (apr_isdigit(s[2]) ? s[2] - '0' : (apr_tolower(s[2]) - 'a' + 10)));
        if (!*o++)
            return NULL;
        s += 2;
    }
    *o = '\0';
    return out;
}

const char *pl_mcp_file_read(pl_mcp_ctx_t *ctx, pl_mcp_err_t *err, const char *uri,
                             const char *dir, const char *rel)
{
    const char *abs, *why = NULL;
    struct stat st;
    char *buf;
    apr_size_t got = 0;
    int flags, fd;

    if (pl_project_path(ctx->p, dir, rel, strlen(rel), &abs, &flags, &why) != APR_SUCCESS)
        return pl_mcp_resource_missing(ctx, err, uri, why);
    if (flags & (PL_PROJECT_PATH_GIT | PL_PROJECT_PATH_MISSING))
        return pl_mcp_resource_missing(ctx, err, uri, (flags & PL_PROJECT_PATH_GIT)
                         ? "files in .git/ are not served" : "no such file");
    if ((fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return pl_mcp_resource_missing(ctx, err, uri, "the file cannot be opened");
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return pl_mcp_resource_missing(ctx, err, uri, "not a regular file");
    }
    if (st.st_size > PL_MCP_TEXT_MAX) {
        close(fd);
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, apr_psprintf(ctx->p,
                           "the file is %" APR_OFF_T_FMT " bytes: resources are served up to %d;"
                           " the read_file tool reads a part of it", (apr_off_t)st.st_size,
                           PL_MCP_TEXT_MAX), NULL);
    }
    buf = pl_files_read_fd(ctx->p, fd, (apr_size_t)st.st_size, &got);
    close(fd);
    if (pl_files_is_text(buf, got, 1))
        return pl_mcp_resource_contents(ctx, uri, pl_mcp_file_mime(rel, 1), buf, NULL);
    if (got > PL_MCP_BLOB_MAX)
        return pl_mcp_fail(err, PL_RPC_INVALID_PARAMS, apr_psprintf(ctx->p,
                           "the file is binary and %" APR_SIZE_T_FMT " bytes: binary resources"
                           " are served up to %d", got, PL_MCP_BLOB_MAX), NULL);
    {
        char *b64 = apr_palloc(ctx->p, (apr_size_t)apr_base64_encode_len((int)got));
        apr_base64_encode(b64, buf, (int)got);
        return pl_mcp_resource_contents(ctx, uri, pl_mcp_file_mime(rel, 0), NULL, b64);
    }
}
