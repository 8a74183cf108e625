/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>
#include <apr_general.h>

#include "core/pl_status.h"
#include "files/pl_files_sink.h"

struct pl_files_sink_t {
    int dirfd, fd;
    char tmp[64];
    apr_off_t size;
    int done;
};

static void close_all(pl_files_sink_t *s)
{
    if (s->fd >= 0)
        close(s->fd);
    if (s->dirfd >= 0)
        close(s->dirfd);
    s->fd = s->dirfd = -1;
}

static apr_status_t cleanup(void *data)
{
    pl_files_sink_t *s = data;

    if (!s->done && s->dirfd >= 0)
        unlinkat(s->dirfd, s->tmp, 0);
    s->done = 1;
    close_all(s);
    return APR_SUCCESS;
}

apr_status_t pl_files_sink_open(apr_pool_t *p, const char *dir, pl_files_sink_t **out)
{
    pl_files_sink_t *s = apr_pcalloc(p, sizeof(*s));
    unsigned char rnd[8];
    int tries;

    s->fd = -1;
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->dirfd < 0)
        return APR_FROM_OS_ERROR(errno);
    for (tries = 0; tries < 8 && s->fd < 0; tries++) {
        apr_generate_random_bytes(rnd, sizeof(rnd));
        apr_snprintf(s->tmp, sizeof(s->tmp), PL_FILES_TMP_PREFIX "%02x%02x%02x%02x%02x%02x%02x%02x",
                     rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
        s->fd = openat(s->dirfd, s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (s->fd < 0 && errno != EEXIST) {
            apr_status_t rv = APR_FROM_OS_ERROR(errno);
            close_all(s);
            return rv;
        }
    }
    if (s->fd < 0) {
        close_all(s);
        return APR_EEXIST;
    }
    apr_pool_cleanup_register(p, s, cleanup, apr_pool_cleanup_null);
    *out = s;
    return APR_SUCCESS;
}

apr_status_t pl_files_sink_write(pl_files_sink_t *s, const char *buf, apr_size_t len)
{
    while (len > 0) {
        ssize_t n = write(s->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? APR_FROM_OS_ERROR(errno) : APR_EGENERAL;
        buf += n;
        len -= (apr_size_t)n;
        s->size += n;
    }
    return APR_SUCCESS;
}

apr_off_t pl_files_sink_size(const pl_files_sink_t *s)
{
    return s->size;
}

apr_status_t pl_files_sink_commit(pl_files_sink_t *s, const char *name, int noreplace)
{
    struct stat st;
    int rc;

    if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (noreplace)
            return PL_ECONFLICT;
        if (!S_ISREG(st.st_mode))
            return PL_ECONFLICT;     /* never replace a directory or a link */
        fchmod(s->fd, st.st_mode & 07777);
    }
    if (fsync(s->fd) != 0)
        return APR_FROM_OS_ERROR(errno);
    rc = renameat2(s->dirfd, s->tmp, s->dirfd, name, noreplace ? RENAME_NOREPLACE : 0);
    if (rc != 0)
        return errno == EEXIST ? PL_ECONFLICT : APR_FROM_OS_ERROR(errno);
    s->done = 1;
    fsync(s->dirfd);     /* the rename itself, durable */
    close_all(s);
    return APR_SUCCESS;
}

void pl_files_sink_abort(pl_files_sink_t *s)
{
    cleanup(s);
}
