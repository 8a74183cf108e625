/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "code/pl_walk.h"
#include "core/pl_status.h"
#include "files/pl_files_search.h"
#include "files/pl_files_text.h"

static int past_deadline(void *baton, const char *stage, apr_int64_t done, apr_int64_t total)
{
    const apr_time_t *deadline = baton;

    (void)stage; (void)done; (void)total;
    return apr_time_now() > *deadline;
}

/* The file's bytes (at most the cap), or NULL when unreadable or not text. */
static char *slurp(apr_pool_t *p, const char *abs, apr_size_t *len)
{
    int fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf = NULL;
    apr_size_t got = 0;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= PL_FILES_SEARCH_FILE_MAX) {
        buf = apr_palloc(p, (apr_size_t)st.st_size + 1);
        while (got < (apr_size_t)st.st_size) {
            ssize_t n = read(fd, buf + got, (apr_size_t)st.st_size - got);
            if (n <= 0)
                break;
            got += (apr_size_t)n;
        }
        buf[got] = '\0';
    }
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

apr_status_t pl_files_search(apr_pool_t *p, const char *root, const char *q,
                             const pl_files_search_opts_t *o, apr_array_header_t **matches,
                             int *truncated, const char **err)
{
    apr_array_header_t *out = apr_array_make(p, 16, sizeof(pl_files_match_t));
    apr_size_t k = strlen(q), plen = strlen(o->prefix);
    apr_time_t deadline = o->deadline;
    apr_pool_t *fp;
    pl_walk_t *walk;
    apr_status_t rv;
    int i;

    *truncated = 0;
    *matches = out;
    rv = pl_walk(p, root, PL_FILES_SEARCH_FILE_MAX, past_deadline, &deadline, &walk, err);
    if (rv == PL_ECANCELED) {
        *truncated = 1;
        return APR_SUCCESS;
    }
    if (rv != APR_SUCCESS)
        return rv;
    apr_pool_create(&fp, p);
    for (i = 0; i < walk->files->nelts; i++) {
        const pl_walk_file_t *wf = &APR_ARRAY_IDX(walk->files, i, pl_walk_file_t);
        const char *buf, *s, *end;
        apr_size_t len;
        int line = 1;

        if (plen && (strncmp(wf->path, o->prefix, plen) || wf->path[plen] != '/'))
            continue;
        if (apr_time_now() > deadline) {
            *truncated = 1;
            break;
        }
        apr_pool_clear(fp);
        if (!(buf = slurp(fp, apr_pstrcat(fp, root, "/", wf->path, NULL), &len)))
            continue;
        end = buf + len;
        for (s = buf; s < end; ) {
            const char *nl = memchr(s, '\n', (apr_size_t)(end - s)), *eol = nl ? nl : end;
            const char *hit = find(s, (apr_size_t)(eol - s), q, k, o->ignore_case);
            if (hit) {
                pl_files_match_t *m;
                if (out->nelts >= o->max_matches) {
                    *truncated = 1;
                    goto done;
                }
                m = apr_array_push(out);
                m->path = wf->path;
                m->line = line;
                m->column = (int)(hit - s) + 1;
                m->text = cut(p, s, (apr_size_t)(eol - s));
            }
            line++;
            s = eol + 1;
        }
    }
done:
    apr_pool_destroy(fp);
    return APR_SUCCESS;
}
