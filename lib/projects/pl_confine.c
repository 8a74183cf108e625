/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <apr_strings.h>

#include "core/pl_path.h"
#include "core/pl_status.h"
#include "projects/pl_confine.h"

#define NAME_MAX_BYTES 255   /* the longest file name Linux file systems take */

apr_status_t pl_project_confine(apr_pool_t *p, const apr_array_header_t *roots,
                                const char *stored_path, const char **resolved,
                                const char **why)
{
    if (!stored_path || pl_path_confine_dir(p, stored_path, roots, resolved, why) != APR_SUCCESS) {
        if (!stored_path)
            *why = PL_PATH_OUTSIDE;
        return PL_EINVAL;
    }
    /* The stored path is canonical: resolving it elsewhere means a part of it
     * became a symlink since it was saved. */
    if (strcmp(*resolved, stored_path)) {
        *why = "no longer resolves to the directory that was saved (a part of it is now a"
               " symlink); set local_path again";
        return PL_EINVAL;
    }
    return APR_SUCCESS;
}

static apr_status_t refuse(apr_status_t rv, const char **why, const char *message)
{
    *why = message;
    return rv;
}

/* The name's own problems, before any filesystem call. */
static const char *malformed(const char *root, const char *rel, apr_size_t len)
{
    apr_size_t i;

    if (memchr(rel, '\0', len))
        return "must not contain a NUL byte";
    if (len + strlen(root) + 2 > PL_PATH_MAX)
        return "is too long";
    if (len && rel[0] == '/')
        return "must be relative to the project's directory";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rel[i];
        if (c == '\\')
            return "must separate names with '/', not '\\'";
        if (c < 0x20 || c == 0x7F)
            return "must not contain control characters";
    }
    return NULL;
}

/* One step of the walk: cur (canonical, inside root) joined with name, and
 * where that leads. */
static apr_status_t step(apr_pool_t *p, const char *root, const char **cur, const char *name,
                         int *flags, const char **why)
{
    const char *next = apr_pstrcat(p, *cur, "/", name, NULL), *real;
    struct stat st;

    if (*flags & PL_PROJECT_PATH_MISSING) {
        *cur = next;
        return APR_SUCCESS;
    }
    if (lstat(next, &st) != 0) {
        if (errno == ENOENT) {
            *flags |= PL_PROJECT_PATH_MISSING;
            *cur = next;
            return APR_SUCCESS;
        }
        if (errno == ENOTDIR)
            return refuse(PL_EINVAL, why, "uses a file as a directory");
        return refuse(PL_EFORBIDDEN, why, "cannot be read");
    }
    if (S_ISLNK(st.st_mode)) {
        /* Judged by where the whole chain ends; a dangling link or a loop
         * cannot be shown to stay inside, so it is refused too. */
        if (pl_path_resolve(p, next, &real) != APR_SUCCESS)
            return refuse(PL_EFORBIDDEN, why, "passes through a symlink that cannot be resolved");
        if (!pl_path_is_under(real, root))
            return refuse(PL_EFORBIDDEN, why,
                          "passes through a symlink that leads outside the project");
        next = real;
    }
    *cur = next;
    return APR_SUCCESS;
}

apr_status_t pl_project_path(apr_pool_t *p, const char *root, const char *rel, apr_size_t len,
                             const char **abs, int *flags, const char **why)
{
    const char *s = rel, *stop = rel + len, *cur = root, *end, *problem;
    apr_status_t rv;
    int first = 1;

    *flags = 0;
    *abs = NULL;
    if ((problem = malformed(root, rel, len)))
        return refuse(PL_EINVAL, why, problem);
    for (; s < stop; s = end < stop ? end + 1 : stop) {
        apr_size_t n;
        const char *name;

        end = memchr(s, '/', (apr_size_t)(stop - s));
        if (!end)
            end = stop;
        n = (apr_size_t)(end - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return refuse(PL_EINVAL, why, "must not contain '..'");
        if (n > NAME_MAX_BYTES)
            return refuse(PL_EINVAL, why, "has a name longer than 255 bytes");
        name = apr_pstrmemdup(p, s, n);
        /* .git in any case: case-insensitive file systems and git's own
         * checks treat .GIT as .git */
        if (first && !strcasecmp(name, ".git"))
            *flags |= PL_PROJECT_PATH_GIT;
        first = 0;
        if ((rv = step(p, root, &cur, name, flags, why)) != APR_SUCCESS)
            return rv;
    }
    /* a symlink that leads into .git is .git */
    if (pl_path_is_under(cur, apr_pstrcat(p, root, "/.git", NULL)))
        *flags |= PL_PROJECT_PATH_GIT;
    *abs = cur;
    return APR_SUCCESS;
}
