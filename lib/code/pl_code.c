/* SPDX-License-Identifier: Apache-2.0 */
/* Source analysis in three passes: the walk (names and the first 8 KiB of
 * each file), ctags in parallel processes, then each file read once more in
 * full by worker threads for line metrics, docs, end lines, complexity and
 * the imports ctags does not report. The import graph is resolved last. */
#include <stdlib.h>
#include <string.h>

#include <apr_atomic.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_time.h>

#include "code/pl_code.h"
#include "code/pl_code_chunk.h"
#include "code/pl_code_doc.h"
#include "code/pl_code_imports.h"
#include "code/pl_code_pool.h"
#include "code/pl_code_scan.h"
#include "code/pl_code_symbols.h"
#include "code/pl_ctags.h"
#include "core/pl_status.h"
#include "code/pl_walk.h"

#define DEFAULT_MAX_BYTES (1024 * 1024)
#define POLL_INTERVAL apr_time_from_msec(50)

typedef struct {
    const char *root;
    const pl_walk_t *walk;
    pl_code_t *code;
    apr_array_header_t **tags;      /* per file, from ctags; NULL: none */
    apr_array_header_t **refs;      /* per file: pl_code_import_t */
    apr_off_t max_bytes;
    volatile apr_uint32_t next, done, canceled;
} work_t;

typedef struct {
    work_t *work;
    apr_pool_t *pool;               /* results: own allocator, this worker only */
    apr_thread_t *thread;
} worker_t;

char *pl_code_read_file(apr_pool_t *scratch, const char *path, apr_off_t max, apr_size_t *len)
{
    apr_file_t *fd;
    apr_finfo_t fi;
    char *buf;

    *len = 0;
    if (apr_file_open(&fd, path, APR_FOPEN_READ, 0, scratch) != APR_SUCCESS)
        return NULL;
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, fd) != APR_SUCCESS || (max && fi.size > max)
        || !(buf = malloc((apr_size_t)fi.size + 1))) {
        apr_file_close(fd);
        return NULL;
    }
    if (apr_file_read_full(fd, buf, (apr_size_t)fi.size, len) != APR_SUCCESS && *len == 0
        && fi.size > 0) {
        free(buf);
        buf = NULL;
    }
    else
        buf[*len] = '\0';
    apr_file_close(fd);
    return buf;
}

static void analyze_file(worker_t *wk, apr_pool_t *scratch, int i)
{
    work_t *w = wk->work;
    pl_code_file_t *f = APR_ARRAY_IDX(w->code->files, i, pl_code_file_t *);
    const pl_walk_file_t *wf = &APR_ARRAY_IDX(w->walk->files, i, pl_walk_file_t);
    pl_code_scan_t s;
    apr_size_t len;
    char *text = pl_code_read_file(scratch, apr_pstrcat(scratch, w->root, "/", f->path, NULL),
                          w->max_bytes, &len);

    f->symbols = apr_array_make(wk->pool, w->tags[i] ? w->tags[i]->nelts : 0,
                                sizeof(pl_symbol_t));
    w->refs[i] = apr_array_make(wk->pool, 0, sizeof(pl_code_import_t));
    if (text && pl_code_scan(&s, text, len, wf->lang) == APR_SUCCESS) {
        f->lines = s.nlines;
        f->code_lines = s.code;
        f->comment_lines = s.comment;
        f->blank_lines = s.blank;
        f->header_comment = pl_code_doc_header(wk->pool, &s);
        pl_code_symbols(wk->pool, f, &s, w->tags[i], w->refs[i]);
        pl_code_imports_scan(wk->pool, &s, w->refs[i]);
        f->complexity = pl_code_symbols_complexity(f, &s);
        if (f->role == PL_FILE_CODE || f->role == PL_FILE_TEST)
            pl_code_chunks(wk->pool, f, &s, w->tags[i]);
        pl_code_scan_free(&s);
    }
    f->imports = pl_code_imports_written(wk->pool, w->refs[i]);
    free(text);
}

static void *APR_THREAD_FUNC work(apr_thread_t *thread, void *data)
{
    worker_t *wk = data;
    work_t *w = wk->work;
    apr_pool_t *scratch;
    apr_uint32_t n = (apr_uint32_t)w->code->files->nelts, i;

    apr_pool_create(&scratch, wk->pool);
    while (!apr_atomic_read32(&w->canceled) && (i = apr_atomic_inc32(&w->next)) < n) {
        analyze_file(wk, scratch, (int)i);
        apr_pool_clear(scratch);
        apr_atomic_inc32(&w->done);
    }
    apr_pool_destroy(scratch);
    /* A plain return rather than apr_thread_exit: the thread's pool goes with
     * its parent, and pthread_exit's unwinding trips AddressSanitizer. */
    return NULL;
}

static apr_status_t run_workers(apr_pool_t *p, work_t *w, int jobs, const pl_code_options_t *o)
{
    apr_pool_t *threads = pl_code_pool_for_threads(p);
    worker_t *workers = apr_pcalloc(p, sizeof(worker_t) * (apr_size_t)jobs);
    apr_uint32_t n = (apr_uint32_t)w->code->files->nelts;
    int k, started = 0;

    for (k = 0; k < jobs && threads; k++) {
        workers[k].work = w;
        if (!(workers[k].pool = pl_code_pool_private(p))
            || apr_thread_create(&workers[k].thread, NULL, work, &workers[k], threads)
               != APR_SUCCESS)
            break;
        started++;
    }
    if (!started)
        return APR_ENOMEM;
    while (o && o->progress && apr_atomic_read32(&w->done) < n) {
        if (o->progress(o->baton, "metrics", apr_atomic_read32(&w->done), n)) {
            apr_atomic_set32(&w->canceled, 1);
            break;
        }
        apr_sleep(POLL_INTERVAL);
    }
    for (k = 0; k < started; k++) {
        apr_status_t trv;
        apr_thread_join(&trv, workers[k].thread);
    }
    if (apr_atomic_read32(&w->canceled))
        return PL_ECANCELED;
    if (o && o->progress)
        o->progress(o->baton, "metrics", n, n);
    return APR_SUCCESS;
}

static apr_status_t run_ctags(apr_pool_t *p, work_t *w, const pl_code_options_t *o, int jobs,
                              const char **err)
{
    const apr_array_header_t *wf = w->walk->files;
    const char **paths = apr_palloc(p, sizeof(char *) * (apr_size_t)(wf->nelts + 1));
    apr_off_t *bytes = apr_palloc(p, sizeof(apr_off_t) * (apr_size_t)(wf->nelts + 1));
    int *which = apr_palloc(p, sizeof(int) * (apr_size_t)(wf->nelts + 1));
    pl_ctags_options_t co;
    apr_array_header_t **tags;
    apr_status_t rv;
    int i, n = 0;

    for (i = 0; i < wf->nelts; i++) {
        const pl_walk_file_t *f = &APR_ARRAY_IDX(wf, i, pl_walk_file_t);
        if (!f->lang->ctags)
            continue;
        paths[n] = f->path;
        bytes[n] = f->bytes;
        which[n++] = i;
    }
    memset(&co, 0, sizeof(co));
    co.program = o ? o->ctags : NULL;
    co.jobs = jobs;
    co.progress = o ? o->progress : NULL;
    co.baton = o ? o->baton : NULL;
    rv = pl_ctags_run(p, w->root, paths, bytes, n, &co, &tags, &w->code->symbols_missing, err);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < n; i++)
        w->tags[which[i]] = tags[i];
    return APR_SUCCESS;
}

static int by_code_lines(const void *a, const void *b)
{
    const pl_code_lang_t *x = a, *y = b;

    return x->code_lines != y->code_lines ? (y->code_lines > x->code_lines) - (y->code_lines < x->code_lines)
                                          : strcmp(x->language, y->language);
}

static void add_totals(apr_pool_t *p, pl_code_t *c)
{
    apr_hash_t *langs = apr_hash_make(p);
    int i;

    c->languages = apr_array_make(p, 8, sizeof(pl_code_lang_t));
    for (i = 0; i < c->files->nelts; i++) {
        const pl_code_file_t *f = APR_ARRAY_IDX(c->files, i, const pl_code_file_t *);
        pl_code_lang_t *l = apr_hash_get(langs, f->language, APR_HASH_KEY_STRING);

        c->lines += f->lines;
        c->code_lines += f->code_lines;
        c->comment_lines += f->comment_lines;
        c->blank_lines += f->blank_lines;
        c->symbols += f->symbols->nelts;
        c->complexity += f->complexity;
        c->test_files += f->is_test;
        if (!l) {
            l = apr_pcalloc(p, sizeof(*l));
            l->language = f->language;
            apr_hash_set(langs, f->language, APR_HASH_KEY_STRING, l);
        }
        l->files++;
        l->lines += f->lines;
        l->code_lines += f->code_lines;
        l->symbols += f->symbols->nelts;
    }
    for (apr_hash_index_t *hi = apr_hash_first(p, langs); hi; hi = apr_hash_next(hi))
        APR_ARRAY_PUSH(c->languages, pl_code_lang_t) = *(pl_code_lang_t *)apr_hash_this_val(hi);
    qsort(c->languages->elts, (size_t)c->languages->nelts, sizeof(pl_code_lang_t), by_code_lines);
}

apr_status_t pl_code_analyze(apr_pool_t *p, const char *root, const pl_code_options_t *o,
                             pl_code_t **out, const char **err)
{
    int jobs = o && o->jobs > 0 ? o->jobs : 2, i;
    pl_walk_t *walk;
    pl_code_t *c;
    work_t *w;
    apr_status_t rv;

    *out = NULL;
    *err = NULL;
    w = apr_pcalloc(p, sizeof(*w));
    w->root = root;
    w->max_bytes = o && o->max_file_bytes > 0 ? o->max_file_bytes : DEFAULT_MAX_BYTES;
    rv = pl_walk(p, root, w->max_bytes, o ? o->progress : NULL, o ? o->baton : NULL, &walk, err);
    if (rv != APR_SUCCESS)
        return rv;
    w->walk = walk;
    c = w->code = apr_pcalloc(p, sizeof(*c));
    c->root = apr_pstrdup(p, root);
    c->files = apr_array_make(p, walk->files->nelts, sizeof(pl_code_file_t *));
    c->skipped_ignored = walk->skipped_ignored;
    c->skipped_vendored = walk->skipped_vendored;
    c->skipped_generated = walk->skipped_generated;
    c->skipped_binary = walk->skipped_binary;
    c->skipped_huge = walk->skipped_huge;
    c->skipped_other = walk->skipped_other;
    for (i = 0; i < walk->files->nelts; i++) {
        const pl_walk_file_t *wf = &APR_ARRAY_IDX(walk->files, i, pl_walk_file_t);
        pl_code_file_t *f = apr_pcalloc(p, sizeof(*f));
        f->path = wf->path;
        f->language = wf->lang->name;
        f->role = pl_lang_role(wf->path, wf->lang);
        f->is_test = f->role == PL_FILE_TEST;
        f->bytes = wf->bytes;
        APR_ARRAY_PUSH(c->files, pl_code_file_t *) = f;
    }
    w->tags = apr_pcalloc(p, sizeof(apr_array_header_t *) * (apr_size_t)(c->files->nelts + 1));
    w->refs = apr_pcalloc(p, sizeof(apr_array_header_t *) * (apr_size_t)(c->files->nelts + 1));

    if ((rv = run_ctags(p, w, o, jobs, err)) != APR_SUCCESS)
        return rv;
    if ((rv = run_workers(p, w, jobs, o)) != APR_SUCCESS) {
        *err = rv == PL_ECANCELED ? "canceled" : "out of memory";
        return rv;
    }
    c->edges = pl_code_graph(p, c->files, w->refs);
    add_totals(p, c);
    *out = c;
    return APR_SUCCESS;
}
