/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <apr_file_info.h>
#include <apr_strings.h>

#include "core/pl_path.h"
#include "core/pl_status.h"

apr_status_t pl_path_resolve(apr_pool_t *p, const char *path, const char **resolved)
{
    char *real = realpath(path, NULL);

    if (!real)
        return APR_FROM_OS_ERROR(errno);
    *resolved = apr_pstrdup(p, real);
    free(real);
    return APR_SUCCESS;
}

int pl_path_is_under(const char *resolved, const char *root)
{
    apr_size_t n = strlen(root);

    if (n == 1 && root[0] == '/')
        return resolved[0] == '/';
    return strncmp(resolved, root, n) == 0 && (resolved[n] == '\0' || resolved[n] == '/');
}

const char *pl_path_normalize(apr_pool_t *p, const char *path)
{
    char *out, *o;
    const char *s = path;

    if (!path || path[0] != '/')
        return NULL;
    out = o = apr_palloc(p, strlen(path) + 2);
    while (*s) {
        const char *end;
        apr_size_t n;

        while (*s == '/')
            s++;
        end = s + strcspn(s, "/");
        n = (apr_size_t)(end - s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > out && *--o != '/')
                ;
        }
        else if (n && !(n == 1 && s[0] == '.')) {
            *o++ = '/';
            memcpy(o, s, n);
            o += n;
        }
        s = end;
    }
    if (o == out)
        *o++ = '/';
    *o = '\0';
    return out;
}

int pl_path_below_any(const char *path, const apr_array_header_t *roots)
{
    int i;

    for (i = 0; roots && i < roots->nelts; i++) {
        const char *root = APR_ARRAY_IDX(roots, i, const char *);
        if (pl_path_is_under(path, root) && strcmp(path, root))
            return 1;
    }
    return 0;
}

apr_status_t pl_path_confine_dir(apr_pool_t *p, const char *path,
                                 const apr_array_header_t *roots,
                                 const char **resolved, const char **why)
{
    struct stat st;
    const char *real;

    if (path[0] != '/') {
        *why = "must be an absolute path";
        return PL_EINVAL;
    }
    if (strlen(path) >= PL_PATH_MAX) {
        *why = "is too long";
        return PL_EINVAL;
    }
    if (!roots || !roots->nelts) {
        *why = "cannot be used: no PlanningProjectRoots are configured";
        return PL_EINVAL;
    }
    /* The text first: nothing outside the roots is looked at. Then where
     * the path really leads, symlinks included; a failure to resolve says
     * no more than a path outside. */
    *why = PL_PATH_OUTSIDE;
    if (!pl_path_below_any(pl_path_normalize(p, path), roots)
        || pl_path_resolve(p, path, &real) != APR_SUCCESS
        || !pl_path_below_any(real, roots))
        return PL_EINVAL;
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *why = "is not a directory";
        return PL_EINVAL;
    }
    *resolved = real;
    *why = NULL;
    return APR_SUCCESS;
}

int pl_path_dir_empty(apr_pool_t *p, const char *dir)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    int empty = 1;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return 0;
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS)
        if (strcmp(fi.name, ".") && strcmp(fi.name, ".."))
            empty = 0;
    apr_dir_close(d);
    return empty;
}
