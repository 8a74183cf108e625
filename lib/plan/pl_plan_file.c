/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <apr_file_info.h>
#include <apr_strings.h>

#include "plan/pl_plan.h"
#include "plan/pl_plan_file.h"
#include "core/pl_secret.h"
#include "core/pl_status.h"

const char *pl_plan_file_find(apr_pool_t *p, const char *root, int links)
{
    apr_finfo_t fi;
    apr_dir_t *d;
    const char *found = NULL;

    if (apr_dir_open(&d, root, p) != APR_SUCCESS)
        return NULL;
    /* apr_dir_read does not follow links: a symlink reads as APR_LNK */
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        if ((fi.filetype == APR_REG || (links && fi.filetype == APR_LNK))
            && !strcasecmp(fi.name, PL_PLAN_FILE_NAME)) {
            found = apr_pstrdup(p, fi.name);
            if (!strcmp(fi.name, PL_PLAN_FILE_NAME))
                break;
        }
    }
    apr_dir_close(d);
    return found;
}

apr_status_t pl_plan_file_read(apr_pool_t *p, const char *path, int nofollow, char **text,
                               apr_size_t *len)
{
    struct stat st;
    apr_size_t got = 0;
    char *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));

    if (fd < 0)
        return errno == ELOOP ? PL_EINVAL : APR_FROM_OS_ERROR(errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return PL_EINVAL;
    }
    if (st.st_size > PL_PLAN_MAX_BYTES) {
        close(fd);
        return PL_ETOOBIG;
    }
    /* up to one byte more than its size, to tell a file still growing */
    buf = apr_palloc(p, (apr_size_t)st.st_size + 2);
    for (;;) {
        apr_size_t room = (apr_size_t)st.st_size + 1 - got;
        ssize_t n = room ? read(fd, buf + got, room) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            apr_status_t rv = APR_FROM_OS_ERROR(errno);
            close(fd);
            return rv;
        }
        if (n == 0)
            break;
        got += (apr_size_t)n;
    }
    close(fd);
    if (got > (apr_size_t)st.st_size)
        return PL_EBUSY;   /* it grew while read: being written, read again later */
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return APR_SUCCESS;
}

static apr_status_t write_all(int fd, const char *text, apr_size_t len)
{
    while (len) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return APR_FROM_OS_ERROR(errno);
        text += n;
        len -= (apr_size_t)n;
    }
    return APR_SUCCESS;
}

apr_status_t pl_plan_file_write(apr_pool_t *p, const char *path, const char *text,
                                apr_size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *dir = slash && slash != path ? apr_pstrndup(p, path, (apr_size_t)(slash - path))
                                             : "/";
    char *tmp = apr_pstrcat(p, path, ".tmp.XXXXXX", NULL);
    struct stat st;
    apr_status_t rv = APR_SUCCESS;
    mode_t mode;
    int fd, dfd;

    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))   /* a link or a directory swapped in: never replaced */
            return PL_EINVAL;
        mode = st.st_mode & 07777;
    }
    else
        mode = 0644;   /* not umask(): it is the whole process's, and httpd has threads */
    if ((fd = mkstemp(tmp)) < 0)   /* O_EXCL: never an existing name */
        return APR_FROM_OS_ERROR(errno);
    if (fchmod(fd, mode) != 0 || (rv = write_all(fd, text, len)) != APR_SUCCESS
        || fsync(fd) != 0) {
        if (rv == APR_SUCCESS)
            rv = APR_FROM_OS_ERROR(errno);
        close(fd);
        unlink(tmp);
        return rv;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        rv = APR_FROM_OS_ERROR(errno);
        unlink(tmp);
        return rv;
    }
    /* the rename itself durable */
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return APR_SUCCESS;
}

static apr_status_t close_fd(void *data)
{
    close((int)(intptr_t)data);   /* closing releases the flock */
    return APR_SUCCESS;
}

apr_status_t pl_plan_file_lock(apr_pool_t *p, const char *dir, int *fd)
{
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (d < 0)
        return APR_FROM_OS_ERROR(errno);
    while (flock(d, LOCK_EX) != 0) {
        if (errno != EINTR) {
            apr_status_t rv = APR_FROM_OS_ERROR(errno);
            close(d);
            return rv;
        }
    }
    apr_pool_cleanup_register(p, (void *)(intptr_t)d, close_fd, apr_pool_cleanup_null);
    *fd = d;
    return APR_SUCCESS;
}

const char *pl_plan_file_hash(apr_pool_t *p, const char *text, apr_size_t len)
{
    const char *hash = pl_secret_hash_len(p, text, len);

    return hash ? hash : "";   /* OpenSSL without its default provider */
}
