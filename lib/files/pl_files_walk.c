/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>

#include "files/pl_files_ignore.h"
#include "files/pl_files_sink.h"
#include "files/pl_files_walk.h"

typedef struct {
    apr_pool_t *p;
    pl_ignore_t *ign;          /* NULL: ignored entries are kept */
    const char *top;           /* rel of the walked directory, below the root */
    pl_files_walk_fn *fn;
    void *baton;
} walk_t;

/* The rules of the .gitignore in the directory open as fd, if any. */
static void push_rules(walk_t *w, apr_pool_t *p, int fd, const char *root_rel)
{
    int g = openat(fd, ".gitignore", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;

    if (g < 0)
        return;
    if (fstat(g, &st) == 0 && S_ISREG(st.st_mode)) {
        apr_size_t want = st.st_size > PL_FILES_IGNORE_MAX ? PL_FILES_IGNORE_MAX : (apr_size_t)st.st_size;
        char *buf = apr_palloc(p, want + 1);
        ssize_t n = read(g, buf, want);
        if (n > 0)
            pl_ignore_add(w->ign, root_rel, buf, (apr_size_t)n);
    }
    close(g);
}

static int walk_dir(walk_t *w, int fd, const char *rel, int depth)
{
    apr_pool_t *p;
    DIR *d;
    struct dirent *e;
    int rc = 0, mark = w->ign ? pl_ignore_mark(w->ign) : 0;
    const char *root_rel = *w->top ? (*rel ? apr_pstrcat(w->p, w->top, "/", rel, NULL) : w->top)
                                   : rel;

    if (depth > PL_FILES_WALK_DEPTH || !(d = fdopendir(fd))) {
        close(fd);
        return 0;
    }
    apr_pool_create(&p, w->p);
    if (w->ign && depth > 0)
        push_rules(w, w->p, dirfd(d), root_rel);
    while (!rc && (e = readdir(d))) {
        struct stat st;
        const char *sub, *in_root;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
            || (!*root_rel && !strcmp(e->d_name, ".git"))
            || !strncmp(e->d_name, PL_FILES_TMP_PREFIX, sizeof(PL_FILES_TMP_PREFIX) - 1))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
            || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            continue;              /* links and devices: never followed, never stored */
        apr_pool_clear(p);
        sub = *rel ? apr_pstrcat(p, rel, "/", e->d_name, NULL) : e->d_name;
        in_root = *root_rel ? apr_pstrcat(p, root_rel, "/", e->d_name, NULL) : e->d_name;
        if (w->ign && pl_ignore_match(w->ign, in_root, S_ISDIR(st.st_mode)))
            continue;
        if ((rc = w->fn(w->baton, dirfd(d), e->d_name, sub, &st)) == PL_FILES_WALK_PRUNE) {
            rc = 0;
            continue;
        }
        if (rc != 0)
            break;
        if (S_ISDIR(st.st_mode)) {
            int sfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sfd >= 0)
                rc = walk_dir(w, sfd, apr_pstrdup(w->p, sub), depth + 1);
        }
    }
    closedir(d);
    apr_pool_destroy(p);
    if (w->ign)
        pl_ignore_pop(w->ign, mark);
    return rc;
}

int pl_files_walk(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                  int with_ignored, pl_files_walk_fn *fn, void *baton)
{
    walk_t w = { p, NULL, rel, fn, baton };
    int fd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), dir_ignored = 0;

    if (fd < 0)
        return -1;
    if (!with_ignored)
        w.ign = pl_files_ignore_load(p, root, rel, &dir_ignored);
    return walk_dir(&w, fd, "", 0);
}
