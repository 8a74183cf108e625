/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

apr_status_t pl_path_confine_dir(apr_pool_t *p, const char *path,
                                 const apr_array_header_t *roots,
                                 const char **resolved, const char **why)
{
    struct stat st;
    const char *real;
    apr_status_t rv;
    int i;

    if (path[0] != '/') {
        *why = "must be an absolute path";
        return PL_EINVAL;
    }
    if (strlen(path) >= PL_PATH_MAX) {
        *why = "is too long";
        return PL_EINVAL;
    }
    rv = pl_path_resolve(p, path, &real);
    if (rv != APR_SUCCESS) {
        *why = APR_STATUS_IS_ENOENT(rv) || APR_STATUS_IS_ENOTDIR(rv)
            ? "does not exist" : "cannot be resolved";
        return PL_EINVAL;
    }
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *why = "is not a directory";
        return PL_EINVAL;
    }
    for (i = 0; roots && i < roots->nelts; i++) {
        if (pl_path_is_under(real, APR_ARRAY_IDX(roots, i, const char *))) {
            *resolved = real;
            return APR_SUCCESS;
        }
    }
    *why = roots && roots->nelts
        ? "is not under a directory allowed by PlanningProjectRoots"
        : "cannot be used: no PlanningProjectRoots are configured";
    return PL_EINVAL;
}
