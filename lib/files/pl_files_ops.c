/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "core/pl_status.h"
#include "files/pl_files_ops.h"

apr_status_t pl_files_mkdir(apr_pool_t *p, const char *root, const char *abs)
{
    apr_size_t rootlen = strlen(root);
    char *path = apr_pstrdup(p, abs), *s;
    struct stat st;

    if (strncmp(abs, root, rootlen) || (abs[rootlen] != '/' && abs[rootlen] != '\0'))
        return PL_EINVAL;
    if (lstat(abs, &st) == 0)
        return S_ISDIR(st.st_mode) ? APR_EEXIST : PL_ECONFLICT;
    /* Each missing component in turn, from the root down; an existing one
     * must be a real directory (a link planted since the check is not). */
    for (s = path + rootlen + 1; ; s++) {
        int last = (*s == '\0');
        if (*s != '/' && !last)
            continue;
        *s = '\0';
        if (mkdir(path, 0755) != 0) {
            if (errno != EEXIST)
                return APR_FROM_OS_ERROR(errno);
            if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                return PL_ECONFLICT;
        }
        if (last)
            return APR_SUCCESS;
        *s = '/';
    }
}

apr_status_t pl_files_move(const char *from_dir, const char *from_name, const char *to_dir,
                           const char *to_name)
{
    int fd1 = open(from_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int fd2 = open(to_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    apr_status_t rv = APR_SUCCESS;

    if (fd1 < 0 || fd2 < 0)
        rv = APR_FROM_OS_ERROR(errno);
    else if (renameat2(fd1, from_name, fd2, to_name, RENAME_NOREPLACE) != 0)
        rv = errno == EEXIST || errno == ENOTEMPTY ? PL_ECONFLICT
           : errno == EINVAL ? PL_EINVAL : errno == ENOENT ? PL_ENOTFOUND
           : APR_FROM_OS_ERROR(errno);
    if (fd1 >= 0)
        close(fd1);
    if (fd2 >= 0)
        close(fd2);
    return rv;
}

/* Empties the directory open as fd (closed here), depth levels deep. */
static apr_status_t empty_dir(int fd, int depth)
{
    DIR *d;
    struct dirent *e;
    apr_status_t rv = APR_SUCCESS;

    if (depth > PL_FILES_MAX_DEPTH) {
        close(fd);
        return PL_ETOOBIG;
    }
    if (!(d = fdopendir(fd))) {
        close(fd);
        return APR_FROM_OS_ERROR(errno);
    }
    while (rv == APR_SUCCESS && (e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rv = sub < 0 ? APR_FROM_OS_ERROR(errno) : empty_dir(sub, depth + 1);
            if (rv == APR_SUCCESS && unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) != 0)
                rv = APR_FROM_OS_ERROR(errno);
        }
        else if (unlinkat(dirfd(d), e->d_name, 0) != 0)
            rv = APR_FROM_OS_ERROR(errno);
    }
    closedir(d);
    return rv;
}

apr_status_t pl_files_remove(const char *dir, const char *name, int recursive)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    apr_status_t rv = APR_SUCCESS;
    struct stat st;

    if (fd < 0)
        return APR_FROM_OS_ERROR(errno);
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        rv = errno == ENOENT ? PL_ENOTFOUND : APR_FROM_OS_ERROR(errno);
    else if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(fd, name, 0) != 0)
            rv = APR_FROM_OS_ERROR(errno);
    }
    else if (!recursive)
        rv = PL_ECONFLICT;
    else {
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rv = sub < 0 ? APR_FROM_OS_ERROR(errno) : empty_dir(sub, 1);
        if (rv == APR_SUCCESS && unlinkat(fd, name, AT_REMOVEDIR) != 0)
            rv = APR_FROM_OS_ERROR(errno);
    }
    close(fd);
    return rv;
}
