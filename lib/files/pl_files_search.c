/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "code/pl_walk.h"
#include "core/pl_status.h"
#include "files/pl_files_search.h"
#include "files/pl_files_text.h"
#include "files/pl_files_walk.h"

#define STOP 2

typedef struct {
    apr_pool_t *p, *scratch;
    const char *top;             /* rel of the searched directory */
    const char *q;
    apr_size_t qlen;
    const pl_files_search_opts_t *o;
    apr_array_header_t *out;
    int truncated;
} search_t;

/* The file's bytes (at most the cap), or NULL when unreadable or not text. */
static char *slurp(apr_pool_t *p, int dirfd, const char *name, apr_size_t *len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf = NULL;
    apr_size_t got = 0;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= PL_FILES_SEARCH_FILE_MAX)
        buf = pl_files_read_fd(p, fd, (apr_size_t)st.st_size, &got);
    close(fd);
    if (buf && !pl_files_is_text(buf, got, 1))
        return NULL;
    *len = got;
    return buf;
}

/* line cut to the cap on a character boundary */
static const char *cut(apr_pool_t *p, const char *line, apr_size_t n)
{
    if (n > PL_FILES_SEARCH_LINE) {
        n = PL_FILES_SEARCH_LINE;
        while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0 && line[n - 1] == '\r')
        n--;
    return apr_pstrmemdup(p, line, n);
}

static const char *find(const char *hay, apr_size_t n, const char *q, apr_size_t k, int icase)
{
    apr_size_t i;

    if (!icase)
        return memmem(hay, n, q, k);
    for (i = 0; i + k <= n; i++)
        if (!strncasecmp(hay + i, q, k))
            return hay + i;
    return NULL;
}

static int search_file(void *baton, int dirfd, const char *name, const char *rel,
                       const struct stat *st)
{
    search_t *s = baton;
    const char *buf, *at, *end, *path = NULL;
    apr_size_t len;
    int line = 1;

    if (apr_time_now() > s->o->deadline) {
        s->truncated = 1;
        return STOP;
    }
    /* the walker's skips: vendored directories, generated files */
    if (S_ISDIR(st->st_mode))
        return pl_walk_is_vendored_dir(name) ? PL_FILES_WALK_PRUNE : 0;
    if (pl_walk_is_generated_name(name))
        return 0;
    apr_pool_clear(s->scratch);
    if (!(buf = slurp(s->scratch, dirfd, name, &len)))
        return 0;
    end = buf + len;
    for (at = buf; at < end; line++) {
        const char *nl = memchr(at, '\n', (apr_size_t)(end - at)), *eol = nl ? nl : end;
        const char *hit = find(at, (apr_size_t)(eol - at), s->q, s->qlen, s->o->ignore_case);
        if (hit) {
            pl_files_match_t *m;
            if (s->out->nelts >= s->o->max_matches) {
                s->truncated = 1;
                return STOP;
            }
            if (!path)
                path = *s->top ? apr_pstrcat(s->p, s->top, "/", rel, NULL) : apr_pstrdup(s->p, rel);
            m = apr_array_push(s->out);
            m->path = path;
            m->line = line;
            m->column = (int)(hit - at) + 1;
            m->text = cut(s->p, at, (apr_size_t)(eol - at));
        }
        at = eol + 1;
    }
    return 0;
}

static int by_path_then_line(const void *a, const void *b)
{
    const pl_files_match_t *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c ? c : x->line - y->line;
}

apr_status_t pl_files_search(apr_pool_t *p, const char *root, const char *rel, const char *abs,
                             const char *q, const pl_files_search_opts_t *o,
                             apr_array_header_t **matches, int *truncated)
{
    search_t s = { p, NULL, rel, q, strlen(q), o, apr_array_make(p, 16, sizeof(pl_files_match_t)),
                   0 };
    int rc;

    apr_pool_create(&s.scratch, p);
    rc = pl_files_walk(p, root, rel, abs, 0, search_file, &s);
    apr_pool_destroy(s.scratch);
    if (rc == -1)
        return APR_ENOENT;
    qsort(s.out->elts, (size_t)s.out->nelts, sizeof(pl_files_match_t), by_path_then_line);
    *matches = s.out;
    *truncated = s.truncated;
    return APR_SUCCESS;
}
