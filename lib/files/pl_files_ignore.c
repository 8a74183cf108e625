/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "files/pl_files_ignore.h"

void pl_files_ignore_read(pl_ignore_t *ign, apr_pool_t *p, const char *abs, const char *base)
{
    int fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf;
    ssize_t n;

    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        apr_size_t want = st.st_size > PL_FILES_IGNORE_MAX ? PL_FILES_IGNORE_MAX : (apr_size_t)st.st_size;
        buf = apr_palloc(p, want + 1);
        n = read(fd, buf, want);
        if (n > 0)
            pl_ignore_add(ign, base, buf, (apr_size_t)n);
    }
    close(fd);
}

pl_ignore_t *pl_files_ignore_load(apr_pool_t *p, const char *root, const char *rel,
                                  int *dir_ignored)
{
    pl_ignore_t *ign = pl_ignore_create(p);
    char *cur = apr_pstrdup(p, rel), *s;

    *dir_ignored = 0;
    pl_files_ignore_read(ign, p, apr_pstrcat(p, root, "/.git/info/exclude", NULL), "");
    pl_files_ignore_read(ign, p, apr_pstrcat(p, root, "/.gitignore", NULL), "");
    if (!*cur)
        return ign;
    /* Down the path: each directory is tested against the rules above it,
     * then adds its own. */
    for (s = cur; ; s++) {
        int last = (*s == '\0');
        if (*s != '/' && !last)
            continue;
        *s = '\0';
        if (pl_ignore_match(ign, cur, 1))
            *dir_ignored = 1;
        pl_files_ignore_read(ign, p, apr_pstrcat(p, root, "/", cur, "/.gitignore", NULL), cur);
        if (last)
            return ign;
        *s = '/';
    }
}
