/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "core/pl_status.h"
#include "files/pl_files_ignore.h"
#include "files/pl_files_list.h"
#include "files/pl_files_sink.h"

static int by_kind_then_name(const void *a, const void *b)
{
    const pl_files_entry_t *x = a, *y = b;
    int dx = !strcmp(x->type, "dir"), dy = !strcmp(y->type, "dir");

    if (dx != dy)
        return dy - dx;
    return strcmp(x->name, y->name);
}

apr_status_t pl_files_list(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                           apr_array_header_t **entries)
{
    int dir_ignored;
    pl_ignore_t *ign = pl_files_ignore_load(p, root, rel, &dir_ignored);
    int fd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    apr_array_header_t *out = apr_array_make(p, 64, sizeof(pl_files_entry_t));
    struct dirent *e;
    DIR *d;

    if (fd < 0)
        return errno == ENOTDIR ? PL_EINVAL : APR_FROM_OS_ERROR(errno);
    if (!(d = fdopendir(fd))) {
        close(fd);
        return APR_FROM_OS_ERROR(errno);
    }
    while ((e = readdir(d))) {
        pl_files_entry_t *it;
        struct stat st;

        /* (an upload under way is not a file yet) */
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
            || !strncmp(e->d_name, PL_FILES_TMP_PREFIX, sizeof(PL_FILES_TMP_PREFIX) - 1))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (out->nelts >= PL_FILES_LIST_MAX) {
            closedir(d);
            return PL_ETOOBIG;
        }
        it = apr_array_push(out);
        it->name = apr_pstrdup(p, e->d_name);
        it->type = S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file"
                 : S_ISLNK(st.st_mode) ? "symlink" : "other";
        it->size = S_ISREG(st.st_mode) ? st.st_size : 0;
        it->mtime = apr_time_from_sec(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1000;
        it->ignored = dir_ignored
            || pl_ignore_match(ign, *rel ? apr_pstrcat(p, rel, "/", it->name, NULL) : it->name,
                               S_ISDIR(st.st_mode));
    }
    closedir(d);
    qsort(out->elts, (size_t)out->nelts, sizeof(pl_files_entry_t), by_kind_then_name);
    *entries = out;
    return APR_SUCCESS;
}
