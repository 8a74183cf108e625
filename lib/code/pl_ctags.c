/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <string.h>

#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_signal.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_time.h>

#include "code/pl_code_pool.h"
#include "code/pl_ctags.h"
#include "core/pl_json.h"
#include "code/pl_lang.h"
#include "core/pl_status.h"

#define READ_CHUNK (64 * 1024)
#define LINES_PER_SCRATCH 512       /* JSON lines parsed before the scratch pool is cleared */
#define POLL_INTERVAL apr_time_from_msec(50)

typedef struct job_t job_t;

typedef struct {
    apr_hash_t *index;          /* path -> 1 + file number; read-only while jobs run */
    apr_array_header_t **tags;  /* per file; written only by the job owning the file */
    int *ordinal;               /* a file's position in its job's list */
    volatile apr_uint32_t finished;
} run_t;

struct job_t {
    run_t *run;
    apr_pool_t *pool;           /* own allocator: used by this job's reader thread only */
    apr_proc_t proc;
    int started;
    char *list;                 /* "path\n" lines for stdin */
    apr_size_t list_len;
    int nfiles;
    volatile apr_uint32_t done; /* files of the list that ctags has gone past */
    apr_thread_t *writer, *reader;
};

static const char *const FIXED_ARGS[] = {
    "--options=NONE", "-L", "-", "-f", "-", "--output-format=json", "--sort=no",
    /* Files the walk recognised by shebang or mode line have no extension ctags knows. */
    "-G",
    /* The pattern field cannot be turned off; this keeps it to a few bytes. */
    "--pattern-length-limit=1",
    /* References are the imports; anonymous structs, enums and callbacks
     * would only add names like __anon3e3cddd10108. */
    "--extras=+r", "--extras=-{anonymous}", "--fields=-ft", "--fields=+nKSerEZ",
    /* Macros, members and enumerators are most of the tags of C headers and
     * rarely evidence of a feature: leaving them out halves the run. */
    "--kinds-C=-dme", "--kinds-C++=-dme", "--kinds-CUDA=-dme",
    NULL
};

static const char **build_args(apr_pool_t *p, const char *program)
{
    apr_array_header_t *args = apr_array_make(p, 40, sizeof(const char *));
    const char *parser, *pattern, *langs = NULL;
    const pl_lang_t *l;
    int i, whole;

    APR_ARRAY_PUSH(args, const char *) = program;
    for (i = 0; FIXED_ARGS[i]; i++)
        APR_ARRAY_PUSH(args, const char *) = FIXED_ARGS[i];
    for (i = 0; (l = pl_lang_at(i)); i++)
        if (l->ctags)
            langs = langs ? apr_pstrcat(p, langs, ",", l->ctags, NULL) : l->ctags;
    APR_ARRAY_PUSH(args, const char *) = apr_pstrcat(p, "--languages=", langs, NULL);
    for (i = 0; (whole = pl_lang_ctags_map(i, &parser, &pattern)); i++)
        APR_ARRAY_PUSH(args, const char *) =
            whole == 2 ? apr_psprintf(p, "--map-%s=+(%s)", parser, pattern)
                       : apr_psprintf(p, "--map-%s=+.%s", parser, pattern);
    APR_ARRAY_PUSH(args, const char *) = NULL;
    return (const char **)args->elts;
}

static const char *copy_or_null(apr_pool_t *p, const char *s)
{
    return s && *s ? apr_pstrdup(p, s) : NULL;
}

/* A scope inside something anonymous has no name a reader could use. */
static const char *named_scope(apr_pool_t *p, const char *scope)
{
    if (!scope || !*scope || strstr(scope, "__anon") || strstr(scope, "AnonymousFunction"))
        return NULL;
    return apr_pstrdup(p, scope);
}

static void take_line(job_t *job, apr_pool_t *scratch, const char *line, apr_size_t len)
{
    run_t *run = job->run;
    pl_json_t *j;
    const char *err, *path, *extras;
    apr_int64_t num;
    apr_array_header_t **slot;
    pl_ctags_tag_t *t;
    void *found;
    int file;

    if (len == 0 || pl_json_parse(&j, scratch, line, len, 4, &err) != APR_SUCCESS)
        return;                 /* a name that is not UTF-8 is lost, not fatal */
    path = pl_json_get_str(j, "path");
    if (!path || !pl_json_get_str(j, "name") || !pl_json_get_str(j, "kind")
        || strcmp(pl_json_get_str(j, "_type") ? pl_json_get_str(j, "_type") : "", "tag") != 0
        || !(found = apr_hash_get(run->index, path, APR_HASH_KEY_STRING)))
        return;
    file = (int)((apr_uintptr_t)found - 1);
    apr_atomic_set32(&job->done, (apr_uint32_t)run->ordinal[file]);
    slot = &run->tags[file];
    if (!*slot)
        *slot = apr_array_make(job->pool, 8, sizeof(pl_ctags_tag_t));
    t = apr_array_push(*slot);
    memset(t, 0, sizeof(*t));
    t->name = apr_pstrdup(job->pool, pl_json_get_str(j, "name"));
    t->kind = apr_pstrdup(job->pool, pl_json_get_str(j, "kind"));
    t->scope = named_scope(job->pool, pl_json_get_str(j, "scope"));
    t->scope_kind = copy_or_null(job->pool, pl_json_get_str(j, "scopeKind"));
    t->signature = copy_or_null(job->pool, pl_json_get_str(j, "signature"));
    extras = pl_json_get_str(j, "extras");
    if (extras && strstr(extras, "reference"))
        t->role = copy_or_null(job->pool, pl_json_get_str(j, "roles"));
    if (pl_json_get_int(j, "line", &num) && num > 0 && num < 1 << 30)
        t->line = (int)num;
    if (pl_json_get_int(j, "end", &num) && num >= t->line && num < 1 << 30)
        t->end_line = (int)num;
}

static void *APR_THREAD_FUNC read_output(apr_thread_t *thread, void *data)
{
    job_t *job = data;
    apr_pool_t *scratch;
    char *buf = apr_palloc(job->pool, READ_CHUNK);
    apr_size_t cap = READ_CHUNK, have = 0;
    int lines = 0;

    apr_pool_create(&scratch, job->pool);
    for (;;) {
        apr_size_t got = cap - have, start = 0, i;
        apr_status_t rv = apr_file_read(job->proc.out, buf + have, &got);

        if (rv != APR_SUCCESS || got == 0)
            break;
        for (i = have; i < have + got; i++) {
            if (buf[i] != '\n')
                continue;
            take_line(job, scratch, buf + start, i - start);
            start = i + 1;
            if (++lines % LINES_PER_SCRATCH == 0)
                apr_pool_clear(scratch);
        }
        have += got;
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have == cap) {          /* one line longer than the buffer */
            char *bigger = apr_palloc(job->pool, cap * 2);
            memcpy(bigger, buf, have);
            buf = bigger;
            cap *= 2;
        }
    }
    take_line(job, scratch, buf, have);
    apr_pool_destroy(scratch);
    apr_file_close(job->proc.out);
    apr_atomic_inc32(&job->run->finished);
    return NULL;
}

static void *APR_THREAD_FUNC write_list(apr_thread_t *thread, void *data)
{
    job_t *job = data;

    /* ctags may exit before reading the whole list; the write must then fail
     * with EPIPE instead of killing the process. Only this thread blocks it. */
    apr_signal_block(SIGPIPE);
    apr_file_write_full(job->proc.in, job->list, job->list_len, NULL);
    apr_file_close(job->proc.in);
    return NULL;
}

static apr_status_t spawn(job_t *job, const char *root, const char *const *args, apr_file_t *null,
                          apr_pool_t *p)
{
    apr_procattr_t *attr;
    apr_status_t rv;

    if ((rv = apr_procattr_create(&attr, p)) != APR_SUCCESS
        || (rv = apr_procattr_io_set(attr, APR_FULL_BLOCK, APR_FULL_BLOCK, APR_NO_PIPE))
           != APR_SUCCESS
        || (rv = apr_procattr_child_err_set(attr, null, NULL)) != APR_SUCCESS
        || (rv = apr_procattr_dir_set(attr, root)) != APR_SUCCESS
        || (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM_PATH)) != APR_SUCCESS)
        return rv;
    rv = apr_proc_create(&job->proc, args[0], args, NULL, attr, p);
    job->started = rv == APR_SUCCESS;
    return rv;
}

/* How a path goes into ctags' list and comes back in its output. ctags
 * takes a line that starts with '-' as an option (a file named
 * "--options=..." must not configure it) and trims blanks around names;
 * "./" covers the first, and names that end in a blank or hold a line
 * break are left out (the file keeps its metrics, without symbols). */
static const char *list_name(apr_pool_t *p, const char *path)
{
    apr_size_t n = strlen(path);

    if (strpbrk(path, "\n\r") || n == 0 || path[n - 1] == ' ' || path[n - 1] == '\t')
        return NULL;
    return path[0] == '-' || path[0] == ' ' || path[0] == '\t' ? apr_pstrcat(p, "./", path, NULL)
                                                                : path;
}

/* Deals the files to the jobs, largest remaining share first, keeping each
 * job's list in path order. */
static void deal(apr_pool_t *p, run_t *run, job_t *jobs, int njobs, const char *const *names,
                 const apr_off_t *bytes, int n)
{
    apr_off_t *load = apr_pcalloc(p, sizeof(apr_off_t) * (apr_size_t)njobs);
    apr_size_t *len = apr_pcalloc(p, sizeof(apr_size_t) * (apr_size_t)njobs);
    int *owner = apr_palloc(p, sizeof(int) * (apr_size_t)(n ? n : 1));
    int i, k;

    for (i = 0; i < n; i++) {
        int best = 0;
        if (!names[i])
            continue;
        for (k = 1; k < njobs; k++)
            if (load[k] < load[best])
                best = k;
        owner[i] = best;
        load[best] += bytes[i] + 1;
        len[best] += strlen(names[i]) + 1;
    }
    for (k = 0; k < njobs; k++) {
        jobs[k].list = apr_palloc(p, len[k] + 1);
        jobs[k].list_len = 0;
    }
    for (i = 0; i < n; i++) {
        job_t *job = &jobs[owner[i]];
        apr_size_t l;
        if (!names[i])
            continue;
        l = strlen(names[i]);
        memcpy(job->list + job->list_len, names[i], l);
        job->list[job->list_len + l] = '\n';
        job->list_len += l + 1;
        run->ordinal[i] = ++job->nfiles;
    }
}

static apr_uint32_t files_done(job_t *jobs, int njobs)
{
    apr_uint32_t sum = 0;
    int k;

    for (k = 0; k < njobs; k++)
        sum += apr_atomic_read32(&jobs[k].done);
    return sum;
}

apr_status_t pl_ctags_run(apr_pool_t *p, const char *root, const char *const *paths,
                          const apr_off_t *bytes, int n, const pl_ctags_options_t *o,
                          apr_array_header_t ***tags, int *failed, const char **err)
{
    int njobs = o && o->jobs > 0 ? o->jobs : 2, k, i, canceled = 0, any_output = 0, broken = 0;
    const char *program = o && o->program ? o->program : "ctags";
    pl_progress_fn *progress = o ? o->progress : NULL;
    run_t *run = apr_pcalloc(p, sizeof(*run));
    job_t *jobs;
    apr_file_t *null;
    apr_pool_t *threads;
    const char **args, **names;
    apr_status_t rv;

    *failed = 0;
    run->tags = apr_pcalloc(p, sizeof(apr_array_header_t *) * (apr_size_t)(n ? n : 1));
    *tags = run->tags;
    if (n == 0)
        return APR_SUCCESS;
    if (njobs > n)
        njobs = n;
    run->ordinal = apr_palloc(p, sizeof(int) * (apr_size_t)n);
    run->index = apr_hash_make(p);
    names = apr_palloc(p, sizeof(char *) * (apr_size_t)n);
    for (i = 0; i < n; i++)
        if ((names[i] = list_name(p, paths[i])))
            apr_hash_set(run->index, names[i], APR_HASH_KEY_STRING, (void *)(apr_uintptr_t)(i + 1));
    jobs = apr_pcalloc(p, sizeof(job_t) * (apr_size_t)njobs);
    deal(p, run, jobs, njobs, names, bytes, n);
    args = build_args(p, program);
    if ((rv = apr_file_open(&null, "/dev/null", APR_FOPEN_WRITE, 0, p)) != APR_SUCCESS) {
        *err = "cannot open /dev/null";
        return rv;
    }

    /* Every process is started before any thread, so that no child inherits
     * the pipe of another between fork and exec. */
    for (k = 0; k < njobs; k++) {
        jobs[k].run = run;
        if (!(jobs[k].pool = pl_code_pool_private(p))
            || spawn(&jobs[k], root, args, null, p) != APR_SUCCESS)
            break;
    }
    if (k < njobs) {
        for (i = 0; i < k && jobs[i].started; i++) {
            apr_proc_kill(&jobs[i].proc, SIGTERM);
            apr_proc_wait(&jobs[i].proc, NULL, NULL, APR_WAIT);
        }
        *err = apr_psprintf(p, "cannot run %s (universal-ctags)", program);
        return PL_ETOOL;
    }
    threads = pl_code_pool_for_threads(p);
    for (k = 0; k < njobs; k++) {
        if (!threads
            || apr_thread_create(&jobs[k].writer, NULL, write_list, &jobs[k], threads)
               != APR_SUCCESS) {
            jobs[k].writer = NULL;
            apr_file_close(jobs[k].proc.in);    /* an empty list: ctags ends */
        }
        if (!threads
            || apr_thread_create(&jobs[k].reader, NULL, read_output, &jobs[k], threads) != APR_SUCCESS) {
            /* Nobody reads: stop the process rather than let it block. */
            jobs[k].reader = NULL;
            apr_proc_kill(&jobs[k].proc, SIGTERM);
            apr_atomic_inc32(&run->finished);
        }
    }
    while (progress && apr_atomic_read32(&run->finished) < (apr_uint32_t)njobs) {
        if (progress(o->baton, "symbols", files_done(jobs, njobs), n)) {
            canceled = 1;
            for (k = 0; k < njobs; k++)
                apr_proc_kill(&jobs[k].proc, SIGTERM);
            break;
        }
        apr_sleep(POLL_INTERVAL);
    }
    for (k = 0; k < njobs; k++) {
        apr_status_t trv;
        int code;
        apr_exit_why_e why;

        if (jobs[k].writer)
            apr_thread_join(&trv, jobs[k].writer);
        if (jobs[k].reader)
            apr_thread_join(&trv, jobs[k].reader);
        apr_proc_wait(&jobs[k].proc, &code, &why, APR_WAIT);
        if (jobs[k].done)
            any_output = 1;
        if (why != APR_PROC_EXIT || code != 0) {
            broken++;
            *failed += jobs[k].nfiles - (int)jobs[k].done;
        }
    }
    apr_file_close(null);
    if (canceled) {
        *err = "canceled";
        return PL_ECANCELED;
    }
    if (broken == njobs && !any_output) {
        *err = apr_psprintf(p, "%s failed: is universal-ctags (with JSON output) installed?",
                            program);
        return PL_ETOOL;
    }
    if (progress)
        progress(o->baton, "symbols", n, n);
    return APR_SUCCESS;
}
